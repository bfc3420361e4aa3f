//! The class roster: a CSV file with the header `student,fork[,ref]`, one student per line.
//!
//! `fork` is a local path or a git URL; `ref` (optional) a branch, tag or commit of it. Every
//! mistake is reported with its line, so a teacher can fix the file at once.

use anyhow::{Context, bail};
use std::collections::HashMap;
use std::path::Path;

/// One student of the roster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Student {
    /// The name as the roster gives it.
    pub name: String,
    /// The name made safe for a folder: letters, digits, `-`, `_` and `.` only, never `.` or `..`.
    pub folder: String,
    /// The fork: a local path or a git URL.
    pub fork: String,
    /// The branch, tag or commit to grade (the fork's default branch if `None`).
    pub reference: Option<String>,
    /// The student's line in the roster (1 is the header).
    pub line: usize,
}

/// Reads and checks the roster at `path`: a header naming `student` and `fork` (and optionally
/// `ref`), then at least one student, each named once.
pub fn read(path: &Path) -> anyhow::Result<Vec<Student>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("reading the roster {}", path.display()))?;
    parse(&text).with_context(|| format!("roster {}", path.display()))
}

/// Parses a roster's text (see [`read`]).
pub fn parse(text: &str) -> anyhow::Result<Vec<Student>> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .context("line 1: reading the header")?
        .clone();
    let column = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
    let (Some(student_col), Some(fork_col)) = (column("student"), column("fork")) else {
        bail!(
            "line 1: the header must name the columns `student,fork[,ref]`, not `{}`",
            headers.iter().collect::<Vec<_>>().join(",")
        );
    };
    let ref_col = column("ref");
    let mut students: Vec<Student> = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut folders: HashMap<String, usize> = HashMap::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            anyhow::anyhow!("line {line}: {e}")
        })?;
        let line = record.position().map_or(0, |p| p.line() as usize);
        let field = |col: usize| record.get(col).unwrap_or("").to_string();
        let (name, fork) = (field(student_col), field(fork_col));
        if name.is_empty() {
            bail!("line {line}: the student's name is empty");
        }
        if fork.is_empty() {
            bail!("line {line}: `{name}` has no fork");
        }
        if let Some(first) = seen.insert(name.clone(), line) {
            bail!("line {line}: `{name}` is already on line {first}");
        }
        let folder = safe_folder_name(&name);
        if let Some(first) = folders.insert(folder.clone(), line) {
            bail!(
                "line {line}: `{name}` needs the same folder name (`{folder}`) as the student on \
                 line {first}: rename one of them"
            );
        }
        let reference = ref_col.map(field).filter(|r| !r.is_empty());
        students.push(Student {
            name,
            folder,
            fork,
            reference,
            line,
        });
    }
    if students.is_empty() {
        bail!("the roster lists no student (a header, then one `student,fork[,ref]` per line)");
    }
    Ok(students)
}

/// A student's name as a folder name: what is not a letter, a digit, `-`, `_` or `.` becomes
/// `_`; leading dots too, so the name can never be `.`, `..` or hidden.
pub fn safe_folder_name(name: &str) -> String {
    let mut folder: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let dots = folder.len() - folder.trim_start_matches('.').len();
    folder.replace_range(..dots, &"_".repeat(dots));
    folder.chars().take(100).collect()
}

/// Which part of a class one machine grades: `i/n` (1 ≤ i ≤ n).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// This part, from 1.
    pub index: usize,
    /// How many parts.
    pub count: usize,
}

impl std::str::FromStr for Shard {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let parsed = text
            .split_once('/')
            .and_then(|(i, n)| Some((i.trim().parse().ok()?, n.trim().parse().ok()?)));
        match parsed {
            Some((index, count)) if 1 <= index && index <= count => Ok(Shard { index, count }),
            _ => Err(format!(
                "`{text}` is not a shard: write i/n with 1 <= i <= n, e.g. 2/4"
            )),
        }
    }
}

impl Shard {
    /// The students of this part: every `count`-th of the roster, starting at the `index`-th, so
    /// that the parts are disjoint, cover the roster, and differ in size by at most one.
    pub fn select(self, students: &[Student]) -> Vec<Student> {
        students
            .iter()
            .enumerate()
            .filter(|(i, _)| i % self.count == self.index - 1)
            .map(|(_, s)| s.clone())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> String {
        format!("{:#}", parse(text).unwrap_err())
    }

    #[test]
    fn a_roster_with_and_without_refs() {
        let students = parse(
            "student,fork,ref\n\
             ada,https://example.org/ada/course.git,main\n\
             bob , /home/t/forks/bob ,\n",
        )
        .unwrap();
        assert_eq!(students.len(), 2);
        assert_eq!(students[0].reference.as_deref(), Some("main"));
        assert_eq!(students[1].fork, "/home/t/forks/bob");
        assert_eq!(students[1].reference, None);
        assert_eq!(students[1].line, 3);
        let students = parse("Student,Fork\nada,../ada\n").unwrap();
        assert_eq!(students[0].fork, "../ada");
    }

    #[test]
    fn mistakes_are_named_with_their_line() {
        assert!(err("name,repo\nada,x\n").contains("line 1"));
        assert!(err("student,fork\n").contains("no student"));
        assert!(err("").contains("no student") || err("").contains("line 1"));
        assert!(err("student,fork\nada,x\nada,y\n").contains("line 3: `ada` is already on line 2"));
        assert!(err("student,fork\nada,\n").contains("line 2: `ada` has no fork"));
        assert!(err("student,fork\n,x\n").contains("line 2"));
        assert!(err("student,fork\nada,x,extra\n").contains("line 2"));
        assert!(err("student,fork\na/b,x\na?b,y\n").contains("same folder name"));
    }

    #[test]
    fn names_become_safe_folders() {
        assert_eq!(safe_folder_name("Ada Lovelace"), "Ada_Lovelace");
        assert_eq!(safe_folder_name("../../etc"), "___.._etc");
        assert_eq!(safe_folder_name(".."), "__");
        assert_eq!(safe_folder_name(".hidden"), "_hidden");
        assert_eq!(safe_folder_name("zoë-1.2"), "zoë-1.2");
        assert!(!safe_folder_name("a/b\\c:d").contains(['/', '\\', ':']));
    }

    #[test]
    fn shards_partition_the_roster() {
        let students: Vec<Student> = (0..23)
            .map(|i| Student {
                name: format!("s{i}"),
                folder: format!("s{i}"),
                fork: "x".into(),
                reference: None,
                line: i + 2,
            })
            .collect();
        for count in 1..=7 {
            let mut all: Vec<String> = Vec::new();
            for index in 1..=count {
                let part = Shard { index, count }.select(&students);
                assert!(part.len().abs_diff(students.len() / count) <= 1);
                all.extend(part.into_iter().map(|s| s.name));
            }
            all.sort();
            let mut expected: Vec<String> = students.iter().map(|s| s.name.clone()).collect();
            expected.sort();
            assert_eq!(all, expected, "{count} shards: every student exactly once");
        }
        assert_eq!("2/4".parse(), Ok(Shard { index: 2, count: 4 }));
        for bad in ["0/4", "5/4", "x", "1/0", "2"] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
    }
}

//! The class's gradebook: one row per student, written as `gradebook.csv`, `gradebook.md` (with
//! the exercises the class struggles with) and `gradebook.json`; and merging the parts of a class
//! graded on several machines.
//!
//! # `gradebook.json` schema (version 1)
//!
//! ```text
//! {
//!   "schema": 1,
//!   "lessons": [{ "lesson": string, "max_points": u32 }],   // the points columns, in course order
//!   "students": [{
//!     "student": string,          // as the roster names them
//!     "folder": string,           // students/<folder>/ holds report.json and report.md
//!     "line": usize,              // their line in the roster (rows are in roster order)
//!     "fork": string, "ref": string | null,
//!     "commit": string | null,    // the commit graded (a content hash for a folder outside git)
//!     "status": "graded" | "build_failed" | "timed_out" | "unreachable",
//!     "reason": string,           // why, for every status but `graded`
//!     "total": u32, "max": u32,
//!     "points": { lesson: u32 },
//!     "sandbox": string,          // what confined the student's code
//!     "review_flags": [string],   // constructs a teacher should look at
//!     "exercises": { "lesson/item": bool },   // every test of the exercise passed
//!     "grading_commit": string, "toolchain": string,
//!     "graded_at": string,        // UTC, RFC 3339
//!     "cached": bool              // reused from an earlier run (same fork commit and grading)
//!   }]
//! }
//! ```
//!
//! Fields are only ever added within a schema version, never renamed or removed.

use anyhow::{Context, bail};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

/// The schema version of `gradebook.json`.
pub const SCHEMA: u32 = 1;

/// What became of one student.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StudentStatus {
    /// Every lesson was built and its tests run.
    Graded,
    /// At least one lesson did not compile (its tests got 0; the others count).
    BuildFailed,
    /// The student's build and tests ran past their budget; what was done before counts.
    TimedOut,
    /// The fork could not be read (no such path, clone failed, no such ref, not the course).
    Unreachable,
}

impl StudentStatus {
    /// How the tables print it.
    pub fn label(self) -> &'static str {
        match self {
            StudentStatus::Graded => "graded",
            StudentStatus::BuildFailed => "build failed",
            StudentStatus::TimedOut => "timed out",
            StudentStatus::Unreachable => "unreachable",
        }
    }
}

/// A points column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LessonColumn {
    /// The lesson.
    pub lesson: String,
    /// Its points.
    pub max_points: u32,
}

/// One student's row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Row {
    /// The name as the roster gives it.
    pub student: String,
    /// The folder of their reports under `students/`.
    pub folder: String,
    /// Their line in the roster.
    pub line: usize,
    /// The fork.
    pub fork: String,
    /// The ref graded, if the roster named one.
    #[serde(rename = "ref")]
    pub reference: Option<String>,
    /// The commit graded.
    pub commit: Option<String>,
    /// What became of them.
    pub status: StudentStatus,
    /// Why, for every status but `graded`.
    pub reason: String,
    /// Points earned.
    pub total: u32,
    /// Points available.
    pub max: u32,
    /// Points per lesson.
    pub points: BTreeMap<String, u32>,
    /// What confined their code.
    pub sandbox: String,
    /// Constructs a teacher should look at.
    pub review_flags: Vec<String>,
    /// Per exercise (`lesson/item`), whether every test passed.
    pub exercises: BTreeMap<String, bool>,
    /// The commit of the grading files.
    pub grading_commit: String,
    /// The compiler that built their code.
    pub toolchain: String,
    /// When they were graded (UTC, RFC 3339).
    pub graded_at: String,
    /// Whether the row was reused from an earlier run.
    pub cached: bool,
}

/// The whole gradebook.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Gradebook {
    /// The schema version.
    pub schema: u32,
    /// The points columns, in course order.
    pub lessons: Vec<LessonColumn>,
    /// One row per student, in roster order.
    pub students: Vec<Row>,
}

impl Gradebook {
    /// A gradebook of `rows` with the points columns of `lessons`, rows in roster order.
    pub fn new(lessons: Vec<LessonColumn>, mut rows: Vec<Row>) -> Gradebook {
        rows.sort_by(|a, b| (a.line, &a.student).cmp(&(b.line, &b.student)));
        Gradebook {
            schema: SCHEMA,
            lessons,
            students: rows,
        }
    }

    /// Reads `gradebook.json` from `path` (the file, or a folder holding it).
    pub fn read(path: &Path) -> anyhow::Result<Gradebook> {
        let file = if path.is_dir() {
            path.join("gradebook.json")
        } else {
            path.to_path_buf()
        };
        let text = std::fs::read_to_string(&file)
            .with_context(|| format!("reading {}", file.display()))?;
        let book: Gradebook =
            serde_json::from_str(&text).with_context(|| format!("parsing {}", file.display()))?;
        if book.schema != SCHEMA {
            bail!(
                "{}: gradebook schema {} (this grader writes {SCHEMA})",
                file.display(),
                book.schema
            );
        }
        Ok(book)
    }

    /// Writes `gradebook.json`, `gradebook.csv` and `gradebook.md` into `dir`.
    pub fn write(&self, dir: &Path) -> anyhow::Result<()> {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        write_atomically(
            &dir.join("gradebook.json"),
            serde_json::to_string_pretty(self)?.as_bytes(),
        )?;
        write_atomically(&dir.join("gradebook.csv"), &self.to_csv()?)?;
        write_atomically(&dir.join("gradebook.md"), self.to_markdown().as_bytes())?;
        Ok(())
    }

    /// One row per student: student, fork, commit, total, max, points per lesson, status,
    /// sandbox, review flags.
    pub fn to_csv(&self) -> anyhow::Result<Vec<u8>> {
        let mut out = csv::Writer::from_writer(Vec::new());
        let mut header = vec!["student", "fork", "commit", "total", "max"];
        header.extend(self.lessons.iter().map(|l| l.lesson.as_str()));
        header.extend(["status", "sandbox", "review_flags"]);
        out.write_record(&header)?;
        for row in &self.students {
            let mut record = vec![
                row.student.clone(),
                row.fork.clone(),
                row.commit.clone().unwrap_or_default(),
                row.total.to_string(),
                row.max.to_string(),
            ];
            record.extend(
                self.lessons
                    .iter()
                    .map(|l| row.points.get(&l.lesson).copied().unwrap_or(0).to_string()),
            );
            record.extend([
                row.status.label().to_string(),
                row.sandbox.clone(),
                row.review_flags.join("; "),
            ]);
            out.write_record(&record)?;
        }
        Ok(out.into_inner()?)
    }

    /// The table, then the exercises the class struggles with, worst first.
    pub fn to_markdown(&self) -> String {
        let mut out = String::from("# Gradebook\n\n");
        let counts = |s: StudentStatus| self.students.iter().filter(|r| r.status == s).count();
        let _ = writeln!(
            out,
            "{} students: {} graded, {} with a lesson that did not build, {} timed out, {} unreachable.\n",
            self.students.len(),
            counts(StudentStatus::Graded),
            counts(StudentStatus::BuildFailed),
            counts(StudentStatus::TimedOut),
            counts(StudentStatus::Unreachable),
        );
        out.push_str("| student | total |");
        for l in &self.lessons {
            let _ = write!(out, " {} /{} |", l.lesson, l.max_points);
        }
        out.push_str(" status | review flags |\n|---|---|");
        out.push_str(&"---|".repeat(self.lessons.len() + 2));
        out.push('\n');
        for row in &self.students {
            let _ = write!(
                out,
                "| {} | {}/{} |",
                cell(&row.student),
                row.total,
                row.max
            );
            for l in &self.lessons {
                let _ = write!(
                    out,
                    " {} |",
                    row.points.get(&l.lesson).copied().unwrap_or(0)
                );
            }
            let status = if row.reason.is_empty() {
                row.status.label().to_string()
            } else {
                format!("{}: {}", row.status.label(), cell(&row.reason))
            };
            let _ = writeln!(out, " {status} | {} |", cell(&row.review_flags.join("; ")));
        }
        let rates = self.pass_rates();
        if !rates.is_empty() {
            out.push_str(
                "\n## Exercises the class struggles with\n\n\
                 Share of the students whose answer passes every test of the exercise (students \
                 whose fork could not be read are left out), worst first.\n\n\
                 | exercise | passed | rate |\n|---|---|---|\n",
            );
            for (exercise, passed, of) in rates {
                let _ = writeln!(
                    out,
                    "| `{exercise}` | {passed}/{of} | {:.0} % |",
                    100.0 * passed as f64 / of as f64
                );
            }
        }
        out
    }

    /// Per exercise: how many of the students who were read pass it, of how many; worst first.
    pub fn pass_rates(&self) -> Vec<(String, usize, usize)> {
        let mut tally: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
        for row in self
            .students
            .iter()
            .filter(|r| r.status != StudentStatus::Unreachable)
        {
            for (exercise, &passed) in &row.exercises {
                let entry = tally.entry(exercise).or_default();
                entry.0 += usize::from(passed);
                entry.1 += 1;
            }
        }
        let mut rates: Vec<(String, usize, usize)> = tally
            .into_iter()
            .map(|(e, (passed, of))| (e.to_string(), passed, of))
            .collect();
        rates.sort_by(|a, b| {
            (a.1 as f64 / a.2 as f64)
                .total_cmp(&(b.1 as f64 / b.2 as f64))
                .then_with(|| a.0.cmp(&b.0))
        });
        rates
    }
}

/// The union of gradebook parts (each student once), whatever their order and however often a
/// part is given. A student graded in two parts keeps the later grading (then the larger row, so
/// that the choice never depends on the order).
pub fn merge(parts: &[Gradebook]) -> Gradebook {
    let mut rows: BTreeMap<&str, &Row> = BTreeMap::new();
    for row in parts.iter().flat_map(|p| &p.students) {
        let keep = match rows.get(row.student.as_str()) {
            None => true,
            Some(old) => {
                (
                    &row.graded_at,
                    serde_json::to_string(row).unwrap_or_default(),
                ) > (
                    &old.graded_at,
                    serde_json::to_string(old).unwrap_or_default(),
                )
            }
        };
        if keep {
            rows.insert(&row.student, row);
        }
    }
    let mut lessons: Vec<LessonColumn> = Vec::new();
    for column in parts.iter().flat_map(|p| &p.lessons) {
        if !lessons.iter().any(|l| l.lesson == column.lesson) {
            lessons.push(column.clone());
        }
    }
    let order = crate::lessons::names().unwrap_or_default();
    lessons.sort_by_key(|l| {
        order
            .iter()
            .position(|n| *n == l.lesson)
            .unwrap_or(usize::MAX)
    });
    Gradebook::new(lessons, rows.into_values().cloned().collect())
}

fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

fn write_atomically(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, bytes).with_context(|| format!("writing {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(student: &str, line: usize, total: u32, graded_at: &str) -> Row {
        Row {
            student: student.into(),
            folder: student.into(),
            line,
            fork: format!("https://example.org/{student}.git"),
            reference: None,
            commit: Some("abc".into()),
            status: StudentStatus::Graded,
            reason: String::new(),
            total,
            max: 10,
            points: BTreeMap::from([("sync".to_string(), total)]),
            sandbox: "full".into(),
            review_flags: Vec::new(),
            exercises: BTreeMap::from([
                ("sync/Bank".to_string(), total > 5),
                ("sync/dine".to_string(), true),
            ]),
            grading_commit: "def".into(),
            toolchain: "rustc".into(),
            graded_at: graded_at.into(),
            cached: false,
        }
    }

    fn columns() -> Vec<LessonColumn> {
        vec![LessonColumn {
            lesson: "sync".into(),
            max_points: 10,
        }]
    }

    #[test]
    fn merging_is_order_independent_and_idempotent() {
        let a = Gradebook::new(
            columns(),
            vec![row("ada", 2, 7, "t1"), row("cy", 4, 3, "t1")],
        );
        let b = Gradebook::new(columns(), vec![row("bob", 3, 9, "t1")]);
        let regraded = Gradebook::new(columns(), vec![row("ada", 2, 10, "t2")]);
        let whole = merge(&[a.clone(), b.clone(), regraded.clone()]);
        assert_eq!(
            whole
                .students
                .iter()
                .map(|r| r.student.as_str())
                .collect::<Vec<_>>(),
            ["ada", "bob", "cy"],
            "roster order"
        );
        assert_eq!(whole.students[0].total, 10, "the later grading wins");
        for parts in [
            vec![regraded.clone(), b.clone(), a.clone()],
            vec![b.clone(), a.clone(), regraded.clone(), a.clone()],
            vec![whole.clone(), whole.clone()],
            vec![whole.clone(), a.clone(), b.clone()],
        ] {
            assert_eq!(merge(&parts), whole);
        }
    }

    #[test]
    fn the_tables_name_every_student_and_the_hardest_exercise_first() {
        let mut lost = row("cy", 4, 0, "t1");
        lost.status = StudentStatus::Unreachable;
        lost.reason = "could not clone".into();
        lost.exercises.clear();
        let book = Gradebook::new(
            columns(),
            vec![row("ada", 2, 7, "t1"), row("bob", 3, 2, "t1"), lost],
        );
        assert_eq!(
            book.pass_rates(),
            [
                ("sync/Bank".to_string(), 1, 2),
                ("sync/dine".to_string(), 2, 2)
            ]
        );
        let md = book.to_markdown();
        assert!(
            md.contains("| cy | 0/10 | 0 | unreachable: could not clone |"),
            "{md}"
        );
        assert!(
            md.find("sync/Bank").unwrap() < md.find("sync/dine").unwrap(),
            "{md}"
        );
        let csv = String::from_utf8(book.to_csv().unwrap()).unwrap();
        let mut lines = csv.lines();
        assert_eq!(
            lines.next(),
            Some("student,fork,commit,total,max,sync,status,sandbox,review_flags")
        );
        assert_eq!(lines.count(), 3);
        let dir = tempfile::tempdir().unwrap();
        book.write(dir.path()).unwrap();
        assert_eq!(Gradebook::read(dir.path()).unwrap(), book);
    }
}

//! The lesson table, `lessons.toml`: which lessons the course has, in teaching order, and what the
//! runner needs to know about each. No other part of xtask names a lesson.

use anyhow::{Context, bail};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::path::Path;
use std::sync::OnceLock;

/// One lesson: a crate under `crates/`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lesson {
    /// The crate's name (and folder under `crates/`).
    pub name: String,
    /// Its number in the course.
    pub number: u32,
    /// How the READMEs and the runner name it.
    pub title: String,
    /// What limits the work its benches measure.
    pub bound: Bound,
    /// What one element of its benches' throughput counts (a plural noun).
    pub unit: String,
    /// What its benches' numeric parameter is.
    pub parameter: Parameter,
    /// Whether `python/bench_seed.py` has ports of its seed code.
    #[serde(default)]
    pub python: bool,
    /// Whether those ports need the downloader's local server.
    #[serde(default)]
    pub python_server: bool,
}

/// What limits a lesson's work, which decides its ideal speedup.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Bound {
    /// Computation: more workers than cores cannot help, ideal = min(workers, cores).
    Cpu,
    /// Waiting (network latency): workers overlap their waits, ideal = workers.
    Io,
}

/// What a lesson's bench parameters count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Parameter {
    /// Workers (threads, processes, tasks): the x axis of the speedup chart.
    Workers,
    /// A message size in bytes (the ipc lesson compares transports, not worker counts).
    Bytes,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Table {
    lesson: Vec<Lesson>,
}

/// Every lesson, in teaching order, read once from the workspace's `lessons.toml`.
pub fn all() -> anyhow::Result<&'static [Lesson]> {
    static TABLE: OnceLock<Result<Vec<Lesson>, String>> = OnceLock::new();
    TABLE
        .get_or_init(|| {
            load(&crate::workspace::root().join("lessons.toml")).map_err(|e| format!("{e:#}"))
        })
        .as_deref()
        .map_err(|e| anyhow::anyhow!("{e}"))
}

/// The names of every lesson, in teaching order.
pub fn names() -> anyhow::Result<Vec<&'static str>> {
    Ok(all()?.iter().map(|l| l.name.as_str()).collect())
}

/// The lesson called `name`.
pub fn get(name: &str) -> anyhow::Result<&'static Lesson> {
    let lessons = all()?;
    lessons.iter().find(|l| l.name == name).with_context(|| {
        format!(
            "unknown lesson `{name}`; the lessons are: {}",
            lessons
                .iter()
                .map(|l| l.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )
    })
}

/// Checks that every name is a lesson and returns them in the order given; with no names, every
/// lesson in teaching order.
pub fn select(names: &[String]) -> anyhow::Result<Vec<String>> {
    if names.is_empty() {
        return Ok(all()?.iter().map(|l| l.name.clone()).collect());
    }
    for name in names {
        get(name)?;
    }
    Ok(names.to_vec())
}

/// Reads and validates a lesson table.
pub fn load(path: &Path) -> anyhow::Result<Vec<Lesson>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let table: Table =
        toml::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
    let mut names = HashSet::new();
    let mut previous = 0;
    for lesson in &table.lesson {
        if !names.insert(lesson.name.as_str()) {
            bail!(
                "{}: lesson `{}` is listed twice",
                path.display(),
                lesson.name
            );
        }
        if lesson.number <= previous {
            bail!(
                "{}: lesson `{}` is number {}, but the lessons must be listed in teaching order \
                 with increasing numbers from 1",
                path.display(),
                lesson.name,
                lesson.number
            );
        }
        previous = lesson.number;
    }
    Ok(table.lesson)
}

/// Problems with the table against the crates on disk: a lesson without a crate, or a crate under
/// `crates/` that the table does not list.
pub fn check_against_disk(lessons: &[Lesson], root: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    for lesson in lessons {
        if !root
            .join("crates")
            .join(&lesson.name)
            .join("Cargo.toml")
            .is_file()
        {
            problems.push(format!(
                "lessons.toml lists `{}`, but crates/{}/Cargo.toml does not exist",
                lesson.name, lesson.name
            ));
        }
    }
    let on_disk = std::fs::read_dir(root.join("crates"))
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.path().join("Cargo.toml").is_file())
        .filter_map(|e| e.file_name().into_string().ok());
    for name in on_disk {
        if !lessons.iter().any(|l| l.name == name) {
            problems.push(format!(
                "crates/{name} is not in lessons.toml: add an entry for it (or remove the crate)"
            ));
        }
    }
    problems.sort();
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_real_table_matches_the_crates() {
        let root = crate::workspace::root();
        let lessons = load(&root.join("lessons.toml")).unwrap();
        assert!(!lessons.is_empty());
        assert_eq!(check_against_disk(&lessons, &root), Vec::<String>::new());
    }

    #[test]
    fn a_table_out_of_order_or_with_twins_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lessons.toml");
        let entry = |name: &str, number: u32| {
            format!(
                "[[lesson]]\nname = \"{name}\"\nnumber = {number}\ntitle = \"T\"\nbound = \"cpu\"\n\
                 unit = \"items\"\nparameter = \"workers\"\n"
            )
        };
        std::fs::write(&path, entry("a", 2) + &entry("b", 1)).unwrap();
        assert!(format!("{:#}", load(&path).unwrap_err()).contains("teaching order"));
        std::fs::write(&path, entry("a", 1) + &entry("a", 2)).unwrap();
        assert!(format!("{:#}", load(&path).unwrap_err()).contains("twice"));
    }

    #[test]
    fn a_missing_crate_and_an_unlisted_crate_are_both_named() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("crates/extra")).unwrap();
        std::fs::write(dir.path().join("crates/extra/Cargo.toml"), "").unwrap();
        let lessons = vec![Lesson {
            name: "gone".into(),
            number: 1,
            title: "Gone".into(),
            bound: Bound::Cpu,
            unit: "items".into(),
            parameter: Parameter::Workers,
            python: false,
            python_server: false,
        }];
        let problems = check_against_disk(&lessons, dir.path());
        assert_eq!(problems.len(), 2, "{problems:?}");
    }
}

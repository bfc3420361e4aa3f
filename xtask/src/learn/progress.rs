//! Where the student stands: each exercise's state, derived from grading results and cached in
//! `target/learn/results.json`. The cache is only a shortcut: deleting it loses nothing, the next
//! command grades again what it needs.

use super::course::Exercise;
use crate::grade::manifest;
use crate::grade::runner::{Status, TestResult};
use anyhow::Context;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::hash::{DefaultHasher, Hash as _, Hasher as _};
use std::path::{Path, PathBuf};

/// An exercise's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// Every test passed on the current answer.
    Done,
    /// Some test did not pass on the current answer.
    Failing,
    /// The item still has its `todo!()`.
    NotAttempted,
    /// Answered, but not graded since it last changed.
    Unchecked,
}

impl State {
    /// A short label for lists.
    pub fn label(self) -> &'static str {
        match self {
            State::Done => "done",
            State::Failing => "failing",
            State::NotAttempted => "not attempted",
            State::Unchecked => "not checked yet",
        }
    }
}

/// An exercise's state with the results it comes from.
#[derive(Debug, Clone)]
pub struct Progress {
    /// The state.
    pub state: State,
    /// Points earned by the current answer.
    pub points: u32,
    /// The last results of its tests (empty unless graded).
    pub results: Vec<TestResult>,
}

/// The cached grading results of every lesson, keyed by what they were graded from.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Book {
    lessons: BTreeMap<String, LessonResults>,
    #[serde(skip)]
    path: PathBuf,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct LessonResults {
    /// The hash of the files the results were graded from (see [`key`]).
    key: u64,
    /// Per exercise item, its tests' results.
    exercises: BTreeMap<String, Vec<TestResult>>,
}

impl Book {
    /// The book cached under `target`, or an empty one if there is none (or it is unreadable).
    pub fn load(target: &Path) -> Book {
        let path = target.join("learn").join("results.json");
        let mut book: Book = std::fs::read_to_string(&path)
            .ok()
            .and_then(|text| serde_json::from_str(&text).ok())
            .unwrap_or_default();
        book.path = path;
        book
    }

    /// Writes the book back (a cache: a failure to write is not an error for the student).
    pub fn save(&self) {
        if let Some(dir) = self.path.parent()
            && std::fs::create_dir_all(dir).is_ok()
            && let Ok(json) = serde_json::to_string_pretty(self)
        {
            let tmp = self.path.with_extension("tmp");
            if std::fs::write(&tmp, json).is_ok() {
                let _ = std::fs::rename(&tmp, &self.path);
            }
        }
    }

    /// Records a lesson's fresh results, graded from the files whose hash is `key`. Results of
    /// the lesson's other exercises stay only if they were graded from the same files.
    pub fn record(&mut self, lesson: &str, key: u64, results: &[TestResult]) {
        let entry = self.lessons.entry(lesson.to_string()).or_default();
        if entry.key != key {
            *entry = LessonResults {
                key,
                exercises: BTreeMap::new(),
            };
        }
        let mut by_exercise: BTreeMap<String, Vec<TestResult>> = BTreeMap::new();
        for r in results {
            by_exercise
                .entry(r.exercise.clone())
                .or_default()
                .push(r.clone());
        }
        entry.exercises.extend(by_exercise);
    }

    /// The state of `exercise`, whose lesson's files now hash to `key` and whose source is
    /// `source` (the lesson's `src/exercises.rs`).
    pub fn progress(&self, exercise: &Exercise, key: u64, source: &str) -> Progress {
        if manifest::is_stub(source, &exercise.item) == Some(true) {
            return Progress {
                state: State::NotAttempted,
                points: 0,
                results: Vec::new(),
            };
        }
        let cached = self
            .lessons
            .get(&exercise.lesson)
            .filter(|entry| entry.key == key)
            .and_then(|entry| entry.exercises.get(&exercise.item));
        match cached {
            Some(results) => Progress {
                state: if results.iter().all(|r| r.status == Status::Passed) {
                    State::Done
                } else {
                    State::Failing
                },
                points: results.iter().map(|r| r.points).sum(),
                results: results.clone(),
            },
            None => Progress {
                state: State::Unchecked,
                points: 0,
                results: Vec::new(),
            },
        }
    }
}

/// The hash of what a lesson's results depend on: the student's answers, the graded tests and
/// the manifest.
pub fn key(tree: &Path, lesson: &str) -> anyhow::Result<u64> {
    let mut hasher = DefaultHasher::new();
    let crate_dir = tree.join("crates").join(lesson);
    for file in [
        crate_dir.join("src/exercises.rs"),
        crate_dir.join("tests/grade.rs"),
        tree.join("grading.toml"),
    ] {
        std::fs::read(&file)
            .with_context(|| format!("reading {}", file.display()))?
            .hash(&mut hasher);
    }
    Ok(hasher.finish())
}

/// Grades some exercises of a lesson: `(lesson, items)` → their tests' results.
pub type Grade<'a> = dyn FnMut(&str, &[&str]) -> anyhow::Result<Vec<TestResult>> + 'a;

/// Everything the student's loop knows about where the student stands.
pub struct Standing {
    /// Every exercise, in teaching order.
    pub exercises: Vec<Exercise>,
    /// Their states, in the same order.
    pub progress: Vec<Progress>,
}

impl Standing {
    /// The states of every exercise under `tree`, grading first (and caching in `book`) the
    /// answered exercises of `lessons` whose results are not cached. With `until_unsolved`, stops
    /// grading at the first lesson that has an exercise not done.
    pub fn compute(
        tree: &Path,
        book: &mut Book,
        exercises: Vec<Exercise>,
        until_unsolved: bool,
        grade: &mut Grade<'_>,
    ) -> anyhow::Result<Standing> {
        let mut progress = Vec::with_capacity(exercises.len());
        let mut stop = false;
        for lesson in crate::lessons::names()? {
            let of_lesson: Vec<&Exercise> =
                exercises.iter().filter(|e| e.lesson == lesson).collect();
            if of_lesson.is_empty() {
                continue;
            }
            let source =
                std::fs::read_to_string(tree.join("crates").join(lesson).join("src/exercises.rs"))?;
            let key = key(tree, lesson)?;
            let mut states: Vec<Progress> = of_lesson
                .iter()
                .map(|e| book.progress(e, key, &source))
                .collect();
            let unchecked: Vec<&str> = of_lesson
                .iter()
                .zip(&states)
                .filter(|(_, p)| p.state == State::Unchecked)
                .map(|(e, _)| e.item.as_str())
                .collect();
            if !stop && !unchecked.is_empty() {
                let results = grade(lesson, &unchecked)?;
                book.record(lesson, key, &results);
                states = of_lesson
                    .iter()
                    .map(|e| book.progress(e, key, &source))
                    .collect();
            }
            if until_unsolved && states.iter().any(|p| p.state != State::Done) {
                stop = true;
            }
            progress.extend(states);
        }
        Ok(Standing {
            exercises,
            progress,
        })
    }

    /// The first exercise not done, in teaching order.
    pub fn next_unsolved(&self) -> Option<usize> {
        self.progress.iter().position(|p| p.state != State::Done)
    }

    /// Exercises done, and points earned, out of their totals.
    pub fn totals(&self) -> (usize, usize, u32, u32) {
        let done = self
            .progress
            .iter()
            .filter(|p| p.state == State::Done)
            .count();
        let points = self.progress.iter().map(|p| p.points).sum();
        let max = self.exercises.iter().map(|e| e.max_points).sum();
        (done, self.exercises.len(), points, max)
    }
}

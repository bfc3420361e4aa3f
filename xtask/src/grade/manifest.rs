//! `grading.toml`: which tests are graded, what each is worth, its time limit and its hint.

use crate::workspace::LESSONS;
use anyhow::{Context, bail};
use serde::Deserialize;
use std::collections::HashSet;
use std::path::Path;
use std::time::Duration;

/// The whole manifest.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Seconds a test may run when its entry names no `timeout`.
    pub default_timeout: u64,
    /// Every graded test, grouped by lesson in teaching order.
    #[serde(default, rename = "test")]
    pub tests: Vec<TestSpec>,
}

/// One graded test.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TestSpec {
    /// The lesson crate whose `tests/grade.rs` holds the test.
    pub lesson: String,
    /// The test function's name.
    pub name: String,
    /// The item of `src/exercises.rs` it grades: `function` or `Type::method`.
    pub exercise: String,
    /// What the test is worth.
    pub points: u32,
    /// Seconds before the test's process group is killed.
    pub timeout: Option<u64>,
    /// Shown to the student when the test does not pass.
    pub hint: String,
}

impl Manifest {
    /// Reads and validates the manifest at `path`.
    pub fn load(path: &Path) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading the grading manifest {}", path.display()))?;
        let manifest: Manifest =
            toml::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
        manifest.validate()?;
        Ok(manifest)
    }

    fn validate(&self) -> anyhow::Result<()> {
        let mut seen = HashSet::new();
        for t in &self.tests {
            if !LESSONS.contains(&t.lesson.as_str()) {
                bail!(
                    "grading.toml: test `{}` names unknown lesson `{}`",
                    t.name,
                    t.lesson
                );
            }
            if !seen.insert((t.lesson.as_str(), t.name.as_str())) {
                bail!(
                    "grading.toml: test `{}` of `{}` is listed twice",
                    t.name,
                    t.lesson
                );
            }
            if t.points == 0 {
                bail!(
                    "grading.toml: test `{}` of `{}` is worth 0 points",
                    t.name,
                    t.lesson
                );
            }
        }
        Ok(())
    }

    /// The graded tests of one lesson, in manifest order.
    pub fn tests_of<'a>(&'a self, lesson: &'a str) -> impl Iterator<Item = &'a TestSpec> + 'a {
        self.tests.iter().filter(move |t| t.lesson == lesson)
    }

    /// The time limit of a test.
    pub fn timeout_of(&self, test: &TestSpec) -> Duration {
        Duration::from_secs(test.timeout.unwrap_or(self.default_timeout))
    }
}

/// Whether the item named `exercise` (`function` or `Type::method`) still has its `todo!()` body in
/// `source`: an untouched stub. `None` if the item is not found.
pub fn is_stub(source: &str, exercise: &str) -> Option<bool> {
    let (scope, function) = match exercise.split_once("::") {
        Some((ty, method)) => (find_impl(source, ty)?, method),
        None => (source, exercise),
    };
    let at = find_word(scope, &format!("fn {function}"))?;
    let body = block_after(&scope[at..])?;
    Some(body.contains("todo!(") || body.contains("unimplemented!("))
}

/// The text from `impl ... Type` onwards.
fn find_impl<'a>(source: &'a str, ty: &str) -> Option<&'a str> {
    source.match_indices("impl").find_map(|(i, _)| {
        let header = &source[i..source[i..].find('{')? + i];
        let names_type = header
            .split(|c: char| !c.is_alphanumeric() && c != '_')
            .any(|w| w == ty);
        let is_trait_impl_for_other = header.contains(" for ") && !header.ends_with(ty);
        (names_type && !is_trait_impl_for_other).then_some(&source[i..])
    })
}

/// The first occurrence of `needle` followed by a non-identifier character.
fn find_word(haystack: &str, needle: &str) -> Option<usize> {
    haystack.match_indices(needle).map(|(i, _)| i).find(|&i| {
        let next = haystack[i + needle.len()..].chars().next();
        !matches!(next, Some(c) if c.is_alphanumeric() || c == '_')
    })
}

/// The brace-delimited block that starts at the first `{` of `text` (braces in strings and
/// comments are rare in exercise bodies; a mismatch only makes the self-test skip a stub check).
fn block_after(text: &str) -> Option<&str> {
    let start = text.find('{')?;
    let mut depth = 0usize;
    for (i, c) in text[start..].char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(&text[start..=start + i]);
                }
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The grader's fixture crate has answered items and stubs, free-standing and in an `impl`.
    #[test]
    fn finds_stubs_and_answers() {
        let fixture = crate::workspace::root().join("xtask/fixtures/grader/src/lib.rs");
        let source = std::fs::read_to_string(fixture).unwrap();
        let is_stub = |item| is_stub(&source, item);
        assert_eq!(is_stub("stub"), Some(true));
        assert_eq!(is_stub("answer"), Some(false));
        assert_eq!(is_stub("Worker::spawn"), Some(true));
        assert_eq!(is_stub("Worker::stop"), Some(false));
        assert_eq!(is_stub("missing"), None);
        assert_eq!(is_stub("Worker::missing"), None);
    }

    #[test]
    fn the_real_manifest_is_valid() {
        let manifest = Manifest::load(&crate::workspace::root().join("grading.toml")).unwrap();
        for t in &manifest.tests {
            assert!(!t.hint.trim().is_empty(), "test `{}` needs a hint", t.name);
        }
    }
}

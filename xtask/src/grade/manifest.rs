//! `grading.toml`: the exercises in teaching order, and for each one its graded tests (points,
//! time limit), its two levels of hints and the paths its answer must not use.

use super::flags::FlagKind;
use anyhow::{Context, bail};
use serde::Deserialize;
use std::collections::{BTreeMap, HashSet};
use std::path::Path;
use std::time::Duration;

/// The whole manifest.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Seconds a test may run when its entry names no `timeout`.
    pub default_timeout: u64,
    /// Per lesson, the review flags its answers may raise without a teacher's look.
    #[serde(default)]
    pub allow: BTreeMap<String, Vec<FlagKind>>,
    /// Every exercise, grouped by lesson in teaching order.
    #[serde(default, rename = "exercise")]
    pub exercises: Vec<Exercise>,
}

/// One exercise: an item of a lesson's `src/exercises.rs` and the tests that grade it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exercise {
    /// The lesson crate.
    pub lesson: String,
    /// The item of `src/exercises.rs`: a function, or a type with its `impl` blocks.
    pub item: String,
    /// Paths the answer must not use: the lesson's own implementation of the same job.
    #[serde(default)]
    pub forbid: Vec<String>,
    /// Two hints: where to look or what goes wrong; then (on request) the tool to use.
    pub hints: Vec<String>,
    /// Its graded tests.
    pub tests: Vec<TestSpec>,
}

/// One graded test.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TestSpec {
    /// The test function's name in the lesson's `tests/grade.rs`.
    pub name: String,
    /// What the test is worth.
    pub points: u32,
    /// Seconds before the test's process group is killed (default: the manifest's).
    pub timeout: Option<u64>,
    /// The lesson (filled in from the exercise on load).
    #[serde(skip)]
    pub lesson: String,
    /// The exercise's item (filled in from the exercise on load).
    #[serde(skip)]
    pub exercise: String,
}

/// How many hint levels every exercise has.
pub const HINT_LEVELS: usize = 2;

impl Manifest {
    /// Reads and validates the manifest at `path`.
    pub fn load(path: &Path) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading the grading manifest {}", path.display()))?;
        let manifest =
            Self::from_toml(&text).with_context(|| format!("parsing {}", path.display()))?;
        manifest.validate(&crate::lessons::names()?)?;
        Ok(manifest)
    }

    /// Parses a manifest (unvalidated), telling each test its lesson and exercise.
    pub fn from_toml(text: &str) -> anyhow::Result<Self> {
        let mut manifest: Manifest = toml::from_str(text)?;
        for exercise in &mut manifest.exercises {
            for test in &mut exercise.tests {
                test.lesson = exercise.lesson.clone();
                test.exercise = exercise.item.clone();
            }
        }
        Ok(manifest)
    }

    /// Checks the manifest against the lessons, in teaching order.
    fn validate(&self, lessons: &[&str]) -> anyhow::Result<()> {
        let mut tests = HashSet::new();
        let mut items = HashSet::new();
        let mut last_lesson = 0;
        for e in &self.exercises {
            let Some(order) = lessons.iter().position(|l| *l == e.lesson) else {
                bail!(
                    "grading.toml: exercise `{}` names unknown lesson `{}`",
                    e.item,
                    e.lesson
                );
            };
            if order < last_lesson {
                bail!(
                    "grading.toml: exercise `{}` of `{}` comes after a later lesson's; keep the \
                     exercises in teaching order (lessons.toml), grouped by lesson",
                    e.item,
                    e.lesson
                );
            }
            last_lesson = order;
            if !items.insert((e.lesson.as_str(), e.item.as_str())) {
                bail!(
                    "grading.toml: exercise `{}` of `{}` is listed twice",
                    e.item,
                    e.lesson
                );
            }
            if e.hints.len() != HINT_LEVELS || e.hints.iter().any(|h| h.trim().is_empty()) {
                bail!(
                    "grading.toml: exercise `{}` of `{}` needs exactly {HINT_LEVELS} non-empty hints",
                    e.item,
                    e.lesson
                );
            }
            if let Some(bad) = e
                .forbid
                .iter()
                .find(|p| syn::parse_str::<syn::Path>(p).is_err())
            {
                bail!(
                    "grading.toml: exercise `{}` of `{}` forbids `{bad}`, which is not a path \
                     (write it as in Rust: `crate::module::item`)",
                    e.item,
                    e.lesson
                );
            }
            if e.tests.is_empty() {
                bail!(
                    "grading.toml: exercise `{}` of `{}` has no tests",
                    e.item,
                    e.lesson
                );
            }
            for t in &e.tests {
                if !tests.insert((e.lesson.as_str(), t.name.as_str())) {
                    bail!(
                        "grading.toml: test `{}` of `{}` is listed twice",
                        t.name,
                        e.lesson
                    );
                }
                if t.points == 0 {
                    bail!(
                        "grading.toml: test `{}` of `{}` is worth 0 points",
                        t.name,
                        e.lesson
                    );
                }
            }
        }
        if let Some(lesson) = self.allow.keys().find(|l| !lessons.contains(&l.as_str())) {
            bail!("grading.toml: [allow] names unknown lesson `{lesson}`");
        }
        Ok(())
    }

    /// The exercises of one lesson, in teaching order.
    pub fn exercises_of<'a>(&'a self, lesson: &'a str) -> impl Iterator<Item = &'a Exercise> + 'a {
        self.exercises.iter().filter(move |e| e.lesson == lesson)
    }

    /// The graded tests of one lesson, in manifest order.
    pub fn tests_of<'a>(&'a self, lesson: &'a str) -> impl Iterator<Item = &'a TestSpec> + 'a {
        self.exercises_of(lesson).flat_map(|e| &e.tests)
    }

    /// The exercise a test grades.
    pub fn exercise_of(&self, test: &TestSpec) -> Option<&Exercise> {
        self.exercises
            .iter()
            .find(|e| e.lesson == test.lesson && e.item == test.exercise)
    }

    /// The hints of a test's exercise up to `level` (1 or 2), joined for a report.
    pub fn hints_of(&self, test: &TestSpec, level: usize) -> String {
        self.exercise_of(test)
            .map(|e| {
                e.hints
                    .iter()
                    .take(level.max(1))
                    .cloned()
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
            .join(" — ")
    }

    /// The review flags `lesson`'s answers may raise without a teacher's look.
    pub fn allowed(&self, lesson: &str) -> &[FlagKind] {
        self.allow.get(lesson).map_or(&[], Vec::as_slice)
    }

    /// The time limit of a test.
    pub fn timeout_of(&self, test: &TestSpec) -> Duration {
        Duration::from_secs(test.timeout.unwrap_or(self.default_timeout))
    }
}

/// Whether the item named `exercise` (a function, or a type whose inherent `impl` blocks hold its
/// methods) still has a `todo!()` body in `source`: an untouched stub. `None` if the item is not
/// found.
pub fn is_stub(source: &str, exercise: &str) -> Option<bool> {
    let file = syn::parse_file(source).ok()?;
    let mut found = false;
    let mut stub = false;
    for item in &file.items {
        match item {
            syn::Item::Fn(f) if f.sig.ident == exercise => {
                found = true;
                stub |= block_is_stub(&f.block);
            }
            syn::Item::Struct(s) if s.ident == exercise => found = true,
            syn::Item::Enum(e) if e.ident == exercise => found = true,
            syn::Item::Impl(imp)
                if imp.trait_.is_none() && self_type_is(&imp.self_ty, exercise) =>
            {
                for method in &imp.items {
                    if let syn::ImplItem::Fn(m) = method {
                        stub |= block_is_stub(&m.block);
                    }
                }
            }
            _ => {}
        }
    }
    found.then_some(stub)
}

/// Whether `ty` is the path `name` (with or without generic arguments).
pub fn self_type_is(ty: &syn::Type, name: &str) -> bool {
    matches!(ty, syn::Type::Path(p) if p.qself.is_none()
        && p.path.segments.last().is_some_and(|s| s.ident == name))
}

/// Whether a body still calls `todo!()` or `unimplemented!()`.
fn block_is_stub(block: &syn::Block) -> bool {
    struct Finder(bool);
    impl syn::visit::Visit<'_> for Finder {
        fn visit_macro(&mut self, mac: &syn::Macro) {
            self.0 |= mac.path.is_ident("todo") || mac.path.is_ident("unimplemented");
        }
    }
    let mut finder = Finder(false);
    syn::visit::Visit::visit_block(&mut finder, block);
    finder.0
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The grader's fixture crate has answered items and stubs, free-standing and as types.
    #[test]
    fn finds_stubs_and_answers() {
        let fixture = crate::workspace::root().join("xtask/fixtures/grader/src/lib.rs");
        let source = std::fs::read_to_string(fixture).unwrap();
        let is_stub = |item| is_stub(&source, item);
        assert_eq!(is_stub("stub"), Some(true));
        assert_eq!(is_stub("answer"), Some(false));
        assert_eq!(
            is_stub("Worker"),
            Some(true),
            "one of its methods is a stub"
        );
        assert_eq!(is_stub("Answered"), Some(false));
        assert_eq!(is_stub("missing"), None);
    }

    #[test]
    fn the_real_manifest_is_valid() {
        let manifest = Manifest::load(&crate::workspace::root().join("grading.toml")).unwrap();
        assert!(!manifest.exercises.is_empty());
    }

    fn manifest(text: &str) -> anyhow::Result<Manifest> {
        let m = Manifest::from_toml(text)?;
        m.validate(&["one", "two"]).map(|()| m)
    }

    #[test]
    fn bad_manifests_are_refused_with_a_reason() {
        let exercise = |lesson: &str, item: &str, hints: &str, tests: &str| {
            format!(
                "[[exercise]]\nlesson = \"{lesson}\"\nitem = \"{item}\"\nhints = [{hints}]\n\
                 tests = [{tests}]\n"
            )
        };
        let ok_hints = "\"look here\", \"use this\"";
        let ok_test = |name: &str| format!("{{ name = \"{name}\", points = 1 }}");
        let head = "default_timeout = 5\n";
        let good = format!(
            "{head}{}{}",
            exercise("one", "a", ok_hints, &ok_test("t1")),
            exercise("two", "b", ok_hints, &ok_test("t2"))
        );
        assert!(manifest(&good).is_ok());
        let cases = [
            (
                exercise("three", "a", ok_hints, &ok_test("t")),
                "unknown lesson",
            ),
            (exercise("one", "a", "\"only one\"", &ok_test("t")), "hints"),
            (exercise("one", "a", ok_hints, ""), "no tests"),
            (
                exercise("one", "a", ok_hints, "{ name = \"t\", points = 0 }"),
                "0 points",
            ),
            (
                exercise("two", "b", ok_hints, &ok_test("t2"))
                    + &exercise("one", "a", ok_hints, &ok_test("t1")),
                "teaching order",
            ),
            (
                exercise("one", "a", ok_hints, &ok_test("t"))
                    + &exercise("one", "b", ok_hints, &ok_test("t")),
                "listed twice",
            ),
            (
                exercise("one", "a", ok_hints, &ok_test("t"))
                    .replace("hints", "forbid = [\"crate::a b\"]\nhints"),
                "not a path",
            ),
        ];
        for (body, why) in cases {
            let err = manifest(&format!("{head}{body}")).unwrap_err();
            assert!(format!("{err:#}").contains(why), "{why}: {err:#}");
        }
        let unknown_flag = format!("{good}[allow]\none = [\"unsafe\", \"teleport\"]\n");
        let err = manifest(&unknown_flag).unwrap_err();
        assert!(format!("{err:#}").contains("teleport"), "{err:#}");
        let allowed = manifest(&format!("{good}[allow]\none = [\"unsafe\", \"process\"]\n"));
        assert_eq!(
            allowed.unwrap().allowed("one"),
            [FlagKind::Unsafe, FlagKind::Process]
        );
    }
}

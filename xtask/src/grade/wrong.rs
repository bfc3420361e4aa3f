//! Known-wrong answers: proof that the graded tests reject answers that give the right values by
//! the wrong method (sequential where concurrency is asked for, one global lock, a lost wake-up).
//!
//! Each lesson keeps them in `wrong/<item>__<flaw>.rs`: one wrong version of the exercise `item`,
//! whose first line is a `//!` comment saying what is wrong. For the self-test each one is spliced
//! into the reference solutions (its items replace the solution's items of the same name; a method
//! in an `impl` replaces that method only), and all of a lesson's wrong answers are built into one
//! scratch copy of the workspace: one library module and one test module per wrong answer, so the
//! whole lesson costs one build. Each must then lose at least one of its exercise's tests.

use super::manifest::{Manifest, TestSpec};
use super::runner::{self, Status, TestResult};
use crate::scratch::{self, Scratch};
use anyhow::{Context, bail};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use syn::spanned::Spanned as _;

/// One known-wrong answer of a lesson.
#[derive(Debug, Clone)]
pub struct WrongAnswer {
    /// The exercise's item it answers.
    pub exercise: String,
    /// What is wrong, in a word or two: the file name after `__`.
    pub flaw: String,
    /// What is wrong, in a sentence: the file's first line.
    pub what: String,
    /// The file.
    pub path: PathBuf,
}

impl WrongAnswer {
    /// The name of its module, in the scratch library and in the scratch test crate.
    fn module(&self) -> String {
        format!("wrong__{}__{}", self.exercise, self.flaw)
    }
}

/// What the self-test found for one wrong answer.
#[derive(Debug)]
pub struct Caught {
    /// The wrong answer.
    pub answer: WrongAnswer,
    /// The first of its exercise's tests that it lost, with the verdict; `None` if it lost none.
    pub by: Option<TestResult>,
}

/// The wrong answers in `crates/<lesson>/wrong/`, and the problems with them: a file whose name
/// or first line does not follow the convention, one that names no exercise of the lesson.
pub fn discover(
    crate_dir: &Path,
    manifest: &Manifest,
    lesson: &str,
) -> anyhow::Result<(Vec<WrongAnswer>, Vec<String>)> {
    let dir = crate_dir.join("wrong");
    let mut answers = Vec::new();
    let mut problems = Vec::new();
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Ok((answers, problems));
    };
    let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    paths.sort();
    for path in paths {
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        let Some((exercise, flaw)) = name
            .strip_suffix(".rs")
            .and_then(|stem| stem.split_once("__"))
        else {
            problems.push(format!(
                "{lesson}/wrong/{name}: name it <exercise>__<flaw>.rs"
            ));
            continue;
        };
        if manifest.exercises_of(lesson).all(|e| e.item != exercise) {
            problems.push(format!(
                "{lesson}/wrong/{name}: `{exercise}` is not an exercise of {lesson} in grading.toml"
            ));
            continue;
        }
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))?;
        let what = text
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("//!"))
            .map(str::trim)
            .unwrap_or_default();
        if what.is_empty() {
            problems.push(format!(
                "{lesson}/wrong/{name}: its first line must be a `//!` comment saying what is wrong"
            ));
            continue;
        }
        answers.push(WrongAnswer {
            exercise: exercise.to_string(),
            flaw: flaw.to_string(),
            what: what.to_string(),
            path,
        });
    }
    Ok((answers, problems))
}

/// The solutions with the wrong answer's items in place of theirs: a function, struct, enum,
/// trait impl, const or static replaces the solution's item of the same name; a method of an
/// inherent `impl` replaces the method of that name; a `use` or an item the solutions lack is
/// added at the end.
pub fn splice(solutions: &str, wrong: &str) -> anyhow::Result<String> {
    let base = syn::parse_file(solutions).context("parsing the solutions")?;
    let patch = syn::parse_file(wrong).context("parsing the wrong answer")?;
    // (byte range in `solutions`, replacement text), applied back to front.
    let mut edits: Vec<(std::ops::Range<usize>, String)> = Vec::new();
    let mut appended = Vec::new();
    let text_of = |item: &dyn syn::spanned::Spanned| wrong[item.span().byte_range()].to_string();
    for item in &patch.items {
        if let syn::Item::Impl(imp) = item
            && imp.trait_.is_none()
        {
            for member in &imp.items {
                let syn::ImplItem::Fn(method) = member else {
                    bail!("a wrong answer's inherent impl may only replace methods");
                };
                let Some(target) = find_method(&base, &imp.self_ty, &method.sig.ident) else {
                    bail!(
                        "the solutions have no method `{}` to replace",
                        method.sig.ident
                    );
                };
                edits.push((target, text_of(method)));
            }
            continue;
        }
        match find_item(&base, item) {
            Some(target) => edits.push((target, text_of(item))),
            None => appended.push(text_of(item)),
        }
    }
    edits.sort_by_key(|(range, _)| std::cmp::Reverse(range.start));
    let mut out = solutions.to_string();
    for (range, text) in edits {
        out.replace_range(range, &text);
    }
    for text in appended {
        out.push_str("\n\n");
        out.push_str(&text);
    }
    out.push('\n');
    Ok(out)
}

/// The byte range of the solution's item that `item` replaces, if any.
fn find_item(base: &syn::File, item: &syn::Item) -> Option<std::ops::Range<usize>> {
    let key = item_key(item)?;
    base.items
        .iter()
        .find(|candidate| item_key(candidate).as_ref() == Some(&key))
        .map(|found| found.span().byte_range())
}

/// What makes two items "the same" for splicing: their kind and name (a trait impl: its trait and
/// type). `use` items have none: they are always added.
fn item_key(item: &syn::Item) -> Option<String> {
    Some(match item {
        syn::Item::Fn(f) => format!("fn {}", f.sig.ident),
        syn::Item::Struct(s) => format!("type {}", s.ident),
        syn::Item::Enum(e) => format!("type {}", e.ident),
        syn::Item::Type(t) => format!("type {}", t.ident),
        syn::Item::Const(c) => format!("value {}", c.ident),
        syn::Item::Static(s) => format!("value {}", s.ident),
        syn::Item::Trait(t) => format!("trait {}", t.ident),
        syn::Item::Impl(imp) => {
            let (_, trait_path, _) = imp.trait_.as_ref()?;
            let trait_name = trait_path.segments.last()?.ident.to_string();
            format!("impl {trait_name} for {}", type_name(&imp.self_ty)?)
        }
        _ => return None,
    })
}

/// The name of a path type (`Counter<T>` → `Counter`).
fn type_name(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Path(p) => Some(p.path.segments.last()?.ident.to_string()),
        _ => None,
    }
}

/// The byte range of method `name` in an inherent impl of `self_ty` in the solutions.
fn find_method(
    base: &syn::File,
    self_ty: &syn::Type,
    name: &syn::Ident,
) -> Option<std::ops::Range<usize>> {
    let type_name = type_name(self_ty)?;
    base.items.iter().find_map(|item| match item {
        syn::Item::Impl(imp)
            if imp.trait_.is_none() && super::manifest::self_type_is(&imp.self_ty, &type_name) =>
        {
            imp.items.iter().find_map(|member| match member {
                syn::ImplItem::Fn(m) if m.sig.ident == *name => Some(m.span().byte_range()),
                _ => None,
            })
        }
        _ => None,
    })
}

/// The test crate of the scratch build: for each wrong answer, the lesson's `tests/grade.rs` in a
/// module of its own, whose paths into the lesson crate go through a shim that puts the wrong
/// answer's module in the place of `exercises`.
fn wrapped_tests(grade_rs: &str, crate_ident: &str, answers: &[WrongAnswer]) -> String {
    let through_shim = reroute(grade_rs, crate_ident);
    let mut out = String::from(
        "//! Generated by `cargo xtask check`: the graded tests, once per known-wrong answer.\n",
    );
    for answer in answers {
        let module = answer.module();
        out.push_str(&format!(
            "\n#[allow(unused, dead_code)]\nmod {module} {{\n{through_shim}\n\
             /// The lesson crate, with this wrong answer in place of `exercises`.\n\
             mod __lesson {{\n    pub use ::{crate_ident}::*;\n    \
             pub use ::{crate_ident}::{module} as exercises;\n}}\n}}\n"
        ));
    }
    out
}

/// `grade_rs` with every path that starts at the lesson crate (`sync::…`, not `std::sync::…`)
/// starting at `self::__lesson::…` instead.
fn reroute(grade_rs: &str, crate_ident: &str) -> String {
    let needle = format!("{crate_ident}::");
    let mut out = String::with_capacity(grade_rs.len());
    let mut rest = grade_rs;
    while let Some(at) = rest.find(&needle) {
        let before = rest[..at].chars().next_back();
        let starts_a_path =
            !matches!(before, Some(c) if c.is_alphanumeric() || c == '_' || c == ':');
        out.push_str(&rest[..at]);
        out.push_str(if starts_a_path {
            "self::__lesson::"
        } else {
            &needle
        });
        rest = &rest[at + needle.len()..];
    }
    out.push_str(rest);
    out
}

/// Brings the scratch copy of the workspace at `root` up to date (see [`crate::scratch`]), with
/// the lesson's library holding one module per wrong answer (its solutions spliced with the
/// answer) and its `tests/grade.rs` holding the graded tests once per wrong answer.
pub fn scratch_workspace(
    root: &Path,
    scratch: &Scratch,
    lesson: &str,
    answers: &[WrongAnswer],
) -> anyhow::Result<()> {
    let crate_rel = Path::new("crates").join(lesson);
    let original = root.join(&crate_rel);
    let mut generated: Vec<(PathBuf, String)> = Vec::new();
    let solutions = std::fs::read_to_string(original.join("solutions/exercises.rs"))?;
    let mut lib = std::fs::read_to_string(original.join("src/lib.rs"))?;
    for answer in answers {
        let wrong = std::fs::read_to_string(&answer.path)?;
        let spliced = splice(&solutions, &wrong)
            .with_context(|| format!("splicing {}", answer.path.display()))?;
        let module = answer.module();
        generated.push((
            crate_rel.join(format!("src/wrong_build/{module}.rs")),
            spliced,
        ));
        lib.push_str(&format!(
            "\n#[cfg(feature = \"solutions\")]\n\
             #[allow(missing_docs, dead_code, unused, non_snake_case, clippy::all)]\n\
             #[path = \"wrong_build/{module}.rs\"]\npub mod {module};\n"
        ));
    }
    let grade_rs = std::fs::read_to_string(original.join("tests/grade.rs"))?;
    let crate_ident = lesson.replace('-', "_");
    generated.push((crate_rel.join("src/lib.rs"), lib));
    generated.push((
        crate_rel.join("tests/grade.rs"),
        wrapped_tests(&grade_rs, &crate_ident, answers),
    ));

    let build_dir = scratch.crate_dir(lesson).join("src/wrong_build");
    if build_dir.exists() {
        std::fs::remove_dir_all(&build_dir)?;
    }
    scratch.write_root(root)?;
    let skip: HashSet<PathBuf> = generated.iter().map(|(rel, _)| rel.clone()).collect();
    scratch::copy_members(root, &scratch.tree(), &skip)?;
    for (rel, text) in generated {
        scratch::write_if_changed(&scratch.tree().join(rel), text.as_bytes(), None)?;
    }
    Ok(())
}

/// Runs, for every wrong answer, its exercise's tests in manifest order until one is lost
/// (`jobs` answers at a time): the first lost test is the one that catches it.
pub fn run(
    exe: &Path,
    crate_dir: &Path,
    manifest: &Manifest,
    lesson: &str,
    answers: &[WrongAnswer],
    jobs: usize,
) -> Vec<Caught> {
    let next = AtomicUsize::new(0);
    let found = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..jobs.clamp(1, answers.len().max(1)) {
            s.spawn(|| {
                while let Some(answer) = answers.get(next.fetch_add(1, Ordering::Relaxed)) {
                    let by = first_loss(exe, crate_dir, manifest, lesson, answer);
                    let caught = Caught {
                        answer: answer.clone(),
                        by,
                    };
                    found.lock().unwrap_or_else(|e| e.into_inner()).push(caught);
                }
            });
        }
    });
    let mut found = found.into_inner().unwrap_or_else(|e| e.into_inner());
    found.sort_by(|a, b| a.answer.path.cmp(&b.answer.path));
    found
}

fn first_loss(
    exe: &Path,
    crate_dir: &Path,
    manifest: &Manifest,
    lesson: &str,
    answer: &WrongAnswer,
) -> Option<TestResult> {
    let module = answer.module();
    let exercise = manifest
        .exercises_of(lesson)
        .find(|e| e.item == answer.exercise)?;
    exercise.tests.iter().find_map(|spec| {
        let renamed = TestSpec {
            name: format!("{module}::{}", spec.name),
            ..spec.clone()
        };
        let result = runner::run_one(exe, crate_dir, &renamed, manifest.timeout_of(spec));
        (result.status != Status::Passed).then_some(result)
    })
}

/// The wrong answers' table: exercise, flaw, and the test that caught it (or that none did).
pub fn table(lesson: &str, caught: &[Caught]) -> String {
    let mut rows = vec![[
        "exercise".to_string(),
        "wrong answer".to_string(),
        "caught by".to_string(),
    ]];
    for c in caught {
        let by = match &c.by {
            Some(r) => format!(
                "{} ({})",
                r.name.rsplit("::").next().unwrap_or(&r.name),
                r.status.label()
            ),
            None => "NOTHING: it earns full points".to_string(),
        };
        rows.push([c.answer.exercise.clone(), c.answer.flaw.clone(), by]);
    }
    let width = |i: usize| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0);
    let (w0, w1) = (width(0), width(1));
    let mut out = format!("    {lesson}: known-wrong answers\n");
    for r in rows {
        out.push_str(&format!("      {:w0$}  {:w1$}  {}\n", r[0], r[1], r[2]));
    }
    out
}

/// The exercises of `lesson` that have no wrong answer.
pub fn uncovered<'a>(
    manifest: &'a Manifest,
    lesson: &'a str,
    answers: &[WrongAnswer],
) -> Vec<&'a str> {
    let covered: HashSet<&str> = answers.iter().map(|a| a.exercise.as_str()).collect();
    manifest
        .exercises_of(lesson)
        .map(|e| e.item.as_str())
        .filter(|item| !covered.contains(item))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SOLUTIONS: &str = r#"//! The exercises.

use std::sync::Mutex;

/// Adds.
pub fn add(a: u32, b: u32) -> u32 {
    a + b
}

/// A counter.
pub struct Counter {
    n: Mutex<u32>,
}

impl Counter {
    /// Makes one.
    pub fn new() -> Self {
        Counter { n: Mutex::new(0) }
    }

    /// Counts.
    pub fn bump(&self) {
        *self.n.lock().unwrap() += 1;
    }
}
"#;

    #[test]
    fn a_function_is_replaced_and_the_rest_kept() {
        let wrong = "//! Subtracts.\n\n/// Adds (not).\npub fn add(a: u32, b: u32) -> u32 {\n    a - b\n}\n";
        let out = splice(SOLUTIONS, wrong).unwrap();
        assert!(out.contains("a - b") && !out.contains("a + b"), "{out}");
        assert!(
            out.contains("/// Adds (not)."),
            "the doc comment comes along: {out}"
        );
        assert!(out.contains("*self.n.lock().unwrap() += 1;"), "{out}");
        syn::parse_file(&out).unwrap();
    }

    #[test]
    fn a_method_is_replaced_alone_and_new_items_are_added() {
        let wrong = "//! Forgets to count.\n\nuse std::hint::black_box;\n\n\
                     impl Counter {\n    /// Counts (not).\n    pub fn bump(&self) {\n        black_box(self);\n    }\n}\n";
        let out = splice(SOLUTIONS, wrong).unwrap();
        assert!(
            out.contains("black_box(self)") && !out.contains("+= 1"),
            "{out}"
        );
        assert!(
            out.contains("Counter { n: Mutex::new(0) }"),
            "new() stays: {out}"
        );
        assert!(out.contains("use std::hint::black_box;"), "{out}");
        syn::parse_file(&out).unwrap();
    }

    #[test]
    fn a_method_the_solutions_lack_is_an_error() {
        let wrong = "//! x\nimpl Counter { pub fn reset(&self) {} }\n";
        assert!(splice(SOLUTIONS, wrong).is_err());
    }

    #[test]
    fn only_paths_that_start_at_the_lesson_crate_are_rerouted() {
        let grade = "use std::sync::Mutex;\nuse sync::exercises::{Bank};\nfn f() { sync::bank::x(); async_sync::y(); }";
        let out = reroute(grade, "sync");
        assert_eq!(
            out,
            "use std::sync::Mutex;\nuse self::__lesson::exercises::{Bank};\nfn f() { self::__lesson::bank::x(); async_sync::y(); }"
        );
    }

    #[test]
    fn files_that_break_the_convention_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let wrong = dir.path().join("wrong");
        std::fs::create_dir_all(&wrong).unwrap();
        let manifest: Manifest = toml::from_str(
            "default_timeout = 1\n[[exercise]]\nlesson = \"l\"\nitem = \"add\"\n\
             hints = [\"a\", \"b\"]\ntests = [{ name = \"t\", points = 1 }]\n",
        )
        .unwrap();
        std::fs::write(
            wrong.join("add__minus.rs"),
            "//! Subtracts.\npub fn add() {}\n",
        )
        .unwrap();
        std::fs::write(wrong.join("add__silent.rs"), "pub fn add() {}\n").unwrap();
        std::fs::write(wrong.join("mul__x.rs"), "//! x\n").unwrap();
        std::fs::write(wrong.join("noflaw.rs"), "//! x\n").unwrap();
        let (answers, problems) = discover(dir.path(), &manifest, "l").unwrap();
        assert_eq!(answers.len(), 1);
        assert_eq!(
            (answers[0].flaw.as_str(), answers[0].what.as_str()),
            ("minus", "Subtracts.")
        );
        assert_eq!(problems.len(), 3, "{problems:?}");
    }
}

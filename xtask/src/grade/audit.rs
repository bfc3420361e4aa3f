//! Forbidden shortcuts: an exercise whose answer uses the lesson's own implementation of the same
//! job (its `forbid` list in grading.toml) fails its tests without running them.
//!
//! The answer is the exercise's item in the exercises file — a function, or a type with its
//! inherent and trait `impl` blocks — and everything of that file it reaches: helper functions,
//! types (with all their impls), type aliases, constants, statics, traits and `macro_rules!` it
//! names, and the methods of the file's own traits it calls by name (a receiver's type is unknown,
//! so every such method of that name counts). Each path they use is resolved through the `use` declarations (see
//! [`names`]) and compared with the forbidden paths: a forbidden path forbids itself
//! and everything under it (a module, a type's methods). A use inside another exercise's item is
//! charged to that exercise alone when its own list forbids it too, so that building on an
//! earlier exercise's shortcut costs that exercise's points, not the later one's.

use super::manifest::{Exercise, Manifest, TestSpec};
use super::names::{self, Canon, ExercisesFile, Node, Scope, Target, Written};
use super::runner::{self, Status, TestResult};
use std::collections::{BTreeMap, BTreeSet};

/// How many uses of forbidden paths a refusal lists.
const MAX_LISTED: usize = 5;

/// One use of a forbidden path (ordered by line).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Violation {
    /// Its line in the exercises file.
    pub line: usize,
    /// The path used, resolved (`crate::escape::escape_count`).
    pub used: String,
    /// The path as the code wrote it (`ec`).
    pub written: String,
    /// The item (or method) it is in: the exercise itself or something it reaches.
    pub within: String,
    /// The exercise whose answer uses it.
    pub exercise: String,
    /// The `forbid` entry it falls under.
    pub forbidden: String,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "`{}` uses the lesson's own `{}`",
            self.exercise, self.used
        )?;
        let mut place = Vec::new();
        if self.written != self.used {
            place.push(format!("written `{}`", self.written));
        }
        place.push(format!("line {}", self.line));
        if self.within != self.exercise {
            place.push(format!("in `{}`, which it reaches", self.within));
        }
        write!(
            f,
            " ({}): grading.toml forbids `{}` here; the exercise asks for your own",
            place.join(", "),
            self.forbidden
        )
    }
}

/// The tests that must not run, per exercise of `exercises`: the explanation of each exercise
/// whose answer in `file` uses a forbidden path. Exercises that pass the audit are absent.
pub fn refusals<'e>(
    file: &ExercisesFile,
    exercises: impl IntoIterator<Item = &'e Exercise>,
) -> BTreeMap<String, String> {
    let graph = Graph::of(file);
    let exercises: Vec<(&str, &[String])> = exercises
        .into_iter()
        .map(|e| (e.item.as_str(), e.forbid.as_slice()))
        .collect();
    let rules = Rules::new(file, &graph, &exercises);
    exercises
        .iter()
        .filter_map(|(item, _)| {
            let violations = graph.violations(file, item, &rules);
            (!violations.is_empty()).then(|| {
                let mut lines: Vec<String> = violations
                    .iter()
                    .take(MAX_LISTED)
                    .map(ToString::to_string)
                    .collect();
                if violations.len() > MAX_LISTED {
                    lines.push(format!("(and {} more)", violations.len() - MAX_LISTED));
                }
                (item.to_string(), lines.join("\n"))
            })
        })
        .collect()
}

/// The result of a test whose exercise was refused, with the refusal as its detail: no points.
pub fn refused_result(
    manifest: &Manifest,
    test: &TestSpec,
    refusal: &str,
    hint_level: usize,
) -> TestResult {
    TestResult {
        hint: manifest.hints_of(test, hint_level),
        ..runner::result(test, Status::Forbidden, 0.0, refusal.to_string())
    }
}

/// The entries of `forbid` that name nothing the lesson defines (a typo, or a renamed item).
pub fn unknown_paths<'f>(file: &ExercisesFile, forbid: &'f [String]) -> Vec<&'f str> {
    forbid
        .iter()
        .filter(|entry| {
            let canon = file
                .map
                .resolve(&Scope::module(&[]), &Written::parse(entry));
            !file.map.defines(&canon)
        })
        .map(String::as_str)
        .collect()
}

/// Each exercise's forbidden paths, resolved, and the nodes of the graph that are an exercise's
/// own item.
struct Rules {
    forbidden: BTreeMap<String, Vec<(String, Canon)>>,
    owner: BTreeMap<usize, String>,
}

impl Rules {
    fn new(file: &ExercisesFile, graph: &Graph<'_>, exercises: &[(&str, &[String])]) -> Self {
        let root = Scope::module(&[]);
        let mut rules = Rules {
            forbidden: BTreeMap::new(),
            owner: BTreeMap::new(),
        };
        for (item, forbid) in exercises {
            let resolved = forbid
                .iter()
                .map(|entry| {
                    (
                        entry.clone(),
                        file.map.resolve(&root, &Written::parse(entry)),
                    )
                })
                .collect();
            rules.forbidden.insert(item.to_string(), resolved);
            for &node in graph.roots(file, item) {
                rules.owner.insert(node, item.to_string());
            }
        }
        rules
    }

    /// The entry of `item`'s `forbid` list under which `canon` falls.
    fn forbids(&self, item: &str, canon: &Canon) -> Option<&String> {
        self.forbidden
            .get(item)?
            .iter()
            .find(|(_, banned)| canon.starts_with(banned))
            .map(|(entry, _)| entry)
    }

    /// Whether a use of `canon` in `node`, reached from exercise `item`, is charged to another
    /// exercise: `node` is that exercise's own item, and its own list forbids `canon`. (A call
    /// hidden in an exercise whose list allows it is still charged to `item`.)
    fn charged_elsewhere(&self, item: &str, node: usize, canon: &Canon) -> bool {
        self.owner
            .get(&node)
            .is_some_and(|owner| owner != item && self.forbids(owner, canon).is_some())
    }
}

/// The items of the exercises file (and of modules inside it) as nodes, indexed by the path that
/// names them and by method name.
struct Graph<'f> {
    nodes: Vec<(String, Scope, Node<'f>)>,
    by_path: BTreeMap<Canon, Vec<usize>>,
    by_method: BTreeMap<String, Vec<usize>>,
}

impl<'f> Graph<'f> {
    fn of(file: &'f ExercisesFile) -> Self {
        let mut graph = Graph {
            nodes: Vec::new(),
            by_path: BTreeMap::new(),
            by_method: BTreeMap::new(),
        };
        graph.add_items(file, &file.file.items, &file.module);
        graph
    }

    fn add(&mut self, label: String, scope: Scope, node: Node<'f>, paths: &[&Canon]) -> usize {
        let index = self.nodes.len();
        self.nodes.push((label, scope.with_inner_items(node), node));
        for path in paths {
            self.by_path.entry((*path).clone()).or_default().push(index);
        }
        index
    }

    fn add_items(&mut self, file: &ExercisesFile, items: &'f [syn::Item], module: &[String]) {
        let scope = Scope::module(module);
        for item in items {
            match item {
                syn::Item::Mod(m) => {
                    if let Some((_, inner)) = &m.content {
                        let inner_module = [module, &[m.ident.to_string()]].concat();
                        self.add_items(file, inner, &inner_module);
                    }
                }
                syn::Item::Impl(imp) => self.add_impl(file, imp, &scope),
                syn::Item::Use(_) | syn::Item::ExternCrate(_) => {}
                other => {
                    let Some(ident) = names::item_ident(other) else {
                        continue;
                    };
                    let path = [names::crate_path(module), vec![ident.clone()]].concat();
                    let index = self.add(ident, scope.clone(), Node::Item(other), &[&path]);
                    if let syn::Item::Trait(t) = other {
                        for method in &t.items {
                            if let syn::TraitItem::Fn(f) = method {
                                let name = f.sig.ident.to_string();
                                self.by_method.entry(name).or_default().push(index);
                            }
                        }
                    }
                }
            }
        }
    }

    /// An `impl` block: its header and each of its items, under its self type and its trait.
    fn add_impl(&mut self, file: &ExercisesFile, imp: &'f syn::ItemImpl, scope: &Scope) {
        let self_ty = names::self_type(&file.map, scope, &imp.self_ty);
        let trait_path = imp
            .trait_
            .as_ref()
            .map(|(_, path, _)| file.map.resolve(scope, &Written::of_path(path)));
        let paths: Vec<&Canon> = self_ty.iter().chain(&trait_path).collect();
        // A method call reaches the methods of the file's own traits: they are in scope without
        // being named, even on a foreign type. Any other method needs a value of a type the code
        // names (or a function it calls returns), and naming a type reaches all its impls.
        let local_trait = trait_path
            .as_ref()
            .is_some_and(|t| t.starts_with(&names::crate_path(&file.module)));
        let mut scope = scope.clone();
        scope.self_ty.clone_from(&self_ty);
        let type_name = self_ty
            .as_ref()
            .and_then(|t| t.last().cloned())
            .unwrap_or_else(|| "impl".to_string());
        self.add(
            format!("impl {type_name}"),
            scope.clone(),
            Node::ImplHeader(imp),
            &paths,
        );
        for item in &imp.items {
            let name = match item {
                syn::ImplItem::Fn(f) => f.sig.ident.to_string(),
                syn::ImplItem::Const(c) => c.ident.to_string(),
                syn::ImplItem::Type(t) => t.ident.to_string(),
                _ => String::new(),
            };
            let index = self.add(
                format!("{type_name}::{name}"),
                scope.clone(),
                Node::ImplItem(item),
                &paths,
            );
            if local_trait && matches!(item, syn::ImplItem::Fn(_)) {
                self.by_method.entry(name).or_default().push(index);
            }
        }
    }

    /// The nodes of exercise `item` itself: its function, or its type and the type's impls.
    fn roots(&self, file: &ExercisesFile, item: &str) -> &[usize] {
        let path = [names::crate_path(&file.module), vec![item.to_string()]].concat();
        self.by_path.get(&path).map_or(&[], Vec::as_slice)
    }

    /// The uses of paths forbidden to exercise `item` by it and everything it reaches, in line
    /// order.
    fn violations(&self, file: &ExercisesFile, item: &str, rules: &Rules) -> Vec<Violation> {
        if rules.forbidden.get(item).is_none_or(Vec::is_empty) {
            return Vec::new();
        }
        let mut queue: Vec<usize> = self.roots(file, item).to_vec();
        let mut seen: BTreeSet<usize> = queue.iter().copied().collect();
        let mut found = BTreeSet::new();
        while let Some(index) = queue.pop() {
            let (label, scope, node) = &self.nodes[index];
            for reference in names::references(&file.map, scope, *node) {
                let next = match &reference.target {
                    Target::Path(canon, _) | Target::Macro(canon) => {
                        if let Some(entry) = rules.forbids(item, canon)
                            && !rules.charged_elsewhere(item, index, canon)
                        {
                            found.insert(Violation {
                                line: reference.line,
                                used: canon.join("::"),
                                written: reference.written.clone(),
                                within: label.clone(),
                                exercise: item.to_string(),
                                forbidden: entry.clone(),
                            });
                        }
                        self.named_by(canon)
                    }
                    Target::Method(name) => self.by_method.get(name),
                    Target::Text(_) => None,
                };
                for &n in next.into_iter().flatten() {
                    if seen.insert(n) {
                        queue.push(n);
                    }
                }
            }
        }
        found.into_iter().collect()
    }

    /// The nodes a path names: those of its longest prefix that names a local item (so that
    /// `Worker::start` reaches `Worker` and its impls).
    fn named_by(&self, canon: &Canon) -> Option<&Vec<usize>> {
        (1..=canon.len())
            .rev()
            .find_map(|n| self.by_path.get(&canon[..n]))
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::grade::flags::FlagKind;
    use std::path::PathBuf;

    /// An answer of `xtask/fixtures/audit/answers/`: a lesson's exercises file whose header names
    /// the exercise and its forbidden paths (`//! audit: exercise = X; forbid = a, b`), and whose
    /// lines say what the audit must find on them (`// ~forbidden`, `// ~flag: unsafe, fd`).
    pub struct Fixture {
        pub name: String,
        pub file: ExercisesFile,
        pub exercise: String,
        pub forbid: Vec<String>,
        pub forbidden_lines: BTreeSet<usize>,
        pub flags: BTreeSet<(usize, FlagKind)>,
    }

    fn audit_dir() -> PathBuf {
        crate::workspace::root().join("xtask/fixtures/audit")
    }

    pub fn fixtures() -> Vec<Fixture> {
        let mut paths: Vec<PathBuf> = std::fs::read_dir(audit_dir().join("answers"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        paths.sort();
        paths.into_iter().map(|path| fixture(&path)).collect()
    }

    fn fixture(path: &std::path::Path) -> Fixture {
        let text = std::fs::read_to_string(path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let header = text
            .lines()
            .find_map(|l| l.strip_prefix("//! audit:"))
            .unwrap_or_else(|| panic!("{name}: no `//! audit:` header"));
        let field = |key: &str| {
            header
                .split(';')
                .find_map(|f| f.trim().strip_prefix(key))
                .and_then(|f| f.trim().strip_prefix('='))
                .unwrap_or_else(|| panic!("{name}: no `{key} =` in the header"))
                .trim()
                .to_string()
        };
        let forbid = field("forbid")
            .split(',')
            .map(|p| p.trim().to_string())
            .filter(|p| !p.is_empty())
            .collect();
        let mut forbidden_lines = BTreeSet::new();
        let mut flags = BTreeSet::new();
        for (i, line) in text.lines().enumerate() {
            let Some((_, marker)) = line.split_once("// ~") else {
                continue;
            };
            if marker.trim() == "forbidden" {
                forbidden_lines.insert(i + 1);
            } else if let Some(kinds) = marker.strip_prefix("flag:") {
                for kind in kinds.split(',') {
                    let kind: FlagKind = toml::Value::String(kind.trim().to_string())
                        .try_into()
                        .unwrap_or_else(|e| panic!("{name}:{}: {e}", i + 1));
                    flags.insert((i + 1, kind));
                }
            }
        }
        let exercise = field("exercise");
        let src = audit_dir().join("lesson/src");
        let file = ExercisesFile::from_text(&src, "lesson", &["exercises"], text.clone())
            .unwrap()
            .unwrap_or_else(|| panic!("{name} does not parse"));
        Fixture {
            name,
            exercise,
            forbid,
            file,
            forbidden_lines,
            flags,
        }
    }

    /// Each fixture's forbidden uses are found on exactly the lines it marks: through an alias, a
    /// glob, a nested group, the crate's name, `super`, a re-export, a helper, a method, a macro…
    /// and none in the clean one.
    #[test]
    fn every_forbidden_use_is_found_and_nothing_else() {
        let all = fixtures();
        assert!(all.len() >= 10, "{} fixtures", all.len());
        for f in all {
            let graph = Graph::of(&f.file);
            let rules = Rules::new(&f.file, &graph, &[(&f.exercise, &f.forbid)]);
            let found = graph.violations(&f.file, &f.exercise, &rules);
            let lines: BTreeSet<usize> = found.iter().map(|v| v.line).collect();
            assert_eq!(lines, f.forbidden_lines, "{}: found {found:#?}", f.name);
        }
    }

    /// An exercise that uses a forbidden path scores 0, with a detail naming the path, the item
    /// and the line; the exercises it does not reach are not refused.
    #[test]
    fn a_forbidden_answer_scores_zero_and_says_why() {
        let mut refused = 0;
        for f in fixtures()
            .into_iter()
            .filter(|f| !f.forbidden_lines.is_empty())
        {
            let manifest = Manifest::from_toml(&format!(
                "default_timeout = 5\n[[exercise]]\nlesson = \"lesson\"\nitem = \"{}\"\n\
                 forbid = {:?}\nhints = [\"look\", \"use\"]\n\
                 tests = [{{ name = \"t\", points = 2 }}]\n\
                 [[exercise]]\nlesson = \"lesson\"\nitem = \"other\"\nforbid = {:?}\n\
                 hints = [\"look\", \"use\"]\ntests = [{{ name = \"u\", points = 1 }}]\n",
                f.exercise, f.forbid, f.forbid
            ))
            .unwrap();
            let refusals = refusals(&f.file, &manifest.exercises);
            assert_eq!(
                refusals.len(),
                1,
                "{}: only the exercise: {refusals:?}",
                f.name
            );
            let test = &manifest.exercises[0].tests[0];
            let result = refused_result(&manifest, test, &refusals[&f.exercise], 1);
            assert_eq!(result.status, Status::Forbidden, "{}", f.name);
            assert_eq!((result.points, result.max_points), (0, 2), "{}", f.name);
            assert_eq!(result.hint, "look");
            let detail = &result.detail;
            assert!(
                detail.contains(&format!("`{}` uses the lesson's own `", f.exercise)),
                "{detail}"
            );
            for line in &f.forbidden_lines {
                assert!(
                    detail.contains(&format!("line {line}")),
                    "{}: {detail}",
                    f.name
                );
            }
            assert!(
                f.forbid
                    .iter()
                    .any(|p| detail.contains(&format!("forbids `{p}`"))),
                "{detail}"
            );
            refused += 1;
        }
        assert!(refused >= 9, "{refused} refused");
    }

    /// One shortcut answer per exercise with a `forbid` list, in
    /// `xtask/fixtures/audit/shortcuts/<lesson>.rs`, each calling the lesson's own implementation:
    /// audited against the real lesson with the real grading.toml, every one is refused.
    #[test]
    fn every_shortcut_answer_is_refused() {
        let root = crate::workspace::root();
        let manifest = Manifest::load(&root.join("grading.toml")).unwrap();
        let mut shortcuts = 0;
        for lesson in crate::lessons::names().unwrap() {
            let guarded: Vec<&Exercise> = manifest
                .exercises_of(lesson)
                .filter(|e| !e.forbid.is_empty())
                .collect();
            if guarded.is_empty() {
                continue;
            }
            let path = audit_dir().join(format!("shortcuts/{lesson}.rs"));
            let src = root.join("crates").join(lesson).join("src");
            let file = ExercisesFile::load(&src, lesson, &["exercises"], &path)
                .unwrap()
                .unwrap();
            let refused = refusals(&file, guarded.iter().copied());
            for e in &guarded {
                assert!(
                    crate::grade::manifest::is_stub(&file.text, &e.item).is_some(),
                    "{}: add a shortcut answer for `{}`",
                    path.display(),
                    e.item
                );
                assert!(
                    refused.contains_key(&e.item),
                    "{lesson}: the shortcut answer to `{}` is not refused",
                    e.item
                );
            }
            shortcuts += guarded.len();
        }
        assert!(shortcuts >= 25, "{shortcuts}");
        println!("shortcut answers refused: {shortcuts} of {shortcuts}; rewarded: 0");
    }

    /// A forbidden call inside another exercise's item is charged to that exercise when its own
    /// list forbids it (building on an earlier exercise costs nothing more), and to the caller
    /// when it does not (hiding the call in an unguarded exercise does not help).
    #[test]
    fn a_call_through_another_exercise_is_charged_once() {
        let text = "\
pub fn escape_count(cx: f64, cy: f64, max_iter: u32) -> u32 {
    crate::escape::escape_count(cx, cy, max_iter)
}

pub fn render_band(out: &mut [u32]) {
    out[0] = escape_count(0.0, 0.0, 1);
    out[1] = deal_rows();
}

pub fn deal_rows() -> u32 {
    let mut row = [0];
    crate::escape::render_rows(&mut row);
    row[0]
}
";
        let file = ExercisesFile::from_text(
            &audit_dir().join("lesson/src"),
            "lesson",
            &["exercises"],
            text.to_string(),
        )
        .unwrap()
        .unwrap();
        let exercise = |item: &str, forbid: &[&str]| {
            format!(
                "[[exercise]]\nlesson = \"lesson\"\nitem = \"{item}\"\nforbid = {forbid:?}\n\
                 hints = [\"a\", \"b\"]\ntests = [{{ name = \"{item}_test\", points = 1 }}]\n"
            )
        };
        let manifest = Manifest::from_toml(&format!(
            "default_timeout = 5\n{}{}{}",
            exercise("escape_count", &["crate::escape"]),
            exercise("render_band", &["crate::escape"]),
            exercise("deal_rows", &[]),
        ))
        .unwrap();
        let refused = refusals(&file, &manifest.exercises);
        assert_eq!(
            refused.keys().collect::<Vec<_>>(),
            ["escape_count", "render_band"]
        );
        assert!(refused["escape_count"].contains("line 2"), "{refused:?}");
        let band = &refused["render_band"];
        assert!(
            band.contains("`crate::escape::render_rows` (line 12, in `deal_rows`"),
            "{band}"
        );
        assert!(
            !band.contains("line 2"),
            "charged to escape_count alone: {band}"
        );
    }

    #[test]
    fn forbidden_paths_must_name_something_the_lesson_defines() {
        let f = fixture(&audit_dir().join("answers/clean.rs"));
        let forbid = [
            "crate::escape",
            "crate::ThreadPool",
            "crate::escape::no_such_function",
            "crate::nowhere::f",
            "crossbeam_channel",
        ]
        .map(String::from);
        assert_eq!(
            unknown_paths(&f.file, &forbid),
            ["crate::escape::no_such_function", "crate::nowhere::f"]
        );
    }
}

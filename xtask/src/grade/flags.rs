//! Review flags: constructs in an exercises file that a teacher should look at. They cost no
//! points — a lesson may need some on purpose, and grading.toml's `[allow]` table says which — but
//! each is a way around the grader or the sandbox worth a human's eye: unsafe code, foreign
//! functions and exported symbols, ending the process, compiling in other files, reading the
//! environment or `/proc`, writing to raw file descriptors, starting processes.
//!
//! Paths are resolved as for the forbidden shortcuts (`use std::process as p; p::exit(0)` is an
//! `exit`), and so are names that come through glob imports of other crates when the glob could
//! bring them (`use std::process::*; exit(0)`).

use super::names::{self, Canon, ExercisesFile, Node, Scope, Target};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use syn::visit::{self, Visit};

/// What a flag is about (its name in grading.toml's `[allow]` and in the reports).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FlagKind {
    /// `unsafe` blocks, functions, impls and traits; `#[unsafe(...)]` attributes.
    Unsafe,
    /// `extern` blocks and `extern "ABI"` functions.
    Extern,
    /// `#[no_mangle]`, `#[export_name]`, `#[link_section]`, `#[link_name]`, `#[link]`, `#[used]`.
    Symbol,
    /// `std::process::exit` and `abort`, `libc::exit`, `_exit` and `abort`.
    Exit,
    /// `include!`, `include_str!`, `include_bytes!` and `#[path]`.
    Include,
    /// `std::env` and the `env!` and `option_env!` macros.
    Env,
    /// `/proc` in a string literal.
    Proc,
    /// Raw file descriptors: `from_raw_fd`, `borrow_raw`, `libc::write` and `dup`s, and the paths
    /// `/dev/fd`, `/proc/self/fd`, `/dev/stdout`, `/dev/stderr`.
    Fd,
    /// Other processes: `std::process::Command`, `libc::fork`, `exec*`, `system`, `posix_spawn`,
    /// `kill`.
    Process,
}

impl FlagKind {
    /// The name in grading.toml and the reports.
    pub fn name(self) -> &'static str {
        match self {
            FlagKind::Unsafe => "unsafe",
            FlagKind::Extern => "extern",
            FlagKind::Symbol => "symbol",
            FlagKind::Exit => "exit",
            FlagKind::Include => "include",
            FlagKind::Env => "env",
            FlagKind::Proc => "proc",
            FlagKind::Fd => "fd",
            FlagKind::Process => "process",
        }
    }
}

/// One construct a teacher should look at.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Flag {
    /// Its line in the exercises file.
    pub line: usize,
    /// What it is about.
    pub kind: FlagKind,
    /// The item it is in (`increment_shared`, `Worker` for its impls, `use` for an import).
    pub item: String,
    /// The line's code, trimmed and cut short.
    pub excerpt: String,
}

/// Every flag `file` raises, in line order, except those of the `allowed` kinds.
pub fn review(file: &ExercisesFile, allowed: &[FlagKind]) -> Vec<Flag> {
    let mut found = BTreeSet::new();
    review_items(file, &file.file.items, &file.module, "", &mut found);
    found
        .into_iter()
        .filter(|(_, kind, _)| !allowed.contains(kind))
        .map(|(line, kind, item)| Flag {
            line,
            kind,
            item,
            excerpt: file.excerpt(line),
        })
        .collect()
}

fn review_items(
    file: &ExercisesFile,
    items: &[syn::Item],
    module: &[String],
    prefix: &str,
    found: &mut BTreeSet<(usize, FlagKind, String)>,
) {
    for item in items {
        let label = format!("{prefix}{}", label_of(file, module, item));
        if let syn::Item::Mod(m) = item {
            let mut syntax = Syntax(Vec::new());
            m.attrs.iter().for_each(|a| syntax.visit_attribute(a));
            found.extend(syntax.0.into_iter().map(|(l, k)| (l, k, label.clone())));
            if let Some((_, inner)) = &m.content {
                let inner_module = [module, &[m.ident.to_string()]].concat();
                review_items(file, inner, &inner_module, &format!("{label}::"), found);
            }
            continue;
        }
        let node = Node::Item(item);
        let mut syntax = Syntax(Vec::new());
        syntax.visit_item(item);
        let scope = Scope::module(module).with_inner_items(node);
        let by_reference = names::references(&file.map, &scope, node)
            .into_iter()
            .filter_map(|r| reference_flag(&r.target).map(|kind| (r.line, kind)));
        found.extend(
            syntax
                .0
                .into_iter()
                .chain(by_reference)
                .map(|(line, kind)| (line, kind, label.clone())),
        );
    }
}

/// How a flag names the item it is in.
fn label_of(file: &ExercisesFile, module: &[String], item: &syn::Item) -> String {
    match item {
        syn::Item::Impl(imp) => names::self_type(&file.map, &Scope::module(module), &imp.self_ty)
            .and_then(|t| t.last().cloned())
            .unwrap_or_else(|| "impl".to_string()),
        syn::Item::Use(_) => "use".to_string(),
        syn::Item::ForeignMod(_) => "extern block".to_string(),
        syn::Item::Macro(m) => m
            .ident
            .as_ref()
            .map_or_else(|| "macro call".to_string(), |i| format!("{i}!")),
        other => names::item_ident(other).unwrap_or_else(|| "item".to_string()),
    }
}

const EXIT: [&str; 6] = [
    "std::process::exit",
    "std::process::abort",
    "core::intrinsics::abort",
    "libc::exit",
    "libc::_exit",
    "libc::abort",
];
const PROCESS: [&str; 12] = [
    "std::process::Command",
    "libc::fork",
    "libc::vfork",
    "libc::execv",
    "libc::execve",
    "libc::execvp",
    "libc::execvpe",
    "libc::fexecve",
    "libc::system",
    "libc::posix_spawn",
    "libc::posix_spawnp",
    "libc::kill",
];
const FD_CALLS: [&str; 4] = ["libc::write", "libc::dup", "libc::dup2", "libc::dup3"];
const FD_METHODS: [&str; 2] = ["from_raw_fd", "borrow_raw"];
const FD_PATHS: [&str; 4] = ["/dev/fd", "/proc/self/fd", "/dev/stdout", "/dev/stderr"];

/// The flag a reference raises, if any.
fn reference_flag(target: &Target) -> Option<FlagKind> {
    match target {
        Target::Path(canon, guesses) => {
            path_flag(canon, true).or_else(|| guesses.iter().find_map(|g| path_flag(g, false)))
        }
        Target::Macro(canon) => {
            let builtin = canon.len() == 1 || matches!(canon[0].as_str(), "std" | "core");
            match canon.last()?.as_str() {
                "include" | "include_str" | "include_bytes" if builtin => Some(FlagKind::Include),
                "env" | "option_env" if builtin => Some(FlagKind::Env),
                _ => None,
            }
        }
        Target::Method(name) => FD_METHODS.contains(&name.as_str()).then_some(FlagKind::Fd),
        Target::Text(text) if FD_PATHS.iter().any(|p| text.contains(p)) => Some(FlagKind::Fd),
        Target::Text(text) if text.contains("/proc") => Some(FlagKind::Proc),
        Target::Text(_) => None,
    }
}

/// The flag a resolved path raises; with `whole_modules`, anything under `std::env` counts too
/// (not for a guess through a glob import, which would flag every local variable).
fn path_flag(canon: &Canon, whole_modules: bool) -> Option<FlagKind> {
    let is = |listed: &str| {
        let listed: Vec<&str> = listed.split("::").collect();
        canon.len() >= listed.len() && canon.iter().zip(&listed).all(|(a, b)| a == b)
    };
    if EXIT.iter().any(|p| is(p)) {
        Some(FlagKind::Exit)
    } else if PROCESS.iter().any(|p| is(p)) {
        Some(FlagKind::Process)
    } else if FD_CALLS.iter().any(|p| is(p))
        || canon
            .last()
            .is_some_and(|l| FD_METHODS.contains(&l.as_str()))
    {
        Some(FlagKind::Fd)
    } else if (whole_modules && is("std::env")) || is("std::env::var") || is("std::env::vars") {
        Some(FlagKind::Env)
    } else {
        None
    }
}

/// The flags raised by syntax alone: `unsafe`, `extern`, and attributes.
struct Syntax(Vec<(usize, FlagKind)>);

impl Syntax {
    fn signature(&mut self, sig: &syn::Signature) {
        if let Some(token) = &sig.unsafety {
            self.0.push((names::line_of(token.span), FlagKind::Unsafe));
        }
        if let Some(abi) = &sig.abi {
            self.0
                .push((names::line_of(abi.extern_token.span), FlagKind::Extern));
        }
    }
}

impl<'ast> Visit<'ast> for Syntax {
    fn visit_attribute(&mut self, attr: &'ast syn::Attribute) {
        let line = names::line_of(attr.pound_token.span);
        let path = attr.path();
        if path.is_ident("doc") {
            return;
        }
        // The attribute's own name, and the names inside it: `unsafe(no_mangle)`,
        // `cfg_attr(feature = "x", path = "y.rs")`.
        let mut idents = vec![path.segments.last().map(|s| s.ident.to_string())];
        if let syn::Meta::List(list) = &attr.meta {
            idents.extend(list.tokens.clone().into_iter().map(|t| match t {
                proc_macro2::TokenTree::Ident(i) => Some(i.to_string()),
                _ => None,
            }));
        }
        for ident in idents.into_iter().flatten() {
            let kind = match ident.as_str() {
                "unsafe" => FlagKind::Unsafe,
                "no_mangle" | "export_name" | "link_section" | "link_name" | "link" | "used" => {
                    FlagKind::Symbol
                }
                "path" => FlagKind::Include,
                _ => continue,
            };
            self.0.push((line, kind));
        }
    }

    fn visit_expr_unsafe(&mut self, e: &'ast syn::ExprUnsafe) {
        self.0
            .push((names::line_of(e.unsafe_token.span), FlagKind::Unsafe));
        visit::visit_expr_unsafe(self, e);
    }

    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        self.signature(&f.sig);
        visit::visit_item_fn(self, f);
    }

    fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
        self.signature(&f.sig);
        visit::visit_impl_item_fn(self, f);
    }

    fn visit_trait_item_fn(&mut self, f: &'ast syn::TraitItemFn) {
        self.signature(&f.sig);
        visit::visit_trait_item_fn(self, f);
    }

    fn visit_item_impl(&mut self, imp: &'ast syn::ItemImpl) {
        if let Some(token) = &imp.unsafety {
            self.0.push((names::line_of(token.span), FlagKind::Unsafe));
        }
        visit::visit_item_impl(self, imp);
    }

    fn visit_item_trait(&mut self, t: &'ast syn::ItemTrait) {
        if let Some(token) = &t.unsafety {
            self.0.push((names::line_of(token.span), FlagKind::Unsafe));
        }
        visit::visit_item_trait(self, t);
    }

    // The functions inside an extern block are declarations, flagged with the block.
    fn visit_item_foreign_mod(&mut self, m: &'ast syn::ItemForeignMod) {
        self.0
            .push((names::line_of(m.abi.extern_token.span), FlagKind::Extern));
        m.attrs.iter().for_each(|a| self.visit_attribute(a));
        for item in &m.items {
            if let syn::ForeignItem::Fn(f) = item {
                f.attrs.iter().for_each(|a| self.visit_attribute(a));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grade::audit::tests::fixtures;

    /// Every fixture raises exactly the flags its lines are marked with: each construct of
    /// `flags.rs`, and nothing in the others.
    #[test]
    fn every_flagged_construct_is_reported_and_nothing_else() {
        let mut flagged = BTreeSet::new();
        for f in fixtures() {
            let flags = review(&f.file, &[]);
            let found: BTreeSet<(usize, FlagKind)> =
                flags.iter().map(|f| (f.line, f.kind)).collect();
            assert_eq!(found, f.flags, "{}: {flags:#?}", f.name);
            flagged.extend(flags.iter().map(|f| f.kind));
            for flag in &flags {
                assert!(
                    !flag.excerpt.is_empty() && !flag.item.is_empty(),
                    "{flag:?}"
                );
            }
        }
        assert_eq!(flagged.len(), 9, "every kind is shown: {flagged:?}");
    }

    #[test]
    fn a_flag_names_its_item_and_quotes_its_line() {
        let f = fixtures()
            .into_iter()
            .find(|f| f.name == "flags.rs")
            .unwrap();
        let flags = review(&f.file, &[]);
        let leave = flags.iter().find(|f| f.kind == FlagKind::Exit).unwrap();
        assert_eq!(leave.item, "leave");
        assert_eq!(leave.excerpt, "p::exit(0); // ~flag: exit");
        let marker = flags
            .iter()
            .find(|f| f.kind == FlagKind::Unsafe && f.item == "u8");
        assert!(
            marker.is_some(),
            "an impl is named after its type: {flags:#?}"
        );
    }

    #[test]
    fn allowed_kinds_are_left_out() {
        let f = fixtures()
            .into_iter()
            .find(|f| f.name == "flags.rs")
            .unwrap();
        let allowed = [FlagKind::Unsafe, FlagKind::Process];
        let flags = review(&f.file, &allowed);
        assert!(!flags.is_empty());
        assert!(
            flags.iter().all(|f| !allowed.contains(&f.kind)),
            "{flags:#?}"
        );
    }
}

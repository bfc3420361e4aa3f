//! What the names in a lesson's exercises file refer to: name resolution in the small, for the
//! audit of forbidden shortcuts and the review flags.
//!
//! A [`CrateMap`] knows, for every module of a lesson crate (read from its `src/` files), the names
//! it defines and the names it imports (`use` with aliases, groups, nested groups, `self`, globs;
//! `extern crate … as …`). [`CrateMap::resolve`] follows a path as written in some module to where
//! it is defined: `ec` after `use crate::escape::escape_count as ec`, `crate::ThreadPool` through
//! `lib.rs`'s `pub use pool::ThreadPool`, `escape_count` through `use crate::escape::*`, and
//! `mandelbrot::escape` (the crate's own name) all become `crate::escape::…`.
//!
//! [`references`] lists what a piece of code refers to, each resolved: paths (in expressions,
//! types, patterns, `use` declarations and the tokens of macro calls), macros called, methods
//! called by name (their receiver's type is not known) and the text of string literals.
//!
//! It is not the compiler: it knows no types, expands no macros and does not check visibility.
//! Where it must guess it over-approximates, so that a path hidden behind an import is never
//! missed.

use anyhow::Context;
use proc_macro2::{Delimiter, Spacing, TokenStream, TokenTree};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use syn::visit::{self, Visit};

/// A resolved path: `crate` first for the lesson's own items (`crate::escape::escape_count`),
/// else the external crate's name (`std::process::exit`).
pub type Canon = Vec<String>;

/// Imports chain (`use a as b` of `use c as a` …) at most this deep; deeper is a cycle.
const MAX_DEPTH: u8 = 24;

/// A path as written: `::std::env`, `super::escape`, `ec`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    leading_colon: bool,
    segments: Vec<String>,
}

impl Written {
    /// How `path` is written.
    pub fn of_path(path: &syn::Path) -> Self {
        Written {
            leading_colon: path.leading_colon.is_some(),
            segments: path.segments.iter().map(|s| s.ident.to_string()).collect(),
        }
    }

    /// Parses `crate::escape::escape_count` (as in grading.toml).
    pub fn parse(text: &str) -> Self {
        let (leading_colon, rest) = match text.trim().strip_prefix("::") {
            Some(rest) => (true, rest),
            None => (false, text.trim()),
        };
        Written {
            leading_colon,
            segments: rest.split("::").map(|s| s.trim().to_string()).collect(),
        }
    }
}

impl std::fmt::Display for Written {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let lead = if self.leading_colon { "::" } else { "" };
        write!(f, "{lead}{}", self.segments.join("::"))
    }
}

/// What one leaf of a `use` tree brings into scope, and its path as written.
#[derive(Debug, Clone)]
struct UseEntry {
    brings: Brings,
    path: Written,
    line: usize,
}

/// What a `use` leaf brings into scope.
#[derive(Debug, Clone)]
enum Brings {
    /// One name (`use a::b`, `use a::b as c`, `use a::{self}`).
    Name(String),
    /// Every name of a module (`use a::*`).
    Glob,
    /// No name, only a trait's methods (`use a::Trait as _`).
    Nothing,
}

impl UseEntry {
    /// Adds what this entry brings to a table of imports and a list of globs.
    fn add_to(self, imports: &mut BTreeMap<String, Written>, globs: &mut Vec<Written>) {
        match self.brings {
            Brings::Name(name) => {
                imports.insert(name, self.path);
            }
            Brings::Glob => globs.push(self.path),
            Brings::Nothing => {}
        }
    }
}

/// Flattens a `use` tree: `use a::{b as c, d::*, self}` gives `c = a::b`, `* = a::d`, `a = a`.
fn use_entries(
    tree: &syn::UseTree,
    leading_colon: bool,
    prefix: &mut Vec<String>,
) -> Vec<UseEntry> {
    let written = |segments: Vec<String>| Written {
        leading_colon,
        segments,
    };
    match tree {
        syn::UseTree::Path(p) => {
            prefix.push(p.ident.to_string());
            let entries = use_entries(&p.tree, leading_colon, prefix);
            prefix.pop();
            entries
        }
        syn::UseTree::Name(n) => {
            let (name, path) = if n.ident == "self" {
                (prefix.last().cloned().unwrap_or_default(), prefix.clone())
            } else {
                let ident = n.ident.to_string();
                (ident.clone(), [prefix.as_slice(), &[ident]].concat())
            };
            vec![UseEntry {
                brings: Brings::Name(name),
                path: written(path),
                line: line_of(n.ident.span()),
            }]
        }
        syn::UseTree::Rename(r) => {
            let path = if r.ident == "self" {
                prefix.clone()
            } else {
                [prefix.as_slice(), &[r.ident.to_string()]].concat()
            };
            let brings = if r.rename == "_" {
                Brings::Nothing
            } else {
                Brings::Name(r.rename.to_string())
            };
            vec![UseEntry {
                brings,
                path: written(path),
                line: line_of(r.ident.span()),
            }]
        }
        syn::UseTree::Glob(g) => vec![UseEntry {
            brings: Brings::Glob,
            path: written(prefix.clone()),
            line: line_of(g.star_token.span),
        }],
        syn::UseTree::Group(g) => g
            .items
            .iter()
            .flat_map(|t| use_entries(t, leading_colon, prefix))
            .collect(),
    }
}

fn entries_of_use(item: &syn::ItemUse) -> Vec<UseEntry> {
    use_entries(&item.tree, item.leading_colon.is_some(), &mut Vec::new())
}

/// The line a span starts on (1-based).
pub fn line_of(span: proc_macro2::Span) -> usize {
    span.start().line
}

/// The names one module defines and imports.
#[derive(Debug, Default)]
struct Module {
    /// Items defined here: functions, types, traits, constants, statics, modules, macros.
    items: BTreeSet<String>,
    /// Names imported here, with their path as written.
    imports: BTreeMap<String, Written>,
    /// Modules whose names are all imported here (`use a::*`).
    globs: Vec<Written>,
}

impl Module {
    fn add_use(&mut self, item: &syn::ItemUse) {
        for entry in entries_of_use(item) {
            entry.add_to(&mut self.imports, &mut self.globs);
        }
    }
}

/// The modules of a lesson crate and the names each defines and imports.
#[derive(Debug)]
pub struct CrateMap {
    /// The crate's name as code writes it (`threads_basics`).
    name: String,
    /// Every module, by its path from the crate root (`[]` is the root).
    modules: BTreeMap<Vec<String>, Module>,
}

/// Where resolution happens: a module, the `Self` of an `impl`, and the `use` declarations and
/// items inside the function bodies being read.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    /// The module's path from the crate root.
    pub module: Vec<String>,
    /// What `Self` is.
    pub self_ty: Option<Canon>,
    imports: BTreeMap<String, Written>,
    globs: Vec<Written>,
    locals: BTreeSet<String>,
}

impl Scope {
    /// The scope of code directly in `module`.
    pub fn module(module: &[String]) -> Self {
        Scope {
            module: module.to_vec(),
            ..Scope::default()
        }
    }

    /// Adds the `use` declarations and the items declared inside `node` (in function bodies):
    /// they are in scope there. Their block structure is ignored: a `use` anywhere in a body counts
    /// for all of it.
    pub fn with_inner_items(mut self, node: Node<'_>) -> Self {
        struct Inner<'s>(&'s mut Scope, usize);
        impl<'ast> Visit<'ast> for Inner<'_> {
            fn visit_item(&mut self, item: &'ast syn::Item) {
                if self.1 > 0 {
                    if let syn::Item::Use(u) = item {
                        for entry in entries_of_use(u) {
                            entry.add_to(&mut self.0.imports, &mut self.0.globs);
                        }
                    } else if let Some(ident) = item_ident(item) {
                        self.0.locals.insert(ident);
                    }
                }
                self.1 += 1;
                visit::visit_item(self, item);
                self.1 -= 1;
            }
        }
        // Items nested in an impl's or a trait's functions are one level down too.
        let depth = usize::from(!matches!(node, Node::Item(_)));
        node.accept(&mut Inner(&mut self, depth));
        self
    }
}

/// The name an item defines, if it defines one.
pub fn item_ident(item: &syn::Item) -> Option<String> {
    let ident = match item {
        syn::Item::Fn(i) => &i.sig.ident,
        syn::Item::Struct(i) => &i.ident,
        syn::Item::Enum(i) => &i.ident,
        syn::Item::Union(i) => &i.ident,
        syn::Item::Type(i) => &i.ident,
        syn::Item::Const(i) => &i.ident,
        syn::Item::Static(i) => &i.ident,
        syn::Item::Trait(i) => &i.ident,
        syn::Item::TraitAlias(i) => &i.ident,
        syn::Item::Mod(i) => &i.ident,
        syn::Item::Macro(i) => i.ident.as_ref()?,
        _ => return None,
    };
    Some(ident.to_string())
}

impl CrateMap {
    /// Reads the modules of the crate named `name` whose sources are in `src_dir` (from `lib.rs`
    /// down through `mod` declarations), reading module `exercises` from `exercises_file` instead
    /// of from disk (`[]`: the exercises are the crate root).
    pub fn load(
        src_dir: &Path,
        name: &str,
        exercises: &[String],
        exercises_file: &syn::File,
    ) -> anyhow::Result<Self> {
        let mut map = CrateMap {
            name: name.replace('-', "_"),
            modules: BTreeMap::new(),
        };
        let lib;
        let root = if exercises.is_empty() {
            exercises_file
        } else {
            lib = parse_file(&src_dir.join("lib.rs"))?;
            &lib
        };
        map.add_module(src_dir, Vec::new(), &root.items, exercises, exercises_file)?;
        Ok(map)
    }

    fn add_module(
        &mut self,
        src_dir: &Path,
        path: Vec<String>,
        items: &[syn::Item],
        exercises: &[String],
        exercises_file: &syn::File,
    ) -> anyhow::Result<()> {
        let mut module = Module::default();
        let mut children = Vec::new();
        for item in items {
            match item {
                syn::Item::Use(u) => module.add_use(u),
                syn::Item::ExternCrate(e) => {
                    let name = e.rename.as_ref().map_or(&e.ident, |(_, r)| r).to_string();
                    let target = if e.ident == "self" {
                        Written::parse("crate")
                    } else {
                        Written::parse(&format!("::{}", e.ident))
                    };
                    module.imports.insert(name, target);
                }
                syn::Item::Mod(m) => {
                    module.items.insert(m.ident.to_string());
                    children.push(m);
                }
                other => {
                    if let Some(ident) = item_ident(other) {
                        module.items.insert(ident);
                    }
                }
            }
        }
        self.modules.insert(path.clone(), module);
        for m in children {
            let child = [path.as_slice(), &[m.ident.to_string()]].concat();
            if let Some((_, inline)) = &m.content {
                self.add_module(src_dir, child, inline, exercises, exercises_file)?;
            } else if child == exercises {
                self.add_module(
                    src_dir,
                    child,
                    &exercises_file.items,
                    exercises,
                    exercises_file,
                )?;
            } else {
                // A module whose file is missing (behind a `#[path]`, say) is known, but empty.
                let items = module_file(src_dir, &child).map_or_else(|_| Vec::new(), |f| f.items);
                self.add_module(src_dir, child, &items, exercises, exercises_file)?;
            }
        }
        Ok(())
    }

    /// Resolves `path`, written in `scope`, to where it is defined.
    pub fn resolve(&self, scope: &Scope, path: &Written) -> Canon {
        self.resolve_in(&scope.module, Some(scope), path, 0)
    }

    /// Whether `canon` names something the crate defines: a module, or an item of a module (or
    /// something inside an item, such as a method). Paths outside the crate are taken on trust.
    pub fn defines(&self, canon: &Canon) -> bool {
        if canon.first().is_none_or(|c| c != "crate") {
            return true;
        }
        let inner = &canon[1..];
        // The innermost module on the path must define the next name, if there is one.
        (0..=inner.len())
            .rev()
            .find_map(|n| self.modules.get(&inner[..n]).map(|m| (m, inner.get(n))))
            .is_some_and(|(m, next)| next.is_none_or(|name| m.items.contains(name)))
    }

    /// The crate-local module `canon` names, if it names one.
    fn module_of<'c>(&self, canon: &'c Canon) -> Option<&'c [String]> {
        (canon.first().is_some_and(|c| c == "crate") && self.modules.contains_key(&canon[1..]))
            .then(|| &canon[1..])
    }

    fn resolve_in(
        &self,
        module: &[String],
        scope: Option<&Scope>,
        path: &Written,
        depth: u8,
    ) -> Canon {
        let segments = &path.segments;
        let Some(first) = segments.first() else {
            return Canon::new();
        };
        let (mut canon, rest) = if path.leading_colon {
            (self.external(first), &segments[1..])
        } else {
            match first.as_str() {
                "crate" | "$crate" => (crate_path(&[]), &segments[1..]),
                "self" => (crate_path(module), &segments[1..]),
                "super" => {
                    let ups = segments.iter().take_while(|s| *s == "super").count();
                    let up = &module[..module.len().saturating_sub(ups)];
                    (crate_path(up), &segments[ups..])
                }
                "Self" => match scope.and_then(|s| s.self_ty.clone()) {
                    Some(ty) => (ty, &segments[1..]),
                    None => (vec!["Self".to_string()], &segments[1..]),
                },
                name => (
                    self.name_in_scope(module, scope, name, depth),
                    &segments[1..],
                ),
            }
        };
        for segment in rest {
            canon = self.member(canon, segment, depth);
        }
        canon
    }

    /// What a path's first name means where it is written: a name declared in the body being
    /// read, then the module's own items and imports, then an external crate (or this one).
    fn name_in_scope(
        &self,
        module: &[String],
        scope: Option<&Scope>,
        name: &str,
        depth: u8,
    ) -> Canon {
        if let Some(scope) = scope {
            if scope.locals.contains(name) {
                return [crate_path(module), vec![name.to_string()]].concat();
            }
            if let Some(target) = scope.imports.get(name) {
                return self.resolve_in(module, None, target, depth + 1);
            }
            if let Some(found) = self.in_globs(module, &scope.globs, name, depth) {
                return found;
            }
        }
        self.lookup(module, name, depth)
            .unwrap_or_else(|| self.external(name))
    }

    /// `name` as defined or imported in `module`.
    fn lookup(&self, module: &[String], name: &str, depth: u8) -> Option<Canon> {
        if depth > MAX_DEPTH {
            return None;
        }
        let m = self.modules.get(module)?;
        if m.items.contains(name) {
            return Some([crate_path(module), vec![name.to_string()]].concat());
        }
        if let Some(target) = m.imports.get(name) {
            return Some(self.resolve_in(module, None, target, depth + 1));
        }
        self.in_globs(module, &m.globs, name, depth)
    }

    /// `name` through the first of `globs` (written in `module`) whose module has it.
    fn in_globs(
        &self,
        module: &[String],
        globs: &[Written],
        name: &str,
        depth: u8,
    ) -> Option<Canon> {
        globs.iter().find_map(|glob| {
            let target = self.resolve_in(module, None, glob, depth + 1);
            let inner = self.module_of(&target)?;
            (inner != module)
                .then(|| self.lookup(inner, name, depth + 1))
                .flatten()
        })
    }

    /// `canon::segment`: looked up if `canon` is one of the crate's modules, appended otherwise.
    fn member(&self, canon: Canon, segment: &str, depth: u8) -> Canon {
        if let Some(found) = self
            .module_of(&canon)
            .and_then(|module| self.lookup(module, segment, depth + 1))
        {
            return found;
        }
        [canon, vec![segment.to_string()]].concat()
    }

    fn external(&self, name: &str) -> Canon {
        if name == self.name {
            crate_path(&[])
        } else {
            vec![name.to_string()]
        }
    }

    /// Where each glob in scope (of `scope`'s body and its module) leads, when it leads out of the
    /// crate: names imported through them cannot be looked up.
    fn external_globs(&self, scope: &Scope) -> Vec<Canon> {
        let module_globs = self.modules.get(&scope.module).map(|m| m.globs.as_slice());
        scope
            .globs
            .iter()
            .chain(module_globs.unwrap_or_default())
            .map(|g| self.resolve_in(&scope.module, None, g, 1))
            .filter(|c| c.first().is_none_or(|f| f != "crate"))
            .collect()
    }
}

/// `crate::a::b` for module path `[a, b]`.
pub fn crate_path(module: &[String]) -> Canon {
    std::iter::once("crate".to_string())
        .chain(module.iter().cloned())
        .collect()
}

fn parse_file(path: &Path) -> anyhow::Result<syn::File> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    syn::parse_file(&text).with_context(|| format!("parsing {}", path.display()))
}

/// The file of module `path` (`a/b.rs` or `a/b/mod.rs` under `src_dir`).
fn module_file(src_dir: &Path, path: &[String]) -> anyhow::Result<syn::File> {
    let base = path.iter().collect::<std::path::PathBuf>();
    let flat = src_dir.join(&base).with_extension("rs");
    if flat.is_file() {
        parse_file(&flat)
    } else {
        parse_file(&src_dir.join(base).join("mod.rs"))
    }
}

/// A piece of code whose references can be listed.
#[derive(Clone, Copy)]
pub enum Node<'f> {
    /// An item (a function, a type, a trait, a whole `impl` block, …).
    Item(&'f syn::Item),
    /// One item of an `impl` block (a method, an associated type or constant).
    ImplItem(&'f syn::ImplItem),
    /// The header of an `impl` block: its generics, trait and self type (not its items).
    ImplHeader(&'f syn::ItemImpl),
}

impl<'f> Node<'f> {
    fn accept<V: Visit<'f>>(self, v: &mut V) {
        match self {
            Node::Item(item) => v.visit_item(item),
            Node::ImplItem(item) => v.visit_impl_item(item),
            Node::ImplHeader(imp) => {
                v.visit_generics(&imp.generics);
                if let Some((_, path, _)) = &imp.trait_ {
                    v.visit_path(path);
                }
                v.visit_type(&imp.self_ty);
            }
        }
    }
}

/// What a reference points to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A path (in an expression, a type, a pattern, a `use` or a macro's tokens), resolved; and,
    /// for a single name that may come through glob imports of other crates, where it would be
    /// through each.
    Path(Canon, Vec<Canon>),
    /// A macro called, resolved.
    Macro(Canon),
    /// A method called by name: `x.name(…)` or `<T>::name`.
    Method(String),
    /// The text of a string literal (not of doc comments).
    Text(String),
}

/// One reference in the code, with its line and how it was written.
#[derive(Debug, Clone)]
pub struct Reference {
    /// The line it is on.
    pub line: usize,
    /// How the code wrote it.
    pub written: String,
    /// What it points to.
    pub target: Target,
}

/// Everything `node`, read in `scope`, refers to. Nested inline modules and `impl` blocks inside
/// it are read in their own scope.
pub fn references(map: &CrateMap, scope: &Scope, node: Node<'_>) -> Vec<Reference> {
    let mut collector = Collector {
        map,
        scope: scope.clone(),
        found: Vec::new(),
    };
    node.accept(&mut collector);
    collector.found
}

struct Collector<'m> {
    map: &'m CrateMap,
    scope: Scope,
    found: Vec<Reference>,
}

impl Collector<'_> {
    fn path(&mut self, written: Written, line: usize) {
        let canon = self.map.resolve(&self.scope, &written);
        let guesses =
            if written.segments.len() == 1 && !written.leading_colon && canon == written.segments {
                self.map
                    .external_globs(&self.scope)
                    .into_iter()
                    .map(|g| [g, written.segments.clone()].concat())
                    .collect()
            } else {
                Vec::new()
            };
        self.found.push(Reference {
            line,
            written: written.to_string(),
            target: Target::Path(canon, guesses),
        });
    }

    fn push(&mut self, line: usize, written: String, target: Target) {
        self.found.push(Reference {
            line,
            written,
            target,
        });
    }

    /// The paths, macro calls, method calls and string literals among a macro call's tokens.
    fn tokens(&mut self, tokens: TokenStream) {
        let tokens: Vec<TokenTree> = tokens.into_iter().collect();
        let mut i = 0;
        while i < tokens.len() {
            let after_dot = i > 0 && is_punct(&tokens[i - 1], '.');
            match &tokens[i] {
                TokenTree::Group(g) => {
                    self.tokens(g.stream());
                    i += 1;
                }
                TokenTree::Literal(lit) => {
                    if let Ok(syn::Lit::Str(s)) = syn::parse_str::<syn::Lit>(&lit.to_string()) {
                        self.push(
                            line_of(lit.span()),
                            lit.to_string(),
                            Target::Text(s.value()),
                        );
                    }
                    i += 1;
                }
                _ => match token_path(&tokens[i..]) {
                    Some((written, line, len)) => {
                        i += len;
                        let is_macro = tokens.get(i).is_some_and(|t| is_punct(t, '!'))
                            && matches!(tokens.get(i + 1), Some(TokenTree::Group(g)) if g.delimiter() != Delimiter::None);
                        if is_macro {
                            let canon = self.map.resolve(&self.scope, &written);
                            self.push(line, written.to_string(), Target::Macro(canon));
                        } else if after_dot && written.segments.len() == 1 {
                            let name = written.segments[0].clone();
                            self.push(line, name.clone(), Target::Method(name));
                        } else {
                            self.path(written, line);
                        }
                    }
                    None => i += 1,
                },
            }
        }
    }
}

fn is_punct(token: &TokenTree, c: char) -> bool {
    matches!(token, TokenTree::Punct(p) if p.as_char() == c)
}

/// A path at the start of `tokens` (`::a::b`, `$crate::a`, `a`): what it says, its line and how
/// many tokens it spans.
fn token_path(tokens: &[TokenTree]) -> Option<(Written, usize, usize)> {
    let is_sep = |i: usize| {
        matches!(tokens.get(i), Some(TokenTree::Punct(p)) if p.as_char() == ':' && p.spacing() == Spacing::Joint)
            && tokens.get(i + 1).is_some_and(|t| is_punct(t, ':'))
    };
    let mut i = 0;
    let leading_colon = is_sep(0);
    if leading_colon {
        i = 2;
    }
    let mut segments = Vec::new();
    let mut line = 0;
    loop {
        let ident = match tokens.get(i) {
            Some(TokenTree::Punct(p)) if p.as_char() == '$' && segments.is_empty() => {
                match tokens.get(i + 1) {
                    Some(TokenTree::Ident(id)) if id == "crate" => {
                        line = line_of(p.span());
                        i += 1;
                        "$crate".to_string()
                    }
                    _ => return None,
                }
            }
            Some(TokenTree::Ident(id)) => {
                if segments.is_empty() {
                    line = line_of(id.span());
                }
                id.to_string()
            }
            _ => break,
        };
        segments.push(ident);
        i += 1;
        if is_sep(i) && matches!(tokens.get(i + 2), Some(TokenTree::Ident(_))) {
            i += 2;
        } else {
            break;
        }
    }
    (!segments.is_empty()).then_some((
        Written {
            leading_colon,
            segments,
        },
        line,
        i,
    ))
}

impl<'ast> Visit<'ast> for Collector<'_> {
    // Attributes (doc comments among them) are not code; the review flags read them apart.
    fn visit_attribute(&mut self, _: &'ast syn::Attribute) {}

    fn visit_path(&mut self, path: &'ast syn::Path) {
        if let Some(first) = path.segments.first() {
            self.path(Written::of_path(path), line_of(first.ident.span()));
        }
        visit::visit_path(self, path);
    }

    fn visit_expr_path(&mut self, e: &'ast syn::ExprPath) {
        self.qualified(e.qself.as_ref(), &e.path);
    }

    fn visit_type_path(&mut self, t: &'ast syn::TypePath) {
        self.qualified(t.qself.as_ref(), &t.path);
    }

    fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
        let name = call.method.to_string();
        self.push(
            line_of(call.method.span()),
            name.clone(),
            Target::Method(name),
        );
        visit::visit_expr_method_call(self, call);
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        if let Some(first) = mac.path.segments.first() {
            let written = Written::of_path(&mac.path);
            let canon = self.map.resolve(&self.scope, &written);
            self.push(
                line_of(first.ident.span()),
                written.to_string(),
                Target::Macro(canon),
            );
        }
        self.tokens(mac.tokens.clone());
    }

    fn visit_lit_str(&mut self, lit: &'ast syn::LitStr) {
        self.push(
            line_of(lit.span()),
            lit.token().to_string(),
            Target::Text(lit.value()),
        );
    }

    fn visit_lit_byte_str(&mut self, lit: &'ast syn::LitByteStr) {
        let text = String::from_utf8_lossy(&lit.value()).into_owned();
        self.push(
            line_of(lit.span()),
            lit.token().to_string(),
            Target::Text(text),
        );
    }

    fn visit_item_use(&mut self, item: &'ast syn::ItemUse) {
        for entry in entries_of_use(item) {
            self.path(entry.path, entry.line);
        }
    }

    fn visit_item_mod(&mut self, m: &'ast syn::ItemMod) {
        let inner = Scope::module(&[self.scope.module.as_slice(), &[m.ident.to_string()]].concat());
        let outer = std::mem::replace(&mut self.scope, inner);
        visit::visit_item_mod(self, m);
        self.scope = outer;
    }

    fn visit_item_impl(&mut self, imp: &'ast syn::ItemImpl) {
        let self_ty = self_type(self.map, &self.scope, &imp.self_ty);
        let outer = std::mem::replace(&mut self.scope.self_ty, self_ty);
        visit::visit_item_impl(self, imp);
        self.scope.self_ty = outer;
    }
}

impl Collector<'_> {
    /// `<T as Trait>::f` resolves `Trait::f`; `<T>::f` is a method of an unknown `T`.
    fn qualified(&mut self, qself: Option<&syn::QSelf>, path: &syn::Path) {
        match qself {
            Some(q) if q.position == 0 => {
                self.visit_type(&q.ty);
                for segment in &path.segments {
                    self.visit_path_arguments(&segment.arguments);
                }
                if let Some(last) = path.segments.last() {
                    let name = last.ident.to_string();
                    self.push(
                        line_of(last.ident.span()),
                        name.clone(),
                        Target::Method(name),
                    );
                }
            }
            Some(q) => {
                self.visit_type(&q.ty);
                self.visit_path(path);
            }
            None => self.visit_path(path),
        }
    }
}

/// The resolved path of an `impl` block's self type, when it is a path.
pub fn self_type(map: &CrateMap, scope: &Scope, ty: &syn::Type) -> Option<Canon> {
    match ty {
        syn::Type::Path(p) if p.qself.is_none() => {
            Some(map.resolve(scope, &Written::of_path(&p.path)))
        }
        _ => None,
    }
}

/// A lesson's exercises file, parsed, with the map of the crate around it.
pub struct ExercisesFile {
    /// The file's text.
    pub text: String,
    /// The parsed file.
    pub file: syn::File,
    /// The crate's modules.
    pub map: CrateMap,
    /// The exercises' module path (`[exercises]` in a lesson; `[]` when they are the crate root).
    pub module: Vec<String>,
}

impl ExercisesFile {
    /// Reads `path` as module `module` of the crate `crate_name` whose sources are in `src_dir`.
    /// `Ok(None)` if the file does not parse: the compiler will say why.
    pub fn load(
        src_dir: &Path,
        crate_name: &str,
        module: &[&str],
        path: &Path,
    ) -> anyhow::Result<Option<Self>> {
        let text =
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        Self::from_text(src_dir, crate_name, module, text)
    }

    /// Like [`ExercisesFile::load`], with the file's text given.
    pub fn from_text(
        src_dir: &Path,
        crate_name: &str,
        module: &[&str],
        text: String,
    ) -> anyhow::Result<Option<Self>> {
        let Ok(file) = syn::parse_file(&text) else {
            return Ok(None);
        };
        let module: Vec<String> = module.iter().map(|s| s.to_string()).collect();
        let map = CrateMap::load(src_dir, crate_name, &module, &file)?;
        Ok(Some(ExercisesFile {
            text,
            file,
            map,
            module,
        }))
    }

    /// Line `line` of the file, trimmed and cut to about 80 characters.
    pub fn excerpt(&self, line: usize) -> String {
        let text = self
            .text
            .lines()
            .nth(line.saturating_sub(1))
            .unwrap_or("")
            .trim();
        if text.chars().count() > 80 {
            format!("{}…", text.chars().take(79).collect::<String>())
        } else {
            text.to_string()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lesson() -> std::path::PathBuf {
        crate::workspace::root().join("xtask/fixtures/audit/lesson/src")
    }

    fn exercises(text: &str) -> ExercisesFile {
        ExercisesFile::from_text(&lesson(), "lesson", &["exercises"], text.to_string())
            .unwrap()
            .unwrap()
    }

    fn resolve(file: &ExercisesFile, path: &str) -> String {
        file.map
            .resolve(&Scope::module(&file.module), &Written::parse(path))
            .join("::")
    }

    #[test]
    fn imports_of_every_shape_resolve_to_the_definition() {
        let file = exercises(
            "use crate::escape::escape_count as ec;\n\
             use crate::{escape::{self as esc, render_rows}, pool::{ThreadPool as P}};\n\
             use super::escape::*;\n\
             extern crate self as me;\n\
             pub fn mine() {}\n",
        );
        for (written, expected) in [
            ("ec", "crate::escape::escape_count"),
            ("esc::escape_count", "crate::escape::escape_count"),
            ("render_rows", "crate::escape::render_rows"),
            ("P::new", "crate::pool::ThreadPool::new"),
            ("crate::ThreadPool", "crate::pool::ThreadPool"),
            (
                "lesson::escape::escape_count",
                "crate::escape::escape_count",
            ),
            ("::lesson::ThreadPool", "crate::pool::ThreadPool"),
            ("me::escape", "crate::escape"),
            ("self::mine", "crate::exercises::mine"),
            ("mine", "crate::exercises::mine"),
            ("escape_count", "crate::escape::escape_count"),
            ("std::process::exit", "std::process::exit"),
            ("Vec::new", "Vec::new"),
        ] {
            assert_eq!(resolve(&file, written), expected, "{written}");
        }
    }

    #[test]
    fn a_local_item_shadows_a_glob() {
        let file = exercises("use crate::escape::*;\npub fn escape_count() -> u32 { 0 }\n");
        assert_eq!(
            resolve(&file, "escape_count"),
            "crate::exercises::escape_count"
        );
        assert_eq!(resolve(&file, "render_rows"), "crate::escape::render_rows");
    }

    #[test]
    fn the_crate_defines_what_its_modules_declare() {
        let file = exercises("pub fn mine() {}\n");
        let defines = |p: &str| {
            file.map
                .defines(&file.map.resolve(&Scope::module(&[]), &Written::parse(p)))
        };
        assert!(defines("crate::escape"));
        assert!(defines("crate::escape::escape_count"));
        assert!(
            defines("crate::ThreadPool::new"),
            "a method of a re-exported type"
        );
        assert!(defines("crate::exercises::mine"));
        assert!(!defines("crate::escape::no_such_thing"));
        assert!(!defines("crate::no_such_module::f"));
        assert!(
            defines("std::anything"),
            "outside the crate: taken on trust"
        );
    }

    #[test]
    fn references_inside_macros_and_bodies_are_found() {
        let file = exercises(
            "pub fn f() {\n\
                 use crate::escape as e;\n\
                 println!(\"{}\", e::escape_count(0.0, 0.0, 1));\n\
                 let s = \"/proc/self/status\";\n\
                 s.len();\n\
             }\n",
        );
        let syn::Item::Fn(_) = &file.file.items[0] else {
            panic!()
        };
        let node = Node::Item(&file.file.items[0]);
        let scope = Scope::module(&file.module).with_inner_items(node);
        let refs = references(&file.map, &scope, node);
        let has = |t: &Target, line| refs.iter().any(|r| &r.target == t && r.line == line);
        let canon = |p: &str| p.split("::").map(str::to_string).collect::<Canon>();
        assert!(
            has(&Target::Path(canon("crate::escape"), vec![]), 2),
            "{refs:#?}"
        );
        assert!(has(&Target::Macro(canon("println")), 3), "{refs:#?}");
        assert!(
            has(
                &Target::Path(canon("crate::escape::escape_count"), vec![]),
                3
            ),
            "{refs:#?}"
        );
        assert!(
            has(&Target::Text("/proc/self/status".into()), 4),
            "{refs:#?}"
        );
        assert!(has(&Target::Method("len".into()), 5), "{refs:#?}");
    }
}

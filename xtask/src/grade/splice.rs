//! Splicing items into an exercises file: a known-wrong answer into the solutions (the
//! self-test), an original stub into a student's answers (`cargo xtask reset`). Items are matched
//! by kind and name, and replaced as text, so everything else in the file (comments included)
//! stays as it was.

use super::manifest;
use anyhow::{Context, bail};
use syn::spanned::Spanned as _;

/// `base` with `patch`'s items in place of its own: a function, struct, enum, trait impl, const or
/// static replaces `base`'s item of the same name; a method of an inherent `impl` replaces the
/// method of that name; a `use` or an item `base` lacks is added at the end.
pub fn splice(base_text: &str, patch_text: &str) -> anyhow::Result<String> {
    let base = syn::parse_file(base_text).context("parsing the file to change")?;
    let patch = syn::parse_file(patch_text).context("parsing the items to put in")?;
    // (byte range in `solutions`, replacement text), applied back to front.
    let mut edits: Vec<(std::ops::Range<usize>, String)> = Vec::new();
    let mut appended = Vec::new();
    let text_of =
        |item: &dyn syn::spanned::Spanned| patch_text[item.span().byte_range()].to_string();
    for item in &patch.items {
        if let syn::Item::Impl(imp) = item
            && imp.trait_.is_none()
        {
            for member in &imp.items {
                let syn::ImplItem::Fn(method) = member else {
                    bail!("an inherent impl to splice in may only hold methods");
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
    let mut out = base_text.to_string();
    for (range, text) in edits {
        out.replace_range(range, &text);
    }
    for text in appended {
        out.truncate(out.trim_end().len());
        out.push_str("\n\n");
        out.push_str(&text);
    }
    if !out.ends_with('\n') {
        out.push('\n');
    }
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
            if imp.trait_.is_none() && manifest::self_type_is(&imp.self_ty, &type_name) =>
        {
            imp.items.iter().find_map(|member| match member {
                syn::ImplItem::Fn(m) if m.sig.ident == *name => Some(m.span().byte_range()),
                _ => None,
            })
        }
        _ => None,
    })
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
}

//! The exercises as the student's loop shows them: in teaching order, each with its title, the
//! first lines of its task and where it is, read from the lesson's `src/exercises.rs`.

use crate::grade::manifest::{self, Manifest};
use anyhow::Context;
use std::path::{Path, PathBuf};

/// One exercise of the course.
#[derive(Debug, Clone)]
pub struct Exercise {
    /// The lesson crate.
    pub lesson: String,
    /// The lesson's number in the course.
    pub lesson_number: u32,
    /// The lesson's title.
    pub lesson_title: String,
    /// The item of `src/exercises.rs`.
    pub item: String,
    /// Its number in its lesson, from 1.
    pub number: usize,
    /// How many exercises its lesson has.
    pub of: usize,
    /// The task's first sentence.
    pub title: String,
    /// The rest of the task's first paragraph, one line per source line.
    pub task: Vec<String>,
    /// The file, relative to the workspace root.
    pub file: PathBuf,
    /// The item's line in that file (1-based; 0 if the item is missing).
    pub line: usize,
    /// Points its tests are worth.
    pub max_points: u32,
    /// Its hints, level 1 then level 2.
    pub hints: Vec<String>,
}

impl Exercise {
    /// `file:line`, the way compilers print a place.
    pub fn place(&self) -> String {
        format!("{}:{}", self.file.display(), self.line)
    }

    /// "Lesson 1 (Threads basics)".
    pub fn lesson_heading(&self) -> String {
        format!("Lesson {} ({})", self.lesson_number, self.lesson_title)
    }

    /// `lesson/item`: unambiguous even if two lessons had an item of the same name.
    pub fn id(&self) -> String {
        format!("{}/{}", self.lesson, self.item)
    }
}

/// Every exercise of the manifest, in teaching order, described from the sources under `tree`.
pub fn exercises(tree: &Path, manifest: &Manifest) -> anyhow::Result<Vec<Exercise>> {
    let mut out = Vec::new();
    for lesson in crate::lessons::all()? {
        let specs: Vec<&manifest::Exercise> = manifest.exercises_of(&lesson.name).collect();
        if specs.is_empty() {
            continue;
        }
        let file = Path::new("crates")
            .join(&lesson.name)
            .join("src/exercises.rs");
        let source = std::fs::read_to_string(tree.join(&file))
            .with_context(|| format!("reading {}", file.display()))?;
        // A file that does not parse still lists its exercises, without their text.
        let parsed = syn::parse_file(&source).ok();
        for (i, spec) in specs.iter().enumerate() {
            let (doc, line) = parsed
                .as_ref()
                .and_then(|f| doc_and_line(f, &spec.item))
                .unwrap_or_default();
            let (title, task) = split_task(&doc, &spec.item);
            out.push(Exercise {
                lesson: lesson.name.clone(),
                lesson_number: lesson.number,
                lesson_title: lesson.title.clone(),
                item: spec.item.clone(),
                number: i + 1,
                of: specs.len(),
                title,
                task,
                file: file.clone(),
                line,
                max_points: spec.tests.iter().map(|t| t.points).sum(),
                hints: spec.hints.clone(),
            });
        }
    }
    Ok(out)
}

/// The exercise a student names: `item`, or `lesson/item` when two lessons share the name.
/// `Err` lists the closest names.
pub fn find<'a>(exercises: &'a [Exercise], name: &str) -> Result<&'a Exercise, String> {
    let matches: Vec<&Exercise> = exercises
        .iter()
        .filter(|e| e.item == name || e.id() == name)
        .collect();
    match matches.as_slice() {
        [one] => Ok(one),
        [] => {
            let mut scored: Vec<(f64, &Exercise)> = exercises
                .iter()
                .map(|e| {
                    let score = strsim::jaro_winkler(&e.item.to_lowercase(), &name.to_lowercase());
                    (score, e)
                })
                .collect();
            scored.sort_by(|a, b| b.0.total_cmp(&a.0));
            let closest: Vec<String> = scored.iter().take(3).map(|(_, e)| e.id()).collect();
            Err(format!(
                "there is no exercise `{name}`; the closest are: {}",
                closest.join(", ")
            ))
        }
        many => Err(format!(
            "`{name}` is an exercise of several lessons: say which, e.g. {}",
            many.iter().map(|e| e.id()).collect::<Vec<_>>().join(" or ")
        )),
    }
}

/// The doc comment and line of the item named `item` (a function or a type).
fn doc_and_line(file: &syn::File, item: &str) -> Option<(String, usize)> {
    file.items.iter().find_map(|it| {
        let (attrs, ident) = match it {
            syn::Item::Fn(f) => (&f.attrs, &f.sig.ident),
            syn::Item::Struct(s) => (&s.attrs, &s.ident),
            syn::Item::Enum(e) => (&e.attrs, &e.ident),
            _ => return None,
        };
        (ident == item).then(|| (doc_of(attrs), ident.span().start().line))
    })
}

/// The text of `///` comments.
fn doc_of(attrs: &[syn::Attribute]) -> String {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("doc"))
        .filter_map(|a| match &a.meta {
            syn::Meta::NameValue(nv) => match &nv.value {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) => Some(s.value()),
                _ => None,
            },
            _ => None,
        })
        .map(|line| line.strip_prefix(' ').unwrap_or(&line).to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The task's first sentence (without its "Exercise N:" label), and the rest of its first
/// paragraph. Without a doc comment, the item's name stands for the title.
fn split_task(doc: &str, item: &str) -> (String, Vec<String>) {
    let paragraph: String = doc
        .lines()
        .take_while(|l| !l.trim().is_empty() && !l.trim_start().starts_with("```"))
        .collect::<Vec<_>>()
        .join(" ")
        .replace("**", "");
    if paragraph.trim().is_empty() {
        return (item.to_string(), Vec::new());
    }
    // Drop the label: "Exercise 2: …", "Exercise 2 — …".
    let text = match paragraph.trim().strip_prefix("Exercise") {
        Some(rest) => rest
            .trim_start_matches(|c: char| c.is_ascii_digit() || c.is_whitespace())
            .trim_start_matches([':', '—', '-'])
            .trim_start(),
        None => paragraph.trim(),
    };
    let end = sentence_end(text);
    let title = text[..end].trim().trim_end_matches('.').to_string();
    let rest = text[end..].trim();
    (title, wrap(rest, 76))
}

/// The byte index just past the first sentence of `text` (a period followed by a space or the end,
/// outside backticks).
fn sentence_end(text: &str) -> usize {
    let mut in_code = false;
    let bytes = text.as_bytes();
    for (i, c) in text.char_indices() {
        match c {
            '`' => in_code = !in_code,
            '.' if !in_code && bytes.get(i + 1).is_none_or(|b| *b == b' ') => return i + 1,
            _ => {}
        }
    }
    text.len()
}

/// `text` cut into lines of at most `width` characters, at spaces.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_exercise_of_the_course_has_a_title_and_a_place() {
        let root = crate::workspace::root();
        let manifest = Manifest::load(&root.join("grading.toml")).unwrap();
        let all = exercises(&root, &manifest).unwrap();
        assert_eq!(all.len(), manifest.exercises.len());
        for e in &all {
            assert!(e.line > 0, "{} is not in its file", e.id());
            assert!(
                !e.title.is_empty() && e.title.len() < 200,
                "{}: {}",
                e.id(),
                e.title
            );
            assert!(!e.title.starts_with("Exercise"), "{}: {}", e.id(), e.title);
        }
    }

    #[test]
    fn titles_lose_their_label_and_keep_their_first_sentence() {
        let doc = "**Exercise 2: a parallel sum.** Return the sum of `f(i)` for\nevery `i`.\n\n```\ncode\n```";
        let (title, task) = split_task(doc, "parallel_sum");
        assert_eq!(title, "a parallel sum");
        assert_eq!(task, ["Return the sum of `f(i)` for every `i`."]);
        let (title, _) = split_task(
            "Exercise 5 — a parallel reduce whose chunk size matters.",
            "x",
        );
        assert_eq!(title, "a parallel reduce whose chunk size matters");
        let (title, _) = split_task("Run `exe child square <n>` and print.\nMore.", "x");
        assert_eq!(title, "Run `exe child square <n>` and print");
        assert_eq!(split_task("", "item").0, "item");
    }

    #[test]
    fn unknown_names_get_the_closest_ones() {
        let e = |lesson: &str, item: &str| Exercise {
            lesson: lesson.into(),
            lesson_number: 1,
            lesson_title: "L".into(),
            item: item.into(),
            number: 1,
            of: 1,
            title: String::new(),
            task: Vec::new(),
            file: PathBuf::new(),
            line: 1,
            max_points: 1,
            hints: Vec::new(),
        };
        let all = [
            e("a", "parallel_sum"),
            e("a", "scoped_map"),
            e("b", "scoped_map"),
        ];
        assert_eq!(find(&all, "parallel_sum").unwrap().item, "parallel_sum");
        assert_eq!(find(&all, "b/scoped_map").unwrap().lesson, "b");
        assert!(
            find(&all, "scoped_map")
                .unwrap_err()
                .contains("a/scoped_map or b/scoped_map")
        );
        let err = find(&all, "paralel_sum").unwrap_err();
        assert!(
            err.starts_with("there is no exercise") && err.contains("a/parallel_sum"),
            "{err}"
        );
    }

    #[test]
    fn wrapping_keeps_words_whole() {
        assert_eq!(wrap("aa bb cc", 5), ["aa bb", "cc"]);
        assert!(wrap("", 5).is_empty());
    }
}

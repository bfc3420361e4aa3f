//! The score: a table on the terminal, `report.json` for machines, `report.md` for CI summaries.
//!
//! # `report.json` schema (version 2)
//!
//! ```text
//! {
//!   "schema": 2,
//!   "mode": "student" | "solutions" | "fork",
//!   "source": string,            // what was graded: the workspace path or the fork's location
//!   "points": u32, "max_points": u32,
//!   "sandbox": {                 // what confined the tests (see xtask/src/grade/sandbox.rs);
//!     "mode": "auto" | "require" | "off",     // absent in reports written before it existed
//!     "layers": [{ "name": string, "status": "in_force" | "partial" | "missing" | "off",
//!                  "detail": string }]
//!   },
//!   "lessons": [{
//!     "lesson": string, "points": u32, "max_points": u32,
//!     "tests": [{
//!       "name": string, "exercise": string,
//!       "status": "passed" | "failed" | "not_attempted" | "timed_out" | "crashed"
//!               | "compile_error" | "forbidden",
//!       "points": u32, "max_points": u32, "seconds": f64,
//!       "detail": string,          // why it did not pass (empty when passed)
//!       "hint": string
//!     }],
//!     "flags": [{                  // review flags: for a teacher's eyes, they cost no points
//!       "line": usize,             // in the lesson's exercises file
//!       "kind": "unsafe" | "extern" | "symbol" | "exit" | "include" | "env" | "proc" | "fd"
//!             | "process",
//!       "item": string,            // the item it is in (`use` for an import)
//!       "excerpt": string          // that line of code, trimmed and cut short
//!     }]
//!   }]
//! }
//! ```
//!
//! Version 2 added the status `forbidden` (the exercise's answer uses a path grading.toml forbids;
//! its tests were not run) and each lesson's `flags` (the kinds its `[allow]` entry in grading.toml
//! lists are left out). Fields are only ever added within a schema version, never renamed or
//! removed.

use super::flags::Flag;
use super::runner::{Status, TestResult};
use super::sandbox::{self, SandboxReport};
use serde::{Deserialize, Serialize};
use std::fmt::Write as _;

/// The score of one lesson.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LessonReport {
    /// The lesson crate.
    pub lesson: String,
    /// Points earned.
    pub points: u32,
    /// Points available.
    pub max_points: u32,
    /// Each graded test, in manifest order.
    pub tests: Vec<TestResult>,
    /// Review flags of its exercises file, in line order (none allowed for the lesson).
    #[serde(default)]
    pub flags: Vec<Flag>,
}

impl LessonReport {
    /// Totals the results of a lesson.
    pub fn new(lesson: &str, tests: Vec<TestResult>) -> Self {
        Self {
            lesson: lesson.to_string(),
            points: tests.iter().map(|t| t.points).sum(),
            max_points: tests.iter().map(|t| t.max_points).sum(),
            tests,
            flags: Vec::new(),
        }
    }
}

/// The whole score (serialised as `report.json`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Report {
    /// Schema version of this JSON.
    pub schema: u32,
    /// `student`, `solutions` or `fork`.
    pub mode: String,
    /// What was graded.
    pub source: String,
    /// Points earned.
    pub points: u32,
    /// Points available.
    pub max_points: u32,
    /// What confined the tests (`None` in a report written before the sandbox existed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sandbox: Option<SandboxReport>,
    /// Per lesson.
    pub lessons: Vec<LessonReport>,
}

impl Report {
    /// Totals the lessons.
    pub fn new(
        mode: &str,
        source: String,
        sandbox: SandboxReport,
        lessons: Vec<LessonReport>,
    ) -> Self {
        Self {
            schema: 2,
            mode: mode.to_string(),
            source,
            points: lessons.iter().map(|l| l.points).sum(),
            max_points: lessons.iter().map(|l| l.max_points).sum(),
            sandbox: Some(sandbox),
            lessons,
        }
    }

    /// Every review flag, one line each (`ipc line 14: unsafe in increment_shared`), for a
    /// gradebook's row.
    pub fn review_flags(&self) -> Vec<String> {
        self.lessons
            .iter()
            .flat_map(|l| {
                l.flags.iter().map(move |f| {
                    format!(
                        "{} line {}: {} in {}",
                        l.lesson,
                        f.line,
                        f.kind.name(),
                        f.item
                    )
                })
            })
            .collect()
    }

    /// The table printed on the terminal.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for lesson in &self.lessons {
            let width = lesson
                .tests
                .iter()
                .map(|t| t.name.len())
                .max()
                .unwrap_or(4)
                .max(4);
            let _ = writeln!(
                out,
                "\n{} — {}/{} points",
                lesson.lesson, lesson.points, lesson.max_points
            );
            let _ = writeln!(out, "  {:width$}  {:13}  {:>6}", "test", "status", "points");
            for t in &lesson.tests {
                let points = format!("{}/{}", t.points, t.max_points);
                let _ = writeln!(
                    out,
                    "  {:width$}  {:13}  {points:>6}",
                    t.name,
                    t.status.label()
                );
                if t.status != Status::Passed {
                    for line in t.detail.lines() {
                        let _ = writeln!(out, "  {:width$}    | {line}", "");
                    }
                    let _ = writeln!(out, "  {:width$}    hint: {}", "", t.hint);
                }
            }
            if !lesson.flags.is_empty() {
                let _ = writeln!(
                    out,
                    "  review flags (for a teacher to look at; no points lost):"
                );
                for f in &lesson.flags {
                    let _ = writeln!(
                        out,
                        "    line {:<4} {:8} {}: {}",
                        f.line,
                        f.kind.name(),
                        f.item,
                        f.excerpt
                    );
                }
            }
        }
        if let Some(sandbox) = &self.sandbox {
            let _ = writeln!(out, "\nSandbox ({}):", sandbox.mode_label());
            for layer in &sandbox.layers {
                let _ = writeln!(
                    out,
                    "  {:17}  {:8}  {}",
                    layer.name,
                    status_label(layer.status),
                    layer.detail
                );
            }
        }
        let _ = writeln!(out, "\nTotal: {}/{} points", self.points, self.max_points);
        out
    }

    /// The Markdown report, for a CI job summary.
    pub fn to_markdown(&self) -> String {
        let mut out = format!("# Grade: {}/{} points\n\n", self.points, self.max_points);
        let _ = writeln!(out, "Mode: `{}`; graded: `{}`.\n", self.mode, self.source);
        for lesson in &self.lessons {
            let _ = writeln!(
                out,
                "## {} — {}/{}\n",
                lesson.lesson, lesson.points, lesson.max_points
            );
            out.push_str("| test | status | points | why / hint |\n|---|---|---|---|\n");
            for t in &lesson.tests {
                let icon = if t.status == Status::Passed {
                    "✅"
                } else {
                    "❌"
                };
                let why = if t.status == Status::Passed {
                    String::new()
                } else {
                    let first = t.detail.lines().next().unwrap_or("");
                    format!("{} — *hint:* {}", md_cell(first), md_cell(&t.hint))
                };
                let _ = writeln!(
                    out,
                    "| `{}` | {icon} {} | {}/{} | {why} |",
                    t.name,
                    t.status.label(),
                    t.points,
                    t.max_points
                );
            }
            if !lesson.flags.is_empty() {
                out.push_str(
                    "\n**Review flags** (for a teacher to look at; no points lost):\n\n\
                     | line | flag | item | code |\n|---|---|---|---|\n",
                );
                for f in &lesson.flags {
                    let _ = writeln!(
                        out,
                        "| {} | `{}` | `{}` | `{}` |",
                        f.line,
                        f.kind.name(),
                        md_cell(&f.item),
                        md_cell(&f.excerpt).replace('`', "'")
                    );
                }
            }
            out.push('\n');
        }
        if let Some(sandbox) = &self.sandbox {
            let _ = writeln!(
                out,
                "## Sandbox ({})\n\n| layer | status | what it guarantees, or why not |\n|---|---|---|",
                sandbox.mode_label()
            );
            for layer in &sandbox.layers {
                let _ = writeln!(
                    out,
                    "| {} | {} | {} |",
                    layer.name,
                    status_label(layer.status),
                    md_cell(&layer.detail)
                );
            }
        }
        out
    }
}

fn status_label(status: sandbox::Status) -> &'static str {
    match status {
        sandbox::Status::InForce => "in force",
        sandbox::Status::Partial => "PARTIAL",
        sandbox::Status::Missing => "MISSING",
        sandbox::Status::Off => "off",
    }
}

fn md_cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grade::flags::FlagKind;

    fn report() -> Report {
        let test = TestResult {
            name: "escape_count_of_known_points".into(),
            exercise: "escape_count".into(),
            status: Status::Forbidden,
            points: 0,
            max_points: 2,
            seconds: 0.0,
            detail: "`escape_count` uses the lesson's own `crate::escape::escape_count` (line 7)"
                .into(),
            hint: "write the loop".into(),
        };
        let mut lesson = LessonReport::new("mandelbrot", vec![test]);
        lesson.flags = vec![Flag {
            line: 12,
            kind: FlagKind::Unsafe,
            item: "escape_count".into(),
            excerpt: "let x = unsafe { `y` };".into(),
        }];
        let sandbox = crate::grade::sandbox::SandboxReport {
            mode: crate::grade::sandbox::Mode::Off,
            layers: Vec::new(),
        };
        Report::new("student", "here".into(), sandbox, vec![lesson])
    }

    #[test]
    fn forbidden_tests_and_flags_appear_in_every_report() {
        let report = report();
        let json: serde_json::Value = serde_json::to_value(&report).unwrap();
        assert_eq!(json["schema"], 2);
        let lesson = &json["lessons"][0];
        assert_eq!(lesson["tests"][0]["status"], "forbidden");
        assert_eq!(lesson["flags"][0]["kind"], "unsafe");
        assert_eq!(lesson["flags"][0]["line"], 12);
        assert_eq!(lesson["flags"][0]["item"], "escape_count");

        let text = report.to_text();
        assert!(
            text.contains("FORBIDDEN") && text.contains("line 7"),
            "{text}"
        );
        assert!(
            text.contains("review flags") && text.contains("line 12"),
            "{text}"
        );

        assert_eq!(
            report.review_flags(),
            ["mandelbrot line 12: unsafe in escape_count"]
        );

        let markdown = report.to_markdown();
        assert!(markdown.contains("❌ FORBIDDEN"), "{markdown}");
        assert!(
            markdown.contains("| 12 | `unsafe` | `escape_count` | `let x = unsafe { 'y' };` |"),
            "{markdown}"
        );
    }
}

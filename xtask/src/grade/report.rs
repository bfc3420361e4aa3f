//! The score: a table on the terminal, `report.json` for machines, `report.md` for CI summaries.
//!
//! # `report.json` schema (version 1)
//!
//! ```text
//! {
//!   "schema": 1,
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
//!       "status": "passed" | "failed" | "not_attempted" | "timed_out" | "crashed" | "compile_error",
//!       "points": u32, "max_points": u32, "seconds": f64,
//!       "detail": string,          // why it did not pass (empty when passed)
//!       "hint": string
//!     }]
//!   }]
//! }
//! ```
//!
//! Fields are only ever added within a schema version, never renamed or removed.

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
}

impl LessonReport {
    /// Totals the results of a lesson.
    pub fn new(lesson: &str, tests: Vec<TestResult>) -> Self {
        Self {
            lesson: lesson.to_string(),
            points: tests.iter().map(|t| t.points).sum(),
            max_points: tests.iter().map(|t| t.max_points).sum(),
            tests,
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
            schema: 1,
            mode: mode.to_string(),
            source,
            points: lessons.iter().map(|l| l.points).sum(),
            max_points: lessons.iter().map(|l| l.max_points).sum(),
            sandbox: Some(sandbox),
            lessons,
        }
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

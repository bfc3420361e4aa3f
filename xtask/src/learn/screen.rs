//! What the student's loop shows, as lines of text: pure functions of the standing, so that the
//! plain commands (`next`, `list`) and the interactive screen print the same things, and tests can
//! read them. Every line fits in 80 columns; the interactive screen fits in 24 lines.

use super::course::{Exercise, wrap};
use super::progress::{Progress, Standing, State};
use crate::grade::runner::{Status, TestResult};
use std::fmt::Write as _;

/// The screen's width and height: a plain terminal's.
pub const WIDTH: usize = 80;
/// See [`WIDTH`].
pub const HEIGHT: usize = 24;

/// `next`, and `learn` without a terminal: the exercise at `at` (or "all done"), with its place,
/// its task, its tests' last results and its first hint.
pub fn plain(standing: &Standing, at: Option<usize>) -> String {
    let mut out = String::new();
    match at {
        Some(i) => {
            let (exercise, progress) = (&standing.exercises[i], &standing.progress[i]);
            let _ = writeln!(out, "Next: {}", heading(exercise));
            let _ = writeln!(out, "  {}", exercise.title);
            let _ = writeln!(out, "  {}", exercise.place());
            for line in &exercise.task {
                let _ = writeln!(out, "  {line}");
            }
            let _ = writeln!(out, "  state: {}", progress.state.label());
            for line in test_lines(progress) {
                let _ = writeln!(out, "  {line}");
            }
            if let Some(hint) = &exercise.hints.first() {
                for (k, line) in wrap(&format!("hint: {hint}"), WIDTH - 2)
                    .into_iter()
                    .enumerate()
                {
                    let _ = writeln!(out, "{}{line}", if k == 0 { "  " } else { "        " });
                }
            }
        }
        None => {
            let _ = writeln!(out, "All done: every exercise passes its tests.");
        }
    }
    let _ = writeln!(out, "{}", totals_line(standing));
    out
}

/// `list`: every exercise with its state and points, lesson by lesson, and the totals.
pub fn list(standing: &Standing) -> String {
    let mut out = String::new();
    let mut lesson = "";
    let width = standing
        .exercises
        .iter()
        .map(|e| e.item.len())
        .max()
        .unwrap_or(8)
        .min(36);
    for (e, p) in standing.exercises.iter().zip(&standing.progress) {
        if e.lesson != lesson {
            lesson = &e.lesson;
            let (points, max) = lesson_points(standing, lesson);
            let _ = writeln!(
                out,
                "\n{:<70}{:>10}",
                e.lesson_heading(),
                format!("{points}/{max}")
            );
        }
        let _ = writeln!(
            out,
            "  {:>2}  {:width$}  {:16}  {:>5}",
            e.number,
            e.item,
            p.state.label(),
            format!("{}/{}", p.points, e.max_points)
        );
    }
    let _ = writeln!(out, "\n{}", totals_line(standing));
    out
}

/// What the interactive screen shows besides the standing.
#[derive(Debug, Clone, Default)]
pub struct View {
    /// The exercise on screen.
    pub at: usize,
    /// How many hint levels to show (0, 1 or 2).
    pub hints: usize,
    /// The list of every exercise instead of the exercise.
    pub listing: bool,
    /// A line about what is going on ("checking…", "saved", an error).
    pub status: String,
}

/// The interactive screen: at most [`HEIGHT`] lines of at most [`WIDTH`] characters.
pub fn screen(standing: &Standing, view: &View) -> Vec<String> {
    let footer = [
        view.status.clone(),
        progress_bar(standing),
        "n next   h hint   l list   r re-run   q quit".to_string(),
    ];
    let room = HEIGHT - footer.len();
    let body = if view.listing {
        list(standing).lines().map(str::to_string).collect()
    } else {
        exercise_body(standing, view)
    };
    let mut lines: Vec<String> = body.into_iter().take(room).collect();
    lines.resize(room, String::new());
    lines.extend(footer);
    lines
        .into_iter()
        .map(|l| l.chars().take(WIDTH).collect())
        .collect()
}

fn exercise_body(standing: &Standing, view: &View) -> Vec<String> {
    let (e, p) = (&standing.exercises[view.at], &standing.progress[view.at]);
    let mut head = vec![
        heading(e),
        format!("  {}", e.title),
        format!("  {}", e.place()),
        String::new(),
    ];
    let mut task: Vec<String> = e.task.iter().map(|l| format!("  {l}")).collect();
    let mut tests = vec![String::new()];
    tests.extend(test_lines(p).into_iter().map(|l| format!("  {l}")));
    let mut failure = Vec::new();
    if let Some(first) = p.results.iter().find(|r| r.status != Status::Passed) {
        failure.push(String::new());
        failure.push(format!("  {} {}:", first.status.label(), first.name));
        failure.extend(first.detail.lines().take(4).map(|l| format!("    {l}")));
    }
    if p.state == State::Done {
        failure.push(String::new());
        failure.push(format!(
            "  Done: {}/{} points. Press n for the next exercise.",
            p.points, e.max_points
        ));
    }
    let mut hints = Vec::new();
    for (level, hint) in e.hints.iter().enumerate().take(view.hints) {
        hints.push(String::new());
        hints.extend(
            wrap(&format!("hint {}: {hint}", level + 1), WIDTH - 4)
                .into_iter()
                .map(|l| format!("  {l}")),
        );
    }
    // When it does not all fit, the task's text gives way first: its file:line is on screen.
    let room = HEIGHT - 3;
    let fixed = head.len() + tests.len() + failure.len() + hints.len();
    task.truncate(room.saturating_sub(fixed).min(6));
    head.append(&mut task);
    head.append(&mut tests);
    head.append(&mut failure);
    head.append(&mut hints);
    head
}

/// "Lesson 1 (Threads basics), exercise 2 of 6: parallel_sum".
fn heading(e: &Exercise) -> String {
    format!(
        "{}, exercise {} of {}: {}",
        e.lesson_heading(),
        e.number,
        e.of,
        e.item
    )
}

/// One line per test: its state, name and points.
fn test_lines(progress: &Progress) -> Vec<String> {
    progress
        .results
        .iter()
        .map(|r: &TestResult| {
            format!(
                "{:13}  {:52} {:>5}",
                r.status.label(),
                r.name,
                format!("{}/{}", r.points, r.max_points)
            )
        })
        .collect()
}

fn lesson_points(standing: &Standing, lesson: &str) -> (u32, u32) {
    standing
        .exercises
        .iter()
        .zip(&standing.progress)
        .filter(|(e, _)| e.lesson == lesson)
        .fold((0, 0), |(p, m), (e, pr)| (p + pr.points, m + e.max_points))
}

fn totals_line(standing: &Standing) -> String {
    let (done, all, points, max) = standing.totals();
    format!("Progress: {done}/{all} exercises done, {points}/{max} points.")
}

/// `[#####------] 3/31 exercises · 12/95 points`, 80 columns wide.
fn progress_bar(standing: &Standing) -> String {
    let (done, all, points, max) = standing.totals();
    let label = format!(" {done}/{all} exercises · {points}/{max} points");
    let width = WIDTH - 2 - label.chars().count();
    let filled = (width * done).checked_div(all).unwrap_or(0);
    format!(
        "[{}{}]{label}",
        "#".repeat(filled),
        "-".repeat(width - filled)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn standing() -> Standing {
        let exercise = |item: &str, number| Exercise {
            lesson: "threads-basics".into(),
            lesson_number: 1,
            lesson_title: "Threads basics".into(),
            item: item.into(),
            number,
            of: 2,
            title: "a parallel sum".into(),
            task: (0..12)
                .map(|i| format!("line {i} of a long task"))
                .collect(),
            file: PathBuf::from("crates/threads-basics/src/exercises.rs"),
            line: 41,
            max_points: 3,
            hints: vec!["look at the chunks ".repeat(8), "use thread::scope".into()],
        };
        let failed = TestResult {
            name: "parallel_sum_really_uses_that_many_threads_at_once".into(),
            exercise: "parallel_sum".into(),
            status: Status::TimedOut,
            points: 0,
            max_points: 2,
            seconds: 10.0,
            detail: "did not finish within 10s\nsecond line\nthird\nfourth\nfifth".into(),
            hint: String::new(),
        };
        Standing {
            exercises: vec![exercise("run_named", 1), exercise("parallel_sum", 2)],
            progress: vec![
                Progress {
                    state: State::Done,
                    points: 3,
                    results: Vec::new(),
                },
                Progress {
                    state: State::Failing,
                    points: 0,
                    results: vec![failed],
                },
            ],
        }
    }

    #[test]
    fn the_screen_fits_a_plain_terminal() {
        let s = standing();
        for view in [
            View {
                at: 1,
                hints: 2,
                listing: false,
                status: "x".repeat(200),
            },
            View {
                at: 0,
                hints: 0,
                listing: true,
                status: String::new(),
            },
        ] {
            let lines = screen(&s, &view);
            assert_eq!(lines.len(), HEIGHT);
            assert!(
                lines.iter().all(|l| l.chars().count() <= WIDTH),
                "{lines:#?}"
            );
        }
    }

    #[test]
    fn a_failing_exercise_shows_its_first_failure_and_the_hints_asked_for() {
        let s = standing();
        let text = screen(
            &s,
            &View {
                at: 1,
                hints: 1,
                ..View::default()
            },
        )
        .join("\n");
        assert!(
            text.contains("TIMED OUT parallel_sum_really_uses"),
            "{text}"
        );
        assert!(text.contains("hint 1: look at the chunks"), "{text}");
        assert!(!text.contains("hint 2"), "{text}");
        assert!(text.contains("[########"), "one of two done: {text}");
        let text = screen(
            &s,
            &View {
                at: 1,
                hints: 2,
                ..View::default()
            },
        )
        .join("\n");
        assert!(text.contains("hint 2: use thread::scope"), "{text}");
    }

    #[test]
    fn next_names_the_place_and_the_first_hint() {
        let text = plain(&standing(), Some(1));
        assert!(text.contains("exercise 2 of 2: parallel_sum"), "{text}");
        assert!(
            text.contains("crates/threads-basics/src/exercises.rs:41"),
            "{text}"
        );
        assert!(text.contains("hint: look at the chunks"), "{text}");
        assert!(plain(&standing(), None).starts_with("All done"));
    }
}

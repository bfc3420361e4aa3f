//! The interactive loop of `cargo xtask learn`: one exercise on screen, re-graded on every save of
//! its file, keys for the next exercise, hints, the list, a re-run and quitting.
//!
//! Three threads feed one channel: the terminal's keys, the file watcher's saves and the grading
//! worker's results. The screen thread never waits for grading, so a deadlocked answer costs the
//! student its tests' time limits, never a frozen terminal; quitting kills any test still running.

use super::Course;
use super::progress::{Book, State};
use super::screen::{self, View};
use crate::grade::manifest;
use crate::grade::runner::TestResult;
use crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use crossterm::style::Stylize as _;
use crossterm::{cursor, execute, queue, terminal};
use notify::Watcher as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};

/// How long the file must stay quiet after a save before it is graded: editors often write a
/// file in several steps.
const DEBOUNCE: Duration = Duration::from_millis(300);

enum Message {
    Key(KeyEvent),
    Resized,
    Saved,
    Graded {
        generation: u64,
        key: u64,
        results: anyhow::Result<Vec<TestResult>>,
    },
}

/// A request to the grading worker: one exercise of one lesson.
struct Request {
    generation: u64,
    lesson: String,
    item: String,
}

/// Runs the loop until the student quits.
pub fn run(course: &Course, start: Option<usize>) -> anyhow::Result<ExitCode> {
    println!("Checking where you stand …");
    let mut standing = course.standing(true)?;
    let mut book = Book::load(&course.root.join("target"));
    let mut view = View {
        at: start.or(standing.next_unsolved()).unwrap_or(0),
        ..View::default()
    };
    let (tx, rx) = mpsc::channel();
    spawn_key_reader(tx.clone());
    let mut watcher = notify::recommended_watcher({
        let tx = tx.clone();
        move |event: notify::Result<notify::Event>| {
            let saved = event.is_ok_and(|e| {
                !e.kind.is_access() && e.paths.iter().any(|p| p.ends_with("exercises.rs"))
            });
            if saved {
                let _ = tx.send(Message::Saved);
            }
        }
    })?;
    let mut watched: Option<PathBuf> = None;
    let color = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let _terminal = Terminal::enter()?;

    let mut grader = Grader {
        requests: spawn_worker(course, tx.clone()),
        generation: 0,
        running: false,
        again: false,
    };
    let mut saved_at: Option<Instant> = None;
    let mut drawn: Vec<String> = Vec::new();
    view.status = status_of(&standing.progress[view.at].state);
    if standing.progress[view.at].state == State::Unchecked {
        grader.request(&standing.exercises[view.at]);
        view.status = "checking …".into();
    }
    loop {
        let dir = course
            .root
            .join(&standing.exercises[view.at].file)
            .parent()
            .map(Path::to_path_buf);
        if dir != watched {
            if let Some(old) = watched.take() {
                let _ = watcher.unwatch(&old);
            }
            if let Some(new) = &dir {
                watcher.watch(new, notify::RecursiveMode::NonRecursive)?;
            }
            watched = dir;
        }
        let lines = screen::screen(&standing, &view);
        if lines != drawn {
            draw(&lines, color)?;
            drawn = lines;
        }
        let message = match rx.recv_timeout(Duration::from_millis(100)) {
            Ok(m) => Some(m),
            Err(mpsc::RecvTimeoutError::Timeout) => None,
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        };
        match message {
            Some(Message::Key(key)) if key.kind != KeyEventKind::Release => match key.code {
                KeyCode::Char('q') | KeyCode::Esc => break,
                KeyCode::Char('c') if key.modifiers.contains(KeyModifiers::CONTROL) => break,
                KeyCode::Char('n') => {
                    if view.at + 1 < standing.exercises.len() {
                        view = View {
                            at: view.at + 1,
                            ..View::default()
                        };
                        view.status = status_of(&standing.progress[view.at].state);
                        if standing.progress[view.at].state == State::Unchecked {
                            grader.request(&standing.exercises[view.at]);
                            view.status = "checking …".into();
                        }
                    } else {
                        view.status = "That was the last exercise of the course.".into();
                    }
                }
                KeyCode::Char('h') => view.hints = (view.hints + 1).min(2),
                KeyCode::Char('l') => view.listing = !view.listing,
                KeyCode::Char('r') => {
                    grader.request(&standing.exercises[view.at]);
                    view.status = "checking …".into();
                }
                _ => {}
            },
            Some(Message::Resized) => drawn.clear(),
            Some(Message::Key(_)) => {}
            Some(Message::Saved) => {
                saved_at = Some(Instant::now());
                view.status = "saved: checking …".into();
            }
            Some(Message::Graded {
                generation: done,
                key,
                results,
            }) => {
                grader.running = false;
                if done == grader.generation {
                    let exercise = &standing.exercises[view.at];
                    match results {
                        Ok(results) => {
                            book.record(&exercise.lesson, key, &results);
                            book.save();
                            let source = std::fs::read_to_string(course.root.join(&exercise.file))
                                .unwrap_or_default();
                            let progress = book.progress(exercise, key, &source);
                            if progress.state == State::Failing && view.hints == 0 {
                                view.hints = 1;
                            }
                            view.status = status_of(&progress.state);
                            standing.progress[view.at] = progress;
                        }
                        Err(err) => view.status = format!("could not grade: {err:#}"),
                    }
                }
                if std::mem::take(&mut grader.again) {
                    grader.request(&standing.exercises[view.at]);
                }
            }
            None => {}
        }
        if saved_at.is_some_and(|t| t.elapsed() >= DEBOUNCE) {
            saved_at = None;
            let exercise = &standing.exercises[view.at];
            let source =
                std::fs::read_to_string(course.root.join(&exercise.file)).unwrap_or_default();
            if manifest::is_stub(&source, &exercise.item) == Some(true) {
                standing.progress[view.at] = book.progress(exercise, 0, &source);
                view.status = status_of(&State::NotAttempted);
            } else {
                grader.request(&standing.exercises[view.at]);
            }
        }
    }
    // Tests still running belong to this session: none may outlive it.
    crate::process::cancel_all();
    Ok(ExitCode::SUCCESS)
}

/// The screen's side of the grading worker.
struct Grader {
    requests: mpsc::Sender<Request>,
    /// The number of the newest request: only its results are shown.
    generation: u64,
    /// Whether the worker is busy.
    running: bool,
    /// Whether to grade again once it is done (a save came in while it was busy).
    again: bool,
}

impl Grader {
    fn request(&mut self, exercise: &super::course::Exercise) {
        if self.running {
            self.again = true;
            return;
        }
        self.generation += 1;
        let _ = self.requests.send(Request {
            generation: self.generation,
            lesson: exercise.lesson.clone(),
            item: exercise.item.clone(),
        });
        self.running = true;
    }
}

fn status_of(state: &State) -> String {
    match state {
        State::Done => "Done. Press n for the next exercise.".into(),
        State::Failing => "Not yet: edit the exercise and save, or press h for a hint.".into(),
        State::NotAttempted => "Not attempted: write your answer in the file and save.".into(),
        State::Unchecked => "checking …".into(),
    }
}

fn spawn_key_reader(tx: mpsc::Sender<Message>) {
    std::thread::spawn(move || {
        while let Ok(event) = crossterm::event::read() {
            let message = match event {
                Event::Key(key) => Message::Key(key),
                Event::Resize(..) => Message::Resized,
                _ => continue,
            };
            if tx.send(message).is_err() {
                break;
            }
        }
    });
}

/// The grading worker: grades one exercise per request, newest request first.
fn spawn_worker(course: &Course, tx: mpsc::Sender<Message>) -> mpsc::Sender<Request> {
    let (requests, inbox) = mpsc::channel::<Request>();
    let root = course.root.clone();
    let manifest = course.manifest.clone();
    let sandbox = Arc::clone(&course.sandbox);
    std::thread::spawn(move || {
        while let Ok(mut request) = inbox.recv() {
            // Only the newest request matters: older ones are for a screen that moved on.
            while let Ok(newer) = inbox.try_recv() {
                request = newer;
            }
            let tree = root.clone();
            let key = super::progress::key(&tree, &request.lesson).unwrap_or_default();
            let results = crate::grade::grade_exercises(
                &root,
                &manifest,
                &request.lesson,
                &[request.item.as_str()],
                1,
                &sandbox,
            );
            let message = Message::Graded {
                generation: request.generation,
                key,
                results,
            };
            if tx.send(message).is_err() {
                break;
            }
        }
    });
    requests
}

/// Whether the loop has the terminal in raw mode on the alternate screen.
static TAKEN: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Gives the terminal back as it was, if the loop had taken it (also called when a signal stops
/// the runner, whose `Drop`s then never run).
pub fn give_back_terminal() {
    if TAKEN.swap(false, std::sync::atomic::Ordering::SeqCst) {
        let _ = execute!(
            std::io::stdout(),
            cursor::Show,
            terminal::LeaveAlternateScreen
        );
        let _ = terminal::disable_raw_mode();
    }
}

/// Raw mode and the alternate screen while the loop runs; the terminal as it was after.
struct Terminal;

impl Terminal {
    fn enter() -> anyhow::Result<Terminal> {
        TAKEN.store(true, std::sync::atomic::Ordering::SeqCst);
        terminal::enable_raw_mode()?;
        execute!(
            std::io::stdout(),
            terminal::EnterAlternateScreen,
            cursor::Hide
        )?;
        Ok(Terminal)
    }
}

impl Drop for Terminal {
    fn drop(&mut self) {
        give_back_terminal();
    }
}

/// Draws the screen's lines, coloured unless `NO_COLOR` is set.
fn draw(lines: &[String], color: bool) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    queue!(
        out,
        cursor::MoveTo(0, 0),
        terminal::Clear(terminal::ClearType::All)
    )?;
    for (i, line) in lines.iter().enumerate() {
        if i > 0 {
            out.write_all(b"\r\n")?;
        }
        let trimmed = line.trim_start();
        if !color {
            out.write_all(line.as_bytes())?;
        } else if i == 0 {
            queue!(out, crossterm::style::Print(line.as_str().bold()))?;
        } else if trimmed.starts_with("passed") || trimmed.starts_with("Done") {
            queue!(out, crossterm::style::Print(line.as_str().green()))?;
        } else if [
            "FAILED",
            "TIMED OUT",
            "CRASHED",
            "COMPILE ERROR",
            "not attempted",
        ]
        .iter()
        .any(|s| trimmed.starts_with(s))
        {
            queue!(out, crossterm::style::Print(line.as_str().red()))?;
        } else {
            out.write_all(line.as_bytes())?;
        }
    }
    out.flush()?;
    Ok(())
}

//! `--python`: times the Python ports of the seeds' own versions (in `python/`) on the same work,
//! so the report can set "what the lecture's Python does" beside each Rust strategy.
//!
//! The ports need numpy and numba (the seeds use both); without them the column is skipped and
//! the report says why. The downloader port fetches from the downloader lesson's own local server
//! (`downloader serve`), the one its Rust benches use.

use super::report::{LessonReport, PythonResult, PythonStatus, attach_python};
use crate::process::{self, Ending, Output};
use crate::workspace;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// Runs the ports for the lessons in `reports` and fills their Python columns.
pub fn run(
    interpreter: &str,
    reports: &mut [LessonReport],
    quick: bool,
    profile: &str,
) -> PythonStatus {
    let wanted: Vec<String> = reports
        .iter()
        .map(|r| r.lesson.clone())
        .filter(|l| crate::lessons::get(l).is_ok_and(|l| l.python))
        .collect();
    if wanted.is_empty() {
        return status("skipped", "none of the lessons asked for has a Python port");
    }
    if let Err(why) = check_interpreter(interpreter) {
        println!("\nxtask bench-all: --python: {why}; skipping the Python column");
        return status("skipped", &why);
    }
    let mut notes = Vec::new();
    let needs_server = |l: &str| crate::lessons::get(l).is_ok_and(|l| l.python_server);
    // One server serves every port that needs one: the lesson's own `serve` subcommand.
    let server = match wanted.iter().find(|l| needs_server(l)) {
        Some(lesson) => match Server::start(lesson, profile) {
            Ok(server) => Some(server),
            Err(why) => {
                notes.push(format!("{lesson} skipped: {why}"));
                None
            }
        },
        None => None,
    };
    let lessons: Vec<&str> = wanted
        .iter()
        .map(String::as_str)
        .filter(|l| !needs_server(l) || server.is_some())
        .collect();
    let results = match time_ports(
        interpreter,
        &lessons,
        quick,
        server.as_ref().map(|s| s.url.as_str()),
    ) {
        Ok(results) => results,
        Err(why) => return status("skipped", &format!("the Python ports failed: {why}")),
    };
    drop(server);
    for report in reports.iter_mut() {
        report.python = results
            .iter()
            .filter(|r| r.lesson == report.lesson)
            .cloned()
            .collect();
        attach_python(report);
    }
    let mut message = format!(
        "{} timings of {} ({interpreter})",
        results.len(),
        lessons.join(", ")
    );
    for note in notes {
        message.push_str("; ");
        message.push_str(&note);
    }
    status("ran", &message)
}

fn status(status: &str, message: &str) -> PythonStatus {
    PythonStatus {
        status: status.into(),
        message: Some(message.into()),
    }
}

/// Whether `interpreter` runs and imports numpy and numba.
fn check_interpreter(interpreter: &str) -> Result<(), String> {
    let output = Command::new(interpreter)
        .args(["-c", "import numpy, numba"])
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("`{interpreter}` could not be started ({e})"))?;
    if output.status.success() {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    let last = stderr.lines().last().unwrap_or("").trim().to_string();
    Err(format!(
        "`{interpreter}` cannot import numpy and numba ({last})"
    ))
}

/// Runs `python/bench_seed.py` and reads its JSON lines.
fn time_ports(
    interpreter: &str,
    lessons: &[&str],
    quick: bool,
    server: Option<&str>,
) -> Result<Vec<PythonResult>, String> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let out = dir.path().join("python.jsonl");
    let script = workspace::root().join("python").join("bench_seed.py");
    let mut cmd = Command::new(interpreter);
    cmd.arg(&script)
        .arg("--lessons")
        .arg(lessons.join(","))
        .arg("--out")
        .arg(&out);
    if quick {
        cmd.arg("--quick");
    }
    if let Some(url) = server {
        cmd.arg("--server").arg(url);
    }
    println!(
        "\n==> bench-all: the seeds' Python ({})",
        lessons.join(", ")
    );
    let limit = Duration::from_secs(if quick { 300 } else { 1800 });
    let outcome = process::run(&mut cmd, limit, Output::Show).map_err(|e| e.to_string())?;
    match outcome.ending {
        Ending::Exited(0) => {}
        Ending::TimedOut => return Err(format!("no result within {limit:?}")),
        other => return Err(format!("{} ended with {other:?}", script.display())),
    }
    let text = std::fs::read_to_string(&out).map_err(|e| e.to_string())?;
    parse_results(&text)
}

/// One JSON object a line (see [`PythonResult`]).
fn parse_results(text: &str) -> Result<Vec<PythonResult>, String> {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).map_err(|e| format!("bad result line `{l}`: {e}")))
        .collect()
}

/// A lesson's local server (`<lesson> serve`: the downloader's), stopped on drop.
struct Server {
    child: Child,
    url: String,
}

impl Server {
    /// Builds and starts `<lesson> serve`; its first line naming `http://127.0.0.1:` is its URL.
    fn start(lesson: &str, profile: &str) -> Result<Server, String> {
        let mut build = workspace::cargo();
        build.args(["build", "--quiet", "-p", lesson, "--profile", profile]);
        crate::check::announce_and_run(&format!("bench-all: the {lesson} server"), &mut build)
            .map_err(|e| format!("{e:#}"))?;
        // Started directly, not through `cargo run`: a process we kill is then really the server.
        let exe = super::target_dir().join(profile_dir(profile)).join(lesson);
        let mut child = Command::new(&exe)
            // Its own deadline too, in case we are killed before we can stop it.
            .args(["serve", "--seconds", "1800"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| format!("could not start `{} serve`: {e}", exe.display()))?;
        let stdout = child.stdout.take().ok_or("no stdout")?;
        let mut server = Server {
            child,
            url: String::new(),
        };
        let mut lines = BufReader::new(stdout).lines();
        for line in lines.by_ref() {
            let line = line.map_err(|e| e.to_string())?;
            if let Some(url) = find_url(&line) {
                server.url = url;
                // Keep reading what it prints, so a full pipe never stalls it.
                std::thread::spawn(move || lines.for_each(drop));
                return Ok(server);
            }
        }
        Err(format!(
            "`{lesson} serve` ended without printing its address"
        ))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The folder of `target/` a profile builds into (`dev` and `test` share `debug`, `bench` uses
/// `release`).
fn profile_dir(profile: &str) -> &str {
    match profile {
        "dev" | "test" => "debug",
        "bench" => "release",
        other => other,
    }
}

/// `http://127.0.0.1:PORT` in a line of text, without what follows the port.
fn find_url(line: &str) -> Option<String> {
    let start = line.find("http://127.0.0.1:")?;
    let rest = &line[start + "http://127.0.0.1:".len()..];
    let port: String = rest.chars().take_while(char::is_ascii_digit).collect();
    (!port.is_empty()).then(|| format!("http://127.0.0.1:{port}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_server_address() {
        assert_eq!(
            find_url("serving on http://127.0.0.1:40123/ (Ctrl-C to stop)").as_deref(),
            Some("http://127.0.0.1:40123")
        );
        assert_eq!(find_url("starting..."), None);
    }

    #[test]
    fn reads_result_lines() {
        let text = r#"{"lesson":"pools","variant":"naive","workers":null,"items":5000,"seconds":0.5,"size":"1..=5000"}

{"lesson":"pools","variant":"processes","workers":2,"items":5000,"seconds":0.3,"size":"1..=5000"}"#;
        let results = parse_results(text).unwrap();
        assert_eq!(results.len(), 2);
        assert_eq!(results[1].workers, Some(2));
        assert!((results[0].per_second() - 10_000.0).abs() < 1e-9);
        assert!(parse_results("{not json").is_err());
    }

    #[test]
    fn a_missing_interpreter_is_a_reason_not_a_crash() {
        let why = check_interpreter("/nonexistent/python3").unwrap_err();
        assert!(why.contains("could not be started"));
    }
}

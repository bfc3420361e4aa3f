//! `cargo xtask bench-all --quick` on one small lesson, for real: criterion runs, and the report's
//! Markdown, JSON and chart must agree with each other and with the definitions they print.
//!
//! It builds the benches with the `dev` profile (`--profile dev`): `cargo test --workspace` has
//! already built their dependencies that way, so no release build of the workspace is needed.

use serde_json::Value;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Long enough to compile one bench binary on a busy 2-core machine; the run itself takes
/// about half a minute.
const LIMIT: Duration = Duration::from_secs(600);
const LESSON: &str = "threads-basics";

/// Runs xtask with a deadline on its whole process group (it starts cargo, which starts the
/// bench): nothing outlives the test, even on failure.
fn xtask(args: &[&str]) -> (Option<i32>, String) {
    let log = tempfile::NamedTempFile::new().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(log.reopen().unwrap())
        .stderr(log.reopen().unwrap())
        .process_group(0)
        .spawn()
        .expect("xtask starts");
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > LIMIT {
            // SAFETY: kill(2) on the process group we created; no memory is involved.
            unsafe { libc::kill(-(child.id() as i32), libc::SIGKILL) };
            let _ = child.wait();
            panic!("bench-all ran past {LIMIT:?}");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    (status.code(), std::fs::read_to_string(log.path()).unwrap())
}

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).expect("summary.json is JSON")
}

fn num(v: &Value) -> f64 {
    v.as_f64()
        .unwrap_or_else(|| panic!("expected a number, got {v}"))
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * a.abs().max(b.abs()).max(1e-12)
}

#[test]
fn quick_run_writes_a_complete_consistent_report() {
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().to_str().unwrap();
    let (code, log) = xtask(&[
        "bench-all",
        LESSON,
        "--quick",
        "--profile",
        "dev",
        "--out",
        dir,
    ]);
    assert_eq!(code, Some(0), "bench-all failed:\n{log}");

    let json = read_json(&out.path().join("summary.json"));
    let md = std::fs::read_to_string(out.path().join("summary.md")).unwrap();
    let svg = std::fs::read_to_string(out.path().join("speedup.svg")).unwrap();

    assert_eq!(json["schema_version"], 1);
    assert_eq!(json["mode"], "quick");
    assert_eq!(json["profile"], "dev");
    let machine = &json["machine"];
    let cores = machine["logical_cores"].as_u64().unwrap() as f64;
    assert!(cores >= 1.0 && machine["physical_cores"].as_u64().unwrap() >= 1);
    for field in ["cpu_model", "os", "rustc", "date"] {
        assert!(
            !machine[field].as_str().unwrap().is_empty(),
            "machine.{field} is empty"
        );
    }
    assert!(md.contains(&format!("{} logical", cores as u64)) && md.contains("quick"));
    assert!(md.contains(machine["rustc"].as_str().unwrap()));

    let lessons = json["lessons"].as_array().unwrap();
    assert_eq!(lessons.len(), 1, "only the lesson asked for");
    let lesson = &lessons[0];
    assert_eq!(lesson["lesson"], LESSON);
    assert_eq!(lesson["status"], "ran");
    let groups = lesson["groups"].as_array().unwrap();
    assert!(!groups.is_empty());
    let mut with_speedups = 0;
    for group in groups {
        with_speedups += check_group(group, lesson["unit"].as_str().unwrap(), cores, &md);
    }
    assert!(
        with_speedups > 0,
        "the lesson has a `sequential` baseline with parallel rows"
    );
    assert!(svg.starts_with("<svg") && svg.contains(LESSON) && svg.contains("ideal"));
}

/// Checks one group's rows against the definitions and the Markdown; returns how many rows
/// have a speedup with a worker count.
fn check_group(group: &Value, unit: &str, cores: f64, md: &str) -> usize {
    let name = group["group"].as_str().unwrap();
    assert!(name.starts_with(&format!("{LESSON}/")), "group `{name}`");
    assert!(
        md.contains(&format!("### {name}\n")),
        "summary.md has no table for {name}"
    );
    let rows = group["rows"].as_array().unwrap();
    assert!(!rows.is_empty());
    let baseline = rows
        .iter()
        .find(|r| Some(r["id"].as_str().unwrap()) == group["baseline"].as_str());
    let mut counted = 0;
    for row in rows {
        let id = row["id"].as_str().unwrap();
        let median = num(&row["median_ns"]);
        let [lo, hi] = [num(&row["median_ci_ns"][0]), num(&row["median_ci_ns"][1])];
        assert!(
            median > 0.0 && lo <= median * 1.000_001 && median <= hi * 1.000_001,
            "{id}: CI"
        );
        assert!(num(&row["mean_ns"]) > 0.0);
        assert!(
            md.contains(&format!("| `{}` |", row["strategy"].as_str().unwrap())),
            "{id} in md"
        );
        if let Some(rate) = row["throughput"].as_object() {
            assert_eq!(rate["unit"], unit);
            assert!(num(&rate["per_second"]) > 0.0);
        }
        let Some(base) = baseline else {
            assert!(
                row["speedup"].is_null(),
                "{id}: a speedup without a baseline"
            );
            continue;
        };
        let speedup = num(&row["speedup"]);
        assert!(
            close(speedup, num(&base["median_ns"]) / median),
            "{id}: speedup"
        );
        if let Some(workers) = row["workers"].as_f64() {
            let ideal = num(&row["ideal_speedup"]);
            assert!(close(ideal, workers.min(cores)), "{id}: ideal speedup");
            assert!(
                close(num(&row["efficiency"]), speedup / ideal),
                "{id}: efficiency"
            );
            assert!(
                md.contains(&format!("{speedup:.2}×")),
                "{id}: speedup in md"
            );
            counted += 1;
        }
    }
    // Work per iteration is the group's: throughput × time must be the same on every row.
    let work: Vec<f64> = rows
        .iter()
        .filter_map(|r| Some(r["throughput"]["per_second"].as_f64()? * num(&r["median_ns"])))
        .collect();
    assert!(
        work.windows(2).all(|w| (w[0] - w[1]).abs() <= 1e-6 * w[0]),
        "{name}: throughput"
    );
    counted
}

#[test]
fn bad_input_exits_with_code_2_before_running_anything() {
    let (code, log) = xtask(&["bench-all", "no-such-lesson", "--quick"]);
    assert!(code == Some(2) && log.contains("unknown lesson"), "{log}");
    let (code, log) = xtask(&["bench-all", LESSON, "--compare", "never-saved-xyz"]);
    assert!(
        code == Some(2) && log.contains("no baseline `never-saved-xyz`"),
        "{log}"
    );
    let (code, log) = xtask(&["bench-all", LESSON, "--baseline", "../escape"]);
    assert!(code == Some(2) && log.contains("baseline name"), "{log}");
}

//! Each demo's report: the demo does its work, checks it, and says so.

use std::path::Path;
use std::time::Duration;

use pools::{demos, granularity, monte_carlo, timeline};
use testkit::{assert_says, deadline};

const LIMIT: Duration = Duration::from_secs(60);

#[test]
fn the_hand_made_pool_runs_every_job_and_survives_a_panic() {
    let section = deadline(LIMIT, || demos::hand_made_pool().unwrap());
    for job in 0..8 {
        assert_says(&section, &[&format!("job {job} ran on worker")]);
    }
    assert_says(
        &section,
        &[
            "= Ok(42)",
            "Panicked",
            "4 of 4 workers alive",
            "shutdown_now",
        ],
    );
}

#[test]
fn the_api_demos_return_every_result() {
    let report = deadline(LIMIT, || demos::api(None).unwrap());
    let titles: Vec<_> = report.sections.iter().map(|s| s.title.as_str()).collect();
    assert_eq!(
        titles,
        [
            "map()",
            "map_async()",
            "imap()",
            "imap_unordered()",
            "submit() + as_completed()",
            "starmap()"
        ]
    );
    let squares =
        "[(1, 1), (2, 4), (3, 9), (4, 16), (5, 25), (6, 36), (7, 49), (8, 64), (9, 81), (10, 100)]";
    assert_says(&report.sections[0], &[squares]);
    assert_says(&report.sections[1], &[squares]);
    assert_says(&report.sections[4], &["apply_async"]);
    assert_says(&report.sections[5], &["[Ok(4950), Ok(14950), Ok(24950)]"]);
    assert_says(&report, &["When to use which", "apply_async"]);
}

#[test]
fn the_api_demo_maps_on_processes() {
    let exe = Path::new(env!("CARGO_BIN_EXE_pools"));
    let section = deadline(LIMIT, move || demos::map_on_processes(exe).unwrap());
    assert_says(&section, &["(10, 100)]", "from processes"]);
}

#[test]
fn the_granularity_demo_checks_every_sum() {
    let report = deadline(LIMIT, || granularity::demo(20_000, 2).unwrap());
    assert_eq!(report.rows.len(), 5);
    assert!(report.all_correct());
    assert_eq!(report.to_string().matches('✓').count(), 5);
}

#[test]
fn the_pi_demo_is_reproducible() {
    let report = deadline(LIMIT, || monte_carlo::demo(10_000, 2, 7).unwrap());
    assert!(report.reproducible());
    assert_eq!(report.one_thread.value, monte_carlo::sequential(10_000, 7));
    assert_says(&report, &["the same: one seeded generator per worker"]);
}

#[test]
fn the_timeline_demo_draws_every_panel() {
    let dir = std::env::temp_dir().join(format!("pools-timeline-demo-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let config = timeline::Config {
        out: dir.join("timeline.svg"),
        workers: 2,
        tasks: 3,
    };
    let exe = Path::new(env!("CARGO_BIN_EXE_pools"));
    let (report, svg) = deadline(LIMIT, move || {
        let report = timeline::demo(&config, Some(exe));
        let svg = std::fs::read_to_string(&config.out);
        std::fs::remove_dir_all(config.out.parent().unwrap()).unwrap();
        (report.unwrap(), svg.unwrap())
    });
    assert_eq!(report.panels.len(), 5);
    assert!(report.panels.iter().all(|p| p.spans.len() == 3));
    assert_says(&report, &["CPU-bound, 2 processes", "wrote "]);
    assert!(svg.starts_with("<svg"));
}

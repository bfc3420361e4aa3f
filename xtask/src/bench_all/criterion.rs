//! Reading criterion's machine-readable output.
//!
//! For every benchmark it ran, criterion writes two files in
//! `<criterion home>/<group>/<function>[/<parameter>]/new/`:
//! - `benchmark.json`: the ids (`group_id`, `function_id`, `value_str`, `full_id`) and the
//!   `throughput` the bench declared (`{"Elements": n}`, `{"Bytes": n}`, ...);
//! - `estimates.json`: the statistics, in nanoseconds per iteration (`mean`, `median`, `slope`,
//!   ...), each a `point_estimate` with a 95 % `confidence_interval`.
//!
//! The directory names are sanitised (`/` in a group name becomes `_`), so we walk the tree and
//! trust the ids inside `benchmark.json`, never the path.

use anyhow::Context;
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// What a benchmark's work amounts to per iteration, as the bench declared it.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
pub enum Throughput {
    /// Bytes per iteration (reported in MB/s, 1 MB = 10^6 bytes).
    Bytes(u64),
    /// Bytes per iteration, which criterion prints with decimal prefixes.
    BytesDecimal(u64),
    /// Bits per iteration.
    Bits(u64),
    /// Items per iteration (pixels, jobs, requests...: the lesson names the unit).
    Elements(u64),
}

/// `benchmark.json`: who the benchmark is.
#[derive(Debug, Clone, Deserialize)]
pub struct BenchmarkId {
    /// The group (`<lesson>/<what>`), or the bench's own name when it has no group.
    pub group_id: String,
    /// The function id inside the group: the strategy (`sequential`, `threads`, `rayon`...).
    pub function_id: Option<String>,
    /// The parameter: a worker count where it applies (`4`), or a size (`1 MiB`).
    pub value_str: Option<String>,
    /// `group/function/parameter`, as criterion prints it.
    pub full_id: String,
    /// The work per iteration, if the bench declared it.
    pub throughput: Option<Throughput>,
}

/// One statistic with its confidence interval, in nanoseconds.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
pub struct Estimate {
    /// The 95 % confidence interval (criterion's default confidence level).
    pub confidence_interval: Interval,
    /// The estimate itself.
    pub point_estimate: f64,
}

/// A confidence interval.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
pub struct Interval {
    /// Lower bound (ns).
    pub lower_bound: f64,
    /// Upper bound (ns).
    pub upper_bound: f64,
}

/// `estimates.json`: the statistics we use (criterion writes more).
#[derive(Debug, Clone, Copy, Deserialize)]
pub struct Estimates {
    /// Mean time per iteration.
    pub mean: Estimate,
    /// Median time per iteration: robust against the odd slow sample on a shared machine.
    pub median: Estimate,
}

/// One benchmark's ids and statistics.
#[derive(Debug, Clone)]
pub struct Measurement {
    /// Who it is.
    pub id: BenchmarkId,
    /// What it measured.
    pub estimates: Estimates,
}

/// Reads every benchmark under `home` whose results were written at or after `since` (a
/// criterion home keeps the results of earlier runs; only the fresh ones belong to this run).
pub fn read_fresh(home: &Path, since: SystemTime) -> anyhow::Result<Vec<Measurement>> {
    let mut found = Vec::new();
    for dir in new_dirs(home)? {
        let bench_file = dir.join("benchmark.json");
        let modified = std::fs::metadata(&bench_file)
            .and_then(|m| m.modified())
            .with_context(|| format!("reading the date of {}", bench_file.display()))?;
        if modified < since {
            continue;
        }
        found.push(read_measurement(&dir)?);
    }
    found.sort_by(|a, b| a.id.full_id.cmp(&b.id.full_id));
    Ok(found)
}

/// Reads `benchmark.json` and `estimates.json` from one `new/` directory.
pub fn read_measurement(dir: &Path) -> anyhow::Result<Measurement> {
    let read = |name: &str| {
        let path = dir.join(name);
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))
    };
    let id: BenchmarkId = serde_json::from_str(&read("benchmark.json")?)
        .with_context(|| format!("parsing {}/benchmark.json", dir.display()))?;
    let estimates: Estimates = serde_json::from_str(&read("estimates.json")?)
        .with_context(|| format!("parsing {}/estimates.json", dir.display()))?;
    Ok(Measurement { id, estimates })
}

/// Every `new/` directory holding a `benchmark.json` under `root` (none if `root` is missing).
fn new_dirs(root: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut dirs = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => continue,
            Err(err) => return Err(err).with_context(|| format!("listing {}", dir.display())),
        };
        for entry in entries {
            let path = entry?.path();
            if !path.is_dir() {
                continue;
            }
            if path.file_name().is_some_and(|n| n == "new") && path.join("benchmark.json").is_file()
            {
                dirs.push(path);
            } else {
                stack.push(path);
            }
        }
    }
    Ok(dirs)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The exact text criterion 0.8.2 wrote for `BenchmarkId::new("threads", 2)` in a group
    /// `demo/work` with `Throughput::Elements(10_000)`.
    pub(crate) const BENCHMARK_JSON: &str = r#"{"group_id":"demo/work","function_id":"threads","value_str":"2","throughput":{"Elements":10000},"full_id":"demo/work/threads/2","directory_name":"demo_work/threads/2","title":"demo/work/threads/2"}"#;
    pub(crate) const ESTIMATES_JSON: &str = r#"{"mean":{"confidence_interval":{"confidence_level":0.95,"lower_bound":107381.4326171875,"upper_bound":110837.83666992188},"point_estimate":109109.63464355469,"standard_error":1223.729696452728},"median":{"confidence_interval":{"confidence_level":0.95,"lower_bound":107381.4326171875,"upper_bound":110837.83666992188},"point_estimate":109109.63464355469,"standard_error":1223.729696452728},"median_abs_dev":{"confidence_interval":{"confidence_level":0.95,"lower_bound":0.0,"upper_bound":2562.232278803276},"point_estimate":2562.232278803276,"standard_error":1281.117523020735},"slope":null,"std_dev":{"confidence_interval":{"confidence_level":0.95,"lower_bound":0.0,"upper_bound":2444.0467442091417},"point_estimate":2444.0467442091417,"standard_error":1222.0246919023646}}"#;

    #[test]
    fn parses_criterion_files() {
        let id: BenchmarkId = serde_json::from_str(BENCHMARK_JSON).unwrap();
        assert_eq!(id.group_id, "demo/work");
        assert_eq!(id.function_id.as_deref(), Some("threads"));
        assert_eq!(id.value_str.as_deref(), Some("2"));
        assert_eq!(id.throughput, Some(Throughput::Elements(10_000)));
        let est: Estimates = serde_json::from_str(ESTIMATES_JSON).unwrap();
        assert!((est.median.point_estimate - 109_109.634).abs() < 1e-2);
        assert!(est.median.confidence_interval.lower_bound < est.median.point_estimate);
    }

    #[test]
    fn a_bench_without_group_or_throughput_parses() {
        let text = r#"{"group_id":"lonely","function_id":null,"value_str":null,"throughput":null,"full_id":"lonely","directory_name":"lonely","title":"lonely"}"#;
        let id: BenchmarkId = serde_json::from_str(text).unwrap();
        assert_eq!(id.function_id, None);
        assert_eq!(id.throughput, None);
    }

    #[test]
    fn walks_the_tree_and_skips_stale_results() {
        let home = tempfile::tempdir().unwrap();
        let fresh = home.path().join("demo_work/threads/2/new");
        let stale = home.path().join("demo_work/threads/4/new");
        for dir in [&stale, &fresh] {
            std::fs::create_dir_all(dir).unwrap();
            std::fs::write(dir.join("estimates.json"), ESTIMATES_JSON).unwrap();
        }
        std::fs::write(stale.join("benchmark.json"), BENCHMARK_JSON).unwrap();
        std::fs::write(fresh.join("benchmark.json"), BENCHMARK_JSON).unwrap();
        // Criterion's own `base/` copy must not be read twice.
        let base = home.path().join("demo_work/threads/2/base");
        std::fs::create_dir_all(&base).unwrap();
        std::fs::write(base.join("benchmark.json"), BENCHMARK_JSON).unwrap();
        // File times come from a coarse clock: set them rather than sleep and hope.
        let since = SystemTime::now();
        let touch = |path: PathBuf, time: SystemTime| {
            let file = std::fs::File::options().write(true).open(path).unwrap();
            file.set_modified(time).unwrap();
        };
        touch(
            stale.join("benchmark.json"),
            since - std::time::Duration::from_secs(60),
        );
        touch(
            fresh.join("benchmark.json"),
            since + std::time::Duration::from_secs(1),
        );

        let all = read_fresh(home.path(), SystemTime::UNIX_EPOCH).unwrap();
        assert_eq!(all.len(), 2);
        let fresh_only = read_fresh(home.path(), since).unwrap();
        assert_eq!(fresh_only.len(), 1);
        assert!(
            read_fresh(&home.path().join("missing"), since)
                .unwrap()
                .is_empty()
        );
    }
}

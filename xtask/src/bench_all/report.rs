//! The report's figures: criterion's measurements turned into speedups, efficiencies and
//! throughputs, in the shape `summary.json` stores (see the schema in [`Summary`]).

use super::criterion::{Measurement, Throughput};
use super::machine::Machine;
use serde::{Deserialize, Serialize};

pub use crate::lessons::{Bound, Parameter};

/// The version of the `summary.json` layout; bumped when a field changes meaning.
pub const SCHEMA_VERSION: u32 = 1;

/// The function id every group compares its strategies with.
pub const BASELINE_STRATEGY: &str = "sequential";

/// `summary.json`, the whole report. Its schema (version 1), field by field:
///
/// ```text
/// schema_version   1
/// mode             "quick" | "thorough"
/// profile          the cargo profile the benches were built with ("bench" unless told)
/// machine          { logical_cores, physical_cores, cpu_model, os, rustc, date (UTC ISO 8601) }
/// lessons[]        one per lesson asked for, in teaching order:
///   lesson         "mandelbrot"
///   status         "ran" | "no_bench" (no benches/benches/<lesson>.rs) | "failed" (see message)
///   message        why it did not run, or null
///   bound          "cpu" | "io": what limits the work, which sets the ideal speedup
///   unit           the unit of its element throughput, e.g. "pixel-iterations/s"
///   parameter      what its benches' parameters count: "workers" or "bytes" (ipc: message size)
///   elapsed_s      wall-clock seconds its `cargo bench` took (build included), or null
///   groups[]       one per criterion group, e.g. "mandelbrot/render"
///     group        the group id
///     baseline     full id of the `sequential` bench the speedups divide by, or null
///     rows[]       one per benchmark, sorted by strategy then workers
///       id              criterion's full id, "mandelbrot/render/rayon/4"
///       strategy        the function id, "rayon"
///       parameter       the parameter as criterion prints it, "4", or null
///       workers         the parameter as a worker count (an integer, in a lesson whose
///                       parameter is "workers"), or null
///       median_ns       median time per iteration, nanoseconds
///       median_ci_ns    [lower, upper] 95 % confidence interval of the median, nanoseconds
///       mean_ns         mean time per iteration, nanoseconds
///       throughput      { per_second, unit } or null when the bench declared none;
///                       elements in the lesson's unit, bytes in "MB/s" (10^6 B), bits in "Mbit/s"
///       speedup         baseline median / this median, or null without a baseline
///       ideal_speedup   workers for io-bound lessons, min(workers, logical_cores) for cpu-bound
///       efficiency      speedup / ideal_speedup (1.0 = perfect scaling), or null
///       python          { variant, workers, per_second } the seed's Python at the same worker
///                       count (from `--python`), or null
///       change          { baseline_median_ns, ratio, verdict } against `--compare`, or null;
///                       ratio = median / baseline median; verdict "faster" | "slower" | "noise"
///   python[]       every Python timing of the lesson (see python/README.md), may be empty
/// python           { status: "ran" | "skipped" | "not_requested", message }
/// compare          { baseline, baseline_date, noise_threshold, same_machine } or null
/// ```
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Summary {
    /// Always [`SCHEMA_VERSION`] when written by this version.
    pub schema_version: u32,
    /// Quick (smoke) or thorough run.
    pub mode: Mode,
    /// The cargo profile the benches ran under.
    pub profile: String,
    /// The machine.
    pub machine: Machine,
    /// One entry per lesson asked for.
    pub lessons: Vec<LessonReport>,
    /// Whether the Python ports ran.
    pub python: PythonStatus,
    /// The baseline this run was compared with, if any.
    pub compare: Option<CompareInfo>,
}

/// How long criterion measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// `--quick`: criterion's quick mode, at most about a second per benchmark.
    Quick,
    /// Criterion's defaults: 3 s warm-up and 5 s of samples per benchmark.
    Thorough,
}

/// What happened to one lesson.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LessonStatus {
    /// Its benches ran and their results are in `groups`.
    Ran,
    /// It has no bench file (yet).
    NoBench,
    /// Building or running its benches failed.
    Failed,
}

/// One lesson's results.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LessonReport {
    /// The lesson's crate name.
    pub lesson: String,
    /// Whether it ran.
    pub status: LessonStatus,
    /// Why it did not run.
    pub message: Option<String>,
    /// CPU- or I/O-bound.
    pub bound: Bound,
    /// The unit of element throughput.
    pub unit: String,
    /// What the benches' parameters count.
    pub parameter: Parameter,
    /// Seconds its `cargo bench` took, build included.
    pub elapsed_s: Option<f64>,
    /// Its criterion groups.
    pub groups: Vec<Group>,
    /// Every Python timing of this lesson.
    pub python: Vec<PythonResult>,
}

/// One criterion group: strategies × workers on the same work.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Group {
    /// The group id, `<lesson>/<what>`.
    pub group: String,
    /// The full id of the bench the speedups are relative to.
    pub baseline: Option<String>,
    /// Its benchmarks.
    pub rows: Vec<Row>,
}

/// One benchmark.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Row {
    /// Criterion's full id.
    pub id: String,
    /// The function id: the strategy.
    pub strategy: String,
    /// The parameter as printed.
    pub parameter: Option<String>,
    /// The parameter as a worker count.
    pub workers: Option<u32>,
    /// Median ns per iteration.
    pub median_ns: f64,
    /// 95 % confidence interval of the median.
    pub median_ci_ns: [f64; 2],
    /// Mean ns per iteration.
    pub mean_ns: f64,
    /// Work per second.
    pub throughput: Option<Rate>,
    /// Baseline median / this median.
    pub speedup: Option<f64>,
    /// The speedup perfect scaling would give.
    pub ideal_speedup: Option<f64>,
    /// speedup / ideal_speedup.
    pub efficiency: Option<f64>,
    /// The seed's Python at the same worker count.
    pub python: Option<PythonMatch>,
    /// Change against the compared baseline.
    pub change: Option<Change>,
}

/// An amount of work per second in a named unit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rate {
    /// How many units per second.
    pub per_second: f64,
    /// The unit, e.g. `jobs/s`, `MB/s`.
    pub unit: String,
}

/// The Python figure shown beside a Rust row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PythonMatch {
    /// The seed's variant, e.g. `numpy + multiprocessing`.
    pub variant: String,
    /// Its worker count (null: one worker).
    pub workers: Option<u32>,
    /// Its throughput in the lesson's unit.
    pub per_second: f64,
}

/// One timing of a Python port (written by the scripts in `python/`, one JSON object a line).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PythonResult {
    /// The lesson it mirrors.
    pub lesson: String,
    /// The seed's variant.
    pub variant: String,
    /// Workers (processes or threads); null for a single-worker version.
    pub workers: Option<u32>,
    /// The work done, in the lesson's unit (pixel-iterations, jobs, requests).
    pub items: f64,
    /// Wall-clock seconds (best of the repeats).
    pub seconds: f64,
    /// What was computed, e.g. `640x360, 250 iterations`.
    pub size: String,
}

impl PythonResult {
    /// Items per second.
    pub fn per_second(&self) -> f64 {
        self.items / self.seconds
    }
}

/// Whether the Python ports ran, and why not.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PythonStatus {
    /// `ran`, `skipped` or `not_requested`.
    pub status: String,
    /// What happened, for the reader.
    pub message: Option<String>,
}

/// The change of one benchmark against the compared run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    /// The baseline's median.
    pub baseline_median_ns: f64,
    /// This median / the baseline's.
    pub ratio: f64,
    /// `faster`, `slower` or `noise`.
    pub verdict: Verdict,
}

/// Whether a change is beyond noise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Faster beyond both confidence intervals and the noise threshold.
    Faster,
    /// Slower beyond both confidence intervals and the noise threshold.
    Slower,
    /// Within noise.
    Noise,
}

/// What this run was compared with.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CompareInfo {
    /// The baseline's name.
    pub baseline: String,
    /// When the baseline ran.
    pub baseline_date: String,
    /// The relative change below which nothing is flagged (0.05 = 5 %).
    pub noise_threshold: f64,
    /// Whether the baseline ran on the same cores and CPU model.
    pub same_machine: bool,
}

/// What limits a lesson's work: the downloader waits on the network, the others compute.
/// What the lesson table says of `lesson`: its bound, its throughput unit (per second) and what
/// its bench parameter counts. Every lesson bench-all runs was selected from that table.
fn traits_of(lesson: &str) -> (Bound, String, Parameter) {
    match crate::lessons::get(lesson) {
        Ok(l) => (l.bound, format!("{}/s", l.unit), l.parameter),
        Err(_) => (Bound::Cpu, "items/s".into(), Parameter::Workers),
    }
}

/// A lesson's report from the measurements its run produced.
pub fn lesson_report(
    lesson: &str,
    measurements: &[Measurement],
    logical_cores: usize,
) -> LessonReport {
    let (bound, unit, parameter) = traits_of(lesson);
    let unit = unit.as_str();
    let counts_workers = parameter == Parameter::Workers;
    let mut names: Vec<&str> = measurements
        .iter()
        .map(|m| m.id.group_id.as_str())
        .collect();
    names.dedup();
    names.sort_unstable();
    names.dedup();
    let groups = names
        .into_iter()
        .map(|name| {
            let members: Vec<&Measurement> = measurements
                .iter()
                .filter(|m| m.id.group_id == name)
                .collect();
            group(name, &members, unit, bound, logical_cores, counts_workers)
        })
        .collect();
    LessonReport {
        lesson: lesson.to_string(),
        status: LessonStatus::Ran,
        message: None,
        bound,
        unit: unit.to_string(),
        parameter,
        elapsed_s: None,
        groups,
        python: Vec::new(),
    }
}

/// A lesson that did not run.
pub fn lesson_not_run(lesson: &str, status: LessonStatus, message: String) -> LessonReport {
    let (bound, unit, parameter) = traits_of(lesson);
    LessonReport {
        lesson: lesson.to_string(),
        status,
        message: Some(message),
        bound,
        unit,
        parameter,
        elapsed_s: None,
        groups: Vec::new(),
        python: Vec::new(),
    }
}

fn group(
    name: &str,
    members: &[&Measurement],
    unit: &str,
    bound: Bound,
    cores: usize,
    counts_workers: bool,
) -> Group {
    let mut rows: Vec<Row> = members
        .iter()
        .map(|m| row(m, unit, counts_workers))
        .collect();
    rows.sort_by(|a, b| {
        let seq = |r: &Row| r.strategy != BASELINE_STRATEGY;
        (seq(a), &a.strategy, a.workers, &a.parameter).cmp(&(
            seq(b),
            &b.strategy,
            b.workers,
            &b.parameter,
        ))
    });
    let mut baseline = None;
    for i in 0..rows.len() {
        let Some(base) = find_baseline(&rows, &rows[i]) else {
            continue;
        };
        let (base_id, base_median) = (base.id.clone(), base.median_ns);
        let row = &mut rows[i];
        let speedup = base_median / row.median_ns;
        row.speedup = Some(speedup);
        row.ideal_speedup = row.workers.map(|w| ideal_speedup(w, bound, cores));
        row.efficiency = row.ideal_speedup.map(|ideal| speedup / ideal);
        baseline.get_or_insert(base_id);
    }
    Group {
        group: name.to_string(),
        baseline,
        rows,
    }
}

/// The `sequential` bench a row divides by: the one with the same parameter (same size) if
/// there is one, otherwise the group's only `sequential` bench.
fn find_baseline<'a>(rows: &'a [Row], row: &Row) -> Option<&'a Row> {
    let sequential: Vec<&Row> = rows
        .iter()
        .filter(|r| r.strategy == BASELINE_STRATEGY)
        .collect();
    if let Some(same) = sequential.iter().find(|r| r.parameter == row.parameter) {
        return Some(same);
    }
    match sequential.as_slice() {
        [only] => Some(only),
        _ => None,
    }
}

/// Perfect scaling: every worker busy all the time. CPU-bound work cannot go faster than the
/// cores allow; I/O-bound work overlaps waiting, so each worker counts.
pub fn ideal_speedup(workers: u32, bound: Bound, logical_cores: usize) -> f64 {
    let workers = f64::from(workers.max(1));
    match bound {
        Bound::Cpu => workers.min(logical_cores.max(1) as f64),
        Bound::Io => workers,
    }
}

fn row(m: &Measurement, unit: &str, counts_workers: bool) -> Row {
    let median = m.estimates.median;
    let ci = median.confidence_interval;
    let strategy =
        m.id.function_id
            .clone()
            .unwrap_or_else(|| m.id.group_id.clone());
    Row {
        id: m.id.full_id.clone(),
        strategy,
        parameter: m.id.value_str.clone(),
        workers: (m.id.value_str.as_deref())
            .filter(|_| counts_workers)
            .and_then(|v| v.trim().parse().ok()),
        median_ns: median.point_estimate,
        median_ci_ns: [ci.lower_bound, ci.upper_bound],
        mean_ns: m.estimates.mean.point_estimate,
        throughput: m
            .id
            .throughput
            .map(|t| rate(t, median.point_estimate, unit)),
        speedup: None,
        ideal_speedup: None,
        efficiency: None,
        python: None,
        change: None,
    }
}

/// Work per second from the work per iteration and the time per iteration.
fn rate(throughput: Throughput, ns_per_iter: f64, element_unit: &str) -> Rate {
    let per_iter_per_s = |amount: u64| amount as f64 / (ns_per_iter * 1e-9);
    let (per_second, unit) = match throughput {
        Throughput::Elements(n) => (per_iter_per_s(n), element_unit),
        Throughput::Bytes(n) | Throughput::BytesDecimal(n) => (per_iter_per_s(n) / 1e6, "MB/s"),
        Throughput::Bits(n) => (per_iter_per_s(n) / 1e6, "Mbit/s"),
    };
    Rate {
        per_second,
        unit: unit.to_string(),
    }
}

/// Fills each row's Python column: the best Python throughput at the same worker count (a
/// `sequential` row or one worker matches the seed's single-worker versions).
pub fn attach_python(lesson: &mut LessonReport) {
    let unit = lesson.unit.clone();
    let results = lesson.python.clone();
    for row in lesson.groups.iter_mut().flat_map(|g| g.rows.iter_mut()) {
        let Some(rate) = &row.throughput else {
            continue;
        };
        if rate.unit != unit {
            continue;
        }
        let workers = if row.strategy == BASELINE_STRATEGY {
            Some(1)
        } else {
            row.workers
        };
        let Some(workers) = workers else { continue };
        row.python = results
            .iter()
            .filter(|p| p.workers.unwrap_or(1) == workers)
            .max_by(|a, b| a.per_second().total_cmp(&b.per_second()))
            .map(|p| PythonMatch {
                variant: p.variant.clone(),
                workers: p.workers,
                per_second: p.per_second(),
            });
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::bench_all::criterion::{BenchmarkId, Estimate, Estimates, Interval};

    /// A measurement as criterion would report it: `median_us` microseconds, ±2 %.
    pub(crate) fn measurement(
        group: &str,
        function: &str,
        param: Option<&str>,
        median_us: f64,
        throughput: Option<Throughput>,
    ) -> Measurement {
        let ns = median_us * 1000.0;
        let est = Estimate {
            confidence_interval: Interval {
                lower_bound: ns * 0.98,
                upper_bound: ns * 1.02,
            },
            point_estimate: ns,
        };
        let full_id = match param {
            Some(p) => format!("{group}/{function}/{p}"),
            None => format!("{group}/{function}"),
        };
        Measurement {
            id: BenchmarkId {
                group_id: group.into(),
                function_id: Some(function.into()),
                value_str: param.map(Into::into),
                full_id,
                throughput,
            },
            estimates: Estimates {
                mean: est,
                median: est,
            },
        }
    }

    pub(crate) fn sample_lesson() -> LessonReport {
        let t = Some(Throughput::Elements(1_000_000));
        let g = "mandelbrot/render";
        let ms = vec![
            measurement(g, "threads", Some("4"), 300.0, t),
            measurement(g, "sequential", None, 1000.0, t),
            measurement(g, "threads", Some("1"), 1000.0, t),
            measurement(g, "threads", Some("2"), 500.0, t),
            measurement("mandelbrot/escape", "simd", None, 10.0, None),
        ];
        lesson_report("mandelbrot", &ms, 2)
    }

    #[test]
    fn speedup_and_efficiency_against_sequential() {
        let lesson = sample_lesson();
        let render = lesson
            .groups
            .iter()
            .find(|g| g.group == "mandelbrot/render")
            .unwrap();
        assert_eq!(
            render.baseline.as_deref(),
            Some("mandelbrot/render/sequential")
        );
        let by_id = |id: &str| render.rows.iter().find(|r| r.id == id).unwrap();
        assert_eq!(
            render.rows[0].strategy, "sequential",
            "the baseline comes first"
        );
        let two = by_id("mandelbrot/render/threads/2");
        assert_eq!(two.workers, Some(2));
        assert!((two.speedup.unwrap() - 2.0).abs() < 1e-9);
        assert!((two.efficiency.unwrap() - 1.0).abs() < 1e-9);
        // 4 workers on 2 cores: the ideal is 2, so 3.33x is counted against 2.
        let four = by_id("mandelbrot/render/threads/4");
        assert_eq!(four.ideal_speedup, Some(2.0));
        assert!((four.efficiency.unwrap() - 1000.0 / 300.0 / 2.0).abs() < 1e-9);
        let rate = four.throughput.as_ref().unwrap();
        assert_eq!(rate.unit, "pixel-iterations/s");
        assert!((rate.per_second - 1e6 / 300e-6).abs() < 1.0);
        let escape = lesson
            .groups
            .iter()
            .find(|g| g.group == "mandelbrot/escape")
            .unwrap();
        assert_eq!(escape.baseline, None);
        assert_eq!(escape.rows[0].speedup, None);
    }

    #[test]
    fn io_bound_ideal_counts_every_worker() {
        assert_eq!(ideal_speedup(8, Bound::Io, 2), 8.0);
        assert_eq!(ideal_speedup(8, Bound::Cpu, 2), 2.0);
        assert_eq!(ideal_speedup(1, Bound::Cpu, 2), 1.0);
    }

    #[test]
    fn sizes_match_their_own_sequential() {
        let g = "ipc/round-trip";
        let ms = vec![
            measurement(g, "sequential", Some("64 B"), 1.0, None),
            measurement(g, "sequential", Some("1 MiB"), 100.0, None),
            measurement(
                g,
                "pipe",
                Some("1 MiB"),
                50.0,
                Some(Throughput::Bytes(1 << 20)),
            ),
            measurement(g, "pipe", Some("4 KiB"), 5.0, None),
        ];
        let mut ms = ms;
        ms.push(measurement(g, "pipe", Some("64"), 1.0, None));
        let lesson = lesson_report("ipc", &ms, 2);
        let rows = &lesson.groups[0].rows;
        let small = rows
            .iter()
            .find(|r| r.id == "ipc/round-trip/pipe/64")
            .unwrap();
        assert_eq!(
            small.workers, None,
            "ipc's parameter is a size, not a worker count"
        );
        let pipe = rows
            .iter()
            .find(|r| r.id == "ipc/round-trip/pipe/1 MiB")
            .unwrap();
        assert!((pipe.speedup.unwrap() - 2.0).abs() < 1e-9);
        assert_eq!(pipe.workers, None);
        assert_eq!(pipe.efficiency, None);
        assert_eq!(pipe.throughput.as_ref().unwrap().unit, "MB/s");
        let orphan = rows
            .iter()
            .find(|r| r.id == "ipc/round-trip/pipe/4 KiB")
            .unwrap();
        assert_eq!(
            orphan.speedup, None,
            "two sequential sizes, none matching: no baseline"
        );
    }

    #[test]
    fn python_column_matches_worker_counts() {
        let mut lesson = sample_lesson();
        let py = |variant: &str, workers, seconds| PythonResult {
            lesson: "mandelbrot".into(),
            variant: variant.into(),
            workers,
            items: 1e6,
            seconds,
            size: "tiny".into(),
        };
        lesson.python = vec![
            py("simple", None, 10.0),
            py("numpy", None, 1.0),
            py("numpy + mp", Some(2), 0.6),
        ];
        attach_python(&mut lesson);
        let rows = &lesson
            .groups
            .iter()
            .find(|g| g.group == "mandelbrot/render")
            .unwrap()
            .rows;
        let find = |id: &str| rows.iter().find(|r| r.id == id).unwrap().python.clone();
        assert_eq!(
            find("mandelbrot/render/sequential").unwrap().variant,
            "numpy"
        );
        assert_eq!(
            find("mandelbrot/render/threads/2").unwrap().variant,
            "numpy + mp"
        );
        assert_eq!(find("mandelbrot/render/threads/4"), None);
    }
}

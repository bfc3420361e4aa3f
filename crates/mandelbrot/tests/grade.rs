//! Grading tests of this lesson: each checks one exercise of `src/exercises.rs`.
//!
//! The schedules (exercises 2 to 4) are given kernels that watch them: which thread renders which
//! rows, whether the threads really render at the same time (a barrier that opens only when all of
//! them have arrived), and whether a slow row holds up the others. Nothing here measures time.

use std::collections::{HashMap, HashSet};
use std::sync::{Condvar, Mutex};
use std::thread::{self, ThreadId};
use std::time::Duration;

use mandelbrot::exercises::{self, LANES};
use mandelbrot::strategies::{self, Counts, Scheduling};
use mandelbrot::{Params, View, escape};

// The grader counts a test as passed only on the proof this harness writes when the test
// returns normally: every test starts with `let _pass = harness::start();`.
testkit::grading_harness!();

/// Every test's deadline: a schedule that blocks fails here instead of at the grader's limit.
const LIMIT: Duration = Duration::from_secs(8);

/// How long a thread waits for the others to arrive before the test gives up on them: long
/// enough for threads to start on a loaded machine, short enough that a sequential answer costs
/// seconds.
const PATIENCE: Duration = Duration::from_secs(2);

/// A spread of points inside, outside and on the edge of the set.
fn points() -> impl Iterator<Item = (f64, f64)> {
    (0..400).map(|k| {
        let k = k as f64;
        (
            -2.3 + 3.0 * (k * 0.618_033_988_75).fract(),
            -1.5 + 3.0 * (k * 0.414_213_562_37).fract(),
        )
    })
}

/// A deep zoom near the border, where a rounding difference changes many counts.
fn deep_zoom() -> Params {
    Params::new(
        View::centered(-0.7436, 0.1318, 300.0, 48, 12).unwrap(),
        48,
        12,
        1000,
    )
    .unwrap()
}

fn views() -> Vec<Params> {
    vec![
        Params::seeds(23, 17, 120).unwrap(),
        Params::new(
            View::centered(-0.7436, 0.1318, 300.0, 9, 7).unwrap(),
            9,
            7,
            300,
        )
        .unwrap(),
        Params::seeds(1, 1, 5).unwrap(),
        Params::seeds(7, 3, 1).unwrap(),
    ]
}

fn reference(params: &Params) -> Vec<u32> {
    let mut counts = vec![0; params.pixels()];
    escape::render_rows(params, 0, &mut counts);
    counts
}

/// A barrier for the threads of a schedule: each thread's first arrival waits until `size`
/// distinct threads have arrived. If they do not within [`PATIENCE`], it gives up, remembers how
/// many were there, and lets everyone through from then on, so a wrong answer fails quickly
/// instead of blocking.
struct Together {
    size: usize,
    state: Mutex<Arrivals>,
    changed: Condvar,
}

#[derive(Default)]
struct Arrivals {
    threads: HashSet<ThreadId>,
    gave_up_with: Option<usize>,
}

impl Together {
    fn new(size: usize) -> Self {
        Together {
            size,
            state: Mutex::default(),
            changed: Condvar::new(),
        }
    }

    fn arrive(&self) {
        let mut state = self.state.lock().unwrap();
        if !state.threads.insert(thread::current().id()) || state.gave_up_with.is_some() {
            return;
        }
        self.changed.notify_all();
        let (mut state, wait) = self
            .changed
            .wait_timeout_while(state, PATIENCE, |s| {
                s.threads.len() < self.size && s.gave_up_with.is_none()
            })
            .unwrap();
        if wait.timed_out() && state.gave_up_with.is_none() {
            state.gave_up_with = Some(state.threads.len());
            self.changed.notify_all();
        }
    }

    /// The distinct threads that arrived; fails the test if they were not all there at once.
    fn threads(&self) -> HashSet<ThreadId> {
        let state = self.state.lock().unwrap();
        if let Some(arrived) = state.gave_up_with {
            panic!(
                "only {arrived} of {} threads were rendering at the same time: the others \
                 waited for them (or were never started)",
                self.size
            );
        }
        state.threads.clone()
    }
}

/// One call of a schedule's kernel: the thread, the first row, and the number of rows.
type Call = (ThreadId, usize, usize);

/// A kernel for `params` that renders with the lesson's loop and records every call.
fn recording<'a>(
    params: &'a Params,
    calls: &'a Mutex<Vec<Call>>,
) -> impl Fn(usize, &mut [u32]) + Sync + 'a {
    move |first, out: &mut [u32]| {
        escape::render_rows(params, first, out);
        let rows = out.len() / params.width();
        calls
            .lock()
            .unwrap()
            .push((thread::current().id(), first, rows));
    }
}

/// A schedule of rows (exercises 3 and 4), with the kernel as a trait object.
type RowSchedule = fn(&Params, usize, &(dyn Fn(usize, &mut [u32]) + Sync)) -> Vec<u32>;

fn interleaved(
    params: &Params,
    workers: usize,
    f: &(dyn Fn(usize, &mut [u32]) + Sync),
) -> Vec<u32> {
    exercises::render_interleaved(params, workers, f)
}

fn dynamic(params: &Params, workers: usize, f: &(dyn Fn(usize, &mut [u32]) + Sync)) -> Vec<u32> {
    exercises::render_dynamic(params, workers, f)
}

/// The schedule gives the sequential counts and renders every row exactly once, one at a time.
fn renders_every_row_once(schedule: RowSchedule) {
    for params in views() {
        for workers in [1, 2, 3, 4, 8, 40] {
            let calls = Mutex::new(Vec::new());
            let counts = schedule(&params, workers, &recording(&params, &calls));
            assert_eq!(
                counts,
                reference(&params),
                "{workers} workers on {params:?}"
            );
            let mut rows: Vec<(usize, usize)> = calls
                .into_inner()
                .unwrap()
                .into_iter()
                .map(|(_, row, n)| (row, n))
                .collect();
            rows.sort_unstable();
            let expected: Vec<(usize, usize)> = (0..params.height()).map(|r| (r, 1)).collect();
            assert_eq!(
                rows, expected,
                "each row rendered once, as one row ({workers} workers)"
            );
        }
    }
}

/// The schedule starts `min(workers, height)` threads that all render at the same time.
fn runs_its_workers_at_once(schedule: RowSchedule) {
    for (params, workers) in [
        (Params::seeds(32, 24, 50).unwrap(), 4),
        (Params::seeds(16, 3, 50).unwrap(), 8),
    ] {
        let started = workers.min(params.height());
        let together = Together::new(started);
        let kernel = |row, out: &mut [u32]| {
            together.arrive();
            escape::render_row(&params, row, out);
        };
        assert_eq!(schedule(&params, workers, &kernel), reference(&params));
        assert_eq!(
            together.threads().len(),
            started,
            "{workers} workers on {} rows: expected {started} threads",
            params.height()
        );
    }
}

// --- Exercise 1: escape_count ---

#[test]
fn escape_count_of_known_points() {
    let _pass = harness::start();
    for (cx, cy, max_iter, expected, why) in [
        (0.0, 0.0, 100, 100, "0 is in the set: it never escapes"),
        (2.0, 2.0, 100, 1, "2+2i escapes after one step"),
        (1.0, 0.0, 100, 3, "1: z = 0, 1, 2, 5"),
        (-1.0, 0.0, 7, 7, "-1 cycles 0, -1, 0: capped at max_iter"),
        (
            -2.0,
            0.0,
            50,
            50,
            "-2: z = 0, -2, 2, 2, … and |z|² = 4 is inside",
        ),
        (2.0, 0.0, 50, 2, "2: z = 0, 2, 6"),
        (0.0, 0.0, 1, 1, "max_iter 1"),
    ] {
        assert_eq!(exercises::escape_count(cx, cy, max_iter), expected, "{why}");
    }
}

#[test]
fn escape_count_matches_the_lesson_bit_for_bit() {
    let _pass = harness::start();
    let zoom = deep_zoom();
    let grid = (0..zoom.height())
        .flat_map(|i| (0..zoom.width()).map(move |j| (i, j)))
        .map(|(i, j)| (zoom.x_of(j), zoom.y_of(i), zoom.max_iter()));
    // A point of the seeds' 1280×720 picture where a fused multiply-add changes the count.
    let fused_differs = (0.125, 0.642_578_125, 250);
    for (cx, cy, max_iter) in points()
        .map(|(cx, cy)| (cx, cy, 250))
        .chain(grid)
        .chain([fused_differs])
    {
        assert_eq!(
            exercises::escape_count(cx, cy, max_iter),
            escape::escape_count(cx, cy, max_iter),
            "at {cx:?} + {cy:?}i, max_iter {max_iter}"
        );
    }
}

// --- Exercise 2: render_rayon ---

#[test]
fn render_rayon_renders_every_band_once() {
    let _pass = harness::start();
    testkit::deadline(LIMIT, || {
        for params in views() {
            for band_rows in [1, 2, 3, 5, 1000] {
                let calls = Mutex::new(Vec::new());
                let counts =
                    exercises::render_rayon(&params, band_rows, recording(&params, &calls));
                assert_eq!(
                    counts,
                    reference(&params),
                    "bands of {band_rows} rows on {params:?}"
                );
                let mut bands: Vec<(usize, usize)> = calls
                    .into_inner()
                    .unwrap()
                    .into_iter()
                    .map(|(_, first, rows)| (first, rows))
                    .collect();
                bands.sort_unstable();
                let height = params.height();
                let expected: Vec<(usize, usize)> = (0..height)
                    .step_by(band_rows)
                    .map(|first| (first, band_rows.min(height - first)))
                    .collect();
                assert_eq!(
                    bands, expected,
                    "(first row, rows) of each call with bands of {band_rows} rows"
                );
            }
        }
    });
}

#[test]
fn render_rayon_runs_bands_at_once_on_the_pool() {
    let _pass = harness::start();
    testkit::deadline(LIMIT, || {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(3)
            .build()
            .unwrap();
        let params = Params::seeds(32, 24, 50).unwrap();
        let together = Together::new(3);
        let off_the_pool = Mutex::new(0);
        let kernel = |first, band: &mut [u32]| {
            if rayon::current_thread_index().is_none() {
                *off_the_pool.lock().unwrap() += 1;
            }
            together.arrive();
            escape::render_rows(&params, first, band);
        };
        let counts = pool.install(|| exercises::render_rayon(&params, 2, kernel));
        assert_eq!(counts, reference(&params));
        let off_the_pool = *off_the_pool.lock().unwrap();
        assert_eq!(
            off_the_pool, 0,
            "{off_the_pool} bands were rendered outside rayon's pool: use par_chunks_mut"
        );
        let threads = together.threads();
        assert_eq!(
            threads.len(),
            3,
            "the pool has 3 threads; the bands were rendered by {}",
            threads.len()
        );
    });
}

// --- Exercise 3: render_interleaved ---

#[test]
fn render_interleaved_renders_every_row_once() {
    let _pass = harness::start();
    testkit::deadline(LIMIT, || renders_every_row_once(interleaved));
}

#[test]
fn render_interleaved_runs_its_workers_at_once() {
    let _pass = harness::start();
    testkit::deadline(LIMIT, || runs_its_workers_at_once(interleaved));
}

#[test]
fn render_interleaved_balances_the_work() {
    let _pass = harness::start();
    testkit::deadline(LIMIT, || {
        let params = Params::seeds(64, 48, 300).unwrap();
        let workers = 4;
        let expected = reference(&params);
        let calls = Mutex::new(Vec::new());
        exercises::render_interleaved(&params, workers, recording(&params, &calls));
        // The iterations each thread computed, and its rows, in the order it rendered them.
        let mut work: HashMap<ThreadId, (u64, Vec<usize>)> = HashMap::new();
        for (thread, row, _) in calls.into_inner().unwrap() {
            let (iterations, rows) = work.entry(thread).or_default();
            let w = params.width();
            *iterations += expected[row * w..(row + 1) * w]
                .iter()
                .map(|&c| u64::from(c))
                .sum::<u64>();
            rows.push(row);
        }
        let per_worker: Vec<u64> = work.values().map(|(iterations, _)| *iterations).collect();
        let bands = strategies::work_per_worker(
            &Counts {
                width: params.width(),
                height: params.height(),
                data: expected,
            },
            workers,
            Scheduling::Bands,
        );
        let (got, of_bands) = (
            strategies::imbalance(&per_worker),
            strategies::imbalance(&bands),
        );
        assert!(
            per_worker.len() == workers && got <= 1.1,
            "{} workers; the busiest computed {got:.2}× the mean iterations (bands: {of_bands:.2}×)",
            per_worker.len()
        );
        for (_, rows) in work.values() {
            let w = rows[0];
            let dealt: Vec<usize> = (w..params.height()).step_by(workers).collect();
            assert_eq!(
                rows, &dealt,
                "the rows of worker {w}: every {workers}th row from {w} on, in order"
            );
        }
    });
}

// --- Exercise 4: render_dynamic ---

#[test]
fn render_dynamic_renders_every_row_once() {
    let _pass = harness::start();
    testkit::deadline(LIMIT, || renders_every_row_once(dynamic));
}

#[test]
fn render_dynamic_runs_its_workers_at_once() {
    let _pass = harness::start();
    testkit::deadline(LIMIT, || runs_its_workers_at_once(dynamic));
}

#[test]
fn render_dynamic_lets_no_slow_row_hold_up_the_rest() {
    let _pass = harness::start();
    testkit::deadline(LIMIT, || {
        let params = Params::seeds(32, 24, 50).unwrap();
        let others = params.height() - 1;
        // Row 0 is "slow": it finishes only once every other row is done (or the test gives up).
        let done = Mutex::new(0usize);
        let changed = Condvar::new();
        let done_while_row_0_rendered = Mutex::new(None);
        let kernel = |row, out: &mut [u32]| {
            if row == 0 {
                let all_others = changed
                    .wait_timeout_while(done.lock().unwrap(), PATIENCE, |n| *n < others)
                    .unwrap()
                    .0;
                *done_while_row_0_rendered.lock().unwrap() = Some(*all_others);
            }
            escape::render_row(&params, row, out);
            if row != 0 {
                *done.lock().unwrap() += 1;
                changed.notify_all();
            }
        };
        let counts = exercises::render_dynamic(&params, 3, kernel);
        assert_eq!(counts, reference(&params));
        let done = done_while_row_0_rendered.into_inner().unwrap();
        assert_eq!(
            done,
            Some(others),
            "while the slow row 0 rendered, the other two workers finished only {done:?} of the \
             other {others} rows: rows waited for a busy worker"
        );
    });
}

// --- Exercise 5: escape_lanes ---

/// Every group of eight neighbouring pixels of `params`'s rows, with the row's `y`.
fn groups(params: &Params) -> Vec<([f64; LANES], f64)> {
    (0..params.height())
        .flat_map(|i| {
            (0..params.width().div_ceil(LANES))
                .map(move |g| (std::array::from_fn(|l| params.x_of(g * LANES + l)), i))
        })
        .map(|(cx, i)| (cx, params.y_of(i)))
        .collect()
}

fn scalar(cx: [f64; LANES], cy: f64, max_iter: u32) -> [u32; LANES] {
    cx.map(|x| escape::escape_count(x, cy, max_iter))
}

#[test]
fn escape_lanes_equals_the_scalar_count() {
    let _pass = harness::start();
    testkit::deadline(LIMIT, || {
        let example = [0.0, 2.0, 1.0, -2.0, 0.25, -1.0, 0.5, 10.0];
        assert_eq!(
            exercises::escape_lanes(example, 0.0, 100),
            [100, 2, 3, 100, 100, 100, 5, 1],
            "the example of the task"
        );
        let fused_differs = [0.125, 0.125, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0];
        for params in [
            Params::seeds(67, 5, 100).unwrap(),
            Params::seeds(23, 17, 2).unwrap(),
            Params::seeds(9, 4, 1).unwrap(),
            deep_zoom(),
        ] {
            let max_iter = params.max_iter();
            for (cx, cy) in groups(&params)
                .into_iter()
                .chain([(fused_differs, 0.642_578_125)])
            {
                assert_eq!(
                    exercises::escape_lanes(cx, cy, max_iter),
                    scalar(cx, cy, max_iter),
                    "lanes {cx:?} at y = {cy:?}, max_iter {max_iter}"
                );
            }
        }
    });
}

#[test]
fn escape_lanes_keeps_escaped_lanes_out() {
    let _pass = harness::start();
    testkit::deadline(LIMIT, || {
        // Lanes that escape at once (their z overflows to infinity, then NaN, while the group
        // runs on), beside lanes of the set that keep the group running to max_iter.
        let mixed = [0.0, 10.0, -2.0, 1e10, -1.0, 2.0, 0.25, -1e300];
        for cy in [0.0, 0.1, -1e200] {
            for shift in 0..LANES {
                let mut cx = mixed;
                cx.rotate_left(shift);
                for max_iter in [1, 3, 1000] {
                    assert_eq!(
                        exercises::escape_lanes(cx, cy, max_iter),
                        scalar(cx, cy, max_iter),
                        "lanes {cx:?} at y = {cy:?}, max_iter {max_iter}"
                    );
                }
            }
        }
    });
}

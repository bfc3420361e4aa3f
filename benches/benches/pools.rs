//! Benchmarks of the pools lesson.
//!
//! - `pools/collatz`: the seeds' workload (1000 Collatz steps on each of 1..=50000) by strategy and
//!   worker count. Pools (threads and processes) are built once, outside the measurement: this
//!   measures running the work, not starting workers (the `pools race` table includes start-up).
//! - `pools/overhead`: what one *empty* job costs: the hand-made pool, the hand-made work-stealing
//!   pool, rayon's `scope.spawn`, and a fresh thread per job (all in one run, so comparable).
//!
//! A custom `main`: the process pool starts copies of this very binary as its workers, and they
//! must serve requests instead of running criterion.

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group};
use pools::race::{CHUNK, Strategy};
use pools::{StealingPool, ThreadPool};
use pools::{collatz, overhead};

const WORKERS: [usize; 3] = [1, 2, 4];
const EMPTY_JOBS: u64 = 1000;

fn collatz_strategies(c: &mut Criterion) {
    let inputs = collatz::inputs();
    let mut group = c.benchmark_group("pools/collatz");
    group
        .throughput(Throughput::Elements(inputs.end - inputs.start))
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));

    group.bench_function("sequential", |b| {
        b.iter(|| collatz::sequential(black_box(inputs.clone())))
    });
    for workers in WORKERS {
        group.bench_with_input(BenchmarkId::new("threads", workers), &workers, |b, &w| {
            b.iter(|| collatz::spawned_threads(inputs.clone(), w))
        });
        let pool = ThreadPool::new(workers).expect("threads start");
        group.bench_with_input(
            BenchmarkId::new("thread-pool", workers),
            &workers,
            |b, _| b.iter(|| collatz::pool_chunked(&pool, inputs.clone(), CHUNK)),
        );
        group.bench_with_input(BenchmarkId::new("scope", workers), &workers, |b, &w| {
            b.iter(|| collatz::scoped_threads(inputs.clone(), w))
        });
    }
    group.bench_with_input(
        BenchmarkId::new("rayon", Strategy::Rayon.workers()),
        &(),
        |b, ()| b.iter(|| collatz::rayon(inputs.clone())),
    );
    let exe = std::env::current_exe().expect("the bench binary's path");
    for workers in [1, 2] {
        match pools::process::start(workers, &exe) {
            Ok(mut pool) => {
                group.bench_with_input(BenchmarkId::new("processes", workers), &workers, |b, _| {
                    b.iter(|| {
                        pools::process::collatz(&mut pool, inputs.clone(), CHUNK)
                            .expect("the process pool answers")
                    })
                });
            }
            Err(err) => eprintln!("pools/collatz/processes/{workers}: skipped ({err})"),
        }
    }
    group.finish();
}

fn empty_job_overhead(c: &mut Criterion) {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let mut group = c.benchmark_group("pools/overhead");
    group
        .throughput(Throughput::Elements(EMPTY_JOBS))
        .sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));

    let pool = ThreadPool::new(cores).expect("threads start");
    group.bench_function("thread-pool", |b| {
        b.iter(|| overhead::on_thread_pool(&pool, EMPTY_JOBS))
    });
    let stealing = StealingPool::new(cores).expect("threads start");
    group.bench_function("stealing-pool", |b| {
        b.iter(|| overhead::on_stealing_pool(&stealing, EMPTY_JOBS))
    });
    group.bench_function("rayon", |b| b.iter(|| overhead::on_rayon(EMPTY_JOBS)));
    group.bench_function("thread-per-job", |b| {
        b.iter(|| overhead::thread_per_job(EMPTY_JOBS))
    });
    group.finish();
}

criterion_group!(benches, collatz_strategies, empty_job_overhead);

fn main() {
    // A process-pool worker is a copy of this binary: serve requests, do not benchmark.
    if let Some(served) = pools::process::run_worker() {
        if let Err(err) = served {
            eprintln!("pools bench worker: {err}");
            std::process::exit(1);
        }
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}

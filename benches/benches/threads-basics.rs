//! Benchmarks of the threads-basics lesson: what a thread costs to start and join, and how the
//! CPU-bound sum of square roots scales with the number of threads.

use std::hint::black_box;
use std::thread;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use threads_basics::cpu_bound;

/// One thread started and joined: `thread::spawn` + `join` versus a `thread::scope` with one
/// scoped thread. Both create an OS thread; the difference is bookkeeping.
fn spawn_join(c: &mut Criterion) {
    let mut group = c.benchmark_group("threads-basics/spawn-join");
    group.throughput(Throughput::Elements(1));
    group.bench_function("spawn", |b| {
        b.iter(|| thread::spawn(|| black_box(1_u64)).join().unwrap());
    });
    group.bench_function("scoped", |b| {
        b.iter(|| thread::scope(|s| s.spawn(|| black_box(1_u64)).join().unwrap()));
    });
    group.finish();
}

/// The seeds' sum of sqrt over 5,000,000 numbers: sequential, then over 1, 2, 4 and 8 threads.
fn sqrt_sum(c: &mut Criterion) {
    let n = cpu_bound::SEED_NUMBERS;
    let mut group = c.benchmark_group("threads-basics/sqrt-sum");
    group.throughput(Throughput::Elements(n));
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(2));
    group.bench_function("sequential", |b| {
        b.iter(|| cpu_bound::sqrt_sum_sequential(black_box(n)));
    });
    for threads in [1, 2, 4, 8] {
        group.bench_with_input(
            BenchmarkId::new("threads", threads),
            &threads,
            |b, &threads| {
                b.iter(|| cpu_bound::sqrt_sum_threads(black_box(n), threads).unwrap());
            },
        );
    }
    group.finish();
}

criterion_group!(benches, spawn_join, sqrt_sum);
criterion_main!(benches);

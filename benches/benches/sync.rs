//! Benchmarks of the sync lesson: what a lock costs, uncontended and contended.
//!
//! - `sync/counter`: `COUNT` increments of one shared counter, split evenly over 1, 2 or 4
//!   threads, with std's `Mutex`, parking_lot's `Mutex` and an `AtomicU64::fetch_add`; `sequential`
//!   is a plain `u64` on one thread (no sharing at all). With 1 thread the lock is uncontended;
//!   with more, the threads fight over one cache line and the throughput drops rather than rises:
//!   sharing one counter does not parallelize.
//! - `sync/semaphore`: acquire and release of the hand-made `Semaphore` (2 permits), by 1, 2 or 4
//!   threads. Even uncontended it costs far more than a lock: std's `Condvar::notify_one` makes a
//!   futex system call whether or not anyone waits. A semaphore that counts its sleepers and
//!   notifies only when one exists avoids it; the hand-made one keeps the simple, obviously
//!   correct form.
//!
//! Note: this workspace builds parking_lot with `deadlock_detection` (the philosophers demo uses
//! it), which adds bookkeeping to every parking_lot lock and unlock; its numbers here are
//! therefore a little worse than a default parking_lot build's.

use std::hint::black_box;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use sync::parking_lot;
use sync::semaphore::Semaphore;

/// Increments per measured iteration, shared out over the threads.
const COUNT: u64 = 50_000;
/// Acquire/release pairs per measured iteration.
const ACQUIRES: u64 = 10_000;
const THREADS: [u64; 3] = [1, 2, 4];

/// Runs `step` `total` times split over `threads` scoped threads.
fn split(threads: u64, total: u64, step: impl Fn() + Sync) {
    thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                for _ in 0..total / threads {
                    step();
                }
            });
        }
    });
}

fn counter(c: &mut Criterion) {
    let mut group = c.benchmark_group("sync/counter");
    // Short warm-up and measurement: each iteration is milliseconds, the estimates settle fast.
    group.warm_up_time(Duration::from_millis(500));
    group.measurement_time(Duration::from_secs(2));
    group.throughput(Throughput::Elements(COUNT));
    group.bench_function(BenchmarkId::new("sequential", 1), |b| {
        b.iter(|| {
            let mut n = 0u64;
            for _ in 0..COUNT {
                n = black_box(n + 1);
            }
            n
        })
    });
    for threads in THREADS {
        group.bench_with_input(BenchmarkId::new("std_mutex", threads), &threads, |b, &t| {
            b.iter(|| {
                let m = Mutex::new(0u64);
                split(t, COUNT, || *m.lock().unwrap() += 1);
                m.into_inner().unwrap()
            })
        });
        group.bench_with_input(
            BenchmarkId::new("parking_lot_mutex", threads),
            &threads,
            |b, &t| {
                b.iter(|| {
                    let m = parking_lot::Mutex::new(0u64);
                    split(t, COUNT, || *m.lock() += 1);
                    m.into_inner()
                })
            },
        );
        group.bench_with_input(
            BenchmarkId::new("atomic_fetch_add", threads),
            &threads,
            |b, &t| {
                b.iter(|| {
                    let n = AtomicU64::new(0);
                    split(t, COUNT, || {
                        n.fetch_add(1, Ordering::Relaxed);
                    });
                    n.into_inner()
                })
            },
        );
    }
    group.finish();
}

fn semaphore(c: &mut Criterion) {
    let mut group = c.benchmark_group("sync/semaphore");
    // Short warm-up and measurement: each iteration is milliseconds, the estimates settle fast.
    group.warm_up_time(Duration::from_millis(500));
    group.measurement_time(Duration::from_secs(2));
    group.throughput(Throughput::Elements(ACQUIRES));
    for threads in THREADS {
        group.bench_with_input(
            BenchmarkId::new("acquire_release", threads),
            &threads,
            |b, &t| {
                b.iter(|| {
                    let sem = Semaphore::new(2);
                    split(t, ACQUIRES, || drop(black_box(sem.acquire())));
                    sem.available()
                })
            },
        );
    }
    group.finish();
}

criterion_group!(benches, counter, semaphore);
criterion_main!(benches);

//! Mandelbrot: every strategy on the same 1280×720 picture (the seeds' view, `max_iter` 250).
//!
//! Group `mandelbrot/render`; throughput is pixel-iterations (the sum of all escape counts), so
//! the report reads in iterations per second. Parallel strategies are measured at 1 worker and at
//! every core, so the report can compute their parallel efficiency. For `smart`, which skips most
//! iterations, that figure is the rate of the picture, not of computing: it skips, exactly, what
//! the others compute.
//!
//! Group `mandelbrot/kernel` compares the SIMD kernels this CPU runs, on one thread.
//!
//! A custom `main`: the `processes` strategy's workers are copies of this binary, which must
//! serve bands instead of benchmarking.

use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput};
use mandelbrot::processes::{self, BandPool};
use mandelbrot::simd::Kernel;
use mandelbrot::smart;
use mandelbrot::strategies::{self, Counts};
use mandelbrot::{Params, Strategy};

const WIDTH: usize = 1280;
const HEIGHT: usize = 720;
const MAX_ITER: u32 = 250;

/// 1, then every power of two below the core count, then the core count.
fn worker_counts() -> Vec<usize> {
    let cores = strategies::default_threads();
    let mut counts: Vec<usize> = std::iter::successors(Some(1), |n| Some(n * 2))
        .take_while(|&n| n < cores)
        .collect();
    counts.push(cores);
    counts
}

fn rayon_pool(threads: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("a rayon pool")
}

fn render(c: &mut Criterion) {
    let params = Params::seeds(WIDTH, HEIGHT, MAX_ITER).expect("valid parameters");
    let reference = strategies::render(&params, Strategy::Sequential, 1).counts;
    let mut group = c.benchmark_group("mandelbrot/render");
    group.throughput(Throughput::Elements(reference.total_iterations()));
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(500));
    group.measurement_time(Duration::from_secs(2));
    let mut out = Counts::zeros(&params);

    group.bench_function("sequential", |b| {
        b.iter(|| strategies::sequential(&params, &mut out.data))
    });
    group.bench_function("simd", |b| {
        b.iter(|| mandelbrot::simd::render_rows(&params, 0, &mut out.data))
    });
    for n in worker_counts() {
        group.bench_with_input(BenchmarkId::new("threads", n), &n, |b, &n| {
            b.iter(|| strategies::threads_bands(&params, n, &mut out.data))
        });
        group.bench_with_input(BenchmarkId::new("threads-interleaved", n), &n, |b, &n| {
            b.iter(|| strategies::threads_interleaved(&params, n, &mut out.data))
        });
        let pool = rayon_pool(n);
        group.bench_with_input(BenchmarkId::new("rayon", n), &n, |b, _| {
            b.iter(|| pool.install(|| strategies::rayon_rows(&params, &mut out.data)))
        });
        group.bench_with_input(BenchmarkId::new("simd-rayon", n), &n, |b, _| {
            b.iter(|| pool.install(|| strategies::simd_rayon(&params, &mut out.data)))
        });
        // Checked before measuring: a filtered-out benchmark never runs its closure.
        pool.install(|| smart::render(&params, &mut out.data));
        assert!(out == reference, "smart differs from sequential");
        group.bench_with_input(BenchmarkId::new("smart", n), &n, |b, _| {
            b.iter(|| pool.install(|| smart::render(&params, &mut out.data)))
        });
        // The pool is started once, outside the measurement, as a program would.
        match BandPool::new(n, std::env::current_exe().expect("this bench's path")) {
            Ok(mut workers) => {
                let check =
                    processes::render(&params, &mut workers).expect("rendering in processes");
                assert!(
                    check.counts == reference,
                    "processes differ from sequential"
                );
                group.bench_with_input(BenchmarkId::new("processes", n), &n, |b, _| {
                    b.iter(|| {
                        processes::render(&params, &mut workers).expect("rendering in processes")
                    })
                });
            }
            Err(e) => {
                eprintln!("mandelbrot/render/processes/{n}: skipped, the pool did not start: {e}")
            }
        }
    }
    group.finish();
}

/// The SIMD kernels this CPU runs, one thread each: portable arrays vs AVX2 vs AVX-512.
fn kernels(c: &mut Criterion) {
    let params = Params::seeds(WIDTH, HEIGHT, MAX_ITER).expect("valid parameters");
    let reference = strategies::render(&params, Strategy::Simd, 1).counts;
    let mut group = c.benchmark_group("mandelbrot/kernel");
    group.throughput(Throughput::Elements(reference.total_iterations()));
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(500));
    group.measurement_time(Duration::from_secs(2));
    let mut out = Counts::zeros(&params);
    for kernel in Kernel::available() {
        // Checked before measuring: a filtered-out benchmark never runs its closure.
        for (i, row) in out.data.chunks_mut(WIDTH).enumerate() {
            mandelbrot::simd::render_row_with(kernel, &params, i, row);
        }
        assert!(out == reference, "{kernel:?} differs from the scalar loop");
        group.bench_function(kernel.name(), |b| {
            b.iter(|| {
                for (i, row) in out.data.chunks_mut(WIDTH).enumerate() {
                    mandelbrot::simd::render_row_with(kernel, &params, i, row);
                }
            })
        });
    }
    group.finish();
}

fn main() {
    // A worker of the `processes` strategy is a copy of this binary: serve bands, do not bench.
    if ipc::pool::is_worker() {
        if let Err(e) = processes::serve() {
            eprintln!("mandelbrot bench worker: {e}");
            std::process::exit(1);
        }
        return;
    }
    let mut c = Criterion::default().configure_from_args();
    render(&mut c);
    kernels(&mut c);
    c.final_summary();
}

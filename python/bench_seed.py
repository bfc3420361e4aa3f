"""Times the seeds' Python versions of the lessons' work, for `cargo xtask bench-all --python`.

    python3 python/bench_seed.py --lessons mandelbrot,pools,downloader --out results.jsonl \
        [--quick] [--server http://127.0.0.1:PORT]

Writes one JSON object a line (read by xtask; see xtask/src/bench_all/report.rs, PythonResult):
    {"lesson": "mandelbrot", "variant": "numba (prange)", "workers": null, "items": 1.2e8,
     "seconds": 0.41, "size": "1280x720, 250 iterations"}
`items` is the work in the lesson's unit (pixel-iterations, jobs, requests), so `items / seconds`
compares with the Rust bench's throughput even where the slow variants run a smaller size.
`seconds` is the best of the repeats (one in --quick mode); process and thread pools are started
inside the timing, as the seeds do.
"""

import argparse
import json
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

MAX_ITER = 250  # the seeds' visualize() and the Rust bench


def best_time(repeats, fn):
    best, result = float("inf"), None
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def record(out, lesson, variant, workers, items, seconds, size):
    line = {"lesson": lesson, "variant": variant, "workers": workers, "items": float(items),
            "seconds": seconds, "size": size}
    out.write(json.dumps(line) + "\n")
    out.flush()
    who = f"{workers} workers" if workers else "1 worker"
    print(f"  {lesson:<10} {variant:<28} {who:<11} {size:<26} {seconds:8.3f} s", flush=True)


def mandelbrot(out, quick, workers, repeats):
    import numpy as np
    import seed_mandelbrot as m

    def run(variant, fn, width, height, n=None):
        view = m.seeds_view(width, height)
        kwargs = {"num_workers": n} if n else {}
        seconds, image = best_time(repeats, lambda: fn(*view, width, height, max_iter=MAX_ITER, **kwargs))
        items = int(np.asarray(image, dtype=np.int64).sum())
        record(out, "mandelbrot", variant, n, items, seconds, f"{width}x{height}, {MAX_ITER} iterations")

    small = (128, 72) if quick else (320, 180)
    medium = (320, 180) if quick else (1280, 720)
    run("pure Python", m.create_mandelbrot_image_simple, *small)
    for n in workers:
        run("pure Python + Pool", m.create_mandelbrot_image_multiprocess, *small, n)
    run("numpy", m.create_mandelbrot_image_numpy, *medium)
    for n in workers:
        run("numpy + Pool", m.create_mandelbrot_image_numpy_multiprocess, *medium, n)
    # "First compile is slow: that's how JIT works": compile before timing, as the seed shows.
    m.create_mandelbrot_image_numba(*m.seeds_view(64, 36), 64, 36, MAX_ITER)
    view = m.seeds_view(1280, 720)
    seconds, image = best_time(max(repeats, 3), lambda: m.create_mandelbrot_image_numba(*view, 1280, 720, MAX_ITER))
    import numba
    record(out, "mandelbrot", "numba (parallel prange)", numba.config.NUMBA_NUM_THREADS,
           int(image.astype(np.int64).sum()), seconds, f"1280x720, {MAX_ITER} iterations")


def collatz(out, quick, workers, repeats):
    import seed_collatz as c

    end = 2001 if quick else 20001
    size = f"1..={end - 1}, 1000 steps"
    reference = c.naive_implementation(end)

    def run(variant, fn, n=None):
        seconds, results = best_time(repeats, lambda: fn(n, end) if n else fn(end))
        assert results == reference, f"{variant} computed a different table"
        record(out, "pools", variant, n, end - 1, seconds, size)

    run("naive (sequential)", c.naive_implementation)
    for n in workers:
        run("threading.Thread", c.threading_implementation, n)
        run("multiprocessing.Process", c.multiprocessing_implementation, n)
        run("ThreadPoolExecutor", c.threadpool_implementation, n)
        run("ProcessPoolExecutor", c.processpool_implementation, n)


def downloader(out, quick, server, repeats):
    import seed_downloader as d

    count, latency = (32, 50) if quick else (64, 50)
    links = d.gallery_urls(server, count, latency)
    size = f"{count} images, {latency} ms latency"
    with tempfile.TemporaryDirectory() as folder:
        seconds, _ = best_time(repeats, lambda: d.sequential_download(folder, links))
        record(out, "downloader", "sequential", None, count, seconds, size)
        for n in ([8, 16, 32] if quick else [2, 4, 8, 16, 32, 64]):
            seconds, _ = best_time(repeats, lambda: d.multithreaded_download(folder, links, n))
            record(out, "downloader", "ThreadPoolExecutor", n, count, seconds, size)
        n = 8
        seconds, _ = best_time(repeats, lambda: d.multi_processes_download(folder, links, n))
        record(out, "downloader", "multiprocessing.Pool", n, count, seconds, size)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lessons", required=True, help="comma-separated: mandelbrot,pools,downloader")
    parser.add_argument("--out", required=True, help="the JSON-lines file to write")
    parser.add_argument("--quick", action="store_true", help="smaller sizes, one repeat")
    parser.add_argument("--server", help="base URL of `downloader serve` (needed for downloader)")
    args = parser.parse_args()

    lessons = [l for l in args.lessons.split(",") if l]
    unknown = set(lessons) - {"mandelbrot", "pools", "downloader"}
    if unknown:
        parser.error(f"no Python port for: {', '.join(sorted(unknown))}")
    if "downloader" in lessons and not args.server:
        parser.error("downloader needs --server (the URL `downloader serve` prints)")
    cores = os.cpu_count() or 1
    workers = sorted({2, cores}) if args.quick else sorted({2, 4, cores})
    repeats = 1 if args.quick else 3
    with open(args.out, "w") as out:
        if "mandelbrot" in lessons:
            mandelbrot(out, args.quick, workers, repeats)
        if "pools" in lessons:
            collatz(out, args.quick, workers, repeats)
        if "downloader" in lessons:
            downloader(out, args.quick, args.server, repeats)


if __name__ == "__main__":
    main()

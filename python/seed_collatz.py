"""The Collatz table of the seed lecture (seed 000, "Concurrency: Parallelizing Tasks"): 1000
Collatz steps on each number, sequentially, in threads, in processes, in a ThreadPoolExecutor and
in a ProcessPoolExecutor and with joblib (when it is installed), as written there.

The Rust lesson `pools` runs the same table (`pools/collatz`, 1..=50000) and reports jobs/s; one
job is one number here too. Run as a script, this file times the seed's 18 rows in the seed's
order and prints one JSON object a line, for `pools race --python`:
    {"row": 2, "name": "Threading (4 threads)", "seconds": 1.2, "checksum": 116673}
    {"row": 12, "name": "Joblib Threading (4)", "skipped": "joblib is not installed"}
"""

import json
import math
import time
import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

START_NUM = 1
END_NUM = 50000 + 1


def worker_task(number):
    for i in range(1000):
        if number % 2 == 0:
            number = number // 2
        else:
            number = 3 * number + 1
    return number


def naive_implementation(end_num=END_NUM):
    results = [0 for i in range(START_NUM, end_num)]
    for i, num in enumerate(range(START_NUM, end_num)):
        results[i] = worker_task(num)
    return results


def threading_implementation(max_workers=4, end_num=END_NUM):
    results = [0 for i in range(START_NUM, end_num)]
    threads = []
    numbers_per_thread = math.ceil(len(results) / max_workers)

    def thread_worker(start_idx, end_idx):
        for idx in range(start_idx, end_idx):
            results[idx] = worker_task(idx + 1)

    for i in range(max_workers):
        start_idx = i * numbers_per_thread
        end_idx = min(start_idx + numbers_per_thread, len(results))
        thread = threading.Thread(target=thread_worker, args=(start_idx, end_idx))
        threads.append(thread)
        thread.start()
    for thread in threads:
        thread.join()
    return results


def multiprocessing_implementation(max_workers=4, end_num=END_NUM):
    results = [0 for i in range(START_NUM, end_num)]
    processes = []
    numbers_per_thread = math.ceil(len(results) / max_workers)
    result_queue = multiprocessing.Queue()

    # A nested target works because Linux forks: the child gets a copy of this function.
    def process_worker(start_idx, end_idx):
        batch_results = []
        for idx in range(start_idx, end_idx):
            batch_results.append((idx, worker_task(idx + 1)))
        result_queue.put(batch_results)

    for i in range(max_workers):
        start_idx = i * numbers_per_thread
        end_idx = min(start_idx + numbers_per_thread, len(results))
        process = multiprocessing.Process(target=process_worker, args=(start_idx, end_idx))
        processes.append(process)
        process.start()
    for _ in range(max_workers):
        for idx, result in result_queue.get():
            results[idx] = result
    for process in processes:
        process.join()
    return results


def threadpool_implementation(max_workers=4, end_num=END_NUM):
    with ThreadPoolExecutor(max_workers=max_workers) as executor:
        return list(executor.map(worker_task, range(START_NUM, end_num)))


def processpool_implementation(max_workers=4, end_num=END_NUM):
    with ProcessPoolExecutor(max_workers=max_workers) as executor:
        return list(executor.map(worker_task, range(START_NUM, end_num), chunksize=1000))


def joblib_implementation(backend, n_jobs=4, end_num=END_NUM):
    import joblib

    return joblib.Parallel(n_jobs=n_jobs, backend=backend)(
        joblib.delayed(worker_task)(i) for i in range(START_NUM, end_num)
    )


# The seed's `implementations`, numbered as its table.
ROWS = [
    ("Naive Sequential", naive_implementation),
    ("Threading (4 threads)", lambda: threading_implementation(4)),
    ("Threading (12 threads)", lambda: threading_implementation(12)),
    ("Threading (100 threads)", lambda: threading_implementation(100)),
    ("Multiprocessing (4 proc)", lambda: multiprocessing_implementation(4)),
    ("Multiprocessing (12 proc)", lambda: multiprocessing_implementation(12)),
    ("ThreadPool (4 workers)", lambda: threadpool_implementation(4)),
    ("ThreadPool (12 workers)", lambda: threadpool_implementation(12)),
    ("ThreadPool (100 workers)", lambda: threadpool_implementation(100)),
    ("ProcessPool (4 workers)", lambda: processpool_implementation(4)),
    ("ProcessPool (12 workers)", lambda: processpool_implementation(12)),
    ("Joblib Threading (4)", lambda: joblib_implementation("threading", 4)),
    ("Joblib Threading (12)", lambda: joblib_implementation("threading", 12)),
    ("Joblib Threading (100)", lambda: joblib_implementation("threading", 100)),
    ("Joblib Multiprocessing (4)", lambda: joblib_implementation("multiprocessing", 4)),
    ("Joblib Multiprocessing (12)", lambda: joblib_implementation("multiprocessing", 12)),
    ("Joblib Loky (4)", lambda: joblib_implementation("loky", 4)),
    ("Joblib Loky (12)", lambda: joblib_implementation("loky", 12)),
]


def main():
    try:
        import joblib  # noqa: F401

        missing = None
    except ImportError:
        missing = "joblib is not installed (pip install joblib)"
    for row, (name, implementation) in enumerate(ROWS, start=1):
        line = {"row": row, "name": name}
        if missing and name.startswith("Joblib"):
            line["skipped"] = missing
        else:
            start = time.perf_counter()
            results = implementation()
            line["seconds"] = time.perf_counter() - start
            line["checksum"] = sum(results)
        print(json.dumps(line), flush=True)


if __name__ == "__main__":
    main()

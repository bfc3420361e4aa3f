"""The Collatz table of the seed lecture (seed 000, "Concurrency: Parallelizing Tasks"): 1000
Collatz steps on each number, sequentially, in threads, in processes, in a ThreadPoolExecutor and
in a ProcessPoolExecutor, as written there (joblib's variants are left out: it is not a given).

The Rust lesson `pools` runs the same table (`pools/collatz`, 1..=50000) and reports jobs/s; one
job is one number here too.
"""

import math
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

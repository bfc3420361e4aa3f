"""The image downloader of the seed lectures (seed 002's `download_link`, seed 001's threads): one
at a time, then `ThreadPoolExecutor(max_workers=N).map`, then `multiprocessing.Pool(N).map`, as
written there, against the downloader lesson's local server instead of imgur.

The standard library's urllib stands in for `requests` (not a given); the shape is the seeds'.
"""

import os
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from multiprocessing.pool import Pool


def gallery_urls(base_url, count, latency_ms):
    """The same URLs the Rust bench fetches: the server's generated images, each delayed."""
    return [f"{base_url}/images/image-{i:03}.png?latency_ms={latency_ms}" for i in range(count)]


def download_link(directory, link):
    name = link.split("/")[-1].split("?")[0]
    with urllib.request.urlopen(link, timeout=30) as response:
        data = response.read()
    with open(os.path.join(directory, name), "wb") as f:
        f.write(data)
    return len(data)


def sequential_download(directory, links):
    for link in links:
        download_link(directory, link)


def multithreaded_download(directory, links, max_workers=8):
    download = partial(download_link, directory)
    with ThreadPoolExecutor(max_workers=max_workers) as ex:
        list(ex.map(download, links))


def multi_processes_download(directory, links, processes=8):
    download = partial(download_link, directory)
    with Pool(processes) as p:
        p.map(download, links)

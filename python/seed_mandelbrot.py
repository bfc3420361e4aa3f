"""The Mandelbrot variants of the seed lecture (seed 000, "Exercise: Mandelbrot Set"), as written
there: pure Python, pure Python in a process pool, numpy, numpy in a process pool, and numba.

They are the lecture's own code, kept as close to the original as a script allows (the process
pools need module-level functions), so the Rust lesson can be measured against them.
Every function returns the image of escape counts; the work done is its sum (pixel-iterations),
the unit the Rust bench `mandelbrot/render` reports.
"""

import multiprocessing

import numpy as np
from numba import jit, prange


def create_mandelbrot_image_simple(x_min, x_max, y_min, y_max, width, height, max_iter=200):
    x_step = (x_max - x_min) / width
    y_step = (y_max - y_min) / height

    C = [[0 for x in range(width)] for y in range(height)]
    Z = [[0 for x in range(width)] for y in range(height)]
    active = [[True for x in range(width)] for y in range(height)]
    escape_iter = [[max_iter for x in range(width)] for y in range(height)]
    for i in range(height):
        for j in range(width):
            C[i][j] = (x_min + j * x_step) + 1j * (y_min + i * y_step)

    for iter_num in range(max_iter):
        for i in range(height):
            for j in range(width):
                if active[i][j]:
                    Z[i][j] = Z[i][j] * Z[i][j] + C[i][j]
                    if abs(Z[i][j]) > 2:
                        escape_iter[i][j] = iter_num
                        active[i][j] = False
    return escape_iter


def _chunks(x_min, x_max, y_min, y_max, width, height, max_iter, num_workers):
    # The seed's split: one band of rows per worker.
    chunk_size = height // num_workers
    y_step = (y_max - y_min) / height
    return [
        (x_min, x_max, y_min + i * y_step, y_min + (i + chunk_size) * y_step, width, chunk_size, max_iter)
        for i in range(0, height, chunk_size)
    ]


def create_mandelbrot_image_multiprocess(
    x_min, x_max, y_min, y_max, width, height, max_iter=200, num_workers=4
):
    chunks = _chunks(x_min, x_max, y_min, y_max, width, height, max_iter, num_workers)
    with multiprocessing.Pool(processes=num_workers) as pool:
        sub_images = pool.starmap(create_mandelbrot_image_simple, chunks)
    result = []
    for sub_image in sub_images:
        result += sub_image
    return result


def create_mandelbrot_image_numpy(x_min, x_max, y_min, y_max, width, height, max_iter=200):
    x_range = np.linspace(x_min, x_max, width)
    y_range = np.linspace(y_min, y_max, height)
    C = x_range + 1j * y_range[:, None]
    Z = np.zeros_like(C)
    active = np.full_like(Z, fill_value=True, dtype=bool)
    escape_iter = np.full_like(C, fill_value=max_iter, dtype=np.uint16)
    for iter_num in range(max_iter):
        Z[active] = Z[active] * Z[active] + C[active]
        escape_mask = np.abs(Z) > 2
        escape_iter[escape_mask & active] = iter_num
        active[escape_mask] = False
        active = ~escape_mask
    return escape_iter


def create_mandelbrot_image_numpy_multiprocess(
    x_min, x_max, y_min, y_max, width, height, max_iter=200, num_workers=4
):
    chunks = _chunks(x_min, x_max, y_min, y_max, width, height, max_iter, num_workers)
    with multiprocessing.Pool(processes=num_workers) as pool:
        sub_images = pool.starmap(create_mandelbrot_image_numpy, chunks)
    return np.vstack(sub_images)


@jit(nopython=True, parallel=True, fastmath=True)
def create_mandelbrot_image_numba(x_min, x_max, y_min, y_max, width, height, max_iter=200):
    result = np.empty((height, width), np.uint16)
    dx = (x_max - x_min) / width
    dy = (y_max - y_min) / height
    for i in prange(height):
        y = y_min + i * dy
        row = result[i]
        for j in range(width):
            x = x_min + j * dx
            zx = 0.0
            zy = 0.0
            iter_num = 0
            while (zx * zx + zy * zy) <= 4.0 and iter_num < max_iter:
                zx_new = zx * zx - zy * zy + x
                zy = 2.0 * zx * zy + y
                zx = zx_new
                iter_num += 1
            row[j] = iter_num
    return result


def seeds_view(width, height):
    """The lecture's `visualize` view: x in [-2.5, 1.0], centred on y = 0, the image's aspect."""
    xmin, xmax = -2.5, 1.0
    y_span = (xmax - xmin) * (height / width) / 2.0
    return xmin, xmax, -y_span, y_span

"""Timing of the numpy reference layers and the shape formulas (course_utils).

Sizes are those of the chapters' widgets and exercises (batch 1, 28x28 MNIST-sized
inputs, 3x3 kernels, 1->4 and 3->8 channels, stride 1 and 2, 2x2 pooling, transposed
conv 7x7 -> 14x14).  A slider built on these functions must update within 50 ms, so
each line says PASS or FAIL against that target.  The import time of the package
(target 0.3 s, measured in a fresh interpreter) is reported too.

Run:  python -m benchmarks.bench_layers
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

import numpy as np

from course_utils import layers as cl
from course_utils.params import conv2d_params, dense_params
from course_utils.shapes import (
    conv_output_length,
    conv_transpose_output_length,
    pool_output_length,
    receptive_field,
)

TARGET_MS = 50.0
IMPORT_TARGET_S = 0.3


def median_ms(fn, repeats=15, number=5):
    fn()  # warm up
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(number):
            fn()
        times.append((time.perf_counter() - t0) / number * 1000)
    return statistics.median(times)


def import_seconds(modules, repeats=5):
    """Median time of importing ``modules`` in a fresh interpreter."""
    code = f"import time; t0 = time.perf_counter(); import {modules}; print(time.perf_counter() - t0)"
    runs = [float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                 check=True).stdout) for _ in range(repeats)]
    return statistics.median(runs)


def main():
    rng = np.random.default_rng(0)
    f32 = lambda *s: rng.standard_normal(s).astype("float32")  # noqa: E731
    x1, x3 = f32(1, 28, 28, 1), f32(1, 28, 28, 3)
    k14, k38 = f32(3, 3, 1, 4), f32(3, 3, 3, 8)
    x4 = f32(1, 28, 28, 4)
    x7 = f32(1, 7, 7, 8)
    w_dense = f32(784, 10)
    kt = f32(3, 3, 4, 8)
    pooled, idx = cl.max_pool2d(x4, 2, return_indices=True)
    cases = [
        ("dense 784->10", lambda: cl.dense(x1.reshape(1, 784), w_dense)),
        ("conv2d 28x28 3x3 1->4 stride 1 valid", lambda: cl.conv2d(x1, k14)),
        ("conv2d 28x28 3x3 1->4 stride 1 same", lambda: cl.conv2d(x1, k14, padding="same")),
        ("conv2d 28x28 3x3 1->4 stride 2 same", lambda: cl.conv2d(x1, k14, stride=2, padding="same")),
        ("conv2d 28x28 3x3 3->8 stride 1 valid", lambda: cl.conv2d(x3, k38)),
        ("conv2d 28x28 3x3 3->8 stride 2 padding 1", lambda: cl.conv2d(x3, k38, stride=2, padding=1)),
        ("conv2d 28x28 3x3 1->4 dilation 2", lambda: cl.conv2d(x1, k14, dilation=2)),
        ("max_pool2d 28x28x4 2x2", lambda: cl.max_pool2d(x4, 2)),
        ("max_pool2d 28x28x4 2x2 return_indices", lambda: cl.max_pool2d(x4, 2, return_indices=True)),
        ("max_pool2d 28x28x4 3x3 stride 2 same", lambda: cl.max_pool2d(x4, 3, 2, "same")),
        ("avg_pool2d 28x28x4 2x2", lambda: cl.avg_pool2d(x4, 2)),
        ("avg_pool2d 28x28x4 3x3 stride 2 same", lambda: cl.avg_pool2d(x4, 3, 2, "same")),
        ("upsample_nearest 14x14x4 x2", lambda: cl.upsample_nearest(pooled, 2)),
        ("bed_of_nails 14x14x4 x2", lambda: cl.bed_of_nails(pooled, 2)),
        ("max_unpool2d 14x14x4 -> 28x28x4", lambda: cl.max_unpool2d(pooled, idx, x4.shape)),
        ("conv2d_transpose 7x7 8->4 3x3 stride 2 same (->14x14)",
         lambda: cl.conv2d_transpose(x7, kt, stride=2, padding="same")),
        ("conv2d_transpose 14x14 4->1 3x3 stride 2 same op 1 (->28x28)",
         lambda: cl.conv2d_transpose(pooled, f32(3, 3, 1, 4), stride=2, padding="same", output_padding=1)),
        ("formulas: conv/pool/transpose length + params (x100)", lambda: [
            (conv_output_length(28, 3, 2, "same"), pool_output_length(28, 2),
             conv_transpose_output_length(7, 3, 2, "same", 1), conv2d_params(3, 8, 3), dense_params(784, 10))
            for _ in range(100)]),
        ("receptive_field 4 layers", lambda: receptive_field([(3, 1), (2, 2), (3, 1), (2, 2)])),
    ]
    width = max(len(name) for name, _ in cases)
    failed = 0
    print(f"{'case':<{width}}  median ms  (target {TARGET_MS:.0f} ms)")
    for name, fn in cases:
        ms = median_ms(fn)
        ok = ms < TARGET_MS
        failed += not ok
        print(f"{name:<{width}}  {ms:9.3f}  {'PASS' if ok else 'FAIL'}")
    for label, modules, gate in [
        ("import course_utils, .shapes, .params (no numpy)", "course_utils, course_utils.shapes, course_utils.params", False),
        ("import course_utils (+shapes, params, layers)",
         "course_utils, course_utils.shapes, course_utils.params, course_utils.layers", True),
        ("  for comparison: import numpy alone", "numpy", False),
    ]:
        seconds = import_seconds(modules)
        verdict = ""
        if gate:
            ok = seconds < IMPORT_TARGET_S
            failed += not ok
            verdict = f"{'PASS' if ok else 'FAIL'} (target {IMPORT_TARGET_S * 1000:.0f} ms)"
        print(f"{label:<{width}}  {seconds * 1000:9.1f}  {verdict}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

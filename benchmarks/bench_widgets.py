"""Time one slider update (geometry + trait sync) of each explorer at chapter sizes.

Run: python -m benchmarks.bench_widgets [--repeats 31]
Prints the median (and p90) per case and PASS/FAIL against the 50 ms budget.
The time covers what happens in the kernel when a learner moves a slider: the
observer recomputes the geometry with course_utils, clamps the position sliders
and sets the canvas' ``geometry`` trait (which serialises it for the front end).
The geometry synced is small: explorers.js draws the grids itself from the parameters.
The browser side (one slider step redrawn by explorers.js in Chromium, target < 16 ms)
is printed by tests/site/test_browser.py.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time

import ipywidgets

from course_utils.widgets import ConvExplorer, ReceptiveFieldExplorer, TransposedConvExplorer

BUDGET_MS = 50.0

CASES = [
    ("Conv 28x28, k=3, kernel 3<->5", lambda: ConvExplorer(input_size=28, kernel_size=3), "kernel_size", [5, 3]),
    ("Conv 28x28, k=3, 'same', row", lambda: ConvExplorer(input_size=28, kernel_size=3, padding="same"), "row",
     [13, 27]),
    ("Conv 7x7, k=3, stride 1<->2", lambda: ConvExplorer(input_size=7, kernel_size=3), "stride", [2, 1]),
    ("RF 4 layers on 32x32, kernel0", lambda: ReceptiveFieldExplorer(
        layers=[("conv", 3, 1), ("pool", 2, 2), ("conv", 3, 1, 2), ("pool", 2, 2)], input_size=32),
     "kernel0", [5, 3]),
    ("RF default (3x3/2 conv + 2x2/2 pool)", lambda: ReceptiveFieldExplorer(), "row", [2, 0]),
    ("Transposed 7x7, k=3, s=2, stride", lambda: TransposedConvExplorer(input_size=7, kernel_size=3, stride=2),
     "stride", [3, 2]),
]


def time_case(make, control, values, repeats):
    ex = make()
    times = []
    for i in range(repeats):
        t0 = time.perf_counter()
        ex.controls[control].value = values[i % len(values)]
        json.dumps(ex.canvas.geometry)  # what the comm sends
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return statistics.median(times), times[int(0.9 * (len(times) - 1))], len(json.dumps(ex.canvas.geometry))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=31)
    args = parser.parse_args(argv)
    print(f"ipywidgets {ipywidgets.__version__}, Python {sys.version.split()[0]}, budget {BUDGET_MS:.0f} ms")
    ok = True
    for name, make, control, values in CASES:
        med, p90, size = time_case(make, control, values, args.repeats)
        passed = med < BUDGET_MS
        ok &= passed
        print(f"{'PASS' if passed else 'FAIL'}  {name:<40} median {med:7.2f} ms  p90 {p90:7.2f} ms  "
              f"geometry {size / 1024:6.1f} KiB")
    print("ALL PASS" if ok else "SOME FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())

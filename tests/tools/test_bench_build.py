"""benchmarks/bench_build.py's CPU meter, which says whether the suite is CPU-bound (issue 22)."""

from __future__ import annotations

import time

from benchmarks.bench_build import cpu_jiffies


def test_cpu_meter_counts_busy_ticks_within_all_ticks():
    busy_before, total_before = cpu_jiffies()
    assert 0 < busy_before <= total_before, "/proc/stat is readable on the reference machine (Linux)"
    deadline = time.monotonic() + 0.5
    while time.monotonic() < deadline:  # keep one CPU busy for half a second
        pass
    busy_after, total_after = cpu_jiffies()
    assert busy_after - busy_before >= 20  # 0.5 s of one CPU at 100 ticks a second, with room for rounding
    assert 0 < busy_after - busy_before <= total_after - total_before

"""A pytest plugin for ``benchmarks/bench_build.py --suite``: when each test ran, and on which worker.

Loaded with ``-p benchmarks.suite_timeline``; it appends one JSON line per test phase (setup, call,
teardown) to the file named by ``COURSE_SUITE_TIMELINE``: the xdist worker, the end time and the
duration. Nothing is written when the variable is unset.
"""

from __future__ import annotations

import json
import os
import time


def pytest_runtest_logreport(report) -> None:
    path = os.environ.get("COURSE_SUITE_TIMELINE")
    if not path or hasattr(report, "node"):
        return  # the xdist controller sees each report again (with .node): the workers write them
    line = {"worker": os.environ.get("PYTEST_XDIST_WORKER", "main"), "end": time.time(),
            "duration": report.duration, "when": report.when, "nodeid": report.nodeid}
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(line) + "\n")

"""Work done once per test run and read by every test that needs it, on every xdist worker.

``scripts/test.sh`` runs the suite on two pytest-xdist workers (issue 22). A session fixture
runs once *per worker*, so a book build that two test files read would be built twice. The
fixtures of ``tests/conftest.py`` call :func:`once` instead: the first worker to ask does the
work in a folder both workers see (next to the workers' own temporary folders), the other
waits on a file lock and reads the result. Without xdist it is a plain once-per-session cache.

A failure is remembered as well: the second worker fails at once with the first one's message
instead of doing the same failing work again.
"""

from __future__ import annotations

import fcntl
import os
import traceback
from pathlib import Path
from typing import Callable

import pytest


def run_folder(tmp_path_factory) -> Path:
    """The temporary folder of this test run that every xdist worker shares."""
    base = tmp_path_factory.getbasetemp()
    # a worker's own basetemp is <run folder>/popen-gwN
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def once(tmp_path_factory, name: str, make: Callable[[Path], object]) -> Path:
    """Run ``make(folder)`` once per test run (across workers); return ``folder``.

    ``make`` writes what it produces into ``folder``; every later call, in this process or
    another worker, returns the same folder after the first call finished.
    """
    root = run_folder(tmp_path_factory)
    folder = root / f"shared-{name}"
    done, failed = folder / ".done", folder / ".failed"
    with open(root / f"shared-{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if done.exists():
            return folder
        if failed.exists():
            pytest.fail(f"shared work {name!r} failed earlier in this run:\n{failed.read_text(encoding='utf-8')}",
                        pytrace=False)
        folder.mkdir(exist_ok=True)
        try:
            make(folder)
        except BaseException:
            failed.write_text(traceback.format_exc()[-8000:], encoding="utf-8")
            raise
        done.touch()
    return folder

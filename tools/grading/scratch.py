"""The grader's temporary folders: under ``grading/tmp/`` of the course, removed on every way out.

``python -m tools.grade`` unpacks an LMS zip into one (tools/grading/records.unpack) and runs
each sandbox in one (tools/grading/sandbox.py).  :func:`folder` removes its folder when the
``with`` block ends, however it ends (an error, Ctrl-C, SIGTERM turned into Ctrl-C by
tools/grade.py).  A run killed outright (SIGKILL, a power cut) cannot clean up: each folder's
name carries the process id of its run, and :func:`clear_stale`, called at the start of the
next run, removes the folders of runs that are no longer alive (another run's are kept), and the
memory cgroups of their sandboxes (tools/grading/sandbox.py, ``MemoryCgroup``).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path


def base(root: Path) -> Path:
    """``ROOT/grading/tmp``: where every temporary folder of a grading run lives."""
    return root / "grading" / "tmp"


@contextlib.contextmanager
def folder(root: Path, kind: str):
    """A new folder ``grading/tmp/KIND-PID-xxxx``, removed when the block ends (yields its Path)."""
    where = base(root)
    where.mkdir(parents=True, exist_ok=True)
    path = Path(tempfile.mkdtemp(prefix=f"{kind}-{os.getpid()}-", dir=where))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    return True


def stale(name: str) -> bool:
    """Whether ``KIND-PID-xxxx`` names a folder of a run that is no longer alive.

    >>> stale("inbox-999999999-abc"), stale(f"inbox-{os.getpid()}-abc"), stale("notes")
    (True, False, False)
    """
    parts = name.split("-")
    return len(parts) >= 3 and parts[1].isdigit() and not _alive(int(parts[1]))


def clear_stale(root: Path) -> list[Path]:
    """Remove the folders (and the sandboxes' memory cgroups) left by grading runs no longer running.

    Returns the folders removed.  Called by tools/grade.py at its start, and by a Dask worker's first job.
    """
    from tools.grading.sandbox import MemoryCgroup

    MemoryCgroup.clear_stale()
    removed = []
    where = base(root)
    if not where.is_dir():
        return removed
    for path in sorted(where.iterdir()):
        if stale(path.name):
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed

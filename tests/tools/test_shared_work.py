"""tests/support/shared.py: work shared by the xdist workers of a test run is done once, failures included."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from notebook_helpers import ROOT
from shared import once


class _Factory:
    """What once() uses of pytest's tmp_path_factory."""

    def __init__(self, base: Path):
        self.base = base

    def getbasetemp(self) -> Path:
        return self.base


def test_two_processes_asking_at_once_share_one_piece_of_work(tmp_path):
    """Two workers (here: two processes) ask together; one does the work, both get its folder."""
    code = textwrap.dedent(f"""
        import sys, time
        sys.path[:0] = [{str(ROOT / "tests" / "support")!r}]
        from pathlib import Path
        from shared import once

        class Factory:
            def getbasetemp(self):
                return Path({str(tmp_path)!r})

        def make(folder):
            with open(Path({str(tmp_path)!r}) / "calls", "a") as handle:
                handle.write("x")
            time.sleep(1.0)  # the other process arrives while this one works
            (folder / "site.html").write_text("built")

        print((once(Factory(), "book", make) / "site.html").read_text())
    """)
    runs = [subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [run.communicate(timeout=60)[0].strip() for run in runs]
    assert [run.returncode for run in runs] == [0, 0]
    assert outputs == ["built", "built"]
    assert (tmp_path / "calls").read_text() == "x"


def test_a_failure_is_reported_again_without_doing_the_work_again(tmp_path):
    factory, calls = _Factory(tmp_path), []

    def broken(folder):
        calls.append(folder)
        raise RuntimeError("the build failed: see its log")

    with pytest.raises(RuntimeError):
        once(factory, "broken", broken)
    with pytest.raises(pytest.fail.Exception, match="the build failed: see its log"):
        once(factory, "broken", broken)
    assert len(calls) == 1

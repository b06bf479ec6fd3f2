"""Run tests/package/test_widgets.py under ipywidgets 7.7.1 (Google Colab's version).

A second virtual environment is built once at ``<repo>/.venv-ipyw7`` from the
pinned ``requirements-ipywidgets7.txt`` (rebuilt when that file changes), with
course_utils installed by ``pip install --no-deps -e <repo>``.  The widget tests
then run there in a subprocess.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
VENV = REPO / ".venv-ipyw7"
REQUIREMENTS = REPO / "requirements-ipywidgets7.txt"
STAMP = VENV / "requirements.sha256"


def _python():
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def _ensure_venv():
    digest = hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()
    if _python().exists() and STAMP.exists() and STAMP.read_text().strip() == digest:
        return
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(VENV)], check=True)
    pip = [str(_python()), "-m", "pip", "install", "--no-input", "--disable-pip-version-check", "-q"]
    for args, limit in ((["-r", str(REQUIREMENTS)], 1800), (["--no-deps", "-e", str(REPO)], 600)):
        proc = subprocess.run(pip + args, capture_output=True, text=True, timeout=limit)
        assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    STAMP.write_text(digest)


@pytest.mark.slow
def test_widget_tests_pass_under_ipywidgets_7_7_1():
    _ensure_venv()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    version = subprocess.run([str(_python()), "-c", "import ipywidgets, anywidget; "
                              "print(ipywidgets.__version__, anywidget.__version__)"],
                             capture_output=True, text=True, check=True, env=env).stdout.split()
    assert version[0] == "7.7.1", version
    proc = subprocess.run(
        [str(_python()), "-m", "pytest", "-q", "-p", "no:cacheprovider", "--noconftest", "-s",
         "tests/package/test_widgets.py"],
        cwd=REPO, capture_output=True, text=True, env=env, timeout=900,
    )
    print(proc.stdout[-4000:], proc.stderr[-2000:])
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    assert "ipywidgets 7.7.1" in proc.stdout
    assert " passed" in proc.stdout and "failed" not in proc.stdout and "skipped" not in proc.stdout

"""Debian's Chromium for the browser tests (tests/site/test_browser.py, tests/grading/test_report_browser.py).

Playwright's Python client drives the executable that ``scripts/install_system_packages.sh``
installs; Playwright never downloads a browser of its own.
"""

from __future__ import annotations

import shutil
from pathlib import Path


def chromium_path() -> str:
    """The Chromium executable to launch (fails with what to install when there is none)."""
    path = shutil.which("chromium") or shutil.which("chromium-browser") or "/usr/bin/chromium"
    assert Path(path).exists(), "Chromium is needed: bash scripts/install_system_packages.sh installs Debian's chromium"
    return path

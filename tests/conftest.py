"""Fixtures shared by several test files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from notebook_helpers import build_book


@pytest.fixture(scope="session")
def public_site(tmp_path_factory):
    """The public edition built once per session in quick mode (tests/test_book.py, tests/test_browser.py).

    COURSE_PUBLIC_SITE=_build/public/_build/html reuses a site built by scripts/build_book.sh
    (handy while working on the pages; CI always builds).
    """
    if os.environ.get("COURSE_PUBLIC_SITE"):
        return Path(os.environ["COURSE_PUBLIC_SITE"]).resolve()
    return build_book("public", tmp_path_factory.mktemp("public"))

"""Fixtures shared by several test files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from course_utils.runtime import BOOK_ONEDNN, configure

# Once, before any test module imports TensorFlow: the same numerics as the book
# (course_utils.notebook.setup_notebook), C++ warnings hidden.
configure(log_level=2, onednn=BOOK_ONEDNN)

from notebook_helpers import build_book  # noqa: E402


@pytest.fixture(scope="session")
def public_site(tmp_path_factory):
    """The public edition built once per session in quick mode (tests/site/test_book.py, tests/site/test_browser.py).

    COURSE_PUBLIC_SITE=_build/public/_build/html reuses a site built by scripts/build_book.sh
    (handy while working on the pages; CI always builds).
    """
    if os.environ.get("COURSE_PUBLIC_SITE"):
        return Path(os.environ["COURSE_PUBLIC_SITE"]).resolve()
    return build_book("public", tmp_path_factory.mktemp("public"))

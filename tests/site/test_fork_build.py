"""A fork's build names the fork, with no file edited (issue 33).

The publish workflow sets ``COURSE_REPOSITORY_URL`` to the repository it runs in; here the README's
build command runs with another URL there, and every Colab button and install cell of the built site
must name it (and nothing the old one). The pages are built without running the notebooks
(``--no-execute``): the URL lives in the staged sources and the Colab buttons, not in any output, and
a full execution would add a minute of CPU for nothing (the executed public site is
tests/site/test_book.py's).
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from bs4 import BeautifulSoup

from notebook_helpers import ROOT, editions
from tools.notebooks import book_notebooks

pytestmark = pytest.mark.slow

FORK = "https://github.com/fork-owner/fork-book"


@pytest.fixture(scope="module")
def fork_site(tmp_path_factory):
    out = tmp_path_factory.mktemp("fork-build")
    env = dict(os.environ, **{editions.REPOSITORY_URL_ENV: FORK})
    result = subprocess.run([sys.executable, "-m", "tools.build_book", "--no-execute", "--output", str(out), "--quiet"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=1200)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    assert f"build_book: repository URL {FORK} (from ${editions.REPOSITORY_URL_ENV})" in result.stdout
    return out / "_build" / "html"


def test_every_colab_button_and_install_cell_names_the_fork(fork_site):
    notebooks = book_notebooks()
    assert len(notebooks) >= 8
    for path in notebooks:
        doc = path.relative_to(ROOT).with_suffix("").as_posix()
        html = (fork_site / f"{doc}.html").read_text(encoding="utf-8")
        colab = f"https://colab.research.google.com/github/fork-owner/fork-book/blob/{editions.STUDENT_BRANCH}/{doc}.ipynb"
        assert colab in html, doc
        soup = BeautifulSoup(html, "html.parser")
        install = next(cell for cell in soup.select("div.cell") if 'find_spec("course_utils")' in cell.get_text())
        assert f'git+{FORK}"' in install.get_text(), doc


def test_the_sources_keep_their_url_and_the_site_names_only_the_fork(fork_site):
    configured = editions.configured_repository_url()
    assert configured != FORK
    assert configured in (ROOT / "_config.yml").read_text(encoding="utf-8")  # nothing was edited
    stale = [p.relative_to(fork_site).as_posix() for p in fork_site.rglob("*.html")
             if configured in p.read_text(encoding="utf-8")]
    assert not stale, stale

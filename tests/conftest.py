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
from shared import once  # noqa: E402

#: The longest test files, longest first (seconds on a worker of a two-worker run, 2026-12-03, 14 min 7 s in
#: all). scripts/test.sh runs the suite on two xdist workers, a whole file at a time (--dist loadfile) in
#: collection order: starting the long files first keeps both workers busy to the end, where only short
#: files are left.
SLOWEST_FIRST = (
    "tests/grading/test_grade_command.py",      # 347 s: the crafted class, as root and unprivileged
    "tests/grading/test_grade_limits.py",       # 330 s: a 3 GB zip, sandbox limits as root and unprivileged
    "tests/grading/test_grading.py",            # 308 s: nbgrader on every chapter
    "tests/colab/test_colab_oldest.py",         # ~260 s: the Colab job at TF 2.19 + Keras 3.10 (2026-12-06, warm,
    "tests/colab/test_colab_newest.py",         # ~260 s: the Colab job at the newest TF + Keras  the ends side by side)
    "tests/grading/test_grade_dask.py",         # 245 s: a real Dask cluster
    "tests/grading/test_grade_shortcuts.py",    # 325 s: tools.grade on the shortcut kit of chapters 2-7, + 67 s: the
                                                #   copied answers of chapters 1, 3 and 7 (2026-12-06)
    "tests/grading/test_grade_variants.py",     #  40 s: tools.grade on a crafted class with per-student numbers
    "tests/site/test_browser.py",               # ~46 s + axe-core on 14 pages in two modes (issue 30: 106 s for
                                                #   those three tests alone under a load average of 10)
    "tests/grading/test_student_version.py",    #  66 s
    "tests/grading/test_grading_edge_cases.py",  # 63 s: nbgrader on chapter 1's awkward cases
    "tests/chapters/test_variants.py",          # ~150 s (loaded): every variant of the 20 number exercises vs Keras
    "tests/grading/test_grade_models.py",       # ~150 s: tools.grade on chapters 5, 6 and 7's model exercises (3 runs)
    "tests/site/test_book.py",                  #  87 s: both editions built (shared, tests/support/shared.py)
    "tests/chapters/test_notebooks.py",         #  82 s: the instructor build's executions
    "tests/chapters/test_gan_exercises.py",     #  45-70 s: chapter 6's networks and train_step, one GAN step a check
    "tests/tools/test_train_models_script.py",  #  49 s
    "tests/site/test_pdf.py",                   #  40-85 s after the public build: the PDF printed and read back
    "tests/tools/test_bench_gan_recipes.py",    #  37 s
    "tests/site/test_fork_build.py",            #  27-31 s: the pages built with a fork's URL
    "tests/package/test_runtime.py",            #  29 s
    "tests/chapters/test_claims_seeds.py",      #  30 s: two short trainings (5.6's demo, 7.9's linear autoencoder)
    "tests/grading/test_report.py",             #  22 s
    "tests/package/test_setup_notebook.py",     #  20 s (+ about 20 s: the Hangul font checks, issue 30)
)


def pytest_collection_modifyitems(session, config, items):
    """Run the files of SLOWEST_FIRST first, in that order; every other test keeps its place after them."""
    rank = {name: index for index, name in enumerate(SLOWEST_FIRST)}
    root = Path(str(config.rootpath))

    def file_rank(item) -> int:
        try:
            name = Path(str(item.path)).relative_to(root).as_posix()
        except ValueError:
            return len(rank)
        return rank.get(name, len(rank))

    order = {id(item): index for index, item in enumerate(items)}
    items.sort(key=lambda item: (file_rank(item), order[id(item)]))


@pytest.fixture(scope="session")
def public_site(tmp_path_factory):
    """The public edition built once per test run in quick mode (tests/site/test_book.py, tests/site/test_browser.py).

    COURSE_PUBLIC_SITE=_build/public/_build/html reuses a site built by scripts/build_book.sh
    (handy while working on the pages; CI always builds).
    """
    if os.environ.get("COURSE_PUBLIC_SITE"):
        return Path(os.environ["COURSE_PUBLIC_SITE"]).resolve()
    return once(tmp_path_factory, "public", lambda folder: build_book("public", folder)) / "_build" / "html"


@pytest.fixture(scope="session")
def instructor_build(tmp_path_factory) -> Path:
    """The instructor edition built once per test run in quick mode: the output folder.

    Its execution cache holds every source notebook of the book executed once (solutions in,
    quick mode, offline data): tests/chapters/test_notebooks.py reads those executions
    (:func:`executed_source_notebooks`) instead of running the notebooks again, and
    tests/site/test_book.py reads the pages.
    """
    return once(tmp_path_factory, "instructor", lambda folder: build_book("instructor", folder))


@pytest.fixture(scope="session")
def instructor_site(instructor_build) -> Path:
    return instructor_build / "_build" / "html"


@pytest.fixture(scope="session")
def executed_source_notebooks(instructor_build) -> dict:
    """{path under book/ (posix): the notebook as the instructor build executed it}."""
    import nbformat
    from jupyter_cache import get_cache

    src = (instructor_build / "src" / "book").resolve()
    cache = get_cache(instructor_build / "_build" / ".jupyter_cache")
    executed = {}
    for record in cache.list_cache_records():
        nb = cache.get_cache_bundle(record.pk).nb
        executed[Path(record.uri).resolve().relative_to(src).as_posix()] = nbformat.from_dict(nb)
    return executed

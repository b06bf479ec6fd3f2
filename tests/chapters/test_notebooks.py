"""Every notebook of the book executes, and every chapter's visible checks pass on the solutions.

The notebooks run in quick mode (COURSE_QUICK=1: small data, short training)
with offline data and no network (tests/network_guard), once per test run: the
instructor edition's build executes them (tests/conftest.py) and these tests read its
execution cache.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from notebook_helpers import ROOT, editions, errors, grade_cells, stdout
from tools.notebooks import book_notebooks

pytestmark = pytest.mark.slow

NOTEBOOKS = book_notebooks()


@pytest.fixture(scope="module", params=NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def executed(request, executed_source_notebooks):
    """The notebook as the instructor edition's build executed it (tests/conftest.py: each notebook
    runs once per test run, in a new kernel, exactly as the book's build runs it)."""
    path: Path = request.param
    key = path.relative_to(ROOT / "book").as_posix()
    assert key in executed_source_notebooks, f"{key} was not executed by the instructor build"
    return path, executed_source_notebooks[key]


def test_notebook_executes_without_error(executed):
    path, nb = executed
    assert errors(nb) == [], f"{path.name}: errors {errors(nb)}"


def test_every_visible_check_passes_on_the_solutions(executed):
    path, nb = executed
    for cell in grade_cells(nb):
        # a conceptual multiple choice (none declared now) would only have its format checked
        assert "통과" in stdout(cell) or "강사의 채점" in stdout(cell), \
            f"{path.name}: {cell.metadata['nbgrader']['grade_id']} printed {stdout(cell)!r}"


def test_chapters_are_the_assignments():
    """The chapters the tools use (editions.chapter_notebooks) are exactly the assignments nbgrader finds.

    nbgrader's own discovery (what ``nbgrader generate_assignment`` would release), with the
    settings of nbgrader_config.py: every assignment folder under book/ and its notebooks.
    """
    from nbgrader.converters import GenerateAssignment
    from nbgrader.coursedir import CourseDirectory

    config = editions._nbgrader_config()
    converter = GenerateAssignment(coursedir=CourseDirectory(config=config, student_id=".", assignment_id="*"), config=config)
    converter.init_notebooks()
    found = {Path(folder).name: sorted(Path(nb) for nb in notebooks) for folder, notebooks in converter.assignments.items()}
    chapters = editions.chapter_notebooks()
    assert chapters, "no chapter notebook found under book/"
    assert found == {path.parent.name: [path] for path in chapters}

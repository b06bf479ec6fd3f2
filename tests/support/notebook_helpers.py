"""Helpers shared by the notebook, student-version and grading tests.

- :func:`execute`: run a notebook in a fresh kernel with the test environment
  (quick mode, offline data, no network);
- :func:`solutions_by_id` / :func:`fill_answers`: make submissions from the
  released notebook, with the instructor's solutions or with chosen wrong ones.
"""

from __future__ import annotations

import copy
import os
import re
import sys
from pathlib import Path

import nbformat

from tools import editions

ROOT = Path(__file__).resolve().parents[2]
NETWORK_GUARD = ROOT / "tests" / "support" / "network_guard"

#: The environment of every kernel the tests start: small data, no network.
TEST_ENV = {
    "COURSE_QUICK": "1",
    "COURSE_OFFLINE_DATA": "1",
    "COURSE_NO_NETWORK": "1",
    "TF_CPP_MIN_LOG_LEVEL": "2",
    "MPLBACKEND": "Agg",
}


def kernel_environment() -> dict:
    """os.environ plus TEST_ENV, with the network guard on PYTHONPATH."""
    env = dict(os.environ, **TEST_ENV)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(NETWORK_GUARD), env.get("PYTHONPATH", "")]))
    # nbgrader runs `alembic` and jupyter finds kernels through PATH: put this environment first.
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    return env


def execute(nb, cwd: Path, *, allow_errors: bool = False, timeout: int = 600):
    """Execute ``nb`` (a NotebookNode) in a new python3 kernel; return the executed copy."""
    from nbclient import NotebookClient

    nb = copy.deepcopy(nb)
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(kernel_environment())
    try:
        client = NotebookClient(
            nb, timeout=timeout, kernel_name="python3", allow_errors=allow_errors,
            resources={"metadata": {"path": str(cwd)}},
            shutdown_kernel="immediate",  # the outputs are in; a TensorFlow kernel's own exit costs 1-1.5 s
        )
        client.execute()
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return nb


def errors(nb) -> list[tuple[int, str, str]]:
    """(cell index, ename, evalue) of every error output."""
    found = []
    for index, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                found.append((index, out.get("ename"), out.get("evalue")))
    return found


def stdout(cell) -> str:
    return "".join(o.get("text", "") for o in cell.get("outputs", []) if o.get("output_type") == "stream")


def grade_id(cell) -> str | None:
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


def answer_cells(nb):
    return [c for c in nb.cells if editions.is_solution_cell(c)]


def grade_cells(nb):
    return [c for c in nb.cells if editions.is_grade_cell(c)]


_SOLUTION_MARKERS = re.compile(r"^[ \t]*### (BEGIN|END) SOLUTION[^\n]*\n?", re.M)


def solution_source(cell) -> str:
    """The source of an answer cell with the solution markers removed (the instructor's answer)."""
    return _SOLUTION_MARKERS.sub("", cell.source)


def solutions_by_id(source_nb) -> dict[str, str]:
    return {grade_id(c): solution_source(c) for c in answer_cells(source_nb)}


def fill_answers(released_nb, answers: dict[str, str]):
    """A copy of the released notebook with the given answer cells replaced."""
    nb = copy.deepcopy(released_nb)
    for cell in nb.cells:
        if grade_id(cell) in answers:
            cell.source = answers[grade_id(cell)]
    return nb


def exercise_pairs(nb) -> list[tuple[str, str, float]]:
    """(answer grade id, test grade id, points) for each exercise, in order.

    The test cell of an exercise is the first grade cell after its answer cell.
    """
    pairs, pending = [], None
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("solution"):
            pending = meta["grade_id"]
        elif meta.get("grade") and pending:
            pairs.append((pending, meta["grade_id"], float(meta.get("points", 0))))
            pending = None
    return pairs


def page_text(html: str) -> str:
    """The text a reader sees on an HTML page (highlighted code is split into <span>s in the HTML itself)."""
    from bs4 import BeautifulSoup

    return BeautifulSoup(html, "html.parser").get_text()


def read(path: Path):
    return nbformat.read(path, as_version=4)


def solution_lines(source_nb) -> list[str]:
    """Code lines of the instructor's solutions that appear nowhere else in the source notebook.

    These must never reach a learner (a line such as ``answer = (`` that the question itself
    shows is left out)."""
    outside = []
    for cell in source_nb.cells:
        body = cell.source
        while "### BEGIN SOLUTION" in body:
            before, rest = body.split("### BEGIN SOLUTION", 1)
            body = before + rest.split("### END SOLUTION", 1)[-1]
        outside.append(body)
    outside_text = "\n".join(outside)
    found = []
    for cell in answer_cells(source_nb):
        if "### BEGIN SOLUTION" not in cell.source:
            continue
        body = cell.source.split("### BEGIN SOLUTION", 1)[1].split("### END SOLUTION", 1)[0]
        for line in body.splitlines():
            line = line.strip()
            if len(line) > 6 and not line.startswith("#") and line not in outside_text:
                found.append(line)
    return found


def build_book(edition: str, out: Path) -> Path:
    """Build ``edition`` of the book in quick mode under ``out``; return its HTML folder.

    The kernels draw their figures as the book's build does (Jupyter's inline
    backend, not the tests' ``MPLBACKEND=Agg``), so its pages hold every figure with its alt text
    and caption (tests/site/test_book.py) for axe-core to check (tests/site/test_browser.py).
    """
    import subprocess

    command = [sys.executable, "-m", "tools.build_book", "--output", str(out), "--quiet"]
    env = kernel_environment()
    if edition == "instructor":
        command.append("--instructor")
    # The book's figures as the real build draws them (Jupyter's inline backend): with the tests' Agg
    # backend a figure would be its text "<Figure size ...>" (test_pdf.py counts the figures, test_book.py
    # checks their alt text).
    env.pop("MPLBACKEND", None)
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=3600)
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-5000:]
    return out / "_build" / "html"

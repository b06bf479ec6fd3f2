"""Pieces of the instructors' grading workflow that nbgrader loads (see book/instructor_guide.md).

- :func:`hide_hidden_tests`: what the feedback preprocessor
  (:class:`course_utils.nbgrader_plugins.HideHiddenTests`, configured in
  ``nbgrader_config.py``) does: it removes the hidden tests from the feedback a
  student receives, including the code lines that a failing hidden ``assert``
  would show in its traceback.
- :func:`restore_nbgrader_metadata`: gives a submitted notebook back the
  nbgrader cell metadata that some editors drop, by aligning its cells with
  the released notebook (used by ``tools/collect_submissions.py``).

This module needs neither nbgrader nor TensorFlow.
"""

from __future__ import annotations

import copy
import difflib
import re

HIDDEN_BEGIN = "### BEGIN HIDDEN TESTS"
HIDDEN_END = "### END HIDDEN TESTS"
HIDDEN_FAILURE = "숨은 테스트 중 하나를 통과하지 못했습니다. 답을 다시 확인해 보세요."

_HIDDEN_REGION = re.compile(
    rf"^[ \t]*{re.escape(HIDDEN_BEGIN)}.*?^[ \t]*{re.escape(HIDDEN_END)}[^\n]*\n?", re.S | re.M
)


def strip_hidden_tests(source: str) -> str:
    """Remove every hidden-test region from a cell's source (used by :func:`hide_hidden_tests`).

    >>> strip_hidden_tests("check(x)\\n### BEGIN HIDDEN TESTS\\nassert x == 3\\n### END HIDDEN TESTS\\n")
    'check(x)\\n'
    """
    return _HIDDEN_REGION.sub("", source)


def is_grade_cell(cell) -> bool:
    """True for an nbgrader test (grade) cell. Used by tools.grade and tools.editions."""
    return bool(cell.get("metadata", {}).get("nbgrader", {}).get("grade"))


def is_solution_cell(cell) -> bool:
    """True for an nbgrader answer (solution) cell. Used by tools.grade and tools.editions."""
    return bool(cell.get("metadata", {}).get("nbgrader", {}).get("solution"))


def _public_error(output):
    """An error output without traceback; a hidden assert's failure becomes a generic message."""
    ename = output.get("ename", "Error")
    evalue = output.get("evalue", "")
    if ename == "AssertionError" and not evalue:
        text = HIDDEN_FAILURE
    else:
        text = f"{ename}: {evalue}" if evalue else ename
    # type(output) keeps nbformat's NotebookNode (attribute access) without importing nbformat here.
    return type(output)({"output_type": "error", "ename": ename, "evalue": evalue, "traceback": [text]})


def hide_hidden_tests(nb):
    """Return a copy of an autograded notebook that is safe to give a student.

    Used by :class:`course_utils.nbgrader_plugins.HideHiddenTests` (nbgrader's feedback step).

    In every test (grade) cell the hidden-test region is removed from the source
    and error tracebacks are reduced to one line, so that no hidden test's code
    reaches the feedback.  Scores are not touched.
    """
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if cell.cell_type != "code" or not is_grade_cell(cell):
            continue
        cell.source = strip_hidden_tests(cell.source)
        cell.outputs = [
            _public_error(out) if out.get("output_type") == "error" else out for out in cell.get("outputs", [])
        ]
    return nb


def _nbgrader_meta(cell):
    return cell.get("metadata", {}).get("nbgrader")


def restore_nbgrader_metadata(submitted, released):
    """Give ``submitted`` the nbgrader metadata of ``released`` where it was lost.

    Used by tools.collect_submissions (notebooks downloaded from Colab or an LMS).

    Cells are aligned by their source: unchanged cells match exactly, and an
    answer cell the student rewrote is matched by its position between two
    matched cells.  Returns ``(notebook, restored_count, unmatched_ids)``; the
    notebook is a new object.  Cells that already carry nbgrader metadata are
    left alone.
    """
    submitted = copy.deepcopy(submitted)
    wanted = {_nbgrader_meta(c)["grade_id"]: c for c in released.cells if _nbgrader_meta(c)}
    present = {_nbgrader_meta(c)["grade_id"] for c in submitted.cells if _nbgrader_meta(c)}
    missing = set(wanted) - present
    if not missing:
        return submitted, 0, []

    def key(cell):
        return (cell.cell_type, cell.source.strip())

    matcher = difflib.SequenceMatcher(
        a=[key(c) for c in released.cells], b=[key(c) for c in submitted.cells], autojunk=False
    )
    restored = 0
    for tag, a0, a1, b0, b1 in matcher.get_opcodes():
        if tag == "equal":
            pairs = zip(range(a0, a1), range(b0, b1))
        elif tag == "replace" and (a1 - a0) == (b1 - b0):
            pairs = zip(range(a0, a1), range(b0, b1))
        else:
            continue
        for ai, bi in pairs:
            source_cell, target = released.cells[ai], submitted.cells[bi]
            meta = _nbgrader_meta(source_cell)
            if not meta or meta["grade_id"] not in missing or source_cell.cell_type != target.cell_type:
                continue
            if _nbgrader_meta(target):
                continue
            target.metadata["nbgrader"] = copy.deepcopy(meta)
            missing.discard(meta["grade_id"])
            restored += 1
    return submitted, restored, sorted(missing)

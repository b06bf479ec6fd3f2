"""``python -m tools.grade`` on the shortcut kit of chapters 2-7 (issue 32; chapter 1's is in test_grade_command.py).

One grading run per chapter (the command grades one assignment), with three crafted students:
``s1`` answers every exercise through the answer machinery (``course_utils.exercises``), ``s2``
answers the number and own-code exercises through the formula helpers, the course's numpy layers
and Keras's counters, ``s3`` the own-code exercises through Keras or TensorFlow behind a helper of
its own (issue 28), and both the rest with the instructor's solutions. A second run for chapters 1, 3 and 7
grades students ``cK`` who paste the worked example's answer or a wrong multiple-choice option (the kit's
``COPIED``). The chapter's other cells are left out (a learner may
delete them): a short prelude defines what the shortcuts read, so each run stays short.
Every shortcut scores 0 with the reason and the learner's refusal; the honest answers keep their points.
"""

from __future__ import annotations

import csv
import subprocess
import sys

import nbformat
import pytest
from course_utils.exercises import REGISTRY
from course_utils.exercises._core import FUNCTION
from notebook_helpers import ROOT, editions, grade_id, kernel_environment, read, solutions_by_id
from shortcut_kit import COPIED, HELPERS, LIBRARY, PRELUDE, machinery
from test_grading import ReleasedCourse

pytestmark = pytest.mark.slow


def _submission(course: ReleasedCourse, numbers: dict, kit) -> object:
    """The released notebook cut to its exercise cells, each answer cell holding ``kit(number, answer_id)``."""
    cells = [nbformat.v4.new_code_cell(PRELUDE)]
    for cell in course.released.cells:
        gid = grade_id(cell)
        if gid in numbers:
            cell = nbformat.from_dict(dict(cell))
            cell.source = kit(numbers[gid], gid)
        elif not gid or cell.cell_type != "code":
            continue
        cells.append(cell)
    return nbformat.v4.new_notebook(cells=cells, metadata=course.released.metadata)


def grade_students(path, tmp_path, students: dict) -> tuple[dict, dict]:
    """Grade crafted students of the chapter at ``path`` with ``tools.grade``, one run (test_grade_models.py too).

    ``students`` maps a student's name to ``kit(number, answer_id)``, the source of each answer cell
    (:func:`_submission`). Returns ``({answer_id: exercise number}, {(student, exercise): CSV row})``.
    """
    course = ReleasedCourse(tmp_path, path)
    tests = {t: c.source for c in course.source.cells if (t := grade_id(c))}
    numbers = {a: tests[t].split('check("', 1)[1].split('"', 1)[0] for a, t, _ in course.pairs}
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name, kit in students.items():
        nbformat.write(_submission(course, numbers, kit), inbox / f"{name}.ipynb")
    result = subprocess.run([sys.executable, "-m", "tools.grade", course.assignment, str(inbox), "--root",
                             str(course.course), "--workers", "1", "--cell-timeout", "120"],
                            cwd=ROOT, env=kernel_environment(), capture_output=True, text=True, timeout=900)
    report = course.course / "grading" / "reports" / f"{course.assignment}_questions.csv"
    assert report.is_file(), result.stdout[-3000:] + result.stderr[-3000:]
    with open(report, newline="", encoding="utf-8") as handle:
        rows = {(r["student"], r["exercise"]): r for r in csv.DictReader(handle)}
    return numbers, rows


@pytest.mark.parametrize("path", [pytest.param(p, id=p.parent.name[:4]) for p in editions.chapter_notebooks()[1:]])
def test_every_shortcut_of_the_chapter_scores_zero(path, tmp_path):
    solutions = solutions_by_id(read(path))
    numbers, rows = grade_students(path, tmp_path, {
        "s1": lambda number, _gid: machinery(number),
        "s2": lambda number, gid: HELPERS.get(number, solutions[gid]),
        "s3": lambda number, gid: LIBRARY.get(number, solutions[gid]),
    })
    for number in numbers.values():
        machinery_row = rows[("s1", number)]
        assert float(machinery_row["score"]) == 0 and "직접 구한 답이 아님" in machinery_row["reason"], machinery_row
        library_row = rows[("s2", number)]
        if number in HELPERS:
            assert float(library_row["score"]) == 0 and "직접 구한 답이 아님" in library_row["reason"], library_row
            assert "직접 구한 답이 아닙니다" in library_row["diagnosis"], library_row
            if REGISTRY[number].instead:  # an own-code exercise's feedback says what to do instead
                assert REGISTRY[number].instead in library_row["diagnosis"], library_row
        else:  # the instructor's solution, graded as usual
            assert library_row["status"] == "ok" and float(library_row["score"]) == float(library_row["max"]), \
                library_row
        own_code_row = rows[("s3", number)]
        if number in LIBRARY:
            assert float(own_code_row["score"]) == 0 and "직접 구한 답이 아님" in own_code_row["reason"], own_code_row
            assert REGISTRY[number].instead in own_code_row["diagnosis"], own_code_row
        else:
            assert own_code_row["status"] == "ok" and float(own_code_row["score"]) == float(own_code_row["max"]), \
                own_code_row


def _copied_in(path) -> list:
    """The exercises of the chapter at ``path`` that the kit answers with a copied answer or a wrong option."""
    chapter = str(int(path.parent.name[2:4]))
    return sorted(number for number in COPIED if number.split("-")[0] == chapter)


@pytest.mark.parametrize("path", [pytest.param(p, id=p.parent.name[:4]) for p in editions.chapter_notebooks()
                                  if _copied_in(p)])
def test_the_copied_worked_example_and_each_wrong_option_score_zero(path, tmp_path):
    """Issue 28, item 3: student ``cK`` answers with the K-th copied answer (the worked example's answer, a wrong
    multiple-choice option) where the kit has one, else with the instructor's solution."""
    solutions = solutions_by_id(read(path))
    copied = _copied_in(path)
    width = max(len(COPIED[number]) for number in copied)

    def kit(k):
        return lambda number, gid: COPIED[number][k] if number in copied and k < len(COPIED[number]) else solutions[gid]

    numbers, rows = grade_students(path, tmp_path, {f"c{k}": kit(k) for k in range(width)})
    assert set(copied) <= set(numbers.values())
    for number in numbers.values():
        for k in range(width):
            row = rows[(f"c{k}", number)]
            if number in copied and k < len(COPIED[number]):
                assert row["status"] == "ok" and float(row["score"]) == 0, row
                if REGISTRY[number].kind == FUNCTION:  # 2-4: the failing case's mistake
                    assert row["diagnosis_kind"] == "function" and row["diagnosis"], row
                else:
                    assert "아직 정답이 아닙니다" in row["diagnosis"], row
            else:
                assert row["status"] == "ok" and float(row["score"]) == float(row["max"]), row

"""The plan and the judge with per-student numbers (issue 29), fast: the plan's cells run here, no sandbox
(tests/grading/test_grade_plan.py's helpers). The real run is tests/grading/test_grade_variants.py."""

from __future__ import annotations

from nbformat.v4 import new_code_cell

from course_utils.exercises import REGISTRY, _variants
from test_grade_plan import _execute_here, _meta, answered, released, source
from tools.grading.judge import COPIED_REASON, judge
from tools.grading.plan import FOREIGN_ID_FLAG, build_plan

A, B = "20240001", "20240002"


def _with_1_3(nb, answer, hidden=""):
    """``nb`` plus a question on 1-3, a computed multiple choice without variants."""
    nb.cells += [new_code_cell(answer, metadata=_meta("a3", solution=True)),
                 new_code_cell('check("1-3")' + hidden, metadata=_meta("t3", grade=True, points=1))]
    return nb


def _rows(student_nb, student, classmates=(A, B)):
    src = _with_1_3(source(), "### BEGIN SOLUTION\nloading_choice = 'B'\n### END SOLUTION",
                    "\n### BEGIN HIDDEN TESTS\nassert exact(loading_choice, 'B')\n### END HIDDEN TESTS")
    rel = _with_1_3(released(), "raise NotImplementedError")
    plan = build_plan(student_nb, src, rel, seed=3, student=student, classmates=classmates)
    assert f"pin_student_id({student!r})" in plan.run_nb.cells[0].source   # the sandbox asks this student's question
    return {v.question: v for v in judge(plan, _execute_here(plan), src)[0]}


def _right(student):
    n = _variants.numbers_for(REGISTRY["2-1"].variants, "2-1", student)
    return f"box_params = {REGISTRY['2-1'].expected(n)!r}"


def test_each_student_is_judged_with_their_own_numbers_and_a_copy_names_the_classmate():
    honest = _rows(_with_1_3(answered(box=_right(B)), "loading_choice = 'A'"), B)
    assert honest["t1"].score == 1 and honest["t1"].status == "ok" and '"points"' in honest["t1"].variant
    assert honest["t3"].score == 0 and honest["t3"].diagnosis_kind in ("hint", "unclassified")  # judged as before
    assert COPIED_REASON not in honest["t3"].reason
    copied = _rows(_with_1_3(answered(box=_right(B)), "loading_choice = 'A'"), A)
    assert copied["t1"].score == 0 and copied["t1"].status == "flagged"
    assert COPIED_REASON in copied["t1"].reason and B in copied["t1"].reason
    alone = _rows(_with_1_3(answered(box=_right(B)), "loading_choice = 'A'"), A, classmates=(A,))
    assert alone["t1"].score == 0 and COPIED_REASON not in alone["t1"].reason      # B is not in this class
    book = _rows(_with_1_3(answered(box="box_params = (8, 18)"), "loading_choice = 'A'"), A)
    assert book["t1"].score == 0 and "책의 숫자로 푼 답" in book["t1"].reason


def test_a_notebook_declaring_another_id_is_flagged_and_judged_with_the_submitter_s_numbers():
    nb = answered(box=f'STUDENT_ID = "{B}"\n' + _right(A))
    rows = _rows(_with_1_3(nb, "loading_choice = 'B'"), A)
    assert rows["t1"].score == 1 and rows["t1"].status == "flagged"
    assert FOREIGN_ID_FLAG.format(declared=B, student=A) in rows["t1"].reason
    assert rows["t3"].status == "ok" and rows["t3"].score == 1   # a question without variants is not flagged

"""Chapters 5 and 7's number exercises with per-student numbers (issue 29), through the grader's plan and judge, fast
(the plan's cells run here, no sandbox: tests/grading/test_grade_plan.py's helpers), with each exercise's real
solution and test cells from the chapter notebook: the submitter's numbers decide, a classmate's right answer scores 0
and names the classmate, the book's answer is flagged, and 5-7 (a judge of its own, a list) follows the same rules."""

from __future__ import annotations

import pytest
from nbformat.v4 import new_code_cell, new_notebook

from course_utils.exercises import REGISTRY, _variants, load_all
from notebook_helpers import editions, grade_id, read
from test_grade_plan import _execute_here, _meta
from tools.grading.judge import BOOK_NUMBERS_REASON, COPIED_REASON, judge
from tools.grading.plan import build_plan

load_all()
A, B = "20240001", "20240002"
NUMBERS = ("5-6", "5-7", "7-1", "7-2", "7-3")


def _cells(number: str) -> tuple[str, str]:
    """(solution cell, test cell) of exercise ``number`` in its chapter notebook."""
    chapter = int(number.split("-")[0])
    path = next(p for p in editions.chapter_notebooks() if p.parent.name.startswith(f"ch{chapter:02d}"))
    cells = {grade_id(c): c.source for c in read(path).cells if grade_id(c)}
    test_id = next(g for g, s in cells.items() if g.endswith("_test") and f'check("{number}")' in s)
    return cells[test_id.replace("_test", "_answer")], cells[test_id]


def _notebook(answer: str, test: str):
    imports = "import numpy as np\nimport keras\nfrom keras import layers\nfrom course_utils.exercises import check, exact"
    return new_notebook(cells=[new_code_cell(imports), new_code_cell(answer, metadata=_meta("a", solution=True)),
                               new_code_cell(test, metadata=_meta("t", grade=True, points=2))])


def _verdict(number: str, answer_source: str, student: str):
    solution, test = _cells(number)
    src = _notebook(solution, test)
    released = _notebook("raise NotImplementedError", f'check("{number}")')
    plan = build_plan(_notebook(answer_source, f'check("{number}")'), src, released, seed=5, student=student,
                      classmates=(A, B))
    return judge(plan, _execute_here(plan), src)[0][0]


def _right(number: str, student) -> str:
    exercise = REGISTRY[number]
    value = exercise.expected(_variants.numbers_for(exercise.variants, number, student))
    return f"{exercise.name} = {list(value) if number == '5-7' else value!r}"


@pytest.mark.parametrize("number", NUMBERS)
def test_the_submitter_s_numbers_decide_and_a_copy_names_the_classmate(number):
    exercise = REGISTRY[number]
    numbers = [_variants.numbers_for(exercise.variants, number, s) for s in (None, A, B)]
    assert len({n.key() for n in numbers}) == 3 and not any(n.book for n in numbers[1:]), number
    honest = _verdict(number, _right(number, B), B)
    assert honest.score == 2 and honest.status == "ok" and not honest.reason, honest
    copied = _verdict(number, _right(number, B), A)
    assert copied.score == 0 and copied.status == "flagged", copied
    assert COPIED_REASON in copied.reason and B in copied.reason, copied
    book = _verdict(number, _right(number, None), A)
    assert book.score == 0 and BOOK_NUMBERS_REASON in book.reason, book
    mistake = exercise.variants.mistakes(numbers[1])[0]
    honest_mistake = _verdict(number, f"{exercise.name} = {mistake!r}", A)
    assert honest_mistake.score == 0 and honest_mistake.diagnosis_kind == "hint" and not honest_mistake.reason


def test_5_7_asks_for_a_list_whatever_the_numbers():
    tuple_answer = _right("5-7", A).replace("[", "(").replace("]", ")")
    verdict = _verdict("5-7", tuple_answer, A)
    assert verdict.score == 0 and "리스트(list)" in verdict.diagnosis, verdict

"""No exercise answer can be read by a learner: the student notebooks and the installed package.

The answers are built from the source notebooks (see tests/support/answer_leaks.py for how, and
for the rule that decides which spellings are searched where); the public HTML is
searched by tests/site/test_book.py::test_public_pages_show_no_answer with the same rule.
"""

from __future__ import annotations

import pytest

from answer_leaks import (Answer, build_answers, find, find_in_docstring, notebook_section, package_docstrings,
                          package_files)
from notebook_helpers import editions, read

ANSWERS = build_answers()
IDS = [a.number for a in ANSWERS]


def test_every_value_exercise_has_an_answer_to_search():
    numbers = {a.number for a in ANSWERS}
    # value and choice exercises and 3-5's output map; the code exercises are checked by their solution lines
    assert {"1-1", "1-2", "1-3", "1-4", "2-1", "2-2", "2-3", "3-1", "3-2", "3-3", "3-5", "4-1", "4-2", "4-3", "5-2",
            "5-6", "5-7", "6-2", "6-3", "6-5", "6-6", "6-8", "7-1", "7-2", "7-3", "7-7"} <= numbers
    assert all(a.forms or a.context for a in ANSWERS)


@pytest.mark.parametrize("answer", ANSWERS, ids=IDS)
def test_student_notebooks_show_no_answer(answer: Answer):
    path = editions.BOOK / answer.chapter / f"{answer.chapter}.ipynb"
    student = editions.student_notebook(read(path))
    text = "\n".join(cell.source for cell in student.cells)
    found = find(answer, text, notebook_section(student, answer))
    assert not found, f"{answer} is readable in the student notebook: {found[:3]}"


@pytest.mark.parametrize("answer", ANSWERS, ids=IDS)
def test_installed_package_shows_no_answer(answer: Answer):
    leaks = []
    for path in package_files():
        text = path.read_text(encoding="utf-8", errors="replace")
        for where in find(answer, text):
            leaks.append(f"{path.name}: {where}")
    assert not leaks, f"{answer} is readable in the package: {leaks[:3]}"


DOCSTRINGS = package_docstrings()


def test_the_package_has_docstrings_to_search():
    names = {where.split(" ", 1)[1] for where, _text in DOCSTRINGS}
    assert len(DOCSTRINGS) > 200 and {"type_problem", "exact", "stack_shapes", "module"} <= names


@pytest.mark.parametrize("answer", ANSWERS, ids=IDS)
def test_package_docstrings_and_doctests_show_no_answer(answer: Answer):
    """What help() shows a learner, and the doctest examples, never spell an answer, however small."""
    leaks = [f"{where}: {found}" for where, text in DOCSTRINGS for found in find_in_docstring(answer, text)]
    assert not leaks, f"{answer} is readable in a docstring of the package: {leaks[:3]}"


def test_the_docstring_rule_finds_planted_leaks():
    by_number = {a.number: a for a in ANSWERS}
    stacked, shapes, pair = by_number["1-4"], by_number["2-3"], by_number["4-2"]
    stacked_text = stacked.value.__repr__()  # e.g. "(2, 3, 6)", built here, never written in this file
    tight = stacked_text.replace(" ", "")
    floats = "(" + ", ".join(f"{v}.0" for v in stacked.value) + ")"
    for planted in (f">>> exact({stacked_text}, {stacked_text})", f'>>> type_problem("{tight}", (1, 1, 1))',
                    f">>> exact({floats}, (1, 1, 1))"):
        assert find_in_docstring(stacked, planted), planted
    assert find_in_docstring(shapes, f"Dense acts on the last axis: {shapes.value[0]!r}")
    assert find_in_docstring(pair, f"e.g. {list(pair.value)!r}")
    assert not find_in_docstring(stacked, ">>> exact((4, 5, 7), (4, 5, 7))")


def test_the_rule_finds_planted_leaks():
    """The search is not blind: answers planted in each spelling are found."""
    by_number = {a.number: a for a in ANSWERS}
    big, small, choice = by_number["6-2"], by_number["4-1"], by_number["6-3"]
    value = big.value
    for planted in (f"count_params() gives {value}", f"{value:,} parameters", f"total {value:_}"):
        assert find(big, planted), planted
    shape = by_number["3-1"]
    for planted in ("output (479, 269, 32)", "output (479,269,32)", "the shape begins (479, 269"):
        assert find(shape, planted), planted
    assert find(small, f"rf_conv_pool = {small.value}")
    assert find(small, f"ReceptiveField(size={small.value}, jump=4, start=6.0)")
    assert find(small, "", section=f"풀이: 한 변은 {small.value}칸입니다.")
    assert not find(small, "a 3x3 kernel on a 28x28 image, 13 is not in answer context here")
    assert find(choice, f'{choice.name} = "{choice.value}"')

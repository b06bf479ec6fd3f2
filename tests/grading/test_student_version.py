"""The student version of each chapter: no solutions, no hidden tests, and it runs.

Run top to bottom as released ("Run all" before answering anything), every cell runs
to the end of the chapter: the answer stubs (``pass``) do nothing, and each test cell
prints "아직 답을 넣지 않았습니다" instead of failing, so no later cell (an explorer, the
next section) is left unrun and none depends on a learner's answer.
"""

from __future__ import annotations

import re

import pytest

from notebook_helpers import editions, execute, grade_id, read, solution_lines

CHAPTERS = editions.chapter_notebooks()
IDS = [p.parent.name for p in CHAPTERS]


def _hidden_block(source: str) -> str:
    if "### BEGIN HIDDEN TESTS" not in source:
        return ""
    return source.split("### BEGIN HIDDEN TESTS", 1)[1].split("### END HIDDEN TESTS", 1)[0]


def book_prompt(number: str) -> str:
    """The question that 연습 ``number``'s ``show`` cell prints with the book's numbers (no 학번 set)."""
    from course_utils.exercises import REGISTRY, _variants, load_all

    load_all()
    variants = REGISTRY[number].variants
    return variants.prompt(_variants.Numbers(variants.book, book=True))


def hidden_answers(source_nb) -> dict[str, set[str]]:
    """{grade id: numbers} that hidden tests compare an answer with (``== 101_200``, ``exact(x, (162000, 1))``),
    of three or more digits and not stated in the exercise's own question."""
    answers, question = {}, ""
    literal = re.compile(r"==\s*([\d_.,\s()\-]+?)\s*$")
    exact_call = re.compile(r"exact\(\w+,\s*([\d_.,\s()\[\]\-]+?)\)\s*$")
    for cell in source_nb.cells:
        if cell.cell_type == "markdown":
            question = cell.source
        elif cell.cell_type == "code":
            # a question with numbers is printed by its show("N-k") cell (issue 29): the book's numbers are stated there
            for number in re.findall(r"\bshow\(\s*[\"'](\d+-\d+)[\"']\s*\)", cell.source):
                question += "\n" + book_prompt(number)
        for line in _hidden_block(cell.source).splitlines():
            match = literal.search(line) or exact_call.search(line)
            if not match:
                continue
            for number in re.findall(r"\d[\d_]{2,}", match.group(1)):
                digits = number.replace("_", "")
                spelled = {digits, f"{int(digits):,}"}
                if not any(s in question for s in spelled):
                    answers.setdefault(grade_id(cell), set()).update(spelled)
    return answers


def shows_number(text: str, spelled: set[str]) -> bool:
    return any(re.search(rf"(?<![\d,]){re.escape(s)}(?![\d,])", text) for s in spelled)


@pytest.mark.parametrize("path", CHAPTERS, ids=IDS)
def test_student_version_has_no_solution_and_no_hidden_test(path):
    source = read(path)
    text = "\n".join(cell.source for cell in editions.student_notebook(source).cells)
    assert "BEGIN SOLUTION" not in text and "HIDDEN TESTS" not in text
    lines = solution_lines(source)
    assert lines, "the chapter's solutions should have lines of their own"
    shown = [line for line in lines if line in text]
    assert not shown, f"solution lines shown to students: {shown[:3]}"
    for cell in source.cells:
        if editions.is_grade_cell(cell):
            assert _hidden_block(cell.source).strip(), f"{grade_id(cell)} has no hidden tests"


@pytest.mark.parametrize("path", CHAPTERS, ids=IDS)
def test_hidden_answers_are_never_written_in_the_student_version(path):
    source = read(path)
    student_text = "\n".join(cell.source for cell in editions.student_notebook(source).cells)
    for exercise, spelled in hidden_answers(source).items():
        assert not shows_number(student_text, spelled), f"{path.name}: the answer of {exercise} is written out"


@pytest.mark.slow
@pytest.mark.parametrize("path", CHAPTERS, ids=IDS)
def test_student_version_runs_to_the_end_and_says_what_is_unanswered(path):
    # allow_errors=False is "Run all": the first error would stop the run (and fail this test)
    nb = execute(editions.student_notebook(read(path)), cwd=path.parent)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.get("execution_count") for c in code), "a code cell was not run"
    # No cell prints an exercise's answer before the learner computes it.
    printed = "\n".join(o.get("text", "") + str(o.get("data", {}).get("text/plain", ""))
                        for c in nb.cells for o in c.get("outputs", []))
    for exercise, spelled in hidden_answers(read(path)).items():
        assert not shows_number(printed, spelled), f"{path.name}: an output prints the answer of {exercise}"
    # Untouched, no exercise passes: every test cell says it has no answer yet (also for a code
    # exercise, whose answer cell defines a function with an empty body).
    tests = [c for c in nb.cells if editions.is_grade_cell(c)]
    assert tests
    for cell in tests:
        text = "".join(o.get("text", "") for o in cell.outputs if o.get("output_type") == "stream")
        assert "아직 답을 넣지 않았습니다" in text and "통과" not in text, (grade_id(cell), text)

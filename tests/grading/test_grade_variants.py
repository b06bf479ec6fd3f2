"""``python -m tools.grade`` with per-student numbers (issue 29): chapter 2's number exercises, one crafted class.

Each submission is judged with the numbers of the id the LMS gives it (here the file name), never the
notebook's. In one real grading run (sandbox, judge, CSV, class report):

- A hands in B's right answers: 0 points on those questions and the flag "다른 학생의 숫자로 푼 답" naming B;
- B (literal answers for B's own numbers) and C (the instructor's solution, which reads the question's
  numbers in the sandbox, pinned to C's id) are an honest class: full points, no flag;
- D declares B's 학번 in the notebook: flagged for review, graded with D's own numbers (full points);
- E left the 학번 empty and answered the book's numbers: 0 points, flagged as the book's numbers.

The plain ``nbgrader autograde`` path grades each student with their own numbers too (second test).
"""

from __future__ import annotations

import nbformat
import pytest

from course_utils.exercises import REGISTRY, _variants, load_all
from notebook_helpers import editions, fill_answers, grade_id, read, solutions_by_id
from test_grade_shortcuts import grade_students

pytestmark = pytest.mark.slow
load_all()

A, B, C, D, E = "20240001", "20240002", "20240003", "20240004", "20240005"
NUMBER_EXERCISES = ("2-1", "2-2", "2-3")


def right_for(student, number) -> str:
    """The answer cell of exercise ``number`` with the literal right answer for ``student``'s numbers."""
    exercise = REGISTRY[number]
    n = _variants.numbers_for(exercise.variants, number, student)
    return f"{exercise.name} = {exercise.expected(n)!r}"


def test_a_copied_answer_scores_zero_and_names_the_classmate(tmp_path):
    path = next(p for p in editions.chapter_notebooks() if p.parent.name.startswith("ch02"))
    solutions = solutions_by_id(read(path))
    for number in NUMBER_EXERCISES:  # the class's numbers differ: a copied answer is wrong for its copier
        keys = [_variants.numbers_for(REGISTRY[number].variants, number, s).key() for s in (None, A, B, C, D, E)]
        assert len(set(keys)) == len(keys), number

    def declares_b(number, gid):
        cell = solutions[gid]
        if number == "2-1":
            return f'STUDENT_ID = "{B}"\nfrom course_utils.exercises import set_student_id\nset_student_id(STUDENT_ID)\n' + cell
        return cell

    numbers, rows = grade_students(path, tmp_path, {
        A: lambda number, gid: right_for(B, number) if number in NUMBER_EXERCISES else solutions[gid],
        B: lambda number, gid: right_for(B, number) if number in NUMBER_EXERCISES else solutions[gid],
        C: lambda number, gid: solutions[gid],
        D: declares_b,
        E: lambda number, gid: right_for(None, number) if number in NUMBER_EXERCISES else solutions[gid],
    })
    for number in NUMBER_EXERCISES:
        copied = rows[(A, number)]
        assert float(copied["score"]) == 0 and copied["status"] == "flagged", copied
        assert "다른 학생의 숫자로 푼 답" in copied["reason"] and B in copied["reason"], copied
        for honest in (B, C):
            row = rows[(honest, number)]
            assert row["status"] == "ok" and float(row["score"]) == float(row["max"]), row
            assert not row["reason"], row
            assert row["variant"], row
        foreign = rows[(D, number)]
        assert float(foreign["score"]) == float(foreign["max"]) and foreign["status"] == "flagged", foreign
        assert f"노트북에 적힌 학번({B})" in foreign["reason"] and "다른 학생의 숫자" not in foreign["reason"], foreign
        book = rows[(E, number)]
        assert float(book["score"]) == 0 and "책의 숫자로 푼 답" in book["reason"], book
        assert "다른 학생의 숫자" not in book["reason"], book
    for student in (A, B, C, D, E):  # the function exercise keeps its per-student inputs, untouched
        assert rows[(student, "2-4")]["status"] == "ok" and float(rows[(student, "2-4")]["score"]) == 2
    # the class report lists the flags and the facility per variant group
    report = next(tmp_path.rglob("grading/reports/*_report.html")).read_text(encoding="utf-8")
    assert "다른 학생의 숫자로 푼 답" in report and "노트북에 적힌 학번" in report and "변형" in report
    groups = next(tmp_path.rglob("grading/reports/*_variants.csv")).read_text(encoding="utf-8")
    assert groups.startswith("question,exercise,number,value,students,facility") and ",2-2,units," in groups


def test_plain_nbgrader_autograde_grades_each_student_with_their_own_numbers(tmp_path):
    """``nbgrader autograde`` (no tools.grade): the id nbgrader gives the submission decides the numbers
    (nbgrader_config.py: ``PinStudentNumbers``), in the visible checks and in the hidden tests alike."""
    from test_grading import ReleasedCourse, collect, nbgrader, scores

    path = next(p for p in editions.chapter_notebooks() if p.parent.name.startswith("ch02"))
    course = ReleasedCourse(tmp_path, path)
    sources = {grade_id(c): c.source for c in course.source.cells if grade_id(c)}
    number_of = {a: sources[t].split('check("', 1)[1].split('"', 1)[0] for a, t, _ in course.pairs}
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    kits = {A: lambda number, answer_id: right_for(B, number) if number in NUMBER_EXERCISES else course.solutions[answer_id],
            B: lambda number, answer_id: right_for(B, number) if number in NUMBER_EXERCISES else course.solutions[answer_id],
            C: lambda number, answer_id: course.solutions[answer_id]}
    for student, kit in kits.items():
        nb = fill_answers(course.released, {a: kit(number_of[a], a) for a, _, _ in course.pairs})
        nbformat.write(nb, inbox / f"{student}.ipynb")
    assert collect(course.course, course.assignment, inbox).returncode == 0
    nbgrader(course.course, "autograde", course.assignment)
    got = scores(course.course, course.assignment)
    tests = {a: t for a, t, _ in course.pairs}
    for answer_id, number in number_of.items():
        test_id = tests[answer_id]
        assert got[B][test_id] > 0 and got[C][test_id] > 0, (number, got[B], got[C])
        assert got[A][test_id] == (0.0 if number in NUMBER_EXERCISES else got[B][test_id]), (number, got[A])

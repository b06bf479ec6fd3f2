"""Everyone their own numbers: per-student variants of the number exercises (issue 29; every chapter).

An exercise whose answer follows from numbers in its question declares a :class:`Variants`
(``value_exercise(..., variants=Variants(...))``):

- ``book``: the book's numbers, **variant 0**: what the static book shows and what a notebook
  with no 학번 set asks;
- ``draw(rng)``: one variant's numbers from a seeded ``numpy`` generator. The ranges keep the
  reasoning steps of the book's version (no stride 1 where the book has more, no kernel 1, the
  padding where it matters, every layer valid): the chapter module says how, and
  ``tests/chapters/test_variants.py`` checks every variant against Keras and the formulas;
- ``prompt(n)``: the question in Korean with those numbers (the notebook prints it with
  :func:`show`, so the text, the check, the hints and the hidden test use the same numbers);
- ``mistakes(n)``: the typical wrong answers for those numbers (those the hints name), so that an
  honest mistake that happens to equal a classmate's right answer is not taken for a copied one.

The answer source and the hints take the numbers as a parameter (``answer(n)``,
``hint(value, expected, n)``; ``n`` defaults to the book's).

A student's numbers follow from the student's id (학번) and the exercise number through a
stable hash (:func:`seed_of`: SHA-256, never Python's ``hash()``), so Colab, the grader and a
regrade draw the same ones. The notebook's id cell calls :func:`set_student_id`; the grader
(``python -m tools.grade``) takes the id the LMS or nbgrader gives the submission instead,
pins it in the sandbox (:func:`pin_student_id`) and judges in its own process with
:func:`numbers_for`; the plain ``nbgrader autograde`` path pins the id nbgrader gives the submission
(``COURSE_GRADING_STUDENT_ID``, set by ``nbgrader_plugins.PinStudentNumbers``). :func:`practice` draws fresh numbers for self-study, never graded.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
from dataclasses import dataclass
from typing import Any, Callable, Optional

import numpy as np

#: What a learner's 학번 may contain (digits, letters and ``_ . - @``); anything else is most likely a typo.
_ID_PATTERN = re.compile(r"[\w.@\-]{1,64}")

#: Set by the plain ``nbgrader autograde`` path (``nbgrader_plugins.PinStudentNumbers``): the submission's student id.
GRADING_ID_VARIABLE = "COURSE_GRADING_STUDENT_ID"

_state: dict = {"id": None, "pinned": None}


class Numbers(dict):
    """One variant's numbers: a dict that also reads as attributes (``n.units``); ``n.book`` is True for variant 0."""

    def __init__(self, values: dict, book: bool = False, student: Optional[str] = None):
        super().__init__(values)
        self.__dict__["book"] = book
        self.__dict__["student"] = student

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None

    def key(self) -> tuple:
        """A hashable form (for caches and for comparing two variants)."""
        return tuple(sorted((k, repr(v)) for k, v in self.items()))


@dataclass(frozen=True)
class Variants:
    """How a number exercise draws its numbers (see the module docstring)."""

    book: dict
    draw: Callable[[np.random.Generator], dict]
    prompt: Callable[[Numbers], str]
    #: The typical wrong answers for these numbers (the mistakes the hints name): an answer that one of them explains
    #: is an honest mistake, never flagged as copied from a classmate (tools/grading/judge.py).
    mistakes: Callable[[Numbers], list] = lambda _n: []


def clean_id(student_id: Any, strict: bool = True) -> Optional[str]:
    """The 학번 as text, or None when empty; a Korean ``ValueError`` for one that cannot be a 학번 (``strict``:
    the learner's id cell; the grader takes the LMS's ids as they are).

    >>> clean_id(" 20241234 "), clean_id(""), clean_id(None), clean_id(20241234)
    ('20241234', None, None, '20241234')
    """
    text = "" if student_id is None else str(student_id).strip()
    if not text:
        return None
    if strict and not _ID_PATTERN.fullmatch(text):
        raise ValueError(f"학번 {text!r}을(를) 읽을 수 없습니다. 숫자와 영문자만 따옴표 안에 적으세요 (예: \"20241234\").")
    return text


def seed_of(student_id: str, number: str) -> int:
    """The seed of one student's numbers for exercise ``number``: SHA-256 of ``학번/번호`` (stable everywhere).

    >>> seed_of("20241234", "2-1") == seed_of("20241234", "2-1") != seed_of("20241235", "2-1")
    True
    """
    return int.from_bytes(hashlib.sha256(f"{student_id}/{number}".encode("utf-8")).digest()[:8], "big")


def draw(variants: Variants, seed: int) -> Numbers:
    """The numbers that ``seed`` draws."""
    return Numbers(variants.draw(np.random.default_rng(seed)))


def numbers_for(variants: Variants, number: str, student_id: Optional[str]) -> Numbers:
    """The numbers of exercise ``number`` for ``student_id`` (None: the book's, variant 0). Used by tools.grade too."""
    student_id = clean_id(student_id, strict=False)
    if student_id is None:
        return Numbers(variants.book, book=True)
    values = variants.draw(np.random.default_rng(seed_of(student_id, number)))
    return Numbers(values, book=values == dict(variants.book), student=student_id)


def set_student_id(student_id: Any = "", quiet: bool = False) -> None:
    """The id cell at the top of every chapter: from now on the exercises of this notebook use this 학번's numbers.

    An empty id gives the book's numbers. Under the grader, which pins the id the LMS gives the
    submission (:func:`pin_student_id`), a different id is noted and not used. Returns None (the cell shows
    only the printed line).
    """
    pinned = _state["pinned"]
    if pinned is not None:
        written = clean_id(student_id, strict=False)
        if written not in (None, pinned) and not quiet:
            print(f"채점에서는 제출한 학생의 학번({pinned})으로 숫자를 정합니다 (노트북에 적힌 학번: {written}).")
        return
    student_id = clean_id(student_id)
    _state["id"] = student_id
    if not quiet:
        if student_id is None:
            print("학번이 비어 있습니다: 연습문제는 책과 같은 숫자로 나옵니다. 학번을 적고 이 셀을 다시 실행하면 "
                  "나만의 숫자로 바뀝니다.")
        else:
            print(f"학번 {student_id}: 이 노트북의 연습문제는 이 학번의 숫자로 나옵니다. 이 셀 아래의 문제를 (다시) 실행하세요.")


def pin_student_id(student_id: Any) -> None:
    """Fix the id for this process (the grader's sandbox: the id the LMS gives the submission, tools/grading/plan.py)."""
    _state["pinned"] = clean_id(student_id, strict=False)
    _state["id"] = _state["pinned"]


def current_student_id() -> Optional[str]:
    """The 학번 whose numbers this notebook uses (None: the book's)."""
    return _state["pinned"] if _state["pinned"] is not None else _state["id"]


if os.environ.get(GRADING_ID_VARIABLE, "").strip():  # a kernel started by `nbgrader autograde` for one submission
    pin_student_id(os.environ[GRADING_ID_VARIABLE])


def _exercise(number: str):
    from course_utils.exercises._core import REGISTRY, load_chapter

    load_chapter(number)
    exercise = REGISTRY.get(number)
    if exercise is None:
        raise ValueError(f"연습 {number}은(는) 없는 연습 번호입니다.")
    return exercise


def numbers(number: str) -> Numbers:
    """The numbers of exercise ``number`` in this notebook (this 학번's, or the book's); the hidden tests use them too."""
    exercise = _exercise(number)
    if exercise.variants is None:
        raise ValueError(f"연습 {number}은(는) 숫자가 바뀌는 문제가 아닙니다.")
    return numbers_for(exercise.variants, number, current_student_id())


def show(number: str) -> None:
    """Print exercise ``number``'s question with this notebook's numbers (the prompt cell of chapters 1-7)."""
    exercise = _exercise(number)
    n = numbers(number)
    who = "책과 같은 숫자" if current_student_id() is None else f"학번 {current_student_id()}의 숫자"
    print(f"[{exercise.label} · {who}]\n{exercise.variants.prompt(n)}")


class Practice:
    """One practice question (:func:`practice`): fresh numbers, checked with the exercise's own hints, never graded."""

    def __init__(self, exercise, n: Numbers):
        self.exercise, self.numbers = exercise, n

    def check(self, value: Any) -> bool:
        """Check an answer to this practice question; prints the result (True when right)."""
        from course_utils.exercises._core import ExerciseCheckError

        try:
            self.exercise.check_value(value, numbers=self.numbers)
        except ExerciseCheckError as error:
            print(f"❌ {error}")
            return False
        return True

    def __repr__(self) -> str:
        return f"<연습 {self.exercise.number} 연습용 문제: p.check(답)으로 확인하세요>"


def practice(number: str, seed: Optional[int] = None) -> Practice:
    """Self-study: exercise ``number`` with fresh numbers, as often as you like (``p = practice("2-1")``, ``p.check(답)``).

    Never graded: the answer is checked on the spot with the exercise's hints. ``seed`` repeats a question.
    """
    exercise = _exercise(number)
    if exercise.variants is None:
        raise ValueError(f"연습 {number}은(는) 숫자가 바뀌는 문제가 아니라 연습용 문제를 만들 수 없습니다.")
    n = draw(exercise.variants, secrets.randbits(63) if seed is None else seed)
    print(f"[{exercise.label} · 연습용 새 숫자, 채점하지 않음]\n{exercise.variants.prompt(n)}\n"
          "답을 구했으면 p.check(답)으로 확인하세요 (p는 practice(...)가 돌려준 값).")
    return Practice(exercise, n)

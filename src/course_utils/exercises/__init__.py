"""Exercise checks, declared once per chapter (``ch01`` ... ``ch07``).

Every chapter's test cell calls ``check("N-k")``: the declaration of exercise N-k
(in ``chNN.py``) says which variable holds the answer, how :mod:`course_utils`
computes the expected answer at check time, which type it must have and which
hints follow from a wrong answer; :mod:`course_utils.exercises._core` does the
checking once for all.  A check prints a short "통과" line when the answer is right
and raises :class:`ExerciseCheckError` (an ``AssertionError``) with a Korean
message when it is not, so the same cell works on Colab, in JupyterLab and under
nbgrader.  An exercise not answered yet only prints a Korean line, so "Run all"
reaches the end of a chapter; the hidden tests still fail for it.  The
instructor's hidden tests compare with :func:`exact` and the literal answer.  No
answer is stored in this package, and an answer taken from it (``load_all``,
``REGISTRY``, ``.expected()``) or from a library call the exercise forbids is refused
by the check and scores 0 in grading (``_own_work.py``: the one rule for both).
Number exercises draw their numbers from the learner's 학번 (``_variants.py``: :func:`set_student_id`,
:func:`show`, :func:`numbers`; :func:`practice` gives fresh numbers for self-study).
"""

from importlib import import_module

from course_utils.exercises._core import REGISTRY, ExerciseCheckError, NotAnswered, check, exact, type_problem
from course_utils.exercises._variants import numbers, practice, set_student_id, show

CHAPTERS = ("ch01", "ch02", "ch03", "ch04", "ch05", "ch06", "ch07")


def load_all() -> dict:
    """Import every chapter's declarations; return the registry {"1-1": Exercise, ...}.

    Used by tests/chapters/test_exercise_table.py (all exercises of chapters 1-7).
    """
    for name in CHAPTERS:
        import_module(f"course_utils.exercises.{name}")
    return REGISTRY


__all__ = ["ExerciseCheckError", "NotAnswered", "check", "exact", "type_problem", "load_all", "REGISTRY", "CHAPTERS",
           "numbers", "practice", "set_student_id", "show"]

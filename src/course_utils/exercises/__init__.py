"""Visible exercise checks, one module per chapter (``ch01`` ... ``ch07``).

A chapter's test cell calls one of these checks, for example
``ch01.check_film_shape(film_shape)``.  A check prints a short "통과" line when
the answer is right and raises :class:`ExerciseCheckError` (an ``AssertionError``)
with a friendly Korean hint when it is not, so the same cell works on Colab,
in JupyterLab and under nbgrader's autograder.

Answers are never stored in clear text here: value answers are compared through
a salted SHA-256 digest (see :func:`course_utils.exercises._core.digest`), and
code answers are compared with the reference implementation in
:mod:`course_utils.layers` on inputs the learner has not seen.  The instructor's
hidden tests in each chapter notebook hold the literal answers.
"""

from course_utils.exercises._core import ExerciseCheckError, digest

__all__ = ["ExerciseCheckError", "digest"]

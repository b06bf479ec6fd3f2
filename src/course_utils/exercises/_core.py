"""The machinery shared by every chapter's exercise checks.

Chapter modules (``ch01.py`` ...) build their checks from three pieces:

- :func:`expect_value`: compare a value answer with a stored digest, trying
  the chapter's hints first so that a wrong answer gets a useful message;
- :func:`expect_close`: compare a learner's function with a reference
  function on fresh random inputs;
- :func:`passed`: the one-line success message.
"""

from __future__ import annotations

import hashlib
import numbers
from typing import Any, Callable, Iterable, Optional, Sequence

import numpy as np

_SALT = "deep-layers-course/v1"


class ExerciseCheckError(AssertionError):
    """Raised by a visible check when an answer is not right yet.

    It is an ``AssertionError``, so nbgrader counts the test cell as failed.
    """


def canonical(value: Any) -> str:
    """Return a canonical text form of an answer, used for digests.

    Integers of any kind (``int``, ``numpy.int64``) look the same, tuples, lists,
    numpy shapes and ``TensorShape`` objects become ``(a,b,...)``, floats are
    rounded to 6 significant digits and strings are stripped and upper-cased.

    >>> canonical((162000, 1, 1024, 1280))
    '(162000,1,1024,1280)'
    >>> canonical([np.int64(2), 3]) == canonical((2, 3))
    True
    >>> canonical(" b ")
    'B'
    """
    if isinstance(value, (bool, np.bool_)):
        return "bool:" + str(bool(value))
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        number = float(value)
        if number.is_integer():
            return str(int(number))
        return f"{number:.6g}"
    if isinstance(value, str):
        return value.strip().upper()
    if hasattr(value, "as_list"):  # tf.TensorShape
        value = value.as_list()
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, (tuple, list)):
        return "(" + ",".join(canonical(item) for item in value) + ")"
    raise ExerciseCheckError(
        f"답의 형식을 알 수 없습니다: {type(value).__name__}. "
        "정수, 실수, 문자열, 또는 튜플로 답해 주세요."
    )


def digest(exercise_id: str, value: Any) -> str:
    """Return the salted SHA-256 digest of an answer (first 16 hex digits).

    >>> len(digest("ch01.example", (1, 2)))
    16
    """
    text = f"{_SALT}|{exercise_id}|{canonical(value)}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def passed(label: str) -> None:
    """Print the success line of an exercise."""
    print(f"✅ {label}: 통과!")


def _missing(label: str, value: Any) -> None:
    if value is None or value is Ellipsis:
        raise ExerciseCheckError(
            f"{label}: 아직 답이 없습니다. 위의 답 셀을 완성하고 실행한 뒤 다시 확인하세요."
        )


Hint = Callable[[Any], Optional[str]]


def expect_value(
    label: str,
    exercise_id: str,
    value: Any,
    expected_digest: str,
    hints: Iterable[Hint] = (),
) -> None:
    """Check a value answer against its stored digest.

    Each hint is a function of the answer that returns a Korean message when it
    recognises a typical mistake, or ``None``.  The first message found is shown.
    """
    _missing(label, value)
    try:
        answer_digest = digest(exercise_id, value)
    except ExerciseCheckError as error:
        answer_digest, format_error = None, error  # a hint may say better what is wrong
    if answer_digest == expected_digest:
        passed(label)
        return
    for hint in hints:
        try:
            message = hint(value)
        except Exception:  # a hint written for another kind of answer: try the next one
            message = None
        if message:
            raise ExerciseCheckError(f"{label}: 아직 정답이 아닙니다. {message}")
    if answer_digest is None:
        raise ExerciseCheckError(f"{label}: {format_error}")
    raise ExerciseCheckError(f"{label}: 아직 정답이 아닙니다. 본문의 설명을 다시 읽고 계산을 확인해 보세요.")


def as_shape(value: Any) -> Optional[tuple]:
    """Return ``value`` as a tuple of ints when it looks like a shape, else None."""
    if hasattr(value, "as_list"):
        value = value.as_list()
    if isinstance(value, (tuple, list)) and all(
        isinstance(v, numbers.Integral) and not isinstance(v, bool) for v in value
    ):
        return tuple(int(v) for v in value)
    return None


def expect_close(
    label: str,
    function: Callable[..., Any],
    reference: Callable[..., Any],
    cases: Sequence[tuple],
    atol: float = 1e-4,
) -> None:
    """Check a learner's function against a reference on several input cases.

    ``cases`` is a list of ``(args, kwargs, description)`` triples.  The check
    stops at the first case that fails and says which one, with the expected
    and received shapes, so the learner can reproduce it.
    """
    if not callable(function):
        raise ExerciseCheckError(f"{label}: 함수가 필요합니다 (받은 값: {type(function).__name__}).")
    for args, kwargs, description in cases:
        expected = np.asarray(reference(*args, **kwargs))
        try:
            received = function(*args, **kwargs)
        except NotImplementedError:
            raise ExerciseCheckError(f"{label}: 아직 함수를 완성하지 않았습니다 (NotImplementedError).") from None
        except Exception as error:  # the learner's code crashed: say where
            raise ExerciseCheckError(
                f"{label}: {description}으로 함수를 실행하다 오류가 났습니다: {type(error).__name__}: {error}"
            ) from None
        if received is None:
            raise ExerciseCheckError(f"{label}: 함수가 아무것도 돌려주지 않습니다. return 문을 확인하세요.")
        received = np.asarray(received)
        if received.shape != expected.shape:
            raise ExerciseCheckError(
                f"{label}: {description}에서 출력 shape이 다릅니다 "
                f"(기대: {expected.shape}, 받은 값: {received.shape})."
            )
        if not np.allclose(received, expected, atol=atol, rtol=1e-4):
            worst = float(np.max(np.abs(received - expected)))
            raise ExerciseCheckError(
                f"{label}: {description}에서 값이 다릅니다 (가장 큰 차이: {worst:.4g}). "
                "인덱스와 합산 범위를 확인하세요."
            )
    passed(label)

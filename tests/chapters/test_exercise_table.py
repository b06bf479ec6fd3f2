"""One table over every exercise: the visible check and the hidden test give the same verdict.

For each exercise of every chapter notebook the table holds the instructor's answer
(the solution cell, executed), wrong values and wrong-typed look-alikes of the right
answer (a string of it, floats, a float off by 1e-7, a bool, a list for a tuple,
None, and the issue's examples "(2,3,6)", (2.0, 3.0, 6.0), "2432", 2432.0,
101200.4, True), and an unanswered cell.  Each answer is bound in a fresh
namespace; the visible check (``check("N-k", namespace)``) and the hidden test
(its source taken from the source notebook and executed with the same namespace)
both judge it, and the verdicts must be identical.

Conceptual multiple choice (6-4, 6-5) is the one designed exception: the visible
check only validates the format (it says the grade comes from the instructor's
test), so for a well-formed letter the table asserts "format accepted" on the
visible side and lets the hidden test decide; every malformed answer must be
rejected by both.
"""

from __future__ import annotations

import contextlib
import io
import re

import numpy as np
import pytest

from course_utils.exercises import REGISTRY, ExerciseCheckError, load_all
from notebook_helpers import editions, exercise_pairs, grade_id, read, solution_source

load_all()

PASS, FAIL, FORMAT_OK = "pass", "fail", "format-ok"
ISSUE_LOOKALIKES = ["(2,3,6)", (2.0, 3.0, 6.0), (2, 3, 6.0000001), "2432", 2432.0, 101200.4, True]


def _exercises():
    """(number, answer source, hidden-test source) for every exercise, from the source notebooks."""
    rows = []
    for path in editions.chapter_notebooks():
        nb = read(path)
        by_id = {grade_id(c): c for c in nb.cells if grade_id(c)}
        for answer_id, test_id, _points in exercise_pairs(nb):
            test = by_id[test_id].source
            number = re.search(r'check\("(\d-\d)"\)', test).group(1)
            hidden = test.split("### BEGIN HIDDEN TESTS", 1)[1].split("### END HIDDEN TESTS", 1)[0]
            rows.append((number, solution_source(by_id[answer_id]), hidden))
    return rows


EXERCISES = _exercises()


@pytest.fixture(scope="module")
def base_namespace():
    """What the chapters define before their exercises and the hidden tests use."""
    import keras
    import tensorflow as tf

    from course_utils.exercises import ch07, exact
    from course_utils.gan import build_discriminator, build_generator, sample_noise
    from course_utils.shapes import receptive_field

    autoencoder = ch07.make_dense_autoencoder(784, 36, seed=0)
    encoder = keras.Model(autoencoder.input, autoencoder.get_layer("code").output)
    return {"np": np, "keras": keras, "layers": keras.layers, "tf": tf, "receptive_field": receptive_field,
            "build_generator": build_generator, "build_discriminator": build_discriminator,
            "sample_noise": sample_noise, "encoder": encoder, "x_val": np.random.default_rng(0).random((8, 784)),
            "exact": exact}


def _variants(right, exercise):
    """Wrong and wrong-typed answers built from the right one (label, value)."""
    from course_utils.exercises._core import CHOICE, CUSTOM, FUNCTION

    out = [("unanswered", _UNANSWERED), ("None", None)]
    if exercise.kind in (FUNCTION, CUSTOM) and callable(right):
        out += [("not a function", 3), ("returns None", lambda *a, **k: None),
                ("returns its input", lambda x, *a, **k: x), ("stub", _stub)]
        if exercise.number == "3-4":
            from course_utils.layers import conv2d

            out.append(("calls course_utils.layers.conv2d",
                        lambda x, kernel, stride=1, padding="valid": conv2d(np.asarray(x)[None], kernel, stride=stride,
                                                                             padding=padding)[0]))

            def keras_conv(x, kernel, stride=1, padding="valid"):
                import tensorflow as tf

                p = 0 if padding == "valid" else padding
                x = np.pad(np.asarray(x, "float32"), ((p, p), (p, p), (0, 0)))[None]
                return tf.nn.conv2d(x, np.asarray(kernel, "float32"), stride, "VALID").numpy()[0]

            out.append(("calls tf.nn.conv2d", keras_conv))
        return out
    if exercise.kind == CUSTOM:  # 3-5: a kernel
        kernel = np.asarray(right, dtype=float)
        return out + [("as a list", kernel.tolist()), ("transposed (horizontal edges)", kernel.T),
                      ("zeros", np.zeros((3, 3))), ("ones", np.ones((3, 3))), ("a string", str(kernel.tolist())),
                      ("wrong shape", kernel[:2]), ("an int", 5)]
    if exercise.kind == CHOICE:
        letters = [c for c in "ABCD" if c != right]
        return out + [("lower case", right.lower()), ("spaces", f" {right} ")] + \
            [(f"letter {c}", c) for c in letters] + [("E", "E"), ("an int", 3), ("a tuple", (right,)), ("True", True)]
    out += [(f"issue look-alike {v!r}", v) for v in ISSUE_LOOKALIKES]
    out += [("str", str(right)), ("str without spaces", str(right).replace(" ", "")), ("bool", True)]
    if isinstance(right, float):
        return out + [("int", int(right)), ("rounded to 1 decimal", round(right, 1)),
                      ("rounded to 2 decimals", round(right, 2)), ("+0.004", right + 0.004), ("+0.02", right + 0.02),
                      ("inverse", 1 / right), ("numpy float64", np.float64(right))]
    if isinstance(right, (int, np.integer)):
        return out + [("numpy int", np.int64(right)), ("float", float(right)), ("+1", right + 1), ("-1", right - 1),
                      ("+0.4", right + 0.4), ("numpy float32", np.float32(right)), ("1-tuple", (right,))]
    flat = _flatten(right)
    out += [("floats", _map(right, float)), ("numpy ints", _map(right, np.int64)),
            ("last + 1e-7", _replace_last(right, flat[-1] + 1e-7)), ("last + 1", _replace_last(right, flat[-1] + 1)),
            ("first + 1", _replace_first(right, flat[0] + 1)), ("numpy array", np.asarray(flat)),
            ("prefix", type(right)(right[:-1])), ("reversed", type(right)(reversed(right))),
            ("list", list(right)), ("tuple", tuple(right)), ("extra axis", type(right)(list(right) + [right[-1]]))]
    return out


class _Unanswered:
    pass


_UNANSWERED = _Unanswered()


def _stub(*_args, **_kwargs):
    raise NotImplementedError


def _flatten(value):
    if isinstance(value, (tuple, list)):
        return [x for v in value for x in _flatten(v)]
    return [value]


def _map(value, f):
    if isinstance(value, (tuple, list)):
        return type(value)(_map(v, f) for v in value)
    return f(value)


def _replace_last(value, new):
    if isinstance(value, (tuple, list)):
        return type(value)(list(value[:-1]) + [_replace_last(value[-1], new)])
    return new


def _replace_first(value, new):
    if isinstance(value, (tuple, list)):
        return type(value)([_replace_first(value[0], new)] + list(value[1:]))
    return new


def visible_verdict(exercise, namespace):
    printed = io.StringIO()
    try:
        with contextlib.redirect_stdout(printed):
            REGISTRY[exercise.number].check(dict(namespace))
    except ExerciseCheckError as error:
        message = str(error)
        assert re.search("[가-힣]", message), message  # a Korean message, never a bare error
        return FAIL, message
    text = printed.getvalue()
    if "통과" in text:
        return PASS, text
    assert exercise.graded_by_instructor and "강사" in text, text
    return FORMAT_OK, text


def hidden_verdict(hidden, namespace):
    try:
        exec(compile(hidden, "<hidden test>", "exec"), dict(namespace))
    except Exception as error:  # noqa: BLE001 - any failure of a hidden test is a failed test
        return FAIL, f"{type(error).__name__}: {error}"
    return PASS, ""


@pytest.mark.parametrize("number, solution, hidden", EXERCISES, ids=[row[0] for row in EXERCISES])
def test_visible_check_and_hidden_test_agree(number, solution, hidden, base_namespace):
    exercise = REGISTRY[number]
    solved = dict(base_namespace)
    exec(compile(solution, f"<solution {number}>", "exec"), solved)
    right = solved[exercise.name]
    if exercise.answer is not None:  # the declaration computes the instructor's answer
        from course_utils.exercises import exact

        assert exact(right, exercise.expected()), (number, right, exercise.expected())
    verdicts = {}
    for label, value in [("right answer", right)] + _variants(right, exercise):
        namespace = dict(base_namespace)
        if value is not _UNANSWERED:
            namespace[exercise.name] = value
        visible, why_visible = visible_verdict(exercise, namespace)
        hidden_result, why_hidden = hidden_verdict(hidden, namespace)
        verdicts[label] = (visible, hidden_result)
        if label == "right answer":
            assert hidden_result == PASS, why_hidden
            assert visible in (PASS, FORMAT_OK), why_visible
        elif visible == FORMAT_OK:
            pass  # conceptual choice, well formed: only the hidden test grades it
        else:
            assert visible == hidden_result, f"{number} {label}: visible {visible} ({why_visible}), hidden {hidden_result} ({why_hidden})"
        if label == "unanswered":
            assert "아직 답을 넣지 않았습니다" in why_visible
    wrong = [label for label, (v, h) in verdicts.items() if label != "right answer" and h == PASS]
    # the only wrong-looking answers a check may accept are spellings of the right one
    allowed = {"lower case", "spaces", "numpy int", "numpy ints", "list", "tuple", "as a list", "rounded to 2 decimals",
               "+0.004", "numpy float64"}
    assert set(wrong) <= allowed, (number, wrong)
    TABLE_COUNTS.setdefault(number, verdicts)


TABLE_COUNTS: dict = {}


def verdict_counts() -> dict:
    """{(visible, hidden): count} over the table (after the tests ran), for reports."""
    from collections import Counter

    return dict(Counter(v for verdicts in TABLE_COUNTS.values() for v in verdicts.values()))


@pytest.mark.parametrize("number, wrong, says, never", [
    ("1-4", (2, 3, 7), "사람 수와 항목 수", "순서"),          # not an axis-order mistake
    ("1-4", (3, 2, 6), "순서", None),
    ("1-4", (6, 6), "새 축", None),
    ("3-2", ((26, 26, 8), (12, 12, 16), (12, 12, 4)), "2번째 레이어", "1x1"),   # the mistake is layer 2's
    ("3-2", ((26, 26, 8), (13, 13, 16), (12, 12, 4)), "1x1", None),
    ("3-1", ((269, 479, 32), 2432), "높이와 너비가 바뀌었습니다", None),
    ("5-5", [30, 15, 13, 6, 4, 4, 8, 8, 16, 18, 32, 32], "11번째 레이어", None),
])
def test_hints_follow_from_the_actual_difference(number, wrong, says, never):
    with pytest.raises(ExerciseCheckError) as error:
        REGISTRY[number].check_value(wrong)
    message = str(error.value)
    assert says in message, message
    assert never is None or never not in message, message

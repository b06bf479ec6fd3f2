"""One table over every exercise: the visible check and the hidden test give the same verdict.

For each exercise of every chapter notebook the table holds the instructor's answer
(the solution cell, executed), wrong values and wrong-typed look-alikes of the right
answer (a string of it, floats, a float off by 1e-7, a bool, a list for a tuple,
and the issue's examples "(2,3,6)", (2.0, 3.0, 6.0), "2432", 2432.0, 101200.4, True),
and unanswered cells.  Each answer is bound in a fresh namespace; the visible check
(``check("N-k", namespace)``) and the hidden test (its source taken from the source
notebook and executed with the same namespace) both judge it, and the verdicts must
be identical.

Unanswered is its own verdict.  The student version's answer cell as released (its
stub executed: no answer variable, or a function whose body is only ``pass``), a
missing variable, ``...``, ``None`` and a function that raises NotImplementedError
make the visible check print "아직 답을 넣지 않았습니다" *without failing*, so a
learner's "Run all" goes on to the end of the chapter; for each of them the hidden
test must fail, so an unanswered exercise still scores 0 when graded.

Conceptual multiple choice declared without an answer would be the one designed
exception: the visible check only validates the format (it says the grade comes from
the instructor's test), so for a well-formed letter the table asserts "format accepted"
on the visible side and lets the hidden test decide; every malformed answer must be
rejected by both.  No exercise is declared so any more (6-3 computes its letter, issue 28).
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

PASS, FAIL, FORMAT_OK, UNANSWERED = "pass", "fail", "format-ok", "unanswered"
#: The variants that are not answers at all: the check says so and lets the notebook go on.
UNANSWERED_LABELS = {"student version as released", "unanswered", "None", "Ellipsis", "stub (pass)",
                     "stub (NotImplementedError)"}
ISSUE_LOOKALIKES = ["(2,3,6)", (2.0, 3.0, 6.0), (2, 3, 6.0000001), "2432", 2432.0, 101200.4, True]


def _exercises():
    """(number, answer source, hidden-test source, student stub) for every exercise, from the source notebooks."""
    rows = []
    for path in editions.chapter_notebooks():
        nb = read(path)
        by_id = {grade_id(c): c for c in nb.cells if grade_id(c)}
        student = {grade_id(c): c.source for c in editions.student_notebook(nb).cells if grade_id(c)}
        for answer_id, test_id, _points in exercise_pairs(nb):
            test = by_id[test_id].source
            number = re.search(r'check\("(\d-\d)"\)', test).group(1)
            hidden = test.split("### BEGIN HIDDEN TESTS", 1)[1].split("### END HIDDEN TESTS", 1)[0]
            rows.append((number, solution_source(by_id[answer_id]), hidden, student[answer_id]))
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

    out = [("unanswered", _UNANSWERED), ("None", None), ("Ellipsis", ...)]
    if exercise.kind in (FUNCTION, CUSTOM) and callable(right):
        out += [("not a function", 3), ("forgets to return", _forgets_to_return),
                ("returns its input", lambda x, *a, **k: x), ("stub (NotImplementedError)", _stub),
                ("stub (pass)", _pass_stub)]
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
    if exercise.number == "3-5":  # an output map, a numpy array
        response = np.asarray(right, dtype=float)
        return out + [("as a list", response.tolist()), ("absolute values", np.abs(response)),
                      ("negated (flipped kernel)", -response), ("transposed", response.T),
                      ("zeros", np.zeros_like(response)), ("ones", np.ones_like(response)),
                      ("a string", str(response.tolist())), ("wrong shape", response[:2]), ("an int", 5)]
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


def _pass_stub(*_args, **_kwargs):
    pass


def _forgets_to_return(x, *_args, **_kwargs):
    np.asarray(x)  # computes something, returns None: a wrong answer, not an unanswered one


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
    if "아직 답을 넣지 않았습니다" in text:
        assert "통과" not in text, text
        return UNANSWERED, text
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


@pytest.mark.parametrize("number, solution, hidden, stub", EXERCISES, ids=[row[0] for row in EXERCISES])
def test_visible_check_and_hidden_test_agree(number, solution, hidden, stub, base_namespace):
    exercise = REGISTRY[number]
    solved = dict(base_namespace)
    exec(compile(solution, f"<solution {number}>", "exec"), solved)
    right = solved[exercise.name]
    if exercise.answer is not None:  # the declaration computes the instructor's answer
        from course_utils.exercises import exact

        assert exact(right, exercise.expected()), (number, right, exercise.expected())
    released = dict(base_namespace)  # the student version's answer cell, run as released
    exec(compile(stub, f"<student stub {number}>", "exec"), released)
    stub_value = released.get(exercise.name, _UNANSWERED)
    verdicts = {}
    for label, value in [("right answer", right), ("student version as released", stub_value)] + \
            _variants(right, exercise):
        namespace = dict(base_namespace)
        if value is not _UNANSWERED:
            namespace[exercise.name] = value
        visible, why_visible = visible_verdict(exercise, namespace)
        hidden_result, why_hidden = hidden_verdict(hidden, namespace)
        verdicts[label] = (visible, hidden_result)
        if label == "right answer":
            assert hidden_result == PASS, why_hidden
            assert visible in (PASS, FORMAT_OK), why_visible
        elif label in UNANSWERED_LABELS:
            # not an answer: the check says so and the notebook goes on; grading gives 0
            assert visible == UNANSWERED, f"{number} {label}: visible {visible} ({why_visible})"
            assert hidden_result == FAIL, f"{number} {label}: the hidden test passed an unanswered exercise"
        elif visible == FORMAT_OK:
            pass  # conceptual choice, well formed: only the hidden test grades it
        else:
            assert visible == hidden_result, f"{number} {label}: visible {visible} ({why_visible}), hidden {hidden_result} ({why_hidden})"
    wrong = [label for label, (v, h) in verdicts.items() if label != "right answer" and h == PASS]
    # the only wrong-looking answers a check may accept are spellings of the right one
    allowed = {"lower case", "spaces", "numpy int", "numpy ints", "list", "tuple", "rounded to 2 decimals",
               "+0.004", "numpy float64"}
    assert set(wrong) <= allowed, (number, wrong)
    # every exercise demands the type its question states: a tuple answer is not a list, nor a list a tuple,
    # and 3-5's kernel is a numpy array
    for label in ("list", "tuple", "as a list"):
        if label in verdicts and type(dict(_variants(right, exercise))[label]) is not type(right):
            assert verdicts[label] == (FAIL, FAIL), (number, label, verdicts[label])
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
    ("5-7", [30, 15, 13, 6, 4, 4, 8, 8, 16, 18, 32, 32], "11번째 레이어", None),
])
def test_hints_follow_from_the_actual_difference(number, wrong, says, never):
    with pytest.raises(ExerciseCheckError) as error:
        REGISTRY[number].check_value(wrong)
    message = str(error.value)
    assert says in message, message
    assert never is None or never not in message, message


@pytest.mark.parametrize("number, wrong, message", [
    # a float inside the nested tuple: the position is said once per level, never "1번째 값 1번째 값"
    ("3-1", ((479.0, 269, 32), 2432),
     "연습 3-1 (큰 이미지의 합성곱): 답의 형식이 다릅니다. 1번째 값 안의 1번째 값: 필요한 형식은 정수(int)인데, "
     "받은 답은 실수(float) 479.0입니다."),
    # 7-2: rounding to one decimal and integer division are different mistakes
    ("7-2", 5.3,
     "연습 7-2 (합성곱 코드의 압축률): 아직 정답이 아닙니다. 소수 첫째 자리까지만 적었습니다 (반올림이나 버림). 소수 둘째 "
     "자리까지 맞아야 하니, 반올림하지 말고 나눗셈 계산식(/)을 그대로 적어 보세요."),
    ("7-2", 784 // 147,
     "연습 7-2 (합성곱 코드의 압축률): 아직 정답이 아닙니다. 정수 나눗셈(//)처럼 소수점 아래를 버렸습니다. 압축률은 "
     "실수입니다: 나눗셈은 /로 하세요 (계산식을 그대로 적어도 됩니다)."),
    # the worked example's ratio pasted (784 / 36) is named as such
    ("7-2", 784 / 36,
     "연습 7-2 (합성곱 코드의 압축률): 아직 정답이 아닙니다. 본문 Dense 오토인코더(784 → 36)의 압축률입니다. 이 연습의 "
     "코드는 길이 36인 벡터가 아니라 7x7 지도 3장입니다."),
    # the types the questions state: 3-5 "numpy 배열로", 5-7 "정수 12개의 리스트"
    ("3-5", [[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]],
     "연습 3-5 (세로 경계 커널의 출력): 답의 형식이 다릅니다. 필요한 형식은 3x4 numpy 배열(ndarray)인데, 받은 답은 "
     "리스트(list)입니다. np.array(...)로 감싸 numpy 배열로 만드세요."),
    ("5-7", (30, 15, 13, 6, 4, 4, 8, 8, 16, 18, 32, 32),
     "연습 5-7 (Conv2DTranspose 오토인코더의 shape 추적): 답의 형식이 다릅니다. 필요한 형식은 정수 12개로 된 "
     "리스트(list) [...]인데, 받은 답은 값 12개로 된 튜플(tuple) (30, 15, 13, 6, 4, 4, 8, 8, 16, 18, 32, 32)입니다."),
    # 6-3 (issue 28): each wrong option is a misconception, and its hint names it
    ("6-3", "A", "연습 6-3 (tanh와 [-1, 1]): 아직 정답이 아닙니다. 0과 1 사이는 sigmoid의 출력 범위입니다. tanh의 출력은 "
     "-1과 1 사이라서, 255로 나눈 [0, 1] 이미지와는 범위가 다릅니다."),
    ("6-3", "C", "연습 6-3 (tanh와 [-1, 1]): 아직 정답이 아닙니다. 픽셀 값의 부호에는 뜻이 없습니다. 원래 이미지도 검은색을 "
     "0으로 나타냅니다: [-1, 1]로 옮기는 까닭은 진짜 이미지의 범위를 생성자의 출력(tanh) 범위와 같게 하려는 것입니다."),
    ("6-3", "D", "연습 6-3 (tanh와 [-1, 1]): 아직 정답이 아닙니다. tanh도 sigmoid처럼 양 끝(-1과 1 근처)에서 포화되어 "
     "기울기가 0에 가까워집니다. 범위를 맞추는 까닭은 기울기가 아니라 진짜와 가짜의 값 범위를 같게 하려는 것입니다."),
])
def test_the_issue_s_wrong_answers_get_exactly_their_message(number, wrong, message):
    with pytest.raises(ExerciseCheckError) as error:
        REGISTRY[number].check_value(wrong)
    assert str(error.value) == message


def test_an_unanswered_check_prints_and_does_not_stop_the_notebook(capsys):
    """Run all goes on: no exception for a missing answer, `...`, None, or an unfinished function."""
    from course_utils.exercises import check

    def to_channels_last(video):
        pass

    def merge_dense(kernel1, bias1, kernel2, bias2):
        raise NotImplementedError("이 셀을 완성하세요.")

    for number, namespace, why in [("1-1", {}, "정의되지 않았습니다"), ("1-4", {"stacked_shape": ...}, "`...`"),
                                   ("6-3", {"tanh_choice": None}, "None"),
                                   ("1-5", {"to_channels_last": to_channels_last}, "비어 있습니다"),
                                   ("2-4", {"merge_dense": merge_dense}, "NotImplementedError")]:
        check(number, namespace)
        out = capsys.readouterr().out
        assert "아직 답을 넣지 않았습니다" in out and why in out and "통과" not in out, (number, out)
    # a wrong answer still stops the notebook (the cell fails, as nbgrader counts it)
    with pytest.raises(ExerciseCheckError):
        check("1-4", {"stacked_shape": (4, 5, 7)})

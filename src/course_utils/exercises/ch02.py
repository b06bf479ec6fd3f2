"""Exercise declarations of chapter 2, Linear 레이어 (book/ch02_linear).

Answers are computed with :func:`course_utils.params.dense_params` when the check runs; the number
exercises 2-1 to 2-3 draw their numbers from the learner's 학번 (``_variants.py``; the book's are variant 0); 2-4 merges
two Dense layers into one (the step beyond 2.3절's merged kernels: the biases too).
"""

from __future__ import annotations

import functools

import numpy as np

from course_utils import layers as _layers
from course_utils.exercises._core import (INTS, PAIR, ExerciseCheckError, FunctionSpec, differing, function_exercise,
                                          loaded_library_functions, value_exercise)
from course_utils.exercises._own_work import OWN_CODE_LIBRARIES
from course_utils.params import dense_params

from course_utils.exercises._variants import Numbers, Variants

# The book's numbers (variant 0); every student draws their own from the ranges below (``_variants.py``).
BOX_BOOK = {"dim": 2, "points": 4, "hidden": 3}                            # 연습 2-1: 2.2/2.3's box models
STACK_BOOK = {"inputs": 784, "image": "28x28", "units": (128, 64, 10)}    # 연습 2-2
BATCH_SHAPE = (32, 5, 7)                                                   # 연습 2-3
UNITS = (16, 4)
SHAPES_BOOK = {"batch": BATCH_SHAPE, "units": UNITS}


def _n(n, book) -> Numbers:
    return Numbers(book, book=True) if n is None else n


def _draw_box(rng) -> dict:
    """Points of 2 or 3 coordinates, 4-12 of them (never as many as coordinates), a hidden Dense of 2-10 units (2+ keeps
    "bias per unit" a step)."""
    return {"dim": int(rng.choice([2, 3])), "points": int(rng.choice([4, 5, 6, 8, 10, 12])),
            "hidden": int(rng.integers(2, 11))}


def _box_prompt(n) -> str:
    d, p, h = n["dim"], n["points"], n["hidden"]
    return (f"점 {p}개(각 점은 좌표 {d}개)로 된 입력, shape ({p}, {d})를 숫자 하나로 줄이는 두 모델이 있습니다 "
            f"(2.2절, 2.3절과 같은 구조).\n"
            f"- 두 단계 모델: Dense(1)이 점마다 좌표 {d}개를 숫자 하나로 → Reshape(({p},)) → Dense(1)\n"
            f"- 세 단계 모델: Dense({h}) → Dense(1) → Reshape(({p},)) → Dense(1)\n"
            "모든 Dense 레이어가 use_bias=True(편향 있음)이면 파라미터는 각각 몇 개일까요?\n"
            "box_params = (두 단계 모델의 파라미터 수, 세 단계 모델의 파라미터 수)로 답하세요.")


def box_params(n: Numbers = None) -> tuple:
    """Both box models of 2.2/2.3 with ``use_bias=True`` on every Dense layer (연습 2-1; ``n``: a variant, default the book's)."""
    n = _n(n, BOX_BOOK)
    d, p, h = n["dim"], n["points"], n["hidden"]
    two_step = dense_params(d, 1) + dense_params(p, 1)
    three_step = dense_params(d, h) + dense_params(h, 1) + dense_params(p, 1)
    return (two_step, three_step)


def _draw_stack(rng) -> dict:
    """A flattened image (16x16 to 32x32x3) through Dense(a) -> Dense(b, use_bias=False) -> Dense(c), a > b > c > 1."""
    image, inputs = [("28x28", 784), ("32x32", 1024), ("16x16", 256), ("32x32x3", 3072), ("20x20", 400)][
        int(rng.integers(5))]
    a = int(rng.choice([64, 100, 128, 200, 256]))
    b = int(rng.choice([32, 48, 50] if a == 64 else [32, 48, 50, 64]))
    c = int(rng.choice([5, 10, 26]))
    return {"inputs": inputs, "image": image, "units": (a, b, c)}


def _stack_prompt(n) -> str:
    a, b, c = n["units"]
    return (f"길이 {n['inputs']}인 벡터({n['image']} 이미지를 펼친 것)를 받는 다음 모델의 레이어별 파라미터 수를 구해\n"
            "stack_params = (첫 번째, 두 번째, 세 번째)로 답하세요.\n\n"
            "model = keras.Sequential([\n"
            f"    keras.Input(shape=({n['inputs']},)),\n"
            f"    keras.layers.Dense({a}),\n"
            f"    keras.layers.Dense({b}, use_bias=False),\n"
            f"    keras.layers.Dense({c}),\n"
            "])")


def stack_params(n: Numbers = None) -> tuple:
    """Per-layer counts of Dense(a) -> Dense(b, use_bias=False) -> Dense(c) (연습 2-2; book: 784 -> 128, 64, 10)."""
    n = _n(n, STACK_BOOK)
    a, b, c = n["units"]
    return (dense_params(n["inputs"], a), dense_params(a, b, use_bias=False), dense_params(b, c))


def _draw_shapes(rng) -> dict:
    """A (batch, steps, features) batch through Dense(u1) -> Dense(u2): every axis and unit count differs from the
    one it could be confused with (the last axis always changes, the batch axis is not the steps axis)."""
    while True:
        batch = int(rng.choice([8, 16, 32, 64]))
        steps, features = int(rng.integers(3, 11)), int(rng.integers(5, 13))
        u1, u2 = int(rng.choice([8, 12, 16, 24, 32])), int(rng.integers(2, 7))
        if len({batch, steps, features}) == 3 and len({features, u1, u2}) == 3 and u1 not in (steps, batch) and u2 != steps:
            return {"batch": (batch, steps, features), "units": (u1, u2)}


def _shapes_prompt(n) -> str:
    u1, u2 = n["units"]
    return (f"shape이 {tuple(n['batch'])}인 배치가 Dense({u1})을 지나고, 이어서 Dense({u2})를 지납니다.\n"
            "두 레이어 각각의 출력 shape을 stack_shapes = (첫 번째 출력 shape, 두 번째 출력 shape)으로 답하세요.")


def stack_shapes(n: Numbers = None) -> tuple:
    """The output shapes of Dense(u1), Dense(u2) on the batch (연습 2-3): Dense changes the last axis only."""
    n = _n(n, SHAPES_BOOK)
    shapes, shape = [], tuple(n["batch"])
    for units in n["units"]:
        shape = shape[:-1] + (units,)
        shapes.append(shape)
    return tuple(shapes)


def _box_hint(value, expected, n=None):
    n = _n(n, BOX_BOOK)
    d, p, h = n["dim"], n["points"], n["hidden"]
    no_bias = (dense_params(d, 1, False) + dense_params(p, 1, False),
               dense_params(d, h, False) + dense_params(h, 1, False) + dense_params(p, 1, False))
    if tuple(value) == no_bias:
        return "편향(bias)을 빠뜨렸습니다. 이번에는 모든 Dense 레이어가 use_bias=True입니다."
    wrong = differing(value, expected)
    if wrong == [1] and value[1] == no_bias[1] + 3:
        return "Dense 레이어의 편향 개수는 레이어 하나당 1개가 아니라 출력 차원(units) 수만큼입니다."
    if 0 in wrong:
        return (f"두 단계 모델: 1단계 Dense(1)은 입력 {d}개, 2단계 Dense(1)은 입력 {p}개입니다. "
                "각각 편향 1개씩이 더해집니다.")
    return (f"세 단계 모델: Dense({h})의 편향은 {h}개입니다. 1단계 커널 ({d}, {h}), 2단계 ({h}, 1), "
            f"3단계 ({p}, 1)을 확인하세요.")


def _stack_params_hint(value, expected, n=None):
    n = _n(n, STACK_BOOK)
    inputs, (a, b, c) = n["inputs"], n["units"]
    first, second, third = value
    wrong = differing(value, expected)
    if 0 in wrong:
        if first == dense_params(inputs, a, False):
            return f"첫 번째 레이어의 편향({a}개)을 빠뜨렸습니다."
        return f"첫 번째 레이어의 커널은 (입력 차원, 출력 차원) = ({inputs}, {a})입니다."
    if 1 in wrong:
        if second == dense_params(a, b):
            return "두 번째 레이어는 use_bias=False입니다. 편향을 세지 마세요."
        return f"두 번째 레이어의 입력 차원은 앞 레이어의 출력 차원({a})입니다."
    if third == dense_params(b, c, False):
        return f"세 번째 레이어의 편향({c}개)을 빠뜨렸습니다."
    return f"세 번째 레이어의 입력 차원은 {b}, 출력 차원은 {c}입니다."


def _stack_shapes_hint(value, expected, n=None):
    n = _n(n, SHAPES_BOOK)
    batch = tuple(n["batch"])
    for i, (shape, right) in enumerate(zip(value, expected)):
        if len(shape) != len(right):
            if len(shape) == 2:
                return "Dense는 입력을 펼치지(flatten) 않습니다. 마지막 축에만 작용하고 나머지 축은 그대로 둡니다."
            return f"{i + 1}번째 출력: 축의 수가 입력과 같아야 합니다. Dense는 마지막 축만 바꿉니다."
        wrong = differing(shape, right)
        if not wrong:
            continue
        if wrong == [len(right) - 1]:
            return f"{i + 1}번째 출력: Dense의 출력 마지막 축 길이는 units 값입니다."
        if 0 in wrong:
            return f"배치 축({batch[0]})은 레이어를 지나도 그대로입니다."
        return f"마지막 축만 units로 바뀌고 앞의 축 {batch[:-1]}는 그대로입니다."
    return None


def _box_mistakes(n) -> list:
    """The mistakes :func:`_box_hint` names: no bias anywhere, one bias per layer, one model without its biases."""
    d, p, h = n["dim"], n["points"], n["hidden"]
    right = box_params(n)
    no_bias = (d + p, d * h + h + p)
    return [no_bias, (right[0], no_bias[1] + 3), (no_bias[0], right[1]), (right[0], no_bias[1])]


def _stack_params_mistakes(n) -> list:
    """The mistakes :func:`_stack_params_hint` names, alone and together."""
    inputs, (a, b, c) = n["inputs"], n["units"]
    right = stack_params(n)
    firsts, seconds, thirds = (right[0], inputs * a), (right[1], a * b + b), (right[2], b * c)
    return [(x, y, z) for x in firsts for y in seconds for z in thirds if (x, y, z) != right]


def _stack_shapes_mistakes(n) -> list:
    """Flattening, keeping the last axis, and keeping only the units."""
    (batch, steps, features), (u1, u2) = n["batch"], n["units"]
    return [((batch, u1), (batch, u2)), ((batch, steps, features), (batch, steps, u2)),
            ((batch, steps, features), (batch, steps, features))]


BOX_PARAMS = value_exercise("2-1", "편향이 있는 상자 모델의 파라미터 수", "box_params", INTS, box_params, [_box_hint],
                            variants=Variants(BOX_BOOK, _draw_box, _box_prompt, _box_mistakes))
STACK_PARAMS = value_exercise("2-2", "Dense 스택의 파라미터 수", "stack_params", INTS, stack_params,
                              [_stack_params_hint], variants=Variants(STACK_BOOK, _draw_stack, _stack_prompt,
                                                                 _stack_params_mistakes))
STACK_SHAPES = value_exercise("2-3", "Dense를 지난 shape", "stack_shapes", PAIR, stack_shapes, [_stack_shapes_hint],
                              variants=Variants(SHAPES_BOOK, _draw_shapes, _shapes_prompt, _stack_shapes_mistakes))


def merge_cases(seed: int = 23) -> list:
    """The input cases of 연습 2-4: two Dense layers' weights (kernel1 (n, h), bias1 (h,), kernel2 (h, m), bias2 (m,)).

    One pair has h == m (biases of the same length, so "just add them" gives numbers, not an error) and one is all
    square (the reversed or transposed product gives numbers too); the others have three different sizes."""
    rng = np.random.default_rng(seed)
    cases = []
    for n, h, m in [(3, 4, 2), (5, 3, 3), (4, 4, 4), (2, 6, 5)]:
        kernel1, bias1 = rng.normal(size=(n, h)), rng.normal(size=(h,))
        kernel2, bias2 = rng.normal(size=(h, m)), rng.normal(size=(m,))
        cases.append(((kernel1, bias1, kernel2, bias2), {}, f"kernel1 {kernel1.shape}, kernel2 {kernel2.shape}인 입력"))
    return cases


def merge_dense(kernel1, bias1, kernel2, bias2) -> tuple:
    """The one Dense that computes Dense2(Dense1(x)) without activation (연습 2-4, 2.3절's merged kernels):
    ``(x @ k1 + b1) @ k2 + b2 = x @ (k1 @ k2) + (b1 @ k2 + b2)``."""
    kernel1, kernel2 = np.asarray(kernel1, float), np.asarray(kernel2, float)
    return kernel1 @ kernel2, np.asarray(bias1, float) @ kernel2 + np.asarray(bias2, float)


def _stacked(kernel, bias) -> np.ndarray:
    """``(kernel, bias)`` as one ``(n + 1, m)`` array (bias as the last row), the form the check compares."""
    return np.vstack([kernel, np.asarray(bias)[None]])


def _reference_merge(kernel1, bias1, kernel2, bias2) -> np.ndarray:
    return _stacked(*merge_dense(kernel1, bias1, kernel2, bias2))


def _run_merge(function, args, kwargs):
    """The learner's ``(kernel, bias)`` of one case, checked for form and shape, stacked like :func:`_reference_merge`."""
    result = function(*args, **kwargs)
    if result is None:
        return None
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        raise ExerciseCheckError("합친 Dense의 (kernel, bias) 두 값을 튜플로 돌려주세요. 예: return kernel, bias")
    try:
        kernel, bias = np.asarray(result[0], dtype=float), np.asarray(result[1], dtype=float)
    except (TypeError, ValueError):
        raise ExerciseCheckError("kernel과 bias는 숫자 배열이어야 합니다.") from None
    n, m = np.shape(args[0])[0], np.shape(args[2])[1]
    if kernel.shape != (n, m):
        if kernel.shape == (m, n):
            raise ExerciseCheckError(f"합친 kernel의 shape이 ({m}, {n})로 뒤집혔습니다. Keras의 kernel은 "
                                     f"(입력 차원, 출력 차원) = ({n}, {m})입니다. 곱하는 순서나 전치(.T)를 확인하세요.")
        raise ExerciseCheckError(f"합친 kernel의 shape은 (첫 레이어의 입력 차원, 두 번째 레이어의 출력 차원) = ({n}, {m})"
                                 f"이어야 합니다 (받은 shape: {kernel.shape}).")
    if bias.shape != (m,):
        raise ExerciseCheckError(f"합친 bias의 shape은 두 번째 레이어의 출력 차원 길이인 ({m},)이어야 합니다 "
                                 f"(받은 shape: {bias.shape}).")
    return _stacked(kernel, bias)


def _merge_hint(received, expected, args, kwargs):
    """The mistakes of 연습 2-4: the kernels in the wrong order or transposed, bias1 forgotten or just added, bias2
    forgotten."""
    kernel1, bias1, kernel2, bias2 = (np.asarray(a, float) for a in args)
    kernel, bias = received[:-1], received[-1]
    close = functools.partial(np.allclose, atol=1e-4, rtol=1e-4)
    if not close(kernel, kernel1 @ kernel2):
        if kernel2.shape[1] == kernel1.shape[0] and close(kernel, kernel2 @ kernel1):
            return ("kernel을 곱하는 순서가 바뀌었습니다. x는 먼저 kernel1을, 다음에 kernel2를 지나므로 "
                    "kernel1 @ kernel2입니다.")
        if close(kernel, (kernel1 @ kernel2).T):
            return "합친 kernel이 전치(.T)되어 있습니다. Keras의 kernel은 (입력 차원, 출력 차원) 모양입니다."
        return "합친 kernel을 확인하세요: 2.3절에서처럼 두 레이어의 kernel을 곱한 행렬 하나입니다."
    if close(bias, bias2):
        return ("첫 번째 레이어의 편향 bias1을 빠뜨렸습니다. bias1도 두 번째 레이어를 지나갑니다: "
                "(x @ kernel1 + bias1) @ kernel2 + bias2를 풀어 써 보세요.")
    if bias1.shape == bias2.shape and close(bias, bias1 + bias2):
        return ("편향을 그냥 더하면 안 됩니다. bias1은 두 번째 레이어에서 kernel2와 곱해진 다음에 bias2가 더해집니다: "
                "(x @ kernel1 + bias1) @ kernel2 + bias2를 풀어 써 보세요.")
    if close(bias, bias1 @ kernel2):
        return "두 번째 레이어의 편향 bias2를 빠뜨렸습니다."
    return None


def _merge_error_hint(error_text):
    if "matmul" in error_text or "not aligned" in error_text or "mismatch in its core dimension" in error_text:
        return ("행렬 곱의 차원이 맞지 않습니다. kernel1은 (입력 차원, 중간 차원), kernel2는 (중간 차원, 출력 차원)이므로 "
                "kernel1 @ kernel2 순서로 곱합니다.")
    if "could not be broadcast" in error_text:
        return ("bias1의 길이(중간 차원)와 bias2의 길이(출력 차원)가 다릅니다. 편향을 그냥 더하지 말고, bias1이 두 번째 "
                "레이어를 지나면 무엇이 되는지 생각해 보세요.")
    return None


def library_dense() -> list:
    """The library Dense computations 연습 2-4 must not call: course_utils', and Keras' and TensorFlow's if imported."""
    return [(_layers, "dense")] + loaded_library_functions(
        "keras:layers.Dense.call", "keras:layers.EinsumDense.call", "keras:ops.matmul", "keras:ops.dot",
        "tensorflow:linalg.matmul", "tensorflow:matmul", "tensorflow:tensordot")


#: Names whose use in the answer counts as calling a library Dense (the own-work rule, visible check and grader).
DENSE_NAMES = frozenset({"dense", "Dense", "EinsumDense", "einsum_dense"}) | OWN_CODE_LIBRARIES

MERGE_DENSE = function_exercise("2-4", "두 Dense를 하나로", "merge_dense", FunctionSpec(
    cases=merge_cases, reference=_reference_merge, seed=23, run=_run_merge, hints=[_merge_hint],
    error_hints=[_merge_error_hint],
    mismatch="(x @ kernel1 + bias1) @ kernel2 + bias2를 전개해 kernel과 bias를 구했는지 확인하세요.",
    blocked=library_dense,
    refusal=("이 연습은 직접 짠 numpy 코드를 검사합니다. course_utils의 dense나 Keras Dense, TensorFlow의 행렬 곱을 "
             "부르지 말고 numpy의 행렬 곱 @와 덧셈으로 직접 계산하세요."),
    banned_names=DENSE_NAMES))

"""Exercise declarations of chapter 2, Linear 레이어 (book/ch02_linear).

Answers are computed with :func:`course_utils.params.dense_params` when the check runs; the number
exercises 2-1 to 2-3 draw their numbers from the learner's 학번 (``_variants.py``; the book's are variant 0).
"""

from __future__ import annotations

import numpy as np

from course_utils import layers as _layers
from course_utils.exercises._core import (INTS, PAIR, FunctionSpec, differing, function_exercise,
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


def dense_cases(seed: int = 23) -> list:
    """The input cases of 연습 2-4: batches of 1-3 axes, and a zero bias."""
    rng = np.random.default_rng(seed)
    cases = []
    for shape, units in [((1, 3), 2), ((5, 4), 3), ((2, 6, 3), 5)]:
        x = rng.normal(size=shape)
        kernel = rng.normal(size=(shape[-1], units))
        bias = rng.normal(size=(units,))
        cases.append(((x, kernel, bias), {}, f"x {x.shape}, kernel {kernel.shape}인 입력"))
    x = rng.normal(size=(4, 3))
    kernel = rng.normal(size=(3, 1))
    cases.append(((x, kernel, np.zeros(1)), {}, "편향이 0인 입력"))
    return cases


def _matmul_error_hint(error_text):
    if "matmul" in error_text or "not aligned" in error_text or "mismatch in its core dimension" in error_text:
        return ("행렬 곱의 차원이 맞지 않습니다. Keras의 kernel은 (입력 차원, 출력 차원)이고 x는 (..., 입력 차원)이므로 "
                "x @ kernel 순서로 곱합니다 (kernel.T나 kernel @ x가 아닙니다).")
    return None


def _bias_hint(received, expected, args, kwargs):
    x, kernel, bias = args
    if received.shape == expected.shape and np.allclose(received, np.asarray(x) @ np.asarray(kernel)) and np.any(bias):
        return "편향(bias)을 더하지 않았습니다. 출력은 x @ kernel + bias입니다."
    return None


def library_dense() -> list:
    """The library Dense computations 연습 2-4 must not call: course_utils', and Keras' and TensorFlow's if imported."""
    return [(_layers, "dense")] + loaded_library_functions(
        "keras:layers.Dense.call", "keras:layers.EinsumDense.call", "keras:ops.matmul", "keras:ops.dot",
        "tensorflow:linalg.matmul", "tensorflow:matmul", "tensorflow:tensordot")


#: Names whose use in the answer counts as calling a library Dense (the own-work rule, visible check and grader).
DENSE_NAMES = frozenset({"dense", "Dense", "EinsumDense", "einsum_dense"}) | OWN_CODE_LIBRARIES

MY_DENSE = function_exercise("2-4", "numpy로 만든 Dense", "my_dense", FunctionSpec(
    cases=dense_cases, reference=_layers.dense, seed=23, hints=[_bias_hint], error_hints=[_matmul_error_hint],
    mismatch="x @ kernel + bias를 계산했는지, 곱하는 순서와 편향을 확인하세요.", blocked=library_dense,
    refusal=("이 연습은 직접 짠 numpy 코드를 검사합니다. course_utils의 dense나 Keras Dense, TensorFlow의 행렬 곱을 "
             "부르지 말고 numpy의 행렬 곱 @와 덧셈으로 직접 계산하세요."),
    banned_names=DENSE_NAMES))

"""Exercise declarations of chapter 2, Linear 레이어 (book/ch02_linear).

Answers are computed with :func:`course_utils.params.dense_params` when the check runs.
"""

from __future__ import annotations

import numpy as np

from course_utils import layers as _layers
from course_utils.exercises._core import (INTS, PAIR, FunctionSpec, differing, function_exercise,
                                          loaded_library_functions, value_exercise)
from course_utils.exercises._own_work import OWN_CODE_LIBRARIES
from course_utils.params import dense_params

BATCH_SHAPE = (32, 5, 7)   # 연습 2-3
UNITS = (16, 4)


def box_params() -> tuple:
    """Both box models of 2.2/2.3 with ``use_bias=True`` on every Dense layer."""
    two_step = dense_params(2, 1) + dense_params(4, 1)
    three_step = dense_params(2, 3) + dense_params(3, 1) + dense_params(4, 1)
    return (two_step, three_step)


def stack_params() -> tuple:
    """Per-layer counts of Dense(128) -> Dense(64, use_bias=False) -> Dense(10) on 784 inputs."""
    return (dense_params(784, 128), dense_params(128, 64, use_bias=False), dense_params(64, 10))


def stack_shapes() -> tuple:
    """The output shapes of :data:`UNITS` on :data:`BATCH_SHAPE` (연습 2-3): Dense changes the last axis only."""
    shapes, shape = [], BATCH_SHAPE
    for units in UNITS:
        shape = shape[:-1] + (units,)
        shapes.append(shape)
    return tuple(shapes)


def _box_hint(value, expected):
    no_bias = (dense_params(2, 1, False) + dense_params(4, 1, False),
               dense_params(2, 3, False) + dense_params(3, 1, False) + dense_params(4, 1, False))
    if tuple(value) == no_bias:
        return "편향(bias)을 빠뜨렸습니다. 이번에는 모든 Dense 레이어가 use_bias=True입니다."
    wrong = differing(value, expected)
    if wrong == [1] and value[1] == no_bias[1] + 3:
        return "Dense 레이어의 편향 개수는 레이어 하나당 1개가 아니라 출력 차원(units) 수만큼입니다."
    if 0 in wrong:
        return "두 단계 모델: 1단계 Dense(1)은 입력 2개, 2단계 Dense(1)은 입력 4개입니다. 각각 편향 1개씩이 더해집니다."
    return "세 단계 모델: Dense(3)의 편향은 3개입니다. 1단계 커널 (2, 3), 2단계 (3, 1), 3단계 (4, 1)을 확인하세요."


def _stack_params_hint(value, expected):
    first, second, third = value
    wrong = differing(value, expected)
    if 0 in wrong:
        if first == dense_params(784, 128, False):
            return "첫 번째 레이어의 편향(128개)을 빠뜨렸습니다."
        return "첫 번째 레이어의 커널은 (입력 차원, 출력 차원) = (784, 128)입니다."
    if 1 in wrong:
        if second == dense_params(128, 64):
            return "두 번째 레이어는 use_bias=False입니다. 편향을 세지 마세요."
        return "두 번째 레이어의 입력 차원은 앞 레이어의 출력 차원(128)입니다."
    if third == dense_params(64, 10, False):
        return "세 번째 레이어의 편향(10개)을 빠뜨렸습니다."
    return "세 번째 레이어의 입력 차원은 64, 출력 차원은 10입니다."


def _stack_shapes_hint(value, expected):
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
            return "배치 축(32)은 레이어를 지나도 그대로입니다."
        return "마지막 축만 units로 바뀌고 앞의 축 (32, 5)는 그대로입니다."
    return None


BOX_PARAMS = value_exercise("2-1", "편향이 있는 상자 모델의 파라미터 수", "box_params", INTS, box_params, [_box_hint])
STACK_PARAMS = value_exercise("2-2", "Dense 스택의 파라미터 수", "stack_params", INTS, stack_params,
                              [_stack_params_hint])
STACK_SHAPES = value_exercise("2-3", "Dense를 지난 shape", "stack_shapes", PAIR, stack_shapes, [_stack_shapes_hint])


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

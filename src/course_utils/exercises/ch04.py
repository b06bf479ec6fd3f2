"""Exercise declarations of chapter 4, Pooling과 Receptive Field (book/ch04_pooling_receptive_field).

Answers are computed with :func:`course_utils.shapes.receptive_field` and
:func:`course_utils.shapes.pool_output_length` when the check runs.
"""

from __future__ import annotations

import numpy as np

from course_utils import layers as _layers
from course_utils.exercises._core import (INT, INTS, PAIR, FunctionSpec, function_exercise, loaded_library_functions,
                                          value_exercise)
from course_utils.exercises._own_work import OWN_CODE_LIBRARIES
from course_utils.shapes import pool_output_length, receptive_field

CONV_POOL = [(3, 2), (2, 2), (3, 1)]                               # 연습 4-1: (kernel, stride), input side first
STACK_A = [(3, 1), (3, 1), (2, 2), (3, 1), (3, 1), (2, 2)]         # 연습 4-2
STACK_B = [(3, 1, 1), (3, 1, 3), (3, 1, 5)]                        # (kernel, stride, dilation)
POOLS = [((7, 7, 3), 2, None, "valid"), ((8, 8, 1), 3, 2, "valid"), ((7, 7, 3), 2, None, "same")]  # 연습 4-3


def rf_conv_pool() -> int:
    """The receptive field of :data:`CONV_POOL` (연습 4-1)."""
    return receptive_field(CONV_POOL).size


def rf_stacks() -> tuple:
    """The receptive fields of :data:`STACK_A` and :data:`STACK_B` (연습 4-2)."""
    return (receptive_field(STACK_A).size, receptive_field(STACK_B).size)


def pool_shapes() -> tuple:
    """The pooled shapes of :data:`POOLS` (연습 4-3)."""
    return tuple((pool_output_length(h, k, s, p), pool_output_length(w, k, s, p), c) for (h, w, c), k, s, p in POOLS)


def _rf_conv_pool_hint(value, expected):
    if value > 9 and round(value ** 0.5) ** 2 == value and round(value ** 0.5) == expected:
        return "넓이(픽셀 수)가 아니라 한 변의 길이로 답하세요."
    if value == receptive_field(CONV_POOL[:-1]).size:
        return "그건 4.6절 풀이의 두 레이어까지입니다. 마지막 3x3 합성곱이 더하는 양도 더하세요."
    if value == 1 + sum(k - 1 for k, _s in CONV_POOL):
        return "각 층이 더하는 (k − 1)에 그 앞 층들의 stride 곱(jump)을 곱해야 합니다. 풀링 뒤의 층은 입력에서 4칸 간격으로 봅니다."
    return "r = 1 + Σ (k − 1) × (앞선 층들의 stride 곱)을 세 층에 차례로 적용해 보세요."


def _rf_stacks_hint(value, expected):
    a, b = value
    if b != expected[1]:
        if b == receptive_field([(k, s) for k, s, _d in STACK_B]).size:
            return "스택 B: dilation d인 3x3 커널은 입력에서 2d + 1칸에 걸쳐 있습니다 (유효 커널 d·(k − 1) + 1)."
        return "스택 B: stride가 모두 1이므로 각 층은 (유효 커널 − 1)만큼 더합니다. 유효 커널 = d·(k − 1) + 1."
    if a == 1 + sum(k - 1 for k, _s in STACK_A):
        return "스택 A: 풀링(stride 2) 뒤의 층은 입력에서 2배 넓은 간격으로 봅니다. 더하는 양에 앞선 stride들의 곱을 곱하세요."
    return "스택 A: r = 1 + Σ (k − 1) × (앞선 층들의 stride 곱)을 차례로 계산하세요."


def _pool_shapes_hint(value, expected):
    for i, (shape, right, ((h, w, c), k, s, padding)) in enumerate(zip(value, expected, POOLS)):
        if len(shape) != 3:
            return "각 shape은 (높이, 너비, 채널) 세 정수의 튜플입니다."
        if tuple(shape) == tuple(right):
            continue
        if shape[2] != c:
            return "풀링은 채널마다 따로 작동하므로 채널 수가 바뀌지 않습니다."
        if padding == "valid" and shape[0] == pool_output_length(h, k, s, "same"):
            return (f"{i + 1}번째: padding='valid'에서는 창이 다 들어가지 않는 마지막 행과 열은 버립니다 "
                    "(⌊(n − k)/s⌋ + 1).")
        if padding == "same":
            return f"{i + 1}번째: padding='same'의 출력 크기는 ⌈n/s⌉입니다."
        if s is not None:
            return f"{i + 1}번째: 창 크기 {k}, stride {s}입니다. ⌊(n − k)/s⌋ + 1을 쓰세요."
        return f"{i + 1}번째: stride를 주지 않으면 창 크기와 같습니다. ⌊(n − k)/s⌋ + 1을 쓰세요."
    return None


RF_CONV_POOL = value_exercise("4-1", "합성곱 + 풀링 + 합성곱의 receptive field", "rf_conv_pool", INT, rf_conv_pool,
                              [_rf_conv_pool_hint])
RF_STACKS = value_exercise("4-2", "더 깊은 스택의 receptive field", "rf_stacks", INTS, rf_stacks, [_rf_stacks_hint])
POOL_SHAPES = value_exercise("4-3", "풀링 출력 shape", "pool_shapes", PAIR, pool_shapes, [_pool_shapes_hint])


def _reference_pool(x, pool_size=2, stride=None):
    return _layers.max_pool2d(np.asarray(x, dtype=float)[None], pool_size=pool_size, stride=stride)[0]


def pool_cases(seed: int = 41):
    """The input cases of 연습 4-4."""
    rng = np.random.default_rng(seed)
    specs = [((4, 4, 1), 2, None, "4x4, 창 2"),
             ((5, 7, 2), 2, None, "크기가 창으로 나누어떨어지지 않는 5x7"),
             ((6, 6, 3), 3, 2, "창 3, stride 2 (창이 겹침)"),
             ((5, 5, 1), 2, 1, "창 2, stride 1")]
    cases = [((rng.normal(size=shape),), {"pool_size": k, "stride": s}, f"{desc} 입력") for shape, k, s, desc in specs]
    cases.append(((-1.0 - rng.random(size=(4, 6, 2)),), {"pool_size": 2, "stride": None}, "값이 모두 음수인 입력"))
    return cases


def library_pooling() -> list:
    """The library poolings 연습 4-4 must not call: course_utils', and Keras', TensorFlow's and scipy's if imported."""
    return [(_layers, "max_pool2d"), (_layers, "avg_pool2d")] + loaded_library_functions(
        "keras:layers.MaxPooling2D.call", "keras:ops.max_pool", "keras:ops.nn.max_pool", "tensorflow:nn.max_pool2d",
        "tensorflow:nn.max_pool", "tensorflow:nn.max_pool_with_argmax", "tensorflow:nn.pool",
        "scipy.ndimage:maximum_filter")


#: Names whose use in the answer counts as calling a library pooling (the own-work rule, visible check and grader).
POOLING_NAMES = frozenset({"max_pool2d", "avg_pool2d", "max_pool", "max_pool_with_argmax", "MaxPooling2D", "MaxPool2D",
                           "MaxPool", "MaxPoolV2", "maximum_filter", "block_reduce"}) | OWN_CODE_LIBRARIES

MY_MAX_POOL2D = function_exercise("4-4", "numpy로 만든 max pooling", "my_max_pool2d", FunctionSpec(
    cases=pool_cases, reference=_reference_pool, seed=41, blocked=library_pooling,
    refusal=("이 연습은 직접 짠 numpy 코드를 검사합니다. course_utils의 max_pool2d나 Keras MaxPooling2D, "
             "tf.nn.max_pool2d를 부르지 말고 창(window)을 슬라이싱해 np.max로 직접 고르세요."),
    mismatch="창의 위치(행과 열에 stride를 곱한 시작점)와 창 크기를 확인하세요.", banned_names=POOLING_NAMES))

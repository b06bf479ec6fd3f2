"""Visible checks for chapter 4, Pooling과 Receptive Field (book/ch04_pooling_receptive_field).

>>> check_pool_shapes(((3, 3, 3), (3, 3, 1), (4, 4, 3)))
✅ 연습 4-3 (풀링 출력 shape): 통과!
"""

from __future__ import annotations

import numbers

import numpy as np

from course_utils.exercises._core import as_shape, expect_close, expect_value
from course_utils.layers import max_pool2d


def _int_or_none(value):
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return int(value)
    return None


def check_rf_conv_pool(rf_conv_pool) -> None:
    """연습 4-1: the receptive field (one side) of a 3x3 stride-2 conv followed by 2x2 max pooling."""
    label = "연습 4-1 (합성곱 + 풀링의 receptive field)"

    def hint(value):
        size = _int_or_none(value)
        if size is None:
            return "receptive field 한 변의 길이를 정수 하나로 답하세요. 예: 3x3이면 3."
        if size in (9, 16, 25, 36, 49):
            return "넓이(픽셀 수)가 아니라 한 변의 길이로 답하세요."
        if size == 4:
            return "풀링 창의 두 칸은 합성곱 출력에서 이웃한 칸이고, 합성곱의 stride가 2이므로 입력에서는 2칸 떨어져 있습니다."
        if size == 6:
            return "두 합성곱 창은 입력에서 stride(2)만큼 떨어져 있고 겹칩니다. 겹친 부분을 두 번 세지 않았나요?"
        return "풀링 출력 한 칸은 합성곱 출력 2x2칸을 보고, 그 각 칸은 입력 3x3칸을 봅니다. 합성곱 창 사이의 간격은 stride입니다."

    expect_value(label, "ch04.rf_conv_pool", rf_conv_pool, "c3558f9bd36c28f4", [hint])


def check_rf_stacks(rf_stacks) -> None:
    """연습 4-2: receptive fields of a VGG-like stack and of a dilated stack."""
    label = "연습 4-2 (더 깊은 스택의 receptive field)"

    def hint(value):
        shape = as_shape(value)
        if shape is None or len(shape) != 2:
            return "(스택 A의 크기, 스택 B의 크기) 두 정수의 튜플로 답하세요."
        a, b = shape
        if b == 7:
            return "스택 B: dilation d인 3x3 커널은 입력에서 2d + 1칸에 걸쳐 있습니다."
        if b != 15:
            return "스택 B: stride가 모두 1이므로 각 층은 (유효 커널 − 1)만큼 더합니다. 유효 커널 = d·(k − 1) + 1."
        if a == 11:
            return "스택 A: 풀링(stride 2) 뒤의 층은 입력에서 2배 넓은 간격으로 봅니다. 더하는 양에 앞선 stride들의 곱을 곱하세요."
        return "스택 A: r = 1 + Σ (k − 1) × (앞선 층들의 stride 곱)을 차례로 계산하세요."

    expect_value(label, "ch04.rf_stacks", rf_stacks, "ada7b64eb07ba184", [hint])


def check_pool_shapes(pool_shapes) -> None:
    """연습 4-3: output shapes of three pooling layers."""
    label = "연습 4-3 (풀링 출력 shape)"

    def hint(value):
        if not isinstance(value, (tuple, list)) or len(value) != 3:
            return "풀링 레이어 세 개의 출력 shape을 차례로 담은 튜플로 답하세요."
        shapes = [as_shape(v) for v in value]
        if any(s is None or len(s) != 3 for s in shapes):
            return "각 shape은 (높이, 너비, 채널) 세 정수의 튜플입니다."
        if [s[2] for s in shapes] != [3, 1, 3]:
            return "풀링은 채널마다 따로 작동하므로 채널 수가 바뀌지 않습니다."
        if shapes[0][:2] == (4, 4):
            return "첫 번째: padding='valid'에서는 창이 다 들어가지 않는 마지막 행과 열은 버립니다 (⌊(7 − 2)/2⌋ + 1)."
        if shapes[1][:2] in ((2, 2), (6, 6)):
            return "두 번째: 창 크기 3, stride 2입니다. ⌊(n − k)/s⌋ + 1을 쓰세요."
        if shapes[2][:2] == (3, 3):
            return "세 번째: padding='same'의 출력 크기는 ⌈n/s⌉입니다."
        return "출력 크기 = ⌊(n − k)/s⌋ + 1 (valid), ⌈n/s⌉ (same). stride를 주지 않으면 창 크기와 같습니다."

    expect_value(label, "ch04.pool_shapes", pool_shapes, "4eb8924c0ac717bf", [hint])


def _reference_pool(x, pool_size=2, stride=None):
    return max_pool2d(np.asarray(x, dtype=float)[None], pool_size=pool_size, stride=stride)[0]


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


def check_my_max_pool2d(my_max_pool2d, seed: int = 41) -> None:
    """연습 4-4: ``my_max_pool2d(x, pool_size=2, stride=None)`` on (H, W, C) inputs, valid padding."""
    expect_close("연습 4-4 (numpy로 만든 max pooling)", my_max_pool2d, _reference_pool, pool_cases(seed))

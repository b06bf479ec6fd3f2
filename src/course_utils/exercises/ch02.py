"""Visible checks for chapter 2, Linear 레이어 (book/ch02_linear).

>>> check_stack_shapes(((32, 5, 16), (32, 5, 4)))
✅ 연습 2-3 (Dense를 지난 shape): 통과!
"""

from __future__ import annotations

import numpy as np

from course_utils.exercises._core import as_shape, expect_close, expect_value
from course_utils.layers import dense


def check_box_params(box_params) -> None:
    """연습 2-1: parameter counts of the two box models when every Dense layer has a bias."""
    label = "연습 2-1 (편향이 있는 상자 모델의 파라미터 수)"

    def hint(value):
        shape = as_shape(value)
        if shape is None or len(shape) != 2:
            return "(두 단계 모델의 파라미터 수, 세 단계 모델의 파라미터 수) 두 정수로 된 튜플로 답하세요."
        two, three = shape
        if (two, three) == (6, 13):
            return "편향(bias)을 빠뜨렸습니다. 이번에는 모든 Dense 레이어가 use_bias=True입니다."
        if two == 6 + 2 and three == 13 + 3:
            return "Dense 레이어의 편향 개수는 레이어 하나당 1개가 아니라 출력 차원(units) 수만큼입니다."
        if two != 8:
            return "두 단계 모델: 1단계 Dense(1)은 입력 2개, 2단계 Dense(1)은 입력 4개입니다. 각각 편향 1개씩이 더해집니다."
        return "세 단계 모델: Dense(3)의 편향은 3개입니다. 1단계 커널 (2, 3), 2단계 (3, 1), 3단계 (4, 1)을 확인하세요."

    expect_value(label, "ch02.box_params", box_params, "68ba8a3b16ec69c6", [hint])


def check_stack_params(stack_params) -> None:
    """연습 2-2: per-layer parameter counts of Dense(128) -> Dense(64, no bias) -> Dense(10) on 784 inputs."""
    label = "연습 2-2 (Dense 스택의 파라미터 수)"

    def hint(value):
        shape = as_shape(value)
        if shape is None or len(shape) != 3:
            return "레이어 세 개 각각의 파라미터 수를 정수 세 개짜리 튜플로 답하세요."
        first, second, third = shape
        if first == 784 * 128:
            return "첫 번째 레이어의 편향(128개)을 빠뜨렸습니다."
        if first != 784 * 128 + 128:
            return "첫 번째 레이어의 커널은 (입력 차원, 출력 차원) = (784, 128)입니다."
        if second == 128 * 64 + 64:
            return "두 번째 레이어는 use_bias=False입니다. 편향을 세지 마세요."
        if second != 128 * 64:
            return "두 번째 레이어의 입력 차원은 앞 레이어의 출력 차원(128)입니다."
        if third == 64 * 10:
            return "세 번째 레이어의 편향(10개)을 빠뜨렸습니다."
        return "세 번째 레이어의 입력 차원은 64, 출력 차원은 10입니다."

    expect_value(label, "ch02.stack_params", stack_params, "b22fd08f957383a5", [hint])


def check_stack_shapes(stack_shapes) -> None:
    """연습 2-3: output shapes of Dense(16) then Dense(4) on a (32, 5, 7) batch."""
    label = "연습 2-3 (Dense를 지난 shape)"

    def hint(value):
        if not isinstance(value, (tuple, list)) or len(value) != 2:
            return "(첫 번째 Dense의 출력 shape, 두 번째 Dense의 출력 shape) 두 shape의 튜플로 답하세요."
        first, second = as_shape(value[0]), as_shape(value[1])
        if first is None or second is None:
            return "각 shape은 정수로 된 튜플이어야 합니다. 예: (32, 5, 7)."
        if len(first) == 2 or len(second) == 2:
            return "Dense는 입력을 펼치지(flatten) 않습니다. 마지막 축에만 작용하고 나머지 축은 그대로 둡니다."
        if first[0] != 32 or second[0] != 32:
            return "배치 축(32)은 레이어를 지나도 그대로입니다."
        if first[-1] != 16 or second[-1] != 4:
            return "Dense의 출력 마지막 축 길이는 units 값입니다."
        return "마지막 축만 units로 바뀌고 앞의 축 (32, 5)는 그대로입니다."

    expect_value(label, "ch02.stack_shapes", stack_shapes, "a48686278b2d881c", [hint])


def _reference_dense(x, kernel, bias):
    return dense(x, kernel, bias)


def check_my_dense(my_dense, seed: int = 23) -> None:
    """연습 2-4: a numpy Dense forward pass ``my_dense(x, kernel, bias)``."""
    label = "연습 2-4 (numpy로 만든 Dense)"
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
    expect_close(label, my_dense, _reference_dense, cases)

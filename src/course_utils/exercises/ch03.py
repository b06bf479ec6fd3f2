"""Visible checks for chapter 3, Convolution 레이어 (book/ch03_convolution).

>>> import numpy as np
>>> check_edge_kernel(np.array([[1, 0, -1], [2, 0, -2], [1, 0, -1]]))
✅ 연습 3-5 (세로 경계 커널): 통과!
"""

from __future__ import annotations

import numpy as np

from course_utils.exercises._core import ExerciseCheckError, as_shape, expect_close, expect_value, passed
from course_utils.layers import conv2d


def _shape_hint(shape, expected_channels):
    """Typical mistakes for one conv output shape (H, W, C)."""
    if shape is None or len(shape) != 3:
        return "각 shape은 (높이, 너비, 채널) 세 정수의 튜플입니다. 배치 축은 빼고 답하세요."
    if shape[2] != expected_channels:
        return "출력 채널 수는 입력 채널 수가 아니라 필터 수(filters)입니다."
    return None


def check_big_conv(big_conv) -> None:
    """연습 3-1: Conv2D(32, 5, strides=4) with bias on a (1920, 1080, 3) image: (output shape, parameters)."""
    label = "연습 3-1 (큰 이미지의 합성곱)"

    def hint(value):
        if not isinstance(value, (tuple, list)) or len(value) != 2:
            return "(출력 shape, 파라미터 수) 두 값의 튜플로 답하세요. 예: ((H, W, C), 123)."
        shape, params = as_shape(value[0]), value[1]
        message = _shape_hint(shape, 32)
        if message:
            return message
        if shape[:2] == (269, 479):
            return "높이와 너비가 바뀌었습니다. 이 이미지의 shape은 (1920, 1080, 3)이므로 높이 1920, 너비 1080입니다."
        if shape[:2] == (480, 270):
            return "'same' padding의 공식(⌈n/s⌉)을 썼습니다. 기본값은 'valid'입니다: ⌊(n − k)/s⌋ + 1."
        if shape[:2] == (1920 // 4, 1080 // 4) or shape[:2] == (479, 270):
            return "출력 크기는 ⌊(n − k)/s⌋ + 1입니다. 커널이 이미지 밖으로 나갈 수 없다는 점을 생각하세요."
        if shape[:2] != (479, 269):
            return "출력 크기 공식 ⌊(n + 2p − k)/s⌋ + 1을 높이와 너비에 각각 적용하세요 (valid: p = 0)."
        if params == 5 * 5 * 3 * 32:
            return "출력 shape은 맞았습니다. 파라미터에서 편향(필터마다 1개)을 빠뜨렸습니다."
        if params == 5 * 5 * 32 + 32:
            return "출력 shape은 맞았습니다. 커널은 (5, 5, 입력 채널 3, 필터 32)입니다. 입력 채널을 빠뜨렸습니다."
        return "출력 shape은 맞았습니다. 파라미터 수 = kh × kw × 입력 채널 × 필터 + 필터(편향)입니다."

    expect_value(label, "ch03.big_conv", big_conv, "ae42766315506ea6", [hint])


_STACK = [((28, 28, 1), 8, 3, 1, "valid"), ((26, 26, 8), 16, 3, 2, "same"), ((13, 13, 16), 4, 1, 1, "valid")]


def check_conv_shapes(conv_shapes) -> None:
    """연습 3-2: the output shapes of the three-layer conv stack on a (28, 28, 1) input."""
    label = "연습 3-2 (합성곱 스택의 출력 shape)"

    def hint(value):
        if not isinstance(value, (tuple, list)) or len(value) != 3:
            return "레이어 세 개의 출력 shape을 차례로 담은 튜플로 답하세요."
        shapes = [as_shape(v) for v in value]
        for i, shape in enumerate(shapes):
            message = _shape_hint(shape, _STACK[i][1])
            if message:
                return f"{i + 1}번째 레이어: {message}"
        if shapes[0][:2] == (28, 28):
            return "첫 번째 레이어는 padding='valid'(기본값)입니다. 3x3 커널이면 가장자리 한 칸씩 줄어듭니다."
        if shapes[1][:2] == (12, 12):
            return "두 번째 레이어는 padding='same'입니다. 'same'의 출력 크기는 ⌈n/s⌉입니다."
        if shapes[1][:2] == (26, 26):
            return "두 번째 레이어는 stride가 2입니다."
        return "1x1 합성곱은 높이와 너비를 바꾸지 않습니다. 각 레이어의 입력은 앞 레이어의 출력입니다."

    expect_value(label, "ch03.conv_shapes", conv_shapes, "9d5f1a8b7f0f30fd", [hint])


def check_conv_params(conv_params) -> None:
    """연습 3-3: the parameter counts of the same three conv layers."""
    label = "연습 3-3 (합성곱 스택의 파라미터 수)"

    def hint(value):
        shape = as_shape(value)
        if shape is None or len(shape) != 3:
            return "레이어 세 개의 파라미터 수를 정수 세 개짜리 튜플로 답하세요."
        for i, (count, (in_shape, filters, k, _s, _p)) in enumerate(zip(shape, _STACK)):
            weights = k * k * in_shape[2] * filters
            if count == weights:
                return f"{i + 1}번째 레이어: 편향(필터마다 1개)을 빠뜨렸습니다."
            if count == k * k * filters + filters and in_shape[2] != 1:
                return f"{i + 1}번째 레이어: 커널에는 입력 채널 축도 있습니다 (kh, kw, 입력 채널, 필터)."
            if count != weights + filters:
                return (f"{i + 1}번째 레이어: 파라미터 수 = kh × kw × 입력 채널 × 필터 + 필터. "
                        "입력 채널은 앞 레이어의 필터 수입니다. stride와 padding은 파라미터 수와 관계없습니다.")
        return None

    expect_value(label, "ch03.conv_params", conv_params, "5686336de8b9aab1", [hint])


def _reference_conv(x, kernel, stride=1, padding="valid"):
    return conv2d(np.asarray(x, dtype=float)[None], np.asarray(kernel, dtype=float),
                  stride=stride, padding=padding)[0]


def conv_cases(seed: int = 31):
    """The input cases of 연습 3-4, from the simplest (one channel) to stride and padding together."""
    rng = np.random.default_rng(seed)
    specs = [
        ((5, 5, 1), (3, 3, 1, 1), 1, "valid", "채널 1개, stride 1, valid"),
        ((6, 4, 1), (2, 3, 1, 1), 1, "valid", "채널 1개, 직사각형 입력과 커널"),
        ((5, 6, 3), (3, 3, 3, 2), 1, "valid", "입력 채널 3개, 필터 2개"),
        ((7, 7, 2), (3, 3, 2, 4), 2, "valid", "stride 2"),
        ((5, 5, 2), (3, 3, 2, 3), 1, 1, "padding 1 (양쪽에 0 한 칸)"),
        ((8, 6, 3), (3, 2, 3, 2), 3, 2, "stride 3, padding 2"),
    ]
    cases = []
    for x_shape, k_shape, stride, padding, description in specs:
        x = rng.normal(size=x_shape)
        kernel = rng.normal(size=k_shape)
        cases.append(((x, kernel), {"stride": stride, "padding": padding}, f"{description} 입력 x {x_shape}"))
    return cases


def check_my_conv2d(my_conv2d, seed: int = 31) -> None:
    """연습 3-4: ``my_conv2d(x, kernel, stride, padding)`` on (H, W, C_in) inputs and (kh, kw, C_in, C_out) kernels."""
    label = "연습 3-4 (numpy로 만든 합성곱)"
    expect_close(label, my_conv2d, _reference_conv, conv_cases(seed))


def edge_test_images(size: int = 12, low: float = 0.2, high: float = 0.9):
    """A flat image, a vertical edge (dark left, bright right) and a horizontal edge, each (size, size)."""
    flat = np.full((size, size), 0.5)
    vertical = np.full((size, size), low)
    vertical[:, size // 2:] = high
    horizontal = vertical.T.copy()
    return flat, vertical, horizontal


def _respond(kernel, image):
    return conv2d(image[None, :, :, None], kernel.reshape(3, 3, 1, 1))[0, :, :, 0]


def check_edge_kernel(edge_kernel) -> None:
    """연습 3-5: a 3x3 kernel that finds vertical edges (property check, not a fixed answer)."""
    label = "연습 3-5 (세로 경계 커널)"
    if edge_kernel is None or edge_kernel is Ellipsis:
        raise ExerciseCheckError(f"{label}: 아직 답이 없습니다. 위의 답 셀을 완성하고 실행한 뒤 다시 확인하세요.")
    try:
        kernel = np.asarray(edge_kernel, dtype=float)
    except (TypeError, ValueError):
        raise ExerciseCheckError(f"{label}: 3x3 숫자 배열이 필요합니다.") from None
    if kernel.shape != (3, 3):
        raise ExerciseCheckError(f"{label}: 커널의 shape은 (3, 3)이어야 합니다 (받은 값: {kernel.shape}).")
    flat, vertical, horizontal = edge_test_images()
    scale = np.abs(kernel).sum()
    if scale == 0:
        raise ExerciseCheckError(f"{label}: 모든 원소가 0인 커널은 아무것도 찾지 못합니다.")
    flat_response = np.abs(_respond(kernel, flat)).max()
    vertical_response = np.abs(_respond(kernel, vertical)).max()
    horizontal_response = np.abs(_respond(kernel, horizontal)).max()
    if flat_response > 1e-6 * scale:
        raise ExerciseCheckError(
            f"{label}: 밝기가 고른 곳에서도 값이 나옵니다. 평평한 곳에서 0이 되려면 커널 원소의 합이 0이어야 합니다.")
    if vertical_response < 0.1 * scale * 0.7 and horizontal_response > vertical_response:
        raise ExerciseCheckError(
            f"{label}: 이 커널은 가로 경계(위아래 밝기 차이)에 반응합니다. 세로 경계는 왼쪽과 오른쪽의 밝기 차이입니다.")
    if vertical_response < 0.25 * scale * 0.7:
        raise ExerciseCheckError(
            f"{label}: 세로 경계에서 반응이 너무 약합니다. 왼쪽 열과 오른쪽 열에 부호가 반대인 값을 넣어 보세요.")
    if horizontal_response > 0.1 * vertical_response:
        raise ExerciseCheckError(
            f"{label}: 가로 경계에도 강하게 반응합니다. 위아래 방향으로는 값이 대칭이 되게(행마다 같은 패턴) 만들어 보세요.")
    passed(label)

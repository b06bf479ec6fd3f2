"""레이어의 파라미터 수 (2장, 3장).

Keras의 ``layer.count_params()``와 같은 값을 TensorFlow 없이 계산합니다.
"""

from __future__ import annotations

from course_utils import _validation as _v

__all__ = ["dense_params", "conv2d_params"]


def _with_bias(weights_per_unit, units, use_bias):
    """``weights_per_unit * units`` weights plus one bias per unit when ``use_bias`` (2장, 3장).

    The one place where :func:`dense_params` and :func:`conv2d_params` add the bias.
    """
    if not isinstance(use_bias, bool):
        raise ValueError(f"{_v.topic('use_bias')} True 또는 False여야 합니다 (받은 값: {use_bias!r}).")
    return weights_per_unit * units + (units if use_bias else 0)


def dense_params(input_dim, units, use_bias=True):
    """Dense(Linear) 레이어의 파라미터 수. 2장 Linear 레이어.

    가중치 행렬 ``input_dim x units``에 bias ``units``개를 더합니다.
    ``keras.layers.Dense(units, use_bias=use_bias)``를 입력 차원 ``input_dim``으로
    build했을 때의 ``count_params()``와 같습니다.

    Args:
        input_dim: 입력 특성 수 (1 이상의 정수).
        units: 출력 뉴런 수 (1 이상의 정수).
        use_bias: bias를 쓰는지 여부. 기본값 True.

    Returns:
        파라미터 수 ``input_dim * units`` (+ ``units``, bias가 있으면), int.

    Raises:
        ValueError: 정수가 아니거나 1보다 작을 때, use_bias가 bool이 아닐 때.

    Example:

    >>> dense_params(784, 10)
    7850
    >>> dense_params(784, 10, use_bias=False)
    7840
    """
    n_in = _v.check_int(input_dim, "input_dim")
    return _with_bias(n_in, _v.check_int(units, "units"), use_bias)


def conv2d_params(in_channels, filters, kernel_size, use_bias=True):
    """Conv2D 레이어의 파라미터 수. 3장 Convolution 레이어.

    필터 하나는 ``kh x kw x in_channels`` 가중치와 (있으면) bias 1개를 가집니다.
    ``keras.layers.Conv2D(filters, kernel_size, use_bias=use_bias)``를 채널이
    ``in_channels``인 입력으로 build했을 때의 ``count_params()``와 같습니다. 입력의
    높이/너비, stride, padding, dilation과는 무관합니다.

    Args:
        in_channels: 입력 채널 수 (1 이상의 정수).
        filters: 출력 채널(필터) 수 (1 이상의 정수).
        kernel_size: 커널 크기: 정수 하나 또는 (높이, 너비) 쌍.
        use_bias: bias를 쓰는지 여부. 기본값 True.

    Returns:
        파라미터 수 ``kh * kw * in_channels * filters`` (+ ``filters``, bias가 있으면), int.

    Raises:
        ValueError: 정수가 아니거나 1보다 작을 때 (kernel_size는 두 값 모두), use_bias가
            bool이 아닐 때.

    Example:

    >>> conv2d_params(3, 16, 5, use_bias=False)
    1200
    >>> conv2d_params(1, 4, (3, 3))
    40
    """
    c_in = _v.check_int(in_channels, "in_channels")
    c_out = _v.check_int(filters, "filters")
    kh, kw = _v.check_pair(kernel_size, "kernel_size")
    return _with_bias(kh * kw * c_in, c_out, use_bias)

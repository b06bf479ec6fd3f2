"""합성곱을 행렬 C로, transposed convolution을 Cᵀ로 (5장 5.5절 "행렬로 본 transposed convolution").

채널 하나, padding ``"valid"``인 2-D 합성곱은 선형 연산이므로, 입력을 한 줄로 펼친
벡터 ``x``(길이 ``H*W``)에 행렬 ``C``를 곱한 ``C @ x``가 출력을 펼친 벡터입니다.
``C``의 한 행은 출력 한 칸이고, 그 칸의 창이 덮는 입력 자리에 커널 값이 놓입니다.
같은 커널의 transposed convolution(``keras.layers.Conv2DTranspose``)은 ``Cᵀ``를
곱하는 것과 같습니다.

>>> import numpy as np
>>> C = conv_matrix((3, 3), np.array([[1.0, 2.0], [3.0, 4.0]]))
>>> C.shape
(4, 9)
>>> C[0].reshape(3, 3)
array([[1., 2., 0.],
       [3., 4., 0.],
       [0., 0., 0.]])
"""

from __future__ import annotations

import numpy as np

from course_utils import _validation as _v
from course_utils.shapes import conv_output_length

__all__ = ["conv_matrix", "conv_transpose_by_matrix"]


def _kernel_2d(kernel) -> np.ndarray:
    kernel = np.asarray(kernel, dtype=float)
    if kernel.ndim == 4 and kernel.shape[2:] == (1, 1):
        kernel = kernel[:, :, 0, 0]
    if kernel.ndim != 2:
        raise ValueError(f"kernel은 (kh, kw) 2차원 배열(또는 (kh, kw, 1, 1))이어야 합니다 (받은 shape: {kernel.shape}).")
    return kernel


def conv_matrix(input_shape, kernel, stride: int = 1) -> np.ndarray:
    """채널 하나, valid 합성곱의 행렬 ``C`` (shape ``(출력 칸 수, 입력 칸 수)``). 5장.

    ``conv2d(x)``(``course_utils.layers.conv2d``, Keras ``Conv2D``와 같음)를 펼친 값이
    ``C @ x.ravel()``입니다.

    Args:
        input_shape: 입력의 ``(H, W)``.
        kernel: ``(kh, kw)`` 커널 (Keras 모양 ``(kh, kw, 1, 1)``도 받습니다).
        stride: 높이와 너비의 stride (1 이상의 정수).

    Returns:
        ``(H_out * W_out, H * W)`` float 배열.

    Raises:
        ValueError: 커널이 입력보다 크거나 인자가 정수가 아닐 때.
    """
    h, w = _v.check_pair(input_shape, "input_shape")
    stride = _v.check_int(stride, "stride")
    kernel = _kernel_2d(kernel)
    kh, kw = kernel.shape
    if kh > h or kw > w:
        raise ValueError(f"커널 {kernel.shape}이 입력 {(h, w)}보다 큽니다. valid 합성곱의 출력이 없습니다.")
    out_h, out_w = conv_output_length(h, kh, stride), conv_output_length(w, kw, stride)
    matrix = np.zeros((out_h * out_w, h * w))
    for i in range(out_h):
        for j in range(out_w):
            window = np.zeros((h, w))
            window[i * stride:i * stride + kh, j * stride:j * stride + kw] = kernel
            matrix[i * out_w + j] = window.ravel()
    return matrix


def conv_transpose_by_matrix(y, kernel, input_shape, stride: int = 1) -> np.ndarray:
    """``Cᵀ @ y``를 입력 모양 ``(H, W)``로: 같은 커널의 transposed convolution. 5장.

    ``(H - kh)``와 ``(W - kw)``가 stride로 나누어떨어지면 Keras
    ``Conv2DTranspose(1, (kh, kw), strides=stride, padding="valid")``의 출력과 같고,
    아니면 ``output_padding``으로 남는 줄을 붙인 출력과 같습니다 (남는 줄은 0).

    Args:
        y: 합성곱 출력 모양 ``(H_out, W_out)``의 배열.
        kernel: ``(kh, kw)`` 커널.
        input_shape: 합성곱 입력의 ``(H, W)``, 곧 결과의 모양.
        stride: stride.

    Returns:
        ``(H, W)`` 배열.
    """
    matrix = conv_matrix(input_shape, kernel, stride)
    y = np.asarray(y, dtype=float)
    if y.size != matrix.shape[0]:
        raise ValueError(f"y의 원소 수 {y.size}가 합성곱 출력 칸 수 {matrix.shape[0]}와 다릅니다. "
                         "y는 같은 input_shape, kernel, stride로 만든 합성곱의 출력 모양이어야 합니다.")
    return (matrix.T @ y.ravel()).reshape(tuple(input_shape))

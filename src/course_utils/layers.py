"""numpy로 만든 참고용 레이어 (2장~5장).

Keras 레이어가 안에서 무엇을 계산하는지 보여 주는 짧은 numpy 구현입니다.
모든 함수는 Keras/TensorFlow와 같은 숫자를 냅니다 (float32 기준 1e-4 이내).

- 배열은 channels_last, 배치가 맨 앞: ``(batch, 높이, 너비, 채널)`` (NHWC).
- 커널은 짝이 되는 Keras 레이어가 저장하는 모양 그대로입니다:
  ``Dense`` ``(in, units)``, ``Conv2D`` ``(kh, kw, in, out)``,
  ``Conv2DTranspose`` ``(kh, kw, out, in)``.
- 계산 방법: 출력 픽셀마다 반복하지 않고, 커널의 (i, j) 칸마다 한 번씩 반복합니다.
  커널 칸 (i, j)와 곱해지는 입력 픽셀들은 입력을 stride 간격으로 자른 조각
  (slice) 하나이므로, 그 조각 전체에 ``kernel[i, j]`` 행렬을 한 번에 곱해 더합니다.
  반복 횟수는 ``kh * kw``번뿐입니다.

'same' padding은 TensorFlow와 같이 전체 padding ``max((out-1)*s + k - n, 0)`` 중
``floor(전체/2)``를 앞(위/왼쪽)에, 나머지를 뒤(아래/오른쪽)에 붙입니다.
"""

from __future__ import annotations

import numpy as np

from course_utils import _validation as _v
from course_utils.shapes import (
    conv_output_length,
    conv_transpose_output_length,
    pool_output_length,
    same_padding,
)

__all__ = [
    "dense",
    "conv2d",
    "max_pool2d",
    "avg_pool2d",
    "upsample_nearest",
    "bed_of_nails",
    "max_unpool2d",
    "conv2d_transpose",
]

_NHWC = "(batch, 높이, 너비, 채널)"


# --- 작은 도우미 -----------------------------------------------------------------


def _as_float_array(a, name, ndim=None, meaning=""):
    a = np.asarray(a)
    if not (np.issubdtype(a.dtype, np.floating) or np.issubdtype(a.dtype, np.integer)):
        raise ValueError(f"{_v.topic(name)} 숫자 배열이어야 합니다 (받은 dtype: {a.dtype}).")
    if not np.issubdtype(a.dtype, np.floating):
        a = a.astype(np.float64)
    if ndim is not None:
        _v.check_ndim(a, ndim, name, meaning)
    return a


def _as_image(x):
    """x를 (batch, 높이, 너비, 채널) 4차원 실수 배열로 확인합니다."""
    return _as_float_array(x, "x", 4, _NHWC)


def _upsampling_input(x, size):
    """The checked ``(x, (sh, sw))`` of :func:`upsample_nearest` and :func:`bed_of_nails` (5장)."""
    return _as_image(x), _v.check_pair(size, "size")


def _conv_inputs(x, kernel, layout, stride, padding):
    """The checked ``x, kernel, (sh, sw), padding`` of :func:`conv2d` (3장) and :func:`conv2d_transpose` (5장).

    ``layout`` names the kernel's axes as the Keras layer stores them; the axis named
    ``in`` must match the channels of ``x``.
    """
    x = _as_image(x)
    kernel = _as_float_array(kernel, "kernel", 4, layout)
    axis = layout.strip("()").split(", ").index("in")
    if kernel.shape[axis] != x.shape[3]:
        where, hint = ("입력 채널", "") if axis == 2 else (
            "마지막 축(입력 채널)", f" Conv2DTranspose의 kernel은 {layout} 순서입니다.")
        raise ValueError(
            f"kernel의 {where} {kernel.shape[axis]}이 x의 채널 수 {x.shape[3]}와 같아야 합니다 "
            f"(받은 shape: x {x.shape}, kernel {kernel.shape}).{hint}"
        )
    return x, kernel, _v.check_pair(stride, "stride"), _v.check_padding(padding)


def _check_bias(bias, channels, dtype):
    if bias is None:
        return None
    bias = _as_float_array(bias, "bias", 1, "(채널,)")
    if bias.shape[0] != channels:
        raise ValueError(
            f"bias의 길이는 출력 채널 수 {channels}와 같아야 합니다 "
            f"(받은 shape: {bias.shape})."
        )
    return bias.astype(dtype, copy=False)


def _pads(n, window, stride, padding):
    """한 축의 (앞, 뒤) padding 칸 수. window는 유효 커널 크기입니다."""
    if padding == "same":
        return same_padding(n, window, stride)
    if padding == "valid":
        return (0, 0)
    return (padding, padding)


def _window(xp, i, j, out_h, out_w, sh, sw):
    """padding된 입력에서 창의 (i, j) 칸들이 모인 조각: shape (B, out_h, out_w, C)."""
    return xp[:, i : i + (out_h - 1) * sh + 1 : sh, j : j + (out_w - 1) * sw + 1 : sw, :]


# --- 2장: Dense --------------------------------------------------------------------


def dense(x, kernel, bias=None):
    """Dense(Linear) 레이어: ``x @ kernel + bias``. 2장 Linear 레이어.

    ``keras.layers.Dense``와 같이 마지막 축에만 작용합니다. 출력 뉴런 j는 입력 특성
    전부에 가중치 ``kernel[:, j]``를 곱해 더한 값(가중합)에 bias를 더한 것입니다.

    Args:
        x: ``(batch, ..., in)`` 배열 (2차원 이상, Keras처럼).
        kernel: ``(in, units)`` 가중치 (``Dense.kernel``과 같은 모양).
        bias: ``(units,)`` 또는 ``None``.

    Returns:
        ``(batch, ..., units)`` 배열.

    Raises:
        ValueError: 차원 수나 특성 수가 맞지 않을 때.

    Example:

    >>> x = np.array([[1.0, 2.0]])
    >>> dense(x, np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 1.0]]), np.array([0.0, 0.0, 0.5]))
    array([[1. , 2. , 3.5]])
    """
    x = _as_float_array(x, "x")
    if x.ndim < 2:
        raise ValueError(
            "x는 (batch, 특성) 처럼 2차원 이상 배열이어야 합니다 "
            f"(받은 shape: {x.shape}). 샘플 하나라면 x[None]을 쓰세요."
        )
    kernel = _as_float_array(kernel, "kernel", 2, "(in, units)")
    if kernel.shape[0] != x.shape[-1]:
        raise ValueError(
            f"kernel의 첫 축 {kernel.shape[0]}이 x의 특성 수 {x.shape[-1]}와 같아야 합니다 "
            f"(받은 shape: x {x.shape}, kernel {kernel.shape})."
        )
    y = x @ kernel
    bias = _check_bias(bias, kernel.shape[1], y.dtype)
    return y if bias is None else y + bias


# --- 3장: Conv2D -------------------------------------------------------------------


def conv2d(x, kernel, bias=None, stride=1, padding="valid", dilation=1):
    """2차원 convolution (``keras.layers.Conv2D``). 3장 Convolution 레이어.

    출력 ``y[b, r, c, o] = sum_{i, j, ch} xp[b, r*sh + i*dh, c*sw + j*dw, ch] * kernel[i, j, ch, o]``
    (+ bias), ``xp``는 padding한 입력입니다. 커널 칸 (i, j)마다 입력 조각 하나에
    ``kernel[i, j]`` (in x out 행렬)을 곱해 더합니다.

    Args:
        x: ``(batch, 높이, 너비, in)`` 배열.
        kernel: ``(kh, kw, in, out)`` 배열 (``Conv2D.kernel``과 같은 모양).
        bias: ``(out,)`` 또는 ``None``.
        stride: 정수 또는 (sh, sw). 기본값 1.
        padding: ``"valid"``, ``"same"`` 또는 0 이상의 정수 (양쪽에 붙이는 0의 수).
        dilation: 정수 또는 (dh, dw). 기본값 1. stride>1과 함께 쓸 수 없습니다 (Keras와 같음).

    Returns:
        ``(batch, out_h, out_w, out)`` 배열. 크기는 ``conv_output_length``와 같습니다.

    Raises:
        ValueError: 배열 차원이나 채널 수가 맞지 않을 때, 인자가 잘못되었을 때,
            커널이 입력보다 클 때.

    Example:

    >>> x = np.arange(16.0).reshape(1, 4, 4, 1)
    >>> k = np.ones((2, 2, 1, 1))
    >>> conv2d(x, k, stride=2)[0, :, :, 0]
    array([[10., 18.],
           [42., 50.]])
    """
    x, kernel, (sh, sw), padding = _conv_inputs(x, kernel, "(kh, kw, in, out)", stride, padding)
    kh, kw, _, c_out = kernel.shape
    dh, dw = _v.check_pair(dilation, "dilation")
    _v.check_stride_dilation(max(sh, sw), max(dh, dw))
    _, h, w, _ = x.shape
    out_h = conv_output_length(h, kh, sh, padding, dh)
    out_w = conv_output_length(w, kw, sw, padding, dw)

    # 1) 입력 가장자리에 0을 붙입니다.
    top, bottom = _pads(h, dh * (kh - 1) + 1, sh, padding)
    left, right = _pads(w, dw * (kw - 1) + 1, sw, padding)
    xp = np.pad(x, ((0, 0), (top, bottom), (left, right), (0, 0)))

    # 2) 커널 칸 (i, j)마다: 그 칸과 곱해지는 입력 조각 @ kernel[i, j].
    dtype = np.result_type(x, kernel)
    y = np.zeros((x.shape[0], out_h, out_w, c_out), dtype=dtype)
    for i in range(kh):
        for j in range(kw):
            patch = _window(xp, i * dh, j * dw, out_h, out_w, sh, sw)
            y += patch @ kernel[i, j]
    bias = _check_bias(bias, c_out, dtype)
    return y if bias is None else y + bias


# --- 4장: Pooling ------------------------------------------------------------------


def _pool_setup(x, pool_size, stride, padding):
    x = _as_image(x)
    ph, pw = _v.check_pair(pool_size, "pool_size")
    sh, sw = (ph, pw) if stride is None else _v.check_pair(stride, "stride")
    padding = _v.check_padding(padding, allow_int=False)
    _, h, w, _ = x.shape
    out_h = pool_output_length(h, ph, sh, padding)
    out_w = pool_output_length(w, pw, sw, padding)
    pads = (_pads(h, ph, sh, padding), _pads(w, pw, sw, padding))
    return x, (ph, pw), (sh, sw), (out_h, out_w), pads


def max_pool2d(x, pool_size=2, stride=None, padding="valid", return_indices=False):
    """최댓값 pooling (``keras.layers.MaxPooling2D``). 4장 Pooling과 Receptive Field.

    창(pool_size)마다 가장 큰 값을 고릅니다. 'same' padding은 TensorFlow처럼
    ``-inf``로 채우므로 padding 칸은 절대 뽑히지 않습니다.

    ``return_indices=True``이면 각 최댓값이 입력 어디에 있었는지도 돌려줍니다.
    인덱스 형식은 ``tf.nn.max_pool_with_argmax(..., include_batch_in_index=False)``와
    같습니다: 배치 샘플 하나 안에서 펼친 위치 ``(행 * W + 열) * C + 채널``
    (padding 없는 입력 좌표). 같은 최댓값이 여럿이면 TensorFlow처럼 창 안에서
    (행 우선으로) 처음 나온 것을 고릅니다. ``max_unpool2d``가 이 인덱스를 받습니다.

    Args:
        x: ``(batch, 높이, 너비, 채널)`` 배열.
        pool_size: 정수 또는 (ph, pw). 기본값 2.
        stride: 정수, (sh, sw) 또는 ``None`` (= pool_size).
        padding: ``"valid"`` 또는 ``"same"``.
        return_indices: True이면 ``(출력, 인덱스)``를 돌려줍니다.

    Returns:
        ``(batch, out_h, out_w, 채널)`` 배열, 또는 (그 배열, 같은 모양의 int64 인덱스).

    Raises:
        ValueError: x가 4차원이 아니거나 인자가 잘못되었을 때, valid에서 창이 입력보다 클 때.

    Example:

    >>> x = np.array([1., 5., 3., 2., 0., 4., 8., 6., 7., 9., 1., 2., 3., 4., 5., 6.])
    >>> y, idx = max_pool2d(x.reshape(1, 4, 4, 1), 2, return_indices=True)
    >>> y[0, :, :, 0]
    array([[5., 8.],
           [9., 6.]])
    >>> idx[0, :, :, 0]
    array([[ 1,  6],
           [ 9, 15]])
    """
    x, (ph, pw), (sh, sw), (out_h, out_w), pads = _pool_setup(x, pool_size, stride, padding)
    (top, bottom), (left, right) = pads
    xp = np.pad(x, ((0, 0), (top, bottom), (left, right), (0, 0)), constant_values=-np.inf)

    # 창 안의 칸 (i, j)마다 조각을 하나씩 쌓아: (ph*pw, B, out_h, out_w, C)
    windows = np.stack(
        [_window(xp, i, j, out_h, out_w, sh, sw) for i in range(ph) for j in range(pw)]
    )
    y = windows.max(axis=0)
    if not return_indices:
        return y

    # 몇 번째 칸이 최댓값이었는지 (argmax는 처음 나온 최댓값) -> 입력 좌표로 바꿉니다.
    k = windows.argmax(axis=0)
    rows = np.arange(out_h)[:, None, None] * sh - top + (k // pw)
    cols = np.arange(out_w)[None, :, None] * sw - left + (k % pw)
    w, c = x.shape[2], x.shape[3]
    indices = (rows * w + cols) * c + np.arange(c)
    return y, indices.astype(np.int64)


def avg_pool2d(x, pool_size=2, stride=None, padding="valid"):
    """평균 pooling (``keras.layers.AveragePooling2D``). 4장 Pooling과 Receptive Field.

    창마다 평균을 냅니다. 'same' padding에서는 TensorFlow처럼 padding 칸을 빼고
    실제 입력 칸만으로 평균을 냅니다 (가장자리 창은 더 적은 칸으로 나눕니다).

    Args:
        x: ``(batch, 높이, 너비, 채널)`` 배열.
        pool_size: 정수 또는 (ph, pw). 기본값 2.
        stride: 정수, (sh, sw) 또는 ``None`` (= pool_size).
        padding: ``"valid"`` 또는 ``"same"``.

    Returns:
        ``(batch, out_h, out_w, 채널)`` 배열.

    Raises:
        ValueError: x가 4차원이 아니거나 인자가 잘못되었을 때, valid에서 창이 입력보다 클 때.

    Example:

    >>> x = np.arange(9.0).reshape(1, 3, 3, 1)
    >>> avg_pool2d(x, 2, padding="same")[0, :, :, 0]
    array([[2. , 3.5],
           [6.5, 8. ]])
    """
    x, (ph, pw), (sh, sw), (out_h, out_w), pads = _pool_setup(x, pool_size, stride, padding)
    (top, bottom), (left, right) = pads
    xp = np.pad(x, ((0, 0), (top, bottom), (left, right), (0, 0)))
    # 실제 입력 칸이면 1, padding 칸이면 0인 표시판 -> 창마다 실제 칸의 수
    mask = np.pad(np.ones((1, x.shape[1], x.shape[2], 1), x.dtype), ((0, 0), pads[0], pads[1], (0, 0)))
    total = np.zeros((x.shape[0], out_h, out_w, x.shape[3]), dtype=x.dtype)
    count = np.zeros((1, out_h, out_w, 1), dtype=x.dtype)
    for i in range(ph):
        for j in range(pw):
            total += _window(xp, i, j, out_h, out_w, sh, sw)
            count += _window(mask, i, j, out_h, out_w, sh, sw)
    return total / count


# --- 5장: Upsampling, unpooling, transposed convolution ----------------------------


def upsample_nearest(x, size=2):
    """최근접 이웃 upsampling (``keras.layers.UpSampling2D(size)``). 5장 Transposed Convolution과 오토인코더.

    각 값을 ``size x size`` 블록으로 복사합니다.

    Args:
        x: ``(batch, 높이, 너비, 채널)`` 배열.
        size: 정수 또는 (sh, sw). 기본값 2.

    Returns:
        ``(batch, 높이*sh, 너비*sw, 채널)`` 배열.

    Raises:
        ValueError: x가 4차원이 아니거나 size가 1 이상의 정수가 아닐 때.

    Example:

    >>> upsample_nearest(np.array([1.0, 2.0]).reshape(1, 1, 2, 1))[0, :, :, 0]
    array([[1., 1., 2., 2.],
           [1., 1., 2., 2.]])
    """
    x, (sh, sw) = _upsampling_input(x, size)
    return np.repeat(np.repeat(x, sh, axis=1), sw, axis=2)


def bed_of_nails(x, size=2):
    """Bed of nails unpooling. 5장 Transposed Convolution과 오토인코더.

    각 값을 ``size x size`` 블록의 왼쪽 위 칸에 두고 나머지 칸은 0으로 채웁니다.

    인자, 반환 모양과 오류는 :func:`upsample_nearest`와 같습니다: ``(batch, 높이, 너비, 채널)``
    배열 x와 정수 또는 (sh, sw)인 size (기본값 2)를 받아 ``(batch, 높이*sh, 너비*sw, 채널)``
    배열을 돌려줍니다.

    Example:

    >>> bed_of_nails(np.array([1.0, 2.0]).reshape(1, 1, 2, 1))[0, :, :, 0]
    array([[1., 0., 2., 0.],
           [0., 0., 0., 0.]])
    """
    x, (sh, sw) = _upsampling_input(x, size)
    b, h, w, c = x.shape
    y = np.zeros((b, h * sh, w * sw, c), dtype=x.dtype)
    y[:, ::sh, ::sw, :] = x
    return y


def max_unpool2d(x, indices, output_shape):
    """Max unpooling: 각 값을 원래 최댓값이 있던 자리에 되돌려 놓습니다. 5장.

    ``max_pool2d(..., return_indices=True)``가 준 인덱스 (배치 샘플 하나 안에서
    펼친 위치 ``(행 * W + 열) * C + 채널``, ``tf.nn.max_pool_with_argmax``와 같은
    형식)를 받아, ``output_shape`` 크기의 0 배열에 값을 흩어 놓습니다. 창이 겹쳐
    같은 자리를 가리키는 값이 여럿이면 (모두 같은 최댓값이므로) 하나만 남습니다.

    Args:
        x: pooling 출력, ``(batch, 높이, 너비, 채널)`` 배열.
        indices: x와 같은 모양의 정수 배열.
        output_shape: 복원할 배열의 모양 ``(batch, H, W, C)`` (pooling 전 입력의 모양).

    Returns:
        ``output_shape`` 모양의 배열.

    Raises:
        ValueError: 모양이 맞지 않거나 인덱스가 범위를 벗어날 때.

    Example:

    >>> x = np.array([1., 5., 3., 2., 0., 4., 8., 6., 7., 9., 1., 2., 3., 4., 5., 6.])
    >>> y, idx = max_pool2d(x.reshape(1, 4, 4, 1), 2, return_indices=True)
    >>> max_unpool2d(y, idx, (1, 4, 4, 1))[0, :, :, 0]
    array([[0., 5., 0., 0.],
           [0., 0., 8., 0.],
           [0., 9., 0., 0.],
           [0., 0., 0., 6.]])
    """
    x = _as_image(x)
    indices = np.asarray(indices)
    if not np.issubdtype(indices.dtype, np.integer) or indices.shape != x.shape:
        raise ValueError(
            f"indices는 x와 같은 모양 {x.shape}의 정수 배열이어야 합니다 "
            f"(받은 shape: {indices.shape}, dtype: {indices.dtype})."
        )
    if (
        not isinstance(output_shape, (tuple, list))
        or len(output_shape) != 4
        or not all(_v.is_int(v) and v >= 1 for v in output_shape)
    ):
        raise ValueError(
            "output_shape는 (batch, 높이, 너비, 채널) 양의 정수 4개여야 합니다 "
            f"(받은 값: {output_shape!r})."
        )
    b, h, w, c = (int(v) for v in output_shape)
    if b != x.shape[0] or c != x.shape[3]:
        raise ValueError(
            f"output_shape의 batch와 채널 수가 x와 같아야 합니다 "
            f"(받은 값: output_shape={tuple(output_shape)}, x.shape={x.shape})."
        )
    if indices.size and (indices.min() < 0 or indices.max() >= h * w * c):
        raise ValueError(
            f"indices는 0 이상 {h * w * c - 1} 이하여야 합니다 (H*W*C 안의 위치) "
            f"(받은 범위: {indices.min()}~{indices.max()})."
        )
    y = np.zeros((b, h * w * c), dtype=x.dtype)
    batch = np.arange(b)[:, None]
    y[batch, indices.reshape(b, -1)] = x.reshape(b, -1)
    return y.reshape(b, h, w, c)


def conv2d_transpose(x, kernel, bias=None, stride=1, padding="valid", output_padding=None):
    """Transposed convolution (``keras.layers.Conv2DTranspose``). 5장 Transposed Convolution과 오토인코더.

    convolution을 거꾸로 돌립니다: 입력 픽셀 하나가 ``kernel``에 곱해진 ``kh x kw``
    조각을 출력에 '찍고', 찍는 자리는 입력에서 한 칸 갈 때마다 stride만큼 옮겨 갑니다.
    겹치는 곳은 더합니다. 즉 입력 (r, c)의 값은 (padding 전의) 큰 출력
    ``(r*sh + i, c*sw + j)``에 ``x[r, c] @ kernel[i, j].T`` 만큼 더해집니다.

    큰 출력의 길이는 ``(n-1)*s + k``이고, 여기서 padding에 따라 잘라냅니다
    (길이는 ``conv_transpose_output_length``와 같습니다):

    - ``"valid"``: 앞에서부터 자르지 않고, output_padding 만큼 (또는 기본값) 뒤에 0을 붙입니다.
    - ``"same"``: TensorFlow처럼 전체 ``max((n-1)*s + k - L, 0)`` 중 ``floor(전체/2)``를 앞에서 자릅니다.
    - 정수 ``p``: valid 결과의 양쪽에서 p칸씩 잘라냅니다 (``Cropping2D(p)``와 같음).

    Args:
        x: ``(batch, 높이, 너비, in)`` 배열.
        kernel: ``(kh, kw, out, in)`` 배열 (``Conv2DTranspose.kernel``과 같은 모양).
        bias: ``(out,)`` 또는 ``None``.
        stride: 정수 또는 (sh, sw). 기본값 1.
        padding: ``"valid"``, ``"same"`` 또는 0 이상의 정수.
        output_padding: ``None``, 정수 또는 (oh, ow). 각 값은 stride보다 작아야 합니다.

    Returns:
        ``(batch, L_h, L_w, out)`` 배열.

    Raises:
        ValueError: 배열 차원이나 채널 수가 맞지 않을 때, 인자가 잘못되었을 때
            (``conv_transpose_output_length``가 거부하는 설정).

    Example:

    >>> x = np.array([1.0, 2.0]).reshape(1, 1, 2, 1)
    >>> conv2d_transpose(x, np.ones((2, 2, 1, 1)), stride=2)[0, :, :, 0]
    array([[1., 1., 2., 2.],
           [1., 1., 2., 2.]])
    """
    x, kernel, (sh, sw), padding = _conv_inputs(x, kernel, "(kh, kw, out, in)", stride, padding)
    kh, kw, c_out, _ = kernel.shape
    if output_padding is None:
        oph = opw = None
    else:
        oph, opw = _v.check_pair(output_padding, "output_padding", minimum=0)
    b, h, w, _ = x.shape
    out_h = conv_transpose_output_length(h, kh, sh, padding, oph)
    out_w = conv_transpose_output_length(w, kw, sw, padding, opw)

    # 1) 잘라낼 앞쪽 칸 수 (padding 좌표).
    def crop(n, k, s, length):
        if padding == "same":
            return max((n - 1) * s + k - length, 0) // 2
        return 0 if padding == "valid" else padding

    top, left = crop(h, kh, sh, out_h), crop(w, kw, sw, out_w)

    # 2) 큰 출력에 커널 칸 (i, j)마다 x @ kernel[i, j].T를 stride 간격으로 더합니다.
    full_h = max((h - 1) * sh + kh, top + out_h)
    full_w = max((w - 1) * sw + kw, left + out_w)
    dtype = np.result_type(x, kernel)
    full = np.zeros((b, full_h, full_w, c_out), dtype=dtype)
    for i in range(kh):
        for j in range(kw):
            full[:, i : i + (h - 1) * sh + 1 : sh, j : j + (w - 1) * sw + 1 : sw, :] += (
                x @ kernel[i, j].T
            )

    # 3) padding에 따라 잘라냅니다.
    y = full[:, top : top + out_h, left : left + out_w, :]
    bias = _check_bias(bias, c_out, dtype)
    return y if bias is None else y + bias

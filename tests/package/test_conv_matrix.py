"""Chapter 5: a convolution is the matrix C, and Conv2DTranspose with the same kernel is Cᵀ."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from course_utils.conv_matrix import conv_matrix, conv_transpose_by_matrix
from course_utils.layers import conv2d

CASES = [((4, 4), (3, 3), 1), ((5, 5), (3, 3), 2), ((6, 5), (2, 3), 1), ((7, 9), (3, 2), 3), ((6, 6), (3, 3), 2)]


@pytest.mark.parametrize("input_shape, kernel_shape, stride", CASES)
def test_c_times_x_is_the_convolution(input_shape, kernel_shape, stride):
    rng = np.random.default_rng(sum(input_shape) + stride)
    kernel = rng.normal(size=kernel_shape)
    x = rng.normal(size=input_shape)
    C = conv_matrix(input_shape, kernel, stride)
    expected = conv2d(x[None, :, :, None], kernel[:, :, None, None], stride=stride)[0, :, :, 0]
    assert C.shape == (expected.size, x.size)
    assert np.allclose(C @ x.ravel(), expected.ravel())
    layer = keras.layers.Conv2D(1, kernel_shape, strides=stride, use_bias=False)
    layer.build((None, *input_shape, 1))
    layer.set_weights([kernel[:, :, None, None].astype("float32")])
    by_keras = keras.ops.convert_to_numpy(layer(x[None, :, :, None].astype("float32")))[0, :, :, 0]
    assert np.allclose(C @ x.ravel(), by_keras.ravel(), atol=1e-4)


@pytest.mark.parametrize("input_shape, kernel_shape, stride", CASES)
def test_c_transpose_is_conv2d_transpose(input_shape, kernel_shape, stride):
    rng = np.random.default_rng(7 * stride + input_shape[0])
    kernel = rng.normal(size=kernel_shape).astype("float32")
    C = conv_matrix(input_shape, kernel, stride)
    out_h = (input_shape[0] - kernel_shape[0]) // stride + 1
    out_w = (input_shape[1] - kernel_shape[1]) // stride + 1
    y = rng.normal(size=(out_h, out_w)).astype("float32")
    leftover = ((input_shape[0] - kernel_shape[0]) % stride, (input_shape[1] - kernel_shape[1]) % stride)
    layer = keras.layers.Conv2DTranspose(1, kernel_shape, strides=stride, padding="valid", use_bias=False,
                                         output_padding=leftover if any(leftover) else None)
    layer.build((None, out_h, out_w, 1))
    layer.set_weights([kernel[:, :, None, None]])   # the same kernel (kh, kw, out=1, in=1)
    by_keras = keras.ops.convert_to_numpy(layer(y[None, :, :, None]))[0, :, :, 0]
    by_matrix = conv_transpose_by_matrix(y, kernel, input_shape, stride)
    assert by_keras.shape == tuple(input_shape)
    assert np.allclose(by_matrix, by_keras, atol=1e-4)
    assert np.allclose(by_matrix.ravel(), C.T @ y.ravel())


def test_c_transpose_does_not_undo_the_convolution():
    C = conv_matrix((4, 4), np.arange(1.0, 10.0).reshape(3, 3))
    assert not np.allclose(C.T @ C, np.eye(16))


def test_bad_input_gets_a_korean_error():
    with pytest.raises(ValueError, match="보다 큽니다"):
        conv_matrix((2, 2), np.ones((3, 3)))
    with pytest.raises(ValueError, match="2차원"):
        conv_matrix((4, 4), np.ones((3, 3, 2)))
    with pytest.raises(ValueError, match="원소 수"):
        conv_transpose_by_matrix(np.ones((3, 3)), np.ones((3, 3)), (4, 4))

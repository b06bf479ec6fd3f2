"""Chapter 4 (Pooling과 Receptive Field): the numbers the prose states, and the exercise checks."""

from __future__ import annotations

import numpy as np
import pytest

from _keras_helpers import keras  # noqa: F401  (TensorFlow's environment: tests/conftest.py)
from course_utils.exercises import ExerciseCheckError, ch04
from course_utils.layers import max_pool2d
from course_utils.params import conv2d_params
from course_utils.shapes import conv_output_length, pool_output_length, receptive_field

FEATURE = np.array([[1, 3, 2, 0], [5, 6, 1, 2], [0, 2, 9, 4], [1, 1, 3, 8]], "float32")


def test_pooling_values_and_no_parameters():
    x = FEATURE[None, :, :, None]
    mx, av = keras.layers.MaxPooling2D(2), keras.layers.AveragePooling2D(2)
    assert keras.ops.convert_to_numpy(mx(x))[0, :, :, 0].tolist() == [[6, 2], [2, 9]]
    assert keras.ops.convert_to_numpy(av(x))[0, :, :, 0].tolist() == [[3.75, 1.25], [1.0, 6.0]]
    assert mx.count_params() == av.count_params() == 0


@pytest.mark.parametrize("n,k,s,p", [(4, 2, None, "valid"), (5, 2, None, "valid"), (5, 2, None, "same"),
                                     (9, 3, 2, "valid"), (10, 3, 1, "same"), (7, 2, None, "valid"),
                                     (8, 3, 2, "valid"), (7, 2, None, "same")])
def test_pool_output_length(n, k, s, p):
    layer = keras.layers.MaxPooling2D(k, strides=s, padding=p)
    assert layer.compute_output_shape((1, n, n, 1))[1] == pool_output_length(n, k, s, p)


def test_shift_within_window():
    def pooled(r, c):
        m = np.zeros((1, 4, 4, 1), "float32")
        m[0, r, c, 0] = 1
        return max_pool2d(m, 2)[0, :, :, 0]
    assert np.array_equal(pooled(0, 0), pooled(0, 1))
    assert not np.array_equal(pooled(0, 1), pooled(0, 2))


def test_receptive_field_numbers():
    assert receptive_field([(3, 1)] * 3).size == 7
    assert receptive_field([(3, 1), (2, 2), (3, 1)]).size == 8
    assert receptive_field([(3, 1), (3, 1), (2, 2), (3, 1)]).size == 10
    assert 3 * conv2d_params(16, 16, 3) == 6960 and 2 * conv2d_params(16, 16, 3) == 4640
    sizes = [receptive_field([(3, 1), (2, 2), (3, 1), (2, 2), (3, 1)][:d]).size for d in range(1, 6)]
    assert sizes == [3, 4, 8, 10, 18]
    assert receptive_field([(3, 2)] * 3).size == 15
    assert receptive_field([(3, 1, 1), (3, 1, 2), (3, 1, 4)]).size == 15
    assert receptive_field([(3, 2), (2, 2)]).size == 5


def test_keras_models_agree():
    model = keras.Sequential([keras.Input((32, 32, 1)), keras.layers.Conv2D(4, 3), keras.layers.MaxPooling2D(2),
                              keras.layers.Conv2D(4, 3), keras.layers.MaxPooling2D(2), keras.layers.Conv2D(4, 3)])
    assert receptive_field(model).size == 18
    conv_pool = keras.Sequential([keras.Input((16, 16, 1)), keras.layers.Conv2D(1, 3, strides=2),
                                  keras.layers.MaxPooling2D(2)])
    assert receptive_field(conv_pool).size == 5
    dilated = keras.layers.Conv2D(1, 3, dilation_rate=2, use_bias=False)
    dilated.build((None, 9, 9, 1))
    assert tuple(dilated.compute_output_shape((1, 9, 9, 1))[1:3]) == (5, 5) and dilated.count_params() == 9
    n_strided = 64
    for _ in range(3):
        n_strided = conv_output_length(n_strided, 3, 2, "same")
    assert n_strided == 8


def test_exercise_answers():
    ch04.RF_CONV_POOL.check_value(receptive_field([(3, 2), (2, 2), (3, 1)]).size)
    ch04.RF_STACKS.check_value((receptive_field([(3, 1), (3, 1), (2, 2), (3, 1), (3, 1), (2, 2)]).size,
                          receptive_field([(3, 1, 1), (3, 1, 3), (3, 1, 5)]).size))
    ch04.POOL_SHAPES.check_value(tuple(tuple(layer.compute_output_shape(shape)[1:]) for layer, shape in [
        (keras.layers.MaxPooling2D(2), (1, 7, 7, 3)),
        (keras.layers.MaxPooling2D(3, strides=2), (1, 8, 8, 1)),
        (keras.layers.MaxPooling2D(2, padding="same"), (1, 7, 7, 3))]))


@pytest.mark.parametrize("check,wrong,fragment", [
    (ch04.RF_CONV_POOL.check_value, 169, "한 변의 길이"),
    (ch04.RF_CONV_POOL.check_value, 5, "마지막 3x3 합성곱"),
    (ch04.RF_CONV_POOL.check_value, 6, "stride 곱"),
    (ch04.RF_CONV_POOL.check_value, "5x5", r"정수\(int\)"),
    (ch04.RF_STACKS.check_value, (16, 7), "dilation"),
    (ch04.RF_STACKS.check_value, (11, 19), "stride"),
    (ch04.POOL_SHAPES.check_value, ((4, 4, 3), (3, 3, 1), (4, 4, 3)), "버립니다"),
    (ch04.POOL_SHAPES.check_value, ((3, 3, 3), (3, 3, 1), (3, 3, 3)), "'same'"),
    (ch04.POOL_SHAPES.check_value, ((3, 3, 1), (3, 3, 1), (4, 4, 1)), "채널"),
])
def test_wrong_answers_get_hints(check, wrong, fragment):
    with pytest.raises(ExerciseCheckError, match=fragment):
        check(wrong)


def _loop_pool(x, pool_size=2, stride=None, init=None):
    x = np.asarray(x, float)
    s = pool_size if stride is None else stride
    oh, ow = (x.shape[0] - pool_size) // s + 1, (x.shape[1] - pool_size) // s + 1
    out = np.empty((oh, ow, x.shape[2]))
    for i in range(oh):
        for j in range(ow):
            window = x[i * s:i * s + pool_size, j * s:j * s + pool_size].max(axis=(0, 1))
            out[i, j] = window if init is None else np.maximum(window, init)
    return out


def test_my_max_pool2d_check():
    ch04.MY_MAX_POOL2D.check_value(_loop_pool)
    for (x,), kw, _ in ch04.pool_cases():
        ref = keras.ops.convert_to_numpy(keras.layers.MaxPooling2D(kw["pool_size"], strides=kw["stride"])(
            x[None].astype("float32")))[0]
        assert np.allclose(_loop_pool(x, **kw), ref, atol=1e-5)


@pytest.mark.parametrize("buggy,fragment", [
    (lambda x, pool_size=2, stride=None: _loop_pool(x, pool_size, None), "창 3, stride 2"),       # ignores stride
    (lambda x, pool_size=2, stride=None: _loop_pool(x, pool_size, stride, init=0.0), "값이 다릅니다"),  # starts at 0
    (lambda x, pool_size=2, stride=None: _loop_pool(x, pool_size, stride).max(axis=-1), "shape"),
])
def test_my_max_pool2d_rejects_bugs(buggy, fragment):
    with pytest.raises(ExerciseCheckError, match=fragment):
        ch04.MY_MAX_POOL2D.check_value(buggy)

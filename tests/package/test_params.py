"""course_utils.params vs count_params() of built Keras layers."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from _keras_helpers import keras
from course_utils.params import conv2d_params, dense_params

SETTINGS = settings(max_examples=60, deadline=None, derandomize=True)


@SETTINGS
@given(st.integers(1, 300), st.integers(1, 64), st.booleans())
def test_dense_params_matches_keras(input_dim, units, use_bias):
    layer = keras.layers.Dense(units, use_bias=use_bias)
    layer.build((None, input_dim))
    assert dense_params(input_dim, units, use_bias=use_bias) == layer.count_params()


kernel_sizes = st.one_of(st.integers(1, 7), st.tuples(st.integers(1, 7), st.integers(1, 7)))


@SETTINGS
@given(st.integers(1, 16), st.integers(1, 32), kernel_sizes, st.booleans())
def test_conv2d_params_matches_keras(in_channels, filters, kernel_size, use_bias):
    layer = keras.layers.Conv2D(filters, kernel_size, use_bias=use_bias)
    layer.build((None, 32, 32, in_channels))
    assert conv2d_params(in_channels, filters, kernel_size, use_bias=use_bias) == layer.count_params()


@pytest.mark.parametrize(
    "call, argname",
    [
        (lambda: dense_params(0, 10), "input_dim"),
        (lambda: dense_params(784, -1), "units"),
        (lambda: dense_params(784, True), "units"),
        (lambda: dense_params(784, 10, use_bias="yes"), "use_bias"),
        (lambda: conv2d_params(3, 16, 0), "kernel_size"),
        (lambda: conv2d_params(3, 16, (3, 0)), "kernel_size"),
        (lambda: conv2d_params(3, 16, (3, 3, 3)), "kernel_size"),
        (lambda: conv2d_params(0, 16, 3), "in_channels"),
        (lambda: conv2d_params(3, 2.5, 3), "filters"),
    ],
)
def test_bad_inputs(call, argname):
    with pytest.raises(ValueError, match=argname) as info:
        call()
    assert "받은 값" in str(info.value)

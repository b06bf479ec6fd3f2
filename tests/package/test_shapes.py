"""course_utils.shapes length formulas vs Keras 3 compute_output_shape."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from _keras_helpers import keras, keras_output_length, make_layer, run_layers
from course_utils.shapes import (
    conv_output_length,
    conv_transpose_output_length,
    pool_output_length,
)

L = keras.layers
SETTINGS = settings(max_examples=120, deadline=None, derandomize=True)

lengths = st.integers(1, 64)
kernels = st.integers(1, 9)
strides = st.integers(1, 5)
dilations = st.sampled_from([1, 1, 1, 2, 3, 4])
paddings = st.one_of(st.sampled_from(["valid", "same"]), st.integers(0, 4))


def agree(formula, reference):
    """reference is None when Keras refuses: then the formula must raise ValueError."""
    if reference is None:
        with pytest.raises(ValueError):
            formula()
    else:
        assert formula() == reference


# --- convolution --------------------------------------------------------------


def keras_conv(n, k, s, padding, d):
    if isinstance(padding, int):
        conv = make_layer(L.Conv2D, 1, k, strides=s, padding="valid", dilation_rate=d)
        layers = [L.ZeroPadding2D(padding), conv]
    else:
        layers = [make_layer(L.Conv2D, 1, k, strides=s, padding=padding, dilation_rate=d)]
    if any(layer is None for layer in layers):
        return None
    return keras_output_length(layers, n)


@SETTINGS
@given(lengths, kernels, strides, paddings, dilations)
def test_conv_output_length_matches_keras(n, k, s, padding, d):
    agree(lambda: conv_output_length(n, k, s, padding, d), keras_conv(n, k, s, padding, d))


@pytest.mark.parametrize(
    "args, expected",
    [
        ((1920, 5, 5), 384),
        ((28, 3), 26),
        ((28, 3, 2, "same"), 14),
        ((5, 3, 2, "same"), 3),
        ((28, 5, 1, 2), 28),
        ((7, 3, 1, "valid", 3), 1),
        ((3, 3), 1),
    ],
)
def test_conv_output_length_examples(args, expected):
    assert conv_output_length(*args) == expected


def test_conv_same_puts_odd_padding_at_the_end():
    # n=4, k=2, s=1, 'same': total padding 1, TensorFlow puts it at the end, so the
    # output is x[0]+x[1], x[1]+x[2], x[2]+x[3], x[3]+0.
    from _keras_helpers import tf

    x = np.array([1.0, 2.0, 4.0, 8.0], "float32").reshape(1, 4, 1, 1)
    y = tf.nn.conv2d(x, np.ones((2, 1, 1, 1), "float32"), 1, "SAME").numpy().ravel()
    assert y.tolist() == [3.0, 6.0, 12.0, 8.0]
    assert conv_output_length(4, 2, padding="same") == 4


# --- pooling ------------------------------------------------------------------


@SETTINGS
@given(lengths, st.integers(1, 8), st.one_of(st.none(), strides), st.sampled_from(["valid", "same"]),
       st.sampled_from([L.MaxPooling2D, L.AveragePooling2D]))
def test_pool_output_length_matches_keras(n, k, s, padding, cls):
    layer = make_layer(cls, k, strides=s, padding=padding)
    ref = None if layer is None else keras_output_length([layer], n)
    agree(lambda: pool_output_length(n, k, s, padding), ref)


def test_pool_stride_defaults_to_pool_size():
    assert pool_output_length(28, 2) == 14
    assert pool_output_length(9, 3) == pool_output_length(9, 3, stride=3) == 3


# --- transposed convolution ------------------------------------------------------

output_paddings = st.one_of(st.none(), st.integers(0, 4))


def keras_conv_transpose(n, k, s, padding, op, d):
    word = "valid" if isinstance(padding, int) else padding
    tconv = make_layer(L.Conv2DTranspose, 1, k, strides=s, padding=word,
                       output_padding=op, dilation_rate=d)
    if tconv is None:
        return None
    layers = [tconv] + ([L.Cropping2D(padding)] if isinstance(padding, int) else [])
    ref = keras_output_length(layers, n)
    if ref is not None and padding == "same" and op is not None:
        # compute_output_shape accepts these, but TensorFlow refuses to run some of them
        # (an even kernel with output_padding=0); ask TensorFlow itself.
        k_eff = d * (k - 1) + 1
        if d == 1:
            try:
                y = run_layers([tconv], np.ones((1, n, 1, 1), "float32"))
            except Exception:  # noqa: BLE001
                return None
            # TensorFlow's reference kernel refuses an output that its convolution does not map back
            # to the input; oneDNN (on, as in the book) runs it anyway: ask Keras' forward shape.
            forward = L.Conv2D(1, k, strides=s, padding="same").compute_output_shape(y.shape)
            if min(y.shape[1:3]) < 1 or tuple(forward[1:3]) != (n, 1):
                return None
            assert y.shape[1] == ref
        elif k_eff % 2 + op == 0:  # TF's CPU kernels cannot run dilation>1: same rule
            return None
    return ref


def make_tconv_1d(k, s, padding, op, d):
    return L.Conv2DTranspose(1, (k, 1), strides=(s, 1), padding=padding,
                             output_padding=None if op is None else (op, 0), dilation_rate=(d, 1))


@SETTINGS
@given(lengths, kernels, strides, paddings, output_paddings, dilations)
def test_conv_transpose_output_length_matches_keras(n, k, s, padding, op, d):
    agree(lambda: conv_transpose_output_length(n, k, s, padding, op, d),
          keras_conv_transpose(n, k, s, padding, op, d))


@settings(max_examples=60, deadline=None, derandomize=True)
@given(st.integers(1, 12), st.integers(1, 6), st.integers(1, 4), st.sampled_from(["valid", "same"]),
       output_paddings)
def test_conv_transpose_output_length_matches_running_tensorflow(n, k, s, padding, op):
    """The formula also matches what TensorFlow actually produces (dilation 1)."""
    try:
        layer = make_tconv_1d(k, s, padding, op, 1)
        y = run_layers([layer], np.ones((1, n, 1, 1), "float32"))
    except Exception:  # noqa: BLE001
        with pytest.raises(ValueError):
            conv_transpose_output_length(n, k, s, padding, op)
        return
    assert conv_transpose_output_length(n, k, s, padding, op) == y.shape[1]


@pytest.mark.parametrize(
    "args, expected",
    [
        ((7, 3, 2, "same"), 14),
        ((7, 3, 2, "valid"), 15),
        ((7, 2, 3, "valid"), 21),            # output_padding None: (n-1)s + max(k, s)
        ((7, 2, 3, "valid", 0), 20),
        ((7, 3, 2, "same", 1), 14),
        ((7, 4, 2, "same", 1), 13),
        ((7, 3, 2, 1), 13),                  # valid 15, cropped 1 on each side
        ((7, 3, 1, "valid", None, 2), 11),
    ],
)
def test_conv_transpose_output_length_examples(args, expected):
    assert conv_transpose_output_length(*args) == expected


# --- bad inputs ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "call, argname",
    [
        (lambda: conv_output_length(28, 3, stride=0), "stride"),
        (lambda: conv_output_length(-1, 3), "input_length"),
        (lambda: conv_output_length(0, 3), "input_length"),
        (lambda: conv_output_length(28, 0), "kernel_size"),
        (lambda: conv_output_length(28, -3), "kernel_size"),
        (lambda: conv_output_length(28, 3, padding="full"), "padding"),
        (lambda: conv_output_length(28, 3, padding=-1), "padding"),
        (lambda: conv_output_length(28, 3, stride=True), "stride"),
        (lambda: conv_output_length(True, 3), "input_length"),
        (lambda: conv_output_length(28.0, 3), "input_length"),
        (lambda: conv_output_length(28, 3, dilation=0), "dilation"),
        (lambda: conv_output_length(28, 3, stride=2, dilation=2), "dilation"),
        (lambda: conv_output_length(4, 5), "kernel_size"),
        (lambda: conv_output_length(4, 3, dilation=2), "kernel_size"),
        (lambda: pool_output_length(28, 0), "pool_size"),
        (lambda: pool_output_length(28, 2, stride=0), "stride"),
        (lambda: pool_output_length(28, 2, padding=1), "padding"),
        (lambda: pool_output_length(3, 4), "pool_size"),
        (lambda: conv_transpose_output_length(7, 3, stride=0), "stride"),
        (lambda: conv_transpose_output_length(7, 3, 2, output_padding=2), "output_padding"),
        (lambda: conv_transpose_output_length(7, 3, 2, output_padding=-1), "output_padding"),
        (lambda: conv_transpose_output_length(7, 3, 2, output_padding=False), "output_padding"),
        (lambda: conv_transpose_output_length(7, 3, 2, dilation=2), "dilation"),
        (lambda: conv_transpose_output_length(3, 4, 2, "same", 0), "output_padding"),
        (lambda: conv_transpose_output_length(1, 1, 1, 1), "padding"),
        (lambda: conv_transpose_output_length(7, 3, padding="causal"), "padding"),
    ],
)
def test_bad_inputs_raise_clear_korean_value_error(call, argname):
    with pytest.raises(ValueError) as info:
        call()
    message = str(info.value)
    assert argname in message
    assert "받은 값" in message or "받은" in message
    assert any("\uac00" <= ch <= "\ud7a3" for ch in message)  # Korean text


def test_message_format():
    with pytest.raises(ValueError, match=r"^stride는 1 이상의 정수여야 합니다 \(받은 값: 0\)\.$"):
        conv_output_length(28, 3, stride=0)


def test_numpy_integers_are_accepted():
    assert conv_output_length(np.int64(28), np.int32(3), np.int64(1)) == 26

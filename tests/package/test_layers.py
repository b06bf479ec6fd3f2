"""course_utils.layers (numpy) vs TensorFlow/Keras on random inputs and weights."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from _keras_helpers import ATOL, keras, onednn_miscomputes_conv, random_weights, run_layers, tf
from course_utils import layers as cl
from course_utils.shapes import conv_output_length, conv_transpose_output_length

L = keras.layers
SETTINGS = settings(max_examples=60, deadline=None, derandomize=True)

sizes = st.integers(1, 10)
pairs = lambda lo, hi: st.one_of(st.integers(lo, hi), st.tuples(st.integers(lo, hi), st.integers(lo, hi)))  # noqa: E731
conv_paddings = st.one_of(st.sampled_from(["valid", "same"]), st.integers(0, 2))


def pair(v):
    return (v, v) if isinstance(v, int) else v


def refused_like_the_formula(lengths, function, *args):
    """True when ``lengths()`` (the shapes formulas) refuses a case; then ``function(*args)`` must refuse it too."""
    try:
        lengths()
    except ValueError:
        with pytest.raises(ValueError):
            function(*args)
        return True
    return False


def random_conv_inputs(seed, x_shape, kernel_shape, bias_size):
    """Random ``(x, kernel, bias)`` for the conv2d and conv2d_transpose cases; no bias when ``bias_size`` is None."""
    rng = np.random.default_rng(seed)
    x, kernel = random_weights(rng, *x_shape), random_weights(rng, *kernel_shape)
    return x, kernel, (None if bias_size is None else random_weights(rng, bias_size))


# --- dense ------------------------------------------------------------------------


@SETTINGS
@given(st.integers(1, 3), st.integers(1, 8), st.integers(1, 6), st.booleans(), st.integers(0, 2**31 - 1))
def test_dense_matches_keras(batch, n_in, units, use_bias, seed):
    rng = np.random.default_rng(seed)
    x = random_weights(rng, batch, n_in)
    layer = L.Dense(units, use_bias=use_bias)
    layer.build((None, n_in))
    weights = [random_weights(rng, n_in, units)] + ([random_weights(rng, units)] if use_bias else [])
    layer.set_weights(weights)
    y = cl.dense(x, *weights)
    np.testing.assert_allclose(y, run_layers([layer], x), atol=ATOL)


def test_dense_on_higher_rank_input():
    rng = np.random.default_rng(0)
    x, k = random_weights(rng, 2, 3, 4), random_weights(rng, 4, 5)
    layer = L.Dense(5, use_bias=False)
    layer.build((None, 3, 4))
    layer.set_weights([k])
    np.testing.assert_allclose(cl.dense(x, k), run_layers([layer], x), atol=ATOL)


# --- conv2d -----------------------------------------------------------------------


@SETTINGS
@given(st.integers(1, 2), sizes, sizes, pairs(1, 4), st.integers(1, 3), st.integers(1, 3),
       pairs(1, 3), conv_paddings, st.sampled_from([1, 1, 2, (1, 2)]), st.booleans(),
       st.integers(0, 2**31 - 1))
def test_conv2d_matches_keras(batch, h, w, k, c_in, c_out, stride, padding, dilation, use_bias, seed):
    kh, kw = pair(k)
    if max(pair(stride)) > 1 and max(pair(dilation)) > 1:
        with pytest.raises(ValueError, match="dilation"):
            cl.conv2d(np.zeros((1, h, w, c_in)), np.zeros((kh, kw, c_in, c_out)), stride=stride,
                      dilation=dilation)
        with pytest.raises(ValueError):
            L.Conv2D(c_out, k, strides=stride, dilation_rate=dilation)
        return
    x, kernel, bias = random_conv_inputs(seed, (batch, h, w, c_in), (kh, kw, c_in, c_out), c_out if use_bias else None)
    axes = ((h, kh, pair(stride)[0], pair(dilation)[0]), (w, kw, pair(stride)[1], pair(dilation)[1]))
    if refused_like_the_formula(lambda: [conv_output_length(n, kk, s, padding, d) for n, kk, s, d in axes],
                                cl.conv2d, x, kernel, bias, stride, padding, dilation):
        return
    assume(not onednn_miscomputes_conv(batch, c_in, conv_output_length(w, kw, pair(stride)[1], padding,
                                                                      pair(dilation)[1]), stride))
    word = "valid" if isinstance(padding, int) else padding
    layer = L.Conv2D(c_out, (kh, kw), strides=stride, padding=word, dilation_rate=dilation, use_bias=use_bias)
    stack = ([L.ZeroPadding2D(padding)] if isinstance(padding, int) else []) + [layer]
    expected = run_layers(stack[:-1], x) if len(stack) > 1 else x
    layer.build(expected.shape)
    layer.set_weights([kernel] + ([bias] if use_bias else []))
    expected = run_layers([layer], expected)
    y = cl.conv2d(x, kernel, bias, stride=stride, padding=padding, dilation=dilation)
    assert y.shape == expected.shape
    np.testing.assert_allclose(y, expected, atol=ATOL)


def test_conv2d_float64_and_int_inputs():
    x = np.arange(16).reshape(1, 4, 4, 1)
    y = cl.conv2d(x, np.ones((3, 3, 1, 1)), padding="same")
    expected = tf.nn.conv2d(x.astype("float64"), np.ones((3, 3, 1, 1)), 1, "SAME").numpy()
    np.testing.assert_allclose(y, expected)
    assert y.dtype == np.float64


# --- pooling ----------------------------------------------------------------------


pool_cases = (st.integers(1, 2), sizes, sizes, st.integers(1, 3), pairs(1, 3),
              st.one_of(st.none(), pairs(1, 3)), st.sampled_from(["valid", "same"]), st.integers(0, 2**31 - 1))


def keras_pooling_case(function, layer, batch, h, w, c, pool, stride, padding, seed):
    """``(x, Keras's output)`` for one pooling case; ``None`` once ``function`` is seen to refuse
    a window larger than a valid-padded input, as Keras does."""
    x = random_weights(np.random.default_rng(seed), batch, h, w, c)
    ph, pw = pair(pool)
    if padding == "valid" and (ph > h or pw > w):
        with pytest.raises(ValueError, match="pool_size"):
            function(x, pool, stride, padding)
        return None
    return x, run_layers([layer(pool, strides=stride, padding=padding)], x)


@SETTINGS
@given(*pool_cases)
def test_max_pool2d_matches_keras_and_argmax(batch, h, w, c, pool, stride, padding, seed):
    case = keras_pooling_case(cl.max_pool2d, L.MaxPooling2D, batch, h, w, c, pool, stride, padding, seed)
    if case is None:
        return
    x, expected = case
    y, idx = cl.max_pool2d(x, pool, stride, padding, return_indices=True)
    np.testing.assert_allclose(y, expected, atol=ATOL)
    np.testing.assert_allclose(cl.max_pool2d(x, pool, stride, padding), expected, atol=ATOL)
    # same indices as tf.nn.max_pool_with_argmax(include_batch_in_index=False)
    ksize, strides = pair(pool), pair(pool if stride is None else stride)
    _, tf_idx = tf.nn.max_pool_with_argmax(x, ksize, strides, padding.upper(), include_batch_in_index=False)
    np.testing.assert_array_equal(idx, tf_idx.numpy())
    # round trip: every pooled value goes back to its argmax position, zeros elsewhere
    un = cl.max_unpool2d(y, idx, x.shape)
    flat_x, flat_un = x.reshape(batch, -1), un.reshape(batch, -1)
    for b in range(batch):
        picked = np.unique(idx[b].ravel())
        np.testing.assert_array_equal(flat_un[b, picked], flat_x[b, picked])
        rest = np.setdiff1d(np.arange(flat_x.shape[1]), picked)
        assert not flat_un[b, rest].any()


def test_max_pool2d_ties_pick_the_first_maximum():
    x = np.ones((1, 2, 2, 1), "float32")
    _, idx = cl.max_pool2d(x, 2, return_indices=True)
    _, tf_idx = tf.nn.max_pool_with_argmax(x, 2, 2, "VALID", include_batch_in_index=False)
    assert idx.ravel().tolist() == tf_idx.numpy().ravel().tolist() == [0]


@SETTINGS
@given(*pool_cases)
def test_avg_pool2d_matches_keras(batch, h, w, c, pool, stride, padding, seed):
    case = keras_pooling_case(cl.avg_pool2d, L.AveragePooling2D, batch, h, w, c, pool, stride, padding, seed)
    if case is not None:
        x, expected = case
        np.testing.assert_allclose(cl.avg_pool2d(x, pool, stride, padding), expected, atol=ATOL)


# --- upsampling / unpooling --------------------------------------------------------


@settings(max_examples=30, deadline=None, derandomize=True)
@given(st.integers(1, 2), sizes, sizes, st.integers(1, 3), pairs(1, 3), st.integers(0, 2**31 - 1))
def test_upsample_nearest_and_bed_of_nails(batch, h, w, c, size, seed):
    x = random_weights(np.random.default_rng(seed), batch, h, w, c)
    expected = run_layers([L.UpSampling2D(size, interpolation="nearest")], x)
    np.testing.assert_allclose(cl.upsample_nearest(x, size), expected, atol=ATOL)
    # bed of nails = transposed conv, stride=size, kernel with the identity at the top-left
    sh, sw = pair(size)
    tconv = L.Conv2DTranspose(c, (sh, sw), strides=(sh, sw), use_bias=False)
    tconv.build(x.shape)
    kernel = np.zeros((sh, sw, c, c), "float32")
    kernel[0, 0] = np.eye(c)
    tconv.set_weights([kernel])
    nails = cl.bed_of_nails(x, size)
    np.testing.assert_allclose(nails, run_layers([tconv], x), atol=ATOL)
    np.testing.assert_array_equal(nails[:, ::sh, ::sw], x)


def test_max_unpool2d_example():
    x = np.array([[1, 2], [4, 3]], "float32").reshape(1, 2, 2, 1)
    y, idx = cl.max_pool2d(x, 2, return_indices=True)
    assert idx.ravel().tolist() == [2]
    np.testing.assert_array_equal(cl.max_unpool2d(y, idx, (1, 2, 2, 1))[0, :, :, 0], [[0, 0], [4, 0]])


# --- conv2d_transpose -----------------------------------------------------------------


@settings(max_examples=80, deadline=None, derandomize=True)
@given(st.integers(1, 2), sizes, sizes, pairs(1, 4), st.integers(1, 3), st.integers(1, 3), pairs(1, 3),
       conv_paddings, st.one_of(st.none(), st.integers(0, 2)), st.booleans(), st.integers(0, 2**31 - 1))
def test_conv2d_transpose_matches_keras(batch, h, w, k, c_in, c_out, stride, padding, op, use_bias, seed):
    kh, kw = pair(k)
    sh, sw = pair(stride)
    x, kernel, bias = random_conv_inputs(seed, (batch, h, w, c_in), (kh, kw, c_out, c_in), c_out if use_bias else None)
    axes = ((h, kh, sh), (w, kw, sw))
    if refused_like_the_formula(lambda: [conv_transpose_output_length(n, kk, s, padding, op) for n, kk, s in axes],
                                cl.conv2d_transpose, x, kernel, bias, stride, padding, op):
        return
    word = "valid" if isinstance(padding, int) else padding
    layer = L.Conv2DTranspose(c_out, (kh, kw), strides=stride, padding=word, output_padding=op, use_bias=use_bias)
    layer.build(x.shape)
    layer.set_weights([kernel] + ([bias] if use_bias else []))
    stack = [layer] + ([L.Cropping2D(padding)] if isinstance(padding, int) else [])
    expected = run_layers(stack, x)
    y = cl.conv2d_transpose(x, kernel, bias, stride=stride, padding=padding, output_padding=op)
    assert y.shape == expected.shape
    np.testing.assert_allclose(y, expected, atol=ATOL)


def test_conv2d_transpose_chapter5_size():
    rng = np.random.default_rng(1)
    x = random_weights(rng, 1, 7, 7, 8)
    y = cl.conv2d_transpose(x, random_weights(rng, 3, 3, 4, 8), stride=2, padding="same")
    assert y.shape == (1, 14, 14, 4)


# --- errors -------------------------------------------------------------------------

X = np.zeros((1, 6, 6, 2), "float32")


@pytest.mark.parametrize(
    "call, words",
    [
        (lambda: cl.conv2d(np.zeros((28, 28)), np.zeros((3, 3, 1, 1))), ["x", "4차원", "(28, 28)"]),
        (lambda: cl.conv2d(X, np.zeros((3, 3, 3, 1))), ["kernel", "채널"]),
        (lambda: cl.conv2d(X, np.zeros((3, 3, 2))), ["kernel", "4차원"]),
        (lambda: cl.conv2d(X, np.zeros((3, 3, 2, 4)), bias=np.zeros(3)), ["bias"]),
        (lambda: cl.conv2d(X, np.zeros((7, 7, 2, 1))), ["kernel_size"]),
        (lambda: cl.conv2d(X, np.zeros((3, 3, 2, 1)), stride=0), ["stride", "받은 값: 0"]),
        (lambda: cl.conv2d(X, np.zeros((3, 3, 2, 1)), padding="full"), ["padding", "full"]),
        (lambda: cl.conv2d(X, np.zeros((3, 3, 2, 1)), stride=2, dilation=2), ["dilation"]),
        (lambda: cl.dense(np.zeros(3), np.zeros((3, 2))), ["x"]),
        (lambda: cl.dense(np.zeros((1, 3)), np.zeros((4, 2))), ["kernel"]),
        (lambda: cl.max_pool2d(X, 0), ["pool_size"]),
        (lambda: cl.max_pool2d(X, 7), ["pool_size"]),
        (lambda: cl.avg_pool2d(X, 2, padding=1), ["padding"]),
        (lambda: cl.avg_pool2d(X[0], 2), ["x", "4차원"]),
        (lambda: cl.upsample_nearest(X, 0), ["size"]),
        (lambda: cl.bed_of_nails(X, True), ["size"]),
        (lambda: cl.max_unpool2d(X, np.zeros((1, 6, 6, 1), int), (1, 12, 12, 2)), ["indices"]),
        (lambda: cl.max_unpool2d(X, np.zeros((1, 6, 6, 2), int), (1, 12, 12, 3)), ["output_shape"]),
        (lambda: cl.max_unpool2d(X, np.full((1, 6, 6, 2), 999), (1, 6, 6, 2)), ["indices"]),
        (lambda: cl.conv2d_transpose(X, np.zeros((3, 3, 2, 1))), ["kernel", "(kh, kw, out, in)"]),
        (lambda: cl.conv2d_transpose(X, np.zeros((3, 3, 1, 2)), stride=2, output_padding=2), ["output_padding"]),
    ],
)
def test_errors_are_clear(call, words):
    with pytest.raises(ValueError) as info:
        call()
    for word in words:
        assert word in str(info.value)

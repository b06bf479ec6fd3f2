"""The explorers' pure geometry (course_utils.widgets._geometry) against
course_utils.shapes and against real Keras layers.

- convolution: output size vs ``Conv2D.compute_output_shape``; the window cells of
  every output pixel vs what a Keras convolution actually reads (one-hot inputs);
- receptive field: the exact pixel set vs the input pixels with non-zero gradient
  of one output pixel of a Keras model built from the same layers;
- transposed convolution: the zero-insertion grid convolved (stride 1) with the
  flipped kernel equals ``Conv2DTranspose``.
"""

from __future__ import annotations

import itertools
import json
import math

import numpy as np
import pytest

from course_utils import shapes
from course_utils.widgets import _geometry as G

keras = pytest.importorskip("keras")
tf = pytest.importorskip("tensorflow")

RNG = np.random.default_rng(0)


def _eval_formula(text):
    """Evaluate the left side of a substituted formula; return (lhs, rhs)."""
    lhs, rhs = text.rsplit(" = ", 1)
    expr = (lhs.replace("·", "*").replace("−", "-").replace("⌊", "math.floor(").replace("⌋", ")")
            .replace("⌈", "math.ceil(").replace("⌉", ")"))
    return eval(expr, {"math": math, "max": max}), int(rhs)  # noqa: S307 (our own text)


def _shapes_error(fn, *args):
    try:
        fn(*args)
    except ValueError as exc:
        return str(exc)
    return None


# --------------------------------------------------------------------------- convolution
CONV_CONFIGS = [
    (n, k, s, p, d)
    for n, k, s, p, d in itertools.product((1, 4, 5, 7, 8), (1, 2, 3, 5), (1, 2, 3),
                                           ("valid", "same", 0, 1, 2), (1, 2))
]


def _keras_conv(n, k, s, p, d, w):
    conv = keras.layers.Conv2D(1, k, strides=s, padding=p if isinstance(p, str) else "valid",
                               dilation_rate=d, use_bias=False)
    layers = [keras.Input((n, n, 1))] + ([keras.layers.ZeroPadding2D(p)] if isinstance(p, int) else []) + [conv]
    model = keras.Sequential(layers)
    conv.set_weights([w.reshape(k, k, 1, 1)])
    return model


@pytest.mark.parametrize("n,k,s,p,d", CONV_CONFIGS)
def test_conv_geometry_matches_keras(n, k, s, p, d):
    err = _shapes_error(shapes.conv_output_length, n, k, s, p, d)
    geo = G.conv_geometry(n, k, s, p, d)
    json.dumps(geo)  # JSON-serialisable
    if err is not None:
        assert geo["error"] == err and geo["scene"]["error"] == err
        return
    assert geo["error"] is None
    out = geo["output_size"]
    assert out == shapes.conv_output_length(n, k, s, p, d)
    # Keras output size
    w = (RNG.permutation(k * k) + 1.0).reshape(k, k)  # distinct non-zero weights
    model = _keras_conv(n, k, s, p, d, w)
    assert model.output_shape[1:3] == (out, out)
    if not isinstance(p, int):
        layer = keras.layers.Conv2D(1, k, strides=s, padding=p, dilation_rate=d)
        assert layer.compute_output_shape((1, n, n, 1))[1:3] == (out, out)
    # what every output pixel reads: feed all one-hot images at once (linear, no bias)
    eye = np.eye(n * n, dtype="float32").reshape(n * n, n, n, 1)
    y = np.asarray(model(eye))[..., 0]  # (n*n, out, out): y[b, r, c] = weight of input b
    assert geo["padded_size"] == n + geo["pad_before"] + geo["pad_after"]
    for r, c in itertools.product(range(out), range(out)):
        g = G.conv_geometry(n, k, s, p, d, r, c)
        expected = np.zeros((n, n))
        for idx, (pr, pc, is_pad) in enumerate(g["window"]):
            i, j = divmod(idx, k)
            inside = 0 <= pr - g["pad_before"] < n and 0 <= pc - g["pad_before"] < n
            assert is_pad == (not inside)
            assert 0 <= pr < g["padded_size"] and 0 <= pc < g["padded_size"]
            if inside:
                expected[pr - g["pad_before"], pc - g["pad_before"]] = w[i, j]
        np.testing.assert_allclose(y[:, r, c].reshape(n, n), expected, atol=1e-5)
        assert sorted(map(tuple, g["window_input"])) == sorted(zip(*np.nonzero(expected)))


@pytest.mark.parametrize("n,k,s,p,d", CONV_CONFIGS[::7])
def test_conv_formula_text(n, k, s, p, d):
    if _shapes_error(shapes.conv_output_length, n, k, s, p, d):
        return
    geo = G.conv_geometry(n, k, s, p, d)
    text = geo["formula"]
    lhs, rhs = _eval_formula(text)
    assert lhs == rhs == geo["output_size"]
    for number in (n, s):
        assert str(number) in text
    if p != "same":
        # chapter 3's ⌊(n + 2p − k) / s⌋ + 1 while the dilation is 1; the dilated form (chapter 4) only when it is not
        assert (f"{d}·({k} − 1)" in text) == (d != 1) and f"2·{0 if p == 'valid' else p}" in text
        assert ("d(k − 1)" in geo["formula_label"]) == (d != 1)
        assert (f"dilation {d}" in geo["scene"]["lines"][0]) == (d != 1)
    assert text in " ".join(geo["scene"]["lines"])


def test_conv_errors_are_korean_messages_from_course_utils():
    geo = G.conv_geometry(3, 5, 1, "valid")
    assert geo["error"] == _shapes_error(shapes.conv_output_length, 3, 5, 1, "valid", 1)
    assert any("\uac00" <= ch <= "\ud7a3" for ch in geo["error"])  # Hangul
    geo = G.conv_geometry(7, 3, 2, "valid", 2)  # Keras rejects stride>1 with dilation>1
    assert geo["error"] and geo["scene"]["error"] == geo["error"]
    assert G.conv_geometry(7, 3, 1, "bogus")["error"]


def test_same_padding_puts_the_odd_pixel_at_the_end():
    geo = G.conv_geometry(6, 4, 1, "same")
    assert (geo["pad_before"], geo["pad_after"]) == (1, 2)
    geo = G.conv_geometry(7, 2, 2, "same")  # out 4, reach 8 -> total 1
    assert (geo["pad_before"], geo["pad_after"]) == (0, 1)


# --------------------------------------------------------------------------- receptive field
RF_STACKS = [
    (16, [("conv", 3, 2), ("pool", 2, 2)]),
    (12, [("conv", 3, 1, 2), ("conv", 3, 1, 1)]),
    (14, [("conv", 2, 1, 3), ("conv", 2, 1, 2)]),  # sparse field
    (18, [("conv", 3, 1, 2), ("pool", 2, 2), ("conv", 2, 1, 3)]),
    (24, [("conv", 3, 1), ("pool", 2, 2), ("conv", 3, 1, 2), ("pool", 3, 2)]),
    (20, [("conv", 5, 2), ("conv", 3, 1), ("conv", 1, 1), ("pool", 2, 1)]),
]


def _keras_stack(n, layers, pool_cls):
    seq = [keras.Input((n, n, 1))]
    for kind, k, s, *rest in layers:
        d = rest[0] if rest else 1
        if kind == "pool":
            seq.append(pool_cls(pool_size=k, strides=s))
        else:
            conv = keras.layers.Conv2D(1, k, strides=s, dilation_rate=d, use_bias=False,
                                       kernel_initializer=keras.initializers.RandomUniform(0.5, 1.5, seed=1))
            seq.append(conv)
    return keras.Sequential(seq)


def _dependency_set(model, n, r, c, batch):
    x = tf.constant(RNG.normal(size=(batch, n, n, 1)).astype("float32"))
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = model(x)
        target = tf.reduce_sum(y[:, r, c, 0])  # samples are independent
    grad = tape.gradient(target, x).numpy()[..., 0]
    return {tuple(map(int, ix)) for ix in zip(*np.nonzero(np.abs(grad).sum(axis=0) > 0))}


@pytest.mark.parametrize("n,layers", RF_STACKS)
def test_receptive_field_set_equals_keras_gradient_support(n, layers):
    geo = G.receptive_field_geometry(n, layers)
    assert geo["error"] is None
    json.dumps(geo)
    rf = shapes.receptive_field([(k, s, *rest) for _, k, s, *rest in layers])
    assert (geo["size"], geo["jump"], geo["start"]) == (rf.size, rf.jump, rf.start)
    out = geo["sizes"][-1]
    for pool_cls, batch in ((keras.layers.AveragePooling2D, 2), (keras.layers.MaxPooling2D, 96)):
        model = _keras_stack(n, layers, pool_cls)
        assert model.output_shape[1:3] == (out, out)
        for r, c in {(0, 0), (out - 1, out - 1), (out // 2, max(out - 2, 0))}:
            g = G.receptive_field_geometry(n, layers, r, c)
            expected = set(map(tuple, g["pixels"]))
            # max pooling routes the gradient through one pixel: union over a batch
            assert _dependency_set(model, n, r, c, batch) == expected, (pool_cls.__name__, r, c)
            # the field's bounding box is size x size, centred at start + index * jump
            (r0, r1), (c0, c1) = g["span"]
            assert r1 - r0 + 1 == c1 - c0 + 1 == rf.size
            assert (r0 + r1) / 2 == rf.start + r * rf.jump and (c0 + c1) / 2 == rf.start + c * rf.jump


def test_receptive_field_default_and_sparse():
    geo = G.receptive_field_geometry()
    assert geo["size"] == 5 and len(geo["pixels"]) == 25
    sparse = G.receptive_field_geometry(10, [("conv", 3, 1, 2)], 1, 2)
    assert sparse["pixels"] == [[r, c] for r in (1, 3, 5) for c in (2, 4, 6)]
    assert sparse["size"] == 5
    assert G.receptive_field_geometry(4, [("conv", 3, 2), ("pool", 2, 2)])["error"]
    assert G.receptive_field_geometry(8, [])["error"]


# --------------------------------------------------------------------------- transposed convolution
TCONV_CONFIGS = [
    (n, k, s, p, op)
    for n, k, s, p in itertools.product((1, 2, 3), (1, 2, 3, 4), (1, 2, 3), ("valid", "same", 1, 2))
    for op in [None] + list(range(s))
]


def _zero_insertion_conv(x, w, grid, d=1):
    """Stride-1 'valid' convolution of the zero-inserted grid with the flipped kernel."""
    size, k = grid["size"], w.shape[0]
    off = max([size] + [abs(q) for q in grid["positions"]])  # room for cropped positions
    z = np.zeros((size + 2 * off, size + 2 * off))
    for i, pi in enumerate(grid["positions"]):
        for j, pj in enumerate(grid["positions"]):
            z[off + pi, off + pj] = x[i, j]
    z = z[off:off + size, off:off + size]
    wf = w[::-1, ::-1]
    out = grid["output_size"]
    y = np.zeros((out, out))
    for a, b in itertools.product(range(k), range(k)):
        y += wf[a, b] * z[a * d:a * d + out, b * d:b * d + out]
    return y


def _scatter_transpose(x, w, s, d, out, crop):
    """Definition: y[i*s + a*d - crop] += x[i] * w[a] (2-D)."""
    n, k = x.shape[0], w.shape[0]
    y = np.zeros((out, out))
    for i, j, a, b in itertools.product(range(n), range(n), range(k), range(k)):
        r, c = i * s + a * d - crop, j * s + b * d - crop
        if 0 <= r < out and 0 <= c < out:
            y[r, c] += x[i, j] * w[a, b]
    return y


@pytest.mark.parametrize("n,k,s,p,op", TCONV_CONFIGS)
def test_zero_insertion_reproduces_keras_conv2d_transpose(n, k, s, p, op):
    err = _shapes_error(shapes.conv_transpose_output_length, n, k, s, p, op)
    geo = G.transposed_geometry(n, k, s, p, op)
    json.dumps(geo)
    if err is not None:
        assert geo["error"] == err
        return
    grid = geo["grid"]
    out = geo["output_size"]
    assert out == shapes.conv_transpose_output_length(n, k, s, p, op)
    assert grid["size"] == out + k - 1
    x = RNG.normal(size=(n, n)).astype("float32")
    w = RNG.normal(size=(k, k)).astype("float32")
    layer = keras.layers.Conv2DTranspose(1, k, strides=s, padding=p if isinstance(p, str) else "valid",
                                         output_padding=op, use_bias=False)
    seq = [keras.Input((n, n, 1)), layer] + ([keras.layers.Cropping2D(p)] if isinstance(p, int) else [])
    model = keras.Sequential(seq)
    layer.set_weights([w.reshape(k, k, 1, 1)])
    y_keras = np.asarray(model(x.reshape(1, n, n, 1)))[0, ..., 0]
    assert y_keras.shape == (out, out)
    np.testing.assert_allclose(_zero_insertion_conv(x, w, grid), y_keras, atol=1e-4)
    # the border is d(k-1) - p on the top/left; inserted zeros are stride - 1
    if p == "valid":
        assert grid["before"] == k - 1
        assert grid["after"] == k - 1 + (max(k, s) - k if op is None else op)
    if isinstance(p, int):
        assert grid["before"] == k - 1 - p
    assert all(b - a == s for a, b in zip(grid["positions"], grid["positions"][1:]))
    inside = [g for g in grid["positions"] if 0 <= g < grid["size"]]
    assert [i for i, kind in enumerate(grid["kinds"]) if kind == "value"] == inside
    lhs, rhs = _eval_formula(geo["formula"])
    assert lhs == rhs == out


@pytest.mark.parametrize("n,k,d,p", [(3, 3, 2, "valid"), (4, 2, 3, "valid"), (3, 3, 2, 1), (2, 3, 2, "same")])
def test_zero_insertion_with_dilation_matches_the_definition(n, k, d, p):
    # TensorFlow's CPU kernels cannot run dilated transposed convolutions, so the
    # dilated case is checked against the scatter definition instead.
    geo = G.transposed_geometry(n, k, 1, p, None, d)
    assert geo["error"] is None
    grid, out = geo["grid"], geo["output_size"]
    x = RNG.normal(size=(n, n))
    w = RNG.normal(size=(k, k))
    crop = d * (k - 1) - grid["before"]
    np.testing.assert_allclose(_zero_insertion_conv(x, w, grid, d), _scatter_transpose(x, w, 1, d, out, crop),
                               atol=1e-9)


def test_transposed_formula_texts():
    assert G.transposed_formula(3, 3, 2, "valid") == "3·2 + max(1·(3 − 1) + 1 − 2, 0) = 7"
    assert G.transposed_formula(3, 3, 2, "same") == "3·2 = 6"
    assert G.transposed_formula(3, 3, 2, "valid", 1) == "(3 − 1)·2 − 2·0 + 1·(3 − 1) + 1 + 1 = 8"
    for args in [(3, 3, 2, "same", 1), (4, 2, 3, 1, None), (4, 2, 3, 1, 2), (5, 4, 2, "same", 1)]:
        lhs, rhs = _eval_formula(G.transposed_formula(*args))
        assert lhs == rhs == shapes.conv_transpose_output_length(*args)

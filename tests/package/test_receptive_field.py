"""receptive_field: closed-form cases and an empirical measurement with tf.GradientTape.

The empirical receptive field of an output pixel is the set of input pixels whose
gradient is non-zero.  Kernels and inputs are random normal (an exact cancellation to
zero has probability zero); max pooling routes the gradient through one pixel per
window, so the union over many random inputs (a batch of DRAWS) is taken.  (All-positive
kernels would bias max pooling: a conv output next to zero padding sums fewer positive
terms and almost never wins, hiding the border pixels.)
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from _keras_helpers import keras, tf
from course_utils.shapes import ReceptiveField, receptive_field

L = keras.layers
DRAWS = 32


# --- closed form ------------------------------------------------------------------


@pytest.mark.parametrize(
    "layers, expected",
    [
        ([(3, 2), (2, 2)], (5, 4, 2)),                # 3x3 stride-2 conv + 2x2 max pooling
        ([(3, 1)] * 3, (7, 1, 3)),
        ([(5, 1)], (5, 1, 2)),
        ([(2, 2)] * 4, (16, 16, 7.5)),
        ([(3, 1, 2), (3, 1, 4)], (13, 1, 6)),         # dilated: effective kernels 5 and 9
        ([(11, 4), (3, 2), (5, 1), (3, 2)], (67, 16, 33)),
        ([(1, 1)], (1, 1, 0)),
        ([], (1, 1, 0)),
    ],
)
def test_closed_form_tuples(layers, expected):
    rf = receptive_field(layers)
    assert (rf.size, rf.jump, rf.start) == expected
    # Araujo et al.: r0 = sum (k_l - 1) prod_{i<l} s_i + 1
    r0, prod = 1, 1
    for layer in layers:
        k_eff = (layer[2] if len(layer) == 3 else 1) * (layer[0] - 1) + 1
        r0 += (k_eff - 1) * prod
        prod *= layer[1]
    assert rf.size == r0 and rf.jump == prod


def test_result_is_frozen_and_readable():
    rf = receptive_field([(3, 2), (2, 2)])
    assert rf == ReceptiveField(size=5, jump=4, start=2)
    assert repr(rf) == "ReceptiveField(size=5, jump=4, start=2)"
    with pytest.raises(AttributeError):
        rf.size = 3  # type: ignore[misc]


@pytest.mark.parametrize(
    "layers, argname",
    [([(3, 0)], "stride"), ([(0, 1)], "kernel"), ([(3,)], "layers[0]"), ([(3, 1, 0)], "dilation"),
     ([(3, True)], "stride"), ("conv", "layers")],
)
def test_bad_tuples(layers, argname):
    with pytest.raises(ValueError, match=argname.replace("[", r"\[").replace("]", r"\]")):
        receptive_field(layers)


# --- Keras models and the empirical measurement --------------------------------------


def build(spec, n):
    layers = []
    for item in spec:
        if not isinstance(item, tuple):
            layers.append(item)  # an already-made layer (e.g. an activation)
            continue
        kind, *a = item
        if kind == "conv":
            k, s, padding, d = a
            layers.append(L.Conv2D(2, k, strides=s, padding=padding, dilation_rate=d))
        elif kind == "max":
            layers.append(L.MaxPooling2D(a[0], strides=a[1], padding=a[2]))
        elif kind == "avg":
            layers.append(L.AveragePooling2D(a[0], strides=a[1], padding=a[2]))
        elif kind == "tconv":
            k, s, padding, op = a
            layers.append(L.Conv2DTranspose(2, k, strides=s, padding=padding, output_padding=op))
        elif kind == "up":
            layers.append(L.UpSampling2D(a[0]))
    model = keras.Sequential([keras.Input((n, n, 1))] + layers)
    rng = np.random.default_rng(0)
    for layer in model.layers:
        if isinstance(layer, (L.Conv2D, L.Conv2DTranspose)):
            kernel, bias = layer.get_weights()
            layer.set_weights([rng.standard_normal(kernel.shape).astype("float32"), np.zeros_like(bias)])
    return model


def empirical_rows(model, n, pixels, seed=0):
    """{o: (min_row, max_row)} of the input rows that influence output pixel (o, o, channel 0)."""
    x = tf.constant(np.random.default_rng(seed).standard_normal((DRAWS, n, n, 1)).astype("float32"))
    result = {}
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = model(x)
        targets = {o: tf.reduce_sum(y[:, o, o, 0]) for o in pixels}
    for o, t in targets.items():
        g = tape.gradient(t, x).numpy()
        rows = np.flatnonzero(np.abs(g).sum(axis=(0, 2, 3)) > 0)
        result[o] = (rows.min(), rows.max()) if rows.size else None
    return result


CASES = [
    ([("conv", 3, 2, "valid", 1), ("max", 2, 2, "valid")], 33),          # the flagship: 5x5
    ([("conv", 3, 1, "valid", 1)] * 3, 20),
    ([("conv", 3, 1, "same", 1), ("conv", 3, 1, "same", 1)], 20),
    ([("conv", 5, 2, "same", 1), ("max", 3, 2, "same"), ("conv", 3, 1, "valid", 1)], 40),
    ([("conv", 5, 2, "same", 1), ("max", 3, 2, "same"), ("conv", 3, 1, "valid", 1)], 41),
    ([("conv", 4, 2, "same", 1), ("conv", 4, 2, "same", 1)], 31),
    ([("conv", 3, 1, "valid", 2), ("conv", 3, 1, "valid", 4)], 32),
    ([("conv", 3, 1, "same", 3), ("avg", 2, 2, "same")], 25),
    ([("conv", 3, 2, "valid", 1), ("avg", 3, 2, "valid"), ("conv", 2, 1, "valid", 1)], 40),
    ([("conv", 3, 2, "valid", 1), ("tconv", 4, 2, "valid", None)], 24),
    ([("tconv", 3, 2, "valid", None), ("conv", 3, 1, "valid", 1)], 16),
    ([("tconv", 5, 2, "valid", None)], 12),
    ([("tconv", 3, 2, "same", None)], 12),
    ([("tconv", 4, 2, "same", 1), ("conv", 3, 1, "same", 1)], 12),
    ([("conv", 3, 2, "same", 1), ("tconv", 3, 2, "same", 1), ("max", 2, 2, "valid")], 24),
    ([("tconv", 3, 3, "valid", None), ("tconv", 2, 2, "valid", None), ("conv", 5, 1, "valid", 1)], 6),
    ([("up", 2), ("conv", 3, 1, "valid", 1)], 12),
    ([("conv", 3, 1, "valid", 1), ("tconv", 2, 3, "valid", 0), ("conv", 2, 1, "valid", 1)], 10),
]


@pytest.mark.parametrize("spec, n", CASES, ids=[str(i) for i in range(len(CASES))])
def test_receptive_field_matches_gradient_measurement(spec, n):
    model = build(spec, n)
    rf = receptive_field(model)
    m = model.output_shape[1]
    period = math.prod(a[1] if k == "tconv" else a[0] for k, *a in spec if k in ("tconv", "up"))
    middle = list(range(m // 2 - period // 2, m // 2 - period // 2 + period))
    rows = empirical_rows(model, n, sorted({0, *middle, middle[0] + period}))

    # size: the largest field among interior output pixels (one period of the pattern)
    extents = []
    for o in middle:
        if rows[o] is not None:
            lo, hi = rows[o]
            assert 0 < lo and hi < n - 1, "interior pixel's field was clipped; use a larger n"
            extents.append(hi - lo + 1)
    assert rf.size == max(extents)

    # jump: moving one period of output pixels moves the field by period * jump input pixels
    a = middle[0]
    assert rows[a + period][0] - rows[a][0] == rf.jump * period

    # start: centre of the first output pixel's field (padding may clip it on the left)
    lo, hi = rows[0]
    if period == 1:
        assert hi == rf.start + (rf.size - 1) / 2
        assert lo == max(0, rf.start - (rf.size - 1) / 2)
    elif lo > 0:
        assert (lo + hi) / 2 == rf.start
    else:
        assert 2 * rf.start - hi <= 0  # its left end lies in the padding


def test_flagship_model_is_5x5():
    model = build([("conv", 3, 2, "valid", 1), ("max", 2, 2, "valid")], 28)
    assert receptive_field(model) == ReceptiveField(size=5, jump=4, start=2)
    assert receptive_field(model) == receptive_field([(3, 2), (2, 2)])


def test_transposed_conv_rules():
    # stride s divides the jump; each output sees ceil(k/s) (or floor(k/s)) inputs
    model = build([("tconv", 5, 2, "valid", None)], 8)
    # output 0 sees inputs i with 2i in [0-4, 0]: i in [-2, 0] (a valid transposed conv
    # is a conv over the input zero-padded by k-1), so its centre is -1.
    assert receptive_field(model) == ReceptiveField(size=3, jump=0.5, start=-1)


def test_layers_that_keep_geometry_are_skipped():
    spec = [("conv", 3, 2, "valid", 1), L.BatchNormalization(), L.ReLU(), L.Dropout(0.5),
            L.Activation("relu"), L.LeakyReLU(), ("max", 2, 2, "valid")]
    assert receptive_field(build(spec, 28)) == ReceptiveField(size=5, jump=4, start=2)


def test_unsupported_layer_and_non_square_geometry():
    model = keras.Sequential([keras.Input((28, 28, 1)), L.Conv2D(2, 3), L.Flatten(), L.Dense(3)])
    with pytest.raises(ValueError, match="지원하지 않는"):
        receptive_field(model)
    model = keras.Sequential([keras.Input((28, 28, 1)), L.Conv2D(2, (3, 5)), L.MaxPooling2D(2)])
    with pytest.raises(ValueError, match="axis"):
        receptive_field(model)
    assert receptive_field(model, axis=0) == receptive_field([(3, 1), (2, 2)])
    assert receptive_field(model, axis=1) == receptive_field([(5, 1), (2, 2)])


def test_conv1d_model():
    model = keras.Sequential([keras.Input((50, 1)), L.Conv1D(2, 3, strides=2), L.MaxPooling1D(2),
                              L.Conv1D(2, 3, padding="causal")])
    rf = receptive_field(model)
    assert (rf.size, rf.jump) == (13, 4)
    # causal: the last conv pads 2 on the left, at jump 4 -> u0 = -8; start = u0 + (13 - 1) / 2
    assert rf.start == -2 * 4 + (13 - 1) / 2


def test_zero_padding_and_cropping_shift_the_start():
    def rf(*layers):
        return receptive_field(keras.Sequential([keras.Input((12, 12, 1)), *layers]))

    assert rf(L.ZeroPadding2D(1), L.Conv2D(1, 3)) == rf(L.Conv2D(1, 3, padding="same"))
    assert rf(L.ZeroPadding2D(1), L.Conv2D(1, 3)) == ReceptiveField(size=3, jump=1, start=0)
    assert rf(L.Cropping2D(1), L.Conv2D(1, 3)) == ReceptiveField(size=3, jump=1, start=2)
    assert rf(L.Conv2D(1, 3), L.UpSampling2D(2)) == ReceptiveField(size=3, jump=0.5, start=1)

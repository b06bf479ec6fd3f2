"""Everyone their own numbers (issue 29): every variant of the converted number exercises (2-1~2-3, 4-1~4-3;
1-1, 1-2, 1-4, 3-1~3-3; 5-6, 5-7, 7-1~7-3; 6-2, 6-5, 6-8).

For the variants of many students (every distinct one among :data:`IDS`): the answer exists and equals what
Keras says (a real layer or model built with those numbers: parameter counts, output shapes, receptive fields of
a valid model) and what a brute-force count says; the ranges keep the book's steps (strides above 1, kernels
above 1, windows that do not divide the side...); and the hints still name, for that variant, the mistakes they
name for variant 0, each of which differs from the right answer. Two ids give different numbers on at least 80 %
of the exercises; a notebook with a 학번 checks with that 학번's numbers (a real kernel); practice questions are
fresh and checked with the same hints.
"""

from __future__ import annotations

import numpy as np
import pytest

from _keras_helpers import keras  # noqa: F401  (TensorFlow's environment: tests/conftest.py)
from course_utils.exercises import REGISTRY, ExerciseCheckError, _variants, ch01, ch02, ch03, ch04, ch06, exact, load_all
from notebook_helpers import execute

load_all()
CONVERTED = ("2-1", "2-2", "2-3", "4-1", "4-2", "4-3", "6-2", "6-5", "6-8")
CONVERTED += ("1-1", "1-2", "1-4", "3-1", "3-2", "3-3")   # chapters 1 and 3
#: Student ids whose variants are checked (school-style 학번).
IDS = [f"2024{i:04d}" for i in range(600)]


def distinct_variants(number: str) -> list:
    """The distinct numbers of exercise ``number`` over :data:`IDS`, the book's first."""
    exercise = REGISTRY[number]
    seen, found = set(), []
    for student in [None] + IDS:
        n = _variants.numbers_for(exercise.variants, number, student)
        if n.key() not in seen:
            seen.add(n.key())
            found.append(n)
    return found


CONVERTED += ("5-6", "5-7", "7-1", "7-2", "7-3")  # chapters 5 and 7
VARIANTS = {number: distinct_variants(number) for number in CONVERTED}


def test_the_converted_exercises_declare_variants_and_the_book_is_variant_0():
    for number in CONVERTED:
        exercise = REGISTRY[number]
        assert exercise.variants is not None, number
        assert VARIANTS[number][0].book and len(VARIANTS[number]) >= 20, (number, len(VARIANTS[number]))
        assert exact(exercise.expected(VARIANTS[number][0]), exercise.expected()), number  # no id: the book's
    assert ch02.box_params() == (8, 18) and ch04.rf_conv_pool() == 13 and ch04.rf_stacks() == (16, 19)


def _hint(number, value, n) -> str:
    with pytest.raises(ExerciseCheckError) as error:
        REGISTRY[number].check_value(value, numbers=n)
    return str(error.value)


def _dense(in_dim, units, use_bias=True):
    layer = keras.layers.Dense(units, use_bias=use_bias)
    layer.build((None, in_dim))
    return layer.count_params()


# --------------------------------------------------------------------------- chapter 1


def test_1_1_and_1_2_every_variant():
    for n in VARIANTS["1-1"] + VARIANTS["1-2"]:
        minutes, fps, width, height = n.minutes, n.fps, n.width, n.height
        assert minutes >= 60 and fps >= 24 and width > height, n        # a real film; H and W cannot be confused
        frames = minutes * 60 * fps
        film = np.broadcast_to(np.uint8(0), (frames, 1, height, width))  # never allocated
        right = ch01.film_shape(n)
        assert right == film.shape and frames not in (minutes, minutes * 60), n
        REGISTRY["1-1"].check_value(right, numbers=n)
        assert "'너비x높이'" in _hint("1-1", (frames, 1, width, height), n) and f"{width}x{height}" in _hint(
            "1-1", (frames, 1, width, height), n)
        assert f"1초에 {fps}프레임" in _hint("1-1", (minutes * 60, 1, height, width), n)
        assert "채널 수" in _hint("1-1", (frames, 3, height, width), n)
        sizes = ch01.film_bytes(n)
        assert sizes == (film.nbytes, np.broadcast_to(np.float32(0), film.shape).nbytes), n
        REGISTRY["1-2"].check_value(sizes, numbers=n)
        assert "4바이트" in _hint("1-2", (film.nbytes, film.nbytes), n)
        assert "원소 수" in _hint("1-2", (film.nbytes // fps, 4 * film.nbytes // fps), n)
        if n.book:
            assert "연습 1-1의 영화" in REGISTRY["1-2"].variants.prompt(n)


def test_1_4_every_variant():
    for n in VARIANTS["1-4"]:
        c, r, f = n.companies, n.people, n.fields
        assert c >= 2 and len({c, r, f}) == 3, n                        # the axis order always matters
        right = ch01.stacked_shape(n)
        assert right == np.stack([np.zeros((r, f))] * c).shape == (c, r, f), n
        REGISTRY["1-4"].check_value(right, numbers=n)
        assert "새 축" in _hint("1-4", np.concatenate([np.zeros((r, f))] * c).shape, n)
        assert "축의 순서" in _hint("1-4", (r, f, c), n)
        assert f"({r}, {f})" in _hint("1-4", (c, r + 1, f), n)


# --------------------------------------------------------------------------- chapter 2


def test_2_1_every_variant():
    for n in VARIANTS["2-1"]:
        d, p, h = n.dim, n.points, n.hidden
        assert d in (2, 3) and p >= 4 and p != d and h >= 2, n   # points, coordinates and a hidden width of 2+
        two = keras.Sequential([keras.Input((p, d)), keras.layers.Dense(1), keras.layers.Reshape((p,)),
                                keras.layers.Dense(1)])
        three = keras.Sequential([keras.Input((p, d)), keras.layers.Dense(h), keras.layers.Dense(1),
                                  keras.layers.Reshape((p,)), keras.layers.Dense(1)])
        right = ch02.box_params(n)
        assert right == (two.count_params(), three.count_params()) == (d + 1 + p + 1, d * h + h + h + 1 + p + 1), n
        REGISTRY["2-1"].check_value(right, numbers=n)
        no_bias = (d + p, d * h + h + p)
        one_bias_per_layer = (right[0], no_bias[1] + 3)
        assert len({right, no_bias, one_bias_per_layer}) == 3, n
        assert "편향(bias)을 빠뜨렸습니다" in _hint("2-1", no_bias, n)
        assert "units" in _hint("2-1", one_bias_per_layer, n)


def test_2_2_every_variant():
    for n in VARIANTS["2-2"]:
        a, b, c = n.units
        assert n.inputs >= 256 and a > b > c > 1, n
        model = keras.Sequential([keras.Input((n.inputs,)), keras.layers.Dense(a),
                                  keras.layers.Dense(b, use_bias=False), keras.layers.Dense(c)])
        right = ch02.stack_params(n)
        assert right == tuple(layer.count_params() for layer in model.layers) == (
            n.inputs * a + a, a * b, b * c + c), n
        REGISTRY["2-2"].check_value(right, numbers=n)
        assert f"편향({a}개)" in _hint("2-2", (n.inputs * a, right[1], right[2]), n)
        assert "use_bias=False" in _hint("2-2", (right[0], a * b + b, right[2]), n)
        assert f"편향({c}개)" in _hint("2-2", (right[0], right[1], b * c), n)


def test_2_3_every_variant():
    for n in VARIANTS["2-3"]:
        batch, steps, features = n.batch
        u1, u2 = n.units
        assert len({batch, steps, features}) == 3 and len({features, u1, u2}) == 3, n  # the last axis always changes
        first = keras.layers.Dense(u1).compute_output_shape((batch, steps, features))
        second = keras.layers.Dense(u2).compute_output_shape(first)
        right = ch02.stack_shapes(n)
        assert right == (tuple(first), tuple(second)) == ((batch, steps, u1), (batch, steps, u2)), n
        REGISTRY["2-3"].check_value(right, numbers=n)
        assert "펼치지" in _hint("2-3", ((batch, u1), (batch, u2)), n)
        assert "units" in _hint("2-3", ((batch, steps, features), right[1]), n)
        assert f"배치 축({batch})" in _hint("2-3", ((u1, steps, u1), right[1]), n)


# --------------------------------------------------------------------------- chapter 4


def brute_receptive_field(layers) -> int:
    """The receptive field counted by following input indices (no formula): ``[(kernel, stride[, dilation])]``."""
    reach = {0}
    for layer in reversed(layers):
        k, s, d = (tuple(layer) + (1,))[:3]
        reach = {p * s + j * d for p in reach for j in range(k)}
    return max(reach) - min(reach) + 1


def _keras_model(layers, side=ch04.KERAS_SIDE):
    built = []
    for layer in layers:
        kind, k, s, d = layer
        built.append(keras.layers.MaxPooling2D(k) if kind == "pool" else
                     keras.layers.Conv2D(1, k, strides=s, dilation_rate=d))
    model = keras.Sequential([keras.Input((side, side, 1))] + built)
    assert all(dim >= 1 for dim in model.output_shape[1:3]), model.output_shape  # every layer valid
    return model


def test_4_1_every_variant():
    from course_utils.shapes import receptive_field

    for n in VARIANTS["4-1"]:
        (k, s), p, last = n.conv, n.pool, n.last
        assert k > s > 1 and p > 1 and last > 1, n           # strides above 1, no kernel 1
        layers = ch04.conv_pool_layers(n)
        model = _keras_model([("conv", k, s, 1), ("pool", p, p, 1), ("conv", last, 1, 1)])
        right = ch04.rf_conv_pool(n)
        assert right == receptive_field(model).size == brute_receptive_field(layers), n
        REGISTRY["4-1"].check_value(right, numbers=n)
        two_layers = brute_receptive_field(layers[:-1])
        no_jump = 1 + (k - 1) + (p - 1) + (last - 1)
        assert len({right, two_layers, no_jump}) == 3, n
        assert "두 레이어까지" in _hint("4-1", two_layers, n)
        assert "stride 곱" in _hint("4-1", no_jump, n)
        assert "한 변의 길이" in _hint("4-1", right * right, n)
        if n.book:
            assert "4.6절 풀이" in _hint("4-1", two_layers, n)


def test_4_2_every_variant():
    from course_utils.shapes import receptive_field

    for n in VARIANTS["4-2"]:
        k, c, p, kb, dilations = n.a_kernel, n.a_convs, n.a_pool, n.b_kernel, n.b_dilations
        assert k > 1 and p > 1 and kb > 1 and dilations[0] == 1 < dilations[1] < dilations[2], n
        block = [("conv", k, 1, 1)] * c + [("pool", p, p, 1)]
        a_model = _keras_model(block * 2)
        b_model = _keras_model([("conv", kb, 1, d) for d in dilations])
        stack_a, stack_b = ch04.stack_layers(n)
        right = ch04.rf_stacks(n)
        assert right == (receptive_field(a_model).size, receptive_field(b_model).size) == (
            brute_receptive_field(stack_a), brute_receptive_field(stack_b)), n
        REGISTRY["4-2"].check_value(right, numbers=n)
        no_dilation = 1 + 3 * (kb - 1)
        no_jump = 1 + sum(kernel - 1 for kernel, _s in stack_a)
        assert no_dilation != right[1] and no_jump != right[0], n
        assert "dilation" in _hint("4-2", (right[0], no_dilation), n)
        assert "stride" in _hint("4-2", (no_jump, right[1]), n)


def test_4_3_every_variant():
    for n in VARIANTS["4-3"]:
        (first, k1, _s1, _), (second, k2, s2, _), (third, k3, _s3, pad3) = n.pools
        assert first[0] % k1 and third[0] % k3 and pad3 == "same", n      # the window does not divide the side
        assert 1 < s2 < k2 and (second[0] - k2) % s2, n                    # overlapping, the last step does not fit
        assert (second[0] - k2) // s2 != (second[0] - k2) // k2, n         # and forgetting the stride changes it
        expected = tuple(tuple(keras.layers.MaxPooling2D(k, strides=s, padding=pad).compute_output_shape(
            (1,) + tuple(shape))[1:]) for shape, k, s, pad in n.pools)
        right = ch04.pool_shapes(n)
        assert right == expected, n
        REGISTRY["4-3"].check_value(right, numbers=n)
        h1, h3 = first[0], third[0]
        same_first = (-(-h1 // k1), -(-h1 // k1), first[2])
        valid_third = ((h3 - k3) // k3 + 1, (h3 - k3) // k3 + 1, third[2])
        assert same_first != right[0] and valid_third != right[2], n
        assert "버립니다" in _hint("4-3", (same_first, right[1], right[2]), n)
        assert "'same'" in _hint("4-3", (right[0], right[1], valid_third), n)
        assert "채널" in _hint("4-3", ((right[0][0], right[0][1], first[2] + 1), right[1], right[2]), n)


# --------------------------------------------------------------------------- chapter 6


def test_6_2_every_variant():
    for n in VARIANTS["6-2"]:
        latent, c, f, k = n.latent, n.channels, n.filters, n.kernel_size
        assert k > 1 and 1 < f < c and latent > 1, n                       # every layer has weights, no kernel 1
        model = keras.Sequential([
            keras.Input((latent,)), keras.layers.Dense(7 * 7 * c), keras.layers.LeakyReLU(),
            keras.layers.BatchNormalization(), keras.layers.Reshape((7, 7, c)), keras.layers.UpSampling2D(),
            keras.layers.Conv2D(f, k, padding="same"), keras.layers.BatchNormalization(), keras.layers.LeakyReLU(),
            keras.layers.UpSampling2D(), keras.layers.Conv2D(1, k, padding="same", activation="tanh")])
        assert model.output_shape == (None, 28, 28, 1), n
        right = ch06.generator_params(n)
        assert right == model.count_params(), n
        REGISTRY["6-2"].check_value(right, numbers=n)
        bn = sum(layer.count_params() for layer in model.layers if isinstance(layer, keras.layers.BatchNormalization))
        trained_only = sum(int(np.prod(w.shape)) for w in model.trainable_weights)
        assert bn > 0 and trained_only == right - bn // 2, n                # BatchNormalization is counted
        assert "이동 평균" in _hint("6-2", trained_only, n)
        assert "BatchNormalization 레이어에도" in _hint("6-2", right - bn, n)
        assert "Conv2D 레이어의 편향" in _hint("6-2", right - f - 1, n)
        assert f"첫 Dense 레이어({latent} → 7×7×{c})" in _hint("6-2", 1000, n)


def test_6_5_every_variant():
    for n in VARIANTS["6-5"]:
        side, (f1, f2), k = n.side, n.filters, n.kernel_size
        assert side % 4 == 0 and k > 1 and f2 > f1 > 1, n
        def model(stride):
            return keras.Sequential([keras.Input((side, side, 1)), keras.layers.Conv2D(f1, k, strides=stride, padding="same"),
                                     keras.layers.Conv2D(f2, k, strides=stride, padding="same"), keras.layers.Flatten(),
                                     keras.layers.Dense(1)])
        stride1, stride2 = model(1), model(2)
        right = ch06.stride1_dense_params(n)
        assert right == stride1.layers[-1].count_params() == side * side * f2 + 1, n
        assert stride1.layers[0].count_params() == stride2.layers[0].count_params(), n  # stride does not change a kernel
        REGISTRY["6-5"].check_value(right, numbers=n)
        kept = stride2.layers[-1].count_params()                      # the stride-2 discriminator's Dense(1)
        assert kept != right and stride2.layers[1].output.shape[1] == side // 4, n   # the stride's consequence shows
        assert "stride 1에 padding='same'이면" in _hint("6-5", kept, n) and f"{side}×{side}입니다" in _hint("6-5", kept, n)
        assert "stride 1에 padding='same'이면" in _hint("6-5", (side // 2) ** 2 * f2 + 1, n)
        assert "편향" in _hint("6-5", right - 1, n)
        assert f"두 번째 합성곱의 필터 수({f2}개)" in _hint("6-5", side * side * f1 + 1, n)
        assert "stride와 상관없이" in _hint("6-5", stride1.layers[1].count_params(), n)


def test_6_8_every_variant():
    from course_utils.gan import build_conditional_generator, sample_noise

    for n in VARIANTS["6-8"]:
        batch, latent = n.batch, n.latent
        assert batch > 1 and latent > ch06.NUM_DIGITS, n
        if n.book or latent not in {m.latent for m in VARIANTS["6-8"][:VARIANTS["6-8"].index(n)]}:
            generator = build_conditional_generator(latent)       # a real model once per noise length
            part = keras.Model(generator.input, generator.get_layer("noise_and_digit").output)
            joined = tuple(part(sample_noise(batch, latent)).shape)
            assert ch06.cond_input_shape(n) == joined, n          # the one-hot part is there
        right = ch06.cond_input_shape(n)
        assert right == (batch, latent + 10), n
        REGISTRY["6-8"].check_value(right, numbers=n)
        assert "노이즈만" in _hint("6-8", (batch, latent), n)
        assert "one-hot 벡터(" in _hint("6-8", (batch, latent + 1), n)
        assert "one-hot 벡터만" in _hint("6-8", (batch, 10), n)
        assert "순서" in _hint("6-8", (latent + 10, batch), n)


# --------------------------------------------------------------------------- chapter 3


def test_3_1_every_variant():
    from course_utils.params import conv2d_params

    for n in VARIANTS["3-1"]:
        (h, w, c), f, k, s = n.image, n.filters, n.kernel_size, n.stride
        assert k > s > 1 and h != w and c == 3 and f != c, n              # a real stride, a kernel above 1
        layer = keras.layers.Conv2D(filters=f, kernel_size=k, strides=s)
        layer.build((None, h, w, c))
        right = ch03.big_conv(n)
        assert right == (tuple(layer.compute_output_shape((1, h, w, c))[1:]), layer.count_params()), n
        REGISTRY["3-1"].check_value(right, numbers=n)
        (oh, ow, _f), params = right
        same = tuple(keras.layers.Conv2D(f, k, strides=s, padding="same").compute_output_shape((1, h, w, c))[1:3])
        assert same != (oh, ow), n
        assert "높이와 너비가 바뀌었습니다" in _hint("3-1", ((ow, oh, f), params), n)
        assert "'same'" in _hint("3-1", (same + (f,), params), n)
        assert "필터 수" in _hint("3-1", ((oh, ow, c), params), n)
        assert "편향" in _hint("3-1", ((oh, ow, f), params - f), n)
        assert "입력 채널을 빠뜨렸습니다" in _hint("3-1", ((oh, ow, f), conv2d_params(1, f, k)), n)


def _conv_stack(n):
    model = keras.Sequential([keras.Input(tuple(n.input))] + [
        keras.layers.Conv2D(f, k, strides=s, padding=p) for f, k, s, p in n.layers])
    assert all(dim >= 1 for dim in model.output_shape[1:3]), model.output_shape  # every layer valid
    return model


def test_3_2_and_3_3_every_variant():
    for n in VARIANTS["3-2"] + VARIANTS["3-3"]:
        (side, _, c0), ((f1, k1, s1, p1), (f2, k2, s2, p2), (f3, k3, s3, p3)) = n.input, n.layers
        assert (s1, p1, p2, k3, s3, p3) == (1, "valid", "same", 1, 1, "valid") and k1 > 1 and k2 > 1 and s2 > 1, n
        assert len({c0, f1, f2, f3}) == 4, n
        model = _conv_stack(n)
        shapes, params = ch03.conv_shapes(n), ch03.conv_params(n)
        assert shapes == tuple(tuple(layer.output.shape[1:]) for layer in model.layers), n
        assert params == tuple(layer.count_params() for layer in model.layers), n
        REGISTRY["3-2"].check_value(shapes, numbers=n)
        REGISTRY["3-3"].check_value(params, numbers=n)
        n1 = shapes[0][0]
        valid2 = (n1 - k2) // s2 + 1
        assert valid2 != shapes[1][0], n                                    # 'same' and 'valid' differ here
        assert "'same'" in _hint("3-2", (shapes[0], (valid2, valid2, f2), (valid2, valid2, f3)), n)
        assert "valid" in _hint("3-2", ((side, side, f1),) + shapes[1:], n)
        assert f"stride가 {s2}" in _hint("3-2", (shapes[0], (n1, n1, f2), (n1, n1, f3)), n)
        assert "1x1" in _hint("3-2", shapes[:2] + ((n1, n1, f3),), n)
        no_bias = tuple(p - f for p, f in zip(params, (f1, f2, f3)))
        assert "1번째 레이어: 편향" in _hint("3-3", no_bias, n)
        assert "입력 채널 축" in _hint("3-3", (params[0], k2 * k2 * f2 + f2, params[2]), n)
        if c0 > 1:
            assert "입력 채널 축" in _hint("3-3", (k1 * k1 * f1 + f1,) + params[1:], n)


# --------------------------------------------------------------------------- chapters 5 and 7

from course_utils.exercises import ch05, ch07  # noqa: E402  (chapters 5 and 7's block)


def test_5_6_every_variant():
    """Every size against a real Conv2DTranspose (its output shape; a forward pass for the first variants)."""
    import numpy as np

    for index, n in enumerate(VARIANTS["5-6"]):
        (a, b, c, d) = n.cases
        assert [case[3] for case in n.cases] == ["valid", "same", "valid", "valid"], n
        assert a[1] > a[2] > 1 and c[1] > c[2] >= 3 and d[1] > d[2] > 1, n      # valid: k > s > 1, (c) stride 3+
        assert b[2] > 1 and b[1] > 1 and b[1] != b[2], n                       # same: the valid formula differs
        assert a[4] is None and b[4] is None and c[4] is None and 1 <= d[4] < d[2], n
        right = ch05.transpose_sizes(n)
        keras_sizes = []
        for size, k, s, padding, op in n.cases:
            layer = keras.layers.Conv2DTranspose(1, k, strides=s, padding=padding, output_padding=op)
            keras_sizes.append(int(layer.compute_output_shape((1, size, size, 1))[1]))
            if index < 25:
                assert tuple(layer(np.zeros((1, size, size, 1), "float32")).shape) == (1,) + (keras_sizes[-1],) * 2 + (1,)
        assert right == tuple(keras_sizes), n
        REGISTRY["5-6"].check_value(right, numbers=n)
        shrunk = (a[0] - a[1]) // a[2] + 1
        assert "크기가 줄었습니다" in _hint("5-6", (shrunk,) + right[1:], n)
        assert "입력 × stride" in _hint("5-6", (right[0], (b[0] - 1) * b[2] + b[1]) + right[2:], n)
        assert "output_padding만큼" in _hint("5-6", right[:3] + ((d[0] - 1) * d[2] + d[1],), n)


def _transpose_ae_sizes(side: int) -> list:
    """The sizes after each of 5.6's 12 layers, from a real Keras model on a side x side input."""
    L = keras.layers
    x = keras.Input((side, side, 1))
    sizes = []
    for layer in [L.Conv2D(16, 3), L.MaxPooling2D(2), L.Conv2D(8, 3), L.MaxPooling2D(2), L.Conv2D(4, 3),
                  L.Conv2DTranspose(4, 3, padding="same"), L.UpSampling2D(2), L.Conv2DTranspose(8, 3, padding="same"),
                  L.UpSampling2D(2), L.Conv2DTranspose(16, 3), L.UpSampling2D(2),
                  L.Conv2DTranspose(1, 3, padding="same")]:
        x = layer(x)
        assert x.shape[1] == x.shape[2] and x.shape[1] >= 1
        sizes.append(int(x.shape[1]))
    return sizes


def test_5_7_every_variant():
    """Every trace against a real Keras model; each keeps an odd size that a valid pooling rounds down, and misses
    the side it started from (the balance holds for 28 only)."""
    for n in VARIANTS["5-7"]:
        side = n.input
        right = ch05.trace(n)
        assert right == _transpose_ae_sizes(side), n
        assert side != 28 and right[-1] != side and min(right) >= 2, n
        assert (side - 2) % 2 == 1 or right[2] % 2 == 1, n                       # a pooling rounds an odd size down
        REGISTRY["5-7"].check_value(list(right), numbers=n)
        with pytest.raises(ExerciseCheckError, match="리스트"):
            REGISTRY["5-7"].check_value(tuple(right), numbers=n)
        assert f"{side}x{side} 입력으로" in _hint("5-7", ch05.trace(28), n)
        assert f"입력({side})은 빼고" in _hint("5-7", [side] + right, n)
        assert "내림" in _hint("5-7", ch05._trace_with(side, "pool"), n)
        assert "valid" in _hint("5-7", ch05._trace_with(side, "conv"), n)
        assert "k-1" in _hint("5-7", ch05._trace_with(side, "tconv"), n)
    assert _transpose_ae_sizes(28)[-1] == 28 and ch05.trace(28)[-1] == 28


def test_7_1_every_variant():
    for n in VARIANTS["7-1"]:
        pixels, code = n.side ** 2, n.code
        assert code != ch07.CODE and code > 1 and pixels > code, n
        inputs = keras.Input((pixels,))
        model = keras.Model(inputs, keras.layers.Dense(pixels)(keras.layers.Dense(code)(inputs)))
        right = ch07.param_count(n)
        assert right == model.count_params() == 2 * pixels * code + pixels + code, n
        REGISTRY["7-1"].check_value(right, numbers=n)
        assert "bias도 더하세요" in _hint("7-1", 2 * pixels * code, n)
        assert "한쪽만" in _hint("7-1", pixels * code + code, n)
        assert "출력 유닛 수" in _hint("7-1", 2 * pixels * code + 2 * code, n)
        assert f"코드 길이를 {code}로" in _hint("7-1", 2 * pixels * 36 + pixels + 36, n)


def test_7_2_every_variant():
    """The code of every variant is what a real conv encoder (two 'same' stride-2 convs) gives; the ratio counts
    every axis; each named mistake gets its hint."""
    import math

    for n in VARIANTS["7-2"]:
        (side, _w, channels), (code_side, _cw, maps) = n.input, n.code
        image = keras.Input(n.input)
        code = keras.layers.Conv2D(maps, 3, strides=2, padding="same")(
            keras.layers.Conv2D(8, 3, strides=2, padding="same")(image))
        assert tuple(code.shape[1:]) == tuple(n.code) and channels == 1 and maps >= 2, n
        right = ch07.compression_ratio(n)
        assert right == math.prod(image.shape[1:]) / math.prod(code.shape[1:]) and right >= 1.5, n
        assert abs(round(right) - right) >= 0.01 and abs(round(right, 1) - right) >= 0.01, n   # not whole, not 1 decimal
        REGISTRY["7-2"].check_value(right, numbers=n)
        assert f"지도 {maps}장을 빠뜨렸습니다" in _hint("7-2", side * side / code_side ** 2, n)
        assert "한 변의 길이만" in _hint("7-2", side / code_side, n)
        assert "거꾸로" in _hint("7-2", 1 / right, n)
        assert "정수 나눗셈" in _hint("7-2", (side * side) // (code_side * code_side * maps), n)
        assert "소수 첫째 자리" in _hint("7-2", math.floor(right * 10) / 10, n)


def test_7_3_every_variant():
    import numpy as np

    for n in VARIANTS["7-3"]:
        b, side, units = n.batch, n.side, n.units
        assert len({b, side, units}) == 3, n
        dense = keras.layers.Dense(units, activation="relu")
        out = dense(np.zeros((b, side, side), "float32"))
        right = ch07.unflattened_dense(n)
        assert right == (tuple(out.shape), dense.count_params()) == ((b, side, units), side * units + units), n
        REGISTRY["7-3"].check_value(right, numbers=n)
        assert "펼치지 않습니다" in _hint("7-3", ((b, units), side * side * units + units), n)
        assert "bias" in _hint("7-3", (right[0], side * units), n)
        assert f"{side * side}개를" in _hint("7-3", (right[0], side * side * units + units), n)
        assert "배치 크기" in _hint("7-3", ((b + 1, side, units), right[1]), n)


# --------------------------------------------------------------------------- ids, notebooks, practice


def test_two_ids_give_different_numbers_on_at_least_80_percent_of_the_exercises():
    shares = []
    for i in range(0, len(IDS), 2):  # neighbouring 학번s, as in a class list
        a, b = IDS[i], IDS[i + 1]
        differ = sum(_variants.numbers_for(REGISTRY[n].variants, n, a).key()
                     != _variants.numbers_for(REGISTRY[n].variants, n, b).key() for n in CONVERTED)
        shares.append(differ / len(CONVERTED))
        assert shares[-1] >= 0.8, (a, b, differ)
    assert sum(shares) / len(shares) >= 0.95, sum(shares) / len(shares)


def test_the_seed_is_a_stable_hash_of_the_id_and_the_exercise():
    import hashlib

    assert _variants.seed_of("20240001", "2-1") == int.from_bytes(
        hashlib.sha256(b"20240001/2-1").digest()[:8], "big")
    with pytest.raises(ValueError, match="학번"):
        _variants.set_student_id("2024 0001")


def test_a_notebook_with_an_id_checks_with_that_id_s_numbers(tmp_path):
    """A real kernel: the id cell, the printed prompt, and check() with that 학번's numbers (as on Colab)."""
    import nbformat

    student = "20240007"
    n = _variants.numbers_for(REGISTRY["2-2"].variants, "2-2", student)
    assert not n.book
    mine, book = ch02.stack_params(n), ch02.stack_params()
    cells = [f'STUDENT_ID = "{student}"\nfrom course_utils.exercises import set_student_id\nset_student_id(STUDENT_ID)',
             'from course_utils.exercises import show\nshow("2-2")',
             f"stack_params = {mine!r}",
             'from course_utils.exercises import check\ncheck("2-2")',
             f"stack_params = {book!r}\ntry:\n    check(\"2-2\")\nexcept AssertionError as error:\n    print('거절:', error)"]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    out = execute(nb, tmp_path)
    text = ["".join(o.get("text", "") for o in c.outputs) for c in out.cells]
    assert f"학번 {student}" in text[0]
    assert f"Dense({n.units[0]})" in text[1] and f"shape=({n.inputs},)" in text[1]
    assert "통과" in text[3]
    assert "거절:" in text[4] and "통과" not in text[4]


def test_practice_gives_fresh_numbers_checked_with_the_same_hints(capsys):
    before = _variants.current_student_id()
    questions = [_variants.practice("2-2") for _ in range(5)]
    assert len({q.numbers.key() for q in questions}) > 1          # fresh numbers each time
    q = questions[0]
    a, b, c = q.numbers.units
    assert q.check(ch02.stack_params(q.numbers))
    assert not q.check((q.numbers.inputs * a, a * b, b * c + c))
    shown = capsys.readouterr().out
    assert f"편향({a}개)" in shown and "연습용" in shown and "채점하지 않음" in shown
    assert _variants.current_student_id() == before                  # never touches the notebook's numbers
    again = _variants.practice("4-1", seed=7)
    assert again.numbers == _variants.practice("4-1", seed=7).numbers
    with pytest.raises(ValueError, match="숫자가 바뀌는 문제가 아니"):
        _variants.practice("2-4")


def test_the_instructor_guide_s_worked_example_is_what_the_grader_computes():
    from notebook_helpers import ROOT

    guide = (ROOT / "book" / "instructor_guide.md").read_text(encoding="utf-8")
    n = _variants.numbers_for(REGISTRY["2-2"].variants, "2-2", "20240002")
    a, b, c = n.units
    assert f"`Input({n.inputs})` →\n`Dense({a})` → `Dense({b}, use_bias=False)` → `Dense({c})`" in guide
    assert f"`{ch02.stack_params(n)!r}`" in guide
    assert _variants.numbers_for(REGISTRY["2-2"].variants, "2-2", "20240001").key() != n.key()


@pytest.mark.parametrize("number", CONVERTED)
def test_the_typical_mistakes_are_wrong_and_hinted_for_every_variant(number):
    exercise = REGISTRY[number]
    for n in VARIANTS[number]:
        right = exercise.expected(n)
        mistakes = exercise.variants.mistakes(n)
        assert mistakes, (number, n)
        for wrong in mistakes:
            assert not exact(wrong, right), (number, n, wrong)
            with pytest.raises(ExerciseCheckError) as error:
                exercise.check_value(wrong, numbers=n)
            assert error.value.kind == "hint", (number, n, wrong, str(error.value))


def test_the_copy_check_names_the_classmate_and_spares_honest_mistakes():
    """tools/grading/judge.py's copied_from, on a class of 150: a classmate's right answer is found; a typical
    mistake on one's own numbers is never taken for a copy, even when it equals a classmate's right answer."""
    from tools.grading.judge import copied_from

    honest_collisions = 0
    for number in CONVERTED:
        exercise = REGISTRY[number]
        found = 0
        for i in range(0, 150, 2):
            me, other = IDS[i], IDS[i + 1]
            theirs = exercise.expected(_variants.numbers_for(exercise.variants, number, other))
            mine = _variants.numbers_for(exercise.variants, number, me)
            if not exact(theirs, exercise.expected(mine)) and not any(
                    exact(theirs, m) for m in exercise.variants.mistakes(mine)):
                assert copied_from(exercise, theirs, me, [me, other]) == other, (number, me)
                found += 1
            for mistake in exercise.variants.mistakes(mine):
                assert copied_from(exercise, mistake, me, IDS[:150]) is None, (number, me, mistake)
                honest_collisions += any(exact(mistake, exercise.expected(
                    _variants.numbers_for(exercise.variants, number, s))) for s in IDS[:150:5])
        assert found >= 65, (number, found)   # of 75 pairs
        assert copied_from(exercise, exercise.expected(mine), me, IDS[:150]) is None  # right: not a copy
    assert honest_collisions > 0  # such collisions do happen in a class this size: the rule above matters

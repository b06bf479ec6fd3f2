"""Chapter 2 (Linear 레이어): the numbers the prose states, and the exercise checks."""

from __future__ import annotations

import numpy as np
import pytest

from _keras_helpers import keras  # (TensorFlow's environment: tests/conftest.py)
from course_utils.exercises import ExerciseCheckError, ch02
from course_utils.params import dense_params


def _three_step(bias=False, activation=None):
    inputs = keras.Input(shape=(4, 2))
    h = keras.layers.Dense(3, use_bias=bias, activation=activation)(inputs)
    h = keras.layers.Dense(1, use_bias=bias)(h)
    h = keras.layers.Reshape((4,))(h)
    return keras.Model(inputs, keras.layers.Dense(1, use_bias=bias)(h))


def _two_step(bias=False):
    inputs = keras.Input(shape=(4, 2))
    h = keras.layers.Dense(1, use_bias=bias)(inputs)
    h = keras.layers.Reshape((4,))(h)
    return keras.Model(inputs, keras.layers.Dense(1, use_bias=bias)(h))


def test_box_model_parameter_counts():
    assert _two_step().count_params() == 2 + 4 == 6
    assert _three_step().count_params() == 2 * 3 + 3 * 1 + 4 * 1 == 13
    assert _two_step(bias=True).count_params() == 8
    assert _three_step(bias=True).count_params() == 18


def test_dense_kernel_shape_and_last_axis():
    layer = keras.layers.Dense(3)
    y = layer(np.zeros((10, 4, 2), "float32"))
    assert tuple(layer.kernel.shape) == (2, 3) and tuple(y.shape) == (10, 4, 3)


def test_two_step_model_cannot_tell_perpendicular_twins_apart():
    keras.utils.set_random_seed(3)
    model = _two_step()
    w = keras.ops.convert_to_numpy(model.layers[1].kernel)[:, 0]
    box = np.array([[0, 0], [2, 0], [2, 1], [0, 1]], "float32")
    twin = box + np.array([0.0, 0.6, -0.8, 1.0])[:, None] * np.array([-w[1], w[0]])
    out = model.predict(np.stack([box, twin]).astype("float32"), verbose=0)
    assert not np.allclose(box, twin)
    assert np.isclose(out[0, 0], out[1, 0], atol=1e-5)


def test_three_step_linear_collapses_but_relu_does_not():
    keras.utils.set_random_seed(4)
    for activation, same in [(None, True), ("relu", False)]:
        model = _three_step(activation=activation)
        k1 = keras.ops.convert_to_numpy(model.layers[1].kernel)
        k2 = keras.ops.convert_to_numpy(model.layers[2].kernel)
        c = k1 @ k2
        assert c.shape == (2, 1)
        box = np.array([[0, 0], [2, 0], [2, 1], [0, 1]], "float32")
        twin = box + np.array([0.0, 0.6, -0.8, 1.0])[:, None] * np.array([-c[1, 0], c[0, 0]])
        out = model.predict(np.stack([box, twin]).astype("float32"), verbose=0)[:, 0]
        assert np.isclose(out[0], out[1], atol=1e-4) == same


@pytest.mark.parametrize("in_dim,units,bias", [(2, 1, False), (2, 1, True), (2, 3, True), (784, 10, True)])
def test_dense_params_table(in_dim, units, bias):
    layer = keras.layers.Dense(units, use_bias=bias)
    layer.build((None, in_dim))
    assert layer.count_params() == dense_params(in_dim, units, bias)


def test_stack_exercise_answers_match_keras():
    model = keras.Sequential([keras.Input(shape=(784,)), keras.layers.Dense(128),
                              keras.layers.Dense(64, use_bias=False), keras.layers.Dense(10)])
    ch02.STACK_PARAMS.check_value(tuple(l.count_params() for l in model.layers))
    h1 = keras.layers.Dense(16)(np.zeros((32, 5, 7), "float32"))
    h2 = keras.layers.Dense(4)(h1)
    ch02.STACK_SHAPES.check_value((tuple(h1.shape), tuple(h2.shape)))
    ch02.BOX_PARAMS.check_value((_two_step(True).count_params(), _three_step(True).count_params()))


@pytest.mark.parametrize("check,wrong,fragment", [
    (ch02.BOX_PARAMS.check_value, (6, 13), "편향"),
    (ch02.BOX_PARAMS.check_value, (8, 16), "units"),
    (ch02.STACK_PARAMS.check_value, (100352, 8192, 650), "편향(128개)"),
    (ch02.STACK_PARAMS.check_value, (100480, 8256, 650), "use_bias=False"),
    (ch02.STACK_SHAPES.check_value, ((32, 16), (32, 4)), "펼치지"),
    (ch02.BOX_PARAMS.check_value, None, "아직 답을 넣지 않았습니다"),
])
def test_wrong_answers_get_hints(check, wrong, fragment):
    with pytest.raises(ExerciseCheckError, match=fragment.replace("(", r"\(").replace(")", r"\)")):
        check(wrong)


def test_merge_dense_is_two_real_keras_dense_layers_in_one():
    """연습 2-4's reference against Keras: one Dense with the merged weights computes Dense2(Dense1(x))."""
    rng = np.random.default_rng(5)
    for n, h, m in [(3, 4, 2), (5, 3, 3), (2, 6, 5)]:
        k1, b1 = rng.normal(size=(n, h)).astype("float32"), rng.normal(size=(h,)).astype("float32")
        k2, b2 = rng.normal(size=(h, m)).astype("float32"), rng.normal(size=(m,)).astype("float32")
        first, second, one = keras.layers.Dense(h), keras.layers.Dense(m), keras.layers.Dense(m)
        for layer, shape, weights in [(first, n, [k1, b1]), (second, h, [k2, b2])]:
            layer.build((None, shape))
            layer.set_weights(weights)
        one.build((None, n))
        one.set_weights([w.astype("float32") for w in ch02.merge_dense(k1, b1, k2, b2)])
        x = rng.normal(size=(6, n)).astype("float32")
        assert np.allclose(keras.ops.convert_to_numpy(one(x)), keras.ops.convert_to_numpy(second(first(x))), atol=1e-4)


def test_merge_dense_check():
    ch02.MERGE_DENSE.check_value(lambda k1, b1, k2, b2: (np.asarray(k1) @ k2, np.asarray(b1) @ k2 + b2))
    ch02.MERGE_DENSE.check_value(ch02.merge_dense)
    for wrong, fragment in [
            (lambda k1, b1, k2, b2: (k1 @ k2, b2), "bias1을 빠뜨렸습니다"),
            (lambda k1, b1, k2, b2: (k1 @ k2, b1 @ k2), "bias2를 빠뜨렸습니다"),
            (lambda k1, b1, k2, b2: (k1 @ k2, b1 + b2), "그냥 더하"),           # a broadcast error or equal lengths
            (lambda k1, b1, k2, b2: (k2 @ k1, b1 @ k2 + b2), "kernel1 @ kernel2"),
            (lambda k1, b1, k2, b2: ((k1 @ k2).T, b1 @ k2 + b2), "뒤집혔습니다"),
            (lambda k1, b1, k2, b2: (k1 @ k2, 2 * b1 @ k2 + b2), "값이 다릅니다"),
            (lambda k1, b1, k2, b2: k1 @ k2, "튜플로 돌려주세요"),
            (lambda k1, b1, k2, b2: (k1 @ k2, (b1 @ k2 + b2)[None]), "bias의 shape")]:
        with pytest.raises(ExerciseCheckError, match=fragment):
            ch02.MERGE_DENSE.check_value(wrong)
    with pytest.raises(ExerciseCheckError, match="NotImplementedError"):
        def stub(k1, b1, k2, b2):
            raise NotImplementedError
        ch02.MERGE_DENSE.check_value(stub)

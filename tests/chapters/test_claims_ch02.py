"""Chapter 2 (Linear 레이어): the numbers the prose states, and the exercise checks."""

from __future__ import annotations

import numpy as np
import pytest

from _keras_helpers import keras  # noqa: F401  (TensorFlow's environment: tests/conftest.py)
from course_utils.exercises import ExerciseCheckError, ch02
from course_utils.layers import dense
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


def test_my_dense_check():
    ch02.MY_DENSE.check_value(lambda x, k, b: np.asarray(x) @ k + b)
    ch02.MY_DENSE.check_value(dense)
    with pytest.raises(ExerciseCheckError, match="편향"):
        ch02.MY_DENSE.check_value(lambda x, k, b: np.asarray(x) @ k)          # forgot the bias
    with pytest.raises(ExerciseCheckError, match="값이 다릅니다"):
        ch02.MY_DENSE.check_value(lambda x, k, b: np.asarray(x) @ k + 2 * b)
    with pytest.raises(ExerciseCheckError, match="shape"):
        ch02.MY_DENSE.check_value(lambda x, k, b: (np.asarray(x) @ k + b).reshape(-1))
    with pytest.raises(ExerciseCheckError, match="NotImplementedError"):
        def stub(x, k, b):
            raise NotImplementedError
        ch02.MY_DENSE.check_value(stub)

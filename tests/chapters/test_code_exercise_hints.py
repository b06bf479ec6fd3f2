"""The hints of the code exercises name the actual mistake (issue 19's list), in the learner's check and so
in the grader's (both run :func:`course_utils.exercises._core.judge_case`)."""

from __future__ import annotations

import numpy as np
import pytest

from course_utils.exercises import REGISTRY, ExerciseCheckError, load_all

load_all()


def _message(number, function) -> str:
    with pytest.raises(ExerciseCheckError) as error:
        REGISTRY[number].check_value(function)
    return str(error.value)


def test_1_5_a_reshape_is_told_apart_from_a_transpose():
    def reshaped(video):
        t, c, h, w = video.shape
        return video.reshape(t, h, w, c)

    message = _message("1-5", reshaped)
    assert "reshape" in message and "합산" not in message


def test_2_4_the_kernels_in_the_wrong_order_get_a_korean_hint_not_numpys_error():
    message = _message("2-4", lambda k1, b1, k2, b2: (k2 @ k1, b1 @ k2 + b2))
    assert "kernel1 @ kernel2" in message and "matmul" not in message and "core dimension" not in message


def test_2_4_a_forgotten_or_just_added_first_bias_is_named():
    assert "bias1을 빠뜨렸습니다" in _message("2-4", lambda k1, b1, k2, b2: (k1 @ k2, b2))
    assert "그냥 더하" in _message("2-4", lambda k1, b1, k2, b2: (k1 @ k2, b1 + b2))


def test_2_4_the_worked_example_copied_is_not_a_merged_dense():
    """2.1절's x @ kernel + bias pasted under the new name: no pass, a message about the pair to return."""
    message = _message("2-4", lambda x, kernel, bias: x @ kernel + bias)
    assert "통과" not in message


def test_5_3_library_upsampling_is_refused_and_numpy_is_fine():
    import keras

    message = _message("5-3", lambda x, size: np.asarray(keras.layers.UpSampling2D(size)(x)))
    assert "UpSampling2D" in message and "직접" in message
    REGISTRY["5-3"].check_value(lambda x, size: np.asarray(x).repeat(size, axis=1).repeat(size, axis=2))


def test_7_4_a_decoder_with_copied_weights_is_refused():
    import keras

    def copies(autoencoder):
        encoder = keras.Model(autoencoder.input, autoencoder.get_layer("code").output)
        code = keras.Input(shape=(encoder.output.shape[-1],))
        layer = keras.layers.Dense(autoencoder.output.shape[-1], activation="sigmoid")
        decoder = keras.Model(code, layer(code))
        layer.set_weights(autoencoder.get_layer("reconstruction").get_weights())
        return encoder, decoder

    assert "함께 쓰지 않습니다" in _message("7-5", copies)

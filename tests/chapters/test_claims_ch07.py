"""Every number chapter 7 states, checked against Keras and course_utils, and the chapter's checks.

The conv autoencoder is built from the chapter notebook's own code cell.
"""

from __future__ import annotations

import math
from pathlib import Path

import nbformat
import numpy as np
import pytest

from _keras_helpers import keras
from course_utils.exercises import ExerciseCheckError, ch07
from course_utils.params import dense_params

L = keras.layers
NOTEBOOK = Path(__file__).resolve().parents[2] / "book/ch07_autoencoders/ch07_autoencoders.ipynb"


def _notebook_cells():
    return [c.source for c in nbformat.read(NOTEBOOK, as_version=4).cells if c.cell_type == "code"]


@pytest.fixture(scope="module")
def conv_ae():
    for source in _notebook_cells():
        if "def build_conv_autoencoder(" in source:
            namespace = {"keras": keras, "layers": L}
            exec(source.split("\n\n\n")[0], namespace)
            return namespace["build_conv_autoencoder"]()
    raise AssertionError("build_conv_autoencoder not found")


@pytest.fixture(scope="module")
def dense_parts():
    """encoder, decoder and autoencoder exactly as the notebook's 7.2 cell builds them."""
    for source in _notebook_cells():
        if "dense_autoencoder = keras.Model(" in source:
            namespace = {"keras": keras, "layers": L}
            exec(source.replace("dense_autoencoder.summary()", ""), namespace)
            return namespace["encoder"], namespace["decoder"], namespace["dense_autoencoder"]
    raise AssertionError("the dense autoencoder cell was not found")


def _reference_build(autoencoder):
    code_layer = autoencoder.get_layer("code")
    encoder = keras.Model(autoencoder.input, code_layer.output)
    code_input = keras.Input(shape=(code_layer.units,))
    return encoder, keras.Model(code_input, autoencoder.get_layer("reconstruction")(code_input))


# --- numbers in the prose -------------------------------------------------------------


def test_dense_autoencoder_parameter_count(dense_parts):
    encoder, decoder, autoencoder = dense_parts
    assert 784 * 36 + 36 + 36 * 784 + 784 == 57_268
    assert dense_params(784, 36) + dense_params(36, 784) == autoencoder.count_params() == 57_268
    assert encoder.output_shape == (None, 36) and decoder.output_shape == (None, 784)


def test_shared_weights_make_encoder_decoder_equal_the_autoencoder(dense_parts):
    encoder, decoder, autoencoder = dense_parts
    x = np.random.default_rng(0).random((4, 784)).astype("float32")
    assert np.allclose(np.asarray(decoder(encoder(x))), np.asarray(autoencoder(x)), atol=1e-6)
    assert encoder.predict(x[:5], verbose=0).shape == (4, 36)


def test_compression_ratio():
    assert 784 / 36 == pytest.approx(21.78, abs=0.005)


def test_layers_index_differs_between_functional_and_sequential():
    inputs = keras.Input(shape=(784,))
    functional = keras.Model(inputs, L.Dense(784)(L.Dense(36)(inputs)))
    sequential = keras.Sequential([keras.Input(shape=(784,)), L.Dense(36), L.Dense(784)])
    assert isinstance(functional.layers[0], L.InputLayer)
    assert not any(isinstance(layer, L.InputLayer) for layer in sequential.layers)
    assert len(functional.layers) == len(sequential.layers) + 1


def test_conv_autoencoder_shapes_code_and_params(conv_ae):
    sizes = [layer.output.shape[1] for layer in conv_ae.layers[1:]]
    assert sizes == [14, 7, 7, 14, 28, 28]
    code = conv_ae.get_layer("code").output.shape
    assert tuple(code[1:]) == (7, 7, 2) and math.prod(code[1:]) == 98
    assert conv_ae.count_params() == 5_539
    # "파라미터가 열 배 넘게 적은데도"
    assert 57_268 / conv_ae.count_params() > 10


def test_metrics_are_not_recorded_without_asking():
    """7.3's note: binary cross-entropy as the loss does not record accuracy by itself."""
    model = keras.Sequential([keras.Input(shape=(4,)), L.Dense(4, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy", jit_compile=False)
    x = np.random.default_rng(0).random((8, 4)).astype("float32")
    history = model.fit(x, x, epochs=1, verbose=0)
    assert list(history.history) == ["loss"]


# --- the checks -----------------------------------------------------------------------


def test_param_count_check():
    inputs = keras.Input(shape=(784,))
    variant = keras.Model(inputs, L.Dense(784)(L.Dense(64)(inputs)))
    ch07.check_param_count(variant.count_params())
    ch07.check_param_count(np.int64(dense_params(784, 64) + dense_params(64, 784)))
    for wrong, hint in [(2 * 784 * 64, "bias"), (784 * 64 + 64, "한쪽만"),
                        (57_268, "코드 길이를 64"), (2 * 784 * 64 + 128, "출력 유닛 수"), ("many", "정수")]:
        with pytest.raises(ExerciseCheckError) as info:
            ch07.check_param_count(wrong)
        assert hint in str(info.value)


def test_compression_ratio_check():
    ch07.check_compression_ratio(784 / 36)
    ch07.check_compression_ratio(np.float32(784) / np.float32(36))
    ch07.check_compression_ratio(21.78)
    for wrong, hint in [(36 / 784, "거꾸로"), (28 / 36, "28 × 28"), (21.8, "÷"), ("21.78", "숫자")]:
        with pytest.raises(ExerciseCheckError) as info:
            ch07.check_compression_ratio(wrong)
        assert hint in str(info.value)
    with pytest.raises(ExerciseCheckError, match="아직 답을 넣지 않았습니다"):
        ch07.check_compression_ratio(None)


def test_encoder_output_shape_check(dense_parts):
    encoder = dense_parts[0]
    ch07.check_encoder_output_shape(encoder.predict(np.zeros((5, 784), "float32"), verbose=0).shape)
    for wrong, hint in [((36,), "배치 축"), ((5, 784), "디코더"), ((None, 36), "None"), ((1, 36), "첫 축")]:
        with pytest.raises(ExerciseCheckError) as info:
            ch07.check_encoder_output_shape(wrong)
        assert hint in str(info.value)


def test_build_encoder_decoder_check_accepts_the_reference():
    ch07.check_build_encoder_decoder(_reference_build)


def test_build_encoder_decoder_check_accepts_index_based_and_inputs_list_answers():
    def by_index(autoencoder):
        encoder = keras.Model(autoencoder.inputs, autoencoder.layers[1].output)
        code_input = keras.Input(shape=(autoencoder.layers[1].units,))
        return encoder, keras.Model(code_input, autoencoder.layers[-1](code_input))

    ch07.check_build_encoder_decoder(by_index)


def test_build_encoder_decoder_check_rejects_wrong_answers():
    def stub(autoencoder):
        raise NotImplementedError

    def new_layers(autoencoder):  # untrained copies instead of the trained layers
        units = autoencoder.get_layer("code").units
        inputs = keras.Input(shape=(autoencoder.input_shape[-1],))
        encoder = keras.Model(inputs, L.Dense(units, activation="relu")(inputs))
        code_input = keras.Input(shape=(units,))
        return encoder, keras.Model(code_input, L.Dense(autoencoder.input_shape[-1], activation="sigmoid")(code_input))

    def hard_coded(autoencoder):  # works for 784/36 only
        encoder = keras.Model(autoencoder.input, autoencoder.get_layer("code").output)
        code_input = keras.Input(shape=(36,))
        return encoder, keras.Model(code_input, autoencoder.get_layer("reconstruction")(code_input))

    def encoder_only(autoencoder):
        return keras.Model(autoencoder.input, autoencoder.get_layer("code").output)

    def whole_model_as_encoder(autoencoder):
        return autoencoder, _reference_build(autoencoder)[1]

    for function, hint in [(stub, "NotImplementedError"), (new_layers, "학습된 오토인코더의 레이어"),
                           (hard_coded, "오류가 났습니다"), (encoder_only, "튜플"),
                           (whole_model_as_encoder, "encoder 출력 shape")]:
        with pytest.raises(ExerciseCheckError) as info:
            ch07.check_build_encoder_decoder(function)
        assert hint in str(info.value), (function.__name__, str(info.value))


def test_no_literal_answers_in_checks():
    source = Path(ch07.__file__).read_text(encoding="utf-8")
    assert "101200" not in source and "101_200" not in source and "21.78" not in source


# --- 7.8: the pretrained checkpoints ----------------------------------------------------


def test_pretrained_dense_and_conv_have_the_chapters_architecture(dense_parts, conv_ae):
    from course_utils import pretrained

    _, _, dense = dense_parts
    assert pretrained.build("ch07_dense_ae").count_params() == dense.count_params()
    conv = pretrained.build("ch07_conv_ae")
    assert conv.count_params() == conv_ae.count_params()
    assert [tuple(l.output.shape[1:]) for l in conv.layers] == [tuple(l.output.shape[1:]) for l in conv_ae.layers]


def test_pretrained_denoiser_has_more_filters_and_the_demo_uses_its_noise():
    from course_utils import pretrained

    denoiser = pretrained.build("ch07_denoising_ae")
    assert denoiser.get_layer("enc_conv1").filters == 32
    assert tuple(denoiser.get_layer("code").output.shape[1:]) == (7, 7, 8)
    sources = "\n".join(_notebook_cells())
    assert 'NOISE = pretrained.info("ch07_denoising_ae")["noise"]' in sources

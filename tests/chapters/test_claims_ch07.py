"""Every number chapter 7 states, checked against Keras and course_utils, and the chapter's checks.

The models are the builders of course_utils.pretrained that the chapter shows (show_source) and calls.
"""

from __future__ import annotations

import math
import re
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
    """The chapter's code cells as text (read, never executed)."""
    return [c.source for c in nbformat.read(NOTEBOOK, as_version=4).cells if c.cell_type == "code"]


@pytest.fixture(scope="module")
def conv_ae():
    """7.6's model, as the chapter builds it."""
    from course_utils import pretrained

    return pretrained.build_conv_autoencoder()


@pytest.fixture(scope="module")
def dense_parts():
    """encoder, decoder and autoencoder as 7.2 builds them."""
    from course_utils import pretrained

    return pretrained.build_dense_encoder_decoder(36)


def test_the_chapter_builds_its_models_with_the_package_builders():
    """The claims below are checked on the package builders; the chapter must call those (and not print the code
    of the dense autoencoder that 연습 7-4 asks the learner to write)."""
    cells = [c for c in nbformat.read(NOTEBOOK, as_version=4).cells
             if c.cell_type == "code" and "nbgrader" not in c.metadata]
    code = "\n".join(c.source for c in cells)
    assert "show_source(pretrained.build_dense" not in code
    assert "pretrained.build_dense_encoder_decoder(CODE_DIM)" in code and "pretrained.build_conv_autoencoder()" in code
    assert "def build_" not in code and "keras.Model(" not in code, "an architecture written in the notebook again"
    # the learner's models (연습 7-4, 7-6) with the checkpoints' weights, or else the reference
    for call in ('load_into(lambda: build_autoencoder(CODE_DIM), "ch07_dense_ae")', 'load_into(lambda: build_conv_ae(), "ch07_conv_ae")',
                 'load_into(lambda: build_conv_ae(32, 8), "ch07_denoising_ae")'):
        assert f"pretrained.{call}" in code, call


def _reference_build(autoencoder):
    code_layer = autoencoder.get_layer("code")
    encoder = keras.Model(autoencoder.input, code_layer.output)
    code_input = keras.Input(shape=(code_layer.units,))
    return encoder, keras.Model(code_input, autoencoder.get_layer("reconstruction")(code_input))


# --- numbers in the prose -------------------------------------------------------------


def _prose():
    return "\n".join(c.source for c in nbformat.read(NOTEBOOK, as_version=4).cells if c.cell_type == "markdown")


def test_dense_autoencoder_parameter_count(dense_parts):
    encoder, decoder, autoencoder = dense_parts
    # the summary's formula "784·36 + 36 + 36·784 + 784", evaluated, is Keras's count
    match = re.search(r"784 → 36 → 784는 `([\d·+ ]+)`개의 파라미터", _prose())
    assert match, "the summary no longer gives the parameter formula of 784 → 36 → 784"
    assert eval(match.group(1).replace("·", "*"), {}) == autoencoder.count_params()
    assert dense_params(784, 36) + dense_params(36, 784) == autoencoder.count_params() == 57_268
    assert encoder.output_shape == (None, 36) and decoder.output_shape == (None, 784)


def test_shared_weights_make_encoder_decoder_equal_the_autoencoder(dense_parts):
    encoder, decoder, autoencoder = dense_parts
    x = np.random.default_rng(0).random((4, 784)).astype("float32")
    assert np.allclose(np.asarray(decoder(encoder(x))), np.asarray(autoencoder(x)), atol=1e-6)
    assert encoder.predict(x[:5], verbose=0).shape == (4, 36)


def _exercise_prompt(number: str) -> str:
    """The markdown cell of 연습 ``number`` and the question its ``show`` cell prints with the book's numbers (the
    static book, a notebook with no 학번: ``_variants.py``)."""
    from course_utils.exercises import REGISTRY, _variants

    markdown = next(c.source for c in nbformat.read(NOTEBOOK, as_version=4).cells
                    if c.cell_type == "markdown" and f"### 연습 {number}" in c.source)
    variants = REGISTRY[number].variants
    return markdown + "\n" + variants.prompt(_variants.Numbers(variants.book, book=True))


def test_compression_ratio_counts_every_axis_of_a_conv_code():
    """연습 7-2: the prompt's conv autoencoder (28x28 grey image, code of 3 maps of 7x7), built in Keras as the
    chapter's conv autoencoder with 3 code maps: input numbers ÷ code numbers, every axis counted."""
    from course_utils import pretrained

    side, maps = (int(v) for v in re.search(r"28x28 흑백 이미지를 받아 (\d+)x\1 크기의 지도 (\d+)장",
                                            _exercise_prompt("7-2")).groups())
    model = pretrained.build_conv_autoencoder(16, maps)
    code = tuple(model.get_layer("code").output.shape[1:])
    assert code == (side, side, maps) and tuple(model.input.shape[1:]) == (28, 28, 1)
    ratio = math.prod(model.input.shape[1:]) / math.prod(code)
    ch07.COMPRESSION_RATIO.check_value(ratio)
    for wrong, hint in [(784 / 36, "본문 Dense 오토인코더"), (784 / side**2, "지도 3장을 빠뜨렸습니다"),
                        (28 / side, "한 변의 길이만"), (1 / ratio, "거꾸로")]:
        with pytest.raises(ExerciseCheckError, match=hint):
            ch07.COMPRESSION_RATIO.check_value(wrong)


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
    ch07.PARAM_COUNT.check_value(variant.count_params())
    ch07.PARAM_COUNT.check_value(np.int64(dense_params(784, 64) + dense_params(64, 784)))
    for wrong, hint in [(2 * 784 * 64, "bias"), (784 * 64 + 64, "한쪽만"),
                        (57_268, "코드 길이를 64"), (2 * 784 * 64 + 128, "출력 유닛 수"), ("many", "정수")]:
        with pytest.raises(ExerciseCheckError) as info:
            ch07.PARAM_COUNT.check_value(wrong)
        assert hint in str(info.value)


def test_compression_ratio_check():
    ch07.COMPRESSION_RATIO.check_value(784 / 147)
    ch07.COMPRESSION_RATIO.check_value(np.float32(784) / np.float32(147))
    ch07.COMPRESSION_RATIO.check_value(5.33)
    for wrong, hint in [(147 / 784, "거꾸로"), (5.3, "소수 첫째 자리까지만"), (784 // 147, "정수 나눗셈"),
                        (5.4, "소수 둘째 자리"), (10.0, "높이 × 너비 × 채널"), ("5.33", "숫자")]:
        with pytest.raises(ExerciseCheckError) as info:
            ch07.COMPRESSION_RATIO.check_value(wrong)
        assert hint in str(info.value)
    with pytest.raises(ExerciseCheckError, match="아직 답을 넣지 않았습니다"):
        ch07.COMPRESSION_RATIO.check_value(None)


def test_dense_on_unflattened_images_acts_on_the_last_axis():
    """연습 7-3: Keras's Dense on (5, 28, 28) keeps the first axes and counts 28 inputs; each mistake gets its hint."""
    assert "shape (5, 28, 28)" in _exercise_prompt("7-3") and "Dense(36" in _exercise_prompt("7-3")
    dense = L.Dense(36, activation="relu")
    out = dense(np.zeros((5, 28, 28), "float32"))
    ch07.UNFLATTENED_DENSE.check_value((tuple(out.shape), dense.count_params()))
    ch07.UNFLATTENED_DENSE.check_value((tuple(out.shape), np.int64(dense_params(28, 36))))
    flat = L.Dense(36)
    flat(np.zeros((5, 784), "float32"))
    for wrong, hint in [(((5, 36), dense.count_params()), "저절로 펼치지 않습니다"),
                        (((5, 28, 28, 36), 1044), "채널 축이 없습니다"),
                        ((tuple(out.shape), flat.count_params()), "마지막 축의 길이로 정해집니다"),
                        ((tuple(out.shape), 28 * 36), "bias"), (((6, 28, 36), 1044), "배치 크기"),
                        (((5, 784, 36), 1044), "가운데 축"), ((tuple(out.shape), 5 * 1044), "배치나 다른 축"),
                        ((5, 28, 36), "형식")]:
        with pytest.raises(ExerciseCheckError) as info:
            ch07.UNFLATTENED_DENSE.check_value(wrong)
        assert hint in str(info.value), (wrong, str(info.value))


def test_build_encoder_decoder_check_accepts_the_reference():
    ch07.BUILD_ENCODER_DECODER.check_value(_reference_build)


def test_build_encoder_decoder_check_accepts_index_based_and_inputs_list_answers():
    def by_index(autoencoder):
        encoder = keras.Model(autoencoder.inputs, autoencoder.layers[1].output)
        code_input = keras.Input(shape=(autoencoder.layers[1].units,))
        return encoder, keras.Model(code_input, autoencoder.layers[-1](code_input))

    ch07.BUILD_ENCODER_DECODER.check_value(by_index)


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
            ch07.BUILD_ENCODER_DECODER.check_value(function)
        assert hint in str(info.value), (function.__name__, str(info.value))


def test_no_literal_answers_in_checks():
    source = Path(ch07.__file__).read_text(encoding="utf-8")
    assert "101200" not in source and "101_200" not in source and "21.78" not in source


# --- 7.8: the pretrained checkpoints ----------------------------------------------------


def test_pretrained_dense_and_conv_have_the_chapters_architecture(conv_ae):
    """7.8: the conv checkpoint is 7.6's model; the dense one is 7.5's one-piece model, whose layers and
    parameters are 7.2's (its weights loaded into 7.2's encoder/decoder give the same reconstructions)."""
    from course_utils import pretrained

    flat = pretrained.load("ch07_dense_ae")
    assert [layer.name for layer in flat.layers] == ["image", "code", "reconstruction"]
    encoder, decoder, dense = pretrained.build_dense_encoder_decoder(36)
    assert flat.count_params() == dense.count_params() == 57_268
    dense.set_weights(flat.get_weights())
    x = np.random.default_rng(3).random((4, 784)).astype("float32")
    assert np.allclose(np.asarray(decoder(encoder(x))), np.asarray(flat(x)), atol=1e-6)
    assert pretrained.build("ch07_conv_ae").get_config() == conv_ae.get_config()


def test_pretrained_denoiser_has_more_filters_and_the_demo_uses_its_noise():
    from course_utils import pretrained

    denoiser = pretrained.build("ch07_denoising_ae")
    assert denoiser.get_layer("enc_conv1").filters == 32
    assert tuple(denoiser.get_layer("code").output.shape[1:]) == (7, 7, 8)
    sources = "\n".join(_notebook_cells())
    assert 'NOISE = pretrained.info("ch07_denoising_ae")["noise"]' in sources
    # one definition of the noise: the demo's inputs come from the function the checkpoint was trained with
    assert "pretrained.add_noise(x_train_img, NOISE" in sources and "pretrained.add_noise(x_val_img, NOISE" in sources
    assert "rng.normal(" not in sources


def test_7_6_rows_are_drawn_in_the_order_the_check_knows_and_blur_as_the_alt_text_says():
    """연습 7-7: the figure's row order is ch07.pca_rows(); the 2-number code row is the one no one can read,
    the 64-number row nearly the original and the 16-number row still readable (the cell's alt text)."""
    from course_utils import pretrained
    from course_utils.data import load_mnist, to_unit_interval

    code = "\n".join(_notebook_cells())
    assert "np.random.default_rng(0).permutation([2, 16, 64])" in code
    assert (ch07.PCA_ROW_SEED, ch07.PCA_CODE_SIZES) == (0, (2, 16, 64))
    assert ch07.pca_rows() == tuple(int(k) for k in np.random.default_rng(0).permutation([2, 16, 64]))
    (x_train, _), (x_test, y_test) = load_mnist(offline=True, verbose=False)
    x = to_unit_interval(x_train)[:4000].reshape(4000, -1)
    x_val, y_val = to_unit_interval(x_test)[:1000].reshape(1000, -1), y_test[:1000]
    mean = x.mean(axis=0)
    vt = np.linalg.svd(x - mean, full_matrices=False)[2]
    read = {}
    for k in (2, 16, 64):
        rebuilt = ((x_val - mean) @ vt[:k].T @ vt[:k] + mean).clip(0, 1).reshape(-1, 28, 28, 1)
        read[k] = pretrained.read_accuracy(rebuilt, y_val)
    original = pretrained.read_accuracy(x_val.reshape(-1, 28, 28, 1), y_val)
    assert read[2] < 0.5 < read[16] < read[64], read
    assert original - read[64] < 0.05, (original, read)
    ch07.SMALLEST_CODE_ROW.check_value("ABC"[ch07.pca_rows().index(2)])

"""The model-building exercises (연습 7-4): the layer-by-layer check of ``exercises/_models.py`` on real Keras models,
what travels to the grader, and the chapter's payoff (:func:`course_utils.pretrained.load_into`)."""

from __future__ import annotations

import numpy as np
import pytest

from _keras_helpers import keras
from course_utils import pretrained
from course_utils.exercises import REGISTRY, ExerciseCheckError, NotAnswered, ch07
from course_utils.exercises._core import OK, judge_case, run_case
from course_utils.exercises._models import architecture, first_difference
from tools.grading import codec

L = keras.layers


def _dense(code_dim, hidden=None, code_activation="relu", use_bias=True, out=784, sequential=False, names=True):
    stack = ([L.Dense(hidden, activation="relu")] if hidden else []) + [
        L.Dense(code_dim, activation=code_activation, use_bias=use_bias, name="code" if names else None),
        L.Dense(out, activation="sigmoid", name="reconstruction" if names else None)]
    if sequential:
        return keras.Sequential([keras.Input((784,))] + stack)
    x = inputs = keras.Input((784,))
    for layer in stack:
        x = layer(x)
    return keras.Model(inputs, x)


def _message(build) -> str:
    with pytest.raises(ExerciseCheckError) as error:
        ch07.BUILD_DENSE_AUTOENCODER.check_value(build)
    return str(error.value)


def test_right_models_pass_functional_or_sequential_with_any_layer_names():
    ch07.BUILD_DENSE_AUTOENCODER.check_value(lambda code_dim: _dense(code_dim))
    ch07.BUILD_DENSE_AUTOENCODER.check_value(lambda code_dim: _dense(code_dim, sequential=True))


@pytest.mark.parametrize("build, says", [
    (lambda code_dim: _dense(64), "2번째 층의 출력이 (None, 36)이어야 하는데 (None, 64)입니다"),
    (lambda code_dim: _dense(36), "이어야 하는데 (None, 36)입니다"),   # 36 written in, code_dim ignored
    (lambda code_dim: _dense(code_dim, use_bias=False), "2번째 층의 파라미터 수가 28,260개여야 하는데 28,224개입니다"),
    (lambda code_dim: _dense(code_dim, code_activation=None), "2번째 층의 활성화 함수가 relu여야 하는데 linear입니다"),
    (lambda code_dim: _dense(code_dim, hidden=128), "2번째 층의 출력이 (None, 36)이어야 하는데 (None, 128)입니다"),
    (lambda code_dim: _dense(code_dim, out=392), "3번째 층의 출력이 (None, 784)이어야 하는데 (None, 392)입니다"),
    (lambda code_dim: "model", "keras.Model을 돌려주세요"),
    (lambda code_dim: _dense(code_dim, names=False), "이름이 'code'인 층이 없습니다"),
])
def test_a_wrong_model_is_told_its_first_differing_layer(build, says):
    assert says in _message(build)


def test_the_course_builder_is_refused_and_a_stub_is_unanswered():
    assert _message(lambda code_dim: pretrained.build_dense_autoencoder(code_dim)).find("직접 만드세요") > 0

    def stub(code_dim):
        pass

    with pytest.raises(NotAnswered):
        ch07.BUILD_DENSE_AUTOENCODER.check_value(stub)


def test_the_grader_judges_the_reported_summary_as_the_visible_check_does():
    """What the sandbox reports is plain data (codec); judged here against the reference computed here."""
    spec = REGISTRY["7-4"].function
    for build, right in [(lambda code_dim: _dense(code_dim), True), (lambda code_dim: _dense(64), False)]:
        for args, kwargs, description in spec.cases(2026):
            outcome = run_case(spec, "연습 7-4", build, args, kwargs)
            assert outcome[0] == OK
            travelled = codec.decode(codec.encode(tuple(outcome)))
            verdict = judge_case(spec, travelled, spec.reference(*args, **kwargs), args, kwargs, description)
            if right:
                assert verdict is None
            elif verdict:
                assert "이어야 하는데" in verdict[1]
                break
        else:
            assert right


def test_first_difference_reads_only_well_formed_summaries():
    expected = architecture(pretrained.build_dense_autoencoder(36))
    assert expected[0] == ("Input", (None, 784), 0, "")
    assert first_difference(expected, expected) is None
    assert "읽을 수 없습니다" in first_difference("Dense", expected)
    assert "층이 3개여야 하는데 2개입니다" in first_difference(expected[:2], expected)


def test_load_into_puts_the_checkpoint_into_the_learner_s_model_and_falls_back_otherwise(capsys):
    x = np.random.default_rng(0).random((4, 784)).astype("float32")
    reference = pretrained.load("ch07_dense_ae")
    own = _dense(36, sequential=True)
    model = pretrained.load_into(lambda: own, "ch07_dense_ae")
    assert model is own and "넣었습니다" in capsys.readouterr().out
    assert np.allclose(np.asarray(model(x)), np.asarray(reference(x)), atol=1e-6)
    fallback = pretrained.load_into(lambda: _dense(64), "ch07_dense_ae")
    assert "본문의 모델로 계속합니다" in capsys.readouterr().out
    assert np.allclose(np.asarray(fallback(x)), np.asarray(reference(x)), atol=1e-6)
    pretrained.load_into(lambda: _dense(36, names=False), "ch07_dense_ae")
    assert "이름이 'code'인 층이 없습니다" in capsys.readouterr().out
    pretrained.load_into(lambda: None, "ch07_dense_ae")
    assert "아직 답을 넣지 않았습니다" in capsys.readouterr().out


@pytest.mark.parametrize("letter, says", [
    ("D", "코드에 담긴 숫자의 개수가"), ("A", "가장 또렷한 줄"), ("C", "숫자를 알아볼 수 있는 줄")])
def test_7_6_every_wrong_option_gets_the_hint_naming_its_misconception(letter, says):
    assert ch07.pca_rows() == (64, 2, 16)   # A: 64, B: 2, C: 16
    with pytest.raises(ExerciseCheckError) as error:
        REGISTRY["7-7"].check_value(letter)
    assert says in str(error.value) and error.value.kind == "hint"


def _conv(filters=16, code_channels=2, strides=2, transpose=True, name="code"):
    x = inputs = keras.Input((28, 28, 1))
    x = L.Conv2D(filters, 3, strides=strides, padding="same", activation="relu")(x)
    if strides == 2:
        x = L.Conv2D(filters, 3, strides=2, padding="same", activation="relu")(x)
    else:
        x = L.MaxPooling2D(4)(x)
    x = L.Conv2D(code_channels, 3, padding="same", activation="relu", name=name)(x)
    up = L.Conv2DTranspose if transpose else L.Conv2D
    x = up(filters, 3, strides=2 if transpose else 1, padding="same", activation="relu")(x)
    x = up(filters, 3, strides=2 if transpose else 1, padding="same", activation="relu")(x)
    return keras.Model(inputs, L.Conv2D(1, 3, padding="same", activation="sigmoid")(x))


def test_7_7_the_conv_autoencoder_is_compared_layer_by_layer():
    ch07.BUILD_CONV_AUTOENCODER.check_value(lambda filters=16, code_channels=2: _conv(filters, code_channels))
    for build, says in [
        (lambda filters=16, code_channels=2: _conv(16, 2), "filters=32, code_channels=8로 만든 모델: 2번째 층의 출력이 "
                                                          "(None, 14, 14, 32)이어야 하는데 (None, 14, 14, 16)입니다"),
        (lambda filters=16, code_channels=2: _conv(filters, code_channels, transpose=False),
         "5번째 층은 Conv2DTranspose여야 하는데 Conv2D입니다"),
        (lambda filters=16, code_channels=2: _conv(filters, code_channels, strides=1),
         "2번째 층의 출력이 (None, 14, 14, 16)이어야 하는데 (None, 28, 28, 16)입니다"),
        (lambda filters=16, code_channels=2: _conv(filters, code_channels, name="bottleneck"), "이름이 'code'인 층이 없습니다"),
        (lambda filters=16, code_channels=2: pretrained.build_conv_autoencoder(filters, code_channels), "직접 만드세요"),
    ]:
        with pytest.raises(ExerciseCheckError) as error:
            ch07.BUILD_CONV_AUTOENCODER.check_value(build)
        assert says in str(error.value), str(error.value)


def test_7_7_the_denoising_checkpoint_goes_into_the_learner_s_conv_model(capsys):
    x = np.random.default_rng(1).random((2, 28, 28, 1)).astype("float32")
    model = pretrained.load_into(lambda: _conv(32, 8), "ch07_denoising_ae")
    assert "넣었습니다" in capsys.readouterr().out
    assert np.allclose(np.asarray(model(x)), np.asarray(pretrained.load("ch07_denoising_ae")(x)), atol=1e-6)

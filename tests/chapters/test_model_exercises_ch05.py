"""Chapter 5's model-building exercises (연습 5-1, 5-8) and its read-the-result exercise (연습 5-2), on real Keras.

As chapter 7's (test_model_exercises.py): the layer-by-layer check names the first differing layer, the course's
builders and model copies are refused, what travels to the grader is judged as the visible check judges it, and the
chapter's checkpoints go into a right learner's model (:func:`course_utils.pretrained.load_into`).
"""

from __future__ import annotations

import numpy as np
import pytest

from _keras_helpers import keras
from course_utils import pretrained
from course_utils.exercises import REGISTRY, ExerciseCheckError, NotAnswered, ch05
from course_utils.exercises._core import OK, judge_case, run_case
from tools.grading import codec

L = keras.layers


def _upsampling(filters=(16, 8, 4), pool_padding="same", narrowing="valid", swap=False, sequential=False,
                last="sigmoid"):
    """5.2's autoencoder written as a learner would, with one knob per mistake."""
    f1, f2, f3 = filters
    if swap:
        f1, f3 = f3, f1
    stack = [L.Conv2D(f1, 3, activation="relu", padding="same"), L.MaxPooling2D(2, padding=pool_padding),
             L.Conv2D(f2, 3, activation="relu", padding="same"), L.MaxPooling2D(2, padding=pool_padding),
             L.Conv2D(f3, 3, activation="relu", padding="same"), L.MaxPooling2D(2, padding=pool_padding),
             L.Conv2D(f3, 3, activation="relu", padding="same"), L.UpSampling2D(2),
             L.Conv2D(f2, 3, activation="relu", padding="same"), L.UpSampling2D(2),
             L.Conv2D(f1, 3, activation="relu", padding=narrowing), L.UpSampling2D(2),
             L.Conv2D(1, 3, activation=last, padding="same")]
    if sequential:
        return keras.Sequential([keras.Input((28, 28, 1))] + stack)
    x = inputs = keras.Input((28, 28, 1))
    for layer in stack:
        x = layer(x)
    return keras.Model(inputs, x)


def _transpose(filters=(16, 8, 4), up=L.Conv2DTranspose, growing="valid"):
    """5.6's autoencoder written as a learner would."""
    f1, f2, f3 = filters
    x = inputs = keras.Input((28, 28, 1))
    for layer in [L.Conv2D(f1, 3, activation="relu"), L.MaxPooling2D(2), L.Conv2D(f2, 3, activation="relu"),
                  L.MaxPooling2D(2), L.Conv2D(f3, 3, activation="relu"),
                  up(f3, 3, activation="relu", padding="same"), L.UpSampling2D(2),
                  up(f2, 3, activation="relu", padding="same"), L.UpSampling2D(2),
                  up(f1, 3, activation="relu", padding=growing), L.UpSampling2D(2),
                  up(1, 3, activation="sigmoid", padding="same")]:
        x = layer(x)
    return keras.Model(inputs, x)


def _message(exercise, build) -> str:
    with pytest.raises(ExerciseCheckError) as error:
        exercise.check_value(build)
    return str(error.value)


def test_right_models_pass_functional_or_sequential():
    ch05.BUILD_UPSAMPLING_AE.check_value(lambda filters=(16, 8, 4): _upsampling(filters))
    ch05.BUILD_UPSAMPLING_AE.check_value(lambda filters=(16, 8, 4): _upsampling(filters, sequential=True))
    ch05.BUILD_TRANSPOSE_AE.check_value(lambda filters=(16, 8, 4): _transpose(filters))


@pytest.mark.parametrize("build, says", [
    # "same" pooling rounds 7 up to 4; "valid" rounds it down
    (lambda filters=(16, 8, 4): _upsampling(filters, pool_padding="valid"),
     "7번째 층의 출력이 (None, 4, 4, 4)이어야 하는데 (None, 3, 3, 4)입니다: 가로세로 크기가 다릅니다"),
    # the one unpadded conv forgotten: 16 stays 16 and the decoder reaches 32
    (lambda filters=(16, 8, 4): _upsampling(filters, narrowing="same"),
     "12번째 층의 출력이 (None, 14, 14, 16)이어야 하는데 (None, 16, 16, 16)입니다: 가로세로 크기가 다릅니다. "
     "이 층의 padding과 stride"),
    (lambda filters=(16, 8, 4): _upsampling(filters, swap=True),
     "2번째 층의 출력이 (None, 28, 28, 16)이어야 하는데 (None, 28, 28, 4)입니다: 채널 수가 다릅니다. 이 층의 필터 수"),
    (lambda filters=(16, 8, 4): _upsampling(), "filters=(32, 16, 8)로 만든 모델: 2번째 층의 출력이"),  # filters ignored
    (lambda filters=(16, 8, 4): _upsampling(filters, last="relu"), "14번째 층의 활성화 함수가 sigmoid여야 하는데 relu"),
    (lambda filters=(16, 8, 4): "model", "keras.Model을 돌려주세요"),
    (lambda filters=(16, 8, 4): pretrained.build_upsampling_autoencoder(filters), "직접 만드세요"),
])
def test_5_1_a_wrong_model_is_told_its_first_differing_layer(build, says):
    assert says in _message(ch05.BUILD_UPSAMPLING_AE, build)


@pytest.mark.parametrize("build, says", [
    (lambda filters=(16, 8, 4): _transpose(filters, up=L.Conv2D), "7번째 층은 Conv2DTranspose여야 하는데 Conv2D입니다"),
    (lambda filters=(16, 8, 4): _transpose(filters, growing="same"),
     "11번째 층의 출력이 (None, 14, 14, 16)이어야 하는데 (None, 12, 12, 16)입니다"),
    (lambda filters=(16, 8, 4): keras.models.clone_model(pretrained.build_transpose_autoencoder(filters)),
     "직접 만드세요"),
])
def test_5_8_a_wrong_model_is_told_its_first_differing_layer(build, says):
    assert says in _message(ch05.BUILD_TRANSPOSE_AE, build)


def test_a_stub_is_unanswered():
    def build_upsampling_ae(filters=(16, 8, 4)):
        # 입력 28x28x1 (the skeleton's comments stay in the student version)
        pass

    with pytest.raises(NotAnswered):
        ch05.BUILD_UPSAMPLING_AE.check_value(build_upsampling_ae)


def test_the_cases_vary_the_filters_and_include_the_checkpoints():
    filters = [args[0] for args, _, _ in ch05.model_cases(2026)]
    assert filters[:2] == [(16, 8, 4), (32, 16, 8)] and len(set(filters[2])) == 3
    assert {args[0] for args, _, _ in ch05.model_cases(1)} != {args[0] for args, _, _ in ch05.model_cases(2)}


@pytest.mark.parametrize("number, right, wrong", [
    ("5-1", lambda filters=(16, 8, 4): _upsampling(filters), lambda filters=(16, 8, 4): _upsampling(filters, swap=True)),
    ("5-8", lambda filters=(16, 8, 4): _transpose(filters), lambda filters=(16, 8, 4): _transpose(filters, up=L.Conv2D)),
])
def test_the_grader_judges_the_reported_summary_as_the_visible_check_does(number, right, wrong):
    """What the sandbox reports is plain data (codec); judged here against the reference computed here."""
    spec = REGISTRY[number].function
    for build, is_right in [(right, True), (wrong, False)]:
        verdicts = []
        for args, kwargs, description in spec.cases(2026):
            outcome = run_case(spec, f"연습 {number}", build, args, kwargs)
            assert outcome[0] == OK
            travelled = codec.decode(codec.encode(tuple(outcome)))
            verdicts.append(judge_case(spec, travelled, spec.reference(*args, **kwargs), args, kwargs, description))
        assert all(v is None for v in verdicts) == is_right, verdicts
        if not is_right:
            assert "야 하는데" in next(v for v in verdicts if v)[1]


@pytest.mark.parametrize("name, build", [("ch05_upsampling_ae", _upsampling), ("ch05_transpose_ae", _transpose)])
def test_the_checkpoints_go_into_the_learner_s_model_and_fall_back_otherwise(name, build, capsys):
    x = np.random.default_rng(0).random((3, 28, 28, 1)).astype("float32")
    reference = pretrained.load(name)
    own = build((32, 16, 8))
    model = pretrained.load_into(lambda: own, name, names=())
    assert model is own and "넣었습니다" in capsys.readouterr().out
    assert np.allclose(np.asarray(model(x)), np.asarray(reference(x)), atol=1e-6)
    fallback = pretrained.load_into(lambda: build((16, 8, 4)), name, names=())
    assert "본문의 모델로 계속합니다" in capsys.readouterr().out
    assert np.allclose(np.asarray(fallback(x)), np.asarray(reference(x)), atol=1e-6)

    def unanswered(filters=(16, 8, 4)):
        pass

    pretrained.load_into(lambda: unanswered((32, 16, 8)), name, names=())
    assert "아직 답을 넣지 않았습니다" in capsys.readouterr().out
    pretrained.load_into(lambda: not_defined_in_the_public_edition((32, 16, 8)), name, names=())  # noqa: F821
    assert "아직 답을 넣지 않았습니다" in capsys.readouterr().out


@pytest.mark.parametrize("letter, says", [
    ("D", "옵티마이저와 학습률이 다르면"), ("A", "스텝 크기를 스스로 맞추니"), ("B", "Adam과 같은 0.001이니")])
def test_5_2_every_wrong_option_gets_the_hint_naming_its_misconception(letter, says):
    assert ch05.curve_order() == (2, 0, 1)   # A: Adadelta(1.0), B: Adam, C: Adadelta()
    with pytest.raises(ExerciseCheckError) as error:
        REGISTRY["5-2"].check_value(letter)
    assert says in str(error.value) and error.value.kind == "hint"
    REGISTRY["5-2"].check_value(" c ")


def test_a_sequential_model_built_with_model_build_is_the_learner_s_own_and_the_package_s_build_is_refused():
    """``build`` is an ordinary Keras method: only the package's ``pretrained.build`` is refused (when it runs)."""
    from course_utils.exercises._own_work import judge_history

    def build_upsampling_ae(filters=(16, 8, 4)):
        model = _upsampling(filters, sequential=True)
        model.build((None, 28, 28, 1))
        return model

    ch05.BUILD_UPSAMPLING_AE.check_value(build_upsampling_ae)
    source = ("import keras\nfrom keras import layers\n"
              "def build_upsampling_ae(filters=(16, 8, 4)):\n"
              "    model = keras.Sequential([layers.Conv2D(filters[0], 3, padding='same')])\n"
              "    model.build((None, 28, 28, 1))\n    return model")
    exercise = REGISTRY["5-1"]
    assert not judge_history([source], exercise.name, exercise.banned_names, exercise.banned_variables)
    from course_utils.pretrained import build

    message = _message(ch05.BUILD_UPSAMPLING_AE, lambda filters=(16, 8, 4): build("ch05_upsampling_ae"))
    assert "직접 만드세요" in message

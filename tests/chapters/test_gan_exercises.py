"""Chapter 6's code exercises (issue 28): the learner's generator and discriminator (연습 6-1, 6-4), compared layer
by layer as chapter 7's models are, and the learner's ``train_step`` (연습 6-7), judged by one step from fixed
weights; what travels to the grader, and the chapter's payoffs (the pretrained generator in the learner's model,
the short training with the learner's step)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import tensorflow as tf

from _keras_helpers import keras
from course_utils import gan as G
from course_utils import pretrained
from course_utils.exercises import REGISTRY, ExerciseCheckError, NotAnswered, ch06
from course_utils.exercises._core import OK, judge_case, run_case
from tools.grading import codec

L = keras.layers


# --------------------------------------------------------------------------- the networks (연습 6-1, 6-4)


def _generator(latent_dim=100, padding="same", swap_first_block=False, last="tanh", functional=False, fixed=None):
    first = [L.BatchNormalization(), L.LeakyReLU(negative_slope=0.2)] if swap_first_block else \
        [L.LeakyReLU(negative_slope=0.2), L.BatchNormalization()]
    stack = [L.Dense(7 * 7 * 128)] + first + [
        L.Reshape((7, 7, 128)), L.UpSampling2D(), L.Conv2D(64, 5, padding=padding), L.BatchNormalization(),
        L.LeakyReLU(negative_slope=0.2), L.UpSampling2D(), L.Conv2D(1, 5, padding="same", activation=last)]
    inputs = keras.Input((fixed or latent_dim,))
    if not functional:
        return keras.Sequential([inputs] + stack)
    x = inputs
    for layer in stack:
        x = layer(x)
    return keras.Model(inputs, x)


def _discriminator(filters=64, strides=2, last="sigmoid", second=None):
    return keras.Sequential([
        keras.Input((28, 28, 1)), L.Conv2D(filters, 5, strides=strides, padding="same"),
        L.LeakyReLU(negative_slope=0.2), L.Dropout(0.3),
        L.Conv2D(second or 2 * filters, 5, strides=strides, padding="same"), L.LeakyReLU(negative_slope=0.2),
        L.Dropout(0.3), L.Flatten(), L.Dense(1, activation=last)])


def _message(exercise, build) -> str:
    with pytest.raises(ExerciseCheckError) as error:
        exercise.check_value(build)
    return str(error.value)


def test_right_networks_pass_sequential_or_functional():
    ch06.BUILD_GENERATOR.check_value(lambda latent_dim=100: _generator(latent_dim))
    ch06.BUILD_GENERATOR.check_value(lambda latent_dim=100: _generator(latent_dim, functional=True))
    ch06.BUILD_DISCRIMINATOR.check_value(lambda filters=64: _discriminator(filters))


@pytest.mark.parametrize("build, says", [
    (lambda latent_dim=100: _generator(fixed=100), "입력 길이는 인수(latent_dim)로"),       # 100 written in
    (lambda latent_dim=100: _generator(latent_dim, padding="valid"), "padding='same'을 빠뜨렸거나"),
    (lambda latent_dim=100: _generator(latent_dim, swap_first_block=True), "층의 순서를 확인하세요"),
    (lambda latent_dim=100: _generator(latent_dim, last=None), "activation='tanh'"),
    (lambda latent_dim=100: _generator(latent_dim, last=None), "11번째 층의 활성화 함수가 tanh여야"),
])
def test_a_wrong_generator_is_told_its_first_differing_layer_and_the_likely_mistake(build, says):
    assert says in _message(ch06.BUILD_GENERATOR, build)


@pytest.mark.parametrize("build, says", [
    (lambda filters=64: _discriminator(filters, strides=1), "strides=2로 크기를 반으로"),
    (lambda filters=64: _discriminator(filters, second=filters), "두 번째 합성곱은 첫 합성곱의 두 배"),
    (lambda filters=64: _discriminator(filters, last=None), "activation='sigmoid'"),
    (lambda filters=64: _discriminator(64), "2번째 층의 출력이"),                       # 64 written in
    (lambda filters=64: keras.Sequential([keras.Input((28, 28)), L.Flatten(), L.Dense(1, activation="sigmoid")]),
     "keras.Input(shape=(28, 28, 1))"),                                                # no channel axis
])
def test_a_wrong_discriminator_is_told_its_first_differing_layer_and_the_likely_mistake(build, says):
    assert says in _message(ch06.BUILD_DISCRIMINATOR, build)


def test_the_course_builders_and_model_copies_are_refused_and_a_stub_is_unanswered():
    assert "직접 만드세요" in _message(ch06.BUILD_GENERATOR, lambda latent_dim=100: G.build_generator(latent_dim))
    assert "직접 만드세요" in _message(ch06.BUILD_DISCRIMINATOR, lambda filters=64: keras.models.clone_model(
        G.build_discriminator(filters)))

    def stub(latent_dim=100):
        pass

    with pytest.raises(NotAnswered):
        ch06.BUILD_GENERATOR.check_value(stub)


def test_the_pretrained_generator_draws_in_the_learner_s_generator(capsys):
    noise = G.sample_noise(4, seed=3)
    reference = pretrained.load("ch06_dcgan")
    own = _generator(functional=True)
    model = pretrained.load_into(lambda: own, "ch06_dcgan", names=())
    assert model is own and "넣었습니다" in capsys.readouterr().out
    assert np.allclose(np.asarray(model(noise, training=False)), np.asarray(reference(noise, training=False)),
                       atol=1e-5)
    pretrained.load_into(lambda: _generator(padding="valid"), "ch06_dcgan", names=())
    assert "본문의 모델로 계속합니다" in capsys.readouterr().out


def test_own_network_keeps_a_right_model_and_falls_back_otherwise(capsys):
    own = _discriminator()
    assert G.own_network(lambda: own, G.build_discriminator) is own
    assert "여러분이 만든 모델로" in capsys.readouterr().out
    fallback = G.own_network(lambda: _discriminator(strides=1), G.build_discriminator)
    assert fallback.count_params() == G.build_discriminator().count_params()
    assert "본문의 모델로 계속합니다" in capsys.readouterr().out

    def unanswered():
        raise NameError("make_discriminator")

    G.own_network(unanswered, G.build_discriminator)
    assert "아직 답을 넣지 않았습니다" in capsys.readouterr().out


# --------------------------------------------------------------------------- the train_step (연습 6-7)


def _step(swap_labels=False, g_label=1.0, d_weights="d", g_weights="g", same_noise=False, summed=False,
          apply_d=True, g_first=False, two_calls=False):
    """A train_step with one typical mistake switched on (the defaults are the right step)."""

    def weights(gan, which):
        return {"d": gan.discriminator.trainable_variables, "g": gan.generator.trainable_variables,
                "both": gan.discriminator.trainable_variables + gan.generator.trainable_variables}[which]

    def d_phase(gan, real, d_noise):
        n = tf.shape(real)[0]
        real_label, fake_label = (0.0, 1.0) if swap_labels else (1.0, 0.0)
        with tf.GradientTape() as tape:
            fake = gan.generator(d_noise, training=True)
            if two_calls or summed:
                loss = (gan.loss_fn(tf.fill((n, 1), real_label), gan.discriminator(real, training=True))
                        + gan.loss_fn(tf.fill((n, 1), fake_label), gan.discriminator(fake, training=True)))
                loss = loss if summed else loss / 2
            else:
                labels = tf.concat([tf.fill((n, 1), real_label), tf.fill((n, 1), fake_label)], 0)
                loss = gan.loss_fn(labels, gan.discriminator(tf.concat([real, fake], 0), training=True))
        if apply_d:
            w = weights(gan, d_weights)
            gan.d_optimizer.apply_gradients(zip(tape.gradient(loss, w), w))
        return loss

    def g_phase(gan, noise):
        with tf.GradientTape() as tape:
            predictions = gan.discriminator(gan.generator(noise, training=True), training=True)
            loss = gan.loss_fn(tf.fill((tf.shape(noise)[0], 1), g_label), predictions)
        w = weights(gan, g_weights)
        gan.g_optimizer.apply_gradients(zip(tape.gradient(loss, w), w))
        return loss

    def train_step(gan, real_images, d_noise, g_noise):
        g_noise = d_noise if same_noise else g_noise
        if g_first:
            g_loss = g_phase(gan, g_noise)
            return d_phase(gan, real_images, d_noise), g_loss
        d_loss = d_phase(gan, real_images, d_noise)
        return d_loss, g_phase(gan, g_noise)

    return train_step


def _says(step) -> str:
    with pytest.raises(ExerciseCheckError) as error:
        ch06.TRAIN_STEP.check_value(step)
    return str(error.value)


def test_the_right_step_passes_with_one_batch_or_two_discriminator_calls():
    ch06.TRAIN_STEP.check_value(_step())
    ch06.TRAIN_STEP.check_value(_step(two_calls=True))


@pytest.mark.parametrize("mistake, says", [
    ({"d_weights": "both"}, "생성자의 가중치가 바뀌었습니다"),          # the generator updated in the D phase
    ({"g_weights": "both"}, "판별자의 가중치가 바뀌었습니다"),          # the discriminator updated in the G phase
    ({"apply_d": False}, "판별자 단계가 판별자의 가중치를 바꾸지 않았습니다"),   # forgot the optimizer
    ({"swap_labels": True}, "레이블이 뒤바뀌었습니다"),
    ({"g_label": 0.0}, "생성자 단계의 레이블이 0입니다"),
    ({"same_noise": True}, "새 노이즈 g_noise"),
    ({"summed": True}, "두 배입니다"),
    ({"g_first": True}, "판별자 단계를 먼저"),
])
def test_each_typical_mistake_gets_the_hint_naming_it(mistake, says):
    assert says in _says(_step(**mistake))


def test_the_chapter_s_own_steps_are_refused_and_odd_returns_are_told():
    def shortcut(gan, real_images, d_noise, g_noise):
        return gan.discriminator_step(real_images, d_noise), gan.generator_step(g_noise)

    def through_fit(gan, real_images, d_noise, g_noise):
        logs = gan.train_on_batch(real_images, return_dict=True)
        return logs["d_loss"], logs["g_loss"]

    assert "tf.GradientTape와 두 옵티마이저로 직접" in _says(shortcut)
    assert "tf.GradientTape와 두 옵티마이저로 직접" in _says(through_fit)
    assert isinstance(G.GAN.__dict__["update"], staticmethod)   # the check put the chapter's GAN back as it was

    def as_dict(gan, real_images, d_noise, g_noise):
        d_loss, g_loss = _step()(gan, real_images, d_noise, g_noise)
        return {"d_loss": d_loss, "g_loss": g_loss}

    assert "튜플로 돌려주세요" in _says(as_dict)


def test_the_grader_judges_the_reported_step_as_the_visible_check_does():
    """The sandbox reports floats (codec); the reference and the comparison run in the grader's process."""
    spec = REGISTRY["6-7"].function
    for step, right in [(_step(), True), (_step(g_weights="both"), False)]:
        (args, kwargs, description), = spec.cases(2026)
        outcome = run_case(spec, "연습 6-7", step, args, kwargs)
        assert outcome[0] == OK
        travelled = codec.decode(codec.encode(tuple(outcome)))
        verdict = judge_case(spec, travelled, spec.reference(*codec.decode(codec.encode(args)), **kwargs), args,
                             kwargs, description)
        assert (verdict is None) == right, verdict
    assert ch06.step_problem(_step(), seed=5) is None and ch06.step_problem(_step(g_label=0.0), seed=5)


def test_the_short_training_uses_the_learner_s_step_when_it_is_right(capsys):
    assert G.checked_train_step(lambda: _step()) is not None and "직접 쓴 train_step" in capsys.readouterr().out
    assert G.checked_train_step(lambda: _step(swap_labels=True)) is None
    assert "본문의 학습 단계로" in capsys.readouterr().out

    def unanswered():
        raise NameError("train_step")

    assert G.checked_train_step(unanswered) is None and "아직 답을" in capsys.readouterr().out

    def stub(gan, real_images, d_noise, g_noise):
        pass

    assert G.checked_train_step(lambda: stub) is None and "아직 답을 넣지 않았습니다" in capsys.readouterr().out
    images = np.random.default_rng(0).uniform(-1, 1, (32, 28, 28, 1)).astype("float32")
    histories = []
    for step in (None, _step()):
        keras.utils.set_random_seed(0)
        gan = G.make_gan(seed=0, train_step=step)
        assert isinstance(gan, G.StepGAN) == (step is not None)
        histories.append(G.train(gan, images, 2, batch_size=8, seed=0))
    for key in ("d_loss", "g_loss"):
        assert np.allclose(histories[0][key], histories[1][key], rtol=1e-3, atol=1e-4), key


# --------------------------------------------------------------------------- tanh and [-1, 1] (연습 6-3)


@pytest.mark.parametrize("letter, option_says, hint_says", [
    ("A", "0과 1 사이", "sigmoid의 출력 범위"), ("C", "음수여야", "부호에는 뜻이 없습니다"),
    ("D", "포화되지 않아", "양 끝(-1과 1 근처)에서 포화")])
def test_6_3_each_wrong_option_of_the_chapter_gets_the_hint_naming_its_misconception(letter, option_says, hint_says):
    """Issue 28, item 3: the option as the chapter prints it, and the hint that names its misconception."""
    from notebook_helpers import read

    cells = read(Path(__file__).resolve().parents[2] / "book/ch06_gan/ch06_gan.ipynb").cells
    question = next(c.source for c in cells if c.source.startswith("### 연습 6-3"))
    option = next(line for line in question.splitlines() if line.startswith(f"- {letter}. "))
    assert option_says in option, option
    with pytest.raises(ExerciseCheckError) as error:
        ch06.TANH_CHOICE.check_value(letter)
    assert hint_says in str(error.value) and error.value.kind == "hint"
    ch06.TANH_CHOICE.check_value(ch06.tanh_option())   # the computed letter passes


# --------------------------------------------------------------------------- reading the census (연습 6-9)


@pytest.mark.parametrize("letter, says", [
    ("A", "확신 비율이 가장 낮은 생성자"), ("B", "열 가지 숫자가 고르게"), ("D", "확신 비율이 높다고 잘 학습된 것은 아닙니다")])
def test_6_9_every_wrong_option_gets_the_hint_naming_its_misconception(letter, says):
    with pytest.raises(ExerciseCheckError) as error:
        ch06.COLLAPSED_GENERATOR.check_value(letter)
    assert says in str(error.value)


def test_6_9_the_chapter_draws_the_panels_in_the_declared_order_and_the_collapsed_one_is_one_digit():
    from notebook_helpers import read

    source = "\n".join(c.source for c in read(Path(__file__).resolve().parents[2] / "book/ch06_gan/ch06_gan.ipynb").cells)
    assert f"panels = np.random.default_rng({ch06.CENSUS_ROW_SEED}).permutation(3)" in source
    assert source.index('run["quality_by_step"]') < source.index('"ch06_dcgan"), seed=1234') < source.index(
        '"ch06_generator"), seed=1234')                                   # the list is CENSUS_GENERATORS' order
    run = pretrained.collapse_run()
    counts = np.asarray(run["quality_by_step"][str(run["steps"])]["counts"])
    assert np.count_nonzero(counts) == 1 and counts.sum() > 900
    assert ch06.census_panels()["ABC".index(ch06.COLLAPSED_GENERATOR.expected())] == "collapse"

"""Chapter 6 (GAN): the shared DCGAN in course_utils.gan, its training step and the
chapter's exercise checks.  (The pretrained generator: tests/test_pretrained.py.)

The numbers asserted here are the ones chapter 6 prints or relies on.
"""

from __future__ import annotations

import warnings

import pytest

import keras
import numpy as np

from course_utils import gan as G
from course_utils.exercises import ExerciseCheckError, ch06


@pytest.fixture(scope="module")
def real_batch():
    rng = np.random.default_rng(0)
    return rng.uniform(-1, 1, size=(8, 28, 28, 1)).astype("float32")


def _same(before, after):
    return all(np.array_equal(a, b) for a, b in zip(before, after))


# --- architecture: the shapes and counts the chapter shows -----------------------------

def test_generator_layer_shapes_and_params():
    generator = G.build_generator()
    shapes = [tuple(layer.output.shape) for layer in generator.layers]
    assert shapes == [
        (None, 6272), (None, 6272), (None, 6272), (None, 7, 7, 128), (None, 14, 14, 128),
        (None, 14, 14, 64), (None, 14, 14, 64), (None, 14, 14, 64), (None, 28, 28, 64), (None, 28, 28, 1),
    ]
    assert generator.count_params() == 865_281
    trainable = sum(int(np.prod(v.shape)) for v in generator.trainable_variables)
    assert trainable == 852_609  # BatchNormalization's moving mean/variance are not trainable
    assert generator.layers[-1].activation.__name__ == "tanh"


def test_discriminator_shapes_and_params():
    from course_utils.params import conv2d_params, dense_params

    discriminator = G.build_discriminator()
    assert discriminator.output_shape == (None, 1)
    assert [tuple(layer.output.shape) for layer in discriminator.layers if layer.count_params()] == [
        (None, 14, 14, 64), (None, 7, 7, 128), (None, 1)]
    counts = [layer.count_params() for layer in discriminator.layers if layer.count_params()]
    assert counts == [conv2d_params(1, 64, 5), conv2d_params(64, 128, 5), dense_params(7 * 7 * 128, 1)]
    assert counts == [1_664, 204_928, 6_273]
    assert discriminator.count_params() == 212_865
    assert discriminator(np.zeros((32, 28, 28, 1), "float32")).shape == (32, 1)


def test_wider_networks_keep_the_shapes():
    """bench_gan_recipes' --g-width/--d-width: more channels, same layers and image shapes."""
    wide_g, wide_d = G.build_generator(channels=256), G.build_discriminator(filters=128)
    assert [layer.name for layer in wide_g.layers] == [layer.name for layer in G.build_generator().layers]
    assert wide_g.get_layer("reshape").output.shape[1:] == (7, 7, 256)
    assert wide_g.get_layer("conv_1").output.shape[1:] == (14, 14, 128)
    assert wide_g.output_shape == (None, 28, 28, 1)
    assert wide_d.get_layer("conv_2").output.shape[1:] == (7, 7, 256) and wide_d.output_shape == (None, 1)


def test_moving_average_follows_the_model_with_warm_up():
    average, model = G.build_generator(), G.build_generator()
    a0, m0 = average.get_weights()[0].copy(), model.get_weights()[0]
    G.update_moving_average(average, model, step=1, decay=0.999)  # warm-up rate 2/11
    assert np.allclose(average.get_weights()[0], 2 / 11 * a0 + 9 / 11 * m0, atol=1e-6)
    before = average.get_weights()[0].copy()
    G.update_moving_average(average, model, step=10**6, decay=0.999)  # the decay itself
    assert np.allclose(average.get_weights()[0], 0.999 * before + 0.001 * m0, atol=1e-6)


def test_sample_noise_shape_and_seed():
    noise = G.sample_noise(32, seed=3)
    assert noise.shape == (32, G.LATENT_DIM) == (32, 100)
    assert noise.dtype == np.float32
    assert np.array_equal(noise, G.sample_noise(32, seed=3))
    assert not np.array_equal(noise, G.sample_noise(32, seed=4))


# --- the training step ------------------------------------------------------------------

def test_discriminator_step_updates_only_the_discriminator(real_batch):
    keras.utils.set_random_seed(0)
    gan = G.make_gan(seed=0)
    d0, g0 = G.snapshot_weights(gan.discriminator), G.snapshot_weights(gan.generator)
    gan.discriminator_step(real_batch, G.sample_noise(8, seed=1))
    d1, g1 = G.snapshot_weights(gan.discriminator), G.snapshot_weights(gan.generator)
    assert all(not np.array_equal(a, b) for a, b in zip(d0, d1)), "every discriminator weight moves"
    assert _same(g0, g1) and G.weight_change(g0, g1) == 0.0

    gan.generator_step(G.sample_noise(8, seed=2))
    d2, g2 = G.snapshot_weights(gan.discriminator), G.snapshot_weights(gan.generator)
    assert _same(d1, d2) and G.weight_change(d1, d2) == 0.0
    assert G.weight_change(g1, g2) > 0
    # every trainable generator array moves except possibly none: check the kernels
    assert not np.array_equal(g1[0], g2[0]) and not np.array_equal(g1[-2], g2[-2])


def test_train_step_updates_both_and_reports_losses(real_batch):
    keras.utils.set_random_seed(0)
    gan = G.make_gan(seed=0)
    d0, g0 = G.snapshot_weights(gan.discriminator), G.snapshot_weights(gan.generator)
    history = G.train(gan, real_batch, steps=2, batch_size=4, seed=0)
    assert G.weight_change(d0, G.snapshot_weights(gan.discriminator)) > 0
    assert G.weight_change(g0, G.snapshot_weights(gan.generator)) > 0
    assert len(history["d_loss"]) == len(history["g_loss"]) == 2
    assert all(np.isfinite(history["d_loss"])) and all(np.isfinite(history["g_loss"]))
    assert [m.name for m in gan.metrics] == ["d_loss", "g_loss"]


# --- 6.7: the conditional GAN of the pretrained generator --------------------------------

def test_noise_chooses_each_digit_equally_often():
    noise = G.sample_noise(20000, seed=3)
    digits = G.digits_of_noise(noise)
    assert np.array_equal(np.asarray(G.DigitFromNoise()(noise)).argmax(axis=1), digits)  # layer == numpy
    shares = np.bincount(digits, minlength=10) / len(digits)
    assert np.all(np.abs(shares - 0.1) < 0.01)
    # only the first 10 values decide: changing the others keeps the digit
    changed = noise.copy()
    changed[:, 10:] = G.sample_noise(20000, seed=4)[:, 10:]
    assert np.array_equal(G.digits_of_noise(changed), digits)


def test_conditional_generator_is_the_chapter_generator_with_the_digit_appended():
    generator = G.build_conditional_generator()
    chapter = G.build_generator()
    assert generator.input_shape == (None, 100) and generator.output_shape == (None, 28, 28, 1)
    # the same layers as build_generator, with 10 more inputs to the first Dense layer
    assert generator.count_params() == chapter.count_params() + 10 * 7 * 7 * 128
    images = np.asarray(generator(G.sample_noise(4, seed=0), training=False))
    assert images.min() >= -1 and images.max() <= 1


def test_conditional_discriminator_depends_on_the_digit():
    keras.utils.set_random_seed(0)
    discriminator = G.build_conditional_discriminator()
    embedding = discriminator.get_layer("digit_embedding")
    embedding.set_weights([np.random.default_rng(0).normal(0, 0.1, embedding.get_weights()[0].shape)])
    images = np.random.default_rng(1).uniform(-1, 1, (10, 28, 28, 1)).astype("float32")
    digits = np.eye(10, dtype="float32")
    same_image = np.repeat(images[:1], 10, axis=0)
    p = np.asarray(discriminator([same_image, digits], training=False))[:, 0]
    assert p.shape == (10,) and np.all((p > 0) & (p < 1)) and np.ptp(p) > 1e-3  # one image, ten verdicts
    # with a zero embedding the digit no longer matters: the chapter's discriminator on the same features
    embedding.set_weights([np.zeros_like(embedding.get_weights()[0])])
    p0 = np.asarray(discriminator([same_image, digits], training=False))[:, 0]
    assert np.ptp(p0) < 1e-6


def test_conditional_steps_update_only_their_own_network(real_batch):
    keras.utils.set_random_seed(0)
    gan = G.make_conditional_gan(seed=0)
    labels = np.arange(8) % 10
    d0, g0 = G.snapshot_weights(gan.discriminator), G.snapshot_weights(gan.generator)
    gan.discriminator_step(real_batch, G.sample_noise(8, seed=1), labels)
    d1, g1 = G.snapshot_weights(gan.discriminator), G.snapshot_weights(gan.generator)
    assert G.weight_change(d0, d1) > 0 and _same(g0, g1)
    gan.generator_step(G.sample_noise(8, seed=2))
    d2, g2 = G.snapshot_weights(gan.discriminator), G.snapshot_weights(gan.generator)
    assert _same(d1, d2) and G.weight_change(g1, g2) > 0
    history = G.train(gan, real_batch, steps=2, batch_size=4, seed=0, labels=labels)
    assert len(history["d_loss"]) == 2 and all(np.isfinite(history["g_loss"]))
    assert gan.real_label == 1.0
    with pytest.raises(ValueError, match="real_digits"):
        gan.discriminator_step(real_batch, G.sample_noise(8, seed=1))
    with pytest.raises(ValueError, match="labels=y_train"):
        G.train(gan, real_batch, steps=1, batch_size=4, seed=0)  # labels forgotten


def test_conditional_discriminator_step_pairs_real_images_with_their_labels(real_batch):
    """A discriminator that learns only from its labels' term: real pairs must be the given labels."""
    keras.utils.set_random_seed(0)
    gan = G.make_conditional_gan(seed=0)
    embedding = gan.discriminator.get_layer("digit_embedding")
    before = embedding.get_weights()[0].copy()
    noise = G.sample_noise(8, seed=1)
    labels = np.full(8, 3)
    gan.discriminator_step(real_batch, noise, labels)
    moved = np.abs(embedding.get_weights()[0] - before).sum(axis=1) > 0
    # rows that moved: digit 3 (the real labels) and the digits the noise chose for the fakes, nothing else
    assert set(np.nonzero(moved)[0].tolist()) == {3} | set(G.digits_of_noise(noise).tolist())


def test_classic_keras2_recipe_leaves_the_discriminator_untrained(real_batch):
    """Chapter 6.4 and exercise 6-5: Keras 3 reads `trainable` when the step runs."""
    keras.utils.set_random_seed(0)
    generator, discriminator = G.build_generator(), G.build_discriminator()
    discriminator.compile(loss="binary_crossentropy", optimizer="adam")
    discriminator.trainable = False
    z = keras.Input(shape=(100,))
    gan = keras.Model(z, discriminator(generator(z)))
    gan.compile(loss="binary_crossentropy", optimizer="adam")
    noise, ones = G.sample_noise(8, seed=0), np.ones((8, 1))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        d0, g0 = [discriminator.layers[0].kernel.numpy()], [generator.layers[0].kernel.numpy()]
        loss = discriminator.train_on_batch(real_batch, ones)
        d1, g1 = [discriminator.layers[0].kernel.numpy()], [generator.layers[0].kernel.numpy()]
        gan.train_on_batch(noise, ones)
        d2, g2 = [discriminator.layers[0].kernel.numpy()], [generator.layers[0].kernel.numpy()]
    assert np.isfinite(loss)
    assert G.weight_change(d0, d1) == 0.0 and G.weight_change(g0, g1) == 0.0
    assert G.weight_change(d1, d2) == 0.0 and G.weight_change(g1, g2) > 0
    assert any("does not have any trainable weights" in str(w.message) for w in caught)
    discriminator.trainable = True  # switching back without recompiling does not help
    discriminator.train_on_batch(real_batch, ones)
    assert np.array_equal(discriminator.layers[0].kernel.numpy(), d2[0])
    discriminator.compile(loss="binary_crossentropy", optimizer="adam")  # recompiling does
    discriminator.train_on_batch(real_batch, ones)
    assert not np.array_equal(discriminator.layers[0].kernel.numpy(), d2[0])


# --- the exercise checks ----------------------------------------------------------------

RIGHT = [
    (ch06.GENERATOR_PARAMS.check_value, 865_281),
    (ch06.STRIDE1_PARAMS.check_value, 100_353),
    (ch06.COND_INPUT_SHAPE.check_value, (48, 110)),
    (ch06.TANH_CHOICE.check_value, "b"),
    (ch06.FREEZE_CHOICE.check_value, " B "),
]


@pytest.mark.parametrize("check, answer", RIGHT)
def test_checks_accept_right_answers(check, answer, capsys):
    check(answer)
    out = capsys.readouterr().out
    assert "통과" in out or "강사의 채점" in out


@pytest.mark.parametrize("letter, says", [("A", "sigmoid의 출력 범위"), ("C", "부호에는 뜻이 없습니다"),
                                          ("D", "양 끝(-1과 1 근처)에서 포화")])
def test_6_3_is_computed_from_tanh_and_every_wrong_option_names_its_misconception(letter, says):
    """Issue 28: 6-3's letter follows from tanh itself (its range, its slope at the ends), each wrong option is hinted."""
    assert ch06.tanh_option() == "B"
    assert float(np.tanh(-1.0)) < 0 < float(np.tanh(1.0)) and 1 - float(np.tanh(6.0)) ** 2 < 0.01
    with pytest.raises(ExerciseCheckError) as error:
        ch06.TANH_CHOICE.check_value(letter)
    assert says in str(error.value)


def test_right_answers_match_the_models():
    assert RIGHT[0][1] == G.build_generator().count_params()
    stride1 = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Conv2D(64, 5, padding="same"),
                                keras.layers.Conv2D(128, 5, padding="same"), keras.layers.Flatten(),
                                keras.layers.Dense(1)])
    assert RIGHT[1][1] == stride1.layers[-1].count_params()
    assert RIGHT[2][1] == tuple(G.build_conditional_generator().get_layer("noise_and_digit")(
        [G.sample_noise(48), np.zeros((48, 10), "float32")]).shape)
    ch06.GENERATOR_PARAMS.check_value(np.int64(865_281))  # numpy integers work too


@pytest.mark.parametrize("check, answer, fragment", [
    (ch06.GENERATOR_PARAMS.check_value, 852_609, "이동 평균"),
    (ch06.GENERATOR_PARAMS.check_value, 839_937, "BatchNormalization"),
    (ch06.GENERATOR_PARAMS.check_value, 865_281 - 64 - 1, "편향"),
    (ch06.GENERATOR_PARAMS.check_value, 1000, "Dense"),
    (ch06.GENERATOR_PARAMS.check_value, 865_281.5, "정수"),
    (ch06.STRIDE1_PARAMS.check_value, 7 * 7 * 128 + 1, "stride 1에 padding='same'이면"),   # kept stride 2
    (ch06.STRIDE1_PARAMS.check_value, 14 * 14 * 128 + 1, "28×28입니다"),                # changed only one
    (ch06.STRIDE1_PARAMS.check_value, 28 * 28 * 128, "편향"),
    (ch06.STRIDE1_PARAMS.check_value, 28 * 28 * 64 + 1, "두 번째 합성곱의 필터 수(128개)"),
    (ch06.STRIDE1_PARAMS.check_value, 5 * 5 * 64 * 128 + 128, "stride와 상관없이"),
    (ch06.COND_INPUT_SHAPE.check_value, [48, None], "정수 2개로 된 튜플"),
    (ch06.COND_INPUT_SHAPE.check_value, (48, 100), "노이즈만"),
    (ch06.COND_INPUT_SHAPE.check_value, (48, 101), "one-hot"),
    (ch06.COND_INPUT_SHAPE.check_value, (48, 10), "one-hot 벡터만"),
    (ch06.COND_INPUT_SHAPE.check_value, (110, 48), "순서"),
    (ch06.TANH_CHOICE.check_value, "E", '"A", "B", "C", "D" 중 하나'),
    (ch06.FREEZE_CHOICE.check_value, 3, "문자열"),
])
def test_checks_reject_wrong_answers_with_a_hint(check, answer, fragment):
    with pytest.raises(ExerciseCheckError) as error:
        check(answer)
    assert fragment in str(error.value)


@pytest.mark.parametrize("check", [c for c, _ in RIGHT])
def test_checks_say_when_there_is_no_answer(check):
    with pytest.raises(ExerciseCheckError, match="아직 답을 넣지 않았습니다"):
        check(None)


@pytest.mark.parametrize("letter, says", [("A", "처음 만들어질 때 읽습니다"), ("C", "gan의 학습 단계는"),
                                          ("D", "오류를 내지 않습니다")])
def test_6_6_is_computed_by_running_its_set_up_and_every_wrong_option_names_its_misconception(letter, says):
    assert ch06.freeze_outcome() == "B"      # the claim test of chapter 6 runs the same set-up on the chapter's GAN
    with pytest.raises(ExerciseCheckError) as error:
        ch06.FREEZE_CHOICE.check_value(letter)
    assert says in str(error.value)

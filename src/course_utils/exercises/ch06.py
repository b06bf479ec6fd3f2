"""Exercise declarations of chapter 6, GAN (book/ch06_gan).

The value answers are computed with :mod:`course_utils.params` from the layers of
:func:`course_utils.gan.build_generator` and :func:`course_utils.gan.build_discriminator`
(described here without importing TensorFlow).  연습 6-4 and 6-5 are conceptual
multiple choice: no computation gives their letter, so their only authority is the
literal in the instructor's hidden test, and the visible check validates the format
and says so (anything the public package compared with would reveal the letter).
"""

from __future__ import annotations

import numpy as np

from course_utils.exercises._own_work import NUMBER_RULE
from course_utils.exercises._core import (INT, SHAPE, ExerciseCheckError, FunctionSpec, choice_exercise,
                                          function_exercise, judge_case, run_case, value_exercise)
from course_utils.params import conv2d_params, dense_params

LATENT_DIM = 100          # as the question states (course_utils.gan.LATENT_DIM)
BATCH = 32                # 연습 6-3
REAL, FAKE = 16, 16       # 연습 6-2
# The generator of 6.2: Dense(7*7*128) -> BN -> LeakyReLU -> Reshape -> UpSampling2D -> Conv2D(64, 5)
# -> BN -> LeakyReLU -> UpSampling2D -> Conv2D(1, 5, tanh).
SEED_SHAPE = (7, 7, 128)
CONV_FILTERS = [64, 1]
KERNEL = 5


def batch_norm_params(features: int) -> int:
    """γ, β (trained) and the moving mean and variance (not trained): 4 per feature."""
    return 4 * features


def generator_layer_params() -> list:
    """(layer name, parameters) of the generator, in order."""
    h, w, c = SEED_SHAPE
    layers = [("Dense", dense_params(LATENT_DIM, h * w * c)), ("BatchNormalization", batch_norm_params(h * w * c))]
    channels = c
    for i, filters in enumerate(CONV_FILTERS):
        layers.append(("Conv2D", conv2d_params(channels, filters, KERNEL)))
        if i < len(CONV_FILTERS) - 1:
            layers.append(("BatchNormalization", batch_norm_params(filters)))
        channels = filters
    return layers


def generator_params() -> int:
    """The generator's parameter count, the sum of :func:`generator_layer_params` (연습 6-1)."""
    return sum(count for _name, count in generator_layer_params())


def _generator_hint(value, expected):
    layers = generator_layer_params()
    bn = sum(n for name, n in layers if name == "BatchNormalization")
    if value == expected - bn // 2:
        return ("학습되는 파라미터만 세었습니다. count_params()는 BatchNormalization의 "
                "이동 평균과 이동 분산(학습되지 않는 가중치)도 함께 셉니다.")
    if value == expected - bn:
        return "BatchNormalization 레이어에도 파라미터가 있습니다: 채널(특징)마다 4개입니다."
    if value == expected - sum(CONV_FILTERS):
        return "Conv2D 레이어의 편향(필터마다 하나)을 빠뜨렸습니다."
    if value < layers[0][1]:
        return "첫 Dense 레이어(100 → 7×7×128)의 가중치만으로도 60만 개가 넘습니다."
    return ("레이어별로 더해 보세요. Dense: 입력×출력+출력, Conv2D: 5×5×입력 채널×필터+필터, "
            "BatchNormalization: 채널×4, LeakyReLU·Reshape·UpSampling2D: 0.")


def _d_output_hint(value, expected):
    if len(value) == 1:
        return "Dense(1)의 출력에는 길이 1인 마지막 축이 남습니다."
    if len(value) == 4:
        return "판별자는 이미지 한 장마다 '진짜일 확률' 하나를 내놓습니다."
    if len(value) == 2 and value[1] == expected[1]:
        return "진짜 이미지와 가짜 이미지를 하나의 배치로 이어 붙였습니다. 배치 축의 길이는?"
    return "판별자의 마지막 레이어는 Dense(1, activation='sigmoid')입니다."


def _noise_hint(value, expected):
    if len(value) == 1:
        return "배치 하나에는 노이즈 벡터가 여러 개 들어 있습니다: (배치, 노이즈 차원)."
    if len(value) == 4:
        return "노이즈는 이미지가 아니라 생성자의 입력 벡터입니다."
    if tuple(value) == tuple(reversed(expected)):
        return "축의 순서를 확인하세요. 배치 축이 맨 앞에 옵니다."
    return "생성자의 입력은 LATENT_DIM차원 벡터이고, 배치 크기는 문제에 나온 값입니다."


GENERATOR_PARAMS = value_exercise("6-1", "생성자의 파라미터 수", "generator_params", INT, generator_params,
                                  [_generator_hint])
D_OUTPUT_SHAPE = value_exercise("6-2", "판별자 출력의 shape", "d_output_shape", SHAPE, lambda: (REAL + FAKE, 1),
                                [_d_output_hint], banned=NUMBER_RULE | {"shape"}, variables={"discriminator"})
NOISE_SHAPE = value_exercise("6-3", "노이즈 배치의 shape", "noise_shape", SHAPE, lambda: (BATCH, LATENT_DIM),
                             [_noise_hint], banned=NUMBER_RULE | {"shape"})
TANH_CHOICE = choice_exercise("6-4", "tanh와 [-1, 1]", "tanh_choice")
FREEZE_CHOICE = choice_exercise("6-5", "판별자 얼리기", "freeze_choice")


# ----------------------------------------------------------------- the learner's train_step (6.5)

STEP_BATCH = 8             # the fixed batch of the train_step check
STEP_LEARNING_RATE = 2e-4  # make_gan's, for both networks
#: What the learner's train_step may not call: the chapter's own steps (the reference) and Keras' training loops.
STEP_COPY_NAMES = frozenset({"discriminator_step", "generator_step", "update", "train_step", "train_on_batch", "fit",
                             "make_gan", "train"})


def step_cases(seed: int = 65) -> list:
    """The case of the train_step exercise: fixed weights (a seed), a fixed batch of real images in [-1, 1] and the
    two noise batches, as plain data."""
    from course_utils.gan import LATENT_DIM

    rng = np.random.default_rng(seed)
    real = rng.uniform(-1, 1, (STEP_BATCH, 28, 28, 1)).astype("float32")
    d_noise, g_noise = (rng.standard_normal((STEP_BATCH, LATENT_DIM)).astype("float32") for _ in range(2))
    return [((int(rng.integers(1000)), real, d_noise, g_noise), {}, "고정한 가중치와 배치 하나로 한 학습 단계")]


def step_gan(weight_seed: int, d_rate: float = STEP_LEARNING_RATE, g_rate: float = STEP_LEARNING_RATE):
    """A compiled :class:`course_utils.gan.GAN` with the weights of ``weight_seed`` and the given learning rates.

    The discriminator's dropout is off (rate 0), so a step gives the same losses however the learner feeds it
    the real and the generated images (one concatenated batch or two calls).
    """
    import keras

    from course_utils.gan import GAN, build_discriminator, build_generator

    keras.utils.set_random_seed(weight_seed)
    generator, discriminator = build_generator(), build_discriminator()
    for layer in discriminator.layers:
        if isinstance(layer, keras.layers.Dropout):
            layer.rate = 0.0
    gan = GAN(generator, discriminator, seed=weight_seed)
    gan.compile(d_optimizer=keras.optimizers.Adam(d_rate, beta_1=0.5),
                g_optimizer=keras.optimizers.Adam(g_rate, beta_1=0.5),
                loss_fn=keras.losses.BinaryCrossentropy())
    return gan


def _one_step(step, weight_seed, real, d_noise, g_noise, d_rate, g_rate) -> tuple:
    """(d_loss, g_loss, discriminator change, generator change) of ``step(gan, real, d_noise, g_noise)``."""
    from course_utils.gan import snapshot_weights, weight_change

    gan = step_gan(weight_seed, d_rate, g_rate)
    d_before, g_before = snapshot_weights(gan.discriminator), snapshot_weights(gan.generator)
    losses = step(gan, real, d_noise, g_noise)
    if isinstance(losses, dict) or not isinstance(losses, (tuple, list)) or len(losses) != 2:
        raise ExerciseCheckError("(d_loss, g_loss) 두 손실을 튜플로 돌려주세요 (판별자 단계의 손실, 생성자 단계의 손실).")
    try:
        d_loss, g_loss = (float(np.asarray(loss)) for loss in losses)
    except (TypeError, ValueError):
        raise ExerciseCheckError("d_loss와 g_loss는 숫자 하나(스칼라 텐서)여야 합니다: 손실 함수의 결과를 그대로 "
                                 "돌려주세요.") from None
    return (d_loss, g_loss, weight_change(d_before, snapshot_weights(gan.discriminator)),
            weight_change(g_before, snapshot_weights(gan.generator)))


def _run_step(step, args, kwargs):
    """Runs next to the learner's code: one step with only d_optimizer learning, one with only g_optimizer learning
    (the other's learning rate 0), as plain floats: which optimizer changed which network, and the losses."""
    weight_seed, real, d_noise, g_noise = args
    return (_one_step(step, weight_seed, real, d_noise, g_noise, STEP_LEARNING_RATE, 0.0),
            _one_step(step, weight_seed, real, d_noise, g_noise, 0.0, STEP_LEARNING_RATE))


def _reference_steps(gan, real, d_noise, g_noise):
    """The reference's step (course_utils.gan.GAN.discriminator_step, then generator_step) as a step function."""
    return gan.discriminator_step(real, d_noise), gan.generator_step(g_noise)


def _reference_step(weight_seed, real, d_noise, g_noise):
    """The reference's two runs (as :func:`_run_step`) and the losses of typical mistakes, for the hints."""
    import tensorflow as tf

    runs = (_one_step(_reference_steps, weight_seed, real, d_noise, g_noise, STEP_LEARNING_RATE, 0.0),
            _one_step(_reference_steps, weight_seed, real, d_noise, g_noise, 0.0, STEP_LEARNING_RATE))
    gan = step_gan(weight_seed)
    ones, zeros = tf.ones((STEP_BATCH, 1)), tf.zeros((STEP_BATCH, 1))
    fake = gan.generator(d_noise, training=True)
    swapped = gan.loss_fn(tf.concat([zeros, ones], 0), gan.discriminator(tf.concat([real, fake], 0), training=True))
    g_before_d = gan.loss_fn(ones, gan.discriminator(gan.generator(g_noise, training=True), training=True))
    gan.discriminator_step(real, d_noise)
    g_zero_label = gan.loss_fn(zeros, gan.discriminator(gan.generator(g_noise, training=True), training=True))
    g_same_noise = gan.loss_fn(ones, gan.discriminator(gan.generator(d_noise, training=True), training=True))
    mistakes = {"d_swapped": float(swapped), "d_sum": 2 * runs[0][0], "g_zero_label": float(g_zero_label),
                "g_same_noise": float(g_same_noise), "g_before_d": float(g_before_d)}
    return (runs, mistakes)


def _close(a, b, rtol=1e-3, atol=1e-4) -> bool:
    return bool(np.isfinite(a) and abs(a - b) <= atol + rtol * abs(b))


def _compare_step(received, expected, args, kwargs, where):
    """Korean message naming the first thing the learner's step does differently, else None (visible and grader)."""
    try:
        (d_loss, g_loss, d_only_d, d_only_g), (_, _, g_only_d, g_only_g) = (
            tuple(float(v) for v in run) for run in received)
    except (TypeError, ValueError):
        return f"{where}: 결과를 읽을 수 없습니다. (d_loss, g_loss) 두 손실을 튜플로 돌려주세요."
    (ref_d_loss, ref_g_loss, ref_d_change, _), (_d, _g2, _, ref_g_change) = expected[0]
    mistakes = expected[1]
    if d_only_g != 0.0:
        return ("g_optimizer의 학습률을 0으로 두고 실행했는데도 생성자의 가중치가 바뀌었습니다. 생성자를 바꾸는 것은 "
                "gan.g_optimizer뿐이어야 합니다: 판별자 단계에서 d_optimizer에 생성자의 가중치까지 넘겼거나"
                "(가짜 이미지를 만든 생성자까지 갱신), 두 옵티마이저를 바꿔 썼거나, 새 옵티마이저를 만들었나요?")
    if g_only_d != 0.0:
        return ("d_optimizer의 학습률을 0으로 두고 실행했는데도 판별자의 가중치가 바뀌었습니다. 생성자 단계에서는 판별자를 "
                "손실 계산에만 쓰고 갱신하지 않습니다: g_optimizer에는 gan.generator.trainable_variables만 넘기세요.")
    if d_only_d == 0.0:
        return ("판별자 단계가 판별자의 가중치를 바꾸지 않았습니다: GradientTape로 구한 기울기를 "
                "gan.d_optimizer.apply_gradients(zip(기울기, gan.discriminator.trainable_variables))로 적용했나요?")
    if g_only_g == 0.0:
        return ("생성자 단계가 생성자의 가중치를 바꾸지 않았습니다: 판별자의 출력까지 GradientTape 안에서 계산하고, "
                "gan.g_optimizer.apply_gradients(zip(기울기, gan.generator.trainable_variables))로 적용했나요?")
    if not _close(d_loss, ref_d_loss):
        if _close(d_loss, mistakes["d_swapped"]):
            return "판별자 단계의 레이블이 뒤바뀌었습니다: 진짜 이미지는 1, 생성자가 만든 가짜 이미지는 0입니다."
        if _close(d_loss, mistakes["d_sum"]):
            return ("판별자 손실이 두 배입니다: 진짜의 손실과 가짜의 손실을 더했나요? 둘을 이어 붙인 배치 하나의 손실"
                    "(곧 두 손실의 평균)을 쓰세요.")
        return ("판별자 단계의 손실이 다릅니다: 진짜(d_noise가 아니라 real_images)와 gan.generator(d_noise, training=True)로 "
                "만든 가짜를 판별자에 training=True로 넣고, gan.loss_fn으로 레이블(진짜 1, 가짜 0)과 비교하세요.")
    if not _close(g_loss, ref_g_loss):
        if _close(g_loss, mistakes["g_zero_label"]):
            return ("생성자 단계의 레이블이 0입니다: 생성자는 판별자가 가짜를 '진짜(1)'라고 말하도록 배웁니다. "
                    "가짜 이미지에 레이블 1을 붙이세요.")
        if _close(g_loss, mistakes["g_same_noise"]):
            return "생성자 단계에 판별자 단계의 노이즈(d_noise)를 다시 썼습니다: 생성자 단계는 새 노이즈 g_noise를 씁니다."
        if _close(g_loss, mistakes["g_before_d"]):
            return ("생성자 단계의 손실이 갱신 전의 판별자로 계산되었습니다: 판별자 단계를 먼저 끝내고(판별자 갱신), "
                    "그다음 생성자 단계를 하세요.")
        return ("생성자 단계의 손실이 다릅니다: gan.generator(g_noise, training=True)로 만든 이미지를 "
                "gan.discriminator(..., training=True)에 넣고, 레이블 1과 gan.loss_fn으로 비교하세요.")
    if not (_close(d_only_d, ref_d_change, rtol=1e-2) and _close(g_only_g, ref_g_change, rtol=1e-2)):
        return ("손실은 맞지만 가중치가 바뀐 크기가 한 번의 갱신과 다릅니다: 단계마다 apply_gradients를 꼭 한 번씩, "
                "그 단계의 손실의 기울기로 부르세요.")
    return None


def _reference_step_functions() -> list:
    """What the learner's train_step must not call: the chapter's own steps (the reference) and Keras' loops."""
    from course_utils import gan

    # GAN.update, a staticmethod, is left to the reading of the code (STEP_COPY_NAMES): blocking it here would
    # put it back as a plain function
    return [(gan.GAN, name) for name in ("discriminator_step", "generator_step", "train_step",
                                         "train_on_batch", "fit")] + [(gan, "make_gan"), (gan, "train")]


_STEP_REFUSAL = ("이 연습은 직접 쓴 학습 단계를 검사합니다. gan.discriminator_step·generator_step·update나 "
                 "train_on_batch·fit 대신 tf.GradientTape와 두 옵티마이저로 직접 쓰세요.")
TRAIN_STEP = function_exercise("6-7", "GAN의 학습 단계 쓰기", "train_step", FunctionSpec(
    cases=step_cases, reference=_reference_step, seed=65, run=_run_step, compare=_compare_step,
    blocked=_reference_step_functions, banned_names=STEP_COPY_NAMES, refusal=_STEP_REFUSAL))


def own_train_step(get):
    """The learner's train_step when it passes the check of its exercise, else None with one Korean line (6.6).

    ``get()`` returns the learner's function (a ``lambda: train_step``, so an unanswered exercise is a NameError
    here, not in the chapter's cell).  Used by :func:`course_utils.gan.make_gan`.
    """
    try:
        step = get()
    except NameError:
        step = None
    problem = None if callable(step) else "아직 답을 넣지 않았습니다"
    spec = TRAIN_STEP.function
    if problem is None:
        for args, kwargs, description in spec.cases(spec.seed):
            verdict = judge_case(spec, run_case(spec, TRAIN_STEP.label, step, args, kwargs),
                                 spec.reference(*args, **kwargs), args, kwargs, description)
            if verdict:
                problem = ("아직 답을 넣지 않았습니다" if verdict[0] == "unanswered"
                           else f"연습 {TRAIN_STEP.number}의 답이 아직 맞지 않습니다")
                break
    if problem:
        print(f"ℹ️ 여러분의 train_step 대신 본문의 학습 단계로 학습합니다 ({problem}).")
        return None
    print(f"✅ 연습 {TRAIN_STEP.number}에서 직접 쓴 train_step으로 학습합니다.")
    return step


def step_problem(step, seed: int) -> "str | None":
    """What is wrong with ``step`` on the case of ``seed`` (a Korean message), else None: 연습 6-7's hidden test."""
    spec = TRAIN_STEP.function
    (args, kwargs, description), = spec.cases(seed)
    verdict = judge_case(spec, run_case(spec, TRAIN_STEP.label, step, args, kwargs), spec.reference(*args, **kwargs),
                         args, kwargs, description)
    return verdict[1] if verdict else None

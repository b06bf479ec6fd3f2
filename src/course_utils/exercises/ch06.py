"""Exercise declarations of chapter 6, GAN (book/ch06_gan).

The value answers are computed with :mod:`course_utils.params` from the layers of
:func:`course_utils.gan.build_generator` and :func:`course_utils.gan.build_discriminator`
(described here without importing TensorFlow).  The number exercises 6-2, 6-5 and 6-8 draw their
numbers from the learner's 학번 (``_variants.py``; the book's are variant 0).  연습 6-3's letter is
computed by checking each option's claim about tanh numerically (:func:`tanh_option`), and 연습 6-6's by
running the set-up it describes on small Keras models (:func:`freeze_outcome`), so both checks name each
wrong option's misconception.  The learner's models (연습 6-1, 6-4) are compared layer by layer with the
chapter's (``_models.py``), and the learner's ``train_step`` (연습 6-7) by one step from fixed weights.
"""

from __future__ import annotations

import functools

import numpy as np

from course_utils.exercises._own_work import NUMBER_RULE
from course_utils.exercises._core import (INT, SHAPE, ExerciseCheckError, FunctionSpec, choice_exercise,
                                          function_exercise, is_stub, judge_case, panel_choice_exercise, run_case,
                                          value_exercise)
from course_utils.exercises._variants import Numbers, Variants
from course_utils.params import conv2d_params, dense_params

LATENT_DIM = 100          # as the question states (course_utils.gan.LATENT_DIM)
NUM_DIGITS = 10           # the conditional GAN's one-hot digit (course_utils.gan.NUM_DIGITS)
SEED_SIDE = 7             # the generator's Dense is reshaped to 7x7 maps: two upsamplings give 28x28

# The book's numbers (variant 0); every student draws their own from the ranges below (``_variants.py``).
# 연습 6-2, the generator of 6.2: Dense(7*7*channels) -> LeakyReLU -> BN -> Reshape -> UpSampling2D
# -> Conv2D(filters, kernel) -> BN -> LeakyReLU -> UpSampling2D -> Conv2D(1, kernel, tanh).
GENERATOR_BOOK = {"latent": LATENT_DIM, "channels": 128, "filters": 64, "kernel_size": 5}
# 연습 6-5, the discriminator of 6.3 on side x side x 1 images, both convolutions at stride 1 ('same').
STRIDE1_BOOK = {"side": 28, "filters": (64, 128), "kernel_size": 5}
# 연습 6-8, the conditional generator of 6.7 (noise length ``latent``) on a batch of ``batch`` noises.
COND_BOOK = {"batch": 48, "latent": LATENT_DIM}


def _n(n, book) -> Numbers:
    return Numbers(book, book=True) if n is None else n


def _is_book(n, book) -> bool:
    return dict(n) == dict(book)


def batch_norm_params(features: int) -> int:
    """γ, β (trained) and the moving mean and variance (not trained): 4 per feature."""
    return 4 * features


def generator_layer_params(n: Numbers = None) -> list:
    """(layer name, parameters) of 연습 6-2's generator, in order (``n``: a variant, default the book's)."""
    n = _n(n, GENERATOR_BOOK)
    c, f, k = n["channels"], n["filters"], n["kernel_size"]
    seed = SEED_SIDE * SEED_SIDE * c
    return [("Dense", dense_params(n["latent"], seed)), ("BatchNormalization", batch_norm_params(seed)),
            ("Conv2D", conv2d_params(c, f, k)), ("BatchNormalization", batch_norm_params(f)),
            ("Conv2D", conv2d_params(f, 1, k))]


def generator_params(n: Numbers = None) -> int:
    """The generator's parameter count, the sum of :func:`generator_layer_params` (연습 6-2)."""
    return sum(count for _name, count in generator_layer_params(n))


def _draw_generator(rng) -> dict:
    """Noise of 32-128, a 7x7 seed of 64-256 channels, a first convolution of 16-96 filters (fewer than the seed's
    channels, as in the book) and a kernel of 3 or 5 (never 1): every layer has parameters, BatchNormalization too."""
    channels = int(rng.choice([64, 96, 128, 160, 192, 256]))
    filters = int(rng.choice([f for f in (16, 32, 48, 64, 96) if f < channels]))
    return {"latent": int(rng.choice([32, 48, 50, 64, 80, 100, 128])), "channels": channels, "filters": filters,
            "kernel_size": int(rng.choice([3, 5]))}


def _generator_prompt(n) -> str:
    L, c, f, k = n["latent"], n["channels"], n["filters"], n["kernel_size"]
    which = ("6.2절의 생성자(build_generator())" if _is_book(n, GENERATOR_BOOK)
             else "6.2절의 생성자와 같은 구조에 숫자만 바꾼 다음 생성자")
    return (f"{which}의 전체 파라미터 수, 곧 generator.count_params()가 돌려줄 값을 레이어별로 계산해 "
            "정수 generator_params로 답하세요.\n\n"
            f"keras.Input(shape=({L},))\n"
            f"→ Dense({SEED_SIDE} * {SEED_SIDE} * {c}) → LeakyReLU → BatchNormalization → "
            f"Reshape(({SEED_SIDE}, {SEED_SIDE}, {c}))\n"
            f"→ UpSampling2D → Conv2D({f}, {k}, padding=\"same\") → BatchNormalization → LeakyReLU\n"
            f"→ UpSampling2D → Conv2D(1, {k}, padding=\"same\", activation=\"tanh\")")


def _generator_hint(value, expected, n=None):
    n = _n(n, GENERATOR_BOOK)
    layers = generator_layer_params(n)
    bn = sum(count for name, count in layers if name == "BatchNormalization")
    L, c, f, k = n["latent"], n["channels"], n["filters"], n["kernel_size"]
    if value == expected - bn // 2:
        return ("학습되는 파라미터만 세었습니다. count_params()는 BatchNormalization의 "
                "이동 평균과 이동 분산(학습되지 않는 가중치)도 함께 셉니다.")
    if value == expected - bn:
        return "BatchNormalization 레이어에도 파라미터가 있습니다: 채널(특징)마다 4개입니다."
    if value == expected - (f + 1):
        return "Conv2D 레이어의 편향(필터마다 하나)을 빠뜨렸습니다."
    if value < layers[0][1]:
        return (f"첫 Dense 레이어({L} → {SEED_SIDE}×{SEED_SIDE}×{c})의 가중치만으로도 "
                f"{L * SEED_SIDE * SEED_SIDE * c:,}개입니다.")
    return (f"레이어별로 더해 보세요. Dense: 입력×출력+출력, Conv2D: {k}×{k}×입력 채널×필터+필터, "
            "BatchNormalization: 채널×4, LeakyReLU·Reshape·UpSampling2D: 0.")


def _generator_mistakes(n) -> list:
    """The mistakes :func:`_generator_hint` names: trained parameters only, no BatchNormalization, no conv biases."""
    right = generator_params(n)
    bn = sum(count for name, count in generator_layer_params(n) if name == "BatchNormalization")
    return [right - bn // 2, right - bn, right - (n["filters"] + 1)]


def stride1_dense_params(n: Numbers = None) -> int:
    """연습 6-5: the discriminator's last Dense(1) when both convolutions have stride 1 ('same': the side stays)."""
    n = _n(n, STRIDE1_BOOK)
    return dense_params(n["side"] * n["side"] * n["filters"][1], 1)


def _stride1_wrong_sides(n) -> dict:
    """{Dense(1) parameters: side} of the maps a learner who kept a stride of 2 would flatten (both, or one)."""
    side, second = n["side"], n["filters"][1]
    return {dense_params(s * s * second, 1): s for s in (side // 4, side // 2)}


def _stride1_mistakes(n) -> list:
    """The mistakes :func:`_stride1_hint` names: a stride kept (one or both), no bias, the first conv's channels,
    a convolution's parameters."""
    side, (f1, f2), k = n["side"], n["filters"], n["kernel_size"]
    return (list(_stride1_wrong_sides(n)) + [side * side * f2, dense_params(side * side * f1, 1)]
            + [conv2d_params(f1, f2, k), conv2d_params(1, f1, k)])


def _draw_stride1(rng) -> dict:
    """Images of 20-40 pixels a side (a multiple of 4: both stride-2 convolutions of the original halve it exactly),
    a first convolution of 16-64 filters, a second with more, a kernel of 3, 5 or 7: every mistake the hints name
    gives its own wrong answer."""
    while True:
        f1 = int(rng.choice([16, 24, 32, 48, 64]))
        n = {"side": int(rng.choice([20, 24, 28, 32, 36, 40])),
             "filters": (f1, int(rng.choice([f for f in (32, 40, 48, 64, 80, 96, 128, 160) if f > f1]))),
             "kernel_size": int(rng.choice([3, 5, 7]))}
        values = [stride1_dense_params(Numbers(n))] + _stride1_mistakes(Numbers(n))
        if len(set(values)) == len(values):
            return n


def _stride1_prompt(n) -> str:
    side, (f1, f2), k = n["side"], n["filters"], n["kernel_size"]
    which = "6.3절의 판별자" if _is_book(n, STRIDE1_BOOK) else "6.3절의 판별자와 같은 구조에 숫자만 바꾼 다음 판별자"
    return (f"{which}는 {side}×{side}×1 이미지를 받습니다.\n\n"
            f"Conv2D({f1}, {k}, strides=2, padding=\"same\") → LeakyReLU → Dropout\n"
            f"→ Conv2D({f2}, {k}, strides=2, padding=\"same\") → LeakyReLU → Dropout → Flatten → Dense(1)\n\n"
            "두 합성곱을 strides=1로 바꾸고 나머지는 그대로 두면, 마지막 Dense(1) 층의 파라미터 수는 몇 개일까요? "
            "정수 stride1_dense_params로 답하세요.")


def _stride1_hint(value, expected, n=None):
    n = _n(n, STRIDE1_BOOK)
    side, (f1, f2), k = n["side"], n["filters"], n["kernel_size"]
    wrong_side = _stride1_wrong_sides(n)
    if value in wrong_side:
        s = wrong_side[value]
        return (f"{s}×{s} 지도로 세었습니다. stride 1에 padding='same'이면 합성곱은 크기를 바꾸지 않으니, "
                f"두 합성곱을 지나도 {side}×{side}입니다.")
    if value == expected - 1:
        return "Dense(1)의 편향 1개를 더하세요."
    if value == dense_params(side * side * f1, 1):
        return f"Flatten 앞의 채널 수는 두 번째 합성곱의 필터 수({f2}개)입니다."
    if value in (conv2d_params(f1, f2, k), conv2d_params(1, f1, k)):
        return ("합성곱의 파라미터 수를 답했습니다. 합성곱의 파라미터는 stride와 상관없이 그대로이고, 바뀌는 것은 "
                "Flatten의 길이, 곧 Dense의 입력 수입니다.")
    return "Dense(1)의 파라미터 수는 Flatten의 길이(높이 × 너비 × 채널) + 1(편향)입니다."


def cond_input_shape(n: Numbers = None) -> tuple:
    """연습 6-8: the conditional generator's Concatenate output for a batch of noises (noise + one-hot digit)."""
    n = _n(n, COND_BOOK)
    return (n["batch"], n["latent"] + NUM_DIGITS)


def _cond_mistakes(n) -> list:
    """The mistakes :func:`_cond_hint` names: the noise only, the digit as one number, the one-hot only, axes swapped."""
    b, L = n["batch"], n["latent"]
    return [(b, L), (b, L + 1), (b, NUM_DIGITS), (L + NUM_DIGITS, b)]


def _draw_cond(rng) -> dict:
    """A batch of 8-128 noises of length 32-128: the batch never equals a length the hints name, so each mistake
    (noise only, the digit as one number, the one-hot only, axes swapped) stays visible."""
    while True:
        n = {"batch": int(rng.integers(8, 129)), "latent": int(rng.choice([32, 48, 50, 64, 96, 100, 128]))}
        if n["batch"] not in (n["latent"], n["latent"] + 1, n["latent"] + NUM_DIGITS, NUM_DIGITS, NUM_DIGITS + 1):
            return n


def _cond_prompt(n) -> str:
    b, L = n["batch"], n["latent"]
    which = ("위의 조건부 생성자(노이즈 길이 100)" if _is_book(n, COND_BOOK)
             else f"위의 조건부 생성자를 노이즈 길이 {L}로 만든 것(build_conditional_generator({L}))")
    return (f"{which}에 노이즈 {b}개를 한꺼번에 넣습니다. noise_and_digit(Concatenate) 층의 출력 shape은 "
            "무엇일까요? 정수 튜플 cond_input_shape로 답하세요.")


def _cond_hint(value, expected, n=None):
    n = _n(n, COND_BOOK)
    L = n["latent"]
    if len(value) != 2:
        return "Concatenate의 출력은 (배치, 길이) 2차원입니다: 노이즈 벡터 뒤에 숫자를 나타내는 벡터를 이어 붙였습니다."
    if tuple(value) == tuple(reversed(expected)):
        return "축의 순서를 확인하세요. 배치 축이 맨 앞에 옵니다."
    if value[0] != expected[0]:
        return "첫 축은 넣은 노이즈의 개수(배치 크기)입니다."
    if value[1] == L:
        return "노이즈만 세었습니다. DigitFromNoise가 고른 숫자를 노이즈 뒤에 이어 붙입니다."
    if value[1] == L + 1:
        return "숫자는 정수 하나가 아니라 one-hot 벡터(숫자마다 한 칸, 10칸)로 붙습니다."
    if value[1] == NUM_DIGITS:
        return "one-hot 벡터만 세었습니다. Concatenate는 노이즈와 one-hot을 이어 붙입니다."
    return "노이즈 길이 + one-hot의 길이입니다."


# ----------------------------------------------------------------- 연습 6-3: why tanh and [-1, 1]

def tanh_option() -> str:
    """The option of 연습 6-3 whose claim holds, each claim checked with numpy.

    A: tanh's outputs lie in [0, 1]; B: tanh's range is (-1, 1) and ``(x - 127.5) / 127.5`` takes the real pixels
    0~255 exactly onto it; C: a dark background needs negative values (the original pixels draw black as 0);
    D: tanh does not saturate (its slope at 6 is not near 0).
    """
    x = np.linspace(-6.0, 6.0, 1201)
    y, pixels = np.tanh(x), np.array([0.0, 255.0])
    holds = (bool(y.min() >= 0.0),
             bool(np.allclose((pixels - 127.5) / 127.5, [-1.0, 1.0]) and y.min() < 0.0 < y.max()
                  and np.abs(y).max() < 1.0),
             bool(pixels.min() < 0.0),
             bool(1.0 - np.tanh(x.max()) ** 2 > 0.01))
    return "ABCD"[holds.index(True)]


_TANH_HINTS = {
    "A": ("0과 1 사이는 sigmoid의 출력 범위입니다. tanh의 출력은 -1과 1 사이라서, 255로 나눈 [0, 1] 이미지와는 "
          "범위가 다릅니다."),
    "C": ("픽셀 값의 부호에는 뜻이 없습니다. 원래 이미지도 검은색을 0으로 나타냅니다: [-1, 1]로 옮기는 까닭은 진짜 "
          "이미지의 범위를 생성자의 출력(tanh) 범위와 같게 하려는 것입니다."),
    "D": ("tanh도 sigmoid처럼 양 끝(-1과 1 근처)에서 포화되어 기울기가 0에 가까워집니다. 범위를 맞추는 까닭은 "
          "기울기가 아니라 진짜와 가짜의 값 범위를 같게 하려는 것입니다."),
}


def _tanh_hint(value, expected):
    """The misconception of each wrong option of 연습 6-3."""
    return _TANH_HINTS.get(value.strip().upper())


GENERATOR_PARAMS = value_exercise("6-2", "생성자의 파라미터 수", "generator_params", INT, generator_params,
                                  [_generator_hint], variants=Variants(GENERATOR_BOOK, _draw_generator,
                                                                       _generator_prompt, _generator_mistakes))
TANH_CHOICE = choice_exercise("6-3", "tanh와 [-1, 1]", "tanh_choice", tanh_option, [_tanh_hint])
STRIDE1_PARAMS = value_exercise("6-5", "stride를 1로 바꾼 판별자", "stride1_dense_params", INT, stride1_dense_params,
                                [_stride1_hint], variables={"discriminator"},
                                variants=Variants(STRIDE1_BOOK, _draw_stride1, _stride1_prompt, _stride1_mistakes))
FREEZE_CHOICE = choice_exercise("6-6", "한 번 학습시킨 뒤 얼리기", "freeze_choice", lambda: freeze_outcome(),
                                [lambda value, expected: _freeze_hint(value, expected)])
COND_INPUT_SHAPE = value_exercise("6-8", "조건부 생성자 안의 shape", "cond_input_shape", SHAPE, cond_input_shape,
                                  [_cond_hint], banned=NUMBER_RULE | {"shape"},
                                  variants=Variants(COND_BOOK, _draw_cond, _cond_prompt, _cond_mistakes))


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


_REFERENCE_STEPS: dict = {}


def _reference_step(weight_seed, real, d_noise, g_noise):
    """The reference's two runs (as :func:`_run_step`) and the losses of typical mistakes, for the hints.

    Deterministic for its inputs, so it is kept per case (the visible check runs again after every try).
    """
    key = (int(weight_seed),) + tuple(np.asarray(a, "float32").tobytes() for a in (real, d_noise, g_noise))
    if key not in _REFERENCE_STEPS:
        _REFERENCE_STEPS.clear()
        _REFERENCE_STEPS[key] = _compute_reference_step(weight_seed, real, d_noise, g_noise)
    return _REFERENCE_STEPS[key]


def _compute_reference_step(weight_seed, real, d_noise, g_noise):
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
    problem = None if callable(step) and not is_stub(step) else "아직 답을 넣지 않았습니다"
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


# ----------------------------------------------------------------- the learner's generator (6.2) and discriminator (6.3)

#: What the learner's networks may not be made with: the course's builders and Keras' copying of a model.
NETWORK_COPY_NAMES = frozenset({"build_generator", "build_discriminator", "build_conditional_generator",
                                "build_conditional_discriminator", "make_gan", "make_conditional_gan", "load_into",
                                "clone_model", "model_from_json", "from_config", "load_model", "pretrained"})


def generator_cases(seed: int = 61) -> list:
    """The cases of the generator exercise: the chapter's noise length 100 and one other (the answer follows it)."""
    other = int(np.random.default_rng(seed).choice([32, 64, 128]))
    return [((latent_dim,), {}, f"latent_dim={latent_dim}으로 만든 생성자") for latent_dim in (LATENT_DIM, other)]


def discriminator_cases(seed: int = 64) -> list:
    """The cases of the discriminator exercise: the chapter's 64 filters and one other number."""
    other = int(np.random.default_rng(seed).choice([16, 32, 48]))
    return [((filters,), {}, f"filters={filters}로 만든 판별자") for filters in (64, other)]


def _reference_generator(latent_dim):
    """The chapter's generator (:func:`course_utils.gan.build_generator`): its summary, no layer name asked for."""
    from course_utils.exercises._models import architecture
    from course_utils.gan import build_generator

    return (architecture(build_generator(latent_dim)), ())


def _reference_discriminator(filters):
    """The chapter's discriminator (:func:`course_utils.gan.build_discriminator`): its summary."""
    from course_utils.exercises._models import architecture
    from course_utils.gan import build_discriminator

    return (architecture(build_discriminator(filters)), ())


def _network_hint(received_rows, expected_rows) -> str:
    """A chapter 6 hint for the first row that differs (the misconceptions the shape trace teaches), or ""."""
    for got, want in zip(received_rows, expected_rows):
        if tuple(got[:2]) == tuple(want[:2]) and tuple(got[2:]) == tuple(want[2:]):
            continue
        kind, shape = got[0], tuple(got[1])
        want_kind, want_shape = want[0], tuple(want[1])
        if kind == "Input" and len(want_shape) == 2:
            return " 입력 길이는 인수(latent_dim)로 정하세요: keras.Input(shape=(latent_dim,))."
        if kind == "Input":
            return " 판별자의 입력은 흑백 이미지 한 장, keras.Input(shape=(28, 28, 1))입니다."
        if want_kind == "Conv2D" and kind == "Conv2D" and len(shape) == 4 and shape[1:3] != want_shape[1:3]:
            if shape[1] == 2 * want_shape[1]:
                return " 판별자의 합성곱은 strides=2로 크기를 반으로 줄입니다."
            if 2 * shape[1] == want_shape[1] or shape[1] < want_shape[1]:
                return (" padding='same'을 빠뜨렸거나 UpSampling2D가 빠졌나요? 생성자의 합성곱은 크기를 바꾸지 않고, "
                        "크기는 업샘플링만 바꿉니다.")
        if want_kind == "Conv2D" and kind == "Conv2D" and shape[-1:] != want_shape[-1:]:
            return " 필터 수를 확인하세요: 생성자의 첫 합성곱은 64개, 판별자의 두 번째 합성곱은 첫 합성곱의 두 배입니다."
        if kind != want_kind and {kind, want_kind} == {"LeakyReLU", "BatchNormalization"}:
            return " 층의 순서를 확인하세요: shape 추적표의 순서대로 (첫 블록은 LeakyReLU 다음 BatchNormalization)."
        if want_kind == "Conv2D" and kind == "Conv2D" and got[3] != want[3]:
            return " 생성자의 마지막 합성곱은 activation='tanh'로 [-1, 1] 이미지를 냅니다."
        if want_kind == "Dense" and kind == "Dense" and got[3] != want[3]:
            return " 판별자의 마지막 Dense(1)는 activation='sigmoid'로 '진짜일 확률'을 냅니다."
        return ""
    return ""


def _compare_network(received, expected, args, kwargs, where):
    from course_utils.exercises._models import first_difference

    if not isinstance(received, (tuple, list)) or len(received) != 2:
        return f"{where}: 모델의 구조를 읽을 수 없습니다. keras.Model을 돌려주세요."
    message = first_difference(received[0], expected[0], where)
    if message and isinstance(received[0], (tuple, list)):
        if message.endswith("펼친 이미지를 받으세요."):  # _models' wording is chapter 7's (a flattened image)
            message = message[:message.rindex(":")] + "."
        try:
            message += _network_hint(received[0], expected[0])
        except (TypeError, ValueError, IndexError):
            pass
    return message


def _library_networks() -> list:
    """The builders the network exercises must not call: the chapter's own, the pretrained ones and model copies."""
    from course_utils import gan
    from course_utils.exercises.ch07 import _library_models

    return [(gan, name) for name in ("build_generator", "build_discriminator", "build_conditional_generator",
                                     "build_conditional_discriminator", "make_gan")] + _library_models()


def _run_network(build, args, kwargs):
    """Runs next to the learner's code: the learner's network's summary (as 연습 7-4's)."""
    from course_utils.exercises.ch07 import _run_model

    return _run_model(build, args, kwargs)


_NETWORK_REFUSAL = ("이 연습은 직접 쓴 모델 코드를 검사합니다. course_utils의 build_generator·build_discriminator나 "
                    "모델 복사(clone_model) 대신 keras.Input과 layers로 직접 만드세요.")
BUILD_GENERATOR = function_exercise("6-1", "생성자 만들기", "make_generator", FunctionSpec(
    cases=generator_cases, reference=_reference_generator, seed=61, run=_run_network, compare=_compare_network,
    blocked=_library_networks, banned_names=NETWORK_COPY_NAMES, refusal=_NETWORK_REFUSAL))
BUILD_DISCRIMINATOR = function_exercise("6-4", "판별자 만들기", "make_discriminator", FunctionSpec(
    cases=discriminator_cases, reference=_reference_discriminator, seed=64, run=_run_network,
    compare=_compare_network, blocked=_library_networks, banned_names=NETWORK_COPY_NAMES, refusal=_NETWORK_REFUSAL))


# ----------------------------------------------------------------- 연습 6-9: read the census (6.8)

#: The three generators of 6.8's census figure, in the order before shuffling: the collapse run's last step, the
#: chapter's DCGAN (ch06_dcgan) and the conditional GAN (ch06_generator), each read from the same 1,000 noises.
CENSUS_GENERATORS = ("collapse", "dcgan", "conditional")
CENSUS_ROW_SEED = 5   # the figure's panels A, B, C: np.random.default_rng(5).permutation(3) of CENSUS_GENERATORS


def census_panels() -> tuple:
    """Which generator each panel A, B, C of 6.8's census figure shows (the chapter draws them in this order)."""
    return tuple(CENSUS_GENERATORS[i] for i in np.random.default_rng(CENSUS_ROW_SEED).permutation(3))


def _panel_hint(shown):
    if shown == "dcgan":
        return ("확신 비율이 가장 낮은 생성자를 골랐습니다. 확신 비율은 숫자다운 정도이고, 모드 붕괴는 다양성의 문제입니다: "
                "이 생성자는 열 가지 숫자를 모두 그리고 가장 많은 숫자도 5분의 1이 안 됩니다.")
    return ("열 가지 숫자가 고르게 나오는 생성자를 골랐습니다 (최다 숫자 비율이 0.1 근처). 모드 붕괴한 생성자는 숫자 "
            "가짓수가 줄고 한 숫자로 몰립니다.")


COLLAPSED_GENERATOR = panel_choice_exercise(
    "6-9", "모드 붕괴한 생성자 찾기", "collapsed_generator", census_panels, "collapse", _panel_hint,
    "확신 비율이 높다고 잘 학습된 것은 아닙니다. 확신 비율이 가장 높은 생성자는 거의 모든 샘플이 한 숫자로 "
    "읽혔습니다: 숫자 가짓수와 최다 숫자 비율도 함께 보세요.")


# ----------------------------------------------------------------- 연습 6-6: the Keras 2 recipe, frozen after one step

#: (did the discriminator's own step change it, did the combined step change it) -> the option's place in "ABCD"
_FREEZE_OUTCOMES = {(True, False): 1, (False, False): 0, (True, True): 2}


@functools.lru_cache(maxsize=1)
def freeze_outcome() -> str:
    """The option of 연습 6-6 that Keras does: the set-up it describes, run on two small models.

    Compile a discriminator, train it once, set ``trainable = False``, build and compile the combined model, then
    one discriminator step and one combined step: did each change the discriminator?  "D" when Keras raised.
    """
    import warnings

    import keras

    keras.utils.set_random_seed(0)
    generator = keras.Sequential([keras.Input((4,)), keras.layers.Dense(6)])
    discriminator = keras.Sequential([keras.Input((6,)), keras.layers.Dense(1, activation="sigmoid")])
    x, noise, ones = np.ones((8, 6), "float32"), np.ones((8, 4), "float32"), np.ones((8, 1), "float32")

    def kernel():
        return np.array(discriminator.layers[0].kernel.numpy(), copy=True)

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            discriminator.compile(loss="binary_crossentropy", optimizer="adam")
            discriminator.train_on_batch(x, ones)
            discriminator.trainable = False
            z = keras.Input((4,))
            combined = keras.Model(z, discriminator(generator(z)))
            combined.compile(loss="binary_crossentropy", optimizer="adam")
            before = kernel()
            discriminator.train_on_batch(x, 0 * ones)
            own_step = not np.array_equal(before, kernel())
            before = kernel()
            combined.train_on_batch(noise, ones)
            combined_step = not np.array_equal(before, kernel())
    except Exception:  # noqa: BLE001 - the last option says Keras refuses
        return "ABCD"[3]
    return "ABCD"[_FREEZE_OUTCOMES.get((own_step, combined_step), 3)]


_FREEZE_HINTS = (
    ("Keras 3는 trainable을 학습 단계가 처음 만들어질 때 읽습니다. 판별자의 학습 단계는 trainable=True일 때 "
     "이미 만들어졌고, 그 뒤로도 그대로 다시 쓰입니다."),
    None,
    ("gan의 학습 단계는 gan.train_on_batch를 처음 부를 때, 곧 trainable=False로 바꾼 뒤에 만들어집니다. "
     "그때 읽은 값대로 gan 안의 판별자는 고정됩니다."),
    ("Keras는 오류를 내지 않습니다 (6.4절에서도 손실 값이 나왔습니다). 게다가 판별자의 학습 단계는 "
     "trainable=True일 때 이미 만들어졌습니다."),
)


def _freeze_hint(value, expected):
    """The misconception of each wrong option of 연습 6-6, by its place in "ABCD"."""
    letter = value.strip().upper()
    return _FREEZE_HINTS["ABCD".index(letter)] if len(letter) == 1 and letter in "ABCD" else None

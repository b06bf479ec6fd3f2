"""Exercise declarations of chapter 6, GAN (book/ch06_gan).

The value answers are computed with :mod:`course_utils.params` from the layers of
:func:`course_utils.gan.build_generator` and :func:`course_utils.gan.build_discriminator`
(described here without importing TensorFlow).  연습 6-4 and 6-5 are conceptual
multiple choice: no computation gives their letter, so their only authority is the
literal in the instructor's hidden test, and the visible check validates the format
and says so (anything the public package compared with would reveal the letter).
"""

from __future__ import annotations

from course_utils.exercises._own_work import NUMBER_RULE
from course_utils.exercises._core import INT, SHAPE, choice_exercise, value_exercise
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

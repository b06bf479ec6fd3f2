"""Visible checks for chapter 6, GAN (book/ch06_gan).

The answers are compared through digests (see :mod:`course_utils.exercises._core`);
a wrong answer gets a Korean hint.  This module does not import TensorFlow.

>>> check_noise_shape((32, 100))
✅ 연습 6-3 (노이즈 배치의 shape): 통과!
>>> try:
...     check_noise_shape((100, 32))
... except ExerciseCheckError as error:
...     print("힌트:", "순서" in str(error))
힌트: True
"""

from __future__ import annotations

import numbers

from course_utils.exercises._core import ExerciseCheckError, as_shape, expect_value

__all__ = [
    "check_generator_params",
    "check_d_output_shape",
    "check_noise_shape",
    "check_tanh_choice",
    "check_freeze_choice",
    "ExerciseCheckError",
]

_CHOICES = {"A", "B", "C", "D"}

# Pieces of the generator's parameter count used to recognise typical mistakes
# (each is one layer's count, not the answer).
_DENSE = 100 * 7 * 7 * 128 + 7 * 7 * 128
_BN_DENSE = 4 * 7 * 7 * 128
_CONV_1 = 5 * 5 * 128 * 64 + 64
_BN_CONV = 4 * 64
_CONV_2 = 5 * 5 * 64 * 1 + 1


def _choice_hint(value, message):
    if not isinstance(value, str) or value.strip().upper() not in _CHOICES:
        return '"A", "B", "C", "D" 중 하나를 문자열로 답하세요.'
    return message


def check_generator_params(generator_params) -> None:
    """연습 6-1: the generator's total parameter count (``count_params()``)."""
    label = "연습 6-1 (생성자의 파라미터 수)"
    trainable_only = _DENSE + _BN_DENSE // 2 + _CONV_1 + _BN_CONV // 2 + _CONV_2
    without_bn = _DENSE + _CONV_1 + _CONV_2

    def hint(value):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral):
            return "정수 하나로 답하세요."
        value = int(value)
        if value == trainable_only:
            return ("학습되는 파라미터만 세었습니다. count_params()는 BatchNormalization의 "
                    "이동 평균과 이동 분산(학습되지 않는 가중치)도 함께 셉니다.")
        if value == without_bn:
            return "BatchNormalization 레이어에도 파라미터가 있습니다: 채널(특징)마다 4개입니다."
        if value == _DENSE + _BN_DENSE + 5 * 5 * 128 * 64 + _BN_CONV + 5 * 5 * 64:
            return "Conv2D 레이어의 편향(필터마다 하나)을 빠뜨렸습니다."
        if value < _DENSE:
            return "첫 Dense 레이어(100 → 7×7×128)의 가중치만으로도 60만 개가 넘습니다."
        return ("레이어별로 더해 보세요. Dense: 입력×출력+출력, Conv2D: 5×5×입력 채널×필터+필터, "
                "BatchNormalization: 채널×4, LeakyReLU·Reshape·UpSampling2D: 0.")

    expect_value(label, "ch06.generator_params", generator_params, "c59547017262c5e3", [hint])


def check_d_output_shape(d_output_shape) -> None:
    """연습 6-2: the discriminator's output shape for 16 real + 16 generated images."""
    label = "연습 6-2 (판별자 출력의 shape)"

    def hint(value):
        if isinstance(value, (tuple, list)) and any(v is None for v in value):
            return "None 대신 실제 배치 크기를 정수로 적으세요."
        shape = as_shape(value)
        if shape is None:
            return "정수로 된 튜플로 답하세요. 예: (배치, ...)."
        if len(shape) == 1:
            return "Dense(1)의 출력에는 길이 1인 마지막 축이 남습니다."
        if len(shape) == 4:
            return "판별자는 이미지 한 장마다 '진짜일 확률' 하나를 내놓습니다."
        if len(shape) == 2 and shape[1] == 1:
            return "진짜 이미지와 가짜 이미지를 하나의 배치로 이어 붙였습니다. 배치 축의 길이는?"
        return "판별자의 마지막 레이어는 Dense(1, activation='sigmoid')입니다."

    expect_value(label, "ch06.d_output_shape", d_output_shape, "8ac39a440cc19c23", [hint])


def check_noise_shape(noise_shape) -> None:
    """연습 6-3: the shape of a noise batch for batch size 32 (latent_dim 100)."""
    label = "연습 6-3 (노이즈 배치의 shape)"

    def hint(value):
        shape = as_shape(value)
        if shape is None:
            return "정수로 된 튜플로 답하세요."
        if shape == (100, 32):
            return "축의 순서를 확인하세요. 배치 축이 맨 앞에 옵니다."
        if len(shape) == 1:
            return "배치 하나에는 노이즈 벡터가 여러 개 들어 있습니다: (배치, 노이즈 차원)."
        if len(shape) == 4:
            return "노이즈는 이미지가 아니라 생성자의 입력 벡터입니다."
        return "생성자의 입력은 100차원 벡터이고, 배치 크기는 32입니다."

    expect_value(label, "ch06.noise_shape", noise_shape, "2a589dca93bd8d5c", [hint])


def check_tanh_choice(tanh_choice) -> None:
    """연습 6-4: why tanh goes with pixels scaled to [-1, 1] (multiple choice)."""
    label = "연습 6-4 (tanh와 [-1, 1])"

    def hint(value):
        return _choice_hint(value, "판별자가 진짜와 가짜를 '값의 범위'만 보고 구별할 수 있다면 어떻게 될지 생각해 보세요.")

    expect_value(label, "ch06.tanh_choice", tanh_choice, "f7bbc7690f814ac5", [hint])


def check_freeze_choice(freeze_choice) -> None:
    """연습 6-5: what ``discriminator.trainable = False`` does in Keras 3 (multiple choice)."""
    label = "연습 6-5 (판별자 얼리기)"

    def hint(value):
        return _choice_hint(value, "6.4절에서 잰 가중치 변화량(판별자의 train_on_batch 뒤)을 다시 보세요.")

    expect_value(label, "ch06.freeze_choice", freeze_choice, "1463981d7cd70d66", [hint])

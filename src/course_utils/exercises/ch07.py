"""Exercise declarations of chapter 7, Dense 오토인코더와 Conv 오토인코더 (book/ch07_autoencoders).

Value answers are computed with :func:`course_utils.params.dense_params` when the check runs.
"""

from __future__ import annotations

import warnings

import numpy as np

from course_utils.exercises._core import (INT, REAL, SHAPE, ExerciseCheckError, custom_exercise, passed,
                                          value_exercise)
from course_utils.params import dense_params

PIXELS = 28 * 28       # a flattened MNIST image
CODE = 36              # the chapter's dense autoencoder
WIDER_CODE = 64        # 연습 7-1
VAL_IMAGES = 5         # 연습 7-3


def param_count() -> int:
    """Parameters of the dense PIXELS -> WIDER_CODE -> PIXELS autoencoder (both layers with bias)."""
    return dense_params(PIXELS, WIDER_CODE) + dense_params(WIDER_CODE, PIXELS)


def _param_hint(value, expected):
    n, k = PIXELS, WIDER_CODE
    if value == dense_params(n, k, False) + dense_params(k, n, False):
        return "가중치만 세었습니다. 두 Dense 레이어의 bias도 더하세요 (bias는 출력 유닛마다 하나)."
    if value in (2 * n * k + 2 * k, 2 * n * k + 2 * n):
        return "bias의 개수는 레이어마다 그 레이어의 출력 유닛 수입니다. 두 레이어의 출력 수가 다릅니다."
    if value in (dense_params(n, k), dense_params(k, n)):
        return "한쪽만 세었습니다. 인코더와 디코더, 두 Dense 레이어를 더하세요."
    if value == dense_params(n, CODE) + dense_params(CODE, n):
        return "본문 모델(코드 36)의 파라미터 수입니다. 코드 길이를 64로 바꾸어 다시 세어 보세요."
    return "Dense 레이어 하나의 파라미터 수는 입력 수 × 출력 수 + 출력 수입니다. 두 레이어를 더하세요."


def _ratio_hint(value, expected):
    if abs(value - 28 / CODE) < 0.01 or abs(value - CODE / 28) < 0.01:
        return "이미지의 크기는 28이 아니라 28 × 28 픽셀입니다."
    if value < 1:
        return "거꾸로 나누었습니다. 원래 크기가 코드 크기의 몇 배인지를 구하세요."
    if value == PIXELS // CODE:
        return ("정수 나눗셈(//)처럼 소수점 아래를 버렸습니다. 압축률은 실수입니다: 나눗셈은 /로 하세요 "
                "(계산식을 그대로 적어도 됩니다).")
    if value == round(expected):
        return "정수로 반올림했습니다. 압축률은 실수입니다: 반올림하지 말고 나눗셈 계산식(/)을 그대로 적어 보세요."
    if abs(value - expected) < 0.1:
        if round(value, 1) == value:
            return ("소수 첫째 자리까지만 적었습니다 (반올림이나 버림). 소수 둘째 자리까지 맞아야 하니, "
                    "반올림하지 말고 나눗셈 계산식(/)을 그대로 적어 보세요.")
        return "거의 맞았지만 소수 둘째 자리가 다릅니다. 반올림하지 말고 나눗셈 계산식(/)을 그대로 적어 보세요."
    return "원래 데이터의 숫자 개수 ÷ 코드의 숫자 개수입니다."


def _encoder_shape_hint(value, expected):
    if len(value) == 1:
        return "배치 축을 빠뜨렸습니다. 이미지 5장을 한꺼번에 넣었습니다."
    if len(value) != 2:
        return "인코더의 출력은 (배치, 코드 길이) 2차원입니다."
    if value[0] != expected[0]:
        return "첫 축은 넣은 이미지의 수(배치 크기)입니다."
    if value[1] == PIXELS:
        return "그건 디코더(또는 오토인코더 전체)의 출력 길이입니다. 인코더는 코드를 내놓습니다."
    return "두 번째 축은 코드(은닉층)의 길이입니다."


PARAM_COUNT = value_exercise("7-1", "Dense 오토인코더의 파라미터 수", "param_count", INT, param_count, [_param_hint])
COMPRESSION_RATIO = value_exercise("7-2", "압축률", "compression_ratio", REAL, lambda: PIXELS / CODE, [_ratio_hint])
ENCODER_OUTPUT_SHAPE = value_exercise("7-3", "인코더 출력의 shape", "encoder_output_shape", SHAPE,
                                      lambda: (VAL_IMAGES, CODE), [_encoder_shape_hint])


def make_dense_autoencoder(input_dim=784, code_dim=36, seed=0):
    """The chapter's dense autoencoder (:func:`course_utils.pretrained.build_dense_autoencoder`), seeded.

    Used by the check of 연습 7-4 with sizes and weights the learner has not seen.
    """
    import keras

    from course_utils.pretrained import build_dense_autoencoder

    keras.utils.set_random_seed(seed)
    return build_dense_autoencoder(code_dim, input_dim)


def _judge_build(label, build_encoder_decoder, seed: int = 71) -> None:
    """연습 7-4: ``build_encoder_decoder(autoencoder) -> (encoder, decoder)`` as two keras Models."""
    if not callable(build_encoder_decoder):
        raise ExerciseCheckError(f"{label}: 답의 형식이 다릅니다. 필요한 형식은 함수인데, "
                                 f"받은 답은 {type(build_encoder_decoder).__name__}입니다.")
    with warnings.catch_warnings():
        # a model built from ``autoencoder.inputs`` (a list) warns when called on one array
        warnings.filterwarnings("ignore", message="The structure of `inputs`", category=UserWarning)
        _check_build(label, build_encoder_decoder, seed)
    passed(label)


def _check_build(label, build_encoder_decoder, seed):
    import keras

    rng = np.random.default_rng(seed)
    for input_dim, code_dim in [(784, 36), (50, 7)]:
        autoencoder = make_dense_autoencoder(input_dim, code_dim, seed=seed + code_dim)
        where = f"입력 {input_dim}, 코드 {code_dim}인 새 오토인코더"
        try:
            result = build_encoder_decoder(autoencoder)
        except NotImplementedError:
            raise ExerciseCheckError(f"{label}: 아직 함수를 완성하지 않았습니다 (NotImplementedError).") from None
        except Exception as error:
            raise ExerciseCheckError(
                f"{label}: {where}로 함수를 실행하다 오류가 났습니다: {type(error).__name__}: {error}. "
                "층 번호를 784나 36 같은 숫자 대신 autoencoder에서 꺼내 쓰세요."
            ) from None
        if not isinstance(result, tuple) or len(result) != 2:
            raise ExerciseCheckError(f"{label}: (encoder, decoder) 두 모델을 튜플로 돌려주세요.")
        encoder, decoder = result
        for name, model in (("encoder", encoder), ("decoder", decoder)):
            if not isinstance(model, keras.Model):
                raise ExerciseCheckError(f"{label}: {name}가 keras.Model이 아닙니다 (받은 값: {type(model).__name__}).")
        x = rng.random((6, input_dim)).astype("float32")
        try:
            codes = np.asarray(encoder(x))
        except Exception as error:
            raise ExerciseCheckError(f"{label}: encoder에 (6, {input_dim}) 입력을 넣다 오류가 났습니다: {error}") from None
        if codes.shape != (6, code_dim):
            raise ExerciseCheckError(
                f"{label}: {where}에서 encoder 출력 shape이 {codes.shape}입니다. (배치, 코드 길이)여야 합니다. "
                "encoder의 출력은 은닉층(코드) 레이어의 출력입니다."
            )
        expected_codes = np.asarray(keras.Model(autoencoder.input, autoencoder.get_layer("code").output)(x))
        if not np.allclose(codes, expected_codes, atol=1e-5):
            raise ExerciseCheckError(
                f"{label}: encoder의 출력이 오토인코더의 은닉층 값과 다릅니다. 새 Dense 레이어를 만들지 말고 "
                "학습된 오토인코더의 레이어를 그대로 쓰세요."
            )
        try:
            rebuilt = np.asarray(decoder(codes))
        except Exception as error:
            raise ExerciseCheckError(
                f"{label}: decoder에 (6, {code_dim}) 코드를 넣다 오류가 났습니다: {type(error).__name__}: {error}. "
                "decoder의 입력은 keras.Input(shape=(코드 길이,))입니다."
            ) from None
        if rebuilt.shape != (6, input_dim):
            raise ExerciseCheckError(f"{label}: decoder 출력 shape이 {rebuilt.shape}입니다. (배치, {input_dim})여야 합니다.")
        if not np.allclose(rebuilt, np.asarray(autoencoder(x)), atol=1e-5):
            raise ExerciseCheckError(
                f"{label}: decoder(encoder(x))가 autoencoder(x)와 다릅니다. decoder는 학습된 출력 레이어를 "
                "새 Input에 다시 호출해서 만드세요 (새 레이어를 만들면 가중치가 학습되지 않은 값입니다)."
            )


BUILD_ENCODER_DECODER = custom_exercise("7-4", "인코더와 디코더 모델 만들기", "build_encoder_decoder", _judge_build)

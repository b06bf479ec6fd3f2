"""Visible checks for chapter 7, Dense 오토인코더와 Conv 오토인코더 (book/ch07_autoencoders).

>>> check_param_count(28 * 28 * 64 + 64 + 64 * 28 * 28 + 28 * 28)
✅ 연습 7-1 (Dense 오토인코더의 파라미터 수): 통과!
"""

from __future__ import annotations

import numbers
import warnings

import numpy as np

from course_utils.exercises._core import ExerciseCheckError, as_shape, expect_value, passed


def check_param_count(param_count) -> None:
    """연습 7-1: the number of parameters of a dense 784 -> 64 -> 784 autoencoder.

    (The chapter's own 784 -> 36 -> 784 model prints its count in ``summary()``;
    the exercise asks for the same count with a 64-number code.)
    """
    label = "연습 7-1 (Dense 오토인코더의 파라미터 수)"
    n, k = 28 * 28, 64

    def hint(value):
        if not isinstance(value, numbers.Integral):
            return "정수 하나로 답하세요."
        if value == 2 * n * k:
            return "가중치만 세었습니다. 두 Dense 레이어의 bias도 더하세요 (bias는 출력 유닛마다 하나)."
        if value == 2 * n * k + 2 * k or value == 2 * n * k + 2 * n:
            return "bias의 개수는 레이어마다 그 레이어의 출력 유닛 수입니다. 두 레이어의 출력 수가 다릅니다."
        if value == n * k + k:
            return "인코더만 세었습니다. 디코더 Dense 레이어도 더하세요."
        if value == 2 * n * 36 + 36 + n:
            return "본문 모델(코드 36)의 파라미터 수입니다. 코드 길이를 64로 바꾸어 다시 세어 보세요."
        return "Dense 레이어 하나의 파라미터 수는 입력 수 × 출력 수 + 출력 수입니다. 두 레이어를 더하세요."

    expect_value(label, "ch07.param_count", param_count, "f8b6d8efe1613202", [hint])


def check_compression_ratio(ratio) -> None:
    """연습 7-2: the compression ratio of a 784-pixel image squeezed into a 36-number code."""
    label = "연습 7-2 (압축률)"
    if ratio is None or ratio is Ellipsis:
        expect_value(label, "ch07.compression_ratio", ratio, "", [])
    if isinstance(ratio, bool) or not isinstance(ratio, numbers.Real):
        raise ExerciseCheckError(f"{label}: 숫자 하나(실수)로 답하세요.")
    value = float(ratio)

    def hint(_):
        if abs(value - 28 / 36) < 0.01 or abs(value - 36 / 28) < 0.01:
            return "이미지의 크기는 28이 아니라 28 × 28 픽셀입니다."
        if value < 1:
            return "거꾸로 나누었습니다. 원래 크기가 코드 크기의 몇 배인지를 구하세요."
        return "원래 데이터의 숫자 개수 ÷ 코드의 숫자 개수입니다."

    # compared to two decimal places: a rounding to one decimal fails, float rounding errors do not
    expect_value(label, "ch07.compression_ratio", round(value, 2), "34b66081356c5c02", [hint])


def check_encoder_output_shape(encoder_output_shape) -> None:
    """연습 7-3: the shape of ``encoder.predict(x)`` for 5 flattened test images."""
    label = "연습 7-3 (인코더 출력의 shape)"

    def hint(value):
        shape = as_shape(value)
        if shape is None:
            return "정수로 된 튜플로 답하세요 (None은 쓰지 말고 실제 배치 크기를 넣으세요)."
        if len(shape) == 1:
            return "배치 축을 빠뜨렸습니다. 이미지 5장을 한꺼번에 넣었습니다."
        if len(shape) != 2:
            return "인코더의 출력은 (배치, 코드 길이) 2차원입니다."
        if shape[0] != 5:
            return "첫 축은 넣은 이미지의 수(배치 크기)입니다."
        if shape[1] == 28 * 28:
            return "그건 디코더(또는 오토인코더 전체)의 출력 길이입니다. 인코더는 코드를 내놓습니다."
        return "두 번째 축은 코드(은닉층)의 길이입니다."

    expect_value(label, "ch07.encoder_output_shape", encoder_output_shape, "1116e653d12a5635", [hint])


def make_dense_autoencoder(input_dim=784, code_dim=36, seed=0):
    """A dense autoencoder built like the chapter's: Input -> Dense 'code' (relu) -> Dense 'reconstruction' (sigmoid).

    Used by the check of 연습 7-4 with sizes and weights the learner has not seen.
    """
    import keras

    keras.utils.set_random_seed(seed)
    inputs = keras.Input(shape=(input_dim,), name="image")
    code = keras.layers.Dense(code_dim, activation="relu", name="code")(inputs)
    outputs = keras.layers.Dense(input_dim, activation="sigmoid", name="reconstruction")(code)
    return keras.Model(inputs, outputs, name="dense_autoencoder")


def check_build_encoder_decoder(build_encoder_decoder, seed: int = 71) -> None:
    """연습 7-4: ``build_encoder_decoder(autoencoder) -> (encoder, decoder)`` as two keras Models."""
    import keras

    label = "연습 7-4 (인코더와 디코더 모델 만들기)"
    if not callable(build_encoder_decoder):
        raise ExerciseCheckError(f"{label}: 함수가 필요합니다.")
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

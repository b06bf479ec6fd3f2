"""Exercise declarations of chapter 7, Dense 오토인코더와 Conv 오토인코더 (book/ch07_autoencoders).

Value answers are computed with :func:`course_utils.params.dense_params` when the check runs; the number exercises
7-1 to 7-3 draw their numbers from the learner's 학번 (``_variants.py``; the book's are variant 0). The model the learner
builds (연습 7-4) is compared layer by layer with :func:`course_utils.pretrained.build_dense_autoencoder`
(``_models.py``).
"""

from __future__ import annotations

import warnings

import numpy as np

from course_utils.exercises._own_work import NUMBER_RULE
from course_utils.exercises._core import (INT, PAIR, REAL, ExerciseCheckError, FunctionSpec, function_exercise,
                                          panel_choice_exercise, value_exercise)
from course_utils.params import dense_params

from course_utils.exercises._variants import Numbers, Variants

PIXELS = 28 * 28       # a flattened MNIST image
CODE = 36              # the chapter's dense autoencoder
WIDER_CODE = 64        # 연습 7-1
RATIO_INPUT = (28, 28, 1)   # 연습 7-2: a grey 28x28 image ...
RATIO_CODE = (7, 7, 3)      # ... whose code is 3 maps of 7x7 (a conv autoencoder's code, not a vector)
UNFLAT_BATCH = (5, 28, 28)  # 연습 7-3: 5 images not flattened, given to the encoder's Dense(CODE)
PCA_CODE_SIZES = (2, 16, 64)   # 연습 7-7: the codes of the three PCA reconstructions (7.9)
PCA_ROW_SEED = 0               # 연습 7-7: the rows' order, np.random.default_rng(0).permutation([2, 16, 64])

# The book's numbers (variant 0); every student draws their own from the ranges below (``_variants.py``).
PARAMS_BOOK = {"side": 28, "code": WIDER_CODE}                                 # 연습 7-1
RATIO_BOOK = {"input": RATIO_INPUT, "code": RATIO_CODE}                        # 연습 7-2
UNFLAT_BOOK = {"batch": UNFLAT_BATCH[0], "side": UNFLAT_BATCH[1], "units": CODE}  # 연습 7-3


def _n(n, book) -> Numbers:
    return Numbers(book, book=True) if n is None else n


def _draw_params(rng) -> dict:
    """A flattened grey side x side image (16-32) and a code other than the chapter's 36 (16-128): two Dense layers
    of different widths, so "bias per output unit" and "both layers" stay steps."""
    return {"side": int(rng.choice([16, 20, 24, 28, 32])), "code": int(rng.choice([16, 24, 32, 48, 64, 96, 128]))}


def _params_prompt(n) -> str:
    side, k = n["side"], n["code"]
    pixels = side * side
    image = "28x28 MNIST 이미지" if side == 28 else f"{side}x{side} 흑백 이미지"
    return (f"코드 길이를 36이 아니라 {k}로 바꾸고, {image}를 펼친 길이 {pixels}의 벡터를 받는 Dense 오토인코더\n"
            f"({pixels} → {k} → {pixels}, 두 레이어 모두 bias 사용)의 전체 파라미터 수를 정수 param_count로 답하세요.")


def param_count(n: Numbers = None) -> int:
    """Parameters of the dense pixels -> code -> pixels autoencoder, both layers with bias (연습 7-1; book 784, 64)."""
    n = _n(n, PARAMS_BOOK)
    pixels, k = n["side"] ** 2, n["code"]
    return dense_params(pixels, k) + dense_params(k, pixels)


def _param_hint(value, expected, n=None):
    n_ = _n(n, PARAMS_BOOK)
    n, k = n_["side"] ** 2, n_["code"]
    if value == dense_params(n, k, False) + dense_params(k, n, False):
        return "가중치만 세었습니다. 두 Dense 레이어의 bias도 더하세요 (bias는 출력 유닛마다 하나)."
    if value in (2 * n * k + 2 * k, 2 * n * k + 2 * n):
        return "bias의 개수는 레이어마다 그 레이어의 출력 유닛 수입니다. 두 레이어의 출력 수가 다릅니다."
    if value in (dense_params(n, k), dense_params(k, n)):
        return "한쪽만 세었습니다. 인코더와 디코더, 두 Dense 레이어를 더하세요."
    if value == dense_params(n, CODE) + dense_params(CODE, n):
        where = "본문 모델(코드 36)의 파라미터 수입니다." if n == PIXELS else "본문 모델의 코드 길이 36으로 세었습니다."
        return f"{where} 코드 길이를 {k}로 바꾸어 다시 세어 보세요."
    return "Dense 레이어 하나의 파라미터 수는 입력 수 × 출력 수 + 출력 수입니다. 두 레이어를 더하세요."


def _params_mistakes(n) -> list:
    """The mistakes :func:`_param_hint` names: no bias, the wrong bias count, one layer only, the chapter's code 36."""
    pixels, k = n["side"] ** 2, n["code"]
    return [2 * pixels * k, 2 * pixels * k + 2 * k, 2 * pixels * k + 2 * pixels, dense_params(pixels, k),
            dense_params(k, pixels), dense_params(pixels, CODE) + dense_params(CODE, pixels)]


def compression_ratio(n: Numbers = None) -> float:
    """연습 7-2: the numbers of the input image over the numbers of the code (every axis counts; book 784 / 147)."""
    n = _n(n, RATIO_BOOK)
    return float(np.prod(n["input"])) / float(np.prod(n["code"]))


def _near(value, *candidates) -> bool:
    return any(abs(value - c) < 0.01 for c in candidates)


def _ratio_values(n) -> dict:
    """The right ratio of 연습 7-2 and the wrong ones its hints name, by name."""
    (side, _w, _c), (code_side, _cw, maps) = n["input"], n["code"]
    pixels, code = side * side, code_side * code_side * maps
    right = pixels / code
    return {"right": right, "dense": PIXELS / CODE, "no maps": pixels / code_side ** 2, "side only": side / code_side,
            "inverted": code / pixels, "floor": float(pixels // code), "rounded": float(round(right)),
            "one decimal": float(np.floor(right * 10) / 10)}


def _draw_ratio(rng) -> dict:
    """A grey side x side image (18-46; mostly sides that 4 does not divide, so the ratios differ between students) and
    a code of 2-9 maps of side/4 (rounded up, as two 'same' stride-2 layers give): a real compression (ratio 1.5 or
    more) that is not a whole number nor one decimal, and every mistake the hints name a different number."""
    while True:
        side = int(rng.choice([18, 22, 26, 28, 30, 34, 42, 46]))
        code_side = -(-side // 4)
        n = {"input": (side, side, 1), "code": (code_side, code_side, int(rng.integers(2, 10)))}
        named = _ratio_values(n)
        if named["rounded"] == named["floor"]:  # as in the book: one wrong answer, the // hint names it
            del named["rounded"]
        values, right = sorted(named.values()), named["right"]
        if right >= 1.5 and abs(round(right, 1) - right) > 0.015 and all(b - a > 0.02 for a, b in zip(values, values[1:])):
            return n


def _ratio_prompt(n) -> str:
    (side, _w, _c), (code_side, _cw, maps) = n["input"], n["code"]
    return (f"{side}x{side} 흑백 이미지를 받아 {code_side}x{code_side} 크기의 지도 {maps}장을 코드로 내는 합성곱 오토인코더가 "
            "있다고 합시다.\n이 오토인코더의 압축률(입력 이미지의 숫자 개수 ÷ 코드의 숫자 개수)을 실수 compression_ratio로 "
            "답하세요.\n(계산식으로 적어도 됩니다. 소수 둘째 자리까지 맞으면 통과합니다.)")


def _ratio_hint(value, expected, n=None):
    n = _n(n, RATIO_BOOK)
    (side, _w, _c), (code_side, _cw, maps) = n["input"], n["code"]
    values = _ratio_values(n)
    if _near(value, values["dense"]):
        return ("본문 Dense 오토인코더(784 → 36)의 압축률입니다. 이 연습의 코드는 길이 36인 벡터가 아니라 "
                f"{code_side}x{code_side} 지도 {maps}장입니다.")
    if _near(value, values["no maps"]):
        return f"코드의 지도 {maps}장을 빠뜨렸습니다. 코드의 숫자 개수는 {code_side} × {code_side} × {maps}입니다."
    if _near(value, values["side only"]):
        return "한 변의 길이만 비교했습니다. 숫자 개수는 높이 × 너비 × 채널(지도 수)입니다."
    if value < 1:
        return "거꾸로 나누었습니다. 원래 크기가 코드 크기의 몇 배인지를 구하세요."
    if value == values["floor"]:
        return ("정수 나눗셈(//)처럼 소수점 아래를 버렸습니다. 압축률은 실수입니다: 나눗셈은 /로 하세요 "
                "(계산식을 그대로 적어도 됩니다).")
    if value == round(expected):
        return "정수로 반올림했습니다. 압축률은 실수입니다: 반올림하지 말고 나눗셈 계산식(/)을 그대로 적어 보세요."
    if abs(value - expected) < 0.1:
        if round(value, 1) == value:
            return ("소수 첫째 자리까지만 적었습니다 (반올림이나 버림). 소수 둘째 자리까지 맞아야 하니, "
                    "반올림하지 말고 나눗셈 계산식(/)을 그대로 적어 보세요.")
        return "거의 맞았지만 소수 둘째 자리가 다릅니다. 반올림하지 말고 나눗셈 계산식(/)을 그대로 적어 보세요."
    return "입력의 숫자 개수 ÷ 코드의 숫자 개수입니다. 둘 다 높이 × 너비 × 채널로 세세요."


def _ratio_mistakes(n) -> list:
    """The mistakes :func:`_ratio_hint` names (the dense chapter's ratio, no maps, sides only, inverted, //, rounding)."""
    values = _ratio_values(n)
    return [values[name] for name in ("dense", "no maps", "side only", "inverted", "floor", "rounded", "one decimal")
            if abs(values[name] - values["right"]) >= 0.01]


def _draw_unflat(rng) -> dict:
    """side x side images (16-32), 2-12 of them, through Dense(16-64): batch, side and units all differ, so each axis
    of the answer says which rule was used."""
    while True:
        n = {"batch": int(rng.integers(2, 13)), "side": int(rng.choice([16, 20, 24, 28, 32])),
             "units": int(rng.choice([16, 24, 32, 36, 48, 64]))}
        if len({n["batch"], n["side"], n["units"]}) == 3:
            return n


def _unflat_prompt(n) -> str:
    b, side, u = n["batch"], n["side"], n["units"]
    layer = f'layers.Dense({u}, activation="relu")'
    which = f"인코더와 같은 {layer}" if u == CODE else layer
    return (f"펼치지 않은 {side}x{side} 흑백 이미지 {b}장, 곧 shape ({b}, {side}, {side})인 배열에 {which}를 바로 "
            "적용하면 어떻게 될까요?\n출력의 shape과 이 레이어의 파라미터 수를 "
            "unflattened_dense = ((출력 shape), 파라미터 수)로 답하세요.")


def unflattened_dense(n: Numbers = None) -> tuple:
    """연습 7-3: (output shape, parameters) of Dense(units) on (batch, side, side): it acts on the last axis only (2장)."""
    n = _n(n, UNFLAT_BOOK)
    b, side, u = n["batch"], n["side"], n["units"]
    return ((b, side, u), dense_params(side, u))


def _unflattened_hint(value, expected, n=None):
    n = _n(n, UNFLAT_BOOK)
    shape, params = value
    batch, rows, width, units = n["batch"], n["side"], n["side"], n["units"]
    if tuple(shape) != expected[0]:
        if tuple(shape) == (batch, units):
            return (f"Dense는 입력을 저절로 펼치지 않습니다. 마지막 축(길이 {width})에만 작용하고 앞의 축은 그대로 둡니다 "
                    "(2장).")
        if len(shape) == 4:
            return (f"입력의 shape은 ({batch}, {rows}, {width})입니다 (채널 축이 없습니다). Dense는 그 마지막 축만 "
                    "바꿉니다.")
        if len(shape) != 3:
            return "Dense의 출력은 입력과 축의 수가 같습니다: 마지막 축의 길이만 유닛 수로 바뀝니다."
        if shape[0] != batch:
            return "첫 축은 넣은 이미지의 수(배치 크기)입니다."
        if shape[2] != units:
            return "마지막 축의 길이는 Dense의 유닛 수입니다."
        return f"가운데 축(이미지의 행 {rows}개)은 그대로 남습니다. Dense는 마지막 축에만 작용합니다."
    if params == dense_params(width, units, False):
        return "출력 shape은 맞았습니다. 파라미터에서 bias(유닛마다 1개)를 빠뜨렸습니다."
    if params == dense_params(rows * width, units):
        return (f"출력 shape은 맞았습니다. 파라미터 수는 Dense가 작용하는 마지막 축의 길이로 정해집니다: {rows * width}개를 "
                f"한꺼번에 보지 않고, 행마다 {width}개를 봅니다.")
    return ("출력 shape은 맞았습니다. 파라미터 수 = 마지막 축의 길이 × 유닛 수 + 유닛 수이고, 배치나 다른 축의 길이와는 "
            "관계없습니다.")


def _unflat_mistakes(n) -> list:
    """The mistakes :func:`_unflattened_hint` names: flattened (shape, params or both), no bias, the last axis kept."""
    b, side, u = n["batch"], n["side"], n["units"]
    right_shape, right_params = unflattened_dense(n)
    flat_params = dense_params(side * side, u)
    return [((b, u), flat_params), ((b, u), right_params), (right_shape, flat_params), (right_shape, side * u),
            ((b, side, side), right_params)]


PARAM_COUNT = value_exercise("7-1", "Dense 오토인코더의 파라미터 수", "param_count", INT, param_count, [_param_hint],
                             variants=Variants(PARAMS_BOOK, _draw_params, _params_prompt, _params_mistakes))
COMPRESSION_RATIO = value_exercise("7-2", "합성곱 코드의 압축률", "compression_ratio", REAL, compression_ratio,
                                   [_ratio_hint], variants=Variants(RATIO_BOOK, _draw_ratio, _ratio_prompt,
                                                                    _ratio_mistakes))
UNFLATTENED_DENSE = value_exercise("7-3", "펼치지 않은 이미지와 Dense", "unflattened_dense", PAIR, unflattened_dense,
                                   [_unflattened_hint], banned=NUMBER_RULE | {"shape"}, variables={"encoder"},
                                   variants=Variants(UNFLAT_BOOK, _draw_unflat, _unflat_prompt, _unflat_mistakes))



# ----------------------------------------------------------------- 연습 7-4: the learner's dense autoencoder

#: What the learner's model may not be made with: the course's builders and Keras' copying of a model.
MODEL_COPY_NAMES = frozenset({"build_dense_autoencoder", "build_dense_encoder_decoder", "build_linear_autoencoder",
                              "build_conv_autoencoder",
                              "make_dense_autoencoder", "load_into", "clone_model", "model_from_json", "from_config",
                              "load_model", "pretrained"})


def model_cases(seed: int = 74) -> list:
    """The cases of 연습 7-4: the chapter's code length 36 and one other (the answer must follow ``code_dim``)."""
    other = int(np.random.default_rng(seed).choice([16, 24, 48, 64]))
    return [((code_dim,), {}, f"code_dim={code_dim}으로 만든 모델") for code_dim in (CODE, other)]


def _reference_model(code_dim):
    """The chapter's dense autoencoder with code length ``code_dim``: its summary (``_models.architecture``) and the
    layer names the prompt asks for."""
    from course_utils.exercises._models import architecture
    from course_utils.pretrained import build_dense_autoencoder

    return (architecture(build_dense_autoencoder(code_dim)), ("code", "reconstruction"))


def _run_model(build, args, kwargs):
    """Runs next to the learner's code: the learner's model's summary and layer names, as plain data."""
    import keras

    from course_utils.exercises._models import architecture, layer_names

    model = build(*args, **kwargs)
    if model is None:
        return None
    if not isinstance(model, keras.Model):
        raise ExerciseCheckError(f"keras.Model을 돌려주세요 (받은 값: {type(model).__name__}).")
    return (architecture(model), layer_names(model))


def _compare_model(received, expected, args, kwargs, where):
    from course_utils.exercises._models import first_difference, missing_names

    if not isinstance(received, (tuple, list)) or len(received) != 2:
        return f"{where}: 모델의 구조를 읽을 수 없습니다. keras.Model을 돌려주세요."
    return first_difference(received[0], expected[0], where) or missing_names(received[1], expected[1], where)


def _library_models() -> list:
    """The builders 연습 7-4 and 7-6 must not call: the course's own and Keras' model copying."""
    import sys

    from course_utils import pretrained

    blocked = [(pretrained, name) for name in ("build_dense_autoencoder", "build_dense_encoder_decoder",
                                               "build_conv_autoencoder", "build", "load", "load_into")]
    keras = sys.modules.get("keras")
    if keras is not None:
        blocked += [(keras.models, "clone_model"), (keras.models, "model_from_json"), (keras.models, "load_model")]
    return blocked


_MODEL_REFUSAL = ("이 연습은 직접 쓴 모델 코드를 검사합니다. course_utils의 모델 함수나 모델 복사(clone_model) 대신 "
                  "keras.Input과 layers로 직접 만드세요.")
BUILD_DENSE_AUTOENCODER = function_exercise("7-4", "Dense 오토인코더 만들기", "build_autoencoder", FunctionSpec(
    cases=model_cases, reference=_reference_model, seed=74, run=_run_model, compare=_compare_model,
    blocked=_library_models, banned_names=MODEL_COPY_NAMES, refusal=_MODEL_REFUSAL))


def conv_model_cases(seed: int = 77) -> list:
    """The cases of 연습 7-6: the chapter's (16 filters, 2 code maps), the denoising model's (32, 8) and one other."""
    rng = np.random.default_rng(seed)
    other = (int(rng.choice([8, 12, 24])), int(rng.choice([1, 3, 4])))
    return [((filters, channels), {}, f"filters={filters}, code_channels={channels}로 만든 모델")
            for filters, channels in [(16, 2), (32, 8), other]]


def _reference_conv_model(filters, code_channels):
    """The chapter's conv autoencoder (:func:`course_utils.pretrained.build_conv_autoencoder`): summary and the
    layer name the prompt asks for."""
    from course_utils.exercises._models import architecture
    from course_utils.pretrained import build_conv_autoencoder

    return (architecture(build_conv_autoencoder(filters, code_channels)), ("code",))


BUILD_CONV_AUTOENCODER = function_exercise("7-6", "합성곱 오토인코더 만들기", "build_conv_ae", FunctionSpec(
    cases=conv_model_cases, reference=_reference_conv_model, seed=77, run=_run_model, compare=_compare_model,
    blocked=_library_models, banned_names=MODEL_COPY_NAMES, refusal=_MODEL_REFUSAL))


def make_dense_autoencoder(input_dim=784, code_dim=36, seed=0):
    """The chapter's dense autoencoder (:func:`course_utils.pretrained.build_dense_autoencoder`), seeded.

    Used by the check of 연습 7-5 with sizes and weights the learner has not seen.
    """
    import keras

    from course_utils.pretrained import build_dense_autoencoder

    keras.utils.set_random_seed(seed)
    return build_dense_autoencoder(code_dim, input_dim)


def build_cases(seed: int = 71) -> list:
    """The cases of 연습 7-5: new autoencoders (input length, code length, weight seed) and 6 inputs each."""
    rng = np.random.default_rng(seed)
    return [((input_dim, code_dim, seed + code_dim, rng.random((6, input_dim)).astype("float32")), {},
             f"입력 {input_dim}, 코드 {code_dim}인 새 오토인코더")
            for input_dim, code_dim in [(784, 36), (50, 7)]]


def _shift_output_layer(autoencoder) -> None:
    layer = autoencoder.get_layer("reconstruction")
    layer.set_weights([w + 1.0 for w in layer.get_weights()])


def _run_build(build_encoder_decoder, args, kwargs):
    """Runs next to the learner's code: codes, rebuilt, rebuilt after the output layer changed (arrays) and the
    decoder's error message ("" when it ran)."""
    import keras

    input_dim, code_dim, seed, x = args
    autoencoder = make_dense_autoencoder(input_dim, code_dim, seed=seed)
    with warnings.catch_warnings():
        # a model built from ``autoencoder.inputs`` (a list) warns when called on one array
        warnings.filterwarnings("ignore", message="The structure of `inputs`", category=UserWarning)
        try:
            result = build_encoder_decoder(autoencoder)
        except NotImplementedError:
            raise
        except Exception as error:
            raise ExerciseCheckError(
                f"입력 {input_dim}, 코드 {code_dim}인 새 오토인코더로 함수를 실행하다 오류가 났습니다: "
                f"{type(error).__name__}: {error}. 층 번호를 784나 36 같은 숫자 대신 autoencoder에서 꺼내 쓰세요."
            ) from None
        if not isinstance(result, tuple) or len(result) != 2:
            raise ExerciseCheckError("(encoder, decoder) 두 모델을 튜플로 돌려주세요.")
        encoder, decoder = result
        for name, model in (("encoder", encoder), ("decoder", decoder)):
            if not isinstance(model, keras.Model):
                raise ExerciseCheckError(f"{name}가 keras.Model이 아닙니다 (받은 값: {type(model).__name__}).")
        try:
            codes = np.asarray(encoder(x))
        except Exception as error:
            raise ExerciseCheckError(f"encoder에 (6, {input_dim}) 입력을 넣다 오류가 났습니다: {error}") from None
        try:
            rebuilt, decoder_error = np.asarray(decoder(codes)), ""
        except Exception as error:  # noqa: BLE001 - judged after the codes (a wrong encoder explains it better)
            rebuilt = np.zeros((0,))
            decoder_error = (f"decoder에 {codes.shape} 코드를 넣다 오류가 났습니다: {type(error).__name__}: {error}. "
                             "decoder의 입력은 keras.Input(shape=(코드 길이,))입니다.")[:600]
        _shift_output_layer(autoencoder)
        try:
            rebuilt_after = np.asarray(decoder(encoder(x)))
        except Exception:  # noqa: BLE001 - reported as a wrong output below
            rebuilt_after = np.zeros((0,))
    return (codes, rebuilt, rebuilt_after, decoder_error)


def _reference_build(input_dim, code_dim, seed, x):
    """The right (codes, rebuilt, rebuilt after the output layer changed) of one case of 연습 7-5."""
    import keras

    autoencoder = make_dense_autoencoder(input_dim, code_dim, seed=seed)
    codes = np.asarray(keras.Model(autoencoder.input, autoencoder.get_layer("code").output)(x))
    rebuilt = np.asarray(autoencoder(x))
    _shift_output_layer(autoencoder)
    return (codes, rebuilt, np.asarray(autoencoder(x)))


def _compare_build(received, expected, args, kwargs, where):
    input_dim, code_dim = args[0], args[1]
    codes, rebuilt, rebuilt_after = (np.asarray(part) for part in received[:3])
    decoder_error = received[3] if len(received) > 3 else ""
    right_codes, right_rebuilt, right_after = expected
    if codes.shape != right_codes.shape:
        return (f"{where}에서 encoder 출력 shape이 {codes.shape}입니다. (배치, 코드 길이)여야 합니다. "
                "encoder의 출력은 은닉층(코드) 레이어의 출력입니다.")
    if not np.allclose(codes, right_codes, atol=1e-5):
        return ("encoder의 출력이 오토인코더의 은닉층 값과 다릅니다. 새 Dense 레이어를 만들지 말고 "
                "학습된 오토인코더의 레이어를 그대로 쓰세요.")
    if decoder_error:
        return str(decoder_error)
    if rebuilt.shape != right_rebuilt.shape:
        return f"decoder 출력 shape이 {rebuilt.shape}입니다. (배치, {input_dim})여야 합니다."
    if not np.allclose(rebuilt, right_rebuilt, atol=1e-5):
        return ("decoder(encoder(x))가 autoencoder(x)와 다릅니다. decoder는 학습된 출력 레이어를 "
                "새 Input에 다시 호출해서 만드세요 (새 레이어를 만들면 가중치가 학습되지 않은 값입니다).")
    if rebuilt_after.shape != right_after.shape or not np.allclose(rebuilt_after, right_after, atol=1e-5):
        return ("decoder가 오토인코더의 출력 레이어를 함께 쓰지 않습니다 (가중치를 복사했나요?). "
                "autoencoder.get_layer(...)로 꺼낸 레이어 객체를 새 Input에 그대로 호출하세요.")
    return None


BUILD_ENCODER_DECODER = function_exercise("7-5", "인코더와 디코더 모델 만들기", "build_encoder_decoder", FunctionSpec(
    cases=build_cases, reference=_reference_build, seed=71, run=_run_build, compare=_compare_build))


# ----------------------------------------------------------------- 연습 7-7: read the reconstructions


def pca_rows() -> tuple:
    """The code size of the figure's rows A, B, C in 7.9 (the chapter draws them in this shuffled order)."""
    return tuple(int(k) for k in np.random.default_rng(PCA_ROW_SEED).permutation(list(PCA_CODE_SIZES)))


def _row_hint(size):
    if size == max(PCA_CODE_SIZES):
        return ("가장 또렷한 줄을 골랐습니다. 작은 코드가 잡음만 걸러 더 깨끗하게 복원한다는 생각은 오해입니다: 코드가 작을수록 "
                "담을 수 있는 정보가 적어 복원은 더 흐려집니다.")
    return ("숫자를 알아볼 수 있는 줄을 골랐습니다. 784개를 2개로 줄이면 숫자마다의 차이가 거의 남지 않아, "
            "어느 숫자든 비슷한 흐린 얼룩이 됩니다.")


SMALLEST_CODE_ROW = panel_choice_exercise(
    "7-7", "가장 작은 코드의 복원 찾기", "smallest_code_row", pca_rows, min(PCA_CODE_SIZES), _row_hint,
    "복원 방법(PCA)이 같아도 코드에 담긴 숫자의 개수가 복원의 질을 정합니다. 세 줄의 흐린 정도가 다르니 "
    "그림으로 구별할 수 있습니다.")

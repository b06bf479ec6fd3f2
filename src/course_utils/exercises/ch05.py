"""Exercise declarations of chapter 5, Transposed Convolution과 오토인코더
(book/ch05_transposed_conv_autoencoder).

Code answers (the three upsampling methods) are compared with
:mod:`course_utils.layers` on random inputs the learner has not seen; value
answers are computed with :func:`course_utils.shapes.conv_transpose_output_length`
and the other shape formulas when the check runs.
"""

from __future__ import annotations

import numpy as np

from course_utils import layers as _layers
from course_utils.exercises._core import (INTS, Exercise, ExerciseCheckError, _shown, compare_function,
                                          custom_exercise, differing, function_exercise, type_name, value_exercise)
from course_utils.shapes import conv_output_length, conv_transpose_output_length, pool_output_length


def _image_cases(rng, sizes=(2, 3)):
    cases = []
    for (b, h, w, c), size in zip([(2, 3, 4, 1), (1, 2, 2, 3), (3, 1, 5, 2)], list(sizes) + [2]):
        x = rng.normal(size=(b, h, w, c)).round(3)
        cases.append(((x,), {"size": size}, f"shape {x.shape}, size={size}인 입력"))
    return cases


def _judge_upsample_nearest(label, my_upsample_nearest, seed: int = 51) -> None:
    """연습 5-1: nearest-neighbour upsampling of an (N, H, W, C) array by an integer ``size``."""
    _check_callable(label, my_upsample_nearest)
    compare_function(label, my_upsample_nearest, _layers.upsample_nearest, _image_cases(np.random.default_rng(seed)),
                 atol=0)


def _judge_bed_of_nails(label, my_bed_of_nails, seed: int = 52) -> None:
    """연습 5-2: bed-of-nails upsampling (value at the top-left of each block, zeros elsewhere)."""
    _check_callable(label, my_bed_of_nails)
    cases = _image_cases(np.random.default_rng(seed))
    x = cases[0][0][0]
    try:
        out = np.asarray(my_bed_of_nails(x, size=2))
    except NotImplementedError:
        raise ExerciseCheckError(f"{label}: 아직 함수를 완성하지 않았습니다 (NotImplementedError).") from None
    except Exception:
        out = None  # compare_function below reports the error
    if out is not None and out.shape == (x.shape[0], x.shape[1] * 2, x.shape[2] * 2, x.shape[3]):
        if np.allclose(out, _layers.upsample_nearest(x, 2)):
            raise ExerciseCheckError(
                f"{label}: 값을 블록 전체에 복사했습니다. 그건 nearest neighbor입니다. "
                "bed of nails는 블록의 왼쪽 위 한 칸에만 값을 두고 나머지는 0으로 채웁니다."
            )
        if np.allclose(out[:, 1::2, 1::2], x) and not np.allclose(out[:, ::2, ::2], x):
            raise ExerciseCheckError(f"{label}: 값을 블록의 오른쪽 아래에 두었습니다. 왼쪽 위(각 블록의 첫 칸)에 두세요.")
    compare_function(label, my_bed_of_nails, _layers.bed_of_nails, cases, atol=0)


def _reference_unpool(pooled, indices, output_shape):
    return _layers.max_unpool2d(pooled, indices, output_shape)


def _judge_max_unpool(label, my_max_unpool, seed: int = 53) -> None:
    """연습 5-3: max unpooling with the indices that ``max_pool2d(..., return_indices=True)`` returns."""
    _check_callable(label, my_max_unpool)
    rng = np.random.default_rng(seed)
    cases = []
    for shape in [(1, 4, 4, 1), (2, 6, 4, 3), (1, 2, 8, 2)]:
        x = rng.permutation(np.prod(shape)).reshape(shape).astype(np.float64)  # distinct values: no ties
        pooled, indices = _layers.max_pool2d(x, 2, return_indices=True)
        cases.append(((pooled, indices, shape), {}, f"pooling 전 shape {shape}인 입력"))
    pooled, indices, shape = cases[1][0]
    try:
        out = np.asarray(my_max_unpool(pooled, indices, shape))
    except NotImplementedError:
        raise ExerciseCheckError(f"{label}: 아직 함수를 완성하지 않았습니다 (NotImplementedError).") from None
    except Exception:
        out = None
    if out is not None and out.shape == tuple(shape):
        expected = _layers.max_unpool2d(pooled, indices, shape)
        if np.count_nonzero(out) > np.count_nonzero(expected):
            raise ExerciseCheckError(
                f"{label}: 0이 아닌 값이 너무 많습니다. 창마다 최댓값이 있던 한 자리에만 값을 두고 나머지는 0이어야 합니다."
            )
        if not np.allclose(out, expected) and np.allclose(np.sort(out.ravel()), np.sort(expected.ravel())):
            raise ExerciseCheckError(
                f"{label}: 값은 맞는데 자리가 다릅니다. 인덱스는 샘플 하나 안에서 (행 * W + 열) * C + 채널로 "
                "펼친 위치입니다. 배치마다 따로 펼쳐서 넣었는지, 채널 축을 빠뜨리지 않았는지 확인하세요."
            )
    compare_function(label, my_max_unpool, _reference_unpool, cases, atol=0)


def _check_callable(label, function):
    if not callable(function):
        compare_function(label, function, None, [])  # raises the core's type message


TRANSPOSE_CASES = [(3, 3, 2, "valid", None), (7, 3, 2, "same", None), (5, 4, 3, "valid", None), (7, 5, 2, "valid", 1)]

# 연습 5-5: the 12 layers of the Conv2DTranspose autoencoder (5.6) as (kind, kernel, stride, padding).
TRACE_LAYERS = [("conv", 3, 1, "valid"), ("pool", 2, 2, "valid"), ("conv", 3, 1, "valid"), ("pool", 2, 2, "valid"),
                ("conv", 3, 1, "valid"), ("tconv", 3, 1, "same"), ("up", 2, 2, None), ("tconv", 3, 1, "same"),
                ("up", 2, 2, None), ("tconv", 3, 1, "valid"), ("up", 2, 2, None), ("tconv", 3, 1, "same")]
TRACE_INPUT = 32


def transpose_sizes() -> tuple:
    """Output lengths of the four Conv2DTranspose cases of 연습 5-4."""
    return tuple(conv_transpose_output_length(n, k, s, p, op) for n, k, s, p, op in TRANSPOSE_CASES)


def trace(n: int = TRACE_INPUT) -> list:
    """The spatial size after each layer of :data:`TRACE_LAYERS` for an n x n input (연습 5-5)."""
    sizes = []
    for kind, k, s, padding in TRACE_LAYERS:
        n = trace_one(kind, k, s, padding, n)
        sizes.append(n)
    return sizes


def _transpose_sizes_hint(value, expected):
    for i in differing(value, expected):
        n, k, s, padding, op = TRANSPOSE_CASES[i]
        case = "abcd"[i]
        v = value[i]
        if v < n:
            return (f"({case})에서 크기가 줄었습니다. transposed convolution은 convolution과 반대로 크기를 키웁니다: "
                    "(n-1)*s + k부터 시작하세요.")
        if padding == "same":
            return f"({case}) padding='same'이고 output_padding이 없으면 출력은 정확히 입력 × stride입니다."
        if op is None and v == (n - 1) * s + k and k < s:
            return f"({case}) valid padding에서 output_padding이 None이면 (n-1)*s + max(k, s)입니다. 여기서는 s > k입니다."
        if op and v == (n - 1) * s + k:
            return f"({case}) output_padding만큼 출력 뒤쪽에 줄이 더 붙습니다."
        return f"({case}) 본문의 공식 (n-1)*s + max(k, s) (valid, output_padding이 없을 때), (n-1)*s + k + output_padding을 다시 적용해 보세요."
    return None


def _trace_hint(value, expected):
    if len(value) == len(expected) + 1 and value[0] == TRACE_INPUT:
        return f"입력({TRACE_INPUT})은 빼고, 레이어 {len(expected)}개 각각의 출력 크기만 적으세요."
    if len(value) != len(expected):
        return f"레이어가 {len(expected)}개이므로 숫자 {len(expected)}개가 필요합니다 (받은 개수: {len(value)})."
    if list(value) == trace(28):
        return "본문의 28x28 입력이 아니라 32x32 입력으로 계산하세요."
    # the first wrong layer, judged from the learner's own previous size
    n = TRACE_INPUT
    for i, ((kind, k, s, padding), v) in enumerate(zip(TRACE_LAYERS, value)):
        right = trace_one(kind, k, s, padding, n)
        if v != right:
            where = f"{i + 1}번째 레이어"
            if kind == "conv" and v == n:
                return f"{where}: 이 Conv2D에는 padding이 없습니다 (valid). 3x3 커널이 가장자리를 한 칸씩 잃습니다."
            if kind == "pool" and v == -(-n // k):
                return f"{where}: MaxPooling2D(2)는 padding이 valid라 홀수 크기를 내림합니다."
            if kind == "tconv" and padding == "valid" and v in (n, n - (k - 1)):
                return f"{where}: padding이 없는(valid) stride 1 Conv2DTranspose는 크기를 k-1만큼 키웁니다 (Conv2D와 반대)."
            if kind == "tconv" and padding == "same":
                return f"{where}: stride 1, padding='same'인 Conv2DTranspose는 크기를 바꾸지 않습니다."
            if kind == "up":
                return f"{where}: UpSampling2D(2)는 크기를 2배로 만듭니다."
            return f"{where}: 이 레이어의 padding과 stride를 보고 공식을 적용해 보세요 (입력은 앞 레이어의 출력)."
        n = v
    return None


def trace_one(kind, k, s, padding, n):
    """One layer of :func:`trace`."""
    if kind == "conv":
        return conv_output_length(n, k, s, padding)
    if kind == "pool":
        return pool_output_length(n, k, s, padding)
    if kind == "tconv":
        return conv_transpose_output_length(n, k, s, padding)
    return n * k


UPSAMPLE_NEAREST = function_exercise("5-1", "nearest neighbor upsampling", "my_upsample_nearest",
                                     _judge_upsample_nearest)
BED_OF_NAILS = function_exercise("5-2", "bed of nails", "my_bed_of_nails", _judge_bed_of_nails)
MAX_UNPOOL = function_exercise("5-3", "max unpooling", "my_max_unpool", _judge_max_unpool)
TRANSPOSE_SIZES = value_exercise("5-4", "transposed convolution 출력 크기", "transpose_sizes", INTS, transpose_sizes,
                                 [_transpose_sizes_hint])
# 연습 5-5 asks for "정수 12개의 리스트": the core's INTS rule also takes a tuple for a list answer, so the
# declaration checks the list itself and then judges the numbers with the core's rules and hints.
_TRACE_NUMBERS = Exercise("5-5", "Conv2DTranspose 오토인코더의 shape 추적", "spatial_sizes", INTS, answer=trace,
                          hints=(_trace_hint,))


def _judge_trace(label, spatial_sizes) -> None:
    """연습 5-5: a list of ints (the question says 리스트), judged like an INTS answer."""
    if not isinstance(spatial_sizes, list):
        given = type_name(spatial_sizes)
        if isinstance(spatial_sizes, tuple):
            given = f"값 {len(spatial_sizes)}개로 된 {given}"
        raise ExerciseCheckError(
            f"{label}: 답의 형식이 다릅니다. 필요한 형식은 정수 {len(TRACE_LAYERS)}개로 된 리스트(list) [...]인데, "
            f"받은 답은 {given} {_shown(spatial_sizes)}입니다.")
    _TRACE_NUMBERS.check_value(spatial_sizes)


TRANSPOSE_TRACE = custom_exercise("5-5", _TRACE_NUMBERS.title, _TRACE_NUMBERS.name, _judge_trace)

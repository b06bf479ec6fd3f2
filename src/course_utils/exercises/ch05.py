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
from course_utils.exercises._core import (INTS, Exercise, ExerciseCheckError, FunctionSpec, _shown,
                                          custom_exercise, differing, function_exercise, loaded_library_functions,
                                          type_name, value_exercise)
from course_utils.exercises._own_work import NUMBER_RULE, OWN_CODE_LIBRARIES
from course_utils.shapes import conv_output_length, conv_transpose_output_length, pool_output_length


def _image_cases(rng, sizes=(2, 3)):
    cases = []
    for (b, h, w, c), size in zip([(2, 3, 4, 1), (1, 2, 2, 3), (3, 1, 5, 2)], list(sizes) + [2]):
        x = rng.normal(size=(b, h, w, c)).round(3)
        cases.append(((x,), {"size": size}, f"shape {x.shape}, size={size}인 입력"))
    return cases


def upsampling_cases(seed: int) -> list:
    """The input cases of 연습 5-1 and 5-2: three (N, H, W, C) arrays and sizes 2, 3, 2."""
    return _image_cases(np.random.default_rng(seed))


def library_upsampling() -> list:
    """The library functions 연습 5-1 must not call: course_utils', and Keras' and TensorFlow's if imported."""
    import sys

    blocked = [(_layers, "upsample_nearest")]
    keras = sys.modules.get("keras")
    if keras is not None:
        blocked += [(keras.layers.UpSampling2D, "call"), (keras.layers.Resizing, "call"),
                    (getattr(keras.ops, "image", None), "resize")]
    tf = sys.modules.get("tensorflow")
    if tf is not None:
        blocked += [(tf.image, "resize"), (getattr(tf, "raw_ops", None), "ResizeNearestNeighbor")]
    ndimage = sys.modules.get("scipy.ndimage")
    if ndimage is not None:
        blocked.append((ndimage, "zoom"))
    return blocked


#: Names whose use in the answer counts as calling library upsampling (the grader's static check).
UPSAMPLING_NAMES = frozenset({"UpSampling2D", "upsample_nearest", "Resizing", "resize", "ResizeNearestNeighbor",
                              "zoom"})


def library_bed_of_nails() -> list:
    """The library functions 연습 5-2 must not call: course_utils' upsamplings, and Keras' and TensorFlow's if imported."""
    return [(_layers, "bed_of_nails"), (_layers, "upsample_nearest"), (_layers, "conv2d_transpose")] + \
        loaded_library_functions("keras:layers.Conv2DTranspose.call", "keras:layers.UpSampling2D.call",
                                 "keras:ops.scatter", "keras:ops.slice_update", "tensorflow:nn.conv2d_transpose",
                                 "tensorflow:scatter_nd", "tensorflow:tensor_scatter_nd_update")


def library_unpooling() -> list:
    """The library functions 연습 5-3 must not call: course_utils' max_unpool2d, and TensorFlow's scatters if imported."""
    return [(_layers, "max_unpool2d")] + loaded_library_functions(
        "keras:ops.scatter", "keras:ops.scatter_update", "tensorflow:scatter_nd", "tensorflow:tensor_scatter_nd_update",
        "tensorflow:tensor_scatter_nd_add")


#: Names whose use in the answers of 연습 5-2 and 5-3 counts as calling the library's version (the own-work rule).
BED_OF_NAILS_NAMES = UPSAMPLING_NAMES | OWN_CODE_LIBRARIES | frozenset({
    "bed_of_nails", "Conv2DTranspose", "conv2d_transpose", "conv_transpose", "scatter", "scatter_nd",
    "tensor_scatter_nd_update", "slice_update"})
UNPOOLING_NAMES = OWN_CODE_LIBRARIES | frozenset({
    "max_unpool2d", "max_unpool", "MaxUnpooling2D", "scatter", "scatter_nd", "scatter_update",
    "tensor_scatter_nd_update", "tensor_scatter_nd_add", "MaxPoolGradWithArgmax", "max_pool_grad_with_argmax"})


def _nearest_instead_hint(received, expected, args, kwargs):
    x, size = np.asarray(args[0]), kwargs["size"]
    if received.shape == expected.shape and np.allclose(received, _layers.upsample_nearest(x, size)):
        return ("값을 블록 전체에 복사했습니다. 그건 nearest neighbor입니다. "
                "bed of nails는 블록의 왼쪽 위 한 칸에만 값을 두고 나머지는 0으로 채웁니다.")
    if (received.shape == expected.shape and np.allclose(received[:, size - 1::size, size - 1::size], x)
            and not np.allclose(received[:, ::size, ::size], x)):
        return "값을 블록의 오른쪽 아래에 두었습니다. 왼쪽 위(각 블록의 첫 칸)에 두세요."
    return None


def unpool_cases(seed: int = 53) -> list:
    """The input cases of 연습 5-3: pooled values and indices of arrays with distinct values (no ties)."""
    rng = np.random.default_rng(seed)
    cases = []
    for shape in [(1, 4, 4, 1), (2, 6, 4, 3), (1, 2, 8, 2)]:
        x = rng.permutation(np.prod(shape)).reshape(shape).astype(np.float64)
        pooled, indices = _layers.max_pool2d(x, 2, return_indices=True)
        cases.append(((pooled, indices, shape), {}, f"pooling 전 shape {shape}인 입력"))
    return cases


def _reference_unpool(pooled, indices, output_shape):
    return _layers.max_unpool2d(pooled, indices, output_shape)


def _unpool_hint(received, expected, args, kwargs):
    if received.shape != expected.shape:
        return None
    if np.count_nonzero(received) > np.count_nonzero(expected):
        return "0이 아닌 값이 너무 많습니다. 창마다 최댓값이 있던 한 자리에만 값을 두고 나머지는 0이어야 합니다."
    if np.allclose(np.sort(received.ravel()), np.sort(expected.ravel())):
        return ("값은 맞는데 자리가 다릅니다. 인덱스는 샘플 하나 안에서 (행 * W + 열) * C + 채널로 "
                "펼친 위치입니다. 배치마다 따로 펼쳐서 넣었는지, 채널 축을 빠뜨리지 않았는지 확인하세요.")
    return None


UPSAMPLE_NEAREST = function_exercise("5-1", "nearest neighbor upsampling", "my_upsample_nearest", FunctionSpec(
    cases=upsampling_cases, reference=_layers.upsample_nearest, seed=51, atol=0, blocked=library_upsampling,
    refusal=("이 연습은 직접 짠 numpy 코드를 검사합니다. UpSampling2D나 resize 같은 라이브러리 업샘플링을 부르지 말고 "
             "np.repeat이나 인덱싱으로 직접 만드세요."),
    banned_names=UPSAMPLING_NAMES | OWN_CODE_LIBRARIES, mismatch="각 값이 size × size 블록 전체에 복사되었는지 확인하세요."))
BED_OF_NAILS = function_exercise("5-2", "bed of nails", "my_bed_of_nails", FunctionSpec(
    cases=upsampling_cases, reference=_layers.bed_of_nails, seed=52, atol=0, hints=[_nearest_instead_hint],
    blocked=library_bed_of_nails, banned_names=BED_OF_NAILS_NAMES,
    refusal=("이 연습은 직접 짠 numpy 코드를 검사합니다. course_utils의 bed_of_nails나 Keras·TensorFlow의 업샘플링, "
             "transposed convolution, scatter를 부르지 말고 np.zeros로 만든 배열의 슬라이스에 값을 직접 넣으세요."),
    mismatch="각 블록의 왼쪽 위 한 칸에만 값이 있고 나머지가 0인지 확인하세요."))
MAX_UNPOOL = function_exercise("5-3", "max unpooling", "my_max_unpool", FunctionSpec(
    cases=unpool_cases, reference=_reference_unpool, seed=53, atol=0, hints=[_unpool_hint],
    blocked=library_unpooling, banned_names=UNPOOLING_NAMES,
    refusal=("이 연습은 직접 짠 numpy 코드를 검사합니다. course_utils의 max_unpool2d나 TensorFlow의 scatter를 "
             "부르지 말고 np.zeros로 만든 배열을 펼쳐 인덱스 자리에 값을 직접 넣으세요."),
    mismatch="인덱스가 가리키는 자리에 풀링된 값을 두었는지 확인하세요."))


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


TRANSPOSE_TRACE = custom_exercise("5-5", _TRACE_NUMBERS.title, _TRACE_NUMBERS.name, _judge_trace, banned=NUMBER_RULE)

"""Visible checks for chapter 5, Transposed Convolution과 오토인코더
(book/ch05_transposed_conv_autoencoder).

Code answers (the three upsampling methods) are compared with
:mod:`course_utils.layers` on random inputs the learner has not seen; value
answers through a digest.

>>> import numpy as np
>>> check_upsample_nearest(lambda x, size=2: np.repeat(np.repeat(x, size, axis=1), size, axis=2))
✅ 연습 5-1 (nearest neighbor upsampling): 통과!
"""

from __future__ import annotations

import numpy as np

from course_utils import layers as _layers
from course_utils.exercises._core import ExerciseCheckError, as_shape, expect_close, expect_value


def _image_cases(rng, sizes=(2, 3)):
    cases = []
    for (b, h, w, c), size in zip([(2, 3, 4, 1), (1, 2, 2, 3), (3, 1, 5, 2)], list(sizes) + [2]):
        x = rng.normal(size=(b, h, w, c)).round(3)
        cases.append(((x,), {"size": size}, f"shape {x.shape}, size={size}인 입력"))
    return cases


def check_upsample_nearest(my_upsample_nearest, seed: int = 51) -> None:
    """연습 5-1: nearest-neighbour upsampling of an (N, H, W, C) array by an integer ``size``."""
    label = "연습 5-1 (nearest neighbor upsampling)"
    _check_not_keras_layer(label, my_upsample_nearest)
    expect_close(label, my_upsample_nearest, _layers.upsample_nearest, _image_cases(np.random.default_rng(seed)),
                 atol=0)


def check_bed_of_nails(my_bed_of_nails, seed: int = 52) -> None:
    """연습 5-2: bed-of-nails upsampling (value at the top-left of each block, zeros elsewhere)."""
    label = "연습 5-2 (bed of nails)"
    _check_not_keras_layer(label, my_bed_of_nails)
    cases = _image_cases(np.random.default_rng(seed))
    x = cases[0][0][0]
    try:
        out = np.asarray(my_bed_of_nails(x, size=2))
    except NotImplementedError:
        raise ExerciseCheckError(f"{label}: 아직 함수를 완성하지 않았습니다 (NotImplementedError).") from None
    except Exception:
        out = None  # expect_close below reports the error
    if out is not None and out.shape == (x.shape[0], x.shape[1] * 2, x.shape[2] * 2, x.shape[3]):
        if np.allclose(out, _layers.upsample_nearest(x, 2)):
            raise ExerciseCheckError(
                f"{label}: 값을 블록 전체에 복사했습니다. 그건 nearest neighbor입니다. "
                "bed of nails는 블록의 왼쪽 위 한 칸에만 값을 두고 나머지는 0으로 채웁니다."
            )
        if np.allclose(out[:, 1::2, 1::2], x) and not np.allclose(out[:, ::2, ::2], x):
            raise ExerciseCheckError(f"{label}: 값을 블록의 오른쪽 아래에 두었습니다. 왼쪽 위(각 블록의 첫 칸)에 두세요.")
    expect_close(label, my_bed_of_nails, _layers.bed_of_nails, cases, atol=0)


def _reference_unpool(pooled, indices, output_shape):
    return _layers.max_unpool2d(pooled, indices, output_shape)


def check_max_unpool(my_max_unpool, seed: int = 53) -> None:
    """연습 5-3: max unpooling with the indices that ``max_pool2d(..., return_indices=True)`` returns."""
    label = "연습 5-3 (max unpooling)"
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
    expect_close(label, my_max_unpool, _reference_unpool, cases, atol=0)


def _check_not_keras_layer(label, function):
    if not callable(function):
        raise ExerciseCheckError(f"{label}: 함수가 필요합니다 (받은 값: {type(function).__name__}).")


def check_transpose_sizes(transpose_sizes) -> None:
    """연습 5-4: output lengths of four transposed-convolution configurations (a, b, c, d)."""
    label = "연습 5-4 (transposed convolution 출력 크기)"

    def hint(value):
        sizes = as_shape(value)
        if sizes is None or len(sizes) != 4:
            return "(a, b, c, d) 네 개의 정수로 된 튜플로 답하세요."
        a, b, c, d = sizes
        if a < 3:
            return "(a)에서 크기가 줄었습니다. transposed convolution은 convolution과 반대로 크기를 키웁니다: (n-1)*s + k부터 시작하세요."
        if b in ((7 - 1) * 2 + 3, (7 - 1) * 2 + 3 + 1, 7):
            return "(b) padding='same'이고 output_padding이 없으면 출력은 정확히 입력 × stride입니다."
        if c == (5 - 1) * 3 + 4 - 1 or c < (5 - 1) * 3 + 3:
            return "(c) valid padding에서 output_padding이 None이면 (n-1)*s + max(k, s)입니다."
        if d == (7 - 1) * 2 + 5:
            return "(d) output_padding만큼 출력 뒤쪽에 한 줄이 더 붙습니다."
        return "본문의 공식 (n-1)*s + k (+ output_padding), 'same'이면 n*s를 하나씩 다시 적용해 보세요."

    expect_value(label, "ch05.transpose_sizes", transpose_sizes, "1aa7303df971364b", [hint])


def check_transpose_trace(spatial_sizes) -> None:
    """연습 5-5: the spatial size after each of the 12 layers of the Conv2DTranspose autoencoder for a 32x32 input."""
    label = "연습 5-5 (Conv2DTranspose 오토인코더의 shape 추적)"

    def hint(value):
        sizes = as_shape(value)
        if sizes is None:
            return "정수로 된 리스트나 튜플로 답하세요 (예: [30, ...])."
        if len(sizes) == 13 and sizes[0] == 32:
            return "입력(32)은 빼고, 레이어 12개 각각의 출력 크기만 적으세요."
        if len(sizes) != 12:
            return f"레이어가 12개이므로 숫자 12개가 필요합니다 (받은 개수: {len(sizes)})."
        if sizes[0] == 26:
            return "본문의 28x28 입력이 아니라 32x32 입력으로 계산하세요."
        if sizes[0] == 32:
            return "첫 Conv2D에는 padding이 없습니다 (valid): 3x3 커널이 가장자리를 한 칸씩 잃습니다."
        if sizes[3] == sizes[2] // 2 + 1:
            return "MaxPooling2D(2)는 padding이 valid라 홀수 크기를 내림합니다."
        if sizes[9] in (sizes[8], sizes[8] - 2):
            return "padding이 없는(valid) stride 1 Conv2DTranspose는 크기를 k-1만큼 키웁니다 (Conv2D와 반대)."
        if sizes[-1] == 32:
            return "출력이 입력과 같은 크기가 된다고 가정하지 말고, 레이어마다 공식을 적용한 결과를 그대로 적으세요."
        return "각 레이어의 padding과 stride를 보고 공식을 하나씩 적용해 보세요."

    expect_value(label, "ch05.transpose_trace", spatial_sizes, "a615d6f75a70c571", [hint])

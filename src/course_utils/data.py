"""MNIST for chapters 5-7, with an announced offline fallback.

:func:`load_mnist` returns the same arrays as ``keras.datasets.mnist.load_data()``:
``((x_train, y_train), (x_test, y_test))`` with uint8 images of shape (N, 28, 28)
and integer labels.  It uses Keras's own loader (its cache in
``~/.keras/datasets``, or the download on Colab and on a machine with internet).
When that is impossible (no network and no cache), or when it is asked to
(``offline=True`` or the environment variable ``COURSE_OFFLINE_DATA=1``), it
falls back to scikit-learn's bundled handwritten digits (1,797 images of 8x8
pixels, shipped inside scikit-learn, nothing is downloaded), enlarged to 28x28
like MNIST, and it says so in the notebook output.

:func:`to_unit_interval` and :func:`to_tanh_range` scale the uint8 images for
the autoencoders (chapters 5 and 7, pixels in [0, 1]) and for the GAN
(chapter 6, pixels in [-1, 1]).

>>> (x_train, y_train), (x_test, y_test) = load_mnist(offline=True, limit=10, verbose=False)
>>> x_train.shape, x_train.dtype, y_train.shape
((10, 28, 28), dtype('uint8'), (10,))
>>> to_unit_interval(x_train).shape
(10, 28, 28, 1)
"""

from __future__ import annotations

import functools
import numbers
import os

import numpy as np

__all__ = [
    "load_mnist",
    "load_offline_digits",
    "to_unit_interval",
    "to_tanh_range",
    "OFFLINE_ENV_VAR",
]

#: Set this environment variable to 1 to use the offline digits without trying Keras.
OFFLINE_ENV_VAR = "COURSE_OFFLINE_DATA"

_IMAGE_SIZE = 28
_BOX_SIZE = 20  # MNIST digits fit a 20x20 box centred in the 28x28 image
_TEST_SIZE = 300  # original scikit-learn images kept aside for the test split
_SHIFTED_COPIES = 3  # extra randomly shifted copies of each training image
_MAX_SHIFT = 2  # pixels
_SEED = 2024


def _env_forces_offline() -> bool:
    return os.environ.get(OFFLINE_ENV_VAR, "").strip() not in ("", "0", "false", "False")


def _check_limit(limit):
    if limit is None:
        return None
    if isinstance(limit, bool) or not isinstance(limit, numbers.Integral):
        raise ValueError(f"limit은 양의 정수나 None이어야 합니다 (받은 값: {limit!r}).")
    if limit <= 0:
        raise ValueError(f"limit은 1 이상이어야 합니다 (받은 값: {limit}). 전체를 쓰려면 None을 주세요.")
    return int(limit)


def _resize_bilinear(images: np.ndarray, size: int) -> np.ndarray:
    """Resize (N, h, w) float images to (N, size, size) by bilinear interpolation.

    Pixel centres are aligned the way image libraries do it (half-pixel offsets),
    so the digit is not shifted by the resize.
    """
    n, h, w = images.shape

    def axis_weights(src: int):
        centres = (np.arange(size) + 0.5) * src / size - 0.5
        centres = np.clip(centres, 0, src - 1)
        low = np.floor(centres).astype(int)
        high = np.minimum(low + 1, src - 1)
        frac = centres - low
        return low, high, frac

    r0, r1, rf = axis_weights(h)
    c0, c1, cf = axis_weights(w)
    rows = images[:, r0, :] * (1 - rf)[None, :, None] + images[:, r1, :] * rf[None, :, None]
    return rows[:, :, c0] * (1 - cf)[None, None, :] + rows[:, :, c1] * cf[None, None, :]


def _shift(images: np.ndarray, shifts: np.ndarray) -> np.ndarray:
    """Shift each (28, 28) image by (dy, dx) pixels, filling with zeros."""
    out = np.zeros_like(images)
    size = images.shape[1]
    for i, (dy, dx) in enumerate(shifts):
        src_r = slice(max(0, -dy), size - max(0, dy))
        dst_r = slice(max(0, dy), size - max(0, -dy))
        src_c = slice(max(0, -dx), size - max(0, dx))
        dst_c = slice(max(0, dx), size - max(0, -dx))
        out[i, dst_r, dst_c] = images[i, src_r, src_c]
    return out


@functools.lru_cache(maxsize=1)
def _offline_arrays():
    from sklearn.datasets import load_digits

    digits = load_digits()
    small = digits.images.astype(np.float64) / 16.0  # (1797, 8, 8), values 0..16
    labels = digits.target.astype(np.int64)

    box = _resize_bilinear(small, _BOX_SIZE)
    margin = (_IMAGE_SIZE - _BOX_SIZE) // 2
    images = np.zeros((len(box), _IMAGE_SIZE, _IMAGE_SIZE))
    images[:, margin : margin + _BOX_SIZE, margin : margin + _BOX_SIZE] = box
    images = np.clip(np.round(images * 255.0), 0, 255).astype(np.uint8)

    rng = np.random.default_rng(_SEED)
    order = rng.permutation(len(images))
    test_idx, train_idx = order[:_TEST_SIZE], order[_TEST_SIZE:]
    x_train, y_train = images[train_idx], labels[train_idx]
    x_test, y_test = images[test_idx], labels[test_idx]

    # Augment the training split only (the test split stays the original images).
    copies, copy_labels = [x_train], [y_train]
    for _ in range(_SHIFTED_COPIES):
        shifts = rng.integers(-_MAX_SHIFT, _MAX_SHIFT + 1, size=(len(x_train), 2))
        copies.append(_shift(x_train, shifts))
        copy_labels.append(y_train)
    x_train = np.concatenate(copies)
    y_train = np.concatenate(copy_labels)
    mix = rng.permutation(len(x_train))
    x_train, y_train = x_train[mix], y_train[mix]
    for array in (x_train, y_train, x_test, y_test):
        array.setflags(write=False)
    return (x_train, y_train), (x_test, y_test)


def load_offline_digits(limit=None):
    """The offline stand-in for MNIST, built from scikit-learn's bundled digits.

    The 1,797 scikit-learn images (8x8, values 0-16) are enlarged by bilinear
    interpolation to a 20x20 box centred in a 28x28 image (as MNIST digits are),
    scaled to 0-255 uint8, and split deterministically into 1,497 training and
    300 test images.  Each training image also gets 3 copies shifted by up to
    2 pixels (a fixed seed), so the training split holds 5,988 images; the test
    split keeps only original images.

    Returns fresh, writable copies: ``((x_train, y_train), (x_test, y_test))``.
    """
    limit = _check_limit(limit)
    (x_train, y_train), (x_test, y_test) = _offline_arrays()
    cut = slice(None, limit)
    return (x_train[cut].copy(), y_train[cut].copy()), (x_test[cut].copy(), y_test[cut].copy())


def _announce_offline(reason: str, train_count: int, test_count: int) -> None:
    print(
        f"⚠️ {reason} 오프라인 대체 데이터(scikit-learn digits, 28x28로 확대)를 사용합니다. "
        "진짜 MNIST가 아닙니다: 8x8 손글씨 숫자 1,797장을 28x28로 키우고, 훈련용 이미지는 "
        f"무작위로 최대 2픽셀 이동한 사본을 더해 늘렸습니다 (훈련 {train_count:,}장, 테스트 {test_count:,}장). "
        "숫자가 MNIST보다 흐릿하고 개수가 적어 학습 결과(손실 값, 그림)가 책의 설명과 조금 다를 수 있습니다."
    )


def load_mnist(offline=None, limit=None, verbose=True):
    """Load MNIST like ``keras.datasets.mnist.load_data()``, or the offline stand-in.

    Args:
        offline: ``None`` (default): try Keras's loader and fall back to the
            offline digits on any error, unless the environment variable
            ``COURSE_OFFLINE_DATA=1`` asks for the offline digits directly.
            ``True``: use the offline digits without trying Keras.
            ``False``: real MNIST only (errors from Keras are raised).
        limit: keep only the first ``limit`` images of each split (a positive
            int), or ``None`` for all of them.
        verbose: print one line saying which data set is used.

    Returns:
        ``((x_train, y_train), (x_test, y_test))``: uint8 images of shape
        (N, 28, 28) with values 0-255 and integer labels 0-9.

    Raises:
        ValueError: when ``limit`` is not a positive integer (Korean message).
    """
    limit = _check_limit(limit)
    use_offline = bool(offline) if offline is not None else _env_forces_offline()
    reason = None
    if use_offline:
        reason = (
            "offline=True가 지정되어" if offline else f"환경 변수 {OFFLINE_ENV_VAR}=1이 설정되어"
        )
    else:
        try:
            import keras

            (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
        except Exception as error:  # no network, no cache, a broken download...
            if offline is False:
                raise
            reason = f"MNIST를 내려받을 수 없어 ({type(error).__name__})"
        else:
            cut = slice(None, limit)
            result = (x_train[cut], y_train[cut]), (x_test[cut], y_test[cut])
            if verbose:
                print(
                    f"MNIST를 불러왔습니다 (훈련 {len(result[0][0]):,}장, 테스트 {len(result[1][0]):,}장, "
                    "28x28 흑백, uint8 0~255)."
                )
            return result

    result = load_offline_digits(limit)
    if verbose:
        _announce_offline(reason, len(result[0][0]), len(result[1][0]))
    return result


def _as_float_with_channel(x) -> np.ndarray:
    x = np.asarray(x)
    if x.ndim == 3:
        x = x[..., np.newaxis]
    if x.ndim != 4:
        raise ValueError(f"(N, H, W) 또는 (N, H, W, C) 모양의 이미지 배열이 필요합니다 (받은 shape: {x.shape}).")
    return x.astype(np.float32)


def to_unit_interval(x) -> np.ndarray:
    """Scale uint8 images (0-255) to float32 in [0, 1] with a channel axis.

    Used by the autoencoders of chapters 5 and 7 (sigmoid output, binary
    cross-entropy).  (N, 28, 28) becomes (N, 28, 28, 1); an array that already
    has a channel axis keeps it.

    >>> to_unit_interval(np.array([[[0, 255]]], dtype=np.uint8)).ravel().tolist()
    [0.0, 1.0]
    """
    return _as_float_with_channel(x) / np.float32(255.0)


def to_tanh_range(x) -> np.ndarray:
    """Scale uint8 images (0-255) to float32 in [-1, 1] with a channel axis.

    Used by the GAN of chapter 6, whose generator ends with tanh.

    >>> to_tanh_range(np.array([[[0, 255]]], dtype=np.uint8)).ravel().tolist()
    [-1.0, 1.0]
    """
    return _as_float_with_channel(x) / np.float32(127.5) - np.float32(1.0)

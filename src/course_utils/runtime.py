"""The one place that sets what TensorFlow reads from the environment.

TensorFlow takes some settings from environment variables that it reads once, when it
loads: the C++ log level and whether oneDNN's fused CPU kernels are used.  Which
numbers a model computes can depend on the second (oneDNN changes the order of
floating-point sums), so the book and the tests must decide it the same way, and
decide it *before* TensorFlow is imported.  :func:`configure` does that, on request;
importing this module changes nothing.

Who calls it:

- every chapter, through :func:`course_utils.notebook.setup_notebook` (first code cell);
- the test suite, once, in ``tests/conftest.py``, with the same numerics as the book;
- ``python -m tools.train_models`` and ``python -m benchmarks.bench_models`` (in ``main()``).

>>> import os
>>> settings = configure(log_level=2, onednn=True)
>>> settings["TF_CPP_MIN_LOG_LEVEL"], settings["TF_ENABLE_ONEDNN_OPTS"]
('2', '1')
>>> os.environ["TF_ENABLE_ONEDNN_OPTS"]
'1'
>>> configure(log_level=7)
Traceback (most recent call last):
...
ValueError: log_level는 0, 1, 2, 3 중 하나여야 합니다 (받은 값: 7). 2는 경고를 숨기고 오류만 보입니다.
"""

from __future__ import annotations

import os
import random
import sys
import warnings
from typing import Optional

__all__ = ["BOOK_ONEDNN", "configure", "onednn_at_import"]

#: oneDNN in the book and in the tests: on (TensorFlow's default on x86 Linux).  With
#: ``TF_ENABLE_ONEDNN_OPTS=0`` chapter 5's autoencoder trained about 25% slower on a CPU.
BOOK_ONEDNN = True

#: The value TensorFlow saw for TF_ENABLE_ONEDNN_OPTS when it was first imported in this
#: process, as far as :func:`configure` knows (recorded the first time it finds TF loaded).
_ONEDNN_SEEN_BY_TENSORFLOW: dict = {}


def _flag(value: Optional[str]) -> Optional[bool]:
    """TF_ENABLE_ONEDNN_OPTS as TensorFlow reads it: None when unset (TensorFlow's default)."""
    if value is None or value.strip() == "":
        return None
    return value.strip().lower() not in ("0", "false", "no", "off")


def onednn_at_import() -> Optional[bool]:
    """Whether the TensorFlow already imported in this process started with oneDNN on (used by configure and the tests).

    ``None`` when TensorFlow is not imported yet, or when it started with the variable
    unset (then TensorFlow's own default applied: on for x86 Linux builds).
    """
    if "tensorflow" not in sys.modules:
        return None
    if "value" not in _ONEDNN_SEEN_BY_TENSORFLOW:
        # First look after the import: the environment still holds what TensorFlow read,
        # unless something changed it afterwards (configure() records before it changes it).
        _ONEDNN_SEEN_BY_TENSORFLOW["value"] = _flag(os.environ.get("TF_ENABLE_ONEDNN_OPTS"))
    return _ONEDNN_SEEN_BY_TENSORFLOW["value"]


def _set_log_level(level: int) -> dict:
    if level not in (0, 1, 2, 3) or isinstance(level, bool):
        raise ValueError(f"log_level는 0, 1, 2, 3 중 하나여야 합니다 (받은 값: {level!r}). "
                         "2는 경고를 숨기고 오류만 보입니다.")
    settings = {"TF_CPP_MIN_LOG_LEVEL": str(level), "GLOG_minloglevel": str(level)}
    if level >= 2:
        settings["GRPC_VERBOSITY"] = "ERROR"
    return settings


def _check_onednn(wanted: bool) -> None:
    """Warn (in Korean, saying what to do) when TensorFlow already started with the other setting."""
    started = onednn_at_import()
    if "tensorflow" not in sys.modules:
        return
    effective = True if started is None else started  # unset = TensorFlow's default (on)
    if effective != wanted:
        state = {True: "켜진(1)", False: "꺼진(0)"}
        warnings.warn(
            f"TensorFlow가 이미 oneDNN이 {state[effective]} 상태로 import되었습니다. "
            f"configure(onednn={wanted})는 이 프로세스에서는 효과가 없습니다. "
            "TensorFlow를 import하기 전에 configure()를 호출하세요 "
            "(노트북이면 커널을 재시작한 뒤 첫 셀에서 setup_notebook()을 먼저 실행하세요).",
            RuntimeWarning,
            stacklevel=3,
        )


def _set_threads(threads: int) -> dict:
    if isinstance(threads, bool) or not isinstance(threads, int) or threads < 1:
        raise ValueError(f"threads는 1 이상의 정수여야 합니다 (받은 값: {threads!r}).")
    if "tensorflow" in sys.modules:
        import tensorflow as tf

        try:
            tf.config.threading.set_intra_op_parallelism_threads(threads)
            tf.config.threading.set_inter_op_parallelism_threads(threads)
        except RuntimeError:
            warnings.warn(
                f"TensorFlow가 이미 연산을 실행해서 스레드 수(threads={threads})를 바꿀 수 없습니다. "
                "TensorFlow로 계산하기 전에 configure()를 호출하세요.",
                RuntimeWarning,
                stacklevel=3,
            )
    return {"TF_NUM_INTRAOP_THREADS": str(threads), "TF_NUM_INTEROP_THREADS": str(threads),
            "OMP_NUM_THREADS": str(threads)}


def _seed(seed: int, tensorflow: bool) -> None:
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed는 0 이상의 정수여야 합니다 (받은 값: {seed!r}).")
    random.seed(seed)
    import numpy as np

    np.random.seed(seed)
    if tensorflow:
        import keras  # imports TensorFlow: the environment above is already in place

        keras.utils.set_random_seed(seed)


def configure(
    *,
    log_level: Optional[int] = None,
    onednn: Optional[bool] = None,
    seed: Optional[int] = None,
    seed_tensorflow: bool = True,
    threads: Optional[int] = None,
) -> dict:
    """Set TensorFlow's environment, seeds and threads explicitly; return what was set.

    Call it before TensorFlow is imported (first cell of a chapter, through
    ``setup_notebook()``; ``tests/conftest.py``; the ``main()`` of a tool).  Each
    argument left at ``None`` leaves that setting as it is.

    Args:
        log_level: TensorFlow's C++ log level (``TF_CPP_MIN_LOG_LEVEL`` and glog's):
            0 everything, 1 no INFO, 2 no WARNING, 3 no ERROR either (the book uses 3).
        onednn: use oneDNN's CPU kernels (``TF_ENABLE_ONEDNN_OPTS``); the book and the
            tests use :data:`BOOK_ONEDNN` (on).  TensorFlow reads it once, at import: if
            it is already imported with the other setting, a ``RuntimeWarning`` says so
            (in Korean) and tells what to do.
        seed: seed Python's ``random`` and numpy's global generator, and, with
            ``seed_tensorflow=True``, Keras and TensorFlow through
            ``keras.utils.set_random_seed`` (which imports TensorFlow).
        seed_tensorflow: see ``seed``.  ``setup_notebook()`` passes False: a chapter
            seeds Keras itself right before it trains (chapters 5-7).
        threads: TensorFlow's intra- and inter-op thread counts (and OpenMP's).

    Returns:
        The environment variables set, as a dict (empty when only seeding).

    Example (the first lines of a tool that trains)::

        from course_utils.runtime import configure
        configure(log_level=2, onednn=True, seed=0)
        import tensorflow as tf
    """
    settings: dict = {}
    if log_level is not None:
        settings.update(_set_log_level(log_level))
    if onednn is not None:
        if not isinstance(onednn, bool):
            raise ValueError(f"onednn은 True 또는 False여야 합니다 (받은 값: {onednn!r}).")
        _check_onednn(onednn)
        onednn_at_import()  # remember what a loaded TensorFlow saw before the variable changes
        settings["TF_ENABLE_ONEDNN_OPTS"] = "1" if onednn else "0"
    if threads is not None:
        settings.update(_set_threads(threads))
    os.environ.update(settings)
    if seed is not None:
        _seed(seed, seed_tensorflow)
    return settings

"""Set-up shared by the first code cell of every chapter notebook.

>>> import os
>>> setup_notebook(seed=0)
>>> os.environ["TF_CPP_MIN_LOG_LEVEL"]
'2'
"""

from __future__ import annotations

import os
import random

import numpy as np


def setup_notebook(seed: int = 42) -> None:
    """Quiet most of TensorFlow's start-up notices, seed Python and numpy, set plot defaults.

    Call it before TensorFlow is imported (the environment variables are read at
    import time).  Chapters that train seed Keras too with
    ``keras.utils.set_random_seed(seed)``.

    Args:
        seed: the seed for Python's ``random`` and numpy's global generator.
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    # oneDNN stays on: it trains chapter 5's autoencoder about 25% faster on a CPU
    # (its one start-up notice is stderr, which the book does not show).
    random.seed(seed)
    np.random.seed(seed)
    np.set_printoptions(precision=4, suppress=True, linewidth=100)
    try:
        import matplotlib

        matplotlib.rcParams.update({"figure.dpi": 100, "image.cmap": "gray", "axes.grid": False})
    except ImportError:  # pragma: no cover - matplotlib is a dependency
        pass


def quick_mode() -> bool:
    """True when the environment asks for a quick run on small data.

    The test suite sets ``COURSE_QUICK=1`` so that the training chapters (5-7)
    run in seconds; a learner never needs it.

    >>> import os
    >>> os.environ.pop("COURSE_QUICK", None) and None
    >>> quick_mode()
    False
    """
    return os.environ.get("COURSE_QUICK", "").strip() not in ("", "0", "false", "False")

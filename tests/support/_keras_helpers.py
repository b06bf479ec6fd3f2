"""Shared helpers for the course_utils tests that compare against Keras/TensorFlow.

Imported by the tests in tests/package/ and tests/chapters/ (tests/support/ is on
pytest's ``pythonpath``).  Importing this module imports TensorFlow and Keras, so the
light-import test must not import it.  TensorFlow's environment (log level, oneDNN) is
set once by tests/conftest.py through course_utils.runtime.configure, as in the book.
"""

from __future__ import annotations

import numpy as np
import keras
import tensorflow as tf

ATOL = 1e-4


def keras_output_length(layers, n):
    """Run ``compute_output_shape`` through ``layers`` on a (1, n, n, 1) input.

    Returns the output height, or ``None`` when Keras refuses the configuration
    (an exception from a constructor-built layer's ``compute_output_shape``) or
    computes a size < 1.
    """
    shape = (1, n, n, 1)
    try:
        for layer in layers:
            shape = tuple(layer.compute_output_shape(shape))
    except Exception:  # noqa: BLE001 - any refusal counts
        return None
    return shape[1] if shape[1] >= 1 else None


def make_layer(factory, *args, **kwargs):
    """Construct a Keras layer; ``None`` if the constructor refuses the arguments."""
    try:
        return factory(*args, **kwargs)
    except Exception:  # noqa: BLE001
        return None


def run_layers(layers, x):
    """Apply layers eagerly to numpy ``x`` and return a numpy array."""
    y = tf.convert_to_tensor(x)
    for layer in layers:
        y = layer(y)
    return np.asarray(y)


def random_weights(rng, *shape, positive=False):
    if positive:
        return rng.uniform(0.1, 1.0, size=shape).astype("float32")
    return rng.standard_normal(shape).astype("float32")

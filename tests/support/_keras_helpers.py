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


def onednn_miscomputes_conv(batch: int, in_channels: int, out_width: int, stride) -> bool:
    """True for the convolutions that TensorFlow's oneDNN kernel may compute wrong.

    oneDNN is on in the book and in the tests (course_utils.runtime.BOOK_ONEDNN).  For a
    batch of two or more with one input channel, when the width stride exceeds the height
    stride and the output is one pixel wide (e.g. a 2x1 input, 2x2 kernel, strides (1, 2),
    'same'), its Conv2D returns values from uninitialised memory (found in TensorFlow 2.21
    when the tests were switched to the book's oneDNN setting).
    tests/package/test_runtime.py::test_onednn_conv_bug shows the bug and checks these
    cases against TensorFlow with oneDNN off.  (No chapter convolves such shapes.)
    """
    sh, sw = (stride, stride) if isinstance(stride, int) else stride
    return batch > 1 and in_channels == 1 and sw > sh and out_width == 1


def random_weights(rng, *shape, positive=False):
    if positive:
        return rng.uniform(0.1, 1.0, size=shape).astype("float32")
    return rng.standard_normal(shape).astype("float32")

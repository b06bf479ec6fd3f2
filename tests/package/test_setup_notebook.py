"""setup_notebook() silences TensorFlow's C++ notices (Colab shows them as red error-like lines).

Run in a fresh interpreter, as a notebook's first cell would: setup_notebook(), then
TensorFlow imported and used (a Keras fit, which is where grappler's "remapper failed"
lines appeared); nothing may reach stderr.  The control run without setup_notebook shows
that the notices exist on this TensorFlow, so the test can fail.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.slow

USE_TENSORFLOW = """
import numpy as np
import tensorflow as tf
import keras
model = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Conv2D(2, 3), keras.layers.BatchNormalization(),
                          keras.layers.LeakyReLU(0.2), keras.layers.Flatten(), keras.layers.Dense(1)])
model.compile("adam", "mse")
model.fit(np.zeros((8, 8, 8, 1), "float32"), np.zeros((8, 1), "float32"), epochs=1, verbose=0)
print("ok")
"""

NOTICES = ("oneDNN", "absl::InitializeLog", "cpu_feature_guard", "remapper", "E0000", "I0000", "W0000")


def _run(code: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TF_", "GLOG", "GRPC"))}
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300)


def test_tensorflow_is_quiet_after_setup_notebook():
    result = _run("from course_utils.notebook import setup_notebook\nsetup_notebook()\n" + USE_TENSORFLOW)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
    shown = [line for line in result.stderr.splitlines() if any(n in line for n in NOTICES)]
    assert not shown, shown


def test_without_setup_notebook_the_notices_appear():
    result = _run(USE_TENSORFLOW)
    assert result.returncode == 0, result.stderr
    assert any(n in result.stderr for n in NOTICES), result.stderr[-2000:]


def test_a_failing_import_still_shows_its_error(tmp_path):
    broken = tmp_path / "tensorflow"
    broken.mkdir()
    (broken / "__init__.py").write_text("import sys\nsys.stderr.write('native loader says why\\\\n')\n"
                                        "raise ImportError('broken tensorflow')\n")
    code = f"import sys\nsys.path.insert(0, {str(tmp_path)!r})\nfrom course_utils.notebook import setup_notebook\nsetup_notebook()\n"
    result = _run(code)
    assert result.returncode != 0
    assert "broken tensorflow" in result.stderr and "native loader says why" in result.stderr


KERAS2_GAN_RECIPE = """
import numpy as np
import keras
from course_utils.gan import LATENT_DIM, build_discriminator, build_generator, sample_noise
keras.utils.set_random_seed(0)
g, d = build_generator(), build_discriminator()
d.compile(loss="binary_crossentropy", optimizer="adam")
d.trainable = False
z = keras.Input(shape=(LATENT_DIM,))
gan = keras.Model(z, d(g(z)))
gan.compile(loss="binary_crossentropy", optimizer="adam")
gan.train_on_batch(sample_noise(8, seed=2), np.ones((8, 1)))
import tensorflow as tf
print("remapping:", tf.config.optimizer.get_experimental_options().get("remapping", "default"))
"""


def test_chapter_6_keras2_recipe_prints_no_remapper_line():
    """The frozen-discriminator step of chapter 6 (6.4) is where Grappler's remapper fails; nothing shows.

    On TensorFlow 2.20 (Colab's) setup_notebook turns the remapper off, so it cannot fail (the
    Colab job runs chapter 6 there); on the book's 2.21 the remapper stays on and the log level
    hides its failure.
    """
    import tensorflow as tf

    from course_utils.notebook import remapper_log_ignores_log_level

    result = _run("from course_utils.notebook import setup_notebook\nsetup_notebook()\n" + KERAS2_GAN_RECIPE)
    assert result.returncode == 0, result.stderr
    shown = [line for line in result.stderr.splitlines() if any(n in line for n in NOTICES)]
    assert not shown, shown
    expected = False if remapper_log_ignores_log_level(tf.__version__) else "default"
    assert f"remapping: {expected}" in result.stdout

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


# --- the figures' Hangul font (issue 30) ---------------------------------------------------------

#: Run in a fresh interpreter whose matplotlib sees no Korean font: an empty font cache (MPLCONFIGDIR) and
#: only matplotlib's own fonts in the font manager (this machine has fonts-nanum; Colab has no Korean font).
NO_SYSTEM_FONTS = """
import sys, warnings
from pathlib import Path
import matplotlib
matplotlib.use("Agg")
from matplotlib import font_manager
own = Path(matplotlib.get_data_path()).resolve()
font_manager.fontManager.ttflist = [f for f in font_manager.fontManager.ttflist if own in Path(f.fname).resolve().parents]
assert not [f for f in font_manager.fontManager.ttflist if "Nanum" in f.name]
"""

DRAW_HANGUL = """
import numpy as np
import matplotlib.pyplot as plt
from matplotlib.font_manager import FontProperties, fontManager
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    fig, ax = plt.subplots()
    ax.set_title("한글 제목: 원본과 복원"); ax.set_xlabel("에포크 (epoch)"); ax.plot([1, -2], label="학습 손실"); ax.legend()
    fig.canvas.draw()
    if "--figures" in sys.argv:
        from course_utils.figures.grids import draw_pooling
        from course_utils.figures.images import show_image_rows
        draw_pooling(np.eye(4)).canvas.draw()
        show_image_rows([np.zeros((2, 4, 4))], ["잡음 섞인 입력"], title="미리 학습한 체크포인트").canvas.draw()
missing = [str(w.message) for w in caught if "missing from" in str(w.message)]
print("font:", fontManager.findfont(FontProperties(family=matplotlib.rcParams["font.family"])))
print("missing:", len(missing), missing[:3])
print("modules:", "koreanize_matplotlib" in sys.modules)
"""


def _run_without_korean_fonts(code: str, tmp_path, *args) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TF_", "GLOG", "GRPC", "MPL"))}
    env["MPLCONFIGDIR"] = str(tmp_path / "empty-mpl-config")  # no font cache: built afresh from the fonts visible
    return subprocess.run([sys.executable, "-c", code, *args], env=env, capture_output=True, text=True, timeout=300)


def test_without_the_book_font_hangul_is_drawn_as_boxes(tmp_path):
    """The control: on a machine without a Korean font, matplotlib's default font has no Hangul glyphs."""
    result = _run_without_korean_fonts(NO_SYSTEM_FONTS + DRAW_HANGUL, tmp_path)
    assert result.returncode == 0, result.stderr
    assert "DejaVuSans.ttf" in result.stdout and "missing: 0" not in result.stdout, result.stdout


def test_setup_notebook_draws_hangul_with_the_bundled_font(tmp_path):
    """setup_notebook() registers NanumGothic from koreanize-matplotlib's files: every Hangul glyph is drawn."""
    setup = "from course_utils.notebook import setup_notebook\nsetup_notebook(import_tensorflow=False)\n"
    result = _run_without_korean_fonts(NO_SYSTEM_FONTS + setup + DRAW_HANGUL, tmp_path)
    assert result.returncode == 0, result.stderr
    assert "koreanize_matplotlib/fonts/NanumGothic.ttf" in result.stdout, result.stdout
    assert "missing: 0 " in result.stdout, result.stdout
    assert "modules: False" in result.stdout, "the font file is used without importing koreanize_matplotlib"
    assert not result.stderr.strip(), result.stderr


def test_figure_functions_draw_hangul_without_setup_notebook(tmp_path):
    """A figure function used on its own (no setup_notebook) registers the font too."""
    result = _run_without_korean_fonts(NO_SYSTEM_FONTS + DRAW_HANGUL.replace(
        "    fig, ax = plt.subplots()", "    from course_utils.figures._figure import new_figure\n    fig, ax = new_figure(figsize=None)"),
        tmp_path, "--figures")
    assert result.returncode == 0, result.stderr
    assert "NanumGothic.ttf" in result.stdout and "missing: 0 " in result.stdout, result.stdout

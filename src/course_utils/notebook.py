"""Set-up shared by the first code cell of every chapter notebook.

>>> import os
>>> setup_notebook(seed=0, import_tensorflow=False)
>>> os.environ["TF_CPP_MIN_LOG_LEVEL"]
'3'
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import sys
import tempfile

import numpy as np

from course_utils.runtime import BOOK_ONEDNN, configure

#: TensorFlow's C++ log level in the book: no INFO, WARNING or ERROR notices (oneDNN,
#: CPU instructions, "remapper failed" on 2.21).  Python exceptions still carry every real error.
BOOK_LOG_LEVEL = 3


@contextlib.contextmanager
def _stderr_to_file():
    """Send file descriptor 2 (C++ writes there directly) to a temporary file; yield the file."""
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile(mode="w+b") as captured:
        os.dup2(captured.fileno(), 2)
        try:
            yield captured
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)


def _import_tensorflow_quietly() -> None:
    """Import TensorFlow with its start-up notices silenced.

    TensorFlow 2.19+ writes some notices (oneDNN, absl's "All log messages before
    absl::InitializeLog()") at import time whatever ``TF_CPP_MIN_LOG_LEVEL`` says
    (tensorflow/tensorflow#100442), so the import runs with file descriptor 2 sent to
    a temporary file.  If the import fails, what it wrote is shown with the error.
    """
    if "tensorflow" in sys.modules or importlib.util.find_spec("tensorflow") is None:
        return
    error = None
    with _stderr_to_file() as captured:
        try:
            import tensorflow  # noqa: F401
        except Exception as exc:  # shown below, with what the import wrote
            error = exc
            captured.seek(0)
            text = captured.read().decode("utf-8", "replace")
    if error is not None:
        sys.stderr.write(text)
        raise error


def remapper_log_ignores_log_level(version: str) -> bool:
    """True for a TensorFlow release that prints Grappler's "remapper failed" line whatever the log level (chapter 6).

    TensorFlow 2.20 (Colab's) writes it with absl's "All log messages before
    absl::InitializeLog()" notice even with ``TF_CPP_MIN_LOG_LEVEL=3``; 2.21 (the book's pin)
    honours the level.  Older releases are treated like 2.20: what :func:`setup_notebook`
    does about it is harmless there.

    >>> remapper_log_ignores_log_level("2.20.0"), remapper_log_ignores_log_level("2.21.0")
    (True, False)
    """
    major, minor = (int(part) for part in version.split(".")[:2])
    return (major, minor) < (2, 21)


def _avoid_remapper_log() -> None:
    """Turn off Grappler's remapper where its harmless failure would be printed (TensorFlow 2.20, chapter 6).

    Chapter 6's Keras 2 recipe trains the generator through a frozen discriminator whose
    ``Conv2D`` (with bias) is followed by ``LeakyReLU``.  The generator's gradient still needs
    that ``LeakyReLU``'s gradient (``LeakyReluGrad`` reads the ``BiasAdd`` output), but no
    gradient of the frozen bias, and Grappler's remapper then tries to fuse
    Conv2D + BiasAdd + LeakyRelu into one op, removing the ``BiasAdd`` that ``LeakyReluGrad``
    still reads.  Its own consistency check refuses ("remapper failed: INVALID_ARGUMENT:
    Mutation::Apply error: fanout ... LeakyReluGrad exist for missing node ... BiasAdd") and
    Grappler keeps the graph without the remapper's rewrites.  It happens on 2.21 too, silently.
    Only where the line cannot be silenced is the remapper turned off, and only the remapper
    (``tf.config.optimizer.set_experimental_options({"remapping": False})``): that graph runs as
    it does after the failure, the others lose the remapper's op fusions (on a shared 2-core CPU,
    chapter 7's convolutional autoencoder trained as fast without them, within the machine's
    noise), and every other
    Grappler pass and every error still runs and shows.
    """
    import tensorflow as tf

    if remapper_log_ignores_log_level(tf.__version__):
        tf.config.optimizer.set_experimental_options({"remapping": False})


def setup_notebook(seed: int = 42, import_tensorflow: bool = True) -> None:
    """Quiet TensorFlow's start-up notices, seed Python and numpy, set plot defaults.

    Call it in the first cell, before TensorFlow is imported: it sets TensorFlow's
    environment through :func:`course_utils.runtime.configure` (log level
    :data:`BOOK_LOG_LEVEL`, oneDNN on as :data:`~course_utils.runtime.BOOK_ONEDNN`: it
    trains chapter 5's autoencoder about 25% faster on a CPU) and, when TensorFlow is
    installed, imports it with its C++ import notices silenced, so the first TensorFlow
    cell on Colab shows no red oneDNN or CPU-instruction lines; on TensorFlow 2.20 it also
    turns off the one graph optimizer whose harmless failure in chapter 6 would print a red
    line that no log level hides (:func:`_avoid_remapper_log`).
    Figures are drawn with the book's Hangul font, NanumGothic, which course_utils brings along
    (:func:`course_utils.figures._font.use_korean_font`: Colab has no Korean font).
    Chapters that train seed Keras too with ``keras.utils.set_random_seed(seed)``.

    Args:
        seed: the seed for Python's ``random`` and numpy's global generator.
        import_tensorflow: import TensorFlow now, quietly (default True).
    """
    configure(log_level=BOOK_LOG_LEVEL, onednn=BOOK_ONEDNN)
    if import_tensorflow:
        _import_tensorflow_quietly()
        if "tensorflow" in sys.modules:
            _avoid_remapper_log()
    configure(seed=seed, seed_tensorflow=False)  # Python and numpy; a chapter seeds Keras when it trains
    np.set_printoptions(precision=4, suppress=True, linewidth=100)
    import matplotlib

    from course_utils.figures._font import use_korean_font

    matplotlib.rcParams.update({"figure.dpi": 100, "image.cmap": "gray", "axes.grid": False})
    use_korean_font()


def quick_mode() -> bool:
    """True when the environment asks for a quick run on small data (chapters 5-7).

    The test suite sets ``COURSE_QUICK=1`` so that the training chapters (5-7)
    run in seconds; a learner never needs it.

    >>> import os
    >>> os.environ.pop("COURSE_QUICK", None) and None
    >>> quick_mode()
    False
    """
    return os.environ.get("COURSE_QUICK", "").strip() not in ("", "0", "false", "False")


class SourceCode:
    """The source of package functions, shown as a highlighted code block (used by :func:`show_source`, chapters 6 and 7).

    Rich output: ``text/html`` (Pygments with inline colours, so it looks the same in
    the static book, Jupyter and Colab, where no stylesheet is loaded) and ``text/plain``
    (the source itself).
    """

    def __init__(self, *functions):
        import inspect

        if not functions:
            raise TypeError("show_source에 보여 줄 함수를 하나 이상 넘기세요. 예: show_source(pretrained.build_conv_autoencoder)")
        for function in functions:
            if not callable(function):
                raise TypeError(f"show_source는 함수를 받습니다. 받은 값: {function!r} ({type(function).__name__})")
        self.functions = functions
        self.origins = [f"{inspect.getmodule(f).__name__}.{f.__qualname__}" for f in functions]
        self.source = "\n\n".join(inspect.getsource(f).rstrip() for f in functions) + "\n"

    def __repr__(self) -> str:
        return self.source

    def _repr_html_(self) -> str:
        import html

        from pygments import highlight
        from pygments.formatters import HtmlFormatter
        from pygments.lexers import PythonLexer

        code = highlight(self.source, PythonLexer(), HtmlFormatter(noclasses=True, nowrap=True, style="default"))
        caption = ", ".join(f"<code>{html.escape(origin)}</code>" for origin in self.origins)
        return (
            '<div class="course-source" style="margin:0.3em 0">'
            f'<div style="font-size:0.85em;color:#555">{caption}</div>'
            # pre-wrap: a long line wraps inside the page's width instead of being cut off
            '<pre style="background:#f8f8f8;color:#000;padding:0.6em;border:1px solid #ddd;font-size:0.75em;'
            f'white-space:pre-wrap;overflow-wrap:anywhere;line-height:1.35">{code}</pre></div>'
        )


def show_source(*functions) -> None:
    """Show the source of ``functions`` as a highlighted code block in the cell's output.

    Chapters 5 and 7 keep their model architectures in :mod:`course_utils.pretrained`
    and chapter 6 its DCGAN in :mod:`course_utils.gan` (one definition for the chapter,
    the checkpoints and the tests); they show the reader the code with
    ``show_source(pretrained.build_...)`` before calling it.  Outside IPython the
    source is printed.

    >>> show_source(quick_mode)  # doctest: +ELLIPSIS
    def quick_mode() -> bool:
    ...
    """
    source = SourceCode(*functions)
    try:
        from IPython.display import display
    except ImportError:  # pragma: no cover - IPython comes with ipywidgets
        print(source.source, end="")
        return
    display(source)

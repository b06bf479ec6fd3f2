"""The Hangul font of every figure in the book and on Colab (chapters 1-7), registered with matplotlib.

The figures' titles, axis labels and legends are Korean.  Colab, like most Linux machines,
has no Korean font, and matplotlib's default DejaVu Sans draws each Hangul syllable as an
empty box.  The book therefore draws with **NanumGothic** (SIL Open Font License 1.1), the
font file that the PyPI package ``koreanize-matplotlib`` ships (a dependency of course_utils).
Only the file is used: the package's module is never imported (it changes matplotlib's
settings on import and imports ``distutils``, which Python 3.12 no longer has).

:func:`use_korean_font` adds the file to matplotlib's font manager (in memory, whatever
fonts the system has or matplotlib's font cache holds) and makes it the default family, with
DejaVu Sans as the fallback for the few symbols NanumGothic lacks.  :func:`course_utils.notebook.setup_notebook`
calls it in each chapter's first cell, and :func:`course_utils.figures._figure.new_figure` once
per process, so a figure function used on its own draws Hangul too.
"""

from __future__ import annotations

from importlib import metadata
from pathlib import Path

#: The family name matplotlib reads from the font file.
KOREAN_FONT = "NanumGothic"
_DISTRIBUTION = "koreanize-matplotlib"
_FILE = "koreanize_matplotlib/fonts/NanumGothic.ttf"

_registered = False


def korean_font_path() -> Path:
    """The NanumGothic file shipped by ``koreanize-matplotlib`` (found without importing its module).

    Raises:
        RuntimeError: the package is missing, with the Korean command that installs it.
    """
    try:
        path = Path(metadata.distribution(_DISTRIBUTION).locate_file(_FILE))
    except metadata.PackageNotFoundError:
        path = None
    if path is None or not path.is_file():
        raise RuntimeError(
            "그림의 한글 글꼴(NanumGothic)을 찾지 못했습니다. "
            f"`pip install {_DISTRIBUTION}`로 설치한 뒤 커널을 다시 시작하세요."
        )
    return path


def use_korean_font() -> str:
    """Register NanumGothic with matplotlib's font manager and make it the default family; return its name.

    Idempotent: the file is added once per process, ``font.family`` is set on every call
    (so ``setup_notebook()`` restores it after a reader changed it).  ``axes.unicode_minus``
    is turned off: NanumGothic has no U+2212 minus sign, so negative tick labels use "-".
    """
    global _registered
    import matplotlib
    from matplotlib import font_manager

    if not _registered:
        font_manager.fontManager.addfont(str(korean_font_path()))
        _registered = True
    matplotlib.rcParams["font.family"] = [KOREAN_FONT, "DejaVu Sans"]
    matplotlib.rcParams["axes.unicode_minus"] = False
    return KOREAN_FONT


def ensure_korean_font() -> None:
    """:func:`use_korean_font` once per process, unless it already ran (used by every figure function)."""
    if not _registered:
        use_korean_font()

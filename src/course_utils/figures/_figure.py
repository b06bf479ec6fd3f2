"""The plumbing of the figure contract (see :mod:`course_utils.figures`), shared by its modules.

Used by every figure function of chapters 2-7: :func:`new_figure` makes the Figure,
:func:`single_axes` honours ``ax=``, :func:`finish` lays the figure out and hands it
back without showing it.
"""

from __future__ import annotations


def new_figure(nrows=1, ncols=1, *, figsize, **subplots_kw):
    """``(fig, axes)`` of a new figure (``plt.subplots``); hand it back with :func:`finish`.

    The book's Hangul font is registered first if ``setup_notebook()`` has not done it
    (:func:`course_utils.figures._font.ensure_korean_font`).
    """
    import matplotlib.pyplot as plt

    from course_utils.figures._font import ensure_korean_font

    ensure_korean_font()

    return plt.subplots(nrows, ncols, figsize=figsize, **subplots_kw)


def single_axes(ax, figsize):
    """``(fig, ax, owned)``: the caller's Axes (``owned`` False) or a new one-Axes figure."""
    if ax is not None:
        return ax.figure, ax, False
    fig, ax = new_figure(figsize=figsize)
    return fig, ax, True


def finish(fig, *, owned=True, title=None):
    """Return ``fig`` without showing it.

    A figure the function made itself (``owned``) is laid out and closed in pyplot, so
    that Jupyter does not display it on its own at the end of the cell: it is displayed
    once, as the cell's value (or with ``display(fig)``).  A caller's figure (``ax=``)
    is left as the caller has it.
    """
    import matplotlib.pyplot as plt

    if title:
        fig.suptitle(title)
    if owned:
        fig.tight_layout()
        plt.close(fig)
    return fig

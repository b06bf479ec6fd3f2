"""Diagnostic figures: what a measurement says, drawn (chapter 6.8's mode collapse).

- :func:`digit_histograms`: how the digit classifier read a generator's samples, one panel
  per setting, so that "spread over ten digits" and "piled on one or two" can be seen.

Korean titles and labels (issue 30); the figure contract of :mod:`course_utils.figures` holds.
"""

from __future__ import annotations

import numpy as np

from ._figure import finish, new_figure

__all__ = ["digit_histograms"]


def digit_histograms(counts, labels, *, title=None, xlabel="분류기가 읽은 숫자", ylabel="샘플 수", figsize=None):
    """Bar charts of the classifier's digit counts, one panel per setting (chapter 6.8).

    ``counts``: a sequence of per-digit counts (each of length 10, e.g. ``digit_census(...)["counts"]``);
    ``labels``: one panel title per sequence.  Every panel has the same y scale, so the
    heights compare across settings.  Each panel names its largest digit's share.
    """
    counts = [np.asarray(c, dtype=float) for c in counts]
    if len(counts) != len(labels) or not counts or any(c.shape != (10,) for c in counts):
        raise ValueError("digit_histograms: 설정마다 숫자 0~9의 개수 10개와 제목 하나가 필요합니다 "
                         f"(받은 개수 {[c.shape for c in counts]}, 제목 {len(labels)}개).")
    fig, axes = new_figure(1, len(counts), figsize=figsize or (3.2 * len(counts), 2.6), sharey=True, squeeze=False)
    top = max(c.max() for c in counts) or 1.0
    for ax, digit_counts, label in zip(axes[0], counts, labels):
        total = digit_counts.sum()
        ax.bar(np.arange(10), digit_counts, color="#4c72b0")
        ax.set_xticks(np.arange(10))
        ax.set_ylim(0, top * 1.15)
        share = digit_counts.max() / total if total else 0.0
        ax.set_title(f"{label}\n({int(digit_counts.argmax())}: {share:.0%})" if total else label, fontsize=10)
        ax.set_xlabel(xlabel)
    axes[0][0].set_ylabel(ylabel)
    return finish(fig, title=title)

"""Figures for chapter 2 (Linear 레이어): boxes of four (x, y) points squeezed to one number.

>>> import numpy as np
>>> fig = draw_box_to_number([np.array([[0, 0], [2, 0], [2, 1], [0, 1]])], [0.5, -1.0], [1, 1, 1, 1])
>>> len(fig.axes)
3
"""

from __future__ import annotations

import numpy as np

from course_utils.figures._figure import finish, new_figure

__all__ = ["draw_box_to_number"]


def _project(box, w):
    return np.asarray(box, dtype=float) @ np.asarray(w, dtype=float).reshape(2)


def draw_box_to_number(boxes, w_point, w_box, *, labels=None, colors=None, figsize=None):
    """Draw the two-step box model of chapter 2: points -> one number per point -> one number per box.

    Args:
        boxes: a list of (4, 2) arrays, the corner points (x, y) of each box.
        w_point: the first step's kernel (2 numbers: the weights of x and y).
        w_box: the second step's kernel (4 numbers: one weight per point).
        labels: names of the boxes (Korean), default "상자 A", "상자 B", ...
        colors: matplotlib colours, one per box.
        figsize: (width, height) in inches; default (11, 3.6).

    Returns:
        The matplotlib figure (three panels: the boxes with the projection direction,
        the four numbers of each box after step 1, the final number of each box).
    """
    boxes = [np.asarray(b, dtype=float).reshape(4, 2) for b in boxes]
    w_point = np.asarray(w_point, dtype=float).reshape(2)
    w_box = np.asarray(w_box, dtype=float).reshape(4)
    labels = labels or [f"상자 {chr(65 + i)}" for i in range(len(boxes))]
    colors = colors or ["tab:blue", "tab:orange", "tab:green", "tab:red"][: len(boxes)]

    fig, axes = new_figure(1, 3, figsize=figsize or (11, 3.6), gridspec_kw={"width_ratios": [1.3, 1.2, 0.8]})
    ax = axes[0]
    for box, label, color in zip(boxes, labels, colors):
        closed = np.vstack([box, box[:1]])
        ax.plot(closed[:, 0], closed[:, 1], "-o", color=color, label=label, alpha=0.8)
        for i, (x, y) in enumerate(box):
            ax.annotate(f"p{i}", (x, y), textcoords="offset points", xytext=(4, 4), fontsize=8, color=color)
    # the direction the first step "looks along": lines w.p = const are perpendicular to it
    allpts = np.vstack(boxes)
    centre = allpts.mean(axis=0)
    unit = w_point / (np.linalg.norm(w_point) or 1.0)
    span = np.ptp(allpts, axis=0).max() or 1.0
    tip = centre + unit * span * 0.5
    ax.plot([tip[0], centre[0] + unit[0] * span * 0.6], [tip[1], centre[1] + unit[1] * span * 0.6], alpha=0)
    ax.annotate("", xy=tip, xytext=centre,
                arrowprops={"arrowstyle": "->", "color": "black", "lw": 1.5})
    ax.text(*(centre + unit * span * 0.55), "w (1단계)", fontsize=9)
    ax.set_aspect("equal")
    ax.set_title("상자: 꼭짓점 4개, 각각 (x, y)")
    ax.legend(fontsize=8, loc="best")
    ax.grid(alpha=0.3)

    ax = axes[1]
    width = 0.8 / len(boxes)
    for j, (box, label, color) in enumerate(zip(boxes, labels, colors)):
        values = _project(box, w_point)
        ax.bar(np.arange(4) + (j - (len(boxes) - 1) / 2) * width, values, width=width, color=color, label=label)
    ax.set_xticks(range(4), [f"p{i}" for i in range(4)])
    ax.set_title("1단계: (4, 2) @ (2, 1) -> 수 4개")
    ax.axhline(0, color="gray", lw=0.8)

    ax = axes[2]
    finals = [float(_project(box, w_point) @ w_box) for box in boxes]
    ax.bar(range(len(boxes)), finals, color=colors)
    for i, value in enumerate(finals):
        ax.text(i, value, f"{value:.3f}", ha="center", va="bottom" if value >= 0 else "top", fontsize=9)
    ax.set_xticks(range(len(boxes)), labels)
    ax.set_title("2단계: (4,) @ (4, 1) -> 수 1개")
    ax.axhline(0, color="gray", lw=0.8)
    return finish(fig)

"""Grid figures for chapters 3 and 4: a kernel sliding over an input, pooling, receptive fields.

Labels are Korean (the book's NanumGothic, :mod:`course_utils.figures._font`).

>>> fig = draw_conv_steps(input_size=5, kernel_size=3, stride=2)
>>> len(fig.axes)
4
>>> fig = draw_pooling([[1, 2], [3, 4]], pool_size=2)
>>> len(fig.axes)
2
"""

from __future__ import annotations

import numpy as np

from course_utils.figures._figure import finish, new_figure, single_axes
from course_utils.shapes import conv_output_length, layer_output_lengths, layer_spec, receptive_field_indices

__all__ = ["draw_conv_steps", "draw_pooling", "draw_conv_pool_field", "draw_receptive_field_1d"]

_COLORS = ["#e4572e", "#29a329", "#2e86de", "#b0b0b0", "#f4a261", "#8e44ad"]
_POOL_NAMES = {"max": "최대 풀링 (max pooling)", "avg": "평균 풀링 (average pooling)"}


def _grid(ax, rows, cols, values=None, origin=(0, 0), fmt="{:g}", fontsize=9, facecolor="white"):
    """Draw a rows x cols grid of unit squares with optional numbers; y grows downwards."""
    from matplotlib.patches import Rectangle

    ox, oy = origin
    for r in range(rows):
        for c in range(cols):
            ax.add_patch(Rectangle((ox + c, oy + r), 1, 1, facecolor=facecolor, edgecolor="#555555", lw=0.8))
            if values is not None:
                ax.text(ox + c + 0.5, oy + r + 0.5, fmt.format(values[r][c]), ha="center", va="center",
                        fontsize=fontsize)


def _box(ax, r, c, h, w, color, lw=2.5, fill_alpha=0.0, origin=(0, 0)):
    from matplotlib.patches import Rectangle

    ox, oy = origin
    if fill_alpha:
        ax.add_patch(Rectangle((ox + c, oy + r), w, h, facecolor=color, alpha=fill_alpha, edgecolor="none"))
    ax.add_patch(Rectangle((ox + c, oy + r), w, h, facecolor="none", edgecolor=color, lw=lw))


def _finish(ax, width, height, title):
    ax.set_xlim(-0.2, width + 0.2)
    ax.set_ylim(height + 0.2, -0.2)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(title, fontsize=10)


def draw_conv_steps(input_size, kernel_size, *, stride=1, padding=0, max_panels=4, figsize=None):
    """Show a kernel window at its first positions over a square input, and the output grid (chapter 3).

    Args:
        input_size: the input's height and width (before padding).
        kernel_size: the kernel's height and width.
        stride: how far the window moves per step.
        padding: zeros added on each side (an int).
        max_panels: how many panels in all: window positions (row by row) and the output grid.
        figsize: (width, height) in inches; default 3 x 3.2 per panel.

    Returns:
        The matplotlib figure: one panel per window position and a last panel with the output grid.
    """
    n = input_size + 2 * padding
    out = conv_output_length(input_size, kernel_size, stride, padding)
    positions = [(i, j) for i in range(out) for j in range(out)][: max_panels - 1]
    fig, axes = new_figure(1, len(positions) + 1, figsize=figsize or (3.0 * (len(positions) + 1), 3.2))
    for k, (ax, (i, j)) in enumerate(zip(axes, positions)):
        _grid(ax, n, n)
        if padding:
            for r in range(n):
                for c in range(n):
                    if min(r, c) < padding or max(r, c) >= padding + input_size:
                        ax.text(c + 0.5, r + 0.5, "0", ha="center", va="center", fontsize=8, color="gray")
        color = _COLORS[k % len(_COLORS)]
        _box(ax, i * stride, j * stride, kernel_size, kernel_size, color, fill_alpha=0.25)
        _finish(ax, n, n, f"창 ({i}, {j}): 행 {i * stride}~{i * stride + kernel_size - 1}")
    ax = axes[-1]
    _grid(ax, out, out)
    for k, (i, j) in enumerate(positions):
        _box(ax, i, j, 1, 1, _COLORS[k % len(_COLORS)], fill_alpha=0.4)
    _finish(ax, max(out, 1), max(out, 1), f"출력 {out}×{out}")
    fig.suptitle(f"입력 {input_size}×{input_size}, 커널 {kernel_size}, stride {stride}, padding {padding}",
                 fontsize=11)
    return finish(fig)


def draw_pooling(x, *, pool_size=2, stride=None, kind="max", figsize=None):
    """Draw 2-D pooling on a small array: the input with its windows and the pooled output (chapter 4).

    Args:
        x: a 2-D array (one channel).
        pool_size: the window's height and width.
        stride: the step (default: ``pool_size``).
        kind: ``"max"`` (the chosen cell of each window is outlined) or ``"avg"``.
        figsize: (width, height) in inches; default from the array's size.

    Returns:
        The matplotlib figure.

    Raises:
        ValueError: ``x`` is not 2-D or ``kind`` is neither "max" nor "avg".
    """
    x = np.asarray(x, dtype=float)
    if x.ndim != 2:
        raise ValueError(f"draw_pooling은 2차원 배열(채널 하나)을 그립니다 (받은 shape: {x.shape}).")
    if kind not in ("max", "avg"):
        raise ValueError(f'kind는 "max" 또는 "avg"여야 합니다 (받은 값: {kind!r}).')
    stride = pool_size if stride is None else stride
    oh = (x.shape[0] - pool_size) // stride + 1
    ow = (x.shape[1] - pool_size) // stride + 1
    out = np.zeros((oh, ow))
    fig, axes = new_figure(1, 2, figsize=figsize or (3 + 0.6 * x.shape[1] + 0.6 * ow, 0.6 * x.shape[0] + 1))
    _grid(axes[0], *x.shape, values=x)
    for i in range(oh):
        for j in range(ow):
            color = _COLORS[(i * ow + j) % len(_COLORS)]
            win = x[i * stride: i * stride + pool_size, j * stride: j * stride + pool_size]
            _box(axes[0], i * stride, j * stride, pool_size, pool_size, color, lw=2, fill_alpha=0.18)
            if kind == "max":
                out[i, j] = win.max()
                r, c = np.unravel_index(np.argmax(win), win.shape)
                _box(axes[0], i * stride + r, j * stride + c, 1, 1, color, lw=3)
            else:
                out[i, j] = win.mean()
    _finish(axes[0], x.shape[1], x.shape[0], f"입력 {x.shape[0]}×{x.shape[1]}")
    _grid(axes[1], oh, ow, values=out)
    for i in range(oh):
        for j in range(ow):
            _box(axes[1], i, j, 1, 1, _COLORS[(i * ow + j) % len(_COLORS)], lw=2, fill_alpha=0.3)
    _finish(axes[1], ow, oh, f"{_POOL_NAMES[kind]}\n{pool_size}×{pool_size}, stride {stride}")
    return finish(fig)


def draw_conv_pool_field(*, kernel_size=3, stride=2, pool_size=2, figsize=None):
    """The receptive field of one output of conv(kernel, stride) -> max pool(pool_size) (chapter 4).

    Draws the smallest input that gives one pooled output: the input with the window
    of each conv output in its own colour, the conv output, and the single pooled cell.
    Every parameter is an option (the figure has no data of its own); ``figsize`` is
    (width, height) in inches, default (9, 3.4).

    Returns:
        The matplotlib figure.
    """
    from matplotlib.patches import Rectangle

    n_conv = pool_size
    n_in = (n_conv - 1) * stride + kernel_size
    fig, axes = new_figure(1, 3, figsize=figsize or (9, 3.4), gridspec_kw={"width_ratios": [n_in, n_conv + 1, 2]})
    _grid(axes[0], n_in, n_in)
    _grid(axes[1], n_conv, n_conv)
    for i in range(n_conv):
        for j in range(n_conv):
            color = _COLORS[(i * n_conv + j) % len(_COLORS)]
            offset = 0.08 * (i * n_conv + j)
            axes[0].add_patch(Rectangle((j * stride + offset, i * stride + offset), kernel_size - 2 * offset,
                                        kernel_size - 2 * offset, facecolor=color, alpha=0.15,
                                        edgecolor=color, lw=2.5))
            _box(axes[1], i, j, 1, 1, color, fill_alpha=0.5)
    _finish(axes[0], n_in, n_in, f"입력: 수용 영역 {n_in}×{n_in}")
    _finish(axes[1], n_conv, n_conv, f"합성곱 {kernel_size}×{kernel_size}, stride {stride}")
    _grid(axes[2], 1, 1)
    _box(axes[2], 0, 0, 1, 1, "black", fill_alpha=0.2)
    _finish(axes[2], 1, 1, f"최대 풀링\n{pool_size}×{pool_size}")
    return finish(fig)


def draw_receptive_field_1d(layers, input_size, *, output_index=0, figsize=None, ax=None):
    """One axis of a conv/pool stack: which cells of each layer one output cell depends on (chapter 4).

    Args:
        layers: ``(kernel, stride)`` or ``(kernel, stride, dilation)`` tuples, input side first
            (valid padding; any spec :func:`course_utils.shapes.layer_spec` reads).
        input_size: the input length.
        output_index: which cell of the last layer to trace back.
        figsize: (width, height) in inches; default from the input size and the depth.
        ax: a matplotlib Axes to draw into (default: a new figure).

    Returns:
        The matplotlib figure (input at the bottom, the last layer at the top).
    """
    from matplotlib.patches import Rectangle

    # one reading of the layer specs and one tracing, shared with the chapter-4 widget
    specs = [layer_spec(layer, i)[1:] for i, layer in enumerate(layers)]
    sizes = layer_output_lengths(input_size, layers)
    used = [set(level) for level in receptive_field_indices(layers, output_index)]
    fig, ax, owned = single_axes(ax, figsize or (max(6, 0.45 * input_size + 2), 0.9 * len(sizes) + 0.8))
    for level, size in enumerate(sizes):
        y = level
        x0 = (input_size - size) / 2
        for c in range(size):
            on = c in used[level]
            ax.add_patch(Rectangle((x0 + c, y), 0.9, 0.6, facecolor="#e4572e" if on else "white",
                                   alpha=0.8 if on else 1, edgecolor="#555555"))
        name = "입력" if level == 0 else f"{level}층 (k={specs[level - 1][0]}, s={specs[level - 1][1]}" + (
            f", d={specs[level - 1][2]})" if specs[level - 1][2] > 1 else ")")
        ax.text(-0.5, y + 0.3, name, ha="right", va="center", fontsize=9)
        if level < len(sizes) - 1:
            k, s, d = specs[level]
            nx0 = (input_size - sizes[level + 1]) / 2
            for q in used[level + 1]:
                for t in range(k):
                    c = q * s + t * d
                    ax.plot([x0 + c + 0.45, nx0 + q + 0.45], [y + 0.6, y + 1], color="#e4572e", lw=0.7, alpha=0.6)
    ax.set_xlim(-6, input_size + 0.5)
    ax.set_ylim(-0.3, len(sizes))
    ax.axis("off")
    ax.set_title(f"출력 한 칸의 수용 영역: 입력 {len(used[0])}칸"
                 + ("" if len(used[0]) == max(used[0]) - min(used[0]) + 1 else
                    f" (범위 {max(used[0]) - min(used[0]) + 1}칸)"), fontsize=10)
    return finish(fig, owned=owned)

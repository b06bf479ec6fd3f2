"""Image figures for the chapters that train on MNIST (5 Transposed Convolution과 오토인코더,
6 GAN, 7 Dense 오토인코더와 Conv 오토인코더).

- :func:`show_image_rows`: rows of images, e.g. originals above reconstructions,
  or a grid of generated digits;
- :func:`plot_history`: loss curves from a Keras ``History`` (or its dict);
- :func:`show_codes`: originals, their codes as stem plots, and reconstructions;
- :func:`show_small_arrays`: small 2-D arrays side by side with every value written in its cell
  (pooling, upsampling and unpooling in chapter 5).

Each function follows the contract of :mod:`course_utils.figures`: it returns the
matplotlib ``Figure`` (despite the ``show_`` in some names, none calls ``plt.show()``),
and Jupyter shows it once as the cell's value or through ``display(...)``.

>>> import numpy as np
>>> fig = show_image_rows([np.zeros((3, 28, 28)), np.ones((3, 28, 28, 1))], ["원본", "복원"])
>>> len(fig.axes)
6
"""

from __future__ import annotations

import numpy as np

from course_utils.figures._figure import finish, new_figure, single_axes

__all__ = ["show_image_rows", "plot_history", "show_codes", "show_small_arrays"]


def _as_images(images) -> np.ndarray:
    """(N, H, W) or (N, H, W, 1) or (N, H*W) square images -> (N, H, W) float array."""
    array = np.asarray(images, dtype=np.float32)
    if array.ndim == 4 and array.shape[-1] == 1:
        array = array[..., 0]
    if array.ndim == 2:  # flattened, e.g. (N, 784) from a dense autoencoder
        side = int(round(np.sqrt(array.shape[1])))
        if side * side != array.shape[1]:
            raise ValueError(f"펼친 이미지의 길이가 제곱수가 아닙니다 (받은 shape: {array.shape}).")
        array = array.reshape(len(array), side, side)
    if array.ndim != 3:
        raise ValueError(
            f"이미지 묶음은 (N, H, W), (N, H, W, 1) 또는 (N, H*W) 모양이어야 합니다 (받은 shape: {array.shape})."
        )
    return array


def _value_range(images: np.ndarray):
    """Pixel range to draw with: [-1, 1] for tanh images, [0, 1] or [0, 255] otherwise."""
    low, high = float(images.min()), float(images.max())
    if low < -1e-6:
        return -1.0, 1.0
    if high > 1.0 + 1e-6:
        return 0.0, 255.0
    return 0.0, 1.0


def show_image_rows(rows, row_titles=None, *, n=None, value_range=None, title=None, figsize=None):
    """Draw image batches as rows of a grid, one batch per row (chapters 5-7).

    Args:
        rows: a list of image batches, each (N, H, W), (N, H, W, 1) or (N, H*W).
            For example ``[originals, reconstructions]``; a single batch is one row.
        row_titles: optional Korean labels, one per row (shown at the left).
        n: how many images per row (default: the shortest batch, at most 10).
        value_range: ``(vmin, vmax)`` for every row; by default each row uses
            [0, 1], [0, 255] or [-1, 1] from its values, so brightness is
            comparable between originals and reconstructions.
        title: optional Korean figure title.
        figsize: (width, height) in inches; default one inch per image.

    Returns:
        The matplotlib figure.
    """
    if isinstance(rows, np.ndarray) or (rows and np.ndim(rows[0]) < 2):
        rows = [rows]
    batches = [_as_images(batch) for batch in rows]
    if row_titles is not None and len(row_titles) != len(batches):
        raise ValueError(f"row_titles는 행마다 하나씩 필요합니다 (행 {len(batches)}개, 제목 {len(row_titles)}개).")
    if n is None:
        n = min(10, min(len(batch) for batch in batches))
    fig, axes = new_figure(len(batches), n, figsize=figsize or (n, len(batches) + 0.3), squeeze=False)
    for r, batch in enumerate(batches):
        vmin, vmax = value_range if value_range is not None else _value_range(batch)
        for i in range(n):
            ax = axes[r, i]
            if i < len(batch):
                ax.imshow(batch[i], cmap="gray", vmin=vmin, vmax=vmax)
            ax.set_xticks([])
            ax.set_yticks([])
            for spine in ax.spines.values():
                spine.set_visible(False)
        if row_titles is not None:
            axes[r, 0].set_ylabel(str(row_titles[r]), rotation=0, ha="right", va="center", fontsize=9)
    return finish(fig, title=title)


#: The legend's Korean name of each Keras history key (other keys keep their own name).
HISTORY_LABELS = {"loss": "학습 손실 (loss)", "val_loss": "검증 손실 (val_loss)"}


def plot_history(history, *, keys=("loss", "val_loss"), title=None, ylabel="손실 (loss)", figsize=None, ax=None):
    """Plot training curves from a Keras ``History`` (``model.fit``'s return value) or its ``.history`` dict.

    Used by chapter 7.  Keys that are missing (e.g. ``val_loss`` without validation
    data) are skipped.  Several histories can be compared by passing a dict
    ``{label: history}``.  ``figsize`` is (width, height) in inches, default (5, 3.2);
    ``ax`` an Axes to draw into (default: a new figure).  Returns the figure.

    >>> fig = plot_history({"loss": [0.5, 0.3], "val_loss": [0.6, 0.4]})
    >>> [line.get_label() for line in fig.axes[0].lines]
    ['학습 손실 (loss)', '검증 손실 (val_loss)']
    """

    def curves(h):
        return h.history if hasattr(h, "history") else dict(h)

    series = []
    data = curves(history)
    if data and all(hasattr(v, "history") or isinstance(v, dict) for v in data.values()):
        for label, sub in data.items():  # {label: history}
            sub = curves(sub)
            series += [(f"{label} {HISTORY_LABELS.get(k, k)}", sub[k]) for k in keys if k in sub]
    else:
        series = [(HISTORY_LABELS.get(k, k), data[k]) for k in keys if k in data]
    if not series:
        raise ValueError(f"그릴 값이 없습니다: history에 {list(keys)} 중 어느 것도 없습니다.")
    fig, ax, owned = single_axes(ax, figsize or (5, 3.2))
    for label, values in series:
        epochs = np.arange(1, len(values) + 1)
        ax.plot(epochs, values, marker="o", markersize=3, label=label)
    ax.set_xlabel("에포크 (epoch)")
    ax.set_ylabel(ylabel)
    if max(len(values) for _, values in series) < 12:
        ax.set_xticks(np.arange(1, max(len(values) for _, values in series) + 1))
    ax.legend()
    if title:
        ax.set_title(title)
    return finish(fig, owned=owned)


def show_codes(codes, images, reconstructions, *, n=None, title=None, figsize=None):
    """Three rows: original images, their codes as stem plots, and the reconstructions (chapter 7).

    Args:
        codes: (N, code_dim) array (or anything that flattens to it), e.g. the
            36 numbers a dense encoder gives each image.
        images: the original images, (N, H, W[, 1]) or (N, H*W).
        reconstructions: the decoder's outputs, same forms as ``images``.
        n: how many examples (default: at most 10).
        title: optional Korean figure title.
        figsize: (width, height) in inches; default 1.2 inches per example.

    Returns:
        The matplotlib figure.
    """
    codes = np.asarray(codes, dtype=np.float32).reshape(len(codes), -1)
    images = _as_images(images)
    reconstructions = _as_images(reconstructions)
    if n is None:
        n = min(10, len(codes), len(images), len(reconstructions))
    fig, axes = new_figure(3, n, figsize=figsize or (1.2 * n, 1.2 * 3.2), squeeze=False)
    top = float(codes[:n].max()) if codes[:n].size else 1.0
    low = min(0.0, float(codes[:n].min()))
    for i in range(n):
        axes[0, i].imshow(images[i], cmap="gray", vmin=0, vmax=_value_range(images)[1])
        axes[2, i].imshow(reconstructions[i], cmap="gray", vmin=0, vmax=_value_range(reconstructions)[1])
        ax = axes[1, i]
        markerline, stemlines, baseline = ax.stem(np.arange(codes.shape[1]), codes[i])
        markerline.set_markersize(2)
        stemlines.set_linewidth(0.8)
        baseline.set_linewidth(0.5)
        ax.set_ylim(low, top * 1.05 if top > 0 else 1.0)
        for r in range(3):
            axes[r, i].set_xticks([])
            axes[r, i].set_yticks([])
    axes[0, 0].set_ylabel("원본", fontsize=9)
    axes[1, 0].set_ylabel(f"코드 ({codes.shape[1]}개)", fontsize=9)
    axes[2, 0].set_ylabel("복원", fontsize=9)
    return finish(fig, title=title)


def show_small_arrays(arrays, titles=None, *, fmt="{:g}", figsize=None):
    """Draw small 2-D arrays side by side, each value written in its cell (chapter 5).

    Args:
        arrays: a list of 2-D arrays (or (1, H, W, 1) batches, which are squeezed).
        titles: optional Korean titles, one per array.
        fmt: how each value is written.
        figsize: (width, height) in inches; default 0.45 inch per cell.

    Returns:
        The matplotlib figure.

    >>> import numpy as np
    >>> fig = show_small_arrays([np.eye(2), np.ones((4, 4))], ["a", "b"])
    >>> [ax.get_title() for ax in fig.axes]
    ['a', 'b']
    """
    grids = []
    for array in arrays:
        array = np.asarray(array, dtype=np.float64)
        array = array.reshape([d for d in array.shape if d != 1] or [1, 1])
        if array.ndim == 1:
            array = array[np.newaxis, :]
        if array.ndim != 2:
            raise ValueError(f"2차원 배열만 그릴 수 있습니다 (받은 shape: {array.shape}).")
        grids.append(array)
    if titles is not None and len(titles) != len(grids):
        raise ValueError("titles는 배열마다 하나씩 필요합니다.")
    widths = [g.shape[1] for g in grids]
    height = max(g.shape[0] for g in grids)
    title_lines = max((str(t).count("\n") + 1 for t in titles), default=1) if titles is not None else 1
    fig, axes = new_figure(1, len(grids), figsize=figsize or (0.45 * (sum(widths) + len(grids)),
                                                              0.45 * height + 0.6 + 0.25 * (title_lines - 1)),
                           gridspec_kw={"width_ratios": widths}, squeeze=False)
    top = max(float(np.abs(g).max()) for g in grids) or 1.0
    for k, (ax, grid) in enumerate(zip(axes[0], grids)):
        ax.imshow(grid, cmap="Blues", vmin=0, vmax=top * 1.3)
        for (i, j), value in np.ndenumerate(grid):
            ax.text(j, i, fmt.format(value), ha="center", va="center", fontsize=8,
                    color="black" if value != 0 else "0.6")
        ax.set_xticks(np.arange(grid.shape[1] + 1) - 0.5, minor=True)
        ax.set_yticks(np.arange(grid.shape[0] + 1) - 0.5, minor=True)
        ax.grid(which="minor", color="white", linewidth=1)
        ax.tick_params(which="both", length=0, labelbottom=False, labelleft=False)
        if titles is not None:
            ax.set_title(str(titles[k]), fontsize=9)
    return finish(fig)

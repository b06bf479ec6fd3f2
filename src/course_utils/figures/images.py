"""Image figures for the chapters that train on MNIST (5 Transposed Convolution과 오토인코더,
6 GAN, 7 Dense 오토인코더와 Conv 오토인코더).

- :func:`show_image_rows`: rows of images, e.g. originals above reconstructions,
  or a grid of generated digits;
- :func:`plot_history`: loss curves from a Keras ``History`` (or its dict);
- :func:`show_codes`: originals, their codes as stem plots, and reconstructions;
- :func:`show_small_arrays`: small 2-D arrays side by side with every value written in its cell
  (pooling, upsampling and unpooling in chapter 5).

Labels are English or numbers only (no Korean font on Colab or the build machine).
Each function draws one figure.  With ``show=True`` (the default) it calls
``plt.show()`` and returns ``None`` (so a notebook does not display the figure
twice); with ``show=False`` it returns the matplotlib ``Figure``.

>>> import numpy as np
>>> fig = show_image_rows([np.zeros((3, 28, 28)), np.ones((3, 28, 28, 1))],
...                       row_titles=["original", "reconstruction"], show=False)
>>> len(fig.axes)
6
"""

from __future__ import annotations

import numpy as np

__all__ = ["show_image_rows", "plot_history", "show_codes", "show_small_arrays"]


def _plt():
    import matplotlib.pyplot as plt

    return plt


def _finish(fig, show, suptitle=None):
    """Lay out ``fig``; show it and return None (so a notebook shows it once), or return it."""
    if suptitle:
        fig.suptitle(suptitle)
    fig.tight_layout()
    if show:
        _plt().show()
        return None
    return fig


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


def show_image_rows(rows, row_titles=None, n=None, cell_size=1.0, value_range=None, show=True, title=None):
    """Draw image batches as rows of a grid, one batch per row.

    Args:
        rows: a list of image batches, each (N, H, W), (N, H, W, 1) or (N, H*W).
            For example ``[originals, reconstructions]``; a single batch is one row.
        row_titles: optional English labels, one per row (shown at the left).
        n: how many images per row (default: the shortest batch, at most 10).
        cell_size: inches per image.
        value_range: ``(vmin, vmax)`` for every row; by default each row uses
            [0, 1], [0, 255] or [-1, 1] from its values, so brightness is
            comparable between originals and reconstructions.
        show: call ``plt.show()``.
        title: optional English figure title.
    """
    plt = _plt()
    if isinstance(rows, np.ndarray) or (rows and np.ndim(rows[0]) < 2):
        rows = [rows]
    batches = [_as_images(batch) for batch in rows]
    if row_titles is not None and len(row_titles) != len(batches):
        raise ValueError(f"row_titles는 행마다 하나씩 필요합니다 (행 {len(batches)}개, 제목 {len(row_titles)}개).")
    if n is None:
        n = min(10, min(len(batch) for batch in batches))
    fig, axes = plt.subplots(len(batches), n, figsize=(cell_size * n, cell_size * len(batches) + 0.3),
                             squeeze=False)
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
    return _finish(fig, show, suptitle=title)


def plot_history(history, keys=("loss", "val_loss"), title=None, ylabel="loss", show=True, ax=None):
    """Plot training curves from a Keras ``History`` (``model.fit``'s return value) or its ``.history`` dict.

    Keys that are missing (e.g. ``val_loss`` without validation data) are skipped.
    Several histories can be compared by passing a dict ``{label: history}``.

    >>> fig = plot_history({"loss": [0.5, 0.3], "val_loss": [0.6, 0.4]}, show=False)
    >>> [line.get_label() for line in fig.axes[0].lines]
    ['loss', 'val_loss']
    """
    plt = _plt()

    def curves(h):
        return h.history if hasattr(h, "history") else dict(h)

    series = []
    data = curves(history)
    if data and all(hasattr(v, "history") or isinstance(v, dict) for v in data.values()):
        for label, sub in data.items():  # {label: history}
            sub = curves(sub)
            series += [(f"{label} {k}", sub[k]) for k in keys if k in sub]
    else:
        series = [(k, data[k]) for k in keys if k in data]
    if not series:
        raise ValueError(f"그릴 값이 없습니다: history에 {list(keys)} 중 어느 것도 없습니다.")
    if ax is None:
        fig, ax = plt.subplots(figsize=(5, 3.2))
    else:
        fig = ax.figure
    for label, values in series:
        epochs = np.arange(1, len(values) + 1)
        ax.plot(epochs, values, marker="o", markersize=3, label=label)
    ax.set_xlabel("epoch")
    ax.set_ylabel(ylabel)
    if max(len(values) for _, values in series) < 12:
        ax.set_xticks(np.arange(1, max(len(values) for _, values in series) + 1))
    ax.legend()
    if title:
        ax.set_title(title)
    return _finish(fig, show)


def show_codes(codes, images, reconstructions, n=None, cell_size=1.2, show=True, title=None):
    """Three rows: original images, their codes as stem plots, and the reconstructions.

    Args:
        codes: (N, code_dim) array (or anything that flattens to it), e.g. the
            36 numbers a dense encoder gives each image.
        images: the original images, (N, H, W[, 1]) or (N, H*W).
        reconstructions: the decoder's outputs, same forms as ``images``.
        n: how many examples (default: at most 10).
    """
    plt = _plt()
    codes = np.asarray(codes, dtype=np.float32).reshape(len(codes), -1)
    images = _as_images(images)
    reconstructions = _as_images(reconstructions)
    if n is None:
        n = min(10, len(codes), len(images), len(reconstructions))
    fig, axes = plt.subplots(3, n, figsize=(cell_size * n, cell_size * 3.2), squeeze=False)
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
    axes[0, 0].set_ylabel("original", fontsize=9)
    axes[1, 0].set_ylabel(f"code ({codes.shape[1]})", fontsize=9)
    axes[2, 0].set_ylabel("decoded", fontsize=9)
    return _finish(fig, show, suptitle=title)


def show_small_arrays(arrays, titles=None, cell_size=0.45, fmt="{:g}", show=True):
    """Draw small 2-D arrays side by side, each value written in its cell.

    Args:
        arrays: a list of 2-D arrays (or (1, H, W, 1) batches, which are squeezed).
        titles: optional English titles, one per array.
        fmt: how each value is written.

    >>> import numpy as np
    >>> fig = show_small_arrays([np.eye(2), np.ones((4, 4))], titles=["a", "b"], show=False)
    >>> [ax.get_title() for ax in fig.axes]
    ['a', 'b']
    """
    plt = _plt()
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
    fig, axes = plt.subplots(1, len(grids), figsize=(cell_size * (sum(widths) + len(grids)), cell_size * height + 0.6),
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
    return _finish(fig, show)

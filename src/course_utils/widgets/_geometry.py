"""Pure, UI-free geometry behind the slider explorers (chapters 3-5).

Every function returns plain, JSON-serialisable dicts and lists (ints, floats,
strings, lists, dicts, None) so that the result can be synced to the browser as
an ipywidgets trait, embedded in static HTML, and unit-tested without a UI.

The *numbers* (output sizes, receptive field size/jump/start) always come from
:mod:`course_utils.shapes`; this module only adds the *positions* (which cells a
window covers, where the zeros of a transposed convolution go) and the text.

Coordinates are ``[row, col]`` with ``[0, 0]`` at the top-left.  Padded grids
use padded coordinates (the first padding row is row 0).

Each ``*_geometry`` function also returns a ``"scene"``: the title, the error and
the text lines the explorer prints (Python's numbers).  The drawing itself is made
by ``explorers.js`` from ``params``/``row``/``col`` with its own copy of the
geometry, which tests/site/test_widgets_js.py proves equal to this one.
"""

from __future__ import annotations

from itertools import product

from course_utils import shapes as _shapes

__all__ = [
    "normalize_padding",
    "effective_kernel",
    "same_padding",
    "conv_padding",
    "conv_window",
    "conv_formula",
    "conv_formula_label",
    "conv_geometry",
    "receptive_field_pixels",
    "receptive_field_geometry",
    "transposed_padding",
    "zero_insertion_grid",
    "transposed_formula",
    "transposed_geometry",
]

# --------------------------------------------------------------------------- helpers
def normalize_padding(padding):
    """Return ``"valid"``, ``"same"`` or a non-negative ``int``.

    >>> normalize_padding("SAME"), normalize_padding("2"), normalize_padding(1)
    ('same', 2, 1)
    """
    if isinstance(padding, str):
        p = padding.strip().lower()
        if p in ("valid", "same"):
            return p
        if p.isdigit():
            return int(p)
        raise ValueError(f"padding은 'valid', 'same' 또는 0 이상의 정수여야 합니다: {padding!r}")
    if isinstance(padding, bool) or int(padding) != padding or padding < 0:
        raise ValueError(f"padding은 'valid', 'same' 또는 0 이상의 정수여야 합니다: {padding!r}")
    return int(padding)


def effective_kernel(kernel_size, dilation=1):
    """Span of a dilated kernel, ``d·(k − 1) + 1``.

    >>> effective_kernel(3, 2)
    5
    """
    return dilation * (kernel_size - 1) + 1


def same_padding(input_length, kernel_size, stride=1, dilation=1):
    """TensorFlow's ``'same'`` padding ``(before, after)`` (odd pixel at the END).

    Thin wrapper over :func:`course_utils.shapes.same_padding`.

    >>> same_padding(7, 3, 2)
    (1, 1)
    >>> same_padding(6, 4, 1)
    (1, 2)
    """
    before, after = _shapes.same_padding(input_length, effective_kernel(kernel_size, dilation), stride)
    return int(before), int(after)


def conv_padding(input_length, kernel_size, stride=1, padding="valid", dilation=1):
    """``(before, after, output_length)`` of a convolution; raises ValueError."""
    padding = normalize_padding(padding)
    out = int(_shapes.conv_output_length(input_length, kernel_size, stride, padding, dilation))
    if out < 1:
        raise ValueError(f"출력 크기가 {out}입니다: 커널이 (패딩된) 입력보다 큽니다.")
    if padding == "valid":
        return 0, 0, out
    if padding == "same":
        before, after = same_padding(input_length, kernel_size, stride, dilation)
        return before, after, out
    return padding, padding, out


# --------------------------------------------------------------------------- convolution (ch. 3)
def conv_window(position, kernel_size, stride=1, dilation=1):
    """Padded-grid indices read (along one axis) by output ``position``.

    >>> conv_window(1, 3, stride=2, dilation=2)
    [2, 4, 6]
    """
    start = position * stride
    return [start + j * dilation for j in range(kernel_size)]


def conv_formula(input_length, kernel_size, stride=1, padding="valid", dilation=1):
    """The output-size formula with the numbers substituted, e.g.

    Chapter 3's formula ``⌊(n + 2p − k) / s⌋ + 1`` while the dilation is 1; the dilated
    form of chapter 4 only when it is not.

    >>> conv_formula(7, 3, 1, 1, 2)
    '⌊(7 + 2·1 − 2·(3 − 1) − 1) / 1⌋ + 1 = 5'
    >>> conv_formula(7, 3, 2, 1)
    '⌊(7 + 2·1 − 3) / 2⌋ + 1 = 4'
    >>> conv_formula(7, 3, 2, "same")
    '⌈7 / 2⌉ = 4'
    """
    padding = normalize_padding(padding)
    out = int(_shapes.conv_output_length(input_length, kernel_size, stride, padding, dilation))
    n, k, s, d = input_length, kernel_size, stride, dilation
    if padding == "same":
        return f"⌈{n} / {s}⌉ = {out}"
    p = 0 if padding == "valid" else padding
    if d == 1:
        return f"⌊({n} + 2·{p} − {k}) / {s}⌋ + 1 = {out}"
    return f"⌊({n} + 2·{p} − {d}·({k} − 1) − 1) / {s}⌋ + 1 = {out}"


def conv_formula_label(padding, dilation):
    """The formula's name in the explorer: the dilated form only when ``dilation`` is not 1 (chapter 3 has none)."""
    if padding == "same":
        return "출력 크기 (padding='same': ⌈n / s⌉)"
    return "출력 크기 " + ("⌊(n + 2p − k) / s⌋ + 1" if dilation == 1 else "⌊(n + 2p − d(k − 1) − 1) / s⌋ + 1")


def _conv_params_text(n, k, s, padding, d):
    return f"입력 {n}×{n}, 커널 {k}×{k}, stride {s}, padding {padding!r}" + (f", dilation {d}" if d != 1 else "")


def conv_geometry(input_size=7, kernel_size=3, stride=1, padding="valid", dilation=1, row=0, col=0):
    """Everything the convolution explorer draws, for a square input and kernel.

    Keys: ``params``, ``error`` (Korean message or None), ``output_size``,
    ``pad_before``/``pad_after``, ``padded_size``, ``row``/``col`` (clamped),
    ``window`` (list of ``[r, c, is_padding]`` in padded coordinates),
    ``window_input`` (the same cells in input coordinates, padding cells left out),
    ``formula``, ``formula_label`` and ``scene``.
    """
    n, k, s, d = int(input_size), int(kernel_size), int(stride), int(dilation)
    params = {"input_size": n, "kernel_size": k, "stride": s, "padding": padding, "dilation": d}
    base = {"kind": "conv", "params": params, "title": "합성곱: 출력 크기와 커널 창"}
    try:
        padding = normalize_padding(padding)
        params["padding"] = padding
        before, after, out = conv_padding(n, k, s, padding, d)
        formula = conv_formula(n, k, s, padding, d)
    except ValueError as exc:
        return _error(base, str(exc), _conv_params_text(n, k, s, padding, d))
    row = min(max(int(row), 0), out - 1)
    col = min(max(int(col), 0), out - 1)
    size = n + before + after
    rows = conv_window(row, k, s, d)
    cols = conv_window(col, k, s, d)

    def is_pad(i):
        return i < before or i >= before + n

    window = [[r, c, bool(is_pad(r) or is_pad(c))] for r, c in product(rows, cols)]
    window_input = [[r - before, c - before] for r, c, p in window if not p]
    label = conv_formula_label(padding, d)
    geo = dict(base, error=None, output_size=out, pad_before=before, pad_after=after,
               padded_size=size, row=row, col=col, window=window, window_input=window_input,
               formula=formula, formula_label=label)

    geo["scene"] = {
        "title": geo["title"],
        "error": None,
        "lines": [
            _conv_params_text(n, k, s, padding, d),
            f"패딩: 위/왼쪽 {before}, 아래/오른쪽 {after}",
            f"{label}: {formula}",
            f"선택한 출력 ({row}, {col}) ← 입력 행 {_fmt_idx([r - before for r in rows])}, "
            f"열 {_fmt_idx([c - before for c in cols])}",
        ],
    }
    return geo


# --------------------------------------------------------------------------- receptive field (ch. 4)
def _layer_tuple(layer, index=0):
    """``(kind, kernel, stride, dilation)``: :func:`course_utils.shapes.layer_spec`."""
    return _shapes.layer_spec(layer, index)


def layer_sizes(input_size, layers):
    """Sizes ``[n_0 (input), n_1, ..., n_L]`` (valid padding): :func:`course_utils.shapes.layer_output_lengths`."""
    return _shapes.layer_output_lengths(int(input_size), layers)


def receptive_field_pixels(layers, row, col):
    """The exact set of input pixels ``[r, c]`` that output ``(row, col)`` depends on.

    ``layers``: ``(kernel, stride[, dilation])`` tuples, optionally prefixed by
    ``"conv"``/``"pool"``, or dicts ``{"kind", "kernel", "stride", "dilation"}``.
    Valid padding.  With dilation the set can be sparse.

    >>> receptive_field_pixels([(3, 1, 2)], 0, 0)
    [[0, 0], [0, 2], [0, 4], [2, 0], [2, 2], [2, 4], [4, 0], [4, 2], [4, 4]]
    """
    rows = _shapes.receptive_field_indices(layers, int(row))[0]
    cols = _shapes.receptive_field_indices(layers, int(col))[0]
    return [[r, c] for r in rows for c in cols]


def _fmt_num(x):
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def receptive_field_geometry(input_size=16, layers=(("conv", 3, 2, 1), ("pool", 2, 2, 1)), row=0, col=0):
    """Everything the receptive-field explorer draws.

    Keys: ``params``, ``error``, ``sizes`` (per level), ``row``/``col`` (clamped),
    ``pixels`` (exact input set), ``levels`` (per level, the dependent rows/cols),
    ``size``/``jump``/``start`` (from ``course_utils.shapes.receptive_field``),
    ``span`` (``[first, last]`` input row/col of the field's bounding box), ``scene``.
    """
    n = int(input_size)
    try:
        specs = [_layer_tuple(layer, i) for i, layer in enumerate(layers)]
    except ValueError as exc:
        return _error({"kind": "rf", "params": {"input_size": n, "layers": []}}, str(exc), "")
    params = {"input_size": n, "layers": [list(t) for t in specs]}
    base = {"kind": "rf", "params": params, "title": "수용 영역 (receptive field)"}
    names = [f"{'합성곱' if kd == 'conv' else '풀링'} {k}×{k}, s={s}" + (f", d={d}" if d > 1 else "")
             for kd, k, s, d in specs]
    if not specs:
        return _error(base, "층이 하나 이상 있어야 합니다.", "")
    try:
        sizes = layer_sizes(n, specs)
    except ValueError as exc:
        return _error(base, str(exc), f"입력 {n}×{n}; " + " → ".join(names))
    out = sizes[-1]
    row = min(max(int(row), 0), out - 1)
    col = min(max(int(col), 0), out - 1)
    rf = _shapes.receptive_field([(k, s, d) for _, k, s, d in specs])
    size, jump, start = int(rf.size), int(rf.jump), float(rf.start)
    row_levels = _shapes.receptive_field_indices(specs, int(row))
    col_levels = _shapes.receptive_field_indices(specs, int(col))
    pixels = [[r, c] for r in row_levels[0] for c in col_levels[0]]
    span = [[row_levels[0][0], row_levels[0][-1]], [col_levels[0][0], col_levels[0][-1]]]
    geo = dict(base, error=None, sizes=sizes, row=row, col=col, pixels=pixels,
               levels=[{"rows": r, "cols": c} for r, c in zip(row_levels, col_levels)],
               size=size, jump=jump, start=start, span=span, layer_names=names)

    centre = (start + row * jump, start + col * jump)
    geo["scene"] = {
        "title": geo["title"],
        "error": None,
        "lines": [
            f"입력 {n}×{n} → " + " → ".join(f"{nm} ({m}×{m})" for nm, m in zip(names, sizes[1:])),
            f"수용 영역 크기 r = {size}, 점프 j = {jump}, 시작 = {_fmt_num(start)} "
            f"(첫 출력의 수용 영역 중심, 입력 좌표)",
            f"선택한 출력 ({row}, {col})의 중심 = ({_fmt_num(centre[0])}, {_fmt_num(centre[1])}); "
            f"의존하는 입력 칸 {len(pixels)}개 (범위 {size}×{size} = {size * size}칸)",
            f"입력 행 {_fmt_idx(row_levels[0])}, 열 {_fmt_idx(col_levels[0])}",
        ],
    }
    return geo


# --------------------------------------------------------------------------- transposed convolution (ch. 5)
def _normalize_output_padding(output_padding):
    if output_padding is None or (isinstance(output_padding, str) and output_padding.lower() == "none"):
        return None
    return int(output_padding)


def transposed_padding(input_length, kernel_size, stride=1, padding="valid", output_padding=None, dilation=1):
    """Padding of the equivalent stride-1 convolution: ``(before, after, output_length)``.

    The transposed convolution equals a stride-1 convolution (flipped kernel) of
    the input with ``stride − 1`` zeros inserted between values and ``before``
    zeros on the top/left and ``after`` zeros on the bottom/right.  ``before`` is
    ``d(k − 1) − p`` where ``p`` is the top/left padding of the forward
    convolution that the transposed convolution inverts ('valid': 0; 'same':
    TensorFlow's split, odd pixel at the end; int: ``p``); ``after`` takes what
    is left of the output length (from :mod:`course_utils.shapes`), i.e.
    ``d(k − 1) − p`` plus the output padding.

    >>> transposed_padding(3, 3, 2, "valid")
    (2, 2, 7)
    >>> transposed_padding(3, 3, 2, "valid", output_padding=1)
    (2, 3, 8)
    """
    return _shapes.conv_transpose_zero_padding(int(input_length), int(kernel_size), int(stride),
                                               normalize_padding(padding),
                                               _normalize_output_padding(output_padding), int(dilation))


def zero_insertion_grid(input_length, kernel_size, stride=1, padding="valid", output_padding=None, dilation=1):
    """The zero-inserted, zero-bordered grid (1-D description, square in 2-D).

    Returns a dict with ``size`` (grid length, always ``output + d(k − 1)``),
    ``before``/``after`` (border widths ``d(k − 1) − p`` and the rest; negative
    when an integer padding crops more than the border: then the grid starts or
    ends inside the zero-inserted input), ``positions`` (grid index of input value
    ``i``, may lie outside the grid when cropped), ``output_size`` and ``kinds``
    (per grid index: ``"value"``, ``"inserted"``, ``"border"`` or ``"extra"``;
    ``"extra"`` marks the zeros beyond the symmetric border: output_padding on the
    bottom/right, or 'same''s odd split).  A stride-1 'valid' convolution of this
    grid with the flipped kernel (dilated by ``dilation``) gives the transposed
    convolution.

    >>> g = zero_insertion_grid(2, 3, 2)
    >>> g["positions"], g["size"], g["kinds"]
    ([2, 4], 7, ['border', 'border', 'value', 'inserted', 'value', 'border', 'border'])
    """
    n, s = int(input_length), int(stride)
    before, after, out = transposed_padding(n, kernel_size, s, padding, output_padding, dilation)
    positions = [before + i * s for i in range(n)]
    size = out + effective_kernel(kernel_size, dilation) - 1
    sym = max(min(before, after), 0)
    kinds = []
    for g in range(size):
        if g in positions:
            kinds.append("value")
        elif positions[0] < g < positions[-1]:
            kinds.append("inserted")
        elif g < positions[0]:
            kinds.append("border" if g >= before - sym else "extra")
        else:
            kinds.append("border" if g - (positions[-1] + 1) < sym else "extra")
    return {"size": size, "before": before, "after": after, "positions": positions,
            "output_size": out, "kinds": kinds}


def transposed_formula(input_length, kernel_size, stride=1, padding="valid", output_padding=None, dilation=1):
    """Output-size formula of a transposed convolution with numbers substituted.

    >>> transposed_formula(3, 3, 2, "valid")
    '3·2 + max(1·(3 − 1) + 1 − 2, 0) = 7'
    >>> transposed_formula(3, 3, 2, 1, 1)
    '(3 − 1)·2 − 2·1 + 1·(3 − 1) + 1 + 1 = 6'
    """
    n, k, s, d = int(input_length), int(kernel_size), int(stride), int(dilation)
    padding = normalize_padding(padding)
    op = _normalize_output_padding(output_padding)
    out = int(_shapes.conv_transpose_output_length(n, k, s, padding, op, d))
    if op is None:
        if padding == "valid":
            return f"{n}·{s} + max({d}·({k} − 1) + 1 − {s}, 0) = {out}"
        if padding == "same":
            return f"{n}·{s} = {out}"
        return f"({n} − 1)·{s} + max({d}·({k} − 1) + 1, {s}) − 2·{padding} = {out}"
    if padding == "same":
        return f"({n} − 1)·{s} + {d}·({k} − 1) + 1 − 2·⌊({d}·({k} − 1) + 1) / 2⌋ + {op} = {out}"
    p = 0 if padding == "valid" else padding
    return f"({n} − 1)·{s} − 2·{p} + {d}·({k} − 1) + {op} + 1 = {out}"


def transposed_geometry(input_size=3, kernel_size=3, stride=2, padding="valid", output_padding=None,
                        dilation=1, row=0, col=0):
    """Everything the transposed-convolution explorer draws.

    Keys: ``params``, ``error``, ``output_size``, ``grid`` (see
    :func:`zero_insertion_grid`), ``row``/``col`` (clamped output position),
    ``window`` (cells ``[r, c]`` of the zero-inserted grid that the flipped kernel
    covers for that output), ``formula``, ``formula_label``, ``scene``.
    """
    n, k, s, d = int(input_size), int(kernel_size), int(stride), int(dilation)
    op = _normalize_output_padding(output_padding)
    params = {"input_size": n, "kernel_size": k, "stride": s, "padding": padding,
              "output_padding": op, "dilation": d}
    base = {"kind": "transposed", "params": params, "title": "전치 합성곱: 0 삽입으로 보기"}
    ptxt = f"입력 {n}×{n}, 커널 {k}×{k}, stride {s}, padding {padding!r}, output_padding {op}"
    try:
        padding = normalize_padding(padding)
        params["padding"] = padding
        grid = zero_insertion_grid(n, k, s, padding, op, d)
        formula = transposed_formula(n, k, s, padding, op, d)
    except ValueError as exc:
        return _error(base, str(exc), ptxt)
    out = grid["output_size"]
    row = min(max(int(row), 0), out - 1)
    col = min(max(int(col), 0), out - 1)
    window = [[r, c] for r in conv_window(row, k, 1, d) for c in conv_window(col, k, 1, d)]
    label = "출력 크기"
    geo = dict(base, error=None, output_size=out, grid=grid, row=row, col=col, window=window,
               formula=formula, formula_label=label)
    geo["scene"] = {
        "title": geo["title"],
        "error": None,
        "lines": [
            ptxt + (f", dilation {d}" if d > 1 else ""),
            f"값 사이에 0을 {s - 1}개씩 넣고, 테두리 0: 위/왼쪽 {grid['before']}, 아래/오른쪽 {grid['after']}"
            + (" (음수: 그만큼 잘라냄)" if min(grid["before"], grid["after"]) < 0 else ""),
            f"{label}: {formula}",
        ],
    }
    return geo


# --------------------------------------------------------------------------- shared
def _fmt_idx(idx):
    return "[" + ", ".join(str(i) for i in idx) + "]"


def _error(base, message, params_text):
    return dict(base, error=message, scene={
        "title": base.get("title", ""), "error": message,
        "lines": [params_text] if params_text else []})

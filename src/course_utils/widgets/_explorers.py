"""Slider explorers: standard ipywidgets controls + an anywidget SVG canvas.

Works with ipywidgets 7.7.1 (Google Colab) and 8.x (JupyterLab): only APIs that
are the same in both are used (``IntSlider``/``Dropdown`` with ``(label, value)``
pairs, ``observe(..., names="value")``, ``Layout(display=...)``,
``style={"description_width": ...}``).

Displaying an explorer gives a MIME bundle with the live widget view *and* a
``text/html`` fallback for the static book: ``explorers.js`` inlined, with its own
sliders and geometry (no kernel, nothing fetched).  On Colab, anywidget turns on
Colab's custom widget manager (which loads anywidget's front end from a CDN; Colab is
online); where no widget manager can show the view, the ``text/html`` explorer remains.
"""

from __future__ import annotations

import html
import json
import uuid
from importlib import resources

import anywidget
import ipywidgets as W
import traitlets

from . import _geometry as G

try:  # Colab: enables the custom widget manager and names it in the output metadata
    from anywidget._util import get_repr_metadata as _repr_metadata
except ImportError:  # pragma: no cover - older/newer anywidget without the helper
    def _repr_metadata():
        return {}

__all__ = ["GeometryCanvas", "ConvExplorer", "ReceptiveFieldExplorer", "TransposedConvExplorer"]

_JS = resources.files("course_utils.widgets").joinpath("explorers.js").read_text(encoding="utf-8")
_STYLE = {"description_width": "initial"}
_WIDGET_MIME = "application/vnd.jupyter.widget-view+json"


class GeometryCanvas(anywidget.AnyWidget):
    """The explorer's drawing: ``explorers.js`` computes it from ``geometry["params"]``
    (and ``row``/``col``) and shows Python's text lines ``geometry["scene"]["lines"]``."""

    _esm = _JS
    geometry = traitlets.Dict({}).tag(sync=True)


def _slider(description, value, lo, hi):
    return W.IntSlider(value=int(value), min=lo, max=max(hi, int(value)), step=1,
                       description=description, continuous_update=True, style=_STYLE,
                       layout=W.Layout(width="320px"))


def _padding_dropdown(value, description="padding"):
    options = [("valid", "valid"), ("same", "same")] + [(str(i), i) for i in range(4)]
    value = G.normalize_padding(value)
    if isinstance(value, int) and value > 3:
        options.append((str(value), value))
    return W.Dropdown(options=options, value=value, description=description, style=_STYLE,
                      layout=W.Layout(width="200px"))


def _json_for_script(obj):
    return json.dumps(obj, ensure_ascii=False).replace("</", "<\\/")


STATIC_NOTE = ("이 페이지에서 바로 슬라이더를 움직일 수 있습니다 (파이썬 실행 환경 없이 브라우저에서 계산합니다). "
               "노트북에서 실행하면 같은 값을 Python이 계산합니다.")


def static_html(geometry, note=STATIC_NOTE):
    """Self-contained HTML: the explorer of ``geometry`` with its own sliders (no kernel, nothing fetched).

    ``explorers.js`` is inlined and its ``mount()`` builds the sliders and the
    drawing from ``geometry["kind"]`` and ``geometry["params"]`` (plus
    ``row``/``col``).  Without JavaScript the text lines are shown.
    """
    uid = "cu-" + uuid.uuid4().hex[:12]
    scene = geometry.get("scene", {})
    lines = [scene.get("error")] if scene.get("error") else []
    lines += scene.get("lines", [])
    text = "".join(f"<div>{html.escape(line)}</div>" for line in lines if line)
    params = dict(geometry.get("params", {}), row=geometry.get("row", 0) or 0, col=geometry.get("col", 0) or 0)
    return (
        f'<div class="cu-static-explorer">'
        f'<div id="{uid}" class="cu-mount"><div style="font-weight:bold">{html.escape(geometry.get("title", ""))}</div>'
        f'{text}</div>'
        f'<div class="cu-note">{html.escape(note)}</div></div>\n'
        f'<script type="module">\n{_JS}\n'
        f'mount(document.getElementById("{uid}"), {_json_for_script(geometry.get("kind"))}, '
        f"{_json_for_script(params)});\n"
        f"</script>"
    )


class _Explorer:
    """Common part: a VBox of controls + canvas, update logic and display."""

    def __init__(self):
        self._busy = False
        self.canvas = GeometryCanvas()
        for w in self.controls.values():
            w.observe(self._on_change, names="value")
        self.widget = W.VBox(self._layout_children() + [self.canvas])
        self.update()

    # subclasses: self.controls (dict), _layout_children(), _compute(), _sync_limits(geo)
    @property
    def geometry(self):
        """The current geometry dict (also synced to the browser)."""
        return self.canvas.geometry

    def _on_change(self, change=None):
        if not self._busy:
            self.update()

    def update(self):
        """Recompute the geometry from the control values and sync it."""
        self._busy = True
        try:
            self._before_compute()
            geo = self._compute()
            self._sync_limits(geo)
            if geo.get("row") is not None and "row" in self.controls:
                geo = self._compute()  # row/col may have been clamped
        finally:
            self._busy = False
        self.canvas.geometry = geo
        return geo

    def _before_compute(self):
        pass

    def _sync_limits(self, geo):
        if geo.get("error") is None and "row" in self.controls:
            top = self._out_size(geo) - 1
            for name in ("row", "col"):
                s = self.controls[name]
                if s.value > top:
                    s.value = top
                s.max = max(top, 0)

    def _out_size(self, geo):
        return geo["output_size"]

    def to_html(self):
        """Static HTML of the current state (used as the text/html fallback)."""
        return static_html(self.geometry)

    def _repr_mimebundle_(self, include=None, exclude=None):
        """``(data, metadata)``: live widget view + static ``text/html`` fallback.

        Built by hand (not via the widget's own repr) because ipywidgets 7 only
        has ``_ipython_display_`` while ipywidgets 8 has ``_repr_mimebundle_``.
        The metadata is anywidget's (on Colab it names the custom widget manager
        that renders the anywidget canvas).
        """
        data = {
            "text/plain": f"{type(self).__name__}({self._params_text()})",
            "text/html": self.to_html(),
        }
        if getattr(self.widget, "_view_name", None) is not None:
            data[_WIDGET_MIME] = {"version_major": 2, "version_minor": 0,
                                  "model_id": self.widget.model_id}
        return data, _repr_metadata()

    def _params_text(self):
        return ", ".join(f"{k}={v!r}" for k, v in self.geometry.get("params", {}).items())

    def __repr__(self):
        return f"<{type(self).__name__} {self._params_text()}>"


class ConvExplorer(_Explorer):
    """Chapter 3: output size and kernel window of a 2-D convolution.

    >>> ex = ConvExplorer(input_size=7, kernel_size=3, stride=1, padding=1, dilation=2)
    >>> ex.geometry["formula"]
    '⌊(7 + 2·1 − 2·(3 − 1) − 1) / 1⌋ + 1 = 5'
    """

    def __init__(self, input_size=7, kernel_size=3, stride=1, padding="valid", dilation=1, row=0, col=0):
        self.controls = {
            "input_size": _slider("입력 크기 n", input_size, 1, 28),
            "kernel_size": _slider("커널 크기 k", kernel_size, 1, 7),
            "stride": _slider("stride s", stride, 1, 4),
            "padding": _padding_dropdown(padding),
            "dilation": _slider("dilation d", dilation, 1, 4),
            "row": _slider("출력 행", row, 0, 27),
            "col": _slider("출력 열", col, 0, 27),
        }
        super().__init__()

    def _layout_children(self):
        c = self.controls
        return [W.HBox([c["input_size"], c["kernel_size"]]), W.HBox([c["stride"], c["dilation"]]),
                W.HBox([c["padding"]]), W.HBox([c["row"], c["col"]])]

    def _compute(self):
        v = {k: w.value for k, w in self.controls.items()}
        return G.conv_geometry(v["input_size"], v["kernel_size"], v["stride"], v["padding"],
                               v["dilation"], v["row"], v["col"])


class TransposedConvExplorer(_Explorer):
    """Chapter 5: a transposed convolution as zero insertion + stride-1 convolution.

    ``output_padding``: None or 0..stride-1.

    >>> TransposedConvExplorer(input_size=3, kernel_size=3, stride=2).geometry["output_size"]
    7
    """

    def __init__(self, input_size=3, kernel_size=3, stride=2, padding="valid", output_padding=None,
                 dilation=1, row=0, col=0):
        self.dilation = int(dilation)
        op = "none" if output_padding is None else int(output_padding)
        self.controls = {
            "input_size": _slider("입력 크기 n", input_size, 1, 8),
            "kernel_size": _slider("커널 크기 k", kernel_size, 1, 5),
            "stride": _slider("stride s", stride, 1, 4),
            "padding": _padding_dropdown(padding),
            "output_padding": W.Dropdown(options=self._op_options(stride, op), value=op,
                                         description="output_padding", style=_STYLE,
                                         layout=W.Layout(width="220px")),
            "row": _slider("출력 행", row, 0, 40),
            "col": _slider("출력 열", col, 0, 40),
        }
        super().__init__()

    @staticmethod
    def _op_options(stride, current=None):
        opts = [("None", "none")] + [(str(i), i) for i in range(int(stride))]
        if isinstance(current, int) and current >= stride:
            opts.append((str(current), current))  # shown as an error, not silently dropped
        return opts

    def _before_compute(self):
        dd = self.controls["output_padding"]
        stride = self.controls["stride"].value
        wanted = self._op_options(stride)
        if list(dd.options) != wanted:
            keep = dd.value if (dd.value == "none" or dd.value < stride) else "none"
            dd.options = wanted
            dd.value = keep

    def _layout_children(self):
        c = self.controls
        return [W.HBox([c["input_size"], c["kernel_size"]]), W.HBox([c["stride"]]),
                W.HBox([c["padding"], c["output_padding"]]), W.HBox([c["row"], c["col"]])]

    def _compute(self):
        v = {k: w.value for k, w in self.controls.items()}
        op = None if v["output_padding"] == "none" else v["output_padding"]
        return G.transposed_geometry(v["input_size"], v["kernel_size"], v["stride"], v["padding"], op,
                                     self.dilation, v["row"], v["col"])


class ReceptiveFieldExplorer(_Explorer):
    """Chapter 4: the exact input pixels one output pixel depends on.

    ``layers``: up to ``max_layers`` specs ``("conv"|"pool", kernel, stride[, dilation])``
    (or ``(kernel, stride[, dilation])`` for a convolution).  Valid padding.
    Default: a 3×3 stride-2 convolution, then 2×2 stride-2 pooling (field 5×5).

    >>> ReceptiveFieldExplorer().geometry["size"]
    5
    """

    def __init__(self, layers=(("conv", 3, 2), ("pool", 2, 2)), input_size=16, max_layers=4, row=0, col=0):
        specs = [G._layer_tuple(layer, i) for i, layer in enumerate(layers)]
        if not 1 <= len(specs) <= max_layers:
            raise ValueError(f"층은 1개 이상 {max_layers}개 이하여야 합니다: {len(specs)}개")
        self.max_layers = int(max_layers)
        self.controls = {"n_layers": _slider("층 수", len(specs), 1, self.max_layers),
                         "input_size": _slider("입력 크기 n", input_size, 2, 32)}
        for i in range(self.max_layers):
            kind, k, s, d = specs[i] if i < len(specs) else ("conv", 3, 1, 1)
            self.controls[f"kind{i}"] = W.Dropdown(options=[("합성곱", "conv"), ("풀링", "pool")], value=kind,
                                                   description=f"{i + 1}층", style=_STYLE,
                                                   layout=W.Layout(width="150px"))
            self.controls[f"kernel{i}"] = _slider("커널", k, 1, 7)
            self.controls[f"stride{i}"] = _slider("stride", s, 1, 4)
            self.controls[f"dilation{i}"] = _slider("dilation", d, 1, 4)
            for name in ("kernel", "stride", "dilation"):
                self.controls[f"{name}{i}"].layout.width = "210px"
        self.controls["row"] = _slider("출력 행", row, 0, 31)
        self.controls["col"] = _slider("출력 열", col, 0, 31)
        super().__init__()

    def _layout_children(self):
        c = self.controls
        self._layer_boxes = [W.HBox([c[f"kind{i}"], c[f"kernel{i}"], c[f"stride{i}"], c[f"dilation{i}"]])
                             for i in range(self.max_layers)]
        return [W.HBox([c["n_layers"], c["input_size"]])] + self._layer_boxes + [W.HBox([c["row"], c["col"]])]

    def _before_compute(self):
        n = self.controls["n_layers"].value
        for i, box in enumerate(self._layer_boxes):
            box.layout.display = None if i < n else "none"
            self.controls[f"dilation{i}"].disabled = self.controls[f"kind{i}"].value == "pool"

    def layers(self):
        """The active layers as ``(kind, kernel, stride, dilation)`` tuples."""
        c = self.controls
        out = []
        for i in range(c["n_layers"].value):
            kind = c[f"kind{i}"].value
            out.append((kind, c[f"kernel{i}"].value, c[f"stride{i}"].value,
                        1 if kind == "pool" else c[f"dilation{i}"].value))
        return out

    def _compute(self):
        c = self.controls
        return G.receptive_field_geometry(c["input_size"].value, self.layers(), c["row"].value, c["col"].value)

    def _out_size(self, geo):
        return geo["sizes"][-1]

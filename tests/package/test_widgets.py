"""Drive the explorers' sliders programmatically and check the synced geometry.

No TensorFlow here: this file also runs under ipywidgets 7.7.1 (Google Colab's
version) from tests/package/test_widgets_ipywidgets7.py.
"""

from __future__ import annotations

import html
import json
import statistics
import subprocess
import sys
import time

import ipywidgets
import pytest

from course_utils import shapes
from course_utils.widgets import ConvExplorer, ReceptiveFieldExplorer, TransposedConvExplorer
from course_utils.widgets import _geometry as G

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"


def _error_of(fn, *args):
    try:
        fn(*args)
    except ValueError as exc:
        return str(exc)
    raise AssertionError("expected a ValueError")


def _time_update(explorer, control, values, repeats=15):
    times = []
    for i in range(repeats):
        t0 = time.perf_counter()
        explorer.controls[control].value = values[i % len(values)]
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000


def test_public_names_and_versions():
    """Every name in ``__all__`` exists, and each explorer of the chapters draws with its defaults."""
    import course_utils.widgets as w

    for name in w.__all__:
        assert getattr(w, name, None) is not None, f"__all__ names {name}, which the package does not define"
    for name in ("ConvExplorer", "ReceptiveFieldExplorer", "TransposedConvExplorer"):
        explorer = getattr(w, name)()
        assert not explorer.geometry.get("error"), (name, explorer.geometry.get("error"))
    print("ipywidgets", ipywidgets.__version__)


def test_importing_widgets_does_not_import_tensorflow():
    code = "import sys, course_utils.widgets; assert 'tensorflow' not in sys.modules; assert 'keras' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


# --------------------------------------------------------------------------- ConvExplorer
def test_conv_explorer_sliders_update_geometry():
    ex = ConvExplorer(input_size=7, kernel_size=3, stride=1, padding="valid", dilation=1)
    g = ex.geometry
    assert g["output_size"] == 5 and g["formula"] == "⌊(7 + 2·0 − 3) / 1⌋ + 1 = 5"
    assert ex.controls["row"].max == 4 and ex.controls["col"].max == 4

    ex.controls["stride"].value = 2
    assert ex.geometry["output_size"] == 3
    assert ex.geometry["formula"] == "⌊(7 + 2·0 − 3) / 2⌋ + 1 = 3"
    assert ex.controls["row"].max == 2

    ex.controls["padding"].value = "same"
    assert ex.geometry["output_size"] == 4 and ex.geometry["formula"] == "⌈7 / 2⌉ = 4"
    assert (ex.geometry["pad_before"], ex.geometry["pad_after"]) == (1, 1)

    ex.controls["padding"].value = 1
    ex.controls["row"].value = 3
    ex.controls["col"].value = 1
    g = ex.geometry
    assert g["output_size"] == 4 and "2·1" in g["formula"] and g["formula"].endswith("= 4")
    assert (g["row"], g["col"]) == (3, 1)
    # highlighted cells: rows 6,7,8 and cols 2,3,4 of the 9x9 padded grid
    assert [cell[:2] for cell in g["window"]] == [[r, c] for r in (6, 7, 8) for c in (2, 3, 4)]
    assert [cell[2] for cell in g["window"]] == [r == 8 for r in (6, 7, 8) for _ in range(3)]
    assert "선택한 출력 (3, 1) ← 입력 행 [5, 6, 7], 열 [1, 2, 3]" in g["scene"]["lines"]

    # shrinking the input clamps the chosen output position
    ex.controls["input_size"].value = 3
    g = ex.geometry
    assert g["output_size"] == 2 and (g["row"], g["col"]) == (1, 1)
    assert ex.controls["row"].value == 1 and ex.controls["row"].max == 1


def test_conv_explorer_dilation_makes_the_window_sparse():
    ex = ConvExplorer(input_size=9, kernel_size=3, dilation=2, row=1, col=2)
    assert ex.geometry["output_size"] == 5
    assert [cell[:2] for cell in ex.geometry["window"]] == [[r, c] for r in (1, 3, 5) for c in (2, 4, 6)]


def test_conv_explorer_invalid_configs_show_the_korean_message():
    ex = ConvExplorer(input_size=3, kernel_size=3)
    ex.controls["kernel_size"].value = 5
    expected = _error_of(shapes.conv_output_length, 3, 5, 1, "valid", 1)
    assert ex.geometry["error"] == expected
    assert ex.geometry["scene"]["error"] == expected
    assert any("\uac00" <= ch <= "\ud7a3" for ch in expected)
    assert html.escape(expected) in ex.to_html()  # the text shown before the script runs
    ex.controls["padding"].value = "same"  # valid again
    assert ex.geometry["error"] is None and ex.geometry["output_size"] == 3
    ex.controls["stride"].value = 2
    ex.controls["dilation"].value = 2  # Keras refuses stride>1 with dilation>1
    assert ex.geometry["error"] == _error_of(shapes.conv_output_length, 3, 5, 2, "same", 2)


def test_conv_explorer_constructor_values_outside_slider_ranges():
    ex = ConvExplorer(input_size=64, kernel_size=9, padding=5)
    assert ex.controls["input_size"].value == 64 and ex.controls["padding"].value == 5
    assert ex.geometry["output_size"] == 64 + 10 - 8


# --------------------------------------------------------------------------- ReceptiveFieldExplorer
def test_receptive_field_explorer_default_and_sliders():
    ex = ReceptiveFieldExplorer()
    g = ex.geometry
    assert (g["size"], g["jump"], g["start"]) == (5, 4, 2)
    assert g["sizes"] == [16, 7, 3] and len(g["pixels"]) == 25
    assert ex.controls["n_layers"].value == 2
    assert ex._layer_boxes[2].layout.display == "none"
    assert ex.controls["dilation1"].disabled  # pooling has no dilation

    ex.controls["row"].value = 2
    ex.controls["col"].value = 1
    g = ex.geometry
    assert g["span"] == [[8, 12], [4, 8]]
    assert (g["row"], g["col"]) == (2, 1)

    ex.controls["n_layers"].value = 1  # only the conv layer: 7x7 output, field 3
    g = ex.geometry
    assert g["size"] == 3 and g["jump"] == 2 and g["sizes"] == [16, 7]
    assert (g["row"], g["col"]) == (2, 1)

    ex.controls["stride0"].value = 1
    ex.controls["dilation0"].value = 2  # sparse 3x3 field spanning 5x5
    g = ex.geometry
    assert g["size"] == 5 and len(g["pixels"]) == 9
    assert g["pixels"] == [[r, c] for r in (2, 4, 6) for c in (1, 3, 5)]

    ex.controls["n_layers"].value = 3
    assert ex._layer_boxes[2].layout.display is None
    assert len(ex.layers()) == 3
    rf = shapes.receptive_field([(k, s, d) for _, k, s, d in ex.layers()])
    assert (ex.geometry["size"], ex.geometry["jump"]) == (rf.size, rf.jump)
    assert ex.geometry["start"] == rf.start


def test_receptive_field_explorer_four_layers_and_errors():
    layers = [("conv", 3, 1), ("pool", 2, 2), ("conv", 3, 1, 2), ("pool", 2, 2)]
    ex = ReceptiveFieldExplorer(layers=layers, input_size=28)
    rf = shapes.receptive_field([(3, 1), (2, 2), (3, 1, 2), (2, 2)])
    assert ex.geometry["size"] == rf.size and ex.geometry["sizes"][-1] == 4
    ex.controls["input_size"].value = 6  # too small for four layers
    assert ex.geometry["error"] and "층" in ex.geometry["error"]
    ex.controls["input_size"].value = 28
    assert ex.geometry["error"] is None
    with pytest.raises(ValueError):
        ReceptiveFieldExplorer(layers=[("conv", 3, 1)] * 5)


# --------------------------------------------------------------------------- TransposedConvExplorer
def test_transposed_explorer_sliders_update_geometry():
    ex = TransposedConvExplorer(input_size=3, kernel_size=3, stride=2)
    g = ex.geometry
    assert g["output_size"] == 7 and g["formula"].endswith("= 7")
    assert g["grid"]["positions"] == [2, 4, 6] and g["grid"]["size"] == 9
    assert g["grid"]["kinds"] == ["border"] * 2 + ["value", "inserted"] * 2 + ["value"] + ["border"] * 2
    assert [o[1] for o in ex.controls["output_padding"].options] == ["none", 0, 1]

    ex.controls["output_padding"].value = 1
    g = ex.geometry
    assert g["output_size"] == 8 and g["grid"]["kinds"][-1] == "extra" and g["grid"]["after"] == 3
    assert g["formula"] == "(3 − 1)·2 − 2·0 + 1·(3 − 1) + 1 + 1 = 8"

    ex.controls["stride"].value = 3
    assert [o[1] for o in ex.controls["output_padding"].options] == ["none", 0, 1, 2]
    assert ex.controls["output_padding"].value == 1
    assert ex.geometry["output_size"] == shapes.conv_transpose_output_length(3, 3, 3, "valid", 1)
    assert ex.geometry["grid"]["kinds"][2:9] == ["value", "inserted", "inserted", "value", "inserted",
                                                  "inserted", "value"]
    ex.controls["output_padding"].value = 2
    ex.controls["stride"].value = 1  # output_padding 2 no longer allowed: back to None
    assert ex.controls["output_padding"].value == "none"
    assert ex.geometry["output_size"] == 5

    ex.controls["stride"].value = 2
    ex.controls["padding"].value = "same"
    assert ex.geometry["output_size"] == 6 and ex.geometry["formula"] == "3·2 = 6"
    ex.controls["row"].value = 5
    ex.controls["col"].value = 2
    g = ex.geometry
    assert g["window"] == [[r, c] for r in (5, 6, 7) for c in (2, 3, 4)]


def test_transposed_explorer_invalid_config_shows_message():
    ex = TransposedConvExplorer(input_size=3, kernel_size=2, stride=2, padding="same", output_padding=0)
    expected = _error_of(shapes.conv_transpose_output_length, 3, 2, 2, "same", 0)
    assert ex.geometry["error"] == expected
    ex.controls["output_padding"].value = 1
    assert ex.geometry["error"] is None


# --------------------------------------------------------------------------- display and speed
def test_mimebundle_metadata_names_colab_widget_manager(monkeypatch):
    """On Colab anywidget enables the custom widget manager; the bundle carries its URL."""
    import types

    calls = []
    fake = types.ModuleType("google.colab.output")
    fake.enable_custom_widget_manager = lambda: calls.append(1)
    fake._widgets = types.SimpleNamespace(_installed_url="https://example.invalid/manager.js")
    monkeypatch.setitem(sys.modules, "google.colab.output", fake)
    ex = ConvExplorer()
    _, metadata = ex._repr_mimebundle_()
    assert metadata[WIDGET_MIME]["colab"]["custom_widget_manager"]["url"] == "https://example.invalid/manager.js"



@pytest.mark.parametrize("cls", [ConvExplorer, ReceptiveFieldExplorer, TransposedConvExplorer])
def test_mimebundle_has_widget_view_and_static_html(cls):
    ex = cls()
    bundle, metadata = ex._repr_mimebundle_()
    assert metadata == {}  # not on Colab
    assert bundle[WIDGET_MIME]["model_id"] == ex.widget.model_id
    assert bundle[WIDGET_MIME]["version_major"] == 2
    html = bundle["text/html"]
    assert '<script type="module">' in html and "export default" in html and "function render" in html
    for line in ex.geometry["scene"]["lines"]:
        assert line.replace("'", "&#x27;") in html  # readable without JavaScript too
    # the inlined module mounts its own sliders on the explorer's kind and parameters
    params = dict(ex.geometry["params"], row=ex.geometry["row"], col=ex.geometry["col"])
    assert f'"{ex.geometry["kind"]}", {json.dumps(params, ensure_ascii=False)});' in html
    assert "export function mount" in html
    assert bundle["text/plain"].startswith(cls.__name__)
    # the canvas ships the same renderer
    assert "export default" in ex.canvas._esm
    assert ex.widget.children[-1] is ex.canvas


@pytest.mark.parametrize(
    "make,control,values",
    [
        (lambda: ConvExplorer(input_size=28, kernel_size=3), "kernel_size", [3, 5]),
        (lambda: ConvExplorer(input_size=7, kernel_size=3), "stride", [1, 2]),
        (lambda: ReceptiveFieldExplorer(layers=[("conv", 3, 1), ("pool", 2, 2), ("conv", 3, 1, 2), ("pool", 2, 2)],
                                        input_size=28), "kernel0", [3, 5]),
        (lambda: TransposedConvExplorer(input_size=7, kernel_size=3, stride=2), "kernel_size", [3, 4]),
    ],
)
def test_update_is_fast(make, control, values):
    ex = make()
    ms = _time_update(ex, control, values)
    print(f"{type(ex).__name__} {control}: median update {ms:.2f} ms (target < 50 ms)")
    assert ms < 200  # generous: the machine is shared; the benchmark checks 50 ms

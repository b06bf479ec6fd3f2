"""The figure contract of ``course_utils.figures`` (written in its ``__init__`` and in CONTRIBUTING).

Every public figure function is found by introspection and called on small inputs under
the Agg backend: data positional and options keyword-only, one ``figsize`` keyword,
``ax=`` for single-Axes figures, a returned Figure, no ``plt.show()``, no figure left open
in pyplot (so Jupyter shows it once), English or numeric labels only.  The chapters display every
figure they draw (checked on their source), and a real kernel with Jupyter's inline backend shows each
figure exactly once (slow: starts a kernel).
"""

from __future__ import annotations

import ast
import importlib
import inspect
import json
import pkgutil
import re

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure
from matplotlib.text import Text

import course_utils.figures
from tools.notebooks import chapter_notebooks

HANGUL = re.compile("[\uac00-\ud7a3]")
BOX = np.array([[0, 0], [2, 0], [2, 1], [0, 1]])

#: name -> (the data, passed positionally; the options, passed by keyword): small inputs for each function.
SAMPLES = {
    "draw_box_to_number": (([BOX, BOX * 2], [0.5, -1.0], [1, 1, 1, 1]), {"labels": ["box A", "box B"]}),
    "draw_conv_steps": ((5, 3), {"stride": 2, "padding": 1}),
    "draw_pooling": ((np.arange(16.0).reshape(4, 4),), {"kind": "avg"}),
    "draw_conv_pool_field": ((), {"kernel_size": 3}),
    "draw_receptive_field_1d": (([(3, 1), (2, 2)], 8), {"output_index": 1}),
    "show_image_rows": (([np.zeros((2, 4, 4)), np.ones((3, 16))], ["original", "decoded"]), {"title": "t"}),
    "plot_history": (({"loss": [1.0, 0.5], "val_loss": [1.2, 0.7]},), {"title": "t"}),
    "show_codes": ((np.ones((2, 3)), np.zeros((2, 4, 4)), np.zeros((2, 16))), {"n": 2}),
    "show_small_arrays": (([np.eye(2), np.ones((1, 3, 3, 1))], ["a", "b"]), {"fmt": "{:.1f}"}),
    "digit_histograms": (([[0] * 8 + [90, 10], list(range(10))], ["collapsed", "spread"]),
                         {"xlabel": "digit", "ylabel": "samples"}),
}


def public_functions() -> dict:
    """{name: function} over every public module of course_utils.figures (its ``__all__``)."""
    found = {}
    for info in pkgutil.iter_modules(course_utils.figures.__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"course_utils.figures.{info.name}")
        defined = {name for name, obj in vars(module).items()
                   if inspect.isfunction(obj) and obj.__module__ == module.__name__ and not name.startswith("_")}
        assert set(module.__all__) == defined, f"{module.__name__}.__all__ must list its public functions"
        found.update({name: getattr(module, name) for name in module.__all__})
    return found


FUNCTIONS = public_functions()


@pytest.fixture
def pyplot_state(monkeypatch):
    """Agg backend, no figure open, and plt.show() refused while the test runs."""
    plt.switch_backend("Agg")
    plt.close("all")

    def refuse(*_args, **_kwargs):
        raise AssertionError("a figure function called plt.show()")

    monkeypatch.setattr(plt, "show", refuse)
    yield
    plt.close("all")


def test_every_public_figure_function_has_a_sample():
    assert set(FUNCTIONS) == set(SAMPLES)


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_signature_data_first_then_keyword_only_options(name):
    parameters = inspect.signature(FUNCTIONS[name]).parameters.values()
    data, _ = SAMPLES[name]
    positional = [p for p in parameters if p.kind is not p.KEYWORD_ONLY]
    assert len(positional) == len(data), f"{name}: only the data may be positional, got {positional}"
    assert all(p.kind is p.POSITIONAL_OR_KEYWORD for p in positional)
    options = {p.name: p for p in parameters if p.kind is p.KEYWORD_ONLY}
    assert "figsize" in options and options["figsize"].default is None
    assert not {"show", "size", "cell_size"} & {p.name for p in parameters}, "sizes go through figsize only"
    if "ax" in options:
        assert options["ax"].default is None


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_returns_a_figure_without_showing_or_leaving_it_open(name, pyplot_state):
    data, options = SAMPLES[name]
    fig = FUNCTIONS[name](*data, **options)
    assert isinstance(fig, Figure)
    assert plt.get_fignums() == [], f"{name} left its figure open in pyplot: Jupyter would show it twice"
    assert fig.axes and any(ax.has_data() or ax.texts or ax.patches for ax in fig.axes)
    korean = [t.get_text() for t in fig.findobj(Text) if HANGUL.search(t.get_text())]
    assert not korean, f"{name}: labels must be English or numbers (no Korean font on Colab): {korean}"
    if len(fig.axes) == 1:
        assert "ax" in inspect.signature(FUNCTIONS[name]).parameters, f"{name} draws one Axes: it takes ax="
    sized = FUNCTIONS[name](*data, **options, figsize=(3.5, 2.5))
    assert tuple(sized.get_size_inches()) == (3.5, 2.5)


@pytest.mark.parametrize("name", sorted(n for n, f in FUNCTIONS.items() if "ax" in inspect.signature(f).parameters))
def test_draws_into_the_callers_axes(name, pyplot_state):
    data, options = SAMPLES[name]
    caller_fig, (left, right) = plt.subplots(1, 2)
    returned = FUNCTIONS[name](*data, **options, ax=right)
    assert returned is caller_fig
    assert plt.get_fignums() == [caller_fig.number], "no new figure, and the caller's stays open"
    assert len(caller_fig.axes) == 2 and not left.has_data()
    assert right.has_data() or right.patches or right.lines


def test_bad_input_gets_a_korean_error(pyplot_state):
    with pytest.raises(ValueError, match="kind는"):
        FUNCTIONS["draw_pooling"](np.eye(2), kind="median")
    with pytest.raises(ValueError, match="row_titles는"):
        FUNCTIONS["show_image_rows"]([np.zeros((1, 4, 4))], ["a", "b"])


# --- in the chapters ---------------------------------------------------------------------


@pytest.mark.parametrize("path", chapter_notebooks(), ids=lambda p: p.stem)
def test_chapters_display_every_figure_they_draw(path):
    """A figure call is the value of its cell (its last line) or sits inside display(...).

    Anywhere else the returned Figure is dropped: closed in pyplot, it would never be shown.
    """
    dropped = []
    for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
        if cell["cell_type"] != "code":
            continue
        source = "\n".join(line[: len(line) - len(line.lstrip())] + "pass" if line.lstrip().startswith(("%", "!"))
                           else line for line in "".join(cell["source"]).splitlines())
        body = ast.parse(source).body
        for statement in body[:-1]:
            value = getattr(statement, "value", None)
            if isinstance(value, ast.Call) and getattr(value.func, "id", None) in FUNCTIONS:
                dropped.append(ast.unparse(statement)[:60])
    assert not dropped, f"{path.name}: wrap these in display(...) or end the cell with them: {dropped}"


@pytest.mark.slow
def test_a_real_kernel_shows_each_figure_once(monkeypatch, tmp_path):
    """Jupyter's inline backend (as in the book build and on Colab): one image per figure, none lost."""
    import nbformat
    import notebook_helpers

    monkeypatch.delitem(notebook_helpers.TEST_ENV, "MPLBACKEND")
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source) for source in (
        "import numpy as np\nfrom course_utils.figures.grids import draw_pooling\n"
        "from course_utils.figures.images import plot_history, show_image_rows",
        "show_image_rows([np.zeros((2, 4, 4))], ['a'])",                           # the cell's value
        "display(draw_pooling(np.eye(4)))\ndisplay(draw_pooling(np.eye(4), kind='avg'))\nprint('after')",
        "fig = draw_pooling(np.eye(4))",                                            # kept, not shown
        "import matplotlib.pyplot as plt\nfig, ax = plt.subplots()\nplot_history({'loss': [1, 2]}, ax=ax);",
    )]
    executed = notebook_helpers.execute(nb, cwd=tmp_path)
    images = [sum("image/png" in output.get("data", {}) for output in cell.outputs) for cell in executed.cells]
    assert images == [0, 1, 2, 0, 1]

"""The figure contract of ``course_utils.figures`` (written in its ``__init__`` and in CONTRIBUTING).

Every public figure function is found by introspection and called on small inputs under
the Agg backend: data positional and options keyword-only, one ``figsize`` keyword,
``ax=`` for single-Axes figures, a returned Figure, no ``plt.show()``, no figure left open
in pyplot (so Jupyter shows it once), Korean titles, axis labels and legends.  The chapters display every
figure they draw (checked on their source), write their figures' titles and labels in Korean and give each
figure cell Korean alternative text (checked on their source), and a real kernel with Jupyter's inline
backend shows each figure exactly once (slow: starts a kernel).  That the Hangul is drawn with glyphs on a
machine without Korean fonts is checked by tests/package/test_setup_notebook.py.
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
    "draw_box_to_number": (([BOX, BOX * 2], [0.5, -1.0], [1, 1, 1, 1]), {"labels": ["상자 A", "상자 B"]}),
    "draw_conv_steps": ((5, 3), {"stride": 2, "padding": 1}),
    "draw_pooling": ((np.arange(16.0).reshape(4, 4),), {"kind": "avg"}),
    "draw_conv_pool_field": ((), {"kernel_size": 3}),
    "draw_receptive_field_1d": (([(3, 1), (2, 2)], 8), {"output_index": 1}),
    "show_image_rows": (([np.zeros((2, 4, 4)), np.ones((3, 16))], ["원본", "복원"]), {"title": "제목"}),
    "plot_history": (({"loss": [1.0, 0.5], "val_loss": [1.2, 0.7]},), {"title": "제목"}),
    "show_codes": ((np.ones((2, 3)), np.zeros((2, 4, 4)), np.zeros((2, 16))), {"n": 2}),
    "show_small_arrays": (([np.eye(2), np.ones((1, 3, 3, 1))], ["입력", "출력"]), {"fmt": "{:.1f}"}),
    "digit_histograms": (([[0] * 8 + [90, 10], list(range(10))], ["붕괴", "고르게"]),
                         {"xlabel": "숫자", "ylabel": "샘플 수"}),
}


def figure_words(fig) -> list[str]:
    """The titles, axis labels, legend entries and text annotations of ``fig`` that contain letters.

    Tick labels and annotations made only of numbers, symbols or a point's name such as ``p0``
    are left out (they are the same in every language).
    """
    texts = [fig._suptitle] if fig._suptitle else []
    for ax in fig.axes:
        texts += [ax.title, ax._left_title, ax._right_title, ax.xaxis.label, ax.yaxis.label, *ax.texts]
        texts += ax.get_xticklabels() + ax.get_yticklabels()
        legend = ax.get_legend()
        if legend is not None:
            texts += legend.get_texts()
    words = [t.get_text() for t in texts if isinstance(t, Text)]
    return [w for w in words if re.search(r"[A-Za-z]{2,}|[가-힣]", w) and not re.fullmatch(r"p\d+", w)]


def not_korean(words) -> list[str]:
    """The texts among ``words`` that carry no Hangul."""
    return [w for w in words if not HANGUL.search(w)]


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
    words = figure_words(fig)
    assert words, f"{name}: a figure with no title or label"
    assert not not_korean(words), f"{name}: titles, labels and legends must be Korean: {not_korean(words)}"
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


#: Calls whose string arguments a reader sees on a figure: (function name, keywords, positions of text arguments).
FIGURE_TEXT_CALLS = {
    "set_title": ({"label"}, (0,)), "title": ({"label"}, (0,)), "suptitle": ({"t"}, (0,)),
    "set_xlabel": ({"xlabel"}, (0,)), "set_ylabel": ({"ylabel"}, (0,)), "xlabel": ({"xlabel"}, (0,)),
    "ylabel": ({"ylabel"}, (0,)), "plot": ({"label"}, ()), "scatter": ({"label"}, ()), "axhline": ({"label"}, ()),
    "bar": ({"label"}, ()), "show_image_rows": ({"row_titles", "title"}, (1,)), "plot_history": ({"title", "ylabel"}, ()),
    "show_codes": ({"title"}, ()), "show_small_arrays": ({"titles"}, (1,)), "draw_box_to_number": ({"labels"}, ()),
}


def _strings(node) -> list[str]:
    """The text a string, f-string or list/tuple of them shows (an f-string's literal parts joined by a space)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.JoinedStr):
        return [" ".join(v.value for v in node.values if isinstance(v, ast.Constant))]
    if isinstance(node, (ast.List, ast.Tuple)):
        return [text for element in node.elts for text in _strings(element)]
    if isinstance(node, ast.ListComp):
        return _strings(node.elt)
    return []


def _code(cell) -> str:
    return "\n".join(line[: len(line) - len(line.lstrip())] + "pass" if line.lstrip().startswith(("%", "!")) else line
                     for line in "".join(cell["source"]).splitlines())


def figure_texts(source: str) -> list[str]:
    """Every title, axis label, legend label and row title written in ``source`` (a code cell)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
        if name not in FIGURE_TEXT_CALLS:
            continue
        keywords, positions = FIGURE_TEXT_CALLS[name]
        found += [t for k in node.keywords if k.arg in keywords for t in _strings(k.value)]
        found += [t for i in positions if i < len(node.args) for t in _strings(node.args[i])]
    return [t for t in found if re.search(r"[A-Za-z]{2,}|[가-힣]", t)]


def draws_a_figure(source: str) -> bool:
    """True for a code cell that shows a matplotlib figure (a figure function, plt.show() or plt.subplots)."""
    return bool(re.search(r"\b(" + "|".join(FUNCTIONS) + r")\(|plt\.(show|subplots|figure)\(", source))


@pytest.mark.parametrize("path", chapter_notebooks(), ids=lambda p: p.stem)
def test_chapter_figures_speak_korean(path):
    """Titles, axis labels, legends and row titles the chapter writes are Korean (English terms in parentheses)."""
    texts = [t for cell in json.loads(path.read_text(encoding="utf-8"))["cells"] if cell["cell_type"] == "code"
             for t in figure_texts(_code(cell))]
    assert not not_korean(texts), f"{path.name}: figure texts without Hangul: {not_korean(texts)}"


def test_the_chapter_figure_text_check_sees_the_texts():
    texts = [t for path in chapter_notebooks() for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]
             if cell["cell_type"] == "code" for t in figure_texts(_code(cell))]
    assert len(texts) >= 40, texts
    assert figure_texts('ax.set_title("RGB image")\nplt.plot(x, label=f"step {s}")') == ["RGB image", "step "]
    assert not_korean(figure_texts('show_image_rows(x, ["원본", "dense"], title="short demo")')) == ["short demo", "dense"]


@pytest.mark.parametrize("path", chapter_notebooks(), ids=lambda p: p.stem)
def test_every_figure_cell_has_korean_alt_text(path):
    """The convention of CONTRIBUTING: a cell that draws a figure carries {"mystnb": {"image": {"alt": ...}}}, in Korean.

    One figure per cell (the alt text is the cell's), a sentence or more that says what it shows, not a file name.
    """
    problems = []
    for index, cell in enumerate(json.loads(path.read_text(encoding="utf-8"))["cells"]):
        if cell["cell_type"] != "code" or not draws_a_figure(_code(cell)):
            continue
        alt = cell["metadata"].get("mystnb", {}).get("image", {}).get("alt", "")
        calls = len(re.findall(r"\b(" + "|".join(FUNCTIONS) + r")\(|plt\.show\(", _code(cell)))
        if not HANGUL.search(alt) or len(alt) < 40 or re.search(r"\.(png|jpe?g|svg)\b|/", alt):
            problems.append(f"cell {index}: alt text {alt!r}")
        if calls > 1:
            problems.append(f"cell {index}: {calls} figures in one cell (split it: the alt text is the cell's)")
        caption = cell["metadata"].get("mystnb", {}).get("figure", {}).get("caption")
        if caption is not None and not HANGUL.search(caption):
            problems.append(f"cell {index}: caption {caption!r}")
    assert not problems, f"{path.name}: {problems}"

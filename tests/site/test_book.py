"""The book builds offline in both editions, and the pages show what each reader should see.

Both editions are built in quick mode into temporary folders (never into
_build/, whose execution cache must only hold full runs), each once per test run
(tests/conftest.py): the public one shared with the browser test, the instructor one's
executed notebooks with tests/chapters/test_notebooks.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from notebook_helpers import ROOT, editions, read, solution_lines

pytestmark = pytest.mark.slow


def toc_files() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    files = [toc["root"]]
    for part in toc.get("parts", []):
        files += [chapter["file"] for chapter in part["chapters"]]
    return files


# public_site, instructor_site: tests/conftest.py (each edition built once per test run; the public one
# shared with tests/site/test_browser.py, the instructor one's executions with tests/chapters/test_notebooks.py)


def page_text(site: Path, doc: str) -> tuple[str, BeautifulSoup]:
    html = (site / f"{doc}.html").read_text(encoding="utf-8")
    return html, BeautifulSoup(html, "html.parser")


def chapter_solution_lines() -> dict[str, list[str]]:
    return {f"book/{p.parent.name}/{p.stem}": solution_lines(read(p)) for p in editions.chapter_notebooks()}


def test_every_page_of_the_toc_is_built(public_site):
    for doc in toc_files():
        assert (public_site / f"{doc}.html").exists(), doc


def test_public_pages_show_no_solution_and_no_hidden_test(public_site):
    for doc, lines in chapter_solution_lines().items():
        html, soup = page_text(public_site, doc)
        text = soup.get_text()
        assert "BEGIN SOLUTION" not in html and "HIDDEN TESTS" not in html, doc
        shown = [line for line in lines if line in text]
        assert not shown, f"{doc} shows solution lines: {shown[:3]}"
        assert "여기에 답을 작성하세요" in text, f"{doc}: the exercise stubs should be shown"


def test_public_pages_show_no_answer(public_site):
    """Every value or choice answer, searched in the built public chapter pages (rule: tests/support/answer_leaks.py)."""
    from answer_leaks import build_answers, find, page_section

    leaks = []
    for answer in build_answers():
        _html, soup = page_text(public_site, f"book/{answer.chapter}/{answer.chapter}")
        text = soup.get_text()
        leaks += [f"{answer}: {where}" for where in find(answer, text, page_section(text, answer))]
    assert not leaks, leaks[:5]


def test_public_chapters_show_real_outputs(public_site):
    for path in editions.chapter_notebooks():
        doc = f"book/{path.parent.name}/{path.stem}"
        _, soup = page_text(public_site, doc)
        outputs = soup.select("div.cell_output")
        assert len(outputs) >= 3, f"{doc}: only {len(outputs)} outputs"
        assert "Traceback" not in soup.get_text(), f"{doc} shows an error"


def test_widgets_show_their_initial_drawing(public_site):
    pages = [p for p in toc_files() if p.startswith("book/ch")]
    with_widgets = 0
    for doc in pages:
        html, _ = page_text(public_site, doc)
        if "cu-static-explorer" in html:
            with_widgets += 1
            assert "<svg" in html or "<script type=\"module\">" in html, doc
    assert with_widgets >= 1


def test_colab_button_opens_the_student_notebooks(public_site):
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    owner_repo = config["repository"]["url"].rstrip("/").split("github.com/")[1]
    for path in editions.chapter_notebooks():
        html, _ = page_text(public_site, f"book/{path.parent.name}/{path.stem}")
        expected = (f"https://colab.research.google.com/github/{owner_repo}/blob/{editions.STUDENT_BRANCH}/"
                    f"book/{path.parent.name}/{path.name}")
        assert expected in html, path.name


def test_instructor_edition_shows_solutions_and_passing_checks(instructor_site):
    for doc, lines in chapter_solution_lines().items():
        _, soup = page_text(instructor_site, doc)
        text = soup.get_text()
        assert any(line in text for line in lines), doc
        assert "통과" in text, doc


# --- accessibility that the HTML itself shows (issue 30; axe-core's rules run in tests/site/test_browser.py) ---

HANGUL = "[\uac00-\ud7a3]"


def all_pages(site: Path) -> list[Path]:
    """Every HTML page a reader can open, the front index.html included (not the theme's _static files)."""
    return sorted(p for p in site.rglob("*.html") if not p.relative_to(site).parts[0].startswith("_"))


def test_every_page_says_its_language_and_has_a_title(public_site):
    """``<html lang="ko">`` and a non-empty ``<title>`` on every page, the front ``index.html`` included
    (WCAG 3.1.1 Language of Page, 2.4.2 Page Titled)."""
    pages = all_pages(public_site)
    assert public_site / "index.html" in pages and len(pages) >= 10
    for page in pages:
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        assert soup.html is not None and soup.html.get("lang") == "ko", f"{page.name}: no lang=\"ko\""
        assert soup.title is not None and soup.title.get_text(strip=True), f"{page.name}: no <title>"


def test_every_content_image_has_korean_alt_text(public_site):
    """Each image in a page's article (every figure of chapters 1-7) has Korean alternative text that is not a
    file name (WCAG 1.1.1; Sphinx writes the image's own path when the cell gives none)."""
    import re

    images, problems = 0, []
    for page in all_pages(public_site):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for img in soup.select("article img"):
            images += 1
            alt = img.get("alt") or ""
            if (not re.search(HANGUL, alt) or len(alt) < 40 or re.search(r"\.(png|jpe?g|svg|gif)\b", alt)
                    or Path(img.get("src", "")).name in alt):
                problems.append(f"{page.relative_to(public_site)}: {img.get('src')} alt={alt[:60]!r}")
    assert images >= 29, images  # the figures of chapters 1-7
    assert not problems, problems[:5]


def test_figures_the_text_refers_to_have_captions(public_site):
    """Figures with a cell caption are HTML figures with a Korean figcaption (e.g. chapter 4's pooling figures)."""
    import re

    _, soup = page_text(public_site, "book/ch04_pooling_receptive_field/ch04_pooling_receptive_field")
    captions = [f.figcaption.get_text(" ", strip=True) for f in soup.select("article figure") if f.img and f.figcaption]
    assert len(captions) >= 3 and all(re.search(HANGUL, c) for c in captions), captions

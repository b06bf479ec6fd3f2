"""The public book as one Korean PDF, printed from the built site (``bash scripts/build_book.sh --pdf``).

    python -m tools.pdf_book                          # _build/public/_build/html -> .../course-book.pdf
    python -m tools.pdf_book SITE --output book.pdf --site-url https://owner.github.io/repo/

Offline, with what the browser tests already use: the built pages are served on 127.0.0.1 (every
other address refused) and printed one by one by Debian's Chromium through playwright's Python
client (``page.pdf()``); pypdf joins the pieces.

- **What it holds**: a cover, a table of contents with page numbers (each line a link to its page), then the pages of the
  table of contents' parts :data:`PARTS` in order (the front page, the seven chapters, the appendix
  and the glossary; the instructors' part stays on the site), with their figures, formulas (printed
  after MathJax has typeset them) and outputs, and the bookmarks of the chapters and their sections.
- **Print style**: the site's ``print.css`` (tools/sphinxext/static/, also used when a reader prints
  a page): no navigation, no sliders. Each explorer is printed as its drawing, followed by one line
  saying where the live one is (the site URL, ``--site-url`` or ``$COURSE_SITE_URL``: the publish
  workflow passes GitHub Pages' address). Each chapter starts with its "Open in Colab" link; links
  to other pages of the site point to the site URL (or become plain text when there is none).
- **Page numbers** run through the whole book: each page is printed after as many blank pages as
  come before it (dropped again with ``page_ranges``), so Chromium's own footer numbers it.

The tests (tests/site/test_pdf.py) check pages, text, fonts, figures and that no answer is in it;
``python -m benchmarks.bench_build --pdf`` measures its time and size.
"""

from __future__ import annotations

import argparse
import functools
import html
import http.server
import io
import os
import shutil
import threading
import time
from pathlib import Path

import yaml

from tools import editions

PDF_NAME = "course-book.pdf"
#: The parts of _toc.yml the PDF holds (the front page comes first); the instructors' part stays online.
PARTS = ("본문", "부록")
SITE_URL_ENV = "COURSE_SITE_URL"
PAGE = {"format": "A4", "margin": {"top": "16mm", "bottom": "18mm", "left": "15mm", "right": "15mm"}}
FONTS = ('"Noto Sans CJK KR", "Noto Sans KR", "Nanum Gothic", "NanumGothic", "Apple SD Gothic Neo", '
         '"Malgun Gothic", sans-serif')

# MathJax typeset, fonts loaded, every explorer drawn: then the page is what a reader sees.
READY_JS = """async () => {
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) await MathJax.startup.promise;
  if (window.MathJax && MathJax.typesetPromise) await MathJax.typesetPromise();
  await document.fonts.ready;
  const explorers = [...document.querySelectorAll(".cu-static-explorer")];
  const raw = [...document.querySelectorAll(".math")].filter((m) => !m.querySelector("mjx-container")).length;
  return {explorers: explorers.length, drawn: explorers.filter((e) => e.querySelector(".cu-canvas svg")).length, raw};
}"""

# The Colab link at the top, one line after each explorer, links to the site made absolute (or plain text),
# and ``blank`` empty pages before the content (see the module's docstring).
PREPARE_JS = """([base, siteUrl, doc, blank]) => {
  const article = document.querySelector("article") || document.querySelector("main") || document.body;
  const colab = [...document.querySelectorAll('a[href*="colab.research.google.com"]')][0];
  if (colab) {
    const p = document.createElement("p");
    p.className = "pdf-colab";
    p.append("Colab에서 열기: ");
    const a = document.createElement("a");
    a.href = colab.href; a.textContent = colab.href;
    p.append(a);
    article.prepend(p);
  }
  const live = siteUrl ? siteUrl + doc + ".html" : "";
  for (const explorer of document.querySelectorAll(".cu-static-explorer")) {
    const p = document.createElement("p");
    p.className = "pdf-live";
    if (live) {
      p.append("움직이는 그림(슬라이더)은 웹판 책에 있습니다: ");
      const a = document.createElement("a");
      a.href = live; a.textContent = live;
      p.append(a);
    } else {
      p.append(`움직이는 그림(슬라이더)은 웹판 책의 같은 장(${doc}.html)에 있습니다.`);
    }
    explorer.after(p);
  }
  for (const a of document.querySelectorAll("a[href]")) {
    if (!a.href.startsWith(base)) continue;
    if (siteUrl) a.href = siteUrl + a.href.slice(base.length);
    else a.removeAttribute("href");
  }
  for (let i = 0; i < blank; i++) {
    const div = document.createElement("div");
    div.className = "pdf-blank";
    div.style.cssText = "height: 1px; break-after: page;";
    document.body.prepend(div);
  }
}"""


def pdf_documents(root: Path = editions.ROOT) -> list[str]:
    """The documents the PDF prints, in reading order: the front page, then the parts :data:`PARTS`."""
    toc = yaml.safe_load((Path(root) / "_toc.yml").read_text(encoding="utf-8"))
    docs = [toc["root"]]
    for part in toc.get("parts", []):
        if part.get("caption") in PARTS:
            docs += [chapter["file"] for chapter in part["chapters"]]
    return docs


def page_title(site: Path, doc: str) -> str:
    """The page's first heading (its title in the table of contents)."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup((site / f"{doc}.html").read_text(encoding="utf-8"), "html.parser")
    heading = soup.select_one("article h1") or soup.find("h1")
    return " ".join(heading.get_text(" ", strip=True).replace("#", "").split()) if heading else doc


def _config() -> dict:
    return yaml.safe_load((editions.ROOT / "_config.yml").read_text(encoding="utf-8"))


def _cover_html(repository: str, site_url: str | None) -> str:
    config = _config()
    online = (f'<p>웹판 책 (움직이는 그림과 함께): <a href="{html.escape(site_url)}">{html.escape(site_url)}</a></p>'
              if site_url else "")
    return f"""<!doctype html><html lang="ko"><head><meta charset="utf-8"><style>
body {{ font-family: {FONTS}; margin: 0; }}
.cover {{ height: 250mm; display: flex; flex-direction: column; justify-content: center; padding: 0 10mm; }}
h1 {{ font-size: 34pt; margin: 0 0 8mm; }} .sub {{ font-size: 15pt; color: #334155; }}
.meta {{ margin-top: 40mm; font-size: 10pt; color: #475569; line-height: 1.7; }} a {{ color: #1d4ed8; }}
</style></head><body><div class="cover">
<h1>{html.escape(config["title"])}</h1>
<p class="sub">TensorFlow·Keras 3로 직접 실행하며 배우는 레이어 — 공개판 PDF</p>
<div class="meta"><p>{html.escape(config.get("author", ""))} · {time.strftime("%Y-%m-%d")}</p>
{online}<p>노트북과 Colab: <a href="{html.escape(repository)}">{html.escape(repository)}</a></p>
<p>이 PDF의 그림과 출력은 책을 만들 때 코드를 실제로 실행한 결과입니다. 슬라이더가 있는 그림은 처음 모습으로 실려 있습니다.</p>
</div></div></body></html>"""


#: The table of contents' links are printed to these addresses, then turned into links to pages (:func:`_link_toc`).
TOC_LINK = "https://toc.invalid/"


def _toc_html(entries: list[tuple[str, int]]) -> str:
    rows = "".join(f'<li><a href="{TOC_LINK}{page}">{html.escape(title)}</a><span class="dots"></span>'
                   f'<span class="n">{page}</span></li>' for title, page in entries)
    return f"""<!doctype html><html lang="ko"><head><meta charset="utf-8"><style>
body {{ font-family: {FONTS}; }} h1 {{ font-size: 22pt; margin-bottom: 10mm; }}
ol {{ list-style: none; padding: 0; font-size: 12pt; }}
li {{ display: flex; align-items: baseline; margin: 0 0 4mm; }} a {{ color: inherit; text-decoration: none; }}
.dots {{ flex: 1; border-bottom: 1px dotted #94a3b8; margin: 0 3mm; }}
</style></head><body><h1>차례</h1><ol>{rows}</ol></body></html>"""


def _footer(title: str) -> str:
    style = f"font-family: {html.escape(FONTS)}; font-size: 8px; color: #64748b; width: 100%; padding: 0 15mm;"
    return (f'<div style="{style} display: flex; justify-content: space-between;">'
            f'<span>{html.escape(title)}</span><span class="pageNumber"></span></div>')


def chromium_path() -> str:
    """Debian's Chromium (scripts/install_system_packages.sh installs it; playwright never downloads one)."""
    path = shutil.which("chromium") or shutil.which("chromium-browser") or "/usr/bin/chromium"
    if not Path(path).exists():
        raise SystemExit("pdf_book: Chromium이 필요합니다. bash scripts/install_system_packages.sh로 설치하세요.")
    return path


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def _link_toc(writer, toc_pages: range) -> None:
    """Make the table of contents' links (printed to :data:`TOC_LINK` + page number) go to those pages."""
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject

    for index in toc_pages:
        for annotation in writer.pages[index].get("/Annots") or []:
            annotation = annotation.get_object()
            uri = str((annotation.get("/A") or {}).get("/URI", ""))
            if uri.startswith(TOC_LINK):
                target = writer.pages[int(uri[len(TOC_LINK):]) - 1].indirect_reference
                annotation[NameObject("/A")] = DictionaryObject({
                    NameObject("/S"): NameObject("/GoTo"), NameObject("/D"): ArrayObject([target, NameObject("/Fit")])})


def _count_pages(data: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(data)).pages)


def build_pdf(site: Path, output: Path | None = None, site_url: str | None = None,
              repository: str | None = None) -> Path:
    """Print the pages of :func:`pdf_documents` from the built ``site`` into one PDF; return its path."""
    from playwright.sync_api import sync_playwright
    from pypdf import PdfWriter
    from pypdf.generic import NameObject, TextStringObject

    site = Path(site).resolve()
    output = Path(output) if output else site / PDF_NAME
    site_url = (site_url or os.environ.get(SITE_URL_ENV) or "").strip() or None
    if site_url and not site_url.endswith("/"):
        site_url += "/"
    repository = repository or editions.repository_url()[0]
    docs = pdf_documents()
    missing = [doc for doc in docs if not (site / f"{doc}.html").exists()]
    if missing:
        raise SystemExit(f"pdf_book: {site}에 {missing[0]}.html이 없습니다. 먼저 bash scripts/build_book.sh로 책을 만드세요.")
    titles = [page_title(site, doc) for doc in docs]

    started = time.perf_counter()
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}/"
    pieces: list[bytes] = []
    starts: list[int] = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium_path(), headless=True)
            context = browser.new_context()
            # Nothing leaves the host (as in the browser test); the Colab links stay links, never fetched.
            context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(
                (base, "data:", "blob:", "about:")) else route.abort())
            page = context.new_page()

            def print_html(text: str, numbered: bool = False) -> bytes:
                """A page of our own; ``numbered``: after the cover, with the footer's page numbers."""
                page.set_content(text, wait_until="load")
                page.evaluate("document.fonts.ready.then(() => true)")
                if not numbered:
                    return page.pdf(**PAGE, print_background=True)
                page.evaluate(PREPARE_JS, [base, "", "", 1])
                return page.pdf(**PAGE, print_background=True, display_header_footer=True,
                                header_template="<span></span>", footer_template=_footer("차례"), page_ranges="2-")

            cover = print_html(_cover_html(repository, site_url))
            toc_pages = _count_pages(print_html(_toc_html([(t, 999) for t in titles]), numbered=True))
            before = _count_pages(cover) + toc_pages  # pages before the first document
            for doc, title in zip(docs, titles):
                page.goto(base + f"{doc}.html", wait_until="load")
                state = page.evaluate(READY_JS)
                if state["drawn"] < state["explorers"] or state["raw"]:
                    raise SystemExit(f"pdf_book: {doc}: {state} (explorers not drawn or formulas not typeset)")
                page.evaluate(PREPARE_JS, [base, site_url or "", doc, before])
                data = page.pdf(**PAGE, print_background=True, display_header_footer=True,
                                header_template="<span></span>", footer_template=_footer(title),
                                page_ranges=f"{before + 1}-", outline=True)
                starts.append(before + 1)
                pieces.append(data)
                before += _count_pages(data)
            toc = print_html(_toc_html(list(zip(titles, starts))), numbered=True)
            if _count_pages(toc) != toc_pages:
                raise SystemExit("pdf_book: the table of contents changed length with its page numbers")
            browser.close()
    finally:
        httpd.shutdown()
        httpd.server_close()

    writer = PdfWriter()
    writer.append(io.BytesIO(cover), import_outline=False)
    writer.append(io.BytesIO(toc), outline_item="차례", import_outline=False)
    for title, data in zip(titles, pieces):
        writer.append(io.BytesIO(data), outline_item=title)
    _link_toc(writer, range(1, 1 + toc_pages))
    writer.add_metadata({"/Title": _config()["title"], "/Author": _config().get("author", ""), "/Subject": "공개판 PDF"})
    writer.root_object[NameObject("/Lang")] = TextStringObject("ko")
    writer.page_mode = "/UseOutlines"
    output.parent.mkdir(parents=True, exist_ok=True)
    with open(output, "wb") as handle:
        writer.write(handle)
    size = output.stat().st_size
    print(f"pdf_book: {len(writer.pages)} pages, {size / 1e6:.1f} MB, {time.perf_counter() - started:.0f} s -> {output}")
    return output


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("site", nargs="?", type=Path, default=editions.ROOT / "_build" / "public" / "_build" / "html",
                        help="the built public site (default: _build/public/_build/html)")
    parser.add_argument("--output", type=Path, help=f"the PDF (default: SITE/{PDF_NAME}, published with the site)")
    parser.add_argument("--site-url", help=f"where the site is published (default: ${SITE_URL_ENV}); "
                        "the explorers' lines and the links between pages point there")
    args = parser.parse_args(argv)
    build_pdf(args.site, args.output, args.site_url)


if __name__ == "__main__":
    main()

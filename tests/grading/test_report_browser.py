"""The class report (tools.report) in real headless Chromium, opened from ``file://`` with every request blocked.

Chromium is Debian's (/usr/bin/chromium, scripts/install_system_packages.sh), driven by the pinned
playwright client as in tests/site/test_browser.py; no browser is ever downloaded.  The route handler
lets through only the page's own file: anything else the page asked for would be recorded and aborted.
"""

from __future__ import annotations

import base64
import io
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import sync_playwright

from browser import chromium_path

import report_class as rc
from tools import report

IMAGES_JS = """() => [...document.images].map((img) => ({src: img.currentSrc || img.src, alt: img.alt,
    complete: img.complete, width: img.naturalWidth, height: img.naturalHeight,
    shown: img.getBoundingClientRect().width}))"""


@pytest.fixture(scope="module")
def page_file(tmp_path_factory):
    root = tmp_path_factory.mktemp("report-page")
    rc.write_questions(root / "grading" / "reports" / f"{rc.CH02}_questions.csv", rc.chapter2_class()[0])
    report.write_reports(root, [rc.CH02])
    return root / "grading" / "reports" / f"{rc.CH02}_report.html"


def open_offline(browser, path: Path, screenshot: Path | None = None) -> dict:
    """Open ``path`` from file:// with every other request aborted; what it asked for, its errors, images, text."""
    url = path.resolve().as_uri()
    seen = {"blocked": [], "requests": [], "errors": []}

    def route(handler_route):
        if handler_route.request.url == url:
            handler_route.continue_()
        else:
            seen["blocked"].append(handler_route.request.url)
            handler_route.abort()

    context = browser.new_context(viewport={"width": 1100, "height": 900})
    try:
        context.route("**/*", route)
        page = context.new_page()
        page.on("request", lambda r: seen["requests"].append(r.url))
        page.on("console", lambda m: seen["errors"].append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: seen["errors"].append(str(e)))
        page.goto(url, wait_until="load")
        page.wait_for_load_state("networkidle")
        seen.update(images=page.evaluate(IMAGES_JS), text=page.inner_text("body"),
                    scripts=page.evaluate("() => document.scripts.length"))
        if screenshot:
            page.screenshot(path=str(screenshot), full_page=True)
    finally:
        context.close()
    seen["beyond"] = [u for u in seen["requests"] if u != url and not u.startswith("data:")]
    return seen


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), headless=True)
        yield browser
        browser.close()


def test_the_page_opens_offline_from_a_file_with_every_chart(page_file, browser, tmp_path):
    seen = open_offline(browser, page_file, tmp_path / "report.png")
    assert seen["blocked"] == [] and seen["beyond"] == [], (seen["blocked"], seen["beyond"])
    assert seen["errors"] == []
    assert seen["scripts"] == 0
    images, text = seen["images"], seen["text"]
    # the histogram, the item chart and one mistakes chart per question with mistakes (all four here)
    assert len(images) == 2 + 4, [i["alt"] for i in images]
    assert [i["alt"] for i in images[:2]] == ["총점 히스토그램", "문항별 정답률과 변별도"]
    for image in images:
        assert image["src"].startswith("data:image/png;base64,"), image["src"][:40]
        assert image["complete"] and image["width"] > 300 and image["height"] > 100, image["alt"]
        decoded = Image.open(io.BytesIO(base64.b64decode(image["src"].split(",", 1)[1])))
        assert decoded.format == "PNG" and (decoded.width, decoded.height) == (image["width"], image["height"])
        assert 300 < decoded.width < 2000 and 100 < decoded.height < 2500
        assert 0 < image["shown"] <= 1100
    for words in ("ch02_linear 채점 보고서", "1. 점수 분포", "2. 문항 분석", "3. 학생들이 틀린 방식", "4. 확인이 필요한 학생"):
        assert words in text
    shot = Image.open(tmp_path / "report.png")
    assert shot.width == 1100 and shot.height > 2000


def test_the_check_would_see_a_request_that_leaves_the_file(page_file, browser, tmp_path):
    """A control: the same page with one outside image is caught (so the test above can fail)."""
    leaky = tmp_path / "leaky.html"
    leaky.write_text(page_file.read_text(encoding="utf-8").replace(
        "<body>", '<body><img src="https://example.invalid/pixel.png" alt="x">', 1), encoding="utf-8")
    seen = open_offline(browser, leaky)
    assert seen["blocked"] == ["https://example.invalid/pixel.png"] and seen["beyond"] == seen["blocked"]

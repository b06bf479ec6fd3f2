"""Debian's Chromium and axe-core for the browser tests (tests/site/test_browser.py, tests/grading/test_report_browser.py).

Playwright's Python client drives the executable that ``scripts/install_system_packages.sh``
installs; Playwright never downloads a browser of its own.  axe-core (the accessibility
rules engine) comes from npm, pinned in the root ``package.json``/``package-lock.json`` and
installed by ``scripts/test.sh`` with ``npm ci``; :func:`axe_violations` injects it into a
page as an inline script, so nothing is fetched while the test runs.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tools import pdf_book

ROOT = Path(__file__).resolve().parents[2]

#: The WCAG 2.1 A and AA rules of axe-core (issue 30: 0 violations on every page of the book).
WCAG21_AA_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")


def chromium_path() -> str:
    """The Chromium executable to launch, found as the PDF edition finds it (fails with what to install)."""
    try:
        return pdf_book.chromium_path()
    except SystemExit as missing:
        pytest.fail(str(missing))


def axe_source() -> str:
    """The text of axe-core's ``axe.min.js`` from ``node_modules`` (fails with the command that installs it)."""
    path = ROOT / "node_modules" / "axe-core" / "axe.min.js"
    assert path.exists(), "axe-core is needed: run `npm ci` in the repository root (scripts/test.sh does)"
    return path.read_text(encoding="utf-8")


AXE_RUN_JS = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  return {version: axe.version,
          violations: result.violations.map((v) => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map((n) => ({target: n.target.join(" "), html: n.html.slice(0, 160),
                                        summary: (n.failureSummary || "").slice(0, 300)}))}))};
}"""


def axe_violations(page, tags=WCAG21_AA_TAGS) -> dict:
    """Run axe-core's rules with ``tags`` on a loaded Playwright ``page``: ``{version, violations}``.

    Each violation is ``{id, impact, help, nodes: [{target, html, summary}]}``.
    """
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=axe_source())
    return page.evaluate(AXE_RUN_JS, list(tags))

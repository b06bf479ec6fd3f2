"""Sphinx extension: the published book works with no network (loaded by tools/editions.py).

- **Math**: MathJax 3 (tex-svg: fonts inside the script, so it also works from
  ``file://``) is copied from the pinned ``sphinx-mathjax-offline`` package into
  ``_static/mathjax`` and ``mathjax_path`` points there.
- **Nothing fetched from elsewhere**: require.js, the ipywidgets HTML manager
  and the embedded widget state are left out (the explorers are self-contained
  HTML, see course_utils.widgets.static_html); the thebe scripts (live code on a
  Binder, which needs the network) are not loaded.  The Colab launch button stays.
- **Only what a page uses**: MathJax (2 MB) only on a page with a formula of its own
  (Sphinx would also load it on a page whose table of contents lists one, the front page);
  no ``fontawesome.js`` (1.5 MB, the theme's script "so that users can add custom icons"):
  the theme's CSS draws the icons with its web fonts, loaded only for the icons a page shows
  (``templates/static/webpack-macros.html``).
- **Page style**: ``course.css`` (a Korean font stack from fonts installed on
  Linux/macOS/Windows, no web fonts; wrapped output text; ``model.summary()`` colours dark
  enough to read); ``print.css`` for printing (no
  navigation, explorers as their drawing; also the PDF edition's, tools/pdf_book.py).
- **Accessibility** (WCAG 2.1 A/AA, checked with axe-core by tests/site/test_browser.py): the
  front ``index.html`` is a page of its own with ``lang="ko"`` and a title (it sends the reader
  on to the first page; sphinx-external-toc's bare redirect had neither), and the theme's search
  button is named with its visible text (``templates/search-button-field.html``).

The browser test (tests/site/test_browser.py) checks every page: no request leaves the
host, no JavaScript error, every formula typeset.
"""

from __future__ import annotations

import shutil
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
MATHJAX_FILES = ("tex-svg.js", "input/tex/extensions", "ui", "a11y")


def mathjax_source() -> Path:
    """The MathJax 3 folder shipped by the pinned ``sphinx-mathjax-offline`` wheel."""
    folder = Path(metadata.distribution("sphinx-mathjax-offline").locate_file("sphinx-mathjax-offline/static/mathjax"))
    if not (folder / "tex-svg.js").exists():
        raise RuntimeError(f"offline_book: MathJax not found in {folder}; run bash scripts/setup_env.sh")
    return folder


def _copy_assets(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    source = mathjax_source()
    target = Path(app.outdir) / "_static" / "mathjax"
    for name in MATHJAX_FILES:
        src, dst = source / name, target / name
        if src.is_dir():
            shutil.copytree(src, dst, dirs_exist_ok=True)
        elif not dst.exists() or dst.stat().st_size != src.stat().st_size:
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, dst)


INDEX_HTML = """<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<title>{title}</title>
<meta http-equiv="refresh" content="0; url={url}">
</head>
<body>
<main><p><a href="{url}">{title}: 첫 페이지로 가기</a></p></main>
</body>
</html>
"""


def _write_index(app, exception):
    """The site's front ``index.html``: a small page in the book's language that sends the reader to the first page.

    Runs before sphinx-external-toc's hook, which writes a bare ``<meta>`` redirect only when
    no ``index.html`` exists (no ``lang``, no ``<title>``).
    """
    if exception is not None or app.builder.format != "html" or app.config.root_doc == "index":
        return
    import html

    url = app.builder.get_target_uri(app.config.root_doc)
    title = app.config.html_title or app.config.project
    (Path(app.outdir) / "index.html").write_text(
        INDEX_HTML.format(lang=html.escape(app.config.language or "ko"), title=html.escape(title),
                          url=html.escape(url)), encoding="utf-8")


_DROP_SCRIPTS = ("require.js", "require.min.js", "embed-amd.js", "thebe")


def _dropped(script) -> bool:
    """True for a script that loads code from the network, or that nothing on the page uses."""
    attributes = getattr(script, "attributes", {}) or {}
    source = str(getattr(script, "filename", None) or script or "")
    return (any(name in source for name in _DROP_SCRIPTS)
            or "THEBE" in str(attributes.get("body", ""))  # sphinx-thebe's config (declared twice)
            or attributes.get("type") == "application/vnd.jupyter.widget-state+json")  # no widget manager reads it


def _is_mathjax(script, app) -> bool:
    """MathJax itself, or its configuration (``window.MathJax = ...``), as sphinx.ext.mathjax adds them."""
    attributes = getattr(script, "attributes", {}) or {}
    body = str(attributes.get("body", ""))
    source = str(getattr(script, "filename", None) or script or "").split("?")[0]
    return (source.endswith(app.config.mathjax_path)
            or body.startswith(("window.MathJax", "MathJax.Hub.Config")))


def page_has_math(app, pagename) -> bool:
    """True when the page itself has a formula (the math domain's record of its own document).

    sphinx.ext.mathjax also loads MathJax on a page whose table of contents *includes* a page
    with formulas (for singlehtml): here that would load 2 MB on the front page for nothing."""
    return bool(app.env.get_domain("math").data.get("has_equations", {}).get(pagename, False))


def _clean_page(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if scripts is not None:
        keep_mathjax = page_has_math(app, pagename)
        scripts[:] = [s for s in scripts if not _dropped(s) and (keep_mathjax or not _is_mathjax(s, app))]


def _config(app, config):
    config.mathjax_path = "mathjax/tex-svg.js"
    config.nb_ipywidgets_js = {}
    config.html_static_path = list(config.html_static_path) + [str(HERE / "static")]
    # The theme's asset macros without fontawesome.js (templates/static/webpack-macros.html).
    config.templates_path = [str(HERE / "templates")] + list(config.templates_path)
    # pydata-sphinx-theme logs a console error ("Got invalid theme mode") when no mode is set.
    config.html_context = dict(config.html_context or {})
    config.html_context.setdefault("default_mode", "auto")


def setup(app):
    app.connect("config-inited", _config)
    app.connect("html-page-context", _clean_page, priority=900)  # after myst-nb adds its scripts
    app.connect("build-finished", _copy_assets)
    app.connect("build-finished", _write_index, priority=400)  # before sphinx-external-toc's redirect (500)
    app.add_css_file("course.css")
    app.add_css_file("print.css", media="print")
    return {"parallel_read_safe": True, "parallel_write_safe": True}

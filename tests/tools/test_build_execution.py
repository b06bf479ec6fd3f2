"""tools.build_book executes the notebooks the execution cache lacks, several at a time, into Jupyter Book's cache.

A tiny book (two small notebooks, plain Python) stands in for the course: what runs, what is
cached, that a failing notebook stops the build, and that a changed cell (the explorers'
digest rule, tools/editions.py) runs again. tests/site/test_book.py builds the real book.
"""

from __future__ import annotations

import nbformat
import pytest
import yaml
from jupyter_cache import get_cache

from tools.build_book import execute_notebooks

pytestmark = pytest.mark.slow

KERNEL = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}


def notebook(*sources, metadata=None):
    nb = nbformat.v4.new_notebook(metadata=dict(KERNEL))
    nb.cells = [nbformat.v4.new_markdown_cell("# title")]
    nb.cells += [nbformat.v4.new_code_cell(s, metadata=dict(metadata or {})) for s in sources]
    return nb


def make_book(root, notebooks: dict):
    (root / "book").mkdir(parents=True, exist_ok=True)
    (root / "_config.yml").write_text(yaml.safe_dump(
        {"title": "t", "execute": {"execute_notebooks": "cache", "timeout": 60, "allow_errors": False}}))
    (root / "_toc.yml").write_text(yaml.safe_dump(
        {"format": "jb-book", "root": "book/intro",
         "chapters": [{"file": f"book/{name}"} for name in notebooks]}))
    (root / "book" / "intro.md").write_text("# intro\n")
    for name, nb in notebooks.items():
        nbformat.write(nb, root / "book" / f"{name}.ipynb")
    return root


def test_uncached_notebooks_run_two_at_a_time_into_the_cache(tmp_path):
    src = make_book(tmp_path / "src", {
        "a": notebook("import os, time; time.sleep(1); print(os.getcwd())"),
        "b": notebook("x = 6 * 7", "print(x)", metadata={"tags": ["keep"]}),
    })
    out = tmp_path / "out"
    ran = execute_notebooks(src, out, jobs=2)
    assert sorted(p.rsplit("/", 1)[-1] for p in ran) == ["a.ipynb", "b.ipynb"]
    cache = get_cache(out / "_build" / ".jupyter_cache")
    for name in ("a", "b"):
        record = cache.match_cache_notebook(nbformat.read(src / "book" / f"{name}.ipynb", as_version=4))
        assert record.data["execution_seconds"] > 0
    _, executed_a = cache.merge_match_into_notebook(nbformat.read(src / "book" / "a.ipynb", as_version=4))
    assert executed_a.cells[1].outputs[0]["text"].strip() == str((src / "book").resolve())  # run in its folder
    assert execute_notebooks(src, out, jobs=2) == {}  # all cached: nothing runs

    # A changed cell metadata (the explorers' digest) or source runs that notebook again, only that one.
    nb = nbformat.read(src / "book" / "b.ipynb", as_version=4)
    nb.cells[1].metadata["course_utils_widgets"] = "0123456789abcdef"
    nbformat.write(nb, src / "book" / "b.ipynb")
    assert [p.rsplit("/", 1)[-1] for p in execute_notebooks(src, out)] == ["b.ipynb"]


def test_a_failing_notebook_stops_the_build_and_the_others_are_kept(tmp_path):
    src = make_book(tmp_path / "src", {
        "good": notebook("print('ok')"),
        "bad": notebook("raise ValueError('boom in a cell')"),
    })
    out = tmp_path / "out"
    with pytest.raises(SystemExit, match="bad.ipynb"):
        execute_notebooks(src, out, jobs=2)
    log = (out / "_build" / "reports" / "bad.err.log").read_text(encoding="utf-8")
    assert "boom in a cell" in log
    cache = get_cache(out / "_build" / ".jupyter_cache")
    assert cache.match_cache_notebook(nbformat.read(src / "book" / "good.ipynb", as_version=4))
    with pytest.raises(KeyError):
        cache.match_cache_notebook(nbformat.read(src / "book" / "bad.ipynb", as_version=4))

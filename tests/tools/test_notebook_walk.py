"""tools.notebooks: the one walk over the book's notebooks, read from _toc.yml.

It lists exactly the chapters of _toc.yml, in its order (checked against the repository
and against a made-up book whose TOC order differs from the folders' and which has a
notebook the TOC leaves out), and no tool, test or benchmark globs the book's
notebooks by itself.
"""

from __future__ import annotations

import re

import nbformat
import pytest
import yaml
from nbformat.v4 import new_notebook

from tools import editions, notebooks

ROOT = notebooks.ROOT


def _toc_files(root):
    """The ``file:`` entries of a TOC, read here independently of tools.notebooks (parts and chapters)."""
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    return [toc["root"]] + [c["file"] for part in toc["parts"] for c in part["chapters"]]


def test_the_chapters_are_exactly_those_of_the_toc_in_order():
    from_toc = [f for f in _toc_files(ROOT) if re.fullmatch(r"book/(ch\d\d_\w+)/\1", f)]
    assert len(from_toc) == 7
    assert [p.relative_to(ROOT).with_suffix("").as_posix() for p in notebooks.chapter_notebooks()] == from_toc
    assert editions.chapter_notebooks() == notebooks.chapter_notebooks()  # one function, two names
    # every chapter folder on disk is in the TOC
    on_disk = sorted(p.name for p in (ROOT / "book").iterdir() if re.fullmatch(r"ch\d\d_\w+", p.name))
    assert sorted(p.stem for p in notebooks.chapter_notebooks()) == on_disk


def test_book_notebooks_are_the_toc_notebooks_and_all_on_disk():
    listed = [ROOT / f"{f}.ipynb" for f in _toc_files(ROOT) if (ROOT / f"{f}.ipynb").exists()]
    assert notebooks.book_notebooks() == listed
    assert (ROOT / "book" / "appendix_keras3.ipynb") in listed
    assert sorted(notebooks.book_notebooks()) == notebooks.notebooks_on_disk()


def _write(path):
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(new_notebook(), path)


def test_the_toc_decides_order_and_membership(tmp_path):
    (tmp_path / "_toc.yml").write_text(yaml.safe_dump({
        "format": "jb-book", "root": "book/intro",
        "parts": [{"caption": "a", "chapters": [
            {"file": "book/ch02_second/ch02_second", "sections": [{"file": "book/extra"}]},
            {"file": "book/ch01_first/ch01_first"}]},
            {"caption": "b", "chapters": [{"file": "book/notes"}]}]}), encoding="utf-8")
    (tmp_path / "book").mkdir()
    (tmp_path / "book" / "intro.md").write_text("# intro\n", encoding="utf-8")
    (tmp_path / "book" / "notes.md").write_text("# notes\n", encoding="utf-8")
    for name in ("ch01_first/ch01_first", "ch02_second/ch02_second", "extra", "ch03_unlisted/ch03_unlisted"):
        _write(tmp_path / "book" / f"{name}.ipynb")
    assert notebooks.toc_documents(tmp_path) == ["book/intro", "book/ch02_second/ch02_second", "book/extra",
                                                 "book/ch01_first/ch01_first", "book/notes"]
    assert [p.stem for p in notebooks.book_notebooks(tmp_path)] == ["ch02_second", "extra", "ch01_first"]
    assert [p.stem for p in notebooks.chapter_notebooks(tmp_path)] == ["ch02_second", "ch01_first"]
    assert len(notebooks.notebooks_on_disk(tmp_path)) == 4  # the unlisted one is on disk only


def test_one_chapter_by_name_in_the_repo_or_a_course_folder(tmp_path):
    assert notebooks.chapter_notebook("ch03_convolution") == \
        ROOT / "book" / "ch03_convolution" / "ch03_convolution.ipynb"
    _write(tmp_path / "book" / "ch01_data_shapes" / "ch01_data_shapes.ipynb")  # a course folder has no _toc.yml
    assert notebooks.chapter_notebook("ch01_data_shapes", tmp_path).parent.parent == tmp_path / "book"
    for bad in ("ch99_missing", "../ch01_data_shapes", "intro"):
        with pytest.raises(ValueError, match="장 노트북 .* 없습니다"):
            notebooks.chapter_notebook(bad)


# a line that walks the book's folder for notebooks by itself
OWN_WALK = re.compile(r"""(BOOK|["']book["']).*glob\(.*ipynb|glob\(["']ch\[0-9\]""")


def test_no_other_code_walks_the_book_for_notebooks():
    own = []
    for folder in ("tools", "tests", "benchmarks"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if path == ROOT / "tools" / "notebooks.py" or path == ROOT / "tests" / "tools" / "test_notebook_walk.py":
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if OWN_WALK.search(line):
                    own.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert own == [], "use tools.notebooks instead:\n" + "\n".join(own)
    assert OWN_WALK.search('NOTEBOOKS = sorted((ROOT / "book").rglob("*.ipynb"))')  # the pattern can match

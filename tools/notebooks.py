"""The one walk over the book's notebooks: what ``_toc.yml`` lists, in its order.

Every tool, test and benchmark that needs "the chapters" or "every notebook of the
book" asks here, so a chapter added to ``_toc.yml`` is built, graded, executed and
checked everywhere at once:

- :func:`book_notebooks`: every notebook the table of contents lists (chapters and
  appendix), e.g. for ``tests/chapters/test_notebooks.py`` and
  ``tools/authoring/set_repository_url.py``;
- :func:`chapter_notebooks`: the chapter notebooks ``book/chNN_name/chNN_name.ipynb``
  (one per nbgrader assignment), e.g. for ``tools/editions.py`` and the grading tests;
- :func:`chapter_notebook`: one chapter by its folder name (``tools/grade.py``,
  ``benchmarks/``, the chapters' claim tests);
- :func:`notebooks_on_disk`: every ``.ipynb`` under ``book/``, listed or not (only
  ``tests/tools/test_repo.py`` uses it, to check that the TOC lists them all).

>>> [p.parent.name for p in chapter_notebooks()][:2]
['ch01_data_shapes', 'ch02_linear']
>>> chapter_notebook("ch06_gan").relative_to(ROOT).as_posix()
'book/ch06_gan/ch06_gan.ipynb'
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

__all__ = ["ROOT", "toc_documents", "book_notebooks", "chapter_notebooks", "chapter_notebook", "notebooks_on_disk"]

ROOT = Path(__file__).resolve().parents[1]

#: A chapter's folder and notebook name: ``chNN_name`` (one nbgrader assignment).
CHAPTER_NAME = re.compile(r"ch\d\d_[A-Za-z0-9_]+")


def _files(entries) -> list[str]:
    """The ``file:`` values of a TOC entry list, depth first (parts, chapters, sections)."""
    files = []
    for entry in entries or []:
        if "file" in entry:
            files.append(entry["file"])
        for key in ("parts", "chapters", "sections"):
            files += _files(entry.get(key))
    return files


def toc_documents(root: Path = ROOT) -> list[str]:
    """Every document of ``_toc.yml`` in reading order, as written there (``book/intro``, no suffix)."""
    toc = yaml.safe_load((Path(root) / "_toc.yml").read_text(encoding="utf-8"))
    return [toc["root"], *_files([toc])]


def book_notebooks(root: Path = ROOT) -> list[Path]:
    """Every notebook the table of contents lists (chapters and appendix), in reading order."""
    root = Path(root)
    return [root / f"{doc}.ipynb" for doc in toc_documents(root) if (root / f"{doc}.ipynb").exists()]


def chapter_notebooks(root: Path = ROOT) -> list[Path]:
    """The chapter notebooks ``book/chNN_name/chNN_name.ipynb`` of the TOC, in order (one per assignment)."""
    return [p for p in book_notebooks(root) if CHAPTER_NAME.fullmatch(p.stem) and p.parent.name == p.stem]


def chapter_notebook(name: str, root: Path = ROOT) -> Path:
    """The notebook of chapter ``name`` (its folder name, e.g. ``"ch06_gan"``) under ``root``.

    ``root`` may also be an nbgrader course folder (``tools/grade.py``): only
    ``book/<name>/<name>.ipynb`` must exist there.  Raises ValueError, in Korean.
    """
    path = Path(root) / "book" / name / f"{name}.ipynb"
    if not CHAPTER_NAME.fullmatch(name) or not path.exists():
        raise ValueError(f"장 노트북 {path}이(가) 없습니다. 장 이름은 book/ 아래 폴더 이름(예: ch01_data_shapes)이고, "
                         "그 폴더에 같은 이름의 .ipynb가 있어야 합니다.")
    return path


def notebooks_on_disk(root: Path = ROOT) -> list[Path]:
    """Every ``.ipynb`` file under ``book/`` (checkpoints excluded), listed in the TOC or not."""
    return sorted(p for p in (Path(root) / "book").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)

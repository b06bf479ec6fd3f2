"""The instructors' tools on small inputs: collecting submissions, feedback cleaning, the student branch."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from course_utils.grading import HIDDEN_FAILURE, hide_hidden_tests, restore_nbgrader_metadata
from notebook_helpers import ROOT, editions
from tools import collect_submissions


def _meta(grade_id, solution=False, grade=False, points=0):
    return {"nbgrader": {"grade_id": grade_id, "solution": solution, "grade": grade, "locked": grade,
                         "points": points, "schema_version": 3, "task": False}}


def released():
    return new_notebook(cells=[
        new_markdown_cell("### 연습 1"),
        new_code_cell("raise NotImplementedError()", metadata=_meta("a1", solution=True)),
        new_code_cell("check(x)", metadata=_meta("t1", grade=True, points=1)),
        new_markdown_cell("### 연습 2"),
        new_code_cell("raise NotImplementedError()", metadata=_meta("a2", solution=True)),
        new_code_cell("check(y)", metadata=_meta("t2", grade=True, points=2)),
    ])


@pytest.mark.parametrize("name, expected", [
    ("2026001.ipynb", "2026001"),
    ("2026001_ch01_data_shapes.ipynb", "2026001"),
    ("kim-minsu_ch01.ipynb", "kim-minsu"),
    ("홍길동_ch01.ipynb", "홍길동"),
    ("ch01_data_shapes.ipynb", None),
    ("Copy of ch01_data_shapes.ipynb", None),
    ("two words.ipynb", None),
])
def test_student_id_from_file_name(name, expected):
    assert collect_submissions.student_id_from_name(Path(name)) == expected


def test_restore_metadata_aligns_a_notebook_that_lost_it():
    submitted = released()
    submitted.cells[1].source = "x = 3"
    submitted.cells[4].source = "y = 4\nprint(y)"
    submitted.cells.insert(3, new_code_cell("print('my own scratch cell')"))
    for cell in submitted.cells:
        cell.metadata = {}
    restored, count, missing = restore_nbgrader_metadata(submitted, released())
    assert (count, missing) == (4, [])
    ids = [c.metadata.get("nbgrader", {}).get("grade_id") for c in restored.cells]
    assert ids == [None, "a1", "t1", None, None, "a2", "t2"]
    assert restored.cells[1].source == "x = 3"


def test_restore_metadata_reports_what_it_cannot_find():
    submitted = released()
    del submitted.cells[2]          # the first test cell
    for cell in submitted.cells:
        cell.metadata = {}
    _, _, missing = restore_nbgrader_metadata(submitted, released())
    assert missing == ["t1"]


def test_feedback_cleaning_removes_hidden_tests_and_their_tracebacks():
    nb = released()
    nb.cells[2].source = "check(x)\n### BEGIN HIDDEN TESTS\nassert x == 12345\n### END HIDDEN TESTS\n"
    nb.cells[2].outputs = [
        nbformat.v4.new_output("stream", name="stdout", text="✅ 통과!\n"),
        nbformat.v4.new_output("error", ename="AssertionError", evalue="",
                               traceback=["----> 3 assert x == 12345"]),
    ]
    clean = hide_hidden_tests(nb)
    assert clean.cells[2].source == "check(x)\n"
    assert "12345" not in nbformat.writes(clean)
    assert clean.cells[2].outputs[0].text == "✅ 통과!\n"
    assert clean.cells[2].outputs[1].traceback == [HIDDEN_FAILURE]


def _course(tmp_path: Path) -> Path:
    release = tmp_path / "grading" / "release" / "ch99_demo"
    release.mkdir(parents=True)
    nbformat.write(released(), release / "ch99_demo.ipynb")
    return tmp_path


def test_collect_puts_files_in_place_and_keeps_the_newest_of_a_student(tmp_path):
    course = _course(tmp_path)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    nbformat.write(released(), inbox / "s1_old.ipynb")
    nbformat.write(released(), inbox / "s1_new.ipynb")
    os.utime(inbox / "s1_old.ipynb", (1_000_000_000, 1_000_000_000))
    (inbox / "s2.ipynb").write_text("not a notebook", encoding="utf-8")
    nbformat.write(released(), inbox / "anonymous file.ipynb")
    report = collect_submissions.collect("ch99_demo", inbox, root=course)
    assert [student for student, _, _ in report.collected] == ["s1"]
    assert report.collected[0][1].name == "s1_new.ipynb"
    assert [p.name for p, _ in report.superseded] == ["s1_old.ipynb"]
    assert sorted(p.name for p, _ in report.skipped) == ["anonymous file.ipynb", "s2.ipynb"]
    target = course / "grading" / "submitted" / "s1" / "ch99_demo"
    assert (target / "ch99_demo.ipynb").exists() and (target / "timestamp.txt").exists()


def test_collect_mapping_file_overrides_names(tmp_path):
    course = _course(tmp_path)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    nbformat.write(released(), inbox / "ch99_demo.ipynb")
    mapping = tmp_path / "map.csv"
    mapping.write_text("file,student_id\nch99_demo.ipynb,2026007\n", encoding="utf-8")
    report = collect_submissions.collect("ch99_demo", inbox, collect_submissions.read_mapping(mapping), root=course)
    assert [student for student, _, _ in report.collected] == ["2026007"]


def test_collect_without_a_release_says_what_to_run(tmp_path):
    with pytest.raises(SystemExit, match="generate_assignment"):
        collect_submissions.collect("ch99_demo", tmp_path, root=tmp_path)


def test_publish_student_branch_holds_no_solution(tmp_path):
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
    env = dict(os.environ, GIT_AUTHOR_NAME="test", GIT_AUTHOR_EMAIL="t@example.com",
               GIT_COMMITTER_NAME="test", GIT_COMMITTER_EMAIL="t@example.com")
    subprocess.run([sys.executable, "-m", "tools.publish_student_branch"], cwd=clone, check=True, env=env,
                   capture_output=True)
    files = subprocess.run(["git", "ls-tree", "-r", "--name-only", editions.STUDENT_BRANCH], cwd=clone,
                           check=True, capture_output=True, text=True).stdout.split()
    chapters = [f for f in files if f.endswith(".ipynb") and "/ch0" in f]
    assert chapters
    for name in chapters:
        text = subprocess.run(["git", "show", f"{editions.STUDENT_BRANCH}:{name}"], cwd=clone, check=True,
                              capture_output=True, text=True).stdout
        assert "BEGIN SOLUTION" not in text and "HIDDEN TESTS" not in text, name
        assert "여기에 답을 작성하세요" in text, name  # the answer stubs (nbgrader_config.py's code_stub)


def test_explorer_cells_carry_the_digest_of_the_explorer_sources():
    """A changed explorers.js re-executes the cells that inline it (the execution cache hashes cell metadata)."""
    nb = new_notebook(cells=[new_code_cell("from course_utils.widgets import ConvExplorer\nConvExplorer()"),
                             new_code_cell("print(1)"), new_markdown_cell("course_utils.widgets")])
    editions.mark_widget_cells(nb)
    digest = editions.widget_digest()
    assert len(digest) == 16 and nb.cells[0].metadata["course_utils_widgets"] == digest
    assert "course_utils_widgets" not in nb.cells[1].metadata and "course_utils_widgets" not in nb.cells[2].metadata
    from jupyter_cache.cache.main import JupyterCacheBase

    _, marked = JupyterCacheBase.create_hashed_notebook(None, nb)
    nb.cells[0].metadata["course_utils_widgets"] = "0" * 16
    _, other = JupyterCacheBase.create_hashed_notebook(None, nb)
    assert marked != other

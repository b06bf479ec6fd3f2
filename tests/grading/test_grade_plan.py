"""tools.grade without running notebooks: the plan it builds, the static checks, the redaction."""

from __future__ import annotations

import copy

from nbformat.v4 import new_code_cell, new_notebook

from tools.grade import _redact_text, build_plan, questions_of, static_flags


def _meta(grade_id, solution=False, grade=False, points=0):
    return {"nbgrader": {"grade_id": grade_id, "solution": solution, "grade": grade, "locked": grade,
                         "points": points, "schema_version": 3}}


def source():
    return new_notebook(cells=[
        new_code_cell("import numpy as np"),
        new_code_cell("### BEGIN SOLUTION\nx = 3\n### END SOLUTION", metadata=_meta("a1", solution=True)),
        new_code_cell("check(x)\n### BEGIN HIDDEN TESTS\nassert x == 3\n### END HIDDEN TESTS",
                      metadata=_meta("t1", grade=True, points=1)),
        new_code_cell("### BEGIN SOLUTION\ny = 4\n### END SOLUTION", metadata=_meta("a2", solution=True)),
        new_code_cell("check(y)\n### BEGIN HIDDEN TESTS\nassert y == 4\n### END HIDDEN TESTS",
                      metadata=_meta("t2", grade=True, points=2)),
    ])


def released():
    nb = source()
    nb.cells[1].source, nb.cells[3].source = "raise NotImplementedError", "raise NotImplementedError"
    nb.cells[2].source, nb.cells[4].source = "check(x)", "check(y)"
    return nb


def kinds(plan):
    return [(c.metadata["course_grader"]["kind"], c.metadata["course_grader"]["question"]) for c in plan.run_nb.cells]


def test_questions_pair_each_test_with_the_answer_before_it():
    assert [(q.answer_id, q.test_id, q.points) for q in questions_of(source())] == [("a1", "t1", 1.0), ("a2", "t2", 2.0)]


def test_canonical_tests_follow_the_answers_between_guard_and_cleanup():
    student = released()
    student.cells[1].source, student.cells[3].source = "x = 3", "y = 4"
    plan = build_plan(student, source(), released())
    assert kinds(plan) == [("setup", None), ("student", "t1"), ("student", "t1"), ("guard", "t1"), ("test", "t1"),
                           ("cleanup", "t1"), ("student", "t2"), ("guard", "t2"), ("test", "t2"), ("cleanup", "t2")]
    assert "assert x == 3" in plan.run_nb.cells[4].source, "the hidden test runs"
    assert not any(q.flags for q in plan.questions)


def test_edited_duplicated_and_deleted_cells():
    student = released()
    student.cells[2].source = "pass"                       # edited test
    student.cells.insert(2, copy.deepcopy(student.cells[1]))  # duplicated answer
    del student.cells[4:6]                                 # answer a2 and test t2 deleted
    plan = build_plan(student, source(), released())
    flags = {q.test_id: q.flags for q in plan.questions}
    events = {q.test_id: q.events for q in plan.questions}
    assert flags["t1"] and "테스트 셀" in flags["t1"][0]
    assert events["t2"] == [("missing", "답 셀이 없습니다")]
    assert [k for k in kinds(plan) if k[0] == "test"] == [("test", "t1"), ("test", "t2")]
    assert "pass" not in [c.source for c in plan.run_nb.cells], "the edited test never runs"


def test_static_flags_find_tampering_and_leave_honest_code_alone():
    assert static_flags("x = np.zeros((2, 3))\nprint(np.testing.assert_allclose(x, x))") == []
    found = static_flags("import builtins\nbuiltins.len = None\nget_ipython().ast_transformers.append(t)\n"
                         "np.testing.assert_allclose = f\nch01.check_x = g\nimport sys; sys.settrace(f)")
    assert len(found) == 6, found


def test_redaction_removes_hidden_test_lines_and_grader_names():
    text = "['', 'x = 3', 'assert x == 3', '_grader_guard_1(2)']\nfine\n"
    out = _redact_text(text, {"assert x == 3"})
    assert "assert x == 3" not in out and "_grader_guard" not in out and "fine" in out


RACE = """
import importlib, sys, threading
{setup}
errors = []
def load(name):
    try:
        importlib.import_module(name)
    except Exception as error:  # noqa: BLE001
        errors.append(repr(error))
threads = [threading.Thread(target=load, args=(n,)) for n in ("nbgrader.utils", "nbgrader.api")]
[t.start() for t in threads]
[t.join() for t in threads]
print(errors)
"""


def _race(setup: str) -> str:
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    return subprocess.run([sys.executable, "-c", RACE.format(setup=setup)], cwd=root, capture_output=True,
                          text=True, timeout=120).stdout


def test_nbgrader_is_imported_before_the_workers_start():
    """Two grading threads importing nbgrader for the first time at once broke a whole run (no report).

    Without the fix, RACE with an empty setup prints "... partially initialized module 'nbgrader.api'"
    (nbgrader's submodules import each other); how often depends on timing, so only the fixed
    path is asserted: tools.grade has loaded both modules before main() starts its threads.
    """
    assert _race("import tools.grade\nassert {'nbgrader.api', 'nbgrader.utils'} <= set(sys.modules)").strip() == "[]"

"""The grader's stages without a sandbox: the plan it builds, the codec, the probe and the judge.

The end-to-end runs of ``python -m tools.grade`` on crafted classes are in
test_grade_command.py; here each stage is checked on its own, fast.
"""

from __future__ import annotations

import copy
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import numpy as np
import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output

from course_utils.exercises import REGISTRY, load_all
from course_utils.exercises._core import judge_case, run_case
from tools.grading import codec, probe
from tools.grading.judge import judge
from tools.grading.plan import banned_uses, build_plan, literal_answer, questions_of, static_flags
from tools.grading.records import feedback_and_export

load_all()
ROOT = Path(__file__).resolve().parents[2]


def _meta(grade_id, solution=False, grade=False, points=0):
    return {"nbgrader": {"grade_id": grade_id, "solution": solution, "grade": grade, "locked": grade,
                         "points": points, "schema_version": 3}}


def source():
    """A two-question notebook on exercises 2-1 (a value) and 2-4 (a function)."""
    return new_notebook(cells=[
        new_code_cell("import numpy as np"),
        new_code_cell("### BEGIN SOLUTION\nbox_params = (8, 18)\n### END SOLUTION", metadata=_meta("a1", solution=True)),
        new_code_cell('check("2-1")\n### BEGIN HIDDEN TESTS\nassert exact(box_params, (8, 18))\n### END HIDDEN TESTS',
                      metadata=_meta("t1", grade=True, points=1)),
        new_code_cell("def merge_dense(k1, b1, k2, b2):\n    ### BEGIN SOLUTION\n    return k1 @ k2, b1 @ k2 + b2\n"
                      "    ### END SOLUTION", metadata=_meta("a2", solution=True)),
        new_code_cell('check("2-4")\n### BEGIN HIDDEN TESTS\nassert merge_dense(1, 2, 3, 4)\n### END HIDDEN TESTS',
                      metadata=_meta("t2", grade=True, points=2)),
    ])


def released():
    nb = source()
    nb.cells[1].source = "raise NotImplementedError"
    nb.cells[3].source = "def merge_dense(k1, b1, k2, b2):\n    raise NotImplementedError"
    nb.cells[2].source, nb.cells[4].source = 'check("2-1")', 'check("2-4")'
    return nb


def answered(box="box_params = (8, 18)", dense="def merge_dense(k1, b1, k2, b2):\n    return k1 @ k2, b1 @ k2 + b2"):
    nb = released()
    nb.cells[1].source, nb.cells[3].source = box, dense
    return nb


def kinds(plan):
    return [(c.metadata["course_grader"]["kind"], c.metadata["course_grader"]["question"]) for c in plan.run_nb.cells]


# --------------------------------------------------------------------------- the plan


def test_questions_know_their_exercise_name_and_hidden_literal():
    questions = questions_of(source())
    assert [(q.answer_id, q.test_id, q.points, q.number, q.name) for q in questions] == [
        ("a1", "t1", 1.0, "2-1", "box_params"), ("a2", "t2", 2.0, "2-4", "merge_dense")]
    assert questions[0].has_literal and questions[0].literal == (8, 18)
    assert not questions[1].has_literal


def test_literal_answer_reads_literals_and_literal_arithmetic_only():
    assert literal_answer("assert exact(r, 784 / 36)", "r") == (True, 784 / 36)
    assert literal_answer("assert exact(r, (1, 2))\nassert exact(q, 3)", "q") == (True, 3)
    assert literal_answer("assert exact(r, f(3))", "r") == (False, None)


def test_the_sandbox_runs_no_test_no_hidden_test_and_no_expected_value():
    plan = build_plan(answered(box="box_params = (1, 2)"), source(), released(), seed=5)
    assert kinds(plan) == [("setup", None), ("student", "t1"), ("student", "t1"), ("guard", "t1"), ("probe", "t1"),
                           ("student", "t2"), ("guard", "t2"), ("probe", "t2")]
    text = json.dumps(plan.run_nb)
    for secret in ("HIDDEN", "exact(", "check(", "(8, 18)", "8, 18"):
        assert secret not in text, secret
    cases = plan.cases["t2"]
    assert len(cases) == 4 and plan.questions[1].seed is not None
    # the cases the probe carries are the plan's (inputs only: the reference outputs are never computed there)
    probe_cell = plan.run_nb.cells[-1].source
    assert "_course_report_function" in probe_cell and "2-4" in probe_cell


def test_cases_are_drawn_per_student_and_repeat_for_the_same_submission():
    first = build_plan(answered(), source(), released(), seed=1).cases["t2"]
    again = build_plan(answered(), source(), released(), seed=1).cases["t2"]
    other = build_plan(answered(), source(), released(), seed=2).cases["t2"]
    assert np.array_equal(first[0][0][0], again[0][0][0])
    assert not np.array_equal(first[0][0][0], other[0][0][0])


def test_answer_cell_without_metadata_and_deleted_test_is_found_by_content():
    student = answered()
    for cell in student.cells:
        cell.metadata = {}
    del student.cells[2]  # the test cell of 2-1 is gone too
    plan = build_plan(student, source(), released())
    assert all(q.answered for q in plan.questions)
    assert plan.questions[0].found_by_content
    assert ("probe", "t1") in kinds(plan)


def test_edited_test_cell_and_source_notebook_are_flagged():
    student = answered()
    student.cells[2].source = "print('통과!')"
    plan = build_plan(student, source(), released())
    assert "테스트 셀" in plan.questions[0].flags[0]
    handed_in = build_plan(copy.deepcopy(source()), source(), released())
    assert all(any("원본" in f for f in q.flags) for q in handed_in.questions)
    assert not any("테스트 셀이 고쳐져" in f for q in handed_in.questions for f in q.flags)


def test_static_flags_find_tampering_and_leave_honest_code_alone():
    assert static_flags("x = np.zeros((2, 3))\nprint(np.testing.assert_allclose(x, x))") == []
    found = static_flags("import builtins\nbuiltins.len = None\nget_ipython().ast_transformers.append(t)\n"
                         "np.testing.assert_allclose = f\nch01.check_x = g\nimport sys; sys.settrace(f)\n"
                         "getattr(get_ipython(), 'ast_' + 'transformers')")
    assert len(found) == 7, found


def test_own_code_rule_reads_library_calls_imports_and_built_names():
    banned = REGISTRY["3-4"].function.banned_names
    assert banned_uses("def my_conv2d(x, k, stride=1, padding='valid'):\n    return np.sum(x)", banned) == []
    assert banned_uses("import tensorflow as tf\ndef f(x, k):\n    return tf.nn.conv2d(x, k, 1, 'VALID')", banned)
    assert banned_uses("from scipy.signal import correlate2d", banned)
    assert "getattr에 만든 문자열로 속성 이름을 줌" in banned_uses("f = getattr(tf.nn, 'conv' + '2d')", banned)
    upsampling = REGISTRY["5-3"].function.banned_names
    assert banned_uses("def my_upsample_nearest(x, size):\n    return keras.layers.UpSampling2D(size)(x)", upsampling)
    assert banned_uses("def my_upsample_nearest(x, size):\n    return x.repeat(size, 1).repeat(size, 2)",
                       upsampling) == []


def conv_source():
    """A one-question notebook on exercise 3-4, the own-code convolution."""
    return new_notebook(cells=[
        new_code_cell("import numpy as np"),
        new_code_cell("def my_conv2d(x, kernel, stride=1, padding='valid'):\n    ### BEGIN SOLUTION\n"
                      "    return 0\n    ### END SOLUTION", metadata=_meta("a1", solution=True)),
        new_code_cell('check("3-4")', metadata=_meta("t1", grade=True, points=2)),
    ])


#: A helper the student wrote: it calls the library convolution through a table the sandbox's block does not
#: patch (so the outputs are right), and the answer only calls the helper.
CONV_HELPER = ("from course_utils import layers as _L\n_impl = {'f': _L.conv2d}\n"
               "def helper(x, kernel, stride, padding):\n"
               "    p = 0 if padding == 'valid' else padding\n"
               "    x = np.pad(np.asarray(x, float), ((p, p), (p, p), (0, 0)))\n"
               "    return _impl['f'](x[None], np.asarray(kernel, float), stride=stride)[0]")
CONV_ANSWER = "def my_conv2d(x, kernel, stride=1, padding='valid'):\n    return helper(x, kernel, stride, padding)"


def test_own_code_rule_follows_a_helper_the_student_added():
    src = conv_source()
    rel = copy.deepcopy(src)
    rel.cells[1].source = "def my_conv2d(x, kernel, stride=1, padding='valid'):\n    pass"
    student = copy.deepcopy(rel)
    student.cells[1].source = CONV_ANSWER
    student.cells.insert(1, new_code_cell(CONV_HELPER))
    plan = build_plan(student, src, rel, seed=5)
    assert any("_L.conv2d" in r for r in plan.questions[0].rule_broken), plan.questions[0].rule_broken
    verdict = judge(plan, _execute_here(plan), src)[0][0]
    assert verdict.score == 0 and verdict.status == "flagged" and "직접 구한 답이 아님" in verdict.reason
    assert verdict.diagnosis_kind == "function", "the outputs were right: only the rule costs the points"


# --------------------------------------------------------------------------- codec


@pytest.mark.parametrize("value", [
    None, Ellipsis, True, 3, -2**70, 2.5, float("inf"), "문자", (1, 2), [1, (2, [3.0])], np.int64(7), np.float32(1.5),
    np.bool_(True), np.arange(6, dtype=np.int16).reshape(2, 3), np.zeros((0, 4)), ((32, 5, 16), (32, 5, 4)),
])
def test_codec_round_trip_keeps_types(value):
    back = codec.decode(json.loads(json.dumps(codec.encode(value))))
    assert type(back) is type(value)
    if isinstance(value, np.ndarray):
        assert back.dtype == value.dtype and np.array_equal(back, value)
    elif isinstance(value, float) or value is Ellipsis or value is None:
        assert back == value or back is value
    else:
        assert back == value


def test_codec_sends_subclasses_as_their_contents_and_objects_as_names():
    class Liar(tuple):
        def __eq__(self, other):
            return True

    back = codec.decode(codec.encode(Liar((1, 2))))
    assert type(back) is tuple and back == (1, 2) and back != (3, 4)
    stand_in = codec.decode(codec.encode(object()))
    assert type(stand_in).__name__ == "object" and "object" in repr(stand_in)


@pytest.mark.parametrize("data, reason", [
    ({"t": "ndarray", "dtype": "|O", "shape": [1], "b64": ""}, "dtype"),
    ({"t": "ndarray", "dtype": "<f8", "shape": [3], "b64": "AAAA"}, "크기"),
    ({"t": "int", "v": "1e5"}, "정수"),
    ({"t": "pickle", "v": "gASVAAAA"}, "태그"),
    ({"x": 1}, "태그"),
])
def test_codec_refuses_what_is_not_plain_data(data, reason):
    with pytest.raises(codec.ReportError, match=reason):
        codec.decode(data)


def test_codec_limits_depth_size_and_items():
    deep = {"t": "none"}
    for _ in range(50):
        deep = {"t": "list", "v": [deep]}
    with pytest.raises(codec.ReportError, match="깊게"):
        codec.decode(deep)
    big = codec.encode(np.zeros(2**20))
    with pytest.raises(codec.ReportError, match="너무 큽니다"):
        codec.decode(big, codec.Limits(array_bytes=2**20))
    with pytest.raises(codec.ReportError, match="원소"):
        codec.decode(codec.encode(list(range(1000))), codec.Limits(items=100))


# --------------------------------------------------------------------------- probe + judge, with a real kernel's output faked


def _execute_here(plan, guard="OK"):
    """Run the plan's notebook cells in this process (no sandbox): enough to test probe and judge.

    The guard cells are not run: each reports ``guard`` (``OK`` or ``FLAG [...]``, what the real guard prints).
    The crafted answers patch ``json`` and ``numpy``: both are restored afterwards.
    """
    saved = {module: dict(vars(module)) for module in (json, np)}
    try:
        return _execute_cells(plan, guard)
    finally:
        for module, members in saved.items():
            vars(module).update(members)


def _execute_cells(plan, guard):
    namespace = {"get_ipython": lambda: None}
    out = copy.deepcopy(plan.run_nb)
    import contextlib
    import io

    for cell in out.cells:
        kind = cell.metadata["course_grader"]["kind"]
        if kind in ("setup", "guard"):
            cell.metadata["course_grader"]["status"] = "ok"
            if kind == "guard":
                nonce = cell.metadata["course_grader"]["nonce"]
                cell.outputs = [new_output("stream", name="stdout", text=f"@@COURSE-GUARD {nonce} {guard}\n")]
            continue
        sink = io.StringIO()
        try:
            with contextlib.redirect_stdout(sink):
                exec(cell.source, namespace)  # noqa: S102
        except Exception as error:  # noqa: BLE001
            cell.outputs = [new_output("error", ename=type(error).__name__, evalue=str(error), traceback=[])]
        cell.outputs = [new_output("stream", name="stdout", text=sink.getvalue())] + list(cell.get("outputs", []))
        cell.metadata["course_grader"]["status"] = "ok"
    return out


def _rows(student):
    plan = build_plan(student, source(), released(), seed=3)
    verdicts, graded = judge(plan, _execute_here(plan), source())
    return {v.question: v for v in verdicts}, graded


def test_right_answers_earn_the_points_and_wrong_ones_get_the_learners_diagnosis():
    rows, graded = _rows(answered())
    assert [(r.score, r.status, r.diagnosis_kind) for r in rows.values()] == [(1.0, "ok", "correct"),
                                                                              (2.0, "ok", "correct")]
    wrong, _ = _rows(answered(box="box_params = (6, 13)",
                              dense="def merge_dense(k1, b1, k2, b2):\n    return k1 @ k2, b2"))
    assert wrong["t1"].score == 0 and wrong["t1"].diagnosis_kind == "hint" and "편향" in wrong["t1"].diagnosis
    assert wrong["t1"].value == "(6, 13)"
    assert wrong["t2"].score == 0 and "bias1을 빠뜨렸습니다" in wrong["t2"].diagnosis
    test_cells = [c for c in graded.cells if c.metadata.get("nbgrader", {}).get("grade")]
    assert [c.outputs[0].output_type for c in test_cells] == ["stream", "stream"]


def test_lying_objects_and_patched_modules_change_only_what_is_reported():
    liar = ("class T(tuple):\n    def __eq__(self, other):\n        return True\n    __hash__ = tuple.__hash__\n"
            "box_params = T((1, 1))")
    patched = ("import numpy\nnumpy.allclose = lambda *a, **k: True\nnumpy.array_equal = lambda *a, **k: True\n"
               "def merge_dense(k1, b1, k2, b2):\n    return k1, b2")
    rows, _ = _rows(answered(box=liar, dense=patched))
    assert rows["t1"].score == 0 and rows["t1"].value == "(1, 1)"
    assert rows["t2"].score == 0


def test_a_report_forged_with_the_right_value_scores_zero():
    """json.dumps patched to report the right (8, 18) while the answer is (1, 2): held for review, 0 points."""
    right = json.dumps({"kind": "value", "value": codec.encode((8, 18))})
    forged = f"import json\njson.dumps = lambda *a, **k: {right!r}\nbox_params = (1, 2)"
    rows, _ = _rows(answered(box=forged))
    assert rows["t1"].value == "(8, 18)", "the forged value was reported"
    assert rows["t1"].score == 0 and rows["t1"].status == "flagged" and "검토 필요" in rows["t1"].reason


def test_a_tampered_channel_found_by_the_guard_scores_zero_whatever_was_reported():
    """The patch hides from the code reading (a cell the answer does not use); the guard cell reports it."""
    right = json.dumps({"kind": "value", "value": codec.encode((8, 18))})
    student = answered(box="box_params = (1, 2)")
    student.cells.insert(1, new_code_cell(f"import json as _j\nvars(_j)['dumps'] = lambda *a, **k: {right!r}"))
    plan = build_plan(student, source(), released(), seed=3)
    assert not plan.questions[0].review and not plan.questions[0].rule_broken
    out = _execute_here(plan, guard='FLAG ["json.dumps이(가) 바뀜"]')
    rows = {v.question: v for v in judge(plan, out, source())[0]}
    assert rows["t1"].value == "(8, 18)" and rows["t1"].score == 0 and rows["t1"].status == "flagged"
    assert "json.dumps" in rows["t1"].reason and "검토 필요" in rows["t1"].reason
    honest = answered()
    plan = build_plan(honest, source(), released(), seed=3)
    rows = {v.question: v for v in judge(plan, _execute_here(plan), source())[0]}
    assert [r.score for r in rows.values()] == [1.0, 2.0], "an honest answer is never affected"


def test_a_forged_or_malformed_report_scores_zero_with_the_reason():
    forged = ("import json\n_dumps = json.dumps\njson.dumps = lambda *a, **k: '{\"kind\": \"value\", \"value\": "
              "{\"t\": \"pickle\"}}'\nbox_params = (1, 2)")
    rows, _ = _rows(answered(box=forged))
    assert rows["t1"].score == 0 and rows["t1"].status == "flagged" and "잘못된 값 보고" in rows["t1"].reason


def test_unanswered_and_missing():
    rows, _ = _rows(released())
    assert [(r.score, r.diagnosis_kind) for r in rows.values()] == [(0.0, "unanswered"), (0.0, "unanswered")]
    student = answered()
    del student.cells[1:3]
    rows, _ = _rows(student)
    assert rows["t1"].status == "missing" and rows["t2"].score == 2.0


@pytest.mark.parametrize("number", ["1-5", "2-4", "3-4", "4-4", "5-3", "5-4", "5-5"])
def test_function_outcomes_travel_as_plain_data_and_are_judged_right(number):
    """A right output, sent through the codec as the probe sends it, is judged right; a changed one is not."""
    spec = REGISTRY[number].function
    for args, kwargs, description in spec.cases(spec.seed)[:2]:
        expected = np.asarray(spec.reference(*args, **kwargs))
        back = codec.decode(json.loads(json.dumps(codec.encode(("ok", expected)))))
        assert judge_case(spec, back, expected, args, kwargs, description) is None
        wrong = ("ok", expected + 1.0)
        assert judge_case(spec, wrong, expected, args, kwargs, description)[0] == "function"


def test_run_case_blocks_the_library_the_exercise_forbids():
    exercise = REGISTRY["3-4"]
    args, kwargs, _ = exercise.function.cases(1)[0]
    from course_utils.layers import conv2d

    def cheat(x, kernel, stride=1, padding="valid"):
        return conv2d(np.asarray(x)[None], kernel, stride=stride, padding=padding)[0]

    assert run_case(exercise.function, exercise.label, cheat, args, kwargs)[0] == "refused"


def test_probe_source_reports_from_a_namespace():
    namespace = {"answer": (1, [2.0])}
    import contextlib
    import io

    sink = io.StringIO()
    with contextlib.redirect_stdout(sink):
        exec(probe.value_probe("abc", "answer"), {**namespace, "globals": lambda: namespace})  # noqa: S102
    reports = probe.parse_reports(sink.getvalue(), "abc")
    assert len(reports) == 1 and codec.decode(json.loads(reports[0])["value"]) == (1, [2.0])


# --------------------------------------------------------------------------- imports


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
    return subprocess.run([sys.executable, "-c", RACE.format(setup=setup)], cwd=ROOT, capture_output=True,
                          text=True, timeout=120).stdout


def test_nbgrader_is_imported_before_the_workers_start():
    """Two grading threads importing nbgrader for the first time at once broke a whole run (no report).

    Without the fix, RACE with an empty setup prints "... partially initialized module 'nbgrader.api'"
    (nbgrader's submodules import each other); how often depends on timing, so only the fixed
    path is asserted: tools.grade has loaded both modules before main() starts its threads.
    """
    assert _race("import tools.grade\nassert {'nbgrader.api', 'nbgrader.utils'} <= set(sys.modules)").strip() == "[]"


def test_feedback_and_export_report_failures_and_leave_the_process_as_they_found_it(tmp_path, monkeypatch):
    """nbgrader's feedback and export run inside the grader (records.feedback_and_export): a failure is a
    warning with nbgrader's reason (the gradebook is already written), and the working folder and sys.path
    are as before.  The end-to-end feedback and export are read in test_grade_command.py."""
    shutil.copy(ROOT / "nbgrader_config.py", tmp_path)
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")  # alembic
    before = (list(sys.path), os.getcwd())
    problems = feedback_and_export(tmp_path, "ch99_not_graded")
    assert (list(sys.path), os.getcwd()) == before
    assert len(problems) == 1, problems
    assert problems[0].startswith("nbgrader generate_feedback 실패") and "No notebooks were matched" in problems[0]
    assert (tmp_path / "grading" / "grades.csv").read_text(encoding="utf-8").startswith("assignment,")  # empty export

    monkeypatch.setenv("PATH", "/nonexistent")  # no alembic: nbgrader cannot make the gradebook
    (tmp_path / "grading" / "gradebook.db").unlink()
    problems = feedback_and_export(tmp_path, "ch99_not_graded")
    assert any(p.startswith("nbgrader export 실패") and "alembic" in p for p in problems), problems
    assert (list(sys.path), os.getcwd()) == before

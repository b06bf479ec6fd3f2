"""``python -m tools.grade`` on a zip of crafted chapter-1 submissions, graded in ONE run, as root and
again as an unprivileged user.

Every case is one student in the zip: honest ones (also a Colab download, one with its
metadata stripped and a test cell deleted), tampering (AST/input transformers, also
through ``getattr``, sys.settrace, patched builtins, numpy.testing, json, numpy and
check functions, replaced grader guards, lying ``__eq__`` objects, an edited test cell,
the instructor's source notebook handed in), attacks on the sandbox (writing the
gradebook, reading the source/release notebooks and a peer's file, scanning ``In``,
the history database, ``gc`` and the file system for hidden tests, the grading
environment, the network, a process flood, an orphan), crashes (os._exit, SIGKILL, a
loop that ignores SIGINT, a loop that does not), a duplicated answer cell, a deleted
answer+test pair, stderr output and a printout of ``In``.  The assertions read the
per-question CSV, the gradebook, the feedback and nbgrader's export.  A second run
shows the resume; a run of honest students only shows exit status 0.

The rule under test (issues 18 and 32): a question earns its points exactly when the value
the student's notebook reports is the answer and the learner's own; tampering is flagged
and held for review at 0 points (even with the right value reported), and an answer taken
from the answer machinery (``course_utils.exercises``) or a library shortcut scores 0.
"""

from __future__ import annotations

import copy
import csv
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import nbformat
import pytest

import unprivileged
from notebook_helpers import ROOT, fill_answers, grade_id, kernel_environment, page_text, read
from test_grading import ReleasedCourse, colab_style, scores
from course_utils.exercises import REGISTRY, _variants, load_all
from tools.grading import codec

load_all()


def right_answer(number: str, student: str):
    """The right answer of exercise ``number`` for ``student``'s own numbers (chapter 1's variants, issue 29)."""
    exercise = REGISTRY[number]
    return exercise.expected(_variants.numbers_for(exercise.variants, number, student))


CH01 = ROOT / "book" / "ch01_data_shapes" / "ch01_data_shapes.ipynb"
CELL_TIMEOUT = 20


#: Wrong answers of the five questions (right types, wrong values).
WRONG = ["film_shape = (162000, 1, 1280, 1024)", "film_bytes = (1, 4)", 'loading_choice = "A"',
         "stacked_shape = (3, 6, 2)", "def to_channels_last(video):\n    return video"]
#: Replace the grader's guards, drop asserts with an AST transformer found through getattr, patch the checks.
FORGE = """import ast
for _name in [n for n in globals() if n.startswith('_grader')]:
    globals()[_name] = lambda *a, **k: print('@@COURSE-GUARD', a[0] if a else '', 'OK')
class _Drop(ast.NodeTransformer):
    def visit_Module(self, node):
        node.body = [b for b in node.body if not isinstance(b, ast.Assert)]
        return node
getattr(get_ipython(), 'ast_' + 'transformers').append(_Drop())
import course_utils.exercises as _ex
_ex.check = _ex.exact = lambda *a, **k: True
"""
#: A tuple whose == is always true.
LIAR = "class Liar(tuple):\n    def __eq__(self, other):\n        return True\n    __hash__ = tuple.__hash__\n"
#: json.dumps forges the grader's reports (and only those: the kernel's own messages still work),
#: numpy says every array is equal.
PATCHED = """import json, numpy
_real_dumps = json.dumps
def _forge(obj, *args, **kwargs):
    if isinstance(obj, dict) and "kind" in obj:
        return '{"kind": "value", "value": {"t": "pickle", "v": "gASVAAAA"}}'
    return _real_dumps(obj, *args, **kwargs)
json.dumps = _forge
numpy.array_equal = numpy.allclose = lambda *a, **k: True
"""
#: json.dumps forges every report to carry 연습 1-1's RIGHT answer for s30's numbers (issue 32): a tampered channel
#: scores 0.
FORGE_RIGHT = f"""import json
_real = json.dumps
def _forge(obj, *args, **kwargs):
    if isinstance(obj, dict) and "kind" in obj:
        return {json.dumps({"kind": "value", "value": codec.encode(right_answer("1-1", "s30"))})!r}
    return _real(obj, *args, **kwargs)
json.dumps = _forge
"""
#: Chapter 1 answered through the answer machinery, as the issue did it, and through library shortcuts.
SHORTCUTS = {
    0: "from course_utils.exercises import load_all\nfilm_shape = load_all()['1-1'].expected()",
    1: "import course_utils.exercises.ch01 as _c\nfilm_bytes = _c.film_bytes()",
    2: "from course_utils.exercises import REGISTRY\nloading_choice = REGISTRY['1-3'].answer()",
    3: "import course_utils.exercises as _e\n_e.load_all()\nstacked_shape = _e.REGISTRY['1-4'].expected()",
}
LIBRARY_SHORTCUTS = {
    1: "from course_utils.exercises import numbers\n_n = numbers('1-2')   # this student's film\n"
       "_s = (_n.minutes * 60 * _n.fps, 1, _n.height, _n.width)\n"
       "film_bytes = (np.broadcast_to(np.uint8(0), _s).nbytes, np.broadcast_to(np.float32(0), _s).nbytes)",
    3: "stacked_shape = companies.shape",
    4: "import course_utils.exercises as _e\n_e.load_all()\n"
       "def to_channels_last(video):\n    return _e.REGISTRY['1-5'].function.reference(video)",
}


def scan_cell(hidden_lines) -> str:
    """A cell that looks for the hidden tests' lines in everything the kernel can read, and prints the hits.

    The lines travel reversed, so the scan itself carries none of them.
    """
    reversed_lines = [line[::-1] for line in sorted(hidden_lines)]
    return f"""import gc, os, sys
_lines = [l[::-1] for l in {reversed_lines!r}]
_hits = []
def _look(text, where):
    if isinstance(text, str):
        _hits.extend(where for l in _lines if l in text)
for _i, _t in enumerate(In):
    _look(_t, 'In')
for _v in list(Out.values()):
    _look(repr(_v), 'Out')
try:
    for (_src,) in get_ipython().history_manager.db.execute('select source from history'):
        _look(_src, 'history')
except Exception as _e:
    print('history db:', type(_e).__name__)
for _o in gc.get_objects():
    if _o is _lines:
        continue
    if isinstance(_o, dict):
        for _v in list(_o.values()):
            _look(_v, 'gc')
    elif isinstance(_o, (list, tuple)):
        for _v in _o:
            _look(_v, 'gc')
_skip = ('/proc', '/sys', '/dev', '/usr', '/lib', '/lib64', '/bin', '/sbin', '/etc', sys.prefix, sys.base_prefix)
_files = 0
for _top, _dirs, _names in os.walk('/'):
    _dirs[:] = [d for d in _dirs if not os.path.join(_top, d).startswith(_skip)]
    for _n in _names:
        try:
            with open(os.path.join(_top, _n), 'rb') as _f:
                _data = _f.read(2_000_000).decode('utf-8', 'replace')
        except OSError:
            continue
        _files += 1
        _look(_data, os.path.join(_top, _n))
print('SCAN-FILES', _files)
print('SCAN-HITS', len(_hits), sorted(set(_hits))[:5])
"""


def grade_command(course: Path, target: Path, *extra: str, env_extra=None, timeout=1500):
    env = kernel_environment()
    env.update(env_extra or {})
    command = [sys.executable, "-m", "tools.grade", "ch01_data_shapes", str(target), "--root", str(course),
               "--cell-timeout", str(CELL_TIMEOUT), *extra]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)


def test_refuses_to_run_without_bubblewrap(tmp_path):
    env = kernel_environment()
    env["PATH"] = str(Path(sys.executable).parent)  # no /usr/bin: no bwrap
    result = subprocess.run([sys.executable, "-m", "tools.grade", "ch01_data_shapes", str(tmp_path), "--root",
                             str(tmp_path)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 3
    assert "bubblewrap" in result.stderr and "--unsafe-no-sandbox" in result.stderr


@pytest.mark.parametrize("setting, value, named", [
    ("kernel/apparmor_restrict_unprivileged_userns", "1", "kernel.apparmor_restrict_unprivileged_userns=1"),
    ("kernel/unprivileged_userns_clone", "0", "kernel.unprivileged_userns_clone=0"),
])
def test_blocked_user_namespaces_are_named_with_both_fixes(setting, value, named):
    """As a normal user, where the kernel refuses user namespaces: exit 3 with the setting found and the fixes.

    The refusal is simulated: a ``bwrap`` that fails as the real one does there, and the
    sysctl files the grader reads (COURSE_GRADER_SYSCTL_ROOT) saying what Ubuntu 24.04 or Debian say.
    """
    tmp_path = Path(tempfile.mkdtemp(prefix="course-userns-"))  # reachable by the unprivileged user
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "bwrap").write_text("#!/bin/sh\necho 'bwrap: setting up uid map: Permission denied' >&2\nexit 1\n")
    (fake / "bwrap").chmod(0o755)
    sysctl = tmp_path / "sys"
    (sysctl / setting).parent.mkdir(parents=True)
    (sysctl / setting).write_text(value + "\n")
    view = tmp_path / "view"
    view.mkdir()
    for folder in (tmp_path, fake, sysctl, *sysctl.rglob("*")):
        folder.chmod(0o755)
    unprivileged.require()
    env = {**kernel_environment(), "PATH": f"{fake}:{Path(sys.executable).parent}:/usr/bin:/bin",
           "COURSE_GRADER_SYSCTL_ROOT": str(sysctl), "HOME": str(tmp_path)}
    try:
        result = unprivileged.run_as_user([sys.executable, "-m", "tools.grade", "ch01_data_shapes", str(tmp_path),
                                           "--root", str(tmp_path)], env=env, cwd=ROOT, view=view, timeout=120)
    finally:
        shutil.rmtree(tmp_path, ignore_errors=True)
    assert result.returncode == 3, result.stdout + result.stderr
    assert "설치되어 있지만" in result.stderr and named in result.stderr
    assert "sysctl" in result.stderr and "AppArmor" in result.stderr and "apparmor_parser" in result.stderr


class Crafted(ReleasedCourse):
    """The chapter-1 course, the crafted submissions and the results of grading them."""

    def __init__(self, tmp: Path):
        super().__init__(tmp, CH01)
        self.tmp = tmp
        self.answers = [a for a, _, _ in self.pairs]
        self.tests = [t for _, t, _ in self.pairs]
        self.db = self.course / "grading" / "gradebook.db"
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(1)
        self.port = self.listener.getsockname()[1]

    def nb(self, prefix=None, wrong=(), replace=None):
        """Right answers; ``prefix`` {answer index: code} runs first in that answer cell."""
        answers = {}
        for index, answer_id in enumerate(self.answers):
            code = "" if index in wrong else self.solutions[answer_id]
            if replace and index in replace:
                code = replace[index]
            if prefix and index in prefix:
                code = prefix[index] + "\n" + code
            answers[answer_id] = code or "raise NotImplementedError()"
        return fill_answers(self.released, answers)

    def with_cell(self, nb, source, after_answer=None):
        nb = copy.deepcopy(nb)
        cell = nbformat.v4.new_code_cell(source)
        if after_answer is None:
            nb.cells.append(cell)
        else:
            index = next(i for i, c in enumerate(nb.cells) if grade_id(c) == self.answers[after_answer])
            nb.cells.insert(index + 1, cell)
        return nb

    def submissions(self) -> dict[str, object]:
        peer = self.course / "grading" / "submitted" / "s01" / self.assignment / CH01.name
        source = self.course / "book" / self.assignment / CH01.name
        all_wrong = range(len(self.answers))
        probe = lambda label, code: (  # noqa: E731
            f"try:\n    {code}\n    print('{label}-OK')\nexcept Exception as error:\n"
            f"    print('{label}-FAILED', type(error).__name__)\n")
        honest = self.nb()
        colab = colab_style(honest)
        for cell in colab.cells:
            if cell.cell_type == "code":
                cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="colab output\n")]
                cell.execution_count = 1
        duplicated = self.nb()
        index = next(i for i, c in enumerate(duplicated.cells) if grade_id(c) == self.answers[0])
        duplicated.cells.insert(index + 1, copy.deepcopy(duplicated.cells[index]))
        deleted = self.nb()
        deleted.cells = [c for c in deleted.cells if grade_id(c) not in (self.answers[1], self.tests[1])]
        edited = self.nb(wrong={0})
        for cell in edited.cells:
            if grade_id(cell) == self.tests[0]:
                cell.source = "print('통과!')"
        stripped = colab_style(self.nb())
        stripped.cells = [c for c in stripped.cells
                          if "".join(c.source).strip() != self.released_test_source(1)]  # 1-2's test cell deleted
        stderr_answer = self.solutions[self.answers[4]].replace(
            "def to_channels_last(video):", "def to_channels_last(video):\n    import sys\n"
            "    print('W0000 TensorFlow notice: harmless', file=sys.stderr)")
        return {
            "s01_honest.ipynb": honest,
            "s02_colab.ipynb": colab,
            "s03_ast.ipynb": self.nb(wrong=all_wrong, prefix={0: (
                "import ast\nclass _Drop(ast.NodeTransformer):\n"
                "    def visit_Module(self, node):\n"
                "        node.body = [b for b in node.body if not isinstance(b, (ast.Assert, ast.Expr))]\n"
                "        return node\n"
                "getattr(get_ipython(), 'ast_' + 'transformers').append(_Drop())")}),
            "s04_input.ipynb": self.nb(wrong=all_wrong, prefix={0: (
                "getattr(get_ipython(), 'input_' + 'transformers_cleanup').append(\n"
                "    lambda lines: [l for l in lines if 'assert' not in l and 'check_' not in l])")}),
            "s05_testing.ipynb": self.nb(prefix={0: (
                "import numpy\nvars(numpy.testing)['assert_allclose'] = lambda *a, **k: None")}),
            "s06_builtins.ipynb": self.nb(prefix={0: (
                "import importlib\n_b = importlib.import_module('bui' + 'ltins')\n_b.abs = lambda x: 0")}),
            "s07_checks.ipynb": self.nb(wrong={0}, prefix={0: (
                "import course_utils.exercises as _m\n_m.check = lambda number, namespace=None: print('통과!')\n"
                "film_shape = (1, 2, 3, 4)")}),
            "s08_gradebook.ipynb": self.nb(prefix={0: probe(
                "DB-WRITE", f"import sqlite3; con = sqlite3.connect('file:{self.db}?mode=rw', uri=True); "
                "con.execute('update grade set extra_credit = 100'); con.commit()")}),
            "s09_read.ipynb": self.nb(prefix={0: probe("READ-SOURCE", f"open({str(source)!r}).read()") + probe(
                "READ-RELEASE", f"open({str(self.release_path)!r}).read()") + probe(
                "READ-PEER", f"open({str(peer)!r}).read()") + probe(
                "READ-COURSE", f"import os; os.listdir({str(self.course)!r})")}),
            "s10_env.ipynb": self.nb(prefix={0: (
                "import os\nprint('ENV', os.environ.get('NBGRADER_EXECUTION'), os.environ.get('COURSE_SECRET'))")}),
            "s11_network.ipynb": self.nb(prefix={0: probe(
                "NET-LOCAL", f"import socket; socket.create_connection(('127.0.0.1', {self.port}), timeout=3)") + probe(
                "NET-PYPI", "import socket; socket.create_connection(('pypi.org', 443), timeout=3)")}),
            "s12_procs.ipynb": self.nb(prefix={0: (
                "import subprocess\n_started = []\nfor _ in range(64):\n    try:\n"
                "        _started.append(subprocess.Popen(['sleep', '20']))\n    except Exception:\n        break\n"
                "print('PROCS', len(_started))\nfor _p in _started:\n    _p.kill(); _p.wait()")}),
            "s13_orphan.ipynb": self.nb(prefix={0: (
                "import subprocess\nsubprocess.Popen(['sleep', '4242'], start_new_session=True)\n"
                "subprocess.Popen(['sh', '-c', '(sleep 4243 &) ; exit 0'])")}),
            "s14_exit.ipynb": self.nb(prefix={2: "import os\nos._exit(1)"}),
            "s15_sigkill.ipynb": self.nb(prefix={2: "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)"}),
            # The loop sleeps: ignoring SIGINT is what sends it down the grace-and-restart path, and a
            # spinning loop would only take a core from the other workers for 35 s (s27 spins).
            "s16_siginttrap.ipynb": self.nb(prefix={3: (
                "import signal, time\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    time.sleep(1)")}),
            "s17_duplicated.ipynb": duplicated,
            "s18_deleted.ipynb": deleted,
            "s19_stderr.ipynb": self.nb(replace={4: stderr_answer}, prefix={0: (
                "import sys, warnings\nprint('a notice', file=sys.stderr)\nwarnings.warn('harmless')")}),
            "s20_edited.ipynb": edited,
            "s21_history.ipynb": self.with_cell(self.nb(), "print(In)\nprint(_ih)\nprint(_i3, _ii)"),
            "s22_settrace.ipynb": self.nb(prefix={0: "import sys\ngetattr(sys, 'set' + 'trace')(lambda *a: None)"}),
            "s23_forge.ipynb": self.nb(wrong=all_wrong, replace={i: WRONG[i] for i in range(5)}, prefix={0: FORGE}),
            "s24_liar.ipynb": self.nb(replace={0: LIAR + "film_shape = Liar((1, 2, 3, 4))",
                                               3: LIAR + "stacked_shape = Liar((6, 3, 2))"}),
            "s25_patched.ipynb": self.nb(replace={i: WRONG[i] for i in range(5)}, prefix={0: PATCHED}),
            "s26_scan.ipynb": self.with_cell(self.nb(), scan_cell(self.hidden_test_lines())),
            "s27_loop.ipynb": self.nb(prefix={2: "while True:\n    pass"}),
            "s28_stripped.ipynb": stripped,
            "s29_source.ipynb": read(source),
            "s30_forge_right.ipynb": self.nb(replace={0: WRONG[0]}, prefix={0: FORGE_RIGHT}),
            "s31_machinery.ipynb": self.nb(replace=SHORTCUTS),
            "s32_library.ipynb": self.nb(replace={0: SHORTCUTS[0], 2: SHORTCUTS[2], **LIBRARY_SHORTCUTS}),
        }

    def released_test_source(self, index: int) -> str:
        return next(c.source.strip() for c in self.released.cells if grade_id(c) == self.tests[index])

    def build_zip(self) -> Path:
        target = self.tmp / "lms_download.zip"
        with zipfile.ZipFile(target, "w") as archive:
            for name, nb in self.submissions().items():
                student = name.split("_")[0]
                if student == "s17":  # one folder per student, the file named like the chapter
                    archive.writestr(f"{student}/ch01_data_shapes.ipynb", nbformat.writes(nb))
                else:
                    archive.writestr(name, nbformat.writes(nb))
        return target

    def run(self):
        self.zip = self.build_zip()
        self.first = grade_command(self.course, self.zip, "--workers", "2", env_extra={
            "NBGRADER_EXECUTION": "autograde", "COURSE_SECRET": "classified"})
        csv = self.course / "grading" / "reports" / f"{self.assignment}_questions.csv"
        assert csv.is_file(), (f"tools.grade wrote no {csv.name} (exit {self.first.returncode})\n"
                               f"stdout:\n{self.first.stdout[-4000:]}\nstderr:\n{self.first.stderr[-4000:]}")
        self.rows = self.read_rows()
        self.scores = scores(self.course, self.assignment)
        self.autograded = {s: read(self.course / "grading" / "autograded" / s / self.assignment / CH01.name)
                           for s in self.scores}
        self.processes = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True).stdout
        return self

    def read_rows(self) -> dict[str, dict[str, dict]]:
        path = self.course / "grading" / "reports" / f"{self.assignment}_questions.csv"
        rows = {}
        with open(path, newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                rows.setdefault(row["student"], {})[row["question"]] = row
        return rows

    def total(self, student: str) -> float:
        return sum(float(r["score"] or 0) for r in self.rows[student].values())

    def statuses(self, student: str) -> list[str]:
        return [self.rows[student][t]["status"] for t in self.tests]

    def output(self, student: str) -> str:
        return "".join(o.get("text", "") for c in self.autograded[student].cells for o in c.get("outputs", [])
                       if o.get("output_type") == "stream")


pytestmark = pytest.mark.slow
STUDENTS = {f"s{n:02d}" for n in range(1, 33)}


@pytest.fixture(scope="module")
def crafted(tmp_path_factory):
    return Crafted(tmp_path_factory.mktemp("grade_command")).run()


def test_the_command_ran_and_graded_every_student(crafted):
    # 4: everyone graded, some questions flagged for review (book/instructor_guide.md, "종료 코드")
    assert crafted.first.returncode == 4, crafted.first.stdout[-3000:] + crafted.first.stderr[-3000:]
    assert set(crafted.rows) == STUDENTS
    assert "=== 요약 ===" in crafted.first.stdout and "32/32" in crafted.first.stdout


@pytest.mark.parametrize("student", ["s01", "s02", "s08", "s09", "s10", "s11", "s12", "s13", "s17", "s19", "s21",
                                     "s26", "s28"])
def test_honest_and_harmless_submissions_get_full_marks(crafted, student):
    assert crafted.statuses(student) == ["ok"] * 5, crafted.rows[student]
    assert crafted.total(student) == 6.0
    assert crafted.scores[student]["total"] == 6.0


@pytest.mark.parametrize("student", ["s03", "s04", "s05", "s06", "s22", "s23", "s25"])
def test_tampering_is_held_for_review_at_zero_whatever_the_answers(crafted, student):
    """s03/s04/s23/s25 answered wrong; s05/s06/s22 answered right and tampered: a tampered kernel reports nothing
    that earns points until the instructor looks (issue 32)."""
    assert crafted.statuses(student) == ["flagged"] * 5, crafted.rows[student]
    assert crafted.total(student) == 0.0
    assert all("검토 필요" in r["reason"] for r in crafted.rows[student].values()), crafted.rows[student]


def test_a_report_forged_with_the_right_value_scores_zero(crafted):
    row = crafted.rows["s30"][crafted.tests[0]]
    assert row["value"] == repr(right_answer("1-1", "s30")), "the forged report carried the right answer"
    assert float(row["score"]) == 0 and row["status"] == "flagged" and "json" in row["reason"], row


@pytest.mark.parametrize("student, refused", [("s31", [0, 1, 2, 3]), ("s32", [0, 1, 2, 3, 4])])
def test_answers_from_the_answer_machinery_or_a_library_score_zero(crafted, student, refused):
    """The issue's cells (s31) and chapter 1's library shortcuts (s32): 0 with the reason, the learner told why."""
    rows = crafted.rows[student]
    for index, test in enumerate(crafted.tests):
        if index in refused:
            assert float(rows[test]["score"]) == 0 and "직접 구한 답이 아님" in rows[test]["reason"], rows[test]
            assert "직접 구한 답이 아닙니다" in rows[test]["diagnosis"], rows[test]
        else:
            assert rows[test]["status"] == "ok" and float(rows[test]["score"]) > 0, rows[test]
    assert "직접 구한 답이 아닙니다" in feedback_text(crafted, student)


def test_forged_guards_and_transformers_still_score_zero(crafted):
    rows = crafted.rows["s23"]
    assert all(float(r["score"]) == 0 and r["diagnosis_kind"] != "correct" for r in rows.values()), rows
    assert "getattr" in rows[crafted.tests[0]]["reason"]


def test_lying_equality_is_judged_on_the_real_values(crafted):
    rows = crafted.rows["s24"]
    assert [float(rows[t]["score"]) for t in crafted.tests] == [0.0, 1.0, 1.0, 0.0, 2.0]
    assert rows[crafted.tests[0]]["value"] == "(1, 2, 3, 4)"


def test_patched_json_reports_are_refused(crafted):
    first = crafted.rows["s25"][crafted.tests[0]]
    assert float(first["score"]) == 0 and "json" in first["reason"]


def test_patched_check_function_is_flagged_and_scores_zero(crafted):
    row = crafted.rows["s07"][crafted.tests[0]]
    assert row["status"] == "flagged" and float(row["score"]) == 0.0
    assert "course_utils.exercises.check" in row["reason"]
    assert crafted.total("s07") == 0.0  # the check was replaced before every answer: all held for review


def test_edited_test_cell_is_flagged_and_never_run(crafted):
    first = crafted.rows["s20"][crafted.tests[0]]
    assert first["status"] == "flagged" and "테스트 셀" in first["reason"] and float(first["score"]) == 0
    assert crafted.statuses("s20")[1:] == ["ok"] * 4 and crafted.total("s20") == 5.0


def test_source_notebook_handed_in_is_graded_and_flagged(crafted):
    rows = crafted.rows["s29"]
    assert crafted.total("s29") == 6.0
    assert all(r["status"] == "flagged" and "원본" in r["reason"] for r in rows.values()), rows


def test_nothing_the_kernel_can_read_holds_a_hidden_test(crafted):
    text = crafted.output("s26")
    assert "SCAN-HITS 0 []" in text, text[-2000:]
    assert int(text.split("SCAN-FILES", 1)[1].split()[0]) > 10, "the scan read files"


def test_sandbox_hides_gradebook_course_peers_environment_and_network(crafted):
    assert "DB-WRITE-FAILED" in crafted.output("s08")
    assert all(crafted.scores[s]["total"] <= crafted.scores[s]["max"] for s in crafted.scores), "no extra credit"
    text = crafted.output("s09")
    for label in ("READ-SOURCE", "READ-RELEASE", "READ-PEER", "READ-COURSE"):
        assert f"{label}-FAILED" in text, text
    assert "ENV None None" in crafted.output("s10")
    assert "NET-LOCAL-FAILED" in crafted.output("s11") and "NET-PYPI-FAILED" in crafted.output("s11")


def test_process_limit_and_no_orphan(crafted):
    started = int(crafted.output("s12").split("PROCS", 1)[1].split()[0])
    assert started < 64
    assert "sleep 4242" not in crafted.processes and "sleep 4243" not in crafted.processes


@pytest.mark.parametrize("student", ["s14", "s15"])
def test_dead_kernel_keeps_the_other_points(crafted, student):
    assert crafted.statuses(student) == ["ok", "ok", "kernel died", "ok", "ok"], crafted.rows[student]
    assert crafted.rows[student][crafted.tests[2]]["score"] == "0.0"
    assert crafted.total(student) == 5.0


def test_sigint_ignoring_loop_is_killed_and_other_questions_kept(crafted):
    assert crafted.statuses("s16") == ["ok", "ok", "ok", "kernel died", "ok"], crafted.rows["s16"]
    assert crafted.total("s16") == 5.0


def test_a_loop_costs_only_its_own_question_and_later_outputs_are_kept(crafted):
    assert crafted.statuses("s27") == ["ok", "ok", "kernel died", "ok", "ok"], crafted.rows["s27"]
    assert "시간 제한" in crafted.rows["s27"][crafted.tests[2]]["reason"]
    assert crafted.total("s27") == 5.0


def test_deleted_answer_and_test_pair_loses_only_that_question(crafted):
    assert crafted.statuses("s18") == ["ok", "missing", "ok", "ok", "ok"]
    assert crafted.total("s18") == 5.0


def test_rows_record_the_reported_value_and_the_learners_diagnosis(crafted):
    honest = crafted.rows["s01"][crafted.tests[0]]
    assert honest["value"] == repr(right_answer("1-1", "s01")) and honest["diagnosis_kind"] == "correct"
    wrong = crafted.rows["s23"][crafted.tests[0]]
    assert wrong["value"] == "(162000, 1, 1280, 1024)" and wrong["diagnosis"] and wrong["diagnosis_kind"] != "correct"


def feedback_text(crafted, student: str) -> str:
    """The text of a student's feedback page, as a reader sees it (highlighted code is split into <span>s)."""
    return page_text((crafted.course / "grading" / "feedback" / student / crafted.assignment
                      / CH01.with_suffix(".html").name).read_text(encoding="utf-8"))


def test_feedback_shows_the_diagnosis_and_no_hidden_test(crafted):
    hidden = crafted.hidden_test_lines()
    for student in ("s01", "s21", "s03", "s14", "s23"):
        text = feedback_text(crafted, student)
        # (a printout of In may show the grader's own cells: they hold nothing secret)
        assert "HIDDEN TESTS" not in text
        assert not [line for line in hidden if line in text], student
        assert "check(" in text, "the page's text holds the test cells' code"
    wrong = feedback_text(crafted, "s23")
    diagnosis = crafted.rows["s23"][crafted.tests[0]]["diagnosis"]
    assert diagnosis.split(".")[0] in wrong
    with open(crafted.course / "grading" / "grades.csv", newline="", encoding="utf-8") as handle:
        exported = {row["student_id"]: float(row["score"]) for row in csv.DictReader(handle)}
    assert exported == {s: pytest.approx(crafted.total(s)) for s in crafted.rows}


def test_rerun_resumes_without_losing_or_doubling(crafted):
    state_path = crafted.course / "grading" / "reports" / f"{crafted.assignment}_state.json"
    state = json.loads(state_path.read_text(encoding="utf-8"))
    del state["s02"]  # as if the run had stopped before s02 was written
    state["s05"]["status"] = "failed: interrupted"
    state_path.write_text(json.dumps(state), encoding="utf-8")
    before = crafted.read_rows()
    second = grade_command(crafted.course, crafted.zip, "--workers", "2")
    assert second.returncode == 4, second.stdout[-2000:] + second.stderr[-2000:]
    assert "30명은 건너뜁니다" in second.stdout and "2/2" in second.stdout
    assert crafted.read_rows() == before
    again = scores(crafted.course, crafted.assignment)
    assert {s: v["total"] for s, v in again.items()} == {s: v["total"] for s, v in crafted.scores.items()}


def test_exit_status_is_zero_when_nothing_needs_review(crafted, tmp_path):
    course = tmp_path / "course"
    # the gradebook knows the assignment (nbgrader's release); the resume state starts empty
    shutil.copytree(crafted.course, course, ignore=shutil.ignore_patterns("submitted", "autograded", "feedback",
                                                                          "reports", "grades.csv"))
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    nbformat.write(crafted.nb(), inbox / "a01.ipynb")
    nbformat.write(crafted.nb(wrong={0}), inbox / "a02.ipynb")
    result = grade_command(course, inbox, "--workers", "2")
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]


@pytest.fixture(scope="module")
def unprivileged_run(crafted):
    """The same zip graded again by an instructor who is not root (the sandbox in a user namespace)."""
    with unprivileged.scratch("course-unprivileged-") as base:
        course = base / "course"
        shutil.copytree(crafted.course, course, ignore=shutil.ignore_patterns(
            "submitted", "autograded", "feedback", "reports", "grades.csv"))
        target = base / crafted.zip.name
        shutil.copy(crafted.zip, target)
        unprivileged.give_to_user(course)
        env = {**kernel_environment(), "HOME": str(base / "home")}
        result = unprivileged.run_as_user(
            [sys.executable, "-m", "tools.grade", "ch01_data_shapes", str(target), "--root", str(course),
             "--cell-timeout", str(CELL_TIMEOUT), "--workers", "2"], env=env, cwd=ROOT, view=base / "view",
            timeout=1500)
        rows = {}
        path = course / "grading" / "reports" / "ch01_data_shapes_questions.csv"
        assert path.is_file(), result.stdout[-3000:] + result.stderr[-3000:]
        with open(path, newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                rows.setdefault(row["student"], {})[row["question"]] = row
        yield result, rows, course


def test_an_unprivileged_instructor_gets_the_same_scores(crafted, unprivileged_run):
    result, rows, _course = unprivileged_run
    assert result.returncode == 4, result.stdout[-3000:] + result.stderr[-3000:]
    ours = {s: {t: (r["score"], r["status"]) for t, r in q.items()} for s, q in rows.items()}
    root = {s: {t: (r["score"], r["status"]) for t, r in q.items()} for s, q in crafted.rows.items()}
    assert ours == root


def test_an_unprivileged_sandbox_has_its_own_process_limit_and_hides_the_course(unprivileged_run):
    """As a normal user the limit counts the sandbox's processes only (its own user namespace)."""
    _result, rows, course = unprivileged_run
    autograded = read(course / "grading" / "autograded" / "s12" / "ch01_data_shapes" / CH01.name)
    text = "".join(o.get("text", "") for c in autograded.cells for o in c.get("outputs", [])
                   if o.get("output_type") == "stream")
    started = int(text.split("PROCS", 1)[1].split()[0])
    assert 30 <= started < 64, "near the limit, whatever else the user runs"
    scan = read(course / "grading" / "autograded" / "s26" / "ch01_data_shapes" / CH01.name)
    scanned = "".join(o.get("text", "") for c in scan.cells for o in c.get("outputs", [])
                      if o.get("output_type") == "stream")
    assert "SCAN-HITS 0 []" in scanned

"""``python -m tools.grade`` on a zip of crafted chapter-1 submissions, graded in ONE run.

Every case of issue 12 is one student in the zip: honest ones (also a Colab
download), tampering (AST/input transformers, sys.settrace, patched builtins,
numpy.testing and check functions, an edited test cell), attacks on the
sandbox (writing the gradebook, reading the source/release notebooks and a
peer's file, the grading environment, the network, a process flood, an
orphan), crashes (os._exit, SIGKILL, a loop that ignores SIGINT), a duplicated
answer cell, a deleted answer+test pair, stderr output and a printout of
``In``.  The assertions then read the per-question CSV, the gradebook, the
feedback and nbgrader's export.  A second run shows the resume.
"""

from __future__ import annotations

import copy
import csv
import json
import os
import socket
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest

from notebook_helpers import ROOT, fill_answers, grade_id, kernel_environment, read
from test_grading import ReleasedCourse, colab_style, scores

CH01 = ROOT / "book" / "ch01_data_shapes" / "ch01_data_shapes.ipynb"
CELL_TIMEOUT = 45


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
            "s16_siginttrap.ipynb": self.nb(prefix={3: (
                "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass")}),
            "s17_duplicated.ipynb": duplicated,
            "s18_deleted.ipynb": deleted,
            "s19_stderr.ipynb": self.nb(replace={4: stderr_answer}, prefix={0: (
                "import sys, warnings\nprint('a notice', file=sys.stderr)\nwarnings.warn('harmless')")}),
            "s20_edited.ipynb": edited,
            "s21_history.ipynb": self.with_cell(self.nb(), "print(In)\nprint(_ih)\nprint(_i3, _ii)"),
            "s22_settrace.ipynb": self.nb(prefix={0: "import sys\ngetattr(sys, 'set' + 'trace')(lambda *a: None)"}),
        }

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


@pytest.fixture(scope="module")
def crafted(tmp_path_factory):
    return Crafted(tmp_path_factory.mktemp("grade_command")).run()


def test_the_command_ran_and_graded_every_student(crafted):
    assert crafted.first.returncode == 0, crafted.first.stdout[-3000:] + crafted.first.stderr[-3000:]
    assert set(crafted.rows) == {f"s{n:02d}" for n in range(1, 23)}
    assert "=== 요약 ===" in crafted.first.stdout and "22/22" in crafted.first.stdout


@pytest.mark.parametrize("student", ["s01", "s02", "s08", "s09", "s10", "s11", "s12", "s13", "s17", "s19", "s21"])
def test_honest_and_harmless_submissions_get_full_marks(crafted, student):
    assert crafted.statuses(student) == ["ok"] * 5, crafted.rows[student]
    assert crafted.total(student) == 6.0
    assert crafted.scores[student]["total"] == 6.0


@pytest.mark.parametrize("student", ["s03", "s04", "s05", "s06", "s22"])
def test_tampering_is_flagged_on_every_later_question(crafted, student):
    assert crafted.statuses(student) == ["flagged"] * 5, crafted.rows[student]
    assert crafted.total(student) == 0.0
    assert all(r["reason"] for r in crafted.rows[student].values())


def test_patched_check_function_is_flagged(crafted):
    row = crafted.rows["s07"][crafted.tests[0]]
    assert row["status"] == "flagged" and float(row["score"]) == 0.0
    assert "course_utils.exercises.check" in row["reason"]


def test_edited_test_cell_is_restored_and_flagged(crafted):
    first = crafted.rows["s20"][crafted.tests[0]]
    assert first["status"] == "flagged" and "테스트 셀" in first["reason"]
    assert crafted.statuses("s20")[1:] == ["ok"] * 4 and crafted.total("s20") == 5.0


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


def test_deleted_answer_and_test_pair_loses_only_that_question(crafted):
    assert crafted.statuses("s18") == ["ok", "missing", "ok", "ok", "ok"]
    assert crafted.total("s18") == 5.0


def test_feedback_has_no_hidden_test_and_export_lists_everyone(crafted):
    hidden = crafted.hidden_test_lines()
    for student in ("s01", "s21", "s03", "s14"):
        html = (crafted.course / "grading" / "feedback" / student / crafted.assignment
                / CH01.with_suffix(".html").name).read_text(encoding="utf-8")
        assert "HIDDEN TESTS" not in html and "_grader_guard" not in html
        assert not [line for line in hidden if line in html], student
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
    assert second.returncode == 0, second.stdout[-2000:] + second.stderr[-2000:]
    assert "20명은 건너뜁니다" in second.stdout and "2/2" in second.stdout
    assert crafted.read_rows() == before
    again = scores(crafted.course, crafted.assignment)
    assert {s: v["total"] for s, v in again.items()} == {s: v["total"] for s, v in crafted.scores.items()}

"""``python -m tools.grade --dask-scheduler``: the same grading on a real Dask cluster (issue 21).

The cluster is real and local: ``dask scheduler`` and ``dask worker`` processes on 127.0.0.1
(``--no-nanny``, so a SIGKILL kills a worker for good), started by :class:`Cluster` and always
stopped in a ``finally``.  A small crafted chapter-1 class (honest, wrong, tampering, a dead
kernel...; test_grade_command.Crafted) is graded once locally and once through the cluster,
and everything the command writes is compared.  Then: a worker SIGKILLed in the middle of a
job (nothing lost, nothing doubled), a scheduler that goes away (exit 5, the rerun resumes),
a worker whose checkout differs (refused with both hashes, no score written), a scheduler
that cannot import the grader (named before any job), TLS with the guide's certificates,
and Ctrl-C on either runner.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from dask_cluster import Cluster, children
from notebook_helpers import ROOT, kernel_environment
from test_grade_command import WRONG, Crafted, grade_command
from test_grading import scores

ASSIGNMENT = "ch01_data_shapes"


# --------------------------------------------------------------------------- fast: no cluster


def test_a_local_run_never_imports_dask():
    code = ("import sys, tools.grade, tools.grading.dask_runner as d; d.code_hash(); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed')))")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_a_worker_with_other_code_refuses_and_names_both_hashes(tmp_path):
    from tools.grading import dask_runner

    ours = dask_runner.code_hash()
    assert len(ours) == 16 and ours == dask_runner.code_hash()
    copy = _checkout_copy(tmp_path / "checkout", changed="tools/grading/judge.py")
    theirs = dask_runner.code_hash(copy)
    assert theirs != ours
    result = dask_runner.grade_on_worker({"code_hash": theirs, "commit": "abc1234"})
    assert "refused" in result and "notebook" not in result
    assert ours in result["error"] and theirs in result["error"] and "채점기 코드가 다릅니다" in result["error"]
    assert "같은 커밋(abc1234)" in result["error"] and "워커를 다시 시작" in result["error"]


# --------------------------------------------------------------------------- the cluster


def _checkout_copy(target: Path, changed: str) -> Path:
    """The grader's part of this checkout (tools/, requirements.txt) with one file changed."""
    shutil.copytree(ROOT / "tools", target / "tools", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "requirements.txt", target)
    with open(target / changed, "a", encoding="utf-8") as handle:
        handle.write("\n# a worker whose checkout is not the instructor's commit\n")
    return target


def _fresh_course(crafted: Crafted, target: Path) -> Path:
    """A copy of the released course, nothing graded yet (its gradebook knows the assignment)."""
    shutil.copytree(crafted.course, target)
    return target


def _rows(course: Path) -> dict:
    rows = {}
    with open(course / "grading" / "reports" / f"{ASSIGNMENT}_questions.csv", newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            rows.setdefault(row["student"], []).append(row)
    return rows


def _state(course: Path) -> dict:
    return json.loads((course / "grading" / "reports" / f"{ASSIGNMENT}_state.json").read_text(encoding="utf-8"))


def _said(result) -> str:
    return f"exit {result.returncode}\nstdout:\n{result.stdout[-3000:]}\nstderr:\n{result.stderr[-3000:]}"


slow = pytest.mark.slow
#: The class: honest, a Colab download, wrong answers, a dead kernel, a deleted answer, an edited test cell,
#: forged guards and transformers, patched json/numpy.
CLASS = ["s01_honest", "s02_colab", "w01_wrong", "s14_exit", "s18_deleted", "s20_edited", "s23_forge",
         "s25_patched"]


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """The class graded locally (``--workers 2``) and through a cluster of two workers."""
    tmp = tmp_path_factory.mktemp("grade_dask")
    crafted = Crafted(tmp / "crafted")
    made = crafted.submissions()
    made["w01_wrong.ipynb"] = crafted.nb(replace={i: WRONG[i] for i in range(5)})
    inbox = tmp / "inbox"
    inbox.mkdir()
    for name in CLASS:
        nbformat.write(made[f"{name}.ipynb"], inbox / f"{name}.ipynb")
    local_course = _fresh_course(crafted, tmp / "local")
    began = time.monotonic()
    local = grade_command(local_course, inbox, "--workers", "2")
    local_s = time.monotonic() - began
    dask_course = _fresh_course(crafted, tmp / "dask")
    cluster = Cluster(tmp / "cluster", kernel_environment())
    try:
        began = time.monotonic()
        on_dask = grade_command(dask_course, inbox, "--dask-scheduler", cluster.address)
        dask_s = time.monotonic() - began
    finally:
        cluster.close()
    print(f"local {local_s:.1f} s, dask {dask_s:.1f} s for {len(CLASS)} students")
    return {"crafted": crafted, "inbox": inbox, "tmp": tmp, "local": local, "local_course": local_course,
            "dask": on_dask, "dask_course": dask_course, "logs": cluster.logs()}


@slow
def test_a_dask_run_writes_exactly_what_a_local_run_writes(graded):
    local, on_dask = graded["local"], graded["dask"]
    assert local.returncode == 4, _said(local)
    assert on_dask.returncode == 4, _said(on_dask) + graded["logs"]
    a, b = graded["local_course"] / "grading", graded["dask_course"] / "grading"
    students = {name.split("_")[0] for name in CLASS}
    assert set(_rows(graded["dask_course"])) == students
    # score, status, reason, value, diagnosis (and its kind) of every question, byte for byte
    assert (b / "reports" / f"{ASSIGNMENT}_questions.csv").read_bytes() == \
        (a / "reports" / f"{ASSIGNMENT}_questions.csv").read_bytes()
    for report in (f"{ASSIGNMENT}_items.csv", f"{ASSIGNMENT}_mistakes.csv", f"{ASSIGNMENT}_report.html",
                   "lms_grades.csv"):
        assert (b / "reports" / report).read_bytes() == (a / "reports" / report).read_bytes(), report
    assert scores(graded["dask_course"], ASSIGNMENT) == scores(graded["local_course"], ASSIGNMENT)
    assert _state(graded["dask_course"]) == _state(graded["local_course"])
    with open(b / "grades.csv", newline="", encoding="utf-8") as one, \
            open(a / "grades.csv", newline="", encoding="utf-8") as other:
        # nbgrader's export lists students in the order they were first written: the order results came in
        drop = lambda rows: sorted(({k: v for k, v in r.items() if k != "timestamp"} for r in rows),  # noqa: E731
                                   key=lambda r: r["student_id"])
        assert drop(csv.DictReader(one)) == drop(csv.DictReader(other))


@slow
def test_the_classes_verdicts_are_the_expected_ones(graded):
    """The same rules as test_grade_command, seen through the cluster."""
    rows = {s: {r["question"]: r for r in q} for s, q in _rows(graded["dask_course"]).items()}
    total = lambda s: sum(float(r["score"] or 0) for r in rows[s].values())  # noqa: E731
    status = lambda s: [r["status"] for r in rows[s].values()]  # noqa: E731
    assert total("s01") == total("s02") == 6.0 and status("s01") == ["ok"] * 5
    assert total("w01") == 0.0 and status("w01") == ["ok"] * 5
    assert status("s14") == ["ok", "ok", "kernel died", "ok", "ok"] and total("s14") == 5.0
    assert total("s23") == 0.0 and status("s23") == ["flagged"] * 5
    assert total("s25") == 0.0 and status("s25") == ["flagged"] * 5
    assert status("s18").count("missing") == 1 and total("s18") == 5.0


@slow
def test_the_dask_run_says_where_it_runs_and_keeps_the_progress_line(graded):
    out = graded["dask"].stdout
    assert "Dask 스케줄러 tcp://127.0.0.1:" in out and "워커 2개" in out
    assert f"{len(CLASS)}/{len(CLASS)}" in out and "· 워커 2" in out
    assert "=== 요약 ===" in out


@slow
def test_a_worker_killed_in_the_middle_of_a_job_loses_and_doubles_nothing(graded, tmp_path):
    """SIGKILL one of two workers while its sandbox runs: the job runs again on the other worker."""
    course = _fresh_course(graded["crafted"], tmp_path / "course")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name in ("s01_honest", "s14_exit", "s23_forge"):
        shutil.copy(graded["inbox"] / f"{name}.ipynb", inbox)
    cluster = Cluster(tmp_path / "cluster", kernel_environment())
    command = None
    try:
        env = kernel_environment()
        command = subprocess.Popen(
            [sys.executable, "-m", "tools.grade", ASSIGNMENT, str(inbox), "--root", str(course), "--cell-timeout",
             "20", "--dask-scheduler", cluster.address], cwd=ROOT, env=env, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True)
        victim = cluster.workers[1]
        deadline = time.monotonic() + 120
        while "bwrap" not in children(victim.pid):  # its sandbox is running a student's notebook
            assert time.monotonic() < deadline and command.poll() is None, "the worker never ran a job"
            time.sleep(0.1)
        time.sleep(1.5)
        assert "bwrap" in children(victim.pid)
        os.kill(victim.pid, signal.SIGKILL)
        out, err = command.communicate(timeout=600)
        assert victim.wait(timeout=10) == -signal.SIGKILL
    finally:
        if command is not None and command.poll() is None:
            command.kill()
            command.wait()
        cluster.close()
    assert command.returncode == 4, f"exit {command.returncode}\n{out[-3000:]}\n{err[-3000:]}\n{cluster.logs()}"
    assert "3/3" in out and "실패 0" in out
    state = _state(course)
    assert sorted(state) == ["s01", "s14", "s23"] and {e["status"] for e in state.values()} == {"graded"}
    rows = _rows(course)
    assert all(len(r) == 5 for r in rows.values()), "one row per question, none doubled"
    local = _rows(graded["local_course"])
    assert {s: rows[s] for s in rows} == {s: local[s] for s in rows}
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'grading' / 'gradebook.db'}") as gb:
        assert sorted(s.student_id for s in gb.assignment_submissions(ASSIGNMENT)) == ["s01", "s14", "s23"]


@slow
def test_a_scheduler_that_goes_away_stops_the_run_and_the_rerun_resumes(graded, tmp_path):
    course = _fresh_course(graded["crafted"], tmp_path / "course")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name in ("s01_honest", "w01_wrong", "s20_edited"):
        shutil.copy(graded["inbox"] / f"{name}.ipynb", inbox)
    state_path = course / "grading" / "reports" / f"{ASSIGNMENT}_state.json"
    cluster = Cluster(tmp_path / "first", kernel_environment(), workers=1)
    command = None
    try:
        command = subprocess.Popen(
            [sys.executable, "-m", "tools.grade", ASSIGNMENT, str(inbox), "--root", str(course), "--cell-timeout",
             "20", "--dask-scheduler", cluster.address], cwd=ROOT, env=kernel_environment(), stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 180
        while not (state_path.exists() and json.loads(state_path.read_text(encoding="utf-8") or "{}")):
            assert time.monotonic() < deadline and command.poll() is None, "no student was graded"
            time.sleep(0.2)
        os.kill(cluster.scheduler.pid, signal.SIGKILL)
        out, err = command.communicate(timeout=120)
    finally:
        if command is not None and command.poll() is None:
            command.kill()
            command.wait()
        cluster.close()
    assert command.returncode == 5, f"exit {command.returncode}\n{out[-3000:]}\n{err[-3000:]}"
    assert "스케줄러" in err and "연결이 끊겨" in err and "다시 실행하면" in err and "이어서 채점" in err
    first = _state(course)
    assert 1 <= len(first) < 3 and {e["status"] for e in first.values()} == {"graded"}
    cluster = Cluster(tmp_path / "second", kernel_environment(), workers=1)
    try:
        again = grade_command(course, inbox, "--dask-scheduler", cluster.address)
    finally:
        cluster.close()
    assert again.returncode == 4, _said(again)
    assert f"{len(first)}명은 건너뜁니다" in again.stdout and f"{3 - len(first)}/{3 - len(first)}" in again.stdout
    rows, local = _rows(course), _rows(graded["local_course"])
    assert sorted(rows) == ["s01", "s20", "w01"] and {s: rows[s] for s in rows} == {s: local[s] for s in rows}


@slow
def test_a_worker_with_another_checkout_is_refused_and_no_score_is_written(graded, tmp_path):
    from tools.grading.dask_runner import code_hash

    course = _fresh_course(graded["crafted"], tmp_path / "course")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name in ("s01_honest", "w01_wrong"):
        shutil.copy(graded["inbox"] / f"{name}.ipynb", inbox)
    checkout = _checkout_copy(tmp_path / "checkout", changed="tools/grading/judge.py")
    cluster = Cluster(tmp_path / "cluster", kernel_environment(), workers=0)
    try:
        cluster.add_worker(checkout)
        cluster.wait_for(1)
        result = grade_command(course, inbox, "--dask-scheduler", cluster.address)
    finally:
        cluster.close()
    assert result.returncode == 1, _said(result)
    ours, theirs = code_hash(), code_hash(checkout)
    state = _state(course)
    assert sorted(state) == ["s01", "w01"]
    for entry in state.values():
        assert entry["status"].startswith("failed: ") and "채점기 코드가 다릅니다" in entry["status"]
        assert ours in entry["status"] and theirs in entry["status"]
        assert all(r["score"] == "" and r["status"] == "failed" for r in entry["rows"])
    assert "고칠 것" in result.stdout and "워커를 다시 시작" in result.stdout and theirs in result.stdout
    assert scores(course, ASSIGNMENT) == {}, "no score written"
    assert not (course / "grading" / "autograded").exists() or not any((course / "grading" / "autograded").iterdir())


@slow
def test_a_scheduler_that_cannot_import_the_grader_is_named_before_any_job(graded, tmp_path):
    """Dask unpickles each job's function on the scheduler too: one started outside the checkout is refused."""
    course = _fresh_course(graded["crafted"], tmp_path / "course")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(graded["inbox"] / "s01_honest.ipynb", inbox)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    cluster = Cluster(tmp_path / "cluster", kernel_environment(), workers=1, scheduler_path=elsewhere)
    try:
        result = grade_command(course, inbox, "--dask-scheduler", cluster.address)
    finally:
        cluster.close()
    assert result.returncode == 5, _said(result)
    assert "PYTHONPATH" in result.stderr and "tools.grading.dask_runner" in result.stderr
    assert not (course / "grading" / "reports" / f"{ASSIGNMENT}_state.json").exists() or _state(course) == {}


def _certificates(folder: Path) -> Path:
    """A cluster's own CA and certificates for the scheduler, the worker and the client (book/instructor_guide.md)."""
    if not shutil.which("openssl"):
        pytest.fail("openssl is missing (Debian: apt-get install openssl)")
    folder.mkdir()
    run = lambda *args: subprocess.run(["openssl", *args], cwd=folder, check=True, capture_output=True)  # noqa: E731
    run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=course-dask-ca", "-keyout",
        "ca.key", "-out", "ca.pem")
    for who in ("scheduler", "worker", "client"):
        run("req", "-newkey", "rsa:2048", "-nodes", "-subj", f"/CN=course-dask-{who}", "-keyout", f"{who}.key",
            "-out", f"{who}.csr")
        run("x509", "-req", "-in", f"{who}.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-days", "2",
            "-out", f"{who}.pem")
    return folder


@slow
def test_tls_with_the_guides_certificates_and_no_certificate_no_connection(graded, tmp_path):
    course = _fresh_course(graded["crafted"], tmp_path / "course")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(graded["inbox"] / "s01_honest.ipynb", inbox)
    tls = _certificates(tmp_path / "tls")
    cluster = Cluster(tmp_path / "cluster", kernel_environment(), workers=1, tls=tls)
    try:
        quick = {"DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT": "3s"}
        refused = grade_command(course, inbox, "--dask-scheduler", cluster.address, env_extra=quick)
        result = grade_command(course, inbox, "--dask-scheduler", cluster.address, "--dask-tls-ca-file",
                               str(tls / "ca.pem"), "--dask-tls-cert", str(tls / "client.pem"), "--dask-tls-key",
                               str(tls / "client.key"))
    finally:
        cluster.close()
    assert refused.returncode == 5 and "연결하지 못했습니다" in refused.stderr, _said(refused)
    assert result.returncode == 0, _said(result) + cluster.logs()
    assert "tls://127.0.0.1:" in result.stdout and _rows(course)["s01"] == _rows(graded["local_course"])["s01"]


def _ctrl_c_as_in_a_terminal() -> None:
    """In the command's process, before it starts: SIGINT does what it does in a terminal.

    A shell without job control starts background commands with SIGINT ignored, and Python then
    installs no KeyboardInterrupt handler: the suite run as ``bash scripts/test.sh &`` (or under
    nohup in a script) would hand that on to this command, which would never see the Ctrl-C.
    """
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@slow
@pytest.mark.parametrize("where", ["local", "dask"])
def test_ctrl_c_stops_either_runner_at_once_and_the_rerun_resumes(graded, tmp_path, where):
    """SIGINT while sandboxes run: exit 130 within seconds, nothing half written; the next run grades the rest."""
    course = _fresh_course(graded["crafted"], tmp_path / "course")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name in ("s01_honest", "w01_wrong", "s20_edited"):
        shutil.copy(graded["inbox"] / f"{name}.ipynb", inbox)
    cluster = Cluster(tmp_path / "cluster", kernel_environment(), workers=1) if where == "dask" else None
    extra = ["--dask-scheduler", cluster.address] if cluster else ["--workers", "1"]
    command = None
    try:
        command = subprocess.Popen(
            [sys.executable, "-m", "tools.grade", ASSIGNMENT, str(inbox), "--root", str(course), "--cell-timeout",
             "20", *extra], cwd=ROOT, env=kernel_environment(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True, preexec_fn=_ctrl_c_as_in_a_terminal)
        running = cluster.workers[0] if cluster else command
        deadline = time.monotonic() + 120
        while "bwrap" not in children(running.pid):
            assert time.monotonic() < deadline and command.poll() is None, "no sandbox ever ran"
            time.sleep(0.1)
        time.sleep(1)
        command.send_signal(signal.SIGINT)
        began = time.monotonic()
        out, err = command.communicate(timeout=60)
        stopped_s = time.monotonic() - began
        if cluster:
            again = grade_command(course, inbox, "--dask-scheduler", cluster.address)
    finally:
        if command is not None and command.poll() is None:
            command.kill()
            command.wait()
        if cluster:
            cluster.close()
    assert command.returncode == 130, f"exit {command.returncode}\n{out[-2000:]}\n{err[-2000:]}"
    assert "중단했습니다" in err and stopped_s < 20, stopped_s
    if not cluster:
        again = grade_command(course, inbox, "--workers", "2")
    assert again.returncode == 4, _said(again)
    rows, local = _rows(course), _rows(graded["local_course"])
    assert sorted(rows) == ["s01", "s20", "w01"] and rows == {s: local[s] for s in rows}

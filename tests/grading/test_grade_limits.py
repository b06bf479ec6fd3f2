"""``python -m tools.grade`` on awkward inputs and set-ups (issue 31): nothing in a submission or a set-up
stops a grading run, and the host's memory and disk are unharmed.

- **An LMS zip** of a few MB holding a ~3 GB notebook (generated here, streamed, never in memory),
  members with unsafe paths, a symlink, a text file, a broken notebook, a duplicate and a member whose
  header lies about its size: the honest student is graded, every member is accounted for with its
  reason, nothing is written outside the inbox, the grader stays small, its temporary folders go.
- **Sandbox limits** (small ones, through the command's options): a student writing 6 GB stops at the
  disk quota, many processes each taking memory stop at the sandbox's memory limit, one huge allocation
  raises ``MemoryError``, a huge printout is cut in the autograded notebook; each loses only that
  question and the feedback names the limit.  Run as root (a memory cgroup where this machine has one)
  and as an unprivileged user (the fallback: the worker's watch of resident memory).
- **Preflight**: a grader importing ``course_utils`` from another copy (``PYTHONPATH``) stops with exit 3
  and both paths, before any student is graded or flagged.
"""

from __future__ import annotations

import csv
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import nbformat
import pytest

import unprivileged
from notebook_helpers import ROOT, fill_answers, kernel_environment, read
from test_grading import ReleasedCourse

CH01 = ROOT / "book" / "ch01_data_shapes" / "ch01_data_shapes.ipynb"
ASSIGNMENT = "ch01_data_shapes"
pytestmark = pytest.mark.slow

#: Small limits for the sandbox tests (MiB, GiB): the host is never asked for more.
DISK_MB, MEMORY_GB = 64, 1.5
HUGE_BYTES = 3 * 10**9


class Course(ReleasedCourse):
    """Chapter 1 released, the instructor's answers and helpers to make submissions."""

    def __init__(self, tmp: Path):
        super().__init__(tmp, CH01)
        self.answers = [a for a, _, _ in self.pairs]
        self.tests = [t for _, t, _ in self.pairs]

    def nb(self, prefix: dict | None = None):
        """Right answers; ``prefix`` {answer index: code} runs first in that answer cell."""
        return fill_answers(self.released, {
            answer: (prefix or {}).get(index, "") + "\n" + self.solutions[answer]
            for index, answer in enumerate(self.answers)})

    def fresh(self, tmp: Path) -> Path:
        """A copy of the course with no grading results (the gradebook knows the assignment)."""
        course = tmp / "course"
        shutil.copytree(self.course, course, ignore=shutil.ignore_patterns(
            "submitted", "autograded", "feedback", "reports", "grades.csv", "tmp"))
        return course


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    return Course(tmp_path_factory.mktemp("limits"))


def run_grade(course: Path, target: Path, *extra: str, env_extra=None, timeout=900):
    """Run the command; (CompletedProcess, peak resident memory of the command and its children in bytes)."""
    env = kernel_environment()
    env.update(env_extra or {})
    command = [sys.executable, "-m", "tools.grade", ASSIGNMENT, str(target), "--root", str(course),
               "--cell-timeout", "60", "--workers", "2", "--no-feedback", *extra]
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=err)
        deadline = time.monotonic() + timeout
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                process.kill()
            time.sleep(0.2)
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        result = subprocess.CompletedProcess(command, process.returncode, out.read().decode(), err.read().decode())
    return result, usage.ru_maxrss * 1024


def rows_of(course: Path) -> dict[str, dict[str, dict]]:
    rows = {}
    path = course / "grading" / "reports" / f"{ASSIGNMENT}_questions.csv"
    with open(path, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            rows.setdefault(row["student"], {})[row["question"]] = row
    return rows


def leftovers(course: Path) -> list[Path]:
    where = course / "grading" / "tmp"
    return sorted(where.iterdir()) if where.is_dir() else []


# --- The LMS zip ----------------------------------------------------------------------------

def write_huge_notebook(archive: zipfile.ZipFile, name: str, size: int) -> None:
    """A valid-looking notebook of ``size`` bytes (one huge output), streamed into the zip 4 MB at a time."""
    head = b'{"cells": [{"cell_type": "code", "metadata": {}, "source": "print()", "execution_count": 1, ' \
           b'"outputs": [{"output_type": "stream", "name": "stdout", "text": "'
    tail = b'"}]}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}\n'
    block = b"A" * (4 << 20)
    with archive.open(name, "w", force_zip64=True) as handle:
        handle.write(head)
        left = size - len(head) - len(tail)
        while left > 0:
            handle.write(block[:left])
            left -= len(block)
        handle.write(tail)


def lying_member(path: Path, name: str, real: bytes, declared: int) -> None:
    """Append ``name`` to the zip at ``path`` with ``real`` content but headers that declare ``declared`` bytes."""
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, real)
        local = archive.getinfo(name).header_offset
    data = bytearray(path.read_bytes())
    central = data.rindex(b"PK\x01\x02")
    while data[central + 46:central + 46 + len(name)] != name.encode():  # this member's central entry
        central = data.rindex(b"PK\x01\x02", 0, central)
    for offset in (local + 22, central + 24):  # uncompressed size: local header, central directory
        assert int.from_bytes(data[offset:offset + 4], "little") == len(real)
        data[offset:offset + 4] = declared.to_bytes(4, "little")
    path.write_bytes(bytes(data))


@pytest.fixture(scope="module")
def zip_run(course, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("zip")
    target = tmp / "제출물.zip"
    escape = Path(tempfile.gettempdir()) / "s03_escape_ch01.ipynb"
    escape.unlink(missing_ok=True)
    honest = nbformat.writes(course.nb())
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("s01_honest.ipynb", honest)
        write_huge_notebook(archive, "s02_huge.ipynb", HUGE_BYTES)
        archive.writestr("../../../../../../../.." + str(escape), honest)
        archive.writestr("sub/../../s04_dotdot_202600902.ipynb", honest)
        archive.writestr("/abs/s05_absolute.ipynb", honest)
        link = zipfile.ZipInfo("s06_link.ipynb")
        link.external_attr = (0o120777 << 16)
        archive.writestr(link, "/etc/passwd")
        archive.writestr("s07_notes.txt", "not a notebook")
        archive.writestr("s08_broken.ipynb", "{ this is not JSON")
        archive.writestr("__MACOSX/._s01_honest.ipynb", "resource fork")
        archive.writestr("s09/ch01_data_shapes.ipynb", honest)
        import warnings
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # zipfile warns of the duplicate: that is the point
            archive.writestr("s09/ch01_data_shapes.ipynb", honest)
    lying_member(target, "s10_lying.ipynb", b"{" + b" " * (20 << 20) + b"}", 1000)
    course_dir = course.fresh(tmp)
    stale = course_dir / "grading" / "tmp" / "inbox-999999999-stale"  # a killed run's leftover (no such pid)
    stale.mkdir(parents=True)
    (stale / "old.ipynb").write_text("{}")
    from tools.grading.sandbox import MemoryCgroup

    places = [parent for parent, _, _ in MemoryCgroup._places(0)]
    stale_cgroup = places[0] / "course-grade-job-999999999-stale" if places else None
    if stale_cgroup:  # a sandbox's memory cgroup left by a killed run (a SIGKILLed Dask worker)
        stale_cgroup.mkdir()
    began = time.monotonic()
    result, peak = run_grade(course_dir, target, "--max-notebook-mb", "50")
    print(f"3 GB zip: graded in {time.monotonic() - began:.1f} s, peak resident memory {peak / 2**20:.0f} MiB")
    yield result, peak, course_dir, target, escape, stale_cgroup
    escape.unlink(missing_ok=True)


def test_the_zip_is_small_and_holds_a_3_gb_notebook(zip_run):
    _result, _peak, _course, target, _escape, _cgroup = zip_run
    with zipfile.ZipFile(target) as archive:
        assert archive.getinfo("s02_huge.ipynb").file_size == HUGE_BYTES
    assert target.stat().st_size < 40 * 10**6


def test_the_oversized_notebook_is_skipped_and_the_class_graded(zip_run):
    result, peak, course_dir, _target, _escape, _cgroup = zip_run
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert set(rows_of(course_dir)) == {"s01", "s09"}
    assert "학생 s02의 파일이 너무 큽니다 (3000.0 MB, 한도 50 MB)" in result.stderr, result.stderr
    assert peak < 2 * 2**30, f"the grader grew to {peak / 2**30:.1f} GiB"
    assert not (course_dir / "grading" / "submitted" / "s02").exists()


def test_every_member_is_accounted_for(zip_run):
    result, _peak, _course, target, escape, _cgroup = zip_run
    with zipfile.ZipFile(target) as archive:
        files = [m for m in archive.infolist() if not m.is_dir()]
    assert len(files) == 12
    assert f"zip의 파일 {len(files)}개 = 모음 2 + 대체됨 0 + 건너뜀 10" in result.stdout, result.stdout
    reasons = {line.split(":", 1)[0].split("건너뜀", 1)[1].strip(): line for line in result.stderr.splitlines()
               if line.strip().startswith("건너뜀")}
    expected = {"s04_dotdot": "안전하지 않은 경로", "s05_absolute": "안전하지 않은 경로", "s03_escape": "안전하지 않은 경로",
                "s06_link": "심볼릭 링크", "s07_notes": "노트북(.ipynb)이 아닙니다", "s08_broken": "노트북 파일로 읽을 수 없습니다",
                "._s01": "macOS", "s02_huge": "너무 큽니다", "s09/ch01": "같은 경로의 파일", "s10_lying": "zip"}
    for fragment, reason in expected.items():
        found = [line for name, line in reasons.items() if fragment in name]
        assert len(found) == 1 and reason in found[0], (fragment, reasons)
    assert not escape.exists(), "a member escaped the inbox"


def test_temporary_folders_are_gone_and_stale_ones_cleared(zip_run):
    _result, _peak, course_dir, _target, _escape, stale_cgroup = zip_run
    assert leftovers(course_dir) == []
    assert stale_cgroup is None or not stale_cgroup.exists()
    assert not list(Path(tempfile.gettempdir()).glob("course-inbox-*"))


def test_an_interrupted_run_removes_its_temporary_folders(course, tmp_path):
    """SIGTERM while a sandbox runs: exit 130, and no folder left under grading/tmp."""
    course_dir = course.fresh(tmp_path)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    nbformat.write(course.nb(prefix={0: "import time\ntime.sleep(60)"}), inbox / "s01.ipynb")
    env = kernel_environment()
    process = subprocess.Popen([sys.executable, "-m", "tools.grade", ASSIGNMENT, str(inbox), "--root", str(course_dir),
                                "--no-feedback"], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    try:
        deadline = time.monotonic() + 300
        while not any(p.name.startswith("job-") for p in leftovers(course_dir)):
            assert process.poll() is None and time.monotonic() < deadline, process.communicate()
            time.sleep(0.2)
        time.sleep(2)
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130, out[-2000:] + err[-2000:]
    assert leftovers(course_dir) == []


# --- Sandbox limits -------------------------------------------------------------------------

#: Writes 6 GB in 1 MB blocks to the home folder, then /tmp and /dev/shm; the quota stops each.
WRITE_6GB = """import os
for _where in ('big.bin', '/tmp/big.bin', '/dev/shm/big.bin'):
    try:
        with open(_where, 'wb') as _f:
            for _ in range(6 * 1024):
                _f.write(b'x' * 2**20)
        print('6 GB written to', _where)
    except OSError as _error:
        print('DISK-STOPPED', _where, os.path.getsize(_where) // 2**20, 'MiB')
        _last = _error
    os.remove(_where)
raise _last"""
#: Eight processes each taking 400 MB (pages touched): the sum is over the sandbox's memory.
MANY_PROCESSES = """import subprocess, sys
_code = "import time; _b = bytearray(400 * 2**20); _b[::4096] = b'x' * len(_b[::4096]); time.sleep(20)"
_procs = [subprocess.Popen([sys.executable, '-c', _code]) for _ in range(8)]
_codes = [_p.wait() for _p in _procs]
print('EXIT CODES', _codes)
assert all(_c == 0 for _c in _codes), _codes"""
#: One allocation larger than the address space a process may have (sandbox.MIN_ADDRESS_SPACE).
ONE_HUGE = "_huge = b'x' * (12 * 2**30)"
#: A printout far longer than the autograded notebook keeps.
PRINTOUT = "print('y' * 3_000_000)"


def limit_submissions(course: Course) -> dict:
    return {"s01_honest.ipynb": course.nb(),
            "s02_disk.ipynb": course.nb(prefix={0: WRITE_6GB}),
            "s03_procs.ipynb": course.nb(prefix={2: MANY_PROCESSES}),
            "s04_memory.ipynb": course.nb(prefix={3: ONE_HUGE}),
            "s05_printout.ipynb": course.nb(prefix={1: PRINTOUT})}


LIMIT_OPTIONS = ("--disk-mb", str(DISK_MB), "--memory-gb", str(MEMORY_GB))


def grade_limits(course: Course, base: Path, as_user: bool):
    course_dir = course.fresh(base)
    inbox = base / "inbox"
    inbox.mkdir()
    for name, nb in limit_submissions(course).items():
        nbformat.write(nb, inbox / name)
    if not as_user:
        result, _peak = run_grade(course_dir, inbox, *LIMIT_OPTIONS)
        return result, course_dir
    unprivileged.require()
    (base / "home").mkdir()
    (base / "view").mkdir()
    unprivileged.give_to_user(course_dir)
    unprivileged.give_to_user(inbox)
    unprivileged.give_to_user(base / "home")
    env = {**kernel_environment(), "HOME": str(base / "home")}
    result = unprivileged.run_as_user(
        [sys.executable, "-m", "tools.grade", ASSIGNMENT, str(inbox), "--root", str(course_dir), "--cell-timeout", "60",
         "--workers", "2", "--no-feedback", *LIMIT_OPTIONS], env=env, cwd=ROOT, view=base / "view", timeout=900)
    return result, course_dir


@pytest.fixture(scope="module", params=["root", "unprivileged"])
def limits_run(course, request):
    base = Path(tempfile.mkdtemp(prefix="course-limits-"))
    base.chmod(0o755)
    try:
        result, course_dir = grade_limits(course, base, request.param == "unprivileged")
        assert (course_dir / "grading" / "reports" / f"{ASSIGNMENT}_questions.csv").is_file(), \
            result.stdout[-3000:] + result.stderr[-3000:]
        autograded = {s: read(course_dir / "grading" / "autograded" / s / ASSIGNMENT / CH01.name)
                      for s in ("s01", "s02", "s03", "s04", "s05")}
        yield result, rows_of(course_dir), autograded, leftovers(course_dir)
    finally:
        shutil.rmtree(base, ignore_errors=True)


def text_of(nb) -> str:
    return "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "stream")


def errors_of(nb) -> str:
    return "".join(str(o.get("evalue", "")) for c in nb.cells for o in c.get("outputs", [])
                   if o.get("output_type") == "error")


def test_every_student_is_graded_and_the_honest_one_fully(course, limits_run):
    result, rows, _nbs, left = limits_run
    assert set(rows) == {"s01", "s02", "s03", "s04", "s05"}, result.stdout[-3000:] + result.stderr[-3000:]
    assert [rows["s01"][t]["score"] for t in course.tests] == ["1.0", "1.0", "1.0", "1.0", "2.0"], rows["s01"]
    assert left == []


def test_writing_6_gb_stops_at_the_disk_quota_and_costs_one_question(course, limits_run):
    _result, rows, nbs, _left = limits_run
    text = text_of(nbs["s02"])
    assert "6 GB written" not in text and text.count("DISK-STOPPED") == 3, text[-2000:]
    for line in text.splitlines():
        if line.startswith("DISK-STOPPED"):
            assert int(line.split()[-2]) <= DISK_MB, line
    first = rows["s02"][course.tests[0]]
    assert first["score"] == "0.0" and "디스크 한도" in first["reason"], first
    assert sum(float(r["score"]) for r in rows["s02"].values()) == 5.0
    assert "디스크 한도" in errors_of(nbs["s02"]), "the feedback names the limit"


def test_many_processes_stop_at_the_sandbox_memory_and_cost_one_question(course, limits_run):
    _result, rows, nbs, _left = limits_run
    third = rows["s03"][course.tests[2]]
    assert third["score"] == "0.0" and "메모리 한도" in third["reason"] and "모든 프로세스 합" in third["reason"], third
    assert sum(float(r["score"]) for r in rows["s03"].values()) == 5.0, rows["s03"]
    assert "메모리 한도" in errors_of(nbs["s03"])


def test_one_huge_allocation_is_a_memory_error_in_that_question(course, limits_run):
    _result, rows, nbs, _left = limits_run
    fourth = rows["s04"][course.tests[3]]
    assert fourth["score"] == "0.0" and "MemoryError" in fourth["reason"], fourth
    assert sum(float(r["score"]) for r in rows["s04"].values()) == 5.0


def test_a_huge_printout_is_cut_in_the_autograded_notebook(limits_run):
    _result, rows, nbs, _left = limits_run
    assert sum(float(r["score"]) for r in rows["s05"].values()) == 6.0
    text = text_of(nbs["s05"])
    assert "출력이 너무 길어" in text and len(text) < 200_000


# --- Preflight ------------------------------------------------------------------------------

def test_a_grader_importing_another_course_utils_stops_before_any_student(course, tmp_path):
    """PYTHONPATH puts another copy of course_utils first for the grader; its kernels would import another."""
    other = Path(tempfile.mkdtemp(prefix="course-other-"))
    try:
        shutil.copytree(ROOT / "src" / "course_utils", other / "course_utils",
                        ignore=shutil.ignore_patterns("__pycache__"))
        for folder in (other, *other.rglob("*")):
            folder.chmod(0o755 if folder.is_dir() else 0o644)
        course_dir = course.fresh(tmp_path)
        inbox = tmp_path / "inbox"
        inbox.mkdir()
        nbformat.write(course.nb(), inbox / "s01.ipynb")
        env = {"PYTHONPATH": os.pathsep.join([str(other), kernel_environment()["PYTHONPATH"]])}
        result, _peak = run_grade(course_dir, inbox, env_extra=env)
        assert result.returncode == 3, result.stdout[-3000:] + result.stderr[-3000:]
        assert str(other / "course_utils") in result.stderr and "PYTHONPATH" in result.stderr, result.stderr
        assert f"설치된 course_utils는 {ROOT}에" in result.stderr, "the kernels' own copy is named too"
        assert "채점 환경 점검" in result.stderr
        state = course_dir / "grading" / "reports" / f"{ASSIGNMENT}_state.json"
        assert not state.exists() or "s01" not in state.read_text(encoding="utf-8")
        assert not (course_dir / "grading" / "autograded").exists()
        assert leftovers(course_dir) == []

        # the same mistake made by an instructor who is not root
        with unprivileged.scratch("course-preflight-") as base:
            user_course = course.fresh(base)
            shutil.copytree(inbox, base / "inbox")
            for path in (user_course, base / "inbox"):
                unprivileged.give_to_user(path)
            user_env = {**kernel_environment(), **env, "HOME": str(base / "home")}
            result = unprivileged.run_as_user(
                [sys.executable, "-m", "tools.grade", ASSIGNMENT, str(base / "inbox"), "--root", str(user_course),
                 "--no-feedback"], env=user_env, cwd=ROOT, view=base / "view", timeout=600)
            assert result.returncode == 3, result.stdout[-3000:] + result.stderr[-3000:]
            assert str(other / "course_utils") in result.stderr
            assert not (user_course / "grading" / "autograded").exists()
    finally:
        shutil.rmtree(other, ignore_errors=True)


def test_a_sandbox_with_other_course_utils_code_is_named_with_both_hashes(course):
    """The preflight's other refusal: the kernel imports course_utils, but not the grader's code."""
    from tools.grading import sandbox

    options = sandbox.Options(root=course.course, sandbox=True, cell_timeout=60, notebook_timeout=120,
                              memory_bytes=2**31, max_procs=64)
    found = sandbox.preflight(options)  # the honest set-up passes and says where from
    assert found["path"] == str(ROOT / "src" / "course_utils") and len(found["hash"]) == 16
    with pytest.raises(sandbox.PreflightFailed) as refused:
        sandbox.preflight(options, grader=("/elsewhere/course_utils", "0123456789abcdef"))
    message = str(refused.value)
    assert "/elsewhere/course_utils (코드 해시 0123456789abcdef)" in message
    assert f"{found['path']}의 course_utils(코드 해시 {found['hash']})" in message


def test_on_dask_the_preflight_runs_on_the_workers_and_stops_the_command(course, tmp_path):
    """The instructor's command imports changed course_utils code (PYTHONPATH); the workers' kernels do not."""
    from dask_cluster import Cluster

    other = tmp_path / "other"
    shutil.copytree(ROOT / "src" / "course_utils", other / "course_utils", ignore=shutil.ignore_patterns("__pycache__"))
    with open(other / "course_utils" / "__init__.py", "a", encoding="utf-8") as handle:
        handle.write("\n# the instructor's copy, edited\n")
    course_dir = course.fresh(tmp_path)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    nbformat.write(course.nb(), inbox / "s01.ipynb")
    cluster = Cluster(tmp_path / "cluster", kernel_environment(), workers=1)
    try:
        env = {"PYTHONPATH": os.pathsep.join([str(other), kernel_environment()["PYTHONPATH"]])}
        result, _peak = run_grade(course_dir, inbox, "--dask-scheduler", cluster.address, env_extra=env)
    finally:
        cluster.close()
    assert result.returncode == 3, result.stdout[-3000:] + result.stderr[-3000:] + cluster.logs()
    assert "Dask 워커" in result.stderr and "채점 환경 점검" in result.stderr
    assert str(other / "course_utils") in result.stderr and str(ROOT / "src" / "course_utils") in result.stderr
    assert not (course_dir / "grading" / "autograded").exists()


def test_an_oversized_file_in_a_folder_is_skipped_before_it_is_read(course, tmp_path):
    """tools.collect_submissions on a folder: a 3 GB file (sparse: no disk used) is skipped by its size alone."""
    from tools.collect_submissions import collect

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    nbformat.write(course.nb(), inbox / "s01.ipynb")
    with open(inbox / "s02_huge.ipynb", "wb") as handle:
        handle.truncate(HUGE_BYTES)  # zeros: reading it as a notebook would fail, and take 3 GB
    course_dir = course.fresh(tmp_path)
    report = collect(ASSIGNMENT, inbox, root=course_dir, max_bytes=50 * 10**6)
    assert [student for student, _, _ in report.collected] == ["s01"]
    [(path, reason)] = report.skipped
    assert path.name == "s02_huge.ipynb" and "학생 s02의 파일이 너무 큽니다 (3000.0 MB, 한도 50 MB)" in reason


def test_outputs_are_capped_as_text_and_figures():
    from tools.grading.sandbox_worker import cap_outputs

    cell = nbformat.v4.new_code_cell("print(...)")
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="y" * 300),
                    nbformat.v4.new_output("display_data", data={"image/png": "A" * 500, "text/plain": "<Figure>"})]
    cap_outputs(cell, 100, 200)
    assert cell.outputs[0]["text"] == "y" * 100 + "\n[채점기: 출력이 너무 길어 200자를 줄였습니다]\n"
    assert "image/png" not in cell.outputs[1]["data"]
    assert cell.outputs[-1]["text"] == "[채점기: 출력(image/png)이 너무 커서 뺐습니다]\n"


def test_a_zip_over_its_total_limit_is_refused_whole(course, tmp_path):
    """The notebooks' declared sizes add up past --max-zip-mb: nothing is extracted, exit 2, the fix said."""
    target = tmp_path / "제출물.zip"
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for student in ("s01", "s02", "s03"):
            archive.writestr(f"{student}.ipynb", nbformat.writes(course.nb()))
    course_dir = course.fresh(tmp_path)
    result, _peak = run_grade(course_dir, target, "--max-zip-mb", "0.01")
    assert result.returncode == 2, result.stdout[-2000:] + result.stderr[-2000:]
    assert "zip 안의 노트북 3개를 풀면" in result.stderr and "--max-zip-mb" in result.stderr
    assert not (course_dir / "grading" / "submitted").exists() and leftovers(course_dir) == []

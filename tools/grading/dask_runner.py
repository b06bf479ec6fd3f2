"""Grading on a Dask cluster: ``python -m tools.grade ASSIGNMENT SUBMISSIONS --dask-scheduler ADDRESS``.

The parent (the instructor's command) builds every plan, keeps its secrets (hidden
literals, input cases), judges and writes; only the sandboxed run of each student
travels to a worker of an existing Dask cluster (one scheduler, workers started by
Slurm, Kubernetes or by hand; book/instructor_guide.md, "Dask 클러스터로 채점하기").

What a job carries (:meth:`DaskRunner.payload`): the notebook to run (``plan.run_nb``:
the student's cells, guard and probe cells; no test, no expected value), the bytes of
the student's notebook and its file name, the release's public files (not notebooks),
the sandbox limits, the kernel's environment variables (``sandbox.PASS_ENV``) and the
:func:`code_hash` of the grader's code.  What comes back: the executed notebook (JSON
text), or the reason it failed, exactly as a local run's sandbox gives them.

On the worker, :func:`grade_on_worker` compares the job's hash with its own checkout's
and refuses when they differ (a Korean message naming both hashes: the student is
reported ``failed: 이유``, nothing is written for them), checks ``bwrap`` once per
process, writes the files into a temporary folder and runs the same bubblewrap sandbox
as a local run (:func:`tools.grading.sandbox.run_in_sandbox`).  A worker therefore needs
this checkout at the same commit, ``PYTHONPATH`` set to it (so that
``tools.grading.dask_runner`` imports), the pinned environment and ``bwrap``.

Faults: a worker that dies during a job loses nothing, the scheduler runs the job again
on another worker (Dask reschedules the tasks of a lost worker; after
``distributed.scheduler.allowed-failures`` deaths, default 3, the student is reported
failed and the next run grades them); an exception of the job itself is retried once
(``retries=1``).  A scheduler that goes away stops the run (:class:`RunStopped`): the
results already received are written, and rerunning resumes from the resume state.

dask/distributed are imported only here and only when :class:`DaskRunner` is made:
a local run never imports them.  This module itself imports no Dask at import time,
so :func:`code_hash` works without it.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import socket
import subprocess
import sys
import time
import uuid
from concurrent.futures import CancelledError
from pathlib import Path
from typing import Iterable, Iterator

import nbformat

from tools.grading import sandbox, scratch
from tools.grading.runner import Job, Outcome, RunStopped

ROOT = Path(__file__).resolve().parents[2]
#: Marks the reason of a job that a worker refused because its code differs (tools/grade.py's summary).
REFUSED = "채점기 코드가 다릅니다"
#: The error of a job whose worker could not import this module (no PYTHONPATH, another checkout).
_NOT_IMPORTED = ("ModuleNotFoundError", "ImportError")


# --- What both sides compare ------------------------------------------------------------

def code_files(root: Path = ROOT) -> list[tuple[str, Path]]:
    """The files whose content makes up the grader's code: (name in the hash, path).

    ``tools/grading/*.py`` (plan, probe, codec, sandbox and its worker, judge, records, this
    module), the ``course_utils`` package that the kernels import (``**/*.py`` of the copy
    this Python imports: on a worker, the one the sandboxes will see) and ``requirements.txt``.
    """
    import course_utils

    package = Path(course_utils.__file__).resolve().parent
    files = [(f"tools/grading/{p.name}", p) for p in sorted((root / "tools" / "grading").glob("*.py"))]
    files += [(f"course_utils/{p.relative_to(package).as_posix()}", p) for p in sorted(package.rglob("*.py"))]
    files.append(("requirements.txt", root / "requirements.txt"))
    return files


def code_hash(root: Path = ROOT) -> str:
    """A content hash of :func:`code_files` and the Python version (major.minor), 16 hex digits.

    Read from disk at every call: the sandboxes of a worker run the files as they are now.
    """
    digest = hashlib.sha256(f"python {sys.version_info[0]}.{sys.version_info[1]}\n".encode())
    for name, path in code_files(root):
        data = path.read_bytes() if path.is_file() else b"<missing>"
        digest.update(name.encode() + b"\0" + str(len(data)).encode() + b"\0" + data)
    return digest.hexdigest()[:16]


@functools.lru_cache(maxsize=1)
def checkout_commit(root: Path = ROOT) -> str:
    """The checkout's git commit (short), or "" where git or the repository is not there."""
    try:
        result = subprocess.run(["git", "-C", str(root), "rev-parse", "--short", "HEAD"], capture_output=True,
                                text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return ""
    return result.stdout.strip() if result.returncode == 0 else ""


# --- On the worker ---------------------------------------------------------------------

_SANDBOX_CHECKED: list = []  # [""] once bwrap and the preflight worked in this process, [message] when not


def _worker_name() -> str:
    try:
        from distributed import get_worker

        return f"{socket.gethostname()} ({get_worker().address})"
    except Exception:  # noqa: BLE001 - called outside a Dask worker (the tests call it directly)
        return socket.gethostname()


def _plain_name(name: str) -> str:
    if not name or Path(name).name != name or name in (".", ".."):
        raise ValueError(f"not a plain file name: {name!r}")
    return name


def refusal(worker: str, theirs: str, ours: str, commit_theirs: str = "", commit_ours: str = "") -> str:
    """The Korean reason of a refused job: both hashes, both commits when known, and what to do."""
    at = lambda commit: f", 커밋 {commit}" if commit else ""  # noqa: E731
    return (f"Dask 워커 {worker}의 {REFUSED} (워커 {theirs}{at(commit_theirs)}, 채점 명령 {ours}{at(commit_ours)}): "
            f"워커의 과목 폴더를 채점 명령과 같은 커밋{f'({commit_ours})' if commit_ours else ''}으로 맞추고 "
            "`bash scripts/setup_env.sh`로 환경을 맞춘 뒤 워커를 다시 시작하세요")


def _options(job: dict) -> sandbox.Options:
    limits = job["options"]
    return sandbox.Options(root=ROOT, sandbox=limits["sandbox"], cell_timeout=limits["cell_timeout"],
                           notebook_timeout=limits["notebook_timeout"], memory_bytes=limits["memory_bytes"],
                           max_procs=limits["max_procs"], max_restarts=limits["max_restarts"], env=job["env"],
                           disk_bytes=limits["disk_bytes"])


def _worker_checks(options: sandbox.Options, grader) -> str:
    """Once per worker process: bwrap works and a sandbox imports the instructor's course_utils ("" when so)."""
    if not _SANDBOX_CHECKED:
        scratch.clear_stale(ROOT)  # what a killed worker of this checkout left
        try:
            if options.sandbox:
                sandbox.check_sandbox()
            sandbox.preflight(options, tuple(grader) if grader else None)
            _SANDBOX_CHECKED.append("")
        except (sandbox.SandboxUnavailable, sandbox.PreflightFailed) as error:
            _SANDBOX_CHECKED.append(str(error))
    return _SANDBOX_CHECKED[0]


def preflight_on_worker(job: dict) -> str:
    """Run by :meth:`DaskRunner.preflight` on every connected worker: "" or what is wrong there (Korean)."""
    return _worker_checks(_options(job), job.get("course_utils"))


def grade_on_worker(job: dict) -> dict:
    """Run one student's job on a Dask worker: ``{"notebook": JSON text}`` or ``{"error": reason}``.

    Refuses (``error`` and ``refused``) when this checkout's :func:`code_hash` differs from the
    job's.  Sandbox failures come back as ``error`` with the same reason a local run gives;
    anything else raises, and Dask retries the job once.
    """
    began = time.monotonic()
    where = _worker_name()
    mine = code_hash()
    if mine != job["code_hash"]:
        return {"error": refusal(where, mine, job["code_hash"], checkout_commit(), job.get("commit", "")),
                "refused": {"worker": where, "hash": mine}, "worker": where}
    options = _options(job)
    problem = _worker_checks(options, job.get("course_utils"))
    if problem:
        return {"error": f"Dask 워커 {where}에서 채점할 수 없습니다: {problem}", "worker": where}
    with scratch.folder(ROOT, "dask-job") as tmp:
        release = Path(tmp) / "release"
        release.mkdir()
        for name, data in job["release"].items():
            (release / _plain_name(name)).write_bytes(data)
        submitted = Path(tmp) / "submitted"
        submitted.mkdir()
        path = submitted / _plain_name(job["notebook_name"])
        path.write_bytes(job["notebook"])
        try:
            out = sandbox.run_in_sandbox(json.loads(job["run_nb"]), release, path, options)
        except Exception as error:  # noqa: BLE001 - as in a local run: the student is reported failed
            return {"error": str(error) or type(error).__name__, "worker": where}
    return {"notebook": nbformat.writes(out), "worker": where, "seconds": round(time.monotonic() - began, 3)}


# --- In the parent ---------------------------------------------------------------------

class DaskRunner:
    """Send the jobs to a Dask cluster and yield the outcomes as they finish (tools/grading/runner.py)."""

    #: How often (s) the runner looks at the cluster while no job finishes: workers connected, scheduler there.
    POLL_S = 2.0

    def __init__(self, address: str, release_dir: Path, options: sandbox.Options, *, tls_ca_file=None,
                 tls_cert=None, tls_key=None, connect_timeout: float | None = None):
        try:
            from distributed import Client
            from distributed.security import Security
        except ImportError as error:  # pragma: no cover - pinned in requirements.txt
            raise RunStopped(f"--dask-scheduler에는 dask와 distributed가 필요합니다 ({error}): "
                             "`bash scripts/setup_env.sh`로 환경을 맞추세요.") from error
        self.address, self.options = address, options
        self.on_status = lambda: None
        self.hash, self.commit = code_hash(), checkout_commit()
        self.course_utils = list(sandbox.course_utils_here())  # what every worker's kernels must import
        self.env = {k: os.environ[k] for k in sandbox.PASS_ENV if k in os.environ}
        self.release = {p.name: p.read_bytes() for p in sorted(release_dir.iterdir())
                        if p.is_file() and p.suffix != ".ipynb"}  # what run_in_sandbox copies, nothing else
        self.refused: dict[str, str] = {}
        self._running: dict = {}
        self._workers = self._threads = 0
        self._polled = 0.0
        kwargs = {} if connect_timeout is None else {"timeout": connect_timeout}
        if tls_ca_file or tls_cert or tls_key:
            kwargs["security"] = Security(tls_ca_file=tls_ca_file, tls_client_cert=tls_cert, tls_client_key=tls_key,
                                          require_encryption=True)
        where = {"scheduler_file": address} if Path(address).is_file() else {"address": address}
        try:
            # The default client of this process: distributed.wait() below finds it (one client per run).
            # no timeout given: distributed.comm.timeouts.connect (30 s unless the Dask configuration says otherwise)
            self.client = Client(**where, set_as_default=True, **kwargs)
        except Exception as error:  # noqa: BLE001 - OSError, TimeoutError, a TLS or version error
            raise RunStopped(f"Dask 스케줄러 {address}에 연결하지 못했습니다 ({type(error).__name__}: {error}). "
                             "주소(tcp://호스트:포트, tls://… 또는 --scheduler-file의 파일)와 TLS 설정, "
                             "스케줄러가 실행 중인지 확인하세요.") from error
        self._poll(force=True)
        self._check_scheduler()

    # -- the runner interface

    def status(self) -> str:
        return f"워커 {self._workers}"

    def advice(self) -> list[str]:
        lines = []
        for worker, theirs in sorted(self.refused.items()):
            lines.append(f"Dask 워커 {worker}의 {REFUSED} (워커 {theirs}, 채점 명령 {self.hash}"
                         f"{f', 커밋 {self.commit}' if self.commit else ''}): 그 워커의 과목 폴더를 같은 커밋으로 맞추고 "
                         "`bash scripts/setup_env.sh` 뒤 워커를 다시 시작한 다음, 같은 명령을 다시 실행하세요.")
        return lines

    def describe(self) -> str:
        return f"Dask 스케줄러 {self.address}: 워커 {self._workers}개, 스레드 {self._threads}개 연결됨"

    def payload(self, job: Job) -> dict:
        """What travels to the worker for one student (never the plan's secrets)."""
        return {"code_hash": self.hash, "commit": self.commit, "run_nb": json.dumps(job.plan.run_nb),
                "notebook_name": job.path.name, "notebook": job.path.read_bytes(), "release": self.release,
                "course_utils": self.course_utils, **self._limits()}

    def _limits(self) -> dict:
        o = self.options
        return {"env": self.env, "options": {"sandbox": o.sandbox, "cell_timeout": o.cell_timeout,
                                             "notebook_timeout": o.notebook_timeout, "memory_bytes": o.memory_bytes,
                                             "max_procs": o.max_procs, "max_restarts": o.max_restarts,
                                             "disk_bytes": o.disk_bytes}}

    def preflight(self) -> None:
        """Every connected worker checks its sandbox and its kernels' course_utils (a worker joining later
        checks at its first job, and refuses it: that student is reported failed, never scored)."""
        try:
            found = self.client.run(preflight_on_worker, {"course_utils": self.course_utils, **self._limits()})
        except Exception as error:  # noqa: BLE001 - the scheduler went away, a worker could not import us
            raise RunStopped(f"Dask 워커에서 채점 환경을 점검하지 못했습니다 ({type(error).__name__}: {error}). "
                             "워커를 과목 폴더에서 PYTHONPATH=과목_폴더 로 시작했는지 확인하세요.") from error
        problems = [f"Dask 워커 {worker}: {text}" for worker, text in sorted(found.items()) if text]
        if problems:
            raise sandbox.PreflightFailed("\n".join(problems))

    def results(self, jobs: Iterable[Job]) -> Iterator[Outcome]:
        from distributed import wait

        pending = iter(jobs)
        exhausted = False
        while True:
            # A window of jobs in flight (two per worker thread, at least 8): the scheduler and this
            # process hold only those notebooks, and plans are built only as there is room for them.
            while not exhausted and len(self._running) < max(8, 2 * self._threads):
                job = next(pending, None)
                if job is None:
                    exhausted = True
                elif job.error is not None:
                    yield Outcome(job, error=job.error)
                else:
                    future = self.client.submit(grade_on_worker, self.payload(job), pure=False, retries=1,
                                                key=f"course-grade-{job.student}-{uuid.uuid4().hex[:12]}")
                    self._running[future] = job
            if not self._running:
                return
            try:
                done, _ = wait(list(self._running), timeout=self.POLL_S, return_when="FIRST_COMPLETED")
            except TimeoutError:
                self._poll()
                continue
            except CancelledError:  # distributed's FuturesCancelledError: the scheduler went away, or a cancel
                if self.client.status != "running":
                    raise self._lost() from None
                done = [future for future in self._running if future.done()]
            for future in done:
                job = self._running.pop(future)
                yield self._outcome(job, future)
            self._poll()

    def stop(self) -> None:
        """Ctrl-C: cancel the jobs (a job already running on a worker ends there; its result is dropped)."""
        try:
            self.client.cancel(list(self._running), force=True)
        except Exception:  # noqa: BLE001 - the scheduler may be gone already
            pass
        self.close()

    def close(self) -> None:
        try:
            self.client.close(timeout=10)
        except Exception:  # noqa: BLE001
            pass

    # -- helpers

    def _lost(self) -> RunStopped:
        waiting = len(self._running)
        return RunStopped(f"Dask 스케줄러 {self.address}와의 연결이 끊겨 채점을 멈춥니다 (워커에 보낸 학생 {waiting}명과 아직 "
                          "보내지 않은 학생은 성적에 쓰지 않았고, 결과를 받은 학생은 모두 썼습니다). 스케줄러와 워커를 다시 "
                          "시작한 뒤 같은 명령을 다시 실행하면 채점하지 않은 학생부터 이어서 채점합니다.")

    def _check_scheduler(self) -> None:
        """The scheduler unpickles each job's function (by reference): it must import this module too."""
        import pydoc

        try:
            found = self.client.run_on_scheduler(pydoc.locate, f"{__name__}.ROOT")
        except Exception as error:  # noqa: BLE001 - an old scheduler, or one that refuses to run it
            found, why = None, f" ({type(error).__name__}: {error})"
        else:
            why = ""
        if found is None:
            self.close()
            raise RunStopped(f"Dask 스케줄러 {self.address}가 채점기 코드({__name__})를 가져오지 못합니다{why}. "
                             "스케줄러도 워커처럼 같은 커밋의 과목 체크아웃 폴더에서 PYTHONPATH=체크아웃_폴더 로, "
                             "그 환경(.venv)의 `dask scheduler`로 시작하세요 (Dask는 작업의 함수를 스케줄러에서도 읽습니다).")

    def _poll(self, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._polled < self.POLL_S:
            return
        self._polled = now
        if self.client.status not in ("running", "connecting", "newly-created"):
            raise self._lost()
        try:
            nthreads = self.client.nthreads()
        except Exception as error:  # noqa: BLE001 - the scheduler went away between two polls
            raise self._lost() from error
        seen = (len(nthreads), sum(nthreads.values()))
        if seen != (self._workers, self._threads):
            self._workers, self._threads = seen
            self.on_status()

    def _outcome(self, job: Job, future) -> Outcome:
        if future.status == "finished":
            try:
                result = future.result()
            except Exception as error:  # noqa: BLE001 - the result could not be fetched
                if self.client.status != "running":
                    raise self._lost() from error
                return Outcome(job, error=f"Dask에서 결과를 받지 못함: {type(error).__name__}: {error}")
            if "refused" in result:
                self.refused[result["refused"]["worker"]] = result["refused"]["hash"]
            if "error" in result:
                return Outcome(job, error=result["error"])
            return Outcome(job, notebook=nbformat.reads(result["notebook"], as_version=4))
        if future.status == "cancelled":
            if self.client.status != "running":
                raise self._lost()
            return Outcome(job, error="Dask가 작업을 취소함 (다시 실행하면 다시 채점합니다)")
        error = future.exception()
        name = type(error).__name__
        if name == "KilledWorker":
            return Outcome(job, error=f"이 학생을 채점하던 Dask 워커가 거듭 죽었습니다 ({error}); 워커의 메모리와 로그를 "
                                      "확인하세요 (다시 실행하면 다시 채점합니다)")
        if "deserialization of the task graph" in str(error):
            return Outcome(job, error="Dask 스케줄러가 채점기 코드를 가져오지 못함: 스케줄러를 과목 체크아웃 폴더에서 "
                                      "PYTHONPATH=체크아웃_폴더 로 시작하세요")
        if name in _NOT_IMPORTED:
            return Outcome(job, error=f"Dask 워커가 채점기 코드를 가져오지 못함 ({name}: {error}): 워커를 과목 폴더에서 "
                                      "PYTHONPATH=과목_폴더 로 시작하세요")
        return Outcome(job, error=f"Dask 워커에서 오류: {name}: {error}")

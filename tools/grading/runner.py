"""Where the students' sandboxed jobs run: this machine's threads, or a Dask cluster.

``python -m tools.grade`` builds each student's plan in its own process, hands the
jobs to a *runner* and gets each job back, in the order they finish, with the
executed notebook or the reason it failed.  It then judges and writes, in the same
loop whichever runner ran the job (tools/grade.py).  A runner never decides a score
and never writes a file of the course.

- :class:`LocalRunner`: a pool of ``--workers`` threads on this machine, each running
  one sandbox (tools/grading/sandbox.py);
- :class:`tools.grading.dask_runner.DaskRunner`: the same sandbox on the workers of a
  Dask cluster (``--dask-scheduler``), imported only then.

The interface (what tools/grade.py uses):

``results(jobs)``
    a generator: takes an iterable of :class:`Job` (read lazily, so plans are built
    only as the runner has room for them) and yields one :class:`Outcome` per job;
``preflight()``
    before the first job: one sandbox (on Dask, one per worker) reports its ``course_utils``;
    raises :class:`tools.grading.sandbox.PreflightFailed` when it is missing or not the grader's;
``status()``
    a few words for the progress line ("" here; "워커 3" on Dask);
``on_status``
    a callable the runner calls when ``status()`` changed between two results;
``stop()``
    Ctrl-C: cancel the jobs not yet started and end the running sandboxes it can reach;
``advice()``
    lines for the summary that say what to fix (a Dask worker with other code...);
``close()``
    at the end of the run (the Dask client's connection).

A runner raises :class:`RunStopped` when it cannot go on at all (a Dask scheduler that
went away): the results already yielded are written, the rest is graded by the next run.
"""

from __future__ import annotations

import concurrent.futures as futures
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from tools.grading import sandbox


@dataclass
class Job:
    """One student's job: their submitted notebook and the plan built for it in the parent."""

    student: str
    path: Path                 # grading/submitted/STUDENT/ASSIGNMENT/NOTEBOOK.ipynb
    digest: str
    plan: object = None        # tools.grading.plan.Plan (its secrets never leave the parent)
    error: str | None = None   # why no plan could be built (the student is reported failed)


@dataclass
class Outcome:
    """A finished job: the executed notebook, or why there is none."""

    job: Job
    notebook: object = None    # the executed notebook (nbformat), judged by the parent
    error: str | None = None   # the reason: the student is reported ``failed: 이유``, no score is written


class RunStopped(RuntimeError):
    """The runner cannot go on (its message, Korean, says why and that rerunning resumes)."""


def _reason(error: BaseException) -> str:
    return str(error) or type(error).__name__


class LocalRunner:
    """``--workers`` sandboxes at a time on this machine."""

    def __init__(self, workers: int, release_dir: Path, options: sandbox.Options):
        self.workers = max(1, workers)
        self.release_dir, self.options = release_dir, options
        self.on_status = lambda: None
        self._pool: futures.ThreadPoolExecutor | None = None

    def preflight(self) -> None:
        sandbox.preflight(self.options)

    def status(self) -> str:
        return ""

    def advice(self) -> list[str]:
        return []

    def results(self, jobs: Iterable[Job]) -> Iterator[Outcome]:
        pending = iter(jobs)
        running: dict[futures.Future, Job] = {}
        with futures.ThreadPoolExecutor(max_workers=self.workers) as pool:
            self._pool = pool
            try:
                yield from self._loop(pool, pending, running)
            except BaseException:  # Ctrl-C, or the caller stopped: never wait for the running sandboxes
                self.stop()
                raise

    def _loop(self, pool, pending, running):
        exhausted = False
        while True:
            # Two jobs per thread in flight: the pool never waits for a plan, and only a few
            # plans (with their notebooks) are held at a time, however large the class.
            while not exhausted and len(running) < 2 * self.workers:
                job = next(pending, None)
                if job is None:
                    exhausted = True
                elif job.error is not None:
                    yield Outcome(job, error=job.error)
                else:
                    running[pool.submit(sandbox.run_in_sandbox, job.plan.run_nb, self.release_dir, job.path,
                                        self.options)] = job
            if not running:
                return
            done, _ = futures.wait(running, return_when=futures.FIRST_COMPLETED)
            for future in done:
                job = running.pop(future)
                try:
                    notebook = future.result()
                except Exception as error:  # noqa: BLE001 - one student's failure is reported, never a 0
                    yield Outcome(job, error=_reason(error))
                else:
                    yield Outcome(job, notebook=notebook)

    def stop(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
        sandbox.kill_running()

    def close(self) -> None:
        pass

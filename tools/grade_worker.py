"""The part of ``python -m tools.grade`` that runs INSIDE the bubblewrap sandbox.

It is started by the parent (tools/grade.py) as

    bwrap ... python /grader/grade_worker.py /job            (one student)

where ``/job`` is a folder only this process can read (it holds the notebook to
run, with the canonical and hidden tests) and ``/home/student`` the student's
writable scratch folder.  It runs the cells one by one in a fresh IPython kernel
that is itself started through this file in ``--exec-kernel`` mode: that mode
drops to an unprivileged user id (when the sandbox runs as root), sets the
process/memory limits and ``exec``s ipykernel, so student code can neither signal
nor trace this process nor read ``/job``.

A cell that kills the kernel (``os._exit``, SIGKILL) or runs past the cell time
limit and ignores the interrupt does not lose the notebook: the kernel is
restarted, every earlier student cell that ran cleanly is replayed (outputs
kept from the first run), the offending cell is marked and the rest goes on
(at most ``max_restarts`` times).  Results go to ``/job/out.ipynb``: each cell
carries ``metadata.course_grader.status`` (ok, timeout, kernel died, not run).

This file needs only the standard library, nbformat and nbclient (it is run by
path inside the sandbox, where the repository is not visible).
"""

from __future__ import annotations

import json
import os
import resource
import signal
import sys
import time

_STARTED = time.monotonic()


def exec_kernel(argv: list[str]) -> None:
    """``--exec-kernel UID NPROC MEM_BYTES -- cmd...``: drop privileges, set limits, exec the kernel."""
    uid, nproc, mem = (int(v) for v in argv[:3])
    cmd = argv[argv.index("--") + 1:]
    # The connection file was written by the (root) worker with mode 0600: hand the kernel its own copy.
    if "-f" in cmd:
        index = cmd.index("-f") + 1
        with open(cmd[index], encoding="utf-8") as handle:
            connection = handle.read()
        own = os.path.join(os.environ.get("HOME", "/tmp"), ".kernel-connection.json")
        if uid >= 0 and os.getuid() == 0:
            os.setgroups([])
            os.setgid(uid)
            os.setuid(uid)
        with open(own, "w", encoding="utf-8") as handle:
            handle.write(connection)
        cmd[index] = own
    elif uid >= 0 and os.getuid() == 0:
        os.setgroups([])
        os.setgid(uid)
        os.setuid(uid)
    if nproc > 0:
        resource.setrlimit(resource.RLIMIT_NPROC, (nproc, nproc))
    if mem > 0:
        resource.setrlimit(resource.RLIMIT_AS, (mem, mem))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    os.execv(cmd[0], cmd)


def _status(cell, value: str, detail: str = "") -> None:
    meta = cell.setdefault("metadata", {}).setdefault("course_grader", {})
    meta["status"] = value
    if detail:
        meta["detail"] = detail


def run(job_dir: str) -> int:
    # jsonschema (imported by nbformat) loads rfc3987_syntax, which builds a grammar for 1-3 s at import
    # and is only used for "iri" formats that notebooks never have: skip it (ImportError is expected there).
    sys.modules.setdefault("rfc3987_syntax", None)
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    with open(os.path.join(job_dir, "job.json"), encoding="utf-8") as handle:
        job = json.load(handle)
    nb = nbformat.reads(json.dumps(job["notebook"]), as_version=4)
    workdir = job["workdir"]
    timings = {"worker_ready_s": round(time.monotonic() - _STARTED, 3)}
    client = NotebookClient(
        nb, timeout=job["cell_timeout"], kernel_name="course-grader", allow_errors=True,
        interrupt_on_timeout=False, shutdown_kernel="immediate", startup_timeout=120,
        resources={"metadata": {"path": workdir}}, record_timing=False,
    )

    def start():
        began = time.monotonic()
        timings.setdefault("kernel_start_s", [])
        client.create_kernel_manager()
        log = open(os.path.join(job_dir, "kernel.log"), "ab")
        client.start_new_kernel(stdout=log, stderr=log)
        client.start_new_kernel_client()
        timings["kernel_start_s"].append(round(time.monotonic() - began, 3))

    def stop():
        try:
            client._cleanup_kernel()
        except Exception:  # noqa: BLE001 - a dead kernel may refuse a clean shutdown
            pass

    def execute(index: int) -> str:
        began = time.monotonic()
        try:
            client.execute_cell(nb.cells[index], index)
            return "ok"
        except CellTimeoutError:
            return "timeout"
        except DeadKernelError:
            return "kernel died"
        finally:
            nb.cells[index].metadata.setdefault("course_grader", {})["seconds"] = round(time.monotonic() - began, 3)

    def replay(upto: int) -> bool:
        """Start a new kernel and re-run the cells before ``upto`` that ran cleanly; True on success."""
        stop()
        start()
        for index in range(upto):
            cell = nb.cells[index]
            kind = cell.metadata.get("course_grader", {}).get("kind")
            if cell.cell_type != "code" or kind not in ("setup", "student"):
                continue
            if cell.metadata["course_grader"].get("status") != "ok":
                continue
            saved = cell.get("outputs", [])
            result = execute(index)
            cell.outputs = saved
            if result != "ok":
                return False
        return True

    def still_responds(index: int) -> bool:
        """After a time-out: interrupt the kernel; True if it then runs a trivial cell (state kept)."""
        from nbclient.util import run_sync

        try:
            run_sync(client.km.interrupt_kernel)()
            probe = nbformat.v4.new_code_cell("None")
            saved_timeout, client.timeout = client.timeout, 10
            try:
                client.execute_cell(probe, index)
            finally:
                client.timeout = saved_timeout
            return True
        except Exception:  # noqa: BLE001 - CellTimeoutError, DeadKernelError: the kernel must go
            return False

    restarts = 0
    start()
    try:
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            if cell.metadata.get("course_grader", {}).get("skipped"):
                _status(cell, "not run", "no answer cell")
                continue
            if restarts > job["max_restarts"]:
                _status(cell, "not run", "too many kernel restarts")
                continue
            result = execute(index)
            if result == "timeout" and still_responds(index):
                _status(cell, "timeout", "interrupted")
                continue
            if result == "ok":
                _status(cell, "ok")
                continue
            _status(cell, result, "kernel restarted" if result == "kernel died" else "killed after the time limit")
            restarts += 1
            while restarts <= job["max_restarts"] and not replay(index):
                restarts += 1
    finally:
        stop()
    nb.metadata["course_grader"] = timings
    out = os.path.join(job_dir, "out.ipynb")
    with open(out + ".tmp", "w", encoding="utf-8") as handle:
        nbformat.write(nb, handle)
    os.replace(out + ".tmp", out)
    return 0


def main(argv: list[str]) -> int:
    if argv and argv[0] == "--exec-kernel":
        exec_kernel(argv[1:])
        return 1  # not reached
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    return run(argv[0])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""The part of ``python -m tools.grade`` that runs INSIDE the bubblewrap sandbox.

It is started by the parent (tools/grading/sandbox.py) as

    bwrap ... python /grader/sandbox_worker.py /job            (one student)

where ``/job`` holds the notebook to run (the student's cells, guard cells and
probe cells; no test and no expected value: tools/grading/plan.py) and
``/home/student`` is the student's writable scratch folder.  It runs the cells one
by one in a fresh IPython kernel that is itself started through this file in
``--exec-kernel`` mode: that mode drops to an unprivileged user id (when the
sandbox runs as root), sets the process/memory limits and ``exec``s ipykernel.

Time limits: a cell that runs past the cell time limit is interrupted (nbclient's
``interrupt_on_timeout``: the cell ends with ``KeyboardInterrupt``, the kernel and
its state stay, later outputs are kept), so a loop costs only its own question.
A cell that ignores the interrupt is given a grace period, then the kernel is
killed; a cell that kills the kernel (``os._exit``, SIGKILL) likewise.  Then the
kernel is restarted, every earlier cell that ran cleanly is replayed (outputs kept
from the first run), the offending cell is marked and the rest goes on (at most
``max_restarts`` times).  Results go to ``/job/out.ipynb``: each cell carries
``metadata.course_grader.status`` (ok, timeout, kernel died, not run).

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
    import asyncio

    return asyncio.run(_run(job_dir))


async def _run(job_dir: str) -> int:
    import asyncio

    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    with open(os.path.join(job_dir, "job.json"), encoding="utf-8") as handle:
        job = json.load(handle)
    nb = nbformat.from_dict(job["notebook"])  # built by the grader: no schema validation (seconds of imports)
    workdir = job["workdir"]
    cell_timeout = job["cell_timeout"]
    grace = job.get("interrupt_grace", 15)
    timings = {"worker_ready_s": round(time.monotonic() - _STARTED, 3)}
    client = NotebookClient(
        nb, timeout=cell_timeout, kernel_name="course-grader", allow_errors=True,
        interrupt_on_timeout=True, shutdown_kernel="immediate", startup_timeout=120,
        resources={"metadata": {"path": workdir}}, record_timing=False,
    )

    async def start():
        began = time.monotonic()
        timings.setdefault("kernel_start_s", [])
        client.km = client.create_kernel_manager()
        log = open(os.path.join(job_dir, "kernel.log"), "ab")
        await client.async_start_new_kernel(stdout=log, stderr=log)
        await client.async_start_new_kernel_client()
        timings["kernel_start_s"].append(round(time.monotonic() - began, 3))

    async def stop():
        try:
            await asyncio.wait_for(client._async_cleanup_kernel(), 30)
        except BaseException:  # noqa: BLE001 - a dead or hung kernel may refuse a clean shutdown
            try:
                if client.km is not None and client.km.has_kernel:
                    await client.km.shutdown_kernel(now=True)
            except BaseException:  # noqa: BLE001
                pass
        for task in asyncio.all_tasks():  # nbclient's readers of the old kernel's channels
            if task is not asyncio.current_task():
                task.cancel()

    async def execute(index: int) -> str:
        cell = nb.cells[index]
        began = time.monotonic()
        # nbclient interrupts at cell_timeout and waits cell_timeout again for the reply; past the grace
        # period (the kernel ignored SIGINT) the cell is abandoned and the kernel replaced.
        limit = cell_timeout + grace
        try:
            await asyncio.wait_for(client.async_execute_cell(cell, index), limit)
            interrupted = any(o.get("output_type") == "error" and o.get("ename") == "KeyboardInterrupt"
                              for o in cell.get("outputs", []))
            if interrupted and time.monotonic() - began >= cell_timeout:
                return "timeout"
            return "ok"
        except (asyncio.TimeoutError, CellTimeoutError):
            return "killed"
        except DeadKernelError:
            # nbclient turns the cancellation of a hung cell into DeadKernelError
            return "killed" if time.monotonic() - began >= limit - 1 else "kernel died"
        except Exception as error:  # noqa: BLE001 - student code broke the kernel's messages (a patched json...)
            cell.metadata.setdefault("course_grader", {})["detail"] = f"{type(error).__name__}: {error}"[:200]
            return "kernel died"
        finally:
            cell.metadata.setdefault("course_grader", {})["seconds"] = round(time.monotonic() - began, 3)

    async def replay(upto: int) -> bool:
        """Start a new kernel and re-run the cells before ``upto`` that ran cleanly; True on success."""
        await stop()
        await start()
        for index in range(upto):
            cell = nb.cells[index]
            kind = cell.metadata.get("course_grader", {}).get("kind")
            if cell.cell_type != "code" or kind not in ("setup", "student"):
                continue
            if cell.metadata["course_grader"].get("status") != "ok":
                continue
            saved = cell.get("outputs", [])
            result = await execute(index)
            cell.outputs = saved
            if result != "ok":
                return False
        return True

    restarts = 0
    await start()
    try:
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            if restarts > job["max_restarts"]:
                _status(cell, "not run", "too many kernel restarts")
                continue
            result = await execute(index)
            if result in ("ok", "timeout"):
                _status(cell, result, "interrupted" if result == "timeout" else "")
                continue
            _status(cell, "timeout" if result == "killed" else result,
                    "killed after the time limit" if result == "killed" else "kernel restarted")
            restarts += 1
            while restarts <= job["max_restarts"] and not await replay(index):
                restarts += 1
    finally:
        await stop()
    nb.metadata["course_grader"] = timings
    out = os.path.join(job_dir, "out.ipynb")
    with open(out + ".tmp", "w", encoding="utf-8") as handle:
        json.dump(nb, handle)
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

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
    """``--exec-kernel UID NPROC MEM_BYTES FSIZE_BYTES -- cmd...``: drop privileges, set limits, exec the kernel.

    The kernel is also the first the kernel's OOM killer takes (``oom_score_adj`` 1000), so a
    sandbox over its memory cgroup loses its kernel (restarted by :func:`run`), not this worker.
    """
    uid, nproc, mem, fsize = (int(v) for v in argv[:4])
    cmd = argv[argv.index("--") + 1:]
    try:
        with open("/proc/self/oom_score_adj", "w") as handle:
            handle.write("1000")
    except OSError:
        pass
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
    if fsize > 0:  # no file larger than the disk quota, wherever the kernel may write (its log in /job)
        resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    os.execv(cmd[0], cmd)


def tree_hash(folder: str) -> str:
    """A content hash (16 hex digits) of the ``*.py`` files under ``folder`` and their relative paths.

    The grader hashes its own ``course_utils`` with it (tools/grading/sandbox.py, ``preflight``) and
    compares the hash with the one :func:`preflight` reports from inside a sandbox.
    """
    import hashlib

    digest = hashlib.sha256()
    found = []
    for top, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        found += [os.path.join(top, n) for n in names if n.endswith(".py")]
    for path in sorted(found):
        with open(path, "rb") as handle:
            data = handle.read()
        name = os.path.relpath(path, folder).replace(os.sep, "/")
        digest.update(name.encode() + b"\0" + str(len(data)).encode() + b"\0" + data)
    return digest.hexdigest()[:16]


def preflight() -> int:
    """``--preflight``: print (last line, JSON) where this Python's ``course_utils`` is and the hash of its code."""
    try:
        import course_utils

        folder = os.path.dirname(os.path.realpath(course_utils.__file__))
        print(json.dumps({"path": folder, "hash": tree_hash(folder)}))
    except Exception as error:  # noqa: BLE001 - reported to the grader, which stops with the fix
        print(json.dumps({"error": f"{type(error).__name__}: {error}", "installed": _installed_from()},
                         ensure_ascii=False))
    return 0


def _installed_from() -> str:
    """Where this environment's ``course-utils`` distribution says its code is ("" when it has none)."""
    try:
        from importlib import metadata

        dist = metadata.distribution("course-utils")
        url = json.loads(dist.read_text("direct_url.json") or "{}").get("url", "")
        return url.removeprefix("file://") or str(dist.locate_file(""))
    except Exception:  # noqa: BLE001 - not installed at all
        return ""


#: What one cell's outputs keep in /job/out.ipynb: characters of text, and bytes of the rest (images,
#: base64); a student printing gigabytes fills neither the job folder nor the grader's parent process.
#: The probe cells' reports are never cut.  judge.py caps the autograded notebook again, smaller.
MAX_CELL_TEXT, MAX_CELL_DATA = 2 * 10**6, 10**7
_CUT = "\n[채점기: 출력이 너무 길어 {0}자를 줄였습니다]\n"
_DROPPED = "[채점기: 출력({0})이 너무 커서 뺐습니다]\n"


def cap_outputs(cell, text_limit: int = MAX_CELL_TEXT, data_limit: int = MAX_CELL_DATA) -> None:
    """Cut ``cell``'s text outputs to ``text_limit`` characters in all (a note says how many were cut) and
    drop its other outputs (images) past ``data_limit`` in all (a note names them); in place."""
    text_left, data_left, dropped = text_limit, data_limit, []
    for out in cell.get("outputs", []):
        fields = [("text", out)] if "text" in out else []
        fields += [(mime, out["data"]) for mime in list(out.get("data", {}))]
        fields += [("traceback", out)] if "traceback" in out else []
        for key, holder in fields:
            value = holder[key]
            text = "".join(value) if isinstance(value, list) else value
            if not isinstance(text, str):
                text = json.dumps(value)
                if len(text) > data_left:
                    del holder[key]
                    dropped.append(key)
                data_left -= len(text)
            elif key in ("text", "traceback") or key.startswith("text/"):
                if len(text) > text_left:
                    keep = max(text_left, 0)
                    text = text[:keep] + _CUT.format(len(text) - keep)
                    holder[key] = [text] if key == "traceback" else text
                text_left -= len(text)
            else:
                if len(text) > data_left:
                    del holder[key]
                    dropped.append(key)
                data_left -= len(text)
    if dropped:
        cell["outputs"] = [o for o in cell["outputs"] if o.get("output_type") not in ("display_data", "execute_result")
                           or o.get("data")]
        cell["outputs"].append({"output_type": "stream", "name": "stdout",
                                "text": _DROPPED.format(", ".join(dict.fromkeys(dropped)))})


class Limits:
    """The sandbox's limits as the worker sees them: which one a cell hit, in the feedback's words.

    - memory: a memory cgroup (tools/grading/sandbox.py) whose ``oom_kill`` count is read at
      ``events``; where there is none (``watch_memory``), :meth:`watch` sums the resident memory of
      every process of the sandbox (its own PID namespace) every 0.2 s and kills all but this worker
      and the namespace's init when the sum is over ``memory_bytes``;
    - disk: the tmpfs fill up (``ENOSPC`` in the cell), ``RLIMIT_FSIZE`` (``EFBIG``), and the job
      folder's size, watched likewise (a kernel that shares this worker's user id could write there).
    """

    def __init__(self, spec: dict | None, job_dir: str):
        self.spec = spec or {}
        self.messages = self.spec.get("messages", {})
        self.job_dir = job_dir
        self.hit = ""
        self.oom_seen = self._oom_kills()

    def _oom_kills(self) -> int:
        events = self.spec.get("events")
        try:
            with open(events, encoding="utf-8") as handle:
                for line in handle:
                    key, _, value = line.partition(" ")
                    if key == "oom_kill":
                        return int(value)
        except (OSError, TypeError, ValueError):
            pass
        return 0

    @staticmethod
    def _pids() -> list[int]:
        return [int(n) for n in os.listdir("/proc") if n.isdigit() and int(n) not in (1, os.getpid())]

    def _resident(self) -> int:
        total = 0
        for pid in self._pids() + [os.getpid()]:
            try:
                with open(f"/proc/{pid}/statm", encoding="ascii") as handle:
                    total += int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
            except (OSError, ValueError, IndexError):
                pass
        return total

    def _job_size(self) -> int:
        total = 0
        for top, _dirs, names in os.walk(self.job_dir):
            for name in names:
                try:
                    total += os.lstat(os.path.join(top, name)).st_size
                except OSError:
                    pass
        return total

    def _kill_all(self, why: str) -> None:
        self.hit = self.messages.get(why, why)
        self._kill_others()

    def _kill_others(self) -> None:
        for pid in self._pids():
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass

    def reset(self) -> None:
        """Before a new kernel: end what the dead one left (its children hold memory), count OOM kills anew."""
        if self.spec.get("sandboxed"):
            self._kill_others()
            time.sleep(0.2)
        self.oom_seen, self.hit = self._oom_kills(), ""

    async def watch(self) -> None:
        import asyncio

        if not self.spec.get("sandboxed"):  # only inside its own PID namespace are all processes the sandbox's
            return
        while True:
            await asyncio.sleep(0.2)
            if self.spec.get("watch_memory") and self._resident() > self.spec.get("memory_bytes", 0) > 0:
                self._kill_all("memory")
            elif self._job_size() > self.spec.get("disk_bytes", 0) > 0:
                self._kill_all("job")

    def after(self, cell) -> None:
        """Mark ``cell`` with the limit it hit (``metadata.course_grader.limit``), if any."""
        oom = self._oom_kills()  # a process of the cell killed for memory, the kernel or one it started
        why = self.hit or (self.messages.get("memory", "memory") if oom > self.oom_seen else "")
        self.oom_seen, self.hit = oom, ""
        if not why:
            for out in cell.get("outputs", []):
                if out.get("output_type") != "error":
                    continue
                text = f"{out.get('ename')}: {out.get('evalue')}"
                if out.get("ename") == "MemoryError":
                    why = self.messages.get("MemoryError", "MemoryError")
                elif "[Errno 28]" in text or "[Errno 122]" in text:
                    why = self.messages.get("disk", "disk")
                elif "[Errno 27]" in text:
                    why = self.messages.get("fsize", "fsize")
        if why:
            cell.setdefault("metadata", {}).setdefault("course_grader", {})["limit"] = why


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
    limits = Limits(job.get("limits"), job_dir)
    watcher = asyncio.ensure_future(limits.watch())
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
        limits.reset()
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
            if cell.metadata.get("course_grader", {}).get("kind") in ("setup", "student", None):
                limits.after(cell)
                cap_outputs(cell)
            if result in ("ok", "timeout"):
                _status(cell, result, "interrupted" if result == "timeout" else "")
                continue
            _status(cell, "timeout" if result == "killed" else result,
                    "killed after the time limit" if result == "killed" else "kernel restarted")
            restarts += 1
            while restarts <= job["max_restarts"] and not await replay(index):
                restarts += 1
    finally:
        watcher.cancel()
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
    if argv and argv[0] == "--preflight":
        return preflight()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    return run(argv[0])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

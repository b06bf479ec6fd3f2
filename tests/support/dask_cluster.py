"""A real Dask cluster on 127.0.0.1 for the grader's tests and benchmark (tests/grading/test_grade_dask.py,
benchmarks/bench_grading.py): ``dask scheduler`` and ``dask worker`` processes, never an in-process cluster.

Workers run with ``--no-nanny`` (a SIGKILL kills one for good), ``--nthreads 1 --nworkers 1``, from a
checkout folder with ``PYTHONPATH`` set to it, as book/instructor_guide.md says.  :meth:`Cluster.close`
ends every process it started; callers call it in a ``finally``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DASK = Path(sys.executable).parent / "dask"


def children(pid: int) -> list[str]:
    """The names of the processes whose parent is ``pid``."""
    names = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            name, rest = stat[stat.index("(") + 1:stat.rindex(")")], stat[stat.rindex(")") + 2:].split()
            if int(rest[1]) == pid:
                names.append(name)
    return names


class Cluster:
    """A Dask scheduler and ``workers`` workers on 127.0.0.1, as subprocesses; :meth:`close` ends them all."""

    def __init__(self, tmp: Path, env: dict, workers: int = 2, scheduler_path: Path = ROOT, tls: Path | None = None):
        self.tmp, self.tls, self.env = tmp, tls, env
        self.tmp.mkdir(parents=True, exist_ok=True)
        self.processes: list[subprocess.Popen] = []
        self.workers: list[subprocess.Popen] = []
        file = tmp / "scheduler.json"
        try:
            self.scheduler = self._start([str(DASK), "scheduler", "--host", "127.0.0.1", "--port", "0",
                                          "--no-dashboard", "--scheduler-file", str(file), *self._tls("scheduler")],
                                         "scheduler", scheduler_path, pythonpath=scheduler_path)
            deadline = time.monotonic() + 60
            while not (file.exists() and file.stat().st_size):
                assert self.scheduler.poll() is None and time.monotonic() < deadline, self.logs()
                time.sleep(0.2)
            time.sleep(0.2)  # the file is written at once; read it whole
            self.address = json.loads(file.read_text())["address"]
            assert self.address.startswith(f"{'tls' if tls else 'tcp'}://127.0.0.1:"), self.address
            for _ in range(workers):
                self.add_worker()
            if workers:
                self.wait_for(workers)
        except BaseException:
            self.close()
            raise

    def _start(self, command, name, cwd, pythonpath=ROOT) -> subprocess.Popen:
        env = dict(self.env)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(pythonpath), env.get("PYTHONPATH", "")]))
        process = subprocess.Popen(command, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                   stderr=open(self.tmp / f"{name}.log", "wb"))
        self.processes.append(process)
        return process

    def add_worker(self, checkout: Path = ROOT) -> subprocess.Popen:
        name = f"worker{len(self.workers)}"
        process = self._start([str(DASK), "worker", self.address, "--nthreads", "1", "--nworkers", "1", "--no-nanny",
                               "--no-dashboard", "--host", "127.0.0.1", "--name", name, "--local-directory",
                               str(self.tmp / name), *self._tls("worker")], name, checkout, pythonpath=checkout)
        self.workers.append(process)
        return process

    def _tls(self, role: str) -> list[str]:
        if not self.tls:
            return []
        protocol = ["--protocol", "tls"] if role == "scheduler" else []
        return [*protocol, "--tls-ca-file", str(self.tls / "ca.pem"), "--tls-cert", str(self.tls / f"{role}.pem"),
                "--tls-key", str(self.tls / f"{role}.key")]

    def wait_for(self, count: int) -> None:
        from distributed import Client
        from distributed.security import Security

        security = Security(tls_ca_file=str(self.tls / "ca.pem"), tls_client_cert=str(self.tls / "client.pem"),
                            tls_client_key=str(self.tls / "client.key"), require_encryption=True) if self.tls else None
        with Client(self.address, timeout=30, set_as_default=False, security=security) as client:
            client.wait_for_workers(count, timeout=90)

    def logs(self) -> str:
        return "\n".join(f"--- {p.name}\n{p.read_text(errors='replace')[-2000:]}" for p in sorted(self.tmp.glob("*.log")))

    def close(self) -> None:
        for process in reversed(self.processes):
            if process.poll() is None:
                process.terminate()
        for process in reversed(self.processes):
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=15)

"""Stage 2 of grading one student: run the plan's notebook in a bubblewrap sandbox.

The kernel sees no network, a read-only system, a private scratch folder with only
this student's notebook and the chapter's public files, and none of the course
folder (source notebooks, release, other students, the gradebook). Nothing secret
is in what it runs (tools/grading/plan.py). Limits: processes per sandbox, memory,
time per cell and per notebook.

- As **root**, each sandbox's kernel drops to its own unprivileged user id, so the
  process limit (``RLIMIT_NPROC``) counts that sandbox's processes only.
- As a **normal user**, the sandbox gets its own user namespace (``--unshare-user``).
  Linux 5.14 and later count ``RLIMIT_NPROC`` per user namespace, so there too the
  limit counts the sandbox's own processes, whatever else the instructor runs.
  Where unprivileged user namespaces are switched off (Ubuntu 24.04's AppArmor
  restriction, Debian's ``kernel.unprivileged_userns_clone=0``), :func:`check_sandbox`
  says which setting it found and how to allow ``bwrap``.

The worker that runs inside is tools/grading/sandbox_worker.py.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

import nbformat

WORKER = Path(__file__).resolve().parent / "sandbox_worker.py"
#: Environment variables passed into the sandbox (everything else is cleared).
PASS_ENV = ("COURSE_QUICK", "COURSE_OFFLINE_DATA", "TF_CPP_MIN_LOG_LEVEL", "KERAS_BACKEND")
_SANDBOX_UID_BASE = 61000


def _uid_base() -> int:
    """User ids of this run's sandboxes (as root): 64 per run, apart from another grading run's."""
    return _SANDBOX_UID_BASE + (os.getpid() % 1000) * 64
_SYSCTL = Path(os.environ.get("COURSE_GRADER_SYSCTL_ROOT", "/proc/sys"))


class SandboxUnavailable(RuntimeError):
    """bwrap is missing or cannot start a sandbox here; the message (Korean) says what to do."""


def _read_setting(relative: str) -> str | None:
    try:
        return (_SYSCTL / relative).read_text().strip()
    except OSError:
        return None


def userns_blockers() -> list[str]:
    """The kernel settings found that switch off unprivileged user namespaces (empty when none)."""
    found = []
    if _read_setting("kernel/apparmor_restrict_unprivileged_userns") == "1":
        found.append("kernel.apparmor_restrict_unprivileged_userns=1 (Ubuntu 23.10 이후의 AppArmor 제한)")
    if _read_setting("kernel/unprivileged_userns_clone") == "0":
        found.append("kernel.unprivileged_userns_clone=0 (Debian의 설정)")
    if _read_setting("user/max_user_namespaces") == "0":
        found.append("user.max_user_namespaces=0")
    return found


def check_sandbox() -> str:
    """The path of a bwrap that can start a sandbox here; :class:`SandboxUnavailable` with the fix otherwise."""
    path = shutil.which("bwrap")
    if not path:
        raise SandboxUnavailable(
            "bubblewrap(bwrap)이 설치되어 있지 않아 채점을 시작하지 않습니다.\n"
            "  Debian/Ubuntu: sudo apt-get install bubblewrap   (scripts/install_system_packages.sh)\n"
            "  Fedora: sudo dnf install bubblewrap · Arch: sudo pacman -S bubblewrap\n"
            "  신뢰할 수 있는 제출물만 채점한다면 --unsafe-no-sandbox로 실행할 수 있습니다.")
    command = [path, "--ro-bind", "/", "/", "--unshare-net", "--die-with-parent"]
    if os.getuid() != 0:
        command.append("--unshare-user")
    probe = subprocess.run(command + ["true"], capture_output=True, text=True, timeout=30)
    if probe.returncode == 0:
        return path
    said = (probe.stderr or probe.stdout).strip().splitlines()[-1:] or [f"종료 코드 {probe.returncode}"]
    blockers = userns_blockers() if os.getuid() != 0 else []
    if blockers:
        raise SandboxUnavailable(
            f"bubblewrap({path})은 설치되어 있지만, 이 컴퓨터는 권한 없는 사용자의 사용자 네임스페이스를 막고 있어 "
            f"샌드박스를 만들 수 없습니다 (bwrap: {said[0]}).\n"
            f"  찾은 설정: {'; '.join(blockers)}\n"
            "  고치는 방법 (둘 중 하나, 관리자 권한 필요):\n"
            "  1) sysctl로 허용:  sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0  "
            "(Debian은 kernel.unprivileged_userns_clone=1; /etc/sysctl.d/에 적으면 재부팅 뒤에도 유지)\n"
            "  2) bwrap에만 허용하는 AppArmor 프로필: /etc/apparmor.d/bwrap 에\n"
            "       abi <abi/4.0>, include <tunables/global>\n"
            f"       profile bwrap {path} flags=(unconfined) {{ userns, }}\n"
            "     를 쓰고 sudo apparmor_parser -r /etc/apparmor.d/bwrap\n"
            "  (book/instructor_guide.md의 \"bubblewrap 설치\" 참고)")
    raise SandboxUnavailable(
        f"bubblewrap({path})이 샌드박스를 만들지 못했습니다: {said[0]}\n"
        "  컨테이너 안이라면 사용자 네임스페이스를 허용해야 합니다 (book/instructor_guide.md의 \"bubblewrap 설치\").\n"
        "  신뢰할 수 있는 제출물만 채점한다면 --unsafe-no-sandbox로 실행할 수 있습니다.")


# --- The sandbox ------------------------------------------------------------------------

#: The grader's own checkout (tools/, book/ with the source notebooks): never visible in a sandbox, even
#: when the course folder (``--root``) is another folder and this checkout is on ``sys.path``.
CHECKOUT = Path(__file__).resolve().parents[2]


def _visible_paths(root: Path) -> list[Path]:
    """Read-only paths the kernel needs: the Python installation, the venv's packages and course_utils' code.

    Only installed packages: not the folders of ``sys.path`` in general, which include the
    directory the command was started from. Neither the course folder ``root`` nor the grader's
    checkout is visible (only the venv and ``course_utils`` inside them), nor any folder holding one.
    """
    import course_utils

    hidden = {root.resolve(), CHECKOUT}
    prefixes = [Path(sys.base_prefix).resolve(), Path(sys.prefix).resolve()]
    wanted = set(prefixes) | {Path(course_utils.__file__).resolve().parent}
    for entry in sys.path:
        p = Path(entry or ".").resolve()
        installed = {"site-packages", "dist-packages"} & set(p.parts) or any(_inside(p, x) for x in prefixes)
        if p.is_dir() and installed and not str(p).startswith(("/usr", "/lib", "/etc", "/bin")):
            wanted.add(p)
    return sorted(p for p in wanted if not any(p == h or _inside(h, p) for h in hidden))


def _inside(path: Path, parent: Path) -> bool:
    try:
        path.relative_to(parent)
        return path != parent
    except ValueError:
        return False


def _user_tasks(uid: int) -> int:
    count = 0
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                if os.stat(f"/proc/{pid}").st_uid == uid:
                    count += len(os.listdir(f"/proc/{pid}/task"))
            except OSError:
                pass
    return count


def _seed_matplotlib_cache(target: Path) -> None:
    """Copy matplotlib's font list into the sandbox: rebuilding it costs seconds per notebook."""
    base = Path(os.environ.get("MPLCONFIGDIR") or Path.home() / ".cache" / "matplotlib")
    target.mkdir(exist_ok=True)
    for cached in base.glob("fontlist-*.json"):
        shutil.copy(cached, target / cached.name)


@dataclass
class Options:
    root: Path
    sandbox: bool
    cell_timeout: int
    notebook_timeout: int
    memory_bytes: int
    max_procs: int
    max_restarts: int = 2
    #: The :data:`PASS_ENV` values for the kernel; ``None``: this process's environment. A Dask job
    #: carries the instructor's (tools/grading/dask_runner.py), so a worker's own environment never
    #: makes its sandboxes differ from a local run's.
    env: dict | None = None


_slots = threading.local()
_running: set = set()  # sandboxes now running, killed on Ctrl-C
_slot_counter = iter(range(10_000))
_slot_lock = threading.Lock()


def _slot() -> int:
    if not hasattr(_slots, "n"):
        with _slot_lock:
            _slots.n = next(_slot_counter)
    return _slots.n


def run_in_sandbox(run_nb, release_dir: Path, student_nb_path: Path, options: Options):
    """Execute ``run_nb`` for one student; return the executed notebook (raises RuntimeError on failure)."""
    as_root = os.getuid() == 0
    uid = _uid_base() + _slot() if (as_root and options.sandbox) else -1
    with tempfile.TemporaryDirectory(prefix="course-grade-") as tmp:
        tmp = Path(tmp)
        os.chmod(tmp, 0o711)
        job, home, share = tmp / "job", tmp / "home", tmp / "share"
        job.mkdir(mode=0o700)
        (job / "runtime").mkdir(mode=0o700)
        home.mkdir()
        for item in release_dir.iterdir():  # the chapter's public files (data), never other notebooks
            if item.suffix != ".ipynb" and item.is_file():
                shutil.copy(item, home / item.name)
        shutil.copy(student_nb_path, home / student_nb_path.name)
        _seed_matplotlib_cache(home / ".matplotlib")
        kernel_dir = share / "kernels" / "course-grader"
        kernel_dir.mkdir(parents=True)
        worker = "/grader/sandbox_worker.py" if options.sandbox else str(WORKER)
        python = str(Path(sys.executable).absolute())
        # Root: the kernel's own uid. Normal user: the sandbox's own user namespace (counted apart since
        # Linux 5.14). Only without a sandbox does the limit share the instructor's count.
        nproc = options.max_procs + (0 if options.sandbox else _user_tasks(os.getuid()))
        argv = [python, worker, "--exec-kernel", str(uid), str(nproc), str(options.memory_bytes), "--",
                python, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
        (kernel_dir / "kernel.json").write_text(json.dumps(
            {"argv": argv, "display_name": "course grader", "language": "python"}), encoding="utf-8")
        workdir = "/home/student" if options.sandbox else str(home)
        (job / "job.json").write_text(json.dumps({
            "notebook": run_nb, "workdir": workdir, "cell_timeout": options.cell_timeout,
            "max_restarts": options.max_restarts}), encoding="utf-8")
        if uid >= 0:
            for path in [home, *home.rglob("*")]:
                os.chown(path, uid, uid)
        env = {"HOME": workdir, "PATH": f"{Path(python).parent}:/usr/bin:/bin", "LANG": "C.UTF-8",
               "MPLBACKEND": "Agg", "PYTHONDONTWRITEBYTECODE": "1", "JUPYTER_PLATFORM_DIRS": "1",
               "JUPYTER_PATH": "/grader/share" if options.sandbox else str(share),
               "JUPYTER_RUNTIME_DIR": "/job/runtime" if options.sandbox else str(job / "runtime"),
               "JUPYTER_CONFIG_DIR": workdir + "/.jupyter", "IPYTHONDIR": workdir + "/.ipython",
               "MPLCONFIGDIR": workdir + "/.matplotlib",
               # Thread pools sized by the core count would hit the process limit on a big machine.
               "OMP_NUM_THREADS": "2", "OPENBLAS_NUM_THREADS": "2", "MKL_NUM_THREADS": "2",
               "TF_NUM_INTEROP_THREADS": "2", "TF_NUM_INTRAOP_THREADS": "2"}
        passed = os.environ if options.env is None else options.env
        env.update({k: passed[k] for k in PASS_ENV if k in passed})
        if options.sandbox:
            cmd = [shutil.which("bwrap"), "--die-with-parent", "--new-session", "--clearenv",
                   "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try"]
            if not as_root:
                cmd.append("--unshare-user")
            for name in ("usr", "etc", "bin", "sbin", "lib", "lib64", "lib32"):
                path = Path("/") / name
                if path.is_symlink():
                    cmd += ["--symlink", os.readlink(path), str(path)]
                elif path.exists():
                    cmd += ["--ro-bind", str(path), str(path)]
            # /tmp first: the course (its venv and src) may itself live under /tmp, and a later
            # tmpfs would hide it.
            cmd += ["--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"]
            made = {Path("/"), Path("/tmp")}
            targets = [*_visible_paths(options.root), Path("/home/student"), Path("/job"), Path("/grader/share")]
            for target in targets:  # bwrap would create missing parents 0700: unreadable for the kernel's user
                for parent in reversed(target.parents):
                    if parent not in made and not any(parent == Path("/") / n or _inside(parent, Path("/") / n)
                                                      for n in ("usr", "etc", "bin", "sbin", "lib", "lib64")):
                        cmd += ["--perms", "0755", "--dir", str(parent)]
                        made.add(parent)
            for path in _visible_paths(options.root):
                cmd += ["--ro-bind", str(path), str(path)]
            cmd += ["--bind", str(home), "/home/student", "--bind", str(job), "/job",
                    "--ro-bind", str(WORKER), "/grader/sandbox_worker.py", "--ro-bind", str(share), "/grader/share",
                    "--chdir", "/home/student"]
            for key, value in env.items():
                cmd += ["--setenv", key, value]
            cmd += [python, "/grader/sandbox_worker.py", "/job"]
            run_env = {}
        else:
            cmd = [python, str(WORKER), str(job)]
            run_env = dict(env, PATH=env["PATH"])
        process = subprocess.Popen(cmd, env=run_env, cwd=str(home), stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, start_new_session=True)
        _running.add(process)
        try:
            log, _ = process.communicate(timeout=options.notebook_timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)
            process.communicate()
            raise RuntimeError(f"노트북 전체 시간 제한({options.notebook_timeout}초)을 넘김")
        finally:
            _running.discard(process)
            if process.poll() is None:
                os.killpg(process.pid, 9)
        out = job / "out.ipynb"
        if process.returncode != 0 or not out.exists():
            if os.environ.get("COURSE_GRADER_DEBUG") and (job / "kernel.log").exists():
                print((job / "kernel.log").read_text(errors="replace")[-3000:], file=sys.stderr)
            tail = log.decode("utf-8", "replace").strip().splitlines()[-3:]
            raise RuntimeError(f"채점 프로세스가 실패함 (종료 코드 {process.returncode}): {' / '.join(tail)}")
        with open(out, encoding="utf-8") as handle:  # parsed as JSON only: judge.py reads it as data
            return nbformat.from_dict(json.load(handle))




def kill_running() -> None:
    """Kill every sandbox still running (Ctrl-C in the grading command)."""
    for process in list(_running):
        try:
            os.killpg(process.pid, 9)
        except ProcessLookupError:
            pass

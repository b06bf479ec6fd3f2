"""Stage 2 of grading one student: run the plan's notebook in a bubblewrap sandbox.

The kernel sees no network, a read-only system, a private home folder with only
this student's notebook and the chapter's public files (read-only), and none of the
course folder (source notebooks, release, other students, the gradebook). Nothing
secret is in what it runs (tools/grading/plan.py). Limits: processes per sandbox,
memory of all its processes together (:class:`MemoryCgroup`, else the worker's watch),
disk (:func:`disk_split`: everything it can write is a size-limited tmpfs, plus
``RLIMIT_FSIZE``), time per cell and per notebook.  :func:`preflight` starts one
sandbox before grading to check that its kernels import the grader's ``course_utils``.

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
import threading
import time
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


def _matplotlib_cache() -> list[Path]:
    """Matplotlib's font lists, shown read-only in the sandbox: rebuilding one costs seconds per notebook."""
    base = Path(os.environ.get("MPLCONFIGDIR") or Path.home() / ".cache" / "matplotlib")
    return sorted(base.glob("fontlist-*.json"))


@dataclass
class Options:
    root: Path
    sandbox: bool
    cell_timeout: int
    notebook_timeout: int
    #: The memory of one sandbox, all its processes together (a memory cgroup, else the worker's watch of
    #: their resident memory: :class:`MemoryCgroup`); each process's address space is :func:`address_space`.
    memory_bytes: int
    max_procs: int
    max_restarts: int = 2
    #: The :data:`PASS_ENV` values for the kernel; ``None``: this process's environment. A Dask job
    #: carries the instructor's (tools/grading/dask_runner.py), so a worker's own environment never
    #: makes its sandboxes differ from a local run's.
    env: dict | None = None
    #: Everything the sandbox can write (:func:`disk_split`): its home, /tmp and /dev/shm are tmpfs of
    #: these sizes, and no file the kernel writes elsewhere (its log in the job folder) may be larger.
    disk_bytes: int = 2 * 2**30


#: The least address space (``RLIMIT_AS``) a kernel gets: TensorFlow and its thread pools reserve far more
#: virtual memory than they use, and a kernel below this dies while importing it.
MIN_ADDRESS_SPACE = 8 * 2**30


def address_space(options: Options) -> int:
    """Each sandboxed process's address space limit: ``--memory-gb``, at least :data:`MIN_ADDRESS_SPACE`.

    The sandbox's total is :attr:`Options.memory_bytes` (a memory cgroup or the worker's watch); this
    per-process limit only turns one huge allocation into a ``MemoryError`` in the student's cell.
    """
    return max(options.memory_bytes, MIN_ADDRESS_SPACE)


def disk_split(disk_bytes: int) -> dict[str, int]:
    """The sizes of the sandbox's writable tmpfs: half for the home folder, a quarter each for /tmp and /dev/shm.

    >>> disk_split(2**30)["/home/student"] // 2**20
    512
    """
    quarter = max(disk_bytes // 4, 2**20)
    return {"/home/student": max(disk_bytes - 2 * quarter, 2**20), "/tmp": quarter, "/dev/shm": quarter}


def _mib(size: int) -> str:
    return f"{size / 2**20:.0f} MiB"


def limit_messages(options: Options, cgroup: bool) -> dict[str, str]:
    """The Korean words the feedback uses for each limit a student's cell can hit (sandbox_worker.py shows them)."""
    split = disk_split(options.disk_bytes)
    disk = (f"디스크 한도(--disk-mb: 홈 폴더 {_mib(split['/home/student'])}, /tmp {_mib(split['/tmp'])}, "
            f"/dev/shm {_mib(split['/dev/shm'])})")
    total = (f"메모리 한도(샌드박스의 모든 프로세스 합 {_mib(options.memory_bytes)}, --memory-gb"
             f"{'' if cgroup else ', 상주 메모리를 0.2초마다 잼'})")
    return {"memory": f"{total}를 넘어 커널을 멈췄습니다",
            "MemoryError": (f"메모리 한도(프로세스 하나의 주소 공간 {_mib(address_space(options))}, --memory-gb)에 걸려 "
                            "MemoryError가 났습니다"),
            "disk": f"{disk}를 넘어 더 쓰지 못했습니다 (No space left on device)",
            "fsize": f"파일 크기 한도({_mib(options.disk_bytes)}, --disk-mb)를 넘는 파일을 쓰려 했습니다 (File too large)",
            "job": f"{disk}를 넘게 채점 폴더에 써서 커널을 멈췄습니다"}


# --- Memory per sandbox -----------------------------------------------------------------

def _mounts() -> list[tuple[str, str, str, str]]:
    """(mount point, root in its hierarchy, fs type, super options) of each cgroup file system."""
    found = []
    try:
        lines = Path("/proc/self/mountinfo").read_text().splitlines()
    except OSError:
        return found
    for line in lines:
        left, _, right = line.partition(" - ")
        fields, tail = left.split(), right.split()
        if len(fields) >= 5 and len(tail) >= 3 and tail[0] in ("cgroup", "cgroup2"):
            found.append((fields[4], fields[3], tail[0], tail[2]))
    return found


def _own_cgroups() -> dict[str, str]:
    """{"v2": path} and {"memory": path} of this process (``/proc/self/cgroup``)."""
    own = {}
    try:
        lines = Path("/proc/self/cgroup").read_text().splitlines()
    except OSError:
        return own
    for line in lines:
        number, controllers, path = line.split(":", 2)
        if number == "0" and controllers == "":
            own["v2"] = path
        elif "memory" in controllers.split(","):
            own["memory"] = path
    return own


def _under(mount: str, mount_root: str, path: str) -> Path | None:
    if path != mount_root and not path.startswith(mount_root.rstrip("/") + "/"):
        return None
    return Path(mount) / path[len(mount_root):].lstrip("/")


class MemoryCgroup:
    """A memory cgroup of one sandbox (all its processes together), where this machine lets the grader make one.

    cgroup v2: a child of this process's cgroup or of one above it whose ``cgroup.subtree_control`` already
    holds ``memory`` (root, or a user whose systemd delegates it); ``memory.max`` and ``memory.swap.max=0``.
    cgroup v1: a child of this process's memory cgroup, ``memory.limit_in_bytes`` (and ``memsw`` where swap
    is counted).  Nothing is enabled or changed above it.  :meth:`create` returns None where neither works
    (a normal user without delegation, a read-only /sys/fs/cgroup): then sandbox_worker.py watches the
    sandbox's resident memory instead (book/instructor_guide.md says what that fallback guarantees).
    """

    def __init__(self, path: Path, events: Path):
        self.path, self.events, self.procs = path, events, path / "cgroup.procs"

    @staticmethod
    def _places(limit: int):
        """(parent folder, settings, events file) of each place this process may make a memory cgroup."""
        own = _own_cgroups()
        for mount, mount_root, fstype, options in _mounts():
            if fstype == "cgroup2" and "v2" in own:
                start = _under(mount, mount_root, own["v2"])
                for parent in ([start, *start.parents] if start else []):
                    if not (parent == Path(mount) or Path(mount) in parent.parents):
                        break
                    try:
                        enabled = (parent / "cgroup.subtree_control").read_text().split()
                    except OSError:
                        continue
                    if "memory" in enabled:
                        yield parent, {"memory.max": limit, "memory.swap.max": 0}, "memory.events"
            elif fstype == "cgroup" and "memory" in options.split(",") and "memory" in own:
                parent = _under(mount, mount_root, own["memory"])
                if parent is not None:
                    yield parent, {"memory.limit_in_bytes": limit, "memory.memsw.limit_in_bytes": limit}, \
                        "memory.oom_control"

    @classmethod
    def create(cls, name: str, limit: int) -> "MemoryCgroup | None":
        for parent, settings, events in cls._places(limit):
            made = cls._make(parent / name, settings, events)
            if made:
                return made
        return None

    @classmethod
    def clear_stale(cls) -> None:
        """Remove the empty cgroups of sandboxes whose grading run was killed outright (tools/grading/scratch.py)."""
        from tools.grading.scratch import stale

        for parent, _settings, _events in cls._places(0):
            for path in parent.glob("course-grade-*"):
                if stale(path.name.removeprefix("course-grade-")):
                    try:
                        path.rmdir()
                    except OSError:  # still has processes, or not ours to remove
                        pass

    @classmethod
    def _make(cls, path: Path, settings: dict, events: str) -> "MemoryCgroup | None":
        try:
            path.mkdir()
        except OSError:
            return None
        made = cls(path, path / events)
        first = True
        for key, value in settings.items():
            try:
                (path / key).write_text(str(value))
            except OSError:
                if first:  # the limit itself could not be set: not a cgroup to use
                    made.remove()
                    return None
            first = False
        joined = subprocess.run(["/bin/sh", "-c", 'echo $$ > "$0"', str(made.procs)], capture_output=True)
        if joined.returncode != 0:  # may make it but not move a process into it (cgroup v2 delegation rules)
            made.remove()
            return None
        return made

    def oom_kills(self) -> int:
        """How many processes the kernel killed in this cgroup for memory (``oom_kill`` of its events)."""
        try:
            for line in self.events.read_text().splitlines():
                key, _, value = line.partition(" ")
                if key == "oom_kill":
                    return int(value)
        except (OSError, ValueError):
            pass
        return 0

    def wrap(self, command: list[str]) -> list[str]:
        """``command`` started inside this cgroup (the shell joins it, then becomes the command)."""
        return ["/bin/sh", "-c", 'echo $$ > "$0" && exec "$@"', str(self.procs), *command]

    def remove(self) -> None:
        for _ in range(50):  # the last processes may take a moment to leave
            try:
                self.path.rmdir()
                return
            except FileNotFoundError:
                return
            except OSError:
                time.sleep(0.1)


_slots = threading.local()
_running: set = set()  # sandboxes now running, killed on Ctrl-C
_slot_counter = iter(range(10_000))
_slot_lock = threading.Lock()


def _slot() -> int:
    if not hasattr(_slots, "n"):
        with _slot_lock:
            _slots.n = next(_slot_counter)
    return _slots.n


def _kernel_env(options: Options, python: str, share: Path, job: Path, home: Path) -> dict:
    workdir = "/home/student" if options.sandbox else str(home)
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
    return env


def _bwrap(options: Options, env: dict, home_files: list[tuple[Path, str]], job: Path, share: Path,
           events: Path | None) -> list[str]:
    """The bubblewrap command (without the program to run): what the sandbox sees and may write.

    Writable: tmpfs of :func:`disk_split`'s sizes (home, /tmp, /dev/shm) and the job folder; the
    home holds ``home_files`` (host path, name) read-only.
    """
    sizes = disk_split(options.disk_bytes)
    cmd = [shutil.which("bwrap"), "--die-with-parent", "--new-session", "--clearenv",
           "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try"]
    if os.getuid() != 0:
        cmd.append("--unshare-user")
    for name in ("usr", "etc", "bin", "sbin", "lib", "lib64", "lib32"):
        path = Path("/") / name
        if path.is_symlink():
            cmd += ["--symlink", os.readlink(path), str(path)]
        elif path.exists():
            cmd += ["--ro-bind", str(path), str(path)]
    # /tmp first: the course (its venv and src) may itself live under /tmp, and a later
    # tmpfs would hide it.
    cmd += ["--proc", "/proc", "--dev", "/dev", "--perms", "1777", "--size", str(sizes["/dev/shm"]),
            "--tmpfs", "/dev/shm", "--perms", "1777", "--size", str(sizes["/tmp"]), "--tmpfs", "/tmp"]
    made = {Path("/"), Path("/tmp")}
    visible = _visible_paths(options.root)
    for target in [*visible, Path("/home/student"), Path("/job"), Path("/grader/share")]:
        for parent in reversed(target.parents):  # bwrap would create missing parents 0700: unreadable for the kernel
            if parent not in made and not any(parent == Path("/") / n or _inside(parent, Path("/") / n)
                                              for n in ("usr", "etc", "bin", "sbin", "lib", "lib64")):
                cmd += ["--perms", "0755", "--dir", str(parent)]
                made.add(parent)
    for path in visible:
        cmd += ["--ro-bind", str(path), str(path)]
    cmd += ["--perms", "1777", "--size", str(sizes["/home/student"]), "--tmpfs", "/home/student",
            "--perms", "1777", "--dir", "/home/student/.matplotlib"]
    for source, name in home_files:
        cmd += ["--ro-bind", str(source), f"/home/student/{name}"]
    cmd += ["--bind", str(job), "/job", "--ro-bind", str(WORKER), "/grader/sandbox_worker.py",
            "--ro-bind", str(share), "/grader/share", "--chdir", "/home/student"]
    if events is not None:
        cmd += ["--ro-bind", str(events), "/grader/memory.events"]
    for key, value in env.items():
        cmd += ["--setenv", key, value]
    return cmd


def _kernel_argv(options: Options, python: str, worker: str, uid: int) -> list[str]:
    """``sandbox_worker.py --exec-kernel``: the kernel's user id and limits, then ``--`` and what to exec."""
    # Root: the kernel's own uid. Normal user: the sandbox's own user namespace (counted apart since
    # Linux 5.14). Only without a sandbox does the limit share the instructor's count.
    nproc = options.max_procs + (0 if options.sandbox else _user_tasks(os.getuid()))
    return [python, worker, "--exec-kernel", str(uid), str(nproc), str(address_space(options)),
            str(options.disk_bytes), "--"]


def run_in_sandbox(run_nb, release_dir: Path, student_nb_path: Path, options: Options):
    """Execute ``run_nb`` for one student; return the executed notebook (raises RuntimeError on failure)."""
    from tools.grading import scratch

    as_root = os.getuid() == 0
    uid = _uid_base() + _slot() if (as_root and options.sandbox) else -1
    with scratch.folder(options.root, "job") as tmp:
        os.chmod(tmp, 0o711)
        job, home, share = tmp / "job", tmp / "home", tmp / "share"
        job.mkdir(mode=0o700)
        (job / "runtime").mkdir(mode=0o700)
        home.mkdir()
        home_files = [(item, item.name) for item in sorted(release_dir.iterdir())  # public files, never notebooks
                      if item.suffix != ".ipynb" and item.is_file()]
        home_files.append((student_nb_path, student_nb_path.name))
        home_files += [(font, f".matplotlib/{font.name}") for font in _matplotlib_cache()]
        kernel_dir = share / "kernels" / "course-grader"
        kernel_dir.mkdir(parents=True)
        worker = "/grader/sandbox_worker.py" if options.sandbox else str(WORKER)
        python = str(Path(sys.executable).absolute())
        argv = _kernel_argv(options, python, worker, uid) + [python, "-m", "ipykernel_launcher", "-f",
                                                             "{connection_file}"]
        (kernel_dir / "kernel.json").write_text(json.dumps(
            {"argv": argv, "display_name": "course grader", "language": "python"}), encoding="utf-8")
        env = _kernel_env(options, python, share, job, home)
        cgroup = MemoryCgroup.create(f"course-grade-{tmp.name}", options.memory_bytes) if options.sandbox else None
        job_json = {"notebook": run_nb, "workdir": env["HOME"], "cell_timeout": options.cell_timeout,
                    "max_restarts": options.max_restarts,
                    "limits": {"sandboxed": options.sandbox, "memory_bytes": options.memory_bytes, "disk_bytes": options.disk_bytes,
                               "watch_memory": options.sandbox and cgroup is None,
                               "events": "/grader/memory.events" if cgroup else None,
                               "messages": limit_messages(options, cgroup is not None)}}
        (job / "job.json").write_text(json.dumps(job_json), encoding="utf-8")
        if options.sandbox:
            cmd = _bwrap(options, env, home_files, job, share, cgroup.events if cgroup else None)
            cmd += [python, "/grader/sandbox_worker.py", "/job"]
            run_env = {}
            if cgroup:
                cmd = cgroup.wrap(cmd)
        else:
            for source, name in home_files:
                (home / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(source, home / name)
            cmd = [python, str(WORKER), str(job)]
            run_env = dict(env, PATH=env["PATH"])
        try:
            log, returncode = _run(cmd, run_env, home, options.notebook_timeout)
        finally:
            if cgroup:
                cgroup.remove()
        out = job / "out.ipynb"
        if returncode != 0 or not out.exists():
            if os.environ.get("COURSE_GRADER_DEBUG") and (job / "kernel.log").exists():
                print((job / "kernel.log").read_text(errors="replace")[-3000:], file=sys.stderr)
            tail = log.decode("utf-8", "replace").strip().splitlines()[-3:]
            raise RuntimeError(f"채점 프로세스가 실패함 (종료 코드 {returncode}): {' / '.join(tail)}")
        with open(out, encoding="utf-8") as handle:  # parsed as JSON only: judge.py reads it as data
            return nbformat.from_dict(json.load(handle))


def _run(cmd: list[str], env: dict, cwd: Path, timeout: int) -> tuple[bytes, int]:
    """Run one sandbox to its end (killed with its whole session after ``timeout`` s): (output, exit status)."""
    process = subprocess.Popen(cmd, env=env, cwd=str(cwd), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               start_new_session=True)
    _running.add(process)
    try:
        log, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, 9)
        process.communicate()
        raise RuntimeError(f"노트북 전체 시간 제한({timeout}초)을 넘김")
    finally:
        _running.discard(process)
        if process.poll() is None:
            os.killpg(process.pid, 9)
    return log, process.returncode


# --- Preflight ---------------------------------------------------------------------------

class PreflightFailed(RuntimeError):
    """The sandbox's kernel would not import the grader's ``course_utils`` (the message, Korean, says the fix)."""


def course_utils_here() -> tuple[str, str]:
    """(folder, code hash) of the ``course_utils`` this process imports (the grader's own)."""
    import course_utils

    from tools.grading.sandbox_worker import tree_hash

    folder = Path(course_utils.__file__).resolve().parent
    return str(folder), tree_hash(str(folder))


def preflight(options: Options, grader: tuple[str, str] | None = None) -> dict:
    """Start one sandbox as a student's kernel is started and ask where its ``course_utils`` comes from.

    Returns the sandbox's answer (``{"path", "hash"}`` or ``{"error"}``); raises :class:`PreflightFailed`
    with both paths and the fix when it cannot import it or imports other code than the grader's.
    ``grader`` is (folder, hash) of the grader's ``course_utils`` (default: this process's; on a Dask
    worker, the instructor's).  Used through the runners (tools/grading/runner.py) before any student
    is graded, and once per process by a Dask worker.
    """
    from tools.grading import scratch

    mine_path, mine_hash = grader or course_utils_here()
    python = str(Path(sys.executable).absolute())
    with scratch.folder(options.root, "preflight") as tmp:
        os.chmod(tmp, 0o711)
        job, home, share = tmp / "job", tmp / "home", tmp / "share"
        for folder in (job, home, share):
            folder.mkdir(mode=0o755)
        env = _kernel_env(options, python, share, job, home)
        uid = _uid_base() + 63 if (os.getuid() == 0 and options.sandbox) else -1
        if options.sandbox:
            program = [python, "/grader/sandbox_worker.py"]
            cmd = _bwrap(options, env, [], job, share, None) + _kernel_argv(options, python, program[1], uid)
        else:
            program = [python, str(WORKER)]
            cmd = _kernel_argv(options, python, program[1], uid)
        cmd += program + ["--preflight"]
        log, returncode = _run(cmd, {} if options.sandbox else env, home, 300)
    text = log.decode("utf-8", "replace").strip()
    try:
        found = json.loads(text.splitlines()[-1])
    except (IndexError, ValueError):
        found = {"error": f"종료 코드 {returncode}: {text[-500:]}"}
    if found.get("hash") == mine_hash:
        return found
    where = (f"샌드박스의 커널은 {found['path']}의 course_utils(코드 해시 {found['hash']})를 가져옵니다"
             if "hash" in found else f"샌드박스의 커널이 course_utils를 가져오지 못합니다 ({found.get('error')}); "
             f"이 환경에 설치된 course_utils는 {found.get('installed') or '(없음)'}에 있다고 하지만 샌드박스에서는 "
             "보이지 않습니다")
    raise PreflightFailed(
        "채점 환경 점검에 실패해 채점을 시작하지 않습니다 (학생의 잘못이 아니므로 누구의 점수도 쓰지 않았습니다).\n"
        f"  채점기의 course_utils: {mine_path} (코드 해시 {mine_hash})\n"
        f"  {where}.\n"
        "  고치는 방법: 채점 명령(Dask라면 워커도)을 같은 커밋의 과목 폴더에서 그 폴더의 환경으로 실행하고, course_utils를 "
        "다른 곳에서 가져오게 하는 PYTHONPATH를 지우세요 (`bash scripts/setup_env.sh` 뒤 `.venv/bin/python -m tools.grade ...`; "
        "Dask 워커의 PYTHONPATH는 과목 폴더 하나만). 다른 체크아웃의 course_utils를 쓰려면 그 체크아웃에서 setup_env.sh로 "
        "환경을 다시 만드세요 (채점기와 커널이 같은 코드여야 합니다).")


def kill_running() -> None:
    """Kill every sandbox still running (Ctrl-C in the grading command)."""
    for process in list(_running):
        try:
            os.killpg(process.pid, 9)
        except ProcessLookupError:
            pass

"""Run a command as an unprivileged user, as an instructor who is not root would (the grading tests).

The tests run as root (CI does). :func:`run_as_user` creates a system user once and
runs the command with ``setpriv`` as that user, in a private mount namespace
(``unshare --mount``) where the folders the user could not pass through (``/root``,
where pyenv keeps this Python) are replaced by a view that holds only what the
command needs (the Python installation), read-only. Nothing on the machine changes.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Iterator

USER = "coursegrader"


def available() -> str | None:
    """Why an unprivileged run is impossible here (None when it is possible)."""
    if os.getuid() != 0:
        return "the tests are not running as root (cannot switch user)"
    for tool in ("unshare", "setpriv", "mount", "useradd"):
        if not shutil.which(tool):
            return f"{tool} is missing"
    return None


def require() -> None:
    """Fail the calling test (never skip it) when an unprivileged run is impossible here."""
    reason = available()
    if reason:
        import pytest

        pytest.fail(f"cannot run as an unprivileged user here: {reason}")


@contextlib.contextmanager
def scratch(prefix: str) -> Iterator[Path]:
    """A scratch folder others may enter, holding the user's own ``home`` and an empty mount ``view``; removed after.

    Put the course and the inbox inside it and :func:`give_to_user` them; pass ``base / "view"`` to :func:`run_as_user`.
    """
    require()
    base = Path(tempfile.mkdtemp(prefix=prefix))
    base.chmod(0o755)
    try:
        for folder in ("home", "view"):
            (base / folder).mkdir()
        give_to_user(base / "home")
        yield base
    finally:
        shutil.rmtree(base, ignore_errors=True)


def ensure_user() -> tuple[int, int]:
    try:
        entry = pwd.getpwnam(USER)
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", USER], check=True)
        entry = pwd.getpwnam(USER)
    return entry.pw_uid, entry.pw_gid


def _blocked_ancestor(path: Path) -> Path | None:
    """The highest folder above ``path`` that others may not pass through (mode without o+x)."""
    for parent in reversed(path.resolve().parents):
        if parent != Path("/") and not os.stat(parent).st_mode & 0o001:
            return parent
    return None


def run_as_user(argv: list[str], *, env: dict, cwd: Path, view: Path, timeout: int) -> subprocess.CompletedProcess:
    """Run ``argv`` as :data:`USER` with ``env``; ``view`` is an empty scratch folder for the mount view."""
    uid, gid = ensure_user()
    script = ["set -e"]
    needed = [Path(sys.base_prefix), Path(sys.prefix)]
    for path in needed:
        blocked = _blocked_ancestor(path)
        if blocked is None:
            continue
        inner = path.resolve().relative_to(blocked)
        top = view / blocked.relative_to("/")
        (top / inner.parts[0]).mkdir(parents=True, exist_ok=True)
        os.chmod(view, 0o755)
        for folder in [top, *top.parents]:
            if view in folder.parents or folder == view:
                os.chmod(folder, 0o755)
        script.append(f"mount --bind {shlex.quote(str(blocked / inner.parts[0]))} "
                      f"{shlex.quote(str(top / inner.parts[0]))}")
        script.append(f"mount --rbind {shlex.quote(str(top))} {shlex.quote(str(blocked))}")
    exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
    script.append(f"cd {shlex.quote(str(cwd))}")
    script.append(f"exec setpriv --reuid={uid} --regid={gid} --clear-groups env -i {exports} "
                  + " ".join(shlex.quote(a) for a in argv))
    return subprocess.run(["unshare", "--mount", "--propagation", "private", "sh", "-c", "\n".join(script)],
                          capture_output=True, text=True, timeout=timeout)


def give_to_user(path: Path) -> None:
    """Make ``path`` (recursively) the user's, as an instructor's own course folder is."""
    uid, gid = ensure_user()
    for folder, dirs, files in os.walk(path):
        os.chown(folder, uid, gid)
        for name in files:
            os.chown(os.path.join(folder, name), uid, gid, follow_symlinks=False)

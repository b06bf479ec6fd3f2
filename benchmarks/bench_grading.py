"""How fast ``python -m tools.grade`` grades a class, next to plain ``nbgrader autograde``.

    python -m benchmarks.bench_grading [--chapter ch02_linear] [--students 30] [--overhead-students 6]
    python -m benchmarks.bench_grading --report-only [--report-students 1000] [--report-questions 5]
    python -m benchmarks.bench_grading --dask-only [--students 30]

Builds a throw-away course with one chapter, generates the student version,
makes ``--students`` honest submissions (the instructor's answers) and times:

- plain ``nbgrader autograde`` of the same folder (after tools/collect_submissions.py);
- ``python -m tools.grade`` with the sandbox on, 1, 2 and N (= cores) workers;
- the sandbox overhead per notebook: ``--workers 1`` with and without the sandbox
  on ``--overhead-students`` submissions;
- ``--dask-scheduler`` on a local Dask cluster of 2 workers (``dask scheduler`` and two
  ``dask worker --nthreads 1`` processes on 127.0.0.1, started before the timed run as a
  department's cluster would be) against ``--workers 2`` here: the Dask path's cost per
  submission (target: at most 0.5 s more).  ``--dask-only`` runs just these two rows.

Prints seconds per submission and the speed-up against plain nbgrader, then the time of the
class report (tools.report, target < 10 s on 2 cores) for ``--report-students`` students and
``--report-questions`` questions of a synthetic per-question CSV: the command in a new process
(imports included) and ``write_reports`` called again in this process.  ``--report-only`` runs
just that row.
Nothing here is asserted: the figures depend on the machine (say how busy it was).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from tests.support.notebook_helpers import fill_answers, kernel_environment, solutions_by_id
from tools.notebooks import chapter_notebook

ROOT = Path(__file__).resolve().parents[1]


LOADS: list[float] = []  # 1-minute load average at the start of each timed run


def run(command, cwd, env) -> float:
    LOADS.append(os.getloadavg()[0])
    start = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode not in (0,):
        print(result.stdout[-2000:], result.stderr[-2000:], file=sys.stderr)
        raise SystemExit(f"failed: {' '.join(map(str, command))}")
    return elapsed


def report_row(students: int, questions: int) -> None:
    """Time tools.report on a synthetic class of ``students`` x ``questions`` and print one row."""
    from tests.support.report_class import synthetic_class, write_questions
    from tools.report import write_reports

    with tempfile.TemporaryDirectory(prefix="bench-report-") as tmp:
        root = Path(tmp)
        csv_path = write_questions(root / "grading" / "reports" / "bench_questions.csv",
                                   synthetic_class(students, questions, seed=0))
        load = os.getloadavg()[0]
        start = time.perf_counter()
        result = subprocess.run([sys.executable, "-m", "tools.report", "--root", str(root)], cwd=ROOT,
                                capture_output=True, text=True)
        command = time.perf_counter() - start
        if result.returncode != 0:
            raise SystemExit(f"tools.report failed:\n{result.stderr[-2000:]}")
        start = time.perf_counter()
        written = write_reports(root)
        again = time.perf_counter() - start
        page = next(p for p in written if p.name.endswith("_report.html"))
        print(f"tools.report, {students} students x {questions} questions ({csv_path.stat().st_size / 1e6:.1f} MB CSV, "
              f"1-min load average {load:.1f}): command {command:.2f} s (new process, imports included), "
              f"write_reports {again:.2f} s in a warm process; target < 10 s; "
              f"page {page.stat().st_size / 1e6:.2f} MB, {len(written)} files")


def dask_run(grade: list, tmp: Path, env: dict) -> float:
    """The same command through ``--dask-scheduler`` on a local cluster of 2 one-thread workers (started untimed)."""
    from tests.support.dask_cluster import Cluster

    cluster = Cluster(tmp / "dask-cluster", env, workers=2)
    try:
        return run(grade + ["--dask-scheduler", cluster.address], ROOT, env)
    finally:
        cluster.close()


def dask_rows(figures: dict, grade: list, tmp: Path, env: dict, students: int) -> None:
    """``--dask-only``: ``--workers 2`` here, then the Dask cluster, and the difference per submission."""
    figures["tools.grade, sandbox, 2 workers here"] = run(grade + ["--workers", "2"], ROOT, env)
    figures["tools.grade, sandbox, Dask 2 workers"] = dask_run(grade, tmp, env)
    local, dask = figures.values()
    print(f"{students} honest submissions on {os.cpu_count()} cores (1-min load average at the start of each run: "
          f"{', '.join(f'{v:.1f}' for v in LOADS[-2:])}; a busy machine makes every figure larger)")
    for name, seconds in figures.items():
        print(f"  {name:<40} {seconds:7.1f} s  {seconds / students:5.2f} s/submission")
    print(f"  Dask cost per submission: {(dask - local) / students:+.2f} s (target: at most +0.50 s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--chapter", default="ch02_linear")
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument("--overhead-students", type=int, default=6)
    parser.add_argument("--report-only", action="store_true", help="time only the class report (tools.report)")
    parser.add_argument("--dask-only", action="store_true",
                        help="time only --workers 2 against --dask-scheduler on a local cluster of 2 workers")
    parser.add_argument("--report-students", type=int, default=1000)
    parser.add_argument("--report-questions", type=int, default=5)
    args = parser.parse_args()
    if args.report_only:
        report_row(args.report_students, args.report_questions)
        return

    env = kernel_environment()
    env.pop("COURSE_QUICK", None)
    nbgrader = str(Path(sys.executable).parent / "nbgrader")
    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory(prefix="bench-grading-") as tmp:
        tmp = Path(tmp)
        course = tmp / "course"
        (course / "book").mkdir(parents=True)
        shutil.copy(ROOT / "nbgrader_config.py", course)
        shutil.copytree(ROOT / "book" / args.chapter, course / "book" / args.chapter)
        run([nbgrader, "generate_assignment", args.chapter, "--force"], course, env)
        source_path = chapter_notebook(args.chapter)
        source = nbformat.read(source_path, as_version=4)
        released = nbformat.read(course / "grading" / "release" / args.chapter / source_path.name, as_version=4)
        honest = fill_answers(released, solutions_by_id(source))
        inbox, small = tmp / "inbox", tmp / "small"
        inbox.mkdir()
        small.mkdir()
        for n in range(args.students):
            nbformat.write(honest, inbox / f"s{n:03d}_{args.chapter}.ipynb")
            if n < args.overhead_students:
                nbformat.write(honest, small / f"s{n:03d}_{args.chapter}.ipynb")

        figures = {}
        grade = [sys.executable, "-m", "tools.grade", args.chapter, str(inbox), "--root", str(course),
                 "--regrade", "--no-feedback"]
        if args.dask_only:
            dask_rows(figures, grade, tmp, env, args.students)
            return
        run([sys.executable, "-m", "tools.collect_submissions", args.chapter, str(inbox),
             "--root", str(course)], ROOT, env)
        figures["plain nbgrader autograde"] = run([nbgrader, "autograde", args.chapter, "--force"], course, env)
        for workers in sorted({1, 2, cores}):
            figures[f"tools.grade, sandbox, {workers} worker(s)"] = run(grade + ["--workers", str(workers)], ROOT, env)
        figures["tools.grade, sandbox, Dask 2 workers"] = dask_run(grade, tmp, env)
        small_grade = [sys.executable, "-m", "tools.grade", args.chapter, str(small), "--root", str(course),
                       "--regrade", "--no-feedback", "--workers", "1"]
        with_sandbox = run(small_grade, ROOT, env)
        without = run(small_grade + ["--unsafe-no-sandbox"], ROOT, env)

    plain = figures["plain nbgrader autograde"]
    print(f"{args.students} honest submissions of {args.chapter} on {cores} cores "
          f"(1-min load average at the start of each run: {', '.join(f'{v:.1f}' for v in LOADS[2:])}; "
          "a busy machine makes every figure larger)")
    for name, seconds in figures.items():
        print(f"  {name:<36} {seconds:7.1f} s  {seconds / args.students:5.2f} s/submission"
              f"  speed-up {plain / seconds:4.2f}x")
    print(f"  sandbox overhead per notebook ({args.overhead_students} notebooks, 1 worker): "
          f"{(with_sandbox - without) / args.overhead_students:+.2f} s "
          f"({with_sandbox / args.overhead_students:.2f} s with, {without / args.overhead_students:.2f} s without)")
    report_row(args.report_students, args.report_questions)


if __name__ == "__main__":
    main()

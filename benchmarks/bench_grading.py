"""How fast ``python -m tools.grade`` grades a class, next to plain ``nbgrader autograde``.

    python -m benchmarks.bench_grading [--chapter ch02_linear] [--students 30] [--overhead-students 6]

Builds a throw-away course with one chapter, generates the student version,
makes ``--students`` honest submissions (the instructor's answers) and times:

- plain ``nbgrader autograde`` of the same folder (after tools/collect_submissions.py);
- ``python -m tools.grade`` with the sandbox on, 1, 2 and N (= cores) workers;
- the sandbox overhead per notebook: ``--workers 1`` with and without the sandbox
  on ``--overhead-students`` submissions.

Prints seconds per submission and the speed-up against plain nbgrader.
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--chapter", default="ch02_linear")
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument("--overhead-students", type=int, default=6)
    args = parser.parse_args()

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
        run([sys.executable, "-m", "tools.collect_submissions", args.chapter, str(inbox),
             "--root", str(course)], ROOT, env)
        figures["plain nbgrader autograde"] = run([nbgrader, "autograde", args.chapter, "--force"], course, env)
        grade = [sys.executable, "-m", "tools.grade", args.chapter, str(inbox), "--root", str(course),
                 "--regrade", "--no-feedback"]
        for workers in sorted({1, 2, cores}):
            figures[f"tools.grade, sandbox, {workers} worker(s)"] = run(grade + ["--workers", str(workers)], ROOT, env)
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


if __name__ == "__main__":
    main()

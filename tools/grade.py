"""Grade a folder of submissions safely: ``python -m tools.grade ASSIGNMENT FOLDER [--workers N | --dask-scheduler ADDRESS]``.

What it does (book/instructor_guide.md, "자동 채점"), one module per stage:

1. **collect** the submissions (loose ``학번_….ipynb`` files, one folder per student, or
   an LMS ``.zip``) into ``grading/submitted`` (tools/collect_submissions.py,
   :func:`tools.grading.records.unpack`);
2. **plan** each student's run in this process (tools/grading/plan.py): the student's
   own cells, and after each answer a guard cell and a probe cell that only reports
   the answer's value; the hidden tests and expected values stay here;
3. **run** it in a bubblewrap sandbox (tools/grading/sandbox.py and
   tools/grading/sandbox_worker.py): no network, read-only system, no view of the
   course folder, limits on processes, memory and time.  A *runner*
   (tools/grading/runner.py) runs the sandboxes: ``--workers`` threads on this machine,
   or the workers of a Dask cluster with ``--dask-scheduler`` (tools/grading/dask_runner.py);
   either way only the notebook to run and the student's and release's files leave this process;
4. **judge** each question in this process (tools/grading/judge.py) from the reported
   plain data (tools/grading/codec.py): the exercise's own check and the hidden
   test's literal, or this student's input cases against the reference;
5. **write** nbgrader's gradebook, the autograded notebook, the per-question CSV and the
   resume state, in this process only (tools/grading/records.py); then nbgrader's
   feedback and export.

A student whose grading failed is reported as ``failed: 이유`` and is not written to
the gradebook (never a 0); rerunning the command grades only the students that are
not yet graded with the same submission.

Before any student, a **preflight** sandbox reports where its ``course_utils`` comes from and
the hash of its code (:func:`tools.grading.sandbox.preflight`); a set-up whose kernels would
import other code than the grader's (or none) stops the command: a fault of the set-up never
flags or scores a student.

Exit status: 0 all graded, nothing to review; 1 some students failed (run again);
4 all graded but some questions are flagged or lost to a dead kernel (review them in
formgrader); 2 a wrong assignment, a missing release or a zip over ``--max-zip-mb``;
3 no working sandbox, or the preflight found the kernels' ``course_utils`` missing or different;
5 the Dask scheduler could not be reached or went away (run again: it resumes);
130 interrupted.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time
from pathlib import Path

import nbformat

# nbgrader's package imports its submodules circularly.  Imported for the first time by two worker
# threads at once, one thread gets a partially initialised nbgrader.api ("cannot import name
# 'Gradebook'") and the whole run stops with no report.  Importing both here, once, before any thread
# starts, rules that out (tests/grading/test_grade_plan.py::test_nbgrader_is_imported_before_the_workers_start).
import nbgrader.api  # noqa: F401
import nbgrader.utils  # noqa: F401

from tools.collect_submissions import MAX_NOTEBOOK_MB, MB, collect, read_mapping
from tools.grading import sandbox, scratch
from tools.grading.judge import judge
from tools.grading.plan import build_plan, questions_of, student_seed
from tools.grading.records import Book, ZipRefused, checksum, feedback_and_export, unpack
from tools.grading.runner import Job, LocalRunner, RunStopped
from tools.notebooks import chapter_notebook

ROOT = Path(__file__).resolve().parents[1]
EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_NO_SANDBOX, EXIT_REVIEW, EXIT_INTERRUPTED = 0, 1, 2, 3, 4, 130
EXIT_SCHEDULER = 5


class Progress:
    """The progress line; ``status`` adds the runner's few words (the Dask workers connected)."""

    def __init__(self, total: int, status=lambda: ""):
        self.total, self.done, self.counts = total, 0, {"graded": 0, "flagged": 0, "failed": 0}
        self.start, self.status = time.monotonic(), status

    def update(self, outcome: str):
        self.done += 1
        self.counts[outcome] += 1
        self.show()

    def show(self):
        width = 30
        filled = int(width * self.done / max(self.total, 1))
        elapsed = time.monotonic() - self.start
        extra = self.status()
        print(f"\r[{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total}  채점 {self.counts['graded']}"
              f" · 플래그 {self.counts['flagged']} · 실패 {self.counts['failed']}  {elapsed:.0f}s"
              f"{f'  · {extra}' if extra else ''}",
              end="\n" if self.done == self.total else "", flush=True)


def plan_one(assignment, student, digest, path, source_nb, released_nb, classmates=()):
    """One student's plan, built in this process (its secrets never leave it).

    ``student`` is the id the LMS or nbgrader gives the submission: its numbers are the ones judged
    (``course_utils/exercises/_variants.py``); ``classmates``: the class's ids, for the copied-answer check.
    """
    student_nb = nbformat.read(path, as_version=4)
    return build_plan(student_nb, source_nb, released_nb, seed=student_seed(assignment, student, digest),
                      student=student, classmates=classmates)


def run_one(assignment, student, digest, path, source_nb, released_nb, release_dir, options, classmates=()):
    """Plan one student's run and execute it in the sandbox here; the judging is the caller's."""
    plan = plan_one(assignment, student, digest, path, source_nb, released_nb, classmates)
    out = sandbox.run_in_sandbox(plan.run_nb, release_dir, path, options)
    return plan, out


def grade_one(student, path, source_nb, released_nb, release_dir, options, assignment="", digest="", classmates=()):
    """Plan, run and judge one student: (rows, autograded notebook, notes). Used by the tests and benchmarks."""
    plan, out = run_one(assignment, student, digest, path, source_nb, released_nb, release_dir, options, classmates)
    verdicts, graded = judge(plan, out, source_nb)
    return [v.row() for v in verdicts], graded, plan.notes


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.grade", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("assignment", help="과제 이름 (예: ch01_data_shapes)")
    parser.add_argument("folder", type=Path, help="제출물 폴더 또는 LMS zip 파일")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                        help="동시에 채점할 학생 수 (기본: CPU 코어 수; --dask-scheduler에서는 워커의 스레드 수가 정함)")
    parser.add_argument("--dask-scheduler", metavar="ADDRESS",
                        help="학생별 샌드박스 실행을 이 Dask 스케줄러의 워커에 보냄: tcp://호스트:포트, tls://호스트:포트, "
                             "또는 `dask scheduler --scheduler-file`의 파일 (판정과 성적 기록은 이 컴퓨터에서)")
    parser.add_argument("--dask-tls-ca-file", metavar="PEM", help="Dask TLS: CA 인증서 (--tls-ca-file과 같은 파일)")
    parser.add_argument("--dask-tls-cert", metavar="PEM", help="Dask TLS: 이 클라이언트의 인증서")
    parser.add_argument("--dask-tls-key", metavar="PEM", help="Dask TLS: 이 클라이언트의 개인 키")
    parser.add_argument("--unsafe-no-sandbox", action="store_true",
                        help="bubblewrap 없이 실행 (신뢰할 수 있는 제출물에만!)")
    parser.add_argument("--root", type=Path, default=ROOT, help="과목 폴더 (nbgrader_config.py가 있는 곳)")
    parser.add_argument("--mapping", type=Path, help="file,student_id 열이 있는 CSV")
    parser.add_argument("--cell-timeout", type=int, default=int(os.environ.get("COURSE_CELL_TIMEOUT", "120")))
    parser.add_argument("--notebook-timeout", type=int, default=900)
    parser.add_argument("--memory-gb", type=float, default=8.0,
                        help="샌드박스 하나의 메모리 한도: 그 안의 모든 프로세스를 합한 양 (GiB, 기본 8)")
    parser.add_argument("--disk-mb", type=float, default=2048,
                        help="샌드박스 하나가 쓸 수 있는 양: 홈 절반, /tmp와 /dev/shm 각 4분의 1 (MiB, 기본 2048)")
    parser.add_argument("--max-procs", type=int, default=64, help="샌드박스 하나의 프로세스·스레드 수 한도")
    parser.add_argument("--max-notebook-mb", type=float, default=MAX_NOTEBOOK_MB,
                        help=f"이보다 큰 제출 파일(zip 항목 포함)은 읽지 않고 건너뜀 (MB, 기본 {MAX_NOTEBOOK_MB})")
    parser.add_argument("--max-zip-mb", type=float, default=4000,
                        help="zip 안의 노트북을 모두 풀었을 때의 크기 한도 (MB, 기본 4000)")
    parser.add_argument("--regrade", action="store_true", help="이미 채점한 학생도 다시 채점")
    parser.add_argument("--no-feedback", action="store_true", help="피드백 HTML과 성적 내보내기를 건너뜀")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    # nbgrader runs the `alembic` command whenever it makes a new gradebook (records.Book, then
    # feedback_and_export): the one installed next to this Python, as in an activated environment.
    os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    import warnings
    warnings.filterwarnings("ignore", module="nbgrader")
    warnings.filterwarnings("ignore", message=".*not in session.*")

    use_sandbox = not args.unsafe_no_sandbox
    if use_sandbox:
        try:
            if not args.dask_scheduler:  # on Dask, each worker checks its own bwrap
                sandbox.check_sandbox()
        except sandbox.SandboxUnavailable as error:
            print(f"오류: {error}", file=sys.stderr)
            return EXIT_NO_SANDBOX
    else:
        print("!" * 72 + "\n경고: --unsafe-no-sandbox: 학생 코드가 샌드박스 없이 이 컴퓨터에서 실행됩니다.\n"
              "성적 DB와 다른 학생의 파일을 학생 코드가 읽고 고칠 수 있습니다.\n"
              "신뢰할 수 없는 제출물에는 절대 쓰지 마세요.\n" + "!" * 72, file=sys.stderr)

    try:
        source_path = chapter_notebook(args.assignment, root)
    except ValueError as error:
        print(f"오류: {error} 과제 이름을 확인하세요.", file=sys.stderr)
        return EXIT_USAGE
    source_nb = nbformat.read(source_path, as_version=4)
    release_dir = root / "grading" / "release" / args.assignment
    release_path = release_dir / source_path.name
    if not release_path.exists():
        print(f"오류: {release_path}가 없습니다. 먼저 `nbgrader generate_assignment {args.assignment}`를 실행하세요.",
              file=sys.stderr)
        return 2
    released_nb = nbformat.read(release_path, as_version=4)

    # SIGTERM (a scheduler's job ending, `kill`) ends the run as Ctrl-C does: temporary folders removed.
    signal.signal(signal.SIGTERM, _interrupt)
    scratch.clear_stale(root)
    max_bytes = int(args.max_notebook_mb * MB)
    try:
        with scratch.folder(root, "inbox") as tmp:
            unpacked = unpack(args.folder, tmp, max_bytes, int(args.max_zip_mb * MB))
            report = collect(args.assignment, unpacked.folder, read_mapping(args.mapping) if args.mapping else None,
                             root=root, folder_ids=True, max_bytes=max_bytes)
    except ZipRefused as error:
        print(f"오류: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("\n중단했습니다 (제출물을 모으던 중; 임시 폴더는 지웠습니다).", file=sys.stderr)
        return EXIT_INTERRUPTED
    report.skipped += unpacked.skipped
    report.zip_files = unpacked.files
    report.print()

    book = Book(root, args.assignment, source_path.stem)
    if book.ensure_assignment(released_nb):
        print(f"성적 DB에 {args.assignment}가 없어 배포본({release_path.name})의 채점 셀로 등록했습니다.")
    todo = []
    for student, _, _ in report.collected:
        path = root / "grading" / "submitted" / student / args.assignment / source_path.name
        digest = checksum(path)
        if not args.regrade and book.done(student, digest):
            continue
        todo.append((student, path, digest))
    skipped = len(report.collected) - len(todo)
    if skipped:
        print(f"이미 같은 제출물로 채점한 학생 {skipped}명은 건너뜁니다 (--regrade로 다시 채점).")

    options = sandbox.Options(root=root, sandbox=use_sandbox, cell_timeout=args.cell_timeout,
                              notebook_timeout=args.notebook_timeout, memory_bytes=int(args.memory_gb * 2**30),
                              max_procs=args.max_procs, disk_bytes=int(args.disk_mb * 2**20))
    try:
        runner = make_runner(args, release_dir, options) if todo else LocalRunner(1, release_dir, options)
        if todo:
            runner.preflight()  # stops here, before any student, when the kernels would import other code
    except RunStopped as error:
        print(f"오류: {error}", file=sys.stderr)
        return EXIT_SCHEDULER
    except sandbox.PreflightFailed as error:
        runner.close()
        print(f"오류: {error}", file=sys.stderr)
        return EXIT_NO_SANDBOX
    except KeyboardInterrupt:
        print("\n중단했습니다.", file=sys.stderr)
        return EXIT_INTERRUPTED
    progress = Progress(len(todo), runner.status)
    runner.on_status = progress.show
    failures, flagged = [], []

    def failed(student, digest, reason):
        rows = [{"question": q.test_id, "exercise": q.number or "", "score": "", "max": q.points, "status": "failed",
                 "reason": reason, "value": "", "diagnosis": "", "diagnosis_kind": "none"}
                for q in questions_of(source_nb)]
        book.fail(student, digest, reason, rows)
        failures.append((student, reason))
        progress.update("failed")

    # The class, for the copied-answer check of the number exercises: this run's students and those graded before.
    classmates = tuple(sorted({student for student, _, _ in report.collected} | set(book.state)))

    def jobs():
        for student, path, digest in todo:
            try:
                plan = plan_one(args.assignment, student, digest, path, source_nb, released_nb, classmates)
            except Exception as error:  # noqa: BLE001 - reported as this student's failure
                yield Job(student, path, digest, error=str(error) or type(error).__name__)
                continue
            yield Job(student, path, digest, plan)

    try:
        for outcome in runner.results(jobs()):  # in the order they finish, from whichever runner
            student, path, digest = outcome.job.student, outcome.job.path, outcome.job.digest
            if outcome.error is not None:
                failed(student, digest, outcome.error)
                continue
            try:
                verdicts, graded = judge(outcome.job.plan, outcome.notebook, source_nb)  # here, never in the sandbox
            except Exception as error:  # noqa: BLE001 - one student's failure is reported, never a 0
                failed(student, digest, str(error) or type(error).__name__)
                continue
            rows = [v.row() for v in verdicts]
            stamp_file = path.parent / "timestamp.txt"
            stamp = stamp_file.read_text(encoding="utf-8").strip() if stamp_file.exists() else None
            book.write(student, digest, rows, graded, stamp)
            marked = [r for r in rows if r["status"] in ("flagged", "kernel died")]
            if marked:
                flagged.append((student, marked))
            progress.update("flagged" if marked else "graded")
    except KeyboardInterrupt:
        runner.stop()
        print("\n중단했습니다. 다시 실행하면 채점하지 않은 학생부터 이어서 채점합니다.", file=sys.stderr)
        book.write_csv()
        return EXIT_INTERRUPTED
    except RunStopped as error:
        print(f"\n오류: {error}", file=sys.stderr)
        book.write_csv()
        return EXIT_SCHEDULER
    finally:
        runner.close()
    csv_path = book.write_csv()

    if not args.no_feedback:
        graded_students = [s for s, e in book.state.items() if e["status"] == "graded"]
        for problem in feedback_and_export(root, args.assignment):
            print(f"경고: {problem}", file=sys.stderr)
        print(f"피드백: grading/feedback/<학번>/{args.assignment}/ ({len(graded_students)}명)")

    report_paths = _class_report(root, args.assignment)

    print("\n=== 요약 ===")
    total = len(book.state)
    graded_n = sum(1 for e in book.state.values() if e["status"] == "graded")
    review = [(s, r) for s, e in sorted(book.state.items()) if e["status"] == "graded"
              for r in e["rows"] if r["status"] in ("flagged", "kernel died")]
    print(f"채점 완료 {graded_n}명 (이번 실행 {len(todo) - len(failures)}명, 건너뜀 {skipped}명), "
          f"검토할 문항이 있는 학생 {len({s for s, _ in review})}명, 실패 {total - graded_n}명")
    for student, row in review:
        print(f"  검토 {student} {row['question']} ({row['status']}): {row['reason']}")
    for student, entry in sorted(book.state.items()):
        if entry["status"] != "graded":
            print(f"  실패 {student}: {entry['status']}  (다시 실행하면 다시 채점합니다)")
    for line in runner.advice():
        print(f"  고칠 것: {line}")
    print(f"문항별 CSV: {csv_path}")
    print("성적: grading/grades.csv (nbgrader export)")
    for path in report_paths:
        print(f"보고서: {path}")
    if total - graded_n:
        return EXIT_FAILED
    return EXIT_REVIEW if review else EXIT_OK


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def make_runner(args, release_dir: Path, options: sandbox.Options):
    """The runner of this run: a Dask cluster with ``--dask-scheduler``, else ``--workers`` threads here."""
    if not args.dask_scheduler:
        return LocalRunner(args.workers, release_dir, options)
    from tools.grading.dask_runner import DaskRunner  # imports dask: only for a Dask run

    runner = DaskRunner(args.dask_scheduler, release_dir, options, tls_ca_file=args.dask_tls_ca_file,
                        tls_cert=args.dask_tls_cert, tls_key=args.dask_tls_key)
    print(runner.describe() + f" (채점기 코드 {runner.hash})")
    return runner


def _class_report(root: Path, assignment: str) -> list:
    """The class report of this assignment (tools/report.py), when that module is there."""
    try:
        from tools.report import write_reports
    except ImportError:
        return []
    try:
        return write_reports(root, [assignment])
    except Exception as error:  # noqa: BLE001 - a report problem never loses the grading
        print(f"경고: 반 보고서를 만들지 못했습니다: {type(error).__name__}: {error}", file=sys.stderr)
        return []


if __name__ == "__main__":
    sys.exit(main())

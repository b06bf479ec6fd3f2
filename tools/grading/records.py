"""Stage 4 of grading: writing. The grader's parent process is the only writer of these files.

- nbgrader's gradebook (``grading/gradebook.db``): one submission per student, the
  auto score of every question, "needs manual grade" for flagged and dead-kernel rows;
- the autograded notebook (``grading/autograded/STUDENT/ASSIGNMENT/``), from which
  nbgrader writes the feedback;
- the resume state (``grading/reports/ASSIGNMENT_state.json``): a student counts as
  graded only after the gradebook holds all their rows, so an interrupted run loses
  and doubles nothing;
- the per-question CSV (``grading/reports/ASSIGNMENT_questions.csv``), columns
  :data:`CSV_COLUMNS`, which the class report (tools/report.py) reads;
- nbgrader's feedback (``grading/feedback/STUDENT/ASSIGNMENT/``) and grade export
  (``grading/grades.csv``), written by nbgrader's own commands run in this process
  (:func:`feedback_and_export`).

Also here: :func:`unpack`, which opens an LMS zip safely.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import json
import logging
import os
import sys
import time
import zipfile
from pathlib import Path

import nbformat

#: The per-question CSV (book/instructor_guide.md describes each column).
CSV_COLUMNS = ["student", "question", "exercise", "score", "max", "status", "reason", "value", "diagnosis",
               "diagnosis_kind"]


def checksum(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class Book:
    """The single writer: nbgrader gradebook, autograded notebooks, resume state and CSV."""

    def __init__(self, root: Path, assignment: str, notebook_name: str):
        self.root, self.assignment, self.notebook = root, assignment, notebook_name
        self.db_url = "sqlite:///" + str(root / "grading" / "gradebook.db")
        self.reports = root / "grading" / "reports"
        self.reports.mkdir(parents=True, exist_ok=True)
        self.state_path = self.reports / f"{assignment}_state.json"
        self.state = json.loads(self.state_path.read_text(encoding="utf-8")) if self.state_path.exists() else {}

    def ensure_assignment(self, released_nb) -> bool:
        """Register the assignment and its cells from the released notebook when the gradebook lacks them.

        ``nbgrader generate_assignment`` registers them; a new or replaced ``gradebook.db`` (a course
        folder copied without it) does not have them, and no grade could be written.  True when registered.
        """
        import copy

        from nbgrader.api import Gradebook, MissingEntry

        with Gradebook(self.db_url) as gb:
            try:
                gb.find_notebook(self.notebook, self.assignment)
                return False
            except MissingEntry:
                gb.update_or_create_assignment(self.assignment)
        from nbgrader.preprocessors import SaveCells

        SaveCells().preprocess(copy.deepcopy(released_nb), {"nbgrader": {
            "db_url": self.db_url, "assignment": self.assignment, "notebook": self.notebook}})
        return True

    def done(self, student: str, digest: str) -> bool:
        entry = self.state.get(student)
        return bool(entry and entry["checksum"] == digest and entry["status"] == "graded")

    def _save_state(self):
        tmp = self.state_path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.state, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(tmp, self.state_path)

    def write(self, student: str, digest: str, rows: list[dict], graded_nb, timestamp: str | None):
        from nbgrader.api import Gradebook

        target = self.root / "grading" / "autograded" / student / self.assignment
        target.mkdir(parents=True, exist_ok=True)
        nbformat.write(graded_nb, target / f"{self.notebook}.ipynb")
        with Gradebook(self.db_url) as gb:
            gb.update_or_create_student(student)
            kwargs = {"timestamp": timestamp} if timestamp else {}
            gb.update_or_create_submission(self.assignment, student, **kwargs)
            for row in rows:
                grade = gb.find_grade(row["question"], self.notebook, self.assignment, student)
                grade.auto_score = row["score"]
                grade.manual_score = None
                grade.needs_manual_grade = row["status"] in ("flagged", "kernel died")
                grade.extra_credit = None
            gb.db.commit()
        self.state[student] = {"checksum": digest, "status": "graded", "rows": rows}
        self._save_state()

    def fail(self, student: str, digest: str, reason: str, rows: list[dict]):
        from nbgrader.api import Gradebook, MissingEntry

        with Gradebook(self.db_url) as gb:
            try:
                gb.remove_submission(self.assignment, student)
            except MissingEntry:
                pass
        self.state[student] = {"checksum": digest, "status": f"failed: {reason}", "rows": rows}
        self._save_state()

    def write_csv(self) -> Path:
        path = self.reports / f"{self.assignment}_questions.csv"
        with open(path, "w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, CSV_COLUMNS, extrasaction="ignore")
            writer.writeheader()
            for student in sorted(self.state):
                for row in self.state[student]["rows"]:
                    writer.writerow({column: "" for column in CSV_COLUMNS} | {"student": student, **row})
        return path


def feedback_and_export(root: Path, assignment: str) -> list[str]:
    """Run ``nbgrader generate_feedback ASSIGNMENT --force`` and ``nbgrader export --to grading/grades.csv``.

    Both run in this process, in ``root`` with its ``nbgrader_config.py`` (as the commands would from
    that folder), which saves starting two Python processes that import nbgrader for every grading
    run.  Their log is kept, not printed.  Returns one warning per command that failed, with the end
    of its log (an empty list when both worked).  Used by tools/grade.py, after the gradebook is written.
    """
    from nbgrader.apps.exportapp import ExportApp
    from nbgrader.apps.generatefeedbackapp import GenerateFeedbackApp

    problems = []
    for name, app_class, argv in (
            ("generate_feedback", GenerateFeedbackApp, [assignment, "--force"]),
            ("export", ExportApp, ["--to", str(root / "grading" / "grades.csv")])):
        log = io.StringIO()
        saved_path = list(sys.path)  # nbgrader's initialize() puts the working folder first on sys.path
        app = app_class()
        try:
            with contextlib.chdir(root):
                app.initialize(argv)
                for handler in app.log.handlers:  # the console handler: into the kept log instead
                    if isinstance(handler, logging.StreamHandler) and not isinstance(handler, logging.FileHandler):
                        handler.setStream(log)
                app.start()
        except (Exception, SystemExit) as error:  # noqa: BLE001 - the gradebook is written; only this step failed
            detail = log.getvalue().strip()
            if not isinstance(error, SystemExit):  # nbgrader logs why before it exits; an exception says it here
                detail = f"{detail}\n{type(error).__name__}: {error}".strip()
            problems.append(f"nbgrader {name} 실패:\n{detail[-2000:]}")
        finally:
            app.deinit_logging()  # closes the log file handler (.nbgrader.log)
            sys.path[:] = saved_path
    return problems


def unpack(folder: Path, tmp: Path) -> Path:
    """A folder of submissions: ``folder`` itself, or an LMS zip extracted safely into ``tmp``."""
    if folder.is_dir():
        return folder
    if not zipfile.is_zipfile(folder):
        raise SystemExit(f"{folder}: 폴더나 zip 파일이 아닙니다. 제출물이 든 폴더나 LMS에서 받은 zip 파일을 주세요.")
    target = tmp / "unzipped"
    with zipfile.ZipFile(folder) as archive:
        for member in archive.infolist():
            name = Path(member.filename)
            if member.is_dir() or name.is_absolute() or ".." in name.parts or "__MACOSX" in name.parts:
                continue
            destination = target / name
            destination.parent.mkdir(parents=True, exist_ok=True)
            destination.write_bytes(archive.read(member))
            stamp = time.mktime(member.date_time + (0, 0, -1))
            os.utime(destination, (stamp, stamp))
    return target



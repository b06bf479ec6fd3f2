"""Stage 4 of grading: writing. The grader's parent process is the only writer of these files.

- nbgrader's gradebook (``grading/gradebook.db``): one submission per student, the
  auto score of every question, "needs manual grade" for flagged and dead-kernel rows;
- the autograded notebook (``grading/autograded/STUDENT/ASSIGNMENT/``), from which
  nbgrader writes the feedback;
- the resume state (``grading/reports/ASSIGNMENT_state.json``): a student counts as
  graded only after the gradebook holds all their rows, so an interrupted run loses
  and doubles nothing;
- the per-question CSV (``grading/reports/ASSIGNMENT_questions.csv``), columns
  :data:`CSV_COLUMNS`, which the class report (tools/report.py) reads.

Also here: :func:`unpack`, which opens an LMS zip safely.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
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



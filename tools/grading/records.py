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

Also here: :func:`unpack`, which opens an LMS zip safely and accounts for every member.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import json
import logging
import os
import re
import sys
import time
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import nbformat

#: The per-question CSV (book/instructor_guide.md describes each column).
CSV_COLUMNS = ["student", "question", "exercise", "score", "max", "status", "reason", "value", "diagnosis",
               "diagnosis_kind", "variant"]


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


class ZipRefused(ValueError):
    """The zip as a whole cannot be unpacked (its message, Korean, says why and what to do)."""


@dataclass
class Unpacked:
    """A folder of submissions to collect and, for an LMS zip, what became of its files."""

    folder: Path
    files: int | None = None                      # the zip's file members (folders not counted); None: a folder
    skipped: list = field(default_factory=list)   # (member name, Korean reason): not extracted


#: A zip member's file type (the Unix mode kept in ``external_attr``): a symlink, or a regular file.
_S_IFMT, _S_IFLNK, _S_IFREG = 0o170000, 0o120000, 0o100000


def _member_problem(name: str, member: zipfile.ZipInfo) -> str | None:
    """Why a zip member is not extracted, whatever its size (None: a notebook to extract)."""
    path = PurePosixPath(name)
    kind = (member.external_attr >> 16) & _S_IFMT
    if name.startswith("/") or re.match(r"^[A-Za-z]:", name) or ".." in path.parts:
        return f"안전하지 않은 경로라 풀지 않습니다 ({name!r}: 절대 경로이거나 '..'가 들어 있음)"
    if kind == _S_IFLNK:
        return "심볼릭 링크라 풀지 않습니다"
    if kind not in (0, _S_IFREG):
        return "일반 파일이 아니라 풀지 않습니다"
    if "__MACOSX" in path.parts:
        return "macOS가 zip에 덧붙인 파일입니다 (제출물 아님)"
    if ".ipynb_checkpoints" in path.parts:
        return "Jupyter의 자동 저장본(.ipynb_checkpoints)입니다 (제출물 아님)"
    if path.suffix.lower() != ".ipynb":
        return "노트북(.ipynb)이 아닙니다"
    return None


def _extract(archive: zipfile.ZipFile, member: zipfile.ZipInfo, destination: Path, limit: int) -> str | None:
    """Stream one member to ``destination``, stopping past its declared size or ``limit``; None or why not."""
    written = 0
    try:
        with archive.open(member) as source, open(destination, "xb") as out:
            while chunk := source.read(1 << 20):
                written += len(chunk)
                if written > member.file_size or written > limit:  # a header that lies about the size
                    raise OverflowError
                out.write(chunk)
    except OverflowError:
        destination.unlink(missing_ok=True)
        return (f"zip 헤더가 밝힌 크기({member.file_size} 바이트)보다 더 풀려 나와 {written} 바이트에서 멈추고 "
                "건너뜁니다 (손상되었거나 조작된 zip). 학생에게 파일을 다시 받으세요")
    except (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, NotImplementedError, OSError) as error:
        destination.unlink(missing_ok=True)
        return f"zip 항목을 풀 수 없습니다 ({type(error).__name__}: {error}). 학생에게 파일을 다시 받으세요"
    stamp = time.mktime(member.date_time + (0, 0, -1))
    os.utime(destination, (stamp, stamp))
    return None


def unpack(folder: Path, tmp: Path, max_bytes: int, max_total_bytes: int) -> Unpacked:
    """A folder of submissions: ``folder`` itself, or an LMS zip extracted safely into ``tmp``.

    Every file member of the zip is accounted for: extracted (then collected, superseded or
    skipped by tools/collect_submissions.py) or skipped here with its reason: an unsafe path,
    a symlink, not a notebook, a duplicate, over ``max_bytes`` (checked on the declared size
    before extracting, and again while streaming: a header may lie).  When the notebooks to
    extract add up to more than ``max_total_bytes``, nothing is extracted (:class:`ZipRefused`).
    Used by tools/grade.py.
    """
    from tools.collect_submissions import MB, student_of, too_large

    if folder.is_dir():
        return Unpacked(folder)
    if not zipfile.is_zipfile(folder):
        raise SystemExit(f"{folder}: 폴더나 zip 파일이 아닙니다. 제출물이 든 폴더나 LMS에서 받은 zip 파일을 주세요.")
    target = tmp / "unzipped"
    target.mkdir(parents=True, exist_ok=True)
    result = Unpacked(target, files=0)
    with zipfile.ZipFile(folder) as archive:
        chosen, seen = [], set()
        for member in archive.infolist():
            if member.is_dir():
                continue
            result.files += 1
            name = member.filename.replace("\\", "/")
            problem = _member_problem(name, member)
            if problem is None:
                key = PurePosixPath(name).as_posix()
                problem = (f"같은 경로의 파일이 zip에 또 있습니다 ({name}): 앞의 것만 씁니다"
                           if key in seen else too_large(student_of(PurePosixPath(name), folder_ids=True),
                                                         member.file_size, max_bytes))
                seen.add(key)
            if problem:
                result.skipped.append((Path(name), problem))
            else:
                chosen.append((name, member))
        total = sum(member.file_size for _, member in chosen)
        if total > max_total_bytes:
            raise ZipRefused(f"{folder}: zip 안의 노트북 {len(chosen)}개를 풀면 {total / MB:.1f} MB로, 한도 "
                             f"{max_total_bytes / MB:g} MB(--max-zip-mb)를 넘어 아무것도 풀지 않았습니다. 한도를 올리거나 "
                             "zip을 나누어 채점하세요.")
        for name, member in chosen:
            destination = target / name
            destination.parent.mkdir(parents=True, exist_ok=True)
            problem = _extract(archive, member, destination, max_bytes)
            if problem:
                result.skipped.append((Path(name), problem))
    return result

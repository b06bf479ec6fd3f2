"""Put a folder of submitted notebooks where nbgrader expects them.

    python -m tools.collect_submissions ch01_data_shapes 제출물_폴더/ [--mapping 명단.csv]

Each ``.ipynb`` file under the folder (as downloaded from Colab or an LMS) is
checked, given back any nbgrader cell metadata its editor dropped (matched
against the released notebook), and written to
``grading/submitted/<student_id>/<assignment>/<notebook>.ipynb`` with a
``timestamp.txt`` from the file's modification time.

The student id is the part of the file name before the first ``_`` (or the
whole name): ``2026001.ipynb`` and ``2026001_ch01.ipynb`` both give ``2026001``.
A CSV file with the columns ``file,student_id`` overrides that.

No submission is lost: a file that cannot be used is skipped with the reason,
the others are collected, and the exit status is 2 so that a script notices.
A file larger than ``--max-notebook-mb`` (default 50) is skipped before it is read
(:func:`too_large`), so one oversized notebook never stops the class.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path, PurePath

import nbformat

from course_utils.grading import restore_nbgrader_metadata

ROOT = Path(__file__).resolve().parents[1]
_STUDENT_ID = re.compile(r"^[\w.-]+$")
_CHAPTER_NAME = re.compile(r"^(copy of |사본 - )?ch\d\d", re.I)
#: The largest notebook read by default (MB): a chapter with its outputs is far smaller.
MAX_NOTEBOOK_MB = 50
MB = 10**6


def too_large(student: str | None, size: int, limit_bytes: int) -> str | None:
    """The Korean reason to skip a file of ``size`` bytes over ``limit_bytes``, or None when it fits.

    Used by :func:`collect` (a folder) and tools/grading/records.unpack (a zip member), before reading.

    >>> too_large("2026001", 3 * 10**9, 50 * 10**6).split(":")[0]
    '학생 2026001의 파일이 너무 큽니다 (3000.0 MB, 한도 50 MB)'
    """
    if size <= limit_bytes:
        return None
    who = f"학생 {student}의" if student else "학번을 알 수 없는"
    return (f"{who} 파일이 너무 큽니다 ({size / MB:.1f} MB, 한도 {limit_bytes / MB:g} MB): 읽지 않고 건너뜁니다. "
            "학생에게 출력을 지운 노트북(편집 → 모든 출력 지우기)을 다시 받거나, --max-notebook-mb로 한도를 올리세요.")


@dataclass
class Report:
    collected: list = field(default_factory=list)  # (student_id, source path, note)
    skipped: list = field(default_factory=list)    # (source path, reason): not usable
    superseded: list = field(default_factory=list)  # (source path, reason): an older file of the same student
    #: The files of the LMS zip (tools/grading/records.unpack), None for a folder: each one is collected,
    #: superseded or skipped, and the summary shows that the three add up.
    zip_files: int | None = None

    def print(self) -> None:
        for student, path, note in self.collected:
            print(f"  모음   {student:<16} ← {path.name}{'  (' + note + ')' if note else ''}")
        for path, reason in self.superseded:
            print(f"  대체됨 {path}: {reason}")
        for path, reason in self.skipped:
            print(f"  건너뜀 {path}: {reason}", file=sys.stderr)
        print(f"제출물 {len(self.collected)}개를 모았고, {len(self.skipped)}개를 건너뛰었습니다.")
        if self.zip_files is not None:
            print(f"zip의 파일 {self.zip_files}개 = 모음 {len(self.collected)} + 대체됨 {len(self.superseded)} "
                  f"+ 건너뜀 {len(self.skipped)} (폴더 항목은 세지 않음)")


def student_id_from_name(path: Path) -> str | None:
    """Read the student id from a file name, or None when the name carries none.

    >>> student_id_from_name(Path("2026001_ch01_data_shapes.ipynb"))
    '2026001'
    >>> student_id_from_name(Path("ch01_data_shapes.ipynb")) is None
    True
    """
    stem = path.stem.strip()
    if _CHAPTER_NAME.match(stem):
        return None
    candidate = stem.split("_", 1)[0].strip()
    return candidate if candidate and _STUDENT_ID.match(candidate) else None


def student_of(relative: PurePath, mapping: dict[str, str] | None = None, folder_ids: bool = False) -> str | None:
    """The student id of a file at ``relative`` (a path inside the submissions folder or zip), or None.

    The mapping's entry for the file name, else the file name's id; with ``folder_ids``, the
    first-level folder's name when the file name carries none (or is the chapter's name).

    >>> student_of(PurePath("2026001/ch01_data_shapes.ipynb"), folder_ids=True)
    '2026001'
    """
    student = (mapping or {}).get(relative.name) or student_id_from_name(relative)
    parts = relative.parts
    if folder_ids and len(parts) > 1 and _STUDENT_ID.match(parts[0]) and (
            not student or _CHAPTER_NAME.match(relative.stem) or student == relative.stem):
        student = parts[0]
    return student


def read_mapping(path: Path) -> dict[str, str]:
    """Read a ``file,student_id`` CSV into {file name: student id}."""
    with open(path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        if not reader.fieldnames or not {"file", "student_id"} <= set(reader.fieldnames):
            raise SystemExit(f"{path}: 첫 줄에 file,student_id 열 이름이 있어야 합니다 (받은 값: {reader.fieldnames}).")
        return {row["file"].strip(): row["student_id"].strip() for row in reader}


def released_notebook(assignment: str, root: Path) -> tuple[Path, object]:
    release = root / "grading" / "release" / assignment
    notebooks = sorted(release.glob("*.ipynb"))
    if not notebooks:
        raise SystemExit(
            f"{release}에 학생용 노트북이 없습니다. 먼저 `nbgrader generate_assignment {assignment}`를 실행하세요."
        )
    return notebooks[0], nbformat.read(notebooks[0], as_version=4)


def collect(assignment: str, folder: Path, mapping: dict[str, str] | None = None, root: Path = ROOT,
            folder_ids: bool = False, max_bytes: int = MAX_NOTEBOOK_MB * MB) -> Report:
    """Collect every notebook under ``folder`` for ``assignment``; return what happened.

    With ``folder_ids`` a file whose name carries no student id takes the name of the
    first-level folder it is in (one folder per student, as many LMS zips have it).
    A file over ``max_bytes`` is skipped before it is read.
    """
    release_path, released = released_notebook(assignment, root)
    report = Report()
    chosen: dict[str, tuple[Path, object, str]] = {}
    for path in sorted(folder.rglob("*.ipynb")):
        if ".ipynb_checkpoints" in path.parts:
            continue
        student = student_of(path.relative_to(folder), mapping, folder_ids)
        if not student:
            report.skipped.append((path, "파일 이름에서 학번을 읽을 수 없습니다. 파일 이름을 '학번_….ipynb'로 바꾸거나 --mapping을 쓰세요."))
            continue
        if not _STUDENT_ID.match(student):
            report.skipped.append((path, f"학번 {student!r}에는 글자, 숫자, '.', '-', '_'만 쓸 수 있습니다."))
            continue
        oversized = too_large(student, path.stat().st_size, max_bytes)
        if oversized:
            report.skipped.append((path, oversized))
            continue
        try:
            nb = nbformat.read(path, as_version=4)
            nbformat.validate(nb)
        except (json.JSONDecodeError, nbformat.reader.NotJSONError, nbformat.ValidationError, UnicodeDecodeError) as error:
            report.skipped.append((path, f"노트북 파일로 읽을 수 없습니다 ({type(error).__name__}). 학생에게 다시 받으세요."))
            continue
        note = ""
        nb, restored, unmatched = restore_nbgrader_metadata(nb, released)
        if restored:
            note = f"nbgrader 정보 {restored}개 복원"
        if unmatched:
            note = (note + ", " if note else "") + "찾지 못한 셀: " + ", ".join(unmatched)
        if student in chosen:
            previous = chosen[student][0]
            newer = path if path.stat().st_mtime >= previous.stat().st_mtime else previous
            older = previous if newer is path else path
            report.superseded.append((older, f"{student}의 제출물이 여럿이라 더 최근 파일({newer.name})을 씁니다."))
            if newer is previous:
                continue
        chosen[student] = (path, nb, note)

    for student, (path, nb, note) in sorted(chosen.items()):
        target_dir = root / "grading" / "submitted" / student / assignment
        target_dir.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, target_dir / release_path.name)
        stamp = dt.datetime.fromtimestamp(path.stat().st_mtime, tz=dt.timezone.utc)
        (target_dir / "timestamp.txt").write_text(stamp.strftime("%Y-%m-%d %H:%M:%S.%f %Z"), encoding="utf-8")
        report.collected.append((student, path, note))
    return report


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("assignment", help="과제 이름 (예: ch01_data_shapes)")
    parser.add_argument("folder", type=Path, help="제출된 .ipynb 파일이 있는 폴더")
    parser.add_argument("--mapping", type=Path, help="file,student_id 열이 있는 CSV")
    parser.add_argument("--root", type=Path, default=ROOT, help="과목 폴더 (nbgrader_config.py가 있는 곳)")
    parser.add_argument("--max-notebook-mb", type=float, default=MAX_NOTEBOOK_MB,
                        help=f"이보다 큰 노트북은 읽지 않고 건너뜀 (MB, 기본 {MAX_NOTEBOOK_MB})")
    args = parser.parse_args(argv)
    if not args.folder.is_dir():
        parser.error(f"폴더가 없습니다: {args.folder}")
    mapping = read_mapping(args.mapping) if args.mapping else None
    report = collect(args.assignment, args.folder, mapping, root=args.root.resolve(),
                     max_bytes=int(args.max_notebook_mb * MB))
    report.print()
    return 2 if report.skipped else 0


if __name__ == "__main__":
    sys.exit(main())

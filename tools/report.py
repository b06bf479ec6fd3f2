"""What the class got wrong: item statistics, diagnosed mistakes and one static page per assignment.

    python -m tools.report [ASSIGNMENT ...] [--root ROOT]

Used by tools.grade (``write_reports`` at the end of a grading run) and on demand for
everything graded so far (book/instructor_guide.md, "채점 보고서").  The only input is
``grading/reports/ASSIGNMENT_questions.csv``, one row per student and question, written by
tools.grade with the columns of :data:`COLUMNS`.  From it, for each assignment:

- ``ASSIGNMENT_items.csv``: per question, students graded, mean, max, facility, the
  point-biserial (item-rest) correlation, the upper-lower 27% index, and the counts of
  ``flagged``, ``kernel died``, ``missing`` and ``failed``;
- ``ASSIGNMENT_mistakes.csv``: per question, each diagnosed mistake (the exercise hint that
  classified it, a wrong type, a failing function case), unanswered answers, and the five most
  common wrong values that no hint classified;
- ``ASSIGNMENT_variants.csv``: for the number exercises whose numbers follow from the student's id
  (issue 29, ``course_utils/exercises/_variants.py``), the facility per variant group: per exercise,
  per drawn number (``units``, ``pool``...) and its value, the students who had it and their facility,
  so an instructor sees whether some variants were harder;
- ``ASSIGNMENT_report.html``: one offline page in Korean (CSS inline, charts as PNG data URIs,
  no script, no request), with a section listing the copied-answer ("다른 학생의 숫자로 푼 답")
  and foreign-id flags.

and across assignments ``course_students.csv``, ``lms_grades.csv`` and ``course_items.csv``.

Definitions (the same words are on the page and in the instructor guide):

- Statistics use the *graded* students: a student with a ``failed`` row in the assignment is
  left out of every statistic (counted and listed).  ``flagged``, ``kernel died`` and
  ``missing`` rows keep the score the grader gave them (0 until the instructor changes it).
- facility = mean / max.  Undefined (empty in CSV, "—" on the page) when max is 0.
- point-biserial = Pearson's correlation between the question's score and the student's
  total on the *other* questions (item-rest correlation, so the question does not correlate
  with itself).  Undefined when fewer than 2 students, or when the question's scores or the
  rest totals have no variance.
- upper-lower 27% index = (mean of the question in the top group - mean in the bottom
  group) / max.  Each group holds k = max(1, floor(0.27 n + 0.5)) students ranked by total.
  Students tied at a cut share the places left at that cut equally (fractional weights), so
  the index does not depend on the order of the rows or on the students' ids.  Undefined when
  fewer than 2 students, or when the question's scores or the totals have no variance.

Every output is a function of the CSV's rows as a set: rows are sorted before use, numbers are
rounded to 4 decimals, the page carries no time, and the PNGs carry no metadata, so a regraded
or resumed run that writes the same rows writes the same bytes.
"""

from __future__ import annotations

import argparse
import base64
import csv
import html
import io
import math
import os
import re
import sys
import textwrap
import warnings
from collections import Counter, defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]

#: The columns of ASSIGNMENT_questions.csv, in the order tools.grade writes them.
COLUMNS = ("student", "question", "exercise", "score", "max", "status", "reason", "value", "diagnosis",
           "diagnosis_kind", "variant")
STATUSES = ("ok", "flagged", "kernel died", "missing", "failed")
KINDS = ("correct", "unanswered", "type", "hint", "unclassified", "function", "error", "none")

#: Thresholds of the page's "attention" notes.
TOO_HARD, TOO_EASY, LOW_DISCRIMINATION = 0.3, 0.9, 0.2
UPPER_LOWER_SHARE = 0.27
TOP_VALUES = 5           # unclassified wrong values listed per question
FEW_STUDENTS = 10        # below this, the page warns that the indices are unstable

ITEM_COLUMNS = ("question", "exercise", "graded", "mean", "max", "facility", "point_biserial", "upper_lower_27",
                "flagged", "kernel_died", "missing", "failed")
MISTAKE_COLUMNS = ("question", "exercise", "kind", "diagnosis", "value", "count", "share", "students")
KIND_LABELS = {"hint": "힌트", "type": "형식", "function": "함수", "unclassified": "분류 안 됨",
               "unclassified_rest": "분류 안 됨", "unanswered": "답 없음"}
STATUS_LABELS = {"flagged": "조작 의심(flagged)", "kernel died": "커널 죽음(kernel died)",
                 "missing": "답 셀 없음(missing)", "failed": "채점 실패(failed)"}


class ReportError(ValueError):
    """A per-question CSV that cannot be read (message in Korean)."""


class KoreanFontWarning(UserWarning):
    """No installed font covers Hangul: the charts' Korean labels cannot be drawn."""


# --- Reading ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Row:
    """One row of ASSIGNMENT_questions.csv."""
    student: str
    question: str
    exercise: str
    score: float | None
    max: float
    status: str
    reason: str
    value: str
    diagnosis: str
    kind: str
    variant: str = ""     # a number exercise's numbers for this student, as JSON (issue 29)


def _float(text: str, where: str) -> float | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        raise ReportError(f"{where}: 숫자가 아닌 점수 {text!r}") from None
    if not math.isfinite(value):
        raise ReportError(f"{where}: 점수 {text!r}는 유한한 수가 아닙니다")
    return value


def read_questions(path: Path) -> list[Row]:
    """The rows of one per-question CSV, sorted by student then question (the file's order never matters).

    The columns ``student``, ``question``, ``score``, ``max`` and ``status`` are required; the
    others are read when present (an older CSV without diagnoses gives a report without mistakes).
    """
    with open(path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in ("student", "question", "score", "max", "status") if c not in (reader.fieldnames or [])]
        if missing:
            raise ReportError(f"{path.name}: 열 {', '.join(missing)}이(가) 없습니다 (필요한 열: {', '.join(COLUMNS)})")
        rows = []
        for number, record in enumerate(reader, start=2):
            where = f"{path.name} {number}번째 줄"
            status = (record.get("status") or "").strip()
            if status not in STATUSES:
                raise ReportError(f"{where}: 알 수 없는 상태 {status!r} (가능한 값: {', '.join(STATUSES)})")
            score = _float(record.get("score"), where)
            maximum = _float(record.get("max"), where)
            if maximum is None:
                raise ReportError(f"{where}: 만점(max)이 비어 있습니다")
            if score is None and status != "failed":
                raise ReportError(f"{where}: 상태가 {status}인데 점수가 비어 있습니다")
            kind = (record.get("diagnosis_kind") or "").strip()
            if kind and kind not in KINDS:
                raise ReportError(f"{where}: 알 수 없는 진단 종류 {kind!r} (가능한 값: {', '.join(KINDS)})")
            rows.append(Row(record["student"].strip(), record["question"].strip(),
                            (record.get("exercise") or "").strip(), None if status == "failed" else score,
                            maximum, status, (record.get("reason") or "").strip(), record.get("value") or "",
                            (record.get("diagnosis") or "").strip(), kind or "none",
                            (record.get("variant") or "").strip()))
    keys = Counter((r.student, r.question) for r in rows)
    twice = sorted(k for k, n in keys.items() if n > 1)
    if twice:
        raise ReportError(f"{path.name}: 같은 학생·문항의 줄이 두 번 이상 있습니다: {twice[0][0]} {twice[0][1]}")
    return sorted(rows, key=lambda r: (r.student, r.question))


# --- Statistics -------------------------------------------------------------------------------

VARIANT_COLUMNS = ("question", "exercise", "number", "value", "students", "facility")
#: The reasons of the variant flags (tools/grading/judge.py, tools/grading/plan.py) the page lists together.
VARIANT_FLAGS = ("다른 학생의 숫자로 푼 답", "노트북에 적힌 학번", "책의 숫자로 푼 답")


def variant_groups(rows: list[Row], failed: set) -> list[dict]:
    """The facility per variant group: per question, per drawn number and value, over the graded students."""
    import json

    groups = defaultdict(list)
    for row in rows:
        if row.student in failed or not row.variant or row.score is None:
            continue
        try:
            numbers = json.loads(row.variant)
        except ValueError:
            continue
        for name, value in sorted(numbers.items()):
            shown = "x".join(map(str, value)) if isinstance(value, list) and all(
                isinstance(v, int) for v in value) else json.dumps(value, ensure_ascii=False)
            groups[(row.question, row.exercise, name, shown)].append(row.score / row.max if row.max else math.nan)
    return [{"question": q, "exercise": e, "number": name, "value": value, "students": len(scores),
             "facility": _num(float(np.mean(scores)))}
            for (q, e, name, value), scores in sorted(groups.items(), key=lambda kv: (_exercise_key(kv[0][1], 0),
                                                                                        kv[0][2], kv[0][3]))]


def variant_flags(rows: list[Row]) -> list[tuple]:
    """(student, exercise, reason) of every row with a copied-answer, foreign-id or book-numbers flag."""
    return sorted((r.student, r.exercise or r.question, r.reason) for r in rows
                  if any(flag in r.reason for flag in VARIANT_FLAGS))

@dataclass
class Item:
    """The statistics of one question (one row of ASSIGNMENT_items.csv)."""
    question: str
    exercise: str
    graded: int
    mean: float
    max: float
    facility: float
    point_biserial: float
    upper_lower: float
    flagged: int = 0
    kernel_died: int = 0
    missing: int = 0
    failed: int = 0
    title: str = ""
    same_scores: bool = False   # every graded student has the same score on this question
    full_marks: int = 0         # graded students with the question's full score

    @property
    def label(self) -> str:
        return f"연습 {self.exercise}" if self.exercise else self.question

    def csv_row(self) -> dict:
        return {"question": self.question, "exercise": self.exercise, "graded": self.graded,
                "mean": _num(self.mean), "max": _num(self.max), "facility": _num(self.facility),
                "point_biserial": _num(self.point_biserial), "upper_lower_27": _num(self.upper_lower),
                "flagged": self.flagged, "kernel_died": self.kernel_died, "missing": self.missing,
                "failed": self.failed}


@dataclass
class Mistake:
    """One group of wrong answers to a question (one row of ASSIGNMENT_mistakes.csv)."""
    question: str
    exercise: str
    kind: str           # hint, type, function, unclassified, unclassified_rest, unanswered
    diagnosis: str
    value: str
    students: list
    share: float

    def csv_row(self) -> dict:
        return {"question": self.question, "exercise": self.exercise, "kind": self.kind,
                "diagnosis": self.diagnosis, "value": self.value, "count": len(self.students),
                "share": _num(self.share), "students": " ".join(self.students)}


@dataclass
class Assignment:
    """One assignment's rows and everything computed from them."""
    name: str
    questions: list             # grade ids, in notebook (exercise) order
    students: list              # graded students (no failed row), sorted
    scores: np.ndarray          # (students, questions); NaN where a graded student has no row
    totals: np.ndarray          # per graded student
    max_total: float
    items: list
    mistakes: list
    failed: dict                # student -> reason
    problems: list              # (student, item label, status, reason) of graded students' non-ok rows
    rows: list = field(repr=False, default_factory=list)


def _exercise_key(exercise: str, first: int):
    numbers = tuple(int(n) for n in re.findall(r"\d+", exercise))
    return (0, numbers, first) if numbers else (1, (), first)


def point_biserial(item: np.ndarray, rest: np.ndarray) -> float:
    """Pearson's correlation of a question's scores with the rest totals; NaN when undefined.

    >>> round(point_biserial(np.array([1., 1., 0., 0.]), np.array([3., 2., 1., 0.])), 4)
    0.8944
    >>> point_biserial(np.array([1., 1., 1.]), np.array([3., 2., 1.]))
    nan
    """
    if len(item) < 2 or np.ptp(item) == 0 or np.ptp(rest) == 0:
        return math.nan
    a, b = item - item.mean(), rest - rest.mean()
    return float(a @ b) / math.sqrt(float(a @ a) * float(b @ b))


def group_weights(totals: np.ndarray, top: bool, share: float = UPPER_LOWER_SHARE) -> np.ndarray:
    """Weights (summing to k) of the students in the top (or bottom) ``share`` of ``totals``.

    Students strictly above (below) the cut count 1; those tied at the cut share the places
    left equally, so the group never depends on the order of tied students.

    >>> group_weights(np.array([5., 4., 4., 1.]), top=True, share=0.5).tolist()
    [1.0, 0.5, 0.5, 0.0]
    """
    n = len(totals)
    k = max(1, math.floor(share * n + 0.5))
    signed = totals if top else -totals
    cut = np.sort(signed)[::-1][k - 1]
    above, tied = signed > cut, signed == cut
    weights = above.astype(float)
    weights[tied] = (k - above.sum()) / tied.sum()
    return weights


def upper_lower(item: np.ndarray, totals: np.ndarray, maximum: float) -> float:
    """The upper-lower 27% index of one question; NaN when undefined (see the module docstring)."""
    if len(item) < 2 or maximum <= 0 or np.ptp(item) == 0 or np.ptp(totals) == 0:
        return math.nan
    top, bottom = group_weights(totals, True), group_weights(totals, False)
    return float((top @ item) / top.sum() - (bottom @ item) / bottom.sum()) / maximum


def analyse(name: str, rows: list[Row], titles: dict | None = None) -> Assignment:
    """Every statistic of one assignment from its rows (see the module docstring for the definitions)."""
    first, exercise_of, maximum = {}, {}, defaultdict(float)
    for index, row in enumerate(rows):
        first.setdefault(row.question, index)
        exercise_of.setdefault(row.question, row.exercise)
        maximum[row.question] = max(maximum[row.question], row.max)
    questions = sorted(first, key=lambda q: _exercise_key(exercise_of[q], first[q]))
    column = {q: j for j, q in enumerate(questions)}
    failed = {}
    for row in rows:
        if row.status == "failed":
            failed.setdefault(row.student, row.reason or "이유가 적혀 있지 않습니다")
    students = sorted({r.student for r in rows} - set(failed))
    line = {s: i for i, s in enumerate(students)}
    scores = np.full((len(students), len(questions)), np.nan)
    counts = defaultdict(Counter)
    problems = []
    for row in rows:
        if row.student in failed:
            if row.status == "failed":
                counts[row.question]["failed"] += 1
            continue
        scores[line[row.student], column[row.question]] = row.score
        if row.status != "ok":
            counts[row.question][row.status] += 1
    totals = np.nansum(scores, axis=1) if len(questions) else np.zeros(len(students))
    titles = titles or {}
    items = []
    for q in questions:
        present = ~np.isnan(scores[:, column[q]])
        x, t = scores[present, column[q]], totals[present]
        mean = float(x.mean()) if len(x) else math.nan
        top = maximum[q]
        items.append(Item(
            q, exercise_of[q], int(present.sum()), mean, top,
            mean / top if top > 0 and len(x) else math.nan,
            point_biserial(x, t - x), upper_lower(x, t, top),
            counts[q]["flagged"], counts[q]["kernel died"], counts[q]["missing"], counts[q]["failed"],
            titles.get(exercise_of[q], ""), bool(len(x)) and np.ptp(x) == 0, int(np.sum(x >= top)) if top > 0 else 0))
    for row in rows:
        if row.student not in failed and row.status != "ok":
            problems.append((row.student, column[row.question], row.status, row.reason))
    problems = [(s, items[j].label, status, reason) for s, j, status, reason in sorted(problems)]
    return Assignment(name, questions, students, scores, totals, float(sum(maximum.values())), items,
                      mistakes_of(rows, items, set(failed)), failed, problems, rows)


def mistakes_of(rows: list[Row], items: list, failed: set) -> list[Mistake]:
    """The groups of wrong answers, per question, largest first (see ASSIGNMENT_mistakes.csv)."""
    out = []
    by_question = defaultdict(list)
    for row in rows:
        if row.student not in failed:
            by_question[row.question].append(row)
    for item in items:
        groups, values, shared = defaultdict(list), defaultdict(list), defaultdict(set)
        for row in by_question[item.question]:
            if row.kind in ("hint", "type", "function"):
                groups[(row.kind, row.diagnosis, "")].append(row.student)
                shared[(row.kind, row.diagnosis, "")].add(row.value)
            elif row.kind == "unanswered":
                groups[("unanswered", "", "")].append(row.student)
            elif row.kind == "unclassified":
                values[row.value].append(row)
        ranked = sorted(values.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        for value, group in ranked[:TOP_VALUES]:
            diagnosis = Counter(r.diagnosis for r in group).most_common(1)[0][0]
            groups[("unclassified", diagnosis, value)] = [r.student for r in group]
        rest = [r.student for _, group in ranked[TOP_VALUES:] for r in group]
        if rest:
            groups[("unclassified_rest", f"그 밖의 값 {len(ranked) - TOP_VALUES}가지", "")] = rest
        unanswered = [r.diagnosis for r in by_question[item.question] if r.kind == "unanswered"]
        if unanswered:  # one group, shown with the message most of them saw
            groups[("unanswered", Counter(unanswered).most_common(1)[0][0], "")] = groups.pop(("unanswered", "", ""))
        order = {k: i for i, k in enumerate(("hint", "type", "function", "unclassified", "unclassified_rest",
                                             "unanswered"))}
        for key, students in sorted(
                groups.items(), key=lambda kv: (kind_last(kv[0][0]), -len(kv[1]), order[kv[0][0]], kv[0][1], kv[0][2])):
            kind, diagnosis, value = key
            if len(shared.get(key, ())) == 1 and kind != "function":  # one value behind a diagnosis: show it
                value = next(iter(shared[key]))
            out.append(Mistake(item.question, item.exercise, kind, diagnosis, value, sorted(students),
                               len(students) / item.graded if item.graded else math.nan))
    return out


def kind_last(kind: str) -> int:
    """Sort key: the "그 밖의 값" group always comes last in its question."""
    return 1 if kind == "unclassified_rest" else 0


# --- Numbers and CSV --------------------------------------------------------------------------

def _num(value) -> str:
    """A number for the CSV: rounded to 4 decimals, empty when undefined."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    value = round(float(value), 4)
    return repr(0.0 if value == 0 else value)


def _shown(value, digits: int = 2) -> str:
    """A number for the page: "—" when undefined."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    text = f"{value:.{digits}f}"
    return "0." + "0" * digits if text == "-0." + "0" * digits else text


def _points(value: float) -> str:
    """A number of points for the page: 5, 4.5."""
    return f"{value:g}"


def _write(path: Path, data: bytes) -> Path:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
    return path


def _csv_bytes(columns, records) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(records)
    return buffer.getvalue().encode("utf-8")


# --- Charts -----------------------------------------------------------------------------------

KOREAN_FONTS = ("NanumGothic", "NanumBarunGothic", "Noto Sans CJK KR", "Noto Sans KR", "Source Han Sans KR",
                "Malgun Gothic", "Apple SD Gothic Neo", "AppleGothic", "UnDotum", "Baekmuk Gulim")
HANGUL_SAMPLE = "가각한글힣"


@lru_cache(maxsize=None)
def _charmap(path: str) -> frozenset:
    """The code points a font file has glyphs for."""
    from matplotlib import ft2font

    return frozenset(ft2font.FT2Font(path).get_charmap())


def _covers(path: str, text: str) -> bool:
    try:
        charmap = _charmap(path)
    except (OSError, RuntimeError, ValueError):
        return False
    return all(ord(c) in charmap for c in text)


@lru_cache(maxsize=None)
def korean_font() -> tuple[str, str] | None:
    """(family name, file) of an installed font that covers Hangul, or None.

    Prefers :data:`KOREAN_FONTS` in order (Debian's ``fonts-nanum`` gives NanumGothic), then
    any regular-weight font matplotlib knows that has Hangul.  Fonts installed after
    matplotlib built its font list are found too (they are added to it).
    """
    from matplotlib import font_manager

    def scan():
        entries = [f for f in font_manager.fontManager.ttflist if f.style == "normal"]
        for name in KOREAN_FONTS:
            for entry in sorted((e for e in entries if e.name == name),
                                key=lambda e: (abs(_weight(e.weight) - 400), e.fname)):
                if _covers(entry.fname, HANGUL_SAMPLE):
                    return entry.name, entry.fname
        for entry in sorted(entries, key=lambda e: (abs(_weight(e.weight) - 400), e.name, e.fname)):
            if _weight(entry.weight) <= 500 and _covers(entry.fname, HANGUL_SAMPLE):
                return entry.name, entry.fname
        return None

    found = scan()
    if found is None:
        known = {f.fname for f in font_manager.fontManager.ttflist}
        for path in font_manager.findSystemFonts():
            if path not in known and _covers(path, HANGUL_SAMPLE):
                font_manager.fontManager.addfont(path)
        found = scan()
    return found


def _weight(weight) -> int:
    if isinstance(weight, int):
        return weight
    return {"light": 300, "normal": 400, "regular": 400, "book": 400, "medium": 500}.get(str(weight).lower(), 700)


def chart_fonts() -> list[str]:
    """The font files the charts draw with: the Korean font (when found), then matplotlib's DejaVu Sans."""
    from matplotlib import font_manager

    fallback = font_manager.findfont(font_manager.FontProperties(family="DejaVu Sans"), fallback_to_default=True)
    found = korean_font()
    return ([found[1]] if found else []) + [fallback]


def drawable(text: str) -> str:
    """``text`` with every character no chart font has replaced by "?" (a student's value may hold anything)."""
    charmaps = [_charmap(path) for path in chart_fonts()]
    return "".join(c if c.isspace() or any(ord(c) in m for m in charmaps) else "?" for c in text)


@contextmanager
def chart_style():
    """matplotlib settings of every chart: Agg, the Korean font first, no math text, fixed hashes.

    Warns once with :class:`KoreanFontWarning` when no font covers Hangul (install Debian's
    ``fonts-nanum``: ``bash scripts/install_system_packages.sh``); the charts are then drawn
    with their Hangul replaced by "?", and the page says so.
    """
    import matplotlib

    found = korean_font()
    if found is None:
        warnings.warn("한글 글꼴을 찾지 못해 그림의 한글을 '?'로 그립니다. Debian/Ubuntu: sudo apt-get install fonts-nanum "
                      "(scripts/install_system_packages.sh). No installed font covers Hangul.", KoreanFontWarning,
                      stacklevel=3)
    families = ([found[0]] if found else []) + ["DejaVu Sans"]
    with matplotlib.rc_context({"font.family": families, "text.parse_math": False, "axes.unicode_minus": False,
                                "figure.dpi": 100, "savefig.dpi": 110,
                         "axes.spines.top": False, "axes.spines.right": False}):
        yield


def _figure(width: float, height: float, ncols: int = 1, **kwargs):
    """A matplotlib Figure drawn with Agg, outside pyplot (no global state, nothing to close)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height))
    FigureCanvasAgg(fig)
    return fig, fig.subplots(1, ncols, **kwargs)


def _png(fig) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", metadata={"Software": None}, bbox_inches="tight", pad_inches=0.15)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def histogram_figure(assignment: Assignment):
    """The class's totals: one bar per score when the totals are whole and few, else 20 bins."""
    fig, ax = _figure(7.5, 3.2)
    totals, top = assignment.totals, assignment.max_total
    whole = len(totals) and np.allclose(totals, np.round(totals)) and float(top).is_integer() and top <= 40
    if whole:
        values = np.arange(0, int(top) + 1)
        counts = [int(np.sum(np.round(totals) == v)) for v in values]
        ax.bar(values, counts, width=0.8, color="#4c78a8")
        ax.set_xticks(values)
    elif len(totals):
        ax.hist(totals, bins=20, range=(0, top if top > 0 else 1), color="#4c78a8", edgecolor="white")
    if len(totals):
        mean = float(totals.mean())
        ax.axvline(mean, color="#e45756", linestyle="--", linewidth=1.5)
        ax.text(mean, 1.01, drawable(f"평균 {mean:.2f}점"), color="#e45756", ha="center", va="bottom",
                transform=ax.get_xaxis_transform(), fontsize=9)
    ax.set_xlabel(drawable(f"총점 (만점 {_points(top)}점)"))
    ax.set_ylabel(drawable("학생 수"))
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.set_title(drawable(f"{assignment.name}: 학생 {len(totals)}명의 총점 분포"), pad=18)
    return fig


def items_figure(assignment: Assignment):
    """Facility (left) and both discrimination indices (right) per question, thresholds drawn."""
    items = assignment.items
    fig, (left, right) = _figure(9, 1.2 + 0.55 * max(1, len(items)), ncols=2, sharey=True)
    y = np.arange(len(items))
    labels = [drawable(i.label) for i in items]
    facility = [0 if math.isnan(i.facility) else i.facility for i in items]
    out_of_range = [not TOO_HARD <= f <= TOO_EASY for f in facility]
    left.barh(y, facility, color=["#e45756" if bad else "#4c78a8" for bad in out_of_range], height=0.6, zorder=2)
    left.axvspan(0, TOO_HARD, color="#fbe3e2", linewidth=0, zorder=0)
    left.axvspan(TOO_EASY, 1.0, color="#fbe3e2", linewidth=0, zorder=0)
    for yy, item in zip(y, items):
        left.text(min(max(facility[yy], 0), 1) + 0.02, yy, _shown(item.facility), va="center", fontsize=9)
    left.set_xlim(0, 1.15)
    left.set_yticks(y, labels)
    left.invert_yaxis()
    left.set_xlabel(drawable(f"정답률(facility) = 평균 / 만점   (음영: {TOO_HARD} 미만 어려움, {TOO_EASY} 초과 쉬움)"))
    left.set_title(drawable("정답률"), pad=24)
    width = 0.36
    pb = [0 if math.isnan(i.point_biserial) else i.point_biserial for i in items]
    ul = [0 if math.isnan(i.upper_lower) else i.upper_lower for i in items]
    right.barh(y - width / 2, pb, height=width, color="#4c78a8", label=drawable("점이연 상관(나머지 점수와)"), zorder=2)
    right.barh(y + width / 2, ul, height=width, color="#72b7b2", label=drawable("상하 27% 지수"), zorder=2)
    for yy, item in zip(y, items):
        for offset, value in ((-width / 2, item.point_biserial), (width / 2, item.upper_lower)):
            shown = 0 if math.isnan(value) else value
            right.text(max(shown, 0) + 0.03, yy + offset, _shown(value), va="center", fontsize=8)
    right.axvspan(-1, LOW_DISCRIMINATION, color="#fbe3e2", linewidth=0, zorder=0)
    right.axvline(0, color="black", linewidth=0.8, zorder=3)
    right.set_xlim(min([-0.25] + [v - 0.1 for v in pb + ul]), 1.15)
    right.set_xlabel(drawable(f"변별도   (음영: {LOW_DISCRIMINATION} 미만 또는 음수)"))
    right.set_title(drawable("변별도"), pad=24)
    right.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2, fontsize=8, frameon=False)
    fig.tight_layout()
    return fig


MISTAKE_COLORS = {"hint": "#4c78a8", "type": "#b279a2", "function": "#72b7b2", "unclassified": "#9d9da1",
                  "unclassified_rest": "#c7c7cb", "unanswered": "#e8c468"}


def mistake_label(mistake: Mistake, width: int = 44, lines: int = 3) -> str:
    """The bar label of a group: its kind, then the hint's text or the value, wrapped."""
    if mistake.kind == "unclassified":
        text = f"값 {mistake.value}"
    else:
        text = mistake.diagnosis.replace("아직 정답이 아닙니다. ", "").replace("답의 형식이 다릅니다. ", "")
    wrapped = textwrap.wrap(f"[{KIND_LABELS[mistake.kind]}] {text}", width) or [""]
    if len(wrapped) > lines:
        wrapped = wrapped[:lines]
        wrapped[-1] = wrapped[-1][:width - 1] + "…"
    return drawable("\n".join(wrapped))


def mistakes_figure(item: Item, mistakes: list):
    """One question's groups of wrong answers as horizontal bars, with the number of students."""
    labels = [mistake_label(m) for m in mistakes]
    fig, ax = _figure(9, 0.9 + sum(0.5 + 0.2 * label.count("\n") for label in labels))
    y = np.arange(len(mistakes))
    counts = [len(m.students) for m in mistakes]
    ax.barh(y, counts, color=[MISTAKE_COLORS[m.kind] for m in mistakes], height=0.6)
    for yy, count in zip(y, counts):
        ax.text(count, yy, f" {count}" + drawable("명"), va="center", fontsize=9)
    ax.set_yticks(y, labels, fontsize=9, linespacing=1.35)
    ax.invert_yaxis()
    ax.set_xlim(0, max(counts) * 1.15 + 0.5)
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_xlabel(drawable(f"학생 수 (채점한 학생 {item.graded}명 중)"))
    ax.set_title(drawable(f"{item.label}: 틀린 답의 진단"))
    fig.tight_layout()
    return fig


def figures(assignment: Assignment) -> dict:
    """Every chart of the page as a matplotlib Figure, by name (call inside :func:`chart_style`)."""
    charts = {"histogram": histogram_figure(assignment), "items": items_figure(assignment)}
    for item in assignment.items:
        groups = [m for m in assignment.mistakes if m.question == item.question]
        if groups:
            charts[f"mistakes:{item.question}"] = mistakes_figure(item, groups)
    return charts


# --- The page ---------------------------------------------------------------------------------

def attention(item: Item) -> list[str]:
    """Why a question needs the instructor's attention, in words (empty when it worked)."""
    notes = []
    if not math.isnan(item.facility):
        if item.facility < TOO_HARD:
            notes.append(f"너무 어려움: 정답률 {_shown(item.facility)} (< {TOO_HARD})")
        elif item.facility > TOO_EASY:
            notes.append(f"너무 쉬움: 정답률 {_shown(item.facility)} (> {TOO_EASY})")
    indices = (("점이연 상관", item.point_biserial), ("상하 27% 지수", item.upper_lower))
    negative = [f"{name} {_shown(v)}" for name, v in indices if not math.isnan(v) and v < 0]
    low = [f"{name} {_shown(v)}" for name, v in indices if not math.isnan(v) and 0 <= v < LOW_DISCRIMINATION]
    if negative:
        notes.append("변별도 음수: 총점이 높은 학생이 오히려 더 많이 틀렸습니다 — 문항과 채점 기준을 확인하세요 ("
                     + ", ".join(negative) + ")")
    if low:
        notes.append(f"변별도 낮음 (< {LOW_DISCRIMINATION}): 잘하는 학생과 못하는 학생을 가르지 못합니다 ("
                     + ", ".join(low) + ")")
    if item.graded >= 2 and math.isnan(item.point_biserial) and math.isnan(item.upper_lower):
        why = "모든 학생이 이 문항에서 같은 점수를 받아" if item.same_scores else "모든 학생의 총점이 같아"
        notes.append(f"{why} 변별도를 계산할 수 없습니다 (—)")
    return notes


CSS = """
body{font-family:"Apple SD Gothic Neo","Malgun Gothic","Noto Sans CJK KR","Noto Sans KR","NanumGothic",sans-serif;
max-width:980px;margin:2em auto;padding:0 1em;color:#222;line-height:1.55}
h1{font-size:1.6em;margin-bottom:.2em}h2{border-bottom:2px solid #ddd;padding-bottom:.2em;margin-top:2em}
h3{margin-bottom:.3em}
table{border-collapse:collapse;margin:.6em 0 1.2em;font-size:.92em}
th,td{border:1px solid #ccc;padding:.25em .6em;vertical-align:top}th{background:#f3f3f3}
td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}td.k{white-space:nowrap}
th{white-space:nowrap;font-size:.95em}
img{max-width:100%;height:auto;display:block;margin:.5em 0}
.note{background:#fff4e5;border-left:4px solid #f0a030;padding:.5em .8em;margin:.8em 0}
.ok{color:#2e7d32}.warn{color:#c62828;font-weight:bold}.muted{color:#666;font-size:.9em}
ul.attention li{margin:.2em 0}code{background:#f3f3f3;padding:0 .2em}
"""


def _table(headers, rows, numeric=(), nowrap=(0,)) -> str:
    """An HTML table; ``numeric`` columns are right-aligned, ``nowrap`` columns never break."""
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)

    def cell(i, value):
        kind = "n" if i in numeric else "k" if i in nowrap else ""
        return f"<td{f' class={chr(34)}{kind}{chr(34)}' if kind else ''}>{html.escape(str(value))}</td>"

    body = "".join("<tr>" + "".join(cell(i, value) for i, value in enumerate(row)) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _names(students: list, shown: int = 20) -> str:
    """Up to ``shown`` students, then how many more (the CSV lists them all)."""
    more = len(students) - shown
    return " ".join(students[:shown]) + (f" 외 {more}명" if more > 0 else "")


def _img(uri: str, alt: str) -> str:
    return f'<img src="{uri}" alt="{html.escape(alt)}">'


def page(assignment: Assignment, charts: dict, font_found: bool) -> str:
    """The HTML of ASSIGNMENT_report.html (Korean, offline, deterministic)."""
    a, e = assignment, html.escape
    n, top = len(a.students), a.max_total
    parts = [f"<!DOCTYPE html>\n<html lang=\"ko\"><head><meta charset=\"utf-8\">"
             f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
             f"<title>{e(a.name)} 채점 보고서</title><style>{CSS}</style></head><body>",
             f"<h1>{e(a.name)} 채점 보고서</h1>"]
    summary = f"채점한 학생 <b>{n}명</b>, 문항 {len(a.items)}개, 만점 {e(_points(top))}점."
    if n:
        summary += (f" 총점 평균 <b>{a.totals.mean():.2f}점</b>, 중앙값 {np.median(a.totals):.2f}점, "
                    f"표준편차 {a.totals.std():.2f}점.")
    if a.failed:
        summary += f" 채점에 실패한 학생 <span class=\"warn\">{len(a.failed)}명</span>은 통계에서 뺐습니다 (아래 목록)."
    parts.append(f"<p>{summary}</p>")
    parts.append(f"<p class=\"muted\">이 페이지는 <code>grading/reports/{e(a.name)}_questions.csv</code>만으로 만들었습니다. "
                 f"다시 만들기: <code>python -m tools.report {e(a.name)}</code>. 같은 CSV에서는 언제나 같은 페이지가 나옵니다.</p>")
    if not font_found:
        parts.append("<p class=\"note\">한글 글꼴을 찾지 못해 그림 속 한글을 '?'로 그렸습니다. "
                     "<code>sudo apt-get install fonts-nanum</code> 뒤 다시 만드세요.</p>")
    if 0 < n < FEW_STUDENTS:
        parts.append(f"<p class=\"note\">학생이 {FEW_STUDENTS}명 미만이라 변별도는 몇 명의 답에 크게 흔들립니다. 참고로만 보세요.</p>")

    parts.append("<h2>1. 점수 분포</h2>")
    parts.append(_img(charts["histogram"], "총점 히스토그램"))

    parts.append("<h2>2. 문항 분석: 어떤 문항이 잘 되었나</h2>")
    needing = [(item, attention(item)) for item in a.items if attention(item)]
    if needing:
        parts.append("<p>살펴볼 문항:</p><ul class=\"attention\">" + "".join(
            f"<li><b>{e(item.label)}</b>{e(' ' + item.title) if item.title else ''}: "
            + "; ".join(e(note) for note in notes) + "</li>" for item, notes in needing) + "</ul>")
    elif a.items:
        parts.append(f"<p class=\"ok\">모든 문항이 기준 안에 있습니다 (정답률 {TOO_HARD}~{TOO_EASY}, "
                     f"변별도 {LOW_DISCRIMINATION} 이상).</p>")
    parts.append(_img(charts["items"], "문항별 정답률과 변별도"))
    parts.append(_table(
        ["문항", "grade id", "채점", "평균", "만점", "정답률", "점이연", "상하 27%", "flagged", "kernel died",
         "missing", "failed"],
        [[f"{i.label} {i.title}".strip(), i.question, i.graded, _shown(i.mean), _points(i.max), _shown(i.facility),
          _shown(i.point_biserial), _shown(i.upper_lower), i.flagged, i.kernel_died, i.missing, i.failed]
         for i in a.items], numeric=range(2, 12), nowrap=(1,)))
    parts.append(
        "<p class=\"muted\"><b>기준.</b> 정답률(facility) = 문항 평균 ÷ 만점: "
        f"{TOO_HARD} 미만이면 너무 어려움, {TOO_EASY}보다 크면 너무 쉬움. "
        "점이연 상관(point-biserial) = 문항 점수와 <i>그 문항을 뺀</i> 나머지 총점의 상관계수. "
        "상하 27% 지수 = (총점 상위 27% 학생의 문항 평균 − 하위 27% 학생의 문항 평균) ÷ 만점; "
        "경계에서 동점인 학생들은 남은 자리를 똑같이 나누어 가집니다. "
        f"두 변별도 중 하나라도 {LOW_DISCRIMINATION} 미만이면 변별도 낮음, 0 미만이면 음수로 표시합니다. "
        "그 문항에서 모든 학생의 점수가 같거나, 비교할 총점이 모두 같거나, 학생이 2명 미만이면 변별도는 정의되지 않아 "
        "— 로 보입니다(문항이 하나뿐인 과제의 점이연 상관도 — 입니다: 나머지 총점이 없습니다). "
        "flagged, kernel died, missing 문항은 채점기가 준 점수(0점) 그대로 통계에 들어가고, "
        "채점 실패(failed) 학생은 모든 통계에서 빠집니다.</p>")

    parts.append("<h2>3. 학생들이 틀린 방식</h2>")
    parts.append("<p class=\"muted\">막대 하나가 진단 하나입니다. [힌트]: 연습의 힌트가 알아본 실수, [형식]: 답의 형식(타입)이 "
                 "틀림, [함수]: 함수가 어느 입력에서 어떻게 틀렸는지, [분류 안 됨]: 어떤 힌트에도 걸리지 않은 오답을 값별로 묶은 것"
                 f"(가장 많은 {TOP_VALUES}개; 여러 학생이 같은 값을 냈다면 새 힌트로 만들 만합니다), [답 없음]: 답을 넣지 않음.</p>")
    for item in a.items:
        groups = [m for m in a.mistakes if m.question == item.question]
        parts.append(f"<h3>{e(item.label)}{e(' ' + item.title) if item.title else ''} "
                     f"<span class=\"muted\">({e(item.question)}: 만점 {item.full_marks}명 / {item.graded}명, "
                     f"정답률 {_shown(item.facility)})</span></h3>")
        if not groups:
            parts.append("<p class=\"ok\">진단된 오답이 없습니다.</p>")
            continue
        parts.append(_img(charts[f"mistakes:{item.question}"], f"{item.label}의 오답 진단"))
        parts.append(_table(["종류", "진단 (학생이 본 메시지)", "값", "학생 수", "학생"],
                            [[KIND_LABELS[m.kind], m.diagnosis, m.value, len(m.students), _names(m.students)]
                             for m in groups], numeric=(3,)))

    parts.append("<h2>4. 확인이 필요한 학생</h2>")
    if a.problems:
        parts.append("<p>조작 의심(flagged)과 커널 죽음(kernel died)은 성적 DB에 \"수동 채점 필요\"로 표시되어 있습니다. "
                     "formgrader에서 확인하고 점수를 고치세요.</p>")
        parts.append(_table(["학생", "문항", "상태", "이유"],
                            [[s, label, STATUS_LABELS.get(status, status), reason] for s, label, status, reason in a.problems],
                            nowrap=(0, 1, 2)))
    else:
        parts.append("<p class=\"ok\">flagged, kernel died, missing인 문항이 없습니다.</p>")
    if a.failed:
        parts.append(f"<p class=\"warn\">채점 실패(failed) {len(a.failed)}명: 성적 DB에 쓰지 않았고 통계에서 뺐습니다. "
                     f"<code>python -m tools.grade {e(a.name)} …</code>를 다시 실행하면 이 학생들만 다시 채점합니다.</p>")
        parts.append(_table(["학생", "이유"], sorted(a.failed.items())))
    groups, flags = variant_groups(a.rows, set(a.failed)), variant_flags(a.rows)
    if groups or flags:
        parts.append("<h2>5. 학생마다 다른 숫자(변형)</h2>")
        parts.append("<p class=\"muted\">계산 연습문제의 숫자는 학번마다 다릅니다. 아래 표는 뽑힌 숫자 하나하나(예: units, "
                     "pool)의 값별로 그 값을 받은 학생 수와 정답률입니다. 한 값의 정답률만 크게 낮으면 그 변형이 더 어려웠을 "
                     "수 있습니다(학생이 적은 칸은 참고만 하세요).</p>")
        parts.append(_table(["문항", "숫자", "값", "학생 수", "정답률"],
                            [[f"연습 {g['exercise']}", g["number"], g["value"], g["students"], g["facility"]]
                             for g in groups], numeric=(3, 4)))
        parts.append("<h3>다른 학생의 숫자로 푼 답, 다른 학번</h3>")
        if flags:
            parts.append("<p>이 학생의 숫자로는 틀리고 다른 학생(또는 책)의 숫자로는 정확히 맞는 답은 0점이고, 노트북에 "
                         "다른 학번이 적힌 제출물은 검토하도록 표시했습니다. formgrader에서 확인하세요.</p>")
            parts.append(_table(["학생", "문항", "이유"], [[s, f"연습 {x}", reason] for s, x, reason in flags],
                                nowrap=(0, 1)))
        else:
            parts.append("<p class=\"ok\">다른 학생의 숫자로 푼 답도, 다른 학번이 적힌 노트북도 없습니다.</p>")

    parts.append("</body></html>\n")
    return "\n".join(parts)


# --- Course-wide tables -----------------------------------------------------------------------

def course_tables(assignments: list[Assignment]) -> tuple[bytes, bytes, bytes, list[str]]:
    """course_students.csv, lms_grades.csv and course_items.csv, and the students left out of the LMS file."""
    names = [a.name for a in assignments]
    everyone = sorted({s for a in assignments for s in list(a.students) + list(a.failed)})
    totals = {a.name: dict(zip(a.students, a.totals)) for a in assignments}
    students, lms, pending = [], [], []
    for student in everyone:
        record, overall, failed = {"student": student}, 0.0, False
        for a in assignments:
            if student in a.failed:
                record[a.name], failed = "failed", True
            elif student in totals[a.name]:
                record[a.name] = _num(totals[a.name][student])
                overall += totals[a.name][student]
            else:
                record[a.name] = ""
        record["total"] = "" if failed else _num(overall)
        students.append(record)
        lms.append({"student_id": student, "total": "" if failed else _num(overall)})
        if failed:
            pending.append(student)
    items = [{"assignment": a.name, **i.csv_row()} for a in assignments for i in a.items]
    return (_csv_bytes(["student", *names, "total"], students), _csv_bytes(["student_id", "total"], lms),
            _csv_bytes(["assignment", *ITEM_COLUMNS], items), pending)


# --- Entry points -----------------------------------------------------------------------------

def exercise_titles(exercises) -> dict:
    """{"2-1": "편향이 있는 상자 모델의 파라미터 수", ...} for the chapters of ``exercises`` (labels only)."""
    import importlib

    titles = {}
    for chapter in sorted({x.split("-")[0] for x in exercises if re.fullmatch(r"\d+-\d+", x)}):
        try:
            importlib.import_module(f"course_utils.exercises.ch{int(chapter):02d}")
        except Exception:  # noqa: BLE001 - titles are a courtesy; the numbers never depend on them
            continue
    try:
        from course_utils.exercises import REGISTRY
    except Exception:  # noqa: BLE001
        return titles
    return {x: REGISTRY[x].title for x in exercises if x in REGISTRY}


def load(root: Path, name: str) -> Assignment:
    """Read and analyse ``grading/reports/NAME_questions.csv`` under ``root``."""
    path = Path(root) / "grading" / "reports" / f"{name}_questions.csv"
    if not path.exists():
        raise ReportError(f"{path}가 없습니다. 먼저 `python -m tools.grade {name} 제출물`로 채점하세요.")
    rows = read_questions(path)
    return analyse(name, rows, exercise_titles({r.exercise for r in rows}))


def graded_assignments(root: Path) -> list[str]:
    """The assignments with a per-question CSV under ``root/grading/reports``, sorted by name."""
    folder = Path(root) / "grading" / "reports"
    return sorted(p.name[:-len("_questions.csv")] for p in folder.glob("*_questions.csv"))


def write_assignment(assignment: Assignment, folder: Path) -> list[Path]:
    """ASSIGNMENT_items.csv, ASSIGNMENT_mistakes.csv and ASSIGNMENT_report.html in ``folder``."""
    name = assignment.name
    written = [
        _write(folder / f"{name}_items.csv", _csv_bytes(ITEM_COLUMNS, [i.csv_row() for i in assignment.items])),
        _write(folder / f"{name}_mistakes.csv", _csv_bytes(MISTAKE_COLUMNS, [m.csv_row() for m in assignment.mistakes])),
    ]
    groups = variant_groups(assignment.rows, set(assignment.failed))
    if groups:
        written.append(_write(folder / f"{name}_variants.csv", _csv_bytes(VARIANT_COLUMNS, groups)))
    with chart_style():
        charts = {key: _png(fig) for key, fig in figures(assignment).items()}
    html_text = page(assignment, charts, korean_font() is not None)
    written.append(_write(folder / f"{name}_report.html", html_text.encode("utf-8")))
    return written


def write_reports(root: Path, assignments: list[str] | None = None) -> list[Path]:
    """Write the reports of ``assignments`` (default: every graded one) and the course-wide tables.

    Called by tools.grade at the end of a grading run (``write_reports(root, [assignment])``) and
    by ``python -m tools.report``.  The course-wide files always cover every assignment graded so
    far.  Returns the paths written.  Raises :class:`ReportError` (Korean message) for a missing
    or malformed CSV.
    """
    return _write_all(root, assignments)[0]


def _write_all(root: Path, assignments: list[str] | None) -> tuple[list[Path], list[str]]:
    root = Path(root)
    folder = root / "grading" / "reports"
    available = graded_assignments(root)
    wanted = available if assignments is None else list(dict.fromkeys(assignments))
    loaded = {name: load(root, name) for name in sorted(set(wanted) | set(available))}
    written, pending = [], []
    for name in wanted:
        written += write_assignment(loaded[name], folder)
    if loaded:
        students, lms, items, pending = course_tables([loaded[name] for name in sorted(loaded)])
        written += [_write(folder / "course_students.csv", students), _write(folder / "lms_grades.csv", lms),
                    _write(folder / "course_items.csv", items)]
    return written, pending


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.report", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("assignments", nargs="*", help="과제 이름 (생략하면 채점한 모든 과제)")
    parser.add_argument("--root", type=Path, default=ROOT, help="과목 폴더 (grading/reports가 있는 곳)")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    if not args.assignments and not graded_assignments(root):
        print(f"오류: {root / 'grading' / 'reports'}에 채점 결과(*_questions.csv)가 없습니다. "
              "먼저 python -m tools.grade로 채점하세요.", file=sys.stderr)
        return 2
    try:
        written, pending = _write_all(root, args.assignments or None)
    except ReportError as error:
        print(f"오류: {error}", file=sys.stderr)
        return 2
    for path in written:
        print(path.relative_to(root) if path.is_relative_to(root) else path)
    if pending:
        print(f"주의: 채점 실패가 남은 학생 {len(pending)}명({', '.join(pending[:10])})은 lms_grades.csv의 total을 비워 두었습니다 "
              "(다시 채점한 뒤 보고서를 다시 만드세요).", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

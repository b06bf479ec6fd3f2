"""Crafted classes for tools.report: per-question CSVs whose diagnoses come from the real exercise declarations.

Used by tests/grading/test_report*.py and benchmarks/bench_grading.py (``--report-only``).
The grader (tools.grade) writes the same columns; here the ``diagnosis`` of each row is what
``course_utils.exercises`` tells a learner who gave that value, and ``diagnosis_kind`` says
which part of the declaration produced it (:func:`diagnose`).
"""

from __future__ import annotations

import contextlib
import csv
import io
from pathlib import Path

import numpy as np

from course_utils.exercises import ExerciseCheckError, load_all
from course_utils.exercises._core import CHOICE, FUNCTION, Exercise

COLUMNS = ("student", "question", "exercise", "score", "max", "status", "reason", "value", "diagnosis",
           "diagnosis_kind")
UNANSWERED = object()
#: A multiple choice graded by the instructor's hidden test only, as ``choice_exercise`` without an answer still allows.
#: No chapter declares one any more (6-3 computes its letter, issue 28), so the report's "unclassified" rows are
#: made with this stand-in (not registered: the chapters' own 6-3 is untouched).
CONCEPTUAL = Exercise("6-3", "tanh와 [-1, 1]", "tanh_choice", CHOICE, graded_by_instructor=True)


def _without_label(message: str, label: str) -> str:
    for prefix in (f"✅ {label}: ", f"☑️ {label}: ", f"{label}: "):
        if message.startswith(prefix):
            return message[len(prefix):].strip()
    return message.strip()


def diagnose(number: str, value, *, hidden_test_passes: bool | None = None,
             exercise=None) -> tuple[str, str]:
    """(diagnosis, diagnosis_kind) of ``value`` for exercise ``number``, from its visible check.

    ``value`` is :data:`UNANSWERED` for an answer variable that was never defined.  For a
    conceptual multiple choice (graded by the instructor's hidden test only) the visible check
    passes any well-formed letter: ``hidden_test_passes=False`` marks it wrong, and since no hint
    can classify it, it is ``unclassified``.  ``exercise``: a declaration to use instead of the registered one
    (:data:`CONCEPTUAL`).
    """
    exercise = exercise or load_all()[number]
    printed = io.StringIO()
    try:
        with contextlib.redirect_stdout(printed):
            exercise.check_value(None if value is UNANSWERED else value)
    except ExerciseCheckError as error:
        message = _without_label(str(error), exercise.label)
        if value is UNANSWERED or value is None:
            return message, "unanswered"
        if message.startswith("답의 형식이 다릅니다"):
            return message, "type"
        if exercise.kind == FUNCTION:
            return message, "function"
        return message, "hint" if _hint_matched(exercise, value, message) else "unclassified"
    if exercise.graded_by_instructor and hidden_test_passes is False:
        return _without_label(printed.getvalue().strip(), exercise.label), "unclassified"
    return "통과", "correct"


def _hint_matched(exercise, value, message: str) -> bool:
    expected = exercise.expected()
    for hint in exercise.hints:
        try:
            said = hint(value, expected)
        except (IndexError, TypeError, ValueError):
            said = None
        if said and message.endswith(said):
            return True
    return False


def shown(value) -> str:
    """The ``value`` column: a short repr (at most 80 characters), "function" for a function."""
    if value is UNANSWERED or value is None:
        return ""
    if callable(value):
        return "function"
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def row(student: str, question: str, exercise: str, points: float, value=UNANSWERED, *, status: str = "ok",
        reason: str = "", score: float | None = None, hidden_test_passes: bool | None = None,
        declaration=None) -> dict:
    """One CSV row as tools.grade writes it; the score follows the diagnosis unless given."""
    if status in ("kernel died", "missing", "failed"):
        kind = "none" if status == "failed" else "error"
        return {"student": student, "question": question, "exercise": exercise,
                "score": "" if status == "failed" else repr(float(score or 0.0)), "max": repr(float(points)),
                "status": status, "reason": reason, "value": "", "diagnosis": "", "diagnosis_kind": kind}
    diagnosis, kind = diagnose(exercise, value, hidden_test_passes=hidden_test_passes, exercise=declaration)
    if score is None:
        score = points if kind == "correct" and status == "ok" else 0.0
    return {"student": student, "question": question, "exercise": exercise, "score": repr(float(score)),
            "max": repr(float(points)), "status": status, "reason": reason, "value": shown(value),
            "diagnosis": diagnosis, "diagnosis_kind": kind}


def write_questions(path: Path, rows: list[dict]) -> Path:
    """Write ``rows`` as ASSIGNMENT_questions.csv (UTF-8, the grader's column order)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return path


# --- Chapter 2: a class of 30 with known answer patterns ----------------------------------------

CH02 = "ch02_linear"
CH02_QUESTIONS = (("ch02_box_params_test", "2-1", 1.0), ("ch02_stack_params_test", "2-2", 1.0),
                  ("ch02_stack_shapes_test", "2-3", 1.0), ("ch02_merge_dense_test", "2-4", 2.0))



def _forgets_to_return(kernel1, bias1, kernel2, bias2):
    """A merge_dense that computes but never returns (a wrong answer, not an unanswered one)."""
    merged = (kernel1 @ kernel2, bias1 @ kernel2 + bias2)  # noqa: F841

def _answers():
    from course_utils.exercises import ch02
    from course_utils.params import dense_params

    right = {"2-1": ch02.box_params(), "2-2": ch02.stack_params(), "2-3": ch02.stack_shapes(),
             "2-4": lambda kernel1, bias1, kernel2, bias2: (kernel1 @ kernel2, bias1 @ kernel2 + bias2)}
    no_bias = (dense_params(2, 1, False) + dense_params(4, 1, False),
               dense_params(2, 3, False) + dense_params(3, 1, False) + dense_params(4, 1, False))
    first_layer_no_bias = (dense_params(784, 128, False),) + right["2-2"][1:]
    flattened = tuple((shape[0], shape[-1]) for shape in right["2-3"])
    batch_changed = tuple((16,) + shape[1:] for shape in right["2-3"])
    wrong = {
        "2-1 no bias": no_bias, "2-1 string": str(right["2-1"]),
        "2-2 first bias": first_layer_no_bias,
        "2-3 flattened": flattened, "2-3 batch": batch_changed,
        "2-4 no bias": lambda kernel1, bias1, kernel2, bias2: (kernel1 @ kernel2, bias2),
        "2-4 none": _forgets_to_return,
    }
    return right, wrong


def chapter2_class() -> tuple[list[dict], dict]:
    """30 students of chapter 2 (s01 ... s30) and the facts the report must state.

    - s01-s10 forgot the bias in 2-1 (a hint); s01-s04 also forgot the first layer's bias in 2-2;
    - s11-s15 gave 2-3's shapes flattened, ((32, 16), (32, 4)) (a hint); s16 changed the batch axis;
    - s16-s18 left 2-2 unanswered;
    - s19-s20 tampered in 2-4 (flagged, 0 points; their visible check passed);
    - s05-s07 forgot bias1 in merge_dense (2-4, a failing function case), s08 returned nothing;
    - s21 wrote 2-1 as a string (a wrong type); s22's kernel died in 2-4; s23's 2-3 answer cell is missing;
    - s30's grading failed (left out of every statistic);
    - everything else is right.
    """
    right, wrong = _answers()
    chosen = {}
    for n in range(1, 11):
        chosen[(n, "2-1")] = wrong["2-1 no bias"]
    for n in range(1, 5):
        chosen[(n, "2-2")] = wrong["2-2 first bias"]
    for n in range(11, 16):
        chosen[(n, "2-3")] = wrong["2-3 flattened"]
    chosen[(16, "2-3")] = wrong["2-3 batch"]
    for n in range(16, 19):
        chosen[(n, "2-2")] = UNANSWERED
    for n in range(5, 8):
        chosen[(n, "2-4")] = wrong["2-4 no bias"]
    chosen[(8, "2-4")] = wrong["2-4 none"]
    chosen[(21, "2-1")] = wrong["2-1 string"]
    rows = []
    for n in range(1, 31):
        student = f"s{n:02d}"
        for question, exercise, points in CH02_QUESTIONS:
            if n == 30:
                rows.append(row(student, question, exercise, points, status="failed",
                                reason="노트북 전체 시간 제한(900초)을 넘김"))
            elif n in (19, 20) and exercise == "2-4":
                rows.append(row(student, question, exercise, points, right["2-4"], status="flagged",
                                reason="코드 검사: builtins 모듈을 가져옴", score=0.0))
            elif n == 22 and exercise == "2-4":
                rows.append(row(student, question, exercise, points, status="kernel died",
                                reason="테스트 실행 중 커널이 죽음"))
            elif n == 23 and exercise == "2-3":
                rows.append(row(student, question, exercise, points, status="missing", reason="답 셀이 없습니다"))
            else:
                rows.append(row(student, question, exercise, points, chosen.get((n, exercise), right[exercise])))
    facts = {"graded": 29, "failed": ["s30"], "2-1 no bias": [f"s{n:02d}" for n in range(1, 11)],
             "2-3 flattened": [f"s{n:02d}" for n in range(11, 16)], "unanswered 2-2": ["s16", "s17", "s18"],
             "flagged 2-4": ["s19", "s20"]}
    return rows, facts


# --- Chapter 6's conceptual choice: wrong letters no hint can classify ---------------------------

def choice_class(number: str = "6-3", question: str = "ch06_tanh_choice_test", right: str = "B") -> list[dict]:
    """A synthetic class on a multiple choice that only the hidden test grades (:data:`CONCEPTUAL`; ``right`` is made
    up here).

    Wrong values, by count: 'A' 6, 'C' 4, 'D' 3, 'a' 2, ' d' 2, 'c ' 1, 'd' 1 and '$x^2$' (no letter: a wrong format), so
    7 distinct unclassified values: the report lists the top 5 and groups the other 2.
    """
    values = ["A"] * 6 + ["C"] * 4 + ["D"] * 3 + ["a"] * 2 + [" d"] * 2 + ["c "] + ["d"] + [right] * 8 + ["$x^2$"]
    rows = []
    for n, value in enumerate(values, start=1):
        passes = isinstance(value, str) and value.strip().upper() == right
        rows.append(row(f"c{n:02d}", question, number, 1.0, value, hidden_test_passes=passes,
                        score=1.0 if passes else 0.0, declaration=CONCEPTUAL))
    return rows


# --- Synthetic classes of any size (the benchmark) -----------------------------------------------

def synthetic_class(students: int = 1000, questions: int = 5, seed: int = 0) -> list[dict]:
    """A large random class (no exercise declarations: fixed diagnosis texts), for timing the report."""
    rng = np.random.default_rng(seed)
    ability = rng.normal(size=students)
    difficulty = np.linspace(-1.5, 1.5, questions)
    hints = [f"힌트 {k}: 자주 하는 실수 {k}번입니다." for k in range(4)]
    rows = []
    for s in range(students):
        for q in range(questions):
            student, question, exercise = f"{2026000000 + s}", f"q{q + 1}_test", f"9-{q + 1}"
            right = rng.random() < 1 / (1 + np.exp(difficulty[q] - ability[s]))
            status = "flagged" if rng.random() < 0.003 else "ok"
            if right and status == "ok":
                value, diagnosis, kind = "(1, 2)", "통과", "correct"
            else:
                pick = rng.integers(0, 7)
                if pick < 4:
                    value, diagnosis, kind = f"({pick}, 9)", "아직 정답이 아닙니다. " + hints[pick], "hint"
                elif pick < 6:
                    value, diagnosis, kind = f"({rng.integers(0, 12)}, 0)", "아직 정답이 아닙니다. 본문을 다시 읽으세요.", \
                        "unclassified"
                else:
                    value, diagnosis, kind = "", "아직 답을 넣지 않았습니다.", "unanswered"
            rows.append({"student": student, "question": question, "exercise": exercise,
                         "score": "1.0" if right and status == "ok" else "0.0", "max": "1.0", "status": status,
                         "reason": "코드 검사: sys.settrace 사용" if status == "flagged" else "", "value": value,
                         "diagnosis": diagnosis, "diagnosis_kind": kind})
    return rows

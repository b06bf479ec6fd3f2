"""Stage 3 of grading one student: the verdicts. Here, and only here, a score is decided.

This runs in the grader's own process, never in the sandbox. For each question it
reads the probe's report from the executed notebook (tools/grading/probe.py),
decodes it as plain data with strict limits (tools/grading/codec.py) and judges it:

- a **value** exercise with the exercise's own visible check
  (``Exercise.check_value``: the same type rules and hints the learner sees) and the
  hidden test's literal (``exact(value, literal)``), or, for a property exercise
  (3-5), the hidden test's code run here on the reported array;
- a **code** exercise by comparing the reported outputs of this student's input
  cases with the reference outputs computed here (``FunctionSpec.reference`` and
  ``judge_case``: the same comparison as the visible check).

What the kernel reported can only be a value; a value earns the points only if it
is the answer, and only if it is the learner's own:

- an answer computed with the answer machinery or a library call the exercise forbids
  (``Question.rule_broken``, read by the plan with ``course_utils/exercises/_own_work.py``,
  the visible check's rule) scores 0, with the learner's refusal as the diagnosis;
- a report through a channel that was tampered with (the guard cell found the kernel,
  the serializer or the guard changed, or the code reading found tampering) or an
  answer reached through a route the reading cannot follow (``Question.review``) is
  **held for review**: it scores 0, whatever value was reported, until the instructor
  looks. An honest notebook never triggers either.

Other flags (an edited test cell, a source notebook handed in, a notebook that declares another
학번) are recorded for the instructor's review and never change the points.

A number exercise with variants (``course_utils/exercises/_variants.py``) is judged with the numbers
of the id the LMS gives the submission (``Plan.student``), never the notebook's; the hidden test's
literal is the book's answer and counts only for a student whose numbers are the book's. An answer
that is wrong for this student but exactly right for a classmate's numbers (``Plan.classmates``)
scores 0 and is flagged :data:`COPIED_REASON` with that classmate's id (:func:`copied_from`).

Every row also records the reported value (a short repr) and the diagnosis the
learner would have seen (``diagnosis``, ``diagnosis_kind``), which the class report
(tools/report.py) groups.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import io
import json
import re
from dataclasses import dataclass

import nbformat
import numpy as np

from course_utils.exercises import _own_work, _variants, load_all
from course_utils.exercises._core import (CUSTOM, FUNCTION, ExerciseCheckError, exact, judge_case, not_a_function,
                                          not_answered)
from tools.grading import codec, probe
from tools.grading.plan import Plan, Question
from tools.grading.sandbox_worker import cap_outputs

_GUARD_LINE = re.compile(r"@@COURSE-GUARD (\w+) (OK|FLAG (.*))")
MAX_REPORT_CHARS = 48 * 2**20
DIAGNOSIS_KINDS = ("correct", "unanswered", "type", "hint", "unclassified", "function", "error", "none")


@dataclass
class Verdict:
    """One question's result: the row of the per-question CSV (tools/grading/records.py)."""

    question: str
    exercise: str
    score: float
    max: float
    status: str             # ok, flagged, kernel died, missing, failed
    reason: str
    value: str              # short repr of what the student's notebook reported
    diagnosis: str          # what the learner would have seen (no label)
    diagnosis_kind: str     # one of DIAGNOSIS_KINDS
    seed: int | None = None
    variant: str = ""       # a number exercise's numbers for this student (the class report groups by them)

    def row(self) -> dict:
        return dict(self.__dict__)


def short(value, limit: int = 80) -> str:
    """A one-line repr of a reported value, at most ``limit`` characters."""
    if value is codec.MISSING:
        return ""
    if isinstance(value, np.ndarray):
        text = f"array(shape={value.shape}, dtype={value.dtype})"
    else:
        text = repr(value)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _stdout(cell) -> str:
    return "".join(o.get("text", "") for o in cell.get("outputs", [])
                   if o.get("output_type") == "stream" and o.get("name") == "stdout")


def _run_visible_check(exercise, value, numbers=None) -> tuple[bool, str, str]:
    """(passed, kind, message without label) from the exercise's visible check on a plain value (``numbers``: the
    student's variant)."""
    sink = io.StringIO()
    try:
        with contextlib.redirect_stdout(sink):
            exercise.check_value(value, numbers=numbers) if numbers is not None else exercise.check_value(value)
    except ExerciseCheckError as error:
        message = str(error)
        prefix = exercise.label + ": "
        return False, error.kind, message[len(prefix):] if message.startswith(prefix) else message
    except Exception as error:  # noqa: BLE001 - a hint that cannot read an opaque stand-in
        return False, "type", f"답을 검사할 수 없는 형식입니다 ({type(error).__name__})."
    return True, "correct", "통과"


def judge_value(question: Question, exercise, value, numbers=None) -> tuple[bool, str, str]:
    """(passed, diagnosis kind, diagnosis) of a reported value: visible check, then the hidden test's literal.

    ``numbers``: the student's variant of a number exercise (:func:`student_numbers`); the literal is the
    book's answer, so it decides only for the book's numbers.
    """
    visible, kind, message = _run_visible_check(exercise, value, numbers)
    if not visible:
        return False, kind, message
    if numbers is not None and not numbers.book:
        return True, "correct", "통과"
    if exercise.graded_by_instructor:  # conceptual multiple choice: the literal alone decides
        if question.has_literal and exact(value, question.literal):
            return True, "correct", "통과"
        return False, "unclassified", "아직 정답이 아닙니다."
    if question.has_literal and not exact(value, question.literal):
        return False, "unclassified", "숨은 테스트를 통과하지 못했습니다."
    if exercise.kind == CUSTOM and not question.has_literal and question.hidden.strip():  # a property check (3-5)
        try:
            exec(compile(question.hidden, f"<hidden test {question.test_id}>", "exec"),  # noqa: S102
                 {"np": np, exercise.name: copy.deepcopy(value)})
        except AssertionError:
            return False, "unclassified", "숨은 테스트를 통과하지 못했습니다."
        except Exception as error:  # noqa: BLE001
            return False, "type", f"숨은 테스트가 이 답을 읽지 못했습니다 ({type(error).__name__})."
    return True, "correct", "통과"


def student_numbers(exercise, student):
    """The numbers of a number exercise for ``student`` (the LMS id; None: the book's), or None without variants."""
    if exercise is None or exercise.variants is None:
        return None
    return _variants.numbers_for(exercise.variants, exercise.number, student)


@functools.lru_cache(maxsize=65536)
def _numbers_key(number: str, student):
    exercise = load_all()[number]
    return _variants.numbers_for(exercise.variants, number, student).key()


@functools.lru_cache(maxsize=65536)
def _expected_for(number: str, student: str):
    exercise = load_all()[number]
    return exercise.expected(_variants.numbers_for(exercise.variants, number, student))


#: The flag of an answer right for another class member's numbers (book/instructor_guide.md).
COPIED_REASON = "다른 학생의 숫자로 푼 답"
#: The flag of an answer right for the book's numbers only (the learner left the 학번 empty, most likely).
BOOK_NUMBERS_REASON = "책의 숫자로 푼 답: 이 학생의 숫자로는 틀리고 책(학번 없음)의 숫자로는 맞습니다. 학번을 적지 않고 풀었는지 확인하세요"


def explained(exercise, value, student) -> bool:
    """True when ``value`` is right for ``student`` or one of the exercise's typical mistakes on the student's own
    numbers (``Variants.mistakes``): an honest answer, whatever other numbers it also answers."""
    try:
        if exact(value, _expected_for(exercise.number, student)):
            return True
        return any(exact(value, mistake) for mistake in exercise.variants.mistakes(student_numbers(exercise, student)))
    except (TypeError, ValueError):
        return True


def _book_answer(exercise, value, student) -> bool:
    """True when ``value`` answers the book's numbers and nothing on the student's own numbers explains it."""
    try:
        book = exact(value, exercise.expected(_variants.Numbers(exercise.variants.book, book=True)))
    except (TypeError, ValueError):
        return False
    return book and not explained(exercise, value, student)


def copied_from(exercise, value, student, classmates) -> str | None:
    """The classmate whose numbers ``value`` answers exactly (``value`` being wrong for ``student``), else None.

    An answer that one of the exercise's typical mistakes on the student's own numbers explains
    (``Variants.mistakes``) is an honest mistake, never a copied one.
    """
    if exercise is None or exercise.variants is None:
        return None
    if explained(exercise, value, student):
        return None
    mine = _numbers_key(exercise.number, student)
    for other in classmates:
        if other == student or other is None:
            continue
        if _numbers_key(exercise.number, other) == mine:
            continue  # the same numbers: the same answer, honestly
        try:
            if exact(value, _expected_for(exercise.number, other)):
                return other
        except (TypeError, ValueError):
            return None
    return None


def judge_function(question: Question, exercise, outcomes: list, cases: list) -> tuple[bool, str, str, bool, str]:
    """(passed, kind, diagnosis, refused, value) of a code exercise's reported outcomes on the plan's cases."""
    spec = exercise.function
    for index, (args, kwargs, description) in enumerate(cases):
        if index >= len(outcomes):
            return False, "function", "보고된 결과가 모자랍니다.", False, "function"
        outcome = outcomes[index]
        if not isinstance(outcome, tuple) or not outcome or not isinstance(outcome[0], str):
            return False, "function", "보고 형식이 잘못되었습니다.", False, "function"
        expected = spec.reference(*args, **kwargs)
        try:
            verdict = judge_case(spec, outcome, expected, args, kwargs, description)
        except Exception as error:  # noqa: BLE001 - a reported output of the wrong structure
            verdict = ("function", f"{description}에서 결과를 비교할 수 없습니다 ({type(error).__name__}).")
        if verdict:
            kind, message = verdict
            if kind == "refused":
                return False, "function", message, True, f"case {index + 1}: {outcome[0]}"
            return False, kind, message, False, f"case {index + 1}: {outcome[0]}"
    return True, "correct", "통과", False, "function"


def judge(plan: Plan, out_nb, source_nb) -> tuple[list[Verdict], object]:
    """The verdict of every question and the autograded notebook (student cells + the source's test cells)."""
    registry = load_all()
    probes, guards, trouble, limits = {}, {}, {}, {}
    setup_failed = False
    for cell in out_nb.cells:
        meta = cell.metadata.get("course_grader", {})
        kind, qid, status = meta.get("kind"), meta.get("question"), meta.get("status", "not run")
        if kind == "probe":
            probes[qid] = (cell, status)
        elif kind == "guard":
            found = [m for m in _GUARD_LINE.finditer(_stdout(cell)) if m.group(1) == meta.get("nonce")]
            if status != "ok":
                guards[qid] = []
            elif not found:
                guards[qid] = ["검사 셀이 결과를 내지 못함 (채점기 함수가 지워지거나 바뀜)"]
            else:
                guards[qid] = json.loads(found[-1].group(3)) if found[-1].group(2) != "OK" else []
        elif kind == "setup" and status != "ok":
            setup_failed = True
        elif kind == "student" and status in ("kernel died", "timeout") and qid:
            trouble.setdefault(qid, meta.get("limit") or ("답 셀에서 커널이 죽음" if status == "kernel died"
                                                          else "답 셀이 시간 제한을 넘겨 중단됨"))
        if kind == "student" and qid and meta.get("limit"):  # a sandbox limit (sandbox_worker.Limits)
            limits.setdefault(qid, str(meta["limit"])[:300])

    verdicts = []
    for q in plan.questions:
        exercise = registry.get(q.number) if q.number else None
        verdict = Verdict(q.test_id, q.number or "", 0.0, q.points, "ok", "", "", "", "none", q.seed)
        verdicts.append(verdict)
        if exercise is None or q.test_id not in probes:
            verdict.status, verdict.reason = "failed", "이 문항의 연습 번호를 테스트 셀에서 찾지 못했습니다"
            continue
        cell, status = probes[q.test_id]
        reports = probe.parse_reports(_stdout(cell), q.nonce)
        if not reports:
            if status != "ok" or q.test_id in trouble:
                verdict.status = "kernel died"
                verdict.reason = trouble.get(q.test_id) or ("값을 보고하는 셀이 시간 제한을 넘겨 중단됨" if status == "timeout"
                                                            else "값을 보고하는 셀에서 커널이 죽음")
            elif setup_failed:
                verdict.status, verdict.reason = "failed", "채점 준비 셀이 실패했습니다"
            else:
                verdict.status, verdict.reason = "flagged", "값 보고가 없습니다 (채점기 셀의 출력이 바뀌거나 지워짐)"
            verdict.diagnosis_kind = "error"
            _add_flags(verdict, q, guards)
            continue
        try:
            if len(reports[-1]) > MAX_REPORT_CHARS:
                raise codec.ReportError("보고가 너무 큽니다.")
            report = json.loads(reports[-1])
            if not isinstance(report, dict) or report.get("kind") not in ("value", "function", "unanswered"):
                raise codec.ReportError("보고 형식이 잘못되었습니다.")
            if report["kind"] == "unanswered":  # a stub function (only `pass`): no answer yet
                value, outcomes = codec.MISSING, None
            elif report["kind"] == "value":
                value = codec.decode(report.get("value"))
                outcomes = None
            else:
                value = None
                if not isinstance(report.get("outcomes"), list) or exercise.kind != FUNCTION:
                    raise codec.ReportError("보고 형식이 잘못되었습니다.")
                outcomes = [codec.decode(o) for o in report["outcomes"]]
        except (ValueError, RecursionError) as error:
            verdict.status, verdict.diagnosis_kind = "flagged", "error"
            verdict.reason = f"잘못된 값 보고: {error}"[:300]
            _add_flags(verdict, q, guards)
            continue

        refused, copied = False, ""
        if outcomes is not None:
            passed, kind, message, refused, verdict.value = judge_function(q, exercise, outcomes,
                                                                           plan.cases.get(q.test_id, []))
        elif value is codec.MISSING or value is None or value is Ellipsis:
            verdict.value = short(value)
            if value is codec.MISSING and not q.answered:
                verdict.status, verdict.reason, verdict.diagnosis_kind = "missing", "답 셀이 없습니다", "none"
                verdict.diagnosis = "답 셀이 없습니다."
                _add_flags(verdict, q, guards)
                continue
            why = ("stub" if report["kind"] == "unanswered" else "missing" if value is codec.MISSING
                   else "none" if value is None else "ellipsis")
            passed, kind = False, "unanswered"
            message = str(not_answered(exercise.label, exercise.name, why))[len(exercise.label) + 2:]
        elif exercise.kind == FUNCTION:  # the answer is not a function
            problem = not_a_function(exercise.label, value)
            passed, kind = False, "type"
            message = str(problem)[len(exercise.label) + 2:] if problem else "함수가 아닙니다."
            verdict.value = short(value)
        else:
            numbers = student_numbers(exercise, plan.student)
            passed, kind, message = judge_value(q, exercise, value, numbers)
            verdict.value = short(value)
            if numbers is not None:
                verdict.variant = json.dumps(dict(numbers), ensure_ascii=False, sort_keys=True)
            if numbers is not None and not passed and kind in ("hint", "unclassified"):
                other = copied_from(exercise, value, plan.student, plan.classmates)
                if other is not None:
                    copied = f"{COPIED_REASON} (학번 {other}): 이 학생의 숫자로는 틀리고 {other}의 숫자로 구한 답과 정확히 같습니다"
                elif not numbers.book and _book_answer(exercise, value, plan.student):
                    copied = BOOK_NUMBERS_REASON
        verdict.diagnosis, verdict.diagnosis_kind = message, kind
        verdict.score = q.points if passed else 0.0
        if q.test_id in limits and not passed:  # the feedback says which limit the answer cell hit
            verdict.reason = limits[q.test_id]
            verdict.diagnosis = f"{limits[q.test_id]}. {message}"
        if q.test_id in trouble and not passed:
            verdict.status, verdict.reason = "kernel died", trouble[q.test_id]
        if copied:  # wrong for this student's numbers, right for others': 0 points, for the instructor's review
            verdict.score, verdict.status = 0.0, "flagged"
            verdict.reason = f"{verdict.reason}; {copied}" if verdict.reason else copied
        rules = list(q.rule_broken) + (["샌드박스에서 금지된 라이브러리 함수를 불렀습니다"] if refused else [])
        if rules:
            verdict.score, verdict.status = 0.0, "flagged"
            verdict.reason = f"{OWN_WORK_REASON}: " + "; ".join(dict.fromkeys(rules))
            if q.rule_broken:
                verdict.diagnosis = _own_work.Finding(refused=list(q.rule_broken)).message(exercise.instead)
                verdict.diagnosis_kind = "function" if exercise.kind == FUNCTION else "error"
        _add_flags(verdict, q, guards)
    return verdicts, graded_notebook(plan, out_nb, source_nb, verdicts)


#: The reasons that cost the points (book/instructor_guide.md names them).
OWN_WORK_REASON = "직접 구한 답이 아님 (0점)"
REVIEW_REASON = "검토 필요 (강사가 확인하기 전까지 0점)"


def _hold_for_review(verdict: Verdict, q: Question, guards: dict) -> None:
    """Tampering with the reporting path, or a route the code reading cannot follow: 0 points until reviewed."""
    review = list(dict.fromkeys(list(q.review) + list(guards.get(q.test_id) or [])))
    if not review:
        return
    verdict.score, verdict.status = 0.0, "flagged"
    own = "; ".join(r for r in review if r not in (guards.get(q.test_id) or []))  # guards: added by _add_flags
    text = f"{REVIEW_REASON}: {own}" if own else REVIEW_REASON
    verdict.reason = f"{verdict.reason}; {text}" if verdict.reason else text
    if verdict.diagnosis_kind == "correct" or not verdict.diagnosis:
        verdict.diagnosis = _own_work.Finding(review=review).message()
        verdict.diagnosis_kind = "error"


def _add_flags(verdict: Verdict, q: Question, guards: dict) -> None:
    """Hold the question for review when the channel was tampered with (:func:`_hold_for_review`), and record the
    other flags for review (points unchanged)."""
    _hold_for_review(verdict, q, guards)
    flags = list(dict.fromkeys(list(q.flags) + list(guards.get(q.test_id) or [])))
    if not flags:
        return
    text = "; ".join(flags)
    if verdict.status == "ok":
        verdict.status = "flagged"
    verdict.reason = f"{verdict.reason}; {text}" if verdict.reason else text


#: What one student cell's outputs keep in the autograded notebook and the feedback: characters of text,
#: bytes of the rest (figures) (sandbox_worker.cap_outputs).
MAX_FEEDBACK_TEXT, MAX_FEEDBACK_DATA = 100_000, 2 * 10**6


#: What marks the grader's own cells or reports in a student's output (a student who prints ``In`` or
#: ``_ih`` sees the guard and probe cells the grader ran in their kernel): such lines never reach the
#: autograded notebook, hence never the feedback.
GRADER_MARKS = ("HIDDEN TESTS", "_grader_guard", "__course_grader_setup", "@@COURSE-", "<course-grader-probe>",
                "_course_report", "_course_user_ns", "채점기가 넣은 셀")
REDACTED = "[채점기: 채점기 셀의 내용이라 지웠습니다]\n"


def _redact_text(text: str) -> str:
    if not any(mark in text for mark in GRADER_MARKS):
        return text
    kept = [line for line in text.splitlines(keepends=True) if not any(mark in line for mark in GRADER_MARKS)]
    return "".join(kept) + REDACTED


def redact_outputs(cell) -> None:
    """Drop the lines of ``cell``'s outputs that show the grader's cells (:data:`GRADER_MARKS`)."""
    for out in cell.get("outputs", []):
        kind = out.get("output_type")
        if kind == "stream":
            out["text"] = _redact_text("".join(out.get("text", "")))
        elif kind in ("execute_result", "display_data"):
            for mime, value in list(out.get("data", {}).items()):
                if isinstance(value, str):
                    out["data"][mime] = _redact_text(value)
        elif kind == "error":
            out["traceback"] = [_redact_text(line) for line in out.get("traceback", [])]
            out["evalue"] = _redact_text(out.get("evalue", ""))


def graded_notebook(plan: Plan, out_nb, source_nb, verdicts: list[Verdict]):
    """The autograded notebook: the student's cells with their outputs and, after each answer, the
    source's test cell whose output is the verdict's diagnosis (the feedback hides the hidden tests)."""
    tests = {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in source_nb.cells
             if c.metadata.get("nbgrader", {}).get("grade")}
    by_id = {v.question: v for v in verdicts}
    registry = load_all()
    cells = []
    for cell in out_nb.cells:
        meta = cell.metadata.get("course_grader", {})
        if meta.get("kind") == "probe":
            verdict = by_id.get(meta.get("question"))
            test = tests.get(meta.get("question"))
            if verdict is None or test is None:
                continue
            test = copy.deepcopy(test)
            exercise = registry.get(verdict.exercise)
            label = exercise.label if exercise else verdict.question
            test.execution_count = None
            if verdict.score and verdict.score >= verdict.max:
                test.outputs = [nbformat.v4.new_output("stream", name="stdout", text=f"✅ {label}: 통과!\n")]
            else:
                text = f"{label}: {verdict.diagnosis or verdict.reason or '아직 정답이 아닙니다.'}"
                test.outputs = [nbformat.v4.new_output("error", ename="ExerciseCheckError", evalue=text,
                                                       traceback=[f"ExerciseCheckError: {text}"])]
            cells.append(test)
            continue
        if meta.get("kind") in ("setup", "guard"):
            continue
        clean = copy.deepcopy(cell)
        clean.metadata.pop("course_grader", None)
        redact_outputs(clean)
        cap_outputs(clean, MAX_FEEDBACK_TEXT, MAX_FEEDBACK_DATA)
        cells.append(clean)
    return nbformat.v4.new_notebook(cells=cells, metadata=copy.deepcopy(source_nb.metadata))

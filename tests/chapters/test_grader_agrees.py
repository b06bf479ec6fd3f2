"""The instructor's grader judges every answer of the exercise table as the learner's check does.

``python -m tools.grade`` never runs a test cell: the student's kernel reports plain
data (tools/grading/codec.py) and the grader's own process decides
(tools/grading/judge.py). This runs that path, without a sandbox, on every answer of
tests/chapters/test_exercise_table.py (right, wrong, wrong-typed, unanswered): the
value goes through the codec as the probe sends it, a function runs on the grader's
cases as the probe runs it, and the grader's verdict must equal the hidden test's
(and so the visible check's, which the table already ties to the hidden test).
"""

from __future__ import annotations

import json

import pytest

from course_utils.exercises import REGISTRY
from course_utils.exercises._core import FUNCTION, run_case
from test_exercise_table import (EXERCISES, FAIL, PASS, _UNANSWERED, _variants, base_namespace,  # noqa: F401
                                 hidden_verdict)
from tools.grading import codec
from tools.grading.judge import judge_function, judge_value
from tools.grading.plan import Question, literal_answer


def _through_the_codec(value):
    return codec.decode(json.loads(json.dumps(codec.encode(value))))


def grader_verdict(number: str, hidden: str, value) -> str:
    exercise = REGISTRY[number]
    question = Question(test_id=number, answer_id=None, points=1.0, number=number, name=exercise.name, hidden=hidden)
    question.has_literal, question.literal = literal_answer(hidden, exercise.name)
    if value is _UNANSWERED or value is None or value is Ellipsis:
        return FAIL  # unanswered: 0 points (tools/grading/judge.py)
    if exercise.kind == FUNCTION:
        if not callable(value):
            return FAIL
        spec = exercise.function
        cases = spec.cases(2024)  # a student's own seed
        outcomes = []
        for args, kwargs, _ in cases:
            outcome = run_case(spec, exercise.label, value, args, kwargs)
            outcomes.append(_through_the_codec(tuple(outcome)))
            if outcome[0] != "ok":
                break
        passed = judge_function(question, exercise, outcomes, cases)[0]
    else:
        passed = judge_value(question, exercise, _through_the_codec(value))[0]
    return PASS if passed else FAIL


@pytest.mark.parametrize("number, solution, hidden, stub", EXERCISES, ids=[row[0] for row in EXERCISES])
def test_the_grader_agrees_with_the_hidden_test(number, solution, hidden, stub, base_namespace):  # noqa: F811
    exercise = REGISTRY[number]
    solved = dict(base_namespace)
    exec(compile(solution, f"<solution {number}>", "exec"), solved)  # noqa: S102
    right = solved[exercise.name]
    disagreements = []
    released = dict(base_namespace)
    exec(compile(stub, f"<stub {number}>", "exec"), released)  # noqa: S102 - the student version's answer cell
    variants = [("right answer", right), ("released stub", released.get(exercise.name, _UNANSWERED))]
    for label, value in variants + _variants(right, exercise):
        namespace = dict(base_namespace)
        if value is not _UNANSWERED:
            namespace[exercise.name] = value
        hidden_result, why = hidden_verdict(hidden, namespace)
        ours = grader_verdict(number, hidden, value)
        if label == "right answer":
            assert ours == PASS, f"{number}: the grader refuses the instructor's answer"
        if ours != hidden_result:
            disagreements.append((label, ours, hidden_result, why))
    assert not disagreements, disagreements

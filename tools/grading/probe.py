"""The extraction step: what runs in the student's kernel after each answer, and how it reports.

After the student's answer cell for a question, the grader's plan
(tools/grading/plan.py) puts one *probe cell* built here. The probe only reports
values; it decides nothing and carries nothing secret:

- a **value** exercise (1-1, 2-1, ...): the value of the answer's name, encoded by
  :func:`tools.grading.codec.encode`;
- a **code** exercise (1-5, 2-4, 3-4, ...): the student's function is run on input
  cases that the grader drew for this student (seeded, recorded), through the
  exercise's own ``run`` (:class:`course_utils.exercises._core.FunctionSpec`), with the
  library functions the exercise forbids blocked; the *outputs* are reported.

The report is one line on the cell's standard output,
``@@COURSE-REPORT <nonce> <json>``. Student code can change what is reported (replace
these functions, patch ``json``, lie in ``__eq__``): it cannot change how the report
is judged, which happens in the grader's own process (tools/grading/judge.py), from
expected values that never enter the sandbox.
"""

from __future__ import annotations

import json
import secrets
from pathlib import Path

from tools.grading import codec

REPORT_PREFIX = "@@COURSE-REPORT"

_CODEC_SOURCE = Path(codec.__file__).read_text(encoding="utf-8").replace("from __future__ import annotations\n", "")

# Runs in the student's kernel, in a namespace of its own (the student's globals are passed in).
_IN_KERNEL = r'''
def _course_send(nonce, payload):
    import json as _json
    import sys as _sys
    text = _json.dumps(payload, ensure_ascii=True, separators=(",", ":"))
    _sys.stdout.write("@@COURSE-REPORT " + nonce + " " + text + "\n")
    _sys.stdout.flush()


def _course_report_value(nonce, user_ns, name):
    value = user_ns.get(name, _course_missing)
    _course_send(nonce, {"kind": "value", "value": missing() if value is _course_missing else encode(value)})


def _course_report_function(nonce, user_ns, number, name, cases):
    import importlib
    function = user_ns.get(name, _course_missing)
    if function is _course_missing:
        return _course_send(nonce, {"kind": "value", "value": missing()})
    if function is None or function is Ellipsis or not callable(function):
        return _course_send(nonce, {"kind": "value", "value": encode(function)})
    importlib.import_module("course_utils.exercises.ch%02d" % int(number.split("-")[0]))
    from course_utils.exercises import REGISTRY
    from course_utils.exercises._core import OK, run_case
    exercise = REGISTRY[number]
    outcomes = []
    for case in cases:
        args, kwargs = decode(case)
        outcome = run_case(exercise.function, exercise.label, function, tuple(args), dict(kwargs))
        outcomes.append(encode(tuple(outcome)))
        if outcome[0] != OK:
            break  # the grader stops at the first case that is not an output
    _course_send(nonce, {"kind": "function", "outcomes": outcomes})


_course_missing = object()
'''


def new_nonce() -> str:
    return secrets.token_hex(8)


def encode_cases(cases: list) -> list:
    """The cases of a code exercise as plain data for the probe: ``[(args, kwargs-as-pairs)]`` encoded."""
    return [codec.encode((tuple(args), [(key, value) for key, value in kwargs.items()]))
            for args, kwargs, _description in cases]


def value_probe(nonce: str, name: str) -> str:
    """The probe cell that reports the value of ``name``."""
    return _cell(f"_course_report_value({nonce!r}, _course_user_ns, {name!r})")


def function_probe(nonce: str, number: str, name: str, cases: list) -> str:
    """The probe cell that runs the function ``name`` of exercise ``number`` on ``cases`` and reports the outputs."""
    data = json.dumps(encode_cases(cases), separators=(",", ":"))
    return _cell(f"_course_report_function({nonce!r}, _course_user_ns, {number!r}, {name!r}, "
                 f"__import__('json').loads({data!r}))")


def _cell(call: str) -> str:
    # The decode() of kwargs gives pairs; dict(pairs) in the kernel rebuilds them.
    program = _CODEC_SOURCE + _IN_KERNEL + "\n" + call + "\n"
    return ("# 채점기가 넣은 셀: 답의 값만 보고합니다 (채점은 채점기 프로세스에서 합니다).\n"
            f"exec(compile({program!r}, '<course-grader-probe>', 'exec'), "
            "{'__name__': 'course_grader_probe', '_course_user_ns': globals()})\n")


def parse_reports(text: str, nonce: str) -> list[str]:
    """The JSON texts of the report lines with ``nonce`` in a cell's standard output."""
    found = []
    for line in text.splitlines():
        if line.startswith(REPORT_PREFIX + " "):
            parts = line.split(" ", 2)
            if len(parts) == 3 and parts[1] == nonce:
                found.append(parts[2])
    return found

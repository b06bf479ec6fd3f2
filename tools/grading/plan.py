"""Stage 1 of grading one student: the plan (what to run in the sandbox, and what to judge after).

The plan is built in the grader's own process from three notebooks: the source
notebook (``book/``, with solutions and hidden tests), the released notebook and
the student's submission. It holds:

- the **questions**: each test cell of the source, its exercise (``check("2-1")``),
  the answer's name, the points, and the *secrets* that stay in this process (the
  hidden test's literal answer, the seeded input cases of a code exercise);
- the **notebook to run** in the sandbox: the student's own code cells, and after each
  answer a guard cell (tamper *detection*, for the instructor's review) and a probe
  cell (tools/grading/probe.py) that reports the answer's value. No test cell, no
  hidden test and no expected value is in it;
- **flags** found by reading the student's code (never by running it): edited test
  cells, a source notebook handed in, code that tampers with the kernel (held for
  review: 0 points until the instructor looks), and answers that are not the
  learner's own (``course_utils/exercises/_own_work.py``, the rule the visible check
  applies too: the answer machinery, or a library call the exercise forbids, scores 0;
  a route the reading cannot follow is held for review);
- the **student's id** (the one the LMS or nbgrader gives the submission): a number exercise
  with variants (``course_utils/exercises/_variants.py``) is judged with this id's numbers, the
  sandbox is pinned to it (so what the notebook prints there is this student's question), and a
  notebook that declares another 학번 (``STUDENT_ID = "..."``, ``set_student_id("...")``) is
  flagged for review. The class's ids travel with the plan for the copied-answer check
  (tools/grading/judge.py).

Answer cells are found by their nbgrader id, or, when an editor dropped the
metadata and a test cell is gone too, by content: the last student cell that
defines the answer's name (so a right answer is never "missing").
"""

from __future__ import annotations

import ast
import copy
import hashlib
import re
import secrets
from dataclasses import dataclass, field

import nbformat

from course_utils.exercises import _own_work, load_all
from course_utils.exercises._core import FUNCTION
from course_utils.grading import HIDDEN_BEGIN, HIDDEN_END, is_grade_cell, is_solution_cell
from tools.grading import probe

SOURCE_NOTEBOOK_FLAG = "강사용 원본 노트북(해답·숨은 테스트 포함)이 제출되었습니다: 답은 다른 제출물처럼 채점했습니다"


def _gid(cell):
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


def _norm(source: str) -> str:
    return "\n".join(line.rstrip() for line in source.strip().splitlines())


@dataclass
class Question:
    """One graded question: a test cell of the source notebook and the exercise it checks."""

    test_id: str
    answer_id: str | None
    points: float
    number: str | None = None          # "2-1"
    name: str | None = None            # the answer's variable or function name
    literal: object = None             # the hidden test's answer (value exercises), kept in this process
    has_literal: bool = False
    hidden: str = ""                   # the hidden test's code (run here, on reported data, for custom checks)
    seed: int | None = None            # code exercises: the input cases drawn for this student
    nonce: str = ""
    flags: list = field(default_factory=list)       # for the instructor's review; never costs points
    rule_broken: list = field(default_factory=list)  # not the learner's own answer (costs the points)
    review: list = field(default_factory=list)       # tampering, or a route the reading cannot follow: 0 until reviewed
    found_by_content: bool = False
    answered: bool = False             # an answer cell was found
    variants: bool = False             # a number exercise whose numbers follow from the student's id


def hidden_region(source: str) -> str:
    """The code between the hidden-test markers of a test cell ("" if none)."""
    if HIDDEN_BEGIN not in source:
        return ""
    return "\n".join(block.split(HIDDEN_END, 1)[0] for block in source.split(HIDDEN_BEGIN)[1:])


def literal_answer(hidden: str, name: str):
    """``(True, literal)`` from the hidden test's ``assert exact(name, LITERAL)``, else ``(False, None)``."""
    try:
        tree = ast.parse(hidden)
    except SyntaxError:
        return False, None
    for node in ast.walk(tree):
        if (isinstance(node, ast.Assert) and isinstance(node.test, ast.Call)
                and getattr(node.test.func, "id", None) == "exact" and len(node.test.args) == 2
                and getattr(node.test.args[0], "id", None) == name):
            try:
                return True, ast.literal_eval(node.test.args[1])
            except ValueError:
                try:  # 784 / 36 and the like: arithmetic of literals only
                    expression = ast.Expression(node.test.args[1])
                    if all(isinstance(n, (ast.Expression, ast.BinOp, ast.UnaryOp, ast.Constant, ast.operator,
                                          ast.unaryop)) for n in ast.walk(expression)):
                        return True, eval(compile(expression, "<literal>", "eval"), {"__builtins__": {}})  # noqa: S307
                except (ValueError, TypeError, ZeroDivisionError):
                    pass
    return False, None


def questions_of(source_nb) -> list[Question]:
    """The graded questions of the source notebook: each test cell, the answer cell before it, its exercise."""
    registry = load_all()
    found, pending = [], None
    for cell in source_nb.cells:
        if is_solution_cell(cell) and cell.cell_type == "code":
            pending = _gid(cell)
        elif is_grade_cell(cell) and cell.cell_type == "code":
            question = Question(_gid(cell), pending, float(cell.metadata["nbgrader"].get("points", 0)))
            match = re.search(r'check\(\s*["\'](\d+-\d+)["\']', cell.source)
            if match and match.group(1) in registry:
                question.number = match.group(1)
                question.name = registry[question.number].name
                question.hidden = hidden_region(cell.source)
                question.has_literal, question.literal = literal_answer(question.hidden, question.name)
            found.append(question)
            pending = None
    return found


def student_seed(assignment: str, student: str, digest: str) -> int:
    """The seed of a student's input cases: fixed by the submission, so a regrade draws the same cases."""
    return int.from_bytes(hashlib.sha256(f"{assignment}/{student}/{digest}".encode()).digest()[:4], "big") >> 1


# --------------------------------------------------------------------------- reading the student's code

_FORBIDDEN_ATTRS = {
    "ast_transformers": "AST 변환기(ast_transformers)를 건드림",
    "input_transformers_cleanup": "입력 변환기(input_transformers)를 건드림",
    "input_transformers_post": "입력 변환기(input_transformers)를 건드림",
    "settrace": "sys.settrace 사용",
    "setprofile": "sys.setprofile 사용",
    "set_custom_exc": "예외 처리기(set_custom_exc) 교체",
    "excepthook": "sys.excepthook 교체",
}
_PROTECTED_ROOTS = {"builtins", "__builtins__", "np", "numpy", "sys", "testing", "course_utils", "exercises", "json"}
_DYNAMIC = {"getattr", "__import__", "import_module", "eval", "exec", "compile"}


strip_magics = _own_work.strip_magics
_parse = _own_work.parse


def static_flags(source: str) -> list[str]:
    """Reasons why a student's code cell looks like an attempt to fool the grader (read, not run)."""
    tree = _parse(source)
    if tree is None:
        return []
    protected = _PROTECTED_ROOTS | {f"ch{n:02d}" for n in range(1, 20)}
    reasons = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in _FORBIDDEN_ATTRS:
            reasons.append(_FORBIDDEN_ATTRS[node.attr])
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "getattr" \
                and len(node.args) >= 2 and not isinstance(node.args[1], ast.Constant):
            reasons.append("getattr에 만든 문자열로 속성 이름을 줌")
        targets = []
        if isinstance(node, (ast.Assign, ast.Delete)):
            targets = node.targets
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            targets = [node.target]
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("setattr", "delattr"):
            targets = [node.args[0]] if node.args else []
            if targets and isinstance(targets[0], ast.Name) and targets[0].id in protected:
                reasons.append(f"{targets[0].id}의 속성을 바꿈")
            continue
        for target in targets:
            root = target
            while isinstance(root, (ast.Attribute, ast.Subscript)):
                root = root.value
            if root is not target and isinstance(root, ast.Name) and root.id in protected:
                reasons.append(f"{ast.unparse(target)}을(를) 바꿈")
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [a.name for a in node.names]
            module = getattr(node, "module", None) or ""
            if "builtins" in names or module == "builtins":
                reasons.append("builtins 모듈을 가져옴")
    return sorted(set(reasons))


def banned_uses(source: str, banned: frozenset) -> list[str]:
    """The own-work rule's reading of one cell: library names that ``banned`` forbids, and routes it cannot follow."""
    tree = _parse(source)
    if tree is None:
        return []
    return sorted({u for node in tree.body for u in _own_work.banned_uses(node, banned) + _own_work.indirect_uses(node)})


def _defined_names(tree) -> set[str]:
    names = set()
    for node in getattr(tree, "body", []):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                for sub in ast.walk(target):
                    if isinstance(sub, ast.Name):
                        names.add(sub.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names |= {(a.asname or a.name).split(".")[0] for a in node.names}
    return names


def defines(source: str, name: str) -> bool:
    """True when a code cell defines ``name`` at its top level (assignment, def, import)."""
    tree = _parse(source)
    return tree is not None and name in _defined_names(tree)


def declared_ids(sources) -> list[str]:
    """The 학번 a notebook declares in its code (``STUDENT_ID = "..."``, ``set_student_id("...")``), read, not run."""
    found = []
    for source in sources:
        tree = _parse(source)
        for node in ast.walk(tree) if tree is not None else ():
            text = None
            if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "STUDENT_ID" for t in node.targets):
                text = node.value
            elif isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) \
                    == "set_student_id" and node.args:
                text = node.args[0]
            if isinstance(text, ast.Constant) and isinstance(text.value, (str, int)) and str(text.value).strip():
                found.append(str(text.value).strip())
    return list(dict.fromkeys(found))


#: The flag of a notebook whose 학번 is not the submitting student's (book/instructor_guide.md).
FOREIGN_ID_FLAG = "노트북에 적힌 학번({declared})이 제출한 학생({student})과 다릅니다: {student}의 숫자로 채점했습니다"


# --------------------------------------------------------------------------- the notebook to run

_GUARD_SETUP = r'''
def __course_grader_setup(guard_name, modules):
    import builtins, importlib, json, sys, threading
    import numpy, numpy.testing
    ip = get_ipython()
    watched = ["numpy", "numpy.testing", "builtins", "json"] + list(modules)
    mods = {name: importlib.import_module(name) for name in watched}
    def members(module):
        return {k: (v, getattr(v, "__code__", None)) for k, v in vars(module).items()}
    ref = dict(
        mods=dict(mods), members={name: members(m) for name, m in mods.items()},
        ast=list(ip.ast_transformers), cleanup=list(ip.input_transformers_cleanup),
        post=list(ip.input_transformers_post), stdout=sys.stdout, stderr=sys.stderr, custom=ip.custom_exceptions,
        ipfuncs={n: getattr(type(ip), n, None) for n in ("run_cell", "run_cell_async", "run_ast_nodes", "run_code",
                 "showtraceback", "_showtraceback", "transform_cell", "transform_ast", "should_run_async")},
        ipinst={n: ip.__dict__.get(n) for n in ("run_cell", "run_cell_async", "run_ast_nodes", "run_code",
                 "showtraceback", "_showtraceback", "transform_cell", "transform_ast", "compile")},
        events={k: list(v) for k, v in ip.events.callbacks.items()},
    )
    def guard(nonce):
        problems = []
        try:
            if list(ip.ast_transformers) != ref["ast"]:
                problems.append("AST 변환기(ip.ast_transformers)가 추가됨")
            if list(ip.input_transformers_cleanup) != ref["cleanup"] or list(ip.input_transformers_post) != ref["post"]:
                problems.append("입력 변환기(ip.input_transformers_*)가 바뀜")
            if sys.gettrace() is not None or sys.getprofile() is not None or threading._trace_hook or threading._profile_hook:
                problems.append("sys.settrace/setprofile이 설정됨")
            for name, module in ref["mods"].items():
                if sys.modules.get(name) is not module:
                    problems.append(f"sys.modules[{name!r}]이 바뀜")
                now = {k: (v, getattr(v, "__code__", None)) for k, v in vars(module).items()}
                for key, (obj, code) in ref["members"][name].items():
                    if (key.startswith("__") and key not in ("__import__", "__build_class__")) or (
                            name == "builtins" and key in ("input", "raw_input", "getpass", "_", "__", "___")):
                        continue
                    if key not in now or now[key][0] is not obj or now[key][1] is not code:
                        problems.append(f"{name}.{key}이(가) 바뀜")
            if sys.stdout is not ref["stdout"] or sys.stderr is not ref["stderr"]:
                problems.append("sys.stdout/stderr가 바뀜")
            if ip.custom_exceptions != ref["custom"]:
                problems.append("예외 처리기(set_custom_exc)가 설정됨")
            for n, f in ref["ipfuncs"].items():
                if getattr(type(ip), n, None) is not f:
                    problems.append(f"IPython {n}이(가) 바뀜")
            for n, f in ref["ipinst"].items():
                if ip.__dict__.get(n) is not f:
                    problems.append(f"IPython {n}이(가) 바뀜")
            for event in ("pre_execute", "pre_run_cell"):
                if list(ip.events.callbacks.get(event, [])) != ref["events"].get(event, []):
                    problems.append(f"IPython {event} 콜백이 추가됨")
            np_now = ip.user_ns.get("np", numpy)
            if np_now is not mods["numpy"]:
                problems.append("np가 진짜 numpy가 아님")
        except Exception as error:
            problems.append(f"검사 중 오류: {type(error).__name__}")
        status = "FLAG " + json.dumps(sorted(set(problems)), ensure_ascii=False) if problems else "OK"
        ref["stdout"].write(f"@@COURSE-GUARD {nonce} {status}\n")
        ref["stdout"].flush()
    ip.user_ns[guard_name] = guard
'''


def _meta(kind: str, question: str | None = None, **extra) -> dict:
    return {"course_grader": {"kind": kind, "question": question, **extra}}


@dataclass
class Plan:
    """What to run for one student, and what the judge needs afterwards (never sent to the sandbox)."""

    run_nb: object
    questions: list
    notes: list
    cases: dict            # test id -> the input cases of a code exercise (args, kwargs, description)
    guard_nonces: dict     # test id -> nonce of its guard cell
    student: str | None = None     # the id the LMS/nbgrader gives the submission: whose numbers are judged
    classmates: tuple = ()         # every id of the class (the copied-answer check, tools/grading/judge.py)


def build_plan(student_nb, source_nb, released_nb, *, seed: int = 0, student: str | None = None,
               classmates=()) -> Plan:
    """The notebook to execute for one student: their code cells, and after each answer a guard and a probe.

    ``student``: the id the LMS or nbgrader gives the submission (never the notebook's): the numbers of
    the number exercises are this id's; ``classmates``: the ids of the class (the copied-answer check).
    """
    registry = load_all()
    questions = questions_of(source_nb)
    for q in questions:
        q.variants = bool(q.number and registry[q.number].variants is not None)
    by_test = {q.test_id: q for q in questions}
    released_tests = {_gid(c): _norm(c.source) for c in released_nb.cells if is_grade_cell(c)}
    source_tests = {_gid(c): _norm(c.source) for c in source_nb.cells if is_grade_cell(c)}
    released_test_sources = set(released_tests.values())
    released_code = {_norm(c.source) for c in released_nb.cells if c.cell_type == "code"}
    answer_ids = {q.answer_id for q in questions if q.answer_id}
    notes = []
    handed_in_source = False

    kept, seen_tests = [], set()
    for cell in student_nb.cells:
        gid = _gid(cell)
        if cell.cell_type != "code":
            kept.append(cell)
            continue
        if "### BEGIN SOLUTION" in cell.source or HIDDEN_BEGIN in cell.source:
            handed_in_source = True
        if is_grade_cell(cell) and not is_solution_cell(cell):
            text = _norm(cell.source)
            if gid in by_test and text == source_tests.get(gid):
                handed_in_source = True
            elif gid in by_test and gid not in seen_tests and text == released_tests.get(gid):
                seen_tests.add(gid)
            elif gid in by_test and text != released_tests.get(gid):
                by_test[gid].flags.append("테스트 셀이 고쳐져 있었습니다 (테스트 셀은 채점에 쓰지 않습니다)")
            elif gid in seen_tests:
                notes.append(f"{gid}: 중복된 테스트 셀은 무시했습니다")
            else:
                notes.append(f"{gid}: 알 수 없는 테스트 셀은 무시했습니다")
            continue
        text = _norm(cell.source)
        if not gid and (text in released_test_sources or text in source_tests.values()):
            continue  # a copy of a test cell without its metadata: tests are never run
        kept.append(cell)

    # Where each question's answer is: its answer cell (the last copy), or the last cell defining its name.
    answer_at = {}
    for index, cell in enumerate(kept):
        if cell.cell_type == "code" and _gid(cell) in answer_ids and is_solution_cell(cell):
            for q in questions:
                if q.answer_id == _gid(cell):
                    answer_at[q.test_id] = index
    for q in questions:
        if q.test_id in answer_at or not q.name:
            continue
        candidates = [i for i, c in enumerate(kept) if c.cell_type == "code" and _norm(c.source) not in released_code
                      and not _gid(c) and defines(c.source, q.name)]
        if candidates:
            answer_at[q.test_id] = candidates[-1]
            q.found_by_content = True
            notes.append(f"{q.test_id}: nbgrader 정보가 없는 답 셀을 내용({q.name} 정의)으로 찾았습니다")
    for q in questions:
        q.answered = q.test_id in answer_at

    # What the student wrote (cells not in the release): read for tampering and for own-code rules.
    student_written = {i for i, c in enumerate(kept) if c.cell_type == "code" and _norm(c.source) not in released_code}
    ordered = sorted(questions, key=lambda q: answer_at.get(q.test_id, len(kept)))
    for index in sorted(student_written):
        reasons = static_flags(kept[index].source)
        if reasons:
            for q in ordered:
                if answer_at.get(q.test_id, len(kept)) >= index:
                    q.review.extend(f"코드 검사: {r}" for r in reasons)
    # Is each answer the learner's own? The rule of the visible check, on the code cells in the order they run.
    code_at = [i for i, c in enumerate(kept) if c.cell_type == "code"]
    sources = [kept[i].source for i in code_at]
    for q in questions:
        exercise = registry.get(q.number) if q.number else None
        if exercise is None or q.test_id not in answer_at:
            continue
        finding = _own_work.judge_sources(sources, code_at.index(answer_at[q.test_id]), exercise.banned_names,
                                          exercise.banned_variables)
        q.rule_broken += finding.refused
        q.review += finding.review
    if handed_in_source:
        for q in questions:
            q.flags.append(SOURCE_NOTEBOOK_FLAG)
    if student is not None:  # a notebook that declares another 학번: its numbers are not this student's
        written = [kept[i].source for i in sorted(student_written)]
        for declared in declared_ids(written):
            if declared != str(student).strip():
                for q in questions:
                    if q.variants:
                        q.flags.append(FOREIGN_ID_FLAG.format(declared=declared, student=student))

    # The notebook: setup, then the student's cells, each answer followed by a guard and a probe.
    modules = ["course_utils.exercises", "course_utils.exercises._core"] + [
        f"course_utils.exercises.ch{n:02d}" for n in range(1, 8)]
    guard_name = f"_grader_guard_{secrets.token_hex(6)}"
    cells = [nbformat.v4.new_code_cell(
        _GUARD_SETUP + f"\n__course_grader_setup({guard_name!r}, {modules!r})\ndel __course_grader_setup\n"
        + (f"__import__('course_utils.exercises._variants', fromlist=['_']).pin_student_id({str(student)!r})"
           "  # __course_grader_setup: the numbers of the submitting student\n" if student is not None else ""),
        metadata=_meta("setup"))]
    cases, guard_nonces = {}, {}

    def add_probe(q: Question):
        guard_nonces[q.test_id] = probe.new_nonce()
        cells.append(nbformat.v4.new_code_cell(f"{guard_name}({guard_nonces[q.test_id]!r})",
                                               metadata=_meta("guard", q.test_id, nonce=guard_nonces[q.test_id])))
        q.nonce = probe.new_nonce()
        exercise = registry.get(q.number) if q.number else None
        if exercise is not None and exercise.kind == FUNCTION:
            q.seed = (seed + sum(map(ord, q.number))) % 2**31
            cases[q.test_id] = exercise.function.cases(q.seed)
            source = probe.function_probe(q.nonce, q.number, q.name, cases[q.test_id])
        elif q.name:
            source = probe.value_probe(q.nonce, q.name)
        else:
            return
        cells.append(nbformat.v4.new_code_cell(source, metadata=_meta("probe", q.test_id, nonce=q.nonce)))

    owner = {}
    for q in questions:
        owner.setdefault(answer_at.get(q.test_id), []).append(q)
    for index, cell in enumerate(kept):
        cell = copy.deepcopy(cell)
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
            following = [q for q in ordered if answer_at.get(q.test_id, len(kept)) >= index]
            cell.metadata["course_grader"] = _meta("student", following[0].test_id if following else None)[
                "course_grader"]
        cells.append(cell)
        for q in owner.get(index, []):
            add_probe(q)
    for q in owner.get(None, []):
        add_probe(q)  # no answer cell: the probe still asks (a name defined elsewhere counts)
    run_nb = nbformat.v4.new_notebook(cells=cells, metadata=copy.deepcopy(source_nb.metadata))
    run_nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return Plan(run_nb, questions, notes, cases, guard_nonces, student, tuple(classmates))

"""Grade a folder of submissions safely: ``python -m tools.grade ASSIGNMENT FOLDER [--workers N]``.

What it does (book/instructor_guide.md, "자동 채점"):

1. collects the submissions (loose ``학번_….ipynb`` files, one folder per
   student, or an LMS ``.zip``) into ``grading/submitted`` (tools/collect_submissions.py);
2. builds, in this (parent) process, the notebook to run for each student: the
   student's own cells, and after each answer the CANONICAL test cell of the
   source notebook (matched by grade id; edited, duplicated or deleted test cells
   change nothing), framed by injected guard cells that detect tampering;
3. runs it inside a bubblewrap sandbox (tools/grade_worker.py): no network, a
   read-only system, a private scratch folder with only this student's notebook,
   no view of the course folder, the gradebook or other students, a clean
   environment, process/memory/time limits; a dead kernel is restarted;
4. scores each question (nbgrader's ``determine_grade`` on the test cell, stderr
   ignored) and, in this process only, writes nbgrader's gradebook, the
   autograded notebook, a per-question CSV and a resume state; then runs
   nbgrader's feedback and export.

A student whose grading failed is reported as ``failed: 이유`` and is not
written to the gradebook (never a 0); rerunning the command grades only the
students that are not yet graded with the same submission.
"""

from __future__ import annotations

import argparse
import ast
import concurrent.futures as futures
import copy
import csv
import hashlib
import json
import os

import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

sys.modules.setdefault("rfc3987_syntax", None)  # see tools/grade_worker.py: seconds of import, never used
import nbformat  # noqa: E402

# nbgrader's package imports its submodules circularly.  Imported for the first time by two worker
# threads at once (nbgrader.utils in score(), nbgrader.api in GradeBook.write()), one thread gets a
# partially initialised nbgrader.api ("cannot import name 'Gradebook'") and the whole run stops with no
# report.  Importing both here, once, before any thread starts, rules that out
# (tests/grading/test_grade_plan.py::test_nbgrader_is_imported_before_the_workers_start).
import nbgrader.api  # noqa: E402,F401
import nbgrader.utils  # noqa: E402,F401

from course_utils.grading import HIDDEN_BEGIN, is_grade_cell, is_solution_cell  # noqa: E402
from course_utils.exercises import CHAPTERS as EXERCISE_CHAPTERS  # noqa: E402
from tools.collect_submissions import collect  # noqa: E402
from tools.notebooks import chapter_notebook  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
WORKER = Path(__file__).resolve().parent / "grade_worker.py"
STATUSES = ("ok", "flagged", "kernel died", "missing", "failed")
#: Environment variables passed into the sandbox (everything else is cleared).
PASS_ENV = ("COURSE_QUICK", "COURSE_OFFLINE_DATA", "TF_CPP_MIN_LOG_LEVEL", "KERAS_BACKEND")
_SANDBOX_UID_BASE = 61000


# --- Building the notebook to run ------------------------------------------------------

def _gid(cell):
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


def _norm(source: str) -> str:
    return "\n".join(line.rstrip() for line in source.strip().splitlines())


@dataclass
class Question:
    test_id: str
    answer_id: str | None
    points: float
    flags: list = field(default_factory=list)
    events: list = field(default_factory=list)  # (status, reason) from the run


def questions_of(source_nb) -> list[Question]:
    """The graded questions of the source notebook: each test cell and the answer cell before it."""
    found, pending = [], None
    for cell in source_nb.cells:
        if is_solution_cell(cell) and cell.cell_type == "code":
            pending = _gid(cell)
        elif is_grade_cell(cell) and cell.cell_type == "code":
            found.append(Question(_gid(cell), pending, float(cell.metadata["nbgrader"].get("points", 0))))
            pending = None
    return found


_FORBIDDEN_ATTRS = {
    "ast_transformers": "AST 변환기(ast_transformers)를 건드림",
    "input_transformers_cleanup": "입력 변환기(input_transformers)를 건드림",
    "input_transformers_post": "입력 변환기(input_transformers)를 건드림",
    "settrace": "sys.settrace 사용",
    "setprofile": "sys.setprofile 사용",
    "set_custom_exc": "예외 처리기(set_custom_exc) 교체",
    "excepthook": "sys.excepthook 교체",
}
_PROTECTED_ROOTS = {"builtins", "__builtins__", "np", "numpy", "sys", "testing", "course_utils", "exercises"}


def static_flags(source: str) -> list[str]:
    """Reasons why a student's code cell looks like an attempt to fool the grader (read, not run)."""
    try:
        tree = ast.parse(_strip_magics(source))
    except SyntaxError:
        return []
    reasons = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in _FORBIDDEN_ATTRS:
            reasons.append(_FORBIDDEN_ATTRS[node.attr])
        targets = []
        if isinstance(node, (ast.Assign, ast.Delete)):
            targets = node.targets
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            targets = [node.target]
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("setattr", "delattr"):
            targets = [node.args[0]] if node.args else []
            if targets and isinstance(targets[0], ast.Name) and targets[0].id in _PROTECTED_ROOTS | _check_modules():
                reasons.append(f"{targets[0].id}의 속성을 바꿈")
            continue
        for target in targets:
            root = target
            while isinstance(root, (ast.Attribute, ast.Subscript)):
                root = root.value
            if root is not target and isinstance(root, ast.Name) and root.id in _PROTECTED_ROOTS | _check_modules():
                reasons.append(f"{ast.unparse(target)}을(를) 바꿈")
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [a.name for a in node.names]
            module = getattr(node, "module", None) or ""
            if "builtins" in names or module == "builtins":
                reasons.append("builtins 모듈을 가져옴")
    return sorted(set(reasons))


def _check_modules() -> set[str]:
    return {f"ch{n:02d}" for n in range(1, 20)}


def _strip_magics(source: str) -> str:
    return "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines())


_SETUP = r'''
def __course_grader_setup(guard_name, cleanup_name, modules):
    import builtins, importlib, json, linecache, sys, threading
    import numpy, numpy.testing
    ip = get_ipython()
    watched = ["numpy", "numpy.testing", "builtins"] + list(modules)
    mods = {name: importlib.import_module(name) for name in watched}
    def members(module):
        return {k: (v, getattr(v, "__code__", None)) for k, v in vars(module).items()}
    ref = dict(
        mods=dict(mods), members={name: members(m) for name, m in mods.items()},
        ast=list(ip.ast_transformers), cleanup=list(ip.input_transformers_cleanup),
        post=list(ip.input_transformers_post), excepthook=sys.excepthook, displayhook=sys.displayhook,
        stdout=sys.stdout, stderr=sys.stderr, custom=ip.custom_exceptions,
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
    def cleanup():
        marker = "### BEGIN HIDDEN" + " TESTS"
        hist = ip.user_ns.get("In", [])
        for i, text in enumerate(list(hist)):
            if marker in text or guard_name in text:
                hist[i] = ""
        for key in [k for k in ip.user_ns if k.startswith("_i")]:
            if isinstance(ip.user_ns[key], str) and (marker in ip.user_ns[key] or guard_name in ip.user_ns[key]):
                ip.user_ns[key] = ""
        for store in (ip.history_manager.input_hist_parsed, ip.history_manager.input_hist_raw):
            for i, text in enumerate(store):
                if marker in text:
                    store[i] = ""
        for key, entry in list(linecache.cache.items()):
            if marker in "".join(entry[2] if len(entry) > 2 else []):
                del linecache.cache[key]
    ip.user_ns[guard_name] = guard
    ip.user_ns[cleanup_name] = cleanup
'''


def _meta(kind: str, question: str | None = None, **extra) -> dict:
    return {"course_grader": {"kind": kind, "question": question, **extra}}


@dataclass
class Plan:
    """What to run for one student and how to read the results."""
    run_nb: object
    questions: list
    notes: list


def build_plan(student_nb, source_nb, released_nb) -> Plan:
    """The notebook to execute for one student, with canonical tests, guards and cleanups."""
    questions = questions_of(source_nb)
    by_test = {q.test_id: q for q in questions}
    tests = {_gid(c): c for c in source_nb.cells if is_grade_cell(c)}
    released_tests = {_gid(c): _norm(c.source) for c in released_nb.cells if is_grade_cell(c)}
    released_test_sources = {v: k for k, v in released_tests.items()}
    canonical_answers = {q.answer_id for q in questions if q.answer_id}
    # The checks the test cells call: the package, its core and every chapter's declarations.
    modules = ["course_utils.exercises", "course_utils.exercises._core"] + [
        f"course_utils.exercises.{name}" for name in EXERCISE_CHAPTERS]
    notes = []

    # The student's cells: the tests they carry are dropped (the canonical ones run), edits are flagged.
    kept, seen_tests = [], set()
    for cell in student_nb.cells:
        gid = _gid(cell)
        if cell.cell_type == "code" and (is_grade_cell(cell) and not is_solution_cell(cell)):
            if gid in by_test and gid not in seen_tests and _norm(cell.source) == released_tests.get(gid):
                seen_tests.add(gid)
            elif gid in by_test and _norm(cell.source) != released_tests.get(gid):
                by_test[gid].flags.append("테스트 셀이 고쳐져 있었습니다 (원래 테스트로 채점)")
            elif gid in seen_tests:
                notes.append(f"{gid}: 중복된 테스트 셀은 무시했습니다")
            else:
                notes.append(f"{gid}: 알 수 없는 테스트 셀은 무시했습니다")
            continue
        if cell.cell_type == "code" and not gid and _norm(cell.source) in released_test_sources:
            continue  # an untouched copy of a test cell without its metadata: the canonical one runs
        kept.append(cell)

    last_answer = {}
    for index, cell in enumerate(kept):
        if cell.cell_type == "code" and _gid(cell) in canonical_answers and is_solution_cell(cell):
            last_answer[_gid(cell)] = index

    suffix = secrets.token_hex(6)
    guard_name, cleanup_name = f"_grader_guard_{suffix}", f"_grader_cleanup_{suffix}"
    cells = [nbformat.v4.new_code_cell(
        _SETUP + f"\n__course_grader_setup({guard_name!r}, {cleanup_name!r}, {modules!r})\ndel __course_grader_setup\n",
        metadata=_meta("setup"))]

    def add_test(question: Question):
        nonce = secrets.token_hex(8)
        cells.append(nbformat.v4.new_code_cell(f"{guard_name}({nonce!r})", metadata=_meta("guard", question.test_id, nonce=nonce)))
        test = copy.deepcopy(tests[question.test_id])
        test.metadata["course_grader"] = _meta("test", question.test_id)["course_grader"]
        test.outputs, test.execution_count = [], None
        cells.append(test)
        cells.append(nbformat.v4.new_code_cell(f"{cleanup_name}()", metadata=_meta("cleanup", question.test_id)))

    order = [q for q in questions]
    pending_questions = list(order)

    def question_after(index: int) -> str | None:
        """The question whose test runs next after student cell ``index``."""
        best = None
        for q in questions:
            if q.answer_id in last_answer and last_answer[q.answer_id] >= index:
                if best is None or last_answer[q.answer_id] < last_answer[best.answer_id]:
                    best = q
        return best.test_id if best else None

    for index, cell in enumerate(kept):
        cell = copy.deepcopy(cell)
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
            cell.metadata["course_grader"] = _meta("student", question_after(index))["course_grader"]
            reasons = static_flags(cell.source)
            if reasons and cell.metadata["course_grader"]["question"]:
                target = cell.metadata["course_grader"]["question"]
                start = [q.test_id for q in questions].index(target)
                for q in questions[start:]:
                    q.flags.extend(f"코드 검사: {r}" for r in reasons)
        cells.append(cell)
        for q in questions:
            if q.answer_id and last_answer.get(q.answer_id) == index:
                add_test(q)
                pending_questions.remove(q)
    for q in pending_questions:
        if q.answer_id is None:
            add_test(q)  # a test without an answer cell runs at the end
        else:
            q.events.append(("missing", "답 셀이 없습니다"))
            test = copy.deepcopy(tests[q.test_id])
            test.metadata["course_grader"] = _meta("test", q.test_id, skipped=True)["course_grader"]
            test.outputs, test.execution_count = [], None
            cells.append(test)
    run_nb = nbformat.v4.new_notebook(cells=cells, metadata=copy.deepcopy(source_nb.metadata))
    run_nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return Plan(run_nb, questions, notes)


# --- Scoring -----------------------------------------------------------------------------

_GUARD_LINE = re.compile(r"@@COURSE-GUARD (\w+) (OK|FLAG (.*))")


def hidden_lines(source_nb) -> set[str]:
    """Code lines of the hidden tests (long enough to be recognisable)."""
    lines = set()
    for cell in source_nb.cells:
        if HIDDEN_BEGIN in cell.source:
            for block in cell.source.split(HIDDEN_BEGIN)[1:]:
                body = block.split("### END HIDDEN TESTS", 1)[0]
                lines |= {line.strip() for line in body.splitlines() if len(line.strip()) >= 8}
    return lines


_GRADER_NAMES = ("HIDDEN TESTS", "_grader_guard_", "_grader_cleanup_", "__course_grader_setup", "@@COURSE-GUARD")


def _redact_text(text: str, secret_lines: set[str]) -> str:
    def secret(line: str) -> bool:
        return any(n in line for n in _GRADER_NAMES) or any(s in line for s in secret_lines)

    if secret(text):
        kept = [line for line in text.splitlines(keepends=True) if not secret(line)]
        return "".join(kept) + "[채점기: 숨은 테스트의 내용이라 지웠습니다]\n"
    return text


def redact_outputs(cell, secret_lines: set[str]) -> None:
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream":
            out["text"] = _redact_text(out.get("text", ""), secret_lines)
        elif out.get("output_type") in ("execute_result", "display_data"):
            for mime, value in list(out.get("data", {}).items()):
                if isinstance(value, str):
                    out["data"][mime] = _redact_text(value, secret_lines)
        elif out.get("output_type") == "error":
            out["traceback"] = [_redact_text(line, secret_lines) for line in out.get("traceback", [])]
            out["evalue"] = _redact_text(out.get("evalue", ""), secret_lines)


def score(plan: Plan, out_nb, source_nb) -> tuple[list[dict], object]:
    """Per-question rows and the autograded notebook (student cells + canonical tests)."""
    from nbgrader.utils import determine_grade

    secret = hidden_lines(source_nb)
    by_q = {q.test_id: q for q in plan.questions}
    guard_results, graded_cells, results = {}, [], {}
    for cell in out_nb.cells:
        meta = cell.metadata.get("course_grader", {})
        kind, qid, status = meta.get("kind"), meta.get("question"), meta.get("status", "not run")
        if kind == "guard":
            text = "".join(o.get("text", "") for o in cell.get("outputs", []) if o.get("output_type") == "stream")
            found = [m for m in _GUARD_LINE.finditer(text) if m.group(1) == meta["nonce"]]
            if status != "ok":
                guard_results[qid] = None
            elif not found:
                guard_results[qid] = ["검사 셀이 결과를 내지 못함 (채점기 함수가 지워지거나 바뀜)"]
            elif found[-1].group(2) != "OK":
                guard_results[qid] = json.loads(found[-1].group(3))
            else:
                guard_results[qid] = []
            continue
        if kind in ("setup", "cleanup"):
            if kind == "setup" and status != "ok":
                for q in plan.questions:
                    q.events.append(("failed", "채점 준비 셀이 실패했습니다"))
            continue
        if kind == "student" and status in ("kernel died", "timeout") and qid in by_q:
            by_q[qid].events.append(("kernel died", "답 셀에서 커널이 죽음" if status == "kernel died"
                                     else "답 셀이 시간 제한을 넘겨 중단됨"))
        if kind == "test" and qid in by_q:
            q = by_q[qid]
            if meta.get("skipped"):
                results[qid] = (0.0, "missing", "답 셀이 없습니다")
            elif status == "kernel died":
                results[qid] = (0.0, "kernel died", "테스트 실행 중 커널이 죽음")
            elif status == "timeout":
                results[qid] = (0.0, "kernel died", "테스트가 시간 제한을 넘겨 중단됨")
            elif status != "ok":
                results[qid] = (0.0, "kernel died", f"실행되지 않음 ({meta.get('detail', status)})")
            else:
                judged = copy.deepcopy(cell)
                judged.outputs = [o for o in judged.outputs
                                  if not (o.get("output_type") == "stream" and o.get("name") == "stderr")]
                points, _ = determine_grade(judged)
                results[qid] = (float(points or 0.0), "ok", "" if points else "테스트를 통과하지 못함")
        clean = copy.deepcopy(cell)
        clean.metadata.pop("course_grader", None)
        if kind == "student":
            redact_outputs(clean, secret)
        graded_cells.append(clean)

    rows = []
    for q in plan.questions:
        points, status, reason = results.get(q.test_id, (0.0, "kernel died", "실행되지 않음"))
        earlier = [e for e in q.events if e[0] in ("failed",)]
        if earlier:
            points, status, reason = 0.0, "failed", earlier[0][1]
        elif status == "ok":
            dead = [e for e in q.events if e[0] == "kernel died"]
            guard = guard_results.get(q.test_id)
            flags = list(q.flags) + (guard or [])
            if flags:
                points, status, reason = 0.0, "flagged", "; ".join(dict.fromkeys(flags))
            elif dead and not points:
                status, reason = "kernel died", dead[0][1]
        elif status == "missing" and q.flags:
            reason += "; " + "; ".join(q.flags)
        rows.append({"question": q.test_id, "score": points, "max": q.points, "status": status, "reason": reason})
    graded = nbformat.v4.new_notebook(cells=graded_cells, metadata=copy.deepcopy(source_nb.metadata))
    return rows, graded


# --- The sandbox ------------------------------------------------------------------------

def bwrap_available() -> str | None:
    """The path of a working bwrap, or None."""
    path = shutil.which("bwrap")
    if not path:
        return None
    probe = subprocess.run([path, "--ro-bind", "/", "/", "--unshare-net", "--die-with-parent", "true"],
                           capture_output=True, timeout=30)
    return path if probe.returncode == 0 else None


def _visible_paths(root: Path) -> list[Path]:
    """Read-only paths the kernel needs: the Python installation, the venv and course_utils' code."""
    import course_utils

    wanted = {Path(sys.base_prefix).resolve(), Path(sys.prefix).resolve(),
              Path(course_utils.__file__).resolve().parent}
    for entry in sys.path:
        p = Path(entry or ".").resolve()
        if p.is_dir() and not _inside(p, root) and not str(p).startswith(("/usr", "/lib", "/etc", "/bin")):
            wanted.add(p)
    return sorted(p for p in wanted if not (p == root or _inside(root, p)))


def _inside(path: Path, parent: Path) -> bool:
    try:
        path.relative_to(parent)
        return path != parent
    except ValueError:
        return False


def _user_tasks(uid: int) -> int:
    count = 0
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                if os.stat(f"/proc/{pid}").st_uid == uid:
                    count += len(os.listdir(f"/proc/{pid}/task"))
            except OSError:
                pass
    return count


def _seed_matplotlib_cache(target: Path) -> None:
    """Copy matplotlib's font list into the sandbox: rebuilding it costs seconds per notebook."""
    base = Path(os.environ.get("MPLCONFIGDIR") or Path.home() / ".cache" / "matplotlib")
    target.mkdir(exist_ok=True)
    for cached in base.glob("fontlist-*.json"):
        shutil.copy(cached, target / cached.name)


@dataclass
class Options:
    root: Path
    sandbox: bool
    cell_timeout: int
    notebook_timeout: int
    memory_bytes: int
    max_procs: int
    max_restarts: int = 2


_slots = threading.local()
_running: set = set()  # sandboxes now running, killed on Ctrl-C
_slot_counter = iter(range(10_000))
_slot_lock = threading.Lock()


def _slot() -> int:
    if not hasattr(_slots, "n"):
        with _slot_lock:
            _slots.n = next(_slot_counter)
    return _slots.n


def run_in_sandbox(run_nb, release_dir: Path, student_nb_path: Path, options: Options):
    """Execute ``run_nb`` for one student; return the executed notebook (raises RuntimeError on failure)."""
    as_root = os.getuid() == 0
    uid = _SANDBOX_UID_BASE + _slot() if (as_root and options.sandbox) else -1
    with tempfile.TemporaryDirectory(prefix="course-grade-") as tmp:
        tmp = Path(tmp)
        os.chmod(tmp, 0o711)
        job, home, share = tmp / "job", tmp / "home", tmp / "share"
        job.mkdir(mode=0o700)
        (job / "runtime").mkdir(mode=0o700)
        home.mkdir()
        for item in release_dir.iterdir():  # the chapter's public files (data), never other notebooks
            if item.suffix != ".ipynb" and item.is_file():
                shutil.copy(item, home / item.name)
        shutil.copy(student_nb_path, home / student_nb_path.name)
        _seed_matplotlib_cache(home / ".matplotlib")
        kernel_dir = share / "kernels" / "course-grader"
        kernel_dir.mkdir(parents=True)
        worker = "/grader/grade_worker.py" if options.sandbox else str(WORKER)
        python = str(Path(sys.executable).absolute())
        nproc = options.max_procs + (0 if uid >= 0 else _user_tasks(os.getuid()))
        argv = [python, worker, "--exec-kernel", str(uid), str(nproc), str(options.memory_bytes), "--",
                python, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
        (kernel_dir / "kernel.json").write_text(json.dumps(
            {"argv": argv, "display_name": "course grader", "language": "python"}), encoding="utf-8")
        workdir = "/home/student" if options.sandbox else str(home)
        (job / "job.json").write_text(json.dumps({
            "notebook": run_nb, "workdir": workdir, "cell_timeout": options.cell_timeout,
            "max_restarts": options.max_restarts}), encoding="utf-8")
        if uid >= 0:
            for path in [home, *home.rglob("*")]:
                os.chown(path, uid, uid)
        env = {"HOME": workdir, "PATH": f"{Path(python).parent}:/usr/bin:/bin", "LANG": "C.UTF-8",
               "MPLBACKEND": "Agg", "PYTHONDONTWRITEBYTECODE": "1", "JUPYTER_PLATFORM_DIRS": "1",
               "JUPYTER_PATH": "/grader/share" if options.sandbox else str(share),
               "JUPYTER_RUNTIME_DIR": "/job/runtime" if options.sandbox else str(job / "runtime"),
               "JUPYTER_CONFIG_DIR": workdir + "/.jupyter", "IPYTHONDIR": workdir + "/.ipython",
               "MPLCONFIGDIR": workdir + "/.matplotlib",
               # Thread pools sized by the core count would hit the process limit on a big machine.
               "OMP_NUM_THREADS": "2", "OPENBLAS_NUM_THREADS": "2", "MKL_NUM_THREADS": "2",
               "TF_NUM_INTEROP_THREADS": "2", "TF_NUM_INTRAOP_THREADS": "2"}
        env.update({k: os.environ[k] for k in PASS_ENV if k in os.environ})
        if options.sandbox:
            cmd = [shutil.which("bwrap"), "--die-with-parent", "--new-session", "--clearenv",
                   "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try"]
            if not as_root:
                cmd.append("--unshare-user")
            for name in ("usr", "etc", "bin", "sbin", "lib", "lib64", "lib32"):
                path = Path("/") / name
                if path.is_symlink():
                    cmd += ["--symlink", os.readlink(path), str(path)]
                elif path.exists():
                    cmd += ["--ro-bind", str(path), str(path)]
            # /tmp first: the course (its venv and src) may itself live under /tmp, and a later
            # tmpfs would hide it.
            cmd += ["--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"]
            made = {Path("/"), Path("/tmp")}
            targets = [*_visible_paths(options.root), Path("/home/student"), Path("/job"), Path("/grader/share")]
            for target in targets:  # bwrap would create missing parents 0700: unreadable for the kernel's user
                for parent in reversed(target.parents):
                    if parent not in made and not any(parent == Path("/") / n or _inside(parent, Path("/") / n)
                                                      for n in ("usr", "etc", "bin", "sbin", "lib", "lib64")):
                        cmd += ["--perms", "0755", "--dir", str(parent)]
                        made.add(parent)
            for path in _visible_paths(options.root):
                cmd += ["--ro-bind", str(path), str(path)]
            cmd += ["--bind", str(home), "/home/student", "--bind", str(job), "/job",
                    "--ro-bind", str(WORKER), "/grader/grade_worker.py", "--ro-bind", str(share), "/grader/share",
                    "--chdir", "/home/student"]
            for key, value in env.items():
                cmd += ["--setenv", key, value]
            cmd += [python, "/grader/grade_worker.py", "/job"]
            run_env = {}
        else:
            cmd = [python, str(WORKER), str(job)]
            run_env = dict(env, PATH=env["PATH"])
        process = subprocess.Popen(cmd, env=run_env, cwd=str(home), stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, start_new_session=True)
        _running.add(process)
        try:
            log, _ = process.communicate(timeout=options.notebook_timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)
            process.communicate()
            raise RuntimeError(f"노트북 전체 시간 제한({options.notebook_timeout}초)을 넘김")
        finally:
            _running.discard(process)
            if process.poll() is None:
                os.killpg(process.pid, 9)
        out = job / "out.ipynb"
        if process.returncode != 0 or not out.exists():
            if os.environ.get("COURSE_GRADER_DEBUG") and (job / "kernel.log").exists():
                print((job / "kernel.log").read_text(errors="replace")[-3000:], file=sys.stderr)
            tail = log.decode("utf-8", "replace").strip().splitlines()[-3:]
            raise RuntimeError(f"채점 프로세스가 실패함 (종료 코드 {process.returncode}): {' / '.join(tail)}")
        return nbformat.read(out, as_version=4)


# --- Gradebook, state, reports --------------------------------------------------------------

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
            writer = csv.DictWriter(handle, ["student", "question", "score", "max", "status", "reason"])
            writer.writeheader()
            for student in sorted(self.state):
                for row in self.state[student]["rows"]:
                    writer.writerow({"student": student, **row})
        return path


# --- Collecting ---------------------------------------------------------------------------

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


# --- The command ----------------------------------------------------------------------------

class Progress:
    def __init__(self, total: int):
        self.total, self.done, self.counts = total, 0, {"graded": 0, "flagged": 0, "failed": 0}
        self.start = time.monotonic()

    def update(self, outcome: str):
        self.done += 1
        self.counts[outcome] += 1
        width = 30
        filled = int(width * self.done / max(self.total, 1))
        elapsed = time.monotonic() - self.start
        print(f"\r[{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total}  채점 {self.counts['graded']}"
              f" · 플래그 {self.counts['flagged']} · 실패 {self.counts['failed']}  {elapsed:.0f}s",
              end="\n" if self.done == self.total else "", flush=True)


def grade_one(student, path, source_nb, released_nb, release_dir, options):
    student_nb = nbformat.read(path, as_version=4)
    plan = build_plan(student_nb, source_nb, released_nb)
    out = run_in_sandbox(plan.run_nb, release_dir, path, options)
    rows, graded = score(plan, out, source_nb)
    return rows, graded, plan.notes


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.grade", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("assignment", help="과제 이름 (예: ch01_data_shapes)")
    parser.add_argument("folder", type=Path, help="제출물 폴더 또는 LMS zip 파일")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="동시에 채점할 학생 수 (기본: CPU 코어 수)")
    parser.add_argument("--unsafe-no-sandbox", action="store_true",
                        help="bubblewrap 없이 실행 (신뢰할 수 있는 제출물에만!)")
    parser.add_argument("--root", type=Path, default=ROOT, help="과목 폴더 (nbgrader_config.py가 있는 곳)")
    parser.add_argument("--mapping", type=Path, help="file,student_id 열이 있는 CSV")
    parser.add_argument("--cell-timeout", type=int, default=int(os.environ.get("COURSE_CELL_TIMEOUT", "120")))
    parser.add_argument("--notebook-timeout", type=int, default=900)
    parser.add_argument("--memory-gb", type=float, default=8.0, help="노트북 하나의 가상 메모리 한도 (GiB)")
    parser.add_argument("--max-procs", type=int, default=64, help="샌드박스 하나의 프로세스·스레드 수 한도")
    parser.add_argument("--regrade", action="store_true", help="이미 채점한 학생도 다시 채점")
    parser.add_argument("--no-feedback", action="store_true", help="피드백 HTML과 성적 내보내기를 건너뜀")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    import warnings
    warnings.filterwarnings("ignore", module="nbgrader")
    warnings.filterwarnings("ignore", message=".*not in session.*")

    sandbox = True
    if not bwrap_available():
        if not args.unsafe_no_sandbox:
            print("오류: bubblewrap(bwrap)이 없거나 동작하지 않아 채점을 시작하지 않습니다.\n"
                  "  Debian/Ubuntu: sudo apt-get install bubblewrap   (scripts/install_system_packages.sh)\n"
                  "  Fedora: sudo dnf install bubblewrap · Arch: sudo pacman -S bubblewrap\n"
                  "  신뢰할 수 있는 제출물만 채점한다면 --unsafe-no-sandbox로 실행할 수 있습니다.", file=sys.stderr)
            return 3
        sandbox = False
    if args.unsafe_no_sandbox:
        sandbox = False
        print("!" * 72 + "\n경고: --unsafe-no-sandbox: 학생 코드가 샌드박스 없이 이 컴퓨터에서 실행됩니다.\n"
              "성적 DB, 숨은 테스트, 다른 학생의 파일을 학생 코드가 읽고 고칠 수 있습니다.\n"
              "신뢰할 수 없는 제출물에는 절대 쓰지 마세요.\n" + "!" * 72, file=sys.stderr)

    try:
        source_path = chapter_notebook(args.assignment, root)
    except ValueError as error:
        print(f"오류: {error} 과제 이름을 확인하세요.", file=sys.stderr)
        return 2
    source_nb = nbformat.read(source_path, as_version=4)
    release_dir = root / "grading" / "release" / args.assignment
    release_path = release_dir / source_path.name
    if not release_path.exists():
        print(f"오류: {release_path}가 없습니다. 먼저 `nbgrader generate_assignment {args.assignment}`를 실행하세요.",
              file=sys.stderr)
        return 2
    released_nb = nbformat.read(release_path, as_version=4)

    with tempfile.TemporaryDirectory(prefix="course-inbox-") as tmp:
        inbox = unpack(args.folder, Path(tmp))
        from tools.collect_submissions import read_mapping
        report = collect(args.assignment, inbox, read_mapping(args.mapping) if args.mapping else None,
                         root=root, folder_ids=True)
    report.print()

    book = Book(root, args.assignment, source_path.stem)
    todo = []
    for student, _, _ in report.collected:
        path = root / "grading" / "submitted" / student / args.assignment / source_path.name
        digest = checksum(path)
        if not args.regrade and book.done(student, digest):
            continue
        todo.append((student, path, digest))
    skipped = len(report.collected) - len(todo)
    if skipped:
        print(f"이미 같은 제출물로 채점한 학생 {skipped}명은 건너뜁니다 (--regrade로 다시 채점).")

    options = Options(root=root, sandbox=sandbox, cell_timeout=args.cell_timeout,
                      notebook_timeout=args.notebook_timeout, memory_bytes=int(args.memory_gb * 2**30),
                      max_procs=args.max_procs)
    progress = Progress(len(todo))
    failures, flagged = [], []
    if todo:
        with futures.ThreadPoolExecutor(max_workers=max(1, args.workers)) as pool:
            jobs = {pool.submit(grade_one, student, path, source_nb, released_nb, release_dir, options):
                    (student, path, digest) for student, path, digest in todo}
            try:
                for job in futures.as_completed(jobs):
                    student, path, digest = jobs[job]
                    try:
                        rows, graded, _notes = job.result()
                    except Exception as error:  # noqa: BLE001 - one student's failure is reported, never a 0
                        reason = str(error) or type(error).__name__
                        rows = [{"question": q.test_id, "score": "", "max": q.points, "status": "failed",
                                 "reason": reason} for q in questions_of(source_nb)]
                        book.fail(student, digest, reason, rows)
                        failures.append((student, reason))
                        progress.update("failed")
                        continue
                    stamp_file = path.parent / "timestamp.txt"
                    stamp = stamp_file.read_text(encoding="utf-8").strip() if stamp_file.exists() else None
                    book.write(student, digest, rows, graded, stamp)
                    marked = [r for r in rows if r["status"] == "flagged"]
                    if marked:
                        flagged.append((student, marked))
                    progress.update("flagged" if marked else "graded")
            except KeyboardInterrupt:
                pool.shutdown(wait=False, cancel_futures=True)
                for process in list(_running):
                    try:
                        os.killpg(process.pid, 9)
                    except ProcessLookupError:
                        pass
                print("\n중단했습니다. 다시 실행하면 채점하지 않은 학생부터 이어서 채점합니다.", file=sys.stderr)
                book.write_csv()
                return 130
    csv_path = book.write_csv()

    if not args.no_feedback:
        graded_students = [s for s, e in book.state.items() if e["status"] == "graded"]
        nbgrader = str(Path(sys.executable).parent / "nbgrader")
        env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
        for command in (["generate_feedback", args.assignment, "--force"],
                        ["export", "--to", str(root / "grading" / "grades.csv")]):
            result = subprocess.run([nbgrader, *command], cwd=root, env=env, capture_output=True, text=True)
            if result.returncode != 0:
                print(f"경고: nbgrader {command[0]} 실패:\n{result.stderr[-2000:]}", file=sys.stderr)
        print(f"피드백: grading/feedback/<학번>/{args.assignment}/ ({len(graded_students)}명)")

    print("\n=== 요약 ===")
    total = len(book.state)
    graded_n = sum(1 for e in book.state.values() if e["status"] == "graded")
    print(f"채점 완료 {graded_n}명 (이번 실행 {len(todo) - len(failures)}명, 건너뜀 {skipped}명), "
          f"플래그 {len(flagged)}명, 실패 {total - graded_n}명")
    for student, rows in flagged:
        for row in rows:
            print(f"  플래그 {student} {row['question']}: {row['reason']}")
    for student, entry in sorted(book.state.items()):
        if entry["status"] != "graded":
            print(f"  실패 {student}: {entry['status']}  (다시 실행하면 다시 채점합니다)")
    print(f"문항별 CSV: {csv_path}")
    print(f"성적: grading/grades.csv (nbgrader export)")
    return 1 if total - graded_n else 0


if __name__ == "__main__":
    sys.exit(main())

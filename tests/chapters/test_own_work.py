"""An answer must be the learner's own (issue 32): the rule of ``course_utils/exercises/_own_work.py``.

For every exercise of every chapter, a "shortcut kit" answers it through the course's answer
machinery (``course_utils.exercises``) and, for the number and own-code exercises, through the
formula helpers, the numpy layers and Keras's counters. Each shortcut computes the right answer
(checked), and

- the grader's plan (``tools.grading.plan.build_plan`` on the real chapter notebooks, one
  crafted submission per chapter) marks every question as not the learner's own, which the
  judge scores 0 (``tests/grading/test_grade_plan.py``; ``test_grade_command.py`` runs
  ``tools.grade`` on chapter 1's kit);
- the visible check ``check("N-k")`` refuses it with the Korean message, from the same cells as
  its input history;

while the instructor's solutions pass both, and every prompt states its exercise's rule.
"""

from __future__ import annotations

import contextlib
import copy
import io
import re

import nbformat
import pytest

from course_utils.exercises import REGISTRY, ExerciseCheckError, check, exact, load_all
from course_utils.exercises._core import FUNCTION
from course_utils.exercises._own_work import answer_cell, judge_history, judge_sources
from notebook_helpers import (editions, errors, execute, exercise_pairs, fill_answers, grade_id, read, solutions_by_id,
                              stdout)
from shortcut_kit import CHAPTER_IMPORTED, COPIED, HELPERS, INDIRECT, LIBRARY, OWN_NUMPY, PRELUDE, machinery
from tools.grading.plan import build_plan

load_all()

#: The exercises where the learner writes a Keras model (chapters 5 and 7): Keras is their material, not a shortcut;
#: they refuse the course's builders and model copies instead (exercises/_models.py).
MODEL_EXERCISES = frozenset({"5-1", "5-8", "6-1", "6-4", "6-7", "7-4", "7-6"})


def chapters():
    return [pytest.param(path, id=path.parent.name[:4]) for path in editions.chapter_notebooks()]


def _numbers(nb) -> dict[str, str]:
    """{answer cell id: exercise number} of a source notebook."""
    tests = {grade_id(c): c.source for c in nb.cells if grade_id(c)}
    return {answer: re.search(r'check\("(\d+-\d+)"\)', tests[test]).group(1) for answer, test, _ in exercise_pairs(nb)}


# --------------------------------------------------------------------------- the prompts and the solutions


@pytest.mark.parametrize("path", chapters())
def test_every_prompt_states_its_exercise_s_rule(path):
    for cell in read(path).cells:
        match = re.search(r"### 연습 (\d+-\d+)", cell.source) if cell.cell_type == "markdown" else None
        if match and REGISTRY[match.group(1)].rule_line:
            assert REGISTRY[match.group(1)].rule_line in cell.source, match.group(1)


@pytest.mark.parametrize("path", chapters())
def test_the_instructor_s_solutions_are_the_learner_s_own(path):
    """As the grader reads them (code cells, no test cell) and as the kernel ran them (test cells too)."""
    nb = read(path)
    numbers = _numbers(nb)
    graded = [c for c in nb.cells if c.cell_type == "code" and not c.metadata.get("nbgrader", {}).get("grade")]
    ran = [c for c in nb.cells if c.cell_type == "code"]
    for cells in (graded, ran):
        sources = [c.source for c in cells]
        for index, cell in enumerate(cells):
            if grade_id(cell) in numbers:
                exercise = REGISTRY[numbers[grade_id(cell)]]
                finding = judge_sources(sources, index, exercise.banned_names, exercise.banned_variables)
                assert not finding, (exercise.number, finding)
                history = sources[:index + 1] + [f'check("{exercise.number}")']
                assert answer_cell(history[:-1], exercise.name) == index
                assert not judge_history(history[:-1], exercise.name, exercise.banned_names,
                                         exercise.banned_variables), exercise.number


# --------------------------------------------------------------------------- the grader's reading


def _kit_submission(path, kit):
    """The released chapter with every answer cell replaced by ``kit(number)`` (None: the stub stays)."""
    source = read(path)
    released = editions.student_notebook(source)
    numbers = _numbers(source)
    student = copy.deepcopy(released)
    for cell in student.cells:
        code = kit(numbers[grade_id(cell)]) if grade_id(cell) in numbers else None
        if code is not None:
            cell.source = code
    return source, released, student, numbers


@pytest.mark.parametrize("path", chapters())
def test_the_grader_refuses_every_shortcut_of_the_chapter(path):
    """One crafted submission per kit and chapter: every question is marked as not the learner's own."""
    source, released, student, numbers = _kit_submission(path, machinery)
    plan = build_plan(student, source, released)
    for q in plan.questions:
        assert q.rule_broken and any("course_utils.exercises" in r for r in q.rule_broken), (q.number, q.rule_broken)
    source, released, student, _ = _kit_submission(path, HELPERS.get)
    plan = build_plan(student, source, released)
    for q in plan.questions:
        if q.number in HELPERS:
            assert q.rule_broken and all("채점 코드" not in r for r in q.rule_broken), (q.number, q.rule_broken)
        else:
            assert not q.rule_broken and not q.review, (q.number, q.rule_broken, q.review)
    honest = build_plan(fill_answers(released, solutions_by_id(source)), source, released)
    assert not any(q.rule_broken or q.review for q in honest.questions)


@pytest.mark.parametrize("path", chapters())
def test_the_grader_refuses_the_library_versions_and_keeps_numpy_s_building_blocks(path):
    """The own-code exercises (issue 28): Keras or TensorFlow behind a helper of the learner's own is refused;
    another honest numpy answer (np.repeat, np.moveaxis, slicing, np.unravel_index...) is the learner's own."""
    source, released, student, numbers = _kit_submission(path, LIBRARY.get)
    plan = build_plan(student, source, released)
    for q in plan.questions:
        if q.number in LIBRARY:
            assert q.rule_broken and all("이 연습이 금지한 계산 도구" in r for r in q.rule_broken), (q.number, q.rule_broken)
        else:
            assert not q.rule_broken and not q.review, (q.number, q.rule_broken, q.review)
    source, released, student, numbers = _kit_submission(path, CHAPTER_IMPORTED.get)
    plan = build_plan(student, source, released)
    for q in plan.questions:  # the helper the chapter imported itself, called by name
        assert bool(q.rule_broken) == (q.number in CHAPTER_IMPORTED), (q.number, q.rule_broken)
    source, released, student, numbers = _kit_submission(path, OWN_NUMPY.get)
    plan = build_plan(student, source, released)
    assert not any(q.rule_broken or q.review for q in plan.questions), [(q.number, q.rule_broken, q.review)
                                                                        for q in plan.questions]


# --------------------------------------------------------------------------- the visible check


def _visible(number: str, cells, namespace: dict) -> tuple[str, str]:
    """("refused" | "passed" | kind, message) of ``check(number)`` run after ``cells`` (its input history; None: no
    history, so no own-work rule)."""
    printed = io.StringIO()
    try:
        with contextlib.redirect_stdout(printed):
            check(number, namespace, history=cells)
    except ExerciseCheckError as error:
        return error.kind, str(error)
    return "passed", printed.getvalue()


@pytest.fixture(scope="module")
def prelude():
    namespace = {}
    exec(PRELUDE, namespace)  # noqa: S102 - real Keras: the shortcuts call it
    return namespace


@pytest.mark.parametrize("number", sorted(REGISTRY, key=lambda n: tuple(map(int, n.split("-")))))
def test_the_visible_check_refuses_every_shortcut(number, prelude):
    exercise = REGISTRY[number]
    kits = [machinery(number)] + [kit[number] for kit in (HELPERS, LIBRARY) if number in kit]
    for code in kits:
        namespace = dict(prelude)
        exec(code, namespace)  # noqa: S102
        value = namespace[exercise.name]
        if exercise.kind != FUNCTION and exercise.answer is not None:
            assert exact(value, exercise.expected()), (number, code, value)  # the shortcut does give the answer
        else:  # a code or property exercise: the output is right (a library the exercise blocks may refuse it)
            assert _visible(number, None, namespace)[0] in ("passed", "refused"), (number, code)
        kind, message = _visible(number, [PRELUDE, code], namespace)
        assert kind == "refused", (number, code, kind, message)
        assert "직접 구한 답이 아닙니다" in message and "0점" in message, message
        if exercise.instead:  # an own-code exercise says what to do instead
            assert exercise.instead in message, message
            if number not in MODEL_EXERCISES:
                assert "numpy" in message, message


@pytest.mark.parametrize("number, code", [(n, code) for n, codes in sorted(COPIED.items()) for code in codes])
def test_the_visible_check_passes_no_copied_answer(number, code, prelude):
    """The worked example's answer pasted, or a wrong option of a multiple choice (issue 28): the check names the
    mistake with a hint, never a pass."""
    namespace = dict(prelude)
    exec(code, namespace)  # noqa: S102
    kind, message = _visible(number, [PRELUDE, code], namespace)
    if REGISTRY[number].kind == FUNCTION:  # 2-4: a code exercise names the mistake of the failing case
        assert kind == "function" and "통과" not in message, (number, code, kind, message)
    else:
        assert kind == "hint" and "아직 정답이 아닙니다" in message, (number, code, kind, message)


@pytest.mark.parametrize("number", sorted(OWN_NUMPY))
def test_numpy_s_building_blocks_pass_the_own_code_exercises(number, prelude):
    namespace = dict(prelude)
    exec(OWN_NUMPY[number], namespace)  # noqa: S102
    assert _visible(number, [PRELUDE, OWN_NUMPY[number]], namespace) == ("passed", f"✅ {REGISTRY[number].label}: 통과!\n")


def test_every_write_it_with_numpy_exercise_refuses_the_library():
    """Every code exercise whose prompt asks for numpy code states the own-code rule (issue 28)."""
    own_code = {n for n, e in REGISTRY.items() if e.kind == FUNCTION and e.rule_line} - MODEL_EXERCISES
    assert own_code >= {"2-4", "3-4", "4-4", "5-3", "5-4", "5-5"}, own_code
    for number in own_code:
        banned = REGISTRY[number].banned_names
        assert {"tensorflow", "keras", "scipy", "ops", "layers"} <= banned, number
        assert not banned & {"repeat", "moveaxis", "zeros", "reshape", "max", "argmax", "unravel_index", "matmul",
                             "tensordot", "einsum", "pad", "sliding_window_view"}, number


@pytest.mark.parametrize("code", INDIRECT, ids=range(len(INDIRECT)))
def test_indirect_routes_are_never_a_plain_pass(code):
    exercise = REGISTRY["1-1"]
    namespace = {}
    exec(code, namespace)  # noqa: S102
    assert exact(namespace["film_shape"], exercise.expected()), "the route does reach the answer"
    kind, message = _visible("1-1", [code], namespace)
    assert kind == "refused" and "0점" in message, (kind, message)
    finding = judge_sources([code], 0)
    assert finding.refused or finding.review, code


def test_the_visible_check_reads_a_real_kernel_s_history(tmp_path):
    """One real kernel (chapter 1's kit and an honest answer): the check reads IPython's input history itself."""
    cells = [
        "%who_ls",
        machinery("1-1"),
        'from course_utils.exercises import check, exact\ncheck("1-1")',
        "film_shape = (90 * 60 * 30, 1, 1024, 1280)",
        'check("1-1")',
        INDIRECT[4],  # exec: no cell binds the name
        'check("1-1")',
        "import numpy as np\nstacked_shape = np.stack([np.zeros((3, 6))] * 2).shape",
        'check("1-4")',
        'stacked_shape = (2, 3, 6)\ncheck("1-4")',  # an answer and its check in one cell
    ]
    nb = execute(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells]), tmp_path,
                 allow_errors=True)
    found = {index: (name, value) for index, name, value in errors(nb)}
    assert set(found) == {2, 6, 8}, found
    assert "직접 구한 답이 아닙니다" in found[2][1] and "course_utils.exercises" in found[2][1]
    assert "통과" in stdout(nb.cells[4])
    assert "확인할 수 없습니다" in found[6][1] and "0점" in found[6][1]
    assert "np.stack" in found[8][1] or "shape" in found[8][1], found[8]
    assert "통과" in stdout(nb.cells[9])

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
from notebook_helpers import editions, errors, execute, exercise_pairs, fill_answers, grade_id, read, solutions_by_id, stdout
from tools.grading.plan import build_plan

load_all()

#: What the chapters define before their exercises (the shortcuts below read these names).
PRELUDE = """import numpy as np
import keras
from keras import layers
companies = np.stack([np.zeros((3, 6)), np.ones((3, 6))])
x_val = np.zeros((10, 784), "float32")
_inp = keras.Input((784,))
encoder = keras.Model(_inp, layers.Dense(36, name="code")(_inp))
"""

#: The library shortcuts of the number and own-code exercises (each gives the right answer).
HELPERS = {
    "1-2": "_s = (90 * 60 * 30, 1, 1024, 1280)\n"
           "film_bytes = (np.broadcast_to(np.uint8(0), _s).nbytes, np.broadcast_to(np.float32(0), _s).nbytes)",
    "1-4": "stacked_shape = companies.shape",
    "2-1": "_a = keras.Sequential([keras.Input((4, 2)), keras.layers.Dense(1), keras.layers.Reshape((4,)),\n"
           "                       keras.layers.Dense(1)])\n"
           "_b = keras.Sequential([keras.Input((4, 2)), keras.layers.Dense(3), keras.layers.Dense(1),\n"
           "                       keras.layers.Reshape((4,)), keras.layers.Dense(1)])\n"
           "box_params = (_a.count_params(), _b.count_params())",
    "2-2": "from course_utils.params import dense_params\n"
           "stack_params = (dense_params(784, 128), dense_params(128, 64, use_bias=False), dense_params(64, 10))",
    "2-3": "stack_shapes = (tuple(keras.layers.Dense(16).compute_output_shape((32, 5, 7))),\n"
           "                tuple(keras.layers.Dense(4).compute_output_shape((32, 5, 16))))",
    "3-1": "from course_utils.shapes import conv_output_length\nfrom course_utils.params import conv2d_params\n"
           "big_conv = ((conv_output_length(1920, 5, 4), conv_output_length(1080, 5, 4), 32), conv2d_params(3, 32, 5))",
    "3-2": "def _stack():\n"
           "    return keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Conv2D(8, 3),\n"
           "                             keras.layers.Conv2D(16, 3, strides=2, padding='same'), keras.layers.Conv2D(4, 1)])\n"
           "conv_shapes = tuple(tuple(l.output.shape[1:]) for l in _stack().layers)",
    "3-3": "def _count(model):  # a helper of the learner's own, around Keras's counter\n"
           "    return tuple(l.count_params() for l in model.layers)\n"
           "_m = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Conv2D(8, 3),\n"
           "                       keras.layers.Conv2D(16, 3, strides=2, padding='same'), keras.layers.Conv2D(4, 1)])\n"
           "conv_params = _count(_m)",
    "3-4": "from course_utils import layers as _L\n_impl = {'f': _L.conv2d}\n"
           "def _helper(x, kernel, stride, padding):\n"
           "    return _impl['f'](np.asarray(x, float)[None], np.asarray(kernel, float), stride=stride, padding=padding)[0]\n"
           "def my_conv2d(x, kernel, stride=1, padding='valid'):\n    return _helper(x, kernel, stride, padding)",
    "4-1": "from course_utils.shapes import receptive_field\nrf_conv_pool = receptive_field([(3, 2), (2, 2), (3, 1)]).size",
    "4-2": "from course_utils.shapes import receptive_field\n"
           "rf_stacks = (receptive_field([(3, 1), (3, 1), (2, 2), (3, 1), (3, 1), (2, 2)]).size,\n"
           "             receptive_field([(3, 1, 1), (3, 1, 3), (3, 1, 5)]).size)",
    "4-3": "pool_shapes = tuple(tuple(keras.layers.MaxPooling2D(*a, **k).compute_output_shape(s)[1:]) for a, k, s in [\n"
           "    ((2,), {}, (1, 7, 7, 3)), ((3,), {'strides': 2}, (1, 8, 8, 1)), ((2,), {'padding': 'same'}, (1, 7, 7, 3))])",
    "5-1": "from course_utils.layers import upsample_nearest\n"
           "def my_upsample_nearest(x, size=2):\n    return upsample_nearest(x, size)",
    "5-4": "from course_utils.shapes import conv_transpose_output_length as _t\n"
           "transpose_sizes = (_t(3, 3, 2), _t(7, 3, 2, 'same'), _t(5, 4, 3), _t(7, 5, 2, 'valid', 1))",
    "5-5": "_x = keras.Input(shape=(32, 32, 1))\nspatial_sizes = []\n"
           "for _l in [layers.Conv2D(16, 3), layers.MaxPooling2D(2), layers.Conv2D(8, 3), layers.MaxPooling2D(2),\n"
           "           layers.Conv2D(4, 3), layers.Conv2DTranspose(4, 3, padding='same'), layers.UpSampling2D(2),\n"
           "           layers.Conv2DTranspose(8, 3, padding='same'), layers.UpSampling2D(2), layers.Conv2DTranspose(16, 3),\n"
           "           layers.UpSampling2D(2), layers.Conv2DTranspose(1, 3, padding='same')]:\n"
           "    _x = _l(_x)\n    spatial_sizes.append(_x.shape[1])",
    "6-1": "from course_utils.gan import build_generator\ngenerator_params = build_generator().count_params()",
    "6-2": "from course_utils import gan\n"
           "d_output_shape = tuple(gan.build_discriminator()(np.zeros((32, 28, 28, 1), 'float32')).shape)",
    "6-3": "from course_utils.gan import sample_noise\nnoise_shape = sample_noise(32).shape",
    "7-1": "_i = keras.Input(shape=(784,))\n"
           "param_count = keras.Model(_i, keras.layers.Dense(784)(keras.layers.Dense(64)(_i))).count_params()",
    "7-2": "compression_ratio = x_val.shape[1] / encoder.output.shape[-1]",
    "7-3": "encoder_output_shape = encoder.predict(x_val[:5], verbose=0).shape",
}

#: Indirect routes to the answer machinery (on 연습 1-1): refused, or held for review; never a plain pass.
INDIRECT = [
    "from course_utils import exercises as _ex\nfilm_shape = _ex.load_all()['1-1'].expected()",
    "import importlib\n_m = importlib.import_module('course_utils.' + 'exercises.ch01')\n"
    "film_shape = getattr(_m, 'film' + '_shape')()",
    "import sys\n__import__('course_utils.exercises.ch01')\n"
    "film_shape = sys.modules['course_utils.exercises.ch01'].film_shape()",
    "film_shape = eval(\"__import__('course_utils.exer' + 'cises.ch01', fromlist=['x']).film_shape()\")",
    "exec(\"film_shape = __import__('course_utils.exercises.ch01', fromlist=['x']).film_shape()\")",
    "import course_utils\n_ex = getattr(course_utils, 'exer' + 'cises')\n_ch = getattr(_ex, 'ch' + '01')\n"
    "film_shape = getattr(_ch, 'film_' + 'shape')()",
    "import course_utils, pathlib\n_src = pathlib.Path(course_utils.__file__).parent.joinpath('exercises', 'ch01.py')\n"
    "_text = open(_src).read()\n"
    "film_shape = (int(_text.split('MINUTES, FPS')[1].split('=')[1].split(',')[0]) * 60 * 30, 1, 1024, 1280)",
]


def machinery(number: str) -> str:
    """An answer cell that takes exercise ``number``'s answer from the answer machinery."""
    exercise = REGISTRY[number]
    chapter = f"course_utils.exercises.ch{int(number.split('-')[0]):02d}"
    if number == "7-4":  # the reference builds from sizes: the machinery's own builder does the work here
        return ("import course_utils.exercises.ch07 as _c\n"
                "def build_encoder_decoder(autoencoder):\n"
                "    code, out = autoencoder.get_layer('code'), autoencoder.get_layer('reconstruction')\n"
                "    _c.make_dense_autoencoder  # (reached: the answer machinery)\n"
                "    new = keras.Input((code.units,))\n"
                "    return keras.Model(autoencoder.input, code.output), keras.Model(new, out(new))")
    if exercise.kind == FUNCTION:
        return (f"import course_utils.exercises as _e\n_e.load_all()\n"
                f"def {exercise.name}(*args, **kwargs):\n"
                f"    return _e.REGISTRY[{number!r}].function.reference(*args, **kwargs)")
    if exercise.graded_by_instructor:
        return f"from course_utils.exercises import REGISTRY\n{exercise.name} = 'B' if REGISTRY else 'A'"
    if exercise.answer is None:  # 3-5, 5-5: a property check, answered from the chapter's module
        return (f"import {chapter} as _c\nimport numpy as _np\n"
                f"{exercise.name} = _np.array([[-1.0, 0, 1]] * 3) if _c.EDGE_KERNEL else None" if number == "3-5"
                else f"from {chapter} import trace\n{exercise.name} = trace()")
    return f"from course_utils.exercises import load_all\n{exercise.name} = load_all()[{number!r}].expected()"


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
    kits = [machinery(number)] + ([HELPERS[number]] if number in HELPERS else [])
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
    ]
    nb = execute(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells]), tmp_path,
                 allow_errors=True)
    found = {index: (name, value) for index, name, value in errors(nb)}
    assert set(found) == {2, 6, 8}, found
    assert "직접 구한 답이 아닙니다" in found[2][1] and "course_utils.exercises" in found[2][1]
    assert "통과" in stdout(nb.cells[4])
    assert "확인할 수 없습니다" in found[6][1] and "0점" in found[6][1]
    assert "np.stack" in found[8][1] or "shape" in found[8][1], found[8]

"""Is an answer the learner's own?  The one rule read by the visible check and by the grader (issue 32).

An answer is not the learner's own when the code that computes it reaches

- the course's **answer machinery**: :mod:`course_utils.exercises` (``load_all``,
  ``REGISTRY``, ``.expected()``, ``.answer()``, the chapter modules' functions), which
  computes every expected answer; importing only ``check`` and ``exact`` (the test
  cells' line) is fine;
- for the exercises that declare it (``Exercise.banned_names``, ``banned_variables``,
  declared with the exercise in ``chNN.py``), a **library call that does the asked
  computation**: the formula helpers of :mod:`course_utils.shapes` and
  :mod:`course_utils.params`, Keras's ``count_params``, ``compute_output_shape``,
  ``summary``, ``output_shape``, a layer built to be measured, or a library
  convolution, pooling or upsampling in an own-code exercise (연습 2-4, 3-4, 4-4, 5-3~5-5).

Such an answer is **refused** (0 points).  An **indirect route** that this reading
cannot follow (``importlib``, ``__import__``, ``getattr`` with a built name,
``exec``/``eval``, ``sys.modules``, reading files through ``__file__`` or ``inspect``,
the input/output history ``In``/``Out``/``_``) is **held for review**: it scores 0 too
until the instructor looks at it.

"Reaches" is read from the code, statement by statement: the answer cell, then, for
every name it uses, the latest earlier top-level statement that binds that name (an
assignment, ``def``, ``import``, or a change such as ``x[0] = ...``/``x.a = ...``), and
so on.  A name used inside a function body is looked up at the answer (the function
runs later).  The grader (``tools/grading/plan.py``) applies it to the notebook's code
cells in order; the visible check (:func:`course_utils.exercises.check`) to the
kernel's input history, so both give the same verdict.
"""

from __future__ import annotations

import ast
import builtins
import re
from dataclasses import dataclass, field
from typing import Optional, Sequence

#: The package that computes the expected answers.
MACHINERY = "course_utils.exercises"
#: What a test cell imports from it: these give no answer (the variant helpers give the question's numbers, not
#: its answer: ``_variants.py``).
MACHINERY_ALLOWED = frozenset({"check", "exact", "ExerciseCheckError", "NotAnswered", "numbers", "show",
                               "set_student_id", "practice"})
#: Attributes that only the answer machinery has.
MACHINERY_ATTRS = frozenset({"REGISTRY", "load_all", "expected", "answer", "check_value", "exercises",
                             "option_bytes", "numpy_only"})

#: Library calls that count parameters or find shapes and sizes: forbidden in every number exercise.
FORMULA_HELPERS = frozenset({
    # course_utils.params / course_utils.shapes (and the modules themselves)
    "params", "shapes", "dense_params", "conv2d_params", "same_padding", "conv_output_length",
    "pool_output_length", "conv_transpose_output_length", "layer_spec", "layer_output_lengths",
    "receptive_field_indices", "conv_transpose_zero_padding", "receptive_field",
    # course_utils.layers (numpy layers whose output shape answers a shape question)
    "conv2d", "max_pool2d", "avg_pool2d", "upsample_nearest", "bed_of_nails", "max_unpool2d", "conv2d_transpose",
    # the chapters' model builders
    "pretrained", "gan", "build_generator", "build_discriminator", "make_gan", "sample_noise",
    "make_dense_autoencoder", "build_dense_autoencoder", "build_dense_encoder_decoder",
    "build_upsampling_autoencoder", "build_transpose_autoencoder", "build_conv_autoencoder",
})
KERAS_COUNTERS = frozenset({
    "count_params", "summary", "weights", "trainable_weights", "non_trainable_weights", "variables",
    "trainable_variables", "non_trainable_variables", "get_weights", "kernel",
    "compute_output_shape", "compute_output_spec", "output_shape", "input_shape", "output", "predict",
    "predict_on_batch", "plot_model", "nbytes",
    # a layer or model built to be measured
    "Sequential", "Model", "Dense", "Conv2D", "Conv2DTranspose", "MaxPooling2D", "MaxPool2D", "AveragePooling2D",
    "UpSampling2D", "Flatten", "Reshape",
})
#: The rule of every number exercise (count or shape): "계산 과정은 직접".
NUMBER_RULE = FORMULA_HELPERS | KERAS_COUNTERS
#: The line that a number exercise shows in its prompt (checked by test_exercise_table.py).
RULE_LINE = ("계산 과정은 직접: 라이브러리 함수로 세지 마세요 (`count_params`, `compute_output_shape`, "
             "`course_utils`의 공식 함수나 채점 코드로 구한 답은 0점입니다).")
#: The line of an own-code exercise (연습 2-4, 3-4, 4-4, 5-3~5-5).
OWN_CODE_LINE = "구현은 직접: 라이브러리의 같은 기능 함수를 부르면(직접 만든 함수 안에서라도) 0점입니다."
#: What a "write it with numpy" exercise forbids besides its operation's own names (연습 2-4, 3-4, 4-4, 5-3~5-5):
#: the deep-learning and array libraries other than numpy (an import of them, or their ``ops``/``nn``/``layers``),
#: and the course's numpy layers module.  numpy's building blocks (``np.repeat``, ``@``, slicing...) stay allowed.
OWN_CODE_LIBRARIES = frozenset({"tensorflow", "keras", "scipy", "torch", "jax", "skimage", "cv2", "layers", "ops",
                                "nn", "raw_ops"})

#: Calls and names whose effect a reading of the code cannot follow.
_DYNAMIC_CALLS = frozenset({"__import__", "import_module", "eval", "exec", "compile", "globals", "vars", "locals",
                            "setattr", "getsource", "getsourcefile", "getfile", "find_spec", "get_data", "run_path",
                            "run_module", "reload", "files", "get_ipython", "run_line_magic", "run_cell_magic",
                            "run_cell", "system", "getoutput", "popen"})
_DYNAMIC_NAMES = frozenset({"importlib", "inspect", "pkgutil", "runpy", "__file__", "__spec__", "__loader__",
                            "__path__", "__dict__", "__builtins__", "modules", "f_globals", "f_locals", "user_ns",
                            "_getframe"})
#: The routes of :data:`_DYNAMIC_CALLS` and :data:`_DYNAMIC_NAMES` that can rebind a global name.
_REBINDING = ("exec(", "eval(", "globals(", "vars(", "locals(", "setattr(", "get_ipython(", "run_cell", "run_line_magic",
              "user_ns", "__dict__", "f_globals", "__builtins__")
_HISTORY_NAMES = frozenset({"In", "Out", "_ih", "_oh", "_dh", "_", "__", "___", "_i", "_ii", "_iii"})
_IPYTHON_NAMES = frozenset({"display", "get_ipython", "exit", "quit", "__IPYTHON__"})
_ALLOWED_MAGICS = ("%pip", "%matplotlib", "%config", "%time ", "%timeit ", "%%time", "%%timeit")


@dataclass
class Finding:
    """What the rule found: ``refused`` (the answer is not the learner's own) and ``review`` (cannot tell)."""

    refused: list = field(default_factory=list)
    review: list = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.refused or self.review)

    def message(self, instead: Optional[str] = None) -> str:
        """The Korean refusal the learner sees (visible check) and the grader's feedback shows.

        ``instead``: what to do instead (an own-code exercise's ``FunctionSpec.refusal``, see
        :attr:`Exercise.instead`); by default "do the computation yourself".
        """
        if self.refused:
            return ("이 답은 직접 구한 답이 아닙니다: " + "; ".join(self.refused) + ". "
                    + (instead or "이 연습의 계산은 직접 하세요") + " (이대로 내면 0점입니다).")
        return ("이 답을 어떻게 구했는지 코드에서 확인할 수 없습니다: " + "; ".join(self.review) + ". "
                "답은 직접 계산해 적으세요 (이대로 내면 강사가 확인하기 전까지 0점입니다).")


# --------------------------------------------------------------------------- reading one statement


_ASSIGNED_MAGIC = re.compile(r"^\s*[A-Za-z_][\w\s,]*=\s*[%!]\S")


def _is_magic(line: str) -> bool:
    return line.lstrip().startswith(("%", "!")) or bool(_ASSIGNED_MAGIC.match(line))


def strip_magics(source: str) -> str:
    """The cell's source with IPython magics and shell lines (``%pip``, ``!ls``, ``x = !ls``) blanked out."""
    return "\n".join(line[:len(line) - len(line.lstrip())] + "pass" if _is_magic(line) else line
                     for line in source.splitlines())


def odd_magics(source: str) -> list[str]:
    """Magic or shell lines other than the harmless ones (``%pip``, ``%matplotlib``...): they can run anything."""
    return [line.strip()[:40] for line in source.splitlines()
            if _is_magic(line) and not line.strip().startswith(_ALLOWED_MAGICS)]


def parse(source: str):
    """The AST of a code cell (magics blanked), or None when it is not valid Python."""
    try:
        return ast.parse(strip_magics(source))
    except (SyntaxError, ValueError):
        return None


def _root(node):
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Starred)):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def bound_names(statement) -> set[str]:
    """Top-level names that ``statement`` binds or changes (``x = ``, ``def x``, ``import x``, ``x[0] = ``, ``x.a = ``)."""
    names = set()
    if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        names.add(statement.name)
    for node in _walk_top(statement):
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            names.add(node.id)
        elif isinstance(node, (ast.Attribute, ast.Subscript)) and isinstance(node.ctx, (ast.Store, ast.Del)):
            root = _root(node)
            if root:
                names.add(root)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                names.add((alias.asname or alias.name).split(".")[0])
        elif isinstance(node, ast.Global):
            names.update(node.names)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            names.add(node.name)
        elif isinstance(node, (ast.MatchAs, ast.MatchStar)) and node.name:
            names.add(node.name)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
    return names


_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)


def _outer_parts(node) -> list:
    """The parts of a function or class definition that run when it is defined (decorators, defaults, bases)."""
    if isinstance(node, ast.ClassDef):
        return node.decorator_list + node.bases + [k.value for k in node.keywords] + node.body
    args = node.args
    return ([] if isinstance(node, ast.Lambda) else node.decorator_list) + args.defaults + [
        d for d in args.kw_defaults if d is not None]


def _walk_top(statement):
    """The nodes of ``statement`` that run in the global scope (not inside function bodies)."""
    stack = [statement]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(_outer_parts(node) if isinstance(node, _SCOPES) else ast.iter_child_nodes(node))


_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


def used_names(statement) -> tuple[set[str], set[str]]:
    """``(now, later)``: global names ``statement`` reads when it runs, and those its function bodies read when called."""
    now, later = set(), set()
    stack = [statement]
    while stack:
        node = stack.pop()
        if isinstance(node, _COMPREHENSIONS):  # its loop variables are its own
            now |= _free_names(node)
            continue
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            now.add(node.id)
        elif isinstance(node, (ast.Attribute, ast.Subscript)) and isinstance(node.ctx, (ast.Store, ast.Del)):
            root = _root(node)  # x[0] = v changes x: the old x is part of the new one
            if root:
                now.add(root)
        elif isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
            now.add(node.target.id)
        if isinstance(node, _SCOPES):
            later |= _free_names(node)
            stack.extend(_outer_parts(node))
        else:
            stack.extend(ast.iter_child_nodes(node))
    return now, later


def _free_names(function) -> set[str]:
    """Names a function (or class, lambda) body reads and does not bind itself: globals, looked up when it runs."""
    local, loads = set(), set()
    for node in ast.walk(function):
        if isinstance(node, ast.Name):
            (loads if isinstance(node.ctx, ast.Load) else local).add(node.id)
        elif isinstance(node, ast.arg):
            local.add(node.arg)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            local |= {(a.asname or a.name).split(".")[0] for a in node.names}
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node is not function:
            local.add(node.name)
    globals_declared = {n for node in ast.walk(function) if isinstance(node, ast.Global) for n in node.names}
    return (loads - local) | (loads & globals_declared)


# --------------------------------------------------------------------------- what a statement uses


def _constant_text(node) -> Optional[str]:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _named(text: str, names: frozenset) -> bool:
    return text in names or text.rsplit(".", 1)[-1] in names


def machinery_uses(statement) -> list[str]:
    """Uses of the answer machinery (:data:`MACHINERY`) in one statement."""
    found = []
    for node in ast.walk(statement):
        if isinstance(node, ast.Import):
            found += [f"{alias.name}을(를) 가져옴" for alias in node.names if alias.name.startswith(MACHINERY)]
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if module.startswith(MACHINERY):
                found += [f"{module}에서 {alias.name}을(를) 가져옴" for alias in node.names
                          if alias.name not in MACHINERY_ALLOWED]
            elif module == "course_utils":
                found += [f"course_utils에서 {alias.name}을(를) 가져옴" for alias in node.names
                          if alias.name == "exercises"]
        elif isinstance(node, ast.Attribute) and node.attr in MACHINERY_ATTRS:
            found.append(f"{ast.unparse(node)} 사용")
        elif isinstance(node, ast.Name) and node.id in ("REGISTRY", "load_all"):
            found.append(f"{node.id} 사용")
        elif _constant_text(node) and MACHINERY in _constant_text(node):
            found.append(f"문자열 {_constant_text(node)!r}")
    return [f"정답을 계산하는 채점 코드(course_utils.exercises): {f}" for f in found]


def banned_uses(statement, banned: frozenset, variables: frozenset = frozenset()) -> list[str]:
    """Uses of the library names an exercise forbids (``tf.nn.conv2d``, ``from x import conv2d``,
    ``model.count_params()``, a name looked up by a string), and of the chapter variables it names."""
    found = []
    for node in ast.walk(statement):
        if isinstance(node, ast.Attribute) and node.attr in banned:
            found.append(f"라이브러리 함수 {ast.unparse(node)} 사용")
        elif isinstance(node, ast.ImportFrom):
            found += [f"라이브러리 함수 {alias.name}을(를) 가져옴" for alias in node.names if alias.name in banned]
        elif isinstance(node, ast.Import):
            found += [f"{alias.name}을(를) 가져옴" for alias in node.names if _named(alias.name, banned)]
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id in variables:
            found.append(f"{node.id} 사용")
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
            arg = node.args[1] if name == "getattr" and len(node.args) > 1 else node.args[0] if node.args else None
            text = _constant_text(arg) if arg is not None else None
            if name in ("getattr", "__import__", "import_module") and text and _named(text, banned | variables):
                found.append(f"라이브러리 함수 {text}을(를) 문자열로 찾음")
    return [f"이 연습이 금지한 계산 도구: {f}" for f in found]


def indirect_uses(statement) -> list[str]:
    """Routes whose result a reading of the code cannot know (``importlib``, ``getattr`` with a built name...)."""
    found = []
    for node in ast.walk(statement):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
            if name == "getattr" and len(node.args) >= 2 and _constant_text(node.args[1]) is None:
                found.append("getattr에 만든 문자열로 속성 이름을 줌")
            elif name in _DYNAMIC_CALLS:
                found.append(f"{name}(...) 사용")
            elif name in ("open", "read_text", "read_bytes") and not all(
                    _constant_text(a) and "course_utils" not in _constant_text(a) for a in node.args[:1]):
                found.append(f"{name}(...)로 파일을 읽음")
        elif isinstance(node, ast.Attribute) and node.attr in _DYNAMIC_NAMES:
            found.append(f"{ast.unparse(node)} 사용")
        elif isinstance(node, ast.Name) and node.id in _DYNAMIC_NAMES:
            found.append(f"{node.id} 사용")
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            modules = [a.name for a in node.names] + [node.module or ""] if isinstance(node, ast.ImportFrom) \
                else [a.name for a in node.names]
            found += [f"{m} 모듈을 가져옴" for m in modules
                      if m.split(".")[0] in ("importlib", "inspect", "pkgutil", "runpy", "builtins")]
    return found


# --------------------------------------------------------------------------- what reaches the answer


@dataclass
class _Statement:
    cell: int
    node: object
    bound: set
    now: set
    later: set


def _statements(sources: Sequence[str]) -> tuple[list[_Statement], dict[int, list[str]]]:
    statements, magics = [], {}
    for index, source in enumerate(sources):
        tree = parse(source)
        magics[index] = odd_magics(source)
        if tree is None:
            continue
        for node in tree.body:
            now, later = used_names(node)
            statements.append(_Statement(index, node, bound_names(node), now, later))
    return statements, magics


def reaching(sources: Sequence[str], answer: int) -> tuple[list, set[str], list[int]]:
    """The statements whose effect can reach the answer cell ``sources[answer]``.

    Returns ``(statements, unresolved, cells)``: the AST statements (the answer cell's and
    every earlier statement that binds a name they read, transitively), the names read
    that no earlier statement binds (builtins aside), and the cells those statements are in.
    """
    statements, _ = _statements(sources[:answer + 1])
    end = len(statements)
    todo = [(i, False) for i, s in enumerate(statements) if s.cell == answer]
    taken, unresolved = set(), set()
    while todo:
        index, _ = todo.pop()
        if index in taken:
            continue
        taken.add(index)
        statement = statements[index]
        wanted = [(name, index) for name in statement.now] + [(name, end) for name in statement.later]
        for name, before in wanted:
            binder = next((j for j in range(before - 1, -1, -1) if name in statements[j].bound), None)
            if binder is None:  # (a name the statement binds itself: a loop variable, `except ... as e`)
                if name not in statement.bound and not hasattr(builtins, name) and name not in _IPYTHON_NAMES:
                    unresolved.add(name)
            elif binder not in taken:
                todo.append((binder, False))
    chosen = sorted(taken)
    return [statements[i].node for i in chosen], unresolved, sorted({statements[i].cell for i in chosen})


def judge_sources(sources: Sequence[str], answer: int, banned: frozenset = frozenset(),
                  variables: frozenset = frozenset()) -> Finding:
    """The rule on code cells in the order they ran; ``sources[answer]`` is the answer cell.

    Used by ``tools/grading/plan.py`` (the notebook's code cells) and :func:`judge_history`.
    """
    nodes, unresolved, cells = reaching(sources, answer)
    finding = Finding()
    for node in nodes:
        finding.refused += machinery_uses(node)
        if banned or variables:
            finding.refused += banned_uses(node, banned, variables)
        finding.review += indirect_uses(node)
    for cell in sorted(set(cells) | {answer}):
        finding.review += [f"매직/셸 명령 {m} 사용" for m in odd_magics(sources[cell])]
    for name in sorted(unresolved):
        if _is_history(name):
            finding.review.append(f"입력/출력 기록 {name} 사용")
        elif name not in _DYNAMIC_NAMES:
            finding.review.append(f"어디서도 정의하지 않은 이름 {name} 사용")
    finding.refused = list(dict.fromkeys(finding.refused))
    finding.review = list(dict.fromkeys(finding.review))
    return finding


def _is_history(name: str) -> bool:
    """IPython's input/output history: ``In``, ``Out``, ``_``, ``_ih``, ``_i3``, ``_5``..."""
    return name in _HISTORY_NAMES or (name.startswith(("_i", "_o")) and name[2:].isdigit()) or (
        name.startswith("_") and name[1:].isdigit())


def answer_cell(sources: Sequence[str], name: str) -> Optional[int]:
    """The index of the last cell that binds ``name`` at its top level (the answer cell), or None."""
    for index in range(len(sources) - 1, -1, -1):
        tree = parse(sources[index])
        if tree is not None and any(name in bound_names(node) for node in tree.body):
            return index
    return None


def judge_history(history: Sequence[str], name: str, banned: frozenset = frozenset(),
                  variables: frozenset = frozenset()) -> Finding:
    """The rule on a kernel's input history (the visible check): the answer cell is the last one binding ``name``."""
    index = answer_cell(history, name)
    if index is None:
        return Finding(review=[f"답 `{name}`을(를) 정의한 셀을 찾지 못함 (exec, globals() 등)"])
    finding = judge_sources(history, index, banned, variables)
    for source in history[index + 1:]:  # a later cell may have rebound the answer in a way no reading can see
        tree = parse(source)
        for node in tree.body if tree is not None else []:
            finding.review += [r for r in indirect_uses(node) if r not in finding.review
                               and any(word in r for word in _REBINDING)]
    return finding


def kernel_history() -> Optional[list[str]]:
    """The raw sources of the cells run so far in this IPython kernel, the running one last (an answer and its check
    may share a cell); None outside IPython."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with Jupyter and Colab
        return None
    shell = get_ipython()
    manager = getattr(shell, "history_manager", None)
    if manager is None:
        return None
    raw = list(manager.input_hist_raw)
    return [str(s) for s in raw[1:]]  # entry 0 is empty

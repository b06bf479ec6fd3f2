"""Exercise checks as declarations: the one place where answers are checked.

A chapter module (``ch01.py`` ...) only *declares* its exercises with
:func:`value_exercise`, :func:`choice_exercise`, :func:`function_exercise` or
:func:`custom_exercise`.  Each declaration states

- the answer's **source**: a function that computes the expected answer at
  check time from the formulas of :mod:`course_utils` (no stored answer, no digest);
- the **accepted type** (``kind``): :data:`INT` (a Python or numpy integer, never a
  bool), :data:`REAL`, :data:`SHAPE` (a tuple of ints), :data:`INTS` (a list or
  tuple of ints), :data:`PAIR` (a tuple of answers), :data:`CHOICE` (``"A"``..``"D"``)
  or :data:`FUNCTION` (code answers);
- its **hints**: functions ``hint(value, expected)`` that return a Korean message
  when the *actual difference* between the answer and the expected value matches a
  typical mistake, else ``None``.

Everything else lives here once: looking the answer up by its variable name in the
notebook (an unanswered exercise gets a Korean message, not a ``NameError``, and does
not stop "Run all": see :func:`not_answered`),
the type rules and their Korean messages, the hints, the success line, running a
learner's function against a reference, and blocking the library functions a code
exercise asks the learner to write.  Whether an answer is the learner's own (not taken
from this package or from a library call the exercise forbids) is one rule of its own,
``_own_work.py``, which :meth:`Exercise.check` applies to the kernel's input history and
the grader to the notebook's cells.

The instructor's hidden tests use :func:`exact` with the literal answer, so the
visible check and the hidden test apply the same type rules (a test feeds both the
same table of right, wrong and wrong-typed answers).
"""

from __future__ import annotations

import contextlib
import dis
import numbers
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Optional, Sequence

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    from course_utils.exercises._variants import Variants

#: Tolerance of :data:`REAL` answers ("소수 둘째 자리까지").
REAL_TOLERANCE = 0.01

CHOICES = ("A", "B", "C", "D")


class ExerciseCheckError(AssertionError):
    """Raised by a visible check when an answer is not right yet.

    It is an ``AssertionError``, so nbgrader counts the test cell as failed.
    ``kind`` says what the check found (the instructor's class report groups by it):
    ``"unanswered"``, ``"type"`` (the answer's type or format), ``"hint"`` (a hint
    named the mistake), ``"unclassified"`` (wrong, no hint matched), ``"function"``
    (a code exercise failed on a case) or ``"refused"`` (a forbidden library call).
    """

    def __init__(self, message: str = "", kind: str = "unclassified"):
        super().__init__(message)
        self.kind = kind


class NotAnswered(ExerciseCheckError):
    """Raised by :meth:`Exercise.check_value` for an exercise that has no answer yet.

    The notebooks' ``check("N-k")`` catches it and prints its message instead, so a
    learner's "Run all" goes on past exercises not done yet; the instructor's hidden
    tests still fail for them (no answer, no points).
    """

    def __init__(self, message: str = "", kind: str = "unanswered"):
        super().__init__(message, kind)


# --------------------------------------------------------------------------- types

INT, REAL, SHAPE, INTS, PAIR, CHOICE, FUNCTION, CUSTOM = (
    "int", "real", "shape", "ints", "pair", "choice", "function", "custom")

_TYPE_NAMES = {
    bool: "참/거짓(bool)", int: "정수(int)", float: "실수(float)", str: "문자열(str)",
    tuple: "튜플(tuple)", list: "리스트(list)", dict: "딕셔너리(dict)", type(None): "None",
    np.ndarray: "numpy 배열(ndarray)",
}


def type_name(value: Any) -> str:
    """The Korean name of a value's type, for messages.

    >>> type_name(3), type_name(np.int64(3)), type_name(True), type_name("3")
    ('정수(int)', '정수(int64)', '참/거짓(bool)', '문자열(str)')
    """
    kind = type(value)
    if kind in _TYPE_NAMES:
        return _TYPE_NAMES[kind]
    if isinstance(value, np.bool_):
        return f"참/거짓({kind.__name__})"
    if isinstance(value, numbers.Integral):
        return f"정수({kind.__name__})"
    if isinstance(value, numbers.Real):
        return f"실수({kind.__name__})"
    return kind.__name__


def is_int(value: Any) -> bool:
    """True for a Python or numpy integer; False for bools (``True`` is not an answer)."""
    return isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_))


def _expected_name(expected: Any) -> str:
    if isinstance(expected, bool):
        return "참/거짓(bool)"
    if is_int(expected):
        return "정수(int)"
    if isinstance(expected, float):
        return "숫자(int 또는 float)"
    if isinstance(expected, str):
        return '문자열(str) "A"~"D"'
    if isinstance(expected, tuple):
        if all(is_int(v) for v in expected):
            return f"정수 {len(expected)}개로 된 튜플(tuple)"
        return f"값 {len(expected)}개로 된 튜플(tuple)"
    if isinstance(expected, list):
        return f"정수 {len(expected)}개로 된 리스트(list) 또는 튜플(tuple)"
    return type(expected).__name__


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def type_problem(value: Any, expected: Any, where: str = "") -> Optional[str]:
    """A Korean message when ``value`` does not have the type of ``expected``, else None.

    The rules, applied recursively: an int answer must be a Python or numpy integer
    (not a bool, not a float, not a string); a float answer may be any real number;
    a string answer must be a string; a tuple answer must be a tuple of the same
    length; a list answer may be a list or a tuple of the same length.

    >>> type_problem((4, 5, 7), (1, 1, 1)) is None
    True
    >>> print(type_problem("(4,5,7)", (1, 1, 1)))
    필요한 형식은 정수 3개로 된 튜플(tuple)인데, 받은 답은 문자열(str) '(4,5,7)'입니다.
    >>> print(type_problem((4, 5, 7.0), (1, 1, 1)))
    3번째 값: 필요한 형식은 정수(int)인데, 받은 답은 실수(float) 7.0입니다.
    >>> print(type_problem(((9.0, 4), 7), ((1, 1), 1)))
    1번째 값 안의 1번째 값: 필요한 형식은 정수(int)인데, 받은 답은 실수(float) 9.0입니다.
    """
    prefix = f"{where}: " if where else ""
    if is_int(expected):
        ok = is_int(value)
    elif isinstance(expected, float):
        ok = isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))
    elif isinstance(expected, str):
        ok = isinstance(value, str)
    elif isinstance(expected, tuple):
        ok = isinstance(value, tuple) and len(value) == len(expected)
    elif isinstance(expected, list):
        ok = isinstance(value, (tuple, list)) and len(value) == len(expected)
    else:  # pragma: no cover - declarations only use the types above
        raise TypeError(f"unsupported expected answer type {type(expected).__name__}")
    if not ok and value is None and is_int(expected):
        return f"{prefix}None 대신 정해진 값을 정수로 적으세요 (예: 배치 크기)."
    if not ok:
        given = type_name(value)
        if isinstance(value, (tuple, list)) and isinstance(expected, (tuple, list)):
            given = f"값 {len(value)}개로 된 {given}"
        hint = ""
        if isinstance(value, np.ndarray) or hasattr(value, "as_list"):
            hint = " tuple(...)로 바꾸어 넣으세요."
        return f"{prefix}필요한 형식은 {_expected_name(expected)}인데, 받은 답은 {given} {_shown(value)}입니다.{hint}"
    if isinstance(expected, (tuple, list)):
        for i, (v, e) in enumerate(zip(value, expected)):
            inner = f"{where + ' 안의 ' if where else ''}{i + 1}번째 값"
            message = type_problem(v, e, inner)
            if message:
                return message
    return None


def _equal(value: Any, expected: Any) -> bool:
    if isinstance(expected, float):
        return abs(float(value) - expected) < REAL_TOLERANCE
    if isinstance(expected, str):
        return value.strip().upper() == expected.strip().upper()
    if isinstance(expected, (tuple, list)):
        return all(_equal(v, e) for v, e in zip(value, expected))
    return int(value) == expected


def exact(value: Any, expected: Any) -> bool:
    """True when ``value`` has the type of ``expected`` (see :func:`type_problem`) and the same value.

    The hidden tests call it with the literal answer; the visible checks call it
    with the answer computed by :mod:`course_utils`, so both judge alike.

    >>> exact((4, 5, 7), (4, 5, 7)), exact((4.0, 5.0, 7.0), (4, 5, 7)), exact(True, 1)
    (True, False, False)
    >>> exact(np.int64(7), 7), exact(7.0, 7), exact(" b", "B")
    (True, False, True)
    """
    return type_problem(value, expected) is None and _equal(value, expected)


# --------------------------------------------------------------------------- messages


def passed(label: str) -> None:
    """Print the success line of an exercise."""
    print(f"✅ {label}: 통과!")


_UNANSWERED_WHY = {
    "missing": "변수 `{name}`이 정의되지 않았습니다",
    "ellipsis": "변수 `{name}`이 아직 `...`입니다",
    "none": "변수 `{name}`이 None입니다",
    "stub": "함수 `{name}`의 본문이 아직 비어 있습니다 (`pass`)",
    "not implemented": "함수 `{name}`이 NotImplementedError를 냅니다",
}


def not_answered(label: str, name: str, why: str = "missing") -> NotAnswered:
    """The message of an exercise that has no answer yet (every chapter).

    ``why`` says what was found under ``name``: ``"missing"`` (no such variable),
    ``"ellipsis"`` or ``"none"`` (the value ``...`` or ``None``), ``"stub"`` (a function
    whose body is only the student version's ``pass``) or ``"not implemented"`` (a
    function that raises ``NotImplementedError``).  :meth:`Exercise.check` prints it and
    lets the notebook go on; :meth:`Exercise.check_value` raises it.

    >>> print(not_answered("연습 0-0 (예)", "answer"))
    연습 0-0 (예): 아직 답을 넣지 않았습니다 (변수 `answer`이 정의되지 않았습니다). 위의 답 셀을 완성하고 실행한 뒤 이 셀을 다시 실행하세요.
    """
    return NotAnswered(
        f"{label}: 아직 답을 넣지 않았습니다 ({_UNANSWERED_WHY[why].format(name=name)}). "
        "위의 답 셀을 완성하고 실행한 뒤 이 셀을 다시 실행하세요.")


def is_stub(value: Any) -> bool:
    """True for a function whose body does nothing: the student version's ``pass`` (or ``...``).

    Such a function returns None without running any code of its own, so it is an
    unanswered code exercise, not a wrong one (a function that computes something and
    forgets ``return`` is a wrong answer).  Values that are not Python functions are
    never stubs.

    >>> def unfinished(x):
    ...     pass
    >>> def forgot_return(x):
    ...     y = x + 1
    >>> is_stub(unfinished), is_stub(forgot_return), is_stub(len), is_stub(3)
    (True, False, False, False)
    """
    code = getattr(value, "__code__", None)
    if code is None or not callable(value):
        return False
    for instruction in dis.get_instructions(code):
        if instruction.opname in ("RESUME", "NOP", "CACHE", "RETURN_VALUE", "POP_TOP"):
            continue
        if instruction.opname in ("LOAD_CONST", "RETURN_CONST") and (
                instruction.argval is None or instruction.argval is Ellipsis):
            continue
        return False
    return True


def _unanswered_reason(value: Any) -> Optional[str]:
    if value is Ellipsis:
        return "ellipsis"
    if value is None:
        return "none"
    if is_stub(value):
        return "stub"
    return None


def _lookup(name: str, namespace: Optional[dict], depth: int) -> Any:
    if namespace is None:
        namespace = sys._getframe(depth + 1).f_globals
    return namespace.get(name, _MISSING)


_MISSING = object()

Hint = Callable[[Any, Any], Optional[str]]


# --------------------------------------------------------------------------- declarations


@dataclass(frozen=True)
class Exercise:
    """One exercise's declaration.  Build it with the ``*_exercise`` functions below."""

    number: str            # "1-1"
    title: str             # "흑백 영화의 shape"
    name: str              # the variable (or function) the answer cell defines
    kind: str              # INT, REAL, SHAPE, INTS, PAIR, CHOICE, FUNCTION or CUSTOM
    answer: Optional[Callable[[], Any]] = None   # computes the expected answer (value kinds)
    hints: Sequence[Hint] = ()
    graded_by_instructor: bool = False           # conceptual multiple choice: see choice_exercise
    judge: Optional[Callable[[str, Any], None]] = None  # CUSTOM kind
    function: Optional["FunctionSpec"] = None           # FUNCTION kind: see FunctionSpec
    doc: str = ""
    # The learner's own work (course_utils/exercises/_own_work.py): library names whose use does the asked
    # computation, and chapter variables whose use gives the answer away; the answer machinery is refused always.
    banned_names: frozenset = frozenset()
    banned_variables: frozenset = frozenset()
    # Everyone their own numbers (``_variants.py``): how the question's numbers are drawn; answer(n), hint(v, e, n).
    variants: Optional["Variants"] = None

    @property
    def label(self) -> str:
        return f"연습 {self.number} ({self.title})"

    @property
    def rule_line(self) -> Optional[str]:
        """The own-work rule as the prompt states it (``_own_work.RULE_LINE``), or None when only the general rule holds."""
        from course_utils.exercises import _own_work

        if not self.banned_names:
            return None
        return _own_work.OWN_CODE_LINE if self.kind == FUNCTION else _own_work.RULE_LINE

    @property
    def instead(self) -> Optional[str]:
        """What an own-code exercise's refusal tells the learner to do instead (``FunctionSpec.refusal``), or None."""
        if self.function is None or not self.banned_names:
            return None
        return self.function.refusal.rstrip(".")

    def numbers(self, numbers: Optional[dict] = None):
        """This exercise's numbers: ``numbers`` when given, else this notebook's 학번's (``_variants.py``); None without variants."""
        if self.variants is None:
            return None
        if numbers is not None:
            return numbers
        from course_utils.exercises import _variants

        return _variants.numbers_for(self.variants, self.number, _variants.current_student_id())

    def expected(self, numbers: Optional[dict] = None) -> Any:
        """The expected answer, computed now from course_utils (for ``numbers``, or this notebook's numbers)."""
        if self.variants is None:
            return self.answer()
        return self.answer(self.numbers(numbers))

    def check_value(self, value: Any, numbers: Optional[dict] = None) -> None:
        """Check an answer given as a value (raises :class:`ExerciseCheckError` with a Korean message).

        ``numbers``: the variant to check against (the grader's, a practice question's); by default this notebook's.
        """
        numbers = self.numbers(numbers)
        label = self.label
        why = _unanswered_reason(value)
        if why:
            raise not_answered(label, self.name, why)
        if self.function is not None:
            try:
                check_function(label, self.function, value)
            except NotAnswered:
                raise not_answered(label, self.name, "not implemented") from None
            return
        if self.judge is not None:
            try:
                # a judge with variants (연습 5-7) judges this variant's numbers
                self.judge(label, value) if self.variants is None else self.judge(label, value, numbers)
            except NotAnswered:
                raise
            except ExerciseCheckError as error:
                # the judge ran the learner's function and it raised NotImplementedError
                # (an unfinished function of an older student version): unanswered, not wrong
                if isinstance(error.__context__, NotImplementedError):
                    raise not_answered(label, self.name, "not implemented") from None
                raise
            return
        if self.graded_by_instructor:
            problem = type_problem(value, "A")
            if problem is None and value.strip().upper() not in CHOICES:
                problem = f'필요한 답은 "A", "B", "C", "D" 중 하나인데, 받은 답은 {_shown(value)}입니다.'
            if problem:
                raise ExerciseCheckError(f"{label}: 답의 형식이 다릅니다. {problem}", kind="type")
            print(f"☑️ {label}: 답의 형식(\"A\"~\"D\" 중 하나)은 맞습니다. 이 문제는 개념을 묻는 객관식이라 "
                  "여기서는 정답을 알려 주지 않습니다. 정답 여부는 강사의 채점(숨은 테스트)에서 정해집니다.")
            return
        expected = self.expected(numbers)
        problem = type_problem(value, expected)
        if problem and _only_length_differs(value, expected):
            # e.g. two numbers for a 3-axis shape: a hint may know the mistake better than the type rule
            self._raise_hint(value, expected, numbers)
        if problem:
            raise ExerciseCheckError(f"{label}: 답의 형식이 다릅니다. {problem}", kind="type")
        if self.kind == CHOICE and value.strip().upper() not in CHOICES:
            raise ExerciseCheckError(f'{label}: "A", "B", "C", "D" 중 하나로 답하세요 (받은 값: {_shown(value)}).',
                                     kind="type")
        if _equal(value, expected):
            passed(label)
            return
        self._raise_hint(value, expected, numbers)
        raise ExerciseCheckError(f"{label}: 아직 정답이 아닙니다. 본문의 설명을 다시 읽고 계산을 확인해 보세요.")

    def _raise_hint(self, value: Any, expected: Any, numbers: Optional[dict] = None) -> None:
        for hint in self.hints:
            try:
                message = hint(value, expected) if numbers is None else hint(value, expected, numbers)
            except (IndexError, TypeError, ValueError):  # a hint for another length of answer
                message = None
            if message:
                raise ExerciseCheckError(f"{self.label}: 아직 정답이 아닙니다. {message}", kind="hint")

    def own_work(self, history: Sequence[str]):
        """What the own-work rule finds in the cells that computed the answer (see ``_own_work.py``)."""
        from course_utils.exercises import _own_work

        return _own_work.judge_history(history, self.name, self.banned_names, self.banned_variables)

    def check(self, namespace: Optional[dict] = None, _depth: int = 1, history: Optional[Sequence[str]] = None) -> None:
        """Look the answer up by its name in the notebook's namespace and check it.

        A right answer prints the success line; a wrong one raises
        :class:`ExerciseCheckError` (the cell fails, so "Run all" stops there and nbgrader
        counts it as failed); an unanswered exercise prints :func:`not_answered`'s message
        and returns, so "Run all" goes on to the rest of the chapter.  An answer that the
        cells in ``history`` (by default the kernel's input history) computed with the
        answer machinery or a library call the exercise forbids is refused
        (``kind="refused"``), as the grader refuses it.
        """
        from course_utils.exercises import _own_work

        value = _lookup(self.name, namespace, _depth)
        try:
            if value is _MISSING:
                raise not_answered(self.label, self.name)
            if _unanswered_reason(value) is None:
                if history is None and namespace is None:
                    history = _own_work.kernel_history()
                finding = self.own_work(history) if history is not None else None
                if finding:
                    raise ExerciseCheckError(f"{self.label}: {finding.message(self.instead)}", kind="refused")
            self.check_value(value)
        except NotAnswered as message:
            print(f"✏️ {message}")


def _only_length_differs(value: Any, expected: Any) -> bool:
    """True when ``value`` has the right types except for the length of some tuple (e.g. (5, 7) for (4, 5, 7))."""
    def same_kind(v, e):
        if isinstance(e, (tuple, list)):
            if not isinstance(v, (tuple, list) if isinstance(e, list) else tuple) or not e:
                return False
            return all(same_kind(x, e[min(i, len(e) - 1)]) for i, x in enumerate(v))
        return type_problem(v, e) is None

    return type_problem(value, expected) is not None and same_kind(value, expected)


def differing(value: Sequence, expected: Sequence) -> list[int]:
    """The positions where two equally long answers differ (hint helper)."""
    return [i for i, (v, e) in enumerate(zip(value, expected)) if not _equal(v, e)]


REGISTRY: dict[str, Exercise] = {}


def _register(exercise: Exercise) -> Exercise:
    REGISTRY[exercise.number] = exercise
    return exercise


def value_exercise(number, title, name, kind, answer, hints=(), banned=None, variables=(), variants=None) -> Exercise:
    """Declare an exercise whose answer is a value computed by ``answer()``.

    Every value exercise asks for a number or a shape worked out by the learner, so by
    default it forbids the library calls that do that computation (``banned``: the
    own-work rule's ``NUMBER_RULE``: formula helpers, Keras counters and shape finders);
    ``variables`` names chapter variables whose use gives the answer away (연습 1-4's
    ``companies``). ``variants`` (:class:`~course_utils.exercises._variants.Variants`): the question's numbers
    follow from the student's id; then ``answer(n)`` and every ``hint(value, expected, n)`` take the numbers.
    """
    from course_utils.exercises._own_work import NUMBER_RULE

    return _register(Exercise(number, title, name, kind, answer=answer, hints=tuple(hints),
                              banned_names=NUMBER_RULE if banned is None else frozenset(banned),
                              banned_variables=frozenset(variables), variants=variants))


def choice_exercise(number, title, name, answer=None, hints=(), banned=()) -> Exercise:
    """Declare a multiple-choice exercise ("A"..."D").

    With ``answer`` (a function that *computes* which statement is true from
    course_utils' formulas) the visible check grades it.  Without it the question is
    conceptual: the only authority is the literal in the instructor's hidden test,
    and the visible check validates the format and says so, because anything the
    public package could compute or compare would give the letter away.
    ``banned``: the library calls that would do the computation the choice rests on (연습 1-3: ``NUMBER_RULE``).
    """
    return _register(Exercise(number, title, name, CHOICE, answer=answer, hints=tuple(hints),
                              graded_by_instructor=answer is None, banned_names=frozenset(banned)))


def panel_choice_exercise(number, title, name, panels, right, panel_hint, outside_hint) -> Exercise:
    """Declare a read-the-result choice (연습 5-2, 6-9, 7-7): which of the figure's panels A, B, C shows ``right``.

    ``panels()`` gives what the figure draws as A, B, C (a shuffled order from a fixed seed), so the answer is
    computed from it; ``panel_hint(item)`` names the misconception behind picking the panel that shows ``item``,
    and ``outside_hint`` answers "D" (the panels cannot be told apart).
    """
    def answer() -> str:
        return "ABC"[panels().index(right)]

    def hint(value, expected):
        letter = value.strip().upper()
        if letter == "D":
            return outside_hint
        if letter not in "ABC":
            return None
        return panel_hint(panels()["ABC".index(letter)])

    return choice_exercise(number, title, name, answer, [hint])


def function_exercise(number, title, name, spec: "FunctionSpec") -> Exercise:
    """Declare a code exercise: the learner writes a function, tried as ``spec`` says (:class:`FunctionSpec`)."""
    return _register(Exercise(number, title, name, FUNCTION, function=spec, banned_names=spec.banned_names))


def custom_exercise(number, title, name, judge, banned=(), answer=None, variants=None) -> Exercise:
    """Declare a value exercise checked by a judge of its own (연습 3-5: a numpy array and the mistakes it shows).

    ``banned``: the library calls that would do the asked computation (연습 5-7: the own-work rule's ``NUMBER_RULE``).
    ``variants`` and ``answer(n)``: a number exercise whose numbers follow the 학번 (연습 5-7); its judge is then
    called as ``judge(label, value, numbers)``.
    """
    return _register(Exercise(number, title, name, CUSTOM, answer=answer, judge=judge, banned_names=frozenset(banned),
                              variants=variants))


def load_chapter(number: str) -> None:
    """Import the chapter module that declares exercise ``number`` (it registers its exercises when imported)."""
    import importlib

    chapter = str(number).split("-")[0]
    if chapter.isdigit():
        try:
            importlib.import_module(f"course_utils.exercises.ch{int(chapter):02d}")
        except ModuleNotFoundError:
            pass


def check(number: str, namespace: Optional[dict] = None, history: Optional[Sequence[str]] = None) -> None:
    """Check exercise ``number`` (e.g. ``"1-1"``): the call in every chapter's test cell.

    The answer is looked up by name in the calling notebook's namespace, so an answer
    cell that was not completed gives a Korean message instead of a ``NameError``; that
    message is printed and the notebook goes on (see :meth:`Exercise.check`).
    """
    load_chapter(number)
    if number not in REGISTRY:
        raise ExerciseCheckError(f"연습 {number}은(는) 없는 연습 번호입니다.")
    REGISTRY[number].check(namespace, _depth=2, history=history)


# --------------------------------------------------------------------------- code answers


def shape_of(value: Any) -> Optional[tuple]:
    """``value`` as a tuple of ints when it is a tuple/list of integers, else None (hint helper)."""
    if isinstance(value, (tuple, list)) and all(is_int(v) for v in value):
        return tuple(int(v) for v in value)
    return None


class LibraryCallRefused(ExerciseCheckError):
    """Raised in place of a library function that a code exercise asks the learner to write (연습 2-4, 3-4, 4-4, 5-3~5-5)."""


_DEFAULT_REFUSAL = ("이 연습은 직접 짠 numpy 코드를 검사합니다. course_utils, Keras, TensorFlow의 같은 기능 함수를 "
                    "부르지 말고 numpy로 직접 계산하세요.")


@contextlib.contextmanager
def own_code_only(label: str, blocked: Sequence[tuple[Any, str]], namespaces: Sequence[dict] = (),
                  closures: Sequence[Any] = (), refusal: str = _DEFAULT_REFUSAL):
    """Temporarily replace library functions with ones that raise :class:`LibraryCallRefused`.

    ``blocked`` is a list of ``(owner, attribute)`` pairs (a module or class and the
    name of the function to block); the same functions imported by name into one of
    ``namespaces`` (the learner's globals) or captured in ``closures`` are blocked too.
    Used while a learner's function runs in a code exercise that asks for the
    learner's own numpy code (연습 2-4, 3-4, 4-4, 5-3~5-5).
    """
    saved = []

    def refuse(*_args, **_kwargs):
        raise LibraryCallRefused(f"{label}: {refusal}")

    originals = set()
    try:
        for owner, attribute in blocked:
            if owner is not None and hasattr(owner, attribute):
                original = getattr(owner, attribute)
                originals.add(id(original))
                saved.append((owner, attribute, original))
                setattr(owner, attribute, refuse)
        for namespace in namespaces:  # names the learner imported: `from course_utils.layers import conv2d`
            for name, value in list(namespace.items()):
                if id(value) in originals:
                    saved.append((namespace, name, value))
                    namespace[name] = refuse
        for cell in closures:  # ... or captured from an enclosing function
            try:
                value = cell.cell_contents
            except ValueError:  # an empty cell
                continue
            if id(value) in originals:
                saved.append((cell, "cell_contents", value))
                cell.cell_contents = refuse
        yield refuse
    finally:
        for owner, attribute, original in reversed(saved):
            if isinstance(owner, dict):
                owner[attribute] = original
            else:
                setattr(owner, attribute, original)


def call_function(function: Callable[..., Any], args: tuple, kwargs: dict) -> Any:
    """The default way a code exercise runs the learner's function on one case: call it, take an array."""
    result = function(*args, **kwargs)
    return None if result is None else np.asarray(result)


def _nothing_blocked() -> list:
    return []


def loaded_library_functions(*paths: str) -> list:
    """``(owner, attribute)`` pairs for :func:`own_code_only` from ``"module:attr.path"`` strings, for the modules
    already imported only (the check never imports TensorFlow itself); e.g. ``"keras:layers.Dense.call"``
    (연습 2-4, 4-4, 5-4, 5-5)."""
    found = []
    for path in paths:
        module, _, dotted = path.partition(":")
        owner = sys.modules.get(module)
        *parents, attribute = dotted.split(".")
        for parent in parents:
            owner = getattr(owner, parent, None)
        if owner is not None:
            found.append((owner, attribute))
    return found


#: Outcomes of one case (:func:`run_case`): plain data, so the grader can judge them in another process.
OK, RETURNED_NONE, UNFINISHED, REFUSED, CHECK_FAILED, RAISED = "ok", "none", "unfinished", "refused", "check", "error"


@dataclass(frozen=True)
class FunctionSpec:
    """How a code exercise tries the learner's function (연습 1-5, 2-4, 3-4, 4-4, 5-1, 5-3~5-5, 5-8, 7-4).

    The same pieces serve the visible check (everything in the learner's process)
    and the instructor's grader (``python -m tools.grade``), which splits them:
    ``cases`` and ``reference`` and the comparison run in the grader's own process,
    only ``run`` runs next to the learner's code, and what it returns travels back
    as plain data.

    - ``cases(seed)``: the inputs, ``[(args, kwargs, description), ...]`` of plain data
      (numbers, strings, tuples, numpy arrays); the grader draws a new seed per student.
    - ``reference(*args, **kwargs)``: the right output of one case.
    - ``run(function, args, kwargs)``: the learner's output of one case (default: call it).
    - ``hints``: ``hint(received, expected, args, kwargs) -> message or None`` for a wrong output.
    - ``error_hints``: ``hint(error_text) -> message or None`` for an exception the function raised.
    - ``blocked()``: the library functions the exercise forbids (see :func:`own_code_only`), with
      ``refusal`` the message; ``banned_names``: the attribute and import names whose use in the code
      that reaches the answer counts as calling them (the own-work rule of ``_own_work.py``, read by
      the visible check and the grader alike; :func:`function_exercise` copies them to the exercise).
    """

    cases: Callable[[int], list]
    reference: Callable[..., Any]
    seed: int
    run: Callable[[Callable[..., Any], tuple, dict], Any] = call_function
    atol: float = 1e-4
    hints: Sequence[Callable[..., Optional[str]]] = ()
    error_hints: Sequence[Callable[[str], Optional[str]]] = ()
    mismatch: str = "인덱스와 합산 범위를 확인하세요."
    blocked: Callable[[], list] = _nothing_blocked
    refusal: str = _DEFAULT_REFUSAL
    banned_names: frozenset = frozenset()
    compare: Optional[Callable[[Any, Any, tuple, dict, str], Optional[str]]] = None


def run_case(spec: FunctionSpec, label: str, function: Callable[..., Any], args: tuple, kwargs: dict) -> tuple:
    """Run the learner's ``function`` on one case; the outcome as plain data.

    ``(OK, output)``, ``(RETURNED_NONE,)``, ``(UNFINISHED,)`` (NotImplementedError),
    ``(REFUSED, message)`` (a forbidden library function was called),
    ``(CHECK_FAILED, message)`` (``spec.run`` found the result unusable) or
    ``(RAISED, "TypeName: message")``.
    """
    namespaces = [function.__globals__] if hasattr(function, "__globals__") else []
    closures = getattr(function, "__closure__", None) or ()
    with own_code_only(label, spec.blocked(), namespaces, closures, spec.refusal):
        try:
            received = spec.run(function, args, kwargs)
        except NotImplementedError:
            return (UNFINISHED,)
        except LibraryCallRefused as error:
            return (REFUSED, _without_label(str(error), label))
        except ExerciseCheckError as error:
            return (CHECK_FAILED, _without_label(str(error), label))
        except Exception as error:  # noqa: BLE001 - the learner's code crashed: say where
            return (RAISED, f"{type(error).__name__}: {error}"[:500])
    return (RETURNED_NONE,) if received is None else (OK, received)


def _without_label(message: str, label: str) -> str:
    return message[len(label) + 2:] if message.startswith(label + ": ") else message


def _compare_arrays(spec: FunctionSpec, received: Any, expected: Any, args: tuple, kwargs: dict,
                    description: str) -> Optional[str]:
    received, expected = np.asarray(received), np.asarray(expected)
    if received.dtype.kind not in "biuf":
        return f"{description}에서 함수가 숫자 배열이 아닌 값을 돌려주었습니다 ({received.dtype})."
    if received.shape != expected.shape:
        for hint in spec.hints:
            message = _safe_hint(hint, received, expected, args, kwargs)
            if message:
                return message
        return f"{description}에서 출력 shape이 다릅니다 (기대: {expected.shape}, 받은 값: {received.shape})."
    if np.allclose(received, expected, atol=spec.atol, rtol=1e-4):
        return None
    for hint in spec.hints:
        message = _safe_hint(hint, received, expected, args, kwargs)
        if message:
            return message
    worst = float(np.max(np.abs(received.astype(float) - expected.astype(float))))
    return f"{description}에서 값이 다릅니다 (가장 큰 차이: {worst:.4g}). {spec.mismatch}"


def _safe_hint(hint, *args) -> Optional[str]:
    try:
        return hint(*args)
    except (IndexError, TypeError, ValueError):
        return None


def judge_case(spec: FunctionSpec, outcome: tuple, expected: Any, args: tuple, kwargs: dict,
               description: str) -> Optional[tuple[str, str]]:
    """``(kind, message)`` when the outcome of one case is wrong, else None.

    ``kind`` is ``"unanswered"``, ``"refused"`` or ``"function"``; the message has no label.
    Used by the visible check and, in the grader's own process, by ``python -m tools.grade``.
    """
    status = outcome[0]
    if status == UNFINISHED:
        return ("unanswered", "아직 함수를 완성하지 않았습니다 (NotImplementedError).")
    if status == RETURNED_NONE:
        return ("function", "함수가 아무것도 돌려주지 않습니다. return 문을 확인하세요.")
    if status == REFUSED:
        return ("refused", outcome[1])
    if status == CHECK_FAILED:
        return ("function", outcome[1])
    if status == RAISED:
        for hint in spec.error_hints:
            message = _safe_hint(hint, outcome[1])
            if message:
                return ("function", f"{description}으로 함수를 실행하다 오류가 났습니다. {message}")
        return ("function", f"{description}으로 함수를 실행하다 오류가 났습니다: {outcome[1]}")
    compare = spec.compare or (lambda r, e, a, k, d: _compare_arrays(spec, r, e, a, k, d))
    message = compare(outcome[1], expected, args, kwargs, description)
    return ("function", message) if message else None


def not_a_function(label: str, function: Any) -> Optional[ExerciseCheckError]:
    """The type error of a code exercise whose answer is not a function, else None."""
    if callable(function):
        return None
    return ExerciseCheckError(f"{label}: 답의 형식이 다릅니다. 필요한 형식은 함수인데, "
                              f"받은 답은 {type_name(function)} {_shown(function)}입니다.", kind="type")


def check_function(label: str, spec: FunctionSpec, function: Callable[..., Any], seed: Optional[int] = None) -> None:
    """The visible check of a code exercise: every case of ``spec``, stopping at the first wrong one."""
    problem = not_a_function(label, function)
    if problem:
        raise problem
    cases = spec.cases(spec.seed if seed is None else seed)
    for args, kwargs, description in cases:
        expected = spec.reference(*args, **kwargs)
        verdict = judge_case(spec, run_case(spec, label, function, args, kwargs), expected, args, kwargs, description)
        if verdict:
            if verdict[0] == "unanswered":
                raise NotAnswered(f"{label}: {verdict[1]}")
            raise ExerciseCheckError(f"{label}: {verdict[1]}", kind=verdict[0])
    passed(label)


def compare_function(
    label: str,
    function: Callable[..., Any],
    reference: Callable[..., Any],
    cases: Sequence[tuple],
    atol: float = 1e-4,
    blocked: Sequence[tuple[Any, str]] = (),
) -> None:
    """Check a learner's function against a reference on the given ``(args, kwargs, description)`` cases.

    A shortcut of :func:`check_function` for a fixed list of cases.
    """
    spec = FunctionSpec(cases=lambda _seed: list(cases), reference=reference, seed=0, atol=atol,
                        blocked=lambda: list(blocked))
    check_function(label, spec, function)

"""Exercise answers built from the source notebooks, and where a learner could read them.

Used by tests/chapters/test_answer_leaks.py (student notebooks, installed package) and
tests/site/test_book.py (public HTML).  The rule, in short:

- An answer is built by executing the exercise's solution cell (value answers) or
  read from the hidden test's ``exact(name, literal)`` (multiple choice); a numpy answer
  (연습 3-5's output map) is searched as its rows.  Code answers have no single value;
  their solution *lines* are checked by test_student_version / test_book.
- **Distinctive** answers are searched everywhere, in every spelling a reader meets:
  with and without thousands separators (``865281``, ``865,281``, ``865_281``), tuples
  with and without spaces, and tuple prefixes of two or more numbers that are still
  distinctive.  Distinctive means: a number of three or more digits, a tuple holding
  one or with four or more numbers in all, a float with three or more significant
  digits.
- **Small** answers (``13``, ``(16, 19)``, ``(32, 1)``) occur in ordinary prose and
  code all the time, so they are searched only in *answer context*: an assignment or
  comparison to the answer's variable (``rf_conv_pool = 13``), a check called with it,
  a "receptive field"/``size=`` phrase for the receptive-field exercises, and the
  exercise's own section after its question (where a worked solution would sit).
- Multiple-choice letters are searched as ``name = "B"`` and ``== "B"`` only.
- **Docstrings and doctests** of the package (what ``help()`` shows a learner, and the
  examples it runs) are held to more: there, every tuple or list answer, however small,
  and every inner tuple of a nested answer is searched in all its spellings
  (``(2, 3, 6)``, ``(2,3,6)``, ``[2, 3, 6]``), as well as its look-alikes with float
  members (``(2.0, 3.0, 6.0)``, ``(2, 3, 6.0)``): a worked example there must use other
  numbers.  Small single numbers and letters keep the answer-context rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from notebook_helpers import editions, exercise_pairs, grade_id, read, solution_source

ANSWER_STUB = "# 여기에 답을 작성하세요."


@dataclass
class Answer:
    chapter: str            # "ch04_pooling_receptive_field"
    number: str             # "4-1"
    name: str               # the answer variable
    value: object
    question: str           # the exercise's markdown (may state numbers that are not leaks)
    forms: list = field(default_factory=list)   # distinctive spellings, searched everywhere
    context: list = field(default_factory=list)  # regexes of small spellings in answer context
    small: list = field(default_factory=list)    # small spellings, searched in the exercise's section

    def __str__(self):
        return f"{self.number} {self.name}={self.value!r}"


def _numbers(value):
    if isinstance(value, (tuple, list)):
        return [x for v in value for x in _numbers(v)]
    return [value]


def _is_distinctive(value) -> bool:
    numbers = _numbers(value)
    if isinstance(value, str):
        return False
    if any(isinstance(n, (int, np.integer)) and abs(int(n)) >= 100 for n in numbers):
        return True
    if isinstance(value, float):
        return len(f"{value:.6g}".replace(".", "").lstrip("0")) >= 3
    return isinstance(value, (tuple, list)) and len(numbers) >= 4


def _spellings(value) -> set[str]:
    """Ways a reader finds ``value`` written: 865281, 865,281, 865_281; (2, 3, 6), (2,3,6), [..]."""
    if isinstance(value, float):
        return {f"{value:.2f}", f"{value:.3f}", f"{value:.4g}"}
    if isinstance(value, (int, np.integer)):
        n = int(value)
        return {str(n), f"{n:,}", f"{n:_}"}
    inner = [sorted(_spellings(v), key=len)[0] for v in value]
    spaced, tight = ", ".join(inner), ",".join(inner)
    return {f"({spaced})", f"({tight})", f"[{spaced}]", f"[{tight}]"}


def _prefixes(value) -> set[str]:
    """Openings of a tuple answer that are still distinctive: "(479, 269", "(162000, 1"."""
    out = set()
    if not isinstance(value, (tuple, list)):
        return out
    for inner in value:  # inner tuples of a nested answer
        if isinstance(inner, (tuple, list)) and _is_distinctive(inner):
            out |= _spellings(inner) | _prefixes(inner)
    flat = [v for v in value if not isinstance(v, (tuple, list))]
    if len(flat) == len(value):
        for k in range(2, len(value)):
            head = tuple(value[:k])
            if _is_distinctive(head) or k >= 3:
                for s in _spellings(head):
                    out.add(s[:-1])  # without the closing bracket
    return out


def _token(spelling: str) -> str:
    """A regex for ``spelling`` not glued to other digits."""
    return rf"(?<![\d.,_]){re.escape(spelling)}(?![\d_]|[.,]\d)"


def _rows(array):
    """A numpy answer as nested tuples of plain numbers (whole floats as ints), spelled as a reader writes it."""
    if array.ndim:
        return tuple(_rows(row) for row in array)
    number = array.item()
    return int(number) if float(number).is_integer() else number


def build_answers() -> list[Answer]:
    """Every value answer of every chapter, from its source notebook."""
    from course_utils.shapes import receptive_field

    answers = []
    for path in editions.chapter_notebooks():
        nb = read(path)
        cells = nb.cells
        by_id = {grade_id(c): i for i, c in enumerate(cells) if grade_id(c)}
        for answer_id, test_id, _points in exercise_pairs(nb):
            answer_cell, test_cell = cells[by_id[answer_id]], cells[by_id[test_id]]
            number = re.search(r'check\("(\d-\d)"\)', test_cell.source).group(1)
            question = cells[by_id[answer_id] - 1].source
            hidden = test_cell.source.split("### BEGIN HIDDEN TESTS", 1)[1]
            choice = re.search(r'exact\((\w+), "([A-D])"\)', hidden)
            if choice:
                name, letter = choice.groups()
                answers.append(Answer(path.parent.name, number, name, letter, question,
                                      context=[rf'\b{name}\s*=\s*["\']{letter}["\']',
                                               rf'==\s*["\']{letter}["\']']))
                continue
            namespace = {"np": np, "receptive_field": receptive_field}
            before = set(namespace)
            exec(compile(solution_source(answer_cell), f"<{answer_id}>", "exec"), namespace)
            defined = [k for k in namespace if k not in before and not k.startswith("__")]
            # the answer's name: in exact(name, literal), or an array answer's isinstance check (연습 3-5)
            name = re.search(r'exact\((\w+),', hidden) or re.search(r'isinstance\((\w+), np\.ndarray\)', hidden)
            if not name or callable(namespace.get(name.group(1))):
                continue  # a code answer: its solution lines are checked elsewhere
            name = name.group(1)
            value = namespace[name]
            if name not in defined:
                continue
            if isinstance(value, np.ndarray):  # an output map (연습 3-5): searched as its rows
                value = _rows(value)
            answer = Answer(path.parent.name, number, name, value, question)
            spellings = _spellings(value)
            if _is_distinctive(value):
                answer.forms = sorted(spellings | _prefixes(value), key=len, reverse=True)
            else:
                answer.small = sorted(spellings, key=len, reverse=True)
                for s in spellings:
                    answer.context += [rf"\b{name}\s*=\s*{re.escape(s)}(?![\d,])", rf"==\s*{re.escape(s)}(?![\d,])",
                                       rf"check_\w+\(\s*{re.escape(s)}\s*\)"]
                    if "receptive field" in question or "rf_" in name:
                        answer.context += [rf"receptive field\D{{0,12}}{_token(s)}", rf"size={_token(s)}"]
            answers.append(answer)
    return answers


def find(answer: Answer, text: str, section: str = "") -> list[str]:
    """Where ``answer`` can be read in ``text`` (and, for small answers, in its exercise ``section``)."""
    found = []
    for form in answer.forms:
        for match in re.finditer(_token(form) if form[0].isdigit() else re.escape(form), text):
            if form in answer.question:
                continue  # the question itself states it (e.g. a given shape)
            found.append(text[max(0, match.start() - 60):match.end() + 60])
            break
    for pattern in answer.context:
        for match in re.finditer(pattern, text):
            found.append(text[max(0, match.start() - 60):match.end() + 60])
            break
    for form in answer.small:
        if form in answer.question:
            continue
        match = re.search(_token(form), section)
        if match:
            found.append("section: " + section[max(0, match.start() - 60):match.end() + 60])
    return found


_EXERCISE_HEADING = re.compile(r"연습 \d-\d\s*:")


def notebook_section(nb, answer: Answer) -> str:
    """The text a reader sees after the exercise's question, up to the next exercise or section heading."""
    texts, inside = [], False
    for cell in nb.cells:
        source = cell.source
        if re.search(rf"###\s*연습 {answer.number}\s*:", source):
            inside = True
            continue  # the question itself
        if inside and (_EXERCISE_HEADING.search(source) or re.search(r"^##\s", source, re.M)):
            break
        if inside and not (editions.is_solution_cell(cell) or editions.is_grade_cell(cell)):
            texts.append(source)
    return "\n".join(texts)


def page_section(text: str, answer: Answer) -> str:
    """The same for a built page's text: from the answer stub after the heading to the next exercise."""
    heading = re.search(rf"연습 {answer.number}\s*:", text)
    if not heading:
        return ""
    start = text.find(ANSWER_STUB, heading.end())
    start = heading.end() if start < 0 else start
    following = _EXERCISE_HEADING.search(text, start)
    section = text[start:following.start() if following else len(text)]
    return re.sub(r'check\("\d-\d"\)|from course_utils\.exercises import check, exact', "", section)


def _float_lookalikes(value) -> set[str]:
    """(2.0, 3.0, 6.0) and (2, 3, 6.0): a tuple of ints written with float members."""
    if not isinstance(value, (tuple, list)) or not all(isinstance(v, (int, np.integer)) for v in value):
        return set()
    every = [f"{int(v)}.0" for v in value]
    last = [str(int(v)) for v in value[:-1]] + [f"{int(value[-1])}.0"]
    return {f"({', '.join(every)})", f"({','.join(every)})", f"({', '.join(last)})", f"({','.join(last)})"}


def docstring_forms(answer: Answer) -> list[str]:
    """The spellings searched anywhere in the package's docstrings and doctests (see the module's rule)."""
    if not isinstance(answer.value, (tuple, list)):
        return []
    forms = _spellings(answer.value) | _float_lookalikes(answer.value)
    for inner in answer.value:
        if isinstance(inner, (tuple, list)):
            forms |= _spellings(inner) | _float_lookalikes(inner)
    return sorted((f for f in forms if f not in answer.question), key=len, reverse=True)


def find_in_docstring(answer: Answer, text: str) -> list[str]:
    """Where ``answer`` can be read in a docstring: the general rule, then :func:`docstring_forms`."""
    found = find(answer, text)
    for form in docstring_forms(answer):
        match = re.search(re.escape(form), text)
        if match:
            found.append(text[max(0, match.start() - 60):match.end() + 60])
    return found


def package_docstrings() -> list[tuple[str, str]]:
    """(where, text) of every docstring of the installed package: modules, classes, functions, methods.

    The doctests are part of the docstrings, so they are searched too.
    """
    import ast

    out = []
    for path in package_files():
        if path.suffix != ".py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in [tree, *ast.walk(tree)]:
            if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
                text = ast.get_docstring(node, clean=False)
                if text:
                    name = getattr(node, "name", "module")
                    out.append((f"{path.name}:{getattr(node, 'lineno', 1)} {name}", text))
    return out


def package_files() -> list[Path]:
    """The installed package's source files (source, docstrings, doctests and string literals)."""
    import course_utils

    root = Path(course_utils.__file__).parent
    return sorted(p for p in root.rglob("*") if p.suffix in {".py", ".js", ".html", ".md", ".txt"})

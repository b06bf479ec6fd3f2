"""Each chapter says its exercises and points at the top, and each exercise comes after what it needs (issue 28, item 5).

The totals are computed from the nbgrader test cells, so the line stays right when exercises change.
"""

from __future__ import annotations

import re

import pytest

from course_utils.exercises import REGISTRY, load_all
from notebook_helpers import editions, exercise_pairs, grade_cells, grade_id, read

load_all()

#: The line at the top of every chapter (in the "이 장에서 배우는 것" cell or right after it).
TOTALS = re.compile(r"이 장의 연습문제: (\d+)개, 모두 (\d+(?:\.\d+)?)점")


def chapters():
    return [pytest.param(path, id=path.parent.name[:4]) for path in editions.chapter_notebooks()]


@pytest.mark.parametrize("path", chapters())
def test_the_chapter_states_its_exercises_and_points_at_the_top(path):
    nb = read(path)
    opening = next(i for i, c in enumerate(nb.cells) if c.cell_type == "markdown" and "이 장에서 배우는 것" in c.source)
    stated = [TOTALS.search(c.source) for c in nb.cells[opening:opening + 2] if c.cell_type == "markdown"]
    stated = [m for m in stated if m]
    assert len(stated) == 1, "the totals line belongs in the 이 장에서 배우는 것 cell or the one right after it"
    everywhere = [m for c in nb.cells if c.cell_type == "markdown" for m in TOTALS.finditer(c.source)]
    assert len(everywhere) == 1, "one totals line per chapter"
    tests = grade_cells(nb)
    count, points = int(stated[0].group(1)), float(stated[0].group(2))
    assert count == len(tests), (count, len(tests))
    assert points == sum(float(c.metadata["nbgrader"]["points"]) for c in tests), points
    assert count >= 4, "each chapter keeps at least 4 graded exercises"


@pytest.mark.parametrize("path", chapters())
def test_every_prompt_comes_after_the_sections_it_names(path):
    """A prompt that points at "N.M절" comes after that section's heading (연습 4-1 after 4.6's worked example)."""
    nb = read(path)
    seen = set()
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        prompt = cell.source.split("### 연습 ", 1)
        if len(prompt) == 2:
            named = set(re.findall(r"(\d+\.\d+)절", prompt[1]))
            assert named <= seen, (prompt[1][:40], named - seen)
        seen |= set(re.findall(r"^## (\d+\.\d+)\b", cell.source, re.M))


def test_exercise_4_1_comes_after_its_worked_example_and_its_hint_points_above():
    path = next(p for p in editions.chapter_notebooks() if p.parent.name.startswith("ch04"))
    nb = read(path)
    worked = next(i for i, c in enumerate(nb.cells) if c.cell_type == "markdown" and c.source.startswith("**풀이.**"))
    prompt = next(i for i, c in enumerate(nb.cells) if c.cell_type == "markdown" and "### 연습 4-1:" in c.source)
    answer_id, test_id, _ = next(p for p in exercise_pairs(nb) if p[1].startswith("ch04_rf_conv_pool"))
    answer = next(i for i, c in enumerate(nb.cells) if grade_id(c) == answer_id)
    test = next(i for i, c in enumerate(nb.cells) if grade_id(c) == test_id)
    assert worked < prompt < answer < test == answer + 1
    # between the prompt and the answer only the cell that prints the question with the learner's numbers (issue 29)
    assert answer == prompt + 1 or (answer == prompt + 2 and 'show("4-1")' in nb.cells[prompt + 1].source)
    # the hint of the two-layer answer names 4.6's worked example, which is now above the exercise
    exercise = REGISTRY["4-1"]
    message = exercise.hints[0](5, exercise.expected())
    assert "4.6절 풀이" in message
    heading = next(i for i, c in enumerate(nb.cells) if re.search(r"^## 4\.6\b", c.source, re.M))
    assert heading < worked < prompt

"""``python -m tools.grade`` on chapter 7's model-building exercises (연습 7-4, 7-6): the sandbox reports the
learner's model as plain data (``exercises/_models.py``), the grader judges it in its own process.

Two crafted students on the chapter's exercise cells (as in test_grade_shortcuts.py): ``s1`` with every
instructor solution (full marks), ``s2`` with the models wrong in one layer each (0 points for those two, the
diagnosis naming the layer, as the visible check does); s2's other answers are the solutions.
"""

from __future__ import annotations

import csv
import subprocess
import sys

import nbformat
import pytest

from notebook_helpers import ROOT, editions, grade_id, kernel_environment, solutions_by_id
from test_grade_shortcuts import _submission
from test_grading import ReleasedCourse

pytestmark = pytest.mark.slow

WRONG = {
    "7-4": "def build_autoencoder(code_dim):\n"
           "    inputs = keras.Input(shape=(784,))\n"
           "    code = layers.Dense(64, activation='relu', name='code')(inputs)\n"
           "    return keras.Model(inputs, layers.Dense(784, activation='sigmoid', name='reconstruction')(code))",
    "7-6": "def build_conv_ae(filters=16, code_channels=2):\n"
           "    inputs = keras.Input(shape=(28, 28, 1))\n"
           "    x = layers.Conv2D(filters, 3, strides=2, padding='same', activation='relu')(inputs)\n"
           "    x = layers.Conv2D(filters, 3, strides=2, padding='same', activation='relu')(x)\n"
           "    code = layers.Conv2D(code_channels, 3, padding='same', activation='relu', name='code')(x)\n"
           "    x = layers.UpSampling2D(2)(code)\n"
           "    x = layers.Conv2DTranspose(filters, 3, strides=2, padding='same', activation='relu')(x)\n"
           "    return keras.Model(inputs, layers.Conv2D(1, 3, padding='same', activation='sigmoid')(x))",
}
SAYS = {"7-4": "2번째 층의 출력이 (None, 36)이어야 하는데 (None, 64)입니다",
        "7-6": "5번째 층은 Conv2DTranspose여야 하는데 UpSampling2D입니다"}


def test_right_models_get_full_marks_and_wrong_ones_the_first_differing_layer(tmp_path):
    path = next(p for p in editions.chapter_notebooks() if p.parent.name.startswith("ch07"))
    course = ReleasedCourse(tmp_path, path)
    tests = {t: c.source for c in course.source.cells if (t := grade_id(c))}
    numbers = {a: tests[t].split('check("', 1)[1].split('"', 1)[0] for a, t, _ in course.pairs}
    solutions = solutions_by_id(course.source)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    nbformat.write(_submission(course, numbers, lambda number, gid: solutions[gid]), inbox / "s1.ipynb")
    nbformat.write(_submission(course, numbers, lambda number, gid: WRONG.get(number, solutions[gid])),
                   inbox / "s2.ipynb")
    result = subprocess.run([sys.executable, "-m", "tools.grade", course.assignment, str(inbox), "--root",
                             str(course.course), "--workers", "1", "--cell-timeout", "120"],
                            cwd=ROOT, env=kernel_environment(), capture_output=True, text=True, timeout=900)
    report = course.course / "grading" / "reports" / f"{course.assignment}_questions.csv"
    assert report.is_file(), result.stdout[-3000:] + result.stderr[-3000:]
    with open(report, newline="", encoding="utf-8") as handle:
        rows = {(r["student"], r["exercise"]): r for r in csv.DictReader(handle)}
    assert {"7-4", "7-7", "7-6"} <= set(numbers.values())
    for number in numbers.values():
        right = rows[("s1", number)]
        assert right["status"] == "ok" and float(right["score"]) == float(right["max"]) > 0, right
        other = rows[("s2", number)]
        if number in WRONG:
            assert float(other["score"]) == 0 and SAYS[number] in other["diagnosis"], other
        else:
            assert float(other["score"]) == float(other["max"]), other

"""The instructors' grading workflow, end to end, with nbgrader on generated submissions.

For every chapter: generate the student version, collect a folder of
submissions with tools/collect_submissions.py, autograde, and check the scores:
the instructor's answers earn full marks, an untouched student version earns
0, a partly wrong submission earns exactly the points of its right answers.

Chapter 1's awkward cases (an infinite loop, a deleted test cell, a notebook saved by
Colab, a broken file, the feedback and the grade export) are in
test_grading_edge_cases.py: a file of their own, so the two xdist workers of
scripts/test.sh can grade them while the other worker grades the chapters.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from notebook_helpers import (
    ROOT, editions, exercise_pairs, fill_answers, read, solutions_by_id, kernel_environment,
)

pytestmark = pytest.mark.slow

CHAPTERS = editions.chapter_notebooks()
INFINITE_LOOP = "while True:\n    pass\n"


def nbgrader(course: Path, *args: str, timeout: int = 1800) -> subprocess.CompletedProcess:
    env = kernel_environment()
    env["COURSE_CELL_TIMEOUT"] = "30"  # the loop submission burns a core until then; quick cells take seconds
    command = [str(Path(sys.executable).parent / "nbgrader"), *args]
    result = subprocess.run(command, cwd=course, env=env, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, f"nbgrader {' '.join(args)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-6000:]}"
    return result


def collect(course: Path, assignment: str, folder: Path, *extra: str) -> subprocess.CompletedProcess:
    command = [sys.executable, str(ROOT / "tools" / "collect_submissions.py"), assignment, str(folder),
               "--root", str(course), *extra]
    return subprocess.run(command, capture_output=True, text=True, env=kernel_environment(), timeout=300)


def make_course(tmp: Path, chapter_nb: Path) -> tuple[Path, str]:
    """A copy of the course with one chapter, its student version generated."""
    course = tmp / "course"
    (course / "book").mkdir(parents=True)
    shutil.copy(ROOT / "nbgrader_config.py", course)
    shutil.copytree(chapter_nb.parent, course / "book" / chapter_nb.parent.name)
    assignment = chapter_nb.parent.name
    nbgrader(course, "generate_assignment", assignment, "--force")
    return course, assignment


def scores(course: Path, assignment: str) -> dict[str, dict]:
    """{student: {"total": score, grade_id: score, ...}} from the gradebook."""
    from nbgrader.api import Gradebook

    result = {}
    with Gradebook(f"sqlite:///{course / 'grading' / 'gradebook.db'}") as gb:
        for submission in gb.assignment_submissions(assignment):
            per_cell = {"total": submission.score, "max": submission.max_score}
            for notebook in submission.notebooks:
                for grade in notebook.grades:
                    per_cell[grade.name] = grade.score
            result[submission.student_id] = per_cell
    return result


class ReleasedCourse:
    """A chapter's course folder after nbgrader's release: source, released notebook, exercises.

    Shared by :class:`Round` and ``test_grade_command.Crafted``.
    """

    def __init__(self, tmp: Path, chapter_nb: Path):
        self.source = read(chapter_nb)
        self.course, self.assignment = make_course(tmp, chapter_nb)
        self.release_path = self.course / "grading" / "release" / self.assignment / chapter_nb.name
        self.released = read(self.release_path)
        self.pairs = exercise_pairs(self.source)
        self.solutions = solutions_by_id(self.source)

    def hidden_test_lines(self) -> set[str]:
        """The lines (over 8 characters) of the source's hidden tests: none may reach a student's feedback.

        A line that the notebook also has outside its hidden tests (``from course_utils.exercises import numbers``,
        which a solution and a learner's own answer use too) is no secret of the hidden tests.
        """
        lines, elsewhere = set(), set()
        for cell in self.source.cells:
            if "### BEGIN HIDDEN TESTS" in cell.source:
                before, rest = cell.source.split("### BEGIN HIDDEN TESTS", 1)
                block, after = rest.split("### END HIDDEN TESTS", 1)
                lines |= {line.strip() for line in block.splitlines() if len(line.strip()) > 8}
                elsewhere |= {line.strip() for line in (before + after).splitlines()}
            elif cell.cell_type == "code":
                elsewhere |= {line.strip() for line in cell.source.splitlines()}
        return lines - elsewhere


class Round(ReleasedCourse):
    """One grading round of a chapter: its course folder, exercises and scores."""

    def __init__(self, tmp: Path, chapter_nb: Path, submissions):
        super().__init__(tmp, chapter_nb)
        self.inbox = tmp / "inbox"
        self.inbox.mkdir()
        self.expected = {}
        for name, (nb, expected) in submissions(self).items():
            if isinstance(nb, (bytes, str)):
                (self.inbox / name).write_bytes(nb if isinstance(nb, bytes) else nb.encode())
            else:
                nbformat.write(nb, self.inbox / name)
            if expected is not None:
                self.expected[name.split("_")[0].removesuffix(".ipynb")] = expected
        self.collected = collect(self.course, self.assignment, self.inbox)
        self.autograde = nbgrader(self.course, "autograde", self.assignment)
        self.scores = scores(self.course, self.assignment)

    @property
    def max_points(self) -> float:
        return sum(points for _, _, points in self.pairs)

    def answers(self, wrong=(), loop=()):
        """Instructor answers, except the stub for ``wrong`` and an infinite loop for ``loop``."""
        answers = {}
        for answer_id, _, _ in self.pairs:
            if answer_id in loop:
                answers[answer_id] = INFINITE_LOOP
            elif answer_id not in wrong:
                answers[answer_id] = self.solutions[answer_id]
        return fill_answers(self.released, answers)

    def points_without(self, answer_ids) -> float:
        return sum(points for answer_id, _, points in self.pairs if answer_id not in answer_ids)


def basic_submissions(round_: Round):
    """Correct, untouched and partly wrong (every other exercise left undone)."""
    wrong = {answer_id for answer_id, _, _ in round_.pairs[::2]}
    return {
        "s001_correct.ipynb": (round_.answers(), round_.max_points),
        "s002_blank.ipynb": (round_.released, 0.0),
        "s003_partly.ipynb": (round_.answers(wrong=wrong), round_.points_without(wrong)),
    }


@pytest.fixture(scope="module", params=CHAPTERS, ids=[p.parent.name for p in CHAPTERS])
def chapter_round(request, tmp_path_factory):
    return Round(tmp_path_factory.mktemp(request.param.parent.name), request.param, basic_submissions)


def test_every_chapter_has_graded_exercises(chapter_round):
    assert len(chapter_round.pairs) >= 3, "each chapter grades at least three exercises"
    assert chapter_round.max_points > 0


def test_scores_match_the_right_answers(chapter_round):
    assert chapter_round.collected.returncode == 0, chapter_round.collected.stderr
    got = {student: round(s["total"], 3) for student, s in chapter_round.scores.items()}
    want = {student: round(points, 3) for student, points in chapter_round.expected.items()}
    assert got == want
    assert chapter_round.scores["s001"]["total"] == chapter_round.scores["s001"]["max"]


def test_partly_wrong_loses_exactly_the_wrong_exercises(chapter_round):
    partly = chapter_round.scores["s003"]
    for index, (answer_id, test_id, points) in enumerate(chapter_round.pairs):
        assert partly[test_id] == (0.0 if index % 2 == 0 else points), test_id


def colab_style(nb):
    """What Colab does to a notebook it saves: its own metadata, new cell ids, nbgrader metadata gone."""
    nb = nbformat.from_dict(json.loads(nbformat.writes(nb)))
    nb.metadata = {"colab": {"provenance": [], "name": "ch01_data_shapes.ipynb"},
                   "kernelspec": {"name": "python3", "display_name": "Python 3"},
                   "language_info": {"name": "python"}}
    for index, cell in enumerate(nb.cells):
        cell["id"] = f"colab{index:04d}"
        cell.metadata = {"id": f"colab{index:04d}"}
    return nb

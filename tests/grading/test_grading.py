"""The instructors' grading workflow, end to end, with nbgrader on generated submissions.

For every chapter: generate the student version, collect a folder of
submissions with tools/collect_submissions.py, autograde, and check the scores:
the instructor's answers earn full marks, an untouched student version earns
0, a partly wrong submission earns exactly the points of its right answers.

Chapter 1 also covers the awkward cases: an infinite loop (stopped by the
timeout, the batch goes on), a deleted test cell (put back, no free marks), a
notebook saved by Colab without nbgrader metadata, a broken file (skipped and
reported, nothing else lost), the feedback (no hidden test in it) and the
grade export (every student listed).
"""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from notebook_helpers import (
    ROOT, editions, exercise_pairs, fill_answers, grade_id, read, solutions_by_id, kernel_environment,
)

pytestmark = pytest.mark.slow

CHAPTERS = editions.chapter_notebooks()
INFINITE_LOOP = "while True:\n    pass\n"


def nbgrader(course: Path, *args: str, timeout: int = 1800) -> subprocess.CompletedProcess:
    env = kernel_environment()
    env["COURSE_CELL_TIMEOUT"] = "60"
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
        """The lines (over 8 characters) of the source's hidden tests: none may reach a student's feedback."""
        lines = set()
        for cell in self.source.cells:
            if "### BEGIN HIDDEN TESTS" in cell.source:
                block = cell.source.split("### BEGIN HIDDEN TESTS", 1)[1].split("### END HIDDEN TESTS", 1)[0]
                lines |= {line.strip() for line in block.splitlines() if len(line.strip()) > 8}
        return lines


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


# --- Chapter 1: the awkward cases --------------------------------------------------------

CH01 = ROOT / "book" / "ch01_data_shapes" / "ch01_data_shapes.ipynb"


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


def edge_submissions(round_: Round):
    first_answer, first_test, _ = round_.pairs[0]
    last_answer, last_test, _ = round_.pairs[-1]
    deleted = round_.answers(wrong={first_answer})
    deleted.cells = [c for c in deleted.cells if grade_id(c) != first_test]
    return {
        "s010_loop.ipynb": (round_.answers(loop={last_answer}), round_.points_without({last_answer})),
        "s011_deleted.ipynb": (deleted, round_.points_without({first_answer})),
        "s012_colab.ipynb": (colab_style(round_.answers()), round_.max_points),
        "s013_broken.ipynb": (b'{"cells": [ this is not json', None),
        "ch01_data_shapes.ipynb": (round_.answers(), None),  # no student id in the name
        "s014_correct.ipynb": (round_.answers(), round_.max_points),
    }


@pytest.fixture(scope="module")
def edge_round(tmp_path_factory):
    round_ = Round(tmp_path_factory.mktemp("ch01_edges"), CH01, edge_submissions)
    nbgrader(round_.course, "generate_feedback", round_.assignment)
    nbgrader(round_.course, "export", "--to", str(round_.course / "grading" / "grades.csv"))
    return round_


def test_broken_and_unnamed_files_are_reported_and_nothing_else_is_lost(edge_round):
    assert edge_round.collected.returncode == 2
    assert "s013_broken.ipynb" in edge_round.collected.stderr
    assert "ch01_data_shapes.ipynb" in edge_round.collected.stderr
    assert set(edge_round.scores) == {"s010", "s011", "s012", "s014"}
    assert (edge_round.inbox / "s013_broken.ipynb").exists(), "the broken file stays where it was"


def test_infinite_loop_is_stopped_and_the_batch_goes_on(edge_round):
    assert edge_round.scores["s010"]["total"] == pytest.approx(edge_round.expected["s010"])
    assert edge_round.scores["s014"]["total"] == edge_round.max_points
    autograded = read(edge_round.course / "grading" / "autograded" / "s010" / edge_round.assignment
                      / edge_round.release_path.name)
    enames = [o.get("ename") for c in autograded.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert "CellTimeoutError" in enames or "KeyboardInterrupt" in enames


def test_deleted_test_cell_is_put_back_and_gives_no_free_marks(edge_round):
    first_test = edge_round.pairs[0][1]
    assert edge_round.scores["s011"][first_test] == 0.0
    assert edge_round.scores["s011"]["total"] == pytest.approx(edge_round.expected["s011"])


def test_colab_notebook_without_nbgrader_metadata_is_graded_in_full(edge_round):
    assert "복원" in edge_round.collected.stdout
    assert edge_round.scores["s012"]["total"] == edge_round.max_points


def test_feedback_exists_for_everyone_and_shows_no_hidden_test(edge_round):
    hidden_lines = edge_round.hidden_test_lines()
    assert hidden_lines
    for student in ("s010", "s011", "s012", "s014"):
        html = (edge_round.course / "grading" / "feedback" / student / edge_round.assignment
                / edge_round.release_path.with_suffix(".html").name).read_text(encoding="utf-8")
        assert "HIDDEN TESTS" not in html
        leaked = [line for line in hidden_lines if line in html]
        assert not leaked, f"hidden test lines in {student}'s feedback: {leaked[:3]}"


def test_grade_export_lists_every_student(edge_round):
    with open(edge_round.course / "grading" / "grades.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    by_student = {row["student_id"]: float(row["score"]) for row in rows}
    assert set(by_student) == {"s010", "s011", "s012", "s014"}
    for student, score in by_student.items():
        assert score == pytest.approx(edge_round.scores[student]["total"])

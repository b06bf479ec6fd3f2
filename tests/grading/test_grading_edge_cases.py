"""nbgrader's grading workflow on chapter 1's awkward cases, end to end.

An infinite loop (stopped by the timeout, the batch goes on), a deleted test cell
(put back, no free marks), a notebook saved by Colab without nbgrader metadata, a
broken file (skipped and reported, nothing else lost), the feedback (no hidden test
in it) and the grade export (every student listed). The helpers and the chapters'
rounds are in test_grading.py.
"""

from __future__ import annotations

import csv

import pytest

from notebook_helpers import ROOT, grade_id, page_text, read
from test_grading import Round, colab_style, nbgrader

pytestmark = pytest.mark.slow

CH01 = ROOT / "book" / "ch01_data_shapes" / "ch01_data_shapes.ipynb"


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
        text = page_text((edge_round.course / "grading" / "feedback" / student / edge_round.assignment
                          / edge_round.release_path.with_suffix(".html").name).read_text(encoding="utf-8"))
        assert "HIDDEN TESTS" not in text
        assert "check(" in text, "the page's text holds the test cells' code"
        leaked = [line for line in hidden_lines if line in text]
        assert not leaked, f"hidden test lines in {student}'s feedback: {leaked[:3]}"


def test_grade_export_lists_every_student(edge_round):
    with open(edge_round.course / "grading" / "grades.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    by_student = {row["student_id"]: float(row["score"]) for row in rows}
    assert set(by_student) == {"s010", "s011", "s012", "s014"}
    for student, score in by_student.items():
        assert score == pytest.approx(edge_round.scores[student]["total"])

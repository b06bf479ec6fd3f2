"""The class report's variant part (issue 29): facility per variant group and the copied-answer/foreign-id flags."""

from __future__ import annotations

import csv
import json

from tools import report


def _write(path, rows):
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, report.COLUMNS)
        writer.writeheader()
        writer.writerows(rows)


def _row(student, score, units, reason="", status="ok"):
    return {"student": student, "question": "ch02_stack_params_test", "exercise": "2-2", "score": score, "max": 1,
            "status": status, "reason": reason, "value": "", "diagnosis": "", "diagnosis_kind": "correct" if score
            else "hint", "variant": json.dumps({"inputs": 784, "units": units})}


def test_facility_per_variant_group_and_the_flags(tmp_path):
    copied = "다른 학생의 숫자로 푼 답 (학번 s2): 이 학생의 숫자로는 틀리고 s2의 숫자로 구한 답과 정확히 같습니다"
    rows = [_row("s1", 0, [128, 64, 10], copied, "flagged"), _row("s2", 1, [128, 64, 10]),
            _row("s3", 1, [256, 64, 10]), _row("s4", 0, [256, 32, 10])]
    path = tmp_path / "ch02_linear_questions.csv"
    _write(path, rows)
    assignment = report.analyse("ch02_linear", report.read_questions(path))
    groups = {(g["number"], g["value"]): (g["students"], g["facility"])
              for g in report.variant_groups(assignment.rows, set())}
    assert groups[("units", "128x64x10")] == (2, "0.5") and groups[("units", "256x64x10")] == (1, "1.0")
    assert groups[("inputs", "784")] == (4, "0.5")
    assert report.variant_flags(assignment.rows) == [("s1", "2-2", copied)]
    page = report.page(assignment, {"histogram": "", "items": "", "mistakes:ch02_stack_params_test": ""}, True)
    assert "5. 학생마다 다른 숫자(변형)" in page and "학번 s2" in page
    written = report.write_assignment(assignment, tmp_path)
    assert (tmp_path / "ch02_linear_variants.csv") in written


def test_an_honest_class_and_a_chapter_without_variants_have_no_variant_flags(tmp_path):
    rows = [_row("s1", 1, [128, 64, 10]), _row("s2", 1, [256, 64, 10])]
    path = tmp_path / "ch02_linear_questions.csv"
    _write(path, rows)
    assignment = report.analyse("ch02_linear", report.read_questions(path))
    assert report.variant_flags(assignment.rows) == []
    assert "다른 학생의 숫자로 푼 답도, 다른 학번이 적힌 노트북도 없습니다" in report.page(
        assignment, {"histogram": "", "items": ""}, True)
    old = [{k: v for k, v in r.items() if k != "variant"} for r in rows]  # a CSV from before issue 29
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, [c for c in report.COLUMNS if c != "variant"])
        writer.writeheader()
        writer.writerows(old)
    assignment = report.analyse("ch02_linear", report.read_questions(path))
    assert report.variant_groups(assignment.rows, set()) == [] and "변형" not in report.page(
        assignment, {"histogram": "", "items": ""}, True)

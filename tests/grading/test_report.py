"""tools.report on crafted classes: the counts it states, its statistics against an independent numpy
computation, its edge cases, the course-wide tables, the command, and bytes that do not change."""

from __future__ import annotations

import csv
import math
import random
import re
import subprocess
import sys
import warnings

import numpy as np
import pytest
from bs4 import BeautifulSoup

import report_class as rc
from notebook_helpers import ROOT
from tools import report

CH02 = rc.CH02


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def reports(root):
    return root / "grading" / "reports"


@pytest.fixture(scope="module")
def chapter2(tmp_path_factory):
    """The crafted class of chapter 2, its facts and the reports written from it."""
    root = tmp_path_factory.mktemp("ch02")
    rows, facts = rc.chapter2_class()
    rc.write_questions(reports(root) / f"{CH02}_questions.csv", rows)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        written = report.write_reports(root)
    return root, facts, written, caught


# --- What the report states -----------------------------------------------------------------------

def test_it_writes_every_file(chapter2):
    root, _, written, _ = chapter2
    names = [p.name for p in written]
    assert names == [f"{CH02}_items.csv", f"{CH02}_mistakes.csv", f"{CH02}_report.html", "course_students.csv",
                     "lms_grades.csv", "course_items.csv"]
    assert all(p.parent == reports(root) and p.stat().st_size > 0 for p in written)
    assert not list(reports(root).glob("*.tmp"))


def test_items_count_the_statuses_and_leave_the_failed_student_out(chapter2):
    root, facts, _, _ = chapter2
    items = {r["exercise"]: r for r in read_csv(reports(root) / f"{CH02}_items.csv")}
    assert list(items) == ["2-1", "2-2", "2-3", "2-4"]
    assert {r["graded"] for r in items.values()} == {str(facts["graded"])}
    assert {r["failed"] for r in items.values()} == {"1"}
    assert [items[x]["flagged"] for x in items] == ["0", "0", "0", "2"]
    assert [items[x]["kernel_died"] for x in items] == ["0", "0", "0", "1"]
    assert [items[x]["missing"] for x in items] == ["0", "0", "1", "0"]
    assert [items[x]["max"] for x in items] == ["1.0", "1.0", "1.0", "2.0"]


def test_mistakes_state_the_known_patterns(chapter2):
    root, facts, _, _ = chapter2
    mistakes = read_csv(reports(root) / f"{CH02}_mistakes.csv")

    def group(exercise, kind, text):
        found = [m for m in mistakes if m["exercise"] == exercise and m["kind"] == kind and text in m["diagnosis"]]
        assert len(found) == 1, (exercise, kind, text, found)
        return found[0]

    bias = group("2-1", "hint", "편향(bias)을 빠뜨렸습니다")
    assert int(bias["count"]) == 10 and bias["students"].split() == facts["2-1 no bias"]
    assert bias["value"] == "(6, 13)" and bias["share"] == str(round(10 / 29, 4))
    flat = group("2-3", "hint", "펼치지(flatten)")
    assert int(flat["count"]) == 5 and flat["students"].split() == facts["2-3 flattened"]
    unanswered = group("2-2", "unanswered", "아직 답을 넣지 않았습니다")
    assert int(unanswered["count"]) == 3 and unanswered["students"].split() == facts["unanswered 2-2"]
    assert int(group("2-1", "type", "문자열(str)")["count"]) == 1
    assert int(group("2-4", "function", "bias1을 빠뜨렸습니다")["count"]) == 3
    assert int(group("2-4", "function", "return 문")["count"]) == 1
    # the failed student, the flagged (passing) answers, kernel deaths and missing cells are no mistakes
    assert not any("s30" in m["students"].split() or "s19" in m["students"].split() for m in mistakes)
    assert {m["kind"] for m in mistakes} == {"hint", "type", "unanswered", "function"}
    # largest group first within a question
    for exercise in ("2-1", "2-2", "2-3", "2-4"):
        counts = [int(m["count"]) for m in mistakes if m["exercise"] == exercise]
        assert counts == sorted(counts, reverse=True)


def _page(root, name=CH02):
    return BeautifulSoup((reports(root) / f"{name}_report.html").read_text(encoding="utf-8"), "html.parser")


def test_the_page_states_the_same_counts(chapter2):
    root, facts, _, _ = chapter2
    soup = _page(root)
    text = soup.get_text(" ", strip=True)
    assert f"채점한 학생 {facts['graded']}명" in text and "채점에 실패한 학생 1명" in text
    rows = [[td.get_text(" ", strip=True) for td in tr.find_all("td")] for tr in soup.find_all("tr")]
    bias = [r for r in rows if len(r) == 5 and "편향(bias)을 빠뜨렸습니다" in r[1]]
    assert [r[3] for r in bias] == ["10"] and bias[0][4].split() == facts["2-1 no bias"]
    assert [r[3] for r in rows if len(r) == 5 and "펼치지(flatten)" in r[1]] == ["5"]
    assert [r[3] for r in rows if len(r) == 5 and r[0] == "답 없음"] == ["3"]
    flagged = [r for r in rows if len(r) == 4 and r[2].startswith("조작 의심")]
    assert [(r[0], r[1]) for r in flagged] == [("s19", "연습 2-4"), ("s20", "연습 2-4")]
    assert "코드 검사: builtins 모듈을 가져옴" in flagged[0][3]
    assert ["s30", "노트북 전체 시간 제한(900초)을 넘김"] in rows
    # the thresholds are stated on the page
    for words in ("0.3 미만이면 너무 어려움", "0.9보다 크면 너무 쉬움", "0.2 미만이면 변별도 낮음"):
        assert words in text


def test_the_module_examples_hold():
    import doctest

    assert doctest.testmod(report).failed == 0


def test_attention_is_named_in_words():
    item = report.Item("q", "1-1", 30, 0.2, 1.0, 0.2, -0.1, 0.15)
    notes = report.attention(item)
    assert any(n.startswith("너무 어려움: 정답률 0.20") for n in notes)
    assert any(n.startswith("변별도 음수") and "점이연 상관 -0.10" in n for n in notes)
    assert any(n.startswith("변별도 낮음") and "상하 27% 지수 0.15" in n for n in notes)
    assert report.attention(report.Item("q", "1-1", 30, 0.95, 1.0, 0.95, 0.3, 0.4)) == ["너무 쉬움: 정답률 0.95 (> 0.9)"]
    assert report.attention(report.Item("q", "1-1", 30, 0.5, 1.0, 0.5, 0.3, 0.4)) == []


# --- The statistics, against an independent computation ------------------------------------------

def independent_statistics(path):
    """Facility and both discrimination indices straight from the CSV, with numpy only (no tools.report)."""
    records = read_csv(path)
    failed = {r["student"] for r in records if r["status"] == "failed"}
    kept = [r for r in records if r["student"] not in failed]
    students = sorted({r["student"] for r in kept})
    questions = list(dict.fromkeys(r["question"] for r in sorted(kept, key=lambda r: [int(n) for n in
                                                                                      r["exercise"].split("-")])))
    score = np.zeros((len(students), len(questions)))
    top = np.zeros(len(questions))
    for r in kept:
        score[students.index(r["student"]), questions.index(r["question"])] = float(r["score"])
        top[questions.index(r["question"])] = float(r["max"])
    total = score.sum(axis=1)
    n = len(students)
    k = max(1, int(np.floor(0.27 * n + 0.5)))
    out = {}
    for j, question in enumerate(questions):
        x = score[:, j]
        facility = x.mean() / top[j]
        rest = total - x
        pb = np.nan if x.std() == 0 or rest.std() == 0 else np.corrcoef(x, rest)[0, 1]
        out[question] = (facility, pb, upper_lower_by_tie_groups(x, total, k, top[j]))
    return out


def upper_lower_by_tie_groups(x, total, k, top):
    """Walk the tie groups of the totals from the top (bottom), filling k places; a group cut in two counts pro rata."""
    if x.std() == 0 or total.std() == 0:
        return np.nan

    def group_mean(descending):
        filled, weighted = 0.0, 0.0
        for value in sorted(set(total.tolist()), reverse=descending):
            members = x[total == value]
            take = min(len(members), k - filled)
            weighted += take * members.mean()
            filled += take
            if filled >= k:
                break
        return weighted / k

    return (group_mean(True) - group_mean(False)) / top


def _same(a, b, tol):
    return (math.isnan(a) and math.isnan(b)) or abs(a - b) <= tol


@pytest.mark.parametrize("make", ["chapter2", "synthetic"])
def test_statistics_equal_an_independent_numpy_computation(make, tmp_path):
    rows = rc.chapter2_class()[0] if make == "chapter2" else rc.synthetic_class(300, 5, seed=7)
    path = rc.write_questions(reports(tmp_path) / "a_questions.csv", rows)
    expected = independent_statistics(path)
    analysed = report.analyse("a", report.read_questions(path))
    assert [i.question for i in analysed.items] == list(expected)
    report.write_reports(tmp_path)
    written = {r["question"]: r for r in read_csv(reports(tmp_path) / "a_items.csv")}
    for item in analysed.items:
        facility, pb, ul = expected[item.question]
        assert _same(item.facility, facility, 1e-12), item
        assert _same(item.point_biserial, pb, 1e-12), (item, pb)
        assert _same(item.upper_lower, ul, 1e-12), (item, ul)
        row = written[item.question]
        for column, value in (("facility", facility), ("point_biserial", pb), ("upper_lower_27", ul)):
            assert (row[column] == "") if math.isnan(value) else abs(float(row[column]) - value) <= 5e-5, (column, row)
    if make == "chapter2":  # the crafted class has real spread: the indices are defined
        assert not any(math.isnan(i.point_biserial) or math.isnan(i.upper_lower) for i in analysed.items)


def _tiny_class(scores, points=1.0):
    return [{"student": f"t{s}", "question": f"q{q + 1}", "exercise": f"1-{q + 1}", "score": repr(float(v)),
             "max": repr(points), "status": "ok", "reason": "", "value": "", "diagnosis": "통과" if v else "",
             "diagnosis_kind": "correct" if v else "unclassified"}
            for s, row in enumerate(scores) for q, v in enumerate(row)]


def test_ties_at_the_27_percent_cut_share_the_places(tmp_path):
    # 5 students, k = floor(0.27 * 5 + 0.5) = 1: t0 and t1 tie at the top (total 2) and share the one place.
    scores = [(1, 1, 0), (0, 1, 1), (1, 0, 0), (0, 0, 1), (0, 0, 0)]
    rows = _tiny_class(scores)
    path = rc.write_questions(reports(tmp_path) / "tie_questions.csv", rows)
    first = report.analyse("tie", report.read_questions(path)).items[0]
    assert first.upper_lower == pytest.approx(0.5)  # (0.5 * 1 + 0.5 * 0) - 0
    # the order of the rows and the students' names change nothing
    shuffled = list(rows)
    random.Random(3).shuffle(shuffled)
    renamed = [dict(r, student={"t0": "z9", "t1": "a0"}.get(r["student"], r["student"])) for r in shuffled]
    path = rc.write_questions(reports(tmp_path) / "tie_questions.csv", renamed)
    assert report.analyse("tie", report.read_questions(path)).items[0].upper_lower == pytest.approx(0.5)
    assert report.group_weights(np.array([2., 2., 1., 1., 0.]), top=True).tolist() == [0.5, 0.5, 0, 0, 0]
    assert report.group_weights(np.array([2., 2., 1., 1., 0.]), top=False).tolist() == [0, 0, 0, 0, 1]


def test_undefined_indices_are_empty_in_the_csv_and_a_dash_on_the_page(tmp_path):
    # q1: everyone right (no variance); q2 and q3 vary
    rows = _tiny_class([(1, 1, 0), (1, 0, 1), (1, 1, 1), (1, 0, 0)])
    rc.write_questions(reports(tmp_path) / "flat_questions.csv", rows)
    report.write_reports(tmp_path)
    items = read_csv(reports(tmp_path) / "flat_items.csv")
    assert (items[0]["facility"], items[0]["point_biserial"], items[0]["upper_lower_27"]) == ("1.0", "", "")
    assert items[1]["point_biserial"] != "" and items[1]["upper_lower_27"] != ""
    soup = _page(tmp_path, "flat")
    first = [td.get_text(strip=True) for td in soup.find("table").find("tbody").find("tr").find_all("td")]
    assert first[5:8] == ["1.00", "—", "—"]
    text = soup.get_text(" ", strip=True)
    assert "너무 쉬움: 정답률 1.00 (> 0.9)" in text
    assert "모든 학생이 이 문항에서 같은 점수를 받아 변별도를 계산할 수 없습니다 (—)" in text
    assert "학생이 10명 미만이라" in text


def test_one_student_no_graded_student_and_no_row(tmp_path):
    rc.write_questions(reports(tmp_path) / "one_questions.csv", _tiny_class([(1, 0)]))
    failed = [dict(r, score="", status="failed", reason="채점 프로세스가 실패함", diagnosis_kind="none")
              for r in _tiny_class([(1, 0), (0, 0)])]
    rc.write_questions(reports(tmp_path) / "none_questions.csv", failed)
    report.write_reports(tmp_path)
    one = read_csv(reports(tmp_path) / "one_items.csv")
    assert [(r["graded"], r["facility"], r["point_biserial"], r["upper_lower_27"]) for r in one] == [
        ("1", "1.0", "", ""), ("1", "0.0", "", "")]
    (reports(tmp_path) / "empty_questions.csv").write_text(",".join(rc.COLUMNS) + "\n", encoding="utf-8")
    report.write_reports(tmp_path)  # a CSV with no row yet: empty tables, a page that says so, no error
    assert read_csv(reports(tmp_path) / "empty_items.csv") == []
    assert "채점한 학생 0명" in _page(tmp_path, "empty").get_text(" ", strip=True)
    none = read_csv(reports(tmp_path) / "none_items.csv")
    assert [(r["graded"], r["mean"], r["facility"], r["failed"]) for r in none] == [("0", "", "", "2")] * 2
    assert "채점 실패(failed) 2명" in _page(tmp_path, "none").get_text(" ", strip=True)


# --- Unclassified wrong values --------------------------------------------------------------------

def test_unclassified_values_are_grouped_top_five_and_the_rest(tmp_path):
    rc.write_questions(reports(tmp_path) / "ch06_gan_questions.csv", rc.choice_class())
    report.write_reports(tmp_path)
    mistakes = read_csv(reports(tmp_path) / "ch06_gan_mistakes.csv")
    unclassified = [(m["value"], int(m["count"])) for m in mistakes if m["kind"] == "unclassified"]
    assert unclassified == [("'A'", 6), ("'C'", 4), ("'D'", 3), ("' d'", 2), ("'a'", 2)]
    rest = [m for m in mistakes if m["kind"] == "unclassified_rest"]
    assert [(m["diagnosis"], m["count"]) for m in rest] == [("그 밖의 값 2가지", "2")]
    assert mistakes[-1]["kind"] == "unclassified_rest"
    assert [int(m["count"]) for m in mistakes if m["kind"] == "type"] == [1]
    # the diagnosis the learners saw is the visible check's real message
    assert all("강사의 채점(숨은 테스트)" in m["diagnosis"] for m in mistakes if m["kind"] == "unclassified")


def test_the_helper_classifies_with_the_real_declarations():
    right, wrong = rc._answers()
    assert rc.diagnose("2-1", right["2-1"]) == ("통과", "correct")
    text, kind = rc.diagnose("2-1", wrong["2-1 no bias"])
    assert kind == "hint" and text.startswith("아직 정답이 아닙니다. 편향(bias)") and "연습 2-1" not in text
    assert rc.diagnose("2-3", wrong["2-3 flattened"])[1] == "hint"
    assert rc.diagnose("2-1", wrong["2-1 string"])[1] == "type"
    assert rc.diagnose("2-2", rc.UNANSWERED)[1] == "unanswered"
    assert rc.diagnose("2-4", wrong["2-4 no bias"])[1] == "function"
    assert rc.diagnose("6-3", "A", hidden_test_passes=False)[1] == "hint"   # 6-3 names each wrong option's mistake
    assert rc.diagnose("6-3", "A", hidden_test_passes=False, exercise=rc.CONCEPTUAL)[1] == "unclassified"


# --- Course-wide tables and the command -----------------------------------------------------------

def test_course_tables_and_the_lms_file(tmp_path):
    rows, _ = rc.chapter2_class()
    rc.write_questions(reports(tmp_path) / f"{CH02}_questions.csv", rows)
    extra = [dict(r, student=s) for s in ("s01", "s30", "s99") for r in _tiny_class([(1, 1)])[:2]]
    rc.write_questions(reports(tmp_path) / "ch01_data_shapes_questions.csv", extra)
    report.write_reports(tmp_path, [CH02])
    students = read_csv(reports(tmp_path) / "course_students.csv")
    assert list(students[0]) == ["student", "ch01_data_shapes", CH02, "total"]
    by_id = {r["student"]: r for r in students}
    assert by_id["s01"] == {"student": "s01", "ch01_data_shapes": "2.0", CH02: "3.0", "total": "5.0"}
    assert by_id["s30"] == {"student": "s30", "ch01_data_shapes": "2.0", CH02: "failed", "total": ""}
    assert by_id["s99"][CH02] == "" and by_id["s99"]["total"] == "2.0"
    assert by_id["s24"]["ch01_data_shapes"] == "" and by_id["s24"]["total"] == "5.0"
    lms = (reports(tmp_path) / "lms_grades.csv").read_text(encoding="utf-8").splitlines()
    assert lms[0] == "student_id,total" and "s01,5.0" in lms and "s30," in lms and len(lms) == 1 + len(students)
    items = read_csv(reports(tmp_path) / "course_items.csv")
    assert [(r["assignment"], r["exercise"]) for r in items] == [
        ("ch01_data_shapes", "1-1"), ("ch01_data_shapes", "1-2"), (CH02, "2-1"), (CH02, "2-2"), (CH02, "2-3"),
        (CH02, "2-4")]
    assert items[2] == {"assignment": CH02, **read_csv(reports(tmp_path) / f"{CH02}_items.csv")[0]}
    # only the asked assignment's own report was written
    assert not (reports(tmp_path) / "ch01_data_shapes_report.html").exists()


def test_the_command(tmp_path, capsys):
    rows, _ = rc.chapter2_class()
    rc.write_questions(reports(tmp_path) / f"{CH02}_questions.csv", rows)
    assert report.main(["--root", str(tmp_path)]) == 0
    out = capsys.readouterr()
    assert f"grading/reports/{CH02}_report.html" in out.out
    assert "채점 실패가 남은 학생 1명(s30)" in out.err
    assert report.main([CH02, "ch09_none", "--root", str(tmp_path)]) == 2
    assert "ch09_none_questions.csv가 없습니다" in capsys.readouterr().err
    empty = tmp_path / "empty"
    assert report.main(["--root", str(empty)]) == 2
    assert "채점 결과(*_questions.csv)가 없습니다" in capsys.readouterr().err


def test_a_malformed_csv_gets_a_korean_error(tmp_path):
    path = reports(tmp_path) / "bad_questions.csv"
    rows = _tiny_class([(1, 0)])
    rc.write_questions(path, [dict(rows[0], status="great")])
    with pytest.raises(report.ReportError, match="알 수 없는 상태 'great'"):
        report.write_reports(tmp_path)
    rc.write_questions(path, [rows[0], rows[0]])
    with pytest.raises(report.ReportError, match="두 번 이상"):
        report.write_reports(tmp_path)
    rc.write_questions(path, [dict(rows[0], score="")])
    with pytest.raises(report.ReportError, match="점수가 비어 있습니다"):
        report.write_reports(tmp_path)


# --- Same rows, same bytes ------------------------------------------------------------------------

def test_the_report_is_byte_for_byte_reproducible(tmp_path):
    rows, _ = rc.chapter2_class()
    path = rc.write_questions(reports(tmp_path) / f"{CH02}_questions.csv", rows)
    first = {p.name: p.read_bytes() for p in report.write_reports(tmp_path)}
    again = {p.name: p.read_bytes() for p in report.write_reports(tmp_path)}
    assert first == again
    shuffled = list(rows)  # a resumed run writes the same rows in another order
    random.Random(1).shuffle(shuffled)
    rc.write_questions(path, shuffled)
    assert {p.name: p.read_bytes() for p in report.write_reports(tmp_path)} == first
    # ... and so does the command in a new process
    subprocess.run([sys.executable, "-m", "tools.report", "--root", str(tmp_path)], cwd=ROOT, check=True,
                   capture_output=True)
    assert {name: (reports(tmp_path) / name).read_bytes() for name in first} == first
    page = first[f"{CH02}_report.html"].decode("utf-8")
    assert not re.search(r"20\d\d-\d\d-\d\d|\d\d:\d\d:\d\d", page), "no time on the page"
    for uri in re.findall(r'src="data:image/png;base64,([^"]+)"', page):
        import base64
        assert b"Software" not in base64.b64decode(uri)[:4000] and b"tIME" not in base64.b64decode(uri)


# --- Hangul in the charts -------------------------------------------------------------------------

def test_charts_use_a_korean_font_that_has_every_glyph(chapter2, tmp_path, caplog):
    from matplotlib.text import Text

    found = report.korean_font()
    assert found is not None, "no Korean font: bash scripts/install_system_packages.sh installs fonts-nanum"
    name, path = found
    hangul = report._charmap(path)
    fonts = [report._charmap(p) for p in report.chart_fonts()]
    root, _, _, caught = chapter2
    assert not [w for w in caught if "missing from font" in str(w.message) or w.category is report.KoreanFontWarning]
    rows = rc.chapter2_class()[0] + [dict(r, student=f"{r['student']}b") for r in rc.choice_class()]
    analysed = report.analyse(CH02, report.read_questions(rc.write_questions(tmp_path / "q.csv", rows)))
    with warnings.catch_warnings(record=True) as drawn:
        warnings.simplefilter("always")
        with report.chart_style():
            import matplotlib
            assert matplotlib.rcParams["font.family"][0] == name
            charts = report.figures(analysed)
            texts = [t.get_text() for fig in charts.values() for t in fig.findobj(Text) if t.get_text()]
            for fig in charts.values():
                fig.canvas.draw()
    assert not [w for w in drawn if "missing from font" in str(w.message)]
    assert not [r for r in caplog.records if r.name.startswith("matplotlib") and r.levelno >= 30], caplog.records
    joined = "".join(texts)
    assert re.search("[가-힣]", joined) and "편향(bias)" in joined
    for char in set(joined) - set(" \n"):
        if "\uac00" <= char <= "\ud7a3":
            assert ord(char) in hangul, (char, path)
        assert any(ord(char) in charmap for charmap in fonts), char
    # a student's value may hold anything: what no font has becomes "?", and "$" is no math
    missing = next(c for c in "\U0001fa90\U0001f9ea\ue000\U00020000" if not any(ord(c) in m for m in fonts))
    assert report.drawable(f"값 {missing} $x$") == "값 ? $x$"


def test_without_a_korean_font_it_warns_and_draws_no_boxes(tmp_path, monkeypatch):
    monkeypatch.setattr(report, "korean_font", lambda: None)
    rc.write_questions(reports(tmp_path) / f"{CH02}_questions.csv", rc.chapter2_class()[0])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        report.write_reports(tmp_path)
    assert [w for w in caught if w.category is report.KoreanFontWarning]
    assert "fonts-nanum" in str(next(w for w in caught if w.category is report.KoreanFontWarning).message)
    assert not [w for w in caught if "missing from font" in str(w.message)]
    assert "한글 글꼴을 찾지 못해" in _page(tmp_path).get_text()
    assert report.drawable("연습 2-1 (6, 13)") == "?? 2-1 (6, 13)"


# --- The benchmark row ----------------------------------------------------------------------------

def test_the_benchmark_row_runs(capsys):
    from benchmarks.bench_grading import report_row

    report_row(60, 3)
    out = capsys.readouterr().out
    assert re.match(r"tools\.report, 60 students x 3 questions .* command [\d.]+ s .* write_reports [\d.]+ s", out), out


def test_the_instructor_guide_states_the_same_definitions():
    guide = (ROOT / "book" / "instructor_guide.md").read_text(encoding="utf-8")
    section = guide[guide.index("## 5. 채점 보고서"):]
    for words in (f"정답률 **{report.TOO_HARD} 미만**", f"**{report.TOO_EASY} 초과**", f"**{report.LOW_DISCRIMINATION} 미만**",
                  "⌊0.27 n + 0.5⌋", "python -m tools.report", "lms_grades.csv", "student_id,total", "fonts-nanum",
                  *report.ITEM_COLUMNS[5:], "unclassified_rest"):
        assert words in section, words
    assert report.UPPER_LOWER_SHARE == 0.27 and report.TOP_VALUES == 5 and report.FEW_STUDENTS == 10


def test_the_current_graders_csv_without_diagnoses_still_gives_the_statistics(tmp_path):
    """tools.grade before its rewrite writes student,question,score,max,status,reason: no mistakes, same numbers."""
    rows, _ = rc.chapter2_class()
    path = reports(tmp_path) / f"{CH02}_questions.csv"
    old_columns = ("student", "question", "score", "max", "status", "reason")
    path.parent.mkdir(parents=True)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, old_columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    report.write_reports(tmp_path)
    assert read_csv(reports(tmp_path) / f"{CH02}_mistakes.csv") == []
    items = read_csv(reports(tmp_path) / f"{CH02}_items.csv")
    expected = independent_statistics(rc.write_questions(tmp_path / "full.csv", rows))
    assert sorted(r["question"] for r in items) == sorted(expected)
    for r in items:
        assert abs(float(r["facility"]) - expected[r["question"]][0]) <= 5e-5
    assert "진단된 오답이 없습니다" in _page(tmp_path).get_text()

"""The numbers chapter 6 states about its pretrained generator (6.7), checked against its record."""

from __future__ import annotations

from pathlib import Path

import nbformat

from course_utils import pretrained

NOTEBOOK = Path(__file__).resolve().parents[1] / "book/ch06_gan/ch06_gan.ipynb"


def _markdown():
    return "\n".join(c.source for c in nbformat.read(NOTEBOOK, as_version=4).cells if c.cell_type == "markdown")


def test_training_tricks_in_the_prose_are_the_recorded_ones():
    record = pretrained.info("ch06_generator")
    text = _markdown()
    assert record["real_label"] == 0.9 and "0.9로 줍니다" in text and "make_gan(real_label=0.9)" in text
    assert record["ema_decay"] == 0.999 and "ema = 0.999 × ema + 0.001 × 현재 가중치" in text
    assert round(1 / (1 - record["ema_decay"])) == 1000 and "최근 약 1,000단계" in text  # the EMA's memory
    assert record["batch_size"] == 64 and "배치 64로" in text
    assert record["steps"] >= 2000 and "수천 단계" in text
    assert "Adam(learning_rate=0.0002, beta_1=0.5)" in record["optimizer"]


def test_quality_table_and_progression_come_from_the_record():
    record = pretrained.info("ch06_generator")
    steps = [int(s) for s in record["quality_by_step"]]
    assert steps == record["progress_steps"] == pretrained.generator_progress()["steps"].tolist()
    for quality in record["quality_by_step"].values():
        assert set(quality) == {"raw", "ema"}
    assert "1000 samples" in record["quality_note"] and "생성 숫자 1,000장" in _markdown()
    assert "같은 노이즈 8개" in _markdown() and pretrained.generator_progress()["images"].shape[1] >= 8


def test_ema_made_little_difference_as_the_prose_says():
    record = pretrained.info("ch06_generator")
    final = record["quality_by_step"][str(record["steps"])]
    assert abs(final["raw"]["confident"] - final["ema"]["confident"]) < 0.05
    assert "이 학습에서는 차이가\n   크지 않았습니다" in _markdown()

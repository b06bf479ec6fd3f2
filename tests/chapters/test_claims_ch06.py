"""The numbers chapter 6 states about its pretrained generator (6.7), checked against its record."""

from __future__ import annotations

from pathlib import Path

import nbformat

from course_utils import pretrained

NOTEBOOK = Path(__file__).resolve().parents[2] / "book/ch06_gan/ch06_gan.ipynb"


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


# --- 6.8: mode collapse, measured (tools/train_models.py --only ch06_collapse) ----------------------------

def test_collapse_run_changes_only_the_learning_rates_of_the_chapter():
    from tools.train_models import COLLAPSE_SETTINGS, GAN_SETTINGS

    bad, good = pretrained.collapse_run(), pretrained.info("ch06_generator")
    assert bad["quick"] is False and bad["seed"] == good["seed"] and bad["data"] == good["data"]
    assert bad["batch_size"] == good["batch_size"] and bad["real_label"] == good["real_label"]
    assert bad["steps"] == COLLAPSE_SETTINGS["steps"] and bad["steps"] in good["progress_steps"]
    assert COLLAPSE_SETTINGS["g_learning_rate"] == 10 * GAN_SETTINGS["learning_rate"]
    assert abs(COLLAPSE_SETTINGS["d_learning_rate"] * 100 - GAN_SETTINGS["learning_rate"]) < 1e-12
    assert f"Adam(learning_rate={COLLAPSE_SETTINGS['g_learning_rate']}, beta_1=0.5)" == bad["g_optimizer"]
    assert f"Adam(learning_rate={COLLAPSE_SETTINGS['d_learning_rate']}, beta_1=0.5)" == bad["d_optimizer"]
    assert "1000 samples from sample_noise(seed=1234)" in bad["quality_note"]
    assert "sample_noise(seed=1234)" in good["quality_note"]
    assert bad["images"].shape == (16, 28, 28) and bad["images"].dtype.name == "uint8"
    assert bad["sample_noise_seed"] == good["progress_noise_seed"]  # the grid compares the same noise
    assert not (pretrained.checkpoint_dir() / "ch06_collapse.weights.npz").exists()  # record only


def test_the_bad_setting_collapses_and_the_chapter_setting_does_not():
    from tools.train_models import COLLAPSE_SETTINGS

    bad = pretrained.collapse_run()["quality_by_step"]
    good = pretrained.info("ch06_generator")["quality_by_step"]
    assert list(bad) == [str(s) for s in COLLAPSE_SETTINGS["quality_steps"]] and set(bad) <= set(good)
    for step, quality in bad.items():
        healthy = good[step]["raw"]
        assert sum(quality["counts"]) == round(quality["confident"] * 1000)
        assert quality["digits"] == sum(c > 0 for c in quality["counts"])
        # the prose: "한 가지로 몰려" (collapsed); "어느 단계에서나 숫자 가짓수가 더 많고 최다 숫자 비율이 더 낮으며" (healthy)
        assert quality["digits"] == 1 and quality["largest_share"] == 1.0
        assert quality["digits"] < healthy["digits"] and quality["largest_share"] > healthy["largest_share"]
        # "그 거의 전부를 8로, 그것도 확률 0.9 이상으로 읽습니다" (the pictures are textures, not digits)
        assert quality["counts"].index(max(quality["counts"])) == 8 and quality["confident"] >= 0.95
    assert good[list(bad)[-1]]["raw"]["digits"] == 10  # "마지막 단계에서는 열 가지 숫자가 모두 나옵니다"
    text = _markdown()
    assert "어느 단계에서나 숫자 가짓수가 더 많고 최다 숫자 비율이 더 낮으며, 마지막 단계에서는 열 가지 숫자가\n모두 나옵니다" in text
    assert "분류기는 그 거의 전부를 8로, 그것도 확률 0.9 이상으로 읽습니다" in text.replace("\n", " ")
    assert "'숫자 가짓수 1, 최다 숫자 비율 100%'" in text


def test_collapse_prose_states_the_recorded_setting():
    from tools.train_models import COLLAPSE_SETTINGS, GAN_SETTINGS

    text = _markdown()
    assert "**모드 붕괴**(mode collapse)" in text and "## 6.8 GAN이 실패할 때: 모드 붕괴" in text
    assert text.index("## 6.8") < text.index("## 정리")
    assert GAN_SETTINGS["learning_rate"] == 0.0002 and "이 장의 설정(0.0002)의 10배인 0.002로" in text
    assert COLLAPSE_SETTINGS["g_learning_rate"] == 0.002 and COLLAPSE_SETTINGS["d_learning_rate"] == 0.000002
    assert "판별자의 학습률을 100분의 1인 0.000002로" in text and "두 학습률을 같은 0.0002로" in text
    assert "생성 숫자 1,000장을 분류기에 넣고" in text and "마지막 단계의 샘플 16장" in text

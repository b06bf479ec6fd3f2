"""The numbers chapter 6 states about its pretrained generators (6.7) and mode collapse (6.8), checked against their records."""

from __future__ import annotations

import functools
from pathlib import Path

import nbformat
import numpy as np
import pytest

from course_utils import pretrained

NOTEBOOK = Path(__file__).resolve().parents[2] / "book/ch06_gan/ch06_gan.ipynb"


def _markdown():
    return "\n".join(c.source for c in nbformat.read(NOTEBOOK, as_version=4).cells if c.cell_type == "markdown")


def test_training_tricks_in_the_prose_are_the_recorded_ones():
    record = pretrained.info("ch06_dcgan")
    text = _markdown()
    assert record["real_label"] == 0.9 and "0.9로 줍니다" in text and "make_gan(real_label=0.9)" in text
    assert record["ema_decay"] == 0.999 and "ema = 0.999 × ema + 0.001 × 현재 가중치" in text
    assert round(1 / (1 - record["ema_decay"])) == 1000 and "최근 약 1,000단계" in text  # the EMA's memory
    assert record["batch_size"] == 64 and "배치 64로" in text
    assert record["steps"] >= 2000 and "수천 단계" in text
    assert "Adam(learning_rate=0.0002, beta_1=0.5)" in record["optimizer"]


@pytest.mark.parametrize("name", ["ch06_dcgan", "ch06_generator"])
def test_quality_table_and_progression_come_from_the_record(name):
    record = pretrained.info(name)
    steps = [int(s) for s in record["quality_by_step"]]
    assert steps == record["progress_steps"] == pretrained.generator_progress(name)["steps"].tolist()
    for quality in record["quality_by_step"].values():
        assert set(quality) == {"raw", "ema"}
    assert "1000 samples" in record["quality_note"] and "생성 숫자 1,000장" in _markdown()
    assert "같은 노이즈 8개" in _markdown() and pretrained.generator_progress(name)["images"].shape[1] >= 8


def test_ema_made_little_difference_as_the_prose_says():
    record = pretrained.info("ch06_dcgan")
    final = record["quality_by_step"][str(record["steps"])]
    assert abs(final["raw"]["confident"] - final["ema"]["confident"]) < 0.05
    assert "이 학습에서는 차이가\n   크지 않았습니다" in _markdown()


def _ema(name, step):
    return pretrained.info(name)["quality_by_step"][str(step)]["ema"]["confident"]


def test_dcgan_rises_fast_then_slowly_to_a_little_above_half():
    record = pretrained.info("ch06_dcgan")
    last = record["steps"]
    text = _markdown()
    # "처음 1,000단계 동안 빠르게 오르다가, 그 뒤로는 천천히 오릅니다"
    assert last == 3000 and _ema("ch06_dcgan", 1000) - _ema("ch06_dcgan", 0) > 2 * (_ema("ch06_dcgan", last)
                                                                                      - _ema("ch06_dcgan", 1000))
    assert "처음 1,000단계 동안 빠르게 오르다가, 그 뒤로는 천천히 오릅니다" in text
    assert 0.5 < _ema("ch06_dcgan", last) < 0.6 and "**절반을 조금 넘는** 정도" in text


@functools.lru_cache(maxsize=1)
def _real_confident() -> float:
    """The classifier's confident share on the 1,000 real test digits (6.7's baseline line)."""
    from course_utils.data import load_mnist

    _, (x_test, _) = load_mnist(offline=True, verbose=False)
    return pretrained.digit_census(pretrained.classify(x_test / 255.0))["confident"]


def test_real_digits_are_read_confidently_above_90_percent():
    assert _real_confident() > 0.9 and "진짜 숫자는 같은 분류기가 90% 넘게 확신하며 읽으니" in _markdown()


def test_conditional_gan_is_the_dcgan_plus_the_labels():
    dcgan, conditional = pretrained.info("ch06_dcgan"), pretrained.info("ch06_generator")
    for key in ("data", "train_images", "seed", "steps", "batch_size", "optimizer", "ema_decay", "progress_steps",
                "progress_noise_seed", "quality_note"):
        assert dcgan[key] == conditional[key], key
    assert conditional["real_label"] == 1.0 and dcgan["real_label"] == 0.9 and "ConditionalGAN" in conditional["conditional"]
    text = _markdown()
    assert "단계 수, 배치와 그 순서, 시드, 옵티마이저, 이동 평균은 `ch06_dcgan`과 같습니다. 레이블 스무딩은 쓰지 않았습니다(진짜의 정답 1.0)." in text
    assert "노이즈의 처음 10개 값 가운데 가장 큰 값의 자리를 '그릴 숫자'로 정하고(`DigitFromNoise`)" in text


def test_conditional_generator_draws_the_chosen_digit_as_the_summary_says():
    from course_utils.gan import digits_of_noise, sample_noise

    noise = sample_noise(1000, seed=2026)  # the chapter's noise
    images = np.asarray(pretrained.load("ch06_generator")(noise, training=False))
    agree = (pretrained.classify((images + 1) / 2).argmax(axis=1) == digits_of_noise(noise)).mean()
    assert agree >= 0.9 and "노이즈가 고른 숫자를 그립니다" in _markdown()
    # "대부분은 고른 숫자를 그리지만, 가끔은 다른 숫자로 읽히는 모양을 그리기도 합니다"
    assert agree < 1.0 and "대부분은 고른 숫자를 그리지만, 가끔은 다른 숫자로 읽히는 모양을 그리기도 합니다" in _markdown()


def test_conditional_gan_beats_the_dcgan_as_the_comparison_says():
    dcgan, conditional = (pretrained.info(n)["quality_by_step"] for n in ("ch06_dcgan", "ch06_generator"))
    last = str(pretrained.info("ch06_generator")["steps"])
    text = _markdown().replace("\n", " ")
    # "학습을 시작한 뒤로 어느 단계에서나 DCGAN보다 높고"
    assert all(conditional[s]["ema"]["confident"] > dcgan[s]["ema"]["confident"] for s in conditional if s != "0")
    assert "조건부 GAN은 학습을 시작한 뒤로 어느 단계에서나 DCGAN보다 높고" in text
    # "1,000단계에서 이미 DCGAN의 3,000단계 값을 넘습니다"
    assert last == "3000" and conditional["1000"]["ema"]["confident"] > dcgan["3000"]["ema"]["confident"]
    assert "1,000단계에서 이미 DCGAN의 3,000단계 값을 넘습니다" in text
    # "3,000단계에서는 생성 숫자의 90% 넘게를 ... 진짜 테스트 숫자의 비율과 비슷합니다"
    real = _real_confident()
    final = conditional[last]["ema"]["confident"]
    assert final > 0.9 and abs(final - real) < 0.03
    assert "3,000단계에서는 생성 숫자의 90% 넘게를 분류기가 확신하며 읽어, 위에서 본 진짜 테스트 숫자의 비율과 비슷합니다" in text
    # "이동 평균 생성자가 학습하는 생성자(raw)보다 몇 %p 높았습니다"
    assert 0.02 <= final - conditional[last]["raw"]["confident"] < 0.1
    assert "이동 평균 생성자가 학습하는 생성자(raw)보다 몇 %p 높았습니다" in text
    # "숫자마다 400장뿐인"
    assert pretrained.info("ch06_generator")["train_images"] == 4000 and "숫자마다 400장뿐인" in text


# --- 6.8: mode collapse, measured (tools/train_models.py --only ch06_collapse) ----------------------------

def test_collapse_run_changes_only_the_learning_rates_of_the_chapter():
    from tools.train_models import COLLAPSE_SETTINGS, GAN_SETTINGS

    bad, good = pretrained.collapse_run(), pretrained.info("ch06_dcgan")
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
    good = pretrained.info("ch06_dcgan")["quality_by_step"]
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


def test_the_histogram_numbers_the_prose_quotes():
    """6.8's digit histograms: the collapsed run piles on one digit, the chapter's DCGAN spreads over ten
    (the same 1,000 noise vectors, sample_noise(seed=1234)); the alt text and the prose quote these numbers."""
    from course_utils.figures.diagnostics import digit_histograms

    bad = pretrained.collapse_run()["quality_by_step"]["300"]
    chapter = pretrained.generator_census(pretrained.load("ch06_dcgan"), seed=1234, samples=1000)
    assert sum(bad["counts"]) == 996 and bad["counts"][8] == 996
    assert sum(chapter["counts"]) == 536 and chapter["digits"] == 10
    assert int(np.argmax(chapter["counts"])) == 9 and round(chapter["largest_share"] * 100) == 19
    text = _markdown()
    assert "끝까지 학습한 DCGAN은 확신하며 읽힌 536장이 열 가지 숫자로 나뉘고, 가장 많은 9도 19%입니다" in text
    cells = nbformat.read(NOTEBOOK, as_version=4).cells
    figure = next(c for c in cells if c.cell_type == "code" and "digit_histograms([bad_last" in c.source)
    alt = figure.metadata["mystnb"]["image"]["alt"]
    assert "996장이 모두 숫자 8" in alt and "536장" in alt and "9도 전체의 19%" in alt
    fig = digit_histograms([bad["counts"], chapter["counts"]], ["a", "b"])
    heights = [[patch.get_height() for patch in ax.patches] for ax in fig.axes]
    assert heights == [bad["counts"], chapter["counts"]]


# --- 연습 6-6: the Keras 2 recipe with one discriminator step before the freeze (the hidden test's "B") -------------

def test_a_discriminator_trained_once_before_the_freeze_keeps_learning_and_the_gan_moves_only_the_generator():
    """Keras 3 reads ``trainable`` when a model's training step is first built: the discriminator's step, built
    before ``trainable = False``, keeps updating it; the gan's step, built after, updates only the generator."""
    import warnings

    import keras

    from course_utils.gan import LATENT_DIM, build_discriminator, build_generator, sample_noise, weight_change

    keras.utils.set_random_seed(0)
    g, d = build_generator(), build_discriminator()
    d.compile(loss="binary_crossentropy", optimizer="adam")
    real = np.random.default_rng(0).uniform(-1, 1, (8, 28, 28, 1)).astype("float32")
    ones, zeros = np.ones((8, 1)), np.zeros((8, 1))

    def kernels():
        return [d.layers[0].kernel.numpy().copy()], [g.layers[0].kernel.numpy().copy()]

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        d.train_on_batch(real, ones)                              # the discriminator's step is built here
        d.trainable = False
        z = keras.Input(shape=(LATENT_DIM,))
        gan = keras.Model(z, d(g(z)))
        gan.compile(loss="binary_crossentropy", optimizer="adam")
        noise = sample_noise(8, seed=2)
        d0, g0 = kernels()
        d.train_on_batch(real, ones)
        d.train_on_batch(g.predict(noise, verbose=0), zeros)
        d1, g1 = kernels()
        gan.train_on_batch(noise, ones)
        d2, g2 = kernels()
    assert weight_change(d0, d1) > 0 and weight_change(g0, g1) == 0          # B: the discriminator keeps learning
    assert weight_change(d1, d2) == 0 and weight_change(g1, g2) > 0          # ... and the gan moves only G (not C)
    assert "- B. 판별자는 자신의 `train_on_batch`에서 계속 학습되고, `gan.train_on_batch`는 생성자만 바꾼다." in _markdown()


def test_6_9_census_figure_shows_one_panel_piled_on_one_digit_and_two_spread_over_ten():
    """연습 6-9's figure: the alt text says one panel piles almost 1,000 samples on one digit, two spread over ten."""
    run = pretrained.collapse_run()
    bad = run["quality_by_step"][str(run["steps"])]["counts"]
    spread = [pretrained.generator_census(pretrained.load(name), seed=1234) for name in ("ch06_dcgan", "ch06_generator")]
    assert np.count_nonzero(bad) == 1 and sum(bad) > 950
    assert all(census["digits"] == 10 for census in spread)
    cells = nbformat.read(NOTEBOOK, as_version=4).cells
    figure = next(c for c in cells if c.cell_type == "code" and "panels = np.random.default_rng" in c.source)
    alt = figure.metadata["mystnb"]["image"]["alt"]
    assert "한 패널은 거의 1,000장이 한 칸에 몰려 있고, 두 패널은 열 칸에 나뉘어 있습니다" in alt

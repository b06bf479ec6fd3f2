"""The prose claims corrected in issue 11, each checked against Keras or course_utils.

Each test reads the sentence from the chapter's source notebook and checks the fact
it states, so neither the sentence nor the fact can drift back.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import keras
import numpy as np
import pytest
import tensorflow as tf

from course_utils.shapes import conv_output_length, conv_transpose_output_length, receptive_field

ROOT = Path(__file__).resolve().parents[2]


def markdown(relative: str) -> str:
    nb = json.loads((ROOT / "book" / relative).read_text(encoding="utf-8"))
    return "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")


# 1. Appendix and chapter 5: Adadelta's default learning rate -------------------------------

def test_adadelta_default_learning_rate_story():
    assert float(keras.optimizers.Adadelta().learning_rate) == pytest.approx(0.001)
    assert float(tf.keras.optimizers.Adadelta().learning_rate) == pytest.approx(0.001)
    for text in (markdown("appendix_keras3.ipynb"),
                 markdown("ch05_transposed_conv_autoencoder/ch05_transposed_conv_autoencoder.ipynb")):
        assert "2.3 이전" not in text
        assert "독립 Keras" in text and "tf.keras" in text
    # the appendix's summary row: 1.0 belongs to standalone Keras (<= 2.3.1), not to tf.keras 2.x
    summary = markdown("appendix_keras3.ipynb").split("## 정리")[1]
    row = next(line for line in summary.splitlines() if "adadelta" in line)
    assert "독립 Keras(2.3까지)는 학습률 1.0" in row and "`tf.keras`(TF 2.x)는 0.001" in row


# 2. Chapter 2 (appendix "원래 노트와 달라진 점"): the old note's "총 Parameters: 7" is what its code prints ----------------------

def test_old_note_code_prints_seven_parameters():
    """The note's code (typos fixed): Dense(1), expand_dims, Dense(1), squeeze, Dense(1), squeeze."""
    boxes = tf.zeros((64, 4, 2))
    first, second, third = (keras.layers.Dense(units=1, use_bias=False) for _ in range(3))
    out = tf.expand_dims(first(boxes), axis=0)
    assert tuple(out.shape) == (1, 64, 4, 1)
    out = tf.squeeze(second(out), axis=-1)
    out = tf.squeeze(third(out), axis=-1)
    assert tuple(out.shape) == (1, 64)
    total = first.count_params() + second.count_params() + third.count_params()
    assert total == 7
    text = (ROOT / "book" / "appendix_notes.md").read_text(encoding="utf-8")  # the differences from the notes
    assert '"총 Parameters: 7"(2 + 1 + 4)은 그 코드가 실제로\n  출력하는 값' in text
    assert "파라미터 13개" in text and "Parameters: 7\"도 틀렸습니다" not in text


# 3. Chapter 6: LeakyReLU's slope argument ----------------------------------------------------

def test_leaky_relu_positional_slope_still_works():
    assert keras.layers.LeakyReLU(0.2).negative_slope == pytest.approx(0.2)
    assert keras.layers.LeakyReLU(negative_slope=0.2).negative_slope == pytest.approx(0.2)
    text = markdown("ch06_gan/ch06_gan.ipynb")
    assert "`alpha`에서 `negative_slope`로 바뀌었습니다" in text
    assert "Keras 2의 이름" not in text


# 4. Chapter 5: valid transposed convolution is (n-1)s + max(k, s) --------------------------

@pytest.mark.parametrize("n, k, s", list(itertools.product([1, 2, 3, 5], [1, 2, 3, 4, 5], [1, 2, 3, 4])))
def test_valid_transposed_conv_size_is_max_k_s(n, k, s):
    layer = keras.layers.Conv2DTranspose(1, k, strides=s, padding="valid")
    keras_size = layer.compute_output_shape((1, n, n, 1))[1]
    assert keras_size == (n - 1) * s + max(k, s) == conv_transpose_output_length(n, k, s, "valid")
    if k < s:  # where the short form (n-1)s + k is wrong
        assert keras_size != (n - 1) * s + k


def test_chapter5_summary_states_max_k_s():
    text = markdown("ch05_transposed_conv_autoencoder/ch05_transposed_conv_autoencoder.ipynb")
    summary = text[text.index("## 정리"):] if "## 정리" in text else text
    assert "(n-1)s + \\max(k, s)" in summary


# 5. Chapter 5: "same" keeps the size only for stride 1 ------------------------------------

@pytest.mark.parametrize("n, k, s", list(itertools.product([5, 7, 8], [1, 3, 4], [1, 2, 3])))
def test_same_padding_keeps_size_only_for_stride_1(n, k, s):
    layer = keras.layers.Conv2D(1, k, strides=s, padding="same")
    size = layer.compute_output_shape((1, n, n, 1))[1]
    assert size == conv_output_length(n, k, s, "same") == -(-n // s)
    assert (size == n) == (s == 1)
    text = markdown("ch05_transposed_conv_autoencoder/ch05_transposed_conv_autoencoder.ipynb")
    assert "stride 1에 `padding=\"same\"`인 합성곱은 크기를 바꾸지 않고" in text


# 6. Chapter 4: the receptive-field sum with dilation ---------------------------------------

def test_receptive_field_sum_with_dilation():
    rng = np.random.default_rng(4)
    for _ in range(200):
        depth = int(rng.integers(1, 6))
        layers = [(int(rng.integers(1, 6)), int(rng.integers(1, 4)), int(rng.integers(1, 5))) for _ in range(depth)]
        size, jump = 1, 1
        for k, s, d in layers:
            size += (d * (k - 1) + 1 - 1) * jump
            jump *= s
        assert receptive_field(layers).size == size, layers
    text = markdown("ch04_pooling_receptive_field/ch04_pooling_receptive_field.ipynb")
    assert "\\hat{k}_l = d_l (k_l - 1) + 1" in text


# 7. Chapter 7: no unmeasured claim about epoch time ---------------------------------------

def test_chapter7_makes_no_unmeasured_timing_claim():
    text = markdown("ch07_autoencoders/ch07_autoencoders.ipynb")
    assert "계산 시간은 convolution 쪽이" not in text


# 8. Chapter 6: why step 0 differs from the untrained row ----------------------------------

def test_batch_norm_training_flag_explains_the_step0_grid():
    """training=True normalises with the batch's statistics and spreads the values; training=False
    uses the initial moving mean 0 and variance 1 and leaves them small (what the prose says)."""
    from course_utils.gan import build_generator, sample_noise

    keras.utils.set_random_seed(0)
    generator = build_generator()
    noise = sample_noise(8, seed=5)
    as_training = np.asarray(generator(noise, training=True))
    as_inference = np.asarray(generator(noise, training=False))
    assert as_training.std() > 2 * as_inference.std()
    text = markdown("ch06_gan/ch06_gan.ipynb")
    assert "'0단계' 그림은 6.2절의 '학습 전 생성자' 그림과 다르게 보입니다" in text

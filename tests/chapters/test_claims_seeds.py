"""The ideas from the lecture notes that issue 30 (point 7) added to the chapters, each checked.

Every test reads the sentence from the chapter (markdown cells of the source notebook) and
checks the fact it states with real Keras, so neither can drift.
"""

from __future__ import annotations

import json
from pathlib import Path

import keras
import numpy as np
import pytest
import tensorflow as tf

from course_utils import pretrained
from course_utils.data import load_mnist, to_unit_interval

ROOT = Path(__file__).resolve().parents[2]


def markdown(relative: str) -> str:
    nb = json.loads((ROOT / "book" / relative).read_text(encoding="utf-8"))
    return "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")


def test_ch02_a_model_is_its_layers_called_in_turn():
    keras.utils.set_random_seed(0)
    first, second = keras.layers.Dense(3, activation="relu"), keras.layers.Dense(1)
    model = keras.Sequential([keras.Input(shape=(2,)), first, second])
    x = np.array([[1.0, 2.0], [0.5, -1.0]], dtype="float32")
    assert np.allclose(second(first(x)), model(x))
    assert [layer.count_params() for layer in model.layers] == [9, 4]
    assert keras.layers.Reshape((4,)).count_params() == 0
    assert "**레이어를 차례로 쌓은 것**" in markdown("ch02_linear/ch02_linear.ipynb")


def test_ch04_l2_and_weighted_average_pooling():
    feature = np.array([[1, 3, 2, 0], [5, 6, 1, 2], [0, 2, 9, 4], [1, 1, 3, 8]], dtype="float32")
    blocks = feature.reshape(2, 2, 2, 2).transpose(0, 2, 1, 3)
    l2 = np.sqrt(keras.ops.convert_to_numpy(keras.layers.AveragePooling2D(2)(feature[None, :, :, None] ** 2)))[0, :, :, 0]
    assert np.allclose(l2, np.sqrt((blocks ** 2).mean(axis=(2, 3))))
    assert blocks.mean(axis=(2, 3)).min() >= 0 and np.all(blocks.mean(axis=(2, 3)) <= l2 + 1e-6)
    assert np.all(l2 <= blocks.max(axis=(2, 3)) + 1e-6)
    weights = np.array([[1, 2], [2, 4]], dtype="float32") / 9
    conv = keras.layers.Conv2D(1, 2, strides=2, use_bias=False)
    conv.build((None, 4, 4, 1))
    conv.set_weights([weights[:, :, None, None]])
    assert np.allclose(keras.ops.convert_to_numpy(conv(feature[None, :, :, None]))[0, :, :, 0],
                       (blocks * weights).sum(axis=(2, 3)))
    text = markdown("ch04_pooling_receptive_field/ch04_pooling_receptive_field.ipynb")
    assert "평균(3.75)과 최댓값(6)" in text and "≈ 4.213" in text
    assert blocks[0, 0].mean() == 3.75 and blocks[0, 0].max() == 6 and round(float(l2[0, 0]), 3) == 4.213


def test_ch06_batch_norm_is_the_formula_with_gamma_one_and_beta_zero():
    h = np.random.default_rng(0).normal(loc=3.0, scale=5.0, size=(16, 4)).astype("float32")
    bn = keras.layers.BatchNormalization()
    out = np.asarray(bn(h, training=True))
    assert np.allclose(out, (h - h.mean(axis=0)) / np.sqrt(h.var(axis=0) + bn.epsilon), atol=1e-4)
    assert np.allclose(out.mean(axis=0), 0, atol=1e-5) and np.allclose(out.std(axis=0), 1, atol=1e-3)
    assert np.all(np.asarray(bn.gamma) == 1) and np.all(np.asarray(bn.beta) == 0)
    # with training=False it uses the moving statistics, so one image does not depend on the others
    single = np.asarray(bn(h[:1], training=False))
    assert np.allclose(single, np.asarray(bn(h, training=False))[:1], atol=1e-6)
    assert "평균 3, 표준편차 5쯤인 값 16개 × 특징 4개" in markdown("ch06_gan/ch06_gan.ipynb")


def test_ch06_leaky_relu_keeps_a_gradient_for_negative_inputs():
    z = tf.constant([-2.0, -0.5, 0.5, 2.0])
    grads = {}
    for name, activation in (("relu", keras.layers.ReLU()), ("leaky", keras.layers.LeakyReLU(0.2))):
        with tf.GradientTape() as tape:
            tape.watch(z)
            y = activation(z)
        grads[name] = tape.gradient(y, z).numpy()
    assert grads["relu"].tolist() == [0, 0, 1, 1]
    assert np.allclose(grads["leaky"], [0.2, 0.2, 1, 1])
    assert "음수 입력에 작은 기울기(여기서는 0.2)" in markdown("ch06_gan/ch06_gan.ipynb")


def test_ch06_dropout_zeroes_thirty_percent_and_rescales():
    dropout = keras.layers.Dropout(0.3, seed=0)
    ones = np.ones((1, 100_000), "float32")
    out = np.asarray(dropout(ones, training=True))
    assert abs(np.mean(out == 0) - 0.3) < 0.01
    assert np.allclose(np.unique(out[out > 0]), 1 / 0.7)
    assert np.array_equal(np.asarray(dropout(ones, training=False)), ones)
    from course_utils.gan import build_discriminator
    rates = [layer.rate for layer in build_discriminator().layers if isinstance(layer, keras.layers.Dropout)]
    assert rates and all(rate == pytest.approx(0.3) for rate in rates)
    text = markdown("ch06_gan/ch06_gan.ipynb")
    assert "일부(여기서는 30%)를 무작위로 0으로" in text and "1 / (1 − 0.3)배로" in text


def test_ch07_sigmoid_output_stays_in_pixel_range_and_linear_does_not():
    keras.utils.set_random_seed(0)
    codes = np.random.default_rng(0).random((10, 36)).astype("float32") * 3
    sigmoid = keras.ops.convert_to_numpy(keras.layers.Dense(784, activation="sigmoid")(codes))
    linear = keras.ops.convert_to_numpy(keras.layers.Dense(784)(codes))
    assert sigmoid.min() > 0 and sigmoid.max() < 1
    assert np.mean((linear < 0) | (linear > 1)) > 0.2


@pytest.fixture(scope="module")
def digits():
    (x_train, _), (x_test, _) = load_mnist(offline=True, verbose=False)
    return (to_unit_interval(x_train).reshape(len(x_train), -1),
            to_unit_interval(x_test).reshape(len(x_test), -1))


def test_ch07_epoch_loss_is_a_mean_over_improving_weights(digits):
    """The reported training loss of the first epoch is above the loss of the same data re-measured after it."""
    x_train, x_val = digits[0][:2000], digits[1]
    keras.utils.set_random_seed(42)
    _, _, model = pretrained.build_dense_encoder_decoder(36)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=2e-3), loss="binary_crossentropy", jit_compile=False)
    history = model.fit(x_train, x_train, epochs=1, batch_size=64, validation_data=(x_val, x_val), verbose=0)
    after = model.evaluate(x_train, x_train, batch_size=500, verbose=0)
    assert history.history["val_loss"][0] < history.history["loss"][0]
    assert after < history.history["loss"][0]
    assert abs(after - history.history["val_loss"][0]) < history.history["loss"][0] - after
    assert "epoch이 **끝난 뒤**의 가중치로 잽니다" in markdown("ch07_autoencoders/ch07_autoencoders.ipynb")


@pytest.fixture(scope="module")
def linear_fit(digits):
    """7.9's run: PCA's 16 components and a linear autoencoder trained 10 epochs, as the chapter does."""
    x_train, _ = digits
    mean = x_train.mean(axis=0)
    components = np.linalg.svd(x_train - mean, full_matrices=False)[2][:16]
    keras.utils.set_random_seed(0)
    model = pretrained.build_linear_autoencoder(16)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3), loss="mse", jit_compile=False)
    model.fit(x_train, x_train, epochs=10, batch_size=64, verbose=0)
    return x_train, mean, components, model


def test_ch07_a_linear_autoencoder_approaches_pca_from_above(linear_fit):
    x_train, mean, components, model = linear_fit
    pca_mse = np.mean(((x_train - mean) @ components.T @ components + mean - x_train) ** 2)
    linear_mse = model.evaluate(x_train, x_train, batch_size=500, verbose=0)
    assert pca_mse <= linear_mse < 1.2 * pca_mse
    # 7.9: most cosines of the principal angles are near 1, the last few are not yet
    cosines = np.linalg.svd(components @ np.linalg.qr(model.layers[-1].get_weights()[0].T)[0], compute_uv=False)
    assert np.sum(cosines > 0.9) >= 12 and cosines.min() < 0.9
    # PCA's weights in the same two Dense layers give exactly PCA's reconstruction
    pca_model = pretrained.build_linear_autoencoder(16)
    pca_model.compile(loss="mse", jit_compile=False)
    pca_model.get_layer("code").set_weights([components.T, -mean @ components.T])
    pca_model.get_layer("reconstruction").set_weights([components, mean])
    assert pca_model.evaluate(x_train, x_train, batch_size=500, verbose=0) == pytest.approx(pca_mse, rel=1e-3)
    text = markdown("ch07_autoencoders/ch07_autoencoders.ipynb")
    assert "PCA보다 오차가 작아질 수 없고" in text and "코드 16개로 확인해 봅니다" in text
    assert "마지막 몇 방향은 아직 덜 맞춰졌습니다" in text


def test_ch07_an_autoencoder_decoder_makes_fewer_digits_from_arbitrary_codes_than_the_gan(digits):
    _, x_val = digits
    encoder, decoder, pair = pretrained.build_dense_encoder_decoder(36)
    pair.set_weights(pretrained.load("ch07_dense_ae").get_weights())
    codes = encoder.predict(x_val, verbose=0)
    shuffled = codes[np.random.default_rng(0).integers(0, len(codes), (1000, 36)), np.arange(36)]
    made = decoder.predict(shuffled, verbose=0).reshape(-1, 28, 28, 1)
    ae = pretrained.digit_census(pretrained.classify(made))
    gan = pretrained.generator_census(pretrained.load("ch06_dcgan"), seed=2026, samples=1000)
    assert ae["confident"] < gan["confident"] - 0.1
    assert "숫자다운 그림이 잘 나오지 않습니다" in markdown("ch07_autoencoders/ch07_autoencoders.ipynb")


def test_ch05_the_transposed_demo_has_only_begun_to_learn():
    """5.6's demo (the chapter's seed and settings): the loss fell from about 0.70 to about 0.30, yet the ten
    reconstructions are nearly one grey blob and the classifier reads them near chance."""
    (x_train, _), (x_test, y_test) = load_mnist(offline=True, verbose=False)
    x_train, x_val, y_val = to_unit_interval(x_train), to_unit_interval(x_test)[:1000], y_test[:1000]
    keras.utils.set_random_seed(42)
    model = pretrained.build_transpose_autoencoder()
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=5e-3), loss="binary_crossentropy", jit_compile=False)
    before = float(keras.ops.mean(keras.losses.binary_crossentropy(x_val, model(x_val))))
    history = model.fit(x_train[:2000], x_train[:2000], epochs=1, batch_size=64, shuffle=True,
                        validation_data=(x_val, x_val), verbose=0)
    out = model.predict(x_val, verbose=0)
    assert round(before, 1) == 0.7 and round(history.history["val_loss"][0], 1) == 0.3
    assert pretrained.read_accuracy(out, y_val) < 0.2
    assert out[:10].std(axis=0).mean() < 0.1 * x_val[:10].std(axis=0).mean()
    text = markdown("ch05_transposed_conv_autoencoder/ch05_transposed_conv_autoencoder.ipynb")
    assert "열 장이 거의 똑같은 회색 얼룩" in text and "학습 전 약 0.70에서 0.30 근처로" in text

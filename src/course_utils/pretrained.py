"""Pretrained models of chapters 5-7, shipped inside the package (no download).

Every model here was trained by one seeded script, ``python -m tools.train_models``,
on the training split of :func:`course_utils.data.load_mnist` (real MNIST; on a
machine without network the 4,000 offline training images).  Beside each
weights file ``checkpoints/NAME.weights.npz`` (float16 arrays, to keep the
package small) lies ``checkpoints/NAME.json``, the record of how it was made:
architecture, data split, epochs or steps, seed, wall time, final losses and
library versions.

Public API:

- :func:`names`: the names of the models, e.g. ``"ch07_dense_ae"``;
- :func:`info`: a dict with ``kind`` (``"autoencoder"``, ``"generator"`` or
  ``"classifier"``), ``chapter`` (int), ``noise`` (float, for the denoising
  model), plus the training record;
- :func:`load`: the Keras model with its weights;
- :func:`collapse_run`: chapter 6.8's measured mode-collapse run (a record, no weights).

Input and output conventions:

- autoencoders take and return pixels in [0, 1] of shape (N, 28, 28, 1), the
  dense one (N, 784);
- the generators map (N, 100) standard-normal noise to (N, 28, 28, 1) in [-1, 1]:
  ``ch06_dcgan`` is chapter 6's DCGAN, ``ch06_generator`` the book's final
  generator, a conditional GAN whose noise also chooses the digit (chapter 6.7);
- the classifier maps (N, 28, 28, 1) pixels in [0, 1] to 10 digit probabilities.

The builders (``build_*``) are the architectures, used by the training script,
by :func:`load`, by the chapters (which call them, show their source with
:func:`course_utils.notebook.show_source`, or check the learner's own model against them: 연습 5-1, 5-8,
7-4, 7-6) and by the tests: each
architecture is written once, here.  Importing this module does not import Keras; the
functions do.

>>> "ch06_generator" in names()
True
>>> info("ch07_denoising_ae")["kind"], info("ch07_denoising_ae")["chapter"]
('autoencoder', 7)
"""

from __future__ import annotations

import functools
import json
from importlib import resources
from pathlib import Path

import numpy as np

__all__ = [
    "names",
    "info",
    "load",
    "generator_progress",
    "collapse_run",
    "classify",
    "read_accuracy",
    "digit_census",
    "generator_census",
    "add_noise",
    "checkpoint_dir",
    "build",
    "build_upsampling_autoencoder",
    "build_transpose_autoencoder",
    "build_dense_autoencoder",
    "build_dense_encoder_decoder",
    "build_linear_autoencoder",
    "build_conv_autoencoder",
    "build_classifier",
    "MODELS",
]

#: name -> (kind, chapter, builder name, builder keyword arguments)
MODELS = {
    "ch05_upsampling_ae": ("autoencoder", 5, "build_upsampling_autoencoder", {"filters": (32, 16, 8)}),
    "ch05_transpose_ae": ("autoencoder", 5, "build_transpose_autoencoder", {"filters": (32, 16, 8)}),
    "ch06_dcgan": ("generator", 6, "build_generator", {}),
    "ch06_generator": ("generator", 6, "build_conditional_generator", {}),
    "ch07_dense_ae": ("autoencoder", 7, "build_dense_autoencoder", {"code_dim": 36}),
    "ch07_conv_ae": ("autoencoder", 7, "build_conv_autoencoder", {"filters": 16, "code_channels": 2}),
    "ch07_denoising_ae": ("autoencoder", 7, "build_conv_autoencoder", {"filters": 32, "code_channels": 8}),
    "digit_classifier": ("classifier", 7, "build_classifier", {}),
}

#: the generators of chapter 6 (course_utils.gan builders): the chapter's DCGAN and the conditional one (6.7)
GAN_BUILDERS = ("build_generator", "build_conditional_generator")
#: chapter 6.8's mode-collapse run: its record and its 16 samples (no weights are kept)
COLLAPSE_FILES = ("ch06_collapse.json", "ch06_collapse_samples.npz")


def _unknown(name) -> KeyError:
    return KeyError(f"미리 학습한 모델 {name!r}은 없습니다. 있는 이름: {', '.join(names())}")


def checkpoint_dir() -> Path:
    """The folder of the shipped checkpoints (``course_utils/checkpoints``), chapters 5-7."""
    return Path(str(resources.files("course_utils").joinpath("checkpoints")))


def names() -> list:
    """Names of the pretrained models, in chapter order (chapters 5-7, tools.train_models).

    >>> names()[:2]
    ['ch05_upsampling_ae', 'ch05_transpose_ae']
    """
    return list(MODELS)


def info(name: str) -> dict:
    """``kind``, ``chapter`` (and ``noise`` for the denoising model) plus the training record of ``name``.

    Used by chapters 5-7 to print how each checkpoint was trained.

    """
    if name not in MODELS:
        raise _unknown(name)
    kind, chapter, _, _ = MODELS[name]
    path = checkpoint_dir() / f"{name}.json"
    record = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    result = dict(record)
    result.update({"name": name, "kind": kind, "chapter": chapter})
    if "noise" in record:
        result["noise"] = float(record["noise"])
    return result


# ---------------------------------------------------------------- architectures


def build_upsampling_autoencoder(filters=(16, 8, 4)):
    """5장의 오토인코더: conv + max pooling으로 줄이고, conv + UpSampling2D로 키웁니다.

    Sizes 28 -> 14 -> 7 -> 4 -> 8 -> 16 -> 14 -> 28 (``dec_conv3`` has no padding).
    ``filters=(16, 8, 4)`` is the chapter's live model (5.2, code 4x4x4 = 64 numbers);
    the pretrained one uses ``(32, 16, 8)`` (code 4x4x8 = 128 numbers).
    """
    import keras
    from keras import layers

    f1, f2, f3 = filters
    inputs = keras.Input(shape=(28, 28, 1), name="image")
    # 인코더: 28 → 14 → 7 → 4
    x = layers.Conv2D(f1, 3, activation="relu", padding="same", name="enc_conv1")(inputs)
    x = layers.MaxPooling2D(2, padding="same", name="enc_pool1")(x)
    x = layers.Conv2D(f2, 3, activation="relu", padding="same", name="enc_conv2")(x)
    x = layers.MaxPooling2D(2, padding="same", name="enc_pool2")(x)
    x = layers.Conv2D(f3, 3, activation="relu", padding="same", name="enc_conv3")(x)
    code = layers.MaxPooling2D(2, padding="same", name="enc_pool3")(x)
    # 디코더: 4 → 8 → 16 → 14 → 28
    x = layers.Conv2D(f3, 3, activation="relu", padding="same", name="dec_conv1")(code)
    x = layers.UpSampling2D(2, name="dec_up1")(x)
    x = layers.Conv2D(f2, 3, activation="relu", padding="same", name="dec_conv2")(x)
    x = layers.UpSampling2D(2, name="dec_up2")(x)
    # padding 없음 (valid): 16 → 14
    x = layers.Conv2D(f1, 3, activation="relu", name="dec_conv3")(x)
    x = layers.UpSampling2D(2, name="dec_up3")(x)
    outputs = layers.Conv2D(1, 3, activation="sigmoid", padding="same", name="dec_out")(x)
    return keras.Model(inputs, outputs, name="upsampling_autoencoder")


def build_transpose_autoencoder(filters=(16, 8, 4)):
    """5.6절의 오토인코더: valid conv + pooling으로 줄이고, Conv2DTranspose로 키웁니다.

    Sizes 28 -> 26 -> 13 -> 11 -> 5 -> 3 (code) -> 3 -> 6 -> 12 -> 14 -> 28.
    ``filters=(16, 8, 4)`` is the chapter's live model (code 3x3x4 = 36 numbers);
    the pretrained one uses ``(32, 16, 8)`` (code 3x3x8 = 72 numbers).
    """
    import keras
    from keras import layers

    f1, f2, f3 = filters
    inputs = keras.Input(shape=(28, 28, 1), name="image")
    x = layers.Conv2D(f1, 3, activation="relu", name="enc_conv1")(inputs)
    x = layers.MaxPooling2D(2, name="enc_pool1")(x)
    x = layers.Conv2D(f2, 3, activation="relu", name="enc_conv2")(x)
    x = layers.MaxPooling2D(2, name="enc_pool2")(x)
    code = layers.Conv2D(f3, 3, activation="relu", name="enc_conv3")(x)
    x = layers.Conv2DTranspose(f3, 3, activation="relu", padding="same",
                               name="dec_tconv1")(code)
    x = layers.UpSampling2D(2, name="dec_up1")(x)
    x = layers.Conv2DTranspose(f2, 3, activation="relu", padding="same",
                               name="dec_tconv2")(x)
    x = layers.UpSampling2D(2, name="dec_up2")(x)
    # valid: 12 → 14
    x = layers.Conv2DTranspose(f1, 3, activation="relu", name="dec_tconv3")(x)
    x = layers.UpSampling2D(2, name="dec_up3")(x)
    outputs = layers.Conv2DTranspose(1, 3, activation="sigmoid", padding="same",
                                     name="dec_out")(x)
    return keras.Model(inputs, outputs, name="transpose_autoencoder")


def build_dense_autoencoder(code_dim=36, input_dim=784):
    """7장의 Dense 오토인코더를 한 덩어리 모델로: 784 → code_dim (relu) → 784 (sigmoid).

    Layers ``"code"`` and ``"reconstruction"`` on flat (N, ``input_dim``) pixels:
    the structure of the ``ch07_dense_ae`` checkpoint (7.5, 7.8) and of the
    autoencoders that the check of 연습 7-4 builds.  7.2's encoder/decoder pair
    is :func:`build_dense_encoder_decoder` (the same layers and parameters).
    """
    import keras
    from keras import layers

    inputs = keras.Input(shape=(input_dim,), name="image")
    code = layers.Dense(code_dim, activation="relu", name="code")(inputs)
    outputs = layers.Dense(input_dim, activation="sigmoid", name="reconstruction")(code)
    return keras.Model(inputs, outputs, name="dense_autoencoder")


def build_dense_encoder_decoder(code_dim=36, input_dim=784):
    """The dense autoencoder of chapter 7 (7.2), built as an encoder and a decoder model chained together.

    Returns ``(encoder, decoder, autoencoder)``; the autoencoder calls the two
    models, so training it trains them (their weights are shared, not copied).
    Same layers, names and parameter count as :func:`build_dense_autoencoder`.
    """
    import keras
    from keras import layers

    encoder_input = keras.Input(shape=(input_dim,), name="image")
    code = layers.Dense(code_dim, activation="relu", name="code")(encoder_input)
    encoder = keras.Model(encoder_input, code, name="encoder")

    decoder_input = keras.Input(shape=(code_dim,), name="code_input")
    reconstruction = layers.Dense(input_dim, activation="sigmoid",
                                  name="reconstruction")(decoder_input)
    decoder = keras.Model(decoder_input, reconstruction, name="decoder")

    autoencoder_input = keras.Input(shape=(input_dim,), name="image")
    autoencoder = keras.Model(autoencoder_input, decoder(encoder(autoencoder_input)),
                              name="dense_autoencoder")
    return (encoder, decoder, autoencoder)


def build_linear_autoencoder(code_dim=16, input_dim=784):
    """7.9절의 선형 오토인코더: 활성화 없는 Dense 두 개, 784 → code_dim → 784.

    With the mean squared error it learns what PCA computes (chapter 7.9): the
    layers ``"code"`` and ``"reconstruction"`` take PCA's weights exactly
    (kernel ``components.T`` / bias ``-mean @ components.T``; kernel ``components`` / bias ``mean``).

    >>> build_linear_autoencoder(4).count_params()
    7060
    """
    import keras
    from keras import layers

    inputs = keras.Input(shape=(input_dim,), name="image")
    code = layers.Dense(code_dim, name="code")(inputs)
    outputs = layers.Dense(input_dim, name="reconstruction")(code)
    return keras.Model(inputs, outputs, name="linear_autoencoder")


def build_conv_autoencoder(filters=16, code_channels=2):
    """7.6절의 오토인코더: stride 2 Conv2D로 줄이고 stride 2 Conv2DTranspose로 키웁니다.

    Sizes 28 -> 14 -> 7 -> 14 -> 28.
    ``filters=16, code_channels=2`` is the chapter's model (7.6, code 7x7x2 = 98
    numbers); the pretrained denoising model uses ``filters=32, code_channels=8``.
    """
    import keras
    from keras import layers

    inputs = keras.Input(shape=(28, 28, 1), name="image")
    # 인코더: stride 2로 28 → 14 → 7, 코드는 7x7 지도 code_channels장
    x = layers.Conv2D(filters, 3, strides=2, padding="same", activation="relu",
                      name="enc_conv1")(inputs)
    x = layers.Conv2D(filters, 3, strides=2, padding="same", activation="relu",
                      name="enc_conv2")(x)
    code = layers.Conv2D(code_channels, 3, padding="same", activation="relu",
                         name="code")(x)
    # 디코더: stride 2인 Conv2DTranspose로 7 → 14 → 28
    x = layers.Conv2DTranspose(filters, 3, strides=2, padding="same", activation="relu",
                               name="dec_tconv1")(code)
    x = layers.Conv2DTranspose(filters, 3, strides=2, padding="same", activation="relu",
                               name="dec_tconv2")(x)
    outputs = layers.Conv2D(1, 3, padding="same", activation="sigmoid",
                            name="reconstruction")(x)
    return keras.Model(inputs, outputs, name="conv_autoencoder")


def build_classifier():
    """A small CNN that reads digits (for the benchmark and the checks of chapters 5-7).

    Input (N, 28, 28, 1) pixels in [0, 1]; output 10 probabilities (softmax).
    Random shifts of up to 2 pixels are applied in training only.
    """
    import keras
    from keras import layers

    inputs = keras.Input(shape=(28, 28, 1), name="image")
    x = layers.RandomTranslation(0.08, 0.08, fill_mode="constant", name="shift")(inputs)
    x = layers.Conv2D(32, 3, activation="relu", name="conv1")(x)
    x = layers.MaxPooling2D(2, name="pool1")(x)
    x = layers.Conv2D(64, 3, activation="relu", name="conv2")(x)
    x = layers.MaxPooling2D(2, name="pool2")(x)
    x = layers.Flatten(name="flatten")(x)
    x = layers.Dropout(0.4, name="dropout")(x)
    outputs = layers.Dense(10, activation="softmax", name="probabilities")(x)
    return keras.Model(inputs, outputs, name="digit_classifier")


def build(name: str):
    """A fresh (untrained) model with the architecture of ``name`` (used by :func:`load` and tools.train_models)."""
    if name not in MODELS:
        raise _unknown(name)
    _, _, builder, kwargs = MODELS[name]
    if builder in GAN_BUILDERS:
        from course_utils import gan

        return getattr(gan, builder)(**kwargs)
    return globals()[builder](**kwargs)


# ---------------------------------------------------------------- loading


def weights_path(name: str) -> Path:
    """Path of the weights file of ``name`` (float16 arrays in ``model.get_weights()`` order).

    Used by :func:`load` and tools.train_models.

    """
    if name not in MODELS:
        raise _unknown(name)
    return checkpoint_dir() / f"{name}.weights.npz"


def save_weights(model, path) -> None:
    """Store ``model.get_weights()`` as float16 arrays (used by ``tools/train_models.py``)."""
    arrays = {f"w{i:03d}": np.asarray(w).astype(np.float16) for i, w in enumerate(model.get_weights())}
    np.savez_compressed(path, **arrays)


def load(name: str):
    """The pretrained Keras model ``name`` (weights from the package, nothing downloaded), chapters 5-7."""
    model = build(name)
    path = weights_path(name)
    if not path.is_file():
        raise FileNotFoundError(
            f"{path}가 없습니다. 저장소 루트에서 python -m tools.train_models --only {name}로 만들 수 있습니다."
        )
    with np.load(path) as stored:
        arrays = [stored[key].astype(np.float32) for key in sorted(stored.files)]
    model.set_weights(arrays)
    return model


def load_into(build, name: str, names=("code",)):
    """Pretrained weights of ``name`` in the learner's own model (연습 5-1, 5-8, 7-4, 7-6's payoff), else the reference.

    ``build()`` makes the learner's model.  When it runs, its layers match the checkpoint's layer by layer
    (:func:`course_utils.exercises._models.first_difference`) and it has the layers ``names`` that later cells
    take out by name, the checkpoint's weights are copied into it and it is returned; otherwise one Korean line says why and
    :func:`load`'s reference model is returned, so the chapter goes on either way.
    """
    from course_utils.exercises._models import learner_model

    reference = load(name)
    model = learner_model(build, reference, names)
    if model is None:
        return reference
    model.set_weights(reference.get_weights())
    print(f"✅ 미리 학습한 가중치({name})를 여러분이 만든 모델에 넣었습니다.")
    return model


def generator_progress(name: str = "ch06_generator") -> dict:
    """Chapter 6's progression of generator ``name``: ``{"steps": (S,), "images": (S, K, 28, 28) uint8}``.

    The images are what the generator made from the same K noise vectors
    (``sample_noise(K, seed=record["progress_noise_seed"])``) after each number
    of training steps, written by ``tools/train_models.py`` as ``NAME_progress.npz``.
    """
    if name not in MODELS:
        raise _unknown(name)
    if MODELS[name][0] != "generator":
        generators = ", ".join(n for n, (kind, *_) in MODELS.items() if kind == "generator")
        raise ValueError(f"{name!r}은 생성자가 아니라 학습 과정 그림이 없습니다. 생성자: {generators}")
    with np.load(checkpoint_dir() / f"{name}_progress.npz") as stored:
        return {key: stored[key] for key in stored.files}


def collapse_run() -> dict:
    """Chapter 6.8's mode-collapse run, written by ``tools/train_models.py --only ch06_collapse``.

    The record (learning rates, steps, seed, ``quality_by_step`` with, per
    measured step, the classifier's ``confident`` share, ``digits``,
    ``largest_share`` and ``counts`` per digit) plus ``"images"``: the 16
    samples (uint8, (16, 28, 28)) of its generator after the last step, from
    ``sample_noise(16, seed=record["sample_noise_seed"])``.  Only these
    measurements are shipped, not the collapsed generator's weights.
    """
    folder = checkpoint_dir()
    record = json.loads((folder / COLLAPSE_FILES[0]).read_text(encoding="utf-8"))
    with np.load(folder / COLLAPSE_FILES[1]) as stored:
        record["images"] = stored["images"]
    return record


@functools.lru_cache(maxsize=1)
def _classifier():
    return load("digit_classifier")


def _in_batches(model, x, batch: int = 500) -> np.ndarray:
    """``model(x, training=False)`` as numpy, called directly on batches of ``batch`` rows.

    Direct calls, not ``predict``, so the chapters get no tf.function retracing warnings.
    """
    return np.concatenate([np.asarray(model(x[i:i + batch], training=False)) for i in range(0, len(x), batch)])


def classify(images, classifier=None) -> np.ndarray:
    """Digit probabilities (N, 10) that the pretrained ``digit_classifier`` gives ``images``.

    ``images``: pixels in [0, 1], shaped (N, 784), (N, 28, 28) or (N, 28, 28, 1),
    e.g. an autoencoder's reconstructions (chapters 5 and 7) or a generator's
    samples mapped with ``(x + 1) / 2`` (chapter 6).  ``classifier``: another
    Keras model of the same kind (``tools.train_models`` passes the one it just trained).
    """
    x = np.asarray(images, dtype=np.float32).reshape(-1, 28, 28, 1)
    model = _classifier() if classifier is None else classifier
    if len(x) == 0:
        return np.zeros((0, 10), np.float32)
    return _in_batches(model, x)


def read_accuracy(images, labels) -> float:
    """Share of ``images`` (pixels in [0, 1]) that the classifier reads as their ``labels``.

    Chapters 5 and 7 apply it to reconstructions: a reconstruction that keeps
    the digit recognisable is read as the original's label.
    """
    labels = np.asarray(labels)
    probabilities = classify(images)
    if len(probabilities) != len(labels):
        raise ValueError(f"이미지 {len(probabilities)}장과 레이블 {len(labels)}개의 개수가 같아야 합니다.")
    return float((probabilities.argmax(axis=1) == labels).mean())


def digit_census(probabilities, threshold: float = 0.9) -> dict:
    """How a generator's samples read to the classifier (chapter 6, 6.7 and 6.8).

    ``probabilities``: (N, 10) from :func:`classify`. Returns the share read with
    probability >= ``threshold`` (``confident``), the number of distinct digits among
    those (``digits``), the largest digit's share of them (``largest_share``) and the
    confident samples per digit (``counts``).

    >>> digit_census(np.eye(10)[[3, 3, 5, 1]] * 0.95)
    {'confident': 1.0, 'digits': 3, 'largest_share': 0.5, 'counts': [0, 1, 0, 2, 0, 1, 0, 0, 0, 0]}
    """
    probabilities = np.asarray(probabilities)
    confident = probabilities.max(axis=1) >= threshold
    counts = np.bincount(probabilities.argmax(axis=1)[confident], minlength=10)
    return {"confident": float(confident.mean()), "digits": int((counts > 0).sum()),
            "largest_share": float(counts.max() / max(1, counts.sum())), "counts": counts.tolist()}


def generator_census(generator, seed: int, samples: int = 1000, classifier=None, psi: float = 1.0) -> dict:
    """:func:`digit_census` of ``samples`` images that ``generator`` makes from ``sample_noise(samples, seed=seed)``.

    The one measurement of a generator (chapter 6's ``ch06_generator``): its record's
    ``quality_by_step`` (``tools.train_models``, seed 1234), ``benchmarks.bench_models``
    (seed 2026, the chapter's; target: ``confident`` >= 0.8, 10 digits, ``largest_share``
    <= 0.2) and ``benchmarks.bench_gan_recipes``.  The generator's outputs in [-1, 1] are mapped
    to [0, 1] for the classifier.  ``psi`` < 1 scales the noise (the "truncation
    trick"); the targets are judged at ``psi=1``, the generator's documented input.
    """
    from course_utils.gan import sample_noise

    noise = sample_noise(samples, seed=seed) * np.float32(psi)
    images = _in_batches(generator, noise)
    return digit_census(classify((images + 1.0) / 2.0, classifier=classifier))


def add_noise(images, factor: float, seed: int) -> np.ndarray:
    """잡음 섞기: ``images`` + ``factor`` × Gaussian noise, clipped to [0, 1].

    ``images`` are pixels in [0, 1].  The denoising autoencoder's inputs (chapter 7):
    its training in ``tools/train_models.py``, its measurement in
    ``benchmarks/bench_models.py`` and the chapter's demo (7.7).

    >>> add_noise(np.zeros((2, 3)), 0.5, seed=0).shape
    (2, 3)
    """
    rng = np.random.default_rng(seed)
    noisy = images + factor * rng.standard_normal(np.shape(images))
    return np.clip(noisy, 0.0, 1.0).astype("float32")

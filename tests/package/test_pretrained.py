"""course_utils.pretrained: every shipped checkpoint loads offline, has its record,
maps the documented inputs to the documented outputs, and passes a generous quality floor.

The quality targets themselves (>= 90% of reconstructions read right, ...) are
figures of benchmarks/bench_models.py; the floors here only stop a broken
checkpoint from landing.
"""

from __future__ import annotations

import socket

import _keras_helpers  # noqa: F401  (imports TensorFlow; its environment: tests/conftest.py)
import numpy as np
import pytest

from course_utils import pretrained
from course_utils.data import load_mnist, to_unit_interval

NAMES = pretrained.names()
AUTOENCODERS = [n for n in NAMES if pretrained.info(n)["kind"] == "autoencoder"]


@pytest.fixture(scope="module")
def test_digits():
    _, (x, y) = load_mnist(offline=True, verbose=False)
    return to_unit_interval(x[:200]), y[:200]


@pytest.fixture(scope="module")
def models():
    return {}


def _model(models, name):
    if name not in models:
        models[name] = pretrained.load(name)
    return models[name]


def test_names_are_the_shipped_checkpoints_and_kinds_match_the_architectures():
    """names() lists exactly the shipped weights, in chapter order; each kind is what its model does."""
    shipped = sorted(p.name[: -len(".weights.npz")] for p in pretrained.checkpoint_dir().glob("*.weights.npz"))
    assert sorted(NAMES) == shipped and len(set(NAMES)) == len(NAMES)
    chapters = [pretrained.info(n)["chapter"] for n in NAMES]
    assert chapters == sorted(chapters)
    for name in NAMES:
        model, meta = pretrained.build(name), pretrained.info(name)
        if name.startswith("ch"):
            assert meta["chapter"] == int(name[2:4]), name
        if meta["kind"] == "autoencoder":
            assert model.output_shape == model.input_shape and model.input_shape[1:] in ((784,), (28, 28, 1)), name
        elif meta["kind"] == "generator":
            assert model.input_shape == (None, 100) and model.output_shape == (None, 28, 28, 1), name
        else:
            assert meta["kind"] == "classifier" and model.output_shape == (None, 10), name
    with pytest.raises(KeyError, match="있는 이름"):
        pretrained.info("no_such_model")


@pytest.mark.parametrize("name", NAMES)
def test_record_is_shipped_and_complete(name):
    meta = pretrained.info(name)
    assert isinstance(meta["chapter"], int) and meta["chapter"] in (5, 6, 7)
    for key in ("architecture", "data", "train_images", "test_images", "seed", "wall_seconds", "versions",
                "command"):
        assert key in meta, key
    assert meta["quick"] is False
    assert ("epochs" in meta) != ("steps" in meta)
    assert "/tmp" not in str(meta)
    assert pretrained.weights_path(name).is_file()


def test_denoising_model_records_its_noise():
    assert pretrained.info("ch07_denoising_ae")["noise"] >= 0.5
    assert "noise" not in pretrained.info("ch07_conv_ae")


def test_checkpoints_stay_small():
    total = sum(p.stat().st_size for p in pretrained.checkpoint_dir().iterdir() if p.is_file())
    assert total < 5_000_000


def test_loading_needs_no_network(monkeypatch, models):
    def no_network(*args, **kwargs):
        raise OSError("network disabled in this test")

    monkeypatch.setattr(socket, "socket", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    assert _model(models, "ch07_dense_ae").count_params() == 784 * 36 + 36 + 36 * 784 + 784


@pytest.mark.parametrize("name", AUTOENCODERS)
def test_autoencoder_maps_unit_pixels_to_unit_pixels_and_reconstructs_its_own_input(name, models, test_digits):
    x, _ = test_digits
    model = _model(models, name)
    flat = name == "ch07_dense_ae"
    inputs = x[:40].reshape(40, -1) if flat else x[:40]
    out = np.asarray(model.predict(inputs, verbose=0))
    assert out.shape == inputs.shape
    assert out.min() >= 0.0 and out.max() <= 1.0
    # each reconstruction is closer to its own input than to any other of the 40 test digits
    a, b = out.reshape(40, -1), inputs.reshape(40, -1)
    distances = ((a[:, None, :] - b[None, :, :]) ** 2).sum(axis=2)
    assert (distances.argmin(axis=1) == np.arange(40)).mean() >= 0.95


def test_classifier_reads_test_digits(models, test_digits):
    x, y = test_digits
    probs = np.asarray(_model(models, "digit_classifier").predict(x, verbose=0))
    assert probs.shape == (len(x), 10) and np.allclose(probs.sum(axis=1), 1, atol=1e-4)
    assert (probs.argmax(axis=1) == y).mean() >= 0.95


GENERATORS = [n for n in NAMES if pretrained.info(n)["kind"] == "generator"]


def test_chapter_6_ships_the_dcgan_and_the_conditional_generator():
    assert GENERATORS == ["ch06_dcgan", "ch06_generator"]


@pytest.mark.parametrize("name", GENERATORS)
def test_generator_maps_standard_normal_noise_to_tanh_images(name, models):
    from course_utils.gan import LATENT_DIM, sample_noise

    generator = _model(models, name)
    images = np.asarray(generator(sample_noise(64, seed=0), training=False))
    assert images.shape == (64, 28, 28, 1) and generator.input_shape == (None, LATENT_DIM)
    assert images.min() >= -1.0 and images.max() <= 1.0
    # digits: mostly dark background with bright strokes, and different noise gives different images
    assert (images < -0.9).mean() > 0.5 and (images > 0.5).mean() > 0.05
    assert np.abs(images[0] - images[1]).mean() > 0.05


@pytest.mark.parametrize("name", GENERATORS)
def test_generated_digits_are_read_by_the_classifier(name, models):
    from course_utils.gan import sample_noise

    images = np.asarray(_model(models, name)(sample_noise(200, seed=11), training=False))
    probs = np.asarray(_model(models, "digit_classifier").predict((images + 1) / 2, verbose=0))
    assert (probs.max(axis=1) >= 0.9).mean() >= 0.5  # generous floor; the target (80%) is the benchmark's
    assert len(set(probs.argmax(axis=1).tolist())) >= 8


@pytest.mark.parametrize("name", GENERATORS)
def test_generator_census_repeats_the_training_record(name, models):
    """The one measurement of a generator gives the figures its record stored after the last step."""
    record = pretrained.info(name)
    stored = record["quality_by_step"][str(record["steps"])]["ema"]
    census = pretrained.generator_census(_model(models, name), seed=1234, samples=1000)
    assert census["digits"] == stored["digits"] and sum(census["counts"]) == round(census["confident"] * 1000)
    assert census["confident"] == pytest.approx(stored["confident"], abs=0.003)
    assert census["largest_share"] == pytest.approx(stored["largest_share"], abs=0.003)


def test_generator_census_scales_the_noise_by_psi(models):
    # psi = 0 gives every sample zero noise: the DCGAN draws one image, so one digit or none.  (Not the
    # conditional generator: TensorFlow's argmax tells -0.0 from 0.0, so its digit choice differs there.)
    assert pretrained.generator_census(_model(models, "ch06_dcgan"), seed=1, samples=10, psi=0.0)["digits"] <= 1


def test_conditional_generator_draws_the_digit_its_noise_chooses(models):
    from course_utils.gan import digits_of_noise, sample_noise

    noise = sample_noise(500, seed=21)
    images = np.asarray(_model(models, "ch06_generator")(noise, training=False))
    read = np.asarray(_model(models, "digit_classifier")((images + 1) / 2, training=False)).argmax(axis=1)
    assert (read == digits_of_noise(noise)).mean() >= 0.8  # generous floor


def test_generator_progress_names_the_generators_when_asked_for_another_model():
    with pytest.raises(ValueError, match="ch06_dcgan, ch06_generator"):
        pretrained.generator_progress("ch07_dense_ae")
    with pytest.raises(KeyError, match="없습니다"):
        pretrained.generator_progress("no_such_model")


@pytest.mark.parametrize("name", GENERATORS)
def test_generator_progress_is_the_same_noise_at_increasing_steps(name):
    progress = pretrained.generator_progress(name)
    steps, images = progress["steps"], progress["images"]
    assert steps[0] == 0 and np.all(np.diff(steps) > 0)
    assert steps[-1] == pretrained.info(name)["steps"]
    assert images.dtype == np.uint8 and images.shape == (len(steps), 16, 28, 28)
    # the first grid (untrained generator) is not yet digit-like; the last one is mostly dark background
    assert (images[-1] < 25).mean() > 0.5
    assert not np.array_equal(images[0], images[-1])

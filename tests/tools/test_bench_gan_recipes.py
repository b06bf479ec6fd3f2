"""benchmarks/bench_gan_recipes.py (issue 9's GAN screening) runs, and its augmentation does what it says."""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks import bench_gan_recipes as recipes


def test_every_recipe_option_trains_and_reports(capsys):
    recipes.main(["--steps", "2", "--every", "1", "--d-steps", "2", "--top-k", "2", "--shift", "2",
                  "--cutout", "8", "--d-width", "2", "--g-width", "2", "--real-label", "1.0", "--r1", "1"])
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].startswith("recipe: ") and "'d_steps': 2" in lines[0]
    assert [line.split(":")[0] for line in lines[1:]] == ["step 1", "step 2"]
    assert all(" EMA (" in line and " raw (" in line for line in lines[1:])


def test_r1_penalty_is_the_squared_gradient_of_the_logit():
    """For D(x) = sigmoid(w . x + b) the logit's gradient is w, so the penalty is |w|^2 for every image."""
    import keras
    import tensorflow as tf

    discriminator = keras.Sequential([keras.Input((2, 2, 1)), keras.layers.Flatten(),
                                      keras.layers.Dense(1, activation="sigmoid")])
    w = np.array([[0.5], [-1.0], [0.25], [2.0]], "float32")
    discriminator.layers[-1].set_weights([w, np.zeros(1, "float32")])
    images = tf.constant(np.random.default_rng(0).uniform(-1, 1, (8, 2, 2, 1)).astype("float32"))
    assert float(recipes.r1_penalty(discriminator, images)) == pytest.approx(float((w ** 2).sum()), rel=1e-3)


def test_shift_moves_a_dot_by_at_most_the_shift_and_keeps_the_background():
    import tensorflow as tf

    images = -np.ones((64, 28, 28, 1), "float32")
    images[:, 14, 14, 0] = 1.0
    shifted = np.asarray(recipes.augment(tf.constant(images), shift=2, cutout=0))
    assert shifted.shape == images.shape and set(np.unique(shifted)) == {-1.0, 1.0}
    rows, cols = np.nonzero(shifted[..., 0] == 1.0)[1:]
    assert len(rows) == 64 and np.all(np.abs(rows - 14) <= 2) and np.all(np.abs(cols - 14) <= 2)
    assert len(set(zip(rows.tolist(), cols.tolist()))) > 1  # shifts differ between images


def test_cutout_sets_one_square_to_zero():
    import tensorflow as tf

    images = np.ones((64, 28, 28, 1), "float32")
    cut = np.asarray(recipes.augment(tf.constant(images), shift=0, cutout=8))
    zeros = (cut[..., 0] == 0).sum(axis=(1, 2))
    assert set(np.unique(cut)) <= {0.0, 1.0} and np.all(zeros >= 1) and np.all(zeros <= 8 * 8) and zeros.max() == 64

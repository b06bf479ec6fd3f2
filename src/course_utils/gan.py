"""The DCGAN of chapter 6 (GAN), shared by the chapter, ``tools/train_models.py`` and the tests.

Chapter 6 builds a small DCGAN for 28x28 digits: a *generator* that turns a
100-dimensional noise vector into an image in [-1, 1], and a *discriminator*
that says how likely an image is to be real.  Keras 3 reads ``layer.trainable``
when a training step is traced, so the Keras 2 recipe (compile the
discriminator, set ``discriminator.trainable = False``, compile a combined
model, alternate ``train_on_batch`` calls) leaves the discriminator untrained.
:class:`GAN` is the recipe that is correct under Keras 3: one ``train_step``
with two gradient tapes, each optimizer updating only its own network.

The book's pretrained generator (``ch06_generator``, 6.7) is a *conditional* GAN
built on the same networks: :class:`ConditionalGAN` also learns from the digit
labels, and :func:`build_conditional_generator` reads the digit to draw from
its noise, so it still maps noise alone to an image.

Importing ``course_utils`` does not import TensorFlow; importing this module does.

>>> import numpy as np
>>> sample_noise(4, latent_dim=100, seed=0).shape
(4, 100)
>>> generator = build_generator()
>>> from course_utils.exercises.ch06 import generator_params  # 연습 6-2, computed by course_utils.params
>>> generator.count_params() == generator_params()
True
>>> build_discriminator().output_shape
(None, 1)
>>> images = np.asarray(generator(sample_noise(2, seed=1), training=False))
>>> images.shape, bool(images.min() >= -1 and images.max() <= 1)
((2, 28, 28, 1), True)
"""

from __future__ import annotations

import time
from typing import Callable, Optional

import keras
import numpy as np
import tensorflow as tf
from keras import layers, ops

__all__ = [
    "LATENT_DIM",
    "IMAGE_SHAPE",
    "NUM_DIGITS",
    "build_generator",
    "build_discriminator",
    "GAN",
    "StepGAN",
    "DigitFromNoise",
    "digits_of_noise",
    "build_conditional_generator",
    "build_conditional_discriminator",
    "ConditionalGAN",
    "make_conditional_gan",
    "sample_noise",
    "make_gan",
    "checked_train_step",
    "own_network",
    "train",
    "update_moving_average",
    "snapshot_weights",
    "weight_change",
]

LATENT_DIM = 100
IMAGE_SHAPE = (28, 28, 1)
NUM_DIGITS = 10


def build_generator(latent_dim: int = LATENT_DIM, channels: int = 128) -> keras.Sequential:
    """Chapter 6's DCGAN generator: noise (latent_dim,) -> an image (28, 28, 1) in [-1, 1] (연습 6-1's reference).

    Dense to 7x7x``channels``, then two rounds of "upsample x2, 5x5 convolution":
    7 -> 14 -> 28 (the first convolution has ``channels // 2`` filters).  The last
    convolution has one filter and ``tanh``, so every pixel lies in [-1, 1], the
    range the real images are scaled to.  ``channels=128`` is the chapter's generator;
    ``benchmarks/bench_gan_recipes.py`` tries wider ones.

    >>> [tuple(layer.output.shape[1:]) for layer in build_generator().layers][::3]
    [(6272,), (7, 7, 128), (14, 14, 64), (28, 28, 1)]
    """
    return keras.Sequential(
        [
            keras.Input(shape=(latent_dim,)),
            layers.Dense(7 * 7 * channels, name="dense"),
            layers.LeakyReLU(negative_slope=0.2, name="leaky_relu_1"),
            layers.BatchNormalization(name="batch_norm_1"),
            layers.Reshape((7, 7, channels), name="reshape"),
            layers.UpSampling2D(name="upsample_1"),
            layers.Conv2D(channels // 2, kernel_size=5, padding="same", name="conv_1"),
            layers.BatchNormalization(name="batch_norm_2"),
            layers.LeakyReLU(negative_slope=0.2, name="leaky_relu_2"),
            layers.UpSampling2D(name="upsample_2"),
            layers.Conv2D(1, kernel_size=5, padding="same", activation="tanh", name="conv_2"),
        ],
        name="generator",
    )


def build_discriminator(filters: int = 64) -> keras.Sequential:
    """Chapter 6's DCGAN discriminator: an image (28, 28, 1) -> the probability that it is real (연습 6-4's reference).

    Two 5x5 convolutions with stride 2 (28 -> 14 -> 7; ``filters``, then twice as
    many), LeakyReLU and dropout, then Flatten and one sigmoid unit.
    ``filters=64`` is the chapter's discriminator.

    >>> build_discriminator().count_params()
    212865
    """
    return keras.Sequential(
        [
            keras.Input(shape=IMAGE_SHAPE),
            layers.Conv2D(filters, kernel_size=5, strides=2, padding="same", name="conv_1"),
            layers.LeakyReLU(negative_slope=0.2, name="leaky_relu_1"),
            layers.Dropout(0.3, name="dropout_1"),
            layers.Conv2D(2 * filters, kernel_size=5, strides=2, padding="same", name="conv_2"),
            layers.LeakyReLU(negative_slope=0.2, name="leaky_relu_2"),
            layers.Dropout(0.3, name="dropout_2"),
            layers.Flatten(name="flatten"),
            layers.Dense(1, activation="sigmoid", name="dense"),
        ],
        name="discriminator",
    )


def sample_noise(batch: int, latent_dim: int = LATENT_DIM, seed: Optional[int] = None) -> np.ndarray:
    """A batch of generator inputs: standard normal noise of shape (batch, latent_dim), float32.

    The same seed gives the same noise, so a grid of samples can be redrawn
    from the same points as training goes on (chapter 6).

    >>> noise = sample_noise(8, seed=0)
    >>> noise.shape, noise.dtype.name
    ((8, 100), 'float32')
    >>> bool(np.array_equal(noise, sample_noise(8, seed=0)))
    True
    """
    rng = np.random.default_rng(seed)
    return rng.standard_normal((batch, latent_dim)).astype("float32")


class GAN(keras.Model):
    """A generator and a discriminator trained against each other, correctly under Keras 3.

    Each training step has two parts, each with its own gradient tape and optimizer:

    1. :meth:`discriminator_step`: real images labelled 1, generated images
       labelled 0; ``d_optimizer`` updates ``discriminator.trainable_variables``
       only.
    2. :meth:`generator_step`: new generated images labelled 1 ("the police
       should call these real"); the loss flows back through the discriminator,
       but ``g_optimizer`` updates ``generator.trainable_variables`` only, so the
       discriminator stays exactly as it was.

    No ``trainable`` flag is switched, so nothing depends on when Keras reads it.
    (The generator's batch-normalization *moving statistics* are not trained
    weights; they follow the batches the generator sees in either part.)

    >>> gan = GAN(build_generator(), build_discriminator(), seed=0)
    >>> gan.compile(
    ...     d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
    ...     g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
    ...     loss_fn=keras.losses.BinaryCrossentropy(),
    ... )
    >>> logs = gan.train_on_batch(np.zeros((8, 28, 28, 1), "float32"), return_dict=True)
    >>> sorted(logs)
    ['d_loss', 'g_loss']
    """

    def __init__(self, generator, discriminator, latent_dim: int = LATENT_DIM, seed: Optional[int] = None,
                 real_label: float = 1.0, **kwargs):
        super().__init__(**kwargs)
        self.generator = generator
        # 1.0 is the plain recipe; 0.9 is one-sided label smoothing (tools/train_models.py, chapter 6.7)
        self.real_label = float(real_label)
        self.discriminator = discriminator
        self.latent_dim = latent_dim
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.d_loss_tracker = keras.metrics.Mean(name="d_loss")
        self.g_loss_tracker = keras.metrics.Mean(name="g_loss")

    def compile(self, d_optimizer, g_optimizer, loss_fn, **kwargs):
        """Set the two optimizers and the loss (binary cross-entropy on probabilities)."""
        super().compile(**kwargs)
        self.d_optimizer = d_optimizer
        self.g_optimizer = g_optimizer
        self.loss_fn = loss_fn

    @property
    def metrics(self):
        return [self.d_loss_tracker, self.g_loss_tracker]

    def call(self, noise, training=False):
        """Generate images from noise (the trained model *is* its generator)."""
        return self.generator(noise, training=training)

    def _noise(self, batch_size):
        return keras.random.normal((batch_size, self.latent_dim), seed=self.seed_generator)

    def discriminator_step(self, real_images, noise=None):
        """The discriminator step: one update of the discriminator only; returns its loss (연습 6-7's reference).

        Real images get label ``real_label`` (1, or 0.9 with one-sided label
        smoothing), images generated from ``noise`` get label 0.
        """
        batch_size = tf.shape(real_images)[0]
        if noise is None:
            noise = self._noise(batch_size)
        fake_images = self.generator(noise, training=True)
        images = tf.concat([tf.cast(real_images, fake_images.dtype), fake_images], axis=0)
        labels = tf.concat([self.real_label * tf.ones((batch_size, 1)), tf.zeros((batch_size, 1))], axis=0)
        return self.update(self.discriminator, self.d_optimizer,
                           lambda: self.loss_fn(labels, self.discriminator(images, training=True)))

    def generator_step(self, noise):
        """The generator step: one update of the generator only; returns its loss (연습 6-7's reference).

        Generated images get label 1; the discriminator is used but not updated.
        """
        labels = tf.ones((tf.shape(noise)[0], 1))
        return self.update(self.generator, self.g_optimizer,
                           lambda: self.loss_fn(labels, self.discriminator(self.generator(noise, training=True),
                                                                           training=True)))

    @staticmethod
    def update(network, optimizer, compute_loss):
        """One gradient step: ``optimizer`` changes ``network.trainable_variables`` only.

        ``compute_loss()`` runs under a ``tf.GradientTape``; the loss may use other networks
        (the generator's loss goes through the discriminator), but only ``network``'s
        weights receive the gradients.  Returns the loss.
        """
        with tf.GradientTape() as tape:
            loss = compute_loss()
        weights = network.trainable_variables
        optimizer.apply_gradients(zip(tape.gradient(loss, weights), weights))
        return loss

    def train_step(self, data):
        """One training step: a discriminator step, then a generator step on new noise (called by ``fit`` and ``train_on_batch``)."""
        real_images = data[0] if isinstance(data, (tuple, list)) else data
        batch_size = tf.shape(real_images)[0]
        d_loss = self.discriminator_step(real_images, self._noise(batch_size))
        g_loss = self.generator_step(self._noise(batch_size))
        self.d_loss_tracker.update_state(d_loss)
        self.g_loss_tracker.update_state(g_loss)
        return {"d_loss": self.d_loss_tracker.result(), "g_loss": self.g_loss_tracker.result()}


class StepGAN(GAN):
    """A :class:`GAN` whose training step is a function ``step(gan, real_images, d_noise, g_noise) -> (d_loss, g_loss)``.

    Chapter 6.6 trains with the ``train_step`` the learner wrote (연습 in 6.5) through it; the two noise batches
    are drawn as :meth:`GAN.train_step` draws them.  It runs eagerly, as the exercise's check ran the function.
    """

    def __init__(self, generator, discriminator, step, **kwargs):
        super().__init__(generator, discriminator, **kwargs)
        self.step = step

    def train_step(self, data):
        """One step of ``self.step`` (the learner's function) on a batch of real images."""
        real_images = data[0] if isinstance(data, (tuple, list)) else data
        batch_size = tf.shape(real_images)[0]
        d_loss, g_loss = self.step(self, real_images, self._noise(batch_size), self._noise(batch_size))
        self.d_loss_tracker.update_state(d_loss)
        self.g_loss_tracker.update_state(g_loss)
        return {"d_loss": self.d_loss_tracker.result(), "g_loss": self.g_loss_tracker.result()}


def own_network(build, reference: Callable):
    """The learner's network (연습 6-1, 6-4) when its layers match ``reference()``'s, else ``reference()`` (6.3).

    ``build()`` makes the learner's model (a ``lambda: make_discriminator()``, so an unanswered exercise is caught
    here); one Korean line says which model the chapter goes on with, as ``pretrained.load_into`` does for weights.
    """
    from course_utils.exercises._models import learner_model

    chapter_model = reference()
    model = learner_model(build, chapter_model)
    if model is None:
        return chapter_model
    print("✅ 여러분이 만든 모델로 계속합니다.")
    return model


def checked_train_step(get) -> Optional[Callable]:
    """The learner's ``train_step`` (6.5) when it passes its exercise's check, else None with one Korean line.

    ``get`` is a ``lambda: train_step``, so an unanswered exercise does not stop the chapter's cell (6.6).
    Run it *before* seeding the weights: the check builds networks of its own.
    """
    from course_utils.exercises.ch06 import own_train_step

    return own_train_step(get)


def make_gan(latent_dim: int = LATENT_DIM, seed: Optional[int] = 0, learning_rate: float = 2e-4,
             real_label: float = 1.0, train_step: Optional[Callable] = None) -> GAN:
    """A compiled :class:`GAN` with fresh networks and the DCGAN optimizer settings.

    Adam with learning rate 2e-4 and beta_1 = 0.5 for both networks, binary
    cross-entropy as the loss.  Call ``keras.utils.set_random_seed`` first for
    reproducible initial weights.  With ``train_step`` (a function as :class:`StepGAN` takes, 6.6: what
    :func:`checked_train_step` returned) the GAN trains with it; ``None`` is the reference :class:`GAN`.
    """
    step = train_step
    networks = (build_generator(latent_dim), build_discriminator())
    if step is None:
        gan = GAN(*networks, latent_dim=latent_dim, seed=seed, real_label=real_label)
    else:
        gan = StepGAN(*networks, step, latent_dim=latent_dim, seed=seed, real_label=real_label)
    gan.compile(
        d_optimizer=keras.optimizers.Adam(learning_rate, beta_1=0.5),
        g_optimizer=keras.optimizers.Adam(learning_rate, beta_1=0.5),
        loss_fn=keras.losses.BinaryCrossentropy(),
        run_eagerly=step is not None,
    )
    return gan


# ---------------------------------------------------------------- 6.7: the conditional GAN of the pretrained generator


def _digit_one_hot(noise):
    """One-hot (N, 10) of the argmax of the first 10 noise values: DigitFromNoise and ConditionalGAN's steps."""
    return ops.one_hot(ops.argmax(noise[:, :NUM_DIGITS], axis=1), NUM_DIGITS)


class DigitFromNoise(layers.Layer):
    """The digit a noise vector chooses: one-hot of the place of the largest of its first 10 values (chapter 6.7).

    (N, latent_dim) -> (N, 10).  Ten independent standard-normal values are equally
    likely to have their maximum at any place, so each digit is chosen with probability 1/10.
    The layer has no weights; :func:`digits_of_noise` is the same choice in numpy.
    """

    def call(self, noise):
        return _digit_one_hot(noise)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], NUM_DIGITS)


def digits_of_noise(noise) -> np.ndarray:
    """The digit each noise vector chooses (:class:`DigitFromNoise`), as integers (N,).

    >>> digits_of_noise(np.eye(12, 100, k=0, dtype="float32"))[:12].tolist()
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 0]
    """
    return np.asarray(noise)[:, :NUM_DIGITS].argmax(axis=1)


def build_conditional_generator(latent_dim: int = LATENT_DIM, channels: int = 128) -> keras.Model:
    """6.7절의 조건부 생성자: 노이즈 (latent_dim,) -> 노이즈가 고른 숫자의 이미지 (28, 28, 1).

    :class:`DigitFromNoise` reads a digit from the noise; its one-hot is appended to
    the noise, and the result goes through the chapter's generator
    (:func:`build_generator` with ``latent_dim + 10`` inputs).  So the model still
    maps noise alone to an image in [-1, 1], like the chapter's generator.

    >>> generator = build_conditional_generator()
    >>> generator.input_shape, generator.output_shape
    ((None, 100), (None, 28, 28, 1))
    """
    noise = keras.Input(shape=(latent_dim,), name="noise")
    digit = DigitFromNoise(name="digit")(noise)
    inputs = layers.Concatenate(name="noise_and_digit")([noise, digit])
    images = build_generator(latent_dim + NUM_DIGITS, channels)(inputs)
    return keras.Model(noise, images, name="conditional_generator")


def build_conditional_discriminator(filters: int = 64) -> keras.Model:
    """6.7절의 조건부 판별자: (이미지, 숫자 one-hot) -> '이 숫자의 진짜 이미지일 확률'.

    The chapter's discriminator (:func:`build_discriminator`) up to its ``flatten``
    layer gives a feature vector h; the logit is ``w . h + b`` plus ``e_digit . h``,
    where ``e_digit`` is a learned vector per digit (a *projection* discriminator,
    Miyato and Koyama, 2018).  The second term is large when the image's features
    match the claimed digit, so an image must look like *that* digit to pass.

    >>> discriminator = build_conditional_discriminator()
    >>> [tuple(shape) for shape in discriminator.input_shape], discriminator.output_shape
    ([(None, 28, 28, 1), (None, 10)], (None, 1))
    """
    base = build_discriminator(filters)
    features = keras.Model(base.inputs, base.get_layer("flatten").output, name="features")
    image = keras.Input(shape=IMAGE_SHAPE, name="image")
    digit = keras.Input(shape=(NUM_DIGITS,), name="digit")
    h = features(image)
    logit = layers.Dense(1, name="logit")(h)
    embedding = layers.Dense(h.shape[-1], use_bias=False, name="digit_embedding")(digit)
    match = layers.Dot(axes=1, name="match")([embedding, h])
    probability = layers.Activation("sigmoid", name="probability")(layers.Add(name="logit_plus_match")([logit, match]))
    return keras.Model([image, digit], probability, name="conditional_discriminator")


class ConditionalGAN(GAN):
    """A GAN that also learns from the digit labels (chapter 6.7): it trains on (images, labels).

    The same two steps as :class:`GAN`, each updating only its own network, but the
    discriminator also gets a digit: a real image with its own label, a generated
    image with the digit its noise chose (:class:`DigitFromNoise`).  The generator
    must therefore draw the digit the noise asks for, well enough to pass as that digit.

    >>> gan = ConditionalGAN(build_conditional_generator(), build_conditional_discriminator(), seed=0)
    >>> gan.compile(
    ...     d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
    ...     g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
    ...     loss_fn=keras.losses.BinaryCrossentropy(),
    ... )
    >>> logs = gan.train_on_batch(np.zeros((8, 28, 28, 1), "float32"), np.arange(8), return_dict=True)
    >>> sorted(logs)
    ['d_loss', 'g_loss']
    """

    def discriminator_step(self, real_images, noise=None, real_digits=None):
        """판별자 단계: (진짜, 그 레이블)은 ``real_label``, (가짜, 노이즈가 고른 숫자)는 0."""
        if real_digits is None:
            raise ValueError("ConditionalGAN의 판별자 단계에는 진짜 이미지의 숫자 레이블(real_digits)이 필요합니다: "
                             "train(..., labels=y_train)이나 train_on_batch(images, labels)로 주세요.")
        batch_size = tf.shape(real_images)[0]
        if noise is None:
            noise = self._noise(batch_size)
        fake_images = self.generator(noise, training=True)
        images = tf.concat([tf.cast(real_images, fake_images.dtype), fake_images], axis=0)
        digits = tf.concat([ops.one_hot(ops.cast(real_digits, "int32"), NUM_DIGITS), _digit_one_hot(noise)], axis=0)
        labels = tf.concat([self.real_label * tf.ones((batch_size, 1)), tf.zeros((batch_size, 1))], axis=0)
        return self.update(self.discriminator, self.d_optimizer,
                           lambda: self.loss_fn(labels, self.discriminator([images, digits], training=True)))

    def generator_step(self, noise):
        """Generator step: only the generator moves, so that (fake, the digit its noise chose) passes as real."""
        labels = tf.ones((tf.shape(noise)[0], 1))
        return self.update(self.generator, self.g_optimizer,
                           lambda: self.loss_fn(labels, self.discriminator(
                               [self.generator(noise, training=True), _digit_one_hot(noise)], training=True)))

    def train_step(self, data):
        """One step on ``data`` = (real images, their digit labels): a discriminator step, then a generator step."""
        if not isinstance(data, (tuple, list)) or len(data) < 2 or data[1] is None:
            raise ValueError("ConditionalGAN은 (이미지, 숫자 레이블)로 학습합니다: train(..., labels=y_train)이나 "
                             "train_on_batch(images, labels)로 레이블도 주세요.")
        real_images, real_digits = data[0], data[1]
        batch_size = tf.shape(real_images)[0]
        d_loss = self.discriminator_step(real_images, self._noise(batch_size), real_digits)
        g_loss = self.generator_step(self._noise(batch_size))
        self.d_loss_tracker.update_state(d_loss)
        self.g_loss_tracker.update_state(g_loss)
        return {"d_loss": self.d_loss_tracker.result(), "g_loss": self.g_loss_tracker.result()}


def make_conditional_gan(latent_dim: int = LATENT_DIM, seed: Optional[int] = 0, learning_rate: float = 2e-4,
                         real_label: float = 1.0) -> ConditionalGAN:
    """A compiled :class:`ConditionalGAN` with the optimizer settings of :func:`make_gan` (6.7절, ``ch06_generator``)."""
    gan = ConditionalGAN(build_conditional_generator(latent_dim), build_conditional_discriminator(),
                         latent_dim=latent_dim, seed=seed, real_label=real_label)
    gan.compile(
        d_optimizer=keras.optimizers.Adam(learning_rate, beta_1=0.5),
        g_optimizer=keras.optimizers.Adam(learning_rate, beta_1=0.5),
        loss_fn=keras.losses.BinaryCrossentropy(),
    )
    return gan


def train(
    gan: GAN,
    images: np.ndarray,
    steps: int,
    batch_size: int = 64,
    seed: int = 0,
    on_step: Optional[Callable[[int, dict], None]] = None,
    labels: Optional[np.ndarray] = None,
) -> dict:
    """Train ``gan`` for ``steps`` steps on random batches of ``images``; return the loss history.

    ``images`` is a float32 array (N, 28, 28, 1) in [-1, 1].  Each step draws
    ``batch_size`` images (seeded numpy generator) and calls
    ``gan.train_on_batch``; the metrics are reset before every step so that the
    history holds the loss of each step, not a running mean.  ``on_step(step,
    logs)`` is called after every step (``step`` counts from 1).  With ``labels``
    (integer digits, one per image) each batch is (images, their labels), as
    :class:`ConditionalGAN` needs (6.7절, ``tools/train_models.py``).

    Returns ``{"d_loss": [...], "g_loss": [...], "seconds": float}``.
    """
    rng = np.random.default_rng(seed)
    history = {"d_loss": [], "g_loss": []}
    start = time.perf_counter()
    for step in range(1, steps + 1):
        chosen = rng.integers(0, len(images), size=batch_size)
        gan.reset_metrics()
        if labels is None:
            logs = gan.train_on_batch(images[chosen], return_dict=True)
        else:
            logs = gan.train_on_batch(images[chosen], labels[chosen], return_dict=True)
        history["d_loss"].append(float(logs["d_loss"]))
        history["g_loss"].append(float(logs["g_loss"]))
        if on_step is not None:
            on_step(step, logs)
    history["seconds"] = time.perf_counter() - start
    return history


def update_moving_average(average, model, step: int, decay: float = 0.999) -> None:
    """Move ``average``'s weights toward ``model``'s: an exponential moving average (EMA).

    Every weight moves, batch-norm statistics included:
    ``average = rate * average + (1 - rate) * model`` with ``rate = min(decay, (1 + step) / (10 + step))``,
    so the first steps (``step`` counts from 1) are not dominated by the random start.
    ``ch06_generator`` is the EMA of its generator (chapter 6, 6.7); call this from
    :func:`train`'s ``on_step``, as ``tools/train_models.py`` does.

    >>> average, model = build_generator(), build_generator()
    >>> update_moving_average(average, model, step=10**9, decay=0.0)  # rate 0: a copy
    >>> all(np.array_equal(a, m) for a, m in zip(average.get_weights(), model.get_weights()))
    True
    """
    rate = min(decay, (1.0 + step) / (10.0 + step))
    for a, w in zip(average.weights, model.weights):
        a.assign(rate * a + (1.0 - rate) * w)


def snapshot_weights(model) -> list:
    """Copies (numpy arrays) of a model's trainable weights, to compare before and after a step.

    >>> before = snapshot_weights(build_discriminator())
    >>> len(before), weight_change(before, before)
    (6, 0.0)
    """
    return [np.array(variable.numpy(), copy=True) for variable in model.trainable_variables]


def weight_change(before: list, after: list) -> float:
    """The size of a change of weights: the L2 norm of (after - before) over all arrays.

    It is exactly 0.0 only when every weight is unchanged.
    """
    if len(before) != len(after):
        raise ValueError(f"before has {len(before)} arrays, after has {len(after)}")
    return float(np.sqrt(sum(np.sum((np.asarray(b, np.float64) - np.asarray(a, np.float64)) ** 2)
                             for a, b in zip(before, after))))

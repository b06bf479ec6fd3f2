"""``python -m tools.grade`` on the model-building exercises of chapters 7 (연습 7-4, 7-6) and 5 (5-1, 5-8): the sandbox
reports the learner's model as plain data (``exercises/_models.py``), the grader judges it in its own process.

Two crafted students on the chapter's exercise cells (as in test_grade_shortcuts.py): ``s1`` with every
instructor solution (full marks), ``s2`` with the models wrong in one layer each (0 points for those two, the
diagnosis naming the layer, as the visible check does); s2's other answers are the solutions.
"""

from __future__ import annotations

import pytest

from notebook_helpers import editions, read, solutions_by_id
from test_grade_shortcuts import grade_students

pytestmark = pytest.mark.slow

WRONG = {
    "7-4": "def build_autoencoder(code_dim):\n"
           "    inputs = keras.Input(shape=(784,))\n"
           "    code = layers.Dense(64, activation='relu', name='code')(inputs)\n"
           "    return keras.Model(inputs, layers.Dense(784, activation='sigmoid', name='reconstruction')(code))",
    "7-6": "def build_conv_ae(filters=16, code_channels=2):\n"
           "    inputs = keras.Input(shape=(28, 28, 1))\n"
           "    x = layers.Conv2D(filters, 3, strides=2, padding='same', activation='relu')(inputs)\n"
           "    x = layers.Conv2D(filters, 3, strides=2, padding='same', activation='relu')(x)\n"
           "    code = layers.Conv2D(code_channels, 3, padding='same', activation='relu', name='code')(x)\n"
           "    x = layers.UpSampling2D(2)(code)\n"
           "    x = layers.Conv2DTranspose(filters, 3, strides=2, padding='same', activation='relu')(x)\n"
           "    return keras.Model(inputs, layers.Conv2D(1, 3, padding='same', activation='sigmoid')(x))",
}
SAYS = {"7-4": "2번째 층의 출력이 (None, 36)이어야 하는데 (None, 64)입니다",
        "7-6": "5번째 층은 Conv2DTranspose여야 하는데 UpSampling2D입니다"}


def grade_right_and_wrong(chapter: str, tmp_path, wrong: dict, says: dict) -> tuple[dict, dict]:
    """tools.grade on one chapter's instructor solutions (s1) and on the same with ``wrong``'s answers (s2).

    s1 gets full marks on every exercise; s2 gets 0 and the diagnosis ``says[number]`` on the exercises of ``wrong``
    and full marks on the others.  Returns grade_students' (numbers, rows).
    """
    path = next(p for p in editions.chapter_notebooks() if p.parent.name.startswith(chapter))
    solutions = solutions_by_id(read(path))
    numbers, rows = grade_students(path, tmp_path, {
        "s1": lambda number, gid: solutions[gid],
        "s2": lambda number, gid: wrong.get(number, solutions[gid]),
    })
    for number in numbers.values():
        right = rows[("s1", number)]
        assert right["status"] == "ok" and float(right["score"]) == float(right["max"]) > 0, right
        other = rows[("s2", number)]
        if number in wrong:
            assert float(other["score"]) == 0 and says[number] in other["diagnosis"], other
        else:
            assert float(other["score"]) == float(other["max"]), other
    return numbers, rows


def test_right_models_get_full_marks_and_wrong_ones_the_first_differing_layer(tmp_path):
    numbers, rows = grade_right_and_wrong("ch07", tmp_path, WRONG, SAYS)
    assert {"7-4", "7-7", "7-6"} <= set(numbers.values())


#: Chapter 5's models wrong in one layer each (연습 5-1: the unpadded conv forgotten; 5-8: Conv2D for the
#: transposed conv), and 연습 5-2 answered with the Adam curve.
WRONG_CH05 = {
    "5-1": "def build_upsampling_ae(filters=(16, 8, 4)):\n"
           "    f1, f2, f3 = filters\n"
           "    x = inputs = keras.Input(shape=(28, 28, 1))\n"
           "    for f in (f1, f2, f3):\n"
           "        x = layers.Conv2D(f, 3, activation='relu', padding='same')(x)\n"
           "        x = layers.MaxPooling2D(2, padding='same')(x)\n"
           "    for f in (f3, f2, f1):\n"
           "        x = layers.Conv2D(f, 3, activation='relu', padding='same')(x)\n"
           "        x = layers.UpSampling2D(2)(x)\n"
           "    return keras.Model(inputs, layers.Conv2D(1, 3, activation='sigmoid', padding='same')(x))",
    "5-2": 'default_adadelta_curve = "B"',
    "5-8": "def build_transpose_ae(filters=(16, 8, 4)):\n"
           "    f1, f2, f3 = filters\n"
           "    x = inputs = keras.Input(shape=(28, 28, 1))\n"
           "    for f in (f1, f2, f3):\n"
           "        x = layers.Conv2D(f, 3, activation='relu')(x)\n"
           "        x = layers.MaxPooling2D(2)(x) if f != f3 else x\n"
           "    x = layers.Conv2D(f3, 3, activation='relu', padding='same')(x)\n"
           "    for f, padding in ((f2, 'same'), (f1, 'valid')):\n"
           "        x = layers.UpSampling2D(2)(x)\n"
           "        x = layers.Conv2DTranspose(f, 3, activation='relu', padding=padding)(x)\n"
           "    x = layers.UpSampling2D(2)(x)\n"
           "    return keras.Model(inputs, layers.Conv2DTranspose(1, 3, activation='sigmoid', padding='same')(x))",
}
SAYS_CH05 = {"5-1": "12번째 층의 출력이 (None, 14, 14, 16)이어야 하는데 (None, 16, 16, 16)입니다",
             "5-2": "Adam과 같은 0.001이니",
             "5-8": "7번째 층은 Conv2DTranspose여야 하는데 Conv2D입니다"}


def test_chapter_5_models_and_curves_are_graded_as_the_visible_check_grades_them(tmp_path):
    """The same on chapter 5 (연습 5-1, 5-8 and the read-the-result 5-2): full marks for the instructor's solutions,
    0 points and the check's own diagnosis for one wrong layer or the curve of the wrong optimizer."""
    numbers, rows = grade_right_and_wrong("ch05", tmp_path, WRONG_CH05, SAYS_CH05)
    assert {"5-1", "5-2", "5-8"} <= set(numbers.values())
    # the class report that tools.grade wrote reads the new exercises: their titles, and s2's diagnosed mistakes
    from tools import report

    csv_path = next(tmp_path.rglob("*_questions.csv"))
    assignment = report.load(csv_path.parents[2], csv_path.name.removesuffix("_questions.csv"))
    titles = {item.exercise: item.title for item in assignment.items}
    assert titles["5-1"] == "업샘플링 오토인코더 만들기" and titles["5-8"] == "Conv2DTranspose 오토인코더 만들기"
    assert titles["5-2"] == "기본 학습률의 Adadelta 찾기"
    mistakes = {m.exercise: m for m in assignment.mistakes if m.students == ["s2"]}
    for number, says in SAYS_CH05.items():
        assert says in mistakes[number].diagnosis, mistakes[number]
    assert mistakes["5-2"].kind == "hint"


# --- chapter 6: the generator, the discriminator and the train_step (연습 6-1, 6-4, 6-7) ---------------------------

WRONG_6 = {
    "6-1": "def make_generator(latent_dim=100):\n"
           "    return keras.Sequential([keras.Input(shape=(latent_dim,)), layers.Dense(7 * 7 * 128),\n"
           "        layers.LeakyReLU(negative_slope=0.2), layers.BatchNormalization(), layers.Reshape((7, 7, 128)),\n"
           "        layers.UpSampling2D(), layers.Conv2D(64, 5), layers.BatchNormalization(),\n"
           "        layers.LeakyReLU(negative_slope=0.2), layers.UpSampling2D(),\n"
           "        layers.Conv2D(1, 5, padding='same', activation='tanh')])",
    "6-4": "def make_discriminator(filters=64):\n"
           "    return keras.Sequential([keras.Input(shape=(28, 28, 1)), layers.Conv2D(filters, 5, padding='same'),\n"
           "        layers.LeakyReLU(negative_slope=0.2), layers.Dropout(0.3),\n"
           "        layers.Conv2D(2 * filters, 5, strides=2, padding='same'), layers.LeakyReLU(negative_slope=0.2),\n"
           "        layers.Dropout(0.3), layers.Flatten(), layers.Dense(1, activation='sigmoid')])",
    "6-7": "import tensorflow as tf\n"
           "def train_step(gan, real_images, d_noise, g_noise):\n"
           "    n = tf.shape(real_images)[0]\n"
           "    fake = gan.generator(d_noise, training=True)\n"
           "    with tf.GradientTape() as tape:\n"
           "        d_loss = gan.loss_fn(tf.concat([tf.ones((n, 1)), tf.zeros((n, 1))], 0),\n"
           "                             gan.discriminator(tf.concat([real_images, fake], 0), training=True))\n"
           "    w = gan.discriminator.trainable_variables\n"
           "    gan.d_optimizer.apply_gradients(zip(tape.gradient(d_loss, w), w))\n"
           "    with tf.GradientTape() as tape:\n"
           "        g_loss = gan.loss_fn(tf.ones((n, 1)), gan.discriminator(gan.generator(g_noise, training=True),\n"
           "                                                                 training=True))\n"
           "    w = gan.generator.trainable_variables + gan.discriminator.trainable_variables\n"
           "    gan.g_optimizer.apply_gradients(zip(tape.gradient(g_loss, w), w))\n"
           "    return d_loss, g_loss",
}
SAYS_6 = {"6-1": "7번째 층의 출력이 (None, 14, 14, 64)이어야 하는데 (None, 10, 10, 64)입니다",
          "6-4": "strides=2로 크기를 반으로",
          "6-7": "판별자의 가중치가 바뀌었습니다"}


def test_chapter_6_right_networks_and_step_get_full_marks_and_wrong_ones_the_diagnosis(tmp_path):
    numbers, rows = grade_right_and_wrong("ch06", tmp_path, WRONG_6, SAYS_6)
    assert set(WRONG_6) <= set(numbers.values())

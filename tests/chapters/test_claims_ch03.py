"""Chapter 3 (Convolution 레이어): the numbers the prose states, and the exercise checks."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from _keras_helpers import keras, tf  # noqa: F401  (TensorFlow's environment: tests/conftest.py)
from course_utils.exercises import ExerciseCheckError, ch03
from course_utils.layers import conv2d
from course_utils.params import conv2d_params
from course_utils.shapes import conv_output_length


def test_dense_on_full_image():
    layer = keras.layers.Dense(1, use_bias=False)
    layer.build((None, 1920 * 1080 * 3))
    assert layer.count_params() == 6_220_800


def test_big_conv_then_dense():
    conv = keras.layers.Conv2D(16, 5, strides=5, use_bias=False)
    out = conv(np.zeros((1, 1920, 1080, 3), "float32"))
    assert tuple(out.shape) == (1, 384, 216, 16)
    assert tuple(conv.kernel.shape) == (5, 5, 3, 16)
    assert conv.count_params() == 1_200 == conv2d_params(3, 16, 5, use_bias=False)
    head = keras.layers.Dense(1, use_bias=False)
    head.build((None, 384 * 216 * 16))
    assert head.count_params() == 1_327_104
    # the prose: a float32 batch of 64 such images is "약 1.6 GB"
    import json
    import re
    from pathlib import Path

    root = next(p for p in Path(__file__).resolve().parents if (p / "_toc.yml").is_file())
    nb = json.loads((root / "book/ch03_convolution/ch03_convolution.ipynb").read_text("utf-8"))
    prose = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    claimed = float(re.search(r"이미지 64장을 float32 배치로.+?약 ([\d.]+) GB", prose, re.S).group(1))
    batch = np.empty((64, 1920, 1080, 3), np.float32)  # never written, so never really allocated
    assert round(batch.nbytes / 1e9, 1) == claimed


@pytest.mark.parametrize("n,k,s,p", [(5, 3, 1, "valid"), (5, 3, 2, "valid"), (7, 3, 2, "same"), (6, 3, 2, "same"),
                                     (5, 3, 2, 1), (10, 4, 3, 2), (1920, 5, 5, "valid")])
def test_output_length_table(n, k, s, p):
    layers = [keras.layers.ZeroPadding2D(p)] if isinstance(p, int) else []
    layers.append(keras.layers.Conv2D(1, k, strides=s, padding="valid" if isinstance(p, int) else p))
    model = keras.Sequential([keras.Input((n, n, 1))] + layers)
    assert model.output_shape[1] == conv_output_length(n, k, s, p)


def test_conv_rgb_params():
    layer = keras.layers.Conv2D(16, 5)
    layer.build((None, 32, 32, 3))
    assert layer.count_params() == 1216 == conv2d_params(3, 16, 5)


def test_kernel_equal_to_stride_splits_object():
    img = np.zeros((1, 8, 8, 1), "float32")
    img[0, 2:5, 2:5, 0] = 1
    ones = np.ones((4, 4, 1, 1))
    assert conv2d(img, ones, stride=4)[0, :, :, 0].tolist() == [[4, 2], [2, 1]]
    assert conv2d(img, ones, stride=1).max() == 9


def test_exercise_answers_match_keras():
    layer = keras.layers.Conv2D(32, 5, strides=4)
    layer.build((None, 1920, 1080, 3))
    ch03.BIG_CONV.check_value((tuple(layer.compute_output_shape((1, 1920, 1080, 3))[1:]), layer.count_params()))
    model = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Conv2D(8, 3),
                              keras.layers.Conv2D(16, 3, strides=2, padding="same"), keras.layers.Conv2D(4, 1)])
    ch03.CONV_SHAPES.check_value(tuple(tuple(l.output.shape[1:]) for l in model.layers))
    ch03.CONV_PARAMS.check_value(tuple(l.count_params() for l in model.layers))


@pytest.mark.parametrize("check,wrong,fragment", [
    (ch03.BIG_CONV.check_value, ((269, 479, 32), 2432), "높이와 너비가 바뀌었습니다"),
    (ch03.BIG_CONV.check_value, ((480, 270, 32), 2432), "'same'"),
    (ch03.BIG_CONV.check_value, ((479, 269, 32), 2400), "편향"),
    (ch03.BIG_CONV.check_value, ((479, 269, 32), 832), "입력 채널"),
    (ch03.BIG_CONV.check_value, ((479, 269, 3), 2432), "필터 수"),
    (ch03.CONV_SHAPES.check_value, ((26, 26, 8), (12, 12, 16), (12, 12, 4)), "'same'"),
    (ch03.CONV_SHAPES.check_value, ((28, 28, 8), (14, 14, 16), (14, 14, 4)), "valid"),
    (ch03.CONV_PARAMS.check_value, (72, 1152, 64), "편향"),
    (ch03.CONV_PARAMS.check_value, (80, 160, 68), "입력 채널"),
])
def test_wrong_answers_get_hints(check, wrong, fragment):
    with pytest.raises(ExerciseCheckError, match=fragment):
        check(wrong)


def _loop_conv(x, kernel, stride=1, padding="valid"):
    p = 0 if padding == "valid" else int(padding)
    x = np.pad(np.asarray(x, float), ((p, p), (p, p), (0, 0)))
    kh, kw, _, c_out = kernel.shape
    oh, ow = (x.shape[0] - kh) // stride + 1, (x.shape[1] - kw) // stride + 1
    out = np.zeros((oh, ow, c_out))
    for i in range(oh):
        for j in range(ow):
            out[i, j] = np.tensordot(x[i * stride:i * stride + kh, j * stride:j * stride + kw], kernel, axes=3)
    return out


def test_my_conv2d_check_accepts_correct_and_matches_tf():
    ch03.MY_CONV2D.check_value(_loop_conv)
    for (x, kernel), kw, _ in ch03.conv_cases():
        p = 0 if kw["padding"] == "valid" else kw["padding"]
        xp = np.pad(x, ((p, p), (p, p), (0, 0)))[None].astype("float32")
        ref = tf.nn.conv2d(xp, kernel.astype("float32"), strides=kw["stride"], padding="VALID").numpy()[0]
        assert np.allclose(_loop_conv(x, kernel, **kw), ref, atol=1e-4)


@pytest.mark.parametrize("buggy,fragment", [
    (lambda x, k, stride=1, padding="valid": _loop_conv(x, k, 1, padding), "stride 2"),
    (lambda x, k, stride=1, padding="valid": _loop_conv(x, k, stride, "valid"), "padding 1"),
    (lambda x, k, stride=1, padding="valid": _loop_conv(x, k[::-1, ::-1], stride, padding), "채널 1개"),
    (lambda x, k, stride=1, padding="valid": _loop_conv(x[..., :1], k[:, :, :1], stride, padding), "입력 채널 3개"),
])
def test_my_conv2d_check_rejects_bugs(buggy, fragment):
    with pytest.raises(ExerciseCheckError, match=fragment):
        ch03.MY_CONV2D.check_value(buggy)


def _exercise_3_5_given_arrays() -> dict:
    """The image and kernel that 연습 3-5's answer cell gives (its lines before the solution), executed here."""
    import nbformat

    path = Path(__file__).resolve().parents[2] / "book/ch03_convolution/ch03_convolution.ipynb"
    cell = next(c for c in nbformat.read(path, as_version=4).cells
                if c.metadata.get("nbgrader", {}).get("grade_id") == "ch03_edge_response_answer")
    namespace = {"np": np}
    exec(cell.source.split("### BEGIN SOLUTION", 1)[0], namespace)  # noqa: S102 - two literal arrays
    return namespace


def test_exercise_3_5_gives_the_declared_image_and_the_laid_down_edge_kernel():
    given = _exercise_3_5_given_arrays()
    assert np.array_equal(given["bar_image"], ch03.BAR_IMAGE)
    assert np.array_equal(given["vertical_edge"], ch03.VERTICAL_EDGE)
    horizontal = np.array([[-1, -1, -1], [0, 0, 0], [1, 1, 1]])  # 3.6절's kernel
    assert np.array_equal(ch03.VERTICAL_EDGE, horizontal.T)


def test_edge_response_is_what_tensorflow_computes_and_its_signs_follow_the_edges():
    x = ch03.BAR_IMAGE.astype("float32")[None, :, :, None]
    k = ch03.VERTICAL_EDGE.astype("float32").reshape(3, 3, 1, 1)
    response = tf.nn.conv2d(x, k, 1, "VALID").numpy()[0, :, :, 0]
    assert response.shape == (5 - 3 + 1, 6 - 3 + 1)
    ch03.EDGE_RESPONSE.check_value(response)
    ch03.EDGE_RESPONSE.check_value(response.astype(int))
    assert (response[:, :2] > 0).all() and (response[:, 2:] < 0).all()  # dark-to-bright: +, bright-to-dark: -


@pytest.mark.parametrize("mistake, fragment", [
    ("flipped", "커널을 뒤집지 않고"), ("absolute", "절댓값"), ("horizontal", "가로 경계 커널"),
    ("middle row", "가운데 행만"), ("same", "padding='valid'"), ("transposed", "높이와 너비"),
    ("list", "numpy 배열"), ("zeros", "3x3 창"),
])
def test_edge_response_mistakes_get_their_hint(mistake, fragment):
    """Each typical mistake of 연습 3-5, computed here with TensorFlow, gets the hint that names it."""
    def conv(kernel, padding="VALID"):
        x = ch03.BAR_IMAGE.astype("float32")[None, :, :, None]
        return tf.nn.conv2d(x, np.asarray(kernel, "float32").reshape(3, 3, 1, 1), 1, padding).numpy()[0, :, :, 0]

    right = conv(ch03.VERTICAL_EDGE)
    wrong = {"flipped": conv(ch03.VERTICAL_EDGE[::-1, ::-1]), "absolute": np.abs(right),
             "horizontal": conv(ch03.VERTICAL_EDGE.T), "middle row": conv([[0, 0, 0], [-1, 0, 1], [0, 0, 0]]),
             "same": conv(ch03.VERTICAL_EDGE, "SAME"), "transposed": right.T, "list": right.tolist(),
             "zeros": np.zeros_like(right)}[mistake]
    with pytest.raises(ExerciseCheckError, match=fragment):
        ch03.EDGE_RESPONSE.check_value(wrong)

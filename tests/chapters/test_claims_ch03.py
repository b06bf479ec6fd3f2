"""Chapter 3 (Convolution 레이어): the numbers the prose states, and the exercise checks."""

from __future__ import annotations

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


@pytest.mark.parametrize("kernel", [[[1, 0, -1]] * 3, [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], [[0, 0, 0], [-1, 0, 1], [0, 0, 0]]])
def test_edge_kernel_accepts_vertical_detectors(kernel):
    ch03.EDGE_KERNEL.check_value(np.array(kernel, float))


@pytest.mark.parametrize("kernel,fragment", [
    ([[-1, -1, -1], [0, 0, 0], [1, 1, 1]], "가로 경계"),
    ([[1, 1, 1]] * 3, "합이 0"),
    (np.zeros((3, 3)), "모든 원소가 0"),
    ([[1, 0, -1], [0, 0, 0]], r"\(3, 3\)"),
    ([[0, 1, 1], [-1, 0, 1], [-1, -1, 0]], "가로 경계에도"),
])
def test_edge_kernel_rejects(kernel, fragment):
    with pytest.raises(ExerciseCheckError, match=fragment):
        ch03.EDGE_KERNEL.check_value(np.array(kernel, float))

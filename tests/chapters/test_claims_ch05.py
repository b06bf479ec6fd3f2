"""Every number chapter 5 states, checked against Keras and course_utils, and the chapter's checks.

The models are the builders of course_utils.pretrained that the chapter calls and that 연습 5-1 and 5-8 check the
learner's own models against.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from _keras_helpers import keras
from course_utils import layers as ref
from course_utils.exercises import ExerciseCheckError, ch05
from course_utils.shapes import conv_output_length, conv_transpose_output_length, pool_output_length

L = keras.layers
NOTEBOOK = Path(__file__).resolve().parents[2] / "book/ch05_transposed_conv_autoencoder/ch05_transposed_conv_autoencoder.ipynb"


@pytest.fixture(scope="module")
def upsampling_ae():
    """5.2's model, as the chapter builds it."""
    from course_utils import pretrained

    return pretrained.build_upsampling_autoencoder()


@pytest.fixture(scope="module")
def transpose_ae():
    """5.6's model, as the chapter builds it."""
    from course_utils import pretrained

    return pretrained.build_transpose_autoencoder()


def _code_cells():
    """The chapter's code cells outside the exercises, as text (read, never executed)."""
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    return ["".join(c["source"]) for c in nb["cells"]
            if c["cell_type"] == "code" and "nbgrader" not in c.get("metadata", {})]


def test_the_chapter_builds_its_models_with_the_package_builders():
    """The claims below are checked on the package builders; the chapter's demos call those, and the models' code is
    the learner's (연습 5-1, 5-8), never shown from the package."""
    code = "\n".join(_code_cells())
    for name in ("build_upsampling_autoencoder", "build_transpose_autoencoder"):
        assert f"pretrained.{name}()" in code, name
        assert f"show_source(pretrained.{name})" not in code, name
    assert "def build_" not in code and "keras.Model(" not in code, "an architecture written in the notebook again"
    # the payoffs: the checkpoints go into the learner's models, named only inside a lambda (the public edition
    # does not run the exercise cells)
    assert ('pretrained.load_into(lambda: build_upsampling_ae((32, 16, 8)), "ch05_upsampling_ae", names=())'
            in code)
    assert 'pretrained.load_into(lambda: build_transpose_ae((32, 16, 8)), "ch05_transpose_ae", names=())' in code
    for name in ("build_upsampling_ae", "build_transpose_ae"):
        assert code.count(name) == code.count(f"lambda: {name}("), name


def _sizes(model):
    return [layer.output.shape[1] for layer in model.layers[1:]]


def _formula_sizes(model, start=28):
    size, out = start, []
    for layer in model.layers[1:]:
        if isinstance(layer, L.Conv2DTranspose):
            size = conv_transpose_output_length(size, layer.kernel_size[0], layer.strides[0], layer.padding)
        elif isinstance(layer, L.Conv2D):
            size = conv_output_length(size, layer.kernel_size[0], layer.strides[0], layer.padding)
        elif isinstance(layer, L.MaxPooling2D):
            size = pool_output_length(size, layer.pool_size[0], layer.strides[0], layer.padding)
        elif isinstance(layer, L.UpSampling2D):
            size = size * layer.size[0]
        out.append(size)
    return out


def _distinct(sizes):
    out = []
    for s in sizes:
        if not out or out[-1] != s:
            out.append(s)
    return out


# --- 5.2: the upsampling autoencoder -------------------------------------------------


def test_upsampling_trace_28_14_7_4_8_16_14_28(upsampling_ae):
    sizes = _sizes(upsampling_ae)
    assert sizes == [28, 14, 14, 7, 7, 4, 4, 8, 8, 16, 14, 28, 28]
    assert _distinct([28] + sizes) == [28, 14, 7, 4, 8, 16, 14, 28]
    assert _formula_sizes(upsampling_ae) == sizes
    assert upsampling_ae.output_shape == (None, 28, 28, 1)


def test_upsampling_ae_params_code_and_the_valid_conv(upsampling_ae):
    assert upsampling_ae.count_params() == 3369
    code = upsampling_ae.get_layer("enc_pool3").output.shape
    assert tuple(code[1:]) == (4, 4, 4) and math.prod(code[1:]) == 64
    assert upsampling_ae.get_layer("dec_conv3").padding == "valid"
    assert [layer.name for layer in upsampling_ae.layers if getattr(layer, "padding", "same") == "valid"
            and isinstance(layer, L.Conv2D)] == ["dec_conv3"]
    # 7 / 2 rounds up with "same" pooling; without the valid conv the decoder would reach 32
    assert pool_output_length(7, 2, padding="same") == 4
    config = upsampling_ae.get_config()
    for layer in config["layers"]:
        if layer["config"]["name"] == "dec_conv3":
            layer["config"]["padding"] = "same"
    assert keras.Model.from_config(config).output_shape == (None, 32, 32, 1)
    # the notes' summary claims: first Conv2D has 16 channels (not 6) and 160 params
    assert upsampling_ae.get_layer("enc_conv1").output.shape[-1] == 16
    assert upsampling_ae.get_layer("enc_conv1").count_params() == 160


def test_bce_at_one_half_is_ln2():
    y = np.random.default_rng(0).random((4, 28, 28, 1)).astype("float32")
    loss = keras.losses.BinaryCrossentropy()(y, np.full_like(y, 0.5))
    assert abs(float(loss) - math.log(2)) < 1e-4
    assert round(math.log(2), 3) == 0.693


def test_default_learning_rates():
    assert float(keras.optimizers.Adadelta().learning_rate.numpy()) == pytest.approx(1e-3)
    assert float(keras.optimizers.Adam().learning_rate.numpy()) == pytest.approx(1e-3)


# --- 5.4: upsampling by hand ----------------------------------------------------------


SMALL = np.array([[1, 5, 3, 2], [0, 4, 8, 6], [7, 9, 1, 2], [3, 4, 5, 6]], dtype="float32").reshape(1, 4, 4, 1)


def test_small_array_pooling_indices_and_upsampling():
    pooled, indices = ref.max_pool2d(SMALL, 2, return_indices=True)
    assert pooled[0, :, :, 0].tolist() == [[5, 8], [9, 6]]
    assert indices.ravel().tolist() == [1, 6, 9, 15]
    assert (0 * 4 + 1) * 1 + 0 == indices.ravel()[0]
    keras_nearest = keras.ops.convert_to_numpy(L.UpSampling2D(2)(pooled))
    assert np.array_equal(keras_nearest, ref.upsample_nearest(pooled, 2))
    unpooled = ref.max_unpool2d(pooled, indices, SMALL.shape)
    assert np.count_nonzero(unpooled) == 4 and unpooled[0, 0, 1, 0] == 5


# --- 5.5: transposed convolution ------------------------------------------------------


def test_zero_insertion_equals_keras_conv2d_transpose():
    x = np.array([[1.0, 2.0], [3.0, 4.0]], dtype="float32").reshape(1, 2, 2, 1)
    kernel = np.arange(1, 10, dtype="float32").reshape(3, 3, 1, 1)
    spread = np.zeros((1, 3, 3, 1), dtype="float32")
    spread[:, ::2, ::2, :] = x
    by_zero_insertion = ref.conv2d(spread, kernel[::-1, ::-1].transpose(0, 1, 3, 2), padding=2)
    layer = L.Conv2DTranspose(1, 3, strides=2, use_bias=False)
    layer.build((1, 2, 2, 1))
    layer.set_weights([kernel])
    by_keras = keras.ops.convert_to_numpy(layer(x))
    assert by_keras.shape == (1, 5, 5, 1)
    assert np.allclose(by_zero_insertion, by_keras)
    assert by_keras[0, 2, 2, 0] == 36  # the centre, where all four stamps overlap


def test_kernel_layouts():
    conv, tconv = L.Conv2D(8, 3), L.Conv2DTranspose(8, 3)
    conv.build((None, 7, 7, 4))
    tconv.build((None, 7, 7, 4))
    assert tuple(conv.kernel.shape) == (3, 3, 4, 8)
    assert tuple(tconv.kernel.shape) == (3, 3, 8, 4)


def test_conv_floor_makes_13_and_14_collide():
    assert conv_output_length(13, 3, 2) == conv_output_length(14, 3, 2) == 6


@pytest.mark.parametrize("n,k,s,padding,op", [
    (4, 3, 1, "valid", None), (2, 3, 2, "valid", None), (3, 2, 3, "valid", None), (6, 3, 2, "valid", 1),
    (5, 3, 2, "same", None), (7, 3, 2, "same", 0), (7, 4, 2, "same", 1),
    (3, 3, 2, "valid", None), (7, 3, 2, "same", None), (5, 4, 3, "valid", None), (7, 5, 2, "valid", 1),
])
def test_transpose_formula_table_matches_keras(n, k, s, padding, op):
    keras_size = L.Conv2DTranspose(1, k, strides=s, padding=padding, output_padding=op).compute_output_shape((1, n, n, 1))[1]
    assert conv_transpose_output_length(n, k, s, padding, output_padding=op) == keras_size
    if padding == "valid" and op is None:
        assert keras_size == (n - 1) * s + max(k, s)
    if padding == "same" and op is None:
        assert keras_size == n * s
    if padding == "same" and op is not None:
        assert keras_size == (n - 1) * s + k % 2 + op


def _transpose(x, k, s, padding, op, kernel):
    """Conv2DTranspose with a given kernel on x; an integer padding p is a valid layer then Cropping2D(p)."""
    layer = L.Conv2DTranspose(1, k, strides=s, padding="valid" if isinstance(padding, int) else padding,
                              output_padding=op, use_bias=False)
    layer.build(x.shape)
    layer.set_weights([kernel])
    y = layer(x)
    if isinstance(padding, int):
        y = L.Cropping2D(padding)(y)
    return keras.ops.convert_to_numpy(y)


@pytest.mark.parametrize("n", [2, 5, 7])
@pytest.mark.parametrize("k,s", [(1, 1), (3, 1), (3, 2), (5, 2), (3, 3), (5, 3), (2, 2), (4, 2), (4, 3)])
def test_output_padding_0_equals_what_keras_3_10_builds_instead(n, k, s):
    """5.5: Keras 3.10 refuses output_padding=0; the chapter builds the same layer another way.

    valid: output_padding=0 is output_padding=None when k >= s; same with an odd k: it is the
    integer padding p = k // 2 (a valid layer, then Cropping2D(p)). Same sizes and same values,
    checked on the Keras of this environment (which accepts 0).
    """
    rng = np.random.default_rng(n * 100 + k * 10 + s)
    x = rng.normal(size=(1, n, n, 1)).astype("float32")
    kernel = rng.normal(size=(k, k, 1, 1)).astype("float32")
    valid_0 = _transpose(x, k, s, "valid", 0, kernel)
    assert valid_0.shape[1] == conv_transpose_output_length(n, k, s, "valid", output_padding=0)
    assert np.allclose(valid_0, _transpose(x, k, s, "valid", None, kernel), atol=1e-5)  # k >= s here
    if k % 2:
        same_0 = _transpose(x, k, s, "same", 0, kernel)
        assert same_0.shape[1] == conv_transpose_output_length(n, k, s, "same", output_padding=0) \
            == conv_transpose_output_length(n, k, s, k // 2)
        assert np.allclose(same_0, _transpose(x, k, s, k // 2, None, kernel), atol=1e-5)


def test_output_padding_0_differs_from_none_where_k_is_below_s():
    """Why the chapter says "k >= s": below it, valid output_padding=None adds s - k rows."""
    assert conv_transpose_output_length(3, 2, 3, "valid") == 9 != conv_transpose_output_length(3, 2, 3, "valid", 0) == 8


def test_keras_refuses_an_integer_padding():
    """The table's integer-p row is not a Keras padding: Conv2DTranspose takes only "valid" and "same"."""
    with pytest.raises((ValueError, AttributeError)):  # Keras 3.15: 'int' object has no attribute 'lower'
        L.Conv2DTranspose(1, 3, strides=2, padding=1)


def test_the_chapter_never_builds_output_padding_0():
    """Keras 3.10 (Colab's last announced runtime) refuses output_padding=0 (tests/colab/ runs the chapter there)."""
    import ast
    import re

    for source in _code_cells():
        assert not re.search(r"Conv\dDTranspose\([^)]*output_padding\s*=\s*0\b", source), source
        if "configs = [" in source:
            configs = ast.literal_eval(source.split("configs = ", 1)[1].split("]\n", 1)[0] + "]")
            assert all(op != 0 for *_, op in configs), configs
            assert any(isinstance(padding, int) for _n, _k, _s, padding, _op in configs)


# --- 5.6: the Conv2DTranspose autoencoder --------------------------------------------


def test_transpose_ae_trace_and_params(transpose_ae):
    sizes = _sizes(transpose_ae)
    assert sizes == [26, 13, 11, 5, 3, 3, 6, 6, 12, 14, 28, 28]
    assert _formula_sizes(transpose_ae) == sizes
    assert transpose_ae.count_params() == 3369
    assert tuple(transpose_ae.get_layer("enc_conv3").output.shape[1:]) == (3, 3, 4)


# --- the checks -----------------------------------------------------------------------


def test_checks_accept_the_computed_answers(transpose_ae):
    sizes = (
        conv_transpose_output_length(3, 3, 2, "valid"),
        conv_transpose_output_length(7, 3, 2, "same"),
        conv_transpose_output_length(5, 4, 3, "valid"),
        conv_transpose_output_length(7, 5, 2, "valid", output_padding=1),
    )
    ch05.TRANSPOSE_SIZES.check_value(sizes)
    ch05.TRANSPOSE_SIZES.check_value(tuple(np.array(sizes)))
    ch05.TRANSPOSE_TRACE.check_value(_formula_sizes(transpose_ae, start=32))
    ch05.TRANSPOSE_TRACE.check_value(list(_sizes(_rebuilt_for(transpose_ae, 32))))
    with pytest.raises(ExerciseCheckError, match=r"리스트\(list\)"):  # the question asks for a list
        ch05.TRANSPOSE_TRACE.check_value(tuple(_sizes(_rebuilt_for(transpose_ae, 32))))
    assert _formula_sizes(transpose_ae, start=32)[-1] != 32  # the balance only holds for 28


@pytest.mark.parametrize("wrong,hint", [
    ((1, 6, 2, 4), "크기를 키웁니다"),              # the conv formula
    ((7, 15, 16, 18), "same"),                      # "same" miscounted
    ((7, 14, 15, 18), "max(k, s)"),
    ((7, 14, 16, 17), "output_padding"),
    ((7, 14, 16), "정수 4개"),
])
def test_transpose_sizes_wrong_answers(wrong, hint):
    with pytest.raises(ExerciseCheckError, match="아직 정답이 아닙니다|답의 형식이 다릅니다") as info:
        ch05.TRANSPOSE_SIZES.check_value(wrong)
    assert hint in str(info.value)


def _rebuilt_for(model, size):
    """The same layers (fresh copies) on a size x size input."""
    x = inputs = keras.Input(shape=(size, size, 1))
    for layer in model.layers[1:]:
        x = layer.__class__.from_config(layer.get_config())(x)
    return keras.Model(inputs, x)


def test_the_balance_holds_for_28_only_whatever_size_5_7_gives(transpose_ae):
    """5.6's "연습 5-7에서 보았듯이 이 균형은 28에서만 맞습니다", for every learner's numbers: the chapter's model rebuilt
    on each input size 연습 5-7 can draw misses that size, and 28 is the only size from 12 to 100 that comes back."""
    drawable = sorted({ch05._draw_trace(np.random.default_rng(seed))["input"] for seed in range(400)})
    assert 28 not in drawable and len(drawable) >= 20
    for size in drawable:
        sizes = _sizes(_rebuilt_for(transpose_ae, size))
        assert sizes == ch05.trace(size) and sizes[-1] != size, size
    back = []
    for size in range(12, 101):
        try:
            back += [size] if _formula_sizes(transpose_ae, start=size)[-1] == size else []
        except ValueError:  # too small for the encoder's valid 3x3 convs
            assert size < 18, size
    assert back == [28]
    assert "이 균형은 28에서만 맞습니다" in NOTEBOOK.read_text(encoding="utf-8")


@pytest.mark.parametrize("wrong,hint", [
    ([32, 30, 15, 13, 6, 4, 4, 8, 8, 16, 18, 36, 36], "입력(32)은 빼고"),
    ([26, 13, 11, 5, 3, 3, 6, 6, 12, 14, 28, 28], "32x32 입력으로"),
    ([32, 16, 16, 8, 8, 4, 4, 8, 8, 16, 18, 36], "valid"),
    ([30, 15, 13, 7, 5, 5, 10, 10, 20, 22, 44, 44], "내림"),
    ([30, 15, 13, 6, 4, 4, 8, 8, 16, 16, 32, 32], "k-1"),
    ([30, 15, 13, 6, 4, 4, 8, 8, 16, 18, 32, 32], "11번째 레이어"),
    ([30, 15, 13], "12개"),
])
def test_transpose_trace_wrong_answers(wrong, hint):
    with pytest.raises(ExerciseCheckError) as info:
        ch05.TRANSPOSE_TRACE.check_value(wrong)
    assert hint in str(info.value)


def _nearest(x, size=2):
    return np.repeat(np.repeat(np.asarray(x), size, axis=1), size, axis=2)


def _nails(x, size=2):
    x = np.asarray(x)
    out = np.zeros((x.shape[0], x.shape[1] * size, x.shape[2] * size, x.shape[3]), x.dtype)
    out[:, ::size, ::size] = x
    return out


def _unpool(pooled, indices, output_shape):
    flat = np.zeros((output_shape[0], int(np.prod(output_shape[1:]))))
    for n in range(output_shape[0]):
        flat[n, np.asarray(indices)[n].ravel()] = np.asarray(pooled)[n].ravel()
    return flat.reshape(output_shape)


def _stub(*args, **kwargs):
    raise NotImplementedError


def test_code_checks_accept_right_functions():
    ch05.UPSAMPLE_NEAREST.check_value(_nearest)
    ch05.BED_OF_NAILS.check_value(_nails)
    ch05.MAX_UNPOOL.check_value(_unpool)


def test_code_checks_reject_buggy_functions():
    with pytest.raises(ExerciseCheckError, match="NotImplementedError"):
        ch05.UPSAMPLE_NEAREST.check_value(_stub)
    with pytest.raises(ExerciseCheckError, match="shape"):  # only the height is repeated
        ch05.UPSAMPLE_NEAREST.check_value(lambda x, size=2: np.repeat(x, size, axis=1))
    with pytest.raises(ExerciseCheckError, match="값이 다릅니다"):  # tiles instead of repeating
        ch05.UPSAMPLE_NEAREST.check_value(lambda x, size=2: np.tile(x, (1, size, size, 1)))
    with pytest.raises(ExerciseCheckError, match="nearest neighbor"):
        ch05.BED_OF_NAILS.check_value(_nearest)
    with pytest.raises(ExerciseCheckError, match="오른쪽 아래"):
        def bottom_right(x, size=2):
            out = np.zeros((x.shape[0], x.shape[1] * size, x.shape[2] * size, x.shape[3]))
            out[:, size - 1::size, size - 1::size] = x
            return out
        ch05.BED_OF_NAILS.check_value(bottom_right)
    with pytest.raises(ExerciseCheckError, match="NotImplementedError"):
        ch05.MAX_UNPOOL.check_value(_stub)
    with pytest.raises(ExerciseCheckError, match="0이 아닌 값이 너무 많습니다"):
        ch05.MAX_UNPOOL.check_value(lambda p, i, s: ref.upsample_nearest(p, 2))
    with pytest.raises(ExerciseCheckError, match="자리가 다릅니다"):
        def batch_zero_only(pooled, indices, output_shape):  # uses sample 0's indices for every sample
            flat = np.zeros((output_shape[0], int(np.prod(output_shape[1:]))))
            for n in range(output_shape[0]):
                flat[n, np.asarray(indices)[0].ravel()] = np.asarray(pooled)[n].ravel()
            return flat.reshape(output_shape)
        ch05.MAX_UNPOOL.check_value(batch_zero_only)


def test_hidden_test_references_agree_with_course_utils():
    """The hidden tests compare with Keras/TensorFlow: bed of nails as a Conv2DTranspose, unpooling via argmax."""
    import tensorflow as tf

    x = np.random.default_rng(1).normal(size=(2, 4, 3, 2)).astype("float32")
    layer = L.Conv2DTranspose(2, 2, strides=2, use_bias=False)
    layer.build(x.shape)
    kernel = np.zeros((2, 2, 2, 2), "float32")
    kernel[0, 0] = np.eye(2)
    layer.set_weights([kernel])
    assert np.allclose(keras.ops.convert_to_numpy(layer(x)), ref.bed_of_nails(x, 2), atol=1e-6)

    y = np.random.default_rng(2).permutation(2 * 4 * 6 * 3).reshape(2, 4, 6, 3).astype("float32")
    values, argmax = tf.nn.max_pool_with_argmax(y, 2, 2, "VALID", include_batch_in_index=False)
    pooled, indices = ref.max_pool2d(y, 2, return_indices=True)
    assert np.array_equal(values.numpy(), pooled) and np.array_equal(argmax.numpy(), indices)


def test_no_literal_answers_in_checks():
    source = Path(ch05.__file__).read_text(encoding="utf-8")
    assert "(7, 14, 16, 18)" not in source and "30, 15, 13, 6" not in source


# --- the pretrained checkpoints of 5.3 and 5.6 (course_utils.pretrained) -----------------


def _config_without_filters(model):
    """Each layer's class and config with ``filters`` left out (names, kernels, strides, padding, activations)."""
    out = []
    for layer in model.layers:
        config = dict(layer.get_config())
        config.pop("filters", None)
        out.append((type(layer).__name__, json.dumps(config, sort_keys=True, default=str)))
    return out


def test_pretrained_upsampling_ae_keeps_the_trace_with_doubled_filters(upsampling_ae):
    from course_utils import pretrained

    model = pretrained.build("ch05_upsampling_ae")
    assert _sizes(model) == _sizes(upsampling_ae)
    assert _distinct([28] + _sizes(model)) == [28, 14, 7, 4, 8, 16, 14, 28]
    assert [model.get_layer(n).filters for n in ("enc_conv1", "enc_conv2", "enc_conv3")] == [32, 16, 8]
    assert [upsampling_ae.get_layer(n).filters for n in ("enc_conv1", "enc_conv2", "enc_conv3")] == [16, 8, 4]
    assert tuple(model.get_layer("enc_pool3").output.shape[1:]) == (4, 4, 8) and 4 * 4 * 8 == 128
    # "같은 구조에서 필터 수만 두 배로": every other setting of every layer is the chapter's
    assert _config_without_filters(model) == _config_without_filters(upsampling_ae)


def test_pretrained_transpose_ae_keeps_the_trace_with_doubled_filters(transpose_ae):
    from course_utils import pretrained

    model = pretrained.build("ch05_transpose_ae")
    assert _sizes(model) == _sizes(transpose_ae)
    assert _distinct([28] + _sizes(model)) == [28, 26, 13, 11, 5, 3, 6, 12, 14, 28]
    assert [model.get_layer(n).filters for n in ("enc_conv1", "enc_conv2", "enc_conv3")] == [32, 16, 8]
    assert tuple(model.get_layer("enc_conv3").output.shape[1:]) == (3, 3, 8) and 3 * 3 * 8 == 72
    assert _config_without_filters(model) == _config_without_filters(transpose_ae)
    # the shipped weights fit the architecture the chapter describes
    loaded = pretrained.load("ch05_transpose_ae")
    assert [w.shape for w in loaded.get_weights()] == [w.shape for w in model.get_weights()]


def _numbered_rows(heading):
    """The numbered table rows of the section that starts at ``heading`` (up to the next section)."""
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    text = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    section = text.split(heading, 1)[1].split("\n## ", 1)[0]
    return [line for line in section.splitlines() if line.startswith("| ") and line.split("|")[1].strip().isdigit()]


def test_the_5_2_table_describes_the_built_model(upsampling_ae):
    """5.2's table (layer, filters, output shape with f1, f2, f3) against the model for 연습 5-1, at two filter sets."""
    from course_utils import pretrained

    rows = _numbered_rows("## 5.2")
    assert len(rows) == 13 == len(upsampling_ae.layers) - 1
    for filters in ((16, 8, 4), (32, 16, 8)):
        model = pretrained.build_upsampling_autoencoder(filters)
        names = dict(zip(("f1", "f2", "f3"), (str(f) for f in filters)))
        for row, layer in zip(rows, model.layers[1:]):
            _, number, spec, shape, _ = (cell.strip() for cell in row.split("|"))
            assert spec.strip("`").split("(")[0] == type(layer).__name__, (number, spec)
            written = shape.split(" ")[0]
            for name, value in names.items():
                written = written.replace(name, value)
            assert written == "x".join(str(s) for s in layer.output.shape[1:]), (number, shape, layer.output.shape)
            if isinstance(layer, L.Conv2D):
                filters_written = spec.strip("`").split("(")[1].split(",")[0]
                assert names.get(filters_written, filters_written) == str(layer.filters), (number, spec)
                assert layer.kernel_size == (3, 3)
    assert "4x4xf3 (코드)" in rows[5]


def test_5_2_curves_the_figure_s_order_and_the_default_adadelta():
    """연습 5-2: the figure shuffles the curves with the seed the declaration uses; Adadelta's step is the learning
    rate times an update that does not depend on it (so 0.001 moves 1/1000 of 1.0), and in a few steps the default
    barely leaves ln 2 while Adam and Adadelta(1.0) go down."""
    code = "\n".join(_code_cells())
    assert f"order = np.random.default_rng({ch05.CURVE_SEED}).permutation(len(curves))" in code
    assert ch05.curve_order() == (2, 0, 1) and ch05.READ_OPTIMIZER_CURVES.expected() == "C"
    steps = {}
    for rate in (1e-3, 1.0):
        variable = keras.Variable(np.zeros(3, "float32"))
        optimizer = keras.optimizers.Adadelta(learning_rate=rate)
        optimizer.apply_gradients([(keras.ops.convert_to_tensor(np.array([0.5, -1.0, 2.0], "float32")), variable)])
        steps[rate] = np.asarray(variable.numpy())
    assert np.allclose(steps[1e-3] * 1000, steps[1.0], rtol=1e-3) and np.all(steps[1.0] != 0)
    from course_utils import pretrained
    from course_utils.data import load_mnist, to_unit_interval

    (x_train, _), (x_test, _) = load_mnist(offline=True, verbose=False)
    x, x_val = to_unit_interval(x_train)[:320], to_unit_interval(x_test)[:200]
    final = []
    for make in (lambda: keras.optimizers.Adam(learning_rate=1e-3), lambda: keras.optimizers.Adadelta(),
                 lambda: keras.optimizers.Adadelta(learning_rate=1.0)):
        keras.utils.set_random_seed(0)
        model = pretrained.build_upsampling_autoencoder()
        model.compile(optimizer=make(), loss="binary_crossentropy", jit_compile=False)
        model.fit(x, x, epochs=1, batch_size=32, shuffle=False, verbose=0)
        final.append(float(keras.ops.mean(keras.losses.binary_crossentropy(x_val, model(x_val)))))
    assert abs(final[1] - math.log(2)) < 0.002 and final[0] < final[1] - 0.01 and final[2] < final[1] - 0.01


def test_the_5_6_table_describes_the_built_model(transpose_ae):
    """5.6's table (layer, filters, activation, padding) against the model the chapter builds."""
    rows = _numbered_rows("## 5.6")
    assert len(rows) == 12 == len(transpose_ae.layers) - 1
    for row, layer in zip(rows, transpose_ae.layers[1:]):
        _, number, spec, settings, _ = (cell.strip() for cell in row.split("|"))
        kind = spec.strip("`").split("(")[0]
        assert kind == type(layer).__name__, (number, spec, layer.name)
        if kind in ("Conv2D", "Conv2DTranspose"):
            filters, kernel = (int(v) for v in spec.strip("`").split("(")[1].rstrip(")").split(","))
            assert (filters, kernel) == (layer.filters, layer.kernel_size[0]), (number, layer.name)
            assert layer.activation.__name__ in settings, (number, layer.name)
        if kind != "UpSampling2D":
            assert ('"same"' in settings) == (layer.padding == "same"), (number, layer.name, settings)


def test_building_the_optimizer_first_traces_once_and_changes_nothing():
    """5.3's comment (and the same line in 5.4, 5.6 and chapter 7): with the optimizer's variables made
    before ``fit``, Keras traces the training step once instead of twice, and the weights after
    training are the very same."""
    from course_utils import pretrained

    x = np.random.default_rng(5).random((96, 28, 28, 1), dtype=np.float32)
    results = {}
    for prebuilt in (False, True):
        keras.utils.set_random_seed(42)
        model = pretrained.build_upsampling_autoencoder()
        model.compile(optimizer=keras.optimizers.Adam(learning_rate=5e-3), loss="binary_crossentropy",
                      jit_compile=False)
        traced = []
        step = model.train_step
        model.train_step = lambda data: (traced.append(1), step(data))[1]  # runs once per trace
        if prebuilt:
            model.optimizer.build(model.trainable_variables)
        model.fit(x, x, epochs=2, batch_size=32, shuffle=True, verbose=0)
        results[prebuilt] = (len(traced), model.get_weights())
    assert results[False][0] == 2 and results[True][0] == 1
    assert all(np.array_equal(a, b) for a, b in zip(results[False][1], results[True][1]))


def test_every_training_cell_builds_its_optimizer_before_fit():
    for path in (NOTEBOOK, NOTEBOOK.parents[1] / "ch07_autoencoders" / "ch07_autoencoders.ipynb"):
        nb = json.loads(path.read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            source = "".join(cell["source"])
            if cell["cell_type"] == "code" and ".fit(" in source:
                model = source.split(".fit(")[0].split()[-1].split("=")[-1].strip()
                assert f"{model}.optimizer.build({model}.trainable_variables)" in source, (path.name, model)

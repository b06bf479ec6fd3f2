"""Exercise declarations of chapter 5, Transposed Convolution과 오토인코더
(book/ch05_transposed_conv_autoencoder).

The two models the learner builds (연습 5-1, 5-8) are compared layer by layer with the builders of
:mod:`course_utils.pretrained` (``_models.py``, as chapter 7's 연습 7-4); 연습 5-2 reads 5.3's loss curves.
Code answers (the three upsampling methods, 연습 5-3~5-5) are compared with
:mod:`course_utils.layers` on random inputs the learner has not seen; value
answers are computed with :func:`course_utils.shapes.conv_transpose_output_length`
and the other shape formulas when the check runs; the number exercises 5-6 and 5-7 draw their numbers
from the learner's 학번 (``_variants.py``; the book's are variant 0).
"""

from __future__ import annotations

import numpy as np

from course_utils import layers as _layers
from course_utils.exercises._core import (INTS, Exercise, ExerciseCheckError, FunctionSpec, _shown,
                                          custom_exercise, differing, function_exercise, loaded_library_functions,
                                          panel_choice_exercise, type_name, value_exercise)
from course_utils.exercises._own_work import NUMBER_RULE, OWN_CODE_LIBRARIES
from course_utils.shapes import conv_output_length, conv_transpose_output_length, pool_output_length

from course_utils.exercises._variants import Numbers, Variants


def _image_cases(rng, sizes=(2, 3)):
    cases = []
    for (b, h, w, c), size in zip([(2, 3, 4, 1), (1, 2, 2, 3), (3, 1, 5, 2)], list(sizes) + [2]):
        x = rng.normal(size=(b, h, w, c)).round(3)
        cases.append(((x,), {"size": size}, f"shape {x.shape}, size={size}인 입력"))
    return cases


def upsampling_cases(seed: int) -> list:
    """The input cases of 연습 5-3 and 5-4: three (N, H, W, C) arrays and sizes 2, 3, 2."""
    return _image_cases(np.random.default_rng(seed))


def library_upsampling() -> list:
    """The library functions 연습 5-3 must not call: course_utils', and Keras' and TensorFlow's if imported."""
    import sys

    blocked = [(_layers, "upsample_nearest")]
    keras = sys.modules.get("keras")
    if keras is not None:
        blocked += [(keras.layers.UpSampling2D, "call"), (keras.layers.Resizing, "call"),
                    (getattr(keras.ops, "image", None), "resize")]
    tf = sys.modules.get("tensorflow")
    if tf is not None:
        blocked += [(tf.image, "resize"), (getattr(tf, "raw_ops", None), "ResizeNearestNeighbor")]
    ndimage = sys.modules.get("scipy.ndimage")
    if ndimage is not None:
        blocked.append((ndimage, "zoom"))
    return blocked


#: Names whose use in the answer counts as calling library upsampling (the grader's static check).
UPSAMPLING_NAMES = frozenset({"UpSampling2D", "upsample_nearest", "Resizing", "resize", "ResizeNearestNeighbor",
                              "zoom"})


def library_bed_of_nails() -> list:
    """The library functions 연습 5-4 must not call: course_utils' upsamplings, and Keras' and TensorFlow's if imported."""
    return [(_layers, "bed_of_nails"), (_layers, "upsample_nearest"), (_layers, "conv2d_transpose")] + \
        loaded_library_functions("keras:layers.Conv2DTranspose.call", "keras:layers.UpSampling2D.call",
                                 "keras:ops.scatter", "keras:ops.slice_update", "tensorflow:nn.conv2d_transpose",
                                 "tensorflow:scatter_nd", "tensorflow:tensor_scatter_nd_update")


def library_unpooling() -> list:
    """The library functions 연습 5-5 must not call: course_utils' max_unpool2d, and TensorFlow's scatters if imported."""
    return [(_layers, "max_unpool2d")] + loaded_library_functions(
        "keras:ops.scatter", "keras:ops.scatter_update", "tensorflow:scatter_nd", "tensorflow:tensor_scatter_nd_update",
        "tensorflow:tensor_scatter_nd_add")


#: Names whose use in the answers of 연습 5-4 and 5-5 counts as calling the library's version (the own-work rule).
BED_OF_NAILS_NAMES = UPSAMPLING_NAMES | OWN_CODE_LIBRARIES | frozenset({
    "bed_of_nails", "Conv2DTranspose", "conv2d_transpose", "conv_transpose", "scatter", "scatter_nd",
    "tensor_scatter_nd_update", "slice_update"})
UNPOOLING_NAMES = OWN_CODE_LIBRARIES | frozenset({
    "max_unpool2d", "max_unpool", "MaxUnpooling2D", "scatter", "scatter_nd", "scatter_update",
    "tensor_scatter_nd_update", "tensor_scatter_nd_add", "MaxPoolGradWithArgmax", "max_pool_grad_with_argmax"})


def _nearest_instead_hint(received, expected, args, kwargs):
    x, size = np.asarray(args[0]), kwargs["size"]
    if received.shape == expected.shape and np.allclose(received, _layers.upsample_nearest(x, size)):
        return ("값을 블록 전체에 복사했습니다. 그건 nearest neighbor입니다. "
                "bed of nails는 블록의 왼쪽 위 한 칸에만 값을 두고 나머지는 0으로 채웁니다.")
    if (received.shape == expected.shape and np.allclose(received[:, size - 1::size, size - 1::size], x)
            and not np.allclose(received[:, ::size, ::size], x)):
        return "값을 블록의 오른쪽 아래에 두었습니다. 왼쪽 위(각 블록의 첫 칸)에 두세요."
    return None


def unpool_cases(seed: int = 53) -> list:
    """The input cases of 연습 5-5: pooled values and indices of arrays with distinct values (no ties)."""
    rng = np.random.default_rng(seed)
    cases = []
    for shape in [(1, 4, 4, 1), (2, 6, 4, 3), (1, 2, 8, 2)]:
        x = rng.permutation(np.prod(shape)).reshape(shape).astype(np.float64)
        pooled, indices = _layers.max_pool2d(x, 2, return_indices=True)
        cases.append(((pooled, indices, shape), {}, f"pooling 전 shape {shape}인 입력"))
    return cases


def _reference_unpool(pooled, indices, output_shape):
    return _layers.max_unpool2d(pooled, indices, output_shape)


def _unpool_hint(received, expected, args, kwargs):
    if received.shape != expected.shape:
        return None
    if np.count_nonzero(received) > np.count_nonzero(expected):
        return "0이 아닌 값이 너무 많습니다. 창마다 최댓값이 있던 한 자리에만 값을 두고 나머지는 0이어야 합니다."
    if np.allclose(np.sort(received.ravel()), np.sort(expected.ravel())):
        return ("값은 맞는데 자리가 다릅니다. 인덱스는 샘플 하나 안에서 (행 * W + 열) * C + 채널로 "
                "펼친 위치입니다. 배치마다 따로 펼쳐서 넣었는지, 채널 축을 빠뜨리지 않았는지 확인하세요.")
    return None


UPSAMPLE_NEAREST = function_exercise("5-3", "nearest neighbor upsampling", "my_upsample_nearest", FunctionSpec(
    cases=upsampling_cases, reference=_layers.upsample_nearest, seed=51, atol=0, blocked=library_upsampling,
    refusal=("이 연습은 직접 짠 numpy 코드를 검사합니다. UpSampling2D나 resize 같은 라이브러리 업샘플링을 부르지 말고 "
             "np.repeat이나 인덱싱으로 직접 만드세요."),
    banned_names=UPSAMPLING_NAMES | OWN_CODE_LIBRARIES, mismatch="각 값이 size × size 블록 전체에 복사되었는지 확인하세요."))
BED_OF_NAILS = function_exercise("5-4", "bed of nails", "my_bed_of_nails", FunctionSpec(
    cases=upsampling_cases, reference=_layers.bed_of_nails, seed=52, atol=0, hints=[_nearest_instead_hint],
    blocked=library_bed_of_nails, banned_names=BED_OF_NAILS_NAMES,
    refusal=("이 연습은 직접 짠 numpy 코드를 검사합니다. course_utils의 bed_of_nails나 Keras·TensorFlow의 업샘플링, "
             "transposed convolution, scatter를 부르지 말고 np.zeros로 만든 배열의 슬라이스에 값을 직접 넣으세요."),
    mismatch="각 블록의 왼쪽 위 한 칸에만 값이 있고 나머지가 0인지 확인하세요."))
MAX_UNPOOL = function_exercise("5-5", "max unpooling", "my_max_unpool", FunctionSpec(
    cases=unpool_cases, reference=_reference_unpool, seed=53, atol=0, hints=[_unpool_hint],
    blocked=library_unpooling, banned_names=UNPOOLING_NAMES,
    refusal=("이 연습은 직접 짠 numpy 코드를 검사합니다. course_utils의 max_unpool2d나 TensorFlow의 scatter를 "
             "부르지 말고 np.zeros로 만든 배열을 펼쳐 인덱스 자리에 값을 직접 넣으세요."),
    mismatch="인덱스가 가리키는 자리에 풀링된 값을 두었는지 확인하세요."))


# The book's numbers (variant 0); every student draws their own from the ranges below (``_variants.py``).
TRANSPOSE_CASES = [(3, 3, 2, "valid", None), (7, 3, 2, "same", None), (5, 4, 3, "valid", None), (7, 5, 2, "valid", 1)]
TRANSPOSE_BOOK = {"cases": tuple(TRANSPOSE_CASES)}                       # 연습 5-6

# 연습 5-7: the 12 layers of the Conv2DTranspose autoencoder (5.6) as (kind, kernel, stride, padding).
TRACE_LAYERS = [("conv", 3, 1, "valid"), ("pool", 2, 2, "valid"), ("conv", 3, 1, "valid"), ("pool", 2, 2, "valid"),
                ("conv", 3, 1, "valid"), ("tconv", 3, 1, "same"), ("up", 2, 2, None), ("tconv", 3, 1, "same"),
                ("up", 2, 2, None), ("tconv", 3, 1, "valid"), ("up", 2, 2, None), ("tconv", 3, 1, "same")]
TRACE_INPUT = 32
TRACE_BOOK = {"input": TRACE_INPUT}
#: The input sides 연습 5-7 draws from (28, the side the model was designed for, is left out).
TRACE_SIDES = range(20, 53)


def _n(n, book) -> Numbers:
    return Numbers(book, book=True) if n is None else n


def _draw_transpose(rng) -> dict:
    """Four cases with the book's steps: (a) and (c) valid with k > s > 1 ((c) with stride 3 or 4), (b) 'same' with
    k != s (so the valid formula is a different number), (d) valid with 1 <= output_padding < stride."""
    def pick(low, high):
        return int(rng.integers(low, high + 1))

    k_a = pick(3, 5)
    s_b = pick(2, 3)
    s_c = pick(3, 4)
    s_d = pick(2, 3)
    return {"cases": ((pick(k_a, 8), k_a, pick(2, k_a - 1), "valid", None),
                      (pick(3, 9), int(rng.choice([k for k in (3, 4, 5) if k != s_b])), s_b, "same", None),
                      (pick(3, 8), pick(s_c + 1, 6), s_c, "valid", None),
                      (pick(3, 9), pick(s_d + 1, 6), s_d, "valid", pick(1, s_d - 1)))}


def transpose_layer_text(n, k, s, padding, op) -> str:
    """How 연습 5-6 writes one case (입력 3, ``kernel_size=3``, ``strides=2``, ``padding="valid"``)."""
    extra = f", output_padding={op}" if op is not None else ""
    return f'입력 {n}, kernel_size={k}, strides={s}, padding="{padding}"{extra}'


def _transpose_prompt(n) -> str:
    lines = [f"- ({'abcd'[i]}) {transpose_layer_text(*case)}" for i, case in enumerate(n["cases"])]
    return ("가로세로가 같은 입력에 Conv2DTranspose를 적용합니다. 각 경우의 출력 가로(=세로) 길이를 구해\n"
            "transpose_sizes = (a, b, c, d)로 답하세요.\n" + "\n".join(lines))


def transpose_sizes(n: Numbers = None) -> tuple:
    """Output lengths of the four Conv2DTranspose cases of 연습 5-6 (book: :data:`TRANSPOSE_CASES`)."""
    cases = _n(n, TRANSPOSE_BOOK)["cases"]
    return tuple(conv_transpose_output_length(size, k, s, p, op) for size, k, s, p, op in cases)


def trace(n=None) -> list:
    """The spatial size after each layer of :data:`TRACE_LAYERS` (연습 5-7): for an n x n input (an int), or for a
    variant's numbers (default the book's 32 x 32)."""
    side = n if isinstance(n, int) else _n(n, TRACE_BOOK)["input"]
    sizes = []
    for kind, k, s, padding in TRACE_LAYERS:
        side = trace_one(kind, k, s, padding, side)
        sizes.append(side)
    return sizes


def _transpose_sizes_hint(value, expected, n=None):
    cases = _n(n, TRANSPOSE_BOOK)["cases"]
    for i in differing(value, expected):
        size, k, s, padding, op = cases[i]
        case = "abcd"[i]
        v = value[i]
        if v < size:
            return (f"({case})에서 크기가 줄었습니다. transposed convolution은 convolution과 반대로 크기를 키웁니다: "
                    "(n-1)*s + k부터 시작하세요.")
        if padding == "same":
            return f"({case}) padding='same'이고 output_padding이 없으면 출력은 정확히 입력 × stride입니다."
        if op is None and v == (size - 1) * s + k and k < s:
            return f"({case}) valid padding에서 output_padding이 None이면 (n-1)*s + max(k, s)입니다. 여기서는 s > k입니다."
        if op and v == (size - 1) * s + k:
            return f"({case}) output_padding만큼 출력 뒤쪽에 줄이 더 붙습니다."
        return f"({case}) 본문의 공식 (n-1)*s + max(k, s) (valid, output_padding이 없을 때), (n-1)*s + k + output_padding을 다시 적용해 보세요."
    return None


def _transpose_mistakes(n) -> list:
    """The mistakes :func:`_transpose_sizes_hint` names, one case at a time: the convolution's formula (shrinking),
    the other padding's formula, output_padding forgotten; and the convolution's formula everywhere."""
    right = list(transpose_sizes(n))
    found, shrunk = [], []
    for i, (size, k, s, padding, op) in enumerate(n["cases"]):
        wrong = [(size - k) // s + 1 if padding == "valid" else -(-size // s)]
        shrunk.append(wrong[0])
        wrong.append((size - 1) * s + k if padding == "same" else size * s)
        if op:
            wrong.append((size - 1) * s + k)
        found += [tuple(right[:i] + [w] + right[i + 1:]) for w in wrong if w != right[i]]
    return found + [tuple(shrunk)]


def _trace_ok(side: int) -> bool:
    """A 5-7 input side keeps the book's steps: every layer valid, and a valid pooling rounds an odd size down."""
    sizes = trace(side)
    return side != 28 and min(sizes) >= 2 and (side - 2) % 2 + sizes[2] % 2 > 0


def _draw_trace(rng) -> dict:
    """An input side of 20-52 other than 28 whose trace keeps the book's steps (:func:`_trace_ok`)."""
    return {"input": int(rng.choice([side for side in TRACE_SIDES if _trace_ok(side)]))}


def _trace_prompt(n) -> str:
    side = n["input"]
    return (f"입력이 {side}x{side}일 때 5.6절 표의 레이어 1~12 각각을 지난 뒤의 가로(=세로) 크기를 순서대로 적어,\n"
            f"정수 12개의 리스트 spatial_sizes로 답하세요. (입력 {side}는 넣지 않습니다.)")


def _trace_hint(value, expected, numbers=None):
    start = _n(numbers, TRACE_BOOK)["input"]
    if len(value) == len(expected) + 1 and value[0] == start:
        return f"입력({start})은 빼고, 레이어 {len(expected)}개 각각의 출력 크기만 적으세요."
    if len(value) != len(expected):
        return f"레이어가 {len(expected)}개이므로 숫자 {len(expected)}개가 필요합니다 (받은 개수: {len(value)})."
    if list(value) == trace(28):
        return f"본문의 28x28 입력이 아니라 {start}x{start} 입력으로 계산하세요."
    # the first wrong layer, judged from the learner's own previous size
    n = start
    for i, ((kind, k, s, padding), v) in enumerate(zip(TRACE_LAYERS, value)):
        right = trace_one(kind, k, s, padding, n)
        if v != right:
            where = f"{i + 1}번째 레이어"
            if kind == "conv" and v == n:
                return f"{where}: 이 Conv2D에는 padding이 없습니다 (valid). 3x3 커널이 가장자리를 한 칸씩 잃습니다."
            if kind == "pool" and v == -(-n // k):
                return f"{where}: MaxPooling2D(2)는 padding이 valid라 홀수 크기를 내림합니다."
            if kind == "tconv" and padding == "valid" and v in (n, n - (k - 1)):
                return f"{where}: padding이 없는(valid) stride 1 Conv2DTranspose는 크기를 k-1만큼 키웁니다 (Conv2D와 반대)."
            if kind == "tconv" and padding == "same":
                return f"{where}: stride 1, padding='same'인 Conv2DTranspose는 크기를 바꾸지 않습니다."
            if kind == "up":
                return f"{where}: UpSampling2D(2)는 크기를 2배로 만듭니다."
            return f"{where}: 이 레이어의 padding과 stride를 보고 공식을 적용해 보세요 (입력은 앞 레이어의 출력)."
        n = v
    return None


def _trace_with(side: int, wrong_kind: str) -> list:
    """The trace of an n x n input with one of the mistakes :func:`_trace_hint` names, at every layer of that kind."""
    sizes = []
    for kind, k, s, padding in TRACE_LAYERS:
        if kind == wrong_kind == "conv":
            side = side                                   # 'same' instead of valid
        elif kind == wrong_kind == "pool":
            side = -(-side // k)                          # rounded up
        elif kind == wrong_kind == "tconv" and padding == "valid":
            side = side - (k - 1)                         # shrinks as a Conv2D would
        else:
            side = trace_one(kind, k, s, padding, side)
        sizes.append(side)
    return sizes


def _trace_mistakes(n) -> list:
    """The book's 28 x 28 trace, the input listed too, and the conv, pooling and valid Conv2DTranspose rules missed."""
    side = n["input"]
    return [trace(28), [side] + trace(side)] + [_trace_with(side, kind) for kind in ("conv", "pool", "tconv")]


def trace_one(kind, k, s, padding, n):
    """One layer of :func:`trace`."""
    if kind == "conv":
        return conv_output_length(n, k, s, padding)
    if kind == "pool":
        return pool_output_length(n, k, s, padding)
    if kind == "tconv":
        return conv_transpose_output_length(n, k, s, padding)
    return n * k


TRANSPOSE_SIZES = value_exercise("5-6", "transposed convolution 출력 크기", "transpose_sizes", INTS, transpose_sizes,
                                 [_transpose_sizes_hint], variants=Variants(TRANSPOSE_BOOK, _draw_transpose,
                                                                            _transpose_prompt, _transpose_mistakes))
TRACE_VARIANTS = Variants(TRACE_BOOK, _draw_trace, _trace_prompt, _trace_mistakes)
# 연습 5-7 asks for "정수 12개의 리스트": the core's INTS rule also takes a tuple for a list answer, so the
# declaration checks the list itself and then judges the numbers with the core's rules and hints.
_TRACE_NUMBERS = Exercise("5-7", "Conv2DTranspose 오토인코더의 shape 추적", "spatial_sizes", INTS, answer=trace,
                          hints=(_trace_hint,), variants=TRACE_VARIANTS)


def _judge_trace(label, spatial_sizes, numbers=None) -> None:
    """연습 5-7: a list of ints (the question says 리스트), judged like an INTS answer (``numbers``: the variant)."""
    if not isinstance(spatial_sizes, list):
        given = type_name(spatial_sizes)
        if isinstance(spatial_sizes, tuple):
            given = f"값 {len(spatial_sizes)}개로 된 {given}"
        raise ExerciseCheckError(
            f"{label}: 답의 형식이 다릅니다. 필요한 형식은 정수 {len(TRACE_LAYERS)}개로 된 리스트(list) [...]인데, "
            f"받은 답은 {given} {_shown(spatial_sizes)}입니다.")
    _TRACE_NUMBERS.check_value(spatial_sizes, numbers=numbers)


TRANSPOSE_TRACE = custom_exercise("5-7", _TRACE_NUMBERS.title, _TRACE_NUMBERS.name, _judge_trace, banned=NUMBER_RULE,
                                  answer=trace, variants=TRACE_VARIANTS)


# ----------------------------------------------------------------- 연습 5-1 and 5-8: the learner's autoencoders

#: What the learner's models may not be made with: the course's builders and Keras' copying of a model.
#: (Not ``build`` or ``load``: a learner may call ``model.build(...)``; ``pretrained.build`` is blocked when it runs.)
MODEL_COPY_NAMES = frozenset({"build_upsampling_autoencoder", "build_transpose_autoencoder", "load_into",
                              "clone_model", "model_from_json", "from_config", "load_model", "pretrained"})
CHAPTER_FILTERS = (16, 8, 4)     # the chapter's live models (5.2, 5.6)
PRETRAINED_FILTERS = (32, 16, 8)  # the checkpoints ch05_upsampling_ae and ch05_transpose_ae


def model_cases(seed: int = 51) -> list:
    """The cases of 연습 5-1 and 5-8: the chapter's filters, the checkpoints' and three other distinct counts."""
    other = tuple(int(f) for f in np.random.default_rng(seed).choice([4, 6, 10, 12, 20, 24], size=3, replace=False))
    return [((filters,), {}, f"filters={filters}로 만든 모델") for filters in (CHAPTER_FILTERS, PRETRAINED_FILTERS, other)]


def _reference_upsampling(filters):
    """5.2's autoencoder (:func:`course_utils.pretrained.build_upsampling_autoencoder`): its summary, no layer names."""
    from course_utils.exercises._models import architecture
    from course_utils.pretrained import build_upsampling_autoencoder

    return (architecture(build_upsampling_autoencoder(filters)), ())


def _reference_transpose(filters):
    """5.6's autoencoder (:func:`course_utils.pretrained.build_transpose_autoencoder`): its summary, no layer names."""
    from course_utils.exercises._models import architecture
    from course_utils.pretrained import build_transpose_autoencoder

    return (architecture(build_transpose_autoencoder(filters)), ())


def _library_models() -> list:
    """The builders 연습 5-1 and 5-8 must not call: the course's own and Keras' model copying."""
    import sys

    from course_utils import pretrained

    blocked = [(pretrained, name) for name in ("build_upsampling_autoencoder", "build_transpose_autoencoder",
                                               "build", "load", "load_into")]
    keras = sys.modules.get("keras")
    if keras is not None:
        blocked += [(keras.models, "clone_model"), (keras.models, "model_from_json"), (keras.models, "load_model")]
    return blocked


def _model_spec(reference, seed: int) -> FunctionSpec:
    from course_utils.exercises.ch07 import _compare_model, _run_model

    return FunctionSpec(cases=model_cases, reference=reference, seed=seed, run=_run_model, compare=_compare_model,
                        blocked=_library_models, banned_names=MODEL_COPY_NAMES,
                        refusal=("이 연습은 직접 쓴 모델 코드를 검사합니다. course_utils의 모델 함수나 모델 복사(clone_model) "
                                 "대신 keras.Input과 layers로 직접 만드세요."))


BUILD_UPSAMPLING_AE = function_exercise("5-1", "업샘플링 오토인코더 만들기", "build_upsampling_ae",
                                        _model_spec(_reference_upsampling, 51))
BUILD_TRANSPOSE_AE = function_exercise("5-8", "Conv2DTranspose 오토인코더 만들기", "build_transpose_ae",
                                       _model_spec(_reference_transpose, 58))


# ----------------------------------------------------------------- 연습 5-2: read 5.3's loss curves

#: 5.3's three optimizers, in the order the chapter lists them; the figure draws them as curves A, B, C in the
#: order ``np.random.default_rng(CURVE_SEED).permutation(3)``.
OPTIMIZERS = ("Adam (learning_rate=0.001)", "Adadelta() 기본값", "Adadelta (learning_rate=1.0)")
DEFAULT_ADADELTA = 1   # the index of Adadelta() in OPTIMIZERS
CURVE_SEED = 0


def curve_order() -> tuple:
    """Which optimizer (index into :data:`OPTIMIZERS`) each of the figure's curves A, B, C is (5.3)."""
    return tuple(int(i) for i in np.random.default_rng(CURVE_SEED).permutation(len(OPTIMIZERS)))


def _curve_hint(optimizer):
    if optimizer == 0:
        return ("기본 학습률이 Adam과 같은 0.001이니 Adam처럼 배운다고 보았나요? 학습률의 뜻은 옵티마이저마다 다릅니다. "
                "Adadelta는 학습률 1.0을 전제로 만든 방법이라, 0.001이면 같은 기울기에서 한 스텝에 움직이는 양이 그 1,000분의 1입니다.")
    return ("Adadelta가 스텝 크기를 스스로 맞추니 학습률과 상관없다고 보았나요? Adadelta의 스텝에도 학습률이 그대로 "
            "곱해집니다. 이 곡선은 학습률 1.0으로 배운 쪽입니다. 기본값 0.001이면 손실이 출발점에서 거의 움직이지 않습니다.")


READ_OPTIMIZER_CURVES = panel_choice_exercise(
    "5-2", "기본 학습률의 Adadelta 찾기", "default_adadelta_curve", curve_order, DEFAULT_ADADELTA, _curve_hint,
    "옵티마이저는 같은 기울기로 가중치를 얼마나 움직일지를 정합니다. 모델, 초깃값, 데이터가 같아도 옵티마이저와 "
    "학습률이 다르면 손실 곡선이 달라지고, 세 곡선도 서로 다릅니다.")

"""Exercise declarations of chapter 3, Convolution 레이어 (book/ch03_convolution).

Answers are computed with :func:`course_utils.shapes.conv_output_length` and
:func:`course_utils.params.conv2d_params` when the check runs; the number exercises 3-1 to 3-3 draw their
numbers from the learner's 학번 (``_variants.py``; the book's are variant 0). 3-5 (the edge kernel on the
bar image) keeps the book's image.
"""

from __future__ import annotations

import sys

import numpy as np

from course_utils import layers as _layers
from course_utils.exercises._core import (PAIR, INTS, ExerciseCheckError, FunctionSpec, custom_exercise,
                                          differing, function_exercise, passed, type_name, value_exercise)
from course_utils.exercises._own_work import NUMBER_RULE, OWN_CODE_LIBRARIES
from course_utils.exercises._variants import Numbers, Variants
from course_utils.params import conv2d_params
from course_utils.shapes import conv_output_length

# The book's numbers (variant 0); every student draws their own from the ranges below (``_variants.py``).
# 연습 3-1: an image of shape (1920, 1080, 3) and Conv2D(32, 5, strides=4), padding "valid".
BIG_IMAGE, BIG_FILTERS, BIG_KERNEL, BIG_STRIDE = (1920, 1080, 3), 32, 5, 4
BIG_BOOK = {"image": BIG_IMAGE, "filters": BIG_FILTERS, "kernel_size": BIG_KERNEL, "stride": BIG_STRIDE}
# 연습 3-2/3-3: (filters, kernel, stride, padding) of the three layers on a (28, 28, 1) input.
STACK_INPUT = (28, 28, 1)
STACK = [(8, 3, 1, "valid"), (16, 3, 2, "same"), (4, 1, 1, "valid")]
STACK_BOOK = {"input": STACK_INPUT, "layers": tuple(STACK)}


def _n(n, book) -> Numbers:
    return Numbers(book, book=True) if n is None else n


def _draw_big(rng) -> dict:
    """A large colour image (portrait or landscape, height != width), 16-64 filters, a 3/5/7 kernel with a stride
    2 <= s < k: swapping height and width, the 'same' formula and the missing input channels each give a wrong answer."""
    while True:
        h, w = [(1920, 1080), (1080, 1920), (1280, 720), (720, 1280), (1024, 768), (800, 600), (600, 800),
                (2048, 1536)][int(rng.integers(8))]
        k = int(rng.choice([3, 5, 7]))
        n = {"image": (h, w, 3), "filters": int(rng.choice([16, 24, 32, 48, 64])), "kernel_size": k,
             "stride": int(rng.integers(2, k))}
        valid = tuple(conv_output_length(v, k, n["stride"]) for v in (h, w))
        same = tuple(conv_output_length(v, k, n["stride"], "same") for v in (h, w))
        if same not in (valid, valid[::-1]):
            return n


def _big_prompt(n) -> str:
    return (f"shape {tuple(n['image'])}인 이미지 한 장에 keras.layers.Conv2D(filters={n['filters']}, "
            f"kernel_size={n['kernel_size']}, strides={n['stride']})(padding은 기본값, 편향 있음)를 적용합니다.\n"
            "출력 shape(배치 축 제외)과 이 레이어의 파라미터 수를 big_conv = ((H, W, C), 파라미터 수)로 답하세요.")


def big_conv(n: Numbers = None) -> tuple:
    """((H, W, C), parameters) of 연습 3-1 (``n``: a variant, default the book's)."""
    n = _n(n, BIG_BOOK)
    (h, w, c), f, k, s = n["image"], n["filters"], n["kernel_size"], n["stride"]
    return ((conv_output_length(h, k, s), conv_output_length(w, k, s), f), conv2d_params(c, f, k))


def _draw_stack(rng) -> dict:
    """A (side, side, 1 or 3) input through a valid 3x3/5x5 conv (stride 1), a 'same' 3x3/5x5 conv of stride 2 or 3
    whose side is not a multiple of its stride (so the 'valid' formula gives another size), and a 1x1 conv; three
    different filter counts, none equal to the input channels."""
    while True:
        side, c0 = int(rng.choice([28, 32, 36, 40, 48, 64])), int(rng.choice([1, 3]))
        k1, k2, s2 = int(rng.choice([3, 5])), int(rng.choice([3, 5])), int(rng.choice([2, 3]))
        f1, f2, f3 = int(rng.choice([8, 16, 32])), int(rng.choice([16, 24, 32, 64])), int(rng.choice([4, 8, 10]))
        n1 = side - k1 + 1
        if len({c0, f1, f2, f3}) == 4 and n1 % s2 and conv_output_length(n1, k2, s2) != conv_output_length(n1, k2, s2,
                                                                                                            "same"):
            return {"input": (side, side, c0), "layers": ((f1, k1, 1, "valid"), (f2, k2, s2, "same"), (f3, 1, 1, "valid"))}


def layer_text(filters, k, s, padding) -> str:
    """How 연습 3-2 and 3-3 write one layer (``keras.layers.Conv2D(16, 3, strides=2, padding="same")``)."""
    extra = (f", strides={s}" if s != 1 else "") + (f', padding="{padding}"' if padding != "valid" else "")
    return f"keras.layers.Conv2D({filters}, {k}{extra})"


def _stack_text(n) -> str:
    (side, _, c0), lines = n["input"], []
    for i, (f, k, s, padding) in enumerate(n["layers"]):
        comment = "   # padding=\"valid\", strides=1" if i == 0 else ""
        lines.append(layer_text(f, k, s, padding) + comment)
    image = "흑백" if c0 == 1 else "컬러(RGB)"
    return f"{side}x{side} {image} 이미지({tuple(n['input'])})가 다음 세 레이어를 차례로 지납니다.\n\n" + "\n".join(lines)


def _shapes_prompt(n) -> str:
    return (_stack_text(n) + "\n\n각 레이어의 출력 shape(배치 축 제외)을 차례로 "
            "conv_shapes = (첫 번째, 두 번째, 세 번째)로 답하세요.")


def _params_prompt(n) -> str:
    return (_stack_text(n) + "\n\n세 레이어(모두 편향 있음) 각각의 파라미터 수를 "
            "conv_params = (첫 번째, 두 번째, 세 번째)로 답하세요.")


def conv_shapes(n: Numbers = None) -> tuple:
    """The output shapes of the three layers of 연습 3-2."""
    n = _n(n, STACK_BOOK)
    shapes, (h, w, _c) = [], n["input"]
    for filters, k, s, padding in n["layers"]:
        h, w = conv_output_length(h, k, s, padding), conv_output_length(w, k, s, padding)
        shapes.append((h, w, filters))
    return tuple(shapes)


def _channels(n) -> list:
    """The input channels of each layer of 연습 3-3, then the last layer's filters."""
    return [n["input"][2]] + [filters for filters, *_ in n["layers"]]


def conv_params(n: Numbers = None) -> tuple:
    """The parameter counts of the three layers of 연습 3-3."""
    n = _n(n, STACK_BOOK)
    channels = _channels(n)
    return tuple(conv2d_params(channels[i], filters, k) for i, (filters, k, _s, _p) in enumerate(n["layers"]))


def _big_conv_hint(value, expected, n=None):
    n = _n(n, BIG_BOOK)
    (ih, iw, ic), f, k, s = n["image"], n["filters"], n["kernel_size"], n["stride"]
    shape, params = value
    right_shape, right_params = expected
    if shape[2] != right_shape[2]:
        return "출력 채널 수는 입력 채널 수가 아니라 필터 수(filters)입니다."
    h, w = shape[:2]
    if (h, w) != right_shape[:2]:
        if (h, w) == (right_shape[1], right_shape[0]):
            return (f"높이와 너비가 바뀌었습니다. 이 이미지의 shape은 {tuple(n['image'])}이므로 높이 {ih}, "
                    f"너비 {iw}입니다.")
        same = tuple(conv_output_length(v, k, s, "same") for v in (ih, iw))
        if (h, w) == same:
            return "'same' padding의 공식(⌈n/s⌉)을 썼습니다. 기본값은 'valid'입니다: ⌊(n − k)/s⌋ + 1."
        return "출력 크기는 ⌊(n − k)/s⌋ + 1입니다 (valid). 높이와 너비에 각각 적용하세요."
    if params == conv2d_params(ic, f, k, use_bias=False):
        return "출력 shape은 맞았습니다. 파라미터에서 편향(필터마다 1개)을 빠뜨렸습니다."
    if params == conv2d_params(1, f, k):
        return (f"출력 shape은 맞았습니다. 커널은 ({k}, {k}, 입력 채널 {ic}, 필터 {f})입니다. "
                "입력 채널을 빠뜨렸습니다.")
    return "출력 shape은 맞았습니다. 파라미터 수 = kh × kw × 입력 채널 × 필터 + 필터(편향)입니다."


def _conv_shapes_hint(value, expected, n=None):
    """Blame the first layer whose output is wrong, judged from the learner's own previous shape."""
    n = _n(n, STACK_BOOK)
    previous = n["input"]
    for i, (shape, right, (filters, k, s, padding)) in enumerate(zip(value, expected, n["layers"])):
        layer = f"{i + 1}번째 레이어"
        if len(shape) != 3:
            return f"{layer}: 각 shape은 (높이, 너비, 채널) 세 정수의 튜플입니다. 배치 축은 빼고 답하세요."
        if shape[2] != filters:
            return f"{layer}: 출력 채널 수는 입력 채널 수가 아니라 필터 수(filters)입니다."
        from_previous = tuple(conv_output_length(v, k, s, padding) for v in previous[:2])
        if shape[:2] != from_previous:
            if k == 1 and s == 1:
                return f"{layer}: 1x1 합성곱(stride 1)은 높이와 너비를 바꾸지 않습니다. 입력은 앞 레이어의 출력입니다."
            if padding == "valid" and shape[:2] == previous[:2]:
                return f"{layer}: padding='valid'(기본값)입니다. {k}x{k} 커널이면 가장자리가 줄어듭니다."
            if padding == "same" and shape[:2] == tuple(conv_output_length(v, k, s) for v in previous[:2]):
                return f"{layer}: padding='same'입니다. 'same'의 출력 크기는 ⌈n/s⌉입니다."
            if s > 1 and shape[:2] == previous[:2]:
                return f"{layer}: stride가 {s}입니다."
            return f"{layer}: 출력 크기 공식(valid: ⌊(n − k)/s⌋ + 1, same: ⌈n/s⌉)을 앞 레이어의 출력에 적용하세요."
        previous = shape
    return None


def _conv_params_hint(value, expected, n=None):
    n = _n(n, STACK_BOOK)
    channels = _channels(n)
    for i in differing(value, expected):
        filters, k = n["layers"][i][0], n["layers"][i][1]
        if value[i] == conv2d_params(channels[i], filters, k, use_bias=False):
            return f"{i + 1}번째 레이어: 편향(필터마다 1개)을 빠뜨렸습니다."
        if value[i] == conv2d_params(1, filters, k) and channels[i] != 1:
            return f"{i + 1}번째 레이어: 커널에는 입력 채널 축도 있습니다 (kh, kw, 입력 채널, 필터)."
        return (f"{i + 1}번째 레이어: 파라미터 수 = kh × kw × 입력 채널 × 필터 + 필터. "
                "입력 채널은 앞 레이어의 필터 수입니다. stride와 padding은 파라미터 수와 관계없습니다.")
    return None


def _big_mistakes(n) -> list:
    """The mistakes :func:`_big_conv_hint` names: height and width swapped, the 'same' formula, the input channels
    as output channels, no bias, no input channels."""
    (ih, iw, ic), f, k, s = n["image"], n["filters"], n["kernel_size"], n["stride"]
    (h, w, _f), params = big_conv(n)
    same = tuple(conv_output_length(v, k, s, "same") for v in (ih, iw))
    return [((w, h, f), params), (same + (f,), params), ((h, w, ic), params),
            ((h, w, f), conv2d_params(ic, f, k, use_bias=False)), ((h, w, f), conv2d_params(1, f, k))]


def _shapes_mistakes(n) -> list:
    """The first layer not shrunk ('valid' ignored), the 'same' layer computed as 'valid', its stride forgotten, and
    the input channels kept (each propagated through the later layers as the learner would)."""
    (side, _, c0), ((f1, k1, _s1, _p1), (f2, k2, s2, _p2), (f3, _k3, _s3, _p3)) = n["input"], n["layers"]
    right = conv_shapes(n)

    def after(first):
        second = -(-first // s2)
        return ((first, first, f1), (second, second, f2), (second, second, f3))

    n1 = right[0][0]
    valid2 = conv_output_length(n1, k2, s2)
    return [after(side), right[:1] + ((valid2, valid2, f2), (valid2, valid2, f3)),
            right[:1] + ((n1, n1, f2), (n1, n1, f3)), ((n1, n1, c0),) + right[1:]]


def _params_mistakes(n) -> list:
    """Each layer without its bias, each layer without its input channels (where they are more than one), all
    without bias."""
    right, channels = conv_params(n), _channels(n)
    found = []
    for i, (filters, k, _s, _p) in enumerate(n["layers"]):
        found.append(right[:i] + (conv2d_params(channels[i], filters, k, use_bias=False),) + right[i + 1:])
        if channels[i] != 1:
            found.append(right[:i] + (conv2d_params(1, filters, k),) + right[i + 1:])
    found.append(tuple(conv2d_params(channels[i], f, k, use_bias=False) for i, (f, k, _s, _p) in enumerate(n["layers"])))
    return found


BIG_CONV = value_exercise("3-1", "큰 이미지의 합성곱", "big_conv", PAIR, big_conv, [_big_conv_hint],
                          variants=Variants(BIG_BOOK, _draw_big, _big_prompt, _big_mistakes))
CONV_SHAPES = value_exercise("3-2", "합성곱 스택의 출력 shape", "conv_shapes", PAIR, conv_shapes, [_conv_shapes_hint],
                             variants=Variants(STACK_BOOK, _draw_stack, _shapes_prompt, _shapes_mistakes))
CONV_PARAMS = value_exercise("3-3", "합성곱 스택의 파라미터 수", "conv_params", INTS, conv_params, [_conv_params_hint],
                             variants=Variants(STACK_BOOK, _draw_stack, _params_prompt, _params_mistakes))


def _reference_conv(x, kernel, stride=1, padding="valid"):
    return _layers.conv2d(np.asarray(x, dtype=float)[None], np.asarray(kernel, dtype=float),
                          stride=stride, padding=padding)[0]


def conv_cases(seed: int = 31):
    """The input cases of 연습 3-4, from the simplest (one channel) to stride and padding together."""
    rng = np.random.default_rng(seed)
    specs = [
        ((5, 5, 1), (3, 3, 1, 1), 1, "valid", "채널 1개, stride 1, valid"),
        ((6, 4, 1), (2, 3, 1, 1), 1, "valid", "채널 1개, 직사각형 입력과 커널"),
        ((5, 6, 3), (3, 3, 3, 2), 1, "valid", "입력 채널 3개, 필터 2개"),
        ((7, 7, 2), (3, 3, 2, 4), 2, "valid", "stride 2"),
        ((5, 5, 2), (3, 3, 2, 3), 1, 1, "padding 1 (양쪽에 0 한 칸)"),
        ((8, 6, 3), (3, 2, 3, 2), 3, 2, "stride 3, padding 2"),
    ]
    cases = []
    for x_shape, k_shape, stride, padding, description in specs:
        x = rng.normal(size=x_shape)
        kernel = rng.normal(size=k_shape)
        cases.append(((x, kernel), {"stride": stride, "padding": padding}, f"{description} 입력 x {x_shape}"))
    return cases


def library_convolutions() -> list:
    """The library convolutions 연습 3-4 must not call: course_utils', and TensorFlow's and Keras' if imported.

    (Only modules already imported are patched: the check never imports TensorFlow itself.)
    """
    blocked = [(_layers, "conv2d"), (_layers, "conv2d_transpose")]
    tf = sys.modules.get("tensorflow")
    if tf is not None:
        blocked += [(tf.nn, "conv2d"), (tf.nn, "convolution"), (getattr(tf, "raw_ops", None), "Conv2D")]
    keras = sys.modules.get("keras")
    if keras is not None:
        blocked += [(keras.ops, "conv"), (keras.ops, "depthwise_conv"), (keras.layers.Conv2D, "call")]
    scipy_signal = sys.modules.get("scipy.signal")
    if scipy_signal is not None:
        blocked += [(scipy_signal, name) for name in ("correlate", "correlate2d", "convolve", "convolve2d", "fftconvolve")]
    return blocked


#: Names whose use in the answer counts as calling a library convolution (the grader's static check).
CONVOLUTION_NAMES = frozenset({"conv2d", "conv2d_transpose", "convolution", "Conv2D", "conv", "depthwise_conv",
                               "correlate", "correlate2d", "convolve", "convolve2d", "fftconvolve", "oaconvolve"})

MY_CONV2D = function_exercise("3-4", "numpy로 만든 합성곱", "my_conv2d", FunctionSpec(
    cases=conv_cases, reference=_reference_conv, seed=31, blocked=library_convolutions,
    refusal=("이 연습은 직접 짠 numpy 코드를 검사합니다. course_utils, Keras, TensorFlow의 합성곱 함수를 부르지 말고 "
             "np.pad와 창(window) 곱으로 직접 계산하세요."),
    banned_names=CONVOLUTION_NAMES | OWN_CODE_LIBRARIES))


#: 연습 3-5: a 5x6 grey image with one bright vertical bar, and the vertical edge kernel (3.6절's horizontal edge
#: kernel laid on its side: left column -1, right column +1), applied with stride 1 and padding "valid".
BAR_IMAGE = np.zeros((5, 6))
BAR_IMAGE[1:, 2:4] = 1.0
VERTICAL_EDGE = np.array([[-1.0, 0.0, 1.0]] * 3)


def _respond(kernel, image):
    """The 'valid' response of a 3x3 ``kernel`` on a grey ``image`` (course_utils.layers.conv2d, 3장)."""
    batch = np.asarray(image, float)[None, :, :, None]
    return _layers.conv2d(batch, np.asarray(kernel, float).reshape(3, 3, 1, 1))[0, :, :, 0]


def bar_response():
    """연습 3-5: the vertical edge kernel's output on the bar image."""
    return _respond(VERTICAL_EDGE, BAR_IMAGE)


def _edge_response_mistakes(right) -> list:
    """(wrong output, hint) of 연습 3-5's typical mistakes, each computed from the image and the kernel."""
    middle_row_only = _respond(np.array([[0.0, 0.0, 0.0], [-1.0, 0.0, 1.0], [0.0, 0.0, 0.0]]), BAR_IMAGE)
    return [
        (-right, "부호가 반대입니다. 딥러닝의 합성곱은 커널을 뒤집지 않고 그대로 곱해 더합니다: 오른쪽 열이 +1이므로 "
                 "왼쪽이 어둡고 오른쪽이 밝아지는 경계에서 양수가 나옵니다."),
        (np.abs(right), "3.6절의 그림은 반응의 크기(절댓값)를 그렸지만, 출력 자체에는 부호가 있습니다. 밝아지는 경계와 "
                        "어두워지는 경계의 부호를 다시 보세요."),
        (_respond(VERTICAL_EDGE.T, BAR_IMAGE), "가로 경계 커널(위 행 -1, 아래 행 +1)을 적용했습니다. 세로 경계 커널은 "
                                               "왼쪽 열이 -1, 오른쪽 열이 +1입니다."),
        (middle_row_only, "커널의 가운데 행만 곱했습니다. 출력 한 칸은 3x3 창 전체(세 행 모두)와 커널을 곱해 더한 값입니다."),
    ]


def _judge_edge_response(label, edge_response) -> None:
    """연습 3-5: the output map, checked against :func:`bar_response`; a hint names each typical mistake."""
    if not isinstance(edge_response, np.ndarray):
        wrap = " np.array(...)로 감싸 numpy 배열로 만드세요." if isinstance(edge_response, (list, tuple)) else ""
        raise ExerciseCheckError(f"{label}: 답의 형식이 다릅니다. 필요한 형식은 3x4 numpy 배열(ndarray)인데, "
                                 f"받은 답은 {type_name(edge_response)}입니다.{wrap}", kind="type")
    if edge_response.dtype.kind not in "biuf":
        raise ExerciseCheckError(f"{label}: 숫자 배열이 필요합니다 (받은 배열의 dtype: {edge_response.dtype}).",
                                 kind="type")
    right = bar_response()
    received = edge_response.astype(float)
    if received.shape != right.shape:
        if received.shape == BAR_IMAGE.shape:
            hint = ("출력이 입력과 같은 크기입니다. padding='valid'이면 3x3 창이 이미지 안에만 놓이므로 "
                    "출력은 (5 − 3 + 1) x (6 − 3 + 1)입니다.")
        elif received.shape == right.shape[::-1]:
            hint = "높이와 너비가 바뀌었습니다. 이미지는 5행 6열이고, 출력도 행(높이)부터 셉니다."
        else:
            hint = f"출력의 shape은 valid 공식 ⌊(n − k)/s⌋ + 1을 높이와 너비에 적용한 값입니다 (받은 shape: {received.shape})."
        raise ExerciseCheckError(f"{label}: 아직 정답이 아닙니다. {hint}", kind="hint")
    if np.allclose(received, right):
        passed(label)
        return
    for wrong, hint in _edge_response_mistakes(right):
        if np.allclose(received, wrong):
            raise ExerciseCheckError(f"{label}: 아직 정답이 아닙니다. {hint}", kind="hint")
    raise ExerciseCheckError(f"{label}: 아직 정답이 아닙니다. 출력 (i, j)는 이미지의 3x3 창 [i:i+3, j:j+3]과 커널을 "
                             "원소끼리 곱해 모두 더한 값입니다. 막대의 왼쪽 경계와 오른쪽 경계에서 따로 계산해 보세요.")


EDGE_RESPONSE = custom_exercise("3-5", "세로 경계 커널의 출력", "edge_response", _judge_edge_response,
                                banned=NUMBER_RULE | CONVOLUTION_NAMES | OWN_CODE_LIBRARIES)


def numpy_only(function):
    """Context manager of the hidden test of 연습 3-4: library convolutions raise while ``function`` runs.

    The library functions are blocked where they live and where ``function`` finds
    them (its globals and closure), as in the visible check.
    """
    from course_utils.exercises._core import own_code_only

    return own_code_only(MY_CONV2D.label, library_convolutions(), [getattr(function, "__globals__", {})],
                         getattr(function, "__closure__", None) or (), MY_CONV2D.function.refusal)

"""Exercise declarations of chapter 4, Pooling과 Receptive Field (book/ch04_pooling_receptive_field).

Answers are computed with :func:`course_utils.shapes.receptive_field` and
:func:`course_utils.shapes.pool_output_length` when the check runs; the number exercises 4-1 to 4-3 draw
their numbers from the learner's 학번 (``_variants.py``; the book's are variant 0).
"""

from __future__ import annotations

import numpy as np

from course_utils import layers as _layers
from course_utils.exercises._core import (INT, INTS, PAIR, FunctionSpec, function_exercise, loaded_library_functions,
                                          value_exercise)
from course_utils.exercises._own_work import OWN_CODE_LIBRARIES
from course_utils.shapes import pool_output_length, receptive_field

from course_utils.exercises._variants import Numbers, Variants

# The book's numbers (variant 0); every student draws their own from the ranges below (``_variants.py``).
CONV_POOL = [(3, 2), (2, 2), (3, 1)]                               # 연습 4-1: (kernel, stride), input side first
STACK_A = [(3, 1), (3, 1), (2, 2), (3, 1), (3, 1), (2, 2)]         # 연습 4-2
STACK_B = [(3, 1, 1), (3, 1, 3), (3, 1, 5)]                        # (kernel, stride, dilation)
POOLS = [((7, 7, 3), 2, None, "valid"), ((8, 8, 1), 3, 2, "valid"), ((7, 7, 3), 2, None, "same")]  # 연습 4-3
CONV_POOL_BOOK = {"conv": (3, 2), "pool": 2, "last": 3}
STACKS_BOOK = {"a_kernel": 3, "a_convs": 2, "a_pool": 2, "b_kernel": 3, "b_dilations": (1, 3, 5)}
POOLS_BOOK = {"pools": tuple(POOLS)}
#: The input side of the Keras models the hidden tests build: valid for every variant's layers.
KERAS_SIDE = 128


def _n(n, book) -> Numbers:
    return Numbers(book, book=True) if n is None else n


def conv_pool_layers(n: Numbers = None) -> list:
    """연습 4-1's layers, ``[(kernel, stride), ...]`` from the input side: conv, max pooling, conv (stride 1)."""
    n = _n(n, CONV_POOL_BOOK)
    (k, s), p = n["conv"], n["pool"]
    return [(k, s), (p, p), (n["last"], 1)]


def _draw_conv_pool(rng) -> dict:
    """A k x k conv with a stride 2 <= s < k, a p x p pooling (p = 2-4), a last conv of 3-7: no step vanishes,
    and the two mistakes the hints name (stopping after two layers, adding kernels without the jump) give two
    different wrong answers."""
    while True:
        k = int(rng.choice([3, 5, 7]))
        n = {"conv": (k, int(rng.integers(2, min(k, 5)))), "pool": int(rng.choice([2, 3, 4])),
             "last": int(rng.choice([3, 5, 7]))}
        layers = conv_pool_layers(Numbers(n))
        mistakes = {receptive_field(layers).size, receptive_field(layers[:-1]).size, 1 + sum(k - 1 for k, _s in layers)}
        if len(mistakes) == 3:
            return n


def _conv_pool_prompt(n) -> str:
    (k, s), p, last = n["conv"], n["pool"], n["last"]
    where = "4.6절의 두 레이어(" if n.get("conv") == CONV_POOL_BOOK["conv"] and p == 2 else "두 레이어("
    return (f"{where}{k}x{k} stride {s} 합성곱, {p}x{p} max pooling) 뒤에 {last}x{last} 합성곱(stride 1) 하나를 더 "
            "쌓습니다.\n이 마지막 합성곱의 출력 한 칸이 보는 입력 영역의 한 변의 길이를 정수 rf_conv_pool로 답하세요.\n"
            "4.6절 풀이와 같은 방법으로, 층을 하나씩 더해 가며 계산해 보세요.")


def rf_conv_pool(n: Numbers = None) -> int:
    """The receptive field of conv, pooling, conv (연습 4-1; ``n``: a variant, default the book's :data:`CONV_POOL`)."""
    return receptive_field(conv_pool_layers(n)).size


def stack_layers(n: Numbers = None) -> tuple:
    """연습 4-2's stacks: A ``[(kernel, stride), ...]`` (convs, pooling, convs, pooling), B ``[(k, 1, dilation), ...]``."""
    n = _n(n, STACKS_BOOK)
    block = [(n["a_kernel"], 1)] * n["a_convs"] + [(n["a_pool"], n["a_pool"])]
    return block * 2, [(n["b_kernel"], 1, d) for d in n["b_dilations"]]


def _draw_stacks(rng) -> dict:
    """Stack A: 2-3 convs of 3 or 5 then a 2 or 3 pooling, twice; stack B: three 3x3/5x5 convs, dilations 1 < d2 < d3."""
    d2 = int(rng.integers(2, 6))
    return {"a_kernel": int(rng.choice([3, 5])), "a_convs": int(rng.choice([2, 3])), "a_pool": int(rng.choice([2, 3])),
            "b_kernel": int(rng.choice([3, 5])), "b_dilations": (1, d2, int(rng.integers(d2 + 1, 7)))}


def _stacks_prompt(n) -> str:
    k, c, p, kb = n["a_kernel"], n["a_convs"], n["a_pool"], n["b_kernel"]
    block = ", ".join([f"{k}x{k} 합성곱"] * c + [f"{p}x{p} max pooling"])
    dilations = ", ".join(str(d) for d in n["b_dilations"])
    return ("다음 두 스택(모두 입력 쪽부터, padding은 영향 없음)의 receptive field 한 변의 길이를 rf_stacks = (A, B)로 "
            "답하세요.\n"
            f"- 스택 A: {block}, {block} (합성곱 stride 1, 풀링 stride {p})\n"
            f"- 스택 B: {kb}x{kb} 합성곱 세 개, stride 1, dilation이 차례로 {dilations}")


def rf_stacks(n: Numbers = None) -> tuple:
    """The receptive fields of stacks A and B (연습 4-2; book: :data:`STACK_A`, :data:`STACK_B`)."""
    a, b = stack_layers(n)
    return (receptive_field(a).size, receptive_field(b).size)


def _draw_pools(rng) -> dict:
    """Three poolings that keep the book's steps: a window that does not divide the side ('valid' drops the rest),
    overlapping windows (stride < window) whose last step does not fit and whose stride changes the answer, and
    'same' padding that rounds up."""
    def side(low, high, ok):
        while True:
            value = int(rng.integers(low, high))
            if ok(value):
                return value

    channels = [1, 3, 8, 16]
    k1 = int(rng.choice([2, 3]))
    n1 = side(5, 16, lambda v: v % k1)
    k2 = int(rng.choice([3, 4, 5]))
    s2 = int(rng.integers(2, k2))
    n2 = side(k2 + s2, 17, lambda v: (v - k2) % s2 and (v - k2) // s2 != (v - k2) // k2)  # the stride counts
    k3 = int(rng.choice([2, 3]))
    n3 = side(5, 16, lambda v: v % k3)
    c1, c2, c3 = (int(rng.choice(channels)) for _ in range(3))
    return {"pools": (((n1, n1, c1), k1, None, "valid"), ((n2, n2, c2), k2, s2, "valid"),
                      ((n3, n3, c3), k3, None, "same"))}


def pool_layer_text(k, s, padding) -> str:
    """How 연습 4-3 writes one pooling layer (``MaxPooling2D(3, strides=2)``)."""
    extra = (f", strides={s}" if s is not None else "") + (f', padding="{padding}"' if padding != "valid" else "")
    return f"MaxPooling2D({k}{extra})"


def _pools_prompt(n) -> str:
    lines = [f"{i + 1}. {tuple(shape)} 입력에 {pool_layer_text(k, s, p)}" for i, (shape, k, s, p) in enumerate(n["pools"])]
    return ("다음 세 경우의 출력 shape(배치 축 제외)을 pool_shapes = (첫 번째, 두 번째, 세 번째)로 답하세요.\n"
            + "\n".join(lines))


def pool_shapes(n: Numbers = None) -> tuple:
    """The pooled shapes of 연습 4-3's three cases (book: :data:`POOLS`)."""
    pools = _n(n, POOLS_BOOK)["pools"]
    return tuple((pool_output_length(h, k, s, p), pool_output_length(w, k, s, p), c) for (h, w, c), k, s, p in pools)


def _rf_conv_pool_hint(value, expected, n=None):
    layers = conv_pool_layers(n)
    last = layers[-1][0]
    if value > 9 and round(value ** 0.5) ** 2 == value and round(value ** 0.5) == expected:
        return "넓이(픽셀 수)가 아니라 한 변의 길이로 답하세요."
    if value == receptive_field(layers[:-1]).size:
        where = "4.6절 풀이의 두 레이어" if layers[:-1] == CONV_POOL[:-1] else "앞의 두 레이어"
        return f"그건 {where}까지입니다. 마지막 {last}x{last} 합성곱이 더하는 양도 더하세요."
    if value == 1 + sum(k - 1 for k, _s in layers):
        jump = layers[0][1] * layers[1][1]
        return (f"각 층이 더하는 (k − 1)에 그 앞 층들의 stride 곱(jump)을 곱해야 합니다. 풀링 뒤의 층은 입력에서 "
                f"{jump}칸 간격으로 봅니다.")
    return "r = 1 + Σ (k − 1) × (앞선 층들의 stride 곱)을 세 층에 차례로 적용해 보세요."


def _rf_stacks_hint(value, expected, n=None):
    stack_a, stack_b = stack_layers(n)
    kb = stack_b[0][0]
    a, b = value
    if b != expected[1]:
        if b == receptive_field([(k, s) for k, s, _d in stack_b]).size:
            return (f"스택 B: dilation d인 {kb}x{kb} 커널은 입력에서 {kb - 1}d + 1칸에 걸쳐 있습니다 "
                    "(유효 커널 d·(k − 1) + 1).")
        return "스택 B: stride가 모두 1이므로 각 층은 (유효 커널 − 1)만큼 더합니다. 유효 커널 = d·(k − 1) + 1."
    if a == 1 + sum(k - 1 for k, _s in stack_a):
        pool = stack_a[-1][1]
        return (f"스택 A: 풀링(stride {pool}) 뒤의 층은 입력에서 {pool}배 넓은 간격으로 봅니다. 더하는 양에 앞선 stride들의 "
                "곱을 곱하세요.")
    return "스택 A: r = 1 + Σ (k − 1) × (앞선 층들의 stride 곱)을 차례로 계산하세요."


def _pool_shapes_hint(value, expected, n=None):
    pools = _n(n, POOLS_BOOK)["pools"]
    for i, (shape, right, ((h, w, c), k, s, padding)) in enumerate(zip(value, expected, pools)):
        if len(shape) != 3:
            return "각 shape은 (높이, 너비, 채널) 세 정수의 튜플입니다."
        if tuple(shape) == tuple(right):
            continue
        if shape[2] != c:
            return "풀링은 채널마다 따로 작동하므로 채널 수가 바뀌지 않습니다."
        if padding == "valid" and shape[0] == pool_output_length(h, k, s, "same"):
            return (f"{i + 1}번째: padding='valid'에서는 창이 다 들어가지 않는 마지막 행과 열은 버립니다 "
                    "(⌊(n − k)/s⌋ + 1).")
        if padding == "same":
            return f"{i + 1}번째: padding='same'의 출력 크기는 ⌈n/s⌉입니다."
        if s is not None:
            return f"{i + 1}번째: 창 크기 {k}, stride {s}입니다. ⌊(n − k)/s⌋ + 1을 쓰세요."
        return f"{i + 1}번째: stride를 주지 않으면 창 크기와 같습니다. ⌊(n − k)/s⌋ + 1을 쓰세요."
    return None


def _conv_pool_mistakes(n) -> list:
    """The mistakes :func:`_rf_conv_pool_hint` names: two layers only, no jump, the area; and the jump of one stride."""
    layers = conv_pool_layers(n)
    right = receptive_field(layers).size
    (k, s), p, last = layers[0], layers[1][0], layers[2][0]
    return [receptive_field(layers[:-1]).size, 1 + sum(k - 1 for k, _s in layers), right * right,
            1 + (k - 1) + (p - 1) * s + (last - 1) * s, 1 + (k - 1) + (p - 1) * s + (last - 1) * p]


def _stacks_mistakes(n) -> list:
    """The mistakes :func:`_rf_stacks_hint` names (no jump in A, no dilation in B), alone and together."""
    stack_a, stack_b = stack_layers(n)
    right = rf_stacks(n)
    a_values = (right[0], 1 + sum(k - 1 for k, _s in stack_a))
    b_values = (right[1], receptive_field([(k, s) for k, s, _d in stack_b]).size)
    return [(a, b) for a in a_values for b in b_values if (a, b) != right]


def _pools_mistakes(n) -> list:
    """Each case with the other padding's formula, or with the stride forgotten (one case at a time, and all)."""
    right = pool_shapes(n)
    found, all_other = [], []
    for i, ((h, w, c), k, s, padding) in enumerate(_n(n, POOLS_BOOK)["pools"]):
        other = "same" if padding == "valid" else "valid"
        wrong = (pool_output_length(h, k, s, other), pool_output_length(w, k, s, other), c)
        all_other.append(wrong)
        found.append(right[:i] + (wrong,) + right[i + 1:])
        if s is not None:
            found.append(right[:i] + ((pool_output_length(h, k, None, padding),) * 2 + (c,),) + right[i + 1:])
    return found + [tuple(all_other)]


RF_CONV_POOL = value_exercise("4-1", "합성곱 + 풀링 + 합성곱의 receptive field", "rf_conv_pool", INT, rf_conv_pool,
                              [_rf_conv_pool_hint], variants=Variants(CONV_POOL_BOOK, _draw_conv_pool, _conv_pool_prompt,
                                                                _conv_pool_mistakes))
RF_STACKS = value_exercise("4-2", "더 깊은 스택의 receptive field", "rf_stacks", INTS, rf_stacks, [_rf_stacks_hint],
                           variants=Variants(STACKS_BOOK, _draw_stacks, _stacks_prompt, _stacks_mistakes))
POOL_SHAPES = value_exercise("4-3", "풀링 출력 shape", "pool_shapes", PAIR, pool_shapes, [_pool_shapes_hint],
                             variants=Variants(POOLS_BOOK, _draw_pools, _pools_prompt, _pools_mistakes))


def _reference_pool(x, pool_size=2, stride=None):
    return _layers.max_pool2d(np.asarray(x, dtype=float)[None], pool_size=pool_size, stride=stride)[0]


def pool_cases(seed: int = 41):
    """The input cases of 연습 4-4."""
    rng = np.random.default_rng(seed)
    specs = [((4, 4, 1), 2, None, "4x4, 창 2"),
             ((5, 7, 2), 2, None, "크기가 창으로 나누어떨어지지 않는 5x7"),
             ((6, 6, 3), 3, 2, "창 3, stride 2 (창이 겹침)"),
             ((5, 5, 1), 2, 1, "창 2, stride 1")]
    cases = [((rng.normal(size=shape),), {"pool_size": k, "stride": s}, f"{desc} 입력") for shape, k, s, desc in specs]
    cases.append(((-1.0 - rng.random(size=(4, 6, 2)),), {"pool_size": 2, "stride": None}, "값이 모두 음수인 입력"))
    return cases


def library_pooling() -> list:
    """The library poolings 연습 4-4 must not call: course_utils', and Keras', TensorFlow's and scipy's if imported."""
    return [(_layers, "max_pool2d"), (_layers, "avg_pool2d")] + loaded_library_functions(
        "keras:layers.MaxPooling2D.call", "keras:ops.max_pool", "keras:ops.nn.max_pool", "tensorflow:nn.max_pool2d",
        "tensorflow:nn.max_pool", "tensorflow:nn.max_pool_with_argmax", "tensorflow:nn.pool",
        "scipy.ndimage:maximum_filter")


#: Names whose use in the answer counts as calling a library pooling (the own-work rule, visible check and grader).
POOLING_NAMES = frozenset({"max_pool2d", "avg_pool2d", "max_pool", "max_pool_with_argmax", "MaxPooling2D", "MaxPool2D",
                           "MaxPool", "MaxPoolV2", "maximum_filter", "block_reduce"}) | OWN_CODE_LIBRARIES

MY_MAX_POOL2D = function_exercise("4-4", "numpy로 만든 max pooling", "my_max_pool2d", FunctionSpec(
    cases=pool_cases, reference=_reference_pool, seed=41, blocked=library_pooling,
    refusal=("이 연습은 직접 짠 numpy 코드를 검사합니다. course_utils의 max_pool2d나 Keras MaxPooling2D, "
             "tf.nn.max_pool2d를 부르지 말고 창(window)을 슬라이싱해 np.max로 직접 고르세요."),
    mismatch="창의 위치(행과 열에 stride를 곱한 시작점)와 창 크기를 확인하세요.", banned_names=POOLING_NAMES))

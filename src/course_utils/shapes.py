"""출력 크기 공식과 receptive field (3장, 4장, 5장).

여기 있는 공식은 Keras 3(TensorFlow 백엔드)가 ``compute_output_shape``에서 쓰는
계산을 그대로 옮긴 것입니다. Keras가 거부하는 설정이면 한국어 ``ValueError``를
냅니다. 모든 길이 공식은 한 축(1차원)의 길이를 다루며 정수만 받습니다.
2차원 입력이면 높이와 너비에 각각 적용하면 됩니다.

이 모듈은 TensorFlow/Keras를 import하지 않습니다 (``receptive_field``에 Keras
모델을 넘길 때만 그 함수 안에서 keras를 불러옵니다).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from course_utils import _validation as _v

__all__ = [
    "conv_output_length",
    "pool_output_length",
    "conv_transpose_output_length",
    "receptive_field",
    "ReceptiveField",
    "layer_spec",
    "layer_output_lengths",
    "receptive_field_indices",
    "conv_transpose_zero_padding",
]


def _effective_kernel(kernel_size: int, dilation: int) -> int:
    """dilation을 적용한 커널이 실제로 덮는 길이: d*(k-1)+1."""
    return dilation * (kernel_size - 1) + 1


def _conv_args(input_length, kernel_size, stride, padding, dilation):
    """Read the arguments shared by the convolution formulas (3장, 5장): ``(n, k, s, d, padding)``.

    Used by :func:`conv_output_length` and :func:`conv_transpose_output_length`.
    """
    n = _v.check_int(input_length, "input_length")
    k = _v.check_int(kernel_size, "kernel_size")
    s = _v.check_int(stride, "stride")
    d = _v.check_int(dilation, "dilation")
    return n, k, s, d, _v.check_padding(padding)


def same_padding(input_length: int, window: int, stride: int) -> tuple[int, int]:
    """TensorFlow 'same' padding의 (앞, 뒤) 0의 개수. 3장, 4장 (layers와 explorer가 씁니다).

    전체 padding이 홀수이면 남는 한 칸은 뒤(오른쪽/아래)에 붙습니다.
    ``window``는 dilation을 적용한 유효 커널 크기입니다.
    """
    out = -(-input_length // stride)  # ceil(n / s)
    total = max((out - 1) * stride + window - input_length, 0)
    return total // 2, total - total // 2


def conv_output_length(input_length, kernel_size, stride=1, padding="valid", dilation=1):
    """Convolution 출력 길이 (한 축). 3장 Convolution 레이어.

    ``keras.layers.Conv1D``/``Conv2D``의 출력 크기와 같습니다.

    - ``"valid"``: ``floor((n - d*(k-1) - 1) / s) + 1``
    - ``"same"``: ``ceil(n / s)`` (전체 padding이 홀수면 TensorFlow는 남는 칸을 끝에 붙입니다)
    - 정수 ``p``: 양쪽에 0을 p개씩 붙인 뒤 valid:
      ``floor((n + 2p - d*(k-1) - 1) / s) + 1``
      (``ZeroPadding2D(p)`` 다음 ``Conv2D(padding="valid")``와 같음)

    Args:
        input_length: 입력 길이 n (1 이상의 정수).
        kernel_size: 커널 크기 k (1 이상의 정수).
        stride: stride s (1 이상의 정수). 기본값 1.
        padding: ``"valid"``, ``"same"`` 또는 0 이상의 정수. 기본값 ``"valid"``.
        dilation: dilation d (1 이상의 정수). 기본값 1.

    Returns:
        출력 길이 (int).

    Raises:
        ValueError: 인자가 정수가 아니거나 범위를 벗어날 때, padding 단어를 모를 때,
            stride>1과 dilation>1을 함께 줄 때 (Keras가 거부), 유효 커널이
            (padding을 더한) 입력보다 길 때.

    Example:

    >>> conv_output_length(1920, 5, stride=5)
    384
    >>> conv_output_length(28, 3, padding="same", stride=2)
    14
    >>> conv_output_length(28, 3, padding=1)
    28
    """
    n, k, s, d, padding = _conv_args(input_length, kernel_size, stride, padding, dilation)
    _v.check_stride_dilation(s, d)
    if padding == "same":
        return -(-n // s)
    p = 0 if padding == "valid" else padding
    k_eff = _effective_kernel(k, d)
    if k_eff > n + 2 * p:
        raise ValueError(
            "kernel_size는 유효 크기 dilation*(kernel_size-1)+1이 padding을 포함한 입력 "
            f"길이 이하여야 합니다: 유효 크기 {k_eff} > 입력 길이 {n + 2 * p} (받은 값: "
            f"kernel_size={k}, dilation={d}, input_length={n}, padding={padding!r})."
        )
    return (n + 2 * p - k_eff) // s + 1


def pool_output_length(input_length, pool_size, stride=None, padding="valid"):
    """Pooling 출력 길이 (한 축). 4장 Pooling과 Receptive Field.

    ``keras.layers.MaxPooling2D``/``AveragePooling2D``와 같습니다.
    ``"valid"``: ``floor((n - k) / s) + 1``, ``"same"``: ``ceil(n / s)``.

    Args:
        input_length: 입력 길이 n (1 이상의 정수).
        pool_size: 풀링 창 크기 k (1 이상의 정수).
        stride: stride s (1 이상의 정수). ``None``이면 ``pool_size``와 같습니다.
        padding: ``"valid"`` 또는 ``"same"``. 기본값 ``"valid"``.

    Returns:
        출력 길이 (int).

    Raises:
        ValueError: 인자가 범위를 벗어날 때, padding이 'valid'/'same'이 아닐 때,
            valid에서 pool_size가 입력보다 클 때.

    Example:

    >>> pool_output_length(28, 2)
    14
    >>> pool_output_length(7, 2, padding="same")
    4
    >>> pool_output_length(7, 3, stride=2)
    3
    """
    n = _v.check_int(input_length, "input_length")
    k = _v.check_int(pool_size, "pool_size")
    s = k if stride is None else _v.check_int(stride, "stride")
    padding = _v.check_padding(padding, allow_int=False)
    if padding == "same":
        return -(-n // s)
    if k > n:
        raise ValueError(
            "padding='valid'에서 pool_size는 입력 길이 이하여야 합니다 "
            f"(받은 값: pool_size={k}, input_length={n})."
        )
    return (n - k) // s + 1


def conv_transpose_output_length(
    input_length, kernel_size, stride=1, padding="valid", output_padding=None, dilation=1
):
    """Transposed convolution 출력 길이 (한 축). 5장 Transposed Convolution과 오토인코더.

    ``keras.layers.Conv2DTranspose``와 같습니다 (Keras의
    ``_get_output_shape_given_tf_padding``을 그대로 옮겼습니다). 유효 커널
    ``K = d*(k-1)+1``, ``op = output_padding``일 때:

    - ``"valid"``: ``(n-1)*s + K + op``. ``op``가 None이면 ``op = max(K, s) - K``
      (즉 ``(n-1)*s + max(K, s)``).
    - ``"same"``: ``op``가 None이면 ``n*s``, 아니면 ``(n-1)*s + K % 2 + op``.
      이때 ``K``가 짝수이고 ``op=0``이면 결과가 ``(n-1)*s``가 되어 TensorFlow가 실행을
      거부하므로 ``ValueError``를 냅니다.
    - 정수 ``p``: valid 결과에서 양쪽을 p칸씩 잘라낸 길이
      (``Conv2DTranspose(padding="valid")`` 다음 ``Cropping2D(p)``와 같음):
      ``(n-1)*s + K + op - 2p`` (``op``가 None이면 valid와 같은 기본값).

    참고: dilation>1인 transposed convolution은 Keras가 받아들이지만 TensorFlow의 CPU
    구현은 아직 실행하지 못합니다 (GPU에서는 실행됩니다). 공식은 Keras를 따릅니다.

    Args:
        input_length: 입력 길이 n (1 이상의 정수).
        kernel_size: 커널 크기 k (1 이상의 정수).
        stride: stride s (1 이상의 정수). 기본값 1.
        padding: ``"valid"``, ``"same"`` 또는 0 이상의 정수. 기본값 ``"valid"``.
        output_padding: ``None`` 또는 ``0 <= op < stride``인 정수. Keras 3.10의 ``Conv2DTranspose``는
            0을 받지 않습니다 (1 이상만). 같은 층은 valid에서 ``k >= s``이면 ``None``,
            same에서 홀수 ``k``이면 정수 padding ``k // 2`` (valid 층 + ``Cropping2D``)입니다.
        dilation: dilation d (1 이상의 정수). 기본값 1.

    Returns:
        출력 길이 (int).

    Raises:
        ValueError: 인자가 범위를 벗어날 때, ``output_padding >= stride``일 때
            (Keras가 거부), stride>1과 dilation>1을 함께 줄 때 (Keras가 거부),
            위의 'same' 짝수 커널 경우, 정수 padding이 출력을 모두 잘라낼 때.

    Example:

    >>> conv_transpose_output_length(7, 3, stride=2, padding="same")
    14
    >>> conv_transpose_output_length(7, 3, stride=2)
    15
    >>> conv_transpose_output_length(7, 3, stride=2, padding="same", output_padding=1)
    14
    >>> conv_transpose_output_length(7, 2, stride=3)
    21
    """
    n, k, s, d, padding = _conv_args(input_length, kernel_size, stride, padding, dilation)
    op = None if output_padding is None else _v.check_int(output_padding, "output_padding", 0)
    if op is not None and op >= s:
        raise ValueError(
            f"output_padding은 stride보다 작아야 합니다 (받은 값: output_padding={op}, "
            f"stride={s})."
        )
    _v.check_stride_dilation(s, d)
    k_eff = _effective_kernel(k, d)

    if padding == "same":
        if op is None:
            return n * s
        if k_eff % 2 + op == 0:
            raise ValueError(
                "padding='same'에서 짝수 (유효) 커널과 output_padding=0을 함께 쓰면 출력 "
                f"길이 (n-1)*s={(n - 1) * s}에서 입력 길이 {n}이 다시 나오지 않아 "
                f"TensorFlow가 거부합니다 (받은 값: kernel_size={k}, dilation={d}, "
                "output_padding=0). output_padding을 None 또는 1 이상으로 주세요."
            )
        return (n - 1) * s + k_eff % 2 + op

    if op is None:
        op = max(k_eff, s) - k_eff
    length = (n - 1) * s + k_eff + op
    if padding == "valid":
        return length
    if length - 2 * padding < 1:
        raise ValueError(
            f"padding은 {(length - 1) // 2} 이하여야 합니다: 양쪽에서 padding칸씩 잘라내면 "
            f"길이 {length}의 출력이 남지 않습니다 (받은 값: padding={padding})."
        )
    return length - 2 * padding


# ---------------------------------------------------------------------------
# Receptive field
# ---------------------------------------------------------------------------


def _nice(x):
    """Fraction을 보기 좋게: 정수면 int, 아니면 float."""
    x = Fraction(x)
    return int(x) if x.denominator == 1 else float(x)


@dataclass(frozen=True)
class ReceptiveField:
    """Receptive field 계산 결과 (한 축). 4장 Pooling과 Receptive Field.

    Attributes:
        size: 출력 한 칸이 보는 입력 구간의 길이 (픽셀 수, 양 끝 포함).
        jump: 출력에서 한 칸 옮길 때 입력에서 움직이는 거리 (유효 stride, 모든 stride의 곱).
            Transposed convolution이 있으면 분수가 될 수 있습니다.
        start: 첫 번째 출력 칸 (인덱스 0)의 receptive field 중심의 입력 좌표.
            0부터 세며, padding이 있으면 음수나 .5가 될 수 있습니다.
    """

    size: int
    jump: int | float
    start: int | float

    def __repr__(self) -> str:
        return f"ReceptiveField(size={self.size}, jump={self.jump}, start={self.start})"


# 한 레이어의 기하: ("conv", K, s, left) 또는 ("tconv", K, s, left).
# K는 유효 커널 크기, left는 입력(또는 전체 출력)의 앞쪽 padding/자르기 칸 수.


def _field_interval(ops, o):
    """출력 인덱스 ``o``가 의존하는 입력 인덱스 구간 [lo, hi] (padding 좌표 포함, 자르지 않음).

    뒤에서부터 한 레이어씩 거슬러 올라갑니다.
    - conv (K, s, left): 출력 q는 입력 q*s - left ... q*s - left + K - 1을 봅니다.
    - tconv (K, s, left): 출력 q는 i*s + t = q + left (0 <= t < K)인 입력 i를 봅니다.
      즉 ceil((q + left - K + 1)/s) <= i <= floor((q + left)/s).
    구간이 비면 None (stride보다 작은 커널의 transposed conv에서 생길 수 있음).
    """
    lo, hi = o, o
    for kind, k_eff, s, left in reversed(ops):
        if kind == "conv":
            lo, hi = lo * s - left, hi * s - left + k_eff - 1
        else:
            lo, hi = -((-(lo + left - k_eff + 1)) // s), (hi + left) // s
            if lo > hi:
                return None
    return lo, hi


def _from_ops(ops) -> ReceptiveField:
    jump = Fraction(1)
    period = 1
    for kind, _k, s, _left in ops:
        if kind == "conv":
            jump *= s
        else:
            jump /= s
            period *= s
    # transposed conv가 있으면 출력마다 입력 칸 수가 다를 수 있습니다 (주기 = tconv stride의 곱).
    intervals = [_field_interval(ops, o) for o in range(period)]
    sizes = [hi - lo + 1 for lo, hi in filter(None, intervals)]
    size = max(sizes) if sizes else 0
    first = _field_interval(ops, 0)
    if first is not None:
        start = Fraction(first[0] + first[1], 2)
    else:  # 첫 출력이 어떤 입력에도 의존하지 않음: 실수 좌표로 중심을 옮깁니다.
        start = Fraction(0)
        for kind, k_eff, s, left in reversed(ops):
            if kind == "conv":
                start = start * s - left + Fraction(k_eff - 1, 2)
            else:
                start = (start + left - Fraction(k_eff - 1, 2)) / s
    return ReceptiveField(size=size, jump=_nice(jump), start=_nice(start))


def layer_spec(layer, index=0):
    """한 층의 설명을 ``(kind, kernel, stride, dilation)``으로 바꿉니다. 4장 수용 영역.

    받는 모양 (padding은 valid):

    - ``(kernel, stride)``, ``(kernel, stride, dilation)``: 합성곱
    - 앞에 ``"conv"`` 또는 ``"pool"``을 붙인 튜플: ``("pool", 2, 2)``
    - dict ``{"kind": ..., "kernel": ..., "stride": ..., "dilation": ...}``

    풀링에는 dilation이 없습니다 (1만 받습니다). ``index``는 오류 메시지에 쓰는
    층 번호입니다. 수용 영역 위젯(``course_utils.widgets``)과 그림
    (``course_utils.figures``)이 이 함수 하나로 층을 읽습니다.

    >>> layer_spec((3, 2)), layer_spec(("pool", 2, 2)), layer_spec({"kernel": 3, "dilation": 2})
    (('conv', 3, 2, 1), ('pool', 2, 2, 1), ('conv', 3, 1, 2))
    """
    where = f"layers[{index}]"
    if isinstance(layer, dict):
        kind = layer.get("kind", "conv")
        k, s, d = layer.get("kernel"), layer.get("stride", 1), layer.get("dilation", 1)
    elif isinstance(layer, (tuple, list)):
        items = list(layer)
        kind = items.pop(0) if items and isinstance(items[0], str) else "conv"
        if len(items) not in (2, 3):
            raise ValueError(
                f"{where}는 (kernel, stride) 또는 (kernel, stride, dilation) 튜플이어야 "
                f"합니다 (앞에 'conv'/'pool'을 붙일 수 있습니다) (받은 값: {layer!r})."
            )
        k, s = items[0], items[1]
        d = items[2] if len(items) == 3 else 1
    else:
        raise ValueError(
            f"{where}는 (kernel, stride) 또는 (kernel, stride, dilation) 튜플이어야 "
            f"합니다 (앞에 'conv'/'pool'을 붙일 수 있습니다) (받은 값: {layer!r})."
        )
    if kind not in ("conv", "pool"):
        raise ValueError(f"{where}의 종류는 'conv' 또는 'pool'이어야 합니다 (받은 값: {kind!r}).")
    k = _v.check_int(k, f"{where}의 kernel")
    s = _v.check_int(s, f"{where}의 stride")
    d = _v.check_int(d, f"{where}의 dilation")
    if kind == "pool" and d != 1:
        raise ValueError(f"{where}: 풀링에는 dilation이 없습니다 (1이어야 합니다, 받은 값: {d}).")
    return kind, k, s, d


def layer_output_lengths(input_length, layers):
    """층을 하나씩 지날 때의 길이 ``[n_0 (입력), n_1, ..., n_L]`` (valid padding). 4장.

    ``layers``는 :func:`layer_spec`이 읽는 층 설명의 리스트입니다. 어떤 층의 창이
    입력보다 크면 몇 번째 층인지 붙인 ``ValueError``를 냅니다.

    >>> layer_output_lengths(16, [("conv", 3, 2), ("pool", 2, 2)])
    [16, 7, 3]
    """
    sizes = [_v.check_int(input_length, "input_length")]
    for i, layer in enumerate(layers):
        kind, k, s, d = layer_spec(layer, i)
        try:
            if kind == "pool":
                out = pool_output_length(sizes[-1], k, s, "valid")
            else:
                out = conv_output_length(sizes[-1], k, s, "valid", d)
        except ValueError as exc:
            raise ValueError(f"{i + 1}번째 층: {exc}") from None
        sizes.append(out)
    return sizes


def receptive_field_indices(layers, position=0):
    """출력 ``position``이 의존하는 칸의 인덱스를 층마다 (한 축, valid padding). 4장.

    입력 쪽부터 ``[입력에서 의존하는 인덱스, 1층 출력에서, ..., [position]]``을
    돌려줍니다. dilation이 있으면 빈칸이 있는 (성긴) 집합이 됩니다. 2차원 출력
    ``(r, c)``의 수용 영역은 행 인덱스와 열 인덱스의 곱집합입니다.

    >>> receptive_field_indices([(3, 1, 2)], 0)[0]
    [0, 2, 4]
    >>> receptive_field_indices([("conv", 3, 2), ("pool", 2, 2)], 1)
    [[4, 5, 6, 7, 8], [2, 3], [1]]
    """
    position = _v.check_int(position, "position", 0)
    specs = [layer_spec(layer, i) for i, layer in enumerate(layers)]
    levels = [[position]]
    for _, k, s, d in reversed(specs):
        levels.append(sorted({p * s + j * d for p in levels[-1] for j in range(k)}))
    return levels[::-1]


def conv_transpose_zero_padding(
    input_length, kernel_size, stride=1, padding="valid", output_padding=None, dilation=1
):
    """전치 합성곱을 '0 삽입 + stride 1 합성곱'으로 볼 때 테두리 0의 개수. 5장.

    값 사이에 0을 ``stride - 1``개씩 넣고 앞(위/왼쪽)에 ``before``개, 뒤(아래/오른쪽)에
    ``after``개의 0을 붙인 뒤 뒤집은 커널로 stride 1 valid 합성곱을 하면 전치 합성곱과
    같습니다. ``before = d(k-1) - p`` (``p``: 전치 합성곱이 되돌리는 순방향 합성곱의 앞쪽
    padding, 'same'이면 TensorFlow처럼 남는 칸은 뒤), ``after``는 출력 길이
    (:func:`conv_transpose_output_length`)를 맞추고 남는 만큼입니다. 음수이면 그만큼
    잘라냅니다.

    Returns:
        ``(before, after, output_length)``.

    >>> conv_transpose_zero_padding(3, 3, 2)
    (2, 2, 7)
    >>> conv_transpose_zero_padding(3, 3, 2, output_padding=1)
    (2, 3, 8)
    """
    out = conv_transpose_output_length(input_length, kernel_size, stride, padding, output_padding, dilation)
    n, k, s, d = int(input_length), int(kernel_size), int(stride), int(dilation)
    padding = _v.check_padding(padding)
    k_eff = _effective_kernel(k, d)
    if padding == "valid":
        p = 0
    elif padding == "same":
        p = same_padding(out, k_eff, s)[0]
    else:
        p = padding
    before = k_eff - 1 - p
    after = out + k_eff - 1 - before - ((n - 1) * s + 1)
    return before, after, out


def _ops_from_tuples(layers):
    ops = []
    for i, layer in enumerate(layers):
        _, k, s, d = layer_spec(layer, i)
        ops.append(("conv", _effective_kernel(k, d), s, 0))
    return ops


def receptive_field(layers, axis=None) -> ReceptiveField:
    """Receptive field의 크기, jump, 시작 위치. 4장 Pooling과 Receptive Field.

    Araujo et al., "Computing Receptive Fields of Convolutional Neural Networks"
    (Distill, 2019)의 공식을 따릅니다 (유효 커널 ``d*(k-1)+1``):

    - size ``r0 = sum_l (k_l - 1) * prod_{i<l} s_i + 1``
    - jump ``= prod_l s_l``
    - start ``= u0 + (r0 - 1) / 2``, ``u0 = -sum_l p_l * prod_{i<l} s_i``
      (``p_l``: l번째 레이어 왼쪽 padding)

    두 가지 입력을 받습니다.

    1. ``(kernel, stride)`` 또는 ``(kernel, stride, dilation)`` 정수 튜플의 리스트
       (입력 쪽부터; 앞에 ``"conv"``/``"pool"``을 붙여도 됩니다, :func:`layer_spec`). 한 축에 대한 값이며 padding은 없다고 봅니다 (start = (size-1)/2).
    2. Keras 모델 (Sequential 또는 한 줄로 이어진 functional 모델, 입력 크기가 정해진 것).
       Conv1D/Conv2D(및 Depthwise/Separable), MaxPooling/AveragePooling 1D/2D,
       Conv1DTranspose/Conv2DTranspose, UpSampling1D/2D (nearest), ZeroPadding,
       Cropping을 처리하고, 기하를 바꾸지 않는 레이어(InputLayer, Activation, ReLU,
       LeakyReLU, BatchNormalization, Dropout 등)는 건너뜁니다. 그 밖의 레이어
       (Flatten, Dense, Global pooling 등)를 만나면 ``ValueError``를 냅니다.
       'same' padding의 왼쪽 padding은 TensorFlow처럼 ``floor(전체/2)``이며, stride>1이면
       입력 길이에 따라 달라지므로 모델 입력 크기가 정해져 있어야 합니다.

    Transposed convolution (stride s, 유효 커널 K)은 jump를 s로 나눕니다. 출력 q는
    ``i*s + t = q + left`` (0 <= t < K)를 만족하는 입력 i에 의존하므로 출력 한 칸이 보는
    입력은 ``floor(K/s)`` 또는 ``ceil(K/s)``개이고, 출력 위치에 따라 달라질 수 있습니다.
    그래서 size는 모든 출력 위치 중 **가장 큰** receptive field이고 (주기 = transposed
    stride들의 곱만큼 살펴봅니다), start는 첫 출력 칸이 실제로 의존하는 입력 구간의
    중심입니다. UpSampling(size=s)은 커널 s, stride s인 transposed conv로 다룹니다.
    Conv와 pooling만 있으면 결과는 위 Araujo 공식과 정확히 같습니다.

    2차원 모델에서 높이 축과 너비 축의 결과가 같으면 그 값을, 다르면 (직사각형 커널,
    stride, 또는 'same' padding이 축마다 다른 경우) ``axis``(0=높이, 1=너비)를 지정하라는
    ``ValueError``를 냅니다.

    Args:
        layers: 튜플의 리스트 또는 Keras 모델.
        axis: Keras 2차원 모델에서 볼 축 (0 또는 1). 기본값 ``None``(두 축이 같아야 함).

    Returns:
        ``ReceptiveField(size, jump, start)``.

    Raises:
        ValueError: 튜플이 잘못되었거나, 지원하지 않는 레이어를 만났거나, 두 축의
            결과가 달라 ``axis``가 필요할 때.

    Example:

    >>> receptive_field([(3, 2), (2, 2)])   # 3x3 stride-2 conv, 2x2 max pooling
    ReceptiveField(size=5, jump=4, start=2)
    >>> receptive_field([(3, 1), (3, 1), (3, 1)])
    ReceptiveField(size=7, jump=1, start=3)
    >>> receptive_field([(3, 1, 2)]).size    # dilation 2
    5
    """
    if isinstance(layers, (list, tuple)):
        if axis not in (None, 0):
            raise ValueError(f"튜플 리스트에는 axis를 줄 수 없습니다 (받은 값: {axis!r}).")
        return _from_ops(_ops_from_tuples(layers))
    if hasattr(layers, "layers"):
        return _receptive_field_of_model(layers, axis)
    raise ValueError(
        "layers는 (kernel, stride[, dilation]) 튜플의 리스트 또는 Keras 모델이어야 합니다 "
        f"(받은 값: {type(layers).__name__})."
    )


# --- Keras 모델 ---------------------------------------------------------------

_SKIP_LAYERS = (
    "InputLayer", "Activation", "ReLU", "LeakyReLU", "PReLU", "ELU", "Softmax",
    "BatchNormalization", "LayerNormalization", "GroupNormalization",
    "UnitNormalization", "Dropout", "SpatialDropout1D", "SpatialDropout2D",
    "GaussianNoise", "GaussianDropout", "AlphaDropout", "Rescaling", "Identity",
)


def _flat_layers(model):
    for layer in model.layers:
        if hasattr(layer, "layers") and not type(layer).__name__ == "InputLayer":
            yield from _flat_layers(layer)
        else:
            yield layer


def _spatial(shape, data_format):
    shape = tuple(shape)
    return shape[2:] if data_format == "channels_first" else shape[1:-1]


def _layer_ops(layer, in_shape, out_shape):
    """레이어 하나를 축마다의 ("conv"/"tconv", K, s, left) 목록으로 바꿉니다 (None: 건너뜀)."""
    name = type(layer).__name__
    if name in _SKIP_LAYERS:
        return None
    mro = {c.__name__ for c in type(layer).__mro__}
    fmt = getattr(layer, "data_format", "channels_last")
    n_in = _spatial(in_shape, fmt)
    n_out = _spatial(out_shape, fmt)
    rank = len(n_in)

    def tup(v):
        return tuple(v) if isinstance(v, (tuple, list)) else (v,) * rank

    ops = []
    if "BaseConvTranspose" in mro:
        for a in range(rank):
            k_eff = _effective_kernel(tup(layer.kernel_size)[a], tup(layer.dilation_rate)[a])
            s = tup(layer.strides)[a]
            left = 0
            if layer.padding == "same":
                op = None if layer.output_padding is None else tup(layer.output_padding)[a]
                n = 3  # same의 전체 padding은 입력 길이와 무관합니다
                length = n * s if op is None else (n - 1) * s + k_eff % 2 + op
                left = max((n - 1) * s + k_eff - length, 0) // 2
            ops.append(("tconv", k_eff, s, left))
        return ops
    if "BaseConv" in mro or "BaseDepthwiseConv" in mro or "BaseSeparableConv" in mro \
            or "BasePooling" in mro:
        pooling = "BasePooling" in mro
        for a in range(rank):
            k = tup(layer.pool_size if pooling else layer.kernel_size)[a]
            d = 1 if pooling else tup(layer.dilation_rate)[a]
            s = tup(layer.strides)[a]
            k_eff = _effective_kernel(k, d)
            left = 0
            if layer.padding == "causal":
                left = k_eff - 1
            elif layer.padding == "same":
                if n_in[a] is None:
                    if s != 1:
                        raise ValueError(
                            f"{layer.name}: stride>1인 'same' padding의 왼쪽 padding은 입력 "
                            "길이에 따라 달라집니다. keras.Input(shape=...)으로 입력 크기를 "
                            "정해 주세요."
                        )
                    left = (k_eff - 1) // 2
                else:
                    left = same_padding(n_in[a], k_eff, s)[0]
            ops.append(("conv", k_eff, s, left))
        return ops
    if name in ("UpSampling1D", "UpSampling2D"):
        if getattr(layer, "interpolation", "nearest") != "nearest":
            raise ValueError(
                f"{layer.name}: interpolation은 'nearest'만 지원합니다 "
                f"(받은 값: {layer.interpolation!r})."
            )
        size = tup(layer.size if hasattr(layer, "size") else layer.length)
        return [("tconv", size[a], size[a], 0) for a in range(rank)]
    if name in ("ZeroPadding1D", "ZeroPadding2D", "Cropping1D", "Cropping2D"):
        pads = layer.padding if name.startswith("Zero") else layer.cropping
        if rank == 1:
            pads = (pads,)
        sign = 1 if name.startswith("Zero") else -1
        return [("conv", 1, 1, sign * pads[a][0]) for a in range(rank)]
    raise ValueError(
        f"receptive_field가 지원하지 않는 레이어입니다: {layer.name} ({name}). "
        "Conv, Pooling, Conv2DTranspose, UpSampling, ZeroPadding, Cropping과 기하를 바꾸지 "
        "않는 레이어(활성화, BatchNormalization, Dropout 등)만 쓸 수 있습니다."
    )


def _receptive_field_of_model(model, axis):
    try:
        shape = tuple(model.inputs[0].shape)
    except (AttributeError, IndexError, TypeError, ValueError):
        raise ValueError(
            "Keras 모델의 입력 크기를 알 수 없습니다. keras.Input(shape=...)으로 시작하는 "
            "모델을 넘겨 주세요."
        ) from None
    per_axis = None
    for layer in _flat_layers(model):
        if type(layer).__name__ == "InputLayer":
            continue
        out_shape = tuple(layer.compute_output_shape(shape))
        ops = _layer_ops(layer, shape, out_shape)
        shape = out_shape
        if ops is None:
            continue
        if per_axis is None:
            per_axis = [[] for _ in ops]
        if len(ops) != len(per_axis):
            raise ValueError(f"{layer.name}: 공간 차원의 수가 앞 레이어와 다릅니다.")
        for a, op in enumerate(ops):
            per_axis[a].append(op)
    if per_axis is None:
        return ReceptiveField(size=1, jump=1, start=0)
    results = [_from_ops(ops) for ops in per_axis]
    if axis is not None:
        if not _v.is_int(axis) or not 0 <= axis < len(results):
            raise ValueError(
                f"axis는 0 이상 {len(results) - 1} 이하의 정수여야 합니다 (받은 값: {axis!r})."
            )
        return results[axis]
    if any(r != results[0] for r in results):
        raise ValueError(
            "높이 축과 너비 축의 receptive field가 다릅니다 "
            f"({', '.join(repr(r) for r in results)}). axis=0 (높이) 또는 axis=1 (너비)을 "
            "지정해 주세요."
        )
    return results[0]


"""인자 검사를 한곳에 모은 비공개 모듈입니다 (shapes, params, layers가 함께 씁니다).

모든 오류는 ``ValueError``이고, 메시지는 같은 틀을 따릅니다:
인자 이름, 받은 값, 그리고 허용되는 값.

    stride는 1 이상의 정수여야 합니다 (받은 값: 0).

bool(``True``/``False``)은 파이썬에서 int의 하위 타입이지만 크기나 stride로는
의미가 없으므로 정수로 인정하지 않습니다.
"""

from __future__ import annotations

import numbers

PADDING_WORDS = ("valid", "same")


def topic(name: str) -> str:
    """``name`` 뒤에 붙일 조사 '은/는'을 고릅니다 (영어 발음의 끝소리 기준, 대략)."""
    return f"{name}은" if name[-1:].lower() in ("n", "m", "l", "g") else f"{name}는"


def is_int(value) -> bool:
    """bool이 아닌 정수(파이썬 int, numpy 정수)이면 True."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def check_int(value, name: str, minimum: int = 1) -> int:
    """``value``가 ``minimum`` 이상의 정수인지 확인하고 int로 돌려줍니다."""
    if not is_int(value) or value < minimum:
        raise ValueError(
            f"{topic(name)} {minimum} 이상의 정수여야 합니다 (받은 값: {value!r})."
        )
    return int(value)


def check_pair(value, name: str, minimum: int = 1) -> tuple[int, int]:
    """정수 하나 또는 (높이, 너비) 정수 쌍을 받아 (h, w) 튜플로 돌려줍니다."""
    if is_int(value):
        v = check_int(value, name, minimum)
        return (v, v)
    if isinstance(value, (tuple, list)) and len(value) == 2 and all(
        is_int(v) and v >= minimum for v in value
    ):
        return (int(value[0]), int(value[1]))
    raise ValueError(
        f"{topic(name)} {minimum} 이상의 정수 하나 또는 (높이, 너비) 정수 쌍이어야 "
        f"합니다 (받은 값: {value!r})."
    )


def check_padding(padding, allow_int: bool = True):
    """'valid'/'same'(대소문자 무관) 또는 (허용될 때) 0 이상의 정수를 돌려줍니다."""
    if isinstance(padding, str) and padding.lower() in PADDING_WORDS:
        return padding.lower()
    if allow_int and is_int(padding) and padding >= 0:
        return int(padding)
    allowed = "'valid', 'same' 또는 0 이상의 정수" if allow_int else "'valid' 또는 'same'"
    raise ValueError(f"padding은 {allowed}여야 합니다 (받은 값: {padding!r}).")


def check_stride_dilation(stride: int, dilation: int) -> None:
    """Keras의 Conv 레이어는 stride>1과 dilation>1을 함께 쓰는 것을 거부합니다."""
    if stride > 1 and dilation > 1:
        raise ValueError(
            "stride와 dilation은 동시에 1보다 클 수 없습니다 (Keras가 거부합니다) "
            f"(받은 값: stride={stride}, dilation={dilation})."
        )


def check_ndim(array, ndim: int, name: str, meaning: str):
    """배열의 차원 수를 확인합니다. ``meaning``은 '(batch, 높이, 너비, 채널)' 같은 설명."""
    if array.ndim != ndim:
        raise ValueError(
            f"{topic(name)} {meaning} {ndim}차원 배열이어야 합니다 "
            f"(받은 shape: {tuple(array.shape)})."
        )
    return array

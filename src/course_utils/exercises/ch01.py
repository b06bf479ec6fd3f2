"""Visible checks for chapter 1, 데이터의 형태 (book/ch01_data_shapes).

>>> check_stacked_shape((2, 3, 6))
✅ 연습 1-4 (두 회사 표의 shape): 통과!
"""

from __future__ import annotations

import numpy as np

from course_utils.exercises._core import as_shape, expect_close, expect_value

_FRAMES_PER_MINUTE = 60 * 30  # 30 fps


def check_film_shape(film_shape) -> None:
    """연습 1-1: the (T, C, H, W) shape of a 90-minute 1280x1024 grayscale film at 30 fps."""
    label = "연습 1-1 (흑백 영화의 shape)"

    def hint(value):
        shape = as_shape(value)
        if shape is None:
            return "정수 네 개로 된 튜플로 답하세요. 예: (T, C, H, W)."
        if len(shape) != 4:
            return f"(T, C, H, W) 네 개의 축이 필요합니다 (받은 축의 수: {len(shape)})."
        t, c, h, w = shape
        if c != 1:
            return "흑백 영상의 채널 수 C를 다시 생각해 보세요."
        if (h, w) == (1280, 1024):
            return "높이(H)와 너비(W)의 순서가 바뀌었습니다. 1280x1024는 '너비x높이'입니다."
        if t == 90 * 60 or t == 90:
            return "T는 초나 분이 아니라 프레임 수입니다. 1초에 30프레임입니다."
        if t % _FRAMES_PER_MINUTE:
            return "T는 '분 × 60초 × 초당 프레임 수'입니다."
        return None

    expect_value(label, "ch01.film_shape", film_shape, "af94aa2cc5fddeaa", [hint])


def check_film_bytes(film_bytes) -> None:
    """연습 1-2: the film's size in bytes as (uint8, float32)."""
    label = "연습 1-2 (영화 한 편의 용량)"

    def hint(value):
        shape = as_shape(value)
        if shape is None or len(shape) != 2:
            return "(uint8일 때 바이트 수, float32일 때 바이트 수) 두 정수로 된 튜플로 답하세요."
        as_uint8, as_float32 = shape
        if as_float32 != 4 * as_uint8:
            return "float32 원소 하나는 4바이트, uint8 원소 하나는 1바이트입니다."
        if as_uint8 % (1024 * 1280):
            return "원소 수는 shape의 모든 축 길이를 곱한 값입니다."
        return "원소 수(T × C × H × W)를 다시 계산해 보세요."

    expect_value(label, "ch01.film_bytes", film_bytes, "2f10a948b3ddbc0e", [hint])


def check_loading_choice(choice) -> None:
    """연습 1-3: what the film's size means for loading data (multiple choice)."""
    label = "연습 1-3 (데이터를 읽는 방법)"

    def hint(value):
        if not isinstance(value, str) or value.strip().upper() not in {"A", "B", "C", "D"}:
            return '"A", "B", "C", "D" 중 하나를 문자열로 답하세요.'
        return "연습 1-2에서 구한 용량과 컴퓨터의 메모리 크기를 비교해 보세요."

    expect_value(label, "ch01.loading_choice", choice, "3afbf85afd0fd0bd", [hint])


def check_stacked_shape(stacked_shape) -> None:
    """연습 1-4: the shape of two companies' (3, 6) tables stacked together."""
    label = "연습 1-4 (두 회사 표의 shape)"

    def hint(value):
        shape = as_shape(value)
        if shape is None:
            return "정수로 된 튜플로 답하세요."
        if shape in {(6, 6), (3, 12)}:
            return "두 표를 이어 붙이지 말고, 새 축(회사 축)을 만들어 쌓아 보세요."
        if len(shape) != 3:
            return f"회사, 사람, 항목의 세 축이 필요합니다 (받은 축의 수: {len(shape)})."
        return "가장 바깥 축이 회사입니다. 축의 순서를 확인하세요."

    expect_value(label, "ch01.stacked_shape", stacked_shape, "5a2a2b7f7c53e339", [hint])


def _reference_channels_last(video):
    return np.moveaxis(np.asarray(video), 1, -1)


def check_to_channels_last(to_channels_last, seed: int = 11) -> None:
    """연습 1-5: a function that turns (T, C, H, W) arrays into (T, H, W, C)."""
    label = "연습 1-5 (축 순서 바꾸기)"
    rng = np.random.default_rng(seed)
    cases = []
    for t, c, h, w in [(2, 1, 4, 5), (3, 3, 2, 6), (1, 4, 3, 3)]:
        video = rng.integers(0, 256, size=(t, c, h, w), dtype=np.uint8)
        cases.append(((video,), {}, f"shape {video.shape}인 입력"))
    expect_close(label, to_channels_last, _reference_channels_last, cases, atol=0)

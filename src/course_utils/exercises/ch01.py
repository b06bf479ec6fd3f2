"""Exercise declarations of chapter 1, 데이터의 형태 (book/ch01_data_shapes).

Each answer is computed from the question's numbers when the check runs (see
:mod:`course_utils.exercises._core`).  The test cells call ``check("1-1")`` ...
The number exercises 1-1, 1-2 and 1-4 draw their numbers from the learner's 학번 (``_variants.py``; the
book's are variant 0). 1-3 (a multiple choice whose options are four fixed data sets) keeps the book's numbers.
"""

from __future__ import annotations

import numpy as np

from course_utils.exercises._own_work import NUMBER_RULE
from course_utils.exercises._core import (SHAPE, INTS, FunctionSpec, choice_exercise, differing,
                                          function_exercise, value_exercise)
from course_utils.exercises._variants import Numbers, Variants

# The film of 연습 1-1 and 1-2, as the question states it (the book's numbers, variant 0).
MINUTES, FPS, WIDTH, HEIGHT, CHANNELS = 90, 30, 1280, 1024, 1
FILM_BOOK = {"minutes": MINUTES, "fps": FPS, "width": WIDTH, "height": HEIGHT}
STACK_BOOK = {"companies": 2, "people": 3, "fields": 6}   # 연습 1-4: 1.1절's two (3, 6) tables
MEMORY_BYTES = 16 * 10**9   # 연습 1-3: "메모리가 16 GB(16 × 10⁹ 바이트)인 컴퓨터"


def _n(n, book) -> Numbers:
    return Numbers(book, book=True) if n is None else n


def _draw_film(rng) -> dict:
    """A grey film of 60-150 minutes at 24-60 fps in a wide resolution (width > height, so swapping them is a
    mistake the hint can name; the frame count is never the minutes or the seconds)."""
    width, height = [(1280, 1024), (1920, 1080), (1280, 720), (1024, 768), (640, 480), (800, 600),
                     (3840, 2160)][int(rng.integers(7))]
    return {"minutes": int(rng.choice([60, 75, 90, 100, 110, 120, 150])), "fps": int(rng.choice([24, 25, 30, 50, 60])),
            "width": width, "height": height}


def _film_text(n) -> str:
    return f"해상도가 {n['width']}x{n['height']}이고 {n['fps']} fps로 찍은 {n['minutes']}분짜리 흑백 영화"


def _film_prompt(n) -> str:
    return (f"{_film_text(n)}가 있습니다.\n이 영화 전체를 (T, C, H, W) 순서의 텐서로 나타낼 때의 shape을 "
            "정수 네 개짜리 튜플 film_shape으로 답하세요.")


def _bytes_prompt(n) -> str:
    same_as_1_1 = n.book and n.student is None   # no 학번: 1-1 asks about the same (the book's) film
    film = "연습 1-1의 영화(" + _film_text(n) + ")" if same_as_1_1 else _film_text(n)
    return (f"{film}를 uint8로 저장할 때와 float32로 저장할 때 각각 몇 바이트인지 계산해\n"
            "film_bytes = (uint8일 때 바이트 수, float32일 때 바이트 수)로 답하세요. "
            "(실제 배열을 만들지 말고 계산만 하세요.)")


def film_shape(n: Numbers = None) -> tuple:
    """(T, C, H, W) of the film: T = minutes × 60 × fps frames (연습 1-1; ``n``: a variant, default the book's)."""
    n = _n(n, FILM_BOOK)
    return (n["minutes"] * 60 * n["fps"], CHANNELS, n["height"], n["width"])


def film_bytes(n: Numbers = None) -> tuple:
    """(bytes as uint8, bytes as float32) of the film (연습 1-2)."""
    elements = int(np.prod(film_shape(n)))
    return (elements * np.dtype("uint8").itemsize, elements * np.dtype("float32").itemsize)


def _draw_stack(rng) -> dict:
    """2-5 companies' tables of 3-8 people and 4-9 fields: three different lengths, so the axis order matters."""
    while True:
        n = {"companies": int(rng.integers(2, 6)), "people": int(rng.integers(3, 9)), "fields": int(rng.integers(4, 10))}
        if len(set(n.values())) == 3:
            return n


def _stack_prompt(n) -> str:
    c, r, f = n["companies"], n["people"], n["fields"]
    if n == STACK_BOOK:
        return (f"1.1절에서 ({r}, {f}) 표 두 개를 np.stack으로 쌓아 companies를 만들었습니다. companies의 shape을 "
                "정수 튜플 stacked_shape으로 답하세요.\n(companies.shape을 그대로 쓰지 말고, 생각해서 직접 적어 보세요.)")
    return (f"1.1절처럼 회사마다 사람 {r}명의 정보(항목 {f}개)를 담은 ({r}, {f}) 표가 있습니다. 회사 {c}곳의 표를 "
            "np.stack으로 쌓은 배열의 shape을 정수 튜플 stacked_shape으로 답하세요.\n"
            "(배열을 만들어 .shape을 읽지 말고, 생각해서 직접 적어 보세요.)")


def stacked_shape(n: Numbers = None) -> tuple:
    """The shape of ``np.stack`` of the companies' (people, fields) tables (연습 1-4)."""
    n = _n(n, STACK_BOOK)
    return np.stack([np.empty((n["people"], n["fields"]))] * n["companies"]).shape


#: The four data sets of 연습 1-3, as the question states them: images (``items``) or a video (``seconds``, ``fps``).
LOADING_OPTIONS = {
    "A": {"items": 10_000, "height": 1024, "width": 1024, "channels": 1},          # grey images
    "B": {"items": 5_000_000, "height": 28, "width": 28, "channels": 1},           # grey images
    "C": {"seconds": 10 * 60, "fps": 30, "height": 1080, "width": 1920, "channels": 1},  # a grey video
    "D": {"items": 15_000, "height": 512, "width": 512, "channels": 3},            # colour images
}


def option_bytes(letter: str, *, dtype: str = "float32", frames: bool = True, channels: bool = True) -> int:
    """Bytes of 연습 1-3's data set ``letter`` in ``dtype``; ``frames=False`` counts a video's seconds instead of its
    frames and ``channels=False`` drops the channel axis (the mistakes the hints name)."""
    option = LOADING_OPTIONS[letter]
    if "items" in option:
        count = option["items"]
    else:
        count = option["seconds"] * (option["fps"] if frames else 1)
    elements = count * option["height"] * option["width"] * (option["channels"] if channels else 1)
    return elements * np.dtype(dtype).itemsize


def _fitting_option() -> str:
    """The one data set of 연습 1-3 whose float32 array fits in MEMORY_BYTES."""
    fitting = [letter for letter in LOADING_OPTIONS if option_bytes(letter) <= MEMORY_BYTES]
    assert len(fitting) == 1, fitting
    return fitting[0]


#: The mistakes of 연습 1-3 that make a data set look as if it fitted, each with the hint that names it.
_LOADING_MISTAKES = [
    ({"frames": False}, "영상의 프레임 수를 초로 세지 않았나요? T는 '초 × fps'입니다."),
    ({"channels": False}, "채널을 빠뜨리지 않았나요? 컬러(RGB) 이미지는 채널이 3개입니다."),
    ({"dtype": "uint8"}, "uint8(원소 하나에 1바이트)로 재지 않았나요? float32는 원소 하나가 4바이트라 용량이 4배입니다."),
]


def _loading_hint(value, expected):
    """Name the mistake under which the chosen data set would fit (연습 1-3)."""
    letter = value.strip().upper()
    if letter not in LOADING_OPTIONS:
        return None
    named = [hint for change, hint in _LOADING_MISTAKES if option_bytes(letter, **change) <= MEMORY_BYTES]
    if named:
        return f"{letter}는 float32로 16 GB를 넘습니다. " + " ".join(named)
    return "데이터마다 원소 수(개수 × 높이 × 너비 × 채널)에 float32의 4바이트를 곱해 16 × 10⁹ 바이트와 비교하세요."


def _film_hint(value, expected, n=None):
    n = _n(n, FILM_BOOK)
    t, c, h, w = value
    wrong = differing(value, expected)
    if wrong == [2, 3] and (h, w) == (expected[3], expected[2]):
        return f"높이(H)와 너비(W)의 순서가 바뀌었습니다. {n['width']}x{n['height']}는 '너비x높이'입니다."
    if 1 in wrong:
        return "흑백 영상의 채널 수 C를 다시 생각해 보세요."
    if 0 in wrong:
        if t in (n["minutes"], n["minutes"] * 60):
            return f"T는 초나 분이 아니라 프레임 수입니다. 1초에 {n['fps']}프레임입니다."
        return "T는 '분 × 60초 × 초당 프레임 수'입니다."
    return f"H와 W를 다시 확인하세요. {n['width']}x{n['height']}는 '너비x높이'입니다."


def _bytes_hint(value, expected, n=None):
    as_uint8, as_float32 = value
    if as_float32 != 4 * as_uint8:
        return "float32 원소 하나는 4바이트, uint8 원소 하나는 1바이트입니다."
    return "원소 수(T × C × H × W)를 다시 계산해 보세요."


def _stacked_hint(value, expected, n=None):
    n = _n(n, STACK_BOOK)
    if len(value) != len(expected):
        if len(value) == 2:
            return "두 표를 이어 붙이지 말고, 새 축(회사 축)을 만들어 쌓아 보세요."
        return f"회사, 사람, 항목의 세 축이 필요합니다 (받은 축의 수: {len(value)})."
    if sorted(value) == sorted(expected):
        return "축의 순서를 확인하세요. np.stack은 새 축(회사 축)을 맨 앞에 만듭니다."
    wrong = differing(value, expected)
    if wrong == [0]:
        return "가장 바깥 축은 쌓은 표의 개수(회사 수)입니다."
    return (f"표 하나의 shape ({n['people']}, {n['fields']})은 그대로 안쪽 두 축이 됩니다. "
            "사람 수와 항목 수를 다시 세어 보세요.")


def _film_mistakes(n) -> list:
    """The mistakes :func:`_film_hint` names: H and W swapped, C = 3, T in minutes or seconds."""
    t, c, h, w = film_shape(n)
    return [(t, c, w, h), (t, 3, h, w), (n["minutes"], c, h, w), (n["minutes"] * 60, c, h, w)]


def _bytes_mistakes(n) -> list:
    """Both in one byte per element, both in four, and the frames counted as seconds."""
    e = int(np.prod(film_shape(n)))
    return [(e, e), (4 * e, 4 * e), (e // n["fps"], 4 * e // n["fps"])]


def _stacked_mistakes(n) -> list:
    """The tables joined along the rows (2 axes), the new axis put last or in the middle, a table's axes swapped."""
    c, r, f = n["companies"], n["people"], n["fields"]
    return [(c * r, f), (r, f, c), (r, c, f), (c, f, r)]


FILM_SHAPE = value_exercise("1-1", "흑백 영화의 shape", "film_shape", SHAPE, film_shape, [_film_hint],
                            variants=Variants(FILM_BOOK, _draw_film, _film_prompt, _film_mistakes))
FILM_BYTES = value_exercise("1-2", "영화 한 편의 용량", "film_bytes", INTS, film_bytes, [_bytes_hint],
                            variants=Variants(FILM_BOOK, _draw_film, _bytes_prompt, _bytes_mistakes))
LOADING_CHOICE = choice_exercise("1-3", "한 번에 올릴 수 있는 데이터", "loading_choice", _fitting_option,
                                 [_loading_hint], banned=NUMBER_RULE)
STACKED_SHAPE = value_exercise("1-4", "두 회사 표의 shape", "stacked_shape", SHAPE, stacked_shape, [_stacked_hint],
                               banned=NUMBER_RULE | {"shape", "stack"}, variables={"companies"},  # "직접 적어 보세요"
                               variants=Variants(STACK_BOOK, _draw_stack, _stack_prompt, _stacked_mistakes))


def _reference_channels_last(video):
    return np.moveaxis(np.asarray(video), 1, -1)


def channels_last_cases(seed: int = 11) -> list:
    """The input cases of 연습 1-5: (T, C, H, W) uint8 videos."""
    rng = np.random.default_rng(seed)
    cases = []
    for t, c, h, w in [(2, 1, 4, 5), (3, 3, 2, 6), (1, 4, 3, 3)]:
        video = rng.integers(0, 256, size=(t, c, h, w), dtype=np.uint8)
        cases.append(((video,), {}, f"shape {video.shape}인 입력"))
    return cases


def _reshape_hint(received, expected, args, kwargs):
    video = np.asarray(args[0])
    if received.shape == expected.shape and np.array_equal(received, video.reshape(expected.shape)):
        return ("reshape은 원소의 순서를 그대로 두고 shape만 바꿉니다. 축을 옮기려면 "
                "np.transpose로 축의 순서를 주거나 np.moveaxis를 쓰세요.")
    if received.shape != expected.shape and sorted(received.shape) == sorted(expected.shape):
        return f"축의 순서가 다릅니다 (기대: {expected.shape}, 받은 값: {received.shape}). 채널 축만 맨 뒤로 옮기세요."
    return None


TO_CHANNELS_LAST = function_exercise("1-5", "축 순서 바꾸기", "to_channels_last", FunctionSpec(
    cases=channels_last_cases, reference=_reference_channels_last, seed=11, atol=0, hints=[_reshape_hint],
    mismatch="축의 순서를 확인하세요: (T, C, H, W)에서 (T, H, W, C)로, 채널 축만 맨 뒤로 갑니다."))

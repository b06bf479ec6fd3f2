"""Claims of chapter 1 (데이터의 형태) checked against numpy and Keras, and its exercise checks.

Each claim test reads the numbers from the chapter's prose (markdown cells) and checks them
against arrays built here, independently of the notebook's code.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

from course_utils.exercises import ExerciseCheckError, ch01

ROOT = next(p for p in Path(__file__).resolve().parents if (p / "_toc.yml").is_file())  # the repository
NOTEBOOK = ROOT / "book/ch01_data_shapes/ch01_data_shapes.ipynb"


def _prose() -> str:
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    return "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")


def _search(pattern: str) -> tuple:
    match = re.search(pattern, _prose())
    assert match, f"the chapter no longer says {pattern!r}"
    return match.groups()


def _film():
    """연습 1-1's film, read from the question the book prints (variant 0): (frames, height, width) of a grey film."""
    from course_utils.exercises._variants import Numbers

    prompt = ch01.FILM_SHAPE.variants.prompt(Numbers(ch01.FILM_BOOK, book=True))
    match = re.search(r"해상도가 (\d+)x(\d+)이고 (\d+) fps로 찍은 (\d+)분짜리 흑백", prompt)
    assert match, prompt
    width, height, fps, minutes = (int(v) for v in match.groups())
    return minutes * 60 * fps, height, width


def test_the_table_of_people_has_the_shape_the_prose_gives():
    items = _search(r"사람마다 (.+?)의\s+여섯 항목")[0].split(", ")
    claimed = tuple(int(v) for v in _search(r"\*\*\((\d+), (\d+)\)\*\* 행렬"))
    assert "세 사람" in _prose() and len(items) == 6, items
    table = np.array([[f"{person}: {item}" for item in items] for person in range(3)], dtype=object)
    assert table.shape == claimed and table.ndim == 2


def test_stack_adds_an_outer_axis_and_concatenate_keeps_the_axes():
    """1.1: "새 축은 ... 가장 바깥에 놓입니다"; "이어 붙이면 축의 수는 그대로이고 한 축의 길이만 늘어납니다"."""
    rng = np.random.default_rng(1)
    a, b = rng.random((3, 6)), rng.random((3, 6))
    stacked = np.stack([a, b])
    assert stacked.shape == (2, 3, 6) and np.array_equal(stacked[1], b)  # the new axis is the outer one
    joined = np.concatenate([a, b], axis=0)
    assert joined.ndim == a.ndim and joined.shape == (6, 6)
    ch01.STACKED_SHAPE.check_value(stacked.shape)


def test_keras_is_channels_last_and_shows_the_batch_as_none():
    import keras

    assert keras.config.image_data_format() == "channels_last"
    batch, height, width, channels = (int(v) for v in _search(r"28x28 흑백 이미지 64장을 한 배치로 묶으면 `\((\d+), (\d+), (\d+), (\d+)\)`"))
    images = [np.zeros((28, 28, 1), np.float32) for _ in range(64)]
    assert np.stack(images).shape == (batch, height, width, channels)
    inputs = keras.Input(shape=(height, width, channels))
    assert tuple(inputs.shape) == (None, height, width, channels)
    # None: the same model takes any batch size
    model = keras.Sequential([inputs, keras.layers.Flatten()])
    for n in (1, 3, batch):
        assert tuple(model(np.zeros((n, height, width, channels), np.float32)).shape) == (n, height * width * channels)


def test_transpose_and_moveaxis_reorder_axes_without_copying():
    """1.2: np.transpose (or np.moveaxis) returns a view with the axes reordered."""
    assert "`np.transpose`(또는 `np.moveaxis`)는 원소를\n복사하지 않고" in _prose()
    chw = np.arange(3 * 4 * 6, dtype=np.float64).reshape(3, 4, 6)
    for hwc in (np.transpose(chw, (1, 2, 0)), np.moveaxis(chw, 0, -1)):
        assert hwc.shape == (4, 6, 3) and np.shares_memory(chw, hwc)
        assert hwc[2, 5, 1] == chw[1, 2, 5]


def test_the_dtype_table_and_the_fourfold_memory():
    for name, size in re.findall(r"\| `(\w+)` \| (\d+)바이트 \|", _prose()):
        assert np.dtype(name).itemsize == int(size), name
    factor = int(_search(r"메모리에 올리는 순간 용량이 (\d+)배")[0])
    image = np.zeros((480, 640, 3), np.uint8)
    assert (image.astype(np.float32) / 255).nbytes == factor * image.nbytes


def test_ten_seconds_of_video_in_float32_is_hundreds_of_mib():
    width, height, seconds, fps = (int(v) for v in _search(r"(\d+)x(\d+) 해상도의 컬러 영상 (\d+)초를 (\d+) fps로"))
    assert "10초짜리 작은 영상도 float32로 바꾸면 수백 MiB" in _prose()
    clip = np.zeros((seconds * fps, height, width, 3), np.float32)  # lazily allocated zeros
    assert 100 <= clip.nbytes / 2**20 < 1000


def _loading_options() -> dict:
    """연습 1-3's data sets, read from the prose: {letter: (count, height, width, channels, fps or None)}."""
    section = _prose().split("### 연습 1-3", 1)[1].split("### 연습 1-4", 1)[0]
    options = {}
    for letter, width, height, kind, rest in re.findall(r"- ([A-D])\. (\d+)x(\d+) (흑백|컬러\(RGB\)) (.+)", section):
        channels = 3 if kind.startswith("컬러") else 1
        images = re.fullmatch(r"이미지 ([\d,]+)장", rest)
        video = re.fullmatch(r"영상 (\d+)분 \((\d+) fps\)", rest)
        assert images or video, rest
        if images:
            options[letter] = (int(images.group(1).replace(",", "")), int(height), int(width), channels, None)
        else:
            options[letter] = (int(video.group(1)) * 60, int(height), int(width), channels, int(video.group(2)))
    assert sorted(options) == list("ABCD"), options
    return options


def test_exercise_1_3_has_one_data_set_that_fits_and_each_other_fits_only_by_a_named_mistake():
    """연습 1-3: numpy arrays' own sizes decide; each wrong option fits only under the mistake its
    hint names (seconds for frames, no channels, uint8), so a learner who guesses does no better than chance."""
    memory = int(_search(r"메모리가 (\d+) GB")[0]) * 10**9

    def nbytes(shape, dtype=np.float32):  # an array's size without allocating it
        return np.broadcast_to(np.zeros((), dtype), shape).nbytes

    fits, fits_by_mistake = [], {}
    for letter, (count, height, width, channels, fps) in _loading_options().items():
        frames = count * (fps or 1)
        assert nbytes((frames, height, width, channels)) == ch01.option_bytes(letter)
        if nbytes((frames, height, width, channels)) <= memory:
            fits.append(letter)
            continue
        fits_by_mistake[letter] = {
            "프레임 수": fps is not None and nbytes((count, height, width, channels)) <= memory,
            "채널": channels > 1 and nbytes((frames, height, width)) <= memory,
            "uint8": nbytes((frames, height, width, channels), np.uint8) <= memory,
        }
    assert fits == ["B"], fits
    ch01.LOADING_CHOICE.check_value("B")
    for letter, mistakes in fits_by_mistake.items():
        assert any(mistakes.values()), letter  # no option is absurd: a real mistake makes it look right
        with pytest.raises(ExerciseCheckError) as error:
            ch01.LOADING_CHOICE.check_value(letter)
        for mistake, applies in mistakes.items():
            assert (mistake in str(error.value)) == applies, (letter, mistake, str(error.value))
    assert {letter for letter, m in fits_by_mistake.items() if m["uint8"]} == {"A", "D"}
    assert fits_by_mistake["C"]["프레임 수"] and fits_by_mistake["D"]["채널"]


def test_right_answers_pass(capsys):
    frames, height, width = _film()
    ch01.FILM_SHAPE.check_value((frames, 1, height, width))
    elements = frames * height * width
    ch01.FILM_BYTES.check_value((elements, 4 * elements))
    ch01.LOADING_CHOICE.check_value(" b ")
    ch01.STACKED_SHAPE.check_value(np.stack([np.empty((3, 6))] * 2).shape)
    ch01.TO_CHANNELS_LAST.check_value(lambda video: np.moveaxis(video, 1, -1))
    assert capsys.readouterr().out.count("통과") == 5


@pytest.mark.parametrize("answer, hint", [
    ((162000, 1, 1280, 1024), "순서"),
    ((5400, 1, 1024, 1280), "프레임"),
    ((162000, 3, 1024, 1280), "채널"),
    ((162000, 1024, 1280), "정수 4개"),
    (None, "아직 답을 넣지 않았습니다"),
])
def test_wrong_film_shapes_get_a_hint(answer, hint):
    with pytest.raises(ExerciseCheckError, match=hint):
        ch01.FILM_SHAPE.check_value(answer)


def test_wrong_bytes_and_choices_get_a_hint():
    with pytest.raises(ExerciseCheckError, match="4바이트"):
        ch01.FILM_BYTES.check_value((10, 20))
    with pytest.raises(ExerciseCheckError, match="문자열"):
        ch01.LOADING_CHOICE.check_value(3)
    with pytest.raises(ExerciseCheckError, match="새 축"):
        ch01.STACKED_SHAPE.check_value((6, 6))


def test_a_wrong_axis_order_is_rejected():
    with pytest.raises(ExerciseCheckError, match="축의 순서"):
        ch01.TO_CHANNELS_LAST.check_value(lambda video: np.transpose(video, (0, 3, 2, 1)))
    with pytest.raises(ExerciseCheckError, match="값이 다릅니다"):
        ch01.TO_CHANNELS_LAST.check_value(lambda video: np.transpose(video, (0, 3, 2, 1)).swapaxes(1, 2)[:, ::-1])
    with pytest.raises(ExerciseCheckError, match="오류"):
        ch01.TO_CHANNELS_LAST.check_value(lambda video: video.nonexistent)

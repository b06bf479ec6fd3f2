"""Claims of chapter 1 (데이터의 형태) checked against numpy and Keras, and its exercise checks."""

from __future__ import annotations

import numpy as np
import pytest

from course_utils.exercises import ExerciseCheckError, ch01


def test_a_table_of_three_people_is_a_3_by_6_matrix_and_two_stack_to_3d():
    table = np.empty((3, 6), dtype=object)
    assert table.shape == (3, 6) and table.ndim == 2
    stacked = np.stack([table, table])
    assert stacked.ndim == 3 and stacked.shape[1:] == (3, 6)
    assert np.concatenate([table, table], axis=0).shape == (6, 6)


def test_keras_is_channels_last_and_shows_the_batch_as_none():
    import keras

    assert keras.config.image_data_format() == "channels_last"
    assert tuple(keras.Input(shape=(28, 28, 1)).shape) == (None, 28, 28, 1)


def test_transpose_reorders_axes_without_copying():
    chw = np.zeros((3, 4, 6))
    hwc = np.transpose(chw, (1, 2, 0))
    assert hwc.shape == (4, 6, 3) and np.shares_memory(chw, hwc)


def test_float32_takes_four_times_the_bytes_of_uint8():
    shape = (10 * 24, 480, 640, 3)
    assert shape[0] == 240
    assert np.zeros(shape, np.float32).nbytes == 4 * np.zeros(shape, np.uint8).nbytes == 884_736_000


def test_the_film_is_too_large_for_16_gb_of_memory():
    frames = 90 * 60 * 30
    assert frames * 1024 * 1280 > 16 * 10**9


def test_right_answers_pass(capsys):
    frames = 90 * 60 * 30
    ch01.check_film_shape((frames, 1, 1024, 1280))
    elements = frames * 1024 * 1280
    ch01.check_film_bytes((elements, 4 * elements))
    ch01.check_loading_choice(" c ")
    ch01.check_stacked_shape(np.stack([np.empty((3, 6))] * 2).shape)
    ch01.check_to_channels_last(lambda video: np.moveaxis(video, 1, -1))
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
        ch01.check_film_shape(answer)


def test_wrong_bytes_and_choices_get_a_hint():
    with pytest.raises(ExerciseCheckError, match="4바이트"):
        ch01.check_film_bytes((10, 20))
    with pytest.raises(ExerciseCheckError, match="문자열"):
        ch01.check_loading_choice(3)
    with pytest.raises(ExerciseCheckError, match="새 축"):
        ch01.check_stacked_shape((6, 6))


def test_a_wrong_axis_order_is_rejected():
    with pytest.raises(ExerciseCheckError, match="shape"):
        ch01.check_to_channels_last(lambda video: np.transpose(video, (0, 3, 2, 1)))
    with pytest.raises(ExerciseCheckError, match="값이 다릅니다"):
        ch01.check_to_channels_last(lambda video: np.transpose(video, (0, 3, 2, 1)).swapaxes(1, 2)[:, ::-1])
    with pytest.raises(ExerciseCheckError, match="오류"):
        ch01.check_to_channels_last(lambda video: video.nonexistent)

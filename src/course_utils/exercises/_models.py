"""The layer-by-layer model check of the model-building exercises (연습 5-1, 5-8, 6-1, 6-4, 7-4, 7-6).

A Keras model is summarised as plain data, :func:`architecture`: one row per layer
``(layer class name, output shape, parameter count, activation)``.  The summary is
what travels from the learner's process to the grader (``tools/grading/probe.py``
reports it, the grader compares it in its own process with the reference's summary
computed there), and what the visible check compares, so both say the same thing:
:func:`first_difference` names the first layer whose output shape, parameter count,
class or activation differs, in Korean.  :func:`course_utils.pretrained.load_into`
uses the same comparison before it copies pretrained weights into a learner's model.
"""

from __future__ import annotations

from typing import Any, Optional

#: One layer: (class name, output shape with None for the batch axis, parameters, activation or "").
Row = tuple


def _layers(model) -> list:
    """The model's layers in order, nested models opened up, input layers left out (Sequential has none)."""
    import keras

    found = []
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            found += _layers(layer)
        elif type(layer).__name__ != "InputLayer":
            found.append(layer)
    return found


def _shape(layer) -> tuple:
    shape = layer.output.shape
    return tuple(None if size is None else int(size) for size in shape)


def _activation(layer) -> str:
    activation = getattr(layer, "activation", None)
    return "" if activation is None else str(getattr(activation, "__name__", activation))


def architecture(model) -> tuple:
    """The summary of a Keras model as plain data: a tuple of :data:`Row` (see the module's docstring).

    The first row is the model's input (``"Input"``, as ``summary()`` lists it first), also for a Sequential model.
    """
    inputs = tuple(("Input", tuple(None if s is None else int(s) for s in tensor.shape), 0, "")
                   for tensor in model.inputs)
    return inputs + tuple((type(layer).__name__, _shape(layer), int(layer.count_params()), _activation(layer))
                          for layer in _layers(model))


def layer_names(model) -> tuple:
    """The names of the model's layers (input layers left out), in the order of :func:`architecture`'s rows."""
    return tuple(layer.name for layer in _layers(model))


def missing_names(received: Any, expected: tuple, where: str = "") -> Optional[str]:
    """A Korean message when a layer name of ``expected`` is not among ``received`` (plain data), else None.

    Later cells take layers out by name (``get_layer("code")``), so a model with the right layers but other names
    would stop them.
    """
    prefix = f"{where}: " if where else ""
    names = received if isinstance(received, (tuple, list)) else ()
    for name in expected:
        if name not in names:
            return (f"{prefix}구조는 맞지만 이름이 {name!r}인 층이 없습니다. 나중에 get_layer({name!r})로 꺼내 쓰니 "
                    f"그 층을 만들 때 name={name!r}을 주세요.")
    return None


def _shown(shape: Any) -> str:
    return "(" + ", ".join("None" if s is None else str(s) for s in shape) + ("," if len(shape) == 1 else "") + ")"


def _shape_advice(shape: Any, want_shape: tuple) -> str:
    """What to look at when a layer's output shape differs: the units of a flat output; the padding and stride,
    or the filters, of a feature map (chapter 5's models)."""
    if len(shape) == len(want_shape) == 4:
        if tuple(shape[1:3]) != tuple(want_shape[1:3]):
            return "가로세로 크기가 다릅니다. 이 층의 padding과 stride(풀링·업샘플링이면 크기)를 확인하세요."
        return "채널 수가 다릅니다. 이 층의 필터 수를 확인하세요."
    return "이 층의 유닛 수(출력 길이)를 확인하세요."


def first_difference(received: Any, expected: tuple, where: str = "") -> Optional[str]:
    """A Korean message naming the first layer where ``received`` differs from ``expected``, else None.

    Both are :func:`architecture` summaries; ``received`` came from the learner's process as plain data,
    so its structure is checked before it is read.
    """
    prefix = f"{where}: " if where else ""
    if not isinstance(received, (tuple, list)) or not all(
            isinstance(row, (tuple, list)) and len(row) == 4 for row in received):
        return f"{prefix}모델의 구조를 읽을 수 없습니다. keras.Model을 돌려주세요."
    for index, (got, want) in enumerate(zip(received, expected)):
        number = f"{index + 1}번째 층"
        kind, shape, params, activation = got
        want_kind, want_shape, want_params, want_activation = want
        if kind != want_kind:
            return f"{prefix}{number}은 {want_kind}여야 하는데 {kind}입니다."
        if tuple(shape) != tuple(want_shape) and kind == "Input":
            return f"{prefix}입력의 shape이 {_shown(want_shape)}이어야 하는데 {_shown(shape)}입니다: 펼친 이미지를 받으세요."
        if tuple(shape) != tuple(want_shape):
            return (f"{prefix}{number}의 출력이 {_shown(want_shape)}이어야 하는데 {_shown(shape)}입니다: "
                    f"{_shape_advice(shape, want_shape)}")
        if params != want_params:
            return (f"{prefix}{number}의 파라미터 수가 {want_params:,}개여야 하는데 {params:,}개입니다: "
                    "bias(use_bias)와 입력 길이를 확인하세요.")
        if activation != want_activation:
            return f"{prefix}{number}의 활성화 함수가 {want_activation}여야 하는데 {activation or '없음'}입니다."
    if len(received) < len(expected):
        missing = expected[len(received)]
        return (f"{prefix}층이 {len(expected)}개여야 하는데 {len(received)}개입니다: "
                f"{len(received) + 1}번째 층({missing[0]}, 출력 {_shown(missing[1])})이 없습니다.")
    if len(received) > len(expected):
        return (f"{prefix}층이 {len(expected)}개여야 하는데 {len(received)}개입니다: "
                f"{len(expected) + 1}번째 층({received[len(expected)][0]})부터는 필요 없습니다.")
    return None


def learner_model(build, reference, names=()):
    """The learner's model ``build()`` when it can stand for ``reference`` (a built model), else None.

    The chapters' payoffs after a model-building exercise (``pretrained.load_into``, ``gan.own_network``): ``build`` is
    a ``lambda`` around the learner's function, so an unanswered or failing exercise is caught here and the chapter goes
    on.  When the model is missing, fails, differs (:func:`first_difference`) or lacks a layer of ``names``
    (:func:`missing_names`), one Korean line says so and None is returned.
    """
    try:
        model = build()
        problem = ("아직 답을 넣지 않았습니다" if model is None
                   else first_difference(architecture(model), architecture(reference))
                   or missing_names(layer_names(model), tuple(names)))
    except (NotImplementedError, NameError):
        problem = "아직 답을 넣지 않았습니다"
    except Exception as error:  # noqa: BLE001 - the learner's code: the chapter goes on with the reference
        problem = f"모델을 만들다 오류가 났습니다 ({type(error).__name__})"
    if problem:
        print(f"ℹ️ 여러분의 모델 대신 본문의 모델로 계속합니다 ({problem.rstrip('.')}).")
        return None
    return model

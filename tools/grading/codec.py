"""Plain data in and out of the sandbox: the only thing a student's kernel can hand the grader.

``encode`` turns a value into JSON-ready data; ``decode`` turns such data back into a
value, refusing anything that is not plain data. The types that travel:

- ``None``, ``...`` (Ellipsis), ``bool``, ``int`` (any size), ``float`` (nan and inf
  included), ``str``;
- ``list`` and ``tuple`` (the difference is kept: exercises demand one or the other);
- numpy scalars (``np.int64(3)`` stays an ``np.int64``) and numpy arrays of booleans,
  integers or floats, as dtype + shape + raw bytes;
- anything else as an *opaque* stand-in that keeps only the type's name and a short
  ``repr`` (so a message can still say "받은 답은 Tensor ..."), never the object.

Nothing executable travels: no pickle, no class of the student's. Subclasses are sent
as their base type with their *contents* (a ``tuple`` subclass whose ``__eq__`` is
always true arrives as a plain tuple of its real elements).

The same file runs in two places. Inside the sandbox, ``tools/grading/probe.py``
injects its source into the student's kernel to *encode* the values under test
(student code there may replace these functions: that can only change what is
reported, and what is reported is judged outside). In the grader's own process,
:func:`decode` reads the report with strict limits (:class:`Limits`); a report that
breaks them raises :class:`ReportError` and scores 0 for that question, with the reason.

Used by tools/grading/probe.py (building the probe cells) and tools/grading/judge.py.
It imports only the standard library and numpy.
"""

from __future__ import annotations

import base64
import math

import numpy as np

#: The array dtypes that may travel (booleans, integers, floats; no objects, strings or structures).
ARRAY_KINDS = "biuf"
_MISSING_TAG = "missing"


class ReportError(ValueError):
    """A report from the sandbox that is not plain data or breaks the limits (the question scores 0)."""


class Limits:
    """What :func:`decode` accepts: nesting depth, number of items, bytes of arrays and strings."""

    def __init__(self, depth: int = 32, items: int = 200_000, array_bytes: int = 32 * 2**20,
                 string_chars: int = 100_000):
        self.depth, self.items, self.array_bytes, self.string_chars = depth, items, array_bytes, string_chars


# --------------------------------------------------------------------------- encoding (in the kernel)


def encode(value, depth: int = 0):
    """JSON-ready plain data for ``value`` (see the module docstring)."""
    if depth > 40:
        return {"t": "opaque", "type": "깊이 제한", "repr": "..."}
    if value is None:
        return {"t": "none"}
    if value is Ellipsis:
        return {"t": "ellipsis"}
    if isinstance(value, np.ndarray):
        if value.dtype.kind not in ARRAY_KINDS:
            return {"t": "opaque", "type": f"ndarray({value.dtype})", "repr": _short(value)}
        array = np.ascontiguousarray(value)
        return {"t": "ndarray", "dtype": array.dtype.str, "shape": list(array.shape),
                "b64": base64.b64encode(array.tobytes()).decode("ascii")}
    if isinstance(value, np.generic):
        if value.dtype.kind not in ARRAY_KINDS:
            return {"t": "opaque", "type": type(value).__name__, "repr": _short(value)}
        return {"t": "npscalar", "dtype": value.dtype.str,
                "b64": base64.b64encode(np.asarray(value).tobytes()).decode("ascii")}
    if isinstance(value, bool):
        return {"t": "bool", "v": bool(value)}
    if isinstance(value, int):
        return {"t": "int", "v": str(int.__int__(value))}
    if isinstance(value, float):
        return {"t": "float", "v": float.__repr__(value)}
    if isinstance(value, str):
        return {"t": "str", "v": str.__str__(value)[:100_000]}
    if isinstance(value, tuple):
        return {"t": "tuple", "v": [encode(item, depth + 1) for item in tuple.__iter__(value)]}
    if isinstance(value, list):
        return {"t": "list", "v": [encode(item, depth + 1) for item in list.__iter__(value)]}
    return {"t": "opaque", "type": type(value).__name__, "repr": _short(value)}


def missing():
    """The report of a name that the student's namespace does not define."""
    return {"t": _MISSING_TAG}


def _short(value) -> str:
    try:
        text = repr(value)
    except Exception as error:  # noqa: BLE001 - a student's __repr__ may raise
        text = f"<repr 실패: {type(error).__name__}>"
    return text if len(text) <= 200 else text[:197] + "..."


# --------------------------------------------------------------------------- decoding (in the grader)


class Missing:
    """Decoded stand-in for a name the student's notebook never defined."""

    def __repr__(self) -> str:
        return "<정의되지 않음>"


MISSING = Missing()
_OPAQUE_TYPES: dict = {}


def opaque(type_name: str, text: str):
    """A stand-in object whose type is named ``type_name`` and whose repr is ``text`` (nothing else)."""
    name = "".join(ch for ch in str(type_name)[:60] if ch.isalnum() or ch in "_()[]<>.,") or "object"
    cls = _OPAQUE_TYPES.get(name)
    if cls is None:
        cls = type(name, (), {"__repr__": lambda self: self._text, "__slots__": ("_text",)})
        _OPAQUE_TYPES[name] = cls
    obj = cls()
    obj._text = str(text)[:200]
    return obj


def decode(data, limits: Limits | None = None):
    """The value that ``data`` (from :func:`encode`) describes; :class:`ReportError` if it is not plain data."""
    limits = limits or Limits()
    budget = {"items": 0, "bytes": 0}
    return _decode(data, limits, budget, 0)


def _decode(data, limits: Limits, budget: dict, depth: int):
    if depth > limits.depth:
        raise ReportError(f"보고된 값이 너무 깊게 중첩되어 있습니다 (최대 {limits.depth}단계).")
    budget["items"] += 1
    if budget["items"] > limits.items:
        raise ReportError(f"보고된 값의 원소가 너무 많습니다 (최대 {limits.items}개).")
    if not isinstance(data, dict) or not isinstance(data.get("t"), str):
        raise ReportError("보고 형식이 잘못되었습니다 (태그가 없음).")
    tag = data["t"]
    if tag == _MISSING_TAG:
        return MISSING
    if tag == "none":
        return None
    if tag == "ellipsis":
        return Ellipsis
    if tag == "bool":
        return _typed(data.get("v"), bool)
    if tag == "int":
        text = _typed(data.get("v"), str)
        if len(text) > 4300 or not text.lstrip("-").isdigit():
            raise ReportError("보고된 정수가 올바르지 않습니다.")
        return int(text)
    if tag == "float":
        text = _typed(data.get("v"), str)
        if len(text) > 40:
            raise ReportError("보고된 실수가 올바르지 않습니다.")
        try:
            number = float(text)
        except ValueError:
            raise ReportError("보고된 실수가 올바르지 않습니다.") from None
        return number
    if tag == "str":
        text = _typed(data.get("v"), str)
        if len(text) > limits.string_chars:
            raise ReportError("보고된 문자열이 너무 깁니다.")
        return text
    if tag in ("list", "tuple"):
        items = [_decode(item, limits, budget, depth + 1) for item in _typed(data.get("v"), list)]
        return items if tag == "list" else tuple(items)
    if tag == "ndarray":
        dtype = _dtype(data.get("dtype"))
        shape = _typed(data.get("shape"), list)
        if len(shape) > 32 or not all(isinstance(n, int) and not isinstance(n, bool) and 0 <= n for n in shape):
            raise ReportError("보고된 배열의 shape이 올바르지 않습니다.")
        raw = _bytes(data.get("b64"), limits, budget)
        count = math.prod(shape)
        if count * dtype.itemsize != len(raw):
            raise ReportError("보고된 배열의 크기가 shape과 맞지 않습니다.")
        return np.frombuffer(raw, dtype=dtype).reshape(shape).copy()
    if tag == "npscalar":
        dtype = _dtype(data.get("dtype"))
        raw = _bytes(data.get("b64"), limits, budget)
        if len(raw) != dtype.itemsize:
            raise ReportError("보고된 numpy 스칼라의 크기가 올바르지 않습니다.")
        return np.frombuffer(raw, dtype=dtype)[0]
    if tag == "opaque":
        return opaque(_typed(data.get("type"), str), _typed(data.get("repr", ""), str))
    raise ReportError(f"알 수 없는 보고 태그입니다: {tag[:20]!r}")


def _typed(value, kind):
    if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
        raise ReportError("보고 형식이 잘못되었습니다.")
    return value


def _dtype(text) -> np.dtype:
    try:
        dtype = np.dtype(_typed(text, str))
    except TypeError:
        raise ReportError("보고된 dtype이 올바르지 않습니다.") from None
    if dtype.kind not in ARRAY_KINDS or dtype.itemsize > 16 or dtype.fields is not None or dtype.subdtype:
        raise ReportError(f"이 dtype은 받지 않습니다: {dtype}")
    return dtype


def _bytes(text, limits: Limits, budget: dict) -> bytes:
    text = _typed(text, str)
    if len(text) > limits.array_bytes * 4 // 3 + 8:
        raise ReportError("보고된 배열이 너무 큽니다.")
    try:
        raw = base64.b64decode(text, validate=True)
    except ValueError:
        raise ReportError("보고된 배열의 바이트가 올바르지 않습니다.") from None
    budget["bytes"] += len(raw)
    if budget["bytes"] > limits.array_bytes:
        raise ReportError(f"보고된 배열이 너무 큽니다 (모두 합쳐 최대 {limits.array_bytes // 2**20} MiB).")
    return raw

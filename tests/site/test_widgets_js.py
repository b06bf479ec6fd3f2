"""The JavaScript geometry of the explorers equals course_utils.shapes (chapters 3-5).

Python computes the expected result (or the Korean error it raises) for thousands
of configurations, writes them to a JSON file, and ``node --test
tests/site/js/geometry.test.mjs`` checks that ``explorers.js`` gives the same numbers,
index sets and formula texts, and refuses exactly the configurations Python
refuses, with the same message.  Node 20+ is needed (installed by
scripts/install_system_packages.sh).
"""

from __future__ import annotations

import itertools
import json
import random
import shutil
import subprocess
from pathlib import Path

import pytest

from course_utils import shapes
from course_utils.widgets import _geometry as G

ROOT = Path(__file__).resolve().parents[2]
NODE_TEST = ROOT / "tests" / "site" / "js" / "geometry.test.mjs"


def _case(fn, name, *args, **kwargs):
    """{fn, args, expected} or {fn, args, error}; kwargs become one JS options object."""
    js_args = list(args) + ([kwargs] if kwargs else [])
    try:
        result = fn(*args, **kwargs)
    except ValueError as exc:
        return {"fn": name, "args": js_args, "error": str(exc)}
    if isinstance(result, shapes.ReceptiveField):
        result = [result.size, result.jump, result.start]
    return {"fn": name, "args": js_args, "expected": json.loads(json.dumps(result))}


def _geometry_case(name, keys, **kwargs):
    geo = getattr(G, name)(**kwargs)
    expected = {k: geo.get(k) for k in keys if k in geo or k == "error"}
    return {"fn": name, "args": [kwargs], "expected": json.loads(json.dumps(expected))}


def _stacks(rng, count):
    kinds = ["conv", "pool"]
    for _ in range(count):
        layers = []
        for _ in range(rng.randint(1, 4)):
            kind = rng.choice(kinds)
            k, s = rng.randint(1, 5), rng.randint(1, 3)
            if kind == "pool":
                layers.append(["pool", k, s])
            elif rng.random() < 0.3:
                layers.append([k, s, rng.randint(1, 3)])
            else:
                layers.append(["conv", k, s, 1 if s > 1 else rng.randint(1, 3)])
        yield layers


def make_cases() -> list[dict]:
    cases = []
    pads = ["valid", "same", "SAME", 0, 1, 2, -1, "full"]
    for n, k, s, p, d in itertools.product(range(0, 9), range(0, 6), range(0, 4), pads, range(0, 3)):
        cases.append(_case(shapes.conv_output_length, "conv_output_length", n, k, s, p, d))
    for n, k, s, p in itertools.product(range(0, 8), range(0, 5), [None, 0, 1, 2, 3], ["valid", "same", 1]):
        cases.append(_case(shapes.pool_output_length, "pool_output_length", n, k, s, p))
    for n, k, s, p, op, d in itertools.product(range(0, 4), range(0, 5), range(0, 4), ["valid", "same", 0, 1, 3, 7],
                                               [None, 0, 1, 2], (1, 2)):
        cases.append(_case(shapes.conv_transpose_output_length, "conv_transpose_output_length", n, k, s, p, op, d))
        cases.append(_case(shapes.conv_transpose_zero_padding, "conv_transpose_zero_padding", n, k, s, p, op, d))
    for layer in ([3, 2], [3, 2, 2], ["pool", 2, 2], ["pool", 2, 2, 1], ["pool", 2, 2, 2], ["conv", 0, 1],
                  ["conv", 3, 0], ["avg", 2, 2], [3], [], [3, 2, 1, 1], ["conv", 3, 2, 1, 5], ["conv", 3, 1, 0]):
        cases.append(_case(shapes.layer_spec, "layer_spec", layer, 2))
    rng = random.Random(10)
    stacks = list(_stacks(rng, 400)) + [[], [[3, 1, 2]], [["conv", 3, 2], ["pool", 2, 2]], [["pool", 2, 2, 3]]]
    for layers in stacks:
        cases.append(_case(shapes.layer_output_lengths, "layer_output_lengths", rng.randint(1, 20), layers))
        cases.append(_case(shapes.receptive_field_indices, "receptive_field_indices", layers, rng.randint(-1, 6)))
        if layers:
            cases.append(_case(shapes.receptive_field, "receptive_field", layers))
    conv_keys = ["error", "output_size", "pad_before", "pad_after", "padded_size", "row", "col", "window",
                 "window_input", "formula"]
    for n, k, s, p, d in itertools.product((1, 3, 6, 9), (1, 2, 3, 5), (1, 2, 3), ("valid", "same", 0, 2, "x"), (1, 2)):
        row, col = rng.randint(0, 9), rng.randint(0, 9)
        cases.append(_geometry_case("conv_geometry", conv_keys, input_size=n, kernel_size=k, stride=s, padding=p,
                                    dilation=d, row=row, col=col))
        geo = G.conv_geometry(input_size=n, kernel_size=k, stride=s, padding=p, dilation=d, row=row, col=col)
        cases.append({"fn": "conv_scene_lines", "args": [dict(input_size=n, kernel_size=k, stride=s, padding=p,
                                                                dilation=d, row=row, col=col)],
                      "expected": {"error": geo["error"], "lines": geo["scene"]["lines"]}})
    rf_keys = ["error", "sizes", "row", "col", "pixels", "size", "jump", "start", "span"]
    for layers in stacks:
        cases.append(_geometry_case("receptive_field_geometry", rf_keys, input_size=rng.randint(2, 24),
                                    layers=layers, row=rng.randint(0, 8), col=rng.randint(0, 8)))
    t_keys = ["error", "output_size", "grid", "row", "col", "window", "formula"]
    for n, k, s, p, op, d in itertools.product((1, 2, 3), (1, 2, 3, 4), (1, 2, 3), ("valid", "same", 1, 2),
                                               [None, 0, 1, 2], (1, 2)):
        cases.append(_geometry_case("transposed_geometry", t_keys, input_size=n, kernel_size=k, stride=s, padding=p,
                                    output_padding=op, dilation=d, row=rng.randint(0, 9), col=rng.randint(0, 9)))
    return cases


def _refused(case) -> bool:
    expected = case.get("expected")
    return "error" in case or (isinstance(expected, dict) and expected.get("error") is not None)


def test_cases_cover_acceptance_and_refusal():
    cases = make_cases()
    by_fn = {}
    for case in cases:
        by_fn.setdefault(case["fn"], []).append(case)
    for name, group in by_fn.items():
        refused = sum(1 for c in group if _refused(c))
        assert 0 < refused < len(group), (name, refused, len(group))
    assert len(cases) > 5000


def test_javascript_geometry_equals_python(tmp_path):
    node = shutil.which("node")
    assert node, "node (20+) is needed: bash scripts/install_system_packages.sh installs it"
    cases = make_cases()
    path = tmp_path / "cases.json"
    path.write_text(json.dumps(cases, ensure_ascii=False), encoding="utf-8")
    proc = subprocess.run([node, "--test", "--test-reporter=spec", str(NODE_TEST)], cwd=ROOT,
                          env={"COURSE_GEOMETRY_CASES": str(path), "PATH": "/usr/bin:/bin"},
                          capture_output=True, text=True, timeout=300)
    print(proc.stdout[-3000:])
    assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr[-3000:]
    assert "# fail 0" in proc.stdout or "fail 0" in proc.stdout

"""Importing course_utils and its core modules must not import TensorFlow or Keras."""

from __future__ import annotations

import json
import subprocess
import sys

CODE = r"""
import json, sys, time
t0 = time.perf_counter()
import course_utils
import course_utils.shapes, course_utils.params, course_utils.layers
elapsed = time.perf_counter() - t0
heavy = sorted(m for m in sys.modules if m.split(".")[0] in ("tensorflow", "keras", "tf_keras", "jax", "torch"))
print(json.dumps({"seconds": elapsed, "heavy": heavy}))
"""


def test_core_modules_import_without_tensorflow_or_keras():
    out = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, check=True)
    report = json.loads(out.stdout.strip().splitlines()[-1])
    print(f"import course_utils (+ shapes, params, layers): {report['seconds'] * 1000:.0f} ms")
    assert report["heavy"] == []
    assert report["seconds"] < 1.5  # the 0.3 s target is reported by benchmarks/bench_layers.py


def test_receptive_field_of_tuples_stays_light():
    code = (
        "import sys; from course_utils.shapes import receptive_field; "
        "receptive_field([(3, 2), (2, 2)]); "
        "print('keras' in sys.modules or 'tensorflow' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"

"""tools/train_gan.py: the script that writes chapter 6's generator checkpoint.

It runs end to end on a tiny run (3 steps, batch 8, the offline digits) into a
temporary folder and writes weights that course_utils.gan can load, and the JSON
record the chapter prints.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import _keras_helpers  # noqa: F401  (TensorFlow log level)
import numpy as np
import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "tools" / "train_gan.py"


def _load_script():
    spec = importlib.util.spec_from_file_location("train_gan", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_help_runs_without_tensorflow():
    result = subprocess.run([sys.executable, str(SCRIPT), "--help"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    for option in ("--steps", "--batch-size", "--seed", "--data", "--output", "--max-seconds"):
        assert option in result.stdout


def test_tiny_run_writes_loadable_weights_and_json(tmp_path, capsys):
    from course_utils import gan as G

    info = _load_script().main(
        ["--steps", "3", "--batch-size", "8", "--data", "offline", "--seed", "1", "--output", str(tmp_path)])
    out = capsys.readouterr().out
    assert "offline digits" in out and "step     3/3" in out and "trained 3 steps" in out

    weights = tmp_path / "gan_generator.weights.h5"
    record = json.loads((tmp_path / "gan_generator.json").read_text(encoding="utf-8"))
    assert record == info
    assert record["steps"] == 3 and record["batch_size"] == 8 and record["seed"] == 1
    assert record["data"].startswith("offline digits")
    assert record["elapsed_seconds"] > 0 and record["keras_version"] and record["tensorflow_version"]
    assert 3_000_000 < weights.stat().st_size < 5_000_000

    generator = G.load_pretrained_generator(weights)
    images = np.asarray(generator(G.sample_noise(2, seed=0), training=False))
    assert images.shape == (2, 28, 28, 1) and np.all(np.abs(images) <= 1)


def test_rejects_bad_arguments():
    with pytest.raises(SystemExit):
        _load_script().parse_args(["--steps", "0"])
    with pytest.raises(SystemExit):
        _load_script().parse_args(["--data", "internet"])


def test_same_seed_gives_identical_weights(tmp_path):
    import h5py

    script = _load_script()
    for name in ("a", "b"):
        script.main(["--steps", "2", "--batch-size", "4", "--data", "offline", "--output", str(tmp_path / name)])

    def arrays(path):
        found = []
        with h5py.File(path, "r") as f:
            f.visititems(lambda n, o: found.append((n, o[()])) if isinstance(o, h5py.Dataset) else None)
        return found

    first = arrays(tmp_path / "a" / "gan_generator.weights.h5")
    second = arrays(tmp_path / "b" / "gan_generator.weights.h5")
    assert len(first) == len(second) > 0
    assert all(n1 == n2 and np.array_equal(a1, a2) for (n1, a1), (n2, a2) in zip(first, second))

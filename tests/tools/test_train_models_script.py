"""tools/train_models.py: the one seeded script that writes every pretrained model.

A quick run (--quick: one epoch or three steps per model on 256 images) into a
temporary folder writes, for every model, weights that course_utils.pretrained
can load and the JSON record; two runs of the same command give the same weights.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
RECORD_KEYS = ("name", "kind", "chapter", "architecture", "data", "train_images", "test_images", "seed",
               "wall_seconds", "versions", "command")


def _run(*args, timeout=300):
    env = dict(os.environ, COURSE_OFFLINE_DATA="1", TF_CPP_MIN_LOG_LEVEL="2")
    return subprocess.run([sys.executable, "-m", "tools.train_models", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)


def _arrays(path):
    with np.load(path) as stored:
        return [stored[key] for key in sorted(stored.files)]


def test_help_lists_the_options():
    result = _run("--help", timeout=60)
    assert result.returncode == 0, result.stderr
    for option in ("--only", "--quick", "--output", "--seed"):
        assert option in result.stdout


def test_quick_run_writes_every_model_loadable_with_its_record(tmp_path):
    from course_utils import pretrained

    result = _run("--quick", "--output", str(tmp_path))
    assert result.returncode == 0, result.stderr[-3000:]
    assert "offline real MNIST" in result.stdout and "done:" in result.stdout
    for name in pretrained.names():
        record = json.loads((tmp_path / f"{name}.json").read_text(encoding="utf-8"))
        for key in RECORD_KEYS:
            assert key in record, (name, key)
        assert record["quick"] is True and record["train_images"] == 256
        assert ("epochs" in record) != ("steps" in record)
        assert "/tmp" not in json.dumps(record)  # no temporary absolute paths in the record
        model = pretrained.build(name)
        model.set_weights([a.astype("float32") for a in _arrays(tmp_path / f"{name}.weights.npz")])
    assert json.loads((tmp_path / "ch07_denoising_ae.json").read_text())["noise"] == 0.5
    for name in ("ch06_dcgan", "ch06_generator"):
        progress = np.load(tmp_path / f"{name}_progress.npz")
        assert progress["steps"].tolist() == [0, 2, 3] and progress["images"].shape == (3, 16, 28, 28)
        assert progress["images"].dtype == np.uint8
    dcgan, conditional = (json.loads((tmp_path / f"{n}.json").read_text()) for n in ("ch06_dcgan", "ch06_generator"))
    assert "conditional" not in dcgan and "ConditionalGAN" in conditional["conditional"]
    assert dcgan["real_label"] == 0.9 and conditional["real_label"] == 1.0
    for key in ("steps", "batch_size", "optimizer", "ema_decay", "seed", "progress_steps", "progress_noise_seed"):
        assert dcgan[key] == conditional[key], key
    # chapter 6.8's mode-collapse run: a record and 16 samples, no weights
    collapse = json.loads((tmp_path / "ch06_collapse.json").read_text(encoding="utf-8"))
    assert collapse["quick"] is True and collapse["steps"] == 3 and list(collapse["quality_by_step"]) == ["2", "3"]
    assert set(collapse["quality_by_step"]["3"]) == {"confident", "digits", "largest_share", "counts"}
    assert "/tmp" not in json.dumps(collapse) and not (tmp_path / "ch06_collapse.weights.npz").exists()
    with np.load(tmp_path / "ch06_collapse_samples.npz") as samples:
        assert samples["images"].shape == (16, 28, 28) and samples["images"].dtype == np.uint8


def test_same_command_gives_the_same_weights(tmp_path):
    for folder in ("a", "b"):
        result = _run("--quick", "--only", "ch07_conv_ae", "--output", str(tmp_path / folder))
        assert result.returncode == 0, result.stderr[-3000:]
    first = _arrays(tmp_path / "a" / "ch07_conv_ae.weights.npz")
    second = _arrays(tmp_path / "b" / "ch07_conv_ae.weights.npz")
    assert len(first) == len(second) and all(np.array_equal(a, b) for a, b in zip(first, second))

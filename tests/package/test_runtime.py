"""course_utils.runtime.configure: the one place that sets TensorFlow's environment.

- importing any module of course_utils (widgets and exercises included) or of tools/
  leaves ``os.environ`` exactly as it was (checked in a fresh interpreter; a control
  run with a module that sets a variable shows that the check can fail);
- the test process computes with the book's numerics (oneDNN on, as setup_notebook);
- configure() sets what it is asked, says in Korean when oneDNN can no longer change,
  and refuses bad values with a Korean message.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from course_utils import runtime

ROOT = Path(__file__).resolve().parents[2]

#: Imports every module of the given packages, one by one, and reports the first
#: module after whose import os.environ differs from before.
IMPORT_ALL = textwrap.dedent("""
    import importlib, json, os, pkgutil, sys
    packages = json.loads(sys.argv[1])
    # TensorFlow is imported first: it sets variables itself at import (TF2_BEHAVIOR,
    # KMP_INIT_AT_FORK, ...), which is not an import-time side effect of ours.
    if sys.argv[2] == "tensorflow-first":
        import tensorflow, keras  # noqa: F401
    before = dict(os.environ)
    names = []
    for package in packages:
        root = importlib.import_module(package)
        names.append(package)
        names += [m.name for m in pkgutil.walk_packages(root.__path__, package + ".")]
    changed = {}
    for name in names:
        importlib.import_module(name)
        now = dict(os.environ)
        if now != before:
            keys = sorted(set(now) ^ set(before) | {k for k in now if k in before and now[k] != before[k]})
            changed = {"module": name, "keys": keys}
            break
    print(json.dumps({"modules": names, "changed": changed}))
""")


def _import_all(packages, extra_path=None, tensorflow_first=True):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TF_", "GLOG", "GRPC", "OMP_"))}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), extra_path and str(extra_path)]))
    result = subprocess.run([sys.executable, "-c", IMPORT_ALL, json.dumps(packages),
                             "tensorflow-first" if tensorflow_first else "-"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.slow
def test_importing_every_module_leaves_the_environment_unchanged():
    report = _import_all(["course_utils", "tools"])
    modules = set(report["modules"])
    # the walk reaches the subpackages and the modules that used to set variables
    for name in ("course_utils.gan", "course_utils.runtime", "course_utils.notebook", "course_utils.widgets",
                 "course_utils.exercises.ch06", "tools.train_models", "tools.grade", "tools.notebooks",
                 "tools.authoring.set_repository_url"):
        assert name in modules, name
    assert report["changed"] == {}, f"import-time environment change: {report['changed']}"


def test_the_import_check_catches_a_module_that_sets_a_variable(tmp_path):
    leaky = tmp_path / "leaky_package"
    leaky.mkdir()
    (leaky / "__init__.py").write_text("")
    (leaky / "quiet.py").write_text("X = 1\n")
    (leaky / "sets_env.py").write_text("import os\nos.environ.setdefault('TF_ENABLE_ONEDNN_OPTS', '0')\n")
    report = _import_all(["leaky_package"], extra_path=tmp_path, tensorflow_first=False)
    assert report["changed"] == {"module": "leaky_package.sets_env", "keys": ["TF_ENABLE_ONEDNN_OPTS"]}


def test_importing_runtime_sets_nothing():
    code = "import os; before = dict(os.environ); import course_utils.runtime; print(dict(os.environ) == before)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "True"


def test_the_tests_compute_with_the_books_onednn_setting():
    """tests/conftest.py configured the test process as setup_notebook() configures a chapter."""
    pytest.importorskip("tensorflow")
    from tensorflow.python.util import _pywrap_util_port

    assert runtime.BOOK_ONEDNN is True
    assert os.environ["TF_ENABLE_ONEDNN_OPTS"] == "1"
    assert _pywrap_util_port.IsMklEnabled() is runtime.BOOK_ONEDNN


@pytest.mark.slow
def test_setup_notebook_turns_onednn_on_like_the_tests():
    code = ("from course_utils.notebook import setup_notebook; setup_notebook()\n"
            "import os\nfrom tensorflow.python.util import _pywrap_util_port\n"
            "print(os.environ['TF_ENABLE_ONEDNN_OPTS'], os.environ['TF_CPP_MIN_LOG_LEVEL'], "
            "_pywrap_util_port.IsMklEnabled())")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TF_", "GLOG", "GRPC"))}
    env["TF_ENABLE_ONEDNN_OPTS"] = "0"  # a leftover setting in the shell must not decide the book's numerics
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.split() == ["1", "3", "True"]


@pytest.fixture
def own_environment(monkeypatch):
    """A copy of os.environ for configure() to change (restored after the test), TensorFlow not loaded."""
    monkeypatch.setattr(os, "environ", {k: v for k, v in os.environ.items()
                                        if not k.startswith(("TF_", "GLOG", "GRPC", "OMP_"))})
    monkeypatch.delitem(sys.modules, "tensorflow", raising=False)
    return os.environ


def test_configure_sets_what_it_is_asked_and_returns_it(own_environment):
    assert runtime.configure() == {}
    assert "TF_CPP_MIN_LOG_LEVEL" not in own_environment
    settings = runtime.configure(log_level=1, onednn=False, threads=2)
    assert settings == {"TF_CPP_MIN_LOG_LEVEL": "1", "GLOG_minloglevel": "1", "TF_ENABLE_ONEDNN_OPTS": "0",
                        "TF_NUM_INTRAOP_THREADS": "2", "TF_NUM_INTEROP_THREADS": "2", "OMP_NUM_THREADS": "2"}
    assert {k: own_environment[k] for k in settings} == settings
    assert runtime.configure(log_level=3)["GRPC_VERBOSITY"] == "ERROR"


@pytest.mark.parametrize("kwargs, words", [
    ({"log_level": 7}, "log_level는 0, 1, 2, 3"),
    ({"log_level": True}, "log_level는"),
    ({"onednn": "on"}, "onednn은 True 또는 False"),
    ({"threads": 0}, "threads는 1 이상의 정수"),
    ({"seed": -1}, "seed는 0 이상의 정수"),
    ({"seed": 1.5}, "seed는 0 이상의 정수"),
])
def test_bad_values_get_a_korean_message(kwargs, words, own_environment):
    with pytest.raises(ValueError, match=words):
        runtime.configure(**kwargs)


def test_configure_rejects_positional_arguments():
    with pytest.raises(TypeError):
        runtime.configure(2)  # type: ignore[misc]


def _fresh(code: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TF_", "GLOG", "GRPC"))}
    env["TF_CPP_MIN_LOG_LEVEL"] = "2"
    return subprocess.run([sys.executable, "-W", "always", "-c", textwrap.dedent(code)], env=env,
                          capture_output=True, text=True, timeout=300)


@pytest.mark.slow
def test_onednn_after_tensorflow_warns_only_when_it_cannot_apply():
    result = _fresh("""
        from course_utils.runtime import configure
        configure(onednn=False)
        import tensorflow
        from tensorflow.python.util import _pywrap_util_port
        print("started", _pywrap_util_port.IsMklEnabled())
        configure(onednn=False)          # the same: nothing to say
        print("same done")
        configure(onednn=True)           # too late: TensorFlow started with oneDNN off
    """)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "started False" in result.stdout and "same done" in result.stdout
    warned = [line for line in result.stderr.splitlines() if "RuntimeWarning" in line]
    assert len(warned) == 1, result.stderr[-3000:]
    assert "꺼진(0) 상태로 import" in warned[0] and "TensorFlow를 import하기 전에 configure()" in warned[0]


@pytest.mark.slow
def test_seed_seeds_python_numpy_and_keras():
    result = _fresh("""
        import random, numpy as np
        from course_utils.runtime import configure
        draws = []
        for _ in range(2):
            configure(seed=11)
            import keras
            draws.append((random.random(), float(np.random.rand()), float(keras.random.uniform((1,))[0])))
        configure(seed=11, seed_tensorflow=False)
        print(draws[0] == draws[1], random.random() == draws[0][0])
    """)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.split() == ["True", "True"]



#: Convolutions that oneDNN computes wrong for a batch of 3, one input channel
#: (_keras_helpers.onednn_miscomputes_conv): (h, w, (kh, kw), strides, padding).
ONEDNN_BUG_CASES = [(2, 1, (2, 2), (1, 2), "same"), (3, 1, (3, 3), (1, 3), "same"), (2, 3, (1, 2), (1, 2), "valid"),
                    (5, 4, (1, 3), (1, 2), "valid")]

CONV_IN_FRESH_PROCESS = textwrap.dedent("""
    import json, sys
    import numpy as np
    from course_utils.runtime import configure
    configure(onednn=sys.argv[1] == "on")
    import keras
    from course_utils import layers as cl
    rng = np.random.default_rng(0)
    right = []
    for h, w, k, stride, padding in json.loads(sys.argv[2]):
        x = rng.standard_normal((3, h, w, 1)).astype("float32")
        kernel = rng.standard_normal((*k, 1, 2)).astype("float32")
        layer = keras.layers.Conv2D(2, kernel.shape[:2], strides=stride, padding=padding, use_bias=False)
        layer.build(x.shape)
        layer.set_weights([kernel])
        right.append(bool(np.allclose(np.asarray(layer(x)), cl.conv2d(x, kernel, stride=stride, padding=padding),
                                      atol=1e-4)))
    print(json.dumps(right))
""")


@pytest.mark.slow
def test_onednn_conv_bug():
    """The convolutions test_layers leaves out: wrong with oneDNN, right without; our numpy layer is right.

    If the first assertion fails, TensorFlow fixed its oneDNN convolution: delete
    _keras_helpers.onednn_miscomputes_conv and its use in test_layers.
    """
    from _keras_helpers import onednn_miscomputes_conv
    from course_utils.shapes import conv_output_length

    for h, w, (kh, kw), stride, padding in ONEDNN_BUG_CASES:
        assert onednn_miscomputes_conv(3, 1, conv_output_length(w, kw, stride[1], padding), stride)
    env = {k: v for k, v in os.environ.items() if not k.startswith("TF_ENABLE_ONEDNN")}
    right = {}
    for setting in ("on", "off"):
        result = subprocess.run([sys.executable, "-c", CONV_IN_FRESH_PROCESS, setting, json.dumps(ONEDNN_BUG_CASES)],
                                env=env, capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stderr[-3000:]
        right[setting] = json.loads(result.stdout.strip().splitlines()[-1])
    assert not all(right["on"]), "oneDNN computes these right now: drop _keras_helpers.onednn_miscomputes_conv"
    assert all(right["off"]), right

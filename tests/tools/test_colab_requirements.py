"""The Colab job's requirements files (requirements-colab-oldest.txt, -newest.txt) and their resolver.

Each top pin says where its version comes from; every resolved pin names what requires it
(tools/authoring/colab_requirements.py writes that block); the oldest end is Colab's last announced runtime.
"""

from __future__ import annotations

import pytest

from tools.authoring.colab_requirements import MARKER, ROOT, required_by, top_pins

FILES = ("requirements-colab-oldest.txt", "requirements-colab-newest.txt")
CORE = {"tensorflow", "keras", "numpy", "matplotlib", "pandas", "ipywidgets"}


@pytest.mark.parametrize("name", FILES)
def test_every_pin_says_where_it_comes_from(name):
    head, _, resolved = (ROOT / name).read_text(encoding="utf-8").partition(MARKER)
    pins = [line for line in head.splitlines() if "==" in line.split("#", 1)[0]]
    assert {p.split("==")[0] for p in pins} >= CORE
    assert all(len(p.split("#", 1)[-1].strip()) > 20 for p in pins), pins
    lines = [line for line in resolved.splitlines()[1:] if line.strip()]
    assert lines and all("==" in line and "# <- " in line and "?" not in line.split("#", 1)[1] for line in lines)


def test_the_oldest_end_is_colab_s_last_announced_runtime():
    pins = dict(p.split("==") for p in top_pins((ROOT / FILES[0]).read_text(encoding="utf-8")))
    assert (pins["tensorflow"], pins["keras"], pins["numpy"]) == ("2.19.0", "3.10.0", "2.0.2")


def test_the_newest_end_is_newer():
    old, new = (dict(p.split("==") for p in top_pins((ROOT / f).read_text(encoding="utf-8"))) for f in FILES)
    version = lambda v: tuple(int(x) for x in v.split("."))  # noqa: E731
    assert version(new["tensorflow"]) >= (2, 20) and version(new["keras"]) > version(old["keras"])
    assert {k: old[k] for k in CORE - {"tensorflow", "keras"}} == {k: new[k] for k in CORE - {"tensorflow", "keras"}}


def test_required_by_follows_markers_and_extras():
    report = {"install": [
        {"metadata": {"name": "app", "requires_dist": ["lib[fast]>=1", 'old; python_version < "3.8"',
                                                        'docs; extra == "doc"']}},
        {"metadata": {"name": "lib", "requires_dist": ['speed; extra == "fast"', 'slow; extra == "slow"']}},
        {"metadata": {"name": "speed"}}, {"metadata": {"name": "slow"}}, {"metadata": {"name": "old"}},
        {"metadata": {"name": "docs"}},
    ]}
    assert required_by(report) == {"lib": ["app"], "speed": ["lib[fast]"]}

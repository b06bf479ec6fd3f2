"""Resolve the lower block of a requirements-colab-*.txt file (the Colab job's environments).

    python -m tools.authoring.colab_requirements requirements-colab-oldest.txt [more files]

Each file starts with a header and its top pins (Colab's core packages, each line saying where its
version comes from), then the line ``# what pip resolved ...``.  This asks pip, run by Python 3.12
(Colab's Python; found as scripts/colab_env.sh finds it), what the top pins install
(``pip install --dry-run --ignore-installed --report``) and rewrites the block below that line: one
pin per package with the packages that require it.  Run it after changing a top pin; the Colab job
(tests/colab/) then builds a new environment for the changed file.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tools.authoring.nbbuild import ROOT

MARKER = "# what pip resolved"


def colab_python() -> str:
    """Python 3.12, found the way scripts/colab_env.sh finds it (its ``--python`` mode)."""
    found = subprocess.run(["bash", str(ROOT / "scripts" / "colab_env.sh"), "--python"],
                           capture_output=True, text=True, check=True)
    return found.stdout.strip()


def top_pins(text: str) -> list[str]:
    """The ``name==version`` pins above the resolved block."""
    head = text.split(MARKER, 1)[0]
    return [line.split("#", 1)[0].strip() for line in head.splitlines() if "==" in line.split("#", 1)[0]]


def required_by(report: dict) -> dict[str, list[str]]:
    """For each package pip would install, the packages (``name[extra]`` for an extra's) that require it.

    Only requirements that apply count: those without a marker that fails on Python 3.12 (Linux), and
    those of an extra that an applying requirement asks for.
    """
    env = {**default_environment(), "python_version": "3.12", "python_full_version": "3.12.0"}
    items = {canonicalize_name(i["metadata"]["name"]): i["metadata"].get("requires_dist", [])
             for i in report["install"]}
    extras: dict[str, set[str]] = {name: {""} for name in items}
    by: dict[str, set[str]] = {}
    changed = True
    while changed:  # an extra asked for brings requirements that may ask for more extras
        changed = False
        for parent, specs in items.items():
            for spec in specs:
                req = Requirement(spec)
                child = canonicalize_name(req.name)
                if child not in items:
                    continue
                for extra in sorted(extras[parent]):
                    if req.marker is None or req.marker.evaluate({**env, "extra": extra}):
                        label = f"{parent}[{extra}]" if extra and req.marker is not None and "extra" in str(req.marker) \
                            else parent
                        new = {label} - by.setdefault(child, set())
                        asked = set(req.extras) - extras[child]
                        if new or asked:
                            by[child] |= new
                            extras[child] |= asked
                            changed = True
                        break
    return {name: sorted(parents) for name, parents in by.items()}


def resolved_block(pins: list[str], python: str) -> list[str]:
    """The pinned lines for everything ``pins`` installs beyond themselves, each naming its requirers."""
    with tempfile.TemporaryDirectory() as tmp:
        report_path = Path(tmp) / "report.json"
        subprocess.run([python, "-m", "pip", "install", "--dry-run", "--ignore-installed", "--quiet",
                        "--disable-pip-version-check", "--report", str(report_path), *pins],
                       check=True, stdout=subprocess.DEVNULL)
        report = json.loads(report_path.read_text(encoding="utf-8"))
    top = {canonicalize_name(p.split("==")[0]) for p in pins}
    by = required_by(report)
    lines = []
    for item in sorted(report["install"], key=lambda i: canonicalize_name(i["metadata"]["name"])):
        name, version = item["metadata"]["name"], item["metadata"]["version"]
        if canonicalize_name(name) in top:
            continue
        pin = f"{name}=={version}"
        lines.append(f"{pin:<37}# <- {', '.join(by.get(canonicalize_name(name), ['?']))}")
    return lines


def rewrite(path: Path, python: str) -> None:
    text = path.read_text(encoding="utf-8")
    head, sep, rest = text.partition(MARKER)
    if not sep:
        sys.exit(f"{path}: no line starting with {MARKER!r}")
    marker_line = (sep + rest).splitlines()[0]
    body = resolved_block(top_pins(text), python)
    path.write_text(head + marker_line + "\n" + "\n".join(body) + "\n", encoding="utf-8")
    print(f"{path.name}: {len(body)} resolved pins")


def main(argv: list[str] | None = None) -> None:
    files = [Path(a) for a in (argv if argv is not None else sys.argv[1:])]
    if not files:
        sys.exit(__doc__)
    python = colab_python()
    for path in files:
        rewrite(path, python)


if __name__ == "__main__":
    main()

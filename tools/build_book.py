"""Build the course book with Jupyter Book 1 (run through scripts/build_book.sh).

    python -m tools.build_book               # public edition (default)
    python -m tools.build_book --instructor  # instructor edition

The sources of the edition are staged under ``_build/<edition>/src`` (see
tools/editions.py), executed with Jupyter Book's execution cache and written to
``_build/<edition>/_build/html``.  The build fails when a notebook fails to
execute or Sphinx reports a warning.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

# jsonschema (under nbformat) imports rfc3987_syntax when installed, only to check "iri"
# strings, and that import builds a grammar for several seconds in every process. The build
# never checks IRIs: leave it out here and in the Jupyter Book process (half of a warm build).
sys.modules["rfc3987_syntax"] = None  # type: ignore[assignment]  (an import of it now raises ImportError)
SKIP_SLOW_IMPORTS = "import sys; sys.modules['rfc3987_syntax'] = None"

from tools import editions  # noqa: E402  (after the rfc3987_syntax line above)

_JUPYTER_BOOK = SKIP_SLOW_IMPORTS + "; sys.argv[0] = 'jupyter-book'; from jupyter_book.cli.main import main; sys.exit(main())"


def build(edition: str, *, output: Path | None = None, quiet: bool = False) -> Path:
    """Stage and build ``edition`` under ``output`` (default ``_build/<edition>``); return the HTML folder."""
    out = Path(output) if output else editions.ROOT / "_build" / edition
    src = editions.stage(edition, out / "src")
    command = [
        sys.executable, "-c", _JUPYTER_BOOK, "build", str(src),
        "--path-output", str(out),
        "--warningiserror", "--keep-going",
    ]
    if quiet:
        command.append("--quiet")
    started = time.perf_counter()
    result = subprocess.run(command, cwd=editions.ROOT)
    elapsed = time.perf_counter() - started
    html = out / "_build" / "html"
    if result.returncode != 0:
        reports = out / "_build" / "html" / "reports"
        hint = f" Execution reports: {reports}" if reports.exists() else ""
        raise SystemExit(f"build_book: the {edition} edition failed (exit {result.returncode}).{hint}")
    print(f"build_book: {edition} edition built in {elapsed:.0f} s -> {html / 'index.html'}")
    return html


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--instructor", action="store_true",
                        help="build the instructor edition (solutions and hidden tests shown)")
    parser.add_argument("--output", type=Path, help="folder for the staged sources, cache and site "
                        "(default: _build/public or _build/instructor)")
    parser.add_argument("--quiet", action="store_true", help="less output from Sphinx")
    args = parser.parse_args(argv)
    build("instructor" if args.instructor else "public", output=args.output, quiet=args.quiet)


if __name__ == "__main__":
    main()

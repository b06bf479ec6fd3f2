"""Make every notebook's install cell use the repository URL set in _config.yml.

    python -m tools.authoring.set_repository_url

Change `repository.url` in _config.yml first; this rewrites the
`pip install ... git+URL` line of the first code cell of each notebook under
book/ (tests/tools/test_repo.py checks that they agree).
"""

from __future__ import annotations

import re

import nbformat

from tools.authoring.nbbuild import ROOT, repository_url
from tools.notebooks import book_notebooks

_INSTALL = re.compile(r'git\+[^"\s]+"')


def main() -> None:
    url = repository_url()
    changed = 0
    for path in book_notebooks():
        nb = nbformat.read(path, as_version=4)
        first = next((c for c in nb.cells if c.cell_type == "code"), None)
        if first is None or "find_spec(\"course_utils\")" not in first.source:
            print(f"skipped (no install cell): {path.relative_to(ROOT)}")
            continue
        new = _INSTALL.sub(f'git+{url}"', first.source)
        if new != first.source:
            first.source = new
            nbformat.write(nb, path)
            changed += 1
    print(f"set_repository_url: {url} ({changed} notebooks changed)")


if __name__ == "__main__":
    main()

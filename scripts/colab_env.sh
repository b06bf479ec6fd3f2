#!/usr/bin/env bash
# Make (or reuse) the Colab-like environment of the Colab job and print its folder.
#   bash scripts/colab_env.sh        -> /root/.cache/course-book/colab-venv-<hash>
# A Python 3.12 virtual environment with exactly requirements-colab.txt (what a learner's Colab
# runtime has), kept outside the repository and reused between runs on the same machine; it is
# keyed on the hash of requirements-colab.txt and the Python version, so a changed pin builds a new
# one, and a new machine builds it fresh (about 1.5 min from a warm pip cache, 2.5 GB on disk).
# Environments of other hashes unused for 14 days are removed.
# Python 3.12: $COLAB_PYTHON, else python3.12 on PATH, else pyenv's 3.12.x.
# Used by tests/colab/test_colab_run_all.py (part of scripts/test.sh) and scripts/colab_job.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

find_python() {
  local candidate
  for candidate in "${COLAB_PYTHON:-}" python3.12 "$HOME"/.pyenv/versions/3.12*/bin/python3.12 \
                   /usr/local/bin/python3.12 /usr/bin/python3.12; do
    [ -n "$candidate" ] || continue
    if "$candidate" -c 'import sys, venv; assert sys.version_info[:2] == (3, 12)' >/dev/null 2>&1; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

if ! PYTHON=$(find_python); then
  echo "colab_env: Python 3.12 is needed (Colab's Python); set COLAB_PYTHON=/path/to/python3.12." >&2
  exit 1
fi
version=$("$PYTHON" -c 'import sys; print(sys.version.split()[0])')
key=$( { cat requirements-colab.txt; echo "python $version"; } | sha256sum | cut -c1-16)
cache="${XDG_CACHE_HOME:-$HOME/.cache}/course-book"
venv="$cache/colab-venv-$key"
mkdir -p "$cache"

if [ ! -f "$venv/.complete" ]; then
  (
    # one builder at a time per machine (two test runs may start together)
    exec 9>"$cache/colab-venv.lock"
    flock 9
    if [ ! -f "$venv/.complete" ]; then
      echo "colab_env: building $venv (Python $version, requirements-colab.txt)..." >&2
      start=$(date +%s)
      rm -rf "$venv"   # a build that was cut off (no .complete) starts again
      "$PYTHON" -m venv "$venv"
      "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input \
        -r requirements-colab.txt >&2
      touch "$venv/.complete"
      echo "colab_env: built in $(( $(date +%s) - start )) s." >&2
    fi
  )
fi
touch "$venv/.complete"  # its time is the last use, for the clean-up below
for old in "$cache"/colab-venv-*; do
  [ -d "$old" ] && [ "$old" != "$venv" ] || continue
  if [ -f "$old/.complete" ] && [ -z "$(find "$old/.complete" -mtime -14)" ]; then
    rm -rf "$old"
  fi
done
echo "$venv"

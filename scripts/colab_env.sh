#!/usr/bin/env bash
# Make (or reuse) a Colab-like environment of the Colab job and print its folder.
#   bash scripts/colab_env.sh requirements-colab-oldest.txt   -> ~/.cache/course-book/colab-venv-<hash>
#   bash scripts/colab_env.sh requirements-colab-newest.txt
#   bash scripts/colab_env.sh --python                        -> the Python 3.12 it uses
# A Python 3.12 virtual environment with exactly the given requirements file (what a learner's Colab
# runtime has: the oldest file is Colab's last announced runtime, the newest the newest TensorFlow and
# Keras), kept outside the repository and reused between runs on the same machine; it is keyed on the
# hash of the file and the Python version, so a changed pin builds a new one, and a new machine builds
# it fresh (from a warm pip cache: 1.5 min at a low load, 8 min for the two side by side at a load of 10;
# benchmarks/README.md), 2.5 GB on disk each. Environments of other hashes unused for 14 days are removed.
# Python 3.12: $COLAB_PYTHON, else python3.12 on PATH, else pyenv's 3.12.x.
# Used by tests/colab/ (part of scripts/test.sh), scripts/colab_job.sh and
# tools/authoring/colab_requirements.py (--python).
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
if [ "${1:-}" = "--python" ]; then
  echo "$PYTHON"
  exit 0
fi
requirements=${1:?"colab_env: give the requirements file, e.g. requirements-colab-oldest.txt"}
if [ ! -f "$requirements" ]; then
  echo "colab_env: no such requirements file: $requirements" >&2
  exit 1
fi
version=$("$PYTHON" -c 'import sys; print(sys.version.split()[0])')
key=$( { cat "$requirements"; echo "python $version"; } | sha256sum | cut -c1-16)
cache="${XDG_CACHE_HOME:-$HOME/.cache}/course-book"
venv="$cache/colab-venv-$key"
mkdir -p "$cache"

if [ ! -f "$venv/.complete" ]; then
  (
    # one builder per environment at a time (two test runs may start together; the two ends
    # build side by side)
    exec 9>"$cache/colab-venv-$key.lock"
    flock 9
    if [ ! -f "$venv/.complete" ]; then
      echo "colab_env: building $venv (Python $version, $requirements)..." >&2
      start=$(date +%s)
      rm -rf "$venv"   # a build that was cut off (no .complete) starts again
      "$PYTHON" -m venv "$venv"
      "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input \
        -r "$requirements" >&2
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

#!/usr/bin/env bash
# Build the course book (HTML) offline.
#   bash scripts/build_book.sh               public edition: no solutions, no hidden tests
#   bash scripts/build_book.sh --instructor  instructor edition: solutions and hidden tests
# Output: _build/public/_build/html/index.html (or _build/instructor/...).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup_env.sh
export TF_CPP_MIN_LOG_LEVEL=2 JUPYTER_PREFER_ENV_PATH=1
export PATH="$PWD/.venv/bin:$PATH"
# Nothing is downloaded at build time: chapters 5-7 use the announced offline data set.
# COURSE_OFFLINE_DATA=0 lets them load the real MNIST on a machine online.
export COURSE_OFFLINE_DATA=${COURSE_OFFLINE_DATA:-1}
exec .venv/bin/python -m tools.build_book "$@"

#!/usr/bin/env bash
# Build the course book (HTML) offline.
#   bash scripts/build_book.sh               public edition: no solutions, no hidden tests
#   bash scripts/build_book.sh --instructor  instructor edition: solutions and hidden tests
# Output: _build/public/_build/html/index.html (or _build/instructor/...).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup_env.sh
export TF_CPP_MIN_LOG_LEVEL=2 TF_ENABLE_ONEDNN_OPTS=0 JUPYTER_PREFER_ENV_PATH=1
exec .venv/bin/python tools/build_book.py "$@"

#!/usr/bin/env bash
# Run the whole test suite offline (package, chapters, grading round trips, the built book, and the
# Colab job: tests/colab/ runs every student notebook in a Colab-like Python 3.12 environment that
# scripts/colab_env.sh builds from the package index once per machine and caches outside the repo).
#   bash scripts/test.sh            everything
#   bash scripts/test.sh -m "not slow"   the quick part only (extra arguments go to pytest)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install_system_packages.sh
bash scripts/setup_env.sh
export TF_CPP_MIN_LOG_LEVEL=2 JUPYTER_PREFER_ENV_PATH=1 COURSE_OFFLINE_DATA=1
export PATH="$PWD/.venv/bin:$PATH"
exec .venv/bin/python -m pytest src tests "$@"

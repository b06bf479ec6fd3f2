#!/usr/bin/env bash
# The Colab job alone: every student notebook run as a learner on Colab runs it (Run all, no answers),
# in a Colab-like Python 3.12 environment (requirements-colab.txt, cached outside the repository by
# scripts/colab_env.sh). scripts/test.sh runs the same tests (tests/colab/) with the rest of the suite.
#   bash scripts/colab_job.sh            times of each step are printed at the end
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup_env.sh
export TF_CPP_MIN_LOG_LEVEL=2 JUPYTER_PREFER_ENV_PATH=1 COURSE_OFFLINE_DATA=1
export PATH="$PWD/.venv/bin:$PATH"
exec .venv/bin/python -m pytest tests/colab -s -q "$@"

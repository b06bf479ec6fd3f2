#!/usr/bin/env bash
# The Colab job alone: every student notebook run as a learner on Colab runs it (Run all, no answers),
# in two Colab-like Python 3.12 environments, cached outside the repository by scripts/colab_env.sh:
# requirements-colab-oldest.txt (TensorFlow 2.19 + Keras 3.10, Colab's last announced runtime) and
# requirements-colab-newest.txt (the newest TensorFlow and Keras). scripts/test.sh runs the same tests
# (tests/colab/) with the rest of the suite, the two ends on its two workers.
#   bash scripts/colab_job.sh                                  both ends, one after the other
#   bash scripts/colab_job.sh tests/colab/test_colab_oldest.py one end
# The times of each step are printed at the end of each end.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup_env.sh
export TF_CPP_MIN_LOG_LEVEL=2 JUPYTER_PREFER_ENV_PATH=1 COURSE_OFFLINE_DATA=1
export PATH="$PWD/.venv/bin:$PATH"
if [ $# -eq 0 ]; then
  set -- tests/colab
fi
exec .venv/bin/python -m pytest -s -q "$@"

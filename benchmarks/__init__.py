"""Scripts that print speed and quality figures (no timed tests): run each as ``python -m benchmarks.NAME`` from the repo root."""

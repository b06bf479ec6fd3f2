"""The Colab job at its newest end: the newest TensorFlow and Keras that pip resolves with Colab's stack.

Every student notebook run as a learner on Colab runs it (Run all, no answer), in the environment of
requirements-colab-newest.txt; the fixtures and tests are those of colab_job.py (its docstring says what
they check). One file per end, so that the two ends run on the two workers of scripts/test.sh.
"""

from colab_job import *  # noqa: F403  (the fixtures and tests of both ends: colab_job.__all__)

REQUIREMENTS = "requirements-colab-newest.txt"

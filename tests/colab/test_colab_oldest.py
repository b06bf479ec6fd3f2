"""The Colab job at its oldest end: TensorFlow 2.19.0 + Keras 3.10.0 (Colab's last announced runtime).

Every student notebook run as a learner on Colab runs it (Run all, no answer), in the environment of
requirements-colab-oldest.txt; the fixtures and tests are those of colab_job.py (its docstring says what
they check). One file per end, so that the two ends run on the two workers of scripts/test.sh.
"""

from colab_job import *  # noqa: F403  (the fixtures and tests of both ends: colab_job.__all__)

REQUIREMENTS = "requirements-colab-oldest.txt"

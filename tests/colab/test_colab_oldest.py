"""The Colab job at its oldest end: TensorFlow 2.19.0 + Keras 3.10.0, Colab's last announced runtime (googlecolab/colabtools#5489).

Every student notebook run as a learner on Colab runs it (Run all, no answer), in the environment of
requirements-colab-oldest.txt; the fixtures and tests are those of colab_job.py (its docstring says what
they check). One file per end, so that the two ends run on the two workers of scripts/test.sh.
"""

from colab_job import (  # noqa: F401  (pytest collects the imported fixtures and tests)
    colab,
    executed,
    test_every_explorer_is_drawn,
    test_every_unanswered_exercise_says_so,
    test_no_output_writes_to_stderr,
    test_run_all_reaches_the_end,
    test_the_chapters_keep_colab_s_core_packages,
    test_the_installs_keep_colab_s_core_packages,
    test_the_offline_extra_would_keep_colab_s_core_packages,
)

REQUIREMENTS = "requirements-colab-oldest.txt"

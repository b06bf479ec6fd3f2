"""The stages of ``python -m tools.grade`` (tools/grade.py), one module each.

==========================  ==============================================================
module                      its one job
==========================  ==============================================================
``plan.py``                 which questions, where each answer is, what to run, flags read
                            from the code; secrets (literals, input cases) stay here
``probe.py``                the probe cells: report an answer's value (or a function's
                            outputs on given inputs) from inside the kernel
``codec.py``                plain data in and out of the sandbox, decoded with limits
``sandbox.py``              bubblewrap: the command, the limits (memory cgroup, tmpfs quota),
                            the preflight of ``course_utils``, refusing with the fix
``sandbox_worker.py``       inside the sandbox: run the cells, time limits, restarts
``judge.py``                the verdicts: the only place a score is decided
``records.py``              the gradebook, CSV, resume state, nbgrader's feedback and
                            export (the only writer)
``runner.py``               who runs the sandboxes: this machine's threads (``LocalRunner``)
``dask_runner.py``          ... or a Dask cluster (``--dask-scheduler``); the worker's side too
``scratch.py``              the temporary folders under ``grading/tmp/``: removed on every way out
==========================  ==============================================================

Everything but ``probe.py``'s cell text, ``sandbox_worker.py`` and (on Dask)
``dask_runner.grade_on_worker`` runs in the grader's own process; nothing secret is ever
sent into the sandbox or to a worker.
"""

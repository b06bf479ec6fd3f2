"""nbgrader plug-ins of the course, loaded by ``nbgrader_config.py`` only.

This module imports nbgrader; nothing else in course_utils does.
"""

from nbgrader.preprocessors import NbGraderPreprocessor

from course_utils.grading import hide_hidden_tests


class HideHiddenTests(NbGraderPreprocessor):
    """Feedback preprocessor: remove hidden tests and their tracebacks from test cells.

    Scores are computed before this runs (GetGrades), so nothing changes but
    what the student sees.
    """

    def preprocess(self, nb, resources):
        return hide_hidden_tests(nb), resources

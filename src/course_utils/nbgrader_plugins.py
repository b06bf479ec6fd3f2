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


class PinStudentNumbers(NbGraderPreprocessor):
    """Autograde preprocessor (before nbgrader's Execute): the kernel of this submission uses the numbers of the
    student id nbgrader gives it, not the 학번 written in the notebook (issue 29, ``exercises/_variants.py``).

    It sets ``COURSE_GRADING_STUDENT_ID`` in this process's environment, which the kernel that Execute starts
    next inherits; ``_variants`` pins that id at import, so the visible checks and the hidden tests of
    the number exercises use that student's numbers.
    """

    def preprocess(self, nb, resources):
        import os

        from course_utils.exercises._variants import GRADING_ID_VARIABLE

        student = (resources.get("nbgrader") or {}).get("student")
        if student:
            os.environ[GRADING_ID_VARIABLE] = str(student)
        else:
            os.environ.pop(GRADING_ID_VARIABLE, None)
        return nb, resources

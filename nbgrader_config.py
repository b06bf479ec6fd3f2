"""nbgrader configuration: the chapter notebooks under book/ are the source.

Each chapter folder ``book/chNN_name/`` is one nbgrader assignment whose
notebook is ``book/chNN_name/chNN_name.ipynb``.  Everything nbgrader generates
(release, submitted, autograded and feedback folders and the gradebook) lives
under ``grading/``, which git ignores.  The instructor guide
(book/instructor_guide.md) gives the whole workflow.
"""

import os

c = get_config()  # noqa: F821 (provided by nbgrader when it loads this file)

_root = os.path.dirname(os.path.abspath(__file__))

c.CourseDirectory.root = _root
c.CourseDirectory.source_directory = "book"
c.CourseDirectory.release_directory = os.path.join("grading", "release")
c.CourseDirectory.submitted_directory = os.path.join("grading", "submitted")
c.CourseDirectory.autograded_directory = os.path.join("grading", "autograded")
c.CourseDirectory.feedback_directory = os.path.join("grading", "feedback")
c.CourseDirectory.db_url = "sqlite:///" + os.path.join(_root, "grading", "gradebook.db")
os.makedirs(os.path.join(_root, "grading"), exist_ok=True)  # sqlite creates the file, not the folder
# Keep the chapter's own data and figures with it, but never the built book.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "_build", "feedback"]

# What a learner sees in place of a solution.  `pass` does nothing and is valid both at the top
# of a cell and as the body of a function (1-5: `def to_channels_last(video):`), so "Run all"
# goes past an unanswered exercise: its check prints "아직 답을 넣지 않았습니다" (an answer
# variable that is missing, `...` or None, a function whose body is only `pass`/`...` or that
# raises NotImplementedError) and the hidden tests fail for it when grading.  (A bare `...`
# would work too, but at the top of a cell Jupyter shows its value, `Ellipsis`.)
c.ClearSolutions.code_stub = {
    "python": "# 여기에 답을 작성하세요.\npass"
}
c.ClearSolutions.text_stub = "여기에 답을 쓰세요."

# Grading: a cell that runs too long (an infinite loop) is interrupted and marked
# as an error; the rest of the notebook and the rest of the batch go on.
c.Execute.timeout = int(os.environ.get("COURSE_CELL_TIMEOUT", "300"))
c.Execute.interrupt_on_timeout = True
# After the last cell the kernel is stopped at once: its outputs are already in the notebook, and a
# kernel that has imported TensorFlow spends 1-1.5 s of CPU exiting on its own.
c.Execute.shutdown_kernel = "immediate"
# A test cell that a learner deleted is put back and run, so it cannot give free marks.
c.OverwriteCells.add_missing_cells = True
c.OverwriteCells.missing_cell_notification = (
    "이 셀(id:{cell_id})은 제출본에서 지워져 있어 nbgrader가 다시 넣었습니다.\n\n"
)

# Feedback: the scores and the visible checks' messages, never the hidden tests.
from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor  # noqa: E402
from nbgrader.preprocessors import GetGrades  # noqa: E402

from course_utils.nbgrader_plugins import HideHiddenTests, PinStudentNumbers  # noqa: E402

c.GenerateFeedback.preprocessors = [GetGrades, HideHiddenTests, CSSHTMLHeaderPreprocessor]

# Per-student numbers (issue 29): each submission's kernel uses the numbers of the student id nbgrader gives it.
from nbgrader.converters import Autograde  # noqa: E402
c.Autograde.autograde_preprocessors = [PinStudentNumbers] + list(
    Autograde.class_traits()["autograde_preprocessors"].default())

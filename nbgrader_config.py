"""nbgrader configuration of the course (read by every ``nbgrader`` command run here).

Run nbgrader from the repository root: the course directory is ``course/`` next to this
file (``python tools/course_build.py`` fills it), whatever the current directory's name.
"""

import os
import sys
from pathlib import Path

c = get_config()  # noqa: F821 - provided by nbgrader when it reads this file

HERE = Path(__file__).resolve().parent
c.CourseDirectory.root = str(HERE / "course")
c.CourseDirectory.course_id = "regularization"
# release_assignment / fetch_assignment / submit / collect exchange files here. On a
# shared JupyterHub, point this at the hub's exchange directory, which every user can
# write to (nbgrader 0.9.6's default is /usr/local/share/nbgrader/exchange); students'
# own nbgrader_config.py must name the same course_id and exchange (book/instructors.md).
c.Exchange.root = str(HERE / "course" / "exchange")

# `nbgrader export` writes course/grades.csv (not the repository root), with the points
# still waiting for a grader and any test cell a student deleted or edited.
sys.path.insert(0, str(HERE / "tools"))
c.ExportApp.plugin_class = "course_grades.CourseCsvExportPlugin"

# A chapter executes in about 15 s; a loaded grading machine can take several times
# that for one cell. nbgrader's default of 30 s per cell is too tight.
c.ExecutePreprocessor.timeout = 120
c.Execute.timeout = 120

# The kernels that validate and autograde inherit this environment: one thread per
# kernel (the lessons use tiny tensors) and the static form of the widgets.
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("LESSONS_LIB_WIDGETS", "static")
# nbgrader runs ``alembic`` from PATH when it creates the gradebook: make the
# environment's own copy findable even when the virtual environment is not activated.
os.environ["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])

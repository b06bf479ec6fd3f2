"""Slider explorers for convolution geometry (chapters 3-5).

>>> from course_utils.widgets import ConvExplorer, ReceptiveFieldExplorer, TransposedConvExplorer
>>> ConvExplorer(input_size=7, kernel_size=3)   # doctest: +SKIP

Each explorer shows ipywidgets sliders above an SVG drawing: an anywidget canvas
whose front end ``explorers.js`` computes the drawing from the explorer's parameters
(Python keeps the state and prints the numbers, from ``course_utils.shapes`` through
``course_utils.widgets._geometry``).  In the static book (no kernel) the explorer's
``text/html`` output inlines the same module, which adds its own sliders: it moves
with nothing fetched.
"""

from ._explorers import (
    ConvExplorer,
    GeometryCanvas,
    ReceptiveFieldExplorer,
    TransposedConvExplorer,
    static_html,
)

__all__ = ["ConvExplorer", "ReceptiveFieldExplorer", "TransposedConvExplorer", "GeometryCanvas", "static_html"]

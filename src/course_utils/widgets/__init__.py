"""Slider explorers for convolution geometry (chapters 3-5).

>>> from course_utils.widgets import ConvExplorer, ReceptiveFieldExplorer, TransposedConvExplorer
>>> ConvExplorer(input_size=7, kernel_size=3)   # doctest: +SKIP

Each explorer shows ipywidgets sliders above an SVG drawing (an anywidget canvas
rendered by ``explorers.js``); the geometry comes from
``course_utils.widgets._geometry`` (which uses ``course_utils.shapes``).
In a static book (no kernel) the explorer's ``text/html`` fallback shows the
initial drawing.
"""

from ._explorers import (
    ConvExplorer,
    GeometryCanvas,
    ReceptiveFieldExplorer,
    TransposedConvExplorer,
    static_html,
)

__all__ = ["ConvExplorer", "ReceptiveFieldExplorer", "TransposedConvExplorer", "GeometryCanvas", "static_html"]

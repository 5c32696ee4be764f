"""Figures of the built warehouse, written by `python -m customer_segmentation.plots`.

Read-only over the marts, one registry of figures (`registry.FIGURES`) with their captions,
a "no data" panel for any figure whose input is absent, and deterministic PNG bytes.
"""

from customer_segmentation.plots.registry import FIGURES, SECTIONS, FigureSpec
from customer_segmentation.plots.write import MANIFEST, FigureManifest, WrittenFigure, write_figures

__all__ = [
    "FIGURES",
    "MANIFEST",
    "SECTIONS",
    "FigureManifest",
    "FigureSpec",
    "WrittenFigure",
    "write_figures",
]

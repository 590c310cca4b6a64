"""Figures and the HTML report of the virtual study."""

from .figures import save_figure
from .html import Comparison, Report

__all__ = ["Comparison", "Report", "save_figure"]

"""Figures and the HTML report of the virtual study."""

from .html import Comparison, Report

__all__ = ["Comparison", "Report"]

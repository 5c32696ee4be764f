"""The segment report for marketing, written by `python -m customer_segmentation.report`."""

from customer_segmentation.report.render import HTML_FILE, MARKDOWN_FILE, ReportError, render_report

__all__ = ["HTML_FILE", "MARKDOWN_FILE", "ReportError", "render_report"]

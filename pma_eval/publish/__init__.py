"""Publication: Papermill runs, HTML and PDF export, output folders written atomically."""

from .report import ReportFailed, ReportResult, export_html, export_pdf, run_report

__all__ = ["ReportFailed", "ReportResult", "export_html", "export_pdf", "run_report"]

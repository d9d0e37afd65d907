"""replylint: a rule-based compliance checker for Chinese government reply letters (建议/提案 答复函).

The public API::

    from checker import check_text, check_path
    result = check_text(open("letter.txt", encoding="utf-8").read())
    for d in result.diagnostics:
        print(d.span.line, d.rule, d.message)

``check_path`` takes a file or a directory and returns a ``Report`` with the same data as
``replylint check --format json``.
"""

__version__ = "0.1.0"

from .api import check_file, check_path, check_paths, check_text  # noqa: E402
from .model import Diagnostic, FileResult, Kind, Letter, Report, Severity, Span  # noqa: E402

__all__ = [
    "__version__", "check_text", "check_path", "check_paths", "check_file",
    "Letter", "Diagnostic", "FileResult", "Report", "Kind", "Severity", "Span",
]

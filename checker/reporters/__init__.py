"""Stage 6, report: one module per output format, each a function of the results to text."""

from __future__ import annotations

from .json_format import report_to_dict, render_json
from .text import render_concise, render_full

__all__ = ["report_to_dict", "render_json", "render_concise", "render_full"]

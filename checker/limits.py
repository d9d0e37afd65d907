"""The bounds on what one input may cost, in one place: the readers and the parser stop at them with a
per-file message, so that a small hostile file can never ask for gigabytes or minutes.

Each is far above any real letter (a reply letter is a few pages: a few thousand characters, a few
hundred lines), and far below what would strain a 2-core office machine.
"""

from __future__ import annotations

MiB = 1024 * 1024

MAX_BYTES = 20 * MiB  # one input file as stored (a .docx with images may be a few MiB)
MAX_CHARS = 500_000  # characters of text taken from one file, in all (about 250 pages)
MAX_LINES = 50_000  # lines (paragraphs) of one letter
MAX_CONFIG_BYTES = 1 * MiB  # a replylint.toml, pyproject.toml or profile file
MAX_BASELINE_BYTES = 64 * MiB  # a baseline holds one small record per finding of a whole archive


def content_error_text(what: str) -> str:
    """The per-file message for an input that asks for more than a bound allows."""
    return f"文件内容异常：{what}，超出了一封答复函可能的规模，已停止读取（文件可能损坏或是恶意构造的）"


__all__ = ["MiB", "MAX_BYTES", "MAX_CHARS", "MAX_LINES", "MAX_CONFIG_BYTES", "MAX_BASELINE_BYTES",
           "content_error_text"]

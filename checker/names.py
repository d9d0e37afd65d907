"""File names as a person and a UTF-8 document can take them.

On Unix a file name is bytes; Python hands the bytes that are not UTF-8 (common after unzipping an archive
made on Windows in GBK) to us as lone surrogates, which no UTF-8 encoder accepts. Every report shows such a
name with the bytes escaped (``\\xb0``), so JSON, SARIF, XML and the terminal stay valid whatever the locale.
"""

from __future__ import annotations


def printable_path(path: str) -> str:
    """``path`` unchanged if it is valid Unicode text, else with each undecodable byte written ``\\xNN``."""
    try:
        path.encode("utf-8")
        return path
    except UnicodeEncodeError:
        pass
    try:
        return path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a surrogate that did not come from a file name's bytes
        return path.encode("utf-8", "backslashreplace").decode("utf-8")


__all__ = ["printable_path"]

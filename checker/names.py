"""File names as a person and a UTF-8 document can take them.

On Unix a file name is bytes; Python hands the bytes that are not UTF-8 (common after unzipping an archive
made on Windows in GBK) to us as lone surrogates, which no UTF-8 encoder accepts. Every report shows such a
name with the bytes escaped (``\\xb0``), so JSON, SARIF, XML and the terminal stay valid whatever the locale.
Control characters (a newline, ESC) and the bidirectional overrides are escaped too (``\\x0a``, ``\\u202e``):
a name must not start a line of its own in a report, colour a terminal, or read backwards.
"""

from __future__ import annotations

_ESCAPED = {code: f"\\x{code:02x}" for code in (*range(0x20), 0x7F, *range(0x80, 0xA0))}
_ESCAPED.update({code: f"\\u{code:04x}" for code in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))})


def printable_path(path: str) -> str:
    """``path`` unchanged if it is printable Unicode text, else with each undecodable byte written ``\\xNN``
    and each control or bidirectional-override character escaped."""
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        try:
            path = path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        except UnicodeEncodeError:  # a surrogate that did not come from a file name's bytes
            path = path.encode("utf-8", "backslashreplace").decode("utf-8")
    if path.isprintable():  # controls and the bidirectional marks (category Cc, Cf) are not
        return path
    return path.translate(_ESCAPED)


__all__ = ["printable_path"]

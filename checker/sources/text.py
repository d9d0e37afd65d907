"""Decoding of plain-text letters: UTF-8 (with or without BOM), UTF-16 with BOM, GB18030/GBK.

Government offices still save text as GBK; GB18030 is its superset, so one decoder covers both.
Binary input is refused rather than decoded into noise: NUL bytes (anywhere) or many control characters.

Sizes are judged before the big structures are built: no encoding here takes more than 4 bytes a
character, so more bytes than that for ``MAX_CHARS`` characters are refused without decoding, and the line
breaks are counted before the text is split into lines.
"""

from __future__ import annotations

import codecs
import re

from ..limits import MAX_CHARS, MAX_LINES

MAX_BYTES_PER_CHAR = 4  # UTF-8, GB18030, UTF-16 (a surrogate pair), UTF-32

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: its BOM starts the same way
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# C0 controls other than tab, LF, CR and form feed; DEL; C1 controls.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\x80-\x9f]")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def decode_text(data: bytes) -> tuple[str, str]:
    """Return (text, encoding name). Raise ``SourceError`` for binary or undecodable data."""
    from . import SourceError, too_many_chars

    if not data:
        return "", "utf-8"
    if len(data) > MAX_BYTES_PER_CHAR * (MAX_CHARS + 1):  # + 1: a byte order mark
        raise too_many_chars()
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom):].decode(encoding)
            except UnicodeDecodeError as exc:
                raise SourceError(f"文件以 {encoding.upper()} 字节顺序标记开头，但第 {exc.start} 字节处无法按该编码解码") from None
            _refuse_non_letter(text)
            return text, encoding + "-bom"
    if b"\x00" in data:  # without a UTF-16/32 byte order mark, a NUL byte is never text
        raise _binary_error()
    for encoding in ("utf-8", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        _refuse_non_letter(text)
        return text, encoding
    raise SourceError("无法识别文件编码（既不是 UTF-8，也不是 GBK/GB18030）")


def _binary_error():
    from . import SourceError

    return SourceError("这是一个二进制文件（含有 NUL 字节），不是文本；Word 文件请保存为 .docx 或 .txt 后再检查")


def _refuse_non_letter(text: str) -> None:
    """Refuse decoded text that is too long, has too many lines, or is binary."""
    from . import SourceError, too_many_chars, too_many_lines

    if len(text) > MAX_CHARS:
        raise too_many_chars()
    if "\x00" in text:
        raise _binary_error()
    if text.count("\n") + text.count("\r") - text.count("\r\n") > MAX_LINES:  # breaks, as split_lines counts
        raise too_many_lines()
    sample = text[:8192]
    if not sample:
        return
    controls = len(_CONTROL.findall(sample))
    if controls > 8 and controls * 50 > len(sample):
        raise SourceError("这是一个二进制文件（含有大量控制字符），不是文本")


def split_lines(text: str) -> list[str]:
    """Split on CRLF, CR and LF only, as editors number lines (``str.splitlines`` also splits on
    form feeds and U+2028, which would shift every line number after them)."""
    lines = _LINE_BREAK.split(text)
    if lines and lines[-1] == "" and len(lines) > 1:
        lines.pop()  # a final line break ends the last line; it does not start a new one
    return lines

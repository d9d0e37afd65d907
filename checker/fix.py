"""Applying fixes to a text letter: ``check --fix`` / ``--diff`` and ``checker.fix_text``.

A diagnostic's fix names a stretch of one source line (1-based line, code-point columns, end exclusive) and
the text it expects there (``Fix.original``). Fixes are applied to the original lines, never to the
normalized ones: a fix whose stretch does not hold the expected text (a line the normalizer changed, a
Markdown mark in between) is skipped, so a fix can only ever change its own stretch. Fixes that overlap are
taken in a stable order — by place, then rule code — and a later one overlapping an earlier one is left for
the next round; the text is re-checked and fixed again until no fix applies (at most ``MAX_ROUNDS``).
Line ends and the characters outside the fixed stretches are kept exactly.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from pathlib import Path

from .model import Diagnostic

MAX_ROUNDS = 5
TEXT_SUFFIXES = (".txt", ".md")
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n|$)")


@dataclass
class Applied:
    """One fix applied: the rule, where (in the text as it was in its round), what it replaced, with what."""

    code: str
    rule: str
    line: int
    column: int
    original: str
    replacement: str
    safe: bool

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def _wanted(d: Diagnostic, unsafe: bool) -> bool:
    f = d.fix
    return (f is not None and f.original is not None and f.span.line == f.span.end_line
            and (f.safe or unsafe))


def _split(text: str) -> list[tuple[str, str]]:
    """(content, line end) for each line, as ``split_lines`` numbers them."""
    out = []
    for m in _LINE.finditer(text):
        chunk = m.group(0)
        if not chunk:
            break
        body = chunk.rstrip("\r\n")
        out.append((body, chunk[len(body):]))
    return out


def choose_fixes(lines: list[str], diagnostics: list[Diagnostic], unsafe: bool = False,
                 ) -> dict[int, list[tuple[int, int, Diagnostic]]]:
    """The fixes of one round, by line index: (start, end, diagnostic), 0-based code-point columns. A fix is
    taken only where its line holds the text it expects; one overlapping a fix taken before it waits."""
    chosen: dict[int, list[tuple[int, int, Diagnostic]]] = {}
    for d in sorted((d for d in diagnostics if _wanted(d, unsafe)),
                    key=lambda d: (d.fix.span.line, d.fix.span.column, d.fix.span.end_column, d.code)):
        f = d.fix
        index, start, end = f.span.line - 1, f.span.column - 1, f.span.end_column - 1
        if not (0 <= index < len(lines)) or start < 0 or end < start:
            continue
        content = lines[index]
        if content[start:end] != f.original or end > len(content):
            continue  # the place does not hold what the fix was made for: never edit elsewhere
        taken = chosen.setdefault(index, [])
        # overlapping (or two insertions at one point, or an insertion inside a replaced stretch): skip
        if any(start < e and s < end or start == s or (start == end and s < start < e) or (s == e and start < s < end)
               for s, e, _ in taken):
            continue
        taken.append((start, end, d))
    return chosen


def empties_line(before: str, after: str) -> bool:
    """Whether fixes took away the whole text of a line that had some (then the line itself goes)."""
    return not after and bool(before.strip())


def applied_fix(d: Diagnostic, index: int, start: int) -> Applied:
    return Applied(d.code, d.rule, index + 1, start + 1, d.fix.original, d.fix.replacement, d.fix.safe)


def apply_once(text: str, diagnostics: list[Diagnostic], unsafe: bool = False) -> tuple[str, list[Applied]]:
    """Apply the wanted fixes of one check of ``text``; overlapping ones after the first are skipped."""
    lines = _split(text)
    chosen = choose_fixes([content for content, _ in lines], diagnostics, unsafe)
    applied: list[Applied] = []
    for index, fixes in chosen.items():
        content, ending = lines[index]
        before = content
        for start, end, d in sorted(fixes, key=lambda t: t[0], reverse=True):
            content = content[:start] + d.fix.replacement + content[end:]
        # a line whose whole text a fix removes (a page number) goes with its line end; a line of spaces
        # emptied stays, as the blank line between paragraphs it is
        lines[index] = ("", "") if empties_line(before, content) else (content, ending)
        for start, end, d in sorted(fixes, key=lambda t: t[0]):
            applied.append(applied_fix(d, index, start))
    applied.sort(key=lambda a: (a.line, a.column, a.code))
    return "".join(c + e for c, e in lines), applied


def fix_text_with(text: str, check, unsafe: bool = False) -> tuple[str, list[Applied], object]:
    """Check, fix, re-check until no fix applies (bounded); return the text, the fixes and the last result."""
    applied: list[Applied] = []
    result = check(text)
    for _ in range(MAX_ROUNDS):
        if result.error is not None:
            break
        fixed, done = apply_once(text, result.diagnostics, unsafe)
        if not done or fixed == text:
            break
        text, applied = fixed, applied + done
        result = check(text)
    return text, applied, result


def fix_text(text: str, unsafe: bool = False, configurator=None) -> tuple[str, list[Applied]]:
    """Apply the checker's safe fixes (and with ``unsafe`` the others) to a letter given as text.

    Returns the fixed text and the fixes applied, in the order of their rounds. The text is re-checked after
    each round until no fix applies; line ends and everything outside the fixed stretches are kept."""
    from .pipeline import check_text

    fixed, applied, _ = fix_text_with(text, lambda t: check_text(t, configurator=configurator), unsafe)
    return fixed, applied


# ---- files -------------------------------------------------------------------------------------------------------

_BOM_BYTES = {"utf-8": codecs.BOM_UTF8, "utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE,
              "utf-32-le": codecs.BOM_UTF32_LE, "utf-32-be": codecs.BOM_UTF32_BE}


class NotFixable(Exception):
    """A file whose text cannot be written back exactly as it was read (an encoding that does not round-trip)."""


def decode_for_fix(data: bytes) -> tuple[str, bytes, str]:
    """(text, BOM bytes, codec) such that ``bom + text.encode(codec) == data``, or NotFixable."""
    from .sources import SourceError
    from .sources.text import decode_text

    try:
        text, encoding = decode_text(data)
    except SourceError as exc:
        raise NotFixable(str(exc)) from None
    bom = b""
    if encoding.endswith("-bom"):
        encoding = encoding[:-4]
        bom = _BOM_BYTES[encoding]
    if bom + text.encode(encoding) != data:
        raise NotFixable("文件的字节无法按原编码原样写回，未修改")
    return text, bom, encoding


def encode_fixed(text: str, bom: bytes, encoding: str) -> bytes:
    try:
        return bom + text.encode(encoding)
    except UnicodeEncodeError:
        raise NotFixable(f"修正后的文字无法用原编码 {encoding} 保存，未修改") from None


@dataclass
class FileFix:
    path: str
    before: str = ""
    after: str = ""
    applied: list[Applied] = field(default_factory=list)
    error: str | None = None
    new_bytes: bytes | None = None
    old_bytes: bytes | None = None  # the file as it was read, to know whether it changed since


def fix_file(path: str | Path, check, unsafe: bool = False) -> FileFix:
    """Compute the fixes of one text file (``check(text)`` checks a text as that file); nothing is written."""
    path = Path(path)
    out = FileFix(str(path))
    try:
        data = out.old_bytes = path.read_bytes()
        text, bom, encoding = decode_for_fix(data)
        fixed, out.applied, _ = fix_text_with(text, check, unsafe)
        out.before, out.after = text, fixed
        if out.applied:
            out.new_bytes = encode_fixed(fixed, bom, encoding)
    except (OSError, NotFixable) as exc:
        out.error = str(exc)
        out.applied = []
    return out


def write_back(fix: FileFix) -> None:
    """Write a fixed text file in place, atomically; ``NotFixable`` (nothing written) when the file is
    write-protected, or when it changed since it was read (a colleague's save is never overwritten)."""
    import os

    from .outfile import write_atomically

    path = Path(fix.path)
    # the mode bits, not only access(): root may write anything, but a letter marked read-only is meant so
    if not os.access(path, os.W_OK) or not os.stat(path).st_mode & 0o222:
        raise NotFixable("文件是只读的（设置了写保护），未修改")
    try:
        now = path.read_bytes()
    except OSError as exc:
        raise NotFixable(f"无法再次读取（{exc.strerror or exc}），未修改") from None
    if now != fix.old_bytes:
        raise NotFixable("检查期间文件被修改过（可能有人刚保存），未修改；请再运行一次")
    write_atomically(path, fix.new_bytes)


def unified_diff(fix: FileFix) -> str:
    import difflib

    a = fix.before.splitlines(keepends=True)
    b = fix.after.splitlines(keepends=True)
    lines = difflib.unified_diff(a, b, fromfile=fix.path, tofile=fix.path)
    return "".join(line if line.endswith(("\n", "\r")) else line + "\n\\ No newline at end of file\n" for line in lines)


__all__ = ["fix_text", "fix_file", "write_back", "NotFixable", "apply_once", "choose_fixes", "applied_fix", "empties_line", "MAX_ROUNDS", "Applied", "FileFix", "unified_diff", "TEXT_SUFFIXES"]

"""Defences for reading untrusted office files: zip bombs, XML entity bombs, encrypted and broken files,
and a bound on the time one file may take.

Every reader of a zip-based format (.docx, .ofd) goes through ``SafeZip``, which

* refuses the archive from its central directory alone when the members would inflate past
  ``MAX_UNCOMPRESSED`` in all, when one large member claims a compression ratio above ``MAX_RATIO``, when
  there are more than ``MAX_MEMBERS`` members, or when a member is encrypted;
* enforces the same bound while inflating (``read``), so that a directory that lies about sizes gains
  nothing: inflating stops one byte past the declared size (or the budget), and that byte names the bomb;
  a member that inflates to less, or to other bytes than its checksum says, is reported as damaged;
* refuses any XML member that carries a document type declaration (``<!DOCTYPE`` / ``<!ENTITY``), the
  vehicle of billion-laughs and external-entity attacks, *before* any XML parser sees it. Office Open XML
  and OFD never use a DTD, so nothing legitimate is lost. The search is only sound in an encoding where
  those characters are the bytes searched for, so an XML part in any other encoding (UTF-7, EBCDIC,
  UCS-4, ISO-2022 …, which an attacker may declare and libxml2 would decode) is refused as well;
* refuses an XML member with more tags or attributes than ``MAX_XML_TAGS`` / ``MAX_XML_ATTRIBUTES`` before
  parsing it: a 50 MiB part of ``<w:p/>`` would otherwise become gigabytes of tree.

``parse_xml`` is the only XML parser the readers use themselves: lxml with entity resolution, DTD loading,
network access and huge trees all off. The checker only reads: no reader ever opens an input for writing.

``Deadline`` bounds the time: readers poll it in their loops, and ``Deadline.guard`` also runs a CPU-time
timer whose signal interrupts any Python loop (pdfminer's included) that runs past the limit.
"""

from __future__ import annotations

import codecs
import io
import re
import signal
import threading
import time
import zipfile
import zlib

from ..limits import MAX_CHARS
from . import SourceError, content_error, empty_file_error

MiB = 1024 * 1024
MAX_UNCOMPRESSED = 50 * MiB  # all members of one archive, inflated
MAX_RATIO = 100  # inflated / compressed, for a member large enough to matter
RATIO_FLOOR = 1 * MiB  # members smaller than this cannot make a bomb on their own: the total bound holds
MAX_MEMBERS = 5000
CHUNK = 256 * 1024
# One XML part, counted from its bytes before parsing: tags (every “<”: an element has one or two) and
# attributes (every “=”). A long letter's document.xml has some tens of thousands of elements; a part at
# these bounds parses into about 200 MB of tree.
MAX_XML_TAGS = 1_000_000
MAX_XML_ATTRIBUTES = 1_000_000

OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")  # compound file: .doc, .wps, and Word's *encrypted* .docx

# A DTD in any encoding an XML parser detects by itself (XML is case-sensitive: “<!doctype” is not XML).
_DTD_MARKS = tuple(mark.encode(enc) for mark in ("<!DOCTYPE", "<!ENTITY")
                   for enc in ("utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"))


# Glyphs drawn by one PDF or OFD, each of which becomes a positioned object for the layout: as many as the
# characters a file may give (MAX_CHARS), which leaves room for a letter that draws its bold text twice.
MAX_GLYPHS = MAX_CHARS


class GlyphBudget:
    """Counts the glyphs a PDF or OFD reader places, and stops the reader past ``MAX_GLYPHS``."""

    __slots__ = ("left",)

    def __init__(self):
        self.left = MAX_GLYPHS

    def take(self, count: int) -> None:
        self.left -= count
        if self.left < 0:
            raise content_error(f"文字超过 {MAX_GLYPHS} 个字形")


# Reading one file may take this long; the batch's own limit per file (checker/batch.py) is longer, so the
# reader's message, which says what was being read, is the one a person sees.
READ_SECONDS = 40.0
RETRY_SECONDS = 0.5  # once expired, the timer fires again this often until the reader has stopped


class _Expired(BaseException):
    """Raised by the CPU timer inside whatever the reader is running. A BaseException, so that no library's
    ``except Exception`` can swallow it; ``Deadline.guard`` turns it into the reader's message."""


_ARMED: list = []  # the Deadline whose timer runs: at most one, however readers nest
_HANDLER: dict = {}  # the SIGPROF handler found before ours, called when no reader is running


def _expire(signum, frame) -> None:
    if _ARMED:
        raise _Expired
    previous = _HANDLER.get("previous")
    if callable(previous):
        previous(signum, frame)


class Deadline:
    """A bound on the time spent on one file: readers call ``check`` in their loops (wall clock), and run
    their work through ``guard``, which also stops loops that never call ``check``."""

    def __init__(self, seconds: float = READ_SECONDS, what: str = "文件"):
        self.seconds = seconds
        self.what = what
        self.end = time.monotonic() + seconds

    def message(self) -> str:
        return f"读取{self.what}超过 {self.seconds:g} 秒仍未完成，已停止（文件可能异常复杂或已损坏）"

    def check(self) -> None:
        if time.monotonic() > self.end:
            raise SourceError(self.message())

    def guard(self, function, *args):
        """``function(*args)`` under a CPU-time timer (ITIMER_PROF: the batch's own limit uses ITIMER_REAL)
        whose signal raises inside any Python code, a library's loops included, once ``seconds`` of CPU
        are spent. Only in the main thread (where signals are delivered); elsewhere ``check`` alone."""
        arm = (not _ARMED and hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread())
        try:
            if arm:
                if "previous" not in _HANDLER:  # installed once and left: it does nothing while no reader runs
                    _HANDLER["previous"] = signal.signal(signal.SIGPROF, _expire)
                _ARMED.append(self)
                signal.setitimer(signal.ITIMER_PROF, self.seconds, RETRY_SECONDS)
            try:
                return function(*args)
            finally:
                if arm:
                    _ARMED.clear()  # first: from here on a late signal does nothing
                    signal.setitimer(signal.ITIMER_PROF, 0)
        except _Expired:
            raise SourceError(self.message()) from None


def ole_is_encrypted_package(data: bytes) -> bool:
    """Word and WPS save a password-protected .docx as a compound file holding these two streams."""
    probe = data[: 4 * MiB]
    return "EncryptedPackage".encode("utf-16-le") in probe or "EncryptionInfo".encode("utf-16-le") in probe


# Encodings without shift states in which an ASCII character only ever comes from its own byte, so that
# searching the bytes for “<!DOCTYPE” finds every DTD (a GBK trail byte may look like ASCII, but then it is
# part of another character). Office writes UTF-8 (or UTF-16); some Chinese OFD producers declare GB2312.
_ASCII_SAFE = {"utf-8", "utf8", "us-ascii", "ascii", "iso-8859-1", "latin1", "windows-1252", "cp1252",
               "gb2312", "gbk", "cp936", "gb18030", "big5"}
_UTF16 = {"utf-16", "utf-16le", "utf-16be", "utf16"}
_ENCODING = re.compile(r"""encoding\s*=\s*["']([^"']*)["']""")


def _xml_family(data: bytes) -> str | None:
    """How an XML parser reads the first bytes (XML 1.0, appendix F): "ascii" for UTF-8 and the encodings
    sharing its ASCII bytes, "utf-16-le"/"utf-16-be", or None for UCS-4 and EBCDIC."""
    head = data[:4]
    if head.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff", b"\x00\x00\x00<", b"<\x00\x00\x00",
                        b"\x00\x00<\x00", b"\x00<\x00\x00", b"\x4c\x6f\xa7\x94")):
        return None
    if head.startswith((codecs.BOM_UTF16_LE, b"<\x00?\x00")):
        return "utf-16-le"
    if head.startswith((codecs.BOM_UTF16_BE, b"\x00<\x00?")):
        return "utf-16-be"
    return "ascii"


def _declared_encoding(data: bytes, family: str) -> str | None:
    """The encoding named in the XML declaration, lower case; None without one. A declaration that does
    not end within the first 2 KB is no producer's: it reads as "?" (refused)."""
    text = data[:2048].decode("latin-1" if family == "ascii" else family, errors="replace")
    text = text.removeprefix("\ufeff").removeprefix("\xef\xbb\xbf")
    if not text.startswith("<?xml"):
        return None  # a parser accepts an XML declaration only at the very start
    end = text.find("?>")
    if end < 0:
        return "?"
    found = _ENCODING.search(text, 0, end)
    return found.group(1).strip().lower() if found else None


def refuse_unsafe_encoding(data: bytes, name: str) -> None:
    """Refuse an XML document whose detected or declared encoding is one where ``refuse_dtd`` could miss a
    DTD (UTF-7, EBCDIC, UCS-4, ISO-2022, HZ …): Office and OFD producers never write those."""
    family = _xml_family(data)
    declared = None if family is None else _declared_encoding(data, family)
    if family is not None and (declared is None or declared in (_ASCII_SAFE if family == "ascii" else _UTF16)):
        return
    shown = "UCS-4/EBCDIC" if family is None else "无法识别" if declared == "?" else declared
    shown = "".join(c for c in shown[:40] if c.isprintable())
    raise SourceError(f"文件中的 {name} 的编码（{shown}）不是办公文档所用的 UTF-8 或 UTF-16，"
                      "可能是为隐藏 XML 实体声明而恶意构造的，已拒绝读取")


def refuse_dtd(data: bytes, name: str) -> None:
    """Refuse an XML document that declares a DTD or entities, or that is in an encoding where such a
    declaration could hide from the search (see ``refuse_unsafe_encoding``)."""
    refuse_unsafe_encoding(data, name)
    if any(mark in data for mark in _DTD_MARKS):
        raise SourceError(
            f"文件中的 {name} 含有 XML 实体或文档类型声明（<!DOCTYPE>/<!ENTITY>），正常的办公文档不会有，"
            "可能是恶意构造的“实体炸弹”，已拒绝读取")


def refuse_huge_tree(data: bytes, name: str) -> None:
    """Refuse an XML document that would parse into more elements or attributes than any letter has."""
    if data.count(b"<") > MAX_XML_TAGS:
        raise content_error(f"{name} 含有超过 {MAX_XML_TAGS} 个 XML 标记")
    if data.count(b"=") > MAX_XML_ATTRIBUTES:
        raise content_error(f"{name} 含有超过 {MAX_XML_ATTRIBUTES} 个 XML 属性")


class SafeZip:
    """A zip archive checked before anything is inflated, and read under a budget."""

    def __init__(self, data: bytes, what: str):
        self.what = what
        if not data:
            raise empty_file_error()
        if not data.startswith(b"PK"):  # an OLE .doc named .docx is the docx reader's to recognise first
            raise SourceError(f"这不是有效的{what}：文件不是 zip 压缩包格式，可能已损坏，或扩展名与实际格式不符")
        self.data = data
        # zipfile builds an object per directory entry before we could count them: count their signatures
        if data.count(b"PK\x01\x02") > MAX_MEMBERS:
            raise SourceError(f"{what}内含超过 {MAX_MEMBERS} 个部件，远超正常文档，疑似“压缩炸弹”，已拒绝读取")
        try:
            infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, OSError, NotImplementedError,
                RuntimeError, IndexError, KeyError, TypeError, UnicodeDecodeError):
            raise SourceError(f"{what}不完整或已损坏（zip 目录无法读取），可能是下载或复制没有完成，请重新获取文件") from None
        if len(infos) > MAX_MEMBERS:
            raise SourceError(f"{what}内含 {len(infos)} 个部件，远超正常文档，疑似“压缩炸弹”，已拒绝读取")
        total = 0
        for info in infos:
            if info.flag_bits & 0x1:
                raise SourceError(f"{what}中的部件已加密，无法读取：请取消密码后另存，再检查")
            total += info.file_size
            if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                raise SourceError(
                    f"{what}中的部件 {info.filename} 压缩比异常（{info.file_size // max(info.compress_size, 1)}:1，"
                    f"上限 {MAX_RATIO}:1），疑似“压缩炸弹”，已拒绝读取")
        if total > MAX_UNCOMPRESSED:
            raise SourceError(f"{what}解压后共 {total // MiB} MiB，超过上限 {MAX_UNCOMPRESSED // MiB} MiB，"
                              "疑似“压缩炸弹”，已拒绝读取")
        # the last entry of a name wins, as in zipfile itself (and so in python-docx)
        self.by_name = {info.filename: info for info in infos}
        self.budget = MAX_UNCOMPRESSED

    def names(self) -> list[str]:
        return list(self.by_name)

    def has(self, name: str) -> bool:
        return name in self.by_name

    def read(self, name: str | zipfile.ZipInfo) -> bytes:
        """Inflate one member, never more than its declared size nor the archive's remaining budget.

        The member is inflated here from its raw bytes rather than through ``zipfile``: ``zipfile`` silently
        stops at the declared size and then reports a checksum error, which would call a lying zip bomb
        “damaged”; inflating with a bound of declared size + 1 tells the two apart."""
        info = name if isinstance(name, zipfile.ZipInfo) else self.by_name.get(name)
        if info is None:
            raise SourceError(f"{self.what}缺少必需的部件 {name}，文件不完整或不是该格式")
        if info.file_size > self.budget:
            raise SourceError(f"{self.what}解压后超过上限 {MAX_UNCOMPRESSED // MiB} MiB，疑似“压缩炸弹”，已拒绝读取")
        raw = self._raw(info)
        if info.compress_type == zipfile.ZIP_STORED:
            data = raw
            if len(data) != info.file_size:
                raise self._damaged(info)
        elif info.compress_type == zipfile.ZIP_DEFLATED:
            data = self._inflate(raw, info)
        else:
            raise SourceError(f"{self.what}使用了不支持的压缩方式，无法读取：请用 Word/WPS 重新保存后再检查")
        if zlib.crc32(data) & 0xFFFFFFFF != info.CRC:
            raise self._damaged(info)
        self.budget -= len(data)
        return data

    def _raw(self, info: zipfile.ZipInfo) -> bytes:
        """The compressed bytes of a member, found through its local header."""
        start = info.header_offset
        header = self.data[start:start + 30]
        if len(header) < 30 or header[:4] != b"PK\x03\x04":
            raise self._damaged(info)
        name_len = int.from_bytes(header[26:28], "little")
        extra_len = int.from_bytes(header[28:30], "little")
        begin = start + 30 + name_len + extra_len
        raw = self.data[begin:begin + info.compress_size]
        if len(raw) != info.compress_size:
            raise self._damaged(info)
        return raw

    def _inflate(self, raw: bytes, info: zipfile.ZipInfo) -> bytes:
        limit = min(info.file_size, self.budget)
        inflater = zlib.decompressobj(-15)
        parts: list[bytes] = []
        got = 0
        pending = raw
        try:
            while True:
                before = pending
                # ask for at most one byte more than may come out: a bomb shows itself by that byte
                chunk = inflater.decompress(pending, min(CHUNK, limit - got + 1))
                pending = inflater.unconsumed_tail
                got += len(chunk)
                if got > limit:
                    raise SourceError(f"{self.what}中的部件 {info.filename} 解压后超出声明的大小"
                                      f"（声明 {info.file_size} 字节），疑似“压缩炸弹”，已拒绝读取")
                parts.append(chunk)
                if inflater.eof or (not chunk and len(pending) >= len(before)):
                    break  # the end, or no progress: a truncated stream, reported below
        except zlib.error:
            raise self._damaged(info) from None
        if not inflater.eof or got != info.file_size:
            raise self._damaged(info)
        return b"".join(parts)

    def _damaged(self, info: zipfile.ZipInfo) -> SourceError:
        return SourceError(f"{self.what}不完整或已损坏（部件 {info.filename} 无法解压，校验失败），"
                           "可能是下载或复制没有完成，请重新获取文件")

    def parse(self, name: str):
        """Inflate one XML member (under the budget) and parse it hardened (``parse_xml``)."""
        return parse_xml(self.read(name), name, self.what)


_PARSER = None


def xml_parser():
    """lxml, hardened: no entity resolution, no DTD, no network, no huge trees, no comments or PIs."""
    global _PARSER
    if _PARSER is None:
        from lxml import etree

        _PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                                  huge_tree=False, remove_comments=True, remove_pis=True, recover=False)
    return _PARSER


def parse_xml(data: bytes, name: str, what: str):
    """Parse one XML member (already size-bounded) into an lxml element, or raise ``SourceError``."""
    from lxml import etree

    refuse_dtd(data, name)
    refuse_huge_tree(data, name)
    try:
        root = etree.fromstring(data, xml_parser())
    except etree.XMLSyntaxError as exc:
        raise SourceError(f"{what}中的 {name} 不是格式正确的 XML（{_short(exc)}），文件可能已损坏") from None
    except (ValueError, TypeError, MemoryError, RecursionError, etree.LxmlError):
        raise SourceError(f"{what}中的 {name} 无法解析，文件可能已损坏") from None
    if root is None:
        raise SourceError(f"{what}中的 {name} 是空的，文件可能已损坏")
    return root


def _short(exc: Exception) -> str:
    text = str(exc).strip()
    return text if len(text) <= 80 else text[:77] + "…"

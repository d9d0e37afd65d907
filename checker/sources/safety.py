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
  and OFD never use a DTD, so nothing legitimate is lost.

``parse_xml`` is the only XML parser the readers use themselves: lxml with entity resolution, DTD loading,
network access and huge trees all off. The checker only reads: no reader ever opens an input for writing.
"""

from __future__ import annotations

import io
import time
import zipfile
import zlib

from . import SourceError, empty_file_error

MiB = 1024 * 1024
MAX_UNCOMPRESSED = 50 * MiB  # all members of one archive, inflated
MAX_RATIO = 100  # inflated / compressed, for a member large enough to matter
RATIO_FLOOR = 1 * MiB  # members smaller than this cannot make a bomb on their own: the total bound holds
MAX_MEMBERS = 5000
CHUNK = 256 * 1024

OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")  # compound file: .doc, .wps, and Word's *encrypted* .docx

# A DTD in any encoding an XML parser detects by itself (XML is case-sensitive: “<!doctype” is not XML).
_DTD_MARKS = tuple(mark.encode(enc) for mark in ("<!DOCTYPE", "<!ENTITY")
                   for enc in ("utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"))


# Reading one file may take this long; the batch's own limit per file (checker/batch.py) is longer, so the
# reader's message, which says what was being read, is the one a person sees.
READ_SECONDS = 40.0


class Deadline:
    """A bound on the wall-clock time spent on one file; readers call ``check`` in their loops."""

    def __init__(self, seconds: float = READ_SECONDS, what: str = "文件"):
        self.seconds = seconds
        self.what = what
        self.end = time.monotonic() + seconds

    def check(self) -> None:
        if time.monotonic() > self.end:
            raise SourceError(f"读取{self.what}超过 {self.seconds:g} 秒仍未完成，已停止（文件可能异常复杂或已损坏）")


def ole_is_encrypted_package(data: bytes) -> bool:
    """Word and WPS save a password-protected .docx as a compound file holding these two streams."""
    probe = data[: 4 * MiB]
    return "EncryptedPackage".encode("utf-16-le") in probe or "EncryptionInfo".encode("utf-16-le") in probe


def refuse_dtd(data: bytes, name: str) -> None:
    """Refuse an XML document that declares a DTD or entities (UTF-8, UTF-16 or UTF-32)."""
    if any(mark in data for mark in _DTD_MARKS):
        raise SourceError(
            f"文件中的 {name} 含有 XML 实体或文档类型声明（<!DOCTYPE>/<!ENTITY>），正常的办公文档不会有，"
            "可能是恶意构造的“实体炸弹”，已拒绝读取")


class SafeZip:
    """A zip archive checked before anything is inflated, and read under a budget."""

    def __init__(self, data: bytes, what: str):
        self.what = what
        if not data:
            raise empty_file_error()
        if not data.startswith(b"PK"):  # an OLE .doc named .docx is the docx reader's to recognise first
            raise SourceError(f"这不是有效的{what}：文件不是 zip 压缩包格式，可能已损坏，或扩展名与实际格式不符")
        self.data = data
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

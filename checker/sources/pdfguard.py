"""pdfminer.six, bounded: every count or size a PDF states is checked before it drives a loop or an allocation.

pdfminer reads PDFs as they should be. A hostile file can ask it for far more than a letter needs, from a
few hundred bytes, and the reader (``pdf.py``) runs it with these bounds in place:

* **object graph** (``BoundedDocument``): an object that is only a reference to another is followed at most
  ``MAX_REFERENCE_CHAIN`` steps and never round a loop (``2 0 R`` → ``3 0 R`` → ``2 0 R`` made pdfminer spin
  for ever), an object is never fetched again while it is being fetched (an object stream said to lie in
  itself), ``/Prev`` chains of cross-reference sections stop at a loop, and a scan for a misplaced object
  keeps two tokens, not the whole file;
* **page tree** (``pages``): walked without recursion, a ``/Kids`` loop is reported as a loop, depth and the
  number of nodes are bounded, and page labels (pdfminer renders each one, e.g. 2 000 000 000 in roman
  numerals) are not computed;
* **parsers**: at most ``MAX_NESTING`` nested arrays/dictionaries and ``MAX_STACK_ITEMS`` items in one, and
  ``MAX_OBJECT_TOKENS`` tokens of document objects in all (an object stream of 64 MiB of ``0 `` would be
  gigabytes of Python objects), and ``MAX_CONTENT_TOKENS`` tokens of all pages' content streams;
* **fonts**: ToUnicode and embedded CMaps, ``/W`` widths and the cmap of an embedded TrueType font are
  expanded range by range in pdfminer, so each range is checked first (``<00000000> <FFFFFFFF>`` is four
  billion entries); these and every other per-font map (``/Widths``, ``/Differences``, a Type 1 font's
  encoding), built again for each font even when fonts share one array, count against
  ``MAX_FONT_ENTRIES``;
* **streams**: Flate, LZW and RunLength decoding stop at ``MAX_STREAM`` per stream and ``MAX_DECODED`` per
  document; predictor rows are bounded; LZW's table stays at 4096 entries; CCITT (an image compression,
  never decoded for text) is refused; an inline image is gathered in linear time;
* **content** (``BoundedInterpreter``): operands, saved graphics states and nested XObjects are bounded, and
  paths are not built at all (the text device draws none).

Time is bounded by the reader's deadline: checked at every object fetched and XObject drawn, and enforced
inside any loop by ``Deadline.guard``'s CPU timer. The per-document budgets (decoded bytes, tokens, font
entries) count only while ``document_budget`` is active; every other bound holds for every use of pdfminer
in the process, as no legitimate PDF comes near them.
"""

from __future__ import annotations

import io
import threading
import zlib
from contextlib import contextmanager

from pdfminer.lzw import LZWDecoder
from pdfminer.pdfdocument import PDFDocument
from pdfminer.pdfexceptions import PDFObjectNotFound
from pdfminer.pdfinterp import PDFPageInterpreter
from pdfminer.pdfpage import LITERAL_PAGE, LITERAL_PAGES, PDFPage
from pdfminer.pdfparser import PDFSyntaxError
from pdfminer.pdftypes import PDFObjRef, dict_value, list_value, resolve1

from ..limits import content_error_text
from .safety import MiB

MAX_STREAM = 64 * MiB  # one decoded stream (a fully embedded CJK font is some 20 MiB)
MAX_DECODED = 256 * MiB  # all streams of one document
MAX_REFERENCE_CHAIN = 32  # an object that is a reference to a reference to …
MAX_XREF_SECTIONS = 64  # cross-reference sections (one per incremental save)
MAX_TREE_DEPTH = 64  # levels of the page tree (a balanced tree of 200 pages has three or four)
MAX_TREE_NODES = 10_000  # page tree nodes visited
MAX_FALLBACK_OBJECTS = 100_000  # objects tried when the page tree is missing
MAX_MISPLACED_SCAN = 10_000  # tokens skipped looking for a misplaced “N G obj”
MAX_NESTING = 100  # arrays and dictionaries inside one another (and parentheses inside a string)
MAX_STRING_BYTES = 1 * MiB  # one string object: a line of text, a name, a date
MAX_STACK_ITEMS = 500_000  # items of one array or dictionary (a complete /W array has some 65 000)
MAX_OBJECT_TOKENS = 2_000_000  # tokens of the document's objects, content streams not included
# tokens of all pages' content streams (operators and operands): a page of a letter placed glyph by glyph
# has a few thousand, so 200 pages fit; pdfminer takes some 5 µs a token, so this is seconds, not the
# minutes of a stream of millions of “0 0 Td”, or of 200 pages that all draw one 60 MB stream
MAX_CONTENT_TOKENS = 600_000
MAX_CMAP_RANGE = 65_536  # codes in one CMap or widths range: a whole two-byte code space
MAX_FONT_ENTRIES = 1_000_000  # entries of all per-font maps of one document (CMaps, widths, encodings …)
MAX_UNICODE_BYTES = 512  # the destination of one ToUnicode entry (the PDF specification's own limit)
MAX_PREDICTOR_COLUMNS = 1 << 16  # pixels (or bytes) in one row of a predicted stream
MAX_OPERANDS = 10_000  # operands waiting for an operator; beyond, the oldest (never used) are dropped
KEEP_OPERANDS = 64
MAX_GRAPHICS_STATES = 1024  # saved by q; beyond, the oldest is forgotten (PDF's own limit is 28)
MAX_XOBJECT_DEPTH = 16  # form XObjects drawn inside one another
MAX_XOBJECT_CALLS = 10_000  # XObjects drawn in the whole document
LZW_TABLE = 4096  # a 12-bit LZW table is full here; a valid encoder clears it first


class PdfLimit(Exception):
    """A count or size in the PDF beyond a bound; ``message`` is the reader's per-file message."""

    def __init__(self, what: str, message: str | None = None):
        super().__init__(what)
        self.message = message or content_error_text(what)


class PdfCycle(PdfLimit):
    """Objects of the PDF that refer to each other in a loop."""

    def __init__(self, where: str, objid: object):
        super().__init__(where, f"PDF 文件结构异常：{where}形成循环（对象 {objid}），无法读取（文件已损坏或是恶意构造的）")


class TooLarge(Exception):
    """A stream that decodes to more than ``MAX_STREAM`` (or the document to more than ``MAX_DECODED``)."""


class _Budget(threading.local):
    active = False
    decoded = 0
    tokens = 0
    content_tokens = 0
    font_entries = 0


_BUDGET = _Budget()


@contextmanager
def document_budget():
    """While reading one document, count what it decodes, parses and maps against the per-document bounds."""
    _BUDGET.active, _BUDGET.decoded, _BUDGET.tokens, _BUDGET.font_entries = True, 0, 0, 0
    _BUDGET.content_tokens = 0
    try:
        yield
    finally:
        _BUDGET.active = False


def _charge_decoded(n: int) -> None:
    if n > MAX_STREAM:
        raise TooLarge
    if _BUDGET.active:
        _BUDGET.decoded += n
        if _BUDGET.decoded > MAX_DECODED:
            raise TooLarge


def _charge_font_entries(n: int) -> None:
    if _BUDGET.active:
        _BUDGET.font_entries += n
        if _BUDGET.font_entries > MAX_FONT_ENTRIES:
            raise PdfLimit(f"PDF 字体的字符映射与宽度表超过 {MAX_FONT_ENTRIES} 项")


def _check_range(count: int, what: str) -> None:
    if count > MAX_CMAP_RANGE:
        shown = count if count < 10**12 else "上万亿"
        raise PdfLimit(f"PDF 字体的{what}中一个范围含 {shown} 个编码（上限 {MAX_CMAP_RANGE}）")


# ---- the object graph -------------------------------------------------------------------------------------------


class BoundedDocument(PDFDocument):
    """pdfminer's document, which never follows a reference loop and checks the deadline at every fetch."""

    def __init__(self, parser, password: str, deadline):
        self.deadline = deadline
        self._fetching: set = set()
        self._xref_starts: set = set()
        super().__init__(parser, password=password)

    def getobj(self, objid):
        """The object, with a chain of bare references (``2 0 obj 3 0 R endobj``) followed to its end."""
        obj = self._fetch(objid)
        seen = {objid}
        while isinstance(obj, PDFObjRef):
            if obj.objid in seen or len(seen) > MAX_REFERENCE_CHAIN:
                raise PdfCycle("对象之间的引用", obj.objid)
            seen.add(obj.objid)
            obj = self._fetch(obj.objid)
        return obj

    def _fetch(self, objid):
        self.deadline.check()
        if objid in self._fetching:  # e.g. an object said to be inside an object stream that is itself
            raise PdfCycle("对象流与其中对象的引用", objid)
        self._fetching.add(objid)
        try:
            return super().getobj(objid)
        finally:
            self._fetching.discard(objid)

    def read_xref_from(self, parser, start, xrefs) -> None:
        if start in self._xref_starts or len(self._xref_starts) >= MAX_XREF_SECTIONS:
            return  # a /Prev that leads back (or on and on): the sections read so far are the table
        self._xref_starts.add(start)
        super().read_xref_from(parser, start, xrefs)

    def _getobj_parse(self, pos: int, objid: int):
        """pdfminer's, except that looking for a misplaced “N G obj” keeps two tokens, not every token of
        the file, and gives up after ``MAX_MISPLACED_SCAN``."""
        parser = self._parser
        parser.seek(pos)
        (_, objid1) = parser.nexttoken()
        (_, _genno) = parser.nexttoken()
        (_, kwd) = parser.nexttoken()
        if objid1 != objid:
            last = [None, kwd]
            for _ in range(MAX_MISPLACED_SCAN):
                if kwd is self.KEYWORD_OBJ:
                    break
                (_, kwd) = parser.nexttoken()
                last = [last[1], kwd]
            else:
                raise PDFSyntaxError(f"objid not found near offset {pos!r}")
            objid1 = last[0]
        if objid1 != objid:
            raise PDFSyntaxError(f"objid mismatch: {objid1!r}={objid!r}")
        if kwd is not self.KEYWORD_OBJ:
            raise PDFSyntaxError(f"Invalid object spec: offset={pos!r}")
        (_, obj) = parser.nextobject()
        return obj


def pages(document: BoundedDocument):
    """The document's pages in order, as ``PDFPage.create_pages`` gives them, walked without recursion:
    a /Kids loop raises ``PdfCycle``, depth and size are bounded, page labels are not computed."""
    inheritable = PDFPage.INHERITABLE_ATTRS
    found = False
    if "Pages" in document.catalog:
        stack: list = [("node", document.catalog["Pages"], document.catalog, 0)]
        ancestors: set = set()
        done: set = set()
        visited = 0
        while stack:
            entry = stack.pop()
            if entry[0] == "leave":
                ancestors.discard(entry[1])
                continue
            _, node, parent, depth = entry
            objid = node.objid if isinstance(node, PDFObjRef) else None
            if objid is not None:
                if objid in ancestors:
                    raise PdfCycle("页面树", objid)
                if objid in done:
                    continue  # the same node listed twice: read once, as pdfminer does
                done.add(objid)
            visited += 1
            if visited > MAX_TREE_NODES:
                raise PdfLimit(f"PDF 的页面树超过 {MAX_TREE_NODES} 个节点")
            properties = dict_value(node).copy()
            for key, value in parent.items():
                if key in inheritable and key not in properties:
                    properties[key] = value
            kind = properties.get("Type", properties.get("type"))
            if kind is LITERAL_PAGES and "Kids" in properties:
                if depth >= MAX_TREE_DEPTH:
                    raise PdfLimit(f"PDF 的页面树超过 {MAX_TREE_DEPTH} 层")
                if objid is not None:
                    ancestors.add(objid)
                    stack.append(("leave", objid))
                kids = list_value(properties["Kids"])
                stack.extend(("node", kid, properties, depth + 1) for kid in reversed(kids))
            elif kind is LITERAL_PAGE:
                found = True
                yield PDFPage(document, objid, properties, None)
    if found:
        return
    tried = 0  # no page tree: pdfminer's fallback, any object of type /Page, within a bound
    for xref in document.xrefs:
        for objid in xref.get_objids():
            tried += 1
            if tried > MAX_FALLBACK_OBJECTS:
                return
            try:
                obj = document.getobj(objid)
            except PDFObjectNotFound:  # as pdfminer: a listed object that is not there is skipped
                continue
            if isinstance(obj, dict) and obj.get("Type") is LITERAL_PAGE:
                yield PDFPage(document, objid, obj, None)


# ---- content streams ----------------------------------------------------------------------------------------------


class BoundedInterpreter(PDFPageInterpreter):
    """pdfminer's interpreter with bounded operand and state stacks and XObject nesting, and no paths.

    The device must have ``xobjects`` (a count) and ``deadline``."""

    depth = 0

    def subinterp(self):
        interpreter = super().subinterp()
        interpreter.depth = self.depth + 1
        return interpreter

    def push(self, obj) -> None:
        stack = self.argstack
        stack.append(obj)
        if len(stack) > MAX_OPERANDS:  # operands of operators pdfminer does not know, never taken
            del stack[:-KEEP_OPERANDS]

    def pop(self, n: int) -> list:
        if n <= 0:
            return []
        stack = self.argstack
        taken = stack[-n:]
        del stack[-n:]  # in place: pdfminer copies the whole stack at every operator
        return taken

    def do_q(self) -> None:
        if len(self.gstack) >= MAX_GRAPHICS_STATES:
            del self.gstack[0]
        super().do_q()

    def do_Do(self, xobjid_arg) -> None:
        device = self.device
        device.xobjects += 1
        if device.xobjects > MAX_XOBJECT_CALLS:
            raise PdfLimit(f"PDF 中绘制的图形对象（XObject）超过 {MAX_XOBJECT_CALLS} 次")
        if self.depth >= MAX_XOBJECT_DEPTH:
            raise PdfLimit(f"PDF 中的图形对象（XObject）嵌套超过 {MAX_XOBJECT_DEPTH} 层")
        device.deadline.check()
        super().do_Do(xobjid_arg)

    # Path construction: the text device paints no paths, and a stream of “0 0 l” would build a list of
    # millions of segments. Each keeps pdfminer's arity, by which the interpreter takes its operands.
    def do_m(self, x, y) -> None:
        pass

    def do_l(self, x, y) -> None:
        pass

    def do_c(self, x1, y1, x2, y2, x3, y3) -> None:
        pass

    def do_v(self, x2, y2, x3, y3) -> None:
        pass

    def do_y(self, x1, y1, x3, y3) -> None:
        pass

    def do_h(self) -> None:
        pass

    def do_re(self, x, y, w, h) -> None:
        pass


# ---- patches to pdfminer's modules, installed once ------------------------------------------------------------


class _BoundedInflater:
    def __init__(self, inner):
        self.inner = inner
        self.total = 0

    def decompress(self, data: bytes, max_length: int = 0) -> bytes:
        limit = MAX_STREAM + 1 - self.total
        if max_length:
            limit = min(limit, max_length)
        out = self.inner.decompress(data, max(limit, 1))
        self.total += len(out)
        _charge_decoded(len(out))
        return out

    def __getattr__(self, name):
        return getattr(self.inner, name)


class _BoundedZlib:
    """Stands in for the ``zlib`` module inside pdfminer.pdftypes: the same, with bounded output."""

    error = zlib.error
    MAX_WBITS = zlib.MAX_WBITS

    def decompress(self, data: bytes, wbits: int = zlib.MAX_WBITS, bufsize: int = 0) -> bytes:
        inflater = zlib.decompressobj(wbits)
        out = inflater.decompress(data, MAX_STREAM + 1)
        _charge_decoded(len(out))
        if not inflater.eof:
            if inflater.unconsumed_tail:
                raise TooLarge
            # a truncated stream: pdfminer would retry byte by byte (slowly); what came out is what there is
            if not out:
                raise zlib.error("incomplete or truncated stream")
        return out

    def decompressobj(self, *args, **kwargs):
        return _BoundedInflater(zlib.decompressobj(*args, **kwargs))

    def __getattr__(self, name):
        return getattr(zlib, name)


def _decompress_corrupted(data: bytes) -> bytes:
    """A zlib stream whose checksum is wrong, read as raw deflate (pdfminer feeds it byte by byte into an
    ever-copied bytes object: quadratic)."""
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    try:
        out = inflater.decompress(data[2:], MAX_STREAM + 1)
    except zlib.error:
        return b""
    if inflater.unconsumed_tail:
        raise TooLarge
    _charge_decoded(len(out))
    return out


class _FullTableDecoder(LZWDecoder):
    def feed(self, code: int) -> bytes:
        # pdfminer's table grows without end (a code past 4095 cannot even be read); a full table takes no
        # more entries until the encoder clears it
        if code not in (256, 257) and self.prevbuf and len(self.table) >= LZW_TABLE:
            if code >= len(self.table):
                return b""
            self.prevbuf = self.table[code]
            return self.prevbuf
        return super().feed(code)


def _bounded_lzw(data: bytes) -> bytes:
    parts = []
    total = 0
    for chunk in _FullTableDecoder(io.BytesIO(data)).run():
        total += len(chunk)
        if total > MAX_STREAM:
            raise TooLarge
        parts.append(chunk)
    _charge_decoded(total)
    return b"".join(parts)


def _bounded_runlength(data: bytes) -> bytes:
    out = bytearray()
    i, n = 0, len(data)
    while i < n:
        length = data[i]
        i += 1
        if length == 128:
            break
        if length < 128:
            out += data[i:i + length + 1]
            i += length + 1
        else:
            if i >= n:
                break
            out += bytes((data[i],)) * (257 - length)
            i += 1
        if len(out) > MAX_STREAM:
            raise TooLarge
    _charge_decoded(len(out))
    return bytes(out)


def _refuse_ccitt(data: bytes, params) -> bytes:
    """CCITT fax compression is for images, whose data the text device never decodes; on a content stream,
    a font or a CMap it is no producer's, and pdfminer's pure-Python decoder of rows of any width is a
    minute's work for a few kilobytes."""
    raise PdfLimit("CCITT", "PDF 文件结构异常：文字内容或字体使用了传真图像压缩（CCITTFax），"
                            "正常的 PDF 不会这样，无法读取（文件已损坏或是恶意构造的）")


def _bounded_predictor(original):
    """A predictor whose row width (Colors × Columns) is checked before pdfminer allocates a row."""

    def predict(*args):
        colors, columns = args[-4], args[-3]  # (pred,) colors, columns, bitspercomponent, data
        if not (isinstance(colors, int) and isinstance(columns, int) and 0 < colors <= 32
                and 0 < columns <= MAX_PREDICTOR_COLUMNS):
            raise PdfLimit(f"PDF 数据流的预测器参数异常（Colors {colors!r}，Columns {columns!r}）")
        return original(*args)

    return predict


def _bounded_resolve_all(x, default=None):
    """pdfminer's ``resolve_all`` (every reference inside an object, recursively), bounded in depth and in
    the number of objects visited: a self-referring array made pdfminer recurse without end."""
    return _resolve_within(x, default, 0, [0])


def _resolve_within(value, default, depth: int, visited: list[int]):
    value = resolve1(value, default)
    visited[0] += 1
    if depth > MAX_NESTING or visited[0] > MAX_STACK_ITEMS:
        raise PdfLimit("PDF 对象的嵌套或相互引用过多")
    if isinstance(value, list):
        return [_resolve_within(v, default, depth + 1, visited) for v in value]
    if isinstance(value, dict):
        for key, v in value.items():
            value[key] = _resolve_within(v, default, depth + 1, visited)
    return value


def _counted_widths(original, group: int, resolve: bool):
    """``get_widths`` (group 3: c [w …] / c1 c2 w) or ``get_widths2`` (group 5), whose ranges are counted
    and checked, following the same reading of the array, before pdfminer expands them."""

    def widths(seq):
        seq = list(seq)
        count = 0
        numbers: list = []
        for v in seq:
            if resolve:
                v = resolve1(v)
            if isinstance(v, list):
                if numbers:
                    count += len(v) if group == 3 else len(v) // 3
                    numbers = []
            elif isinstance(v, (int, float)):
                numbers.append(v)
                if len(numbers) == group:
                    first, last = numbers[0], numbers[1]
                    if isinstance(first, int) and isinstance(last, int) and last >= first:
                        _check_range(last - first + 1, "宽度表（W）")
                        count += last - first + 1
                    numbers = []
        _charge_font_entries(count)
        return original(seq)

    return widths


class _CountedCodes(dict):
    """A TrueType cmap subtable being read: each code written counts against ``MAX_FONT_ENTRIES``."""

    def __setitem__(self, key, value) -> None:
        _charge_font_entries(1)
        super().__setitem__(key, value)


def _counted_cmap_format(original):
    def parse(self, fp, char2gid) -> None:
        codes = _CountedCodes()
        original(self, fp, codes)
        char2gid.update(codes)

    return parse


def _bounded_cmap_keyword(original):
    """CMapParser.do_keyword, with each range and destination of a block checked, and counted against
    ``MAX_FONT_ENTRIES``, before pdfminer expands the block entry by entry."""
    from pdfminer.cmapdb import CMapParser
    from pdfminer.utils import choplist

    ranges = (CMapParser.KEYWORD_ENDBFRANGE, CMapParser.KEYWORD_ENDCIDRANGE)
    chars = (CMapParser.KEYWORD_ENDBFCHAR, CMapParser.KEYWORD_ENDCIDCHAR)

    def width(destination) -> int:
        if isinstance(destination, bytes):
            if len(destination) > MAX_UNICODE_BYTES:
                raise PdfLimit(f"PDF 字体的字符映射表（CMap）中一项超过 {MAX_UNICODE_BYTES} 字节")
            return max(1, len(destination) // 2)
        if isinstance(destination, list):
            return sum(width(d) for d in destination)
        return 1

    def do_keyword(self, pos, token) -> None:
        if self._in_cmap and (token in ranges or token in chars):
            objs = [obj for (_, obj) in self.curstack]
            count = 0
            if token in ranges:
                cid_range = token is CMapParser.KEYWORD_ENDCIDRANGE
                for start, end, destination in choplist(3, objs):
                    if isinstance(start, bytes) and isinstance(end, bytes):
                        first = int.from_bytes(start[-4:] if cid_range else start, "big")
                        last = int.from_bytes(end[-4:] if cid_range else end, "big")
                        if last < first:
                            continue
                        _check_range(last - first + 1, "字符映射表（CMap）")
                        if isinstance(destination, list):  # one destination each, as far as the list goes
                            count += width(destination)
                        else:
                            count += (last - first + 1) * (1 if cid_range else width(destination))
            else:
                for _source, destination in choplist(2, objs):
                    count += width(destination)
            _charge_font_entries(count)
        original(self, pos, token)

    return do_keyword


def _inline_data(self, pos: int, target: bytes = b"EI") -> tuple[int, bytes]:
    """PDFContentParser.get_inline_data, pdfminer's own, gathering into a bytearray: it appended byte by
    byte to a bytes object, quadratic (minutes) for an inline image of three megabytes of “E”."""
    self.seek(pos)
    i = 0
    data = bytearray()
    while i <= len(target):
        self.fillbuf()
        if i:
            c = bytes((self.buf[self.charpos],))
            data += c
            self.charpos += 1
            if (len(target) <= i and c.isspace()) or (i < len(target) and c == bytes((target[i],))):
                i += 1
            else:
                i = 0
        else:
            j = self.buf.find(target[0], self.charpos)
            if j < 0:
                data += self.buf[self.charpos:]
                self.charpos = len(self.buf)
            else:
                data += self.buf[self.charpos:j + 1]
                self.charpos = j + 1
                i = 1
    del data[-(len(target) + 1):]  # the target and the white space after it
    if data.endswith(b"\r\n"):
        del data[-2:]
    elif data.endswith((b"\r", b"\n")):
        del data[-1:]
    return (pos, bytes(data))


def _counted_type1_keyword(original, put):
    """Type1FontHeaderParser.do_keyword: each “dup N /name put” of an embedded Type 1 font's encoding is
    an entry of its code map, counted."""

    def do_keyword(self, pos, token) -> None:
        if token is put:
            _charge_font_entries(1)
        original(self, pos, token)

    return do_keyword


def _counted_encoding(original):
    """EncodingDB.get_encoding: a font's /Differences become a map of its own, even when a thousand fonts
    share one array, so each use is counted."""

    def get_encoding(cls, name, diff=None):
        if diff:
            _charge_font_entries(len(diff))
        return original(name, diff)

    return classmethod(get_encoding)


def _counted_font_init(original):
    """PDFFont.__init__: a simple font's widths, built by pdfminer from /Widths for every font that uses
    the array, are counted (a CID font's were counted as ``get_widths`` expanded them)."""
    from pdfminer.pdffont import PDFCIDFont

    def __init__(self, descriptor, widths, default_width=None) -> None:
        if not isinstance(self, PDFCIDFont) and isinstance(widths, dict):
            _charge_font_entries(len(widths))
        original(self, descriptor, widths, default_width)

    return __init__


def _bounded_push(self, *objs) -> None:
    stack = self.curstack
    stack.extend(objs)
    if len(stack) > MAX_STACK_ITEMS:
        raise PdfLimit(f"PDF 中一个数组、字典或数据块的元素超过 {MAX_STACK_ITEMS} 个")


def _counted_push(counter: str, limit: int, message: str):
    """A parser's push whose tokens count against the document budget's ``counter``; past ``limit``, the
    file stops with ``message``."""

    def push(self, *objs) -> None:
        if _BUDGET.active:
            count = getattr(_BUDGET, counter) + len(objs)
            setattr(_BUDGET, counter, count)
            if count > limit:
                raise PdfLimit(message)
        _bounded_push(self, *objs)

    return push


def _linear_parse_string(original):
    """PSBaseParser._parse_string appends to the string being read once per ``(``, ``)`` or ``\\`` in it, and
    appending to ``bytes`` copies it: 2 M nested parentheses took minutes. The string is built in a
    ``bytearray`` (appends in place) and made ``bytes`` again when it is added as a token."""

    def parse_string(self, s: bytes, i: int) -> int:
        token = self._curtoken
        if type(token) is bytes:
            token = self._curtoken = bytearray(token)
        if self.paren > MAX_NESTING:
            raise PdfLimit(f"PDF 中一个字符串里的括号嵌套超过 {MAX_NESTING} 层")
        if len(token) > MAX_STRING_BYTES:
            raise PdfLimit(f"PDF 中一个字符串超过 {MAX_STRING_BYTES // MiB} MiB")
        return original(self, s, i)

    return parse_string


def _add_token_as_bytes(self, obj) -> None:
    """PSBaseParser._add_token, giving pdfminer ``bytes`` as it expects, never the bytearray it was built in."""
    if type(obj) is bytearray:
        obj = bytes(obj)
    self._tokens.append((self._curtokenpos, obj))


def _bounded_start_type(original):
    def start_type(self, pos, type) -> None:
        if len(self.context) >= MAX_NESTING:
            raise PdfLimit(f"PDF 中的数组或字典嵌套超过 {MAX_NESTING} 层")
        original(self, pos, type)

    return start_type


_PATCHES = (  # (module, attribute): the pdfminer names this module replaces; all must exist
    ("pdfminer.pdftypes", "zlib"), ("pdfminer.pdftypes", "lzwdecode"), ("pdfminer.pdftypes", "rldecode"),
    ("pdfminer.pdftypes", "ccittfaxdecode"), ("pdfminer.pdftypes", "decompress_corrupted"),
    ("pdfminer.pdftypes", "apply_png_predictor"), ("pdfminer.pdftypes", "apply_tiff_predictor"),
    ("pdfminer.pdftypes", "resolve_all"), ("pdfminer.pdffont", "resolve_all"),
    ("pdfminer.pdffont", "get_widths"), ("pdfminer.pdffont", "get_widths2"),
)
_INSTALLED: list = []


def install() -> bool:
    """Put the bounds in place (once). False if this pdfminer.six lacks a name the bounds replace: the
    reader then refuses PDFs rather than read them unbounded."""
    if _INSTALLED:
        return True
    import importlib

    from pdfminer import pdffont, pdftypes
    from pdfminer.cmapdb import CMapParser
    from pdfminer.encodingdb import EncodingDB
    from pdfminer.pdfinterp import PDFContentParser
    from pdfminer.pdfparser import PDFParser
    from pdfminer.psparser import PSBaseParser, PSStackParser

    for module, name in _PATCHES:
        if not hasattr(importlib.import_module(module), name):
            return False
    formats = [f"parse_cmap_format_{n}" for n in (2, 4, 6, 10, 12)]
    if (not all(hasattr(pdffont.TrueTypeFont, f) for f in formats) or not hasattr(PDFDocument, "_getobj_parse")
            or not hasattr(PDFContentParser, "get_inline_data")
            or not hasattr(pdffont.Type1FontHeaderParser, "KEYWORD_PUT")
            or not hasattr(PSBaseParser, "_parse_string") or not hasattr(PSBaseParser, "_add_token")):
        return False
    pdftypes.zlib = _BoundedZlib()
    pdftypes.lzwdecode = _bounded_lzw
    pdftypes.rldecode = _bounded_runlength
    pdftypes.ccittfaxdecode = _refuse_ccitt
    pdftypes.decompress_corrupted = _decompress_corrupted
    pdftypes.apply_png_predictor = _bounded_predictor(pdftypes.apply_png_predictor)
    pdftypes.apply_tiff_predictor = _bounded_predictor(pdftypes.apply_tiff_predictor)
    pdftypes.resolve_all = pdffont.resolve_all = _bounded_resolve_all
    pdffont.get_widths = _counted_widths(pdffont.get_widths, 3, resolve=True)
    pdffont.get_widths2 = _counted_widths(pdffont.get_widths2, 5, resolve=False)
    for name in formats:
        setattr(pdffont.TrueTypeFont, name, _counted_cmap_format(getattr(pdffont.TrueTypeFont, name)))
    CMapParser.do_keyword = _bounded_cmap_keyword(CMapParser.do_keyword)
    header = pdffont.Type1FontHeaderParser
    header.do_keyword = _counted_type1_keyword(header.do_keyword, header.KEYWORD_PUT)
    EncodingDB.get_encoding = _counted_encoding(EncodingDB.get_encoding)
    pdffont.PDFFont.__init__ = _counted_font_init(pdffont.PDFFont.__init__)
    PSStackParser.push = _bounded_push
    PSBaseParser._parse_string = _linear_parse_string(PSBaseParser._parse_string)
    PSBaseParser._add_token = _add_token_as_bytes
    PSStackParser.start_type = _bounded_start_type(PSStackParser.start_type)
    # PDFStreamParser (object streams) inherits PDFParser's: the document's objects (kept in its cache)
    PDFParser.push = _counted_push("tokens", MAX_OBJECT_TOKENS,
                                   f"PDF 中的对象数据超过 {MAX_OBJECT_TOKENS} 个记号")
    PDFContentParser.get_inline_data = _inline_data
    PDFContentParser.push = _counted_push("content_tokens", MAX_CONTENT_TOKENS,
                                           f"PDF 页面内容的绘制指令与参数超过 {MAX_CONTENT_TOKENS} 个")
    _INSTALLED.append(True)
    return True


__all__ = ["BoundedDocument", "BoundedInterpreter", "PdfCycle", "PdfLimit", "TooLarge", "document_budget",
           "install", "pages", "MAX_DECODED", "MAX_STREAM"]

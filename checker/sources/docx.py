"""Word .docx → the lines a person would have typed into a .txt: one line per paragraph.

The package is opened through ``SafeZip`` and every XML part through the hardened ``parse_xml``; no other
code sees the file's bytes. The body is walked directly over the XML (rather than through python-docx,
whose text API leaves out tracked insertions, content controls, text boxes and list numbers):

* paragraphs and tables in document order, content controls (``w:sdt``) and custom XML unwrapped;
* a table row is one line, its cells joined by four spaces — so the borderless 版头 table that holds the
  文号 and the 签发人 side by side reads like the .txt line ``X府函〔2026〕12号    签发人：张某``; a cell
  with several paragraphs gives its second one to the row's second line, and so on, as the eye reads it;
* text boxes (``w:txbxContent``) are read after the paragraph that anchors them; of an
  ``mc:AlternateContent`` only the first choice is read, never the VML fallback that repeats it;
* a manual line break (⇧↵, ``w:br`` without a type, or ``w:cr``) ends a line inside the paragraph; page and
  column breaks and ``w:lastRenderedPageBreak`` make no text;
* automatic list numbers (``w:numPr``, on the paragraph or its style) are rendered into the text, e.g.
  “一、” and “（一）”, with the counters Word keeps; bullets are not rendered (they are no 层次序号);
* tracked deletions, moved-from text, hidden text, field instructions, headers, footers (and so the page
  numbers in them), footnotes and comments are not part of the body.

Each output line remembers its paragraph (see ``locator.ParagraphLocator``) so that a diagnostic can say
``第 12 段“关于市人大代表……”`` instead of a line number nobody can find in Word.

Nothing the file says can make the text grow past the bounds: list numbers stay within ``MAX_LIST_NUMBER``
and a marker within ``MAX_MARKER_CHARS`` (a start value of 2 000 000 000 in letters would be 77 million
“A”s), and the lines made are counted against ``MAX_LINES`` and ``MAX_CHARS`` as they are made.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass

from ..limits import MAX_CHARS, MAX_LINES
from . import Source, SourceError, content_error, too_many_chars, too_many_lines
from .locator import ParagraphLocator, preview
from .safety import Deadline, SafeZip

WHAT = "Word 文档（.docx）"
MAX_LIST_NUMBER = 32767  # a list counter (start value, override or count); a letter's lists count to ten or so
MAX_MARKER_CHARS = 200  # one paragraph's list marker, e.g. “（二）”, and the level text it is made from
LIST_LEVELS = range(9)  # w:ilvl 0–8, the levels Word has

W_TRANSITIONAL = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W_STRICT = "http://purl.oclc.org/ooxml/wordprocessingml/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"

CELL_GAP = "    "  # between the cells of a table row, as a person aligns them in a .txt


def read_docx(data: bytes, path: str) -> Source:
    """Read a Word 2007+ package (a zip). A .docx that is really an OLE file (an encrypted package, or a .doc
    renamed) is sent to ``legacy`` by ``sources.source_from_bytes`` before it gets here."""
    deadline = Deadline(what=WHAT)
    return deadline.guard(_read, data, path, deadline)


def _read(data: bytes, path: str, deadline: Deadline) -> Source:
    return open_document(data).read(path, deadline)


@dataclass
class Document:
    """An opened package: its main part parsed, with the styles and numbering that make list numbers.
    ``annotate`` edits ``root`` and reads the document again after each change (``read(record=True)``)."""

    package: SafeZip
    main: str
    root: object
    ns: str
    styles_root: object
    numbering_root: object

    def entries(self, deadline: Deadline, record: bool = False) -> list[_Entry]:
        body = self.root.find(f"{{{self.ns}}}body")
        if body is None:
            raise SourceError(f"{WHAT}中没有正文部分（w:body），文件可能已损坏")
        walker = _Walker(self.ns, _Styles(self.styles_root, self.ns), _Numbering(self.numbering_root, self.ns),
                         deadline, record)
        entries = walker.blocks(body)
        if not entries:
            if walker.images:
                raise SourceError("这个 Word 文档里只有图片，没有文字（可能是把扫描件贴进了 Word）：需要先用 OCR（文字识别）"
                                  "转换为文字，或提供原始的可编辑文件")
            raise SourceError("这个 Word 文档里没有文字")
        return entries

    def read(self, path: str, deadline: Deadline) -> Source:
        return source_of(self.entries(deadline), path)


def source_of(entries: list[_Entry], path: str) -> Source:
    lines = [entry.text for entry in entries]
    locator = ParagraphLocator([(e.number, e.sub, e.count, e.preview) for e in entries])
    return Source(path=path, lines=lines, encoding="docx", locator=locator)


def open_document(data: bytes) -> Document:
    """Open a .docx package and parse its main part (hardened, bounded: ``SafeZip``, ``parse_xml``)."""
    package = SafeZip(data, WHAT)
    main = _main_part(package)
    root = package.parse(main)
    ns = root.tag[1:].split("}", 1)[0] if root.tag.startswith("{") else ""
    if ns not in (W_TRANSITIONAL, W_STRICT) or root.tag != f"{{{ns}}}document":
        raise SourceError(f"这不是 Word 文档：{main} 的内容不是 Word 正文，文件可能已损坏或扩展名与实际格式不符")
    if root.find(f"{{{ns}}}body") is None:
        raise SourceError(f"{WHAT}中没有正文部分（w:body），文件可能已损坏")
    parts = _related_parts(package, main)
    return Document(package, main, root, ns, _load(package, parts.get("styles")),
                    _load(package, parts.get("numbering")))


# ---- the package: which part is the document, and its numbering and styles ---------------------------------


def _main_part(package: SafeZip) -> str:
    target = None
    if package.has("_rels/.rels"):
        rels = package.parse("_rels/.rels")
        for rel in rels.iter(f"{{{PKG_REL}}}Relationship"):
            if rel.get("Type", "").endswith("/officeDocument") and rel.get("TargetMode") != "External":
                target = resolve_target("", rel.get("Target", ""))
                break
    if target and package.has(target):
        return target
    if package.has("word/document.xml"):
        return "word/document.xml"
    raise SourceError(f"这不是有效的{WHAT}：压缩包中没有 Word 正文（word/document.xml），"
                      "可能是其他格式的文件被改成了 .docx 扩展名")


def _related_parts(package: SafeZip, main: str) -> dict[str, str]:
    folder, name = posixpath.split(main)
    rels_name = posixpath.join(folder, "_rels", name + ".rels")
    out: dict[str, str] = {}
    if not package.has(rels_name):
        return out
    rels = package.parse(rels_name)
    for rel in rels.iter(f"{{{PKG_REL}}}Relationship"):
        kind = rel.get("Type", "").rsplit("/", 1)[-1]
        if kind in ("styles", "numbering") and rel.get("TargetMode") != "External":
            target = resolve_target(folder, rel.get("Target", ""))
            if package.has(target):
                out.setdefault(kind, target)
    return out


def resolve_target(folder: str, target: str) -> str:
    """A relationship's target as a part name: relative to the source part's folder, or absolute (“/word/…”)."""
    if target.startswith("/"):
        return posixpath.normpath(target.lstrip("/"))
    return posixpath.normpath(posixpath.join(folder, target))


def _load(package: SafeZip, name: str | None):
    return None if name is None else package.parse(name)


# ---- styles and numbering -------------------------------------------------------------------------------------


class _Styles:
    """Paragraph styles' list numbering (``w:numPr`` in a style or one it is based on)."""

    def __init__(self, root, ns: str):
        self.ns = ns
        self.by_id: dict[str, object] = {}
        if root is not None:
            for style in root.iter(f"{{{ns}}}style"):
                style_id = style.get(f"{{{ns}}}styleId")
                if style_id:
                    self.by_id.setdefault(style_id, style)
        self.cache: dict[str, tuple[str | None, int | None]] = {}

    def numbering(self, style_id: str) -> tuple[str | None, int | None]:
        """(numId, ilvl) a paragraph of this style gets, or (None, None): the first numId up the chain of
        ``basedOn`` styles, with the first ilvl found on the way. Remembered for every style on the way,
        so that a long chain is walked once, not once per paragraph."""
        w = self.ns
        chain: list[tuple[str, str | None, int | None]] = []  # (style, its numId, its ilvl), from style_id up
        seen = set()
        current = style_id
        inherited: tuple[str | None, int | None] = (None, None)
        while current:
            if current in self.cache:
                inherited = self.cache[current]
                break
            if current in seen or current not in self.by_id:
                break  # a loop of basedOn, or a style that is not defined
            seen.add(current)
            style = self.by_id[current]
            num_pr = style.find(f"{{{w}}}pPr/{{{w}}}numPr")
            num_id = level = None
            if num_pr is not None:
                num_id = _val(num_pr.find(f"{{{w}}}numId"), w)
                level = _int(_val(num_pr.find(f"{{{w}}}ilvl"), w))
            chain.append((current, num_id, level))
            if num_id is not None:
                break
            current = _val(style.find(f"{{{w}}}basedOn"), w)
        for name, num_id, level in reversed(chain):
            if num_id is not None:
                inherited = (num_id, level)
            else:
                inherited = (inherited[0], level if level is not None else inherited[1])
            self.cache[name] = inherited
        return inherited


@dataclass(slots=True)
class _Level:
    start: int
    fmt: str
    text: str
    legal: bool


class _Numbering:
    """Word's list numbering: the counters of each list, and the marker text of a numbered paragraph."""

    def __init__(self, root, ns: str):
        self.ns = ns
        self.abstract: dict[str, dict[int, _Level]] = {}
        self.nums: dict[str, tuple[str, dict[int, int], dict[int, _Level]]] = {}
        self.counters: dict[str, list[int | None]] = {}
        if root is None:
            return
        w = ns
        for abstract in root.iter(f"{{{w}}}abstractNum"):
            self.abstract[abstract.get(f"{{{w}}}abstractNumId", "")] = self._levels(abstract)
        for num in root.iter(f"{{{w}}}num"):
            num_id = num.get(f"{{{w}}}numId")
            abstract_id = _val(num.find(f"{{{w}}}abstractNumId"), w)
            if num_id is None or abstract_id is None:
                continue
            starts: dict[int, int] = {}
            overrides: dict[int, _Level] = {}
            for override in num.iter(f"{{{w}}}lvlOverride"):
                level = _int(override.get(f"{{{w}}}ilvl")) or 0
                if level not in LIST_LEVELS:
                    continue
                start = _int(_val(override.find(f"{{{w}}}startOverride"), w))
                if start is not None:
                    starts[level] = start
                lvl = override.find(f"{{{w}}}lvl")
                if lvl is not None:
                    overrides[level] = self._level(lvl)
            self.nums[num_id] = (abstract_id, starts, overrides)

    def _levels(self, abstract) -> dict[int, _Level]:
        w = self.ns
        levels = {}
        for lvl in abstract.iter(f"{{{w}}}lvl"):
            level = _int(lvl.get(f"{{{w}}}ilvl")) or 0
            if level in LIST_LEVELS:
                levels[level] = self._level(lvl)
        return levels

    def _level(self, lvl) -> _Level:
        w = self.ns
        start = _int(_val(lvl.find(f"{{{w}}}start"), w))
        return _Level(start=1 if start is None else start, fmt=_val(lvl.find(f"{{{w}}}numFmt"), w) or "decimal",
                      text=_val(lvl.find(f"{{{w}}}lvlText"), w) or "", legal=lvl.find(f"{{{w}}}isLgl") is not None)

    def marker(self, num_id: str, level: int) -> str:
        """Advance the list's counter at ``level`` and return the paragraph's number, e.g. “（二）”."""
        if num_id not in self.nums or level not in LIST_LEVELS:
            return ""
        abstract_id, starts, overrides = self.nums[num_id]
        levels = {**self.abstract.get(abstract_id, {}), **overrides}
        this = levels.get(level)
        if this is None or this.fmt == "bullet":
            return ""
        if len(this.text) > MAX_MARKER_CHARS:
            raise content_error(f"列表编号的格式超过 {MAX_MARKER_CHARS} 个字符")
        counters = self.counters.setdefault(num_id, [None] * 9)

        def start_of(n: int) -> int:
            return starts.get(n, levels[n].start if n in levels else 1)

        counters[level] = start_of(level) if counters[level] is None else counters[level] + 1
        for deeper in range(level + 1, 9):  # a deeper level starts again after its parent moves on
            counters[deeper] = None
        if this.fmt == "none":
            return _placeholders(this.text, {})
        values = {}
        for n in range(level + 1):
            value = counters[n] if counters[n] is not None else start_of(n)
            if not -MAX_LIST_NUMBER <= value <= MAX_LIST_NUMBER:
                raise content_error(f"列表编号 {min(abs(value), 10**12)} 超过 {MAX_LIST_NUMBER}")
            fmt = "decimal" if this.legal and n < level else (levels[n].fmt if n in levels else "decimal")
            values[n + 1] = format_number(value, fmt)
        marker = _placeholders(this.text, values)
        if len(marker) > MAX_MARKER_CHARS:
            raise content_error(f"列表编号超过 {MAX_MARKER_CHARS} 个字符")
        return marker


def _placeholders(text: str, values: dict[int, str]) -> str:
    out = []
    i = 0
    while i < len(text):
        if text[i] == "%" and i + 1 < len(text) and text[i + 1] in "123456789":
            out.append(values.get(int(text[i + 1]), ""))
            i += 2
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


_CN_DIGITS = "〇一二三四五六七八九"
_CN_LEGAL = "零壹贰叁肆伍陆柒捌玖"
_STEMS = "甲乙丙丁戊己庚辛壬癸"
_BRANCHES = "子丑寅卯辰巳午未申酉戌亥"


def _chinese(n: int, digits: str = _CN_DIGITS, units: tuple[str, str, str] = ("十", "百", "千")) -> str:
    """Chinese counting as Word writes it: 十, 十一, 二十, 一百零五 (up to 9999; beyond, digit by digit)."""
    if n <= 0 or n > 9999:
        return "".join(digits[int(c)] for c in str(max(n, 0)))
    parts = []
    text = str(n)
    zero = False
    for i, c in enumerate(text):
        d = int(c)
        place = len(text) - 1 - i
        if d == 0:
            zero = True
            continue
        if zero and parts:
            parts.append("零")  # 一百零五: counting writes 零 for the gap, whichever digits
        zero = False
        parts.append(digits[d] + (units[place - 1] if place else ""))
    out = "".join(parts)
    if digits is _CN_DIGITS and 10 <= n <= 19:
        out = out[1:]  # 十一, not 一十一
    return out


def _roman(n: int) -> str:
    if not 0 < n < 4000:
        return str(n)
    out = []
    for value, numeral in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
                           (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out.append(numeral)
            n -= value
    return "".join(out)


def _letters(n: int) -> str:
    if n <= 0:
        return str(n)
    letter = chr(ord("A") + (n - 1) % 26)
    return letter * ((n - 1) // 26 + 1)  # Word: A … Z, AA … ZZ


def format_number(n: int, fmt: str) -> str:
    """A list counter in one of Word's number formats (ST_NumberFormat)."""
    if n < 0:
        return str(n)  # Word counts from 0; the digit-by-digit formats below have no minus sign
    if fmt in ("chineseCounting", "chineseCountingThousand", "taiwaneseCounting", "taiwaneseCountingThousand",
               "japaneseCounting", "koreanCounting"):
        return _chinese(n)
    if fmt in ("ideographDigital", "taiwaneseDigital", "japaneseDigitalTenThousand", "koreanDigital"):
        return "".join(_CN_DIGITS[int(c)] for c in str(n))
    if fmt in ("chineseLegalSimplified", "japaneseLegal"):
        return _chinese(n, _CN_LEGAL, ("拾", "佰", "仟"))
    if fmt in ("ideographTraditional",) and 1 <= n <= 10:
        return _STEMS[n - 1]
    if fmt in ("ideographZodiac",) and 1 <= n <= 12:
        return _BRANCHES[n - 1]
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese", "ideographEnclosedCircle") and 1 <= n <= 20:
        return chr(0x2460 + n - 1)
    if fmt == "decimalEnclosedParen" and 1 <= n <= 20:
        return chr(0x2474 + n - 1)
    if fmt == "decimalEnclosedFullstop" and 1 <= n <= 20:
        return chr(0x2488 + n - 1)
    if fmt == "decimalFullWidth" or fmt == "decimalFullWidth2":
        return "".join(chr(0xFF10 + int(c)) for c in str(n))
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "upperLetter":
        return _letters(n)
    if fmt == "lowerLetter":
        return _letters(n).lower()
    if fmt == "upperRoman":
        return _roman(n)
    if fmt == "lowerRoman":
        return _roman(n).lower()
    return str(n)


def _val(element, w: str) -> str | None:
    return None if element is None else element.get(f"{{{w}}}val")


def _int(text: str | None) -> int | None:
    try:
        return None if text is None else int(text)
    except ValueError:
        return None


def _on(element, w: str) -> bool:
    """A toggle property (w:vanish, w:webHidden …): present and not switched off."""
    return element is not None and element.get(f"{{{w}}}val", "true") not in ("false", "0", "off")


# ---- the body ---------------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Entry:
    """One output line: its text and the paragraph it belongs to."""

    text: str
    number: int  # the paragraph, counted as Word counts (paragraphs with text, in document order)
    sub: int  # the line within the paragraph (manual line breaks), 1-based
    count: int  # how many lines the paragraph has
    preview: str
    # with ``record``: the pieces ``text`` is made of (``Segment`` for text from a node, str for made text:
    # list numbers, the gap between table cells)
    segments: list | None = None


class Segment(str):
    """A piece of a line's text that stands in the document: ``node`` (a w:t, w:tab, w:sym …) holds it from
    ``offset`` on. Only ``annotate`` asks for segments (``_Walker(record=True)``); a str, so that joining
    them makes the line as before."""

    def __new__(cls, text: str, node, offset: int = 0):
        piece = super().__new__(cls, text)
        piece.node = node
        piece.offset = offset
        return piece

    def cut(self, start: int, end: int) -> Segment:
        return Segment(str.__getitem__(self, slice(start, end)), self.node, self.offset + start)


def cut_segments(segments: list, start: int, end: int) -> list:
    """The pieces of ``segments`` that make characters ``start``…``end`` of their joined text."""
    out = []
    position = 0
    for piece in segments:
        low, high = max(position, start), min(position + len(piece), end)
        if low < high:
            out.append(piece.cut(low - position, high - position) if isinstance(piece, Segment)
                       else piece[low - position:high - position])
        position += len(piece)
    return out


def _stripped(segments: list) -> list:
    text = "".join(segments)
    return cut_segments(segments, len(text) - len(text.lstrip()), len(text.rstrip()))


class _Walker:
    def __init__(self, ns: str, styles: _Styles, numbering: _Numbering, deadline: Deadline, record: bool = False):
        self.record = record
        self.w = ns
        self.prefix = f"{{{ns}}}"
        self.styles = styles
        self.numbering = numbering
        self.deadline = deadline
        self.paragraphs = 0
        self.images = 0
        self.lines_made = 0  # against MAX_LINES and MAX_CHARS, as they are made
        self.chars_made = 0
        w = ns
        self.T_P, self.T_TBL, self.T_R = f"{{{w}}}p", f"{{{w}}}tbl", f"{{{w}}}r"
        self.T_SDT, self.T_SDT_CONTENT = f"{{{w}}}sdt", f"{{{w}}}sdtContent"
        self.T_TR, self.T_TC = f"{{{w}}}tr", f"{{{w}}}tc"
        self.T_TXBX = f"{{{w}}}txbxContent"
        self.T_ALT = f"{{{MC}}}AlternateContent"
        self.WRAPPERS = {f"{{{w}}}{t}" for t in ("customXml", "ins", "moveTo", "smartTag", "hyperlink", "fldSimple",
                                                 "dir", "bdo")}

    # blocks: paragraphs, tables, content controls

    def blocks(self, parent) -> list[_Entry]:
        out: list[_Entry] = []
        for child in parent:
            tag = child.tag
            if tag == self.T_P:
                out.extend(self.paragraph(child))
            elif tag == self.T_TBL:
                out.extend(self.table(child))
            elif tag == self.T_SDT:
                content = child.find(self.T_SDT_CONTENT)
                if content is not None:
                    out.extend(self.blocks(content))
            elif tag == self.T_ALT:
                chosen = _choose(child)
                if chosen is not None:
                    out.extend(self.blocks(chosen))
            elif tag in self.WRAPPERS:
                out.extend(self.blocks(child))
        return out

    def table(self, tbl) -> list[_Entry]:
        out: list[_Entry] = []
        for row in self._children(tbl, self.T_TR):
            # line k of the row joins line k of each cell that has one; cells run out as k grows, and are
            # dropped then (asking every cell at every k was quadratic: one cell of 45,000 paragraphs beside
            # 20,000 empty ones took half a minute)
            cells = [c for c in (self.blocks(cell) for cell in self._children(row, self.T_TC)) if c]
            k = 0
            while cells:
                parts = [c[k] for c in cells]
                text = CELL_GAP.join(part.text.strip() for part in parts if part.text.strip())
                if text:
                    first = parts[0]
                    entry = _Entry(text, first.number, first.sub, first.count, first.preview)
                    if self.record:
                        entry.segments = []
                        for part in (part for part in parts if part.text.strip()):
                            entry.segments += ([CELL_GAP] if entry.segments else []) + _stripped(part.segments)
                    out.append(entry)
                k += 1
                cells = [c for c in cells if k < len(c)]
        return out

    def _children(self, parent, tag: str):
        """The rows of a table (or cells of a row), looking through content controls and custom XML."""
        for child in parent:
            if child.tag == tag:
                yield child
            elif child.tag == self.T_SDT:
                content = child.find(self.T_SDT_CONTENT)
                if content is not None:
                    yield from self._children(content, tag)
            elif child.tag in self.WRAPPERS:
                yield from self._children(child, tag)

    # a paragraph: its lines, then the text boxes anchored in it

    def paragraph(self, p) -> list[_Entry]:
        self.deadline.check()
        lines: list[list[str]] = [[]]
        boxes: list = []
        self._inline(p, lines, boxes)
        marker = self._marker(p)
        if marker:
            lines[0].insert(0, marker)
        kept = [parts for parts in lines if "".join(parts).strip()]
        texts = ["".join(parts) for parts in kept]
        self._count(texts)
        out: list[_Entry] = []
        if texts:
            self.paragraphs += 1
            first_words = preview(" ".join(texts))
            out = [_Entry(t, self.paragraphs, i, len(texts), first_words) for i, t in enumerate(texts, 1)]
            if self.record:
                for entry, parts in zip(out, kept):
                    entry.segments = parts
        for box in boxes:
            out.extend(self.blocks(box))
        return out

    def _count(self, texts: list[str]) -> None:
        self.lines_made += len(texts)
        self.chars_made += sum(map(len, texts))
        if self.lines_made > MAX_LINES:
            raise too_many_lines()
        if self.chars_made > MAX_CHARS:
            raise too_many_chars()

    def _marker(self, p) -> str:
        w = self.w
        ppr = p.find(f"{{{w}}}pPr")
        if ppr is None:
            return ""
        num_pr = ppr.find(f"{{{w}}}numPr")
        num_id = level = None
        if num_pr is not None:
            num_id = _val(num_pr.find(f"{{{w}}}numId"), w)
            level = _int(_val(num_pr.find(f"{{{w}}}ilvl"), w))
        if num_id is None or level is None:
            style = _val(ppr.find(f"{{{w}}}pStyle"), w)
            if style:
                style_num, style_level = self.styles.numbering(style)
                num_id = num_id if num_id is not None else style_num
                level = level if level is not None else style_level
        if num_id is None or num_id == "0":
            return ""
        return self.numbering.marker(num_id, level or 0)

    def _inline(self, parent, lines: list[list[str]], boxes: list) -> None:
        for child in parent:
            tag = child.tag
            if tag == self.T_R:
                self._run(child, lines, boxes)
            elif tag in self.WRAPPERS:
                self._inline(child, lines, boxes)
            elif tag == self.T_SDT:
                content = child.find(self.T_SDT_CONTENT)
                if content is not None:
                    self._inline(content, lines, boxes)
            elif tag == self.T_ALT:
                chosen = _choose(child)
                if chosen is not None:
                    self._inline(chosen, lines, boxes)
            # w:del, w:moveFrom (tracked removals), w:pPr, bookmarks, proofing marks, comments: no text

    def _run(self, run, lines: list[list[str]], boxes: list) -> None:
        w = self.w
        rpr = run.find(f"{{{w}}}rPr")
        if rpr is not None and (_on(rpr.find(f"{{{w}}}vanish"), w) or _on(rpr.find(f"{{{w}}}webHidden"), w)):
            return  # hidden text is not printed
        prefix = self.prefix
        for child in run:
            tag = child.tag
            if not isinstance(tag, str):
                continue  # a comment or processing instruction
            if tag == self.T_ALT:
                self.images += 1
                chosen = _choose(child)
                if chosen is not None:
                    _find_boxes(chosen, self.T_TXBX, boxes)
                continue
            if not tag.startswith(prefix):
                continue
            name = tag[len(prefix):]
            if name == "t":
                if child.text:
                    lines[-1].append(Segment(child.text, child) if self.record else child.text)
            elif name in ("tab", "ptab"):
                lines[-1].append(Segment("\t", child) if self.record else "\t")
            elif name == "br":
                if child.get(f"{prefix}type", "textWrapping") == "textWrapping":
                    lines.append([])  # a manual line break; page and column breaks make no text
            elif name == "cr":
                lines.append([])
            elif name == "noBreakHyphen":
                lines[-1].append(Segment("-", child) if self.record else "-")
            elif name == "sym":
                ch = _symbol(child.get(f"{prefix}char"))
                if ch:
                    lines[-1].append(Segment(ch, child) if self.record else ch)
            elif name in ("drawing", "pict", "object"):
                self.images += 1
                _find_boxes(child, self.T_TXBX, boxes)
            # delText, instrText (field codes), softHyphen, lastRenderedPageBreak, fldChar: no text


def _choose(alternate):
    """The content of an mc:AlternateContent that Word itself shows: its first choice."""
    for child in alternate:
        if child.tag == f"{{{MC}}}Choice":
            return child
    for child in alternate:
        if child.tag == f"{{{MC}}}Fallback":
            return child
    return None


def _find_boxes(element, txbx_tag: str, out: list) -> None:
    """The text boxes in a drawing, in document order; a box inside a box comes with its outer box."""
    for child in element:
        tag = child.tag
        if tag == txbx_tag:
            out.append(child)
        elif tag == f"{{{MC}}}AlternateContent":
            chosen = _choose(child)
            if chosen is not None:
                _find_boxes(chosen, txbx_tag, out)
        elif isinstance(tag, str):
            _find_boxes(child, txbx_tag, out)


def _symbol(code: str | None) -> str:
    """w:sym: a character of a symbol font. Codes in the symbol fonts' private range (F000–F0FF) have no
    meaning as text and are dropped."""
    try:
        value = int(code or "", 16)
    except ValueError:
        return ""
    if 0xF000 <= value <= 0xF0FF or value < 0x20 or 0xD800 <= value <= 0xDFFF or value > 0x10FFFF:
        return ""
    return chr(value)

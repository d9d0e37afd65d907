"""OFD (GB/T 33190-2016, the format of China's electronic official documents) → one line per paragraph.

An OFD file is a zip of XML parts: ``OFD.xml`` → ``DocBody/DocRoot`` (the document's ``Document.xml``) →
``Pages/Page@BaseLoc`` (each page's ``Content.xml``) → layers and page blocks of graphic objects. The text is
in ``TextObject``s: a ``Boundary`` (x y w h, millimetres, y down) placing the object on the page, a font
``Size``, an optional ``CTM``, and ``TextCode`` elements whose ``X``/``Y`` give the first glyph's origin
(baseline) within the boundary and whose ``DeltaX``/``DeltaY`` give the advances between glyphs, with the
shorthand ``g N d`` for N equal advances d.

Each glyph is placed; glyphs of one text code that follow each other at their natural spacing form a run,
and a wide advance (a tab-like jump, as between the 文号 and the 签发人) starts a new run. The runs go to
``layout.paragraph_lines``, shared with the PDF reader, which restores reading order (producers write the
objects in any order, and cut lines into several objects), removes page numbers and joins wrapped lines.

Everything goes through ``SafeZip`` and the hardened ``parse_xml``. Template pages (``TemplatePage``:
backgrounds repeated on every page), annotations and signatures (the seal) are not read. An attribute can
hold megabytes of numbers: only as many are read as are used (the first few of a ``Boundary``, one advance
per glyph of ``DeltaX``, however many ``g N d`` claim), and every glyph counts against ``MAX_GLYPHS``.
"""

from __future__ import annotations

import math
import posixpath
import re
import unicodedata

from . import Source, SourceError
from .layout import Run, paragraph_lines, to_source
from .safety import Deadline, GlyphBudget, SafeZip

WHAT = "OFD 文件"
MAX_PAGES = 200
MAX_COORDINATE = 1e6  # millimetres, or a CTM factor: a page is well under a metre; beyond is no position


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _child(element, name: str):
    for child in element:
        if _local(child.tag) == name:
            return child
    return None


def _descendants(element, name: str):
    for node in element.iter():
        if _local(node.tag) == name:
            yield node


def read_ofd(data: bytes, path: str) -> Source:
    deadline = Deadline(what=WHAT)
    return deadline.guard(_read, data, path, deadline)


def _read(data: bytes, path: str, deadline: Deadline) -> Source:
    package = SafeZip(data, WHAT)
    entry = _find(package, "OFD.xml")
    if entry is None:
        raise SourceError(f"这不是有效的{WHAT}：压缩包中没有 OFD.xml 入口文件，可能是其他格式的文件被改成了 .ofd 扩展名")
    root = package.parse(entry)
    doc_root = None
    for body in _descendants(root, "DocBody"):
        node = _child(body, "DocRoot")
        if node is not None and (node.text or "").strip():
            doc_root = node.text.strip()
            break
    if doc_root is None:
        raise SourceError(f"{WHAT}的 OFD.xml 中没有 DocRoot（文档入口），文件可能已损坏")
    doc_name = _locate(package, "", doc_root)
    if doc_name is None:
        raise SourceError(f"{WHAT}缺少文档部件 {doc_root}，文件不完整")
    document = package.parse(doc_name)
    doc_dir = posixpath.dirname(doc_name)
    pages_node = _child(document, "Pages")
    page_refs = [] if pages_node is None else [p for p in pages_node if _local(p.tag) == "Page"]
    if not page_refs:
        raise SourceError(f"这个{WHAT}没有任何页面，文件可能已损坏")
    if len(page_refs) > MAX_PAGES:
        raise SourceError(f"OFD 文件超过 {MAX_PAGES} 页，不像一封答复函，已跳过")
    pages: list[list[Run]] = []
    images = 0
    glyphs = GlyphBudget()
    for ref in page_refs:
        deadline.check()
        base = (ref.get("BaseLoc") or "").strip()
        name = _locate(package, doc_dir, base) if base else None
        if name is None:
            raise SourceError(f"{WHAT}缺少页面部件 {base or '（未指明）'}，文件不完整")
        content = package.parse(name)
        runs, page_images = _page_runs(content, deadline, glyphs)
        pages.append(runs)
        images += page_images
    paragraphs = paragraph_lines(pages, deadline)
    if not paragraphs:
        if images:
            raise SourceError("这个 OFD 文件只有图像，没有文字（可能是扫描件）：需要先用 OCR（文字识别）转换为文字，"
                              "或提供原始的 Word/WPS 文件")
        raise SourceError(f"这个{WHAT}中没有任何文字")
    return to_source(paragraphs, path, "ofd")


def _find(package: SafeZip, name: str) -> str | None:
    """A member by name, tolerating a different letter case (some producers write ofd.xml)."""
    if package.has(name):
        return name
    lower = name.lower()
    return next((n for n in package.names() if n.lower() == lower), None)


def _locate(package: SafeZip, folder: str, target: str) -> str | None:
    """An OFD path: absolute (from the package root), or relative to ``folder`` — and, as some producers
    write it, relative to the root although it does not start with “/”."""
    target = target.replace("\\", "/")
    candidates = [target.lstrip("/")] if target.startswith("/") else [posixpath.join(folder, target), target]
    for candidate in candidates:
        name = posixpath.normpath(candidate)
        if name.startswith("../"):
            continue
        found = _find(package, name)
        if found is not None:
            return found
    return None


# ---- a page's text objects ----------------------------------------------------------------------------------

_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_TOKEN = re.compile(r"\S+")


def _number(text: str, bound: float = MAX_COORDINATE) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) and abs(value) <= bound else None


def _numbers(text: str | None, limit: int) -> list[float]:
    """The first ``limit`` numbers of an attribute; reading stops at one that is no position (1e999)."""
    out: list[float] = []
    for match in _NUMBER.finditer(text or ""):
        value = _number(match.group())
        if value is None:
            break
        out.append(value)
        if len(out) == limit:
            break
    return out


def _deltas(text: str | None, needed: int) -> list[float]:
    """The first ``needed`` advances of a DeltaX / DeltaY, expanding “g N d” (N advances of d) only as far
    as they are needed: “g 100000 1” written ten thousand times still gives ``needed`` numbers."""
    out: list[float] = []
    tokens = _TOKEN.finditer(text or "")
    for match in tokens:
        if len(out) >= needed:
            break
        token = match.group()
        if token == "g":
            count, value = next(tokens, None), next(tokens, None)
            count = None if count is None else _number(count.group(), math.inf)
            value = None if value is None else _number(value.group())
            if count is None or value is None:
                break
            out.extend([value] * int(max(0.0, min(count, needed - len(out)))))
            continue
        value = _number(token)
        if value is None:
            break
        out.append(value)
    return out


def _natural(ch: str, size: float) -> float:
    """A glyph's width when no advance says it: full width for CJK, half for Latin."""
    return size if unicodedata.east_asian_width(ch) in "WF" else size / 2


def _page_runs(content, deadline: Deadline, glyphs: GlyphBudget) -> tuple[list[Run], int]:
    runs: list[Run] = []
    images = 0
    count = 0
    for node in content.iter():
        name = _local(node.tag)
        if name == "ImageObject":
            images += 1
            continue
        if name != "TextObject":
            continue
        count += 1
        if count % 500 == 0:
            deadline.check()
        runs.extend(_object_runs(node, glyphs))
    return runs, images


def _object_runs(obj, glyphs: GlyphBudget) -> list[Run]:
    boundary = _numbers(obj.get("Boundary"), 2)
    if len(boundary) < 2:
        return []
    bx, by = boundary[0], boundary[1]
    size = (_numbers(obj.get("Size"), 1) or [0.0])[0]
    scale_x = scale_y = 1.0
    dx = dy = 0.0
    ctm = _numbers(obj.get("CTM"), 7)
    if len(ctm) == 6:
        a, b, c, d, dx, dy = ctm
        if abs(b) > 1e-3 * max(abs(a), 1e-9) or abs(c) > 1e-3 * max(abs(d), 1e-9) or a <= 0 or d <= 0:
            return []  # rotated or mirrored text: a watermark or a stamp, not the letter's text
        if a < 1e-6 or d < 1e-6:
            return []  # shrunk to nothing: invisible, and its advances divided by the scale would overflow
        scale_x, scale_y = a, d
    if size <= 0:
        return []
    glyph_size = size * scale_y
    out: list[Run] = []
    x = y = None
    for code in obj:
        if _local(code.tag) != "TextCode":
            continue
        text = code.text or ""
        if not text:
            continue
        glyphs.take(len(text))
        xs, ys = code.get("X"), code.get("Y")
        if xs is not None:
            x = (_numbers(xs, 1) or [0.0])[0]
        if ys is not None:
            y = (_numbers(ys, 1) or [0.0])[0]
        if x is None or y is None:
            x = 0.0 if x is None else x
            y = size if y is None else y
        delta_x = _deltas(code.get("DeltaX"), len(text) - 1)
        delta_y = _deltas(code.get("DeltaY"), len(text) - 1)
        run_text: list[str] = []
        run_x0 = run_y = run_end = 0.0
        gx, gy = x, y
        for i, ch in enumerate(text):
            px = bx + dx + scale_x * gx
            py = by + dy + scale_y * gy
            natural = _natural(ch, glyph_size)
            jumped = abs(py - run_y) > 0.3 * glyph_size or not -0.5 * glyph_size <= px - run_end <= glyph_size
            if run_text and jumped:  # a wide advance (or a step back, or down): a new run
                out.append(Run(x0=run_x0, x1=run_end, y=run_y, size=glyph_size, text="".join(run_text)))
                run_text = []
            if not run_text:
                run_x0, run_y = px, py
            run_text.append(ch)
            run_end = px + natural
            if i < len(text) - 1:
                gx += delta_x[i] if i < len(delta_x) else natural / scale_x
                gy += delta_y[i] if i < len(delta_y) else 0.0
        if run_text:
            out.append(Run(x0=run_x0, x1=run_end, y=run_y, size=glyph_size, text="".join(run_text)))
        x, y = gx + _natural(text[-1], size), gy  # a following TextCode without X/Y goes on from here
    return out

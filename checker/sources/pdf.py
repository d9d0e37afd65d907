"""PDF with a text layer → one line per paragraph, through pdfminer.six and the shared layout code.

pdfminer.six was chosen over pypdf by measurement (benchmarks/pdf_readers.py, fictional letters printed by
reportlab with the Adobe CID font and with an embedded TrueType font, encrypted with an owner password only,
and printed by LibreOffice from .docx). Both libraries read the Chinese characters right; but pypdf's public
API says where a run of text starts, not where it ends, so the layout code could only guess the right end
of a line, and rebuilt 80–98 % of the paragraphs exactly against pdfminer's 99–100 %, and gave other
verdicts than the .txt for 15–17 % of the letters in two of the five sets (pdfminer: none). pdfminer is up to
twice as slow (13–22 ms against 8–21 ms for a two-page letter, median), which does not matter for letters.

The reader does not use pdfminer's own layout analysis (slower, and it orders text boxes rather than lines):
a small device records each glyph's left and right ends, baseline and size, and ``layout.paragraph_lines``
rebuilds lines and paragraphs. Rotated glyphs (diagonal watermarks such as “样稿”) are left out.

Defences: a file must start with ``%PDF`` and end with ``%%EOF`` (a cut file is refused rather than half
read); at most ``MAX_PAGES`` pages and ``MAX_GLYPHS`` glyphs; a ``Deadline`` checked at every object fetched,
between pages and at every XObject, and a CPU timer (``Deadline.guard``) for loops inside pdfminer; and
pdfminer itself bounded by ``pdfguard`` — decoded streams, reference and page-tree loops, CMap and widths
ranges, parser stacks, operand and graphics-state stacks.
"""

from __future__ import annotations

import gc
import io
import logging
import math

from pdfminer.pdfdevice import PDFTextDevice
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdffont import PDFUnicodeNotDefined
from pdfminer.pdfinterp import PDFResourceManager
from pdfminer.pdfparser import PDFParser

from . import Source, SourceError
from .layout import Run, paragraph_lines, to_source
from .pdfguard import (MAX_DECODED, MAX_STREAM, BoundedDocument, BoundedInterpreter, PdfLimit, TooLarge,
                       document_budget, install, pages)
from .safety import Deadline, GlyphBudget, MiB

WHAT = "PDF 文件"
MAX_PAGES = 200

_SCANNED = ("这个 PDF 是扫描图像，没有文字层（只有图片），无法直接检查：需要先用 OCR（文字识别）转换为文字，"
            "或提供原始的 Word/WPS 文件")


def read_pdf(data: bytes, path: str) -> Source:
    head = data[:1024]
    if b"%PDF-" not in head:
        raise SourceError("这不是有效的 PDF 文件（文件开头没有 %PDF 标记）：可能已损坏，或扩展名与实际格式不符")
    if b"%%EOF" not in data[-64 * 1024:]:
        # pdfminer would go on from what it can find, and a letter cut in half would be checked as a letter
        # missing its end; better to say the file is cut
        raise SourceError("PDF 文件不完整（缺少文件结尾标记 %%EOF），可能是下载或复制没有完成，请重新获取文件")
    deadline = Deadline(what=WHAT)
    outcome: BaseException
    try:
        return deadline.guard(_read, data, path, deadline)
    except SourceError as exc:
        outcome = SourceError(str(exc))  # without the traceback, which holds the reader's frames
    except (TimeoutError, MemoryError, RecursionError) as exc:
        outcome = type(exc)()
    finally:
        # pdfminer's parsers keep bound methods of themselves: reference cycles holding the file and its
        # decoded streams, which a batch, pausing the cyclic collector (checker/gcpause.py), would keep
        # until its end. They are garbage now (the traceback that held them is gone): collect them.
        gc.collect(0)
    try:
        raise outcome
    finally:
        del outcome  # the frame must not hold the exception whose traceback holds the frame


def _read(data: bytes, path: str, deadline: Deadline) -> Source:
    pages, images, unmapped, total, rotated = _glyphs(data, deadline)
    if total and unmapped > 0.2 * total:
        raise SourceError("这个 PDF 中的文字无法提取（所用字体没有记录字形对应的汉字，提取出来会是乱码）："
                          "请提供原始的 Word/WPS 文件，或用 OCR（文字识别）转换")
    paragraphs = paragraph_lines(pages, deadline)
    if not paragraphs:
        if rotated:
            raise SourceError("这个 PDF 中的文字都是旋转或竖排的，无法按行读取：请提供原始的 Word/WPS 文件")
        if images:
            raise SourceError(_SCANNED)
        raise SourceError("这个 PDF 中没有任何文字")
    return to_source(paragraphs, path, "pdf")


def _glyphs(data: bytes, deadline: Deadline) -> tuple[list[list[Run]], int, int, int, int]:
    """Every page's glyph runs; the numbers of images, of glyphs without a Unicode mapping, of glyphs in
    all and of rotated glyphs left out."""
    if not install():  # a pdfminer.six that works differently: refuse rather than read unbounded
        raise SourceError("无法安全读取 PDF：所安装的 pdfminer.six 版本与 replylint 不兼容，请安装 pyproject.toml 中要求的版本")
    logging.getLogger("pdfminer").setLevel(logging.ERROR)  # it warns about every small defect of a file
    try:
        with document_budget():
            try:
                document = BoundedDocument(PDFParser(io.BytesIO(data)), "", deadline)
            except PDFPasswordIncorrect:
                raise SourceError("这个 PDF 设置了打开密码（已加密），无法读取：请提供未加密的文件，"
                                  "或在阅读器中输入密码打开后另存（打印）为不加密的 PDF") from None
            except PDFEncryptionError as exc:
                raise SourceError(f"这个 PDF 使用了不支持的加密方式（{exc}），无法读取：请另存为不加密的 PDF 后再检查") from None
            device = _GlyphDevice(PDFResourceManager(caching=True), deadline)
            interpreter = BoundedInterpreter(device.rsrcmgr, device)
            found: list[list[Run]] = []
            for page in pages(document):
                if len(found) >= MAX_PAGES:
                    raise SourceError(f"PDF 超过 {MAX_PAGES} 页，不像一封答复函，已跳过")
                deadline.check()
                device.runs = []
                # /Rotate only turns the page on screen; the text is drawn upright in the page's own space,
                # which is how the layout code wants it (rotated glyphs are dropped as watermarks)
                page.rotate = 0
                interpreter.process_page(page)
                found.append(device.runs)
            if not found:
                raise SourceError("这个 PDF 没有任何页面，文件可能已损坏")
            return found, device.images, device.unmapped, device.glyphs, device.rotated
    except SourceError:
        raise
    except PdfLimit as exc:
        raise SourceError(exc.message) from None
    except TooLarge:
        raise SourceError(f"PDF 中的数据流解压后超过上限（单个 {MAX_STREAM // MiB} MiB，合计 {MAX_DECODED // MiB} MiB），"
                          "疑似“压缩炸弹”，已拒绝读取") from None
    except RecursionError:
        raise SourceError("PDF 文件结构嵌套过深，无法读取（文件已损坏或是恶意构造的）") from None
    except (TimeoutError, MemoryError):
        raise  # the batch reports these itself
    except Exception:  # noqa: BLE001 - pdfminer on a broken file raises anything (PSEOF, struct.error, KeyError …)
        raise SourceError("PDF 文件不完整或已损坏，无法读取：可能是下载或复制没有完成，请重新获取文件") from None


# ---- a device that records glyphs -----------------------------------------------------------------------------


class _GlyphDevice(PDFTextDevice):
    """pdfminer's text device, recording for each glyph: left and right x, baseline y (downward), size."""

    def __init__(self, rsrcmgr, deadline: Deadline):
        super().__init__(rsrcmgr)
        self.deadline = deadline
        self.budget = GlyphBudget()
        self.xobjects = 0  # XObjects drawn, counted by BoundedInterpreter
        self.runs: list[Run] = []
        self.images = 0
        self.unmapped = 0
        self.glyphs = 0
        self.repaired: set[int] = set()
        self.rotated = 0

    def render_image(self, name, stream) -> None:
        self.images += 1

    def render_char(self, matrix, font, fontsize, scaling, rise, cid, ncs, graphicstate) -> float:
        adv = font.char_width(cid) * fontsize * scaling
        self.glyphs += 1
        self.budget.take(1)
        if self.glyphs % 4096 == 0:
            self.deadline.check()
        a, b, c, d, e, f = matrix
        if font.is_vertical() or abs(b) > 1e-3 * abs(a) or abs(c) > 1e-3 * abs(d) or a <= 0 or d <= 0:
            self.rotated += 1
            return adv  # vertical, rotated or mirrored: a watermark or a stamp, not the letter's text
        try:
            text = font.to_unichr(cid)
        except PDFUnicodeNotDefined:
            if not _repair_cid_font(font, self.repaired):
                self.unmapped += 1
                return adv
            try:
                text = font.to_unichr(cid)
            except PDFUnicodeNotDefined:
                self.unmapped += 1
                return adv
        if not isinstance(text, str) or not text or not (text.isprintable() or text.isspace()):
            return adv
        if len(text) > 1:  # a ligature, or a ToUnicode entry that says more
            self.budget.take(len(text) - 1)
        size = fontsize * d
        if not math.isfinite(size) or size <= 0:
            return adv
        x0 = a * 0 + c * rise + e
        y = b * 0 + d * rise + f
        x1 = x0 + a * adv
        if not (math.isfinite(x0) and math.isfinite(x1) and math.isfinite(y)):
            return adv  # a matrix of 1e308s: no place on any page
        self.runs.append(Run(x0=x0, x1=x1, y=-y, size=size, text=text))
        return adv


# Predefined CMaps of the Adobe CJK character collections, by the start of their names.
_COLLECTIONS = (("UniGB", "GB1"), ("GB", "GB1"), ("UniCNS", "CNS1"), ("B5", "CNS1"), ("ETen", "CNS1"),
                ("HKscs", "CNS1"), ("UniJIS", "Japan1"), ("90ms", "Japan1"), ("UniKS", "Korea1"), ("KSC", "Korea1"))


def _repair_cid_font(font, repaired: set[int]) -> bool:
    """Give a CID font without a Unicode map the map of its character collection, named by its CMap.

    The collection's name (CIDSystemInfo Ordering, e.g. “GB1”) is how pdfminer finds the Chinese text of a
    non-embedded Adobe CJK font. reportlab leaves that string unencrypted in an encrypted PDF, against the
    specification, so after decryption it is noise and every glyph would be lost; the CMap's name
    (UniGB-UCS2-H …) says the same thing and survives. Tried once per font."""
    if id(font) in repaired:
        return False
    repaired.add(id(font))
    if getattr(font, "unicode_map", True) is not None or not hasattr(font, "cmap"):
        return False
    name = str(getattr(font.cmap, "attrs", {}).get("CMapName", ""))
    ordering = next((o for prefix, o in _COLLECTIONS if name.startswith(prefix)), None)
    if ordering is None:
        return False
    from pdfminer.cmapdb import CMapDB

    try:
        font.unicode_map = CMapDB.get_unicode_map(f"Adobe-{ordering}", font.is_vertical())
    except CMapDB.CMapNotFound:
        return False
    return True

"""Build .docx, .ofd and .pdf letters (and malicious files) at test time, from the text of a .txt letter.

Nothing here is stored in the repository: every fixture is made in a temporary directory by the test
that needs it. The layouts follow GB/T 9704-2012 closely enough for the readers' layout heuristics to be
exercised as they would be on an office's real files: A4, 三号 body text (16 pt) on a 28-character line,
a 2-character first-line indent, a centred 二号 title, the 文号 and 签发人 on one line at the two ends,
right-aligned signature and date, 版记 lines, and running page numbers “— N —” outside the text block.
"""

from __future__ import annotations

import io
import random
import re
import shutil
import subprocess
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
OFD_NS = "http://www.ofdspec.org/2016"

# ---------------------------------------------------------------------------------------------------
# The letter's paragraphs, and what each one is (for its layout)
# ---------------------------------------------------------------------------------------------------


def letter_texts() -> dict[str, str]:
    """The fictional letters of examples/: the compliant NPC letter and every defective one."""
    names = [EXAMPLES / "npc-compliant.txt", EXAMPLES / "cppcc-compliant.txt",
             *sorted((EXAMPLES / "defective").glob("*.txt"))]
    return {p.stem: p.read_text(encoding="utf-8") for p in names}


def paragraphs_of(text: str) -> list[str]:
    """One paragraph per non-blank line, as a person would type the letter into Word."""
    return [line.rstrip() for line in re.split(r"\r\n|\r|\n", text) if line.strip()]


_SPLIT_ROW = re.compile(r"\s{2,}|\t")  # 文号    签发人 / 印发机关    日期印发


def role(index: int, paragraphs: list[str]) -> str:
    """How a paragraph is laid out: title, head (centred 版头), pair (two ends of one line), salutation,
    right (signature and date), flush (no indent) or body (first-line indent)."""
    text = paragraphs[index].strip()
    thanks = next((i for i, p in enumerate(paragraphs) if p.startswith(("感谢", "再次感谢"))), len(paragraphs))
    contact = next((i for i, p in enumerate(paragraphs) if p.startswith("（联系人")), len(paragraphs))
    if _SPLIT_ROW.search(text):
        return "pair"
    if text.startswith("关于") and ("答复" in text or "复函" in text) and index < 10:
        return "title"
    if re.search(r"〔\d{4}〕\d+号$|\[\d{4}\]\d+号$", text):
        return "head"
    if index < 6 and not text.startswith(("公开属性", "办理结果")) and "：" not in text and len(text) <= 20:
        return "head"  # the organ's name, 发文机关标志
    if text.endswith(("：", ":")) and len(text) <= 30 and index < 12:
        return "salutation"
    if thanks < index < contact:
        return "right"
    if text.startswith(("公开属性", "办理结果", "抄送")) or index < 3 and "：" in text:
        return "flush"
    return "body"


# ---------------------------------------------------------------------------------------------------
# .docx with python-docx
# ---------------------------------------------------------------------------------------------------


def _east_asian(run, name: str = "仿宋") -> None:
    from docx.oxml.ns import qn

    rpr = run._r.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, fonts)
    fonts.set(qn("w:eastAsia"), name)


def _borderless(table) -> None:
    from docx.oxml import parse_xml

    tbl_pr = table._tbl.tblPr
    tbl_pr.append(parse_xml(
        f'<w:tblBorders xmlns:w="{W_NS}">'
        + "".join(f'<w:{side} w:val="nil"/>' for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
        + "</w:tblBorders>"))


def _page_number_footer(section) -> None:
    """A footer holding “— PAGE —”, as offices set the running page number."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import parse_xml
    from docx.shared import Pt

    para = section.footer.paragraphs[0]
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = para.add_run("— ")
    run.font.size = Pt(14)
    para._p.append(parse_xml(
        f'<w:fldSimple xmlns:w="{W_NS}" w:instr=" PAGE "><w:r><w:rPr><w:sz w:val="28"/></w:rPr>'
        f'<w:t>1</w:t></w:r></w:fldSimple>'))
    run = para.add_run(" —")
    run.font.size = Pt(14)


def _text_box_run(lines: list[str]) -> str:
    """A floating text box as Word 2010+ writes it: the DrawingML shape in mc:Choice and the same text
    again as a VML fallback in mc:Fallback (a reader must take it once)."""
    paras = "".join(f"<w:p><w:r><w:t xml:space=\"preserve\">{escape(t)}</w:t></w:r></w:p>" for t in lines)
    return (
        f'<w:r xmlns:w="{W_NS}" '
        'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
        'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
        'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
        'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
        'xmlns:v="urn:schemas-microsoft-com:vml">'
        '<mc:AlternateContent><mc:Choice Requires="wps"><w:drawing>'
        '<wp:anchor distT="0" distB="0" distL="0" distR="0" simplePos="0" relativeHeight="2" behindDoc="0" '
        'locked="0" layoutInCell="1" allowOverlap="1"><wp:simplePos x="0" y="0"/>'
        '<wp:positionH relativeFrom="column"><wp:posOffset>0</wp:posOffset></wp:positionH>'
        '<wp:positionV relativeFrom="paragraph"><wp:posOffset>0</wp:posOffset></wp:positionV>'
        '<wp:extent cx="5400000" cy="900000"/><wp:effectExtent l="0" t="0" r="0" b="0"/><wp:wrapTopAndBottom/>'
        '<wp:docPr id="90" name="文本框 1"/><wp:cNvGraphicFramePr/>'
        '<a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
        '<wps:wsp><wps:cNvSpPr txBox="1"/><wps:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="5400000" cy="900000"/>'
        '</a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></wps:spPr>'
        f'<wps:txbx><w:txbxContent>{paras}</w:txbxContent></wps:txbx><wps:bodyPr/></wps:wsp>'
        '</a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice>'
        f'<mc:Fallback><w:pict><v:shape style="width:425pt;height:71pt"><v:textbox><w:txbxContent>{paras}'
        '</w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>'
    )


_CN_HEADING = re.compile(r"^(?P<marker>[一二三四五六七八九十]+、)(?P<rest>.+)$")
_CN_SUBHEADING = re.compile(r"^(?P<marker>（[一二三四五六七八九十]+）)(?P<rest>.+)$")


def _add_numbering(doc) -> int:
    """One two-level Word list, “一、” over “（一）”, with Chinese counting, as a template sets up headings:
    the heading numbers are then made by Word's automatic numbering and are not in the paragraph text at
    all, and a “（一）” list starts again under each new “一、” heading."""
    from docx.oxml import parse_xml

    numbering = doc.part.numbering_part.element
    abstract_id = num_id = 71
    levels = "".join(
        f'<w:lvl w:ilvl="{level}"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>'
        f'<w:suff w:val="nothing"/><w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/></w:lvl>'
        for level, text in ((0, "%1、"), (1, "（%2）")))
    numbering.insert(0, parse_xml(
        f'<w:abstractNum xmlns:w="{W_NS}" w:abstractNumId="{abstract_id}">'
        f'<w:multiLevelType w:val="multilevel"/>{levels}</w:abstractNum>'))
    numbering.append(parse_xml(
        f'<w:num xmlns:w="{W_NS}" w:numId="{num_id}"><w:abstractNumId w:val="{abstract_id}"/></w:num>'))
    return num_id


def _set_numbering(paragraph, num_id: int, level: int) -> None:
    from docx.oxml import parse_xml

    ppr = paragraph._p.get_or_add_pPr()
    ppr.insert(0, parse_xml(
        f'<w:numPr xmlns:w="{W_NS}"><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>'))


def build_docx(text: str, *, header_table: bool = False, soft_break: bool = False, text_box: bool = False,
               auto_numbering: bool = False, page_numbers: bool = True, tracked_deletion: bool = False) -> bytes:
    """A .docx of the letter ``text``: one Word paragraph per line, formatted as an office would.

    header_table: the 文号 and 签发人 (and the 印发 line) in a borderless 1×2 table, as many templates do.
    soft_break: the 公开属性 and 办理结果 lines in one paragraph, separated by a manual line break (⇧↵).
    text_box: the 抄送 line inside a floating text box.
    auto_numbering: “一、” and “（一）” headings numbered by Word, not typed.
    tracked_deletion: a tracked (not yet accepted) deletion inside a body paragraph, which must not be read.
    """
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import parse_xml
    from docx.shared import Mm, Pt

    paragraphs = paragraphs_of(text)
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    normal = doc.styles["Normal"]
    normal.font.size = Pt(16)
    normal.paragraph_format.line_spacing = Pt(28.95)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.space_before = Pt(0)
    if page_numbers:
        _page_number_footer(section)
    list_id = _add_numbering(doc) if auto_numbering else 0
    done_soft_break = False
    i = 0
    while i < len(paragraphs):
        text_i = paragraphs[i]
        kind = role(i, paragraphs)
        if soft_break and not done_soft_break and text_i.startswith("公开属性") and i + 1 < len(paragraphs):
            para = doc.add_paragraph()
            _east_asian(para.add_run(text_i))
            para.runs[0].add_break()  # <w:br/>
            _east_asian(para.add_run(paragraphs[i + 1]))
            done_soft_break = True
            i += 2
            continue
        if kind == "pair" and header_table:
            left, right = _SPLIT_ROW.split(text_i.strip(), maxsplit=1)
            table = doc.add_table(rows=1, cols=2)
            _borderless(table)
            for cell, value, align in ((table.cell(0, 0), left, WD_ALIGN_PARAGRAPH.LEFT),
                                       (table.cell(0, 1), right, WD_ALIGN_PARAGRAPH.RIGHT)):
                cell.paragraphs[0].alignment = align
                _east_asian(cell.paragraphs[0].add_run(value))
            i += 1
            continue
        if text_box and text_i.startswith("抄送"):
            para = doc.add_paragraph()
            para._p.append(parse_xml(_text_box_run([text_i])))
            i += 1
            continue
        para = doc.add_paragraph()
        fmt = para.paragraph_format
        body = text_i
        if auto_numbering and (m := _CN_HEADING.match(body) or _CN_SUBHEADING.match(body)):
            _set_numbering(para, list_id, 0 if m.re is _CN_HEADING else 1)
            body = m.group("rest")
        if kind == "title":
            para.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run = para.add_run(body)
            run.font.size = Pt(22)
        elif kind == "head":
            para.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run = para.add_run(body)
        elif kind == "pair":
            left, right = _SPLIT_ROW.split(body.strip(), maxsplit=1)
            run = para.add_run(left + "\t" + right)
            tabs = fmt.tab_stops
            from docx.enum.text import WD_TAB_ALIGNMENT

            tabs.add_tab_stop(Mm(154), WD_TAB_ALIGNMENT.RIGHT)
            # the reader turns a tab into the text it is (a tab); the txt has spaces: both are white space
        elif kind == "right":
            para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            fmt.right_indent = Pt(32)
            run = para.add_run(body)
        elif kind in ("salutation", "flush"):
            run = para.add_run(body)
        else:
            fmt.first_line_indent = Pt(32)
            para.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            if tracked_deletion and "。" in body[:-1] and not auto_numbering:
                first, rest = body.split("。", 1)
                _east_asian(para.add_run(first + "。"))
                para._p.append(parse_xml(
                    f'<w:del xmlns:w="{W_NS}" w:id="5" w:author="审核" w:date="2025-06-01T00:00:00Z">'
                    '<w:r><w:delText>此句已被删除。</w:delText></w:r></w:del>'))
                run = para.add_run(rest)
                tracked_deletion = False
            else:
                run = para.add_run(body)
        _east_asian(run)
        i += 1
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


# ---------------------------------------------------------------------------------------------------
# A page layout shared by the OFD and PDF builders (millimetres, y down from the top edge, baselines)
# ---------------------------------------------------------------------------------------------------

PAGE_W, PAGE_H = 210.0, 297.0
LEFT, RIGHT, TOP, BOTTOM = 28.0, 26.0, 37.0, 35.0
PT = 25.4 / 72
BODY = 16 * PT  # 三号
TITLE = 22 * PT  # 二号
FOLIO = 14 * PT  # 四号, the page number
PITCH = 28.95 * PT  # 22 lines in the 225 mm text block


@dataclass
class Fragment:
    """A run of text drawn at one place: x0 of the first glyph, baseline y, the glyphs' advances."""

    x0: float
    y: float
    size: float
    text: str
    advances: list[float]

    @property
    def x1(self) -> float:
        return self.x0 + sum(self.advances)


def cjk_advance(ch: str, size: float) -> float:
    return size / 2 if ord(ch) < 0x2E80 and ch not in "“”‘’—…·" else size


def _wrap(text: str, first_width: float, width: float, size: float, measure) -> list[tuple[str, bool]]:
    """Break ``text`` into lines; each with True when it is full (a wrapped line, to be justified)."""
    lines: list[tuple[str, bool]] = []
    current, used, limit = "", 0.0, first_width
    for ch in text:
        adv = measure(ch, size)
        if current and used + adv > limit + 1e-6:
            # 避头: a closing punctuation mark may not start a line; take it onto this line instead
            if ch in "，。、；：？！）》”’":
                current += ch
                lines.append((current, True))
                current, used, limit = "", 0.0, width
                continue
            lines.append((current, True))
            current, used, limit = "", 0.0, width
        current += ch
        used += adv
    if current:
        lines.append((current, False))
    return lines


def _fragment(text: str, x0: float, y: float, size: float, measure, justify_to: float | None = None) -> Fragment:
    advances = [measure(ch, size) for ch in text]
    if justify_to is not None and len(text) > 1:
        slack = (justify_to - x0) - sum(advances)
        step = slack / (len(text) - 1)
        advances = [a + step for a in advances[:-1]] + [advances[-1]]
    return Fragment(x0, y, size, text, advances)


def layout(text: str, measure=cjk_advance, page_numbers: bool = True) -> list[list[Fragment]]:
    """The letter laid out on A4 pages: a list of pages, each a list of fragments (lines, or the two
    halves of a 文号/签发人 line)."""
    paragraphs = paragraphs_of(text)
    width = PAGE_W - LEFT - RIGHT
    pages: list[list[Fragment]] = [[]]
    y = TOP + BODY

    def advance(step: float) -> None:
        nonlocal y
        y += step
        if y > PAGE_H - BOTTOM:
            pages.append([])
            y = TOP + BODY

    for i, para in enumerate(paragraphs):
        kind = role(i, paragraphs)
        text_i = para.strip()
        if kind == "pair":
            left, right = _SPLIT_ROW.split(text_i, maxsplit=1)
            pages[-1].append(_fragment(left, LEFT + BODY, y, BODY, measure))
            w = sum(measure(c, BODY) for c in right)
            pages[-1].append(_fragment(right, PAGE_W - RIGHT - BODY - w, y, BODY, measure))
            advance(PITCH)
        elif kind in ("title", "head"):
            size = TITLE if kind == "title" else BODY
            for line, _full in _wrap(text_i, width, width, size, measure):
                w = sum(measure(c, size) for c in line)
                pages[-1].append(_fragment(line, LEFT + (width - w) / 2, y, size, measure))
                advance(PITCH * (1.2 if kind == "title" else 1))
        elif kind == "right":
            w = sum(measure(c, BODY) for c in text_i)
            pages[-1].append(_fragment(text_i, PAGE_W - RIGHT - 2 * BODY - w, y, BODY, measure))
            advance(PITCH)
        else:
            indent = 2 * BODY if kind == "body" else 0.0
            for n, (line, full) in enumerate(_wrap(text_i, width - indent, width, BODY, measure)):
                x0 = LEFT + (indent if n == 0 else 0.0)
                pages[-1].append(_fragment(line, x0, y, BODY, measure, PAGE_W - RIGHT if full else None))
                advance(PITCH)
    if not pages[-1]:
        pages.pop()
    if page_numbers:
        for number, page in enumerate(pages, 1):
            folio = f"— {number} —"
            w = sum(measure(c, FOLIO) for c in folio)
            # odd pages at the right, even pages at the left, one character in from the text block
            x0 = PAGE_W - RIGHT - FOLIO - w if number % 2 else LEFT + FOLIO
            page.append(_fragment(folio, x0, PAGE_H - BOTTOM + 7 + FOLIO, FOLIO, measure))
    return pages


# ---------------------------------------------------------------------------------------------------
# .ofd (GB/T 33190-2016), written by hand: a zip of XML files
# ---------------------------------------------------------------------------------------------------


def _num(v: float) -> str:
    return f"{v:.3f}".rstrip("0").rstrip(".")


def _delta_x(advances: list[float]) -> str:
    """DeltaX with the “g” shorthand for runs of equal advances, as OFD producers write it."""
    deltas = [_num(a) for a in advances[:-1]]
    out: list[str] = []
    i = 0
    while i < len(deltas):
        j = i
        while j < len(deltas) and deltas[j] == deltas[i]:
            j += 1
        out.append(f"g {j - i} {deltas[i]}" if j - i > 2 else " ".join(deltas[i:j]))
        i = j
    return " ".join(out)


def build_ofd(text: str, *, split_objects: bool = True, shuffle: bool = True, seed: int = 7,
              page_entity: str = "", doc_xml: str | None = None) -> bytes:
    """An OFD of the letter. split_objects cuts lines into several TextObjects (as converters do) and
    shuffle writes a page's objects out of reading order, which the reader must restore.
    page_entity, when set, is put as a DOCTYPE at the head of the first page's Content.xml."""
    rng = random.Random(seed)
    pages = layout(text)
    files: dict[str, str] = {}
    files["OFD.xml"] = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<ofd:OFD xmlns:ofd="{OFD_NS}" Version="1.0" DocType="OFD"><ofd:DocBody>'
        '<ofd:DocInfo><ofd:DocID>3f2a</ofd:DocID><ofd:Title>答复</ofd:Title>'
        '<ofd:CreationDate>2025-06-10</ofd:CreationDate></ofd:DocInfo>'
        '<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>')
    page_refs = "".join(f'<ofd:Page ID="{n + 10}" BaseLoc="Pages/Page_{n}/Content.xml"/>' for n in range(len(pages)))
    files["Doc_0/Document.xml"] = doc_xml if doc_xml is not None else (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<ofd:Document xmlns:ofd="{OFD_NS}"><ofd:CommonData><ofd:MaxUnitID>9999</ofd:MaxUnitID>'
        f'<ofd:PageArea><ofd:PhysicalBox>0 0 {_num(PAGE_W)} {_num(PAGE_H)}</ofd:PhysicalBox></ofd:PageArea>'
        '<ofd:PublicRes>PublicRes.xml</ofd:PublicRes></ofd:CommonData>'
        f'<ofd:Pages>{page_refs}</ofd:Pages></ofd:Document>')
    files["Doc_0/PublicRes.xml"] = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<ofd:Res xmlns:ofd="{OFD_NS}" BaseLoc="Res"><ofd:Fonts>'
        '<ofd:Font ID="2" FontName="仿宋_GB2312" FamilyName="仿宋_GB2312"/>'
        '<ofd:Font ID="3" FontName="方正小标宋简体" FamilyName="方正小标宋简体"/></ofd:Fonts></ofd:Res>')
    next_id = 100
    for n, page in enumerate(pages):
        objects = []
        for frag in page:
            pieces = [frag]
            if split_objects and len(frag.text) > 6:
                cut = rng.randint(2, len(frag.text) - 2)
                first = Fragment(frag.x0, frag.y, frag.size, frag.text[:cut], frag.advances[:cut])
                second = Fragment(first.x1, frag.y, frag.size, frag.text[cut:], frag.advances[cut:])
                pieces = [first, second]
            for piece in pieces:
                next_id += 1
                top = piece.y - piece.size
                font = 3 if piece.size > BODY + 0.1 else 2
                objects.append(
                    f'<ofd:TextObject ID="{next_id}" Boundary="{_num(piece.x0)} {_num(top)} '
                    f'{_num(sum(piece.advances))} {_num(piece.size * 1.2)}" Font="{font}" Size="{_num(piece.size)}">'
                    '<ofd:FillColor Value="0 0 0"/>'
                    f'<ofd:TextCode X="0" Y="{_num(piece.size)}" DeltaX="{_delta_x(piece.advances)}">'
                    f'{escape(piece.text)}</ofd:TextCode></ofd:TextObject>')
        if shuffle:
            rng.shuffle(objects)
        # a rule line (版记's 分隔线) among the text: a PathObject, not text
        objects.insert(len(objects) // 2, '<ofd:PathObject ID="1" Boundary="28 250 156 1"><ofd:AbbreviatedData>'
                                          'M 0 0 L 156 0</ofd:AbbreviatedData></ofd:PathObject>')
        body = "".join(objects)
        head = '<?xml version="1.0" encoding="UTF-8"?>'
        if page_entity and n == 0:
            head += page_entity
        files[f"Doc_0/Pages/Page_{n}/Content.xml"] = (
            f'{head}<ofd:Page xmlns:ofd="{OFD_NS}"><ofd:Content><ofd:Layer ID="{n + 50}" Type="Body">'
            f'<ofd:PageBlock ID="{n + 60}">{body}</ofd:PageBlock></ofd:Layer></ofd:Content></ofd:Page>')
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in files.items():
            zf.writestr(name, content.encode("utf-8"))
    return out.getvalue()


# ---------------------------------------------------------------------------------------------------
# .pdf with reportlab (its built-in Adobe CJK font needs no font file), or from a .docx via LibreOffice
# ---------------------------------------------------------------------------------------------------

CJK_TTF_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",  # Debian: fonts-wqy-microhei (has Latin glyphs too)
    "/usr/share/fonts/truetype/arphic/uming.ttc",  # Debian: fonts-arphic-uming
)


def reportlab_available() -> bool:
    try:
        import reportlab  # noqa: F401
    except ImportError:
        return False
    return True


def cjk_ttf() -> str | None:
    return next((p for p in CJK_TTF_CANDIDATES if Path(p).exists()), None)


def build_pdf(text: str, *, font: str = "cid", encrypt: str | None = None, page_numbers: bool = True) -> bytes:
    """A PDF of the letter with a text layer. font="cid": reportlab's built-in STSong-Light (Adobe-GB1,
    not embedded, no font file needed); font="ttf": a CJK TrueType font from a Debian package, embedded
    as a subset (as Word and WPS export). encrypt: a user password (the file then needs it to open)."""
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfgen import canvas

    if font == "cid":
        from reportlab.pdfbase.cidfonts import UnicodeCIDFont

        name = "STSong-Light"
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(UnicodeCIDFont(name))
    else:
        from reportlab.pdfbase.ttfonts import TTFont

        path = cjk_ttf()
        if path is None:
            raise RuntimeError("no CJK TrueType font installed (apt-get install fonts-wqy-microhei)")
        name = "CJK-TTF"
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, path, subfontIndex=0))

    def measure(ch: str, size: float) -> float:
        return pdfmetrics.stringWidth(ch, name, size / PT) * PT

    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=(PAGE_W * mm, PAGE_H * mm), encrypt=encrypt, pageCompression=1)
    c.setTitle("答复")
    for page in layout(text, measure, page_numbers):
        for frag in page:
            natural = sum(measure(ch, frag.size) for ch in frag.text)
            spacing = (sum(frag.advances) - natural) / (len(frag.text) - 1) if len(frag.text) > 1 else 0.0
            t = c.beginText()
            t.setFont(name, frag.size / PT)
            t.setCharSpace(spacing * mm)
            t.setTextOrigin(frag.x0 * mm, (PAGE_H - frag.y) * mm)
            t.textOut(frag.text)
            c.drawText(t)
        c.showPage()
    c.save()
    return out.getvalue()


def build_scanned_pdf() -> bytes:
    """A “scan”: one page that is a picture of text, with no text layer."""
    from PIL import Image, ImageDraw
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    img = Image.new("L", (620, 877), 255)
    draw = ImageDraw.Draw(img)
    for row in range(20):
        draw.rectangle((80, 120 + row * 34, 540 - (row % 3) * 60, 138 + row * 34), fill=0)
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=(595, 842))
    c.drawImage(ImageReader(img), 0, 0, 595, 842)
    c.showPage()
    c.save()
    return out.getvalue()


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_with_libreoffice(data: bytes, suffix: str, target: str, workdir: Path) -> bytes:
    """Convert a document with LibreOffice headless (e.g. docx → pdf, docx → doc)."""
    return convert_many_with_libreoffice({"letter": data}, suffix, target, workdir)["letter"]


def convert_many_with_libreoffice(files: dict[str, bytes], suffix: str, target: str, workdir: Path) -> dict[str, bytes]:
    """Convert several documents in one LibreOffice run (it takes seconds to start): name → converted bytes."""
    workdir.mkdir(parents=True, exist_ok=True)
    sources = []
    for name, data in files.items():
        src = workdir / f"{name}{suffix}"
        src.write_bytes(data)
        sources.append(str(src))
    profile = workdir / "profile"
    out = workdir / "out"
    subprocess.run(
        [soffice(), f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
         "--convert-to", target, "--outdir", str(out), *sources],
        check=True, capture_output=True, timeout=300)
    extension = target.split(":", 1)[0]
    return {name: (out / f"{name}.{extension}").read_bytes() for name in files}


# ---------------------------------------------------------------------------------------------------
# Malicious and broken files
# ---------------------------------------------------------------------------------------------------

BILLION_LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
    + "]>"
)


def entity_bomb_docx(text: str) -> bytes:
    """A real .docx whose word/document.xml declares the billion-laughs entities and uses the last one."""
    good = build_docx(text)
    src = zipfile.ZipFile(io.BytesIO(good))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "word/document.xml":
                xml = data.decode("utf-8")
                head, rest = xml.split("?>", 1)
                rest = rest.replace("<w:t>", "<w:t>&lol9;", 1)
                data = (head + "?>" + BILLION_LAUGHS + rest).encode("utf-8")
            zf.writestr(info.filename, data)
    return out.getvalue()


def entity_bomb_ofd(text: str) -> bytes:
    good = build_ofd(text, page_entity=BILLION_LAUGHS)
    src = zipfile.ZipFile(io.BytesIO(good))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for info in src.infolist():
            data = src.read(info)
            if info.filename.endswith("Page_0/Content.xml"):
                data = re.sub(rb"(<ofd:TextCode[^>]*>)", rb"\1&lol9;", data, count=1)
            zf.writestr(info.filename, data)
    return out.getvalue()


def zip_bomb(member: str = "word/document.xml", size: int = 1 << 30) -> bytes:
    """A zip whose one member inflates from about 1 MB to ``size`` bytes (1 GiB) of zeros; written by
    streaming, so building it costs no memory."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        with zf.open(member, "w", force_zip64=True) as fh:
            chunk = b"\0" * (1 << 20)
            for _ in range(size // len(chunk)):
                fh.write(chunk)
    return out.getvalue()


def lying_zip_bomb(member: str = "word/document.xml") -> bytes:
    """A zip bomb whose directory lies: it declares a 100-byte member whose data inflates to 200 MB.
    The directory check passes; the bound on what is actually read must catch it."""
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    chunk = b"\0" * (1 << 20)
    deflated = comp.compress(b"<") + b"".join(comp.compress(chunk) for _ in range(200)) + comp.flush()
    name = member.encode()
    crc, declared = 0, 100
    local = (b"PK\x03\x04" + (20).to_bytes(2, "little") + b"\0\0" + (8).to_bytes(2, "little") + b"\0\0\0\0"
             + crc.to_bytes(4, "little") + len(deflated).to_bytes(4, "little") + declared.to_bytes(4, "little")
             + len(name).to_bytes(2, "little") + b"\0\0" + name)
    central = (b"PK\x01\x02" + (20).to_bytes(2, "little") + (20).to_bytes(2, "little") + b"\0\0"
               + (8).to_bytes(2, "little") + b"\0\0\0\0" + crc.to_bytes(4, "little")
               + len(deflated).to_bytes(4, "little") + declared.to_bytes(4, "little")
               + len(name).to_bytes(2, "little") + b"\0\0" + b"\0\0" + b"\0\0" + b"\0\0" + b"\0\0\0\0"
               + (0).to_bytes(4, "little") + name)
    body = local + deflated
    end = (b"PK\x05\x06" + b"\0\0\0\0" + (1).to_bytes(2, "little") + (1).to_bytes(2, "little")
           + len(central).to_bytes(4, "little") + len(body).to_bytes(4, "little") + b"\0\0")
    return body + central + end


def pdf_flate_bomb(size: int = 96 << 20) -> bytes:
    """A one-page PDF whose content stream is about 250 KB of deflate that inflates to ``size`` bytes of
    spaces (a valid, empty content stream: only the decoder's bound can stop it)."""
    comp = zlib.compressobj(9)
    chunk = b" " * (1 << 20)
    stream = b"".join(comp.compress(chunk) for _ in range(size // len(chunk))) + comp.flush()
    return pdf_of([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ])


def pdf_of(objects: list[bytes]) -> bytes:
    """A PDF written by hand: the objects numbered from 1 (the first is the catalog) and a correct
    cross-reference table."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def scanned_ofd() -> bytes:
    """An OFD whose one page is a picture (an ImageObject), with no text: a scan."""
    files = {
        "OFD.xml": f'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="{OFD_NS}" Version="1.0" DocType="OFD">'
                   '<ofd:DocBody><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>',
        "Doc_0/Document.xml": f'<?xml version="1.0" encoding="UTF-8"?><ofd:Document xmlns:ofd="{OFD_NS}">'
                              '<ofd:CommonData><ofd:PageArea><ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox>'
                              '</ofd:PageArea></ofd:CommonData><ofd:Pages>'
                              '<ofd:Page ID="1" BaseLoc="Pages/Page_0/Content.xml"/></ofd:Pages></ofd:Document>',
        "Doc_0/Pages/Page_0/Content.xml": f'<?xml version="1.0" encoding="UTF-8"?><ofd:Page xmlns:ofd="{OFD_NS}">'
                                          '<ofd:Content><ofd:Layer ID="2"><ofd:ImageObject ID="3" '
                                          'Boundary="0 0 210 297" CTM="210 0 0 297 0 0" ResourceID="9"/>'
                                          '</ofd:Layer></ofd:Content></ofd:Page>',
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in files.items():
            zf.writestr(name, content.encode("utf-8"))
    return out.getvalue()


def truncated(data: bytes) -> bytes:
    """The first half of a file, as a download or copy that stopped."""
    return data[: len(data) // 2]


def encrypted_pdf(text: str) -> bytes:
    return build_pdf(text, encrypt="mima123")


def owner_only_pdf(text: str) -> bytes:
    """Encrypted with an empty user password (print/copy restrictions only): it opens without a password.

    reportlab leaves the strings of the CID font's CIDSystemInfo (“Adobe”, “GB1”) unencrypted, against the
    PDF specification, so a reader that decrypts them as it should gets noise: the PDF reader must still
    find the characters (checker/sources/pdf.py, ``_repair_cid_font``)."""
    from reportlab.lib import pdfencrypt

    return build_pdf(text, encrypt=pdfencrypt.StandardEncryption("", ownerPassword="owner", canCopy=0))


def encrypted_docx() -> bytes:
    """What Word writes for a password-protected .docx: an OLE compound file holding EncryptedPackage
    (only its outline here: the signature and the stream names a reader looks for)."""
    header = bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 504
    names = "".join(n + "\0" for n in ("EncryptionInfo", "EncryptedPackage")).encode("utf-16-le")
    return header + names + b"\0" * 1024

"""Word letters for the tests of ``replylint annotate``, and independent readers of what it writes.

Everything is built at test time (nothing binary is committed). The letters are the fictional ones of
examples/, some with safe defects put in (``safe_defect_letter``), laid out by ``formats_fixtures.build_docx``
and then dressed as an office's real file is (``dress_docx``): labels split across runs with different
formatting, a hyperlink, a bookmark, a comment and a tracked insertion by another author, a header and a
footer, a field in the body.

The readers here (``accept_all``, ``reject_all``, ``comments_of``, ``chars_with_rpr``) are written from the
OOXML specification, not from checker/annotate.py, so that a test compares the implementation against a
second opinion rather than against itself.
"""

from __future__ import annotations

import hashlib

import io
import re
import zipfile
from copy import deepcopy
from pathlib import Path

from lxml import etree

from formats_fixtures import EXAMPLES, W_NS, build_docx

W = f"{{{W_NS}}}"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
COMMENTS_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"
COMMENTS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments"
HYPERLINK_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"

OTHER_AUTHOR = "审核员"

# ---------------------------------------------------------------------------------------------------
# Letters
# ---------------------------------------------------------------------------------------------------

NPC = (EXAMPLES / "npc-compliant.txt").read_text(encoding="utf-8")
CPPCC = (EXAMPLES / "cppcc-compliant.txt").read_text(encoding="utf-8")
DEFECTIVE = {p.stem: p.read_text(encoding="utf-8") for p in sorted((EXAMPLES / "defective").glob("*.txt"))}

# safe defects put into the compliant NPC letter: (correct text, defective text) and the rules they trip
SAFE_DEFECTS = [
    ("青建复〔2025〕12号", "青建复[2025]12号"),  # RL107
    ("签发人：林志远", "签发：林志远"),  # RL110
    ("抄送：市人大常委会选工委，市政府督查室。", "抄送:市人大常委会选工委、市政府督查室"),  # RL602, RL603, RL604
    ("\n2025年6月10日\n", "\n2025年06月10日\n"),  # RL404
    ("2025年6月10日印发", "2025年06月10日印发"),  # RL610
]
SAFE_CODES = {"RL107", "RL110", "RL404", "RL602", "RL603", "RL604", "RL610"}
# 提示-level safe defects (hidden unless --show-info): stray spaces and a lone page number line
INFO_DEFECTS = [
    ("\n2025年06月10日\n", "\n    2025年06月10日\n"),  # RL802 (after SAFE_DEFECTS)
    ("\n二、办理成效\n", "\n- 3 -\n\n二、办理成效\n"),  # RL312
]


def replaced(text: str, pairs) -> str:
    for good, bad in pairs:
        assert good in text, good
        text = text.replace(good, bad, 1)
    return text


def safe_defect_letter(info: bool = False) -> str:
    """The compliant NPC example with every safe defect of SAFE_DEFECTS (and INFO_DEFECTS with ``info``)."""
    text = replaced(NPC, SAFE_DEFECTS)
    return replaced(text, INFO_DEFECTS) if info else text


def headless_letter() -> str:
    """The NPC example without its 版头 lines: findings about missing elements, pointing at line 1."""
    return replaced(NPC, [("公开属性：主动公开\n办理结果：A\n\n", ""), ("青建复〔2025〕12号    签发人：林志远\n\n", "")])


def annotate_letters() -> dict[str, str]:
    """name → text: every example letter, and the NPC example with safe defects (with and without 提示)."""
    return {"npc-compliant": NPC, "cppcc-compliant": CPPCC, **DEFECTIVE,
            "npc-safe-defects": safe_defect_letter(), "npc-safe-defects-info": safe_defect_letter(info=True)}


# ---------------------------------------------------------------------------------------------------
# Dressing a built .docx as an office's file
# ---------------------------------------------------------------------------------------------------

# how the runs of a paragraph are split and formatted: a paragraph holding ``anchor`` is rebuilt from pieces
# (text, formatting); the pieces' texts must join to the paragraph's text exactly
_FORMATS = {
    "bold": {"bold": True},
    "plain": {},
    "red": {"color": "C00000", "bold": True},
    "blue": {"color": "0070C0"},
    "green": {"color": "00B050", "italic": True},
    "big": {"size": 18},
    "under": {"underline": True},
}


def _split_plan(text: str) -> list[tuple[str, str]] | None:
    """The run pieces for one paragraph of a letter, or None to leave it as one run."""
    if "签发：" in text or "签发人：" in text:
        label = "签发：" if "签发：" in text else "签发人："
        head, tail = text.split(label, 1)
        # the 文号 in two runs, 签发 bold + ： plain, the name green
        cut = head.find("〔") if "〔" in head else head.find("[")
        pieces = [(head[:cut], "plain"), (head[cut:], "big")] if cut > 0 else [(head, "plain")]
        return pieces + [(label[:-1], "bold"), (label[-1], "plain"), (tail, "green")]
    if re.fullmatch(r"\s*\d{4}年\d{1,2}月\d{1,2}日", text):  # the 成文日期 in two runs
        cut = text.index("月")
        return [(text[:cut], "plain"), (text[cut:], "blue")]
    if text.startswith("抄送"):  # three runs with colours: label, first organ and separator, the rest
        label = 3 if len(text) > 3 else len(text)
        sep = max(text.find("、"), text.find("，"))
        if sep > label:
            return [(text[:label], "red"), (text[label:sep + 1], "plain"), (text[sep + 1:], "blue")]
        return [(text[:label], "red"), (text[label:], "blue")]
    if text.endswith("印发"):
        return [(text[:-2], "under"), (text[-2:], "plain")]
    return None


def _set_format(run, fmt: str) -> None:
    from docx.shared import Pt, RGBColor

    spec = _FORMATS[fmt]
    if spec.get("bold"):
        run.bold = True
    if spec.get("italic"):
        run.italic = True
    if spec.get("underline"):
        run.underline = True
    if "color" in spec:
        run.font.color.rgb = RGBColor.from_string(spec["color"])
    if "size" in spec:
        run.font.size = Pt(spec["size"])


def _rebuild(paragraph, pieces: list[tuple[str, str]]) -> None:
    from formats_fixtures import _east_asian

    for r in list(paragraph._p.findall(f"{W}r")):
        paragraph._p.remove(r)
    for text, fmt in pieces:
        if not text:
            continue
        run = paragraph.add_run(text)
        _east_asian(run)
        _set_format(run, fmt)


def _wrap(paragraph, fragment: str, make_wrapper) -> bool:
    """Put ``fragment`` of a one-run paragraph into its own run, wrapped by ``make_wrapper(run_element)``."""
    runs = paragraph._p.findall(f"{W}r")
    text = "".join(t.text or "" for t in paragraph._p.iter(f"{W}t"))
    if len(runs) != 1 or fragment not in text:
        return False
    before, after = text.split(fragment, 1)
    run = runs[0]
    pieces = []
    for piece in (before, fragment, after):
        r = deepcopy(run)
        for t in r.findall(f"{W}t"):
            r.remove(t)
        t = etree.SubElement(r, f"{W}t")
        t.text = piece
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        pieces.append(r)
    parent = run.getparent()
    index = parent.index(run)
    parent.remove(run)
    middle = make_wrapper(pieces[1])
    for offset, element in enumerate([pieces[0], middle, pieces[2]]):
        if element is pieces[0] and not before or element is pieces[2] and not after:
            continue
        parent.insert(index, element)
        index += 1
    return True


def _el(tag: str, **attrs) -> etree._Element:
    element = etree.Element(f"{W}{tag}")
    for key, value in attrs.items():
        element.set(f"{W}{key}", str(value))
    return element


def dress_docx(data: bytes, *, split_runs: bool = True, hyperlink: bool = True, bookmark: bool = True,
               other_comment: bool = True, other_insertion: bool = True, header: bool = True,
               body_field: bool = True, date_field: bool = False) -> bytes:
    """A .docx of ``build_docx`` made to look like an office's file, without changing the text it reads as.

    split_runs: the 签发人 line, the 成文日期, the 抄送 and 印发 lines in several runs of different formatting.
    hyperlink: the first 《…》 of the body is a hyperlink (an external relationship).
    bookmark: a bookmark around the title.
    other_comment: a comment by 审核员 on the first body paragraph (so word/comments.xml already exists).
    other_insertion: a tracked insertion by 审核员 in the last body paragraph before the thanks.
    header: a page header with the organ's name (the page-number footer comes from build_docx).
    body_field: the phone number of the 联系人 line is a complex field (MERGEFIELD) whose result is the number.
    date_field: the 成文日期 is the result of a complex DATE field (a fix there cannot be made in Word).
    """
    from docx import Document

    doc = Document(io.BytesIO(data))
    paragraphs = list(doc.paragraphs)
    texts = [p.text for p in paragraphs]
    title = next((p for p in paragraphs if p.text.startswith(("关于", "对")) and p.text.endswith("答复")), None)
    salutation = next((i for i, t in enumerate(texts) if t.endswith("：") and ("代表" in t or "委员" in t)), None)
    start = (salutation or 0) + 1
    end = next((i for i, t in enumerate(texts) if i >= start and (
        t.startswith(("感谢", "再次感谢")) or "\t" in t or re.fullmatch(r"\s*\d{4}年\d{1,2}月\d{1,2}日", t))), len(texts))
    body = [p for p in paragraphs[start:end] if len(p.text) > 20]

    if split_runs:
        for p in paragraphs:
            plan = _split_plan(p.text)
            if plan and "".join(t for t, _ in plan) == p.text and len(p._p.findall(f"{W}r")) == 1:
                _rebuild(p, plan)
        for table in doc.tables:  # a 版头 table: the 签发人 cell
            for cell in table._cells:
                for p in cell.paragraphs:
                    plan = _split_plan(p.text)
                    if plan and "".join(t for t, _ in plan) == p.text:
                        _rebuild(p, plan)

    if hyperlink:
        target = next((p for p in body if "《" in p.text and "》" in p.text), None)
        if target is not None:
            fragment = target.text[target.text.index("《"):target.text.index("》") + 1]
            rid = doc.part.relate_to("https://www.example.gov.cn/zhengce/tingche", HYPERLINK_REL, is_external=True)

            def link(run):
                h = etree.Element(f"{W}hyperlink")
                h.set(f"{{{R_NS}}}id", rid)
                h.append(run)
                return h

            _wrap(target, fragment, link)

    if bookmark and title is not None:
        title._p.insert(1 if title._p.pPr is not None else 0, _el("bookmarkStart", id=0, name="_Toc标题"))
        title._p.append(_el("bookmarkEnd", id=0))

    if other_comment and body:
        runs = body[0].runs
        doc.add_comment(runs, text="请核实这一段的数字。", author=OTHER_AUTHOR, initials="SH")

    if other_insertion and body:
        target = next((p for p in reversed(body) if len(p._p.findall(f"{W}r")) == 1), None)
        if target is not None and len(target.text) > 8:
            fragment = target.text[2:6]

            def insertion(run):
                ins = _el("ins", id=9001, author=OTHER_AUTHOR, date="2025-06-01T09:00:00Z")
                ins.append(run)
                return ins

            _wrap(target, fragment, insertion)

    if header:
        organ = next((t for t in texts if t.endswith(("局", "委员会", "政府")) and len(t) < 20), "答复单位")
        doc.sections[0].header.paragraphs[0].text = organ

    if body_field:
        contact = next((p for p in paragraphs if p.text.startswith("（联系人") and re.search(r"\d[\d-]{6,}\d", p.text)), None)
        if contact is not None:
            number = re.search(r"\d[\d-]{6,}\d", contact.text).group(0)
            _fieldify(contact, number, " MERGEFIELD 联系电话 ")

    if date_field:
        date = next((p for p in paragraphs if re.fullmatch(r"\s*\d{4}年\d{1,2}月\d{1,2}日", p.text)), None)
        if date is not None:
            if len(date._p.findall(f"{W}r")) > 1:
                _rebuild(date, [(date.text, "plain")])
            _fieldify(date, date.text.strip(), ' DATE \\@ "yyyy年MM月dd日" ')

    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _fieldify(paragraph, result: str, instruction: str) -> None:
    """Make ``result`` (in a one-run paragraph) the cached result of a complex field."""

    def field(run):
        holder = etree.Element(f"{W}fragment")  # unwrapped below
        rpr = run.find(f"{W}rPr")

        def part(child):
            r = etree.Element(f"{W}r")
            if rpr is not None:
                r.append(deepcopy(rpr))
            r.append(child)
            return r

        holder.append(part(_el("fldChar", fldCharType="begin")))
        instr = etree.Element(f"{W}instrText")
        instr.text = instruction
        instr.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        holder.append(part(instr))
        holder.append(part(_el("fldChar", fldCharType="separate")))
        holder.append(run)
        holder.append(part(_el("fldChar", fldCharType="end")))
        return holder

    if _wrap(paragraph, result, field):
        for holder in paragraph._p.iter(f"{W}fragment"):
            unwrap(holder)
            break


def office_docx(text: str, **layout) -> bytes:
    """``build_docx(text, **layout)`` dressed with every feature of ``dress_docx`` (except date_field)."""
    return dress_docx(build_docx(text, **layout))


def word_lock_file(user: str = "周文华") -> bytes:
    """What Word writes as ``~$letter.docx`` while the letter is open: 162 bytes, a length byte and the
    user's name (then the name again in UTF-16 and padding)."""
    name = user.encode("gbk")[:53]
    data = bytes([len(user)]) + name.ljust(53, b"\x20") + user.encode("utf-16-le")
    return data.ljust(162, b"\0")[:162]


# ---------------------------------------------------------------------------------------------------
# Reading what annotate wrote (independently of checker/annotate.py)
# ---------------------------------------------------------------------------------------------------


def parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {info.filename: zf.read(info) for info in zf.infolist()}


def with_parts(data: bytes, replace: dict[str, bytes]) -> bytes:
    """The package with some members replaced (the others copied as they are, in order)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info, replace.get(info.filename, src.read(info)))
    return out.getvalue()


def document_xml(data: bytes) -> etree._Element:
    return etree.fromstring(parts(data)["word/document.xml"])


def unwrap(element) -> None:
    """Put an element's children in its place (a 修订 accepted, a wrapper taken away)."""
    parent = element.getparent()
    index = parent.index(element)
    tail = element.tail
    for child in list(element):
        parent.insert(index, child)
        index += 1
    if tail and tail.strip():  # pragma: no cover - WordprocessingML has no mixed content
        raise AssertionError("text after a revision mark")
    parent.remove(element)


def _by(element, author: str | None) -> bool:
    return author is None or element.get(f"{W}author") == author


def _revise(root, author: str | None, accept: bool) -> None:
    drop = ("del", "moveFrom") if accept else ("ins", "moveTo")
    keep = ("ins", "moveTo") if accept else ("del", "moveFrom")
    for name in drop:
        for element in list(root.iter(f"{W}{name}")):
            if _by(element, author) and element.getparent() is not None:
                # a run's content, or a paragraph mark's revision (w:rPr/w:ins): the mark itself stays
                element.getparent().remove(element)
    for name in keep:
        for element in list(root.iter(f"{W}{name}")):
            if not _by(element, author):
                continue
            if element.getparent().tag == f"{W}rPr":
                element.getparent().remove(element)
                continue
            if not accept:  # a rejected deletion: its deleted text is text again
                for dt in element.iter(f"{W}delText"):
                    dt.tag = f"{W}t"
                for di in element.iter(f"{W}delInstrText"):
                    di.tag = f"{W}instrText"
            unwrap(element)
    for name in ("rPrChange", "pPrChange", "sectPrChange", "tblPrChange", "trPrChange", "tcPrChange"):
        for element in list(root.iter(f"{W}{name}")):
            if not _by(element, author):
                continue
            parent = element.getparent()
            if accept:
                parent.remove(element)
            else:  # rejecting a property change puts the old properties back
                old = element[0] if len(element) else None
                grand = parent.getparent()
                index = grand.index(parent)
                grand.remove(parent)
                if old is not None:
                    old.tag = parent.tag
                    grand.insert(index, old)


_REVISED_PARTS = re.compile(r"word/(document|header\d*|footer\d*|footnotes|endnotes|comments)\.xml$")


def _revised(data: bytes, author: str | None, accept: bool) -> bytes:
    members = parts(data)
    replace = {}
    for name, content in members.items():
        if _REVISED_PARTS.match(name):
            root = etree.fromstring(content)
            _revise(root, author, accept)
            replace[name] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return with_parts(data, replace)


def accept_all(data: bytes, author: str | None = None) -> bytes:
    """The document with every tracked change (by ``author``, or by anyone) accepted: w:del and w:moveFrom
    dropped with their content, w:ins and w:moveTo unwrapped, property changes dropped."""
    return _revised(data, author, accept=True)


def reject_all(data: bytes, author: str | None = None) -> bytes:
    """The document with every tracked change (by ``author``, or by anyone) rejected: w:ins and w:moveTo
    dropped, w:del and w:moveFrom unwrapped with their w:delText made w:t again, old properties restored."""
    return _revised(data, author, accept=False)


def revisions(data: bytes, author: str | None = None) -> list[etree._Element]:
    """The w:ins and w:del elements of the main document (by ``author``)."""
    root = document_xml(data)
    return [e for e in root.iter(f"{W}ins", f"{W}del") if _by(e, author) and e.getparent().tag != f"{W}rPr"]


def _run_text(run) -> str:
    out = []
    for child in run:
        if child.tag == f"{W}t":
            out.append(child.text or "")
        elif child.tag in (f"{W}tab", f"{W}ptab"):
            out.append("\t")
        elif child.tag in (f"{W}br", f"{W}cr"):
            if child.get(f"{W}type", "textWrapping") == "textWrapping":
                out.append("\n")
    return "".join(out)


def _in(element, tags: tuple[str, ...]) -> bool:
    parent = element.getparent()
    while parent is not None:
        if parent.tag in tags:
            return True
        parent = parent.getparent()
    return False


_SKIPPED = (f"{W}del", f"{W}moveFrom", f"{{{MC_NS}}}Fallback")


def comments_of(data: bytes) -> list[tuple[str, str, str]]:
    """(author, text, anchored text) of each comment, in the order of comments.xml.

    The comment's text is its paragraphs joined by "\\n"; the anchored text is the document text between its
    w:commentRangeStart and w:commentRangeEnd, in document order and across runs and paragraphs (paragraphs
    joined by "\\n"), leaving out deleted text (w:delText, w:del, w:moveFrom) and VML fallbacks. A comment
    with no range in the document has None as its anchored text."""
    members = parts(data)
    if "word/comments.xml" not in members:
        return []
    comments = etree.fromstring(members["word/comments.xml"])
    root = etree.fromstring(members["word/document.xml"])
    open_ids: set[str] = set()
    anchored: dict[str, list[str]] = {}
    seen_paragraph: dict[str, object] = {}
    for element in root.iter():
        tag = element.tag
        if tag == f"{W}commentRangeStart":
            cid = element.get(f"{W}id")
            open_ids.add(cid)
            anchored.setdefault(cid, [])
            seen_paragraph[cid] = _paragraph_of(element)
        elif tag == f"{W}commentRangeEnd":
            open_ids.discard(element.get(f"{W}id"))
        elif tag == f"{W}r" and open_ids and not _in(element, _SKIPPED):
            text = _run_text(element)
            if not text:
                continue
            here = _paragraph_of(element)
            for cid in open_ids:
                if seen_paragraph[cid] is not here:
                    if anchored[cid]:
                        anchored[cid].append("\n")
                    seen_paragraph[cid] = here
                anchored[cid].append(text)
    out = []
    for comment in comments.iter(f"{W}comment"):
        cid = comment.get(f"{W}id")
        paragraphs = ["".join(t.text or "" for t in p.iter(f"{W}t")) for p in comment.iter(f"{W}p")]
        text = "\n".join(paragraphs)
        out.append((comment.get(f"{W}author"), text, "".join(anchored[cid]) if cid in anchored else None))
    return out


def _paragraph_of(element):
    parent = element.getparent()
    while parent is not None and parent.tag != f"{W}p":
        parent = parent.getparent()
    return parent


def chars_with_rpr(data: bytes) -> list[list[tuple[str, bytes]]]:
    """For each paragraph of the body (in document order, text boxes' and VML fallbacks' too), each
    character of its text with the canonical XML of the w:rPr of the run that holds it. Deleted text
    (w:del, w:moveFrom) is left out: call on ``accept_all`` or ``reject_all`` of a document with 修订."""
    root = document_xml(data)
    out = []
    for p in root.iter(f"{W}p"):
        chars: list[tuple[str, bytes]] = []
        for r in p.iter(f"{W}r"):
            if _paragraph_of(r) is not p or _in(r, (f"{W}del", f"{W}moveFrom")):
                continue
            rpr = r.find(f"{W}rPr")
            key = _canonical_rpr(rpr)
            for ch in _run_text(r):
                chars.append((ch, key))
        out.append(chars)
    return out


def _canonical_rpr(rpr) -> bytes:
    if rpr is None:
        return b""
    copy = deepcopy(rpr)
    for change in copy.findall(f"{W}rPrChange"):
        copy.remove(change)
    for child in list(copy):  # a run's revision marks (w:ins/w:del in rPr) are not its formatting
        if child.tag in (f"{W}ins", f"{W}del"):
            copy.remove(child)
    if len(copy) == 0:
        return b""
    return etree.tostring(copy, method="c14n")


def content_types(data: bytes) -> dict[str, str]:
    """PartName → ContentType of the Overrides of [Content_Types].xml."""
    root = etree.fromstring(parts(data)["[Content_Types].xml"])
    return {o.get("PartName"): o.get("ContentType") for o in root.iter(f"{{{CT_NS}}}Override")}


def relationships(data: bytes, rels: str = "word/_rels/document.xml.rels") -> list[dict[str, str]]:
    root = etree.fromstring(parts(data)[rels])
    return [dict(r.attrib) for r in root.iter(f"{{{PKG_REL}}}Relationship")]


def resolve(folder: str, target: str) -> str:
    import posixpath

    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(folder, target))


def docx_paths(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.docx"))


# the letters LibreOffice converts (one run for all): key → (text, build_docx layout)
LETTERS_FOR_LIBREOFFICE = {
    "npc-safe-defects-plain": (safe_defect_letter(), {}),
    "npc-safe-defects-table": (safe_defect_letter(), {"header_table": True}),
    "npc-safe-defects-textbox": (safe_defect_letter(), {"text_box": True}),
    "npc-safe-defects-info-numbered": (safe_defect_letter(info=True), {"auto_numbering": True}),
    "npc-committee-salutation-plain": (DEFECTIVE["npc-committee-salutation"], {}),
    "npc-doc-number-and-date-plain": (DEFECTIVE["npc-doc-number-and-date"], {"soft_break": True}),
}


def shred_docx(data: bytes, seed: int) -> bytes:
    """The document with every body run cut into random pieces, each its own run with the run's properties
    plus a random change (bold, a colour, a size), a w:t sometimes split in two inside one run, and empty
    runs, proofing marks and bookmarks put between the pieces — as a document edited for years looks."""
    import random

    rng = random.Random(seed)
    root = document_xml(data)
    extras = [("b", {}), ("i", {}), ("color", {"val": "7030A0"}), ("sz", {"val": "30"}), ("u", {"val": "single"})]
    bookmark = 7000
    for run in list(root.iter(f"{W}r")):
        if _in(run, (f"{W}txbxContent", f"{{{MC_NS}}}AlternateContent", f"{W}del", f"{W}ins")):
            continue
        children = [c for c in run if c.tag != f"{W}rPr"]
        if not children or any(c.tag not in (f"{W}t", f"{W}tab") for c in children):
            continue  # fields, breaks, drawings: left as they are
        rpr = run.find(f"{W}rPr")
        pieces = []  # (kind, text) in order
        for c in children:
            if c.tag == f"{W}tab":
                pieces.append(("tab", ""))
                continue
            text = c.text or ""
            i = 0
            while i < len(text):
                n = rng.randint(1, 4)
                pieces.append(("t", text[i:i + n]))
                i += n
        parent = run.getparent()
        index = parent.index(run)
        parent.remove(run)
        for kind, text in pieces:
            r = etree.Element(f"{W}r")
            new_rpr = deepcopy(rpr) if rpr is not None else etree.Element(f"{W}rPr")
            if rng.random() < 0.5:
                tag, attrs = rng.choice(extras)
                if new_rpr.find(f"{W}{tag}") is None:
                    _insert_ordered(new_rpr, _el(tag, **attrs))
            if len(new_rpr):
                r.append(new_rpr)
            if kind == "tab":
                r.append(_el("tab"))
            elif len(text) > 1 and rng.random() < 0.2:  # two w:t in one run
                for part in (text[:1], text[1:]):
                    t = etree.SubElement(r, f"{W}t")
                    t.text = part
                    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            else:
                t = etree.SubElement(r, f"{W}t")
                t.text = text
                t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            parent.insert(index, r)
            index += 1
            roll = rng.random()
            if roll < 0.1:
                parent.insert(index, _el("proofErr", type="spellStart"))
                index += 1
            elif roll < 0.15:
                parent.insert(index, _el("bookmarkStart", id=bookmark, name=f"_Hlk{bookmark}"))
                parent.insert(index + 1, _el("bookmarkEnd", id=bookmark))
                bookmark += 1
                index += 2
            elif roll < 0.2:
                empty = etree.Element(f"{W}r")
                if rpr is not None:
                    empty.append(deepcopy(rpr))
                etree.SubElement(empty, f"{W}t").text = ""
                parent.insert(index, empty)
                index += 1
    return with_parts(data, {"word/document.xml": etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                                                 standalone=True)})


def with_content_controls(data: bytes) -> bytes:
    """The 抄送 paragraph inside a block-level content control (w:sdt) and the runs of the 文号 inside a
    run-level one, as templates with fill-in fields have them."""
    root = document_xml(data)
    body = root.find(f"{W}body")

    def control(alias: str):
        sdt = etree.Element(f"{W}sdt")
        etree.SubElement(etree.SubElement(sdt, f"{W}sdtPr"), f"{W}alias").set(f"{W}val", alias)
        return sdt, etree.SubElement(sdt, f"{W}sdtContent")

    for p in list(body):
        if p.tag == f"{W}p" and "".join(p.itertext()).startswith("抄送"):
            sdt, content = control("抄送")
            p.addprevious(sdt)
            content.append(p)
            break
    for p in body.iter(f"{W}p"):
        runs = p.findall(f"{W}r")
        if "".join(p.itertext()).startswith(("青建复", "东建复")) and runs:
            sdt, content = control("发文字号")
            runs[0].addprevious(sdt)
            for r in runs[:2]:
                content.append(r)
            break
    return with_parts(data, {"word/document.xml": etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                                                 standalone=True)})


# the order of the children of w:rPr and w:pPr in the schema (ECMA-376 CT_RPr / CT_ParaRPr, CT_PPr): Word
# refuses a document whose properties come out of order ("unreadable content")
_RPR_ORDER = ("ins del moveFrom moveTo rStyle rFonts b bCs i iCs caps smallCaps strike dstrike outline shadow emboss "
              "imprint noProof snapToGrid vanish webHidden color spacing w kern position sz szCs highlight u effect "
              "bdr shd fitText vertAlign rtl cs em lang eastAsianLayout specVanish oMath rPrChange").split()
_PPR_ORDER = ("pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr suppressLineNumbers pBdr shd tabs "
              "suppressAutoHyphens kinsoku wordWrap overflowPunct topLinePunct autoSpaceDE autoSpaceDN bidi "
              "adjustRightInd snapToGrid spacing ind contextualSpacing mirrorIndents suppressOverlap jc textDirection "
              "textAlignment textboxTightWrap outlineLvl divId cnfStyle rPr sectPr pPrChange").split()


def property_order_errors(data: bytes) -> list[str]:
    """The w:rPr and w:pPr of the main document whose children are out of the schema's order."""
    errors = []
    for tag, order in (("rPr", _RPR_ORDER), ("pPr", _PPR_ORDER)):
        rank = {name: i for i, name in enumerate(order)}
        for element in document_xml(data).iter(f"{W}{tag}"):
            names = [c.tag[len(W):] for c in element if isinstance(c.tag, str) and c.tag.startswith(W)]
            ranks = [rank[n] for n in names if n in rank]
            if ranks != sorted(ranks) or len(set(names)) != len(names):
                errors.append(f"{tag}: {' '.join(names)}")
    return errors


def _insert_ordered(rpr, element) -> None:
    """Put a property into a w:rPr at its place in the schema's order."""
    rank = {name: i for i, name in enumerate(_RPR_ORDER)}
    mine = rank[element.tag[len(W):]]
    for i, child in enumerate(rpr):
        if rank.get(child.tag[len(W):] if isinstance(child.tag, str) else "", -1) > mine:
            rpr.insert(i, element)
            return
    rpr.append(element)


def sha(path: Path) -> str:
    """The file's SHA-256 (an input must be byte-identical after any run)."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def put(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path

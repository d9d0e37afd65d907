"""Attacks on the readers (issue 8): small files that ask for gigabytes or for ever, each built here at test
time, checked by a real ``replylint`` process under a 1 GiB address-space limit.

Every attack must end as that file's own message — “文件内容异常：…” for a file that asks for more than a
bound allows, or the specific message of its kind — with exit code 2, while a good letter in the same
folder is still checked. The expectations are what a reviewer would ask of each file, written before
running it: the bound that applies, not whatever the reader happens to say.
"""

from __future__ import annotations

import functools
import io
import json
import os
import struct
import sys
import time
import zipfile
import zlib
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from formats_fixtures import pdf_of as pdf  # noqa: E402
from hostile import run_cli  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
GOOD_LETTER = (ROOT / "examples" / "npc-compliant.txt").read_bytes()
GiB = 1024 ** 3
CONTENT = "文件内容异常"

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
OFD = "http://www.ofdspec.org/2016"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
NUMBERING_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering"


# ---- builders: the smallest files of each format that the readers accept --------------------------------------

def zip_of(members: dict[str, bytes | str], stored: bool = False) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content.encode("utf-8") if isinstance(content, str) else content)
    return out.getvalue()


def paragraph(text: str, numbered: bool = False) -> str:
    numbering = '<w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr>' if numbered else ""
    return f"<w:p>{numbering}<w:r><w:t>{text}</w:t></w:r></w:p>"


def document_xml(body: str) -> str:
    return f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{W}"><w:body>{body}</w:body></w:document>'


def docx(body: str = "", numbering: str | None = None, document: bytes | str | None = None,
         stored: bool = False) -> bytes:
    members: dict[str, bytes | str] = {"word/document.xml": document if document is not None else document_xml(body)}
    if numbering is not None:
        members["word/_rels/document.xml.rels"] = (
            f'<Relationships xmlns="{RELS}"><Relationship Id="r1" Type="{NUMBERING_REL}" '
            'Target="numbering.xml"/></Relationships>')
        members["word/numbering.xml"] = numbering
    return zip_of(members, stored)


def numbering_xml(start: int = 1, fmt: str = "decimal", level_text: str = "%1、") -> str:
    return (f'<w:numbering xmlns:w="{W}"><w:abstractNum w:abstractNumId="1"><w:lvl w:ilvl="0">'
            f'<w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/><w:lvlText w:val="{level_text}"/></w:lvl>'
            '</w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="1"/></w:num></w:numbering>')


def ofd(page_objects: str, stored: bool = False) -> bytes:
    return zip_of({
        "OFD.xml": f'<ofd:OFD xmlns:ofd="{OFD}"><ofd:DocBody><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot>'
                   '</ofd:DocBody></ofd:OFD>',
        "Doc_0/Document.xml": f'<ofd:Document xmlns:ofd="{OFD}"><ofd:Pages><ofd:Page ID="1" '
                              'BaseLoc="Pages/Page_0/Content.xml"/></ofd:Pages></ofd:Document>',
        "Doc_0/Pages/Page_0/Content.xml": f'<ofd:Page xmlns:ofd="{OFD}"><ofd:Content><ofd:Layer ID="2">'
                                          f'{page_objects}</ofd:Layer></ofd:Content></ofd:Page>',
    }, stored)


def text_object(text: str, delta_x: str = "", boundary: str = "20 20 170 10") -> str:
    delta = f' DeltaX="{delta_x}"' if delta_x else ""
    return (f'<ofd:TextObject ID="3" Boundary="{boundary}" Font="1" Size="5">'
            f'<ofd:TextCode X="0" Y="5"{delta}>{text}</ofd:TextCode></ofd:TextObject>')


def stream(data: bytes, extra: bytes = b"", deflate: bool = True) -> bytes:
    if deflate:
        data, extra = zlib.compress(data, 9), extra + b" /Filter /FlateDecode"
    return b"<< /Length %d%s >>\nstream\n" % (len(data), extra) + data + b"\nendstream"


HELVETICA = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


def one_page_pdf(content: bytes, font: bytes = HELVETICA, more: list[bytes] = (), resources: bytes = b"") -> bytes:
    """Catalog 1, pages 2, page 3, content 4, font 5, then ``more`` from object 6 on."""
    return pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
                b"/Resources << /Font << /F1 5 0 R >> " + resources + b">> >>",
                stream(content), font, *more])


def type0_font(to_unicode: bytes = b"") -> bytes:
    """A Type0 font over the CID font that is object 6."""
    return (b"<< /Type /Font /Subtype /Type0 /BaseFont /X /Encoding /Identity-H /DescendantFonts [6 0 R] "
            + to_unicode + b">>")


def cid_font(widths: bytes) -> bytes:
    return (b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /X /CIDSystemInfo << /Registry (Adobe) "
            b"/Ordering (Identity) /Supplement 0 >> /W " + widths + b" >>")


SHOW_TEXT = b"BT /F1 12 Tf 72 700 Td (Reply) Tj ET"
SHOW_CID = b"BT /F1 12 Tf 72 700 Td <00410042> Tj ET"


def to_unicode_pdf(cmap_body: bytes) -> bytes:
    cmap = (b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap "
            b"1 begincodespacerange <0000> <FFFF> endcodespacerange " + cmap_body + b" endcmap end end")
    return one_page_pdf(SHOW_CID, font=type0_font(to_unicode=b"/ToUnicode 7 0 R "),
                        more=[cid_font(b"[]"), stream(cmap)])


def form_fanout_pdf(levels: int, fanout: int) -> bytes:
    """Form XObjects each drawing the next one ``fanout`` times: ``fanout ** levels`` drawings in all."""
    first = 6
    forms = []
    for level in range(levels):
        number = first + level
        if level + 1 < levels:
            body = b"/X Do " * fanout
            resources = b"/Resources << /XObject << /X %d 0 R >> >>" % (number + 1)
        else:
            body, resources = b"", b""
        forms.append(stream(body, b" /Type /XObject /Subtype /Form /BBox [0 0 10 10] " + resources))
    return one_page_pdf(b"/X Do " * fanout, more=forms, resources=b"/XObject << /X 6 0 R >> ")


# ---- the attacks ------------------------------------------------------------------------------------------------

def _deep_kids_pdf(depth: int) -> bytes:
    nodes = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    for level in range(depth):
        nodes.append(b"<< /Type /Pages /Kids [%d 0 R] /Count 1 >>" % (level + 3))
    nodes.append(b"<< /Type /Page /MediaBox [0 0 595 842] >>")
    return pdf(nodes)


def _object_stream_in_itself() -> bytes:
    """Object 2 (the page tree) lies, says the cross-reference stream, inside object stream 2: itself."""
    head = b"%PDF-1.5\n"
    catalog = b"1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    xref_at = len(head) + len(catalog)
    entries = (b"\x00\x00\x00\x00" + b"\x01" + len(head).to_bytes(2, "big") + b"\x00" + b"\x02\x00\x02\x00"
               + b"\x01" + xref_at.to_bytes(2, "big") + b"\x00")
    xref = (b"3 0 obj\n<< /Type /XRef /Size 4 /W [1 2 1] /Root 1 0 R /Length %d >>\nstream\n" % len(entries)
            + entries + b"\nendstream\nendobj\n")
    return head + catalog + xref + b"startxref\n%d\n%%%%EOF\n" % xref_at


def _xref_stream_pdf(catalog: bytes, index: bytes) -> bytes:
    """A catalog (object 1) and a cross-reference stream whose /Index claims ``index``."""
    head = b"%PDF-1.5\n"
    body = b"1 0 obj\n" + catalog + b"\nendobj\n"
    xref_at = len(head) + len(body)
    entries = b"\x01" + len(head).to_bytes(2, "big") + b"\x00"
    xref = (b"3 0 obj\n<< /Type /XRef /Size 4 /Index %s /W [1 2 1] /Root 1 0 R /Length %d >>\nstream\n"
            % (index, len(entries)) + entries + b"\nendstream\nendobj\n")
    return head + body + xref + b"startxref\n%d\n%%%%EOF\n" % xref_at


def _truetype_cmap_pdf() -> bytes:
    """An embedded TrueType font whose cmap (format 12) maps one group of four billion codes."""
    group = struct.pack(">HHIII", 12, 0, 0, 0, 1) + struct.pack(">III", 0, 0xFFFFFFF0, 1)
    cmap = struct.pack(">HH", 0, 1) + struct.pack(">HHL", 3, 10, 12) + group
    font = b"\x00\x01\x00\x00" + struct.pack(">HHHH", 1, 0, 0, 0) + struct.pack(">4sLLL", b"cmap", 0, 28, len(cmap))
    return one_page_pdf(SHOW_CID, font=type0_font(), more=[
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /X /CIDSystemInfo << /Registry (Adobe) /Ordering "
        b"(Identity) /Supplement 0 >> /FontDescriptor 7 0 R >>",
        b"<< /Type /FontDescriptor /FontName /X /FontFile2 8 0 R >>", stream(font + cmap)])


def _misplaced_objects_pdf() -> bytes:
    """Every object the table lists is “at” the start of two million numbers: pdfminer kept them all while
    looking for the object's “N 0 obj”."""
    body = b"%PDF-1.4\n" + b"1 " * 2_000_000 + b"\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    return body + (b"xref\n0 3\n0000000000 65535 f \n0000000009 00000 n \n0000000009 00000 n \ntrailer\n"
                   b"<< /Size 3 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % len(body))


def _fonts_sharing(shared: bytes, font: bytes, count: int = 1000) -> bytes:
    """``count`` fonts (objects 7 …) sharing one array (object 6): pdfminer builds a map per font."""
    names = b" ".join(b"/F%d %d 0 R" % (i, 7 + i) for i in range(count))
    return pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << "
                + names + b" >> >> >>", stream(SHOW_TEXT), b"null", shared] + [font] * count)


ATTACKS: dict[str, tuple[bytes, str]] = {}


def attack(name: str, message: str):
    def register(build):
        ATTACKS[name] = (build, message)
        return build
    return register


# text
attack("newlines.txt", CONTENT)(lambda: b"\n" * 17_000_000)  # 17 MB: 2.9 GB of lines before
attack("ascii.txt", CONTENT)(lambda: b"a" * 1_500_000)  # decodes to 1.5 M characters
attack("lines.txt", "段落（行）超过")(lambda: "答\n".encode() * 60_000)
attack("nul-late.txt", "二进制文件")(lambda: "答复函正文。\n".encode() * 2000 + b"\x00" + "结尾\n".encode())
attack("nul-utf16.txt", "二进制文件")(
    lambda: b"\xff\xfe" + ("答复函正文。\n" * 2000 + "\x00结尾\n").encode("utf-16-le"))

# docx
attack("list-letters.docx", CONTENT)(lambda: docx(paragraph("x", True) * 200,
                                                 numbering_xml(2_000_000_000, "upperLetter", "%1%1%1%1")))
attack("list-counter.docx", CONTENT)(lambda: docx(paragraph("x", True) * 40, numbering_xml(32_760, "upperLetter")))
attack("list-level-text.docx", CONTENT)(lambda: docx(paragraph("x", True), numbering_xml(1, "decimal", "%1" * 300)))
attack("paragraphs.docx", "段落（行）超过")(lambda: docx(paragraph("答") * 60_000, stored=True))
attack("characters.docx", "文字超过")(lambda: docx(paragraph("答" * 60_000) * 10, stored=True))
attack("elements.docx", "XML 标记")(lambda: docx("<w:p/>" * 1_100_000, stored=True))
attack("utf7.docx", "UTF-8 或 UTF-16")(lambda: docx(document=(
    '<?xml version="1.0" encoding="UTF-7"?>+ADw-!DOCTYPE w:document +AFs-+ADw-!ENTITY x +ACI-y+ACI-+AD4-+AF0-+AD4-'
    + document_xml(paragraph("x")).split("?>", 1)[1]).encode("ascii")))
attack("ebcdic.docx", "UCS-4/EBCDIC")(lambda: docx(document=document_xml(paragraph("x")).encode("cp500")))
attack("utf16-no-bom-dtd.docx", "<!DOCTYPE>")(lambda: docx(document=(
    '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE w:document [<!ENTITY x "y">]>'
    + document_xml(paragraph("&x;")).split("?>", 1)[1]).encode("utf-16-le")))
attack("long-declaration.docx", "无法识别")(lambda: docx(document=(
    '<?xml version="1.0"' + " " * 3000 + 'encoding="UTF-7"?>' + document_xml(paragraph("x")).split("?>", 1)[1])))
attack("members.docx", "部件")(lambda: zip_of({f"m{i}": "" for i in range(6000)}, stored=True))

# ofd
attack("glyphs.ofd", "字形")(lambda: ofd(text_object("答" * 600_000), stored=True))

# pdf
attack("bfrange.pdf", "字符映射表")(lambda: to_unicode_pdf(b"1 beginbfrange <00000000> <FFFFFFFF> <0041> endbfrange"))
attack("bfrange-destination.pdf", "字符映射表")(
    lambda: to_unicode_pdf(b"1 beginbfrange <0000> <FFFF> <" + b"4E00" * 400 + b"0041> endbfrange"))
attack("bfrange-long-codes.pdf", "上万亿")(  # a 5000-byte code: its count has 12 000 digits
    lambda: to_unicode_pdf(b"1 beginbfrange <00> <" + b"FF" * 5000 + b"> <0041> endbfrange"))
attack("bfrange-repeated.pdf", "字符映射")(
    lambda: to_unicode_pdf(b"100 beginbfrange " + b"<0000> <FFFF> <0041> " * 100 + b"endbfrange"))
attack("widths.pdf", "宽度表")(lambda: one_page_pdf(SHOW_CID, font=type0_font(), more=[cid_font(b"[0 4000000000 500]")]))
attack("reference-loop.pdf", "形成循环")(lambda: pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"3 0 R", b"2 0 R"]))
attack("kids-loop.pdf", "页面树形成循环")(lambda: pdf([
    b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    b"<< /Type /Pages /Kids [2 0 R] /Count 1 >>"]))
attack("kids-deep.pdf", "页面树超过")(lambda: _deep_kids_pdf(2000))
attack("object-stream-loop.pdf", "形成循环")(_object_stream_in_itself)
attack("nested-arrays.pdf", "嵌套超过")(lambda: pdf([b"<< /Type /Catalog /Pages 2 0 R /X " + b"[" * 200_000
                                                    + b"]" * 200_000 + b" >>", b"<< /Type /Pages /Kids [] /Count 0 >>"]))
attack("big-array.pdf", "元素超过")(lambda: pdf([b"<< /Type /Catalog /Pages 2 0 R /X [" + b"0 " * 600_000 + b"] >>",
                                                b"<< /Type /Pages /Kids [] /Count 0 >>"]))
attack("bbox-loop.pdf", CONTENT)(lambda: one_page_pdf(SHOW_TEXT, font=b"<< /Type /Font /Subtype /Type1 /BaseFont /X "
                                                      b"/FontDescriptor 6 0 R >>",
                                                      more=[b"<< /FontBBox 7 0 R >>", b"[7 0 R]"]))
attack("xobject-fanout.pdf", "XObject")(lambda: form_fanout_pdf(4, 40))
attack("predictor.pdf", "预测器")(lambda: one_page_pdf(b"", more=[], resources=b"").replace(
    b"/Filter /FlateDecode", b"/Filter /FlateDecode /DecodeParms << /Predictor 12 /Columns 2000000000 >>", 1))
attack("ccitt.pdf", "CCITTFax")(lambda: one_page_pdf(b"").replace(
    b"/Filter /FlateDecode", b"/Filter [/FlateDecode /CCITTFaxDecode] /DecodeParms [null << /K -1 /Columns 60000 >>]", 1))
attack("truetype-cmap.pdf", "字符映射与宽度表")(_truetype_cmap_pdf)
attack("pages.pdf", "超过 200 页")(lambda: pdf([b"<< /Type /Catalog /Pages 2 0 R >>",
                                              b"<< /Type /Pages /Kids [%s] /Count 300 >>" % b" ".join(
                                                  b"%d 0 R" % (3 + i) for i in range(300))]
                                             + [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"] * 300))
attack("xref-index.pdf", "没有任何页面")(lambda: _xref_stream_pdf(b"<< /Type /Catalog >>", b"[1 4000000000]"))
attack("misplaced-objects.pdf", "没有任何页面")(_misplaced_objects_pdf)
attack("bbox-fanout.pdf", CONTENT)(lambda: one_page_pdf(  # 2 ** 40 paths through 40 arrays of two references
    SHOW_TEXT, font=b"<< /Type /Font /Subtype /Type1 /BaseFont /X /FontDescriptor 6 0 R >>",
    more=[b"<< /FontBBox 7 0 R >>", b"[8 0 R]"] + [b"[%d 0 R %d 0 R]" % (9 + i, 9 + i) for i in range(40)]
    + [b"[0 0 1 1]"]))
attack("shared-widths.pdf", "字符映射与宽度表")(lambda: _fonts_sharing(
    b"[" + b"500 " * 400_000 + b"]", b"<< /Type /Font /Subtype /Type1 /BaseFont /Xyz /FirstChar 0 /Widths 6 0 R >>"))
attack("shared-differences.pdf", "字符映射与宽度表")(lambda: _fonts_sharing(
    b"[0 " + b"/a " * 300_000 + b"]",
    b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding << /Differences 6 0 R >> >>"))
attack("operators.pdf", "绘制指令")(lambda: one_page_pdf(b"0 0 Td " * 250_000 + SHOW_TEXT))
attack("pages-sharing-a-stream.pdf", "绘制指令")(lambda: pdf(  # each of 150 pages draws the same 5,000 tokens
    [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [%s] /Count 150 >>" % b" ".join(
        b"%d 0 R" % (4 + i) for i in range(150)), stream(b"0 0 Td " * 1700)]
    + [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 3 0 R >>"] * 150))
attack("string-parentheses.pdf", "括号嵌套")(  # each “(” copied the string read so far: minutes
    lambda: one_page_pdf(b"BT /F1 12 Tf (" + b"(" * 2_000_000 + b")" * 2_000_000 + b") Tj ET"))
attack("string-pairs.pdf", "字符串超过")(lambda: one_page_pdf(b"BT /F1 12 Tf (" + b"()" * 2_000_000 + b") Tj ET"))
attack("text-flood.pdf", "字形")(lambda: one_page_pdf(b"BT /F1 1 Tf (" + b"A" * 600_000 + b") Tj ET"))


@functools.cache
def _floods() -> dict[str, bytes]:
    """Files that were only costly (pdfminer kept a copy of the graphics state for every “q”, copied its
    whole operand stack at every operator, gathered inline images quadratically, recursed through a
    cross-reference table that names itself as its predecessor): their text is read, in bounded memory."""
    return {
        "saves.pdf": one_page_pdf(b"q " * 500_000 + SHOW_TEXT),
        "operands.pdf": one_page_pdf(b"1 " * 100_000 + b"0 w " * 100_000 + SHOW_TEXT),
        "inline-image.pdf": one_page_pdf(b"BI /W 1 /H 1 /BPC 8 /CS /G ID " + b"E" * 3_000_000 + b" EI " + SHOW_TEXT),
        "xref-prev-loop.pdf": _prev_loop(one_page_pdf(SHOW_TEXT)),  # a table that says it follows itself
    }


def _prev_loop(data: bytes) -> bytes:
    xref_at = int(data.rsplit(b"startxref\n", 1)[1].split(b"\n")[0])
    return data.replace(b"/Root 1 0 R", b"/Root 1 0 R /Prev %d" % xref_at)


@pytest.fixture(scope="module")
def attacked(tmp_path_factory):
    """Every attack in one folder with a good letter, checked by one process under 1 GiB."""
    folder = tmp_path_factory.mktemp("attacks")
    (folder / "good.txt").write_bytes(GOOD_LETTER)
    for name, (build, _message) in ATTACKS.items():
        (folder / name).write_bytes(build())
    for name, data in _floods().items():
        (folder / name).write_bytes(data)
    started = time.monotonic()
    done = run_cli("check", "--format", "json", "-j", "1", str(folder), memory=GiB, timeout=300)
    elapsed = time.monotonic() - started
    assert done.returncode == 2, done.stderr.decode(errors="replace")[-3000:]
    files = {Path(f["path"]).name: f for f in json.loads(done.stdout)["files"]}
    return files, elapsed


def test_the_good_letter_among_the_attacks_is_still_checked(attacked):
    files, _elapsed = attacked
    assert files["good.txt"]["error"] is None
    assert set(files) == {"good.txt", *ATTACKS, *_floods()}


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_attack_ends_as_its_own_message(attacked, name):
    files, _elapsed = attacked
    error = files[name]["error"]
    assert error and ATTACKS[name][1] in error, error


@pytest.mark.parametrize("name", sorted(_floods()))
def test_a_costly_pdf_reads_in_bounded_memory(attacked, name):
    files, _elapsed = attacked
    assert files[name]["error"] is None, files[name]["error"]  # one word: no letter, but read


@pytest.mark.parametrize("name", sorted(_floods()))
def test_a_costly_pdf_gives_its_text(name):
    from checker.sources import source_from_bytes

    assert source_from_bytes(_floods()[name], name).lines == ["Reply"]


def test_the_whole_attack_folder_takes_seconds_not_minutes(attacked):
    _files, elapsed = attacked
    assert elapsed < 200  # about 20 s on an idle machine; the batch limit alone would allow 60 s a file


# ---- attacks that are not about size ----------------------------------------------------------------------------

def test_a_page_tree_loop_ends_fast_in_parse_as_well(tmp_path):
    """`replylint parse` has no batch time limit: the reader itself must see the loop (243 bytes)."""
    path = tmp_path / "loop.pdf"
    path.write_bytes(pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"3 0 R", b"2 0 R"]))
    assert len(path.read_bytes()) == 243
    started = time.monotonic()
    done = run_cli("parse", "--format", "json", str(path), memory=GiB, timeout=60)
    assert time.monotonic() - started < 30
    assert done.returncode == 2
    assert "形成循环" in json.loads(done.stdout)["error"]


def test_deadline_fires_inside_a_loop_that_never_checks_it():
    from checker.sources import SourceError
    from checker.sources.safety import Deadline

    def spin():
        while True:
            pass

    started = time.process_time()
    with pytest.raises(SourceError, match="超过 0.3 秒"):
        Deadline(seconds=0.3, what="测试文件").guard(spin)
    assert time.process_time() - started < 10
    # disarmed afterwards: more CPU time passes without a signal
    end = time.process_time() + 1.0
    while time.process_time() < end:
        pass


def test_a_fifo_named_like_a_letter_gets_a_message_and_the_batch_goes_on(tmp_path):
    (tmp_path / "good.txt").write_bytes(GOOD_LETTER)
    os.mkfifo(tmp_path / "pipe.txt")
    done = run_cli("check", "--format", "json", "-j", "1", str(tmp_path), memory=GiB, timeout=60)
    assert done.returncode == 2
    files = {Path(f["path"]).name: f for f in json.loads(done.stdout)["files"]}
    assert files["good.txt"]["error"] is None
    assert "不是普通文件" in files["pipe.txt"]["error"]


def test_standard_input_is_read_only_up_to_the_bound():
    done = run_cli("check", "--format", "json", "-", memory=GiB, timeout=60, input=b"\n" * (40 * 1024 * 1024))
    assert done.returncode == 2
    (file,) = json.loads(done.stdout)["files"]
    assert "文件过大" in file["error"]


def test_an_ofd_delta_x_of_billions_of_advances_reads_its_four_glyphs(tmp_path):
    """“g 100000 1” three thousand times: 300 million advances claimed for four glyphs (was 7.9 GB)."""
    from checker.sources.ofd import _deltas

    claim = " ".join(["g 100000 1"] * 3000)
    assert _deltas(claim, 3) == [1.0, 1.0, 1.0]
    path = tmp_path / "delta.ofd"
    path.write_bytes(ofd(text_object("测试文字", claim)))
    done = run_cli("parse", "--format", "json", str(path), memory=GiB, timeout=60)
    assert done.returncode == 0, done.stdout.decode()[:500]
    assert json.loads(done.stdout)["error"] is None


def test_a_dtd_cannot_hide_in_any_encoding_but_real_office_encodings_still_read():
    from checker.sources import SourceError
    from checker.sources.safety import refuse_dtd

    body = document_xml(paragraph("答复"))
    for data in (body.encode("utf-8"), b"\xef\xbb\xbf" + body.encode("utf-8"),
                 b"\xff\xfe" + body.replace("UTF-8", "UTF-16").encode("utf-16-le"),
                 body.replace("UTF-8", "GB18030").encode("gb18030")):
        refuse_dtd(data, "word/document.xml")  # no error
    ascii_body = document_xml(paragraph("x"))
    for declared in ("UTF-7", "ISO-2022-JP", "HZ-GB-2312", "UTF-32", "CP037"):
        with pytest.raises(SourceError, match="UTF-8 或 UTF-16"):
            refuse_dtd(ascii_body.replace("UTF-8", declared).encode("ascii"), "word/document.xml")
    with pytest.raises(SourceError, match="UTF-8 或 UTF-16"):  # UTF-16 by detection, another by declaration
        refuse_dtd(body.replace("UTF-8", "UTF-7").encode("utf-16-le"), "word/document.xml")


def test_a_gbk_ofd_from_a_chinese_producer_still_reads(tmp_path):
    page = (f'<?xml version="1.0" encoding="GB2312"?><ofd:Page xmlns:ofd="{OFD}"><ofd:Content><ofd:Layer ID="2">'
            + text_object("关于答复的函") + "</ofd:Layer></ofd:Content></ofd:Page>")
    data = ofd("")
    members = {i.filename: zipfile.ZipFile(io.BytesIO(data)).read(i) for i in zipfile.ZipFile(io.BytesIO(data)).infolist()}
    members["Doc_0/Pages/Page_0/Content.xml"] = page.encode("gb2312")
    from checker.sources.ofd import read_ofd

    assert read_ofd(zip_of(members), "x.ofd").lines == ["关于答复的函"]


def test_a_batch_of_pdfs_does_not_keep_each_ones_streams(tmp_path):
    """pdfminer's parsers are reference cycles, and a batch pauses the cyclic collector: without the
    reader's own collection each of these files (50 MiB decoded) stayed in memory until the batch's end."""
    data = one_page_pdf(b" " * (50 << 20) + SHOW_TEXT)
    for i in range(10):
        (tmp_path / f"letter-{i}.pdf").write_bytes(data)
    done = run_cli("check", "--format", "json", "-j", "1", str(tmp_path), memory=512 * 1024 ** 2, timeout=200)
    files = json.loads(done.stdout)["files"]
    assert len(files) == 10
    assert all(f["error"] is None for f in files), [f["error"] for f in files]


def test_odd_but_bounded_list_numbers_still_read():
    from checker.sources.docx import read_docx

    negative = docx(paragraph("甲", True), numbering_xml(-3, "ideographDigital", "%1、"))
    assert read_docx(negative, "x.docx").lines == ["-3、甲"]
    many = docx(paragraph("乙", True) * 3, numbering_xml(32_766, "decimal", "%1."))
    with pytest.raises(Exception, match="列表编号 32768 超过 32767"):
        read_docx(many, "x.docx")
    letters = docx(paragraph("丙", True), numbering_xml(27, "lowerLetter", "(%1)"))
    assert read_docx(letters, "x.docx").lines == ["(aa)丙"]


def test_a_table_row_of_one_long_cell_among_thousands_of_empty_ones_reads_in_linear_time():
    """Line k of a row joins line k of each cell: asking every cell at every line was quadratic."""
    def row(empty: int, lines: int) -> bytes:
        cells = "<w:tc><w:p/></w:tc>" * empty + "<w:tc>" + paragraph("答复") * lines + "</w:tc>"
        return docx(f"<w:tbl><w:tr>{cells}</w:tr></w:tbl>", stored=True)

    from checker.sources import source_from_bytes

    def seconds(data: bytes) -> float:
        start = time.perf_counter()
        source = source_from_bytes(data, "table.docx")
        assert source.lines.count("答复") == len(source.lines) > 0
        return time.perf_counter() - start

    small, large = seconds(row(1_000, 2_000)), seconds(row(4_000, 8_000))
    assert large < max(10 * small, 0.5)  # 4x the cells and lines: linear is 4x, quadratic 16x

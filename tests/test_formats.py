"""Word (.docx), PDF, OFD and .doc/.wps: the same letter gives the same findings in every format, the
findings name the paragraph (or page) a person can find, and hostile or broken files each get their own
clear message without costing the process its memory or its life.

Every document is built at test time from the fictional letters of examples/ (tests/formats_fixtures.py).
Tests that need LibreOffice skip when ``soffice`` is not installed.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

import formats_fixtures as ff
from hostile import CHECKER_HOME, CHILD_ENV, run_cli
from checker.api import check_file, check_paths, check_source
from checker.batch import compact, expand
from checker.model import Severity
from checker.sources import SUPPORTED_SUFFIXES, SourceError, read_source, source_from_bytes
from checker.sources.layout import Run, paragraph_lines

LETTERS = ff.letter_texts()
COMPLIANT = ("npc-compliant", "cppcc-compliant")


def _squash(text: str) -> str:
    return "".join(text.split())


def findings(result) -> Counter:
    """(rule, text of the line it points to, white space ignored): the same finding in any format."""
    lines = result.source_lines
    return Counter((d.rule, _squash(lines[d.span.line - 1]) if 1 <= d.span.line <= len(lines) else "")
                   for d in result.diagnostics)


def check_bytes(data: bytes, suffix: str):
    return check_source(source_from_bytes(data, f"letter{suffix}"))


@pytest.fixture(scope="module")
def txt_results():
    return {name: check_file(ff.EXAMPLES / (name + ".txt") if name in COMPLIANT
                             else ff.EXAMPLES / "defective" / (name + ".txt")) for name in LETTERS}


VARIANTS = {
    "docx": lambda text: (ff.build_docx(text), ".docx"),
    "docx-header-table": lambda text: (ff.build_docx(text, header_table=True), ".docx"),
    "docx-soft-breaks": lambda text: (ff.build_docx(text, soft_break=True), ".docx"),
    "docx-text-box": lambda text: (ff.build_docx(text, text_box=True), ".docx"),
    "docx-tracked-deletion": lambda text: (ff.build_docx(text, tracked_deletion=True), ".docx"),
    "pdf": lambda text: (ff.build_pdf(text), ".pdf"),
    "pdf-owner-password-only": lambda text: (ff.owner_only_pdf(text), ".pdf"),
    "ofd": lambda text: (ff.build_ofd(text), ".ofd"),
    "ofd-in-order": lambda text: (ff.build_ofd(text, split_objects=False, shuffle=False), ".ofd"),
}


@pytest.mark.parametrize("variant", sorted(VARIANTS))
@pytest.mark.parametrize("letter", sorted(LETTERS))
def test_every_format_gives_the_findings_of_the_txt(letter, variant, txt_results):
    data, suffix = VARIANTS[variant](LETTERS[letter])
    result = check_bytes(data, suffix)
    assert result.error is None
    assert findings(result) == findings(txt_results[letter])
    if letter in COMPLIANT:
        assert not [d for d in result.diagnostics if d.severity in (Severity.ERROR, Severity.WARNING)]


@pytest.fixture(scope="module")
def libreoffice_pdfs(tmp_path_factory):
    if not ff.soffice():
        pytest.skip("LibreOffice (soffice) is not installed")
    docs = {name: ff.build_docx(text, header_table=name.startswith("npc")) for name, text in LETTERS.items()}
    return ff.convert_many_with_libreoffice(docs, ".docx", "pdf", tmp_path_factory.mktemp("lo-pdf"))


@pytest.mark.parametrize("letter", sorted(LETTERS))
def test_a_pdf_printed_by_libreoffice_gives_the_findings_of_the_txt(letter, libreoffice_pdfs, txt_results):
    result = check_bytes(libreoffice_pdfs[letter], ".pdf")
    assert findings(result) == findings(txt_results[letter])


# ---- what each reader makes of the layout -------------------------------------------------------------------


def _typed(text: str) -> list[str]:
    """The letter as typed into Word: one paragraph a line, no blank lines."""
    return [p.strip() for p in ff.paragraphs_of(text)]


def test_docx_gives_one_line_per_paragraph_and_the_header_table_as_one_row():
    text = LETTERS["npc-compliant"]
    plain = source_from_bytes(ff.build_docx(text), "a.docx")
    table = source_from_bytes(ff.build_docx(text, header_table=True), "a.docx")
    typed = _typed(text)
    assert [line.replace("\t", "    ") for line in plain.lines] == typed
    assert table.lines == typed  # the 1×2 table's cells, joined by four spaces as in the .txt
    assert "青建复〔2025〕12号    签发人：林志远" in table.lines


def test_docx_soft_break_keeps_two_lines_in_one_paragraph():
    source = source_from_bytes(ff.build_docx(LETTERS["npc-compliant"], soft_break=True), "a.docx")
    assert source.lines[:2] == ["公开属性：主动公开", "办理结果：A"]
    assert source.locator.describe(1) == "第 1 段“公开属性：主动公开 办理……”第 1 行"
    assert source.locator.describe(2) == "第 1 段“公开属性：主动公开 办理……”第 2 行"
    assert source.locator.describe(3) == "第 2 段“青川市住房和城乡建设局”"


def test_docx_text_box_is_read_once_and_footer_page_numbers_not_at_all():
    source = source_from_bytes(ff.build_docx(LETTERS["npc-compliant"], text_box=True), "a.docx")
    assert sum(line.startswith("抄送") for line in source.lines) == 1  # not again from the VML fallback
    assert not [line for line in source.lines if re.fullmatch(r"[—\s\d]+", line)]  # the footer's “— 1 —”


def test_docx_tracked_deletion_is_not_read():
    source = source_from_bytes(ff.build_docx(LETTERS["npc-compliant"], tracked_deletion=True), "a.docx")
    assert not any("此句已被删除" in line for line in source.lines)
    assert [line.replace("\t", "    ") for line in source.lines] == _typed(LETTERS["npc-compliant"])


@pytest.mark.parametrize("letter", COMPLIANT)
def test_docx_automatic_numbering_is_rendered_into_the_text(letter, txt_results):
    numbered = source_from_bytes(ff.build_docx(LETTERS[letter], auto_numbering=True), "a.docx")
    typed = source_from_bytes(ff.build_docx(LETTERS[letter]), "a.docx")
    assert numbered.lines == typed.lines  # “一、”, “（一）” come back from the list definitions
    assert findings(check_source(numbered)) == findings(txt_results[letter])


def test_docx_automatic_numbering_counts_as_word_does():
    # the .txt typed “一、 … 三、” (a gap); Word numbers the same headings 一、二、三、 and restarts （一） under each
    source = source_from_bytes(ff.build_docx(LETTERS["cppcc-heading-gap-seal"], auto_numbering=True), "a.docx")
    markers = [m.group(0) for line in source.lines if (m := re.match(r"^(?:[一二三四五六七八九十]+、|（[一二三]）)", line))]
    assert markers == ["一、", "二、", "（一）", "（二）", "三、"]
    assert "heading-sequence-gap" not in {d.rule for d in check_source(source).diagnostics}


LONG_PARAGRAPH = "经认真研究，我局会同有关部门对全市老旧小区停车设施进行了逐一排查，" * 14 + "现已全部完成整改。"


def _letter_with_a_paragraph_across_pages() -> str:
    text = LETTERS["npc-compliant"]
    return text.replace("二、办理成效\n", "二、办理成效\n\n" + LONG_PARAGRAPH + "\n", 1)


@pytest.mark.parametrize("suffix", [".pdf", ".ofd"])
def test_pdf_and_ofd_rebuild_paragraphs_in_reading_order(suffix):
    text = _letter_with_a_paragraph_across_pages()
    data = ff.build_pdf(text) if suffix == ".pdf" else ff.build_ofd(text)
    source = source_from_bytes(data, "a" + suffix)
    assert source.lines == _typed(text)  # wrapped lines joined, page numbers gone, the 版头 row on one line
    n = source.lines.index(LONG_PARAGRAPH)
    assert source.locator.describe(n + 1) == "第 1—2 页"  # the paragraph that crosses the page
    assert source.locator.describe(1) == "第 1 页"


def test_layout_keeps_centred_and_right_aligned_lines_apart_and_joins_a_wrapped_title():
    size = 10.0

    def run(x0, x1, y, text, s=size):
        return Run(x0=x0, x1=x1, y=y, size=s, text=text)

    page = [
        run(0, 200, 0, "正文第一行写满了整个版心宽度正文第一行写满了"),
        run(0, 200, 18, "正文第二行也写满了版心宽度正文第二行也写满了"),
        run(0, 60, 36, "最后一行。"),
        run(10, 190, 60, "居中的标题第一行几乎占满版心宽度居中的标", s=15),
        run(85, 115, 80, "题尾", s=15),
        run(140, 200, 100, "青川市某某局"),  # right-aligned: never joined
        run(150, 200, 118, "2025年6月10日"),
        run(90, 110, 300, "— 1 —"),  # the page number, below the text
    ]
    assert [p.text for p in paragraph_lines([page])] == [
        "正文第一行写满了整个版心宽度正文第一行写满了正文第二行也写满了版心宽度正文第二行也写满了最后一行。",
        "居中的标题第一行几乎占满版心宽度居中的标题尾", "青川市某某局", "2025年6月10日"]


def test_layout_drops_fake_bold_duplicates_and_keeps_latin_word_spaces():
    runs = [Run(0, 10, 0, 10, "关"), Run(0.3, 10.3, 0, 10, "关"), Run(10, 20, 0, 10, "于"),
            Run(30, 35, 20, 10, "A"), Run(38, 43, 20, 10, "B"), Run(43, 48, 20, 10, "1")]
    assert [p.text for p in paragraph_lines([runs])] == ["关于", "A B1"]


# ---- where a finding is ---------------------------------------------------------------------------------------


def test_docx_diagnostics_name_the_paragraph():
    source = source_from_bytes(ff.build_docx(LETTERS["npc-committee-salutation"]), "a.docx")
    result = check_source(source)
    by_rule = {d.rule: d for d in result.diagnostics}
    assert by_rule["salutation-role-mismatch"].location == "第 6 段“尊敬的范雨晴委员：”"
    assert by_rule["cc-separator"].location == "第 17 段“抄送：市人大常委会选工委……”"
    assert all(re.match(r"^第 \d+ 段“", d.location) for d in result.diagnostics)


def test_docx_paragraphs_in_table_cells_count_in_document_order():
    source = source_from_bytes(ff.build_docx(LETTERS["npc-committee-salutation"], header_table=True), "a.docx")
    result = check_source(source)
    by_rule = {d.rule: d for d in result.diagnostics}
    # the 文号 and 签发人 cells are paragraphs 4 and 5: the salutation moves down one
    assert by_rule["salutation-role-mismatch"].location == "第 7 段“尊敬的范雨晴委员：”"


def test_pdf_diagnostics_name_the_page_and_txt_have_no_location(txt_results):
    result = check_bytes(ff.build_pdf(LETTERS["npc-committee-salutation"]), ".pdf")
    assert {d.location for d in result.diagnostics} == {"第 1 页"}
    assert all(d.location is None for d in txt_results["npc-committee-salutation"].diagnostics)


def test_location_survives_worker_processes():
    result = check_bytes(ff.build_docx(LETTERS["npc-committee-salutation"]), ".docx")
    again = expand(compact(result))
    assert result.diagnostics
    assert [d.location for d in again.diagnostics] == [d.location for d in result.diagnostics]


def test_reporters_show_the_location(tmp_path):
    from click.testing import CliRunner

    from checker.cli import main

    path = tmp_path / "letter.docx"
    path.write_bytes(ff.build_docx(LETTERS["npc-committee-salutation"]))
    concise = CliRunner().invoke(main, ["check", "--format", "concise", str(path)]).output
    assert f"{path}:6:1: 第 6 段“尊敬的范雨晴委员：”: RL207" in concise
    full = CliRunner().invoke(main, ["check", str(path)]).output
    assert "第 6 段“尊敬的范雨晴委员：”" in full
    data = json.loads(CliRunner().invoke(main, ["check", "--format", "json", str(path)]).output)
    assert {d["location"] for d in data["files"][0]["diagnostics"]} >= {"第 6 段“尊敬的范雨晴委员：”"}
    txt = json.loads(CliRunner().invoke(main, ["check", "--format", "json",
                                               str(ff.EXAMPLES / "defective" / "npc-committee-salutation.txt")]).output)
    assert all("location" not in d for d in txt["files"][0]["diagnostics"])


# ---- files that cannot be read, each with its own message ----------------------------------------------------------


@pytest.fixture(scope="session")
def zip_bomb() -> bytes:
    return ff.zip_bomb(size=256 << 20)  # a 1,028:1 member; the directory check needs no more


def _bad_files(zip_bomb: bytes) -> dict[str, tuple[bytes, str]]:
    text = LETTERS["npc-compliant"]
    return {
        "zip-bomb.docx": (zip_bomb, "压缩炸弹"),
        "zip-bomb.ofd": (ff.zip_bomb(member="OFD.xml", size=64 << 20), "压缩炸弹"),
        "lying-zip-bomb.docx": (ff.lying_zip_bomb(), "超出声明的大小"),
        "lying-zip-bomb.ofd": (ff.lying_zip_bomb(member="OFD.xml"), "超出声明的大小"),
        "entity-bomb.docx": (ff.entity_bomb_docx(text), "实体炸弹"),
        "entity-bomb.ofd": (ff.entity_bomb_ofd(text), "实体炸弹"),
        "truncated.docx": (ff.truncated(ff.build_docx(text)), "不完整"),
        "truncated.ofd": (ff.truncated(ff.build_ofd(text)), "不完整"),
        "truncated.pdf": (ff.truncated(ff.build_pdf(text)), "不完整"),
        "encrypted.pdf": (ff.encrypted_pdf(text), "打开密码"),
        "encrypted.docx": (ff.encrypted_docx(), "打开密码"),
        "scanned.pdf": (ff.build_scanned_pdf(), "OCR"),
        "scanned.ofd": (ff.scanned_ofd(), "OCR"),
        "flate-bomb.pdf": (ff.pdf_flate_bomb(), "压缩炸弹"),
        "not-a-pdf.pdf": (b"<html><body>not a pdf</body></html>", "%PDF"),
        "not-a-zip.docx": (b"just some text, not a Word file", "不是 zip"),
        **{f"empty{suffix}": (b"", "文件为空") for suffix in SUPPORTED_SUFFIXES},
    }


@pytest.fixture(scope="module")
def bad_files(zip_bomb):
    return _bad_files(zip_bomb)


def test_each_bad_file_gets_its_own_message(bad_files, tmp_path):
    for name, (data, message) in bad_files.items():
        path = tmp_path / name
        path.write_bytes(data)
        result = check_file(path)
        assert result.error is not None and message in result.error, (name, result.error)


def test_the_scan_message_says_there_is_no_text_layer(bad_files):
    with pytest.raises(SourceError, match="扫描图像，没有文字层.*OCR"):
        source_from_bytes(bad_files["scanned.pdf"][0], "scan.pdf")


def test_a_user_password_pdf_is_refused_and_an_owner_password_pdf_is_read():
    with pytest.raises(SourceError, match="设置了打开密码"):
        source_from_bytes(ff.encrypted_pdf(LETTERS["npc-compliant"]), "a.pdf")
    source = source_from_bytes(ff.owner_only_pdf(LETTERS["npc-compliant"]), "a.pdf")
    assert source.lines == _typed(LETTERS["npc-compliant"])


def test_a_damaged_member_is_reported_as_damaged():
    data = bytearray(ff.build_docx(LETTERS["npc-compliant"]))
    offset = data.index(b"word/document.xml") + len(b"word/document.xml") + 200  # inside its deflated data
    data[offset] ^= 0xFF
    with pytest.raises(SourceError, match="不完整或已损坏"):
        source_from_bytes(bytes(data), "a.docx")


def test_word_list_numbers_in_chinese_and_other_formats():
    from checker.sources.docx import format_number

    assert [format_number(n, "chineseCounting") for n in (1, 10, 11, 20, 21, 100, 105, 110)] == \
        ["一", "十", "十一", "二十", "二十一", "一百", "一百零五", "一百一十"]
    assert format_number(3, "chineseLegalSimplified") == "叁"
    assert format_number(2, "ideographTraditional") == "乙"
    assert format_number(3, "decimalEnclosedCircle") == "③"
    assert format_number(4, "upperRoman") == "IV" and format_number(28, "lowerLetter") == "bb"


def test_a_file_over_the_size_limit_is_refused(tmp_path, monkeypatch):
    import checker.sources as sources

    monkeypatch.setattr(sources, "MAX_BYTES", 1000)
    path = tmp_path / "big.pdf"
    path.write_bytes(b"%PDF-1.4\n" + b" " * 2000)
    with pytest.raises(SourceError, match="文件过大"):
        read_source(path)


def test_legacy_doc_without_libreoffice_says_how_to_convert(tmp_path, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: None)
    ole = bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 2048  # a compound file, as Word 97–2003 writes
    for suffix, name in ((".doc", "旧版 Word 文档（.doc）"), (".wps", "WPS 文字文档（.wps）")):
        path = tmp_path / f"letter{suffix}"
        path.write_bytes(ole)
        with pytest.raises(SourceError) as info:
            read_source(path)
        message = str(info.value)
        assert name in message and "另存为" in message and "soffice --headless --convert-to docx" in message
    # a .docx that is really a .doc is named for what it is
    path = tmp_path / "renamed.docx"
    path.write_bytes(ole)
    with pytest.raises(SourceError, match="旧版 Word/WPS"):
        read_source(path)


def test_a_doc_that_is_really_a_docx_is_read(tmp_path):
    path = tmp_path / "letter.doc"
    path.write_bytes(ff.build_docx(LETTERS["npc-compliant"]))
    assert read_source(path).lines[0] == "公开属性：主动公开"


@pytest.mark.skipif(not ff.soffice(), reason="LibreOffice (soffice) is not installed")
def test_legacy_doc_is_converted_by_libreoffice_in_a_temporary_folder(tmp_path, txt_results):
    letters = {name: ff.build_docx(LETTERS[name]) for name in ("npc-compliant", "npc-committee-salutation")}
    docs = ff.convert_many_with_libreoffice(letters, ".docx", "doc", tmp_path / "convert")
    folder = tmp_path / "letters"
    folder.mkdir()
    for name, data in docs.items():
        (folder / f"{name}.doc").write_bytes(data)
        assert data.startswith(bytes.fromhex("D0CF11E0A1B11AE1"))  # a real Word 97 file
    before = sorted(p.name for p in folder.iterdir())
    for name in docs:
        result = check_file(folder / f"{name}.doc")
        assert result.error is None
        assert findings(result) == findings(txt_results[name])
        assert all(d.location and d.location.startswith("第 ") for d in result.diagnostics)
    assert sorted(p.name for p in folder.iterdir()) == before  # nothing written next to the input


# ---- under a memory limit, in a real process -----------------------------------------------------------------------

def _cli(*args: str) -> subprocess.CompletedProcess:
    return run_cli(*args)


MALICIOUS = ("zip-bomb.docx", "zip-bomb.ofd", "lying-zip-bomb.docx", "lying-zip-bomb.ofd", "entity-bomb.docx",
             "entity-bomb.ofd", "truncated.docx", "truncated.pdf", "encrypted.pdf", "encrypted.docx", "scanned.pdf",
             "flate-bomb.pdf")


@pytest.mark.parametrize("name", MALICIOUS)
def test_malicious_file_under_a_memory_limit_gives_its_message(name, bad_files, tmp_path):
    data, message = bad_files[name]
    path = tmp_path / name
    path.write_bytes(data)
    done = _cli("check", "--format", "json", str(path))
    assert done.returncode in (1, 2), done.stderr.decode(errors="replace")  # not killed, not a traceback
    (file,) = json.loads(done.stdout)["files"]
    assert file["error"] and message in file["error"]


def test_a_folder_of_good_and_bad_files_in_every_format(bad_files, tmp_path):
    good = {
        "npc.txt": (ff.EXAMPLES / "npc-compliant.txt").read_bytes(),
        "npc.docx": ff.build_docx(LETTERS["npc-compliant"], header_table=True),
        "cppcc.docx": ff.build_docx(LETTERS["cppcc-compliant"], soft_break=True, text_box=True),
        "cppcc.pdf": ff.build_pdf(LETTERS["cppcc-compliant"]),
        "npc.ofd": ff.build_ofd(LETTERS["npc-compliant"]),
        "salutation.docx": ff.build_docx(LETTERS["npc-committee-salutation"]),
        "salutation.pdf": ff.build_pdf(LETTERS["npc-committee-salutation"]),
        "doc-number.ofd": ff.build_ofd(LETTERS["npc-doc-number-and-date"]),
    }
    bad = {name: bad_files[name] for name in ("zip-bomb.docx", "entity-bomb.docx", "entity-bomb.ofd", "truncated.docx",
                                              "encrypted.pdf", "empty.pdf", "empty.docx", "empty.ofd", "empty.txt",
                                              "scanned.pdf", "lying-zip-bomb.docx", "flate-bomb.pdf")}
    for name, data in good.items():
        (tmp_path / name).write_bytes(data)
    for name, (data, _message) in bad.items():
        (tmp_path / name).write_bytes(data)
    done = _cli("check", "--format", "json", "-j", "1", str(tmp_path))
    assert done.returncode == 2, done.stderr.decode(errors="replace")  # files that could not be read
    by_name = {Path(f["path"]).name: f for f in json.loads(done.stdout)["files"]}
    assert set(by_name) == set(good) | set(bad)
    for name in good:
        assert by_name[name]["error"] is None, (name, by_name[name]["error"])
    for name, (_data, message) in bad.items():
        assert by_name[name]["error"] and message in by_name[name]["error"], (name, by_name[name]["error"])
    assert {d["rule"] for d in by_name["salutation.docx"]["diagnostics"]} >= {"salutation-role-mismatch"}
    assert all(d["location"].startswith("第 ") for d in by_name["salutation.docx"]["diagnostics"])
    # the same folder through worker processes: the same results, locations included
    report = check_paths([tmp_path], jobs=2)
    parallel = {Path(f.path).name: f for f in report.files}
    for name, f in parallel.items():
        assert (f.error is None) == (by_name[name]["error"] is None), name
        assert [d.location for d in f.diagnostics] == [d.get("location") for d in by_name[name]["diagnostics"]]


def test_checking_text_does_not_load_the_document_libraries():
    letter = ff.EXAMPLES / "npc-compliant.txt"
    done = subprocess.run(
        [sys.executable, "-c",
         f"import sys; from checker.api import check_file; r = check_file({str(letter)!r});"
         "print(r.error, sorted(m for m in ('lxml', 'pdfminer', 'docx', 'reportlab') if m in sys.modules))"],
        capture_output=True, text=True, timeout=60, cwd=CHECKER_HOME, env=CHILD_ENV)
    assert done.stdout.strip() == "None []", done.stderr


def test_the_bundled_word_pdf_and_ofd_examples_report_what_their_text_reports():
    """examples/formats/ holds one defective letter as .docx, .pdf and .ofd (built once by
    tests/formats_fixtures.py) so that `replylint check examples/` shows every reader at work."""
    from checker.api import check_file

    examples = Path(__file__).resolve().parent.parent / "examples"
    expected = sorted(d.rule for d in check_file(examples / "defective" / "npc-doc-number-and-date.txt").diagnostics)
    built = sorted((examples / "formats").glob("npc-doc-number-and-date.*"))
    assert [p.suffix for p in built] == [".docx", ".ofd", ".pdf"]
    for path in built:
        result = check_file(path)
        assert result.error is None
        assert sorted(d.rule for d in result.diagnostics) == expected, path.name
        assert all(d.location for d in result.diagnostics)

"""Stage 1: reading bytes in any encoding a government office produces, and refusing what is not text."""

import codecs

import pytest

from checker.sources import SourceError, read_source, source_from_bytes
from checker.sources.text import split_lines

LETTER = "办理结果：A\r\n\r\n关于对市政协五届二次会议第3号提案的答复\r\n张三委员：\r\n"


@pytest.mark.parametrize(
    "data, encoding",
    [
        (LETTER.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + LETTER.encode("utf-8"), "utf-8-bom"),
        (LETTER.encode("gbk"), "gb18030"),
        (LETTER.encode("gb18030"), "gb18030"),
        (codecs.BOM_UTF16_LE + LETTER.encode("utf-16-le"), "utf-16-le-bom"),
        (codecs.BOM_UTF16_BE + LETTER.encode("utf-16-be"), "utf-16-be-bom"),
    ],
)
def test_every_office_encoding_decodes_to_the_same_lines(data, encoding):
    source = source_from_bytes(data, "x.txt")
    assert source.encoding == encoding
    assert source.lines == ["办理结果：A", "", "关于对市政协五届二次会议第3号提案的答复", "张三委员："]


def test_line_ends_crlf_cr_lf_count_like_an_editor():
    assert split_lines("a\r\nb\rc\nd") == ["a", "b", "c", "d"]
    assert split_lines("a\n") == ["a"]
    assert split_lines("a\n\n") == ["a", ""]
    # a form feed is not a line break for an editor: line numbers after it must not shift
    assert split_lines("a\fb\nc") == ["a\fb", "c"]


def test_binary_file_is_refused_with_a_clear_message():
    with pytest.raises(SourceError, match="二进制"):
        source_from_bytes(b"PK\x03\x04\x00\x00binary\x00\x01\x02", "x.txt")


def test_control_character_noise_is_refused():
    with pytest.raises(SourceError, match="二进制"):
        source_from_bytes(bytes(range(1, 9)) * 40, "x.txt")


def test_undecodable_bytes_are_refused():
    with pytest.raises(SourceError, match="无法识别文件编码"):
        source_from_bytes("答复".encode("utf-8") + b"\xff\x81\x20", "x.txt")
    with pytest.raises(SourceError, match="UTF-16-LE.*无法按该编码解码"):
        source_from_bytes(b"\xff\xfe" + b"\x00\xd8\x41\x00", "x.txt")  # a lone surrogate


def test_unsupported_extension_and_missing_file(tmp_path):
    with pytest.raises(SourceError, match="不支持"):
        read_source(tmp_path / "letter.pdfx")
    with pytest.raises(SourceError, match="不存在"):
        read_source(tmp_path / "absent.txt")


def test_stdin_is_read_when_path_is_dash(monkeypatch):
    import io
    import sys

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(LETTER.encode("gbk"))))
    source = read_source("-")
    assert source.path == "<stdin>"
    assert source.lines[3] == "张三委员："

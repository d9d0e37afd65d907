"""The pieces ``annotate`` stands on: the docx reader's map from each character to the node it stands in,
and a fix narrowed to its smallest edit. (The annotated documents themselves: tests/test_annotate*.py.)"""

from __future__ import annotations

import pytest

import formats_fixtures as ff
from checker.annotate import _narrowed
from checker.sources.docx import Segment, cut_segments, open_document, read_docx
from checker.sources.safety import Deadline

VARIANTS = [{}, {"header_table": True}, {"soft_break": True}, {"text_box": True}, {"auto_numbering": True}]


@pytest.mark.parametrize("options", VARIANTS, ids=lambda o: "-".join(o) or "plain")
@pytest.mark.parametrize("name", ["npc-doc-number-and-date", "npc-committee-salutation", "cppcc-heading-gap-seal"])
def test_every_character_of_a_line_is_found_in_its_node(name, options):
    data = ff.build_docx(ff.letter_texts()[name], **options)
    entries = open_document(data).entries(Deadline(), record=True)
    assert [e.text for e in entries] == read_docx(data, "x").lines  # recording changes nothing read
    made = 0
    for entry in entries:
        assert "".join(entry.segments) == entry.text
        for piece in entry.segments:
            if not isinstance(piece, Segment):
                made += 1  # a list number or the gap between table cells: text Word makes, not stored
                continue
            local = piece.node.tag.rsplit("}", 1)[1]
            if local == "t":
                assert piece.node.text[piece.offset:piece.offset + len(piece)] == piece
            else:
                assert (local, str(piece)) in {("tab", "\t"), ("ptab", "\t")}
    if options.get("auto_numbering") or options.get("header_table"):
        assert made  # “一、” and the cell gap are made text, and annotate must know it


def test_cut_segments_keeps_offsets_into_the_node():
    from lxml import etree

    t = etree.Element("t")
    t.text = "  抄送：县政府  "
    pieces = ["一、", Segment(t.text, t, 0)]
    cut = cut_segments(pieces, 1, 9)
    assert "".join(cut) == "、  抄送：县政"
    assert cut[0] == "、" and not isinstance(cut[0], Segment)
    assert isinstance(cut[1], Segment) and cut[1].offset == 0 and cut[1].node is t
    inner = cut_segments([Segment(t.text, t, 0)], 4, 7)
    assert inner == ["：县政"] and inner[0].offset == 4


@pytest.mark.parametrize(("original", "replacement", "expected"), [
    ("县人大常委会选工委、县政府督查室", "县人大常委会选工委，县政府督查室", (9, 10, "，")),  # only the separator
    ("东建复[2025]8号", "东建复〔2025〕8号", (3, 9, "〔2025〕")),  # the brackets and what lies between
    ("签发：", "签发人：", (2, 2, "人")),  # an insertion
    ("2024年06月05日", "2024年6月5日", (5, 9, "6月")),  # both padding zeros, in one edit
    ("抄送:", "抄送：", (2, 3, "：")),
    ("  ", "", (0, 2, "")),  # a deletion
    ("", "。", (0, 0, "。")),
    ("aa", "a", (1, 2, "")),  # repeated characters: the kept ends never overlap
])
def test_a_fix_is_narrowed_to_what_it_changes(original, replacement, expected):
    start, end, text = _narrowed(original, replacement, 0)
    assert (start, end, text) == expected
    assert original[:start] + text + original[end:] == replacement

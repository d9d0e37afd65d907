"""The model contract: trusted construction equals validation, and a parsed Letter serializes."""

import json

from checker import Letter, Span, check_text
from checker.model import Diagnostic, Element, Heading, Severity
from conftest import LETTERS


def test_trusted_construction_equals_validated_construction():
    span = Span(line=3, column=2, end_line=3, end_column=9)
    assert Span.trusted(line=3, column=2, end_line=3, end_column=9) == span
    assert Element.trusted(value="A", raw="A 类", span=span) == Element(value="A", raw="A 类", span=span)
    d = Diagnostic.trusted(code="RL001", rule="x", severity=Severity.ERROR, span=span, message="m")
    assert d == Diagnostic(code="RL001", rule="x", severity=Severity.ERROR, span=span, message="m")
    assert d.fix is None  # defaults are filled in
    h = Heading.trusted(level=1, ordinal=2, marker="二、", punct="、", text="措施", raw="二、措施", span=span)
    assert h.model_dump() == Heading.model_validate(h.model_dump()).model_dump()


def test_trusted_objects_do_not_share_mutable_defaults():
    a, b = Letter.trusted(), Letter.trusted()
    a.headings.append("x")
    assert b.headings == []


def test_a_parsed_letter_round_trips_through_json():
    letter = check_text((LETTERS / "s0_cppcc_no_title.txt").read_text(encoding="utf-8")).letter
    data = json.loads(letter.model_dump_json())
    again = Letter.model_validate(data)
    assert again.doc_number == letter.doc_number
    assert again.cc.value == letter.cc.value and again.kind == letter.kind
    assert len(again.paragraphs) == len(letter.paragraphs)

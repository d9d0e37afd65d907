"""Stage 3: the grammar and the model, on fictional letters that reproduce the real layouts."""

import json
from pathlib import Path

import pytest
from lark import Lark

from checker import check_text
from checker.parser.build import _parser, parse_lines
from checker.reporters.json_format import file_to_dict
from checker.resources import data_dir
from conftest import LETTERS

FIXTURES = sorted(LETTERS.glob("*.txt"))


def test_grammar_is_lalr_without_conflicts():
    grammar = (data_dir("grammar") / "letter.lark").read_text(encoding="utf-8")
    from checker.parser.build import _TokenFeed

    Lark(grammar, parser="lalr", lexer=_TokenFeed, strict=True)  # strict raises on any shift/reduce conflict
    assert _parser().options.parser == "lalr"


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
def test_fixture_fields_kind_and_lines(path: Path):
    expected = json.loads(path.with_name(path.stem + ".expected.json").read_text(encoding="utf-8"))
    got = file_to_dict(check_text(path.read_text(encoding="utf-8"), str(path)))
    assert got["kind"] == expected["kind"]
    for name, want in expected["fields"].items():
        field = got["fields"][name]
        assert (None if field is None else {"value": field["value"], "line": field["line"]}) == want, name


def test_spans_point_at_the_element_in_the_source():
    text = "\n".join([
        "新建字〔2024〕14号                 签发人：杨某某",
        "办理结果：B",
        "",
        "对市十四届人大二次会议",
        "",
        "第213号建议的答复",
        "尊敬的郜某某代表：",
        "您提出的“关于加强小区安全管理的建议”收悉。现答复如下：",
        "感谢您对我市住房和城乡建设工作的关心和支持！",
        "（印  章）",
        "  2024年7月15日",
    ])
    letter = check_text(text).letter
    assert (letter.signer.value, letter.signer.span.line, letter.signer.span.column) == ("杨某某", 1, 30)
    assert letter.signer.raw == "签发人：杨某某"
    assert letter.doc_number.raw == "新建字〔2024〕14号"
    assert letter.title.value == "对市十四届人大二次会议第213号建议的答复"
    assert (letter.title.span.line, letter.title.span.end_line) == (4, 6)
    assert (letter.proposal_number.value, letter.proposal_number.span.line) == ("213", 6)
    assert (letter.session.value, letter.session.term, letter.session.meeting) == ("市十四届人大二次会议", 14, 2)
    assert (letter.date.value, letter.date.span.column) == ("2024-07-15", 3)
    assert letter.signature_organ is None and letter.seal.span.line == 10
    assert letter.kind.value == "npc-suggestion"


def test_kind_ignores_other_documents_mentioned_in_the_body():
    text = "\n".join([
        "关于对区十八届人大四次会议第52号建议的答复意见",
        "李某某代表：",
        "您提出的关于加强物业管理的建议收悉。现答复如下：",
        "上半年市政协将《关于加强楼道保洁》提案作为重点提案，政协委员多次视察。",
        "感谢您对我区工作的关心和支持！",
    ])
    assert check_text(text).letter.kind.value == "npc-suggestion"


def test_kind_is_unknown_without_any_frame_signal():
    assert check_text("您好。\n这是一段文字。").letter.kind.value == "unknown"


def test_quoted_proposal_title_does_not_vote():
    text = "于某委员：\n您在政协会议提出“关于提升消防水平的建议”，已交我局办理，现答复如下：\n感谢您的关心和支持。"
    letter = check_text(text).letter
    assert letter.kind.value == "cppcc-proposal"
    assert all(s.text != "建议" for s in letter.kind_signals)


def test_contact_block_orders_are_recorded():
    base = ["办理结果：A", "关于对市政协五届二次会议第3号提案的答复", "张某委员：", "您提出的提案收悉，现答复如下：", "感谢您的关心和支持。"]
    before = base + ["联系人：王某 联系电话：13800000000", "某市某局", "2021年6月10日", "抄送：市政协提案委，市政府督查室。"]
    after_cc = base + ["某市某局", "2021年6月10日", "抄送：市政协提案委，市政府督查室。", "联系人：王某", "联系电话：0871-1234567"]
    for lines, order in ((before, ["contact", "signature_organ", "date", "cc"]),
                         (after_cc, ["signature_organ", "date", "cc", "contact", "contact"])):
        letter = check_text("\n".join(lines)).letter
        assert [e.element for e in letter.layout if e.zone == "closing"] == order
        assert letter.contact_person.value == "王某"
        assert letter.contact_phone.value[0] in ("13800000000", "0871-1234567")
        assert not [d for d in check_text("\n".join(lines)).diagnostics if d.rule.startswith("element-")]


def test_out_of_place_element_is_reported_and_still_recorded():
    text = "\n".join([
        "某建复〔2021〕2号", "关于对市政协五届二次会议第3号提案的答复", "张某委员：", "您提出的提案收悉，现答复如下：",
        "某市某局", "2021年6月10日", "签发人：王某", "抄送：市政协提案委。",
    ])
    result = check_text(text)
    out_of_place = [d for d in result.diagnostics if d.rule == "element-out-of-place"]
    assert [(d.code, d.span.line) for d in out_of_place] == [("RL002", 7)]
    assert "签发人" in out_of_place[0].message
    assert result.letter.signer.value == "王某"  # harvested, so signer-missing does not fire as well
    assert "signer-missing" not in {d.rule for d in result.diagnostics}
    assert result.letter.cc is not None


def test_body_text_after_the_closing_is_unrecognised_text():
    text = "张某委员：\n您提出的提案收悉，现答复如下：\n某市某局\n2021年6月10日\n这里又写了一段正文，说明一些情况。\n抄送：市政协提案委。"
    result = check_text(text)
    found = [(d.rule, d.span.line) for d in result.diagnostics if d.code in ("RL001", "RL002")]
    assert found == [("unrecognised-text", 5)]
    assert result.letter.cc.value == ["市政协提案委"]


def test_duplicated_element_is_reported():
    text = "某建复〔2021〕2号\n某建复〔2021〕3号\n张某委员：\n正文。\n某市某局\n2021年6月10日"
    diags = [d for d in check_text(text).diagnostics if d.rule == "element-duplicated"]
    assert [(d.code, d.span.line) for d in diags] == [("RL003", 2)]


def test_missing_elements_use_catalogue_names_and_point_where_they_belong():
    text = "\n".join(["办理结果：A", "某建复〔2021〕2号", "张某委员：", "您提出的提案收悉，现答复如下：", "（印章）", "2021年6月10日"])
    diags = {d.rule: d for d in check_text(text).diagnostics}
    assert {"title-missing", "signer-missing", "issuer-signature-missing", "cc-missing", "contact-person-missing"} <= set(diags)
    assert diags["title-missing"].severity.value == "error" and diags["title-missing"].code == "RL201"
    assert diags["title-missing"].span.line == 3  # where the title belongs: above the salutation
    assert diags["issuer-signature-missing"].span.line == 5  # the seal placeholder stands where the 署名 should
    assert "grade-missing" not in diags and "doc-number-missing" not in diags


def test_opening_split_over_two_paragraphs_is_one_opening():
    text = "李某代表：\n\n您提出的关于加强物业管理的建议收悉。\n\n现答复如下：\n\n一、基本情况"
    letter = check_text(text).letter
    assert letter.opening.value == "您提出的关于加强物业管理的建议收悉。现答复如下："
    assert (letter.opening.span.line, letter.opening.span.end_line) == (3, 5)


def test_print_line_on_one_or_two_lines():
    one = parse_lines(["张某委员：", "正文。", "某市某局", "2021年6月10日", "抄送：某某。", "某市某局    2021年6月12日印发"]).letter
    two = parse_lines(["张某委员：", "正文。", "某市某局", "2021年6月10日", "抄送：某某。", "某市某局", "", "2021年6月12日印发"]).letter
    for letter in (one, two):
        assert (letter.print_organ.value, letter.print_date.value) == ("某市某局", "2021-06-12")
        assert letter.signature_organ.value == "某市某局" and letter.date.value == "2021-06-10"


@pytest.mark.parametrize("written, value, style", [
    ("2021年6月10日", "2021-06-10", "arabic"), ("2021年06月10日", "2021-06-10", "arabic"),
    ("二〇二一年六月十日", "2021-06-10", "chinese-numerals"), ("２０２１年６月１０日", "2021-06-10", "full-width"),
    ("2021.6.10", "2021-06-10", "separator"), ("2024年2月30日", "2024-02-30", "arabic"),
])
def test_date_forms_are_read(written, value, style):
    letter = parse_lines(["张某委员：", "正文。", "某市某局", written]).letter
    assert (letter.date.value, letter.date.style) == (value, style)

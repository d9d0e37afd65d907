"""Issue 9, the fields of real letters as they are written (real-world-variants.md §3, §4, §7, §8, §9): a
grade, a 签发人 and a 文号 glued on one line, elements written in the footer, footers of labelled fields,
titles chosen by their pattern, dates and phones in the wrong form. Every letter here is fictional.

Each test writes out the letter, then states what a careful reviewer reads in it: the elements (value,
line, and the attributes that matter) and the exact findings (rule, line), every severity included."""

from __future__ import annotations

import pytest
from letters import NPC, check, findings, letter_with, line_of  # NPC: a compliant reply to a 人大 suggestion

from checker.config import Configurator, Overrides
from checker.parser.lexer import classify
from checker.parser.normalize import normalize

ISOLATED = Configurator(Overrides(isolated=True))


# The same for a 政协 proposal.
CPPCC = (NPC.replace("澜交复〔2024〕12号", "澜交提复〔2024〕5号")
         .replace("关于市十五届人大三次会议第108号建议的答复", "关于市政协十一届二次会议第35号提案的答复")
         .replace("马海燕代表：", "何晓芸委员：")
         .replace("《关于加强农村公路养护的建议》（第108号）", "《关于加强农村公路养护的提案》（第35号）")
         .replace("抄送：市人大常委会代表工委，市政府督查室。", "抄送：市政协提案委，市政府督查室。"))






def source(text: str, span) -> str:
    """The text a single-line span covers."""
    return text.splitlines()[span.line - 1][span.column - 1:span.end_column - 1]


def test_the_base_letters_are_compliant():
    assert findings(check(NPC)) == set()
    assert findings(check(CPPCC)) == set()


# ---- §3 grade, signer and number written together -----------------------------------------------------------

def test_a_grade_in_brackets_after_the_doc_number_is_split_off():
    text = letter_with({"办理结果：B\n": "", "澜交复〔2024〕12号    签发人：周立新": "华川交复〔2024〕7号(B类)    签发人：周立新"})
    result = check(text)
    letter, at = result.letter, line_of(text, "华川交复")
    assert (letter.doc_number.value, letter.doc_number.span.line) == ("华川交复〔2024〕7号", at)
    assert source(text, letter.doc_number.span) == "华川交复〔2024〕7号"
    assert (letter.grade.value, letter.grade.raw, letter.grade.form) == ("B", "(B类)", "bracketed")
    assert source(text, letter.grade.span) == "(B类)" and letter.grade.span.line == at
    assert (letter.signer.value, letter.signer.on_doc_number_line) == ("周立新", True)
    assert source(text, letter.signer.span) == "签发人：周立新"
    # the glued form is one format finding: the grade's half-width brackets
    assert findings(result) == {("grade-label-format", at)}
    entries = [(e.element, e.line) for e in letter.layout if e.line == at]
    assert entries == [("doc_number", at), ("grade", at), ("signer", at)]


def test_a_glued_grade_leaves_the_bracket_defect_of_the_number_to_its_rule():
    text = letter_with({"办理结果：B\n": "", "澜交复〔2024〕12号    签发人：周立新": "平溪交复函[2024]19号B类    签发人：周立新"})
    result = check(text)
    at = line_of(text, "平溪交复函")
    assert result.letter.doc_number.value == "平溪交复函[2024]19号"
    assert (result.letter.grade.value, result.letter.grade.raw) == ("B", "B类")
    assert findings(result) == {("doc-number-brackets", at)}
    (fix,) = [d.fix for d in result.diagnostics if d.rule == "doc-number-brackets"]
    assert fix.replacement == "平溪交复函〔2024〕19号" and source(text, fix.span) == "平溪交复函[2024]19号"


def test_a_grade_after_the_signer_is_split_off():
    text = letter_with({"办理结果：B\n": "", "澜交复〔2024〕12号    签发人：周立新": "澜交复〔2024〕12号\n签发人：周立新 (B类)"})
    result = check(text)
    letter, at = result.letter, line_of(text, "签发人")
    assert (letter.signer.value, letter.signer.names, letter.signer.raw) == ("周立新", ["周立新"], "签发人：周立新")
    assert (letter.grade.value, letter.grade.raw, letter.grade.span.line) == ("B", "(B类)", at)
    assert source(text, letter.grade.span) == "(B类)"
    assert letter.title.value == "关于市十五届人大三次会议第108号建议的答复"  # not the signer's line
    # the brackets of the grade, and the signer standing apart from the 文号 (as on any letter)
    assert findings(result) == {("grade-label-format", at), ("signer-position", at)}


def test_a_chinese_ordinal_grade_after_the_signer_is_not_a_second_name():
    text = letter_with({"办理结果：B\n": "", "澜交复〔2024〕12号    签发人：周立新": "澜交复〔2024〕12号    签发人：周立新 乙类"})
    result = check(text)
    at = line_of(text, "签发人")
    assert result.letter.signer.names == ["周立新"]
    assert (result.letter.grade.value, result.letter.grade.raw) == ("B", "乙类")
    assert findings(result) == {("grade-label-format", at)}


@pytest.mark.parametrize("written, value, label", [
    ("办理结果：B类（正在解决）", "B", "正在解决"),
    ("B类 列入计划解决", "B", "列入计划解决"),
    ("（B类）列入计划解决", "B", "列入计划解决"),
    ("乙类", "B", None),
    ("办理结果：乙类", "B", None),
])
def test_a_grade_with_its_meaning_or_as_a_chinese_ordinal(written, value, label):
    text = letter_with({"办理结果：B": written})
    result = check(text)
    assert (result.letter.grade.value, result.letter.grade.label, result.letter.grade.span.line) == (value, label, 1)
    assert findings(result) == {("grade-label-format", 1)}


def test_ding_is_grade_d_of_the_four_grade_profile():
    text = letter_with({"办理结果：B": "丁类"})
    result = check(text)
    assert result.letter.grade.value == "D"
    # the national profile knows A–C: D is not one of its grades
    assert findings(result) == {("grade-label-format", 1), ("grade-invalid-value", 1)}


def test_a_labelled_grade_after_the_signer_on_the_doc_number_line():
    text = letter_with({"办理结果：B\n": "", "    签发人：周立新": "    签发人：周立新    办理结果：B"})
    result = check(text)
    at = line_of(text, "澜交复")
    assert (result.letter.signer.names, result.letter.signer.on_doc_number_line) == (["周立新"], True)
    assert (result.letter.grade.value, result.letter.grade.raw, result.letter.grade.span.line) == ("B", "办理结果：B", at)
    assert findings(result) == set()


@pytest.mark.parametrize("written, grade, disclosure", [
    ("办理结果：B　　　　公开属性：主动公开", "办理结果：B", "公开属性：主动公开"),
    ("公开属性：主动公开　　　　办理结果：B", "办理结果：B", "公开属性：主动公开"),
    ("办理结果：B    公开属性：主动公开", "办理结果：B", "公开属性：主动公开"),
    ("B类    公开属性：主动公开", "B类", "公开属性：主动公开"),
    ("答复类别：B类　信息公开属性：主动公开", "答复类别：B类", "信息公开属性：主动公开"),
])
def test_a_grade_and_the_disclosure_on_one_header_line_are_two_elements(written, grade, disclosure):
    """办理结果 and 公开属性 printed side by side on one line, a run of spaces between them: each is read
    over its own part of the line, and neither is missing or wrong."""
    text = letter_with({"办理结果：B\n公开属性：主动公开": written})
    result = check(text)
    letter = result.letter
    assert (letter.grade.value, letter.grade.raw, letter.grade.span.line) == ("B", grade, 1)
    assert source(text, letter.grade.span) == grade
    assert (letter.disclosure.value, letter.disclosure.span.line) == ("主动公开", 1)
    assert source(text, letter.disclosure.span) == disclosure
    assert findings(result) == set()


def test_a_disclosure_value_with_single_spaces_is_not_split():
    """One ASCII space is no gap between two fields: the line is not cut there."""
    (line,), _ = normalize(["办理结果：B 公开属性：主动公开"])
    assert classify(line).parts == []


def test_a_grade_at_the_end_of_the_title_line_is_the_grade():
    """The grade printed at the title's top right comes out on the title's line."""
    text = letter_with({"办理结果：B\n": "", TITLE: TITLE + "      （B类）"})
    result = check(text)
    at = line_of(text, TITLE)
    assert (result.letter.title.value, result.letter.title.raw) == (TITLE, TITLE)
    assert (result.letter.grade.value, result.letter.grade.span.line) == ("B", at)
    assert source(text, result.letter.grade.span) == "（B类）"
    assert findings(result) == set()


def test_class_label_with_another_value_is_not_a_grade():
    (line,), _ = normalize(["类别：主动公开"])
    assert classify(line).kind != "GRADE"


def test_a_part_of_a_line_keeps_its_source_columns():
    (line,), _ = normalize(["## 签发人：周立新 (A类)"])  # markdown removed: the text starts at column 4
    token = classify(line)
    assert token.kind == "SIGNER" and [part.kind for part in token.parts] == ["GRADE"]
    (grade,) = token.parts
    assert grade.first.text == "(A类)" and grade.first.span().column == 12 and grade.first.span().end_column == 16


def test_a_body_line_that_merely_starts_with_a_class_is_not_a_grade():
    (line,), _ = normalize(["A类项目共有12个，B类项目共有8个。"])
    assert classify(line).kind == "TEXT"
    (line,), _ = normalize(["乙类传染病防控"])
    assert classify(line).kind == "TEXT"


def test_a_doc_number_below_the_title_is_present_and_out_of_place():
    text = letter_with({"澜交复〔2024〕12号    签发人：周立新\n\n": "",
                        "第108号建议的答复\n": "第108号建议的答复\n\n澜交复〔2024〕12号    签发人：周立新\n"})
    result = check(text)
    at = line_of(text, "澜交复")
    assert (result.letter.doc_number.value, result.letter.doc_number.span.line) == ("澜交复〔2024〕12号", at)
    assert result.letter.doc_number.placement == "out-of-place"
    assert (result.letter.signer.value, result.letter.signer.on_doc_number_line) == ("周立新", True)
    assert findings(result) == {("element-out-of-place", at)}  # never doc-number-missing
    (message,) = [d.message for d in result.diagnostics]
    assert "标题之下" in message


def test_a_doc_number_and_signer_line_in_the_body_is_one_out_of_place_line():
    text = letter_with({"澜交复〔2024〕12号    签发人：周立新\n\n": "",
                        "一、基本情况\n": "澜交复〔2024〕12号    签发人：周立新\n\n一、基本情况\n"})
    result = check(text)
    at = line_of(text, "澜交复")
    assert (result.letter.doc_number.value, result.letter.signer.value) == ("澜交复〔2024〕12号", "周立新")
    assert result.letter.doc_number.placement == result.letter.signer.placement == "out-of-place"
    assert len(result.letter.headings) == 2  # the body goes on around the line
    assert findings(result) == {("element-out-of-place", at)}


# ---- §4 elements in the footer ------------------------------------------------------------------------------

@pytest.mark.parametrize("written, value", [("办复类别：B类", "B"), ("答复类别：B类", "B")])
def test_a_grade_after_the_date_is_present_and_out_of_place(written, value):
    text = letter_with({"办理结果：B\n": "", "2024年6月12日\n\n（联系人": f"2024年6月12日\n\n{written}\n\n（联系人"})
    result = check(text)
    at = line_of(text, written)
    assert (result.letter.grade.value, result.letter.grade.span.line) == (value, at)
    assert result.letter.grade.placement == "out-of-place"
    assert findings(result) == {("element-out-of-place", at)}  # never grade-missing


def test_a_signer_after_the_date_is_present_and_out_of_place():
    text = letter_with({"    签发人：周立新": "", "2024年6月12日\n\n（联系人": "2024年6月12日\n\n签发人：周立新\n\n（联系人"})
    result = check(text)
    at = line_of(text, "签发人")
    assert (result.letter.signer.value, result.letter.signer.span.line) == ("周立新", at)
    # one finding: neither signer-missing nor signer-position beside the out-of-place one
    assert findings(result) == {("element-out-of-place", at)}


def test_a_signer_and_grade_line_after_the_date_is_one_out_of_place_line():
    text = letter_with({"办理结果：B\n": "", "    签发人：周立新": "",
                        "2024年6月12日\n\n（联系人": "2024年6月12日\n\n签发人：周立新  B类\n\n（联系人"})
    result = check(text)
    at = line_of(text, "签发人")
    assert (result.letter.signer.value, result.letter.grade.value) == ("周立新", "B")
    assert result.letter.signer.placement == result.letter.grade.placement == "out-of-place"
    assert findings(result) == {("element-out-of-place", at)}


def test_a_disclosure_above_the_cc_is_present_and_out_of_place():
    text = letter_with({"公开属性：主动公开\n": "", "\n抄送：": "\n公开属性：主动公开\n\n抄送："})
    result = check(text)
    at = line_of(text, "公开属性")
    assert (result.letter.disclosure.value, result.letter.disclosure.span.line) == ("主动公开", at)
    assert findings(result) == {("element-out-of-place", at)}  # never disclosure-missing


def test_a_grade_below_the_salutation_is_present_and_out_of_place():
    text = letter_with({"办理结果：B\n": "", "马海燕代表：\n": "马海燕代表：\n\n（B类）\n"})
    result = check(text)
    at = line_of(text, "（B类）")
    assert (result.letter.grade.value, result.letter.grade.span.line) == ("B", at)
    assert findings(result) == {("element-out-of-place", at)}


def test_the_disclosure_note_at_the_end_of_the_body_is_in_its_place():
    text = letter_with({"公开属性：主动公开\n": "", "关心和支持！\n": "关心和支持！\n\n（此件公开发布）\n"})
    result = check(text)
    assert (result.letter.disclosure.value, result.letter.disclosure.span.line) == ("公开发布", line_of(text, "此件"))
    assert findings(result) == set()


def test_the_disclosure_note_below_the_date_is_in_its_place():
    text = letter_with({"公开属性：主动公开\n": "", "\n抄送：": "\n（此件主动公开）\n\n抄送："})
    result = check(text)
    assert (result.letter.disclosure.value, result.letter.disclosure.span.line) == ("主动公开", line_of(text, "此件"))
    assert findings(result) == set()


# ---- §7 footers with labelled fields ------------------------------------------------------------------------

SIGNOFF = "澜州市交通运输局\n\n2024年6月12日\n\n（联系人：李文涛，联系电话：0871-6812345）\n"


def test_a_footer_of_unit_and_head_fields_gives_every_element():
    """承办单位 and 单位负责人 stand where the 署名 stands; the 承办人 line below the date is the 附注."""
    footer = ("承办单位：澜州市交通运输局            单位负责人：周立新\n\n"
              "2024年6月12日\n\n"
              "（承办人及联系电话：李文涛  0871-6812345）\n")
    text = letter_with({"    签发人：周立新": "", SIGNOFF: footer})
    result = check(text)
    letter = result.letter
    first, second = line_of(text, "承办单位"), line_of(text, "承办人及")
    assert (letter.signature_organ.value, letter.signature_organ.span.line) == ("澜州市交通运输局", first)
    assert source(text, letter.signature_organ.span) == "澜州市交通运输局"
    assert letter.signature_organ.placement == "labelled-field"
    assert (letter.signer.value, letter.signer.span.line, letter.signer.placement) == ("周立新", first, "labelled-field")
    assert source(text, letter.signer.span) == "周立新" and letter.signer.label == "单位负责人："
    assert (letter.contact_person.value, letter.contact_person.span.line) == ("李文涛", second)
    assert (letter.contact_phone.value, letter.contact_phone.span.line) == (["0871-6812345"], second)
    assert letter.date.value == "2024-06-12"
    assert [e.span.line for e in letter.footer_fields] == [first]
    assert [e.span.line for e in letter.contact_lines] == [second]
    # every field is there: nothing about the footer's form (the 单位负责人 is the template's 签发人, in its
    # place: no element-out-of-place, signer-label or signer-position), and no "missing"
    assert findings(result) == set()


def test_a_footer_of_unit_head_and_handler_lines_only():
    """The 落款 written as fields only, the date last: the 承办人 line is an unbracketed 附注 standing
    before the date; nothing is missing."""
    footer = ("承办单位：澜州市交通运输局            单位负责人：周立新\n\n"
              "承办人及联系电话：李文涛  0871-6812345\n\n"
              "答复日期：2024年6月12日\n")
    text = letter_with({"    签发人：周立新": "", SIGNOFF: footer})
    result = check(text)
    letter = result.letter
    first, second, third = line_of(text, "承办单位"), line_of(text, "承办人及"), line_of(text, "答复日期")
    assert (letter.signature_organ.value, letter.signer.value) == ("澜州市交通运输局", "周立新")
    assert (letter.contact_person.value, letter.contact_phone.value) == ("李文涛", ["0871-6812345"])
    assert (letter.date.value, letter.date.span.line, letter.date.placement) == ("2024-06-12", third, "labelled-field")
    assert source(text, letter.date.span) == "2024年6月12日"
    assert [e.span.line for e in letter.footer_fields] == [first, third]
    # standing above the date, the block is reported once (contact-position, info), not also for brackets
    assert findings(result) == {("contact-position", second)}


def test_a_footer_of_reply_unit_and_leader_fields_gives_every_element():
    footer = ("答复单位：澜州市交通运输局            答复日期：2024年6月12日\n\n"
              "（主管领导人姓名：周立新   具体经办人姓名：李文涛   邮政编码：650100   联系电话：0871-6812345）\n")
    text = letter_with({"    签发人：周立新": "", SIGNOFF: footer})
    result = check(text)
    letter = result.letter
    first, second = line_of(text, "答复单位"), line_of(text, "主管领导人")
    assert (letter.signature_organ.value, letter.date.value, letter.date.span.line) == ("澜州市交通运输局", "2024-06-12", first)
    assert (letter.signer.value, letter.signer.span.line) == ("周立新", second)
    assert (letter.contact_person.value, letter.contact_person.span.line) == ("李文涛", second)
    assert letter.contact_phone.value == ["0871-6812345"]  # the 邮政编码 is no phone
    assert findings(result) == set()


def test_a_footer_of_leader_unit_and_handler_with_a_masked_number():
    footer = ("澜州市交通运输局\n\n2024年6月12日\n\n"
              "分管领导：周立新   分管单位：城建股   承办人：李文涛\n\n"
              "（联系单位及电话：澜州市交通运输局办公室，0871-68123xx）\n")
    text = letter_with({"    签发人：周立新": "", SIGNOFF: footer})
    result = check(text)
    letter = result.letter
    at = line_of(text, "分管领导")
    assert (letter.signer.value, letter.signer.span.line, letter.signer.placement) == ("周立新", at, "labelled-field")
    assert (letter.contact_person.value, letter.contact_person.span.line) == ("李文涛", at)
    assert letter.contact_phone.value == ["0871-68123xx"]  # masked by the publisher: a phone, not judged
    assert letter.signature_organ.placement == "standard"  # the 署名 line stands in its own place
    # the 分管领导 line is the 附注 (it gives no 署名 and no date): written without its brackets
    assert findings(result) == {("contact-bracketed", at)}


def test_an_unknown_label_does_not_hide_the_fields_beside_it():
    text = letter_with({"（联系人：李文涛，联系电话：0871-6812345）": "（联系人：李文涛   职务：科长   电话：0871-6812345）"})
    result = check(text)
    assert (result.letter.contact_person.value, result.letter.contact_phone.value) == ("李文涛", ["0871-6812345"])
    assert findings(result) == set()


def test_a_line_whose_first_label_is_unknown_is_still_a_contact_line():
    line = "负责同志：周立新   联系人：李文涛   电话：0871-6812345"
    text = letter_with({"（联系人：李文涛，联系电话：0871-6812345）": line})
    result = check(text)
    at = line_of(text, "负责同志")
    assert (result.letter.contact_person.value, result.letter.contact_person.span.line) == ("李文涛", at)
    assert findings(result) == {("contact-bracketed", at)}  # an unbracketed 附注, never unrecognised-text


def test_a_field_the_letter_gives_in_its_own_place_wins():
    """The header's 签发人 and the 署名 line stand; the footer's fields of the same elements change nothing
    and are no duplicates."""
    text = letter_with({"（联系人：李文涛，联系电话：0871-6812345）":
                        "承办单位：澜州市交通运输局   单位负责人：周立新   承办人：李文涛   电话：0871-6812345"})
    result = check(text)
    assert result.letter.signer.span.line == line_of(text, "签发人") and result.letter.signer.placement == "standard"
    assert result.letter.signature_organ.span.line == line_of(text, "澜州市交通运输局", 2)
    assert findings(result) == set()


# ---- §8 titles ----------------------------------------------------------------------------------------------

TITLE = "关于市十五届人大三次会议第108号建议的答复"


@pytest.mark.parametrize("title", [
    "关于市十五届人大三次会议第108号代表建议的答复函",
    "关于市十五届人大三次会议第108号建议办理情况的复函",
    "关于市十五届人大三次会议第108号建议答复的函",
    "澜州市交通运输局关于市十五届人大三次会议第108号建议的答复",
    "关于对市十五届人大三次会议第108号建议的答复",
    "对市十五届人大三次会议第108号建议的答复",
])
def test_every_standard_title_form_passes(title):
    text = letter_with({TITLE: title})
    result = check(text)
    assert (result.letter.title.value, result.letter.title.span.line) == (title, line_of(text, title))
    # 关于对 stacks two prepositions: standard enough to pass every rule but title-guanyu's one info
    assert findings(result) == ({("title-guanyu", line_of(text, title))} if title.startswith("关于对") else set())


def test_the_national_proposal_title_with_its_category_number_passes():
    title = "关于政协第十四届全国委员会第二次会议第01234号（城乡建设类123号）提案答复的函"
    text = letter_with({"关于市政协十一届二次会议第35号提案的答复": title,
                        "《关于加强农村公路养护的提案》（第35号）": "《关于加强农村公路养护的提案》（第01234号）"}, CPPCC)
    result = check(text)
    assert result.letter.title.value == title and result.letter.proposal_number.value == "01234"
    assert result.letter.kind.value == "cppcc-proposal"
    assert findings(result) == set()


def test_a_title_with_the_number_but_without_the_session_passes():
    text = letter_with({TITLE: "关于第108号建议答复的函"})
    result = check(text)
    assert result.letter.title.value == "关于第108号建议答复的函"
    assert findings(result) == set()


def test_a_reply_titled_huifu_without_di_has_its_number_and_one_finding():
    title = "关于澜州市十六届人大二次会议1号建议的回复"
    text = letter_with({TITLE: title, "（第108号）": ""})
    result = check(text)
    assert (result.letter.title.value, result.letter.proposal_number.value) == (title, "1")
    assert findings(result) == {("title-template", line_of(text, title))}  # not proposal-number-missing


@pytest.mark.parametrize("title, lines", [
    ("关于市十五届人大三次会议第108号建议的\n\n答    复", 2),
    ("关于对市十五届人大三次会议\n\n第108号建议的答复", 2),
    ("市十五届人大三次会议\n\n第108号建议的答复", 2),
])
def test_a_title_wrapped_over_lines_is_one_title(title, lines):
    text = letter_with({TITLE: title})
    result = check(text)
    first = line_of(text, title.split("\n")[0])
    assert result.letter.title.span.line == first and result.letter.title.span.end_line == first + 2 * (lines - 1)
    assert result.letter.title.value == "".join(title.split())
    # a title without 关于 or 对, or with 关于对 (title-guanyu); the letter-spaced 文种 line puts spaces inside the title
    expected = ({("title-guanyu", first)} if title.startswith(("市", "关于对")) else {("title-whitespace", first)} if "答 " in title
                else set())
    assert findings(result) == expected


def test_a_letter_spaced_doctype_line_above_the_title_is_recognised():
    text = letter_with({TITLE: "答    复\n\n" + TITLE})
    result = check(text)
    assert (result.letter.title.value, result.letter.title.span.line) == (TITLE, line_of(text, TITLE))
    assert findings(result) == set()  # the 文种 line is neither the title nor unrecognised


def test_jijian_is_an_urgency_mark_not_the_title():
    text = letter_with({TITLE: "急件\n\n" + TITLE})
    result = check(text)
    assert (result.letter.urgency.value, result.letter.urgency.span.line) == ("急件", 8)
    assert result.letter.title.value == TITLE
    assert findings(result) == {("urgency-value", 8)}  # 急件 is not 特急/加急: that one finding, nothing else


@pytest.mark.parametrize("header_line", ["（请于6月底前反馈）", "请各单位注意办理时限"])
def test_an_unknown_header_line_is_not_the_title(header_line):
    text = letter_with({TITLE: header_line + "\n\n" + TITLE})
    result = check(text)
    assert (result.letter.title.value, result.letter.title.span.line) == (TITLE, line_of(text, TITLE))
    assert findings(result) == {("unrecognised-text", line_of(text, header_line))}


def test_an_unknown_header_line_below_the_title_is_not_part_of_it():
    text = letter_with({TITLE: TITLE + "\n\n（请于6月底前反馈）"})
    result = check(text)
    assert result.letter.title.value == TITLE
    assert findings(result) == {("unrecognised-text", line_of(text, "反馈"))}


def test_a_page_title_repeating_the_title_above_the_header_is_not_the_title():
    """Of two title lines the letter's own is the one just above the salutation."""
    text = letter_with({"办理结果：B": "澜州市交通运输局" + TITLE + "\n\n办理结果：B"})
    result = check(text)
    assert (result.letter.title.value, result.letter.title.span.line) == (TITLE, line_of(text, TITLE, 2))
    assert result.letter.doc_number.placement == "standard"  # the 文号 stands above the letter's title
    assert findings(result) == set()  # the repeated page title is no second title, and not unrecognised


def test_a_class_label_line_is_the_grade_not_the_title():
    text = letter_with({"办理结果：B": "类别：B"})
    result = check(text)
    assert (result.letter.grade.value, result.letter.grade.span.line) == ("B", 1)
    assert result.letter.title.value == TITLE
    assert findings(result) == {("grade-label-format", 1)}


def test_a_doc_number_without_hao_is_the_doc_number_not_the_title():
    text = letter_with({"澜交复〔2024〕12号    签发人：周立新": "澜交复〔2024〕12    签发人：周立新"})
    result = check(text)
    at = line_of(text, "澜交复")
    assert (result.letter.doc_number.value, result.letter.doc_number.suffix) == ("澜交复〔2024〕12", "")
    assert result.letter.signer.value == "周立新" and result.letter.title.value == TITLE
    assert findings(result) == {("doc-number-format", at)}


def test_a_title_that_starts_with_neither_guanyu_nor_dui_gets_title_guanyu_only():
    title = "市十五届人大三次会议第108号建议的答复"
    text = letter_with({TITLE: title})
    assert findings(check(text)) == {("title-guanyu", line_of(text, title))}


def test_a_block_of_unknown_lines_is_one_finding():
    text = letter_with({TITLE: "请各单位\n注意办理\n时限\n\n" + TITLE})
    result = check(text)
    assert result.letter.title.value == TITLE
    assert findings(result) == {("unrecognised-text", line_of(text, "请各单位"))}
    (finding,) = result.diagnostics
    assert (finding.span.line, finding.span.end_line) == (line_of(text, "请各单位"), line_of(text, "时限"))


# ---- §9 dates and phones ------------------------------------------------------------------------------------

@pytest.mark.parametrize("written, style, value, fix, rule", [
    ("二〇二四年六月十二日", "chinese-numerals", "2024-06-12", "2024年6月12日", "date-format"),
    ("二0二四年六月十二日", "chinese-numerals", "2024-06-12", "2024年6月12日", "date-format"),
    ("20240612", "digit-run", "2024-06-12", "2024年6月12日", "date-format"),
    ("2024年  月  日", "unfilled", "", None, "date-placeholder"),
])
def test_a_date_in_the_wrong_form_is_the_date(written, style, value, fix, rule):
    text = letter_with({"2024年6月12日\n\n（联系人": f"{written}\n\n（联系人"})
    result = check(text)
    at = line_of(text, written)
    date = result.letter.date
    assert (date.value, date.style, date.span.line, date.raw) == (value, style, at, written)
    assert findings(result) == {(rule, at)}  # never date-missing; an unfilled date: date-placeholder alone
    (finding,) = result.diagnostics
    assert (finding.fix.replacement if finding.fix else None) == fix


def test_an_unfilled_date_has_its_year_only():
    text = letter_with({"2024年6月12日\n\n（联系人": "2024年  月  日\n\n（联系人"})
    date = check(text).letter.date
    assert (date.year, date.month, date.day) == (2024, None, None)


@pytest.mark.parametrize("written, numbers, rule_severity", [
    ("0871—6812345", ["0871—6812345"], "info"),
    ("138 0871 2345", ["13808712345"], None),
    ("(0871)6812345", ["(0871)6812345"], None),
    ("0871-6812345、13908712345", ["0871-6812345", "13908712345"], None),
    ("6812345", ["6812345"], "info"),
    ("68123456", ["68123456"], "info"),
])
def test_phones_as_they_are_written(written, numbers, rule_severity):
    text = letter_with({"联系电话：0871-6812345": f"联系电话：{written}"})
    result = check(text)
    at = line_of(text, "联系电话")
    assert result.letter.contact_phone.value == numbers
    if rule_severity is None:
        assert findings(result) == set()
    else:
        assert findings(result) == {("contact-phone-format", at)}
        (finding,) = result.diagnostics
        assert finding.severity.value == rule_severity
        assert source(text, finding.span) == written


@pytest.mark.parametrize("written, numbers", [
    ("010-6512 3456", ["010-65123456"]),
    ("0871-6812 3456", ["0871-68123456"]),
    ("010 6512 3456", ["01065123456"]),
])
def test_a_grouped_landline_is_the_phone(written, numbers):
    """A landline written in groups (010-6512 3456) is a phone, as a grouped mobile is: never
    contact-phone-missing; 010 with 8 digits is a right number."""
    text = letter_with({"联系电话：0871-6812345": f"联系电话：{written}"})
    result = check(text)
    phones = result.letter.contact_phone
    assert phones.value == numbers
    assert source(text, phones.span) == written
    assert "contact-phone-missing" not in {rule for rule, _ in findings(result)}


def test_a_grouped_landline_one_digit_short_is_a_wrong_number_not_a_missing_one():
    text = letter_with({"联系电话：0871-6812345": "联系电话：010-6512 345"})
    assert findings(check(text)) == {("contact-phone-format", line_of(text, "联系电话"))}


def test_a_grouped_mobile_span_covers_the_number_as_written():
    text = letter_with({"联系电话：0871-6812345": "联系电话：138 0871 2345"})
    phones = check(text).letter.contact_phone
    assert source(text, phones.span) == "138 0871 2345"

"""Stage 3a: each line variant of §6 of the domain reference is recognised as the element it is."""

import pytest

from checker.parser.lexer import lex
from checker.parser.normalize import normalize


def kinds(*text_lines: str) -> list[str]:
    lines, artifacts = normalize(list(text_lines))
    return [t.kind for t in lex(lines, artifacts)]


@pytest.mark.parametrize("line", ["办理结果：B", "A", "A 类", "A类", "（A类）", "答复类别：A类", "办理结果：已经解决"])
def test_grade_forms(line):
    assert kinds(line, "张三代表：")[0] == "GRADE"


@pytest.mark.parametrize("line", ["(公开)", "信息公开属性：可以公开", "公开属性：主动公开", "公开方式：主动公开", "（此件主动公开）"])
def test_disclosure_forms(line):
    assert kinds(line, "张三代表：")[0] == "DISCLOSURE"


@pytest.mark.parametrize("line", ["签发：刘某某", "签发人：郑某", "签 发 人：王某", "签发人:李某"])
def test_signer_label_variants(line):
    assert kinds(line, "张三代表：")[0] == "SIGNER"


@pytest.mark.parametrize("line", ["安建复函〔2021〕2号", "五住建办案字〔2019〕17号", "云建城[2019]213号", "新建字（2024）第014号",
                                  "新建字〔2024〕14号                 签发人：杨某"])
def test_doc_number_forms(line):
    assert kinds(line, "张三代表：")[0] == "DOC_NUMBER"


@pytest.mark.parametrize("line", ["李某代表：", "尊敬的黄某某委员：", "黄某某委员:", "李某代表："])
def test_salutation_forms(line):
    assert kinds("某局文件", line, "您提出的建议收悉，现答复如下：")[1] == "SALUTATION"


def test_wrapped_title_lines_become_title_tokens():
    assert kinds("五住建办案字〔2019〕17号", "", "关于对政协某区九届三次会议", "", "第19C04号提案的答复", "", "张某委员：") == \
        ["DOC_NUMBER", "TITLE", "TITLE", "SALUTATION"]


@pytest.mark.parametrize("line, level", [("一、基本情况", 1), ("（二）加强管理", 2), ("3.无人管理老旧小区。", 3), ("（1）第一项", 4),
                                         ("一.标点不对", 1), ("(二)、括号不对", 2), ("1、顿号不对", 3)])
def test_heading_levels_including_wrong_punctuation(line, level):
    lines, artifacts = normalize(["张三代表：", line])
    tokens = lex(lines, artifacts)
    assert tokens[1].kind == "HEADING" and tokens[1].level == level


@pytest.mark.parametrize("line", ["一是成立专班，实体运转。", "1.5万平方米的小区已改造。", "2020年8月13日正式印发。", "十九届四中全会要求。"])
def test_prose_that_only_looks_numbered_is_not_a_heading(line):
    assert kinds("张三代表：", line)[1] == "PARA"


def test_closing_zone_variants():
    assert kinds(
        "张三代表：", "正文。", "联系人及电话：某某  13800000000", "某市住房和城乡建设局", "（印  章）", "2021年6月10日",
        "(此页无正文)", "抄送：市政协提案委。", "某市住房和城乡建设局", "2021年6月10日印发",
    ) == ["SALUTATION", "PARA", "CONTACT", "ORGAN", "SEAL", "DATE", "NO_BODY", "CC", "PRINT"]


@pytest.mark.parametrize("line", ["联 系 人：冯某", "经办人姓名职务：刘某 科长", "联系单位及联系电话：某局，5550123；",
                                  "（联系人：张某，联系电话：0871-12345678）", "邮政编码：453000"])
def test_contact_label_variants(line):
    assert kinds("张三代表：", "正文。", line)[2] == "CONTACT"


def test_page_break_inside_a_sentence_is_joined_and_recorded():
    lines, artifacts = normalize(["张三代表：", "青川市共有 120 个小区，其中老旧小区有 40 个。根据国", "", "", "务院和省里的相关政策。", "",
                                  "一、基本情况"])
    tokens = lex(lines, artifacts)
    assert [t.kind for t in tokens] == ["SALUTATION", "PARA", "HEADING"]
    assert [l.number for l in tokens[1].lines] == [2, 5]
    assert [a.span.line for a in artifacts if a.kind == "page-break"] == [2]


def test_a_short_unnumbered_heading_is_not_joined_to_the_next_paragraph():
    tokens = kinds("张三代表：", "一、基本情况", "情况说明。", "工作措施", "", "（一）推进整治。")
    assert tokens == ["SALUTATION", "HEADING", "PARA", "PARA", "HEADING"]

"""Publication wrappers, body-only publications and texts that are no reply letter (real-world-variants.md
§1, §2, §11): what a portal page, a PDF export or an office system put around a letter is kept apart, its
metadata fills only what the letter lacks, and a text that is no letter gets one finding. Fictional letters."""

from __future__ import annotations

import json

import pytest

from checker.api import check_text
from checker.config import Configurator, Overrides
from checker.parser.build import parse_lines
from checker.reporters.json_format import file_to_dict

ISOLATED = Configurator(Overrides(isolated=True))

# A compliant letter (no finding at all), the letter proper of every wrapper below.
HEADER = "办理结果：A\n公开属性：主动公开\n\n澜交复〔2024〕12号    签发人：周立新\n\n"
TITLE = "关于市十五届人大三次会议第108号建议的答复"
SALUTATION_AND_BODY = (
    "马海燕代表：\n\n"
    "您提出的《关于优化城乡公交线网的建议》（第108号）收悉。经认真研究，现答复如下：\n\n"
    "今年我局新开通城乡公交线路6条，覆盖沿线行政村42个，您提出的事项已经解决。\n\n"
    "感谢您对我市交通运输工作的关心和支持！\n\n"
)
SIGNOFF = "澜州市交通运输局\n\n2024年6月12日\n\n"
FOOTER = "（联系人：李文涛，联系电话：0871-6812345）\n\n抄送：市人大常委会选工委，市政府督查室。\n\n澜州市交通运输局    2024年6月12日印发\n"
LETTER = HEADER + TITLE + "\n\n" + SALUTATION_AND_BODY + SIGNOFF + FOOTER
PAGE_TITLE = "澜州市交通运输局" + TITLE


def check(text: str, configurator: Configurator = ISOLATED):
    return check_text(text, "letter.txt", configurator)


def findings(result) -> list[tuple[str, int]]:
    return sorted((d.rule, d.span.line) for d in result.diagnostics)


def line_of(text: str, wanted: str) -> int:
    """The 1-based number of the first line of ``text`` that starts with ``wanted``."""
    return next(i for i, line in enumerate(text.split("\n"), 1) if line.startswith(wanted))


def exact_line(text: str, wanted: str) -> int:
    return text.split("\n").index(wanted) + 1


def publication_lines(result) -> list[int]:
    return [a.span.line for a in result.letter.artifacts if a.kind == "publication"]


def span_text(result, span) -> str:
    return result.span_text(span)


def test_the_letter_proper_is_compliant():
    assert findings(check(LETTER)) == []


# ---- §1 publication wrappers ----------------------------------------------------------------------------

PIPES = (
    PAGE_TITLE + "\n"
    "发布时间：2024-06-18 09:32:11    来源：澜州市交通运输局    浏览次数：312\n"
    "索引号：11530181MB0F12345X/2024-00871 | 发文字号： | 成文日期：2024-06-10 | 主题分类：交通\n"
    "首页 > 政务公开 > 建议提案办理\n"
    "【字体：大 中 小】  打印本页  关闭窗口\n\n"
    + LETTER.replace("澜交复〔2024〕12号    签发人：周立新", "签发人：周立新") +
    "\n分享到：\n扫一扫在手机打开当前页\n"
)


def test_pipe_table_and_portal_chrome_are_publication_lines_not_letter_text():
    result = check(PIPES)
    letter = result.letter
    assert publication_lines(result) == [1, 2, 3, 4, 5, len(PIPES.split("\n")) - 2, len(PIPES.split("\n")) - 1]
    for artifact in letter.artifacts:
        if artifact.kind == "publication":
            assert span_text(result, artifact.span) == artifact.text  # the span covers exactly the line
    # the page title repeats the letter title: it is not a second title, nor merged into it
    title_line = exact_line(PIPES, TITLE)
    assert (letter.title.value, letter.title.span.line, letter.title.span.end_line) == (TITLE, title_line, title_line)
    # the empty 发文字号 fills nothing: the 文号 is missing, reported at the first 版头 line of the letter
    assert letter.doc_number is None
    # the letter has its own date: the metadata's 成文日期 and the portal timestamp are not used
    assert (letter.date.value, letter.date.source, letter.date.span.line) == ("2024-06-12", "letter", line_of(PIPES, "2024年6月12日"))
    assert findings(result) == [("doc-number-missing", 7), ("signer-position", line_of(PIPES, "签发人"))]
    assert letter.role == "reply"


TABS = (
    PAGE_TITLE + "\n"
    "索引号\t410700-12-2024-00315\t信息分类\t建议提案办理\n"
    "发布机构\t澜州市交通运输局\t发文日期\t2024-06-20\n"
    "发文字号\t澜交复〔2024〕12号\t公开方式\t主动公开\n"
    "首页 > 信息公开 > 建议提案办理\n\n"
    + LETTER.replace("公开属性：主动公开\n", "").replace("澜交复〔2024〕12号    签发人：周立新\n\n", "")
)


def test_tab_table_fills_the_doc_number_and_disclosure_the_letter_lacks():
    result = check(TABS)
    letter = result.letter
    assert publication_lines(result) == [1, 2, 3, 4, 5]
    number, disclosure = letter.doc_number, letter.disclosure
    assert (number.value, number.source, number.year, number.sequence) == ("澜交复〔2024〕12号", "metadata", "2024", "12")
    assert (number.span.line, number.span.column, number.span.end_column) == (4, 6, 18)
    assert span_text(result, number.span) == number.raw == "澜交复〔2024〕12号"
    assert (disclosure.value, disclosure.source, span_text(result, disclosure.span)) == ("主动公开", "metadata", "主动公开")
    assert (disclosure.span.line, disclosure.span.column) == (4, 24)
    # present (from the metadata): neither is missing; the letter's signer has no 文号 line beside it
    assert findings(result) == [("signer-missing", 7)]
    fields = file_to_dict(result)["fields"]
    assert fields["doc_number"]["source"] == "metadata" and fields["disclosure"]["source"] == "metadata"
    assert "source" not in fields["grade"]  # the letter's own elements do not say where they come from


KEY_VALUE_LINES = (
    PAGE_TITLE + "\n"
    "信息索引号：002487335/2024-11021\n"
    "发布机构：澜州市交通运输局\n"
    "成文日期：2024年6月12日\n"
    "公开方式：主动公开\n"
    "浏览次数：208\n"
    "【字体：大 中 小】  打印本页  关闭窗口\n\n"
    + LETTER.replace("公开属性：主动公开\n", "").replace(SIGNOFF, "澜州市交通运输局\n\n") +
    "\n【打印】【关闭】\n"
)


def test_key_value_lines_one_per_line_give_the_date_and_disclosure_the_letter_lacks():
    result = check(KEY_VALUE_LINES)
    letter = result.letter
    last = len(KEY_VALUE_LINES.split("\n")) - 1
    assert publication_lines(result) == [1, 2, 3, 4, 5, 6, 7, last]
    date = letter.date
    assert (date.value, date.style, date.source, date.span.line, date.span.column) == ("2024-06-12", "arabic", "metadata", 4, 6)
    assert span_text(result, date.span) == "2024年6月12日"
    assert (letter.disclosure.value, letter.disclosure.source, letter.disclosure.span.line) == ("主动公开", "metadata", 5)
    assert letter.print_date.value == "2024-06-12"
    assert findings(result) == []  # nothing missing, nothing unrecognised


SEVERAL_PER_LINE = (
    PAGE_TITLE + "\n"
    "索引号：LZJT-0135-2024-0042    发布机构：澜州市交通运输局    主题分类：建议提案\n"
    "发文字号：澜交复〔2024〕12号    成文日期：2024年6月10日    公开方式：主动公开\n"
    "发布时间：2024-06-25 16:05 来源：澜州市交通运输局 浏览次数：97\n\n"
    + LETTER
)


def test_several_keys_per_line_and_the_letter_own_elements_come_first():
    result = check(SEVERAL_PER_LINE)
    letter = result.letter
    assert publication_lines(result) == [1, 2, 3, 4]
    # the letter gives its own 文号, 公开属性 and date: the metadata repeats them and is not used
    assert (letter.doc_number.source, letter.doc_number.span.line) == ("letter", 9)
    assert (letter.disclosure.source, letter.disclosure.span.line) == ("letter", 7)
    assert (letter.date.value, letter.date.source) == ("2024-06-12", "letter")
    assert (letter.grade.value, letter.grade.span.line) == ("A", 6)
    assert letter.title.span.line == 11 and letter.title.value == TITLE
    assert findings(result) == []


def test_a_portal_timestamp_is_never_the_date():
    text = (PAGE_TITLE + "\n发布时间：2024-06-18 09:32:11    来源：澜州市交通运输局\n发布日期：2024-06-18\n2024-06-18 09:32\n\n"
            + LETTER.replace(SIGNOFF, "澜州市交通运输局\n\n"))
    result = check(text)
    assert publication_lines(result) == [1, 2, 3, 4]
    assert result.letter.date is None
    assert findings(result) == [("date-missing", exact_line(text, "澜州市交通运输局"))]  # at the 署名


def test_metadata_values_are_judged_by_the_letter_rules():
    text = (PAGE_TITLE + "\n发文字号：澜交复[2024]12号 | 成文日期：2024-06-12 | 发布时间：2024-06-18 09:32\n\n"
            + LETTER.replace("澜交复〔2024〕12号    签发人：周立新", "签发人：周立新").replace(SIGNOFF, "澜州市交通运输局\n\n"))
    result = check(text)
    letter = result.letter
    assert (letter.doc_number.open_bracket, letter.doc_number.source) == ("[", "metadata")
    assert (letter.date.style, letter.date.source) == ("separator", "metadata")
    # each wrong form costs its one format finding, at the value in the metadata line
    found = {rule: line for rule, line in findings(result)}
    assert found["doc-number-brackets"] == 2 and found["date-format"] == 2
    assert "doc-number-missing" not in found and "date-missing" not in found
    by_rule = {d.rule: d for d in result.diagnostics}
    assert span_text(result, by_rule["doc-number-brackets"].span) == "澜交复[2024]12号"


def test_an_unfilled_or_unreadable_metadata_value_fills_nothing():
    text = PAGE_TITLE + "\n发文字号：无    成文日期：    公开方式：\n来源：澜州市交通运输局\n\n" + LETTER.replace(HEADER, "")
    letter = check(text).letter
    assert letter.doc_number is None and letter.disclosure is None
    assert letter.date.source == "letter"


def test_a_disclosure_value_known_only_with_its_label_is_still_judged():
    text = "索引号：002487335/2024-11021\n公开方式：公开\n浏览次数：20\n\n" + LETTER.replace("公开属性：主动公开\n", "")
    result = check(text)
    assert (result.letter.disclosure.value, result.letter.disclosure.source) == ("公开", "metadata")
    assert span_text(result, result.letter.disclosure.span) == "公开"
    assert findings(result) == [("disclosure-invalid-value", 2)]


def test_a_lone_disclosure_line_above_the_letter_is_the_letter_own():
    """公开方式：主动公开 is also how a letter writes its 公开属性: without a publisher's line around it, it is the
    letter's, not metadata."""
    text = "公开方式：主动公开\n" + LETTER.replace("公开属性：主动公开\n", "")
    letter = check(text).letter
    assert (letter.disclosure.value, letter.disclosure.source, letter.disclosure.label) == ("主动公开", "letter", "公开方式")
    assert publication_lines(check(text)) == []


def test_a_breadcrumb_above_the_page_title():
    text = ("当前位置：首页 > 政府信息公开 > 建议提案办理结果\n" + PAGE_TITLE + "\n"
            "发布时间：2023-08-03 10:20:45    来源：澜州市交通运输局\n【字体：大 中 小】  打印本页  关闭窗口\n\n" + LETTER)
    result = check(text)
    assert publication_lines(result) == [1, 2, 3, 4]
    assert findings(result) == []


def test_words_of_portal_chrome_inside_the_letter_stay_letter_text():
    """Only whole lines at the top and the bottom are publication lines: a body line that mentions 打印本页
    or begins with 来源： is the letter's."""
    inside = "来源：市公交集团统计，今年客运量同比增长12%。\n\n请代表打印本页附表后签字，关闭窗口前保存。\n\n"
    text = LETTER.replace("感谢您对", inside + "感谢您对")
    result = check(text)
    assert publication_lines(result) == []
    texts = [p.text for p in result.letter.paragraphs]
    assert "来源：市公交集团统计，今年客运量同比增长12%。" in texts and "请代表打印本页附表后签字，关闭窗口前保存。" in texts
    assert findings(result) == []


def test_chrome_lines_at_the_bottom_end_where_the_letter_does():
    text = LETTER + "\n公开属性：主动公开\n责任编辑：李文涛\n【打印本页】  【关闭窗口】\n"
    result = check(text)
    n = len(LETTER.split("\n"))
    # the 公开属性 line above the publisher's lines may be the letter's own footer: it stays in the letter
    assert publication_lines(result) == [n + 2, n + 3]
    assert not any(rule == "unrecognised-text" for rule, _ in findings(result))


def test_the_page_title_is_removed_even_without_metadata_between():
    text = PAGE_TITLE + "\n\n" + LETTER
    result = check(text)
    assert publication_lines(result) == [1]
    assert result.letter.title.span.line == exact_line(text, TITLE) == 8 and findings(result) == []


# ---- §2 body-only publications ----------------------------------------------------------------------------

BODY_ONLY_CASES = [
    # (letter, the line a missing 版头 element points at, the missing elements besides the 版头 four)
    pytest.param(TITLE + "\n\n" + SALUTATION_AND_BODY + SIGNOFF + FOOTER, 1, [], id="from-title"),
    pytest.param(SALUTATION_AND_BODY + SIGNOFF + FOOTER, 1, [("title-missing", 1)], id="from-salutation"),
    pytest.param(SALUTATION_AND_BODY.split("\n\n", 1)[1] + SIGNOFF + FOOTER, 1,
                 [("salutation-missing", 1), ("title-missing", 1)], id="from-first-paragraph"),
]


@pytest.mark.parametrize("text, anchor, others", BODY_ONLY_CASES)
def test_body_only_letters_report_each_missing_header_element_once(text, anchor, others):
    result = check(text)
    header = [(rule, anchor) for rule in ("disclosure-missing", "doc-number-missing", "grade-missing", "signer-missing")]
    assert findings(result) == sorted(header + others)
    assert result.letter.role == "reply"


def test_missing_header_elements_point_at_the_first_line_of_the_letter_proper_under_a_wrapper():
    text = ("【字体：大 中 小】  打印本页  关闭窗口\n" + PAGE_TITLE + "\n发布时间：2024-08-12 14:03:27    来源：澜州市交通运输局\n\n"
            + TITLE + "\n\n" + SALUTATION_AND_BODY + SIGNOFF + FOOTER + "\n【打印】【关闭】\n")
    result = check(text)
    assert publication_lines(result)[:3] == [1, 2, 3]
    assert findings(result) == [(rule, 5) for rule in ("disclosure-missing", "doc-number-missing", "grade-missing",
                                                       "signer-missing")]


def test_a_page_title_is_the_title_of_a_letter_published_without_its_own():
    """Published from the salutation down: the page title above the portal lines is the letter's title."""
    text = (PAGE_TITLE + "\n发布时间：2024-07-22 15:18:06    来源：澜州市交通运输局    浏览次数：63\n首页 > 政务公开 > 建议提案办理\n\n"
            + SALUTATION_AND_BODY + SIGNOFF + FOOTER + "\n分享到：\n")
    result = check(text)
    letter = result.letter
    assert (letter.title.value, letter.title.span.line) == (PAGE_TITLE, 1)
    assert (letter.proposal_number.value, letter.proposal_number.span.line) == ("108", 1)
    assert publication_lines(result) == [2, 3, len(text.split("\n")) - 1]
    assert findings(result) == [(rule, 1) for rule in ("disclosure-missing", "doc-number-missing", "grade-missing",
                                                       "signer-missing")]


def test_a_missing_proposal_number_points_at_the_title_else_the_first_body_paragraph():
    numberless = LETTER.replace("（第108号）", "").replace("第108号", "")
    assert ("proposal-number-missing", line_of(numberless, "关于市十五届")) in findings(check(numberless))
    untitled = numberless.replace("关于市十五届人大三次会议建议的答复\n\n", "")
    assert ("proposal-number-missing", line_of(untitled, "您提出的")) in findings(check(untitled))


def test_a_header_element_from_metadata_is_never_the_anchor_of_a_missing_one():
    text = "索引号：LZJT-2024-0042 | 发文字号：澜交复〔2024〕12号\n\n" + TITLE + "\n\n" + SALUTATION_AND_BODY + SIGNOFF + FOOTER
    result = check(text)
    assert result.letter.doc_number.source == "metadata"
    assert findings(result) == [(rule, 3) for rule in ("disclosure-missing", "grade-missing", "signer-missing")]


# ---- §11 not a letter -------------------------------------------------------------------------------------

NEWS = (
    "澜州市交通运输局召开人大代表建议办理工作推进会\n"
    "发布时间：2024-05-20 16:30    来源：澜州市交通运输局    浏览次数：186\n\n"
    "5月20日，澜州市交通运输局召开2024年人大代表建议办理工作推进会，通报今年建议办理进展情况。\n\n"
    "今年，市交通运输局共承办代表建议28件，已书面答复代表12件，代表对答复均表示满意。\n\n"
    "会议要求，各科室要压实办理责任，确保按时答复、按质办结。\n"
)
NOTICE = (
    "澜州市人民政府办公室文件\n\n澜政办函〔2024〕15号\n\n"
    "澜州市人民政府办公室关于交办市十五届人大三次会议代表建议的通知\n\n"
    "各县（市、区）人民政府，市政府各部门：\n\n"
    "市十五届人大三次会议期间，代表共提出建议312件。经市政府同意，现将代表建议交办给你们，请认真办理。\n\n"
    "澜州市人民政府办公室\n\n2024年3月8日\n\n抄送：市人大常委会选工委。\n"
)
TABLE = (
    "华川市2024年人大代表建议和政协委员提案办理情况统计表\n\n"
    "| 承办单位 | 建议件数 | 提案件数 | 已答复 |\n| --- | --- | --- | --- |\n"
    "| 市教育局 | 18 | 22 | 40 |\n| 市交通运输局 | 21 | 14 | 35 |\n\n"
    "注：统计截至2024年8月31日。\n\n华川市人民政府督查室\n"
)


@pytest.mark.parametrize("text", [NEWS, NOTICE, TABLE, "文号\n", "答复", "澜交复〔2024〕12号\n", "打印本页\n"],
                         ids=["news", "assignment-notice", "table", "word-wenhao", "word-dafu", "lone-doc-number", "chrome"])
def test_a_text_that_is_no_reply_letter_gets_one_finding(text):
    result = check(text)
    assert findings(result) == [("not-a-reply-letter", 1)]
    finding = result.diagnostics[0]
    assert (finding.code, finding.severity.value) == ("RL004", "warning") and "不是" in finding.message
    assert result.role is None and result.letter.role is None
    assert result.kind.value == "unknown"  # no reply, so no kind of reply (its signals are kept)
    assert json.loads(json.dumps(file_to_dict(result), ensure_ascii=False))["role"] is None


@pytest.mark.parametrize("text", [
    SALUTATION_AND_BODY.split("\n\n", 1)[1] + SIGNOFF,  # from the opening paragraph down
    "市住房和城乡建设局：\n\n市十五届人大三次会议第57号建议收悉。现将我局协办意见函告如下：\n\n我局将积极配合做好项目审批工作。\n",
    TITLE + "\n\n今年我局新开通城乡公交线路6条。\n",
    "澜交复〔2024〕12号\n\n今年我局新开通城乡公交线路6条，覆盖沿线行政村42个。\n",
], ids=["opening", "unit-and-co-handling-opening", "reply-title", "doc-number-and-body"])
def test_a_body_only_or_partial_letter_is_still_a_reply_letter(text):
    result = check(text)
    assert result.letter.role is not None  # a reply, or (addressed to a unit) a co-handling letter
    assert "not-a-reply-letter" not in {d.rule for d in result.diagnostics}


def test_not_a_reply_letter_honours_select_and_ignore():
    ignoring = Configurator(Overrides(isolated=True, ignore=("not-a-reply-letter",)))
    assert check(NEWS, ignoring).diagnostics == []
    selecting = Configurator(Overrides(isolated=True, select=("RL004",)))
    assert findings(check(NEWS, selecting)) == [("not-a-reply-letter", 1)]
    assert check(LETTER, selecting).diagnostics == []


def test_the_parse_of_a_non_letter_keeps_what_it_saw():
    result = parse_lines(NEWS.split("\n"))
    assert result.letter.role is None
    # the headline above the portal line reads as an organ's name (…推进会), not as a title where it stands:
    # it stays a publication line with the portal line, and is no 发文机关标志
    assert [a.span.line for a in result.letter.artifacts if a.kind == "publication"] == [1, 2]
    assert result.letter.title is None and result.letter.organ_mark is None


# ---- bad input -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "发布时间：\n", "|\n|\n", "索引号\t\t\t\n" * 3, "发文字号：" + "〔" * 500 + "\n", "【字体：大 中 小】\n" * 50,
    "来源：" + "x" * 1000 + "\n" + LETTER, LETTER + "分享到：" * 200, "首页 > \n成文日期：二〇二四年六月十二日\n\n" + LETTER,
])
def test_odd_wrappers_never_crash_and_spans_stay_inside_the_text(text):
    result = check(text)
    source = text.split("\n")
    for item in [*result.letter.artifacts, *result.diagnostics]:
        span = item.span
        assert 1 <= span.line <= span.end_line <= len(source)
        assert 1 <= span.column and span.end_column <= len(source[span.end_line - 1]) + 1


# wrapper lines made of the pieces a publisher uses, around a letter: never an exception, every span and raw
# text where it belongs (the metadata values are lines of their own that keep the source columns)
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from checker.parser.publication import METADATA_FIELDS  # noqa: E402
from test_properties import assert_spans_inside  # noqa: E402

PIECES = st.sampled_from([
    *METADATA_FIELDS, "发布时间", "索引号", "来源", "浏览次数", "：", ":", " | ", "|", "\t", "  ", " ", "\u3000",
    "2024-06-18 09:32:11", "2024年6月12日", "二〇二四年六月十二日", "澜交复〔2024〕12号", "澜交复[2024]", "主动公开", "公开", "无",
    "【字体：大 中 小】", "打印本页", "关闭窗口", "【打印】【关闭】", "分享到：", "首页 > 政务公开 > ", "当前位置：", PAGE_TITLE, TITLE,
    "。", "x",
])
KEYS = st.sampled_from([*METADATA_FIELDS, "发布时间", "索引号", "来源", "浏览次数", "发布日期"])
VALUES = st.sampled_from(["", "2024-06-18 09:32:11", "2024年6月12日", "二〇二四年六月十二日", "2024-06-12", "澜交复〔2024〕12号",
                          "澜交复[2024]12号", "主动公开", "公开", "无", "澜州市交通运输局", "312"])
CELL = st.tuples(KEYS, st.sampled_from(["：", ":", "\t", ""]), VALUES).map("".join)
TABLE_LINE = st.tuples(st.lists(CELL, min_size=1, max_size=4), st.sampled_from([" | ", "\t", "    ", " ", "｜"])).map(
    lambda cells_and_separator: cells_and_separator[1].join(cells_and_separator[0]))
WRAPPER_LINE = st.one_of(st.lists(PIECES, max_size=8).map("".join), TABLE_LINE)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(WRAPPER_LINE, max_size=8), st.lists(WRAPPER_LINE, max_size=4), st.sampled_from(["", "\n"]),
       st.sampled_from([LETTER, TITLE + "\n" + SALUTATION_AND_BODY + "澜州市交通运输局\n"]))
def test_random_wrappers_never_raise_and_spans_stay_inside(top, bottom, gap, letter):
    text = "\n".join(top) + "\n" + gap + letter + gap + "\n".join(bottom)
    result = check(text)
    assert_spans_inside(result, text)
    for name in ("doc_number", "date", "disclosure"):
        element = getattr(result.letter, name)
        if element is not None and element.source == "metadata":
            assert span_text(result, element.span) == element.raw

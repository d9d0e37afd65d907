"""Property-based tests: any input gives diagnostics or a per-file error, never an exception, and every
span lies inside the text it points into."""

from __future__ import annotations

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import lettergen
from checker import check_text
from checker.api import check_file
from checker.model import FIELD_NAMES, FileResult
from checker.sources import SourceError, source_from_bytes
from checker.sources.text import split_lines

# characters that matter to the lexer: CJK, full/half-width punctuation, brackets, digits, white space
ALPHABET = st.sampled_from(
    list("一二三四五六七八九十〇年月日号第届次会议建议提案代表委员抄送签发人办理结果公开属性联系电话局政府人大政协")
    + list("〔〕[]（）()【】：:，,、。；！？“”《》*#-—/ \t\u3000\r\n0123456789ABCDＡ")
)
LINE_STRATEGY = st.text(alphabet=ALPHABET, max_size=60)


def assert_spans_inside(result: FileResult, text: str) -> None:
    lines = split_lines(text)
    def inside(span):
        assert 1 <= span.line <= span.end_line <= max(1, len(lines)), span
        assert 1 <= span.column, span
        if lines:
            assert span.column <= len(lines[span.line - 1]) + 1, (span, lines[span.line - 1])
            assert span.end_column <= len(lines[span.end_line - 1]) + 1, (span, lines[span.end_line - 1])
        if span.line == span.end_line:
            assert span.column <= span.end_column, span

    for d in result.diagnostics:
        inside(d.span)
    letter = result.letter
    for name in FIELD_NAMES:
        value = getattr(letter, name)
        for element in (value if isinstance(value, list) else [value]):
            if element is not None:
                inside(element.span)
                if element.span.line == element.span.end_line and name != "headings":
                    source = lines[element.span.line - 1]
                    assert source[element.span.column - 1 : element.span.end_column - 1] == element.raw, name
    for artifact in letter.artifacts:
        inside(artifact.span)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(LINE_STRATEGY, max_size=40))
def test_random_lines_never_raise_and_spans_stay_inside(lines):
    text = "\n".join(lines)
    result = check_text(text)
    assert_spans_inside(result, text)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_arbitrary_unicode_never_raises(text):
    assert_spans_inside(check_text(text), text)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=600))
def test_arbitrary_bytes_give_a_result_or_a_clear_error(data):
    try:
        source = source_from_bytes(data, "x.txt")
    except SourceError as exc:
        assert str(exc)
        return
    text = "\n".join(source.lines)
    assert_spans_inside(check_text(text), text)


# lines of the forms real letters write their fields in (real-world-variants.md §3, §4, §7, §8, §9)
VARIANT_LINES = st.sampled_from([
    "华川交复〔2023〕7号(B类)", "平溪交复函[2022]19号B类", "澜交复〔2024〕12号    签发人：周立新 (A类)", "签发人：周立新 乙类",
    "签发人：周立新    办理结果：B", "办理结果：B类（正在解决）", "B类 列入计划解决", "乙类", "丁类", "类别：B", "办复类别：B类",
    "答复类别：A类", "（此件主动公开）", "公开属性：主动公开", "承办单位：澜州市交通运输局            单位负责人：周立新",
    "承办人及联系电话：马海燕  0871-6812345", "答复单位：澜州市城市管理局  答复日期：2024年6月12日",
    "主管领导人姓名：周立新   具体经办人姓名：马海燕   邮政编码：650100", "分管领导：周立新   分管单位：城建股   承办人：马海燕",
    "（联系单位及电话：住房和城乡建设部城市建设司，010-5893xxxx）", "负责同志：周立新   联系人：马海燕", "答    复",
    "关于市十五届人大三次会议第108号建议的", "关于政协第十四届全国委员会第二次会议第01234号（城乡建设类123号）提案答复的函",
    "关于市十五届人大三次会议第108号建议的答复      B类", "二〇二二年八月三十日", "二0二一年五月六日", "20211026",
    "2024年  月  日", "年  月  日", "联系电话：0871—6812345", "联系电话：138 0871 2345", "联系电话：(0871)6812345", "急件",
    "周立新代表：", "感谢您的关心和支持！", "澜州市交通运输局",
])
VARIANT_LINE = st.one_of(VARIANT_LINES, LINE_STRATEGY, st.tuples(VARIANT_LINES, LINE_STRATEGY).map("".join),
                         st.tuples(LINE_STRATEGY, VARIANT_LINES).map("".join))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(VARIANT_LINE, max_size=30))
def test_glued_fields_footer_fields_and_odd_dates_never_raise_and_spans_stay_inside(lines):
    text = "\n".join(lines)
    result = check_text(text)
    assert_spans_inside(result, text)
    source = split_lines(text)
    for element in (*result.letter.footer_fields, *result.letter.contact_lines):
        assert source[element.span.line - 1][element.span.column - 1:element.span.end_column - 1] == element.raw


MUTATIONS = ("delete", "duplicate", "swap", "insert", "truncate", "join", "noise")


def mutate(text: str, rng: random.Random, steps: int) -> str:
    lines = text.split("\n")
    for _ in range(steps):
        if not lines:
            lines = [""]
        i = rng.randrange(len(lines))
        op = rng.choice(MUTATIONS)
        if op == "delete":
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[i])
        elif op == "swap":
            j = rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "insert":
            lines.insert(i, rng.choice(["签发人：某某", "2021年6月10日", "抄送：某某。", "某某代表：", "一、", "（印章）", "40", "**", "#"]))
        elif op == "truncate":
            lines[i] = lines[i][: rng.randrange(len(lines[i]) + 1)]
        elif op == "join" and i + 1 < len(lines):
            lines[i : i + 2] = [lines[i] + lines[i + 1]]
        elif op == "noise":
            pos = rng.randrange(len(lines[i]) + 1)
            lines[i] = lines[i][:pos] + rng.choice("〔[(（：:，、。\t\u3000 ") + lines[i][pos:]
    return "\n".join(lines)


@settings(max_examples=150, deadline=None)
@given(st.integers(min_value=0, max_value=2**32), st.integers(min_value=0, max_value=12))
def test_mutated_realistic_letters_never_raise(seed, steps):
    rng = random.Random(seed)
    text = mutate(lettergen.generate_letter(rng, defect_rate=0.5), rng, steps)
    assert_spans_inside(check_text(text), text)


def test_generated_clean_letters_have_their_elements_found():
    rng = random.Random(7)
    for _ in range(200):
        meta = lettergen.generate_letter_meta(rng, defect_rate=0.0)
        letter = check_text(meta.text).letter
        assert letter.kind.value == {"NPC": "npc-suggestion", "CPPCC": "cppcc-proposal"}[meta.kind], meta.text
        assert letter.doc_number is not None and letter.date is not None and letter.salutation is not None, meta.text
        assert letter.cc is not None and letter.signature_organ is not None, meta.text


def test_file_reader_survives_any_file(tmp_path):
    rng = random.Random(3)
    for i in range(50):
        path = tmp_path / f"f{i}.txt"
        path.write_bytes(bytes(rng.randrange(256) for _ in range(rng.randrange(0, 300))))
        result = check_file(path)
        assert result.error or result.letter is not None

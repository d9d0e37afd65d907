"""Property-based tests: any input gives diagnostics or a per-file error, never an exception, and every
span lies inside the text it points into."""

from __future__ import annotations

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

import lettergen
from line_kinds import EVERY_LINE
from checker import check_text
from checker.api import check_file
from checker.model import FIELD_NAMES, FileResult, Span
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
    for d in result.diagnostics:
        if d.fix is not None:
            inside(d.fix.span)
    for span in every_span(letter):  # the elements outside the JSON fields too: paragraphs, opening, signals …
        inside(span)
    for entry in letter.layout:
        assert 1 <= entry.line <= max(1, len(lines)), entry
    for paragraph in letter.paragraphs:
        for _, line, column in paragraph.pieces:
            assert 1 <= line <= len(lines) and 1 <= column <= len(lines[line - 1]) + 1, (paragraph.pieces, line)


def every_span(value, depth: int = 0):
    """Every span held anywhere in a model (a letter, its elements, their lists)."""
    if isinstance(value, Span):
        yield value
    elif isinstance(value, list) and depth < 4:
        for item in value:
            yield from every_span(item, depth + 1)
    elif isinstance(value, BaseModel) and depth < 4:
        for name in type(value).model_fields:
            yield from every_span(getattr(value, name), depth + 1)


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


# ---- the line kinds of published letters (issue 9, "Bad input") ---------------------------------------------
# Metadata tables (pipes, tabs, 键：值), portal chrome, grades glued to the 文号 or the 签发人, salutations with
# several names, labelled footers, dates in Chinese numerals or digit runs: made from parts, so that hypothesis
# varies every piece, then mixed with random lines and noise.

NAMES = st.sampled_from(["周立新", "马海燕", "李文涛", "何晓芸", "欧阳春华", "王某", "×××", "xx", "***", "××", ""])
ORGANS = st.sampled_from(["澜州市交通运输局", "华川市教育局", "平溪县住房和城乡建设局", "青川市城市管理局",
                          "民盟澜州市委员会", "市工商联", "城建股", ""])
SPACES = st.sampled_from(["", " ", "  ", "    ", "\t", "\u3000", "\u3000\u3000", "            "])
COLONS = st.sampled_from(["：", ":", "", " ：", "： "])
GRADE_LETTERS = st.sampled_from(list("ABCDE甲乙丙丁ＡＢ"))
DIGITS = st.text(alphabet="0123456789", min_size=0, max_size=10)
CN_DIGITS = st.text(alphabet="〇零一二三四五六七八九十0", min_size=0, max_size=5)


@st.composite
def doc_numbers(draw) -> str:
    code = draw(st.sampled_from(["华川交复", "平溪交复函", "澜交复", "华教提复", "东湖城管发", "", "澜政办函"]))
    opening, closing = draw(st.sampled_from([("〔", "〕"), ("[", "]"), ("（", "）"), ("(", ")"), ("【", "】"), ("", ""),
                                             ("〔", ""), ("", "〕")]))
    return f"{code}{opening}{draw(DIGITS)}{closing}{draw(st.sampled_from(['', '第']))}{draw(DIGITS)}" \
           f"{draw(st.sampled_from(['号', '', '號']))}"


@st.composite
def dates(draw) -> str:
    form = draw(st.integers(0, 4))
    if form == 0:  # Chinese numerals, mixed with digits
        return f"{draw(CN_DIGITS)}年{draw(CN_DIGITS)}月{draw(CN_DIGITS)}日"
    if form == 1:  # a digit run
        return draw(DIGITS)
    if form == 2:  # unfilled
        return f"{draw(DIGITS)}年{draw(SPACES)}月{draw(SPACES)}日"
    if form == 3:  # separators, a portal timestamp
        sep = draw(st.sampled_from([".", "-", "/", "—", "．"]))
        clock = draw(st.sampled_from(["", " 09:32:11", " 9:32", "09:32"]))
        return f"{draw(DIGITS)}{sep}{draw(DIGITS)}{sep}{draw(DIGITS)}{clock}"
    return f"{draw(DIGITS)}年{draw(DIGITS)}月{draw(DIGITS)}日"


VALUES = st.one_of(doc_numbers(), dates(), ORGANS, NAMES, DIGITS, st.sampled_from(["主动公开", "交通", "建议提案办理"]))
METADATA_KEYS = st.sampled_from(["索引号", "发文字号", "文号", "成文日期", "发文日期", "发布日期", "发布时间", "公开方式",
                                 "主题分类", "信息分类", "发布机构", "来源", "浏览次数", ""])


@st.composite
def metadata_lines(draw) -> str:
    cells = draw(st.lists(st.tuples(METADATA_KEYS, COLONS, VALUES), min_size=1, max_size=6))
    separator = draw(st.sampled_from([" | ", "|", "｜", "\t", "    ", "\u3000", " ", ""]))
    tabbed = separator == "\t" and draw(st.booleans())  # key and value in cells of their own
    text = separator.join(f"{k}\t{v}" if tabbed else f"{k}{c}{v}" for k, c, v in cells)
    return draw(st.sampled_from(["", "| ", "|"])) + text + draw(st.sampled_from(["", " |", "|"]))


@st.composite
def chrome_lines(draw) -> str:
    form = draw(st.integers(0, 3))
    if form == 0:
        return (f"发布时间{draw(COLONS)}{draw(dates())}{draw(SPACES)}来源{draw(COLONS)}{draw(ORGANS)}{draw(SPACES)}"
                f"浏览次数{draw(COLONS)}{draw(DIGITS)}")
    if form == 1:
        crumbs = draw(st.lists(st.sampled_from(["首页", "政务公开", "建议提案办理", "信息公开", "当前位置：首页", ""]),
                               min_size=1, max_size=5))
        return draw(st.sampled_from([" > ", ">", ">>", " » ", "/"])).join(crumbs)
    if form == 2:
        parts = draw(st.lists(st.sampled_from(["【字体：大 中 小】", "打印本页", "关闭窗口", "【打印】", "【关闭】", "分享到：",
                                               "[打印]", "返回顶部"]), min_size=1, max_size=4))
        return draw(SPACES).join(parts)
    return draw(st.sampled_from(["分享到：", "打印本页", "关闭窗口", "扫一扫在手机打开当前页"]))


@st.composite
def glued_grade_lines(draw) -> str:
    grade = draw(GRADE_LETTERS)
    suffix = draw(st.sampled_from(["类", "", "级"]))
    bracket = draw(st.sampled_from([("(", ")"), ("（", "）"), ("", ""), ("【", "】"), ("(", "")]))
    glued = f"{bracket[0]}{grade}{suffix}{bracket[1]}"
    word = draw(st.sampled_from(["", "已经解决", "基本解决", "正在解决", "列入计划解决", "留作参考", "（正在解决）"]))
    form = draw(st.integers(0, 4))
    if form == 0:
        return f"{draw(doc_numbers())}{draw(SPACES)}{glued}"
    if form == 1:
        return f"签发人{draw(COLONS)}{draw(NAMES)}{draw(SPACES)}{glued}"
    if form == 2:
        return f"{draw(doc_numbers())}{draw(SPACES)}签发人{draw(COLONS)}{draw(NAMES)}{draw(SPACES)}{glued}"
    if form == 3:
        label = draw(st.sampled_from(["办理结果", "答复类别", "办复类别", "类别", ""]))
        return f"{label}{draw(COLONS)}{grade}{suffix}{word}"
    return f"{glued}{draw(SPACES)}{word}"


@st.composite
def salutation_lines(draw) -> str:
    if draw(st.integers(0, 5)) == 0:
        return draw(st.sampled_from(["您好：", "民盟澜州市委员会：", "市住房和城乡建设局：", "市工商联：", "各位代表："]))
    names = draw(st.lists(NAMES, min_size=1, max_size=6))
    joiner = draw(st.sampled_from(["、", "，", ",", " ", "  ", ""]))
    honorific = draw(st.sampled_from(["", "尊敬的", "尊敬", "尊敬的 "]))
    role = draw(st.sampled_from(["代表", "委员", "同志", "", "代表委员"]))
    group = draw(st.sampled_from(["", "等", f"等{draw(st.integers(0, 99))}位", "等同志"]))
    order = draw(st.booleans())  # 何晓芸委员等 or 周立新等5位代表
    tail = f"{role}{group}" if order else f"{group}{role}"
    return f"{honorific}{joiner.join(names)}{draw(SPACES)}{tail}{draw(COLONS)}{draw(st.sampled_from(['', '您好！']))}"


FOOTER_LABELS = st.sampled_from(["承办单位", "单位负责人", "承办人及联系电话", "答复单位", "答复日期", "主管领导人姓名",
                                 "具体经办人姓名", "邮政编码", "分管领导", "分管单位", "承办人", "联系人", "联系电话",
                                 "办复类别", "答复类别", "签发人", "联系单位及电话", "经办人"])
PHONES = st.one_of(
    st.builds(lambda a, sep, b: f"{a}{sep}{b}", DIGITS, st.sampled_from(["-", "—", "－", " ", "", "–"]), DIGITS),
    st.builds(lambda a, b, c: f"{a} {b} {c}", DIGITS, DIGITS, DIGITS),
    st.builds(lambda a, b: f"({a}){b}", DIGITS, DIGITS),
    st.builds(lambda a, b: f"{a}、{b}", DIGITS, DIGITS),
    st.just("010-5893xxxx"),
)


@st.composite
def footer_lines(draw) -> str:
    cells = draw(st.lists(st.tuples(FOOTER_LABELS, COLONS, st.one_of(NAMES, ORGANS, PHONES, dates(), glued_grade_lines())),
                          min_size=1, max_size=4))
    text = draw(SPACES).join(f"{label}{colon}{value}" for label, colon, value in cells)
    opening, closing = draw(st.sampled_from([("", ""), ("（", "）"), ("(", ")"), ("（", "")]))
    return f"{opening}{text}{closing}"


NEW_LINE_KINDS = st.one_of(metadata_lines(), chrome_lines(), glued_grade_lines(), salutation_lines(), footer_lines(),
                           dates(), st.builds(lambda p: f"联系电话：{p}", PHONES), st.sampled_from(EVERY_LINE))


@st.composite
def noisy(draw, lines) -> str:
    """A line of a new kind, sometimes cut or with a stray character."""
    line = draw(lines)
    action = draw(st.integers(0, 3))
    if action == 1 and line:
        return line[: draw(st.integers(0, len(line)))]
    if action == 2:
        at = draw(st.integers(0, len(line)))
        return line[:at] + draw(ALPHABET) + line[at:]
    return line


def assert_checked(text: str) -> None:
    result = check_text(text)
    assert result.error is None and result.letter is not None, result.error
    assert isinstance(result.diagnostics, list)
    assert_spans_inside(result, text)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(noisy(NEW_LINE_KINDS), LINE_STRATEGY), max_size=30))
def test_lines_of_published_letters_never_raise_and_spans_stay_inside(lines):
    assert_checked("\n".join(lines))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=0, max_value=2**32),
       st.lists(st.tuples(st.floats(min_value=0, max_value=1), st.booleans(), noisy(NEW_LINE_KINDS)), max_size=8))
def test_lines_of_published_letters_inside_a_realistic_letter_never_raise(seed, changes):
    """Each new line goes into a generated letter at some place, added there or replacing the line."""
    lines = lettergen.generate_letter(random.Random(seed), defect_rate=0.3).split("\n")
    for place, replace, line in changes:
        at = min(len(lines) - 1, int(place * len(lines)))
        if replace:
            lines[at] = line
        else:
            lines.insert(at, line)
    assert_checked("\n".join(lines))


def test_every_example_line_kind_in_every_zone_of_a_letter(compliant_npc):
    """Each example line alone, at the top of a letter, as its salutation, among its body, after its date and
    after its 抄送: a model, findings and spans inside every time."""
    lines = compliant_npc.split("\n")
    salutation = next(i for i, line in enumerate(lines) if line.endswith("代表："))
    body = salutation + 2
    date = next(i for i, line in enumerate(lines) if line.startswith("2025年"))
    cc = next(i for i, line in enumerate(lines) if line.startswith("抄送"))
    for example in EVERY_LINE:
        assert_checked(example)
        for at, replace in ((0, False), (salutation, True), (body, False), (date + 1, False), (cc + 1, False)):
            changed = list(lines)
            changed[at : at + replace] = [example]
            assert_checked("\n".join(changed))

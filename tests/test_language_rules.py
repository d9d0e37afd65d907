"""The language rules (rules/language.toml): the shipped word list and its examples, the config's
``[words]`` (allow-list, an organisation's own list), errors for a bad word-list file, quotation marks and
brackets that do not pair, a phrase repeated across punctuation, 关于 wrapping 关于, a cited 文号 with 第 or
padding zeros."""

from __future__ import annotations

import pytest

from checker.api import check_text
from checker.config import ConfigError, Configurator, Overrides
from checker.engine.language import (
    WordMatcher,
    load_word_file,
    shipped_entries,
    shipped_word_files,
)
from checker.errors import RuleFileError
from checker.resources import data_dir

BASE = (data_dir("rules") / "bases" / "npc.txt").read_text(encoding="utf-8")
ISOLATED = Configurator(Overrides(isolated=True))
SENTENCE = "指导物业服务企业和业主大会制定停车管理规约，清理废弃车辆210余辆。"


def letter(sentence: str, replace: str = SENTENCE) -> str:
    assert replace in BASE
    return BASE.replace(replace, sentence, 1)


def fired(text: str, rule: str, configurator: Configurator = ISOLATED, path: str = "letter.txt") -> list:
    return [d for d in check_text(text, path, configurator).diagnostics if d.rule == rule]


def config_dir(tmp_path, config: str, files: dict[str, str] | None = None):
    (tmp_path / "replylint.toml").write_text(config, encoding="utf-8")
    for name, text in (files or {}).items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return str(tmp_path / "letter.txt")


# ---- the shipped word list ---------------------------------------------------------------------------------

def test_the_shipped_list_is_found_and_every_entry_has_pass_and_fail_sentences():
    assert [p.name for p in shipped_word_files()] == ["common.toml"]
    entries = shipped_entries()
    assert len(entries) >= 15
    for entry in entries:
        assert entry.pass_ and entry.fail, entry.wrong


@pytest.mark.parametrize("entry", shipped_entries(), ids=lambda e: e.wrong)
def test_each_entry_reports_its_fail_sentences_and_leaves_its_pass_sentences(entry):
    alone = WordMatcher([entry])
    every = WordMatcher(list(shipped_entries()))
    for sentence in entry.fail:
        assert [h.entry.wrong for h in alone.hits(sentence)] == [entry.wrong], sentence
    for sentence in entry.pass_:  # and no other entry of the list reports a pass sentence either
        assert every.hits(sentence) == [], sentence


@pytest.mark.parametrize("sentence, reported", [
    ("截止2024年5月底，全市已完成加装电梯318部。", ["截止"]),
    ("报名截止日期为2024年6月30日，逾期不再受理。", []),
    ("截止到目前，已完成加装电梯318部。", []),
    ("按装修标准验收，为居民提供按装施工服务。", ["按装"]),
    ("本市其他区县也已开展。", []),
    ("他说：“其它问题另行研究。”", []),  # quoted: another's words
    ("《关于其它事项的通知》已印发。", []),
])
def test_context_and_quotations(sentence, reported):
    assert [h.entry.wrong for h in WordMatcher(list(shipped_entries())).hits(sentence)] == reported


def test_misused_word_reports_the_word_with_its_fix():
    [d] = fired(letter("截止2025年5月底，已清理废弃车辆210余辆。"), "misused-word")
    assert d.code == "RL320" and d.severity.value == "warning"
    assert "截至" in d.message and d.span.line == 22


# ---- [words] in the config ----------------------------------------------------------------------------------

def test_a_name_in_the_allow_list_silences_the_word_rule(tmp_path):
    text = letter("委托其它科技有限公司建设智慧停车平台，其它问题正在研究。")
    assert len(fired(text, "misused-word")) == 2  # the company's name and the ordinary 其它
    path = config_dir(tmp_path, '[words]\nallow = ["其它科技有限公司"]\n')
    found = fired(text, "misused-word", Configurator(), path)
    assert len(found) == 1 and found[0].span.column > 20  # only the ordinary 其它 after the name


def test_the_organisations_own_list_is_merged_with_the_shipped_one(tmp_path):
    own = """
description = "本单位规范用语"
[[word]]
wrong = "帐户"
right = ["账户"]
reason = "本局统一写作“账户”"
pass = ["补助资金直接打入居民账户。"]
fail = ["补助资金直接打入居民帐户。"]
"""
    text = letter("补助资金直接打入居民帐户，其它问题正在研究。")
    assert [d.message[:4] for d in fired(text, "misused-word")] == ["“其它”"]
    path = config_dir(tmp_path, '[words]\nextra-list = "规范用语.toml"\n', {"规范用语.toml": own})
    found = fired(text, "misused-word", Configurator(), path)
    assert sorted(d.message[:4] for d in found) == ["“其它”", "“帐户”"]
    assert "本局统一写作“账户”" in next(d.message for d in found if "帐户" in d.message)


@pytest.mark.parametrize("words, expected", [
    ('[words]\nalow = ["其它科技"]\n', ["words.alow", "不认识"]),
    ('[words]\nallow = "其它科技"\n', ["words.allow", "应为列表"]),
    ('[words]\nextra-list = "没有这个文件.toml"\n', ["words.extra-list", "没有这个文件.toml"]),
])
def test_bad_words_settings_are_config_errors_in_chinese(tmp_path, words, expected):
    path = config_dir(tmp_path, words)
    with pytest.raises(ConfigError) as info:
        Configurator().for_path(path)
    message = str(info.value)
    assert "replylint.toml" in message and all(part in message for part in expected), message


BAD_LISTS = [
    ('[[word]]\nwrong = "帐户"\nright = ["账户"]\nreason = "r"\nrihgt = ["账户"]\n', ["第 1 条（“帐户”）", "rihgt", "不认识的键"]),
    ('[[word]]\nwrong = "帐户"\nreason = "r"\n', ["第 1 条（“帐户”）", "right", "缺少这一项"]),
    ('[[word]]\nwrong = "帐户"\nright = ["账户"]\nreason = "r"\nfail = ["打入居民账户。"]\n', ["第 1 条（“帐户”）", "fail", "打入居民账户"]),
    ('[[word]]\nwrong = "帐户"\nright = ["账户"]\nreason = "r"\npass = ["打入帐户。"]\n', ["第 1 条（“帐户”）", "pass"]),
    ('[[word]]\nwrong = "帐户"\nright = ["账户"]\nreason = "r"\nfollowed-by = "(a+)+b"\n', ["followed-by", "极慢"]),
    ('[[word]]\nwrong = "帐户"\nright = ["账户"]\nreason = "r"\nfollowed-by = "(?:a|ab)*c"\n', ["followed-by", "极慢"]),
    ('[[word]]\nwrong = "帐户"\nright = ["账户"]\nreason = "r"\npreceded-by = "a*a*a*b"\n', ["preceded-by", "极慢"]),
    ('[[word]]\nwrong = "帐户"\nright = ["账户"]\nreason = "r"\nfollowed-by = "(x)\\\\1"\n', ["followed-by", "极慢"]),
    ('[[word]]\nwrong = "帐户"\nright = ["账户"]\nreason = "r"\nfollowed-by = "(unclosed"\n', ["followed-by", "正则表达式"]),
    ('[[word]\nwrong = "帐户"\n', ["不是有效的 TOML"]),
]


@pytest.mark.parametrize("text, expected", BAD_LISTS)
def test_a_bad_word_list_names_the_file_the_entry_and_the_key(tmp_path, text, expected):
    path = tmp_path / "words.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RuleFileError) as info:
        load_word_file(path)
    message = str(info.value)
    assert "words.toml" in message and all(part in message for part in expected), message
    config = config_dir(tmp_path, '[words]\nextra-list = "words.toml"\n')
    with pytest.raises(ConfigError) as info:  # named by the config: the config's key, then the list's problem
        Configurator().for_path(config)
    assert "words.extra-list" in str(info.value) and "words.toml" in str(info.value)


def test_a_bad_word_list_in_the_config_exits_2_with_its_message(tmp_path):
    from click.testing import CliRunner

    from checker.cli import main

    (tmp_path / "letter.txt").write_text(BASE, encoding="utf-8")
    config_dir(tmp_path, '[words]\nextra-list = "words.toml"\n', {"words.toml": '[[word]]\nwrong = "帐户"\n'})
    result = CliRunner().invoke(main, ["check", str(tmp_path / "letter.txt")])
    assert result.exit_code == 2, result.output
    assert "words.toml" in result.output and "right" in result.output and "Traceback" not in result.output


# ---- quote-balance ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("sentence, found", [
    ("按照《青川市住宅小区停车管理办法》要求，推行“智慧停车”管理。", None),
    ("按照《关于加强“智慧停车”建设的意见》要求推进。", None),  # marks nested inside each other
    ("推行”智慧停车“管理。", "后引号”"),
    ("推行“智慧停车管理。", "前引号“"),
    ("按照《青川市住宅小区停车管理办法要求推进。", "前书名号《"),
    ("已清理废弃车辆210余辆）。", "后括号）"),
    ("新增泊位1260个（含充电泊位120个)。", None),  # a half-width bracket closing: ascii-punct-in-cjk's finding
    ("分三步实施：1) 摸底；2) 施工；3) 验收。", None),  # half-width brackets of a list
    ("分三步实施：1）摸底；2）施工；十一）验收。", None),  # list numbers closed by a bracket alone
    ("1）清理僵尸车，施划泊位。", None),
    ("已清理废弃车辆210）余辆。", "后括号）"),  # not a list number: a digit run that is not one
    ("推行”智慧停车“管理，按照《停车管理办法要求推进。", "后引号”"),  # one finding: the first mark
])
def test_quote_balance(sentence, found):
    got = fired(letter(sentence), "quote-balance")
    if found is None:
        assert got == []
    else:
        assert len(got) == 1 and found in got[0].message, [d.message for d in got]


def test_a_quotation_of_several_paragraphs_opens_each_and_closes_the_last():
    quoted = "市政府在通知中要求：“各区要建立加装电梯协调机制。\n\n“各区要把加装电梯纳入改造统筹推进。\n\n“各区要定期通报进展。”"
    assert fired(letter(quoted), "quote-balance") == []
    unclosed = "市政府在通知中要求：“各区要建立加装电梯协调机制。\n\n各区要把加装电梯纳入改造统筹推进。"
    [d] = fired(letter(unclosed), "quote-balance")
    assert d.span.line == 22


PARAGRAPH = next(line for line in BASE.splitlines() if line.startswith("（二）"))


def test_a_paragraph_hard_wrapped_inside_a_book_title_is_one_paragraph():
    """A copy out of a PDF wraps a paragraph inside its 《…》: the next line, not indented and directly below,
    carries the paragraph on, and its brackets pair with the line above."""
    wrapped = ("　　根据《关于印发〈全国基层卫生人才能力提升培训项目实施\n"
               "方案〉的通知》要求，我局组织开展了培训。")
    result = check_text(letter(wrapped, PARAGRAPH), "letter.txt", ISOLATED)
    assert [d.rule for d in result.diagnostics if d.rule == "quote-balance"] == []
    assert "根据《关于印发〈全国基层卫生人才能力提升培训项目实施方案〉的通知》要求，我局组织开展了培训。" in [
        p.text for p in result.letter.paragraphs]
    for wrapped in ("推行“智慧停车\n管理”的做法。", "新增泊位（含充电\n泊位120个）。"):  # a quotation, a bracket
        assert fired(letter(wrapped, PARAGRAPH), "quote-balance") == [], wrapped
    # an indented line below starts a paragraph of its own: an unclosed 《 above is still reported
    apart = letter("根据《关于印发全国培训项目实施\n　　方案的通知要求，推进培训。", PARAGRAPH)
    assert len(fired(apart, "quote-balance")) == 1
    # a quotation's next paragraph opens with “ again: a paragraph of its own, the quotation still pairs
    quoted = letter("市政府在通知中要求：“各区要建立协调机制。\n“各区要定期通报进展。”", PARAGRAPH)
    assert fired(quoted, "quote-balance") == []


# ---- duplicate-word across punctuation, guanyu-repeated, cited-doc-number ---------------------------------------

@pytest.mark.parametrize("sentence, found", [
    ("2025年，2025年，我局清理废弃车辆210余辆。", "2025年，2025年"),
    ("我局，我局清理废弃车辆210余辆。", "我局，我局"),
    ("一是清理废弃车辆，二是规范停车秩序。", None),
    ("清理废弃车辆、规范停车秩序、增设泊位。", None),
    ("东区新增14处，14处均已投用。", None),
    ("经请示市政府，市政府同意增设泊位。", None),  # the phrase before the comma is longer than the repeat
])
def test_duplicate_word_across_punctuation(sentence, found):
    got = fired(letter(sentence), "duplicate-word")
    if found is None:
        assert got == []
    else:
        assert len(got) == 1 and f"“{found}”" in got[0].message


def test_guanyu_repeated_is_one_finding_not_also_a_duplicate_word():
    text = BASE.replace("您提出的《关于", "您提出的关于《关于", 1)
    assert len(fired(text, "guanyu-repeated")) == 1
    body = letter("关于关于停车问题，我局已清理废弃车辆210余辆。")
    assert len(fired(body, "guanyu-repeated")) == 1 and fired(body, "duplicate-word") == []
    quoted = BASE.replace("《关于加强老旧小区停车管理的建议》", "《关于落实关于加强停车管理要求的建议》", 1)
    assert fired(quoted, "guanyu-repeated") == []


@pytest.mark.parametrize("number, expected", [
    ("青政办〔2024〕第7号", "〔2024〕7号"),
    ("青政办〔2024〕07号", "〔2024〕7号"),
    ("青政办〔2024〕第007号", "〔2024〕7号"),
    ("按照青政办〔2024〕第 7号文件", "〔2024〕7号"),
    ("青政办〔2024〕7号", None),
    ("青政办〔2024〕10号", None),
])
def test_cited_doc_number(number, expected):
    got = fired(BASE.replace("（青政办〔2024〕7号）", number, 1), "cited-doc-number")
    if expected is None:
        assert got == []
    else:
        assert len(got) == 1 and f"应写作“{expected}”" in got[0].message, got[0].message


def test_wrong_brackets_stay_with_rl308_and_are_not_reported_again():
    text = BASE.replace("青政办〔2024〕7号", "青政办[2024]7号", 1)
    assert len(fired(text, "cited-doc-number-brackets")) == 1
    assert fired(text, "cited-doc-number") == []


def test_a_long_word_list_is_matched_in_linear_time():
    """A thousand entries sharing their first character, on a long text made of it: each place costs a few
    table look-ups, not a try of every entry (as an alternation would)."""
    import time

    from checker.engine.language import WordEntry

    entries = [WordEntry(wrong=f"截{chr(0x4e00 + i)}{chr(0x4e00 + i)}", right=["x"], reason="r") for i in range(1000)]
    matcher = WordMatcher(entries)

    def run(n: int) -> float:
        text = "截" * n
        start = time.perf_counter()
        assert matcher.hits(text) == []
        return time.perf_counter() - start

    small, large = run(20_000), run(80_000)
    assert large < 2.0 and large < 10 * max(small, 0.01)

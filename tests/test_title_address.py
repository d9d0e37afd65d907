"""Titles, salutations and the words addressed to the member (issue 10, H2): messages per letter kind, the
title forms the parser and RL202 accept, 关于对, 你/你们/您们, 该代表, a joint item answered to one name, and
one finding for one mistake on a salutation. Every letter is fictional (the shipped base letters, edited)."""

from __future__ import annotations

import pytest

from checker.api import check_text
from checker.config import Configurator, Overrides
from checker.engine import load_rules, load_rules_from, render
from checker.errors import RuleFileError
from checker.model import Kind
from checker.resources import data_dir

ISOLATED = Configurator(Overrides(isolated=True))
BASES = {name: (data_dir("rules") / "bases" / f"{name}.txt").read_text(encoding="utf-8") for name in ("npc", "cppcc")}
NPC_TITLE = "关于市九届人大四次会议第15号建议的答复"
CPPCC_TITLE = "关于市政协八届四次会议第27号提案的答复"


def edited(base: str, *pairs: tuple[str, str]) -> str:
    text = BASES[base]
    for old, new in pairs:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


def check(text: str):
    return check_text(text, "letter.txt", ISOLATED)


def found(text: str, *rules: str) -> list[tuple[str, int]]:
    return [(d.rule, d.span.line) for d in check(text).diagnostics if not rules or d.rule in rules]


def message(text: str, rule: str) -> str:
    (d,) = [d for d in check(text).diagnostics if d.rule == rule]
    return d.message


# ---- messages per kind ---------------------------------------------------------------------------------

def test_a_proposal_letter_is_shown_a_proposal_model_title_and_a_suggestion_letter_a_suggestion_one():
    npc = message(edited("npc", (NPC_TITLE + "\n\n", "")), "title-missing")
    cppcc = message(edited("cppcc", (CPPCC_TITLE + "\n\n", "")), "title-missing")
    assert "第×号建议的答复" in npc and "提案" not in npc
    assert "关于政协第×届×次会议第×号提案的答复" in cppcc and "建议的答复" not in cppcc
    bad_npc = message(edited("npc", (NPC_TITLE, "关于老旧小区停车问题的回复")), "title-template")
    bad_cppcc = message(edited("cppcc", (CPPCC_TITLE, "关于加装电梯问题的回复")), "title-template")
    assert "建议的答复" in bad_npc and "提案" not in bad_npc
    assert "提案的答复" in bad_cppcc and "建议的答复" not in bad_cppcc
    no_number = message(edited("cppcc", ("市政协八届四次会议第27号提案的答复", "推进老旧小区加装电梯提案的答复"),
                               ("（第27号）", "")), "proposal-number-missing")
    assert "提案的答复" in no_number and "建议" not in no_number
    for text in (npc, cppcc, bad_npc, bad_cppcc, no_number):
        assert "关于对" not in text  # a model title never shows the slip RL203 reports


def test_messages_by_kind_fall_back_to_the_message_and_are_checked_at_load(tmp_path):
    rules = load_rules()
    compiled = rules.find("title-missing")
    assert compiled.message_for(Kind.UNKNOWN) == compiled.rule.message
    assert compiled.message_for(Kind.CPPCC) != compiled.message_for(Kind.NPC)
    source = (data_dir("rules") / "title.toml").read_text(encoding="utf-8")
    broken = source.replace('messages_by_kind = { npc-suggestion = "缺少标题',
                            'messages_by_kind = { npc-suggestion = "{nonsense}缺少标题', 1)
    assert broken != source
    path = tmp_path / "title.toml"
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(RuleFileError, match="placeholder"):
        load_rules_from([path])
    path.write_text(source.replace('messages_by_kind = { npc-suggestion', 'messages_by_kind = { unknown', 1), encoding="utf-8")
    with pytest.raises(RuleFileError):
        load_rules_from([path])
    assert render("“{value}”", {}) == "“”"


# ---- titles -----------------------------------------------------------------------------------------------

TITLES = [
    ("npc", "澜州市交通运输局关于市九届人大四次会议第15号建议的答复", "15"),
    ("npc", "关于市九届人大四次会议第15号建议的答复函", "15"),
    ("npc", "关于市九届人大四次会议第15号建议的复函", "15"),
    ("npc", "关于市九届人大四次会议第15号建议办理情况的答复", "15"),
    ("npc", "关于市九届人大四次会议第15号建议办理情况的复函", "15"),
    ("npc", "关于市九届人大四次会议第15号建议答复的函", "15"),
    ("npc", "关于市九届人大四次会议第15号代表建议的答复函", "15"),
    ("npc", "对市九届人大四次会议第15号建议的答复", "15"),
    ("cppcc", "关于政协第十四届全国委员会第二次会议第01234号（经济发展类123号）提案答复的函", "01234"),
    ("cppcc", "关于政协第十四届全国委员会第二次会议第01234号（经济发展类123号）提案的答复", "01234"),
    ("cppcc", "澜州市教育体育局关于市政协八届四次会议第27号提案的复函", "27"),
]


@pytest.mark.parametrize("base, title, number", TITLES, ids=[t for _, t, _ in TITLES])
def test_every_standard_title_form_is_the_title_and_passes_the_title_rules(base, title, number):
    original = NPC_TITLE if base == "npc" else CPPCC_TITLE
    text = edited(base, (original, title), ("（第15号）" if base == "npc" else "（第27号）", f"（第{number}号）"))
    result = check(text)
    assert result.letter.title.value == title
    assert result.letter.proposal_number.value == number
    assert result.letter.kind is (Kind.NPC if base == "npc" else Kind.CPPCC)
    assert [d.rule for d in result.diagnostics] == []


def test_an_organ_name_on_its_own_line_above_the_title_is_part_of_it():
    result = check(edited("npc", (NPC_TITLE, "澜州市交通运输局\n关于市九届人大四次会议第15号建议的答复函")))
    assert result.letter.title.value == "澜州市交通运输局关于市九届人大四次会议第15号建议的答复函"
    assert [d.rule for d in result.diagnostics] == []


@pytest.mark.parametrize("title, expected", [
    ("关于对市九届人大四次会议第15号建议的答复", "关于市九届人大四次会议第15号建议的答复"),
    ("青川市住房和城乡建设局关于对市九届人大四次会议第15号建议的答复", "青川市住房和城乡建设局关于市九届人大四次会议第15号建议的答复"),
])
def test_guanyu_dui_is_one_info_that_offers_both_standard_forms(title, expected):
    result = check(edited("npc", (NPC_TITLE, title)))
    (d,) = result.diagnostics
    assert (d.rule, d.severity.value, d.span.line) == ("title-guanyu", "info", 8)
    assert f"“{expected}”" in d.message and "对市九届人大四次会议第15号建议的答复”" in d.message


@pytest.mark.parametrize("title", ["对市九届人大四次会议第15号建议的答复", "青川市住房和城乡建设局对市九届人大四次会议第15号建议的答复",
                                   "澜州市红十字会对市九届人大四次会议第15号建议的答复", "澜州市红十字会关于市九届人大四次会议第15号建议的答复",
                                   NPC_TITLE, "青川市住房和城乡建设局关于市九届人大四次会议第15号建议的答复"])
def test_title_guanyu_never_asks_for_guanyu_before_dui(title):
    assert found(edited("npc", (NPC_TITLE, title)), "title-guanyu") == []


# ---- salutations: one finding for one mistake ---------------------------------------------------------------

SALUTATION_RULES = ("salutation-missing", "salutation-format", "salutation-role-mismatch", "kind-consistency",
                    "kind-term-mixed", "salutation-name-consistency", "joint-addressee", "third-person-member",
                    "respectful-address")


@pytest.mark.parametrize("base, salutation, rule", [
    ("cppcc", "尊敬的许明轩代表：", "salutation-role-mismatch"),
    ("cppcc", "许明轩代表：", "salutation-role-mismatch"),
    ("cppcc", "许明轩、王立新代表：", "salutation-role-mismatch"),
    ("cppcc", "许明轩等3位代表：", "salutation-role-mismatch"),
    ("npc", "尊敬的周文华委员：", "salutation-role-mismatch"),
    ("npc", "周文华、马晓燕委员：", "salutation-role-mismatch"),
    ("npc", "尊敬的周文华同志：", "salutation-format"),
    ("cppcc", "许明轩先生：", "salutation-format"),
    ("npc", "尊敬周文华代表：", "salutation-format"),
    ("npc", "您好：", "salutation-format"),
    ("npc", "周文华代表:", "salutation-format"),
    ("cppcc", "许明轩委员：您好！", "salutation-format"),
])
def test_a_salutation_mistake_is_one_finding_from_one_rule(base, salutation, rule):
    original = "尊敬的周文华代表：" if base == "npc" else "尊敬的许明轩委员："
    result = check(edited(base, (original, salutation)))
    assert [(d.rule, d.span.line) for d in result.diagnostics if d.rule in SALUTATION_RULES] == [(rule, 10)]
    assert [d.rule for d in result.diagnostics] == [rule]


@pytest.mark.parametrize("salutation", ["尊敬的周文华同志：", "尊敬周文华代表：", "您好：", "周文华先生：", "周文华代表:",
                                        "周文华 代表：", "周文华代表：您好！", "×××代表：", "周文华等代表："])
def test_salutation_missing_never_fires_on_a_salutation_in_any_form(salutation):
    result = check(edited("npc", ("尊敬的周文华代表：", salutation)))
    assert result.letter.salutation is not None
    assert found(edited("npc", ("尊敬的周文华代表：", salutation)), "salutation-missing") == []


def test_the_format_message_shows_the_role_of_the_letter_kind():
    assert "许明轩委员：" in message(edited("cppcc", ("尊敬的许明轩委员：", "许明轩同志：")), "salutation-format")
    assert "周文华代表：" in message(edited("npc", ("尊敬的周文华代表：", "周文华同志：")), "salutation-format")


# ---- closing thanks and kind words --------------------------------------------------------------------------

THANKS = "感谢您对我市住房和城乡建设工作的关心和支持！"


@pytest.mark.parametrize("closing", ["谢谢您对我市住房和城乡建设工作的关心和支持！", "再次感谢您提出的宝贵建议！",
                                     "衷心感谢您提出的宝贵意见和建议。", "再次向您表示衷心的感谢！", "谢谢！"])
def test_closing_thanks_in_its_usual_forms(closing):
    for base in ("npc", "cppcc"):
        assert found(edited(base, (THANKS, closing))) == [], (base, closing)


@pytest.mark.parametrize("base, opening", [("cppcc", "许明轩委员提出的《关于推进老旧小区加装电梯的提案》"),
                                           ("npc", "周文华代表领衔提出的《关于加强老旧小区停车管理的建议》")])
def test_an_opening_naming_the_member_in_the_third_person_is_the_opening(base, opening):
    original = ("您提出的《关于推进老旧小区加装电梯的提案》" if base == "cppcc" else "您提出的《关于加强老旧小区停车管理的建议》")
    result = check(edited(base, (original, opening)))
    assert result.letter.opening is not None and result.letter.opening.span.line == 12
    assert found(edited(base, (original, opening)), "opening-missing") == []


def test_a_co_handling_letter_needs_no_thanks_to_the_member():
    text = edited("npc", ("第15号建议的答复", "第15号建议的会办意见"), ("尊敬的周文华代表：", "青川市交通运输局："),
                  (THANKS + "\n\n", ""))
    assert check(text).letter.role == "co-handling"
    assert found(text, "closing-thanks-missing", "opening-missing") == []


@pytest.mark.parametrize("closing, expected", [
    ("感谢您提出的宝贵建议！", []),
    ("衷心感谢您提出的宝贵意见和建议，欢迎继续提出意见建议。", []),
    ("这个建议很有价值。" + THANKS, []),
    ("您提出的这个建议很有针对性。" + THANKS, [("kind-term-mixed", 32)]),
    ("您提出的关于推进加装电梯的建议很有针对性。" + THANKS, [("kind-term-mixed", 32)]),
])
def test_kind_words_in_a_proposal_letter_only_when_they_name_the_members_item(closing, expected):
    assert found(edited("cppcc", (THANKS, closing)), "kind-term-mixed") == expected


# ---- 你 / 你们 / 您们 -----------------------------------------------------------------------------------------

def test_each_paragraph_with_ni_nimen_or_ninmen_is_one_finding():
    text = edited("npc", ("尊敬的周文华代表：", "周文华、马晓燕代表："),
                  ("您提出的《关于加强老旧小区停车管理的建议》", "您们提出的《关于加强老旧小区停车管理的建议》"),
                  ("您提出的增设泊位", "你们提出的增设泊位、你提出的错时共享"),
                  (THANKS, "感谢你对我市住房和城乡建设工作的关心和支持！"))
    result = check(text)
    address = [(d.span.line, d.message) for d in result.diagnostics if d.rule == "respectful-address"]
    assert [line for line, _ in address] == [12, 26, 28]
    assert "“您们”" in address[0][1] and "各位代表" in address[0][1]
    assert "“你们”" in address[1][1]
    assert "“你”" in address[2][1] and "“您”" in address[2][1]
    assert all(d.severity.value == "warning" for d in result.diagnostics if d.rule == "respectful-address")


@pytest.mark.parametrize("sentence", ["居民反映“你们物业要管起来”，我局已督促整改。", "各区形成了你追我赶的良好局面。",
                                      "《你我同行》宣传手册已发放。", "已发放迷你停车指引卡。",
                                      "已函请你方所在街道配合。"])
def test_ni_in_quotes_and_set_phrases_is_not_addressing_the_member(sentence):
    text = edited("npc", ("清理废弃车辆210余辆。", "清理废弃车辆210余辆。" + sentence))
    assert found(text, "respectful-address") == []


def test_ni_inside_a_quotation_of_several_paragraphs_is_not_addressing_the_member():
    """A quotation of several paragraphs (GB/T 15834): each paragraph opens with “, only the last closes; a
    你们 in its first or middle paragraphs is the quoted text's, not the letter's. After it closes, 你 is
    the letter's again."""
    quotation = ("清理废弃车辆210余辆。\n\n市政府在通知中要求：“你们要建立加装电梯协调机制。\n\n"
                 "“你们要把加装电梯纳入改造统筹推进。\n\n“各区要定期通报进展。”")
    text = edited("npc", ("清理废弃车辆210余辆。", quotation))
    assert found(text, "respectful-address", "third-person-member", "quote-balance") == []
    after = edited("npc", ("清理废弃车辆210余辆。", quotation + "你提出的建议已落实。"))
    at = next(i for i, line in enumerate(after.splitlines(), 1) if "你提出的建议已落实" in line)
    assert found(after, "respectful-address") == [("respectful-address", at)]
    unquoted = edited("npc", ("清理废弃车辆210余辆。", "清理废弃车辆210余辆。\n\n你们要建立协调机制。\n\n“各区要定期通报。”"))
    assert len(found(unquoted, "respectful-address")) == 1


def test_a_co_handling_letter_to_a_unit_is_not_checked_for_ni():
    text = edited("npc", ("第15号建议的答复", "第15号建议的会办意见"), ("尊敬的周文华代表：", "青川市交通运输局："),
                  ("清理废弃车辆210余辆。", "清理废弃车辆210余辆。请你局汇总后答复，你们也可直接联系我局。"))
    assert found(text, "respectful-address") == []


# ---- 该代表, joint items ------------------------------------------------------------------------------------

def test_third_person_member_in_a_reply_but_not_in_a_co_handling_letter():
    reply = edited("npc", ("您提出的增设泊位", "该代表提出的增设泊位"))
    assert found(reply, "third-person-member") == [("third-person-member", 26)]
    cohandling = edited("npc", ("第15号建议的答复", "第15号建议的会办意见"), ("尊敬的周文华代表：", "青川市交通运输局："),
                        ("您提出的增设泊位", "该代表提出的增设泊位"))
    assert found(cohandling, "third-person-member") == []
    assert found(edited("npc", ("清理废弃车辆210余辆。", "清理废弃车辆210余辆。该代表团调研后予以肯定。")),
                 "third-person-member") == []


@pytest.mark.parametrize("salutation, cue, fires", [
    ("尊敬的周文华代表：", "您领衔提出的", True),
    ("尊敬的周文华代表：", "您与马晓燕等5位代表联名提出的", True),
    ("周文华、马晓燕代表：", "您领衔提出的", False),
    ("尊敬的周文华等5位代表：", "您领衔提出的", False),
    ("各位代表：", "您们联名提出的", False),
    ("周文华代表们：", "您们联名提出的", False),
    ("尊敬的周文华代表：", "您提出的", False),
])
def test_joint_addressee(salutation, cue, fires):
    text = edited("npc", ("尊敬的周文华代表：", salutation),
                  ("您提出的《关于加强老旧小区停车管理的建议》", cue + "《关于加强老旧小区停车管理的建议》"))
    assert found(text, "joint-addressee") == ([("joint-addressee", 10)] if fires else [])


def test_joint_addressee_is_silent_when_the_co_signers_get_a_copy_or_are_spoken_of():
    joint = ("您提出的《关于加强老旧小区停车管理的建议》", "您领衔提出的《关于加强老旧小区停车管理的建议》")
    assert found(edited("npc", joint, ("抄送：市人大常委会选工委，", "抄送：马晓燕代表，市人大常委会选工委，")), "joint-addressee") == []
    assert found(edited("npc", joint, (THANKS, "请转告其他联名代表。" + THANKS)), "joint-addressee") == []
    assert found(edited("npc", ("清理废弃车辆210余辆。", "清理废弃车辆210余辆。该项工作由市领导领衔督办。")),
                 "joint-addressee") == []

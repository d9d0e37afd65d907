"""Who a letter is addressed to and what it is (issue 9, real-world-variants.md §5, §6, §10 and the kind
decision): every salutation form, co-handling (会办/协办) letters recognised from their title, their
addressee or their opening, the kind from the letter's frame, and the 抄送 abbreviations in real use.

Every letter here is fictional (澜州, 华川; invented names and numbers). Each test states the model values
and the exact findings (rule, line) a careful reviewer expects."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checker.api import check_text
from checker.config import Configurator, Overrides
from checker.engine import applicable, load_rule_file, load_rules
from checker.errors import RuleFileError
from checker.model import Kind
from checker.parser.lexer import lex
from checker.parser.normalize import normalize

ISOLATED = Configurator(Overrides(isolated=True))

NPC = """公开属性：主动公开
办理结果：B

澜交复〔2024〕18号    签发人：何建华

关于市十五届人大三次会议第108号建议的答复

{salutation}

您提出的《关于优化城区公交线网的建议》（第108号）收悉。经认真研究，现答复如下：

一、基本情况

今年以来，我局新开通公交线路6条，调整线路11条，城区公交站点500米覆盖率达到92%。

二、下一步工作

下一步，我局将结合轨道交通建设，继续优化公交线网。

感谢您对交通运输工作的关心和支持！

澜州市交通运输局

2024年6月12日

（联系人：马海燕，联系电话：0871-6812345）

{cc}

澜州市交通运输局    2024年6月12日印发"""

CPPCC = """公开属性：主动公开
办理结果：B

华教复〔2024〕9号    签发人：程远山

关于市政协十二届三次会议第201号提案的答复

{salutation}

您提出的《关于加强校园周边交通安全的提案》（第201号）收悉。经认真研究，现答复如下：

一、基本情况

今年以来，我局会同公安交警部门在城区42所中小学校门口施划了上下学接送区。

二、下一步工作

下一步，我局将继续推动学校周边道路交通设施建设。

感谢您对教育工作的关心和支持！

华川市教育局

2024年7月3日

（联系人：罗晓雯，联系电话：0872-2123456）

{cc}

华川市教育局    2024年7月3日印发"""

NPC_CC = "抄送：市人大常委会选工委，市政府督查室。"
CPPCC_CC = "抄送：市政协提案委，市政府督查室。"
SALUTATION_LINE = 8  # in both letters
CC_LINE = 28


def npc(salutation: str = "尊敬的周立新代表：", cc: str = NPC_CC) -> str:
    return NPC.format(salutation=salutation, cc=cc)


def cppcc(salutation: str = "尊敬的何晓芸委员：", cc: str = CPPCC_CC) -> str:
    return CPPCC.format(salutation=salutation, cc=cc)


def check(text: str):
    return check_text(text, "letter.txt", ISOLATED)


def findings(result) -> list[tuple[str, int]]:
    """Every finding, of every severity, as (rule, line), in line order (then by rule name)."""
    return [(rule, line) for line, rule in sorted((d.span.line, d.rule) for d in result.diagnostics)]


def test_the_two_letters_are_compliant():
    for text in (npc(), cppcc()):
        result = check(text)
        assert findings(result) == []
        assert result.role == "reply" and result.letter.salutation.addressee == "person"
    assert check(npc()).kind is Kind.NPC and check(cppcc()).kind is Kind.CPPCC


# ---- §5 salutations -----------------------------------------------------------------------------------

FORMAT = [("salutation-format", SALUTATION_LINE)]

# line, letter, value, name, names, role, addressee, form, others, count, findings
SALUTATIONS = [
    ("周立新、马海燕、李文涛代表：", npc, "周立新、马海燕、李文涛代表", "周立新、马海燕、李文涛", ["周立新", "马海燕", "李文涛"],
     "代表", "person", "", False, None, []),
    ("尊敬的周立新等5位代表：", npc, "周立新等5位代表", "周立新", ["周立新"], "代表", "person", "", True, 5, []),
    ("尊敬的周立新等五位代表：", npc, "周立新等五位代表", "周立新", ["周立新"], "代表", "person", "", True, 5, []),
    ("何晓芸委员等：", cppcc, "何晓芸委员等", "何晓芸", ["何晓芸"], "委员", "person", "", True, None, []),
    ("何晓芸、程远帆委员：", cppcc, "何晓芸、程远帆委员", "何晓芸、程远帆", ["何晓芸", "程远帆"], "委员", "person", "", False, None, []),
    ("周立新  委员：", cppcc, "周立新委员", "周立新", ["周立新"], "委员", "person", "spaced", False, None, FORMAT),
    ("×××代表：", npc, "×××代表", "", [], "代表", "placeholder", "", False, None, []),
    ("xx委员：", cppcc, "xx委员", "", [], "委员", "placeholder", "", False, None, []),
    ("XX委员：", cppcc, "XX委员", "", [], "委员", "placeholder", "", False, None, []),
    ("***代表：", npc, "***代表", "", [], "代表", "placeholder", "", False, None, []),
    ("某某代表：", npc, "某某代表", "", [], "代表", "placeholder", "", False, None, []),
    ("民盟澜州市委员会：", cppcc, "民盟澜州市委员会", "民盟澜州市委员会", [], None, "organisation", "", False, None, []),
    ("市工商联：", cppcc, "市工商联", "市工商联", [], None, "organisation", "", False, None, []),
    ("九三学社澜州市委员会：", cppcc, "九三学社澜州市委员会", "九三学社澜州市委员会", [], None, "organisation", "", False, None, []),
    ("市政协农业和农村委员会：", cppcc, "市政协农业和农村委员会", "市政协农业和农村委员会", [], None, "organisation", "", False, None,
     []),
    ("尊敬的周立新同志：", npc, "周立新同志", "周立新", ["周立新"], None, "person", "同志", False, None, FORMAT),
    ("尊敬周立新代表：", npc, "周立新代表", "周立新", ["周立新"], "代表", "person", "missing-de", False, None, FORMAT),
    ("您好：", npc, "您好", "", [], None, "greeting", "greeting", False, None, FORMAT),
    ("周立新代表:", npc, "周立新代表", "周立新", ["周立新"], "代表", "person", "colon", False, None, FORMAT),
    ("周立新代表", npc, "周立新代表", "周立新", ["周立新"], "代表", "person", "colon", False, None, FORMAT),
    ("尊敬的周立新代表：您好！", npc, "周立新代表", "周立新", ["周立新"], "代表", "person", "trailing-text", False, None, FORMAT),
    ("尊敬的各位代表：", npc, "各位代表", "", [], "代表", "person", "", False, None, []),
    ("周立新代表、马海燕代表：", npc, "周立新代表、马海燕代表", "周立新、马海燕", ["周立新", "马海燕"], "代表", "person", "", False,
     None, []),
    ("周 立 新代表：", npc, "周立新代表", "周立新", ["周立新"], "代表", "person", "spaced", False, None, FORMAT),
    ("周立新代表，您好！", npc, "周立新代表", "周立新", ["周立新"], "代表", "person", "colon", False, None, FORMAT),
    # deputies and members addressed together: no one role, so no role to check against the kind
    ("各位代表、委员：", npc, "各位代表、委员", "", [], None, "person", "", False, None, []),
]


@pytest.mark.parametrize("line, letter, value, name, names, role, addressee, form, others, count, expected", SALUTATIONS,
                         ids=[row[0] for row in SALUTATIONS])
def test_salutation_forms(line, letter, value, name, names, role, addressee, form, others, count, expected):
    result = check(letter(line))
    sal = result.letter.salutation
    assert sal is not None, "the salutation is recognised, never missing"
    assert (sal.value, sal.name, sal.names, sal.role, sal.addressee, sal.form) == (value, name, names, role, addressee, form)
    assert (sal.others, sal.count) == (others, count)
    assert (sal.raw, sal.span.line, sal.span.column) == (line, SALUTATION_LINE, 1)
    assert result.role == "reply" and result.kind is (Kind.NPC if letter is npc else Kind.CPPCC)
    assert findings(result) == expected  # one finding for a wrong form, none for the others, never "missing"


def test_a_unit_addressee_makes_a_co_handling_letter_with_no_finding():
    result = check(npc("澜州市住房和城乡建设局："))
    sal = result.letter.salutation
    assert (sal.value, sal.name, sal.names, sal.role, sal.addressee, sal.form) == (
        "澜州市住房和城乡建设局", "澜州市住房和城乡建设局", [], None, "unit", "")
    assert result.role == "co-handling" and result.kind is Kind.NPC
    assert findings(result) == []


def test_two_units_are_one_addressee():
    sal = check(npc("市住房和城乡建设局、市交通运输局：")).letter.salutation
    assert (sal.name, sal.addressee) == ("市住房和城乡建设局、市交通运输局", "unit")


def test_a_title_line_wrapped_after_a_name_is_not_a_salutation():
    lines, artifacts = normalize(["关于对周立新代表", "", "第5号建议的答复", "", "周立新代表：", "您提出的建议收悉，现答复如下："])
    assert [t.kind for t in lex(lines, artifacts)] == ["TITLE", "TITLE", "SALUTATION", "PARA"]


def test_a_greeting_after_the_salutation_is_body_text():
    result = check(npc("尊敬的周立新代表：\n\n您好！"))
    assert result.letter.salutation.addressee == "person" and result.letter.salutation.names == ["周立新"]
    assert result.letter.paragraphs[0].text == "您好！"


def test_the_role_of_several_names_is_checked():
    """A 人大 letter that calls its deputies 委员: one finding, by the role rule (the kind rule leaves the
    salutation to it)."""
    result = check(npc("周立新、马海燕委员："))
    assert result.letter.salutation.names == ["周立新", "马海燕"]
    assert findings(result) == [("salutation-role-mismatch", 8)]


BODY_PROPOSER = "今年以来，我局新开通公交线路6条"


def test_a_proposer_named_in_the_body_may_be_any_of_the_names():
    text = npc("周立新、马海燕代表：").replace(BODY_PROPOSER, "马海燕代表提出的线网优化意见已采纳，今年以来，我局新开通公交线路6条")
    assert findings(check(text)) == []


def test_a_proposer_who_is_none_of_the_names_is_reported():
    text = npc("周立新、马海燕代表：").replace(BODY_PROPOSER, "李文军代表提出的线网优化意见已采纳，今年以来，我局新开通公交线路6条")
    result = check(text)
    assert findings(result) == [("salutation-name-consistency", 14)]
    assert "周立新、马海燕" in result.diagnostics[0].message


@pytest.mark.parametrize("salutation", ["尊敬的周立新等5位代表：", "×××代表：", "尊敬的各位代表："])
def test_no_name_comparison_when_the_salutation_does_not_name_everyone(salutation):
    text = npc(salutation).replace(BODY_PROPOSER, "李文军代表提出的线网优化意见已采纳，今年以来，我局新开通公交线路6条")
    assert findings(check(text)) == []


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("尊敬的周立新马海燕等5五位代表委员同志您好×xX*某、，, ：:！民盟市委员会局工商联")),
               min_size=1, max_size=30))
def test_any_salutation_like_line_gives_a_model_with_exact_spans(line):
    text = npc(line)
    result = check(text)
    sal = result.letter.salutation
    if sal is not None and sal.span.line == SALUTATION_LINE:
        source = text.split("\n")[SALUTATION_LINE - 1]
        assert source[sal.span.column - 1 : sal.span.end_column - 1] == sal.raw
        if sal.addressee in ("person", "placeholder", "greeting"):
            assert sal.name == "、".join(sal.names)
        assert sal.role in (None, "代表", "委员")
    assert sum(1 for d in result.diagnostics if d.rule == "salutation-format") <= 1


# ---- §6 co-handling letters -----------------------------------------------------------------------------

COHANDLING_BY_TITLE = """澜住建函〔2024〕31号    签发人：邓伟东

关于市政协十二届四次会议第201号提案的协办意见

尊敬的何晓芸委员：

市政协十二届四次会议第201号提案收悉。我局结合职责，对提案中涉及老旧小区停车设施的内容提出以下意见：

一、已开展的工作

今年以来，我局在老旧小区改造中同步建设停车泊位860个。

二、下一步打算

我局将继续把停车设施纳入老旧小区改造内容。

澜州市住房和城乡建设局

2024年5月20日

（联系人：邓晓琳，联系电话：0871-6523456）

抄送：市政府督查室。"""


def test_co_handling_from_the_title_only():
    """A 协办 letter wrongly addressed to the member: one finding (it should go to the lead unit), and none
    of the reply rules (grade, opening to the member, thanks, the 抄送 to 政协) runs."""
    result = check(COHANDLING_BY_TITLE)
    letter = result.letter
    assert result.role == "co-handling" and result.kind is Kind.CPPCC
    assert letter.salutation.addressee == "person" and letter.grade is None and letter.closing is None
    assert findings(result) == [("disclosure-missing", 1), ("cohandling-letter-shape", 5)]


@pytest.mark.parametrize("title", ["关于对市十五届人大三次会议第57号建议的会办意见", "关于市十五届人大三次会议第57号建议会办意见的函",
                                   "关于市政协十二届四次会议第201号提案协办意见的函"])
def test_co_handling_title_forms(title):
    text = COHANDLING_BY_TITLE.replace("关于市政协十二届四次会议第201号提案的协办意见", title)
    assert check(text).role == "co-handling"


COHANDLING_BY_ADDRESSEE = """澜州市住房和城乡建设局：

你局转来的市十五届人大三次会议第57号建议收悉。经研究，我局提出以下意见：

一、资金支持方面

2024年，市级财政安排城中村燃气管道改造补助资金3000万元。

二、统筹推进方面

建议你局会同各区政府制定分年度改造计划，把燃气管道改造与道路改造同步实施。

以上意见，请予参考。

澜州市发展和改革局

2024年5月10日

（联系人：何志刚，联系电话：0871-3218765）

抄送：市政府督查室。"""


def test_co_handling_from_the_addressee_only():
    """Published from the addressee down, without a title: the unit it is addressed to says it is a 协办
    letter, so no grade, thanks or 抄送 to 人大 is asked for; the missing 版头 elements are still reported."""
    result = check(COHANDLING_BY_ADDRESSEE)
    letter = result.letter
    assert result.role == "co-handling" and result.kind is Kind.NPC
    assert (letter.salutation.addressee, letter.salutation.name) == ("unit", "澜州市住房和城乡建设局")
    assert letter.proposal_number.value == "57" and letter.session.term == 15
    assert findings(result) == [("disclosure-missing", 1), ("doc-number-missing", 1), ("signer-missing", 1),
                                ("title-missing", 1)]


COHANDLING_BY_OPENING = """市十五届人大三次会议第57号建议收悉。现将我单位协办意见函告如下：

一、资金支持方面

2024年，市级财政安排城中村燃气管道改造补助资金3000万元。

二、统筹推进方面

建议主办单位会同各区政府制定分年度改造计划。

澜州市发展和改革局

2024年5月10日

（联系人：何志刚，联系电话：0871-3218765）

抄送：市政府督查室。"""


def test_co_handling_from_the_opening_only():
    """Published from the first paragraph: neither a title nor an addressee, only the opening says 协办."""
    result = check(COHANDLING_BY_OPENING)
    letter = result.letter
    assert result.role == "co-handling" and result.kind is Kind.NPC
    assert letter.opening.span.line == 1 and letter.proposal_number.value == "57"
    assert findings(result) == [("disclosure-missing", 1), ("doc-number-missing", 1), ("salutation-missing", 1),
                                ("signer-missing", 1), ("title-missing", 1)]


def test_a_co_handling_opening_over_two_paragraphs_is_one_opening():
    text = COHANDLING_BY_OPENING.replace("收悉。现将", "收悉。\n\n现将")
    letter = check(text).letter
    assert (letter.opening.span.line, letter.opening.span.end_line) == (1, 3)
    assert letter.proposal_number.value == "57" and letter.role == "co-handling"


@pytest.mark.parametrize("phrase", ["现将我单位协办意见函告如下：", "现提出会办意见如下：", "现将我局协办意见答复如下："])
def test_co_handling_opening_phrases(phrase):
    assert check(COHANDLING_BY_OPENING.replace("现将我单位协办意见函告如下：", phrase)).role == "co-handling"


def test_a_reply_that_mentions_another_units_opinion_is_a_reply():
    text = npc().replace("经认真研究，现答复如下：", "结合市财政局的会办意见，现答复如下：")
    result = check(text)
    assert result.role == "reply" and findings(result) == []


def test_a_reply_without_a_title_still_needs_its_grade():
    text = npc().replace("办理结果：B\n", "").replace("关于市十五届人大三次会议第108号建议的答复\n\n", "")
    result = check(text)
    assert result.role == "reply"
    assert findings(result) == [("grade-missing", 3), ("title-missing", 5)]


def test_a_co_handling_letter_with_a_grade_and_forward_plans_is_not_judged_on_them():
    text = npc("澜州市住房和城乡建设局：").replace("办理结果：B", "办理结果：A")
    result = check(text)
    assert result.role == "co-handling" and findings(result) == []


# ---- the rule schema: roles ------------------------------------------------------------------------------

RULE = """group = "t"
[[rule]]
code = "RL990"
name = "t-rule"
title = "测试规则"
severity = "info"
message = "m"
description = "d"
source = "s"
check = {{ kind = "required", field = "grade" }}
{roles}
[[rule.examples.pass]]
base = "npc"
[[rule.examples.fail]]
base = "npc"
"""


@pytest.mark.parametrize("roles, ok", [("", True), ('roles = ["reply"]', True), ('roles = ["reply", "co-handling"]', True),
                                       ('roles = ["co-handling"]', True), ("roles = []", False),
                                       ('roles = ["reply", "reply"]', False), ('roles = ["member"]', False)])
def test_rule_roles_are_validated(tmp_path, roles, ok):
    path = tmp_path / "t.toml"
    path.write_text(RULE.format(roles=roles), encoding="utf-8")
    if ok:
        rule = load_rule_file(path).rule[0]
        assert set(rule.roles) <= {"reply", "co-handling"} and rule.roles
    else:
        with pytest.raises(RuleFileError, match="roles"):
            load_rule_file(path)


def test_a_co_handling_letter_skips_the_reply_rules():
    rules = load_rules()
    reply_only = {"grade-missing", "closing-thanks-missing", "cc-required-npc", "cc-required-cppcc", "opening-missing",
                  "salutation-role-mismatch", "salutation-name-consistency", "grade-body-consistency"}
    for name in reply_only:
        assert rules.find(name).roles == {"reply"}, name
    assert rules.find("cohandling-letter-shape").roles == {"co-handling"}
    names = lambda kind, role: {r.rule.name for r in applicable(rules, kind, role)}  # noqa: E731
    assert not reply_only & names(Kind.NPC, "co-handling")
    assert reply_only - {"cc-required-cppcc"} <= names(Kind.NPC, "reply")
    assert "cohandling-letter-shape" not in names(Kind.NPC, "reply")
    assert names(Kind.NPC, None) == names(Kind.NPC, "reply") | names(Kind.NPC, "co-handling")


# ---- the kind ---------------------------------------------------------------------------------------------

def test_a_phrase_naming_both_kinds_decides_nothing():
    text = cppcc().replace("关于市政协十二届三次会议第201号提案的答复", "关于人大代表建议和政协委员提案办理工作的答复")
    result = check(text)
    assert result.kind is Kind.CPPCC  # from the salutation, the 抄送 and the 文号, not from the title
    assert not [s for s in result.letter.kind_signals if s.element == "title"]
    assert "kind-consistency" not in {d.rule for d in result.diagnostics}


@pytest.mark.parametrize("phrase", ["建议提案", "建议和提案", "建议、提案"])
def test_an_opening_naming_both_nouns_gives_no_noun_signal(phrase):
    text = cppcc().replace("的提案》（第201号）收悉", f"》等{phrase}收悉")
    signals = [s for s in check(text).letter.kind_signals if s.element == "opening"]
    assert signals == []


BODY_ONLY = """{salutation}

贵方提出的关于城区公共停车场建设的意见收悉。经认真研究，现答复如下：

今年以来，我局在城区新建公共停车场5处，新增泊位1200个。

感谢对城市管理工作的关心和支持！

澜州市城市管理局

2024年6月14日

（联系人：周晓东，联系电话：0871-6654321）

{cc}"""


def body_only(salutation: str, cc: str) -> str:
    return BODY_ONLY.format(salutation=salutation, cc=cc)


@pytest.mark.parametrize("recipient, kind", [
    ("市人大代工委", Kind.NPC), ("人代工委", Kind.NPC), ("市人大常委会选联工委", Kind.NPC), ("联工委", Kind.NPC),
    ("市人大常委会办公室", Kind.NPC), ("省人大常委会办公厅", Kind.NPC), ("代表工委", Kind.NPC),
    ("市政协提案委", Kind.CPPCC), ("提案委", Kind.CPPCC),
])
def test_the_cc_abbreviations_decide_the_kind(recipient, kind):
    result = check(body_only("您好：", f"抄送：{recipient}，市政府督查室。"))
    assert result.kind is kind
    assert [s.text for s in result.letter.kind_signals] == [recipient]


def test_an_organisation_addressee_is_a_cppcc_cue_only_when_nothing_else_says():
    assert check(body_only("民盟澜州市委员会：", "抄送：市政府督查室。")).kind is Kind.CPPCC
    assert check(body_only("市工商联：", "抄送：市政府督查室。")).kind is Kind.CPPCC
    assert check(body_only("澜州市代表团：", "抄送：市政府督查室。")).kind is Kind.NPC
    result = check(body_only("民盟澜州市委员会：", "抄送：市人大常委会选工委，市政府督查室。"))
    assert result.kind is Kind.NPC and [s.element for s in result.letter.kind_signals] == ["cc"]
    assert result.role == "reply"


def test_a_co_handling_letter_has_the_kind_of_its_title():
    text = COHANDLING_BY_TITLE.replace("尊敬的何晓芸委员：", "澜州市教育体育局：")
    result = check(text)
    assert (result.kind, result.role) == (Kind.CPPCC, "co-handling")
    assert findings(result) == [("disclosure-missing", 1)]


def test_the_doc_number_code_alone_decides():
    result = check("澜交提复〔2024〕3号\n\n" + body_only("您好：", "抄送：市政府督查室。"))
    assert result.kind is Kind.CPPCC and [s.element for s in result.letter.kind_signals] == ["doc_number"]


# ---- §10 抄送 abbreviations in the cc rules ---------------------------------------------------------------

@pytest.mark.parametrize("office", ["市人大代工委", "市人大常委会人代工委", "选联工委", "市人大常委会联工委", "市人大常委会办公室",
                                    "市人大常委会办公厅"])
@pytest.mark.parametrize("supervision", ["市政府督查室", "市委市政府督查局", "市目督办", "国务院办公厅"])
def test_npc_cc_abbreviations_satisfy_the_cc_rules(office, supervision):
    result = check(npc(cc=f"抄送：{office}，{supervision}。"))
    assert findings(result) == []


@pytest.mark.parametrize("office", ["市政协提案委", "政协提案委", "提案委"])
def test_cppcc_cc_abbreviations_satisfy_the_cc_rules(office):
    assert findings(check(cppcc(cc=f"抄送：{office}，市委市政府督查局。"))) == []


def test_chaobao_is_still_a_cc_colon_finding():
    result = check(npc(cc="抄报：市人大常委会选工委，市政府督查室。"))
    assert findings(result) == [("cc-colon", CC_LINE)]


@pytest.mark.parametrize("text", ["尊敬的周文华代表：", "周文华代表：", "许明轩委员：", "尊敬的欧阳明月代表：", "尊敬的李丹丹委员："])
def test_the_plain_salutation_reads_as_the_general_reader_does(text):
    """The fast path for the common form gives exactly what the reader of every form gives."""
    from checker.parser import lexer
    from checker.parser import patterns

    m = patterns.SALUTATION.match(text)
    assert lexer._plain_salutation(text, m) == lexer._person_salutation(text, m)


@pytest.mark.parametrize("text", ["尊敬的王某代表：", "各位代表：", "尊敬的周文华人大代表：", "周文华委员：您好", "尊敬的 周文华代表：",
                                  "周 文华代表：", "对周文华代表：", "尊敬周文华代表：", "周文华、马海燕代表：", "周文华同志："])
def test_every_other_salutation_is_left_to_the_general_reader(text):
    from checker.parser import lexer
    from checker.parser import patterns

    m = patterns.SALUTATION.match(text)
    assert m is not None and lexer._plain_salutation(text, m) is None

"""The letter's content against its own elements (issue 10, checker/engine/content.py): grade-body-consistency
(RL709), session-consistency (RL712), body-date-after-written (RL713), refusal-without-reason (RL714) and
deflection (RL315). Each is tried on the sentences real replies write, where a false alarm would cost trust:
the problem described with the same words as a refusal, the member's own words, plans and deadlines."""

from __future__ import annotations

import pytest

from checker.api import check_text
from checker.config import Configurator, Overrides
from checker.engine import load_rules
from checker.engine.content import CUE_PATTERNS, cues
from checker.engine.context import Context
from checker.engine.named import NAMED
from checker.resources import data_dir
from test_linear_time import superlinear

ISOLATED = Configurator(Overrides(isolated=True))
BASES = {name: (data_dir("rules") / "bases" / f"{name}.txt").read_text(encoding="utf-8") for name in ("npc", "cppcc")}
RULES = {compiled.rule.name: compiled.rule for compiled in load_rules()}
MINE = ("grade-body-consistency", "session-consistency", "body-date-after-written", "refusal-without-reason", "deflection")

# the npc base: grade A, its outcome paragraph (line 26) says the matter is solved
OUTCOME = "您提出的增设泊位、错时共享、规范秩序等事项均已落实，相关小区停车难问题已基本解决。"
OUTCOME_LINE = 26


def letter(base: str = "npc", **edits: str) -> str:
    text = BASES[base]
    for old, new in edits.items():
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


def edit(base: str, pairs: dict[str, str]) -> str:
    text = BASES[base]
    for old, new in pairs.items():
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


def found(text: str, rule: str):
    return [(d.span.line, d.severity.value, d.message) for d in check_text(text, "t.txt", ISOLATED).diagnostics
            if d.rule == rule]


def npc(outcome: str, grade: str = "A", **more) -> str:
    pairs = {OUTCOME: outcome, "办理结果：A": f"办理结果：{grade}"}
    pairs.update(more)
    return edit("npc", pairs)


# ---- RL709 grade-body-consistency ------------------------------------------------------------------------------

@pytest.mark.parametrize("outcome", [
    "群众反映无法停车的问题已经解决。",  # 无法 names the old problem
    "您在建议中提出“部分小区晚间无法停车”，这一问题已基本解决。",  # the member's words, quoted
    "您提出，部分小区居民晚间无法停车，对此我局已全部落实整改。",  # the member's words, reported
    "对尚未改造的小区，由属地街道督促物业加强管理，停车难问题已基本解决。",  # 尚未 qualifies a noun
    "针对部分小区道路狭窄难以停车的情况，我局已增设泊位，问题已基本解决。",  # the problem, after 针对
    "如确实无法增设泊位的，由街道协调周边单位错时开放，停车难问题已经解决。",  # a condition
    "相关小区停车难问题已基本解决。下一步，我局将继续巩固整治成效。",  # weak cue after 已基本解决
    "您提出的事项均已落实。目前，低层住户意见不一、资金筹集困难以及其他一些问题已经解决。",  # 困难以及 is not 难以
    "住户花钱买服务的意识尚未形成，相关工作已基本完成。",  # not about the item nor the unit's answer
    "改造完成以来，截至目前尚未发生安全事故，您提出的事项均已落实。",  # 尚未发生: a good outcome
])
def test_grade_a_is_not_contradicted_by_a_description_of_the_problem(outcome):
    assert found(npc(outcome), "grade-body-consistency") == []


@pytest.mark.parametrize("outcome, cue", [
    ("目前，该项目尚未开工。", "尚未"),
    ("您提出的增建立体车库事项，目前暂不具备实施条件。", "暂不具备实施条件"),
    ("您提出的增建立体车库事项已列入明年建设计划。", "列入明年建设计划"),
    ("您提出的增建立体车库的建议，经研究，留作今后工作参考。", "留作今后工作参考"),
])
def test_grade_a_with_a_strong_cue_is_a_warning_pointed_at_the_cue(outcome, cue):
    (line, severity, message), = found(npc(outcome), "grade-body-consistency")
    assert severity == "warning" and line == OUTCOME_LINE
    assert f"“{cue}”" in message and f"第{OUTCOME_LINE}行" in message and "第2行的办理结果A类" in message


def test_the_strongest_cue_is_quoted_even_when_a_weaker_one_comes_first():
    text = npc("您提出的增建车库事项目前难以实施。您提出的设立专项资金的建议，经研究，留作参考。", grade="B")
    (line, severity, message), = found(text, "grade-body-consistency")
    assert "“留作参考”" in message and severity == "warning"


def test_a_section_describing_the_situation_is_not_the_answer():
    described = npc("部分小区道路狭窄，相关停车问题已基本落实。", **{
        "二、办理成效": "二、存在困难\n\n（一）用地紧张\n\n我局调查发现，老旧小区目前难以新增地面泊位。\n\n三、办理成效"})
    assert found(described, "grade-body-consistency") == []
    answered = npc("部分小区道路狭窄，相关停车问题已基本落实。", **{
        "二、办理成效": "二、存在困难\n\n（一）下一步措施\n\n我局目前难以新增地面泊位。\n\n三、办理成效"})
    assert [f[1] for f in found(answered, "grade-body-consistency")] == ["warning"]


def test_a_weak_cue_is_info_only_when_the_body_never_says_solved():
    planned = npc("相关小区停车难问题有所缓解。下一步，我局将继续增设泊位。")
    (line, severity, message), = found(planned, "grade-body-consistency")
    assert (line, severity) == (OUTCOME_LINE, "info") and "“下一步”" in message and "没有一处说问题已经解决" in message
    solved = npc("相关小区停车难问题已基本解决。下一步，我局将继续增设泊位。")
    assert found(solved, "grade-body-consistency") == []


@pytest.mark.parametrize("outcome", [
    "其余楼栋已列入明年改造计划，目前尚未开工。",  # B: 列入计划, 尚未 are what B means
    "其余楼栋已列入明年改造计划，目前无法确定具体开工时间。",  # 无法确定 a date is not a refusal
    "下一步，我局将逐步推进。",
])
def test_grade_b_planned_work_is_consistent(outcome):
    assert found(npc(outcome, grade="B"), "grade-body-consistency") == []


def test_grade_b_with_a_refusal_is_a_warning():
    (line, severity, _), = found(npc("您提出的增建车库事项，目前暂不具备实施条件。", grade="B"), "grade-body-consistency")
    assert severity == "warning"


def test_grade_c_saying_solved_is_a_warning_but_a_partial_solution_is_not():
    (line, severity, message), = found(npc("您反映的问题已经解决。", grade="C"), "grade-body-consistency")
    assert severity == "warning" and "“已经解决”" in message
    partial = npc("主干道停车问题已基本解决，但小区内部增建车库暂不具备条件，受用地限制留作参考。", grade="C")
    assert found(partial, "grade-body-consistency") == []
    counted = npc("近年来已解决1200户居民停车问题。受用地限制，增建车库暂不具备条件，留作参考。", grade="C")
    assert found(counted, "grade-body-consistency") == []  # 已解决 + an object: work done elsewhere


def test_a_cohandling_letter_is_not_compared_with_its_grade():
    text = npc("目前，该项目尚未开工。", **{"第15号建议的答复": "第15号建议的会办意见", "尊敬的周文华代表：": "青川市交通运输局："})
    assert found(text, "grade-body-consistency") == []


def test_the_cue_lists_are_params():
    rule = RULES["grade-body-consistency"]
    params = dict(rule.check.params)
    result = check_text(npc("相关小区停车难问题有所缓解，还要久久为功。"), "t.txt", ISOLATED)
    ctx = Context(profile=None, last_line=0)
    assert NAMED["grade_body_consistency"](result.letter, ctx, params) == []
    params["weak"] = ["久久为功"]
    (finding,) = NAMED["grade_body_consistency"](result.letter, ctx, params)
    assert finding.params["found"] == "久久为功" and finding.severity == "info"


# ---- RL709 and RL714 never on the same sentence ---------------------------------------------------------------

@pytest.mark.parametrize("grade", ["A", "B", "C", "D"])
@pytest.mark.parametrize("sentence", [
    "您提出的增建立体车库的建议，我局认真研究后，暂不采纳。",
    "您提出的增建立体车库的建议，经研究，留作今后工作参考。",
    "您提出的增建立体车库的建议不予采纳。",
    "您提出的增建立体车库的问题，目前暂不能解决。",
])
def test_one_sentence_has_one_finding_at_most(grade, sentence):
    profile = "four-grade" if grade == "D" else None
    text = npc(sentence, grade=grade)
    result = check_text(text, "t.txt", Configurator(Overrides(isolated=True, profile=profile)))
    lines = [d.span.line for d in result.diagnostics if d.rule in ("grade-body-consistency", "refusal-without-reason")]
    assert lines.count(OUTCOME_LINE) == 1, [(d.rule, d.span.line) for d in result.diagnostics]


# ---- RL714 refusal-without-reason ------------------------------------------------------------------------------

def test_a_refusal_without_a_reason_is_reported_at_the_refusal():
    (line, severity, message), = found(npc("您提出的增建立体车库的建议，我局认真研究后，暂不采纳。", grade="C"),
                                       "refusal-without-reason")
    assert (line, severity) == (OUTCOME_LINE, "warning") and "“暂不采纳”" in message


@pytest.mark.parametrize("outcome", [
    "由于老旧小区用地紧张，您提出的增建立体车库的建议暂不采纳。",
    "受用地条件限制，增建立体车库目前难以实施。因此，您提出的这一建议暂不采纳。",
    "增建立体车库不符合现行消防间距规定，暂不采纳。",
    "对暂不能解决的问题，我局将列入明年计划统筹考虑，条件成熟时再行实施。",  # not a refusal: a group of items
    "您在建议中写道“如不予采纳，请说明理由”，我局已逐项说明。",  # quoted
])
def test_a_refusal_with_its_reason_or_no_refusal_is_not_reported(outcome):
    assert found(npc(outcome, grade="C"), "refusal-without-reason") == []


def test_the_reason_may_stand_in_the_paragraph_before():
    text = npc("您提出的增建立体车库的建议，暂不采纳。", grade="C",
               **{"二、办理成效": "二、办理成效\n\n老旧小区用地紧张，且受消防间距规定限制，新建车库选址困难。"})
    assert found(text, "refusal-without-reason") == []


def test_a_grade_c_reply_with_no_reason_anywhere_is_reported_at_the_grade():
    text = npc("您提出的增建立体车库的事项，我局将在今后工作中统筹考虑。", grade="C",
               **{"按照《青川市住宅小区停车管理办法》（青政办〔2024〕7号）要求，": ""})
    (line, severity, message), = found(text, "refusal-without-reason")
    assert line == 2 and "C类" in message


# ---- RL712 session-consistency ---------------------------------------------------------------------------------

OPENING = "您提出的《关于加强老旧小区停车管理的建议》（第15号）收悉"


def test_the_opening_session_differs_from_the_title():
    text = letter(**{OPENING: "您在市九届人大三次会议上提出的《关于加强老旧小区停车管理的建议》（第15号）收悉"})
    (line, severity, message), = found(text, "session-consistency")
    assert (line, severity) == (12, "error") and "市九届人大三次会议" in message and "第8行" in message
    result = check_text(text, "t.txt", ISOLATED)
    assert result.letter.session.meeting == 4 and result.letter.opening_session.meeting == 3


@pytest.mark.parametrize("opening", [
    "您在市九届人大四次会议上提出的《关于加强老旧小区停车管理的建议》（第15号）收悉",
    "您在市第九届人民代表大会第四次会议上提出的《关于加强老旧小区停车管理的建议》（第15号）收悉",
    "您提出的《关于加强老旧小区停车管理的建议》（第15号）收悉",
])
def test_the_same_session_or_none_in_the_opening_passes(opening):
    assert found(letter(**{OPENING: opening}), "session-consistency") == []


def test_no_session_in_the_title_no_comparison():
    text = letter(**{"关于市九届人大四次会议第15号建议的答复": "关于第15号建议的答复",
                     OPENING: "您在市九届人大三次会议上提出的《关于加强老旧小区停车管理的建议》（第15号）收悉"})
    assert found(text, "session-consistency") == []
    assert check_text(text, "t.txt", ISOLATED).letter.session.meeting == 3  # the opening's, as before


# ---- RL713 body-date-after-written -----------------------------------------------------------------------------

AFTER = "清理废弃车辆210余辆。"


@pytest.mark.parametrize("sentence", [
    "2025年6月18日，我局组织召开老旧小区停车管理推进会。",
    "我局于2025年6月18日召开了推进会。",
    "二〇二五年六月十八日，我局组织召开推进会。",
    "２０２５年６月１８日，我局组织召开推进会。",
])
def test_a_past_event_after_the_written_date_is_reported(sentence):
    (line, severity, message), = found(letter(**{AFTER: AFTER + sentence}), "body-date-after-written")
    assert (line, severity) == (22, "warning") and "2025年6月10日" in message


@pytest.mark.parametrize("sentence", [
    "我局计划于2025年12月31日前完成其余小区的泊位改造。",
    "预计2025年7月20日完工。",
    "推进会将于2025年7月1日召开。",
    "争取2025年9月30日全部投入使用。",
    "截至2025年8月1日前，完成全部摸底。",
    "《青川市住宅小区停车管理办法》自2025年7月1日起施行。",
    "按照《关于2025年7月1日开展停车专项整治的通知》要求，做好准备。",  # in a title
    "2025年6月3日，我局召开了专题推进会。",  # before the 成文日期
    "2025年6月10日，我局召开了专题推进会。",  # the same day
    "全市停车泊位2025年12月31日达到2万个。",  # neither opening its clause nor marked as done
    "具体安排如下：一是2025年9月30日，完成施工图设计；二是2025年12月31日，项目完工。",  # a schedule
])
def test_plans_deadlines_titles_and_earlier_dates_are_not_reported(sentence):
    assert found(letter(**{AFTER: AFTER + sentence}), "body-date-after-written") == []


# ---- RL315 deflection ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("sentence", [
    "您提出的小区道路改造事项属于市住建局职责，我局已将建议转交市住建局并协调办理。",
    "小区道路改造不属于我局职责。我局已将您的建议函告市住建局，请其研究办理。",
    "如有其他问题，请向我局住房保障科反映。",
    "您在建议中提到“有的部门说不属于我局职责”，对此我局已专门作了说明。",
])
def test_explaining_the_division_of_duties_while_acting_is_not_deflection(sentence):
    assert found(letter(**{AFTER: AFTER + sentence}), "deflection") == []


@pytest.mark.parametrize("sentence, phrase", [
    ("您提出的小区道路改造问题不属于我局职责范围，请向市城市管理局反映。", "不属于我局职责范围"),
    ("关于电梯维保资金的问题，建议您向市市场监管局咨询。", "建议您向市市场监管局咨询"),
    ("有关事项请您直接向所在区政府反映。", "请您直接向所在区政府反映"),
])
def test_sending_the_member_elsewhere_is_deflection(sentence, phrase):
    (line, severity, message), = found(letter(**{AFTER: AFTER + sentence}), "deflection")
    assert severity == "warning" and f"“{phrase}”" in message


def test_deflection_is_not_checked_in_a_cohandling_letter():
    text = letter(**{"第15号建议的答复": "第15号建议的会办意见", "尊敬的周文华代表：": "青川市交通运输局：",
                     AFTER: AFTER + "小区道路改造不属于我局职责，请向市城管局反映。"})
    assert found(text, "deflection") == []


# ---- RL707 proposal-number-consistency: another item's number ------------------------------------------------

MERGED = "您提出的提案与{item}内容相近，经市政府督查室同意，我局将两件进行了并案办理。"


@pytest.mark.parametrize("sentence", [
    MERGED.format(item="市政协九届三次会议第56号提案"),  # its own session, and a merged handling
    "您提出的提案与市政协七届五次会议第56号提案一并研究。",  # another session named before the number
    "第56号提案与您的提案同类，已一并答复。",
    "您此前提出的第56号提案已于去年办结。",
    "您曾提出第56号提案，我局已答复。",
])
def test_another_items_number_is_not_this_letters(sentence):
    text = edit("cppcc", {"今年以来，": sentence + "今年以来，"})
    assert found(text, "proposal-number-consistency") == []


@pytest.mark.parametrize("sentence", [
    "针对第72号提案提出的问题，",  # no cue: the letter's own item written wrong
    "针对市政协八届四次会议第72号提案提出的问题，",  # the letter's own session before it
])
def test_a_wrong_number_for_this_item_is_still_reported(sentence):
    text = edit("cppcc", {"今年以来，": sentence + "今年以来，"})
    assert [m for _, _, m in found(text, "proposal-number-consistency")] == [
        "正文中的编号“第72号”与标题中的编号（第27号，第8行）不一致，请核对"]


# ---- the compliant letters, and linear time ---------------------------------------------------------------------

@pytest.mark.parametrize("base", sorted(BASES))
def test_compliant_bases_get_nothing_from_these_rules(base):
    result = check_text(BASES[base], "t.txt", ISOLATED)
    assert [d.rule for d in result.diagnostics if d.rule in MINE] == []


def _param_patterns():
    out = []
    for name in MINE:
        params = RULES[name].check.params
        for key, value in params.items():
            if isinstance(value, list):
                out.extend((f"{name}.{key}[{i}]", p) for i, p in enumerate(cues(params, key)))
    return out


def test_every_cue_list_is_compiled_and_kept():
    patterns = _param_patterns()
    assert len(patterns) >= 40
    assert all(any(p in compiled for compiled in CUE_PATTERNS.values()) for _, p in patterns)


@pytest.mark.parametrize("label, pattern", _param_patterns(), ids=lambda v: v if isinstance(v, str) else "")
def test_cue_patterns_run_in_linear_time(label, pattern):
    assert superlinear(pattern) is None, f"{label} {pattern.pattern!r}: {superlinear(pattern)}"


def test_one_request_not_adopted_in_a_b_letter_is_judged_for_its_reason_not_against_the_grade():
    # B (正在解决): a request of several not adopted does not contradict B; what a reviewer flags is the missing reason
    text = npc("您提出的设立专项扶持资金的建议，我局暂不采纳。", grade="B")
    assert found(text, "grade-body-consistency") == []
    (line, severity, _), = found(text, "refusal-without-reason")
    assert (line, severity) == (OUTCOME_LINE, "warning")
    with_reason = npc("由于市级财政已设立渔业发展资金，您提出的另设专项扶持资金的建议，我局暂不采纳。", grade="B")
    assert found(with_reason, "refusal-without-reason") == [] and found(with_reason, "grade-body-consistency") == []


@pytest.mark.parametrize("outcome", [
    "城东片区规划用地已全部出让，短期内难以落实用地，您的建议我局留作参考。",
    "该选址与《青川市饮用水水源保护区划定方案》的管控要求不符，您的建议我局留作参考。",
    "新馆建设需投资约4.5亿元，目前市级财政无力承担，您的建议我局留作参考。",
    "取消限行将造成中心城区交通拥堵加剧，目前取消的时机还不成熟，您的建议我局留作参考。",
    "该工程需投资约18亿元，远超财政承受能力，因此您的建议我局留作参考。",
])
def test_a_reason_in_plain_words_is_a_reason(outcome):
    assert found(npc(outcome, grade="C"), "refusal-without-reason") == []


def test_a_b_letter_in_progress_with_one_request_kept_for_reference_is_b():
    text = npc("您提出的增设泊位事项正在推进。受用地和资金限制，建设立体车库的建议我局留作参考。", grade="B")
    assert found(text, "grade-body-consistency") == [] and found(text, "refusal-without-reason") == []
    # without its reason, the refusal is reported once, by refusal-without-reason
    bare = npc("您提出的增设泊位事项正在推进。建设立体车库的建议我局留作参考。", grade="B")
    assert found(bare, "grade-body-consistency") == [] and len(found(bare, "refusal-without-reason")) == 1


def test_a_plan_in_a_later_clause_does_not_hide_a_past_event_dated_after_the_letter():
    # the letter is dated 2025年6月10日: a meeting held on 6月26日 cannot be in it; the 计划 dates the next step
    late = "2025年6月26日，我局召开专题会议，对实施方案进行了讨论修改，计划2025年10月报市政府审定。"
    assert len(found(npc(late), "body-date-after-written")) == 1
    # a plan word in the clause right after the date still makes it a plan
    assert found(npc("2025年9月1日，新修订的管理办法将正式施行。"), "body-date-after-written") == []

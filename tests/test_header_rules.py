"""Header rules and profiles (issue 10, part H1): the default profile and its old name, grades written 甲乙丙丁,
the years of the national sessions (and only for national sessions), 公开属性 with its reason, 紧急程度 values,
and the 发文机关标志 compared with the 署名 (abbreviations, 中华人民共和国, joint letters)."""

from __future__ import annotations

import pytest

from checker.api import check_text
from checker.config import Configurator, Overrides
from checker.engine.kinds import _same_organ
from checker.parser.build import parse_lines
from checker.profile import Profile, builtin_profile, builtin_profiles, load_profile
from checker.resources import data_dir

NPC = (data_dir("rules") / "bases" / "npc.txt").read_text(encoding="utf-8")
CPPCC = (data_dir("rules") / "bases" / "cppcc.txt").read_text(encoding="utf-8")
ISOLATED = Configurator(Overrides(isolated=True))


def letter_with(base: str, *edits: tuple[str, str]) -> str:
    text = base
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new)
    return text


def findings(text: str, configurator: Configurator = ISOLATED) -> list[tuple[str, int]]:
    return [(d.rule, d.span.line) for d in check_text(text, "letter.txt", configurator).diagnostics]


def rules_fired(text: str, configurator: Configurator = ISOLATED) -> set[str]:
    return {rule for rule, _ in findings(text, configurator)}


# ---- profiles ---------------------------------------------------------------------------------------------

def test_the_default_profile_is_three_grade_and_national_is_its_old_name():
    assert builtin_profile().name == "three-grade"
    assert builtin_profile("national") == builtin_profile("three-grade")
    assert load_profile("national") == builtin_profile()
    assert "national" not in builtin_profiles()  # no second file: one profile, two names
    assert ISOLATED.for_path("letter.txt").profile.name == "three-grade"


@pytest.mark.parametrize("how", ["override", "config"])
def test_profile_national_still_selects_the_three_grade_profile(tmp_path, how):
    if how == "config":
        (tmp_path / "replylint.toml").write_text('profile = "national"\n', encoding="utf-8")
        effective = Configurator(Overrides()).for_path(str(tmp_path / "letter.txt"))
    else:
        effective = Configurator(Overrides(isolated=True, profile="national")).for_path("letter.txt")
    assert effective.profile.name == "three-grade"
    assert effective.profile.grades == ["A", "B", "C"]


def test_cli_profile_national_is_accepted(tmp_path):
    from click.testing import CliRunner

    from checker.cli import main
    letter = tmp_path / "letter.txt"
    letter.write_text(NPC, encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "--isolated", "--profile", "national", str(letter)])
    assert result.exit_code == 0, result.output


def test_a_profile_may_list_its_grades_as_jia_yi_bing_ding():
    profile = Profile.model_validate({"name": "cn", "grades": ["甲", "乙", "丙类"], "disclosures": ["主动公开"],
                                      "grade_words": {"已经解决": "甲", "留作参考": "C"}})
    assert profile.grades == ["A", "B", "C"] and profile.cn_grades
    assert profile.grade_words == {"已经解决": "A", "留作参考": "C"}
    assert not builtin_profile().cn_grades


def test_grade_label_format_accepts_jia_lei_only_where_the_profile_writes_grades_so():
    text = letter_with(NPC, ("办理结果：A", "办理结果：甲类"))
    cn = Configurator(Overrides(isolated=True, profile=str(data_dir("rules") / "bases" / "cn-grades-profile.toml")))
    assert "grade-label-format" in rules_fired(text)
    fired = rules_fired(text, cn)
    assert "grade-label-format" not in fired and "grade-invalid-value" not in fired


@pytest.mark.parametrize("grade", ["办理结果：B类（正在解决）", "办理结果：B类 列入计划解决", "B类（正在解决）", "B类 列入计划解决",
                                   "乙类", "办理结果：乙类"])
def test_a_grade_letter_with_its_words_is_a_valid_grade(grade):
    text = letter_with(NPC, ("办理结果：A", grade))
    letter = parse_lines(text.split("\n")).letter
    assert letter.grade.value == "B"
    assert "grade-invalid-value" not in rules_fired(text)


def test_ding_lei_is_d_valid_in_four_grade_only():
    text = letter_with(NPC, ("办理结果：A", "丁类"))
    assert "grade-invalid-value" in rules_fired(text)
    assert "grade-invalid-value" not in rules_fired(text, Configurator(Overrides(isolated=True, profile="four-grade")))


def test_grade_missing_is_a_warning():
    result = check_text(letter_with(NPC, ("办理结果：A\n", "")), "letter.txt", ISOLATED)
    [missing] = [d for d in result.diagnostics if d.rule == "grade-missing"]
    assert missing.severity.value == "warning"


def test_signer_position_is_info_at_most():
    result = check_text(letter_with(NPC, ("青建复〔2025〕12号    签发人：林志远", "青建复〔2025〕12号\n\n签发人：林志远")),
                        "letter.txt", ISOLATED)
    assert {d.severity.value for d in result.diagnostics if d.rule == "signer-position"} == {"info"}


# ---- national session years ----------------------------------------------------------------------------------

@pytest.mark.parametrize("body", ["人大", "政协"])
def test_the_default_profile_knows_the_national_sessions_from_the_12th_term(body):
    years = builtin_profile().session_years
    assert years[f"全国{body}12届1次"] == 2013 and years[f"全国{body}12届5次"] == 2017
    assert years[f"全国{body}13届1次"] == 2018 and years[f"全国{body}13届5次"] == 2022
    assert years[f"全国{body}14届1次"] == 2023 and years[f"全国{body}14届2次"] == 2024
    assert years[f"全国{body}14届5次"] == 2027
    assert not any(not key.startswith("全国") for key in years)  # no regional session in a shipped profile
    assert builtin_profile("four-grade").session_years == years


@pytest.mark.parametrize("session, national", [
    ("十四届全国人大二次会议", True), ("第十四届全国人民代表大会第二次会议", True), ("全国政协十四届二次会议", True),
    ("政协第十四届全国委员会第二次会议", True), ("市十四届人大二次会议", False), ("省政协十四届二次会议", False),
])
def test_a_session_is_national_when_it_names_the_national_body(session, national):
    text = letter_with(NPC, ("市九届人大四次会议", session))
    letter = parse_lines(text.split("\n")).letter
    assert letter.session.national is national


def _dated(base: str, session_old: str, session: str, day: str) -> str:
    return letter_with(base, (session_old, session), ("2025年6月10日", day), ("〔2025〕", f"〔{day[:4]}〕"))


@pytest.mark.parametrize("session", ["十四届全国人大二次会议", "第十四届全国人民代表大会第二次会议"])
def test_a_reply_before_its_national_session_is_reported(session):
    text = _dated(NPC, "市九届人大四次会议", session, "2023年6月10日")
    assert ("date-vs-session-year", 32) in findings(text)
    assert "date-vs-session-year" not in rules_fired(_dated(NPC, "市九届人大四次会议", session, "2024年6月10日"))


def test_a_national_cppcc_session_is_checked_too():
    text = _dated(CPPCC, "市政协八届四次会议", "政协第十四届全国委员会第二次会议", "2023年6月10日")
    assert "date-vs-session-year" in rules_fired(text)


@pytest.mark.parametrize("session", ["市十四届人大二次会议", "省十四届人大二次会议", "区十三届人大一次会议"])
def test_a_regional_session_is_never_judged_by_the_national_years(session):
    # 市十四届人大二次会议 is not the 2024 national session: a reply of 2023 may answer it
    text = _dated(NPC, "市九届人大四次会议", session, "2023年6月10日")
    assert "date-vs-session-year" not in rules_fired(text)


def test_a_regional_profile_keeps_its_own_sessions_apart_from_the_national_ones(tmp_path):
    profile = (data_dir("rules") / "profiles" / "three-grade.toml").read_text(encoding="utf-8")
    (tmp_path / "region.toml").write_text(profile + '"人大14届2次" = 2022\n', encoding="utf-8")
    region = Configurator(Overrides(isolated=True, profile=str(tmp_path / "region.toml")))
    regional = _dated(NPC, "市九届人大四次会议", "市十四届人大二次会议", "2021年6月10日")
    national = _dated(NPC, "市九届人大四次会议", "十四届全国人大二次会议", "2023年6月10日")
    assert "date-vs-session-year" in rules_fired(regional, region)  # the region's year, 2022
    assert "date-vs-session-year" in rules_fired(national, region)  # the national year, 2024
    assert "date-vs-session-year" not in rules_fired(letter_with(regional, ("2021年6月10日", "2022年6月10日"),
                                                                 ("〔2021〕", "〔2022〕")), region)


# ---- 公开属性 ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("written, value, reason", [
    ("公开属性：不予公开（理由：涉及个人隐私）", "不予公开", "涉及个人隐私"),
    ("（公开属性：不予公开（涉及个人隐私））", "不予公开", "涉及个人隐私"),
    ("公开属性：依申请公开，理由：涉及第三方合法权益", "依申请公开", "涉及第三方合法权益"),
    ("公开属性：不予公开 理由：涉及个人隐私", "不予公开", "涉及个人隐私"),
    ("公开属性：不予公开（理由：涉及国家秘密和个人隐私，依据《中华人民共和国政府信息公开条例》第十四条）", "不予公开",
     "涉及国家秘密和个人隐私，依据《中华人民共和国政府信息公开条例》第十四条"),
    ("公开属性：不予公开", "不予公开", None),
    ("公开属性：依申请公开（）", "依申请公开", None),
    ("公开属性：主动公开", "主动公开", None),
    ("公开属性：删减后公开", "删减后公开", None),
])
def test_a_disclosure_value_and_its_reason_are_read_apart(written, value, reason):
    text = letter_with(NPC, ("公开属性：主动公开", written))
    disclosure = parse_lines(text.split("\n")).letter.disclosure
    assert (disclosure.value, disclosure.reason) == (value, reason)
    fired = rules_fired(text)
    assert "disclosure-invalid-value" not in fired
    assert ("disclosure-reason" in fired) is (value in ("不予公开", "依申请公开") and reason is None)
    assert "unrecognised-text" not in fired


def test_a_withheld_note_below_the_date_needs_its_reason_too():
    text = letter_with(NPC, ("公开属性：主动公开\n", ""), ("2025年6月10日\n\n（联系人", "2025年6月10日\n\n（此件不予公开）\n\n（联系人"))
    assert "disclosure-reason" in rules_fired(text)


def test_a_portal_disclosure_field_is_not_asked_for_a_reason():
    text = "公开方式：依申请公开    成文日期：2025-06-10\n\n" + letter_with(NPC, ("公开属性：主动公开\n", ""))
    letter = check_text(text, "letter.txt", ISOLATED).letter
    assert (letter.disclosure.value, letter.disclosure.source) == ("依申请公开", "metadata")
    assert "disclosure-reason" not in rules_fired(text)


# ---- 紧急程度 ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("written, value, wrong", [
    ("特急", "特急", False), ("加急", "加急", False), ("特  急", "特急", False), ("急件", "急件", True),
    ("加急件", "加急件", True), ("特急件", "特急件", True), ("紧急", "紧急", True), ("急", "急", True),
])
def test_urgency_values(written, value, wrong):
    text = letter_with(NPC, ("公开属性：主动公开", f"{written}\n公开属性：主动公开"))
    letter = parse_lines(text.split("\n")).letter
    assert letter.urgency.value == value
    assert findings(text).count(("urgency-value", 1)) == (1 if wrong else 0)
    assert "unrecognised-text" not in rules_fired(text)


def test_secrecy_and_urgency_each_report_their_own_line_once():
    text = letter_with(NPC, ("公开属性：主动公开", "秘密★一年\n急件\n公开属性：不予公开（理由：涉及国家秘密）"))
    found = findings(text)
    assert ("secret-urgency-format", 1) in found and ("urgency-value", 2) in found
    assert [line for rule, line in found if rule in ("secret-urgency-format", "urgency-value")] == [1, 2]


# ---- 发文机关标志 and 署名 ------------------------------------------------------------------------------------

@pytest.mark.parametrize("mark, signature", [
    ("青川市住房和城乡建设局", "青川市住房和城乡建设局"),
    ("中华人民共和国住房和城乡建设部", "住房和城乡建设部"),
    ("中华人民共和国住房和城乡建设部", "住房城乡建设部"),
    ("青川市住建局", "青川市住房和城乡建设局"),
    ("青川市发展和改革委员会", "青川市发改委"),
    ("青川市人民政府", "青川市政府"),
    ("青川市住房和城乡建设局、青川市交通运输局", "青川市住房和城乡建设局、青川市交通运输局"),
    ("青川市住房和城乡建设局青川市交通运输局", "青川市住房和城乡建设局、青川市交通运输局"),
    ("青川市住房和城乡建设局", "青川市住房和城乡建设局、青川市交通运输局"),
    ("青川市住房和城乡建设局青川市交通运输局", "青川市交通运输局"),
])
def test_same_organ(mark, signature):
    assert _same_organ(mark, signature)


@pytest.mark.parametrize("mark, signature", [
    ("青川市城市管理局", "青川市住房和城乡建设局"),
    ("青川市人民政府", "青川市人民政府办公室"),
    ("青川市人民政府办公室", "青川市人民政府"),
    ("云岭市平溪区农业农村局", "云岭市平溪区农村经济发展服务中心"),
    ("青川市住房和城乡建设局", "青川市交通运输局、青川市财政局"),
])
def test_not_the_same_organ(mark, signature):
    assert not _same_organ(mark, signature)


@pytest.mark.parametrize("mark", ["青川市住房和城乡建设局\n青川市交通运输局", "青川市住房和城乡建设局\n青川市交通运输局    文件",
                                  "青川市住房和城乡建设局    青川市交通运输局    文件"])
@pytest.mark.parametrize("signature", ["青川市住房和城乡建设局\n\n青川市交通运输局", "青川市住房和城乡建设局    青川市交通运输局"])
def test_a_joint_letter_naming_both_organs_in_mark_and_signature_is_quiet(mark, signature):
    text = letter_with(CPPCC, ("青川市住房和城乡建设局文件\n\n青建提复", f"{mark}\n\n青建提复"),
                       ("青川市住房和城乡建设局\n\n2025年6月10日\n", f"{signature}\n\n2025年6月10日\n"))
    fired = rules_fired(text)
    assert not fired & {"issuer-mark-consistency", "element-duplicated", "unrecognised-text"}, findings(text)


def test_organ_marks_apart_are_still_two_marks():
    text = letter_with(CPPCC, ("青建提复〔2025〕27号    签发人：林志远", "青建提复〔2025〕27号    签发人：林志远\n\n青川市交通运输局"))
    assert parse_lines(text.split("\n")).letter.organ_mark.value == "青川市住房和城乡建设局"

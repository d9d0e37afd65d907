"""Named checks on how a letter names its item and addresses the member: the title's preposition (关于 /
对 / 关于对), 你 / 你们 / 您们 to the member, 该代表 about the addressee, a joint suggestion answered to one
name. Registered in named.py (``CHECKS`` below), used by rules/title.toml, rules/body.toml and
rules/consistency.toml; this module imports nothing from named.py, so the two make no import circle.
"""

from __future__ import annotations

import re

from ..model import Kind, Letter
from ..parser.patterns import Quoted, quotation_tails
from .context import Finding, joined_body

_NOUN = {Kind.NPC: "建议", Kind.CPPCC: "提案"}


# ---- 标题的介词 -------------------------------------------------------------------------------------------

# an organ name before the title's 事由 (青川市住房和城乡建设局关于…): bounded and anchored, so linear
_TITLE_ORGAN = re.compile(r"^[\u4e00-\u9fff（）()]{2,40}?(?:局|厅|委员会|委|办公室|办|政府|院|部|署|中心|公司|集团)(?=关于|对)")
_ORGAN_NAME = re.compile(r"[\u4e00-\u9fff（）()、]{2,40}")
# where an organ name ends when 关于 is missing after it (青川市住房和城乡建设局市政协八届…)
_ORGAN_BEFORE_ITEM = re.compile(r"^[\u4e00-\u9fff（）()]{2,40}?(?:局|厅|委员会|办公室|政府|院|部|署|中心|公司|集团)"
                                r"(?=[市县区省]|政协|第|[十一二三四五六七八九]+届)")


def title_preposition(letter: Letter, ctx, params) -> list:
    """关于…的答复 and 对…的答复 are both standard (after an optional organ name); 关于对 stacks the two
    prepositions (one finding, ``stacked``); a title beginning with neither gets ``missing``. Never asks
    for 关于 before 对."""
    title = letter.title
    if title is None or not title.value:
        return []
    value = title.value
    # where the 事由 starts: after an organ name, whatever its last character (市红十字会关于…), when 关于
    # follows one; else after an organ of the usual endings followed by 对
    at = value.find("关于", 0, 42)
    if at <= 0 or not _ORGAN_NAME.fullmatch(value, 0, at):
        organ = _TITLE_ORGAN.match(value)
        at = organ.end() if organ else 0
    rest = value[at:]
    if rest.startswith("关于对"):
        expected, other = value[:at] + "关于" + rest[3:], value[:at] + rest[2:]
        found = params.get("stacked", "").replace("{expected}", expected).replace("{other}", other)
        return [Finding(title.span, {"value": value, "raw": title.raw, "expected": expected, "other": other,
                                     "found": found}, element=title)]
    if rest.startswith(("关于", "对")):
        return []
    dui = value.find("对", 0, 42)
    if dui > 0 and _ORGAN_NAME.fullmatch(value, 0, dui):  # an organ of another ending, then 对: standard
        return []
    organ = _ORGAN_BEFORE_ITEM.match(value)
    at = organ.end() if organ else 0
    expected = value[:at] + "关于" + value[at:]
    return [Finding(title.span, {"value": value, "raw": title.raw, "expected": expected,
                                 "found": params.get("missing", "").replace("{expected}", expected)}, element=title)]


# ---- 对代表委员的称呼 ---------------------------------------------------------------------------------------

_YOU = re.compile(r"您们|你们|你")
# 你 in set phrases where it is no pronoun for the reader (你追我赶, 不分你我, 迷你), and 你 + a unit
# (你单位, 你局, 你方: a unit addressed, informal but another matter)
_NOT_ADDRESS = re.compile(r"你追我赶|你来我往|你争我夺|你中有我|我中有你|不分你我|你我他|你我|迷你|你死我活|你方唱罢"
                          r"|你们单位|你(?:单位|局|委|办|厅|院|部|处|科|中心|公司|学校|校|市|县|区|方)")
_ADDRESSED_PERSONS = ("person", "placeholder", "greeting")


def respectful_address(letter: Letter, ctx, params) -> list:
    """你, 你们 or 您们 to the member (the letter is addressed to a person: a member, a placeholder left by
    the publisher, or a bare greeting), outside quotation marks and 《》 (a quotation of several paragraphs
    included: ``quotation_tails``); one finding per paragraph, at the
    first such word. A letter to a unit or an organisation is not addressed to a member."""
    sal = letter.salutation
    if sal is not None and sal.addressee not in _ADDRESSED_PERSONS:
        return []
    text, starts, paragraphs = joined_body(letter, ctx)
    if "你" not in text and "您们" not in text:
        return []
    found = []
    several = "各位代表" if letter.kind is Kind.NPC else "各位委员" if letter.kind is Kind.CPPCC else "各位代表（委员）"
    tails = quotation_tails([p.text for p in paragraphs])  # a quotation of several paragraphs is not the letter's
    for p, tail in zip(paragraphs, tails):
        if "你" not in p.text and "您们" not in p.text:
            continue
        quoted = None
        skip = [m.span() for m in _NOT_ADDRESS.finditer(p.text)]
        for m in _YOU.finditer(p.text):
            if any(a <= m.start() < b for a, b in skip) or m.start() >= tail:
                continue
            if quoted is None:
                quoted = Quoted(p.text)
            if m.start() in quoted:
                continue
            word = m.group(0)
            expected = "您" if word == "你" else f"您”或“{several}"
            found.append(Finding(p.span_of(m.start(), m.end()),
                                 {"found": word, "value": word, "expected": expected}))
            break  # one finding for the paragraph
    return found


# ---- 称收信人为“该代表” ----------------------------------------------------------------------------------

# not 该代表团 / 该代表队 / 该委员会, nor a place or a group named after the deputies (该代表联络站, 该代表之家)
_THIRD_PERSON = re.compile(r"该(?:代表|委员)(?![团队会处性作]|联络站|工作站|之家|小组|大会|活动)|(?:这|此)位(?:代表|委员)")


def third_person_member(letter: Letter, ctx, params) -> list:
    """该代表 / 该委员 in a reply addressed to that member by name (or to a placeholder of a name): the
    reader is spoken of in the third person. One finding per paragraph."""
    sal = letter.salutation
    if sal is None or sal.addressee not in ("person", "placeholder") or not sal.role:
        return []
    text, starts, paragraphs = joined_body(letter, ctx)
    if "该" not in text and "位" not in text:
        return []
    found = []
    tails = quotation_tails([p.text for p in paragraphs])
    for p, tail in zip(paragraphs, tails):
        quoted = None
        for m in _THIRD_PERSON.finditer(p.text):
            if m.start() >= tail:
                continue
            if quoted is None:
                quoted = Quoted(p.text)
            if m.start() in quoted:
                continue
            found.append(Finding(p.span_of(m.start(), m.end()),
                                 {"found": m.group(0), "value": m.group(0), "expected": "您"}))
            break
    return found


# ---- 联名建议只称一人 --------------------------------------------------------------------------------------

# the item is a joint one: 您领衔提出的, 联名提出, 联名建议, 等N位代表 / 等N名委员 (not 由市领导领衔督办, nor 居民联名反映)
_JOINT = re.compile(r"[您你](?:领衔|联名)|(?:代表|委员)(?:们)?(?:领衔|联名)|领衔(?:提出|所提)|联名(?:提出|所提|建议|提案)"
                    r"|等\s*+[0-9一二三四五六七八九十]{1,3}\s*+[位名](?:代表|委员)")
# the co-signers are not forgotten: the body speaks to or of them as such (请转告其他联名代表, 感谢各位联名委员),
# or they are given a copy (抄送：马某代表)
_OTHERS_MENTIONED = re.compile(r"(?:其他|其余|各位)(?:[0-9一二三四五六七八九十]{1,2}位)?(?:联名|附议)的?(?:代表|委员)(?!会)"
                               # 您与王某、李某委员联名提出的: the co-signers named in the body
                               r"|[您你]与(?!其他|其余|多位|几位|部分|有关|相关|其它)[\u4e00-\u9fff]{2,4}(?:、[\u4e00-\u9fff]{2,4})*(?:等)?(?:代表|委员)?(?:联名|共同)")
# a title naming several members (关于周某、李某代表所提…, 关于周某等5位代表…)
_TITLE_SEVERAL = re.compile(r"[\u4e00-\u9fff]{2,4}(?:、[\u4e00-\u9fff]{2,4})+(?:代表|委员)|等\s*+[0-9一二三四五六七八九十]{1,3}\s*+[位名](?:代表|委员)")


def joint_addressee(letter: Letter, ctx, params) -> list:
    """The body speaks of a joint item (联名, 领衔, 等N位代表) or the title names several members, but the
    salutation names one person only. Silent for several names, 等 / 等N位, 各位代表 and 代表们."""
    sal = letter.salutation
    if sal is None or sal.addressee != "person" or len(sal.names) != 1 or sal.others:
        return []
    if "们" in sal.raw or "各位" in sal.raw:
        return []
    cue = None
    title = letter.title
    if title is not None and title.value:
        m = _TITLE_SEVERAL.search(Quoted(title.value).outside(title.value))
        if m:
            cue = m.group(0)
    if cue is None:
        text, starts, paragraphs = joined_body(letter, ctx)
        quoted = Quoted(text)
        for m in _JOINT.finditer(text):
            if m.start() not in quoted:
                cue = m.group(0)
                break
    if cue is None:
        return []
    text = joined_body(letter, ctx)[0]
    if _OTHERS_MENTIONED.search(text):
        return []
    if letter.cc is not None and any(r.endswith(("代表", "委员")) for r in letter.cc.value):
        return []
    return [Finding(sal.span, {"found": cue, "value": sal.value, "raw": sal.raw, "expected": "、".join(sal.names)},
                    element=sal)]


CHECKS = (title_preposition, respectful_address, third_person_member, joint_addressee)

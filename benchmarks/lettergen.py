#!/usr/bin/env python3
"""lettergen: synthetic, FICTIONAL reply letters (答复函) for benchmarks and property tests.

Every organ, place, person, phone number and document number is assembled at random from
syllable and phrase lists; nothing is taken from real letters. Standard library only.

API
    generate_letter(rng, *, defect_rate=0.3) -> str
    generate_letter_meta(rng, *, defect_rate=0.3, defects=None) -> Letter   (text + ground truth)
    generate_corpus(n, seed=0, defect_rate=0.3) -> list[str]

CLI
    python benchmarks/lettergen.py OUT_DIR -n 2000 --seed 1 [--defect-rate 0.3] [--manifest]

Output is deterministic for a given seed (and Python version). ``Letter.defects`` lists the injected
defect ids (keys of ``DEFECTS``, whose values are the replylint rule ids expected to fire);
``Letter.variants`` lists legitimate-but-notable layout choices that may trigger info-level (or
configurable) findings, e.g. ``contact-after-cc`` or ``disclosure-absent``.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import random
import re
import sys
from dataclasses import dataclass, field

__all__ = [
    "DEFECTS",
    "Letter",
    "generate_corpus",
    "generate_letter",
    "generate_letter_meta",
]

# ---------------------------------------------------------------------------------------------
# Vocabulary
# ---------------------------------------------------------------------------------------------

_CN = "一二三四五六七八九"


def _cn(n: int) -> str:
    """Chinese numeral for 1..99 (一 … 十 … 十九 … 二十三)."""
    if n < 10:
        return _CN[n - 1]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _CN[tens - 1]) + "十" + (_CN[ones - 1] if ones else "")


_SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯董程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛"
    "叶余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯孟龙万段钱汤尹黎易常武乔贺"
)
_GIVEN = "建国华明丽静敏军伟芳娜秀英霞平刚桂兰玉志强磊洋艳杰涛超娟红宇浩鹏飞凯晨欣雨婷琳雪梅海波斌燕琦晖亮振东岚瑞博文涵睿思源嘉怡然轩萱清远新卫春秋立德晶璐"

# Fictional place-name syllables (first/second sets are disjoint, so no "XX" doubling).
_CITY1 = "青柳岚禾澄沐栖桐芷泓霁琅瑶棠枫槐榆杉"
_CITY2 = "澜汀渚坪岑湾屿麓浔垣塘泽峪陵溪"
_DIST1 = "东西南北中新"
_DIST2 = "埠屿坊垣汀麓湾澄"

# key: (full organ suffix, 代字 abbreviation, domain word)
_ORGANS = {
    "zj": ("住房和城乡建设局", "建", "住房和城乡建设"),
    "jy": ("教育局", "教", "教育"),
    "jt": ("交通运输局", "交", "交通运输"),
    "cg": ("城市管理局", "城管", "城市管理"),
    "mz": ("民政局", "民", "民政"),
}

_GEN_ACTIONS = (
    "加强与相关部门的沟通协调",
    "建立定期会商和督导检查机制",
    "把相关工作纳入年度重点任务清单",
    "组织专人深入街道社区开展实地调研",
    "广泛听取群众和基层单位的意见",
)
_GEN_GOALS = (
    "确保各项措施落到实处",
    "不断提升群众的获得感和满意度",
    "形成齐抓共管的工作合力",
    "推动问题逐步得到解决",
)
_GEN_SUBHEADS = ("强化组织领导", "加强部门协作", "加大资金投入", "强化宣传引导", "完善长效机制", "加强督促检查")
_GEN_POLICIES = ("{C}关于进一步加强{D}工作的实施意见", "{C}{D}领域重点工作任务分解方案")

# Each topic: organs that may answer it, proposal titles, sub-headings, verb phrases, goals,
# data sentence templates ({P} 全市/全区, {Y} year, {a}/{b} numbers, {p} percent), issues, policies.
_TOPICS_RAW = (
    dict(
        organs=("zj",),
        titles=("加强住宅小区物业管理", "提升老旧小区物业服务水平", "规范物业服务收费行为", "推动无物业小区纳入管理"),
        subheads=("加强物业服务监管", "推动业主自治", "规范物业服务收费", "化解物业服务矛盾"),
        actions=(
            "指导街道社区依法成立业主委员会",
            "开展物业服务质量专项检查",
            "推行物业服务企业信用评价制度",
            "督促物业服务企业公开收费项目和标准",
            "建立物业矛盾纠纷多元调解机制",
            "对无物业小区实施兜底托管服务",
        ),
        goals=("推动物业服务规范化发展", "有效化解物业服务矛盾", "逐步实现物业管理全覆盖", "切实维护业主合法权益"),
        data=(
            "{P}共有住宅小区{a}个，其中实行专业化物业管理的有{a2}个。",
            "{Y}年以来共受理物业服务投诉{a}件，办结率达到{p}%。",
            "目前{P}登记备案的物业服务企业共{a}家，从业人员约{b}人。",
        ),
        issues=("部分老旧小区仍存在物业服务缺位问题", "个别物业服务企业服务意识不强", "业主委员会组建率仍然偏低"),
        policies=("{C}物业管理条例实施细则", "{C}住宅小区物业服务考核办法"),
    ),
    dict(
        organs=("zj",),
        titles=("加快推进老旧小区改造", "推进既有住宅加装电梯", "完善老旧小区配套设施"),
        subheads=("科学制定改造计划", "完善配套基础设施", "推进既有住宅加装电梯", "拓宽改造资金渠道"),
        actions=(
            "统筹推进老旧小区水电气暖管网改造",
            "同步实施雨污分流和外墙保温改造",
            "积极争取中央和省级补助资金",
            "稳步推进既有住宅加装电梯工作",
            "完善小区无障碍和适老化设施",
        ),
        goals=("持续改善居民居住条件", "补齐小区配套设施短板", "提升老旧小区宜居水平"),
        data=(
            "{Y}年{P}共实施老旧小区改造项目{a}个，惠及居民{b}户。",
            "{P}建成于2000年以前的老旧小区共{a}个，总建筑面积约{c}万平方米。",
            "截至目前，{P}累计完成既有住宅加装电梯{a}部。",
        ),
        issues=("改造资金筹措渠道相对单一", "部分楼栋居民意见难以统一", "个别小区改造空间有限"),
        policies=("{C}城镇老旧小区改造工作实施方案", "{C}既有住宅加装电梯管理办法"),
    ),
    dict(
        organs=("cg",),
        titles=("推进生活垃圾分类工作", "完善社区垃圾分类设施", "提高居民垃圾分类参与率"),
        subheads=("完善分类投放设施", "健全收运处置体系", "加强宣传教育引导", "开展示范小区创建"),
        actions=(
            "在居民小区合理设置分类投放点",
            "推行定时定点分类投放模式",
            "完善生活垃圾分类收集运输体系",
            "开展垃圾分类进社区进学校宣传活动",
            "配备专职督导员开展桶边指导",
        ),
        goals=("提高居民分类投放准确率", "推动生活垃圾减量化资源化", "营造全民参与的良好氛围"),
        data=(
            "目前{P}已建成生活垃圾分类示范小区{a}个，覆盖居民{b}户。",
            "{P}日均清运生活垃圾约{a}吨，资源化利用率达到{p}%。",
        ),
        issues=("部分居民分类习惯尚未养成", "末端处理能力仍需提升", "分类收运车辆配备不足"),
        policies=("{C}生活垃圾分类管理办法", "{C}生活垃圾分类工作三年行动方案"),
    ),
    dict(
        organs=("cg", "jt"),
        titles=("缓解老旧小区停车难问题", "规范城区车辆停放秩序", "增加公共停车泊位供给"),
        subheads=("增加停车泊位供给", "推行错时共享停车", "规范路内停车管理", "建设智慧停车平台"),
        actions=(
            "利用边角空地新建公共停车场",
            "推行机关企事业单位错时共享停车",
            "规范设置路内临时停车泊位",
            "推进智慧停车信息平台建设",
            "加强对占道停车行为的巡查管理",
        ),
        goals=("缓解停车供需矛盾", "规范车辆停放秩序", "方便群众停车出行"),
        data=(
            "{Y}年{P}新增公共停车泊位{a}个。",
            "{P}现有各类机动车停车泊位约{b}个，其中路内泊位{a}个。",
        ),
        issues=("中心城区停车用地资源紧张", "部分小区停车位供需矛盾依然突出", "停车设施建设投入回报周期较长"),
        policies=("{C}停车设施规划建设管理办法", "{C}公共停车场建设三年行动计划"),
    ),
    dict(
        organs=("jy",),
        titles=("优化中小学学位供给", "扩大课后服务覆盖面", "推进义务教育优质均衡发展", "加强中小学校园安全管理"),
        subheads=("增加学位供给", "规范课后服务", "加强教师队伍建设", "推进集团化办学"),
        actions=(
            "科学调整中小学招生片区划分",
            "扩大中小学课后服务覆盖面",
            "加强中小学教师队伍建设",
            "推进义务教育集团化办学",
            "规范校外培训机构日常管理",
            "完善校园安全防控体系",
        ),
        goals=("满足适龄儿童就近入学需求", "切实减轻学生课业负担", "促进教育资源均衡配置"),
        data=(
            "{P}共有中小学{a}所，在校学生约{b}人。",
            "{Y}年{P}新增中小学学位{b}个，课后服务参与率达到{p}%。",
        ),
        issues=("城区部分学校学位仍较为紧张", "课后服务师资力量相对不足", "城乡之间办学条件仍有差距"),
        policies=("{C}义务教育优质均衡发展实施方案", "{C}中小学课后服务工作指南"),
    ),
    dict(
        organs=("jt",),
        titles=("优化城区公交线路设置", "提升农村公路通行条件", "方便群众公交出行"),
        subheads=("优化公交线网布局", "完善公交站点设施", "推进农村公路建设", "提升运营服务质量"),
        actions=(
            "优化调整城区公交线路走向",
            "增设公交站点和港湾式候车亭",
            "推进农村公路提档升级",
            "开通社区微循环公交线路",
            "加强道路日常养护管理",
        ),
        goals=("方便群众便捷出行", "提升公共交通服务水平", "改善道路通行条件"),
        data=(
            "{P}现有公交线路{a}条，运营车辆{b}辆。",
            "{Y}年{P}完成农村公路提档升级{a}公里。",
        ),
        issues=("部分新建区域公交覆盖仍不充分", "道路养护资金压力较大", "高峰时段运力仍显不足"),
        policies=("{C}公共交通发展规划", "{C}农村公路建设管理办法"),
    ),
    dict(
        organs=("mz",),
        titles=("加快发展社区居家养老服务", "完善老年人助餐服务体系", "加强社区养老服务设施建设"),
        subheads=("完善养老服务设施", "发展社区助餐服务", "提升养老服务质量", "加强养老人才培养"),
        actions=(
            "建设社区嵌入式养老服务设施",
            "推进居家和社区养老服务改革",
            "为困难老年人提供助餐助浴服务",
            "开展养老机构服务质量提升行动",
            "加强养老护理员职业技能培训",
        ),
        goals=("满足老年人多样化养老服务需求", "提升养老服务质量和水平", "让老年人老有所养"),
        data=(
            "{P}共有养老机构{a}家，床位{b}张。",
            "目前{P}已建成社区养老服务站点{a}个，老年助餐点{a2}个。",
        ),
        issues=("养老服务专业人才较为短缺", "部分社区养老设施利用率不高", "农村养老服务基础相对薄弱"),
        policies=("{C}居家和社区养老服务发展规划", "{C}养老服务体系建设实施意见"),
    ),
)


class _Topic:
    __slots__ = ("organs", "titles", "subheads", "actions", "goals", "data", "issues", "policies")

    def __init__(self, raw: dict) -> None:
        self.organs = raw["organs"]
        self.titles = raw["titles"]
        self.subheads = raw["subheads"] + _GEN_SUBHEADS
        self.actions = raw["actions"] + _GEN_ACTIONS
        self.goals = raw["goals"] + _GEN_GOALS
        self.data = raw["data"]
        self.issues = raw["issues"]
        self.policies = raw["policies"] + _GEN_POLICIES


_TOPICS = tuple(_Topic(t) for t in _TOPICS_RAW)

_ACTORS = ("我局", "我局会同相关部门", "我局积极协调有关单位", "我们", "各街道（乡镇）在我局指导下")
_SIT_LEADS = ("近年来，", "目前，", "", "总体来看，")
_MEASURE_LEADS = ("", "", "", "同时，", "此外，", "与此同时，", "在此基础上，")
_ISSUE_LEADS = ("但受资金、场地等条件制约，", "目前，", "从调研情况看，", "同时也要看到，")
_ISSUE_TAILS = ("仍需持续加以解决", "需要进一步研究解决", "与群众期盼还有一定差距")
_PLAN_LEADS = ("下一步，我局将", "下一步，我们将", "我局将继续", "今后，我局将")
_ROLE_TITLES = {
    "situation": ("基本情况", "工作开展情况", "有关情况"),
    "measures": ("主要工作措施", "办理情况", "采取的主要措施", "工作措施"),
    "problems": ("存在的困难和问题", "存在的问题"),
    "next": ("下一步工作打算", "下一步工作", "下一步工作措施"),
}
_DUP_WORDS = ("推进", "加强", "工作", "管理", "服务", "居民", "小区", "建设", "完善", "开展", "提升")

# defect id -> replylint rule ids expected to fire
DEFECTS: dict[str, tuple[str, ...]] = {
    "no-signer": ("signer-missing",),
    "no-grade": ("grade-missing",),
    "no-title": ("title-missing",),
    "no-date": ("date-missing",),
    "no-signature": ("issuer-signature-missing",),
    "no-cc": ("cc-missing",),
    "docno-brackets": ("doc-number-brackets",),
    "date-zero-pad": ("date-format",),
    "signer-label": ("signer-label",),
    "heading-gap": ("heading-sequence-gap",),
    "heading-punct": ("heading-marker-punct",),
    "cc-separator": ("cc-separator", "cc-terminal-period"),
    "role-mismatch": ("salutation-role-mismatch",),
    "seal-placeholder": ("issuer-signature-missing", "seal-placeholder"),
    "no-contact": ("contact-person-missing", "contact-phone-missing"),
    "disclosure-ascii": ("disclosure-invalid-value",),
    "duplicate-word": ("duplicate-word",),
}
_DEFECT_IDS = tuple(DEFECTS)
_CONFLICTS = {
    frozenset(("no-signature", "seal-placeholder")),
    frozenset(("no-signer", "signer-label")),
    frozenset(("no-cc", "cc-separator")),
    frozenset(("no-date", "date-zero-pad")),
}

_CJK_RE = re.compile(r"[\u4e00-\u9fff]")


@dataclass
class Letter:
    """One generated letter plus ground truth for tests."""

    text: str
    kind: str  # "NPC" (人大建议) or "CPPCC" (政协提案)
    defects: list[str] = field(default_factory=list)
    variants: list[str] = field(default_factory=list)
    fields: dict[str, str] = field(default_factory=dict)  # clean (pre-defect) values

    def expected_rules(self) -> set[str]:
        return {r for d in self.defects for r in DEFECTS[d]}


# ---------------------------------------------------------------------------------------------
# Small generators
# ---------------------------------------------------------------------------------------------


def _name(rng: random.Random, taken: set[str]) -> str:
    while True:
        g = rng.choice(_GIVEN)
        if rng.random() < 0.7:
            g2 = rng.choice(_GIVEN)
            if g2 == g:
                continue
            g += g2
        n = rng.choice(_SURNAMES) + g
        if n not in taken:
            taken.add(n)
            return n


def _phone(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return "1" + rng.choice("3456789") + str(rng.randrange(10**8, 10**9))
    area = "0" + str(rng.randrange(100, 1000)) if rng.random() < 0.7 else "0" + str(rng.randrange(10, 100))
    local = str(rng.randrange(2 * 10**6, 9 * 10**6)) if rng.random() < 0.4 else str(rng.randrange(2 * 10**7, 9 * 10**7))
    return f"{area}-{local}"


def _fmt_date(d: _dt.date, pad: bool = False) -> str:
    if pad:
        return f"{d.year}年{d.month:02d}月{d.day:02d}日"
    return f"{d.year}年{d.month}月{d.day}日"


class _Ctx:
    """Per-letter facts shared by the text builders."""

    __slots__ = ("topic", "P", "C", "D", "Y", "cite_prefix", "cite_used", "data_left", "used_actions", "cur")

    def __init__(self, topic, P, C, D, Y, cite_prefix):
        self.topic = topic
        self.P = P  # 全市 / 全区
        self.C = C  # place name used in policy titles
        self.D = D  # domain word
        self.Y = Y
        self.cite_prefix = cite_prefix
        self.cite_used = False
        self.data_left = list(topic.data)  # each statistic is stated at most once per letter
        self.used_actions: set[str] = set()
        self.cur = ""  # paragraph being built


def _action(rng: random.Random, ctx: _Ctx) -> str:
    act = rng.choice(ctx.topic.actions)
    for _ in range(4):  # prefer a measure not yet used in this letter, and never repeat one in a paragraph
        if act not in ctx.used_actions:
            break
        act = rng.choice(ctx.topic.actions)
    for _ in range(8):
        if act not in ctx.cur:
            break
        act = rng.choice(ctx.topic.actions)
    ctx.used_actions.add(act)
    return act


def _sentence(rng: random.Random, ctx: _Ctx, role: str, first: bool) -> str:
    t = ctx.topic
    if role == "situation" and ctx.data_left and rng.random() < 0.5:
        tpl = ctx.data_left.pop(rng.randrange(len(ctx.data_left)))
        a = rng.randint(12, 480)
        return tpl.format(
            P=ctx.P, Y=ctx.Y - rng.randint(0, 1), a=a, a2=rng.randint(3, a), b=rng.randint(1200, 98000),
            c=rng.randint(30, 900), p=rng.randint(850, 999) / 10,
        )
    if role == "problems":
        return f"{rng.choice(_ISSUE_LEADS)}{rng.choice(t.issues)}，{rng.choice(_ISSUE_TAILS)}。"
    if role == "next":
        lead = rng.choice(_PLAN_LEADS) if first else rng.choice(("同时，", "", "此外，", "还将", "继续"))
        return f"{lead}{_action(rng, ctx)}，{rng.choice(t.goals)}。"
    if role == "measures" and not ctx.cite_used and rng.random() < 0.12:
        ctx.cite_used = True
        y = ctx.Y - rng.randint(0, 3)
        code = ctx.cite_prefix + rng.choice(("政办发", "政发", "办发", "政办"))
        pol = rng.choice(t.policies).format(C=ctx.C, D=ctx.D)
        return f"按照《{pol}》（{code}〔{y}〕{rng.randint(1, 120)}号）要求，{rng.choice(_ACTORS)}{_action(rng, ctx)}。"
    r = rng.random()
    act = _action(rng, ctx)
    if r < 0.15:
        return f"通过{act}，{rng.choice(t.goals)}。"
    lead = rng.choice(_SIT_LEADS if role == "situation" and first else _MEASURE_LEADS)
    if r < 0.4:
        return f"{lead}{rng.choice(_ACTORS)}{act}。"
    return f"{lead}{rng.choice(_ACTORS)}{act}，{rng.choice(t.goals)}。"


def _paragraph(rng: random.Random, ctx: _Ctx, role: str, prefix: str = "") -> str:
    """Paragraph of 40..250 characters (prefix included) built from whole sentences."""
    if role == "problems":  # few distinct issues exist: one short paragraph naming 1-2 of them
        issues = rng.sample(ctx.topic.issues, rng.randint(1, 2))
        s = prefix + rng.choice(_ISSUE_LEADS) + "，".join(issues) + f"，{rng.choice(_ISSUE_TAILS)}。"
        if len(s) < 40:
            s += f"这些问题{rng.choice(('需要在今后工作中逐步加以解决。', '我们将在下一步工作中认真研究。'))}"
        return s
    target = rng.randint(45, 230)
    s = prefix
    first = True
    for _ in range(40):
        ctx.cur = s
        nxt = _sentence(rng, ctx, role, first)
        if nxt in s:  # avoid verbatim repeats inside one paragraph
            continue
        if len(s) >= 40 and len(s) + len(nxt) > 250:
            return s
        s += nxt
        first = False
        if len(s) >= target:
            break
    return s


# Body items: [lvl, idx, title, text, style, role]; lvl 0 = plain paragraph, -1 = heading whose number
# was dropped (defect); style "plain", "line" (heading alone on its line) or "inline" (marker + title
# + 。 + text in one paragraph).


def _fill(rng, role, lvl, n, items, subheads):
    """Append exactly n blocks of content whose numbered children (if any) are at level lvl."""
    if n == 1 or lvl > 4 or rng.random() < 0.25:
        for _ in range(n):
            items.append([0, 0, "", "", "plain", role])
        return
    if lvl == 2 and n >= 4 and rng.random() < 0.5:
        # one roomy sub-section that can hold 1. 2. items, plus short siblings
        c = rng.randint(2, 3)
        sizes = [1] * c
        sizes[rng.randrange(c)] += n - c
    else:
        c = rng.randint(2, min(n, 4 if lvl == 2 else 5))
        sizes = [1] * c
        for _ in range(n - c):
            sizes[rng.randrange(c)] += 1
    for i, (size, title) in enumerate(zip(sizes, rng.sample(subheads, c)), 1):
        if size == 1:
            items.append([lvl, i, title, "", "inline", role])
        else:
            items.append([lvl, i, title, "", "line", role])
            _fill(rng, role, lvl + 1, size - 1, items, subheads)


def _body(rng: random.Random, ctx: _Ctx, grade: str, variants: list[str]) -> list[list]:
    """Heading structure of the body (texts are filled in later by _fill_texts)."""
    budget = rng.randint(3, 12)
    items: list[list] = []
    subheads = ctx.topic.subheads
    if rng.random() < 0.22:  # flat: 一、二、三、 inline paragraphs (+ occasional plain continuation)
        k = min(budget, rng.randint(2, 5))
        extra = budget - k
        for i, title in enumerate(rng.sample(subheads, k), 1):
            items.append([1, i, title, "", "inline", "measures"])
            while extra and rng.random() < 0.4:
                items.append([0, 0, "", "", "plain", "measures"])
                extra -= 1
        items.extend([0, 0, "", "", "plain", "measures"] for _ in range(extra))
        return items
    roles = ["situation", "measures"] if rng.random() < 0.8 else ["measures"]
    if rng.random() < 0.35:
        roles.append("problems")
    if rng.random() < (0.3 if grade == "A" else 0.85):
        roles.append("next")
    if len(roles) < 2:
        roles.append("next")
    if grade == "A" and "next" in roles:
        variants.append("grade-body-forward")
    k = len(roles)
    budget = max(budget, k)
    # problems: one paragraph at most; situation: two at most (heading + 2 paragraphs)
    cap = {"situation": 3, "measures": 99, "problems": 2, "next": 99}
    shares = [1] * k
    for _ in range(budget - k):
        i = rng.randrange(k)
        if shares[i] >= cap[roles[i]]:
            i = roles.index("measures") if "measures" in roles else i
        shares[i] += 1
    for i, (role, share) in enumerate(zip(roles, shares), 1):
        if share == 1:
            title = rng.choice(subheads) if role == "measures" else rng.choice(_ROLE_TITLES[role])
            items.append([1, i, title, "", "inline", role])
            continue
        items.append([1, i, rng.choice(_ROLE_TITLES[role]), "", "line", role])
        if role in ("situation", "problems"):
            _fill(rng, role, 9, share - 1, items, subheads)  # plain paragraphs only
        else:
            lvl = 2
            if rng.random() < 0.15:
                lvl = 3
            start = len(items)
            _fill(rng, role, lvl, share - 1, items, subheads)
            if lvl == 3 and any(it[0] == 3 for it in items[start:]):
                variants.append("heading-level-skip")
    return items


def _fill_texts(rng: random.Random, ctx: _Ctx, items: list[list]) -> None:
    for it in items:
        if it[4] == "inline":
            it[3] = _paragraph(rng, ctx, it[5], prefix=it[2] + "。")[len(it[2]) + 1 :]
        elif it[4] == "plain":
            it[3] = _paragraph(rng, ctx, it[5])


# ---------------------------------------------------------------------------------------------
# Letter assembly
# ---------------------------------------------------------------------------------------------


def generate_letter_meta(
    rng: random.Random, *, defect_rate: float = 0.3, defects: list[str] | tuple[str, ...] | None = None
) -> Letter:
    """Generate one letter with ground truth. ``defects`` forces exactly these defect ids."""
    variants: list[str] = []
    npc = rng.random() < 0.5
    kind = "NPC" if npc else "CPPCC"
    noun, role_word = ("建议", "代表") if npc else ("提案", "委员")

    # --- organ, place ---------------------------------------------------------------------
    topic = rng.choice(_TOPICS)
    okey = rng.choice(topic.organs)
    osuffix, oabbr, domain = _ORGANS[okey]
    city = rng.choice(_CITY1) + rng.choice(_CITY2)
    district_level = rng.random() < 0.45
    if district_level:
        district = rng.choice(_DIST1) + rng.choice(_DIST2)
        organ = f"{city}市{district}区{osuffix}"
        L, place_short = "区", "我区"
        code_prefix = district[0] if rng.random() < 0.6 else city[0] + district[0]
        cite_prefix, C = district[0], f"{district}区"
    else:
        district = ""
        organ = f"{city}市{osuffix}"
        L, place_short = "市", "我市"
        code_prefix = city[0]
        cite_prefix, C = city[0], f"{city}市"

    # --- dates, numbers ---------------------------------------------------------------------
    Y = rng.randint(2018, 2025)
    month = rng.randint(3, 11)
    day = rng.randint(1, 28 if month == 2 else (30 if month in (4, 6, 9, 11) else 31))
    date = _dt.date(Y, month, day)
    printed_delta = rng.choice((0, 0, 0, 1, 2, 3))
    suffix = rng.choice(("复函", "办字", "发", "函", "字", "复", "办函", "人大" if npc else "政协", "建复" if npc else "提复"))
    docno_code = code_prefix + oabbr + suffix
    docno_seq = rng.randint(1, 260)
    if npc:
        jie = rng.randint(12, 17) if L == "市" else rng.randint(14, 19)
    else:
        jie = rng.randint(6, 14) if L == "市" else rng.randint(7, 12)
    ci = rng.randint(1, 5)
    jie_cn, ci_cn = _cn(jie), _cn(ci)
    loc = district + "区" if district_level else city + "市"
    r = rng.random()
    if npc:
        session = f"{L}{jie_cn}届人大{ci_cn}次会议" if r < 0.75 else f"{loc}{jie_cn}届人大{ci_cn}次会议"
        session_full = f"{city}市{district + '区' if district_level else ''}第{jie_cn}届人民代表大会第{ci_cn}次会议"
    else:
        session = f"{L}政协{jie_cn}届{ci_cn}次会议" if r < 0.6 else f"政协{loc}{jie_cn}届{ci_cn}次会议"
        session_full = f"政协{city}市{district + '区' if district_level else ''}第{jie_cn}届委员会第{ci_cn}次会议"
    if rng.random() < (0.12 if npc else 0.4):
        prop_no = f"{Y % 100:02d}{rng.choice('ABCDEFG')}{rng.randint(1, 40):02d}"
    else:
        prop_no = str(rng.randint(1, 420))

    taken: set[str] = set()
    deputy, signer, contact = _name(rng, taken), _name(rng, taken), _name(rng, taken)
    phone = _phone(rng)

    grade = rng.choice("AABBBC")
    g = rng.random()
    if g < 0.35:
        grade_line = f"办理结果：{grade}"
    elif g < 0.55:
        grade_line = f"{grade}类"
    elif g < 0.68:
        grade_line = grade
        variants.append("grade-bare")
    elif g < 0.82:
        grade_line = f"答复类别：{grade}类"
    else:
        words = {"A": ("已经解决", "基本解决"), "B": ("正在解决", "列入计划解决"), "C": ("留作参考",)}[grade]
        grade_line = f"办理结果：{rng.choice(words)}"

    d = rng.random()
    if d < 0.3:
        disclosure, disc_pos = None, None
        variants.append("disclosure-absent")
    elif d < 0.55:
        disclosure, disc_pos = "公开属性：主动公开", "top"
    elif d < 0.75:
        disclosure, disc_pos = "信息公开属性：主动公开", "top"
    elif d < 0.82:
        disclosure, disc_pos = "公开属性：依申请公开", "top"
    else:
        disclosure, disc_pos = "（此件主动公开）", "end"

    ctx = _Ctx(topic, "全" + L, C, domain, Y, cite_prefix)
    topic_title = rng.choice(topic.titles)

    # --- body structure (regenerated if a forced defect needs a structure it lacks) ----------
    for _ in range(500):
        body_variants: list[str] = []
        items = _body(rng, ctx, grade, body_variants)
        if not defects or "heading-punct" not in defects or any(it[0] == 3 for it in items):
            break
    variants.extend(body_variants)
    _fill_texts(rng, ctx, items)

    # --- defects ---------------------------------------------------------------------------
    has_l3 = any(it[0] == 3 for it in items)
    if defects is not None:
        unknown = set(defects) - set(DEFECTS)
        if unknown:
            raise ValueError(f"unknown defect ids: {sorted(unknown)}")
        chosen = list(dict.fromkeys(defects))
        clash = [sorted(p) for p in _CONFLICTS if p <= set(chosen)]
        if clash:
            raise ValueError(f"conflicting defect ids: {clash}")
        if "heading-punct" in chosen and not has_l3:
            raise RuntimeError("could not build a body with level-3 headings")
    elif rng.random() < defect_rate:
        k = rng.randint(1, 3)
        chosen = []
        for cand in rng.sample(_DEFECT_IDS, len(_DEFECT_IDS)):
            if cand == "heading-punct" and not has_l3:
                continue
            if any(frozenset((cand, c)) in _CONFLICTS for c in chosen):
                continue
            chosen.append(cand)
            if len(chosen) == k:
                break
    else:
        chosen = []
    D = set(chosen)

    if "heading-gap" in D:
        l1 = [it for it in items if it[0] == 1]
        if len(l1) >= 2:
            if len(l1) >= 3 and l1[1][4] == "line" and rng.random() < 0.3:
                # heading kept but its number dropped: 一、 … 工作措施 … 三、
                l1[1][0] = -1
            else:  # number skipped: 一、 … 三、 … 四、
                for it in l1[1:]:
                    it[1] += 1
    dup_index = -1
    if "duplicate-word" in D:
        cands = [i for i, it in enumerate(items) if any(w in it[3] for w in _DUP_WORDS)]
        if not cands:  # practically unreachable; keep the ground truth honest
            chosen.remove("duplicate-word")
            D.discard("duplicate-word")
        else:
            dup_index = rng.choice(cands)
            txt = items[dup_index][3]
            w = rng.choice([w for w in _DUP_WORDS if w in txt])
            p = txt.index(w)
            items[dup_index][3] = txt[:p] + w + txt[p:]
    if "date-zero-pad" in D and date.month >= 10 and date.day >= 10:
        date = date.replace(day=rng.randint(1, 9))

    # --- layout choices ---------------------------------------------------------------------
    markdown = rng.random() < 0.1
    if markdown:
        variants.append("markdown")
    indent = "\u3000\u3000" if rng.random() < 0.35 else ""
    l3_dot = "．" if rng.random() < 0.15 else "."
    if "heading-punct" in D:
        l3_dot = "、"

    blocks: list[tuple[str, str]] = []  # (text, tag) ; tag "b" = body paragraph, "h" header, "t" tail

    def add(text: str, tag: str = "h") -> None:
        blocks.append((text, tag))

    # header
    grade_pos = "top" if rng.random() < 0.65 else "after_docno"
    if "disclosure-ascii" in D:
        disclosure_line = "(公开)"
    elif disc_pos == "top":
        disclosure_line = disclosure
    else:
        disclosure_line = None
    top = []
    if disclosure_line:
        top.append(disclosure_line)
    if grade_pos == "top" and "no-grade" not in D:
        top.append(grade_line)
    if rng.random() < 0.3:
        top.reverse()
    for t in top:
        add(t)
    m = rng.random()
    if m < 0.8:
        mark = organ + "文件" if m < 0.4 else organ
        if markdown:
            mark = "# " + mark
        elif rng.random() < 0.05:
            mark = "\t" + mark
        if rng.random() < 0.2:
            mark += "\n"
        add(mark)
    else:
        variants.append("no-issuer-mark")
    year_txt = f"〔{Y}〕"
    if "docno-brackets" in D:
        year_txt = rng.choice((f"[{Y}]", f"（{Y}）", f"【{Y}】", f"({Y})"))
    docno = f"{docno_code}{year_txt}{docno_seq}号"
    signer_line = None
    if "no-signer" not in D:
        signer_line = ("签发：" if "signer-label" in D else "签发人：") + signer
    if signer_line and rng.random() < 0.45:
        gap = " " * rng.randint(4, 20) if rng.random() < 0.8 else "\u3000" * rng.randint(2, 6)
        add(docno + gap + signer_line)
    else:
        add(docno)
        if signer_line:
            add(signer_line)
            variants.append("signer-own-line")
    if grade_pos == "after_docno" and "no-grade" not in D:
        add(grade_line)

    guanyu = rng.random() < 0.8
    if not guanyu:
        variants.append("title-no-guanyu")
    head = ("关于" if guanyu else "") + ("对" if rng.random() < 0.85 else "") + session
    tail = f"第{prop_no}号{noun}的" + rng.choice(("答复", "答复", "答复", "答复意见", "答复意见", "答复函"))
    space = rng.random() < 0.08
    if space:
        variants.append("title-space")
    title = head + (" " if space else "") + tail
    if "no-title" not in D:
        hp = "## " if markdown else ""
        if rng.random() < 0.35:
            add(hp + head + "\n\n" + tail)
            variants.append("title-wrapped")
        else:
            add(hp + title)

    sal_role = role_word
    if "role-mismatch" in D:
        sal_role = "委员" if npc else "代表"
    add(("尊敬的" if rng.random() < 0.45 else "") + deputy + sal_role + "：")

    # opening
    if rng.random() < 0.08:
        add(f"首先感谢您对{place_short}{domain}工作的关心和支持！", "o")
        variants.append("early-thanks")
    o = rng.random()
    split_open = rng.random() < 0.15
    if o < 0.35:
        first, second = f"您提出的《关于{topic_title}的{noun}》收悉", "现答复如下："
    elif o < 0.6:
        first, second = f"您提出的关于“{topic_title}”的{noun}收悉", "现将有关情况答复如下："
    elif o < 0.8:
        first = f"您在{session_full}上提出的《关于{topic_title}的{noun}》（第{prop_no}号）已交我局研究办理"
        second = "经认真研究，现答复如下："
    else:
        first = f"您提出的《关于{topic_title}的{noun}》已交我局办理。我局高度重视，认真组织研究"
        second = "现将有关情况答复如下："
    if split_open:
        add(first + "。", "o")
        add(second, "o")
        variants.append("opening-split")
    else:
        add(first + ("。" if o < 0.6 and rng.random() < 0.5 else "，") + second, "o")

    # body
    body_start = len(blocks)
    block_of_item: dict[int, int] = {}
    for i, (lvl, idx, ttl, text, style, _role) in enumerate(items):
        if lvl == 0:
            add(text, "b")
        else:
            if lvl == -1:
                marker = ""
            elif lvl == 1:
                marker = _cn(idx) + "、"
            elif lvl == 2:
                marker = f"（{_cn(idx)}）"
            elif lvl == 3:
                marker = f"{idx}{l3_dot}"
            else:
                marker = f"（{idx}）"
            if style == "line":
                line = marker + ttl
                if markdown and lvl in (1, -1):
                    line = "## " + line
                elif markdown and lvl == 2:
                    line = f"**{line}。**"
                add(line, "b")
            else:
                add(f"{marker}{ttl}。{text}", "b")
        block_of_item[i] = len(blocks) - 1
    body_end = len(blocks)

    # closing
    c = rng.random()
    if c < 0.4:
        closing = "感谢您对我局工作的关心和支持！"
    elif c < 0.65:
        closing = f"感谢您对{place_short}{domain}工作的关心和支持！"
    elif c < 0.8:
        closing = "感谢您对我局工作的关心与支持。"
    else:
        closing = f"再次感谢您对{place_short}{domain}事业发展的关心和支持！"
    if rng.random() < 0.2:
        closing += "欢迎继续提出宝贵意见。"
    add(closing, "o")
    if disclosure_line is None and disclosure and disc_pos == "end" and "disclosure-ascii" not in D:
        add(disclosure, "t")

    # contact
    cpos = rng.random()
    cpos = "after_date" if cpos < 0.5 else ("before_signature" if cpos < 0.8 else "after_cc")
    if cpos != "after_date":
        variants.append("contact-" + cpos.replace("_", "-"))
    cf = rng.random()
    if cf < 0.5:
        contact_lines = [f"（联系人：{contact}，联系电话：{phone}）"]
    elif cf < 0.9:
        contact_lines = [f"联系人：{contact}", f"联系电话：{phone}"]
        variants.append("contact-unbracketed")
    else:
        contact_lines = [f"联系人：{contact}  联系电话：{phone}"]
        variants.append("contact-unbracketed")
    if "no-contact" in D:
        contact_lines = []

    def add_contact(pos: str) -> None:
        if pos == cpos:
            for ln in contact_lines:
                add(ln, "t")

    pad_left = " " * rng.randint(2, 30) if rng.random() < 0.35 else ""
    add_contact("before_signature")
    if "seal-placeholder" in D:
        add(pad_left + "（印  章）" + (" " * rng.randint(0, 9)), "t")
    elif "no-signature" not in D:
        add((pad_left if rng.random() < 0.5 else "") + organ, "t")
    if "no-date" not in D:
        add(pad_left + _fmt_date(date, pad="date-zero-pad" in D), "t")
    add_contact("after_date")

    # CC
    if npc:
        body_cc = rng.choice(
            (f"{L}人大常委会选工委", f"{L}人大常委会代表工委", f"{L}人大人事代表工委", f"{L}人大常委会人事代表工作委员会", f"{L}人大选工委")
        )
    else:
        body_cc = rng.choice((f"{L}政协提案委", f"{L}政协提案委员会", f"{L}政协提案委员会办公室"))
    sup = rng.choice((f"{L}政府督查室", f"{L}委{L}政府督查办", f"{L}政府目督办", f"{L}政府办", f"{L}委{L}政府督查局"))
    ccs = [body_cc, sup]
    if rng.random() < 0.2:
        ccs.reverse()
    if rng.random() < 0.3:
        ccs = [f"{x}（{rng.randint(1, 3)}份）" for x in ccs]
    if "no-cc" not in D:
        if "cc-separator" in D:
            add("抄送：" + "、".join(ccs), "t")
        else:
            add("抄送：" + "，".join(ccs) + "。", "t")
    add_contact("after_cc")
    if rng.random() < 0.4:
        pdate = date + _dt.timedelta(days=printed_delta)
        add(organ + " " * rng.randint(3, 14) + _fmt_date(pdate) + "印发", "t")
    else:
        variants.append("no-printed-by")

    # --- layout noise ------------------------------------------------------------------------
    texts = [b[0] for b in blocks]
    if indent:
        for i, (t, tag) in enumerate(blocks):
            if tag in "bo" and not t.startswith(("#", "*")):
                texts[i] = indent + t
    # page-break splits inside body paragraphs
    inserts: dict[int, str] = {}
    if rng.random() < 0.22:
        dup_block = block_of_item.get(dup_index, -1)
        for _ in range(rng.randint(1, 2)):
            eligible = [
                i for i in range(body_start, body_end)
                if i != dup_block and len(texts[i]) >= 60 and "\n" not in texts[i]
            ]
            if not eligible:
                break
            i = rng.choice(eligible)
            t = texts[i]
            for _try in range(8):
                p = rng.randint(12, len(t) - 8)
                if _CJK_RE.match(t[p - 1]) and _CJK_RE.match(t[p]):
                    mid = _page_no(rng) + "\n\n" if rng.random() < 0.35 else ""
                    texts[i] = t[:p] + "\n" * rng.randint(2, 4) + mid + t[p:]
                    variants.append("page-artifact")
                    break
    if rng.random() < 0.18 and body_end - body_start >= 2:
        variants.append("page-artifact")
        inserts[rng.randrange(body_start + 1, body_end)] = _page_no(rng)
    if rng.random() < 0.3:
        for i, t in enumerate(texts):
            if "\n" not in t and rng.random() < 0.15:
                texts[i] = t + rng.choice((" ", "  ", "\t", "      ", "\u3000"))
                variants.append("trailing-space")

    style = rng.random()
    out: list[str] = []
    if rng.random() < 0.25:
        out.append("\n" * rng.randint(1, 2))
    for i, t in enumerate(texts):
        if i in inserts:
            out.append(inserts[i] + ("\n\n" if style < 0.55 else "\n"))
        if style < 0.55:  # blank line after every line
            sep = "\n\n"
        elif style < 0.8:  # compact
            sep = "\n"
        else:  # mixed
            sep = "\n\n" if rng.random() < 0.5 else "\n"
        out.append(t + sep)
    text = "".join(out).rstrip("\n") + "\n"

    fields = {
        "organ": organ,
        "doc_number": f"{docno_code}〔{Y}〕{docno_seq}号",
        "signer": signer,
        "grade": grade,
        "grade_line": grade_line,
        "disclosure": disclosure or "",
        "title": title.replace(" ", ""),
        "session": session,
        "proposal_no": prop_no,
        "name": deputy,
        "role": role_word,
        "date": date.isoformat(),
        "contact": contact,
        "phone": phone,
        "cc": "，".join(ccs),
    }
    return Letter(text=text, kind=kind, defects=chosen, variants=list(dict.fromkeys(variants)), fields=fields)


def _page_no(rng: random.Random) -> str:
    n = rng.randint(2, 5)
    return rng.choice((f"- {n} -", f"— {n} —", str(n), f"-{n}-"))


def generate_letter(rng: random.Random, *, defect_rate: float = 0.3) -> str:
    """Return the text of one fictional reply letter (UTF-8 text, LF line ends)."""
    return generate_letter_meta(rng, defect_rate=defect_rate).text


def generate_corpus(n: int, seed: int = 0, defect_rate: float = 0.3) -> list[str]:
    """Return ``n`` letters; deterministic for a given seed."""
    rng = random.Random(seed)
    return [generate_letter_meta(rng, defect_rate=defect_rate).text for _ in range(n)]


# ---------------------------------------------------------------------------------------------
# CLI
# ---------------------------------------------------------------------------------------------


def _self_check() -> None:
    a = generate_corpus(12, seed=123, defect_rate=0.5)
    assert a == generate_corpus(12, seed=123, defect_rate=0.5), "not deterministic"
    rng = random.Random(7)
    for _ in range(40):
        lt = generate_letter_meta(rng, defect_rate=0.0)
        assert not lt.defects and "\r" not in lt.text
        assert lt.fields["doc_number"] in lt.text and "签发人：" in lt.text and "抄送：" in lt.text
        assert re.search(r"\d{4}年[1-9]\d?月[1-9]\d?日", lt.text)
        assert not re.search(r"([\u4e00-\u9fff]{2,})\1", lt.text), "accidental duplicate word"
        other = "提案" if lt.kind == "NPC" else "建议"
        assert other not in lt.text, f"kind term leak: {other}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Write fictional reply letters for benchmarks/tests.")
    ap.add_argument("out_dir")
    ap.add_argument("-n", type=int, default=2000, help="number of letters (default 2000)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--defect-rate", type=float, default=0.3)
    ap.add_argument("--manifest", action="store_true", help="also write manifest.jsonl (kind, defects, variants)")
    args = ap.parse_args(argv)
    _self_check()
    os.makedirs(args.out_dir, exist_ok=True)
    rng = random.Random(args.seed)
    width = max(5, len(str(args.n)))
    manifest = []
    for i in range(1, args.n + 1):
        lt = generate_letter_meta(rng, defect_rate=args.defect_rate)
        fname = f"letter-{i:0{width}d}.txt"
        with open(os.path.join(args.out_dir, fname), "w", encoding="utf-8", newline="\n") as fh:
            fh.write(lt.text)
        if args.manifest:
            manifest.append({"file": fname, "kind": lt.kind, "defects": lt.defects, "variants": lt.variants})
    if args.manifest:
        with open(os.path.join(args.out_dir, "manifest.jsonl"), "w", encoding="utf-8", newline="\n") as fh:
            for row in manifest:
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"wrote {args.n} letters to {args.out_dir}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

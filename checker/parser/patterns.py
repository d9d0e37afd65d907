"""Regular expressions for the elements of a reply letter, compiled once at import.

Notes for editing: CJK characters are ``\\w`` in Python, so ``\\b`` never separates them: patterns here are
anchored with ``^``/``$`` or delimited by explicit characters. Full-width and half-width punctuation are
told apart on purpose (〔〕 vs [], ： vs :, ， vs 、): the patterns accept the wrong glyphs so that the parser
still recognises the element, and the rules then report the glyph.

Every pattern runs in time linear in its input, whatever the input (tests/test_linear_time.py times each on
long adversarial lines). Python's ``re`` backtracks, so: white space before something that cannot be white
space is possessive (``\\s*+``), so that two runs of optional spaces never share one row of blanks; and a
search for "A … B" starts from the nearest A only (``A[^A]{0,n}?B``, or an atomic ``(?>.*?A)``), never
from every A of a long row to the end of the line.
"""

from __future__ import annotations

import re
from bisect import bisect_right

HAN = "\u3400-\u4dbf\u4e00-\u9fff"
CN_DIGITS = "〇零○Ｏ一二三四五六七八九十百"
FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")

# ---- 版头 -------------------------------------------------------------------------------------------
GRADE_LABELLED = re.compile(
    r"^(?P<label>办理结果类别|办理结果|答复类别|办复类别|办理类别|落实情况分类|结果类别|类别)\s*+(?P<colon>[:：]?)\s*+(?P<value>\S.{0,19})$"
)
# 甲乙丙丁 stand for A–D in some regions (乙类 = B); written with 类 only, a bare 乙 is too common a word
CN_GRADE_LETTERS = {"甲": "A", "乙": "B", "丙": "C", "丁": "D"}
# a grade's meaning in words after its letter (B类 列入计划解决, A类（已经解决）): words that say how a matter
# was handled, so that a heading such as "A类项目" is not read as a grade
_GRADE_WORD = rf"(?=[{HAN}]{{0,14}}?(?:解决|参考|采纳|计划|规划|落实))[{HAN}]{{2,16}}"
_GRADE_CORE = (
    r"(?P<open>[（(【\[]?)\s*+(?:(?P<letter>[A-DＡ-Ｄ])\s*+(?P<cls>类?)|(?P<cn>[甲乙丙丁])\s*+(?P<cncls>类))\s*+"
    r"(?P<close>[）)】\]]?)"
    rf"(?:\s*+[（(：:，,、]?\s*+(?P<word>{_GRADE_WORD})\s*+[）)]?)?"
)
# a line that is a grade: B / A类 / （B类） / 乙类 / B类 列入计划解决 / A类（已经解决）
GRADE_LINE = re.compile(rf"^{_GRADE_CORE}$")
# a grade glued after another element on its line (华川交复〔2023〕7号(B类), 签发人：周立新 (A类)); matched at
# the position where it starts, which is never white space
GRADE_PART = re.compile(rf"(?=[（(【\[A-DＡ-Ｄ甲乙丙丁]){_GRADE_CORE}")
# the value may carry its reason: 不予公开（理由：涉及个人隐私）, 依申请公开，理由：…; the words run up to the first
# bracket, the reason in brackets after them (elements.disclosure cuts the two apart)
DISCLOSURE_LABELLED = re.compile(
    r"^[（(]?(?P<label>(?:信息)?公开(?:属性|方式|选项|范围|类型)|信息公开选项)\s*+[:：]?\s*+"
    r"(?P<value>[^（(）)]{1,60}(?:[（(][^（(）)]{1,60}[）)])?|[^（(）)]{1,30}[（(][^（(）)]{0,30})[）)]?$"
)
# the gap before a labelled header field written on the same line as another (办理结果：A　　　　公开属性：主动公开):
# white space before one of the labels; the lexer cuts the line there when the gap is a full-width space, a
# tab or two spaces or more. Only the first blank of a row may start a match, so a long row is read once.
HEADER_FIELD_GAP = re.compile(
    r"(?<!\s)\s++(?=办理结果|答复类别|办复类别|办理类别|结果类别|落实情况分类|(?:信息)?公开(?:属性|方式|选项)|信息公开选项"
    r"|签\s*+发\s*+人)"
)
DISCLOSURE_BRACKETED = re.compile(
    r"^(?P<open>[（(【\[])\s*(?P<value>(?:此件)?(?:主动公开|依申请公开|不予公开|公开发布|不公开|全文公开|摘要公开|公开))\s*[）)】\]]$"
)
DISCLOSURE_BARE = re.compile(r"^(?P<value>主动公开|依申请公开|不予公开|全文公开|摘要公开)$")
SECRECY = re.compile(r"^(?P<value>(?:绝密|机密|秘密)(?:\s*★\s*\S{1,8})?)$")
# 急件, 特急件, 紧急, 急: a 紧急程度 in a form GB/T 9704 does not know (特急, 加急; 特提, 平急 for telegrams),
# written on real letters all the same (urgency-value reports them); letter-spaced as printed (特  急)
URGENCY = re.compile(r"^(?P<value>[特加]\s*+急(?:\s*+件)?|特\s*+提|平\s*+急|紧\s*+急(?:\s*+件)?|急(?:\s*+件)?)$")
COPY_NUMBER = re.compile(r"^(?P<value>\d{6})$")

_OPEN = "〔\\[［【(（﹝〖〘"
_CLOSE = "〕\\]］】)）﹞〗〙"
DOC_NUMBER = re.compile(
    rf"^(?P<code>[{HAN}A-Za-z][{HAN}A-Za-z]{{0,19}}?)\s*+(?P<open>[{_OPEN}])\s*+(?P<year>\d{{2,4}})\s*+"
    rf"(?P<close>[{_CLOSE}])\s*+(?P<prefix>第?)\s*+(?P<seq>\d{{1,5}})\s*+(?P<suffix>号?)(?P<rest>.*)$"
)
# 新建字2024-14号: no brackets at all
DOC_NUMBER_UNBRACKETED = re.compile(
    rf"^(?P<code>[{HAN}]{{2,12}})\s*+(?P<open>)(?P<year>(?:19|20)\d{{2}})(?P<close>)\s*+[-—－]?\s*+(?P<prefix>第?)"
    rf"(?P<seq>\d{{1,5}})\s*+(?P<suffix>号?)(?P<rest>)$"
)
SIGNER = re.compile(rf"^(?P<label>签\s*+发\s*+人?\s*+[:：]?)\s*+(?P<names>[{HAN}·][{HAN}·\s、，,]{{0,40}})$")
# a 签发人 with something glued after the names (签发人：周立新 (A类)): the names stop at the first character
# that is not part of a name; matched where the label starts
SIGNER_PART = re.compile(rf"(?P<label>签\s*+发\s*+人?\s*+[:：]?)\s*+(?P<names>[{HAN}·](?:[{HAN}·、，,]|\s++(?=[{HAN}·])){{0,40}})")
ORGAN_MARK = re.compile(rf"^(?P<organ>[{HAN}（）()·、\s]{{2,60}}?)\s*+文件$")

_ORGAN_SUFFIX = (
    "局|委员会|委|办公室|办|厅|部|处|科|室|院|会|政府|中心|公司|集团|所|站|队|署|馆|行|社|学校|大学|办事处|"
    "管委会|协会|法院|检察院|党校|银行|医院|指挥部|领导小组|工作组|居委会|村委会"
)
ORGAN = re.compile(rf"^(?P<organ>[{HAN}（）()·、\s]{{2,60}}(?:{_ORGAN_SUFFIX}))$")
ORGAN_SUFFIX = _ORGAN_SUFFIX  # the last words of an organ's name (engine.kinds compares 版头 and 署名 with them)

# ---- 标题, 主送 ----------------------------------------------------------------------------------------
# 主送 to people: 周立新代表： / 尊敬的周立新、马海燕代表： / 周立新等5位代表： / 何晓芸委员等： / ×××代表： / 尊敬的周立新同志：
# (the lexer reads the names and judges the form: see lexer.classify_salutation). The names are a lazy run
# of at most 40 characters, each after at most 3 blanks taken possessively: a row of blanks is scanned once,
# not once for every place the run might end inside it; the line is anchored at both ends.
PLACEHOLDER_CHARS = "×xXＸｘ*＊○□〇某"
_SALUTATION_CHARS = rf"{HAN}·•・×xXＸｘ*＊○□〇"
SALUTATION = re.compile(
    rf"^(?P<hon>尊敬的|尊敬)?\s*+(?P<name>[{_SALUTATION_CHARS}](?:\s{{0,3}}+[{_SALUTATION_CHARS}、，,]){{0,40}}?)\s*+"
    rf"(?P<others>等\s*+(?:(?P<count>[0-9０-９一二三四五六七八九十]{{1,3}})\s*+[位名]\s*+)?)?"
    rf"(?P<role>代表|委员|同志|先生|女士)(?:们)?\s*+(?P<etc>等)?\s*+"
    rf"(?:(?P<colon>[:：，,])\s*+(?P<rest>.{{0,20}})|(?P<bare>))$"
)
# 尊敬的周文华： — a person addressed without 代表/委员 (a wrong form, but the salutation is there)
SALUTATION_NO_ROLE = re.compile(rf"^尊敬的\s*+(?P<name>[{HAN}·]{{2,4}})\s*+(?P<colon>[:：])$")
# 主送 to an organisation or a unit: 民盟澜州市委员会： / 市工商联： / 市住房和城乡建设局、市交通运输局：
_ADDRESSEE_SUFFIX = _ORGAN_SUFFIX + "|联|协|团|盟|学社|党委|党组|小组|界别|支部|总支"
SALUTATION_ORGAN = re.compile(
    rf"^(?P<hon>尊敬的)?\s*+(?P<name>[{HAN}（）()、·×xXＸｘ*＊○\s]{{2,40}}(?:{_ADDRESSEE_SUFFIX}))\s*+(?P<colon>[:：])\s*+$"
)
# what makes an addressed organ an organisation (a party, a people's organisation, a 政协 or 人大 body: the
# author of a 集体提案 / 集体建议) rather than a government unit (the lead unit of a 会办/协办 letter)
ADDRESSEE_ORGANISATION = re.compile(
    r"民革|民盟|民建(?!设)|民进|农工党|农工民主党|致公党|九三学社|台盟|工商联|工商业联合会|总商会|商会|共青团|团[省市县区]委|妇联|"
    r"妇女联合会|工会|科协|科学技术协会|"
    r"侨联|台联|青联|文联|社科联|残联|红十字会|政协|人大|代表团|代表小组|党派|界别"
)
ADDRESSEE_NPC = re.compile(r"人大|代表团|代表小组")  # else an organisation is a 政协 cue
# a greeting standing where the salutation belongs
GREETING = re.compile(r"^(?P<name>您好|你好|您们好|你们好)\s*+(?P<colon>[:：！!，,]?)$")
# 会办 / 协办 letters (to the lead unit): …协办意见的函, …的会办意见 in the title; 现将我单位协办意见函告如下 in
# the opening (only the letter's own 意见 followed by 如下: "结合市财政局的会办意见，现答复如下" is a reply)
COHANDLING_TITLE = re.compile(r"(?:会办|协办)(?:单位)?的?(?:意见|函)")
COHANDLING_OPENING = re.compile(r"(?:会办|协办)(?:意见|情况)(?:函告|答复|报告|反馈|说明|提供|回复|提出)?如下")
# phrases that name both kinds at once (建议提案, 建议和提案, 人大代表建议和政协委员提案, 人大、政协): they say
# nothing about which one a letter answers, and are taken out before the kind decision reads a text
KIND_NEUTRAL = re.compile(
    r"(?:人大(?:代表)?)?(?:建议|议案)[和与及、或/]?(?:政协(?:委员)?)?提案"
    r"|(?:政协(?:委员)?)?提案[和与及、或/]?(?:人大(?:代表)?)?(?:建议|议案)"
    r"|人大(?:代表)?[和与及、]?政协(?:委员)?|政协(?:委员)?[和与及、]?人大(?:代表)?"
)
# How a title ends: its 文种 (答复, 答复意见, 答复函, 复函, 回复, …的函, 会办意见), letter-spaced or not
TITLE_END = re.compile(r"(?:答\s*+复(?:\s*+意\s*+见|\s*+函)?|复\s*+函|回\s*+复|的\s*+函|意\s*+见)$")
# a line that is only the 文种, letter-spaced as printed titles often are (答    复)
DOCTYPE_LINE = re.compile(r"^(?:答\s*+复(?:\s*+意\s*+见|\s*+函)?|复\s*+函)$")
# a line that carries on a title (the session or the item, without 关于 or the 文种 of its own)
TITLE_PIECE = re.compile(rf"^[{HAN}0-9A-Za-z０-９（）()〔〕“”《》、·\s]{{4,60}}$")
TITLE_WORDS = re.compile(r"会议|人大|政协|届|代表|委员|建议|提案")
# 第108号; also 1号建议 without its 第 (a defect of form, but the number is written), when 建议/提案 follows
PROPOSAL_NUMBER = re.compile(
    r"(?:第\s*+|(?<![0-9A-Za-z０-９\-－〕\]］】)）])(?=[0-9A-Za-z０-９][0-9A-Za-z０-９\-－]{0,11}\s*+号\s*+(?:代表|委员)?(?:建议|提案|议案)))"
    r"(?P<number>[0-9A-Za-z０-９][0-9A-Za-z０-９\-－]{0,11})\s*+号"
)
SESSION = re.compile(
    rf"(?:第\s*+)?(?P<term>[{CN_DIGITS}\d]{{1,4}})\s*+届\s*+(?P<mid>[{HAN}]{{0,14}}?)\s*+(?:第\s*+)?"
    rf"(?P<meeting>[{CN_DIGITS}\d]{{1,3}})\s*+次\s*+(?:全体\s*+)?会议"
)
SESSION_PREFIX_STOP = "对于在，,“”\"、：:（(《》 \u3000"

# ---- 正文 -------------------------------------------------------------------------------------------
HEADING_PATTERNS = (
    # level, pattern; what follows the number is captured as ``punct`` so rules can name a wrong mark
    (2, re.compile(r"^(?P<open>[（(])\s*+(?P<num>[一二三四五六七八九十]{1,3})\s*+(?P<close>[）)])(?P<punct>[、.．，,:：]?)\s*+(?P<text>.*)$")),
    (4, re.compile(r"^(?P<open>[（(])\s*+(?P<num>\d{1,2})\s*+(?P<close>[）)])(?P<punct>[、.．，,:：]?)\s*+(?P<text>.*)$")),
    (1, re.compile(r"^(?P<open>)(?P<num>[一二三四五六七八九十]{1,3})(?P<close>)(?P<punct>\s*+[、.．，,:：]|\s++)\s*+(?P<text>.*)$")),
    (3, re.compile(r"^(?P<open>)(?P<num>\d{1,2})(?P<close>)(?P<punct>\s*+[.．、,，:：](?!\d)|\s++(?=[^\d\s年月日]))\s*+(?P<text>.*)$")),
)
# "您 … 提出" within 200 characters, counted from the nearest 您/你/贵/各位代表/等N位代表 (a letter to several
# members may open 各位代表提出的… or 周某等3位代表提出的…; the nearest is the best one; starting from every one of a long row would cost 200
# steps each)
OPENING = re.compile(r"(?:[您你贵]|各位(?:代表|委员)|诸位|等\s*+[0-9一二三四五六七八九十]{1,3}\s*+[位名](?:代表|委员))"
                     r"[^您你贵各诸等\n]{0,200}?(?:提出|所提|领衔|反映)"
                     # the member named in the third person: 许明轩委员提出的《……》收悉, 周某代表领衔提出的
                     r"|(?:代表|委员)(?:领衔|联名)?(?:提出|所提)")
OPENING_REPLY = re.compile(r"(?:收悉|已交|交由|交我|转来|转交|研究办理|答复如下|如下答复|作如下答复|答复如下|现答复)")
OPENING_ANSWER = re.compile(r"答复如下|如下答复|作如下答复|答复如下|现答复")
# 感谢/谢谢 … 关心和支持 (or … 宝贵建议, … 帮助), 表示衷心的感谢, 欢迎继续提出…, and a bare 谢谢！ as the last words
CLOSING_THANKS = re.compile(r"(?:感谢|谢谢)(?:(?!感谢|谢谢).){0,60}?(?:关心|支持|关注|监督|理解|厚爱|帮助|信任|指导|建议|意见|提案)"
                            r"|(?:表示|致以)(?:衷心|诚挚|真诚|由衷|诚恳)?的?(?:感谢|谢意)|欢迎.{0,12}?继续.{0,10}?(?:提出|意见|建议)"
                            r"|^(?:再次|衷心|非常)?(?:感谢|谢谢)(?:您|你们?|各位代表|各位委员)?[！!。]?$")
ATTACHMENT = re.compile(r"^附\s*+件\s*+(?P<num>\d*+)\s*+[:：]\s*+(?P<value>.*)$")
# one item of the 附件说明 (GB/T 9704 7.3.4): 1.名称 / 2、名称 (numbered), or a name alone
ATTACHMENT_ITEM = re.compile(r"^(?P<num>[0-9０-９]{1,2})\s*+(?:[.．、,，]|\s)\s*+(?P<name>\S.*)$")
# an attachment's own heading after the letter (GB/T 9704 7.5): 附件 and its number alone on a line
ANNEX_HEADING = re.compile(r"^附\s*+件\s*+(?P<num>[0-9０-９]{0,2})\s*+[:：]?$")
TERMINAL_PUNCT = "。！？!?；;：:…"
CLOSING_BRACKETS = "”’」』）)】》\"'"

# ---- 落款, 附注, 版记 ----------------------------------------------------------------------------------
_DATE_ARABIC = r"(?P<y>\d{2,4})\s*+年\s*+(?P<m>\d{1,2})\s*+月\s*+(?P<d>\d{1,2})\s*+日"
# Chinese numerals, also mixed with Arabic zeros as typed (二0二一年五月六日)
_DATE_CHINESE = r"(?P<cy>[〇零○Ｏ0O一二三四五六七八九]{2,4})\s*+年\s*+(?P<cm>[一二三四五六七八九十]{1,3})\s*+月\s*+(?P<cd>[一二三四五六七八九十]{1,3})\s*+日"
_DATE_SEPARATED = r"(?P<sy>\d{4})\s*+(?P<sep>[.\-/／．])\s*+(?P<sm>\d{1,2})\s*+[.\-/／．]\s*+(?P<sd>\d{1,2})"
# 20211026: eight digits that make a date of this century or the last (month 01–12, day 01–31)
_DATE_DIGIT_RUN = r"(?P<ry>(?:19|20)\d\d)(?P<rm>0[1-9]|1[0-2])(?P<rd>0[1-9]|[12]\d|3[01])(?!\d)"
# a template's date left unfilled: 2024年  月  日, 二〇二四年 月 日, 2024年×月×日, 2024年6月  日 (the year may
# be missing too: 年 月 日); the marks of a placeholder are never white space, so no two runs share a blank
_UNFILLED_MARK = r"[×xXＸ□○]{0,2}"
_DATE_UNFILLED = (
    r"(?P<uy>[\d〇零○Ｏ0O一二三四五六七八九]{4})?\s*+年\s*+"
    rf"(?:(?P<um>\d{{1,2}}|[一二三四五六七八九十]{{1,3}})|{_UNFILLED_MARK})\s*+月\s*+{_UNFILLED_MARK}\s*+日"
)
DATE_TEXT = rf"(?:{_DATE_ARABIC}|{_DATE_CHINESE}|{_DATE_SEPARATED}|{_DATE_DIGIT_RUN}|{_DATE_UNFILLED})"
DATE_LINE = re.compile(rf"^{DATE_TEXT}$")
# a date inside a labelled field (答复日期：2024年6月12日), matched where the value starts
DATE_IN_FIELD = re.compile(rf"(?=[\d{CN_DIGITS}O年]){DATE_TEXT}")
# the organ is empty or ends with a non-space (as the lazy organ of "^(.*?)\s*date" always did): the spaces
# before the date are then scanned once, not once for every place the organ might end inside them. A 印发
# date is printed, never a digit run or a blank template: those two forms are left out, so that the organ's
# every possible end tries three forms only
PRINT_LINE = re.compile(rf"^(?P<organ>(?:.*?\S)??)\s*+(?P<date>(?:{_DATE_ARABIC}|{_DATE_CHINESE}|{_DATE_SEPARATED}|{_DATE_UNFILLED}))\s*+印\s*+发$")
SEAL = re.compile(r"^[（(\[【〔]\s*(?:印\s*章|公\s*章|盖\s*章|签\s*章|单位公章|单位印章)\s*[）)\]】〕]$")
NO_BODY_MARKER = re.compile(r"^[（(]?\s*此\s*页\s*无\s*正\s*文\s*[）)]?$")


def _spaced(word: str) -> str:
    """A label as it may be written with spaces between its characters (联 系 人)."""
    return r"\s*+".join(word)


# The labels of a footer's fields and what each stands for in the model: a contact person, a phone, the
# 署名 (承办单位), the 签发人 (单位负责人), the 成文日期 (答复日期), or nothing the model keeps (邮政编码).
# Longer labels first, so that 承办人及联系电话 is one label, not 承办人 followed by text.
FIELD_LABELS: dict[str, str] = {
    "联系人及联系电话": "person+phone", "联系人及电话": "person+phone", "承办人及联系电话": "person+phone",
    "承办人及电话": "person+phone", "经办人及联系电话": "person+phone", "经办人及电话": "person+phone",
    # a unit named in place of a person (ministry style: 联系单位及电话：某部某司，010-…): the contact unit
    "联系单位及联系电话": "unit+phone", "联系单位及电话": "unit+phone", "联系处室及联系电话": "unit+phone",
    "联系处室及电话": "unit+phone", "联系部门及电话": "unit+phone",
    "具体经办人姓名": "person", "具体承办人姓名": "person", "具体经办人": "person", "具体承办人": "person",
    "经办人姓名职务": "person", "经办人姓名": "person", "承办人姓名": "person", "联系人姓名": "person",
    "联系人": "person", "经办人": "person", "承办人": "person",
    "主管领导人姓名": "signer", "主管领导姓名": "signer", "分管领导姓名": "signer", "主管领导人": "signer",
    "主管领导": "signer", "分管领导": "signer", "单位负责人": "signer", "主要负责人": "signer", "签发人": "signer",
    "承办单位": "organ", "答复单位": "organ", "主办单位": "organ",
    "答复日期": "date", "答复时间": "date",
    "联系电话": "phone", "联系方式": "phone", "办公电话": "phone", "电话": "phone", "手机": "phone",
    "联系单位": "unit", "联系处室": "unit", "联系部门": "unit", "承办处室": "unit", "经办处室": "unit",
    "分管单位": "", "联系地址": "", "通讯地址": "", "邮政编码": "", "邮编": "", "传真": "",
}
def _label_trie(labels) -> str:
    """The labels as one regex shaped as a trie (联\\s*+(?:系\\s*+(?:人…|电\\s*+话)…)|经…): at each place of a
    line only the labels that begin with its character are tried, not all fifty in turn. Longer labels come
    before their prefixes (联系人及电话 before 联系人), as in an alternation sorted by length."""
    tree: dict = {}
    for label in labels:
        node = tree
        for ch in label:
            node = node.setdefault(ch, {})
        node[""] = {}  # a label ends here

    def render(node: dict) -> str:
        branches = [re.escape(ch) + (r"\s*+" + render(child) if any(child) else "")
                    if ch else "" for ch, child in sorted(node.items(), key=lambda item: item[0] == "")]
        ends_here = "" in node
        inner = [b for b in branches if b]
        if not inner:
            return ""
        body = inner[0] if len(inner) == 1 else "(?:" + "|".join(inner) + ")"
        return f"(?:{body})?" if ends_here else body

    return render(tree)


_FIELD_LABEL = _label_trie(FIELD_LABELS)
# a line of 附注 or footer fields: it starts with a known label
CONTACT = re.compile(rf"^[（(]?\s*+(?:{_FIELD_LABEL})\s*+[:：]")
# the known labels of such a line; a label's value runs to the next label
CONTACT_LABEL = re.compile(rf"(?P<label>{_FIELD_LABEL})\s*+[:：]")
# any other label (职务：科长): it ends the value before it; only after a space or a separator, since a label
# glued to a value (澜州市交通运输局单位负责人：) cannot be told from the value
OTHER_LABEL = re.compile(rf"(?:^|(?<=[\s，,；;、（(]))(?P<label>[{HAN}A-Za-z]{{1,10}})\s*+[:：]")
# a line that starts with a label of its own before a known one (负责同志：周立新  联系人：马海燕)
LEADING_LABEL = re.compile(rf"^[（(]?(?P<label>[{HAN}]{{2,8}})[:：]")
# a phone-like number: valid or not (contact-phone-format judges it), so a mistyped number is not "missing";
# a mobile written in groups (138 0871 2345) is one number; digits masked by the publisher (010-5893xxxx)
# still make one; a 400/800 number in groups (400-123-4567), a 12345-type government hotline, and an
# extension after a landline (0871-6812345转8001, 0871-6812345-8001) belong to the number
PHONE = re.compile(
    r"(?<![\d\-])(?:1[3-9]\d(?:[ \u3000\-－]\d{4}){2}"
    r"|[48]00[ \-－]\d{3}[ \-－]\d{4}"
    r"|12\d{3}(?!\d)"
    # a landline written in groups after its area code (010-6512 3456, 0871 6812 3456), as a mobile may be; a
    # group too short or too long is still the number (contact-phone-format counts its digits)
    r"|(?:[（(]0\d{2,3}[）)]\s*+[-－—–]?\s*+|0\d{2,3}(?:\s*+[-－—–]\s*+|\s++))\d{3,4}[ \u3000]\d{3,5}(?!\d)"
    r"|(?:[（(]0\d{2,3}[）)]\s*+[-－—–]?\s*+|0\d{2,3}(?:\s*+[-－—–]\s*+|\s++))?(?:\d{6,13}|\d{2,10}[xX×＊*]{2,8})"
    r"(?:\s*+(?:转|[-－])\s*+\d{1,5}(?!\d))?)"
    r"(?![\dxX×＊*])"
)
PERSON_NAME = re.compile(rf"[{HAN}·]{{2,5}}")
CC = re.compile(r"^(?P<label>抄\s*+送|抄\s*+报)\s*+(?P<colon>[:：]?)\s*+(?P<value>.*)$")
# A CC recipient that is the 人大 deputies' office (选工委, 代表工委, 代工委, 人代工委, 选联工委, 联工委, the
# 人大常委会办公室/办公厅 …) or the 政协 proposals committee (政协提案委, 提案委): read by the kind decision and by
# the cc rules alike. Only whether one matches counts, so each searches from the first 人大 / 政协 of a
# recipient (between separators) only.
CC_NPC_OFFICE = re.compile(
    r"(?:^|(?<=[，,、；;]))(?>[^，,、；;]*?人大)[^，,、；;]*?(?:代表|选工委|人代|选任|选举|人事|代工委|联工委|办公室|办公厅)"
    r"|代表工委|选工委|代工委|联工委"
)
CC_CPPCC_OFFICE = re.compile(r"(?:^|(?<=[，,、；;]))(?>[^，,、；;]*?政协)[^，,、；;]*?提案|提案委")
COPY_COUNT = re.compile(r"[（(]\s*+(?:各\s*+)?[\d一二三四五六七八九十]++\s*+份\s*+[）)]")

# ---- quoted text -------------------------------------------------------------------------------------
# Text inside quotation marks or 《》 is quoted from elsewhere (a proposal's own title). The regex for it,
# “[^”]*”|《[^》]*》|…, tries every opening mark of an unclosed row to the end of the text: quadratic.
QUOTES = {"“": "”", "《": "》", "「": "」", '"': '"'}
KIND_QUOTES = {**QUOTES, "‘": "’"}  # the kind decision also skips text in single quotation marks
_OPENING_MARKS = {"".join(pairs): re.compile("[" + re.escape("".join(pairs)) + "]") for pairs in (QUOTES, KIND_QUOTES)}


def quotation_tails(texts: list[str]) -> list[int]:
    """For each paragraph, where a quotation of several paragraphs stands in it: such a quotation opens each
    paragraph with “ and closes only the last with ” (GB/T 15834-2011 4.8), so a paragraph that leaves a
    “ open when the next paragraph opens with “ again is quoted from that “ (the first after its last ”) to
    its end. len(text) for a paragraph with no such quotation; the last paragraph's closed “…” is
    ``Quoted``'s. Shared by the rules that pair marks (quote-balance) and that skip quoted text."""
    tails = [len(text) for text in texts]
    for i in range(len(texts) - 1):
        text = texts[i]
        if "“" in text and texts[i + 1].lstrip(" \u3000\t").startswith("“"):
            opening = text.find("“", text.rfind("”") + 1)
            if opening >= 0:
                tails[i] = opening
    return tails


class Quoted:
    """The quoted stretches of a text: exactly what ``re.finditer`` of ``“[^”]*”|《[^》]*》|…`` over the
    pairs finds, found in linear time (an opening mark with no closing mark after it is given up once for
    all). ``offset in quoted`` tells whether a character stands inside one."""

    __slots__ = ("starts", "ends")

    def __init__(self, text: str, pairs: dict[str, str] = QUOTES):
        key = "".join(pairs)
        opening = _OPENING_MARKS.get(key) or re.compile("[" + re.escape(key) + "]")
        self.starts: list[int] = []
        self.ends: list[int] = []
        unclosed = set()  # opening marks never closed after some point, so never after any later point
        at = 0
        while True:
            m = opening.search(text, at)
            if m is None:
                break
            start = m.start()
            mark = text[start]
            end = -1 if mark in unclosed else text.find(pairs[mark], start + 1)
            if end < 0:
                unclosed.add(mark)
                at = start + 1
                continue
            self.starts.append(start)
            self.ends.append(end + 1)
            at = end + 1

    def __contains__(self, offset: int) -> bool:
        i = bisect_right(self.starts, offset) - 1
        return i >= 0 and offset < self.ends[i]

    def spans(self) -> list[tuple[int, int]]:
        return list(zip(self.starts, self.ends))

    def outside(self, text: str) -> str:
        """The text with its quoted stretches taken out."""
        if not self.starts:
            return text
        pieces, at = [], 0
        for start, end in zip(self.starts, self.ends):
            pieces.append(text[at:start])
            at = end
        pieces.append(text[at:])
        return "".join(pieces)

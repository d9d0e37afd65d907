"""Which kind of letter this is (a reply to a 人大代表建议 or to a 政协委员提案), and which role it plays (a
reply to the member, or a 会办/协办 letter to the lead unit).

Decided only from the letter's own frame: the title (session body and item noun), the salutation role,
the 抄送 recipients and the 文号's organ code, with the opening as a weaker signal. Text inside quotation
marks or 《》 is the proposal's own title and does not count, nor does a phrase that names both kinds at
once (建议提案, 人大代表建议和政协委员提案); the body is never read: a 人大 reply may well mention a 政协
document.
"""

from __future__ import annotations

import re

from . import patterns as P
from ..model import Element, Kind, KindSignal, Letter, Role, Span

# (element, weight): the title is the most deliberate statement of what the letter answers
_WEIGHTS = {"title": 3, "salutation": 2, "session": 0, "opening": 1, "cc": 1, "doc_number": 1}

_NPC_BODY = re.compile(r"人大|人民代表大会")
_CPPCC_BODY = re.compile(r"政协|政治协商")
_NPC_NOUN = re.compile(r"建议|议案")
_CPPCC_NOUN = re.compile(r"提案")


def _signal(signals: list, element: str, kind: Kind, text: str, span: Span) -> None:
    signals.append(KindSignal.trusted(element=element, kind=kind, text=text, span=span))


def _scan(signals: list, element: str, text: str, span: Span) -> None:
    own_words = P.Quoted(text, P.KIND_QUOTES).outside(text)
    if "人大" in own_words or "建议" in own_words or "议案" in own_words:  # only then can a phrase name both
        own_words = P.KIND_NEUTRAL.sub("", own_words)
    for pattern, kind in ((_NPC_BODY, Kind.NPC), (_CPPCC_BODY, Kind.CPPCC), (_NPC_NOUN, Kind.NPC), (_CPPCC_NOUN, Kind.CPPCC)):
        m = pattern.search(own_words)
        if m:
            _signal(signals, element, kind, m.group(0), span)


def decide_kind(letter: Letter) -> tuple[Kind, list[KindSignal]]:
    signals: list[KindSignal] = []
    if letter.title is not None:
        _scan(signals, "title", letter.title.value, letter.title.span)
    salutation = letter.salutation
    if salutation is not None and salutation.role:
        role = salutation.role
        _signal(signals, "salutation", Kind.NPC if role == "代表" else Kind.CPPCC, role, salutation.span)
    if letter.opening is not None:
        _scan(signals, "opening", letter.opening.value, letter.opening.span)
    if letter.cc is not None:
        for recipient in letter.cc.value:
            if P.CC_NPC_OFFICE.search(recipient):
                _signal(signals, "cc", Kind.NPC, recipient, letter.cc.span)
            elif P.CC_CPPCC_OFFICE.search(recipient):
                _signal(signals, "cc", Kind.CPPCC, recipient, letter.cc.span)
    if letter.doc_number is not None:
        code = letter.doc_number.code
        if "政协" in code or "提" in code:
            _signal(signals, "doc_number", Kind.CPPCC, code, letter.doc_number.span)
        elif "人大" in code or "建" in code and "议" in code:
            _signal(signals, "doc_number", Kind.NPC, code, letter.doc_number.span)
    score = {Kind.NPC: 0, Kind.CPPCC: 0}
    for s in signals:
        score[s.kind] += _WEIGHTS[s.element]
    if score[Kind.NPC] > score[Kind.CPPCC]:
        return Kind.NPC, signals
    if score[Kind.CPPCC] > score[Kind.NPC]:
        return Kind.CPPCC, signals
    if not signals and salutation is not None and salutation.addressee == "organisation":
        # a 集体提案 comes from a party, a people's organisation or a 政协 committee (a 人大 代表团 makes
        # a 集体建议): the weakest cue, taken only when nothing else in the frame says anything
        kind = Kind.NPC if P.ADDRESSEE_NPC.search(salutation.name) else Kind.CPPCC
        _signal(signals, "salutation", kind, salutation.name, salutation.span)
        return kind, signals
    return Kind.UNKNOWN, signals


def decide_role(letter: Letter) -> Role:
    """``co-handling`` (a 会办/协办 letter to the lead unit) when the title, the addressee or the opening
    says so, whichever of them the letter has; else ``reply``. Any one cue is enough: a letter published
    without its title is still recognised by its addressee or its opening."""
    title = letter.title
    if title is not None and ("办" in title.value):
        own_words = P.Quoted(title.value, P.KIND_QUOTES).outside(title.value)
        if P.COHANDLING_TITLE.search(own_words):
            return "co-handling"
    salutation = letter.salutation
    if salutation is not None and salutation.addressee == "unit":
        return "co-handling"
    opening_zone = [p for p in letter.paragraphs[:4] if p.heading_level is None][:3]
    for paragraph in opening_zone:
        if "办" in paragraph.text and P.COHANDLING_OPENING.search(paragraph.text):
            return "co-handling"
    return "reply"



# ---- is it a reply letter at all -------------------------------------------------------------------------
# the title of a reply (…的答复, …答复意见, …的复函, …会办意见, …协办意见的函) that names what it answers
_REPLY_TITLE_END = re.compile(r"(?:答复(?:意见|函)?|回复|复函|(?:会办|协办|办理)意见|的函)$")
_REPLY_TITLE_ITEM = re.compile(r"建议|提案|议案|号")
# the title of another kind of document: its 文号 does not make it a reply (a 交办 notice, minutes, a table)
_OTHER_DOCUMENT_TITLE = re.compile(r"(?:通知|通报|纪要|决定|报告|请示|公告|公示|简报|方案|办法|统计表|一览表|情况表|汇总表)"
                                   r"(?:[（(][^）)]{0,10}[）)])?$")
# a reply's opening, also without 您 (…建议收悉, 现将我局协办意见函告如下)
_REPLY_OPENING = re.compile(r"收悉|(?:答复|函告|回复)如下|现(?:予以)?答复")


def is_reply_letter(letter: Letter) -> bool:
    """Does the text read as a reply letter at all? It does with a salutation, a reply opening, the title of
    a reply, or a 文号 on a text with more than that line. A title naming another kind of document (a 交办
    notice has a 文号 and is addressed to units too) leaves only a member's salutation or a reply opening.
    A news item about 建议办理, a statistics table or a lone word is no letter."""
    if letter.opening is not None:
        return True
    title = letter.title.value if letter.title is not None else ""
    other_document = bool(title) and _OTHER_DOCUMENT_TITLE.search(title) is not None
    salutation = letter.salutation
    if salutation is not None and (salutation.role or not other_document):
        return True
    if title and _REPLY_TITLE_END.search(title) and _REPLY_TITLE_ITEM.search(title):
        return True
    prose = [p.text for p in letter.paragraphs if p.heading_level is None][:3]
    if any(_REPLY_OPENING.search(text) for text in prose):
        return True
    return letter.doc_number is not None and bool(title or letter.paragraphs) and not other_document


__all__ = ["decide_kind", "decide_role", "is_reply_letter", "Element"]

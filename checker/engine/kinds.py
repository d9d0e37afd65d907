"""The rule kinds, implemented once. Each ``compile_*`` turns a validated check into a function
``(letter, ctx) -> list[Finding]``; the loader does this once per rule, so running a rule is a call.

A finding is where (a span) plus the values for the message's placeholders, and, for the few checks that
grade their own findings (an order check standing early, a landline without area code), a severity.
"""

from __future__ import annotations

import re
from typing import Any, Callable, Iterable, Optional

from ..model import Element, Letter, Paragraph, Span
from ..parser.patterns import FULLWIDTH_DIGITS, ORGAN_SUFFIX, Quoted
from ..parser.structure import missing_anchor
from . import schema as S
from .context import CheckFn, Context, Finding, body_span, joined_body
from .named import compile_python


ELEMENT_LABELS = {
    "grade": "办理结果", "disclosure": "公开属性", "secrecy": "密级", "urgency": "紧急程度", "copy_number": "份号",
    "organ_mark": "发文机关标志", "doc_number": "发文字号", "signer": "签发人", "title": "标题",
    "salutation": "主送（称呼）", "attachment": "附件说明", "signature_organ": "发文机关署名", "seal": "印章",
    "date": "成文日期", "no_body_marker": "“此页无正文”", "contact": "联系人和电话", "contact_lines": "联系人和电话",
    "contact_person": "联系人", "contact_phone": "联系电话", "cc": "抄送", "printed": "印发机关和印发日期",
    "print_organ": "印发机关", "print_date": "印发日期", "proposal_number": "建议/提案编号", "session": "会议届次",
    "opening": "开头语", "closing": "结尾致谢", "headings": "层次标题", "paragraphs": "正文",
}


def attr(element: Any, name: str) -> Any:
    return getattr(element, name, None) if element is not None else None


def resolve(letter: Letter, path: str) -> tuple[Any, Any]:
    """"doc_number.year" → (the doc_number element, its year)."""
    field_name, _, attribute = path.partition(".")
    element = getattr(letter, field_name)
    return element, (attr(element, attribute or "value") if element is not None else None)


def _span_of(element: Any) -> Optional[Span]:
    if element is None:
        return None
    if isinstance(element, list):
        return element[0].span if element else None
    return element.span


def compile_condition(cond: S.Condition) -> Callable[[Letter], bool]:
    """A test on one element, as a function of the letter (its regexes looked up once, here)."""
    name, attribute, present_wanted = cond.field, cond.attribute, cond.present
    match_re, not_match_re = cond._match_re, cond._not_match_re
    tests_value = match_re is not None or not_match_re is not None

    def holds(letter: Letter) -> bool:
        element = getattr(letter, name)
        present = bool(element) if isinstance(element, list) else element is not None
        if present_wanted is not None and present != present_wanted:
            return False
        if not tests_value:
            return True
        if not present:  # an absent element matches nothing, so it holds "not_match" alone
            return match_re is None
        value = attr(element, attribute)
        text = "" if value is None else str(value)
        if match_re is not None and not match_re.search(text):
            return False
        if not_match_re is not None and not_match_re.search(text):
            return False
        return True
    return holds


def guarded(run: CheckFn, when: Optional[S.Condition]) -> CheckFn:
    """A rule's check that runs only when its ``when`` condition holds."""
    if when is None:
        return run
    holds = compile_condition(when)

    def run_when(letter: Letter, ctx: Context) -> list:
        return run(letter, ctx) if holds(letter) else []
    return run_when


# ---- required ---------------------------------------------------------------------------------------------

def compile_required(check: S.RequiredCheck) -> CheckFn:
    name = check.field

    if check.expect == "present":
        def run(letter: Letter, ctx: Context) -> list:
            value = getattr(letter, name)
            if value is None or (isinstance(value, list) and not value):
                return [Finding(missing_anchor(letter, name, ctx.last_line), {"element": ELEMENT_LABELS.get(name, name)})]
            return []
    else:
        def run(letter: Letter, ctx: Context) -> list:
            value = getattr(letter, name)
            if value is None or (isinstance(value, list) and not value):
                return []
            first = value[0] if isinstance(value, list) else value
            return [Finding(first.span, {"value": getattr(first, "value", ""), "raw": getattr(first, "raw", "")}, element=first)]
    return run


# ---- pattern, enum ----------------------------------------------------------------------------------------

def _items(element: Any, attribute: str) -> list[tuple[str, Span, Any]]:
    """The values a pattern looks at, each with the span to report: list fields (contact_lines,
    headings) give one per element; a list value (cc recipients) gives one per item at the element."""
    if isinstance(element, list):
        return [(_text(attr(e, attribute)), e.span, e) for e in element]
    value = attr(element, attribute)
    if isinstance(value, list) and attribute != "separators":
        return [(_text(v), element.span, element) for v in value]
    return [(_text(value), element.span, element)]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "".join(str(v) for v in value)
    return str(value)


def compile_pattern(check: S.PatternCheck) -> CheckFn:
    regex, must_match, name, attribute, mode = check._regex, check.match is not None, check.field, check.attribute, check.items

    def passes(text: str) -> bool:
        return bool(regex.search(text)) == must_match

    def run(letter: Letter, ctx: Context) -> list:
        element = getattr(letter, name)
        if element is None or (isinstance(element, list) and not element):
            return []
        items = _items(element, attribute)
        if not items:  # an empty list (a bare "抄送：") has no item that passes
            items = [("", _span_of(element), element if not isinstance(element, list) else None)]
        if mode == "any":
            if any(passes(text) for text, _, _ in items):
                return []
            first = items[0]
            return [Finding(first[1], {"value": first[0], "raw": _raw(first[2]), "found": "、".join(t for t, _, _ in items)}, element=first[2])]
        failing = [item for item in items if not passes(item[0])]
        if mode == "all":
            failing = failing[:1]
        return [Finding(span, {"value": text, "raw": _raw(el), "found": text}, element=el) for text, span, el in failing]
    return run


def _raw(element: Any) -> str:
    return getattr(element, "raw", "") or ""


def compile_enum(check: S.EnumCheck) -> CheckFn:
    name, attribute, values, key = check.field, check.attribute, check.values, check.profile_key

    def run(letter: Letter, ctx: Context) -> list:
        element = getattr(letter, name)
        if element is None:
            return []
        allowed = values if values is not None else getattr(ctx.profile, key)
        value = attr(element, attribute)
        if value in allowed:
            return []
        return [Finding(element.span, {"value": "" if value is None else str(value), "raw": _raw(element),
                                       "expected": "、".join(str(v) for v in allowed)}, element=element)]
    return run


# ---- forbidden ----------------------------------------------------------------------------------------------

def _scope_texts(letter: Letter, scope: str) -> Iterable[tuple[str, Callable[[int, int], Span]]]:
    """(text, span_of(start, end)) pairs for a scope."""
    if scope == "body":
        for p in letter.paragraphs:
            yield p.text, p.span_of
    elif scope == "headings":
        for p in letter.paragraphs:
            if p.heading_level is not None:
                yield p.text, p.span_of
    elif scope in ("opening", "closing"):
        element = getattr(letter, scope)
        if element is not None:
            for p in letter.paragraphs:
                if element.span.line <= p.span.line <= element.span.end_line:
                    yield p.text, p.span_of
    elif scope in ("cc", "contact"):
        elements = [letter.cc] if scope == "cc" else letter.contact_lines
        for element in elements:
            if element is not None:
                yield element.raw, _single_line(element.span)


def _single_line(span: Span) -> Callable[[int, int], Span]:
    def span_of(start: int, end: int) -> Span:
        return Span.trusted(line=span.line, column=span.column + start, end_line=span.line, end_column=span.column + end)
    return span_of


Matcher = Callable[[str], Iterable[tuple[int, int]]]  # text -> (start, end) of each offending stretch


def _scan(scope: str, skip_quoted: bool, matches: Matcher) -> CheckFn:
    """A check reporting every stretch ``matches`` finds in a scope's text; ``forbidden`` and ``repeated``
    differ only in how they find stretches. The body is scanned once, joined (see ``_body``); a stretch
    never spans two paragraphs."""

    def findings(text: str, span_of: Callable[[int, int], Span]) -> list:
        found = []
        quoted = None
        for start, end in matches(text):
            if end == start or "\n" in text[start:end]:
                continue
            if skip_quoted:
                if quoted is None:
                    quoted = Quoted(text)
                if start in quoted:
                    continue
            piece = text[start:end]
            found.append(Finding(span_of(start, end), {"found": piece, "value": piece}))
        return found

    if scope == "body":
        def run(letter: Letter, ctx: Context) -> list:
            text, starts, paragraphs = joined_body(letter, ctx)
            return findings(text, lambda start, end: body_span(starts, paragraphs, start, end))
        return run

    def run(letter: Letter, ctx: Context) -> list:
        found = []
        for text, span_of in _scope_texts(letter, scope):
            found.extend(findings(text, span_of))
        return found
    return run


def compile_forbidden(check: S.ForbiddenCheck) -> CheckFn:
    regex = check._regex
    return _scan(check.scope, check.skip_quoted, lambda text: (m.span() for m in regex.finditer(text)))


def find_repeats(text: str, shortest: int, longest: int, allowed: re.Pattern, not_starting: str) -> list[tuple[int, int]]:
    """Stretches text[i:i+2k] whose two halves are equal (shortest <= k <= longest), all characters in
    ``allowed``, the first not in ``not_starting``: the same matches, in the same order, as
    ``re.finditer(r"(?![not_starting])([allowed]{shortest,longest})\\1")``.

    A regex tries every place and every length (the costliest rule of the catalogue that way). Here the text
    is one big integer of 16- or 32-bit code units; for each length k, XOR with itself shifted by k units
    leaves a zero unit exactly where text[j] == text[j + k], so a repeat of length k is a run of k zero
    units, which ``bytes.find`` locates at C speed. Python looks only at those runs, and jumps over
    stretches of characters outside ``allowed`` (a row of spaces or dashes is a run too). Each test of
    ``allowed`` looks at one character or one candidate, never at the rest of a run: linear in the text."""
    n = len(text)
    if n < 2 * shortest:
        return []
    data = text.encode("utf-16-le")
    width = 2  # bytes per code point: UTF-16 when every character is in the BMP (letters are), else UTF-32
    if len(data) != 2 * n:
        data, width = text.encode("utf-32-le"), 4
    whole = int.from_bytes(data, "little")
    size = len(data)
    lengths_at: dict[int, list[int]] = {}
    for k in range(shortest, min(longest, n // 2) + 1):
        units = (whole ^ (whole >> (8 * width * k))).to_bytes(size, "little")
        run = bytes(width * k)
        last = n - 2 * k  # the last place a repeat of length k can start
        at = units.find(run)
        while at != -1:
            i = -(-at // width)  # the zero bytes may straddle units: the first whole unit of the run
            if i > last:
                break
            if at % width == 0:
                if allowed.match(text, i, i + 1):  # one character: matching on would cross the whole run
                    lengths_at.setdefault(i, []).append(k)
                    i += 1
                else:  # no repeat starts on a character outside the class: go to the next one inside
                    found = allowed.search(text, i)
                    if found is None:
                        break
                    i = found.start()
            at = units.find(run, i * width)
    out: list[tuple[int, int]] = []
    resume = 0
    for i in sorted(lengths_at):
        if i < resume or text[i] in not_starting:
            continue
        for k in sorted(lengths_at[i], reverse=True):  # the longest first, as a greedy regex would
            if allowed.fullmatch(text, i, i + k):
                out.append((i, i + 2 * k))
                resume = i + 2 * k
                break
    return out


def find_repeats_across(text: str, marks: str, phrase: re.Pattern, longest: int, skip: Optional[re.Pattern],
                        not_followed: str = "") -> list[tuple[int, int]]:
    """Stretches “X，X” where X is a whole phrase (a run of ``phrase`` characters between marks, 2 to
    ``longest`` long) and the phrase after the mark begins with X again (2024年，2024年，我区…): one look at
    each run of the text, linear. A run used as the second half is not the first half of another finding."""
    out: list[tuple[int, int]] = []
    previous = None
    used_end = -1
    for run in phrase.finditer(text):
        if previous is not None and run.start() == previous.end() + 1 and text[previous.end()] in marks \
                and previous.start() >= used_end:
            first = previous.group(0)
            after = run.start() + len(first)
            if 2 <= len(first) <= longest and text.startswith(first, run.start()) \
                    and (skip is None or not skip.fullmatch(first)) \
                    and not (after < len(text) and text[after] in not_followed):
                out.append((previous.start(), run.start() + len(first)))
                used_end = run.start() + 1
        previous = run
    return out


def compile_repeated(check: S.RepeatedCheck) -> CheckFn:
    allowed = check._class
    shortest, longest, not_starting = check.min, check.max, check.not_starting
    not_words = frozenset(check.not_words)
    marks, phrase, across_max, skip = check.across, check._across_class, check.across_max, check._across_skip
    not_followed = check.across_not_followed

    def matches(text: str) -> list[tuple[int, int]]:
        found = find_repeats(text, shortest, longest, allowed, not_starting)
        if not_words:
            found = [(start, end) for start, end in found if text[start:(start + end) // 2] not in not_words]
        if marks:
            found = sorted(found + find_repeats_across(text, marks, phrase, across_max, skip, not_followed))
        return found
    return _scan(check.scope, check.skip_quoted, matches)


# ---- compare ------------------------------------------------------------------------------------------------

# What an organ's name may be written with or without (GB/T 9704-2012 7.2.4, 7.3.5: the full name or the
# 规范化简称): 中华人民共和国 before a ministry, 文件 after the 版头, 和/与 inside (住房和城乡建设部, 住房城乡建设部),
# and the spaces and separators of a joint 版头 or 署名
_ORGAN_NOISE = re.compile(r"中华人民共和国|[和与\s\u3000]")
_ORGAN_SEPARATORS = re.compile(r"[、，,；;]")
# the last word of a name and the way it is shortened (发展和改革委员会 → 发改委, 政府办公室 → 政府办)
_ORGAN_ENDINGS = (("委员会", "委"), ("办公室", "办"), ("办公厅", "办"))
_ORGAN_ENDS = tuple(ORGAN_SUFFIX.split("|"))  # a name of five characters or more ending so is an organ's


def _organ_key(name: str) -> str:
    key = _ORGAN_NOISE.sub("", name).removesuffix("文件")
    for full, short in _ORGAN_ENDINGS:
        if key.endswith(full):
            return key[: -len(full)] + short
    return key


def _abbreviates(short: str, full: str) -> bool:
    """``short`` is ``full`` or a 规范化简称 of it: its characters in the same order (青川市住建局 of
    青川市住房城乡建设局, 住建部 of 住房城乡建设部), ending in the same word (the 市政府 of 市政府办公室 is
    another organ)."""
    if short == full:
        return True
    if len(short) < 2 or len(short) > len(full) or short[-1] != full[-1]:
        return False
    rest = iter(full)
    return all(ch in rest for ch in short)


def _one_organ(a: str, b: str) -> bool:
    return _abbreviates(a, b) or _abbreviates(b, a)


def _same_organ(a: str, b: str) -> bool:
    """The 发文机关标志 and the 署名 name the same organ, or the same organs of a joint letter: each organ of
    the side naming fewer is one of the other side's (a joint 版头 may name the lead organ only), or the two
    sides name the same organs run together (青川市住房和城乡建设局 青川市交通运输局 文件 against a 署名 on
    two lines), or the side naming one organ is one of the organs the other runs together."""
    left = [k for k in (_organ_key(x) for x in _ORGAN_SEPARATORS.split(a)) if k]
    right = [k for k in (_organ_key(x) for x in _ORGAN_SEPARATORS.split(b)) if k]
    if not left or not right:
        return True
    if "".join(left) == "".join(right):
        return True
    fewer, more = (left, right) if len(left) <= len(right) else (right, left)
    if all(any(_one_organ(x, y) for y in more) for x in fewer):
        return True
    if len(fewer) == 1 and len(more) == 1:  # one name holding two organs run together, the other one of them
        one, joint = sorted((fewer[0], more[0]), key=len)
        at = joint.find(one)
        if at >= 0:
            others = joint[:at] + joint[at + len(one):]
            return len(others) >= 5 and others.endswith(_ORGAN_ENDS)
    return False


def compile_compare(check: S.CompareCheck) -> CheckFn:
    left, right, op = check.left, check.right, check.operator

    def run(letter: Letter, ctx: Context) -> list:
        left_el, left_val = resolve(letter, left)
        if left_el is None or left_val is None:
            return []
        if op == "role-matches-kind":
            kind = letter.kind.value
            if kind == "unknown" or not left_val:
                return []
            expected = "代表" if kind == "npc-suggestion" else "委员"
            if left_val == expected:
                return []
            return [Finding(left_el.span, {"value": str(left_val), "expected": expected, "raw": _raw(left_el)}, element=left_el)]
        right_el, right_val = resolve(letter, right)
        if right_el is None or right_val is None:
            return []
        if op == "equal":  # digits compare as digits, full-width or not (〔２０２４〕 and 2024年)
            ok = str(left_val).translate(FULLWIDTH_DIGITS) == str(right_val).translate(FULLWIDTH_DIGITS)
        elif op == "same-organ":
            ok = _same_organ(str(left_val), str(right_val))
        else:  # on-or-after: ISO dates compare as strings; unreadable dates are date-format's business
            if not (_iso(left_val) and _iso(right_val)):
                return []
            ok = str(left_val) >= str(right_val)
        if ok:
            return []
        return [Finding(left_el.span, {"value": str(left_val), "other": str(right_val), "raw": _raw(left_el),
                                       "line": right_el.span.line}, element=left_el)]
    return run


_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _iso(value: Any) -> bool:
    return bool(_ISO.match(str(value)))


# ---- sequence (headings) -------------------------------------------------------------------------------------

_CN = "一二三四五六七八九十"


def _marker(level: int, ordinal: int) -> str:
    if level in (1, 2):
        if ordinal <= 10:
            cn = _CN[ordinal - 1]
        elif ordinal < 20:
            cn = "十" + _CN[ordinal - 11]
        else:
            cn = _CN[ordinal // 10 - 1] + "十" + (_CN[ordinal % 10 - 1] if ordinal % 10 else "")
        return f"{cn}、" if level == 1 else f"（{cn}）"
    return f"{ordinal}." if level == 3 else f"（{ordinal}）"


def _unnumbered_heading(p: Paragraph) -> bool:
    """A short line with no sentence punctuation standing among headings: a heading without its number."""
    text = p.text
    return p.heading_level is None and len(text) <= 20 and not any(ch in text for ch in "。，；！？：,;:!?")


def compile_sequence(check: S.SequenceCheck) -> CheckFn:
    mode = check.check
    allowed = {int(level): set(marks) for level, marks in check.allowed_punct.items()}

    def gap(letter: Letter, ctx: Context) -> list:
        found = []
        expected = {}  # level → next ordinal
        pending_unnumbered: Optional[Paragraph] = None
        headings = iter(letter.headings)  # in the same order as the heading paragraphs
        for p in letter.paragraphs:
            if p.heading_level is None:
                if _unnumbered_heading(p) and expected.get(1):
                    pending_unnumbered = p
                continue
            h = next(headings)
            level, ordinal = h.level, h.ordinal
            want = expected.get(level, 1)
            if ordinal != want and ordinal > want:
                if pending_unnumbered is not None and level == 1 and ordinal == want + 1:
                    span = pending_unnumbered.span
                    found.append(Finding(span, {"found": pending_unnumbered.text, "expected": _marker(1, want),
                                                "value": pending_unnumbered.text, "raw": pending_unnumbered.text}))
                else:
                    found.append(Finding(h.span, {"found": h.marker, "expected": _marker(level, want),
                                                  "value": h.marker, "raw": h.raw}))
            elif ordinal < want and ordinal != 1:
                found.append(Finding(h.span, {"found": h.marker, "expected": _marker(level, want), "value": h.marker, "raw": h.raw}))
            expected[level] = ordinal + 1
            for deeper in range(level + 1, 5):  # a new parent restarts the numbering below it
                expected.pop(deeper, None)
            if level == 1:
                pending_unnumbered = None
        return found

    def punct(letter: Letter, ctx: Context) -> list:
        found = []
        for h in letter.headings:
            bad_bracket = h.level in (2, 4) and (h.marker.startswith("(") or ")" in h.marker)
            if h.punct not in allowed.get(h.level, {""}) or bad_bracket:
                expected = _marker(h.level, h.ordinal)
                found.append(Finding(h.span, {"found": h.marker, "expected": expected, "value": h.marker, "raw": h.raw}))
        return found

    def level_order(letter: Letter, ctx: Context) -> list:
        found = []
        seen_in_section: set[int] = set()
        for h in letter.headings:
            if h.level == 1:
                seen_in_section = {1}
                continue
            # a level needs some shallower level above it in the current section (一、→（1） skips two)
            if h.level == 4 and not ({2, 3} & seen_in_section) or h.level == 2 and 1 not in seen_in_section and seen_in_section:
                found.append(Finding(h.span, {"found": h.marker, "value": h.marker, "raw": h.raw,
                                              "expected": _marker(h.level - 1, 1)}))
            seen_in_section.add(h.level)
        return found

    def level_skip(letter: Letter, ctx: Context) -> list:
        found = []
        previous = None
        for h in letter.headings:
            if previous is not None and previous.level == 1 and h.level == 3:
                found.append(Finding(h.span, {"found": h.marker, "expected": _marker(2, 1), "value": h.marker,
                                              "raw": h.raw}))
            previous = h
        return found

    return {"gap": gap, "punct": punct, "level-order": level_order, "level-skip": level_skip}[mode]


# ---- order ---------------------------------------------------------------------------------------------------

def _layout_spans(letter: Letter, element: str) -> list[Span]:
    if element == "contact":
        return [e.span for e in letter.contact_lines]
    target = {"printed": "print_date"}.get(element, element)
    value = getattr(letter, target, None)
    return [value.span] if value is not None else []


def compile_order(check: S.OrderCheck) -> CheckFn:
    element, after, before = check.element, check.after, check.before

    def run(letter: Letter, ctx: Context) -> list:
        lines = ctx.cache.get("layout")
        if lines is None:
            lines = ctx.cache["layout"] = {}
            for entry in letter.layout:
                lines.setdefault(entry.element, []).append(entry.line)
        mine = lines.get(element)
        if not mine:
            return []
        first, last = min(mine), max(mine)
        late = [name for name in before if name in lines and last > min(lines[name])]
        early = [name for name in after if name in lines and first < max(lines[name])]
        spans = _layout_spans(letter, element)
        span = spans[0] if spans else Span.trusted(line=first, column=1, end_line=first, end_column=1)
        if late:
            other = ELEMENT_LABELS.get(late[0], late[0])
            return [Finding(span, {"element": ELEMENT_LABELS.get(element, element), "other": other, "line": min(lines[late[0]])})]
        if early:
            other = ELEMENT_LABELS.get(early[0], early[0])
            return [Finding(span, {"element": ELEMENT_LABELS.get(element, element), "other": other,
                                   "line": max(lines[early[0]])}, severity=check.early_severity,
                            message=check.early_message)]
        return []
    return run


# ---- conditional, artifact -------------------------------------------------------------------------------------

def compile_conditional(check: S.ConditionalCheck) -> CheckFn:
    when, then = check.when, check.then
    when_holds, then_holds = compile_condition(when), compile_condition(then)

    def run(letter: Letter, ctx: Context) -> list:
        if not when_holds(letter) or then_holds(letter):
            return []
        target = getattr(letter, then.field) or getattr(letter, when.field)
        span = _span_of(target) or missing_anchor(letter, then.field, ctx.last_line)
        value = attr(target, "value") if not isinstance(target, list) else ""
        return [Finding(span, {"value": "" if value is None else str(value), "raw": _raw(target)})]
    return run


def compile_artifact(check: S.ArtifactCheck) -> CheckFn:
    wanted = frozenset(check.artifacts)

    def run(letter: Letter, ctx: Context) -> list:
        found: list = []
        last = None  # (line, kind) of the previous finding
        for a in letter.artifacts:  # in document order
            if a.kind not in wanted:
                continue
            if last == (a.span.line, a.kind):  # the marks of one line (**一、…**): one finding for the line
                previous = found[-1]
                previous.span = Span.at(previous.span.line, previous.span.column, a.span.end_line, a.span.end_column)
                previous.params = {"found": previous.params["found"] + "…" + a.text, "value": previous.params["value"]}
                continue
            found.append(Finding(a.span, {"found": a.text, "value": a.text}, element=a))
            last = (a.span.line, a.kind)
        return found
    return run


def compile_check(check: Any) -> CheckFn:
    compiler = {
        "required": compile_required, "pattern": compile_pattern, "enum": compile_enum, "forbidden": compile_forbidden, "repeated": compile_repeated,
        "compare": compile_compare, "sequence": compile_sequence, "order": compile_order,
        "conditional": compile_conditional, "artifact": compile_artifact, "python": compile_python,
    }.get(check.kind)
    if compiler is None:  # "parser": the parser reports these itself
        return lambda letter, ctx: []
    return compiler(check)


__all__ = ["Finding", "Context", "compile_check", "compile_condition", "guarded", "Element", "ELEMENT_LABELS"]

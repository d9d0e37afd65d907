"""Stage 3, parse: clean lines → line tokens (lexer) → Lark LALR parse (grammar/letter.lark) → ``Letter``.

The parser never raises on a letter. A token the grammar cannot place (a 签发人 under the date, body text
after 抄送) is skipped by the error handler, kept as a ``Misplaced`` record, and still harvested into the
model when its element is otherwise absent; ``structure.py`` turns those records into diagnostics.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedInput
from lark.lexer import Lexer

from . import elements as E
from . import patterns as P
from . import publication
from .kind import decide_kind, decide_role, is_reply_letter
from ..limits import MAX_CHARS, MAX_LINES, content_error_text
from .lexer import LineToken, classify, lex
from ..model import Artifact, Element, Kind, Letter, LayoutEntry, Paragraph
from .normalize import Line, normalize
from ..profile import Profile, builtin_profile
from ..resources import data_dir


class _TokenFeed(Lexer):
    """Lark lexer that hands over tokens the line lexer already made. The token list travels in the
    lexer state as an iterator, so that the parser resumes where it was after an error."""

    def __init__(self, lexer_conf):  # noqa: D401 - signature fixed by Lark
        pass

    def lex(self, tokens):  # Lark hands over what was passed to parse(): our token iterator
        return tokens


@lru_cache(maxsize=1)
def _parser() -> Lark:
    grammar = (data_dir("grammar") / "letter.lark").read_text(encoding="utf-8")
    return Lark(grammar, parser="lalr", lexer=_TokenFeed, maybe_placeholders=False)


@dataclass(slots=True)
class Misplaced:
    """A token the grammar could not place where it stood."""

    token: LineToken
    zone: str  # the zone it stood in


# rule name in the grammar → (zone) for the top-level children of ``start``
_ZONES = {"front": "header", "title": "title", "salutation": "salutation", "body": "body", "closing": "closing"}


@dataclass(slots=True)
class ParseResult:
    letter: Letter
    misplaced: list[Misplaced]
    duplicates: list[tuple[str, LineToken]]
    paragraphs_text: list[Paragraph]


class LetterTooLarge(ValueError):
    """More lines or characters than a letter can have (checker/limits.py). Its text is the per-file message
    (文件内容异常：…); ``check_source`` turns it into the file's error."""


def refuse_oversized(raw_lines: list[str]) -> None:
    """Raise LetterTooLarge for more than MAX_LINES lines or MAX_CHARS characters, before any work is done."""
    if len(raw_lines) > MAX_LINES:
        raise LetterTooLarge(content_error_text(f"共 {len(raw_lines)} 行，多于 {MAX_LINES} 行"))
    chars = sum(map(len, raw_lines))
    if chars > MAX_CHARS:
        raise LetterTooLarge(content_error_text(f"共 {chars} 个字符，多于 {MAX_CHARS} 个"))


def parse_lines(raw_lines: list[str], profile: Profile | None = None) -> ParseResult:
    """Parse a letter's lines. Raises LetterTooLarge (and nothing else) for an input beyond the bounds."""
    refuse_oversized(raw_lines)
    profile = profile or builtin_profile()
    lines, artifacts = normalize(raw_lines)
    wrapped = publication.split(lines)
    repaired: list[Artifact] = []  # the page breaks the lexer joins, apart in case the letter is lexed again
    tokens = lex(wrapped.lines, repaired)
    page_title = wrapped.page_title
    if page_title is not None and not any(token.kind == "TITLE" for token in tokens):
        # no title of its own: the page title is the letter's title, if it reads as one where it stands
        retried: list[Artifact] = []
        retokens = lex(wrapped.with_page_title(), retried)
        if any(token.kind == "TITLE" and token.first is page_title for token in retokens):
            wrapped.keep_page_title()
            tokens, repaired = retokens, retried
    artifacts += wrapped.artifacts + repaired
    feed, runs = _grammar_feed(tokens)
    skipped: list[int] = []

    def recover(error: UnexpectedInput) -> bool:
        token = getattr(error, "token", None)
        if token is None or token.type == "$END":
            return False
        skipped.append(token.start_pos)
        return True

    try:
        tree = _parser().parse(iter(feed), on_error=recover)
    except UnexpectedInput:  # cannot happen with this grammar (every prefix is a letter); stay safe anyway
        tree = Tree("start", [])
    builder = _Builder(tokens, lines, profile, runs)
    builder.walk(tree)
    builder.place_misplaced([i for start in skipped for i in range(start, runs.get(start, start) + 1)])
    for name, element in _metadata_elements(wrapped.metadata).items():
        builder.fields.setdefault(name, element)  # the letter's own element, when it has one, comes first
    letter = builder.finish(artifacts)
    return ParseResult(letter=letter, misplaced=builder.misplaced, duplicates=builder.duplicates,
                       paragraphs_text=letter.paragraphs)


_BODY_KINDS = frozenset({"PARA", "HEADING"})


def _grammar_feed(tokens: list[LineToken]) -> tuple[list[Token], dict[int, int]]:
    """The grammar's tokens: one per line token, except that a run of body paragraphs and headings is one
    PARA (the grammar treats them alike, and most of a letter is body: feeding each line through the LALR
    parser was its largest cost). ``runs`` maps the first index of each such run to its last."""
    feed: list[Token] = []
    runs: dict[int, int] = {}
    i, n = 0, len(tokens)
    while i < n:
        kind = tokens[i].kind
        if kind in _BODY_KINDS:
            j = i
            while j + 1 < n and tokens[j + 1].kind in _BODY_KINDS:
                j += 1
            if j > i:
                runs[i] = j
            feed.append(_grammar_token("PARA", i))
            i = j + 1
            continue
        feed.append(_grammar_token(kind, i))
        i += 1
    return feed, runs


_GRAMMAR_TOKENS: dict[tuple[str, int], Token] = {}


def _grammar_token(kind: str, index: int) -> Token:
    """The grammar sees a line token as its kind and its index in the letter, nothing else; such tokens
    are made once and shared by every letter (the parser only reads them)."""
    token = _GRAMMAR_TOKENS.get((kind, index))
    if token is None:
        token = Token(kind, "", start_pos=index)
        if index < 1000:  # letters have a few dozen line tokens; a huge input is not worth keeping
            _GRAMMAR_TOKENS[kind, index] = token
    return token


class _Builder:
    """Walks the parse tree in document order and fills the model."""

    def __init__(self, tokens: list[LineToken], lines: list[Line], profile: Profile,
                 runs: dict[int, int] | None = None):
        self.tokens = tokens
        self.runs = runs or {}  # a grammar token standing for a run of body lines: first index → last
        self.lines_by_number = {line.number: line for line in lines}
        self.profile = profile
        self.fields: dict[str, object] = {}
        self.duplicates: list[tuple[str, LineToken]] = []
        self.misplaced: list[Misplaced] = []
        self.layout: list[LayoutEntry] = []
        self.zone_of: dict[int, str] = {}
        self.headings = []
        self.paragraphs: list[Paragraph] = []
        self.contact_lines: list[Element] = []
        self.phones: list = []
        self.title_tokens: list[LineToken] = []
        self.footer_fields: list[Element] = []
        self.annexes: list = []
        # values a form-style footer gives (承办单位 → 署名 …): they fill their element at the end, when the
        # letter does not give it in its own place
        self.field_values: list[tuple[str, Element]] = []
        self.placement = "standard"  # how the element being added stands (see Element.placement)

    # -- tree walk --------------------------------------------------------------------------------
    def walk(self, tree: Tree) -> None:
        below_title = False
        for child in tree.children:
            if isinstance(child, Tree):
                zone = _ZONES.get(str(child.data), "header")
                if child.data == "title":
                    toks = [self.tokens[t.start_pos] for t in child.children]
                    for t in toks:
                        self.zone_of[id(t)] = zone
                    self.add("title", toks, zone)
                    for part in (part for t in toks for part in t.parts):  # a grade beside the title
                        self.add(TERMINAL_ELEMENT[part.kind], part, zone)
                    below_title = True
                else:
                    self._walk_zone(child, zone, below_title and child.data == "front")

    def _walk_zone(self, tree: Tree, zone: str, below_title: bool = False) -> None:
        for child in tree.children:
            if isinstance(child, Token):
                start = child.start_pos
                if start in self.runs:  # a run of body lines, each added as itself
                    for token in self.tokens[start:self.runs[start] + 1]:
                        self.zone_of[id(token)] = zone
                        self.add(TERMINAL_ELEMENT[token.kind], token, zone)
                    continue
                token = self.tokens[start]
                self.zone_of[id(token)] = zone
                if below_title and child.type == "DOC_NUMBER":
                    # the 版头 may run on beside the title (a grade at its top right), but the 文号 stands
                    # above it: present, out of place
                    self.misplaced.append(Misplaced(token, "title"))
                    self.add_placed(TERMINAL_ELEMENT[token.kind], token, zone, "out-of-place")
                else:
                    self.add(TERMINAL_ELEMENT[token.kind], token, zone)
            else:  # signoff
                self._walk_zone(child, zone)

    def place_misplaced(self, skipped: list[int]) -> None:
        zone = "header"
        skipped_set = set(skipped)
        for i, token in enumerate(self.tokens):
            if i in skipped_set:
                self.misplaced.append(Misplaced(token, zone))
                # the elements of a misplaced line still fill those the letter does not give elsewhere
                for part in (token, *token.parts):
                    element = TERMINAL_ELEMENT.get(part.kind)
                    if element and _FIELD_OF.get(element, element) not in self.fields and element not in _NO_HARVEST:
                        self.add_placed(element, part, zone, "out-of-place", with_parts=False)
            else:
                zone = self.zone_of.get(id(token), zone)

    def add_placed(self, rule: str, token, zone: str, placement: str, with_parts: bool = True) -> None:
        self.placement = placement
        try:
            self.add(rule, token, zone, with_parts)
        finally:
            self.placement = "standard"

    # -- element dispatch -------------------------------------------------------------------------
    def _set(self, name: str, value, token: LineToken) -> None:
        if value is None:
            return
        if name in self.fields:
            self.duplicates.append((name, token))
            return
        if self.placement != "standard":
            value.placement = self.placement
        self.fields[name] = value

    def add(self, rule: str, token, zone: str, with_parts: bool = True) -> None:
        if rule == "paragraph":  # most tokens are body text: keep their path short
            self.paragraphs.append(E.joined(token.lines))
            return
        if rule == "heading":
            self.headings.append(E.heading(token))
            self.paragraphs.append(E.joined(token.lines, token.level))
            return
        if rule == "annex_text":
            self._annex_text(token)
            return
        first_line = token[0].first.number if rule == "title" else token.first.number
        placed = "footer_fields" if rule == "contact" and token.notes.get("form") else rule
        self.layout.append(LayoutEntry.trusted(element=placed, line=first_line, zone=zone))
        getattr(self, "_" + rule)(token)
        if with_parts and rule != "title":
            for part in token.parts:  # the elements glued after this one on its line, each its own
                self.add(TERMINAL_ELEMENT[part.kind], part, zone)

    def _grade(self, token):
        self._set("grade", E.grade(token, self.profile), token)

    def _disclosure(self, token):
        self._set("disclosure", E.disclosure(token), token)

    def _secrecy(self, token):
        self._set("secrecy", E.simple(token), token)

    def _organ_mark(self, token):
        if token.kind == "ORGAN":
            organ = E.element(token.first, E.squeeze(token.first.text))
        else:
            organ = E.organ_mark(token)
        mark = self.fields.get("organ_mark")
        if mark is not None and mark.span.end_line + 1 == token.first.number:
            # a joint 版头 names each organ on a line of its own, one under the other (GB/T 9704-2012 7.2.4):
            # one 发文机关标志 naming them all, at its first line, as a joint 署名 is
            mark.value += "、" + organ.value
            return
        self._set("organ_mark", organ, token)

    def _doc_number(self, token):
        self._set("doc_number", E.doc_number(token), token)

    def _doctype(self, token):
        """The letter-spaced 文种 line (答    复) standing apart from the title: recognised, nothing to keep."""

    def _repeated_title(self, token):
        """A line above the letter repeating its title (a portal's page title): no second title."""

    def _signer(self, token):
        self._set("signer", E.signer(token), token)

    def _title(self, tokens):
        self.title_tokens = tokens
        title, text = E.title(tokens)
        self._set("title", title, tokens[0])
        self._set("proposal_number", E.proposal_number(text), tokens[0])
        self._set("session", E.session(text), tokens[0])

    def _salutation(self, token):
        self._set("salutation", E.salutation(token), token)

    def _attachment(self, token):
        self._set("attachment", E.attachment(token), token)

    def _annex(self, token):
        self.annexes.append(E.annex(token))

    def _annex_text(self, token):
        """An attachment's title (its first line) and content: only the title is kept."""
        if self.annexes and not self.annexes[-1].value:
            self.annexes[-1].value = E.squeeze(token.first.text)

    def _signature_organ(self, token):
        organ = E.squeeze(token.first.text)
        if "signature_organ" in self.fields:  # joint letter: several organs sign
            self.fields["signature_organ"].value += "、" + organ
        else:
            self._set("signature_organ", E.element(token.first, organ), token)

    def _seal(self, token):
        self._set("seal", E.element(token.first, token.first.text), token)

    def _date(self, token):
        self._set("date", E.date(token), token)

    def _no_body_marker(self, token):
        self._set("no_body_marker", E.element(token.first, token.first.text), token)

    def _contact(self, token):
        fields = E.contact(token)
        # a line giving the 署名 or the date stands for the 落款 (a line of fields); any other is the 附注
        (self.footer_fields if token.notes.get("form") else self.contact_lines).append(fields.line)
        for name, value in (("signature_organ", fields.organ), ("signer", fields.signer), ("date", fields.date)):
            if value is not None:
                self.field_values.append((name, value))
        if fields.person is not None and "contact_person" not in self.fields:
            self.fields["contact_person"] = fields.person
        if fields.unit is not None and "contact_unit" not in self.fields:
            self.fields["contact_unit"] = fields.unit
        self.phones.extend(fields.phones)

    def _cc(self, token):
        self._set("cc", E.cc(token), token)

    def _printed(self, token):
        organ, when = E.printed(token)
        self._set("print_organ", organ, token)
        self._set("print_date", when, token)

    # -- assembly ---------------------------------------------------------------------------------
    def finish(self, artifacts: list[Artifact]) -> Letter:
        fields = self.fields
        for name, value in self.field_values:  # given in the letter's own place, the element wins
            if name not in fields:
                fields[name] = value
                self.layout.append(LayoutEntry.trusted(element=name, line=value.span.line, zone="closing"))
        self.layout.sort(key=lambda entry: entry.line)  # misplaced and field elements join in document order
        body = [p for p in self.paragraphs]
        opening = _opening(body)
        if opening is not None:
            fields.setdefault("proposal_number", E.proposal_number(opening[1]))
            fields["opening_session"] = E.session(opening[1])
            fields.setdefault("session", fields["opening_session"])
            if fields.get("proposal_number") is None:
                fields.pop("proposal_number")
            if fields.get("session") is None:
                fields.pop("session")
        closing = _closing(body)
        phones = E.phone_list(self.phones, self.lines_by_number)
        letter = Letter.trusted(
            **{name: fields.get(name) for name in _SINGLE_FIELDS},
            opening=opening[0] if opening else None,
            closing=closing,
            headings=self.headings,
            paragraphs=body,
            contact_lines=self.contact_lines,
            footer_fields=self.footer_fields,
            contact_phone=phones,
            annexes=self.annexes,
            layout=self.layout,
            artifacts=sorted(artifacts, key=lambda a: (a.span.line, a.span.column)),
        )
        letter.kind, letter.kind_signals = decide_kind(letter)
        letter.role = decide_role(letter)
        if not is_reply_letter(letter):  # a news item, a notice, a table: no reply, so no kind of reply
            letter.role, letter.kind = None, Kind.UNKNOWN
        return letter


_SINGLE_FIELDS = (
    "copy_number", "secrecy", "urgency", "grade", "disclosure", "organ_mark", "doc_number", "signer", "title",
    "proposal_number", "session", "opening_session", "salutation", "attachment", "signature_organ", "seal", "date",
    "no_body_marker", "contact_person", "contact_unit", "cc", "print_organ", "print_date",
)

def _simple_field(name: str):
    def build(self, token):
        self._set(name, E.simple(token), token)
    return build


def _urgency(self, token):  # letter-spaced as printed (特  急): the value without the spaces
    element = E.simple(token)
    element.value = E.squeeze(element.value)
    self._set("urgency", element, token)


_Builder._urgency = _urgency
_Builder._copy_number = _simple_field("copy_number")

# The element each terminal of grammar/letter.lark stands for.
TERMINAL_ELEMENT = {
    "GRADE": "grade", "FOOT_GRADE": "grade", "DISCLOSURE": "disclosure", "FOOT_DISCLOSURE": "disclosure",
    "SECRECY": "secrecy", "URGENCY": "urgency", "COPY_NO": "copy_number", "ORGAN_MARK": "organ_mark",
    "DOC_NUMBER": "doc_number", "SIGNER": "signer", "TITLE": "title", "SALUTATION": "salutation",
    "PARA": "paragraph", "HEADING": "heading", "ATTACH": "attachment", "ORGAN": "signature_organ", "SEAL": "seal",
    "DATE": "date", "CONTACT": "contact", "CC": "cc", "PRINT": "printed", "NO_BODY": "no_body_marker",
    "NOTE_DISCLOSURE": "disclosure", "DOCTYPE": "doctype", "REPEATED_TITLE": "repeated_title",
    "ANNEX": "annex", "ANNEX_TEXT": "annex_text",
}
# A misplaced token still fills its element when the element is otherwise absent, except where the text
# itself is what is out of place (a stray paragraph, a lone title line).
_NO_HARVEST = {"paragraph", "heading", "title"}
_FIELD_OF = {"contact": "contact_person", "printed": "print_date"}


_METADATA_TOKENS = {"doc_number": "DOC_NUMBER", "date": "DATE", "disclosure": "DISCLOSURE"}


def _metadata_elements(values: list[publication.MetadataValue]) -> dict[str, Element]:
    """The elements a publication's metadata gives (the first value of each field), built by the same
    builders as the letter's own lines so that the rules judge their form; spans cover the value only.
    A value no builder recognises (an empty 发文字号, "无") fills nothing."""
    out: dict[str, Element] = {}
    for value in values:
        if value.field in out:
            continue
        kind = _METADATA_TOKENS[value.field]
        token = classify(value.value)
        if token.kind != kind and value.field == "disclosure":  # 公开方式：公开 is known only with its label
            token = classify(value.cell)
        if token.kind != kind:
            continue
        if kind == "DOC_NUMBER":
            element = E.doc_number(token)
        elif kind == "DATE":
            element = E.date(token)
        else:
            element = E.disclosure(token)
            if token.first is value.cell:
                element.span = value.value.span()
                element.raw = E.raw_of(value.value, element.span)
        element.source = "metadata"
        out[value.field] = element
    return out


def _opening(body: list[Paragraph]) -> tuple[Element, Paragraph] | None:
    """The opening: among the first three body paragraphs, 您…提出 … 收悉/现答复如下 (maybe over two)."""
    candidates = [p for p in body[:4] if p.heading_level is None]
    for i, paragraph in enumerate(candidates[:3]):
        text = paragraph.text
        # a 会办/协办 letter opens on its own 意见 (现将我局协办意见函告如下), often without any 您
        cohandling = "办" in text and P.COHANDLING_OPENING.search(text) is not None
        if cohandling or P.OPENING.search(text):
            parts = [paragraph]
            following = candidates[i + 1].text if i + 1 < len(candidates) else ""
            if cohandling and i > 0 and len(text) <= 40 and P.OPENING_REPLY.search(candidates[i - 1].text):
                parts.insert(0, candidates[i - 1])  # "…第57号建议收悉。" / "现将我局协办意见函告如下："
            # "…建议收悉。" / "现答复如下：" written as two paragraphs is one opening
            elif following and P.OPENING_ANSWER.search(following) and not P.OPENING_ANSWER.search(text) and len(following) <= 40:
                parts.append(candidates[i + 1])
            joined_text = "".join(p.text for p in parts)
            if not cohandling and not P.OPENING_REPLY.search(joined_text):
                continue
            span = parts[0].span.model_copy(update={"end_line": parts[-1].span.end_line,
                                                    "end_column": parts[-1].span.end_column})
            value = Element.trusted(value=joined_text, raw=joined_text, span=span)
            merged = Paragraph.trusted(text=joined_text, span=span,
                                               pieces=_concat_pieces(parts), heading_level=None)
            return value, merged
    return None


def _concat_pieces(parts: list[Paragraph]) -> list[tuple[int, int, int]]:
    pieces = []
    offset = 0
    for part in parts:
        pieces.extend((offset + o, line, col) for o, line, col in part.pieces)
        offset += len(part.text)
    return pieces


def _closing(body: list[Paragraph]) -> Element | None:
    """The closing thanks: 感谢…关心和支持 in one of the last three body paragraphs."""
    for paragraph in reversed(body[-3:]):
        m = P.CLOSING_THANKS.search(paragraph.text)
        if m:
            return Element.trusted(value=paragraph.text, raw=paragraph.text, span=paragraph.span)
    return None

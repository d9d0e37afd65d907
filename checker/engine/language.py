"""Language checks (rules/language.toml): misused words from a word list kept as data (rules/words/*.toml,
and an organisation's own list named in the config), quotation marks and brackets that do not pair, a 文号
cited with 第 or padding zeros, and 关于 wrapping a title that already begins with 关于.

A word list is a TOML file of ``[[word]]`` entries, validated here (unknown keys are errors naming the file,
the entry and the key)::

    description = "…"
    [[word]]
    wrong = "其它"                 # the form to report
    right = ["其他"]               # what to write instead
    reason = "公文统一用“其他”"      # a short reason, shown in the message
    fix = "…"                      # optional: how to fix, when it is not "write ‹right›" (大约…左右)
    followed_by = '…'              # optional context, regexes tested on the text right after the word,
    not_followed_by = '…'          #   within WINDOW characters
    preceded_by = '…'              # … and right before it (the regex must match up to the word: ``$``)
    not_preceded_by = '…'
    pass = ["…"]                   # sentences the entry must leave alone
    fail = ["…"]                   # sentences it must report

Every entry's pass and fail sentences are checked when the list is loaded, so a list with a wrong example
does not load. All lists are matched by one alternation of their wrong forms, compiled once per set of
lists; the contexts are tested only where a wrong form stands, over a bounded window, so the scan is linear
in the text. A word of the config's ``[words] allow`` list (a company called 其它科技) silences the entries
whose match lies inside it; quoted text (“…” 《…》) is the member's or another document's and is skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Optional

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, model_validator

from ..errors import RuleFileError
from ..model import Letter
from ..parser.patterns import Quoted, quotation_tails
from ..resources import data_dir
from .context import Finding
from .registry import named

try:  # the regex parser, to refuse a context pattern that could backtrack (a nested repeat)
    import re._parser as _sre_parse  # type: ignore[import-not-found]
    from re._constants import MAX_REPEAT, MIN_REPEAT, SUBPATTERN, BRANCH, GROUPREF, ASSERT, ASSERT_NOT, POSSESSIVE_REPEAT  # type: ignore
except ImportError:  # pragma: no cover - Python 3.10
    import sre_parse as _sre_parse  # type: ignore[no-redef]
    from sre_constants import MAX_REPEAT, MIN_REPEAT, SUBPATTERN, BRANCH, GROUPREF, ASSERT, ASSERT_NOT  # type: ignore
    POSSESSIVE_REPEAT = None

WINDOW = 48  # characters after a wrong form a ``followed_by`` context may look at
BACK_WINDOW = 16  # characters before it a ``preceded_by`` context may look at
MAX_ENTRIES = 1000
MAX_PATTERN_CHARS = 200

Short = Annotated[str, Field(min_length=1, max_length=MAX_PATTERN_CHARS)]


# ---- the word list ---------------------------------------------------------------------------------------------

MAX_REPEATS = 2  # variable repeats in one context pattern: matching tries at most WINDOW ** MAX_REPEATS ways


def _backtracking(items, inside: bool = False, counter: list | None = None) -> bool:
    """Whether a parsed context regex could take long on its window: a variable repeat inside another, an
    alternation under a repeat of more than one (``(a|a)*``), a back-reference, or more than ``MAX_REPEATS``
    variable repeats in all (``a*a*a*a*``). What is left tries at most WINDOW ** MAX_REPEATS ways."""
    counter = [0] if counter is None else counter
    for op, arg in items:
        if op in (MAX_REPEAT, MIN_REPEAT) or (POSSESSIVE_REPEAT is not None and op == POSSESSIVE_REPEAT):
            low, high, sub = arg
            variable = high != low and high > 1
            if variable:
                counter[0] += 1
                if inside or counter[0] > MAX_REPEATS or any(o == BRANCH for o, _ in sub):
                    return True
            if _backtracking(sub, inside or variable, counter):
                return True
        elif op == GROUPREF:
            return True
        elif op == SUBPATTERN:
            if _backtracking(arg[-1], inside, counter):
                return True
        elif op == BRANCH:
            if inside or any(_backtracking(branch, inside, counter) for branch in arg[1]):
                return True
        elif op in (ASSERT, ASSERT_NOT):
            if _backtracking(arg[1], inside, counter):
                return True
    return False


def _context(pattern: Optional[str], key: str, suffix: str = "") -> Optional[re.Pattern]:
    if pattern is None:
        return None
    try:
        parsed = _sre_parse.parse(pattern)
        compiled = re.compile(f"(?:{pattern}){suffix}")
    except (re.error, OverflowError, RecursionError) as exc:
        raise ValueError(f"{key} 不是有效的正则表达式（{exc}）：{pattern!r}") from None
    if _backtracking(list(parsed)):
        raise ValueError(f"{key} 可能匹配极慢（重复套重复、重复的多选一、反向引用，或可变重复超过 {MAX_REPEATS} 处），"
                         f"请改写：{pattern!r}")
    return compiled


class WordEntry(BaseModel):
    """One misused form, what to write instead, when (context) and why, with its example sentences."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    wrong: Annotated[str, Field(min_length=1, max_length=20)]
    right: Annotated[list[Annotated[str, Field(min_length=1, max_length=40)]], Field(min_length=1, max_length=5)]
    reason: Annotated[str, Field(min_length=1, max_length=120)]
    fix: Optional[Annotated[str, Field(max_length=80)]] = None
    followed_by: Optional[Short] = Field(default=None, alias="followed-by")
    not_followed_by: Optional[Short] = Field(default=None, alias="not-followed-by")
    preceded_by: Optional[Short] = Field(default=None, alias="preceded-by")
    not_preceded_by: Optional[Short] = Field(default=None, alias="not-preceded-by")
    pass_: Annotated[list[Annotated[str, Field(max_length=300)]], Field(max_length=50)] = Field(default=[], alias="pass")
    fail: Annotated[list[Annotated[str, Field(max_length=300)]], Field(max_length=50)] = []

    _after: Optional[re.Pattern] = PrivateAttr(default=None)
    _not_after: Optional[re.Pattern] = PrivateAttr(default=None)
    _before: Optional[re.Pattern] = PrivateAttr(default=None)
    _not_before: Optional[re.Pattern] = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _compile(self):
        if any(ch.isspace() for ch in self.wrong):
            raise ValueError(f"wrong 不能含有空白：{self.wrong!r}")
        self._after = _context(self.followed_by, "followed-by")
        self._not_after = _context(self.not_followed_by, "not-followed-by")
        self._before = _context(self.preceded_by, "preceded-by", "$")
        self._not_before = _context(self.not_preceded_by, "not-preceded-by", "$")
        return self

    def applies(self, text: str, start: int, end: int) -> bool:
        """Whether the wrong form at text[start:end] is wrong here (its contexts hold)."""
        after_end = min(len(text), end + WINDOW)
        back = max(0, start - BACK_WINDOW)
        if self._after is not None and not self._after.match(text, end, after_end):
            return False
        if self._not_after is not None and self._not_after.match(text, end, after_end):
            return False
        if self._before is not None and not self._before.search(text, back, start):
            return False
        if self._not_before is not None and self._not_before.search(text, back, start):
            return False
        return True

    def expected(self) -> str:
        if self.fix:
            return self.fix
        return "应写作" + "或".join(f"“{r}”" for r in self.right)


class WordFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    description: Annotated[str, Field(max_length=2000)] = ""
    word: Annotated[list[WordEntry], Field(min_length=1, max_length=MAX_ENTRIES)]


@dataclass(frozen=True)
class WordHit:
    start: int
    end: int
    entry: WordEntry


class WordMatcher:
    """The entries of one or more word lists. The places where a wrong form may start are found by one
    character class of their first characters; at each, the text's next few characters are looked up by
    length (the longest first) in a table of the wrong forms: linear in the text whatever the number of
    entries (an alternation of a thousand words would try each of them at every place)."""

    def __init__(self, entries: list[WordEntry]):
        self.entries = tuple(entries)
        self.by_wrong: dict[str, list[WordEntry]] = {}
        for entry in entries:
            self.by_wrong.setdefault(entry.wrong, []).append(entry)
        self.lengths = sorted({len(w) for w in self.by_wrong}, reverse=True)
        firsts = "".join(sorted({w[0] for w in self.by_wrong}))
        self.regex = re.compile(f"[{re.escape(firsts)}]") if firsts else re.compile("(?!)")

    def hits(self, text: str) -> list[WordHit]:
        """The misused forms of a text (one paragraph), outside quotations, in order, not overlapping."""
        found = []
        quoted = None
        resume = 0
        by_wrong, lengths = self.by_wrong, self.lengths
        for m in self.regex.finditer(text):
            start = m.start()
            if start < resume:
                continue
            for length in lengths:
                entries = by_wrong.get(text[start:start + length])
                if entries is None:
                    continue
                entry = next((e for e in entries if e.applies(text, start, start + length)), None)
                if entry is None:
                    continue
                if quoted is None:
                    quoted = Quoted(text)
                if start not in quoted:
                    found.append(WordHit(start, start + length, entry))
                resume = start + length
                break
        return found


def _describe(path: Path, data: dict, exc: ValidationError) -> str:
    from ..tomlfile import file_label

    lines = []
    for error in exc.errors()[:5]:
        loc = list(error["loc"])
        where = ""
        if len(loc) >= 2 and loc[0] == "word" and isinstance(loc[1], int):
            index = loc[1]
            try:
                wrong = data["word"][index].get("wrong", "?")
            except (KeyError, IndexError, TypeError, AttributeError):
                wrong = "?"
            where = f"第 {index + 1} 条（“{wrong}”），"
            loc = loc[2:]
        key = ".".join(str(part) for part in loc)
        if error["type"] == "value_error":
            text = str(error.get("ctx", {}).get("error", error["msg"]))
        elif error["type"] == "extra_forbidden":
            text = "不认识的键（可用的键：wrong、right、reason、fix、followed-by、not-followed-by、preceded-by、not-preceded-by、pass、fail）"
        elif error["type"] == "missing":
            text = "缺少这一项"
        else:
            text = error["msg"]
        lines.append(f"{file_label(path)}：{where}键 '{key}'：{text}" if key else f"{file_label(path)}：{where}{text}")
    return "\n".join(lines)


def load_word_file(path: Path, error: type[Exception] = RuleFileError) -> WordFile:
    """A word list, validated, its example sentences checked; ``error`` with a message naming the file, the
    entry and the key for anything wrong."""
    from ..tomlfile import file_label, read_toml

    data = read_toml(path, error, what="词表文件")
    try:
        words = WordFile.model_validate(data)
    except ValidationError as exc:
        raise error(_describe(path, data, exc)) from None
    for index, entry in enumerate(words.word):
        matcher = WordMatcher([entry])
        for sentence in entry.fail:
            if not matcher.hits(sentence):
                raise error(f"{file_label(path)}：第 {index + 1} 条（“{entry.wrong}”），键 'fail'：例句没有被这一条找出：{sentence!r}"
                            "（检查 wrong 和上下文条件）")
        for sentence in entry.pass_:
            if matcher.hits(sentence):
                raise error(f"{file_label(path)}：第 {index + 1} 条（“{entry.wrong}”），键 'pass'：这一条错报了正确的例句：{sentence!r}")
    return words


def shipped_word_files() -> list[Path]:
    return sorted((data_dir("rules") / "words").glob("*.toml"))


@lru_cache(maxsize=1)
def shipped_entries() -> tuple[WordEntry, ...]:
    entries: list[WordEntry] = []
    for path in shipped_word_files():
        entries.extend(load_word_file(path).word)
    return tuple(entries)


@lru_cache(maxsize=1)
def shipped_matcher() -> WordMatcher:
    return WordMatcher(list(shipped_entries()))


@dataclass(frozen=True)
class WordSettings:
    """What the config adds to the word rules: an organisation's own entries, words never reported."""

    matcher: WordMatcher
    allow: tuple[str, ...] = ()

    @classmethod
    def build(cls, extra: list[WordEntry], allow: tuple[str, ...]) -> "WordSettings":
        matcher = WordMatcher([*shipped_entries(), *extra]) if extra else shipped_matcher()
        return cls(matcher=matcher, allow=tuple(dict.fromkeys(w for w in allow if w)))

    def allowed_spans(self, text: str) -> list[tuple[int, int]]:
        """Where the allowed words stand in a text (every occurrence of each)."""
        spans = []
        for word in self.allow:  # a few names: each found at C speed
            at = text.find(word)
            while at != -1:
                spans.append((at, at + len(word)))
                at = text.find(word, at + 1)
        return spans


def word_settings(allow: list[str], extra_list: Optional[str], base_dir: Path, key: str, error: type[Exception]) -> WordSettings:
    """The word settings of a config: its ``extra-list`` file (relative to the config file's folder) merged
    with the shipped lists, and its ``allow`` words."""
    extra: list[WordEntry] = []
    if extra_list:
        path = Path(extra_list)
        if not path.is_absolute():
            path = base_dir / path
        try:
            extra = list(load_word_file(path, error).word)
        except error as exc:
            raise error(f"{key}：{exc}") from None
    return WordSettings.build(extra, tuple(allow))


# ---- the checks ----------------------------------------------------------------------------------------------

def _word_settings(ctx) -> WordSettings:
    settings = ctx.options.get("words")
    if settings is None:
        settings = _default_settings()
    return settings


@lru_cache(maxsize=1)
def _default_settings() -> WordSettings:
    return WordSettings.build([], ())


@named
def misused_word(letter: Letter, ctx, params) -> list:
    """Every misused form of the word lists in the body paragraphs, outside quotations and allowed words."""
    settings = _word_settings(ctx)
    matcher = settings.matcher
    found = []
    for p in letter.paragraphs:
        hits = matcher.hits(p.text)
        if not hits:
            continue
        allowed = settings.allowed_spans(p.text)
        for hit in hits:
            if any(a <= hit.start and hit.end <= b for a, b in allowed):
                continue
            entry = hit.entry
            found.append(Finding(p.span_of(hit.start, hit.end),
                                 {"found": entry.wrong, "value": entry.wrong, "expected": entry.expected(),
                                  "other": entry.reason}))
    return found


# 关于 wrapping a title that begins with 关于: 关于《关于…, 关于“关于…, 关于关于…
_GUANYU = re.compile(r"关于[《“]?关于")


@named
def guanyu_repeated(letter: Letter, ctx, params) -> list:
    """关于《关于…》 or 关于关于 in the title or the body (outside a quoted title, which is the member's own)."""
    found = []
    title = letter.title
    if title is not None and "关于" in title.value:
        m = _GUANYU.search(title.value)
        if m is not None:
            found.append(Finding(title.span, {"found": m.group(0), "value": m.group(0)}, element=title))
    for p in letter.paragraphs:
        if "关于" not in p.text:
            continue
        quoted = None
        for m in _GUANYU.finditer(p.text):
            if quoted is None:
                quoted = Quoted(p.text)
            if m.start() in quoted:
                continue
            found.append(Finding(p.span_of(m.start(), m.end()), {"found": m.group(0), "value": m.group(0)}))
    return found


# a 文号 cited in the body: an organ code, the year in 〔〕 (or a look-alike bracket: RL308 reports the
# bracket), then 第 or padding zeros before the number
_CITED_NUMBER = re.compile(r"[〔\[［【（(﹝〖〘](?<=[\u4e00-\u9fffA-Za-z][〔\[［【（(﹝〖〘])\d{4}[〕\]］】）)﹞〗〙]"
                           r"(?P<di>第[ \t]*)?(?P<number>\d{1,8})号")


@named
def cited_doc_number(letter: Letter, ctx, params) -> list:
    """A 文号 in the body written with 第 before the number or with padding zeros (〔2023〕05号)."""
    found = []
    for p in letter.paragraphs:
        if "号" not in p.text:
            continue
        for m in _CITED_NUMBER.finditer(p.text):
            number = m.group("number")
            padded = len(number) > 1 and number.startswith("0")
            if not m.group("di") and not padded:
                continue
            if number.strip("0") == "":
                continue
            if m.group("di") and not padded and m.start() and p.text[m.start() - 1] == "令":
                continue  # 中国人民银行令〔2024〕第4号: an order's own numbering is written with 第
            bracket = p.text[m.start():m.start("di") if m.group("di") else m.start("number")]
            problems = []
            if m.group("di"):
                problems.append("序号前不加“第”")
            if padded:
                problems.append("序号不编虚位（1不写成01）")
            # from the bracket on: the organ code before it cannot be told from the words before it (按照青政办…)
            written = p.text[m.start():m.end()]
            fixed = f"{bracket}{number.lstrip('0')}号"
            found.append(Finding(p.span_of(m.start(), m.end()), {"found": written, "value": written, "expected": fixed,
                                                                 "other": "、".join(problems)}))
    return found


# ---- quotation marks and brackets that do not pair --------------------------------------------------------------

_MARKS = re.compile("[“”《》（）()]")
_NAMES = {"“": "前引号“", "”": "后引号”", "《": "前书名号《", "》": "后书名号》", "（": "前括号（", "）": "后括号）"}
_OPENING = {"”": "“", "》": "《", "）": "（", ")": "（"}
_CLOSING = {"“": "”", "《": "》", "（": "）"}
# a list number closed by a bracket alone (1）清理…；2）施划…): not half of a pair
_LIST_NUMBER = re.compile(r"(?:^|[\s，。；：、！？])(?:[0-9０-９]{1,2}|[一二三四五六七八九十]{1,3}|[a-zA-Z])$")


def _first_problem(text: str) -> tuple[Optional[tuple[int, str]], bool]:
    """The first mark of a paragraph that does not pair, with what is wrong, and whether the paragraph's only
    problem is one “ left open (a quotation that goes on into the next paragraph, GB/T 15834-2011 4.8).
    Each kind of mark pairs on its own (a stack each); a half-width bracket pairs with a full-width one (the
    half-width mark is ascii-punct-in-cjk's finding) and is never reported itself (1) 2) in a list)."""
    stacks: dict[str, list[tuple[int, bool]]] = {"“": [], "《": [], "（": []}
    problems: list[tuple[int, str]] = []
    for m in _MARKS.finditer(text):
        mark, at = m.group(0), m.start()
        if mark in "“《（(":
            stacks["（" if mark == "(" else mark].append((at, mark != "("))
            continue
        opening = _OPENING[mark]
        stack = stacks[opening]
        if stack:
            stack.pop()
        elif mark != ")" and not (mark == "）" and _LIST_NUMBER.search(text, max(0, at - 4), at)):
            if text.find(opening, at + 1) != -1:
                problems.append((at, f"{_NAMES[mark]}写在了{_NAMES[opening]}之前，可能写反了"))
            else:
                problems.append((at, f"前面没有对应的{_NAMES[opening]}"))
    unclosed = []
    for opening, stack in stacks.items():
        full = [at for at, is_full in stack if is_full]
        if full:
            unclosed.append((opening, full))
            problems.append((full[0], f"后面没有对应的{_NAMES[_CLOSING[opening]]}"))
    only_open_quote = len(problems) == 1 and len(unclosed) == 1 and unclosed[0][0] == "“" and len(unclosed[0][1]) == 1
    return (min(problems) if problems else None), only_open_quote


@named
def quote_balance(letter: Letter, ctx, params) -> list:
    """One finding per body paragraph at its first quotation mark, book-title mark or full-width bracket
    that does not pair. A paragraph that leaves one “ open is accepted when the next paragraph opens with “
    (a quotation of several paragraphs opens each one and closes only the last)."""
    found = []
    paragraphs = letter.paragraphs
    tails = None
    for i, p in enumerate(paragraphs):
        text = p.text
        if not any(mark in text for mark in "“”《》（）"):
            continue
        problem, only_open_quote = _first_problem(text)
        if problem is None:
            continue
        if only_open_quote:
            if tails is None:
                tails = quotation_tails([p.text for p in paragraphs])
            if tails[i] < len(text):  # the quotation runs on into the next paragraph, which opens with “
                continue
        at, what = problem
        found.append(Finding(p.span_of(at, at + 1), {"found": _NAMES[text[at]], "value": text[at], "other": what}))
    return found


misused_word.prepare = shipped_entries  # the rule loader calls it: a broken shipped list fails with the rules

try:  # the shipped entries and their patterns, at module level where tests/test_linear_time.py finds them
    SHIPPED_WORDS: tuple[WordEntry, ...] = shipped_entries()
    SHIPPED_REGEX: re.Pattern = shipped_matcher().regex
except RuleFileError:  # raised again, with the file named, when the rules load (``prepare``)
    SHIPPED_WORDS, SHIPPED_REGEX = (), re.compile("(?!)")


__all__ = ["WordEntry", "WordFile", "WordMatcher", "WordSettings", "load_word_file", "shipped_matcher",
           "shipped_entries", "word_settings", "WINDOW", "BACK_WINDOW"]

"""Linear time everywhere (issue 8): no regular expression of the rule set or of the pipeline backtracks
super-linearly on a long line, a letter of 200,000 characters on one line or of 32,000 lines is checked
in seconds, the parser refuses what is beyond the bounds of checker/limits.py with a per-file message, and
the text reporters print hundreds of thousands of findings in seconds with the bytes rich would write.

Timing guards compare the growth between n and 4n (linear: ×4, quadratic: ×16) and only judge times far
above the noise of a loaded 2-core machine; every hostile input is made here, at run time."""

from __future__ import annotations

import importlib
import io
import random
import re
import time

import pytest
from pydantic import BaseModel
from rich.console import Console

from checker.api import check_file, check_text, check_texts
from checker.config import Configurator, Overrides
from checker.engine import load_rules
from checker.limits import MAX_CHARS, MAX_LINES, MiB
from checker.model import Diagnostic, FileResult, Fix, Kind, Report, Severity, Span
from checker.parser.build import LetterTooLarge, parse_lines
from checker.parser.patterns import KIND_QUOTES, QUOTES, Quoted
from checker.reporters.text import WHOLE_LINE_LIMIT, display_width, render_concise, render_full
from conftest import EXAMPLES, letter_fixtures
from hostile import run_cli
from line_kinds import EVERY_LINE, LINE_KINDS

NPC = (EXAMPLES / "npc-compliant.txt").read_text(encoding="utf-8")
TITLE = "关于市九届人大四次会议第15号建议的答复"
ISOLATED = Configurator(Overrides(isolated=True))
CJK = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后"


def best_time(run, repeat: int = 1) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


# ---- every regular expression, on adversarial lines --------------------------------------------------------

def _patterns_in(value, label: str, out: list, depth: int = 0) -> None:
    """Every compiled regex in a value: a pattern, a model's fields and private attributes, a container."""
    if isinstance(value, re.Pattern):
        out.append((label, value))
    elif depth > 4:
        return
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            _patterns_in(item, f"{label}[{i}]", out, depth + 1)
    elif isinstance(value, dict):
        for key, item in value.items():
            _patterns_in(item, f"{label}[{key}]", out, depth + 1)
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            _patterns_in(getattr(value, name), f"{label}.{name}", out, depth + 1)
        for name, item in (getattr(value, "__pydantic_private__", None) or {}).items():
            _patterns_in(item, f"{label}.{name}", out, depth + 1)


def rule_patterns() -> list[tuple[str, re.Pattern]]:
    """Every regex the loaded rule set compiled (checks, ``when`` conditions, nested conditions): a pattern
    added to a rule file later is covered without touching this test."""
    out: list = []
    for compiled in load_rules():
        _patterns_in(compiled.rule, compiled.rule.code, out)
    return out


def _parse_stage_modules() -> tuple[str, ...]:
    """Every module of the parse stage (checker/parser/), so that a module added there later is covered."""
    import pkgutil

    import checker.parser

    return tuple(f"checker.parser.{m.name}" for m in pkgutil.iter_modules(checker.parser.__path__))


PIPELINE_MODULES = (*_parse_stage_modules(), "checker.engine.kinds", "checker.engine.named", "checker.engine.content",
                    "checker.engine.named_address", "checker.engine.language", "checker.sources.layout")


def module_patterns() -> list[tuple[str, re.Pattern]]:
    """Every regex the pipeline's modules hold at module level (each once, where it is first found)."""
    out: list = []
    for name in PIPELINE_MODULES:
        for attribute, value in vars(importlib.import_module(name)).items():
            _patterns_in(value, f"{name}.{attribute}", out)
    return list({id(pattern): (label, pattern) for label, pattern in reversed(out)}.values())[::-1]


ATOMS = ("人大", "政协", "的", "关于", "对", "第", "号", "届", "次", "会议", "1", "0", "a", " ", "\u3000", "\t", "，", "、",
         "。", "：", ":", "（", "(", "）", "“", "”", "《", "〔", "-", "人大第1", "一", "您", "感谢", "欢迎继续", "代表", "年")
CONTEXTS = (("", ""), ("", "x"), ("", "\n"), ("", "号"), ("", "："), ("", "）"), ("", "日"), ("", "文件"), ("", "局"),
            ("", "第15号建议的答复"), ("", "代表："), ("", "提出"), ("", "关心"), ("", "〕12号"), ("", "印发"),
            ("关于", ""), ("人大", ""), ("尊敬的", ""), ("（", ""), ("办理结果", ""), ("抄送：", ""), ("附件", ""),
            ("签发人", ""), ("一", ""), ("1", ""), ("青建〔2024〕", ""), ("关于", "第15号建议的答复"), ("人大", "号建议的答复"),
            ("抄送：人大", "代表"), ("您", "提出"), ("感谢", "支持"), ("联系电话：0835", "x"))
SMALL, BASE = 500, 2000  # characters of the adversarial run
SUSPECT = 0.001  # seconds at BASE characters above which the growth is measured (linear: some microseconds)
HOPELESS = 0.05  # seconds at SMALL characters: far beyond any linear pattern, and 4n could take minutes


def atoms_for(pattern: re.Pattern) -> list[str]:
    """The generic atoms, and the CJK words and characters the pattern itself names (what it loops on)."""
    source = re.sub(r"\\.", "", pattern.pattern)
    words = re.findall(r"[\u3000-\uffff]+", source)
    chars = sorted({ch for word in words for ch in word})
    return list(dict.fromkeys([*ATOMS, *words[:20], *chars[:30]]))


# Lines of real letters and the elements they hold: a pattern is attacked where it matches, by a long run
# pushed into each place of a line it matches (two runs of optional blanks sharing one row, a loop on the
# character before), with and without an ending that makes it fail.
SEED_LINES = (
    "办理结果：B类", "（B类）", "A 类", "公开属性：主动公开", "（此件主动公开）", "机密★1年", "特急", "000123", "新建字2024-14号",
    "    签发人：林志远", "签发人：张三、李四", "青川市住房和城乡建设局文件", "青川市人民政府办公室：", "（1）增加", "1 挖潜",
    "二〇二五年六月十日", "2025.6.10", "附件1：名单", "（0835）5550123", "（各5份）", "（印章）", "（此页无正文）", "第3页 共5页",
    "- 3 -", "感谢您对我们工作的关心和支持！", "欢迎继续提出宝贵意见。", "您提出的建议收悉。",
) + tuple(line for line in NPC.splitlines() + (EXAMPLES / "cppcc-compliant.txt").read_text(encoding="utf-8").splitlines()
          if line.strip() and len(line) <= 60)
SEEDS_PER_PATTERN = 8
PUSHED = (" ", "\u3000", "1", "的", "人大")
ENDINGS = ("", "x" * 40, "\nx")  # kept after the rest of the line, or (the first two) in place of it


def families(pattern: re.Pattern, seeds: tuple[str, ...] = SEED_LINES, generic: bool = True):
    """(description, line of about n characters) makers: generic runs in contexts, then runs pushed into
    the lines the pattern matches."""
    for atom in atoms_for(pattern) if generic else ():
        for prefix, tail in CONTEXTS:
            yield f"{prefix!r} + {atom!r}… + {tail!r}", (lambda n, p=prefix, a=atom, t=tail: p + a * max(1, n // len(a)) + t)
    for seed in [seed for seed in seeds if pattern.search(seed)][:SEEDS_PER_PATTERN]:
        for at in range(len(seed) + 1):
            for atom in dict.fromkeys((*PUSHED, seed[at - 1:at] or " ")):
                for rest in {seed[at:] + ending for ending in ENDINGS} | set(ENDINGS[1:]):
                    yield (f"{seed[:at]!r} + {atom!r}… + {rest!r}",
                           lambda n, s=seed[:at], a=atom, r=rest: s + a * max(1, n // len(a)) + r)


def superlinear(pattern: re.Pattern, seeds: tuple[str, ...] = SEED_LINES, generic: bool = True) -> str | None:
    """The first adversarial line on which ``finditer`` grows faster than linearly, described; else None."""
    def scan(text: str):
        return lambda: sum(1 for _ in pattern.finditer(text))

    for described, line in families(pattern, seeds, generic):
        small = best_time(scan(line(SMALL)))
        if small > HOPELESS and best_time(scan(line(SMALL)), 3) > HOPELESS:  # not a pause of a loaded machine
            return f"{small:.2f} s on {SMALL} characters of {described}"
        base = best_time(scan(line(BASE)))
        if base < SUSPECT:
            continue
        base = best_time(scan(line(BASE)), 3)
        big = best_time(scan(line(4 * BASE)), 2)
        if big > 10 * SUSPECT and big / base > 8:
            return f"{base * 1000:.1f} ms → {big * 1000:.1f} ms from {BASE} to {4 * BASE} characters of {described}"
    return None


def test_every_pattern_of_the_rule_set_is_found_by_the_walk():
    labels = {label.split(".")[0] for label, _ in rule_patterns()}
    assert {"RL202", "RL108", "RL605", "RL606", "RL309", "RL311"} <= labels
    assert len(rule_patterns()) >= 20  # the catalogue holds 23 (salutation-format became a named check)


@pytest.mark.parametrize("label, pattern", rule_patterns(), ids=lambda v: v if isinstance(v, str) else "")
def test_rule_pattern_runs_in_linear_time(label, pattern):
    assert superlinear(pattern) is None, f"{label} {pattern.pattern!r}: {superlinear(pattern)}"


@pytest.mark.parametrize("label, pattern", module_patterns(), ids=lambda v: v if isinstance(v, str) else "")
def test_pipeline_pattern_runs_in_linear_time(label, pattern):
    assert superlinear(pattern) is None, f"{label} {pattern.pattern!r}: {superlinear(pattern)}"


@pytest.mark.parametrize("label, pattern", rule_patterns() + module_patterns(),
                         ids=lambda v: v if isinstance(v, str) else "")
def test_pattern_runs_in_linear_time_in_the_lines_of_published_letters(label, pattern):
    """The same attack, pushed into the lines portals and office systems add (metadata tables, glued grades,
    salutations with several names, labelled footers, new date forms: tests/line_kinds.py)."""
    found = superlinear(pattern, EVERY_LINE, generic=False)
    assert found is None, f"{label} {pattern.pattern!r}: {found}"


def test_the_timing_guard_catches_a_backtracking_pattern():
    """The guard itself can fail: the old title-template pattern, and a textbook quadratic one."""
    old_title_template = re.compile(r"^(?:.+?)?(?:关于)?对?.*?(?:人大|政协|人民代表大会|政治协商会议).*?第?“?[0-9A-Za-z\-－]+”?号”?"
                                    r"(?:建议|提案|议案)的(?:答复|答复意见|答复函|复函|会办意见|协办意见)$")
    assert superlinear(old_title_template) is not None
    assert superlinear(re.compile(r"人大.*?(?:代表|选工委)")) is not None
    assert superlinear(re.compile(r"人大(?:代表|选工委)")) is None
    # and in the lines of published letters: the names joined by 、 before 代表, as a careless pattern reads them
    assert superlinear(re.compile(r"、.*?代表："), EVERY_LINE, generic=False) is not None


def test_quoted_stretches_are_what_the_regex_found():
    """patterns.Quoted replaces “[^”]*”|《[^》]*》|… (quadratic on a row of unclosed marks), stretch for stretch."""
    regexes = {id(QUOTES): re.compile(r"“[^”]*”|《[^》]*》|「[^」]*」|\"[^\"]*\""),
               id(KIND_QUOTES): re.compile(r"“[^”]*”|《[^》]*》|「[^」]*」|\"[^\"]*\"|‘[^’]*’")}
    rng = random.Random(8)
    for trial in range(3000):
        text = "".join(rng.choice("“”《》「」\"‘’甲\n") for _ in range(rng.randint(0, 30)))
        for pairs in (QUOTES, KIND_QUOTES):
            quoted, regex = Quoted(text, pairs), regexes[id(pairs)]
            assert quoted.spans() == [m.span() for m in regex.finditer(text)], text
            assert quoted.outside(text) == regex.sub("", text), text
            assert [i for i in range(len(text) + 1) if i in quoted] == \
                   [i for i in range(len(text) + 1) if any(a <= i < b for a, b in quoted.spans())]
    unclosed = "“" * 200_000
    assert best_time(lambda: Quoted(unclosed)) < 2.0 and Quoted(unclosed).spans() == []


# ---- the whole pipeline -------------------------------------------------------------------------------------

def in_body(paragraph: str) -> str:
    return NPC.replace("现答复如下：", "现答复如下：\n\n" + paragraph, 1)


def check_seconds(text: str, repeat: int = 1) -> float:
    return best_time(lambda: check_text(text, "hostile.txt", ISOLATED), repeat)


def cjk_run(n: int, seed: int = 1) -> str:
    rng = random.Random(seed)
    return "".join(rng.choice(CJK) for _ in range(n))


def test_title_of_renda_a_thousand_times_is_checked_in_a_moment():
    letter = NPC.replace(TITLE, "人大" * 1000, 1)
    assert check_seconds(letter) < 5.0  # 37 s with the old title-template pattern
    result = check_text(letter, "t.txt", ISOLATED)
    assert "title-template" in {d.rule for d in result.diagnostics}


LONG_LINES = {
    "one-line letter of CJK text": lambda n: cjk_run(n),
    "one-line letter of 人大人大…": lambda n: "人大" * (n // 2),
    "body paragraph of CJK text": lambda n: in_body(cjk_run(n) + "。"),
    "paragraph of 的的的… (repeats everywhere)": lambda n: in_body("的" * n + "。"),
    "paragraph of ASCII brackets among CJK": lambda n: in_body("人(" * (n // 2)),
    "paragraph of spaces among CJK": lambda n: in_body("人 " * (n // 2)),
    "paragraph of unclosed quotation marks": lambda n: in_body("“" * n),
    "paragraph of 第第第…": lambda n: in_body("第" * n),
}


@pytest.mark.parametrize("name", LONG_LINES)
def test_a_long_line_is_checked_in_linear_time(name):
    make = LONG_LINES[name]
    small, big = make(50_000), make(200_000)
    base = check_seconds(small, 2)
    large = check_seconds(big)
    assert large < 30.0, f"{name}: {large:.1f} s for 200,000 characters"
    assert large < 10 * max(base, 0.1), f"{name}: {base:.2f} s → {large:.2f} s from 50,000 to 200,000 characters"


def unpunctuated_lines(count: int, in_the_body: bool) -> str:
    rng = random.Random(count)
    lines = ["".join(rng.choice(CJK) for _ in range(12)) for _ in range(count)]
    return in_body("\n".join(lines)) if in_the_body else "\n".join(lines) + "\n"


@pytest.mark.parametrize("in_the_body", [False, True], ids=["all-title", "in-the-body"])
def test_many_unpunctuated_lines_are_checked_in_linear_time(in_the_body):
    """The lexer re-joined a growing paragraph on every line: 8,000 such lines took 4.9 s."""
    base = check_seconds(unpunctuated_lines(8_000, in_the_body), 2)
    large = check_seconds(unpunctuated_lines(32_000, in_the_body))
    assert large < 30.0 and large < 10 * max(base, 0.1), f"{base:.2f} s → {large:.2f} s from 8,000 to 32,000 lines"


def test_a_paragraph_joined_from_thousands_of_lines_maps_each_finding_back():
    """Lines that stop mid-sentence join into one paragraph; a finding in it still names its own line."""
    lines = ["改善改善" + "有关" * 13 + "人" for _ in range(4_000)]  # each: 31 characters, no closing mark
    letter = in_body("\n".join(lines) + "。")
    first_line = letter.split("\n").index(lines[0]) + 1
    result = check_text(letter, "j.txt", ISOLATED)
    assert len(result.letter.paragraphs) < 20  # the 4,000 lines are one paragraph
    repeats = {(d.span.line, d.span.column, d.span.end_column) for d in result.diagnostics if d.rule == "duplicate-word"}
    assert {(first_line + i, 1, 5) for i in range(4_000)} <= repeats  # 改善改善 at the start of each line


def test_thousands_of_contact_lines_are_checked_in_linear_time():
    """contact_phone_format looked every number up line by line: quadratic in the contact lines."""
    def letter(n: int) -> str:
        return in_body("\n".join(f"联系电话：{1000000 + i}" for i in range(n)))
    base, large = check_seconds(letter(5_000), 2), check_seconds(letter(20_000))
    assert large < 30.0 and large < 10 * max(base, 0.1), f"{base:.2f} s → {large:.2f} s"
    result = check_text(letter(50), "c.txt", ISOLATED)
    local = [d for d in result.diagnostics if d.rule == "contact-phone-format"]
    assert len(local) == 50 and len({d.span.line for d in local}) == 50  # each number where it stands


def test_the_cli_checks_a_letter_of_200000_characters_in_seconds(tmp_path):
    letter = tmp_path / "long.txt"
    letter.write_text(in_body(cjk_run(200_000) + "。"), encoding="utf-8")
    start = time.perf_counter()
    done = run_cli("check", "--format", "concise", str(letter), timeout=60)
    assert time.perf_counter() - start < 30.0
    assert done.returncode in (0, 1), done.stderr.decode(errors="replace")
    assert "检查了 1 个文件".encode() in done.stdout


# ---- the lines of published letters, to the parser's bounds (issue 9, "Bad input") ------------------------

def timed_check(text: str) -> tuple[float, FileResult]:
    start = time.perf_counter()
    result = check_text(text, "hostile.txt", ISOLATED)
    return time.perf_counter() - start, result


def growth(small: str, large: str) -> tuple[float, float, FileResult]:
    """Seconds to check ``small`` (best of two) and ``large``, and the result of ``large``. A large time
    beyond the linear bound is measured once more: a pause of a loaded machine is not a quadratic parser."""
    base = check_seconds(small, 2)
    seconds, result = timed_check(large)
    if not linear(base, seconds):
        seconds = min(seconds, timed_check(large)[0])
    return base, seconds, result


def linear(base: float, large: float) -> bool:
    """From n to 4n characters or lines: far below ×16, under half a minute."""
    return large < 30.0 and large < 10 * max(base, 0.1)


def one_megabyte_line(examples, room: int) -> str:
    """The examples of a line kind repeated on one line up to 1 MiB of UTF-8, or ``room`` characters when
    that comes first (a line of 1 MiB of digits would be beyond MAX_CHARS: refused, tested below)."""
    unit = "  ".join(examples) + "  "
    line = unit * (room // len(unit) + 1)
    size = 0
    for length, character in enumerate(line[:room]):
        size += len(character.encode("utf-8"))
        if size >= MiB:
            return line[: length + 1]
    return line[:room]


def above_the_letter(line: str) -> str:
    return line + "\n" + NPC


def before_the_cc(line: str) -> str:
    return NPC.replace("抄送：", line + "\n\n抄送：", 1)


PLACES = {"alone": lambda text: text, "above the letter": above_the_letter, "in the body": in_body,
          "before the 抄送": before_the_cc}
ROOM = MAX_CHARS - len(NPC) - 1_000  # characters left for the hostile part, inside the bound


@pytest.mark.parametrize("kind", LINE_KINDS)
def test_a_line_of_one_megabyte_is_checked_in_linear_time(kind):
    """A metadata table, a breadcrumb, a glued grade, a salutation … written over and over on one line of
    1 MiB (or as many characters as the bound allows), in each place of a letter."""
    line = one_megabyte_line(LINE_KINDS[kind], ROOM)
    quarter = line[: len(line) // 4]
    assert len(line.encode("utf-8")) >= MiB or len(line) == ROOM, "the line is not as long as promised"
    for place, put in PLACES.items():
        base, large, result = growth(put(quarter), put(line))
        assert linear(base, large), \
            f"{kind} {place}: {base:.2f} s → {large:.2f} s from {len(quarter)} to {len(line)} characters"
        assert result.error is None and result.letter is not None, (kind, place, result.error)


SHORT_LINES = tuple(line for line in EVERY_LINE if len(line) <= 12)


def short_lines(count: int) -> str:
    return "\n".join(SHORT_LINES[i % len(SHORT_LINES)] for i in range(count))


def test_the_short_lines_fill_the_bounds_of_a_letter():
    """The test below is as large as the bounds allow: as many lines as a letter may have, in fewer characters."""
    assert len(SHORT_LINES) >= 20 and {"周立新、马海燕代表：", "乙类", "20211026", "分享到："} <= set(SHORT_LINES)
    assert len(short_lines(MAX_LINES).replace("\n", "")) < MAX_CHARS - len(NPC)


@pytest.mark.parametrize("place", ["alone", "above the letter", "in the body"])
def test_as_many_short_lines_as_the_bounds_allow_are_checked_in_linear_time(place):
    put = PLACES[place]
    count = MAX_LINES - (0 if place == "alone" else len(NPC.split("\n")) + 2)
    base, large, result = growth(put(short_lines(count // 4)), put(short_lines(count)))
    assert linear(base, large), f"{place}: {base:.2f} s → {large:.2f} s from {count // 4} to {count} lines"
    assert result.error is None and result.letter is not None and len(result.source_lines) <= MAX_LINES


REFUSED = {
    "a line of 1 MiB of digits": lambda: "2" * MiB,
    "a line of salutation names beyond the characters allowed": lambda: ("周立新、" * (MAX_CHARS // 4 + 1)) + "代表：",
    "a metadata table beyond the characters allowed": lambda: one_megabyte_line(LINE_KINDS["metadata-pipes"], 2 * MAX_CHARS) * 2,
    "100,000 short lines": lambda: short_lines(100_000),
    "100,000 empty lines around a letter": lambda: "\n" * 50_000 + NPC + "\n" * 50_000,
}


@pytest.mark.parametrize("name", REFUSED)
def test_an_input_beyond_the_bounds_is_refused_at_once(name, tmp_path):
    """Refused with the per-file message before any parsing: in a moment, from text and from a file."""
    text = REFUSED[name]()
    assert len(text) > MAX_CHARS or text.count("\n") >= MAX_LINES
    start = time.perf_counter()
    result = check_text(text, "big.txt", ISOLATED)
    seconds = time.perf_counter() - start
    assert result.error is not None and result.error.startswith("文件内容异常") and result.letter is None
    assert seconds < 1.0, f"{name}: {seconds:.2f} s to refuse"
    path = tmp_path / "big.txt"
    path.write_text(text, encoding="utf-8")
    start = time.perf_counter()
    result = check_file(path, ISOLATED)
    seconds = time.perf_counter() - start
    assert result.error is not None and result.error.startswith("文件内容异常") and result.letter is None
    assert seconds < 1.0, f"{name}: {seconds:.2f} s to refuse the file"


# ---- the parser's own bounds --------------------------------------------------------------------------------

def test_the_parser_refuses_more_lines_than_a_letter_has():
    with pytest.raises(LetterTooLarge) as raised:
        parse_lines(["。"] * (MAX_LINES + 1))
    assert str(raised.value).startswith("文件内容异常") and f"{MAX_LINES}" in str(raised.value) and "行" in str(raised.value)


def test_the_parser_refuses_more_characters_than_a_letter_has():
    with pytest.raises(LetterTooLarge) as raised:
        parse_lines(["的" * (MAX_CHARS // 2), "的" * (MAX_CHARS // 2 + 1)])
    assert str(raised.value).startswith("文件内容异常") and "字符" in str(raised.value)


@pytest.mark.parametrize("text", [
    "。\n" * (MAX_LINES + 1),
    "的" * (MAX_CHARS + 1),
], ids=["too-many-lines", "too-many-characters"])
def test_check_text_gives_a_per_file_error_not_an_exception(text):
    result = check_text(text, "big.txt", ISOLATED)
    assert result.error is not None and result.error.startswith("文件内容异常")
    assert result.diagnostics == [] and result.letter is None


def test_a_batch_of_texts_finishes_after_one_too_large():
    results = check_texts(["的" * (MAX_CHARS + 1), NPC], ISOLATED)
    assert results[0].error.startswith("文件内容异常")
    assert results[1].error is None and results[1].letter is not None


def test_the_largest_letter_the_bounds_allow_is_still_checked():
    result = check_text("。\n" * MAX_LINES, "many.txt", ISOLATED)
    assert result.error is None


def test_the_cli_reports_a_letter_beyond_the_bounds_and_goes_on(tmp_path):
    (tmp_path / "a-big.txt").write_text("的" * (MAX_CHARS + 10), encoding="utf-8")
    (tmp_path / "b-good.txt").write_text(NPC, encoding="utf-8")
    done = run_cli("check", "--format", "concise", str(tmp_path))
    out = done.stdout.decode()
    assert done.returncode == 2  # a file that could not be checked
    assert "a-big.txt: 无法检查：文件内容异常" in out
    assert "检查了 1 个文件" in out.splitlines()[-1] and "1 个文件无法读取" in out.splitlines()[-1]


# ---- the text reporters -------------------------------------------------------------------------------------

def synthetic_report(findings: int, line_length: int = 30) -> Report:
    """A file whose every line has five findings, made without checking anything."""
    lines = [("人(" * line_length)[:line_length] for _ in range(findings // 5 + 1)]
    severities = (Severity.ERROR, Severity.WARNING, Severity.INFO)
    diagnostics = [
        Diagnostic.trusted(code="RL309", rule="ascii-punct-in-cjk", severity=severities[i % 3],
                           span=Span.trusted(line=i // 5 + 1, column=2 + 2 * (i % 5), end_line=i // 5 + 1,
                                             end_column=3 + 2 * (i % 5)),
                           message="“(”用了半角（英文）标点", fix=None, location=None)
        for i in range(findings)
    ]
    return Report(files=[FileResult.trusted(path="many.txt", kind=Kind.NPC, error=None, letter=None,
                                            fields=None, diagnostics=diagnostics, source_lines=lines)])


def rendered(render, report: Report, record: bool = False) -> str:
    """What a renderer writes to a non-terminal console: plain pieces, or (record) rich's print per line."""
    buffer = io.StringIO()
    render(report, Console(file=buffer, highlight=False, soft_wrap=True, record=record))
    return buffer.getvalue()


@pytest.mark.parametrize("render", [render_full, render_concise], ids=["full", "concise"])
def test_the_reporters_print_many_findings_in_linear_time(render):
    small, large = synthetic_report(25_000), synthetic_report(200_000)
    base = best_time(lambda: rendered(render, small), 2)
    start = time.perf_counter()
    out = rendered(render, large)
    seconds = time.perf_counter() - start
    assert seconds < 30.0, f"{seconds:.1f} s for 200,000 findings"  # 88 s before
    assert seconds < 8 * 2 * max(base, 0.05), f"{base:.2f} s → {seconds:.2f} s from 25,000 to 200,000 findings"
    assert out.count("ascii-punct-in-cjk") == 200_000


def test_a_finding_on_a_very_long_line_shows_an_excerpt_under_it():
    line = "的" * 5_000 + "人(目标" + "的" * 5_000
    column = 5_000 + 2  # the "("
    report = Report(files=[FileResult.trusted(
        path="long.txt", kind=Kind.NPC, error=None, letter=None, fields=None, source_lines=[line],
        diagnostics=[Diagnostic.trusted(code="RL309", rule="ascii-punct-in-cjk", severity=Severity.INFO,
                                        span=Span.trusted(line=1, column=column, end_line=1, end_column=column + 1),
                                        message="半角", fix=None, location=None)])])
    out = rendered(render_full, report).splitlines()
    source = next(l for l in out if l.startswith("    1 │ "))
    caret = out[out.index(source) + 1]
    assert len(source) < 200 and source.endswith("…") and "…" in source[:12] and "人(目标" in source
    shown = source[len("    1 │ "):]
    assert caret[len("    1 │ "):].strip() == "^"
    assert display_width(caret[len("    1 │ "):].split("^")[0]) == display_width(shown[:shown.index("(")])
    short = "的" * (WHOLE_LINE_LIMIT - 10) + "人(" + "的" * 8  # at most WHOLE_LINE_LIMIT: shown whole, as always
    report.files[0].source_lines[0] = short
    report.files[0].diagnostics[0].span = Span.trusted(line=1, column=WHOLE_LINE_LIMIT - 8, end_line=1,
                                                        end_column=WHOLE_LINE_LIMIT - 7)
    assert f"    1 │ {short}" in rendered(render_full, report).splitlines()


def reports_of_real_letters() -> list[Report]:
    results = [check_text(path.read_text(encoding="utf-8"), str(path), ISOLATED) for path in letter_fixtures()]
    tricky = check_text(NPC.replace(TITLE, "关于市九届人大四次会议\t第15号建议的答复").replace(
        "经认真研究", "经认真\t研究，\r\x07改善改善 (现) 人 人"), "tabs.txt", ISOLATED)
    controls = check_text(NPC.replace("经认真研究", "经认真\x07研究，\x0b\x0c改善改善 (现)"), "controls.txt", ISOLATED)
    unreadable = FileResult(path="broken.docx", error="无法读取：\t文件已损坏")
    fixed = synthetic_report(10)
    fixed.files[0].diagnostics[0].fix = Fix.trusted(replacement="（\t）", span=fixed.files[0].diagnostics[0].span,
                                                    description="改为“（）”")
    fixed.files[0].diagnostics[1].location = "第 1 段“人(人(”"
    fixed.files[0].diagnostics[2].message = "多行\n消息\t带制表符"
    fixed.files[0].source_lines[1] = "\t人(人(\t人(人(人(人("
    return [Report(files=results), Report(files=[tricky, unreadable]), Report(files=[controls]), fixed]


@pytest.mark.parametrize("render", [render_full, render_concise], ids=["full", "concise"])
def test_plain_output_is_exactly_what_rich_would_write(render):
    """Tabs in lines and messages, control codes, wide characters, fixes, locations, errors: the pieces
    written to a pipe are the bytes of one rich print per line (a recording console keeps rich's path)."""
    for report in reports_of_real_letters():
        assert rendered(render, report) == rendered(render, report, record=True)


def test_the_caret_stands_under_the_finding_in_real_letters():
    report = reports_of_real_letters()[0]
    out = rendered(render_full, report).splitlines()
    shown = [(out[i], out[i + 1]) for i in range(len(out) - 1) if re.match(r"    \d+ │ ", out[i])]
    # each letter's problems come first, then its 提示 (listed apart), each in line order
    expected = [(d, result.line_text(d.span.line)) for result in report.files
                for d in sorted(result.diagnostics, key=lambda d: d.severity.value == "info")
                if result.line_text(d.span.line) is not None]
    assert len(shown) == len(expected) > 20
    for (source_line, caret_line), (d, source) in zip(shown, expected):
        prefix = f"    {d.span.line} │ "
        assert source_line == prefix + source.rstrip("\r\n").expandtabs(4)
        caret = caret_line[len(prefix):]
        start = d.span.column - 1
        end = d.span.end_column - 1 if d.span.end_line == d.span.line else len(source)
        assert caret.index("^") == display_width(source[:start])
        assert caret.count("^") == max(1, display_width(source[start:max(start + 1, min(end, len(source)))]))


def test_pdf_and_ofd_paragraphs_are_joined_in_linear_time():
    """A paragraph of thousands of wrapped lines (each reaching the right edge) is one line of the source;
    adding line by line to its text was quadratic."""
    from checker.sources.layout import Run, paragraph_lines

    def page(texts: list[str]) -> list[Run]:
        return [Run(x0=0.0, x1=300.0, y=12.0 * i, size=10.0, text=text) for i, text in enumerate(texts)]

    base = best_time(lambda: paragraph_lines([page(["改善的工作" * 6] * 5_000)]), 2)
    large = best_time(lambda: paragraph_lines([page(["改善的工作" * 6] * 20_000)]))
    assert large < 10 * max(base, 0.05), f"{base:.2f} s → {large:.2f} s from 5,000 to 20,000 lines"
    paragraphs = paragraph_lines([page(["Wrapped words", "continue here", "中文接着", "写完了。"])])
    assert len(paragraphs) == 1 and len(paragraphs[0].lines) == 4
    # Latin words wrapped at a line end get their space back; Chinese text joins with none
    assert paragraphs[0].text == "Wrapped words continue here中文接着写完了。"


def test_the_cli_prints_tens_of_thousands_of_findings_in_full(tmp_path):
    """Every line of this letter raises nine findings; the full format shows each with its line."""
    letter = tmp_path / "many.txt"
    letter.write_text(in_body("\n".join(["人(人(人(人(人(人 人 人 改善改善。"] * 5_000)), encoding="utf-8")
    start = time.perf_counter()
    done = run_cli("check", "--format", "full", "--show-info", str(letter))
    assert time.perf_counter() - start < 45.0
    out = done.stdout.decode()
    assert done.returncode == 0, done.stderr.decode(errors="replace")  # only 提示 (info) findings
    assert out.count("（ascii-punct-in-cjk）") == 5_000 * 5 and out.count("（duplicate-word）") == 5_000
    assert "45000 个提示" in out.splitlines()[-1]

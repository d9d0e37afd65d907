"""Reading the project's TOML files (rules, profiles, config) with errors that name the file, the line and the key.

A config file comes from wherever the letters are (an unzipped archive), so it is read as untrusted input:
at most ``MAX_CONFIG_BYTES`` from a regular file (never a FIFO or a device), decoded as UTF-8 with or
without BOM, UTF-16/32 with BOM or GBK/GB18030 (what Windows editors save), and every problem becomes the
caller's exception with a Chinese message.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from .names import printable_path

if TYPE_CHECKING:
    from pydantic import ValidationError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

_POSITION = re.compile(r"\s*\(at (?:line (\d+), column (\d+)|end of document)\)$")
# tomllib's wording → ours (the original stays in the message, after it)
_TOML_PROBLEMS = (
    ("Invalid statement", "无法识别的语句"),
    ("Invalid value", "值无效或缺少值"),
    ("Cannot overwrite a value", "同一个键定义了两次"),
    ("Cannot declare", "同一个表定义了两次"),
    ("Expected '=' after a key", "键后面缺少“=”"),
    ("Illegal character", "含有不允许的控制字符"),
    ("Unterminated string", "字符串缺少结束引号"),
    ("Expected ']'", "表名缺少“]”"),
    ("Unclosed array", "列表缺少结尾的“]”"),
    ("Unclosed inline table", "内联表缺少结尾的“}”"),
)


def file_label(path) -> str:
    """A file's name as messages show it (bytes that are not UTF-8 escaped)."""
    return printable_path(str(path))


def read_text_file(path: Path, error: type[Exception], what: str = "文件", limit: int | None = None) -> str:
    """The text of a small settings file, bounded and decoded as a config file may be saved; ``error`` (the
    caller's exception type) with a Chinese message naming the file for anything else."""
    from .limits import MAX_CONFIG_BYTES
    from .sources import SourceError, read_file_bytes
    from .sources.text import decode_text

    limit = MAX_CONFIG_BYTES if limit is None else limit
    name = file_label(path)
    try:
        data = read_file_bytes(path, limit=limit, what=what)
    except SourceError as exc:  # the reader's words are for letters, which a batch skips: this one stops the run
        raise error(f"{name}：{str(exc).removesuffix('，已跳过')}") from None
    except ValueError:  # a NUL character in a path written in a config file
        raise error(f"{name}：文件名中含有空字符，无法打开") from None
    if len(data) > limit:
        raise error(f"{name}：{oversize_text(what, limit)}")
    try:
        return decode_text(data)[0]
    except SourceError as exc:
        raise error(f"{name}：{what}无法解码：{exc}") from None


def oversize_text(what: str, limit: int) -> str:
    """The message for a settings file (config, profile, baseline) larger than its bound."""
    size = f"{limit // 1024 // 1024} MiB" if limit >= 1024 * 1024 else f"{limit // 1024} KiB"
    return f"文件内容异常：{what}超过 {size}，远大于正常的{what}，已停止读取（文件可能损坏或是恶意构造的）"


def toml_error_text(name: str, exc: Exception) -> str:
    """``name：第 3 行第 7 列：不是有效的 TOML（…）`` from a TOML decode error."""
    message = str(exc)
    where = ""
    found = _POSITION.search(message)
    if found:
        message = message[: found.start()]
        where = f"第 {found.group(1)} 行第 {found.group(2)} 列：" if found.group(1) else "文件末尾："
    problem = next((ours for theirs, ours in _TOML_PROBLEMS if message.startswith(theirs)), "")
    detail = f"{problem}；{message}" if problem else message
    return f"{name}：{where}不是有效的 TOML（{detail}）"


def parse_toml(text: str, name: str, error: type[Exception]) -> dict:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise error(toml_error_text(name, exc)) from None
    except RecursionError:  # a very deep inline array or table
        raise error(f"{name}：不是有效的 TOML（嵌套过深）") from None
    except ValueError:  # an integer of more than 4300 digits (Python's bound on int conversion)
        raise error(f"{name}：不是有效的 TOML（数字位数过多）") from None


def read_toml(path: Path, error: type[Exception], what: str = "文件") -> dict:
    """The parsed file; ``error`` (the caller's exception type) for a file that cannot be read or parsed."""
    return parse_toml(read_text_file(path, error, what), file_label(path), error)


# pydantic's error types → what a person should change (the original message follows for the rest)
_VALIDATION_WORDS = {
    "extra_forbidden": "不认识的设置项（检查拼写）",
    "missing": "缺少这一项",
    "literal_error": "取值不在允许范围内",
    "string_type": "应为字符串",
    "bool_type": "应为 true 或 false",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "list_type": "应为列表",
    "dict_type": "应为表（键值对）",
    "greater_than_equal": "数值过小",
    "less_than_equal": "数值过大",
    "too_long": "条目或字符过多",
    "string_too_long": "字符串过长",
    "string_pattern_mismatch": "格式不对",
}


def describe(path, exc: ValidationError, limit: int = 5, key_names: dict | None = None,
             source_text: str | None = None, prefix: tuple = (), known_keys=None) -> str:
    """One line per validation error: the file, the line, the dotted key and what is wrong with it.
    ``key_names`` shows some keys under another name (a setting given on the command line: its flag);
    ``source_text`` (the file's text) gives the line of the key, under the table ``prefix`` (tool.replylint
    in a pyproject.toml); ``known_keys(loc)`` lists the keys allowed beside an unknown one, for a
    "did you mean" (``fail_on`` → ``fail-on``)."""
    lines = []
    name = file_label(path)
    where_keys = key_lines(source_text) if source_text is not None else {}
    for err in exc.errors()[:limit]:
        loc = tuple(str(part) for part in err["loc"])
        key = ".".join(loc)
        flag = key_names.get(err["loc"][0]) if key_names and err["loc"] else None
        if err["type"] == "value_error":  # our own validators word the whole message
            text = str(err.get("ctx", {}).get("error", err["msg"]))
        elif err["type"] == "literal_error":  # one of a few words: say which, and the one probably meant
            allowed = re.findall(r"'([^']*)'", str(err.get("ctx", {}).get("expected", "")))
            given = err.get("input")
            near = close_matches(given, allowed, n=1) if isinstance(given, str) and allowed else []
            text = f"应为 {'、'.join(repr(a) for a in allowed)} 之一" if allowed else "取值不在允许范围内"
            text += f"，是不是要写 {near[0]!r}？" if near else f"（收到 {given!r:.40}）"
        elif err["type"] == "extra_forbidden":
            known = list(known_keys(loc[:-1])) if known_keys else []
            near = close_matches(loc[-1], known) if loc else []
            text = "不认识的设置项" + (f"，是不是要写 {'、'.join(repr(k) for k in near)}？" if near else "（检查拼写）")
            if known and not near:
                text += f"；可用的设置项：{'、'.join(known)}"
        else:
            words = _VALIDATION_WORDS.get(err["type"])
            text = f"{words}（{err['msg']}）" if words else err["msg"]
        if flag:
            lines.append(f"{name} {'.'.join([flag, *map(str, err['loc'][1:])])}：{text}")
        else:
            line = line_of(where_keys, prefix + loc)
            at = f"第 {line} 行：" if line else ""
            lines.append(f"{name}：{at}键 '{key}'：{text}" if key else f"{name}：{at}{text}")
    return "\n".join(lines)


_DIGIT_LOOKALIKES = str.maketrans("oilz", "0112")


def close_matches(word: str, candidates, n: int = 3, cutoff: float = 0.6) -> list[str]:
    """The candidates spelt like ``word`` (``selct`` → ``select``; ``fail_on`` → ``fail-on``), best first."""
    import difflib

    by_form = {}
    for candidate in candidates:  # compare without case and with _ as -: fail_on and Fail-On are fail-on
        by_form.setdefault(candidate.casefold().replace("_", "-"), candidate)
    form = word.casefold().replace("_", "-")
    # a code typed with a letter for a digit (RL1O9, RLl09): the code it stands for is the one answer
    if len(form) == 5 and form.startswith("rl"):
        code = "rl" + form[2:].translate(_DIGIT_LOOKALIKES)
        if code != form and code in by_form:
            return [by_form[code]]
    found = difflib.get_close_matches(form, list(by_form), n=n, cutoff=cutoff)
    return [by_form[f] for f in found]


_TABLE_HEADER = re.compile(r"\s*\[\[?([^\]]*)\]\]?\s*(?:#.*)?$")
_KEY_LINE = re.compile(r"\s*([^=\s\[#][^=]*)=")


def _split_key(dotted: str) -> tuple[str, ...]:
    """``a."b.c".d`` → (a, b.c, d); quotes dropped."""
    parts, current, quote = [], "", ""
    for ch in dotted:
        if quote:
            if ch == quote:
                quote = ""
            else:
                current += ch
        elif ch in "\"'":
            quote = ch
        elif ch == ".":
            parts.append(current.strip())
            current = ""
        else:
            current += ch
    parts.append(current.strip())
    return tuple(parts)


def key_lines(text: str) -> dict[tuple[str, ...], int]:
    """(table…, key) → the 1-based line where a TOML file defines it (table headers included). A plain line
    scan, enough to point at a key: multi-line strings and arrays are not followed."""
    out: dict[tuple[str, ...], int] = {}
    table: tuple[str, ...] = ()
    for number, line in enumerate(text.splitlines(), 1):
        header = _TABLE_HEADER.match(line)
        if header:
            table = _split_key(header.group(1))
            out.setdefault(table, number)
            continue
        key = _KEY_LINE.match(line)
        if key:
            out.setdefault(table + _split_key(key.group(1).strip()), number)
    return out


def line_of(lines: dict[tuple[str, ...], int], loc: tuple[str, ...]) -> int | None:
    """The line of the longest prefix of ``loc`` the file defines (a key inside an inline table: its line)."""
    for n in range(len(loc), 0, -1):
        if loc[:n] in lines:
            return lines[loc[:n]]
    return None


__all__ = ["tomllib", "read_toml", "read_text_file", "parse_toml", "describe", "file_label", "toml_error_text", "oversize_text",
           "close_matches", "key_lines", "line_of"]

"""The rule catalogue for people: ``replylint rules`` (table, json, markdown = docs/rules.md) and
``replylint explain``. Everything comes from the rule files; nothing here restates a rule."""

from __future__ import annotations

import difflib
import json
from functools import lru_cache

from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from ..engine import CompiledRule, load_rules
from ..formats import SEVERITY_LABELS

APPLIES = {"both": "建议、提案", "npc-suggestion": "人大代表建议", "cppcc-proposal": "政协委员提案"}
BASE_NAMES = {"npc": "合规的人大建议答复范例", "cppcc": "合规的政协提案答复范例"}
ROLES = {"reply": "答复函", "co-handling": "会办、协办函"}


def _roles_note(compiled: CompiledRule) -> str:
    """" · 只查答复函" for a rule that a 会办/协办 letter skips (and the reverse); "" for a rule of both."""
    roles = compiled.rule.roles
    if len(roles) == len(ROLES):
        return ""
    return " · 只查" + "、".join(ROLES[r] for r in roles)


def _check_summary(compiled: CompiledRule) -> str:
    check = compiled.rule.check
    detail = {
        "required": lambda c: f"{c.field} {'必须有' if c.expect == 'present' else '不应有'}",
        "pattern": lambda c: f"{c.field}.{c.attribute} {'须匹配' if c.match else '不得匹配'} {c.match or c.not_match}",
        "enum": lambda c: f"{c.field}.{c.attribute} ∈ {c.values if c.values is not None else 'profile.' + c.profile_key}",
        "forbidden": lambda c: f"{c.scope} 中不得出现 {c.pattern}",
        "repeated": lambda c: f"{c.scope} 中不得紧接着重复 {c.min}–{c.max} 个 [{c.chars}] 字符"
                              + (f"（“{c.not_starting}”开头的除外）" if c.not_starting else ""),
        "compare": lambda c: f"{c.left} {c.operator} {c.right or 'kind'}",
        "sequence": lambda c: f"标题序号：{c.check}",
        "order": lambda c: f"{c.element} 在 {', '.join(c.after) or '—'} 之后、{', '.join(c.before) or '—'} 之前",
        "conditional": lambda c: f"若 {c.when.field} 则 {c.then.field}",
        "artifact": lambda c: ", ".join(c.artifacts),
        "python": lambda c: f"{c.function}()",
        "parser": lambda c: f"解析器：{c.finding}",
    }[check.kind](check)
    return f"{check.kind}: {detail}"


@lru_cache(maxsize=None)
def base_letter(base: str) -> list[str]:
    """The lines of a shipped compliant letter (rules/bases/<base>.txt) that examples edit."""
    from ..resources import data_dir

    return (data_dir("rules") / "bases" / f"{base}.txt").read_text(encoding="utf-8").splitlines()


def example_text(example) -> str:
    """The whole letter an example checks (its ``text``, or the base letter with its ``replace`` edits)."""
    if example.text is not None:
        return example.text
    text = "\n".join(base_letter(example.base)) + "\n"
    for old, new in example.replace.items():
        text = text.replace(old, new, 1)
    return text


def example_parts(example) -> list[tuple[str, list[str]]]:
    """An example as letter text, in (caption, lines) parts: a ``text`` example whole; a base letter with
    edits as the lines that differ from the base ("合规的人大建议答复范例第 5 行写作：" and those lines), a line the
    edits delete named as deleted; the base unchanged as one caption."""
    if example.text is not None:
        return [("", example.text.rstrip("\n").split("\n"))]
    base_name = BASE_NAMES[example.base]
    if not example.replace:
        return [(f"{base_name}原样（rules/bases/{example.base}.txt）", [])]
    base = base_letter(example.base)
    edited = example_text(example).rstrip("\n").split("\n")
    parts = []
    matcher = difflib.SequenceMatcher(a=base, b=edited, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        if j1 == j2:  # lines taken out, nothing in their place
            where = f"第 {i1 + 1} 行" if i2 == i1 + 1 else f"第 {i1 + 1}–{i2} 行"
            parts.append((f"{base_name}删去{where}：", [f"（删去）{line}" for line in base[i1:i2]]))
            continue
        new_lines = edited[j1:j2]
        while new_lines and not new_lines[-1].strip() and len(new_lines) > 1:
            new_lines.pop()
        where = f"第 {j1 + 1} 行" if len(new_lines) == 1 else f"第 {j1 + 1}–{j1 + len(new_lines)} 行"
        parts.append((f"{base_name}{where}写作：", new_lines))
    return parts or [(f"{base_name}原样（rules/bases/{example.base}.txt）", [])]


def rule_to_dict(compiled: CompiledRule) -> dict:
    rule = compiled.rule
    return {
        "code": rule.code, "name": rule.name, "title": rule.title, "severity": rule.severity, "applies_to": rule.applies_to,
        "roles": list(rule.roles),
        "group": compiled.group, "kind": rule.check.kind, "message": rule.message,
        "description": rule.description.strip(), "source": rule.source, "check": _check_summary(compiled),
        "fixable": rule.fix is not None,
        "safe_fix": rule.fix is not None and rule.fix.safe,
    }


def render_rules(output_format: str, console: Console) -> None:
    rules = load_rules()
    if output_format == "json":
        console.file.write(json.dumps([rule_to_dict(r) for r in rules], ensure_ascii=False, indent=2) + "\n")
        return
    if output_format == "markdown":
        console.file.write(rules_markdown())
        return
    table = Table(title=f"replylint 规则（{len(rules)} 条）")
    for column in ("代码", "标题", "名称", "级别", "适用", "检查方式"):
        table.add_column(column)
    for r in rules:
        table.add_row(r.rule.code, r.rule.title, r.rule.name, SEVERITY_LABELS[r.rule.severity],
                      APPLIES[r.rule.applies_to], r.rule.check.kind)
    console.print(table)


def rules_markdown() -> str:
    """docs/rules.md, generated: `replylint rules --format markdown > docs/rules.md`."""
    rules = load_rules()
    out = [
        "# replylint 规则目录 / Rule catalogue",
        "",
        "<!-- Generated from rules/*.toml by `replylint rules --format markdown > docs/rules.md`. Do not edit:",
        "     tests/test_docs.py fails when this file is stale. -->",
        "",
        f"{len(rules)} 条规则。级别：错误（error）、警告（warning）、提示（info；供参考，不计入问题，check 默认不显示）。"
        "代码和名称稳定，可用于配置中的 select / ignore（标题也可以）。",
        "",
        "| 代码 | 标题 | 名称 | 级别 | 适用 | 分组 |",
        "|---|---|---|---|---|---|",
    ]
    for r in rules:
        out.append(f"| {r.rule.code} | {r.rule.title} | [{r.rule.name}](#{r.rule.name}) | {SEVERITY_LABELS[r.rule.severity]} | "
                   f"{APPLIES[r.rule.applies_to]} | {r.group} |")
    for r in rules:
        out += ["", f"## {r.rule.name}", "", *rule_markdown_lines(r)]
    return "\n".join(out).rstrip("\n") + "\n"


def rule_markdown_lines(compiled: CompiledRule) -> list[str]:
    """One rule's section of docs/rules.md below its heading: code, level, description, source, message and
    the pass/fail examples (also the SARIF ``help.markdown`` of the rule)."""
    rule = compiled.rule
    out = [f"**{rule.code} {rule.title}** · {SEVERITY_LABELS[rule.severity]} · {APPLIES[rule.applies_to]}{_roles_note(compiled)} · "
           f"`{_check_summary(compiled)}`" + (" · 可自动修正（--fix）" if rule.fix and rule.fix.safe else " · 有修正建议（需人工确认，--unsafe-fixes）" if rule.fix else ""), "",
           rule.description.strip(), "", f"依据：{rule.source}", "", f"提示信息：{rule.message}", ""]
    for title, examples in (("正确示例", rule.examples.pass_), ("错误示例", rule.examples.fail)):
        out.append(f"{title}：")
        out.append("")
        for example in examples:
            for caption, lines in example_parts(example):
                if caption:
                    out.append(f"- {caption}")
                if lines:
                    out += ["", "```text", *lines, "```"] if caption else ["```text", *lines, "```"]
            if example.note:
                out.append(f"（{example.note}）")
            out.append("")
    return out


def rule_markdown(compiled: CompiledRule) -> str:
    return "\n".join(rule_markdown_lines(compiled)).rstrip("\n") + "\n"


def _explain_parts(compiled: CompiledRule) -> list[Text]:
    rule = compiled.rule
    parts = [
        Text.assemble((f"{rule.code} {rule.title}", "bold"), (f"（{rule.name}）", "dim"),
                      f"  {SEVERITY_LABELS[rule.severity]} · {APPLIES[rule.applies_to]}{_roles_note(compiled)}"),
        Text(""),
        Text(rule.description.strip()),
        Text(""),
        Text.assemble(("依据：", "bold"), rule.source),
        Text.assemble(("检查：", "bold"), _check_summary(compiled)),
        Text.assemble(("提示：", "bold"), rule.message),
    ]
    for title, style, examples in (("正确示例", "green", rule.examples.pass_), ("错误示例", "red", rule.examples.fail)):
        parts.append(Text(""))
        parts.append(Text(title + "：", style=f"bold {style}"))
        for i, example in enumerate(examples):
            if i:
                parts.append(Text(""))
            for caption, lines in example_parts(example):
                if caption:
                    parts.append(Text("  " + caption))
                for line in lines:
                    parts.append(Text.assemble(("    │ ", "dim"), line))
            if example.note:
                parts.append(Text(f"  （{example.note}）", style="dim"))
    return parts


def explain_plain(compiled: CompiledRule) -> str:
    """What ``replylint explain`` prints, without styles (the SARIF ``help.text`` of the rule)."""
    return "\n".join(part.plain for part in _explain_parts(compiled)) + "\n"


def explain_text(name_or_code: str):
    compiled = load_rules().find(name_or_code)
    if compiled is None:
        return None
    return Group(*_explain_parts(compiled))


def find_rules(query: str) -> list[CompiledRule]:
    """The rules ``replylint explain QUERY`` means: the one whose code, name or title it is; else every rule
    whose code starts with it (RL1) or whose title, name or message mentions it (签发人, phone)."""
    rules = load_rules()
    key = query.strip()
    exact = rules.find(key)
    if exact is not None:
        return [exact]
    if not key:
        return []
    folded = key.casefold()
    if folded.startswith("rl"):
        by_code = [r for r in rules if r.rule.code.casefold().startswith(folded)]
        if by_code:
            return by_code
    return [r for r in rules
            if any(folded in text.casefold() for text in (r.rule.title, r.rule.name, r.rule.message))]


def close_rules(query: str, limit: int = 3) -> list[CompiledRule]:
    """Rules whose code, name or title is spelt like ``query`` (a did-you-mean)."""
    rules = load_rules()
    keys: dict[str, CompiledRule] = {}
    for r in rules:
        for key in (r.rule.code, r.rule.name, r.rule.title):
            keys[key.casefold()] = r
    out: list[CompiledRule] = []
    for key in difflib.get_close_matches(query.strip().casefold(), list(keys), n=limit * 3, cutoff=0.75):
        if keys[key] not in out:
            out.append(keys[key])
    return out[:limit]


def rule_label(compiled: CompiledRule) -> str:
    """``RL109 缺少签发人（signer-missing）``"""
    return f"{compiled.rule.code} {compiled.rule.title}（{compiled.rule.name}）"


def choices_text(query: str, found: list[CompiledRule]):
    """What ``explain`` prints when a keyword matches several rules: a short list to choose from."""
    table = Table(title=f"“{query}”对应 {len(found)} 条规则", title_justify="left", show_edge=False, box=None)
    for column in ("代码", "标题", "名称", "级别"):
        table.add_column(column)
    for r in found:
        table.add_row(r.rule.code, r.rule.title, r.rule.name, SEVERITY_LABELS[r.rule.severity])
    hint = Text(f"用 replylint explain {found[0].rule.code}（代码、名称或标题）查看其中一条的说明和示例", style="dim")
    return Group(table, Text(""), hint)

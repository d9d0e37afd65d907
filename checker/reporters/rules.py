"""The rule catalogue for people: ``replylint rules`` (table, json, markdown = docs/rules.md) and
``replylint explain``. Everything comes from the rule files; nothing here restates a rule."""

from __future__ import annotations

import json

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


def _example_lines(example) -> list[str]:
    if example.text is not None:
        return [example.text]
    if not example.replace:
        return [f"（{BASE_NAMES[example.base]}，原样）"]
    edits = []
    for old, new in example.replace.items():
        old_shown = old.replace("\n", "⏎")
        new_shown = new.replace("\n", "⏎")
        edits.append(f"{BASE_NAMES[example.base]}中，把“{old_shown}”改为“{new_shown}”" if new else
                     f"{BASE_NAMES[example.base]}中，删去“{old_shown}”")
    return edits


def rule_to_dict(compiled: CompiledRule) -> dict:
    rule = compiled.rule
    return {
        "code": rule.code, "name": rule.name, "severity": rule.severity, "applies_to": rule.applies_to,
        "roles": list(rule.roles),
        "group": compiled.group, "kind": rule.check.kind, "message": rule.message,
        "description": rule.description.strip(), "source": rule.source, "check": _check_summary(compiled),
        "fixable": rule.fix is not None,
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
    for column in ("代码", "名称", "级别", "适用", "检查方式"):
        table.add_column(column)
    for r in rules:
        table.add_row(r.rule.code, r.rule.name, SEVERITY_LABELS[r.rule.severity], APPLIES[r.rule.applies_to], r.rule.check.kind)
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
        f"{len(rules)} 条规则。级别：错误（error）、警告（warning）、提示（info）。代码和名称稳定，可用于配置中的 select / ignore。",
        "",
        "| 代码 | 名称 | 级别 | 适用 | 分组 |",
        "|---|---|---|---|---|",
    ]
    for r in rules:
        out.append(f"| {r.rule.code} | [{r.rule.name}](#{r.rule.name}) | {SEVERITY_LABELS[r.rule.severity]} | "
                   f"{APPLIES[r.rule.applies_to]} | {r.group} |")
    for r in rules:
        out += ["", f"## {r.rule.name}", "", *rule_markdown_lines(r)]
    return "\n".join(out).rstrip("\n") + "\n"


def rule_markdown_lines(compiled: CompiledRule) -> list[str]:
    """One rule's section of docs/rules.md below its heading: code, level, description, source, message and
    the pass/fail examples (also the SARIF ``help.markdown`` of the rule)."""
    rule = compiled.rule
    out = [f"**{rule.code}** · {SEVERITY_LABELS[rule.severity]} · {APPLIES[rule.applies_to]}{_roles_note(compiled)} · "
           f"`{_check_summary(compiled)}`" + (" · 可自动修正" if rule.fix else ""), "",
           rule.description.strip(), "", f"依据：{rule.source}", "", f"提示信息：{rule.message}", ""]
    for title, examples in (("正确示例", rule.examples.pass_), ("错误示例", rule.examples.fail)):
        out.append(f"{title}：")
        out.append("")
        for example in examples:
            for line in _example_lines(example):
                if example.text is not None:
                    out += ["```text", line.rstrip("\n"), "```"]
                else:
                    out.append(f"- {line}")
            if example.note:
                out.append(f"  （{example.note}）")
        out.append("")
    return out


def rule_markdown(compiled: CompiledRule) -> str:
    return "\n".join(rule_markdown_lines(compiled)).rstrip("\n") + "\n"


def _explain_parts(compiled: CompiledRule) -> list[Text]:
    rule = compiled.rule
    parts = [
        Text.assemble((f"{rule.code} {rule.name}", "bold"),
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
        for example in examples:
            for line in _example_lines(example):
                parts.append(Text("  " + line.replace("\n", "\n  ")))
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

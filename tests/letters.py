"""Letters the focused rule tests edit: compliant as they stand (test_fields_variants checks it)."""

# A compliant reply to a 人大 suggestion: no finding at all (test_the_base_letter_is_compliant).
NPC = """办理结果：B
公开属性：主动公开

澜州市交通运输局

澜交复〔2024〕12号    签发人：周立新

关于市十五届人大三次会议第108号建议的答复

马海燕代表：

您提出的《关于加强农村公路养护的建议》（第108号）收悉。经认真研究，现答复如下：

一、基本情况

全市农村公路总里程3200公里，今年已完成养护工程120公里。

二、下一步工作

下一步，我局将把农村公路养护列入年度计划，逐步推进。

感谢您对交通运输工作的关心和支持！

澜州市交通运输局

2024年6月12日

（联系人：李文涛，联系电话：0871-6812345）

抄送：市人大常委会代表工委，市政府督查室。

澜州市交通运输局    2024年6月12日印发
"""


def check(text: str):
    """The letter checked with isolated settings (no config file, the built-in profile, every rule)."""
    from checker.config import Configurator, Overrides
    from checker.pipeline import check_text

    return check_text(text, "letter.txt", Configurator(Overrides(isolated=True)))


def letter_with(replacements: dict[str, str], base: str = NPC) -> str:
    """``base`` with each replacement made once; each text replaced must be in it."""
    text = base
    for old, new in replacements.items():
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


def line_of(text: str, fragment: str, occurrence: int = 1) -> int:
    """The 1-based line of the letter holding ``fragment`` (its ``occurrence``-th line holding it)."""
    found = [i for i, line in enumerate(text.splitlines(), 1) if fragment in line]
    return found[occurrence - 1]


def findings(result) -> set[tuple[str, int]]:
    return {(d.rule, d.span.line) for d in result.diagnostics}

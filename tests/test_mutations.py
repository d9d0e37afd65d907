"""Issue #3, "done when": removing or damaging any one required element of a compliant letter makes the
rule named for it fire. Each case edits one of the shipped compliant examples (examples/*-compliant.txt)
and names the rule that must report it; the unedited letters report no error or warning
(tests/test_rules.py), so each finding here is caused by its edit."""

from __future__ import annotations

from pathlib import Path

import pytest

from checker.api import check_text
from checker.config import Configurator, Overrides

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
LETTERS = {name: (EXAMPLES / f"{name}-compliant.txt").read_text(encoding="utf-8") for name in ("npc", "cppcc")}

# (letter, text to replace, replacement, rule that must fire)
CASES = [
    ("npc", "    签发人：林志远", "", "signer-missing"),
    ("npc", "签发人：林志远", "签发：林志远", "signer-label"),
    ("npc", "办理结果：A\n", "", "grade-missing"),
    ("npc", "办理结果：A", "办理结果：E", "grade-invalid-value"),
    ("npc", "公开属性：主动公开\n", "", "disclosure-missing"),
    ("npc", "公开属性：主动公开", "公开属性：内部传阅", "disclosure-invalid-value"),
    ("npc", "青建复〔2025〕12号    签发人：林志远", "签发人：林志远", "doc-number-missing"),
    ("npc", "青建复〔2025〕12号", "青建复[2025]12号", "doc-number-brackets"),
    ("npc", "青建复〔2025〕12号", "青建复〔25〕12号", "doc-number-format"),
    ("npc", "青建复〔2025〕12号", "青建复〔2024〕12号", "year-docnum-vs-date"),
    ("npc", "关于市九届人大四次会议第15号建议的答复\n", "", "title-missing"),
    ("npc", "关于市九届人大四次会议第15号建议的答复", "关于停车管理的情况说明", "title-template"),
    ("npc", "尊敬的周文华代表：\n", "", "salutation-missing"),
    ("npc", "尊敬的周文华代表：", "尊敬的周文华委员：", "salutation-role-mismatch"),
    ("cppcc", "尊敬的许明轩委员：", "尊敬的许明轩代表：", "salutation-role-mismatch"),
    ("npc", "（第15号）", "（第16号）", "proposal-number-consistency"),
    ("npc", "您提出的《关于加强老旧小区停车管理的建议》（第15号）收悉。经认真研究，现答复如下：\n", "",
     "opening-missing"),
    ("npc", "感谢您对我市住房和城乡建设工作的关心和支持！\n", "", "closing-thanks-missing"),
    ("npc", "二、办理成效", "三、办理成效", "heading-sequence-gap"),
    ("npc", "（一）增加停车泊位供给", "（一)增加停车泊位供给", "heading-marker-punct"),
    ("npc", "（青政办〔2024〕7号）", "（青政办[2024]7号）", "cited-doc-number-brackets"),
    ("npc", "青川市住房和城乡建设局\n\n2025年6月10日", "2025年6月10日", "issuer-signature-missing"),
    ("npc", "\n2025年6月10日\n\n（联系人", "\n\n（联系人", "date-missing"),
    ("npc", "\n2025年6月10日\n\n（联系人", "\n2025.6.10\n\n（联系人", "date-format"),
    ("npc", "\n2025年6月10日\n\n（联系人", "\n2025年6月31日\n\n（联系人", "date-invalid"),
    ("npc", "（联系人：陈晓梅，联系电话：0835-5550123）", "（联系电话：0835-5550123）", "contact-person-missing"),
    ("npc", "（联系人：陈晓梅，联系电话：0835-5550123）", "（联系人：陈晓梅）", "contact-phone-missing"),
    ("npc", "0835-5550123", "0835-555012", "contact-phone-format"),
    ("npc", "抄送：市人大常委会选工委，市政府督查室。\n", "", "cc-missing"),
    ("npc", "抄送：市人大常委会选工委", "抄送市人大常委会选工委", "cc-colon"),
    ("npc", "市人大常委会选工委，市政府督查室", "市人大常委会选工委、市政府督查室", "cc-separator"),
    ("npc", "市政府督查室。", "市政府督查室", "cc-terminal-period"),
    ("npc", "抄送：市人大常委会选工委，市政府督查室。", "抄送：市政府督查室。", "cc-required-npc"),
    ("cppcc", "抄送：市政协提案委，市政府督查室。", "抄送：市政府督查室。", "cc-required-cppcc"),
    ("npc", "抄送：市人大常委会选工委，市政府督查室。", "抄送：市人大常委会选工委。", "cc-required-gov-supervision"),
    ("npc", "抄送：市人大常委会选工委，", "抄送：市政协提案委，", "cc-wrong-body"),
    ("cppcc", "抄送：市政协提案委，", "抄送：市人大常委会选工委，", "cc-wrong-body"),
    ("npc", "2025年6月10日印发", "2025.6.10印发", "printed-date-format"),
    ("npc", "2025年6月10日印发", "2025年6月9日印发", "printed-before-written"),
]


def _fired(text: str) -> set[str]:
    result = check_text(text, "<mutated>", Configurator(Overrides(isolated=True)))
    return {d.rule for d in result.diagnostics}


@pytest.mark.parametrize("letter, old, new, rule", CASES, ids=[f"{c[3]}:{c[0]}" for c in CASES])
def test_damaging_one_element_fires_its_rule(letter, old, new, rule):
    original = LETTERS[letter]
    assert original.count(old) == 1, f"the edit must hit exactly one place: {old!r}"
    assert rule not in _fired(original)
    assert rule in _fired(original.replace(old, new))

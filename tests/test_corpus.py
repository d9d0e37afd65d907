"""The labelled corpus (tests/corpus/) and its scorer (benchmarks/accuracy.py).

The corpus tests validate every expectation file and hold the checker to the floors of issue 9 (elements,
kind ≥ 0.98, precision ≥ 0.97, recall ≥ 0.95); on failure they print every disagreement. The scorer tests
run it on tiny letters written here, each change of an expectation moving the score it should move."""

from __future__ import annotations

import json
import textwrap

import pytest

import accuracy
from accuracy import CorpusError, Expectation, aggregate, load_corpus, render_text, score_corpus, score_letter
from checker.model import Diagnostic, Element, FileResult, Kind, Letter, ListElement, Salutation, Severity, Span

SECTIONS_OF_THE_SPECIFICATION = [str(n) for n in range(1, 12)]  # real-world-variants.md §1–§11
SEED_LAYOUTS = ["S0", "S1", "S2", "S3", "S4"]


# ---- the corpus ---------------------------------------------------------------------------------------------

def test_every_expectation_file_of_the_corpus_is_valid():
    try:
        corpus = load_corpus()
    except CorpusError as exc:
        pytest.fail("bad expectation files in tests/corpus/:\n" + "\n".join(exc.problems), pytrace=False)
    assert corpus.unlabelled == [], "letters without an expectation file (NAME.toml):\n" + "\n".join(corpus.unlabelled)


def test_the_corpus_reproduces_every_section_and_the_seed_layouts():
    cases = load_corpus().cases
    count = {section: sum(section in c.expectation.sections for c in cases) for section in accuracy.SECTIONS}
    assert len(cases) >= 80, f"{len(cases)} labelled letters; issue 9 asks for at least 80"
    thin = {s: count[s] for s in SECTIONS_OF_THE_SPECIFICATION if count[s] < 2}
    assert not thin, f"sections of real-world-variants.md with fewer than two letters: {thin}"
    missing = [s for s in SEED_LAYOUTS if count[s] == 0]
    assert not missing, f"seed layouts with no letter: {missing}"


def test_the_checker_meets_the_floors_on_the_corpus():
    scores = score_corpus()
    if not scores.floors_met():  # the report itself, not pytest's rendering of the objects
        pytest.fail("\n" + render_text(scores, check_floors=True), pytrace=False)


# ---- hand-made results: the arithmetic of the scores --------------------------------------------------------

def span(line: int) -> Span:
    return Span(line=line, column=1, end_line=line, end_column=5)


def element(value, line: int, **extra):
    cls = ListElement if isinstance(value, list) else Element
    return cls.trusted(value=value, raw=str(value), span=span(line), **extra)


def finding(rule: str, line: int, message: str = "消息") -> Diagnostic:
    return Diagnostic(code="RL999", rule=rule, severity=Severity.WARNING, span=span(line), message=message)


def result(findings=(), kind=Kind.NPC, role="reply", error=None, **elements) -> FileResult:
    salutation = elements.pop("salutation", None)
    letter = Letter.trusted(kind=kind, role=role, salutation=salutation, **elements)
    return FileResult(path="x.txt", kind=kind, role=role, error=error, letter=None if error else letter,
                      diagnostics=list(findings))


def expect(**data) -> Expectation:
    data.setdefault("sections", ["1"])
    data.setdefault("kind", "npc-suggestion")
    return Expectation.model_validate(data)


DOC = {"value": "华交复〔2024〕7号", "line": 4}
DATE = {"value": "2024-06-12", "style": "arabic", "line": 18}


def two_elements() -> dict:
    return {"doc_number": element("华交复〔2024〕7号", 4), "date": element("2024-06-12", 18, style="arabic")}


def test_elements_agree_on_the_same_line_with_every_stated_key_equal():
    score = score_letter("x.txt", expect(fields={"doc_number": DOC, "date": DATE}), result(**two_elements()))
    assert (score.counts.elements_agree, score.counts.elements_total) == (2, 2)
    assert score.disagreements == []


def test_a_wrong_line_is_one_element_disagreement():
    score = score_letter("x.txt", expect(fields={"doc_number": {**DOC, "line": 5}, "date": DATE}),
                         result(**two_elements()))
    assert (score.counts.elements_agree, score.counts.elements_total) == (1, 2)
    (d,) = score.disagreements
    assert (d.what, d.name, d.expected, d.got) == ("element", "doc_number", "line 5", "line 4")


def test_a_wrong_value_is_one_element_disagreement_showing_both_values():
    score = score_letter("x.txt", expect(fields={"doc_number": DOC, "date": {**DATE, "style": "chinese-numerals"}}),
                         result(**two_elements()))
    assert (score.counts.elements_agree, score.counts.elements_total) == (1, 2)
    (d,) = score.disagreements
    assert d.name == "date" and d.expected == "line 18, style 'chinese-numerals'" and d.got == "line 18, style 'arabic'"


def test_a_key_left_out_of_the_expectation_is_not_compared():
    score = score_letter("x.txt", expect(fields={"doc_number": {"line": 4}, "date": {"line": 18}}),
                         result(**two_elements()))
    assert score.counts.elements_agree == score.counts.elements_total == 2


def test_list_values_salutation_keys_and_the_source_are_compared():
    salutation = Salutation.trusted(value="周立新、马海燕代表", raw="周立新、马海燕代表：", span=span(9), name="周立新、马海燕",
                                    role="代表", honorific=False, colon="：", trailing="", names=["周立新", "马海燕"],
                                    addressee="person")
    got = result(salutation=salutation, cc=element(["市人大常委会选工委", "市政府督查室"], 30),
                 doc_number=element("华交复〔2024〕7号", 2, source="metadata"))
    right = {"salutation": {"line": 9, "names": ["周立新", "马海燕"], "role": "代表", "addressee": "person"},
             "cc": {"line": 30, "value": ["市人大常委会选工委", "市政府督查室"]},
             "doc_number": {"line": 2, "value": "华交复〔2024〕7号", "source": "metadata"}}
    assert score_letter("x.txt", expect(fields=right), got).counts.elements_agree == 3
    for name, key, wrong in [("salutation", "names", ["周立新"]), ("salutation", "addressee", "organisation"),
                             ("cc", "value", ["市政府督查室", "市人大常委会选工委"]), ("doc_number", "source", "letter")]:
        fields = {**right, name: {**right[name], key: wrong}}
        score = score_letter("x.txt", expect(fields=fields), got)
        assert (score.counts.elements_agree, score.counts.elements_total) == (2, 3), (name, key)
        assert [(d.name, key in d.expected) for d in score.disagreements] == [(name, True)]


def test_a_missing_and_an_extra_element_are_disagreements_and_absent_on_both_sides_counts_nothing():
    score = score_letter("x.txt", expect(fields={"doc_number": DOC, "title": {"line": 6}}), result(**two_elements()))
    # doc_number agrees; the title is missing; the date is extra; the 15 elements neither has are not counted
    assert (score.counts.elements_agree, score.counts.elements_total) == (1, 3)
    assert sorted((d.name, d.expected, d.got) for d in score.disagreements) == [
        ("date", "absent", "line 18, value '2024-06-12', style 'arabic'"), ("title", "line 6", "absent")]


def test_kind_role_and_letter_are_scored_per_letter():
    good = score_letter("x.txt", expect(role="co-handling"), result(role="co-handling"))
    assert (good.counts.kind_correct, good.counts.role_correct, good.counts.letter_correct) == (1, 1, 1)
    bad = score_letter("x.txt", expect(kind="cppcc-proposal"), result(role="co-handling"))
    assert (bad.counts.kind_correct, bad.counts.role_correct, bad.counts.letter_correct) == (0, 0, 1)
    assert [(d.what, d.expected, d.got) for d in bad.disagreements] == [
        ("kind", "cppcc-proposal", "npc-suggestion"), ("role", "reply", "co-handling")]


def test_a_text_that_is_not_a_letter_is_scored_on_its_verdict_and_its_one_finding():
    expectation = expect(letter=False, kind="unknown", findings=[{"rule": "not-a-reply-letter", "line": 1}])
    right = score_letter("x.txt", expectation, result([finding("not-a-reply-letter", 1)], kind=Kind.UNKNOWN, role=None,
                                                      **two_elements()))
    # the elements the parser saw in a news item are not scored: a reviewer lists none
    assert right.counts.elements_total == 0 and right.disagreements == []
    assert (right.counts.kind_correct, right.counts.role_correct, right.counts.letter_correct) == (1, 1, 1)
    wrong = score_letter("x.txt", expectation, result([finding("date-missing", 3)], kind=Kind.UNKNOWN))
    assert (wrong.counts.role_correct, wrong.counts.letter_correct, wrong.counts.findings_matched) == (0, 0, 0)
    assert {d.what for d in wrong.disagreements} == {"role", "letter", "finding"}


FINDINGS = [{"rule": "doc-number-brackets", "line": 4}, {"rule": "printed-by-missing", "line": 22}]


def test_findings_match_on_rule_and_line():
    score = score_letter("x.txt", expect(findings=FINDINGS),
                         result([finding("doc-number-brackets", 4), finding("printed-by-missing", 22)]))
    counts = score.counts
    assert (counts.findings_matched, counts.findings_reported, counts.findings_expected) == (2, 2, 2)
    assert counts.precision == counts.recall == 1.0 and score.disagreements == []


def test_an_unexpected_finding_lowers_precision_and_not_recall_and_shows_its_message():
    score = score_letter("x.txt", expect(findings=FINDINGS),
                         result([finding("doc-number-brackets", 4), finding("printed-by-missing", 22),
                                 finding("title-template", 6, "标题不符合写法")]))
    assert score.counts.precision == pytest.approx(2 / 3) and score.counts.recall == 1.0
    assert score.counts.false_alarms_per_letter == 1.0
    (d,) = score.disagreements
    assert (d.name, d.line, d.expected, d.message) == ("title-template", 6, "not reported", "标题不符合写法")


def test_a_missed_finding_lowers_recall_and_not_precision():
    score = score_letter("x.txt", expect(findings=FINDINGS), result([finding("doc-number-brackets", 4)]))
    assert score.counts.precision == 1.0 and score.counts.recall == 0.5
    (d,) = score.disagreements
    assert (d.name, d.line, d.got) == ("printed-by-missing", 22, "not reported")


def test_a_finding_on_the_wrong_line_is_missed_and_unexpected_and_says_where_it_was():
    score = score_letter("x.txt", expect(findings=FINDINGS),
                         result([finding("doc-number-brackets", 5), finding("printed-by-missing", 22)]))
    assert score.counts.precision == 0.5 and score.counts.recall == 0.5
    missed, unexpected = score.disagreements
    assert (missed.line, missed.got) == (4, "not reported on this line (reported on line 5)")
    assert (unexpected.line, unexpected.expected) == (5, "not reported")


def test_a_finding_reported_twice_on_one_line_counts_twice():
    score = score_letter("x.txt", expect(findings=[{"rule": "ascii-punct-in-cjk", "line": 12}]),
                         result([finding("ascii-punct-in-cjk", 12), finding("ascii-punct-in-cjk", 12)]))
    assert (score.counts.findings_matched, score.counts.findings_reported) == (1, 2)
    assert len(score.disagreements) == 1


def test_a_file_that_could_not_be_checked_disagrees_on_everything():
    score = score_letter("x.txt", expect(fields={"doc_number": DOC}, findings=FINDINGS[:1]),
                         result(error="文件内容异常"))
    counts = score.counts
    assert (counts.elements_agree, counts.elements_total, counts.kind_correct, counts.findings_matched) == (0, 1, 0, 0)
    assert score.disagreements[0].what == "error" and "文件内容异常" in score.disagreements[0].got


def test_pending_defects_are_listed_and_not_scored():
    expectation = expect(pending=[{"defect": "unchecked-defect", "line": 15, "why": "你们"}])
    score = score_letter("x.txt", expectation, result())
    assert [(p.defect, p.line, p.why) for p in score.pending] == [("unchecked-defect", 15, "你们")]
    assert score.counts.findings_expected == 0 and score.disagreements == []


def test_a_letter_counts_for_each_of_its_sections_and_once_overall():
    one = score_letter("a.txt", expect(sections=["1", "3"], fields={"doc_number": DOC}), result(**two_elements()))
    two = score_letter("b.txt", expect(sections=["3"], kind="cppcc-proposal"), result())
    scores = aggregate([one, two])
    assert scores.overall.letters == 2 and list(scores.sections) == ["1", "3"]
    assert scores.sections["1"].letters == 1 and scores.sections["3"].letters == 2
    assert (scores.sections["1"].elements_agree, scores.sections["1"].elements_total) == (1, 2)
    assert scores.sections["1"].kind == 1.0 and scores.sections["3"].kind == 0.5 and scores.overall.kind == 0.5


def test_the_floors():
    perfect = score_letter("a.txt", expect(fields={"doc_number": DOC}), result(doc_number=two_elements()["doc_number"]))
    assert aggregate([perfect]).floors_met()
    assert not aggregate([]).floors_met()  # no letters scored: nothing is proved
    # 49 agreeing elements and one disagreeing: 0.98 meets the floor; 48 of 50 does not
    bad = score_letter("b.txt", expect(fields={"doc_number": {**DOC, "line": 9}}),
                       result(doc_number=two_elements()["doc_number"]))
    assert aggregate([perfect] * 49 + [bad]).floors()["elements"]["met"]
    assert not aggregate([perfect] * 48 + [bad] * 2).floors()["elements"]["met"]
    one_false_alarm = score_letter("c.txt", expect(), result([finding("date-missing", 3)]))
    assert not aggregate([perfect, one_false_alarm]).floors()["precision"]["met"]


# ---- expectation files --------------------------------------------------------------------------------------

LETTER = """\
公开属性：主动公开
办理结果：B

华交复[2024]7号    签发人：何立群

关于对市十四届人大二次会议第23号建议的答复

尊敬的梁雨晴代表：

您提出的《关于增设公交站台的建议》（第23号）收悉。经认真研究，现答复如下：

我局已在平溪路新增公交站台2处，并于今年5月投入使用。

感谢您对我市交通运输工作的关心和支持！

华川市交通运输局

2024年6月12日

（联系人：罗晓东，联系电话：0871-6234567）
──────────────────────────────
抄送：市人大常委会选工委，市政府督查室。
"""

# what a reviewer reads in LETTER; the salutation's names are left out: reading them is the parser's part of
# issue 9 and the corpus's to score, and these tests are about the scorer
EXPECTATION = """\
sections = ["3"]
style = "华川 市级 版记有分隔线、没有印发一行"
kind = "npc-suggestion"
role = "reply"

[fields.disclosure]
value = "主动公开"
line = 1

[fields.grade]
value = "B"
line = 2

[fields.doc_number]
value = "华交复[2024]7号"
line = 4

[fields.signer]
value = "何立群"
line = 4

[fields.title]
value = "关于对市十四届人大二次会议第23号建议的答复"
line = 6

[fields.proposal_number]
value = "23"
line = 6

[fields.session]
term = 14
meeting = 2
body = "人大"
line = 6

[fields.salutation]
role = "代表"
addressee = "person"
line = 8

[fields.signature_organ]
value = "华川市交通运输局"
line = 16

[fields.date]
value = "2024-06-12"
style = "arabic"
line = 18

[fields.contact_person]
value = "罗晓东"
line = 20

[fields.contact_phone]
value = ["0871-6234567"]
line = 20

[fields.cc]
value = ["市人大常委会选工委", "市政府督查室"]
line = 22

[[findings]]
rule = "doc-number-brackets"
line = 4
why = "[2024]"

[[findings]]
rule = "printed-by-missing"
line = 22
"""


def write_corpus(root, letters: dict[str, tuple[str, str]]):
    for name, (text, expectation) in letters.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.with_suffix(".txt").write_text(text, encoding="utf-8")
        if expectation is not None:
            path.with_suffix(".toml").write_text(expectation, encoding="utf-8")
    return root


def problems(tmp_path, expectation: str, text: str = LETTER) -> list[str]:
    write_corpus(tmp_path, {"fields/s03-90-test": (text, expectation)})
    with pytest.raises(CorpusError) as raised:
        load_corpus(tmp_path)
    return raised.value.problems


def test_the_expectation_written_here_is_valid(tmp_path):
    corpus = load_corpus(write_corpus(tmp_path, {"a": (LETTER, EXPECTATION)}))
    (case,) = corpus.cases
    assert case.name == "a.txt" and case.expectation.fields.session.term == 14 and len(case.lines) == 22


@pytest.mark.parametrize("change, message", [
    (("sections = [\"3\"]", "sections = [\"3\"]\ncolour = \"red\""), "fields/s03-90-test.toml: unknown key 'colour'"),
    (("[fields.grade]", "[fields.grades]"), "fields/s03-90-test.toml: unknown element 'grades'"),
    (("value = \"B\"", "valeu = \"B\""), "fields/s03-90-test.toml: unknown key 'fields.grade.valeu' (keys of grade: line, source, value)"),
    (("value = \"B\"\nline = 2", "value = \"B\""), "fields/s03-90-test.toml: missing key 'fields.grade.line'"),
    (("value = \"B\"", "value = \"B类\""), "fields/s03-90-test.toml: key 'fields.grade.value'"),
    (("line = 2", "line = \"2\""), "fields/s03-90-test.toml: key 'fields.grade.line'"),
    (("style = \"arabic\"", "style = \"roman\""), "fields/s03-90-test.toml: key 'fields.date.style'"),
    (("value = \"2024-06-12\"", "value = \"2024年6月12日\""), "fields/s03-90-test.toml: key 'fields.date.value'"),
    (("rule = \"printed-by-missing\"", "rule = \"printed-missing\""),
     "fields/s03-90-test.toml: key 'findings[1].rule': 'printed-missing' is not a rule of the catalogue"),
    (("line = 22\n", "line = 23\n"), "fields/s03-90-test.toml: key 'fields.cc.line': line 23 is past the end of the letter (22 lines)"),
    (("value = \"B\"\nline = 2", "value = \"B\"\nline = 3"), "fields/s03-90-test.toml: key 'fields.grade.line': line 3 is blank"),
    (("kind = \"npc-suggestion\"\n", ""), "fields/s03-90-test.toml: missing key 'kind'"),
    (("sections = [\"3\"]", "sections = [\"13\"]"), "fields/s03-90-test.toml: key 'sections[0]'"),
    (("sections = [\"3\"]", "sections = []"), "fields/s03-90-test.toml: key 'sections'"),
    (("[fields.disclosure]", "[fields.disclosure\n"), "fields/s03-90-test.toml: not valid TOML"),
], ids=["unknown-key", "unknown-element", "unknown-element-key", "missing-line", "grade-not-a-class",
        "line-not-an-integer", "unknown-date-style", "date-not-iso", "unknown-rule", "line-past-the-end",
        "element-on-a-blank-line", "missing-kind", "unknown-section", "no-section", "not-toml"])
def test_a_bad_expectation_file_is_an_error_naming_the_file_and_the_key(tmp_path, change, message):
    old, new = change
    assert old in EXPECTATION
    found = problems(tmp_path, EXPECTATION.replace(old, new, 1))
    assert any(p.startswith(message) for p in found), found


def test_a_text_that_is_not_a_letter_has_one_finding_and_no_elements(tmp_path):
    news = "澜州市交通运输局召开建议办理推进会\n\n会议强调要提高办理质量。\n"
    found = problems(tmp_path, 'sections = ["11"]\nletter = false\nrole = "reply"\n[fields.title]\nline = 1\n'
                               '[[findings]]\nrule = "date-missing"\nline = 3\n', news)
    assert any("key 'findings'" in p and "not-a-reply-letter" in p for p in found), found
    assert any("key 'role'" in p for p in found) and any("key 'fields'" in p and "title" in p for p in found), found
    good = 'sections = ["11"]\nletter = false\n[[findings]]\nrule = "not-a-reply-letter"\nline = 1\n'
    (case,) = load_corpus(write_corpus(tmp_path / "ok", {"n": (news, good)})).cases
    assert case.expectation.expected_role is None and case.expectation.expected_kind == "unknown"


def test_a_pending_defect_is_not_a_rule_of_the_catalogue(tmp_path):
    found = problems(tmp_path, EXPECTATION + '[[pending]]\ndefect = "date-format"\nline = 18\n')
    assert any("key 'pending[0].defect'" in p for p in found), found


def test_every_bad_file_is_listed_at_once_and_a_lone_expectation_is_one(tmp_path):
    write_corpus(tmp_path, {"a": (LETTER, EXPECTATION.replace("[fields.grade]", "[fields.grades]")),
                            "b": (LETTER, EXPECTATION.replace("line = 22\n", "line = 99\n")),
                            "c": (LETTER, None)})
    (tmp_path / "d.toml").write_text(EXPECTATION, encoding="utf-8")
    with pytest.raises(CorpusError) as raised:
        load_corpus(tmp_path)
    assert sorted({p.split(":")[0] for p in raised.value.problems}) == ["a.toml", "b.toml", "d.toml"]


# ---- the scorer on a real check -----------------------------------------------------------------------------

def scored(tmp_path, expectation: str = EXPECTATION, text: str = LETTER, folder: str = "changed"):
    return score_corpus(write_corpus(tmp_path / folder, {"fields/s03-90-test": (text, expectation)}))


def baseline(tmp_path):
    """The scores of LETTER and EXPECTATION, which each test below changes in one place."""
    scores = scored(tmp_path, folder="base")
    names = {d.name for d in scores.disagreements}
    # the tests below change these; they must agree before
    assert not names & {"doc_number", "date", "doc-number-brackets", "printed-by-missing"}, render_text(scores)
    return scores.overall


def test_a_wrong_line_lowers_element_agreement(tmp_path):
    before = baseline(tmp_path)
    after = scored(tmp_path, EXPECTATION.replace('value = "2024-06-12"\nstyle = "arabic"\nline = 18',
                                                 'value = "2024-06-12"\nstyle = "arabic"\nline = 20')).overall
    assert after.elements_total == before.elements_total and after.elements_agree == before.elements_agree - 1
    assert (after.precision, after.recall) == (before.precision, before.recall)


def test_a_wrong_value_lowers_element_agreement(tmp_path):
    before = baseline(tmp_path)
    scores = scored(tmp_path, EXPECTATION.replace('value = "华交复[2024]7号"', 'value = "华交复〔2024〕7号"'))
    assert scores.overall.elements_agree == before.elements_agree - 1
    d = next(d for d in scores.disagreements if d.name == "doc_number")
    assert "华交复〔2024〕7号" in d.expected and "华交复[2024]7号" in d.got


def test_an_extra_finding_lowers_precision(tmp_path):
    before = baseline(tmp_path)
    # the letter gets a second defect the expectation does not list: one more finding, not expected
    after = scored(tmp_path, text=LETTER.replace("2024年6月12日", "2024年06月12日")).overall
    assert after.findings_reported == before.findings_reported + 1 and after.findings_matched == before.findings_matched
    assert after.precision < before.precision and after.recall == before.recall


def test_a_missed_finding_lowers_recall(tmp_path):
    before = baseline(tmp_path)
    after = scored(tmp_path, EXPECTATION + '[[findings]]\nrule = "title-template"\nline = 6\n').overall
    assert after.findings_expected == before.findings_expected + 1 and after.findings_matched == before.findings_matched
    assert after.recall < before.recall and after.precision == before.precision


def test_the_letters_are_checked_with_isolated_settings(tmp_path):
    before = baseline(tmp_path)
    settings = tmp_path / "changed" / "fields" / "replylint.toml"
    settings.parent.mkdir(parents=True)
    settings.write_text('ignore = ["doc-number-brackets"]\n', encoding="utf-8")
    after = scored(tmp_path).overall
    assert (after.findings_matched, after.findings_reported) == (before.findings_matched, before.findings_reported)


def test_the_command_line(tmp_path, capsys):
    root = write_corpus(tmp_path, {"fields/s03-90-test": (LETTER, EXPECTATION),
                                   "titles/s08-90-test": (LETTER, EXPECTATION.replace('["3"]', '["8"]')
                                                          + '[[findings]]\nrule = "title-template"\nline = 6\n'
                                                          + '[[pending]]\ndefect = "unchecked-defect"\nline = 10\n')})
    assert accuracy.main(["--corpus", str(root), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["overall"]["letters"] == 2 and sorted(report["sections"]) == ["3", "8"]
    missed = [d for d in report["disagreements"] if d["name"] == "title-template"]
    assert [(d["file"], d["line"], d["what"]) for d in missed] == [("titles/s08-90-test.txt", 6, "finding")]
    assert report["pending"] == [{"file": "titles/s08-90-test.txt", "sections": ["8"], "defect": "unchecked-defect",
                                  "line": 10, "why": ""}]
    assert report["floors"]["recall"]["met"] is False

    assert accuracy.main(["--corpus", str(root), "--floors"]) == 1  # recall below 0.95
    text = capsys.readouterr().out
    assert "recall" in text and "NOT MET" in text and "titles/s08-90-test.txt  [§8]" in text
    assert "finding title-template line 6: expected reported; got not reported" in text
    assert "Pending, not scored (1):" in text and "unchecked-defect" in text

    assert accuracy.main(["--corpus", str(root), "--section", "3", "--json"]) == 0
    only = json.loads(capsys.readouterr().out)
    assert only["overall"]["letters"] == 1 and list(only["sections"]) == ["3"]

    (root / "fields" / "s03-90-test.toml").write_text(EXPECTATION.replace("[fields.grade]", "[fields.grades]"),
                                                      encoding="utf-8")
    assert accuracy.main(["--corpus", str(root)]) == 2
    assert "fields/s03-90-test.toml: unknown element 'grades'" in capsys.readouterr().err


def test_the_report_on_a_terminal_is_a_table():
    from io import StringIO

    from rich.console import Console

    scores = aggregate([score_letter("a.txt", expect(fields={"doc_number": DOC}), result(**two_elements()))],
                       corpus="c")
    out = StringIO()
    accuracy.print_report(scores, console=Console(file=out, force_terminal=True, color_system=None, width=160))
    shown = out.getvalue()
    assert any(l.startswith("┃") and "letters" in l and "elements" in l for l in shown.splitlines()), shown
    assert any(l.startswith("│ overall") and "0.500 (1/2)" in l for l in shown.splitlines()), shown
    assert "0.500 (1/2)" in shown and "element date line 18: expected absent" in shown
    assert render_text(scores).startswith("Accuracy on 1 labelled letters of c")


def test_a_long_message_is_shortened_to_one_line_in_the_text_report():
    long = "标题“" + "表" * 300 + "\n| 甲 | 乙 |”不符合写法"
    scores = aggregate([score_letter("a.txt", expect(), result([finding("title-template", 1, long)]))])
    (line,) = [l for l in render_text(scores).splitlines() if "title-template" in l]
    assert len(line) < 250 and line.endswith("…”")
    assert textwrap.dedent(line).startswith("finding title-template line 1")


def test_the_scorer_run_without_the_dependencies_says_so_in_one_line():
    """`python benchmarks/accuracy.py` from a Python without replylint installed: a clear message, exit 2."""
    import subprocess
    import sys

    script = accuracy.__file__
    done = subprocess.run([sys.executable, "-S", str(script)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "lacks replylint's dependencies" in done.stderr and "Traceback" not in done.stderr

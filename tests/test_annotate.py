"""``checker.annotate_docx``: a copy of a Word letter with one 批注 per finding and the safe fixes as 修订
(``mode="track-changes"``) or applied (``mode="apply-fixes"``); the original never touched.

Written from the plan of issue 11 (the API, the comment text, the package rules) before the implementation,
and checked with readers of its own (tests/docx_fixtures.py) rather than with the implementation's.
"""

from __future__ import annotations

import difflib
import io
import os
from collections import defaultdict
from datetime import datetime, timezone
from pathlib import Path

import pytest

import checker
from checker.annotate import AnnotateError, AnnotateResult, annotate_docx, default_output
from checker.config import Configurator, Overrides
from checker.engine import load_rules
from checker.model import Severity
from checker.pipeline import check_file, default_configurator
from checker.sources.docx import read_docx
from docx_fixtures import put, sha
from docx_fixtures import (
    COMMENTS_REL, COMMENTS_TYPE, OTHER_AUTHOR, SAFE_CODES, W, accept_all, annotate_letters, build_docx,
    chars_with_rpr, comments_of, content_types, document_xml, dress_docx, headless_letter, office_docx, parts,
    reject_all, relationships, replaced, resolve, revisions, safe_defect_letter, word_lock_file,
)
from formats_fixtures import encrypted_docx, truncated

pytest.importorskip("docx")

AUTHOR = "replylint"
DATE = datetime(2025, 6, 20, 9, 30, tzinfo=timezone.utc)
MODES = ("comments", "track-changes", "apply-fixes")
LETTERS = annotate_letters()
LAYOUTS = {"plain": {}, "header_table": {"header_table": True}, "soft_break": {"soft_break": True},
           "text_box": {"text_box": True}, "auto_numbering": {"auto_numbering": True}}
LABELS = {Severity.ERROR: "【错误】", Severity.WARNING: "【警告】", Severity.INFO: "【提示】"}
# the members annotate may rewrite or add; every other member of the input must come out byte for byte
MAY_CHANGE = {"word/document.xml", "word/comments.xml", "[Content_Types].xml", "word/_rels/document.xml.rels"}
MAY_ADD = {"word/comments.xml", "word/commentsExtended.xml", "word/commentsIds.xml", "word/commentsExtensible.xml",
           "word/people.xml", "word/_rels/comments.xml.rels"}


# ---- helpers -------------------------------------------------------------------------------------------------


def run_annotate(path: Path, out=None, **options) -> AnnotateResult:
    """annotate_docx with a fixed date, asserting that the input's bytes are the same afterwards."""
    before = sha(path)
    try:
        return annotate_docx(path, out, date=DATE, **options)
    finally:
        assert sha(path) == before, "the input was changed"


def lines_of(data: bytes) -> list[str]:
    return read_docx(data, "letter.docx").lines


def nonblank(lines: list[str]) -> list[str]:
    """A .docx has no blank lines (an empty paragraph is no line), so a fix that empties a line (RL312)
    leaves a blank line in fix_text's text and none in the document's."""
    return [line for line in lines if line.strip()]


def fixed_lines(lines: list[str]) -> list[str]:
    return checker.fix_text("\n".join(lines))[0].split("\n")


def isolated() -> Configurator:
    return Configurator(Overrides(isolated=True))


def shown(path: Path, configurator: Configurator | None = None):
    """The findings ``check`` shows for the file (提示 only when the settings show them), and the result."""
    configurator = configurator or default_configurator()
    result = check_file(path, configurator)
    assert result.error is None, result.error
    shows_info = configurator.for_path(str(path)).shows_info
    return [d for d in result.diagnostics if d.severity is not Severity.INFO or shows_info], result


def ours(data: bytes) -> list[tuple[str, str, str]]:
    return [c for c in comments_of(data) if c[0] == AUTHOR]


def rule_of(code: str):
    return next((r for r in load_rules() if r.rule.code == code), None)


def missing_element(d) -> bool:
    """A finding about an element that is not there (a ``required`` rule): its span is a place, not a text."""
    compiled = load_rules().by_name.get(d.rule)
    return compiled is not None and compiled.rule.check.kind == "required"


def match_comments(findings, comments):
    """Pair each finding with a replylint comment naming its code and carrying its message (one each)."""
    pool = list(comments)
    pairs = []
    for d in findings:
        found = next((c for c in pool if d.code in c[1] and d.message in c[1]), None)
        assert found is not None, f"no comment for {d.code} {d.message}"
        pool.remove(found)
        pairs.append((d, found))
    return pairs


def apply_applied(lines: list[str], applied) -> list[str]:
    """The lines with the fixes annotate says it made (one round, columns 1-based, end exclusive)."""
    out = list(lines)
    by_line = defaultdict(list)
    for a in applied:
        by_line[a.line].append(a)
    for number, fixes in by_line.items():
        text = out[number - 1]
        for a in sorted(fixes, key=lambda a: a.column, reverse=True):
            start = a.column - 1
            assert text[start:start + len(a.original)] == a.original, (a, text)
            text = text[:start] + a.replacement + text[start + len(a.original):]
        out[number - 1] = text
    return out


def assert_valid_package(out: bytes, original: bytes) -> None:
    """The output is a sound Word package: python-docx and our reader open it; the comments part has its
    content type and one relationship; every comment is anchored, referenced and defined once; revision ids
    are unique; every member annotate has no business changing is byte-identical to the input's."""
    import docx
    from lxml import etree

    docx.Document(io.BytesIO(out))
    assert lines_of(out)
    members, before = parts(out), parts(original)
    for name, content in members.items():
        if name.endswith((".xml", ".rels")):
            etree.fromstring(content)  # well-formed
    assert set(before) <= set(members), f"members dropped: {set(before) - set(members)}"
    assert set(members) - set(before) <= MAY_ADD, set(members) - set(before)
    for name, content in before.items():
        if name not in MAY_CHANGE:
            assert members[name] == content, f"{name} changed"
    root = document_xml(out)
    starts = [e.get(f"{W}id") for e in root.iter(f"{W}commentRangeStart")]
    ends = [e.get(f"{W}id") for e in root.iter(f"{W}commentRangeEnd")]
    refs = [e.get(f"{W}id") for e in root.iter(f"{W}commentReference")]
    assert len(starts) == len(set(starts)) and sorted(starts) == sorted(ends) == sorted(refs)
    if "word/comments.xml" in members or starts:
        assert content_types(out).get("/word/comments.xml") == COMMENTS_TYPE
        rels = [r for r in relationships(out) if r.get("Type") == COMMENTS_REL]
        assert len(rels) == 1, rels
        assert resolve("word", rels[0]["Target"]) in members
        comments = etree.fromstring(members["word/comments.xml"])
        ids = [c.get(f"{W}id") for c in comments.iter(f"{W}comment")]
        assert len(ids) == len(set(ids)), "comment ids repeat"
        assert set(ids) == set(starts), "a comment without its range, or a range without its comment"
        for c in comments.iter(f"{W}comment"):
            if c.get(f"{W}author") == AUTHOR:
                assert c.get(f"{W}initials") == "RL"
    # every range starts before it ends, in document order
    order = {}
    for i, e in enumerate(root.iter(f"{W}commentRangeStart", f"{W}commentRangeEnd")):
        order.setdefault(e.get(f"{W}id"), []).append((i, e.tag.endswith("Start")))
    for cid, marks in order.items():
        assert [s for _, s in marks] == [True, False], cid
    from docx_fixtures import property_order_errors

    if not property_order_errors(original):
        assert property_order_errors(out) == [], "run or paragraph properties out of the schema's order"
    bookmarks = sorted(e.get(f"{W}id") for e in root.iter(f"{W}bookmarkStart"))
    assert bookmarks == sorted(e.get(f"{W}id") for e in root.iter(f"{W}bookmarkEnd")), "a bookmark lost its start or end"
    revision_tags = [f"{W}{t}" for t in ("ins", "del", "moveFrom", "moveTo", "rPrChange", "pPrChange")]
    rev_ids = [e.get(f"{W}id") for e in root.iter(*revision_tags)]
    assert len(rev_ids) == len(set(rev_ids)), "revision ids repeat"
    for e in root.iter(f"{W}del"):
        assert not list(e.iter(f"{W}t")), "a deletion holding w:t (its text would still show)"
    for e in root.iter(f"{W}ins"):
        assert not list(e.iter(f"{W}delText")), "an insertion holding w:delText"


def _covered(text: str, pieces) -> set[int]:
    """The indices of ``text`` inside an occurrence of any of the (non-empty) ``pieces``."""
    out: set[int] = set()
    for piece in filter(None, pieces):
        at = text.find(piece)
        while at >= 0:
            out.update(range(at, at + len(piece)))
            at = text.find(piece, at + 1)
    return out


def assert_formatting_kept(before: bytes, after: bytes, applied=None) -> None:
    """Each character that is still there keeps the w:rPr of the run it came from, outside the fixed
    stretches (given by ``applied``: the text each fix replaced and its replacement; None = no exemption);
    a fixed stretch takes formatting the paragraph already had, never formatting made up."""
    old, new = chars_with_rpr(before), chars_with_rpr(after)
    assert len(old) == len(new), "paragraphs added or removed"
    originals = [a.original for a in applied or ()]
    replacements = [a.replacement for a in applied or ()]
    for number, (a, b) in enumerate(zip(old, new), 1):
        if a == b:
            continue
        old_text, new_text = "".join(c for c, _ in a), "".join(c for c, _ in b)
        fixed_old, fixed_new = _covered(old_text, originals), _covered(new_text, replacements)
        matcher = difflib.SequenceMatcher(a=list(old_text), b=list(new_text), autojunk=False)
        for op, i1, i2, j1, j2 in matcher.get_opcodes():
            if op == "equal":
                for k in range(i2 - i1):
                    if i1 + k in fixed_old or j1 + k in fixed_new:
                        continue
                    assert a[i1 + k][1] == b[j1 + k][1], \
                        f"paragraph {number}: the formatting of “{old_text[i1 + k]}” in “{old_text}” changed"
            elif op in ("replace", "insert"):
                assert {r for _, r in b[j1:j2]} <= {r for _, r in a}, \
                    f"paragraph {number}: “{new_text[j1:j2]}” has formatting the paragraph did not have"


@pytest.fixture
def office(tmp_path):
    """The NPC example with every safe defect, as an office's Word file."""
    return put(tmp_path, "letter.docx", office_docx(safe_defect_letter()))


def test_the_fixture_letters_have_the_safe_defects_they_claim():
    assert {a.code for a in checker.fix_text(safe_defect_letter())[1]} == SAFE_CODES
    assert {a.code for a in checker.fix_text(safe_defect_letter(info=True))[1]} == SAFE_CODES | {"RL802", "RL312"}
    assert checker.fix_text(LETTERS["npc-compliant"])[1] == []


# ---- the API -------------------------------------------------------------------------------------------------

def test_the_api_is_exported():
    assert checker.annotate_docx is annotate_docx
    assert "annotate_docx" in checker.__all__
    assert issubclass(AnnotateError, Exception)


@pytest.mark.parametrize("name, expected", [
    ("letter.docx", "letter.批注.docx"), ("答复.2025.docx", "答复.2025.批注.docx"), ("关于第15号建议的答复.docx",
                                                                                  "关于第15号建议的答复.批注.docx"),
])
def test_default_output_is_beside_the_input(tmp_path, name, expected):
    assert default_output(tmp_path / name) == tmp_path / expected
    assert default_output(str(tmp_path / name)) == tmp_path / expected


def test_the_copy_goes_beside_the_letter_and_the_letter_is_untouched(office):
    before = office.read_bytes()
    stat = office.stat()
    result = run_annotate(office)
    assert Path(result.output) == office.with_name("letter.批注.docx")
    assert Path(result.path) == office
    assert office.read_bytes() == before and office.stat().st_mtime_ns == stat.st_mtime_ns
    assert sorted(p.name for p in office.parent.iterdir()) == ["letter.docx", "letter.批注.docx"]  # no temp file
    assert result.comments == len(ours(Path(result.output).read_bytes()))
    assert result.revisions == 0 and result.applied == []


def test_out_names_the_file_written(office, tmp_path):
    target = tmp_path / "审核" / "批注稿.docx"
    target.parent.mkdir()
    result = run_annotate(office, target)
    assert Path(result.output) == target and target.exists()
    assert not office.with_name("letter.批注.docx").exists()


def _never_over_the_input(office, out, force):
    with pytest.raises(AnnotateError) as info:
        run_annotate(office, out, force=force)
    assert str(info.value).strip()
    assert any("\u4e00" <= ch <= "\u9fff" for ch in str(info.value)), "the message should be a Chinese sentence"


@pytest.mark.parametrize("force", [False, True])
def test_never_written_over_the_input_by_any_of_its_names(office, tmp_path, force):
    before = office.read_bytes()
    _never_over_the_input(office, office, force)
    _never_over_the_input(office, str(office), force)
    _never_over_the_input(office, tmp_path / "." / "letter.docx", force)
    hard = tmp_path / "hard.docx"
    os.link(office, hard)
    _never_over_the_input(office, hard, force)
    soft = tmp_path / "soft.docx"
    soft.symlink_to(office)
    _never_over_the_input(office, soft, force)
    _never_over_the_input(soft, office, force)  # the input named by a link, the output by its real name
    assert office.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hard.docx", "letter.docx", "soft.docx"]


def test_an_existing_output_is_kept_without_force_and_replaced_with_it(office):
    existing = office.with_name("letter.批注.docx")
    existing.write_bytes(b"an earlier annotated copy")
    with pytest.raises(AnnotateError):
        run_annotate(office)
    assert existing.read_bytes() == b"an earlier annotated copy"
    result = run_annotate(office, force=True)
    assert Path(result.output) == existing
    assert existing.read_bytes() != b"an earlier annotated copy"
    assert_valid_package(existing.read_bytes(), office.read_bytes())


def test_an_output_in_a_missing_folder_is_refused(office, tmp_path):
    with pytest.raises(AnnotateError):
        run_annotate(office, tmp_path / "没有这个目录" / "letter.批注.docx")
    assert not (tmp_path / "没有这个目录").exists()


def test_an_output_that_is_a_folder_is_refused(office, tmp_path):
    (tmp_path / "folder.docx").mkdir()
    with pytest.raises(AnnotateError):
        run_annotate(office, tmp_path / "folder.docx", force=True)
    assert (tmp_path / "folder.docx").is_dir()


@pytest.mark.parametrize("kind", ["truncated", "text renamed", "encrypted", "empty", "not a word zip", "no text"])
def test_an_unreadable_docx_gets_the_readers_message_and_no_output(tmp_path, kind):
    import zipfile

    if kind == "truncated":
        data = truncated(build_docx(safe_defect_letter()))
    elif kind == "text renamed":
        data = safe_defect_letter().encode("utf-8")
    elif kind == "encrypted":
        data = encrypted_docx()
    elif kind == "empty":
        data = b""
    elif kind == "no text":
        from docx import Document

        buffer = io.BytesIO()
        Document().save(buffer)
        data = buffer.getvalue()
    else:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as zf:
            zf.writestr("mimetype", "application/epub+zip")
        data = buffer.getvalue()
    letter = put(tmp_path, "letter.docx", data)
    reader = check_file(letter).error
    assert reader, "the reader should refuse this file"
    with pytest.raises(AnnotateError) as info:
        run_annotate(letter)
    assert reader in str(info.value)
    assert [p.name for p in tmp_path.iterdir()] == ["letter.docx"]  # no output, no temporary file


def test_a_word_lock_file_beside_the_letter_does_not_stop_it(office):
    lock = office.with_name("~$letter.docx")
    lock.write_bytes(word_lock_file())
    assert len(lock.read_bytes()) == 162
    result = run_annotate(office)
    assert Path(result.output).exists() and result.comments > 0
    assert lock.read_bytes() == word_lock_file()


def test_an_interrupted_write_leaves_the_letter_and_no_partial_output(office, monkeypatch):
    def interrupted(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", interrupted)
    monkeypatch.setattr(os, "rename", interrupted)
    with pytest.raises((AnnotateError, OSError)):
        run_annotate(office)
    assert [p.name for p in office.parent.iterdir()] == ["letter.docx"]


# ---- comments --------------------------------------------------------------------------------------------------

PLAIN_LETTERS = ["npc-safe-defects", "npc-committee-salutation", "npc-doc-number-and-date", "cppcc-missing-parts",
                 "cppcc-heading-gap-seal"]


@pytest.mark.parametrize("name", PLAIN_LETTERS)
@pytest.mark.parametrize("show_info", [False, True])
def test_one_comment_per_finding_shown_anchored_on_its_text(tmp_path, name, show_info):
    letter = put(tmp_path, "letter.docx", office_docx(LETTERS[name]))
    configurator = Configurator(Overrides(show_info=True)) if show_info else None
    findings, check = shown(letter, configurator)
    assert findings
    result = run_annotate(letter, configurator=configurator)
    out = Path(result.output).read_bytes()
    comments = ours(out)
    assert len(comments) == len(findings) == result.comments
    if show_info:
        assert len(findings) == len(check.diagnostics)
    for d, (author, text, anchored) in match_comments(findings, comments):
        assert author == AUTHOR
        paragraphs = text.split("\n")
        assert paragraphs[0].startswith(LABELS[d.severity]), text
        assert d.message in paragraphs[0]
        compiled = rule_of(d.code)
        if compiled is not None:
            assert paragraphs[-1] == f"规则：{compiled.rule.title}（{d.code} {compiled.rule.name}）", text
        if d.fix is not None:
            assert "建议改为" in text, text
        span = check.span_text(d.span)
        if span and not missing_element(d):
            assert anchored == span, (d.code, anchored, span)
        else:  # a missing element: anchored on (text of) the line where it belongs
            assert anchored and anchored.strip() and anchored in check.line_text(d.span.line), (d.code, anchored)
    assert_valid_package(out, letter.read_bytes())


def test_missing_elements_are_anchored_on_the_line_they_point_to(tmp_path):
    letter = put(tmp_path, "letter.docx", office_docx(headless_letter()))
    findings, check = shown(letter)
    assert {"RL101", "RL106", "RL109"} <= {d.code for d in findings}
    result = run_annotate(letter)
    out = Path(result.output).read_bytes()
    pairs = match_comments(findings, ours(out))
    for d, (_, _, anchored) in pairs:
        assert anchored and anchored.strip(), d.code
        line = check.line_text(d.span.line)
        assert anchored in line or line in anchored, (d.code, anchored, line)
    assert_valid_package(out, letter.read_bytes())


def test_a_compliant_letter_gets_no_comment_but_is_still_copied(tmp_path):
    data = office_docx(LETTERS["npc-compliant"])
    letter = put(tmp_path, "letter.docx", data)
    result = run_annotate(letter, mode="track-changes")
    out = Path(result.output).read_bytes()
    assert result.comments == 0 and result.revisions == 0 and result.applied == []
    assert ours(out) == []
    assert lines_of(out) == lines_of(data)
    assert_valid_package(out, data)


def test_another_authors_comment_and_insertion_are_kept(office):
    before = [c for c in comments_of(office.read_bytes()) if c[0] == OTHER_AUTHOR]
    assert before
    for mode in MODES:
        out = Path(run_annotate(office, mode=mode, force=True).output).read_bytes()
        assert [c for c in comments_of(out) if c[0] == OTHER_AUTHOR] == before, mode
        theirs = revisions(out, OTHER_AUTHOR)
        assert [e.get(f"{W}id") for e in theirs] == ["9001"], mode


def test_comments_are_appended_to_an_existing_comments_part(office):
    data = office.read_bytes()
    assert "word/comments.xml" in parts(data)
    out = Path(run_annotate(office).output).read_bytes()
    assert len(comments_of(out)) == len(comments_of(data)) + len(ours(out))
    assert_valid_package(out, data)


def test_a_letter_without_comments_gets_a_comments_part(tmp_path):
    data = build_docx(safe_defect_letter())
    assert "word/comments.xml" not in parts(data)
    letter = put(tmp_path, "letter.docx", data)
    out = Path(run_annotate(letter).output).read_bytes()
    assert ours(out)
    assert_valid_package(out, data)


def test_selection_options_change_the_comments_as_for_check(office):
    only = Configurator(Overrides(select=("RL107",)))
    findings, _ = shown(office, only)
    assert [d.code for d in findings] == ["RL107"]
    result = run_annotate(office, configurator=only, mode="track-changes")
    out = Path(result.output).read_bytes()
    assert len(ours(out)) == 1 and "RL107" in ours(out)[0][1]
    assert [a.code for a in result.applied] == ["RL107"]  # only the selected rule's fix is made


# ---- formatting ------------------------------------------------------------------------------------------------

def test_splitting_runs_for_comments_keeps_every_characters_formatting(office):
    data = office.read_bytes()
    out = Path(run_annotate(office).output).read_bytes()
    assert chars_with_rpr(out) == chars_with_rpr(data)
    assert lines_of(out) == lines_of(data)


def test_hyperlink_bookmark_and_field_survive(office):
    data = office.read_bytes()
    for mode in MODES:
        out = Path(run_annotate(office, mode=mode, force=True).output).read_bytes()
        root, old = document_xml(out), document_xml(data)
        for tag in ("hyperlink", "bookmarkStart", "bookmarkEnd", "instrText", "fldChar"):
            assert len(list(root.iter(f"{W}{tag}"))) == len(list(old.iter(f"{W}{tag}"))), (mode, tag)
        link = next(root.iter(f"{W}hyperlink"))
        assert "".join(link.itertext()) == "".join(next(old.iter(f"{W}hyperlink")).itertext())
        assert [e.text for e in root.iter(f"{W}instrText")] == [e.text for e in old.iter(f"{W}instrText")]


# ---- track-changes and apply-fixes -------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["npc-safe-defects", "npc-safe-defects-info", "npc-committee-salutation",
                                  "npc-doc-number-and-date"])
def test_track_changes_accepted_is_the_fixed_text_and_rejected_the_original(tmp_path, name):
    data = office_docx(LETTERS[name])
    letter = put(tmp_path, "letter.docx", data)
    original = lines_of(data)
    expected, applied = checker.fix_text("\n".join(original))
    assert applied, "the letter should have safe fixes"
    result = run_annotate(letter, mode="track-changes")
    out = Path(result.output).read_bytes()
    assert_valid_package(out, data)
    accepted, rejected = accept_all(out), reject_all(out, AUTHOR)
    assert lines_of(accepted) == nonblank(expected.split("\n"))
    assert lines_of(rejected) == original
    assert chars_with_rpr(rejected) == chars_with_rpr(data)  # rejecting gives back the letter, formatting too
    assert_formatting_kept(data, accept_all(out, AUTHOR), result.applied)
    assert sorted(a.code for a in result.applied) == sorted(a.code for a in applied)
    assert result.unplaced == 0
    assert result.revisions == len(result.applied)
    ours_revisions = revisions(out, AUTHOR)
    assert ours_revisions
    for e in ours_revisions:
        assert e.get(f"{W}date", "").startswith("2025-06-20T09:30:00")
    # a fix is one 修订 or a few (its smallest edit: “[2025]” → “〔2025〕” changes two characters), never none
    assert len(ours_revisions) >= len(result.applied)
    for e in ours_revisions:
        assert "".join(e.itertext()) or list(e.iter(f"{W}tab")), "an empty 修订"
    assert all(e.get(f"{W}author") in (AUTHOR, OTHER_AUTHOR) for e in revisions(out))
    # the check of the document as written is the check of the accepted text: no safe fix is left
    assert not [d for d in result.result.diagnostics if d.fix is not None and d.fix.safe]
    shown_codes = {d.code for d in shown(letter)[0]}
    for code in {a.code for a in result.applied} & shown_codes:  # fixed findings keep their comment
        comment = next(c for c in ours(out) if code in c[1])
        assert "修订" in comment[1], comment


@pytest.mark.parametrize("name", ["npc-safe-defects", "npc-committee-salutation", "npc-doc-number-and-date"])
def test_apply_fixes_edits_the_copy_in_place(tmp_path, name):
    data = office_docx(LETTERS[name])
    letter = put(tmp_path, "letter.docx", data)
    original = lines_of(data)
    result = run_annotate(letter, mode="apply-fixes")
    out = Path(result.output).read_bytes()
    assert_valid_package(out, data)
    assert lines_of(out) == nonblank(fixed_lines(original))
    assert revisions(out, AUTHOR) == []
    assert result.revisions == 0 and result.unplaced == 0 and result.applied
    assert_formatting_kept(data, out, result.applied)
    recheck = check_file(Path(result.output))
    fixed = {a.code for a in result.applied}
    assert not {d.code for d in recheck.diagnostics} & fixed
    assert [d.code for d in recheck.diagnostics] == [d.code for d in result.result.diagnostics]
    for code in fixed:  # the fixed findings keep a comment, on the changed text
        comment = next(c for c in ours(out) if code in c[1])
        assert "已自动" in comment[1], comment  # 已自动改为“…” (or 补上, 删除)


def test_each_fix_in_split_runs_keeps_the_runs_formatting(office):
    """签发 bold + ： plain, the date in two runs, 抄送 in three coloured runs: the fixes cross run boundaries,
    and the text around each fixed stretch keeps its runs' formatting."""
    data = office.read_bytes()
    result = run_annotate(office, mode="apply-fixes")
    out = Path(result.output).read_bytes()
    assert_formatting_kept(data, out, result.applied)
    text = "\n".join(lines_of(out))
    assert "签发人：林志远" in text and "抄送：市人大常委会选工委，市政府督查室。" in text
    rpr = {ch: r for p in chars_with_rpr(out) for ch, r in p}
    old = {ch: r for p in chars_with_rpr(data) for ch, r in p}
    assert rpr["林"] == old["林"]  # the name after the fixed label keeps its green italics


@pytest.mark.parametrize("mode", ["track-changes", "apply-fixes"])
def test_characters_a_fix_keeps_keep_their_formatting(office, mode):
    """A fix is made as its smallest edit, so even inside its stretch the characters it keeps (the “月10日” of
    a date after “06”→“6”, the “市政府督查室” of a 抄送 list after “、”→“，”) keep their own runs' formatting."""
    data = office.read_bytes()
    out = Path(run_annotate(office, mode=mode).output).read_bytes()
    assert_formatting_kept(data, accept_all(out, AUTHOR))


def test_unsafe_fixes_only_when_asked(tmp_path):
    text = replaced(LETTERS["npc-compliant"], [("\n2025年6月10日\n", "\n二〇二五年六月十日\n")])
    data = office_docx(text)
    letter = put(tmp_path, "letter.docx", data)
    safe = run_annotate(letter, mode="apply-fixes")
    assert safe.applied == [] and lines_of(Path(safe.output).read_bytes()) == lines_of(data)
    unsafe = run_annotate(letter, mode="apply-fixes", unsafe=True, force=True)
    assert [a.code for a in unsafe.applied] == ["RL404"] and not unsafe.applied[0].safe
    assert "2025年6月10日" in lines_of(Path(unsafe.output).read_bytes())


def test_the_comments_mode_makes_no_change_to_the_text(office):
    data = office.read_bytes()
    result = run_annotate(office, mode="comments")
    out = Path(result.output).read_bytes()
    assert revisions(out, AUTHOR) == []
    assert lines_of(out) == lines_of(data)
    assert result.applied == [] and result.revisions == 0
    for c in ours(out):
        assert "已改为" not in c[1] and "已自动改为" not in c[1]


def test_an_unknown_mode_is_refused(office):
    with pytest.raises((AnnotateError, ValueError)):
        run_annotate(office, mode="fix-everything")
    assert not office.with_name("letter.批注.docx").exists()


# ---- text boxes, tables, fields, hyperlinks -----------------------------------------------------------------

def _check_mode_promise(data: bytes, out: bytes, result: AnnotateResult, mode: str) -> None:
    """The document says what the mode promised: its text (修订 accepted) is the original with exactly the
    fixes annotate reports as made; the ones it could not make are counted."""
    original = lines_of(data)
    all_fixes = checker.fix_text("\n".join(original))[1]
    text = lines_of(accept_all(out)) if mode == "track-changes" else lines_of(out)
    if mode == "comments":
        assert text == original and result.applied == []
        return
    assert text == nonblank(apply_applied(original, result.applied))
    assert len(result.applied) + result.unplaced >= len(all_fixes)
    assert {a.code for a in result.applied} <= {a.code for a in all_fixes}


@pytest.mark.parametrize("mode", MODES)
def test_a_cc_line_in_a_text_box(tmp_path, mode):
    data = office_docx(safe_defect_letter(), text_box=True)
    letter = put(tmp_path, "letter.docx", data)
    result = run_annotate(letter, mode=mode)
    out = Path(result.output).read_bytes()
    assert_valid_package(out, data)
    for code in ("RL602", "RL603", "RL604"):
        assert any(code in c[1] for c in ours(out)), f"no comment for {code} of the boxed 抄送"
    _check_mode_promise(data, out, result, mode)
    root = document_xml(accept_all(out) if mode == "track-changes" else out)
    from docx_fixtures import MC_NS

    for alternate in root.iter(f"{{{MC_NS}}}AlternateContent"):
        choice = "".join(t.text or "" for t in alternate.find(f"{{{MC_NS}}}Choice").iter(f"{W}t"))
        fallback = "".join(t.text or "" for t in alternate.find(f"{{{MC_NS}}}Fallback").iter(f"{W}t"))
        assert choice == fallback, "the box's text and its VML fallback differ"
    if mode != "comments":
        cc_fixed = any(a.code in ("RL602", "RL603", "RL604") for a in result.applied)
        assert cc_fixed or result.unplaced >= 1


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("layout", ["header_table", "soft_break", "auto_numbering"])
def test_table_soft_break_and_list_letters(tmp_path, mode, layout):
    data = office_docx(safe_defect_letter(), **LAYOUTS[layout])
    letter = put(tmp_path, "letter.docx", data)
    findings, _ = shown(letter)
    result = run_annotate(letter, mode=mode)
    out = Path(result.output).read_bytes()
    assert_valid_package(out, data)
    _check_mode_promise(data, out, result, mode)
    assert len(ours(out)) == len(findings)
    if layout == "header_table" and mode != "comments":  # the 文号 and 签发人 in table cells: ordinary text
        assert {"RL107", "RL110"} <= {a.code for a in result.applied}


@pytest.mark.parametrize("mode", ["track-changes", "apply-fixes"])
def test_a_date_in_a_field_is_not_fixed_in_word(tmp_path, mode):
    data = dress_docx(build_docx(safe_defect_letter()), date_field=True)
    letter = put(tmp_path, "letter.docx", data)
    result = run_annotate(letter, mode=mode)
    out = Path(result.output).read_bytes()
    assert_valid_package(out, data)
    _check_mode_promise(data, out, result, mode)
    assert result.unplaced >= 1
    root = document_xml(out)
    assert [e.text for e in root.iter(f"{W}instrText")] == [e.text for e in document_xml(data).iter(f"{W}instrText")]
    assert "2025年06月10日" in lines_of(accept_all(out))  # the field's result is left as it is
    comment = next(c for c in ours(out) if "RL404" in c[1])
    assert "建议改为" in comment[1]


def test_fixes_next_to_a_hyperlink_keep_it_whole(tmp_path):
    from lxml import etree

    from docx_fixtures import HYPERLINK_REL, R_NS, with_parts

    data = build_docx(safe_defect_letter())
    root = document_xml(data)
    cc = next(p for p in root.iter(f"{W}p") if "".join(p.itertext()).startswith("抄送"))
    run = cc.find(f"{W}r")
    text = run.find(f"{W}t").text
    head, tail = text.split("、", 1)
    run.find(f"{W}t").text = head + "、"
    link = etree.SubElement(cc, f"{W}hyperlink")
    link.set(f"{{{R_NS}}}id", "rIdLink1")
    r2 = etree.SubElement(link, f"{W}r")
    t2 = etree.SubElement(r2, f"{W}t")
    t2.text = tail
    rels = parts(data)["word/_rels/document.xml.rels"].decode("utf-8").replace(
        "</Relationships>", f'<Relationship Id="rIdLink1" Type="{HYPERLINK_REL}" '
                            'Target="https://www.example.gov.cn/dcs" TargetMode="External"/></Relationships>')
    data = with_parts(data, {"word/document.xml": etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                                                 standalone=True),
                             "word/_rels/document.xml.rels": rels.encode("utf-8")})
    assert any(line.startswith("抄送:") for line in lines_of(data))
    letter = put(tmp_path, "letter.docx", data)
    result = run_annotate(letter, mode="track-changes")
    out = Path(result.output).read_bytes()
    assert_valid_package(out, data)
    _check_mode_promise(data, out, result, "track-changes")
    # no 修订 straddles the link's edge: each lies wholly inside it or wholly outside
    root = document_xml(out)
    link = next(root.iter(f"{W}hyperlink"))
    assert link.get(f"{{{R_NS}}}id") == "rIdLink1"
    inside = set(link.iter())
    for e in revisions(out, AUTHOR):
        runs = list(e.iter(f"{W}r"))
        assert all(r in inside for r in runs) or not any(r in inside for r in runs)
    accepted_link = next(document_xml(accept_all(out)).iter(f"{W}hyperlink"))
    assert "".join(t.text or "" for t in accepted_link.iter(f"{W}t")) in (tail, tail + "。")  # the final 。 may go in
    assert len(list(root.iter(f"{W}hyperlink"))) == 1


def test_headers_footers_and_the_rest_of_the_package_are_untouched(office):
    data = office.read_bytes()
    assert {"word/header1.xml", "word/footer1.xml", "word/styles.xml"} <= set(parts(data))
    for mode in MODES:
        out = Path(run_annotate(office, mode=mode, force=True).output).read_bytes()
        assert_valid_package(out, data)  # byte for byte, outside the document, comments, rels, content types


# ---- robustness: every example × every layout × every mode ---------------------------------------------------

@pytest.mark.parametrize("layout", list(LAYOUTS))
@pytest.mark.parametrize("name", list(LETTERS))
def test_every_example_in_every_layout_and_mode_gives_a_sound_file(tmp_path, name, layout):
    for dressed in (False, True):
        data = build_docx(LETTERS[name], **LAYOUTS[layout])
        if dressed:
            data = dress_docx(data)
        letter = put(tmp_path, f"letter-{int(dressed)}.docx", data)
        findings, _ = shown(letter)
        for mode in MODES:
            result = run_annotate(letter, mode=mode, force=True)
            out = Path(result.output).read_bytes()
            assert_valid_package(out, data)
            assert result.comments == len(ours(out))
            if mode == "comments":
                assert result.comments == len(findings)
            _check_mode_promise(data, out, result, mode)
            if mode == "track-changes":
                assert lines_of(reject_all(out, AUTHOR)) == lines_of(data)


# ---- packages as other tools write them ----------------------------------------------------------------------

def test_an_existing_comments_part_named_by_an_absolute_target_is_appended_to(tmp_path):
    """OPC lets a relationship name its part absolutely (Target="/word/comments.xml"), as some generators do;
    the reader resolves such targets. The reviewer's comment must survive, with one comments relationship."""
    from docx_fixtures import with_parts

    data = office_docx(safe_defect_letter())
    rels = parts(data)["word/_rels/document.xml.rels"].decode("utf-8")
    assert 'Target="comments.xml"' in rels
    data = with_parts(data, {"word/_rels/document.xml.rels":
                             rels.replace('Target="comments.xml"', 'Target="/word/comments.xml"').encode("utf-8")})
    theirs = [c for c in comments_of(data) if c[0] == OTHER_AUTHOR]
    assert theirs
    letter = put(tmp_path, "letter.docx", data)
    out = Path(run_annotate(letter, mode="track-changes").output).read_bytes()
    assert [c for c in comments_of(out) if c[0] == OTHER_AUTHOR] == theirs
    assert_valid_package(out, data)


def test_a_finding_over_two_paragraphs_is_anchored_on_both(tmp_path):
    """A title typed over two lines (two Word paragraphs): the finding about it covers both, and so does its 批注
    (a comment range may run across paragraphs)."""
    text = replaced(LETTERS["npc-compliant"], [("关于市九届人大四次会议第15号建议的答复",
                                                "关于对市九届人大四次会议\n第15号建议的答复")])  # RL203
    letter = put(tmp_path, "letter.docx", office_docx(text))
    configurator = Configurator(Overrides(show_info=True))
    findings, check = shown(letter, configurator)
    spanning = [d for d in findings if d.span.end_line > d.span.line and not missing_element(d)]
    assert spanning, [(d.code, d.span) for d in findings]
    out = Path(run_annotate(letter, configurator=configurator).output).read_bytes()
    for d, (_, _, anchored) in match_comments(findings, ours(out)):
        if d in spanning:
            assert anchored == check.span_text(d.span), (d.code, anchored)


@pytest.mark.parametrize("mode", ["track-changes", "apply-fixes"])
def test_a_removed_page_number_line_keeps_the_marks_it_holds(tmp_path, mode):
    """RL312 takes a lone page number away with its paragraph; a reviewer's comment on that line and a bookmark
    starting in it must not go with it (the comment would vanish from Word, the bookmark lose its start)."""
    from docx import Document
    from lxml import etree

    data = build_docx(safe_defect_letter(info=True))
    doc = Document(io.BytesIO(data))
    page = next(p for p in doc.paragraphs if p.text == "- 3 -")
    doc.add_comment(page.runs, text="页码不要写在正文里。", author=OTHER_AUTHOR, initials="SH")
    page._p.insert(0, etree.fromstring(f'<w:bookmarkStart xmlns:w="{W[1:-1]}" w:id="50" w:name="办理成效"/>'))
    page._p.getnext().append(etree.fromstring(f'<w:bookmarkEnd xmlns:w="{W[1:-1]}" w:id="50"/>'))
    buffer = io.BytesIO()
    doc.save(buffer)
    data = buffer.getvalue()
    letter = put(tmp_path, "letter.docx", data)
    result = run_annotate(letter, mode=mode)
    assert "RL312" in {a.code for a in result.applied}
    out = Path(result.output).read_bytes()
    theirs = [c for c in comments_of(out) if c[0] == OTHER_AUTHOR]
    assert len(theirs) == 1 and theirs[0][2] is not None, "the reviewer's comment lost its place in the text"
    assert_valid_package(out, data)


def test_annotating_an_annotated_copy_again_gives_one_comment_per_finding(office, tmp_path):
    """A drafter edits the 批注 copy and checks it again: the earlier replylint 批注 are replaced, not doubled,
    and another reviewer's stay."""
    first = Path(run_annotate(office).output)
    findings, _ = shown(first)
    again = run_annotate(first, tmp_path / "again.docx")
    out = Path(again.output).read_bytes()
    assert len(ours(out)) == len(findings)
    assert [c for c in comments_of(out) if c[0] == OTHER_AUTHOR] == \
        [c for c in comments_of(office.read_bytes()) if c[0] == OTHER_AUTHOR]
    assert_valid_package(out, first.read_bytes())


# ---- random run splits ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("name", ["npc-safe-defects", "npc-safe-defects-info", "npc-committee-salutation"])
def test_randomly_shredded_runs_annotate_fix_and_revert_exactly(tmp_path, name, seed):
    """Every run cut into random pieces with random formatting, proofing marks, bookmarks and empty runs
    between them: every mode still gives a sound file, the comments sit on their text, 修订 accepted are the
    fixed text and rejected the original, and every character keeps its formatting."""
    from docx_fixtures import shred_docx

    data = shred_docx(build_docx(LETTERS[name], **(LAYOUTS["header_table"] if seed % 2 else {})), seed)
    original = lines_of(data)
    assert original == lines_of(build_docx(LETTERS[name], **(LAYOUTS["header_table"] if seed % 2 else {})))
    letter = put(tmp_path, "letter.docx", data)
    findings, check = shown(letter)
    comments = run_annotate(letter)
    out = Path(comments.output).read_bytes()
    assert_valid_package(out, data)
    assert chars_with_rpr(out) == chars_with_rpr(data)
    for d, (_, _, anchored) in match_comments(findings, ours(out)):
        if not missing_element(d) and d.span.line == d.span.end_line:
            assert anchored == check.span_text(d.span), (d.code, anchored)
    tracked = run_annotate(letter, tmp_path / "tracked.docx", mode="track-changes")
    out = Path(tracked.output).read_bytes()
    assert_valid_package(out, data)
    assert lines_of(accept_all(out)) == nonblank(fixed_lines(original))
    assert lines_of(reject_all(out, AUTHOR)) == original
    assert chars_with_rpr(reject_all(out, AUTHOR)) == chars_with_rpr(data)
    assert_formatting_kept(data, accept_all(out, AUTHOR), tracked.applied)
    applied = run_annotate(letter, tmp_path / "applied.docx", mode="apply-fixes")
    out = Path(applied.output).read_bytes()
    assert_valid_package(out, data)
    assert lines_of(out) == nonblank(fixed_lines(original))


@pytest.mark.parametrize("mode", MODES)
def test_content_controls_are_edited_through(tmp_path, mode):
    from docx_fixtures import with_content_controls

    data = with_content_controls(office_docx(safe_defect_letter()))
    assert len(list(document_xml(data).iter(f"{W}sdt"))) == 2
    letter = put(tmp_path, "letter.docx", data)
    result = run_annotate(letter, mode=mode)
    out = Path(result.output).read_bytes()
    assert_valid_package(out, data)
    _check_mode_promise(data, out, result, mode)
    assert len(list(document_xml(out).iter(f"{W}sdt"))) == 2
    if mode != "comments":
        assert result.unplaced == 0 and {"RL107", "RL602", "RL603", "RL604"} <= {a.code for a in result.applied}
    if mode == "track-changes":
        assert lines_of(reject_all(out, AUTHOR)) == lines_of(data)


def test_deleting_a_page_number_paragraph_whose_mark_a_reviewer_inserted_keeps_the_schema_order(tmp_path):
    """A reviewer pressed Enter after “- 3 -” with 修订 on: that paragraph's mark is their w:ins (w:pPr/w:rPr).
    Deleting the paragraph as a 修订 adds replylint's w:del beside it, and CT_ParaRPr wants w:ins before w:del."""
    from lxml import etree

    from docx_fixtures import property_order_errors, with_parts

    data = build_docx(safe_defect_letter(info=True))
    root = document_xml(data)
    page = next(p for p in root.iter(f"{W}p") if "".join(p.itertext()) == "- 3 -")
    ppr = page.find(f"{W}pPr")
    if ppr is None:
        ppr = etree.Element(f"{W}pPr")
        page.insert(0, ppr)
    mark = etree.SubElement(etree.SubElement(ppr, f"{W}rPr"), f"{W}ins")
    for key, value in (("id", "880"), ("author", OTHER_AUTHOR), ("date", "2025-06-01T00:00:00Z")):
        mark.set(f"{W}{key}", value)
    data = with_parts(data, {"word/document.xml": etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                                                 standalone=True)})
    assert property_order_errors(data) == []
    letter = put(tmp_path, "letter.docx", data)
    result = run_annotate(letter, mode="track-changes")
    assert "RL312" in {a.code for a in result.applied}
    out = Path(result.output).read_bytes()
    assert property_order_errors(out) == []
    assert lines_of(reject_all(out, AUTHOR)) == lines_of(data)


@pytest.mark.parametrize("mode", MODES)
def test_annotate_bytes_is_annotate_docx_without_the_disk(office, tmp_path, mode):
    from checker.annotate import annotate_bytes

    before = sorted(p.name for p in tmp_path.iterdir())
    data, result = annotate_bytes(office.read_bytes(), str(office), mode=mode, date=DATE)
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # nothing written
    written = run_annotate(office, mode=mode)
    assert Path(written.output).read_bytes() == data  # the same copy, byte for byte (a fixed date)
    assert (result.comments, result.revisions, len(result.applied)) == \
        (written.comments, written.revisions, len(written.applied))
    with pytest.raises(AnnotateError):
        annotate_bytes(truncated(office.read_bytes()), "letter.docx", date=DATE)


@pytest.mark.parametrize("mode", ["track-changes", "apply-fixes"])
@pytest.mark.parametrize("between", ["<w:t/>", '<w:rPr><w:b/></w:rPr>', "<w:lastRenderedPageBreak/>"],
                         ids=["empty-t", "rPr-only", "page-break-mark"])
def test_a_run_without_text_inside_a_fixed_stretch_does_not_stop_the_fix(tmp_path, mode, between):
    """Word leaves runs that hold no text between others (an emptied run, a run of properties only, the
    w:lastRenderedPageBreak it writes on every save where a page broke): like a proofing mark, such a run
    moves no text, and the fix of “青建复[2025]12号” across it must still be made."""
    from lxml import etree

    from docx_fixtures import with_parts

    data = build_docx(safe_defect_letter())
    root = document_xml(data)
    head = next(p for p in root.iter(f"{W}p") if "".join(p.itertext()).startswith("青建复"))
    for r in head.findall(f"{W}r"):
        head.remove(r)
    for content in ("<w:t>青建复[</w:t>", between, "<w:t>2025]12号</w:t><w:tab/><w:t>签发：林志远</w:t>"):
        head.append(etree.fromstring(f'<w:r xmlns:w="{W[1:-1]}">{content}</w:r>'))
    data = with_parts(data, {"word/document.xml": etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                                                 standalone=True)})
    letter = put(tmp_path, "letter.docx", data)
    result = run_annotate(letter, mode=mode)
    out = Path(result.output).read_bytes()
    assert_valid_package(out, data)
    assert "RL107" in {a.code for a in result.applied} and result.unplaced == 0
    text = lines_of(accept_all(out)) if mode == "track-changes" else lines_of(out)
    assert text == nonblank(fixed_lines(lines_of(data)))

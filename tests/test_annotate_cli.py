"""``replylint annotate``: the command (files, folders, options, messages, exit codes) and LibreOffice
opening what it writes."""

from __future__ import annotations

import os
import re
import shutil
from datetime import datetime, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner

import checker
from checker.annotate import annotate_docx
from checker.cli import main
from checker.sources.docx import read_docx
from docx_fixtures import put, sha
from docx_fixtures import LETTERS_FOR_LIBREOFFICE, annotate_letters, comments_of, office_docx, safe_defect_letter, \
    word_lock_file
from formats_fixtures import EXAMPLES, build_docx, convert_many_with_libreoffice, encrypted_docx, soffice, \
    truncated

ROOT = Path(__file__).resolve().parent.parent
LETTERS = annotate_letters()
DATE = datetime(2025, 6, 20, 9, 30, tzinfo=timezone.utc)


def run(*args):
    return CliRunner().invoke(main, ["annotate", *map(str, args)], catch_exceptions=False)



def ours(data: bytes):
    return [c for c in comments_of(data) if c[0] == "replylint"]


@pytest.fixture
def office(tmp_path):
    return put(tmp_path, "letter.docx", office_docx(safe_defect_letter()))


def fixes_of(path: Path) -> int:
    return len(checker.fix_text("\n".join(read_docx(path.read_bytes(), str(path)).lines))[1])


# ---- one file ----------------------------------------------------------------------------------------------

def test_comments_beside_the_letter_with_a_summary_on_stderr(office):
    before = sha(office)
    result = run(office)
    out = office.with_name("letter.批注.docx")
    assert out.exists() and sha(office) == before
    n = len(ours(out.read_bytes()))
    assert n > 0
    assert "已写出" in result.stderr and "letter.批注.docx" in result.stderr
    assert f"批注 {n} 条" in result.stderr
    assert result.stdout.strip() == ""  # the summary is not mixed into what a pipe reads
    assert result.exit_code == 1  # errors remain: nothing was fixed
    assert sorted(p.name for p in office.parent.iterdir()) == ["letter.docx", "letter.批注.docx"]


def test_track_changes_summary_counts_the_revisions(office):
    expected = fixes_of(office)
    result = run(office, "--track-changes")
    assert f"修订 {expected} 处" in result.stderr, result.stderr
    # the check of the document as written counts the 修订 as accepted: no finding remains
    assert result.exit_code == 0, result.stderr


def test_apply_fixes_summary_and_exit_code(office):
    expected = fixes_of(office)
    result = run(office, "--apply-fixes")
    assert f"已自动修正 {expected} 处" in result.stderr, result.stderr
    assert result.exit_code == 0, result.stderr
    fixed = read_docx(office.with_name("letter.批注.docx").read_bytes(), "x.docx").lines
    assert any(line.endswith("签发人：林志远") for line in fixed)


def test_track_changes_and_apply_fixes_together_is_a_usage_error(office):
    result = run(office, "--track-changes", "--apply-fixes")
    assert result.exit_code == 2
    assert not office.with_name("letter.批注.docx").exists()


def test_output_option_and_its_refusals(office, tmp_path):
    before = sha(office)
    target = tmp_path / "审阅稿.docx"
    assert run(office, "-o", target).exit_code in (0, 1) and target.exists()
    # onto the input, by its name, a hard link or a symbolic link: refused even with --force
    hard, soft = tmp_path / "hard.docx", tmp_path / "soft.docx"
    os.link(office, hard)
    soft.symlink_to(office)
    for onto in (office, hard, soft):
        for force in ((), ("--force",)):
            result = run(office, "-o", onto, *force)
            assert result.exit_code == 2, (onto, force)
            assert "replylint" in result.stderr or result.stderr.strip()
    assert sha(office) == before
    # into a folder that does not exist
    result = run(office, "-o", tmp_path / "无此目录" / "x.docx")
    assert result.exit_code == 2 and not (tmp_path / "无此目录").exists()
    # -o with several files
    other = put(tmp_path, "other.docx", office.read_bytes())
    result = run(office, other, "-o", tmp_path / "both.docx")
    assert result.exit_code == 2 and not (tmp_path / "both.docx").exists()


def test_an_existing_output_needs_force(office):
    existing = office.with_name("letter.批注.docx")
    existing.write_bytes(b"keep me")
    result = run(office)
    assert result.exit_code == 2 and existing.read_bytes() == b"keep me"
    assert "--force" in result.stderr
    result = run(office, "--force")
    assert result.exit_code in (0, 1) and existing.read_bytes() != b"keep me"
    read_docx(existing.read_bytes(), str(existing))


@pytest.mark.parametrize("kind", ["truncated", "renamed text"])
def test_an_unreadable_docx_exits_2_with_the_readers_message_and_no_output(tmp_path, kind):
    data = truncated(build_docx(safe_defect_letter())) if kind == "truncated" else b"\xe5\x85\xb3\xe4\xba\x8e" * 50
    letter = put(tmp_path, "letter.docx", data)
    message = checker.check_file(letter).error
    result = run(letter)
    assert result.exit_code == 2
    assert message in result.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["letter.docx"]


@pytest.mark.parametrize("name, hint", [
    ("letter.txt", "check --fix"), ("letter.md", "check --fix"),
    ("npc-doc-number-and-date.pdf", "--format html"), ("npc-doc-number-and-date.ofd", "--format html"),
])
def test_other_formats_are_pointed_to_fix_or_the_html_report(tmp_path, name, hint):
    if name.endswith((".txt", ".md")):
        path = put(tmp_path, name, safe_defect_letter().encode("utf-8"))
    else:
        path = tmp_path / name
        shutil.copy(EXAMPLES / "formats" / name, path)
    before = sha(path)
    result = run(path)
    assert result.exit_code == 2
    assert hint in result.stderr, result.stderr
    assert sha(path) == before
    assert [p.name for p in tmp_path.iterdir()] == [name]


@pytest.mark.parametrize("name", ["答复函.doc", "答复函.wps"], ids=["doc", "wps"])
def test_an_old_word_or_wps_file_is_told_to_be_saved_as_docx(tmp_path, name):
    """Offices still keep .doc and WPS .wps letters: the message must say what to do with them (另存为 .docx),
    not send them to check --fix or the html report as if they were text or PDF files."""
    path = put(tmp_path, name, encrypted_docx())  # an OLE compound file, as .doc and .wps are
    result = run(path)
    assert result.exit_code == 2
    assert "另存为" in result.stderr and ".docx" in result.stderr, result.stderr
    assert [p.name for p in tmp_path.iterdir()] == [name]


def test_unsafe_fixes_need_a_mode_that_fixes_and_standard_input_is_refused(office):
    assert run(office, "--unsafe-fixes").exit_code == 2
    assert run("-").exit_code == 2
    assert not office.with_name("letter.批注.docx").exists()
    result = run(office, "--apply-fixes", "--unsafe-fixes")
    assert result.exit_code in (0, 1) and office.with_name("letter.批注.docx").exists()


def test_no_file_is_a_usage_error():
    assert run().exit_code == 2


def test_help_lists_the_modes():
    result = CliRunner().invoke(main, ["annotate", "--help"])
    assert result.exit_code == 0
    for option in ("--track-changes", "--apply-fixes", "--force", "-o", "--unsafe-fixes", "--show-info"):
        assert option in result.output


# ---- several files and folders -----------------------------------------------------------------------------

def test_a_folder_each_docx_annotated_a_bad_one_reported_the_others_done(tmp_path):
    folder = tmp_path / "答复函"
    folder.mkdir()
    put(folder, "a.docx", office_docx(LETTERS["npc-committee-salutation"]))
    put(folder, "b.docx", truncated(build_docx(safe_defect_letter())))
    put(folder, "c.docx", office_docx(LETTERS["npc-doc-number-and-date"]))
    put(folder, "~$a.docx", word_lock_file())
    before = {p.name: sha(p) for p in folder.iterdir()}
    result = run(folder)
    assert result.exit_code == 2
    assert "b.docx" in result.stderr
    names = sorted(p.name for p in folder.iterdir())
    assert names == sorted([*before, "a.批注.docx", "c.批注.docx"])
    assert {p: sha(folder / p) for p in before} == before
    for name in ("a.批注.docx", "c.批注.docx"):
        assert ours((folder / name).read_bytes())
    assert result.stderr.count("已写出") == 2


def test_several_files_one_unreadable(tmp_path):
    good = put(tmp_path, "good.docx", office_docx(safe_defect_letter()))
    bad = put(tmp_path, "bad.docx", b"PK\x03\x04 not really")
    also = put(tmp_path, "also.docx", office_docx(LETTERS["cppcc-missing-parts"]))
    result = run(good, bad, also, "--apply-fixes")
    assert result.exit_code == 2
    assert good.with_name("good.批注.docx").exists() and also.with_name("also.批注.docx").exists()
    assert not bad.with_name("bad.批注.docx").exists()


def test_a_letter_open_in_word_is_annotated(office):
    office.with_name("~$letter.docx").write_bytes(word_lock_file())
    result = run(office)
    assert result.exit_code in (0, 1), result.stderr
    assert office.with_name("letter.批注.docx").exists()


# ---- run options as for check ------------------------------------------------------------------------------

def test_exit_codes_follow_fail_on_and_exit_zero(tmp_path):
    warnings_only = put(tmp_path, "w.docx", office_docx(LETTERS["cppcc-missing-parts"]))
    assert run(warnings_only).exit_code == 1
    assert run(warnings_only, "--fail-on", "error", "--force").exit_code == 0
    assert run(warnings_only, "--exit-zero", "--force").exit_code == 0
    compliant = put(tmp_path, "ok.docx", office_docx(LETTERS["npc-compliant"]))
    assert run(compliant).exit_code == 0


def test_show_info_and_select_change_the_comments(tmp_path):
    letter = put(tmp_path, "letter.docx", office_docx(LETTERS["npc-committee-salutation"]))
    out = letter.with_name("letter.批注.docx")
    run(letter, "--isolated")
    plain = len(ours(out.read_bytes()))
    run(letter, "--isolated", "--show-info", "--force")
    more = len(ours(out.read_bytes()))
    assert more > plain  # RL203 is a 提示 in this letter
    run(letter, "--isolated", "--select", "RL207", "--force")
    only = ours(out.read_bytes())
    assert len(only) == 1 and "RL207" in only[0][1]


def test_a_config_file_beside_the_letter_is_used(tmp_path):
    letter = put(tmp_path, "letter.docx", office_docx(LETTERS["npc-committee-salutation"]))
    (tmp_path / "replylint.toml").write_text('ignore = ["RL207"]\n', encoding="utf-8")
    checked = checker.check_file(letter)
    if any(d.code == "RL207" for d in checked.diagnostics):
        pytest.skip("this config file name is not picked up by check either")
    run(letter)
    assert not any("RL207" in c[1] for c in ours(letter.with_name("letter.批注.docx").read_bytes()))


# ---- LibreOffice opens what annotate writes ----------------------------------------------------------------

needs_soffice = pytest.mark.skipif(soffice() is None, reason="LibreOffice (soffice) is not installed; .ci/run installs it")


@pytest.fixture(scope="module")
def converted(tmp_path_factory):
    """Every letter of LETTERS_FOR_LIBREOFFICE annotated in each mode, converted by LibreOffice to PDF and to
    text (one LibreOffice run per target format)."""
    work = tmp_path_factory.mktemp("lo")
    outputs: dict[str, bytes] = {}
    for key, (text, layout) in LETTERS_FOR_LIBREOFFICE.items():
        letter = put(work, f"{key}.docx", office_docx(text, **layout))
        for mode in ("comments", "track-changes", "apply-fixes"):
            out = work / f"{key}-{mode}.docx"
            annotate_docx(letter, out, mode=mode, date=DATE)
            outputs[f"{key}-{mode}"] = out.read_bytes()
    pdf = convert_many_with_libreoffice(outputs, ".docx", "pdf", work / "pdf")
    txt = convert_many_with_libreoffice(outputs, ".docx", "txt:Text (encoded):UTF8", work / "txt")
    odt = convert_many_with_libreoffice(outputs, ".docx", "odt", work / "odt")
    return outputs, pdf, {k: v.decode("utf-8-sig", errors="replace") for k, v in txt.items()}, odt


@needs_soffice
def test_libreoffice_converts_every_mode_to_pdf(converted):
    outputs, pdf, _, _ = converted
    assert set(pdf) == set(outputs)
    for key, data in pdf.items():
        assert data.startswith(b"%PDF") and len(data) > 2000, key


@needs_soffice
def test_libreoffice_reads_the_fixed_text(converted):
    _, _, txt, _ = converted
    for key, text in txt.items():
        assert "答复" in text, key
        flat = re.sub(r"\s+", "", text)
        if key.startswith("npc-safe-defects") and key.endswith("apply-fixes"):
            assert "签发人：林志远" in flat, key
            assert "青建复〔2025〕12号" in flat, key
            if "textbox" not in key:
                assert "抄送：市人大常委会选工委，市政府督查室。" in flat, key
        if key.startswith("npc-safe-defects") and key.endswith("-comments"):
            assert "签发：林志远" in flat, key  # the comments mode changes no text
    assert "签发：林志远" in re.sub(r"\s+", "", txt["npc-safe-defects-plain-comments"])


# ---- the README ------------------------------------------------------------------------------------------------

def test_the_readme_tells_drafting_staff_how_to_annotate():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### Word letters: `replylint annotate`"):]
    section = section[:section.index("\n### ", 1)]
    for words in ("--track-changes", "--apply-fixes", "--force", "-o", ".批注.docx", "批注", "修订", "check --fix",
                  "--format html", "docs/img/annotate.png"):
        assert words in section, words
    help_text = CliRunner().invoke(main, ["annotate", "--help"]).output
    for option in re.findall(r"replylint annotate [^\n#]*?(--[a-z-]+)", section):
        assert option in help_text, option
    image = ROOT / "docs" / "img" / "annotate.png"
    assert image.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and image.stat().st_size < 400_000


@needs_soffice
def test_libreoffice_understands_the_comments_and_revisions(converted):
    """Read back as LibreOffice understood them (its .odt): every comment is there, and every 修订."""
    import zipfile
    from io import BytesIO

    from lxml import etree

    outputs, _, _, odt = converted
    office = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
    text_ns = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
    dc = "http://purl.org/dc/elements/1.1/"
    for key, data in outputs.items():
        content = etree.fromstring(zipfile.ZipFile(BytesIO(odt[key])).read("content.xml"))
        annotations = list(content.iter(f"{{{office}}}annotation"))
        authors = [a.findtext(f"{{{dc}}}creator") for a in annotations]
        assert authors.count("replylint") == len(ours(data)), key
        changes = list(content.iter(f"{{{text_ns}}}changed-region"))
        by_us = [c for c in changes if any(e.text == "replylint" for e in c.iter(f"{{{dc}}}creator"))]
        if key.endswith("-track-changes") and "compliant" not in key:
            assert by_us, key
        else:
            assert not by_us, key

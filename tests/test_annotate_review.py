"""Review of issue 11 (annotate, check --fix/--diff, html report): attacks and invariants.

Each test pins what a reviewer tried: unusual Word structures, hostile sizes, other reviewers' 修订 and
comments, write-protected and concurrently edited letters, SIGTERM while writing; the ones that failed at
first were fixed (bounded ids, no doubled relationship, no moved deletion, linear fixers …)."""

from __future__ import annotations

import io
import os
import random
import sys
import time
import zipfile

import pytest
from lxml import etree

import formats_fixtures as ff
from docx_fixtures import unwrap
from checker import fix_text
from checker.annotate import annotate_bytes
from checker.sources.docx import read_docx
from hostile import run_cli

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
RPR = '<w:rPr><w:rFonts w:eastAsia="仿宋"/></w:rPr>'
DOCNO = f"<w:r>{RPR}<w:t>东建复[2025]8号</w:t></w:r>"
DATE = f"<w:r>{RPR}<w:t>2025年06月10日</w:t></w:r>"
MODES = ("comments", "track-changes", "apply-fixes")


# ---- helpers ---------------------------------------------------------------------------------------------

def parts(data: bytes) -> dict[str, bytes]:
    z = zipfile.ZipFile(io.BytesIO(data))
    return {n: z.read(n) for n in z.namelist()}


def zipit(p: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for n, b in p.items():
            z.writestr(n, b)
    return out.getvalue()


def base() -> bytes:
    return ff.build_docx(ff.letter_texts()["npc-doc-number-and-date"])


def subst(data: bytes, pairs, main="word/document.xml") -> bytes:
    p = parts(data)
    x = p[main].decode()
    for a, b in pairs:
        assert a in x, a
        x = x.replace(a, b, 1)
    p[main] = x.encode()
    return zipit(p)


def R(text: str, extra: str = "") -> str:
    return f'<w:r><w:rPr><w:rFonts w:eastAsia="仿宋"/>{extra}</w:rPr><w:t xml:space="preserve">{text}</w:t></w:r>'




def resolve(data: bytes, accept: bool, author: str | None = "replylint", main="word/document.xml") -> bytes:
    """Accept (or reject) the 修订 of ``author`` (all authors: None), as Word's 接受/拒绝全部 does."""
    p = parts(data)
    root = etree.fromstring(p[main])
    w = "{%s}" % W
    keep, drop = ("ins", "del") if accept else ("del", "ins")
    for e in list(root.iter(w + drop)):
        if author and e.get(w + "author") != author:
            continue
        e.getparent().remove(e)
    for e in list(root.iter(w + keep)):
        if author and e.get(w + "author") != author:
            continue
        if e.getparent().tag == w + "rPr":
            e.getparent().remove(e)
            continue
        for t in e.iter(w + "delText"):
            t.tag = w + "t"
        unwrap(e)
    p[main] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return zipit(p)


def lines(data: bytes) -> list[str]:
    return read_docx(data, "x.docx").lines


def comment_problems(data: bytes, main="word/document.xml", comments="word/comments.xml") -> list:
    p = parts(data)
    root = etree.fromstring(p[main])
    w = "{%s}" % W
    ids = [e.get(w + "id") for e in etree.fromstring(p[comments]).iter(w + "comment")] if comments in p else []
    problems = [("duplicate comment id",)] if len(ids) != len(set(ids)) else []
    for tag in ("commentRangeStart", "commentRangeEnd", "commentReference"):
        marks = [e.get(w + "id") for e in root.iter(w + tag)]
        if len(marks) != len(set(marks)):
            problems.append(("duplicate", tag))
        problems += [("no w:comment", tag, i) for i in marks if i not in set(ids)]
    return problems


# ---- documents made differently: the invariants hold ----------------------------------------------------

STRUCTURES = {
    "bookmark-around-fix": [(DOCNO, R("东建复") + '<w:bookmarkStart w:id="50" w:name="bm"/>' + R("[2025]")
                             + '<w:bookmarkEnd w:id="50"/>' + R("8号"))],
    "others-deletion-inside-fix": [(DOCNO, R("东建复[20") + '<w:del w:id="901" w:author="张三" w:date="2025-01-01T00:00:00Z">'
                                    f'<w:r>{RPR}<w:delText>99</w:delText></w:r></w:del>' + R("25]8号"))],
    "others-insertion-on-fix": [(DOCNO, R("东建复") + '<w:ins w:id="900" w:author="张三" w:date="2025-01-01T00:00:00Z">'
                                 + R("[2025]") + "</w:ins>" + R("8号"))],
    "smartTag": [(DOCNO, '<w:smartTag w:uri="u" w:element="e">' + R("东建复[2025]8号") + "</w:smartTag>")],
    "customXml": [(DOCNO, '<w:customXml w:element="e">' + R("东建复[2025]8号") + "</w:customXml>")],
    "sdt-30-deep": [(DOCNO, "<w:sdt><w:sdtPr/><w:sdtContent>" * 30 + R("东建复[2025]8号") + "</w:sdtContent></w:sdt>" * 30)],
    "sym-in-run": [(DOCNO, f'<w:r>{RPR}<w:t>东建复[2025]8号</w:t><w:sym w:font="Wingdings" w:char="F04A"/></w:r>')],
    "fldSimple-date": [(DATE, '<w:fldSimple w:instr=" DATE ">' + R("2025年06月10日") + "</w:fldSimple>")],
    "hyperlink-edge": [(DOCNO, '<w:hyperlink w:anchor="x">' + R("东建复[2025") + "</w:hyperlink>" + R("]8号"))],
    "date-over-3-formatted-runs": [(DATE, R("2025年0", "<w:i/>") + R("6月1", "<w:b/>") + R("0日", '<w:u w:val="single"/>'))],
    "moveTo": [(DOCNO, '<w:moveTo w:id="902" w:author="张三" w:date="2025-01-01T00:00:00Z">' + R("东建复[2025]8号") + "</w:moveTo>")],
}


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("name", STRUCTURES)
def test_annotate_invariants_on_unusual_structures(name, mode):
    src = subst(base(), STRUCTURES[name])
    original = lines(src)
    fixed, _ = fix_text("\n".join(original))
    out, res = annotate_bytes(src, "x.docx", mode=mode)
    import docx

    docx.Document(io.BytesIO(out))
    assert comment_problems(out) == []
    before, after = parts(src), parts(out)
    assert {n for n in before if before[n] != after.get(n)} <= {
        "word/document.xml", "word/_rels/document.xml.rels", "[Content_Types].xml", "word/comments.xml"}
    if mode == "comments":
        assert lines(out) == original
        return
    accepted = lines(resolve(out, True)) if mode == "track-changes" else lines(out)
    if not res.unplaced:
        assert "\n".join(accepted) == fixed
    if mode == "track-changes":
        assert lines(resolve(out, False)) == original
    if name == "bookmark-around-fix":
        assert b'w:name="bm"' in after["word/document.xml"]


def test_apply_fixes_keeps_each_characters_run_properties():
    src = subst(base(), STRUCTURES["date-over-3-formatted-runs"])
    out, _ = annotate_bytes(src, "x.docx", mode="apply-fixes")
    root = etree.fromstring(parts(out)["word/document.xml"])
    w = "{%s}" % W
    paragraph = next(p for p in root.iter(w + "p") if "".join(p.itertext()).startswith("2025年"))
    chars = []
    for run in paragraph.iter(w + "r"):
        rpr = run.find(w + "rPr")
        tags = "".join(sorted(c.tag.split("}")[1] for c in rpr if c.tag != w + "rFonts")) if rpr is not None else ""
        chars += [(ch, tags) for t in run.findall(w + "t") for ch in t.text or ""]
    assert "".join(c for c, _ in chars) == "2025年6月10日"
    assert [t for _, t in chars] == ["i"] * 5 + ["b"] * 3 + ["u"] * 2  # 0 (italic) deleted; the rest as they were


def _strict(data: bytes) -> bytes:
    out = {}
    for n, b in parts(data).items():
        if n.endswith((".xml", ".rels")):
            b = b.replace(W.encode(), b"http://purl.oclc.org/ooxml/wordprocessingml/main").replace(
                b"http://schemas.openxmlformats.org/officeDocument/2006/relationships",
                b"http://purl.oclc.org/ooxml/officeDocument/relationships")
        out[n] = b
    return zipit(out)


def _renamed(data: bytes) -> bytes:
    out = {}
    for n, b in parts(data).items():
        n = {"word/document.xml": "word/main.xml", "word/_rels/document.xml.rels": "word/_rels/main.xml.rels"}.get(n, n)
        if n in ("_rels/.rels", "[Content_Types].xml"):
            b = b.replace(b"word/document.xml", b"word/main.xml")
        out[n] = b
    return zipit(out)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("make", [_strict, _renamed], ids=["strict-ooxml", "main-part-renamed"])
def test_strict_and_renamed_main_part_get_comments_in_the_right_part(make, mode):
    src = make(base())
    out, res = annotate_bytes(src, "x.docx", mode=mode)
    p = parts(out)
    main = "word/main.xml" if make is _renamed else "word/document.xml"
    assert res.comments == 3 and "word/comments.xml" in p and "word/document.xml" not in p or make is _strict
    assert b"comments.xml" in p[f"word/_rels/{main.split('/')[1]}.rels"]
    assert b"/word/comments.xml" in p["[Content_Types].xml"]


# ---- ids --------------------------------------------------------------------------------------------------

def _with_comments(ids: list[str]) -> bytes:
    p = parts(base())
    p["[Content_Types].xml"] = p["[Content_Types].xml"].replace(
        b"</Types>", b'<Override PartName="/word/comments.xml" ContentType="application/vnd.openxmlformats-'
                     b'officedocument.wordprocessingml.comments+xml"/></Types>')
    p["word/_rels/document.xml.rels"] = p["word/_rels/document.xml.rels"].replace(
        b"</Relationships>", b'<Relationship Id="rIdC" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                             b'relationships/comments" Target="comments.xml"/></Relationships>')
    p["word/comments.xml"] = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:comments xmlns:w="{W}">'
                              + "".join(f'<w:comment w:id="{i}" w:author="张三"><w:p><w:r><w:t>意见{i}</w:t></w:r></w:p>'
                                        "</w:comment>" for i in ids) + "</w:comments>").encode()
    x = p["word/document.xml"].decode()
    a = f"<w:r>{RPR}<w:t>尊敬的孔德明代表：</w:t></w:r>"
    x = x.replace(a, "".join(f'<w:commentRangeStart w:id="{i}"/>' for i in ids) + a + "".join(
        f'<w:commentRangeEnd w:id="{i}"/><w:r><w:commentReference w:id="{i}"/></w:r>' for i in ids), 1)
    p["word/document.xml"] = x.encode()
    return zipit(p)


def test_others_comments_with_odd_ids_are_kept_and_new_ids_do_not_collide():
    out, res = annotate_bytes(_with_comments(["-5", "x", "7"]), "x.docx", mode="track-changes")
    comments = etree.fromstring(parts(out)["word/comments.xml"])
    ids = [c.get(f"{{{W}}}id") for c in comments]
    assert ids[:3] == ["-5", "x", "7"] and len(set(ids)) == len(ids) == 3 + res.comments
    assert comment_problems(out) == []


def test_new_ids_stay_within_a_signed_32_bit_integer():
    out, _ = annotate_bytes(_with_comments(["2147483646"]), "x.docx", mode="track-changes")
    root = etree.fromstring(parts(out)["word/document.xml"])
    ids = [int(e.get(f"{{{W}}}id")) for e in root.iter() if isinstance(e.tag, str) and e.get(f"{{{W}}}id", "").lstrip("-").isdigit()]
    assert ids and max(ids) <= 2**31 - 1


# ---- re-annotating a reviewed copy ----------------------------------------------------------------------

def test_reannotating_a_tracked_copy_keeps_an_explanation_for_each_pending_revision():
    first, r1 = annotate_bytes(base(), "x.docx", mode="track-changes")
    assert r1.revisions == 2
    second, _ = annotate_bytes(first, "x.docx", mode="comments")
    comments = etree.fromstring(parts(second)["word/comments.xml"])
    texts = ["".join(c.itertext()) for c in comments]
    assert any("〔2025〕" in t for t in texts) and any("2025年6月10日" in t for t in texts), texts


# ---- CLI: outputs, names ----------------------------------------------------------------------------------

def test_annotate_refuses_bad_outputs_and_never_touches_the_input(tmp_path):
    letter = tmp_path / "l.docx"
    letter.write_bytes(base())
    before = letter.read_bytes()
    (tmp_path / "link.docx").symlink_to("l.docx")
    (tmp_path / "sub").mkdir()
    for target in ("link.docx", "sub", "/dev/null", "missing/x.docx", "l.docx", "x.txt"):
        r = run_cli("annotate", str(letter), "-o", str(tmp_path / target), "--force")
        assert r.returncode == 2, (target, r.stderr.decode())
        assert letter.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["l.docx", "link.docx", "sub"]  # no temp file left


def test_annotate_a_file_with_spaces_chinese_and_non_utf8_bytes_in_its_name(tmp_path):
    folder = os.fsencode(str(tmp_path))
    for raw in ("答复 函.docx".encode(), b"bad\xff\xfe.docx"):
        path = os.path.join(folder, raw)
        with open(path, "wb") as fh:
            fh.write(base())
        r = subprocess_cli(path)
        assert r.returncode == 1, r.stderr
        assert os.path.exists(path[:-5] + ".批注.docx".encode())


def subprocess_cli(path: bytes):
    import subprocess

    from hostile import CHECKER_HOME, CHILD_ENV

    return subprocess.run([sys.executable, "-c", "from checker.cli import main; main()", b"annotate", path],
                          capture_output=True, cwd=CHECKER_HOME, env=CHILD_ENV, timeout=120)


# ---- hostile sizes --------------------------------------------------------------------------------------

def _paragraphs_with_trailing_space(n: int) -> bytes:
    rng = random.Random(n)
    body = "".join(f'<w:p><w:r>{RPR}<w:t xml:space="preserve">'
                   + "".join(chr(rng.randint(0x4E00, 0x9FA5)) for _ in range(20)) + " </w:t></w:r></w:p>"
                   for _ in range(n))
    return subst(base(), [("<w:body>", "<w:body>" + body)])


def _seconds(run) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def test_check_of_many_lines_with_a_trailing_space_is_linear():
    from checker import check_text

    rng = random.Random(3)
    tail = ff.letter_texts()["npc-doc-number-and-date"]

    def letter(n):  # n lines of text ending in a space (RL802, a safe fix each), then a letter
        return "\n".join("".join(chr(rng.randint(0x4E00, 0x9FA5)) for _ in range(20)) + " " for _ in range(n)) + "\n" + tail

    check_text(tail, "a.txt")  # rules loaded
    small, big = letter(1000), letter(4000)
    base_s = _seconds(lambda: check_text(small, "a.txt"))
    large = _seconds(lambda: check_text(big, "a.txt"))
    assert large < 8 * max(base_s, 0.1), f"{base_s:.2f} s → {large:.2f} s from 1,000 to 4,000 lines"


def test_annotate_of_many_fixable_paragraphs_is_linear():
    small, big = _paragraphs_with_trailing_space(1000), _paragraphs_with_trailing_space(4000)
    annotate_bytes(base(), "x.docx")  # rules loaded
    base_s = _seconds(lambda: annotate_bytes(small, "x.docx", mode="comments"))
    large = _seconds(lambda: annotate_bytes(big, "x.docx", mode="comments"))
    assert large < 8 * max(base_s, 0.1), f"{base_s:.2f} s → {large:.2f} s from 1,000 to 4,000 paragraphs"


@pytest.mark.parametrize("make", [lambda: ff.zip_bomb(), lambda: ff.lying_zip_bomb(), lambda: ff.entity_bomb_docx("x")],
                         ids=["zip-bomb", "lying-zip-bomb", "entity-bomb"])
def test_bombs_are_refused_with_a_chinese_message(make):
    from checker.annotate import AnnotateError

    with pytest.raises(AnnotateError, match="炸弹"):
        annotate_bytes(make(), "x.docx", mode="track-changes")


# ---- html report ------------------------------------------------------------------------------------------

def test_html_report_escapes_hostile_file_names_and_lines(tmp_path):
    (tmp_path / "<img src=x onerror=alert(1)>.txt").write_text("公开属性：主动公开\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("东建复[2025]8号</script><img src=x onerror=alert(2)>\n关于</title>"
                                    "<script>alert(3)</script>的答复\n", encoding="utf-8")
    out = tmp_path / "r.html"
    run_cli("check", str(tmp_path), "--format", "html", "-o", str(out))
    page = out.read_text(encoding="utf-8")
    assert page.count("<script") == 1 and page.count("</script>") == 1
    assert "<img" not in page and "onerror=alert" in page  # shown, escaped


# ---- check --fix ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("encode", [
    lambda s: s.replace("\n", "\r\n").encode("gbk"),
    lambda s: b"\xef\xbb\xbf" + s.encode("utf-8"),
    lambda s: s.replace("\n", "\r").encode("utf-8"),
    lambda s: s.replace("\n", "\r\n", 3).encode("utf-8"),
    lambda s: s.encode("utf-16"),
], ids=["gbk-crlf", "utf8-bom", "cr", "mixed-line-ends", "utf16"])
def test_fix_changes_only_the_fixed_bytes(tmp_path, encode):
    text = ff.letter_texts()["npc-doc-number-and-date"]
    fixed, applied = fix_text(text)
    assert applied and fixed != text
    letter = tmp_path / "a.txt"
    letter.write_bytes(encode(text))
    run_cli("check", "--fix", str(letter))
    assert letter.read_bytes() == encode(fixed)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt"]


def test_diff_writes_nothing(tmp_path):
    letter = tmp_path / "a.txt"
    letter.write_bytes((ff.letter_texts()["npc-doc-number-and-date"]).encode("gbk"))
    before = letter.read_bytes()
    r = run_cli("check", "--diff", str(letter))
    assert r.returncode == 1 and "〔2025〕".encode() in r.stdout
    assert letter.read_bytes() == before and sorted(p.name for p in tmp_path.iterdir()) == ["a.txt"]


def test_fix_does_not_overwrite_an_edit_made_during_the_check(tmp_path):
    letter = tmp_path / "a.txt"
    letter.write_text(ff.letter_texts()["npc-doc-number-and-date"], encoding="utf-8")
    edited = "这是同事刚刚保存的新版本。\n"
    program = ("import checker.fix as f, sys\n"
               "orig = f.fix_text_with\n"
               "def patched(text, check, unsafe=False):\n"
               "    r = orig(text, check, unsafe)\n"
               f"    open({str(letter)!r}, 'w', encoding='utf-8').write({edited!r})\n"
               "    return r\n"
               "f.fix_text_with = patched\n"
               "from checker.cli import main; main()")
    run_cli("check", "--fix", str(letter), program=program)
    assert letter.read_text(encoding="utf-8") == edited


def test_fix_leaves_a_read_only_letter_alone(tmp_path):
    letter = tmp_path / "a.txt"
    letter.write_text(ff.letter_texts()["npc-doc-number-and-date"], encoding="utf-8")
    letter.chmod(0o444)
    before = letter.read_bytes()
    r = run_cli("check", "--fix", str(letter))
    assert letter.read_bytes() == before
    assert "只读" in r.stderr.decode() or "无法写回" in r.stderr.decode()


# ---- found later: package and messages -------------------------------------------------------------------

def test_a_dangling_comments_relationship_is_not_doubled():
    p = parts(base())
    p["word/_rels/document.xml.rels"] = p["word/_rels/document.xml.rels"].replace(
        b"</Relationships>", b'<Relationship Id="rIdC" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                             b'relationships/comments" Target="comments.xml"/></Relationships>')
    out, res = annotate_bytes(zipit(p), "x.docx", mode="comments")
    rels = etree.fromstring(parts(out)["word/_rels/document.xml.rels"])
    comments = [r for r in rels if r.get("Type", "").endswith("/comments")]
    assert res.comments == 3 and len(comments) == 1


def test_the_summary_points_to_comments_only_when_there_are_comments_for_the_unplaced_fixes(tmp_path):
    a = f"<w:r>{RPR}<w:t>尊敬的孔德明代表：</w:t></w:r>"
    # a salutation with a trailing space (RL802, 提示, safe fix) shown through a field: the fix cannot be made
    src = subst(base(), [(a, '<w:fldSimple w:instr=" MERGEFIELD x ">' + R("尊敬的孔德明代表： ") + "</w:fldSimple>")])
    letter = tmp_path / "l.docx"
    letter.write_bytes(src)
    r = run_cli("annotate", str(letter), "--apply-fixes")
    out = tmp_path / "l.批注.docx"
    texts = ["".join(c.itertext()) for c in etree.fromstring(parts(out.read_bytes())["word/comments.xml"])]
    said = r.stderr.decode() + r.stdout.decode()
    if "见批注" in said:
        assert any("多余" in t or "空白" in t for t in texts), (said, texts)


def test_a_docm_is_told_how_to_get_a_docx(tmp_path):
    letter = tmp_path / "l.docm"
    letter.write_bytes(base())
    r = run_cli("annotate", str(letter))
    assert r.returncode == 2 and not (tmp_path / "l.批注.docx").exists()
    assert "另存为" in r.stderr.decode() and "PDF" not in r.stderr.decode()


def test_apply_fixes_does_not_move_another_reviewers_deletion():
    src = subst(base(), STRUCTURES["others-deletion-inside-fix"])  # 东建复[20 <del 张三>99</del> 25]8号
    out, res = annotate_bytes(src, "x.docx", mode="apply-fixes")
    rejected = lines(resolve(out, False, author="张三"))
    docno = next(line for line in rejected if line.startswith("东建复"))
    assert not docno.endswith("998号"), docno


def test_a_terminated_annotate_leaves_no_partial_output(tmp_path):
    letter = tmp_path / "l.docx"
    letter.write_bytes(base())
    program = ("import os, signal\n"
               "os.fsync = lambda fd: os.kill(os.getpid(), signal.SIGTERM)\n"
               "from checker.cli import main; main()")
    r = run_cli("annotate", str(letter), program=program)
    assert r.returncode != 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["l.docx"]

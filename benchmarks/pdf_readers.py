#!/usr/bin/env python3
"""pdfminer.six or pypdf for the PDF reader? Speed and correctness on Chinese letters, measured.

    python benchmarks/pdf_readers.py                # fixture PDFs + LibreOffice PDFs (when soffice is there)
    python benchmarks/pdf_readers.py -n 40 --repeat 5

Needs the test extra (python-docx, reportlab) and pypdf (``pip install pypdf``), which replylint itself does
not use; LibreOffice (``soffice``) and a CJK TrueType font are used when present.

The corpus is made at run time from fictional letters only (examples/ and benchmarks/lettergen.py):

* ``reportlab``: the letter laid out as GB/T 9704 asks (tests/formats_fixtures.py), with reportlab's
  built-in Adobe font STSong-Light (a CID font, not embedded, no ToUnicode: the text is found through the
  Adobe-GB1 character collection), justified lines, wrapped paragraphs, page numbers “— N —”;
* ``reportlab-ttf``: the same with an embedded subset TrueType CJK font (WenQuanYi Micro Hei, when the
  Debian package fonts-wqy-microhei is installed), as Word and WPS export;
* ``libreoffice``: the same letter built as a .docx and printed to PDF by LibreOffice (embedded subset
  TrueType fonts with ToUnicode, Chinese/Latin auto-spacing, the title wrapped by Word-like layout);
* ``owner-pypdf``: the reportlab PDFs encrypted by pypdf with an empty user password (as offices restrict
  copying), RC4-128;
* ``owner-rl``: the same encrypted by reportlab itself, which leaves the strings of the font's
  CIDSystemInfo unencrypted (against the specification), so that after decryption they are noise.

Backends (each over the same bytes):

* ``pdfminer-text`` / ``pypdf-text``: the library's own plain-text extraction (pdfminer's layout analysis;
  pypdf's ``extract_text``). Scored on the characters only.
* ``pdfminer+layout``: replylint's reader (glyph boxes from pdfminer → checker/sources/layout.py).
* ``pypdf+layout``: the best pypdf's public API allows: ``extract_text(visitor_text=…)`` gives where each
  text chunk starts, not where it ends, so the chunk's right end is estimated (full width for CJK, half
  for Latin) before the same layout code runs.

Scores: ``chars`` — similarity of the extracted characters to the letter's (white space ignored; 1.000 is
exact); ``paragraphs`` — share of the letter's paragraphs that come out as exactly one line, in order
(layout backends); ``verdicts`` — share of letters whose diagnostics (rule names) equal those of the letter as
typed into Word (one paragraph a line); and the median time per letter.
"""

from __future__ import annotations

import argparse
import difflib
import io
import math
import random
import statistics
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

import formats_fixtures as ff  # noqa: E402
import lettergen  # noqa: E402

from checker.api import check_source, check_text  # noqa: E402
from checker.sources import Source  # noqa: E402
from checker.sources.layout import _FOLIO, Run, paragraph_lines  # noqa: E402
from checker.sources.pdf import read_pdf  # noqa: E402


def corpus(n_generated: int, seed: int) -> dict[str, str]:
    letters = dict(ff.letter_texts())
    rng = random.Random(seed)
    for i in range(n_generated):
        letters[f"gen-{i:03d}"] = lettergen.generate_letter(rng, defect_rate=0.3)
    return letters


def build(letters: dict[str, str], with_libreoffice: bool) -> dict[str, dict[str, bytes]]:
    import pypdf

    out: dict[str, dict[str, bytes]] = {"reportlab": {}, "reportlab-ttf": {}, "owner-pypdf": {}, "owner-rl": {},
                                        "libreoffice": {}}
    for name, text in letters.items():
        pdf = ff.build_pdf(text)
        out["reportlab"][name] = pdf
        if ff.cjk_ttf():
            out["reportlab-ttf"][name] = ff.build_pdf(text, font="ttf")
        writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(pdf)))
        writer.encrypt(user_password="", owner_password="owner", algorithm="RC4-128")
        buf = io.BytesIO()
        writer.write(buf)
        out["owner-pypdf"][name] = buf.getvalue()
        out["owner-rl"][name] = ff.owner_only_pdf(text)
    if with_libreoffice and ff.soffice():
        with tempfile.TemporaryDirectory() as tmp:
            for name, text in list(letters.items())[:6]:  # the examples: LibreOffice takes ~2 s a file
                out["libreoffice"][name] = ff.convert_with_libreoffice(
                    ff.build_docx(text), ".docx", "pdf", Path(tmp) / name)
    return {k: v for k, v in out.items() if v}


# ---- backends --------------------------------------------------------------------------------------------------


def pdfminer_text(data: bytes) -> str:
    from pdfminer.high_level import extract_text

    return extract_text(io.BytesIO(data))


def pypdf_text(data: bytes) -> str:
    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        reader.decrypt("")
    return "\n".join(page.extract_text() for page in reader.pages)


def pdfminer_layout(data: bytes) -> list[str]:
    return read_pdf(data, "x.pdf").lines


def _mult(m, n):
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (a * a2 + b * c2, a * b2 + b * d2, c * a2 + d * c2, c * b2 + d * d2, e * a2 + f * c2 + e2, e * b2 + f * d2 + f2)


def pypdf_layout(data: bytes) -> list[str]:
    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        reader.decrypt("")
    pages = []
    for page in reader.pages:
        runs: list[Run] = []

        def visit(text, cm, tm, font_dict, font_size, runs=runs):
            text = text.replace("\n", "")
            if not text.strip():
                return
            a, b, c, d, e, f = _mult(tm, cm)
            size = font_size * math.hypot(c, d) if (c or d) else font_size
            width = sum(size if unicodedata.east_asian_width(ch) in "WF" else size / 2 for ch in text)
            runs.append(Run(x0=e, x1=e + width, y=-f, size=size, text=text))

        page.extract_text(visitor_text=visit)
        pages.append(runs)
    return [p.text for p in paragraph_lines(pages)]


BACKENDS = {
    "pdfminer-text": ("text", pdfminer_text),
    "pypdf-text": ("text", pypdf_text),
    "pdfminer+layout": ("layout", pdfminer_layout),
    "pypdf+layout": ("layout", pypdf_layout),
}


# ---- scoring -----------------------------------------------------------------------------------------------------


def _squash(text: str) -> str:
    return "".join(text.split())


def _paragraphs(text: str) -> list[str]:
    return [" ".join(p.split()) for p in ff.paragraphs_of(text)]


def char_score(expected: str, got: str) -> float:
    """Similarity of the characters, page numbers (lines that are only “— N —”) left out of both."""
    body = "\n".join(line for line in got.splitlines() if not _FOLIO.match(line.strip()))
    return difflib.SequenceMatcher(None, _squash(expected), _squash(body), autojunk=False).ratio()


def paragraph_score(expected: str, lines: list[str]) -> float:
    want = _paragraphs(expected)
    got = [" ".join(line.split()) for line in lines]
    matcher = difflib.SequenceMatcher(None, want, got, autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks()) / len(want)


def typed(text: str) -> str:
    return "\n".join(p.strip() for p in ff.paragraphs_of(text))


def rules_of(lines: list[str]) -> list[str]:
    result = check_source(Source(path="x.pdf", lines=lines, encoding="pdf"))
    return sorted(d.rule for d in result.diagnostics)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=20, help="generated letters besides the 6 examples (default 20)")
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per file; the median is kept")
    parser.add_argument("--no-libreoffice", action="store_true", help="skip the LibreOffice-printed PDFs")
    args = parser.parse_args()

    letters = corpus(args.n, args.seed)
    sets = build(letters, not args.no_libreoffice)
    # the verdicts of the letter as typed into Word: one paragraph a line (a .txt's blank lines, page-number
    # lines and stray white space do not survive into a PDF, nor should their findings)
    expected_rules = {name: sorted(d.rule for d in check_text(typed(text)).diagnostics) for name, text in letters.items()}
    for backend, (kind, fn) in BACKENDS.items():  # warm up: imports, CMap loading
        fn(sets["reportlab"]["npc-compliant"])
    print(f"{'corpus':<14} {'backend':<16} {'files':>5} {'ms/file':>8} {'chars':>7} {'paragraphs':>10} {'verdicts':>8}")
    for set_name, files in sets.items():
        for backend, (kind, fn) in BACKENDS.items():
            times, chars, paras, verdicts, failures = [], [], [], [], 0
            for name, data in files.items():
                text = letters[name]
                try:
                    out = fn(data)
                except Exception as exc:  # noqa: BLE001 - a backend that fails on a file scores zero for it
                    failures += 1
                    chars.append(0.0)
                    if kind == "layout":
                        paras.append(0.0)
                        verdicts.append(0.0)
                    print(f"  {set_name}/{name}: {backend} failed: {type(exc).__name__}: {exc}", file=sys.stderr)
                    continue
                runs = []
                for _ in range(args.repeat):
                    start = time.perf_counter()
                    fn(data)
                    runs.append(time.perf_counter() - start)
                times.append(statistics.median(runs))
                joined = out if isinstance(out, str) else "\n".join(out)
                chars.append(char_score(text, joined))
                if kind == "layout":
                    paras.append(paragraph_score(text, out))
                    verdicts.append(1.0 if rules_of(out) == expected_rules[name] else 0.0)
            ms = statistics.median(times) * 1000 if times else float("nan")
            p = f"{statistics.mean(paras):.3f}" if paras else "—"
            v = f"{statistics.mean(verdicts):.3f}" if verdicts else "—"
            note = f"  ({failures} failed)" if failures else ""
            print(f"{set_name:<14} {backend:<16} {len(files):>5} {ms:>8.1f} {statistics.mean(chars):>7.3f} {p:>10} {v:>8}"
                  f"{note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""An archive as supervisors have them, checked with ``--jobs 1`` and ``--jobs 2`` (issue #4).

    python benchmarks/archive.py                  # 2,000 letters + broken and malicious files
    python benchmarks/archive.py -n 500 --keep DIR

Builds, in a temporary folder, ``n`` generated fictional letters (benchmarks/lettergen.py) saved mostly as
.txt, with a share as .docx, .pdf and .ofd (made by tests/formats_fixtures.py, so it needs the test extras:
``pip install '.[test]'``), mixed with broken and malicious files (zero bytes, zip bomb, XML entity bomb,
truncated zip, encrypted and scanned PDFs, binary text). Then runs ``replylint check DIR --format json``
with each ``--jobs`` setting (best of ``--repeat`` runs, whole command, start-up included) and checks that

* both runs give the same report,
* every good file is reported without an error, and every bad file has its own error message,
* the exit code is 2 (some files could not be read).

Exit status 1 if any check fails or ``--jobs 2`` is not faster than ``--jobs 1``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests"))

import lettergen  # noqa: E402


def build_archive(folder: Path, n: int, seed: int) -> tuple[set[str], dict[str, str]]:
    """Write the archive; return the good files and, for each bad file, a word its message must contain."""
    import formats_fixtures as ff

    letters = lettergen.generate_corpus(n, seed=seed)
    good: set[str] = set()
    for i, text in enumerate(letters):
        year = folder / f"{2020 + i % 6}"
        year.mkdir(exist_ok=True)
        if i % 20 == 1:
            path, data = year / f"letter-{i:05d}.docx", ff.build_docx(text)
        elif i % 40 == 3:
            path, data = year / f"letter-{i:05d}.pdf", ff.build_pdf(text)
        elif i % 40 == 5:
            path, data = year / f"letter-{i:05d}.ofd", ff.build_ofd(text)
        else:
            path, data = year / f"letter-{i:05d}.txt", text.encode("utf-8" if i % 7 else "gb18030")
        path.write_bytes(data)
        good.add(str(path))
    sample = letters[0]
    broken = folder / "broken"
    broken.mkdir()
    bad_files = {
        "empty.txt": (b"", "0 字节"),
        "empty.docx": (b"", "0 字节"),
        "binary.txt": (bytes(range(256)) * 8, "二进制"),
        "zip-bomb.docx": (ff.zip_bomb(), "压缩炸弹"),
        "lying-zip-bomb.docx": (ff.lying_zip_bomb(), "压缩炸弹"),
        "entity-bomb.docx": (ff.entity_bomb_docx(sample), "实体"),
        "entity-bomb.ofd": (ff.entity_bomb_ofd(sample), "实体"),
        "truncated.docx": (ff.truncated(ff.build_docx(sample)), "不完整"),
        "encrypted.pdf": (ff.encrypted_pdf(sample), "密码"),
        "scanned.pdf": (ff.build_scanned_pdf(), "文字层"),
        "not-a-pdf.pdf": (b"%!PS-Adobe-3.0\n", "PDF"),
    }
    expected = {}
    for name, (data, word) in bad_files.items():
        (broken / name).write_bytes(data)
        expected[str(broken / name)] = word
    return good, expected


def run(folder: Path, jobs: int) -> tuple[float, int, dict]:
    start = time.perf_counter()
    proc = subprocess.run(["replylint", "check", str(folder), "--format", "json", "--jobs", str(jobs), "--isolated"],
                          capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    return elapsed, proc.returncode, json.loads(proc.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=2000, help="letters (default 2000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=2, help="runs per setting; the best is reported")
    parser.add_argument("--keep", type=Path, help="build the archive here and keep it")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp) / "archive"
        folder.mkdir(parents=True, exist_ok=True)
        t = time.perf_counter()
        good, bad = build_archive(folder, args.n, args.seed)
        print(f"archive: {len(good)} letters (.txt/.docx/.pdf/.ofd) and {len(bad)} bad files, "
              f"built in {time.perf_counter() - t:.1f} s")
        timings, reports = {}, {}
        for jobs in (1, 2):
            best = float("inf")
            for _ in range(args.repeat):
                elapsed, code, report = run(folder, jobs)
                best = min(best, elapsed)
            timings[jobs], reports[jobs] = best, (code, report)
            print(f"--jobs {jobs}: {best:.2f} s ({len(good) / best:,.0f} letters/s, whole command)")

        failures = []
        if reports[1] != reports[2]:
            failures.append("--jobs 1 and --jobs 2 gave different reports")
        code, report = reports[2]
        by_path = {f["path"]: f for f in report["files"]}
        if code != 2:
            failures.append(f"exit code {code}, expected 2 (unreadable files)")
        missing = good.union(bad) - set(by_path)
        if missing:
            failures.append(f"{len(missing)} files not reported, e.g. {sorted(missing)[:3]}")
        good_errors = [p for p in good if by_path.get(p, {}).get("error")]
        if good_errors:
            failures.append(f"{len(good_errors)} good files with an error, e.g. {by_path[good_errors[0]]['error']}")
        for path, word in bad.items():
            message = by_path.get(path, {}).get("error") or ""
            if word not in message:
                failures.append(f"{Path(path).name}: expected a message with “{word}”, got “{message}”")
        if timings[2] >= timings[1]:
            failures.append("--jobs 2 was not faster than --jobs 1")
        summary = report["summary"]
        print(f"summary: {summary['files']} files, {summary['unreadable']} unreadable, "
              f"{summary['with_findings']} with findings; speed-up {timings[1] / timings[2]:.2f}x")
        for failure in failures:
            print("FAIL:", failure)
        return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

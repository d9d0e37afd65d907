#!/usr/bin/env python3
"""Re-auditing an unchanged archive must cost a small fraction of the first audit (issue 5).

    python benchmarks/audit_incremental.py                  # 2,000 generated letters, in-process and end to end
    python benchmarks/audit_incremental.py --no-cli         # in-process only

Generates fictional letters (lettergen) into a temporary folder, backdates them by a day (an archive holds
letters sent earlier; files written within the last two seconds are re-hashed on purpose, see
checker/audit/store.py), then audits it twice with ``--html``:

* in-process: ``run_audit`` + ``build_report`` + ``write_html``, first (empty store, cold rule catalogue) and
  second (nothing changed); exits 1 if first ÷ second is below ``--min-ratio`` (default 10);
* end to end (unless ``--no-cli``): ``replylint audit DIR --html r.html`` (as its script runs it), with a fresh
  database, plus the bare start-up time of the command (``--version``), which bounds any second run from
  below. Reported, not gated: the start-up of the whole ``replylint`` command is not the audit's to change.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import lettergen  # noqa: E402


def write_corpus(folder: Path, n: int, seed: int) -> None:
    yesterday = time.time() - 86400
    for i, text in enumerate(lettergen.generate_corpus(n, seed=seed), 1):
        path = folder / f"letter-{i:05d}.txt"
        path.write_text(text, encoding="utf-8")
        os.utime(path, (yesterday, yesterday))


def in_process(folder: Path, jobs: int) -> tuple[float, float, int, int]:
    from checker.audit import build_report, run_audit, write_html
    from checker.audit.fingerprint import base_version
    from checker.audit.collect import rule_catalogue

    def once():
        base_version.cache_clear()  # what a new process computes again
        rule_catalogue.cache_clear()
        start = time.perf_counter()
        audit = run_audit([folder], jobs=jobs, db_path=folder.parent / "inproc.sqlite")
        write_html(build_report(audit), folder.parent / "inproc.html")
        return time.perf_counter() - start, audit

    first, a1 = once()
    second, a2 = once()
    assert a1.rechecked == len(a1.entries) and a2.rechecked == 0, (a1.rechecked, a2.rechecked)
    return first, second, a1.rechecked, a2.reused


def end_to_end(folder: Path, jobs: int) -> tuple[float, float, float]:
    command = [sys.executable, "-c", "from checker.cli import main; main()"]  # as the `replylint` script does
    env = {**os.environ, "PYTHONPATH": str(HERE.parent) + os.pathsep + os.environ.get("PYTHONPATH", "")}

    def timed(args) -> float:
        start = time.perf_counter()
        done = subprocess.run(command + args, env=env, capture_output=True, text=True)
        elapsed = time.perf_counter() - start
        if done.returncode not in (0, 1):
            sys.exit(f"audit failed ({done.returncode}): {done.stderr}")
        return elapsed

    db = folder.parent / "cli.sqlite"
    audit = ["audit", str(folder), "--html", str(folder.parent / "cli.html"), "--db", str(db), "--jobs", str(jobs)]
    startup = min(timed(["--version"]) for _ in range(3))
    firsts, seconds = [], []
    for _ in range(2):  # best of two first audits (a fresh store each), best of three re-audits
        for stale in folder.parent.glob("cli.sqlite*"):
            stale.unlink()
        firsts.append(timed(audit))
        seconds.extend(timed(audit) for _ in range(3))
    return min(firsts), min(seconds), startup


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=2000, help="letters (default 2000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("-j", "--jobs", type=int, default=0, help="worker processes (default 0 = all cores, as the CLI)")
    parser.add_argument("--min-ratio", type=float, default=10.0, help="exit 1 if first/second in-process is below this")
    parser.add_argument("--no-cli", action="store_true", help="skip the end-to-end runs")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="replylint-audit-bench-") as tmp:
        folder = Path(tmp) / "archive"
        folder.mkdir()
        write_corpus(folder, args.n, args.seed)
        first, second, checked, reused = in_process(folder, args.jobs)
        ratio = first / second
        print(f"in-process, {args.n} letters: first audit {first:.3f} s ({checked} checked), "
              f"second {second:.3f} s ({reused} re-used): {ratio:.1f}x")
        if not args.no_cli:
            cli_first, cli_second, startup = end_to_end(folder, args.jobs)
            print(f"end to end (replylint audit … --html, best runs): first {cli_first:.3f} s, second {cli_second:.3f} s: "
                  f"{cli_first / cli_second:.1f}x; bare start-up (--version) {startup:.3f} s, so the second run's own work "
                  f"is {cli_second - startup:.3f} s ({(cli_first - startup) / max(cli_second - startup, 1e-3):.1f}x net of start-up)")
    if ratio < args.min_ratio:
        print(f"FAIL: in-process ratio {ratio:.1f} is below {args.min_ratio:g}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

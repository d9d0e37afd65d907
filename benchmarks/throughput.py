#!/usr/bin/env python3
"""Letters per second for parse + check, single process, over a generated corpus of fictional letters.

    python benchmarks/throughput.py                 # 2,000 letters in memory, best of 3 runs
    python benchmarks/throughput.py --files DIR     # read the .txt files of DIR instead (includes I/O)

The target (issue #2, #3): at least 1,500 letters per second in one process on the development machine.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import lettergen  # noqa: E402

from checker import check_text  # noqa: E402
from checker.api import check_paths, check_texts  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=2000, help="letters to generate (default 2000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3, help="runs; the best is reported (default 3)")
    parser.add_argument("--files", type=Path, help="check the .txt files of this directory instead")
    parser.add_argument("--min-rate", type=float, default=0.0, help="exit 1 if the rate is below this")
    args = parser.parse_args()

    if args.files:
        paths = sorted(args.files.rglob("*.txt"))
        run = lambda: check_paths(paths).files  # noqa: E731
        count = len(paths)
        what = f"{count} files from {args.files}"
    else:
        corpus = lettergen.generate_corpus(args.n, seed=args.seed)
        run = lambda: check_texts(corpus)  # noqa: E731
        count = len(corpus)
        what = f"{count} generated letters (seed {args.seed}, {sum(map(len, corpus)) // count} characters on average)"

    check_text(lettergen.generate_corpus(1, seed=0)[0])  # warm-up: grammar and rules are built once
    best = float("inf")
    findings = 0
    for _ in range(args.repeat):
        start = time.perf_counter()
        results = run()
        best = min(best, time.perf_counter() - start)
        findings = sum(len(r.diagnostics) for r in results)
    rate = count / best
    print(f"{what}: {best:.3f} s, {rate:,.0f} letters/s (best of {args.repeat}), {findings} findings")
    return 1 if rate < args.min_rate else 0


if __name__ == "__main__":
    sys.exit(main())

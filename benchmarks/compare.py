#!/usr/bin/env python3
"""Throughput of two checkouts of replylint, measured in the same run: "before and after" of a change.

    git worktree add /tmp/before <commit>
    python benchmarks/compare.py /tmp/before .          # 40 rounds of 600 generated letters each

Each checkout runs in a worker process of its own (its ``checker`` package first on the path), and the
workers take turns, round after round, so that a slow spell of the machine falls on both alike. Printed:
the best and the median time of a round for each, and the change in letters per second from the first to
the second.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

WORKER = r"""
import gc, sys, time
sys.path.insert(0, "benchmarks")
import lettergen
from checker.api import check_texts
texts = lettergen.generate_corpus(int(sys.argv[1]), seed=1)
check_texts(texts[:50])  # warm-up: grammar and rules are built once
for _ in sys.stdin:
    gc.collect()
    start = time.perf_counter()
    check_texts(texts)
    print(f"{time.perf_counter() - start:.5f}", flush=True)
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("before", type=Path, help="the checkout to compare against")
    parser.add_argument("after", type=Path, help="the checkout measured")
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("-n", type=int, default=600, help="letters per round (default 600)")
    args = parser.parse_args()
    workers = {}
    for name, folder in (("before", args.before.resolve()), ("after", args.after.resolve())):
        env = dict(os.environ, PYTHONPATH=str(folder))
        workers[name] = subprocess.Popen([sys.executable, "-c", WORKER, str(args.n)], cwd=folder, env=env,
                                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    times: dict[str, list[float]] = {"before": [], "after": []}
    try:
        for i in range(args.rounds):
            for name in (("before", "after") if i % 2 == 0 else ("after", "before")):
                worker = workers[name]
                worker.stdin.write("run\n")
                worker.stdin.flush()
                times[name].append(float(worker.stdout.readline()))
    finally:
        for worker in workers.values():
            worker.stdin.close()
            worker.wait()
    for name, measured in times.items():
        print(f"{name:6}  best {min(measured):.4f} s  median {statistics.median(measured):.4f} s  "
              f"({args.n / min(measured):,.0f} letters/s at best)")
    # the change in letters per second (what a throughput bound speaks of), from the best and the median round
    best = min(times["before"]) / min(times["after"]) - 1
    median = statistics.median(times["before"]) / statistics.median(times["after"]) - 1
    print(f"throughput after vs before: {best:+.1%} (best rounds), {median:+.1%} (median rounds)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

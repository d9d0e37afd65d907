#!/usr/bin/env python3
"""Requests per second and latency of ``replylint serve`` on loopback, with generated letters.

    python benchmarks/serve_load.py                      # 4 clients × 100 requests, 2 workers
    python benchmarks/serve_load.py --clients 8 -n 50 --workers 2 --endpoint fix

Starts ``replylint serve --port 0`` as a process of its own, sends each client's requests one after another
(JSON ``{"text": …}`` of fictional letters from lettergen.py) to 127.0.0.1 only, and stops the server with
Ctrl-C (SIGINT) when done. Prints requests per second, the median and 95th-percentile latency, and the
server's resident memory before and after. Bounded: at most 10,000 requests, and each waits 120 s at most.
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import lettergen  # noqa: E402 - after the path it is found on


def rss_mib(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1)) / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("-n", type=int, default=100, help="requests per client (default 100)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--endpoint", choices=["check", "fix"], default="check")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if args.clients * args.n > 10_000:
        parser.error("at most 10,000 requests")

    letters = [json.dumps({"text": t}, ensure_ascii=False).encode() for t in lettergen.generate_corpus(200, seed=args.seed)]
    server = subprocess.Popen([sys.executable, "-m", "checker.cli", "serve", "--port", "0", "--workers", str(args.workers)],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        port = int(re.search(r"127\.0\.0\.1:(\d+)/", server.stdout.readline()).group(1))

        def send(body: bytes) -> int:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            try:
                conn.request("POST", f"/api/{args.endpoint}", body, {"Content-Type": "application/json"})
                response = conn.getresponse()
                response.read()
                return response.status
            finally:
                conn.close()

        for body in letters[:20]:  # warm-up: the workers load what the first letters need
            send(body)
        before = rss_mib(server.pid)
        latencies: list[float] = []
        statuses: dict[int, int] = {}
        lock = threading.Lock()

        def client(seed: int) -> None:
            rng = random.Random(seed)
            for _ in range(args.n):
                began = time.perf_counter()
                status = send(rng.choice(letters))
                with lock:
                    latencies.append(time.perf_counter() - began)
                    statuses[status] = statuses.get(status, 0) + 1

        threads = [threading.Thread(target=client, args=(i,)) for i in range(args.clients)]
        began = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - began
        latencies.sort()
        total = len(latencies)
        print(f"{total} requests to /api/{args.endpoint} from {args.clients} clients, {args.workers} workers: "
              f"{total / elapsed:.0f} requests/s; latency median {latencies[total // 2] * 1000:.0f} ms, "
              f"95th percentile {latencies[int(total * 0.95)] * 1000:.0f} ms; statuses {statuses}")
        print(f"server RSS {before:.1f} MiB after warm-up, {rss_mib(server.pid):.1f} MiB after the load")
        return 0 if set(statuses) == {200} else 1
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(15)
        except subprocess.TimeoutExpired:
            server.kill()


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""A/B of two `dossier search --batch` processes on the bench's query mix.

Compares two binaries (a change against the commit before it), or two modes
of one binary (`--by-document` against `--flat`), on the queries of the last
`make bench` (read from .build-bench/latencies.json) and its workspace.

The spread between two processes of one binary is as large as the effects
measured here (code placement, page alignment: 0.9x-1.3x from one pair to
the next on this machine), so the script starts several pairs of processes,
runs rounds of the whole mix through both in turn (the first of a round
alternating), both pinned to one core, and reports per class the median of
each pair's ratio of p50s: A / B, above 1 when A is slower.

    python3 bench/ab.py --a .build/release/dossier --b /tmp/old/dossier
    python3 bench/ab.py --a .build/release/dossier --a-args=--by-document --b .build/release/dossier
"""
import argparse
import json
import os
import statistics
import subprocess
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
WORK = os.path.join(HERE, "..", ".build-bench")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--a", required=True, help="dossier binary A")
    parser.add_argument("--a-args", default="--flat", help="search options of A (default --flat)")
    parser.add_argument("--b", required=True, help="dossier binary B")
    parser.add_argument("--b-args", default="--flat", help="search options of B (default --flat)")
    parser.add_argument("--pairs", type=int, default=4, help="pairs of processes")
    parser.add_argument("--rounds", type=int, default=5, help="rounds of the mix per pair")
    parser.add_argument("--core", default="1", help="the core both run on")
    args = parser.parse_args()

    with open(os.path.join(WORK, "latencies.json")) as f:
        classes = {name: [row[0] for row in rows] for name, rows in json.load(f).items()}
    text = "".join(q + "\n" for qs in classes.values() for q in qs).encode()
    n = sum(len(qs) for qs in classes.values())
    workspace = os.path.join(WORK, "ws")

    def start(binary, extra):
        return subprocess.Popen(["taskset", "-c", args.core, binary, "search", "--batch", "--limit", "10",
                                 "--workspace", workspace] + extra.split(),
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE)

    def one_round(process):
        writer = threading.Thread(target=lambda: (process.stdin.write(text), process.stdin.flush()))
        writer.start()
        took = [json.loads(process.stdout.readline())["took_ms"] for _ in range(n)]
        writer.join()
        return took

    ratios = {name: [] for name in classes}
    for pair in range(args.pairs):
        a, b = start(args.a, args.a_args), start(args.b, args.b_args)
        rounds = {"a": [], "b": []}
        for r in range(args.rounds):
            order = (("a", a), ("b", b)) if (r + pair) % 2 == 0 else (("b", b), ("a", a))
            for key, process in order:
                rounds[key].append(one_round(process))
        for process in (a, b):
            process.stdin.close()
            process.wait()
        # Each query's median over the rounds, then each class's p50.
        medians = {k: [statistics.median(x[i] for x in v) for i in range(n)] for k, v in rounds.items()}
        at = 0
        for name, qs in classes.items():
            m = len(qs)
            ratios[name].append(statistics.median(medians["a"][at:at + m]) / statistics.median(medians["b"][at:at + m]))
            at += m
    for name, values in ratios.items():
        pairs = " ".join(f"{v:.2f}" for v in values)
        print(f"{name:15s} A/B {statistics.median(values):.2f}  (pairs: {pairs})")


if __name__ == "__main__":
    main()

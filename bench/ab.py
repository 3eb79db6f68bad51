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

from bench import WORK, DossierBatch


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--a", required=True, help="dossier binary A")
    parser.add_argument("--a-args", default="", help="search options of A (default: the flat search)")
    parser.add_argument("--b", required=True, help="dossier binary B")
    parser.add_argument("--b-args", default="", help="search options of B (default: the flat search)")
    parser.add_argument("--pairs", type=int, default=4, help="pairs of processes")
    parser.add_argument("--rounds", type=int, default=5, help="rounds of the mix per pair")
    parser.add_argument("--core", default="1", help="the core both run on")
    args = parser.parse_args()

    with open(os.path.join(WORK, "latencies.json")) as f:
        queries = {name: [row[0] for row in rows] for name, rows in json.load(f).items()}
    workspace = os.path.join(WORK, "ws")
    pin = ("taskset", "-c", args.core)

    ratios = {name: [] for name in queries}
    for pair in range(args.pairs):
        batches = {"a": DossierBatch(args.a, workspace, queries, args.a_args.split(), pin),
                   "b": DossierBatch(args.b, workspace, queries, args.b_args.split(), pin)}
        rounds = {"a": [], "b": []}
        for r in range(args.rounds):
            for key in ("a", "b") if (r + pair) % 2 == 0 else ("b", "a"):
                rounds[key].append(batches[key].round())
        for batch in batches.values():
            batch.close()
        # Each query's median over the rounds, then each class's p50.
        for name, qs in queries.items():
            p50 = {k: statistics.median(statistics.median(r[name][i] for r in v) for i in range(len(qs))) for k, v in rounds.items()}
            ratios[name].append(p50["a"] / p50["b"])
    for name, values in ratios.items():
        pairs = " ".join(f"{v:.2f}" for v in values)
        print(f"{name:15s} A/B {statistics.median(values):.2f}  (pairs: {pairs})")


if __name__ == "__main__":
    main()

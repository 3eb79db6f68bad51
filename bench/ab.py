#!/usr/bin/env python3
"""A/B of two `dossier search --batch` processes on the bench's query mix.

Compares two binaries (a change against the commit before it), or two modes
of one binary (`--by-document` against `--flat`), on the queries of the last
`make bench` (read from .build-bench/latencies.json) and its workspace.

Each pair of processes (bench.py's paired_rounds) runs rounds of the whole
mix through both in turn, both pinned to one core; the script reports per
class the median over the pairs of each pair's ratio of p50s: A / B, above 1
when A is slower.

    python3 bench/ab.py --a .build/release/dossier --b /tmp/old/dossier
    python3 bench/ab.py --a .build/release/dossier --a-args=--by-document --b .build/release/dossier

At scale, the workspace and query mix of `make bench-scale`:

    python3 bench/ab.py --a A --b B --workspace /work/scale/ws --queries /work/scale/ws-cache/queries.json
"""
import argparse
import json
import os
import statistics

from bench import WORK, DossierBatch, paired_rounds


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--a", required=True, help="dossier binary A")
    parser.add_argument("--a-args", default="", help="search options of A (default: the flat search)")
    parser.add_argument("--b", required=True, help="dossier binary B")
    parser.add_argument("--b-args", default="", help="search options of B (default: the flat search)")
    parser.add_argument("--pairs", type=int, default=8, help="pairs of processes")
    parser.add_argument("--rounds", type=int, default=5, help="rounds of the mix per pair")
    parser.add_argument("--core", default="1", help="the core both run on")
    parser.add_argument("--workspace", default=os.path.join(WORK, "ws"))
    parser.add_argument("--queries", default=os.path.join(WORK, "latencies.json"),
                        help="per class, rows whose first item is Dossier's query")
    args = parser.parse_args()

    with open(args.queries) as f:
        queries = {name: [row[0] for row in rows] for name, rows in json.load(f).items()}
    workspace = args.workspace
    pin = ("taskset", "-c", args.core)

    runs = paired_rounds(lambda: DossierBatch(args.a, workspace, queries, args.a_args.split(), pin),
                         lambda: DossierBatch(args.b, workspace, queries, args.b_args.split(), pin),
                         queries, args.pairs, args.rounds)
    ratios = {name: [statistics.median(a) / statistics.median(b) for a, b in pairs] for name, pairs in runs.items()}
    for name, values in ratios.items():
        pairs = " ".join(f"{v:.2f}" for v in values)
        print(f"{name:15s} A/B {statistics.median(values):.2f}  (pairs: {pairs})")


if __name__ == "__main__":
    main()

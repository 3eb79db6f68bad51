#!/usr/bin/env python3
"""A/B of the index build time of two or more `dossier` binaries.

Each binary rebuilds its index from its own workspace's catalog (the
passages already extracted): `rm -r index/segments index/manifest.json;
dossier index --json --no-ocr`, and the build's `build_seconds` (the
index alone, reading the catalog excluded) is kept. The builds take turns,
one of each per round, the order rotating, so that the machine's drift
(±10% between minutes here) falls on all of them alike.

Three estimators of each build's time against the first's are printed:
the ratio of the medians, the median of the per-round ratios (with its
quartiles), and the median over groups of five rounds of the ratio of the
groups' best runs (the bench's "best of five").

    python3 bench/ab_index.py --rounds 100 \\
        before=/tmp/old/.build/release/dossier:/tmp/ws-old \\
        after=.build/release/dossier:/tmp/ws-new

A workspace should be extracted by its own binary (`dossier index` on the
same PDFs), as catalogs of different versions may differ.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess


def build_seconds(binary, workspace):
    index = os.path.join(workspace, "index")
    shutil.rmtree(os.path.join(index, "segments"), ignore_errors=True)
    try:
        os.remove(os.path.join(index, "manifest.json"))
    except FileNotFoundError:
        pass
    out = subprocess.run([binary, "index", "--workspace", workspace, "--json", "--no-ocr"],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout)["indexed"]["build_seconds"]


def quartiles(values):
    s = sorted(values)
    return s[len(s) // 4], statistics.median(s), s[(3 * len(s)) // 4]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("builds", nargs="+", help="name=binary:workspace; the first is the reference")
    args = parser.parse_args()
    builds = {}
    for spec in args.builds:
        name, rest = spec.split("=", 1)
        binary, workspace = rest.rsplit(":", 1)
        builds[name] = (binary, workspace)
    names = list(builds)
    times = {name: [] for name in names}
    for r in range(args.rounds):
        order = names[r % len(names):] + names[:r % len(names)]
        for name in order:
            times[name].append(build_seconds(*builds[name]))
    ref = times[names[0]]
    print(f"{args.rounds} rounds; time against {names[0]} (above 1: slower)")
    print("| build | median ms | best ms | ratio of medians | per-round ratio, median (quartiles) | best of 5, median (quartiles) |")
    print("|---|---:|---:|---:|---|---|")
    for name in names:
        t = times[name]
        q = quartiles([t[i] / ref[i] for i in range(args.rounds)])
        groups = [min(t[g:g + 5]) / min(ref[g:g + 5]) for g in range(0, args.rounds - 4, 5)]
        b = quartiles(groups) if groups else (float("nan"),) * 3
        print(f"| {name} | {statistics.median(t) * 1000:.1f} | {min(t) * 1000:.1f} | "
              f"{statistics.median(t) / statistics.median(ref):.3f} | {q[1]:.3f} ({q[0]:.3f}–{q[2]:.3f}) | "
              f"{b[1]:.3f} ({b[0]:.3f}–{b[2]:.3f}) |")


if __name__ == "__main__":
    main()

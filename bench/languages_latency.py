"""Search latency by class: single words, AND, OR and phrases of the pairs
in bench/pairs.txt, by document (the default search) and --flat, counting
up to 1,000 as the default search does.

    python3 bench/languages_latency.py WORKSPACE DOSSIER_BINARY [details]
        by document against --flat, one `--batch` process each, one after
        the other: p50 over the queries of each query's median of 7 rounds;
    python3 bench/languages_latency.py WORKSPACE A_BINARY --against B_BINARY [--against-workspace WS] [--rounds N] [--mode by-document|flat|both]
        two builds side by side (B on WS when given: an index in another
        format, or the same build on two indexes): both processes stay up, pinned to core 1,
        and answer each query in turn (the first to answer alternating
        from round to round), so that a slow spell of the machine slows
        both; A's and B's p50 and their ratio per class.

Run from the project root.
"""
import argparse
import json
import statistics
import subprocess

pairs = [l.strip() for l in open('bench/pairs.txt') if l.strip()][:11]
singles = sorted(set(w for p in pairs for w in p.split()))
extra_words = ["exemple", "police", "documentation", "beispiel", "esempio", "the", "und", "de", "fonction", "paquet"]
CLASSES = [("single words", singles + extra_words), ("AND of two", pairs), ("OR of two", [p.replace(" ", " OR ") for p in pairs]),
           ("phrase", ['"%s"' % p for p in pairs])]
COUNT = ["--count-up-to", "1000"]


def p50(xs):
    xs = sorted(xs)
    return xs[len(xs) // 2]


def sequential(ws, binary, details):
    def run(qs, extra, rounds=7):
        inp = "".join(q + "\n" for _ in range(rounds) for q in qs)
        out = subprocess.run([binary, "search", "--workspace", ws, "--batch"] + COUNT + extra, input=inp, capture_output=True,
                             text=True).stdout.splitlines()
        rows = [json.loads(l) for l in out]
        n = len(qs)
        return [sorted(rows[i + k * n]["took_ms"] for k in range(rounds))[rounds // 2] for i in range(n)], [rows[i]["total"] for i in range(n)]
    for name, qs in CLASSES:
        doc, tot = run(qs, ["--by-document"])
        flat, _ = run(qs, [])
        print(f"{name:14s} by document p50 {p50(doc)*1000:8.1f} µs   flat p50 {p50(flat)*1000:8.1f} µs   max by doc {max(doc)*1000:8.1f} µs")
        if details:
            for q, a, b, t in zip(qs, doc, flat, tot):
                print(f"   {q:30s} {a*1000:9.1f} {b*1000:9.1f} {t}")


def side_by_side(ws, a_binary, b_binary, rounds, modes, b_ws=None):
    def start(binary, extra, workspace=ws):
        return subprocess.Popen(["taskset", "-c", "1", binary, "search", "--workspace", workspace, "--batch"] + COUNT + extra,
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)

    def ask(process, query):
        process.stdin.write(query + "\n")
        process.stdin.flush()
        return json.loads(process.stdout.readline())["took_ms"] * 1000
    for mode in modes:
        extra = ["--by-document"] if mode == "by-document" else []
        a, b = start(a_binary, extra), start(b_binary, extra, b_ws or ws)
        times = {}
        for r in range(rounds):
            order = [("a", a), ("b", b)] if r % 2 == 0 else [("b", b), ("a", a)]
            for name, qs in CLASSES:
                for q in qs:
                    for tag, process in order:
                        times.setdefault((name, q, tag), []).append(ask(process, q))
        for process in (a, b):
            process.stdin.close()
            process.wait()
        for name, qs in CLASSES:
            ta = p50([statistics.median(times[(name, q, "a")]) for q in qs])
            tb = p50([statistics.median(times[(name, q, "b")]) for q in qs])
            print(f"{mode:12s} {name:13s} A p50 {ta:8.1f} µs   B p50 {tb:8.1f} µs   A/B {ta / tb:.2f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("workspace")
    parser.add_argument("binary")
    parser.add_argument("details", nargs="?")
    parser.add_argument("--against", help="a second build, measured side by side with the first")
    parser.add_argument("--against-workspace", help="the workspace the second build searches (default: the first's)")
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--mode", choices=["by-document", "flat", "both"], default="both")
    args = parser.parse_args()
    if args.against:
        modes = ["by-document", "flat"] if args.mode == "both" else [args.mode]
        side_by_side(args.workspace, args.binary, args.against, args.rounds, modes, args.against_workspace)
    else:
        sequential(args.workspace, args.binary, args.details is not None)


if __name__ == "__main__":
    main()

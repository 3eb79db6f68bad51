#!/usr/bin/env python3
"""Issue 39's done-when, between two builds: a workspace made by the
previous build (OLD_WS, read by OLD_BINARY) and the same workspace moved by
the new build's storage pass (NEW_WS, NEW_BINARY).

1. Every search answers the same: queries drawn (seeded) from the old
   catalog's text (single words, AND and OR of two, phrases of two
   neighbours) through `dossier search --json`, by document and --flat;
   the JSON must be equal but for `took_ms` and the workspace's path.
2. Snippets and `show` as fast: both workspaces served (`dossier serve`),
   the same requests taking turns round by round: `/api/search?q=…` (the
   default search with its snippets, citations and pages) and
   `/documents/N` (a document's page: its pages' text); p50 and p90 of each
   request's median over the rounds, new ÷ old.

Usage (from the project root):
  python3 bench/storage_check.py OLD_BINARY OLD_WS NEW_BINARY NEW_WS [--queries 300] [--rounds 5]
"""
import argparse, json, random, re, sqlite3, statistics, subprocess, time, urllib.parse, urllib.request


def draw(old_ws, n, seed):
    db = sqlite3.connect(f"file:{old_ws}/index/catalog.sqlite?mode=ro", uri=True)
    rng = random.Random(seed)
    top = db.execute("SELECT max(id) FROM passages").fetchone()[0]
    queries = []
    while len(queries) < n:
        row = db.execute("SELECT text FROM passages WHERE id >= ? AND state = 0 ORDER BY id LIMIT 1", (rng.randint(1, top),)).fetchone()
        words = [w for w in re.findall(r"[A-Za-z]{3,}", row[0] if row else "")]
        if len(words) < 4:
            continue
        i = rng.randrange(len(words) - 1)
        a, b, c = words[i].lower(), words[i + 1].lower(), rng.choice(words).lower()
        kind = len(queries) % 4
        queries.append([a, f"{a} {c}", f"{a} OR {c}", f'"{a} {b}"'][kind])
    documents = [r[0] for r in db.execute("SELECT id FROM documents WHERE status = 'extracted' AND retired = 0 ORDER BY id")]
    return queries, rng.sample(documents, min(len(documents), n // 3))


def answers(binary, ws, query, flat):
    out = subprocess.run([binary, "search", "--workspace", ws, "--json", "--limit", "10"] + (["--flat"] if flat else []) + ["--", query],
                         capture_output=True, text=True)
    try:
        doc = json.loads(out.stdout.replace(ws.rstrip("/"), "WORKSPACE"))
    except json.JSONDecodeError:
        return ("error", out.returncode, out.stderr.strip())
    doc.pop("took_ms", None)
    return doc


class Server:
    def __init__(self, binary, ws, port):
        self.base = f"http://127.0.0.1:{port}"
        self.process = subprocess.Popen([binary, "serve", "--workspace", ws, "--port", str(port)],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(300):
            try:
                urllib.request.urlopen(self.base + "/documents", timeout=2).read()
                return
            except OSError:
                time.sleep(0.1)
        raise SystemExit(f"{binary} serve did not answer on port {port}")

    def time(self, path):
        start = time.perf_counter()
        with urllib.request.urlopen(self.base + path, timeout=60) as response:
            response.read()
        return (time.perf_counter() - start) * 1000

    def stop(self):
        self.process.terminate()
        self.process.wait()


def latency(servers, paths, rounds):
    """Each path's median over `rounds`, per server, the servers taking turns."""
    times = [[[] for _ in paths] for _ in servers]
    for server in servers:  # warm: every page once
        for path in paths:
            server.time(path)
    for r in range(rounds):
        order = servers if r % 2 == 0 else servers[::-1]
        for i, path in enumerate(paths):
            for server in order:
                times[servers.index(server)][i].append(server.time(path))
    return [[statistics.median(t) for t in per] for per in times]


def quantile(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("old_binary"), parser.add_argument("old_ws"), parser.add_argument("new_binary"), parser.add_argument("new_ws")
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=39)
    args = parser.parse_args()
    queries, documents = draw(args.old_ws, args.queries, args.seed)

    differ = 0
    for flat in (False, True):
        for q in queries:
            a, b = answers(args.old_binary, args.old_ws, q, flat), answers(args.new_binary, args.new_ws, q, flat)
            if a != b:
                differ += 1
                if differ <= 5:
                    print(f"DIFFERS{' --flat' if flat else ''}: {q}")
    print(f"answers: {2 * len(queries) - differ} of {2 * len(queries)} searches (by document and --flat) give the same JSON")

    servers = [Server(args.old_binary, args.old_ws, 8791), Server(args.new_binary, args.new_ws, 8792)]
    try:
        for name, paths in [("search with snippets (/api/search)", ["/api/search?" + urllib.parse.urlencode({"q": q}) for q in queries]),
                            ("a document's page (/documents/N)", [f"/documents/{d}" for d in documents])]:
            old, new = latency(servers, paths, args.rounds)
            ratios = [b / a for a, b in zip(old, new)]
            print(f"{name}: {len(paths)} requests, {args.rounds} rounds; p50 old {quantile(old, .5):.2f} ms, new {quantile(new, .5):.2f} ms "
                  f"(new ÷ old {quantile(new, .5) / quantile(old, .5):.2f}); p90 old {quantile(old, .9):.2f} ms, new {quantile(new, .9):.2f} ms; "
                  f"median of per-request ratios {statistics.median(ratios):.2f}")
    finally:
        for server in servers:
            server.stop()


if __name__ == "__main__":
    main()

"""Search latency by class through one `dossier search --batch` process:
single words, AND, OR and phrases of the pairs in bench/pairs.txt, by
document and --flat; p50 over queries of each query's median of 7 rounds.
Usage (from the project root): python3 bench/languages_latency.py WORKSPACE DOSSIER_BINARY [details]
"""
import sys, json, subprocess
ws, binary = sys.argv[1], sys.argv[2]
pairs = [l.strip() for l in open('bench/pairs.txt') if l.strip()][:11]
singles = sorted(set(w for p in pairs for w in p.split()))
extra_words = ["exemple", "police", "documentation", "beispiel", "esempio", "the", "und", "de", "fonction", "paquet"]
def run(qs, extra, rounds=7):
    inp = "".join(q+"\n" for _ in range(rounds) for q in qs)
    out = subprocess.run([binary, "search", "--workspace", ws, "--batch", "--count-up-to", "1000"] + extra, input=inp, capture_output=True, text=True).stdout.splitlines()
    rows = [json.loads(l) for l in out]
    n = len(qs)
    return [sorted(rows[i + k*n]["took_ms"] for k in range(rounds))[rounds//2] for i in range(n)], [rows[i]["total"] for i in range(n)]
def p50(xs): xs=sorted(xs); return xs[len(xs)//2]
for name, qs in [("single words", singles + extra_words), ("AND of two", pairs), ("OR of two", [p.replace(" ", " OR ") for p in pairs]), ("phrase", ['"%s"' % p for p in pairs])]:
    doc, tot = run(qs, ["--by-document"])
    flat, _ = run(qs, [])
    print(f"{name:14s} by document p50 {p50(doc)*1000:8.1f} µs   flat p50 {p50(flat)*1000:8.1f} µs   max by doc {max(doc)*1000:8.1f} µs")
    if len(sys.argv) > 3:
        for q, a, b, t in zip(qs, doc, flat, tot): print(f"   {q:30s} {a*1000:9.1f} {b*1000:9.1f} {t}")

#!/usr/bin/env python3
"""Dossier against SQLite FTS5 and tantivy, side by side, in one run.

Run through `make bench` (it makes the venv with tantivy and builds Dossier in
release mode). Steps:

1. corpus: ../shared/corpus-real/*.pdf plus the PDFs of Debian documentation
   packages (texlive-science-doc unless `--package` names others, fetched with
   `apt-get download`) and of any `--pdf-dir`, `--pdfs` of them at most;
2. extraction: `pdftotext` on both cores, then `dossier index` (extraction in
   worker processes + catalog + FTS5 mirror + our index), wall time and peak
   RSS, each twice (the better run counts);
3. indexing alone, text already extracted: Dossier rebuilds its index from the
   catalog's passages; FTS5 and tantivy (single-threaded) index the exported
   passages (`dossier export passages`), so all three index the same texts;
4. one query mix drawn from the index's vocabulary, through all three: rare,
   middle and common terms, 2-term AND, 2-term OR, 2-word phrases, prefixes;
   top-10 latency p50/p99 per class, counting every match and counting none
   (Dossier's took_ms is measured inside the engine by `dossier search
   --batch`; FTS5 and tantivy are timed around the library call from
   Python); the mix runs nine times through each engine, the engines
   taking turns round by round, and each query's median counts;
5. index sizes, cold start to first result, and the ratios.

Prints a Markdown report; `--output FILE` also writes it there.
"""
import argparse, glob, json, math, os, random, shutil, sqlite3, statistics, struct, subprocess, sys, threading, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORK = os.path.join(ROOT, ".build-bench")
BIN = os.path.join(ROOT, ".build", "release", "dossier")
REPEAT = 5  # indexing runs per engine; the best counts
ROUNDS = 9  # times the whole query mix runs through each engine; each query's median counts
GROUPED_PAIRS, GROUPED_ROUNDS = 8, 5  # the search by document against the flat one (paired_rounds)


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def timed(cmd, stdout=None):
    """Wall time, peak RSS in KiB of this command and the processes it waited
    for (its workers), and its output."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=stdout)
    out = proc.stdout.read() if stdout == subprocess.PIPE else None
    _, status, usage = os.wait4(proc.pid, 0)
    took = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise subprocess.CalledProcessError(proc.returncode, cmd)
    return took, usage.ru_maxrss, subprocess.CompletedProcess(cmd, proc.returncode, out)


def corpus(limit, packages, folders):
    """../shared/corpus-real, the PDFs of the given Debian documentation
    packages (fetched with apt-get download), and any PDFs under `folders`."""
    pdfs = sorted(glob.glob(os.path.join(ROOT, "..", "shared", "corpus-real", "*.pdf")))
    debs = os.path.join(WORK, "debs")
    os.makedirs(debs, exist_ok=True)
    extra = []
    for package in packages:
        if not glob.glob(os.path.join(debs, f"{package}_*.deb")):
            run(["apt-get", "download", package], cwd=debs, stdout=subprocess.DEVNULL)
        extracted = os.path.join(debs, "extracted", package)
        if not os.path.isdir(extracted):
            deb = glob.glob(os.path.join(debs, f"{package}_*.deb"))[0]
            # dpkg-deb makes the last folder of the path, not its parents.
            os.makedirs(os.path.dirname(extracted), exist_ok=True)
            run(["dpkg-deb", "-x", deb, extracted])
        extra += sorted(p for p in glob.glob(os.path.join(extracted, "**", "*.pdf"), recursive=True) if os.path.getsize(p) > 20000)
    for folder in folders:
        extra += sorted(glob.glob(os.path.join(folder, "**", "*.pdf"), recursive=True))
    return pdfs + extra[:limit]


def inverted_bytes(folder):
    """Dictionary, postings and positions of Dossier's segments: from the
    dictionary's block index to the end padding (SegmentFormat.swift), without
    the per-passage tables (ids, lengths, documents) that FTS5 keeps in its
    docsize table and tantivy in its fieldnorms and store."""
    total = 0
    for name in os.listdir(folder):
        if name.endswith(".seg"):
            with open(os.path.join(folder, name), "rb") as f:
                header = f.read(104)
            index_start, padding = struct.unpack_from("<Q", header, 56)[0], struct.unpack_from("<Q", header, 96)[0]
            total += padding - index_start
    return total


def timed_call(f):
    start = time.perf_counter()
    f()
    return (time.perf_counter() - start) * 1000


def percentile(values, p):
    if not values:
        return float("nan")
    values = sorted(values)
    k = (len(values) - 1) * p / 100
    f, c = math.floor(k), math.ceil(k)
    return values[f] if f == c else values[f] + (values[c] - values[f]) * (k - f)


def du(paths):
    total = 0
    for path in paths:
        if os.path.isfile(path):
            total += os.path.getsize(path)
        for folder, _, files in os.walk(path) if os.path.isdir(path) else []:
            total += sum(os.path.getsize(os.path.join(folder, f)) for f in files)
    return total


class DossierBatch:
    """A `dossier search --batch` process that stays up between rounds, as a
    server would: `queries` is class name -> queries; the flat search
    unless `extra` asks for --by-document; `prefix` (e.g. taskset) runs it."""

    def __init__(self, binary, workspace, queries, extra, prefix=()):
        self.queries = queries
        self.text = "".join(q + "\n" for qs in queries.values() for q in qs).encode()
        shape = [] if "--by-document" in extra else ["--flat"]
        self.process = subprocess.Popen(list(prefix) + [binary, "search", "--batch"] + shape + ["--limit", "10", "--workspace", workspace] + list(extra),
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE)

    def round(self):
        """One pass of the mix: each query's took_ms, by class."""
        writer = threading.Thread(target=lambda: (self.process.stdin.write(self.text), self.process.stdin.flush()))
        writer.start()
        took = [json.loads(self.process.stdout.readline())["took_ms"] for _ in range(sum(len(q) for q in self.queries.values()))]
        writer.join()
        result = {}
        for name, qs in self.queries.items():
            result[name], took = took[:len(qs)], took[len(qs):]
        return result

    def close(self):
        self.process.stdin.close()
        self.process.wait()


def timed_round(classes, run):
    """One pass of the mix through `run(class name, (Dossier query, tantivy query))`, timed from Python."""
    result = {}
    for name, pairs in classes.items():
        times = []
        for pair in pairs:
            start = time.perf_counter()
            run(name, pair)
            times.append((time.perf_counter() - start) * 1000)
        result[name] = times
    return result


def search_tantivy(tantivy, schema, index, searcher, name, pair, count):
    """A top-10 tantivy search of the pair's tantivy query (a prefix as a regex over the terms)."""
    query = tantivy.Query.regex_query(schema, "text", pair[1] + ".*") if name == "prefix" else index.parse_query(pair[1], ["text"])
    searcher.search(query, 10, count=count)


def write_report(text, output):
    """Prints the report, and writes it to `output` when one is given."""
    print(text)
    if output:
        with open(output, "w") as out:
            out.write(text)


def paired_rounds(make_a, make_b, queries, pairs, rounds):
    """Two searches compared on the same queries: `pairs` times, a fresh
    process of each (`make_a()`, `make_b()` return DossierBatch), `rounds`
    rounds of the whole mix through both in turn, which goes first
    alternating. Two processes of one binary differ by up to 1.3x on this
    machine (code placement, page alignment), as much as the effects
    measured, so one pair of processes settles nothing; the median over
    several pairs does. Returns per class, per pair, each side's per-query
    medians over the rounds: {name: [(a_medians, b_medians), ...]}."""
    result = {name: [] for name in queries}
    for pair in range(pairs):
        batches = {"a": make_a(), "b": make_b()}
        runs = {"a": [], "b": []}
        for r in range(rounds):
            for key in ("a", "b") if (r + pair) % 2 == 0 else ("b", "a"):
                runs[key].append(batches[key].round())
        for batch in batches.values():
            batch.close()
        for name, qs in queries.items():
            result[name].append(tuple([statistics.median(run[name][i] for run in runs[key]) for i in range(len(qs))]
                                      for key in ("a", "b")))
    return result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--pdfs", type=int, default=120, help="PDFs taken from the packages and folders")
    parser.add_argument("--package", action="append", help="Debian documentation package(s) to take PDFs from "
                        "(default: texlive-science-doc)")
    parser.add_argument("--pdf-dir", action="append", default=[], help="folder(s) of further PDFs")
    parser.add_argument("--queries", type=int, default=200, help="queries per class")
    parser.add_argument("--output")
    args = parser.parse_args()
    import tantivy

    files = corpus(args.pdfs, args.package or ["texlive-science-doc"], args.pdf_dir)
    ws = os.path.join(WORK, "ws")
    shutil.rmtree(ws, ignore_errors=True)
    run([BIN, "init", ws], stdout=subprocess.DEVNULL)
    library = os.path.join(ws, "corpus", "library")
    for i, path in enumerate(files):
        shutil.copy(path, os.path.join(library, f"{i:04d}-{os.path.basename(path)}"))
    pdf_bytes = sum(os.path.getsize(p) for p in files)
    report = {"pdfs": len(files), "pdf_mb": pdf_bytes / 1e6}

    # 2. Extraction: pdftotext on both cores, then the whole Dossier pipeline.
    # Each side runs twice and its better run counts: a run of seconds on a
    # shared 2-core machine varies by several percent from one to the next.
    listing = "\0".join(os.path.join(library, f) for f in sorted(os.listdir(library)))
    report["pdftotext_s"] = math.inf
    for _ in range(2):
        start = time.perf_counter()
        subprocess.run(["xargs", "-0", "-P", "2", "-n", "1", "sh", "-c", 'pdftotext "$0" /dev/null 2>/dev/null || true'],
                       input=listing.encode(), check=True)
        report["pdftotext_s"] = min(report["pdftotext_s"], time.perf_counter() - start)
    # Extraction alone: two persistent workers (one per core), as `dossier index` runs them.
    import queue, threading
    paths = queue.Queue()
    for f in sorted(os.listdir(library)):
        paths.put(os.path.join(library, f))

    def worker():
        proc = subprocess.Popen([BIN, "worker", "extract", "--serve"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        while True:
            try:
                path = paths.get_nowait()
            except queue.Empty:
                break
            proc.stdin.write((path + "\n").encode())
            proc.stdin.flush()
            header = proc.stdout.readline().decode()
            if header.startswith("OK "):
                proc.stdout.read(int(header[3:]))
        proc.stdin.close()
        proc.wait()

    start = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    report["extraction_s"] = time.perf_counter() - start

    pipeline = []
    for attempt in range(2):
        if attempt:
            shutil.rmtree(os.path.join(ws, "index"))
        took, rss, _ = timed([BIN, "index", "--workspace", ws], stdout=subprocess.DEVNULL)
        pipeline.append((took, rss))
    report["pipeline_s"] = min(t for t, _ in pipeline)
    report["pipeline_peak_rss_mb"] = max(r for _, r in pipeline) / 1024

    # Extraction fidelity: the words pdftotext reads on each page, found on Dossier's page (bench/wordrecall.py).
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import wordrecall
    real_names = {os.path.basename(p) for p in glob.glob(os.path.join(ROOT, "..", "shared", "corpus-real", "*.pdf"))}
    recall = wordrecall.measure(BIN, ws)
    real_rows = [(name.split("-", 1)[1], *rest) for name, *rest in recall if name.split("-", 1)[-1] in real_names]
    other_rows = [row for row in recall if row[0].split("-", 1)[-1] not in real_names]
    report["word_recall"] = {"corpus_real": [sum(r[1] for r in real_rows), sum(r[2] for r in real_rows)],
                             "others": [sum(r[1] for r in other_rows), sum(r[2] for r in other_rows)]}
    report["phrase_recall"] = wordrecall.phrases(BIN, ws)

    # 3. Indexing alone, text already extracted.
    export = os.path.join(WORK, "passages.jsonl")
    with open(export, "w") as out:
        run([BIN, "export", "passages", "--workspace", ws], stdout=out)
    passages = [json.loads(line) for line in open(export)]
    text_mb = sum(len(p["text"].encode()) for p in passages) / 1e6
    report["passages"] = len(passages)
    report["text_mb"] = text_mb
    index_dir = os.path.join(ws, "index")
    # Each engine indexes the texts REPEAT times from scratch; the best run
    # counts (a run takes a tenth of a second, so one hiccup would decide).
    runs = []
    for _ in range(REPEAT):
        shutil.rmtree(os.path.join(index_dir, "segments"), ignore_errors=True)
        os.remove(os.path.join(index_dir, "manifest.json"))
        took, rss, out = timed([BIN, "index", "--json", "--workspace", ws], stdout=subprocess.PIPE)
        runs.append((json.loads(out.stdout)["indexed"], took))
    indexed, took = min(runs, key=lambda r: r[0]["build_seconds"])
    # In-engine: text in memory to committed generation, as FTS5's and
    # tantivy's figures are (reading the catalog is reported apart).
    report["dossier_index_s"] = indexed["build_seconds"]
    report["dossier_index_read_s"] = indexed["read_seconds"]
    report["dossier_index_process_s"] = took
    report["dossier_files_bytes"] = du([os.path.join(index_dir, "segments")])
    report["dossier_index_bytes"] = inverted_bytes(os.path.join(index_dir, "segments"))

    fts_path = os.path.join(WORK, "fts5.db")
    best = math.inf
    for _ in range(REPEAT):
        if os.path.exists(fts_path):
            os.remove(fts_path)
        db = sqlite3.connect(fts_path)
        db.execute("CREATE VIRTUAL TABLE t USING fts5(text, tokenize='porter unicode61 remove_diacritics 2')")
        start = time.perf_counter()
        with db:
            db.executemany("INSERT INTO t(rowid, text) VALUES (?, ?)", ((p["passage_id"], p["text"]) for p in passages))
        best = min(best, time.perf_counter() - start)
    report["fts5_index_s"] = best
    report["fts5_index_bytes"] = db.execute("SELECT sum(length(block)) FROM t_data").fetchone()[0]

    schema_builder = tantivy.SchemaBuilder()
    schema_builder.add_text_field("text", stored=False, tokenizer_name="en_stem")
    schema_builder.add_integer_field("id", stored=True, indexed=False, fast=True)
    schema = schema_builder.build()
    tantivy_dir = os.path.join(WORK, "tantivy")
    best = math.inf
    for _ in range(REPEAT):
        shutil.rmtree(tantivy_dir, ignore_errors=True)
        os.makedirs(tantivy_dir)
        index = tantivy.Index(schema, path=tantivy_dir)
        start = time.perf_counter()
        writer = index.writer(heap_size=200_000_000, num_threads=1)
        for p in passages:
            writer.add_document(tantivy.Document(text=p["text"], id=p["passage_id"]))
        writer.commit()
        writer.wait_merging_threads()
        best = min(best, time.perf_counter() - start)
    report["tantivy_index_s"] = best
    index.reload()
    report["tantivy_files_bytes"] = du([tantivy_dir])
    # Its dictionary (.term), postings (.idx) and positions (.pos).
    report["tantivy_index_bytes"] = sum(os.path.getsize(os.path.join(tantivy_dir, f)) for f in os.listdir(tantivy_dir)
                                        if f.endswith((".term", ".idx", ".pos")))
    searcher = index.searcher()

    # 4. One query mix.
    rng = random.Random(7)
    db.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, 'row')")
    # Words as users type them, bucketed by how many passages hold them (asked of FTS5 itself).
    sample = rng.sample(passages, min(800, len(passages)))
    candidates = sorted({w.lower() for p in sample for w in p["text"].split() if w.isalpha() and len(w) > 2})
    rng.shuffle(candidates)
    df = {}
    for w in candidates[:4000]:
        df[w] = db.execute("SELECT count(*) FROM t WHERE t MATCH ?", (f'"{w}"',)).fetchone()[0]
    by_df = sorted(df.items(), key=lambda kv: kv[1])
    n_rows = len(passages)
    rare = [w for w, d in by_df if 1 <= d <= 5]
    middle = [w for w, d in by_df if n_rows * 0.002 <= d <= n_rows * 0.02] or [w for w, _ in by_df[len(by_df) // 3: 2 * len(by_df) // 3]]
    common = [w for w, _ in by_df[-150:]]
    words = [p["text"].split() for p in sample]
    bigrams = []
    for w in words:
        for a, b in zip(w, w[1:]):
            if a.isalpha() and b.isalpha():
                bigrams.append((a, b))
    q = args.queries
    classes = {
        "rare term": [(t, t) for t in rng.sample(rare, min(q, len(rare)))],
        "middle term": [(t, t) for t in rng.sample(middle, min(q, len(middle)))],
        "common term": [(t, t) for t in rng.sample(common, min(q, len(common)))],
        "2-term AND": [(f"{a} {b}", f"+{a} +{b}") for a, b in (rng.sample(middle + common, 2) for _ in range(q))],
        "2-term OR": [(f"{a} OR {b}", f"{a} {b}") for a, b in (rng.sample(middle + common, 2) for _ in range(q))],
        "2-word phrase": [(f'"{a} {b}"', f'"{a} {b}"') for a, b in rng.sample(bigrams, min(q, len(bigrams)))],
        "prefix": [(f"{t[:3]}*", t[:3]) for t in rng.sample(common, min(q, len(common)))],
    }

    # Dossier: one batch process for every class, as FTS5 and tantivy run in
    # one Python process; took_ms from inside the engine. Twice: counting
    # every match (as tantivy's count=True), and counting none beyond the
    # hits (--count-up-to 0, as FTS5's ORDER BY ... LIMIT 10 and tantivy's
    # count=False).

    def median_per_query(rounds):
        """Per class, each query's median over the rounds (a round is a
        dict class -> list of ms): one descheduling of the process does not
        become a query's latency."""
        return {name: [statistics.median(r[name][i] for r in rounds) for i in range(len(pairs))]
                for name, pairs in classes.items()}

    # The engines take turns, round by round (Dossier counting, Dossier not
    # counting, FTS5, tantivy counting, tantivy not counting, then again),
    # so that a stall of this shared machine lasting seconds slows one round
    # of every engine rather than every round of one. Dossier runs as two
    # batch processes that stay up between rounds, as a server would.
    #
    # Cores. On a machine of two or more cores, each round measures every
    # engine on one core, the same for all of them (the first core in even
    # rounds, the second in odd ones): the Dossier processes are moved
    # there, and Python (which runs FTS5 and tantivy itself) goes there for
    # its own turns and to the other core while it only reads Dossier's
    # answers. Unpinned, the kernel at times woke Python on the core Dossier
    # ran on, line after line, for a whole run (every Dossier class came
    # out up to 1.4x slower in one run of three with the same binary, FTS5
    # and tantivy unchanged); pinned to a core of its own for the whole run,
    # Dossier paid alone for a slow spell of that core (a noisy neighbour
    # of this shared machine). Measured on the same core round by round,
    # the engines share whatever the cores do, and the ratios hold.
    cores = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
    pinned = len(cores) >= 2 and os.path.isdir("/proc/self/task")

    def python_round(run):
        return timed_round(classes, run)

    def tantivy_search(name, pair, count):
        search_tantivy(tantivy, schema, index, searcher, name, pair, count)

    def in_turn(passes, r):
        """An engine's two passes, first to second in even rounds, second to first in odd ones."""
        return passes if r % 2 == 0 else passes[::-1]

    # The flat search, counting and not; the search by document is measured
    # against it after these rounds (paired_rounds).
    queries = {name: [d for d, _ in pairs] for name, pairs in classes.items()}
    counting, not_counting = (DossierBatch(BIN, ws, queries, extra) for extra in ([], ["--count-up-to", "0"]))
    rounds = {key: [] for key in ("ours", "ours_nocount", "fts", "tan", "tan_nocount")}
    for r in range(ROUNDS):
        measured, other = (cores[r % 2], cores[1 - r % 2]) if pinned else (None, None)
        if pinned:
            for batch in (counting, not_counting):
                # Every thread: the batch runs on one of Swift's worker threads, not the main one.
                for thread in os.listdir(f"/proc/{batch.process.pid}/task"):
                    os.sched_setaffinity(int(thread), {measured})
            os.sched_setaffinity(0, {other})
        # The first of an engine's two passes finds the caches as the other
        # engines left them, the second as the first left them: the order
        # alternates from round to round, so that neither table is always
        # the colder one (at 32,000 passages, Dossier counting first was
        # 1.3x slower on middle terms than not counting second).
        for key, batch in in_turn((("ours", counting), ("ours_nocount", not_counting)), r):
            rounds[key].append(batch.round())
        if pinned:
            os.sched_setaffinity(0, {measured})
        rounds["fts"].append(python_round(lambda _, pair: db.execute(
            "SELECT rowid, bm25(t) FROM t WHERE t MATCH ? ORDER BY bm25(t) LIMIT 10", (pair[0],)).fetchall()))
        for key, count in in_turn((("tan", True), ("tan_nocount", False)), r):
            rounds[key].append(python_round(lambda name, pair: tantivy_search(name, pair, count)))
    counting.close()
    not_counting.close()
    ours, ours_nocount, fts, tan, tan_nocount = (
        median_per_query(rounds[key]) for key in ("ours", "ours_nocount", "fts", "tan", "tan_nocount"))
    # The search by document against the flat one: pairs of fresh processes,
    # both on one core (Python reads their answers from the other).
    if pinned:
        os.sched_setaffinity(0, {cores[1]})
    pin = ("taskset", "-c", str(cores[0])) if pinned else ()
    grouped_pairs = paired_rounds(lambda: DossierBatch(BIN, ws, queries, ["--by-document"], pin),
                                  lambda: DossierBatch(BIN, ws, queries, [], pin), queries, GROUPED_PAIRS, GROUPED_ROUNDS)
    with open(os.path.join(WORK, "latencies.json"), "w") as f:
        json.dump({name: [[d, t, u] for (d, _), t, u in zip(pairs, ours[name], ours_nocount[name])] for name, pairs in classes.items()}, f, indent=1)

    # The floor of a call from Python: a query that matches nothing.
    report["fts5_floor_ms"] = percentile([timed_call(lambda: db.execute(
        "SELECT rowid, bm25(t) FROM t WHERE t MATCH ? ORDER BY bm25(t) LIMIT 10", ("zzqxjv",)).fetchall()) for _ in range(200)], 50)
    nothing = index.parse_query("zzqxjv", ["text"])
    report["tantivy_floor_ms"] = percentile([timed_call(lambda: searcher.search(nothing, 10)) for _ in range(200)], 50)
    if pinned:
        os.sched_setaffinity(0, set(cores))

    # Update costs: nothing changed; then one document changed.
    run([BIN, "update", "--workspace", ws], stdout=subprocess.DEVNULL)
    start = time.perf_counter()
    run([BIN, "update", "--workspace", ws], stdout=subprocess.DEVNULL)
    report["update_nothing_s"] = time.perf_counter() - start
    victim = os.path.join(library, sorted(os.listdir(library))[len(files) // 2])
    with open(victim, "ab") as f:
        f.write(b"\n% changed\n")
    start = time.perf_counter()
    run([BIN, "update", "--workspace", ws], stdout=subprocess.DEVNULL)
    report["update_one_s"] = time.perf_counter() - start

    # 5. Cold start to first result.
    start = time.perf_counter()
    run([BIN, "search", "--flat", "--limit", "10", "--workspace", ws, classes["middle term"][0][0]], stdout=subprocess.DEVNULL)
    report["dossier_cold_first_result_ms"] = (time.perf_counter() - start) * 1000

    lines = []
    lines.append(f"Corpus: {report['pdfs']} PDFs ({report['pdf_mb']:.1f} MB), {report['passages']} passages, "
                 f"{report['text_mb']:.1f} MB of extracted text.\n")
    lines.append("| stage | Dossier | peer | ratio |")
    lines.append("|---|---|---|---|")
    lines.append(f"| extraction alone, 2 persistent workers (s) | {report['extraction_s']:.2f} | pdftotext alone {report['pdftotext_s']:.2f} | "
                 f"{report['extraction_s'] / report['pdftotext_s']:.2f}× |")
    lines.append(f"| PDFs → searchable index, 2 cores (s) | {report['pipeline_s']:.2f} | pdftotext alone {report['pdftotext_s']:.2f} | "
                 f"{report['pipeline_s'] / report['pdftotext_s']:.2f}× |")
    d_mbs = report["text_mb"] / report["dossier_index_s"]
    f_mbs = report["text_mb"] / report["fts5_index_s"]
    t_mbs = report["text_mb"] / report["tantivy_index_s"]
    lines.append(f"| indexing, text extracted (MB/s) | {d_mbs:.2f} | FTS5 {f_mbs:.2f} | {d_mbs / f_mbs:.2f}× |")
    lines.append(f"| indexing, text extracted (MB/s) | {d_mbs:.2f} | tantivy (1 thread) {t_mbs:.2f} | {d_mbs / t_mbs:.2f}× |")
    lines.append(f"| whole `dossier index` process, index rebuilt (s) | {report['dossier_index_process_s']:.3f} "
                 f"(of which reading the catalog {report['dossier_index_read_s']:.3f}) | | |")
    tokens = db.execute("SELECT sum(cnt) FROM v").fetchone()[0]
    lines.append(f"| index: dictionary, postings, positions (bytes) | {report['dossier_index_bytes']:,} | FTS5 index data {report['fts5_index_bytes']:,} | "
                 f"{report['dossier_index_bytes'] / report['fts5_index_bytes']:.2f}× |")
    lines.append(f"| index: dictionary, postings, positions (bytes) | {report['dossier_index_bytes']:,} | tantivy .term+.idx+.pos {report['tantivy_index_bytes']:,} | "
                 f"{report['dossier_index_bytes'] / report['tantivy_index_bytes']:.2f}× |")
    lines.append(f"| index bytes per token | {report['dossier_index_bytes'] / tokens:.2f} | FTS5 {report['fts5_index_bytes'] / tokens:.2f}, "
                 f"tantivy {report['tantivy_index_bytes'] / tokens:.2f} | |")
    lines.append(f"| all index files (bytes) | {report['dossier_files_bytes']:,} (with passage ids, lengths, documents) | "
                 f"tantivy {report['tantivy_files_bytes']:,} (with fieldnorms, store, fast fields) | "
                 f"{report['dossier_files_bytes'] / report['tantivy_files_bytes']:.2f}× |")
    lines.append(f"| update, nothing changed (s) | {report['update_nothing_s']:.3f} | | |")
    lines.append(f"| update, 1 of {report['pdfs']} documents changed (s) | {report['update_one_s']:.3f} | full pipeline {report['pipeline_s']:.2f} | "
                 f"{100 * report['update_one_s'] / report['pipeline_s']:.1f}% |")
    lines.append(f"| peak memory of `dossier index`, PDFs to index, largest process (MB) | {report['pipeline_peak_rss_mb']:.0f} | | |")
    lines.append(f"| cold start to first result (ms, whole process) | {report['dossier_cold_first_result_ms']:.0f} | | |")
    lines.append("")
    for title, o_all, t_all in (
            ("Top-10 and the exact number of matches (Dossier counts every match, tantivy `count=True`; "
             "FTS5's `ORDER BY bm25(t) LIMIT 10` ranks every match but returns no count)", ours, tan),
            ("Top-10 alone, no count (Dossier `--count-up-to 0`, tantivy `count=False`, FTS5 as above)", ours_nocount, tan_nocount)):
        lines.append(f"{title}. Latency in µs (p50 / p99), the same queries through all three:\n")
        lines.append("| class | Dossier | FTS5 | tantivy | Dossier/FTS5 p50 (FTS5 ÷ Dossier) | Dossier/tantivy p50 | Dossier/tantivy p99 |")
        lines.append("|---|---|---|---|---|---|---|")

        def us(values):
            return f"{1000 * percentile(values, 50):.1f} / {1000 * percentile(values, 99):.1f}"
        for name in classes:
            o, f, t = o_all[name], fts[name], t_all[name]
            lines.append(f"| {name} ({len(o)}) | {us(o)} | {us(f)} | {us(t)} | "
                         f"{percentile(o, 50) / percentile(f, 50):.3f}× ({percentile(f, 50) / percentile(o, 50):.0f}×) | "
                         f"{percentile(o, 50) / percentile(t, 50):.2f}× | {percentile(o, 99) / percentile(t, 99):.2f}× |")
        lines.append("")
    lines.append("The default search, by document (`--batch --by-document`: 10 documents to a page ranked as the default "
                 "search ranks them (words, ANDs and ORs by the BM25 of the whole document), at most 3 passages each, every match counted by document), against the top 10 passages "
                 f"`--flat`, both counting every match: {GROUPED_PAIRS} pairs of fresh processes, both on one core, "
                 f"{GROUPED_ROUNDS} rounds of the mix each, in turn; per pair each query's median over the rounds, then "
                 "each class's p50 and p99. The ratios are the median over the pairs of each pair's ratio, the "
                 "latencies the median over the pairs. Latency in µs (p50 / p99):\n")
    lines.append("| class | grouped | flat | grouped ÷ flat p50 | p99 | p50 ratio, lowest – highest pair |")
    lines.append("|---|---|---|---|---|---|")
    for name in classes:
        runs = grouped_pairs[name]

        def over_pairs(side, p):
            return 1000 * statistics.median(percentile(run[side], p) for run in runs)
        p50s = sorted(percentile(g, 50) / percentile(o, 50) for g, o in runs)
        p99 = statistics.median(percentile(g, 99) / percentile(o, 99) for g, o in runs)
        lines.append(f"| {name} ({len(runs[0][0])}) | {over_pairs(0, 50):.1f} / {over_pairs(0, 99):.1f} | "
                     f"{over_pairs(1, 50):.1f} / {over_pairs(1, 99):.1f} | {statistics.median(p50s):.2f}× | {p99:.2f}× | "
                     f"{p50s[0]:.2f} – {p50s[-1]:.2f} |")
    lines.append("")
    lines.append("Extraction fidelity: of the distinct words (3+ letters, NFKC, lower-cased) `pdftotext` reads on each page, "
                 "those on Dossier's page (bench/wordrecall.py; word pieces broken at a line end left out). "
                 "../shared/corpus-real:\n")
    lines += wordrecall.table(real_rows)
    lines.append("")
    found, every = report["word_recall"]["others"]
    lines.append(f"The other {len(other_rows)} PDFs of the corpus (other producers): {found:,} / {every:,} = "
                 f"{100 * found / max(every, 1):.2f}%. Four-word phrases drawn at random from pdftotext's pages "
                 f"(three a page) found on Dossier's page: {report['phrase_recall'][0]:,} / {report['phrase_recall'][1]:,} = "
                 f"{100 * report['phrase_recall'][0] / max(report['phrase_recall'][1], 1):.2f}%.")
    lines.append("")
    lines.append(f"A query that matches nothing takes {1000 * report['fts5_floor_ms']:.1f} µs through FTS5 and "
                 f"{1000 * report['tantivy_floor_ms']:.1f} µs through tantivy (p50): the floor of a call from Python, "
                 "included in their figures above; Dossier's took_ms is measured inside the engine.")
    text = "\n".join(lines) + "\n"
    print(json.dumps(report, indent=1), file=sys.stderr)
    write_report(text, args.output)


if __name__ == "__main__":
    main()

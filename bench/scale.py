#!/usr/bin/env python3
"""The bench at scale (issue 31): Dossier, SQLite FTS5 and tantivy over the
TeX Live documentation, about 230,000 passages, and over copies of it past
a million.

Run through `make bench-scale` (release build, venv with tantivy). Steps:

1. the workspace (`--workspace`, default /work/scale/ws): when it has no
   index, its corpus/library/ is filled with every PDF over 20 kB of every
   `texlive-*-doc` package (bench.py's corpus(): `apt-get download`, then
   `dpkg-deb -x`, under .build-bench/debs) and `dossier index --jobs J`
   extracts them, timed (wall, peak RSS); `--reindex` deletes only the
   index and has `dossier index` rebuild it from the catalog's passages, as
   bench.py's step 3 does, timed;
2. `dossier export passages`, once, cached with the FTS5 table and the
   tantivy index built over it in `<workspace>-cache/` (rebuilt when the
   catalog's passages or the export change);
3. one query mix drawn from the vocabulary as bench.py draws it (rare,
   middle, common terms, AND of two, OR of two and of three, phrases,
   prefixes, NOT, NEAR), each class's top-10 latency p50/p99 through
   Dossier flat and by document, counting every match and none, FTS5 and
   tantivy, the engines taking turns round by round on the same core (as in
   bench.py); then the search by document against the flat one in pairs of
   fresh processes (bench.paired_rounds);
4. a Markdown report, also written to `--output`.

`--copies N` measures a workspace N times as large, `<workspace>-xN`, made
from the first one. How: every extracted document of the library is
copied N - 1 times, each copy a file of its own in corpus/library/copyK/,
the original's bytes with a PDF comment line after %%EOF (so every copy
has its own SHA-256, as a distinct document must), and its catalog rows
(document, pages, passages) are duplicated by SQL with new ids, the
passages stored pending as extraction stores them; `dossier index` then
finds every file known (its hash is in file_hashes), extracts nothing,
builds the index from the catalog's passages and publishes them (filling
the FTS5 cross-check), and `dossier verify` must pass. Why this way:

- extracting the copies again (byte-distinct PDFs, e.g. rewritten by qpdf)
  would give the same rows at the cost of hours of extraction per copy on
  one worker, and what is measured here is indexing and search;
- duplicating only the catalog rows, with no file behind them, would not be
  a consistent workspace: the next `dossier index` or `update` retires
  every document whose (path, SHA-256) it does not find on disk
  (CatalogStore.removeDocuments);
- a trailing comment changes no page of a PDF: a few copies are extracted
  for real in a scratch workspace and their rows compared with the
  duplicated ones, column by column (check_copies), before anything is
  measured.

What copies do not scale: the vocabulary (no new terms, document
frequencies times N, the same idf) and the variety of the texts; the
posting lists are N times as long, the dictionary is not.
"""
import argparse, collections, glob, hashlib, json, os, random, shutil, sqlite3, statistics, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench
from bench import DossierBatch, du, inverted_bytes, paired_rounds, percentile, run, search_tantivy, timed, timed_round, write_report

DEFAULT_WS = "/work/scale/ws"
KNOWN_SCHEMA = 18  # the catalog version make_copies knows every table of (Sources/Catalog/Schema.swift)
# (copies name the same text blocks as their originals: the xN catalog stores the text once, not N times)
COPY_MARK = b"\n%%dossier-bench copy %d\n"


def save(path, data):
    with open(path, "w") as f:
        json.dump(data, f, indent=1)


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def catalog(ws):
    return sqlite3.connect(f"file:{os.path.join(ws, 'index', 'catalog.sqlite')}?mode=ro", uri=True)


def status(binary, ws):
    return json.loads(run([binary, "status", "--json", "--workspace", ws], stdout=subprocess.PIPE).stdout)


def timed_index(binary, ws, jobs):
    """`dossier index --json`, niced by the caller as it likes: wall, peak RSS (MB) and its summary."""
    took, rss, out = timed([binary, "index", "--json", "--jobs", str(jobs), "--workspace", ws], stdout=subprocess.PIPE)
    summary = json.loads(out.stdout)
    return {"wall_s": took, "peak_rss_mb": rss / 1024, "build_s": summary["indexed"]["build_seconds"],
            "read_s": summary["indexed"]["read_seconds"], "extracted": len(summary["extracted"]),
            "failed": len(summary["failed"]), "jobs": jobs, "at": time.strftime("%Y-%m-%d %H:%M")}


def texlive_pdfs():
    """Every PDF over 20 kB of every texlive-*-doc package, through bench.corpus()."""
    names = run(["apt-cache", "search", "--names-only", "^texlive-.*-doc$"], stdout=subprocess.PIPE, text=True).stdout
    packages = sorted(line.split()[0] for line in names.splitlines() if line.strip())
    real = set(glob.glob(os.path.join(bench.ROOT, "..", "shared", "corpus-real", "*.pdf")))
    return [p for p in bench.corpus(10 ** 9, packages, []) if p not in real]


def link_or_copy(source, target):
    try:
        os.link(os.path.realpath(source), target)
    except OSError:
        shutil.copy2(source, target)


def build_workspace(binary, ws, cache, jobs):
    """The workspace extracted from the PDFs, timed, unless it has an index already."""
    if os.path.exists(os.path.join(ws, "index", "manifest.json")):
        return
    library = os.path.join(ws, "corpus", "library")
    if not os.path.isdir(library):
        run([binary, "init", ws], stdout=subprocess.DEVNULL)
    if not os.listdir(library):
        for i, path in enumerate(texlive_pdfs()):
            link_or_copy(path, os.path.join(library, f"{i:04d}-{os.path.basename(path)}"))
    print(f"extracting {len(os.listdir(library))} PDFs into {ws} with {jobs} worker(s)", file=sys.stderr)
    save(os.path.join(cache, "extraction.json"), timed_index(binary, ws, jobs))


def reindex(binary, ws, cache):
    """Our index alone rebuilt from the catalog's passages (bench.py's step 3): index files deleted, `dossier index`."""
    shutil.rmtree(os.path.join(ws, "index", "segments"), ignore_errors=True)
    manifest = os.path.join(ws, "index", "manifest.json")
    if os.path.exists(manifest):
        os.remove(manifest)
    save(os.path.join(cache, "reindex.json"), timed_index(binary, ws, 1))


def make_copies(binary, base, ws, cache, copies):
    """`base` with every extracted library document `copies` times (see the top of this file)."""
    if os.path.exists(os.path.join(ws, "index", "manifest.json")):
        return
    shutil.rmtree(ws, ignore_errors=True)
    run([binary, "init", ws], stdout=subprocess.DEVNULL)
    start = time.perf_counter()
    for folder, _, files in os.walk(os.path.join(base, "corpus", "library")):
        target = os.path.join(ws, os.path.relpath(folder, base))
        os.makedirs(target, exist_ok=True)
        for name in files:
            link_or_copy(os.path.join(folder, name), os.path.join(target, name))
    source = catalog(base)
    path = os.path.join(ws, "index", "catalog.sqlite")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)
    db = sqlite3.connect(path)
    source.backup(db)
    source.close()
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version != KNOWN_SCHEMA:
        sys.exit(f"catalog schema version {version}: make_copies knows version {KNOWN_SCHEMA}; "
                 "check that it still copies every table that names a document")
    if db.execute("SELECT count(*) FROM passages WHERE state != 0").fetchone()[0]:
        sys.exit(f"{base} has passages not committed: run `dossier index` on it first")

    def columns(table, leave):
        return [c for _, c, *_ in db.execute(f"PRAGMA table_info({table})") if c not in leave]
    doc_cols = columns("documents", {"id", "sha256", "path", "added_at"})
    page_cols = columns("pages", {"document_id"})
    # (Version 16: each reading of a document's citation metadata, a row per field and source.)
    metadata_cols = columns("document_metadata", {"document_id"})
    passage_cols = columns("passages", {"id", "document_id", "state"})
    docs = db.execute("SELECT id, path FROM documents WHERE source = 'library' AND retired = 0 AND status = 'extracted' "
                      "ORDER BY id").fetchall()
    stamps = dict(db.execute("SELECT path, mtime FROM file_hashes"))
    next_id = db.execute("SELECT last_document_id FROM catalog_state").fetchone()[0] + 1
    db.execute("CREATE TEMP TABLE docmap (old INTEGER PRIMARY KEY, new INTEGER NOT NULL, sha256 TEXT NOT NULL, path TEXT NOT NULL)")
    for k in range(1, copies):
        rows = []
        for old, rel in docs:
            original = os.path.join(ws, rel)
            new_rel = rel.replace("corpus/library/", f"corpus/library/copy{k}/", 1)
            target = os.path.join(ws, new_rel)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            digest = hashlib.sha256()
            with open(original, "rb") as f, open(target, "wb") as out:
                while chunk := f.read(1 << 20):
                    digest.update(chunk)
                    out.write(chunk)
                digest.update(COPY_MARK % k)
                out.write(COPY_MARK % k)
            # The original's time: the stamp Dossier stored for it holds for the copy, so the copy is not hashed again.
            st = os.stat(original)
            os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns))
            rows.append((old, next_id, digest.hexdigest(), new_rel, os.path.getsize(target), stamps.get(rel, st.st_mtime)))
            next_id += 1
        with db:
            db.execute("DELETE FROM docmap")
            db.executemany("INSERT INTO docmap VALUES (?, ?, ?, ?)", [r[:4] for r in rows])
            db.executemany("INSERT OR REPLACE INTO file_hashes (path, size, mtime, sha256) VALUES (?, ?, ?, ?)",
                           [(r[3], r[4], r[5], r[2]) for r in rows])
            db.execute(f"INSERT INTO documents (id, sha256, path, added_at, {', '.join(doc_cols)}) "
                       f"SELECT m.new, m.sha256, m.path, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), {', '.join('d.' + c for c in doc_cols)} "
                       "FROM documents d JOIN docmap m ON d.id = m.old ORDER BY m.new")
            db.execute(f"INSERT INTO pages (document_id, {', '.join(page_cols)}) "
                       f"SELECT m.new, {', '.join('p.' + c for c in page_cols)} FROM pages p JOIN docmap m ON p.document_id = m.old")
            db.execute(f"INSERT INTO document_metadata (document_id, {', '.join(metadata_cols)}) "
                       f"SELECT m.new, {', '.join('x.' + c for c in metadata_cols)} FROM document_metadata x JOIN docmap m ON x.document_id = m.old")
            # Pending, as extraction stores them: the next index commit takes them in and publishes them.
            db.execute(f"INSERT INTO passages (document_id, state, {', '.join(passage_cols)}) "
                       f"SELECT m.new, 1, {', '.join('p.' + c for c in passage_cols)} FROM passages p JOIN docmap m ON p.document_id = m.old "
                       "ORDER BY m.new, p.id")
            db.execute("UPDATE catalog_state SET last_document_id = ?", (next_id - 1,))
        print(f"copy {k}: {len(rows)} documents", file=sys.stderr)
    db.close()
    made = time.perf_counter() - start
    figures = timed_index(binary, ws, 1)
    # (After the commit: `dossier export` reads committed passages only.)
    check_copies(binary, ws)
    figures["copies_made_s"] = made
    figures["copies"] = copies
    save(os.path.join(cache, "extraction.json"), figures)
    save(os.path.join(cache, "reindex.json"), figures)
    # The catalog and the index agree, and both with FTS5, on queries drawn from the vocabulary.
    run([binary, "verify", "--queries", "60", "--workspace", ws], stdout=subprocess.DEVNULL)


def check_copies(binary, ws, sample=4):
    """A few copies extracted for real, in a scratch workspace: their rows must equal the duplicated ones."""
    db = sqlite3.connect(os.path.join(ws, "index", "catalog.sqlite"))
    picks = db.execute("SELECT id, path FROM documents WHERE path LIKE 'corpus/library/copy1/%' AND page_count <= 20 "
                       "ORDER BY id").fetchall()
    picks = random.Random(3).sample(picks, min(sample, len(picks)))
    scratch = tempfile.mkdtemp(prefix="scale-check-")
    try:
        run([binary, "init", os.path.join(scratch, "ws")], stdout=subprocess.DEVNULL)
        for _, rel in picks:
            shutil.copy2(os.path.join(ws, rel), os.path.join(scratch, "ws", "corpus", "library", os.path.basename(rel)))
        run([binary, "index", "--jobs", "1", "--workspace", os.path.join(scratch, "ws")], stdout=subprocess.DEVNULL)
        fresh = sqlite3.connect(os.path.join(scratch, "ws", "index", "catalog.sqlite"))

        # Texts are in compressed blocks (schema 14): compared as `dossier export` reads them back.
        def texts(workspace):
            out = collections.defaultdict(list)
            lines = run([binary, "export", "passages", "--workspace", workspace], stdout=subprocess.PIPE, text=True).stdout
            for line in lines.splitlines():
                p = json.loads(line)
                out[p["document_id"]].append((p["page"], p["text"]))
            return out
        fresh_texts, base_texts = texts(os.path.join(scratch, "ws")), texts(ws)

        def rows(conn, doc, exported):
            d = conn.execute("SELECT title, author, created, modified, page_count, status, error, needs_ocr, pages_with_text "
                             "FROM documents WHERE id = ?", (doc,)).fetchall()
            pages = conn.execute("SELECT page_index, label, chars, has_text, text_bytes, furniture FROM pages "
                                 "WHERE document_id = ? ORDER BY page_index", (doc,)).fetchall()
            passages = conn.execute("SELECT page_index, start, end, text_bytes, line FROM passages WHERE document_id = ? ORDER BY id",
                                    (doc,)).fetchall()
            return d, pages, passages, exported.get(doc, [])
        for doc, rel in picks:
            sha = db.execute("SELECT sha256 FROM documents WHERE id = ?", (doc,)).fetchone()[0]
            found = fresh.execute("SELECT id FROM documents WHERE sha256 = ?", (sha,)).fetchone()
            if found is None or rows(fresh, found[0], fresh_texts) != rows(db, doc, base_texts):
                sys.exit(f"the copy {rel} extracts differently from its duplicated rows: --copies is not sound here")
        print(f"checked {len(picks)} copies against a real extraction: the same rows", file=sys.stderr)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def passages_key(ws):
    """What the export depends on: the committed passages (ids are never reused)."""
    conn = catalog(ws)
    key = list(conn.execute("SELECT count(*), max(id) FROM passages WHERE state != 1").fetchone())
    conn.close()
    return key


def export(binary, ws, cache):
    path = os.path.join(cache, "passages.jsonl")
    meta = os.path.join(cache, "passages.json")
    key = passages_key(ws)
    if not os.path.exists(path) or (load(meta) or {}).get("key") != key:
        run([binary, "export", "passages", "--workspace", ws, "--output", path])
        save(meta, {"key": key})
    return path


def file_key(path):
    st = os.stat(path)
    return [st.st_size, st.st_mtime_ns]


def passages(path):
    with open(path) as f:
        for line in f:
            p = json.loads(line)
            yield p["passage_id"], p["text"]


def fts5_index(export_path, cache):
    """bench.py's FTS5 table over the export, cached; its build time when it was built."""
    path, meta = os.path.join(cache, "fts5.db"), os.path.join(cache, "fts5.json")
    figures = load(meta) or {}
    if figures.get("key") != file_key(export_path) or not os.path.exists(path):
        if os.path.exists(path):
            os.remove(path)
        db = sqlite3.connect(path)
        db.execute("CREATE VIRTUAL TABLE t USING fts5(text, tokenize='porter unicode61 remove_diacritics 2')")
        start = time.perf_counter()
        with db:
            db.executemany("INSERT INTO t(rowid, text) VALUES (?, ?)", passages(export_path))
        figures = {"key": file_key(export_path), "stored": True, "build_s": time.perf_counter() - start,
                   "at": time.strftime("%Y-%m-%d %H:%M")}
        db.close()
        save(meta, figures)
    db = sqlite3.connect(path)
    db.execute("CREATE VIRTUAL TABLE IF NOT EXISTS v USING fts5vocab(t, 'row')")
    figures["index_bytes"] = db.execute("SELECT sum(length(block)) FROM t_data").fetchone()[0]
    figures["file_bytes"] = os.path.getsize(path)
    return db, figures


def tantivy_index(tantivy, export_path, cache):
    """bench.py's tantivy index (en_stem, one thread, 200 MB heap) over the export, cached; the text is
    stored (tantivy's document store, compressed blocks), as Dossier's catalog stores it, so that the
    sizes compare like with like."""
    folder, meta = os.path.join(cache, "tantivy"), os.path.join(cache, "tantivy.json")
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("text", stored=True, tokenizer_name="en_stem")
    builder.add_integer_field("id", stored=True, indexed=False, fast=True)
    schema = builder.build()
    figures = load(meta) or {}
    if figures.get("key") != file_key(export_path) or not figures.get("stored") or not os.path.isdir(folder):
        shutil.rmtree(folder, ignore_errors=True)
        os.makedirs(folder)
        index = tantivy.Index(schema, path=folder)
        start = time.perf_counter()
        writer = index.writer(heap_size=200_000_000, num_threads=1)
        for pid, text in passages(export_path):
            writer.add_document(tantivy.Document(text=text, id=pid))
        writer.commit()
        writer.wait_merging_threads()
        figures = {"key": file_key(export_path), "stored": True, "build_s": time.perf_counter() - start,
                   "at": time.strftime("%Y-%m-%d %H:%M")}
        save(meta, figures)
    index = tantivy.Index(schema, path=folder)
    index.reload()
    figures["file_bytes"] = du([folder])
    figures["index_bytes"] = sum(os.path.getsize(os.path.join(folder, f)) for f in os.listdir(folder)
                                 if f.endswith((".term", ".idx", ".pos")))
    figures["segments"] = len({f.split(".")[0] for f in os.listdir(folder) if f.endswith(".idx")})
    return schema, index, figures


def draw_queries(db, export_path, n_rows, q, rng):
    """bench.py's classes and buckets, and OR of three, NOT, NEAR: words as typed, bucketed by how many
    passages hold them. The count comes from FTS5's vocabulary (the word's stemmed term) rather than a
    MATCH per word, the same number at any size."""
    sample = []
    for i, (_, text) in enumerate(passages(export_path)):  # a reservoir of 2,000 passages
        if len(sample) < 2000:
            sample.append(text)
        elif (j := rng.randrange(i + 1)) < 2000:
            sample[j] = text
    words = [[w.lower() for w in text.split()] for text in sample]
    candidates = sorted({w for ws in words for w in ws if w.isalpha() and len(w) > 2})
    rng.shuffle(candidates)
    candidates = candidates[:8000]
    stems = sqlite3.connect(":memory:")
    stems.execute("CREATE VIRTUAL TABLE w USING fts5(text, tokenize='porter unicode61 remove_diacritics 2')")
    stems.executemany("INSERT INTO w(rowid, text) VALUES (?, ?)", enumerate(candidates, 1))
    stems.execute("CREATE VIRTUAL TABLE wv USING fts5vocab(w, 'instance')")
    term_of = {candidates[doc - 1]: term for doc, term in stems.execute("SELECT doc, term FROM wv")}
    df = {w: (db.execute("SELECT doc FROM v WHERE term = ?", (t,)).fetchone() or [0])[0] for w, t in term_of.items()}
    by_df = sorted(df.items(), key=lambda kv: (kv[1], kv[0]))
    rare = [w for w, d in by_df if 1 <= d <= 5]
    middle = [w for w, d in by_df if n_rows * 0.002 <= d <= n_rows * 0.02] or [w for w, _ in by_df[len(by_df) // 3: 2 * len(by_df) // 3]]
    common = [w for w, _ in by_df[-150:]]
    bigrams, near = [], []
    for ws in words:
        for i, a in enumerate(ws):
            if not a.isalpha():
                continue
            if i + 1 < len(ws) and ws[i + 1].isalpha():
                bigrams.append((a, ws[i + 1]))
            # Two words 2 to 5 apart, in their order (tantivy's slop: FTS5's NEAR takes either order).
            for b in ws[i + 2: i + 6]:
                if b.isalpha() and b != a and len(a) > 2 and len(b) > 2:
                    near.append((a, b))
    both = middle + common
    return {
        "rare term": [(t, t) for t in rng.sample(rare, min(q, len(rare)))],
        "middle term": [(t, t) for t in rng.sample(middle, min(q, len(middle)))],
        "common term": [(t, t) for t in rng.sample(common, min(q, len(common)))],
        "2-term AND": [(f"{a} {b}", f"+{a} +{b}") for a, b in (rng.sample(both, 2) for _ in range(q))],
        "2-term OR": [(f"{a} OR {b}", f"{a} {b}") for a, b in (rng.sample(both, 2) for _ in range(q))],
        "3-term OR": [(f"{a} OR {b} OR {c}", f"{a} {b} {c}") for a, b, c in (rng.sample(both, 3) for _ in range(q))],
        "2-word phrase": [(f'"{a} {b}"', f'"{a} {b}"') for a, b in rng.sample(bigrams, min(q, len(bigrams)))],
        "prefix": [(f"{t[:3]}*", t[:3]) for t in rng.sample(common, min(q, len(common)))],
        "NOT": [(f"{a} NOT {b}", f"+{a} -{b}") for a, b in (rng.sample(both, 2) for _ in range(q))],
        "NEAR": [(f"NEAR({a} {b}, 5)", f'"{a} {b}"~5') for a, b in rng.sample(near, min(q, len(near)))],
    }


def measure(binary, ws, classes, db, tantivy, schema, index, rounds, pairs, pair_rounds):
    """Every engine, round by round on the same core, as in bench.py; then by document against flat in pairs."""
    searcher = index.searcher()
    queries = {name: [d for d, _ in qs] for name, qs in classes.items()}
    shapes = {"flat": [], "flat_nocount": ["--count-up-to", "0"], "flat_default": ["--count-up-to", "1000"],
              "doc": ["--by-document"], "doc_nocount": ["--by-document", "--count-up-to", "0"],
              "doc_default": ["--by-document", "--count-up-to", "1000"]}
    batches = {key: DossierBatch(binary, ws, queries, extra) for key, extra in shapes.items()}
    cores = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
    pinned = len(cores) >= 2 and os.path.isdir("/proc/self/task")

    def python_round(call):
        return timed_round(classes, call)

    def tantivy_search(name, pair, count):
        search_tantivy(tantivy, schema, index, searcher, name, pair, count)

    def fts5_search(_, pair):
        db.execute("SELECT rowid, bm25(t) FROM t WHERE t MATCH ? ORDER BY bm25(t) LIMIT 10", (pair[0],)).fetchall()

    results = {key: [] for key in list(shapes) + ["fts", "tan", "tan_nocount"]}
    for r in range(rounds):
        measured, other = (cores[r % 2], cores[1 - r % 2]) if pinned else (None, None)
        if pinned:
            for batch in batches.values():
                for thread in os.listdir(f"/proc/{batch.process.pid}/task"):
                    os.sched_setaffinity(int(thread), {measured})
            os.sched_setaffinity(0, {other})
        order = list(batches.items())
        for key, batch in order if r % 2 == 0 else order[::-1]:
            results[key].append(batch.round())
        if pinned:
            os.sched_setaffinity(0, {measured})
        results["fts"].append(python_round(fts5_search))
        for key, count in (("tan", True), ("tan_nocount", False)) if r % 2 == 0 else (("tan_nocount", False), ("tan", True)):
            results[key].append(python_round(lambda name, pair: tantivy_search(name, pair, count)))
        print(f"round {r + 1} of {rounds}", file=sys.stderr)
    for batch in batches.values():
        batch.close()
    medians = {key: {name: [statistics.median(rr[name][i] for rr in rs) for i in range(len(qs))] for name, qs in classes.items()}
               for key, rs in results.items()}
    if pinned:
        os.sched_setaffinity(0, {cores[1]})
    pin = ("taskset", "-c", str(cores[0])) if pinned else ()
    grouped = paired_rounds(lambda: DossierBatch(binary, ws, queries, ["--by-document"], pin),
                            lambda: DossierBatch(binary, ws, queries, [], pin), queries, pairs, pair_rounds)
    if pinned:
        os.sched_setaffinity(0, set(cores))
    return medians, grouped


def report(ws, st, text_mb, extraction, rebuilt, fts, tan, classes, medians, grouped, rounds, pairs, pair_rounds, cold_ms, copies):
    cat = st["catalog"]
    index_dir = os.path.join(ws, "index")
    catalog_bytes = du([os.path.join(index_dir, f) for f in os.listdir(index_dir) if f.startswith("catalog.sqlite")])
    seg_bytes = du([os.path.join(index_dir, "segments")])
    inv_bytes = inverted_bytes(os.path.join(index_dir, "segments"))
    lines = [f"Workspace {ws}: {cat['documents_by_kind'].get('pdf', 0):,} PDFs "
             f"({', '.join(f'{v:,} {k}' for k, v in sorted(cat['documents_by_status'].items()))}), {cat['pages']:,} pages, "
             f"{cat['passages']:,} passages, {text_mb:,.0f} MB of passage text"
             + (f"; every document {copies} times (scale.py --copies)" if copies else "") + ".\n",
             "| stage | figure |", "|---|---|"]
    if extraction:
        what = (f"copies made ({extraction['copies_made_s']:,.0f} s), then `dossier index`: the index built from the catalog, "
                "the pending passages published" if "copies" in extraction
                else f"`dossier index --jobs {extraction['jobs']}`, PDFs to index")
        lines.append(f"| {what} ({extraction['at']}) | {extraction['wall_s']:,.1f} s wall, peak RSS "
                     f"{extraction['peak_rss_mb']:,.0f} MB, {extraction['extracted']:,} extracted, {extraction['failed']} failed |")
    if rebuilt:
        lines.append(f"| our index rebuilt from the catalog's passages, whole `dossier index` ({rebuilt['at']}) | "
                     f"{rebuilt['wall_s']:.1f} s wall (reading the catalog {rebuilt['read_s']:.1f} s, building {rebuilt['build_s']:.1f} s), "
                     f"peak RSS {rebuilt['peak_rss_mb']:,.0f} MB |")
    lines.append(f"| FTS5 indexing the export, one transaction ({fts['at']}) | {fts['build_s']:.1f} s |")
    lines.append(f"| tantivy indexing the export, 1 thread ({tan['at']}) | {tan['build_s']:.1f} s, {tan['segments']} segments |")
    lines.append(f"| Dossier index files / dictionary+postings+positions | {seg_bytes / 1e6:,.1f} MB / {inv_bytes / 1e6:,.1f} MB "
                 f"({st['index']['segments']} segments, {st['index']['terms']:,} terms) |")
    b = st["bytes"]
    lines.append(f"| catalog (documents, pages, passages, the text) | {catalog_bytes / 1e6:,.1f} MB |")
    lines.append(f"| extracted text, each page once / stored compressed | {b['text'] / 1e6:,.1f} MB / {b['text_stored'] / 1e6:,.1f} MB |")
    # Copies (--copies) name their originals' text blocks: the text is stored once, not N times.
    lines.append(f"| **index folder ÷ extracted text** (Dossier; tantivy with stored text){' (copies share their text: not a real N-fold library)' if copies else ''} | **{b['index'] / b['text']:.2f}×** "
                 f"({b['index'] / 1e6:,.1f} MB); tantivy {tan['file_bytes'] / b['text']:.2f}× ({tan['file_bytes'] / 1e6:,.1f} MB) |")
    lines.append(f"| FTS5 index data / whole file | {fts['index_bytes'] / 1e6:,.1f} MB / {fts['file_bytes'] / 1e6:,.1f} MB |")
    lines.append(f"| tantivy .term+.idx+.pos / all files (with the stored text) | {tan['index_bytes'] / 1e6:,.1f} MB / {tan['file_bytes'] / 1e6:,.1f} MB |")
    lines.append(f"| cold start to first result, middle term, whole process | {cold_ms:.0f} ms |")
    lines.append("")

    def us(values):
        return f"{1000 * percentile(values, 50):,.1f} / {1000 * percentile(values, 99):,.1f}"

    def p(values, q=50):
        return percentile(values, q)
    for title, flat, doc, tan_key in (
            ("Counting every match (tantivy `count=True`; FTS5 ranks every match, counts none)", "flat", "doc", "tan"),
            ("Counting none (`--count-up-to 0`, tantivy `count=False`)", "flat_nocount", "doc_nocount", "tan_nocount"),
            ("As `dossier search` runs by default, counting up to 1,000 (`--count-up-to 1000`; tantivy `count=True`, "
             "it has no bound)", "flat_default", "doc_default", "tan")):
        lines.append(f"{title}. Top-10 latency in µs, p50 / p99, each query's median over {rounds} rounds, the engines "
                     "taking turns on one core (Dossier's took_ms inside the engine, FTS5 and tantivy timed around the call from Python):\n")
        lines.append("| class | Dossier flat | Dossier by document | FTS5 | tantivy | by-doc ÷ flat p50 | flat ÷ tantivy p50 | p99 | FTS5 ÷ flat p50 |")
        lines.append("|---|---|---|---|---|---|---|---|---|")
        for name in classes:
            f, d, s, t = medians[flat][name], medians[doc][name], medians["fts"][name], medians[tan_key][name]
            lines.append(f"| {name} ({len(f)}) | {us(f)} | {us(d)} | {us(s)} | {us(t)} | {p(d) / p(f):.2f}× | "
                         f"{p(f) / p(t):.2f}× | {p(f, 99) / p(t, 99):.2f}× | {p(s) / p(f):.1f}× |")
        lines.append("")
    lines.append(f"By document ÷ flat, both counting every match, in {pairs} pairs of fresh processes on one core, {pair_rounds} "
                 "rounds each (bench.paired_rounds): median over the pairs of each pair's ratio, lowest – highest pair:\n")
    lines.append("| class | p50 | p99 | p50 range |")
    lines.append("|---|---|---|---|")
    for name in classes:
        runs = grouped[name]
        p50s = sorted(p(g) / p(o) for g, o in runs)
        p99 = statistics.median(p(g, 99) / p(o, 99) for g, o in runs)
        lines.append(f"| {name} | {statistics.median(p50s):.2f}× | {p99:.2f}× | {p50s[0]:.2f} – {p50s[-1]:.2f} |")
    lines.append("")
    lines.append("Queries: FTS5's syntax through Dossier and FTS5 (`a b`, `a OR b OR c`, `\"a b\"`, `abc*`, `a NOT b`, "
                 "`NEAR(a b, 5)`); tantivy's `+a +b`, `a b c`, `\"a b\"`, a regex `abc.*` over its terms, `+a -b`, "
                 "`\"a b\"~5` (a slop, the nearest it has to NEAR).")
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workspace", default=DEFAULT_WS)
    parser.add_argument("--binary", default=bench.BIN)
    parser.add_argument("--jobs", type=int, default=os.cpu_count(), help="extraction workers when the workspace is built")
    parser.add_argument("--reindex", action="store_true", help="rebuild our index from the catalog first, timed")
    parser.add_argument("--copies", type=int, default=0, help="measure <workspace>-xN: every document N times")
    parser.add_argument("--queries", type=int, default=50, help="queries per class")
    parser.add_argument("--rounds", type=int, default=5, help="rounds of the mix through each engine")
    parser.add_argument("--pairs", type=int, default=4, help="pairs of processes, by document against flat")
    parser.add_argument("--pair-rounds", type=int, default=3)
    parser.add_argument("--output")
    args = parser.parse_args()
    import tantivy

    binary = os.path.abspath(args.binary)
    ws = os.path.abspath(args.workspace.rstrip("/"))
    os.makedirs(ws + "-cache", exist_ok=True)
    build_workspace(binary, ws, ws + "-cache", args.jobs)
    if args.copies > 1:
        base, ws = ws, f"{ws}-x{args.copies}"
        os.makedirs(ws + "-cache", exist_ok=True)
        make_copies(binary, base, ws, ws + "-cache", args.copies)
    cache = ws + "-cache"
    if args.reindex:
        reindex(binary, ws, cache)
    st = status(binary, ws)
    export_path = export(binary, ws, cache)
    text_mb = sum(len(text.encode()) for _, text in passages(export_path)) / 1e6
    db, fts = fts5_index(export_path, cache)
    schema, index, tan = tantivy_index(tantivy, export_path, cache)
    classes = draw_queries(db, export_path, st["catalog"]["passages"], args.queries, random.Random(7))
    with open(os.path.join(cache, "queries.json"), "w") as f:
        json.dump(classes, f, indent=1)
    start = time.perf_counter()
    run([binary, "search", "--flat", "--limit", "10", "--workspace", ws, classes["middle term"][0][0]], stdout=subprocess.DEVNULL)
    cold_ms = (time.perf_counter() - start) * 1000
    medians, grouped = measure(binary, ws, classes, db, tantivy, schema, index, args.rounds, args.pairs, args.pair_rounds)
    with open(os.path.join(cache, "latencies.json"), "w") as f:
        json.dump({"classes": classes, "medians": medians}, f)
    text = report(ws, st, text_mb, load(os.path.join(cache, "extraction.json")), load(os.path.join(cache, "reindex.json")),
                  fts, tan, classes, medians, grouped, args.rounds, args.pairs, args.pair_rounds, cold_ms, args.copies if args.copies > 1 else 0)
    write_report(text, args.output)


if __name__ == "__main__":
    main()

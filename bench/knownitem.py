#!/usr/bin/env python3
"""Known-item search: does a search put the document a query was made from
at the top?

Simulated known-item queries, after Azzopardi, de Rijke & Balog, "Building
simulated queries for known-item topics" (SIGIR 2007): pick a target
document, draw words from it in proportion to their frequency in it (their
"popular" model), keep only discriminative words (each in at most 5% of all
passages), and ask each engine for a ranked list of documents. The target's
rank (1 to 10, or none) gives MRR@10, the top-1 and the top-10 rates.

Query sets, each with 2 words and with 3 (`--sizes`; `make bench` adds 1):
  together   some single passage of the target holds every word (one word
             always: it has no scattered set);
  scattered  every word is in the target, but no passage of it holds them all
             (a search that matches passage by passage cannot find it).
Which set a query falls in, a word's frequency and whether two words are one
are judged as SQLite FTS5 judges them (porter unicode61 remove_diacritics 2,
the tokenizer Dossier matches); a word is kept only if it is made of Latin
letters that fold to plain ASCII (not ß, æ, ø), so that every engine reads it
the same.

Engines, each giving documents in rank order:
  dossier       `dossier search --batch --by-document --limit 10`: the
                default search's pages (an AND matches a document holding
                each word anywhere), their passages taken to documents;
  dossier-flat  `dossier search --batch --limit 200`: passages, taken to
                documents by first appearance (FTS5's passage semantics);
  fts5          an in-memory FTS5 table of the exported passages,
                `MATCH ... ORDER BY bm25(t), rowid LIMIT 200`, to documents
                by first appearance;
  tantivy       one tantivy document per Dossier document (its passages
                joined), BM25, every word required, English stemming with
                ASCII folding (en_stem approximates Dossier's porter).
The passages are exactly the indexed texts (`dossier export passages`).
The binary (default .build/release/dossier) is copied first, so that a build
during the run changes nothing; the workspace is only read.

Run it with the bench venv (stdlib + tantivy), on an indexed workspace:

    .build-bench/venv/bin/python bench/knownitem.py --workspace WS \\
        --output /tmp/knownitem.md          # also writes /tmp/knownitem.md.json

Each dossier engine is one `search --batch` process that answers every
query; the export and the FTS5 and tantivy indexes take under a second for
1,000 passages, 35 s for 251,000.

The JSON holds every query, its target and each engine's top 10, so that a
later run (another binary, a changed ranking) can repeat the same queries and
show what moved: `--compare /tmp/knownitem.md.json`.
"""
import argparse
import collections
import json
import os
import random
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import unicodedata

import tantivy

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEPTH = 10  # ranks counted: MRR@10, top-10
POOL = 200  # passages read by the flat searches before taking them to documents
MAX_SHARE = 0.05  # a query word is in at most this share of all passages
MIN_PASSAGES = 3  # a target document has at least this many passages
ENGINES = ("dossier", "dossier-flat", "fts5", "tantivy")
FTS5_TOKENIZER = "porter unicode61 remove_diacritics 2"

WORD = re.compile(r"[^\W_]+")
STOPWORDS = set("""
    a about above after again all also an and any are as at be because been before being below between both
    but by can could did do does doing down during each few for from further had has have having he her here
    hers him his how however into is it its itself just may me more most must my no nor not now of off on
    once one only or other our ours out over own same she should so some such than that the their theirs
    them then there these they this those through to too under until up upon very was we were what when
    where which while who whom why will with would you your yours
""".split())


def words(text):
    """The words a query may be made of: lower-cased runs of letters and
    digits, at least 3 long, not all digits, not a stopword."""
    return [w for w in WORD.findall(text.lower()) if len(w) >= 3 and not w.isdigit() and w not in STOPWORDS]


def plain_latin(word):
    """Latin letters that fold to plain ASCII by dropping their accents: every
    engine here tokenizes and folds such a word the same way."""
    folded = "".join(c for c in unicodedata.normalize("NFD", word) if not unicodedata.combining(c))
    return folded.isascii() and folded.isalpha()


# The corpus -----------------------------------------------------------------

def export_passages(binary, workspace):
    """Passages by document: {document_id: [(passage_id, text), ...]} in
    passage order."""
    docs = collections.defaultdict(list)
    proc = subprocess.Popen([binary, "export", "passages", "--workspace", workspace],
                            stdout=subprocess.PIPE, text=True, encoding="utf-8")
    for line in proc.stdout:
        p = json.loads(line)
        docs[p["document_id"]].append((p["passage_id"], p["text"]))
    if proc.wait() != 0:
        sys.exit(f"dossier export passages failed ({proc.returncode})")
    for passages in docs.values():
        passages.sort()
    return dict(docs)


class Fts5:
    """The passages in an in-memory FTS5 table, as Dossier indexes them: the
    judge of a word's stem and frequency, of which passages hold a query, and
    an engine of its own."""

    def __init__(self, docs):
        self.db = sqlite3.connect(":memory:")
        self.db.execute(f"CREATE VIRTUAL TABLE t USING fts5(text, tokenize='{FTS5_TOKENIZER}')")
        self.db.execute("CREATE VIRTUAL TABLE t_terms USING fts5vocab(t, 'row')")
        # A scratch table that tells the term FTS5 makes of a word.
        self.db.execute(f"CREATE VIRTUAL TABLE scratch USING fts5(text, tokenize='{FTS5_TOKENIZER}')")
        self.db.execute("CREATE VIRTUAL TABLE scratch_terms USING fts5vocab(scratch, 'instance')")
        with self.db:
            self.db.executemany("INSERT INTO t(rowid, text) VALUES (?, ?)",
                                (p for passages in docs.values() for p in passages))
        self.document_of = {pid: doc for doc, passages in docs.items() for pid, _ in passages}
        self.stems = {}

    def stem(self, word):
        """The term FTS5 indexes the word as (None if it makes no single term)."""
        if word not in self.stems:
            with self.db:
                self.db.execute("INSERT INTO scratch(rowid, text) VALUES (1, ?)", (word,))
                terms = [t for (t,) in self.db.execute("SELECT term FROM scratch_terms")]
                self.db.execute("DELETE FROM scratch")
            self.stems[word] = terms[0] if len(terms) == 1 else None
        return self.stems[word]

    def passage_frequency(self, term):
        row = self.db.execute("SELECT doc FROM t_terms WHERE term = ?", (term,)).fetchone()
        return row[0] if row else 0

    @staticmethod
    def match(query_words):
        return " ".join(f'"{w}"' for w in query_words)

    def matching_passages(self, query_words):
        return [pid for (pid,) in self.db.execute("SELECT rowid FROM t WHERE t MATCH ?", (self.match(query_words),))]

    def search(self, query_words):
        rows = self.db.execute("SELECT rowid FROM t WHERE t MATCH ? ORDER BY bm25(t), rowid LIMIT ?",
                               (self.match(query_words), POOL))
        return first_appearances(self.document_of[pid] for (pid,) in rows)


# Queries --------------------------------------------------------------------

class QueryMaker:
    """Known-item queries drawn from target documents (the "popular" model:
    words drawn in proportion to their frequency in the target)."""

    def __init__(self, docs, fts, rng):
        self.docs, self.fts, self.rng = docs, fts, rng
        self.passage_count = sum(len(p) for p in docs.values())
        self.max_frequency = max(1, int(MAX_SHARE * self.passage_count))
        # Cheap first cut on the words as written; the stems are checked after.
        frequency = collections.Counter()
        for passages in docs.values():
            for _, text in passages:
                frequency.update(set(words(text)))
        self.rare = {w for w, n in frequency.items() if n <= self.max_frequency and plain_latin(w)}
        self.targets = sorted(d for d, p in docs.items() if len(p) >= MIN_PASSAGES)
        self.weights = {}

    def candidates(self, doc):
        """The target's discriminative words with their frequency in it."""
        if doc not in self.weights:
            tf = collections.Counter(w for _, text in self.docs[doc] for w in words(text) if w in self.rare)
            self.weights[doc] = sorted(tf.items())
        return self.weights[doc]

    def draw(self, doc, size):
        """`size` words of the document, drawn by their frequency in it, with
        distinct FTS5 terms each in at most MAX_SHARE of the passages; None
        when the draw fails."""
        pool = list(self.candidates(doc))
        chosen, terms = [], set()
        while len(chosen) < size and pool:
            i = self.rng.choices(range(len(pool)), weights=[n for _, n in pool])[0]
            word, _ = pool.pop(i)
            term = self.fts.stem(word)
            if term is None or term in terms or self.fts.passage_frequency(term) > self.max_frequency:
                continue
            chosen.append(word)
            terms.add(term)
        return chosen if len(chosen) == size else None

    def make(self, per_set, sizes):
        """{set name: [query]} with up to `per_set` queries in each set."""
        # One word is always "together": it has no scattered set.
        sets = {f"{kind}-{size}": [] for size in sizes for kind in ("together", "scattered") if size > 1 or kind == "together"}
        seen = set()
        for _ in range(50 * per_set * len(sets)):
            if all(len(q) >= per_set for q in sets.values()):
                break
            doc = self.rng.choice(self.targets)
            for size in sizes:
                chosen = self.draw(doc, size)
                if chosen is None or (doc, frozenset(chosen)) in seen:
                    continue
                matching = self.fts.matching_passages(chosen)
                documents = {self.fts.document_of[pid] for pid in matching}
                name = f"{'together' if doc in documents else 'scattered'}-{size}"
                if len(sets[name]) < per_set:
                    seen.add((doc, frozenset(chosen)))
                    sets[name].append({"set": name, "target": doc, "words": chosen,
                                       "target_passages": len(self.docs[doc]),
                                       "matching_documents": len(documents)})
        return sets


# Engines --------------------------------------------------------------------

def first_appearances(documents):
    """Documents in the order of their first appearance, the first DEPTH."""
    ranked = []
    for doc in documents:
        if doc not in ranked:
            ranked.append(doc)
            if len(ranked) == DEPTH:
                break
    return ranked


def dossier_batch(binary, workspace, queries, flat, owner):
    """Every query through one `dossier search --batch` process (the index
    opened once, as a server holds it): by document (`--by-document`, the
    default search's pages) or flat; each line's passages taken to their
    documents (`owner`) by first appearance."""
    cmd = [binary, "search", "--workspace", workspace, "--batch", "--count-up-to", "0"]
    cmd += ["--limit", str(POOL)] if flat else ["--by-document", "--limit", str(DEPTH), "--per-doc", "1"]
    lines = "".join(" ".join(q["words"]) + "\n" for q in queries)
    out = subprocess.run(cmd, input=lines, capture_output=True, text=True, encoding="utf-8")
    if out.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)}: {out.stderr.strip()}")
    tops = []
    for line in out.stdout.splitlines():
        answer = json.loads(line)
        if "error" in answer:
            raise RuntimeError(f"{answer['query']}: {answer['error']}")
        tops.append(first_appearances(owner[r["passage_id"]] for r in answer["results"]))
    return tops


class Tantivy:
    """Whole documents in tantivy: every passage of a document in one text."""

    def __init__(self, docs):
        analyzer = (tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
                    .filter(tantivy.Filter.remove_long(40))
                    .filter(tantivy.Filter.lowercase())
                    .filter(tantivy.Filter.ascii_fold())
                    .filter(tantivy.Filter.stemmer("english"))
                    .build())
        builder = tantivy.SchemaBuilder()
        builder.add_text_field("text", stored=False, tokenizer_name="en_stem_fold")
        builder.add_integer_field("doc", stored=True, indexed=True, fast=True)
        self.schema = builder.build()
        self.index = tantivy.Index(self.schema)
        self.index.register_tokenizer("en_stem_fold", analyzer)
        writer = self.index.writer(heap_size=200_000_000, num_threads=1)
        for doc, passages in docs.items():
            writer.add_document(tantivy.Document(doc=doc, text="\n".join(text for _, text in passages)))
        writer.commit()
        writer.wait_merging_threads()
        self.index.reload()
        self.searcher = self.index.searcher()

    def query(self, query_words):
        return self.index.parse_query(" ".join(f"+{w}" for w in query_words), ["text"])

    def search(self, query_words):
        hits = self.searcher.search(self.query(query_words), DEPTH).hits
        return [self.searcher.doc(address)["doc"][0] for _, address in hits]

    def matches(self, query_words, doc):
        """Whether the document holds every word, as tantivy reads them."""
        only = tantivy.Query.term_query(self.schema, "doc", doc)
        both = tantivy.Query.boolean_query([(tantivy.Occur.Must, self.query(query_words)),
                                            (tantivy.Occur.Must, only)])
        return self.searcher.search(both, 1, count=True).count > 0


def run_engines(queries, binary, workspace, docs, fts, tan):
    """Each engine's top DEPTH documents for every query, into query["top"];
    the seconds each engine took."""
    owner = {pid: doc for doc, passages in docs.items() for pid, _ in passages}
    took = {}
    engines = {
        "dossier": lambda: dossier_batch(binary, workspace, queries, False, owner),
        "dossier-flat": lambda: dossier_batch(binary, workspace, queries, True, owner),
        "fts5": lambda: [fts.search(q["words"]) for q in queries],
        "tantivy": lambda: [tan.search(q["words"]) for q in queries],
    }
    for q in queries:
        q["top"] = {}
        q["tantivy_matches_target"] = tan.matches(q["words"], q["target"])
    for name, search in engines.items():
        start = time.perf_counter()
        tops = search()
        took[name] = time.perf_counter() - start
        for q, top in zip(queries, tops):
            q["top"][name] = top
    for q in queries:
        q["ranks"] = {name: rank(q["target"], top) for name, top in q["top"].items()}
    return took


# The report -----------------------------------------------------------------

def rank(target, top):
    return top.index(target) + 1 if target in top else None


def metrics(ranks):
    n = len(ranks)
    if n == 0:
        return {"n": 0, "mrr": 0.0, "top1": 0.0, "top10": 0.0}
    return {"n": n,
            "mrr": sum(1 / r for r in ranks if r) / n,
            "top1": sum(1 for r in ranks if r == 1) / n,
            "top10": sum(1 for r in ranks if r) / n}


def report(meta, queries, took, previous=None):
    sets = list(dict.fromkeys(q["set"] for q in queries))
    lines = [f"# Known-item search: {meta['workspace']}", "",
             f"{meta['documents']:,} documents, {meta['passages']:,} passages "
             f"({meta['targets']:,} documents with ≥{MIN_PASSAGES} passages to draw targets from); "
             f"query words each in at most {meta['max_frequency']:,} passages ({MAX_SHARE:.0%}); "
             f"seed {meta['seed']}; binary {meta['binary']}.", ""]
    header = "| set | queries | engine | MRR@10 | top-1 | top-10 |"
    rule = "| --- | ---: | --- | ---: | ---: | ---: |"
    if previous:
        header += " MRR@10 before | ranks changed |"
        rule += " ---: | ---: |"
    lines += [header, rule]
    before = {(q["set"], tuple(q["words"]), q["target"]): q for q in previous or []}
    for name in sets:
        group = [q for q in queries if q["set"] == name]
        for engine in ENGINES:
            m = metrics([q["ranks"][engine] for q in group])
            row = f"| {name} | {m['n']} | {engine} | {m['mrr']:.3f} | {m['top1']:.1%} | {m['top10']:.1%} |"
            if previous:
                old = [before[(q["set"], tuple(q["words"]), q["target"])]["ranks"].get(engine) for q in group]
                changed = sum(1 for q, r in zip(group, old) if q["ranks"][engine] != r)
                row += f" {metrics(old)['mrr']:.3f} | {changed} |"
            lines.append(row)
    lines += ["", "Seconds per engine over all queries (dossier: one `search --batch` process): " +
              ", ".join(f"{name} {s:.2f}" for name, s in took.items()) + ".", ""]

    # Where the engines that should agree do not.
    lines.append("## Disagreements")
    lines.append("")
    for a, b, why in (("dossier-flat", "fts5", "the same passage ranking, taken to documents: should not differ"),
                      ("dossier", "dossier-flat", "by document against FTS5's passage rule")):
        differ = [q for q in queries if q["top"][a] != q["top"][b]]
        target_differ = [q for q in differ if q["ranks"][a] != q["ranks"][b]]
        lines.append(f"- {a} against {b} ({why}): top 10 differ in {len(differ)} of {len(queries)} queries, "
                     f"the target's rank in {len(target_differ)}.")
        for q in (target_differ or differ)[:5]:
            lines.append(f"  - {q['set']}, target {q['target']}: `{' '.join(q['words'])}` — "
                         f"{a} {q['top'][a]}, {b} {q['top'][b]}")
    unmatched = [q for q in queries if not q["tantivy_matches_target"]]
    lines.append(f"- tantivy does not match the target at all (tokenization or stemming apart from FTS5's) "
                 f"in {len(unmatched)} of {len(queries)} queries.")
    for q in unmatched[:5]:
        lines.append(f"  - {q['set']}, target {q['target']}: `{' '.join(q['words'])}`")
    lines.append("")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build", "release", "dossier"))
    parser.add_argument("--workspace", required=True, help="an indexed Dossier workspace (read only)")
    parser.add_argument("--queries", type=int, default=200, help="queries per set (default 200)")
    parser.add_argument("--sizes", default="2,3", help="words per query, one pair of sets each (default 2,3)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--compare", metavar="JSON", help="repeat the queries of an earlier run's JSON and show what changed")
    parser.add_argument("--output", metavar="FILE", help="write the Markdown report here, and the queries to FILE.json")
    args = parser.parse_args()

    start = time.perf_counter()
    built = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(os.path.getmtime(args.binary)))
    # A copy of the binary, so that a build during the run changes nothing.
    snapshot = tempfile.TemporaryDirectory(prefix="knownitem-")
    binary = shutil.copy2(args.binary, os.path.join(snapshot.name, "dossier"))
    docs = export_passages(binary, args.workspace)
    fts = Fts5(docs)
    tan = Tantivy(docs)
    maker = QueryMaker(docs, fts, random.Random(args.seed))
    loaded = time.perf_counter()
    previous = None
    if args.compare:
        with open(args.compare) as f:
            previous = json.load(f)["queries"]
        queries = [{k: q[k] for k in ("set", "target", "words", "target_passages", "matching_documents")}
                   for q in previous]
    else:
        sizes = [int(s) for s in args.sizes.split(",")]
        queries = [q for group in maker.make(args.queries, sizes).values() for q in group]
    generated = time.perf_counter()
    took = run_engines(queries, binary, args.workspace, docs, fts, tan)
    meta = {"workspace": args.workspace, "binary": f"{args.binary} (built {built})", "seed": args.seed,
            "documents": len(docs), "passages": maker.passage_count, "targets": len(maker.targets),
            "max_frequency": maker.max_frequency,
            "seconds": {"load_and_index": round(loaded - start, 1), "generate": round(generated - loaded, 1),
                        "search": {k: round(v, 1) for k, v in took.items()},
                        "total": round(time.perf_counter() - start, 1)}}
    text = report(meta, queries, took, previous)
    text += (f"Loading and indexing {meta['seconds']['load_and_index']} s, query generation "
             f"{meta['seconds']['generate']} s, all {meta['seconds']['total']} s.\n")
    print(text)
    if args.output:
        with open(args.output, "w") as f:
            f.write(text)
        with open(args.output + ".json", "w") as f:
            json.dump({"meta": meta, "queries": queries}, f, indent=1)


if __name__ == "__main__":
    main()

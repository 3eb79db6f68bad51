#!/usr/bin/env python3
"""Six test collections through Dossier's default search: nDCG@10 and MAP
against SQLite FTS5's BM25 on the same texts (issue 32's evaluation harness).

The collection (../shared/ir-collections/cranfield: 1,400 abstracts of
aeronautics papers, 225 queries, graded judgments) becomes a workspace:
each paper a note of its own, `corpus/notes/cran-NNNN.md` (its title and
abstract, one paragraph: the reference's text, so that what differs is the
ranking), which `dossier index` reads and indexes as a document (notes are
documents, their sections pages). Each query is its
words, quoted and OR'ed (as `Tests/SearchTests/CranfieldTests.swift` asks
FTS5: a researcher's question, any word may match), and each engine gives
a ranked list of papers:

  dossier        the default search (`search --batch --by-document`):
                 documents in the order of their pages, 10 to a page;
  dossier-flat   `--flat`: passages, taken to papers by first appearance;
  fts5-passages  an FTS5 table of the exported passages (exactly the text
                 Dossier indexed), `ORDER BY bm25(t)`, to papers by first
                 appearance;
  fts5           an FTS5 table of the papers' title and abstract as the
                 collection gives them: the project's reference (MAP 0.301).

Measures, every query judged (225), each engine against the reference,
with p of a paired randomisation test on the queries' nDCG@10 (10,000
rounds, two-sided):
  nDCG@10  graded: gain 5 - grade for grades 1 (most relevant) to 4, a
           discount of 1/log2(rank + 1), the ideal from every judged paper;
  MAP      binary (grades 1 to 4 relevant), over the first 1,000 papers.

    .build-bench/venv/bin/python bench/cranfield.py --output .build-bench/cranfield.md

`--collection cisi` and `--collection cacm` measure two collections the
project's ranking was never tuned on, relevance binary (a relevant paper's
gain is 1): CISI (1,460 abstracts of library and information science, 76
judged queries) and CACM (3,204 titles and abstracts of the Communications
of the ACM, 52 judged queries). Each is read from a bare git directory of
a public repository that holds its three files, the search tool's `fetch`
under /work/.mirror (or DOSSIER_IR_COLLECTIONS, a folder holding such
clones): github:Shakiba-Alipour/Information-Retrieval-on-CISI (CISI.ALL,
CISI.QRY, CISI.REL) and github:atcherepanov/Stemming-Algorithm (cacm.all,
query.text, qrels.text). A query is its `.W` text (the question as asked);
a paper is its `.T` title and `.W` abstract.

    .build-bench/venv/bin/python bench/cranfield.py --collection cisi --output .build-bench/cisi.md

Three more, read the same way, each judged by binary relevance:
`--collection time` (423 Time magazine articles of 1963, 83 judged queries:
github:Chaplinski/IR-Assignment3, time/), and two held out
(``HELD_OUT``: measured for the ranking as it landed and for a candidate
chosen on the other four, never while choosing): `npl` (11,429 abstracts
of electronics and physics, 93 queries) and `lisa` (6,004 abstracts of
library science, 35 queries), both from
github:lorainemg/information-retrieval-system, resources/corpus/.

The workspace is made once under .build-bench/<collection> (rebuilt with
--rebuild); the binary is copied first, so that a build during the run
changes nothing.
"""
import argparse
import collections
import json
import math
import os
import re
import shutil
import sqlite3
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
COLLECTION = os.path.join(ROOT, "..", "shared", "ir-collections", "cranfield")
FTS5_TOKENIZER = "porter unicode61 remove_diacritics 2"
DEPTH = 1000


def read(name):
    with open(os.path.join(COLLECTION, name), encoding="utf-8", errors="replace") as f:
        return f.read().replace("\r", "")


# Where CISI's and CACM's repositories are: DOSSIER_IR_COLLECTIONS (a folder
# holding clones or bare git directories named owner+repo), else the fetch
# tool's mirrors.
MIRRORS = os.environ.get("DOSSIER_IR_COLLECTIONS", "/work/.mirror")
# Collection -> the public repository that holds its files, and their names
# (documents, queries, judgments).
REPOSITORIES = {
    "cisi": ("Shakiba-Alipour+Information-Retrieval-on-CISI", ("CISI.ALL", "CISI.QRY", "CISI.REL")),
    "cacm": ("atcherepanov+Stemming-Algorithm", ("cacm.all", "query.text", "qrels.text")),
    "npl": ("lorainemg+information-retrieval-system",
            ("resources/corpus/npl/doc-text", "resources/corpus/npl/query-text", "resources/corpus/npl/rlv-ass")),
    "lisa": ("lorainemg+information-retrieval-system",
             ([f"resources/corpus/lisa/LISA{n}" for n in
               ("0.001", "0.501", "1.001", "1.501", "2.001", "2.501", "3.001", "3.501", "4.001", "4.501",
                "5.001", "5.501", "5.627", "5.850")],
              "resources/corpus/lisa/LISA.QUE", "resources/corpus/lisa/LISARJ.NUM")),
    "time": ("Chaplinski+IR-Assignment3", ("time/TIME.ALL", "time/TIME.QUE", "time/TIME.REL")),
}
# The held-out collections: measured for the ranking that landed and for a
# candidate once it is chosen on the others, never while choosing.
HELD_OUT = ("npl", "lisa")
NAMES = {"cranfield": "Cranfield", "cisi": "CISI", "cacm": "CACM", "npl": "NPL", "lisa": "LISA", "time": "TIME"}


def repository(collection):
    """The collection's git directory (bare, or a clone's .git), or None."""
    base = os.path.join(MIRRORS, REPOSITORIES[collection][0])
    return next((d for d in (os.path.join(base, "repo"), os.path.join(base, ".git")) if os.path.isdir(d)), None)


def missing(collection):
    name = REPOSITORIES[collection][0]
    return (f"{collection.upper()} not found: fetch github:{name.replace('+', '/')} (the search tool's fetch) "
            f"or set DOSSIER_IR_COLLECTIONS to a folder holding {name}/.git")


def repository_file(collection, name):
    """One file of the collection from HEAD of its repository's git directory."""
    gitdir = repository(collection) or sys.exit(missing(collection))
    out = subprocess.run(["git", "--git-dir", gitdir, "show", f"HEAD:{name}"], capture_output=True, check=True)
    return out.stdout.decode("utf-8", errors="replace").replace("\r", "")


def smart_fields(record):
    """A SMART record's fields (".T", ".W", ...) as text, after its `.I n` line."""
    field, out = None, collections.defaultdict(list)
    for line in record.split("\n")[1:]:
        if len(line.rstrip()) == 2 and line.startswith("."):
            field = line.rstrip()
            continue
        if field:
            out[field].append(line.strip())
    return {k: " ".join(v).strip() for k, v in out.items()}


def smart(collection):
    """A SMART-format collection (CISI, CACM) as `collection()` gives
    Cranfield: papers (title, abstract), queries (by position, as the
    judgments number them: their `.W` text) and judgments, each relevant
    paper of grade 4 (a gain of 1: the judgments are binary)."""
    documents, questions, judgments = REPOSITORIES[collection][1]
    papers = {}
    for record in re.split(r"^\.I ", repository_file(collection, documents), flags=re.M)[1:]:
        f = smart_fields(record)
        papers[int(record.split("\n", 1)[0].strip())] = (f.get(".T", ""), f.get(".W", ""))
    queries = []
    for record in re.split(r"^\.I ", repository_file(collection, questions), flags=re.M)[1:]:
        queries.append(smart_fields(record).get(".W", ""))
    judged = collections.defaultdict(dict)
    for line in repository_file(collection, judgments).split("\n"):
        parts = line.split()
        if len(parts) >= 2:
            judged[int(parts[0])][int(parts[1])] = 4
    return papers, queries, judged


def slashed(text):
    """NPL's records: an id line, text lines, a line holding only `/`."""
    out = {}
    for record in re.split(r"^\s*/\s*$", text, flags=re.M):
        lines = record.strip().split("\n")
        if lines and lines[0].strip().isdigit():
            out[int(lines[0])] = " ".join(l.strip() for l in lines[1:]).strip()
    return out


def npl():
    """NPL (11,429 abstracts of electrical engineering and physics, 93
    queries): records ended by `/`; a paper is its text (no title), the
    judgments lists of relevant papers."""
    documents, questions, judgments = REPOSITORIES["npl"][1]
    papers = {k: ("", v) for k, v in slashed(repository_file("npl", documents)).items()}
    asked = slashed(repository_file("npl", questions))
    queries = [asked.get(i, "") for i in range(1, max(asked) + 1)]
    judged = collections.defaultdict(dict)
    for q, relevant in slashed(repository_file("npl", judgments)).items():
        for paper in relevant.split():
            judged[q][int(paper)] = 4
    return papers, queries, judged


def lisa():
    """LISA (6,004 abstracts of library and information science, 35
    queries): `Document n`, the title up to a blank line, the abstract, a
    line of stars; queries end with ` #`; LISARJ.NUM is numbers: a query,
    how many papers, the papers. (LISA.REL is cut short in query 21.)
    Papers 1993-2001 are missing or doubled in the collection itself; a
    repeated number keeps its first text, and none of them is judged."""
    files, questions, judgments = REPOSITORIES["lisa"][1]
    papers = {}
    for record in re.split(r"^\*{10,}\s*$", "".join(repository_file("lisa", f) for f in files), flags=re.M):
        m = re.match(r"\s*Document\s+(\d+)\s*\n(.*?)(?:\n\s*\n(.*))?$", record, flags=re.S)
        if m and int(m.group(1)) not in papers:
            title, abstract = (" ".join((g or "").split()) for g in (m.group(2), m.group(3)))
            papers[int(m.group(1))] = (title, abstract)
    asked = {}
    for record in repository_file("lisa", questions).split("#"):
        lines = record.strip().split("\n")
        if lines and lines[0].strip().isdigit():
            asked[int(lines[0])] = " ".join(l.strip() for l in lines[1:]).strip()
    queries = [asked.get(i, "") for i in range(1, max(asked) + 1)]
    numbers = [int(n) for n in repository_file("lisa", judgments).split()]
    judged, i = collections.defaultdict(dict), 0
    while i + 1 < len(numbers):
        q, count = numbers[i], numbers[i + 1]
        for paper in numbers[i + 2:i + 2 + count]:
            judged[q][paper] = 4
        i += 2 + count
    return papers, queries, judged


def time_collection():
    """TIME (423 articles of Time magazine, 1963, 83 queries): `*TEXT`
    records up to `*STOP`, `*FIND n` queries; the judgments number the
    articles by position (not by their TEXT number) in a TIME.ALL of 425
    articles, two of which, after the 370th, this copy lacks: a judgment
    above 370 names the article two places before it here. (Measured: of
    the judged articles above 370, 23 are in FTS5's first ten at n - 2
    and 1 at n; below 371, 215 at n and 3 at n - 2.) No judgment names
    371 to 377."""
    documents, questions, judgments = REPOSITORIES["time"][1]
    text = repository_file("time", documents).split("*STOP")[0]
    papers = {k + 1: ("", " ".join(r.split("\n", 1)[1].split()))
              for k, r in enumerate(re.split(r"^\*TEXT ", text, flags=re.M)[1:])}
    asked = {}
    for record in re.split(r"^\*FIND\s+", repository_file("time", questions).split("*STOP")[0], flags=re.M)[1:]:
        head, _, body = record.partition("\n")
        asked[int(head.strip())] = " ".join(body.split())
    queries = [asked.get(i, "") for i in range(1, max(asked) + 1)]
    judged = collections.defaultdict(dict)
    for line in repository_file("time", judgments).split("\n"):
        parts = [int(x) for x in line.split()]
        for paper in parts[1:]:
            paper = paper - 2 if paper > 370 else paper
            if paper in papers:
                judged[parts[0]][paper] = 4
    return papers, queries, judged


def collection():
    """Papers {id: (title, abstract)}, queries [text] (numbered by position,
    as cranqrel numbers them) and judgments {query: {paper: grade}}."""
    papers = {}
    for record in re.split(r"^\.I ", read("cran.all.1400"), flags=re.M)[1:]:
        lines = record.split("\n")
        paper = int(lines[0].strip())
        field, fields = None, collections.defaultdict(list)
        for line in lines[1:]:
            if len(line) == 2 and line.startswith("."):
                field = line
                continue
            if field:
                fields[field].append(line)
        papers[paper] = (" ".join(fields[".T"]).strip(), " ".join(fields[".W"]).strip())
    queries = []
    for record in read("cran.qry").split(".I ")[1:]:
        text = record.split(".W\n", 1)[1] if ".W\n" in record else ""
        queries.append(text.replace("\n", " ").strip())
    judged = collections.defaultdict(dict)
    for line in read("cranqrel").split("\n"):
        parts = line.split()
        if len(parts) >= 3 and 1 <= int(parts[2]) <= 4:
            judged[int(parts[0])][int(parts[1])] = int(parts[2])
    return papers, queries, judged


def or_query(text):
    return " OR ".join(f'"{w}"' for w in re.findall(r"\w+", text))


def ndcg10(ranking, grades):
    gain = lambda g: 5 - g
    dcg = sum(gain(grades[p]) / math.log2(i + 2) for i, p in enumerate(ranking[:10]) if p in grades)
    ideal = sorted((gain(g) for g in grades.values()), reverse=True)[:10]
    best = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / best if best else 0.0


def average_precision(ranking, grades):
    hits, total = 0, 0.0
    for i, p in enumerate(ranking[:DEPTH]):
        if p in grades:
            hits += 1
            total += hits / (i + 1)
    return total / len(grades) if grades else 0.0


def randomisation_p(a, b, rounds=10000, seed=1):
    """Two-sided p of a paired randomisation test (Smucker, Allan & Carterette
    2007) on the mean difference of per-query scores `a` and `b`: each round
    swaps each query's pair at random."""
    import random
    rng = random.Random(seed)
    d = [x - y for x, y in zip(a, b)]
    observed = abs(sum(d))
    extreme = sum(1 for _ in range(rounds) if abs(sum(x if rng.random() < 0.5 else -x for x in d)) >= observed - 1e-12)
    return (extreme + 1) / (rounds + 1)


def first_appearances(papers):
    ranked, seen = [], set()
    for p in papers:
        if p not in seen:
            seen.add(p)
            ranked.append(p)
    return ranked


def make_workspace(binary, workspace, papers, rebuild, prefix):
    if rebuild and os.path.exists(workspace):
        shutil.rmtree(workspace)
    if os.path.exists(os.path.join(workspace, "index", "manifest.json")):
        return
    notes = os.path.join(workspace, "corpus", "notes")
    os.makedirs(notes, exist_ok=True)
    for paper, (title, abstract) in papers.items():
        with open(os.path.join(notes, f"{prefix}-{paper:04d}.md"), "w", encoding="utf-8") as f:
            f.write(f"{title} {abstract}\n")
    out = subprocess.run([binary, "index", "--workspace", workspace], capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"dossier index failed: {out.stderr.strip()}")


def exported(binary, workspace, prefix, papers):
    """Passages [(passage_id, papers, text)]: each passage's papers, those
    whose text is its document's. Notes of the same text are one document
    (the first of them): CACM has 191 papers that repeat another's title
    and no abstract (a glossary's, 'Errata'), and each stands where it does."""
    same_text = collections.defaultdict(list)
    for paper, (title, abstract) in sorted(papers.items()):
        same_text[f"{title} {abstract}"].append(paper)
    documents = json.loads(subprocess.run([binary, "documents", "--workspace", workspace, "--json"],
                                          capture_output=True, text=True, check=True).stdout)
    rows = documents["documents"] if isinstance(documents, dict) else documents
    paper_of = {}
    for row in rows:
        m = re.search(prefix + r"-(\d+)\.md$", row.get("path") or "")
        if m:
            paper = int(m.group(1))
            paper_of[row["id"]] = same_text.get("{} {}".format(*papers[paper]), [paper]) if paper in papers else [paper]
    passages = []
    out = subprocess.run([binary, "export", "passages", "--workspace", workspace], capture_output=True, text=True, check=True)
    for line in out.stdout.splitlines():
        p = json.loads(line)
        if p["document_id"] in paper_of:
            passages.append((p["passage_id"], paper_of[p["document_id"]], p["text"]))
    return passages


def fts5_rankings(rows, queries):
    """Each query's papers through an FTS5 table of `rows` [(rowid, paper, text)]."""
    db = sqlite3.connect(":memory:")
    db.execute(f"CREATE VIRTUAL TABLE t USING fts5(text, tokenize='{FTS5_TOKENIZER}')")
    with db:
        db.executemany("INSERT INTO t(rowid, text) VALUES (?, ?)", ((r, t) for r, _, t in rows))
    paper = {r: p for r, p, _ in rows}
    out = []
    for q in queries:
        hits = db.execute("SELECT rowid FROM t WHERE t MATCH ? ORDER BY bm25(t), rowid", (or_query(q),))
        out.append(first_appearances(p for (r,) in hits for p in paper[r])[:DEPTH])
    return out


def dossier_rankings(binary, workspace, queries, paper_of, by_document):
    cmd = [binary, "search", "--workspace", workspace, "--batch", "--count-up-to", "0", "--limit", str(DEPTH)]
    if by_document:
        cmd += ["--by-document", "--per-doc", "1"]
    out = subprocess.run(cmd, input="".join(or_query(q) + "\n" for q in queries), capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"{' '.join(cmd)}: {out.stderr.strip()}")
    rankings = []
    for line in out.stdout.splitlines():
        answer = json.loads(line)
        if "error" in answer:
            sys.exit(f"{answer['query']}: {answer['error']}")
        rankings.append(first_appearances(p for r in answer["results"] for p in paper_of[r["passage_id"]])[:DEPTH])
    return rankings


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build", "release", "dossier"))
    parser.add_argument("--collection", choices=list(NAMES), default="cranfield")
    parser.add_argument("--workspace", help="default .build-bench/<collection>")
    parser.add_argument("--rebuild", action="store_true", help="make the workspace again")
    parser.add_argument("--skip-missing", action="store_true", help="a collection not on this machine is skipped, not an error")
    parser.add_argument("--output")
    args = parser.parse_args()
    args.workspace = args.workspace or os.path.join(ROOT, ".build-bench", args.collection)
    if args.collection != "cranfield" and repository(args.collection) is None:
        if args.skip_missing:
            print(f"{missing(args.collection)}: skipped")
            return
        sys.exit(missing(args.collection))

    binary = os.path.join("/tmp", f"dossier-cranfield-{os.getpid()}")
    shutil.copy(args.binary, binary)
    try:
        readers = {"cranfield": collection, "npl": npl, "lisa": lisa, "time": time_collection}
        papers, queries, judged = readers[args.collection]() if args.collection in readers else smart(args.collection)
        prefix = "cran" if args.collection == "cranfield" else args.collection
        make_workspace(binary, args.workspace, papers, args.rebuild, prefix)
        passages = exported(binary, args.workspace, prefix, papers)
        paper_of = {pid: paper for pid, paper, _ in passages}
        # Only the judged queries are asked (by position k, query judged_queries[k] + 1).
        judged_queries = [i for i in range(len(queries)) if judged.get(i + 1) and queries[i].strip()]
        asked = [queries[i] for i in judged_queries]
        engines = {
            "Dossier, the default search (by document)": dossier_rankings(binary, args.workspace, asked, paper_of, True),
            "Dossier `--flat`": dossier_rankings(binary, args.workspace, asked, paper_of, False),
            "FTS5 over Dossier's passages": fts5_rankings(passages, asked),
            "FTS5 over title and abstract (reference)": fts5_rankings([(p, [p], f"{t} {a}") for p, (t, a) in papers.items()], asked),
        }
    finally:
        os.remove(binary)
    grades = [judged[i + 1] for i in judged_queries]
    reference = engines["FTS5 over title and abstract (reference)"]
    ref_ndcg = sum(ndcg10(reference[k], g) for k, g in enumerate(grades)) / len(grades)
    name = NAMES[args.collection]
    lines = [f"{name}: {len(papers):,} papers, {len(judged_queries)} judged queries (words OR'ed), "
             f"{len(passages):,} passages in Dossier's workspace.", "",
             "| engine | nDCG@10 | vs FTS5 | p | MAP | vs FTS5 |", "|---|---:|---:|---:|---:|---:|"]
    ref_map = sum(average_precision(reference[k], g) for k, g in enumerate(grades)) / len(grades)
    ref_each = [ndcg10(reference[k], g) for k, g in enumerate(grades)]
    for name, rankings in engines.items():
        each = [ndcg10(rankings[k], g) for k, g in enumerate(grades)]
        n = sum(each) / len(grades)
        m = sum(average_precision(rankings[k], g) for k, g in enumerate(grades)) / len(grades)
        p = "" if rankings is reference else f"{randomisation_p(each, ref_each):.3f}"
        lines.append(f"| {name} | {n:.4f} | {100 * (n / ref_ndcg - 1):+.1f}% | {p} | {m:.4f} | {100 * (m / ref_map - 1):+.1f}% |")
    report = "\n".join(lines) + "\n"
    print(report)
    if args.output:
        with open(args.output, "w") as f:
            f.write(report)


if __name__ == "__main__":
    main()

"""Word recall of Dossier's extraction against pdftotext.

For each page of each PDF document in a workspace: the distinct words of
three or more letters (NFKC, lower-cased) that `pdftotext` reads on the
page, against the words of Dossier's indexed passages of that page
(`dossier export passages`: exactly the indexed text) and of the page's
furniture (running heads and feet, page numbers: kept beside the passages). The fragments of a
word broken by a hyphen at a line end are left out of pdftotext's side, and
so are pdftotext's joins of them (`exporter-` + `reported` gives its
`exporterreported`) where Dossier kept the compound (`exporter-reported`):
each tool may join a broken word differently.

usage: wordrecall.py DOSSIER WORKSPACE [--missing N]
prints a Markdown table (one row per document, and all) and, with
--missing, up to N missing words per document with the page they are on.
"""
import collections
import json
import re
import subprocess
import sys
import unicodedata

WORD = re.compile(r"[^\W\d_]{3,}")


def words(text):
    return set(w.lower() for w in WORD.findall(unicodedata.normalize("NFKC", text)))


def pdftotext_pages(path):
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", path, "-"], capture_output=True, check=False).stdout
    pages = out.decode("utf-8", "replace").split("\f")
    result = []
    for page in pages:
        text = unicodedata.normalize("NFKC", page)
        broken = set()
        # A word broken at a line end: its head, its tail and their join are left out.
        for m in re.finditer(r"([^\W\d_]+)[-\u2010\u00ad]\s*\n\s*([^\W\d_]+)", text):
            broken.update([m.group(1).lower(), m.group(2).lower(), (m.group(1) + m.group(2)).lower()])
        result.append(words(text) - broken)
    return result


def furniture(workspace):
    """Each page's furniture (running heads and feet, page numbers), which
    Dossier keeps beside the page's passages rather than in them: the
    catalog's pages.furniture, by (document id, page)."""
    import sqlite3
    db = sqlite3.connect(f"file:{workspace}/index/catalog.sqlite?mode=ro", uri=True)
    try:
        rows = db.execute("SELECT document_id, page_index, furniture FROM pages WHERE furniture IS NOT NULL").fetchall()
    except sqlite3.OperationalError:  # a catalog older than the furniture
        rows = []
    return {(d, p): json.loads(f) for d, p, f in rows}


def measure(binary, workspace):
    """One row per PDF of the workspace: (name, words found, words, missing
    as (word, page) pairs)."""
    documents = json.loads(subprocess.run([binary, "documents", "--json", "--workspace", workspace],
                                          capture_output=True, check=True).stdout)
    ours = collections.defaultdict(set)
    compounds = collections.defaultdict(set)
    exported = subprocess.run([binary, "export", "passages", "--workspace", workspace], capture_output=True, check=True).stdout
    for line in exported.decode().splitlines():
        p = json.loads(line)
        ours[(p["document_id"], p["page"])] |= words(p["text"])
        for compound in re.findall(r"[^\W\d_]+(?:[-\u2010][^\W\d_]+)+", unicodedata.normalize("NFKC", p["text"])):
            compounds[(p["document_id"], p["page"])].add(re.sub(r"[-\u2010]", "", compound).lower())
    for key, lines in furniture(workspace).items():
        for line in lines:
            ours[key] |= words(line)
    rows = []
    for d in documents:
        if d["kind"] != "pdf":
            continue
        theirs = pdftotext_pages(f"{workspace}/{d['path']}")
        found = every = 0
        missing = []
        for i, page in enumerate(theirs, start=1):
            have = ours.get((d["id"], i), set()) | compounds.get((d["id"], i), set())
            every += len(page)
            found += len(page & have)
            missing += [(w, i) for w in sorted(page - have)]
        rows.append(((d["url"] or d["path"]).split("/")[-1], found, every, missing))
    return rows


TOKEN = re.compile(r"[^\W_]+")


def phrases(binary, workspace, per_page=3, seed=7):
    """Random runs of four words from pdftotext's text of each page (words
    of letters, none broken at a line end), and how many of them Dossier's
    text of the same page holds in a row: (found, drawn)."""
    import random
    rng = random.Random(seed)
    documents = json.loads(subprocess.run([binary, "documents", "--json", "--workspace", workspace],
                                          capture_output=True, check=True).stdout)
    # The page's passages in order, as one run of words (a phrase may cross from one passage to the next).
    pages = collections.defaultdict(list)
    exported = subprocess.run([binary, "export", "passages", "--workspace", workspace], capture_output=True, check=True).stdout
    for line in exported.decode().splitlines():
        p = json.loads(line)
        pages[(p["document_id"], p["page"])] += [t.lower() for t in TOKEN.findall(unicodedata.normalize("NFKC", p["text"]))]
    grams = {key: {tuple(tokens[k:k + 4]) for k in range(len(tokens) - 3)} for key, tokens in pages.items()}
    # A furniture line is a run of its own: a phrase from it is found there, one
    # across it and the page's text (a running head read into the first paragraph) is not.
    for key, lines in furniture(workspace).items():
        for line in lines:
            tokens = [t.lower() for t in TOKEN.findall(unicodedata.normalize("NFKC", line))]
            grams.setdefault(key, set()).update(tuple(tokens[k:k + 4]) for k in range(len(tokens) - 3))
    found = drawn = 0
    for d in documents:
        if d["kind"] != "pdf":
            continue
        out = subprocess.run(["pdftotext", "-enc", "UTF-8", f"{workspace}/{d['path']}", "-"], capture_output=True).stdout
        for i, page in enumerate(out.decode("utf-8", "replace").split("\f"), start=1):
            text = unicodedata.normalize("NFKC", page)
            # Line-end hyphens: the words on either side are not drawn.
            text = re.sub(r"\S*[-\u2010\u00ad]\s*\n\s*\S*", " | ", text)
            tokens = TOKEN.findall(text.replace("|", " | "))
            runs = [k for k in range(len(tokens) - 3)
                    if all(len(w) >= 3 and w.isalpha() for w in tokens[k:k + 4])]
            for k in rng.sample(runs, min(per_page, len(runs))):
                drawn += 1
                found += tuple(w.lower() for w in tokens[k:k + 4]) in grams.get((d["id"], i), ())
    return found, drawn


def table(rows, total_label=None):
    """The rows as a Markdown table, with a total."""
    lines = ["| document | words of pdftotext found on Dossier's page |", "|---|---|"]
    for name, found, every, _ in rows:
        lines.append(f"| {name} | {found:,} / {every:,} = {100 * found / max(every, 1):.2f}% |")
    found, every = sum(r[1] for r in rows), sum(r[2] for r in rows)
    lines.append(f"| {total_label or f'all {len(rows)}'} | {found:,} / {every:,} = {100 * found / max(every, 1):.2f}% |")
    return lines


def main():
    binary, workspace = sys.argv[1], sys.argv[2]
    show = int(sys.argv[sys.argv.index("--missing") + 1]) if "--missing" in sys.argv else 0
    rows = measure(binary, workspace)
    print("\n".join(table(rows)))
    found, drawn = phrases(binary, workspace)
    print(f"\nFour-word phrases drawn from pdftotext's pages found on Dossier's page: {found:,} / {drawn:,} = {100 * found / max(drawn, 1):.2f}%")
    if show:
        for name, _, _, missing in rows:
            if missing:
                print(f"\n{name}: " + ", ".join(f"{w} (p. {p})" for w, p in missing[:show]))


if __name__ == "__main__":
    main()

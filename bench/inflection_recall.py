#!/usr/bin/env python3
"""Issue 33's done-when: on French and Spanish documents, a query by one
inflected form finds the passages holding another form of the word.

From `dossier export passages` of WORKSPACE: the passages of the documents
Dossier told as LANG (every page of them, whatever each page was told,
so that a page told wrong counts against it). Pairs of distinct forms
(lower-cased words of 4+ letters, each in at least 3 of those passages)
that Snowball's stemmer for LANG (the `snowballstemmer` package, the
same algorithms as libstemmer) gives one stem: plurals, feminines, verb
forms. For each pair (A, B), seeded, `dossier search --json --flat
--lang LANG --limit 100000 A` and the recall of
the passages of those documents whose text holds B as a word.

Usage (from the project root, the venv of `make bench`, which has
snowballstemmer): .build-bench/venv/bin/python bench/inflection_recall.py
WORKSPACE BINARY fr [--pairs 300]
"""
import argparse, collections, json, random, re, subprocess, sys

import snowballstemmer

NAMES = {"fr": "french", "es": "spanish", "pt": "portuguese", "de": "german", "it": "italian", "nl": "dutch"}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("workspace"), parser.add_argument("binary"), parser.add_argument("lang")
    parser.add_argument("--pairs", type=int, default=300)
    parser.add_argument("--seed", type=int, default=33)
    args = parser.parse_args()
    documents = {d["id"] for d in json.loads(subprocess.run([args.binary, "documents", "--json", "--workspace", args.workspace],
                                                             capture_output=True, text=True, check=True).stdout)
                 if d.get("language") == args.lang}
    export = subprocess.run([args.binary, "export", "passages", "--workspace", args.workspace], capture_output=True, text=True, check=True)
    passages = {}
    for line in export.stdout.splitlines():
        p = json.loads(line)
        if p["document_id"] in documents:
            passages[p["passage_id"]] = p["text"]
    holding = collections.defaultdict(set)
    for pid, text in passages.items():
        for word in set(re.findall(r"\w+", text.lower())):
            if len(word) >= 4 and word.isalpha():
                holding[word].add(pid)
    stemmer = snowballstemmer.stemmer(NAMES[args.lang])
    by_stem = collections.defaultdict(list)
    for word, where in holding.items():
        if len(where) >= 3:
            by_stem[stemmer.stemWord(word)].append(word)
    pairs = [(a, b) for forms in by_stem.values() for a in forms for b in forms if a != b]
    random.Random(args.seed).shuffle(pairs)
    pairs = pairs[:args.pairs]
    def search(word):
        out = subprocess.run([args.binary, "search", "--workspace", args.workspace, "--json", "--flat", "--lang", args.lang,
                              "--limit", "100000", "--", word], capture_output=True, text=True)
        if out.returncode != 0:
            sys.exit(f"dossier search {word}: {out.stderr.strip()}")
        return {r["passage_id"] for r in json.loads(out.stdout)["results"]}
    out = [search(a) for a, _ in pairs]
    found = wanted = 0
    worst = []
    for (a, b), hits in zip(pairs, out):
        target = holding[b]
        got = len(target & hits)
        found, wanted = found + got, wanted + len(target)
        worst.append((got / len(target), a, b, got, len(target)))
    print(f"{args.lang}: {len(documents)} documents, {len(passages):,} passages, {len(pairs)} pairs of forms sharing a Snowball stem")
    print(f"recall of the other form's passages: {found:,} of {wanted:,} = {found / max(1, wanted):.1%}; "
          f"pairs at 100%: {sum(1 for w in worst if w[0] == 1)} of {len(worst)}")
    for ratio, a, b, got, total in sorted(worst)[:8]:
        print(f"  {a} → {b}: {got} of {total}")


if __name__ == "__main__":
    main()

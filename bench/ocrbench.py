#!/usr/bin/env python3
"""OCR: Dossier against the `tesseract` command, on scans of real pages.

Pages of real PDFs (../shared/corpus-real, and any --pdf-dir: PDFs Dossier
has not seen) with at least 60 words, nine in ten of them in Latin
script (the languages read), are drawn at random, rendered to 200
dpi grey images with pdftoppm and wrapped, one page each, as image-only
PDFs (bench/imagepdf.c, cairo): scans with no text layer. Then:

1. speed: `dossier index` on a workspace of those scans (two OCR workers,
   rendering at 300 dpi, recognition, passages, index), against the
   `tesseract` command on the same pages rendered at 300 dpi, two at a
   time, with the same languages (the same engine);
2. word recall: the distinct words (3+ letters, NFKC, lower-cased,
   diacritics kept) pdftotext reads on each original page, found in
   Dossier's passages of its scan;
3. phrases: three consecutive words of each original page, searched as a
   phrase in the scan's document: found, at page 1?

usage: ocrbench.py [--pages N] [--pdf-dir DIR] [--languages L] [--output FILE]
"""
import argparse, glob, json, os, random, re, shutil, subprocess, sys, time, unicodedata

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import wordrecall  # noqa: E402

BIN = os.environ.get("DOSSIER", os.path.join(ROOT, ".build", "release", "dossier"))


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def page_texts(path):
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", path, "-"], capture_output=True).stdout
    return out.decode("utf-8", "replace").split("\f")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=24)
    parser.add_argument("--pdf-dir", action="append", default=[])
    parser.add_argument("--languages", default="eng+fra+spa")
    parser.add_argument("--work", default=os.path.join(ROOT, ".build-bench", "ocr"))
    parser.add_argument("--output")
    args = parser.parse_args()
    rng = random.Random(11)
    shutil.rmtree(args.work, ignore_errors=True)
    os.makedirs(args.work)
    helper = os.path.join(args.work, "imagepdf")
    cflags = subprocess.run(["pkg-config", "--cflags", "--libs", "cairo"], capture_output=True, text=True, check=True).stdout.split()
    run(["cc", os.path.join(ROOT, "bench", "imagepdf.c"), "-o", helper] + cflags)

    pdfs = sorted(glob.glob(os.path.join(ROOT, "..", "shared", "corpus-real", "*.pdf")))
    for folder in args.pdf_dir:
        pdfs += sorted(glob.glob(os.path.join(folder, "**", "*.pdf"), recursive=True))
    candidates = []
    for pdf in pdfs:
        for i, text in enumerate(page_texts(pdf), start=1):
            words = wordrecall.WORD.findall(text)
            # Pages in the Latin script of the languages read (a Chinese or Persian page is another language's OCR).
            latin = sum(1 for w in words if all(unicodedata.name(c, "").startswith("LATIN") for c in w))
            if len(words) >= 60 and latin >= 0.9 * len(words):
                candidates.append((pdf, i, text))
    chosen = rng.sample(candidates, min(args.pages, len(candidates)))

    ws = os.path.join(args.work, "ws")
    run([BIN, "init", ws], stdout=subprocess.DEVNULL)
    images = os.path.join(args.work, "images")
    os.makedirs(images)
    originals = {}
    for n, (pdf, page, text) in enumerate(chosen):
        base = os.path.join(args.work, f"p{n:03d}")
        run(["pdftoppm", "-r", "200", "-gray", "-png", "-singlefile", "-f", str(page), "-l", str(page), pdf, base])
        name = f"scan{n:03d}.pdf"
        run([helper, os.path.join(ws, "corpus", "library", name), base + ".png"])
        # The tesseract command's input: the scan as Dossier draws it, 300 dpi.
        run(["pdftoppm", "-r", "300", "-gray", "-png", "-singlefile", os.path.join(ws, "corpus", "library", name),
             os.path.join(images, f"scan{n:03d}")])
        originals[name] = (os.path.basename(pdf), page, text)

    start = time.perf_counter()
    run([BIN, "index", "--workspace", ws, "--ocr-budget", "600", "--ocr-languages", args.languages], stdout=subprocess.DEVNULL)
    dossier_s = time.perf_counter() - start
    listing = "\0".join(sorted(glob.glob(os.path.join(images, "*.png"))))
    start = time.perf_counter()
    # Two at a time, one thread each, as Tesseract's documentation advises for parallel runs (and as Dossier's workers run).
    subprocess.run(["xargs", "-0", "-P", "2", "-n", "1", "sh", "-c", f'tesseract "$0" "${{0%.png}}" -l {args.languages} >/dev/null 2>&1'],
                   input=listing.encode(), check=True, env={**os.environ, "OMP_THREAD_LIMIT": "1"})
    tesseract_s = time.perf_counter() - start
    cli_found = 0

    documents = json.loads(run([BIN, "documents", "--json", "--workspace", ws], capture_output=True).stdout)
    by_path = {d["path"].split("/")[-1]: d["id"] for d in documents}
    ours = {}
    for line in run([BIN, "export", "passages", "--workspace", ws], capture_output=True).stdout.decode().splitlines():
        p = json.loads(line)
        ours.setdefault(p["document_id"], set()).update(wordrecall.words(p["text"]))
    found = every = hits = tried = 0
    rows = []
    for name, (pdf, page, text) in sorted(originals.items()):
        theirs = wordrecall.words(text)
        have = ours.get(by_path.get(name), set())
        found += len(theirs & have)
        every += len(theirs)
        with open(os.path.join(images, name.replace(".pdf", ".txt")), encoding="utf-8", errors="replace") as cli:
            cli_found += len(theirs & wordrecall.words(cli.read()))
        tokens = [t for t in wordrecall.TOKEN.findall(unicodedata.normalize("NFKC", text))]
        runs = [k for k in range(len(tokens) - 2) if all(len(w) >= 3 and w.isalpha() for w in tokens[k:k + 3])]
        phrase_ok = None
        if runs:
            k = rng.choice(runs)
            phrase = " ".join(tokens[k:k + 3])
            # Searched in the scan's document (other documents may hold the phrase too, and rank first): found at page 1?
            out = subprocess.run([BIN, "search", "--workspace", ws, "--json", "--flat", "--doc", str(by_path.get(name)), f'"{phrase}"'],
                                 capture_output=True)
            results = json.loads(out.stdout or b"{}").get("results", []) if out.returncode == 0 else []
            phrase_ok = any(r["page"] == 1 for r in results)
            tried += 1
            hits += phrase_ok
        rows.append(f"| {pdf} p. {page} | {len(theirs & have)} / {len(theirs)} | {'yes' if phrase_ok else 'no' if phrase_ok is False else '—'} |")
    pages = len(originals)
    lines = [f"OCR of {pages} scanned pages (real pages at 200 dpi, image-only PDFs), languages {args.languages}, two cores:\n",
             "| | Dossier (`dossier index`: draw at 300 dpi, OCR, passages, index) | `tesseract` command (same pages at 300 dpi) | ratio |",
             "|---|---|---|---|",
             f"| time (s) | {dossier_s:.1f} | {tesseract_s:.1f} | {dossier_s / tesseract_s:.2f}× |",
             f"| pages per second | {pages / dossier_s:.2f} | {pages / tesseract_s:.2f} | |",
             "",
             f"Words of pdftotext on the original pages found in Dossier's OCR of the scans: {found:,} / {every:,} = "
             f"{100 * found / max(every, 1):.2f}% (the `tesseract` command's text of the same images: "
             f"{100 * cli_found / max(every, 1):.2f}%). A three-word phrase of each page, searched as a phrase in its scan's "
             f"document, is found at page 1: {hits} / {tried} = {100 * hits / max(tried, 1):.1f}%.",
             "", "| page | words found | phrase found |", "|---|---|---|"] + rows
    text = "\n".join(lines) + "\n"
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from bench import write_report
    write_report(text, args.output)


if __name__ == "__main__":
    main()

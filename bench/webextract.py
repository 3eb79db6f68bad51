#!/usr/bin/env python3
"""Main-text extraction of web pages: Dossier against all visible text and trafilatura.

What it measures: how much of a web page's article Dossier's extractor keeps
(recall) and how much of the page's boilerplate (menus, footers, related
links, comments) it leaves out (precision), on two public benchmarks, next to
two peers, and how many pages a second each extracts.

Extractors:
- dossier: `--bin` (default .build/release/dossier, else .build/debug/dossier)
  in its persistent worker mode, `dossier worker extract --serve`, the
  protocol of Sources/Extract/PersistentWorker.swift (a path and a newline in;
  `OK <n>\\n` and n bytes of an ExtractedDocument's JSON, or `ERR <line>\\n`,
  out); the main text is its pages' texts joined by newlines;
- visible: all the visible text of the page (Python's html.parser, without
  script, style, noscript, template, head and svg; block elements as line
  breaks): the baseline that keeps everything;
- trafilatura: `trafilatura.extract(html, include_comments=False,
  include_tables=True)`, as trafilatura's own evaluation runs it; only when
  an interpreter can import it (this one, or .build-bench/venv/bin/python,
  or --trafilatura-python).
Each runs as two worker processes (the machine has two cores), each fed one
page at a time; the Python extractors run this script in a serving mode
(`--serve NAME`) with the same protocol as Dossier's worker. cpu ms/page is
the workers' processor time (user and system, from their resource usage)
per page: what an extractor costs, apart from this script's share of the two
cores, which weighs more on a fast extractor's wall clock. pages/s is the
wall-clock time from the first page sent to the last page answered over the
whole dataset; the start of the workers (and one warm-up page each) is
excluded.

Datasets, read from bare git directories of the public repositories (as the
search tool's `fetch` leaves them under /work/.mirror) and extracted on the
first run to .build-bench/webeval/ (again when the repository's commit changes):
1. trafilatura's evaluation set (github adbar/trafilatura): tests/evaldata.json,
   URL -> {"file", "with": snippets the main text must contain, "without":
   snippets it must not}, and the pages in tests/cache/ or tests/eval/ (about
   990, many languages). Scored as tests/eval_common.py scores it: whitespace
   runs collapsed on both sides, a "with" snippet found is a true positive,
   missing a false negative; a "without" snippet found is a false positive;
   precision, recall and F1 over the counts summed over all pages; a failed
   extraction finds nothing. The set is split by the parity of the SHA-1 of the
   URL into "dev" (even) and "held-out" (odd) halves, reported apart, so that
   tuning on dev can be checked on held-out.
2. Scrapinghub's article-extraction-benchmark (github
   scrapinghub/article-extraction-benchmark): ground-truth.json (id ->
   {"articleBody", "url"}) and html/<id>.html.gz (181 English news pages).
   Scored by sentences: texts cut at newlines and after [.!?] followed by
   white space, whitespace collapsed, lower-cased, sentences under 20
   characters ignored; precision = output sentences found in the ground
   truth's text / output sentences, recall = ground-truth sentences found in
   the output's text / ground-truth sentences, summed over the pages. Also the
   benchmark's own measure (its evaluate.py): 4-word shingles, precision and
   recall averaged over pages, F1 of the two averages.

Run (from the repository's root; the venv has trafilatura):

    .build-bench/venv/bin/python bench/webextract.py --bin .build/release/dossier --markdown .build-bench/webextract.md
    python3 bench/webextract.py --only dossier --dataset trafilatura --show-misses 20   # quick iteration
    python3 bench/webextract.py --only dossier --limit 100 --dump /tmp/out              # each page's text

Options: --only EXTRACTOR[,EXTRACTOR] (dossier, visible, trafilatura),
--dataset trafilatura|scrapinghub (repeatable), --limit N (the first N pages
in SHA-1 order, from both halves), --show-misses N (Dossier's N worst pages
and the snippets or sentences it got wrong; --misses-half dev|held-out for one half of
trafilatura's set), --dump DIR (Dossier's text of
each page in DIR/<file>.txt), --markdown FILE (appends the tables).
Standard library only; trafilatura is optional.
"""
import argparse
import gzip
import hashlib
import html.parser
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import resource
import select
import threading
import time
from collections import Counter

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CACHE = os.path.join(ROOT, ".build-bench", "webeval")
# Where the datasets' repositories are: DOSSIER_WEB_EVAL (a folder holding
# clones or bare git directories named as below), else the fetch tool's mirrors.
MIRRORS = os.environ.get("DOSSIER_WEB_EVAL", "/work/.mirror")


def repository(name):
    """The git directory of `name` ("owner+repo") under MIRRORS: a bare one
    (MIRRORS/owner+repo/repo), or a clone's .git (MIRRORS/owner+repo/.git or
    MIRRORS/repo/.git); None when there is none."""
    owner_repo = os.path.join(MIRRORS, name)
    for candidate in (os.path.join(owner_repo, "repo"), os.path.join(owner_repo, ".git"),
                      os.path.join(MIRRORS, name.split("+", 1)[-1], ".git")):
        if os.path.isdir(candidate):
            return candidate
    return None


TRAFILATURA_GIT = repository("adbar+trafilatura")
SCRAPINGHUB_GIT = repository("scrapinghub+article-extraction-benchmark")
EXTRACTORS = ("dossier", "visible", "trafilatura")
WORKERS = 2
WARMUP_HTML = b"<html><head><title>Warm-up</title></head><body><article><h1>Warm-up</h1>" + \
    b"<p>" + b"A paragraph of text that an extractor should keep as the main text of the page. " * 8 + \
    b"</p></article><footer>Footer</footer></body></html>"


# ---------------------------------------------------------------- datasets

class Page:
    """One page of a dataset: `key` (URL or id), `name` (its file's name),
    `path` (an absolute .html path), `truth` (the annotation), `half`."""

    def __init__(self, key, name, path, truth, half=None):
        self.key, self.name, self.path, self.truth, self.half = key, name, path, truth, half

    @property
    def order(self):
        return hashlib.sha1(self.key.encode("utf-8")).hexdigest()


def git(gitdir, *args):
    return subprocess.run(["git", "--git-dir", gitdir, *args], check=True, capture_output=True).stdout


def unpack(gitdir, dest, paths):
    """Extracts `paths` of the repository's HEAD to `dest` once per commit; returns the commit."""
    commit = git(gitdir, "rev-parse", "HEAD").decode().strip()
    stamp = os.path.join(dest, ".commit")
    if os.path.exists(stamp) and open(stamp).read().strip() == commit:
        return commit
    print(f"extracting {os.path.basename(os.path.dirname(gitdir))} {commit[:12]} to {dest} …", file=sys.stderr)
    shutil.rmtree(dest, ignore_errors=True)
    os.makedirs(dest)
    archive = git(gitdir, "archive", "--format=tar", "HEAD", *paths)
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        try:
            tar.extractall(dest, filter="data")
        except TypeError:  # Python before 3.11.4: no filters
            tar.extractall(dest)
    with open(stamp, "w") as f:
        f.write(commit + "\n")
    return commit


def load_trafilatura_set():
    """trafilatura's tests/evaldata.json and its pages, cache/ before eval/ as its resolve() looks."""
    dest = os.path.join(CACHE, "trafilatura")
    commit = unpack(TRAFILATURA_GIT, dest, ["tests/evaldata.json", "tests/eval", "tests/cache"])
    with open(os.path.join(dest, "tests", "evaldata.json"), encoding="utf-8") as f:
        evaldata = json.load(f)
    pages = []
    for url, item in evaldata.items():
        path = next((p for p in (os.path.join(dest, "tests", d, item["file"]) for d in ("cache", "eval"))
                     if os.path.isfile(p)), None)
        if path is None:
            print(f"trafilatura set: {item['file']} not found, skipped", file=sys.stderr)
            continue
        if not path.endswith(".html"):  # Dossier tells a web page by its extension
            link = path + ".html"
            if not os.path.exists(link):
                shutil.copyfile(path, link)
            path = link
        half = "dev" if int(hashlib.sha1(url.encode("utf-8")).hexdigest(), 16) % 2 == 0 else "held-out"
        pages.append(Page(url, item["file"], os.path.abspath(path), item, half))
    return pages, commit


def load_scrapinghub_set():
    """The benchmark's ground truth and its pages, decompressed to <id>.html."""
    dest = os.path.join(CACHE, "scrapinghub")
    commit = unpack(SCRAPINGHUB_GIT, dest, ["ground-truth.json", "html"])
    with open(os.path.join(dest, "ground-truth.json"), encoding="utf-8") as f:
        truth = json.load(f)
    pages = []
    for key, item in truth.items():
        packed = os.path.join(dest, "html", key + ".html.gz")
        path = os.path.join(dest, "html", key + ".html")
        if not os.path.exists(path):
            with gzip.open(packed, "rb") as src, open(path, "wb") as out:
                shutil.copyfileobj(src, out)
        pages.append(Page(key, key + ".html", os.path.abspath(path), item))
    return pages, commit


# ---------------------------------------------------------------- scoring

def norm(text):
    """Whitespace runs collapsed to one space (trafilatura's eval_common.norm)."""
    return re.sub(r"\s+", " ", text).strip()


def snippet_counts(item, text):
    """(tp, fp, fn, tn) of one page of trafilatura's set, and the snippets gone wrong."""
    found = norm(text or "")
    missed = [w for w in item["with"] if norm(w) not in found]
    leaked = [w for w in item["without"] if norm(w) in found]
    tp, fp = len(item["with"]) - len(missed), len(leaked)
    return (tp, fp, len(missed), len(item["without"]) - fp), missed, leaked


def prf(tp, fp, fn):
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0
    return precision, recall, f1


SENTENCE_BREAK = re.compile(r"\n+|(?<=[.!?])\s+")


def sentences(text):
    """Sentences of 20 characters or more, whitespace-collapsed and lower-cased."""
    out = (norm(s).lower() for s in SENTENCE_BREAK.split(text or ""))
    return [s for s in out if len(s) >= 20]


def sentence_counts(truth_text, text):
    """(output sentences in the truth, output sentences, truth sentences in the output, truth sentences)
    of one Scrapinghub page, and the sentences missed and extra."""
    truth_flat, text_flat = norm(truth_text).lower(), norm(text or "").lower()
    got, want = sentences(text), sentences(truth_text)
    extra = [s for s in got if s not in truth_flat]
    missed = [s for s in want if s not in text_flat]
    return (len(got) - len(extra), len(got), len(want) - len(missed), len(want)), missed, extra


WORD = re.compile(r"\w+", re.UNICODE)


def shingle_counts(truth_text, text, n=4):
    """The article-extraction-benchmark's string_shingle_matching: (tp, fp, fn) of 4-word shingles, summing to 1."""
    def shingles(t):
        tokens = WORD.findall(t or "")
        return Counter(tuple(tokens[i:i + n]) for i in range(max(1, len(tokens) - n + 1)) if tokens[i:i + n])
    want, got = shingles(truth_text), shingles(text)
    tp = sum((want & got).values())
    fp = sum((got - want).values())
    fn = sum((want - got).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def shingle_scores(counts):
    """The benchmark's metrics_from_tp_fp_fns: precision and recall averaged over pages, F1 of the averages."""
    def precision(tp, fp, fn):
        return 1.0 if fp == fn == 0 else 0.0 if tp == fp == 0 else tp / (tp + fp)

    def recall(tp, fp, fn):
        return 1.0 if fp == fn == 0 else 0.0 if tp == fn == 0 else tp / (tp + fn)
    ps = [precision(*c) for c in counts if c[0] + c[1] > 0]
    rs = [recall(*c) for c in counts if c[0] + c[2] > 0]
    p = sum(ps) / len(ps) if ps else 0.0
    r = sum(rs) / len(rs) if rs else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


# ---------------------------------------------------------------- the Python extractors

def decode_html(data):
    """Bytes to text: a BOM, else the charset the page declares, else UTF-8, else windows-1252."""
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom):
            return data[len(bom):].decode(codec, "replace")
    declared = re.search(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", data[:8192], re.I)
    codecs = ([declared.group(1).decode("ascii")] if declared else []) + ["utf-8"]
    for codec in codecs:
        try:
            return data.decode(codec)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("windows-1252", "replace")


class VisibleText(html.parser.HTMLParser):
    """All the text a browser would show, roughly: no script, style, noscript,
    template, head or svg; block elements break lines."""
    HIDDEN = {"script", "style", "noscript", "template", "head", "svg"}
    BLOCK = {"address", "article", "aside", "blockquote", "br", "dd", "details", "dialog", "div", "dl", "dt",
             "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
             "hr", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table", "td", "th", "tr", "ul",
             "body", "html", "title", "option", "caption", "tbody", "thead", "tfoot", "center"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self.hidden = [], Counter()

    def handle_starttag(self, tag, attrs):
        if tag == "body":
            self.hidden["head"] = 0  # a head never closed ends here
        if tag in self.HIDDEN:
            self.hidden[tag] += 1
        elif tag in self.BLOCK:
            self.parts.append("\n")

    def handle_startendtag(self, tag, attrs):
        if tag in self.BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in self.HIDDEN:
            self.hidden[tag] = max(0, self.hidden[tag] - 1)
        elif tag in self.BLOCK:
            self.parts.append("\n")

    def handle_data(self, data):
        if not any(self.hidden.values()):
            self.parts.append(data)

    def text(self):
        lines = (re.sub(r"[ \t\r\f\v\u00a0]+", " ", line).strip() for line in "".join(self.parts).split("\n"))
        return "\n".join(line for line in lines if line)


def visible_text(data):
    parser = VisibleText()
    parser.feed(decode_html(data))
    parser.close()
    return parser.text()


def serve(name):
    """`--serve NAME`: Dossier's worker protocol around a Python extractor,
    answering {"pages": [{"text": ...}]} for each path read on stdin."""
    if name == "trafilatura":
        import trafilatura

        def extract(data):
            return trafilatura.extract(data, include_comments=False, include_tables=True) or ""
    else:
        extract = visible_text
    out = sys.stdout.buffer
    for line in sys.stdin.buffer:
        try:
            with open(line.rstrip(b"\n").decode("utf-8"), "rb") as f:
                body = json.dumps({"pages": [{"text": extract(f.read())}]}).encode("utf-8")
            out.write(b"OK %d\n" % len(body) + body)
        except Exception as error:  # noqa: BLE001 — one page's failure is its answer
            out.write(("ERR " + f"{type(error).__name__}: {error}".replace("\n", " ") + "\n").encode("utf-8"))
        out.flush()


# ---------------------------------------------------------------- running extractors

class Worker:
    """A worker process speaking PersistentWorker's protocol: a path and a
    newline in; `OK <n>\\n` and n bytes of JSON, or `ERR <line>\\n`, out. A
    worker that does not answer within `timeout` seconds is killed; a dead
    one is started again for the next page."""

    def __init__(self, argv, timeout):
        self.argv, self.timeout, self.process, self.timed_out = argv, timeout, None, False

    def start(self):
        self.process = subprocess.Popen(self.argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.DEVNULL)

    def stop(self):
        if self.process:
            try:
                self.process.stdin.close()
            except OSError:
                pass
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process = None

    def expire(self, process):
        """The timer's end: the page took too long."""
        self.timed_out = True
        try:
            process.kill()
        except OSError:
            pass

    def extract(self, path):
        """(text, None) or (None, why it failed)."""
        if self.process is None:
            self.start()
        process, self.timed_out = self.process, False
        header = ""
        try:
            process.stdin.write(path.encode("utf-8") + b"\n")
            process.stdin.flush()
            # The answer within the time limit (a select, not a timer thread per
            # page, whose cost would weigh on the faster extractor).
            if not select.select([process.stdout], [], [], self.timeout)[0]:
                self.expire(process)
                raise OSError("no answer")
            header = process.stdout.readline().decode("utf-8", "replace")
            if header.startswith("OK "):
                size = int(header[3:])
                body = process.stdout.read(size)
                if len(body) == size:
                    document = json.loads(body)
                    return "\n".join(page.get("text", "") for page in document.get("pages", [])), None
            elif header.startswith("ERR "):
                return None, header[4:].strip()
        except (OSError, ValueError) as error:
            header = f"{type(error).__name__}: {error}"
        # Dead, timed out or answering nonsense: the next page gets a new worker.
        try:  # an empty answer is the worker's end: its status, when it is dying anyway
            died = process.wait(timeout=5) if not header and not self.timed_out else process.poll()
        except subprocess.TimeoutExpired:
            died = None
        if died is None:
            process.kill()
        process.wait()
        self.process = None
        if self.timed_out:
            return None, f"timed out after {self.timeout:g} s"
        if died is not None:
            return None, f"worker died (status {died})"
        return None, f"unexpected answer {header.strip()[:80]!r}"


def run_extractor(argv, pages, timeout, workers=WORKERS):
    """{page.key: (text, error)} and the wall-clock seconds, `workers` processes at once."""
    warmup = os.path.join(CACHE, "warmup.html")
    os.makedirs(CACHE, exist_ok=True)
    with open(warmup, "wb") as f:
        f.write(WARMUP_HTML)
    pool = [Worker(argv, timeout) for _ in range(workers)]
    for worker in pool:  # start and warm up, outside the clock
        worker.extract(warmup)
    results, todo, lock = {}, iter(pages), threading.Lock()

    def work(worker):
        while True:
            with lock:
                page = next(todo, None)
            if page is None:
                return
            results[page.key] = worker.extract(page.path)

    start = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    threads = [threading.Thread(target=work, args=(w,)) for w in pool]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - start
    for worker in pool:
        worker.stop()
    # The workers' own processor time (their start and warm-up page included):
    # what an extractor costs, apart from this script's share of the cores.
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return results, Timing(seconds, cpu)


class Timing(float):
    """Wall-clock seconds (the float) with the workers' processor seconds (`cpu`)."""

    def __new__(cls, seconds, cpu):
        value = super().__new__(cls, seconds)
        value.cpu = cpu
        return value


def find_dossier(path):
    for candidate in [path] if path else [os.path.join(ROOT, ".build", "release", "dossier"),
                                          os.path.join(ROOT, ".build", "debug", "dossier")]:
        if candidate and os.access(candidate, os.X_OK):
            return os.path.abspath(candidate)
    sys.exit(f"no dossier binary at {path or '.build/release/dossier or .build/debug/dossier'}")


def find_trafilatura(python):
    """(interpreter, version) of the first of --trafilatura-python, this Python, the bench venv that imports it."""
    candidates = [python] if python else [sys.executable, os.path.join(ROOT, ".build-bench", "venv", "bin", "python")]
    for candidate in candidates:
        if not os.access(candidate, os.X_OK):
            continue
        check = subprocess.run([candidate, "-c", "import trafilatura; print(trafilatura.__version__)"],
                               capture_output=True, text=True)
        if check.returncode == 0:
            return candidate, check.stdout.strip()
        reason = (check.stderr.strip().splitlines() or ["?"])[-1]
        print(f"trafilatura: not importable by {candidate}: {reason}", file=sys.stderr)
    return None, None


# ---------------------------------------------------------------- reports

def table(title, header, rows):
    """The table as text and as Markdown."""
    cells = [header] + [[str(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    text = [title] + ["  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths)))
                      for row in cells]
    markdown = [f"**{title}**", "", "| " + " | ".join(header) + " |",
                "|" + "|".join("---" if i == 0 else "---:" for i in range(len(header))) + "|"]
    markdown += ["| " + " | ".join(row) + " |" for row in cells[1:]]
    return "\n".join(text) + "\n", "\n".join(markdown) + "\n"


def speed(n, seconds):
    return f"{n / seconds:.1f}" if seconds else "—"


def cpu_cost(n, seconds):
    """Processor milliseconds per page, summed over the workers."""
    cpu = getattr(seconds, "cpu", 0)
    return f"{1000 * cpu / n:.2f}" if n and cpu else "—"


def report_trafilatura_set(pages, runs):
    """Tables for the whole set and its halves; returns (texts, markdowns)."""
    out = []
    for half in (None, "dev", "held-out"):
        chosen = [p for p in pages if half is None or p.half == half]
        rows = []
        for name, (results, seconds) in runs.items():
            totals = [0, 0, 0, 0]
            for page in chosen:
                text, _ = results[page.key]
                counts, _, _ = snippet_counts(page.truth, text)
                totals = [a + b for a, b in zip(totals, counts)]
            p, r, f = prf(totals[0], totals[1], totals[2])
            failed = sum(1 for page in chosen if results[page.key][1])
            row = [name, len(chosen), failed, f"{p:.3f}", f"{r:.3f}", f"{f:.3f}"]
            rows.append(row + [speed(len(pages), seconds), cpu_cost(len(pages), seconds)] if half is None else row)
        header = ["extractor", "pages", "failed", "precision", "recall", "F1"] + (["pages/s", "cpu ms/page"] if half is None else [])
        label = "all pages" if half is None else f"{half} half"
        out.append(table(f"trafilatura evaluation set, {label} (snippets, micro-averaged)", header, rows))
    return out


def report_scrapinghub_set(pages, runs):
    rows = []
    for name, (results, seconds) in runs.items():
        totals, shingles = [0, 0, 0, 0], []
        for page in pages:
            text, _ = results[page.key]
            counts, _, _ = sentence_counts(page.truth.get("articleBody", ""), text)
            totals = [a + b for a, b in zip(totals, counts)]
            shingles.append(shingle_counts(page.truth.get("articleBody", ""), text or ""))
        p = totals[0] / totals[1] if totals[1] else 0.0
        r = totals[2] / totals[3] if totals[3] else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        sp, sr, sf = shingle_scores(shingles)
        failed = sum(1 for page in pages if results[page.key][1])
        rows.append([name, len(pages), failed, f"{p:.3f}", f"{r:.3f}", f"{f:.3f}",
                     f"{sp:.3f}", f"{sr:.3f}", f"{sf:.3f}", speed(len(pages), seconds), cpu_cost(len(pages), seconds)])
    header = ["extractor", "pages", "failed", "precision", "recall", "F1",
              "shingle P", "shingle R", "shingle F1", "pages/s", "cpu ms/page"]
    return [table("Scrapinghub article-extraction-benchmark (sentences, micro-averaged; "
                  "shingles as its evaluate.py)", header, rows)]


def clip(s, n=110):
    s = norm(s)
    return s if len(s) <= n else s[:n - 1] + "…"


def show_misses(dataset, pages, results, n, half=None):
    """Dossier's n worst pages (of one half, when given) and what it got wrong on each."""
    scored = []
    for page in pages:
        if half and page.half != half:
            continue
        text, error = results[page.key]
        if dataset == "trafilatura":
            counts, missed, extra = snippet_counts(page.truth, text)
            p, r, f = prf(counts[0], counts[1], counts[2])
        else:
            counts, missed, extra = sentence_counts(page.truth.get("articleBody", ""), text)
            p = counts[0] / counts[1] if counts[1] else 0.0
            r = counts[2] / counts[3] if counts[3] else 0.0
            f = 2 * p * r / (p + r) if p + r else 0.0
        scored.append((f, -len(missed) - len(extra), page, p, r, missed, extra, text, error))
    scored.sort(key=lambda s: (s[0], s[1], s[2].key))
    print(f"\ndossier's {min(n, len(scored))} worst pages of the {dataset} set:")
    for f, _, page, p, r, missed, extra, text, error in scored[:n]:
        where = f" [{page.half}]" if page.half else ""
        print(f"\n  {page.name}{where}  P {p:.2f} R {r:.2f} F1 {f:.2f}  {len(text or '')} chars  {page.key}")
        if error:
            print(f"    failed: {error}")
        for s in missed[:6]:
            print(f"    missed: {clip(s)}")
        if len(missed) > 6:
            print(f"    … {len(missed) - 6} more missed")
        for s in extra[:6]:
            print(f"    {'leaked' if dataset == 'trafilatura' else 'extra '}: {clip(s)}")
        if len(extra) > 6:
            print(f"    … {len(extra) - 6} more extra")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", help="the dossier binary (default .build/release/dossier, else .build/debug/dossier)")
    parser.add_argument("--only", action="append", default=[],
                        help="extractors to run, comma-separated: dossier, visible, trafilatura (default all)")
    parser.add_argument("--dataset", action="append", choices=["trafilatura", "scrapinghub"], default=[],
                        help="a dataset to run (repeatable; default both)")
    parser.add_argument("--limit", type=int, help="the first N pages of each dataset, in SHA-1 order of the key")
    parser.add_argument("--show-misses", type=int, default=0, metavar="N",
                        help="print Dossier's N worst pages and what went wrong on each")
    parser.add_argument("--misses-half", choices=["dev", "held-out"],
                        help="--show-misses from one half of trafilatura's set only (tune on dev, check on held-out)")
    parser.add_argument("--dump", metavar="DIR", help="write Dossier's text of each page to DIR/<file>.txt")
    parser.add_argument("--markdown", metavar="FILE", help="append the tables to FILE in Markdown")
    parser.add_argument("--timeout", type=float, default=120, help="seconds a worker may spend on a page")
    parser.add_argument("--trafilatura-python", help="an interpreter that imports trafilatura")
    parser.add_argument("--serve", choices=["visible", "trafilatura"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        return serve(args.serve)

    begin = time.perf_counter()
    chosen = [e.strip() for spec in args.only for e in spec.split(",") if e.strip()] or list(EXTRACTORS)
    unknown = set(chosen) - set(EXTRACTORS)
    if unknown:
        parser.error(f"unknown extractor(s): {', '.join(sorted(unknown))}")
    commands, versions = {}, {}
    if "dossier" in chosen:
        binary = find_dossier(args.bin)
        commands["dossier"] = [binary, "worker", "extract", "--serve"]
        built = time.strftime("%Y-%m-%d %H:%M", time.localtime(os.stat(binary).st_mtime))
        versions["dossier"] = f"{os.path.relpath(binary, ROOT) if binary.startswith(ROOT) else binary} (built {built})"
    if "visible" in chosen:
        commands["visible"] = [sys.executable, os.path.abspath(__file__), "--serve", "visible"]
        versions["visible"] = "html.parser"
    if "trafilatura" in chosen:
        python, version = find_trafilatura(args.trafilatura_python)
        if python:
            commands["trafilatura"] = [python, os.path.abspath(__file__), "--serve", "trafilatura"]
            versions["trafilatura"] = f"trafilatura {version}"
        else:
            print("trafilatura: skipped (not importable)", file=sys.stderr)

    datasets = args.dataset or ["trafilatura", "scrapinghub"]
    present = {"trafilatura": TRAFILATURA_GIT, "scrapinghub": SCRAPINGHUB_GIT}
    for dataset in list(datasets):
        if present[dataset] is None:
            print(f"{dataset}: skipped, its repository is not under {MIRRORS} (set DOSSIER_WEB_EVAL to a folder of "
                  "clones of adbar/trafilatura and scrapinghub/article-extraction-benchmark)", file=sys.stderr)
            datasets.remove(dataset)
    if not datasets:
        return
    outputs, commits = [], {}
    for dataset in datasets:
        pages, commits[dataset] = load_trafilatura_set() if dataset == "trafilatura" else load_scrapinghub_set()
        pages.sort(key=lambda p: p.order)
        if args.limit:
            pages = pages[:args.limit]
        runs = {}
        for name, argv in commands.items():
            print(f"{dataset}: {name} on {len(pages)} pages …", file=sys.stderr, flush=True)
            runs[name] = run_extractor(argv, pages, args.timeout)
            results, seconds = runs[name]
            failures = [(p, results[p.key][1]) for p in pages if results[p.key][1]]
            print(f"{dataset}: {name}: {seconds:.1f} s, {len(failures)} failed", file=sys.stderr)
            for page, error in failures[:5]:
                print(f"  {page.name}: {error}", file=sys.stderr)
        if dataset == "trafilatura":
            outputs += report_trafilatura_set(pages, runs)
        else:
            outputs += report_scrapinghub_set(pages, runs)
        if "dossier" in runs:
            if args.show_misses:
                show_misses(dataset, pages, runs["dossier"][0], args.show_misses, args.misses_half)
            if args.dump:
                os.makedirs(args.dump, exist_ok=True)
                for page in pages:
                    with open(os.path.join(args.dump, page.name + ".txt"), "w", encoding="utf-8") as f:
                        f.write(runs["dossier"][0][page.key][0] or "")

    print()
    for text, _ in outputs:
        print(text)
    total = time.perf_counter() - begin
    notes = (f"Extractors: {'; '.join(f'{k}: {v}' for k, v in versions.items())}. "
             f"Data: {'; '.join(f'{k} set at {c[:12]}' for k, c in commits.items())}"
             f"{f'; first {args.limit} pages' if args.limit else ''}. "
             f"{WORKERS} worker processes per extractor; pages/s is wall clock over the whole dataset, "
             f"worker start and warm-up excluded. Run time {total:.0f} s.")
    print(notes)
    if args.markdown:
        with open(args.markdown, "a", encoding="utf-8") as f:
            f.write(f"## Web page main-text extraction, {time.strftime('%Y-%m-%d %H:%M')}\n\n")
            for _, markdown in outputs:
                f.write(markdown + "\n")
            f.write(notes + "\n\n")


if __name__ == "__main__":
    main()

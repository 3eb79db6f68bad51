"""What pdftotext gets wrong and Dossier should not (issue 34, item 4).

For each PDF of a workspace Dossier has indexed, two counts, for pdftotext's
text and for Dossier's indexed passages (`dossier export passages`):

(a) **footnote marks fused to words**: a word of letters followed by one to
    three digits (`concerned27`) where poppler's glyph boxes show the digits
    set as a superscript: each digit's box at most 80% of the height of the
    letter before it, and its bottom raised above that letter's by a fifth
    of the letter's height or more (the rule Dossier's extraction splits
    them by). pdftotext prints every such mark against its word; each one
    still fused in a passage of Dossier's on the same page counts against it.

(b) **passages holding page furniture**: a line standing, the same, at the
    top or the bottom of three or more of a document's pages (a running
    head or foot), or a page number alone (`12 / 80`, `Page 3 of 9`).
    Digits are not masked here, unlike Dossier's own rule: footnotes such
    as "6. Article 4(7) Regulation (EC) No 338/97" would be one line. For
    pdftotext, the pages whose text holds such a line beyond its first
    occurrence; for Dossier, the passages that do: a passage whose first or
    last line is such a line, or the page's number (its physical number or
    its printed label: a lone number in a table is not one). A running
    head's first occurrence at a page's edge is kept as the heading it is,
    and so is the line on the page before it where the section begins amid
    that page; a line of the table of contents is not its first occurrence.

Reads the PDFs with poppler-glib through PyGObject (Debian: python3-gi,
gir1.2-poppler-0.18), so it runs with the system's python3.

usage: textshape.py DOSSIER WORKSPACE [--markdown OUT] [--brief] [--show]
"""
import argparse
import collections
import glob
import os
import json
import re
import subprocess
import sys
import unicodedata

import gi

gi.require_version("Poppler", "0.18")
from gi.repository import Poppler  # noqa: E402

FUSED = re.compile(r"([^\W\d_]{2,})(\d{1,3})(?![\d\w])")
PAGE_NUMBER = re.compile(r"^(?:page\s+|p\.\s*|-\s*)?\d{1,4}(?:\s*(?:/|of|de|sur)\s*\d{1,4})?(?:\s*-)?$|^[ivxlcdm]{1,7}$", re.I)


def mask(line):
    """A line as a running head repeats it: spaces and case folded."""
    return " ".join(line.split()).lower()


def superscript_fusions(page):
    """The fused tokens of a poppler page whose digits are superscripts: a
    Counter of token -> occurrences."""
    text = page.get_text()
    ok, rects = page.get_text_layout()
    found = collections.Counter()
    if not ok or not text:
        return found
    # poppler gives one rectangle per character of get_text(), newlines included.
    chars = list(text)
    if len(rects) != len(chars):
        return found
    for m in FUSED.finditer(text):
        letter = rects[m.start(2) - 1]
        lh = letter.y2 - letter.y1
        if lh <= 0:
            continue
        raised = True
        for i in range(m.start(2), m.end(2)):
            r = rects[i]
            h = r.y2 - r.y1
            if not (h <= 0.8 * lh and letter.y2 - r.y2 >= lh / 5):
                raised = False
                break
        if raised:
            found[unicodedata.normalize("NFKC", m.group(0)).lower()] += 1
    return found


def measure(binary, workspace, show=False):
    documents = json.loads(subprocess.run([binary, "documents", "--json", "--workspace", workspace],
                                          capture_output=True, check=True).stdout)
    passages = collections.defaultdict(list)
    labels = {}
    exported = subprocess.run([binary, "export", "passages", "--workspace", workspace], capture_output=True, check=True).stdout
    for line in exported.decode().splitlines():
        p = json.loads(line)
        passages[(p["document_id"], p["page"])].append(unicodedata.normalize("NFKC", p["text"]))
        labels[(p["document_id"], p["page"])] = p.get("page_label")
    rows = []
    for d in documents:
        if d["kind"] != "pdf" or d["status"] != "extracted":
            continue
        pdf = Poppler.Document.new_from_file("file://" + f"{workspace}/{d['path']}", None)
        fused_theirs = fused_ours = 0
        edges = collections.Counter()
        page_lines = []
        for i in range(pdf.get_n_pages()):
            page = pdf.get_page(i)
            marks = superscript_fusions(page)
            fused_theirs += sum(marks.values())
            ours = " ".join(passages.get((d["id"], i + 1), [])).lower()
            for token, count in marks.items():
                fused_ours += min(count, len(re.findall(r"(?<![\w])" + re.escape(token) + r"(?![\w])", ours)))
            lines = [l.strip() for l in (page.get_text() or "").split("\n") if l.strip()]
            page_lines.append(lines)
            for edge, chosen in (("top", lines[:2]), ("bottom", lines[-2:])):
                for line in set(mask(l) for l in chosen):
                    edges[(edge, line)] += 1
        repeated = {line for (edge, line), n in edges.items() if n >= 3 and len(line) <= 160 and re.search(r"[^\W\d_]", line)}
        # pdftotext: pages holding a repeated line past its first page, or a page number alone.
        seen, theirs_pages = set(), 0
        for lines in page_lines:
            masked = [mask(l) for l in lines]
            furniture = [m for m in masked[:2] + masked[-2:] if m in repeated and m in seen] + \
                        [l for l in lines[:2] + lines[-2:] if PAGE_NUMBER.match(l)]
            seen |= {m for m in masked[:2] + masked[-2:] if m in repeated}
            if furniture:
                theirs_pages += 1
        # Dossier: passages holding a repeated line past the page where its section begins.
        first = {}
        for p, lines in enumerate(page_lines, start=1):
            for m in (mask(l) for l in lines[:2] + lines[-2:]):
                if m in repeated and m not in first:
                    before = {mask(l) for l in page_lines[p - 2]} if p > 1 else set()
                    first[m] = p - 1 if m in before else p
        ours_passages = 0
        for (doc, page), texts in passages.items():
            if doc != d["id"]:
                continue
            numbers = {str(page), labels.get((doc, page)) or str(page)}
            for text in texts:
                lines = [l.strip() for l in text.strip().split("\n") if l.strip()]
                ends = [lines[0], lines[-1]] if lines else []
                held = [l for l in ends if (PAGE_NUMBER.match(l) and (not l.isdigit() or l in numbers))
                        or (mask(l) in repeated and first.get(mask(l), 0) != page)]
                if held:
                    ours_passages += 1
                    if show:
                        print(f"{(d['url'] or d['path']).split('/')[-1]} p. {page}: {held!r}", file=sys.stderr)
        name = (d["url"] or d["path"]).split("/")[-1]
        rows.append((name, fused_theirs, fused_ours, theirs_pages, ours_passages, len(page_lines)))
    return rows


SHARED = {os.path.basename(p) for p in glob.glob(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared",
                                                              "corpus-real", "*.pdf"))}


def table(rows, brief=False):
    """A Markdown table: a row per document (unless `brief`), then the
    totals of the shared reports, of the other PDFs, and of all."""
    out = ["| document | superscript marks fused: pdftotext | still fused in Dossier | pages with furniture in pdftotext's text | "
           "Dossier passages holding furniture |", "|---|---|---|---|---|"]
    groups = {"the shared reports": [], "the other PDFs": [], "all": []}
    for row in rows:
        name, a, b, c, e, _ = row
        if not brief:
            out.append(f"| {name} | {a} | {b} | {c} | {e} |")
        groups["the shared reports" if name in SHARED else "the other PDFs"].append(row)
        groups["all"].append(row)
    for label, members in groups.items():
        if members:
            sums = [sum(r[i] for r in members) for i in (1, 2, 3, 4)]
            out.append(f"| **{label} ({len(members)})** | **{sums[0]}** | **{sums[1]}** | **{sums[2]}** | **{sums[3]}** |")
    return "\n".join(out)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("workspace")
    parser.add_argument("--markdown")
    parser.add_argument("--brief", action="store_true", help="the totals only")
    parser.add_argument("--show", action="store_true", help="print each Dossier passage holding furniture, and the line")
    args = parser.parse_args()
    # Poppler opens the PDFs by file:// URI, which needs an absolute path
    # (make bench passes .build-bench/ws).
    text = table(measure(args.binary, os.path.abspath(args.workspace), show=args.show), brief=args.brief)
    print(text)
    if args.markdown:
        with open(args.markdown, "w") as out:
            out.write(text + "\n")


if __name__ == "__main__":
    sys.exit(main())

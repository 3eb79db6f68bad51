"""FTS5 index + python re-rankers on FTS5's own tokens."""
import sqlite3, math, re, os, pickle
from collections import defaultdict, Counter

TOK = "porter unicode61 remove_diacritics 2"

def build_index(coll, dbpath):
    if os.path.exists(dbpath): os.remove(dbpath)
    db = sqlite3.connect(dbpath)
    db.execute(f"CREATE VIRTUAL TABLE t USING fts5(body, tokenize='{TOK}')")
    db.execute(f"CREATE VIRTUAL TABLE tf USING fts5(title, abstract, tokenize='{TOK}')")
    db.execute(f"CREATE VIRTUAL TABLE qt USING fts5(x, tokenize='{TOK}')")
    for did, (title, body) in coll['docs'].items():
        db.execute("INSERT INTO t(rowid, body) VALUES (?,?)", (did, (title + " " + body).strip()))
        db.execute("INSERT INTO tf(rowid, title, abstract) VALUES (?,?,?)", (did, title, body))
    db.execute("CREATE VIRTUAL TABLE vi USING fts5vocab(t, 'instance')")
    db.execute("CREATE VIRTUAL TABLE vif USING fts5vocab(tf, 'instance')")
    db.execute("CREATE VIRTUAL TABLE vq USING fts5vocab(qt, 'instance')")
    db.commit()
    return db

def fts_query_string(text):
    # each whitespace word quoted (with internal quotes doubled), OR'ed; skip words without token chars
    ws = re.findall(r'[^\W_]+', text)   # split on non-letter/non-digit, as the project's CranfieldTests do
    return " OR ".join('"' + w.replace('"', '""') + '"' for w in ws)

def fts5_baseline(db, text, k=1000):
    q = fts_query_string(text)
    if not q: return []
    rows = db.execute("SELECT rowid FROM t WHERE t MATCH ? ORDER BY bm25(t) LIMIT ?", (q, k)).fetchall()
    return [r[0] for r in rows]

def query_tokens(db, text):
    db.execute("DELETE FROM qt")
    db.execute("INSERT INTO qt(rowid, x) VALUES (1, ?)", (text,))
    toks = [r[0] for r in db.execute("SELECT term FROM vq ORDER BY offset")]
    return toks

class Index:
    """positional index read from fts5vocab instance tables."""
    def __init__(self, db):
        self.post = defaultdict(dict)      # term -> {doc: [positions]} (single column title+abstract)
        self.dlen = Counter()
        for term, doc, col, off in db.execute("SELECT term, doc, col, offset FROM vi"):
            self.post[term].setdefault(doc, []).append(off)
            self.dlen[doc] += 1
        # docs with zero tokens
        for (d,) in db.execute("SELECT rowid FROM t"):
            self.dlen.setdefault(d, 0)
        self.N = len(self.dlen)
        self.avgdl = sum(self.dlen.values()) / self.N
        self.df = {t: len(p) for t, p in self.post.items()}
        # fields
        self.ftf = {'title': defaultdict(dict), 'abstract': defaultdict(dict)}
        self.flen = {'title': Counter(), 'abstract': Counter()}
        for term, doc, col, cnt in db.execute("SELECT term, doc, col, count(*) FROM vif GROUP BY term, doc, col"):
            self.ftf[col][term][doc] = cnt
            self.flen[col][doc] += cnt
        self.favg = {c: sum(self.flen[c].values()) / self.N for c in self.flen}

def save_index(idx, path):
    with open(path, 'wb') as f: pickle.dump(idx, f)

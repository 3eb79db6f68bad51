"""Candidate rankings computed over FTS5's own tokens (see engine.Index)."""
import math
from collections import Counter

# Lucene EnglishAnalyzer default stop set (33 words) -- used only for the optional 'stop' candidate
LUCENE_STOP = set("a an and are as at be but by for if in into is it no not of on or such that the their then there these they this to was will with".split())

def idf_of(kind, N, n):
    if kind == 'fts5':
        v = math.log((N - n + 0.5) / (n + 0.5))
        return v if v > 0 else 1e-6
    if kind == 'lucene':
        return math.log(1 + (N - n + 0.5) / (n + 0.5))
    if kind == 'plus':          # Lv & Zhai BM25+ idf
        return math.log((N + 1) / n)
    raise ValueError(kind)

def min_dist(poslists):
    """Tao & Zhai MinDist: smallest distance between occurrences of two different query terms."""
    ev = sorted((p, i) for i, pl in enumerate(poslists) for p in pl)
    best = None
    lastpos = {}
    for p, i in ev:
        for j, q in lastpos.items():
            if j != i:
                d = p - q
                if best is None or d < best: best = d
        lastpos[i] = p
    return best

def rank(idx, qtoks, stemmed_stop=None, idf='fts5', k1=1.2, b=0.75, delta=0.0, qtf='linear', k3=8.0,
         drop_half=False, stop=False, prox=None, alpha=0.3, pw=1.0, fields=None, fb=None, topk=1000):
    N = idx.N
    toks = [t for t in qtoks if t in idx.post]
    if stop and stemmed_stop is not None:
        toks = [t for t in toks if t not in stemmed_stop]
    if drop_half:
        kept = [t for t in toks if idx.df[t] <= N / 2]
        toks = kept if kept else toks
    cnt = Counter(toks)
    terms = list(cnt)
    if not terms: return []
    def qw(t):
        c = cnt[t]
        if qtf == 'linear': return c
        if qtf == 'unique': return 1
        if qtf == 'k3': return (k3 + 1) * c / (k3 + c)
        if qtf == 'sqrt': return math.sqrt(c)
    w = {t: idf_of(idf, N, idx.df[t]) * qw(t) for t in terms}
    scores = Counter()
    if fields is None:
        for t in terms:
            wt = w[t]
            for d, pl in idx.post[t].items():
                tf = len(pl)
                K = k1 * (1 - b + b * idx.dlen[d] / idx.avgdl)
                scores[d] += wt * (tf * (k1 + 1) / (tf + K) + delta)
    else:   # BM25F (Robertson/Zaragoza simple BM25F): per-field length-normalised, weighted tf, one saturation
        fbb = fb or {f: b for f in fields}
        for t in terms:
            wt = w[t]
            acc = Counter()
            for f, wf in fields.items():
                avg = idx.favg[f] or 1.0
                for d, tf in idx.ftf[f].get(t, {}).items():
                    acc[d] += wf * tf / (1 - fbb[f] + fbb[f] * idx.flen[f][d] / avg)
            for d, x in acc.items():
                scores[d] += wt * (x * (k1 + 1) / (x + k1) + delta)
    if prox == 'tao' and len(terms) > 1:
        for d in scores:
            pls = [idx.post[t][d] for t in terms if d in idx.post[t]]
            md = min_dist(pls) if len(pls) > 1 else None
            if md is None: md = idx.dlen[d]
            scores[d] += pw * math.log(alpha + math.exp(-md))
    elif prox == 'buettcher' and len(terms) > 1:
        wb = {t: math.log(N / idx.df[t]) for t in terms}
        for d in list(scores):
            ev = sorted((p, t) for t in terms if d in idx.post[t] for p in idx.post[t][d])
            acc = Counter()
            for (p1, t1), (p2, t2) in zip(ev, ev[1:]):
                if t1 != t2:
                    dd = (p2 - p1) ** 2
                    acc[t1] += wb[t2] / dd
                    acc[t2] += wb[t1] / dd
            if acc:
                K = k1 * (1 - b + b * idx.dlen[d] / idx.avgdl)
                scores[d] += pw * sum(min(1.0, wb[t]) * a * (k1 + 1) / (a + K) for t, a in acc.items())
    ranked = sorted(scores.items(), key=lambda x: (-x[1], x[0]))
    return [d for d, _ in ranked[:topk]]

def rank_lmdir(idx, qtoks, mu=2000.0, topk=1000, **_):
    """Query likelihood, Dirichlet smoothing (Zhai & Lafferty), rank-equivalent form, over docs matching >=1 term."""
    toks = [t for t in qtoks if t in idx.post]
    cnt = Counter(toks)
    if not cnt: return []
    C = sum(idx.dlen.values())
    cf = {t: sum(len(p) for p in idx.post[t].values()) for t in cnt}
    scores = Counter()
    for t, c in cnt.items():
        pc = cf[t] / C
        for d, pl in idx.post[t].items():
            scores[d] += c * math.log(1 + len(pl) / (mu * pc))
    ql = sum(cnt.values())
    for d in scores:
        scores[d] += ql * math.log(mu / (idx.dlen[d] + mu))
    ranked = sorted(scores.items(), key=lambda x: (-x[1], x[0]))
    return [d for d, _ in ranked[:topk]]

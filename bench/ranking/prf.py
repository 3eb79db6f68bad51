"""Pseudo-relevance feedback and reference rankings on the four tuning
collections (Cranfield, CISI, CACM, TIME; NPL and LISA are held out and never
loaded here), nDCG@10 and MAP relative to FTS5's bm25(), p of a paired
randomisation test on nDCG@10 (run.perm_test). TIME's judgments as
bench/cranfield.py renumbers them (two articles are missing from the copy,
so the judgments above article 370 name the article two places back).

    python3 bench/ranking/prf.py            # the table of candidates (about 1 min)
    python3 bench/ranking/prf.py --grid     # the RM3 / Rocchio grid, stop list on (about 6 min)
    python3 bench/ranking/prf.py --halves   # the picked setting on odd and even query ids

Candidates (all over FTS5's tokens, engine.Index):
  S   the query without the words of NLTK's English stop list (179 words,
      stemmed as FTS5 stems); a query of stop words only keeps them all.
      Documents that hold only stop words follow, in FTS5's order (they
      still match the OR).
  RM3 (Lavrenko & Croft 2001; Abdul-Jaleel et al. 2004) as Anserini's
      Rm3Reranker: the first ranking's top fb_docs (d) documents, each a
      term vector (terms of 2-20 alphanumeric characters in at most dfmax*N
      documents), 'anserini' document model = the document's fb_terms most
      frequent such terms over their sum, 'full' = tf / document length;
      each document weighted by its first-pass BM25 score ('bm25'; the sum
      normalisation is implied by the final L1 norm) or by its query
      likelihood P(Q|D) (Dirichlet mu 2000) normalised over the feedback
      documents ('ql'); the fb_terms (t) heaviest terms, L1-normalised,
      mixed with the L1-normalised query: w * q + (1 - w) * rm. The expanded
      query is BM25 (FTS5's idf, k1 1.2, b 0.75) with the mixed weights as
      boosts. 'S+RM3': the first ranking and q are those of the stopped query
      (Anserini's analyzer also drops stop words).
  Rocchio (Anserini's RocchioReranker): mean of the L2-normalised tf vectors
      of the fb_docs documents (same term filter), fb_terms heaviest,
      L2-normalised; alpha * q/|q| + beta * mean, alpha 1, beta 0.75.
  Forms: 'full' retrieves with the expanded query (documents that hold no
      query word can enter); 'R20', 'R100' re-score only the first ranking's
      first R (FTS5's, or S's for S+) and keep the rest in its order; 'Rall'
      re-scores every document that holds at least one query word (the
      product's constraint; with stop words in the query that is nearly
      every document, so it equals 'full').
  References: BM25 with Lucene's idf, query likelihood with Dirichlet
      smoothing, BM25F with the title as a field, the sequential dependence
      model (Metzler & Croft 2005) in its BM25 form with small pair weights,
      and in its LM form.

Indexes go to $RANKING_DATA (default /tmp/dossier-ranking).
"""
import argparse
import math
import os
import sys
import time
from collections import Counter, defaultdict

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import collections_io
from engine import build_index, fts5_baseline, query_tokens, Index
from rankers import idf_of
from evalm import evaluate
from run import perm_test

DATA = os.environ.get('RANKING_DATA', '/tmp/dossier-ranking')
COLLECTIONS = ('cranfield', 'cisi', 'cacm', 'time')

# NLTK's English stop list (179 words), for the query stop-list reference row.
NLTK_STOP = set("""i me my myself we our ours ourselves you you're you've you'll you'd your yours yourself yourselves
he him his himself she she's her hers herself it it's its itself they them their theirs themselves what which who
whom this that that'll these those am is are was were be been being have has had having do does did doing a an the
and but if or because as until while of at by for with about against between into through during before after above
below to from up down in out on off over under again further then once here there when where why how all any both
each few more most other some such no nor not only own same so than too very s t can will just don don't should
should've now d ll m o re ve y ain aren aren't couldn couldn't didn didn't doesn doesn't hadn hadn't hasn hasn't haven
haven't isn isn't ma mightn mightn't mustn mustn't needn needn't shan shan't shouldn shouldn't wasn wasn't weren
weren't won won't wouldn wouldn't""".split())


class Ctx:
    """One collection: its FTS5 index, positional index, term vectors, FTS5's
    rankings and the first-pass BM25 scores (FTS5's formula in Python)."""

    def __init__(self, name):
        self.name = name
        self.coll = getattr(collections_io, 'load_' + name)()
        os.makedirs(DATA, exist_ok=True)
        self.db = build_index(self.coll, os.path.join(DATA, f'{name}.db'))
        idx = self.idx = Index(self.db)
        self.N = idx.N
        self.df = idx.df
        self.C = sum(idx.dlen.values())
        self.cf = {t: sum(len(p) for p in pl.values()) for t, pl in idx.post.items()}
        self.vec = defaultdict(dict)                   # doc -> {term: tf}
        for t, pl in idx.post.items():
            for d, ps in pl.items():
                self.vec[d][t] = len(ps)
        self.K = {d: 1.2 * (0.25 + 0.75 * idx.dlen[d] / idx.avgdl) for d in idx.dlen}
        self.queries = self.coll['queries']
        self.qtoks = {q: query_tokens(self.db, t) for q, t in self.queries}
        self.base = {q: fts5_baseline(self.db, t) for q, t in self.queries}
        self.n0, self.m0, self.per0 = evaluate(self.base, self.coll['qrels'])
        self._tn = {}
        stop = set()
        for w in NLTK_STOP:
            stop.update(query_tokens(self.db, w))
        self.stop = stop
        self._first = {}
        self.first = self.first_pass(False)
        self.has_title = any(t for t, _ in self.coll['docs'].values())            # q -> [(doc, score)] python BM25, FTS5's order

    def words(self, q, stop=False):
        """The query's tokens found in the index; without the stop list's if `stop` (unless all are)."""
        toks = [t for t in self.qtoks[q] if t in self.idx.post]
        if stop:
            toks = [t for t in toks if t not in self.stop] or toks
        return toks

    def first_pass(self, stop):
        """{q: [(doc, score)]}: BM25 of the query (stopped if `stop`), FTS5's formula and order."""
        if stop not in self._first:
            self._first[stop] = {q: sorted(self.bm25(Counter(self.words(q, stop))).items(), key=lambda x: (-x[1], x[0]))
                                 for q, _ in self.queries}
        return self._first[stop]
        self.has_title = any(t for t, _ in self.coll['docs'].values())

    def tn(self, t, idf='fts5'):
        """{doc: idf * BM25 tf saturation} for term t (cached)."""
        key = (t, idf)
        if key not in self._tn:
            w = idf_of(idf, self.N, self.df[t])
            self._tn[key] = {d: w * len(ps) * 2.2 / (len(ps) + self.K[d]) for d, ps in self.idx.post[t].items()}
        return self._tn[key]

    def bm25(self, qw, docs=None, idf='fts5'):
        """BM25 of a weighted query {term: boost}; over `docs` only if given."""
        s = defaultdict(float)
        for t, w in qw.items():
            if t not in self.idx.post or w == 0:
                continue
            tn = self.tn(t, idf)
            if docs is None:
                for d, v in tn.items():
                    s[d] += w * v
            else:
                for d in docs:
                    v = tn.get(d)
                    if v is not None:
                        s[d] += w * v
        return s


def ranked(scores, k=1000):
    return [d for d, _ in sorted(scores.items(), key=lambda x: (-x[1], x[0]))[:k]]


def feedback_terms(ctx, d, dfmax):
    lim = dfmax * ctx.N
    return {t: tf for t, tf in ctx.vec[d].items()
            if ctx.df[t] <= lim and 2 <= len(t) <= 20 and t.isalnum()}


def ql_weights(ctx, q, docs, stop=False, mu=2000.0):
    """P(Q|D) (Dirichlet) of each feedback document, normalised over them."""
    toks = ctx.words(q, stop)
    ll = []
    for d in docs:
        dl = ctx.idx.dlen[d]
        ll.append(sum(math.log((ctx.vec[d].get(t, 0) + mu * ctx.cf[t] / ctx.C) / (dl + mu)) for t in toks))
    m = max(ll)
    e = [math.exp(x - m) for x in ll]
    z = sum(e)
    return [x / z for x in e]


def top(v, n):
    return dict(sorted(v.items(), key=lambda x: (-x[1], x[0]))[:n])


def l1(v):
    z = sum(v.values())
    return {t: x / z for t, x in v.items()} if z else {}


def l2(v):
    z = math.sqrt(sum(x * x for x in v.values()))
    return {t: x / z for t, x in v.items()} if z else {}


def rm3_query(ctx, q, fb_docs=10, fb_terms=10, w=0.5, dfmax=0.5, model='anserini', weight='bm25', stop=False):
    fb = ctx.first_pass(stop)[q][:fb_docs]
    if not fb:
        return {}
    docs = [d for d, _ in fb]
    ws = [s for _, s in fb] if weight == 'bm25' else ql_weights(ctx, q, docs, stop) if weight == 'ql' else [1.0] * len(docs)
    rm = defaultdict(float)
    for d, wd in zip(docs, ws):
        v = feedback_terms(ctx, d, dfmax)
        if model == 'anserini':
            v = top(v, fb_terms)
            norm = sum(v.values())
        else:
            norm = ctx.idx.dlen[d]
        if norm:
            for t, tf in v.items():
                rm[t] += wd * tf / norm
    rm = l1(top(rm, fb_terms))
    qv = l1(Counter(ctx.words(q, stop)))
    return {t: w * qv.get(t, 0) + (1 - w) * rm.get(t, 0) for t in set(qv) | set(rm)}


def rocchio_query(ctx, q, fb_docs=10, fb_terms=10, alpha=1.0, beta=0.75, dfmax=0.1, stop=False):
    docs = [d for d, _ in ctx.first_pass(stop)[q][:fb_docs]]
    if not docs:
        return {}
    mean = defaultdict(float)
    for d in docs:
        for t, x in l2(feedback_terms(ctx, d, dfmax)).items():
            mean[t] += x / len(docs)
    mean = l2(top(mean, fb_terms))
    qv = l2(Counter(ctx.words(q, stop)))
    return {t: alpha * qv.get(t, 0) + beta * mean.get(t, 0) for t in set(qv) | set(mean)}


def apply_form(ctx, q, qw, form, stop=False):
    """'full': retrieval with qw; 'Rn': the first ranking's first n re-scored, the
    rest in its order (the first ranking: FTS5's, or BM25 of the stopped query if
    `stop`); 'Rall': every document holding a query word re-scored."""
    base = ctx.base[q] if not stop else first_ranking(ctx, q)
    if not qw:
        return base
    if form == 'full':
        return with_tail(ctx, q, ranked(ctx.bm25(qw))) if stop else ranked(ctx.bm25(qw))
    if form == 'Rall':
        cand = [d for d, _ in ctx.first[q]]
        s = ctx.bm25(qw, cand)
        return sorted(cand, key=lambda d: (-s.get(d, 0.0), d))[:1000]
    n = int(form[1:])
    head = base[:n]
    s = ctx.bm25(qw, head)
    pos = {d: i for i, d in enumerate(head)}
    return sorted(head, key=lambda d: (-s.get(d, 0.0), pos[d])) + base[n:]


def first_ranking(ctx, q):
    """BM25 of the stopped query; the documents holding only stop words after the others, in FTS5's order."""
    return with_tail(ctx, q, [d for d, _ in ctx.first_pass(True)[q]])


# ---- reference rankers -------------------------------------------------------

def bm25_plain(ctx, q, idf='fts5', stop=False):
    if stop and idf == 'fts5':
        return first_ranking(ctx, q)
    return ranked(ctx.bm25(Counter(ctx.words(q, stop)), idf=idf))


def lm_dirichlet(ctx, q, mu=2000.0):
    cnt = Counter(t for t in ctx.qtoks[q] if t in ctx.idx.post)
    s = defaultdict(float)
    for t, c in cnt.items():
        pc = ctx.cf[t] / ctx.C
        for d, ps in ctx.idx.post[t].items():
            s[d] += c * math.log(1 + len(ps) / (mu * pc))
    ql = sum(cnt.values())
    for d in s:
        s[d] += ql * math.log(mu / (ctx.idx.dlen[d] + mu))
    return ranked(s)


def bm25f(ctx, q, tw=2.0, k1=1.2, b=0.75, stop=False):
    idx = ctx.idx
    cnt = Counter(ctx.words(q, stop))
    s = defaultdict(float)
    fields = {'title': tw, 'abstract': 1.0}
    for t, c in cnt.items():
        acc = defaultdict(float)
        for f, wf in fields.items():
            avg = idx.favg[f] or 1.0
            for d, tf in idx.ftf[f].get(t, {}).items():
                acc[d] += wf * tf / (1 - b + b * idx.flen[f][d] / avg)
        wt = c * idf_of('fts5', ctx.N, ctx.df[t])
        for d, x in acc.items():
            s[d] += wt * x * (k1 + 1) / (x + k1)
    return with_tail(ctx, q, ranked(s)) if stop else ranked(s)


def with_tail(ctx, q, lst):
    """A ranking of the stopped query, then the documents holding only stop words (FTS5's order)."""
    seen = set(lst)
    return (lst + [d for d in ctx.base[q] if d not in seen])[:1000]


def pair_counts(pa, pb, window):
    """#1 (b right after a) if window == 1, else #uwN: occurrences of a with b within N-1 positions."""
    if window == 1:
        sb = set(pb)
        return sum(1 for p in pa if p + 1 in sb)
    n, j = 0, 0
    pb = sorted(pb)
    for p in sorted(pa):
        while j < len(pb) and pb[j] < p - (window - 1):
            j += 1
        if j < len(pb) and abs(pb[j] - p) <= window - 1:
            n += 1
    return n


def sdm_pairs(ctx, q, stop=False):
    toks = ctx.words(q, stop)
    return [(a, b) for a, b in zip(toks, toks[1:]) if a != b]


def pair_postings(ctx, a, b, window):
    pa, pb = ctx.idx.post[a], ctx.idx.post[b]
    out = {}
    for d in (pa.keys() & pb.keys()):
        c = pair_counts(pa[d], pb[d], window)
        if c:
            out[d] = c
    return out


def sdm_bm25(ctx, q, wo=0.1, wu=0.05, stop=False):
    """BM25 + wo * sum BM25(#1 pairs) + wu * sum BM25(#uw8 pairs), pairs of adjacent query words
    (adjacent once stop words are dropped, if `stop`)."""
    s = ctx.bm25(Counter(ctx.words(q, stop)))
    for a, b in sdm_pairs(ctx, q, stop):
        for window, wt in ((1, wo), (8, wu)):
            pp = pair_postings(ctx, a, b, window)
            if not pp:
                continue
            idf = idf_of('fts5', ctx.N, len(pp))
            for d, tf in pp.items():
                s[d] += wt * idf * tf * 2.2 / (tf + ctx.K[d])
    return with_tail(ctx, q, ranked(s)) if stop else ranked(s)


def sdm_lm(ctx, q, mu=2000.0, lt=0.85, lo=0.1, lu=0.05):
    """Metzler & Croft's SDM (Dirichlet), over documents holding a query word."""
    idx = ctx.idx
    toks = [t for t in ctx.qtoks[q] if t in idx.post]
    cand = {d for t in toks for d in idx.post[t]}
    s = {d: 0.0 for d in cand}
    feats = [(lt, {d: len(p) for d, p in idx.post[t].items()}, ctx.cf[t]) for t in toks]
    for a, b in sdm_pairs(ctx, q):
        for window, lam in ((1, lo), (8, lu)):
            pp = pair_postings(ctx, a, b, window)
            feats.append((lam, pp, sum(pp.values())))
    for lam, post, cf in feats:
        pc = (cf + 0.5) / ctx.C
        for d in cand:
            dl = idx.dlen[d]
            s[d] += lam * math.log((post.get(d, 0) + mu * pc) / (dl + mu))
    return ranked(s)


# ---- measurement -----------------------------------------------------------------

def measure(ctx, fn):
    runs = {q: fn(q) for q, _ in ctx.queries}
    n, m, per = evaluate(runs, ctx.coll['qrels'])
    return 100 * (n / ctx.n0 - 1), 100 * (m / ctx.m0 - 1), perm_test(ctx.per0, per), per


FORMS = ('full', 'R20', 'R100', 'Rall')
PICK = 'S+RM3 bm25 anserini df<=0.5 d3 t20 w0.85'   # the setting picked on the grid (README)


def candidates(ctx, grid=False):
    """{label: function q -> ranking, or None where it does not apply}."""
    C = {}
    if not grid:
        C['BM25, FTS5 idf (python)'] = lambda q: bm25_plain(ctx, q)
        C['BM25, Lucene idf'] = lambda q: bm25_plain(ctx, q, idf='lucene')
        for mu in (500, 2000):
            C[f'QL Dirichlet mu={mu}'] = lambda q, mu=mu: lm_dirichlet(ctx, q, mu)
        for tw in (2.0, 3.0):
            C[f'BM25F title w={tw:g}'] = (lambda q, tw=tw: bm25f(ctx, q, tw)) if ctx.has_title else None
        C['SDM-BM25 (#1 0.1, #uw8 0.05)'] = lambda q: sdm_bm25(ctx, q)
        C['SDM-LM (.85/.1/.05, mu 2000)'] = lambda q: sdm_lm(ctx, q)
        C['S = BM25 + NLTK query stop list'] = lambda q: bm25_plain(ctx, q, stop=True)
        C['S + BM25F title w=2'] = (lambda q: bm25f(ctx, q, 2.0, stop=True)) if ctx.has_title else None
        C['S + SDM-BM25'] = lambda q: sdm_bm25(ctx, q, stop=True)
    rm3, roc = [], []
    if not grid:
        rm3 = [('RM3 Anserini 10/10/.5 df<=.1 bm25', dict(dfmax=0.1)),
               ('RM3 10/10/.5 df<=.5 bm25', dict(dfmax=0.5)),
               ('RM3 10/10/.5 df<=.5 ql', dict(dfmax=0.5, weight='ql')),
               ('S+RM3 Anserini 10/10/.5 df<=.1 bm25', dict(dfmax=0.1, stop=True)),
               ('S+RM3 10/10/.5 df<=.5 ql', dict(dfmax=0.5, weight='ql', stop=True)),
               ('RM3 bm25 anserini df<=0.5 d3 t20 w0.85 (no stop list)', dict(fb_docs=3, fb_terms=20, w=0.85)),
               (PICK, dict(fb_docs=3, fb_terms=20, w=0.85, stop=True))]
        roc = [('Rocchio Anserini 10/10 a1 b.75 df<=.1', dict()),
               ('S+Rocchio Anserini 10/10 a1 b.75 df<=.1', dict(stop=True))]
    else:
        for model in ('anserini', 'full'):
            for weight in ('bm25', 'ql'):
                for fbd in (3, 5, 10):
                    for fbt in (10, 20):
                        for w in (0.5, 0.7, 0.85):
                            rm3.append((f'S+RM3 {weight} {model} df<=0.5 d{fbd} t{fbt} w{w}',
                                        dict(model=model, weight=weight, dfmax=0.5, fb_docs=fbd, fb_terms=fbt, w=w,
                                             stop=True)))
        for weight in ('bm25', 'ql'):
            for fbd in (3, 5, 10):
                rm3.append((f'S+RM3 {weight} anserini df<=0.1 d{fbd} t10 w0.7',
                            dict(weight=weight, dfmax=0.1, fb_docs=fbd, w=0.7, stop=True)))
        roc = [(f'S+Rocchio d{fbd} t{fbt} b{beta} df<={dfmax}',
                dict(fb_docs=fbd, fb_terms=fbt, beta=beta, dfmax=dfmax, stop=True))
               for fbd in (3, 5, 10) for fbt in (10, 20) for beta in (0.5, 0.75) for dfmax in (0.1, 0.5)]
    for make, settings in ((rm3_query, rm3), (rocchio_query, roc)):
        for label, cfg in settings:
            cache = {}
            for form in FORMS:
                C[f'{label} [{form}]'] = lambda q, make=make, cfg=cfg, form=form, cache=cache: apply_form(
                    ctx, q, cache[q] if q in cache else cache.setdefault(q, make(ctx, q, **cfg)), form,
                    stop=cfg.get('stop', False))
    return C


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--grid', action='store_true', help='the RM3 and Rocchio grid (stop list on) instead of the table')
    ap.add_argument('--halves', action='store_true', help='the picked setting on odd and even query ids')
    ap.add_argument('--collections', default=','.join(COLLECTIONS))
    ap.add_argument('--only', default='', help='only candidates whose label contains this')
    args = ap.parse_args()
    names = args.collections.split(',')
    for n in names:
        if n in ('npl', 'lisa'):
            sys.exit(f'{n} is held out (bench/cranfield.py HELD_OUT): not measured here')
    ctxs = []
    for n in names:
        t0 = time.time()
        ctx = Ctx(n)
        mism = sum(1 for q, _ in ctx.queries if [d for d, _ in ctx.first[q][:10]] != ctx.base[q][:10])
        print(f'# {n}: {ctx.N} docs, {len(ctx.queries)} judged queries, FTS5 nDCG@10 {ctx.n0:.4f} MAP {ctx.m0:.4f}'
              f' (python BM25 top 10 differs on {mism} queries; {time.time() - t0:.0f}s)', flush=True)
        ctxs.append(ctx)
    if args.halves:
        return halves(ctxs)
    # min over the four tuning collections
    sets = [('min4', names)]
    print(f'{"candidate":62s}' + ''.join(f' | {n:^20s}' for n in names) + ''.join(f' | {k:>5s}' for k, _ in sets))
    print(f'{"":62s}' + ''.join(f' | {"dN%":>6s} {"dMAP%":>6s} {"p":>5s} ' for _ in names))
    rows = []
    Cs = {ctx.name: candidates(ctx, args.grid) for ctx in ctxs}
    for label in Cs[names[0]]:
        if args.only and args.only not in label:
            continue
        res = {}
        for ctx in ctxs:
            fn = Cs[ctx.name][label]
            res[ctx.name] = measure(ctx, fn)[:3] if fn else None
        cells = ''.join(f' | {"n/a (no title)":^20s}' if res[n] is None else
                        f' | {res[n][0]:+6.1f} {res[n][1]:+6.1f} {res[n][2]:5.3f} ' for n in names)
        mins = [min(res[n][0] for n in ns if res[n] is not None) for _, ns in sets if ns]
        print(f'{label:62s}' + cells + ''.join(f' | {m:+5.1f}' for m in mins), flush=True)
        rows.append((mins, label))
    if args.grid:
        print('\nbest by min4\' (the renumbered TIME), then min4:')
        for mins, label in sorted(rows, key=lambda r: (-r[0][-1], -r[0][0]))[:15]:
            print(f'  {label:62s} ' + ' '.join(f'{m:+5.1f}' for m in mins))


def halves(ctxs):
    """The picked setting and the stop list alone on odd and even query ids (is the pick stable?)."""
    for ctx in ctxs:
        C = candidates(ctx)
        for label in ('S = BM25 + NLTK query stop list', PICK + ' [R20]', PICK + ' [full]'):
            runs = {q: C[label](q) for q, _ in ctx.queries}
            _, _, per = evaluate(runs, ctx.coll['qrels'])
            out = []
            for part in (1, 0):
                qs = [q for q in ctx.per0 if q % 2 == part]
                b = sum(ctx.per0[q][0] for q in qs) / len(qs)
                n = sum(per[q][0] for q in qs) / len(qs)
                out.append(f'{"odd" if part else "even"} {100 * (n / b - 1):+5.1f}%')
            print(f'{ctx.name:10s} {label:62s} nDCG@10 ' + '  '.join(out))


if __name__ == '__main__':
    main()

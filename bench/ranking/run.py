"""Run all candidates on a collection: python3 run.py cranfield|<other>"""
import sys, os, json, pickle, random
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from collections_io import load_cranfield
import collections_io
from engine import build_index, fts5_baseline, query_tokens, Index
from rankers import rank, LUCENE_STOP
from evalm import evaluate
DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', '.build-bench', 'ranking')

def load(name):
    return getattr(collections_io, 'load_' + name)()

def candidates(has_title):
    C = {}
    C['py-bm25 (FTS5 idf, k1=1.2,b=.75)'] = {}
    C['lucene idf'] = dict(idf='lucene')
    for k1 in (0.9, 1.2, 1.6, 2.0):
        for b in (0.3, 0.5, 0.75, 0.9):
            C[f'grid fts5idf k1={k1} b={b}'] = dict(k1=k1, b=b)
    C['BM25+ delta=1 (plus idf)'] = dict(idf='plus', delta=1.0)
    C['BM25+ delta=0.5 (plus idf)'] = dict(idf='plus', delta=0.5)
    C['BM25+ delta=1 (fts5 idf)'] = dict(delta=1.0)
    C['drop df>N/2'] = dict(drop_half=True)
    C['lucene idf + drop df>N/2'] = dict(idf='lucene', drop_half=True)
    C['qtf unique'] = dict(qtf='unique')
    C['qtf k3=8'] = dict(qtf='k3')
    C['stop (lucene 33)'] = dict(stop=True)
    for a in (0.1, 0.3, 1.0):
        C[f'tao prox alpha={a}'] = dict(prox='tao', alpha=a)
    C['tao prox alpha=0.3 x3'] = dict(prox='tao', alpha=0.3, pw=3.0)
    C['buettcher prox'] = dict(prox='buettcher')
    C['buettcher prox x2'] = dict(prox='buettcher', pw=2.0)
    if has_title:
        for tw in (1.0, 2.0, 3.0):
            C[f'BM25F title w={tw}'] = dict(fields={'title': tw, 'abstract': 1.0})
        C['BM25F w=2 + tao .3'] = dict(fields={'title': 2.0, 'abstract': 1.0}, prox='tao')
        C['BM25F w=2 + buettcher'] = dict(fields={'title': 2.0, 'abstract': 1.0}, prox='buettcher')
    C['tao .3 + drop'] = dict(prox='tao', drop_half=True)
    C['buettcher + drop'] = dict(prox='buettcher', drop_half=True)
    return C

def main(name, extra=None):
    coll = load(name)
    os.makedirs(DATA, exist_ok=True)
    db = build_index(coll, os.path.join(DATA, f'{name}.db'))
    idx = Index(db)
    qtoks = {q: query_tokens(db, t) for q, t in coll['queries']}
    stemmed_stop = set()
    for w in LUCENE_STOP: stemmed_stop.update(query_tokens(db, w))
    has_title = any(t for t, _ in coll['docs'].values())
    res = {}
    base = {q: fts5_baseline(db, t) for q, t in coll['queries']}
    n0, m0, per0 = evaluate(base, coll['qrels'])
    res['FTS5 bm25() [SQL]'] = (n0, m0, per0)
    cands = candidates(has_title)
    if extra: cands.update(extra)
    for label, cfg in cands.items():
        runs = {q: rank(idx, qtoks[q], stemmed_stop=stemmed_stop, **cfg) for q, _ in coll['queries']}
        res[label] = evaluate(runs, coll['qrels'])
    print(f'== {name}: N={idx.N} avgdl={idx.avgdl:.1f} queries={len(coll["queries"])} judged={len(per0)}')
    print(f'{"config":40s} {"nDCG@10":>8s} {"d%":>7s} {"MAP":>7s} {"d%":>7s} {"p(nDCG)":>8s}')
    for label, (n, m, per) in res.items():
        p = perm_test(per0, per)
        print(f'{label:40s} {n:8.4f} {100*(n/n0-1):+6.1f}% {m:7.4f} {100*(m/m0-1):+6.1f}% {p:8.3f}')
    with open(os.path.join(DATA, f'{name}_results.pkl'), 'wb') as f: pickle.dump({k: v[:2] for k, v in res.items()}, f)
    return res

def perm_test(a, b, iters=2000, seed=1):
    """paired randomisation test on nDCG@10, two-sided"""
    qs = list(a); diffs = [b[q][0] - a[q][0] for q in qs]
    obs = abs(sum(diffs))
    if obs == 0: return 1.0
    rnd = random.Random(seed); c = 0
    for _ in range(iters):
        s = sum(d if rnd.random() < 0.5 else -d for d in diffs)
        if abs(s) >= obs - 1e-12: c += 1
    return c / iters

if __name__ == '__main__':
    main(sys.argv[1])

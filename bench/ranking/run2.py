"""Combinations + robustness (odd/even query halves). python3 run2.py cranfield"""
import sys, os
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import collections_io
from engine import build_index, fts5_baseline, query_tokens, Index
from rankers import rank, rank_lmdir, LUCENE_STOP
from evalm import evaluate
from run import perm_test
DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', '.build-bench', 'ranking')

name = sys.argv[1]
os.makedirs(DATA, exist_ok=True)
coll = getattr(collections_io, 'load_' + name)()
db = build_index(coll, os.path.join(DATA, f'{name}.db')); idx = Index(db)
qtoks = {q: query_tokens(db, t) for q, t in coll['queries']}
base = {q: fts5_baseline(db, t) for q, t in coll['queries']}
n0, m0, per0 = evaluate(base, coll['qrels'])
T = {'title': 2.0, 'abstract': 1.0}
C = {
 'LM Dirichlet mu=2000': ('lm', dict(mu=2000)),
 'LM Dirichlet mu=500': ('lm', dict(mu=500)),
 'buettcher (b.75)': ('bm', dict(prox='buettcher')),
 'buettcher + lucene idf': ('bm', dict(prox='buettcher', idf='lucene')),
 'buettcher + lucene idf + drop': ('bm', dict(prox='buettcher', idf='lucene', drop_half=True)),
 'buettcher + k1=2': ('bm', dict(prox='buettcher', k1=2.0)),
 'buettcher x0.5': ('bm', dict(prox='buettcher', pw=0.5)),
 'buettcher + qtf k3': ('bm', dict(prox='buettcher', qtf='k3')),
 'BM25F w2': ('bm', dict(fields=T)),
 'BM25F w2 + lucene idf': ('bm', dict(fields=T, idf='lucene')),
 'BM25F w2 + buettcher + lucene idf': ('bm', dict(fields=T, prox='buettcher', idf='lucene')),
 'BM25F w2 + buettcher + drop': ('bm', dict(fields=T, prox='buettcher', drop_half=True)),
 'BM25F w2 + buettcher + lucene + drop': ('bm', dict(fields=T, prox='buettcher', idf='lucene', drop_half=True)),
 'BM25F w2 + buettcher + k1=2': ('bm', dict(fields=T, prox='buettcher', k1=2.0)),
 'BM25F w3 + buettcher': ('bm', dict(fields={'title': 3.0, 'abstract': 1.0}, prox='buettcher')),
 'lucene idf + k1=2': ('bm', dict(idf='lucene', k1=2.0)),
}
odd = [q for q in per0 if q % 2]; even = [q for q in per0 if not q % 2]
def half(per, qs): return sum(per[q][0] for q in qs) / len(qs), sum(per[q][1] for q in qs) / len(qs)
o0, e0 = half(per0, odd), half(per0, even)
print(f'{"config":40s} {"nDCG@10":>8s} {"d%":>6s} {"MAP":>7s} {"d%":>6s} {"p":>6s} | odd dN% dM% | even dN% dM%')
print(f'{"FTS5 bm25()":40s} {n0:8.4f} {"":6s} {m0:7.4f}')
for label, (kind, cfg) in C.items():
    f = rank_lmdir if kind == 'lm' else rank
    runs = {q: f(idx, qtoks[q], **cfg) for q, _ in coll['queries']}
    n, m, per = evaluate(runs, coll['qrels'])
    o, e = half(per, odd), half(per, even)
    print(f'{label:40s} {n:8.4f} {100*(n/n0-1):+5.1f}% {m:7.4f} {100*(m/m0-1):+5.1f}% {perm_test(per0, per):6.3f} | '
          f'{100*(o[0]/o0[0]-1):+5.1f} {100*(o[1]/o0[1]-1):+5.1f} | {100*(e[0]/e0[0]-1):+5.1f} {100*(e[1]/e0[1]-1):+5.1f}')

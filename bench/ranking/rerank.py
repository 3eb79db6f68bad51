"""The first R documents of FTS5's ranking ranked again (a rescoring
window, as Elasticsearch's rescore): nDCG@10 and MAP for R from 10 to all,
for the candidates the default search's OR ranking was chosen from
(issue 32; Search/Collector/Rescoring.swift).

    python3 bench/ranking/rerank.py cranfield
"""
import os
import sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import collections_io
from engine import build_index, fts5_baseline, query_tokens, Index
from rankers import rank
from evalm import evaluate
from run import perm_test
DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', '.build-bench', 'ranking')

name = sys.argv[1]
os.makedirs(DATA, exist_ok=True)
coll = getattr(collections_io, 'load_' + name)()
db = build_index(coll, os.path.join(DATA, f'{name}-rerank.db'))
idx = Index(db)
qtoks = {q: query_tokens(db, t) for q, t in coll['queries']}
base = {q: fts5_baseline(db, t) for q, t in coll['queries']}
n0, m0, per0 = evaluate(base, coll['qrels'])
print(f'FTS5 bm25(): nDCG@10 {n0:.4f}  MAP {m0:.4f}')
candidates = {
    'buettcher + lucene idf + drop': dict(prox='buettcher', idf='lucene', drop_half=True),
    'buettcher': dict(prox='buettcher'),
    'buettcher + lucene idf': dict(prox='buettcher', idf='lucene'),
    'buettcher + k1=2': dict(prox='buettcher', k1=2.0),
    'lucene idf + drop': dict(idf='lucene', drop_half=True),
}
for label, cfg in candidates.items():
    full = {q: rank(idx, qtoks[q], **cfg) for q, _ in coll['queries']}
    for window in (10, 20, 30, 50, 100, 1000):
        runs = {}
        for q in base:
            place = {d: i for i, d in enumerate(full[q])}
            runs[q] = sorted(base[q][:window], key=lambda d: place.get(d, 10 ** 9)) + base[q][window:]
        n, m, per = evaluate(runs, coll['qrels'])
        print(f'{label:30s} R={window:5d} nDCG@10 {n:.4f} {100 * (n / n0 - 1):+.1f}%  MAP {m:.4f} {100 * (m / m0 - 1):+.1f}%  '
              f'p {perm_test(per0, per):.3f}')

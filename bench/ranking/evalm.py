import math
def ndcg_at(ranked, rel, k=10):
    dcg = sum(rel.get(d, 0) / math.log2(i + 2) for i, d in enumerate(ranked[:k]))
    ideal = sorted((g for g in rel.values() if g > 0), reverse=True)[:k]
    idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg > 0 else 0.0
def ap(ranked, rel, k=1000):
    R = sum(1 for g in rel.values() if g > 0)
    if R == 0: return 0.0
    hits = 0; s = 0.0
    for i, d in enumerate(ranked[:k]):
        if rel.get(d, 0) > 0:
            hits += 1; s += hits / (i + 1)
    return s / R
def evaluate(runs, qrels):
    """runs: {qid: [docids ranked]}; averaged over queries having >=1 relevant doc."""
    qs = [q for q in qrels if any(g > 0 for g in qrels[q].values())]
    n = sum(ndcg_at(runs.get(q, []), qrels[q]) for q in qs) / len(qs)
    m = sum(ap(runs.get(q, []), qrels[q]) for q in qs) / len(qs)
    per = {q: (ndcg_at(runs.get(q, []), qrels[q]), ap(runs.get(q, []), qrels[q])) for q in qs}
    return n, m, per

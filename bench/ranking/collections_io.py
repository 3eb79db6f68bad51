"""Loaders for test collections -> common structure.
Collection = dict(name, docs={docid:int -> (title, body)}, queries=[(qid, text)], qrels={qid:{docid:gain}})
gain: graded gain used by nDCG; relevant for MAP iff gain > 0.
"""
import re, os

def parse_smart(path, fields):
    """Parse SMART-style '.I n' records; returns list of (id_str, {field: text})."""
    recs = []
    cur = None; fld = None
    with open(path, encoding='latin-1') as f:
        for line in f:
            if line.startswith('.I'):
                cur = {'_id': line[2:].strip()}; recs.append(cur); fld = None
            elif re.match(r'^\.[A-Z]\s*$', line):
                fld = line[1]
                cur.setdefault(fld, '')
            elif cur is not None and fld is not None:
                cur[fld] += line
    return recs

def load_cranfield(d=os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', '..', 'shared', 'ir-collections', 'cranfield')):
    recs = parse_smart(os.path.join(d, 'cran.all.1400'), 'TABW')
    docs = {}
    for r in recs:
        docs[int(r['_id'])] = (' '.join(r.get('T', '').split()), ' '.join(r.get('W', '').split()))
    qs = parse_smart(os.path.join(d, 'cran.qry'), 'W')
    queries = [(i + 1, ' '.join(r.get('W', '').split())) for i, r in enumerate(qs)]
    qrels = {}
    for line in open(os.path.join(d, 'cranqrel')):
        p = line.split()
        if len(p) < 3: continue
        q, doc, g = int(p[0]), int(p[1]), int(p[2])
        gain = 5 - g if 1 <= g <= 4 else 0   # grade 1 (most relevant) -> 4 ... grade 4 -> 1; -1 -> 0
        qrels.setdefault(q, {})[doc] = gain
    return dict(name='cranfield', docs=docs, queries=queries, qrels=qrels)


# CISI, CACM and TIME through bench/cranfield.py's readers (git mirrors under
# /work/.mirror or DOSSIER_IR_COLLECTIONS). Relevance is binary (gain 1).
# Only judged queries with non-empty text are kept, as bench/cranfield.py asks
# them. The held-out collections (cranfield.HELD_OUT: NPL, LISA) get no loader.
def _bench_reader():
    import sys
    here = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..')
    if here not in sys.path: sys.path.insert(0, here)
    import cranfield
    return cranfield

def _binary(name, papers, texts, judged):
    docs = {p: (' '.join(t.split()), ' '.join(a.split())) for p, (t, a) in papers.items()}
    queries = [(i + 1, ' '.join(q.split())) for i, q in enumerate(texts) if judged.get(i + 1) and q.strip()]
    asked = {q for q, _ in queries}
    qrels = {q: {d: 1 for d in rel} for q, rel in judged.items() if q in asked}
    return dict(name=name, docs=docs, queries=queries, qrels=qrels)

def load_cisi():
    return _binary('cisi', *_bench_reader().smart('cisi'))

def load_cacm():
    # 191 CACM papers repeat another's text (a title only, e.g. 'Errata'); each is
    # kept as its own document here, as FTS5's reference in bench/cranfield.py does.
    return _binary('cacm', *_bench_reader().smart('cacm'))

def load_time():
    return _binary('time', *_bench_reader().time_collection())   # no titles

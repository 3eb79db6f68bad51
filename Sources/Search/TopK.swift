import Index

/// Top-k for the query shapes whose BM25 does not depend on how FTS5's
/// iterators were advanced: one term (or prefix), terms OR'ed, terms AND'ed.
/// For these, a matching row counts every instance of every term it holds,
/// so a row's score needs only the term frequencies: no positions are
/// decoded, no doclist is built, and a bounded heap keeps the best k. The
/// results are the same doubles, in the same order, as ``Searcher/rank(_:)``
/// (the tests compare them); other shapes go through the exact evaluator.
extension Searcher {
    enum SimpleShape {
        case terms([Phrase], and: Bool)
    }

    func simpleShape(_ node: QueryNode) -> SimpleShape? {
        func single(_ n: QueryNode) -> Phrase? {
            guard case .nearset(let phrases, _) = n, phrases.count == 1, phrases[0].terms.count == 1, !phrases[0].first else { return nil }
            return phrases[0]
        }
        if let phrase = single(node) { return .terms([phrase], and: false) }
        func flatten(_ n: QueryNode, and: Bool) -> [Phrase]? {
            if let phrase = single(n) { return [phrase] }
            switch n {
            case .or(let l, let r) where !and:
                guard let a = flatten(l, and: false), let b = flatten(r, and: false) else { return nil }
                return a + b
            case .and(let l, let r) where and:
                guard let a = flatten(l, and: true), let b = flatten(r, and: true) else { return nil }
                return a + b
            default: return nil
            }
        }
        switch node {
        case .or: return flatten(node, and: false).map { .terms($0, and: false) }
        case .and: return flatten(node, and: true).map { .terms($0, and: true) }
        default: return nil
        }
    }

    /// The best `k` hits and the number of matches, by the fast path when the
    /// query's shape allows, else by ranking every match.
    public func top(_ query: QueryNode, k: Int) -> SearchResult {
        if snapshot.passageCount > 0, case .nearset(let phrases, _) = query, phrases.count == 1, phrases[0].terms.count > 1 {
            return phraseTop(phrases[0], k: k)
        }
        guard snapshot.passageCount > 0, query != .empty, let shape = simpleShape(query), case .terms(let phrases, let and) = shape else {
            let ranked = rank(query)
            return SearchResult(total: ranked.count, hits: Array(ranked.prefix(k)))
        }
        // Per phrase: row → frequency (a prefix merges its terms' frequencies).
        var frequencies: [[Int64: Int]] = []
        var lengths: [Int64: Int] = [:]
        for phrase in phrases {
            var rows: [Int64: Int] = [:]
            let term = phrase.terms[0]
            let bytes = Array(term.text.utf8)
            for (s, reader) in snapshot.segments.enumerated() {
                let deleted = snapshot.deleted[s]
                let entries = term.prefix ? reader.lookup(prefix: bytes) : reader.lookup(bytes).map { [$0] } ?? []
                for entry in entries {
                    reader.forEachFrequency(entry) { local, f in
                        guard !deleted.contains(local) else { return }
                        let id = reader.passageID(local)
                        rows[id, default: 0] += f
                        if lengths[id] == nil { lengths[id] = reader.length(local) }
                    }
                }
            }
            frequencies.append(rows)
        }
        let scorer = BM25(rows: snapshot.passageCount, tokens: snapshot.tokenCount, hits: frequencies.map(\.count))
        var candidates: Set<Int64>
        if and {
            candidates = Set(frequencies.min(by: { $0.count < $1.count })?.keys ?? [:].keys)
            for rows in frequencies { candidates = candidates.filter { rows[$0] != nil } }
        } else {
            candidates = []
            for rows in frequencies { candidates.formUnion(rows.keys) }
        }
        var heap = BoundedHeap(capacity: k)
        var f = [Double](repeating: 0, count: phrases.count)
        for id in candidates {
            for i in phrases.indices { f[i] = Double(frequencies[i][id] ?? 0) }
            heap.insert(SearchHit(passageID: id, bm25: scorer.bm25(length: lengths[id] ?? 0, frequencies: f)))
        }
        return SearchResult(total: candidates.count, hits: heap.sorted())
    }
}

extension Searcher {
    /// A lone phrase: its row is scored by the number of places it stands,
    /// whatever else the row holds. Term frequencies find the rows holding
    /// every term; only those rows' positions are kept and matched.
    func phraseTop(_ phrase: Phrase, k: Int) -> SearchResult {
        var counts: [Int64: Int] = [:]
        var lengths: [Int64: Int] = [:]
        for (s, reader) in snapshot.segments.enumerated() {
            let deleted = snapshot.deleted[s]
            let entries = phrase.terms.map { term -> [SegmentReader.TermEntry] in
                let bytes = Array(term.text.utf8)
                return term.prefix ? reader.lookup(prefix: bytes) : reader.lookup(bytes).map { [$0] } ?? []
            }
            guard entries.allSatisfy({ !$0.isEmpty }) else { continue }
            // Rows holding every term, rarest term first.
            let order = entries.indices.sorted { entries[$0].reduce(0) { $0 + $1.documentFrequency } < entries[$1].reduce(0) { $0 + $1.documentFrequency } }
            var candidates: Set<Int>?
            for j in order {
                var rows = Set<Int>()
                for entry in entries[j] {
                    reader.forEachFrequency(entry) { local, _ in
                        if !deleted.contains(local), candidates?.contains(local) ?? true { rows.insert(local) }
                    }
                }
                candidates = rows
                if rows.isEmpty { break }
            }
            guard let rows = candidates, !rows.isEmpty else { continue }
            // Positions of each term in those rows only.
            var positions = [[Int: [Int64]]](repeating: [:], count: entries.count)
            for j in entries.indices {
                for entry in entries[j] {
                    reader.forEachPosting(entry) { local, list in
                        guard rows.contains(local) else { return }
                        positions[j][local, default: []].append(contentsOf: list.map { Int64($0) })
                    }
                }
                if entries[j].count > 1 { for key in positions[j].keys { positions[j][key]!.sort() } }
            }
            for local in rows {
                let starts = Execution.phraseStarts(positions.map { $0[local] ?? [] }, first: phrase.first)
                guard !starts.isEmpty else { continue }
                let id = reader.passageID(local)
                counts[id] = starts.count
                lengths[id] = reader.length(local)
            }
        }
        let scorer = BM25(rows: snapshot.passageCount, tokens: snapshot.tokenCount, hits: [counts.count])
        var heap = BoundedHeap(capacity: k)
        for (id, count) in counts {
            heap.insert(SearchHit(passageID: id, bm25: scorer.bm25(length: lengths[id] ?? 0, frequencies: [Double(count)])))
        }
        return SearchResult(total: counts.count, hits: heap.sorted())
    }
}

/// The best k hits seen so far (lowest bm25, then lowest id).
struct BoundedHeap {
    let capacity: Int
    var items: [SearchHit] = []

    init(capacity: Int) { self.capacity = max(0, capacity) }

    static func better(_ a: SearchHit, _ b: SearchHit) -> Bool {
        a.bm25 != b.bm25 ? a.bm25 < b.bm25 : a.passageID < b.passageID
    }

    /// A max-heap on "worse": the root is the worst of the kept hits.
    mutating func insert(_ hit: SearchHit) {
        guard capacity > 0 else { return }
        if items.count < capacity {
            items.append(hit)
            var i = items.count - 1
            while i > 0 {
                let parent = (i - 1) / 2
                guard Self.better(items[parent], items[i]) else { break }
                items.swapAt(parent, i)
                i = parent
            }
        } else if Self.better(hit, items[0]) {
            items[0] = hit
            var i = 0
            while true {
                let l = 2 * i + 1, r = l + 1
                var worst = i
                if l < items.count, Self.better(items[worst], items[l]) { worst = l }
                if r < items.count, Self.better(items[worst], items[r]) { worst = r }
                if worst == i { break }
                items.swapAt(i, worst)
                i = worst
            }
        }
    }

    func sorted() -> [SearchHit] { items.sorted(by: Self.better) }
}

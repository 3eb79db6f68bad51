import Index

/// # NEAR of words
///
/// `NEAR(a b c, N)` of plain words was ranked in full by the port of FTS5's
/// iterators, which builds every word's whole doclist with positions: 13 ms
/// at the median on the texlive corpus, 70× tantivy. Here the words'
/// postings are intersected, leapfrogging through their skip tables, and
/// positions are decoded only for the passages holding every word; FTS5's
/// NEAR test (``Searcher/nearMatch(_:lengths:distance:)``) keeps those where
/// the words stand within N tokens, with the instances that take part in a
/// match, which are what FTS5 scores. The matches become one leaf per word
/// (the same passages, each word's instances its frequency), AND'ed, with
/// each word's BM25 weight from its own postings, as FTS5 weighs a
/// phrase by the rows it alone matches; from there the AND scorer and
/// every collector serve it as any other query, flat or by document.
extension Searcher {
    /// The words and distance of a NEAR of two plain words or more.
    func nearShape(_ query: QueryNode) -> (words: [Phrase], distance: Int)? {
        guard case .nearset(let phrases, let distance) = query, phrases.count >= 2 else { return nil }
        let words = Array(phrases)
        guard words.allSatisfy(isPlainTerm) else { return nil }
        return (words, distance ?? 10)
    }

    /// The passages where `words` stand within `distance` tokens, as leaves
    /// of an AND (see the top of this file).
    func nearLeaves(_ words: [Phrase], distance: Int) -> QueryLeaves {
        let m = words.count
        var rows: [QueryLeaves.Leaf] = []
        var live = [Int](repeating: 0, count: m)
        var scratch: [UInt32] = []
        for (s, reader) in snapshot.segments.enumerated() {
            let deleted = snapshot.deleted[s]
            let entries = words.map { reader.single($0.terms[0]) }
            for (i, entry) in entries.enumerated() {
                if let entry { live[i] += entry.documentFrequency - (deleted.isEmpty ? 0 : reader.cursor(entry).deletedCount(deleted)) }
            }
            guard entries.allSatisfy({ $0 != nil }) else {
                rows += repeatElement(.absent, count: m)
                continue
            }
            let cursors = entries.map { reader.cursor($0!) }
            var locals: [UInt32] = []
            var counts = [[UInt32]](repeating: [], count: m)
            intersect(cursors) { local in
                guard !deleted.contains(local) else { return }
                // Two words: whether any two of their positions are close
                // enough, read in place, before any list is built (most
                // passages holding two common words hold them apart).
                if m == 2, !Self.within(cursors[0].currentPositions(), cursors[1].currentPositions(), distance + 1) { return }
                let lists = cursors.map { cursor -> [Int64] in
                    cursor.positions(into: &scratch)
                    return scratch.map { Int64($0) }
                }
                guard let trimmed = Self.nearMatch(lists, lengths: [Int64](repeating: 1, count: m), distance: Int64(distance)) else { return }
                locals.append(UInt32(local))
                for i in 0..<m { counts[i].append(UInt32(trimmed[i].count)) }
            }
            for i in 0..<m { rows.append(locals.isEmpty ? .absent : .matched(locals: locals, counts: counts[i])) }
        }
        return QueryLeaves(m: m, rows: rows, live: live)
    }

    /// The best `k` hits of a NEAR of words (``nearShape(_:)``) and the exact total.
    func nearTop(_ shape: (words: [Phrase], distance: Int), k: Int) -> SearchResult {
        let leaves = nearLeaves(shape.words, distance: shape.distance)
        var heap = BoundedHeap(capacity: min(k, snapshot.passageCount))
        let total = scoreMatchedAND(shape.words, leaves, into: &heap)
        return SearchResult(total: total, hits: heap.sorted())
    }

    /// Scores leaves matched in memory, AND'ed, into `collector` (the
    /// leapfrog AND over cursors in memory); returns how many passages match.
    @discardableResult
    func scoreMatchedAND<C: Collector & ~Copyable>(_ phrases: [Phrase], _ leaves: QueryLeaves, into collector: inout C) -> Int {
        let scorer = TermScorer(searcher: self, phrases: phrases, connective: .and)
        let setup = scorer.setUp(leaves)
        guard setup.blocks > 0 else { return 0 }
        return scorer.walk(setup, BM25(rows: snapshot.passageCount, tokens: snapshot.tokenCount, hits: leaves.live), everything: false,
                           into: &collector).total
    }

    /// Whether some position of `a` and some of `b` (each ascending) are at
    /// most `gap` apart: for two words, the NEAR test's outcome (a window of
    /// `gap` tokens holding one instance of each).
    static func within(_ a: UnsafeBufferPointer<UInt32>, _ b: UnsafeBufferPointer<UInt32>, _ gap: Int) -> Bool {
        var i = 0, j = 0
        while i < a.count, j < b.count {
            let x = Int(a[i]), y = Int(b[j])
            if abs(x - y) <= gap { return true }
            if x < y { i += 1 } else { j += 1 }
        }
        return false
    }
}

import Index

/// # Wide unions
///
/// An OR of many leaves — a pasted paragraph with `OR` between its words, a
/// generated query, an attack — is not what the window strategy of
/// ``TermScorer`` is built for: it cuts every segment into windows at every
/// block end of every leaf and keeps a bound per leaf per window, memory
/// and time that grow with the product of leaves and blocks (an OR of 4,800
/// common words asked for 57 GB). Past ``Searcher/wideLeaves`` leaves an OR
/// is scored here instead, in memory that grows with the sum:
///
/// 1. each leaf's live passages are counted in every segment (BM25's n(q),
///    so each leaf's idf is known before any passage is scored);
/// 2. per segment, each leaf in turn, in query order, adds its
///    contributions into a score per passage (a dense array of the
///    segment's passages, as ``ShortListWalk/unionMany(_:)`` does), so a
///    passage's score is the sum FTS5 makes, in its order;
/// 3. every passage that matched is offered to the heap.
///
/// A prefix or a phrase leaf is matched into memory once per pass and let
/// go before the next leaf is matched, so no more than one leaf's matches
/// are held at a time. The total is exact.
extension Searcher {
    /// The most leaves an OR may have for the window strategy; wider ones are
    /// scored by ``wideUnion(_:k:)``.
    static let wideLeaves = 16

    /// The best `k` hits of `phrases` OR'ed, and the exact total.
    func wideUnion(_ phrases: [Phrase], k: Int) -> SearchResult {
        let m = phrases.count
        let segments = snapshot.segments
        var hits = [Int](repeating: 0, count: m)
        for (s, reader) in segments.enumerated() {
            for i in 0..<m {
                if let leaf = leafCursor(phrases[i], reader, snapshot.deleted[s]) { hits[i] += leaf.live }
            }
        }
        let most = hits.reduce(0, +)
        guard most > 0 else { return SearchResult(total: 0, hits: []) }
        let idf = hits.map { BM25.idf(rows: snapshot.passageCount, hits: $0) }
        var heap = BoundedHeap(capacity: min(k, most))
        var total = 0
        for (s, reader) in segments.enumerated() {
            let deleted = snapshot.deleted[s]
            let lengths = reader.lengths
            withUnsafeTemporaryAllocation(of: UInt64.self, capacity: (reader.count + 63) >> 6) { bits in
                bits.initialize(repeating: 0)
                withUnsafeTemporaryAllocation(of: Double.self, capacity: reader.count) { sums in
                    withUnsafeTemporaryAllocation(of: UInt32.self, capacity: reader.count) { held in
                        var n = 0
                        for i in 0..<m where hits[i] > 0 {
                            guard let leaf = leafCursor(phrases[i], reader, deleted) else { continue }
                            let cursor = leaf.cursor, leafIDF = idf[i]
                            for b in 0..<cursor.blockCount {
                                cursor.loadBlock(b)
                                let (docs, tfs) = cursor.blockPostingsView()
                                for x in 0..<docs.count where !deleted.contains(Int(docs[x])) {
                                    let d = Int(docs[x])
                                    accumulate(d, lengthTable.contribution(idf: leafIDF, f: tfs[x], length: lengths[d]), bits, sums, held.baseAddress!, &n)
                                }
                            }
                        }
                        total += n
                        for c in 0..<n {
                            let d = Int(held[c])
                            let bm25 = -1.0 * sums[d]
                            if heap.admits(bm25) { heap.insert(SearchHit(passageID: reader.passageID(d), bm25: bm25)) }
                        }
                    }
                }
            }
        }
        return SearchResult(total: total, hits: heap.sorted())
    }
}

import Index

/// Top-k for terms, prefixes and phrases joined by OR or by AND (see
/// `Searcher.top`): each leaf is a cursor, over its postings or over what
/// it matches, built in memory (``Searcher/leafCursor(_:_:_:)``).
///
/// Per segment, one ``PostingCursor`` per query term, in query order, so
/// that a passage's score is summed in FTS5's order. The disjunction walks
/// the segment in *windows*: from the smallest local number any cursor
/// stands on to the first end of a block among them. Inside a window every
/// cursor is in one block, so the sum of their block bounds bounds every
/// passage of the window; when it cannot reach the k-th best score the
/// window's passages are only counted (and a window one cursor covers alone
/// is counted from the block's size, without decoding it).
struct TermScorer {
    let searcher: Searcher
    let phrases: [Phrase]
    let and: Bool
    var snapshot: IndexSnapshot { searcher.snapshot }

    func top(_ k: Int) -> SearchResult {
        var hits = [Int](repeating: 0, count: phrases.count)
        var cursors: [[PostingCursor?]] = []
        for (s, reader) in snapshot.segments.enumerated() {
            var row: [PostingCursor?] = []
            for (i, phrase) in phrases.enumerated() {
                if let leaf = searcher.leafCursor(phrase, reader, snapshot.deleted[s]) {
                    hits[i] += leaf.live
                    row.append(leaf.cursor)
                } else {
                    row.append(nil)
                }
            }
            cursors.append(row)
        }
        let scorer = BM25(rows: snapshot.passageCount, tokens: snapshot.tokenCount, hits: hits)
        var heap = BoundedHeap(capacity: k)
        var total = 0
        for (s, reader) in snapshot.segments.enumerated() {
            let row = cursors[s]
            let deleted = snapshot.deleted[s]
            if and {
                guard row.allSatisfy({ $0 != nil }) else { continue }
                total += conjunction(row.map { $0! }, reader, deleted, scorer, &heap)
            } else if phrases.count == 1 {
                if let cursor = row[0] { single(cursor, reader, deleted, scorer, &heap) }
            } else {
                let present = row.indices.filter { row[$0] != nil }
                guard !present.isEmpty else { continue }
                total += disjunction(present.map { row[$0]! }, present, reader, deleted, scorer, &heap)
            }
        }
        if !and && phrases.count == 1 { total = hits[0] }
        return SearchResult(total: total, hits: heap.sorted())
    }

    /// One term: blocks whose bound cannot reach the heap are skipped undecoded.
    func single(_ cursor: PostingCursor, _ reader: SegmentReader, _ deleted: Deletions, _ scorer: BM25, _ heap: inout BoundedHeap) {
        let lengths = reader.lengths
        for b in 0..<cursor.blockCount {
            if heap.isFull {
                if prunable(scorer.bound(0, cursor, block: b), below: heap.threshold) { continue }
            }
            if cursor.block != b { cursor.loadBlock(b) }
            // Plain memory in the loop: the block's buffers and the lengths table.
            let (docs, tfs) = cursor.blockPostingsView()
            for j in 0..<docs.count {
                let local = Int(docs[j])
                let bm25 = -1.0 * scorer.contribution(0, f: Double(tfs[j]), length: Double(lengths[local]))
                if heap.admits(bm25), !deleted.contains(local) {
                    heap.insert(SearchHit(passageID: reader.passageID(local), bm25: bm25))
                }
            }
        }
    }

    /// Terms OR'ed: windowed, block-max bounded; returns the passages matched.
    func disjunction(_ cursors: [PostingCursor], _ phrase: [Int], _ reader: SegmentReader, _ deleted: Deletions,
                     _ scorer: BM25, _ heap: inout BoundedHeap) -> Int {
        // Through a buffer pointer the loops borrow the cursors instead of
        // retaining and releasing them at every step.
        cursors.withUnsafeBufferPointer { disjunction($0, phrase, reader, deleted, scorer, &heap) }
    }

    func disjunction(_ cursors: UnsafeBufferPointer<PostingCursor>, _ phrase: [Int], _ reader: SegmentReader, _ deleted: Deletions,
                     _ scorer: BM25, _ heap: inout BoundedHeap) -> Int {
        let end = PostingCursor.end
        let m = cursors.count
        var count = 0
        // Per cursor, in one allocation: its block bound (computed once per
        // block), and while a window is scored, its block's buffers and where
        // it is in them.
        struct State {
            var bound = 0.0
            var boundBlock = -1
            var docs = UnsafeBufferPointer<UInt32>(start: nil, count: 0)
            var tfs = UnsafeBufferPointer<UInt32>(start: nil, count: 0)
            var at = 0
        }
        var state = [State](repeating: State(), count: m)
        // The passages of a window that is only counted, one bit each.
        var bits: [UInt64] = []
        let lengths = reader.lengths
        while true {
            var lo = end, hi = end
            for c in cursors where c.doc != end {
                lo = min(lo, c.doc)
                hi = min(hi, c.blockLast(c.block))
            }
            if lo == end { break }
            if heap.isFull {
                var bound = 0.0
                var inWindow = 0, only = 0
                for i in 0..<m where cursors[i].doc <= hi {
                    let c = cursors[i]
                    if state[i].boundBlock != c.block {
                        state[i].bound = scorer.bound(phrase[i], c, block: c.block)
                        state[i].boundBlock = c.block
                    }
                    bound += state[i].bound
                    inWindow += 1
                    only = i
                }
                if prunable(bound, below: heap.threshold) {
                    let c = cursors[only]
                    if inWindow == 1, deleted.isEmpty, c.blockLast(c.block) == hi {
                        // One cursor alone in the window, which ends with its block: count without walking.
                        count += c.blockPostings - c.position
                        c.nextBlock()
                    } else {
                        // Count the window's passages in a bitset.
                        let words = (hi - lo) / 64 + 1
                        if bits.count < words { bits = [UInt64](repeating: 0, count: max(words, 2 * bits.count)) }
                        bits.withUnsafeMutableBufferPointer { bits in
                            for c in cursors where c.doc <= hi {
                                let (docs, _) = c.blockPostingsView()
                                var j = c.position
                                while j < docs.count, Int(docs[j]) <= hi {
                                    let at = Int(docs[j]) - lo
                                    bits[at >> 6] |= 1 << UInt64(at & 63)
                                    j += 1
                                }
                                c.seek(hi + 1)
                            }
                            for w in 0..<words {
                                var word = bits[w]
                                bits[w] = 0
                                guard word != 0 else { continue }
                                if !deleted.isEmpty {
                                    for b in 0..<64 where word & (1 << UInt64(b)) != 0 && deleted.contains(lo + w * 64 + b) {
                                        word &= ~(1 << UInt64(b))
                                    }
                                }
                                count += word.nonzeroBitCount
                            }
                        }
                    }
                    continue
                }
            }
            // Walk the window passage by passage, scoring, over the blocks'
            // buffers (each cursor's passages up to hi are all in its block).
            for i in 0..<m {
                if cursors[i].doc <= hi {
                    (state[i].docs, state[i].tfs) = cursors[i].blockPostingsView()
                    state[i].at = cursors[i].position
                } else {
                    state[i].docs = UnsafeBufferPointer(start: nil, count: 0)
                    state[i].at = 0
                }
            }
            while true {
                var d = end
                for i in 0..<m where state[i].at < state[i].docs.count { d = min(d, Int(state[i].docs[state[i].at])) }
                if d > hi { break }
                var sum = 0.0
                let length = Double(lengths[d])
                for i in 0..<m where state[i].at < state[i].docs.count && Int(state[i].docs[state[i].at]) == d {
                    sum += scorer.contribution(phrase[i], f: Double(state[i].tfs[state[i].at]), length: length)
                    state[i].at += 1
                }
                guard !deleted.contains(d) else { continue }
                count += 1
                let bm25 = -1.0 * sum
                if heap.admits(bm25) { heap.insert(SearchHit(passageID: reader.passageID(d), bm25: bm25)) }
            }
            for i in 0..<m where state[i].docs.count > 0 { cursors[i].seek(hi + 1) }
        }
        return count
    }

    /// Terms AND'ed: leapfrog from the rarest; returns the passages matched.
    ///
    /// Block-max: while every cursor stays in the same blocks, the sum of
    /// their block bounds holds for each passage they meet on; when it cannot
    /// reach the k-th best score, those passages are counted, not scored.
    func conjunction(_ cursors: [PostingCursor], _ reader: SegmentReader, _ deleted: Deletions, _ scorer: BM25,
                     _ heap: inout BoundedHeap) -> Int {
        var count = 0
        var blocks = [Int](repeating: -1, count: cursors.count)
        var bound = Double.infinity
        intersect(cursors) { local in
            guard !deleted.contains(local) else { return }
            count += 1
            if heap.isFull {
                var moved = false
                for (i, cursor) in cursors.enumerated() where blocks[i] != cursor.block {
                    blocks[i] = cursor.block
                    moved = true
                }
                if moved {
                    bound = 0
                    for (i, cursor) in cursors.enumerated() { bound += scorer.bound(i, cursor, block: cursor.block) }
                }
                if prunable(bound, below: heap.threshold) { return }
            }
            let length = Double(reader.length(local))
            var sum = 0.0
            for (i, cursor) in cursors.enumerated() { sum += scorer.contribution(i, f: Double(cursor.tf), length: length) }
            let bm25 = -1.0 * sum
            if heap.admits(bm25) { heap.insert(SearchHit(passageID: reader.passageID(local), bm25: bm25)) }
        }
        return count
    }
}

extension BM25 {
    /// The most phrase i's term can add to a passage of `cursor`'s block `b`:
    /// its contribution's largest value over the block's frontier.
    @inline(__always)
    func bound(_ i: Int, _ cursor: PostingCursor, block b: Int) -> Double {
        var most = 0.0
        cursor.forEachFrontierPoint(b) { tf, length in most = max(most, contribution(i, f: tf, length: length)) }
        return most
    }
}

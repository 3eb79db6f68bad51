import Index

/// # Short lists
///
/// Most words a user types are in few passages. When every leaf of a query
/// of terms joined by OR (or by AND) is a plain term whose list is short
/// enough in every segment (``shortListLimit(leaves:and:)``), its postings
/// are decoded whole into one buffer and walked once, in passage order, as a
/// union (OR) or an intersection (AND). Every match is counted, so the total
/// is exact whatever `countUpTo` asks; every match is scored, except that
/// once k hits are kept a passage holding one of the words only is first
/// tested against the k-th best score without a division (``BM25/Cutoff``),
/// so most are passed over unscored. No cursor, window or block bound is set
/// up.
///
/// Where this pays was measured (docs/BENCHMARKS.md, 32,108 passages): an OR
/// must count every match anyway, and a plain merge of whole lists beat the
/// windows of ``TermScorer`` up to lists of tens of thousands of postings,
/// at the median and at p99, even when no count was asked for. A lone term
/// and an AND skip: a lone term's count is its document frequency and
/// block-max passes over most blocks of a long list; an AND seeks through
/// the long list by its skip table. Their limits are lower.
///
/// The scores are FTS5's doubles: each passage's contributions are summed in
/// query order from the same per-passage norm (``BM25/norm(length:averageLength:)``).
extension Searcher {
    /// The most leaves a query may have for this path.
    static let shortListLeaves = 16
    /// The most postings this path decodes for one query, all lists of all segments together.
    static let shortListTotal = 1 << 17

    /// The longest list, in one segment, that a query of `leaves` terms
    /// (AND'ed or not) reads whole.
    static func shortListLimit(leaves: Int, and: Bool) -> Int {
        leaves == 1 ? 1024 : and ? 8192 : 32768
    }

    /// The best `k` hits of `phrases` OR'ed (or AND'ed), and the exact
    /// total, when every phrase is a plain term with a short enough list in
    /// every segment; nil otherwise.
    func shortListTop(_ phrases: [Phrase], and: Bool, k: Int) -> SearchResult? {
        let m = phrases.count
        guard m <= Self.shortListLeaves else { return nil }
        for phrase in phrases where !isPlainTerm(phrase) { return nil }
        let segments = snapshot.segments
        let cells = segments.count * m
        return withUnsafeTemporaryAllocation(of: SegmentReader.TermEntry?.self, capacity: cells) { entries -> SearchResult? in
            // Each term in each segment; a list too long for this path gives up before any decoding.
            let limit = Self.shortListLimit(leaves: m, and: and)
            var postings = 0
            for (s, reader) in segments.enumerated() {
                for i in 0..<m {
                    let entry = reader.lookup(phrases[i].terms[0].text)
                    if let entry {
                        guard entry.documentFrequency <= limit else { return nil }
                        postings += entry.documentFrequency
                    }
                    (entries.baseAddress! + s * m + i).initialize(to: entry)
                }
            }
            guard postings > 0 else { return SearchResult(total: 0, hits: []) }
            guard postings <= Self.shortListTotal else { return nil }
            return withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 2 * postings) { buffer in
                withUnsafeTemporaryAllocation(of: Int.self, capacity: 2 * cells + m) { bounds in
                    withUnsafeTemporaryAllocation(of: Double.self, capacity: m) { idf in
                        let docs = buffer.baseAddress!, tfs = docs + postings
                        // bounds[2c], bounds[2c+1]: where cell c's postings start and end in docs and tfs;
                        // after them, each phrase's live passages, BM25's n(q).
                        let hits = bounds.baseAddress! + 2 * cells
                        hits.initialize(repeating: 0, count: m)
                        var at = 0
                        for s in segments.indices {
                            let deleted = snapshot.deleted[s]
                            for i in 0..<m {
                                let c = s * m + i
                                bounds[2 * c] = at
                                if let entry = entries[c] {
                                    segments[s].decodeList(entry, docs: docs + at, tfs: tfs + at)
                                    at += entry.documentFrequency
                                }
                                bounds[2 * c + 1] = at
                                hits[i] += at - bounds[2 * c]
                                if !deleted.isEmpty {
                                    for j in bounds[2 * c]..<at where deleted.contains(Int(docs[j])) { hits[i] -= 1 }
                                }
                            }
                        }
                        var most = 0
                        var fewest = Int.max
                        for i in 0..<m {
                            most += hits[i]
                            fewest = min(fewest, hits[i])
                            idf[i] = BM25.idf(rows: snapshot.passageCount, hits: hits[i])
                        }
                        let limit = min(k, and ? fewest : most)
                        var heap = BoundedHeap(capacity: limit)
                        let average = Double(snapshot.tokenCount) / Double(snapshot.passageCount)
                        var total = 0
                        for s in segments.indices {
                            let walk = ShortListWalk(reader: segments[s], deleted: snapshot.deleted[s], m: m,
                                                     docs: docs, tfs: tfs, bounds: bounds.baseAddress! + 2 * s * m,
                                                     idf: UnsafeBufferPointer(idf), averageLength: average)
                            total += and ? walk.intersection(&heap) : walk.union(&heap)
                        }
                        return SearchResult(total: total, hits: heap.sorted())
                    }
                }
            }
        }
    }
}

/// One segment's short lists, walked for ``Searcher/shortListTop(_:and:k:)``.
struct ShortListWalk {
    let reader: SegmentReader
    let deleted: Deletions
    let m: Int
    let docs: UnsafeMutablePointer<UInt32>
    let tfs: UnsafeMutablePointer<UInt32>
    /// Per leaf, its start and end in docs and tfs.
    let bounds: UnsafeMutablePointer<Int>
    let idf: UnsafeBufferPointer<Double>
    let averageLength: Double

    /// The union, in passage order: returns the passages that match.
    func union(_ heap: inout BoundedHeap) -> Int {
        if m == 1 { return alone(0, &heap) }
        if m == 2 { return union2(&heap) }
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: m) { at in
            var open = 0
            for i in 0..<m {
                at[i] = bounds[2 * i]
                if at[i] < bounds[2 * i + 1] { open += 1 }
            }
            var offer = Offer(self, heap)
            while open > 0 {
                // The next passage, and the leaves that hold it.
                var d = UInt32.max
                var holders = 0, only = 0
                for i in 0..<m where at[i] < bounds[2 * i + 1] {
                    let x = docs[at[i]]
                    if x < d {
                        d = x
                        holders = 1
                        only = i
                    } else if x == d {
                        holders += 1
                    }
                }
                let local = Int(d)
                if holders == 1 {
                    let f = tfs[at[only]]
                    at[only] += 1
                    if at[only] == bounds[2 * only + 1] { open -= 1 }
                    offer.single(local, idf[only], f, &heap)
                    continue
                }
                // Several leaves: their contributions summed in query order.
                let live = offer.live(local)
                let norm = live ? BM25.norm(length: Double(offer.lengths[local]), averageLength: averageLength) : 0
                var sum = 0.0
                for i in 0..<m where at[i] < bounds[2 * i + 1] && docs[at[i]] == d {
                    if live { sum += BM25.contribution(idf: idf[i], f: Double(tfs[at[i]]), norm: norm) }
                    at[i] += 1
                    if at[i] == bounds[2 * i + 1] { open -= 1 }
                }
                if live { offer.scored(local, sum, &heap) }
            }
            return offer.matched
        }
    }

    /// The union of two leaves, the usual OR, in three passes rather than
    /// one merge. First the passages both hold, found by a merge whose steps
    /// are selects, not branches (which list is behind differs at every
    /// step, and a branch on it was mispredicted at every other posting);
    /// they are scored first, as they usually score best. Then each list's
    /// other passages, the rarer word's first (its idf is the larger), each
    /// tested against the k-th best score: by then the threshold is high,
    /// and the test's branch is predictable. The heap keeps the same best k
    /// whatever order it is offered passages in (ties go to the lower id).
    func union2(_ heap: inout BoundedHeap) -> Int {
        let aStart = bounds[0], aEnd = bounds[1], bStart = bounds[2], bEnd = bounds[3]
        let both = min(aEnd - aStart, bEnd - bStart)
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: 2 * both + 2) { common in
            // Pass 1: common[2c], common[2c + 1] are where the c-th shared passage stands in each list.
            let shared = common.baseAddress!
            var i = aStart, j = bStart, n = 0
            while i < aEnd, j < bEnd {
                let x = docs[i], y = docs[j]
                shared[2 * n] = i
                shared[2 * n + 1] = j
                n &+= x == y ? 1 : 0
                i &+= x <= y ? 1 : 0
                j &+= y <= x ? 1 : 0
            }
            var offer = Offer(self, heap)
            let idf0 = idf[0], idf1 = idf[1]
            for c in 0..<n {
                let i = shared[2 * c], j = shared[2 * c + 1]
                let local = Int(docs[i])
                guard offer.live(local) else { continue }
                let norm = BM25.norm(length: Double(offer.lengths[local]), averageLength: averageLength)
                var sum = 0.0
                sum += BM25.contribution(idf: idf0, f: Double(tfs[i]), norm: norm)
                sum += BM25.contribution(idf: idf1, f: Double(tfs[j]), norm: norm)
                offer.scored(local, sum, &heap)
            }
            // Passes 2 and 3: each list's passages between the shared ones.
            let first = idf0 >= idf1 ? 0 : 1
            singles(first, shared: shared, n, &offer, &heap)
            singles(1 - first, shared: shared, n, &offer, &heap)
            return offer.matched
        }
    }

    /// Leaf `side`'s passages (of two) other than the `n` both hold, whose
    /// places in the leaves are `shared[2c + side]`.
    @inline(__always)
    func singles(_ side: Int, shared: UnsafeMutablePointer<Int>, _ n: Int, _ offer: inout Offer, _ heap: inout BoundedHeap) {
        let idf = self.idf[side]
        var from = bounds[2 * side]
        for c in 0..<n {
            let to = shared[2 * c + side]
            for x in from..<to { offer.single(Int(docs[x]), idf, tfs[x], &heap) }
            from = to + 1
        }
        for x in from..<bounds[2 * side + 1] { offer.single(Int(docs[x]), idf, tfs[x], &heap) }
    }

    /// One leaf's postings, tested against the threshold once the heap is full.
    func alone(_ i: Int, _ heap: inout BoundedHeap) -> Int {
        var offer = Offer(self, heap)
        let idf = self.idf[i]
        for j in bounds[2 * i]..<bounds[2 * i + 1] { offer.single(Int(docs[j]), idf, tfs[j], &heap) }
        return offer.matched
    }

    /// What a walk does with each passage it meets: counts it unless it is
    /// deleted, and offers it to the heap, a passage holding one leaf only
    /// first tested against the k-th best score without a division. (A
    /// struct, not a closure: a closure capturing the count and the cutoff
    /// cost two allocations a walk.)
    struct Offer {
        let reader: SegmentReader
        let deleted: Deletions
        let noDeletions: Bool
        let lengths: UnsafeBufferPointer<UInt32>
        let averageLength: Double
        var cutoff: BM25.Cutoff
        /// Passages met that are not deleted.
        var matched = 0

        init(_ walk: ShortListWalk, _ heap: borrowing BoundedHeap) {
            reader = walk.reader
            deleted = walk.deleted
            noDeletions = walk.deleted.isEmpty
            lengths = walk.reader.lengths
            averageLength = walk.averageLength
            cutoff = BM25.Cutoff(threshold: heap.threshold, averageLength: walk.averageLength)
        }

        /// Whether the passage counts (is not deleted); counts it.
        @_transparent
        mutating func live(_ local: Int) -> Bool {
            guard noDeletions || !deleted.contains(local) else { return false }
            matched += 1
            return true
        }

        /// A passage holding one leaf, `f` times.
        @_transparent
        mutating func single(_ local: Int, _ idf: Double, _ f: UInt32, _ heap: inout BoundedHeap) {
            guard live(local) else { return }
            let length = lengths[local]
            if cutoff.excludes(idf: idf, f: f, length: length) { return }
            scored(local, 0.0 + BM25.contribution(idf: idf, f: Double(f), norm: BM25.norm(length: Double(length), averageLength: averageLength)), &heap)
        }

        /// A passage whose score's sum is known.
        @_transparent
        mutating func scored(_ local: Int, _ sum: Double, _ heap: inout BoundedHeap) {
            let bm25 = -1.0 * sum
            if heap.admits(bm25) {
                heap.insert(SearchHit(passageID: reader.passageID(local), bm25: bm25))
                if heap.isFull { cutoff.raise(to: heap.threshold) }
            }
        }
    }

    /// The intersection, leapfrogging from leaf to leaf: returns the passages that match.
    func intersection(_ heap: inout BoundedHeap) -> Int {
        for i in 0..<m where bounds[2 * i] == bounds[2 * i + 1] { return 0 }
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: m) { at in
            for i in 0..<m { at[i] = bounds[2 * i] }
            var offer = Offer(self, heap)
            var target = docs[at[0]]
            var agreed = 0
            var i = 0
            while true {
                // Leaf i moves to the first passage at or after target.
                let end = bounds[2 * i + 1]
                var j = at[i]
                while j < end, docs[j] < target { j += 1 }
                at[i] = j
                if j == end { return offer.matched }
                if docs[j] != target {
                    target = docs[j]
                    agreed = 1
                } else {
                    agreed += 1
                }
                if agreed == m {
                    let local = Int(target)
                    if offer.live(local) {
                        let norm = BM25.norm(length: Double(offer.lengths[local]), averageLength: averageLength)
                        var sum = 0.0
                        for l in 0..<m { sum += BM25.contribution(idf: idf[l], f: Double(tfs[at[l]]), norm: norm) }
                        offer.scored(local, sum, &heap)
                    }
                    // Every leaf moves past it; the next target is leaf i's next passage.
                    for l in 0..<m { at[l] += 1 }
                    for l in 0..<m where at[l] == bounds[2 * l + 1] { return offer.matched }
                    target = docs[at[i]]
                    agreed = 1
                }
                i = (i + 1) % m
            }
        }
    }
}

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
/// up. The usual queries go further. A lone word's matches (more than a
/// handful) and a two-word OR's (``ShortListWalk/union2(_:)``) are scored
/// without a branch into ``Candidates``, and only those that may be among
/// the best k reach the heap. The passages two words share, for an OR or
/// an AND (``ShortListWalk/intersection2(_:)``), are found through a bitset
/// of the segment's passages (``ShortListWalk/sharedPassages(_:)``). Deleted
/// passages leave the lists as they are decoded, so no walk tests for them.
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
    static func shortListLimit(leaves: Int, _ connective: Connective) -> Int {
        leaves == 1 ? 1024 : connective == .and ? 8192 : 32768
    }

    /// The best `k` hits of `phrases` OR'ed (or AND'ed), and the exact
    /// total, when every phrase is a plain term with a short enough list in
    /// every segment; nil otherwise.
    func shortListTop(_ phrases: [Phrase], _ connective: Connective, k: Int) -> SearchResult? {
        withShortLists(phrases, connective) { lists, idf in
            var most = 0, fewest = Int.max
            for i in 0..<phrases.count {
                most += lists.hits[i]
                fewest = min(fewest, lists.hits[i])
            }
            guard most > 0 else { return SearchResult(total: 0, hits: []) }
            return BoundedHeap.with(capacity: min(k, connective == .and ? fewest : most)) { heap in
                var total = 0
                forEachShortListWalk(lists, idf) { walk in total += connective == .and ? walk.intersection(&heap) : walk.union(&heap) }
                return SearchResult(total: total, hits: heap.sorted())
            }
        }
    }

    /// Calls `body` with every leaf's lists, decoded whole, and their
    /// idfs, when every phrase is a plain term with a short enough list in
    /// every segment; nil otherwise.
    func withShortLists<R>(_ phrases: [Phrase], _ connective: Connective, _ body: (LeafLists, UnsafeBufferPointer<Double>) -> R) -> R? {
        let m = phrases.count
        guard m <= Self.shortListLeaves else { return nil }
        for phrase in phrases where !isPlainTerm(phrase) { return nil }
        // A list too long for this path gives up before any decoding.
        return withLeafLists(phrases, longest: Self.shortListLimit(leaves: m, connective), most: Self.shortListTotal) { lists in
            withUnsafeTemporaryAllocation(of: Double.self, capacity: m) { idf in
                for i in 0..<m { idf[i] = BM25.idf(rows: snapshot.passageCount, hits: lists.hits[i]) }
                return body(lists, UnsafeBufferPointer(idf))
            }
        }
    }

    /// Calls `body` with the walk of each segment's short lists, passing
    /// over a segment that holds none of the words (a small one, of a
    /// document updated since the last merge, often).
    func forEachShortListWalk(_ lists: LeafLists, _ idf: UnsafeBufferPointer<Double>, _ body: (borrowing ShortListWalk) -> Void) {
        for (s, reader) in snapshot.segments.enumerated() {
            let cells = lists.segment(s)
            guard !cells.isEmpty else { continue }
            body(ShortListWalk(reader: reader, m: cells.m, docs: cells.docs, tfs: cells.tfs, bounds: cells.bounds,
                               idf: idf, table: lengthTable, bitsetPassages: bitsetPassages))
        }
    }
}

/// One segment's short lists, walked for ``Searcher/shortListTop(_:_:k:)``.
/// The lists hold live passages only (the deleted left them when they were
/// decoded).
struct ShortListWalk: ~Copyable {
    /// Fewer postings than this in all are merged without ``Candidates``.
    static let fewPostings = 32
    let reader: SegmentReader
    let m: Int
    let docs: UnsafeMutablePointer<UInt32>
    let tfs: UnsafeMutablePointer<UInt32>
    /// Per leaf, its start and end in docs and tfs.
    let bounds: UnsafeMutablePointer<Int>
    let idf: UnsafeBufferPointer<Double>
    let table: BM25.LengthTable
    /// See ``Searcher/bitsetPassages``.
    let bitsetPassages: Int

    /// The union, in passage order: returns the passages that match.
    func union(_ heap: inout BoundedHeap) -> Int {
        if m == 1 { return alone(0, &heap) }
        // Two leaves, unless their lists are a handful of postings (a small
        // segment's, often), for which the general merge costs less to set up.
        if m == 2, bounds[3] - bounds[0] > Self.fewPostings { return union2(&heap) }
        if m > 2, bounds[2 * m - 1] - bounds[0] > Self.fewPostings, reader.count <= bitsetPassages { return unionMany(&heap) }
        return merge(&heap)
    }

    /// The union, by a merge of the lists in passage order, each passage
    /// offered to the collector as it comes: returns the passages that match.
    func merge<C: Collector & ~Copyable>(_ heap: inout C) -> Int {
        withUnsafeTemporaryAllocation(of: Int.self, capacity: m) { at in
            var open = 0
            for i in 0..<m {
                at[i] = bounds[2 * i]
                if at[i] < bounds[2 * i + 1] { open += 1 }
            }
            var offer = Offer(self, heap)
            while open > 0 {
                // The next passage, and the leaves that hold it.
                let (d, holders, only) = nextPassage(docs, at.baseAddress!, m) { bounds[2 * $0 + 1] }
                let local = Int(d)
                if holders == 1 {
                    let f = tfs[at[only]]
                    at[only] += 1
                    if at[only] == bounds[2 * only + 1] { open -= 1 }
                    heap.matched(local, reader)
                    offer.single(local, idf[only], f, &heap)
                    continue
                }
                // Several leaves: their contributions summed in query order.
                offer.matched += 1
                let norm = table.norm(offer.lengths[local])
                var sum = 0.0
                for i in 0..<m where at[i] < bounds[2 * i + 1] && docs[at[i]] == d {
                    sum += BM25.contribution(idf: idf[i], f: Double(tfs[at[i]]), norm: norm)
                    at[i] += 1
                    if at[i] == bounds[2 * i + 1] { open -= 1 }
                }
                heap.matched(local, reader)
                offer.scored(local, sum, &heap)
            }
            return offer.matched
        }
    }

    /// Above any passage's score: each leaf adds less than idf · (k1 + 1).
    var scoreBound: Double { idf.reduce(0, +) * (BM25.k1 + 1.0) }

    /// The union of three leaves or more, in a segment of up to
    /// ``Searcher/bitsetPassages`` passages: no merge of the lists. Each
    /// list in turn, in query order, adds its contributions into a score per
    /// passage (a dense array of the segment's passages, of which only those
    /// the lists hold are read, known by a bitset), so a passage's score is
    /// the sum FTS5 makes, in its order; then every passage that matched
    /// goes to ``Candidates``. A merge of m lists had chosen the smallest of
    /// m passage numbers at every step, and offered each passage to the
    /// heap, branches whose outcome differs from passage to passage.
    func unionMany(_ heap: inout BoundedHeap) -> Int {
        let total = bounds[2 * m - 1] - bounds[0]
        let lengths = reader.lengths
        return withUnsafeTemporaryAllocation(of: UInt64.self, capacity: (reader.count + 63) >> 6) { bits in
            bits.initialize(repeating: 0)
            return withUnsafeTemporaryAllocation(of: Double.self, capacity: reader.count) { sums in
                withUnsafeTemporaryAllocation(of: UInt32.self, capacity: total) { held in
                    var n = 0
                    for i in 0..<m {
                        let leafIDF = idf[i]
                        for x in bounds[2 * i]..<bounds[2 * i + 1] {
                            let d = Int(docs[x])
                            accumulate(d, table.contribution(idf: leafIDF, f: tfs[x], length: lengths[d]), bits, sums, held.baseAddress!, &n)
                        }
                    }
                    return Candidates.collect(capacity: n, bound: scoreBound, table: table, into: &heap, reader) { candidates in
                        for c in 0..<n {
                            let d = Int(held[c])
                            candidates.add(d, sums[d])
                        }
                        candidates.matched = n
                    }
                }
            }
        }
    }

    /// The union of two leaves, the usual OR. The passages both hold
    /// (``sharedPassages(_:)``) are scored first, then each list's others,
    /// the rarer word's first, all into ``Candidates``, which hands the heap
    /// only those that can be among the best k. By the time the commoner
    /// word's turn comes, the k best so far often lie above anything a word
    /// of its idf can score, and its list is only counted.
    func union2(_ heap: inout BoundedHeap) -> Int {
        let aStart = bounds[0], aEnd = bounds[1], bStart = bounds[2], bEnd = bounds[3]
        return withSharedPassages { shared, n in
            let idf0 = idf[0], idf1 = idf[1]
            let lengths = reader.lengths
            // Room for each list's passages, and the shared ones once more.
            return Candidates.collect(capacity: aEnd - aStart + bEnd - bStart + n, bound: scoreBound,
                                      table: table, into: &heap, reader) { candidates in
                for c in 0..<n {
                    let (local, sum) = sharedScore(shared[2 * c], shared[2 * c + 1])
                    candidates.add(local, sum)
                }
                // In the lists, a shared passage's frequency becomes 0: walked
                // with the others, it scores 0, which is never offered (a
                // match scores above 0), and a loop over each list's passages
                // between the shared ones, whose lengths differ from query to
                // query, is not needed.
                for c in 0..<2 * n { tfs[shared[c]] = 0 }
                candidates.matched += n
                // The rarer word's list (of the larger idf) first: the commoner
                // word's passages may then all fall below the slice holding the k-th best.
                let rarer = idf0 >= idf1 ? 0 : 1
                for step in 0..<2 {
                    let side = step == 0 ? rarer : 1 - rarer
                    let idf = side == 0 ? idf0 : idf1
                    let start = bounds[2 * side], end = bounds[2 * side + 1]
                    if step == 1 {
                        if candidates.excludesAll(idf, tfs + start, docs + start, end - start, lengths) {
                            // Only counted: its passages less the shared ones.
                            candidates.matched += end - start - n
                            break
                        }
                        // A long list is tested against the floor, passage by passage.
                        if end - start > Candidates.floorInterval { candidates.raiseFloor() }
                    }
                    for x in start..<end {
                        let local = Int(docs[x])
                        candidates.single(local, idf, tfs[x], lengths[local])
                    }
                    // The shared passages were counted once already.
                    candidates.matched -= n
                }
            }
        }
    }

    /// Finds the passages both leaves of a two-leaf union hold, writing where
    /// the c-th stands in each list to `shared[2c]` and `shared[2c + 1]`;
    /// returns how many there are. When one list is much the shorter, each
    /// of its passages is sought in the other by galloping. Lists of like
    /// lengths in a segment of up to ``Searcher/bitsetPassages`` passages
    /// are compared through a bitset of the segment's passages (marking one
    /// list and testing the other, steps that do not wait on each other:
    /// a two-word OR 9% faster); in a larger segment they are merged by
    /// steps that are selects, not branches (which list is behind differs
    /// at every step, and a branch on it was mispredicted at every other
    /// posting), though each step waits on the loads of the one before.
    @inline(never)
    func sharedPassages(_ shared: UnsafeMutablePointer<Int>) -> Int {
        let aStart = bounds[0], aEnd = bounds[1], bStart = bounds[2], bEnd = bounds[3]
        let aCount = aEnd - aStart, bCount = bEnd - bStart
        var n = 0
        if aCount * 32 < bCount || bCount * 32 < aCount {
            let short = aCount < bCount ? 0 : 1
            let (sStart, sEnd) = (bounds[2 * short], bounds[2 * short + 1])
            let lEnd = bounds[3 - 2 * short]
            var j = bounds[2 - 2 * short]
            for i in sStart..<sEnd {
                let target = docs[i]
                j = gallop(from: j, count: lEnd) { docs[$0] < target }
                if j == lEnd { break }
                if docs[j] == target {
                    shared[2 * n + short] = i
                    shared[2 * n + 1 - short] = j
                    n += 1
                    j += 1
                }
            }
            return n
        }
        if reader.count <= bitsetPassages {
            // The first list's passages marked in a bitset of the segment's,
            // then the second's tested there: no step waits on the one before.
            return withUnsafeTemporaryAllocation(of: UInt64.self, capacity: (reader.count + 63) >> 6) { bits in
                bits.initialize(repeating: 0)
                for x in aStart..<aEnd {
                    let d = docs[x]
                    bits[Int(d >> 6)] |= 1 &<< UInt64(d & 63)
                }
                var i = aStart
                for j in bStart..<bEnd {
                    let d = docs[j]
                    if (bits[Int(d >> 6)] &>> UInt64(d & 63)) & 1 != 0 {
                        while docs[i] < d { i += 1 }
                        shared[2 * n] = i
                        shared[2 * n + 1] = j
                        n += 1
                        i += 1
                    }
                }
                return n
            }
        }
        var i = aStart, j = bStart
        while i < aEnd, j < bEnd {
            let x = docs[i], y = docs[j]
            shared[2 * n] = i
            shared[2 * n + 1] = j
            n &+= x == y ? 1 : 0
            i &+= x <= y ? 1 : 0
            j &+= y <= x ? 1 : 0
        }
        return n
    }

    /// Calls `body` with where the passages both leaves of a two-leaf
    /// query hold stand in each list (`shared[2c]`, `shared[2c + 1]`, see
    /// ``sharedPassages(_:)``) and how many there are.
    @inline(__always)
    func withSharedPassages<R>(_ body: (UnsafeMutablePointer<Int>, Int) -> R) -> R {
        let both = min(bounds[1] - bounds[0], bounds[3] - bounds[2])
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: 2 * both + 2) { shared in
            body(shared.baseAddress!, sharedPassages(shared.baseAddress!))
        }
    }

    /// The passage at `i` in leaf 0's list and `j` in leaf 1's (the same
    /// passage), and its score: both contributions, in query order.
    @inline(__always)
    func sharedScore(_ i: Int, _ j: Int) -> (local: Int, sum: Double) {
        let local = Int(docs[i])
        let norm = table.norm(reader.lengths[local])
        var sum = 0.0
        sum += BM25.contribution(idf: idf[0], f: Double(tfs[i]), norm: norm)
        sum += BM25.contribution(idf: idf[1], f: Double(tfs[j]), norm: norm)
        return (local, sum)
    }

    /// One leaf's postings: a handful offered to the heap as they come,
    /// more scored into ``Candidates``.
    func alone(_ i: Int, _ heap: inout BoundedHeap) -> Int {
        let idf = self.idf[i]
        let start = bounds[2 * i], end = bounds[2 * i + 1]
        guard end - start > Self.fewPostings else {
            var offer = Offer(self, heap)
            for j in start..<end { offer.single(Int(docs[j]), idf, tfs[j], &heap) }
            return offer.matched
        }
        let lengths = reader.lengths
        return Candidates.collect(capacity: end - start, bound: idf * (BM25.k1 + 1.0), table: table, into: &heap, reader) { candidates in
            for j in start..<end {
                let local = Int(docs[j])
                candidates.single(local, idf, tfs[j], lengths[local])
            }
        }
    }

    /// What a walk does with each passage it meets: counts it, and offers
    /// it to the heap, a passage holding one leaf only first tested against
    /// the k-th best score without a division. (A struct, not a closure: a
    /// closure capturing the count and the cutoff cost two allocations a
    /// walk.)
    struct Offer {
        let reader: SegmentReader
        let lengths: UnsafeBufferPointer<UInt32>
        let table: BM25.LengthTable
        var cutoff: BM25.Cutoff
        /// Passages met.
        var matched = 0

        init<C: Collector & ~Copyable>(_ walk: borrowing ShortListWalk, _ heap: borrowing C) {
            reader = walk.reader
            lengths = walk.reader.lengths
            table = walk.table
            cutoff = BM25.Cutoff(threshold: heap.threshold, averageLength: walk.table.averageLength)
        }

        /// A passage holding one leaf, `f` times.
        @_transparent
        mutating func single<C: Collector & ~Copyable>(_ local: Int, _ idf: Double, _ f: UInt32, _ heap: inout C) {
            matched += 1
            let length = lengths[local]
            if cutoff.excludes(idf: idf, f: f, length: length) { return }
            scored(local, 0.0 + table.contribution(idf: idf, f: f, length: length), &heap)
        }

        /// A passage whose score's sum is known.
        @_transparent
        mutating func scored<C: Collector & ~Copyable>(_ local: Int, _ sum: Double, _ heap: inout C) {
            let bm25 = -1.0 * sum
            if heap.admits(bm25) {
                heap.collect(local, bm25, reader)
                if heap.isFull { cutoff.raise(to: heap.threshold) }
            }
        }
    }

    /// The intersection of two leaves, the usual AND: the passages both
    /// hold, found as a two-word OR finds them (``sharedPassages(_:)``),
    /// scored in query order.
    func intersection2<C: Collector & ~Copyable>(_ heap: inout C) -> Int {
        guard bounds[1] > bounds[0], bounds[3] > bounds[2] else { return 0 }
        return withSharedPassages { shared, n in
            var offer = Offer(self, heap)
            for c in 0..<n {
                let (local, sum) = sharedScore(shared[2 * c], shared[2 * c + 1])
                heap.matched(local, reader)
                offer.scored(local, sum, &heap)
            }
            offer.matched += n
            return offer.matched
        }
    }

    /// The intersection, leapfrogging from leaf to leaf: returns the passages that match.
    func intersection<C: Collector & ~Copyable>(_ heap: inout C) -> Int {
        if m == 2 { return intersection2(&heap) }
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
                    offer.matched += 1
                    let norm = table.norm(offer.lengths[local])
                    var sum = 0.0
                    for l in 0..<m { sum += BM25.contribution(idf: idf[l], f: Double(tfs[at[l]]), norm: norm) }
                    heap.matched(local, reader)
                    offer.scored(local, sum, &heap)
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

/// Adds `contribution` to passage `d`'s sum in `sums`. The passage's first
/// contribution starts its sum as FTS5 starts it (0.0 + contribution), sets
/// its bit in `bits` and appends it to `held[0..<n]`, so that only the
/// passages met are read back; the sums are made in the order of the calls.
@inline(__always)
func accumulate(_ d: Int, _ contribution: Double, _ bits: UnsafeMutableBufferPointer<UInt64>, _ sums: UnsafeMutableBufferPointer<Double>,
                _ held: UnsafeMutablePointer<UInt32>, _ n: inout Int) {
    let word = d >> 6, bit = UInt64(1) &<< UInt64(d & 63)
    if bits[word] & bit != 0 {
        sums[d] += contribution
    } else {
        bits[word] |= bit
        sums[d] = 0.0 + contribution
        held[n] = UInt32(truncatingIfNeeded: d)
        n += 1
    }
}

/// The smallest passage the leaves stand on, `docs[at[i]]` over the leaves
/// i < m not at their ends (`at[i] < end(i)`), how many stand on it, and
/// one that does: the step of a merge of sorted lists. (UInt32.max and no
/// holder when every leaf is at its end.)
@inline(__always)
func nextPassage(_ docs: UnsafePointer<UInt32>, _ at: UnsafePointer<Int>, _ m: Int, end: (Int) -> Int) -> (passage: UInt32, holders: Int, only: Int) {
    var d = UInt32.max
    var holders = 0, only = 0
    for i in 0..<m where at[i] < end(i) {
        let x = docs[at[i]]
        if x < d {
            d = x
            holders = 1
            only = i
        } else if x == d {
            holders += 1
        }
    }
    return (d, holders, only)
}

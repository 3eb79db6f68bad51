import Index

/// Top-k for terms, prefixes and phrases joined by OR or by AND (see
/// `Searcher.top`): each leaf is a cursor, over its postings or over what
/// it matches, built in memory (``Searcher/leafCursor(_:_:_:)``).
///
/// # Windows, best first
///
/// Per segment, one ``PostingCursor`` per phrase, in query order, so that a
/// passage's score is summed in FTS5's order. The segment is cut into
/// *windows* at every block end of every cursor, from the skip tables
/// alone, without decoding a block: inside a window each cursor has at most
/// one block, so the sum of those blocks' bounds (the most each phrase can
/// add over its block's (tf, length) frontier) bounds every passage of the
/// window, and a passage's whole score is found inside its window. The
/// windows of every segment are then taken best bound first: a window is
/// decoded and scored only while its bound can still reach the k-th best
/// score; the first that cannot ends the scoring, since every window after
/// it is bounded lower. Which hits are kept does not depend on the order
/// windows are scored in (the heap keeps the best k by score, then id).
///
/// # AND
///
/// Terms AND'ed leapfrog from the rarest through the skip tables (a
/// window per block end would visit every block of a common word to find
/// the few passages a rare one holds), with the same block bounds: while
/// the cursors stay in the same blocks, passages that cannot reach the
/// k-th best score are counted, not scored. Their total is always exact.
///
/// # The total
///
/// A lone term's total is its live document frequency; a lone phrase or
/// prefix has every match found anyway (BM25 weighs it by their number) and
/// is scored from them, without windows. For an OR, the
/// windows that were not scored are counted, in passage order (a window one
/// cursor covers with a whole block is counted from the block's size,
/// undecoded; others in a bitset), until the count reaches `countUpTo`.
/// When counting stops early, or is not needed because one phrase of an OR
/// alone matches `countUpTo` passages, the total is a lower bound and says
/// so.
struct TermScorer {
    let searcher: Searcher
    let phrases: [Phrase]
    /// Whether the phrases are AND'ed (else OR'ed): read in the hot loops.
    let and: Bool
    var snapshot: IndexSnapshot { searcher.snapshot }

    /// A scorer of `phrases` joined by `connective`.
    init(searcher: Searcher, phrases: [Phrase], connective: Connective) {
        self.searcher = searcher
        self.phrases = phrases
        and = connective == .and
    }

    /// One window: its passages, the segment they are in, the sum of its
    /// blocks' bounds, and how many passages match in it once known (−1
    /// until then). Which block each cursor has in it, and that block's
    /// bound, are kept beside, `width` per window.
    struct Window {
        var bound: Double
        var segment: Int32
        var lo: Int32
        var hi: Int32
        var matches: Int32 = -1
    }

    /// A cursor's block in a window (−1 for none) and its bound.
    struct Slot {
        var block: Int32
        var bound: Double
    }

    /// The windows of every segment, in passage order per segment (see the type's documentation).
    struct Windows {
        let width: Int
        var list: [Window] = []
        var slots: [Slot] = []
    }

    /// Per segment, a cursor per phrase (nil where the segment lacks it),
    /// in rows of `phrases.count`; each phrase's live matches (BM25's n(q));
    /// the blocks of every cursor.
    struct Setup {
        var cursors: [PostingCursor?]
        var hits: [Int]
        var blocks: Int
    }

    /// The cursors of every leaf in every segment: from `leaves` when
    /// they were looked up already.
    func setUp(_ leaves: QueryLeaves? = nil) -> Setup {
        let m = phrases.count
        var setup = Setup(cursors: [], hits: leaves?.live ?? [Int](repeating: 0, count: m), blocks: 0)
        setup.cursors.reserveCapacity(snapshot.segments.count * m)
        for (s, reader) in snapshot.segments.enumerated() {
            for (i, phrase) in phrases.enumerated() {
                if let leaves {
                    let cursor = leaves.cursor(s, i, reader)
                    setup.blocks += cursor?.blockCount ?? 0
                    setup.cursors.append(cursor)
                } else if let leaf = searcher.leafCursor(phrase, reader, snapshot.deleted[s]) {
                    setup.hits[i] += leaf.live
                    setup.blocks += leaf.cursor.blockCount
                    setup.cursors.append(leaf.cursor)
                } else {
                    setup.cursors.append(nil)
                }
            }
        }
        return setup
    }

    func top(_ k: Int, countUpTo: Int) -> SearchResult {
        let m = phrases.count
        if m == 1, !searcher.isPlainTerm(phrases[0]) { return matchedAlone(k) }
        let setup = setUp()
        let hits = setup.hits, cursors = setup.cursors
        guard setup.blocks > 0 else { return SearchResult(total: 0, hits: []) }
        let scorer = BM25(rows: snapshot.passageCount, tokens: snapshot.tokenCount, hits: hits)
        // No more passages can match than the leaves hold: an AND, the fewest of one; an OR, all of them.
        let most = and ? hits.min() ?? 0 : hits.reduce(0, +)
        var heap = BoundedHeap(capacity: min(k, most))
        let (total, windows) = walk(setup, scorer, everything: k >= snapshot.passageCount, into: &heap)
        let best = heap.sorted()
        if and { return SearchResult(total: total, hits: best) }
        let n = windows.list.count
        if m == 1 { return SearchResult(total: hits[0], hits: best) }
        // The windows whose matches are not known yet: counted in passage order, up to countUpTo.
        var counted = 0
        var unknown = 0
        for window in windows.list {
            if window.matches >= 0 { counted += Int(window.matches) } else { unknown += 1 }
        }
        guard unknown > 0 else { return SearchResult(total: counted, hits: best) }
        // One phrase of an OR alone matches this many: a lower bound.
        let floor = hits.max() ?? 0
        if max(counted, floor) >= countUpTo { return SearchResult(total: max(counted, floor), hits: best, totalIsExact: false) }
        return withUnsafeTemporaryAllocation(of: WindowState.self, capacity: m) { states in
            states.initialize(repeating: WindowState())
            var bits: [UInt64] = []
            for w in 0..<n where windows.list[w].matches < 0 {
                counted += count(w, windows, cursors, states, &bits)
                unknown -= 1
                if counted >= countUpTo, unknown > 0 {
                    return SearchResult(total: max(counted, floor), hits: best, totalIsExact: false)
                }
            }
            return SearchResult(total: counted, hits: best)
        }
    }

    /// Scores the matches of every segment into `collector`, block-max:
    /// for an AND, leapfrogging per segment, and returns the exact total;
    /// for an OR, window by window, best bound first until one cannot reach
    /// the collector's threshold (in passage order when `everything` is
    /// kept), and returns the windows, each with its number of matches
    /// where it was scored whole (−1 where not).
    func walk<C: Collector & ~Copyable>(_ setup: Setup, _ scorer: BM25, everything: Bool,
                                        into collector: inout C) -> (total: Int, windows: Windows) {
        let m = phrases.count
        let segments = snapshot.segments
        let cursors = setup.cursors
        var windows = Windows(width: m)
        if and {
            var total = 0
            for (s, reader) in segments.enumerated() {
                let row = cursors[(s * m)..<((s + 1) * m)]
                guard row.allSatisfy({ $0 != nil }) else { continue }
                total += conjunction(row.map { $0! }, reader, snapshot.deleted[s], scorer, &collector)
            }
            return (total, windows)
        }
        windows.list.reserveCapacity(setup.blocks + 1)
        windows.slots.reserveCapacity((setup.blocks + 1) * m)
        for s in segments.indices { cut(cursors, segment: s, scorer, into: &windows) }
        let n = windows.list.count
        withUnsafeTemporaryAllocation(of: WindowState.self, capacity: m) { states in
            states.initialize(repeating: WindowState())
            if everything {
                for w in 0..<n { windows.list[w].matches = Int32(score(w, windows, cursors, scorer, states, &collector) ?? -1) }
            } else {
                var order = WindowOrder(windows.list)
                while let w = order.popBest() {
                    if collector.isFull, prunable(windows.list[w].bound, below: collector.threshold) { break }
                    windows.list[w].matches = Int32(score(w, windows, cursors, scorer, states, &collector) ?? -1)
                }
            }
        }
        return (0, windows)
    }

    /// Cuts segment `s` into windows (see the type's documentation).
    func cut(_ cursors: [PostingCursor?], segment s: Int, _ scorer: BM25, into windows: inout Windows) {
        let m = windows.width
        let row = s * m
        let end = Int.max
        // Per cursor: its current block (end once past its last), the last
        // passage before that block, the block's bound (−1 until computed).
        struct Walk {
            var block: Int
            var before: Int
            var bound: Double
        }
        withUnsafeTemporaryAllocation(of: Walk.self, capacity: m) { walk in
            var active = 0
            for i in 0..<m {
                if let c = cursors[row + i], c.blockCount > 0 {
                    active += 1
                    walk[i] = Walk(block: 0, before: -1, bound: -1)
                } else {
                    walk[i] = Walk(block: end, before: -1, bound: -1)
                }
            }
            var lo = 0
            while active > 0 {
                var hi = end
                for i in 0..<m where walk[i].block != end { hi = min(hi, cursors[row + i].unsafelyUnwrapped.blockLast(walk[i].block)) }
                // The cursors whose block starts in the window, and the sum of their bounds.
                var sum = 0.0
                for i in 0..<m {
                    if walk[i].block != end, walk[i].before < hi {
                        if walk[i].bound < 0 { walk[i].bound = scorer.bound(i, cursors[row + i].unsafelyUnwrapped, block: walk[i].block) }
                        sum += walk[i].bound
                        windows.slots.append(Slot(block: Int32(walk[i].block), bound: walk[i].bound))
                    } else {
                        windows.slots.append(Slot(block: -1, bound: 0))
                    }
                }
                windows.list.append(Window(bound: sum, segment: Int32(s), lo: Int32(lo), hi: Int32(hi)))
                for i in 0..<m where walk[i].block != end {
                    let c = cursors[row + i].unsafelyUnwrapped
                    guard c.blockLast(walk[i].block) == hi else { continue }
                    walk[i] = Walk(block: walk[i].block + 1, before: hi, bound: -1)
                    if walk[i].block == c.blockCount {
                        walk[i].block = end
                        active -= 1
                    }
                }
                lo = hi + 1
            }
        }
    }

    /// Per cursor, while a window is walked: its block's buffers, and where it is in them.
    struct WindowState {
        var docs = UnsafeBufferPointer<UInt32>(start: nil, count: 0)
        var tfs = UnsafeBufferPointer<UInt32>(start: nil, count: 0)
        var at = 0
        /// Whether its passages are candidates (MaxScore), in an OR window.
        var essential = true
    }

    /// Points each cursor's state at its block's passages from the window's
    /// first on (empty for a cursor without a block in the window).
    func prepare(_ w: Int, _ windows: Windows, _ cursors: [PostingCursor?], _ states: UnsafeMutableBufferPointer<WindowState>) {
        let m = windows.width
        let window = windows.list[w]
        let lo = UInt32(window.lo)
        let row = Int(window.segment) * m
        for i in 0..<m {
            let b = Int(windows.slots[w * m + i].block)
            guard b >= 0, let c = cursors[row + i] else {
                states[i] = WindowState()
                continue
            }
            if c.block != b { c.loadBlock(b) }
            let (docs, tfs) = c.blockPostingsView()
            // The first passage at or after lo.
            var l = 0, h = docs.count
            while l < h {
                let mid = (l + h) / 2
                if docs[mid] < lo { l = mid + 1 } else { h = mid }
            }
            states[i] = WindowState(docs: docs, tfs: tfs, at: l)
        }
    }

    /// Scores window `w`'s passages into the heap. Returns how many match,
    /// or nil when passages that cannot reach the heap were passed over
    /// without being looked at.
    ///
    /// Inside a window each cursor's block bound is known, so a passage that
    /// holds only terms whose bounds sum below the k-th best score cannot
    /// enter (MaxScore): the terms whose bounds, smallest first, sum below
    /// it are *non-essential*, and only passages holding an essential term
    /// are candidates. A lone term's passages are first tested against the
    /// threshold without a division (``BM25/Cutoff``), so most are passed
    /// over unscored.
    func score<C: Collector & ~Copyable>(_ w: Int, _ windows: Windows, _ cursors: [PostingCursor?], _ scorer: BM25,
                                         _ states: UnsafeMutableBufferPointer<WindowState>, _ heap: inout C) -> Int? {
        let window = windows.list[w]
        let s = Int(window.segment)
        let reader = snapshot.segments[s]
        let deleted = snapshot.deleted[s]
        let lengths = reader.lengths
        let m = windows.width
        let hi = Int(window.hi)
        prepare(w, windows, cursors, states)
        var matched = 0
        do {
            // OR. The essential cursors: all but those whose bounds, smallest first, sum below the threshold.
            var present = 0, only = 0
            for i in 0..<m where states[i].docs.count > 0 {
                present += 1
                only = i
            }
            if present == 1 {
                return scoreAlone(only, hi, states[only], scorer, reader, lengths, deleted, &heap)
            }
            var skipped = false
            for i in 0..<m { states[i].essential = true }
            if heap.isFull, m <= 16 {
                // Smallest bounds first, while their sum stays below the threshold.
                let threshold = heap.threshold
                var sum = 0.0
                while true {
                    var next = -1
                    for i in 0..<m where states[i].docs.count > 0 && states[i].essential {
                        if next < 0 || windows.slots[w * m + i].bound < windows.slots[w * m + next].bound { next = i }
                    }
                    guard next >= 0 else { break }
                    sum += windows.slots[w * m + next].bound
                    guard prunable(sum, below: threshold) else { break }
                    states[next].essential = false
                    skipped = true
                }
            }
            while true {
                // The next candidate: the smallest passage an essential cursor stands on.
                var d = Int.max
                for i in 0..<m where states[i].essential && states[i].at < states[i].docs.count {
                    d = min(d, Int(states[i].docs[states[i].at]))
                }
                if d > hi { break }
                var sum = 0.0
                let length = Double(lengths[d])
                for i in 0..<m where states[i].at < states[i].docs.count {
                    var at = states[i].at
                    let docs = states[i].docs
                    while at < docs.count, Int(docs[at]) < d { at += 1 }
                    states[i].at = at
                    if at < docs.count, Int(docs[at]) == d {
                        sum += scorer.contribution(i, f: Double(states[i].tfs[at]), length: length)
                        states[i].at = at + 1
                    }
                }
                guard !deleted.contains(d) else { continue }
                matched += 1
                let bm25 = -1.0 * sum
                if heap.admits(bm25) { heap.collect(d, bm25, reader) }
            }
            return skipped ? nil : matched
        }
    }

    /// One cursor alone in a window: its passages up to `hi`, tested
    /// against the threshold once the heap is full (see `score`). Returns how many match.
    func scoreAlone<C: Collector & ~Copyable>(_ i: Int, _ hi: Int, _ state: WindowState, _ scorer: BM25, _ reader: SegmentReader,
                                              _ lengths: UnsafeBufferPointer<UInt32>, _ deleted: Deletions, _ heap: inout C) -> Int {
        let docs = state.docs, tfs = state.tfs
        var matched = 0
        var cutoff = BM25.Cutoff(threshold: heap.threshold, averageLength: scorer.averageLength)
        let idf = scorer.idf[i]
        for j in state.at..<docs.count {
            let d = Int(docs[j])
            if d > hi { break }
            if deleted.contains(d) { continue }
            matched += 1
            let f = tfs[j], length = lengths[d]
            if cutoff.excludes(idf: idf, f: f, length: length) { continue }
            let bm25 = -1.0 * scorer.contribution(i, f: Double(f), length: Double(length))
            if heap.admits(bm25) {
                heap.collect(d, bm25, reader)
                if heap.isFull { cutoff.raise(to: heap.threshold) }
            }
        }
        return matched
    }

    /// Counts window `w`'s matches without scoring them.
    func count(_ w: Int, _ windows: Windows, _ cursors: [PostingCursor?], _ states: UnsafeMutableBufferPointer<WindowState>,
               _ bits: inout [UInt64]) -> Int {
        let window = windows.list[w]
        let s = Int(window.segment)
        let deleted = snapshot.deleted[s]
        let m = windows.width
        let lo = Int(window.lo), hi = Int(window.hi)
        if deleted.isEmpty {
            // One cursor whose whole block lies in the window: its size is the count.
            var only = -1, present = 0
            for i in 0..<m where windows.slots[w * m + i].block >= 0 {
                present += 1
                only = i
            }
            if present == 1, let c = cursors[s * m + only] {
                let b = Int(windows.slots[w * m + only].block)
                if (b == 0 ? 0 : c.blockLast(b - 1) + 1) >= lo, c.blockLast(b) <= hi { return c.postings(inBlock: b) }
            }
        }
        prepare(w, windows, cursors, states)
        let words = (hi - lo) / 64 + 1
        if bits.count < words { bits = [UInt64](repeating: 0, count: max(words, 2 * bits.count)) }
        var n = 0
        bits.withUnsafeMutableBufferPointer { bits in
            for i in 0..<m {
                let docs = states[i].docs
                var j = states[i].at
                while j < docs.count, Int(docs[j]) <= hi {
                    let at = Int(docs[j]) - lo
                    bits[at >> 6] |= 1 << UInt64(at & 63)
                    j += 1
                }
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
                n += word.nonzeroBitCount
            }
        }
        return n
    }
}

extension TermScorer {
    /// A lone phrase or prefix: its matches are all found anyway (BM25
    /// weighs it by their number), so they are scored as they are, without
    /// cursors or windows over them.
    func matchedAlone(_ k: Int) -> SearchResult {
        let matches = aloneMatches()
        let total = matches.reduce(0) { $0 + $1.locals.count }
        guard total > 0 else { return SearchResult(total: 0, hits: []) }
        var heap = BoundedHeap(capacity: min(k, total))
        scoreMatched(matches, into: &heap)
        return SearchResult(total: total, hits: heap.sorted())
    }

    /// A lone phrase's or prefix's live matches, per segment.
    func aloneMatches() -> [(locals: [UInt32], counts: [UInt32])] {
        snapshot.segments.enumerated().map { s, reader in searcher.leafMatches(phrases[0], reader, snapshot.deleted[s]) }
    }

    /// Scores a lone phrase's or prefix's matches (``aloneMatches()``) into `collector`.
    func scoreMatched<C: Collector & ~Copyable>(_ matches: [(locals: [UInt32], counts: [UInt32])], into heap: inout C) {
        let total = matches.reduce(0) { $0 + $1.locals.count }
        let scorer = BM25(rows: snapshot.passageCount, tokens: snapshot.tokenCount, hits: [total])
        for (s, reader) in snapshot.segments.enumerated() {
            let lengths = reader.lengths
            let (locals, counts) = matches[s]
            for j in locals.indices {
                let local = Int(locals[j])
                let bm25 = -1.0 * scorer.contribution(0, f: Double(counts[j]), length: Double(lengths[local]))
                if heap.admits(bm25) { heap.collect(local, bm25, reader) }
            }
        }
    }

    /// Terms AND'ed: leapfrog from the rarest; returns the passages matched.
    ///
    /// Block-max: while every cursor stays in the same blocks, the sum of
    /// their block bounds holds for each passage they meet on; when it cannot
    /// reach the k-th best score, those passages are counted, not scored.
    func conjunction<C: Collector & ~Copyable>(_ cursors: [PostingCursor], _ reader: SegmentReader, _ deleted: Deletions, _ scorer: BM25,
                                               _ heap: inout C) -> Int {
        var count = 0
        var blocks = [Int](repeating: -1, count: cursors.count)
        var bound = Double.infinity
        intersect(cursors) { local in
            guard !deleted.contains(local) else { return }
            count += 1
            heap.matched(local, reader)
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
            if heap.admits(bm25) { heap.collect(local, bm25, reader) }
        }
        return count
    }
}

/// Windows handed out best bound first: a binary max-heap of their numbers,
/// built in linear time, so that a query that stops after a few windows
/// does not sort them all.
struct WindowOrder {
    var heap: [(bound: Double, window: Int32)]

    init(_ windows: [TermScorer.Window]) {
        heap = windows.enumerated().map { ($0.element.bound, Int32($0.offset)) }
        var i = heap.count / 2 - 1
        while i >= 0 {
            siftDown(i)
            i -= 1
        }
    }

    /// Whether a comes before b: higher bound, then passage order.
    @inline(__always)
    static func before(_ a: (bound: Double, window: Int32), _ b: (bound: Double, window: Int32)) -> Bool {
        a.bound != b.bound ? a.bound > b.bound : a.window < b.window
    }

    mutating func siftDown(_ start: Int) {
        heap.withUnsafeMutableBufferPointer { heap in Search.siftDown(heap, from: start, Self.before) }
    }

    /// The best window left, if any.
    mutating func popBest() -> Int? {
        guard let top = heap.first else { return nil }
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            siftDown(0)
        }
        return Int(top.window)
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

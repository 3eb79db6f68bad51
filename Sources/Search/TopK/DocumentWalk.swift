import Index

/// The walk behind results by document (see `Collapse.swift`): every
/// match visited once, in passage order, a document's matches as one run.
extension Searcher {
    /// One document's matches in its segment.
    struct Run {
        var document: Int
        var segment: Int
        /// Its first and last matching passage (local numbers).
        var first: Int
        var last: Int
        /// Where its first match is in a lone leaf's list (−1 when the
        /// query has several leaves).
        var start = -1
        var matches: Int
        /// Its best passage among those the walk scored: its best of all
        /// when the document is on the page.
        var best: SearchHit
    }

    /// Every leaf's live matches in every segment, decoded whole, in
    /// memory of the call (``withLeafLists(_:_:)``): per cell (segment s,
    /// leaf i: cell s·m + i) the passages ascending and the leaf's frequency
    /// in each.
    struct LeafLists {
        let m: Int
        let docs: UnsafeMutablePointer<UInt32>
        let tfs: UnsafeMutablePointer<UInt32>
        /// Where cell c's list starts (`2c`) and ends (`2c + 1`) in docs and tfs.
        let bounds: UnsafeMutablePointer<Int>
        /// Each leaf's live matches in all segments: BM25's n(q).
        let hits: UnsafeMutablePointer<Int>

        /// Segment s's row.
        func segment(_ s: Int) -> SegmentLists { SegmentLists(docs: docs, tfs: tfs, bounds: bounds + 2 * s * m, m: m) }
    }

    /// What a prefix or a phrase matches in one segment (a cell of the lists).
    struct Matched {
        var cell: Int
        var locals: [UInt32]
        var counts: [UInt32]
    }

    /// Calls `body` with the lists of `phrases`: plain terms decoded from
    /// their postings, prefixes and phrases matched (``leafMatches(_:_:_:)``),
    /// the deleted passages left out.
    func withLeafLists<R>(_ phrases: [Phrase], _ body: (LeafLists) -> R) -> R {
        let m = phrases.count
        let segments = snapshot.segments
        let cells = m * segments.count
        return withUnsafeTemporaryAllocation(of: SegmentReader.TermEntry?.self, capacity: cells) { entries in
            var matched: [Matched] = []
            var total = 0
            for s in segments.indices {
                for i in 0..<m {
                    var entry: SegmentReader.TermEntry?
                    if isPlainTerm(phrases[i]) {
                        entry = segments[s].lookup(phrases[i].terms[0].text)
                        total += entry?.documentFrequency ?? 0
                    } else {
                        let found = leafMatches(phrases[i], segments[s], snapshot.deleted[s])
                        total += found.locals.count
                        matched.append(Matched(cell: s * m + i, locals: found.locals, counts: found.counts))
                    }
                    (entries.baseAddress! + s * m + i).initialize(to: entry)
                }
            }
            return withUnsafeTemporaryAllocation(of: UInt32.self, capacity: max(1, 2 * total)) { buffer in
                withUnsafeTemporaryAllocation(of: Int.self, capacity: 2 * cells + m) { ints in
                    let docs = buffer.baseAddress!, tfs = docs + total
                    let bounds = ints.baseAddress!, hits = bounds + 2 * cells
                    hits.initialize(repeating: 0, count: m)
                    var at = 0, next = 0
                    for c in 0..<cells {
                        let s = c / m
                        (bounds + 2 * c).initialize(to: at)
                        if let entry = entries[c] {
                            let n = entry.documentFrequency
                            segments[s].decodeList(entry, docs: docs + at, tfs: tfs + at)
                            at += snapshot.deleted[s].isEmpty ? n : snapshot.deleted[s].removeDeleted(docs: docs + at, tfs: tfs + at, count: n)
                        } else if next < matched.count, matched[next].cell == c {
                            let count = matched[next].locals.count
                            matched[next].locals.withUnsafeBufferPointer { (docs + at).update(from: $0.baseAddress!, count: count) }
                            matched[next].counts.withUnsafeBufferPointer { (tfs + at).update(from: $0.baseAddress!, count: count) }
                            at += count
                            next += 1
                        }
                        (bounds + 2 * c + 1).initialize(to: at)
                        hits[c % m] += at - bounds[2 * c]
                    }
                    return body(LeafLists(m: m, docs: docs, tfs: tfs, bounds: bounds, hits: hits))
                }
            }
        }
    }

    /// Results by document for `phrases` joined by `connective` (see `Collapse.swift`).
    func collapse(_ phrases: [Phrase], _ connective: Connective, perDocument: Int, offset: Int, limit: Int,
                  within: Set<Int>?) -> DocumentPage {
        let and = connective == .and
        guard snapshot.documentsAreRuns else {
            let ranked = top(of: phrases, connective, k: .max, countUpTo: .max).hits
            return Self.documentPage(ranked: ranked, perDocument: perDocument, offset: offset, limit: limit) { id in
                snapshot.document(ofPassage: id).flatMap { within == nil || within!.contains($0) ? $0 : nil }
            }
        }
        let m = phrases.count
        return withLeafLists(phrases) { lists in
            var possible = and ? Int.max : 0
            for i in 0..<m { possible = and ? min(possible, lists.hits[i]) : possible + lists.hits[i] }
            let (end, overflow) = offset.addingReportingOverflow(limit)
            let wanted = max(0, min(overflow ? Int.max : end, possible))
            return withUnsafeTemporaryAllocation(of: Double.self, capacity: m) { idf in
                for i in 0..<m { idf[i] = BM25.idf(rows: snapshot.passageCount, hits: lists.hits[i]) }
                let idf = UnsafeBufferPointer(idf)
                var runs: [Run] = []
                runs.reserveCapacity(min(wanted * 2, 1024))
                var scored = 0, passagesMatched = 0, documentsMatched = 0
                return BoundedHeap.with(capacity: wanted) { heap in
                    if possible > 0 {
                        for (s, reader) in snapshot.segments.enumerated() {
                            let cells = lists.segment(s)
                            guard !cells.isEmpty else { continue }
                            var walk = DocumentWalk(reader: reader, segment: s, table: lengthTable, within: within, threshold: heap.threshold)
                            if m == 1 {
                                alone(cells, idf[0], &walk, &runs, &heap)
                            } else if and {
                                intersection(cells, idf, &walk, &runs, &heap)
                            } else if reader.count <= bitsetPassages {
                                denseUnion(cells, idf, &walk, &runs, &heap)
                            } else {
                                union(cells, idf, &walk, &runs, &heap)
                            }
                            walk.close(&runs, &heap)
                            scored += walk.scored
                            passagesMatched += walk.passagesMatched
                            documentsMatched += walk.documentsMatched
                        }
                    }
                    // The page's documents, best first: each the run kept whose best passage it is.
                    return heap.withSorted { best in
                        var hits: [SearchHit] = []
                        hits.reserveCapacity(max(0, best.count - offset) * min(perDocument, 8))
                        var shown: [(run: Int, hits: Range<Int>)] = []
                        shown.reserveCapacity(max(0, best.count - offset))
                        var before = 0
                        for (i, hit) in best.enumerated() {
                            // (A live passage's id is unique.)
                            guard let r = runs.lastIndex(where: { $0.best.passageID == hit.passageID }) else { continue }
                            if i < offset {
                                before += min(perDocument, runs[r].matches)
                                continue
                            }
                            let start = hits.count
                            passages(of: runs[r], lists, idf, needed: and ? m : 1, perDocument: perDocument, into: &hits)
                            shown.append((r, start..<hits.count))
                        }
                        return DocumentPage(documents: shown.map { .init(id: runs[$0.run].document, hits: hits[$0.hits], matches: runs[$0.run].matches) },
                                            hits: hits, totalPassages: passagesMatched, totalDocuments: documentsMatched,
                                            passagesBefore: before, scored: scored)
                    }
                }
            }
        }
    }

    /// A page document's best `perDocument` passages: its run read again
    /// from every leaf's list (a merge of the run's slices), each passage
    /// holding `needed` leaves a match, scored as the walk scores it (a
    /// passage holding one leaf first tested against the document's
    /// `perDocument`-th best so far).
    func passages(of run: Run, _ lists: LeafLists, _ idf: UnsafeBufferPointer<Double>, needed: Int, perDocument: Int,
                  into hits: inout [SearchHit]) {
        guard perDocument > 1, run.matches > 1 else {
            if perDocument > 0 { hits.append(run.best) }
            return
        }
        let reader = snapshot.segments[run.segment]
        let lengths = reader.lengths
        let m = lists.m
        let docs = lists.docs, tfs = lists.tfs
        withUnsafeTemporaryAllocation(of: Int.self, capacity: 2 * m) { at in
            // at[i] ..< at[m + i]: leaf i's postings in the run.
            if run.start >= 0 {
                // A lone leaf: the run's slice is known, and when the page shows all of it, no heap is needed.
                let slice = run.start..<(run.start + run.matches)
                if run.matches <= perDocument {
                    let first = hits.count
                    for j in slice {
                        let local = Int(docs[j])
                        let bm25 = -1.0 * (0.0 + lengthTable.contribution(idf: idf[0], f: tfs[j], length: lengths[local]))
                        hits.append(SearchHit(passageID: reader.passageID(local), bm25: bm25))
                    }
                    hits[first...].sort(by: BoundedHeap.better)
                    return
                }
                at[0] = slice.lowerBound
                at[1] = slice.upperBound
            } else {
                for i in 0..<m {
                    let cell = run.segment * m + i
                    at[i] = firstAtLeast(run.first, docs, lists.bounds[2 * cell], lists.bounds[2 * cell + 1])
                    at[m + i] = firstAtLeast(run.last + 1, docs, at[i], lists.bounds[2 * cell + 1])
                }
            }
            BoundedHeap.with(capacity: min(perDocument, run.matches)) { heap in
                var cutoff = BM25.Cutoff(threshold: heap.threshold, averageLength: lengthTable.averageLength)
                if m == 1 {
                    let idf = idf[0]
                    for j in at[0]..<at[1] {
                        let local = Int(docs[j]), f = tfs[j], length = lengths[local]
                        if cutoff.excludes(idf: idf, f: f, length: length) { continue }
                        let bm25 = -1.0 * (0.0 + lengthTable.contribution(idf: idf, f: f, length: length))
                        if heap.admits(bm25) {
                            heap.insert(SearchHit(passageID: reader.passageID(local), bm25: bm25))
                            if heap.isFull { cutoff.raise(to: heap.threshold) }
                        }
                    }
                    heap.drain(into: &hits)
                    return
                }
                while true {
                    let (d, holders, only) = nextPassage(docs, at.baseAddress!, m) { at[m + $0] }
                    guard holders > 0 else { break }
                    let local = Int(d)
                    let length = lengths[local]
                    var sum = 0.0
                    if holders == 1 {
                        let f = tfs[at[only]]
                        at[only] += 1
                        if holders < needed || cutoff.excludes(idf: idf[only], f: f, length: length) { continue }
                        sum = 0.0 + lengthTable.contribution(idf: idf[only], f: f, length: length)
                    } else {
                        for i in 0..<m where at[i] < at[m + i] && docs[at[i]] == d {
                            sum += lengthTable.contribution(idf: idf[i], f: tfs[at[i]], length: length)
                            at[i] += 1
                        }
                        if holders < needed { continue }
                    }
                    let bm25 = -1.0 * sum
                    if heap.admits(bm25) {
                        heap.insert(SearchHit(passageID: reader.passageID(local), bm25: bm25))
                        if heap.isFull { cutoff.raise(to: heap.threshold) }
                    }
                }
                heap.drain(into: &hits)
            }
        }
    }

    /// The first index in `lo ..< hi` whose passage is at least `local` (hi if none).
    func firstAtLeast(_ local: Int, _ docs: UnsafePointer<UInt32>, _ lo: Int, _ hi: Int) -> Int {
        var lo = lo, hi = hi
        while lo < hi {
            let mid = (lo + hi) / 2
            if Int(docs[mid]) < local { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// One leaf in one segment, the usual query: run after run, in a loop
    /// of its own (the walk's state in registers), each passage tested
    /// against the cutoff before it is scored.
    func alone(_ cells: SegmentLists, _ idf: Double, _ walk: inout DocumentWalk, _ runs: inout [Run], _ heap: inout BoundedHeap) {
        let docs = cells.docs, tfs = cells.tfs
        let documents = walk.documents, lengths = walk.lengths, reader = walk.reader
        let table = lengthTable
        var cutoff = walk.cutoff
        var threshold = heap.threshold
        var j = cells.start(0)
        let end = cells.end(0)
        while j < end {
            let first = Int(docs[j]), start = j
            let document = documents[first]
            if let within = walk.within, !within.contains(Int(document)) {
                while j < end, documents[Int(docs[j])] == document { j += 1 }
                continue
            }
            var best = SearchHit(passageID: .max, bm25: .infinity)
            var matches = 0, last = first
            cutoff.raise(to: threshold)
            while j < end {
                let local = Int(docs[j])
                guard documents[local] == document else { break }
                let f = tfs[j], length = lengths[local]
                j += 1
                matches += 1
                last = local
                if cutoff.excludes(idf: idf, f: f, length: length) { continue }
                walk.scored += 1
                let bm25 = -1.0 * (0.0 + table.contribution(idf: idf, f: f, length: length))
                guard bm25 <= best.bm25 else { continue }
                let id = reader.passageID(local)
                guard bm25 < best.bm25 || id < best.passageID else { continue }
                best = SearchHit(passageID: id, bm25: bm25)
                cutoff.raise(to: max(threshold, -bm25))
            }
            walk.documentsMatched += 1
            walk.passagesMatched += matches
            if best.bm25 < .infinity, heap.admits(best.bm25) {
                heap.insert(best)
                runs.append(Run(document: Int(UInt32(littleEndian: document)), segment: walk.segment, first: first, last: last, start: start,
                                matches: matches, best: best))
                threshold = heap.threshold
            }
        }
    }

    /// Leaves AND'ed in one segment: leapfrog from leaf to leaf.
    func intersection(_ cells: SegmentLists, _ idf: UnsafeBufferPointer<Double>, _ walk: inout DocumentWalk, _ runs: inout [Run], _ heap: inout BoundedHeap) {
        let m = cells.m
        for i in 0..<m where cells.start(i) == cells.end(i) { return }
        withUnsafeTemporaryAllocation(of: Int.self, capacity: m) { at in
            for i in 0..<m { at[i] = cells.start(i) }
            var target = cells.docs[at[0]]
            var agreed = 0
            var i = 0
            while true {
                let end = cells.end(i)
                var j = at[i]
                while j < end, cells.docs[j] < target { j += 1 }
                at[i] = j
                if j == end { return }
                if cells.docs[j] != target {
                    target = cells.docs[j]
                    agreed = 1
                } else {
                    agreed += 1
                }
                if agreed == m {
                    let local = Int(target)
                    let length = walk.lengths[local]
                    var sum = 0.0
                    for l in 0..<m { sum += lengthTable.contribution(idf: idf[l], f: cells.tfs[at[l]], length: length) }
                    walk.summed(local, sum, &runs, &heap)
                    for l in 0..<m { at[l] += 1 }
                    for l in 0..<m where at[l] == cells.end(l) { return }
                    target = cells.docs[at[i]]
                    agreed = 1
                }
                i = (i + 1) % m
            }
        }
    }

    /// Leaves OR'ed in a segment of up to ``bitsetPassages`` passages: each
    /// list in turn, in query order, adds its contributions into a score
    /// per passage (``accumulate(_:_:_:_:_:_:)``), then the passages met are
    /// walked in order from a bitset.
    func denseUnion(_ cells: SegmentLists, _ idf: UnsafeBufferPointer<Double>, _ walk: inout DocumentWalk, _ runs: inout [Run], _ heap: inout BoundedHeap) {
        let count = walk.reader.count
        let lengths = walk.lengths
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: (count + 63) >> 6) { bits in
            bits.initialize(repeating: 0)
            withUnsafeTemporaryAllocation(of: Double.self, capacity: count) { sums in
                withUnsafeTemporaryAllocation(of: UInt32.self, capacity: cells.end(cells.m - 1) - cells.start(0)) { held in
                    var n = 0
                    for i in 0..<cells.m {
                        let leafIDF = idf[i]
                        for x in cells.start(i)..<cells.end(i) {
                            let d = Int(cells.docs[x])
                            accumulate(d, lengthTable.contribution(idf: leafIDF, f: cells.tfs[x], length: lengths[d]), bits, sums, held.baseAddress!, &n)
                        }
                    }
                    for w in 0..<bits.count {
                        var word = bits[w]
                        while word != 0 {
                            let local = w << 6 | word.trailingZeroBitCount
                            word &= word &- 1
                            walk.summed(local, sums[local], &runs, &heap)
                        }
                    }
                }
            }
        }
    }

    /// Leaves OR'ed in a larger segment: a merge of their lists, a passage
    /// holding one leaf tested against the cutoff before it is scored.
    func union(_ cells: SegmentLists, _ idf: UnsafeBufferPointer<Double>, _ walk: inout DocumentWalk, _ runs: inout [Run], _ heap: inout BoundedHeap) {
        let m = cells.m
        withUnsafeTemporaryAllocation(of: Int.self, capacity: m) { at in
            var open = 0
            for i in 0..<m {
                at[i] = cells.start(i)
                if at[i] < cells.end(i) { open += 1 }
            }
            while open > 0 {
                let (d, holders, only) = nextPassage(cells.docs, at.baseAddress!, m) { cells.end($0) }
                let local = Int(d)
                if holders == 1 {
                    let f = cells.tfs[at[only]]
                    at[only] += 1
                    if at[only] == cells.end(only) { open -= 1 }
                    walk.single(local, idf[only], f, &runs, &heap)
                    continue
                }
                let length = walk.lengths[local]
                var sum = 0.0
                for i in 0..<m where at[i] < cells.end(i) && cells.docs[at[i]] == d {
                    sum += lengthTable.contribution(idf: idf[i], f: cells.tfs[at[i]], length: length)
                    at[i] += 1
                    if at[i] == cells.end(i) { open -= 1 }
                }
                walk.summed(local, sum, &runs, &heap)
            }
        }
    }
}

/// One segment's row of ``Searcher/LeafLists``: leaf i's list is
/// `docs[start(i) ..< end(i)]`.
struct SegmentLists {
    let docs: UnsafeMutablePointer<UInt32>
    let tfs: UnsafeMutablePointer<UInt32>
    /// The segment's row of the lists' bounds.
    let bounds: UnsafeMutablePointer<Int>
    let m: Int

    @inline(__always) func start(_ i: Int) -> Int { bounds[2 * i] }
    @inline(__always) func end(_ i: Int) -> Int { bounds[2 * i + 1] }
    /// Whether no leaf matches in the segment.
    var isEmpty: Bool { start(0) == end(m - 1) }
}

/// One segment's walk, passage by passage: it finds each document's run,
/// counts its matches, keeps its best passage, and offers it to the heap
/// of the best documents when the run ends.
struct DocumentWalk {
    let reader: SegmentReader
    let segment: Int
    let lengths: UnsafeBufferPointer<UInt32>
    let documents: UnsafeBufferPointer<UInt32>
    let table: BM25.LengthTable
    let within: Set<Int>?
    /// The better of the heap's threshold and the run's best so far: a
    /// passage that reaches neither changes nothing.
    var cutoff: BM25.Cutoff
    /// Passages scored.
    var scored = 0
    /// The heap's threshold.
    var heapThreshold: Double
    /// Documents and passages that match, the runs ended so far.
    var documentsMatched = 0
    var passagesMatched = 0
    /// The document being walked (−1 before the first).
    var document = -1
    /// Whether its passages are left out (not `within` the filter).
    var skipping = false
    var run: Searcher.Run

    init(reader: SegmentReader, segment: Int, table: BM25.LengthTable, within: Set<Int>?, threshold: Double) {
        self.reader = reader
        self.segment = segment
        lengths = reader.lengths
        documents = reader.documents
        self.table = table
        self.within = within
        cutoff = BM25.Cutoff(threshold: threshold, averageLength: table.averageLength)
        heapThreshold = threshold
        run = Searcher.Run(document: -1, segment: segment, first: 0, last: 0, matches: 0, best: SearchHit(passageID: .max, bm25: .infinity))
    }

    /// Counts a match in its document's run, ending the run before when the
    /// passage starts another; false when the document is filtered out.
    @inline(__always)
    mutating func enter(_ local: Int, _ runs: inout [Searcher.Run], _ heap: inout BoundedHeap) -> Bool {
        let document = Int(UInt32(littleEndian: documents[local]))
        if document != self.document {
            close(&runs, &heap)
            self.document = document
            skipping = within.map { !$0.contains(document) } ?? false
            cutoff.raise(to: heapThreshold)
            run = Searcher.Run(document: document, segment: segment, first: local, last: local, matches: 0,
                               best: SearchHit(passageID: .max, bm25: .infinity))
        }
        if skipping { return false }
        run.matches += 1
        run.last = local
        return true
    }

    /// A passage holding one leaf, `f` times: scored only if it may matter.
    @inline(__always)
    mutating func single(_ local: Int, _ idf: Double, _ f: UInt32, _ runs: inout [Searcher.Run], _ heap: inout BoundedHeap) {
        guard enter(local, &runs, &heap) else { return }
        let length = lengths[local]
        if cutoff.excludes(idf: idf, f: f, length: length) { return }
        offer(local, -1.0 * (0.0 + table.contribution(idf: idf, f: f, length: length)), heap)
    }

    /// A passage whose sum of contributions is known.
    @inline(__always)
    mutating func summed(_ local: Int, _ sum: Double, _ runs: inout [Searcher.Run], _ heap: inout BoundedHeap) {
        guard enter(local, &runs, &heap) else { return }
        offer(local, -1.0 * sum, heap)
    }

    /// A scored passage: the run's best if better (bm25, then passage id).
    @inline(__always)
    mutating func offer(_ local: Int, _ bm25: Double, _ heap: borrowing BoundedHeap) {
        scored += 1
        guard bm25 <= run.best.bm25 else { return }
        let id = reader.passageID(local)
        guard bm25 < run.best.bm25 || id < run.best.passageID else { return }
        run.best = SearchHit(passageID: id, bm25: bm25)
        cutoff.raise(to: max(heapThreshold, -bm25))
    }

    /// Ends the run being walked: counted, and its best offered to the
    /// heap (the run kept with it, for the page).
    @inline(__always)
    mutating func close(_ runs: inout [Searcher.Run], _ heap: inout BoundedHeap) {
        guard document >= 0, !skipping else { return }
        documentsMatched += 1
        passagesMatched += run.matches
        if run.best.bm25 < .infinity, heap.admits(run.best.bm25) {
            heap.insert(run.best)
            runs.append(run)
            heapThreshold = heap.threshold
        }
        document = -1
    }
}

import Index

/// The walk behind results by document (see `Collapse.swift`): every
/// match scored once, in passage order, then grouped, a document's matches
/// being one run of them.
extension Searcher {
    /// Every match of a query, segment after segment, each segment's in
    /// passage order: its local number and its bm25 (the flat ranking's
    /// double). Memory of the call.
    struct Scored {
        let locals: UnsafeMutablePointer<UInt32>
        let bm25: UnsafeMutablePointer<Double>
        /// Matches scored so far.
        var count = 0

        @inline(__always)
        mutating func append(_ local: UInt32, _ bm25: Double) {
            locals[count] = local
            self.bm25[count] = bm25
            count &+= 1
        }

        /// Match `x` as a hit, its passage id read from `reader` (its segment's).
        @inline(__always)
        func hit(_ x: Int, _ reader: SegmentReader) -> SearchHit {
            SearchHit(passageID: reader.passageID(Int(locals[x])), bm25: bm25[x])
        }
    }

    /// One document's matches: a run of ``Scored``.
    struct Group {
        var document: Int
        var segment: Int
        /// Its matches: `start ..< start + count` in ``Scored``.
        var start: Int
        var count: Int
        /// Its best passage: where in ``Scored``.
        var best: Int
    }

    /// Results by document for `phrases` joined by `connective` (see `Collapse.swift`).
    func collapse(_ phrases: [Phrase], _ connective: Connective, perDocument: Int, offset: Int, limit: Int,
                  within: Set<Int>?) -> DocumentPage {
        let and = connective == .and
        guard snapshot.documentsAreRuns, snapshot.idsAscend else {
            let ranked = top(of: phrases, connective, k: .max, countUpTo: .max).hits
            return Self.documentPage(ranked: ranked, perDocument: perDocument, offset: offset, limit: limit) { id in
                snapshot.document(ofPassage: id).flatMap { within == nil || within!.contains($0) ? $0 : nil }
            }
        }
        let m = phrases.count
        // No limit on the lists' lengths: never nil.
        let result = withLeafLists(phrases) { lists in
            // At most this many matches: the sum of the leaves' (OR), the least (AND).
            var possible = and ? Int.max : 0
            for i in 0..<m { possible = and ? min(possible, lists.hits[i]) : possible + lists.hits[i] }
            let (end, overflow) = offset.addingReportingOverflow(limit)
            let wanted = max(0, min(overflow ? Int.max : end, possible))
            return withUnsafeTemporaryAllocation(of: Double.self, capacity: m + max(1, possible)) { doubles in
                withUnsafeTemporaryAllocation(of: UInt32.self, capacity: max(1, possible)) { locals in
                    let idf = UnsafeMutablePointer(doubles.baseAddress!)
                    for i in 0..<m { idf[i] = BM25.idf(rows: snapshot.passageCount, hits: lists.hits[i]) }
                    let idfs = UnsafeBufferPointer(start: idf, count: m)
                    var scored = Scored(locals: locals.baseAddress!, bm25: idf + m)
                    var groups: [Group] = []
                    groups.reserveCapacity(min(wanted * 2, 1024))
                    var totals = (passages: 0, documents: 0)
                    return BoundedHeap.with(capacity: wanted) { heap in
                        for (s, reader) in snapshot.segments.enumerated() where possible > 0 {
                            let cells = lists.segment(s)
                            guard !cells.isEmpty else { continue }
                            let start = scored.count
                            if m == 1 {
                                alone(cells.start(0)..<cells.end(0), cells, idf[0], reader.lengths, &scored)
                            } else if and {
                                intersection(cells, idfs, reader.lengths, &scored)
                            } else if m == 2 {
                                union2(cells, idf[0], idf[1], reader.lengths, &scored)
                            } else if reader.count <= bitsetPassages {
                                denseUnion(cells, idfs, reader, &scored)
                            } else {
                                union(cells, idfs, reader.lengths, &scored)
                            }
                            group(scored, from: start, reader, s, within, &heap, &groups, &totals)
                        }
                        return page(heap: &heap, groups, scored, perDocument: perDocument, offset: offset, totals: totals)
                    }
                }
            }
        }
        return result!
    }

    /// The runs of one segment's matches (`scored` from `start`), a
    /// document each: counted (those `within` the filter), and each one's
    /// best passage offered to the heap of the best documents under its
    /// group's number, the group kept at that number. Groups are numbered
    /// in passage order, and passage ids ascend within a segment and from
    /// one segment to the next (``IndexSnapshot/idsAscend``): between
    /// equal scores, the lower number is the lower passage id, the order of
    /// the flat ranking. The page needs no search for its groups, and only
    /// its documents' passage ids are looked up.
    func group(_ scored: Scored, from start: Int, _ reader: SegmentReader, _ segment: Int, _ within: Set<Int>?, _ heap: inout BoundedHeap,
               _ groups: inout [Group], _ totals: inout (passages: Int, documents: Int)) {
        let documents = reader.documents
        let locals = scored.locals, bm25 = scored.bm25
        let end = scored.count
        var x = start
        while x < end {
            let first = x
            let document = documents[Int(locals[x])]
            // Its best: the lowest bm25, the first (lowest id) of equals.
            var best = bm25[x], at = x
            x += 1
            while x < end, documents[Int(locals[x])] == document {
                let b = bm25[x]
                let better = b < best
                best = better ? b : best
                at = better ? x : at
                x += 1
            }
            let id = Int(UInt32(littleEndian: document))
            if let within, !within.contains(id) { continue }
            totals.documents += 1
            totals.passages += x - first
            guard heap.admits(best) else { continue }
            heap.insert(SearchHit(passageID: Int64(groups.count), bm25: best))
            groups.append(Group(document: id, segment: segment, start: first, count: x - first, best: at))
        }
    }

    /// The page: the heap's documents from `offset` on, best first, each
    /// with its best `perDocument` passages. (Three arrays in all: the
    /// groups, the page's hits, copied once from memory of the call, and
    /// its documents.)
    func page(heap: inout BoundedHeap, _ groups: [Group], _ scored: Scored, perDocument: Int, offset: Int,
              totals: (passages: Int, documents: Int)) -> DocumentPage {
        heap.withSorted { best in
            let shown = max(0, best.count - offset)
            // Per document of the page: its group, then where its hits end.
            return withUnsafeTemporaryAllocation(of: Int.self, capacity: max(1, 2 * shown)) { temporary in
                let group = temporary.baseAddress!, end = group + shown
                var before = 0, total = 0, n = 0
                for (i, hit) in best.enumerated() {
                    let g = Int(hit.passageID)
                    let count = max(0, min(perDocument, groups[g].count))
                    if i < offset {
                        before += count
                    } else {
                        group[n] = g
                        n += 1
                        total += count
                    }
                }
                let hits = withUnsafeTemporaryAllocation(of: SearchHit.self, capacity: max(1, total)) { buffer in
                    var written = 0
                    for d in 0..<n {
                        written += passages(of: groups[group[d]], scored, perDocument: perDocument, into: buffer.baseAddress! + written)
                        end[d] = written
                    }
                    return Array(UnsafeBufferPointer(start: buffer.baseAddress!, count: written))
                }
                let documents = (0..<n).map { d in
                    let g = groups[group[d]]
                    return DocumentPage.Document(id: g.document, hits: (d == 0 ? 0 : end[d - 1])..<end[d], matches: g.count)
                }
                return DocumentPage(documents: documents, hits: hits, totalPassages: totals.passages,
                                    totalDocuments: totals.documents, passagesBefore: before)
            }
        }
    }

    /// A page document's best `perDocument` passages, best first, written
    /// at `hits`; returns how many (`min(perDocument, group.count)`).
    ///
    /// Up to three (the default shows three) are found in one pass over the
    /// document's matches without a branch on a score (``bestThree(_:_:)``);
    /// more, by a bounded heap. Only those kept have their passage ids looked up.
    func passages(of group: Group, _ scored: Scored, perDocument: Int, into hits: UnsafeMutablePointer<SearchHit>) -> Int {
        let keep = max(0, min(perDocument, group.count))
        let reader = snapshot.segments[group.segment]
        let matches = group.start..<(group.start + group.count)
        switch keep {
        case 0: return 0
        case 1: hits.initialize(to: scored.hit(group.best, reader))
        case 2, 3:
            let best = bestThree(matches, scored.bm25)
            hits.initialize(to: scored.hit(best.0, reader))
            (hits + 1).initialize(to: scored.hit(best.1, reader))
            if keep == 3 { (hits + 2).initialize(to: scored.hit(best.2, reader)) }
        default:
            BoundedHeap.with(capacity: keep) { heap in
                for x in matches where heap.admits(scored.bm25[x]) { heap.insert(scored.hit(x, reader)) }
                heap.withSorted { hits.initialize(from: $0.baseAddress!, count: $0.count) }
            }
        }
        return keep
    }

    /// The best three of `matches` (where in `bm25`), best first: -1 past
    /// the last when there are fewer. Each match moves the three along
    /// with selects, not branches, whose outcome would be random from one
    /// match to the next; a match that only ties with a kept one goes after
    /// it (it came later: its id is higher).
    @inline(__always)
    func bestThree(_ matches: Range<Int>, _ bm25: UnsafeMutablePointer<Double>) -> (Int, Int, Int) {
        var b0 = Double.infinity, b1 = Double.infinity, b2 = Double.infinity
        var i0 = -1, i1 = -1, i2 = -1
        for x in matches {
            let v = bm25[x]
            let c0 = v < b0, c1 = v < b1, c2 = v < b2
            b2 = c1 ? b1 : (c2 ? v : b2)
            i2 = c1 ? i1 : (c2 ? x : i2)
            b1 = c0 ? b0 : (c1 ? v : b1)
            i1 = c0 ? i0 : (c1 ? x : i1)
            b0 = c0 ? v : b0
            i0 = c0 ? x : i0
        }
        return (i0, i1, i2)
    }

    /// Postings `range` of one leaf's list, each passage holding that leaf
    /// alone (one leaf in a segment, the usual query; or the stretches of
    /// an OR's list that the other list does not reach): every one scored.
    func alone(_ range: Range<Int>, _ cells: SegmentLists, _ idf: Double, _ lengths: UnsafeBufferPointer<UInt32>, _ scored: inout Scored) {
        let docs = cells.docs, tfs = cells.tfs
        let table = lengthTable
        for j in range {
            let local = docs[j]
            scored.append(local, -1.0 * (0.0 + table.contribution(idf: idf, f: tfs[j], length: lengths[Int(local)])))
        }
    }

    /// Leaves AND'ed in one segment: leapfrog from leaf to leaf.
    func intersection(_ cells: SegmentLists, _ idf: UnsafeBufferPointer<Double>, _ lengths: UnsafeBufferPointer<UInt32>, _ scored: inout Scored) {
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
                    let length = lengths[Int(target)]
                    var sum = 0.0
                    for l in 0..<m { sum += lengthTable.contribution(idf: idf[l], f: cells.tfs[at[l]], length: length) }
                    scored.append(target, -1.0 * sum)
                    for l in 0..<m { at[l] += 1 }
                    for l in 0..<m where at[l] == cells.end(l) { return }
                    target = cells.docs[at[i]]
                    agreed = 1
                }
                i = (i + 1) % m
            }
        }
    }

    /// Two leaves OR'ed in one segment (the usual OR): a merge of their
    /// lists without a branch on which list a passage comes from. Each step
    /// takes the smaller passage, from one list or from both, and scores
    /// both lists' postings, keeping a contribution only from a list that
    /// holds the passage: `(0 + c₀) + c₁`, with 0 for a list that does not,
    /// which is the double of FTS5's sum in query order in every case (0 + c
    /// is c). Branches on the order of two lists mispredicted at every other
    /// passage, and a bitset of the segment's passages cost its clearing and
    /// scanning whatever the lists' lengths.
    func union2(_ cells: SegmentLists, _ idf0: Double, _ idf1: Double, _ lengths: UnsafeBufferPointer<UInt32>, _ scored: inout Scored) {
        let docs = cells.docs, tfs = cells.tfs
        let table = lengthTable
        var a = cells.start(0), b = cells.start(1)
        let aEnd = cells.end(0), bEnd = cells.end(1)
        if (aEnd - a) * Self.skewedUnion < bEnd - b {
            return skewedUnion(short: a..<aEnd, idf0, long: b..<bEnd, idf1, cells, lengths, &scored)
        }
        if (bEnd - b) * Self.skewedUnion < aEnd - a {
            return skewedUnion(short: b..<bEnd, idf1, long: a..<aEnd, idf0, cells, lengths, &scored)
        }
        while a < aEnd, b < bEnd {
            let da = docs[a], db = docs[b]
            let takeA = da <= db, takeB = db <= da
            let d = takeA ? da : db
            let length = lengths[Int(d)]
            let ca = table.contribution(idf: idf0, f: tfs[a], length: length)
            let cb = table.contribution(idf: idf1, f: tfs[b], length: length)
            scored.append(d, -1.0 * ((0.0 + (takeA ? ca : 0.0)) + (takeB ? cb : 0.0)))
            a &+= takeA ? 1 : 0
            b &+= takeB ? 1 : 0
        }
        alone(a..<aEnd, cells, idf0, lengths, &scored)
        alone(b..<bEnd, cells, idf1, lengths, &scored)
    }

    /// A list this many times longer than the other is walked in runs (``skewedUnion(short:_:long:_:_:_:_:)``).
    static let skewedUnion = 8

    /// Two lists OR'ed, one much longer than the other (a rare word and a
    /// common one): the long list's passages between two of the short
    /// list's are scored in a tight loop whose exit is the only
    /// mispredicted branch, then the short list's passage, with the long
    /// list's contribution if it holds it too. (Two contributions add the
    /// same either way round, so which leaf came first in the query does
    /// not matter here.)
    func skewedUnion(short: Range<Int>, _ shortIDF: Double, long: Range<Int>, _ longIDF: Double, _ cells: SegmentLists,
                     _ lengths: UnsafeBufferPointer<UInt32>, _ scored: inout Scored) {
        let docs = cells.docs, tfs = cells.tfs
        let table = lengthTable
        var j = long.lowerBound
        let end = long.upperBound
        for i in short {
            let d = docs[i]
            // The long list's run before it, scored as the walk goes (finding
            // the run's end first, then scoring it, took a fifth longer).
            while j < end, docs[j] < d {
                let e = docs[j]
                scored.append(e, -1.0 * (0.0 + table.contribution(idf: longIDF, f: tfs[j], length: lengths[Int(e)])))
                j += 1
            }
            let length = lengths[Int(d)]
            var sum = 0.0 + table.contribution(idf: shortIDF, f: tfs[i], length: length)
            if j < end, docs[j] == d {
                sum += table.contribution(idf: longIDF, f: tfs[j], length: length)
                j += 1
            }
            scored.append(d, -1.0 * sum)
        }
        alone(j..<end, cells, longIDF, lengths, &scored)
    }

    /// Leaves OR'ed in a segment of up to ``bitsetPassages`` passages: each
    /// list in turn, in query order, adds its contributions into a score
    /// per passage (``accumulate(_:_:_:_:_:_:)``), then the passages met are
    /// taken in order from a bitset.
    func denseUnion(_ cells: SegmentLists, _ idf: UnsafeBufferPointer<Double>, _ reader: SegmentReader, _ scored: inout Scored) {
        let count = reader.count
        let lengths = reader.lengths
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
                            scored.append(UInt32(truncatingIfNeeded: local), -1.0 * sums[local])
                        }
                    }
                }
            }
        }
    }

    /// Leaves OR'ed in a larger segment: a merge of their lists.
    func union(_ cells: SegmentLists, _ idf: UnsafeBufferPointer<Double>, _ lengths: UnsafeBufferPointer<UInt32>, _ scored: inout Scored) {
        let m = cells.m
        withUnsafeTemporaryAllocation(of: Int.self, capacity: m) { at in
            var open = 0
            for i in 0..<m {
                at[i] = cells.start(i)
                if at[i] < cells.end(i) { open += 1 }
            }
            while open > 0 {
                let (d, holders, only) = nextPassage(cells.docs, at.baseAddress!, m) { cells.end($0) }
                let length = lengths[Int(d)]
                if holders == 1 {
                    let f = cells.tfs[at[only]]
                    at[only] += 1
                    if at[only] == cells.end(only) { open -= 1 }
                    scored.append(d, -1.0 * (0.0 + lengthTable.contribution(idf: idf[only], f: f, length: length)))
                    continue
                }
                var sum = 0.0
                for i in 0..<m where at[i] < cells.end(i) && cells.docs[at[i]] == d {
                    sum += lengthTable.contribution(idf: idf[i], f: cells.tfs[at[i]], length: length)
                    at[i] += 1
                    if at[i] == cells.end(i) { open -= 1 }
                }
                scored.append(d, -1.0 * sum)
            }
        }
    }
}

import Index

/// # Leaf lists
///
/// The short lists (`ShortLists.swift`), which read every match of a
/// query, start from each leaf's live matches in each segment, in one
/// buffer of the call. A plain term's postings are decoded
/// whole (every list's first lines asked for before any is decoded), a
/// prefix's or a phrase's matches found first; deleted passages leave the
/// lists as they are decoded, so no walk tests for them.
extension Searcher {
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
    /// the deleted passages left out. Nil, before anything is decoded, when
    /// a plain term's list in a segment is longer than `longest` or the
    /// lists hold more than `most` postings in all (the short-list path's
    /// limits).
    func withLeafLists<R>(_ phrases: [Phrase], longest: Int = .max, most: Int = .max, _ body: (LeafLists) -> R) -> R? {
        let m = phrases.count
        let segments = snapshot.segments
        let cells = m * segments.count
        return withUnsafeTemporaryAllocation(of: SegmentReader.TermEntry?.self, capacity: cells) { entries -> R? in
            var matched: [Matched] = []
            var total = 0
            for s in segments.indices {
                for i in 0..<m {
                    var entry: SegmentReader.TermEntry?
                    if isPlainTerm(phrases[i]) {
                        entry = segments[s].single(phrases[i].terms[0])
                        if let entry {
                            guard entry.documentFrequency <= longest else { return nil }
                            // Every list's first lines asked for before any is decoded, their misses overlapping.
                            segments[s].prefetchPostings(entry)
                            total += entry.documentFrequency
                        }
                    } else {
                        let found = leafMatches(phrases[i], segments[s], snapshot.deleted[s])
                        total += found.locals.count
                        matched.append(Matched(cell: s * m + i, locals: found.locals, counts: found.counts))
                    }
                    (entries.baseAddress! + s * m + i).initialize(to: entry)
                }
            }
            guard total <= most else { return nil }
            return withUnsafeTemporaryAllocation(of: UInt32.self, capacity: max(1, 2 * total)) { buffer in
                withUnsafeTemporaryAllocation(of: Int.self, capacity: 2 * cells + m) { ints in
                    let docs = buffer.baseAddress!, tfs = docs + total
                    let bounds = ints.baseAddress!, hits = bounds + 2 * cells
                    hits.initialize(repeating: 0, count: m)
                    var at = 0, next = 0
                    for s in segments.indices {
                        // (The segment's deletions are used in place, not copied: a copy counts three references.)
                        let noDeletions = snapshot.deleted[s].isEmpty
                        for i in 0..<m {
                            let c = s * m + i
                            (bounds + 2 * c).initialize(to: at)
                            if let entry = entries[c] {
                                let n = entry.documentFrequency
                                segments[s].decodeList(entry, docs: docs + at, tfs: tfs + at)
                                at += noDeletions ? n : snapshot.deleted[s].removeDeleted(docs: docs + at, tfs: tfs + at, count: n)
                            } else if next < matched.count, matched[next].cell == c {
                                let count = matched[next].locals.count
                                matched[next].locals.withUnsafeBufferPointer { (docs + at).update(from: $0.baseAddress!, count: count) }
                                matched[next].counts.withUnsafeBufferPointer { (tfs + at).update(from: $0.baseAddress!, count: count) }
                                at += count
                                next += 1
                            }
                            (bounds + 2 * c + 1).initialize(to: at)
                            hits[i] += at - bounds[2 * c]
                        }
                    }
                    return body(LeafLists(m: m, docs: docs, tfs: tfs, bounds: bounds, hits: hits))
                }
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

import Index

/// # NOT
///
/// `a NOT b`, where `a` is terms, prefixes or phrases joined by OR or by AND
/// and `b` plain words joined by OR, is `a`'s search with `b`'s passages
/// left out: `a`'s scorer runs as it would alone, feeding an ``Excluding``
/// collector that drops every passage `b` holds (``ExcludedPassages``,
/// a bitset per segment made from `b`'s postings), and counts skip them too.
/// The scores are FTS5's: at a row `a NOT b` matches, no word of `b` is
/// present, so `b`'s phrases add +0.0 after `a`'s contributions, summed in
/// query order. (A phrase or NEAR on the right may stand on a row it does
/// not match and count instances there; such queries are evaluated in
/// full, as before.)
extension Searcher {
    /// The left side's phrases and connective and the right side's words of
    /// `query`, when it is a NOT this path serves.
    func notShape(_ query: QueryNode) -> (phrases: [Phrase], connective: Connective, excluded: [Phrase])? {
        guard case .not(let left, let right) = query, let (phrases, connective) = termShape(left),
              let (words, joined) = termShape(right), joined == .or || words.count == 1,
              words.allSatisfy(isPlainTerm) else { return nil }
        return (phrases, connective, words)
    }

    /// The passages any of `words` holds, per segment.
    func excludedPassages(_ words: [Phrase]) -> ExcludedPassages {
        let sets = snapshot.segments.map { reader in
            var bits = [UInt64](repeating: 0, count: reader.count / 64 + 1)
            for word in words {
                guard let entry = reader.single(word.terms[0]) else { continue }
                let cursor = reader.cursor(entry)
                for b in 0..<cursor.blockCount {
                    cursor.loadBlock(b)
                    for d in cursor.blockPostingsView().docs { bits[Int(d >> 6)] |= UInt64(1) << UInt64(d & 63) }
                }
            }
            return bits
        }
        return ExcludedPassages(readers: snapshot.segments, sets: sets)
    }

    /// The best `k` hits of `a NOT b` (``notShape(_:)``), and the total,
    /// exact up to `countUpTo` passages.
    func notTop(_ shape: (phrases: [Phrase], connective: Connective, excluded: [Phrase]), k: Int, countUpTo: Int) -> SearchResult {
        excludingTop(shape.phrases, shape.connective, excluding: excludedPassages(shape.excluded), k: k, countUpTo: countUpTo)
    }

    /// The best `k` hits of `phrases` joined by `connective`, less the
    /// passages `excluded` leaves out (a NOT's, a filter's), and the total,
    /// exact up to `countUpTo` passages: the query's scorer feeding an
    /// ``Excluding`` collector, then the matches counted without them.
    func excludingTop(_ phrases: [Phrase], _ connective: Connective, excluding excluded: ExcludedPassages, k: Int,
                      countUpTo: Int) -> SearchResult {
        let leaves = QueryLeaves(self, phrases)
        var collector = Excluding(BoundedHeap(capacity: min(k, snapshot.passageCount)), excluded)
        score(phrases, connective, leaves, into: &collector)
        let hits = collector.inner.sorted()
        let count = countMatches(leaves, and: connective == .and, within: nil, upTo: .max, passagesUpTo: countUpTo, excluding: excluded)
        return SearchResult(total: max(count.passages, hits.count), hits: hits, totalIsExact: count.exact)
    }
}

extension Searcher {
    /// The live and deleted passages outside the documents `within`, per
    /// segment: every bit set, then the bits of those documents' runs cleared.
    func passagesOutside(_ within: Set<Int>) -> ExcludedPassages {
        // The documents as bits: a run's is a test, not a hash.
        var allowed = [UInt64](repeating: 0, count: max(0, snapshot.largestDocument) / 64 + 1)
        for document in within where document >= 0 && document <= snapshot.largestDocument {
            allowed[document >> 6] |= UInt64(1) << UInt64(document & 63)
        }
        let sets = snapshot.segments.enumerated().map { s, reader in
            var bits = [UInt64](repeating: ~0, count: reader.count / 64 + 1)
            for run in snapshot.runsBySegment[s] {
                let document = Int(run.document)
                guard document >= 0, allowed[document >> 6] & (UInt64(1) << UInt64(document & 63)) != 0 else { continue }
                Self.clear(&bits, Int(run.lo), Int(run.hi))
            }
            return bits
        }
        return ExcludedPassages(readers: snapshot.segments, sets: sets)
    }

    /// Clears bits `lo...hi`: a mask for each of the two words at the ends,
    /// whole words between (a run's bits one at a time were most of a
    /// filtered search's time).
    static func clear(_ bits: inout [UInt64], _ lo: Int, _ hi: Int) {
        guard lo <= hi else { return }
        let first = lo >> 6, last = hi >> 6
        let low = ~UInt64(0) << UInt64(lo & 63)
        let high = ~UInt64(0) >> UInt64(63 - (hi & 63))
        if first == last {
            bits[first] &= ~(low & high)
            return
        }
        bits[first] &= ~low
        for word in (first + 1)..<last { bits[word] = 0 }
        bits[last] &= ~high
    }
}

/// Per segment, the passages a NOT (or a search's filters) leaves out.
struct ExcludedPassages {
    let readers: [SegmentReader]
    let sets: [[UInt64]]

    /// These passages and those `other` leaves out.
    func adding(_ other: ExcludedPassages?) -> ExcludedPassages {
        guard let other else { return self }
        return ExcludedPassages(readers: readers, sets: zip(sets, other.sets).map { mine, theirs in zip(mine, theirs).map { $0 | $1 } })
    }

    /// Whether a local passage of segment `s` from `lo` through `hi` is left out.
    func any(_ s: Int, _ lo: Int, _ hi: Int) -> Bool {
        guard lo <= hi else { return false }
        let bits = sets[s]
        let (first, last) = (lo >> 6, hi >> 6)
        let head = ~UInt64(0) << UInt64(lo & 63), tail = ~UInt64(0) >> UInt64(63 - (hi & 63))
        if first == last { return bits[first] & head & tail != 0 }
        if bits[first] & head != 0 || bits[last] & tail != 0 { return true }
        for w in (first + 1)..<last where bits[w] != 0 { return true }
        return false
    }

    /// Whether local passage `local` of segment `s` is left out.
    @inline(__always)
    func contains(_ s: Int, _ local: Int) -> Bool { sets[s][local >> 6] & (UInt64(1) << UInt64(local & 63)) != 0 }

    /// Whether local passage `local` of `reader`'s segment is left out.
    @inline(__always)
    func contains(_ reader: SegmentReader, _ local: Int) -> Bool {
        for s in readers.indices where readers[s] === reader { return contains(s, local) }
        return false
    }
}

/// A collector that passes on to `inner` every match but those a NOT leaves out.
struct Excluding<Inner: Collector & ~Copyable>: Collector, ~Copyable {
    var inner: Inner
    let excluded: ExcludedPassages

    init(_ inner: consuming Inner, _ excluded: ExcludedPassages) {
        self.inner = inner
        self.excluded = excluded
    }

    var isFull: Bool { inner.isFull }
    var threshold: Double { inner.threshold }
    func admits(_ bm25: Double) -> Bool { inner.admits(bm25) }

    mutating func collect(_ local: Int, _ bm25: Double, _ reader: SegmentReader) {
        guard !excluded.contains(reader, local) else { return }
        inner.collect(local, bm25, reader)
    }

    mutating func matched(_ local: Int, _ reader: SegmentReader) {
        guard !excluded.contains(reader, local) else { return }
        inner.matched(local, reader)
    }
}

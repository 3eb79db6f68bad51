import Index

extension SegmentReader {
    /// The one dictionary entry a word stands for here: its term, or the one
    /// of its forms a segment of one language holds (``Manifest/segmentsOfOneLanguage``).
    func single(_ term: QueryTerm) -> TermEntry? {
        if term.alternatives.isEmpty { return lookup(term.text) }
        // (Only the forms of the languages the segment holds are looked up.)
        if mayHold(term.text), let entry = lookup(term.text) { return entry }
        for form in term.alternatives where mayHold(form) { if let entry = lookup(form) { return entry } }
        return nil
    }

    /// The dictionary entries a query term stands for here: its term; every
    /// term a prefix begins; each of a word's forms (``QueryTerm``).
    func entries(_ term: QueryTerm) -> [SegmentReader.TermEntry] {
        if term.isSingle { return lookup(term.text).map { [$0] } ?? [] }
        var out: [SegmentReader.TermEntry] = []
        for form in term.forms {
            if term.prefix { out += lookup(prefix: Array(form.utf8)) } else if let entry = lookup(form) { out.append(entry) }
        }
        return out
    }
}

extension Searcher {
    /// Per segment, the cursor for one leaf of a query of terms joined by OR
    /// or by AND, and the live passages it matches (its part of BM25's n(q)):
    /// a plain term walks its own postings; a prefix or a phrase is matched
    /// first, into a list built in memory with its frequencies.
    func leafCursor(_ phrase: Phrase, _ reader: SegmentReader, _ deleted: Deletions) -> (cursor: PostingCursor, live: Int)? {
        let term = phrase.terms[0]
        if isPlainTerm(phrase) {
            guard let entry = reader.single(term) else { return nil }
            // The live count from the cursor the query walks: no second cursor, no block decoded twice.
            let cursor = reader.cursor(entry)
            return (cursor, entry.documentFrequency - cursor.deletedCount(deleted))
        }
        if phrase.terms.count == 1, !phrase.first {
            // A prefix or a word of several forms that stands for one term here is that term.
            let entries = reader.entries(term)
            if entries.count == 1 {
                let cursor = reader.cursor(entries[0])
                return (cursor, entries[0].documentFrequency - cursor.deletedCount(deleted))
            }
        }
        let (docs, tfs) = leafMatches(phrase, reader, deleted)
        guard !docs.isEmpty else { return nil }
        return (PostingCursor(reader: reader, docs: docs, tfs: tfs), docs.count)
    }

    /// Whether a leaf is a plain term, walked on its own postings (else its
    /// matches are found first: ``leafMatches(_:_:_:)``).
    ///
    /// A word of several forms (``QueryTerm``) is one when every segment
    /// holds one language: it stands for one term in each.
    func isPlainTerm(_ phrase: Phrase) -> Bool {
        phrase.terms.count == 1 && !phrase.first && isPlain(phrase.terms[0])
    }

    /// Whether `term` stands for at most one term in each segment.
    func isPlain(_ term: QueryTerm) -> Bool {
        term.isSingle || (!term.prefix && snapshot.segmentsOfOneLanguage)
    }

    /// Whether every phrase of `query` is a plain term: the shape the flat
    /// scorers (``top(_:k:countUpTo:)-(FlatQuery,_,_)``) answer.
    public func takesTermPaths(_ query: FlatQuery) -> Bool {
        query.phrases.allSatisfy(isPlainTerm)
    }

    /// What a prefix or a phrase matches in a segment: the live passages,
    /// ascending, and its number of instances in each.
    func leafMatches(_ phrase: Phrase, _ reader: SegmentReader, _ deleted: Deletions) -> (locals: [UInt32], counts: [UInt32]) {
        phrase.terms.count == 1 && !phrase.first ? prefixMatches(phrase.terms[0], reader, deleted) : phraseMatches(phrase, reader, deleted)
    }

    /// A prefix, or a word of several forms: the live passages holding any
    /// term it stands for, ascending, with the sum of their frequencies.
    func prefixMatches(_ term: QueryTerm, _ reader: SegmentReader, _ deleted: Deletions) -> (locals: [UInt32], counts: [UInt32]) {
        let entries = reader.entries(term)
        let postings = entries.reduce(0) { $0 + $1.documentFrequency }
        if entries.count > 1, postings > reader.count / 16 {
            // Many postings: add them up in a table over the segment's passages.
            var table = [UInt32](repeating: 0, count: reader.count)
            for entry in entries {
                reader.forEachFrequency(entry) { local, tf in table[local] += UInt32(tf) }
            }
            var locals: [UInt32] = [], counts: [UInt32] = []
            for (local, tf) in table.enumerated() where tf > 0 && !deleted.contains(local) {
                locals.append(UInt32(local))
                counts.append(tf)
            }
            return (locals, counts)
        }
        var pairs: [UInt64] = []
        for entry in entries {
            reader.forEachFrequency(entry) { local, tf in
                if !deleted.contains(local) { pairs.append(UInt64(local) << 32 | UInt64(tf)) }
            }
        }
        if entries.count > 1 { pairs.sort() }
        var locals: [UInt32] = [], counts: [UInt32] = []
        for pair in pairs {
            let local = UInt32(pair >> 32), tf = UInt32(truncatingIfNeeded: pair)
            if locals.last == local { counts[counts.count - 1] += tf } else {
                locals.append(local)
                counts.append(tf)
            }
        }
        return (locals, counts)
    }

    /// A phrase with prefix terms (a prefix stands for every term it
    /// begins) or words of several forms (each stands for all of them).
    ///
    /// 1. The rows holding every term, live: per term a bitset of the rows
    ///    any of its terms holds (from passage numbers alone), AND'ed,
    ///    rarest term first.
    /// 2. Per prefix term, the positions of its terms in those rows only:
    ///    a first walk adds up each row's frequencies into offsets in one
    ///    flat array, a second decodes the positions of those rows into
    ///    place, and each row's run is sorted (a row holds a few of the
    ///    prefix's terms, each run already sorted). A plain term's positions
    ///    are read from its cursor row by row.
    /// 3. FTS5's phrase walk, per row.
    func prefixPhraseMatches(_ phrase: Phrase, _ reader: SegmentReader, _ deleted: Deletions) -> (locals: [UInt32], counts: [UInt32]) {
        let n = phrase.terms.count
        var groups: [[SegmentReader.TermEntry]] = []
        for term in phrase.terms {
            let entries = reader.entries(term)
            guard !entries.isEmpty else { return ([], []) }
            groups.append(entries)
        }
        let words = (reader.count + 63) / 64
        var candidates = [UInt64](repeating: 0, count: words)
        var bits = [UInt64](repeating: 0, count: words)
        let sizes = groups.map { $0.reduce(0) { $0 + $1.documentFrequency } }
        for (k, j) in groups.indices.sorted(by: { sizes[$0] < sizes[$1] }).enumerated() {
            for w in 0..<words { bits[w] = 0 }
            for entry in groups[j] {
                reader.forEachFrequency(entry) { local, _ in bits[local >> 6] |= 1 << UInt64(local & 63) }
            }
            var any: UInt64 = 0
            for w in 0..<words {
                candidates[w] = k == 0 ? bits[w] : candidates[w] & bits[w]
                any |= candidates[w]
            }
            if any == 0 { return ([], []) }
        }
        var rows: [Int] = []
        for w in 0..<words {
            var word = candidates[w]
            while word != 0 {
                let local = w << 6 | word.trailingZeroBitCount
                word &= word - 1
                if deleted.contains(local) { candidates[w] &= ~(1 << UInt64(local & 63)) } else { rows.append(local) }
            }
        }
        guard !rows.isEmpty else { return ([], []) }
        // The next candidate row at or after `from`, or PostingCursor.end.
        func nextRow(_ from: Int) -> Int {
            var w = from >> 6
            guard w < words else { return PostingCursor.end }
            var word = candidates[w] & (~UInt64(0) << UInt64(from & 63))
            while word == 0 {
                w += 1
                guard w < words else { return PostingCursor.end }
                word = candidates[w]
            }
            return w << 6 | word.trailingZeroBitCount
        }
        // Calls `body` with the index in `rows` of each candidate row
        // `cursor` holds, the cursor standing on it (rows come in order, so
        // the index only moves forward).
        func walk(_ cursor: PostingCursor, _ body: (Int) -> Void) {
            var r = 0
            var target = rows[0]
            while true {
                cursor.seek(target)
                let doc = cursor.doc
                if doc == PostingCursor.end { return }
                if doc == target {
                    while rows[r] < doc { r += 1 }
                    body(r)
                    target = nextRow(doc + 1)
                } else {
                    target = nextRow(doc)
                }
                if target == PostingCursor.end { return }
            }
        }
        // Per prefix term, every candidate row's positions, row after row,
        // all in one array: term j's run for row r is all[start[j][r]..<start[j][r + 1]].
        var all: [UInt32] = []
        var start = [[Int]](repeating: [], count: n)
        var plain = [PostingCursor?](repeating: nil, count: n)
        for j in 0..<n {
            guard !phrase.terms[j].isSingle else {
                plain[j] = reader.cursor(groups[j][0])
                continue
            }
            var offsets = [Int](repeating: 0, count: rows.count + 1)
            offsets[0] = all.count
            for entry in groups[j] {
                let cursor = reader.cursor(entry)
                walk(cursor) { r in offsets[r + 1] += cursor.tf }
            }
            for r in 0..<rows.count { offsets[r + 1] += offsets[r] }
            all.append(contentsOf: repeatElement(0, count: offsets[rows.count] - offsets[0]))
            var filled = offsets
            all.withUnsafeMutableBufferPointer { all in
                for entry in groups[j] {
                    let cursor = reader.cursor(entry)
                    walk(cursor) { r in
                        for position in cursor.currentPositions() {
                            all[filled[r]] = position
                            filled[r] += 1
                        }
                    }
                }
                if groups[j].count > 1 {
                    for r in 0..<rows.count where offsets[r + 1] - offsets[r] > 1 { all[offsets[r]..<offsets[r + 1]].sort() }
                }
            }
            start[j] = offsets
        }
        var locals: [UInt32] = [], counts: [UInt32] = []
        var lists = [UnsafeBufferPointer<UInt32>](repeating: UnsafeBufferPointer(start: nil, count: 0), count: n)
        var indexes = [Int](repeating: 0, count: n)
        all.withUnsafeBufferPointer { all in
            for (r, row) in rows.enumerated() {
                for j in 0..<n {
                    if let cursor = plain[j] {
                        cursor.seek(row)
                        lists[j] = cursor.currentPositions()
                    } else {
                        lists[j] = UnsafeBufferPointer(rebasing: all[start[j][r]..<start[j][r + 1]])
                    }
                }
                let found = Self.phraseCount(lists, &indexes, first: phrase.first)
                if found > 0 {
                    locals.append(UInt32(row))
                    counts.append(UInt32(found))
                }
            }
        }
        return (locals, counts)
    }
}

/// Every leaf of a query of terms joined by OR or by AND, in every
/// segment, looked up or matched once: a plain term's dictionary entry, or
/// the passages a prefix or a phrase matches, with their frequencies. Any
/// number of walks over a leaf start from here (a scorer's cursors, the
/// count of matches, a shown document's passages) without matching a
/// phrase twice.
struct QueryLeaves {
    enum Leaf {
        case absent
        case term(SegmentReader.TermEntry)
        case matched(locals: [UInt32], counts: [UInt32])
    }

    /// Leaves per segment.
    let m: Int
    /// Segment after segment, a row of `m` leaves.
    let rows: [Leaf]
    /// Per leaf, the live passages it matches in all (BM25's n(q)).
    let live: [Int]

    /// Leaves made elsewhere (a NEAR's matches).
    init(m: Int, rows: [Leaf], live: [Int]) {
        self.m = m
        self.rows = rows
        self.live = live
    }

    init(_ searcher: Searcher, _ phrases: [Phrase]) {
        m = phrases.count
        var rows: [Leaf] = []
        var live = [Int](repeating: 0, count: m)
        let snapshot = searcher.snapshot
        rows.reserveCapacity(snapshot.segments.count * m)
        for (s, reader) in snapshot.segments.enumerated() {
            for (i, phrase) in phrases.enumerated() {
                if searcher.isPlainTerm(phrase) {
                    guard let entry = reader.single(phrase.terms[0]) else {
                        rows.append(.absent)
                        continue
                    }
                    let deleted = snapshot.deleted[s]
                    live[i] += entry.documentFrequency - (deleted.isEmpty ? 0 : reader.cursor(entry).deletedCount(deleted))
                    rows.append(.term(entry))
                } else {
                    let (locals, counts) = searcher.leafMatches(phrase, reader, snapshot.deleted[s])
                    live[i] += locals.count
                    rows.append(locals.isEmpty ? .absent : .matched(locals: locals, counts: counts))
                }
            }
        }
        self.rows = rows
        self.live = live
    }

    /// Whether leaf `i` matches nothing in segment `s`.
    func isAbsent(_ s: Int, _ i: Int) -> Bool {
        if case .absent = rows[s * m + i] { return true }
        return false
    }

    /// A cursor over leaf `i` in segment `s` (`reader`), with block bounds, for a scorer.
    /// How many passages leaf `i` has in segment `s` (deleted ones too).
    func postings(_ s: Int, _ i: Int) -> Int {
        switch rows[s * m + i] {
        case .absent: 0
        case .term(let entry): entry.documentFrequency
        case .matched(let locals, _): locals.count
        }
    }

    /// Sets the bit of each passage leaf `i` holds in segment `s` (`reader`)
    /// in `bits` (a word per 64 passages; deleted passages too): a word's
    /// postings block by block, without a step per posting through a cursor.
    func mark(_ s: Int, _ i: Int, _ reader: SegmentReader, into bits: inout [UInt64]) {
        switch rows[s * m + i] {
        case .absent: return
        case .term(let entry):
            let cursor = reader.cursor(entry)
            for b in 0..<cursor.blockCount {
                cursor.loadBlock(b)
                for d in cursor.blockPostingsView().docs { bits[Int(d >> 6)] |= UInt64(1) << UInt64(d & 63) }
            }
        case .matched(let locals, _):
            for d in locals { bits[Int(d >> 6)] |= UInt64(1) << UInt64(d & 63) }
        }
    }

    /// Leaf `i`'s documents in segment `s` (`reader`), with its instances
    /// and passages in each (``DocumentTally``; empty when absent): a word's
    /// from its document list or postings, a phrase's or a prefix's matches
    /// grouped by document.
    func documents(_ s: Int, _ i: Int, _ reader: SegmentReader, into tally: inout DocumentTally) {
        switch rows[s * m + i] {
        case .absent: tally.removeAll()
        case .term(let entry): reader.documents(entry, into: &tally)
        case .matched(let locals, let counts):
            let owners = reader.documents
            tally.group(capacity: locals.count) { add in
                for k in locals.indices {
                    add(Int32(truncatingIfNeeded: UInt32(littleEndian: owners[Int(locals[k])])), Int32(truncatingIfNeeded: counts[k]))
                }
            }
        }
    }

    func cursor(_ s: Int, _ i: Int, _ reader: SegmentReader) -> PostingCursor? {
        switch rows[s * m + i] {
        case .absent: nil
        case .term(let entry): reader.cursor(entry)
        case .matched(let locals, let counts): PostingCursor(reader: reader, docs: locals, tfs: counts)
        }
    }
}

/// One leaf's postings in one segment, walked forward: a plain term's
/// through its cursor, a matched prefix's or phrase's from memory (no
/// block bounds are computed for them, as a scorer's cursor would).
/// Walks are kept in buffers of the caller and moved in place, so that a
/// step retains nothing.
struct LeafWalker {
    /// The leaf's place in the query (its phrase's BM25 weight).
    let leaf: Int
    /// The cursor, held for as long as the walk (never used in a step).
    private let owner: PostingCursor?
    /// The same cursor, called without a retain and a release per step
    /// (they were a fifth of counting `table NOT figure` at 251k passages).
    private let cursor: Unmanaged<PostingCursor>?
    private let locals: [UInt32]
    private let counts: [UInt32]
    private var at = 0
    /// The passage it stands on (``PostingCursor/end`` past the last).
    private(set) var doc: Int

    init(leaf: Int, cursor: PostingCursor) {
        self.leaf = leaf
        owner = cursor
        self.cursor = Unmanaged.passUnretained(cursor)
        locals = []
        counts = []
        doc = cursor.doc
    }

    init(leaf: Int, locals: [UInt32], counts: [UInt32]) {
        self.leaf = leaf
        owner = nil
        cursor = nil
        self.locals = locals
        self.counts = counts
        doc = locals.isEmpty ? PostingCursor.end : Int(locals[0])
    }

    /// The frequency in the passage it stands on.
    var tf: Int {
        if let cursor { return cursor._withUnsafeGuaranteedRef { $0.tf } }
        return Int(counts[at])
    }

    /// Moves to the next posting.
    mutating func next() {
        if let cursor {
            doc = cursor._withUnsafeGuaranteedRef { cursor in
                cursor.next()
                return cursor.doc
            }
            return
        }
        at += 1
        doc = at < locals.count ? Int(locals[at]) : PostingCursor.end
    }

    /// Moves to the first posting at or after `target` (never backwards).
    mutating func seek(_ target: Int) {
        guard doc < target else { return }
        if let cursor {
            doc = cursor._withUnsafeGuaranteedRef { cursor in
                cursor.seek(target)
                return cursor.doc
            }
            return
        }
        var lo = at, hi = locals.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if Int(locals[mid]) < target { lo = mid + 1 } else { hi = mid }
        }
        at = lo
        doc = at < locals.count ? Int(locals[at]) : PostingCursor.end
    }
}

extension QueryLeaves {
    /// Calls `body` with a walk over each leaf present in segment `s`
    /// (`reader`), in query order, in a buffer of the call (empty when none
    /// is, or, with `all`, when any leaf is absent).
    func withWalkers<R>(_ s: Int, _ reader: SegmentReader, all: Bool, _ body: (UnsafeMutableBufferPointer<LeafWalker>) -> R) -> R {
        withUnsafeTemporaryAllocation(of: LeafWalker.self, capacity: m) { buffer in
            var n = 0
            for i in 0..<m {
                switch rows[s * m + i] {
                case .absent: continue
                case .term(let entry): (buffer.baseAddress! + n).initialize(to: LeafWalker(leaf: i, cursor: reader.cursor(entry)))
                case .matched(let locals, let counts): (buffer.baseAddress! + n).initialize(to: LeafWalker(leaf: i, locals: locals, counts: counts))
                }
                n += 1
            }
            defer { buffer.baseAddress!.deinitialize(count: n) }
            return body(UnsafeMutableBufferPointer(rebasing: buffer[0..<(all && n < m ? 0 : n)]))
        }
    }
}

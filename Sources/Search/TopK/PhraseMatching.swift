import Index

extension Searcher {
    /// The live passages of a segment where `phrase` stands, ascending, with
    /// the number of places it stands in each.
    func phraseMatches(_ phrase: Phrase, _ reader: SegmentReader, _ deleted: Deletions) -> (locals: [UInt32], counts: [UInt32]) {
        if !phrase.terms.allSatisfy(isPlain) { return prefixPhraseMatches(phrase, reader, deleted) }
        return plainPhraseMatches(phrase, reader, deleted)
    }

    /// A phrase of plain terms: the passages holding all its terms are found
    /// by leapfrogging their cursors, and only their positions are decoded.
    func plainPhraseMatches(_ phrase: Phrase, _ reader: SegmentReader, _ deleted: Deletions) -> (locals: [UInt32], counts: [UInt32]) {
        var locals: [UInt32] = [], counts: [UInt32] = []
        let n = phrase.terms.count
        let entries = phrase.terms.map { reader.single($0) }
        guard entries.allSatisfy({ $0 != nil }) else { return ([], []) }
        let cursors = entries.map { reader.cursor($0!) }
        // A cursor whose passages the other words nearly all hold will have
        // most of its positions read: decode them a block at a time.
        for (i, cursor) in cursors.enumerated() {
            var share = 1.0
            for (j, entry) in entries.enumerated() where j != i { share *= Double(entry!.documentFrequency) / Double(max(reader.count, 1)) }
            cursor.readsMostPositions = share > 0.5
        }
        func found(_ local: Int, _ count: Int) {
            guard count > 0 else { return }
            locals.append(UInt32(local))
            counts.append(UInt32(count))
        }
        if n == 2 {
            // The common case, without an array of lists.
            let (a, b) = (cursors[0], cursors[1])
            intersect(cursors) { local in
                guard !deleted.contains(local) else { return }
                found(local, Self.phraseCount(a.currentPositions(), b.currentPositions(), first: phrase.first))
            }
            return (locals, counts)
        }
        var lists = [UnsafeBufferPointer<UInt32>](repeating: UnsafeBufferPointer(start: nil, count: 0), count: n)
        var indexes = [Int](repeating: 0, count: n)
        intersect(cursors) { local in
            guard !deleted.contains(local) else { return }
            for j in 0..<n { lists[j] = cursors[j].currentPositions() }
            found(local, Self.phraseCount(lists, &indexes, first: phrase.first))
        }
        return (locals, counts)
    }

    /// ``phraseCount(_:_:first:)`` for two lists: starts where `a` stands and
    /// `b` stands next (FTS5's walk, advancing both after a match).
    @inline(__always)
    static func phraseCount(_ a: UnsafeBufferPointer<UInt32>, _ b: UnsafeBufferPointer<UInt32>, first: Bool) -> Int {
        guard !a.isEmpty, !b.isEmpty else { return 0 }
        var i = 0, j = 0, out = 0
        while true {
            var position = Int(a[i])
            var matched: Bool
            repeat {
                matched = true
                if Int(a[i]) != position {
                    matched = false
                    while Int(a[i]) < position {
                        i += 1
                        if i >= a.count { return out }
                    }
                    if Int(a[i]) > position { position = Int(a[i]) }
                }
                if Int(b[j]) != position + 1 {
                    matched = false
                    while Int(b[j]) < position + 1 {
                        j += 1
                        if j >= b.count { return out }
                    }
                    if Int(b[j]) > position + 1 { position = Int(b[j]) - 1 }
                }
            } while !matched
            if !first || position == 0 { out += 1 }
            i += 1
            j += 1
            if i >= a.count || j >= b.count { return out }
        }
    }

    /// fts5ExprPhraseIsMatch over position lists, counting the starts where
    /// term j stands at start + j (see ``phraseWalk(_:_:first:_:)``).
    static func phraseCount(_ lists: [UnsafeBufferPointer<UInt32>], _ indexes: inout [Int], first: Bool) -> Int {
        var out = 0
        lists.withUnsafeBufferPointer { lists in
            indexes.withUnsafeMutableBufferPointer { at in phraseWalk(lists, at, first: first) { _ in out += 1 } }
        }
        return out
    }
}

/// FTS5's phrase match (fts5ExprPhraseIsMatch) over ascending position
/// lists, one per term: calls `body` with each start where list t holds
/// start + t for every t (with `first`, only a start of 0), advancing every
/// list past each match, as FTS5 does. `at` is scratch, one per list. The
/// exhaustive evaluator (Int64 lists) and top-k (UInt32 views of decoded
/// blocks) both walk with it; two lists have their own walk,
/// `Searcher.phraseCount(_:_:first:)`.
@inline(__always)
func phraseWalk<T: BinaryInteger>(_ lists: UnsafeBufferPointer<UnsafeBufferPointer<T>>, _ at: UnsafeMutableBufferPointer<Int>,
                                  first: Bool, _ body: (Int) -> Void) {
    let n = lists.count
    for t in 0..<n {
        guard !lists[t].isEmpty else { return }
        at[t] = 0
    }
    outer: while true {
        var position = Int(lists[0][at[0]])
        var matched: Bool
        repeat {
            matched = true
            for t in 0..<n {
                let adjusted = position + t
                let list = lists[t]
                if Int(list[at[t]]) != adjusted {
                    matched = false
                    while Int(list[at[t]]) < adjusted {
                        at[t] += 1
                        if at[t] >= list.count { break outer }
                    }
                    if Int(list[at[t]]) > adjusted { position = Int(list[at[t]]) - t }
                }
            }
        } while !matched
        if !first || position == 0 { body(position) }
        for t in 0..<n {
            at[t] += 1
            if at[t] >= lists[t].count { break outer }
        }
    }
}

import Index

extension Searcher {
    /// Per segment, the cursor for one leaf of a query of terms joined by OR
    /// or by AND, and the live passages it matches (its part of BM25's n(q)):
    /// a plain term walks its own postings; a prefix or a phrase is matched
    /// first, into a list built in memory with its frequencies.
    func leafCursor(_ phrase: Phrase, _ reader: SegmentReader, _ deleted: Deletions) -> (cursor: PostingCursor, live: Int)? {
        let term = phrase.terms[0]
        if phrase.terms.count == 1, !phrase.first, !term.prefix {
            guard let entry = reader.lookup(term.text) else { return nil }
            return (reader.cursor(entry), reader.liveDocumentFrequency(entry, deleted: deleted))
        }
        let (docs, tfs) = phrase.terms.count == 1 && !phrase.first ? prefixMatches(term, reader, deleted) : phraseMatches(phrase, reader, deleted)
        guard !docs.isEmpty else { return nil }
        return (PostingCursor(reader: reader, docs: docs, tfs: tfs), docs.count)
    }

    /// A prefix: the live passages holding any term it begins, ascending,
    /// with the sum of their frequencies.
    func prefixMatches(_ term: QueryTerm, _ reader: SegmentReader, _ deleted: Deletions) -> (locals: [UInt32], counts: [UInt32]) {
        let entries = reader.lookup(prefix: Array(term.text.utf8))
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

    /// A phrase with prefix terms: the rows holding every term (any of a
    /// prefix's expansions) are found from frequencies; only those rows'
    /// positions are kept and matched.
    func prefixPhraseMatches(_ phrase: Phrase, _ reader: SegmentReader, _ deleted: Deletions) -> (locals: [UInt32], counts: [UInt32]) {
        let entries = phrase.terms.map { term -> [SegmentReader.TermEntry] in
            let bytes = Array(term.text.utf8)
            return term.prefix ? reader.lookup(prefix: bytes) : reader.lookup(bytes).map { [$0] } ?? []
        }
        guard entries.allSatisfy({ !$0.isEmpty }) else { return ([], []) }
        // Rows holding every term, rarest term first.
        let order = entries.indices.sorted { entries[$0].reduce(0) { $0 + $1.documentFrequency } < entries[$1].reduce(0) { $0 + $1.documentFrequency } }
        var candidates: Set<Int>?
        for j in order {
            var rows = Set<Int>()
            for entry in entries[j] {
                reader.forEachFrequency(entry) { local, _ in
                    if !deleted.contains(local), candidates?.contains(local) ?? true { rows.insert(local) }
                }
            }
            candidates = rows
            if rows.isEmpty { return ([], []) }
        }
        guard let rows = candidates else { return ([], []) }
        // Positions of each term in those rows only.
        var positions = [[Int: [Int64]]](repeating: [:], count: entries.count)
        for j in entries.indices {
            for entry in entries[j] {
                reader.forEachPosting(entry) { local, list in
                    guard rows.contains(local) else { return }
                    positions[j][local, default: []].append(contentsOf: list.map { Int64($0) })
                }
            }
            if entries[j].count > 1 { for key in positions[j].keys { positions[j][key]!.sort() } }
        }
        var locals: [UInt32] = [], counts: [UInt32] = []
        for local in rows.sorted() {
            let starts = Execution.phraseStarts(positions.map { $0[local] ?? [] }, first: phrase.first)
            if !starts.isEmpty {
                locals.append(UInt32(local))
                counts.append(UInt32(starts.count))
            }
        }
        return (locals, counts)
    }
}

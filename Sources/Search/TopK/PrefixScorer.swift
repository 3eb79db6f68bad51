import Index

extension Searcher {
    /// Terms OR'ed or AND'ed where some are prefixes: a prefix's frequency in
    /// a passage is the sum over the terms it expands to, so each phrase's
    /// frequencies are gathered per segment into a dense array first; the
    /// phrase's BM25 weight is the number of live passages where it is
    /// non-zero.
    func prefixTermsTop(_ phrases: [Phrase], and: Bool, k: Int) -> SearchResult {
        let n = phrases.count
        var hits = [Int](repeating: 0, count: n)
        // Per segment, per phrase: frequency by local number (nil when absent).
        var frequencies: [[[UInt32]?]] = []
        for (s, reader) in snapshot.segments.enumerated() {
            let deleted = snapshot.deleted[s]
            var row: [[UInt32]?] = []
            for (i, phrase) in phrases.enumerated() {
                let term = phrase.terms[0]
                let bytes = Array(term.text.utf8)
                let entries = term.prefix ? reader.lookup(prefix: bytes) : reader.lookup(bytes).map { [$0] } ?? []
                guard !entries.isEmpty else {
                    row.append(nil)
                    continue
                }
                var f = [UInt32](repeating: 0, count: reader.count)
                for entry in entries {
                    reader.forEachFrequency(entry) { local, tf in
                        guard !deleted.contains(local) else { return }
                        if f[local] == 0 { hits[i] += 1 }
                        f[local] += UInt32(tf)
                    }
                }
                row.append(f)
            }
            frequencies.append(row)
        }
        let scorer = BM25(rows: snapshot.passageCount, tokens: snapshot.tokenCount, hits: hits)
        var heap = BoundedHeap(capacity: k)
        var total = 0
        for (s, reader) in snapshot.segments.enumerated() {
            let row = frequencies[s]
            if and && row.contains(where: { $0 == nil }) { continue }
            let present = row.indices.filter { row[$0] != nil }
            guard !present.isEmpty else { continue }
            for local in 0..<reader.count {
                var matched = and
                for i in present {
                    let held = row[i]![local] > 0
                    if and { matched = matched && held } else { matched = matched || held }
                }
                guard matched else { continue }
                total += 1
                let length = Double(reader.length(local))
                var sum = 0.0
                for i in present where row[i]![local] > 0 {
                    sum += scorer.contribution(i, f: Double(row[i]![local]), length: length)
                }
                let bm25 = -1.0 * sum
                if heap.admits(bm25) { heap.insert(SearchHit(passageID: reader.passageID(local), bm25: bm25)) }
            }
        }
        return SearchResult(total: total, hits: heap.sorted())
    }

    /// A lone phrase with prefix terms: the rows holding every term (any of a
    /// prefix's expansions) are found from frequencies; only those rows'
    /// positions are kept and matched.
    func prefixPhraseTop(_ phrase: Phrase, k: Int) -> SearchResult {
        var matches: [PhraseMatch] = []
        for (s, reader) in snapshot.segments.enumerated() {
            let deleted = snapshot.deleted[s]
            let entries = phrase.terms.map { term -> [SegmentReader.TermEntry] in
                let bytes = Array(term.text.utf8)
                return term.prefix ? reader.lookup(prefix: bytes) : reader.lookup(bytes).map { [$0] } ?? []
            }
            guard entries.allSatisfy({ !$0.isEmpty }) else { continue }
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
                if rows.isEmpty { break }
            }
            guard let rows = candidates, !rows.isEmpty else { continue }
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
            for local in rows {
                let starts = Execution.phraseStarts(positions.map { $0[local] ?? [] }, first: phrase.first)
                if !starts.isEmpty { matches.append((reader.passageID(local), starts.count, reader.length(local))) }
            }
        }
        return top(of: matches, k: k)
    }
}

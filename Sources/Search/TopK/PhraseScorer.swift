import Index

extension Searcher {
    /// A lone phrase of plain terms: the passages holding all its terms are
    /// found by leapfrogging their cursors, and only theirs positions are
    /// decoded and matched. The phrase's BM25 weight needs the number of
    /// passages where it stands, so every match is collected before scoring.
    func phraseTop(_ phrase: Phrase, k: Int) -> SearchResult {
        var matches: [PhraseMatch] = []
        var lists = [[UInt32]](repeating: [], count: phrase.terms.count)
        var indexes = [Int](repeating: 0, count: phrase.terms.count)
        for (s, reader) in snapshot.segments.enumerated() {
            let deleted = snapshot.deleted[s]
            let entries = phrase.terms.map { reader.lookup(Array($0.text.utf8)) }
            guard entries.allSatisfy({ $0 != nil }) else { continue }
            let cursors = entries.map { reader.cursor($0!) }
            intersect(cursors) { local in
                guard !deleted.contains(local) else { return }
                for j in cursors.indices { cursors[j].positions(into: &lists[j]) }
                let count = Self.phraseCount(lists, &indexes, first: phrase.first)
                if count > 0 { matches.append((reader.passageID(local), count, reader.length(local))) }
            }
        }
        return top(of: matches, k: k)
    }

    /// fts5ExprPhraseIsMatch over position lists, counting the starts where
    /// term j stands at start + j (the same walk as `Execution.phraseStarts`,
    /// without allocating).
    static func phraseCount(_ lists: [[UInt32]], _ indexes: inout [Int], first: Bool) -> Int {
        guard lists.allSatisfy({ !$0.isEmpty }) else { return 0 }
        for t in indexes.indices { indexes[t] = 0 }
        var out = 0
        outer: while true {
            var position = Int(lists[0][indexes[0]])
            var matched: Bool
            repeat {
                matched = true
                for t in 0..<lists.count {
                    let adjusted = position + t
                    if Int(lists[t][indexes[t]]) != adjusted {
                        matched = false
                        while Int(lists[t][indexes[t]]) < adjusted {
                            indexes[t] += 1
                            if indexes[t] >= lists[t].count { break outer }
                        }
                        if Int(lists[t][indexes[t]]) > adjusted { position = Int(lists[t][indexes[t]]) - t }
                    }
                }
            } while !matched
            if !first || position == 0 { out += 1 }
            for t in 0..<lists.count {
                indexes[t] += 1
                if indexes[t] >= lists[t].count { break outer }
            }
        }
        return out
    }
}

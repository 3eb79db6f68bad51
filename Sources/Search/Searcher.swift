import Index

/// One ranked passage.
public struct SearchHit: Sendable, Equatable {
    /// The passage's id (the catalog's and FTS5's rowid).
    public var passageID: Int64
    /// FTS5's `bm25()` value: negative, lower is better.
    public var bm25: Double
    /// The score shown to users: −bm25, higher is better.
    public var score: Double { -bm25 }
}

/// The answer to a query.
public struct SearchResult: Sendable {
    /// Passages that match, in all; a lower bound when ``totalIsExact`` is false.
    public var total: Int
    /// The requested page of them, best first (bm25 ascending, then passage id).
    public var hits: [SearchHit]
    /// Whether ``total`` counts every match. When the search was asked to
    /// count only up to some number (`top(_:k:countUpTo:)`), a total at or
    /// above it may be a lower bound, as Elasticsearch's `"relation": "gte"`.
    public var totalIsExact: Bool

    /// A result.
    public init(total: Int, hits: [SearchHit], totalIsExact: Bool = true) {
        self.total = total
        self.hits = hits
        self.totalIsExact = totalIsExact
    }
}

/// Runs queries against one snapshot of the index.
///
/// Matching follows FTS5's semantics: a phrase matches where its terms stand
/// at consecutive positions (a prefix term matches every term it begins);
/// `^` requires position 0; a NEAR group requires its phrases within N tokens
/// (FTS5's `fts5ExprNearIsMatch`, ported, which also trims each phrase's
/// instances to those taking part in a match); AND, OR and NOT combine
/// passage sets. A phrase's instances count towards a passage's score only
/// when every node on the way from the root to that phrase matches the
/// passage, which is when FTS5's phrase iterator stands on it.
///
/// ``exhaustiveRank(_:)`` scores every match through that port; its results
/// are the reference that the faster strategies of `top(_:k:)` must
/// reproduce. ``rank(_:)`` gives the same list, through the fast strategies
/// where the query's shape allows.
public struct Searcher: Sendable {
    /// The snapshot searched.
    public let snapshot: IndexSnapshot
    /// Whether `top` may read short lists whole (``shortListTop(_:_:k:)``);
    /// the tests turn it off to check the other strategies on the same queries.
    var readsShortLists = true
    /// The most passages a segment may have for a two-word OR read from
    /// short lists to find their shared passages with a bitset of the
    /// segment's passages rather than by a merge (``ShortListWalk/sharedPassages(_:)``);
    /// the tests lower it to check the merge on the same queries.
    var bitsetPassages = 1 << 16
    /// The snapshot's per-length parts of BM25.
    let lengthTable: BM25.LengthTable

    /// A searcher over `snapshot`.
    public init(snapshot: IndexSnapshot) {
        self.snapshot = snapshot
        lengthTable = BM25.LengthTable(averageLength: Double(snapshot.tokenCount) / Double(snapshot.passageCount))
    }

    /// Every matching passage, ranked (bm25 ascending, then passage id).
    public func rank(_ query: QueryNode) -> [SearchHit] {
        guard snapshot.passageCount > 0, query != .empty else { return [] }
        if hasFastPath(query) { return top(query, k: .max).hits }
        return exhaustiveRank(query)
    }

    /// Every matching passage, ranked by the port of FTS5's iterators, whatever the query.
    public func exhaustiveRank(_ query: QueryNode) -> [SearchHit] {
        guard snapshot.passageCount > 0, query != .empty else { return [] }
        var doclists: [QueryTerm: Execution.Doclist] = [:]
        let execution = Execution(query) { term in
            if let list = doclists[term] { return list }
            let list = doclist(term)
            doclists[term] = list
            return list
        }
        let phrases = execution.phrases.map(\.phrase)
        let counts = phrases.map { phraseHits($0, doclists) }
        let scorer = BM25(rows: snapshot.passageCount, tokens: snapshot.tokenCount, hits: counts)
        var hits: [SearchHit] = []
        var frequencies = [Double](repeating: 0, count: phrases.count)
        execution.run { id, counts in
            for i in counts.indices { frequencies[i] = Double(counts[i]) }
            hits.append(SearchHit(passageID: id, bm25: scorer.bm25(length: snapshot.length(ofPassage: id) ?? 0, frequencies: frequencies)))
        }
        hits.sort { $0.bm25 != $1.bm25 ? $0.bm25 < $1.bm25 : $0.passageID < $1.passageID }
        return hits
    }

    /// The live passages holding `term` (every term it begins, for a prefix; any of its forms), with positions.
    func doclist(_ term: QueryTerm) -> Execution.Doclist {
        var merged: [(Int64, [Int64])] = []
        for (s, reader) in snapshot.segments.enumerated() {
            let deleted = snapshot.deleted[s]
            let entries = reader.entries(term)
            var rows: [Int: [Int64]] = [:]
            for entry in entries {
                reader.forEachPosting(entry) { local, positions in
                    guard !deleted.contains(local) else { return }
                    rows[local, default: []].append(contentsOf: positions.map { Int64($0) })
                }
            }
            for (local, positions) in rows {
                merged.append((reader.passageID(local), entries.count > 1 ? positions.sorted() : positions))
            }
        }
        merged.sort { $0.0 < $1.0 }
        let list = Execution.Doclist()
        list.rows = merged.map(\.0)
        list.positions = merged.map(\.1)
        return list
    }

    /// Rows where `phrase` alone matches: FTS5's xQueryPhrase count, BM25's n(q).
    func phraseHits(_ phrase: Phrase, _ doclists: [QueryTerm: Execution.Doclist]) -> Int {
        // A lone term (or prefix) matches exactly the rows of its doclist.
        if phrase.terms.count == 1, !phrase.first, let list = doclists[phrase.terms[0]] { return list.rows.count }
        let single = Execution(.nearset(.one(Phrase(index: 0, terms: phrase.terms, first: phrase.first)), distance: nil)) { doclists[$0] ?? doclist($0) }
        var count = 0
        single.run { _, _ in count += 1 }
        return count
    }

    /// FTS5's NEAR test (fts5ExprNearIsMatch): the instances of each phrase
    /// that take part in a match, or nil when there is none.
    static func nearMatch(_ lists: [[Int64]], lengths: [Int64], distance: Int64) -> [[Int64]]? {
        let eof: Int64 = 1 << 62
        struct Reader {
            var list: [Int64]
            var index = 0
            var position: Int64
            var lookahead: Int64
        }
        var readers = lists.map { list in
            Reader(list: list, index: 0, position: list.first ?? eof, lookahead: list.count > 1 ? list[1] : eof)
        }
        func advance(_ r: inout Reader) -> Bool {
            r.position = r.lookahead
            r.index += 1
            r.lookahead = r.index + 1 < r.list.count ? r.list[r.index + 1] : eof
            return r.position == eof
        }
        var out = [[Int64]](repeating: [], count: lists.count)
        loop: while true {
            var iMax = readers[0].position
            var matched: Bool
            repeat {
                matched = true
                for i in readers.indices {
                    let iMin = iMax - lengths[i] - distance
                    if readers[i].position < iMin || readers[i].position > iMax {
                        matched = false
                        while readers[i].position < iMin {
                            if advance(&readers[i]) { break loop }
                        }
                        if readers[i].position > iMax { iMax = readers[i].position }
                    }
                }
            } while !matched
            for i in readers.indices where out[i].isEmpty || out[i].last! != readers[i].position {
                out[i].append(readers[i].position)
            }
            var iAdv = 0
            var iMin = readers[0].lookahead
            for i in readers.indices where readers[i].lookahead < iMin {
                iMin = readers[i].lookahead
                iAdv = i
            }
            if advance(&readers[iAdv]) { break loop }
        }
        return out[0].isEmpty ? nil : out
    }
}

extension Searcher {
    /// `node` with each word's forms cut to those the index holds (see
    /// ``QueryTerm``): a word whose other forms no segment has is one term
    /// again, and goes the fast paths of a single term. The results are the
    /// same: a form no passage holds adds no passage and no frequency.
    public func pruned(_ node: QueryNode) -> QueryNode {
        switch node {
        case .empty: return .empty
        case .nearset(let phrases, let distance):
            return .nearset(Few(phrases.map { phrase in
                var phrase = phrase
                phrase.terms = Few(phrase.terms.map(pruned))
                return phrase
            }), distance: distance)
        case .and(let l, let r): return .and(pruned(l), pruned(r))
        case .or(let l, let r): return .or(pruned(l), pruned(r))
        case .not(let l, let r): return .not(pruned(l), pruned(r))
        }
    }

    /// `term` with its forms cut to those the index holds.
    public func pruned(_ term: QueryTerm) -> QueryTerm {
        guard !term.alternatives.isEmpty else { return term }
        // Each form's bytes made once, asked of each segment without making
        // entries (a segment of another language answers at once): this was
        // a fifth of a rare word's flat search in a library of seven languages.
        let held = term.forms.filter { form in
            Array(form.utf8).withUnsafeBufferPointer { key in
                snapshot.segments.contains { $0.holds(key, prefix: term.prefix) }
            }
        }
        guard let first = held.first else { return QueryTerm(term.text, prefix: term.prefix, stop: term.stop) }
        return QueryTerm(first, prefix: term.prefix, alternatives: Array(held.dropFirst()), stop: term.stop)
    }
}

/// # Collapsing by document
///
/// A grouped search shows documents in the order of their best passage,
/// each with its best few passages (Lucene's grouping, Elasticsearch's
/// `collapse`). Ranking every match to group them costs what top-k saves:
/// a common word scored 58,000 passages to show ten documents.
///
/// Instead, the best K passages are asked of top-k, K growing fourfold
/// until they settle the answer. The top-K prefix of the ranking settles
/// it when, walking its documents in order of first appearance, enough
/// passages are found (`entries`: the page's end) from documents that each
/// show all they can: `perGroup` passages, or every match they have. Any
/// passage past the prefix scores no better than the prefix's last one, so
/// a document first met in the prefix is in its right place, and its
/// passages in the prefix are its best.
///
/// How many matches a document has is counted, when the prefix alone does
/// not settle the page, by one pass over the query's matching passages
/// without scoring them (``Searcher/matchesPerDocument(_:_:)``: each leaf's
/// live passages per segment, OR'ed or AND'ed, each passage's document
/// read from the segment): a document with one match in all is complete
/// with that one. Without the count (a grouping other than by document, a
/// query of another shape), only the full ranking proves it; K grows
/// until top-k ranks every match. Either way the result is the full
/// ranking's, hit for hit.
extension Searcher {
    /// The answer to a collapsed search.
    public struct Collapsed: Sendable {
        /// Groups in the order of their best passage, each with its best
        /// passages (at most `perGroup`), as many groups as the page needs.
        public var groups: [(group: Int, hits: [SearchHit])]
        /// Passages that match, in all.
        public var total: Int
        /// The passages ranked to settle it (for the bench and the tests).
        public var ranked: Int
    }

    /// The first groups of `query`'s ranking collapsed by `group` (a
    /// passage's group; nil leaves it out): enough that their passages,
    /// at most `perGroup` each, number `entries`, or every group.
    public func collapse(_ query: QueryNode, perGroup: Int, entries: Int, group: (Int64) -> Int?) -> Collapsed {
        guard termShape(query) != nil else { return Self.complete(rank(query), perGroup: perGroup, group: group) }
        return Self.collapse(perGroup: perGroup, entries: entries, group: group, counts: { nil }) { top(query, k: $0) }
    }

    /// ``collapse(_:perGroup:entries:group:)`` by document, the default
    /// search's grouping: a document's matches are counted when the prefix
    /// leaves it in doubt.
    public func collapseByDocument(_ query: QueryNode, perGroup: Int, entries: Int) -> Collapsed {
        let document = { (id: Int64) in snapshot.document(ofPassage: id) }
        guard let (phrases, connective) = termShape(query) else {
            return Self.complete(rank(query), perGroup: perGroup, group: document)
        }
        return Self.collapse(perGroup: perGroup, entries: entries, group: document,
                             counts: { matchesPerDocument(phrases, connective) }) { top(query, k: $0) }
    }

    /// ``collapseByDocument(_:perGroup:entries:)`` of a flat query.
    public func collapseByDocument(_ query: FlatQuery, perGroup: Int, entries: Int) -> Collapsed {
        Self.collapse(perGroup: perGroup, entries: entries, group: { snapshot.document(ofPassage: $0) },
                      counts: { matchesPerDocument(query.phrases, query.connective) }) { top(query, k: $0) }
    }

    /// Every group of a complete ranking.
    static func complete(_ ranked: [SearchHit], perGroup: Int, group: (Int64) -> Int?) -> Collapsed {
        Collapsed(groups: collapse(ranked, perGroup: perGroup, group: group), total: ranked.count, ranked: ranked.count)
    }

    /// Asks `top` for more of the ranking until it settles the page;
    /// `counts` (asked once, when the prefix leaves a group in doubt) gives
    /// each group's number of matches, or nil.
    static func collapse(perGroup: Int, entries: Int, group: (Int64) -> Int?, counts: () -> [Int: Int]?,
                         top: (Int) -> SearchResult) -> Collapsed {
        var k = max(16, entries * 2)
        var known: [Int: Int]??
        while true {
            let top = top(k)
            let complete = top.hits.count >= top.total
            if let groups = settle(top.hits, complete: complete, perGroup: perGroup, entries: entries, group: group, counts: known ?? nil) {
                return Collapsed(groups: groups, total: top.total, ranked: top.hits.count)
            }
            if known == nil {
                known = .some(counts())
                if case .some(.some) = known { continue }
            }
            k = k >= top.total / 4 ? top.total : k * 4
        }
    }

    /// Live passages matching `phrases` joined by `connective`, counted
    /// per document: one pass over each leaf's matches, nothing scored.
    func matchesPerDocument(_ phrases: [Phrase], _ connective: Connective) -> [Int: Int] {
        var counts: [Int: Int] = [:]
        for (s, reader) in snapshot.segments.enumerated() {
            let deleted = snapshot.deleted[s]
            // How many leaves hold each passage (an OR needs one, an AND all).
            var held = [UInt16](repeating: 0, count: reader.count)
            for phrase in phrases {
                for local in leafMatches(phrase, reader, deleted).locals { held[Int(local)] &+= 1 }
            }
            let needed = connective == .and ? UInt16(phrases.count) : 1
            for local in 0..<reader.count where held[local] >= needed {
                counts[reader.document(local), default: 0] += 1
            }
        }
        return counts
    }

    /// Every group of a full ranking, in the order of its best passage,
    /// with its best passages (at most `perGroup`).
    public static func collapse(_ ranked: [SearchHit], perGroup: Int, group: (Int64) -> Int?) -> [(group: Int, hits: [SearchHit])] {
        settle(ranked, complete: true, perGroup: perGroup, entries: .max, group: group, counts: nil)!
    }

    /// The groups of `hits` (a prefix of the ranking) in order, if the
    /// prefix settles the first `entries` passages of the collapsed list.
    static func settle(_ hits: [SearchHit], complete: Bool, perGroup: Int, entries: Int,
                       group: (Int64) -> Int?, counts: [Int: Int]?) -> [(group: Int, hits: [SearchHit])]? {
        var order: [Int] = []
        var members: [Int: [SearchHit]] = [:]
        for hit in hits {
            guard let key = group(hit.passageID) else { continue }
            if members[key] == nil { order.append(key) }
            if members[key, default: []].count < perGroup { members[key, default: []].append(hit) }
        }
        if complete { return order.map { ($0, members[$0]!) } }
        var shown = 0
        var groups: [(group: Int, hits: [SearchHit])] = []
        for key in order {
            guard shown < entries else { break }
            let kept = members[key]!
            // A group with fewer than perGroup passages here may have more
            // past the prefix, unless it has no more matches than that.
            guard kept.count == perGroup || kept.count == counts?[key] else { return nil }
            groups.append((key, kept))
            shown += kept.count
        }
        return shown >= entries ? groups : nil
    }
}

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
/// show all they can: `perGroup` passages, or every match they have. The
/// first is read off the prefix; the second is known only when the prefix
/// holds every match (K ≥ total). Any passage past the prefix scores no
/// better than the prefix's last one, so a document first met in the
/// prefix is in its right place, and its passages in the prefix are its
/// best. When the prefix cannot settle it, K grows, until top-k ranks
/// every match: the result is always the full ranking's, hit for hit.
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
        Self.collapse(perGroup: perGroup, entries: entries, group: group) { top(query, k: $0) }
    }

    /// ``collapse(_:perGroup:entries:group:)`` of a flat query.
    public func collapse(_ query: FlatQuery, perGroup: Int, entries: Int, group: (Int64) -> Int?) -> Collapsed {
        Self.collapse(perGroup: perGroup, entries: entries, group: group) { top(query, k: $0) }
    }

    /// Asks `top` for more of the ranking until it settles the page.
    static func collapse(perGroup: Int, entries: Int, group: (Int64) -> Int?, top: (Int) -> SearchResult) -> Collapsed {
        var k = max(64, entries * 4)
        while true {
            let top = top(k)
            let complete = top.hits.count >= top.total
            if let groups = Self.settle(top.hits, complete: complete, perGroup: perGroup, entries: entries, group: group) {
                return Collapsed(groups: groups, total: top.total, ranked: top.hits.count)
            }
            k = k >= top.total / 4 ? top.total : k * 4
        }
    }

    /// Every group of a full ranking, in the order of its best passage,
    /// with its best passages (at most `perGroup`).
    public static func collapse(_ ranked: [SearchHit], perGroup: Int, group: (Int64) -> Int?) -> [(group: Int, hits: [SearchHit])] {
        settle(ranked, complete: true, perGroup: perGroup, entries: .max, group: group)!
    }

    /// The groups of `hits` (a prefix of the ranking) in order, if the
    /// prefix settles the first `entries` passages of the collapsed list.
    static func settle(_ hits: [SearchHit], complete: Bool, perGroup: Int, entries: Int,
                       group: (Int64) -> Int?) -> [(group: Int, hits: [SearchHit])]? {
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
            // A group with fewer than perGroup passages here may have more past the prefix.
            guard kept.count == perGroup else { return nil }
            groups.append((key, kept))
            shown += kept.count
        }
        return shown >= entries ? groups : nil
    }
}

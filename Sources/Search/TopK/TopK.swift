import Index

/// # Top-k retrieval
///
/// ``Searcher/exhaustiveRank(_:)`` scores every match through the port of
/// FTS5's iterators; it is the reference. `top(_:k:countUpTo:)` returns the
/// same first k hits, the same doubles in the same order, and the same total
/// (unless asked to count only up to a number), faster, for the
/// query shapes whose BM25 does not depend on how FTS5's iterators were
/// advanced: one term, prefix or phrase, and terms, prefixes and phrases
/// OR'ed or AND'ed (every instance of every phrase a matching row holds
/// counts), such a query NOT words (`Collector/Excluding.swift`), and a
/// NEAR of words (`Near.swift`). Other shapes — NEAR of phrases or
/// prefixes, NOT of anything else, AND and OR nested in each other — are
/// ranked in full.
///
/// - **Short lists** (``Searcher/shortListTop(_:_:k:)``): terms whose
///   lists are short enough, the usual case of the words a user types (and,
///   for an OR, lists of tens of thousands of postings), are decoded whole
///   and merged once, every match counted and tested against the k-th best
///   score before it is scored, without cursors or windows.
/// - **Terms** (``TermScorer``) walk block-compressed postings with
///   cursors. A block's upper bound (the term's contribution maximized over
///   the block's (tf, length) frontier) bounds every passage in it. Each
///   segment is cut into windows at every block end; windows are scored
///   best bound first until one cannot reach the k-th best score, with
///   MaxScore inside an OR window and, for a lone term, a test against the
///   threshold before any division (``BM25/Cutoff``). A lone term's count is its document frequency;
///   an OR's windows left unscored are counted, up to `countUpTo`.
/// - **AND** leapfrogs from the rarest term, seeking the others through the
///   skip tables, with the same block bounds.
/// - **A phrase** is an AND of its terms whose positions are decoded only
///   for the passages holding all of them. Its BM25 weight needs the number
///   of passages where it stands, so every candidate is matched; a lone
///   phrase is then scored from its matches.
/// - **Wide ORs**, of more than ``Searcher/wideLeaves`` leaves, add each
///   leaf's contributions into a score per passage (``Searcher/wideUnion(_:k:)``),
///   in memory that grows with the sum of leaves and passages, not their product.
/// - **Prefixes** merge the frequencies of the terms they expand to. Phrases
///   and prefixes inside an OR or an AND become lists in memory, cut into
///   blocks with frontiers like postings on disk, and are scored by the
///   same strategies as terms.
///
/// Which file holds which path, in the order `top(of:_:k:countUpTo:)`
/// tries them:
///
/// | file | path | serves | why it exists |
/// |---|---|---|---|
/// | `WideUnion.swift` | per-passage sums | an OR of more than 16 leaves | memory of the sum of leaves and passages, where windows need their product |
/// | `ShortLists.swift`, `Candidates.swift` | short lists | up to 16 plain terms, OR or AND, lists short enough | the words people type: no cursor or window to set up; measured faster up to lists of tens of thousands |
/// | `TermScorer.swift` | block-max windows, MaxScore; leapfrog AND | terms, prefixes, phrases, OR or AND, long lists | top-k without scoring every match |
/// | `Leaves.swift`, `PhraseMatching.swift` | leaves in memory | prefixes and phrases inside the above | one cursor type for every leaf |
/// | `Near.swift` | NEAR of words | `NEAR(a b …, N)`, plain words | leapfrog over the words' postings, positions decoded only where all stand, FTS5's NEAR test; the matches become AND'ed leaves in memory |
/// | `../Collector/Excluding.swift` | NOT of words | `a NOT b`, `b` words OR'ed | the left side's scorer, its collector wrapped to leave out the passages `b` holds |
/// | `Collapse.swift`, `../Collector/` | results by document, by best passage | `--same-passage`, NEAR, an OR with a NOT: a page of documents, their best passages | the same scorers feeding ``TopDocuments`` (threshold: the k-th best document), then only the page's documents read for their passages; totals from the dictionary or counted up to a bound |
/// | `../Collector/WholeDocuments.swift` | a word or an AND by document | the default search of a word, phrase or prefix, or of them AND'ed | documents holding each word somewhere, ranked by the whole document's BM25: the words' document lists intersected (no passage read but the page's and those counted up to the bound); with a NOT or the words' phrase, a leapfrog by document, only documents holding every word read |
/// | `../Collector/Rescoring.swift` | an OR by document | the default search of words OR'ed | every document ranked by its whole BM25 from the words' document lists, the first 20 again with term-pair proximity; with a NOT, the page by document above, its first 20 ranked again |
///
/// The scorers hand what they score to a collector (`Collector/Collector.swift`
/// lists them): the flat search's ``BoundedHeap`` of the best k passages, or
/// ``TopDocuments`` for results by document; each tells the scorer the score
/// a match must reach. The short lists, the windows, leapfrog AND and a
/// lone phrase's matches are generic over it, so one loop per shape serves
/// both (the short lists' ``Candidates`` paths rank passages, and serve the
/// flat search alone). The division-free cutoff is in `Scoring/` beside BM25.
///
/// Every comparison against a bound keeps a relative margin of 1e-9, far
/// above the rounding of a sum of a few doubles, so no hit that belongs in
/// the top k is ever pruned (ties on the k-th score go to the lower passage
/// id, as in `rank`).
extension Searcher {
    /// The best `k` hits and the number of matches.
    ///
    /// The total is exact when fewer than `countUpTo` passages match;
    /// otherwise it may be a lower bound, at least `countUpTo`
    /// (``SearchResult/totalIsExact`` says which). Counting every match
    /// means visiting every one, which top-k otherwise avoids: a caller that
    /// shows "1,000+ results" passes 1000, one that needs no count passes 0.
    public func top(_ query: QueryNode, k: Int, countUpTo: Int = .max) -> SearchResult {
        guard snapshot.passageCount > 0, query != .empty else { return SearchResult(total: 0, hits: []) }
        if let (phrases, connective) = termShape(query) { return top(of: phrases, connective, k: k, countUpTo: countUpTo) }
        if let shape = notShape(query) { return notTop(shape, k: k, countUpTo: countUpTo) }
        if let shape = nearShape(query) { return nearTop(shape, k: k) }
        let ranked = exhaustiveRank(query)
        return SearchResult(total: ranked.count, hits: Array(ranked.prefix(k)))
    }

    /// ``top(_:k:countUpTo:)`` of a flat query: the same result as for its
    /// tree, without building the tree or reading its shape.
    public func top(_ query: FlatQuery, k: Int, countUpTo: Int = .max) -> SearchResult {
        guard snapshot.passageCount > 0 else { return SearchResult(total: 0, hits: []) }
        return top(of: query.phrases, query.connective, k: k, countUpTo: countUpTo)
    }

    /// The best `k` hits of `phrases` OR'ed (or AND'ed): from short lists
    /// when every list is short enough, else by ``TermScorer``.
    func top(of phrases: [Phrase], _ connective: Connective, k: Int, countUpTo: Int) -> SearchResult {
        if connective == .or, phrases.count > Self.wideLeaves { return wideUnion(phrases, k: k) }
        if readsShortLists, let result = shortListTop(phrases, connective, k: k) { return result }
        return TermScorer(searcher: self, phrases: phrases, connective: connective).top(k, countUpTo: countUpTo)
    }

    /// Whether `top` has a strategy of its own for the query's shape.
    func hasFastPath(_ query: QueryNode) -> Bool { termShape(query) != nil || notShape(query) != nil || nearShape(query) != nil }

    /// Runs a query of each shape once and drops the results, so that the
    /// analyzer's tables and the pages of the index are touched before the
    /// first real query. A batch or a server calls it once when it starts;
    /// the cost of a cold process is measured apart, as cold start.
    public func warmUp() {
        for _ in 0..<3 {
            for text in ["the", "zqxj", "the OR of", "the AND of", "\"of the\"", "th*", "\"of the\" a*", "-x y"] {
                if let node = try? QueryParser().parse(FriendlyQuery(text).fts5) { _ = top(node, k: 10) }
            }
        }
    }

    /// The phrases of a query made of phrases (a term is a phrase of one)
    /// joined by OR only or by AND only. For these, FTS5 counts every
    /// instance of every phrase a matching row holds, whatever the order its
    /// iterators were advanced in.
    func termShape(_ node: QueryNode) -> ([Phrase], Connective)? {
        func single(_ n: QueryNode) -> Phrase? {
            guard case .nearset(let phrases, nil) = n, phrases.count == 1, !phrases[0].terms.isEmpty else { return nil }
            return phrases[0]
        }
        if let phrase = single(node) { return ([phrase], .or) }
        /// Appends the phrases of `n` to `out`; false when `n` has another shape.
        func collect(_ n: QueryNode, _ connective: Connective, into out: inout [Phrase]) -> Bool {
            if let phrase = single(n) {
                out.append(phrase)
                return true
            }
            switch (n, connective) {
            case (.or(let l, let r), .or), (.and(let l, let r), .and):
                return collect(l, connective, into: &out) && collect(r, connective, into: &out)
            default: return false
            }
        }
        func flatten(_ n: QueryNode, _ connective: Connective) -> ([Phrase], Connective)? {
            var out: [Phrase] = []
            out.reserveCapacity(4)
            return collect(n, connective, into: &out) ? (out, connective) : nil
        }
        switch node {
        case .or: return flatten(node, .or)
        case .and: return flatten(node, .and)
        default: return nil
        }
    }
}

/// Whether a bound falls short of the k-th best score with room to spare.
@inline(__always)
func prunable(_ bound: Double, below threshold: Double) -> Bool {
    bound + abs(bound) * 1e-9 < threshold
}

/// Calls `body` with each local number all `cursors` hold, ascending,
/// leapfrogging from the rarest term through the skip tables; the cursors
/// stand on that passage during the call.
@inline(__always)
func intersect(_ cursors: [PostingCursor], _ body: (Int) -> Void) {
    let end = PostingCursor.end
    if cursors.count == 2 {
        // Two cursors, held in locals rather than read from the array each step.
        let (lead, other) = cursors[0].documentFrequency <= cursors[1].documentFrequency ? (cursors[0], cursors[1]) : (cursors[1], cursors[0])
        var target = lead.doc
        while target != end {
            other.seek(target)
            if other.doc != target {
                target = other.doc
                if target == end { return }
                lead.seek(target)
                target = lead.doc
                continue
            }
            body(target)
            lead.next()
            target = lead.doc
        }
        return
    }
    let order = cursors.indices.sorted { cursors[$0].documentFrequency < cursors[$1].documentFrequency }
    let lead = cursors[order[0]]
    let others = order.dropFirst().map { cursors[$0] }
    var target = lead.doc
    search: while target != end {
        for c in others {
            c.seek(target)
            if c.doc != target {
                target = c.doc
                if target == end { break search }
                lead.seek(target)
                target = lead.doc
                continue search
            }
        }
        body(target)
        lead.next()
        target = lead.doc
    }
}

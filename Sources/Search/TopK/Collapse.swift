import Index

/// # Results by document
///
/// Results by document show documents, each with its best few passages
/// and the number of its other matches; `--limit` and `--offset` count
/// documents (Lucene's grouping, Elasticsearch's `collapse` with
/// `inner_hits`). The default search ranks a word's, an AND's and an OR's
/// documents as whole documents (`../Collector/WholeDocuments.swift`,
/// `../Collector/Rescoring.swift`); this file ranks them **by their best
/// passage**, for `--same-passage`, a NEAR, an OR with a NOT or of more
/// than ``unionLeaves`` words, and the first ranking of those ORs.
///
/// A page of the documents `offset ..< offset + limit` is made in three steps
/// (``Searcher/collapse(_:_:perDocument:offset:limit:within:countUpTo:)``):
///
/// 1. **The best documents.** The query's scorer — the one the flat search
///    uses for its shape: short lists, block-max windows with MaxScore,
///    leapfrog AND (`TopK.swift`) — feeds a ``TopDocuments`` collector of
///    `offset + limit` documents, whose threshold is the k-th best
///    document's score: a block, a window or a passage that cannot lift a
///    document past it is passed over unscored, as the flat search passes
///    over those that cannot reach its k-th best passage.
/// 2. **Their passages** (`DocumentPassages.swift`). Each of those
///    documents is a run of passages in one segment; its matches there are
///    read and scored, for its count and its best `perDocument` passages.
/// 3. **The totals** (`MatchCount.swift`): passages and documents counted
///    in passage order, exactly up to `countUpTo` documents; past that,
///    lower bounds, and the page says so (``DocumentPage/totalIsExact``).
///
/// Scores are the flat ranking's doubles, so the page is the full
/// ranking's, grouped, hit for hit; the tests check it against the
/// exhaustive ranking grouped (``documentPage(ranked:perDocument:offset:limit:document:)``),
/// which also serves a query of another shape (NEAR, NOT, nested
/// operators) and an OR too wide for the windows.
extension Searcher {
    /// A page of results by document.
    public struct DocumentPage: Sendable {
        /// One document of the page: plain values, so that making a page
        /// retains nothing per document (a slice of the hits per document
        /// did, and cost a tenth of a page of a middle word).
        public struct Document: Sendable, Equatable {
            /// The catalog's document id.
            public var id: Int
            /// Where its best passages, best first (at most `perDocument`),
            /// are in the page's ``DocumentPage/hits`` (``DocumentPage/hits(of:)``).
            public var hits: Range<Int>
            /// How many of its passages match.
            public var matches: Int
            /// Whether a passage of it holds every word (always, unless
            /// the page reads whole documents: `WholeDocuments.swift`);
            /// else its passages shown are each word's best.
            public var together = true
            /// What it is ranked by, when not its best passage's score
            /// (−bm25): the BM25 of the whole document (`WholeDocuments.swift`),
            /// with its words' proximity for an OR's first documents (`Rescoring.swift`).
            public var score: Double?
        }

        /// The page's documents, in the order of their best passage (or
        /// of their ``Document/score`` where it is given).
        public var documents: [Document]
        /// The passages the page shows, document after document.
        public var hits: [SearchHit]
        /// Passages that match, in all.
        public var totalPassages: Int
        /// Documents with a passage that matches.
        public var totalDocuments: Int
        /// Passages the pages before this one show (for numbering results).
        public var passagesBefore: Int
        /// Whether ``totalPassages`` and ``totalDocuments`` count every
        /// match; else they are lower bounds (counting stopped at the
        /// `countUpTo` documents asked for).
        public var totalIsExact = true
        /// Whether ``totalDocuments`` counts every matching document when
        /// ``totalPassages`` does not (an AND by document counts its
        /// documents in full, and their passages up to `countUpTo`); nil:
        /// as ``totalIsExact`` says.
        public var documentsAreExact: Bool?
        /// Whether ``totalDocuments`` is exact.
        public var totalDocumentsIsExact: Bool { documentsAreExact ?? totalIsExact }

        /// A document's best passages, best first.
        public func hits(of document: Document) -> ArraySlice<SearchHit> { hits[document.hits] }
    }

    /// Documents `offset ..< offset + limit` of `query`'s results by
    /// document, each with its best `perDocument` passages; only documents
    /// `within` a set, when one is given (a search's filters). The totals
    /// are exact up to `countUpTo` documents, lower bounds past them.
    ///
    /// With `wholeDocuments`, an AND matches documents that hold each of its
    /// parts anywhere, not only in one passage (`WholeDocuments.swift`),
    /// and an OR's first documents are ranked as documents (`Rescoring.swift`).
    public func documentPage(_ query: QueryNode, perDocument: Int, offset: Int, limit: Int, within: Set<Int>? = nil,
                             countUpTo: Int = .max, wholeDocuments: Bool = false) -> DocumentPage {
        guard snapshot.passageCount > 0, query != .empty else { return Self.documentPage(ranked: [], perDocument: perDocument, offset: offset, limit: limit) { _ in nil } }
        if wholeDocuments,
           let page = wholeDocumentPage(query, perDocument: perDocument, offset: offset, limit: limit, within: within, countUpTo: countUpTo) {
            return page
        }
        if let shape = notShape(query) {
            let excluded = excludedPassages(shape.excluded)
            func page(_ offset: Int, _ limit: Int, _ perDocument: Int, _ leaves: QueryLeaves?) -> DocumentPage {
                collapse(shape.phrases, shape.connective, perDocument: perDocument, offset: offset, limit: limit, within: within,
                         countUpTo: countUpTo, excluding: excluded, lookedUp: leaves)
            }
            guard wholeDocuments, shape.connective == .or else { return page(offset, limit, perDocument, nil) }
            return rescoredPage(shape.phrases, excluding: excluded, perDocument: perDocument, offset: offset, limit: limit, page: page)
        }
        if let shape = nearShape(query) {
            return collapse(shape.words, .and, perDocument: perDocument, offset: offset, limit: limit, within: within, countUpTo: countUpTo,
                            leaves: nearLeaves(shape.words, distance: shape.distance))
        }
        guard let (phrases, connective) = termShape(query) else {
            return Self.documentPage(ranked: rank(query), perDocument: perDocument, offset: offset, limit: limit) { id in
                snapshot.document(ofPassage: id).flatMap { within == nil || within!.contains($0) ? $0 : nil }
            }
        }
        func page(_ offset: Int, _ limit: Int, _ perDocument: Int, _ leaves: QueryLeaves?) -> DocumentPage {
            collapse(phrases, connective, perDocument: perDocument, offset: offset, limit: limit, within: within, countUpTo: countUpTo,
                     lookedUp: leaves)
        }
        guard wholeDocuments, connective == .or else { return page(offset, limit, perDocument, nil) }
        if (2...Self.unionLeaves).contains(phrases.count) {
            return unionDocumentPage(phrases, perDocument: perDocument, offset: offset, limit: limit, within: within, countUpTo: countUpTo)
        }
        return rescoredPage(phrases, excluding: nil, perDocument: perDocument, offset: offset, limit: limit, page: page)
    }

    /// ``documentPage(_:perDocument:offset:limit:within:countUpTo:)`` of a flat query.
    public func documentPage(_ query: FlatQuery, perDocument: Int, offset: Int, limit: Int, countUpTo: Int = .max,
                             wholeDocuments: Bool = false) -> DocumentPage {
        guard snapshot.passageCount > 0 else { return Self.documentPage(ranked: [], perDocument: perDocument, offset: offset, limit: limit) { _ in nil } }
        if wholeDocuments, !query.phrases.isEmpty, query.connective == .and || query.phrases.count == 1 {
            return wholeDocumentPage(query.phrases, perDocument: perDocument, offset: offset, limit: limit, within: nil, excluding: nil,
                                     countUpTo: countUpTo)
        }
        func page(_ offset: Int, _ limit: Int, _ perDocument: Int, _ leaves: QueryLeaves?) -> DocumentPage {
            collapse(query.phrases, query.connective, perDocument: perDocument, offset: offset, limit: limit, within: nil, countUpTo: countUpTo,
                     lookedUp: leaves)
        }
        guard wholeDocuments, query.connective == .or else { return page(offset, limit, perDocument, nil) }
        if (2...Self.unionLeaves).contains(query.phrases.count) {
            return unionDocumentPage(query.phrases, perDocument: perDocument, offset: offset, limit: limit, within: nil, countUpTo: countUpTo)
        }
        return rescoredPage(query.phrases, excluding: nil, perDocument: perDocument, offset: offset, limit: limit, page: page)
    }

    /// Results by document for `phrases` joined by `connective` (see the top of this file).
    func collapse(_ phrases: [Phrase], _ connective: Connective, perDocument: Int, offset: Int, limit: Int,
                  within: Set<Int>?, countUpTo: Int, excluding excluded: ExcludedPassages? = nil,
                  leaves matched: QueryLeaves? = nil, lookedUp: QueryLeaves? = nil) -> DocumentPage {
        let and = connective == .and
        guard and || phrases.count <= Self.wideLeaves else {
            let ranked = top(of: phrases, connective, k: .max, countUpTo: .max).hits
            return Self.documentPage(ranked: ranked, perDocument: perDocument, offset: offset, limit: limit) { id in
                // (A NOT's passages left out here: this path ranks the OR alone.)
                if let excluded, let place = snapshot.place(ofPassage: id), excluded.contains(place.segment, place.local) { return nil }
                return snapshot.document(ofPassage: id).flatMap { within == nil || within!.contains($0) ? $0 : nil }
            }
        }
        // A NEAR's leaves come matched (Near.swift); others are looked up here.
        let leaves = matched ?? lookedUp ?? QueryLeaves(self, phrases)
        if let within, within.count <= Self.fewDocuments {
            return fewDocumentsPage(phrases, connective, leaves, within, perDocument: perDocument, offset: offset, limit: limit, excluding: excluded)
        }
        let (end, overflow) = offset.addingReportingOverflow(limit)
        // 1. The best documents.
        // An AND's scorer meets every match, and so does an OR's read from
        // short lists: the collector counts them as they come, unless the
        // dictionaries already say that an OR's commonest word passes the
        // bound.
        let settled = !and && excluded == nil && within == nil ? orCountFromDictionaries(leaves, upTo: countUpTo) : nil
        var best = settled == nil ? TopDocuments(capacity: overflow ? .max : end, within: within, countingUpTo: snapshot.largestDocument)
            : TopDocuments(capacity: overflow ? .max : end, within: within)
        var metEveryMatch = and
        if matched != nil {
            scoreMatchedAND(phrases, leaves, into: &best)
        } else if let excluded {
            var excluding = Excluding(best, excluded)
            metEveryMatch = score(phrases, connective, leaves, into: &excluding) || and
            best = excluding.inner
        } else {
            metEveryMatch = score(phrases, connective, leaves, into: &best) || and
        }
        let ranked = best.sorted()
        // 2. Their passages: only counted for the documents before the page.
        let bm25 = BM25(rows: snapshot.passageCount, tokens: snapshot.tokenCount, hits: leaves.live)
        // (A page of documents alone, `perDocument` < 0, reads none of their passages.)
        let groups = perDocument < 0 ? [DocumentMatches](repeating: DocumentMatches(matches: 0, hits: []), count: ranked.count)
            : documentMatches(ranked, keep: { $0 < offset ? 0 : perDocument }, leaves, and: and, bm25, excluding: excluded)
        var hits: [SearchHit] = []
        var documents: [DocumentPage.Document] = []
        var before = 0, keptPassages = 0
        for (i, entry) in ranked.enumerated() {
            keptPassages += groups[i].matches
            guard i >= offset else {
                before += min(perDocument, groups[i].matches)
                continue
            }
            documents.append(.init(id: entry.document, hits: hits.count..<(hits.count + groups[i].hits.count), matches: groups[i].matches))
            hits += groups[i].hits
        }
        // 3. The totals: every matching document was kept when fewer than
        // the page's end match; else counted.
        var count = if !best.isFull {
            // Every matching document is on the page or before it: counted
            // from their passages, or, when those were not read, in full.
            perDocument >= 0 ? MatchCount(passages: keptPassages, documents: ranked.count, exact: true)
                : countMatches(leaves, and: and, within: within, upTo: .max, excluding: excluded)
        } else if let settled {
            settled
        } else if metEveryMatch, let counted = best.counted {
            counted.count
        } else {
            countMatches(leaves, and: and, within: within, upTo: countUpTo, excluding: excluded)
        }
        if !count.exact {
            count.documents = max(count.documents, ranked.count)
            count.passages = max(count.passages, keptPassages)
        }
        return DocumentPage(documents: documents, hits: hits, totalPassages: count.passages, totalDocuments: count.documents,
                            passagesBefore: before, totalIsExact: count.exact)
    }

    /// The page of a complete ranking, grouped by `document` (nil leaves a
    /// passage out): documents in the order of their first passage.
    public static func documentPage(ranked: [SearchHit], perDocument: Int, offset: Int, limit: Int,
                                    document: (Int64) -> Int?) -> DocumentPage {
        var order: [Int] = []
        var groups: [Int: (hits: [SearchHit], matches: Int)] = [:]
        var total = 0
        for hit in ranked {
            guard let id = document(hit.passageID) else { continue }
            total += 1
            if groups[id] == nil {
                order.append(id)
                groups[id] = ([], 0)
            }
            groups[id]!.matches += 1
            if groups[id]!.hits.count < perDocument { groups[id]!.hits.append(hit) }
        }
        var shown: [(id: Int, matches: Int, hits: Range<Int>)] = []
        var hits: [SearchHit] = []
        var before = 0
        for (i, id) in order.enumerated() {
            guard i < offset || i - offset < limit else { break }
            let group = groups[id]!
            if i < offset {
                before += group.hits.count
                continue
            }
            shown.append((id, group.matches, hits.count..<(hits.count + group.hits.count)))
            hits.append(contentsOf: group.hits)
        }
        return DocumentPage(documents: shown.map { .init(id: $0.id, hits: $0.hits, matches: $0.matches) }, hits: hits,
                            totalPassages: total, totalDocuments: order.count, passagesBefore: before)
    }

    /// Scores `phrases` joined by `connective` (their `leaves`) into
    /// `collector`, by the scorer their shape calls for: short lists read
    /// whole when every list is short, a lone phrase's or prefix's matches,
    /// else block-max windows (OR) or leapfrog (AND). Returns whether the
    /// scorer met every match (short lists, read whole, hand each one to
    /// ``Collector/matched(_:_:)``), so that a counting collector's count
    /// is complete.
    @discardableResult
    func score<C: Collector & ~Copyable>(_ phrases: [Phrase], _ connective: Connective, _ leaves: QueryLeaves, into collector: inout C) -> Bool {
        let and = connective == .and
        if readsShortLists, withShortLists(phrases, connective, { lists, idf in
            forEachShortListWalk(lists, idf) { walk in _ = and ? walk.intersection(&collector) : walk.merge(&collector) }
        }) != nil { return true }
        let scorer = TermScorer(searcher: self, phrases: phrases, connective: connective)
        if phrases.count == 1, !isPlainTerm(phrases[0]) {
            scorer.scoreMatched(leaves.rows.map { leaf in
                if case .matched(let locals, let counts) = leaf { (locals, counts) } else { ([], []) }
            }, into: &collector)
            return false
        }
        let setup = scorer.setUp(leaves)
        guard setup.blocks > 0 else { return true }
        _ = scorer.walk(setup, BM25(rows: snapshot.passageCount, tokens: snapshot.tokenCount, hits: leaves.live), everything: false, into: &collector)
        return false
    }

    /// A filter of at most this many documents is searched by reading those
    /// documents' passages alone, not by a scorer over every list.
    static let fewDocuments = 64

    /// Results by document among a few documents (a search's filters:
    /// `--doc`, a note citing a handful): each one's passages read alone, as
    /// a page's documents are (`DocumentPassages.swift`), then ranked by
    /// their best passage. Every total is exact.
    func fewDocumentsPage(_ phrases: [Phrase], _ connective: Connective, _ leaves: QueryLeaves, _ within: Set<Int>, perDocument: Int,
                          offset: Int, limit: Int, excluding excluded: ExcludedPassages?) -> DocumentPage {
        let candidates = within.sorted().map { TopDocuments.Entry(bm25: 0, passage: 0, document: $0) }
        let bm25 = BM25(rows: snapshot.passageCount, tokens: snapshot.tokenCount, hits: leaves.live)
        let found = documentMatches(candidates, keep: { _ in max(1, perDocument) }, leaves, and: connective == .and, bm25, excluding: excluded)
        var ranked = zip(candidates, found).filter { $0.1.matches > 0 }
        ranked.sort { BoundedHeap.better($0.1.hits[0], $1.1.hits[0]) }
        var hits: [SearchHit] = []
        var documents: [DocumentPage.Document] = []
        var before = 0
        for (i, (entry, matched)) in ranked.enumerated() {
            if i < offset {
                before += min(perDocument, matched.matches)
                continue
            }
            guard i - offset < limit else { break }
            let shown = matched.hits.prefix(max(0, perDocument))
            documents.append(.init(id: entry.document, hits: hits.count..<(hits.count + shown.count), matches: matched.matches))
            hits += shown
        }
        return DocumentPage(documents: documents, hits: hits, totalPassages: ranked.reduce(0) { $0 + $1.1.matches },
                            totalDocuments: ranked.count, passagesBefore: before)
    }

    /// The best `k` passages of `query` within the documents of a search's
    /// filters, and the total, exact up to `countUpTo` passages (always
    /// exact for a few documents); nil for a query of another shape.
    ///
    /// A few documents are read as ``fewDocumentsPage`` reads them. More are
    /// searched by the query's scorer feeding an ``Excluding`` collector that
    /// leaves out every passage outside them (``passagesOutside(_:)``, a
    /// bitset per segment made from the documents' runs): its threshold is
    /// the k-th best passage within the filter, so blocks that cannot reach
    /// it are skipped as in an unfiltered search, where ranking every match
    /// and filtering the list cost a common word tens of milliseconds.
    public func top(_ query: QueryNode, k: Int, within: Set<Int>, countUpTo: Int = .max) -> SearchResult? {
        guard snapshot.passageCount > 0 else { return nil }
        let shape: (phrases: [Phrase], connective: Connective, excluded: ExcludedPassages?)
        if let not = notShape(query) {
            shape = (not.phrases, not.connective, excludedPassages(not.excluded))
        } else if let (phrases, connective) = termShape(query), connective == .and || phrases.count <= Self.wideLeaves {
            shape = (phrases, connective, nil)
        } else {
            return nil
        }
        guard within.count <= Self.fewDocuments else {
            return excludingTop(shape.phrases, shape.connective, excluding: passagesOutside(within).adding(shape.excluded), k: k,
                                countUpTo: countUpTo)
        }
        let leaves = QueryLeaves(self, shape.phrases)
        let candidates = within.sorted().map { TopDocuments.Entry(bm25: 0, passage: 0, document: $0) }
        let bm25 = BM25(rows: snapshot.passageCount, tokens: snapshot.tokenCount, hits: leaves.live)
        let found = documentMatches(candidates, keep: { _ in k }, leaves, and: shape.connective == .and, bm25, excluding: shape.excluded)
        var hits = found.flatMap(\.hits)
        hits.sort(by: BoundedHeap.better)
        return SearchResult(total: found.reduce(0) { $0 + $1.matches }, hits: Array(hits.prefix(k)))
    }
}

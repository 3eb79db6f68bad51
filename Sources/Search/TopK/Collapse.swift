import Index

/// # Results by document
///
/// The default search shows documents, in the order of their best
/// passage, each with its best few passages and the number of its other
/// matches; `--limit` and `--offset` count documents (Lucene's grouping,
/// Elasticsearch's `collapse` with `inner_hits`).
///
/// A page needs every document's count of matches (the totals, and each
/// shown document's "N more passages"), so every match is visited once.
/// The walk (``Searcher/collapse(_:_:perDocument:offset:limit:within:)``,
/// `DocumentWalk.swift`) rests on one property of the index: a document's
/// passages lie side by side in one segment (their ids are given in one
/// transaction). Each leaf's matches are decoded whole, in passage order,
/// per segment; walking their union (OR) or intersection (AND), every
/// match is scored (most by one multiplication: a passage holding a word
/// once takes its length's factor from ``BM25/LengthTable``) into one
/// array, and a document's matches are one run of it. For each run the
/// walk counts the matches and finds the best passage without a branch on
/// a score, and a bounded heap keeps the runs whose best passages are the
/// best of all: the page's documents, in order. Then only the page's
/// documents are read again, each from its run of the array, for their
/// best `perDocument` passages. Scores are the same doubles the flat
/// ranking gives (contributions summed in query order), so the page is the
/// full ranking's, grouped, hit for hit.
///
/// (An earlier walk tested each passage holding one word against the
/// better of the heap's threshold and its document's best so far, and
/// scored only those that passed. The test costs about what the score
/// does, and its outcome, random from passage to passage, cost a
/// mispredicted branch at every other one: a page of a common word took
/// twice as long as the flat ranking's top 10.)
///
/// A query of another shape (NEAR, NOT, nested operators) is ranked in
/// full and grouped (``documentPage(ranked:perDocument:offset:limit:document:)``),
/// as is, for safety, an index where some document's live passages are in
/// two segments or where passage ids do not ascend from segment to segment,
/// which the index writer never makes.
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
        }

        /// The page's documents, in the order of their best passage.
        public var documents: [Document]
        /// The passages the page shows, document after document.
        public var hits: [SearchHit]
        /// Passages that match, in all.
        public var totalPassages: Int
        /// Documents with a passage that matches.
        public var totalDocuments: Int
        /// Passages the pages before this one show (for numbering results).
        public var passagesBefore: Int

        /// A document's best passages, best first.
        public func hits(of document: Document) -> ArraySlice<SearchHit> { hits[document.hits] }
    }

    /// Documents `offset ..< offset + limit` of `query`'s results by
    /// document, each with its best `perDocument` passages; only documents
    /// `within` a set, when one is given (a search's filters).
    public func documentPage(_ query: QueryNode, perDocument: Int, offset: Int, limit: Int, within: Set<Int>? = nil) -> DocumentPage {
        guard snapshot.passageCount > 0, query != .empty else { return Self.documentPage(ranked: [], perDocument: perDocument, offset: offset, limit: limit) { _ in nil } }
        guard let (phrases, connective) = termShape(query) else {
            return Self.documentPage(ranked: rank(query), perDocument: perDocument, offset: offset, limit: limit) { id in
                snapshot.document(ofPassage: id).flatMap { within == nil || within!.contains($0) ? $0 : nil }
            }
        }
        return collapse(phrases, connective, perDocument: perDocument, offset: offset, limit: limit, within: within)
    }

    /// ``documentPage(_:perDocument:offset:limit:within:)`` of a flat query.
    public func documentPage(_ query: FlatQuery, perDocument: Int, offset: Int, limit: Int) -> DocumentPage {
        guard snapshot.passageCount > 0 else { return Self.documentPage(ranked: [], perDocument: perDocument, offset: offset, limit: limit) { _ in nil } }
        return collapse(query.phrases, query.connective, perDocument: perDocument, offset: offset, limit: limit, within: nil)
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
}

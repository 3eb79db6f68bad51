/// # Results by document
///
/// The default search shows documents, in the order of their best
/// passage, each with its best few passages and the number of its other
/// matches; `--limit` and `--offset` count documents (Lucene's grouping,
/// Elasticsearch's `collapse` with `inner_hits`).
///
/// Two things make a page. How many passages each document has that match
/// is counted first, in one pass over the query's leaves that scores
/// nothing (``Searcher/matchesPerDocument(_:_:)``: each leaf's live
/// passages per segment, OR'ed or AND'ed, each passage's document read
/// from its segment); it gives the totals, the "N more passages" of each
/// document, and tells when a document's passages are all found. Then the
/// best K passages are asked of top-k, K growing fourfold until they
/// settle the page: walking the prefix's documents in order of first
/// appearance, the page's documents each show all they can, `perDocument`
/// passages or every match they have. Any passage past the prefix scores
/// no better than the prefix's last one, so a document first met in the
/// prefix is in its right place, and its passages there are its best; the
/// page is the full ranking's, hit for hit. A query of another shape
/// (NEAR, NOT, nested operators) is ranked in full and grouped.
extension Searcher {
    /// A page of results by document.
    public struct DocumentPage: Sendable {
        /// One document of the page.
        public struct Document: Sendable, Equatable {
            /// The catalog's document id.
            public var id: Int
            /// Its best passages, best first (at most `perDocument`).
            public var hits: [SearchHit]
            /// How many of its passages match.
            public var matches: Int
        }

        /// The page's documents, in the order of their best passage.
        public var documents: [Document]
        /// Passages that match, in all.
        public var totalPassages: Int
        /// Documents with a passage that matches.
        public var totalDocuments: Int
        /// Passages the pages before this one show (for numbering results).
        public var passagesBefore: Int
        /// Passages ranked to settle the page (for the bench and the tests).
        public var ranked: Int
    }

    /// Documents `offset ..< offset + limit` of `query`'s results by
    /// document, each with its best `perDocument` passages.
    public func documentPage(_ query: QueryNode, perDocument: Int, offset: Int, limit: Int) -> DocumentPage {
        guard snapshot.passageCount > 0, query != .empty else { return Self.documentPage(ranked: [], perDocument: perDocument, offset: offset, limit: limit) { _ in nil } }
        guard let (phrases, connective) = termShape(query) else {
            return Self.documentPage(ranked: rank(query), perDocument: perDocument, offset: offset, limit: limit) { snapshot.document(ofPassage: $0) }
        }
        if phrases.allSatisfy(isPlainTerm) {
            return wordsPage(phrases, connective, perDocument: perDocument, offset: offset, limit: limit) { top(query, k: $0) }
        }
        return page(matchesPerDocument(phrases, connective), perDocument: perDocument, offset: offset, limit: limit) { top(query, k: $0) }
    }

    /// ``documentPage(_:perDocument:offset:limit:)`` of a flat query.
    public func documentPage(_ query: FlatQuery, perDocument: Int, offset: Int, limit: Int) -> DocumentPage {
        guard snapshot.passageCount > 0 else { return Self.documentPage(ranked: [], perDocument: perDocument, offset: offset, limit: limit) { _ in nil } }
        if query.phrases.allSatisfy(isPlainTerm) {
            return wordsPage(query.phrases, query.connective, perDocument: perDocument, offset: offset, limit: limit) { top(query, k: $0) }
        }
        return page(matchesPerDocument(query.phrases, query.connective), perDocument: perDocument, offset: offset, limit: limit) {
            top(query, k: $0)
        }
    }

    /// The page of a query of plain words: the prefix of the ranking gives
    /// the page's documents in order (first appearances), and each page
    /// document whose best passages the prefix does not hold is searched on
    /// its own, its passages only (``bestPassages(of:_:_:perDocument:scorer:)``).
    func wordsPage(_ phrases: [Phrase], _ connective: Connective, perDocument: Int, offset: Int, limit: Int,
                   top: (Int) -> SearchResult) -> DocumentPage {
        let counts = matchesPerDocument(phrases, connective)
        let total = counts.values.reduce(0, +)
        let wanted = min(offset + limit, counts.count)
        let document = { (id: Int64) in snapshot.document(ofPassage: id) }
        // The page's documents in order, and their passages in the prefix
        // (side by side: a page holds few documents, a scan beats hashing).
        var order: [Int] = []
        var members: [[SearchHit]] = []
        var k = max(16, wanted * 2)
        while total > 0 {
            let prefix = top(min(k, total)).hits
            order = []
            members = []
            var open = 0
            for hit in prefix {
                // Every page document found, each with all it can show: the rest is not needed.
                if order.count == wanted, open == 0 { break }
                guard let id = document(hit.passageID) else { continue }
                var at = order.firstIndex(of: id) ?? -1
                if at < 0 {
                    guard order.count < wanted else { continue }
                    at = order.count
                    order.append(id)
                    members.append([])
                    open += 1
                }
                guard members[at].count < perDocument else { continue }
                members[at].append(hit)
                if members[at].count == min(perDocument, counts[id] ?? 0) { open -= 1 }
            }
            if order.count >= wanted || prefix.count >= total { break }
            k *= 4
        }
        var scorer: BM25?
        var documents: [DocumentPage.Document] = []
        var before = 0
        for (i, id) in order.prefix(wanted).enumerated() {
            let matches = counts[id] ?? 0
            var shown = members[i]
            if shown.count < min(perDocument, matches) {
                if scorer == nil { scorer = BM25(rows: snapshot.passageCount, tokens: snapshot.tokenCount, hits: liveFrequencies(phrases)) }
                shown = bestPassages(of: id, phrases, connective, perDocument: perDocument, scorer: scorer!)
            }
            if i < offset { before += shown.count } else { documents.append(.init(id: id, hits: shown, matches: matches)) }
        }
        return DocumentPage(documents: documents, totalPassages: total, totalDocuments: counts.count, passagesBefore: before, ranked: k)
    }

    /// Each plain term's live passages in the snapshot: BM25's n(q).
    func liveFrequencies(_ phrases: [Phrase]) -> [Int] {
        phrases.map { phrase in
            snapshot.segments.enumerated().reduce(0) { sum, segment in
                sum + (segment.element.lookup(phrase.terms[0].text).map { segment.element.liveDocumentFrequency($0, deleted: snapshot.deleted[segment.offset]) } ?? 0)
            }
        }
    }

    /// The best `perDocument` passages of `document` for plain terms,
    /// scored as the exhaustive evaluator scores them (FTS5's bm25, the
    /// same doubles), reading only the document's own passages through
    /// each term's skip table.
    func bestPassages(of document: Int, _ phrases: [Phrase], _ connective: Connective, perDocument: Int, scorer: BM25) -> [SearchHit] {
        var hits: [SearchHit] = []
        for (s, reader) in snapshot.segments.enumerated() {
            guard let range = snapshot.documentRanges[s][document] else { continue }
            let deleted = snapshot.deleted[s]
            var frequencies = [Double](repeating: 0, count: range.count * phrases.count)
            var present = [Int](repeating: 0, count: range.count)
            for (i, phrase) in phrases.enumerated() {
                guard let entry = reader.lookup(phrase.terms[0].text) else { continue }
                let cursor = reader.cursor(entry)
                cursor.seek(range.lowerBound)
                while cursor.doc < range.upperBound {
                    let at = cursor.doc - range.lowerBound
                    present[at] += 1
                    frequencies[at * phrases.count + i] = Double(cursor.tf)
                    cursor.next()
                }
            }
            let needed = connective == .and ? phrases.count : 1
            for at in 0..<range.count where present[at] >= needed {
                let local = range.lowerBound + at
                guard !deleted.contains(local), reader.document(local) == document else { continue }
                let row = Array(frequencies[(at * phrases.count)..<((at + 1) * phrases.count)])
                hits.append(SearchHit(passageID: reader.passageID(local), bm25: scorer.bm25(length: reader.length(local), frequencies: row)))
            }
        }
        hits.sort { $0.bm25 != $1.bm25 ? $0.bm25 < $1.bm25 : $0.passageID < $1.passageID }
        return Array(hits.prefix(perDocument))
    }

    /// The page of a complete ranking (after filters, say), grouped by
    /// `document` (nil leaves a passage out).
    public static func documentPage(ranked: [SearchHit], perDocument: Int, offset: Int, limit: Int,
                                    document: (Int64) -> Int?) -> DocumentPage {
        var counts: [Int: Int] = [:]
        var kept: [SearchHit] = []
        for hit in ranked {
            guard let id = document(hit.passageID) else { continue }
            counts[id, default: 0] += 1
            kept.append(hit)
        }
        return settle(kept, counts: counts, perDocument: perDocument, offset: offset, limit: limit, complete: true, document: document)!
    }

    /// Asks `top` for more of the ranking until it settles the page.
    func page(_ counts: [Int: Int], perDocument: Int, offset: Int, limit: Int, top: (Int) -> SearchResult) -> DocumentPage {
        let total = counts.values.reduce(0, +)
        let document = { (id: Int64) in snapshot.document(ofPassage: id) }
        var k = max(64, min(offset + limit, counts.count) * perDocument * 2)
        while true {
            let prefix = total == 0 ? [] : top(min(k, total)).hits
            let complete = prefix.count >= total
            if let page = Self.settle(prefix, counts: counts, perDocument: perDocument, offset: offset, limit: limit,
                                      complete: complete, document: document) {
                return page
            }
            // The whole ranking settles any page; should the counts disagree with it, the ranking is right.
            if complete { return Self.documentPage(ranked: prefix, perDocument: perDocument, offset: offset, limit: limit, document: document) }
            k *= 4
        }
    }

    /// The page, if `hits` (a prefix of the ranking, or all of it when
    /// `complete`) settles it.
    static func settle(_ hits: [SearchHit], counts: [Int: Int], perDocument: Int, offset: Int, limit: Int, complete: Bool,
                       document: (Int64) -> Int?) -> DocumentPage? {
        let wanted = min(offset + limit, counts.count)
        var order: [Int] = []
        var members: [Int: [SearchHit]] = [:]
        var position: [Int: Int] = [:]
        // Page documents still short of what they can show; once none is, the rest of the prefix is not read.
        var open = 0
        for hit in hits {
            if !complete, order.count == wanted, open == 0 { break }
            guard let id = document(hit.passageID) else { continue }
            if members[id] == nil {
                guard order.count < wanted || complete else { continue }
                position[id] = order.count
                order.append(id)
                members[id] = []
                if order.count <= wanted { open += 1 }
            }
            guard members[id]!.count < perDocument else { continue }
            members[id]!.append(hit)
            if position[id]! < wanted, members[id]!.count == min(perDocument, counts[id] ?? 0) { open -= 1 }
        }
        guard order.count >= wanted else { return nil }
        var documents: [DocumentPage.Document] = []
        var before = 0
        for (i, id) in order.prefix(wanted).enumerated() {
            let matches = counts[id] ?? 0
            let shown = members[id]!
            // A document shows all it can: perDocument passages, or every match it has.
            guard shown.count == min(perDocument, matches) else { return nil }
            if i < offset { before += shown.count } else { documents.append(.init(id: id, hits: shown, matches: matches)) }
        }
        return DocumentPage(documents: documents, totalPassages: counts.values.reduce(0, +), totalDocuments: counts.count,
                            passagesBefore: before, ranked: hits.count)
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
                if isPlainTerm(phrase) {
                    // A plain term's own list (leafMatches reads prefixes and phrases).
                    guard let entry = reader.lookup(phrase.terms[0].text) else { continue }
                    reader.forEachFrequency(entry) { local, _ in if !deleted.contains(local) { held[local] &+= 1 } }
                } else {
                    for local in leafMatches(phrase, reader, deleted).locals { held[Int(local)] &+= 1 }
                }
            }
            // A document's passages lie side by side in a segment: counts are
            // gathered run by run, one dictionary update per document.
            let needed = connective == .and ? UInt16(phrases.count) : 1
            var current = -1, run = 0
            for local in 0..<reader.count where held[local] >= needed {
                let document = reader.document(local)
                if document != current {
                    if run > 0 { counts[current, default: 0] += run }
                    current = document
                    run = 0
                }
                run += 1
            }
            if run > 0 { counts[current, default: 0] += run }
        }
        return counts
    }
}

import Foundation
import Index
@testable import Search
import Testing
import TestSupport

@Suite("Documents that match on all their words")
struct WholeDocumentTests {
    /// A document of a page as a reader sees it, scores to the bit.
    struct Shown: Equatable {
        var id: Int
        var hits: [Int64]
        var scores: [UInt64]
        var matches: Int
        var together: Bool
    }

    func shown(_ page: Searcher.DocumentPage) -> [Shown] {
        page.documents.map { document in
            let hits = page.hits(of: document)
            return Shown(id: document.id, hits: hits.map(\.passageID), scores: hits.map(\.bm25.bitPattern), matches: document.matches,
                         together: document.together)
        }
    }

    /// Documents holding the passages `node` matches, from the exhaustive evaluator.
    func documents(_ searcher: Searcher, _ node: QueryNode) -> Set<Int> {
        Set(searcher.exhaustiveRank(node).compactMap { searcher.snapshot.document(ofPassage: $0.passageID) })
    }

    /// An index in a folder of its own, synced with its live passages as a
    /// test changes them (passages added, deleted, documents split).
    final class GrowingIndex {
        let dir: URL
        let writer: IndexWriter
        var live: [Int64: IndexWriter.Passage] = [:]
        private var last: Int64 = 0

        init() throws {
            dir = try CollapseTests().indexFolder()
            writer = try IndexWriter(folder: dir)
        }

        /// Passage `id` of `document`, reading `text`.
        func put(_ id: Int64, document: Int, _ text: String) {
            live[id] = .init(id: id, document: document, text: text)
            last = max(last, id)
        }

        /// A new passage of `document`, after the last.
        func add(document: Int, _ text: String) { put(last + 1, document: document, text) }

        /// Commits the live passages.
        func sync() throws {
            let current = live
            _ = try writer.sync(live: Set(current.keys)) { ids in ids.map { current[$0]! } }
        }

        func searcher() throws -> Searcher { Searcher(snapshot: try IndexSnapshot(folder: dir)) }

        func remove() { try? FileManager.default.removeItem(at: dir) }
    }

    /// A searcher over an index of `passages` made in `dir`.
    static func searcher(over passages: [IndexWriter.Passage], in dir: URL) throws -> Searcher {
        let byID = Dictionary(uniqueKeysWithValues: passages.map { ($0.id, $0) })
        _ = try IndexWriter(folder: dir).sync(live: Set(byID.keys)) { ids in ids.map { byID[$0]! } }
        return Searcher(snapshot: try IndexSnapshot(folder: dir))
    }

    @Test("the walk by document gives the evaluator's pages: documents, passages, scores to the bit, counts, filters and deletions")
    func againstEvaluator() throws {
        let collapse = CollapseTests()
        let dir = try collapse.indexFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        var corpus = Corpus(seed: 53, size: 40)
        let searcher = try collapse.documentsSearcher(&corpus, in: dir)
        #expect(!searcher.snapshot.splitDocuments.isEmpty && !searcher.snapshot.documentsAreRuns)
        // Documents are ranked from the words' document lists where stored, and
        // read where a passage of theirs is deleted.
        var stored = 0
        for reader in searcher.snapshot.segments { reader.forEachTerm { _, entry in stored += entry.hasDocumentList ? 1 : 0 } }
        #expect(stored >= 3 && searcher.snapshot.runsBySegment.joined().contains { $0.alone && !$0.whole }, "\(stored) lists")
        var scattered = 0, together = 0
        for i in 0..<99 {
            let (a, b, c) = (corpus.term(), corpus.term(), corpus.rareTerm())
            // ANDs, and single words, prefixes and phrases (the AND of one part).
            let text = ["\(a) \(b)", "\(a) \(b) \(c)", "\(a) \"\(corpus.word()) \(corpus.word())\"", "\(a) \(b)*", "\(a) \(b) NOT \(c)",
                        "\(c) \(a)", "\(a)", "\(c)", "\(b)*", "\(a) NOT \(c)", "\(a) NOT \(b)"][i % 11]
            let node = try QueryParser().parse(text)
            let parts = Searcher.andParts({ if case .not(let l, _) = node { return l }; return node }())
            var excluded: QueryNode?
            if case .not(_, let r) = node { excluded = r }
            // Which documents match: those holding each part somewhere, outside the excluded passages.
            var expected: Set<Int>?
            let out = Set(excluded.map { searcher.exhaustiveRank($0).map(\.passageID) } ?? [])
            for part in parts {
                let holders = Set(searcher.exhaustiveRank(part).filter { !out.contains($0.passageID) }
                    .compactMap { searcher.snapshot.document(ofPassage: $0.passageID) })
                expected = expected.map { $0.intersection(holders) } ?? holders
            }
            let all = searcher.documentPage(node, perDocument: 3, offset: 0, limit: 1000, wholeDocuments: true)
            #expect(Set(all.documents.map(\.id)) == expected ?? [], "\(text)")
            #expect(all.totalDocuments == all.documents.count, "\(text)")
            for document in all.documents where !document.together {
                scattered += 1
                // No one passage holds every part: the words really are apart.
                #expect(!searcher.exhaustiveRank(node).contains { searcher.snapshot.document(ofPassage: $0.passageID) == document.id }, "\(text)")
            }
            together += all.documents.filter(\.together).count
            for (perDocument, offset, limit) in [(3, 0, 10), (1, 2, 3), (5, 1, 1000), (2, 7, 4)] {
                let fast = searcher.documentPage(node, perDocument: perDocument, offset: offset, limit: limit, wholeDocuments: true)
                let oracle = searcher.exhaustiveDocumentPage(parts, perDocument: perDocument, offset: offset, limit: limit, excluding: excluded)
                #expect(shown(fast) == shown(oracle), "\(text) per \(perDocument) offset \(offset) limit \(limit)")
                #expect(fast.totalDocuments == oracle.totalDocuments && fast.totalPassages == oracle.totalPassages
                        && fast.passagesBefore == oracle.passagesBefore, "\(text)")
                // Passages counted up to a bound: the same page; the documents in full,
                // the passages a lower bound of at least the bound.
                for countUpTo in [0, 5, 60] {
                    let bounded = searcher.documentPage(node, perDocument: perDocument, offset: offset, limit: limit, countUpTo: countUpTo,
                                                        wholeDocuments: true)
                    #expect(shown(bounded) == shown(oracle) && bounded.passagesBefore == oracle.passagesBefore, "\(text) up to \(countUpTo)")
                    #expect(bounded.totalDocuments == oracle.totalDocuments && bounded.totalDocumentsIsExact, "\(text) up to \(countUpTo)")
                    #expect(bounded.totalIsExact ? bounded.totalPassages == oracle.totalPassages
                            : bounded.totalPassages >= countUpTo && bounded.totalPassages <= oracle.totalPassages, "\(text) up to \(countUpTo)")
                }
            }
            // Filters: a few documents (read alone) and many (skipped in the walk).
            let ids = Array(Set((0..<80).map { $0 }))
            for within in [Set(ids.filter { $0 % 3 == 0 }.prefix(10)), Set(ids.filter { $0 % 2 == 1 })] {
                let fast = searcher.documentPage(node, perDocument: 2, offset: 0, limit: 20, within: within, wholeDocuments: true)
                let oracle = searcher.exhaustiveDocumentPage(parts, perDocument: 2, offset: 0, limit: 20, within: within, excluding: excluded)
                #expect(shown(fast) == shown(oracle), "\(text) within \(within.count)")
                #expect(fast.documents.allSatisfy { within.contains($0.id) })
            }
        }
        #expect(scattered >= 20 && together >= 20, "both kinds of documents are met: \(scattered) scattered, \(together) together")
    }

    @Test("a document whose pages came later matches on words of either part; a deleted passage's words no longer count")
    func partsAcrossSegments() throws {
        let index = try GrowingIndex()
        defer { index.remove() }
        // Document 1: "alpha" in 150 passages, its later pages "beta" in 150
        // (both words' lists stored by document); document 2 the same, smaller,
        // with a later page holding "gamma" that is then deleted; documents
        // 3–12 hold both words together.
        for i in 0..<150 { index.put(Int64(1 + i), document: 1, "alpha report \(i) alpha") }
        for i in 0..<3 { index.put(Int64(200 + i), document: 2, "alpha trade \(i)") }
        for d in 3...12 { index.put(Int64(300 + d), document: d, "alpha and beta \(d)") }
        try index.sync()
        for i in 0..<150 { index.put(Int64(1000 + i), document: 1, "beta annex \(i) beta") }
        index.put(2000, document: 2, "beta gamma")
        index.put(2001, document: 2, "beta")
        try index.sync()
        var searcher = try index.searcher()
        #expect(searcher.snapshot.segments.count == 2 && searcher.snapshot.splitDocuments == [1, 2])
        var stored = 0
        for reader in searcher.snapshot.segments { reader.forEachTerm { _, entry in stored += entry.hasDocumentList ? 1 : 0 } }
        #expect(stored >= 2)
        func check(_ text: String, _ expected: Set<Int>) throws {
            let node = try QueryParser().parse(text)
            let fast = searcher.documentPage(node, perDocument: 2, offset: 0, limit: 20, wholeDocuments: true)
            let oracle = searcher.exhaustiveDocumentPage(Searcher.andParts(node), perDocument: 2, offset: 0, limit: 20)
            #expect(Set(fast.documents.map(\.id)) == expected, "\(text)")
            #expect(shown(fast) == shown(oracle) && fast.totalPassages == oracle.totalPassages, "\(text)")
        }
        try check("alpha beta", Set(1...12))
        try check("alpha gamma", [2])
        index.live[2000] = nil
        try index.sync()
        searcher = try index.searcher()
        try check("alpha gamma", [])
        try check("alpha beta", Set(1...12))
        try check("report annex", [1])
    }

    @Test("a document read again, its old passages deleted and its new ones in a later segment, is ranked by its new text alone")
    func readAgain() throws {
        let index = try GrowingIndex()
        defer { index.remove() }
        // Documents 1–40 hold "alpha" in four passages each (a stored list);
        // document 1 is then read again: its four passages deleted, two new
        // ones without "alpha" in the next segment. The first segment's list
        // still names document 1, with its old instances.
        for d in 1...40 {
            for i in 0..<4 { index.put(Int64(10 * d + i), document: d, "alpha trade \(d) alpha \(i)") }
        }
        try index.sync()
        for i in 0..<4 { index.live[Int64(10 + i)] = nil }
        index.put(1000, document: 1, "gamma annex")
        index.put(1001, document: 1, "gamma")
        try index.sync()
        let searcher = try index.searcher()
        #expect(searcher.snapshot.segments.count == 2 && searcher.snapshot.documentsAreRuns)
        var stored = 0
        searcher.snapshot.segments[0].forEachTerm { _, entry in stored += entry.hasDocumentList ? 1 : 0 }
        #expect(stored >= 1)
        for (text, expected) in [("alpha", Set(2...40)), ("alpha trade", Set(2...40)), ("gamma", [1]), ("alpha gamma", [])] {
            let node = try QueryParser().parse(text)
            for (offset, limit) in [(0, 10), (0, 1000)] {
                let fast = searcher.documentPage(node, perDocument: 2, offset: offset, limit: limit, wholeDocuments: true)
                let oracle = searcher.exhaustiveDocumentPage(Searcher.andParts(node), perDocument: 2, offset: offset, limit: limit)
                #expect(fast.totalDocuments == expected.count && fast.totalPassages == oracle.totalPassages, "\(text)")
                #expect(shown(fast) == shown(oracle), "\(text) limit \(limit)")
                if limit == 1000 { #expect(Set(fast.documents.map(\.id)) == expected, "\(text)") }
            }
        }
    }

    @Test("many documents' passages counted at once: the evaluator's total, words together or apart, deletions and later pages")
    func manyDocumentsCounted() throws {
        let index = try GrowingIndex()
        defer { index.remove() }
        var random = SeededRandom(seed: 7)
        // 150 documents of 1 to 8 passages, the two words in some, together or not.
        let words = ["alpha", "beta", "alpha beta", "report", "beta trade alpha"]
        for document in 0..<150 {
            for _ in 0..<(1 + random.below(8)) { index.add(document: document, "\(words[random.below(words.count)]) filler \(random.below(9))") }
        }
        try index.sync()
        // Passages deleted, and pages added later to some documents.
        for key in index.live.keys.sorted() where key % 31 == 0 { index.live[key] = nil }
        for document in stride(from: 0, to: 150, by: 11) { index.add(document: document, words[random.below(words.count)]) }
        try index.sync()
        let searcher = try index.searcher()
        let node = try QueryParser().parse("alpha beta")
        let oracle = searcher.exhaustiveDocumentPage(Searcher.andParts(node), perDocument: 2, offset: 0, limit: 10)
        #expect(oracle.totalDocuments > 80)
        for (offset, limit) in [(0, 10), (30, 5), (0, 1000)] {
            let fast = searcher.documentPage(node, perDocument: 2, offset: offset, limit: limit, wholeDocuments: true)
            let expected = searcher.exhaustiveDocumentPage(Searcher.andParts(node), perDocument: 2, offset: offset, limit: limit)
            #expect(fast.totalIsExact && fast.totalPassages == oracle.totalPassages && fast.totalDocuments == oracle.totalDocuments,
                    "\(fast.totalPassages) against \(oracle.totalPassages)")
            #expect(shown(fast) == shown(expected) && fast.passagesBefore == expected.passagesBefore, "offset \(offset)")
        }
    }

    @Test("a rare word AND a common one, some documents split across segments: the evaluator's pages, scores to the bit")
    func rareAndCommon() throws {
        let index = try GrowingIndex()
        defer { index.remove() }
        var random = SeededRandom(seed: 19)
        // "common" in most passages of 300 documents; "rare" in a few of them.
        for document in 0..<300 {
            for _ in 0..<(2 + random.below(5)) {
                let rare = document % 41 == 0 && random.below(2) == 0 ? " rare" : ""
                index.add(document: document, (random.below(5) == 0 ? "other" : "common words") + rare + " \(random.below(50))")
            }
        }
        try index.sync()
        // Later pages for some documents (a second segment), rare or common there, and a few deletions.
        for document in stride(from: 0, to: 300, by: 82) { index.add(document: document, document % 2 == 0 ? "rare page" : "common page") }
        for key in index.live.keys.sorted() where key % 97 == 0 { index.live[key] = nil }
        try index.sync()
        let searcher = try index.searcher()
        #expect(!searcher.snapshot.splitDocuments.isEmpty)
        for text in ["rare common", "common rare", "rare common words", "common", "rare", "\"common words\"", "common NOT rare", "rare NOT common",
                     "common NOT other", "common words NOT rare"] {
            let node = try QueryParser().parse(text)
            var (base, excluded): (QueryNode, QueryNode?) = (node, nil)
            if case .not(let l, let r) = node { (base, excluded) = (l, r) }
            for (offset, limit) in [(0, 10), (2, 3), (0, 1000), (0, 0), (3, 0)] {
                let fast = searcher.documentPage(node, perDocument: 2, offset: offset, limit: limit, wholeDocuments: true)
                let oracle = searcher.exhaustiveDocumentPage(Searcher.andParts(base), perDocument: 2, offset: offset, limit: limit,
                                                             excluding: excluded)
                #expect(oracle.totalDocuments >= (excluded == nil ? 4 : 1), "\(text)")
                #expect(shown(fast) == shown(oracle) && fast.totalDocuments == oracle.totalDocuments && fast.totalPassages == oracle.totalPassages
                        && fast.passagesBefore == oracle.passagesBefore, "\(text) offset \(offset)")
                #expect(zip(fast.documents, oracle.documents).allSatisfy { $0.score == $1.score }, "\(text): scores to the bit")
            }
        }
    }

    @Test("a document with the words together ranks ahead of one with them apart, all else equal; the flat search is unchanged")
    func togetherFirst() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dossier-whole-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let filler = "the convention lists species and parties report trade"
        var passages: [IndexWriter.Passage] = []
        // Documents 1 and 2: the same words, the same lengths; together in 1, apart in 2.
        passages.append(.init(id: 1, document: 1, text: "timber trafficking \(filler)"))
        passages.append(.init(id: 2, document: 1, text: "ports \(filler) ports"))
        passages.append(.init(id: 3, document: 2, text: "timber ports \(filler)"))
        passages.append(.init(id: 4, document: 2, text: "trafficking \(filler) ports"))
        // Document 3: one of the words only.
        passages.append(.init(id: 5, document: 3, text: "timber \(filler) timber"))
        for i in 0..<20 { passages.append(.init(id: Int64(6 + i), document: 4 + i, text: "\(filler) \(i)")) }
        let searcher = try Self.searcher(over: passages, in: dir)
        let node = try QueryParser().parse("timber trafficking")
        let page = searcher.documentPage(node, perDocument: 3, offset: 0, limit: 10, wholeDocuments: true)
        #expect(page.documents.map(\.id) == [1, 2])
        #expect(page.documents.map(\.together) == [true, false])
        // The scattered document shows each word's passage.
        #expect(Set(page.hits(of: page.documents[1]).map(\.passageID)) == [3, 4])
        #expect(page.documents[1].matches == 2 && page.documents[0].matches == 1)
        // By passage (--same-passage, --flat), document 2 does not match.
        #expect(searcher.documentPage(node, perDocument: 3, offset: 0, limit: 10).documents.map(\.id) == [1])
        #expect(searcher.top(node, k: 10).hits.map(\.passageID) == [1])
    }

    @Test("the words as typed lift the documents and passages holding that sequence: Annex B first, every holder of both still matching")
    func typedSequence() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dossier-typed-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let filler = "the convention lists species and parties report trade"
        let passages: [IndexWriter.Passage] = [
            // Document 1: both words, often, never in sequence.
            .init(id: 1, document: 1, text: "annex annex listing b b b \(filler)"),
            .init(id: 2, document: 1, text: "b annex annex \(filler) b"),
            // Document 2: the sequence once, in its second passage.
            .init(id: 3, document: 2, text: "annex b \(filler) filler filler"),
            .init(id: 4, document: 2, text: "species in Annex B are listed \(filler)"),
        ] + (0..<20).map { .init(id: Int64(5 + $0), document: 3 + $0, text: "\(filler) \($0)") }
        let searcher = try Self.searcher(over: passages, in: dir)
        let node = try QueryParser().parse("annex b")
        let page = searcher.documentPage(node, perDocument: 3, offset: 0, limit: 10, wholeDocuments: true)
        #expect(page.documents.map(\.id) == [2, 1])
        // Typed the other way round, the sequence ("b annex") is document 1's.
        let apart = searcher.documentPage(try QueryParser().parse("b annex"), perDocument: 3, offset: 0, limit: 10, wholeDocuments: true)
        #expect(apart.documents.map(\.id) == [1, 2])
        let oracle = searcher.exhaustiveDocumentPage(Searcher.andParts(node), perDocument: 3, offset: 0, limit: 10)
        #expect(shown(page) == shown(oracle))
    }
}


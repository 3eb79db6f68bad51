import Foundation
import Index
@testable import Search
import Testing

@Suite("Results by document")
struct CollapseTests {
    /// An index of documents of 1 to 60 passages in two segments, some passages deleted.
    func documents(_ corpus: inout Corpus, in dir: URL) throws {
        let writer = try IndexWriter(folder: dir)
        var live: [Int64: IndexWriter.Passage] = [:]
        var id: Int64 = 0
        for round in 0..<2 {
            for document in (round * 40)..<(round * 40 + 40) {
                let size = document % 9 == 0 ? 60 : 1 + document % 4
                for _ in 0..<size {
                    id += 1
                    live[id] = IndexWriter.Passage(id: id, document: document, text: corpus.passage())
                }
            }
            if round == 1 { for key in live.keys.sorted() where key % 13 == 0 { live[key] = nil } }
            let current = live
            _ = try writer.sync(live: Set(live.keys)) { ids in ids.map { current[$0]! } }
        }
    }

    @Test("a page of documents is the full ranking's: documents, passages, counts, totals, ranks; most pages without ranking every match",
          arguments: [UInt64(21), 22])
    func sameAsFullRanking(seed: UInt64) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dossier-collapse-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var corpus = Corpus(seed: seed, size: 60)
        try documents(&corpus, in: dir)
        let searcher = Searcher(snapshot: try IndexSnapshot(folder: dir))
        var early = 0, checked = 0
        for i in 0..<60 {
            let terms = (0..<(1 + i % 3)).map { _ in corpus.term() }
            let text: String
            switch i % 6 {
            case 4: text = "\"\(corpus.word()) \(corpus.word())\" OR \(terms[0])"
            case 5: text = "\(terms[0]) NOT \(corpus.term())"
            default: text = terms.joined(separator: i % 2 == 0 ? " OR " : " AND ")
            }
            let node = try QueryParser().parse(text)
            // The reference, grouped here from the full ranking.
            let full = searcher.rank(node)
            var order: [Int] = [], members: [Int: [SearchHit]] = [:]
            for hit in full {
                let document = searcher.snapshot.document(ofPassage: hit.passageID)!
                if members[document] == nil { order.append(document) }
                members[document, default: []].append(hit)
            }
            for perDocument in [1, 3] {
                for (offset, limit) in [(0, 1), (0, 10), (3, 5), (0, 1000), (500, 10)] {
                    let page = searcher.documentPage(node, perDocument: perDocument, offset: offset, limit: limit)
                    let expected = order.dropFirst(offset).prefix(limit).map {
                        Searcher.DocumentPage.Document(id: $0, hits: Array(members[$0]!.prefix(perDocument)), matches: members[$0]!.count)
                    }
                    #expect(page.documents == expected, "\(text) per \(perDocument) offset \(offset) limit \(limit)")
                    #expect(page.totalPassages == full.count && page.totalDocuments == order.count, "\(text)")
                    #expect(page.passagesBefore == order.prefix(offset).reduce(0) { $0 + min(perDocument, members[$1]!.count) })
                    if let flat = QueryParser().flat(text) {
                        let viaFlat = searcher.documentPage(flat, perDocument: perDocument, offset: offset, limit: limit)
                        #expect(viaFlat.documents == page.documents, "\(text)")
                    }
                    if page.ranked < full.count { early += 1 }
                    checked += 1
                }
            }
        }
        #expect(early * 3 > checked, "pages must be settled without ranking every match: \(early) of \(checked)")
    }

    @Test("a complete ranking, filtered, makes the same kind of page")
    func fromRanking() {
        let hits = (1...9).map { SearchHit(passageID: Int64($0), bm25: -Double(10 - $0)) }
        // Passages 1-9 in documents 1, 2, 1, 3, 2, 1, 3, 3, 9; document 9 filtered out.
        let documents: [Int64: Int] = [1: 1, 2: 2, 3: 1, 4: 3, 5: 2, 6: 1, 7: 3, 8: 3, 9: 9]
        let page = Searcher.documentPage(ranked: hits, perDocument: 2, offset: 1, limit: 5) { id in documents[id].flatMap { $0 == 9 ? nil : $0 } }
        #expect(page.documents.map(\.id) == [2, 3])
        #expect(page.documents.map { $0.hits.map(\.passageID) } == [[2, 5], [4, 7]])
        #expect(page.documents.map(\.matches) == [2, 3])
        #expect(page.totalPassages == 8 && page.totalDocuments == 3 && page.passagesBefore == 2)
    }
}

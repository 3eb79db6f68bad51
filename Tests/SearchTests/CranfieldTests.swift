import Foundation
import Index
import Search
import Testing
import TestSupport

/// The Cranfield collection (1,400 abstracts, 225 queries, graded judgments)
/// in ../shared/ir-collections/cranfield: a relevance check of the ranking.
struct Cranfield {
    var documents: [(Int64, String)] = []
    var queries: [String] = []
    var relevant: [Int: Set<Int64>] = [:]
    /// Per query, the gain of each judged paper: 5 − its grade.
    var grades: [Int: [Int64: Int]] = [:]

    init() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("shared/ir-collections/cranfield")
        func read(_ name: String) throws -> String {
            try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8).replacingOccurrences(of: "\r", with: "")
        }
        // Documents: title and abstract.
        for record in try read("cran.all.1400").components(separatedBy: "\n.I ").map({ $0.hasPrefix(".I ") ? String($0.dropFirst(3)) : $0 }) {
            let lines = record.split(separator: "\n", omittingEmptySubsequences: false)
            guard let id = Int64(lines.first?.trimmingCharacters(in: .whitespaces) ?? "") else { continue }
            var field = "", title = "", abstract = ""
            for line in lines.dropFirst() {
                if line.hasPrefix(".") && line.count == 2 { field = String(line); continue }
                if field == ".T" { title += line + " " }
                if field == ".W" { abstract += line + " " }
            }
            documents.append((id, title + abstract))
        }
        // Queries are numbered by their position in the file (cranqrel's ids).
        for record in try read("cran.qry").components(separatedBy: ".I ").dropFirst() {
            guard let w = record.range(of: ".W\n") else { continue }
            queries.append(String(record[w.upperBound...]).replacingOccurrences(of: "\n", with: " "))
        }
        for line in try read("cranqrel").split(separator: "\n") {
            let parts = line.split(separator: " ").compactMap { Int($0) }
            guard parts.count >= 3, (1...4).contains(parts[2]) else { continue }
            relevant[parts[0], default: []].insert(Int64(parts[1]))
            grades[parts[0], default: [:]][Int64(parts[1])] = 5 - parts[2]
        }
    }

    /// The query's words, each quoted, OR'ed.
    static func orQuery(_ text: String) -> String {
        text.split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map { "\"\($0)\"" }.joined(separator: " OR ")
    }

    /// nDCG@10 with gain 5 − grade (grade 1 the most relevant), as `bench/cranfield.py` computes it.
    func ndcg(_ ranking: [Int64], _ query: Int) -> Double {
        let gains = grades[query] ?? [:]
        var dcg = 0.0
        for (k, id) in ranking.prefix(10).enumerated() { dcg += Double(gains[id] ?? 0) / log2(Double(k + 2)) }
        let ideal = gains.values.sorted(by: >).prefix(10).enumerated().reduce(0.0) { $0 + Double($1.element) / log2(Double($1.offset + 2)) }
        return ideal > 0 ? dcg / ideal : 0
    }

    func averagePrecision(_ ranking: [Int64], _ query: Int) -> Double {
        guard let relevant = relevant[query], !relevant.isEmpty else { return 0 }
        var hits = 0, sum = 0.0
        for (k, id) in ranking.prefix(1000).enumerated() where relevant.contains(id) {
            hits += 1
            sum += Double(hits) / Double(k + 1)
        }
        return sum / Double(relevant.count)
    }
}

@Suite("Cranfield relevance")
struct CranfieldTests {
    @Test("BM25 over title and abstract: the same top 1,000 as FTS5 for all 225 queries, and MAP at FTS5's published 0.301")
    func cranfield() throws {
        let collection = try Cranfield()
        #expect(collection.documents.count == 1400 && collection.queries.count == 225)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cranfield-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let texts = Dictionary(uniqueKeysWithValues: collection.documents)
        _ = try IndexWriter(folder: folder).sync(live: Set(texts.keys)) { ids in ids.map { ($0, texts[$0]!) } }
        let searcher = Searcher(snapshot: try IndexSnapshot(folder: folder))
        let fts = FTS5Table()
        fts.insert(collection.documents)
        var ours = 0.0, theirs = 0.0
        var identical = 0
        for (i, text) in collection.queries.enumerated() {
            let query = Cranfield.orQuery(text)
            let ranking = searcher.rank(try QueryParser().parse(query)).map(\.passageID)
            let reference = try #require(fts.search(query)).map(\.0)
            if Array(ranking.prefix(1000)) == Array(reference.prefix(1000)) { identical += 1 }
            ours += collection.averagePrecision(ranking, i + 1)
            theirs += collection.averagePrecision(reference, i + 1)
        }
        let map = ours / 225
        print("Cranfield MAP \(map)")
        #expect(identical == 225)
        #expect(map == theirs / 225)
        #expect(abs(map - 0.3013) < 0.005, "MAP \(map)")
    }

    @Test("the default search, by document, ranks Cranfield's papers better than FTS5's BM25: MAP and nDCG@10 higher")
    func byDocument() throws {
        let collection = try Cranfield()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cranfield-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let texts = Dictionary(uniqueKeysWithValues: collection.documents)
        // Each paper a document of one passage, numbered as the collection numbers it.
        _ = try IndexWriter(folder: folder).sync(live: Set(texts.keys)) { ids in
            ids.map { IndexWriter.Passage(id: $0, document: Int($0), text: texts[$0]!) }
        }
        let searcher = Searcher(snapshot: try IndexSnapshot(folder: folder))
        var map = (ours: 0.0, fts5: 0.0), ndcg = (ours: 0.0, fts5: 0.0)
        for (i, text) in collection.queries.enumerated() {
            let node = try QueryParser().parse(Cranfield.orQuery(text))
            let page = searcher.documentPage(node, perDocument: 1, offset: 0, limit: 1000, wholeDocuments: true)
            let ours = page.documents.map { Int64($0.id) }
            let fts5 = searcher.rank(node).map(\.passageID)
            map.ours += collection.averagePrecision(ours, i + 1)
            map.fts5 += collection.averagePrecision(fts5, i + 1)
            ndcg.ours += collection.ndcg(ours, i + 1)
            ndcg.fts5 += collection.ndcg(fts5, i + 1)
        }
        print("Cranfield by document: MAP \(map.ours / 225) against \(map.fts5 / 225), nDCG@10 \(ndcg.ours / 225) against \(ndcg.fts5 / 225)")
        #expect(map.ours > map.fts5 * 1.01, "MAP \(map)")
        #expect(ndcg.ours > ndcg.fts5 * 1.03, "nDCG@10 \(ndcg)")
    }
}


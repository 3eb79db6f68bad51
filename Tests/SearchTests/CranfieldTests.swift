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
        }
    }

    /// The query's words, each quoted, OR'ed.
    static func orQuery(_ text: String) -> String {
        text.split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map { "\"\($0)\"" }.joined(separator: " OR ")
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
}

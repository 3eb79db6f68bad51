import Foundation
import Index
@testable import Search
import Testing
import TestSupport

/// The OR read from short lists (`ShortListWalk.union2` for two words,
/// `unionMany` for more, and `Candidates`) on lists of chosen lengths: one word in most passages,
/// one in a few hundred, one in a handful, and passages repeated word for
/// word so that scores tie. Every path is taken: the merge of lists of
/// like lengths and the galloping search of a long list, the commoner
/// word's list passed over whole, the floor raised on a long list, and
/// deletions.
@Suite("Short lists")
struct ShortListTests {
    /// A new empty folder for an index.
    static func indexFolder() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dossier-shortlists-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    /// Passages holding `common` (most), `middle` (about a fifth), `rare`
    /// (about one in a hundred), with frequencies and lengths that vary.
    static func corpus(_ seed: UInt64, count: Int, first: Int64) -> [(Int64, String)] {
        var random = Random(state: seed)
        var rows: [(Int64, String)] = []
        for i in 0..<count {
            let id = first + Int64(i)
            // Every tenth passage repeats the one before: the same score, told apart by id.
            if i % 10 == 9, let last = rows.last {
                rows.append((id, last.1))
                continue
            }
            var words = (0..<(3 + random.below(i % 7 == 0 ? 400 : 120))).map { _ in "filler\(random.below(300))" }
            func put(_ word: String, _ percent: Int) {
                guard random.chance(percent) else { return }
                for _ in 0..<(1 + (random.chance(25) ? random.below(4) : 0)) { words.insert(word, at: random.below(words.count + 1)) }
            }
            put("common", 80)
            put("middle", 20)
            if random.below(1000) < 12 { put("rare", 100) }
            rows.append((id, words.joined(separator: " ")))
        }
        return rows
    }

    @Test("an OR of two words or more (and AND, and a lone word) from short lists gives the exhaustive evaluator's hits, doubles and total for every k, before and after deletions")
    func unionOfTwo() throws {
        let dir = try Self.indexFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        var live: [Int64: String] = [:]
        let writer = try IndexWriter(folder: dir)
        let fts = FTS5Table()
        let queries = ["rare OR common", "common OR rare", "middle OR common", "common OR middle", "rare OR middle",
                       "middle OR rare", "rare OR filler7", "filler7 OR common", "common OR common", "middle OR filler7", "filler7 OR filler8",
                       "rare AND common", "common AND middle", "middle AND filler7", "rare middle", "rare", "middle", "filler7",
                       // Three words or more: summed per passage in query order (ShortListWalk.unionMany).
                       "rare OR middle OR common", "common OR filler7 OR rare OR middle", "filler7 OR filler8 OR filler9",
                       "middle OR rare OR middle", "filler7 OR common OR filler7 OR filler8 OR rare"]
        func check(_ label: String) throws -> Int {
            let searcher = Searcher(snapshot: try IndexSnapshot(folder: dir))
            var cursors = searcher
            cursors.readsShortLists = false
            // The shared passages found by a merge, not a bitset, as in a segment of more than 65,536 passages.
            var merging = searcher
            merging.bitsetPassages = 0
            var fromShortLists = 0
            for query in queries {
                let node = try QueryParser().parse(query)
                let (phrases, connective) = try #require(searcher.termShape(node))
                if searcher.shortListTop(phrases, connective, k: 10) != nil { fromShortLists += 1 }
                let full = searcher.exhaustiveRank(node)
                let expected = try #require(fts.search(query))
                #expect(expected.count == full.count, "\(label) \(query)")
                for k in [1, 3, 10, 25, 100, 5000] {
                    let top = searcher.top(node, k: k)
                    #expect(top.total == full.count, "\(label) \(query) k=\(k)")
                    #expect(top.hits.map(\.passageID) == full.prefix(k).map(\.passageID), "\(label) \(query) k=\(k)")
                    #expect(zip(top.hits, full).allSatisfy { $0.bm25.bitPattern == $1.bm25.bitPattern }, "\(label) \(query) k=\(k)")
                    #expect(zip(top.hits, expected).allSatisfy { $0.passageID == $1.0 && $0.bm25.bitPattern == $1.1.bitPattern }, "\(label) \(query) k=\(k): FTS5")
                    #expect(cursors.top(node, k: k).hits == top.hits, "\(label) \(query) k=\(k): cursors")
                    let merged = merging.top(node, k: k)
                    #expect(merged.hits == top.hits && merged.total == top.total, "\(label) \(query) k=\(k): merged")
                }
            }
            return fromShortLists
        }
        // One segment of 3,000 passages: "common" in about 2,400, "middle" in about 600, "rare" in about 35.
        let rows = Self.corpus(7, count: 3000, first: 1)
        for (id, text) in rows { live[id] = text }
        fts.insert(rows)
        _ = try writer.sync(live: Set(live.keys)) { ids in ids.map { ($0, live[$0]!) } }
        #expect(try check("one segment") == queries.count, "every query here is read from short lists")
        // A second segment, then deletions in both.
        let more = Self.corpus(8, count: 1500, first: 10_001)
        for (id, text) in more { live[id] = text }
        fts.insert(more)
        _ = try writer.sync(live: Set(live.keys)) { ids in ids.map { ($0, live[$0]!) } }
        _ = try check("two segments")
        var random = Random(state: 9)
        let victims = live.keys.sorted().filter { _ in random.chance(15) }
        for id in victims { live[id] = nil }
        fts.delete(victims)
        _ = try writer.sync(live: Set(live.keys)) { ids in ids.map { ($0, live[$0]!) } }
        _ = try check("after deletions")
    }

    @Test("a passage that arrives after the floor is raised and scores in the floor's own slice is kept")
    func floorSlice() throws {
        let dir = try Self.indexFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        // 10 passages holding "middle" 3 times, then 246 holding it once in
        // 100 tokens: at the 256th, the slice of the 20th best is theirs.
        // Then 30 holding it once in 99, 98 or 97 tokens: a hair better,
        // most of them in that same slice, and the best 10 belong in the top 20.
        func passage(_ times: Int, _ length: Int) -> String {
            (Array(repeating: "middle", count: times) + (0..<(length - times)).map { "f\($0 % 50)" }).joined(separator: " ")
        }
        var rows: [(Int64, String)] = []
        for i in 0..<10 { rows.append((Int64(rows.count + 1), passage(3, 100))); _ = i }
        for _ in 0..<246 { rows.append((Int64(rows.count + 1), passage(1, 100))) }
        for i in 0..<30 { rows.append((Int64(rows.count + 1), passage(1, 99 - i % 3))) }
        rows.append((Int64(rows.count + 1), "zzz " + passage(0, 100)))
        // Passages without it, so that its idf is far from nothing.
        for _ in 0..<1500 { rows.append((Int64(rows.count + 1), passage(0, 100))) }
        let texts = Dictionary(uniqueKeysWithValues: rows)
        let fts = FTS5Table()
        fts.insert(rows)
        _ = try IndexWriter(folder: dir).sync(live: Set(texts.keys)) { ids in ids.map { ($0, texts[$0]!) } }
        let searcher = Searcher(snapshot: try IndexSnapshot(folder: dir))
        for query in ["middle OR zzz", "zzz OR middle"] {
            let node = try QueryParser().parse(query)
            let (phrases, connective) = try #require(searcher.termShape(node))
            #expect(searcher.shortListTop(phrases, connective, k: 20) != nil)
            let expected = try #require(fts.search(query))
            for k in [11, 20, 40] {
                let top = searcher.top(node, k: k)
                #expect(top.total == 287)
                #expect(top.hits.contains { $0.passageID > 256 }, "the passages after the 256th hold some of the best")
                #expect(zip(top.hits, expected).allSatisfy { $0.passageID == $1.0 && $0.bm25.bitPattern == $1.1.bitPattern } && top.hits.count == k,
                        "\(query) k=\(k): \(top.hits.map(\.passageID)) against FTS5's \(expected.prefix(k).map(\.0))")
            }
        }
    }

    @Test("after an update deletes a document's passages (a run of consecutive ones), lists drop the run and totals and hits stay the exhaustive evaluator's")
    func deletedRuns() throws {
        let dir = try Self.indexFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        var live: [Int64: String] = [:]
        let rows = Self.corpus(11, count: 3000, first: 1)
        for (id, text) in rows { live[id] = text }
        let writer = try IndexWriter(folder: dir)
        _ = try writer.sync(live: Set(live.keys)) { ids in ids.map { ($0, live[$0]!) } }
        // Two documents' passages go (two runs of local numbers), as an update that replaces them does.
        for id in Int64(1201)...1260 { live[id] = nil }
        for id in Int64(2500)...2512 { live[id] = nil }
        _ = try writer.sync(live: Set(live.keys)) { ids in ids.map { ($0, live[$0]!) } }
        let snapshot = try IndexSnapshot(folder: dir)
        #expect(snapshot.deleted.contains { $0.count == 73 }, "the deletions stay in the segment, not merged away")
        let searcher = Searcher(snapshot: snapshot)
        for query in ["rare OR common", "middle OR common", "middle OR filler7", "rare", "middle", "rare AND middle"] {
            let node = try QueryParser().parse(query)
            let (phrases, connective) = try #require(searcher.termShape(node))
            #expect(searcher.shortListTop(phrases, connective, k: 10) != nil, "\(query)")
            let full = searcher.exhaustiveRank(node)
            for k in [1, 10, 100, 5000] {
                let top = searcher.top(node, k: k)
                #expect(top.total == full.count, "\(query) k=\(k)")
                #expect(top.hits.map(\.passageID) == full.prefix(k).map(\.passageID), "\(query) k=\(k)")
                #expect(!top.hits.contains { (1201...1260).contains($0.passageID) || (2500...2512).contains($0.passageID) })
            }
        }
    }
}

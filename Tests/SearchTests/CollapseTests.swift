import Foundation
import Index
@testable import Search
import Testing

@Suite("Collapsing by document")
struct CollapseTests {
    @Test("collapse gives the full ranking's groups, passages and total, for every page and per-group limit", arguments: [UInt64(21), 22])
    func sameAsFullRanking(seed: UInt64) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dossier-collapse-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var corpus = Corpus(seed: seed, size: 60)
        _ = try threeRounds(&corpus, in: dir)
        let searcher = Searcher(snapshot: try IndexSnapshot(folder: dir))
        // Groups of uneven size: a passage's "document" is its id over a
        // varying width, so that some groups hold one passage and some fifty.
        let group = { (id: Int64) -> Int? in id % 97 == 0 ? nil : Int(id % 1000 < 40 ? id / 50 : id % 1000 < 200 ? id / 7 : id) }
        var expanded = 0, settledEarly = 0
        for i in 0..<120 {
            let terms = (0..<(1 + i % 3)).map { _ in corpus.term() }
            let query = i % 4 == 3 ? "\"\(String(corpus.word().prefix(2)))\"*" : terms.joined(separator: i % 2 == 0 ? " OR " : " AND ")
            let node = try QueryParser().parse(query)
            let full = searcher.rank(node)
            for perGroup in [1, 3, 100] {
                let all = Searcher.collapse(full, perGroup: perGroup, group: group).flatMap(\.hits)
                for entries in [0, 1, 10, 30, 500] {
                    let collapsed = searcher.collapse(node, perGroup: perGroup, entries: entries, group: group)
                    #expect(collapsed.total == full.count, "\(query)")
                    let got = collapsed.groups.flatMap(\.hits)
                    let want = Array(all.prefix(entries))
                    #expect(Array(got.prefix(entries)) == want, "\(query) perGroup=\(perGroup) entries=\(entries)")
                    // Every group returned shows all it can.
                    for (key, hits) in collapsed.groups {
                        #expect(hits.allSatisfy { group($0.passageID) == key })
                        #expect(hits.count == min(perGroup, full.filter { group($0.passageID) == key }.count), "\(query) group \(key)")
                    }
                    if collapsed.ranked < full.count { settledEarly += 1 } else if collapsed.ranked > max(64, entries * 4) { expanded += 1 }
                }
            }
        }
        #expect(settledEarly > 60, "a page of groups must be settled without ranking every match: \(settledEarly)")
        #expect(expanded > 0, "some pages need the prefix to grow")
    }
}

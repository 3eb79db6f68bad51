import Analysis
import Foundation
import Testing
import TestSupport
@testable import DossierCore
@testable import Index

@Suite("The lexicon: words as written, per language")
struct LexiconTests {
    /// English and French passages, each word's occurrences known.
    static let english = ["Export permits: exports and re-exports are exported", "The exportation of timber", "Timber exports"]
    static let french = ["Les exportations et l'exportation", "Espèces menacées d'exportation", "Exportations brutes"]
        + Array(repeating: "Le commerce international des espèces sauvages", count: 5)

    static func passages() -> [IndexWriter.Passage] {
        var out: [IndexWriter.Passage] = []
        for (i, text) in english.enumerated() { out.append(.init(id: Int64(i + 1), document: 1, text: text)) }
        for (i, text) in french.enumerated() { out.append(.init(id: Int64(i + 11), document: 2, text: text, language: .french)) }
        return out
    }

    /// An index of the passages in `dir`, its writer, and the passages by id.
    static func indexed(in dir: URL) throws -> (IndexWriter, [Int64: IndexWriter.Passage]) {
        let passages = Dictionary(uniqueKeysWithValues: Self.passages().map { ($0.id, $0) })
        let writer = try IndexWriter(folder: dir)
        _ = try writer.sync(live: Set(passages.keys)) { ids in ids.map { passages[$0]! } }
        return (writer, passages)
    }

    @Test("a segment counts each word as written (folded, accents removed, unstemmed) in the language it was analyzed in")
    func counts() throws {
        var writer = SegmentWriter()
        for passage in Self.passages() { writer.add(id: passage.id, document: passage.document, text: passage.text, language: passage.language) }
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("s.seg")
        try writer.write(to: url)
        let reader = try SegmentReader(url: url)
        let lexicon = try #require(reader.lexicon)
        let parts = Dictionary(uniqueKeysWithValues: lexicon.parts.map { ($0.code, $0) })
        #expect(Set(parts.keys) == ["en", "fr"])
        func count(_ word: String, _ code: String) -> UInt32 {
            var word = word
            return word.withUTF8 { lexicon.occurrences(of: SurfaceLexicon.key($0), in: parts[code]!) }
        }
        let englishTokens = Self.english.map { Analyzer().terms($0).count }.reduce(0, +)
        let frenchTokens = Self.french.map { Analyzer(language: .french).terms($0).count }.reduce(0, +)
        #expect(parts["en"]!.tokens == UInt64(englishTokens) && parts["fr"]!.tokens == UInt64(frenchTokens))
        #expect(count("exportation", "en") == 1 && count("exportation", "fr") == 2)
        #expect(count("exports", "en") == 3 && count("export", "en") == 1 && count("exportations", "fr") == 2)
        // Accents removed, as English folds a query word; stems are not words.
        #expect(count("menacees", "fr") == 1 && count("especes", "fr") == 6 && count("menac", "fr") == 0)
        #expect(count("timber", "en") == 2 && count("timber", "fr") == 0 && count("nowhere", "en") == 0)
        // Every word of each language is found, and the keys ascend.
        for part in lexicon.parts {
            for i in 1..<part.count { #expect(lexicon.key(part, i - 1) < lexicon.key(part, i)) }
        }
    }

    @Test("the index adds the segments' counts, scaled to their live tokens after deletions and merges")
    func snapshotCounts() throws {
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (writer, passages) = try Self.indexed(in: dir)
        var snapshot = try IndexSnapshot(folder: dir)
        #expect(snapshot.segments.count == 2 && snapshot.segments.allSatisfy(\.hasLexicon))
        let written = try #require(snapshot.written("exportation"))
        #expect(written["en"]?.occurrences == 1 && written["fr"]?.occurrences == 2)
        // Deleting a French passage scales French counts by the live share.
        let live = Set(passages.keys).subtracting([13])
        _ = try writer.sync(live: live) { ids in ids.map { passages[$0]! } }
        snapshot = try IndexSnapshot(folder: dir)
        let after = try #require(snapshot.written("exportations"))
        let frenchTokens = Self.french.map { Analyzer(language: .french).terms($0).count }
        let share = Double(frenchTokens.reduce(0, +) - frenchTokens[2]) / Double(frenchTokens.reduce(0, +))
        #expect(abs(after["fr"]!.occurrences - 2 * share) < 1e-9 && abs(after["fr"]!.tokens - Double(frenchTokens.reduce(0, +)) * share) < 1e-9)
        #expect(after["en"]?.occurrences == 0)
        // A merge writes the scaled counts, rounded.
        let reader = snapshot.segments.first { $0.lexicon!.parts.contains { $0.code == "fr" } }!
        var merged = SegmentWriter(reading: reader, deleted: snapshot.deleted[snapshot.segments.firstIndex { $0 === reader }!])
        merged.invert()
        let part = try #require(merged.lexicon?.parts["fr"])
        #expect(part.tokens == UInt64((Double(frenchTokens.reduce(0, +)) * share).rounded()))
    }

    @Test("an index of format 6 segments (no lexicon) is still read, and the next sync writes it again from the passages, saying why")
    func formatSix() throws {
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (writer, passages) = try Self.indexed(in: dir)
        // Each segment rewritten as format 6.
        var snapshot = try IndexSnapshot(folder: dir)
        for (s, reader) in snapshot.segments.enumerated() {
            var old = SegmentWriter(reading: reader, deleted: snapshot.deleted[s])
            old.lexicon = nil
            let bytes = SegmentWriter.serialize([old])
            #expect(Array(bytes.prefix(8)) == Array("DOSSEG06".utf8))
            try Data(bytes).write(to: dir.appendingPathComponent("segments/\(reader.name).seg"))
        }
        snapshot = try IndexSnapshot(folder: dir)
        #expect(snapshot.passageCount == passages.count && snapshot.segments.allSatisfy { !$0.hasLexicon })
        #expect(snapshot.written("exportation") == nil)
        let summary = try writer.sync(live: Set(passages.keys)) { ids in ids.map { passages[$0]! } }
        #expect(summary.rebuilt != nil && summary.added == passages.count)
        snapshot = try IndexSnapshot(folder: dir)
        #expect(snapshot.passageCount == passages.count && snapshot.segments.allSatisfy(\.hasLexicon))
        #expect(snapshot.written("exportation")?["fr"]?.occurrences == 2)
        // Nothing more to do the time after.
        #expect(try writer.sync(live: Set(passages.keys)) { ids in ids.map { passages[$0]! } }.rebuilt == nil)
    }

    @Test("entries sort by key in linear passes as a comparison sort orders them, and terms by their bytes")
    func sorting() {
        var random = SeededRandom(seed: 23)
        for n in [0, 5, 65, 1_000, 30_000] {
            var entries = (0..<n).map { _ in UInt64(random.below(1 << 31)) << 33 | UInt64(random.below(1 << 20)) }
            let expected = entries.sorted { $0 >> 32 < $1 >> 32 }.map { $0 >> 32 }
            SurfaceLexicon.sortByKey(&entries)
            #expect(entries.map { $0 >> 32 } == expected, "\(n)")
        }
        // Terms sharing 8 bytes and more, shorter than 8, one a prefix of another, beyond ASCII.
        var table = TermTable()
        var words = ["a", "ab", "abcdefgh", "abcdefghi", "abcdefgha", "abcdefg", "abcdefgh\u{1F}", "\u{1F}frexport", "\u{1F}frexpor", "zz", "é", "éa"]
        for _ in 0..<2_000 {
            let length = 1 + random.below(14)
            words.append(String((0..<length).map { _ in "abcé".randomElement(using: &random)! }))
        }
        for word in words { var w = word; _ = w.withUTF8 { table.id(of: $0) } }
        let sorted = table.sortedIDs().map { Array(table.arena[table.range($0)]) }
        #expect(sorted == sorted.sorted { $0.lexicographicallyPrecedes($1) } && sorted.count == Set(words).count)
    }

    @Test("the term table gives a word the same id every time, a new word the next id, through growth and long words")
    func interning() {
        var random = SeededRandom(seed: 7)
        var table = TermTable()
        var firstID: [String: Int32] = [:]
        // 30,000 draws from words of 1 to 40 bytes over a small alphabet:
        // many repeats, shared prefixes longer than 8 bytes, the table grown
        // several times.
        for _ in 0..<30_000 {
            let length = 1 + random.below(random.below(4) == 0 ? 40 : 9)
            var word = String((0..<length).map { _ in "abé".randomElement(using: &random)! })
            let id = word.withUTF8 { table.id(of: $0) }
            if let known = firstID[word] {
                #expect(id == known, "\(word)")
            } else {
                #expect(Int(id) == firstID.count, "\(word)")
                firstID[word] = id
            }
        }
        #expect(table.count == firstID.count && table.count > 5_000)
        for (word, id) in firstID { #expect(Array(table.arena[table.range(id)]) == Array(word.utf8)) }
    }
}

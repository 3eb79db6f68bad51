import Analysis
import Foundation
import Index
@testable import Search
import Testing
import TestSupport

/// A query word is searched in the languages that write it (issue 33):
/// French `exportation` is not English `export`.
@Suite("Languages of a query word")
struct WordLanguagesTests {
    typealias Written = IndexSnapshot.Written

    @Test("the rule: a language drops a word it writes rarely (under a twentieth of the top rate and five times) whose form there reaches other words")
    func rule() {
        let codes = ["en", "fr", "es"]
        func choose(_ counts: [String: (Double, Double)], passages: [String: Double] = [:]) -> Set<String>? {
            WordLanguages.choose(among: codes, counts.mapValues { Written(occurrences: $0.0, tokens: $0.1) }) { passages[codes[$0]] ?? 100 }
        }
        // `exportation`: once in 400,000 English tokens, where its stem `export` stands in 262 passages; 12 times in 30,000 French ones.
        #expect(choose(["en": (1, 400_000), "fr": (12, 30_000), "es": (0, 20_000)], passages: ["en": 262, "fr": 17, "es": 0]) == ["fr"])
        #expect(choose(["en": (1, 400_000), "fr": (12, 30_000), "es": (0, 20_000)], passages: ["en": 262, "fr": 17, "es": 40]) == ["fr"])
        // Written once in Spanish, whose form stands in two passages: no leak, Spanish keeps it.
        #expect(choose(["en": (1, 400_000), "fr": (12, 30_000), "es": (1, 20_000)], passages: ["en": 262, "fr": 17, "es": 2]) == ["fr", "es"])
        // Written in all three at comparable rates: all kept (nil).
        #expect(choose(["en": (139, 400_000), "fr": (5, 30_000), "es": (4, 20_000)]) == nil)
        // Five occurrences keep a language, whatever its rate.
        #expect(choose(["en": (5, 10_000_000), "fr": (300, 30_000), "es": (0, 20_000)]) == ["en", "fr"])
        // A name the species lists write far more often than English text: English `kenya` finds only
        // passages that write it (3 occurrences, 3 passages), so English keeps it.
        #expect(choose(["en": (3, 400_000), "fr": (60, 30_000), "es": (70, 20_000)], passages: ["en": 3, "fr": 60, "es": 70]) == nil)
        // Two occurrences in the whole library tell nothing.
        #expect(choose(["en": (0, 400_000), "fr": (2, 30_000), "es": (0, 20_000)]) == nil)
        // A word no text writes (a typo, a form never used): every language.
        #expect(choose([:]) == nil)
        // English only: the others' forms reach 100 passages each without the word.
        #expect(choose(["en": (14, 400_000), "fr": (0, 30_000), "es": (0, 20_000)]) == ["en"])
    }

    @Test("the parser keeps a word's forms in the languages that write it, says which words lost English, and leaves prefixes and --lang alone")
    func parser() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dossier-wordlanguages-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var passages: [IndexWriter.Passage] = []
        for i in 0..<40 {
            passages.append(.init(id: Int64(i + 1), document: i / 4, text: "export permits for timber exports and the animal trade number \(i)"))
            passages.append(.init(id: Int64(i + 1001), document: 100 + i / 4, text: "les exportations et l'exportation d'un animal vivant \(i)",
                                  language: .french))
        }
        let byID = Dictionary(uniqueKeysWithValues: passages.map { ($0.id, $0) })
        _ = try IndexWriter(folder: dir).sync(live: Set(byID.keys)) { ids in ids.map { byID[$0]! } }
        let snapshot = try IndexSnapshot(folder: dir)
        let searcher = Searcher(snapshot: snapshot)
        let narrowing = WordLanguages(snapshot: snapshot)
        let parser = QueryParser(languages: [.french], narrowing: narrowing)
        let french = Analyzer(language: .french).terms("exportation")[0]
        func forms(_ text: String, _ parser: QueryParser) throws -> [[String]] {
            try searcher.pruned(parser.parse(text)).phrases.flatMap(\.terms).map(\.forms)
        }
        // French only: no English `export` form, so no English passage.
        #expect(try forms("exportation", parser) == [[french]])
        let hits = searcher.rank(searcher.pruned(try parser.parse("exportation")))
        #expect(hits.count == 40 && hits.allSatisfy { $0.passageID > 1000 })
        // English only, both, and the whole grammar's words as the plain path's.
        #expect(try forms("timber", parser) == [["timber"]])
        #expect(try forms("animal", parser).first?.count == 2)
        #expect(try forms("\"timber exportation\" OR animal", parser).map(\.count) == [1, 1, 2])
        #expect(parser.narrowedWords.map(\.word).sorted() == ["exportation", "timber"])
        #expect(parser.narrowedWords.first { $0.word == "exportation" }?.kept == ["fr"])
        // A prefix is not narrowed; nor is a parser without the lexicon (--lang, the FTS5 cross-check).
        #expect(try forms("exportation*", parser).first?.count == 2)
        #expect(try forms("exportation", QueryParser(languages: [.french])).first?.count == 2)
        // The flat path (words joined by OR or AND) reads the same forms.
        let flat = try #require(parser.flat("exportation OR timber"))
        #expect(flat.phrases.map { searcher.pruned($0.terms.first!).forms } == [[french], ["timber"]])
    }
}

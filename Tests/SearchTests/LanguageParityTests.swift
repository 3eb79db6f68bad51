import Analysis
import Foundation
import Index
@testable import Search
import Testing
import TestSupport

/// Passages in English, French and Spanish, each analyzed in its language
/// (issue 33): Dossier's analyzer and the FTS5 cross-check's tokenizer give
/// the same terms; every search path gives the exhaustive evaluator's
/// answer; and the evaluator gives FTS5's, to the bit.
@Suite("Languages: one analysis, every search path, FTS5")
struct LanguageParityTests {
    static let words: [Language: [String]] = [
        .english: ["trade", "trading", "traded", "species", "specimen", "specimens", "export", "exports", "exporting", "commercial",
                   "animal", "animals", "menace", "threatened", "country", "countries", "permit", "permits", "timber", "ivory", "the", "of"],
        .french: ["commerce", "commerciaux", "commerciale", "commercial", "espèce", "espèces", "menacée", "menacées", "menacé", "animaux",
                  "animal", "exportation", "exportations", "exporté", "pays", "permis", "bois", "ivoire", "l'espèce", "d'ivoire", "données",
                  "été", "le", "des"],
        .spanish: ["comercio", "comercial", "comerciales", "especie", "especies", "país", "países", "exportación", "exportaciones",
                   "amenazada", "amenazadas", "animal", "animales", "permiso", "permisos", "madera", "marfil", "el", "los", "de"],
    ]
    static let shared = ["CITES", "2019", "Loxodonta", "africana", "UNEP", "x", "Côte", "d'Ivoire"]

    struct Library {
        var random: Random
        var passages: [IndexWriter.Passage] = []

        mutating func word(_ language: Language) -> String {
            if random.chance(12) { return LanguageParityTests.shared[random.below(LanguageParityTests.shared.count)] }
            let list = LanguageParityTests.words[language]!
            // Favour the head of the list, as real text does.
            return list[min(random.below(list.count), random.below(list.count))]
        }

        mutating func text(_ language: Language) -> String {
            (0..<(3 + random.below(25))).map { _ in word(language) }.joined(separator: random.chance(30) ? ", " : " ")
        }

        /// Documents of a few passages, most in one language, some mixed.
        mutating func fill(documents: Int, firstID: Int64) {
            var id = firstID
            let languages: [Language?] = [.english, .french, .spanish, nil]
            for document in 0..<documents {
                let main = languages[random.below(languages.count)]
                for _ in 0..<(1 + random.below(5)) {
                    let language = random.chance(20) ? languages[random.below(languages.count)] : main
                    passages.append(IndexWriter.Passage(id: id, document: document, text: text(language ?? .english), language: language))
                    id += 1 + Int64(random.below(2))
                }
            }
        }
    }

    /// The text FTS5's view gives the tokenizer: the language's mark before a passage not in English.
    static func marked(_ passage: IndexWriter.Passage) -> String {
        guard let language = passage.language, language != .english else { return passage.text }
        return "\u{1B}\(language.code)\u{1B}" + passage.text
    }

    @Test("the analyzer gives the FTS5 tokenizer's terms in every language, and the parser its query forms")
    func analysis() throws {
        let fts = FTS5Table(languages: ["fr", "es"])
        var library = Library(random: Random(state: 5))
        library.fill(documents: 60, firstID: 1)
        for passage in library.passages {
            let ours = Analyzer(language: passage.language).terms(passage.text)
            #expect(ours == fts.tokens(Self.marked(passage)).map(\.term), "\(passage.language?.code ?? "-"): \(passage.text)")
        }
        #expect(Analyzer(language: .french).terms("menacées menacé l’espèce été") == ["\u{1F}frmenac", "\u{1F}frmenac", "\u{1F}frl", "\u{1F}frespec", "\u{1F}frete"])
        #expect(Analyzer(language: .spanish).terms("países país") == ["\u{1F}espais", "\u{1F}espais"])
        // A query word's forms: English's first, then each language's, FTS5's synonyms.
        let parser = QueryParser(languages: [.french, .spanish])
        for text in ["menacées", "países exportación", "Côte d'Ivoire", "commerciaux"] {
            let node = try parser.parse("\"\(text)\"")
            let ours = node.phrases.flatMap(\.terms).flatMap(\.forms)
            #expect(ours == fts.tokens(text, mode: "query").map(\.term), "\(text)")
        }
    }

    @Test("random queries over three languages: the fast paths give the evaluator's pages, and the evaluator FTS5's rows and scores",
          arguments: [UInt64(3), 4])
    func parity(seed: UInt64) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dossier-languages-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var library = Library(random: Random(state: seed))
        library.fill(documents: 120, firstID: 1)
        let first = library.passages
        library.fill(documents: 40, firstID: 10_000)
        let fts = FTS5Table(languages: ["fr", "es"])
        // Two commits, the second deleting some passages of the first.
        let writer = try IndexWriter(folder: dir)
        var live = Dictionary(uniqueKeysWithValues: first.map { ($0.id, $0) })
        _ = try writer.sync(live: Set(live.keys)) { ids in ids.map { live[$0]! } }
        for passage in library.passages.dropFirst(first.count) { live[passage.id] = passage }
        let victims = first.map(\.id).filter { $0 % 7 == 0 }
        for id in victims { live[id] = nil }
        _ = try writer.sync(live: Set(live.keys)) { ids in ids.map { live[$0]! } }
        fts.insert(live.values.sorted { $0.id < $1.id }.map { ($0.id, Self.marked($0)) })
        let searcher = Searcher(snapshot: try IndexSnapshot(folder: dir))
        #expect(searcher.snapshot.manifest.languages == ["es", "fr"])
        let parser = QueryParser(languages: [.french, .spanish])
        var random = Random(state: seed &* 31)
        func raw() -> String {
            let language = [Language.english, .french, .spanish][random.below(3)]
            let list = Self.words[language]! + Self.shared
            return list[random.below(list.count)]
        }
        func word() -> String { "\"\(raw())\"" }
        var withHits = 0, multiForm = 0
        for i in 0..<300 {
            let (a, b, c) = (word(), word(), word())
            let prefix = "\"\(String(raw().prefix(3)))\"*"
            let text = [a, "\(a) OR \(b)", "\(a) \(b)", "\(a) AND \(b) AND \(c)", prefix, "\(a) NOT \(b)", "NEAR(\(a) \(b), 4)",
                        "\(a) \(b)*", "\(a) OR \(prefix)", "(\(a) OR \(b)) AND \(c)"][i % 10]
            let node = try parser.parse(text)
            if node.phrases.contains(where: { $0.terms.contains { !$0.alternatives.isEmpty } }) { multiForm += 1 }
            let full = searcher.exhaustiveRank(node)
            let expected = try #require(fts.search(text), "\(text)")
            #expect(full.map(\.passageID) == expected.map(\.0) && zip(full, expected).allSatisfy { $0.bm25.bitPattern == $1.1.bitPattern },
                    "\(text): the evaluator \(full.prefix(3).map { "\($0.passageID):\($0.bm25)" }) FTS5 \(expected.prefix(3))")
            if !full.isEmpty { withHits += 1 }
            for engine in [node, searcher.pruned(node)] {
                let fast = searcher.rank(engine)
                #expect(fast.map(\.passageID) == full.map(\.passageID) && zip(fast, full).allSatisfy { $0.bm25.bitPattern == $1.bm25.bitPattern },
                        "\(text): rank() differs from the evaluator")
                for k in [1, 10] {
                    let top = searcher.top(engine, k: k)
                    #expect(top.total == full.count && top.hits.map(\.passageID) == full.prefix(k).map(\.passageID), "\(text) k=\(k)")
                }
                if i % 10 == 2 || i % 10 == 3 || i % 10 == 7 {
                    let parts = Searcher.andParts(engine)
                    let page = searcher.documentPage(engine, perDocument: 2, offset: 0, limit: 10, wholeDocuments: true)
                    let oracle = searcher.exhaustiveDocumentPage(parts, perDocument: 2, offset: 0, limit: 10)
                    #expect(page.documents.map(\.id) == oracle.documents.map(\.id)
                            && page.hits.map(\.bm25.bitPattern) == oracle.hits.map(\.bm25.bitPattern), "\(text): whole documents")
                }
                let grouped = searcher.documentPage(engine, perDocument: 2, offset: 0, limit: 10)
                let ranked = Searcher.documentPage(ranked: full, perDocument: 2, offset: 0, limit: 10, document: { searcher.snapshot.document(ofPassage: $0) })
                #expect(grouped.documents.map(\.id) == ranked.documents.map(\.id), "\(text): by document")
            }
        }
        #expect(withHits > 200)
        #expect(multiForm > 200)
    }
}

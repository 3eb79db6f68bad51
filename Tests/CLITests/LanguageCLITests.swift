import Foundation
import TestSupport
import Testing

/// Each document and page has a language, told from its text or set in
/// dossier.json, and shown by `documents`, `show` and `--json` (issue 33).
@Suite("Languages of documents")
struct LanguageCLITests {
    static let shared = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/corpus-real")

    static func languages(_ root: URL) throws -> [String: [String: Any]] {
        let listed = try #require(try JSONSerialization.jsonObject(with: Data(try dossier(["documents", "--json"], in: root).stdout.utf8)) as? [[String: Any]])
        var out: [String: [String: Any]] = [:]
        for document in listed { if let path = document["path"] as? String { out[(path as NSString).lastPathComponent] = document } }
        return out
    }

    @Test("the CITES guide in English, French and Spanish is told so, page by page; dossier.json overrides a folder and gives it back")
    func guides() throws {
        let root = try exampleWorkspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let library = root.appendingPathComponent("corpus/library")
        try FileManager.default.createDirectory(at: library.appendingPathComponent("es"), withIntermediateDirectories: true)
        for (code, folder) in [("en", ""), ("fr", ""), ("es", "es/")] {
            let name = "SAPI__cites_trade_guidelines__\(code)-CITES_Trade_Database_Guide.pdf"
            try #require(FileManager.default.fileExists(atPath: Self.shared.appendingPathComponent(name).path), "../shared/corpus-real is not beside the repository")
            try FileManager.default.copyItem(at: Self.shared.appendingPathComponent(name), to: library.appendingPathComponent(folder + name))
        }
        let indexed = try dossier(["index", "--no-ocr"], in: root)
        #expect(indexed.status == 0, "\(indexed.stderr)")
        var documents = try Self.languages(root)
        for code in ["en", "fr", "es"] {
            let document = try #require(documents["SAPI__cites_trade_guidelines__\(code)-CITES_Trade_Database_Guide.pdf"])
            #expect(document["language"] as? String == code)
            #expect(document["language_source"] as? String == "detected")
            // Most pages with text are told alone; none is told as another language.
            let pages = try #require(document["page_languages"] as? [String: Int])
            #expect(Set(pages.keys).isSubset(of: [code, "und"]), "\(code): \(pages)")
            #expect((pages[code] ?? 0) > 2 * (pages["und"] ?? 0), "\(code): \(pages)")
        }
        #expect(documents["iccwc-annual-report-2024.md"]?["language"] as? String == "en")
        let listing = try dossier(["documents"], in: root).stdout
        #expect(listing.contains("in French") && listing.contains("in Spanish") && listing.contains("in English"))
        let french = try #require(documents["SAPI__cites_trade_guidelines__fr-CITES_Trade_Database_Guide.pdf"]?["id"] as? Int)
        let shown = try dossier(["show", "\(french):3"], in: root)
        #expect(shown.stdout.contains("\nIn French\n"), "\(shown.stdout.prefix(300))")

        // Each form finds the other's passages in its language (the table of issue 33), and only there with --lang.
        func passages(_ query: String, _ lang: String? = nil) throws -> [Int: String] {
            let run = try dossier(["search", query, "--flat", "--json", "--limit", "1000"] + (lang.map { ["--lang", $0] } ?? []), in: root)
            let results = try #require((try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])?["results"] as? [[String: Any]],
                                       "\(query): \(run.stderr)")
            return Dictionary(uniqueKeysWithValues: results.map { ($0["passage_id"] as? Int ?? 0, $0["language"] as? String ?? "") })
        }
        for (a, b, code) in [("país", "países", "es"), ("comercial", "comerciales", "es"), ("commercial", "commerciaux", "fr"),
                             ("menacé", "menacées", "fr"), ("animal", "animaux", "fr")] {
            let (inA, inB) = (try passages(a, code), try passages(b, code))
            #expect(!inA.isEmpty && Set(inA.keys) == Set(inB.keys), "\(a) \(inA.count) / \(b) \(inB.count) in \(code)")
            #expect(inA.values.allSatisfy { $0 == code }, "\(a) --lang \(code)")
            // Without --lang, each still finds every one of them.
            let (allA, allB) = (try passages(a), try passages(b))
            #expect(Set(inB.keys).isSubset(of: Set(allA.keys)) && Set(inA.keys).isSubset(of: Set(allB.keys)), "\(a) / \(b)")
        }
        // French `exportation` is French export; English `export` passages come when asked.
        let inFrench = try passages("exportation", "fr"), both = try passages("exportation", "en,fr")
        #expect(!inFrench.isEmpty && inFrench.values.allSatisfy { $0 == "fr" })
        #expect(both.values.contains("en") && Set(inFrench.keys).isSubset(of: Set(both.keys)))
        // Without --lang as well: English text does not write `exportation`, so its English stem (`export`) is left
        // out, and a line says so; an English word keeps English.
        let unasked = try passages("exportation")
        #expect(Set(unasked.keys) == Set(inFrench.keys), "\(unasked.count) passages, \(inFrench.count) in French")
        let said = try dossier(["search", "exportation"], in: root)
        #expect(said.stderr.contains("searched \"exportation\" in French only") && said.stderr.contains("--lang en,fr"), "\(said.stderr)")
        #expect(try passages("export").values.contains("en") && !(try passages("exports").isEmpty))
        let hinted = try dossier(["search", "exportation", "--lang", "fr"], in: root)
        #expect((hinted.stdout + hinted.stderr).contains("searched in French only"), "\(hinted.stderr)")
        #expect(try dossier(["search", "exportation", "--lang", "xx"], in: root).status != 0)
        // The cross-check agrees in every language.
        let verified = try dossier(["verify", "--queries", "300"], in: root)
        #expect(verified.status == 0 && verified.stdout.contains("300 of 300 queries agree"), "\(verified.stdout)")

        // dossier.json sets a folder's language; the setting wins over the text, and its removal gives the document back.
        try Data(#"{ "languages": { "library/es/": "pt" } }"#.utf8).write(to: root.appendingPathComponent("dossier.json"))
        let reanalyzed = try dossier(["index", "--no-ocr"], in: root)
        #expect(reanalyzed.status == 0)
        #expect(reanalyzed.stdout.contains("indexed passages are analyzed again, in their own language"), "\(reanalyzed.stdout)")
        let (portuguese, spanishNow) = (try passages("países", "pt"), try passages("países", "es"))
        #expect(portuguese.count > 10 && spanishNow.isEmpty)
        documents = try Self.languages(root)
        let spanish = try #require(documents["SAPI__cites_trade_guidelines__es-CITES_Trade_Database_Guide.pdf"])
        #expect(spanish["language"] as? String == "pt" && spanish["language_source"] as? String == "settings")
        #expect(try dossier(["documents"], in: root).stdout.contains("in Portuguese (set in dossier.json)"))
        #expect(documents["SAPI__cites_trade_guidelines__fr-CITES_Trade_Database_Guide.pdf"]?["language"] as? String == "fr")
        try Data(#"{ "languages": { } }"#.utf8).write(to: root.appendingPathComponent("dossier.json"))
        #expect(try dossier(["index", "--no-ocr"], in: root).status == 0)
        #expect(try Self.languages(root)["SAPI__cites_trade_guidelines__es-CITES_Trade_Database_Guide.pdf"]?["language"] as? String == "es")

        // A code Dossier does not know is a one-line error naming the file, and nothing changes.
        try Data(#"{ "languages": { "library/es/": "xx" } }"#.utf8).write(to: root.appendingPathComponent("dossier.json"))
        let refused = try dossier(["index", "--no-ocr"], in: root)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("dossier.json") && refused.stderr.contains("'xx'"), "\(refused.stderr)")
        #expect(refused.stderr.split(separator: "\n").count == 1, "\(refused.stderr)")
    }
}

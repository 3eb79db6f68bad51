import Foundation
import TestSupport
import Testing

/// Scanned documents from the command a user types: `index` reads them,
/// `search` finds them at their pages, `status` counts them, and no page
/// is read twice.
@Suite("OCR from the command line")
struct OCRCLITests {
    static let pages: [[String]?] = [
        nil,  // a page with a text layer: "This page has a text layer about customs seizures."
        ["Customs officers seized pangolin scales", "hidden in a container of cashew nuts."],
        ["Les douanes ont saisi des défenses d'ivoire", "dans un conteneur de bois précieux."],
        ["La policía decomisó aletas de tiburón", "en el puerto de Callao."],
    ]

    static func workspace() throws -> URL {
        let root = try temporaryFolder()
        #expect(try dossier(["init", root.path]).status == 0)
        PDFFixture.writeScanned(pages, to: root.appendingPathComponent("corpus/library/seizures.pdf"))
        return root
    }

    static func pages(of query: String, in root: URL) throws -> [Int] {
        let run = try dossier(["search", query, "--json", "--flat"], in: root)
        #expect(run.status == 0, "\(run.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any]
        return (json?["results"] as? [[String: Any]] ?? []).compactMap { $0["page"] as? Int }
    }

    @Test("a PDF mixing a text page and scanned pages in three languages is searchable on every page, at its page")
    func mixed() throws {
        let root = try Self.workspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let first = try dossier(["index"], in: root)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("ocr        3 scanned pages read"), "\(first.stdout)")
        #expect(try Self.pages(of: "customs seizures", in: root) == [1])
        #expect(try Self.pages(of: "pangolin scales", in: root) == [2])
        #expect(try Self.pages(of: "défenses d'ivoire", in: root) == [3])
        #expect(try Self.pages(of: "aletas de tiburón", in: root) == [4])
        // Marked as OCR's, with its confidence, in JSON and in text.
        let json = try dossier(["search", "pangolin", "--json"], in: root)
        let result = ((try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])?["results"] as? [[String: Any]])?.first
        #expect(result?["ocr"] as? Bool == true)
        #expect(((result?["ocr_confidence"] as? Double) ?? 0) > 60)
        #expect(try dossier(["search", "pangolin"], in: root).stdout.contains("p. 2 (scanned: OCR"))
        let text = ((try JSONSerialization.jsonObject(with: Data(try dossier(["search", "customs seizures", "--json"], in: root).stdout.utf8))
            as? [String: Any])?["results"] as? [[String: Any]])?.first
        #expect(text?["ocr"] as? Bool == false)
        #expect(try dossier(["show", "1:2"], in: root).stdout.contains("── p. 2 (scanned: OCR"))
        #expect(try dossier(["documents"], in: root).stdout.contains("3 scanned pages read by OCR"))
        let status = try dossier(["status"], in: root)
        #expect(status.stdout.contains("scanned    3 pages read by OCR"), "\(status.stdout)")
        // Nothing is read twice.
        let again = try dossier(["index"], in: root)
        #expect(again.status == 0 && !again.stdout.contains("ocr "), "\(again.stdout)")
        // The FTS5 cross-check agrees on the OCR'd passages.
        let verify = try dossier(["verify"], in: root)
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
    }

    @Test("--no-ocr and a spent budget leave pages waiting; the next update reads them")
    func budget() throws {
        let root = try Self.workspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let skipped = try dossier(["index", "--no-ocr"], in: root)
        #expect(skipped.status == 0 && !skipped.stdout.contains("ocr "), "\(skipped.stdout)")
        #expect(try Self.pages(of: "pangolin", in: root).isEmpty)
        let spent = try dossier(["index", "--ocr-budget", "0"], in: root)
        #expect(spent.stdout.contains("3 left for the next update"), "\(spent.stdout)")
        #expect(try dossier(["status"], in: root).stdout.contains("3 waiting for the next update"))
        #expect(try dossier(["documents"], in: root).stdout.contains("3 waiting for OCR"))
        #expect(try dossier(["show", "1:3"], in: root).stdout.contains("(scanned: waiting for OCR)"))
        let next = try dossier(["index"], in: root)
        #expect(next.stdout.contains("ocr        3 scanned pages read"), "\(next.stdout)")
        #expect(try Self.pages(of: "pangolin", in: root) == [2])
        #expect(try dossier(["index", "--ocr-languages", "eng;rm"], in: root).status == 2)
    }

    @Test("dossier.json sets the languages and the budget; missing language data leaves pages waiting, said once")
    func settings() throws {
        let root = try Self.workspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let settings = root.appendingPathComponent("dossier.json")
        try Data(#"{"ocr": {"budget_minutes": 0}}"#.utf8).write(to: settings)
        #expect(try dossier(["index"], in: root).stdout.contains("3 left for the next update"))
        try Data(#"{"ocr": {"languages": "xyz"}}"#.utf8).write(to: settings)
        let missing = try dossier(["index"], in: root)
        #expect(missing.status == 0 && missing.stderr.contains("no Tesseract data for xyz (install tesseract-ocr-xyz); 3 scanned pages wait"),
                "\(missing.stderr)")
        #expect(try dossier(["status"], in: root).stdout.contains("3 waiting for the next update"))
        try Data(#"{"ocr": {"languages": 5}"#.utf8).write(to: settings)
        let broken = try dossier(["index"], in: root)
        #expect(broken.status == 1 && broken.stderr.contains("dossier.json is not valid settings JSON"), "\(broken.stderr)")
        #expect(broken.stderr.split(separator: "\n").count == 1)
        try Data(#"{"ocr": {"languages": "eng"}}"#.utf8).write(to: settings)
        #expect(try dossier(["index"], in: root).stdout.contains("ocr        3 scanned pages read"))
    }
}

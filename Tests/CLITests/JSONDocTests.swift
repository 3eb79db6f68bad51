import Foundation
import TestSupport
import Testing

/// docs/SEARCH-JSON.md lists every key of every command's JSON (issue
/// 37, item 2): the keys of the documented examples are the keys the
/// commands print, no more (and, where one run prints them all, no fewer).
@Suite("The JSON as documented")
struct JSONDocTests {
    /// The keys of the JSON example after `heading` in docs/SEARCH-JSON.md,
    /// comments left out, one-line objects (counts keyed by data) emptied.
    static func documentedKeys(after heading: String) throws -> Set<String> {
        let doc = try String(contentsOf: repositoryRoot.appendingPathComponent("docs/SEARCH-JSON.md"), encoding: .utf8)
        let start = try #require(doc.range(of: heading)).upperBound
        let open = try #require(doc.range(of: "```json\n", range: start..<doc.endIndex)).upperBound
        let close = try #require(doc.range(of: "```", range: open..<doc.endIndex)).lowerBound
        var block = String(doc[open..<close])
        block = block.replacingOccurrences(of: #"\s//\s.*"#, with: "", options: .regularExpression)
        block = block.replacingOccurrences(of: #":\s*\{[^{}\n]*\}"#, with: ": {}", options: .regularExpression)
        let pattern = try NSRegularExpression(pattern: #""([a-z][a-z0-9_]*)"\s*:"#)
        let range = NSRange(block.startIndex..., in: block)
        return Set(pattern.matches(in: block, range: range).compactMap { Range($0.range(at: 1), in: block).map { String(block[$0]) } })
    }

    /// Every key of `json`, at any depth, but inside the objects named in `counts` (keyed by data).
    static func keys(_ json: Any, counts: Set<String> = []) -> Set<String> {
        switch json {
        case let object as [String: Any]:
            return object.reduce(into: Set(object.keys)) { out, entry in
                if !counts.contains(entry.key) { out.formUnion(keys(entry.value, counts: counts)) }
            }
        case let array as [Any]:
            return array.reduce(into: Set<String>()) { $0.formUnion(keys($1, counts: counts)) }
        default:
            return []
        }
    }

    @Test("search --json, status --json and documents --json print exactly the keys docs/SEARCH-JSON.md lists")
    func keysAsDocumented() throws {
        let root = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(try dossier(["init", root.path]).status == 0)
        let url = "https://example.org/timber.pdf"
        try Data("# Timber\n\n- [ ] [Timber report](\(url)) check the figures\n".utf8)
            .write(to: root.appendingPathComponent("corpus/notes/timber.md"))
        let pdf = root.appendingPathComponent("timber.pdf")
        PDFFixture.write([.init(label: "iv", lines: ["Timber trafficking along the Mekong"])], to: pdf, title: "Timber report")
        #expect(try dossier(["attach", "--workspace", root.path, url, pdf.path]).status == 0)
        #expect(try dossier(["index", "--workspace", root.path]).status == 0)

        var printed = Set<String>()
        for extra in [[], ["--flat"]] {
            let run = try dossier(["search", "--json", "--workspace", root.path] + extra + ["timber trafficking"])
            let json = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
            #expect((json["results"] as? [[String: Any]])?.first?["citations"] as? [Any] != nil)
            printed.formUnion(Self.keys(json))
        }
        let documented = try Self.documentedKeys(after: "# `dossier search --json`")
        #expect(printed.subtracting(documented).isEmpty, "printed, not documented: \(printed.subtracting(documented).sorted())")
        #expect(documented.subtracting(printed).isEmpty, "documented, not printed: \(documented.subtracting(printed).sorted())")

        // A note edited in place keeps its number and gains a version.
        try Data("# Timber\n\n- [x] [Timber report](\(url)) checked the figures\n".utf8)
            .write(to: root.appendingPathComponent("corpus/notes/timber.md"))
        #expect(try dossier(["index", "--workspace", root.path]).status == 0)
        let documents = try dossier(["documents", "--json", "--workspace", root.path])
        let listed = try #require(try JSONSerialization.jsonObject(with: Data(documents.stdout.utf8)) as? [[String: Any]])
        #expect(listed.contains { ($0["versions"] as? [Any])?.isEmpty == false })
        let documentKeys = Self.keys(listed, counts: ["page_languages"])
        let documentsDocumented = try Self.documentedKeys(after: "## `dossier documents --json`")
        #expect(documentKeys.subtracting(documentsDocumented).isEmpty, "printed, not documented: \(documentKeys.subtracting(documentsDocumented).sorted())")
        #expect(documentsDocumented.subtracting(documentKeys).isEmpty, "documented, not printed: \(documentsDocumented.subtracting(documentKeys).sorted())")

        let status = try dossier(["status", "--json", "--workspace", root.path])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)))
        // The top-level `urls` and the documents by kind and by status are counts keyed by data.
        let statusKeys = Self.keys(json, counts: ["documents_by_kind", "documents_by_status", "urls"])
        let statusDocumented = try Self.documentedKeys(after: "## `dossier status --json`")
        #expect(statusKeys.subtracting(statusDocumented).isEmpty, "printed, not documented: \(statusKeys.subtracting(statusDocumented).sorted())")
        #expect(statusDocumented.subtracting(statusKeys).isEmpty, "documented, not printed: \(statusDocumented.subtracting(statusKeys).sorted())")
    }

    @Test("notes, links, fetch, index, update, verify and meta --json print only keys docs/SEARCH-JSON.md lists, and every one it lists")
    func otherCommands() throws {
        let pdfFolder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: pdfFolder) }
        PDFFixture.write([.init(label: nil, lines: ["Timber trafficking"]), .init(label: nil, lines: ["Rosewood logs"])],
                         to: pdfFolder.appendingPathComponent("r.pdf"), title: "Timber review")
        let pdf = [UInt8](try Data(contentsOf: pdfFolder.appendingPathComponent("r.pdf")))
        let server = try TestHTTPServer { request in
            switch request.uri {
            case "/r.pdf": return .respond(status: 200, headers: [("Content-Type", "application/pdf"), ("ETag", "\"r1\""),
                                                                  ("Last-Modified", "Sun, 06 Dec 2026 10:00:00 GMT")], body: pdf)
            case "/old.pdf": return .respond(status: 301, headers: [("Location", "/r.pdf")], body: [])
            case "/landing": return .respond(status: 200, headers: [("Content-Type", "text/html")], body: Array(
                "<html><head><title>Record</title><meta name=\"citation_pdf_url\" content=\"/paper.pdf\"></head><body><p>A record.</p></body></html>".utf8))
            case "/paper.pdf": return .respond(status: 200, headers: [("Content-Type", "application/pdf")], body: pdf)
            default: return .respond(status: 404, headers: [], body: [])
            }
        }
        defer { server.shutdown() }
        let root = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(try dossier(["init", root.path]).status == 0)
        try Data("""
            # Trade
            - [ ] [review](\(server.url("/r.pdf#page=2"))) and [moved](\(server.url("/old.pdf")))
            - [record](\(server.url("/landing"))) · [gone](\(server.url("/gone.pdf")))
            [unused]: \(server.url("/unused.pdf"))
            """.utf8).write(to: root.appendingPathComponent("corpus/notes/n.md"))
        try Data("not a pdf".utf8).write(to: root.appendingPathComponent("corpus/library/broken.pdf"))
        let env = ["DOSSIER_BACKOFF_MS": "10", "DOSSIER_POLITENESS_MS": "0"]
        func keys(_ arguments: [String], counts: Set<String> = []) throws -> Set<String> {
            let run = try dossier(arguments + ["--json"], in: root, environment: env)
            let json = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)), "\(arguments): \(run.stderr)")
            return Self.keys(json, counts: counts)
        }
        func check(_ command: String, _ printed: Set<String>, all: Bool) throws {
            let documented = try Self.documentedKeys(after: "## `dossier \(command) --json`")
            #expect(printed.subtracting(documented).isEmpty, "\(command): printed, not documented: \(printed.subtracting(documented).sorted())")
            if all {
                #expect(documented.subtracting(printed).isEmpty, "\(command): documented, not printed: \(documented.subtracting(printed).sorted())")
            }
        }
        try check("fetch", try keys(["fetch"]), all: false)
        try check("index", try keys(["index"]), all: false)
        try check("notes", try keys(["notes"]), all: false)
        try check("links", try keys(["links"]), all: true)
        try check("update", try keys(["update", "--force"], counts: ["seconds"]), all: false)
        try check("verify", try keys(["verify"]), all: false)
        let listed = try #require(try JSONSerialization.jsonObject(with: Data(try dossier(["documents", "--json", "--kind", "pdf"], in: root).stdout.utf8)) as? [[String: Any]])
        let id = try #require(listed.first { $0["status"] as? String == "extracted" }?["id"] as? Int)
        let meta = try keys(["meta", "\(id)"])
        try check("meta N", meta, all: false)
        #expect(meta.isSuperset(of: ["document", "fields", "readings", "field", "source", "value", "title"]), "\(meta)")
    }
}

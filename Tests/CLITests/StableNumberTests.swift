import Foundation
import TestSupport
import Testing

/// A document keeps its number while it is the same work (issue 35): a
/// note edited or renamed, a library file renamed; a number once given is
/// never given to another document.
@Suite("Stable document numbers")
struct StableNumberTests {
    /// Document number by path, from `documents --json`.
    static func numbers(_ root: URL) throws -> [String: Int] {
        let listed = try #require(try JSONSerialization.jsonObject(with: Data(try dossier(["documents", "--json"], in: root).stdout.utf8)) as? [[String: Any]])
        var out: [String: Int] = [:]
        for document in listed { if let path = document["path"] as? String, let id = document["id"] as? Int { out[path] = id } }
        return out
    }

    @Test("an edited note, a renamed note and a renamed PDF keep their numbers; a removed document's number is never reused")
    func stable() throws {
        let root = try exampleWorkspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let library = root.appendingPathComponent("corpus/library")
        PDFFixture.write([.init(label: nil, lines: ["Rosewood seizures at the border"])], to: library.appendingPathComponent("rosewood.pdf"))
        PDFFixture.write([.init(label: nil, lines: ["Pangolin scales in transit"])], to: library.appendingPathComponent("pangolin.pdf"))
        #expect(try dossier(["index"], in: root).status == 0)
        let before = try Self.numbers(root)
        let note = "corpus/notes/iccwc-annual-report-2024.md"
        let noteID = try #require(before[note]), rosewoodID = try #require(before["corpus/library/rosewood.pdf"])

        // Tick a task box and add a line: the note is a new version of the same document.
        let noteURL = root.appendingPathComponent(note)
        var text = try String(contentsOf: noteURL, encoding: .utf8)
        text = text.replacingOccurrences(of: "- [ ]", with: "- [x]", options: [], range: text.range(of: "- [ ]")) + "\nOkapi smuggling noted.\n"
        try Data(text.utf8).write(to: noteURL)
        let edited = try dossier(["index"], in: root)
        #expect(edited.status == 0, "\(edited.stderr)")
        #expect(try Self.numbers(root)[note] == noteID)
        let found = try dossier(["search", "okapi", "--json"], in: root)
        #expect(found.stdout.contains("\"id\" : \(noteID)") || found.stdout.contains("\"id\":\(noteID)"), "\(found.stdout.prefix(400))")
        #expect(try dossier(["show", "\(noteID)"], in: root).stdout.contains("Okapi smuggling"))

        // Renamed files keep their numbers.
        try FileManager.default.moveItem(at: library.appendingPathComponent("rosewood.pdf"), to: library.appendingPathComponent("rosewood-2024.pdf"))
        try FileManager.default.moveItem(at: noteURL, to: root.appendingPathComponent("corpus/notes/iccwc.md"))
        #expect(try dossier(["index"], in: root).status == 0)
        let after = try Self.numbers(root)
        #expect(after["corpus/library/rosewood-2024.pdf"] == rosewoodID)
        #expect(after["corpus/notes/iccwc.md"] == noteID)
        #expect(after[note] == nil && after["corpus/library/rosewood.pdf"] == nil)
        #expect(try dossier(["search", "rosewood", "--json"], in: root).stdout.contains("rosewood-2024.pdf"))

        // The highest number goes; the next document takes a new one.
        let highest = try #require(after.values.max())
        let highestPath = try #require(after.first { $0.value == highest }?.key)
        try FileManager.default.removeItem(at: root.appendingPathComponent(highestPath))
        #expect(try dossier(["index"], in: root).status == 0)
        #expect(try dossier(["show", "\(highest)"], in: root).status != 0)
        PDFFixture.write([.init(label: nil, lines: ["Ivory carvings declared as bone"])], to: library.appendingPathComponent("ivory.pdf"))
        #expect(try dossier(["index"], in: root).status == 0)
        let ivory = try #require(try Self.numbers(root)["corpus/library/ivory.pdf"])
        #expect(ivory > highest, "document \(ivory) reuses a number at or below \(highest)")
    }

    @Test("a file at two places is one document listing both paths; show finds it by either; the copy's removal keeps the number")
    func copies() throws {
        let root = try exampleWorkspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let library = root.appendingPathComponent("corpus/library")
        PDFFixture.write([.init(label: nil, lines: ["Rosewood seizures at the border"])], to: library.appendingPathComponent("rosewood.pdf"))
        try FileManager.default.createDirectory(at: library.appendingPathComponent("copies"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: library.appendingPathComponent("rosewood.pdf"), to: library.appendingPathComponent("copies/rosewood.pdf"))
        #expect(try dossier(["index"], in: root).status == 0)
        func rosewood() throws -> [String: Any] {
            let listed = try #require(try JSONSerialization.jsonObject(with: Data(try dossier(["documents", "--json"], in: root).stdout.utf8)) as? [[String: Any]])
            let found = listed.filter { ($0["paths"] as? [String])?.contains { $0.hasSuffix("rosewood.pdf") } == true }
            #expect(found.count == 1, "\(found)")
            return try #require(found.first)
        }
        let both = try rosewood()
        #expect(both["paths"] as? [String] == ["corpus/library/copies/rosewood.pdf", "corpus/library/rosewood.pdf"])
        for path in ["corpus/library/rosewood.pdf", "corpus/library/copies/rosewood.pdf"] {
            let shown = try dossier(["show", "\(path):1"], in: root)
            #expect(shown.status == 0 && shown.stdout.contains("document \(both["id"] as? Int ?? -1):"), "\(path): \(shown.stderr)")
        }
        #expect(try dossier(["documents"], in: root).stdout.contains("also at corpus/library/"))
        // Whichever copy goes, the document stays, with its number and the other path.
        try FileManager.default.removeItem(at: library.appendingPathComponent(both["path"] as? String == "corpus/library/rosewood.pdf"
                                                                             ? "rosewood.pdf" : "copies/rosewood.pdf"))
        #expect(try dossier(["index"], in: root).status == 0)
        let one = try rosewood()
        #expect(one["id"] as? Int == both["id"] as? Int)
        #expect((one["paths"] as? [String])?.count == 1)
        #expect(try dossier(["search", "rosewood", "--json"], in: root).stdout.contains("\"total\" : 1"))
    }
}

@Suite("Linked library files")
struct LinkedLibraryTests {
    @Test("a PDF kept elsewhere and linked into the library is extracted again when it is edited in place")
    func editedThroughLink() throws {
        let root = try exampleWorkspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let elsewhere = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: elsewhere) }
        let target = elsewhere.appendingPathComponent("report.pdf")
        PDFFixture.write([.init(label: nil, lines: ["Pangolin scales seized in Lagos"])], to: target)
        try FileManager.default.createSymbolicLink(at: root.appendingPathComponent("corpus/library/report.pdf"), withDestinationURL: target)
        #expect(try dossier(["index"], in: root).status == 0)
        #expect(try dossier(["search", "lagos", "--json"], in: root).stdout.contains("report.pdf"))
        PDFFixture.write([.init(label: nil, lines: ["Rosewood logs declared as sawn timber in Mombasa"])], to: target)
        let second = try dossier(["index"], in: root)
        #expect(second.status == 0, "\(second.stderr)")
        #expect(try dossier(["search", "mombasa", "--json"], in: root).stdout.contains("report.pdf"), "the edit is indexed")
        #expect(!(try dossier(["search", "lagos", "--json"], in: root).stdout.contains("report.pdf")))
    }

    @Test("a cited URL's new content keeps the number through `fetch` then `index`, as through `update`; the old copy leaves the store")
    func fetchThenIndex() throws {
        let root = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(try dossier(["init", root.path]).status == 0)
        let drawn = root.appendingPathComponent("drawn")
        try FileManager.default.createDirectory(at: drawn, withIntermediateDirectories: true)
        PDFFixture.write([.init(label: nil, lines: ["Pangolin scales, first count"])], to: drawn.appendingPathComponent("1.pdf"))
        PDFFixture.write([.init(label: nil, lines: ["Pangolin scales, second count"])], to: drawn.appendingPathComponent("2.pdf"))
        let editions = try [1, 2].map { [UInt8](try Data(contentsOf: drawn.appendingPathComponent("\($0).pdf"))) }
        let edition = Counter()
        let server = try TestHTTPServer { _ in .respond(status: 200, headers: [("Content-Type", "application/pdf")], body: editions[edition.value]) }
        defer { server.shutdown() }
        try Data("- [count](\(server.url("/count.pdf")))\n".utf8).write(to: root.appendingPathComponent("corpus/notes/n.md"))
        let env = ["DOSSIER_BACKOFF_MS": "10", "DOSSIER_POLITENESS_MS": "0"]
        #expect(try dossier(["fetch"], in: root, environment: env).status == 0)
        #expect(try dossier(["index"], in: root).status == 0)
        let listed = try #require(try JSONSerialization.jsonObject(with: Data(try dossier(["documents", "--json", "--kind", "pdf"], in: root).stdout.utf8)) as? [[String: Any]])
        let id = try #require(listed.first?["id"] as? Int)
        edition.value = 1
        #expect(try dossier(["fetch"], in: root, environment: env).status == 0)
        let index = try dossier(["index"], in: root)
        #expect(index.status == 0, "\(index.stderr)")
        let after = try #require(try JSONSerialization.jsonObject(with: Data(try dossier(["documents", "--json", "--kind", "pdf"], in: root).stdout.utf8)) as? [[String: Any]])
        #expect(after.count == 1 && after.first?["id"] as? Int == id, "\(after)")
        #expect((after.first?["versions"] as? [Any])?.count == 1)
        #expect(try dossier(["show", "\(id)"], in: root).stdout.contains("second count"))
        let stored = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("corpus/files").path).filter { !$0.hasPrefix(".") }
        #expect(stored.count == 1, "\(stored)")
    }
}

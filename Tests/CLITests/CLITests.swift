import Catalog
import DossierCore
import Foundation
import TestSupport
import Testing

@Suite("dossier command line")
struct CLITests {
    @Test("--help on every command exits 0")
    func help() throws {
        for command in [[], ["init"], ["notes"], ["links"]] {
            let result = try dossier(command + ["--help"])
            #expect(result.status == 0, "\(command)")
            #expect(result.stdout.contains("USAGE"))
        }
        #expect(try dossier(["--version"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines) == DossierVersion.string)
    }

    @Test("bad usage exits 2 with one line on stderr")
    func badUsage() throws {
        for arguments in [["frobnicate"], ["links", "--no-such-flag"], ["init", "a", "b"]] {
            let result = try dossier(arguments)
            #expect(result.status == 2, "\(arguments)")
            #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
            #expect(result.stderr.hasPrefix("dossier: error: "))
        }
    }

    @Test("outside a workspace: exit 1, one line that says what to do")
    func noWorkspace() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try dossier(["links"], in: folder)
        #expect(result.status == 1)
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(result.stderr.contains("dossier init"))
        #expect(try dossier(["links", "--workspace", folder.path]).status == 1)
    }

    @Test("init creates a workspace, then finds nothing to do")
    func initWorkspace() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let target = folder.appendingPathComponent("research")
        let first = try dossier(["init", target.path])
        #expect(first.status == 0)
        #expect(first.stdout.contains("Initialized"))
        for sub in ["corpus/notes", "corpus/files", "corpus/library", "index/catalog.sqlite", ".gitignore"] {
            #expect(FileManager.default.fileExists(atPath: target.appendingPathComponent(sub).path), "\(sub)")
        }
        let second = try dossier(["init"], in: target)
        #expect(second.status == 0)
        #expect(second.stdout.contains("nothing to do"))
        let file = folder.appendingPathComponent("plain")
        try Data().write(to: file)
        let onFile = try dossier(["init", file.path])
        #expect(onFile.status == 1 && onFile.stderr.contains("not a folder"))
    }

    @Test("links --json on the example note: 20 citations with line, column and label")
    func linksJSON() throws {
        let root = try exampleWorkspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let result = try dossier(["links", "--json", "--workspace", root.path])
        #expect(result.status == 0, "\(result.stderr)")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        #expect(rows.count == 20)
        let taskForce = try #require(rows.first { $0["line"] as? Int == 72 })
        #expect(taskForce["label"] as? String == "Outcomes of the CITES Task Force Meeting on Illegal Trade in Specimens of Listed Tree Species")
        #expect(taskForce["column"] as? Int == 7)
        #expect(taskForce["heading"] as? String == "Things to follow up on from this document")
        #expect(taskForce["task"] as? String == "open")
        #expect(taskForce["note"] as? String == "corpus/notes/iccwc-annual-report-2024.md")
        let line69 = rows.filter { $0["line"] as? Int == 69 }.compactMap { $0["url"] as? String }
        #expect(line69 == ["https://www.unodc.org/unodc/en/data-and-analysis/wildlife.html",
                           "https://www.unodc.org/documents/data-and-analysis/wildlife/2024/Wildlife2024_Final.pdf"])
        let first = try #require(rows.first)
        #expect(first["task"] is NSNull)
        #expect(first["normalized_url"] as? String != nil)
        #expect(first["heading_path"] as? [String] == ["Document: ICCWC Annual Report 2024"])
    }

    @Test("links and notes as text, found through DOSSIER_WORKSPACE and from a subfolder")
    func linksText() throws {
        let root = try exampleWorkspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let viaEnv = try dossier(["links"], environment: ["DOSSIER_WORKSPACE": root.path])
        #expect(viaEnv.status == 0)
        #expect(viaEnv.stdout.contains("72:7"))
        #expect(viaEnv.stdout.contains("20 citations of 20 URLs in 1 note"))
        // Nothing fetched yet: each link is "not checked yet", not a link without problems.
        #expect(viaEnv.stdout.contains("[not checked yet]") && !viaEnv.stdout.contains("[new]"))
        let fromBelow = try dossier(["notes"], in: root.appendingPathComponent("corpus/notes"))
        #expect(fromBelow.status == 0)
        #expect(fromBelow.stdout.contains("corpus/notes/iccwc-annual-report-2024.md"))
        let json = try dossier(["notes", "--json"], in: root)
        let notes = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(notes.count == 1)
        #expect(notes.first?["citations"] as? Int == 20)
        #expect(notes.first?["lines"] as? Int == 90)
    }

    @Test("a note with bad bytes: a warning on stderr naming file and line, the rest parsed")
    func badNote() throws {
        let root = try exampleWorkspace()
        defer { try? FileManager.default.removeItem(at: root) }
        var bytes = Data("# Bad\r\n\r\nline \u{FF}".utf8)
        bytes.append(contentsOf: [0xFF, 0x80])
        bytes.append(Data(" https://bad.example/doc.pdf.\r\n".utf8))
        try bytes.write(to: root.appendingPathComponent("corpus/notes/bad.md"))
        let result = try dossier(["links", "--json", "--note", "corpus/notes/bad.md"], in: root)
        #expect(result.status == 0)
        #expect(result.stderr.contains("warning: corpus/notes/bad.md:3: bytes that are not UTF-8"))
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        #expect(rows.count == 1)
        #expect(rows.first?["url"] as? String == "https://bad.example/doc.pdf")
        #expect(rows.first?["line"] as? Int == 3)
    }
}

@Suite("dossier index and show")
struct IndexCLITests {
    /// A workspace whose library holds good PDFs beside broken and hostile files.
    func libraryWorkspace() throws -> URL {
        let root = try temporaryFolder()
        #expect(try dossier(["init", root.path]).status == 0)
        let library = root.appendingPathComponent("corpus/library")
        let shared = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/corpus-real")
        for name in ["rcites__paper.pdf", "SAPI__latex__history_introduction_en.pdf"] {
            try FileManager.default.copyItem(at: shared.appendingPathComponent(name), to: library.appendingPathComponent(name))
        }
        let good = try Data(contentsOf: shared.appendingPathComponent("rcites__paper.pdf"))
        try good.prefix(good.count / 4).write(to: library.appendingPathComponent("truncated.pdf"))
        try Data().write(to: library.appendingPathComponent("empty.pdf"))
        try Data("<!DOCTYPE html><html><body>Access denied</body></html>".utf8).write(to: library.appendingPathComponent("really-html.pdf"))
        try Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 31) }).write(to: library.appendingPathComponent("garbage.pdf"))
        // Password-protected, made with qpdf.
        let qpdf = Process()
        qpdf.executableURL = URL(fileURLWithPath: "/usr/bin/qpdf")
        qpdf.arguments = ["--encrypt", "secret", "secret", "256", "--", shared.appendingPathComponent("SAPI__latex__history_introduction_en.pdf").path,
                          library.appendingPathComponent("locked.pdf").path]
        try qpdf.run()
        qpdf.waitUntilExit()
        #expect(qpdf.terminationStatus == 0)
        try Data("notes".utf8).write(to: library.appendingPathComponent("readme.txt"))
        try Data("<html><head><title>Saved page</title></head><body><p>Ivory seizures in Mombasa.</p></body></html>".utf8)
            .write(to: library.appendingPathComponent("saved.html"))
        return root
    }

    @Test("good PDFs are indexed, bad ones reported with their reason, and nothing stops")
    func brokenBesideGood() throws {
        let root = try libraryWorkspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let result = try dossier(["index", "--json"], in: root)
        #expect(result.status == 0, "\(result.stderr)")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let extracted = (summary["extracted"] as? [[String: Any]] ?? []).compactMap { $0["path"] as? String }
        #expect(Set(extracted) == ["corpus/library/rcites__paper.pdf", "corpus/library/SAPI__latex__history_introduction_en.pdf",
                                   "corpus/library/saved.html"])
        let failed = Dictionary(uniqueKeysWithValues: (summary["failed"] as? [[String: Any]] ?? []).map {
            (($0["path"] as? String ?? ""), ($0["error"] as? String ?? ""))
        })
        #expect(failed.count == 5)
        #expect(failed["corpus/library/locked.pdf"]?.contains("password-protected") == true)
        #expect(failed["corpus/library/really-html.pdf"]?.contains("web page") == true)
        #expect(failed["corpus/library/empty.pdf"] != nil)
        #expect(failed["corpus/library/truncated.pdf"] != nil)
        #expect(failed["corpus/library/garbage.pdf"] != nil)
        #expect(summary["skipped"] as? [String] == ["corpus/library/readme.txt"])

        // A second run extracts nothing again.
        let again = try dossier(["index"], in: root)
        #expect(again.status == 0)
        #expect(again.stdout.contains("0 extracted, 8 unchanged, 0 failed"))
        let html = try dossier(["show", "corpus/library/saved.html"], in: root)
        #expect(html.stdout.contains("Saved page") && html.stdout.contains("Ivory seizures in Mombasa."))
    }

    @Test("a worker that hangs or crashes on one document: that document fails with its reason, the others are extracted")
    func isolation() throws {
        let root = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(try dossier(["init", root.path]).status == 0)
        for name in ["a-good", "b-hang-me", "c-crash-me", "d-good", "e-good"] {
            PDFFixture.write([.init(label: nil, lines: ["Document \(name) about ivory"])], to: root.appendingPathComponent("corpus/library/\(name).pdf"))
        }
        let result = try dossier(["index", "--json", "--timeout", "2", "--jobs", "2"], in: root,
                                 environment: ["DOSSIER_FAULT_INJECTION": "hang=hang-me,crash=crash-me"])
        #expect(result.status == 0, "\(result.stderr)")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let extracted = Set((summary["extracted"] as? [[String: Any]] ?? []).compactMap { $0["path"] as? String })
        #expect(extracted == ["corpus/library/a-good.pdf", "corpus/library/d-good.pdf", "corpus/library/e-good.pdf"])
        let failed = Dictionary(uniqueKeysWithValues: (summary["failed"] as? [[String: Any]] ?? []).map { ($0["path"] as! String, $0["error"] as! String) })
        #expect(failed["corpus/library/b-hang-me.pdf"]?.contains("longer than 2 s") == true)
        #expect(failed["corpus/library/c-crash-me.pdf"]?.contains("signal 11") == true)
    }

    @Test("the library is read in its subfolders, hidden files and folders left out; a linked folder of papers kept elsewhere is read too, without loops")
    func libraryListing() throws {
        let root = try temporaryFolder()
        let elsewhere = try temporaryFolder()
        defer {
            try? FileManager.default.removeItem(at: root)
            try? FileManager.default.removeItem(at: elsewhere)
        }
        #expect(try dossier(["init", root.path]).status == 0)
        let library = root.appendingPathComponent("corpus/library")
        for folder in ["reports/2024", ".cache"] {
            try FileManager.default.createDirectory(at: library.appendingPathComponent(folder), withIntermediateDirectories: true)
        }
        for name in ["top.pdf", "reports/2024/nested.pdf", ".hidden.pdf", ".cache/cached.pdf"] {
            PDFFixture.write([.init(label: nil, lines: ["Document \(name) about ivory"])], to: library.appendingPathComponent(name))
        }
        // Papers kept elsewhere, with a link inside them back to their own folder.
        let papers = elsewhere.appendingPathComponent("papers")
        try FileManager.default.createDirectory(at: papers.appendingPathComponent("2023"), withIntermediateDirectories: true)
        for name in ["kept.pdf", "2023/older.pdf"] {
            PDFFixture.write([.init(label: nil, lines: ["Paper \(name) about pangolins"])], to: papers.appendingPathComponent(name))
        }
        try FileManager.default.createSymbolicLink(at: papers.appendingPathComponent("2023/all"), withDestinationURL: papers)
        try FileManager.default.createSymbolicLink(at: library.appendingPathComponent("papers"), withDestinationURL: papers)
        // A link to a file of the library itself is not a second copy; a broken link is reported.
        try FileManager.default.createSymbolicLink(at: library.appendingPathComponent("link.pdf"), withDestinationURL: library.appendingPathComponent("top.pdf"))
        try FileManager.default.createSymbolicLink(at: library.appendingPathComponent("gone.pdf"), withDestinationURL: elsewhere.appendingPathComponent("gone.pdf"))
        let result = try dossier(["index", "--json"], in: root)
        #expect(result.status == 0, "\(result.stderr)")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let extracted = Set((summary["extracted"] as? [[String: Any]] ?? []).compactMap { $0["path"] as? String })
        #expect(extracted == ["corpus/library/top.pdf", "corpus/library/reports/2024/nested.pdf",
                              "corpus/library/papers/kept.pdf", "corpus/library/papers/2023/older.pdf"])
        #expect(result.stderr.contains("corpus/library/gone.pdf: a broken symbolic link"))
        #expect(result.stderr.contains("corpus/library/papers/2023/all: a symbolic link back into a folder it is in"))
        // The linked papers are searched like the others.
        let found = try #require(try JSONSerialization.jsonObject(with: Data(try dossier(["search", "pangolins", "--flat", "--json"], in: root).stdout.utf8)) as? [String: Any])
        #expect(found["total"] as? Int == 2)
    }

    @Test("show prints a page's text with its label, and explains what it cannot show")
    func show() throws {
        let root = try libraryWorkspace()
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(try dossier(["index"], in: root).status == 0)
        let page = try dossier(["show", "corpus/library/rcites__paper.pdf:2"], in: root)
        #expect(page.status == 0, "\(page.stderr)")
        #expect(page.stdout.contains("── p. 2"))
        let reference = try pdftotextPage(root.appendingPathComponent("corpus/library/rcites__paper.pdf").path, 2)
        let words = reference.split(whereSeparator: \.isWhitespace).filter { $0.allSatisfy(\.isLetter) && $0.count > 3 }
        #expect(words.prefix(20).allSatisfy { page.stdout.contains($0) })
        let missingPage = try dossier(["show", "corpus/library/rcites__paper.pdf:9"], in: root)
        #expect(missingPage.status == 2 && missingPage.stderr.contains("there is no page 9"))
        #expect(try dossier(["show", "nonesuch"], in: root).status == 2)
        let locked = try dossier(["show", "corpus/library/locked.pdf"], in: root)
        #expect(locked.status == 1 && locked.stderr.contains("password-protected"))
    }

    func pdftotextPage(_ path: String, _ page: Int) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/pdftotext")
        process.arguments = ["-f", String(page), "-l", String(page), path, "-"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}

@Suite("Notes and changed files as documents")
struct NoteDocumentCLITests {
    /// The note's passages, as the catalog reads them back: (line, text).
    func passages(_ root: URL) throws -> [(Int, String)] {
        let catalog = try CatalogStore(readingFrom: Workspace(root: root))
        var rows: [(Int, String)] = []
        try catalog.forEachPassage { if $0.kind == .note { rows.append(($0.line ?? 0, $0.text)) } }
        return rows
    }

    @Test("the example note is indexed block by block, each passage at its note line; an edited note is a new version of its document")
    func noteDocument() throws {
        let root = try exampleWorkspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let first = try dossier(["index"], in: root)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("extracted  corpus/notes/iccwc-annual-report-2024.md"))
        let rows = try passages(root)
        #expect(rows.contains { $0 == (72, "Outcomes of the CITES Task Force Meeting on Illegal Trade in Specimens of Listed Tree Species") })
        #expect(rows.contains { $0.0 == 41 && $0.1.hasPrefix("Operation Thunder: Annual global operation since 2017.") })

        let note = root.appendingPathComponent("corpus/notes/iccwc-annual-report-2024.md")
        var text = try String(contentsOf: note, encoding: .utf8)
        text = "# Added heading\nPangolin scales seized in Lagos.\n\n" + text
        try Data(text.utf8).write(to: note)
        let second = try dossier(["index", "--json"], in: root)
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(second.stdout.utf8)) as? [String: Any])
        // An edited note is a new version of its document, not a removed one and a new one.
        #expect(summary["removed"] as? [String] == [])
        #expect((summary["extracted"] as? [[String: Any]])?.first?["document"] as? Int == 1)
        let after = try passages(root)
        #expect(after.contains { $0 == (2, "Pangolin scales seized in Lagos.") })
        #expect(after.contains { $0.0 == 75 && $0.1.hasPrefix("Outcomes of the CITES Task Force") })
        #expect(!after.contains { $0.0 == 72 && $0.1.hasPrefix("Outcomes") })
        let show = try dossier(["show", "corpus/notes/iccwc-annual-report-2024.md:1"], in: root)
        #expect(show.stdout.contains("── § Added heading"))
    }

    @Test("a note's heading, label, URL and name holding terminal escapes are printed without them by documents, links, search, notes and show")
    func escapesNotPrinted() throws {
        let root = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(try dossier(["init", root.path]).status == 0)
        let title = "\u{1B}]0;pwned\u{07}"
        let note = "# Seizures \(title)\u{1B}[2J\u{9B}31m\n\nPangolin [scales \u{1B}[31mred](https://example.org/a\u{1B}[1m.pdf) seized in Lagos.\n"
        try Data(note.utf8).write(to: root.appendingPathComponent("corpus/notes/log\(title).md"))
        #expect(try dossier(["index"], in: root).status == 0)
        for arguments in [["documents"], ["links"], ["search", "pangolin"], ["search", "pangolin", "--flat"], ["notes"], ["show", "1"]] {
            let run = try dossier(arguments, in: root)
            #expect(run.status == 0, "\(arguments): \(run.stderr)")
            #expect(run.stdout.contains("Seizures") || ["links", "notes"].contains(arguments[0]), "\(arguments): \(run.stdout)")
            #expect(!run.stdout.unicodeScalars.contains { $0 == "\u{1B}" || $0 == "\u{07}" || $0 == "\u{9B}" }, "\(arguments): \(run.stdout.debugDescription)")
        }
        #expect(try dossier(["links"], in: root).stdout.contains("scales"))
    }
}

@Suite("dossier status")
struct StatusCLITests {
    @Test("counts what the workspace holds and names documents that need OCR or failed")
    func status() throws {
        let root = try exampleWorkspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let library = root.appendingPathComponent("corpus/library")
        PDFFixture.write([.init(label: nil, lines: ["Cover"])] + Array(repeating: .init(label: nil, lines: []), count: 4),
                         to: library.appendingPathComponent("scanned.pdf"))
        PDFFixture.write([.init(label: "i", lines: ["Timber trafficking in the Mekong"])], to: library.appendingPathComponent("text.pdf"))
        try Data("%PDF-1.4 broken".utf8).write(to: library.appendingPathComponent("broken.pdf"))
        #expect(try dossier(["index"], in: root).status == 0)

        let text = try dossier(["status"], in: root)
        #expect(text.status == 0)
        #expect(text.stdout.contains("notes      1 with 20 links to 20 URLs"))
        #expect(text.stdout.contains("documents  4 (1 note, 3 pdf), 1 failed"))
        #expect(text.stdout.contains("needs OCR"))
        #expect(text.stdout.contains("Cover (corpus/library/scanned.pdf)  1 of 5 pages have text"))
        #expect(text.stdout.contains("corpus/library/broken.pdf: not a readable PDF"))

        let json = try dossier(["status", "--json"], in: root)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let catalog = try #require(report["catalog"] as? [String: Any])
        #expect(catalog["pages"] as? Int == 1 + 5 + 0 + 9)
        #expect(catalog["pages_without_text"] as? Int == 4)
        #expect((catalog["needs_ocr"] as? [[String: Any]])?.first?["path"] as? String == "corpus/library/scanned.pdf")
        let bytes = try #require(report["bytes"] as? [String: Int])
        #expect(bytes["library"] ?? 0 > 0)
        // Sizes (issue 39): the text once, what storing it takes, the catalog and the segments, all inside the index folder.
        #expect(bytes["text"] ?? 0 > 0 && bytes["text_stored"] ?? 0 > 0)
        #expect(bytes["catalog"] ?? 0 > 0 && bytes["segments"] ?? 0 > 0)
        #expect(bytes["catalog"]! + bytes["segments"]! <= bytes["index"]!)
        #expect(text.stdout.contains("storage    text "), "\(text.stdout)")
        #expect(text.stdout.contains("× the text"))
        // Keys as docs/SEARCH-JSON.md spells them (snake-casing "uncitedURLs" gave "uncited_ur_ls").
        #expect(catalog["uncited_urls"] as? Int == 0 && catalog["uncited_ur_ls"] == nil)
    }
}

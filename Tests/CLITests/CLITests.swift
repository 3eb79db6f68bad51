import DossierCore
import Foundation
import TestSupport
import Testing

let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

struct Run {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs `dossier` with `arguments` in `directory`.
func dossier(_ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:], stdin: String? = nil) throws -> Run {
    let process = Process()
    process.executableURL = dossierBinary
    process.arguments = arguments
    var env = ProcessInfo.processInfo.environment
    env.removeValue(forKey: "DOSSIER_WORKSPACE")
    env.merge(environment) { $1 }
    process.environment = env
    if let directory { process.currentDirectoryURL = directory }
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    let input = Pipe()
    if stdin != nil { process.standardInput = input }
    try process.run()
    if let stdin {
        input.fileHandleForWriting.write(Data(stdin.utf8))
        try input.fileHandleForWriting.close()
    }
    // Read both pipes concurrently so a large output cannot block the child.
    nonisolated(unsafe) var errData = Data()
    let reader = Thread { errData = err.fileHandleForReading.readDataToEndOfFile() }
    reader.start()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    while !reader.isFinished { usleep(1000) }
    return Run(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
               stderr: String(decoding: errData, as: UTF8.self))
}

func temporaryFolder() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("dossier-cli-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// A new workspace holding the example note.
func exampleWorkspace() throws -> URL {
    let root = try temporaryFolder()
    let result = try dossier(["init", root.path])
    #expect(result.status == 0)
    try FileManager.default.copyItem(
        at: repositoryRoot.appendingPathComponent("corpus/notes/iccwc-annual-report-2024.md"),
        to: root.appendingPathComponent("corpus/notes/iccwc-annual-report-2024.md"))
    return root
}

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
    func passages(_ root: URL) throws -> [(Int, String)] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        process.arguments = [root.appendingPathComponent("index/catalog.sqlite").path,
                             "SELECT line, text FROM passages JOIN documents ON documents.id = document_id WHERE kind = 'note' ORDER BY passages.id"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map {
            let parts = $0.split(separator: "|", maxSplits: 1)
            return (Int(parts[0]) ?? 0, parts.count > 1 ? String(parts[1]) : "")
        }
    }

    @Test("the example note is indexed block by block, each passage at its note line; an edited note replaces its document")
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
        #expect(summary["removed"] as? [String] == ["corpus/notes/iccwc-annual-report-2024.md"])
        let after = try passages(root)
        #expect(after.contains { $0 == (2, "Pangolin scales seized in Lagos.") })
        #expect(after.contains { $0.0 == 75 && $0.1.hasPrefix("Outcomes of the CITES Task Force") })
        #expect(!after.contains { $0.0 == 72 && $0.1.hasPrefix("Outcomes") })
        let show = try dossier(["show", "corpus/notes/iccwc-annual-report-2024.md:1"], in: root)
        #expect(show.stdout.contains("── § Added heading"))
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
        #expect(text.stdout.contains("corpus/library/scanned.pdf  1 of 5 pages have text"))
        #expect(text.stdout.contains("corpus/library/broken.pdf: not a readable PDF"))

        let json = try dossier(["status", "--json"], in: root)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let catalog = try #require(report["catalog"] as? [String: Any])
        #expect(catalog["pages"] as? Int == 1 + 5 + 0 + 9)
        #expect(catalog["pages_without_text"] as? Int == 4)
        #expect((catalog["needs_ocr"] as? [[String: Any]])?.first?["path"] as? String == "corpus/library/scanned.pdf")
        #expect(((report["bytes"] as? [String: Any])?["library"] as? Int ?? 0) > 0)
    }
}

@Suite("Search, verify and export against FTS5")
struct SearchCLITests {
    func workspace() throws -> URL {
        let root = try exampleWorkspace()
        let shared = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/corpus-real")
        for name in ["rcites__paper.pdf", "SAPI__latex__history_introduction_en.pdf", "SAPI__latex__history_introduction_fr.pdf"] {
            try FileManager.default.copyItem(at: shared.appendingPathComponent(name),
                                             to: root.appendingPathComponent("corpus/library/\(name)"))
        }
        let index = try dossier(["index"], in: root)
        #expect(index.status == 0, "\(index.stderr)")
        return root
    }

    func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test("the words of real reports, pasted: exit 0 and at least every passage FTS5 finds for the same words as a phrase")
    func pastedQueries() throws {
        let root = try exampleWorkspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let shared = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/corpus-real")
        for name in ["EU-Wildlife-Trade-Reference-Guide.pdf", "SAPI__cites_trade_guidelines__en-CITES_Trade_Database_Guide.pdf",
                     "SAPI__latex__CITES_abbreviations_and_annotations.pdf"] {
            try FileManager.default.copyItem(at: shared.appendingPathComponent(name), to: root.appendingPathComponent("corpus/library/\(name)"))
        }
        #expect(try dossier(["index"], in: root).status == 0)
        func ids(_ arguments: [String]) throws -> Set<Int> {
            let run = try dossier(["search", "--flat", "--json", "--limit", "100000"] + arguments, in: root)
            #expect(run.status == 0, "\(arguments): \(run.stderr)")
            return Set((try json(run.stdout)["results"] as? [[String: Any]] ?? []).compactMap { $0["passage_id"] as? Int })
        }
        var found = 0
        for query in ["re-export", "re-export certificate", "CITES-listed species", "non-detriment findings", "pre-Convention",
                      "U.S.", "e.g. ivory", "Côte d'Ivoire", "Member State's", "Regulation (EC) No 338/97", "Annex A/B", "10%",
                      "Art. 5(2)", "\"Appendix II", "import/export", "Appendices I, II and III", "(EC) No 865/2006", "source code 'W'",
                      "purpose code: T", "Article VII(2)"] {
            let lenient = try ids([query])
            // The same words as one phrase, in FTS5's syntax.
            let words = query.unicodeScalars.map { $0.properties.isAlphabetic || $0.properties.numericType != nil ? String($0) : " " }.joined()
            let phrase = "\"" + words.split(separator: " ").joined(separator: " ") + "\""
            let strict = try ids(["--strict", phrase])
            #expect(strict.isSubset(of: lenient), "\(query): \(strict.subtracting(lenient).count) of FTS5's passages for \(phrase) missing")
            if !strict.isEmpty { found += 1 }
        }
        #expect(found >= 14, "most of these words stand in the reports: \(found)")
    }

    @Test("an index left by an older Dossier: status says so, search asks for dossier index, and dossier index rebuilds it")
    func olderIndex() throws {
        let root = try workspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let segments = root.appendingPathComponent("index/segments")
        for name in try FileManager.default.contentsOfDirectory(atPath: segments.path) where name.hasSuffix(".seg") {
            var bytes = try Data(contentsOf: segments.appendingPathComponent(name))
            bytes.replaceSubrange(0..<8, with: Array("DOSSEG03".utf8))
            try bytes.write(to: segments.appendingPathComponent(name))
        }
        let status = try dossier(["status"], in: root)
        #expect(status.status == 0, "\(status.stderr)")
        #expect(status.stdout.contains("older Dossier"))
        let refused = try dossier(["search", "species"], in: root)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("dossier index") && refused.stderr.split(separator: "\n").count == 1, "\(refused.stderr)")
        #expect(try dossier(["index"], in: root).status == 0)
        let found = try json(try dossier(["search", "species", "--json"], in: root).stdout)
        #expect((found["total"] as? Int ?? 0) > 0)
    }

    @Test("search --flat --json returns FTS5's ORDER BY bm25(), rowid order, from a table built independently from export")
    func flatAgainstExport() throws {
        let root = try workspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let export = try dossier(["export", "passages"], in: root)
        #expect(export.status == 0)
        let fts = FTS5Table()
        var rows: [(Int64, String)] = []
        for line in export.stdout.split(separator: "\n") {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            rows.append(((object["passage_id"] as! NSNumber).int64Value, object["text"] as! String))
            #expect(object["page"] is Int && object["document_id"] is Int)
        }
        fts.insert(rows)
        for query in ["CITES", "trade OR species", "\"Appendix II\"", "conven*", "NEAR(species trade, 5)", "CITES NOT trade", "espèces"] {
            let ours = try json(try dossier(["search", query, "--flat", "--json", "--limit", "1000"], in: root).stdout)
            let expected = try #require(fts.search(query))
            let results = try #require(ours["results"] as? [[String: Any]])
            #expect(ours["total"] as? Int == expected.count, "\(query)")
            #expect(results.map { ($0["passage_id"] as! NSNumber).int64Value } == expected.map(\.0), "\(query)")
            // JSONSerialization rounds some doubles; JSONDecoder reads them exactly.
            struct Scores: Decodable { struct R: Decodable { var score: Double }; var results: [R] }
            let scores = try JSONDecoder().decode(Scores.self, from: Data(try dossier(["search", query, "--flat", "--json", "--limit", "1000"], in: root).stdout.utf8))
            #expect(zip(scores.results, expected).allSatisfy { $0.score.bitPattern == (-$1.1).bitPattern }, "\(query)")
            if let first = results.first {
                #expect(first["page"] is Int)
                #expect((first["document"] as? [String: Any])?["path"] is String)
                #expect(!(first["snippet"] as! String).isEmpty)
            }
        }
    }

    @Test("verify passes after the first index and after an incremental one that adds and removes documents")
    func verify() throws {
        let root = try workspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let first = try dossier(["verify", "--queries", "120", "--json"], in: root)
        #expect(first.status == 0, "\(first.stdout)")
        let report = try json(first.stdout)
        #expect(report["ok"] as? Bool == true)
        #expect((report["with_results"] as? Int ?? 0) > 50)

        let library = root.appendingPathComponent("corpus/library")
        try FileManager.default.removeItem(at: library.appendingPathComponent("SAPI__latex__history_introduction_fr.pdf"))
        try FileManager.default.copyItem(
            at: repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/corpus-real/SAPI__latex__index_introduction_es.pdf"),
            to: library.appendingPathComponent("index_es.pdf"))
        #expect(try dossier(["index"], in: root).status == 0)
        let second = try dossier(["verify", "--queries", "120", "--seed", "7"], in: root)
        #expect(second.status == 0, "\(second.stdout)")
        let gone = try json(try dossier(["search", "\"histoire\"", "--flat", "--json"], in: root).stdout)
        for result in gone["results"] as? [[String: Any]] ?? [] {
            #expect((result["document"] as? [String: Any])?["path"] as? String != "corpus/library/SAPI__latex__history_introduction_fr.pdf")
        }
    }

    /// `dossier search --batch` running on `root`, its standard input and output piped.
    func batchProcess(_ root: URL, limit: Int) throws -> (Process, input: Pipe, output: Pipe) {
        let process = Process()
        process.executableURL = dossierBinary
        process.arguments = ["search", "--batch", "--limit", "\(limit)", "--workspace", root.path]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        return (process, input, output)
    }

    @Test("--batch: one JSON line per query from stdin, the same ranking as a single search, errors in-line")
    func batch() throws {
        let root = try workspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let (process, input, output) = try batchProcess(root, limit: 5)
        // The last line's quote, backslash, tab, control character and accent must come back in its "query".
        let awkward = "say \"hi\" \\ back\ttab é\u{01}"
        input.fileHandleForWriting.write(Data("CITES\nspecies OR trade\nbad AND\n\(awkward)\n".utf8))
        try input.fileHandleForWriting.close()
        let lines = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).split(separator: "\n")
        process.waitUntilExit()
        #expect(lines.count == 4)
        let echoed = try #require(try JSONSerialization.jsonObject(with: Data(lines[3].utf8)) as? [String: Any])
        #expect(echoed["query"] as? String == awkward)
        #expect((echoed["error"] as? String)?.contains("syntax error") == true)
        let either = try #require(try JSONSerialization.jsonObject(with: Data(lines[1].utf8)) as? [String: Any])
        #expect(either["total_relation"] as? String == "eq")
        let total = try #require(either["total"] as? Int)
        #expect(total > 0)
        // Counting up to 1: the same hits; the total exact, or at least 1 and at most the exact one.
        let counted = try dossier(["search", "--batch", "--limit", "5", "--count-up-to", "1"], in: root, stdin: "species OR trade\n")
        let bounded = try #require(try JSONSerialization.jsonObject(with: Data(counted.stdout.utf8)) as? [String: Any])
        #expect((bounded["results"] as? [[String: Any]])?.map { $0["passage_id"] as? Int } == (either["results"] as? [[String: Any]])?.map { $0["passage_id"] as? Int })
        let relation = bounded["total_relation"] as? String
        let boundedTotal = try #require(bounded["total"] as? Int)
        #expect(relation == "eq" ? boundedTotal == total : relation == "gte" && boundedTotal >= 1 && boundedTotal <= total)
        #expect(try dossier(["search", "--count-up-to", "5", "CITES"], in: root).status != 0)
        let first = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        let single = try JSONSerialization.jsonObject(with: Data(try dossier(["search", "CITES", "--flat", "--json", "--limit", "5"], in: root).stdout.utf8)) as? [String: Any]
        #expect((first["results"] as? [[String: Any]])?.map { $0["passage_id"] as? Int } == (single?["results"] as? [[String: Any]])?.map { $0["passage_id"] as? Int })
        #expect(first["took_ms"] is Double)
        let bad = try #require(try JSONSerialization.jsonObject(with: Data(lines[2].utf8)) as? [String: Any])
        #expect((bad["error"] as? String)?.contains("syntax error") == true)
    }

    @Test("--batch answers each query once read, so a script can write one and wait; CRLF and a last line without a break are queries too")
    func batchInteractive() throws {
        let root = try workspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let (process, input, output) = try batchProcess(root, limit: 3)
        // Should the answer never come, the process is stopped and the read below ends empty.
        DispatchQueue.global().asyncAfter(deadline: .now() + 30) { if process.isRunning { process.terminate() } }
        var received = Data()
        func nextLine() -> String? {
            while true {
                if let newline = received.firstIndex(of: 0x0A) {
                    let line = String(decoding: received[..<newline], as: UTF8.self)
                    received = Data(received[(newline + 1)...])
                    return line
                }
                let more = output.fileHandleForReading.availableData
                if more.isEmpty { return nil }
                received += more
            }
        }
        for query in ["CITES", "species OR trade"] {
            input.fileHandleForWriting.write(Data("\(query)\n".utf8))
            // Standard input stays open: the answer must come before any more input does.
            let line = try #require(nextLine(), "no answer to \(query) while the batch waits for more input")
            let answer = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            #expect(answer["query"] as? String == query)
            #expect((answer["total"] as? Int ?? 0) > 0)
        }
        input.fileHandleForWriting.write(Data("trade\r\nCITES".utf8))
        try input.fileHandleForWriting.close()
        let crlf = try #require(nextLine())
        let last = try #require(nextLine())
        #expect((try JSONSerialization.jsonObject(with: Data(crlf.utf8)) as? [String: Any])?["query"] as? String == "trade")
        #expect((try JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any])?["query"] as? String == "CITES")
        #expect(nextLine() == nil)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }

    @Test("--strict: a malformed query is exit 2, the error, the query and a caret under the fault")
    func syntaxError() throws {
        let root = try workspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let result = try dossier(["search", "--strict", "timber AND"], in: root)
        #expect(result.status == 2)
        let lines = result.stderr.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[0].hasPrefix("dossier: error: syntax error at character 11"))
        #expect(lines[1] == "  timber AND")
        #expect(lines[2] == "            ^")
    }

    @Test("any text is a query: words of this field with punctuation, stray quotes and operators search, with one hint saying how")
    func lenientQueries() throws {
        let root = try workspace()
        defer { try? FileManager.default.removeItem(at: root) }
        for query in ["re-export", "re-export certificate", "CITES-listed species", "non-detriment findings", "pre-Convention",
                      "U.S.", "e.g. ivory", "Côte d'Ivoire", "Member State's", "Regulation (EC) No 338/97", "Annex A/B", "10%",
                      "Art. 5(2)", "\"Appendix II", "timber AND", "(species", "OR trade", "NEAR(export permit"] {
            let result = try dossier(["search", query, "--limit", "1"], in: root)
            #expect(result.status == 0, "\(query): \(result.stderr)")
            #expect(!result.stderr.contains("error"), "\(query): \(result.stderr)")
        }
        // Read as the tokenizer reads the text: the phrase of the parts, and the hint says so.
        let hyphen = try dossier(["search", "export-permit", "--json"], in: root)
        let phrase = try dossier(["search", "\"export permit\"", "--json"], in: root)
        #expect(try json(hyphen.stdout)["total"] as? Int == json(phrase.stdout)["total"] as? Int)
        #expect(try json(hyphen.stdout)["fts5_query"] as? String == "\"export permit\"")
        let text = try dossier(["search", "export-permit"], in: root)
        #expect(text.stderr.components(separatedBy: "\n").filter { $0.hasPrefix("hint: searched: \"export permit\"") }.count == 1)
        // A query written as FTS5 writes it is run as written, without a hint.
        let plain = try dossier(["search", "species OR \"export permit\" NOT bird*"], in: root)
        #expect(plain.status == 0 && !plain.stderr.contains("searched:"))
        // Nothing but punctuation: nothing to search for.
        let nothing = try dossier(["search", "%%% //"], in: root)
        #expect(nothing.status == 2 && nothing.stderr.contains("nothing to search for"))
    }

    @Test("results by document: documents by their best passage, at most --per-doc each, --limit and --offset counting documents, each with its count of matches")
    func groupedPaging() throws {
        let root = try workspace()
        defer { try? FileManager.default.removeItem(at: root) }
        var checked = 0
        for query in ["CITES", "species OR trade", "the", "\"export permit\"", "wildlife*", "permit NOT species"] {
            // Every match, ranked, with its document: the grouping done here from it is the reference.
            let all = try json(try dossier(["search", query, "--flat", "--json", "--limit", "100000"], in: root).stdout)
            let ranked = (all["results"] as? [[String: Any]] ?? []).map {
                ($0["passage_id"] as? Int ?? -1, ($0["document"] as? [String: Any])?["id"] as? Int ?? -1)
            }
            var kept: [Int: [Int]] = [:], matches: [Int: Int] = [:]
            var order: [Int] = []
            for (passage, document) in ranked {
                if kept[document] == nil { order.append(document) }
                matches[document, default: 0] += 1
                kept[document, default: []].append(passage)
            }
            for (perDoc, limit, offset) in [(3, 10, 0), (1, 2, 0), (2, 3, 1), (5, 50, 2), (3, 1000, 0), (3, 5, 1000)] {
                let documents = Array(order.dropFirst(offset).prefix(limit))
                let expected = documents.flatMap { kept[$0]!.prefix(perDoc) }
                let grouped = try json(try dossier(["search", query, "--json", "--per-doc", "\(perDoc)", "--limit", "\(limit)", "--offset", "\(offset)"], in: root).stdout)
                let results = grouped["results"] as? [[String: Any]] ?? []
                #expect(results.map { $0["passage_id"] as? Int ?? -1 } == expected, "\(query) per-doc \(perDoc) limit \(limit) offset \(offset)")
                #expect(grouped["total"] as? Int == ranked.count, "\(query)")
                #expect(grouped["total_documents"] as? Int == order.count, "\(query)")
                for result in results {
                    let document = result["document"] as? [String: Any]
                    #expect(document?["matches"] as? Int == matches[document?["id"] as? Int ?? -1], "\(query)")
                }
                // Ranks go on from the passages the earlier pages show.
                let before = order.prefix(offset).reduce(0) { $0 + min(perDoc, matches[$1]!) }
                #expect(results.map { $0["rank"] as? Int ?? -1 } == Array((before + 1)..<(before + 1 + results.count)), "\(query)")
                checked += 1
            }
        }
        #expect(checked == 36)
        // Paging through every page of a common word: each matching document once, ending on the last.
        let every = try json(try dossier(["search", "the", "--flat", "--json", "--limit", "100000"], in: root).stdout)
        var expectedOrder: [Int] = []
        for result in every["results"] as? [[String: Any]] ?? [] {
            let id = (result["document"] as? [String: Any])?["id"] as? Int ?? -1
            if !expectedOrder.contains(id) { expectedOrder.append(id) }
        }
        var seen: [Int] = [], offset = 0
        while true {
            let page = try json(try dossier(["search", "the", "--json", "--limit", "2", "--offset", "\(offset)"], in: root).stdout)
            var ids: [Int] = []
            for result in page["results"] as? [[String: Any]] ?? [] {
                let id = (result["document"] as? [String: Any])?["id"] as? Int ?? -1
                if ids.last != id { ids.append(id) }
            }
            if ids.isEmpty { break }
            seen += ids
            offset += ids.count
            #expect(offset <= expectedOrder.count)
        }
        #expect(seen == expectedOrder && expectedOrder.count > 2, "\(seen) vs \(expectedOrder)")
        // As text: the rest of a document's matches are one command away, and a page past the end says so.
        let text = try dossier(["search", "CITES", "--per-doc", "1", "--limit", "1"], in: root, environment: ["NO_COLOR": "1"])
        #expect(text.stdout.contains("more passages in this document: dossier search 'CITES' --doc "))
        #expect(text.stdout.contains("showing document 1 ") && text.stdout.contains("More: --offset 1."))
        let past = try dossier(["search", "CITES", "--offset", "1000"], in: root)
        #expect(past.status == 0 && past.stdout.contains("--offset 1000 is past the last of them"))
    }

    @Test("grouped results show the page and highlight the matches; the note is searched too")
    func grouped() throws {
        let root = try workspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let result = try dossier(["search", "Operation Thunder"], in: root, environment: ["NO_COLOR": "1"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("corpus/notes/iccwc-annual-report-2024.md:"))
        #expect(result.stdout.contains("[Operation] [Thunder]"))
        let none = try dossier(["search", "zebra unicorn"], in: root)
        #expect(none.stdout.contains("No passages match"))
        #expect(none.stdout.contains("zebra OR unicorn"))
    }
}

@Suite("Crash safety")
struct CrashCLITests {
    @Test("killed at random moments while indexing: searches keep working, a rerun completes, verify passes, no temporary file stays")
    func killLoop() throws {
        let root = try exampleWorkspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let shared = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/corpus-real")
        for name in try FileManager.default.contentsOfDirectory(atPath: shared.path) where name.hasSuffix(".pdf") {
            try FileManager.default.copyItem(at: shared.appendingPathComponent(name), to: root.appendingPathComponent("corpus/library/\(name)"))
        }
        #expect(try dossier(["index"], in: root).status == 0)
        var generator = SystemRandomNumberGenerator()
        for round in 0..<6 {
            let process = Process()
            process.executableURL = dossierBinary
            process.arguments = ["index", "--force"]
            process.currentDirectoryURL = root
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            usleep(UInt32.random(in: 100_000...(round < 3 ? 1_500_000 : 4_000_000), using: &generator))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            // The last committed generation still answers.
            let search = try dossier(["search", "CITES", "--flat", "--json"], in: root)
            #expect(search.status == 0, "round \(round): \(search.stderr)")
        }
        let rerun = try dossier(["index"], in: root)
        #expect(rerun.status == 0, "\(rerun.stderr)")
        let verify = try dossier(["verify", "--queries", "60"], in: root)
        #expect(verify.status == 0, "\(verify.stdout)")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("index/segments").path)
            .filter { $0.contains(".tmp-") }
        #expect(leftovers.isEmpty)
        let files = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("index").path)
        #expect(!files.contains { $0.contains(".tmp-") })
    }
}

@Suite("dossier fetch, links and attach against a local server")
struct FetchCLITests {
    @Test("a note whose links hit a loopback server: fetch reports each URL, a second run only asks conditionally, index and search find the PDFs")
    func fetchFlow() throws {
        let shared = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/corpus-real")
        let real = [UInt8](try Data(contentsOf: shared.appendingPathComponent("rcites__paper.pdf")))
        let server = try TestHTTPServer { request in
            switch request.uri {
            case "/rcites.pdf", "/mirror/rcites.pdf":
                if request.headers["if-none-match"] == "\"r1\"" { return .respond(status: 304, headers: [], body: []) }
                return .respond(status: 200, headers: [("Content-Type", "application/pdf"), ("ETag", "\"r1\"")], body: real)
            case "/moved": return .respond(status: 301, headers: [("Location", "/rcites.pdf")], body: [])
            case "/landing":
                return .respond(status: 200, headers: [("Content-Type", "text/html"), ("ETag", "\"l1\"")], body: Array(
                    "<html><head><title>Record</title><meta name=\"citation_pdf_url\" content=\"/files/paper.pdf\"></head><body><p>A record page about the rcites package.</p></body></html>".utf8))
            case "/files/paper.pdf":
                if request.headers["if-none-match"] == "\"p1\"" { return .respond(status: 304, headers: [], body: []) }
                return .respond(status: 200, headers: [("ETag", "\"p1\"")], body: real)
            case "/gone.pdf": return .respond(status: 404, headers: [], body: [])
            default: return .respond(status: 403, headers: [], body: [])
            }
        }
        defer { server.shutdown() }
        let root = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(try dossier(["init", root.path]).status == 0)
        try Data("""
            # Trade data
            - [ ] [rcites paper](\(server.url("/rcites.pdf")))
            - [x] Same again through a redirect: \(server.url("/moved"))
            - [ ] [Record](\(server.url("/landing")))
            - [ ] [Gone](\(server.url("/gone.pdf"))) and [Blocked](\(server.url("/blocked.pdf")))
            """.utf8).write(to: root.appendingPathComponent("corpus/notes/trade.md"))
        let env = ["DOSSIER_BACKOFF_MS": "10", "DOSSIER_POLITENESS_MS": "0"]
        let first = try dossier(["fetch", "--json"], in: root, environment: env)
        #expect(first.status == 0, "\(first.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(first.stdout.utf8)) as? [String: Any])
        let urls = Dictionary(uniqueKeysWithValues: (report["urls"] as! [[String: Any]]).map { ($0["url"] as! String, $0) })
        #expect(urls[server.url("/rcites.pdf")]?["status"] as? String == "fetched")
        #expect(urls[server.url("/moved")]?["final_url"] as? String == server.url("/rcites.pdf"))
        #expect(urls[server.url("/landing")]?["citation_pdf_url"] as? String == server.url("/files/paper.pdf"))
        #expect(urls[server.url("/files/paper.pdf")]?["status"] as? String == "fetched")
        #expect(urls[server.url("/gone.pdf")]?["status"] as? String == "failed")
        #expect(urls[server.url("/gone.pdf")]?["http_status"] as? Int == 404)
        #expect(urls[server.url("/blocked.pdf")]?["status"] as? String == "blocked")
        #expect(report["failed"] as? Int == 1 && report["blocked"] as? Int == 1)
        // One document for the three URLs that serve the same bytes.
        let stored = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("corpus/files").path)
        #expect(stored.filter { $0.hasSuffix(".pdf") }.count == 1)
        #expect(stored.allSatisfy { !$0.hasPrefix(".") })

        // --strict turns failures into exit 1.
        #expect(try dossier(["fetch", "--strict"], in: root, environment: env).status == 1)

        // The second run asks conditionally and downloads nothing new.
        let before = server.requests.count
        let second = try dossier(["fetch", "--json"], in: root, environment: env)
        let again = try #require(try JSONSerialization.jsonObject(with: Data(second.stdout.utf8)) as? [String: Any])
        #expect(again["fetched"] as? Int == 0)
        let conditional = server.requests.dropFirst(before).filter { $0.uri == "/rcites.pdf" }
        #expect(!conditional.isEmpty && conditional.allSatisfy { $0.headers["if-none-match"] == "\"r1\"" })

        let links = try dossier(["links", "--json"], in: root)
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(links.stdout.utf8)) as? [[String: Any]])
        let gone = try #require(rows.first { $0["url"] as? String == server.url("/gone.pdf") })
        #expect(gone["status"] as? String == "failed" && gone["http_status"] as? Int == 404 && gone["error"] as? String == "HTTP 404 Not Found")
        let paper = try #require(rows.first { $0["url"] as? String == server.url("/rcites.pdf") })
        #expect(paper["last_success"] is String && (paper["size"] as? Int) == real.count)

        // Index: the fetched PDF and the landing page are documents; a search finds the PDF.
        #expect(try dossier(["index"], in: root).status == 0)
        let search = try dossier(["search", "citesr", "--json"], in: root)
        let results = try #require(try JSONSerialization.jsonObject(with: Data(search.stdout.utf8)) as? [String: Any])
        let kinds = Set((results["results"] as! [[String: Any]]).compactMap { ($0["document"] as? [String: Any])?["kind"] as? String })
        #expect(kinds.contains("pdf"))
        let linked = try #require(try JSONSerialization.jsonObject(with: Data(try dossier(["links", "--json"], in: root).stdout.utf8)) as? [[String: Any]])
        #expect(linked.first { $0["url"] as? String == server.url("/rcites.pdf") }?["document_id"] is Int)

        // attach supplies the blocked document.
        let local = root.appendingPathComponent("saved.pdf")
        PDFFixture.write([.init(label: nil, lines: ["Blocked report about pangolin scales"])], to: local)
        let attach = try dossier(["attach", server.url("/blocked.pdf"), local.path], in: root)
        #expect(attach.status == 0, "\(attach.stderr)")
        #expect(try dossier(["index"], in: root).status == 0)
        let pangolin = try dossier(["search", "pangolin", "--flat", "--json"], in: root)
        #expect(pangolin.stdout.contains("\"total\" : 1"))
        let bad = try dossier(["attach", server.url("/blocked.pdf"), root.appendingPathComponent("corpus/notes/trade.md").path], in: root)
        #expect(bad.status == 2 && bad.stderr.contains("neither a PDF nor a web page"))
    }

    @Test("offline, when no cited host resolves: update and fetch say so, check nothing and mark no link failed; online again, dead hosts are")
    func offline() throws {
        let root = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(try dossier(["init", root.path]).status == 0)
        // Names under .invalid never resolve (RFC 2606): as every host looks to a machine without network.
        let note = root.appendingPathComponent("corpus/notes/trade.md")
        let unreachable = ["https://reports.invalid/a.pdf", "https://data.example.invalid/b.pdf", "https://news.invalid/c"]
        try Data(unreachable.map { "- <\($0)>" }.joined(separator: "\n").utf8).write(to: note)
        let env = ["DOSSIER_BACKOFF_MS": "10", "DOSSIER_POLITENESS_MS": "0"]
        let update = try dossier(["update", "--json"], in: root, environment: env)
        #expect(update.status == 0, "\(update.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(update.stdout.utf8)) as? [String: Any])
        #expect((report["urls"] as? [String: Any])?["offline"] as? Bool == true)
        #expect((report["newly_dead"] as? [Any])?.isEmpty == true)
        let text = try dossier(["update"], in: root, environment: env)
        #expect(text.stdout.contains("offline: no host could be resolved"))
        let fetch = try dossier(["fetch"], in: root, environment: env)
        #expect(fetch.status == 0 && fetch.stdout.contains("offline: none of the 3 hosts"))
        #expect(try dossier(["fetch", "--strict"], in: root, environment: env).status == 1)
        func statuses() throws -> [String: String] {
            let rows = try #require(try JSONSerialization.jsonObject(with: Data(try dossier(["links", "--json"], in: root).stdout.utf8)) as? [[String: Any]])
            return Dictionary(rows.map { ($0["url"] as? String ?? "", $0["status"] as? String ?? "") }, uniquingKeysWith: { a, _ in a })
        }
        #expect(try statuses().values.allSatisfy { $0 != "failed" }, "no link may be marked failed while offline")
        // Nothing is known dead, and --dead says why: the links were never checked.
        let dead = try dossier(["links", "--dead"], in: root)
        #expect(dead.stdout.contains("No link is known to be dead; 3 links were never checked"), "\(dead.stdout)")
        // One host that answers: the machine is online, and the hosts that do not resolve are dead.
        let server = try TestHTTPServer { _ in .respond(status: 200, headers: [("Content-Type", "text/html")], body: Array("<html><body><p>Up.</p></body></html>".utf8)) }
        defer { server.shutdown() }
        try Data((unreachable.map { "- <\($0)>" } + ["- <\(server.url("/up"))>"]).joined(separator: "\n").utf8).write(to: note)
        let online = try dossier(["update", "--json"], in: root, environment: env)
        let after = try #require(try JSONSerialization.jsonObject(with: Data(online.stdout.utf8)) as? [String: Any])
        #expect((after["urls"] as? [String: Any])?["offline"] as? Bool == false)
        let now = try statuses()
        #expect(unreachable.allSatisfy { now[$0] == "failed" })
        #expect(now[server.url("/up")] == "fetched")
    }
}

@Suite("Search experience")
struct SearchExperienceTests {
    @Test("hits carry page, label, snippet words from that page, the citing note line, and an open target; open, show and filters work")
    func experience() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let pdf = folder.appendingPathComponent("report.pdf")
        PDFFixture.write([
            .init(label: "i", lines: ["Foreword"]),
            .init(label: "1", lines: ["Timber trafficking networks move rosewood through ports."]),
            .init(label: "2", lines: ["Ivory seizures rose sharply; teak was also seized."]),
        ], to: pdf, title: "World Wildlife Crime Report")
        let bytes = [UInt8](try Data(contentsOf: pdf))
        let server = try TestHTTPServer { _ in .respond(status: 200, headers: [("Content-Type", "application/pdf")], body: bytes) }
        defer { server.shutdown() }
        let root = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(try dossier(["init", root.path]).status == 0)
        try Data("""
            # Reading list
            ## Timber
            - [ ] [World Wildlife Crime Report](\(server.url("/wwcr.pdf"))) p. 1 on timber
            """.utf8).write(to: root.appendingPathComponent("corpus/notes/reading.md"))
        #expect(try dossier(["fetch"], in: root).status == 0)
        #expect(try dossier(["index"], in: root).status == 0)

        let search = try dossier(["search", "timber trafficking", "--json", "--kind", "pdf"], in: root)
        #expect(search.status == 0, "\(search.stderr)")
        let output = try #require(try JSONSerialization.jsonObject(with: Data(search.stdout.utf8)) as? [String: Any])
        #expect(output["query"] as? String == "timber trafficking")
        #expect(output["took_ms"] is Double || output["took_ms"] is Int)
        let hit = try #require((output["results"] as? [[String: Any]])?.first)
        #expect(hit["page"] as? Int == 2 && hit["page_label"] as? String == "1")
        let snippet = try #require(hit["snippet"] as? String)
        let highlights = try #require(hit["highlights"] as? [[Int]])
        let scalars = Array(snippet.unicodeScalars)
        let marked = highlights.map { String(String.UnicodeScalarView(scalars[$0[0]..<$0[1]])) }
        #expect(marked == ["Timber", "trafficking"])
        let document = try #require(hit["document"] as? [String: Any])
        #expect(document["title"] as? String == "World Wildlife Crime Report")
        #expect(document["url"] as? String == server.url("/wwcr.pdf"))
        let citation = try #require((hit["citations"] as? [[String: Any]])?.first)
        #expect(citation["note"] as? String == "corpus/notes/reading.md")
        #expect(citation["line"] as? Int == 3 && citation["column"] as? Int == 7)
        #expect(citation["label"] as? String == "World Wildlife Crime Report")
        #expect(citation["heading"] as? String == "Timber" && citation["task"] as? String == "open")
        let open = try #require(hit["open"] as? String)
        #expect(open.hasPrefix("file://") && open.hasSuffix("#page=2"))

        // open N runs the viewer template with the file and the page.
        let opened = try dossier(["open", "1"], in: root, environment: ["DOSSIER_VIEWER": "echo {file} {page}"])
        #expect(opened.status == 0)
        let lines = opened.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("echo ") })
        #expect(lines.contains { $0.hasSuffix(".pdf 2") && !$0.hasPrefix("echo") })
        #expect(try dossier(["open", "9"], in: root).status == 2)
        // open --doc checks the page against the document, and a viewer that cannot start is a failure.
        let id = try #require(document["id"] as? Int)
        let pastEnd = try dossier(["open", "--doc", "\(id)", "--page", "300"], in: root, environment: ["DOSSIER_VIEWER": "true"])
        #expect(pastEnd.status == 1 && pastEnd.stderr.contains("there is no page 300"), "\(pastEnd.stderr)")
        #expect(try dossier(["open", "--doc", "9999"], in: root).stderr.contains("there is no document 9999"))
        let bin = root.appendingPathComponent("fake-bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        try Data("#!/bin/sh\necho 'cannot open display' >&2\nexit 3\n".utf8).write(to: bin.appendingPathComponent("evince"))
        chmod(bin.appendingPathComponent("evince").path, 0o755)
        let broken = try dossier(["open", "--doc", "\(id)", "--page", "2"], in: root,
                                 environment: ["PATH": "\(bin.path):/usr/bin:/bin", "DOSSIER_VIEWER": ""])
        #expect(broken.status == 1 && broken.stderr.contains("the viewer could not start"), "\(broken.stderr)")
        #expect(try dossier(["open", "1"], in: root, environment: ["DOSSIER_VIEWER": "false"]).status == 1)

        // The list of documents: number, title, URL, citing lines; as JSON too.
        let listing = try dossier(["documents"], in: root, environment: ["NO_COLOR": "1"])
        #expect(listing.stdout.contains("World Wildlife Crime Report") && listing.stdout.contains(server.url("/wwcr.pdf")))
        #expect(listing.stdout.contains("cited by 1 note line"))
        let listed = try #require(try JSONSerialization.jsonObject(with: Data(try dossier(["documents", "--json", "--kind", "pdf"], in: root).stdout.utf8)) as? [[String: Any]])
        #expect(listed.map { $0["id"] as? Int } == [document["id"] as? Int])
        #expect(listed.first?["url"] as? String == server.url("/wwcr.pdf") && listed.first?["cited_by"] as? Int == 1)
        #expect(listed.first?["notes"] as? [String] == ["corpus/notes/reading.md"])
        // The filters search has: a note, a site; with its messages for a name that matches nothing.
        #expect(try dossier(["documents", "--note", "reading.md"], in: root).stdout.contains("World Wildlife Crime Report"))
        #expect(try dossier(["documents", "--site", "127.0.0.1"], in: root).stdout.contains("World Wildlife Crime Report"))
        #expect(try dossier(["documents", "--site", "nosuch.org"], in: root).status == 1)

        // Text output names the citing note line.
        let text = try dossier(["search", "rosewood"], in: root, environment: ["NO_COLOR": "1"])
        #expect(text.stdout.contains("cited at corpus/notes/reading.md:3"))
        #expect(text.stdout.contains("p. 2 (printed 1)"))

        // Filters and exclusions.
        let ivory = try dossier(["search", "seized -teak", "--json"], in: root)
        #expect(ivory.stdout.contains("\"total\" : 0"))
        #expect(try dossier(["search", "timber", "--json", "--kind", "note"], in: root).stdout.contains("corpus/notes/reading.md"))
        #expect(try dossier(["search", "timber", "--json", "--site", "127.0.0.1"], in: root).stdout.contains("\"kind\" : \"pdf\""))
        #expect(try dossier(["search", "timber", "--json", "--note", "corpus/notes/reading.md", "--kind", "pdf"], in: root).stdout.contains("\"total\" : 1"))
        #expect(try dossier(["search", "timber", "--kind", "book"], in: root).status == 2)

        // A filter that names nothing says so: it is not a search that found nothing.
        let noSite = try dossier(["search", "timber", "--site", "example.org"], in: root)
        #expect(noSite.status == 1 && noSite.stderr.contains("no document was fetched from example.org; sites: 127.0.0.1"))
        for (filter, message) in [(["--note", "no/such.md"], "no note no/such.md; notes: corpus/notes/reading.md"),
                                  (["--doc", "999"], "there is no document 999"), (["--kind", "html"], "no html document is indexed")] {
            let run = try dossier(["search", "timber"] + filter, in: root)
            #expect(run.status == 1 && run.stderr.contains(message), "\(filter): \(run.stderr)")
        }
        // A name close to one the workspace has is suggested.
        #expect(try dossier(["search", "timber", "--note", "reeding.md"], in: root).stderr.contains("did you mean corpus/notes/reading.md?"))
        #expect(try dossier(["search", "timber", "--site", "127.0.0.2"], in: root).stderr.contains("did you mean 127.0.0.1?"))
        // A note named as `dossier notes` prints it, by its path under corpus/notes/, or by its file name.
        for name in ["corpus/notes/reading.md", "reading.md"] {
            #expect(try dossier(["search", "timber", "--json", "--note", name, "--kind", "pdf"], in: root).stdout.contains("\"total\" : 1"), "\(name)")
        }
        // A workspace never indexed says so.
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("dossier-empty-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: empty) }
        _ = try dossier(["init", empty.path])
        let never = try dossier(["search", "timber", "--workspace", empty.path])
        #expect(never.status == 1 && never.stderr.contains("nothing is indexed") && never.stderr.contains("dossier update"))

        // show highlights a query's matches on a page.
        let show = try dossier(["show", "\(document["id"] as! Int):3", "--query", "ivory"], in: root, environment: ["NO_COLOR": "1"])
        #expect(show.stdout.contains("[Ivory] seizures"))
        #expect(show.stdout.contains("── p. 3 (printed 2)"))
    }
}

@Suite("dossier update")
struct UpdateCLITests {
    @Test("one update reflects a changed PDF, an added link, a removed link and a 404; verify passes; a second update is idle")
    func incremental() throws {
        let v1 = folderPDF("Version one about pangolin scales"), v2 = folderPDF("Version two about rhino horn, now with more pages")
        let state = ServerState()
        let server = try TestHTTPServer { request in
            switch request.uri {
            case "/a.pdf": return .respond(status: 200, headers: [("ETag", state.changed ? "\"2\"" : "\"1\"")], body: state.changed ? v2 : v1)
            case "/b.pdf": return .respond(status: 200, headers: [], body: folderPDF("Document B about timber"))
            case "/c.pdf": return .respond(status: 200, headers: [], body: folderPDF("Document C about ivory"))
            default: return .respond(status: 404, headers: [], body: [])
            }
        }
        defer { server.shutdown() }
        let root = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(try dossier(["init", root.path]).status == 0)
        let note = root.appendingPathComponent("corpus/notes/n.md")
        try Data("- [A](\(server.url("/a.pdf")))\n- [B](\(server.url("/b.pdf")))\n- [D](\(server.url("/d.pdf")))\n".utf8).write(to: note)
        let env = ["DOSSIER_BACKOFF_MS": "5", "DOSSIER_POLITENESS_MS": "0"]
        let first = try dossier(["update", "--json"], in: root, environment: env)
        #expect(first.status == 0, "\(first.stderr)")
        let r1 = try #require(try JSONSerialization.jsonObject(with: Data(first.stdout.utf8)) as? [String: Any])
        #expect(((r1["documents"] as? [String: Any])?["new"] as? [String])?.count == 3)  // a, b and the note
        #expect(((r1["newly_dead"] as? [[String: Any]])?.first?["url"] as? String) == server.url("/d.pdf"))

        // Change A, add C, remove B; D stays dead.
        state.changed = true
        try Data("- [A](\(server.url("/a.pdf")))\n- [C](\(server.url("/c.pdf")))\n- [D](\(server.url("/d.pdf")))\n".utf8).write(to: note)
        let second = try dossier(["update", "--json", "--min-age", "0", "--gc-after", "0"], in: root, environment: env)
        #expect(second.status == 0, "\(second.stderr)")
        let r2 = try #require(try JSONSerialization.jsonObject(with: Data(second.stdout.utf8)) as? [String: Any])
        let docs = try #require(r2["documents"] as? [String: Any])
        #expect((docs["changed"] as? [String])?.count == 2)   // a (new bytes) and the note
        #expect((docs["changed"] as? [String])?.contains { $0.hasPrefix(server.url("/a.pdf")) } == true)
        #expect((docs["new"] as? [String])?.count == 1)       // c
        #expect((docs["removed"] as? [String])?.count == 1)   // b, no longer cited, after the grace period
        #expect(((r2["dead_for_runs"] as? [[String: Any]])?.first?["runs"] as? Int) == 2)
        #expect(try dossier(["verify", "--queries", "40"], in: root).status == 0)
        #expect(try dossier(["search", "rhino", "--json"], in: root).stdout.contains("\"total\" : 1"))
        #expect(try dossier(["search", "pangolin", "--json"], in: root).stdout.contains("\"total\" : 0"))
        let dead = try dossier(["links", "--dead"], in: root)
        #expect(dead.stdout.contains(server.url("/d.pdf")) && !dead.stdout.contains(server.url("/a.pdf")))

        // Nothing due: nothing fetched, nothing extracted; a report is written each time.
        let requests = server.requests.count
        let third = try dossier(["update"], in: root, environment: env)
        #expect(third.status == 0)
        #expect(server.requests.count == requests)
        #expect(third.stdout.contains("0 new, 0 changed"))
        let reports = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("index/reports").path)
        #expect(reports.count == 3)
    }
}

final class ServerState: @unchecked Sendable {
    var changed = false
}

func folderPDF(_ text: String) -> [UInt8] {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pdf-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let url = folder.appendingPathComponent("x.pdf")
    PDFFixture.write([.init(label: nil, lines: [text])], to: url)
    return [UInt8]((try? Data(contentsOf: url)) ?? Data())
}

@Suite("dossier schedule", .serialized)
struct ScheduleCLITests {
    @Test("install writes a nightly crontab line for this workspace (keeping the user's other lines), show prints it, remove takes only it away")
    func cron() throws {
        let root = try exampleWorkspace()
        defer { try? FileManager.default.removeItem(at: root) }
        // Keep the user's crontab and put it back afterwards.
        let saved = Process()
        saved.executableURL = URL(fileURLWithPath: "/usr/bin/crontab")
        saved.arguments = ["-l"]
        let pipe = Pipe()
        saved.standardOutput = pipe
        saved.standardError = FileHandle.nullDevice
        try saved.run()
        let original = pipe.fileHandleForReading.readDataToEndOfFile()
        saved.waitUntilExit()
        defer {
            let restore = Process()
            restore.executableURL = URL(fileURLWithPath: "/usr/bin/crontab")
            restore.arguments = saved.terminationStatus == 0 ? ["-"] : ["-r"]
            let input = Pipe()
            restore.standardInput = input
            restore.standardError = FileHandle.nullDevice
            try? restore.run()
            input.fileHandleForWriting.write(original)
            try? input.fileHandleForWriting.close()
            restore.waitUntilExit()
        }
        let env = ["DOSSIER_SCHEDULER": "cron"]
        let install = try dossier(["schedule", "install", "--at", "02:30"], in: root, environment: env)
        #expect(install.status == 0, "\(install.stderr)")
        let show = try dossier(["schedule", "show"], in: root, environment: env)
        #expect(show.stdout.contains("30 2 * * * cd '\(root.path)'"))
        #expect(show.stdout.contains("update --workspace"))
        #expect(show.stdout.contains("index/logs/update-"))
        #expect(try dossier(["schedule", "install", "--at", "04:00"], in: root, environment: env).status == 0)
        #expect(try dossier(["schedule", "show"], in: root, environment: env).stdout.contains("0 4 * * *"))
        #expect(try dossier(["schedule", "remove"], in: root, environment: env).stdout.contains("removed"))
        #expect(try dossier(["schedule", "show"], in: root, environment: env).stdout.contains("nothing scheduled"))
        #expect(try dossier(["schedule", "install", "--at", "25:00"], in: root, environment: env).status == 2)
    }
}

@Suite("Updates under fire")
struct UpdateCrashTests {
    @Test("kill -9 at random moments of updates while searches run in a loop: no search fails, the next update completes, verify passes")
    func killAndSearch() throws {
        let root = try exampleWorkspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let shared = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/corpus-real")
        for name in try FileManager.default.contentsOfDirectory(atPath: shared.path) where name.hasSuffix(".pdf") {
            try FileManager.default.copyItem(at: shared.appendingPathComponent(name), to: root.appendingPathComponent("corpus/library/\(name)"))
        }
        #expect(try dossier(["update"], in: root).status == 0)

        final class Failures: @unchecked Sendable {
            let lock = NSLock()
            var list: [String] = []
            var searches = 0
            var stop = false
            func add(_ s: String) { lock.lock(); list.append(s); lock.unlock() }
        }
        let failures = Failures()
        let searcher = Thread {
            while !failures.stop {
                guard let run = try? dossier(["search", "CITES OR species", "--flat", "--json", "--limit", "3"], in: root) else { continue }
                failures.searches += 1
                if run.status != 0 || (try? JSONSerialization.jsonObject(with: Data(run.stdout.utf8))) == nil {
                    failures.add("status \(run.status): \(run.stderr)")
                }
            }
        }
        searcher.start()
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<6 {
            let process = Process()
            process.executableURL = dossierBinary
            process.arguments = ["update", "--force"]
            process.currentDirectoryURL = root
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            usleep(UInt32.random(in: 50_000...3_000_000, using: &generator))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        failures.stop = true
        while !searcher.isFinished { usleep(10_000) }
        #expect(failures.list.isEmpty, "\(failures.list.prefix(3))")
        #expect(failures.searches > 5)
        let final = try dossier(["update"], in: root)
        #expect(final.status == 0, "\(final.stderr)")
        let verify = try dossier(["verify", "--queries", "50"], in: root)
        #expect(verify.status == 0, "\(verify.stdout)")
        let files = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("corpus/files").path)
        #expect(!files.contains { $0.hasPrefix(".download-") })
    }

    @Test("a second update waits for the first, or with --no-wait says so and exits 1")
    func oneAtATime() throws {
        let root = try exampleWorkspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let lock = root.appendingPathComponent("index/update.lock").path
        let fd = open(lock, O_RDWR | O_CREAT, 0o644)
        #expect(flock(fd, LOCK_EX) == 0)
        let refused = try dossier(["update", "--no-wait"], in: root)
        #expect(refused.status == 1 && refused.stderr.contains("another `dossier update` is running"))
        flock(fd, LOCK_UN)
        close(fd)
        #expect(try dossier(["update", "--no-wait"], in: root).status == 0)
    }
}

@Suite("Bounded queries and output")
struct BoundedCLITests {
    @Test("queries past the limits get one line and exit 2, in well under 2 s; --batch answers the error in-line; hints come once")
    func limits() throws {
        let root = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(try dossier(["init", root.path]).status == 0)
        try Data("# Reading\n- [Report](https://example.org/r.pdf) on ivory and timber\n".utf8)
            .write(to: root.appendingPathComponent("corpus/notes/reading.md"))
        #expect(try dossier(["index", "--workspace", root.path]).status == 0)
        let deep = String(repeating: "(", count: 10_000) + "ivory" + String(repeating: ")", count: 10_000)
        let wide = (0..<4_800).map { "w\($0)" }.joined(separator: " OR ")
        let nested = String(repeating: "(", count: 200) + "ivory" + String(repeating: ")", count: 200)
        let many = (0..<1_100).map { "w\($0)" }.joined(separator: " ")
        for query in [deep, wide, nested, many] {
            let started = Date()
            let run = try dossier(["search", "--workspace", root.path, query])
            #expect(run.status == 2, "\(query.prefix(20))…: \(run.stderr)")
            #expect(run.stderr.hasPrefix("dossier: error: query too large") && run.stderr.split(separator: "\n").count == 1, "\(run.stderr.prefix(300))")
            #expect(Date().timeIntervalSince(started) < 2)
        }
        let batch = try dossier(["search", "--batch", "--workspace", root.path], stdin: "\(nested)\nivory\n")
        let lines = batch.stdout.split(separator: "\n")
        #expect(batch.status == 0 && lines.count == 2)
        #expect(lines.first?.contains("\"error\":\"query too large: parentheses are nested more than 64 deep\"") == true)
        #expect(lines.last?.contains("\"total\":1") == true)
        let ands = try dossier(["search", "--workspace", root.path, Array(repeating: "and", count: 800).joined(separator: " ")])
        #expect(ands.stderr.components(separatedBy: "hint:").count == 2, "\(ands.stderr.prefix(400))")
    }

    @Test("a note line holding a 2 MB word gives a snippet and citation within their stated lengths, in text and JSON")
    func longWord() throws {
        let root = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(try dossier(["init", root.path]).status == 0)
        let word = String(repeating: "x", count: 2 << 20)
        try Data("# Reading\n- [Report](https://example.org/r.pdf) \(word) ivory\n".utf8)
            .write(to: root.appendingPathComponent("corpus/notes/reading.md"))
        #expect(try dossier(["index", "--workspace", root.path]).status == 0)
        let json = try dossier(["search", "--json", "--workspace", root.path, "ivory"])
        #expect(json.status == 0)
        #expect(json.stdout.utf8.count < 8_000, "\(json.stdout.utf8.count) bytes")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let result = try #require((object["results"] as? [[String: Any]])?.first)
        let snippet = try #require(result["snippet"] as? String)
        #expect(snippet.unicodeScalars.count <= 400 && snippet.contains("x…"))
        // The highlight still marks "ivory".
        let highlight = try #require((result["highlights"] as? [[Int]])?.first)
        let scalars = Array(snippet.unicodeScalars)
        #expect(String(String.UnicodeScalarView(scalars[highlight[0]..<highlight[1]])) == "ivory")
        let text = try dossier(["search", "--workspace", root.path, "ivory"])
        #expect(text.status == 0 && text.stdout.utf8.count < 4_000)
    }
}

import Foundation
import TestSupport
import Testing

/// What `search` and `show` say about what they show (issue 37, item 2).
@Suite("Ranges, readings and the viewer")
struct RoughEdgeTests {
    /// The example workspace with `count` reports in its library (r1.pdf …),
    /// each of `pages` pages holding the line `line(report, page)`, indexed.
    func indexedReports(_ count: Int, pages: Int, _ line: (Int, Int) -> String) throws -> URL {
        let root = try exampleWorkspace()
        let library = root.appendingPathComponent("corpus/library")
        for d in 1...count {
            PDFFixture.write((1...pages).map { p in .init(label: nil, lines: [line(d, p)]) }, to: library.appendingPathComponent("r\(d).pdf"))
        }
        #expect(try dossier(["index"], in: root).status == 0)
        return root
    }

    @Test("results say which range they show, past the end where the last page is; --help says --limit counts documents; show --query reads as search does")
    func ranges() throws {
        let root = try indexedReports(3, pages: 4) { d, p in "Captive-bred parrots, report \(d), page \(p)." }
        defer { try? FileManager.default.removeItem(at: root) }
        let env = ["NO_COLOR": "1"]
        let flat = try dossier(["search", "captive-bred", "--flat", "--offset", "3", "--limit", "4"], in: root, environment: env)
        #expect(flat.stdout.contains("12 passages match; showing passages 4–7"), "\(flat.stdout)")
        #expect(flat.stdout.contains("More: --offset 7."))
        let past = try dossier(["search", "captive-bred", "--flat", "--offset", "1000", "--limit", "5"], in: root, environment: env)
        #expect(past.stdout.contains("--offset 1000 is past the last of them (the last page is --offset 10)"), "\(past.stdout)")
        let grouped = try dossier(["search", "captive-bred", "--offset", "9"], in: root, environment: env)
        #expect(grouped.stdout.contains("in 3 documents; --offset 9 is past the last of them (the last page is --offset 0)"), "\(grouped.stdout)")
        let help = try dossier(["search", "--help"], in: root)
        #expect(help.stdout.contains("Documents to show"), "\(help.stdout)")
        // A word FTS5's grammar would read as a column filter: show highlights it as search finds it.
        let shown = try dossier(["show", "corpus/library/r1.pdf:2", "--query", "captive-bred"], in: root, environment: env)
        #expect(shown.status == 0, "\(shown.stderr)")
        #expect(shown.stdout.contains("[Captive]-[bred]") || shown.stdout.contains("[Captive-bred]"), "\(shown.stdout)")

        // DOSSIER_VIEWER set as $EDITOR is: a program, given the file; the page too for a viewer Dossier knows.
        let bin = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: bin) }
        let record = bin.appendingPathComponent("arguments.txt")
        for name in ["viewer.sh", "evince"] {
            let script = bin.appendingPathComponent(name)
            try Data("#!/bin/sh\necho \"$@\" > \(record.path)\n".utf8).write(to: script)
            chmod(script.path, 0o755)
        }
        _ = try dossier(["search", "captive-bred", "--doc", "2", "--flat"], in: root, environment: env)
        #expect(try dossier(["open", "1"], in: root, environment: ["DOSSIER_VIEWER": bin.appendingPathComponent("viewer.sh").path]).status == 0)
        let plain = try String(contentsOf: record, encoding: .utf8)
        #expect(plain.contains("corpus/library/r") && plain.contains(".pdf"), "\(plain)")
        #expect(try dossier(["open", "1"], in: root, environment: ["DOSSIER_VIEWER": bin.appendingPathComponent("evince").path]).status == 0)
        let known = try String(contentsOf: record, encoding: .utf8)
        #expect(known.hasPrefix("--page-index=") && known.contains(".pdf"), "\(known)")
    }

    @Test("counting stops at --count-up-to: the totals say \"at least\", the JSON \"gte\", the page is the same; the default counts exactly below 1,000")
    func boundedCounts() throws {
        let root = try indexedReports(6, pages: 2) { d, p in "Pangolin scales seized, report \(d), page \(p), lot k\(d)x." }
        defer { try? FileManager.default.removeItem(at: root) }
        let env = ["NO_COLOR": "1"]
        let exact = try dossier(["search", "pangolin", "--limit", "2"], in: root, environment: env)
        #expect(exact.stdout.contains("12 passages match, in 6 documents; showing documents 1–2"), "\(exact.stdout)")
        // A lone word's counts are read from the index's dictionary: exact whatever the bound.
        let word = try dossier(["search", "pangolin", "--limit", "2", "--count-up-to", "3"], in: root, environment: env)
        #expect(word.stdout.contains("12 passages match, in 6 documents; showing documents 1–2"), "\(word.stdout)")
        // An AND's documents are counted as its scorer meets them: exact too.
        let both = try dossier(["search", "pangolin seized", "--limit", "2", "--count-up-to", "3"], in: root, environment: env)
        #expect(both.stdout.contains("12 passages match, in 6 documents; showing documents 1–2"), "\(both.stdout)")
        // An OR of words read whole (short lists) is counted as they are merged: exact, past the bound too.
        let lots = "k1x OR k2x OR k3x OR k4x OR k5x"
        let read = try dossier(["search", lots, "--limit", "2", "--count-up-to", "3"], in: root, environment: env)
        #expect(read.stdout.contains("10 passages match, in 5 documents; showing documents 1–2"), "\(read.stdout)")
        // An OR whose commonest word's documents pass the bound (the dictionaries say so): "at least", nothing walked
        // (by the passage ranking: the default search reads an OR's first 20 documents to rank them again, and
        // counts exactly when no more match).
        let common = "pangolin OR k1x"
        let rescored = try dossier(["search", common, "--limit", "2", "--count-up-to", "3"], in: root, environment: env)
        #expect(rescored.stdout.contains("12 passages match, in 6 documents; showing documents 1–2"), "\(rescored.stdout)")
        let bounded = try dossier(["search", common, "--limit", "2", "--count-up-to", "3", "--same-passage"], in: root, environment: env)
        #expect(bounded.stdout.contains("at least 12 passages match, in at least 6 documents; showing documents 1–2"), "\(bounded.stdout)")
        // The same documents, in the same order, either way.
        let unbounded = try dossier(["search", common, "--limit", "2", "--same-passage"], in: root, environment: env)
        #expect(unbounded.stdout.contains("12 passages match, in 6 documents; showing documents 1–2"), "\(unbounded.stdout)")
        // Past a total that is a lower bound, a full page still offers the next.
        let deeper = try dossier(["search", common, "--limit", "2", "--offset", "2", "--count-up-to", "3", "--same-passage"], in: root,
                                 environment: env)
        #expect(deeper.stdout.contains("in at least 6 documents; showing documents 3–4") && deeper.stdout.contains("More: --offset 4."),
                "\(deeper.stdout)")
        let titles = { (out: String) in out.split(separator: "\n").filter { $0.contains("[pdf]") } }
        #expect(titles(unbounded.stdout) == titles(bounded.stdout) && titles(bounded.stdout).count == 2)
        struct Totals: Decodable {
            var total: Int
            var total_documents: Int?
            var total_relation: String
        }
        let json = try dossier(["search", common, "--json", "--count-up-to", "3", "--limit", "2", "--same-passage"], in: root)
        let totals = try JSONDecoder().decode(Totals.self, from: Data(json.stdout.utf8))
        #expect(totals.total_relation == "gte" && totals.total_documents == 6 && totals.total >= 12, "\(json.stdout)")
        let all = try JSONDecoder().decode(Totals.self, from: Data(try dossier(["search", lots, "--json", "--limit", "2"], in: root).stdout.utf8))
        #expect(all.total_relation == "eq" && all.total_documents == 5 && all.total == 10)
        let flat = try dossier(["search", "pangolin", "--flat", "--count-up-to", "0", "--limit", "3"], in: root, environment: env)
        #expect(flat.status == 0 && flat.stdout.contains("passages match; showing passages 1–3"), "\(flat.stdout)")
    }
}

/// Long work on a terminal (issue 37, item 4): one live line, not a line per document.
@Suite("Progress on a terminal")
struct ProgressTests {
    /// `arguments` run under a pseudo-terminal (`script`), everything it wrote.
    func onTerminal(_ arguments: [String], environment: [String: String] = [:]) throws -> String {
        let prefix = environment.isEmpty ? [] : ["env"] + environment.map { "\($0.key)=\($0.value)" }
        let command = (prefix + [dossierBinary.path] + arguments).map { "'\($0)'" }.joined(separator: " ")
        let run = try runProgram(URL(fileURLWithPath: "/usr/bin/script"), ["-qec", command, "/dev/null"], stdin: "")
        #expect(run.status == 0)
        return run.stdout
    }

    @Test("index on a terminal shows one live line (done/total, bytes, elapsed, time left) and failures; --verbose and pipes a line per document")
    func liveLine() throws {
        try #require(FileManager.default.isExecutableFile(atPath: "/usr/bin/script"), "util-linux's script makes the terminal")
        for verbose in [false, true] {
            let root = try temporaryFolder()
            defer { try? FileManager.default.removeItem(at: root) }
            #expect(try dossier(["init", root.path]).status == 0)
            let library = root.appendingPathComponent("corpus/library")
            for name in ["one", "two", "three"] {
                PDFFixture.write([.init(label: nil, lines: ["Pangolin scales, report \(name)"])], to: library.appendingPathComponent("\(name).pdf"))
            }
            try Data("%PDF-1.4 broken".utf8).write(to: library.appendingPathComponent("broken.pdf"))
            let shown = try onTerminal(["index", "--workspace", root.path] + (verbose ? ["--verbose"] : []))
            #expect(shown.contains("failed     corpus/library/broken.pdf"), "\(shown)")
            #expect(shown.contains("3 extracted, 0 unchanged, 1 failed"))
            if verbose {
                #expect(shown.contains("extracted  corpus/library/one.pdf"))
                #expect(!shown.contains("[extract "))
            } else {
                #expect(!shown.contains("extracted  corpus/library/one.pdf"), "\(shown)")
                // Done of total, the bytes of the files extracted of all of them, elapsed, time left.
                #expect(shown.range(of: #"\r\x{1B}\[K\[extract 1/4 · [0-9.]+ (B|KiB) of [0-9.]+ KiB · 0:0\d, about \d+:\d\d left\]"#,
                                    options: .regularExpression) != nil, "\(shown)")
                #expect(shown.contains("left] corpus/library/"))
            }
        }
        // Not a terminal: every document has its line, as logs and cron need.
        let root = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(try dossier(["init", root.path]).status == 0)
        PDFFixture.write([.init(label: nil, lines: ["Ivory"])], to: root.appendingPathComponent("corpus/library/ivory.pdf"))
        let piped = try dossier(["index", "--workspace", root.path])
        #expect(piped.stdout.contains("extracted  corpus/library/ivory.pdf") && !piped.stderr.contains("[extract "))
    }

    @Test("fetch on a terminal shows one live line: done/total, the bytes fetched, elapsed and time left, the host")
    func fetchLine() throws {
        try #require(FileManager.default.isExecutableFile(atPath: "/usr/bin/script"), "util-linux's script makes the terminal")
        let body = [UInt8](repeating: 0x20, count: 300_000)
        let server = try TestHTTPServer { request in
            request.uri == "/gone.pdf" ? .respond(status: 404, headers: [], body: [])
                : .respond(status: 200, headers: [("Content-Type", "text/html")], body: Array("<html><body><p>".utf8) + body + Array("</p></body></html>".utf8))
        }
        defer { server.shutdown() }
        let root = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(try dossier(["init", root.path]).status == 0)
        try Data("- <\(server.url("/a"))>\n- <\(server.url("/b"))>\n- <\(server.url("/gone.pdf"))>\n".utf8)
            .write(to: root.appendingPathComponent("corpus/notes/n.md"))
        let shown = try onTerminal(["fetch", "--workspace", root.path], environment: ["DOSSIER_BACKOFF_MS": "10", "DOSSIER_POLITENESS_MS": "0"])
        // The three are fetched side by side: when the 404 ends first, line 1/3 has no bytes yet, and 2/3 has them.
        #expect(shown.range(of: #"\[fetch [12]/3 · [0-9.]+ (B|KB|kB|KiB) · 0:0\d, about 0:\d\d left\] 127\.0\.0\.1"#, options: .regularExpression) != nil, "\(shown)")
        #expect(shown.range(of: #"\[fetch 3/3 · 5\d\d(\.\d)? (KB|kB|KiB) · 0:0\d\]"#, options: .regularExpression) != nil, "\(shown)")
    }

    @Test("a hit names its page's running head, the section it is in, in the text and in the JSON")
    func sections() throws {
        let root = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(try dossier(["init", root.path]).status == 0)
        let blank = Array(repeating: "", count: 20)
        let bodies = ["Rosewood logs were seized at the port.", "Ivory tusks were found in a container.",
                      "Pangolin scales were declared as fish scales.", "Eel fry left in suitcases for Asia."]
        PDFFixture.write((1...4).map { p in
            .init(label: nil, lines: ["Chapter Two: Timber and Wildlife", "", "", "", bodies[p - 1]] + blank + ["\(p) / 4"])
        }, to: root.appendingPathComponent("corpus/library/review.pdf"))
        #expect(try dossier(["index"], in: root).status == 0)
        let text = try dossier(["search", "pangolin"], in: root).stdout
        #expect(text.contains("1. p. 3 · Chapter Two: Timber and Wildlife  score"), "\(text)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(try dossier(["search", "pangolin", "--json"], in: root).stdout.utf8)) as? [String: Any])
        #expect((json["results"] as? [[String: Any]])?.first?["section"] as? String == "Chapter Two: Timber and Wildlife")
    }

    @Test("every command's help fits 80 columns, and no paragraph breaks a line before it is full")
    func helpWrapping() throws {
        let commands = ["", "init", "notes", "links", "update", "fetch", "attach", "index", "documents", "search", "open", "show", "cite",
                        "meta", "status", "verify", "export", "schedule", "serve", "mcp"]
        for command in commands {
            // Through a pipe the help is laid out for 80 columns, as on a terminal of that width.
            let help = try dossier((command.isEmpty ? [] : [command]) + ["--help"]).stdout
            let lines = help.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            for line in lines { #expect(line.count <= 80, "\(command): \(line.count) columns: \(line)") }
            // A paragraph's line followed by the rest of its sentence that would have fitted on it: a hard break in the source.
            for (a, b) in zip(lines, lines.dropFirst()) where !a.isEmpty && a.first != " " && b.first?.isLowercase == true {
                let word = b.split(separator: " ").first.map(String.init) ?? ""
                #expect(a.count + 1 + word.count > 79, "\(command): ragged after \"\(a)\"")
            }
        }
    }
}

import Foundation
import TestSupport
import Testing

/// What `search` and `show` say about what they show (issue 37, item 2).
@Suite("Ranges, readings and the viewer")
struct RoughEdgeTests {
    @Test("results say which range they show, past the end where the last page is; --help says --limit counts documents; show --query reads as search does")
    func ranges() throws {
        let root = try exampleWorkspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let library = root.appendingPathComponent("corpus/library")
        for d in 1...3 {
            PDFFixture.write((1...4).map { p in .init(label: nil, lines: ["Captive-bred parrots, report \(d), page \(p)."]) },
                             to: library.appendingPathComponent("r\(d).pdf"))
        }
        #expect(try dossier(["index"], in: root).status == 0)
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
}

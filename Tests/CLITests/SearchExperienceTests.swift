import DossierCore
import Foundation
import TestSupport
import Testing

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

        // A note's page is a section: open --doc opens the note at the section's first line.
        let noteDocuments = try #require(try JSONSerialization.jsonObject(with: Data(try dossier(["documents", "--json", "--kind", "note"], in: root).stdout.utf8)) as? [[String: Any]])
        let noteID = try #require(noteDocuments.first?["id"] as? Int)
        let section = try dossier(["open", "--doc", "\(noteID)", "--page", "2"], in: root, environment: ["VISUAL": "echo", "EDITOR": "echo"])
        #expect(section.status == 0 && section.stdout.contains("echo +2 "), "\(section.stdout)")

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
        // A kind that is not one: the same one-line error from both commands that take --kind.
        for command in ["search", "documents"] {
            let book = try dossier(command == "search" ? ["search", "timber", "--kind", "book"] : ["documents", "--kind", "book"], in: root)
            #expect(book.status == 2 && book.stderr.contains("--kind must be pdf, html or note"), "\(command)")
        }

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

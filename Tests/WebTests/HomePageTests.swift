import Catalog
import DossierCore
import Extract
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TestSupport
@testable import Web

@Suite("The home page")
struct HomePageTests {
    @Test("with no query, the page says what the library holds: counts, the last document added, the notes, the dead links")
    func home() async throws {
        let (workspace, root) = try temporaryWorkspace()
        defer { try? FileManager.default.removeItem(at: root) }
        try Data("# Reading\n\n- [Report](https://example.org/report.pdf)\n- [Gone](https://example.org/gone.pdf)\n".utf8)
            .write(to: workspace.notes.appendingPathComponent("reading.md"))
        PDFFixture.write([LanguagePageTests.english], to: workspace.library.appendingPathComponent("english.pdf"), title: "English report")
        try indexWorkspace(root)
        do {
            let catalog = try CatalogStore(workspace: workspace)
            try catalog.recordFetch(FetchRecord(url: "https://example.org/gone.pdf", status: .failed, error: "HTTP 404"))
        }
        let app = Application(router: try WebApp.router(workspace: workspace, renderer: PreviewRenderer.inProcess.render))
        try await app.test(.router) { client in
            try await client.execute(uri: "/", method: .get) { response in
                let body = String(buffer: response.body)
                #expect(body.contains("<p class=\"counts\">2 documents (1 note, 1 pdf), 2 pages, "), "\(body)")
                #expect(body.contains("last document added 20"))
                #expect(body.contains("<a href=\"/notes/reading.md\">corpus/notes/reading.md</a> <span class=\"kind\">2 links</span>"), "\(body)")
                #expect(body.contains("<a href=\"/links\">1 cited link does not answer</a>"), "\(body)")
                #expect(body.contains("Query syntax"))
            }
            try await client.execute(uri: "/?q=Parties", method: .get) { response in
                #expect(!String(buffer: response.body).contains("class=\"counts\""), "results, not the home page")
            }
        }
    }
}

@Suite("Filters in the search form")
struct FilterFormTests {
    @Test("the form offers the notes and the sites of the library, the one chosen selected and applied")
    func notesAndSites() async throws {
        let (workspace, root) = try temporaryWorkspace()
        defer { try? FileManager.default.removeItem(at: root) }
        try Data("# Timber\n\n- [Guide](https://a.example/guide.pdf)\n".utf8).write(to: workspace.notes.appendingPathComponent("timber.md"))
        try Data("# Ivory\n\n- [Report](https://b.example/report.pdf)\n".utf8).write(to: workspace.notes.appendingPathComponent("ivory.md"))
        let folder = try PDFFixture.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        PDFFixture.write([.init(label: nil, lines: ["Pangolin scales in the timber trade"])], to: folder.appendingPathComponent("guide.pdf"), title: "Guide")
        PDFFixture.write([.init(label: nil, lines: ["Pangolin scales and ivory seized"])], to: folder.appendingPathComponent("report.pdf"), title: "Report")
        for (url, file) in [("https://a.example/guide.pdf", "guide.pdf"), ("https://b.example/report.pdf", "report.pdf")] {
            let attached = try dossier(["attach", "--workspace", root.path, url, folder.appendingPathComponent(file).path])
            #expect(attached.status == 0, "\(attached.stderr)")
        }
        try indexWorkspace(root)
        let app = Application(router: try WebApp.router(workspace: workspace, renderer: PreviewRenderer.inProcess.render))
        try await app.test(.router) { client in
            try await client.execute(uri: "/?q=pangolin", method: .get) { response in
                let body = String(buffer: response.body)
                #expect(body.contains(#"<select name="note" aria-label="note"><option value="" selected>all notes</option><option value="corpus/notes/ivory.md">ivory.md</option><option value="corpus/notes/timber.md">timber.md</option></select>"#), "\(body)")
                #expect(body.contains(#"<select name="site" aria-label="site"><option value="" selected>all sites</option><option value="a.example">a.example</option><option value="b.example">b.example</option></select>"#), "\(body)")
                #expect(body.contains(">Guide</a>") && body.contains(">Report</a>"))
            }
            try await client.execute(uri: "/?q=pangolin&site=b.example", method: .get) { response in
                let body = String(buffer: response.body)
                #expect(body.contains(#"<option value="b.example" selected>b.example</option>"#))
                #expect(body.contains(">Report</a>") && !body.contains(">Guide</a>"), "\(body)")
            }
            try await client.execute(uri: "/?q=pangolin&note=corpus%2Fnotes%2Ftimber.md", method: .get) { response in
                let body = String(buffer: response.body)
                #expect(body.contains(#"<option value="corpus/notes/timber.md" selected>timber.md</option>"#))
                #expect(body.contains(">Guide</a>") && !body.contains(">Report</a>"), "\(body)")
            }
        }
    }
}

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
        let (workspace, root) = try LanguagePageTests.workspace()
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

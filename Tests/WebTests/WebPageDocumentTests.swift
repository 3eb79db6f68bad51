import Catalog
import DossierCore
import Extract
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TestSupport
@testable import Web

/// A web page's document page shows what the page says of itself, escaped.
@Suite("Web interface: a web page's metadata")
struct WebPageDocumentTests {
    @Test("author, date, site and DOI from the page's tags are shown; a page with no article says its whole text is indexed")
    func metadata() async throws {
        let (workspace, root) = try temporaryWorkspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let prose = (1...6).map { "<p>Paragraph \($0) of the report on rosewood seizures, with its figures, its places, and its dates.</p>" }.joined()
        try Data("""
            <html><head><meta name="citation_author" content="Ana <Ruiz>"><meta name="citation_publication_date" content="2024-03-02">
            <meta property="og:site_name" content="Wildlife Justice News"><meta name="citation_doi" content="10.5555/ivory.7">
            <title>Rosewood</title></head><body><article>\(prose)</article></body></html>
            """.utf8).write(to: workspace.library.appendingPathComponent("news.html"))
        try Data("<html><body><div><a href=\"/a\">Reports</a></div><div>Opening hours</div></body></html>".utf8)
            .write(to: workspace.library.appendingPathComponent("links.html"))
        try indexWorkspace(root)
        let catalog = try CatalogStore(workspace: workspace)
        let documents = try catalog.documents()
        let news = try #require(documents.first { $0.path.hasSuffix("news.html") })
        let links = try #require(documents.first { $0.path.hasSuffix("links.html") })
        let app = Application(router: try WebApp.router(workspace: workspace, renderer: PreviewRenderer.inProcess.render))
        try await app.test(.router) { client in
            try await client.execute(uri: "/documents/\(news.id)", method: .get) { response in
                let body = String(buffer: response.body)
                #expect(body.contains("<dt>author</dt><dd>Ana &lt;Ruiz&gt;</dd>"))
                #expect(body.contains("<dt>published</dt><dd>2024-03-02</dd>"))
                #expect(body.contains("<dt>site</dt><dd>Wildlife Justice News</dd>"))
                #expect(body.contains("<dt>DOI</dt><dd>10.5555/ivory.7</dd>"))
                #expect(!body.contains("the whole page"))
            }
            try await client.execute(uri: "/documents/\(links.id)", method: .get) { response in
                #expect(String(buffer: response.body).contains("the whole page: no article could be told apart"))
            }
        }
    }
}

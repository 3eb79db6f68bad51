import Catalog
import DossierCore
import Extract
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import TestSupport
@testable import Web

@Suite("Web citations")
struct CiteWebTests {
    @Test("each result and document page carry their Markdown citation with a copy button; /documents/N/cite gives BibTeX and CSL-JSON")
    func citations() async throws {
        let root = try webWorkspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let app = Application(router: try WebApp.router(workspace: Workspace(root: root), renderer: PreviewRenderer.inProcess.render))
        let id = try #require(try CatalogStore(workspace: Workspace(root: root)).document(matching: "corpus/library/hostile.pdf")?.id)
        try await app.test(.router) { client in
            try await client.execute(uri: "/?q=timber+shipment", method: .get) { response in
                let body = String(buffer: response.body)
                // The hostile title escaped in the field and the button's data, the page in the link.
                let markdown = #"[Hostile \&lt;b\&gt;title\&lt;/b\&gt;, p. 1](../library/hostile.pdf#page=2)"#
                #expect(body.contains("value=\"\(markdown)\""), "\(body)")
                #expect(body.contains("<button type=\"button\" data-copy=\"\(markdown)\">copy</button>"))
                #expect(body.contains("href=\"/documents/\(id)/cite?page=2&amp;format=bibtex\""))
                #expect(body.contains("<script src=\"/cite.js\" defer></script>"))
                #expect(response.headers[HTTPField.Name("Content-Security-Policy")!]?.contains("script-src 'self';") == true)
            }
            try await client.execute(uri: "/documents/\(id)", method: .get) { response in
                #expect(String(buffer: response.body).contains("data-copy=\"[Hostile \\&lt;b\\&gt;title\\&lt;/b\\&gt;](../library/hostile.pdf)\""))
            }
            try await client.execute(uri: "/documents/\(id)/cite?page=2&format=bibtex", method: .get) { response in
                let text = String(buffer: response.body)
                #expect(response.status == .ok && response.headers[.contentType] == "text/plain; charset=utf-8")
                #expect(text.contains("% p. 1 of document \(id)") && text.contains("title = {{Hostile <b>title</b>}}"), "\(text)")
            }
            try await client.execute(uri: "/documents/\(id)/cite?page=2&format=csl-json", method: .get) { response in
                let items = try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [[String: Any]])
                #expect(items.first?["locator"] as? String == "1" && items.first?["type"] as? String == "report")
            }
            try await client.execute(uri: "/documents/\(id)/cite?page=9", method: .get) { response in
                #expect(response.status == .notFound)
            }
            try await client.execute(uri: "/documents/\(id)/cite?format=ris", method: .get) { response in
                #expect(response.status == .badRequest)
            }
            try await client.execute(uri: "/cite.js", method: .get) { response in
                #expect(response.status == .ok && String(buffer: response.body).contains("navigator.clipboard"))
            }
        }
    }
}

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
                #expect(body.contains("<script src=\"/site.js\" defer></script>"))
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
            try await client.execute(uri: "/site.js", method: .get) { response in
                #expect(response.status == .ok && String(buffer: response.body).contains("navigator.clipboard"))
            }
        }
    }
}

@Suite("Web reader")
struct ReaderTests {
    @Test("the reader shows a page's image and text, marks the query's matches, links the pages and the pages with matches")
    func reader() async throws {
        let (workspace, root) = try temporaryWorkspace()
        defer { try? FileManager.default.removeItem(at: root) }
        PDFFixture.write([
            .init(label: "i", lines: ["Timber seizures rose. More <timber> than ever."]),
            .init(label: "1", lines: ["Ivory only."]),
            .init(label: "2", lines: ["A timber-laden truck."]),
        ], to: workspace.library.appendingPathComponent("seizures.pdf"))
        try Data("- [a](https://example.org/a.pdf)\n".utf8).write(to: workspace.notes.appendingPathComponent("n.md"))
        try indexWorkspace(root)
        let id = try #require(try CatalogStore(workspace: workspace).document(matching: "corpus/library/seizures.pdf")?.id)
        let note = try #require(try CatalogStore(workspace: workspace).document(matching: "corpus/notes/n.md")?.id)
        let app = Application(router: try WebApp.router(workspace: workspace, renderer: PreviewRenderer.inProcess.render))
        try await app.test(.router) { client in
            try await client.execute(uri: "/documents/\(id)/pages/2?q=timber", method: .get) { response in
                let body = String(buffer: response.body)
                #expect(response.status == .ok)
                #expect(body.contains("p. 2 (printed 1) of 3") && body.contains("0 matches on this page; pages with matches: 1, 3"), "\(body)")
                #expect(body.contains("href=\"/documents/\(id)/pages/1?q=timber&amp;at=last#hit-last\">← previous page with a match"))
                #expect(body.contains("href=\"/documents/\(id)/pages/3?q=timber&amp;at=1#hit-1\">next page with a match"))
                #expect(body.contains("/documents/\(id)/pages/2/preview.png?"))
            }
            try await client.execute(uri: "/documents/\(id)/pages/1?q=timber&at=last", method: .get) { response in
                let body = String(buffer: response.body)
                #expect(body.contains("<mark class=\"hit\" id=\"hit-1\">Timber</mark>"), "\(body)")
                #expect(body.contains("More &lt;<mark class=\"hit current\" id=\"hit-2\">timber</mark>&gt; than ever."), "\(body)")
                #expect(!body.contains("previous page with a match") && body.contains("rel=\"next\""))
                #expect(body.contains("<p class=\"hits\">hits: <a href=\"/documents/\(id)/pages/1?q=timber&amp;at=1#hit-1\">1</a>"), "\(body)")
            }
            try await client.execute(uri: "/documents/\(id)/pages/3?q=timber", method: .get) { response in
                #expect(String(buffer: response.body).contains("<mark class=\"hit current\" id=\"hit-1\">timber</mark>-laden"))
            }
            try await client.execute(uri: "/documents/\(id)/pages/3?q=timber+AND", method: .get) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/documents/\(id)/pages/4", method: .get) { response in
                #expect(response.status == .notFound)
            }
            try await client.execute(uri: "/documents/\(note)/pages/1", method: .get) { response in
                #expect(response.status == .notFound)
            }
            try await client.execute(uri: "/?q=timber", method: .get) { response in
                #expect(String(buffer: response.body).contains("<a class=\"read\" href=\"/documents/\(id)/pages/1?q=timber\">read</a>"))
            }
            try await client.execute(uri: "/documents/\(id)", method: .get) { response in
                #expect(String(buffer: response.body).contains("<a href=\"/documents/\(id)/pages/2\">p. 2 (1)</a>"))
            }
        }
    }
}

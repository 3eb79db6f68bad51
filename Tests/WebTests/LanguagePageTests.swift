import DossierCore
import Extract
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TestSupport
@testable import Web

@Suite("Languages on the web")
struct LanguagePageTests {
    static let english = PDFFixture.Page(label: nil, lines: ["The Parties shall not allow trade in specimens of the species",
                                                             "included in Appendix I, and they have to report on it."])
    static let french = PDFFixture.Page(label: nil, lines: ["Les Parties ne autorisent pas le commerce des spécimens des",
                                                            "espèces inscrites à l'Annexe I, et elles doivent en faire rapport."])

    @Test("a document's page names its language and marks a page in another language, with its HTML lang")
    func documentLanguage() async throws {
        let (workspace, root) = try temporaryWorkspace()
        defer { try? FileManager.default.removeItem(at: root) }
        PDFFixture.write([
            Self.english,
            .init(label: nil, lines: ["This is the second page of the report, with the figures", "that the Parties have sent to the Secretariat."]),
            Self.french,
        ], to: workspace.library.appendingPathComponent("mixed.pdf"), title: "Mixed report")
        try indexWorkspace(root)
        let app = Application(router: try WebApp.router(workspace: workspace, renderer: PreviewRenderer.inProcess.render))
        try await app.test(.router) { client in
            try await client.execute(uri: "/documents/1", method: .get) { response in
                #expect(response.status == .ok)
                let body = String(buffer: response.body)
                #expect(body.contains("<dt>language</dt><dd class=\"language\">in English, 1 page in French</dd>"), "\(body)")
                #expect(body.contains("<li lang=\"fr\"><a href=\"/documents/1/pages/3\">p. 3</a> <span class=\"language\">(French)</span>"), "\(body)")
                #expect(body.contains("<li lang=\"en\"><a href=\"/documents/1/pages/1\">p. 1</a> The Parties"), "\(body)")
            }
            try await client.execute(uri: "/documents", method: .get) { response in
                #expect(String(buffer: response.body).contains("in English, 1 page in French"))
            }
        }
    }

    @Test("the search form offers the library's languages; the one chosen narrows the search and stays on the next page")
    func languageControl() async throws {
        let (workspace, root) = try temporaryWorkspace()
        defer { try? FileManager.default.removeItem(at: root) }
        PDFFixture.write([
            Self.english,
        ], to: workspace.library.appendingPathComponent("english.pdf"), title: "English report")
        for name in ["premier", "second"] {
            PDFFixture.write([
                Self.french,
            ], to: workspace.library.appendingPathComponent("\(name).pdf"), title: "Rapport \(name)")
        }
        try indexWorkspace(root)
        let app = Application(router: try WebApp.router(workspace: workspace, renderer: PreviewRenderer.inProcess.render))
        try await app.test(.router) { client in
            try await client.execute(uri: "/?q=Parties", method: .get) { response in
                let body = String(buffer: response.body)
                #expect(body.contains(#"<select name="lang" aria-label="language"><option value="" selected>all languages</option><option value="en">English</option><option value="fr">French</option></select>"#), "\(body)")
                #expect(body.contains("English report") && body.contains("Rapport premier"))
            }
            try await client.execute(uri: "/?q=Parties&lang=fr&limit=1", method: .get) { response in
                let body = String(buffer: response.body)
                #expect(body.contains(#"<option value="fr" selected>French</option>"#), "\(body)")
                #expect(!body.contains("English report"))
                #expect(body.contains("&amp;lang=fr&amp;offset=1"), "the next page keeps the language: \(body)")
            }
        }
    }
}


import Catalog
import DossierCore
import Foundation
import Hummingbird
import SearchService

/// A document's page: what it is, where it came from, the note lines
/// citing it, and its pages, each linked to the file at that page.
struct DocumentView {
    struct Page {
        var href: String
        var number: Int
        var label: String?
        var preview: String
        /// The page's language code (the HTML `lang` of its preview).
        var lang: String?
        /// Its language's name, when not the document's.
        var otherLanguage: String?
    }

    var id: Int
    var title: String
    var kind: String
    var path: String
    var hasFile: Bool
    var url: String?
    var author: String?
    /// When it was written or published, as it says.
    var published: String?
    /// A web page's site or publisher.
    var site: String?
    var doi: String?
    /// A web page in which no article could be told from the page around it.
    var wholePage: Bool
    var pageCount: Int
    var status: String
    /// "in French", "in English, 3 pages in French (set in dossier.json)": nil until told.
    var language: String?
    var citations: [CitationView]
    var pages: [Page]
    /// The document's citation.
    var cite: CiteView?
}

extension Site {
    /// `/documents/:id`.
    func documentPage(_ id: Int) throws -> Response {
        let view = try catalogs.use { catalog -> DocumentView in
            guard let document = try catalog.document(id: id) else { throw HTTPError(.notFound, message: "no document \(id)") }
            let citations = try CitationView.citing(id, catalog)
            let language = try catalog.documentLanguage(id)
            let pages = try catalog.pages(document: id).map { page in
                let code = page.language.flatMap { $0 == "und" ? nil : $0 }
                return DocumentView.Page(href: "/documents/\(id)/pages/\(page.index)", number: page.index,
                                         label: page.label == String(page.index) ? nil : page.label,
                                         preview: page.text.split(separator: " ").prefix(20).joined(separator: " ").clipped(to: SearchResults.Limits.line),
                                         lang: code ?? language.flatMap { $0.code == "und" ? nil : $0.code },
                                         otherLanguage: code.flatMap { $0 != language?.code ? LanguageNames.name($0) : nil })
            }
            let url = try catalog.documentSource(id)?.url
            return DocumentView(
                id: id, title: DocumentName.of(title: document.title, url: url, path: document.path).clipped(to: SearchResults.Limits.title),
                kind: document.kind.rawValue, path: document.path, hasFile: document.kind != .note, url: url,
                author: document.author, published: document.created, site: document.site, doi: document.doi,
                wholePage: document.wholePage, pageCount: document.pageCount ?? 0,
                status: document.status.rawValue + (document.error.map { ": " + $0 } ?? ""),
                language: language.flatMap { LanguageNames.phrase($0.code, source: $0.source, pages: $0.pages) },
                citations: citations, pages: pages,
                cite: document.kind == .note ? nil : CiteView(
                    markdown: CitationFormat.markdown(try Reference.of(document, page: nil, catalog: catalog)), document: id, page: nil))
        }
        return page(view, "document")
    }
}

import Catalog
import DossierCore
import Foundation
import Hummingbird
import SearchService

/// The reader: one page of a document, its image beside its text, the
/// query's matches marked in both, and the ways on: previous and next
/// page, previous and next hit (on this page, then on the next page that
/// has one), a search within the document, the note lines citing it.
/// `/documents/:id/pages/:page?q=…&at=N` opens at hit N of the page; the
/// keys j and k go from hit to hit (`/site.js`), across pages.
struct ReaderView {
    struct Piece {
        var text: String
        /// The hit's number on the page (from 1), for a marked piece.
        var hit: Int?
        var current: Bool
    }

    struct HitLink {
        var number: Int
        var href: String
    }

    var title: String
    var id: Int
    var documentTitle: String
    var page: Int
    var pageCount: Int
    var printed: String?
    var query: String
    var hasQuery: Bool
    var error: String?
    /// The page drawn with its matches outlined (PDFs).
    var image: String?
    var large: String?
    var file: String
    var lang: String?
    var pieces: [Piece]
    var hasText: Bool
    var hitsHere: [HitLink]
    /// Whether the page has a hit (Mustache reads stored properties only).
    var hasHits: Bool
    /// "4 matches on this page; pages with matches: 4, 18, 59".
    var summary: String?
    var previousPage: String?
    var nextPage: String?
    /// The previous page with a match (at its last hit) and the next (at its first).
    var previousHit: String?
    var nextHit: String?
    var citations: [CitationView]
    var cite: CiteView
}

struct ReaderParameters: Decodable {
    var q: String?
    /// The hit of the page to open at: a number from 1, or `last`.
    var at: String?
}

extension Site {
    /// `/documents/:id/pages/:page`.
    func readerPage(_ id: Int, _ request: Request, _ context: some RequestContext) throws -> Response {
        guard let number = context.parameters.get("page", as: Int.self) else { throw HTTPError(.badRequest, message: "a page is a number from 1") }
        let parameters = try request.uri.decodeQuery(as: ReaderParameters.self, context: context)
        let query = (parameters.q ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let view = try catalogs.use { catalog -> ReaderView in
            guard let document = try catalog.document(id: id), document.kind != .note else {
                throw HTTPError(.notFound, message: "no document \(id) to read (a note is read on its own page)")
            }
            let count = document.pageCount ?? 0
            guard number >= 1, number <= count, let page = try catalog.pages(document: id, index: number).first else {
                throw HTTPError(.notFound, message: "document \(id) has \(count) pages; there is no page \(number)")
            }
            let language = try catalog.documentLanguage(id)
            let code = page.language.flatMap { $0 == "und" ? nil : $0 } ?? language.flatMap { $0.code == "und" ? nil : $0.code }
            var hits: DocumentHits?
            var problem: String?
            if !query.isEmpty {
                do { hits = try DocumentHits.find(query, document: id, workspace: workspace, catalog: catalog) } catch { problem = "\(error)" }
            }
            let ranges = hits?.ranges(in: page.text, language: code) ?? []
            let asked = parameters.at == "last" ? ranges.count : Int(parameters.at ?? "") ?? 1
            let target = min(max(asked, 1), max(ranges.count, 1))
            let q = query.isEmpty ? "" : "?q=\(Links.query(query))"
            func at(_ page: Int, hit: String? = nil) -> String {
                "/documents/\(id)/pages/\(page)\(q)" + (hit.map { (q.isEmpty ? "?" : "&") + "at=\($0)" } ?? "")
            }
            var pieces: [ReaderView.Piece] = []
            var marked = 0
            for piece in TextPiece.pieces(page.text, ranges) {
                if piece.marked { marked += 1 }
                pieces.append(.init(text: piece.text, hit: piece.marked ? marked : nil, current: piece.marked && marked == target))
            }
            let pages = hits?.pages ?? []
            var summary: String?
            if let hits {
                let here = ranges.count
                let list = pages.prefix(40).map(String.init).joined(separator: ", ") + (pages.count > 40 ? ", …" : "")
                summary = "\(here) match\(here == 1 ? "" : "es") on this page" + (pages.isEmpty ? "; none in this document"
                    : "; pages with matches: \(list)") + (hits.fts5 == query ? "" : " (searched: \(hits.fts5))")
            }
            let scalars = Array(page.text.unicodeScalars)
            let words = ranges.map { String(String.UnicodeScalarView(scalars[$0[0]..<$0[1]])) }
            let preview = document.kind == .pdf ? "/documents/\(id)/pages/\(number)/preview.png?w=\(Links.query(PreviewCache.terms(words).joined(separator: ",")))" : nil
            let url = try catalog.documentSource(id)?.url
            let citations = try CitationView.citing(id, catalog)
            let name = DocumentName.of(title: document.title, url: url, path: document.path).clipped(to: SearchResults.Limits.title)
            return ReaderView(
                title: "p. \(number) — \(name) — Dossier", id: id, documentTitle: name, page: number, pageCount: count,
                printed: page.label.flatMap { $0 == String(number) || $0.isEmpty ? nil : $0 },
                query: query, hasQuery: !query.isEmpty, error: problem,
                image: preview.map { $0 + "&size=large" }, large: preview.map { $0 + "&size=large" },
                file: document.kind == .pdf ? "/documents/\(id)/file#page=\(number)" : (url ?? "/documents/\(id)/file"),
                lang: code, pieces: pieces, hasText: !page.text.isEmpty,
                hitsHere: ranges.indices.map { .init(number: $0 + 1, href: at(number, hit: String($0 + 1)) + "#hit-\($0 + 1)") },
                hasHits: !ranges.isEmpty, summary: summary,
                previousPage: number > 1 ? at(number - 1) : nil, nextPage: number < count ? at(number + 1) : nil,
                previousHit: pages.last(where: { $0 < number }).map { at($0, hit: "last") + "#hit-last" },
                nextHit: pages.first(where: { $0 > number }).map { at($0, hit: "1") + "#hit-1" },
                citations: citations,
                cite: CiteView(markdown: CitationFormat.markdown(try Reference.of(document, page: number, catalog: catalog)),
                               document: id, page: number))
        }
        return page(view, "reader")
    }
}

import Catalog
import DossierCore
import Foundation
import Hummingbird

/// The links the notes cite that are dead or blocked, with the note lines
/// citing each, so that the notes can be mended.
struct LinksView {
    struct Link {
        var status: String
        var url: String
        var error: String
        var places: [CitationView]
    }

    var title = "Links"
    var links: [Link]
    var hasLinks: Bool

    init(links: [Link]) {
        self.links = links
        hasLinks = !links.isEmpty
    }
}

extension Site {
    /// `/links`.
    func linksPage() throws -> Response {
        let view = try catalogs.use { catalog -> LinksView in
            let bad = try catalog.urlStates().filter { $0.cited && $0.status.isDead }
            let citations = Dictionary(grouping: try catalog.citations(), by: \.normalizedURL)
            return LinksView(links: bad.map { state in
                LinksView.Link(status: state.status.rawValue, url: state.url, error: state.error ?? "",
                               places: (citations[state.url] ?? []).map { CitationView(note: $0.note, line: $0.line, label: "") })
            })
        }
        return page(view, "links")
    }
}

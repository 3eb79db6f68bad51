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
    /// "N links were never checked", when some were not.
    var unchecked: String?

    init(links: [Link], unchecked: Int) {
        self.links = links
        hasLinks = !links.isEmpty
        self.unchecked = unchecked == 0 ? nil
            : "\(unchecked) link\(unchecked == 1 ? " was" : "s were") never checked, so not known dead or alive: an update checks them (offline, it checks nothing)."
    }
}

extension Site {
    /// `/links`.
    func linksPage() throws -> Response {
        let view = try catalogs.use { catalog -> LinksView in
            let states = try catalog.urlStates().filter(\.cited)
            let bad = states.filter(\.status.isDead)
            let citations = Dictionary(grouping: try catalog.citations(), by: \.normalizedURL)
            return LinksView(links: bad.map { state in
                LinksView.Link(status: state.status.rawValue, url: state.url, error: state.error ?? "",
                               places: (citations[state.url] ?? []).map { CitationView(note: $0.note, line: $0.line, label: "") })
            }, unchecked: states.filter { $0.status == .new }.count)
        }
        return page(view, "links")
    }
}

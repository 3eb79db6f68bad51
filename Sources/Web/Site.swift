import DossierCore
import Foundation
import Hummingbird

/// What every handler works with: the workspace, its catalog connections,
/// the templates, and the server's limits. One per application.
struct Site: Sendable {
    let workspace: Workspace
    let catalogs: CatalogPool
    let templates: Templates
    let gate: SearchGate
    let previews: PreviewCache
    let renders: RenderQueue
    let renderer: WebApp.DrawPage
    /// Runs updates for "Update now"; nil when the server was given none.
    let updates: UpdateRunner?

    /// A page rendered with its template, as a response.
    func page(_ view: Any, _ template: String) -> Response {
        Responses.html(templates.render(view, template))
    }
}

/// Pieces the pages share.
enum Links {
    /// The note page's address for `line` of the note at `path`.
    static func note(_ path: String, line: Int) -> String {
        let relative = path.hasPrefix("corpus/notes/") ? String(path.dropFirst("corpus/notes/".count)) : path
        let encoded = relative.split(separator: "/").map { String($0).addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? "" }
        return "/notes/" + encoded.joined(separator: "/") + "#L\(line)"
    }

    /// `text` percent-encoded for a query string.
    static func query(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
    }
}

/// A note line citing a document, as the pages show it.
struct CitationView {
    var href: String
    var place: String
    var label: String
    var heading: String?

    init(note: String, line: Int, label: String, heading: String? = nil) {
        href = Links.note(note, line: line)
        place = "\(note):\(line)"
        self.label = label
        self.heading = heading
    }
}

/// A run of text, marked or not (a snippet's highlights).
struct TextPiece {
    var text: String
    var marked: Bool

    /// `text` cut at the `[start, end)` scalar ranges, which are marked.
    static func pieces(_ text: String, _ ranges: [[Int]]) -> [TextPiece] {
        let scalars = Array(text.unicodeScalars)
        var out: [TextPiece] = []
        var i = 0
        func piece(_ a: Int, _ b: Int, _ marked: Bool) {
            guard a < b else { return }
            var view = String.UnicodeScalarView()
            view.append(contentsOf: scalars[a..<b])
            out.append(TextPiece(text: String(view), marked: marked))
        }
        for r in ranges where r.count == 2 && r[0] >= i && r[1] <= scalars.count && r[0] <= r[1] {
            piece(i, r[0], false)
            piece(r[0], r[1], true)
            i = r[1]
        }
        piece(i, scalars.count, false)
        return out
    }

    /// The distinct words the marked pieces hold, in order.
    static func markedWords(_ pieces: [TextPiece]) -> [String] {
        var seen = Set<String>()
        return pieces.filter { $0.marked && seen.insert($0.text.lowercased()).inserted }.map(\.text)
    }
}

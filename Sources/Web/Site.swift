import Analysis
import Catalog
import DossierCore
import Foundation
import Hummingbird
import SearchService

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
    /// Which documents' files may be served.
    let files = ServedFiles()
    /// Runs updates for "Update now"; nil when the server was given none.
    let updates: UpdateRunner?
    /// The notes last read for their pages.
    let noteLayouts = NoteLayoutCache()

    /// Runs `work`, which may take a while (a long note to lay out), on a
    /// thread of its own: the server's handlers share as many threads as
    /// there are cores, and one held by a slow page holds every other page.
    func offLoop<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Result { try work() }) }
        }
    }

    /// A page rendered with its template, as a response.
    func page(_ view: Any, _ template: String) -> Response {
        Responses.html(templates.render(view, template))
    }
}

/// Pieces the pages share.
enum Links {
    /// The note page's address for `line` of the note at `path`: the page
    /// of the note that holds it (a long note is shown a page at a time),
    /// at the line's anchor unless `anchor` is false.
    static func note(_ path: String, line: Int, anchor: Bool = true) -> String {
        let relative = path.hasPrefix("corpus/notes/") ? String(path.dropFirst("corpus/notes/".count)) : path
        let encoded = relative.split(separator: "/").map { String($0).addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? "" }
        let page = line > Site.noteLinesPerPage ? "?line=\(line)" : ""
        return "/notes/" + encoded.joined(separator: "/") + page + (anchor ? "#L\(line)" : "")
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

extension CitationView {
    /// The note lines citing document `id`, their labels and headings clipped as results clip them.
    static func citing(_ id: Int, _ catalog: CatalogStore) throws -> [CitationView] {
        try catalog.citations(ofDocument: id).map {
            CitationView(note: $0.note, line: $0.line, label: $0.label.clipped(to: SearchResults.Limits.label),
                         heading: $0.heading?.clipped(to: SearchResults.Limits.label))
        }
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

    /// What a page preview outlines for a snippet, in order, without
    /// repeats: each marked word, and the marked words of an occurrence of
    /// one of `phrases` (a query's phrases of several terms, a prefix term
    /// ending in `*`) as one entry, joined by a space, which the preview
    /// outlines only together.
    static func previewWords(_ pieces: [TextPiece], phrases: [[String]]) -> [String] {
        // Runs of marked words that only spaces and punctuation separate.
        var runs: [[String]] = [[]]
        for piece in pieces {
            if piece.marked {
                runs[runs.count - 1].append(piece.text)
            } else if piece.text.unicodeScalars.contains(where: { $0.properties.isAlphabetic || $0.properties.numericType != nil }) {
                runs.append([])
            }
        }
        let analyzer = Analyzer(), patterns = TermPatterns(phrases.map { $0.joined(separator: " ") })
        var out: [String] = []
        var seen = Set<String>()
        func emit(_ entry: String) {
            if seen.insert(entry.lowercased()).inserted { out.append(entry) }
        }
        for run in runs {
            let terms = run.map { analyzer.terms($0).first ?? "" }
            var i = 0
            while i < run.count {
                if let found = patterns.longest(in: terms, at: i) {
                    emit(run[i..<(i + found)].joined(separator: " "))
                    i += found
                } else {
                    emit(run[i])
                    i += 1
                }
            }
        }
        return out
    }
}

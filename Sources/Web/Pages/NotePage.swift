import Catalog
import DossierCore
import Foundation
import Hummingbird
import Notes

/// A note, line by line, as the notes stage reads it: headings, task
/// boxes and code as its parser laid them out, each link where the parser
/// found it (its citation's column and length), with the fetch status of
/// its URL beside the line. Only http(s) links are links.
struct NoteView {
    struct Line {
        var number: Int
        var code: Bool
        var heading: Heading?
        var pieces: [Piece]
        var statuses: [String]
    }

    struct Heading {
        var level: Int
    }

    struct Piece {
        var text: String
        var link: Link?
    }

    struct Link {
        var url: String
        var text: String
    }

    var title: String
    var path: String
    var lines: [Line]
}

extension Site {
    /// `/notes/**`: a note the catalog knows, by its path under `corpus/notes/`.
    func notePage(_ parts: [String]) throws -> Response {
        guard !parts.isEmpty, !parts.contains(where: { $0 == ".." || $0 == "." || $0.isEmpty }) else {
            throw HTTPError(.badRequest, message: "not a note path")
        }
        let path = "corpus/notes/" + parts.joined(separator: "/")
        let states = try catalogs.use { catalog -> [String: String] in
            guard try catalog.notes().contains(where: { $0.path == path }) else { throw HTTPError(.notFound, message: "no note \(path)") }
            return Dictionary(try catalog.urlStates().map { ($0.url, $0.status.rawValue) }, uniquingKeysWith: { a, _ in a })
        }
        // The note as it is on disk now, through the parser the notes stage uses.
        let url = workspace.root.appendingPathComponent(path)
        let data = (try? Data(contentsOf: url)) ?? Data()
        let (layout, citations) = NoteParser.layout(data, format: NoteFormat(pathExtension: url.pathExtension) ?? .plainText)
        let byLine = Dictionary(grouping: citations, by: \.line)
        let lines = layout.enumerated().map { index, line in
            let cited = byLine[index + 1] ?? []
            return NoteView.Line(
                number: index + 1, code: line.code,
                heading: line.heading.map { NoteView.Heading(level: $0.level) },
                pieces: Self.pieces(line, cited),
                statuses: cited.map { states[$0.normalizedURL] ?? "new" })
        }
        return page(NoteView(title: path, path: path, lines: lines), "note")
    }

    /// A line cut into text and links: each citation's `[column, column +
    /// length)` becomes a link to its URL showing its label (the URL itself
    /// for an autolink or a bare URL); a task box is drawn as ☐ or ☑.
    static func pieces(_ line: NoteLine, _ citations: [Citation]) -> [NoteView.Piece] {
        var scalars = Array(line.text.unicodeScalars)
        if let task = line.task, task.box + 3 <= scalars.count {
            scalars.replaceSubrange(task.box..<(task.box + 3), with: [task.state == .done ? "☑" : "☐", "\u{0}", "\u{0}"])
        }
        func text(_ range: Range<Int>) -> String {
            var view = String.UnicodeScalarView()
            view.append(contentsOf: scalars[range].filter { $0 != "\u{0}" })
            return String(view)
        }
        var pieces: [NoteView.Piece] = []
        // A heading shows its text, after the #s.
        var at = line.heading?.start ?? 0
        for citation in citations where citation.length > 0 {
            let start = citation.column - 1, end = start + citation.length
            guard start >= at, end <= scalars.count else { continue }
            if start > at { pieces.append(.init(text: text(at..<start))) }
            let shown = [.autolink, .bare].contains(citation.syntax) ? citation.url : citation.label
            pieces.append(.init(text: shown, link: .init(url: citation.url, text: shown)))
            at = end
        }
        if at < scalars.count { pieces.append(.init(text: text(at..<scalars.count))) }
        return pieces
    }
}

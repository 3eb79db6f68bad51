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

    /// Where the lines shown sit in a note longer than one page.
    struct Window {
        var from: Int
        var to: Int
        var total: Int
        var previous: String?
        var next: String?
    }

    var title: String
    var path: String
    var lines: [Line]
    /// Nil when the whole note is shown.
    var window: Window?
}

extension Site {
    /// Lines a note's page shows at most: a long note is read a page at a
    /// time (`?line=N` shows the page holding line N), so that a page is a
    /// few hundred kilobytes whatever the note's length.
    static let noteLinesPerPage = 1_000

    /// `/notes/**`: a note the catalog knows, by its path under `corpus/notes/`;
    /// the page of its lines that holds `line` (the first page when nil).
    func notePage(_ parts: [String], line: Int? = nil) throws -> Response {
        guard !parts.isEmpty, !parts.contains(where: { $0 == ".." || $0 == "." || $0.isEmpty }) else {
            throw HTTPError(.badRequest, message: "not a note path")
        }
        let path = "corpus/notes/" + parts.joined(separator: "/")
        let states = try catalogs.use { catalog -> [String: String] in
            guard try catalog.notes().contains(where: { $0.path == path }) else { throw HTTPError(.notFound, message: "no note \(path)") }
            return Dictionary(try catalog.urlStates().map { ($0.url, $0.status.rawValue) }, uniquingKeysWith: { a, _ in a })
        }
        // The note as it is on disk now, through the parser the notes stage uses.
        let (layout, citations) = noteLayouts.layout(of: workspace.root.appendingPathComponent(path))
        let perPage = Self.noteLinesPerPage
        let first = (min(max(line ?? 1, 1), max(layout.count, 1)) - 1) / perPage * perPage
        let shown = first..<min(layout.count, first + perPage)
        let byLine = Dictionary(grouping: citations.filter { shown.contains($0.line - 1) }, by: \.line)
        let lines = shown.map { index in
            let cited = byLine[index + 1] ?? []
            let line = layout[index]
            return NoteView.Line(
                number: index + 1, code: line.code,
                heading: line.heading.map { NoteView.Heading(level: $0.level) },
                pieces: Self.pieces(line, cited),
                statuses: cited.map { states[$0.normalizedURL] ?? "new" })
        }
        let window = layout.count <= perPage ? nil : NoteView.Window(
            from: shown.lowerBound + 1, to: shown.upperBound, total: layout.count,
            previous: first == 0 ? nil : Links.note(path, line: first - perPage + 1, anchor: false),
            next: shown.upperBound >= layout.count ? nil : Links.note(path, line: shown.upperBound + 1, anchor: false))
        return page(NoteView(title: path, path: path, lines: lines, window: window), "note")
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

/// The last few notes laid out for their pages, each kept while its file's
/// size and modification time stay the same: reading a long note page by
/// page parses it once.
final class NoteLayoutCache: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [(key: String, layout: [NoteLine], citations: [Citation])] = []
    private let keep = 4

    /// The note at `url` as ``NoteParser/layout(_:format:)`` reads it (an unreadable file reads as empty).
    func layout(of url: URL) -> (lines: [NoteLine], citations: [Citation]) {
        let attributes = try? FileManager.default.attributesOfItem(atPath: url.path)
        let size = (attributes?[.size] as? NSNumber)?.intValue ?? -1
        let modified = (attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        let key = "\(url.path)|\(size)|\(modified)"
        if let hit = lock.withLock({ entries.first { $0.key == key } }) { return (hit.layout, hit.citations) }
        let data = (try? Data(contentsOf: url)) ?? Data()
        let read = NoteParser.layout(data, format: NoteFormat(pathExtension: url.pathExtension) ?? .plainText)
        lock.withLock {
            entries.removeAll { $0.key == key }
            entries.append((key, read.lines, read.citations))
            if entries.count > keep { entries.removeFirst() }
        }
        return read
    }
}

import ArgumentParser
import Catalog
import DossierCore
import Foundation
import Notes
import SearchService

/// `dossier links`: every citation in the notes.
struct LinksCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "links",
        abstract: "List every link in the notes: where it is, its label, heading and task state.",
        discussion: """
            One row per citation, ordered by note, line and column. With --json, an array of \
            objects {url, normalized_url, note, line, column, label, heading, heading_path, task, text, syntax}.
            """)

    @OptionGroup var options: WorkspaceOptions

    @Option(help: ArgumentHelp("Only the links of this note (path as `dossier notes` prints it).", valueName: "path"))
    var note: String?

    @Flag(help: "Print JSON for scripts.")
    var json = false

    @Flag(help: "Only dead links (404, 410, unknown host), so that the notes can be mended.")
    var dead = false

    func run() throws {
        let (workspace, catalog) = try options.openScanned()
        var notePath = note
        if let given = note {
            let url = URL(fileURLWithPath: given)
            let relative = workspace.relativePath(of: url)
            notePath = FileManager.default.fileExists(atPath: url.path) ? relative : given
        }
        var citations = try catalog.citations(note: notePath)
        let states = Dictionary(try catalog.urlStates().map { ($0.url, $0) }, uniquingKeysWith: { a, _ in a })
        let documents = Dictionary(uniqueKeysWithValues: try catalog.documents().map { ($0.id, $0) })
        func row(_ c: Citation) -> LinkState {
            let state = states[c.normalizedURL]
            // A landing page's PDF stands for it once fetched.
            let derived = states.values.first { $0.derivedFrom == c.normalizedURL && $0.documentID != nil }
            let documentID = state?.documentID ?? derived?.documentID
            return LinkState(state, documentID: state?.documentID, documentID.flatMap { documents[$0] })
        }
        // Links never checked (offline, or not fetched yet) are not known to be dead or alive.
        let unchecked = Set(citations.map(\.normalizedURL).filter { (states[$0]?.status ?? .new) == .new })
        let uncheckedNote = unchecked.isEmpty ? nil
            : "\(unchecked.count) link\(unchecked.count == 1 ? " was" : "s were") never checked, so not known dead or alive: run `dossier update` (offline, it checks nothing)"
        if dead {
            citations = citations.filter { c in
                guard let s = states[c.normalizedURL], s.status == .failed else { return false }
                return s.httpStatus == 404 || s.httpStatus == 410 || (s.error ?? "").contains("cannot resolve")
            }
        }
        if json {
            try Terminal.printJSON(citations.map { LinkRow(citation: $0, link: row($0)) })
            return
        }
        if citations.isEmpty {
            if dead {
                print(uncheckedNote.map { "No link is known to be dead; \($0)." } ?? "No dead links.")
            } else {
                print(note == nil ? "No links in the notes yet." : "No links in \(note!.printable).")
            }
            return
        }
        let positionWidth = citations.map { "\($0.line):\($0.column)".count }.max() ?? 0
        var currentNote = ""
        var currentHeading: String?
        for citation in citations {
            if citation.note != currentNote {
                if !currentNote.isEmpty { print("") }
                print(citation.note.printable)
                currentNote = citation.note
                currentHeading = nil
            }
            if let heading = citation.heading, heading != currentHeading {
                print("  § \(heading.printable)")
                currentHeading = heading
            }
            let bare = "\(citation.line):\(citation.column)"
            let position = bare + String(repeating: " ", count: positionWidth - bare.count)
            let box = citation.task.map { $0 == .done ? "[x] " : "[ ] " } ?? ""
            print("  \(position)  \(box)\(citation.label.printable)")
            let r = row(citation)
            var status = r.status == .new ? "not checked yet" : r.status.rawValue
            if let code = r.httpStatus, r.status != .fetched, r.status != .unchanged { status += " \(code)" }
            if let error = r.error { status += ": \(error)" }
            if r.needsOcr { status += " (needs OCR)" }
            print("  \(String(repeating: " ", count: position.count))  \(citation.url.printable)  [\(status.printable)]")
        }
        let urls = Set(citations.map(\.normalizedURL)).count
        let notes = Set(citations.map(\.note)).count
        print("\n\(citations.count) citation\(citations.count == 1 ? "" : "s") of \(urls) URL\(urls == 1 ? "" : "s") in \(notes) note\(notes == 1 ? "" : "s")")
        if dead, let uncheckedNote { print("Besides, \(uncheckedNote).") }
    }
}

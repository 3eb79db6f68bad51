import ArgumentParser
import Catalog
import DossierCore
import Foundation
import Notes

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

    /// The JSON shape of one row.
    struct Row: Encodable {
        var url: String
        var normalizedUrl: String
        var note: String
        var line: Int
        var column: Int
        var label: String
        var heading: String?
        var headingPath: [String]
        var task: String?
        var text: String
        var syntax: String

        init(_ c: CitationRecord) {
            url = c.url
            normalizedUrl = c.normalizedURL
            note = c.note
            line = c.line
            column = c.column
            label = c.label
            heading = c.heading
            headingPath = c.headingPath
            task = c.task?.rawValue
            text = c.text
            syntax = c.syntax.rawValue
        }

        func encode(to encoder: Encoder) throws {
            // Keep `heading` and `task` present (as null) so the schema is stable.
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(url, forKey: .url)
            try container.encode(normalizedUrl, forKey: .normalizedUrl)
            try container.encode(note, forKey: .note)
            try container.encode(line, forKey: .line)
            try container.encode(column, forKey: .column)
            try container.encode(label, forKey: .label)
            try container.encode(heading, forKey: .heading)
            try container.encode(headingPath, forKey: .headingPath)
            try container.encode(task, forKey: .task)
            try container.encode(text, forKey: .text)
            try container.encode(syntax, forKey: .syntax)
        }

        enum CodingKeys: String, CodingKey {
            case url, normalizedUrl, note, line, column, label, heading, headingPath, task, text, syntax
        }
    }

    func run() throws {
        let (workspace, catalog) = try options.openScanned()
        var notePath = note
        if let given = note {
            let url = URL(fileURLWithPath: given)
            let relative = workspace.relativePath(of: url)
            notePath = FileManager.default.fileExists(atPath: url.path) ? relative : given
        }
        let citations = try catalog.citations(note: notePath)
        if json {
            try Terminal.printJSON(citations.map(Row.init))
            return
        }
        if citations.isEmpty {
            print(note == nil ? "No links in the notes yet." : "No links in \(note!).")
            return
        }
        let positionWidth = citations.map { "\($0.line):\($0.column)".count }.max() ?? 0
        var currentNote = ""
        var currentHeading: String?
        for citation in citations {
            if citation.note != currentNote {
                if !currentNote.isEmpty { print("") }
                print(citation.note)
                currentNote = citation.note
                currentHeading = nil
            }
            if let heading = citation.heading, heading != currentHeading {
                print("  § \(heading)")
                currentHeading = heading
            }
            let bare = "\(citation.line):\(citation.column)"
            let position = bare + String(repeating: " ", count: positionWidth - bare.count)
            let box = citation.task.map { $0 == .done ? "[x] " : "[ ] " } ?? ""
            print("  \(position)  \(box)\(citation.label)")
            print("  \(String(repeating: " ", count: position.count))  \(citation.url)")
        }
        let urls = Set(citations.map(\.normalizedURL)).count
        let notes = Set(citations.map(\.note)).count
        print("\n\(citations.count) citation\(citations.count == 1 ? "" : "s") of \(urls) URL\(urls == 1 ? "" : "s") in \(notes) note\(notes == 1 ? "" : "s")")
    }
}

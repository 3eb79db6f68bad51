import ArgumentParser
import Catalog
import DossierCore
import Foundation

/// `dossier notes`: the notes and how many links each holds.
struct NotesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notes",
        abstract: "List the notes with their citation counts and warnings.")

    @OptionGroup var options: WorkspaceOptions

    @Flag(help: "Print JSON for scripts.")
    var json = false

    func run() throws {
        let (_, catalog) = try options.openScanned()
        let notes = try catalog.notes()
        if json {
            try Terminal.printJSON(notes)
            return
        }
        if notes.isEmpty {
            print("No notes yet: put Markdown or text files in corpus/notes/.")
            return
        }
        let width = max(4, notes.map(\.path.count).max() ?? 0)
        print("NOTE".padding(toLength: width, withPad: " ", startingAt: 0) + "  LINES  LINKS  URLS  WARNINGS")
        for note in notes {
            print(note.path.printable.padding(toLength: width, withPad: " ", startingAt: 0)
                + "  " + pad(note.lines, 5) + "  " + pad(note.citations, 5) + "  " + pad(note.urls, 4)
                + "  " + pad(note.warnings.count, 8))
        }
        for note in notes {
            for warning in note.warnings {
                print((warning.line > 0 ? "\(note.path):\(warning.line): \(warning.message)" : "\(note.path): \(warning.message)").printable)
            }
        }
        let citations = notes.reduce(0) { $0 + $1.citations }
        print("\(notes.count) note\(notes.count == 1 ? "" : "s"), \(citations) citation\(citations == 1 ? "" : "s") of \(try catalog.citedURLCount()) URLs")
    }

    private func pad(_ n: Int, _ width: Int) -> String {
        let s = String(n)
        return String(repeating: " ", count: max(0, width - s.count)) + s
    }
}

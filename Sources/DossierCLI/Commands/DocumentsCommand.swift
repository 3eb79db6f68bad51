import ArgumentParser
import Catalog
import DossierCore
import SearchService

/// `dossier documents`: every document, by number, title and origin.
struct DocumentsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "documents",
        abstract: "List the indexed documents: number, kind, pages, title, URL or file, and the note lines citing each.",
        usage: "dossier documents [<options>]",
        discussion: "The number is what --doc, `dossier show` and `dossier open --doc` take.")

    @OptionGroup var options: WorkspaceOptions

    @Option(help: ArgumentHelp("Only this kind: pdf, html or note.", valueName: "kind"))
    var kind: String?

    @Option(help: ArgumentHelp("Only documents this note cites, and the note.", valueName: "path"))
    var note: String?

    @Option(help: ArgumentHelp("Only documents fetched from this host (or its subdomains).", valueName: "host"))
    var site: String?

    @Flag(help: "Print JSON for scripts.")
    var json = false

    func validate() throws {
        if let kind, DocumentKind.searchable(named: kind) == nil { throw ValidationError("--kind must be \(DocumentKind.searchableNames)") }
    }

    func run() throws {
        let (workspace, catalog) = try options.openScanned()
        let documents = try DocumentSummary.list(catalog, workspace, kind: kind.flatMap(DocumentKind.init(rawValue:)), note: note, site: site)
        if json {
            try Terminal.printJSON(documents)
            return
        }
        guard !documents.isEmpty else {
            print(kind.map { "No \($0) documents." } ?? "No documents yet: run `dossier update`.")
            return
        }
        let width = String(documents.last!.id).count
        for d in documents {
            let number = String(repeating: " ", count: width - String(d.id).count) + String(d.id)
            let pages = d.pages.map { "\($0) p." } ?? ""
            print("\(number)  \(d.kind.rawValue.padding(toLength: 4, withPad: " ", startingAt: 0)) \(pages.padding(toLength: 8, withPad: " ", startingAt: 0)) \(Terminal.bold(d.name.printable))")
            print(String(repeating: " ", count: width + 16) + ([d.origin] + d.remarks).joined(separator: "  ·  ").printable)
        }
        print("\n\(documents.count) document\(documents.count == 1 ? "" : "s"). `dossier show N` prints one; --doc N searches in one.")
    }
}

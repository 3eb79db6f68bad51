import ArgumentParser
import Catalog
import DossierCore
import Foundation
import SearchService

extension CitationFormat: ExpressibleByArgument {}

/// `dossier cite DOC[:PAGE]`, `dossier cite --result N`: a citation of a
/// document, or of one of its pages, for a note, BibTeX or a reference manager.
struct CiteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cite",
        abstract: "Print a citation of a document or one of its pages: Markdown for a note, BibTeX or CSL-JSON.",
        usage: "dossier cite [<options>] (<doc[:page]> | --result <n>)",
        discussion: """
            DOC is a document number, a prefix of its SHA-256 or its path; PAGE the physical page, from 1. \
            --result N cites result N of the last search at its page. The Markdown, `[Title, p. 59](URL#page=59)`, \
            pasted into a note, is read back by the next update as a citation of that document at that page. \
            `dossier meta DOC` shows where each field comes from and corrects it.
            """)

    @OptionGroup var options: WorkspaceOptions

    @Argument(help: ArgumentHelp("The document, and optionally the page.", valueName: "doc[:page]"))
    var target: String?

    @Option(help: ArgumentHelp("Cite result N of the last search, at its page.", valueName: "n"))
    var result: Int?

    @Option(help: ArgumentHelp("markdown (the default), bibtex or csl-json.", valueName: "format"))
    var format: CitationFormat = .markdown

    func validate() throws {
        guard (target == nil) != (result == nil) else { throw ValidationError("give a document (DOC or DOC:PAGE) or --result N") }
    }

    func run() throws {
        let workspace = try options.resolve()
        let catalog = try CatalogStore(workspace: workspace)
        let reference: Reference
        if let result {
            let last = try SearchResults.loadLast(workspace)
            guard let hit = last.results.first(where: { $0.rank == result }) else {
                let ranks = last.results.map(\.rank)
                throw DossierError.usage(ranks.isEmpty ? "the last search found nothing to cite"
                    : "the last search (\(last.query.printable)) shows results \(ranks.min()!)–\(ranks.max()!); there is no result \(result)")
            }
            reference = try Reference.of(document: String(hit.document.id), page: hit.document.kind == .note ? nil : hit.page, catalog: catalog)
        } else {
            let (document, page) = try DocumentTarget.parse(target!)
            reference = try Reference.of(document: document, page: page, catalog: catalog)
        }
        print(format.render(format.hasKeys ? try reference.keyed(in: catalog) : reference))
    }
}

/// `DOC[:PAGE]` as `show` and `cite` take it.
enum DocumentTarget {
    /// The document reference and the page, if one is given.
    static func parse(_ target: String) throws -> (String, Int?) {
        if let colon = target.lastIndex(of: ":"), let number = Int(target[target.index(after: colon)...]) {
            guard number >= 1 else { throw DossierError.usage("page numbers start at 1") }
            return (String(target[..<colon]), number)
        }
        return (target, nil)
    }
}

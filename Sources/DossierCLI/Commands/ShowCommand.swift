import Analysis
import ArgumentParser
import Catalog
import DossierCore
import Foundation
import Index
import SearchService
import Search

/// `dossier show DOC[:PAGE]`: a document's extracted text.
struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Print a document's extracted text, or one page of it.",
        usage: "dossier show [<options>] <doc[:page]>",
        discussion: "DOC is a document number (as `dossier index` prints it), a prefix of its SHA-256, or its path; PAGE is the physical page, from 1.")

    @OptionGroup var options: WorkspaceOptions

    @Argument(help: ArgumentHelp("The document, and optionally the page.", valueName: "doc[:page]"))
    var target: String

    @Option(help: ArgumentHelp("Highlight this query's matches.", valueName: "query"))
    var query: String?

    @Flag(help: "List the document's versions (the contents it had, with dates and SHA-256) instead of its text.")
    var versions = false

    func run() throws {
        let workspace = try options.resolve()
        let catalog = try CatalogStore(workspace: workspace)
        let (reference, page) = try DocumentTarget.parse(target)
        guard let document = try catalog.document(matching: reference) else {
            throw DossierError.usage("no document '\(reference)'; `dossier documents` lists them")
        }
        if versions {
            let url = try catalog.documentSource(document.id)?.url
            print("document \(document.id): \(DocumentName.of(title: document.title, url: url, path: document.path).printable)")
            print("  now    \(document.sha256.prefix(12))  since \(document.addedAt ?? "?")  \(document.pageCount.map { "\($0) p." } ?? "")  \(document.path.printable)")
            let earlier = try catalog.versions(of: document.id)
            for version in earlier {
                print("  before \(version.sha256.prefix(12))  \(version.addedAt ?? "?") – \(version.replacedAt)  \(version.pageCount.map { "\($0) p." } ?? "")  \(version.path.printable)")
            }
            print("\(earlier.count + 1) version\(earlier.isEmpty ? "" : "s"); the document keeps its number \(document.id).")
            return
        }
        if document.status == .failed {
            throw DossierError.workspace("document \(document.id) (\(document.path)) could not be extracted: \(document.error ?? "unknown reason")")
        }
        let pages = try catalog.pages(document: document.id, index: page)
        if let page, pages.isEmpty {
            throw DossierError.usage("document \(document.id) has \(document.pageCount ?? 0) pages; there is no page \(page)")
        }
        var node: QueryNode?
        if let query {
            // Read as `search` reads it: any text is a query.
            let fts5 = SearchResults.fts5(query)
            // In English and every language the index holds, as `search` reads it.
            let held = ((try? Manifest.read(in: workspace.index))?.languages ?? []).compactMap(Language.init(code:))
            do { node = try QueryParser(languages: held).parse(fts5) } catch { throw QueryError(query: fts5, error: error) }
        }
        let url = try catalog.documentSource(document.id)?.url
        print("document \(document.id): \(DocumentName.withOrigin(title: document.title, url: url, path: document.path).printable)")
        let about = [document.author.map { "by \($0)" }, document.created.map { "dated \($0)" }, document.site,
                     document.doi.map { "doi:\($0)" }].compactMap { $0 }
        if !about.isEmpty { print(about.joined(separator: " · ").printable) }
        if document.wholePage { print("No article told apart from the page around it: the whole page is indexed.") }
        let language = try catalog.documentLanguage(document.id)
        if let language, let phrase = LanguageNames.phrase(language.code, source: language.source, pages: language.pages) {
            print(phrase.prefix(1).uppercased() + phrase.dropFirst())
        }
        for record in pages {
            if document.kind == .note {
                print("\n── § \((record.label ?? "(before the first heading)").printable) " + String(repeating: "─", count: 40))
            } else {
                let label = record.label.map { $0 != String(record.index) ? " (printed \($0.printable))" : "" } ?? ""
                let scan: String
                switch record.ocr {
                case .done?: scan = " (scanned: OCR" + (record.ocrConfidence.map { " \(Int($0.rounded()))%" } ?? "") + ")"
                case .pending?: scan = " (scanned: waiting for OCR)"
                case .failed?: scan = " (scanned: OCR failed)"
                case nil: scan = ""
                }
                let other = record.language.flatMap { $0 != language?.code && $0 != "und" && !record.text.isEmpty ? " (\(LanguageNames.name($0)))" : nil } ?? ""
                print("\n── p. \(record.index)\(label)\(scan)\(other) " + String(repeating: "─", count: 40))
            }
            if record.text.isEmpty {
                print("(no text on this page)")
            } else if let node {
                // The page's words as the index analyzed them: in the page's language, else the document's.
                let code = language?.source == CatalogStore.languageFromSettings ? language?.code
                    : record.language.flatMap { $0 == "und" ? nil : $0 } ?? language?.code
                let highlights = Snippet.highlights(in: record.text, query: node, language: code.flatMap(Language.init(code:)))
                print(Terminal.highlight(record.text, highlights))
            } else {
                print(record.text)
            }
        }
    }
}

import ArgumentParser
import Catalog
import DossierCore
import Foundation
import SearchService

/// `dossier status`: what the workspace holds, and what needs attention.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show what the workspace holds: notes, links, documents, pages, passages, and what needs attention.")

    @OptionGroup var options: WorkspaceOptions

    @Flag(help: "Print JSON for scripts.")
    var json = false

    func run() throws {
        let (workspace, catalog) = try options.openScanned()
        let report = try WorkspaceStatus.read(workspace, catalog)
        let (status, index, bytes) = (report.catalog, report.index, report.bytes)
        if json {
            try Terminal.printJSON(report)
            return
        }
        print("workspace  \(workspace.root.path)")
        print("notes      \(status.notes) with \(status.citations) links to \(status.urls) URLs"
            + (status.uncitedURLs > 0 ? " (\(status.uncitedURLs) no longer cited)" : ""))
        if !report.urls.isEmpty {
            print("urls       " + report.urls.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", "))
        }
        let kinds = status.documentsByKind.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
        let total = status.documentsByKind.values.reduce(0, +)
        print("documents  \(total)" + (kinds.isEmpty ? "" : " (\(kinds))")
            + ((status.documentsByStatus[DocumentStatus.failed.rawValue] ?? 0) > 0
                ? ", \(status.documentsByStatus[DocumentStatus.failed.rawValue]!) failed" : ""))
        print("pages      \(status.pages)" + (status.pagesWithoutText > 0 ? " (\(status.pagesWithoutText) without text)" : ""))
        let ocr = report.ocr
        if let line = ocr.summary { print("scanned    " + line) }
        print("passages   \(status.passages)")
        if let problem = index.problem {
            print("index      generation \(index.generation): \(problem)")
        } else {
            print("index      generation \(index.generation), \(index.segments) segment\(index.segments == 1 ? "" : "s"), \(index.passages) passages, \(index.terms) terms"
                + (index.committedAt.map { ", committed \($0)" } ?? ""))
        }
        print("disk       files \(ByteCount.human(bytes["files"]!)), library \(ByteCount.human(bytes["library"]!)), index \(ByteCount.human(bytes["index"]!))")
        let text = bytes["text"]!
        print("storage    text \(ByteCount.human(text)), stored in \(ByteCount.human(bytes["text_stored"]!)); catalog \(ByteCount.human(bytes["catalog"]!)), "
            + "segments \(ByteCount.human(bytes["segments"]!))"
            + (text > 0 ? String(format: "; the index folder is %.2f× the text", Double(bytes["index"]!) / Double(text)) : ""))
        if let last = status.lastIndexed { print("indexed    \(last)") }
        // Documents by title and origin, not by their file in the store.
        let names = Dictionary(uniqueKeysWithValues: try DocumentSummary.all(catalog).map { d in
            (d.id, DocumentName.withOrigin(title: d.title, url: d.url, path: d.path))
        })
        if !status.needsOCR.isEmpty {
            print("\nneeds OCR (most pages have no text):")
            for document in status.needsOCR {
                print("  \(document.id)  \((names[document.id] ?? document.path).printable)  \(document.pagesWithText ?? 0) of \(document.pageCount ?? 0) pages have text")
            }
        }
        if !status.failed.isEmpty {
            print("\ncould not be extracted:")
            for document in status.failed { print("  \(document.id)  \((names[document.id] ?? document.path).printable): \((document.error ?? "unknown reason").printable)") }
        }
    }
}

import ArgumentParser
import Catalog
import DossierCore
import Fetch
import Notes
import Foundation

/// `dossier attach URL FILE`: supply a document a site would not let Dossier download.
struct AttachCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attach",
        abstract: "Store a local file as a URL's content (for sites that block downloads).",
        discussion: "The file goes through the same checks as a download and into the same store; `dossier index` then indexes it under that URL's citations.")

    @OptionGroup var options: WorkspaceOptions

    @Argument(help: "The cited URL.")
    var url: String

    @Argument(help: "The file saved from a browser (PDF or web page).")
    var file: String

    func run() throws {
        guard let normalized = URLNormalizer.normalize(url) else { throw DossierError.usage("\(url) is not an http(s) URL") }
        let (workspace, catalog) = try options.openScanned()
        let source = URL(fileURLWithPath: file)
        guard FileManager.default.fileExists(atPath: source.path) else { throw DossierError.usage("\(file): no such file") }
        let stored = try ContentStore(folder: workspace.files).attach(source)
        try catalog.ensureURL(normalized)
        try catalog.recordFetch(FetchRecord(url: normalized, status: .attached, sha256: stored.sha256, size: stored.size,
                                            kind: stored.kind))
        let cited = try catalog.urlStates().first { $0.url == normalized }?.cited ?? false
        print("attached \(workspace.relativePath(of: stored.url)) (\(stored.kind.rawValue), \(ByteCount.human(stored.size))) as \(normalized)")
        if !cited { print("note: no note cites \(normalized) yet") }
        print("Run `dossier index` to extract and index it.")
    }
}

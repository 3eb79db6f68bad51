import ArgumentParser
import Catalog
import DossierCore
import Fetch
import Notes
import Foundation

/// `dossier attach URL FILE`: supply a document a site would not let
/// Dossier download; `dossier attach --remove URL` undoes it.
struct AttachCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attach",
        abstract: "Store a local file as a URL's content (for sites that block downloads), or undo that with --remove.",
        discussion: """
            The file goes through the same checks as a download and into the same store; `dossier index` then indexes it \
            under that URL's citations. A URL no note cites takes a file only with --force (a mistyped URL would \
            otherwise hold it). `dossier attach --remove URL` forgets the attached file: a cited URL is fetched again by \
            the next update, an uncited one is forgotten, and the next `dossier index` drops the document.
            """)

    @OptionGroup var options: WorkspaceOptions

    @Flag(help: "Undo an attach: forget the file attached to URL.")
    var remove = false

    @Flag(help: "Attach to a URL that no note cites.")
    var force = false

    @Argument(help: "The cited URL.")
    var url: String

    @Argument(help: "The file saved from a browser (PDF or web page); none with --remove.")
    var file: String?

    func validate() throws {
        if remove, file != nil { throw ValidationError("--remove takes the URL only") }
        if !remove, file == nil { throw ValidationError("give the file to attach (or --remove URL)") }
    }

    func run() throws {
        guard let normalized = URLNormalizer.normalize(url) else { throw DossierError.usage("\(url) is not an http(s) URL") }
        let (workspace, catalog) = try options.openScanned()
        if remove {
            let orphan = try catalog.detach(normalized)
            if let orphan {
                for name in (try? FileManager.default.contentsOfDirectory(atPath: workspace.files.path)) ?? [] where name.hasPrefix(orphan + ".") {
                    try FileManager.default.removeItem(at: workspace.files.appendingPathComponent(name))
                }
            }
            let cited = try catalog.urlStates().first { $0.url == normalized }?.cited ?? false
            print("detached \(normalized)" + (cited ? "; the next `dossier update` fetches it again" : "; no note cites it, so it is forgotten"))
            print("Run `dossier index` (or `dossier update`) to drop the attached document from the index.")
            return
        }
        let source = URL(fileURLWithPath: file!)
        guard FileManager.default.fileExists(atPath: source.path) else { throw DossierError.usage("\(file!): no such file") }
        let cited = try catalog.urlStates().first { $0.url == normalized }?.cited ?? false
        guard cited || force else {
            throw DossierError.usage("no note cites \(normalized); check the URL, or pass --force to attach to it anyway")
        }
        let stored = try ContentStore(folder: workspace.files).attach(source)
        try catalog.ensureURL(normalized)
        try catalog.recordFetch(FetchRecord(url: normalized, status: .attached, sha256: stored.sha256, size: stored.size,
                                            kind: stored.kind))
        print("attached \(workspace.relativePath(of: stored.url)) (\(stored.kind.rawValue), \(ByteCount.human(stored.size))) as \(normalized)")
        if !cited { print("note: no note cites \(normalized) yet") }
        print("Run `dossier index` to extract and index it.")
    }
}

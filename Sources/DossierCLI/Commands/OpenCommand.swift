import ArgumentParser
import Catalog
import DossierCore
import Foundation
import Pipeline
import SearchService

/// `dossier open N`: open result N of the last search at its page.
struct OpenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "open",
        abstract: "Open result N of the last search at its page (or --doc ID --page P).",
        discussion: """
            A PDF opens in $DOSSIER_VIEWER, a command template with {file} {page} {label} {query} \
            (e.g. DOSSIER_VIEWER='evince --page-index={page} {file}'), else in the first of evince, okular, \
            zathura, sioyek, qpdfview, mupdf that is installed, else in the browser at file://…#page=N. A web \
            page opens at its URL; a note opens in $EDITOR at the line. The command run is printed.
            """)

    @OptionGroup var options: WorkspaceOptions

    @Argument(help: "The result's rank in the last search.")
    var rank: Int?

    @Option(help: "A document's number instead of a result.")
    var doc: Int?

    @Option(help: "The page to open with --doc (physical, from 1).")
    var page = 1

    func validate() throws {
        guard (rank == nil) != (doc == nil) else { throw ValidationError("give a result number, or --doc ID") }
    }

    struct Target {
        var kind: DocumentKind
        var file: URL
        var page: Int
        var label: String
        var url: String?
        var line: Int
        var query: String
    }

    func run() throws {
        let workspace = try options.resolve()
        let target: Target
        if let rank {
            let last = try SearchResults.loadLast(workspace)
            guard let result = last.results.first(where: { $0.rank == rank }) else {
                throw DossierError.usage("the last search (\(last.query)) shows results \(last.results.first?.rank ?? 0)–\(last.results.last?.rank ?? 0); there is no result \(rank)")
            }
            target = Target(kind: result.document.kind, file: workspace.root.appendingPathComponent(result.document.path),
                            page: result.page, label: result.pageLabel ?? String(result.page), url: result.document.url,
                            line: result.line ?? 1, query: last.query)
        } else {
            let catalog = try CatalogStore(workspace: workspace)
            guard let document = try catalog.document(id: doc!) else {
                throw DossierError.notFound("there is no document \(doc!) (`dossier documents` lists them, with their numbers)")
            }
            if document.kind != .html {
                let pages = document.pageCount ?? 0
                guard (1...max(1, pages)).contains(page) else {
                    throw DossierError.notFound("document \(document.id) has \(pages) page\(pages == 1 ? "" : "s"); there is no page \(page)")
                }
            }
            guard FileManager.default.fileExists(atPath: workspace.root.appendingPathComponent(document.path).path) else {
                throw DossierError.workspace("the file of document \(document.id) is gone (\(document.path)); run `dossier update`")
            }
            let found = try catalog.pages(document: document.id, index: page).first
            // A note's page is a section: it opens at the section's first line.
            target = Target(kind: document.kind, file: workspace.root.appendingPathComponent(document.path), page: page,
                            label: found?.label ?? String(page), url: try catalog.documentSources()[document.id]?.url,
                            line: found?.line ?? 1, query: "")
        }
        try open(target)
    }

    func open(_ t: Target) throws {
        let env = ProcessInfo.processInfo.environment
        switch t.kind {
        case .note:
            guard let editor = env["VISUAL"] ?? env["EDITOR"] ?? (isatty(STDIN_FILENO) == 1 ? "vi" : nil) else {
                // No editor and no terminal to run one in: say where it is.
                print("\(t.file.path):\(t.line)")
                return
            }
            try runShell("\(editor) +\(t.line) \(quote(t.file.path))", wait: true)
        case .html:
            let address = t.url ?? t.file.absoluteString
            guard let opener = which("xdg-open") else { throw DossierError.workspace("no browser opener (xdg-open) found; the page is \(address)") }
            try runShell("\(opener) \(quote(address))", wait: false)
        default:
            if let template = env["DOSSIER_VIEWER"], !template.isEmpty {
                let command = template
                    .replacingOccurrences(of: "{file}", with: quote(t.file.path))
                    .replacingOccurrences(of: "{page}", with: String(t.page))
                    .replacingOccurrences(of: "{label}", with: quote(t.label))
                    .replacingOccurrences(of: "{query}", with: quote(t.query))
                try runShell(command, wait: true)
                return
            }
            let file = quote(t.file.path)
            let viewers: [(String, String)] = [
                ("evince", "--page-index=\(t.page) \(file)"), ("okular", "-p \(t.page) \(file)"), ("zathura", "-P \(t.page) \(file)"),
                ("sioyek", "--page \(t.page) \(file)"), ("qpdfview", quote("\(t.file.path)#\(t.page)")), ("mupdf", "\(file) \(t.page)"),
            ]
            for (name, arguments) in viewers {
                if let path = which(name) { try runShell("\(path) \(arguments)", wait: false); return }
            }
            let address = "\(t.file.absoluteString)#page=\(t.page)"
            guard let opener = which("xdg-open") else {
                throw DossierError.workspace("no PDF viewer found (set DOSSIER_VIEWER, e.g. 'evince --page-index={page} {file}'); the page is \(address)")
            }
            try runShell("\(opener) \(quote(address))", wait: false)
        }
    }

    func quote(_ s: String) -> String { Shell.quote(s) }

    func which(_ name: String) -> String? { Shell.which(name) }

    func runShell(_ command: String, wait: Bool) throws {
        print(command)
        fflush(nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        try process.run()
        if wait {
            process.waitUntilExit()
            if process.terminationStatus != 0 { throw DossierError.workspace("the viewer exited with status \(process.terminationStatus)") }
            return
        }
        // A viewer left to run: one that cannot start (a missing display,
        // a bad argument) exits within moments, and that is a failure.
        let deadline = Date().addingTimeInterval(0.8)
        while process.isRunning, Date() < deadline { usleep(20_000) }
        if !process.isRunning, process.terminationStatus != 0 {
            throw DossierError.workspace("the viewer could not start: `\(command)` exited with status \(process.terminationStatus)")
        }
    }
}

import ArgumentParser
import Catalog
import DossierCore
import Foundation
import SearchService

/// `dossier open N`: open result N of the last search at its page.
struct OpenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "open",
        abstract: "Open result N of the last search at its page (or --doc ID --page P).",
        discussion: """
            A PDF opens in $DOSSIER_VIEWER, a command template with {file} {page} {label} {query} \
            (e.g. DOSSIER_VIEWER='evince --page-index={page} {file}') or a program given the file as $EDITOR \
            is (and the page, when it is one of the viewers below), else in the first of evince, okular, \
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

    func run() throws {
        let workspace = try options.resolve()
        let target = if let rank { try OpenTarget.result(rank, workspace: workspace) } else {
            try OpenTarget.document(doc!, page: page, workspace: workspace, catalog: try CatalogStore(workspace: workspace))
        }
        guard let (command, wait) = try target.command(environment: ProcessInfo.processInfo.environment, terminal: isatty(STDIN_FILENO) == 1) else {
            // No editor and no terminal to run one in: say where it is.
            print("\(target.file.path):\(target.line)")
            return
        }
        try runShell(command, wait: wait)
    }

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

import ArgumentParser
import DossierCore
import Extract
import Foundation
import Hummingbird
import Web

/// `dossier serve`: the web interface.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the web interface: search, documents at the page, notes, links.",
        discussion: "Binds 127.0.0.1 unless --host says otherwise.")

    @OptionGroup var options: WorkspaceOptions

    @Option(help: "Address to bind.")
    var host = "127.0.0.1"

    @Option(help: "Port.")
    var port = 8080

    func validate() throws {
        guard (1...65535).contains(port) else { throw ValidationError("--port must be 1–65535") }
    }

    func run() async throws {
        let workspace = try options.resolve()
        print("Dossier at http://\(host):\(port)/ (Ctrl-C to stop)")
        // Previews are drawn in a worker process: a PDF that crashes or hangs
        // poppler's renderer fails its preview, not the server.
        let renderer = PreviewRenderer.worker(executable: IndexCommand.executable, arguments: ["worker", "render", "--memory-mb", "1024"])
        try await WebApp.application(workspace: workspace, host: host, port: port, renderer: renderer).runService()
    }
}

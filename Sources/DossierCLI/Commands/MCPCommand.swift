import ArgumentParser
import DossierCore
import MCPServer

/// `dossier mcp`: the library for an assistant (Model Context Protocol over stdio).
struct MCPCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mcp",
        abstract: "Serve the library to an assistant over the Model Context Protocol (stdio), read-only.",
        discussion: """
            An MCP client (Claude Desktop, an IDE, an agent) starts `dossier mcp --workspace DIR` and talks to it on its \
            standard input and output. Tools: search, read_page, list_documents, citations, status; resources: \
            dossier://documents/ID and dossier://documents/ID/pages/PAGE. Nothing is fetched, written or updated: \
            run `dossier update` (or its nightly schedule) to refresh what it serves.
            """)

    @OptionGroup var options: WorkspaceOptions

    func run() async throws {
        try await AssistantServer.run(workspace: try options.resolve())
    }
}

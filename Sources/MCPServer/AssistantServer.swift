import DossierCore
import Foundation
import MCP

/// `dossier mcp`: the library for an assistant, over the Model Context
/// Protocol (the swift-sdk's server, protocol version and capabilities as
/// the SDK declares them). It serves the ``Tools`` (search, read_page,
/// list_documents, citations, status) and each document and page as a
/// resource (`dossier://documents/7`, `dossier://documents/7/pages/14`),
/// read-only: nothing is fetched, written or updated, no path outside the
/// catalog is read, and every bad request is an error in its answer, never
/// the end of the session.
public enum AssistantServer {
    /// What the server tells a client about itself at initialization.
    static let instructions = """
        Dossier searches the documents cited by the user's research notes (wildlife-trade reports, CITES documents, web pages) \
        and the notes themselves. Search with `search`, read around a hit with `read_page`, and cite the document's title, the \
        page label (or page) and the note line that cites it (`citations`). The library is updated by the user, not by you: \
        `status` tells when it last was.
        """

    /// Serves `workspace` over standard input and output until the client
    /// closes its end.
    public static func run(workspace: Workspace) async throws {
        try await run(workspace: workspace, transport: LineTransport())
    }

    /// Serves `workspace` over `transport` until it ends.
    static func run(workspace: Workspace, transport: any Transport) async throws {
        let library = Library(workspace: workspace)
        let server = Server(
            name: "dossier", version: DossierVersion.string, title: "Dossier", instructions: instructions,
            capabilities: .init(resources: .init(subscribe: false, listChanged: false), tools: .init(listChanged: false)))
        await server.withMethodHandler(ListTools.self) { _ in ListTools.Result(tools: Tools.all) }
        await server.withMethodHandler(CallTool.self) { params in
            await Tools.call(params.name, params.arguments, library: library)
        }
        await server.withMethodHandler(ListResources.self) { params in
            try await Resources.list(cursor: params.cursor, library: library)
        }
        await server.withMethodHandler(ListResourceTemplates.self) { _ in
            ListResourceTemplates.Result(templates: Resources.templates)
        }
        await server.withMethodHandler(ReadResource.self) { params in
            try await Resources.read(params.uri, library: library)
        }
        try await server.start(transport: transport)
        await server.waitUntilCompleted()
    }
}

/// Documents and pages as MCP resources: `dossier://documents/{id}` is a
/// document's whole text (page after page, under a header each),
/// `dossier://documents/{id}/pages/{page}` one page's.
enum Resources {
    /// Documents per page of the resource list.
    static let pageSize = 200

    static let templates = [
        Resource.Template(uriTemplate: "dossier://documents/{id}/pages/{page}", name: "page",
                          title: "A page of a document",
                          description: "The text of one physical page (from 1) of document {id}; for a note, one section.",
                          mimeType: "text/plain"),
        Resource.Template(uriTemplate: "dossier://documents/{id}", name: "document", title: "A document",
                          description: "The whole text of document {id}, page by page.", mimeType: "text/plain"),
    ]

    /// A page of the documents, from `cursor` (an offset into the list).
    static func list(cursor: String?, library: Library) async throws -> ListResources.Result {
        let start: Int
        if let cursor {
            guard let offset = Int(cursor), offset >= 0 else { throw MCPError.invalidParams("invalid cursor \(cursor)") }
            start = offset
        } else {
            start = 0
        }
        let documents = try await mapped { try await library.allDocuments() }
        let page = documents.dropFirst(start).prefix(pageSize)
        let resources = page.map { d in
            Resource(name: "document-\(d.id)", uri: "dossier://documents/\(d.id)", title: d.name,
                     description: "\(d.kind.rawValue)" + (d.pages.map { ", \($0) pages" } ?? "") + ", \(d.origin)",
                     mimeType: "text/plain")
        }
        let next = start + page.count < documents.count ? String(start + page.count) : nil
        return ListResources.Result(resources: resources, nextCursor: next)
    }

    /// The text `uri` names.
    static func read(_ uri: String, library: Library) async throws -> ReadResource.Result {
        let prefix = "dossier://documents/"
        guard uri.hasPrefix(prefix) else {
            throw MCPError.invalidParams("unknown resource \(uri): resources are dossier://documents/{id} and dossier://documents/{id}/pages/{page}")
        }
        let parts = uri.dropFirst(prefix.count).split(separator: "/", omittingEmptySubsequences: false)
        guard let id = parts.first.flatMap({ Int($0) }), id >= 0 else {
            throw MCPError.invalidParams("\(uri) names no document number")
        }
        let text: String
        if parts.count == 1 {
            text = try await mapped { try await library.documentText(id) }
        } else if parts.count == 3, parts[1] == "pages", let page = Int(parts[2]), page >= 1 {
            text = try await mapped { try await library.pageText(id, page: page) }
        } else {
            throw MCPError.invalidParams("unknown resource \(uri): resources are dossier://documents/{id} and dossier://documents/{id}/pages/{page}")
        }
        return ReadResource.Result(contents: [.text(text, uri: uri, mimeType: "text/plain")])
    }

    /// `body`'s result, its failures turned into the protocol's errors with
    /// their one-line messages.
    private static func mapped<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as MCPError {
            throw error
        } catch let error as ToolError {
            throw MCPError.invalidParams(error.description)
        } catch let error as DossierError {
            throw MCPError.invalidParams(error.description)
        } catch {
            throw MCPError.internalError(String(describing: error))
        }
    }
}

import DossierCore
import Foundation
import HTTPTypes
import Hummingbird

/// The web interface: a search page, the documents (served with ranges, so
/// the browser's PDF viewer opens them at `#page=N`), the notes with their
/// citing lines anchored, the dead and blocked links, and `/api/search`.
///
/// The module is split by concern: this file holds the routes; `Pages/`
/// the handlers of the HTML pages with the views they fill; `Templates/`
/// the Mustache templates that turn views into HTML (escaping whatever
/// they insert); `Files.swift` the file and preview routes; `Responses`,
/// `RequestGuard`, `SearchGate`, `RenderQueue`, `PreviewCache`,
/// `ByteRange` and `CatalogPool` the machinery under them.
///
/// Security: everything taken from PDFs, web pages and notes is HTML-escaped
/// by the templates; URLs carry only ids, and a note is served only if the
/// catalog knows its path; every response forbids scripts and framing
/// (Content-Security-Policy); a bad parameter gets a 400 with a message.
public enum WebApp {
    /// What a server is allowed to do and to whom it answers.
    public struct Options: Sendable {
        /// Which `Host` names it answers (``HostPolicy``).
        public var hosts: HostPolicy
        /// How many searches run at once, and how long one may take.
        public var gate: SearchGate
        /// The most bytes of page previews kept in `index/previews/`.
        public var previewCacheBytes: Int
        /// How many previews are drawn at once, and how many may wait.
        public var renders: RenderQueue
        /// Runs an update when the update page asks (`dossier serve` runs
        /// the pipeline); nil: the page says the server cannot.
        public var update: UpdateRunner.Run?
        /// Reads the newest update report on disk, whoever ran it (`dossier
        /// serve` reads index/reports/), for the update page.
        public var lastReport: UpdateRunner.LastReport?
        /// What a running update is doing, for the update page.
        public var progress: UpdateProgress?

        /// Options for a server on `port` (nil: any port, for a router
        /// tested without a socket), bound to `boundHost`, answering the names in `allowedHosts` too.
        public init(port: Int?, boundHost: String? = nil, allowedHosts: [String] = [], gate: SearchGate = SearchGate(),
                    previewCacheBytes: Int = 256 << 20, renders: RenderQueue = RenderQueue(), update: UpdateRunner.Run? = nil,
                    lastReport: UpdateRunner.LastReport? = nil, progress: UpdateProgress? = nil) {
            self.renders = renders
            self.update = update
            self.lastReport = lastReport
            self.progress = progress
            hosts = HostPolicy(port: port, boundHost: boundHost, allowed: allowedHosts)
            self.gate = gate
            self.previewCacheBytes = previewCacheBytes
        }
    }

    /// Draws a page preview: the PDF's path, the 1-based page, the width in
    /// pixels and the terms whose words to outline give PNG bytes, or an
    /// error of one line. The caller supplies it (`dossier serve` draws in
    /// a worker process with poppler), so this module links no PDF library.
    public typealias DrawPage = @Sendable (_ path: String, _ page: Int, _ width: Int, _ terms: [String], _ boxes: [[Double]]) throws -> Data

    /// The router for `workspace`; page previews are drawn by `renderer`.
    /// Every route answers GET and HEAD.
    public static func router(workspace: Workspace, renderer: @escaping DrawPage,
                              options: Options = Options(port: nil)) throws -> Router<BasicRequestContext> {
        let templates = try Templates.shipped()
        let site = Site(
            workspace: workspace, catalogs: CatalogPool(workspace: workspace), templates: templates, gate: options.gate,
            previews: PreviewCache(folder: workspace.index.appendingPathComponent("previews"), maxBytes: options.previewCacheBytes),
            renders: options.renders, renderer: renderer, updates: options.update.map { UpdateRunner($0, lastReport: options.lastReport, progress: options.progress) })
        let router = Router()
        router.add(middleware: ErrorPages(templates: templates))
        router.add(middleware: RequestGuard(hosts: options.hosts))
        router.page("/") { request, context in try await site.searchPage(request, context) }
        router.page("/api/search") { request, context in try await site.apiSearch(request, context) }
        router.page("/documents") { _, _ in try site.documentsPage() }
        router.page("/documents/:id") { _, context in try site.documentPage(try documentID(context)) }
        router.page("/documents/:id/cite") { request, context in try site.citation(try documentID(context), request) }
        router.page("/site.js") { _, _ in site.siteScript() }
        router.page("/documents/:id/pages/:page") { request, context in try site.readerPage(try documentID(context), request, context) }
        router.page("/documents/:id/file") { request, context in try await site.documentFile(try documentID(context), request, context) }
        router.page("/documents/:id/pages/:page/preview.png") { request, context in
            try await site.preview(try documentID(context), request, context)
        }
        router.page("/notes/**") { request, context in
            let parts = context.parameters.getCatchAll().map(String.init), line = request.uri.queryParameters.get("line", as: Int.self)
            return try await site.offLoop { try site.notePage(parts, line: line) }
        }
        router.page("/links") { _, _ in try site.linksPage() }
        router.page("/update") { _, _ in site.updatePage() }
        router.post("/update") { request, _ in try site.startUpdate(request) }
        return router
    }

    /// An application serving `workspace` on `host:port`.
    public static func application(workspace: Workspace, host: String, port: Int, renderer: @escaping DrawPage,
                                   options: Options? = nil) throws -> some ApplicationProtocol {
        let options = options ?? Options(port: port, boundHost: host)
        return Application(router: try router(workspace: workspace, renderer: renderer, options: options),
                           server: .http1(configuration: .init(additionalChannelHandlers: [ParserErrorAnswer()])),
                           configuration: .init(address: .hostname(host, port: port), serverName: "Dossier"))
    }

    static func documentID(_ context: BasicRequestContext) throws -> Int {
        guard let id = context.parameters.get("id", as: Int.self), id > 0 else {
            throw HTTPError(.badRequest, message: "a document is named by its number")
        }
        return id
    }
}

import Catalog
import DossierCore
import Foundation
import HTTPTypes
import Hummingbird
import Search
import SearchService

/// The web interface: a search page, the documents (served with ranges, so
/// the browser's PDF viewer opens them at `#page=N`), the notes with their
/// citing lines anchored, the dead and blocked links, and `/api/search`.
///
/// Security: everything taken from PDFs, web pages and notes is HTML-escaped;
/// URLs carry only ids, and a note is served only if the catalog knows its
/// path; every response forbids scripts and framing (Content-Security-Policy);
/// a bad parameter gets a 400 with a message.
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

        /// Options for a server on `port` (nil: any port, for a router
        /// tested without a socket), bound to `boundHost`, answering the names in `allowedHosts` too.
        public init(port: Int?, boundHost: String? = nil, allowedHosts: [String] = [], gate: SearchGate = SearchGate(),
                    previewCacheBytes: Int = 256 << 20, renders: RenderQueue = RenderQueue()) {
            self.renders = renders
            hosts = HostPolicy(port: port, boundHost: boundHost, allowed: allowedHosts)
            self.gate = gate
            self.previewCacheBytes = previewCacheBytes
        }
    }

    /// Draws a page preview: the PDF's path, the 1-based page, the width in
    /// pixels and the terms whose words to outline give PNG bytes, or an
    /// error of one line. The caller supplies it (`dossier serve` draws in
    /// a worker process with poppler), so this module links no PDF library.
    public typealias DrawPage = @Sendable (_ path: String, _ page: Int, _ width: Int, _ terms: [String]) throws -> Data

    /// The router for `workspace`; page previews are drawn by `renderer`.
    /// Every route answers GET and HEAD.
    public static func router(workspace: Workspace, renderer: @escaping DrawPage,
                              options: Options = Options(port: nil)) -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: HTMLErrors())
        router.add(middleware: RequestGuard(hosts: options.hosts))
        let gate = options.gate
        let previews = PreviewCache(folder: workspace.index.appendingPathComponent("previews"), maxBytes: options.previewCacheBytes)
        let renders = options.renders
        router.page("/") { request, _ in try page(await searchPage(request, workspace, gate)) }
        router.page("/api/search") { request, _ in try await apiSearch(request, workspace, gate) }
        router.page("/documents/:id") { _, context in
            let id = try documentID(context)
            return try page(documentPage(id, workspace))
        }
        router.page("/documents/:id/file") { request, context in
            try await documentFile(try documentID(context), request, context, workspace)
        }
        router.page("/documents/:id/pages/:page/preview.png") { request, context in
            try await preview(try documentID(context), context, request, workspace, renderer, previews, renders)
        }
        router.page("/notes/**") { _, context in
            let parts = context.parameters.getCatchAll().map(String.init)
            return try page(notePage(parts, workspace))
        }
        router.page("/links") { _, _ in try page(linksPage(workspace)) }
        return router
    }

    /// An application serving `workspace` on `host:port`.
    public static func application(workspace: Workspace, host: String, port: Int, renderer: @escaping DrawPage,
                                   options: Options? = nil) -> some ApplicationProtocol {
        let options = options ?? Options(port: port, boundHost: host)
        return Application(router: router(workspace: workspace, renderer: renderer, options: options),
                           configuration: .init(address: .hostname(host, port: port), serverName: "Dossier"))
    }

    // MARK: responses

    static let securityHeaders: [(String, String)] = [
        ("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "no-referrer"),
    ]

    static func response(_ status: HTTPResponse.Status, _ type: String, _ body: ByteBuffer, extra: [(String, String)] = []) -> Response {
        response(status, type, ResponseBody(byteBuffer: body), extra: extra)
    }

    static func response(_ status: HTTPResponse.Status, _ type: String, _ body: ResponseBody, extra: [(String, String)] = []) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = type
        for (name, value) in securityHeaders + extra { headers[HTTPField.Name(name)!] = value }
        return Response(status: status, headers: headers, body: body)
    }

    static func page(_ html: String) throws -> Response {
        response(.ok, "text/html; charset=utf-8", ByteBuffer(string: html))
    }

    static func documentID(_ context: BasicRequestContext) throws -> Int {
        guard let id = context.parameters.get("id", as: Int.self), id > 0 else {
            throw HTTPError(.badRequest, message: "a document is named by its number")
        }
        return id
    }

    static func catalog(_ workspace: Workspace) throws -> CatalogStore {
        try CatalogStore(workspace: workspace)
    }

    // MARK: search

    /// Query parameters decoded as HTML forms send them ('+' is a space).
    struct FormParameters {
        var values: [String: String] = [:]
        init(_ request: Request) {
            for pair in (request.uri.query ?? "").split(separator: "&") {
                let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).replacingOccurrences(of: "+", with: " ") }
                guard let key = parts.first?.removingPercentEncoding, values[key] == nil else { continue }
                values[key] = parts.count > 1 ? (parts[1].removingPercentEncoding ?? parts[1]) : ""
            }
        }
        func get(_ key: String) -> String? { values[key] }
    }

    static func searchRequest(_ request: Request) throws -> SearchRequest? {
        let parameters = FormParameters(request)
        guard let query = parameters.get("q"), !query.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
        var search = SearchRequest(query: query)
        if let text = parameters.get("limit") {
            guard let value = Int(text), (1...1000).contains(value) else { throw HTTPError(.badRequest, message: "limit must be a number from 1 to 1000") }
            search.limit = value
        }
        if let text = parameters.get("offset") {
            guard let value = Int(text), value >= 0 else { throw HTTPError(.badRequest, message: "offset must be a number from 0") }
            search.offset = value
        }
        if let kind = parameters.get("kind"), !kind.isEmpty {
            guard ["pdf", "html", "note"].contains(kind) else { throw HTTPError(.badRequest, message: "kind must be pdf, html or note") }
            search.kind = kind
        }
        if let text = parameters.get("doc") {
            guard let value = Int(text) else { throw HTTPError(.badRequest, message: "doc must be a document number") }
            search.doc = value
        }
        search.flat = parameters.get("flat") == "1"
        return search
    }

    static func apiSearch(_ request: Request, _ workspace: Workspace, _ gate: SearchGate) async throws -> Response {
        guard let search = try searchRequest(request) else { throw HTTPError(.badRequest, message: "q is required") }
        do {
            let (output, _) = try await gate.run { try SearchResults.run(search, workspace: workspace, catalog: try catalog(workspace)) }
            let encoder = JSONEncoder()
            encoder.keyEncodingStrategy = .convertToSnakeCase
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            return response(.ok, "application/json", ByteBuffer(data: try encoder.encode(output)))
        } catch let error as QueryError {
            throw HTTPError(.badRequest, message: error.error.description)
        }
    }

    static func searchPage(_ request: Request, _ workspace: Workspace, _ gate: SearchGate) async throws -> String {
        let search = try searchRequest(request)
        var body = """
            <form method="get" action="/" class="search">
              <input type="search" name="q" value="\(HTML.escape(search?.query ?? ""))" placeholder="timber trafficking" autofocus>
              <select name="kind">\(["", "pdf", "html", "note"].map { k in
                  "<option value=\"\(k)\"\(search?.kind == k || (k.isEmpty && search?.kind == nil) ? " selected" : "")>\(k.isEmpty ? "all" : k)</option>"
              }.joined())</select>
              <button>Search</button>
            </form>
            """
        guard var search else {
            return HTML.page(title: "Dossier", body: body + HTML.help)
        }
        search.limit = min(search.limit, 50)
        do {
            let request = search
            let (output, hints) = try await gate.run { try SearchResults.run(request, workspace: workspace, catalog: try catalog(workspace)) }
            for hint in hints { body += "<p class=\"hint\">\(HTML.escape(hint))</p>" }
            body += "<p class=\"count\">\(output.total) passage\(output.total == 1 ? "" : "s") match (\(String(format: "%.1f", output.tookMs)) ms)</p>"
            if output.total == 0 {
                body += "<p>No passages match. All words must match; try OR between them.</p>"
            }
            var last = -1
            for result in output.results {
                if result.document.id != last {
                    if last != -1 { body += "</section>" }
                    last = result.document.id
                    body += "<section class=\"document\"><h2><a href=\"/documents/\(result.document.id)\">\(HTML.escape(result.document.title ?? result.document.path))</a> <span class=\"kind\">\(HTML.escape(result.document.kind))</span></h2>"
                    if let url = result.document.url { body += "<p class=\"url\">\(HTML.escape(url))</p>" }
                    for citation in result.citations.prefix(3) {
                        body += "<p class=\"cited\">cited at <a href=\"\(HTML.noteHref(citation.note, line: citation.line))\">\(HTML.escape(citation.note)):\(citation.line)</a> \(HTML.escape(citation.label))</p>"
                    }
                }
                body += "<article class=\"hit\">"
                if result.document.kind == "note" {
                    let line = result.line ?? 1
                    body += "<p class=\"where\"><a href=\"\(HTML.noteHref(result.document.path, line: line))\">\(HTML.escape(result.document.path)):\(line)</a></p>"
                } else {
                    let label = result.pageLabel.map { $0 != String(result.page) ? " (printed \(HTML.escape($0)))" : "" } ?? ""
                    body += "<p class=\"where\"><a href=\"/documents/\(result.document.id)/file#page=\(result.page)\">p. \(result.page)\(label)</a> · score \(String(format: "%.3f", result.score))</p>"
                    if result.document.kind == "pdf" {
                        let words = HTML.marked(result.snippet, result.highlights).prefix(8).joined(separator: ",")
                        let base = "/documents/\(result.document.id)/pages/\(result.page)/preview.png?w=\(HTML.escapeQuery(words))"
                        body += "<a class=\"preview\" href=\"\(base)&amp;size=large\"><img src=\"\(base)\" alt=\"page \(result.page)\" width=\"240\" loading=\"lazy\"></a>"
                    }
                }
                body += "<p class=\"snippet\">\(HTML.highlight(result.snippet, result.highlights))</p></article>"
            }
            if last != -1 { body += "</section>" }
            let query = HTML.escapeQuery(search.query)
            let kind = search.kind.map { "&kind=\($0)" } ?? ""
            if search.offset > 0 {
                body += "<a class=\"page\" href=\"/?q=\(query)\(kind)&offset=\(max(0, search.offset - search.limit))\">previous</a> "
            }
            if search.offset + output.results.count < output.total && !output.results.isEmpty {
                body += "<a class=\"page\" href=\"/?q=\(query)\(kind)&offset=\(search.offset + search.limit)\">next</a>"
            }
        } catch let error as QueryError {
            body += "<pre class=\"error\">\(HTML.escape(error.description))</pre>" + HTML.help
        }
        return HTML.page(title: "\(search.query.clipped(to: SearchResults.Limits.title)) — Dossier", body: body)
    }

    // MARK: documents

    static func documentPage(_ id: Int, _ workspace: Workspace) throws -> String {
        let catalog = try catalog(workspace)
        guard let document = try catalog.document(id: id) else { throw HTTPError(.notFound, message: "no document \(id)") }
        let title = (document.title ?? document.path).clipped(to: SearchResults.Limits.title)
        var body = "<h1>\(HTML.escape(title))</h1><dl>"
        body += "<dt>kind</dt><dd>\(HTML.escape(document.kind))</dd><dt>file</dt><dd><a href=\"/documents/\(id)/file\">\(HTML.escape(document.path))</a></dd>"
        if let url = try catalog.documentSources()[id]?.url { body += "<dt>URL</dt><dd>\(HTML.escape(url))</dd>" }
        if let author = document.author { body += "<dt>author</dt><dd>\(HTML.escape(author))</dd>" }
        body += "<dt>pages</dt><dd>\(document.pageCount ?? 0)</dd><dt>status</dt><dd>\(HTML.escape(document.status.rawValue))\(document.error.map { ": " + HTML.escape($0) } ?? "")</dd></dl>"
        let citations = try catalog.citations(ofDocument: id)
        body += "<h2>Cited in the notes</h2>" + (citations.isEmpty ? "<p>No note cites it.</p>" : "<ul>" + citations.map { c in
            "<li><a href=\"\(HTML.noteHref(c.note, line: c.line))\">\(HTML.escape(c.note)):\(c.line)</a> \(HTML.escape(c.label.clipped(to: SearchResults.Limits.label)))\(c.heading.map { " — § " + HTML.escape($0.clipped(to: SearchResults.Limits.label)) } ?? "")</li>"
        }.joined() + "</ul>")
        body += "<h2>Pages</h2><ol class=\"pages\">"
        for page in try catalog.pages(document: id) {
            let label = page.label.map { " (\(HTML.escape($0)))" } ?? ""
            let preview = page.text.split(separator: " ").prefix(20).joined(separator: " ").clipped(to: SearchResults.Limits.line)
            body += "<li><a href=\"/documents/\(id)/file#page=\(page.index)\">p. \(page.index)\(label)</a> \(HTML.escape(preview))…</li>"
        }
        return HTML.page(title: title, body: body + "</ol>")
    }

    /// A document's file, streamed from disk (never read whole), with an
    /// ETag and byte ranges as ``ByteRange`` reads them.
    static func documentFile(_ id: Int, _ request: Request, _ context: BasicRequestContext, _ workspace: Workspace) async throws -> Response {
        let catalog = try catalog(workspace)
        guard let document = try catalog.document(id: id), document.kind != "note" else { throw HTTPError(.notFound, message: "no file for document \(id)") }
        let path = workspace.root.appendingPathComponent(document.path).path
        guard let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int else {
            throw HTTPError(.notFound, message: "the file of document \(id) is gone")
        }
        let type = document.kind == "pdf" ? "application/pdf" : "text/plain; charset=utf-8"
        let etag = "\"\(document.sha256)\""
        if request.headers[.ifNoneMatch] == etag {
            return response(.notModified, type, ByteBuffer(), extra: [("ETag", etag)])
        }
        var extra = [("ETag", etag), ("Accept-Ranges", "bytes"), ("Cache-Control", "private, max-age=3600")]
        let range = ByteRange.evaluate(request.headers[.range], ifRange: request.headers[.ifRange], etag: etag, size: size)
        switch range {
        case .unsatisfiable:
            return response(.rangeNotSatisfiable, type, ByteBuffer(), extra: extra + [("Content-Range", "bytes */\(size)")])
        case .part(let part):
            extra.append(("Content-Range", "bytes \(part.lowerBound)-\(part.upperBound)/\(size)"))
            let body = try await FileIO().loadFile(path: path, range: part, context: context)
            return response(.partialContent, type, body, extra: extra)
        case .whole:
            guard size > 0 else { return response(.ok, type, ByteBuffer(), extra: extra) }
            return response(.ok, type, try await FileIO().loadFile(path: path, context: context), extra: extra)
        }
    }

    /// A page rendered with the words of the given terms outlined (`w=`,
    /// words separated by commas, analyzed as the index analyzes them);
    /// cached in index/previews/ (``PreviewCache``).
    static func preview(_ id: Int, _ context: BasicRequestContext, _ request: Request, _ workspace: Workspace,
                        _ renderer: @escaping DrawPage, _ cache: PreviewCache, _ renders: RenderQueue) async throws -> Response {
        guard let page = context.parameters.get("page", as: Int.self) else { throw HTTPError(.badRequest, message: "a page is a number from 1") }
        let parameters = FormParameters(request)
        let width = parameters.get("size") == "large" ? 1000 : 480
        let words = (parameters.get("w") ?? "").split(separator: ",").prefix(64).map(String.init)
        let terms = PreviewCache.terms(words)
        let catalog = try catalog(workspace)
        guard let document = try catalog.document(id: id), document.kind == "pdf" else { throw HTTPError(.notFound, message: "no PDF \(id)") }
        guard page >= 1, page <= (document.pageCount ?? 0) else { throw HTTPError(.notFound, message: "document \(id) has no page \(page)") }
        let cached = cache.file(sha256: document.sha256, page: page, width: width, terms: terms)
        let png: Data
        if let data = cache.read(cached) {
            png = data
        } else {
            do {
                // Drawn off the server's event loop: a page may take a while.
                let path = workspace.root.appendingPathComponent(document.path).path
                png = try await renders.run {
                    try await withCheckedThrowingContinuation { continuation in
                        DispatchQueue.global().async { continuation.resume(with: Result { try renderer(path, page, width, terms) }) }
                    }
                }
            } catch let error as HTTPError {
                throw error
            } catch {
                throw HTTPError(.internalServerError, message: "cannot render page \(page): \(error)")
            }
            cache.store(png, as: cached)
        }
        return response(.ok, "image/png", ByteBuffer(data: png), extra: [("Cache-Control", "private, max-age=86400")])
    }

    // MARK: notes and links

    static func notePage(_ parts: [String], _ workspace: Workspace) throws -> String {
        guard !parts.isEmpty, !parts.contains(where: { $0 == ".." || $0 == "." || $0.isEmpty }) else {
            throw HTTPError(.badRequest, message: "not a note path")
        }
        let path = "corpus/notes/" + parts.joined(separator: "/")
        let catalog = try catalog(workspace)
        guard try catalog.notes().contains(where: { $0.path == path }) else { throw HTTPError(.notFound, message: "no note \(path)") }
        let text = (try? String(contentsOf: workspace.root.appendingPathComponent(path), encoding: .utf8)) ?? ""
        let states = Dictionary(try catalog.urlStates().map { ($0.url, $0.status.rawValue) }, uniquingKeysWith: { a, _ in a })
        let citations = Dictionary(grouping: try catalog.citations(note: path), by: \.line)
        var body = "<h1>\(HTML.escape(path))</h1><div class=\"note\">"
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let number = index + 1
            var rendered = HTML.markdownLine(String(line))
            for citation in citations[number] ?? [] {
                let status = states[citation.normalizedURL] ?? "new"
                rendered += " <span class=\"status \(HTML.escape(status))\">\(HTML.escape(status))</span>"
            }
            body += "<div class=\"line\" id=\"L\(number)\"><a class=\"number\" href=\"#L\(number)\">\(number)</a> \(rendered)</div>"
        }
        return HTML.page(title: path, body: body + "</div>")
    }

    static func linksPage(_ workspace: Workspace) throws -> String {
        let catalog = try catalog(workspace)
        let bad = try catalog.urlStates().filter { $0.cited && $0.status.isDead }
        var body = "<h1>Dead and blocked links</h1>"
        if bad.isEmpty { return HTML.page(title: "Links", body: body + "<p>None.</p>") }
        let citations = Dictionary(grouping: try catalog.citations(), by: \.normalizedURL)
        body += "<table><tr><th>status</th><th>URL</th><th>why</th><th>cited at</th></tr>"
        for state in bad {
            let places = (citations[state.url] ?? []).map { c in
                "<a href=\"\(HTML.noteHref(c.note, line: c.line))\">\(HTML.escape(c.note)):\(c.line)</a>"
            }.joined(separator: "<br>")
            body += "<tr><td>\(HTML.escape(state.status.rawValue))</td><td>\(HTML.escape(state.url))</td><td>\(HTML.escape(state.error ?? ""))</td><td>\(places)</td></tr>"
        }
        return HTML.page(title: "Links", body: body + "</table>")
    }
}

/// HTML building, with everything from documents and notes escaped.
enum HTML {
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for c in text.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    static func escapeQuery(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
    }

    static func noteHref(_ path: String, line: Int) -> String {
        let relative = path.hasPrefix("corpus/notes/") ? String(path.dropFirst("corpus/notes/".count)) : path
        let encoded = relative.split(separator: "/").map { String($0).addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? "" }
        return "/notes/" + encoded.joined(separator: "/") + "#L\(line)"
    }

    /// One line of a note as HTML: escaped, with Markdown links, bare URLs,
    /// headings, emphasis and task boxes rendered. Only http(s) links become links.
    static func markdownLine(_ line: String) -> String {
        var text = escape(line)
        // Task boxes and headings.
        if let range = text.range(of: #"^(\s*[-*+] )\[ \]"#, options: .regularExpression) {
            text.replaceSubrange(range, with: text[range].dropLast(3) + "☐")
        } else if let range = text.range(of: #"^(\s*[-*+] )\[[xX]\]"#, options: .regularExpression) {
            text.replaceSubrange(range, with: text[range].dropLast(3) + "☑")
        }
        if let range = text.range(of: #"^#{1,6} "#, options: .regularExpression) {
            let level = text[range].filter { $0 == "#" }.count
            text = "<strong class=\"h\(level)\">" + text[range.upperBound...] + "</strong>"
        }
        // [label](https://…) → a link; then bare URLs that are not already inside one.
        let link = try! NSRegularExpression(pattern: #"\[([^\]]*)\]\((https?://[^\s)]+(?:\([^\s)]*\)[^\s)]*)*)\)"#)
        text = link.stringByReplacingMatches(in: text, range: NSRange(text.startIndex..., in: text),
                                             withTemplate: "<a href=\"$2\" rel=\"noreferrer\">$1</a>")
        let bare = try! NSRegularExpression(pattern: #"(?<![\"=>])\bhttps?://[^\s<\"]+[^\s<\".,;:!?)]"#)
        text = bare.stringByReplacingMatches(in: text, range: NSRange(text.startIndex..., in: text),
                                             withTemplate: "<a href=\"$0\" rel=\"noreferrer\">$0</a>")
        let bold = try! NSRegularExpression(pattern: #"\*\*([^*]+)\*\*"#)
        text = bold.stringByReplacingMatches(in: text, range: NSRange(text.startIndex..., in: text), withTemplate: "<b>$1</b>")
        return text
    }

    /// The words the `[start, end)` scalar ranges mark, without repeats.
    static func marked(_ text: String, _ ranges: [[Int]]) -> [String] {
        let scalars = Array(text.unicodeScalars)
        var seen = Set<String>()
        var out: [String] = []
        for r in ranges where r.count == 2 && r[0] <= r[1] && r[1] <= scalars.count {
            var view = String.UnicodeScalarView()
            view.append(contentsOf: scalars[r[0]..<r[1]])
            let word = String(view)
            if seen.insert(word.lowercased()).inserted { out.append(word) }
        }
        return out
    }

    /// The snippet escaped, its `[start, end)` scalar ranges in <mark>.
    static func highlight(_ text: String, _ ranges: [[Int]]) -> String {
        let scalars = Array(text.unicodeScalars)
        var out = ""
        var i = 0
        func piece(_ a: Int, _ b: Int) -> String {
            var view = String.UnicodeScalarView()
            view.append(contentsOf: scalars[a..<b])
            return escape(String(view))
        }
        for r in ranges where r.count == 2 && r[0] >= i && r[1] <= scalars.count && r[0] <= r[1] {
            out += piece(i, r[0]) + "<mark>" + piece(r[0], r[1]) + "</mark>"
            i = r[1]
        }
        return out + piece(i, scalars.count)
    }

    static let help = """
        <section class="help"><h2>Query syntax</h2><ul>
        <li><code>timber trafficking</code> both words (stemmed: <i>trafficked</i> matches too)</li>
        <li><code>timber OR ivory</code> either; <code>ivory NOT elephant</code>, or <code>ivory -elephant</code></li>
        <li><code>"rosewood logging"</code> a phrase; <code>traff*</code> a prefix</li>
        <li><code>NEAR(pangolin scales, 5)</code> within 5 words; <code>(a OR b) AND c</code> grouping</li>
        </ul></section>
        """

    static func page(title: String, body: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>\(escape(title))</title>
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <style>
        body { font: 16px/1.5 system-ui, sans-serif; max-width: 58rem; margin: 1.5rem auto; padding: 0 1rem; color: #222; }
        a { color: #1a5fb4; } mark { background: #fce588; padding: 0 .1em; }
        form.search { display: flex; gap: .5rem; } form.search input { flex: 1; font-size: 1.1rem; padding: .4rem; }
        section.document { border-top: 1px solid #ddd; margin-top: 1rem; } .kind { font-size: .8rem; color: #666; text-transform: uppercase; }
        .url, .cited, .where, .count, .hint { color: #555; font-size: .9rem; margin: .2rem 0; }
        .snippet { margin: .2rem 0 .8rem 1rem; } .error { color: #a51d2d; white-space: pre-wrap; }
        .note .line { white-space: pre-wrap; } .note .line:target { background: #fce588; }
        .h1 { font-size: 1.4em; } .h2 { font-size: 1.25em; } .h3 { font-size: 1.1em; }
        .number { color: #999; text-decoration: none; display: inline-block; width: 3em; text-align: right; }
        .status { font-size: .75rem; border-radius: .3rem; padding: 0 .3rem; background: #eee; }
        .status.failed, .status.blocked { background: #f6c6c6; }
        article.hit { overflow: auto; } a.preview img { float: right; margin: 0 0 .5rem 1rem; border: 1px solid #ccc; } .status.fetched, .status.unchanged, .status.attached { background: #cdeccd; }
        nav { margin-bottom: 1rem; }
        </style></head>
        <body><nav><a href="/">Search</a> · <a href="/links">Dead and blocked links</a></nav>
        \(body)
        </body></html>
        """
    }
}

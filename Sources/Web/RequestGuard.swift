import HTTPTypes
import Hummingbird

/// Which `Host` names the server answers to.
///
/// A page on any site can make the user's browser send requests to
/// `127.0.0.1:8080`, and by rebinding its own DNS name to 127.0.0.1 it can
/// make them same-origin and read the answers (DNS rebinding: the attack
/// Jupyter and Syncthing closed this way). Such requests carry the
/// attacker's name in `Host`, so the server answers only requests whose
/// `Host` is one of its own: `localhost`, `127.0.0.1`, `[::1]` or the
/// address it is bound to, with its port, and names added for a reverse
/// proxy (`--allow-host`), with any port or none.
public struct HostPolicy: Sendable {
    /// The port the server listens on; nil accepts any port on the loopback
    /// names (for a router run without a socket, as in tests).
    public var port: Int?
    /// Names answered on the server's port besides the loopback ones: the bound address.
    public var boundHost: String?
    /// Names added by `--allow-host`, lower-cased, answered with any port.
    public var allowed: Set<String>

    /// The loopback names, always answered on the server's port.
    public static let loopback: Set<String> = ["localhost", "127.0.0.1", "[::1]"]

    /// A policy for a server on `port`, bound to `boundHost`, answering `allowed` too.
    public init(port: Int?, boundHost: String? = nil, allowed: [String] = []) {
        self.port = port
        self.boundHost = boundHost.map { Self.bracketed($0.lowercased()) }
        self.allowed = Set(allowed.map { Self.bracketed($0.lowercased()) })
    }

    /// Whether a server bound to `host` listens on loopback only.
    public static func isLoopback(_ host: String) -> Bool {
        let name = host.lowercased()
        return name == "localhost" || name == "::1" || name == "[::1]" || name.hasPrefix("127.")
    }

    static func bracketed(_ name: String) -> String {
        name.contains(":") && !name.hasPrefix("[") ? "[\(name)]" : name
    }

    /// Whether a request naming `authority` (its `Host`) is for this server.
    public func admits(_ authority: String?) -> Bool {
        guard let authority, !authority.isEmpty else { return false }
        let value = authority.lowercased()
        // Split "name:port", "[v6]:port", "name".
        var name = value
        var port: Int?
        if let close = value.lastIndex(of: "]") {
            name = String(value[...close])
            let rest = value[value.index(after: close)...]
            if rest.hasPrefix(":") {
                guard let p = Int(rest.dropFirst()) else { return false }
                port = p
            } else if !rest.isEmpty {
                return false
            }
        } else if let colon = value.lastIndex(of: ":") {
            name = String(value[..<colon])
            guard let p = Int(value[value.index(after: colon)...]) else { return false }
            port = p
        }
        if allowed.contains(name) { return true }
        guard Self.loopback.contains(name) || name == boundHost else { return false }
        guard let expected = self.port else { return true }
        return port == expected || (port == nil && expected == 80)
    }
}

/// The HTML pages' routes, as the router names them.
private let htmlPageRoutes = Set(["/", "/documents", "/documents/:id", "/notes/**", "/links", "/update"].map { RouterPath($0).description })

/// Refuses what is not the server's own before any handler runs:
///
/// - a `Host` the ``HostPolicy`` does not admit: 403;
/// - a request from another site (`Sec-Fetch-Site: cross-site`, sent by
///   every current browser) or from another port of the same host
///   (`same-site`: a page of another local server on localhost:3000),
///   unless it opens one of the HTML pages (``pages``) by a GET or HEAD
///   navigation: 403. Another site may link to a page of Dossier; it may
///   not read the library through the user's browser (the JSON API, a
///   document's file), set it rendering (a preview), embed or fetch a
///   page, nor post to it. Dossier's own pages ask `same-origin`; a typed
///   address or a bookmark, `none`.
///
/// The guard judges the route the router matched, not the path as sent:
/// the router reads `//api/search`, `/documents/6/file/` and
/// `/api/search` alike, so a spelling the router accepts cannot slip past
/// the guard, and a route added later is guarded until it is listed as a
/// page. A request that matched no route is judged as guarded.
///
/// No response carries CORS headers, so no other origin may read one.
struct RequestGuard<Context: RequestContext>: RouterMiddleware {
    let hosts: HostPolicy

    /// The routes another site may open: the HTML pages, as the router
    /// names them (`context.endpointPath`).
    static var pages: Set<String> { htmlPageRoutes }

    /// Whether a request from another site (or another port of this
    /// host) for `route` with `method` and `Sec-Fetch-Mode` `mode` is let
    /// through: a navigation to an HTML page only.
    static func admitsForeign(route: String?, method: HTTPRequest.Method, mode: String?) -> Bool {
        guard let route, pages.contains(route), method == .get || method == .head else { return false }
        return mode == nil || mode == "navigate"
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard hosts.admits(request.head.authority) else {
            throw HTTPError(.forbidden, message: "this server answers only requests for its own address (Host: 127.0.0.1 or localhost with its port); see --allow-host")
        }
        if let site = request.headers[HTTPField.Name("Sec-Fetch-Site")!], site == "cross-site" || site == "same-site",
           !Self.admitsForeign(route: context.endpointPath, method: request.method,
                               mode: request.headers[HTTPField.Name("Sec-Fetch-Mode")!]) {
            throw HTTPError(.forbidden, message: "a request from another site may not read the library")
        }
        return try await next(request, context)
    }
}

import HTTPTypes
import Hummingbird

extension Router<BasicRequestContext> {
    /// Registers `handler` for GET and for HEAD on `path`: HEAD answers the
    /// headers GET would (its length too) without the body, as browsers,
    /// curl and link checkers expect of every page.
    func page(_ path: RouterPath, _ handler: @escaping @Sendable (Request, BasicRequestContext) async throws -> Response) {
        get(path, use: handler)
        head(path) { request, context in
            let full = try await handler(request, context)
            var headers = full.headers
            if headers[.contentLength] == nil, let length = full.body.contentLength { headers[.contentLength] = String(length) }
            return Response(status: full.status, headers: headers, body: ResponseBody())
        }
    }
}

/// Errors of the HTML pages answered as HTML pages (with the security
/// headers every page has), not as the JSON the API answers with: a
/// browser shows the message, not `{"error":…}`. The API's errors stay JSON.
struct HTMLErrors<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where !request.uri.path.hasPrefix("/api/") && !request.uri.path.hasSuffix(".png") {
            let title = "\(error.status.code) \(error.status.reasonPhrase)"
            let message = error.body ?? title
            let html = HTML.page(title: title, body: "<h1>\(HTML.escape(title))</h1><p class=\"error\">\(HTML.escape(message))</p>")
            var response = WebApp.response(error.status, "text/html; charset=utf-8", ByteBuffer(string: html))
            response.headers.append(contentsOf: error.headers)
            return response
        }
    }
}

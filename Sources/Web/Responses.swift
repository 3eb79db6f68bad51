import Foundation
import HTTPTypes
import Hummingbird

/// Responses with the headers every answer carries: a Content-Security-Policy
/// that forbids scripts and framing, no MIME sniffing, no referrer.
enum Responses {
    static let securityHeaders: [(String, String)] = [
        ("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "no-referrer"),
    ]

    static func make(_ status: HTTPResponse.Status, _ type: String, _ body: ByteBuffer, extra: [(String, String)] = []) -> Response {
        make(status, type, ResponseBody(byteBuffer: body), extra: extra)
    }

    static func make(_ status: HTTPResponse.Status, _ type: String, _ body: ResponseBody, extra: [(String, String)] = []) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = type
        for (name, value) in securityHeaders + extra { headers[HTTPField.Name(name)!] = value }
        return Response(status: status, headers: headers, body: body)
    }

    /// An HTML page.
    static func html(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        make(status, "text/html; charset=utf-8", ByteBuffer(string: text))
    }
}

/// Errors of the HTML pages answered as HTML pages (with the security
/// headers every page has), not as the JSON the API answers with: a
/// browser shows the message, not `{"error":…}`. The API's errors stay JSON.
struct HTMLErrors<Context: RequestContext>: RouterMiddleware {
    let templates: Templates

    struct View {
        var title: String
        var message: String
    }

    /// Whether errors on `route` (as the router names it) are the API's
    /// JSON or a preview's, not a page.
    static func answersJSON(_ route: String?) -> Bool {
        route == RouterPath("/api/search").description || route == RouterPath("/documents/:id/pages/:page/preview.png").description
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where !Self.answersJSON(context.endpointPath) {
            let title = "\(error.status.code) \(error.status.reasonPhrase)"
            var response = Responses.html(templates.render(View(title: title, message: error.body ?? title), "error"), status: error.status)
            response.headers.append(contentsOf: error.headers)
            return response
        }
    }
}

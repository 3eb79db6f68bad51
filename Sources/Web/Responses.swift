import DossierCore
import Foundation
import HTTPTypes
import Hummingbird

/// Responses with the headers every answer carries: a Content-Security-Policy
/// that forbids framing and every script but the site's own (`/site.js`:
/// the copy buttons and the keys), no MIME sniffing, no referrer.
enum Responses {
    static let securityHeaders: [(String, String)] = [
        ("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; img-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"),
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

/// Every error answered with the headers every answer carries: on the
/// HTML pages as an HTML page (a browser shows the message, not
/// `{"error":…}`), on the API and previews as the JSON
/// `{"error":{"message":…}}`. An address whose query cannot be read (bad
/// percent-encoding, a parameter given twice) is a 400 saying so; any other
/// failure a 500 with its reason, never an empty answer.
struct ErrorPages<Context: RequestContext>: RouterMiddleware {
    let templates: Templates

    struct View {
        var title: String
        var message: String
    }

    /// The JSON body of an error, as Hummingbird writes one.
    struct JSONError: Encodable {
        struct Message: Encodable { var message: String }
        var error: Message
    }

    /// Whether errors on `route` (as the router names it) are the API's
    /// JSON or a preview's, not a page.
    static func answersJSON(_ route: String?) -> Bool {
        route == RouterPath("/api/search").description || route == RouterPath("/documents/:id/pages/:page/preview.png").description
    }

    /// The status, message and extra headers `error` is answered with.
    static func describe(_ error: any Error) -> (status: HTTPResponse.Status, message: String?, headers: HTTPFields) {
        switch error {
        case let error as HTTPError:
            return (error.status, error.body, error.headers)
        case let error as URLEncodedFormError:
            let message = switch error.code {
            case .failedToPercentDecode: "the address holds a % that is not followed by two hexadecimal digits"
            case .duplicateKeys: "a parameter of the address is given more than once"
            default: "the address's parameters cannot be read"
            }
            return (.badRequest, message, [:])
        default:
            return (.internalServerError, "the server failed to answer: \(String(describing: error).clipped(to: 300))", [:])
        }
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let (status, body, extra) = Self.describe(error)
            let message = body ?? "\(status.code) \(status.reasonPhrase)"
            var response: Response
            if Self.answersJSON(context.endpointPath) {
                let json = (try? JSONEncoder().encode(JSONError(error: .init(message: message)))) ?? Data()
                response = Responses.make(status, "application/json; charset=utf-8", ByteBuffer(data: json))
            } else {
                let title = "\(status.code) \(status.reasonPhrase)"
                response = Responses.html(templates.render(View(title: title, message: message), "error"), status: status)
            }
            response.headers.append(contentsOf: extra)
            return response
        }
    }
}

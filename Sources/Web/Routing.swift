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

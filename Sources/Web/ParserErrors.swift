import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// The answer to a request the HTTP parser rejects, with the headers every
/// answer carries.
///
/// A request line or header block past the parser's limits (about 80 KB),
/// or bytes that are not HTTP, never reach the router: Hummingbird answers
/// them itself, in its channel handler, with a bare `400` (`Connection:
/// close`, `Content-Length: 0`, no other header), the one answer of the
/// server without the security headers. This handler sits in the channel
/// pipeline after the HTTP codec, where every answer passes on its way
/// out, and gives that one the security headers and a one-line body.
/// Answers of the router already carry them (a router's 400 is an error
/// page) and pass untouched.
final class ParserErrorAnswer: ChannelOutboundHandler, RemovableChannelHandler {
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    static let body = "Bad request: the request line or its headers could not be read (too long, or not HTTP).\n"

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard case .head(var head) = unwrapOutboundIn(data), head.status == .badRequest,
              head.headerFields[.contentLength] == "0", head.headerFields[.contentSecurityPolicy] == nil else {
            context.write(data, promise: promise)
            return
        }
        let body = context.channel.allocator.buffer(string: Self.body)
        for (name, value) in Responses.securityHeaders { head.headerFields[HTTPField.Name(name)!] = value }
        head.headerFields[.contentType] = "text/plain; charset=utf-8"
        head.headerFields[.contentLength] = String(body.readableBytes)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(body)), promise: promise)
    }
}

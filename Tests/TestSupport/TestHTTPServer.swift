import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// An HTTP/1.1 server on 127.0.0.1 for the tests, answering each request
/// with what the test's handler says: a response, a body that stalls, or a
/// connection cut in the middle of the body.
public final class TestHTTPServer: @unchecked Sendable {
    /// A request as received.
    public struct Request: Sendable {
        /// GET, HEAD…
        public var method: String
        /// Path and query.
        public var uri: String
        /// Header fields, names lower-cased.
        public var headers: [String: String]
    }

    /// What to answer.
    public enum Reply: Sendable {
        /// A complete response.
        case respond(status: Int, headers: [(String, String)], body: [UInt8])
        /// The head and the first bytes, then silence.
        case stall(status: Int, headers: [(String, String)], first: [UInt8])
        /// A Content-Length of `declared`, the first bytes, then the connection closed.
        case cut(status: Int, headers: [(String, String)], declared: Int, sent: [UInt8])
        /// The head, then one byte every `every`, for ever: never silent long
        /// enough for a read timeout, never done.
        case trickle(status: Int, every: TimeAmount)
    }

    let channel: Channel
    let lock = NSLock()
    var recorded: [Request] = []
    /// The port bound.
    public let port: Int

    /// Starts a server; `handler` answers every request.
    public init(_ handler: @escaping @Sendable (Request) -> Reply) throws {
        let box = RecorderBox()
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline().flatMapThrowing {
                    try channel.pipeline.syncOperations.addHandler(ServerHandler(handler: handler, record: { box.server?.record($0) }))
                }
            }
        channel = try bootstrap.bind(host: "127.0.0.1", port: 0).wait()
        port = channel.localAddress?.port ?? 0
        box.server = self
    }

    /// The URL of `path` on this server.
    public func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }

    /// Requests received so far.
    public var requests: [Request] {
        lock.lock()
        defer { lock.unlock() }
        return recorded
    }

    func record(_ request: Request) {
        lock.lock()
        recorded.append(request)
        lock.unlock()
    }

    /// Stops listening.
    public func shutdown() {
        try? channel.close().wait()
    }

    final class RecorderBox: @unchecked Sendable {
        weak var server: TestHTTPServer?
    }

    final class ServerHandler: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        let handler: @Sendable (Request) -> Reply
        let record: (Request) -> Void
        var head: HTTPRequestHead?

        init(handler: @escaping @Sendable (Request) -> Reply, record: @escaping (Request) -> Void) {
            self.handler = handler
            self.record = record
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let h): head = h
            case .body: break
            case .end:
                guard let head else { return }
                var headers: [String: String] = [:]
                for (name, value) in head.headers { headers[name.lowercased()] = value }
                let request = Request(method: head.method.rawValue, uri: head.uri, headers: headers)
                record(request)
                respond(context, handler(request), keepAlive: head.isKeepAlive)
            }
        }

        func respond(_ context: ChannelHandlerContext, _ reply: Reply, keepAlive: Bool) {
            func write(status: Int, headers: [(String, String)], length: Int?) {
                var fields = HTTPHeaders(headers)
                if let length, !fields.contains(name: "Content-Length") { fields.add(name: "Content-Length", value: String(length)) }
                let head = HTTPResponseHead(version: .http1_1, status: HTTPResponseStatus(statusCode: status), headers: fields)
                context.write(wrapOutboundOut(.head(head)), promise: nil)
            }
            func body(_ bytes: [UInt8]) {
                guard !bytes.isEmpty else { return }
                var buffer = context.channel.allocator.buffer(capacity: bytes.count)
                buffer.writeBytes(bytes)
                context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
            }
            switch reply {
            case .respond(let status, let headers, let bytes):
                write(status: status, headers: headers, length: bytes.count)
                body(bytes)
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            case .stall(let status, let headers, let first):
                write(status: status, headers: headers, length: first.count + 1_000_000)
                body(first)
                context.flush()
            case .trickle(let status, let every):
                write(status: status, headers: [], length: nil)
                body(Array("%PDF-".utf8))
                context.flush()
                let channel = context.channel
                channel.eventLoop.scheduleRepeatedTask(initialDelay: every, delay: every) { task in
                    guard channel.isActive else { task.cancel(); return }
                    var buffer = channel.allocator.buffer(capacity: 1)
                    buffer.writeInteger(UInt8(0x20))
                    channel.writeAndFlush(HTTPServerResponsePart.body(.byteBuffer(buffer)), promise: nil)
                }
            case .cut(let status, let headers, let declared, let sent):
                write(status: status, headers: headers, length: declared)
                body(sent)
                context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(capacity: 0))))).whenComplete { _ in
                    context.close(promise: nil)
                }
            }
        }
    }
}

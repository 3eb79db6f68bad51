import Foundation
import Logging
import MCP

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// MCP's stdio transport as its specification describes it: one JSON-RPC
/// message per line, read from standard input and written to standard
/// output. A thread of its own blocks in `read(2)`, so a request is handed
/// on the moment its line is complete (the SDK's `StdioTransport` polls a
/// non-blocking descriptor every 10 ms) and an idle session costs nothing.
/// End of input ends the session.
actor LineTransport: Transport {
    nonisolated let logger: Logger
    private let input: Int32
    private let output: Int32
    private let stream: AsyncThrowingStream<Data, Swift.Error>
    private let continuation: AsyncThrowingStream<Data, Swift.Error>.Continuation
    private var reader: Thread?

    /// A transport over `input` and `output` (standard input and output unless told).
    init(input: Int32 = STDIN_FILENO, output: Int32 = STDOUT_FILENO, logger: Logger? = nil) {
        self.input = input
        self.output = output
        self.logger = logger ?? Logger(label: "dossier.mcp.transport", factory: { _ in SwiftLogNoOpLogHandler() })
        (stream, continuation) = AsyncThrowingStream.makeStream()
    }

    func connect() async throws {
        guard reader == nil else { return }
        let (input, continuation) = (self.input, self.continuation)
        let thread = Thread {
            var pending: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 64 * 1024)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else { break }
                pending.append(contentsOf: buffer[..<count])
                var start = 0
                while let newline = pending[start...].firstIndex(of: UInt8(ascii: "\n")) {
                    var line = pending[start..<newline]
                    if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
                    if !line.isEmpty { continuation.yield(Data(line)) }
                    start = newline + 1
                }
                pending.removeFirst(start)
            }
            continuation.finish()
        }
        thread.name = "dossier-mcp-stdin"
        reader = thread
        thread.start()
    }

    func disconnect() async {
        continuation.finish()
    }

    func send(_ data: Data) async throws {
        var message = data
        message.append(UInt8(ascii: "\n"))
        try message.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = write(output, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw MCPError.transportError(POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO))
                }
                offset += written
            }
        }
    }

    nonisolated func receive() -> AsyncThrowingStream<Data, Swift.Error> { stream }
}

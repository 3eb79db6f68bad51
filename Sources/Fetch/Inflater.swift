import CZlib
import Foundation

/// Decompresses a gzip or deflate body as it arrives, bounded in memory as
/// in bytes: each piece of input is inflated into one fixed buffer of
/// ``chunk`` bytes, handed on before the next is made, so a body that
/// inflates a thousandfold (a gzip bomb) never holds more than a buffer
/// of its output; and the caller stops it at the size cap, before the
/// rest is inflated.
final class Inflater {
    /// The most output bytes handed on at once.
    static let chunk = 64 * 1024

    private var stream = z_stream()
    private var output = [UInt8](repeating: 0, count: chunk)
    private let deflate: Bool
    /// Whether the stream has produced anything (a `deflate` body that is
    /// raw rather than zlib-wrapped is told by its first bytes).
    private var started = false
    private var finished = false

    /// An inflater for a body of `Content-Encoding` `encoding`, or nil when
    /// the body is not compressed (or in an encoding this does not read).
    init?(encoding: String?) throws {
        switch encoding?.lowercased().trimmingCharacters(in: .whitespaces) {
        case "gzip"?, "x-gzip"?: deflate = false
        case "deflate"?: deflate = true
        default: return nil
        }
        guard dossier_inflate_init(&stream) == Z_OK else { throw InflateError(reason: "cannot start zlib") }
    }

    deinit {
        inflateEnd(&stream)
    }

    /// Inflates `input`, handing each piece of output to `write` as it is
    /// made; `write` throws to stop (past the cap).
    func inflate(_ input: UnsafeRawBufferPointer, _ write: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard let base = input.baseAddress, !input.isEmpty else { return }
        var offset = 0
        while offset < input.count {
            if finished {
                // Another gzip member after the first, as gunzip reads them; anything else after the end is ignored.
                guard !deflate, input[offset] == 0x1F else { return }
                guard inflateReset(&stream) == Z_OK else { throw InflateError(reason: "cannot reset zlib") }
                finished = false
            }
            stream.next_in = UnsafeMutablePointer(mutating: base.assumingMemoryBound(to: Bytef.self) + offset)
            stream.avail_in = uInt(input.count - offset)
            var status: Int32 = Z_OK
            repeat {
                let made = try output.withUnsafeMutableBytes { buffer -> Int in
                    stream.next_out = buffer.baseAddress!.assumingMemoryBound(to: Bytef.self)
                    stream.avail_out = uInt(buffer.count)
                    status = CZlib.inflate(&stream, Z_NO_FLUSH)
                    return buffer.count - Int(stream.avail_out)
                }
                if status == Z_DATA_ERROR, deflate, !started {
                    // Raw deflate under `Content-Encoding: deflate`: start again without the zlib header.
                    inflateEnd(&stream)
                    guard dossier_inflate_init_raw(&stream) == Z_OK else { throw InflateError(reason: "cannot start zlib") }
                    started = true
                    stream.next_in = UnsafeMutablePointer(mutating: base.assumingMemoryBound(to: Bytef.self) + offset)
                    stream.avail_in = uInt(input.count - offset)
                    status = Z_OK
                    continue
                }
                guard status == Z_OK || status == Z_STREAM_END || status == Z_BUF_ERROR else {
                    throw InflateError(reason: "the compressed body is corrupt (zlib error \(status))")
                }
                if made > 0 {
                    started = true
                    try output.withUnsafeBytes { try write(UnsafeRawBufferPointer(rebasing: $0[..<made])) }
                }
                if status == Z_STREAM_END { break }
            } while stream.avail_out == 0 || (stream.avail_in > 0 && status == Z_OK)
            offset = input.count - Int(stream.avail_in)
            if status == Z_STREAM_END {
                finished = true
            } else {
                break
            }
        }
    }
}

/// A compressed body that cannot be inflated.
struct InflateError: Error, CustomStringConvertible {
    var reason: String
    var description: String { reason }
}

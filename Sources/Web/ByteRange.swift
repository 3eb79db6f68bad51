import Foundation

/// What a `Range` header asks of a file, read as RFC 9110 §14 says.
///
/// - No header, a unit other than `bytes`, a header that does not parse, or
///   several ranges: the whole file (200). A server may ignore a Range
///   header; one it cannot read it must ignore rather than fail.
/// - `bytes=a-b`, `bytes=a-` (to the end), `bytes=-n` (the last n bytes):
///   that part (206), its end clamped to the file's.
/// - A range that parses but holds none of the file (`bytes=500-` of a
///   100-byte file, `bytes=-0`): 416, with `Content-Range: bytes */LEN`.
/// - With `If-Range` naming another version than the file's ETag: the whole file.
enum ByteRange: Equatable {
    /// The whole file.
    case whole
    /// Bytes `lower...upper` of the file.
    case part(ClosedRange<Int>)
    /// Nothing the file holds.
    case unsatisfiable

    /// The answer to `header` for a file of `size` bytes whose ETag is `etag`.
    static func evaluate(_ header: String?, ifRange: String? = nil, etag: String? = nil, size: Int) -> ByteRange {
        guard let header else { return .whole }
        if let ifRange, ifRange != etag { return .whole }
        let trimmed = header.trimmingCharacters(in: .whitespaces)
        guard let equals = trimmed.firstIndex(of: "="),
              trimmed[..<equals].trimmingCharacters(in: .whitespaces).lowercased() == "bytes" else { return .whole }
        let specs = trimmed[trimmed.index(after: equals)...].split(separator: ",", omittingEmptySubsequences: false)
        guard specs.count == 1 else { return .whole }
        let parts = specs[0].split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2 else { return .whole }
        func number(_ text: String) -> Int? {
            guard !text.isEmpty, text.utf8.count <= 18, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
            return Int(text)
        }
        if parts[0].isEmpty {
            guard let suffix = number(parts[1]) else { return .whole }
            guard suffix > 0, size > 0 else { return .unsatisfiable }
            return .part(max(0, size - suffix)...(size - 1))
        }
        guard let first = number(parts[0]) else { return .whole }
        var last = size - 1
        if !parts[1].isEmpty {
            guard let end = number(parts[1]), end >= first else { return .whole }
            last = min(end, size - 1)
        }
        guard first < size else { return .unsatisfiable }
        return .part(first...last)
    }
}

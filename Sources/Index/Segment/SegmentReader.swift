import DossierCore
import Foundation

/// A segment opened for reading: the file is memory-mapped, and terms are
/// found by binary search over the term index without copying the file.
public final class SegmentReader: @unchecked Sendable {
    /// The segment's name (its file name without `.seg`).
    public let name: String
    let data: Data
    /// Passages in the segment.
    public let count: Int
    /// Tokens in the segment's passages.
    public let tokenCount: UInt64
    let termCount: Int
    let passagesOffset: Int
    let termIndexOffset: Int
    let dictionaryOffset: Int
    let postingsOffset: Int

    /// Opens `url`.
    public init(url: URL) throws {
        name = url.deletingPathExtension().lastPathComponent
        let data: Data
        do {
            data = try Data(contentsOf: url, options: .alwaysMapped)
        } catch {
            throw DossierError.io(path: url.path, reason: "cannot open segment (\(Workspace.reason(error)))")
        }
        guard data.count >= SegmentFormat.headerSize, data.prefix(8).elementsEqual(SegmentFormat.magic) else {
            throw DossierError.io(path: url.path, reason: "not a Dossier segment (bad header)")
        }
        func u64(_ at: Int) -> Int { Int(data.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: at, as: UInt64.self).littleEndian }) }
        self.data = data
        count = u64(8)
        tokenCount = UInt64(u64(16))
        termCount = u64(24)
        passagesOffset = u64(32)
        termIndexOffset = u64(40)
        dictionaryOffset = u64(48)
        postingsOffset = u64(56)
        guard passagesOffset + count * 12 <= termIndexOffset, termIndexOffset + termCount * 8 <= dictionaryOffset,
              dictionaryOffset <= postingsOffset, postingsOffset <= data.count else {
            throw DossierError.io(path: url.path, reason: "segment is truncated or corrupt")
        }
    }

    /// The global id of local passage `local`.
    public func passageID(_ local: Int) -> Int64 {
        data.withUnsafeBytes { Int64(bitPattern: $0.loadUnaligned(fromByteOffset: passagesOffset + local * 8, as: UInt64.self).littleEndian) }
    }

    /// The length in tokens of local passage `local`.
    public func length(_ local: Int) -> Int {
        data.withUnsafeBytes { Int($0.loadUnaligned(fromByteOffset: passagesOffset + count * 8 + local * 4, as: UInt32.self).littleEndian) }
    }

    /// All passage ids, ascending.
    public var passageIDs: [Int64] { (0..<count).map(passageID) }

    /// A term's dictionary entry.
    public struct TermEntry {
        /// The term's bytes.
        public var term: [UInt8]
        /// Passages holding it.
        public var documentFrequency: Int
        /// Where its postings start in the file.
        var postings: Int
    }

    func entry(_ index: Int) -> TermEntry {
        data.withUnsafeBytes { raw in
            var p = dictionaryOffset + Int(raw.loadUnaligned(fromByteOffset: termIndexOffset + index * 8, as: UInt64.self).littleEndian)
            let length = Int(readVarint(raw, &p))
            let term = Array(raw[p..<(p + length)])
            p += length
            let df = Int(readVarint(raw, &p))
            let offset = Int(readVarint(raw, &p))
            return TermEntry(term: term, documentFrequency: df, postings: postingsOffset + offset)
        }
    }

    /// Index of the first term not less than `key`.
    func lowerBound(_ key: [UInt8]) -> Int {
        var lo = 0, hi = termCount
        while lo < hi {
            let mid = (lo + hi) / 2
            if entry(mid).term.lexicographicallyPrecedes(key) { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// The entry of `term`, if the segment has it.
    public func lookup(_ term: [UInt8]) -> TermEntry? {
        let i = lowerBound(term)
        guard i < termCount else { return nil }
        let e = entry(i)
        return e.term == term ? e : nil
    }

    /// Entries of every term that starts with `prefix`.
    public func lookup(prefix: [UInt8]) -> [TermEntry] {
        var i = lowerBound(prefix)
        var out: [TermEntry] = []
        while i < termCount {
            let e = entry(i)
            guard e.term.starts(with: prefix) else { break }
            out.append(e)
            i += 1
        }
        return out
    }

    /// Every term with its entry, in byte order (for merging and vocabulary).
    public func terms() -> [TermEntry] { (0..<termCount).map(entry) }

    /// Calls `body` with each posting of `entry`: local passage number and positions.
    /// Calls `body` with each posting's local passage number and term
    /// frequency, skipping over the positions without decoding them into arrays.
    public func forEachFrequency(_ entry: TermEntry, _ body: (Int, Int) -> Void) {
        data.withUnsafeBytes { raw in
            var p = entry.postings
            var local = -1
            for _ in 0..<entry.documentFrequency {
                local += Int(readVarint(raw, &p))
                let f = Int(readVarint(raw, &p))
                for _ in 0..<f {
                    while raw[p] & 0x80 != 0 { p += 1 }
                    p += 1
                }
                body(local, f)
            }
        }
    }

    public func forEachPosting(_ entry: TermEntry, _ body: (Int, [UInt32]) -> Void) {
        data.withUnsafeBytes { raw in
            var p = entry.postings
            var local = -1
            var positions: [UInt32] = []
            for _ in 0..<entry.documentFrequency {
                local += Int(readVarint(raw, &p))
                let f = Int(readVarint(raw, &p))
                positions.removeAll(keepingCapacity: true)
                var last: UInt32 = 0
                for _ in 0..<f {
                    last += UInt32(readVarint(raw, &p))
                    positions.append(last)
                }
                body(local, positions)
            }
        }
    }
}

@inline(__always)
func readVarint(_ raw: UnsafeRawBufferPointer, _ p: inout Int) -> UInt64 {
    var value: UInt64 = 0
    var shift: UInt64 = 0
    while true {
        let b = raw[p]
        p += 1
        value |= UInt64(b & 0x7F) << shift
        if b < 0x80 { return value }
        shift += 7
    }
}

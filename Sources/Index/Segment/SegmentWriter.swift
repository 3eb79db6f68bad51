import Analysis
import DossierCore
import Foundation

/// Builds one segment in memory from passages, then writes it (see
/// ``SegmentFormat`` for the layout).
public struct SegmentWriter {
    struct Posting {
        var local: UInt32
        var positions: [UInt32]
    }

    var ids: [Int64] = []
    var lengths: [UInt32] = []
    var postings: [String: [Posting]] = [:]
    var tokens: UInt64 = 0
    let analyzer = Analyzer()

    /// An empty segment.
    public init() {}

    /// Number of passages added.
    public var count: Int { ids.count }

    /// Adds a passage; ids must be added in ascending order.
    public mutating func add(id: Int64, text: String) {
        precondition(ids.last.map { $0 < id } ?? true, "passage ids must ascend")
        let local = UInt32(ids.count)
        var length: UInt32 = 0
        var terms: [String: [UInt32]] = [:]
        analyzer.tokenize(text) { term, position, _ in
            terms[String(decoding: term, as: UTF8.self), default: []].append(UInt32(position))
            length += 1
        }
        for (term, positions) in terms { postings[term, default: []].append(Posting(local: local, positions: positions)) }
        ids.append(id)
        lengths.append(length)
        tokens += UInt64(length)
    }

    /// Adds a passage already analyzed (used when merging segments).
    mutating func add(id: Int64, length: UInt32, terms: [(String, [UInt32])]) {
        let local = UInt32(ids.count)
        for (term, positions) in terms { postings[term, default: []].append(Posting(local: local, positions: positions)) }
        ids.append(id)
        lengths.append(length)
        tokens += UInt64(length)
    }

    /// The segment's bytes.
    public func serialize() -> [UInt8] {
        let terms = postings.keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        var postingBytes: [UInt8] = []
        var dictionary: [UInt8] = []
        var termIndex: [UInt64] = []
        for term in terms {
            let list = postings[term]!
            termIndex.append(UInt64(dictionary.count))
            let bytes = Array(term.utf8)
            appendVarint(UInt64(bytes.count), to: &dictionary)
            dictionary.append(contentsOf: bytes)
            appendVarint(UInt64(list.count), to: &dictionary)
            appendVarint(UInt64(postingBytes.count), to: &dictionary)
            var previous: Int64 = -1
            for posting in list {
                appendVarint(UInt64(Int64(posting.local) - previous), to: &postingBytes)
                previous = Int64(posting.local)
                appendVarint(UInt64(posting.positions.count), to: &postingBytes)
                var last: UInt32 = 0
                for p in posting.positions {
                    appendVarint(UInt64(p - last), to: &postingBytes)
                    last = p
                }
            }
        }
        var out: [UInt8] = []
        let passagesOffset = UInt64(SegmentFormat.headerSize)
        let termIndexOffset = passagesOffset + UInt64(ids.count) * 12
        let dictionaryOffset = termIndexOffset + UInt64(terms.count) * 8
        let postingsOffset = dictionaryOffset + UInt64(dictionary.count)
        out.reserveCapacity(Int(postingsOffset) + postingBytes.count)
        out.append(contentsOf: SegmentFormat.magic)
        for value in [UInt64(ids.count), tokens, UInt64(terms.count), passagesOffset, termIndexOffset, dictionaryOffset, postingsOffset] {
            appendUInt64(value, to: &out)
        }
        for id in ids { appendUInt64(UInt64(bitPattern: id), to: &out) }
        for length in lengths { appendUInt32(length, to: &out) }
        for offset in termIndex { appendUInt64(offset, to: &out) }
        out.append(contentsOf: dictionary)
        out.append(contentsOf: postingBytes)
        return out
    }

    /// Writes the segment to `url` atomically (temporary file, fsync, rename).
    public func write(to url: URL) throws {
        try AtomicFile.write(Data(serialize()), to: url)
    }
}

import Analysis
import DossierCore
import Foundation

/// Builds one segment in memory from passages, then writes it (see
/// ``SegmentFormat`` for the layout).
///
/// Terms are interned in a ``TermTable`` (an arena of bytes and an
/// open-addressing hash, no string per token); each passage's tokens become
/// (term, position) pairs, sorted, and each term's run is appended at once to
/// that term's postings, already varint-encoded as the file wants them.
public struct SegmentWriter {
    var ids: [Int64] = []
    var lengths: [UInt32] = []
    var terms = TermTable()
    /// Per term id: encoded postings, document frequency, last local number.
    var postings: [[UInt8]] = []
    var documentFrequency: [UInt32] = []
    var lastLocal: [Int64] = []
    var tokens: UInt64 = 0
    var pairs: [UInt64] = []
    let analyzer = Analyzer()

    /// An empty segment.
    public init() {}

    /// Number of passages added.
    public var count: Int { ids.count }

    mutating func termID(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        let id = Int(terms.id(of: bytes))
        if id == postings.count {
            postings.append([])
            documentFrequency.append(0)
            lastLocal.append(-1)
        }
        return id
    }

    /// Adds a passage; ids must be added in ascending order.
    public mutating func add(id: Int64, text: String) {
        precondition(ids.last.map { $0 < id } ?? true, "passage ids must ascend")
        pairs.removeAll(keepingCapacity: true)
        var length: UInt32 = 0
        analyzer.tokenize(text) { term, position, _ in
            let t = termID(term)
            pairs.append(UInt64(t) << 32 | UInt64(position))
            length += 1
        }
        pairs.sort()
        appendPassage(id: id, length: length)
    }

    /// Adds a passage already analyzed (used when merging segments).
    mutating func add(id: Int64, length: UInt32, terms list: [(String, [UInt32])]) {
        pairs.removeAll(keepingCapacity: true)
        for (term, positions) in list {
            var copy = term
            let t = copy.withUTF8 { termID($0) }
            for p in positions { pairs.append(UInt64(t) << 32 | UInt64(p)) }
        }
        pairs.sort()
        appendPassage(id: id, length: length)
    }

    /// Appends the sorted (term, position) pairs of the next passage.
    mutating func appendPassage(id: Int64, length: UInt32) {
        let local = Int64(ids.count)
        var i = 0
        while i < pairs.count {
            let term = Int(pairs[i] >> 32)
            var j = i
            while j < pairs.count, Int(pairs[j] >> 32) == term { j += 1 }
            appendVarint(UInt64(local - lastLocal[term]), to: &postings[term])
            lastLocal[term] = local
            documentFrequency[term] += 1
            appendVarint(UInt64(j - i), to: &postings[term])
            var last: UInt64 = 0
            for k in i..<j {
                let p = pairs[k] & 0xFFFF_FFFF
                appendVarint(p - last, to: &postings[term])
                last = p
            }
            i = j
        }
        ids.append(id)
        lengths.append(length)
        tokens += UInt64(length)
    }

    /// The segment's bytes.
    public func serialize() -> [UInt8] {
        let order = terms.sortedIDs()
        var dictionary: [UInt8] = []
        var termIndex: [UInt64] = []
        termIndex.reserveCapacity(order.count)
        var postingsOffset: UInt64 = 0
        for id in order {
            termIndex.append(UInt64(dictionary.count))
            let range = terms.range(id)
            appendVarint(UInt64(range.count), to: &dictionary)
            dictionary.append(contentsOf: terms.arena[range])
            appendVarint(UInt64(documentFrequency[Int(id)]), to: &dictionary)
            appendVarint(postingsOffset, to: &dictionary)
            postingsOffset += UInt64(postings[Int(id)].count)
        }
        var out: [UInt8] = []
        let passagesStart = UInt64(SegmentFormat.headerSize)
        let termIndexStart = passagesStart + UInt64(ids.count) * 12
        let dictionaryStart = termIndexStart + UInt64(order.count) * 8
        let postingsStart = dictionaryStart + UInt64(dictionary.count)
        out.reserveCapacity(Int(postingsStart + postingsOffset))
        out.append(contentsOf: SegmentFormat.magic)
        for value in [UInt64(ids.count), tokens, UInt64(order.count), passagesStart, termIndexStart, dictionaryStart, postingsStart] {
            appendUInt64(value, to: &out)
        }
        for id in ids { appendUInt64(UInt64(bitPattern: id), to: &out) }
        for length in lengths { appendUInt32(length, to: &out) }
        for offset in termIndex { appendUInt64(offset, to: &out) }
        out.append(contentsOf: dictionary)
        for id in order { out.append(contentsOf: postings[Int(id)]) }
        return out
    }

    /// Writes the segment to `url` atomically (temporary file, fsync, rename).
    public func write(to url: URL) throws {
        try AtomicFile.write(Data(serialize()), to: url)
    }
}

/// Interned terms: their bytes in one arena, found by an open-addressing hash.
struct TermTable {
    var arena: [UInt8] = []
    var starts: [Int32] = []
    var lengths: [Int32] = []
    var slots = [Int32](repeating: -1, count: 1 << 12)

    var count: Int { starts.count }

    func range(_ id: Int32) -> Range<Int> {
        Int(starts[Int(id)])..<Int(starts[Int(id)] + lengths[Int(id)])
    }

    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return h
    }

    /// The id of `bytes`, interning them if new.
    mutating func id(of bytes: UnsafeBufferPointer<UInt8>) -> Int32 {
        if count * 2 >= slots.count { grow() }
        let mask = slots.count - 1
        var slot = Int(Self.hash(bytes) & UInt64(mask))
        while true {
            let id = slots[slot]
            if id < 0 {
                let new = Int32(count)
                starts.append(Int32(arena.count))
                lengths.append(Int32(bytes.count))
                arena.append(contentsOf: bytes)
                slots[slot] = new
                return new
            }
            if Int(lengths[Int(id)]) == bytes.count {
                let start = Int(starts[Int(id)])
                var same = true
                for k in 0..<bytes.count where arena[start + k] != bytes[k] { same = false; break }
                if same { return id }
            }
            slot = (slot + 1) & mask
        }
    }

    mutating func grow() {
        var bigger = [Int32](repeating: -1, count: slots.count * 2)
        let mask = bigger.count - 1
        arena.withUnsafeBufferPointer { a in
            for id in 0..<count {
                let bytes = UnsafeBufferPointer(rebasing: a[Int(starts[id])..<Int(starts[id] + lengths[id])])
                var slot = Int(Self.hash(bytes) & UInt64(mask))
                while bigger[slot] >= 0 { slot = (slot + 1) & mask }
                bigger[slot] = Int32(id)
            }
        }
        slots = bigger
    }

    /// Term ids in byte order of their terms.
    func sortedIDs() -> [Int32] {
        arena.withUnsafeBufferPointer { a in
            (0..<Int32(count)).sorted { x, y in
                let rx = range(x), ry = range(y)
                let nx = rx.count, ny = ry.count
                let n = min(nx, ny)
                for k in 0..<n where a[rx.lowerBound + k] != a[ry.lowerBound + k] {
                    return a[rx.lowerBound + k] < a[ry.lowerBound + k]
                }
                return nx < ny
            }
        }
    }
}

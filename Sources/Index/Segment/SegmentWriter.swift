import Analysis
import DossierCore
import Foundation

/// Builds one segment in memory from passages, then writes it (see
/// ``SegmentFormat`` for the layout).
///
/// Terms are interned in a ``TermTable`` (an arena of bytes and an
/// open-addressing hash, no string per token). Each token appends to its
/// term's postings as it comes: a new posting when the passage is new to the
/// term, else one more to the frequency; positions arrive in order. Nothing
/// is sorted until the terms are, once, when the segment is serialized.
///
/// Several writers filled in parallel over consecutive ranges of passage ids
/// serialize into one segment (``write(_:to:)``): their terms are merged in
/// byte order and their local numbers shifted, without analyzing again.
public struct SegmentWriter: Sendable {
    var ids: [Int64] = []
    var lengths: [UInt32] = []
    var terms = TermTable()
    /// Per term id: local numbers, term frequencies, positions.
    var docs: [[UInt32]] = []
    var tfs: [[UInt32]] = []
    var positions: [[UInt32]] = []
    var tokens: UInt64 = 0
    let analyzer = Analyzer()

    /// An empty segment.
    public init() {}

    /// Number of passages added.
    public var count: Int { ids.count }
    /// Tokens added.
    public var tokenCount: UInt64 { tokens }

    @inline(__always)
    mutating func termID(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        let id = Int(terms.id(of: bytes))
        if id == docs.count {
            docs.append([])
            tfs.append([])
            positions.append([])
        }
        return id
    }

    @inline(__always)
    mutating func addToken(_ t: Int, local: UInt32, position: UInt32) {
        if docs[t].last == local {
            tfs[t][tfs[t].count - 1] += 1
        } else {
            docs[t].append(local)
            tfs[t].append(1)
        }
        positions[t].append(position)
    }

    /// Adds a passage; ids must be added in ascending order.
    public mutating func add(id: Int64, text: String) {
        precondition(ids.last.map { $0 < id } ?? true, "passage ids must ascend")
        let local = UInt32(ids.count)
        var length: UInt32 = 0
        analyzer.tokenize(text) { term, position, _ in
            let t = termID(term)
            addToken(t, local: local, position: UInt32(position))
            length += 1
        }
        ids.append(id)
        lengths.append(length)
        tokens += UInt64(length)
    }

    /// Adds a passage already analyzed (used when merging segments): its
    /// terms, each with its ascending positions.
    mutating func add(id: Int64, length: UInt32, terms list: [([UInt8], [UInt32])]) {
        precondition(ids.last.map { $0 < id } ?? true, "passage ids must ascend")
        let local = UInt32(ids.count)
        for (term, termPositions) in list {
            let t = term.withUnsafeBufferPointer { termID($0) }
            for p in termPositions { addToken(t, local: local, position: p) }
        }
        ids.append(id)
        lengths.append(length)
        tokens += UInt64(length)
    }

    /// The live passages of a segment, read back for merging: deleted
    /// passages are dropped and the others numbered again from 0.
    init(reading reader: SegmentReader, deleted: Deletions) {
        var renumbered = [Int32](repeating: -1, count: reader.count)
        for local in 0..<reader.count where !deleted.contains(local) {
            renumbered[local] = Int32(ids.count)
            ids.append(reader.passageID(local))
            let length = UInt32(reader.length(local))
            lengths.append(length)
            tokens += UInt64(length)
        }
        var termPositions: [UInt32] = []
        reader.forEachTerm { term, entry in
            let cursor = reader.cursor(entry)
            var t = -1
            while cursor.doc != PostingCursor.end {
                let local = renumbered[cursor.doc]
                if local >= 0 {
                    if t < 0 { t = termID(term) }
                    cursor.positions(into: &termPositions)
                    docs[t].append(UInt32(local))
                    tfs[t].append(UInt32(cursor.tf))
                    positions[t].append(contentsOf: termPositions)
                }
                cursor.next()
            }
        }
    }

    /// One writer holding the passages of `writers` in ascending id order,
    /// whatever their ranges (passage by passage; used only if ids interleave).
    init(resorting writers: [SegmentWriter]) {
        var passages: [(id: Int64, length: UInt32, terms: [([UInt8], [UInt32])])] = []
        for w in writers {
            let first = passages.count
            for (id, length) in zip(w.ids, w.lengths) { passages.append((id, length, [])) }
            for t in 0..<w.docs.count {
                let term = Array(w.terms.arena[w.terms.range(Int32(t))])
                var p = 0
                for (d, f) in zip(w.docs[t], w.tfs[t]) {
                    passages[first + Int(d)].terms.append((term, Array(w.positions[t][p..<(p + Int(f))])))
                    p += Int(f)
                }
            }
        }
        passages.sort { $0.id < $1.id }
        for passage in passages { add(id: passage.id, length: passage.length, terms: passage.terms) }
    }

    /// The segment's bytes.
    public func serialize() -> [UInt8] { Self.serialize([self]) }

    /// One segment holding the passages of `writers`, whose id ranges must
    /// ascend from one writer to the next.
    static func serialize(_ writers: [SegmentWriter]) -> [UInt8] {
        let writers = writers.filter { $0.count > 0 }
        var serializer = SegmentSerializer(lengths: writers.flatMap(\.lengths))
        let orders = writers.map { $0.terms.sortedIDs() }
        var shift: [UInt32] = []
        var total: UInt32 = 0
        for w in writers {
            shift.append(total)
            total += UInt32(w.count)
        }
        var next = [Int](repeating: 0, count: writers.count)
        var mergedDocs: [UInt32] = [], mergedTFs: [UInt32] = [], mergedPositions: [UInt32] = []
        while true {
            // The smallest term among the writers' next ones.
            var smallest: Int?
            for w in writers.indices where next[w] < orders[w].count {
                if let s = smallest {
                    if writers[w].terms.precedes(orders[w][next[w]], writers[s].terms, orders[s][next[s]]) { smallest = w }
                } else {
                    smallest = w
                }
            }
            guard let s = smallest else { break }
            let id = Int(orders[s][next[s]])
            var holders: [(writer: Int, id: Int)] = []
            for w in writers.indices where next[w] < orders[w].count {
                let other = Int(orders[w][next[w]])
                if w == s || writers[w].terms.equal(Int32(other), writers[s].terms, Int32(id)) {
                    holders.append((w, other))
                    next[w] += 1
                }
            }
            let term = writers[s].terms
            term.arena.withUnsafeBufferPointer { arena in
                let bytes = UnsafeBufferPointer(rebasing: arena[term.range(Int32(id))])
                if holders.count == 1, shift[s] == 0 {
                    let w = writers[s]
                    w.docs[id].withUnsafeBufferPointer { d in
                        w.tfs[id].withUnsafeBufferPointer { f in
                            w.positions[id].withUnsafeBufferPointer { p in
                                serializer.add(term: bytes, docs: d, tfs: f, positions: p)
                            }
                        }
                    }
                } else {
                    mergedDocs.removeAll(keepingCapacity: true)
                    mergedTFs.removeAll(keepingCapacity: true)
                    mergedPositions.removeAll(keepingCapacity: true)
                    for (w, t) in holders {
                        for d in writers[w].docs[t] { mergedDocs.append(d + shift[w]) }
                        mergedTFs.append(contentsOf: writers[w].tfs[t])
                        mergedPositions.append(contentsOf: writers[w].positions[t])
                    }
                    mergedDocs.withUnsafeBufferPointer { d in
                        mergedTFs.withUnsafeBufferPointer { f in
                            mergedPositions.withUnsafeBufferPointer { p in
                                serializer.add(term: bytes, docs: d, tfs: f, positions: p)
                            }
                        }
                    }
                }
            }
        }
        return serializer.finish(ids: writers.flatMap(\.ids), tokens: writers.reduce(0) { $0 + $1.tokens })
    }

    /// Writes the segment to `url` atomically (temporary file, fsync, rename).
    public func write(to url: URL) throws {
        try AtomicFile.write(Data(serialize()), to: url)
    }

    /// Writes one segment holding the passages of `writers` (ascending id ranges).
    static func write(_ writers: [SegmentWriter], to url: URL) throws {
        try AtomicFile.write(Data(serialize(writers)), to: url)
    }
}

/// Interned terms: their bytes in one arena, found by an open-addressing hash.
struct TermTable: Sendable {
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

    /// Whether term `x` precedes `other`'s term `y` in byte order.
    func precedes(_ x: Int32, _ other: TermTable, _ y: Int32) -> Bool {
        let rx = range(x), ry = other.range(y)
        let n = min(rx.count, ry.count)
        for k in 0..<n where arena[rx.lowerBound + k] != other.arena[ry.lowerBound + k] {
            return arena[rx.lowerBound + k] < other.arena[ry.lowerBound + k]
        }
        return rx.count < ry.count
    }

    /// Whether term `x` is `other`'s term `y`.
    func equal(_ x: Int32, _ other: TermTable, _ y: Int32) -> Bool {
        arena[range(x)].elementsEqual(other.arena[other.range(y)])
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

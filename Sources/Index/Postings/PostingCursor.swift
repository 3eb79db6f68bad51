/// # Reading postings
///
/// A cursor walks one term's postings in a segment (see ``PostingsFormat``)
/// a block at a time: it decodes the block it stands in into two small
/// buffers (local numbers and term frequencies) and never allocates per
/// posting. `seek` skips whole blocks through the skip table, reading only
/// their last local number; `forEachFrontierPoint` gives the figures that
/// bound a block's BM25 contribution, without decoding it. Positions
/// are decoded on request, for the posting the cursor stands on.
///
/// A cursor reads the segment's memory map directly; it keeps its
/// ``SegmentReader`` alive, and so the map.
///
/// A cursor can also walk a list built in memory (``init(reader:docs:tfs:)``):
/// what a prefix or a phrase matches in a segment, with its frequencies, cut
/// into blocks with frontiers as on disk, so that top-k combines phrases,
/// prefixes and terms alike. Such a cursor has no positions.
public final class PostingCursor {
    /// The local number the cursor stands on, or `PostingCursor.end` past the last posting.
    public private(set) var doc: Int = 0
    /// Past the last posting.
    public static let end = Int.max

    let reader: SegmentReader
    let base: UnsafeRawPointer
    /// Postings in the list.
    public let documentFrequency: Int
    let postingsStart: Int
    let positionsStart: Int
    /// Blocks in the list.
    public let blockCount: Int
    /// A list built in memory, if the cursor walks one.
    let memory: MemoryPostings?
    /// The block decoded in the buffers.
    public private(set) var block = -1
    let docs: UnsafeMutablePointer<UInt32>
    let tfs: UnsafeMutablePointer<UInt32>
    /// Where each posting's positions start in the block's group (computed on first use).
    let starts: UnsafeMutablePointer<UInt32>
    var startsBlock = -1
    /// The decoded block's positions, all of them, absolute per posting
    /// (decoded on first use, for phrases).
    var blockPositions: UnsafeMutablePointer<UInt32>
    var blockPositionsCapacity = 0
    var positionsBlock = -1
    var positionReads = 0
    /// Set when most postings' positions will be asked for (a phrase's
    /// rarer word against a word in most passages): a block's positions are
    /// then decoded all at once from the first request.
    public var readsMostPositions = false
    var positionsWidth = 0
    var positionsData = 0
    var blockPositionTotal = 0
    var count = 0
    var index = 0
    /// Where the current block's packed frequencies are, until decoded (−1 once they are).
    var pendingTFs = -1
    var pendingWidth = 0
    // A one-block list's last number, and its bounding corner, computed when first asked for.
    var singleLast = 0
    var singleCorner: (tf: UInt32, length: UInt32) = (0, 0)

    init(reader: SegmentReader, entry: SegmentReader.TermEntry) {
        self.reader = reader
        base = reader.base
        documentFrequency = entry.documentFrequency
        postingsStart = entry.postings
        positionsStart = entry.positions
        blockCount = (entry.documentFrequency + PostingsFormat.blockSize - 1) / PostingsFormat.blockSize
        memory = nil
        (docs, tfs, starts) = Self.buffers()
        blockPositions = docs
        standOnFirst()
        if blockCount == 1 { singleLast = Int(docs[count - 1]) }
    }

    /// A cursor over a list built in memory: ascending local numbers of
    /// `reader`'s passages and a frequency for each.
    public init(reader: SegmentReader, docs list: [UInt32], tfs frequencies: [UInt32]) {
        self.reader = reader
        base = reader.base
        documentFrequency = list.count
        postingsStart = 0
        positionsStart = 0
        let size = PostingsFormat.blockSize
        blockCount = (list.count + size - 1) / size
        var lasts: [Int] = []
        lasts.reserveCapacity(blockCount)
        for b in 0..<blockCount { lasts.append(Int(list[min(list.count, (b + 1) * size) - 1])) }
        memory = MemoryPostings(docs: list, tfs: frequencies, lasts: lasts)
        (docs, tfs, starts) = Self.buffers()
        blockPositions = docs
        standOnFirst()
    }

    /// Stands on the first posting (past the end of an empty list).
    private func standOnFirst() {
        if blockCount == 0 { doc = Self.end } else { load(0) }
    }

    /// The three block buffers (local numbers, frequencies, position
    /// starts), in one allocation; positions get theirs when first decoded.
    static func buffers() -> (UnsafeMutablePointer<UInt32>, UnsafeMutablePointer<UInt32>, UnsafeMutablePointer<UInt32>) {
        let size = PostingsFormat.blockSize
        let all = UnsafeMutablePointer<UInt32>.allocate(capacity: 3 * size)
        return (all, all + size, all + 2 * size)
    }

    deinit {
        docs.deallocate()
        if blockPositionsCapacity > 0 { blockPositions.deallocate() }
    }

    @inline(__always)
    func skip(_ b: Int, _ field: Int) -> Int { Self.skip(base, postings: postingsStart, b, field) }

    /// Field `field` of block `b`'s entry in the skip table of the postings at byte `postings`.
    @inline(__always)
    static func skip(_ base: UnsafeRawPointer, postings: Int, _ b: Int, _ field: Int) -> Int {
        Int(UInt32(littleEndian: base.loadUnaligned(fromByteOffset: postings + b * PostingsFormat.skipEntrySize + field * 4, as: UInt32.self)))
    }

    /// Decodes block `b` of a list of `blocks` blocks whose postings start
    /// at byte `postings` (see ``decodeBlock(_:at:after:count:docs:tfs:)``):
    /// a list of one block has no skip table and starts after −1.
    @inline(__always)
    static func decodeBlock(_ base: UnsafeRawPointer, postings: Int, blocks: Int, _ b: Int, count: Int,
                            docs: UnsafeMutablePointer<UInt32>, tfs: UnsafeMutablePointer<UInt32>) -> (tfsAt: Int, width: Int) {
        decodeBlock(base, at: blocks > 1 ? postings + skip(base, postings: postings, b, 1) : postings,
                    after: b == 0 ? -1 : skip(base, postings: postings, b - 1, 0), count: count, docs: docs, tfs: tfs)
    }

    /// The last local number in block `b`.
    @inline(__always)
    public func blockLast(_ b: Int) -> Int {
        if let memory { return memory.lasts[b] }
        return blockCount == 1 ? singleLast : skip(b, 0)
    }
    /// Calls `body` with each (tf, length) point of block `b`'s frontier
    /// (see ``BlockFrontier``): the largest of `body`'s values over them
    /// bounds every posting of the block, for any function that grows with
    /// tf and shrinks with length.
    @inline(__always)
    public func forEachFrontierPoint(_ b: Int, _ body: (_ tf: Double, _ length: Double) -> Void) {
        if memory != nil || blockCount == 1 {
            if let memory {
                for point in memory.frontier(b, reader) where point.tf > 0 {
                    body(BlockFrontier.boundingTF(point.tf), Double(point.length))
                }
                return
            }
            if singleCorner.tf == 0 {
                // A short list's one block stays in the buffers, even past its
                // end: its corner (largest tf, shortest passage) bounds it,
                // found without building a frontier.
                ensureTFs()
                var tf: UInt32 = 0, length = UInt32.max
                let lengths = reader.lengths
                for i in 0..<count {
                    tf = max(tf, tfs[i])
                    length = min(length, lengths[Int(docs[i])])
                }
                singleCorner = (tf, length)
            }
            body(Double(singleCorner.tf), Double(singleCorner.length))
            return
        }
        let entry = postingsStart + b * PostingsFormat.skipEntrySize + 12
        for j in 0..<BlockFrontier.size {
            let tf = UInt32(UInt16(littleEndian: base.loadUnaligned(fromByteOffset: entry + 4 * j, as: UInt16.self)))
            guard tf > 0 else { break }
            let length = UInt16(littleEndian: base.loadUnaligned(fromByteOffset: entry + 4 * j + 2, as: UInt16.self))
            body(BlockFrontier.boundingTF(tf), Double(length))
        }
    }
    /// The term frequency of the posting the cursor stands on.
    @inline(__always)
    public var tf: Int {
        ensureTFs()
        return Int(tfs[index])
    }
    /// Postings in block `b` (every block but the last holds a full block's worth).
    @inline(__always)
    public func postings(inBlock b: Int) -> Int { min(PostingsFormat.blockSize, documentFrequency - b * PostingsFormat.blockSize) }

    /// The decoded block's local numbers and term frequencies, for a loop
    /// over the whole block (valid until the cursor moves to another block).
    public func blockPostingsView() -> (docs: UnsafeBufferPointer<UInt32>, tfs: UnsafeBufferPointer<UInt32>) {
        ensureTFs()
        return (UnsafeBufferPointer(start: docs, count: count), UnsafeBufferPointer(start: tfs, count: count))
    }

    /// Decodes block `b` and stands on its first posting (blocks may be
    /// loaded in any order; `next` and `seek` carry on from there).
    public func loadBlock(_ b: Int) { load(b) }

    /// Decodes block `b` and stands on its first posting.
    func load(_ b: Int) {
        block = b
        startsBlock = -1
        positionsBlock = -1
        positionReads = 0
        index = 0
        let size = PostingsFormat.blockSize
        if let memory {
            count = min(size, documentFrequency - b * size)
            for i in 0..<count {
                docs[i] = memory.docs[b * size + i]
                tfs[i] = memory.tfs[b * size + i]
            }
            pendingTFs = -1
            doc = Int(docs[0])
            return
        }
        count = min(size, documentFrequency - b * size)
        // Frequencies of a full block are decoded when first asked for: a
        // seek that passes through the block needs only the local numbers.
        (pendingTFs, pendingWidth) = Self.decodeBlock(base, postings: postingsStart, blocks: blockCount, b, count: count, docs: docs, tfs: tfs)
        doc = Int(docs[0])
    }

    /// Decodes the block at byte `p` holding `count` postings, the first
    /// after local number `previous`, into `docs`; a varint-coded block's
    /// frequencies go into `tfs` at once, and for a bit-packed one the place
    /// and width of its packed frequencies are returned instead (−1 when decoded).
    @inline(__always)
    static func decodeBlock(_ base: UnsafeRawPointer, at p: Int, after previous: Int, count: Int,
                            docs: UnsafeMutablePointer<UInt32>, tfs: UnsafeMutablePointer<UInt32>) -> (tfsAt: Int, width: Int) {
        var p = p
        if count >= PostingsFormat.packedMinimum {
            let wd = Int(base.load(fromByteOffset: p, as: UInt8.self))
            let wf = Int(base.load(fromByteOffset: p + 1, as: UInt8.self))
            p += 2
            BitPacking.unpackGaps(base + p, count: count, width: wd, after: previous, into: docs)
            return (p + BitPacking.byteCount(count: count, width: wd), wf)
        }
        var previous = previous
        for i in 0..<count {
            previous += Int(readShortVarint(base, &p))
            docs[i] = UInt32(previous)
            tfs[i] = UInt32(readVarint(base, &p))
        }
        return (-1, 0)
    }

    /// Decodes `count` packed frequencies (stored as tf − 1) at byte `p`.
    @inline(__always)
    static func decodeTFs(_ base: UnsafeRawPointer, at p: Int, width: Int, count: Int, into tfs: UnsafeMutablePointer<UInt32>) {
        BitPacking.unpack(base + p, count: count, width: width, adding: 1, into: tfs)
    }

    /// Decodes the current block's term frequencies if they are not yet.
    @inline(__always)
    func ensureTFs() {
        if pendingTFs >= 0 {
            Self.decodeTFs(base, at: pendingTFs, width: pendingWidth, count: count, into: tfs)
            pendingTFs = -1
        }
    }

    /// Moves to the next posting.
    @inline(__always)
    public func next() {
        index += 1
        if index < count {
            doc = Int(docs[index])
        } else if block + 1 < blockCount {
            load(block + 1)
        } else {
            doc = Self.end
        }
    }

    /// Moves to the first posting at or after `target` (never backwards).
    public func seek(_ target: Int) {
        guard doc < target else { return }
        if blockLast(block) < target {
            var b = block + 1
            while b < blockCount, blockLast(b) < target { b += 1 }
            guard b < blockCount else {
                doc = Self.end
                return
            }
            load(b)
        }
        // Galloping from where the cursor stands: the target is in the block.
        if Int(docs[index]) < target {
            var low = index, step = 1
            while low + step < count, Int(docs[low + step]) < target {
                low += step
                step <<= 1
            }
            var high = min(low + step, count - 1)
            while low + 1 < high {
                let mid = (low + high) >> 1
                if Int(docs[mid]) < target { low = mid } else { high = mid }
            }
            index = high
        }
        doc = Int(docs[index])
    }

    /// Moves to the first posting of the block after the current one.
    public func nextBlock() {
        if block + 1 < blockCount { load(block + 1) } else { doc = Self.end }
    }

    /// How many of the list's passages `deleted` holds; the cursor is left
    /// on its first posting. A one-block list is counted in the buffers it
    /// already holds; a longer one by seeking each deleted passage when they
    /// are few, else by reading its passage numbers.
    public func deletedCount(_ deleted: Deletions) -> Int {
        guard !deleted.isEmpty, blockCount > 0 else { return 0 }
        var n = 0
        if blockCount == 1 {
            for i in 0..<count where deleted.contains(Int(docs[i])) { n += 1 }
            return n
        }
        if deleted.count * 4 < documentFrequency {
            for local in deleted.members {
                seek(local)
                if doc == Self.end { break }
                if doc == local { n += 1 }
            }
        } else {
            while doc != Self.end {
                for i in index..<count where deleted.contains(Int(docs[i])) { n += 1 }
                nextBlock()
            }
        }
        load(0)
        return n
    }

    /// Calls `body` with each local number and term frequency of the current
    /// block from the cursor on, then leaves the cursor past the block.
    @inline(__always)
    public func drainBlock(_ body: (Int, Int) -> Void) {
        ensureTFs()
        for i in index..<count { body(Int(docs[i]), Int(tfs[i])) }
        nextBlock()
    }

    /// Where the posting the cursor stands on is in its block (in
    /// ``blockPostingsView()``).
    @inline(__always)
    public var indexInBlock: Int { index }

    /// The positions of the posting the cursor stands on, ascending: a view
    /// valid until the cursor moves to another block. Postings are decoded
    /// one by one until half the block has been asked for (or from the
    /// start with ``readsMostPositions``); then the whole block at once.
    @inline(__always)
    public func currentPositions() -> UnsafeBufferPointer<UInt32> {
        if positionsBlock != block {
            preparePositions()
            positionReads += 1
            if readsMostPositions || positionReads > count / 2 {
                decodeBlockPositions()
            } else {
                // This posting only, into its place in the block's buffer.
                let first = Int(starts[index]), n = Int(tfs[index])
                let o = blockPositions + first
                BitPacking.unpack(base + positionsData, from: first, count: n, width: positionsWidth, into: o)
                var last: UInt32 = 0
                for k in 0..<n {
                    last &+= o[k]
                    o[k] = last
                }
                return UnsafeBufferPointer(start: o, count: n)
            }
        }
        return UnsafeBufferPointer(start: blockPositions + Int(starts[index]), count: Int(tfs[index]))
    }

    /// Where each posting's positions start in the block, room for them
    /// all, and where the block's packed positions are.
    @inline(__always)
    func preparePositions() {
        guard startsBlock != block else { return }
        ensureTFs()
        var total: UInt32 = 0
        for i in 0..<count {
            starts[i] = total
            total += tfs[i]
        }
        startsBlock = block
        let n = Int(total)
        if n > blockPositionsCapacity {
            if blockPositionsCapacity > 0 { blockPositions.deallocate() }
            blockPositionsCapacity = max(n, 2 * blockPositionsCapacity)
            blockPositions = .allocate(capacity: blockPositionsCapacity)
        }
        let p = blockCount > 1 ? positionsStart + skip(block, 2) : positionsStart
        positionsWidth = Int(base.load(fromByteOffset: p, as: UInt8.self))
        positionsData = p + 1
        blockPositionTotal = n
    }

    func decodeBlockPositions() {
        preparePositions()
        BitPacking.unpack(base + positionsData, count: blockPositionTotal, width: positionsWidth, into: blockPositions)
        var k = 0
        for i in 0..<count {
            var last: UInt32 = 0
            for _ in 0..<Int(tfs[i]) {
                last &+= blockPositions[k]
                blockPositions[k] = last
                k += 1
            }
        }
        positionsBlock = block
    }

    /// The positions of the posting the cursor stands on, ascending, into `out`.
    public func positions(into out: inout [UInt32]) {
        out.removeAll(keepingCapacity: true)
        out.append(contentsOf: currentPositions())
    }
}

/// A postings list built in memory (see ``PostingCursor/init(reader:docs:tfs:)``).
/// A block's frontier is made when a scorer first asks for it: a cursor
/// that is only walked (a page's documents read for their passages) never
/// makes one (making them all for a prefix's thousands of matches per
/// segment, each time a page's documents were read, took a tenth of a
/// prefix's search by document at 251k passages: 1.69 ms, now 1.51).
final class MemoryPostings {
    let docs: [UInt32]
    let tfs: [UInt32]
    let lasts: [Int]
    private var frontiers: [[(tf: UInt32, length: UInt32)]?]

    init(docs: [UInt32], tfs: [UInt32], lasts: [Int]) {
        self.docs = docs
        self.tfs = tfs
        self.lasts = lasts
        frontiers = [[(tf: UInt32, length: UInt32)]?](repeating: nil, count: lasts.count)
    }

    /// Block `b`'s frontier (``BlockFrontier``), passage lengths from `reader`.
    func frontier(_ b: Int, _ reader: SegmentReader) -> [(tf: UInt32, length: UInt32)] {
        if let made = frontiers[b] { return made }
        let size = PostingsFormat.blockSize
        let range = (b * size)..<min(docs.count, (b + 1) * size)
        let made = BlockFrontier.compute(range.map { (tfs[$0], UInt32(reader.length(Int(docs[$0])))) })
        frontiers[b] = made
        return made
    }
}

/// # Reading postings
///
/// A cursor walks one term's postings in a segment (see ``PostingsFormat``)
/// a block at a time: it decodes the block it stands in into two small
/// buffers (local numbers and term frequencies) and never allocates per
/// posting. `seek` skips whole blocks through the skip table, reading only
/// their last local number; `blockMaxTF`/`blockMinLength` give the figures
/// that bound a block's BM25 contribution, without decoding it. Positions
/// are decoded on request, for the posting the cursor stands on.
///
/// A cursor reads the segment's memory map directly; it keeps its
/// ``SegmentReader`` alive, and so the map.
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
    /// The block decoded in the buffers.
    public private(set) var block = -1
    let docs: UnsafeMutablePointer<UInt32>
    let tfs: UnsafeMutablePointer<UInt32>
    /// Where each posting's positions start in the block's group (computed on first use).
    let starts: UnsafeMutablePointer<UInt32>
    var startsBlock = -1
    var count = 0
    var index = 0
    // A one-block list's bounds, computed when it is decoded.
    var singleLast = 0, singleMaxTF = 0, singleMinLength = 0

    init(reader: SegmentReader, entry: SegmentReader.TermEntry) {
        self.reader = reader
        base = reader.base
        documentFrequency = entry.documentFrequency
        postingsStart = entry.postings
        positionsStart = entry.positions
        blockCount = (entry.documentFrequency + PostingsFormat.blockSize - 1) / PostingsFormat.blockSize
        docs = .allocate(capacity: PostingsFormat.blockSize)
        tfs = .allocate(capacity: PostingsFormat.blockSize)
        starts = .allocate(capacity: PostingsFormat.blockSize)
        if blockCount == 0 {
            doc = Self.end
            return
        }
        load(0)
        if blockCount == 1 {
            singleLast = Int(docs[count - 1])
            var maxTF: UInt32 = 0, minLength = Int.max
            for i in 0..<count {
                maxTF = max(maxTF, tfs[i])
                minLength = min(minLength, reader.length(Int(docs[i])))
            }
            singleMaxTF = Int(maxTF)
            singleMinLength = minLength
        }
    }

    deinit {
        docs.deallocate()
        tfs.deallocate()
        starts.deallocate()
    }

    @inline(__always)
    func skip(_ b: Int, _ field: Int) -> Int {
        Int(UInt32(littleEndian: base.loadUnaligned(fromByteOffset: postingsStart + b * PostingsFormat.skipEntrySize + field * 4, as: UInt32.self)))
    }

    /// The last local number in block `b`.
    @inline(__always)
    public func blockLast(_ b: Int) -> Int { blockCount == 1 ? singleLast : skip(b, 0) }
    /// The largest term frequency in block `b`.
    @inline(__always)
    public func blockMaxTF(_ b: Int) -> Int { blockCount == 1 ? singleMaxTF : skip(b, 3) }
    /// The shortest passage in block `b`.
    @inline(__always)
    public func blockMinLength(_ b: Int) -> Int { blockCount == 1 ? singleMinLength : skip(b, 4) }
    /// The term frequency of the posting the cursor stands on.
    @inline(__always)
    public var tf: Int { Int(tfs[index]) }
    /// Postings in the current block.
    public var blockPostings: Int { count }

    /// Postings in block `b`.
    @inline(__always)
    public func blockSize(_ b: Int) -> Int { min(PostingsFormat.blockSize, documentFrequency - b * PostingsFormat.blockSize) }
    /// Local number of posting `j` of the decoded block.
    @inline(__always)
    public func doc(at j: Int) -> Int { Int(docs[j]) }
    /// Term frequency of posting `j` of the decoded block.
    @inline(__always)
    public func tf(at j: Int) -> Int { Int(tfs[j]) }
    /// Where the cursor stands in the decoded block.
    public var position: Int { index }

    /// Decodes block `b` and stands on its first posting (blocks may be
    /// loaded in any order; `next` and `seek` carry on from there).
    public func loadBlock(_ b: Int) { load(b) }

    /// Decodes block `b` and stands on its first posting.
    func load(_ b: Int) {
        block = b
        startsBlock = -1
        index = 0
        let size = PostingsFormat.blockSize
        var p = blockCount > 1 ? postingsStart + skip(b, 1) : postingsStart
        var previous = b == 0 ? -1 : skip(b - 1, 0)
        count = min(size, documentFrequency - b * size)
        if count == size {
            let wd = Int(base.load(fromByteOffset: p, as: UInt8.self))
            let wf = Int(base.load(fromByteOffset: p + 1, as: UInt8.self))
            p += 2
            BitPacking.unpack(base + p, count: size, width: wd, into: docs)
            p += BitPacking.byteCount(count: size, width: wd)
            BitPacking.unpack(base + p, count: size, width: wf, into: tfs)
            for i in 0..<size {
                previous += Int(docs[i]) + 1
                docs[i] = UInt32(previous)
                tfs[i] += 1
            }
        } else {
            for i in 0..<count {
                previous += Int(readVarint(base, &p))
                docs[i] = UInt32(previous)
                tfs[i] = UInt32(readVarint(base, &p))
            }
        }
        doc = Int(docs[0])
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
        while Int(docs[index]) < target { index += 1 }
        doc = Int(docs[index])
    }

    /// Moves to the first posting of the block after the current one.
    public func nextBlock() {
        if block + 1 < blockCount { load(block + 1) } else { doc = Self.end }
    }

    /// Calls `body` with each local number and term frequency of the current
    /// block from the cursor on, then leaves the cursor past the block.
    @inline(__always)
    public func drainBlock(_ body: (Int, Int) -> Void) {
        for i in index..<count { body(Int(docs[i]), Int(tfs[i])) }
        nextBlock()
    }

    /// The positions of the posting the cursor stands on, ascending, into `out`.
    public func positions(into out: inout [UInt32]) {
        var p = blockCount > 1 ? positionsStart + skip(block, 2) : positionsStart
        let width = Int(base.load(fromByteOffset: p, as: UInt8.self))
        p += 1
        if startsBlock != block {
            var sum: UInt32 = 0
            for i in 0..<count {
                starts[i] = sum
                sum += tfs[i]
            }
            startsBlock = block
        }
        let first = Int(starts[index])
        let n = Int(tfs[index])
        out.removeAll(keepingCapacity: true)
        var last: UInt32 = 0
        for k in 0..<n {
            last &+= BitPacking.value(base + p, at: first + k, width: width)
            out.append(last)
        }
    }
}

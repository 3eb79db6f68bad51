/// # Term dictionary
///
/// The dictionary maps each term of a segment to its document frequency and
/// to where its postings and positions start. Terms are stored in byte
/// order, **front-coded in blocks of 16**: each entry keeps only the bytes
/// that differ from the previous term of its block, and the first term of a
/// block is stored whole, so a lookup binary-searches the blocks by their
/// first term and then decodes at most 16 entries.
///
/// ```text
/// block index  per block: u32 offset of the block from the dictionary's start
/// dictionary   per term:
///                varint bytes shared with the previous term of the block (0 for the first),
///                varint length of the rest, the rest (UTF-8),
///                varint document frequency,
///                varint postings offset, varint positions offset
///                  (the block's first term: from the start of the postings /
///                   positions sections; the others: from the previous term's)
/// ```
enum TermDictionaryFormat {
    /// Terms per front-coded block.
    static let blockSize = 16
}

/// Builds the dictionary as terms arrive in byte order.
struct TermDictionaryWriter {
    var bytes: [UInt8] = []
    var blockOffsets: [UInt32] = []
    var count = 0
    var previous: [UInt8] = []
    var previousPostings: UInt64 = 0
    var previousPositions: UInt64 = 0

    mutating func add(_ term: UnsafeBufferPointer<UInt8>, documentFrequency: Int, postings: UInt64, positions: UInt64) {
        if count % TermDictionaryFormat.blockSize == 0 {
            blockOffsets.append(UInt32(bytes.count))
            appendVarint(0, to: &bytes)
            appendVarint(UInt64(term.count), to: &bytes)
            bytes.append(contentsOf: term)
            appendVarint(UInt64(documentFrequency), to: &bytes)
            appendVarint(postings, to: &bytes)
            appendVarint(positions, to: &bytes)
        } else {
            var shared = 0
            let limit = min(previous.count, term.count)
            while shared < limit, previous[shared] == term[shared] { shared += 1 }
            appendVarint(UInt64(shared), to: &bytes)
            appendVarint(UInt64(term.count - shared), to: &bytes)
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: term[shared...]))
            appendVarint(UInt64(documentFrequency), to: &bytes)
            appendVarint(postings - previousPostings, to: &bytes)
            appendVarint(positions - previousPositions, to: &bytes)
        }
        previous.removeAll(keepingCapacity: true)
        previous.append(contentsOf: term)
        previousPostings = postings
        previousPositions = positions
        count += 1
    }
}

/// Reads a dictionary inside a mapped segment.
struct TermDictionaryReader {
    let base: UnsafeRawPointer
    let indexOffset: Int
    let blocks: Int
    let dictionaryOffset: Int
    let termCount: Int
    /// Added to decoded postings/positions offsets to make them absolute in the file.
    let postingsOffset: Int
    let positionsOffset: Int

    func blockStart(_ b: Int) -> Int {
        dictionaryOffset + Int(UInt32(littleEndian: base.loadUnaligned(fromByteOffset: indexOffset + b * 4, as: UInt32.self)))
    }

    /// Compares the first term of block `b` with `key`.
    func compareFirst(_ b: Int, _ key: UnsafeBufferPointer<UInt8>) -> Int {
        var p = blockStart(b)
        _ = readVarint(base, &p)
        let length = Int(readVarint(base, &p))
        let n = min(length, key.count)
        for i in 0..<n {
            let a = base.load(fromByteOffset: p + i, as: UInt8.self)
            if a != key[i] { return a < key[i] ? -1 : 1 }
        }
        return length == key.count ? 0 : (length < key.count ? -1 : 1)
    }

    /// The last block whose first term is ≤ `key` (0 if none).
    func block(for key: UnsafeBufferPointer<UInt8>) -> Int {
        var lo = 0, hi = blocks - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if compareFirst(mid, key) <= 0 { lo = mid } else { hi = mid - 1 }
        }
        return lo
    }

    /// Decodes entries from block `b` on, calling `body` until it returns false.
    func scan(from b: Int, _ body: (UnsafeBufferPointer<UInt8>, SegmentReader.TermEntry) -> Bool) {
        guard b < blocks else { return }
        // The current term, rebuilt entry by entry; most terms fit the first buffer.
        var capacity = 256
        var term = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        var length = 0
        defer { term.deallocate() }
        var p = blockStart(b)
        var postings = 0, positions = 0
        var i = b * TermDictionaryFormat.blockSize
        while i < termCount {
            let first = i % TermDictionaryFormat.blockSize == 0
            let shared = Int(readVarint(base, &p))
            let rest = Int(readVarint(base, &p))
            if shared + rest > capacity {
                capacity = 2 * (shared + rest)
                let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
                bigger.update(from: term, count: shared)
                term.deallocate()
                term = bigger
            }
            (term + shared).update(from: (base + p).assumingMemoryBound(to: UInt8.self), count: rest)
            length = shared + rest
            p += rest
            let df = Int(readVarint(base, &p))
            let dp = Int(readVarint(base, &p)), dq = Int(readVarint(base, &p))
            postings = first ? dp : postings + dp
            positions = first ? dq : positions + dq
            let entry = SegmentReader.TermEntry(documentFrequency: df, postings: postingsOffset + postings, positions: positionsOffset + positions)
            let more = body(UnsafeBufferPointer(start: term, count: length), entry)
            if !more { return }
            i += 1
        }
    }
}

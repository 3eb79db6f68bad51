#if canImport(Glibc)
import Glibc
#endif

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
///                varint document frequency (passages holding the term),
///                varint documents holding the term (segment format 6 on),
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
    /// Whether entries hold the number of documents (segment format 6; else 5).
    var writesDocumentCounts = true

    mutating func add(_ term: UnsafeBufferPointer<UInt8>, documentFrequency: Int, documents: Int, postings: UInt64, positions: UInt64) {
        if count % TermDictionaryFormat.blockSize == 0 {
            blockOffsets.append(UInt32(bytes.count))
            appendVarint(0, to: &bytes)
            appendVarint(UInt64(term.count), to: &bytes)
            bytes.append(contentsOf: term)
            appendVarint(UInt64(documentFrequency), to: &bytes)
            if writesDocumentCounts { appendVarint(UInt64(documents), to: &bytes) }
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
            if writesDocumentCounts { appendVarint(UInt64(documents), to: &bytes) }
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
///
/// At open it reads the first 8 bytes of each block's first term into an
/// array in memory (big-endian, zero-padded), so that the binary search for
/// a term's block compares integers and reads the file only where two
/// first terms share 8 bytes with the key (a term holds no zero byte, so
/// the padding never orders two terms wrongly).
struct TermDictionaryReader {
    let base: UnsafeRawPointer
    let indexOffset: Int
    let blocks: Int
    let dictionaryOffset: Int
    let termCount: Int
    /// Added to decoded postings/positions offsets to make them absolute in the file.
    let postingsOffset: Int
    let positionsOffset: Int
    /// Whether entries hold the number of documents with the term (segment format 6 on).
    let documentCounts: Bool
    /// Whether terms held by many passages have a document list before
    /// their postings (segment format 8 on; see ``DocumentListFormat``).
    let documentLists: Bool
    /// Per block, its first term's first 8 bytes as a big-endian integer.
    /// (This and the next are buffers, not arrays, so that a lookup counts
    /// no references; ``deallocate()`` frees them.)
    let firstPrefixes: UnsafeMutableBufferPointer<UInt64>
    /// For each byte value c (and 256), the first block whose first term
    /// begins with a byte ≥ c: a key's search starts among the blocks of
    /// its first byte, a few dozen rather than all of them.
    let firstByteStarts: UnsafeMutableBufferPointer<Int32>

    init(base: UnsafeRawPointer, indexOffset: Int, blocks: Int, dictionaryOffset: Int, termCount: Int, postingsOffset: Int, positionsOffset: Int,
         documentCounts: Bool, documentLists: Bool) {
        self.base = base
        self.documentCounts = documentCounts
        self.documentLists = documentLists
        self.indexOffset = indexOffset
        self.blocks = blocks
        self.dictionaryOffset = dictionaryOffset
        self.termCount = termCount
        self.postingsOffset = postingsOffset
        self.positionsOffset = positionsOffset
        let prefixes = UnsafeMutableBufferPointer<UInt64>.allocate(capacity: max(1, blocks))
        for b in 0..<blocks {
            var p = dictionaryOffset + Int(UInt32(littleEndian: base.loadUnaligned(fromByteOffset: indexOffset + b * 4, as: UInt32.self))) + 1
            let length = Int(readVarint(base, &p))
            prefixes[b] = Self.prefix(UnsafeRawBufferPointer(start: base + p, count: length))
        }
        firstPrefixes = prefixes
        let starts = UnsafeMutableBufferPointer<Int32>.allocate(capacity: 257)
        var b = 0
        for c in 0..<257 {
            while b < blocks, Int(prefixes[b] >> 56) < c { b += 1 }
            starts[c] = Int32(b)
        }
        firstByteStarts = starts
    }

    /// Frees the buffers made at open (the segment's reader calls it as it closes).
    func deallocate() {
        firstPrefixes.deallocate()
        firstByteStarts.deallocate()
    }

    /// The first 8 bytes of `bytes`, big-endian, zero-padded.
    @inline(__always)
    static func prefix(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var value: UInt64 = 0
        for i in 0..<8 { value = value << 8 | (i < bytes.count ? UInt64(bytes[i]) : 0) }
        return value
    }

    func blockStart(_ b: Int) -> Int {
        dictionaryOffset + Int(UInt32(littleEndian: base.loadUnaligned(fromByteOffset: indexOffset + b * 4, as: UInt32.self)))
    }

    /// Compares the first term of block `b` with `key`.
    @inline(__always)
    func compareFirst(_ b: Int, _ key: UnsafeBufferPointer<UInt8>) -> Int {
        var p = blockStart(b) + 1  // a block's first term shares nothing: its first varint is one byte, 0
        let length = Int(readVarint(base, &p))
        return compareBytes(base + p, length, key)
    }

    /// Compares `length` bytes at `bytes` with `key`, as byte strings.
    @inline(__always)
    func compareBytes(_ bytes: UnsafeRawPointer, _ length: Int, _ key: UnsafeBufferPointer<UInt8>) -> Int {
        let n = min(length, key.count)
        if n > 0 {
            let c = memcmp(bytes, key.baseAddress!, n)
            if c != 0 { return c < 0 ? -1 : 1 }
        }
        return length == key.count ? 0 : (length < key.count ? -1 : 1)
    }

    /// The entry of `key`, if the dictionary has it: the block that may hold
    /// it, then its entries in order, compared with the key without being
    /// rebuilt. With `match` the bytes the previous term shares with the key
    /// (that term being smaller), an entry sharing more than `match` bytes
    /// with the previous term is smaller too, one sharing fewer is larger
    /// (the search ends), and only one sharing exactly `match` has its own
    /// bytes compared, from there on.
    func find(_ key: UnsafeBufferPointer<UInt8>) -> SegmentReader.TermEntry? {
        guard termCount > 0 else { return nil }
        let b = block(for: key)
        var p = blockStart(b)
        // The block's lines are asked for at once: read one after the other by
        // the scan, each waited for its own miss when the block was not cached
        // (in a mix of queries, most blocks a query reads are not: the
        // dictionary lookups of a two-word query took a third longer there
        // than when its words had just been looked up).
        prefetchLines(base, from: p, to: b + 1 < blocks ? blockStart(b + 1) : postingsOffset)
        var postings = 0, positions = 0
        var i = b * TermDictionaryFormat.blockSize
        let last = min(termCount, i + TermDictionaryFormat.blockSize)
        var match = 0
        while i < last {
            let first = i == b * TermDictionaryFormat.blockSize
            let shared = Int(readVarint(base, &p))
            let rest = Int(readVarint(base, &p))
            let suffix = p
            p += rest
            let df = Int(readVarint(base, &p))
            let documents = documentCounts ? Int(readVarint(base, &p)) : -1
            let dp = Int(readVarint(base, &p)), dq = Int(readVarint(base, &p))
            postings = first ? dp : postings + dp
            positions = first ? dq : positions + dq
            i += 1
            if !first {
                if shared > match { continue }
                if shared < match { return nil }
            }
            // The term agrees with the key on `shared` bytes: compare the rest.
            var k = shared
            var j = 0
            while j < rest, k < key.count {
                let byte = base.load(fromByteOffset: suffix + j, as: UInt8.self)
                if byte != key[k] {
                    if byte > key[k] { return nil }
                    break
                }
                j += 1
                k += 1
            }
            if j == rest, k == key.count {
                return entry(df, documents, postingsOffset + postings, positionsOffset + positions)
            }
            // A term that is a prefix of the key is smaller; one longer than the key, larger.
            if j < rest, k == key.count { return nil }
            match = k
        }
        return nil
    }

    /// The entry of a term held by `df` passages of `documents` documents
    /// whose postings are at `postings`: past its document list, if it has one.
    @inline(__always)
    func entry(_ df: Int, _ documents: Int, _ postings: Int, _ positions: Int) -> SegmentReader.TermEntry {
        guard documentLists, DocumentListFormat.stored(passages: df, documents: documents) else {
            return SegmentReader.TermEntry(documentFrequency: df, documentCount: documents, documentList: -1, postings: postings, positions: positions)
        }
        var p = postings
        let length = Int(readVarint(base, &p))
        return SegmentReader.TermEntry(documentFrequency: df, documentCount: documents, documentList: p, postings: p + length, positions: positions)
    }

    /// The last block whose first term is ≤ `key` (0 if none).
    func block(for key: UnsafeBufferPointer<UInt8>) -> Int {
        let keyPrefix = Self.prefix(UnsafeRawBufferPointer(key))
        let prefixes = firstPrefixes
        // The last block whose first 8 bytes are ≤ the key's, by halving
        // without a branch on the comparison (its outcome differs for
        // every key: a branch would be mispredicted every other step),
        // from the last block of a smaller first byte to the last of
        // the key's first byte.
        let c = Int(keyPrefix >> 56)
        var base = max(0, Int(firstByteStarts[c]) - 1)
        var n = max(1, Int(firstByteStarts[c + 1]) - base)
        while n > 1 {
            let half = n / 2
            base = prefixes[base + half] <= keyPrefix ? base + half : base
            n -= half
        }
        // Blocks whose first terms share those 8 bytes with the key are told apart by their whole first term.
        while base > 0, prefixes[base] == keyPrefix, compareFirst(base, key) > 0 { base -= 1 }
        return base
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
            let documents = documentCounts ? Int(readVarint(base, &p)) : -1
            let dp = Int(readVarint(base, &p)), dq = Int(readVarint(base, &p))
            postings = first ? dp : postings + dp
            positions = first ? dq : positions + dq
            let entry = entry(df, documents, postingsOffset + postings, positionsOffset + positions)
            let more = body(UnsafeBufferPointer(start: term, count: length), entry)
            if !more { return }
            i += 1
        }
    }
}

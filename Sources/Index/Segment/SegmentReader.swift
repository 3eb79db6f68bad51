import Analysis
import CMemory
import DossierCore
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A segment opened for reading (see ``SegmentFormat``). The file is
/// memory-mapped; a segment of up to 64 MiB has its pages mapped in at once
/// (`MAP_POPULATE`), so that the first query pays no page faults, while a
/// larger one is read as queries touch it rather than all at open. Terms
/// are found in the front-coded dictionary without copying, and postings
/// are read through ``PostingCursor``s.
public final class SegmentReader: @unchecked Sendable {
    /// The segment's name (its file name without `.seg`).
    public let name: String
    @usableFromInline let base: UnsafeRawPointer
    let size: Int
    /// Passages in the segment.
    public let count: Int
    /// Tokens in the segment's passages.
    public let tokenCount: UInt64
    /// Distinct terms in the segment.
    public let termCount: Int
    @usableFromInline let idsOffset: Int
    @usableFromInline let lengthsOffset: Int
    @usableFromInline let documentsOffset: Int
    /// The id of local passage 0 when the segment's ids are consecutive
    /// (they ascend, and the last is the first plus count − 1: a segment
    /// written from a fresh index, or one without gaps), so that an id is
    /// a sum rather than a load; -1 otherwise.
    @usableFromInline let firstOfConsecutiveIDs: Int64
    let dictionary: TermDictionaryReader
    /// For a small segment, which terms it certainly lacks (see ``TermFilter``).
    let filter: TermFilter?
    /// The languages whose terms the segment may hold, when known.
    let namespaces: TermNamespaces?
    /// How often each word occurs as written (format 7; nil before).
    let lexicon: SurfaceLexiconReader?
    /// Whether the segment counts its words as written (format 7).
    public var hasLexicon: Bool { lexicon != nil }

    /// The languages whose terms a segment may hold, from its manifest
    /// entry (``Manifest/Segment/language``, ``Manifest/Segment/languages``).
    /// A language other than English writes every term as the mark, its
    /// two-letter code and the stem (``Analysis/Analyzer``), so a term of a
    /// language the segment was not analyzed in is known absent before its
    /// dictionary is searched. A query word is looked up in each of its
    /// forms, one per language of the library: in a library of seven
    /// languages, six of every seven lookups were misses, each a search of
    /// a dictionary block (a sixth of a rare word's search at 251k
    /// passages in 14 segments).
    public struct TermNamespaces: Sendable, Equatable {
        /// Whether it may hold English terms (no mark).
        public var english: Bool
        /// The codes of the other languages whose terms it may hold.
        public var codes: [String]

        public init(english: Bool, codes: [String]) {
            self.english = english
            self.codes = codes
        }

        /// A manifest entry's: `language` (one, `en` for English), else
        /// English and `languages`, else (a segment from before languages) English.
        public init(language: String?, languages: [String]?) {
            if let language {
                self.init(english: language == "en", codes: language == "en" ? [] : [language])
            } else {
                self.init(english: true, codes: (languages ?? []).filter { $0 != "en" })
            }
        }

        /// Whether a term of these bytes may be one of the segment's.
        @inline(__always)
        func mayHold(_ key: UnsafeBufferPointer<UInt8>) -> Bool {
            guard let first = key.first, first == Analyzer.languageMark else { return english }
            guard key.count >= 3 else { return true }
            for code in codes {
                var utf8 = code.utf8.makeIterator()
                if utf8.next() == key[1], utf8.next() == key[2] { return true }
            }
            return false
        }
    }

    /// Opens `url`, a segment whose terms are those of `namespaces` (nil:
    /// not known, any term may be there).
    public init(url: URL, namespaces: TermNamespaces? = nil) throws {
        self.namespaces = namespaces
        name = url.deletingPathExtension().lastPathComponent
        let fd = open(url.path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw DossierError.io(path: url.path, reason: "cannot open segment (\(String(cString: strerror(errno))))")
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw DossierError.io(path: url.path, reason: String(cString: strerror(errno))) }
        let size = Int(info.st_size)
        guard size >= SegmentFormat.headerSizeWithoutLexicon + SegmentFormat.paddingSize else {
            throw DossierError.io(path: url.path, reason: "not a Dossier segment (too short)")
        }
        let populate = size <= 64 << 20 ? MAP_POPULATE : 0
        guard let map = mmap(nil, size, PROT_READ, MAP_PRIVATE | populate, fd, 0), map != MAP_FAILED else {
            throw DossierError.io(path: url.path, reason: "cannot map segment (\(String(cString: strerror(errno))))")
        }
        let base = UnsafeRawPointer(map)
        func u64(_ at: Int) -> Int { Int(UInt64(littleEndian: base.loadUnaligned(fromByteOffset: at, as: UInt64.self))) }
        let magic = Array(UnsafeRawBufferPointer(start: base, count: 8))
        let hasDocumentLists = magic == SegmentFormat.magic
        let hasLexicon = hasDocumentLists || magic == SegmentFormat.magicWithoutDocumentLists
        guard hasLexicon || magic == SegmentFormat.magicWithoutLexicon || magic == SegmentFormat.magicWithoutDocumentCounts,
              size >= (hasLexicon ? SegmentFormat.headerSize : SegmentFormat.headerSizeWithoutLexicon) + SegmentFormat.paddingSize else {
            munmap(map, size)
            if let old = SegmentFormat.previousMagics.firstIndex(of: magic) {
                throw DossierError.indexFormat("the index was written by an older Dossier (segment format \(old + 1)); `dossier index` rebuilds it from the catalog")
            }
            throw DossierError.io(path: url.path, reason: "not a Dossier segment (bad header)")
        }
        let n = u64(8), terms = u64(24)
        let ids = u64(32), lengths = u64(40), documents = u64(48), index = u64(56), blocks = u64(64), dict = u64(72),
            postings = u64(80), positions = u64(88), padding = u64(96)
        let lexiconOffset = hasLexicon ? u64(104) : padding
        guard ids == (hasLexicon ? SegmentFormat.headerSize : SegmentFormat.headerSizeWithoutLexicon), lengths == ids + n * 8, documents == lengths + n * 4, index == documents + n * 4,
              dict == index + blocks * 4,
              dict <= postings, postings <= positions, positions <= lexiconOffset, lexiconOffset <= padding, padding + SegmentFormat.paddingSize == size,
              blocks == (terms + TermDictionaryFormat.blockSize - 1) / TermDictionaryFormat.blockSize else {
            munmap(map, size)
            throw DossierError.io(path: url.path, reason: "segment is truncated or corrupt")
        }
        var lexicon: SurfaceLexiconReader?
        if hasLexicon {
            lexicon = SurfaceLexiconReader(base: base, offset: lexiconOffset, end: padding)
            guard lexicon != nil else {
                munmap(map, size)
                throw DossierError.io(path: url.path, reason: "segment is truncated or corrupt")
            }
        }
        self.base = base
        self.size = size
        count = n
        tokenCount = UInt64(u64(16))
        termCount = terms
        idsOffset = ids
        lengthsOffset = lengths
        documentsOffset = documents
        // Ids ascend within a segment (SegmentFormat): without a gap when
        // the last is the first plus count − 1.
        func id(_ local: Int) -> Int64 { Int64(bitPattern: UInt64(littleEndian: base.loadUnaligned(fromByteOffset: ids + local * 8, as: UInt64.self))) }
        let (first, last) = n > 0 ? (id(0), id(n - 1)) : (-1, -1)
        firstOfConsecutiveIDs = first >= 0 && last.subtractingReportingOverflow(first) == (Int64(n - 1), false) ? first : -1
        dictionary = TermDictionaryReader(base: base, indexOffset: index, blocks: blocks, dictionaryOffset: dict,
                                          termCount: terms, postingsOffset: postings, positionsOffset: positions,
                                          documentCounts: magic != SegmentFormat.magicWithoutDocumentCounts, documentLists: hasDocumentLists)
        filter = TermFilter(dictionary)
        self.lexicon = lexicon
    }

    deinit {
        dictionary.deallocate()
        filter?.deallocate()
        munmap(UnsafeMutableRawPointer(mutating: base), size)
    }

    /// The global id of local passage `local`.
    @inlinable @inline(__always)
    public func passageID(_ local: Int) -> Int64 {
        if firstOfConsecutiveIDs >= 0 { return firstOfConsecutiveIDs &+ Int64(local) }
        return Int64(bitPattern: UInt64(littleEndian: base.loadUnaligned(fromByteOffset: idsOffset + local * 8, as: UInt64.self)))
    }

    /// The length in tokens of local passage `local`.
    @inlinable @inline(__always)
    public func length(_ local: Int) -> Int {
        Int(UInt32(littleEndian: base.loadUnaligned(fromByteOffset: lengthsOffset + local * 4, as: UInt32.self)))
    }

    /// Every passage's length in tokens, by local number: a view of the
    /// mapped file, for loops that read many (valid while the reader lives).
    @inlinable
    public var lengths: UnsafeBufferPointer<UInt32> {
        UnsafeBufferPointer(start: (base + lengthsOffset).assumingMemoryBound(to: UInt32.self), count: count)
    }

    /// The catalog document local passage `local` belongs to.
    @inline(__always)
    public func document(_ local: Int) -> Int {
        Int(UInt32(littleEndian: base.loadUnaligned(fromByteOffset: documentsOffset + local * 4, as: UInt32.self)))
    }

    /// Every passage's document, by local number: a view of the mapped
    /// file, for loops that read many (valid while the reader lives).
    @inlinable
    public var documents: UnsafeBufferPointer<UInt32> {
        UnsafeBufferPointer(start: (base + documentsOffset).assumingMemoryBound(to: UInt32.self), count: count)
    }

    /// All passage ids, ascending.
    public var passageIDs: [Int64] { (0..<count).map(passageID) }

    /// The local number of passage `id`, if the segment holds it.
    public func local(of id: Int64) -> Int? {
        if firstOfConsecutiveIDs >= 0 {
            let local = id &- firstOfConsecutiveIDs
            return local >= 0 && local < count ? Int(local) : nil
        }
        var lo = 0, hi = count - 1
        while lo <= hi {
            let mid = (lo + hi) / 2
            let value = passageID(mid)
            if value < id { lo = mid + 1 } else if value > id { hi = mid - 1 } else { return mid }
        }
        return nil
    }

    /// A term's dictionary entry.
    public struct TermEntry: Sendable {
        /// Passages holding the term.
        public var documentFrequency: Int
        /// Documents holding the term (deleted passages' included), or −1
        /// in a segment of format 5, which does not record it.
        public var documentCount: Int
        /// Where its document list starts in the file (it ends where the
        /// postings start), or −1 when it has none (see ``DocumentListFormat``).
        var documentList: Int
        /// Whether it has a document list (see ``DocumentListFormat``).
        public var hasDocumentList: Bool { documentList >= 0 }
        /// Where its postings start in the file.
        var postings: Int
        /// Where its positions start in the file.
        var positions: Int
    }

    /// The entry of `term`, if the segment has it.
    public func lookup(_ term: [UInt8]) -> TermEntry? {
        term.withUnsafeBufferPointer { find($0) }
    }

    /// The entry of `term`'s UTF-8 bytes, if the segment has it.
    public func lookup(_ term: String) -> TermEntry? {
        var term = term
        return term.withUTF8 { find($0) }
    }

    /// Asks for the first lines of `entry`'s postings to be brought into the
    /// cache, without waiting: a query that has looked up all its words asks
    /// for every list before it decodes the first, so that their misses
    /// overlap (a short list is a line or two; a longer one's skip table and
    /// first block start there). In the bench's mix, a two-word query's
    /// lists had taken half again as long to decode as when just read.
    public func prefetchPostings(_ entry: TermEntry) {
        prefetchLines(base, from: entry.postings, to: entry.postings + 128)
    }

    @inline(__always)
    private func find(_ key: UnsafeBufferPointer<UInt8>) -> TermEntry? {
        if let namespaces, !namespaces.mayHold(key) { return nil }
        if let filter, !filter.mayContain(key) { return nil }
        return dictionary.find(key)
    }

    /// Whether a term of these bytes may be in the segment, as far as the
    /// languages it holds say (``TermNamespaces``), without a search.
    public func mayHold(_ term: String) -> Bool {
        guard let namespaces else { return true }
        return term.utf8.withContiguousStorageIfAvailable { namespaces.mayHold($0) } ?? true
    }

    /// Whether the segment has a term of these bytes (or, with `prefix`, one
    /// that starts with them), without making its entries.
    public func holds(_ key: UnsafeBufferPointer<UInt8>, prefix: Bool) -> Bool {
        guard termCount > 0 else { return false }
        if let namespaces, !namespaces.mayHold(key) { return false }
        guard prefix else { return find(key) != nil }
        var found = false
        forEachEntry(startingWith: key) { _ in
            found = true
            return false
        }
        return found
    }

    /// Calls `body` with the entry of each term that starts with `key`, in
    /// term order, while it returns true.
    private func forEachEntry(startingWith key: UnsafeBufferPointer<UInt8>, _ body: (TermEntry) -> Bool) {
        dictionary.scan(from: dictionary.block(for: key)) { bytes, entry in
            guard bytes.starts(with: key) else { return bytes.lexicographicallyPrecedes(key) }
            return body(entry)
        }
    }

    /// Entries of every term that starts with `prefix`.
    public func lookup(prefix: [UInt8]) -> [TermEntry] {
        guard termCount > 0 else { return [] }
        var out: [TermEntry] = []
        prefix.withUnsafeBufferPointer { key in
            if let namespaces, !namespaces.mayHold(key) { return }
            forEachEntry(startingWith: key) { entry in
                out.append(entry)
                return true
            }
        }
        return out
    }

    /// Calls `body` with every term, in byte order, and its entry.
    public func forEachTerm(_ body: (UnsafeBufferPointer<UInt8>, TermEntry) -> Void) {
        guard termCount > 0 else { return }
        dictionary.scan(from: 0) { bytes, entry in
            body(bytes, entry)
            return true
        }
    }

    /// Decodes every posting of a term, block after block, straight into
    /// `docs` and `tfs`, which must have room for its document frequency:
    /// what a query over a few short lists needs, without a cursor.
    public func decodeList(_ entry: TermEntry, docs: UnsafeMutablePointer<UInt32>, tfs: UnsafeMutablePointer<UInt32>) {
        let count = entry.documentFrequency
        let size = PostingsFormat.blockSize
        let blocks = (count + size - 1) / size
        for b in 0..<blocks {
            let n = min(size, count - b * size)
            let (at, width) = PostingCursor.decodeBlock(base, postings: entry.postings, blocks: blocks, b, count: n,
                                                        docs: docs + b * size, tfs: tfs + b * size)
            if at >= 0 { PostingCursor.decodeTFs(base, at: at, width: width, count: n, into: tfs + b * size) }
        }
    }

    /// A cursor over `entry`'s postings.
    public func cursor(_ entry: TermEntry) -> PostingCursor {
        PostingCursor(reader: self, entry: entry)
    }

    /// Passages holding `entry`'s term that are not deleted: its document
    /// frequency, less the deleted passages in its postings
    /// (``PostingCursor/deletedCount(_:)``).
    public func liveDocumentFrequency(_ entry: TermEntry, deleted: Deletions) -> Int {
        guard !deleted.isEmpty else { return entry.documentFrequency }
        return entry.documentFrequency - cursor(entry).deletedCount(deleted)
    }

    /// Calls `body` with each posting's local passage number and term frequency.
    public func forEachFrequency(_ entry: TermEntry, _ body: (Int, Int) -> Void) {
        let cursor = cursor(entry)
        while cursor.doc != PostingCursor.end { cursor.drainBlock(body) }
    }

    /// Calls `body` with each posting's local passage number and positions.
    public func forEachPosting(_ entry: TermEntry, _ body: (Int, [UInt32]) -> Void) {
        let cursor = cursor(entry)
        var positions: [UInt32] = []
        while cursor.doc != PostingCursor.end {
            cursor.positions(into: &positions)
            body(cursor.doc, positions)
            cursor.next()
        }
    }
}

/// Asks for the cache lines of bytes `start..<end` of a mapped segment at
/// `base` without waiting for them (``dossier_prefetch``: a hint, which
/// never faults, even past the end of the mapping).
@inline(__always)
func prefetchLines(_ base: UnsafeRawPointer, from start: Int, to end: Int) {
    var line = (Int(bitPattern: base) + start) & ~63
    let stop = Int(bitPattern: base) + end
    while line < stop {
        dossier_prefetch(UnsafeRawPointer(bitPattern: line))
        line += 64
    }
}

import DossierCore
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// One committed generation of the index, opened for reading: its segments
/// (memory-mapped), their deletions, and exact statistics over the live
/// passages. Nothing a later commit does changes what a snapshot sees.
public final class IndexSnapshot: @unchecked Sendable {
    /// The generation.
    public let manifest: Manifest
    /// Open segments, in manifest order.
    public let segments: [SegmentReader]
    /// Per segment, the deleted local passage numbers.
    public let deleted: [Deletions]
    /// Live passages.
    public let passageCount: Int
    /// Tokens in live passages.
    public let tokenCount: UInt64
    /// Per segment, the share of its tokens that are live.
    let liveTokenShare: [Double]

    /// How often a word is written in one language of the live passages.
    public struct Written: Sendable, Equatable {
        /// Its occurrences (estimated where passages were deleted: see ``SurfaceLexicon``).
        public var occurrences: Double
        /// The language's tokens.
        public var tokens: Double

        public init(occurrences: Double, tokens: Double) {
            self.occurrences = occurrences
            self.tokens = tokens
        }
    }

    /// The passages holding `term` (deleted ones included: an upper bound),
    /// from the dictionaries of the segments that may hold it.
    public func passagesHolding(_ term: String) -> Int {
        segments.reduce(0) { sum, reader in sum + (reader.mayHold(term) ? reader.lookup(term)?.documentFrequency ?? 0 : 0) }
    }

    /// How often `word` — folded as English folds a word (lower case,
    /// without diacritics), not stemmed — is written in each language of
    /// the live passages, by language code; nil when a segment has no
    /// lexicon (an index written before segment format 7).
    public func written(_ word: String) -> [String: Written]? {
        var out: [String: Written] = [:]
        var bytes = word
        let key = bytes.withUTF8 { SurfaceLexicon.key($0) }
        for (s, reader) in segments.enumerated() {
            guard let lexicon = reader.lexicon else { return nil }
            let share = liveTokenShare[s]
            for part in lexicon.parts {
                let count = Double(lexicon.occurrences(of: key, in: part)) * share
                out[part.code, default: Written(occurrences: 0, tokens: 0)].occurrences += count
                out[part.code]!.tokens += Double(part.tokens) * share
            }
        }
        return out
    }

    /// Opens the generation committed in `folder` (an empty index if none).
    public convenience init(folder: URL) throws {
        var lastError: Error?
        // A commit may retire a segment between reading the manifest and opening
        // it; reading the manifest again then finds the new generation.
        for _ in 0..<3 {
            let manifest = try Manifest.read(in: folder)
            do {
                let readers = try manifest.segments.map {
                    try SegmentReader(url: folder.appendingPathComponent("segments/\($0.name).seg"),
                                      namespaces: .init(language: $0.language, languages: $0.languages))
                }
                self.init(manifest: manifest, segments: readers)
                return
            } catch {
                lastError = error
            }
        }
        throw lastError!
    }

    /// The generation committed in `folder` now, reusing the snapshot opened
    /// last time when the manifest has not been replaced since (same inode,
    /// size and modification time). A server answering many queries thus
    /// maps the segments once per commit, not once per query; a snapshot in
    /// use stays valid after a commit, since its segments stay mapped.
    public static func current(folder: URL) throws -> IndexSnapshot {
        let path = folder.appendingPathComponent("manifest.json").path
        var info = stat()
        let key = stat(path, &info) == 0
            ? "\(info.st_ino)|\(info.st_size)|\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)" : nil
        if let key, let hit = SnapshotCache.shared.get(key, folder: folder.path) { return hit }
        let snapshot = try IndexSnapshot(folder: folder)
        if let key { SnapshotCache.shared.put(key, snapshot, folder: folder.path) }
        return snapshot
    }

    init(manifest: Manifest, segments: [SegmentReader]) {
        self.manifest = manifest
        self.segments = segments
        var deleted: [Deletions] = []
        var passages = 0
        var tokens: UInt64 = 0
        var liveShare: [Double] = []
        for (reader, entry) in zip(segments, manifest.segments) {
            var locals = Deletions(capacity: reader.count)
            for id in entry.deleted {
                if let local = reader.local(of: id) { locals.insert(local) }
            }
            var segmentTokens = reader.tokenCount
            for local in locals.members { segmentTokens -= UInt64(reader.length(local)) }
            liveShare.append(reader.tokenCount == 0 ? 1 : Double(segmentTokens) / Double(reader.tokenCount))
            deleted.append(locals)
            passages += reader.count - locals.count
            tokens += segmentTokens
        }
        self.deleted = deleted
        liveTokenShare = liveShare
        passageCount = passages
        tokenCount = tokens
        // Each document's live passages, as runs of consecutive local numbers:
        // one run in one segment as the writer makes them, more once a
        // document gains passages later (pages read by OCR get new ids).
        var runs: [DocumentRun] = []
        var largest = -1
        // Per segment, the documents with a deleted passage there.
        var maimed = [Set<Int32>](repeating: [], count: segments.count)
        for (s, reader) in segments.enumerated() {
            var current = -1
            let owners = reader.documents
            let lengths = reader.lengths
            let gone = deleted[s]
            for local in 0..<reader.count {
                guard !gone.contains(local) else {
                    maimed[s].insert(Int32(truncatingIfNeeded: UInt32(littleEndian: owners[local])))
                    current = -1
                    continue
                }
                let document = Int(UInt32(littleEndian: owners[local]))
                if document == current {
                    runs[runs.count - 1].hi = Int32(local)
                } else {
                    current = document
                    largest = max(largest, document)
                    runs.append(DocumentRun(document: Int32(truncatingIfNeeded: document), segment: Int32(s), lo: Int32(local), hi: Int32(local),
                                            tokens: 0))
                }
                runs[runs.count - 1].tokens &+= Int32(truncatingIfNeeded: UInt32(littleEndian: lengths[local]))
            }
        }
        runs.sort { ($0.document, $0.segment, $0.lo) < ($1.document, $1.segment, $1.lo) }
        var split: [Int] = [], several: [Int] = []
        var documents = runs.isEmpty ? 0 : 1
        for (a, b) in zip(runs, runs.dropFirst()) {
            guard a.document == b.document else {
                documents += 1
                continue
            }
            if several.last != Int(a.document) { several.append(Int(a.document)) }
            if a.segment != b.segment, split.last != Int(a.document) { split.append(Int(a.document)) }
        }
        documentCount = documents
        documentsInSeveralRuns = several
        var bySegment = [[DocumentRun]](repeating: [], count: segments.count)
        for (i, run) in runs.enumerated() {
            var run = run
            run.alone = (i == 0 || runs[i - 1].document != run.document) && (i + 1 == runs.count || runs[i + 1].document != run.document)
            run.whole = !maimed[Int(run.segment)].contains(run.document)
            bySegment[Int(run.segment)].append(run)
        }
        runsByDocument = bySegment
        var plain = [PlainRun](repeating: PlainRun(segment: -1, tokens: 0), count: largest + 1)
        for segmentRuns in bySegment {
            for run in segmentRuns where run.alone && run.whole { plain[Int(run.document)] = PlainRun(segment: run.segment, tokens: run.tokens) }
        }
        plainRuns = plain
        for s in bySegment.indices { bySegment[s].sort { $0.lo < $1.lo } }
        runsBySegment = bySegment
        splitDocuments = split
        var segmentsOfSplit = [[Int32]](repeating: [], count: split.count)
        var place = 0
        for run in runs where place < split.count {
            while place < split.count, split[place] < Int(run.document) { place += 1 }
            guard place < split.count, split[place] == Int(run.document) else { continue }
            if segmentsOfSplit[place].last != run.segment { segmentsOfSplit[place].append(run.segment) }
        }
        splitDocumentSegments = segmentsOfSplit
        splitRunsBySegment = Self.placedRuns(bySegment, of: split)
        severalRunsBySegment = Self.placedRuns(bySegment, of: several)
        var placeOfSeveral = [Int32](repeating: -1, count: largest + 1)
        for (place, document) in several.enumerated() { placeOfSeveral[document] = Int32(place) }
        placeInSeveralRuns = placeOfSeveral
        // (A passage deleted in any segment, even one where no passage of it is left.)
        var maimedAnywhere = [Bool](repeating: false, count: largest + 1)
        for documents in maimed {
            for document in documents where Int(document) <= largest { maimedAnywhere[Int(document)] = true }
        }
        losesPassages = maimedAnywhere
        var lengths = [Int32](repeating: 0, count: largest + 1)
        for run in runs { lengths[Int(run.document)] &+= run.tokens }
        documentLengths = lengths
        documentRuns = runs
        largestDocument = largest
        // Passage ids ascend within a segment (SegmentFormat) and, as the
        // writer merges only adjacent segments, from one to the next.
        var last = Int64.min, ascend = true
        for reader in segments where reader.count > 0 {
            ascend = ascend && last < reader.passageID(0)
            last = reader.passageID(reader.count - 1)
        }
        idsAscend = ascend
        segmentsOfOneLanguage = manifest.segmentsOfOneLanguage
    }

    /// A stretch of one document's live passages: local numbers `lo ... hi`
    /// of one segment, holding `tokens` tokens in all.
    public struct DocumentRun: Sendable, Equatable {
        public var document: Int32
        public var segment: Int32
        public var lo: Int32
        public var hi: Int32
        public var tokens: Int32
        /// Whether it is its document's only run (set in ``runsBySegment``).
        public var alone = false
        /// Whether no passage of its document in its segment is deleted, so
        /// that the segment's document lists count what the document holds
        /// there (set in ``runsBySegment``; see ``DocumentListFormat``).
        public var whole = false
    }

    /// Per segment, the runs of its live passages, in passage order.
    public let runsBySegment: [[DocumentRun]]

    /// Per segment, the runs of its live passages, by document (then
    /// passage order): a walk of documents in ascending order finds each
    /// one's run by moving forward.
    public let runsByDocument: [[DocumentRun]]

    /// Where a document that is one run, with no passage deleted in its
    /// segment, stands: its segment and its tokens (segment −1 for any
    /// other document, or a number no live passage has).
    public struct PlainRun: Sendable {
        public var segment: Int32
        public var tokens: Int32
    }

    /// Per document number up to ``largestDocument``, its run when it is
    /// plain: what a walk by document over a segment's document lists
    /// needs of most documents (that one run, whole, is what the lists
    /// count), found by number rather than sought among the segment's runs.
    public let plainRuns: [PlainRun]

    /// Documents with a live passage.
    public let documentCount: Int

    /// The length in tokens of `document`'s live passages together.
    public func length(ofDocument document: Int) -> Int {
        runs(of: document).reduce(0) { $0 + Int($1.tokens) }
    }

    /// Every document's runs of live passages, by document, then segment and place.
    let documentRuns: [DocumentRun]

    /// The largest document number a live passage has (−1 when none).
    public let largestDocument: Int

    /// Whether each document's live passages are consecutive local numbers
    /// of one segment, as the index writer makes them (a document that gains
    /// pages read by OCR later has a second run).
    public var documentsAreRuns: Bool { documentsInSeveralRuns.isEmpty }

    /// The documents whose live passages are more than one run (ascending).
    public let documentsInSeveralRuns: [Int]

    /// The documents whose live passages are in more than one segment
    /// (ascending): a term's documents, added up over segments (each
    /// segment's dictionary counts its own), count these more than once.
    public let splitDocuments: [Int]

    /// Per document of ``splitDocuments``, the segments its live passages
    /// are in (ascending): a term held in some of them is counted once per
    /// such segment at most, which bounds how far a sum over segments can
    /// overcount.
    public let splitDocumentSegments: [[Int32]]

    /// A run of one of a list of documents: local numbers `lo ... hi`, and
    /// the document's `place` in that list.
    public struct PlacedRun: Sendable, Equatable {
        public var lo: Int32
        public var hi: Int32
        public var place: Int32
    }

    /// Per segment, the runs there of the documents in ``splitDocuments``,
    /// in passage order (a term's count over documents is corrected by
    /// seeking its postings to these, never to a whole document list).
    public let splitRunsBySegment: [[PlacedRun]]

    /// Per segment, the runs there of the documents in
    /// ``documentsInSeveralRuns``, in passage order (the walk by whole
    /// documents asks which of them hold every word by seeking to these).
    public let severalRunsBySegment: [[PlacedRun]]

    /// Per document number up to ``largestDocument``, its live tokens (0
    /// for a number no live passage has).
    public let documentLengths: [Int32]

    /// Per document number up to ``largestDocument``, whether a passage of
    /// it is deleted, in any segment: the segments' document lists count
    /// such a passage still (``DocumentListFormat``).
    public let losesPassages: [Bool]

    /// Per document number up to ``largestDocument``, its place in
    /// ``documentsInSeveralRuns``, or −1.
    public let placeInSeveralRuns: [Int32]

    /// The runs in `bySegment` of `documents`, per segment, in passage order.
    static func placedRuns(_ bySegment: [[DocumentRun]], of documents: [Int]) -> [[PlacedRun]] {
        var place: [Int32: Int32] = [:]
        for (i, document) in documents.enumerated() { place[Int32(truncatingIfNeeded: document)] = Int32(i) }
        return bySegment.map { runs in
            runs.compactMap { run in place[run.document].map { PlacedRun(lo: run.lo, hi: run.hi, place: $0) } }
        }
    }

    /// Whether passage ids ascend from one segment to the next (each
    /// segment's ids ascend within it), as the index writer makes them: an
    /// order of the live passages by segment, then local number, is their
    /// order by id.
    public let idsAscend: Bool

    /// Whether every segment holds passages of one language
    /// (``Manifest/segmentsOfOneLanguage``).
    public let segmentsOfOneLanguage: Bool

    /// The runs of `document`'s live passages, in segment and passage order.
    public func runs(of document: Int) -> ArraySlice<DocumentRun> {
        let key = Int32(truncatingIfNeeded: document)
        var lo = 0, hi = documentRuns.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if documentRuns[mid].document < key { lo = mid + 1 } else { hi = mid }
        }
        var end = lo
        while end < documentRuns.count, documentRuns[end].document == key { end += 1 }
        return documentRuns[lo..<end]
    }

    /// The segment and local number of a live passage, if the index holds it.
    func locate(_ id: Int64) -> (reader: SegmentReader, local: Int)? {
        place(ofPassage: id).map { (segments[$0.segment], $0.local) }
    }

    /// Where a live passage is: the number of its segment in ``segments``
    /// and its local number there; nil if the index holds no such passage.
    public func place(ofPassage id: Int64) -> (segment: Int, local: Int)? {
        for (s, reader) in segments.enumerated() {
            let count = reader.count
            guard count > 0, reader.passageID(0) <= id, reader.passageID(count - 1) >= id else { continue }
            if let local = reader.local(of: id) { return deleted[s].contains(local) ? nil : (s, local) }
        }
        return nil
    }

    /// The length in tokens of a live passage, if the index holds it.
    public func length(ofPassage id: Int64) -> Int? {
        locate(id).map { $0.reader.length($0.local) }
    }

    /// The catalog document of a live passage, if the index holds it.
    public func document(ofPassage id: Int64) -> Int? {
        locate(id).map { $0.reader.document($0.local) }
    }

    /// Ids of every live passage.
    public func livePassageIDs() -> Set<Int64> {
        var out = Set<Int64>()
        for (s, reader) in segments.enumerated() {
            for local in 0..<reader.count where !deleted[s].contains(local) { out.insert(reader.passageID(local)) }
        }
        return out
    }

    /// The number of distinct terms live passages hold. One segment without
    /// deletions knows it from its header; otherwise the vocabulary is read.
    public func distinctTermCount() -> Int {
        if segments.count == 1, deleted[0].isEmpty { return segments[0].termCount }
        return vocabulary().count
    }

    /// Live document frequency of every term: the index's vocabulary.
    public func vocabulary() -> [String: Int] {
        var out: [String: Int] = [:]
        for (s, reader) in segments.enumerated() {
            reader.forEachTerm { term, entry in
                let df = reader.liveDocumentFrequency(entry, deleted: deleted[s])
                if df > 0 { out[String(decoding: term, as: UTF8.self), default: 0] += df }
            }
        }
        return out
    }
}

/// The deleted passages of one segment, by local number: a bitset, so that
/// the hot loops of search test a passage with one load and a mask.
public struct Deletions: Sendable {
    @usableFromInline var words: [UInt64]
    /// Deleted passages.
    public var count: Int { members.count }
    /// The deleted local numbers, ascending.
    public private(set) var members: [Int] = []
    /// The same as runs of consecutive numbers: a document's passages are
    /// consecutive, so an update that replaces a few documents deletes a
    /// few runs.
    private(set) var runs: [ClosedRange<UInt32>] = []

    init(capacity: Int) { words = [UInt64](repeating: 0, count: (capacity + 63) / 64) }

    mutating func insert(_ local: Int) {
        let bit = UInt64(1) << UInt64(local & 63)
        if words[local >> 6] & bit == 0 {
            words[local >> 6] |= bit
            if members.last.map({ $0 < local }) ?? true {
                members.append(local)  // the usual case: deletions arrive in id order
                extendRuns(with: local)
            } else {
                var lo = 0, hi = members.count
                while lo < hi {
                    let mid = (lo + hi) / 2
                    if members[mid] < local { lo = mid + 1 } else { hi = mid }
                }
                members.insert(local, at: lo)
                runs = []
                for m in members { extendRuns(with: m) }
            }
        }
    }

    /// Adds `local`, above every number the runs hold, to the last run or as a new one.
    private mutating func extendRuns(with local: Int) {
        if let last = runs.last, Int(last.upperBound) + 1 == local {
            runs[runs.count - 1] = last.lowerBound...UInt32(local)
        } else {
            runs.append(UInt32(local)...UInt32(local))
        }
    }

    /// Whether local passage `local` is deleted.
    @inlinable @inline(__always)
    public func contains(_ local: Int) -> Bool {
        local >> 6 < words.count && words[local >> 6] & (UInt64(1) << UInt64(local & 63)) != 0
    }

    /// Drops the deleted passages from `count` postings (local numbers in
    /// `docs`, frequencies in `tfs`), moving the others to the front in
    /// order without a branch on each; returns how many are left.
    public func removeDeleted(docs: UnsafeMutablePointer<UInt32>, tfs: UnsafeMutablePointer<UInt32>, count: Int) -> Int {
        guard count > 0 else { return 0 }
        if runs.count <= 4 {
            // A few runs: each is found by two binary searches and cut out,
            // rather than every posting tested.
            var n = count
            for run in runs where run.upperBound >= docs[0] && run.lowerBound <= docs[n - 1] {
                func firstAtLeast(_ value: UInt32, from start: Int) -> Int {
                    var lo = start, hi = n
                    while lo < hi {
                        let mid = (lo + hi) >> 1
                        if docs[mid] < value { lo = mid + 1 } else { hi = mid }
                    }
                    return lo
                }
                let lo = firstAtLeast(run.lowerBound, from: 0)
                let hi = run.upperBound == .max ? n : firstAtLeast(run.upperBound + 1, from: lo)
                guard hi > lo else { continue }
                (docs + lo).update(from: docs + hi, count: n - hi)
                (tfs + lo).update(from: tfs + hi, count: n - hi)
                n -= hi - lo
                if n == 0 { break }
            }
            return n
        }
        return words.withUnsafeBufferPointer { words in
            var n = 0
            for j in 0..<count {
                let local = docs[j]
                let w = Int(local >> 6)
                let word = w < words.count ? words[w] : 0
                docs[n] = local
                tfs[n] = tfs[j]
                n &+= 1 &- Int(truncatingIfNeeded: (word &>> UInt64(local & 63)) & 1)
            }
            return n
        }
    }

    /// Whether nothing is deleted.
    @inlinable public var isEmpty: Bool { count == 0 }

}

/// The last snapshot opened per index folder (see ``IndexSnapshot/current(folder:)``).
final class SnapshotCache: @unchecked Sendable {
    static let shared = SnapshotCache()
    let lock = NSLock()
    var byFolder: [String: (key: String, snapshot: IndexSnapshot)] = [:]

    func get(_ key: String, folder: String) -> IndexSnapshot? {
        lock.lock()
        defer { lock.unlock() }
        return byFolder[folder].flatMap { $0.key == key ? $0.snapshot : nil }
    }

    func put(_ key: String, _ snapshot: IndexSnapshot, folder: String) {
        lock.lock()
        defer { lock.unlock() }
        byFolder[folder] = (key, snapshot)
    }
}

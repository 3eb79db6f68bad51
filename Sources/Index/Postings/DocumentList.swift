/// # A term's documents
///
/// The postings name passages; the search by document (the default) asks
/// of an AND which *documents* hold every word, and ranks them by the BM25
/// of the whole document, which needs each word's instances over the
/// document. Read from the passage postings, that is every posting of every
/// word in every document holding them all: at 251k passages, `font size`
/// by document read about 30,000 postings to rank 1,100 documents. A
/// term's **document list** holds, per document of the segment holding
/// it, what that walk adds up: one entry per document, not per passage.
///
/// ```text
/// document list of a term (segment format 8 on; at its dictionary entry's
/// postings offset, before its postings, when ``DocumentListFormat/stored(passages:documents:)``):
///   varint byte length of the entries that follow
///   per document holding the term, by ascending document number:
///     varint document − previous document (the first: the document),
///     varint instances of the term in the document's passages here,
///     varint passages of the document here that hold it
/// ```
///
/// The entries count the segment's passages, deleted or not (the file is
/// never rewritten): a reader uses an entry only for a document none of
/// whose passages in that segment is deleted (``IndexSnapshot/DocumentRun/whole``),
/// and reads the passages of the others. A document split across segments
/// has an entry in each.
///
/// Only terms held by many passages, several per document on average, get
/// a list: for the others, the postings themselves are about as short, and
/// a reader groups them by document as it reads them
/// (``SegmentReader/documents(_:into:)`` does either).
public enum DocumentListFormat {
    /// Whether a term held by `passages` passages of `documents` documents
    /// has a document list: at least a full block of postings, and at least
    /// two passages per document on average.
    @inline(__always)
    public static func stored(passages: Int, documents: Int) -> Bool {
        passages >= 128 && documents >= 1 && passages >= 2 * documents
    }

    /// Appends a term's document list: `owners` ascending, each with its
    /// instances and passages.
    static func append(owners: UnsafeBufferPointer<UInt32>, instances: UnsafeBufferPointer<UInt32>, passages: UnsafeBufferPointer<UInt32>,
                       to out: inout [UInt8], scratch: inout [UInt8]) {
        scratch.removeAll(keepingCapacity: true)
        var previous: UInt32 = 0
        for k in owners.indices {
            appendVarint(UInt64(owners[k] - previous), to: &scratch)
            previous = owners[k]
            appendVarint(UInt64(instances[k]), to: &scratch)
            appendVarint(UInt64(passages[k]), to: &scratch)
        }
        appendVarint(UInt64(scratch.count), to: &out)
        out.append(contentsOf: scratch)
    }
}

/// A term's documents in one segment, as three parallel arrays by
/// ascending document (what a document list holds, or what a list of
/// passages adds up to, grouped by their documents).
public struct DocumentTally: Sendable {
    /// The documents, ascending.
    public private(set) var documents: [Int32] = []
    /// Per document, the term's instances there.
    public private(set) var instances: [Int32] = []
    /// Per document, its passages that hold the term.
    public private(set) var passages: [Int32] = []
    private var sorted = true

    public init() {}

    public var count: Int { documents.count }

    /// Empties the tally, keeping its memory.
    public mutating func removeAll() {
        documents.removeAll(keepingCapacity: true)
        instances.removeAll(keepingCapacity: true)
        passages.removeAll(keepingCapacity: true)
        sorted = true
    }

    /// Adds `count` passages of `document` holding `tf` instances in all.
    @inline(__always)
    public mutating func add(_ document: Int, instances tf: Int, passages count: Int = 1) {
        let d = Int32(truncatingIfNeeded: document)
        if let last = documents.last {
            if last == d {
                instances[instances.count - 1] &+= Int32(truncatingIfNeeded: tf)
                passages[passages.count - 1] &+= Int32(truncatingIfNeeded: count)
                return
            }
            if last > d { sorted = false }
        }
        documents.append(d)
        instances.append(Int32(truncatingIfNeeded: tf))
        passages.append(Int32(truncatingIfNeeded: count))
    }

    /// Replaces the tally with `count` entries that `fill` writes, in
    /// ascending order of document, each once (a stored list's: no test
    /// of order or repetition per entry).
    mutating func load(count: Int, _ fill: (UnsafeMutablePointer<Int32>, UnsafeMutablePointer<Int32>, UnsafeMutablePointer<Int32>) -> Void) {
        load(capacity: count) { d, i, p in
            fill(d, i, p)
            return count
        }
    }

    /// Replaces the tally with the entries `fill` writes, at most
    /// `capacity`, returning how many, in ascending order of document.
    private mutating func load(capacity: Int,
                               _ fill: (UnsafeMutablePointer<Int32>, UnsafeMutablePointer<Int32>, UnsafeMutablePointer<Int32>) -> Int) {
        // (A capacity of at least one: an empty buffer may have no address.)
        let capacity = max(capacity, 1)
        var written = 0
        var (i, p) = ([Int32](), [Int32]())
        let d = [Int32](unsafeUninitializedCapacity: capacity) { d, nd in
            i = [Int32](unsafeUninitializedCapacity: capacity) { i, ni in
                p = [Int32](unsafeUninitializedCapacity: capacity) { p, np in
                    written = fill(d.baseAddress!, i.baseAddress!, p.baseAddress!)
                    np = written
                }
                ni = written
            }
            nd = written
        }
        (documents, instances, passages, sorted) = (d, i, p, true)
    }

    /// Replaces the tally with at most `capacity` passages that `body`
    /// hands to its argument, each as its document and its instances:
    /// what ``add(_:instances:passages:)`` and ``finish()`` would make of
    /// them, written straight into the arrays (a prefix's thousands of
    /// matches per segment added one by one, each append checking three
    /// arrays, took a tenth of its search by document at 251k passages:
    /// 1.51 ms, now 1.33).
    public mutating func group(capacity: Int, _ body: ((_ document: Int32, _ instances: Int32) -> Void) -> Void) {
        var unsorted = false
        load(capacity: capacity) { d, i, p in
            var n = 0
            body { document, tf in
                if n > 0, d[n - 1] == document {
                    i[n - 1] &+= tf
                    p[n - 1] &+= 1
                    return
                }
                // (More documents than the dictionary counts passages: a
                // damaged segment. Those past it are left out, not a trap.)
                guard n < max(capacity, 1) else { return }
                if n > 0, d[n - 1] > document { unsorted = true }
                (d[n], i[n], p[n]) = (document, tf, 1)
                n += 1
            }
            return n
        }
        sorted = !unsorted
        finish()
    }

    /// Puts the documents in ascending order, one entry each (passages
    /// of one document need not have come together: pages added to it
    /// later, merged into one segment).
    public mutating func finish() {
        guard !sorted else { return }
        let order = documents.indices.sorted { documents[$0] < documents[$1] }
        let (d, i, p) = (documents, instances, passages)
        removeAll()
        for k in order { add(Int(d[k]), instances: Int(i[k]), passages: Int(p[k])) }
        sorted = true
    }
}

extension SegmentReader {
    /// `entry`'s term's documents in this segment: from its document list,
    /// or its postings grouped by document. Deleted passages count (see
    /// ``DocumentListFormat``): what a document with a deleted passage in
    /// this segment is given here is not its live passages'.
    public func documents(_ entry: TermEntry, into tally: inout DocumentTally) {
        if entry.documentList >= 0, entry.documentCount > 0 {
            // As many entries as the dictionary counts documents.
            let base = base
            var p = entry.documentList
            tally.load(count: entry.documentCount) { documents, instances, passages in
                var document: UInt64 = 0
                for k in 0..<entry.documentCount {
                    document &+= readVarint(base, &p)
                    documents[k] = Int32(truncatingIfNeeded: document)
                    instances[k] = Int32(truncatingIfNeeded: readVarint(base, &p))
                    passages[k] = Int32(truncatingIfNeeded: readVarint(base, &p))
                }
            }
            return
        }
        let owners = documents
        tally.group(capacity: entry.documentFrequency) { add in
            forEachFrequency(entry) { local, tf in add(Int32(truncatingIfNeeded: UInt32(littleEndian: owners[local])), Int32(truncatingIfNeeded: tf)) }
        }
    }
}

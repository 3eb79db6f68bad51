import Index

/// The best k documents seen so far, each ranked by its best passage
/// (lowest bm25, then lowest passage id), as results by document order
/// them: a binary heap whose root is the worst document kept, and the
/// place of each kept document in it, so that a better passage of a
/// document already kept moves it rather than adding it twice.
///
/// Documents left out by a search's filters (`within`) are never kept.
/// A document pushed out may come back: its best passage then is the one
/// that brings it back, since everything it had before scored below the
/// threshold that pushed it out, and thresholds only rise.
struct TopDocuments: Collector {
    /// A kept document and its best passage so far.
    struct Entry: Equatable {
        var bm25: Double
        var passage: Int64
        var document: Int
    }

    /// How many documents are kept at most.
    let capacity: Int
    /// The only documents kept, when set.
    let within: Set<Int>?
    /// The heap, worst at the root.
    private(set) var entries: [Entry] = []
    /// Where each kept document is in ``entries``, when more than
    /// ``scanned`` are kept (fewer are found by a scan of ``entries``,
    /// which costs less than hashing).
    private var places: [Int: Int] = [:]
    /// The most documents found by a scan.
    static let scanned = 32
    /// Whether ``places`` is kept.
    private let indexed: Bool

    /// The matches an AND's scorer met (``matched(_:_:)``), when counting:
    /// passages and documents (only those `within` the filter).
    private(set) var counted: Tally?
    /// The segment of the last match counted.
    private var lastReader: ObjectIdentifier?

    /// Collects, and counts every match an AND's scorer meets, documents
    /// numbered up to `largestDocument`.
    init(capacity: Int, within: Set<Int>? = nil, countingUpTo largestDocument: Int) {
        self.init(capacity: capacity, within: within)
        counted = Tally(documents: largestDocument, within: within, upTo: .max, passagesUpTo: .max)
    }

    @inline(__always)
    mutating func matched(_ local: Int, _ reader: SegmentReader) {
        guard counted != nil else { return }
        let id = ObjectIdentifier(reader)
        if id != lastReader {
            lastReader = id
            counted!.enterSegment()
        }
        _ = counted!.add(reader.documents[local])
    }

    init(capacity: Int, within: Set<Int>? = nil) {
        self.capacity = max(0, capacity)
        self.within = within
        indexed = self.capacity > Self.scanned
        entries.reserveCapacity(min(self.capacity, 1024))
        if indexed { places.reserveCapacity(min(self.capacity, 1024)) }
    }

    /// Where `document` is in ``entries``, if kept.
    @inline(__always)
    private func place(of document: Int) -> Int? {
        if indexed { return places[document] }
        for i in entries.indices where entries[i].document == document { return i }
        return nil
    }

    @inline(__always)
    static func better(_ a: Entry, _ b: Entry) -> Bool {
        a.bm25 != b.bm25 ? a.bm25 < b.bm25 : a.passage < b.passage
    }

    var isFull: Bool { entries.count >= capacity }

    var threshold: Double { isFull ? (capacity == 0 ? .infinity : -entries[0].bm25) : -.infinity }

    @inline(__always)
    func admits(_ bm25: Double) -> Bool {
        entries.count < capacity || (capacity > 0 && bm25 <= entries[0].bm25)
    }

    mutating func collect(_ local: Int, _ bm25: Double, _ reader: SegmentReader) {
        let document = reader.document(local)
        if let within, !within.contains(document) { return }
        let entry = Entry(bm25: bm25, passage: reader.passageID(local), document: document)
        if let at = place(of: document) {
            // Better now: further from the root.
            guard Self.better(entry, entries[at]) else { return }
            entries[at] = entry
            siftDown(at)
        } else if entries.count < capacity {
            entries.append(entry)
            if indexed { places[document] = entries.count - 1 }
            siftUp(entries.count - 1)
        } else if capacity > 0, Self.better(entry, entries[0]) {
            if indexed {
                places[entries[0].document] = nil
                places[document] = 0
            }
            entries[0] = entry
            siftDown(0)
        }
    }

    private mutating func swapAt(_ i: Int, _ j: Int) {
        entries.swapAt(i, j)
        guard indexed else { return }
        places[entries[i].document] = i
        places[entries[j].document] = j
    }

    private mutating func siftUp(_ start: Int) {
        var i = start
        while i > 0 {
            let parent = (i - 1) / 2
            // The worse of the two goes nearer the root.
            guard Self.better(entries[parent], entries[i]) else { return }
            swapAt(i, parent)
            i = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var i = start
        let n = entries.count
        while true {
            let l = 2 * i + 1, r = l + 1
            var worst = i
            if l < n, Self.better(entries[worst], entries[l]) { worst = l }
            if r < n, Self.better(entries[worst], entries[r]) { worst = r }
            if worst == i { return }
            swapAt(i, worst)
            i = worst
        }
    }

    /// The kept documents, best first.
    func sorted() -> [Entry] { entries.sorted(by: Self.better) }
}

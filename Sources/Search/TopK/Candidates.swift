import Index

/// # Candidates
///
/// Every match of a walk, scored, before any reaches the heap.
///
/// Offering each match to the heap as it comes costs a comparison whose
/// outcome is random until the heap holds good hits (a mispredicted branch
/// at every other passage) and an insertion for each passage better than
/// the k-th seen so far, about k · ln(n / k) of them. Here matches are
/// scored and counted in a histogram of score slices: 32 per octave (a
/// slice is 2–3% of the scores in it) over the eight octaves below a bound
/// on every score, anything lower in slice 0. A score's slice is read from
/// the top bits of its IEEE 754 pattern, which orders positive doubles as
/// their values, so slices are monotone in the score. The lowest slice b
/// such that slices b and above hold at least k passages settles the
/// matter: a passage in a lower slice scores below k others, so only the
/// passages in slice b and above, k and a few more, are offered to the
/// heap, at the end. Which hits the heap keeps does not depend on the order
/// it is offered them.
///
/// On a long list, scoring every match would cost a division each. Every
/// ``floorInterval`` passages kept, the slice holding the k-th best so far
/// becomes a floor: a passage holding one leaf is first tested against its
/// lower edge without a division (``BM25/Cutoff``), and most are then only
/// counted.
struct Candidates: ~Copyable {
    /// Slices of the histogram: 2^``sliceBits`` per octave, over the eight
    /// octaves below the bound.
    static let buckets = 256
    /// log2 of the slices per octave: the bits of the mantissa a slice keeps.
    static let sliceBits = 5
    /// Passages kept between two raises of the floor.
    static let floorInterval = 256
    let scores: UnsafeMutablePointer<Double>
    let locals: UnsafeMutablePointer<UInt32>
    let histogram: UnsafeMutablePointer<Int32>
    /// The slice of a score is its ``position(_:)`` less this.
    let base: Int
    /// The per-length parts of BM25 that scores are computed from.
    let table: BM25.LengthTable
    /// How many hits the heap keeps.
    let k: Int
    /// Passages kept.
    private(set) var count = 0
    /// Passages that match (kept or not).
    var matched = 0
    /// The slice below which no passage can be among the best k.
    private var floor = 0
    /// Below the floor's lower edge.
    private var cutoff: BM25.Cutoff

    /// Calls `body` with room for `capacity` passages whose scores (sums of
    /// contributions, −bm25, from `table`) lie below `bound`, offers the
    /// heap those that may be among its best, and returns the passages that
    /// matched.
    static func collect(capacity: Int, bound: Double, table: BM25.LengthTable, into heap: inout BoundedHeap, _ reader: SegmentReader,
                        _ body: (inout Candidates) -> Void) -> Int {
        withUnsafeTemporaryAllocation(of: Double.self, capacity: max(1, capacity)) { scores in
            withUnsafeTemporaryAllocation(of: UInt32.self, capacity: max(1, capacity)) { locals in
                withUnsafeTemporaryAllocation(of: Int32.self, capacity: buckets) { histogram in
                    histogram.initialize(repeating: 0)
                    var candidates = Candidates(scores: scores.baseAddress!, locals: locals.baseAddress!, histogram: histogram.baseAddress!,
                                                base: position(bound) - (buckets - 1), table: table, k: heap.capacity)
                    body(&candidates)
                    candidates.offer(to: &heap, reader)
                    return candidates.matched
                }
            }
        }
    }

    private init(scores: UnsafeMutablePointer<Double>, locals: UnsafeMutablePointer<UInt32>, histogram: UnsafeMutablePointer<Int32>,
                 base: Int, table: BM25.LengthTable, k: Int) {
        self.scores = scores
        self.locals = locals
        self.histogram = histogram
        self.base = base
        self.table = table
        self.k = k
        cutoff = BM25.Cutoff(threshold: -.infinity, averageLength: table.averageLength)
    }

    /// The top bits of a positive double's IEEE 754 pattern, exponent and
    /// ``sliceBits`` of mantissa: they order positive doubles as their values.
    @inline(__always)
    static func position(_ score: Double) -> Int {
        Int(truncatingIfNeeded: score.bitPattern &>> UInt64(52 - sliceBits))
    }

    /// The slice of `score`: monotone in it, below ``buckets``.
    @inline(__always)
    func bucket(_ score: Double) -> Int {
        min(Self.buckets - 1, max(0, Self.position(score) - base))
    }

    /// Keeps a passage and its score (−bm25); the caller counts it in ``matched``.
    @inline(__always)
    mutating func add(_ local: Int, _ score: Double) {
        scores[count] = score
        locals[count] = UInt32(truncatingIfNeeded: local)
        histogram[bucket(score)] &+= 1
        count &+= 1
        if count & (Self.floorInterval - 1) == 0 { raiseFloor() }
    }

    /// Counts a passage holding one leaf, `f` times, in `length` tokens, and
    /// keeps it unless it falls below the floor.
    @inline(__always)
    mutating func single(_ local: Int, _ idf: Double, _ f: UInt32, _ length: UInt32) {
        matched &+= 1
        if floor > 0, cutoff.excludes(idf: idf, f: f, length: length) { return }
        add(local, 0.0 + BM25.contribution(idf: idf, f: Double(f), norm: table.norm(length)))
    }

    /// The lowest slice whose slices and those above hold k passages (0 if none does).
    private func lowestHoldingK() -> Int {
        var held = 0
        var b = Self.buckets - 1
        while b > 0 {
            held += Int(histogram[b])
            if held >= k { return b }
            b -= 1
        }
        return 0
    }

    /// Whether no passage of a list (`count` postings at `docs` and `tfs`) of
    /// a leaf of inverse document frequency `idf` can reach the slice that
    /// holds the k-th best kept so far: the list's corner, its largest
    /// frequency in its shortest passage, falls below the slice.
    func excludesAll(_ idf: Double, _ tfs: UnsafePointer<UInt32>, _ docs: UnsafePointer<UInt32>, _ count: Int,
                     _ lengths: UnsafeBufferPointer<UInt32>) -> Bool {
        guard self.count >= k else { return false }
        let b = lowestHoldingK()
        guard b > 0 else { return false }
        var tf: UInt32 = 0, length = UInt32.max
        for x in 0..<count {
            tf = max(tf, tfs[x])
            length = min(length, lengths[Int(docs[x])])
        }
        var cutoff = self.cutoff
        cutoff.raise(to: edge(b))
        return cutoff.excludes(idf: idf, f: tf, length: length)
    }

    /// The least score in slice `b` (> 0): any score below it falls in a lower slice.
    private func edge(_ b: Int) -> Double { Double(bitPattern: UInt64(b + base) &<< UInt64(52 - Self.sliceBits)) }

    /// Raises the floor to the slice that holds the k-th best kept so far.
    mutating func raiseFloor() {
        let b = lowestHoldingK()
        guard b > floor else { return }
        floor = b
        cutoff.raise(to: edge(b))
    }

    /// Offers the heap the passages in the slices that hold its best.
    private func offer(to heap: inout BoundedHeap, _ reader: SegmentReader) {
        let lowest = count > k ? lowestHoldingK() : 0
        for i in 0..<count where bucket(scores[i]) >= lowest && scores[i] > 0 {
            let bm25 = -1.0 * scores[i]
            if heap.admits(bm25) { heap.insert(SearchHit(passageID: reader.passageID(Int(locals[i])), bm25: bm25)) }
        }
    }
}

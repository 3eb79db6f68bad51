import Index

/// # Collectors
///
/// A scorer walks a query's matches and hands each one it scores to a
/// *collector*, which decides what the search keeps (Lucene's and tantivy's
/// Weight → Scorer → Collector split). The collector tells the scorer, in
/// return, the score a match must reach to change anything
/// (``threshold``): a scorer passes over a block, a window or a passage
/// whose upper bound falls short of it (block-max, MaxScore, the
/// division-free ``BM25/Cutoff``) without scoring it. The same scorers
/// serve every collector:
///
/// | collector | keeps | its threshold | used by |
/// |---|---|---|---|
/// | ``BoundedHeap`` | the best k passages | the k-th best passage's score | `--flat`, `rank` |
/// | ``TopDocuments`` | the best k documents, each by its best passage | the k-th best document's score | by document with `--same-passage`, NEAR, an OR with a NOT (`Collapse.swift`) |
/// | ``Excluding`` | what the collector it wraps keeps, less the passages a NOT leaves out | the wrapped one's | `a NOT b` of words, flat or by document (`Excluding.swift`) |
///
/// A word, phrase, prefix or AND by document is not a collector over
/// passages: it matches whole documents (`WholeDocuments.swift`), from the
/// words' document lists, ranking by the whole document's BM25;
/// `--same-passage` goes through ``TopDocuments``. An OR by document is
/// ranked from the lists too, and its first documents again with the
/// words' proximity (`Rescoring.swift`); with a NOT it goes through
/// ``TopDocuments`` first.
///
/// A collector sees only scored matches; what it needs besides (how many
/// match, a shown document's other passages) is read afterwards, from the
/// postings, for the few documents a page shows (`DocumentPassages.swift`)
/// and by counting (`MatchCount.swift`).
///
/// Soundness of the thresholds: a match scoring below the k-th best passage
/// cannot enter the best k passages; a match scoring below the k-th best
/// document's best passage can neither bring its document into the best k
/// (it would rank below k others) nor improve a document already there
/// (whose best is at least that score). Ties are settled by passage id in
/// ``Collector/collect(_:_:_:)``, so the order scorers visit matches in
/// does not change what is kept.
protocol Collector: ~Copyable {
    /// Whether the collector holds as much as it keeps: until then, every
    /// match may change it.
    var isFull: Bool { get }
    /// The score (−bm25) a match must reach to change what is kept, once
    /// full (−∞ before).
    var threshold: Double { get }
    /// Whether a match of `bm25` may change what is kept (ties are settled
    /// by passage id in ``collect(_:_:_:)``).
    func admits(_ bm25: Double) -> Bool
    /// A match: local passage `local` of `reader`'s segment, scored `bm25`.
    mutating func collect(_ local: Int, _ bm25: Double, _ reader: SegmentReader)
    /// Every match an AND's scorer meets, scored or not (the AND scorers
    /// visit every one: leapfrog and short lists), for a collector that
    /// counts them; nothing by default.
    mutating func matched(_ local: Int, _ reader: SegmentReader)
}

extension Collector where Self: ~Copyable {
    @inline(__always)
    mutating func matched(_ local: Int, _ reader: SegmentReader) {}
}

extension BoundedHeap: Collector {
    @inline(__always)
    mutating func collect(_ local: Int, _ bm25: Double, _ reader: SegmentReader) {
        insert(SearchHit(passageID: reader.passageID(local), bm25: bm25))
    }
}

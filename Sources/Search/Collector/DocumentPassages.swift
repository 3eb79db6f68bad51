import Index

/// # A shown document's passages
///
/// ``TopDocuments`` knows each kept document by its best passage alone.
/// What a page shows besides — the document's next best passages and how
/// many of its passages match — is read from the postings of that document
/// only: its passages are one run of local numbers in one segment (the
/// index writer gives a document's passages their ids in one transaction,
/// ``IndexSnapshot/documentsAreRuns``), found from the best passage by the
/// segment's table of documents, and each leaf's walk seeks to the run
/// through its skip table. Every passage of the run that matches is scored
/// as any scorer scores it (contributions summed in query order), so the
/// passages shown and their order are the full ranking's.
extension Searcher {
    /// One document's matches: how many of its passages match, and the best
    /// of them asked for, best first.
    struct DocumentMatches {
        var matches: Int
        var hits: [SearchHit]
    }

    /// For each of `documents` (each by its best passage), its matches,
    /// keeping its best `keep(i)` passages for the i-th.
    func documentMatches(_ documents: [TopDocuments.Entry], keep: (Int) -> Int, _ leaves: QueryLeaves, and: Bool,
                         _ scorer: BM25) -> [DocumentMatches] {
        var out = [DocumentMatches](repeating: DocumentMatches(matches: 0, hits: []), count: documents.count)
        // Each document's run: its segment and first and last local numbers.
        var runs: [(segment: Int, lo: Int, hi: Int, index: Int)] = []
        runs.reserveCapacity(documents.count)
        for (index, entry) in documents.enumerated() {
            guard let (s, local) = snapshot.place(ofPassage: entry.passage) else { continue }
            let owners = snapshot.segments[s].documents
            let owner = owners[local]
            var lo = local, hi = local
            while lo > 0, owners[lo - 1] == owner { lo -= 1 }
            while hi + 1 < owners.count, owners[hi + 1] == owner { hi += 1 }
            runs.append((s, lo, hi, index))
        }
        runs.sort { ($0.segment, $0.lo) < ($1.segment, $1.lo) }
        let m = leaves.m
        var r = 0
        while r < runs.count {
            let s = runs[r].segment
            let reader = snapshot.segments[s], deleted = snapshot.deleted[s]
            // One walk per leaf for the segment's documents, in passage order.
            var walkers = (0..<m).map { leaves.walker(s, $0, reader) }
            while r < runs.count, runs[r].segment == s {
                let run = runs[r]
                r += 1
                for i in 0..<m { walkers[i]?.seek(run.lo) }
                var matches = 0
                var heap = BoundedHeap(capacity: keep(run.index))
                while true {
                    var d = PostingCursor.end
                    for i in 0..<m { if let walker = walkers[i] { d = min(d, walker.doc) } }
                    guard d <= run.hi else { break }
                    let length = Double(reader.length(d))
                    var sum = 0.0, held = 0
                    for i in 0..<m where walkers[i]?.doc == d {
                        sum += scorer.contribution(i, f: Double(walkers[i]!.tf), length: length)
                        held += 1
                        walkers[i]!.next()
                    }
                    guard !and || held == m, !deleted.contains(d) else { continue }
                    matches += 1
                    let bm25 = -1.0 * sum
                    if heap.admits(bm25) { heap.insert(SearchHit(passageID: reader.passageID(d), bm25: bm25)) }
                }
                out[run.index] = DocumentMatches(matches: matches, hits: heap.sorted())
            }
        }
        return out
    }
}

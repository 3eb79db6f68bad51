import Index

/// # A shown document's passages
///
/// ``TopDocuments`` knows each kept document by its best passage alone.
/// What a page shows besides — the document's next best passages and how
/// many of its passages match — is read from the postings of that document
/// only: its passages are a run of local numbers in one segment (the index
/// writer gives a document's passages their ids in one transaction), or a
/// few runs once it gained pages read by OCR later
/// (``IndexSnapshot/runs(of:)``), and each leaf's walk seeks to each run
/// through its skip table. Every passage of the runs that matches is scored
/// as any scorer scores it (contributions summed in query order), so the
/// passages shown and their order are the full ranking's.
///
/// A lone word in a segment without deletions, the usual search, reads
/// less (``loneWordMatches(_:lo:hi:keep:_:_:)``): a run's matches are counted from
/// the sizes of the blocks it covers, only the two at its ends decoded,
/// and its best passages are found block-max, the blocks taken best bound
/// first until one cannot beat the last kept. A manual of thousands of
/// passages then costs a few blocks, not all of them.
extension Searcher {
    /// One document's matches: how many of its passages match, and the best
    /// of them asked for, best first.
    struct DocumentMatches {
        var matches: Int
        var hits: [SearchHit]
    }

    /// For each of `documents`, its matches, keeping its best `keep(i)`
    /// passages for the i-th.
    func documentMatches(_ documents: [TopDocuments.Entry], keep: (Int) -> Int, _ leaves: QueryLeaves, and: Bool,
                         _ scorer: BM25, excluding excluded: ExcludedPassages? = nil) -> [DocumentMatches] {
        var out = [DocumentMatches](repeating: DocumentMatches(matches: 0, hits: []), count: documents.count)
        // Every run of every document, walked in segment and passage order.
        var runs: [(segment: Int, lo: Int, hi: Int, index: Int)] = []
        runs.reserveCapacity(documents.count)
        for (index, entry) in documents.enumerated() {
            for run in snapshot.runs(of: entry.document) { runs.append((Int(run.segment), Int(run.lo), Int(run.hi), index)) }
        }
        runs.sort { ($0.segment, $0.lo) < ($1.segment, $1.lo) }
        let m = leaves.m
        var r = 0
        while r < runs.count {
            let s = runs[r].segment
            let reader = snapshot.segments[s], deleted = snapshot.deleted[s], lengths = reader.lengths
            if m == 1, deleted.isEmpty, excluded == nil, case .term(let entry) = leaves.rows[s] {
                let cursor = reader.cursor(entry)
                while r < runs.count, runs[r].segment == s {
                    let run = runs[r]
                    r += 1
                    let (matches, best) = loneWordMatches(cursor, lo: run.lo, hi: run.hi, keep: keep(run.index), scorer, reader)
                    out[run.index].matches += matches
                    out[run.index].hits += best
                }
                continue
            }
            // One walk per leaf for the segment's runs, in passage order.
            leaves.withWalkers(s, reader, all: and) { walkers in
                while r < runs.count, runs[r].segment == s {
                    let run = runs[r]
                    r += 1
                    guard !walkers.isEmpty else { continue }
                    let keep = keep(run.index)
                    for w in walkers.indices { walkers[w].seek(run.lo) }
                    var matches = 0
                    var best: [SearchHit] = []
                    while true {
                        var d = PostingCursor.end
                        for w in walkers.indices { d = min(d, walkers[w].doc) }
                        guard d <= run.hi else { break }
                        let length = Double(lengths[d])
                        var sum = 0.0, held = 0
                        for w in walkers.indices where walkers[w].doc == d {
                            sum += scorer.contribution(walkers[w].leaf, f: Double(walkers[w].tf), length: length)
                            held += 1
                            walkers[w].next()
                        }
                        guard held == walkers.count || !and, !deleted.contains(d), excluded?.contains(s, d) != true else { continue }
                        matches += 1
                        Self.keepBest(SearchHit(passageID: reader.passageID(d), bm25: -1.0 * sum), keep, &best)
                    }
                    out[run.index].matches += matches
                    out[run.index].hits += best
                }
            }
        }
        for i in out.indices where !out[i].hits.isEmpty {
            out[i].hits.sort(by: BoundedHeap.better)
            out[i].hits.removeSubrange(min(keep(i), out[i].hits.count)...)
        }
        return out
    }

    /// Puts `hit` among `best`, the best `keep` so far, sorted, if it beats the last kept.
    @inline(__always)
    static func keepBest(_ hit: SearchHit, _ keep: Int, _ best: inout [SearchHit]) {
        guard keep > 0, best.count < keep || BoundedHeap.better(hit, best[best.count - 1]) else { return }
        if best.count == keep { best.removeLast() }
        var at = best.count
        while at > 0, BoundedHeap.better(hit, best[at - 1]) { at -= 1 }
        best.insert(hit, at: at)
    }

    /// A lone word's matches among passages `lo ... hi` of a segment without
    /// deletions (`cursor` over its postings there): how many, and the best
    /// `keep`, best first.
    func loneWordMatches(_ cursor: PostingCursor, lo: Int, hi: Int, keep: Int, _ scorer: BM25,
                         _ reader: SegmentReader) -> (matches: Int, best: [SearchHit]) {
        let blocks = cursor.blockCount
        // The first block reaching lo, and the first reaching hi (or the last).
        func firstReaching(_ target: Int) -> Int {
            var l = 0, h = blocks
            while l < h {
                let mid = (l + h) / 2
                if cursor.blockLast(mid) < target { l = mid + 1 } else { h = mid }
            }
            return l
        }
        let first = firstReaching(lo)
        guard first < blocks else { return (0, []) }
        let last = min(firstReaching(hi), blocks - 1)
        // The blocks at the run's ends are decoded: their passages in the run
        // counted and scored. Blocks strictly between lie wholly inside the
        // run: counted from their sizes, scored best bound first while their
        // bound can beat the last passage kept.
        let lengths = reader.lengths
        var matches = 0
        var best: [SearchHit] = []
        func score(_ b: Int, counting: Bool) {
            cursor.loadBlock(b)
            let (docs, tfs) = cursor.blockPostingsView()
            for j in 0..<docs.count {
                let d = Int(docs[j])
                guard d >= lo, d <= hi else { continue }
                if counting { matches += 1 }
                guard keep > 0 else { continue }
                let bm25 = -1.0 * (0.0 + scorer.contribution(0, f: Double(tfs[j]), length: Double(lengths[d])))
                Self.keepBest(SearchHit(passageID: reader.passageID(d), bm25: bm25), keep, &best)
            }
        }
        score(first, counting: true)
        if last != first { score(last, counting: true) }
        guard last - first > 1 else { return (matches, best) }
        for b in (first + 1)..<last { matches += cursor.postings(inBlock: b) }
        guard keep > 0 else { return (matches, best) }
        var order = ((first + 1)..<last).map { (bound: scorer.bound(0, cursor, block: $0), block: $0) }
        order.sort { $0.bound > $1.bound }
        for (bound, b) in order {
            if best.count == keep, prunable(bound, below: -best[keep - 1].bm25) { break }
            score(b, counting: false)
        }
        return (matches, best)
    }
}

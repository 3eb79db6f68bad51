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
                         _ scorer: BM25) -> [DocumentMatches] {
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
                        guard held == walkers.count || !and, !deleted.contains(d) else { continue }
                        matches += 1
                        let hit = SearchHit(passageID: reader.passageID(d), bm25: -1.0 * sum)
                        // The best `keep`, sorted: a hit goes in only if it beats the last kept.
                        guard keep > 0, best.count < keep || BoundedHeap.better(hit, best[best.count - 1]) else { continue }
                        if best.count == keep { best.removeLast() }
                        var at = best.count
                        while at > 0, BoundedHeap.better(hit, best[at - 1]) { at -= 1 }
                        best.insert(hit, at: at)
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
}

import Index

/// # Counting matches
///
/// How many passages and how many documents match, when a page needs it:
/// each leaf walked in passage order per segment (their union for an OR,
/// their intersection, leapfrogging through the skip tables, for an AND),
/// a document counted where the walk enters a new run of the segment's
/// table of documents. As Elasticsearch's `track_total_hits`, the count
/// is exact up to a bound of documents and stops there: a page of a common
/// word need not visit every posting to say "more than 1,000".
///
/// A lone word needs no walk: each segment's dictionary gives its numbers
/// of passages and of documents (segment format 6), exact in a segment
/// without deletions; only segments with deletions are walked.
extension Searcher {
    /// Matches counted: passages and documents, and whether every match was
    /// counted (else both are lower bounds, and at least `upTo` documents match).
    struct MatchCount: Equatable {
        var passages = 0
        var documents = 0
        var exact = true
    }

    /// Counts the passages and documents (only those `within` a set, when
    /// one is given) that `leaves` match, AND'ed or OR'ed, until `upTo`
    /// documents are counted and another one is met.
    func countMatches(_ leaves: QueryLeaves, and: Bool, within: Set<Int>?, upTo: Int) -> MatchCount {
        var count = MatchCount()
        let m = leaves.m
        let end = PostingCursor.end
        // Segments whose dictionary knows the lone word's documents.
        var known = [Bool](repeating: false, count: snapshot.segments.count)
        if m == 1, within == nil {
            for s in snapshot.segments.indices where snapshot.deleted[s].isEmpty {
                guard case .term(let entry) = leaves.rows[s], entry.documentCount >= 0 else { continue }
                count.passages += entry.documentFrequency
                count.documents += entry.documentCount
                known[s] = true
            }
        }
        for (s, reader) in snapshot.segments.enumerated() where !known[s] {
            var walkers: [LeafWalker] = []
            for i in 0..<m { if let walker = leaves.walker(s, i, reader) { walkers.append(walker) } }
            guard !walkers.isEmpty, !and || walkers.count == m else { continue }
            let owners = reader.documents, deleted = snapshot.deleted[s]
            var current = UInt32.max, counting = false
            while true {
                var d: Int
                if and {
                    d = walkers[0].doc
                    var agreed = 0
                    var i = 0
                    while d != end, agreed < walkers.count {
                        walkers[i].seek(d)
                        if walkers[i].doc == d {
                            agreed += 1
                        } else {
                            d = walkers[i].doc
                            agreed = 1
                        }
                        i = (i + 1) % walkers.count
                    }
                    guard d != end else { break }
                    for i in walkers.indices { walkers[i].next() }
                } else {
                    d = end
                    for walker in walkers { d = min(d, walker.doc) }
                    guard d != end else { break }
                    for i in walkers.indices where walkers[i].doc == d { walkers[i].next() }
                }
                guard !deleted.contains(d) else { continue }
                let owner = owners[d]
                if owner != current {
                    current = owner
                    counting = within?.contains(Int(UInt32(littleEndian: owner))) ?? true
                    if counting {
                        guard count.documents < upTo else {
                            count.exact = false
                            return count
                        }
                        count.documents += 1
                    }
                }
                if counting { count.passages += 1 }
            }
        }
        return count
    }
}

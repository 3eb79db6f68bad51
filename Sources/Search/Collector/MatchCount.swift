import Index

/// # Counting matches
///
/// How many passages and how many documents match, when a page needs it:
/// each leaf walked in passage order per segment (their union for an OR,
/// their intersection, leapfrogging through the skip tables, for an AND),
/// a document counted the first time the walk enters one of its runs of
/// passages (a bitset of the documents seen). As Elasticsearch's `track_total_hits`, the count
/// is exact up to a bound of documents and stops there: a page of a common
/// word need not visit every posting to say "at least 1,000".
///
/// A lone word needs no walk: each segment's dictionary gives its numbers
/// of passages and of documents (segment format 6), exact in a segment
/// without deletions; only segments with deletions are walked. (When some
/// document's passages are in two segments, a sum over segments would count
/// it twice: everything is walked.)
extension Searcher {
    /// Matches counted: passages and documents, and whether every match was
    /// counted (else both are lower bounds, and at least `upTo` documents match).
    struct MatchCount: Equatable {
        var passages = 0
        var documents = 0
        var exact = true
    }

    /// Counts the passages and documents (only those `within` a set, when
    /// one is given, and none a NOT leaves out) that `leaves` match, AND'ed
    /// or OR'ed, until `upTo` documents are counted and another one is met,
    /// or `passagesUpTo` passages are.
    func countMatches(_ leaves: QueryLeaves, and: Bool, within: Set<Int>?, upTo: Int, passagesUpTo: Int = .max,
                      excluding excluded: ExcludedPassages? = nil) -> MatchCount {
        var tally = Tally(documents: snapshot.largestDocument, within: within, upTo: upTo, passagesUpTo: passagesUpTo)
        let m = leaves.m
        let end = PostingCursor.end
        if !and, within == nil, excluded == nil, let most = orCountFromDictionaries(leaves, upTo: upTo) { return most }
        let known = m == 1 && within == nil && excluded == nil
            ? dictionaryCount(leaves, leaf: 0, into: &tally.count, seen: &tally.seen, enough: upTo) : []
        // The dictionaries' lower bound reached the bound: nothing is walked.
        guard tally.count.exact else { return tally.count }
        for (s, reader) in snapshot.segments.enumerated() where known.isEmpty || !known[s] {
            let owners = reader.documents, deleted = snapshot.deleted[s]
            if !and, m > 1 {
                // An OR's matches: its lists marked in a bitset of the
                // segment's passages, block by block, then read in order
                // until the bound (a walk of cursors in step was 1.6x slower
                // on `tikz OR node` at 251k passages, where the bound is not
                // reached; when the commonest word alone passes it, nothing is
                // walked, above).
                guard unionCount(leaves, s, reader, excluding: excluded, into: &tally) else {
                    tally.count.exact = false
                    return tally.count
                }
                continue
            }
            let stopped = leaves.withWalkers(s, reader, all: and) { walkers -> Bool in
                guard !walkers.isEmpty else { return false }
                tally.enterSegment()
                while true {
                    var d: Int
                    if and {
                        d = walkers[0].doc
                        var agreed = 0
                        var w = 0
                        while d != end, agreed < walkers.count {
                            walkers[w].seek(d)
                            if walkers[w].doc == d {
                                agreed += 1
                            } else {
                                d = walkers[w].doc
                                agreed = 1
                            }
                            w = w + 1 == walkers.count ? 0 : w + 1
                        }
                        guard d != end else { return false }
                        for w in walkers.indices { walkers[w].next() }
                    } else {
                        d = end
                        for w in walkers.indices { d = min(d, walkers[w].doc) }
                        guard d != end else { return false }
                        for w in walkers.indices where walkers[w].doc == d { walkers[w].next() }
                    }
                    guard !deleted.contains(d), excluded?.contains(s, d) != true else { continue }
                    guard tally.add(owners[d]) else { return true }
                }
            }
            if stopped {
                tally.count.exact = false
                return tally.count
            }
        }
        return tally.count
    }

    /// An OR's count when the dictionaries settle it: an OR matches at least
    /// the documents of its commonest word, and when those reach `upTo`,
    /// that word's count is the lower bound (not exact); nil otherwise.
    func orCountFromDictionaries(_ leaves: QueryLeaves, upTo: Int) -> MatchCount? {
        guard leaves.m > 1, upTo < .max else { return nil }
        var most = MatchCount()
        var seen = [UInt64](repeating: 0, count: snapshot.largestDocument / 64 + 1)
        for i in 0..<leaves.m {
            var one = MatchCount()
            let known = dictionaryCount(leaves, leaf: i, into: &one, seen: &seen, enough: upTo)
            guard !known.isEmpty, !known.contains(false) else { continue }
            if one.documents > most.documents { most = one }
        }
        guard most.documents >= upTo else { return nil }
        most.exact = false
        return most
    }

    /// Leaf `i`'s passages and documents, a plain word's, in the segments without
    /// deletions, read from their dictionaries, added to `count`; returns
    /// which segments those are (none when some segment's dictionary does
    /// not record documents, format 5). A document with passages in several
    /// of them is counted once: its runs there are sought in the word's
    /// postings, and the document is marked in `seen`, so that the walk of
    /// the other segments does not count it again.
    ///
    /// When the sum over segments, less the most it can overcount the split
    /// documents (each counted once per segment of it that has the word, at
    /// most), is more than `enough` documents, no run is sought: `count` is
    /// that lower bound, not exact, and nothing is marked in `seen` (the
    /// caller stops counting). A common word's count at the default bound
    /// of 1,000 documents thus reads no postings (the seeks to the runs of
    /// 1,200 split documents were 30% of `command` by document at 251k
    /// passages).
    func dictionaryCount(_ leaves: QueryLeaves, leaf i: Int, into count: inout MatchCount, seen: inout [UInt64],
                         enough: Int = .max) -> [Bool] {
        var known = [Bool](repeating: false, count: snapshot.segments.count)
        var entries = [SegmentReader.TermEntry?](repeating: nil, count: snapshot.segments.count)
        for s in snapshot.segments.indices {
            switch leaves.rows[s * leaves.m + i] {
            case .absent: known[s] = snapshot.deleted[s].isEmpty
            case .term(let entry):
                guard entry.documentCount >= 0 else { return [] }
                entries[s] = entry
                known[s] = snapshot.deleted[s].isEmpty
            case .matched: return []
            }
        }
        for s in snapshot.segments.indices where known[s] {
            count.passages += entries[s]?.documentFrequency ?? 0
            count.documents += entries[s]?.documentCount ?? 0
        }
        // The split documents' runs in those segments that the word has,
        // each segment's in passage order: one forward walk of its postings.
        guard !snapshot.splitDocuments.isEmpty else { return known }
        if enough < .max {
            var overcount = 0
            for segments in snapshot.splitDocumentSegments {
                var holding = 0
                for s in segments where known[Int(s)] && entries[Int(s)] != nil { holding += 1 }
                overcount += max(0, holding - 1)
            }
            if count.documents - overcount > enough {
                count.documents -= overcount
                count.exact = false
                return known
            }
        }
        var holding = [Int32](repeating: 0, count: snapshot.splitDocuments.count)
        var countedIn = [Int32](repeating: -1, count: snapshot.splitDocuments.count)
        for s in snapshot.segments.indices where known[s] {
            guard let entry = entries[s], !snapshot.splitRunsBySegment[s].isEmpty else { continue }
            let cursor = snapshot.segments[s].cursor(entry)
            for run in snapshot.splitRunsBySegment[s] {
                let place = Int(run.place)
                // A document counted once per segment, however many runs it has there.
                guard countedIn[place] != Int32(s) else { continue }
                cursor.seek(Int(run.lo))
                if cursor.doc == PostingCursor.end { break }
                if cursor.doc <= Int(run.hi) {
                    holding[place] += 1
                    countedIn[place] = Int32(s)
                }
            }
        }
        for (place, segments) in holding.enumerated() where segments > 0 {
            count.documents -= Int(segments) - 1
            let document = snapshot.splitDocuments[place]
            seen[document >> 6] |= UInt64(1) << UInt64(document & 63)
        }
        return known
    }

    /// Counts every passage and document an OR of `leaves` matches in segment
    /// `s`: each list marked in a bitset of the segment's passages (a plain
    /// word's block by block, without a step per posting through a cursor),
    /// then the set bits read in passage order, a document counted the first
    /// time one of its passages is met; false when the tally's bounds stop it.
    func unionCount(_ leaves: QueryLeaves, _ s: Int, _ reader: SegmentReader, excluding excluded: ExcludedPassages?,
                    into tally: inout Tally) -> Bool {
        var bits = [UInt64](repeating: 0, count: reader.count / 64 + 1)
        for i in 0..<leaves.m { leaves.mark(s, i, reader, into: &bits) }
        let owners = reader.documents, deleted = snapshot.deleted[s]
        tally.enterSegment()
        for w in bits.indices {
            var word = bits[w]
            while word != 0 {
                let d = w << 6 | word.trailingZeroBitCount
                word &= word &- 1
                guard !deleted.contains(d), excluded?.contains(s, d) != true else { continue }
                guard tally.add(owners[d]) else { return false }
            }
        }
        return true
    }
}

/// Passages and documents counted as a walk meets them, segment after
/// segment and in passage order within one: a document is counted the first
/// time one of its passages is met (a bit per document), only those
/// `within` a filter, until a bound.
struct Tally {
    var count = Searcher.MatchCount()
    /// Documents counted, a bit each.
    var seen: [UInt64]
    let within: Set<Int>?
    let upTo: Int
    let passagesUpTo: Int
    /// The document of the last passage met, and whether it is counted.
    private var current = UInt32.max
    private var counting = false

    /// A tally of documents numbered up to `documents`.
    init(documents: Int, within: Set<Int>?, upTo: Int, passagesUpTo: Int) {
        seen = [UInt64](repeating: 0, count: documents / 64 + 1)
        self.within = within
        self.upTo = upTo
        self.passagesUpTo = passagesUpTo
    }

    /// Before the first passage of a segment.
    mutating func enterSegment() { current = .max }

    /// A matching passage of document `owner` (as the segment stores it);
    /// false, counting nothing, when a bound is reached.
    @inline(__always)
    mutating func add(_ owner: UInt32) -> Bool {
        if owner != current {
            current = owner
            let document = Int(UInt32(littleEndian: owner))
            counting = within?.contains(document) ?? true
            let word = document >> 6, bit = UInt64(1) << UInt64(document & 63)
            if counting, seen[word] & bit == 0 {
                guard count.documents < upTo else { return false }
                seen[word] |= bit
                count.documents += 1
            }
        }
        guard counting else { return true }
        guard count.passages < passagesUpTo else { return false }
        count.passages += 1
        return true
    }
}

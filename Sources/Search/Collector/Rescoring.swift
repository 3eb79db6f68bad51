import Foundation
import Index

/// # An OR's documents, ranked as documents
///
/// A question typed as words OR'ed (`pressure distribution OR supersonic
/// OR wing`) is better answered by what the whole document says of them,
/// and by how close they stand, than by FTS5's BM25 of its best passage.
/// An OR of up to ``Searcher/unionLeaves`` words without a NOT
/// (``Searcher/unionDocumentPage(_:perDocument:offset:limit:within:countUpTo:)``)
/// ranks **every** matching document by the BM25 of the whole document,
/// read from the words' document lists (`Index/Postings/DocumentList.swift`)
/// without a passage read; then, as Elasticsearch's `rescore` (a
/// `window_size` of the first hits ranked again by a costlier query) and
/// Lucene's `QueryRescorer`, its first ``Searcher/rescoreWindow`` documents
/// are ranked again with their words' proximity added, which needs their
/// positions; the pages after them keep the first order. An OR with a NOT,
/// or wider, is collected by its best passage (`Collapse.swift`) and its
/// window taken from that ranking (``Searcher/rescoredPage(_:excluding:perDocument:offset:limit:page:)``).
/// Either way the window's documents are one set whatever the page, so
/// paging neither repeats nor loses one.
///
/// A document's new score (``Searcher/rescored(_:_:_:excluding:)``) is read
/// from its passages:
///
/// - **the BM25 of the whole document** (``Searcher/DocumentScoring``: k1 =
///   1.2, b = 0.75, each word's instances over the document, its length
///   against the average document's) with FTS5's idf over documents,
///   ln((N − n + 0.5) / (n + 0.5)); a word repeated in the query counts once
///   per time written, as FTS5 counts it;
/// - **term-pair proximity** (Büttcher, Clarke & Lushman, *Term proximity
///   scoring for ad-hoc retrieval on very large text collections*, SIGIR
///   2006), weighed ``Searcher/proximityWeight``: in a passage, every two
///   neighbouring instances of different words t and u at distance d add
///   idf(u)/d² to t's accumulator and idf(t)/d² to u's (idf = ln(N/n) over
///   documents), and the document gains Σ min(1, idf(t)) · acc(t) (k1 + 1)
///   / (acc(t) + K), K being the BM25 length factor k1 (1 − b + b · length
///   / average). Positions are read in at most ``Searcher/proximityPassages``
///   passages of each run of the document, those where the most of the
///   words meet: a manual of thousands of passages costs a few;
/// - a word counts for neither when it is a **stop word** as typed
///   (``QueryTerm/stop``: *I, am, what, the, de, qué*; `Analysis/StopWords.swift`)
///   or is in more than half the documents, unless every word is.
///
/// **How it was chosen**, by nDCG@10 against FTS5's BM25 over each paper's
/// text, the query's words OR'ed (`bench/cranfield.py`), on four test
/// collections: Cranfield (225 queries), CISI (76), CACM (52) and TIME (83);
/// then measured once on two held out, NPL (93) and LISA (35):
///
/// | ranking | Cranfield | CISI | CACM | TIME | NPL | LISA |
/// |---|---:|---:|---:|---:|---:|---:|
/// | before: Lucene's idf, proximity weighed 1, no stop words | +3.4% | −3.6% | −4.9% | −2.7% | −3.3% | −0.4% |
/// | stop words left out, as before otherwise | +5.3% | +3.3% | +6.0% | −2.1% | | |
/// | stop words left out, no proximity | +2.7% | +7.6% | +6.6% | −0.3% | | |
/// | stop words, proximity 0.25, Lucene's idf | +4.4% | +8.4% | +7.1% | −0.8% | | |
/// | **stop words, proximity 0.25, FTS5's idf** | **+3.9%** | **+7.8%** | **+7.3%** | **−0.1%** | **+4.1%** | **−0.1%** |
///
/// Questions typed as prose (CISI's median 37 distinct words, CACM's) had
/// been ranked by which documents hold *I*, *what*, *are*: rare in
/// abstracts, so weighty. A proximity weight of 0.1 to 0.35 and either idf
/// are within a point of the chosen row on every collection; FTS5's idf
/// is kept for the smallest loss on any (TIME's short questions of names).
/// First, in Python over FTS5's own tokens (`bench/ranking`), proximity had
/// been chosen on Cranfield alone (+3.5% with the first 20 documents ranked
/// again, +3.7% at 30, +2.0% at 10): on the other collections it lost
/// until the stop words were left out. The window is 20: at 251k passages,
/// a window of 30 cost an OR of two common words by document a third more
/// than 20 did. Ranking every document as a document before the window
/// (rather than by its best passage) made an OR of two words by document
/// a third faster at 251k passages. Proximity is read from words (a phrase
/// or a prefix counts for the BM25, not for proximity). The flat search,
/// `--same-passage` and the tests' pages grouped from the full ranking
/// keep FTS5's order.
extension Searcher {
    /// How many of an OR's first documents are ranked again.
    static let rescoreWindow = 20
    /// The weight of the words' proximity against the document's BM25.
    static let proximityWeight = 0.25
    /// In how many passages of a document's run, at most, the positions of
    /// the words are read for their proximity: those where the most of
    /// them (the rarest, by their idf) meet.
    static let proximityPassages = 8

    /// The page `offset ..< offset + limit` of an OR's results by document
    /// with its first ``rescoreWindow`` documents ranked as documents:
    /// `page(offset, limit, perDocument, leaves)` makes a page in the passage
    /// ranking's order (a negative `perDocument`: its documents alone). The
    /// window's documents are read once to be scored and their matches
    /// counted; the passages of the documents shown, once the order is known.
    func rescoredPage(_ phrases: [Phrase], excluding excluded: ExcludedPassages?, perDocument: Int, offset: Int, limit: Int,
                      page: (_ offset: Int, _ limit: Int, _ perDocument: Int, _ leaves: QueryLeaves?) -> DocumentPage) -> DocumentPage {
        let window = Self.rescoreWindow
        guard phrases.count > 1, offset < window else { return page(offset, limit, perDocument, nil) }
        let end = limit > Int.max - offset ? Int.max : offset + limit
        // (The leaves looked up, or matched, once for both readings.)
        let leaves = QueryLeaves(self, phrases)
        let first = page(0, max(end, window), -1, leaves)
        let count = min(window, first.documents.count)
        let (scores, matches) = rescored(first.documents.prefix(count).map(\.id), phrases, leaves, excluding: excluded)
        // Higher score first; all else equal, the passage ranking's order.
        let order = (0..<count).sorted { scores[$0] != scores[$1] ? scores[$0] > scores[$1] : $0 < $1 } + Array(count..<first.documents.count)
        let shown = order.dropFirst(offset).prefix(limit).map { first.documents[$0] }
        let bm25 = BM25(rows: snapshot.passageCount, tokens: snapshot.tokenCount, hits: leaves.live)
        let read = documentMatches(shown.map { TopDocuments.Entry(bm25: 0, passage: 0, document: $0.id) }, keep: { _ in perDocument }, leaves,
                                   and: false, bm25, excluding: excluded)
        var documents: [DocumentPage.Document] = []
        var hits: [SearchHit] = []
        for (i, document) in shown.enumerated() {
            let rank = offset + i
            documents.append(.init(id: document.id, hits: hits.count..<(hits.count + read[i].hits.count), matches: read[i].matches,
                                   score: rank < count ? scores[order[rank]] : nil))
            hits += read[i].hits
        }
        let before = order.prefix(offset).reduce(0) { $0 + min(perDocument, matches[$1]) }
        // Lower bounds are at least what the window holds.
        let (passages, found) = first.totalIsExact ? (first.totalPassages, first.totalDocuments)
            : (max(first.totalPassages, matches.reduce(0, +)), max(first.totalDocuments, first.documents.count))
        return DocumentPage(documents: documents, hits: hits, totalPassages: passages, totalDocuments: found, passagesBefore: before,
                            totalIsExact: first.totalIsExact)
    }

    /// Which of an OR's `phrases` count for its ranking, their numbers of
    /// documents `frequencies` among `documents`: not a stop word
    /// (``QueryTerm/stop``), nor a word in more than half the documents;
    /// every one, if none is left.
    static func counted(_ phrases: [Phrase], _ frequencies: [Int], documents n: Double) -> [Bool] {
        let counted = zip(phrases, frequencies).map { phrase, f in
            Double(f) <= n / 2 && !(phrase.terms.count == 1 && phrase.terms[0].stop && !phrase.terms[0].prefix)
        }
        return counted.contains(true) ? counted : [Bool](repeating: true, count: phrases.count)
    }

    /// The score of each of `documents` for the OR of `phrases` (their
    /// `leaves`; see the top of this file), passages `excluded` left out,
    /// and how many of its passages match.
    func rescored(_ documents: [Int], _ phrases: [Phrase], _ leaves: QueryLeaves,
                  excluding excluded: ExcludedPassages?) -> (scores: [Double], matches: [Int]) {
        let m = leaves.m
        let n = Double(max(1, snapshot.documentCount))
        // The whole document's BM25, as an AND by document is ranked.
        let scoring = DocumentScoring(self, leaves, idf: .fts5)
        let (idf, averageLength) = (scoring.idf, scoring.averageLength)
        // Words in more than half the documents count for nothing, unless all are.
        let counted = Self.counted(phrases, scoring.frequencies, documents: n)
        // (A document in two segments counts in each, as the dictionaries count it: n never above N.)
        let pairIdf = scoring.frequencies.map { log(n / Double(max(1, min($0, Int(n))))) }
        // A word written twice in the query is one word: its first leaf (found
        // by hashing: an OR of a thousand words compared pairwise took 40 ms).
        struct Key: Hashable {
            let terms: [QueryTerm]
            let first: Bool
        }
        var firstLeaf: [Key: Int] = [:]
        let word: [Int] = phrases.indices.map { i in
            let key = Key(terms: Array(phrases[i].terms), first: phrases[i].first)
            if let earlier = firstLeaf[key] { return earlier }
            firstLeaf[key] = i
            return i
        }
        var tf = [Int](repeating: 0, count: m * documents.count)
        var accumulated = [Double](repeating: 0, count: m * documents.count)
        var matches = [Int](repeating: 0, count: documents.count)
        var runs: [(run: IndexSnapshot.DocumentRun, index: Int)] = []
        for (index, document) in documents.enumerated() {
            for run in snapshot.runs(of: document) { runs.append((run, index)) }
        }
        runs.sort { ($0.run.segment, $0.run.lo) < ($1.run.segment, $1.run.lo) }
        // Per passage of a run: whether it matches (the top bit) and how many
        // of the words that count it holds, and their idf summed.
        var capacity = 0
        var held = UnsafeMutablePointer<UInt32>.allocate(capacity: 0), weight = UnsafeMutablePointer<Double>.allocate(capacity: 0)
        var touched = UnsafeMutablePointer<Int32>.allocate(capacity: 0)
        defer {
            held.deallocate()
            weight.deallocate()
            touched.deallocate()
        }
        let matching: UInt32 = 1 << 31
        var instances: [(passage: Int32, position: UInt32, word: Int32)] = []
        var meet: [(passage: Int32, weight: Double)] = []
        var segment = -1
        var cursors: [PostingCursor?] = []
        var positional: [Bool] = []
        for (run, index) in runs {
            let s = Int(run.segment), reader = snapshot.segments[s], deleted = snapshot.deleted[s]
            if s != segment {
                segment = s
                cursors = (0..<m).map { word[$0] == $0 ? leaves.cursor(s, $0, reader) : nil }
                positional = (0..<m).map { i in
                    if case .term = leaves.rows[s * m + i] { true } else { false }
                }
            }
            let (lo, hi) = (Int(run.lo), Int(run.hi))
            if capacity < hi - lo + 1 {
                held.deallocate()
                weight.deallocate()
                touched.deallocate()
                capacity = hi - lo + 1
                touched = .allocate(capacity: capacity)
                held = .allocate(capacity: capacity)
                held.initialize(repeating: 0, count: capacity)
                weight = .allocate(capacity: capacity)
                weight.initialize(repeating: 0, count: capacity)
            }
            // 1. Each word's instances, and the passages holding it.
            var touchedCount = 0
            for i in 0..<m {
                guard let cursor = cursors[i] else { continue }
                cursor.seek(lo)
                // (Passages are chosen for proximity by the words whose positions are read.)
                let (counts, pair) = (counted[i], pairIdf[i])
                let meets = counts && positional[i]
                let filtered = !deleted.isEmpty || excluded != nil
                var f = 0
                // Block by block, from where the cursor stands.
                blocks: while cursor.doc <= hi {
                    let (docs, tfs) = cursor.blockPostingsView()
                    for j in cursor.indexInBlock..<docs.count {
                        let d = Int(docs[j])
                        guard d <= hi else { break blocks }
                        if filtered, deleted.contains(d) || excluded?.contains(s, d) == true { continue }
                        let k = d - lo
                        if held[k] == 0 {
                            touched[touchedCount] = Int32(k)
                            touchedCount += 1
                        }
                        held[k] |= matching
                        if counts { f += Int(tfs[j]) }
                        if meets {
                            held[k] &+= 1
                            weight[k] += pair
                        }
                    }
                    cursor.nextBlock()
                }
                tf[index * m + i] += f
            }
            matches[index] += touchedCount
            // 2. The passages where two or more meet, the most (by idf) first,
            // then the first: a bounded selection.
            meet.removeAll(keepingCapacity: true)
            for t in 0..<touchedCount {
                let k = Int(touched[t])
                let (words, w) = (held[k] & ~matching, weight[k])
                held[k] = 0
                weight[k] = 0
                if words > 1 {
                    if meet.count == Self.proximityPassages {
                        let last = meet[meet.count - 1]
                        guard w > last.weight || (w == last.weight && Int32(k) < last.passage) else { continue }
                        meet.removeLast()
                    }
                    var at = meet.count
                    while at > 0, w > meet[at - 1].weight || (w == meet[at - 1].weight && Int32(k) < meet[at - 1].passage) { at -= 1 }
                    meet.insert((Int32(k), w), at: at)
                }
            }
            guard !meet.isEmpty else { continue }
            meet.sort { $0.passage < $1.passage }
            // 3. Their words' positions, neighbours of different words paired.
            instances.removeAll(keepingCapacity: true)
            for i in 0..<m where cursors[i] != nil && positional[i] && counted[i] {
                guard let cursor = leaves.cursor(s, i, reader) else { continue }
                for (k, _) in meet {
                    let d = lo + Int(k)
                    cursor.seek(d)
                    guard cursor.doc == d else { continue }
                    _ = cursor.tf
                    for p in cursor.currentPositions() { instances.append((k, p, Int32(i))) }
                }
            }
            guard instances.count > 1 else { continue }
            instances.sort { ($0.passage, $0.position) < ($1.passage, $1.position) }
            for j in 1..<instances.count {
                let (a, b) = (instances[j - 1], instances[j])
                guard a.passage == b.passage, a.word != b.word, b.position > a.position else { continue }
                let d = Double(b.position - a.position)
                accumulated[index * m + Int(a.word)] += pairIdf[Int(b.word)] / (d * d)
                accumulated[index * m + Int(b.word)] += pairIdf[Int(a.word)] / (d * d)
            }
        }
        let scores = documents.indices.map { index in
            let norm = BM25.norm(length: Double(snapshot.length(ofDocument: documents[index])), averageLength: averageLength)
            var score = 0.0
            for i in 0..<m where counted[i] {
                // A repeated word: the instances its first leaf counted.
                let f = tf[index * m + word[i]]
                if f > 0 { score += BM25.contribution(idf: idf[i], f: Double(f), norm: norm) }
            }
            for i in 0..<m where word[i] == i && counted[i] {
                let a = accumulated[index * m + i]
                if a > 0 { score += Self.proximityWeight * min(1, pairIdf[i]) * a * (BM25.k1 + 1) / (a + norm) }
            }
            return score
        }
        return (scores, matches)
    }
}

extension Searcher {
    /// The most words of an OR ranked by ``unionDocumentPage(_:perDocument:offset:limit:within:countUpTo:)``;
    /// a wider OR (a pasted paragraph) by its passages, its window ranked again.
    static let unionLeaves = 64

    /// The page `offset ..< offset + limit` of an OR of `phrases` (two or
    /// more; no NOT) by document, every matching document ranked as a
    /// document, the first ``rescoreWindow`` then by their words' proximity
    /// too.
    ///
    /// The documents and each word's instances in them come from the
    /// words' document lists (`Index/Postings/DocumentList.swift`; a
    /// document with a deleted passage is read): each document is scored by
    /// the BM25 of the whole document that ``rescored(_:_:_:excluding:)``
    /// adds its proximity to, so a document's score in the window is never
    /// below the one that put it there. No passage is read to rank: only
    /// the window's and the page's. The documents are counted in full;
    /// their passages up to `countUpTo` (past it, a lower bound: each
    /// document holds one at least, and the union at least each word's
    /// passages).
    func unionDocumentPage(_ phrases: [Phrase], perDocument: Int, offset: Int, limit: Int, within: Set<Int>?,
                           countUpTo: Int) -> DocumentPage {
        let leaves = QueryLeaves(self, phrases)
        let m = leaves.m, largest = snapshot.largestDocument
        // 1. The documents holding any word, and each word's instances there.
        // (Each segment's lists once: the documents numbered first, then
        // their instances added up in a table of a row each.)
        var slot = [Int32](repeating: -1, count: largest + 1)
        var found: [Int] = []
        var tallies: [(leaf: Int, tally: DocumentTally)] = []
        for (s, reader) in snapshot.segments.enumerated() {
            for i in 0..<m {
                guard !leaves.isAbsent(s, i) else { continue }
                var tally = DocumentTally()
                leaves.documents(s, i, reader, into: &tally)
                tally.documents.withUnsafeBufferPointer { documents in
                    slot.withUnsafeMutableBufferPointer { slot in
                        for d32 in documents {
                            let d = Int(d32)
                            // (A number past the last live document's is a deleted passage's.)
                            guard d <= largest, slot[d] < 0, within?.contains(d) ?? true else { continue }
                            slot[d] = Int32(found.count)
                            found.append(d)
                        }
                    }
                }
                tallies.append((i, tally))
            }
        }
        var tf = [Int](repeating: 0, count: found.count * m)
        tf.withUnsafeMutableBufferPointer { tf in
            slot.withUnsafeBufferPointer { slot in
                for (i, tally) in tallies {
                    tally.documents.withUnsafeBufferPointer { documents in
                        tally.instances.withUnsafeBufferPointer { instances in
                            for k in 0..<documents.count {
                                let d = Int(documents[k])
                                guard d <= largest, slot[d] >= 0 else { continue }
                                tf[Int(slot[d]) * m + i] += Int(instances[k])
                            }
                        }
                    }
                }
            }
        }
        // Documents with a deleted passage: read (the lists count it still).
        let scorer = BM25(rows: snapshot.passageCount, tokens: snapshot.tokenCount, hits: leaves.live)
        func read(_ documents: [Int], keep: Int) -> [DocumentEvidence] {
            evidence(of: documents, leaves, required: m, scorer, excluded: nil, keep: keep, union: true)
        }
        var matches = [Int](repeating: -1, count: found.count)
        let lossy = found.indices.filter { snapshot.losesPassages[found[$0]] }
        for (at, e) in zip(lossy, read(lossy.map { found[$0] }, keep: -1)) {
            for i in 0..<m { tf[at * m + i] = e.tf[i] }
            matches[at] = e.together
        }
        // 2. Each scored as rescored(_:_:_:excluding:) scores it, without proximity.
        let scoring = DocumentScoring(self, leaves, idf: .fts5)
        let n = Double(max(1, snapshot.documentCount))
        let counted = Self.counted(phrases, scoring.frequencies, documents: n)
        var score = [Double](repeating: 0, count: found.count)
        for at in found.indices {
            let norm = BM25.norm(length: Double(snapshot.documentLengths[found[at]]), averageLength: scoring.averageLength)
            var sum = 0.0
            for i in 0..<m where counted[i] {
                let f = tf[at * m + i]
                if f > 0 { sum += BM25.contribution(idf: scoring.idf[i], f: Double(f), norm: norm) }
            }
            score[at] = sum
        }
        // (A document of a deleted passage's words alone matches nothing.)
        var live = found.indices.filter { matches[$0] != 0 }
        // 3. The order: by that score, then number; the window again with proximity.
        func before(_ a: Int, _ b: Int) -> Bool { score[a] != score[b] ? score[a] > score[b] : found[a] < found[b] }
        let (end, overflow) = offset.addingReportingOverflow(limit)
        let reach = max(Self.rescoreWindow, overflow ? live.count : end)
        var order: [Int]
        if reach < live.count / 4 {
            order = Self.first(reach, of: live, by: before)
        } else {
            live.sort(by: before)
            order = live
        }
        var windowScores: [Int: Double] = [:]
        if offset < Self.rescoreWindow {
            let window = Array(order.prefix(Self.rescoreWindow))
            let (scores, windowMatches) = rescored(window.map { found[$0] }, phrases, leaves, excluding: nil)
            for (k, at) in window.enumerated() {
                windowScores[at] = scores[k]
                matches[at] = windowMatches[k]
            }
            let reordered = window.indices.sorted { scores[$0] != scores[$1] ? scores[$0] > scores[$1] : $0 < $1 }.map { window[$0] }
            order.replaceSubrange(0..<window.count, with: reordered)
        }
        // 4. The page's documents read for their passages; those before it counted.
        let pageRange = min(offset, order.count)..<min(order.count, overflow ? order.count : end)
        let earlier = order.prefix(offset).filter { matches[$0] < 0 }
        let shownEvidence = read(pageRange.map { found[order[$0]] }, keep: perDocument)
        for (at, e) in zip(earlier, read(earlier.map { found[$0] }, keep: -1)) { matches[at] = e.together }
        var documents: [DocumentPage.Document] = []
        var hits: [SearchHit] = []
        for (k, rank) in pageRange.enumerated() {
            let at = order[rank], e = shownEvidence[k]
            matches[at] = e.together
            let shown = e.shown(keep: perDocument)
            documents.append(.init(id: found[at], hits: hits.count..<(hits.count + shown.count), matches: e.together,
                                   score: windowScores[at] ?? score[at]))
            hits += shown
        }
        let passagesBefore = order.prefix(offset).reduce(0) { $0 + min(perDocument, matches[$1]) }
        // 5. The passages in all, counted up to the bound.
        var passages = 0
        var uncounted: [Int] = []
        for at in found.indices where matches[at] != 0 {
            if matches[at] > 0 { passages += matches[at] } else { uncounted.append(at) }
        }
        var (total, exact) = (passages, true)
        if !uncounted.isEmpty {
            // A lower bound: a passage at least per document not counted and,
            // unfiltered, the commonest word's passages. Past the bound, nothing
            // more is read; else the union is counted as the flat search counts
            // it (its lists marked in a bitset per segment), up to the bound.
            let bound = max(passages + uncounted.count, within == nil ? leaves.live.max() ?? 0 : 0)
            if bound >= countUpTo {
                (total, exact) = (bound, false)
            } else {
                let count = countMatches(leaves, and: false, within: within, upTo: .max, passagesUpTo: countUpTo)
                (total, exact) = (count.exact ? count.passages : max(count.passages, bound), count.exact)
            }
        }
        var page = DocumentPage(documents: documents, hits: hits, totalPassages: total, totalDocuments: live.count,
                                passagesBefore: passagesBefore, totalIsExact: exact)
        page.documentsAreExact = true
        return page
    }
}

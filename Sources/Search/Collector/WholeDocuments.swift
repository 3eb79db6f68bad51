import Foundation
import Index

/// # Documents that match on all their words
///
/// FTS5 matches rows: `timber trafficking` matches a passage that holds
/// both words. A researcher means documents: the EU's trade guide, which
/// speaks of timber on p. 18 and of trafficking on p. 4, is a document about
/// both, though no one passage is. The default search (by document) reads
/// an AND of words, phrases and prefixes (`a b "c d" e*`, and `a b NOT c`)
/// that way: **a document matches when each of them occurs in some passage
/// of it** (a phrase, a prefix and NEAR keep their scope: the phrase is
/// in one passage). `--flat` and `--same-passage` keep FTS5's rule.
///
/// A single word, phrase or prefix is the AND of one part: its documents
/// are ranked as documents too (one word of a known document, drawn as
/// `bench/knownitem.py` draws them: MRR@10 0.636 against 0.547 by the best
/// passage on the bench corpus, 0.23 against 0.19 at 251k passages;
/// tantivy's whole documents 0.633 and 0.23). Its lists give each
/// document's passages too, so every document comes counted, and one that
/// cannot reach the page is counted and not scored (``DocumentFloor``).
///
/// ## Evidence and score
///
/// A document's passages that hold any of the query's leaves are read. From
/// them, per document (``DocumentEvidence``): each leaf's instances over the
/// whole document, how many passages hold every leaf ("together") and how
/// many hold any; for the documents a page shows, their passages scored as
/// FTS5 scores a passage (contributions summed in query order), the best
/// holding every leaf, and each leaf's best.
///
/// Documents are ranked by the BM25 of the whole document (``DocumentScoring``:
/// k1 = 1.2 and b = 0.75 as FTS5's, Lucene's idf over documents, the
/// document's length against the average), as tantivy and Lucene rank a
/// document; all else equal, a document with the words together in a
/// passage first. Chosen by measurement (`bench/knownitem.py`, two and three
/// words of a target document, in one passage or apart; docs/BENCHMARKS.md):
/// every weight given to the best passage (Callan 1994; Kaszkiel & Zobel
/// 1997) lifted the targets whose words share a passage and sank those whose
/// words are apart by more (0.05 of the best passage: 0.683 and 0.464 MRR@10
/// on the two sets of two words, against 0.660 and 0.532 for the document
/// alone, and tantivy's 0.656 and 0.528).
///
/// ## The walk
///
/// A document is a run of consecutive passages in one segment
/// (``IndexSnapshot/runs(of:)``). When every leaf is required (no
/// optional phrase of the words as typed), documents are ranked from the leaves'
/// **document lists** (`Index/Postings/DocumentList.swift`): per segment,
/// each leaf's documents with its instances there, stored for words held
/// by many passages and grouped from the postings for the others. The
/// lists are intersected by document, and a document is scored from the
/// instances they give, without a passage read: `font size` at 251k
/// passages reads about 2,000 entries per word where the walk below read
/// 30,000 postings. The lists count the segment's deleted passages too: a
/// document with a deleted passage there is read as below, and so is one
/// with a passage a NOT leaves out (`a NOT b`: only the documents where
/// `b` stands are read) and a document of several runs with either (those
/// without are scored from their segments' lists added up). Documents ranked so come without their
/// passages counted (whether the words are together, how many passages
/// match): ``page(of:perDocument:offset:limit:countUpTo:countAll:evidence:)`` reads
/// those it shows or follows and those tied in score near the page; the
/// others' passages are counted up to `countUpTo` (not at all once one
/// each passes it; many at once by ``passageCount(_:required:of:)``).
///
/// Otherwise, per segment, the leaves' walks leapfrog
/// by document: the rarest leaf's next passage names a document; every
/// other leaf seeks to the start of that document's run (skipping whole
/// blocks through its skip table) and, if its next passage lies past the
/// run, names the next candidate instead. Only a document that holds
/// every leaf has its postings read, each leaf's drained block by block
/// (the words' lists "up to their documents' ends"), for its counts: no
/// passage is scored to rank documents. A document in several runs (pages
/// read by OCR later, passages deleted in its middle) is read run by run
/// once the segments are done. The shown documents' passages are read
/// again and scored (``evidence(of:_:required:_:excluded:keep:)``) to show
/// their best.
///
/// ## Terms of the field
///
/// When a word of the AND is a code (`Annex B`, `source code W`,
/// `annotation #5`), the phrase of the words as typed is an optional leaf
/// (``typedPhrase(_:)``): it adds to the documents and passages that hold
/// that sequence and is never required.
///
/// ``exhaustiveDocumentPage(_:perDocument:offset:limit:within:excluding:)``
/// gives the same page from FTS5's evaluator run per part: the tests'
/// oracle, and the search of an AND whose parts are not leaves (`(a OR b) c`).
extension Searcher {
    /// What one document holds of a query's leaves, which fall in `parts`
    /// (the AND's operands: a leaf each, or the phrases of `(a OR b)`); a
    /// leaf of part −1 is optional (the phrase of the words as typed): it
    /// adds to scores where it occurs and is never required.
    struct DocumentEvidence {
        /// Per leaf, its part (leaves of one part are adjacent; optional
        /// ones, of part −1, come last).
        let part: [Int]
        /// Per leaf, its instances over the document's passages.
        var tf: [Int]
        /// Per leaf, its best contribution in one passage (0 when absent).
        var best: [Double]
        /// Per leaf, the passage of that best contribution, with that
        /// passage's score (all its leaves).
        var bestHit: [SearchHit?]
        /// Per part, the passages it matches.
        var partPassages: [Int]
        /// Passages where every part matches, and where at least one does.
        var together = 0, any = 0
        /// The best passage where every part matches.
        var bestTogether: SearchHit?
        /// The best passages where every part matches, as many as asked for.
        var kept: [SearchHit] = []

        init(leaves m: Int, parts: [Int]? = nil) {
            part = parts ?? Array(0..<m)
            tf = [Int](repeating: 0, count: m)
            best = [Double](repeating: 0, count: m)
            bestHit = [SearchHit?](repeating: nil, count: m)
            partPassages = [Int](repeating: 0, count: (part.max() ?? -1) + 1)
        }

        mutating func reset() {
            for i in tf.indices {
                tf[i] = 0
                best[i] = 0
                bestHit[i] = nil
            }
            for p in partPassages.indices { partPassages[p] = 0 }
            together = 0
            any = 0
            bestTogether = nil
            kept.removeAll(keepingCapacity: true)
        }

        /// Whether every part matches somewhere in the document.
        var coversAll: Bool { partPassages.allSatisfy { $0 > 0 } }

        /// The numbers a document is ranked by (``tf``, ``partPassages``,
        /// ``together``, ``any``), laid out in a row of this many integers.
        var countsWidth: Int { tf.count + partPassages.count + 2 }

        /// Adds the numbers a document is ranked by into row `row` of `table`.
        func addCounts(to table: inout [Int], row: Int) {
            var at = row * countsWidth
            for v in tf {
                table[at] += v
                at += 1
            }
            for v in partPassages {
                table[at] += v
                at += 1
            }
            table[at] += together
            table[at + 1] += any
        }

        /// Takes the numbers a document is ranked by from row `row` of
        /// `table`, and nothing else (the passages kept are reset).
        mutating func loadCounts(from table: [Int], row: Int) {
            reset()
            var at = row * countsWidth
            for i in tf.indices {
                tf[i] = table[at]
                at += 1
            }
            for p in partPassages.indices {
                partPassages[p] = table[at]
                at += 1
            }
            together = table[at]
            any = table[at + 1]
        }

        /// Passages shown for the document when the parts are scattered:
        /// each leaf's best, once each.
        var scatteredHits: [SearchHit] {
            var hits: [SearchHit] = []
            for (i, hit) in bestHit.enumerated() where part[i] >= 0 {
                if let hit, !hits.contains(where: { $0.passageID == hit.passageID }) { hits.append(hit) }
            }
            return hits.sorted(by: BoundedHeap.better)
        }

        /// Adds one passage: `id`, its length, and the instances of each leaf
        /// it holds (`count` pairs of leaf and frequency in `held`, in
        /// query order). The best `keep` passages where every part matches
        /// are kept.
        @inline(__always)
        mutating func add(_ id: Int64, length: Double, _ held: UnsafeMutableBufferPointer<(leaf: Int, tf: Int, c: Double)>, count: Int,
                          _ scorer: BM25, keep: Int) {
            guard count > 0 else { return }
            var sum = 0.0
            for k in 0..<count {
                held[k].c = scorer.contribution(held[k].leaf, f: Double(held[k].tf), length: length)
                sum += held[k].c
            }
            let hit = SearchHit(passageID: id, bm25: -1.0 * sum)
            var parts = 0, lastPart = -1
            for k in 0..<count {
                let leaf = held[k].leaf
                tf[leaf] += held[k].tf
                if bestHit[leaf] == nil || held[k].c > best[leaf] {
                    best[leaf] = held[k].c
                    bestHit[leaf] = hit
                }
                if part[leaf] >= 0, part[leaf] != lastPart {
                    lastPart = part[leaf]
                    partPassages[lastPart] += 1
                    parts += 1
                }
            }
            any += 1
            guard parts == partPassages.count else { return }
            together += 1
            if bestTogether == nil || BoundedHeap.better(hit, bestTogether!) { bestTogether = hit }
            Searcher.keepBest(hit, keep, &kept)
        }

        /// The passages to show, best first: the best `keep` where every
        /// part matches; when there is none, each leaf's best passage.
        func shown(keep: Int) -> [SearchHit] {
            together > 0 ? Array(kept.prefix(keep)) : scatteredHits
        }
    }

    /// A document's score from its evidence (see the top of this file):
    /// the BM25 of the whole document.
    struct DocumentScoring {
        /// Per leaf, its number of documents (``Searcher/documentFrequencies(_:)``).
        let frequencies: [Int]
        /// Per leaf, its idf over documents.
        let idf: [Double]
        /// Tokens per document, on average.
        let averageLength: Double

        /// Tokens per document of `snapshot`, on average.
        static func averageLength(_ snapshot: IndexSnapshot) -> Double {
            Double(snapshot.tokenCount) / Double(max(1, snapshot.documentCount))
        }

        /// Which idf a document's words are weighed by.
        enum Idf {
            /// Lucene's and tantivy's, ln(1 + (N − n + 0.5) / (n + 0.5)): an
            /// AND's documents, and a lone word's. FTS5's, without the 1 +,
            /// vanishes for a word in half the rows; over documents, far fewer
            /// than passages, most words are that common (and measured so, the
            /// known items fell from 0.660 to 0.620 MRR@10).
            case lucene
            /// FTS5's (Robertson and Spärck Jones's), ln((N − n + 0.5) / (n + 0.5)),
            /// 1e-6 at most (``BM25/idf(rows:hits:)``) over documents: an OR's
            /// documents, where a document of the commoner words alone competes
            /// with one of a rarer word (`Rescoring.swift` says how it was chosen).
            case fts5
        }

        init(_ searcher: Searcher, _ leaves: QueryLeaves, idf kind: Idf = .lucene) {
            let snapshot = searcher.snapshot
            let documents = max(1, snapshot.documentCount)
            averageLength = Self.averageLength(snapshot)
            frequencies = searcher.documentFrequencies(leaves)
            idf = frequencies.map { n in
                let n = min(n, documents)
                switch kind {
                case .lucene: return log(1 + (Double(documents) - Double(n) + 0.5) / (Double(n) + 0.5))
                case .fts5: return BM25.idf(rows: documents, hits: n)
                }
            }
        }

        /// `document` scored from its evidence, if every part matches in it.
        func scored(_ document: Int, _ e: DocumentEvidence, length: Int) -> ScoredDocument? {
            guard e.coversAll else { return nil }
            return ScoredDocument(document: document, score: score(e.tf, length: length), matches: e.together > 0 ? e.together : e.any,
                                  together: e.together > 0)
        }

        /// The BM25 of a document of `length` tokens holding `tf[i]` instances of each leaf.
        @inline(__always)
        func score(_ tf: [Int], length: Int) -> Double {
            let norm = BM25.norm(length: Double(length), averageLength: averageLength)
            var score = 0.0
            for i in idf.indices where tf[i] > 0 {
                score += BM25.contribution(idf: idf[i], f: Double(tf[i]), norm: norm)
            }
            return score
        }
    }

    /// A matching document, scored.
    struct ScoredDocument {
        var document: Int
        var score: Double
        /// Its passages that match (those holding every part, else those
        /// holding any), or −1 when not yet counted: ranked from its
        /// leaves' documents, its passages were not read.
        var matches: Int
        /// Whether a passage holds every part (false until counted).
        var together: Bool

        /// Whether ``matches`` and ``together`` are known.
        var counted: Bool { matches >= 0 }

        /// Higher score first; all else equal, the words together first; then the lower number.
        static func better(_ a: ScoredDocument, _ b: ScoredDocument) -> Bool {
            if a.score != b.score { return a.score > b.score }
            if a.together != b.together { return a.together }
            return a.document < b.document
        }
    }

    /// Per document of several runs (by place), what the segments' lists give
    /// of it: each leaf's instances, and of one leaf, its passages.
    struct SeveralRunTally {
        let m: Int
        /// By place and leaf, the instances.
        private(set) var tf: [Int]
        /// By place, the passages that hold the leaf (one leaf only).
        private(set) var passages: [Int]
        /// The places with an instance of the first leaf, as met (the
        /// others hold no document that matches).
        private(set) var touched: [Int] = []

        init(places: Int, leaves m: Int) {
            self.m = m
            tf = [Int](repeating: 0, count: places * m)
            passages = [Int](repeating: 0, count: m == 1 ? places : 0)
        }

        @inline(__always)
        mutating func add(_ place: Int, leaf i: Int, instances: Int32, passages count: Int32) {
            if i == 0, tf[place * m] == 0, instances > 0 { touched.append(place) }
            tf[place * m + i] += Int(instances)
            if m == 1 { passages[place] += Int(count) }
        }
    }

    /// Of one leaf's documents, those that cannot reach a page of the first
    /// `keep`: once `keep` documents are scored, a document whose score is
    /// below the `keep`-th best so far (tested without a division,
    /// ``BM25/Cutoff``) is counted, not scored nor kept (a common word's
    /// thousands of documents scored and sorted for a page of ten took a
    /// third of its search at 251k passages). Those it passes over are below
    /// the page's last document, never tied with it: the page is the same.
    struct DocumentFloor: ~Copyable {
        /// Whether it passes over anything (off: every document is scored).
        let on: Bool
        /// The best `keep` scores so far, as hits of −score (numbered by document).
        private var best: BoundedHeap
        private var cutoff: BM25.Cutoff
        /// Documents passed over, and their passages that match.
        private(set) var documents = 0, passages = 0

        /// A floor under the first `keep` documents, or one that is off.
        init(keep: Int?, averageLength: Double) {
            on = keep != nil
            best = BoundedHeap(capacity: keep ?? 0)
            // (A page of none: every document is passed over, and counted.)
            cutoff = BM25.Cutoff(threshold: keep == 0 ? .infinity : -.infinity, averageLength: averageLength)
        }

        /// Whether a document of `length` tokens with `f` instances of the
        /// leaf (of inverse document frequency `idf`) falls below the floor;
        /// if so it is counted, with its `passages`.
        @inline(__always)
        mutating func passesOver(idf: Double, f: Int32, length: Int32, passages: Int32) -> Bool {
            guard on, best.isFull,
                  cutoff.excludes(idf: idf, f: UInt32(truncatingIfNeeded: f), length: UInt32(truncatingIfNeeded: length)) else { return false }
            documents += 1
            self.passages += Int(passages)
            return true
        }

        /// `document`, scored `score`, kept.
        mutating func add(_ document: Int, _ score: Double) {
            guard on, best.admits(-score) else { return }
            best.insert(SearchHit(passageID: Int64(document), bm25: -score))
            if best.isFull { cutoff.raise(to: best.threshold) }
        }
    }

    /// Each leaf's number of documents: a word's from the segments'
    /// dictionaries (a document split across segments counts once per
    /// segment, as the dictionaries do; format 5 segments, which store no
    /// such number, by reading the word's list), a phrase's or a prefix's
    /// from its matches.
    func documentFrequencies(_ leaves: QueryLeaves) -> [Int] {
        var out = [Int](repeating: 0, count: leaves.m)
        for (s, reader) in snapshot.segments.enumerated() {
            let owners = reader.documents
            for i in 0..<leaves.m {
                switch leaves.rows[s * leaves.m + i] {
                case .absent: continue
                case .term(let entry) where entry.documentCount >= 0: out[i] += entry.documentCount
                case .term(let entry):
                    var last = -1
                    reader.forEachFrequency(entry) { local, _ in
                        let document = Int(UInt32(littleEndian: owners[local]))
                        if document != last { out[i] += 1 }
                        last = document
                    }
                case .matched(let locals, _):
                    var last = -1
                    for local in locals {
                        let document = Int(UInt32(littleEndian: owners[Int(local)]))
                        if document != last { out[i] += 1 }
                        last = document
                    }
                }
            }
        }
        return out
    }

    /// Calls `body` with the local number and frequency of each posting of
    /// `cursor` from the one it stands on through local number `hi`, and
    /// leaves it on the first posting past `hi`: a block's postings in one
    /// loop (inlined here, where `body` is known), not a step of `next` each.
    @inline(__always)
    func drain(_ cursor: PostingCursor, through hi: Int, _ body: (Int, Int) -> Void) {
        while cursor.doc <= hi {
            let (docs, tfs) = cursor.blockPostingsView()
            var j = cursor.indexInBlock
            guard Int(docs[docs.count - 1]) > hi else {
                while j < docs.count {
                    body(Int(docs[j]), Int(tfs[j]))
                    j += 1
                }
                cursor.nextBlock()
                continue
            }
            while Int(docs[j]) <= hi {
                body(Int(docs[j]), Int(tfs[j]))
                j += 1
            }
            cursor.seek(Int(docs[j]))
            return
        }
    }

    /// Scratch space for reading a run: per passage of the run, the sum of
    /// its leaves' contributions and how many it holds; the passages touched.
    struct RunScratch: ~Copyable {
        private(set) var capacity = 0
        var sum: UnsafeMutablePointer<Double>
        var held: UnsafeMutablePointer<Int32>
        var touched: UnsafeMutablePointer<Int32>
        /// Three bitsets over the run's passages (a leaf's, any leaf's,
        /// every leaf's), of ``words`` words each.
        var bits: UnsafeMutablePointer<UInt64>
        var words: Int { capacity / 64 + 1 }

        init() {
            sum = .allocate(capacity: 1)
            held = .allocate(capacity: 1)
            touched = .allocate(capacity: 1)
            bits = .allocate(capacity: 3)
        }

        deinit {
            sum.deallocate()
            held.deallocate()
            touched.deallocate()
            bits.deallocate()
        }

        /// Room for a run of `n` passages, every sum and count zero.
        mutating func reserve(_ n: Int) {
            guard n > capacity else { return }
            sum.deallocate()
            held.deallocate()
            touched.deallocate()
            bits.deallocate()
            capacity = max(n, capacity * 2)
            sum = .allocate(capacity: capacity)
            sum.initialize(repeating: 0, count: capacity)
            held = .allocate(capacity: capacity)
            held.initialize(repeating: 0, count: capacity)
            touched = .allocate(capacity: capacity)
            bits = .allocate(capacity: 3 * words)
        }
    }

    /// Reads the postings of `cursors` (one per leaf, in query order, nil
    /// for a leaf absent from the segment; each standing at or past `lo`)
    /// through local passage `hi` of segment `s` into `evidence`, leaf by
    /// leaf: each passage's contributions are summed in query order, as a
    /// scorer sums them. The best `keep` passages holding every leaf are kept.
    func readRun(_ cursors: [PostingCursor?], required: Int, lo: Int, hi: Int, _ s: Int, _ reader: SegmentReader, _ scorer: BM25,
                 excluded: ExcludedPassages?, keep: Int, union: Bool = false, into evidence: inout DocumentEvidence, _ scratch: inout RunScratch) {
        // Ranking needs only the counts (`keep` < 0): no passage is scored,
        // and the counts come from bitsets.
        guard keep >= 0 else {
            countRun(cursors, required: required, lo: lo, hi: hi, s, excluded: excluded, union: union, into: &evidence, &scratch)
            return
        }
        scratch.reserve(hi - lo + 1)
        let (sum, held, touched) = (scratch.sum, scratch.held, scratch.touched)
        let lengths = reader.lengths
        var n = 0
        // Each leaf's best passage.
        var bestLocal = [Int](repeating: -1, count: cursors.count)
        for (i, cursor) in cursors.enumerated() {
            guard let cursor else { continue }
            var tf = 0, passages = 0, best = evidence.bestHit[i] == nil ? -Double.infinity : evidence.best[i], at = -1
            let idf = scorer.idf[i], table = lengthTable
            let optional = i >= required
            drain(cursor, through: hi) { local, f in
                if let excluded, excluded.contains(s, local) { return }
                let k = local - lo
                // (An optional leaf, the words' phrase, stands only where they do.)
                guard !optional || held[k] > 0 else { return }
                if held[k] == 0 {
                    touched[n] = Int32(k)
                    n += 1
                }
                if !optional { held[k] += 1 }
                tf += f
                passages += 1
                // (The table's values are BM25.contribution's, to the bit.)
                let c = table.contribution(idf: idf, f: UInt32(truncatingIfNeeded: f), length: UInt32(littleEndian: lengths[local]))
                sum[k] += c
                if c > best {
                    best = c
                    at = local
                }
            }
            evidence.tf[i] += tf
            if !optional { evidence.partPassages[i] += passages }
            if at >= 0 {
                evidence.best[i] = best
                bestLocal[i] = at
            }
        }
        for i in bestLocal.indices where bestLocal[i] >= 0 {
            evidence.bestHit[i] = SearchHit(passageID: reader.passageID(bestLocal[i]), bm25: -1.0 * sum[bestLocal[i] - lo])
        }
        let m = Int32(required)
        evidence.any += n
        for j in 0..<n {
            let k = Int(touched[j])
            if held[k] == m || union {
                evidence.together += 1
                let hit = SearchHit(passageID: reader.passageID(lo + k), bm25: -1.0 * sum[k])
                if evidence.bestTogether == nil || BoundedHeap.better(hit, evidence.bestTogether!) { evidence.bestTogether = hit }
                if keep > 0 { Self.keepBest(hit, keep, &evidence.kept) }
            }
            held[k] = 0
            sum[k] = 0
        }
    }

    /// What ``readRun(_:required:lo:hi:_:_:_:excluded:keep:into:_:)`` adds to
    /// `evidence` when nothing is scored (the ranking of documents): each
    /// leaf's instances and passages, and the passages holding every leaf
    /// and any, from bitsets of the run's passages (a word per 64), ANDed
    /// and ORed leaf by leaf and counted, not from a count per passage and
    /// a list of the passages touched (half the time of `font size` by
    /// document was that bookkeeping, per posting).
    func countRun(_ cursors: [PostingCursor?], required: Int, lo: Int, hi: Int, _ s: Int, excluded: ExcludedPassages?, union: Bool = false,
                  into evidence: inout DocumentEvidence, _ scratch: inout RunScratch) {
        scratch.reserve(hi - lo + 1)
        let words = (hi - lo) / 64 + 1
        let leaf = scratch.bits, any = scratch.bits + words, all = scratch.bits + 2 * words
        any.update(repeating: 0, count: words)
        all.update(repeating: required > 0 ? ~0 : 0, count: words)
        for (i, cursor) in cursors.enumerated() {
            let optional = i >= required
            guard let cursor else {
                if !optional { all.update(repeating: 0, count: words) }
                continue
            }
            leaf.update(repeating: 0, count: words)
            var tf = 0, passages = 0
            drain(cursor, through: hi) { local, f in
                if let excluded, excluded.contains(s, local) { return }
                let k = local - lo, w = k >> 6, bit = UInt64(1) << UInt64(k & 63)
                // (An optional leaf, the words' phrase, stands only where they do.)
                guard !optional || any[w] & bit != 0 else { return }
                leaf[w] |= bit
                tf += f
                passages += 1
            }
            evidence.tf[i] += tf
            guard !optional else { continue }
            evidence.partPassages[i] += passages
            for w in 0..<words {
                any[w] |= leaf[w]
                all[w] &= leaf[w]
            }
        }
        var together = 0, held = 0
        for w in 0..<words {
            together += all[w].nonzeroBitCount
            held += any[w].nonzeroBitCount
        }
        evidence.any += held
        evidence.together += union ? held : together
    }

    /// The evidence of each of `documents` (read run by run, in segment
    /// and passage order), keeping each one's best `keep` passages holding
    /// every leaf (with `union`, any leaf: ``DocumentEvidence/together``
    /// then counts the passages holding any).
    func evidence(of documents: [Int], _ leaves: QueryLeaves, required: Int, _ scorer: BM25, excluded: ExcludedPassages?,
                  keep: Int, union: Bool = false) -> [DocumentEvidence] {
        var out = [DocumentEvidence](repeating: DocumentEvidence(leaves: leaves.m, parts: Self.parts(leaves.m, required: required)),
                                     count: documents.count)
        var runs: [(run: IndexSnapshot.DocumentRun, index: Int)] = []
        for (index, document) in documents.enumerated() {
            for run in snapshot.runs(of: document) { runs.append((run, index)) }
        }
        runs.sort { ($0.run.segment, $0.run.lo) < ($1.run.segment, $1.run.lo) }
        var scratch = RunScratch()
        var segment = -1
        var cursors: [PostingCursor?] = []
        for (run, index) in runs {
            let s = Int(run.segment), reader = snapshot.segments[s]
            if s != segment {
                segment = s
                cursors = (0..<leaves.m).map { leaves.cursor(s, $0, reader) }
            }
            for cursor in cursors { cursor?.seek(Int(run.lo)) }
            readRun(cursors, required: required, lo: Int(run.lo), hi: Int(run.hi), s, reader, scorer, excluded: excluded, keep: keep,
                    union: union, into: &out[index], &scratch)
        }
        return out
    }

    /// Each leaf's part: its own for the first `required`, −1 (optional) for the rest.
    static func parts(_ m: Int, required: Int) -> [Int] { (0..<m).map { $0 < required ? $0 : -1 } }

    /// Every document holding each of the first `required` of `leaves`
    /// (outside `excluded` passages; only those `within` a filter), scored
    /// (see the top of this file); the leaves after them are optional.
    ///
    /// With a `floor` (of one leaf, every one required),
    /// the documents it passes over are counted there, not returned.
    func matchingDocuments(_ leaves: QueryLeaves, required: Int, within: Set<Int>?, excluded: ExcludedPassages?,
                           floor: inout DocumentFloor) -> [ScoredDocument] {
        let scorer = BM25(rows: snapshot.passageCount, tokens: snapshot.tokenCount, hits: leaves.live)
        let scoring = DocumentScoring(self, leaves)
        var found: [ScoredDocument] = []
        func consider(_ document: Int, _ evidence: DocumentEvidence, length: Int? = nil) {
            if let scored = scoring.scored(document, evidence, length: length ?? snapshot.length(ofDocument: document)) { found.append(scored) }
        }
        if let within, within.count <= Self.fewDocuments {
            let documents = within.sorted()
            for (document, evidence) in zip(documents, evidence(of: documents, leaves, required: required, scorer, excluded: excluded, keep: -1)) {
                consider(document, evidence)
            }
            return found
        }
        var current = DocumentEvidence(leaves: leaves.m, parts: Self.parts(leaves.m, required: required))
        var scratch = RunScratch()
        // Every leaf required: ranked from the leaves' documents
        // (DocumentList.swift), no passage read but those of documents with
        // a passage deleted or left out by a NOT.
        let byLists = required == leaves.m
        var tallies = [DocumentTally](repeating: DocumentTally(), count: byLists ? leaves.m : 0)
        var severalTally = SeveralRunTally(places: byLists ? snapshot.documentsInSeveralRuns.count : 0, leaves: leaves.m)
        for (s, reader) in snapshot.segments.enumerated() {
            if byLists {
                var maimed: [IndexSnapshot.DocumentRun] = []
                found += documentsFromLists(leaves, s, reader, scoring, within: within, excluded: excluded, &tallies, &severalTally,
                                            maimed: &maimed, floor: &floor)
                guard !maimed.isEmpty else { continue }
                // Those with a deleted passage, read in passage order with one
                // cursor per leaf (a prefix's or a phrase's is its matches
                // gathered: made once per segment, not once per document).
                maimed.sort { $0.lo < $1.lo }
                let cursors = (0..<leaves.m).map { leaves.cursor(s, $0, reader) }
                for run in maimed {
                    for cursor in cursors { cursor?.seek(Int(run.lo)) }
                    current.reset()
                    readRun(cursors, required: required, lo: Int(run.lo), hi: Int(run.hi), s, reader, scorer, excluded: excluded, keep: -1,
                            into: &current, &scratch)
                    if let scored = scoring.scored(Int(run.document), current, length: Int(run.tokens)) { found.append(scored) }
                }
                continue
            }
            guard (0..<required).allSatisfy({ !leaves.isAbsent(s, $0) }) else { continue }
            let cursors = (0..<leaves.m).map { leaves.cursor(s, $0, reader) }
            let runs = snapshot.runsBySegment[s]
            // The run local passage `d` is in, when its document is that one
            // run and the filter lets it through (runs are asked for in
            // passage order: `r` only moves forward).
            var r = 0
            func run(at d: Int) -> IndexSnapshot.DocumentRun? {
                while r < runs.count, Int(runs[r].hi) < d { r += 1 }
                guard r < runs.count, Int(runs[r].lo) <= d, runs[r].alone, within?.contains(Int(runs[r].document)) ?? true else { return nil }
                return runs[r]
            }
            var lead = 0
            for i in 0..<required where leaves.postings(s, i) < leaves.postings(s, lead) { lead = i }
            let leader = cursors[lead]!
            candidates: while leader.doc != PostingCursor.end {
                guard let at = run(at: leader.doc) else {
                    leader.next()
                    continue
                }
                let (lo, hi) = (Int(at.lo), Int(at.hi))
                for i in 0..<required where i != lead {
                    let cursor = cursors[i]!
                    cursor.seek(lo)
                    let next = cursor.doc
                    guard next <= hi else {
                        // Not in this document: the next candidate is the one this leaf is in.
                        guard next != PostingCursor.end else { break candidates }
                        leader.seek(run(at: next).map { Int($0.lo) } ?? next)
                        continue candidates
                    }
                }
                current.reset()
                for i in required..<leaves.m { cursors[i]?.seek(lo) }
                readRun(cursors, required: required, lo: lo, hi: hi, s, reader, scorer, excluded: excluded, keep: -1, into: &current, &scratch)
                consider(Int(at.document), current, length: Int(at.tokens))
            }
        }
        // Documents of several runs (pages read by OCR later, pages in
        // another language, passages deleted in the middle) were passed
        // over by the walk: those that hold every required leaf are read
        // whole, each segment's runs of them in passage order, one cursor
        // per leaf (not document by document: a segment's cursors made
        // again for each, and each one's runs looked up and sorted, were a
        // quarter of `font size` by document at 251k passages, where 1,200
        // documents are split by language).
        // (Their counts are added up in one table, a row per document: an
        // evidence of its own each, five arrays, cost a tenth of the query.)
        let several = snapshot.documentsInSeveralRuns
        var candidate: [Bool]
        if byLists {
            // Each leaf somewhere in the document: scored from its segments' lists
            // added up, unless a passage of it is deleted or left out (read below).
            candidate = [Bool](repeating: false, count: several.count)
            var touched = [Bool](repeating: false, count: excluded == nil ? 0 : several.count)
            if let excluded {
                for s in snapshot.segments.indices {
                    for run in snapshot.severalRunsBySegment[s] where excluded.any(s, Int(run.lo), Int(run.hi)) { touched[Int(run.place)] = true }
                }
            }
            var tf = [Int](repeating: 0, count: leaves.m)
            for place in severalTally.touched where within?.contains(several[place]) ?? true {
                for i in 0..<leaves.m { tf[i] = severalTally.tf[place * leaves.m + i] }
                guard !tf.contains(0) else { continue }
                let document = several[place]
                if !snapshot.losesPassages[document], touched.isEmpty || !touched[place] {
                    let one = leaves.m == 1 ? severalTally.passages[place] : -1
                    found.append(ScoredDocument(document: document, score: scoring.score(tf, length: Int(snapshot.documentLengths[document])),
                                                matches: one, together: leaves.m == 1))
                } else {
                    candidate[place] = true
                }
            }
        } else {
            candidate = severalRunCandidates(leaves, required: required, within: within)
        }
        var slot = [Int32](repeating: -1, count: several.count)
        var rows = 0
        for place in candidate.indices where candidate[place] {
            slot[place] = Int32(rows)
            rows += 1
        }
        guard rows > 0 else { return found }
        let width = current.countsWidth
        var table = [Int](repeating: 0, count: rows * width)
        for (s, reader) in snapshot.segments.enumerated() {
            let runs = snapshot.severalRunsBySegment[s]
            guard runs.contains(where: { slot[Int($0.place)] >= 0 }) else { continue }
            let cursors = (0..<leaves.m).map { leaves.cursor(s, $0, reader) }
            for run in runs where slot[Int(run.place)] >= 0 {
                for cursor in cursors { cursor?.seek(Int(run.lo)) }
                current.reset()
                readRun(cursors, required: required, lo: Int(run.lo), hi: Int(run.hi), s, reader, scorer, excluded: excluded, keep: -1,
                        into: &current, &scratch)
                current.addCounts(to: &table, row: Int(slot[Int(run.place)]))
            }
        }
        for place in candidate.indices where slot[place] >= 0 {
            current.loadCounts(from: table, row: Int(slot[place]))
            consider(several[place], current)
        }
        return found
    }

    /// The documents of segment `s` (`reader`) holding every leaf, each in
    /// one run of the snapshot (documents of several runs are read apart),
    /// and `within` the filter: those whose passages there are all live,
    /// scored from the leaves' documents (``DocumentTally``), their
    /// passages not counted (but for one leaf, whose documents' passages
    /// that hold it are the lists'); the others' runs are added to
    /// `maimed`, to be read. Documents of several runs have what this
    /// segment's lists give of them added to `several`.
    func documentsFromLists(_ leaves: QueryLeaves, _ s: Int, _ reader: SegmentReader, _ scoring: DocumentScoring, within: Set<Int>?,
                            excluded: ExcludedPassages?, _ tallies: inout [DocumentTally], _ several: inout SeveralRunTally,
                            maimed: inout [IndexSnapshot.DocumentRun], floor: inout DocumentFloor) -> [ScoredDocument] {
        let m = leaves.m
        for i in 0..<m { leaves.documents(s, i, reader, into: &tallies[i]) }
        // Documents of several runs, whichever leaves this segment holds of
        // them (of one leaf, met in the walk below, not in a pass of their own).
        let places = snapshot.placeInSeveralRuns
        let severalInWalk = m == 1 && !several.tf.isEmpty
        if !several.tf.isEmpty, !severalInWalk {
            for i in 0..<m {
                let (documents, instances, passages) = (tallies[i].documents, tallies[i].instances, tallies[i].passages)
                for k in documents.indices where Int(documents[k]) < places.count {
                    let place = Int(places[Int(documents[k])])
                    if place >= 0 { several.add(place, leaf: i, instances: instances[k], passages: passages[k]) }
                }
            }
        }
        guard !tallies.contains(where: { $0.count == 0 }) else { return [] }
        var lead = 0
        for i in 0..<m where tallies[i].count < tallies[lead].count { lead = i }
        var at = [Int](repeating: 0, count: m)
        let runs = snapshot.runsByDocument[s]
        let (plain, segment) = (snapshot.plainRuns, Int32(s))
        var r = 0
        var out: [ScoredDocument] = []
        var tf = [Int](repeating: 0, count: m)
        // (The lead's and the first leaf's arrays taken out of the tallies once, not per document.)
        let (leadDocuments, instances, passages, idf) = (tallies[lead].documents, tallies[0].instances, tallies[0].passages, scoring.idf[0])
        candidates: for k in leadDocuments.indices {
            let document = leadDocuments[k]
            for i in 0..<m where i != lead {
                let list = tallies[i].documents
                let j = gallop(from: at[i], count: list.count, linear: 8) { list[$0] < document }
                at[i] = j
                guard j < list.count else { break candidates }
                guard list[j] == document else { continue candidates }
            }
            let length: Int32
            if excluded == nil, Int(document) < plain.count, plain[Int(document)].segment == segment {
                // Most documents: one run, here, whole (found by number).
                guard within?.contains(Int(document)) ?? true else { continue }
                length = plain[Int(document)].tokens
            } else {
                if severalInWalk, Int(document) < places.count, places[Int(document)] >= 0 {
                    several.add(Int(places[Int(document)]), leaf: 0, instances: instances[k], passages: passages[k])
                    continue
                }
                // Its run here (none when its passages here are all deleted).
                // (A few steps one by one first: a common word's next document is
                // often the next run. A rare word's few documents, sought one by one
                // among a segment's 400 runs, took a tenth of its search by document.)
                r = gallop(from: r, count: runs.count, linear: 8) { runs[$0].document < document }
                guard r < runs.count, runs[r].document == document, runs[r].alone, within?.contains(Int(document)) ?? true else { continue }
                let run = runs[r]
                guard run.whole, !(excluded?.any(s, Int(run.lo), Int(run.hi)) ?? false) else {
                    maimed.append(run)
                    continue
                }
                length = run.tokens
            }
            if floor.passesOver(idf: idf, f: instances[k], length: length, passages: passages[k]) {
                continue
            }
            for i in 0..<m { tf[i] = Int(i == lead ? tallies[i].instances[k] : tallies[i].instances[at[i]]) }
            // One leaf: its passages here are the document's that match.
            let one = m == 1 ? Int(passages[k]) : -1
            let score = scoring.score(tf, length: Int(length))
            floor.add(Int(document), score)
            out.append(ScoredDocument(document: Int(document), score: score, matches: one, together: m == 1))
        }
        return out
    }

    /// How many passages of `documents` match an AND of the first
    /// `required` of `leaves` read on whole documents, in all: per
    /// document, those holding every leaf, else those holding any (as
    /// ``DocumentEvidence`` counts them). Per segment, each leaf's postings
    /// are marked in a bitset of the segment's passages (block by block, as
    /// the flat search counts an OR), the bitsets ANDed and ORed, and each
    /// run of the documents counted in them: a pass over the lists, not a
    /// seek and a read per document (counting every match, the documents of
    /// `font size` read one by one took 4x the flat search at 251k passages).
    func passageCount(_ leaves: QueryLeaves, required: Int, of documents: [Int], excluding excluded: ExcludedPassages? = nil) -> Int {
        var wanted = [Bool](repeating: false, count: snapshot.largestDocument + 1)
        for d in documents where d < wanted.count { wanted[d] = true }
        var together = [Int32](repeating: 0, count: wanted.count), any = [Int32](repeating: 0, count: wanted.count)
        for (s, reader) in snapshot.segments.enumerated() {
            let runs = snapshot.runsBySegment[s]
            guard runs.contains(where: { wanted[Int($0.document)] }) else { continue }
            let words = reader.count / 64 + 1
            var all = [UInt64](repeating: ~0, count: words), some = [UInt64](repeating: 0, count: words)
            var leaf = [UInt64](repeating: 0, count: words)
            for i in 0..<required {
                for w in leaf.indices { leaf[w] = 0 }
                leaves.mark(s, i, reader, into: &leaf)
                for w in 0..<words {
                    all[w] &= leaf[w]
                    some[w] |= leaf[w]
                }
            }
            if let excluded {
                let out = excluded.sets[s]
                for w in 0..<words {
                    all[w] &= ~out[w]
                    some[w] &= ~out[w]
                }
            }
            // (Runs hold live passages only: a deleted one is never inside a run.)
            func ones(_ bits: [UInt64], _ lo: Int, _ hi: Int) -> Int {
                var n = 0, at = lo
                while at <= hi {
                    let w = at >> 6, first = at & 63, last = min(63, first + hi - at)
                    let width = last - first + 1
                    let mask = width == 64 ? ~UInt64(0) : ((UInt64(1) << UInt64(width)) - 1) << UInt64(first)
                    n += (bits[w] & mask).nonzeroBitCount
                    at += width
                }
                return n
            }
            for run in runs where wanted[Int(run.document)] {
                together[Int(run.document)] += Int32(ones(all, Int(run.lo), Int(run.hi)))
                any[Int(run.document)] += Int32(ones(some, Int(run.lo), Int(run.hi)))
            }
        }
        return documents.reduce(0) { $0 + Int(together[$1] > 0 ? together[$1] : any[$1]) }
    }

    /// Per document of several runs (``IndexSnapshot/documentsInSeveralRuns``,
    /// by place), whether it holds each of the first `required` leaves in one
    /// of its runs (and the filter lets it through): each segment's runs of
    /// them in passage order, each leaf's postings sought forward to each
    /// run once.
    func severalRunCandidates(_ leaves: QueryLeaves, required: Int, within: Set<Int>?) -> [Bool] {
        let several = snapshot.documentsInSeveralRuns
        guard !several.isEmpty else { return [] }
        guard required <= 64 else { return several.map { within?.contains($0) ?? true } }
        var held = [UInt64](repeating: 0, count: several.count)
        for (s, reader) in snapshot.segments.enumerated() where !snapshot.severalRunsBySegment[s].isEmpty {
            for i in 0..<required {
                guard let cursor = leaves.cursor(s, i, reader) else { continue }
                for run in snapshot.severalRunsBySegment[s] {
                    cursor.seek(Int(run.lo))
                    if cursor.doc == PostingCursor.end { break }
                    if cursor.doc <= Int(run.hi) { held[Int(run.place)] |= UInt64(1) << UInt64(i) }
                }
            }
        }
        let all = required == 64 ? UInt64.max : (UInt64(1) << UInt64(required)) - 1
        return several.indices.map { i in held[i] & all == all && (within?.contains(several[i]) ?? true) }
    }

    /// A page of results by document for an AND of `phrases` read on
    /// whole documents (see the top of this file).
    /// The deepest page (offset + limit, in documents) a single leaf's
    /// documents are ranked for with a ``DocumentFloor``; deeper pages rank them all.
    static let flooredPages = 10_000

    func wholeDocumentPage(_ phrases: [Phrase], perDocument: Int, offset: Int, limit: Int, within: Set<Int>?,
                           excluding excluded: ExcludedPassages?, countUpTo: Int = .max) -> DocumentPage {
        let typed = typedPhrase(phrases)
        let leaves = QueryLeaves(self, phrases + (typed.map { [$0] } ?? []))
        // One word, phrase or prefix: documents below the page's last are counted, not kept.
        let (end, overflow) = offset.addingReportingOverflow(limit)
        var floor = DocumentFloor(keep: leaves.m == 1 && !overflow && end <= Self.flooredPages ? end : nil,
                                  averageLength: DocumentScoring.averageLength(snapshot))
        let found = matchingDocuments(leaves, required: phrases.count, within: within, excluded: excluded, floor: &floor)
        let scorer = BM25(rows: snapshot.passageCount, tokens: snapshot.tokenCount, hits: leaves.live)
        let countAll: ([Int]) -> Int = { passageCount(leaves, required: phrases.count, of: $0, excluding: excluded) }
        return Self.page(of: found, perDocument: perDocument, offset: offset, limit: limit, countUpTo: countUpTo, countAll: countAll,
                         passedOver: (floor.documents, floor.passages)) { documents, keep in
            evidence(of: documents, leaves, required: phrases.count, scorer, excluded: excluded, keep: keep)
        }
    }

    /// The first `count` of `items` in the order `before`, best first, by
    /// insertion into a sorted list of at most `count` (for a page near the
    /// top of many).
    static func first<T>(_ count: Int, of items: [T], by before: (T, T) -> Bool) -> [T] {
        guard count > 0 else { return [] }
        var best: [T] = []
        best.reserveCapacity(count + 1)
        for item in items where best.count < count || before(item, best[count - 1]) {
            var at = best.count
            while at > 0, before(item, best[at - 1]) { at -= 1 }
            best.insert(item, at: at)
            if best.count > count { best.removeLast() }
        }
        return best
    }

    /// The page `offset ..< offset + limit` of `found`, ranked, each shown
    /// document's passages from `evidence` (of documents, keeping each
    /// one's best `keep` passages; −1: their counts alone).
    ///
    /// Documents ranked from their leaves' documents come uncounted
    /// (``ScoredDocument/counted``): those the page shows or follows are
    /// read, and so are those tied in score with another near the page
    /// (ties are ordered by whether the words are together). The passages
    /// of the others are counted, a batch of documents at a time, until
    /// `countUpTo` passages are: past that, the total of passages is a lower
    /// bound (each uncounted document holding at least one), while the
    /// documents are counted in full.
    static func page(of found: [ScoredDocument], perDocument: Int, offset: Int, limit: Int, countUpTo: Int = .max,
                     countAll: (([Int]) -> Int)? = nil, passedOver: (documents: Int, passages: Int) = (0, 0),
                     evidence: (_ documents: [Int], _ keep: Int) -> [DocumentEvidence]) -> DocumentPage {
        let (end, overflow) = offset.addingReportingOverflow(limit)
        let allCounted = !found.contains { !$0.counted }
        // Without counts, by score and number; ties are settled below.
        func order(_ a: ScoredDocument, _ b: ScoredDocument) -> Bool {
            if allCounted { return ScoredDocument.better(a, b) }
            return a.score != b.score ? a.score > b.score : a.document < b.document
        }
        var ranked: [ScoredDocument]
        if !overflow, end < found.count / 4 {
            // A page near the top: the best `end` by a bounded selection.
            var best = Self.first(end, of: found, by: order)
            if !allCounted, let last = best.last {
                // Those tied with the last kept may belong before it.
                let kept = Set(best.map(\.document))
                best += found.filter { $0.score == last.score && !kept.contains($0.document) }.sorted(by: order)
            }
            ranked = best
        } else {
            ranked = found.sorted(by: order)
        }
        var countedNow: [Int: Int] = [:]
        func count(_ i: Int, _ e: DocumentEvidence) {
            ranked[i].matches = e.together > 0 ? e.together : e.any
            ranked[i].together = e.together > 0
            countedNow[ranked[i].document] = ranked[i].matches
        }
        if !allCounted {
            // Groups of equal scores reaching the page or before: counted, then ordered.
            let reach = overflow ? ranked.count : min(end, ranked.count)
            var i = 0
            while i < reach {
                var j = i + 1
                while j < ranked.count, ranked[j].score == ranked[i].score { j += 1 }
                if j - i > 1 {
                    let unknown = (i..<j).filter { !ranked[$0].counted }
                    for (k, e) in zip(unknown, evidence(unknown.map { ranked[$0].document }, -1)) { count(k, e) }
                    ranked[i..<j].sort(by: ScoredDocument.better)
                }
                i = j
            }
            if ranked.count > reach { ranked.removeLast(ranked.count - reach) }
        }
        var hits: [SearchHit] = []
        var documents: [DocumentPage.Document] = []
        // The page's documents are read again for their passages, and so
        // are the earlier pages' documents whose words are apart (or not
        // yet counted), to number the passages shown before (one per
        // word, but once each).
        let earlier = ranked.prefix(offset).indices.filter { !ranked[$0].together || !ranked[$0].counted }
        let pageRange = min(offset, ranked.count)..<min(ranked.count, overflow ? ranked.count : end)
        let read = evidence(pageRange.map { ranked[$0].document } + earlier.map { ranked[$0].document }, perDocument)
        for (i, e) in zip(Array(pageRange) + earlier, read) where !ranked[i].counted { count(i, e) }
        var before = 0
        for (i, e) in zip(earlier, read.dropFirst(pageRange.count)) where !ranked[i].together { before += e.scatteredHits.count }
        for i in ranked.prefix(offset).indices where ranked[i].together { before += min(perDocument, ranked[i].matches) }
        for (k, i) in pageRange.enumerated() {
            let entry = ranked[i]
            let shown = read[k].shown(keep: perDocument)
            documents.append(.init(id: entry.document, hits: hits.count..<(hits.count + shown.count), matches: entry.matches,
                                   together: entry.together, score: entry.score))
            hits += shown
        }
        // The passages in all: counted up to `countUpTo`.
        var passages = passedOver.passages
        var uncounted: [Int] = []
        for entry in found {
            if entry.counted {
                passages += entry.matches
            } else if let matches = countedNow[entry.document] {
                passages += matches
            } else {
                uncounted.append(entry.document)
            }
        }
        var next = 0
        // (Each document holds a matching passage at least: past the bound
        // with one each, nothing more is read. Many documents to count are
        // counted together by `countAll`.)
        if let countAll, uncounted.count > 64, passages + uncounted.count < countUpTo {
            passages += countAll(uncounted)
            next = uncounted.count
        }
        while next < uncounted.count, passages + uncounted.count - next < countUpTo {
            let batch = Array(uncounted[next..<min(uncounted.count, next + 64)])
            for e in evidence(batch, -1) { passages += e.together > 0 ? e.together : e.any }
            next += batch.count
        }
        var page = DocumentPage(documents: documents, hits: hits, totalPassages: passages + (uncounted.count - next),
                                totalDocuments: found.count + passedOver.documents,
                                passagesBefore: before, totalIsExact: next == uncounted.count)
        page.documentsAreExact = true
        return page
    }
}

extension Searcher {
    /// The phrase of an AND's words as typed, when they name a thing of
    /// the field: two or more plain words, one of them a code (a digit in
    /// it, or at most two letters: `Annex B`, `source code W`, `annotation
    /// #5`). It is an optional leaf that lifts the documents and passages
    /// holding that exact sequence (Solr's phrase boost, `pf`), while every
    /// document holding the words still matches. Words alone get no such
    /// boost: on the known items of `bench/knownitem.py` (two or three
    /// words of a document, none a code) it cost 0.03 of MRR@10.
    func typedPhrase(_ phrases: [Phrase]) -> Phrase? {
        guard phrases.count > 1, phrases.allSatisfy(isPlainTerm),
              phrases.contains(where: { phrase in
                  let text = phrase.terms[0].text
                  return text.count <= 2 || text.contains(where: \.isNumber)
              }) else { return nil }
        return Phrase(index: phrases.count, terms: Few(phrases.map { $0.terms[0] }))
    }

    /// The operands of an AND (`a b (c OR d)` gives `a`, `b`, `c OR d`).
    static func andParts(_ node: QueryNode) -> [QueryNode] {
        if case .and(let l, let r) = node { return andParts(l) + andParts(r) }
        return [node]
    }

    /// The page of results by document for `query` read on whole documents
    /// (see the top of this file), if it is an AND (of two or more parts,
    /// less a NOT) or a single word, phrase or prefix (less a NOT of
    /// words): nil for a query of another shape, whose documents are those
    /// of its passages.
    func wholeDocumentPage(_ query: QueryNode, perDocument: Int, offset: Int, limit: Int, within: Set<Int>?, countUpTo: Int = .max) -> DocumentPage? {
        var base = query, excluded: QueryNode?
        if case .not(let l, let r) = query { (base, excluded) = (l, r) }
        let parts = Self.andParts(base)
        guard parts.count > 1 else {
            // One leaf: the AND of one part.
            if let shape = notShape(query), shape.phrases.count == 1 {
                return wholeDocumentPage(shape.phrases, perDocument: perDocument, offset: offset, limit: limit, within: within,
                                         excluding: excludedPassages(shape.excluded), countUpTo: countUpTo)
            }
            if excluded == nil, let (phrases, _) = termShape(query), phrases.count == 1 {
                return wholeDocumentPage(phrases, perDocument: perDocument, offset: offset, limit: limit, within: within, excluding: nil,
                                         countUpTo: countUpTo)
            }
            return nil
        }
        if let shape = notShape(query), shape.connective == .and {
            return wholeDocumentPage(shape.phrases, perDocument: perDocument, offset: offset, limit: limit, within: within,
                                     excluding: excludedPassages(shape.excluded), countUpTo: countUpTo)
        }
        if excluded == nil, let (phrases, connective) = termShape(query), connective == .and {
            return wholeDocumentPage(phrases, perDocument: perDocument, offset: offset, limit: limit, within: within, excluding: nil,
                                     countUpTo: countUpTo)
        }
        return exhaustiveDocumentPage(parts, perDocument: perDocument, offset: offset, limit: limit, within: within, excluding: excluded)
    }

    /// The page of results by document of the AND of `parts` (any
    /// queries), less the passages `excluded` matches, read on whole
    /// documents from FTS5's evaluator run on each part: what the walk of
    /// ``wholeDocumentPage(_:perDocument:offset:limit:within:excluding:)``
    /// gives, score for score (the tests' oracle), for parts of any shape.
    public func exhaustiveDocumentPage(_ parts: [QueryNode], perDocument: Int, offset: Int, limit: Int, within: Set<Int>? = nil,
                                       excluding excluded: QueryNode? = nil) -> DocumentPage {
        let words = parts.map { part -> Phrase? in
            if case .nearset(let phrases, nil) = part, phrases.count == 1 { phrases[0] } else { nil }
        }
        let typed = words.allSatisfy { $0 != nil } ? typedPhrase(words.map { $0! }) : nil
        var doclists: [QueryTerm: Execution.Doclist] = [:]
        func cached(_ term: QueryTerm) -> Execution.Doclist {
            if let list = doclists[term] { return list }
            let list = doclist(term)
            doclists[term] = list
            return list
        }
        var leavesOf: [Phrase] = [], partOf: [Int] = []
        var rows: [Int64: [(leaf: Int, tf: Int)]] = [:]
        for (p, part) in parts.enumerated() {
            let execution = Execution(part, doclist: cached)
            let base = leavesOf.count
            leavesOf += execution.phrases.map(\.phrase)
            partOf += Array(repeating: p, count: execution.phrases.count)
            execution.run { id, counts in
                for (k, count) in counts.enumerated() where count > 0 { rows[id, default: []].append((base + k, count)) }
            }
        }
        if let typed {
            let base = leavesOf.count
            leavesOf.append(typed)
            partOf.append(-1)
            Execution(.nearset(.one(typed), distance: nil), doclist: cached).run { id, counts in
                if counts[0] > 0, rows[id] != nil { rows[id]!.append((base, counts[0])) }
            }
        }
        if let excluded {
            Execution(excluded, doclist: cached).run { id, _ in rows[id] = nil }
        }
        let scorer = BM25(rows: snapshot.passageCount, tokens: snapshot.tokenCount, hits: leavesOf.map { phraseHits($0, doclists) })
        let scoring = DocumentScoring(self, QueryLeaves(self, leavesOf))
        var byDocument: [Int: [Int64]] = [:]
        for id in rows.keys {
            guard let document = snapshot.document(ofPassage: id), within?.contains(document) ?? true else { continue }
            byDocument[document, default: []].append(id)
        }
        func read(_ document: Int, keep: Int) -> DocumentEvidence {
            var evidence = DocumentEvidence(leaves: leavesOf.count, parts: partOf)
            withUnsafeTemporaryAllocation(of: (leaf: Int, tf: Int, c: Double).self, capacity: leavesOf.count) { held in
                for id in byDocument[document, default: []].sorted() {
                    let leaves = rows[id]!.sorted { $0.leaf < $1.leaf }
                    for (k, leaf) in leaves.enumerated() { held[k] = (leaf.leaf, leaf.tf, 0) }
                    evidence.add(id, length: Double(snapshot.length(ofPassage: id) ?? 0), held, count: leaves.count, scorer, keep: keep)
                }
            }
            return evidence
        }
        let found = byDocument.keys.sorted().compactMap { document in
            scoring.scored(document, read(document, keep: 0), length: snapshot.length(ofDocument: document))
        }
        return Self.page(of: found, perDocument: perDocument, offset: offset, limit: limit) { documents, keep in
            documents.map { read($0, keep: keep) }
        }
    }
}

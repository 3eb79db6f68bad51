import Foundation
import Index
@testable import Search
import Testing
import TestSupport

@Suite("An OR's first documents ranked as documents")
struct RescoringTests {
    /// A searcher over one segment of `texts`, each a document of one passage (ids from 1, documents from 0).
    func searcher(_ texts: [String], in dir: URL) throws -> Searcher {
        let writer = try IndexWriter(folder: dir)
        let passages = texts.enumerated().map { IndexWriter.Passage(id: Int64($0.offset + 1), document: $0.offset, text: $0.element) }
        _ = try writer.sync(live: Set(passages.map(\.id))) { ids in passages.filter { ids.contains($0.id) } }
        return Searcher(snapshot: try IndexSnapshot(folder: dir))
    }

    @Test("words standing together lift a document over one where they stand apart, which the passage ranking ties first")
    func proximityLifts() throws {
        let dir = try PDFFixture.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let texts = [
            "alpha filler filler beta",       // document 0: the words apart
            "alpha beta filler filler",       // document 1: together
            "filler other words here",
            "nothing of the kind here",
            "more filler words there",
            "still other words here",
        ]
        let searcher = try searcher(texts, in: dir)
        let node = try QueryParser().parse("alpha OR beta")
        // The passage ranking ties them (same words, same lengths): the lower id first.
        let byPassage = searcher.documentPage(node, perDocument: 1, offset: 0, limit: 10)
        #expect(byPassage.documents.map(\.id) == [0, 1])
        let byDocument = searcher.documentPage(node, perDocument: 1, offset: 0, limit: 10, wholeDocuments: true)
        #expect(byDocument.documents.map(\.id) == [1, 0])
        #expect(byDocument.documents.map(\.matches) == [1, 1] && byDocument.hits.map(\.passageID) == [2, 1])
        // The score shown: the whole document's BM25 (FTS5's idf over documents) and the pair's proximity, by hand.
        let n = 6.0, average = Double(searcher.snapshot.tokenCount) / n
        let idf = log((n - 2 + 0.5) / (2 + 0.5)), pairIdf = log(n / 2)
        let norm = 1.2 * (1 - 0.75 + 0.75 * 4 / average)
        func expected(distance: Double) -> Double {
            let bm25 = 2 * idf * (1 * 2.2) / (1 + norm)
            let accumulated = pairIdf / (distance * distance)
            return bm25 + 0.25 * 2 * min(1, pairIdf) * accumulated * 2.2 / (accumulated + norm)
        }
        let scores = byDocument.documents.map { $0.score ?? .nan }
        #expect(abs(scores[0] - expected(distance: 1)) < 1e-12 && abs(scores[1] - expected(distance: 3)) < 1e-12, "\(scores)")
        // Counting up to no document: the two that match were read whole, so the totals are exact.
        let bounded = searcher.documentPage(node, perDocument: 1, offset: 0, limit: 10, countUpTo: 0, wholeDocuments: true)
        #expect(bounded.totalIsExact && bounded.totalDocuments == 2 && bounded.totalPassages == 2 && bounded.documents.map(\.id) == [1, 0])
        // The flat search is FTS5's, untouched.
        #expect(searcher.top(node, k: 10).hits.map(\.passageID) == [1, 2])
    }

    @Test("a word in more than half the documents counts for nothing; a word written twice counts twice in the BM25, once for proximity")
    func commonAndRepeatedWords() throws {
        let dir = try PDFFixture.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let texts = [
            "common alpha filler filler",     // 0
            "common filler filler filler",    // 1
            "common filler other other",      // 2
            "common more words here",         // 3
            "nothing of the kind",            // 4
        ]
        let searcher = try searcher(texts, in: dir)
        let page = searcher.documentPage(try QueryParser().parse("common OR alpha OR alpha"), perDocument: 1, offset: 0, limit: 10,
                                         wholeDocuments: true)
        #expect(page.documents.map(\.id) == [0, 1, 2, 3])
        let n = 5.0, average = Double(searcher.snapshot.tokenCount) / n
        let idf = log((n - 1 + 0.5) / (1 + 0.5))
        let norm = 1.2 * (1 - 0.75 + 0.75 * 4 / average)
        // `common` (in 4 of 5) adds nothing, nor its pair with `alpha`; `alpha`, written twice, twice its BM25.
        let scores = page.documents.map { $0.score ?? .nan }
        #expect(abs(scores[0] - 2 * idf * 2.2 / (1 + norm)) < 1e-12, "\(scores)")
        #expect(scores.dropFirst().allSatisfy { $0 == 0 }, "\(scores)")
    }

    @Test("a word written twice next to another: twice in the BM25, one pair for proximity")
    func repeatedWordBesideAnother() throws {
        let dir = try PDFFixture.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let texts = ["alpha beta filler filler", "filler other words here", "nothing of the kind", "more filler words there"]
        let searcher = try searcher(texts, in: dir)
        let page = searcher.documentPage(try QueryParser().parse("alpha OR beta OR alpha"), perDocument: 1, offset: 0, limit: 10,
                                         wholeDocuments: true)
        #expect(page.documents.map(\.id) == [0])
        let n = 4.0, average = Double(searcher.snapshot.tokenCount) / n
        let idf = log((n - 1 + 0.5) / (1 + 0.5)), pairIdf = log(n / 1)
        let norm = 1.2 * (1 - 0.75 + 0.75 * 4 / average)
        let bm25 = 3 * idf * 2.2 / (1 + norm)
        // One pair at distance 1: each word's accumulator is the other's idf.
        let proximity = 0.25 * 2 * min(1, pairIdf) * pairIdf * 2.2 / (pairIdf + norm)
        let score = page.documents.first?.score ?? .nan
        #expect(abs(score - (bm25 + proximity)) < 1e-12, "\(score) against \(bm25 + proximity)")
    }

    @Test("a question's stop words count for nothing: the document of what it asks about ranks first")
    func stopWordsCountForNothing() throws {
        let dir = try PDFFixture.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let texts = [
            "what I am told is what I am",          // 0: the question's stop words, often
            "pangolin scales seized at the port",   // 1: what it asks about
            "filler other words here",
            "nothing of the kind here",
            "more filler words there",
            "still other words here",
        ]
        let searcher = try searcher(texts, in: dir)
        let node = try QueryParser().parse("what OR I OR am OR pangolin")
        let page = searcher.documentPage(node, perDocument: 1, offset: 0, limit: 10, wholeDocuments: true)
        #expect(page.documents.map(\.id) == [1, 0])
        // Document 0 holds stop words alone: it matches, and scores nothing.
        #expect(page.documents.last?.score == 0 && page.totalDocuments == 2)
        let n = 6.0, average = Double(searcher.snapshot.tokenCount) / n
        let norm = 1.2 * (1 - 0.75 + 0.75 * 6 / average)
        let expected = log((n - 1 + 0.5) / (1 + 0.5)) * 2.2 / (1 + norm)
        #expect(abs((page.documents.first?.score ?? .nan) - expected) < 1e-12)
        // A question of stop words alone is ranked by them all.
        let only = searcher.documentPage(try QueryParser().parse("what OR am"), perDocument: 1, offset: 0, limit: 10, wholeDocuments: true)
        #expect(only.documents.map(\.id) == [0] && (only.documents.first?.score ?? 0) > 0)
        // The flat search is FTS5's: the stop words weigh there.
        #expect(searcher.top(node, k: 10).hits.map(\.passageID) == [1, 2])
    }

    /// Documents of 1 to 30 passages in two segments, some with passages in both, some passages deleted.
    func library(_ corpus: inout Corpus, in dir: URL) throws -> Searcher {
        let writer = try IndexWriter(folder: dir)
        var live: [Int64: IndexWriter.Passage] = [:]
        var id: Int64 = 0
        for round in 0..<2 {
            for document in (round * 40)..<(round * 40 + 40) {
                for _ in 0..<(document % 7 == 0 ? 30 : 1 + document % 4) {
                    id += 1
                    live[id] = IndexWriter.Passage(id: id, document: document, text: corpus.passage())
                }
            }
            if round == 1 {
                for key in live.keys.sorted() where key % 11 == 0 { live[key] = nil }
                for document in stride(from: 0, to: 40, by: 5) {
                    id += 1
                    live[id] = IndexWriter.Passage(id: id, document: document, text: corpus.passage())
                }
            }
            let current = live
            _ = try writer.sync(live: Set(live.keys)) { ids in ids.map { current[$0]! } }
        }
        return Searcher(snapshot: try IndexSnapshot(folder: dir))
    }

    /// The order an OR of plain `words` ranks its documents in before the
    /// window is ranked again: each document's BM25 as a whole (FTS5's
    /// idf over documents; stop words and words in more than half of them
    /// left out, unless all are), from the evaluator's lists, then the lower number.
    func documentOrder(_ searcher: Searcher, _ words: [Phrase], within: Set<Int>? = nil) -> [Int] {
        let scoring = Searcher.DocumentScoring(searcher, QueryLeaves(searcher, words), idf: .fts5)
        let n = Double(max(1, searcher.snapshot.documentCount))
        var counted = zip(words, scoring.frequencies).map { word, f in Double(f) <= n / 2 && !word.terms[0].stop }
        if !counted.contains(true) { counted = [Bool](repeating: true, count: words.count) }
        var tf: [Int: [Int]] = [:]
        for (i, word) in words.enumerated() {
            let list = searcher.doclist(word.terms[0])
            for (row, positions) in zip(list.rows, list.positions) {
                let document = searcher.snapshot.document(ofPassage: row)!
                guard within?.contains(document) ?? true else { continue }
                tf[document, default: [Int](repeating: 0, count: words.count)][i] += positions.count
            }
        }
        var score: [Int: Double] = [:]
        for (document, counts) in tf {
            let norm = BM25.norm(length: Double(searcher.snapshot.length(ofDocument: document)), averageLength: scoring.averageLength)
            var sum = 0.0
            for i in words.indices where counted[i] && counts[i] > 0 {
                sum += BM25.contribution(idf: scoring.idf[i], f: Double(counts[i]), norm: norm)
            }
            score[document] = sum
        }
        return score.keys.sorted { score[$0]! != score[$1]! ? score[$0]! > score[$1]! : $0 < $1 }
    }

    @Test("pages of an OR by document: every document ranked as a document, the first 20 again by proximity; paging loses none",
          arguments: [UInt64(31), 32])
    func pagesAreConsistent(seed: UInt64) throws {
        let dir = try PDFFixture.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        var corpus = Corpus(seed: seed, size: 40)
        let searcher = try library(&corpus, in: dir)
        let window = Searcher.rescoreWindow
        var reordered = 0, checked = 0
        for i in 0..<24 {
            let words = (0..<(2 + i % 3)).map { _ in corpus.term() }
            let text = switch i % 6 {
            // A NOT of the OR (parenthesized: NOT binds tighter than OR): its window ranked again.
            case 3: "(\(words.joined(separator: " OR "))) NOT \(corpus.term())"
            // A phrase among the words: a leaf matched in memory.
            case 4: "\"\(corpus.word()) \(corpus.word())\" OR \(words.joined(separator: " OR "))"
            // An OR wider than the scorers' windows take (Searcher.wideLeaves), with a NOT.
            case 5: "(\((0..<18).map { _ in corpus.term() }.joined(separator: " OR "))) NOT \(corpus.term())"
            default: words.joined(separator: " OR ")
            }
            let node = try QueryParser().parse(text)
            let negated = searcher.notShape(node) != nil
            let plain = searcher.termShape(node).flatMap { shape in shape.0.allSatisfy(searcher.isPlainTerm) ? shape.0 : nil }
            for perDocument in [0, 1, 3] {
                let reference = searcher.documentPage(node, perDocument: perDocument, offset: 0, limit: 1000)
                let all = searcher.documentPage(node, perDocument: perDocument, offset: 0, limit: 1000, wholeDocuments: true)
                let ids = all.documents.map(\.id), referenceIDs = reference.documents.map(\.id)
                // The passage ranking's page is the full ranking grouped (a wide OR's NOT included).
                var grouped: [Int] = []
                for hit in searcher.rank(node) {
                    let document = searcher.snapshot.document(ofPassage: hit.passageID)!
                    if !grouped.contains(document) { grouped.append(document) }
                }
                #expect(referenceIDs == grouped, "\(text): the passage ranking")
                #expect(Set(ids) == Set(grouped) && ids.count == grouped.count, "\(text): every matching document once")
                if negated {
                    // With a NOT: the passage ranking's first documents, reordered; the rest in its order.
                    #expect(Set(ids.prefix(window)) == Set(referenceIDs.prefix(window)), "\(text): the window's documents")
                    #expect(Array(ids.dropFirst(window)) == Array(referenceIDs.dropFirst(window)), "\(text): after the window")
                } else if let plain {
                    // Ranked as documents: the first 20 of that order, reordered; the rest in it.
                    let order = documentOrder(searcher, plain)
                    #expect(Set(ids.prefix(window)) == Set(order.prefix(window)), "\(text): the window's documents")
                    #expect(Array(ids.dropFirst(window)) == Array(order.dropFirst(window)), "\(text): after the window")
                    checked += 1
                }
                #expect(all.totalDocuments == reference.totalDocuments && all.totalPassages == reference.totalPassages, "\(text): totals")
                // Counting up to a bound: the same pages; documents counted in full unless a NOT, passages up to the bound.
                for (bound, offset, limit) in [(0, 0, 10), (5, 0, 10), (0, 15, 10), (0, 0, 50)] {
                    let bounded = searcher.documentPage(node, perDocument: perDocument, offset: offset, limit: limit, countUpTo: bound,
                                                        wholeDocuments: true)
                    #expect(bounded.documents.map(\.id) == Array(ids.dropFirst(offset).prefix(limit)), "\(text) counting up to \(bound)")
                    if !negated {
                        #expect(bounded.totalDocuments == reference.totalDocuments && bounded.totalDocumentsIsExact, "\(text) up to \(bound)")
                    }
                    if negated && referenceIDs.count < window {
                        #expect(bounded.totalIsExact && bounded.totalDocuments == reference.totalDocuments
                                && bounded.totalPassages == reference.totalPassages, "\(text) counting up to \(bound): every document read")
                    } else if !bounded.totalIsExact {
                        // A lower bound, never below what the page and the pages before it show.
                        let shown = min(referenceIDs.count, offset + limit)
                        #expect(bounded.totalDocuments >= shown && bounded.totalDocuments <= reference.totalDocuments
                                && bounded.totalPassages >= bounded.passagesBefore + bounded.hits.count
                                && bounded.totalPassages >= min(bound, reference.totalPassages)
                                && bounded.totalPassages <= reference.totalPassages, "\(text) counting up to \(bound)")
                    } else {
                        #expect(bounded.totalDocuments == reference.totalDocuments && bounded.totalPassages == reference.totalPassages)
                    }
                }
                if ids != referenceIDs { reordered += 1 }
                // Each document shows what it shows in the passage ranking: its best passages, its matches.
                var shown: [Int: ([SearchHit], Int)] = [:]
                for document in reference.documents { shown[document.id] = (Array(reference.hits(of: document)), document.matches) }
                for document in all.documents {
                    #expect(shown[document.id]!.0 == Array(all.hits(of: document)) && shown[document.id]!.1 == document.matches, "\(text)")
                }
                // Scores descend through the window.
                let scores = all.documents.prefix(window).map { $0.score ?? -.infinity }
                #expect(zip(scores, scores.dropFirst()).allSatisfy { $0 >= $1 }, "\(text): \(scores)")
                // Page after page: the same order, the passages before each page counted.
                for (offset, limit) in [(0, 3), (3, 4), (7, 10), (17, 6), (23, 5), (window - 1, 2), (window, 10), (5, 0), (1, Int.max)] {
                    let page = searcher.documentPage(node, perDocument: perDocument, offset: offset, limit: limit, wholeDocuments: true)
                    #expect(page.documents.map(\.id) == Array(ids.dropFirst(offset).prefix(limit)), "\(text) offset \(offset)")
                    #expect(page.hits == page.documents.flatMap { all.hits(of: all.documents[ids.firstIndex(of: $0.id)!]) }, "\(text)")
                    #expect(page.passagesBefore == all.documents.prefix(offset).reduce(0) { $0 + $1.hits.count }, "\(text) offset \(offset)")
                    #expect(page.totalDocuments == all.totalDocuments && page.totalPassages == all.totalPassages)
                }
                // Filtered: among a few documents and among many, the same rule.
                for within in [Set(referenceIDs.enumerated().filter { $0.offset % 3 == 0 }.map(\.element)), Set((0..<80).filter { $0 % 9 != 0 })] {
                    let kept = searcher.documentPage(node, perDocument: perDocument, offset: 0, limit: 1000, within: within)
                    let filtered = searcher.documentPage(node, perDocument: perDocument, offset: 0, limit: 1000, within: within, wholeDocuments: true)
                    #expect(Set(filtered.documents.map(\.id)) == Set(kept.documents.map(\.id)), "\(text) within")
                    if negated {
                        #expect(Set(filtered.documents.prefix(window).map(\.id)) == Set(kept.documents.prefix(window).map(\.id))
                                && filtered.documents.dropFirst(window).map(\.id) == kept.documents.dropFirst(window).map(\.id), "\(text) within")
                    } else if let plain {
                        let order = documentOrder(searcher, plain, within: within)
                        #expect(filtered.documents.dropFirst(window).map(\.id) == Array(order.dropFirst(window)), "\(text) within")
                    }
                    #expect(filtered.totalDocuments == kept.totalDocuments, "\(text) within: totals")
                }
            }
        }
        #expect(reordered > 0 && checked >= 12, "some OR was reordered (\(reordered)); \(checked) checked against the order by document")
    }
}

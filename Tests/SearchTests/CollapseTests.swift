import Foundation
import Index
@testable import Search
import Testing
import TestSupport

@Suite("Results by document")
struct CollapseTests {
    /// An empty folder for an index, under the temporary directory.
    func indexFolder() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dossier-collapse-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    /// A document of a page as a reader sees it: its id, its best passages, its matches.
    struct Shown: Equatable {
        var id: Int
        var hits: [SearchHit]
        var matches: Int
    }

    func shown(_ page: Searcher.DocumentPage) -> [Shown] {
        page.documents.map { Shown(id: $0.id, hits: Array(page.hits(of: $0)), matches: $0.matches) }
    }

    /// An index of documents of 1 to 60 passages in two segments, some passages
    /// deleted, some documents with passages in both.
    func documents(_ corpus: inout Corpus, in dir: URL) throws {
        let writer = try IndexWriter(folder: dir)
        var live: [Int64: IndexWriter.Passage] = [:]
        var id: Int64 = 0
        for round in 0..<2 {
            for document in (round * 40)..<(round * 40 + 40) {
                let size = document % 9 == 0 ? 60 : 1 + document % 4
                for _ in 0..<size {
                    id += 1
                    live[id] = IndexWriter.Passage(id: id, document: document, text: corpus.passage())
                }
            }
            if round == 1 {
                for key in live.keys.sorted() where key % 13 == 0 { live[key] = nil }
                // Documents that gain passages later (pages read by OCR): new ids, a second run.
                for document in stride(from: 0, to: 40, by: 7) {
                    for _ in 0..<2 {
                        id += 1
                        live[id] = IndexWriter.Passage(id: id, document: document, text: corpus.passage())
                    }
                }
            }
            let current = live
            _ = try writer.sync(live: Set(live.keys)) { ids in ids.map { current[$0]! } }
        }
    }

    /// A searcher over ``documents(_:in:)`` made in `dir`.
    func documentsSearcher(_ corpus: inout Corpus, in dir: URL) throws -> Searcher {
        try documents(&corpus, in: dir)
        return Searcher(snapshot: try IndexSnapshot(folder: dir))
    }

    /// The reference: the full ranking, its documents in order, and each one's hits, grouped here.
    func reference(_ searcher: Searcher, _ node: QueryNode) -> (full: [SearchHit], order: [Int], members: [Int: [SearchHit]]) {
        let full = searcher.rank(node)
        var order: [Int] = [], members: [Int: [SearchHit]] = [:]
        for hit in full {
            let document = searcher.snapshot.document(ofPassage: hit.passageID)!
            if members[document] == nil { order.append(document) }
            members[document, default: []].append(hit)
        }
        return (full, order, members)
    }

    @Test("a NOT of words: flat top-k and pages by document are the exhaustive evaluator's, hits, doubles and totals")
    func notOfWords() throws {
        let dir = try indexFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        var corpus = Corpus(seed: 41, size: 40)
        let searcher = try documentsSearcher(&corpus, in: dir)
        var windows = searcher
        windows.readsShortLists = false
        var served = 0
        for i in 0..<40 {
            let (a, b, c, d) = (corpus.term(), corpus.term(), corpus.term(), corpus.term())
            let text = ["\(a) NOT \(b)", "(\(a) OR \(c)) NOT \(b)", "(\(a) AND \(c)) NOT (\(b) OR \(d))",
                        "\"\(corpus.word()) \(corpus.word())\" NOT \(b)", "\(a)* NOT \(b)"][i % 5]
            let node = try QueryParser().parse(text)
            if searcher.notShape(node) != nil { served += 1 }
            let full = searcher.exhaustiveRank(node)
            for engine in [searcher, windows] {
                for k in [1, 10, 1000] {
                    let top = engine.top(node, k: k)
                    #expect(top.total == full.count && top.hits.map(\.passageID) == full.prefix(k).map(\.passageID)
                            && zip(top.hits, full).allSatisfy { $0.bm25.bitPattern == $1.bm25.bitPattern }, "\(text) k=\(k)")
                    for countUpTo in [0, 7] {
                        let bounded = engine.top(node, k: k, countUpTo: countUpTo)
                        #expect(bounded.hits == top.hits && (bounded.totalIsExact ? bounded.total == full.count
                                : bounded.total >= countUpTo && bounded.total <= full.count), "\(text) k=\(k) up to \(countUpTo)")
                    }
                }
                let (_, order, members) = reference(engine, node)
                let page = engine.documentPage(node, perDocument: 2, offset: 1, limit: 4)
                #expect(shown(page) == order.dropFirst(1).prefix(4).map {
                    Shown(id: $0, hits: Array(members[$0]!.prefix(2)), matches: members[$0]!.count)
                }, "\(text)")
                #expect(page.totalPassages == full.count && page.totalDocuments == order.count, "\(text)")
            }
        }
        #expect(served >= 30)
    }

    @Test("an OR wider than the windows take, NOT a word: pages by document leave out the passages the NOT leaves out")
    func wideOrNot() throws {
        let dir = try indexFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        var corpus = Corpus(seed: 41, size: 40)
        let searcher = try documentsSearcher(&corpus, in: dir)
        for _ in 0..<6 {
            let words = (0..<(Searcher.wideLeaves + 2)).map { _ in corpus.term() }
            let text = "(\(words.joined(separator: " OR "))) NOT \(corpus.term())"
            let node = try QueryParser().parse(text)
            #expect(searcher.notShape(node) != nil, "\(text)")
            let (full, order, members) = reference(searcher, node)
            let page = searcher.documentPage(node, perDocument: 2, offset: 0, limit: 1000)
            #expect(shown(page) == order.map { Shown(id: $0, hits: Array(members[$0]!.prefix(2)), matches: members[$0]!.count) }, "\(text)")
            #expect(page.totalPassages == full.count && page.totalDocuments == order.count, "\(text)")
        }
    }

    @Test("a NEAR of words: flat top-k and pages by document are the exhaustive evaluator's, hits, doubles and totals")
    func nearOfWords() throws {
        let dir = try indexFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        var corpus = Corpus(seed: 43, size: 30)
        let searcher = try documentsSearcher(&corpus, in: dir)
        var served = 0, matched = 0
        for i in 0..<40 {
            let (a, b, c) = (corpus.term(), corpus.term(), corpus.term())
            let text = ["NEAR(\(a) \(b), \(i % 7))", "NEAR(\(a) \(b) \(c), \(3 + i % 9))", "NEAR(\(a) \(b))", "NEAR(\(a) \(a), 2)"][i % 4]
            let node = try QueryParser().parse(text)
            if searcher.nearShape(node) != nil { served += 1 }
            let full = searcher.exhaustiveRank(node)
            if !full.isEmpty { matched += 1 }
            for k in [1, 10, 1000] {
                let top = searcher.top(node, k: k)
                #expect(top.total == full.count && top.hits.map(\.passageID) == full.prefix(k).map(\.passageID)
                        && zip(top.hits, full).allSatisfy { $0.bm25.bitPattern == $1.bm25.bitPattern }, "\(text) k=\(k)")
            }
            let (_, order, members) = reference(searcher, node)
            for (offset, limit) in [(0, 3), (2, 5)] {
                let page = searcher.documentPage(node, perDocument: 2, offset: offset, limit: limit)
                #expect(shown(page) == order.dropFirst(offset).prefix(limit).map {
                    Shown(id: $0, hits: Array(members[$0]!.prefix(2)), matches: members[$0]!.count)
                }, "\(text)")
                #expect(page.totalPassages == full.count && page.totalDocuments == order.count, "\(text)")
            }
        }
        #expect(served == 40 && matched >= 20, "\(matched) of 40 NEARs match")
    }

    @Test("long documents whose matches fill many blocks: a lone word's page, counts and best passages are the full ranking's")
    func longDocuments() throws {
        let dir = try indexFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        var corpus = Corpus(seed: 5, size: 12)
        let writer = try IndexWriter(folder: dir)
        var passages: [IndexWriter.Passage] = []
        for document in 1...9 {
            for _ in 0..<(document % 3 == 0 ? 900 : 40) {
                passages.append(IndexWriter.Passage(id: Int64(passages.count + 1), document: document, text: corpus.passage()))
            }
        }
        _ = try writer.sync(live: Set(passages.map(\.id))) { ids in passages.filter { ids.contains($0.id) } }
        let searcher = Searcher(snapshot: try IndexSnapshot(folder: dir))
        #expect(searcher.snapshot.deleted.allSatisfy { $0.isEmpty })
        // Words with a document whose matches fill several blocks of 128 postings.
        var manyBlocks = 0
        for _ in 0..<12 {
            let word = corpus.term()
            let node = try QueryParser().parse(word)
            let (full, order, members) = reference(searcher, node)
            if order.contains(where: { members[$0]!.count > 300 }) { manyBlocks += 1 }
            for perDocument in [1, 3, 20] {
                for (offset, limit) in [(0, 2), (1, 3), (0, 10)] {
                    let page = searcher.documentPage(node, perDocument: perDocument, offset: offset, limit: limit)
                    #expect(shown(page) == order.dropFirst(offset).prefix(limit).map {
                        Shown(id: $0, hits: Array(members[$0]!.prefix(perDocument)), matches: members[$0]!.count)
                    }, "\(word) per \(perDocument) offset \(offset)")
                    #expect(page.totalPassages == full.count && page.totalDocuments == order.count && page.totalIsExact)
                }
            }
        }
        #expect(manyBlocks >= 6)
        // An OR counted up to a bound its commonest word's documents reach:
        // read from the dictionaries, or counted exactly when its scorer met
        // every match anyway (short lists); never more than there are.
        for _ in 0..<6 {
            let node = try QueryParser().parse("\(corpus.term()) OR \(corpus.term())")
            let (full, order, members) = reference(searcher, node)
            let page = searcher.documentPage(node, perDocument: 3, offset: 0, limit: 2, countUpTo: 3)
            #expect(shown(page) == order.prefix(2).map { Shown(id: $0, hits: Array(members[$0]!.prefix(3)), matches: members[$0]!.count) })
            if order.count <= 3 || page.totalIsExact {
                #expect(page.totalIsExact && page.totalDocuments == order.count && page.totalPassages == full.count)
            } else {
                #expect(!page.totalIsExact && page.totalDocuments >= 3 && page.totalDocuments <= order.count && page.totalPassages <= full.count)
            }
        }
    }

    @Test("a page of documents is the full ranking's: documents, passages, counts, totals, ranks",
          arguments: [UInt64(21), 22])
    func sameAsFullRanking(seed: UInt64) throws {
        let dir = try indexFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        var corpus = Corpus(seed: seed, size: 60)
        try documents(&corpus, in: dir)
        let searcher = Searcher(snapshot: try IndexSnapshot(folder: dir))
        #expect(!searcher.snapshot.documentsAreRuns, "some documents have two runs of passages")
        for i in 0..<60 {
            let terms = (0..<(1 + i % 3)).map { _ in corpus.term() }
            let text: String
            switch i % 6 {
            case 4: text = "\"\(corpus.word()) \(corpus.word())\" OR \(terms[0])"
            case 5: text = "\(terms[0]) NOT \(corpus.term())"
            default: text = terms.joined(separator: i % 2 == 0 ? " OR " : " AND ")
            }
            let node = try QueryParser().parse(text)
            let (full, order, members) = reference(searcher, node)
            for perDocument in [1, 2, 3, 5, 20] {
                for (offset, limit) in [(0, 1), (0, 10), (3, 5), (0, 1000), (500, 10)] {
                    let page = searcher.documentPage(node, perDocument: perDocument, offset: offset, limit: limit)
                    let expected = order.dropFirst(offset).prefix(limit).map {
                        Shown(id: $0, hits: Array(members[$0]!.prefix(perDocument)), matches: members[$0]!.count)
                    }
                    #expect(shown(page) == expected, "\(text) per \(perDocument) offset \(offset) limit \(limit)")
                    // The page's passages are its documents', one after the other.
                    let ranges = page.documents.map(\.hits)
                    #expect((ranges.first?.lowerBound ?? 0) == 0 && zip(ranges, ranges.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound }
                            && (ranges.last?.upperBound ?? 0) == page.hits.count, "\(text): the page's passages are its documents'")
                    #expect(page.totalPassages == full.count && page.totalDocuments == order.count, "\(text)")
                    #expect(page.passagesBefore == order.prefix(offset).reduce(0) { $0 + min(perDocument, members[$1]!.count) })
                    // Lists OR'ed by a merge, as in a segment too large for a bitset of its passages.
                    var merging = searcher
                    merging.bitsetPassages = 0
                    #expect(shown(merging.documentPage(node, perDocument: perDocument, offset: offset, limit: limit)) == expected, "\(text)")
                    // Long lists' scorers (block-max windows, leapfrog AND), not lists read whole.
                    var windows = searcher
                    windows.readsShortLists = false
                    #expect(shown(windows.documentPage(node, perDocument: perDocument, offset: offset, limit: limit)) == expected, "\(text) windows")
                    // Counting bounded: the same page; totals exact below the bound, lower bounds past it.
                    for bound in [0, 2, 7] {
                        let bounded = windows.documentPage(node, perDocument: perDocument, offset: offset, limit: limit, countUpTo: bound)
                        #expect(shown(bounded) == expected, "\(text) counting up to \(bound)")
                        if order.count <= bound || bounded.totalIsExact {
                            // (A query of another shape is ranked in full: its totals are always exact.)
                            #expect(bounded.totalIsExact && bounded.totalDocuments == order.count && bounded.totalPassages == full.count)
                        } else {
                            #expect(!bounded.totalIsExact && bounded.totalDocuments >= min(bound, order.count)
                                    && bounded.totalDocuments <= order.count && bounded.totalPassages <= full.count, "\(text) up to \(bound)")
                        }
                    }
                    if let flat = QueryParser().flat(text) {
                        let viaFlat = searcher.documentPage(flat, perDocument: perDocument, offset: offset, limit: limit)
                        #expect(shown(viaFlat) == shown(page), "\(text)")
                    }
                    // A search's filters: every other document of the ranking left out.
                    let within = Set(order.enumerated().filter { $0.offset % 2 == 1 }.map(\.element))
                    let kept = order.filter(within.contains)
                    let filtered = searcher.documentPage(node, perDocument: perDocument, offset: offset, limit: limit, within: within)
                    #expect(shown(filtered) == kept.dropFirst(offset).prefix(limit).map {
                        Shown(id: $0, hits: Array(members[$0]!.prefix(perDocument)), matches: members[$0]!.count)
                    }, "\(text) within")
                    #expect(filtered.totalDocuments == kept.count && filtered.totalPassages == kept.reduce(0) { $0 + members[$1]!.count })
                    // A filter of more documents than are read alone (Searcher.fewDocuments): the collector filters and counts.
                    let most = Set((0..<80).filter { $0 % 9 != 0 })
                    #expect(most.count > Searcher.fewDocuments)
                    let keptMost = order.filter(most.contains)
                    for engine in [searcher, windows] {
                        let wide = engine.documentPage(node, perDocument: perDocument, offset: offset, limit: limit, within: most)
                        #expect(shown(wide) == keptMost.dropFirst(offset).prefix(limit).map {
                            Shown(id: $0, hits: Array(members[$0]!.prefix(perDocument)), matches: members[$0]!.count)
                        }, "\(text) within most")
                        #expect(wide.totalDocuments == keptMost.count && wide.totalPassages == keptMost.reduce(0) { $0 + members[$1]!.count },
                                "\(text) within most: totals")
                    }
                    // The flat search among them: the full ranking filtered.
                    let inside = full.filter { within.contains(searcher.snapshot.document(ofPassage: $0.passageID)!) }
                    if let few = searcher.top(node, k: offset + limit, within: within) {
                        #expect(few.total == inside.count && few.hits == Array(inside.prefix(offset + limit)), "\(text) flat within")
                    } else {
                        #expect(searcher.termShape(node) == nil && searcher.notShape(node) == nil, "\(text): served by the full ranking")
                    }
                    // Among more documents than are read alone: the scorer, the passages outside them left out.
                    let insideMost = full.filter { most.contains(searcher.snapshot.document(ofPassage: $0.passageID)!) }
                    for engine in [searcher, windows] {
                        if let wide = engine.top(node, k: offset + limit, within: most) {
                            #expect(wide.totalIsExact && wide.total == insideMost.count, "\(text) flat within most: total")
                            #expect(wide.hits.map(\.passageID) == insideMost.prefix(offset + limit).map(\.passageID)
                                    && zip(wide.hits, insideMost).allSatisfy { $0.bm25.bitPattern == $1.bm25.bitPattern }, "\(text) flat within most")
                            for bound in [0, 3] {
                                let bounded = try #require(engine.top(node, k: offset + limit, within: most, countUpTo: bound))
                                #expect(bounded.hits == wide.hits && (bounded.totalIsExact ? bounded.total == insideMost.count
                                                                      : bounded.total >= min(bound, insideMost.count) && bounded.total <= insideMost.count),
                                        "\(text) flat within most, counted up to \(bound)")
                            }
                        }
                    }
                }
            }
        }
    }

    /// A searcher over an index of two segments: `first`, then `added` synced after it.
    func twoSegments(_ first: [IndexWriter.Passage], _ added: [IndexWriter.Passage]) throws -> Searcher {
        let dir = try indexFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let writer = try IndexWriter(folder: dir)
        _ = try writer.sync(live: Set(first.map(\.id))) { ids in first.filter { ids.contains($0.id) } }
        let second = first + added
        _ = try writer.sync(live: Set(second.map(\.id))) { ids in second.filter { ids.contains($0.id) } }
        return Searcher(snapshot: try IndexSnapshot(folder: dir))
    }

    @Test("a document whose live passages are in two segments is still one document of the page")
    func documentInTwoSegments() throws {
        // Document 1's passages 1-2 in the first segment, 5 in the second (the writer never makes this, but an index must not break a page).
        let searcher = try twoSegments([IndexWriter.Passage(id: 1, document: 1, text: "ivory seizure ivory"), IndexWriter.Passage(id: 2, document: 1, text: "ivory"),
                                        IndexWriter.Passage(id: 3, document: 2, text: "ivory trade routes")],
                                       [IndexWriter.Passage(id: 5, document: 1, text: "ivory ivory ivory")])
        #expect(searcher.snapshot.segments.count == 2 && !searcher.snapshot.documentsAreRuns)
        let node = try QueryParser().parse("ivory")
        let page = searcher.documentPage(node, perDocument: 2, offset: 0, limit: 10)
        #expect(page.documents.map(\.id) == [1, 2])
        #expect(page.documents.map(\.matches) == [3, 1])
        #expect(page.hits(of: page.documents[0]) == searcher.rank(node).filter { [1, 2, 5].contains($0.passageID) }.prefix(2))
        #expect(page.totalDocuments == 2 && page.totalPassages == 4)
    }

    @Test("a common word's documents are counted once when documents lie in several segments, in several runs")
    func splitDocumentCounts() throws {
        var first: [IndexWriter.Passage] = [], added: [IndexWriter.Passage] = []
        var id: Int64 = 1
        func passage(_ document: Int, _ text: String) -> IndexWriter.Passage {
            defer { id += 1 }
            return IndexWriter.Passage(id: id, document: document, text: text)
        }
        // 400 documents of 4 passages with the word: a list long enough to be counted from the dictionaries.
        for d in 1...400 { for k in 0..<4 { first.append(passage(d, "ivory trade \(k) ivory")) } }
        // Documents 1 and 2 again after them: each a second run in the first segment.
        first += [passage(1, "ivory tusks"), passage(2, "rosewood logs"), passage(1, "ivory carvings")]
        // The second segment: documents 1 to 60 again with the word, 61 to 80 without it, and new ones.
        for d in 1...60 { added.append(passage(d, "ivory again")) }
        for d in 61...80 { added.append(passage(d, "rosewood again")) }
        for d in 401...405 { added.append(passage(d, "ivory new")) }
        let searcher = try twoSegments(first, added)
        #expect(searcher.snapshot.splitDocuments.count == 80)
        let node = try QueryParser().parse("ivory")
        let page = searcher.documentPage(node, perDocument: 3, offset: 0, limit: 10, countUpTo: 10_000)
        let all = first + added
        let holding = all.filter { $0.text.contains("ivory") }
        #expect(page.totalIsExact)
        #expect(page.totalDocuments == Set(holding.map(\.document)).count)
        #expect(page.totalPassages == holding.count)
        let rosewood = searcher.documentPage(try QueryParser().parse("rosewood"), perDocument: 3, offset: 0, limit: 10, countUpTo: 10_000)
        #expect(rosewood.totalDocuments == 21)
        // Counted up to a bound the dictionaries already pass (465 documents
        // over the segments, at most 80 of them counted twice): "at least",
        // never more than there are; the page itself is the exact one's. A
        // bound they do not pass is counted exactly, as before.
        let exact = Set(holding.map(\.document)).count
        for bound in [100, 300, 404] {
            let bounded = searcher.documentPage(node, perDocument: 3, offset: 0, limit: 10, countUpTo: bound)
            if bound < 385 { #expect(!bounded.totalIsExact) }
            #expect(bounded.totalIsExact ? bounded.totalDocuments == exact : (bound...exact).contains(bounded.totalDocuments),
                    "bound \(bound): \(bounded.totalDocuments) documents, exact \(bounded.totalIsExact)")
            #expect(bounded.totalPassages <= holding.count)
            #expect(bounded.documents == page.documents && bounded.hits == page.hits)
        }
        // A bound past the lower bound: counted exactly.
        let near = searcher.documentPage(node, perDocument: 3, offset: 0, limit: 10, countUpTo: exact)
        #expect(near.totalDocuments == exact && near.totalPassages == holding.count)
    }

    @Test("a word's documents are counted once when documents lie in three segments, whichever segments hold the word")
    func splitDocumentsInThreeSegments() throws {
        let dir = try indexFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let writer = try IndexWriter(folder: dir)
        var random = SeededRandom(seed: 7)
        let words = ["ivory", "rosewood", "pangolin", "shark"]
        var all: [IndexWriter.Passage] = []
        var id: Int64 = 1
        // Three commits, each adding passages to documents 1-300 (a document's
        // passages in two or three segments) with random words; no deletions.
        for commit in 0..<3 {
            for document in 1...300 where random.below(3) != 0 || commit == 0 {
                for _ in 0..<(1 + random.below(3)) {
                    let text = (0..<3).map { _ in words[random.below(words.count)] }.joined(separator: " ") + " lot\(commit)"
                    all.append(IndexWriter.Passage(id: id, document: document, text: text))
                    id += 1
                }
            }
            let live = all
            _ = try writer.sync(live: Set(live.map(\.id))) { ids in live.filter { ids.contains($0.id) } }
        }
        let searcher = Searcher(snapshot: try IndexSnapshot(folder: dir))
        #expect(searcher.snapshot.segments.count >= 2 && searcher.snapshot.splitDocuments.count > 100)
        for word in words {
            let page = searcher.documentPage(try QueryParser().parse(word), perDocument: 1, offset: 0, limit: 5)
            let holding = all.filter { $0.text.contains(word) }
            #expect(page.totalIsExact && page.totalDocuments == Set(holding.map(\.document)).count && page.totalPassages == holding.count, "\(word)")
        }
    }

    @Test("between equal scores the lower passage id leads, even where ids do not ascend from segment to segment")
    func idsNotAscending() throws {
        // Passages 10 and 11 in the first segment, 2 and 3 in the second, the same text in each document.
        let searcher = try twoSegments([IndexWriter.Passage(id: 10, document: 1, text: "ivory trade"), IndexWriter.Passage(id: 11, document: 1, text: "pangolin scales")],
                                       [IndexWriter.Passage(id: 2, document: 2, text: "ivory trade"), IndexWriter.Passage(id: 3, document: 2, text: "pangolin scales")])
        #expect(searcher.snapshot.segments.count == 2 && !searcher.snapshot.idsAscend)
        let node = try QueryParser().parse("ivory OR pangolin")
        let page = searcher.documentPage(node, perDocument: 2, offset: 0, limit: 10)
        #expect(page.documents.map(\.id) == [2, 1])
        #expect(page.hits.map(\.passageID) == [2, 3, 10, 11] && page.hits == searcher.rank(node))
        #expect(searcher.documentPage(node, perDocument: 2, offset: 1, limit: 1).documents.map(\.id) == [1])
    }

    @Test("a complete ranking, filtered, makes the same kind of page")
    func fromRanking() {
        let hits = (1...9).map { SearchHit(passageID: Int64($0), bm25: -Double(10 - $0)) }
        // Passages 1-9 in documents 1, 2, 1, 3, 2, 1, 3, 3, 9; document 9 filtered out.
        let documents: [Int64: Int] = [1: 1, 2: 2, 3: 1, 4: 3, 5: 2, 6: 1, 7: 3, 8: 3, 9: 9]
        let page = Searcher.documentPage(ranked: hits, perDocument: 2, offset: 1, limit: 5) { id in documents[id].flatMap { $0 == 9 ? nil : $0 } }
        #expect(page.documents.map(\.id) == [2, 3])
        #expect(page.documents.map { page.hits(of: $0).map(\.passageID) } == [[2, 5], [4, 7]])
        #expect(page.documents.map(\.matches) == [2, 3])
        #expect(page.totalPassages == 8 && page.totalDocuments == 3 && page.passagesBefore == 2)
    }

    @Test("a filter's runs clear exactly their passages' bits, within a word, across words, at the edges")
    func clearingRuns() {
        var random = SeededRandom(seed: 31)
        for _ in 0..<500 {
            let count = 1 + random.below(400)
            var bits = [UInt64](repeating: ~0, count: count / 64 + 1)
            var expected = bits
            let lo = random.below(count), hi = min(count - 1, lo + random.below(random.below(2) == 0 ? 8 : 200))
            Searcher.clear(&bits, lo, hi)
            for local in lo...hi { expected[local >> 6] &= ~(UInt64(1) << UInt64(local & 63)) }
            #expect(bits == expected, "\(lo)...\(hi) of \(count)")
        }
    }
}

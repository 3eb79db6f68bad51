import Foundation
import Index
@testable import Search
import Testing
import TestSupport

/// A small deterministic random generator.
struct Random {
    var state: UInt64
    mutating func next() -> UInt64 {
        state ^= state << 13; state ^= state >> 7; state ^= state << 17
        return state
    }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    mutating func chance(_ percent: Int) -> Bool { below(100) < percent }
}

/// Random corpora and queries, our index against FTS5.
struct Corpus {
    static let stems = ["traffic", "timber", "ivory", "pangolin", "rhino", "seizure", "custom", "border", "permit",
                        "forest", "wildlife", "crime", "operation", "thunder", "network", "species", "trade", "export",
                        "espèce", "menacée", "año", "niño", "việt", "động", "москва", "中国", "2024", "19", "x", "ab"]
    static let suffixes = ["", "", "", "s", "ing", "ed", "ation", "er", "ness", "ly", "al"]

    var random: Random
    var vocabulary: [String]

    init(seed: UInt64, size: Int) {
        random = Random(state: seed)
        var words = Set<String>()
        var r = Random(state: seed &+ 1)
        while words.count < size {
            let word = Self.stems[r.below(Self.stems.count)] + Self.suffixes[r.below(Self.suffixes.count)]
            words.insert(r.chance(10) ? word.uppercased() : word)
            if r.chance(20) { words.insert(Self.stems[r.below(Self.stems.count)] + String(r.below(50))) }
        }
        vocabulary = words.sorted()
    }

    /// A Zipf-distributed word.
    mutating func word() -> String {
        // Inverse of a rough Zipf: favour the head of the vocabulary.
        let u = Double(random.below(1_000_000) + 1) / 1_000_000
        let rank = min(vocabulary.count - 1, Int(pow(Double(vocabulary.count), u)) - 1)
        return vocabulary[max(0, rank)]
    }

    mutating func passage() -> String {
        let length = random.chance(10) ? 1 + random.below(3) : random.chance(10) ? 300 + random.below(400) : 5 + random.below(80)
        var words: [String] = []
        for _ in 0..<length {
            words.append(word())
            if random.chance(8) { words[words.count - 1] += [",", ".", ";", " -", "'s"][random.below(5)] }
        }
        return words.joined(separator: " ")
    }

    mutating func term() -> String { quoted(word()) }

    /// A word of the vocabulary's less frequent half, as a query term.
    mutating func rareTerm() -> String { quoted(vocabulary[vocabulary.count / 2 + random.below(vocabulary.count - vocabulary.count / 2)]) }

    func quoted(_ w: String) -> String {
        return w.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || $0.properties.numericType != nil) } && !["AND", "OR", "NOT", "NEAR"].contains(w) ? w : "\"\(w)\""
    }

    mutating func nearset() -> String {
        switch random.below(10) {
        case 0, 1: return "\"\(word()) \(word())\""
        case 2:
            let w = word()
            let cut = String(w.prefix(1 + random.below(max(1, min(3, w.count)))))
            return "\"\(cut)\"*"
        case 3: return "NEAR(\(term()) \(term())\(random.chance(50) ? ", \(random.below(12))" : ""))"
        case 4: return random.chance(50) ? "^\(term())" : "NEAR(\(term()) \(term()) \(term()), \(random.below(20)))"
        default: return term()
        }
    }

    mutating func query(depth: Int = 0) -> String {
        if depth > 2 || random.chance(40) {
            return random.chance(30) ? "\(nearset()) \(nearset())" : nearset()
        }
        let op = ["AND", "OR", "NOT", "OR"][random.below(4)]
        return "(\(query(depth: depth + 1))) \(op) (\(query(depth: depth + 1)))"
    }
}

@Suite("Our index and BM25 against FTS5")
struct DifferentialTests {
    func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("dossier-index-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test("random corpora, random queries of every operator, with deletions and several segments: same rows, same scores, same order",
          arguments: [UInt64(1), 2, 3])
    func differential(seed: UInt64) throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        var corpus = Corpus(seed: seed, size: 120)
        let fts = FTS5Table()
        var live: [Int64: String] = [:]
        var nextID: Int64 = 1
        let writer = try IndexWriter(folder: dir)
        // Small tiers, so that these commits merge; more analysis threads than
        // cores, so that the first commit serializes three writers as one segment.
        writer.mergeFactor = 2
        writer.threads = 3
        // Several commits: adds and deletes, as updates do.
        for round in 0..<5 {
            var added: [(Int64, String)] = []
            for _ in 0..<(round == 0 ? 600 : 120) {
                added.append((nextID, corpus.passage()))
                nextID += 1 + Int64(corpus.random.below(3))
            }
            for (id, text) in added { live[id] = text }
            fts.insert(added)
            if round > 0 {
                let victims = live.keys.sorted().filter { _ in corpus.random.chance(8) }
                for id in victims { live[id] = nil }
                fts.delete(victims)
            }
            let snapshotLive = live
            _ = try writer.sync(live: Set(live.keys)) { ids in ids.map { ($0, snapshotLive[$0]!) } }
        }
        let searcher = Searcher(snapshot: try IndexSnapshot(folder: dir))
        #expect(searcher.snapshot.passageCount == live.count)
        let parser = QueryParser()
        var compared = 0, withHits = 0
        var failures: [String] = []
        for _ in 0..<400 {
            let text = corpus.query()
            guard let expected = fts.search(text) else { continue }
            let node: QueryNode
            do { node = try parser.parse(text) } catch {
                failures.append("\(text): we refused a query FTS5 accepts (\(error))")
                continue
            }
            let ours = searcher.rank(node)
            compared += 1
            if !expected.isEmpty { withHits += 1 }
            let same = ours.count == expected.count && zip(ours, expected).allSatisfy {
                $0.passageID == $1.0 && $0.bm25.bitPattern == $1.1.bitPattern
            }
            if !same, failures.count < 50 {
                let a = ours.prefix(3).map { "\($0.passageID):\($0.bm25)" }, b = expected.prefix(3).map { "\($0.0):\($0.1)" }
                failures.append("\(text): ours \(ours.count) \(a) fts5 \(expected.count) \(b)")
            }
        }
        failures.sort { $0.count < $1.count }
        #expect(failures.isEmpty, "\(failures.prefix(6).joined(separator: "\n"))")
        #expect(compared > 300)
        #expect(withHits > 150)
    }
}

/// Three rounds of 300 passages written to an index in `dir` (a segment
/// each), a tenth of them deleted in the last, and FTS5 holding the same.
func threeRounds(_ corpus: inout Corpus, in dir: URL) throws -> (live: [Int64: String], fts: FTS5Table) {
    var live: [Int64: String] = [:]
    let fts = FTS5Table()
    let writer = try IndexWriter(folder: dir)
    for round in 0..<3 {
        let rows = (0..<300).map { i in (Int64(round * 1000 + i + 1), corpus.passage()) }
        for (id, text) in rows { live[id] = text }
        fts.insert(rows)
        if round == 2 {
            let victims = live.keys.sorted().filter { _ in corpus.random.chance(10) }
            for id in victims { live[id] = nil }
            fts.delete(victims)
        }
        let snapshot = live
        _ = try writer.sync(live: Set(live.keys)) { ids in ids.map { ($0, snapshot[$0]!) } }
    }
    return (live, fts)
}

@Suite("Top-k fast path")
struct TopKTests {
    @Test("terms, prefixes, phrases, and OR and AND of them: top(k) and rank() give the exhaustive evaluator's total and hits, the same doubles, and FTS5's order", arguments: [UInt64(11), 12])
    func fastPath(seed: UInt64) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dossier-topk-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var corpus = Corpus(seed: seed, size: 80)
        let (live, fts) = try threeRounds(&corpus, in: dir)
        let searcher = Searcher(snapshot: try IndexSnapshot(folder: dir))
        // The same queries without reading short lists whole: cursors, windows and leapfrogs alone.
        var cursors = searcher
        cursors.readsShortLists = false
        var checked = 0
        let texts = Array(live.values)
        var phrasesWithHits = 0
        var inexact = 0
        // Queries of plain terms: answered from short lists on the stack, or through cursors.
        var shortLists = 0, longLists = 0, flats = 0
        for i in 0..<500 {
            // Every other round of ten, the terms are rarer words: short lists, each in one block.
            let terms = (0..<(1 + i % 4)).map { _ in i % 20 >= 10 ? corpus.rareTerm() : corpus.term() }
            // Two or three consecutive words of a real passage.
            let words = texts[corpus.random.below(texts.count)].split(separator: " ").map { $0.filter { $0.isLetter || $0.isNumber } }.filter { !$0.isEmpty }
            let start = words.count > 3 ? corpus.random.below(words.count - 3) : 0
            let phrase = words.dropFirst(start).prefix(2 + i % 2).joined(separator: " ")
            let query: String
            let prefix = "\"\(String(corpus.word().prefix(2)))\"*"
            switch i % 10 {
            case 0: query = terms[0]
            case 1: query = prefix
            case 2: query = terms.joined(separator: " OR ")
            case 3: query = terms.joined(separator: " AND ")
            case 4: query = "\"\(phrase)\""
            case 5: query = i % 16 == 5 ? "^\"\(phrase)\"" : "\"\(phrase)\"*"
            case 6: query = "\(terms[0]) OR \(prefix) OR \(terms[0])"
            case 7: query = "\(prefix) AND \(terms[0]) AND \(terms[0])"
            case 8: query = i % 20 == 8 ? "\"\(phrase)\" \(terms[0])" : "\"\(phrase)\" AND \(prefix)"
            default: query = i % 20 == 9 ? "\"\(phrase)\" OR \(terms[0]) OR \(prefix)" : "^\(terms[0]) OR \"\(phrase)\"*"
            }
            let node = try QueryParser().parse(query)
            if let (phrases, connective) = searcher.termShape(node), phrases.allSatisfy(searcher.isPlainTerm) {
                if searcher.shortListTop(phrases, connective, k: 10) != nil { shortLists += 1 } else { longLists += 1 }
            }
            for k in [1, 10, 100, 100_000] {
                let (short, long) = (searcher.top(node, k: k), cursors.top(node, k: k))
                #expect(short.total == long.total && short.hits == long.hits, "\(query) k=\(k): short lists and cursors differ")
                // Words joined by one operator: the flat form gives what the tree gives.
                if let flat = QueryParser().flat(query) {
                    let direct = searcher.top(flat, k: k)
                    #expect(direct.total == short.total && direct.hits == short.hits, "\(query) k=\(k): flat and tree differ")
                    flats += 1
                }
            }
            let full = searcher.exhaustiveRank(node)
            let fast = searcher.rank(node)
            #expect(fast.map(\.passageID) == full.map(\.passageID) && zip(fast, full).allSatisfy { $0.bm25.bitPattern == $1.bm25.bitPattern },
                    "\(query): rank() by the fast path differs from the exhaustive evaluator")
            if i % 10 == 4 || i % 10 == 5, !full.isEmpty { phrasesWithHits += 1 }
            let expected = try #require(fts.search(query))
            for k in [1, 10, 100] {
                let top = searcher.top(node, k: k)
                #expect(top.total == full.count, "\(query)")
                #expect(top.hits.map(\.passageID) == full.prefix(k).map(\.passageID), "\(query) k=\(k)")
                #expect(zip(top.hits, expected).allSatisfy { $0.passageID == $1.0 && $0.bm25.bitPattern == $1.1.bitPattern }, "\(query) k=\(k)")
                #expect(top.totalIsExact, "\(query) k=\(k): counting every match is the default")
                // Counting only up to a number: the same hits; the total exact
                // below it, else a lower bound that reaches it.
                for countUpTo in [0, 7, 40] {
                    for engine in [searcher, cursors] {
                        let bounded = engine.top(node, k: k, countUpTo: countUpTo)
                        #expect(bounded.hits == top.hits, "\(query) k=\(k) countUpTo=\(countUpTo)")
                        if full.count < countUpTo { #expect(bounded.totalIsExact, "\(query) k=\(k) countUpTo=\(countUpTo)") }
                        if bounded.totalIsExact {
                            #expect(bounded.total == full.count, "\(query) k=\(k) countUpTo=\(countUpTo)")
                        } else {
                            #expect(bounded.total >= countUpTo && bounded.total <= full.count, "\(query) k=\(k) countUpTo=\(countUpTo): \(bounded.total) of \(full.count)")
                            inexact += 1
                        }
                    }
                }
            }
            checked += 1
        }
        #expect(checked == 500)
        #expect(phrasesWithHits > 60)
        #expect(inexact > 100, "counting up to a number must leave some totals uncounted, or it saves nothing")
        #expect(shortLists > 100, "queries of plain terms must be read from short lists: \(shortLists) were, \(longLists) were not")
        #expect(flats > 100)
    }
}

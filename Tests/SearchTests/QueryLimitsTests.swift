import Foundation
@testable import Index
@testable import Search
import Testing
import TestSupport

/// What a query may ask is bounded: nesting, terms, bytes; and what the
/// evaluators allocate grows with the sum of a query's leaves and the
/// passages, never their product.
@Suite("Query limits")
struct QueryLimitsTests {
    let parser = QueryParser()

    @Test("10,000 nested parentheses are a one-line error, not a crash; 64 levels parse")
    func nesting() throws {
        let deep = String(repeating: "(", count: 10_000) + "ivory" + String(repeating: ")", count: 10_000)
        // Under the byte limit once the parentheses go past the depth limit: the depth is what is reported.
        let text = String(deep.dropFirst(10_000 - 2_000).dropLast(10_000 - 2_000))
        #expect(text.utf8.count < QueryParser.maxBytes)
        do {
            _ = try parser.parse(text)
            Issue.record("a query nested 2,000 deep must be refused")
        } catch {
            #expect(error.isLimit)
            #expect(error.description.contains("nested more than 64"))
            #expect(!error.description.contains("\n"))
        }
        #expect(throws: QuerySyntaxError.self) { try parser.parse(deep) }
        let allowed = String(repeating: "(", count: 64) + "ivory" + String(repeating: ")", count: 64)
        #expect(try parser.parse(allowed) == parser.parse("ivory"))
        let one = String(repeating: "(", count: 65) + "ivory" + String(repeating: ")", count: 65)
        #expect(throws: QuerySyntaxError.self) { try parser.parse(one) }
    }

    @Test("more than 1,024 terms is a one-line error in every form: plain, OR'ed, flat, a phrase; 1,024 parse")
    func terms() throws {
        let words = (0..<1_025).map { "w\($0)" }
        for text in [words.joined(separator: " "), words.joined(separator: " OR "), "\"" + words.joined(separator: " ") + "\"",
                     "(" + words.joined(separator: " OR ") + ") NOT x"] {
            do {
                _ = try parser.parse(text)
                Issue.record("\(text.prefix(40))…: 1,025 terms must be refused")
            } catch {
                #expect(error.isLimit && error.description.contains("more than 1024 terms"))
            }
            #expect(parser.flat(text) == nil)
        }
        let most = words.dropLast().joined(separator: " OR ")
        #expect(try parser.parse(most).phrases.count == 1_024)
        #expect(parser.flat(most)?.phrases.count == 1_024)
    }

    @Test("a query past the byte limit is refused before it is read")
    func bytes() {
        let text = String(repeating: "ivory ", count: QueryParser.maxBytes / 6 + 1)
        do {
            _ = try parser.parse(text)
            Issue.record("a query of \(text.utf8.count) bytes must be refused")
        } catch {
            #expect(error.isLimit && error.description == "query too large: the query is \(text.utf8.count) bytes long; the most is 16384")
        }
        // Under 1,024 words, but over the bytes: not flat either (search --batch reads the flat form first).
        let long = (0..<800).map { _ in "internationalization" }.joined(separator: " OR ")
        #expect(long.utf8.count > QueryParser.maxBytes && parser.flat(long) == nil)
    }

    @Test("hints are given once each, however often their word comes")
    func hintsOnce() {
        let query = FriendlyQuery(Array(repeating: "and", count: 800).joined(separator: " "))
        #expect(query.hints == ["'and' is searched as a word; write AND for the operator"])
        let mixed = FriendlyQuery("ivory or rhino or -pangolin and not not")
        #expect(mixed.hints.count == 3)
    }

    @Test("a wide OR (17 to 300 leaves: terms, prefixes, phrases) gives the exhaustive evaluator's and FTS5's hits, bit for bit, with deletions")
    func wideUnions() throws {
        let dir = try PDFFixture.temporaryFolder()
        var corpus = Corpus(seed: 41, size: 400)
        let (_, fts) = try threeRounds(&corpus, in: dir)
        let searcher = Searcher(snapshot: try IndexSnapshot(folder: dir))
        #expect(searcher.snapshot.segments.count > 1)
        for i in 0..<24 {
            let m = [17, 40, 300][i % 3]
            let leaves = (0..<m).map { j -> String in
                switch (i + j) % 7 {
                case 0: return "\"\(String(corpus.word().prefix(2)))\"*"
                case 1: return "\"\(corpus.word()) \(corpus.word())\""
                default: return j % 2 == 0 ? corpus.term() : corpus.rareTerm()
                }
            }
            let query = leaves.joined(separator: " OR ")
            let node = try parser.parse(query)
            let expected = try #require(fts.search(query))
            let full = searcher.exhaustiveRank(node)
            #expect(full.count == expected.count)
            for k in [1, 10, 1_000_000] {
                let top = searcher.top(node, k: k)
                #expect(top.total == expected.count, "\(m) leaves k=\(k)")
                #expect(top.hits.count == min(k, expected.count))
                #expect(zip(top.hits, expected).allSatisfy { $0.passageID == $1.0 && $0.bm25.bitPattern == $1.1.bitPattern }, "\(m) leaves k=\(k)")
            }
            if let flat = parser.flat(query) {
                let direct = searcher.top(flat, k: 10)
                #expect(direct.hits == searcher.top(node, k: 10).hits)
            }
        }
    }

    @Test("the widest queries the limits allow are answered: 1,024 OR'ed words, nested 64 deep, NOT")
    func widestAnswered() throws {
        let dir = try PDFFixture.temporaryFolder()
        var corpus = Corpus(seed: 7, size: 2_000)
        let rows = (0..<2_000).map { i in (Int64(i + 1), corpus.passage()) }
        let writer = try IndexWriter(folder: dir)
        _ = try writer.sync(live: Set(rows.map(\.0))) { ids in ids.map { id in (id, rows[Int(id) - 1].1) } }
        let searcher = Searcher(snapshot: try IndexSnapshot(folder: dir))
        let words = corpus.vocabulary.prefix(1_024).map(corpus.quoted)
        let wide = words.joined(separator: " OR ")
        let node = try parser.parse(wide)
        let top = searcher.top(node, k: 10)
        #expect(top.hits.count == 10 && top.total > 1_000)
        // Nested and NOT: the exhaustive evaluator, whose tree is as deep as the query is long.
        let nested = String(repeating: "(", count: 63) + words.prefix(1_000).joined(separator: " OR ") + String(repeating: ")", count: 63) + " NOT \(words[0])"
        let ranked = searcher.rank(try parser.parse(nested))
        #expect(!ranked.isEmpty)
    }
}

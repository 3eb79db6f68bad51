@testable import Index
@testable import Search
import Testing

@Suite("Query parser")
struct QueryParserTests {
    let parser = QueryParser()

    func terms(_ node: QueryNode) -> [String] { node.phrases.flatMap { $0.terms.map(\.text) } }

    @Test("a word typed as a stop word of the query's languages is marked so, whichever way the query is read")
    func stopWords() throws {
        func stops(_ parser: QueryParser, _ text: String) throws -> [Bool] {
            try parser.parse(text).phrases.flatMap { $0.terms.map(\.stop) }
        }
        // Plain words, quoted words, a phrase, a prefix: each term as typed.
        #expect(try stops(parser, "What OR is OR ivory") == [true, true, false])
        #expect(try stops(parser, "\"what\" OR \"I\" OR \"pangolins\"") == [true, true, false])
        #expect(try stops(parser, "\"the trade\" OR am*") == [true, false, true])
        var flat = FlatQuery(phrases: [], connective: .or)
        #expect(parser.flat("which OR scales", into: &flat) && flat.phrases.map { $0.terms[0].stop } == [true, false])
        // Stemming does not make a word a stop word: "does" is one, "doe" (a deer) is not, though Porter stems both to "doe".
        #expect(try stops(parser, "does OR doe") == [true, false])
        // French and Spanish stop words, folded as typed, where the index holds those languages.
        let french = QueryParser(languages: [.french, .spanish])
        #expect(try stops(french, "les OR éléphants OR qué OR où") == [true, false, true, true])
        #expect(try stops(parser, "les OR qué") == [false, false])
        let narrowed = QueryParser(languages: [.english, .french], narrowing: WordLanguages(snapshot: IndexSnapshot(manifest: Manifest(), segments: [])))
        #expect(try stops(narrowed, "les OR ivoire") == [true, false])
        // In capitals, among words of lower case, a word is an acronym (the World Health Organization, the United
        // States): not a stop word, however the query is read. A query all in capitals says nothing by its case.
        #expect(try stops(parser, "WHO OR US OR what OR pangolin") == [false, false, true, false])
        #expect(try stops(parser, "\"WHO\" OR \"the\" OR pangolin") == [false, true, false])
        #expect(try stops(narrowed, "WHO OR les OR ivoire") == [false, true, false])
        #expect(try stops(french, "IL OR les OR ivoire") == [false, true, false])
        #expect(try stops(parser, "WHO OR WHAT OR PANGOLIN") == [true, true, false])
        #expect(try stops(parser, "What OR I") == [true, true])
    }

    @Test("plain queries (words, AND, OR) parse to the same tree without the lexer as with it; the rest goes to the full grammar")
    func plainQueries() throws {
        let words = ["timber", "ivory", "Trafficking", "año", "việt", "中国", "2024", "x", "ab_cd", "NEAR", "or", "and",
                     "AND", "OR", "NOT", "e\u{301}le\u{301}phant", "_", "a*", "\"ivory\"", "(x)", "-teak", "^first"]
        var state: UInt64 = 0xC0FFEE
        func next(_ bound: Int) -> Int {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return Int(state % UInt64(bound))
        }
        var plain = 0, full = 0, flats = 0
        let searcher = Searcher(snapshot: IndexSnapshot(manifest: Manifest(), segments: []))
        // One flat query reused from text to text, as search --batch does, whatever the text before.
        var reused = FlatQuery(phrases: [], connective: .or)
        for _ in 0..<3000 {
            let count = 1 + next(6)
            let text = (0..<count).map { _ in words[next(words.count)] }.joined(separator: [" ", "  ", "\t"][next(3)])
            let expected = Result { () throws(QuerySyntaxError) in try parser.parseInFull(text) }
            let got = Result { () throws(QuerySyntaxError) in try parser.parse(text) }
            switch (expected, got) {
            case (.success(let a), .success(let b)): #expect(a == b, "\(text)")
            case (.failure(let a), .failure(let b)): #expect(a == b, "\(text)")
            default: Issue.record("\(text): \(expected) against \(got)")
            }
            if parser.plain(text) != nil { plain += 1 } else { full += 1 }
            // The flat form is the tree's phrases and operator, for every query of that shape.
            let flat = parser.flat(text)
            let read = parser.flat(text, into: &reused)
            #expect(read == (flat != nil), "\(text)")
            if read { #expect(reused == flat, "\(text): reused storage must not carry the text before") }
            // A flat query needs no rewriting (search --batch reads it before FriendlyQuery would).
            if flat != nil { #expect(FriendlyQuery(text).fts5 == text, "\(text)") }
            if case .success(let node) = got, let shape = searcher.termShape(node), shape.0.allSatisfy({ $0.terms.count == 1 && !$0.first && !$0.terms[0].prefix }),
               parser.plain(text) != nil {
                #expect(flat == FlatQuery(phrases: shape.0, connective: shape.1), "\(text)")
                flats += 1
            } else {
                #expect(flat == nil, "\(text)")
            }
        }
        #expect(flats > 300)
        #expect(plain > 500 && full > 500, "both ways must be taken: \(plain) plain, \(full) in full")
        #expect(parser.plain("timber OR ivory trade AND seizures") == (try parser.parseInFull("timber OR ivory trade AND seizures")))
    }

    @Test("the lexer's byte classes: white space is ASCII's, a bareword byte is above ASCII, [0-9A-Za-z_] or 0x1A")
    func byteClasses() {
        for c in 0...255 {
            let byte = UInt8(c)
            let space = c == 0x20 || (0x09...0x0D).contains(c)
            let bareword = c >= 0x80 || (0x30...0x39).contains(c) || (0x41...0x5A).contains(c) || (0x61...0x7A).contains(c) || c == 0x5F || c == 0x1A
            #expect(QueryParser.Lexer.isSpace(byte) == space, "byte \(c)")
            #expect(QueryParser.Lexer.isBareword(byte) == bareword, "byte \(c)")
        }
    }

    @Test("precedence: implicit AND, then NOT, AND, OR; operators are upper case")
    func precedence() throws {
        #expect(try parser.parse("a NOT b c") == .not(.nearset([Phrase(index: 0, terms: [QueryTerm("a", stop: true)])], distance: nil),
                                                       .and(.nearset([Phrase(index: 1, terms: [QueryTerm("b")])], distance: nil),
                                                            .nearset([Phrase(index: 2, terms: [QueryTerm("c")])], distance: nil))))
        guard case .or = try parser.parse("a OR b AND c") else { Issue.record("OR must be the root"); return }
        #expect(terms(try parser.parse("timber or ivory")) == ["timber", "or", "ivori"])
    }

    @Test("phrases, prefixes, NEAR, caret, stemming and folding")
    func forms() throws {
        let phrase = try parser.parse("\"Timber Trafficking\"")
        #expect(phrase.phrases.first?.terms == [QueryTerm("timber"), QueryTerm("traffick")])
        #expect(try parser.parse("traff*").phrases.first?.terms == [QueryTerm("traff", prefix: true)])
        guard case .nearset(let near, let distance) = try parser.parse("NEAR(ivory \"rhino horn\", 5)") else { Issue.record("NEAR"); return }
        #expect(near.count == 2 && distance == 5)
        guard case .nearset(_, let defaultDistance) = try parser.parse("NEAR(a b)") else { Issue.record("NEAR"); return }
        #expect(defaultDistance == 10)
        #expect(try parser.parse("^espèces").phrases.first == Phrase(index: 0, terms: [QueryTerm("espec")], first: true))
        #expect(try parser.parse("\"\"") == .empty)
        #expect(terms(try parser.parse("\"\" ivory")) == ["ivori"])
    }

    @Test("syntax errors say what and where", arguments: [
        ("timber AND", 10, "at the end"),
        ("(timber", 7, "')'"),
        ("timber)", 6, "unexpected ')'"),
        ("\"open phrase", 0, "unterminated"),
        ("wildlife-crime", 8, "column filters"),
        ("NOT ivory", 0, "expected a word"),
        ("near(a b)", 4, "NEAR"),
        ("NEAR(a b, x)", 10, "integer"),
        ("a.b", 1, "unexpected '.'"),
        ("éléphant \"ivoire)", 9, "unterminated"),
        ("éléphant)", 8, "unexpected ')'"),
        ("(a OR b) c", 9, "unexpected 'c'"),
    ])
    func errors(query: String, offset: Int, message: String) {
        #expect {
            try parser.parse(query)
        } throws: { error in
            guard let error = error as? QuerySyntaxError else { return false }
            return error.offset == offset && error.message.contains(message)
        }
    }
}

@Suite("Query rewriting")
struct FriendlyQueryTests {
    @Test("-word excludes, several exclusions are OR'ed, and text without them is passed through unchanged")
    func exclusions() {
        #expect(FriendlyQuery("timber -teak").fts5 == "(timber) NOT teak")
        #expect(FriendlyQuery("timber  -teak -\"sawn wood\"").fts5 == "(timber) NOT (teak OR \"sawn wood\")")
        #expect(FriendlyQuery("wildlife-crime").fts5 == "wildlife-crime")
        #expect(FriendlyQuery("ivory AND \"rhino horn\"").fts5 == "ivory AND \"rhino horn\"")
        let alone = FriendlyQuery("-teak")
        #expect(alone.fts5 == "" && alone.hints.count == 1)
        // The quick form that search --batch runs gives the same query for each.
        for text in ["timber -teak", "timber  -teak -\"sawn wood\"", "wildlife-crime", "ivory or rhino", "-teak", "ivory\u{A0}-teak", "象牙\u{3000}-犀牛", "é -x"] {
            #expect(FriendlyQuery.fts5(text) == FriendlyQuery(text).fts5, "\(text)")
        }
    }

    @Test("a lower-case or, and, not outside quotes earns a hint, in ASCII and beyond")
    func hints() {
        #expect(FriendlyQuery("ivory or rhino").hints == ["'or' is searched as a word; write OR for the operator"])
        #expect(FriendlyQuery("éléphant and ivoire").hints == ["'and' is searched as a word; write AND for the operator"])
        #expect(FriendlyQuery("pangolin -scales not").hints == ["'not' is searched as a word; write NOT for the operator"])
        #expect(FriendlyQuery("\"ivory or rhino\"").hints.isEmpty)
        #expect(FriendlyQuery("forest order").hints.isEmpty)
        // White space beyond ASCII separates words too (no-break space, ideographic space).
        #expect(FriendlyQuery("ivory\u{A0}or rhino").hints == ["'or' is searched as a word; write OR for the operator"])
        #expect(FriendlyQuery("象牙\u{3000}or 犀牛").hints == ["'or' is searched as a word; write OR for the operator"])
        #expect(FriendlyQuery("ivory\u{A0}or rhino").fts5 == "ivory\u{A0}or rhino")
        #expect(FriendlyQuery("ivoire çor éor").hints.isEmpty)
    }
}

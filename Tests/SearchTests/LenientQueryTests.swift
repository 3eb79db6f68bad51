@testable import Search
import Testing

@Suite("Lenient queries")
struct LenientQueryTests {
    @Test("words of this field read as the tokenizer reads them; FTS5's operators kept where written as FTS5 writes them")
    func examples() throws {
        let cases: [(String, String)] = [
            ("re-export", "\"re export\""),
            ("re-export certificate", "\"re export\" certificate"),
            ("Côte d'Ivoire", "Côte \"d Ivoire\""),
            ("Member State's", "Member \"State s\""),
            ("U.S.", "\"U S\""),
            ("Regulation (EC) No 338/97", "Regulation AND ( EC ) AND No \"338 97\""),
            ("Art. 5(2)", "Art \"5 2\""),
            ("10%", "10"),
            ("\"Appendix II", "Appendix II"),
            ("timber AND", "timber"),
            ("OR timber", "timber"),
            ("timber AND AND ivory", "timber AND ivory"),
            ("(timber", "timber"),
            ("timber)", "timber"),
            ("()", ""),
            ("timber -teak", "(timber) NOT teak"),
            ("timber -teak -\"rose wood\"", "(timber) NOT (teak OR \"rose wood\")"),
            ("re-exp*", "\"re exp\"*"),
            ("timber OR ivory", "timber OR ivory"),
            ("\"wildlife trade\"* NOT bird", "\"wildlife trade\"* NOT bird"),
            ("NEAR(pangolin scales, 5)", "NEAR(pangolin scales, 5)"),
            ("NEAR(re-export permit)", "NEAR(\"re export\" permit)"),
            ("^summary", "^summary"),
            ("(a OR b) c", "( a OR b ) AND c"),
        ]
        for (typed, expected) in cases {
            let read = LenientQuery(typed)
            #expect(read.fts5 == expected, "\(typed)")
            if !read.fts5.isEmpty { #expect(throws: Never.self, "\(typed)") { try QueryParser().parse(read.fts5) } }
        }
    }

    @Test("a hint says how the query was read, only when it was read differently")
    func hints() {
        #expect(LenientQuery("re-export certificate").hints == ["searched: \"re export\" certificate"])
        #expect(LenientQuery("timber OR \"export permit\" NOT bird*").hints.isEmpty)
        #expect(LenientQuery("timber -teak").hints.isEmpty, "an exclusion is written as meant")
        #expect(LenientQuery("timber or ivory").hints == [FriendlyQuery.operatorHint("or")])
        #expect(LenientQuery("-teak").hints == ["a query of exclusions alone matches nothing; add words to look for"])
    }

    @Test("no text is a syntax error: random strings of words, quotes, parentheses, operators and punctuation all parse")
    func neverAnError() throws {
        var random = Random(state: 99)
        let pieces = ["timber", "ivory", "AND", "OR", "NOT", "NEAR", "NEAR(", "(", ")", "\"", "-", "^", "*", ",", "5", "'", "/", ".",
                      "%", "re-export", "d'Ivoire", "Côte", "—", ":", "+", "and", "or", "(EC)", "5(2)", "\"a b\"", "NEAR(a b, 3)", " ", "\t"]
        var parsed = 0
        for _ in 0..<30000 {
            let count = 1 + random.below(9)
            let text = (0..<count).map { _ in pieces[random.below(pieces.count)] }.joined(separator: random.chance(70) ? " " : "")
            let read = LenientQuery(text)
            guard !read.fts5.isEmpty else { continue }
            do {
                _ = try QueryParser().parse(read.fts5)
                parsed += 1
            } catch {
                Issue.record("\(text) → \(read.fts5): \(error)")
            }
        }
        #expect(parsed > 20000)
    }

    @Test("a query nested past the parser's limit is left for the parser to refuse as too large")
    func deepNesting() {
        let deep = String(repeating: "(", count: 100) + "timber"
        #expect(LenientQuery(deep).fts5 == deep)
        #expect(throws: QuerySyntaxError.self) { try QueryParser().parse(LenientQuery(deep).fts5) }
    }
}

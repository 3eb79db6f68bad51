import Search
import Testing

@Suite("Snippets")
struct SnippetTests {
    static func marked(_ snippet: Snippet) -> [String] {
        let scalars = Array(snippet.text.unicodeScalars)
        return snippet.highlights.map { String(String.UnicodeScalarView(scalars[$0[0]..<$0[1]])) }
    }

    static let body = "The Consortium supported national agencies in investigating the illegal trade in timber and in wildlife "
        + "through training, mentoring and joint operations with customs at the main ports of the region."

    @Test("a heading is a paragraph of its own: not run into the text of a hit below it")
    func headingApart() throws {
        let passage = "3.2 Enforcement support\n" + Self.body
        let snippet = Snippet.make(passage, query: try QueryParser().parse("timber"))
        #expect(!snippet.text.contains("Enforcement"), "\(snippet.text)")
        #expect(snippet.text.hasPrefix("…The Consortium supported"))
        #expect(Self.marked(snippet) == ["timber"])
    }

    @Test("a heading that matches shows, with the text that matches below it")
    func headingMatches() throws {
        let passage = "Timber trafficking\n" + Self.body
        let snippet = Snippet.make(passage, query: try QueryParser().parse("timber"))
        #expect(snippet.text.hasPrefix("Timber trafficking The Consortium"), "\(snippet.text)")
        #expect(Self.marked(snippet) == ["Timber", "timber"])
    }

    @Test("a hit in a short paragraph (a table row) reads on into the next ones, not back")
    func shortParagraph() throws {
        let passage = "Annex VI trade terms\nmedicine MED kg/l\nmusk MUS g musk\noil OIL kg\npearl PRL no.\n" + Self.body
        let snippet = Snippet.make(passage, query: try QueryParser().parse("musk"))
        #expect(snippet.text.hasPrefix("…musk MUS g musk oil OIL kg pearl PRL no. The Consortium"), "\(snippet.text)")
        #expect(Self.marked(snippet) == ["musk", "musk"])
    }
}

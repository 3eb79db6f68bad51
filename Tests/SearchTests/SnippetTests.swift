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

    @Test("a phrase marks only its occurrences, and the snippet is centred on one")
    func phraseOccurrences() throws {
        let filler = (0..<40).map { "de la parte \($0)" }.joined(separator: " ")
        let passage = "Supervisar los niveles de comercio y determinar \(filler) su comercio de especies incluidas en los Apéndices \(filler)"
        let snippet = Snippet.make(passage, query: try QueryParser().parse("\"comercio de especies\""))
        #expect(Self.marked(snippet) == ["comercio", "de", "especies"], "\(snippet.text)")
        // Centred: words on both sides of the phrase.
        let words = snippet.text.split(separator: " ")
        let at = try #require(words.firstIndex(of: "comercio"))
        #expect(at > 8 && words.count - at > 8, "\(snippet.text)")
        let bred = Snippet.make("Horses born and bred here; parrots captive-bred under licence.", query: try QueryParser().parse("\"captive bred\""))
        #expect(Self.marked(bred) == ["captive", "bred"], "\(bred.text)")
        #expect(Snippet.highlights(in: "born and bred, captive bred", query: try QueryParser().parse("\"captive bred\"")) == [[15, 22], [23, 27]])
    }

    @Test("several words: the window holding the most distinct ones wins over one word repeated")
    func distinctWords() throws {
        let many = Array(repeating: "timber", count: 12).joined(separator: " logs ")
        let filler = (0..<30).map { "word\($0)" }.joined(separator: " ")
        let passage = "\(many) \(filler) the trafficking of timber by sea \(filler)"
        let snippet = Snippet.make(passage, query: try QueryParser().parse("timber trafficking"))
        #expect(Self.marked(snippet).contains("trafficking"), "\(snippet.text)")
        #expect(snippet.text.contains("the trafficking of timber by sea"))
    }
}


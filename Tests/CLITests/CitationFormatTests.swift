import DossierCore
import SearchService
import Testing

/// How a citation is written: names as people or organizations, BibTeX's
/// special characters, Markdown's, keys.
@Suite("Citation formats")
struct CitationFormatTests {
    static func reference(title: String, authors: String? = nil, issued: String? = nil, url: String? = "https://e.org/r.pdf",
                          page: Int? = nil, label: String? = nil) -> Reference {
        var readings = [MetadataCandidate(.title, .user, title)]
        if let authors { readings.append(MetadataCandidate(.authors, .user, authors)) }
        if let issued { readings.append(MetadataCandidate(.issued, .user, issued)) }
        return Reference(document: 4, kind: .pdf, metadata: DocumentMetadata.resolve(readings), url: url, path: "corpus/library/a b.pdf",
                         page: page, pageLabel: label, pageCount: 10)
    }

    @Test("people split into family, given and particle; organizations and acronyms taken whole")
    func names() {
        #expect(AuthorName("Ciara Stafford") == .person(given: "Ciara", particle: nil, family: "Stafford"))
        #expect(AuthorName("Simão Belchior de Castro") == .person(given: "Simão Belchior", particle: "de", family: "Castro"))
        #expect(AuthorName("van der Berg, Anna") == .person(given: "Anna", particle: "van der", family: "Berg"))
        #expect(AuthorName("CITES Secretariat") == .literal("CITES Secretariat"))
        #expect(AuthorName("Secrétariat CITES") == .literal("Secrétariat CITES"))
        #expect(AuthorName("UNEP-WCMC") == .literal("UNEP-WCMC"))
        #expect(AuthorName("European Commission") == .literal("European Commission"))
        #expect(AuthorName("madonna") == .literal("madonna"))
    }

    @Test("BibTeX: LaTeX's special characters escaped, braces balanced, the title's case kept, the page as a comment")
    func bibtex() {
        let text = CitationFormat.bibtex(Self.reference(title: "Trade & {odd} 100% of_cases #1", authors: "Jane Doe; TRAFFIC", issued: "2020-05",
                                                        page: 7, label: "5"))
        #expect(text.contains(##"title = {{Trade \& \{odd\} 100\% of\_cases \#1}}"##), "\(text)")
        #expect(text.contains("author = {Doe, Jane and {TRAFFIC}}") && text.contains("year = {2020}") && text.contains("date = {2020-05}"))
        #expect(text.hasPrefix("% p. 5 of document 4: \\cite[p.~5]{doe2020trade}\n@misc{doe2020trade,"), "\(text)")
    }

    @Test("Markdown: brackets escaped in the label, a URL with parentheses in angle brackets, a library file by its path from the notes")
    func markdown() {
        #expect(CitationFormat.markdown(Self.reference(title: "A [draft] report", page: 3)) == #"[A \[draft\] report, p. 3](https://e.org/r.pdf#page=3)"#)
        #expect(CitationFormat.markdown(Self.reference(title: "R", url: "https://e.org/a_(b).pdf", page: 2, label: "ii"))
                == "[R, p. ii](<https://e.org/a_(b).pdf#page=2>)")
        #expect(CitationFormat.markdown(Self.reference(title: "R", url: nil)) == "[R](../library/a%20b.pdf)")
    }
}

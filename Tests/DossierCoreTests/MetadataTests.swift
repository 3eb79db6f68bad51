import DossierCore
import Testing

/// Citation metadata: each field's sources in order, dates, DOIs, authors,
/// and the page a cited URL names.
@Suite("Document metadata")
struct MetadataTests {
    @Test("each field takes its first source in its own order; the user's value first of all")
    func precedence() {
        let readings = [
            MetadataCandidate(.title, .layout, "EU WILDLIFE TRADE"), MetadataCandidate(.title, .info, "EU Wildlife Trade Regulations"),
            MetadataCandidate(.issued, .file, "2014-01-14"), MetadataCandidate(.issued, .printed, "2013-10"),
            MetadataCandidate(.issued, .printed, "2013"), MetadataCandidate(.authors, .info, "CITES Secretariat"),
            MetadataCandidate(.language, .detected, "es"), MetadataCandidate(.doi, .printed, "10.1000/abc"),
        ]
        let resolved = DocumentMetadata.resolve(readings)
        #expect(resolved[.title] == "EU Wildlife Trade Regulations" && resolved.values[.title]?.source == .info)
        // A date printed on the cover before the file's; the first printed one before a later printed one.
        #expect(resolved[.issued] == "2013-10" && resolved.values[.issued]?.source == .printed)
        #expect(resolved[.publisher] == nil)
        #expect(resolved.candidates.filter { $0.field == .issued }.map(\.value) == ["2013-10", "2013", "2014-01-14"])
        let corrected = DocumentMetadata.resolve(readings + [MetadataCandidate(.title, .user, "My title"), MetadataCandidate(.issued, .landing, "2012")])
        #expect(corrected[.title] == "My title" && corrected[.issued] == "2012")
        // A source a field does not take from is kept as a reading, never taken.
        let odd = DocumentMetadata.resolve([MetadataCandidate(.publisher, .layout, "Somebody")])
        #expect(odd[.publisher] == nil)
    }

    @Test("dates from ISO 8601, PDF dates and slashes, to YYYY, YYYY-MM or YYYY-MM-DD")
    func dates() {
        #expect(MetadataDate.normalize("2022-10-06T20:28:15+01:00") == "2022-10-06")
        #expect(MetadataDate.normalize("D:20221006192815Z") == "2022-10-06")
        #expect(MetadataDate.normalize("D:2013") == "2013")
        #expect(MetadataDate.normalize("2018/07/23") == "2018-07-23")
        #expect(MetadataDate.normalize("2022-09") == "2022-09")
        #expect(MetadataDate.normalize("2022-13-01") == "2022")
        #expect(MetadataDate.normalize("soon") == nil && MetadataDate.normalize("0999") == nil && MetadataDate.normalize("12") == nil)
        #expect(MetadataDate.parts("2022-09-18") == [2022, 9, 18] && MetadataDate.parts("2013") == [2013])
    }

    @Test("a DOI in text, a doi.org URL or after doi:, without the sentence's last stop")
    func dois() {
        #expect(MetadataDOI.find(in: "https://doi.org/10.21105/joss.00800.") == "10.21105/joss.00800")
        #expect(MetadataDOI.find(in: "doi:10.1016/j.biocon.2020.108736, accessed") == "10.1016/j.biocon.2020.108736")
        #expect(MetadataDOI.find(in: "(see 10.1002/(SICI)1097-4571(199806)49:8)") == "10.1002/(SICI)1097-4571(199806)49:8")
        #expect(MetadataDOI.find(in: "version 10.2 of the guide") == nil)
    }

    @Test("authors split at ; and / with programs' placeholders left out")
    func authors() {
        #expect(MetadataAuthors.split("UNEP-WCMC / CITES Secretariat") == ["UNEP-WCMC", "CITES Secretariat"])
        #expect(MetadataAuthors.split("Jane Doe; John  Smith") == ["Jane Doe", "John Smith"])
        #expect(MetadataAuthors.split("Administrator").isEmpty && MetadataAuthors.split("jdoe").isEmpty)
        #expect(MetadataAuthors.split("someone@example.org; Microsoft Office User").isEmpty)
    }

    @Test("values typed for a field are checked and put in stored form")
    func typed() throws {
        #expect(MetadataField(typed: "year") == .issued && MetadataField(typed: "Author") == .authors && MetadataField(typed: "colour") == nil)
        #expect(try MetadataField.doi.normalize("https://doi.org/10.1234/x.y.").get() == "10.1234/x.y")
        #expect(try MetadataField.language.normalize("fr_CA").get() == "fr-CA")
        #expect((try? MetadataField.issued.normalize("next spring").get()) == nil)
        #expect((try? MetadataField.title.normalize("   ").get()) == nil)
    }

    @Test("a cited URL's #page=N names its page")
    func citedPage() {
        #expect(Citation.page(in: "https://e.org/r.pdf#page=59") == 59)
        #expect(Citation.page(in: "https://e.org/r.pdf#zoom=100&page=3") == 3)
        #expect(Citation.page(in: "https://e.org/r.pdf#page=0") == nil && Citation.page(in: "https://e.org/r.pdf") == nil)
        #expect(Citation.page(in: "https://e.org/page=4") == nil)
        let citation = Citation(url: "https://e.org/r.pdf#page=12", normalizedURL: "https://e.org/r.pdf", line: 1, column: 1, label: "r",
                                headingPath: [], task: nil, text: "", syntax: .inline)
        #expect(citation.page == 12)
    }
}

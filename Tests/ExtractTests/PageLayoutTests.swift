import DossierCore
import Extract
import Foundation
import TestSupport
import Testing

/// Word, line and paragraph boundaries read from the page (``PageLayout``),
/// on PDFs drawn with cairo whose every run of text is placed apart.
@Suite("Page layout")
struct PageLayoutTests {
    static func extract(_ pages: [[PDFFixture.Placed]]) throws -> ExtractedDocument {
        let url = try PDFFixture.temporaryFolder().appendingPathComponent("layout.pdf")
        PDFFixture.write(placed: pages, to: url)
        return try DocumentExtractor.extractPDF(path: url.path)
    }

    /// The text the passages of `page` index, joined.
    static func indexed(_ page: ExtractedPage) -> String {
        let scalars = Array(page.text.unicodeScalars)
        return page.passages.map { String(String.UnicodeScalarView(scalars[$0.start..<$0.end])) }.joined(separator: " ")
    }

    static let table: [[String]] = [
        ["Description", "Code", "Unit", "Alternative"],
        ["baleen", "BAL", "kg", "no."],
        ["medicine", "MED", "kg/l", "medicine"],
        ["musk", "MUS", "g", "musk"],
        ["piano keys", "KEY", "no.", "ivory"],
        ["sawfish rostrum", "ROS", "no.", "kg"],
    ]

    @Test("a table of short cells: each cell its own words, each row in order, every word in a passage")
    func tableCells() throws {
        // Cells close together, as in the EU guide's trade-term annex: 14 to 40 points between columns.
        let columns: [Double] = [60, 160, 200, 240]
        var runs: [PDFFixture.Placed] = []
        for (r, row) in Self.table.enumerated() {
            for (c, cell) in row.enumerated() { runs.append(.init(cell, x: columns[c], y: 100 + Double(r) * 18, size: 9)) }
        }
        let page = try Self.extract([runs]).pages[0]
        let words = Set(Self.indexed(page).split(whereSeparator: \.isWhitespace).map(String.init))
        for cell in Self.table.flatMap({ $0 }) {
            for word in cell.split(separator: " ") { #expect(words.contains(String(word)), "\(word) in \(page.text)") }
        }
        #expect(page.text.contains("musk MUS g musk"))
        #expect(page.text.contains("baleen BAL kg no."))
    }

    @Test("two columns: the left one read to its end, then the right one")
    func columns() throws {
        let left = ["Operation Thunder targeted", "wildlife and timber crime", "across many countries", "in coordinated raids.",
                    "Seizures included ivory", "and pangolin scales."]
        let right = ["Customs officers in ports", "inspected containers of", "sawn wood and logs", "declared as plywood.",
                     "Several shipments held", "undeclared rosewood."]
        var runs: [PDFFixture.Placed] = []
        for (i, line) in left.enumerated() { runs.append(.init(line, x: 50, y: 100 + Double(i) * 14, size: 10)) }
        for (i, line) in right.enumerated() { runs.append(.init(line, x: 320, y: 100 + Double(i) * 14, size: 10)) }
        let text = try Self.extract([runs]).pages[0].text
        let flat = text.replacingOccurrences(of: "\n", with: " ")
        #expect(flat.contains(left.joined(separator: " ")), "\(text)")
        #expect(flat.contains(right.joined(separator: " ")), "\(text)")
        let l = try #require(flat.range(of: "pangolin scales.")), r = try #require(flat.range(of: "Customs officers"))
        #expect(l.upperBound <= r.lowerBound)
    }

    @Test("a heading above its paragraph: a paragraph of its own, not run into the text")
    func heading() throws {
        let body = ["The Consortium supported national agencies in", "investigating the illegal trade in timber and",
                    "in wildlife through training and mentoring."]
        var runs: [PDFFixture.Placed] = [.init("Enforcement support", x: 50, y: 80, size: 18)]
        for (i, line) in body.enumerated() { runs.append(.init(line, x: 50, y: 110 + Double(i) * 13, size: 10)) }
        runs.append(.init("A second paragraph follows after a gap.", x: 50, y: 110 + 3 * 13 + 14, size: 10))
        let text = try Self.extract([runs]).pages[0].text
        #expect(text == "Enforcement support\n" + body.joined(separator: " ") + "\nA second paragraph follows after a gap.", "\(text)")
    }

    @Test("a column heading set sideways is one word")
    func sideways() throws {
        let runs: [PDFFixture.Placed] = [
            .init("Article", x: 60, y: 160, size: 10, angle: -90), .init("Annex", x: 80, y: 160, size: 10, angle: -90),
            .init("Import permit required", x: 110, y: 150, size: 10),
        ]
        let words = Set(try Self.extract([runs]).pages[0].text.split(whereSeparator: \.isWhitespace).map(String.init))
        #expect(words.isSuperset(of: ["Article", "Annex", "Import", "permit", "required"]), "\(words)")
    }

    @Test("boxes: touching glyphs join in either direction, a gap is a space, wide leading is not a paragraph")
    func boxes() {
        typealias Box = PageLayout.Box
        func row(_ text: String, x: Double, y: Double, advance: Double = 5, height: Double = 10, step: Double? = nil) -> [Box] {
            text.unicodeScalars.indices.enumerated().map { i, _ in
                let left = x + Double(i) * (step ?? advance)
                return Box(x1: left, y1: y, x2: left + advance, y2: y + height)
            }
        }
        // Two cells glued by the text, 20 points apart on the page.
        #expect(PageLayout.separate("kgno.", boxes: row("kg", x: 0, y: 0) + row("no.", x: 30, y: 0)) == "kg no.")
        // Right to left, touching: one word.
        let backwards = (0..<4).map { i in Box(x1: 100 - Double(i + 1) * 5, y1: 0, x2: 100 - Double(i) * 5, y2: 10) }
        #expect(PageLayout.separate("Anex", boxes: backwards) == "Anex")
        // Lines 8 points apart (a wide leading, every gap alike): lines, not paragraphs; then a wider gap is one.
        var text = "", boxes: [Box] = []
        for (i, word) in ["one", "two", "three", "four"].enumerated() {
            text += word + (i < 3 ? "\n" : "")
            boxes += row(word, x: 0, y: Double(i) * 18) + (i < 3 ? [Box(x1: 0, y1: 0, x2: 0, y2: 0)] : [])
        }
        text += "\nfive"
        boxes += [Box(x1: 0, y1: 0, x2: 0, y2: 0)] + row("five", x: 0, y: 3 * 18 + 30)
        #expect(PageLayout.separate(text, boxes: boxes) == "one\ntwo\nthree\nfour\n\nfive")
        // Counts that differ leave the text as poppler gave it.
        #expect(PageLayout.separate("abc", boxes: row("ab", x: 0, y: 0)) == "abc")
    }

    @Test("footnote marks: raised small digits against a word are a word of their own; subscripts, ordinals and codes stay")
    func footnoteMarks() throws {
        typealias Box = PageLayout.Box
        func row(_ text: String, x: Double, y: Double, advance: Double = 5, height: Double = 11.7) -> [Box] {
            (0..<text.unicodeScalars.count).map { i in Box(x1: x + Double(i) * advance, y1: y, x2: x + Double(i + 1) * advance, y2: y + height) }
        }
        // As the EU guide sets `concerned²⁷.`: the mark's box 10.05 high, its bottom 4.8 above the word's.
        let concerned = row("concerned", x: 0, y: 284.5) + row("27", x: 45, y: 281.4, height: 10.05) + row(".", x: 55, y: 284.5)
        #expect(PageLayout.separate("concerned27.", boxes: concerned) == "concerned 27.")
        // As the French trade guide sets a country code with its note, `XA¹`: the mark's top a little below the capitals'.
        #expect(PageLayout.separate("XA1", boxes: row("XA", x: 304.9, y: 106.9, advance: 6.5, height: 12) + row("1", x: 319, y: 107.6, height: 7.8))
                == "XA 1")
        // A mark before a word, as a note's text starts.
        #expect(PageLayout.separate("4Source", boxes: row("4", x: 0, y: 281.4, height: 10.05) + row("Source", x: 5, y: 284.5)) == "4 Source")
        // CO₂: the 2 lowered, not raised. 1st: letters after a number. CoP18: one type.
        #expect(PageLayout.separate("CO2", boxes: row("CO", x: 0, y: 100) + row("2", x: 10, y: 104, height: 8)) == "CO2")
        #expect(PageLayout.separate("1st", boxes: row("1", x: 0, y: 100) + row("st", x: 5, y: 97, height: 7)) == "1st")
        #expect(PageLayout.separate("CoP18", boxes: row("CoP18", x: 0, y: 100)) == "CoP18")

        // Drawn with cairo: the mark in smaller type, raised.
        let base = "the protection of the species concerned", at = 60 + PDFFixture.advance(base)
        for (size, rise) in [(9.5, 4.0), (7.0, 4.0)] {
            let document = try Self.extract([[
                .init(base, x: 60, y: 100), .init("27", x: at, y: 100 - rise, size: size),
                .init(". Especially, this should be", x: at + PDFFixture.advance("27", size: size), y: 100),
            ]])
            let text = Self.indexed(document.pages[0])
            #expect(text.contains("species concerned 27. Especially"), "\(size) points raised \(rise): \(text)")
        }
    }
}

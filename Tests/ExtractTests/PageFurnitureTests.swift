import DossierCore
@testable import Extract
import Foundation
import TestSupport
import Testing

/// Running heads, running feet and page numbers (``PageFurniture``).
@Suite("Page furniture")
struct PageFurnitureTests {
    @Test("page numbers in their printed forms; a year on a cover, a table's number or a word is not one")
    func pageNumbers() {
        for (line, number) in [("12", "12"), ("12 / 80", "12"), ("12/80", "12"), ("Page 12 of 80", "12"), ("p. 12", "12"),
                               ("- 12 -", "12"), ("xiv", "xiv"), ("IV", "iv"), ("Página 7 de 80", "7"), ("page 3 sur 9", "3")] {
            #expect(PageFurniture.pageNumber(line, pages: 80) == number, "\(line)")
        }
        for line in ["2024", "Table 3", "civil", "12 apples", "mix", "Annex B", "1.2.3"] {
            #expect(PageFurniture.pageNumber(line, pages: 80) == nil, "\(line)")
        }
    }

    @Test("a running head and foot repeated page after page go, the head's first occurrence stays; page numbers go and are kept")
    func strip() {
        let pages = (1...5).map { p in
            "Wildlife Crime Report — Chapter \(p)\nSection \(p).1 of the report\nBody text of page \(p) about pangolin scales.\nMore text.\nICCWC 2024 · www.iccwc.org\nPage \(p) of 5"
        }
        let stripped = PageFurniture.strip(pages)
        #expect(stripped.texts[0].hasPrefix("Wildlife Crime Report — Chapter 1"), "its first occurrence is text")
        for p in 1..<5 {
            #expect(!stripped.texts[p].contains("Chapter") && !stripped.texts[p].contains("Page \(p + 1) of 5"), "\(stripped.texts[p])")
            #expect(stripped.texts[p].contains("Body text of page \(p + 1)"))
            #expect(stripped.furniture[p].contains("Page \(p + 1) of 5"))
            #expect(stripped.numbers[p] == String(p + 1))
        }
        // The foot stands on every page: its first stays, the rest go.
        #expect(stripped.texts[0].contains("ICCWC 2024") && !stripped.texts[1].contains("ICCWC 2024"))
        // "Section N.1 of the report" is on every page too, but second from the top: a running head as well.
        #expect(!stripped.texts[2].contains("Section 3.1"))
        // Pages without repeated lines keep their text as it was.
        #expect(PageFurniture.strip(["One page.\nOf text."]).texts == ["One page.\nOf text."])
        // Each page's running head is its section: the first occurrence's page too; a foot is none.
        #expect(stripped.heads == (1...5).map { "Wildlife Crime Report — Chapter \($0)" })
        #expect(PageFurniture.strip(["One page.\nOf text."]).heads == [nil])
        let feet = ["Ivory seized in Kenya.", "Pangolins in Nigeria.", "Rosewood in Madagascar.", "Eels in Spain."]
            .map { "\($0)\nSeen by \($0.split(separator: " ")[0]) officers.\nICCWC 2024 · www.iccwc.org" }
        #expect(PageFurniture.strip(feet).heads == [nil, nil, nil, nil])
    }

    @Test("printed numbers are labels where the PDF gives only physical ones and they run at one offset; roman front matter too")
    func labels() {
        let given: [String?] = (1...8).map { String($0) }
        let numbers: [String?] = ["ii", "iii", nil, "1", "2", "3", "44", "5"]
        #expect(PageFurniture.labels(given: given, numbers: numbers) == ["ii", "iii", "3", "1", "2", "3", "4", "5"])
        // A PDF with page labels of its own keeps them.
        let own: [String?] = ["Cover", "i", "1", "2"]
        #expect(PageFurniture.labels(given: own, numbers: [nil, "9", "8", "7"]) == own)
    }

    @Test("a PDF's running head and page numbers are out of its passages, kept with each page, the number as its label")
    func extracted() throws {
        let url = try PDFFixture.temporaryFolder().appendingPathComponent("report.pdf")
        PDFFixture.write((1...4).map { p in
            .init(label: nil, lines: ["Illegal Wildlife Trade Review", "", "Rosewood seizure number \(p) was recorded at the port of Mombasa.",
                                      "The logs were declared as sawn timber of a species not listed.",
                                      "Customs officers found the discrepancy in the permit.",
                                      "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "\(p) / 4"])
        }, to: url)
        let document = try DocumentExtractor.extractPDF(path: url.path)
        let first = document.pages[0].text, second = document.pages[1].text
        #expect(first.contains("Illegal Wildlife Trade Review") && !second.contains("Illegal Wildlife Trade Review"), "\(second)")
        #expect(!first.contains("1 / 4") && document.pages[3].furniture == ["Illegal Wildlife Trade Review", "4 / 4"], "\(document.pages[3])")
        #expect(document.pages[2].label == "3")
        #expect(second.contains("Rosewood seizure number 2"))
        #expect(document.pages.map(\.section) == Array(repeating: "Illegal Wildlife Trade Review", count: 4))
    }
}

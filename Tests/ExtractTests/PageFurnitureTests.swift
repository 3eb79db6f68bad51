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

    @Test("numbered footnotes at the pages' feet are text: their numbers do not move with the page, unlike a foot's")
    func footnotes() {
        let notes = [3, 7, 12, 15, 21]
        let topics = ["permits", "certificates", "hunting trophies", "caviar", "timber"]
        let pages = notes.enumerated().map { p, note in
            "Body text on \(topics[p]) for specimens.\nWhat the rules ask of \(topics[p]).\n\(note). Article 6(2) Regulation (EC) No 865/2006\nWildlife Trade Guide · \(p + 4)"
        }
        let stripped = PageFurniture.strip(pages)
        for (p, note) in notes.enumerated() {
            #expect(stripped.texts[p].contains("\(note). Article 6(2) Regulation (EC) No 865/2006"), "\(stripped.texts[p])")
            if p > 0 { #expect(stripped.furniture[p] == ["Wildlife Trade Guide · \(p + 4)"], "\(stripped.furniture[p])") }
        }
    }

    @Test("a running foot that the reading order puts amid a table's page goes there too, its number apart or not")
    func footAmidPage() {
        var pages = (1...4).map { "Prose of page \($0) about the trade database.\nIts second line.\nTrade Database Guide, version 8 \($0)" }
        pages.append("Angola (AO) 02.10.81\nTrade Database Guide, version 8\nBenin (BJ) 28.05.84\n5")
        pages.append("Chad (TD) 03.05.89\nTrade Database Guide, version 8 6\nCuba (CU) 19.07.90")
        let stripped = PageFurniture.strip(pages)
        #expect(stripped.texts[4] == "Angola (AO) 02.10.81\nBenin (BJ) 28.05.84", "\(stripped.texts[4])")
        #expect(stripped.texts[5] == "Chad (TD) 03.05.89\nCuba (CU) 19.07.90", "\(stripped.texts[5])")
        #expect(stripped.texts[0].contains("Trade Database Guide, version 8 1"), "the first occurrence stays")
        // A line of text that merely mentions the guide stays.
        #expect(PageFurniture.strip(pages + ["See the Trade Database Guide, version 8 for codes.\nMore."]).texts[6].hasPrefix("See the"))
    }

    @Test("a page's number amid its lines (a two-column index) goes when the other pages print theirs at one offset; another number stays")
    func numberAmidPage() {
        var pages = (1...5).map { "Prose of page \($0) on the\nconvention's articles\nand more of it.\n\($0 + 2)" }
        pages.append("Index\nalpha . . . 3, 5\n8\nbeta . . . 4\n12\ngamma . . . 7\ndelta . . . 9")
        let stripped = PageFurniture.strip(pages)
        #expect(stripped.texts[5] == "Index\nalpha . . . 3, 5\nbeta . . . 4\n12\ngamma . . . 7\ndelta . . . 9", "\(stripped.texts[5])")
        #expect(stripped.numbers[5] == "8" && stripped.furniture[5] == ["8"])
    }

    @Test("running heads in other digits move with the page; a foot's year is part of it; a table page's lone numbers stay; a figure page's head stays its head")
    func reviewedShapes() {
        // Arabic-Indic digits, masked as ASCII ones are.
        let arabic = (1...5).map { p in
            "Rapport annuel \(String(p + 10).map { String(UnicodeScalar(0x0660 + Int(String($0))!)!) }.joined())\nTexte de la page sur les \(["saisies", "permis", "ivoire", "bois", "écailles"][p - 1]).\nSuite."
        }
        let stripped = PageFurniture.strip(arabic)
        #expect(stripped.texts[2].hasPrefix("Texte"), "\(stripped.texts[2])")
        // A year at a foot's end is not a page number: the foot without it is no foot.
        #expect(PageFurniture.footForms("Convention on Biological Diversity 2010", pages: 40) == ["convention on biological diversity 2010"])
        #expect(PageFurniture.footForms("Trade Database Guide, version 8 · 12", pages: 40) == ["trade database guide, version 8 · 12", "trade database guide, version 8"])
        // A table's page of lone numbers keeps the one equal to its page number.
        var pages = (1...5).map { "Prose of page \($0) on the\nconvention's articles\nand more of it.\n\($0 + 2)" }
        pages.append("Seizures\nkg\n8\n14\n3\n22\nTotal")
        #expect(PageFurniture.strip(pages).texts[5].contains("\n8\n"))
        // Three figure pages of one chapter, each its head over a caption: the head is each page's section.
        let figures = (1...3).map { "Chapter 2: Seizures\nFigure \($0): a map of the ports, by \(["sea", "air", "road"][$0 - 1])" }
        #expect(PageFurniture.strip(["Chapter 2: Seizures\nThe text of the chapter begins.\nIt goes on.\nAnd on.\nAnd on again."] + figures).heads.dropFirst()
                    .allSatisfy { $0 == "Chapter 2: Seizures" })
    }

    @Test("a section begun amid a page: its running head on the next pages goes; a figure page under its head has no text")
    func sectionBegunAmidPage() {
        let head = "3.4 How are import notifications obtained?"
        let pages = ["3.3 Permits\nText of section 3.3.\n\(head)\nText of section 3.4 begins here.\n1",
                     "\(head)\nMore of section 3.4.\nIts second paragraph.\nIts third.\nIts fourth.\n2", "\(head)\n3",
                     "\(head)\nThe end of section 3.4.\nNext its notes.\nAnd a table.\nIts caption.\n4"]
        let stripped = PageFurniture.strip(pages)
        #expect(stripped.texts[0].contains(head))
        #expect(stripped.texts[1].hasPrefix("More of section 3.4."), "\(stripped.texts[1])")
        #expect(stripped.texts[2].isEmpty && stripped.furniture[2] == [head, "3"], "\(stripped.texts[2])")
        #expect(stripped.heads[1] == head)
        let document = ExtractedDocument(title: nil, author: nil, created: nil, modified: nil, pages: stripped.texts.indices.map {
            ExtractedPage(index: $0 + 1, label: nil, text: stripped.texts[$0], passages: [], furniture: stripped.furniture[$0])
        })
        #expect(document.pagesWithText == 4 && !document.needsOCR)
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

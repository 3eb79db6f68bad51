import DossierCore
import Foundation
import Notes
import Testing

/// The repository root, found from this file's path.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

@Suite("The example note")
struct ExampleNoteTests {
    let note = repositoryRoot.appendingPathComponent("corpus/notes/iccwc-annual-report-2024.md")

    func parse() throws -> ParsedNote {
        NoteParser.parse(try Data(contentsOf: note), format: .markdown)
    }

    @Test("ships unchanged from ../shared/notes")
    func shippedCopy() throws {
        let shared = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/notes/iccwc-annual-report-2024.md")
        try #require(FileManager.default.fileExists(atPath: shared.path), "../shared is not beside the repository")
        #expect(try Data(contentsOf: shared) == Data(contentsOf: note))
    }

    @Test("has 20 citations on 18 lines, each with the line, column and label written in the note")
    func everyCitation() throws {
        let parsed = try parse()
        let expected: [(Int, Int, String, String)] = [
            (1, 13, "ICCWC Annual Report 2024", "https://iccwc-wildlifecrime.org/sites/default/files/files/2025-09/ICCWC-Annual_Report_2024_FINAL_compressed_0.pdf"),
            (63, 7, "Menu of Services", "https://iccwc-wildlifecrime.org/sites/default/files/files/2024-06/2024_Menu%20of%20services%20ICCWC_0.pdf"),
            (64, 7, "ICCWC Vision 2030", "https://iccwc-wildlifecrime.org/sites/default/files/files/2022-11/ICCWC_VISION_2030.pdf"),
            (65, 13, "Strategic Action Plan 2023-2026", "https://cites.org/sites/default/files/ICCWC%20Vision/ICCWC_Strategic_Action_Plan_2023-2026-final_0.pdf"),
            (66, 7, "Paper", "https://zenodo.org/records/6417333"),
            (68, 7, "CITES Illegal Trade Database", "https://citesdata.un.org"),
            (69, 43, "Website", "https://www.unodc.org/unodc/en/data-and-analysis/wildlife.html"),
            (69, 118, "Report", "https://www.unodc.org/documents/data-and-analysis/wildlife/2024/Wildlife2024_Final.pdf"),
            (70, 7, "How CITES Works", "https://cites.org/eng/disc/how.php"),
            (70, 62, "Appendices", "https://cites.org/eng/app/index.php"),
            (71, 7, "CITES Decision 19.90", "https://cites.org/eng/dec/index.php/44310"),
            (72, 7, "Outcomes of the CITES Task Force Meeting on Illegal Trade in Specimens of Listed Tree Species", "https://cites.org/sites/default/files/EST/rev_CITES_Task_Force_on_illegal_trade_in_specimens_of_tree_species.pdf"),
            (73, 7, "WCO CLiCK!", "https://clikc.wcoomd.org"),
            (74, 7, "Wildlife and Forest Crime Indicator Framework", "https://iccwc-wildlifecrime.org/sites/default/files/files/2024-10/ICCWC_Wildlife_and_Forest_Crime_Indicator_Framework_rev.pdf"),
            (80, 7, "INTERPOL Red Notices", "https://www.interpol.int/en/How-we-work/Notices/Red-Notices/View-Red-Notices"),
            (82, 7, "Article on Operation Thunder, recent", "https://iccwc-wildlifecrime.org/news/nearly-20000-live-animals-seized-365-suspects-arrested-largest-ever-wildlife-and-forestry"),
            (85, 7, "CITES Document, Cooperation between USA, Mexico, and China", "https://cites.org/sites/default/files/documents/SC/78/agenda/E-SC78-33-12-02.pdf"),
            (87, 7, "Society for Wildlife Forensic Science", "https://www.wildlifeforensicscience.org"),
            (88, 7, "African Wildlife Forensics Network (AWFN)", "https://africanwildlifeforensics.org"),
            (90, 7, "UNODC Environment Team", "https://www.unodc.org/unodc/en/environment-climate/approach.html"),
        ]
        #expect(parsed.citations.count == 20)
        #expect(Set(parsed.citations.map(\.line)).count == 18)
        #expect(parsed.citations.filter { $0.url.hasSuffix(".pdf") }.count == 8)
        for (citation, (line, column, label, url)) in zip(parsed.citations, expected) {
            #expect(citation.line == line)
            #expect(citation.column == column, "line \(line)")
            #expect(citation.label == label)
            #expect(citation.url == url)
            #expect(citation.syntax == .inline)
        }
        #expect(parsed.warnings.isEmpty)
        #expect(parsed.lineCount == 90)
    }

    @Test("keeps the heading path, the task state and the whole line")
    func context() throws {
        let parsed = try parse()
        let taskForce = try #require(parsed.citations.first { $0.line == 72 })
        #expect(taskForce.heading == "Things to follow up on from this document")
        #expect(taskForce.headingPath == ["1/20/2026 - 1/30/2026", "Things to follow up on from this document"])
        #expect(taskForce.task == .open)
        #expect(taskForce.text.hasPrefix("- [ ] [Outcomes of the CITES Task Force"))
        let report = try #require(parsed.citations.first)
        #expect(report.headingPath == ["Document: ICCWC Annual Report 2024"])
        #expect(report.task == nil)
    }

    @Test("finds zenodo's landing page among the 12 web pages")
    func webPages() throws {
        let parsed = try parse()
        let pages = parsed.citations.filter { !$0.url.hasSuffix(".pdf") }
        #expect(pages.count == 12)
        #expect(pages.contains { $0.normalizedURL == "https://zenodo.org/records/6417333" })
        #expect(parsed.citations.first { $0.line == 68 }?.normalizedURL == "https://citesdata.un.org/")
    }
}

import Foundation
import TestSupport
import Testing

/// A paragraph cut by a page break is one passage (issue 34, item 3).
@Suite("Paragraphs across pages")
struct PageBreakTests {
    @Test("a sentence running onto the next page is found by a phrase across the break, on its first page, saying where it ends")
    func sentenceAcrossPages() throws {
        let root = try exampleWorkspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let pages: [PDFFixture.Page] = [
            .init(label: nil, lines: ["Seizures at the port", "",
                                      "Officers at the port of Mombasa inspected a container of logs.",
                                      "The logs seized at the port of Mombasa were declared as sawn",
                                      "timber of a common species, but the wood was rosewood listed in"]),
            .init(label: nil, lines: ["appendix two of the convention, which requires an export permit.",
                                      "Rangers later traced the shipment to a sawmill upstream."]),
        ]
        PDFFixture.write(pages, to: root.appendingPathComponent("corpus/library/seizures.pdf"))
        #expect(try dossier(["index"], in: root).status == 0)

        // The phrase across the break matches one passage, which starts on page 1 and ends on page 2.
        let across = try dossier(["search", "\"rosewood listed in appendix two\"", "--json"], in: root)
        let output = try JSONSerialization.jsonObject(with: Data(across.stdout.utf8)) as? [String: Any]
        let results = output?["results"] as? [[String: Any]] ?? []
        #expect(results.count == 1, "\(across.stdout)")
        #expect(results.first?["page"] as? Int == 1 && results.first?["end_page"] as? Int == 2, "\(across.stdout)")
        let flat = try dossier(["search", "\"rosewood listed in appendix two\"", "--flat"], in: root, environment: ["NO_COLOR": "1"])
        #expect(flat.stdout.contains("pp. 1–2"), "\(flat.stdout)")

        // Page 2's own text is page 2's, and the head page 1's passage took is in no second passage.
        let own = try dossier(["search", "sawmill", "--json"], in: root)
        let ownResults = (try JSONSerialization.jsonObject(with: Data(own.stdout.utf8)) as? [String: Any])?["results"] as? [[String: Any]] ?? []
        #expect(ownResults.count == 1 && ownResults.first?["page"] as? Int == 2, "\(own.stdout)")
        #expect(ownResults.first?["end_page"] is NSNull)
        let permit = try dossier(["search", "\"export permit\"", "--flat", "--json"], in: root)
        #expect(permit.stdout.components(separatedBy: "\"passage_id\"").count - 1 == 1, "\(permit.stdout)")

        // FTS5, reading the same passages, agrees with the index.
        #expect(try dossier(["verify"], in: root).status == 0)
    }
}

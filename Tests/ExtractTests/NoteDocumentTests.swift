import DossierCore
import Extract
import Foundation
import Notes
import Testing

@Suite("Notes as documents")
struct NoteDocumentTests {
    static func note(lines: Int) -> ParsedNote {
        var text = "# Field notes\n\n"
        for line in 0..<lines { text += "Seizure \(line) of pangolin scales at the port.\n\n" }
        return NoteParser.parse(Data(text.utf8), format: .markdown)
    }

    static func seconds(_ body: () -> Void) -> Double {
        let start = DispatchTime.now()
        body()
        return Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
    }

    @Test("a long note under one heading is cut in time linear in its lines, every passage at its line and its text")
    func linear() throws {
        let small = Self.note(lines: 2_500), large = Self.note(lines: 20_000)
        var document = NoteDocument.make(large, title: "n")
        // Each block's passage starts where its text is in the page.
        let page = document.pages[0]
        let scalars = Array(page.text.unicodeScalars)
        #expect(page.passages.count == 20_001, "the heading, then one passage a line")
        for i in stride(from: 0, to: 20_000, by: 997) + [19_999] {
            let passage = page.passages[i + 1]
            var slice = String.UnicodeScalarView()
            slice.append(contentsOf: scalars[passage.start..<passage.end])
            #expect(String(slice) == "Seizure \(i) of pangolin scales at the port.")
            #expect(passage.line == 3 + 2 * i)
        }
        // 8× the lines: linear work takes about 8× the time, quadratic 64×
        // (20,000 lines took 24 s before). The best of three of each.
        let smallTime = (0..<3).map { _ in Self.seconds { _ = NoteDocument.make(small, title: "n") } }.min()!
        let largeTime = (0..<3).map { _ in Self.seconds { document = NoteDocument.make(large, title: "n") } }.min()!
        #expect(largeTime < max(smallTime, 0.001) * 24, "2,500 lines \(smallTime) s, 20,000 lines \(largeTime) s")
    }
}

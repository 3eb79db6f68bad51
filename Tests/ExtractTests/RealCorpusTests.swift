import Extract
import Foundation
import Testing

/// The 13 real CITES and EU wildlife-trade PDFs in ../shared/corpus-real/.
let realCorpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/corpus-real")

func pdftotext(_ path: String, page: Int) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/pdftotext")
    process.arguments = ["-f", String(page), "-l", String(page), "-enc", "UTF-8", path, "-"]
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
}

@Suite("Real PDFs")
struct RealCorpusTests {
    @Test("a phrase pdftotext finds on page N is on Dossier's page N", arguments: [
        "EU-Wildlife-Trade-Reference-Guide.pdf", "SAPI__cites_trade_guidelines__en-CITES_Trade_Database_Guide.pdf",
        "SAPI__cites_trade_guidelines__es-CITES_Trade_Database_Guide.pdf", "SAPI__cites_trade_guidelines__fr-CITES_Trade_Database_Guide.pdf",
        "SAPI__latex__CITES_abbreviations_and_annotations.pdf", "SAPI__latex__Historical_summary_of_CITES_annotations.pdf",
        "SAPI__latex__history_introduction_en.pdf", "SAPI__latex__history_introduction_es.pdf", "SAPI__latex__history_introduction_fr.pdf",
        "SAPI__latex__index_introduction_en.pdf", "SAPI__latex__index_introduction_es.pdf", "SAPI__latex__index_introduction_fr.pdf",
        "rcites__paper.pdf",
    ])
    func phrases(file: String) throws {
        let path = realCorpus.appendingPathComponent(file).path
        try #require(FileManager.default.fileExists(atPath: path), "../shared/corpus-real is not beside the repository")
        let document = try DocumentExtractor.extractPDF(path: path)
        #expect(document.pagesWithText > 0)
        let pageNumbers = Set([1, (document.pages.count + 1) / 2, document.pages.count])
        var checked = 0
        for number in pageNumbers.sorted() {
            // Words made of letters only, as pdftotext prints them.
            let reference = try pdftotext(path, page: number)
            let words = reference.split(whereSeparator: \.isWhitespace).map(String.init)
            let plain = words.indices.filter { i in words[i].count >= 3 && words[i].allSatisfy(\.isLetter) }
            // Four consecutive plain words from the middle of the page.
            guard let start = plain.first(where: { i in i >= plain.count / 2 && (1...3).allSatisfy { plain.contains(i + $0) } })
                    ?? plain.first(where: { i in (1...3).allSatisfy { plain.contains(i + $0) } }) else { continue }
            let phrase = words[start...(start + 3)].joined(separator: " ").precomposedStringWithCompatibilityMapping
            let ours = document.pages[number - 1].text.replacingOccurrences(of: "\n", with: " ")
            #expect(ours.contains(phrase), "\(file) p. \(number): \(phrase)")
            checked += 1
        }
        #expect(checked > 0)
    }
}

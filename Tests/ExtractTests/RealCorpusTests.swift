import Extract
import Foundation
import Testing

/// The 13 real CITES and EU wildlife-trade PDFs in ../shared/corpus-real/.
let realCorpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/corpus-real")

/// What `pdftotext` prints (UTF-8) when run with `arguments`.
func pdftotext(_ arguments: [String]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/pdftotext")
    process.arguments = ["-enc", "UTF-8"] + arguments + ["-"]
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
}

/// pdftotext's text of one page of `path`.
func pdftotext(_ path: String, page: Int) throws -> String {
    try pdftotext(["-f", String(page), "-l", String(page), path])
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

/// The words of a text as the word measure counts them (bench/wordrecall.py):
/// runs of three or more letters, NFKC, lower-cased.
func measuredWords(_ text: String) -> Set<String> {
    var words = Set<String>()
    var current = String.UnicodeScalarView()
    var letters = 0
    func flush() {
        if letters >= 3 { words.insert(String(current).lowercased()) }
        current = String.UnicodeScalarView()
        letters = 0
    }
    for scalar in text.precomposedStringWithCompatibilityMapping.unicodeScalars {
        if scalar.properties.isAlphabetic && scalar.properties.numericType == nil {
            current.append(scalar)
            letters += 1
        } else {
            flush()
        }
    }
    flush()
    return words
}

/// pdftotext's text of every page of `path`.
func pdftotextPages(_ path: String) throws -> [String] {
    try pdftotext([path]).components(separatedBy: "\u{0C}")
}

@Suite("Real PDFs: every word")
struct WordRecallTests {
    /// pdftotext's words of a page, less the pieces of words it found
    /// broken at a line end and its joins of them (each tool may join a
    /// broken word its own way).
    static func reference(_ page: String) -> Set<String> {
        var words = measuredWords(page)
        let lines = page.precomposedStringWithCompatibilityMapping.components(separatedBy: "\n")
        for (line, next) in zip(lines, lines.dropFirst()) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard let last = trimmed.unicodeScalars.last, ["-", "\u{2010}", "\u{AD}"].contains(last) else { continue }
            let head = String(trimmed.dropLast().reversed().prefix { $0.isLetter }.reversed())
            let tail = String(next.trimmingCharacters(in: .whitespaces).prefix { $0.isLetter })
            words.subtract([head.lowercased(), tail.lowercased(), (head + tail).lowercased()])
        }
        return words
    }

    /// Dossier's words of a page, and its hyphenated compounds with the hyphens out.
    static func ours(_ page: String) -> Set<String> {
        var words = measuredWords(page)
        for token in page.split(whereSeparator: { $0.isWhitespace }) where token.contains("-") {
            let parts = token.split(separator: "-")
            if parts.count > 1 { words.formUnion(measuredWords(parts.joined())) }
        }
        return words
    }

    @Test("of the words pdftotext reads on each page of the 13 real PDFs, 99.9% are on Dossier's page; each PDF 99.5%")
    func recall() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: realCorpus.path).filter { $0.hasSuffix(".pdf") }.sorted()
        #expect(files.count == 13, "../shared/corpus-real is not beside the repository")
        var (found, total) = (0, 0)
        for file in files {
            let path = realCorpus.appendingPathComponent(file).path
            let document = try DocumentExtractor.extractPDF(path: path)
            let theirs = try pdftotextPages(path)
            var (documentFound, documentTotal) = (0, 0)
            var missing: [String] = []
            for (index, page) in document.pages.enumerated() where index < theirs.count {
                // Furniture (running heads, page numbers) is kept beside the page's text, not lost.
                let reference = Self.reference(theirs[index]), have = Self.ours(([page.text] + page.furniture).joined(separator: "\n"))
                documentTotal += reference.count
                documentFound += reference.intersection(have).count
                missing += reference.subtracting(have).sorted().map { "\($0) (p. \(index + 1))" }
            }
            let share = Double(documentFound) / Double(max(documentTotal, 1))
            #expect(share >= 0.995, "\(file): \(documentFound) of \(documentTotal); missing \(missing.prefix(20))")
            found += documentFound
            total += documentTotal
        }
        #expect(Double(found) / Double(max(total, 1)) >= 0.999, "\(found) of \(total)")
        #expect(total > 45_000)
    }

    @Test("the EU guide's trade-term table: each cell a word (musk on p. 153, permit on p. 75)")
    func tableCells() throws {
        let path = realCorpus.appendingPathComponent("EU-Wildlife-Trade-Reference-Guide.pdf").path
        let document = try DocumentExtractor.extractPDF(path: path)
        let words153 = measuredWords(document.pages[152].text)
        #expect(words153.isSuperset(of: ["musk", "medicine", "oil", "pearl", "plywood"]))
        #expect(!words153.contains("muskmusgmusk") && !document.pages[152].text.contains("medicineMED"))
        #expect(document.pages[74].text.contains("Import into and/ Article Annex or export from EU"))
    }

    @Test("the EU guide's page numbers and running heads are kept beside its pages, out of every passage")
    func furniture() throws {
        let path = realCorpus.appendingPathComponent("EU-Wildlife-Trade-Reference-Guide.pdf").path
        let document = try DocumentExtractor.extractPDF(path: path)
        let numbered = try NSRegularExpression(pattern: "^[0-9]+ / 251$", options: .anchorsMatchLines)
        for page in document.pages {
            let text = page.text as NSString
            #expect(numbered.firstMatch(in: page.text, range: NSRange(location: 0, length: text.length)) == nil, "p. \(page.index)")
        }
        #expect(document.pages[28].furniture.contains("29 / 251"))
        // Section 3.3's heading heads the pages after its first: taken off p. 30, kept where the section starts.
        let head = "3.3 What are the rules for the issuance of import permits for specimens of Annex A or B-listed species?"
        #expect(document.pages[29].furniture.contains(head) && !document.pages[29].text.contains(head))
        // In the text of the contents and of the section's first page only; the furniture of the others.
        #expect(document.pages.filter { $0.text.contains(head) }.count == 2)
        #expect(document.pages.filter { $0.furniture.contains(head) }.count >= 5)
        // Its numbered footnotes at the pages' feet are one line once digits are masked, and text all the same.
        #expect(document.pages.contains { $0.text.contains("10. Article 6(2) Regulation (EC) No 865/2006") })
        let footnote = try NSRegularExpression(pattern: "^[0-9]+\\. Article [0-9]")
        #expect(!document.pages.contains { $0.furniture.contains { footnote.firstMatch(in: $0, range: NSRange(location: 0, length: ($0 as NSString).length)) != nil } })
        // A page of a figure under its running head and number: nothing left to search, its lines kept with it.
        #expect(document.pages[44].text.isEmpty && document.pages[44].furniture.count == 2, "\(document.pages[44])")
    }

    @Test("the Spanish trade guide's running foot is out of its table pages too, where the reading order puts it amid the page")
    func footAmidTables() throws {
        let path = realCorpus.appendingPathComponent("SAPI__cites_trade_guidelines__es-CITES_Trade_Database_Guide.pdf").path
        let document = try DocumentExtractor.extractPDF(path: path)
        let foot = "Base de datos sobre el comercio CITES – Guía del usuario, versión 8"
        let holding = document.pages.filter { $0.text.contains(foot) }.map(\.index)
        #expect(holding == [3], "the first occurrence only: \(holding)")
        #expect(document.pages[19].furniture.contains(foot) && document.pages[19].text.contains("Angola (AO)"))
    }

    @Test("the EU guide's and the trade guides' footnote marks are words of their own: no word fused with its raised mark")
    func footnoteMarks() throws {
        let path = realCorpus.appendingPathComponent("EU-Wildlife-Trade-Reference-Guide.pdf").path
        let document = try DocumentExtractor.extractPDF(path: path)
        #expect(document.pages[28].text.contains("protection of the species concerned 27."))
        #expect(document.pages[116].text.contains("Convention 1"))
        // Words glued to digits were 418 (CITES's CoP19 and the like aside, about 370 of
        // them footnote marks). Those left are codes (zlw028) or marks whose
        // glyph boxes poppler gives the size and place of the word's (p. 146, 193, 222).
        let fused = try NSRegularExpression(pattern: "\\b[A-Za-z]{3,}[0-9]{1,3}\\b")
        var left: [String] = []
        for page in document.pages {
            let text = page.text as NSString
            for match in fused.matches(in: page.text, range: NSRange(location: 0, length: text.length)) {
                let word = text.substring(with: match.range)
                if !word.lowercased().hasPrefix("cop") { left.append(word) }
            }
        }
        #expect(left.count <= 12, "\(left.prefix(20))")
        // The trade guides' country codes with a note mark: `XA¹` is the code XA and the mark.
        for (guide, index) in [("fr", 17), ("es", 16)] {
            let path = realCorpus.appendingPathComponent("SAPI__cites_trade_guidelines__\(guide)-CITES_Trade_Database_Guide.pdf").path
            let page = try DocumentExtractor.extractPDF(path: path).pages[index].text
            #expect(page.contains("XA 1") && !page.contains("XA1"), "\(guide): \(page.prefix(300))")
        }
    }
}

import DossierCore
@testable import Extract
import Foundation
import TestSupport
import Testing

@Suite("PDF extraction")
struct PDFExtractionTests {
    @Test("known words on known pages, with page labels and the title")
    func knownPages() throws {
        let folder = try PDFFixture.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("labels.pdf")
        PDFFixture.write([
            .init(label: "i", lines: ["Foreword by the Secretary-General"]),
            .init(label: "ii", lines: ["Contents"]),
            .init(label: "1", lines: ["Operation Thunder seized timber and ivory."]),
            .init(label: "2", lines: ["Pangolin scales were found in containers."]),
        ], to: url, title: "World Wildlife Crime Report")
        let document = try DocumentExtractor.extractPDF(path: url.path)
        #expect(document.title == "World Wildlife Crime Report")
        #expect(document.pages.map(\.index) == [1, 2, 3, 4])
        #expect(document.pages.map(\.label) == ["i", "ii", "1", "2"])
        #expect(document.pages[2].text == "Operation Thunder seized timber and ivory.")
        #expect(document.pages[3].text.contains("Pangolin"))
        #expect(!document.pages[2].text.contains("Pangolin"))
        #expect(document.pages.allSatisfy { $0.passages.count == 1 })
    }

    @Test("a title wrapped over lines is read whole from the largest type, unless the document information names a real one")
    func titles() throws {
        let folder = try PDFFixture.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let body = (1...8).map { "Seizures of rosewood and ivory were reported by customs at \($0) border posts last year." }
        let cover = PDFFixture.Page(label: nil, lines: ["Illegal Timber Trade in the", "Mekong Region, 2024", "A report by the Secretariat"] + body,
                                    sizes: [24, 24, 12] + body.map { _ in 11 })
        func title(_ pages: [PDFFixture.Page], metadata: String?) throws -> String? {
            let url = folder.appendingPathComponent("\(UUID().uuidString).pdf")
            PDFFixture.write(pages, to: url, title: metadata)
            return try DocumentExtractor.extractPDF(path: url.path).title
        }
        // No document information: the two lines in the largest type, not the first line alone.
        #expect(try title([cover], metadata: nil) == "Illegal Timber Trade in the Mekong Region, 2024")
        // A file name or a placeholder as the title: the page's title instead.
        for junk in ["final_report_v3", "Microsoft Word - draft.docx", "Untitled", "report.pdf", "XeTeX output 2006.08.24:1913",
                     "pdfTeX output", "Document1", "PowerPoint Presentation", "Slide 1", "dvips(k) 5.96 Copyright 2005"] {
            #expect(try title([cover], metadata: junk) == "Illegal Timber Trade in the Mekong Region, 2024", "\(junk)")
        }
        // A real title in the document information wins.
        #expect(try title([cover], metadata: "Timber Trafficking Report") == "Timber Trafficking Report")
        #expect(try title([cover], metadata: "Microsoft Excel and CITES trade data") == "Microsoft Excel and CITES trade data")
        // A blank cover first: the title is looked for on the first page with text.
        let blank = PDFFixture.Page(label: nil, lines: [])
        #expect(try title([blank, cover], metadata: "XeTeX output 2006.08.24:1913") == "Illegal Timber Trade in the Mekong Region, 2024")
        // A page of text in one size has no title type: its first line that looks like a heading.
        let plain = PDFFixture.Page(label: nil, lines: ["Annual review of enforcement"] + body)
        #expect(try title([plain], metadata: nil) == "Annual review of enforcement")
        // A cover of a few lines in one size is all title.
        let short = PDFFixture.Page(label: nil, lines: ["Index of", "CITES", "species"], sizes: [30, 30, 30])
        #expect(try title([short, plain], metadata: nil) == "Index of CITES species")
    }

    @Test("ligatures become letters; a hyphen at a line end is joined, a real compound keeps its hyphen")
    func normalization() throws {
        let folder = try PDFFixture.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("norm.pdf")
        PDFFixture.write([
            .init(label: nil, lines: [
                "The ﬁnancial ﬂows behind wildlife traﬃck-",
                "ing reach across borders; cross-border cooperation matters.",
                "Customs agencies share cross-",
                "border intelligence, and the COVID-",
                "19 years slowed seizures of tim-",
                "ber.",
            ]),
        ], to: url)
        let text = try DocumentExtractor.extractPDF(path: url.path).pages[0].text
        #expect(text.contains("The financial flows behind wildlife trafficking reach across borders"))
        #expect(text.contains("share cross-border intelligence"))
        #expect(text.contains("COVID-19 years"))
        #expect(text.contains("seizures of timber."))
        #expect(!text.contains("\u{FB01}"))
    }

    @Test("French, Spanish and Vietnamese diacritics come through")
    func diacritics() throws {
        let folder = try PDFFixture.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("accents.pdf")
        let lines = ["Convention sur le commerce international des espèces menacées",
                     "El año pasado, la señora decomisó marfil en Cádiz",
                     "Việt Nam buôn bán động vật hoang dã trái phép"]
        PDFFixture.write([.init(label: nil, lines: lines)], to: url)
        let text = try DocumentExtractor.extractPDF(path: url.path).pages[0].text
        #expect(text.precomposedStringWithCanonicalMapping == lines.joined(separator: " ").precomposedStringWithCanonicalMapping)
    }

    @Test("empty pages have no text; a document of mostly empty pages needs OCR")
    func emptyPages() throws {
        let folder = try PDFFixture.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let mixed = folder.appendingPathComponent("mixed.pdf")
        PDFFixture.write([.init(label: nil, lines: ["Some words"]), .init(label: nil, lines: [])], to: mixed)
        let document = try DocumentExtractor.extractPDF(path: mixed.path)
        #expect(document.pages[1].text.isEmpty && document.pages[1].passages.isEmpty)
        #expect(!document.needsOCR)
        let scanned = folder.appendingPathComponent("scanned.pdf")
        PDFFixture.write([.init(label: nil, lines: [])] + Array(repeating: .init(label: nil, lines: []), count: 3)
                         + [.init(label: nil, lines: ["Colophon"])], to: scanned)
        #expect(try DocumentExtractor.extractPDF(path: scanned.path).needsOCR)
    }

    @Test("a 500-page document keeps every page in its place")
    func manyPages() throws {
        let folder = try PDFFixture.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("long.pdf")
        PDFFixture.write((1...500).map { .init(label: "A-\($0)", lines: ["Marker page\($0)x end"]) }, to: url)
        let document = try DocumentExtractor.extractPDF(path: url.path)
        #expect(document.pages.count == 500)
        for page in document.pages {
            #expect(page.text == "Marker page\(page.index)x end")
            #expect(page.label == "A-\(page.index)")
        }
    }

    @Test("corrupt, truncated and empty files fail with a reason")
    func broken() throws {
        let folder = try PDFFixture.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let good = folder.appendingPathComponent("good.pdf")
        PDFFixture.write([.init(label: nil, lines: ["fine"])], to: good)
        let bytes = try Data(contentsOf: good)
        let cases: [(String, Data)] = [
            ("empty.pdf", Data()),
            ("garbage.pdf", Data((0..<5000).map { UInt8(truncatingIfNeeded: $0 &* 7919) })),
            ("truncated.pdf", bytes.prefix(bytes.count / 3)),
        ]
        for (name, data) in cases {
            let url = folder.appendingPathComponent(name)
            try data.write(to: url)
            #expect(throws: ExtractionError.self, "\(name)") { try DocumentExtractor.extractPDF(path: url.path) }
        }
    }
}

@Suite("Text normalization and passages")
struct NormalizationTests {
    @Test("NFKC, soft hyphens, control characters, white space")
    func clean() {
        let pages = TextNormalizer.normalize(pages: ["Ｆｕｌｌ width\u{00AD}s and  tabs\there\u{0007}\n\n\nNew para"])
        #expect(pages == ["Full widths and tabs here\nNew para"])
    }

    @Test("NFKC by runs beyond ASCII is NFKC of the whole text")
    func nfkcByRuns() {
        // Combining marks after an ASCII letter, at the start, in a row;
        // ligatures, full-width letters, Hangul jamo that compose, a space
        // without break, fractions, and the same run again and again.
        let samples = ["e\u{0301}te\u{0301}", "\u{0301}a", "A\u{030A}\u{0323}b", "ﬁnal ﬂow", "Ｆｕｌｌ", "\u{1100}\u{1161}\u{11A8}x",
                       "a\u{00A0}b ½ ¼", "d’un “mot” – l’autre’s", "plain ASCII", "", "é", "x\u{0308}\u{0308}y",
                       String(repeating: "caf\u{00E9} na\u{0308}ive ", count: 50) + "\u{FB01}"]
        for sample in samples {
            #expect(TextNormalizer.nfkc(sample).unicodeScalars.elementsEqual(sample.precomposedStringWithCompatibilityMapping.unicodeScalars),
                    "\(sample.unicodeScalars.map { String($0.value, radix: 16) })")
        }
    }

    @Test("the hyphenation rule consults the document's vocabulary")
    func hyphenation() {
        // "cross" and "border" are words of the document: keep the hyphen.
        #expect(TextNormalizer.normalize(pages: ["the cross road and the border\nA cross-\nborder case"])[0]
                == "the cross road and the border A cross-border case")
        // "trafficking" occurs unbroken: join.
        #expect(TextNormalizer.normalize(pages: ["trafficking is bad\nthe traffick-\ning trade"])[0]
                == "trafficking is bad the trafficking trade")
        // A break across pages is left alone: passages never span pages.
        #expect(TextNormalizer.normalize(pages: ["end of traffick-", "ing"]) == ["end of traffick-", "ing"])
    }

    @Test("passages hold about 100 to 200 words and cover the page")
    func passages() {
        let sentence = "Rangers seized twelve tonnes of pangolin scales at the port. "
        let text = String(repeating: sentence, count: 60).trimmingCharacters(in: .whitespaces)  // 660 words
        let ranges = PassageSplitter.split(text)
        let scalars = Array(text.unicodeScalars)
        var covered = 0
        for range in ranges {
            let words = String(String.UnicodeScalarView(scalars[range.start..<range.end])).split(separator: " ").count
            #expect((100...200).contains(words))
            #expect(range.start >= covered)
            covered = range.end
        }
        #expect(covered == scalars.count)
        #expect(ranges.allSatisfy { String(String.UnicodeScalarView(scalars[$0.start..<$0.end])).hasSuffix(".") })
        // A page of a few words is one passage; an empty page none.
        #expect(PassageSplitter.split("Just a few words.").count == 1)
        #expect(PassageSplitter.split("").isEmpty)
        // One endless sentence is cut at 200 words.
        let endless = Array(repeating: "word", count: 450).joined(separator: " ")
        #expect(PassageSplitter.split(endless).count == 3)
    }

    @Test("a paragraph cut by a page break is one passage, belonging to its first page; a heading, a list item or a finished sentence is not joined")
    func acrossPages() {
        let body = String(repeating: "Rangers seized twelve tonnes of pangolin scales at the port. ", count: 30)
        let first = body + "The logs were declared as sawn timber of a species listed in"
        let second = "appendix II of the Convention, which requires a permit. Customs officers found the discrepancy.\nA new paragraph."
        let passages = PassageSplitter.split(pages: [first, second])
        let head = "appendix II of the Convention, which requires a permit.".unicodeScalars.count
        #expect(passages[0].last?.next == head, "\(passages[0])")
        #expect(passages[0].dropLast().allSatisfy { $0.next == nil })
        // The next page's passages start after what the first page's last passage took: no text in two passages.
        let rest = Array(second.unicodeScalars)[passages[1][0].start...]
        #expect(String(String.UnicodeScalarView(rest)).hasPrefix("Customs officers"), "\(passages[1])")
        // Not joined: a finished sentence, a list item's end, a heading or a list item next, a page OCR reads.
        for (a, b) in [(body + "It ends here.", second), (body + "the first of them;", second), (first, "Annex IX\nTrade terms."),
                       (first, "a) the permit, and b) the certificate."), (first, "3.4 How are notifications obtained?"), (first, "")] {
            let split = PassageSplitter.split(pages: [a, b])
            #expect(split[0].allSatisfy { $0.next == nil }, "\(a.suffix(30)) | \(b)")
        }
        #expect(PassageSplitter.split(pages: [first, second], joins: [true, false])[0].allSatisfy { $0.next == nil })
        // A caption under ten words at a page's end is not a sentence cut short.
        #expect(PassageSplitter.split(pages: [body + "\nFigure 5: annotated import notification form", "the form"])[0].allSatisfy { $0.next == nil })
        // A head that runs on without a sentence's end stops at the continuation limit.
        let long = Array(repeating: "word", count: 300).joined(separator: " ")
        // A book of continuous prose: pages join one to the next only until the chain's bytes reach the limit.
        let prose = String(repeating: body, count: 7) + "and its last sentence runs on to the page after, as in"
        let book = (0..<12).map { _ in "the next page's words. " + prose }
        let joined = PassageSplitter.split(pages: book)
        var chain = 0
        for (i, page) in book.enumerated() {
            chain += page.utf8.count
            // Twice the catalog's 32 KiB text block, which keeps joined pages together.
            #expect(chain <= 64 * 1024, "page \(i + 1): a chain of \(chain) bytes")
            if joined[i].last?.next == nil { chain = 0 }
        }
        #expect(joined.filter { $0.last?.next != nil }.count >= 6)
        let capped = PassageSplitter.split(pages: [first, long])
        #expect(capped[0].last?.next == Array(repeating: "word", count: PassageSplitter.continuationWords).joined(separator: " ").unicodeScalars.count)
    }
}

@Suite("Worker isolation")
struct ExtractionPoolTests {
    /// Runs the pool on one path with a stand-in worker (a shell script speaking the protocol).
    func extract(_ script: String, timeout: Int = 120) -> Result<ExtractedDocument, ExtractionError> {
        let pool = ExtractionPool(executable: URL(fileURLWithPath: "/bin/sh"), arguments: ["-c", script, "sh"], concurrency: 1, timeout: timeout)
        final class Box: @unchecked Sendable { var result: Result<ExtractedDocument, ExtractionError>? }
        let box = Box()
        pool.run(["x.pdf"]) { _, result in box.result = result }
        return box.result!
    }

    @Test("a worker that hangs is stopped at the time limit")
    func hang() {
        #expect(extract("read path; exec sleep 30", timeout: 1) == .failure(.timedOut(seconds: 1)))
    }

    @Test("a worker that crashes is reported, not fatal")
    func crash() {
        #expect(extract("read path; kill -SEGV $$") == .failure(.crashed("signal 11, segmentation fault")))
    }

    @Test("largest files first; each answer goes to its own path; a worker holds its next document while the last is stored")
    func scheduling() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dossier-pool-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let log = dir.appendingPathComponent("log").path
        var paths: [String] = []
        for (name, size) in [("small", 10), ("large", 3000), ("middle", 500)] {
            let path = dir.appendingPathComponent(name).path
            #expect(FileManager.default.createFile(atPath: path, contents: Data(repeating: 0x41, count: size)))
            paths.append(path)
        }
        let count = paths.count
        // A stand-in worker: logs each path it is handed, answers with the path as the title.
        let script = #"while read path; do echo "$path" >> "$0"; body="{\"title\":\"$path\",\"pages\":[]}"; printf 'OK %d\n%s' ${#body} "$body"; done"#
        let pool = ExtractionPool(executable: URL(fileURLWithPath: "/bin/sh"), arguments: ["-c", script, log], concurrency: 1, timeout: 30)
        final class Box: @unchecked Sendable {
            var titles: [Int: String] = [:]
            var handedAhead: [Bool] = []
        }
        let box = Box()
        pool.run(paths) { [log] index, result in
            box.titles[index] = try? result.get().title
            // While this answer is being stored, the worker has its next document already.
            let expected = min(box.titles.count + 1, count)
            var lines = 0
            for _ in 0..<300 {
                lines = ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").count
                if lines >= expected { break }
                usleep(10_000)
            }
            box.handedAhead.append(lines >= expected)
        }
        #expect(box.titles == [0: paths[0], 1: paths[1], 2: paths[2]])
        #expect(try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").map(String.init) == [paths[1], paths[2], paths[0]])
        #expect(box.handedAhead == [true, true, true])
    }

    @Test("a worker's one-line error is passed on; the next document gets the same worker")
    func failure() {
        #expect(extract("read path; echo 'ERR dossier-extract: encrypted'; sleep 5") == .failure(.encrypted))
    }
}

import CPoppler
import Extract
import Foundation
import TestSupport
import Testing

/// Scanned pages: image-only PDFs drawn with cairo (no text layer), read by ``PageOCR``.
@Suite("OCR")
struct OCRTests {
    static let english = [
        "The International Consortium on Combating Wildlife Crime",
        "supported customs officers in seizing pangolin scales,",
        "elephant ivory and rosewood logs at several ports.",
        "Operation Thunder targeted traffickers in many countries.",
    ]
    static let french = [
        "La Convention sur le commerce international des espèces",
        "de faune et de flore sauvages menacées d'extinction",
        "réglemente les permis d'exportation et les certificats.",
        "Les saisies d'ivoire ont augmenté cette année.",
    ]
    static let spanish = [
        "La Convención sobre el Comercio Internacional de Especies",
        "Amenazadas de Fauna y Flora Silvestres regula el comercio",
        "de especímenes mediante permisos y certificados.",
        "Las autoridades decomisaron madera de palo de rosa.",
    ]

    /// Words as the index compares them: lower-cased, diacritics removed
    /// (FTS5's `remove_diacritics 2`, as our analyzer): "especímenes" read
    /// as "especimenes" is found by a search for either.
    static func words(_ text: String) -> [String] {
        fold(text).split { !$0.isLetter }.map(String.init).filter { $0.count >= 3 }
    }

    static func fold(_ text: String) -> String {
        text.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil)
    }

    @Test("an image-only page in English, French or Spanish is read: 95% of its words, each line's phrase whole")
    func languages() throws {
        let url = try PDFFixture.temporaryFolder().appendingPathComponent("scan.pdf")
        let pages = [Self.english, Self.french, Self.spanish]
        PDFFixture.writeScanned(pages, to: url)
        for (index, lines) in pages.enumerated() {
            let result = try PageOCR.read(path: url.path, page: index + 1, languages: "eng+fra+spa", deadline: 120)
            let read = Set(Self.words(result.text))
            let drawn = Self.words(lines.joined(separator: " "))
            let found = drawn.filter(read.contains).count
            #expect(Double(found) >= 0.95 * Double(drawn.count), "page \(index + 1): \(found) of \(drawn.count): \(result.text)")
            let flat = Self.fold(result.text.replacingOccurrences(of: "\n", with: " "))
            #expect(flat.contains(Self.fold(lines[2].split(separator: " ").prefix(4).joined(separator: " "))), "\(result.text)")
            #expect((result.confidence ?? 0) > 70)
            // Boxes in points on an A4 page, the first line about 80 pt from the top.
            let first = try #require(result.words.first)
            #expect(first.x1 > 40 && first.x1 < 80 && first.y2 > 60 && first.y1 < 90, "\(first)")
        }
    }

    @Test("a scanned page needs OCR; a page of text or a blank page does not")
    func detection() throws {
        let url = try PDFFixture.temporaryFolder().appendingPathComponent("mixed.pdf")
        PDFFixture.writeScanned([Self.english, nil], to: url)
        let blank = url.deletingLastPathComponent().appendingPathComponent("blank.pdf")
        PDFFixture.write([.init(label: nil, lines: [])], to: blank)
        func needs(_ path: URL, _ index: Int) throws -> Bool {
            let document = poppler_document_new_from_file(path.absoluteString, nil, nil)!
            defer { g_object_unref(UnsafeMutableRawPointer(document)) }
            let page = poppler_document_get_page(document, Int32(index))!
            defer { g_object_unref(UnsafeMutableRawPointer(page)) }
            let text = poppler_page_get_text(page).map { String(cString: $0) } ?? ""
            return PageOCR.needsOCR(page, text: text)
        }
        #expect(try needs(url, 0))
        #expect(try !needs(url, 1))
        #expect(try !needs(blank, 0))
    }

    @Test("once the caller cannot store a page, the pool starts no other: the round ends instead of reading pages it would lose")
    func stopsWhenAskedTo() throws {
        let folder = try PDFFixture.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        // A worker that answers every page at once, as one it cannot read.
        let worker = folder.appendingPathComponent("worker.sh")
        try "#!/bin/sh\nwhile read line; do echo 'ERR unreadable page'; done\n".write(to: worker, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: worker.path)
        let pool = OCRPool(executable: worker, arguments: [], concurrency: 2, timeout: 10)
        let pages = (1...60).map { (path: "scan.pdf", page: $0) }
        let seen = Counter()
        let started = pool.run(pages, until: .distantFuture) { _, result in
            if case .failure(let error) = result { #expect(error.description.contains("unreadable page")) }
            seen.add()
            return false
        }
        // The first answer stops the round; the other worker may finish the page it holds, and have taken one more.
        #expect(started <= 3 && seen.value == started, "\(started) started, \(seen.value) answered")
        // Going on, every page is read.
        let all = Counter()
        #expect(pool.run(pages, until: .distantFuture) { _, _ in all.add(); return true } == 60 && all.value == 60)
    }
}

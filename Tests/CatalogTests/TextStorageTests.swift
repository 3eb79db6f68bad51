import Catalog
import DossierCore
import Foundation
import Testing

/// Each text stored once, compressed (schema version 14): pages in zstd
/// blocks, passages as spans of them, and a catalog made before moved.
@Suite("Catalog text storage")
struct TextStorageTests {
    /// A page of `words` repeated until it holds about `bytes` bytes, with
    /// one passage per 200 scalars (some of them accented).
    static func page(_ index: Int, _ words: String, bytes: Int) -> ExtractedPage {
        var text = ""
        while text.utf8.count < bytes { text += words + " " }
        let scalars = text.unicodeScalars.count
        let passages = stride(from: 0, to: scalars, by: 200).map { PassageRange(start: $0, end: min(scalars, $0 + 200)) }
        return ExtractedPage(index: index, label: "\(index)", text: text, passages: passages)
    }

    static func store(_ catalog: CatalogStore, _ sha: String, _ pages: [ExtractedPage]) throws -> Int {
        try catalog.storeDocument(sha256: sha, kind: .pdf, path: "corpus/library/\(sha).pdf", source: .library,
                                  result: Result<ExtractedDocument, GenerationTests.ExtractionErrorStub>.success(
                                    ExtractedDocument(title: "T", author: nil, created: nil, modified: nil, pages: pages)))
    }

    static func scalarSlice(_ text: String, _ start: Int, _ end: Int) -> String {
        let scalars = Array(text.unicodeScalars)
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[start..<end])
        return String(view)
    }

    @Test("pages and passages read back exactly from blocks; the text is stored once, compressed")
    func roundTrip() throws {
        let temp = try TemporaryWorkspace()
        let catalog = try CatalogStore(workspace: temp.workspace)
        let pages = (1...12).map { Self.page($0, "ivoire défenses pangolin écailles n°\($0) 象牙", bytes: 9_000 + 500 * $0) }
        let id = try Self.store(catalog, "aa", pages)
        let stored = try catalog.pages(document: id)
        #expect(stored.map(\.text) == pages.map(\.text))
        let ids = try catalog.passageIDs()
        let records = try catalog.passages(Array(ids))
        #expect(records.count == pages.reduce(0) { $0 + $1.passages.count })
        for record in records.values {
            let page = pages[record.page - 1]
            #expect(record.text == Self.scalarSlice(page.text, record.start, record.end))
        }
        // Nothing in the old columns; the blocks hold each page once, compressed, cut at about 32 KiB.
        let db = catalog.database
        #expect(try db.scalar("SELECT sum(length(text)) FROM pages")?.int == 0)
        #expect(try db.scalar("SELECT sum(length(text)) FROM passages")?.int == 0)
        let raw = pages.reduce(0) { $0 + $1.text.utf8.count }
        let blocks = try db.scalar("SELECT count(*) FROM text_blocks")?.int ?? 0
        #expect(try db.scalar("SELECT sum(size) FROM text_blocks")?.int == raw + pages.count - blocks, "each page once, a newline between two")
        #expect(try db.scalar("SELECT sum(length(data)) FROM text_blocks")?.int ?? raw < raw / 5, "repetitive text compresses")
        #expect(blocks >= raw / (32 * 1024) && blocks <= raw / (32 * 1024) + 2)
        #expect(try db.scalar("SELECT max(size) FROM text_blocks")?.int ?? 0 <= 32 * 1024)
        // The index's reads and the cross-check's.
        #expect(try catalog.passagesToIndex(Array(ids)).allSatisfy { records[$0.id]?.text == $0.text })
        #expect(try FTS5Mirror(catalog).passages == 0, "nothing committed yet")
        try catalog.publish(generation: 1)
        let mirror = try FTS5Mirror(catalog)
        #expect(mirror.passages == ids.count)
        #expect(try !mirror.search("pangolin").isEmpty)
        try mirror.integrityCheck()
    }

    @Test("a page extracted again keeps the old text for the index that still names it, until the publish deletes it")
    func replacedPages() throws {
        let temp = try TemporaryWorkspace()
        let catalog = try CatalogStore(workspace: temp.workspace)
        let old = [Self.page(1, "pangolin scales", bytes: 300), Self.page(2, "ivory tusks", bytes: 300)]
        let id = try Self.store(catalog, "bb", old)
        try catalog.publish(generation: 1)
        let first = try catalog.committedPassageIDs()
        let before = try catalog.passages(Array(first)).mapValues(\.text)
        // Extracted again with other text (a new extractor): the committed passages are retiring.
        #expect(try Self.store(catalog, "bb", [Self.page(1, "rosewood logs", bytes: 300)]) == id)
        #expect(try catalog.passages(Array(first)).mapValues(\.text) == before)
        #expect(try catalog.pages(document: id).map(\.text) == [Self.page(1, "rosewood logs", bytes: 300).text])
        let db = catalog.database
        #expect(try db.scalar("SELECT count(*) FROM text_blocks")?.int == 2)
        let reader = try CatalogStore(path: temp.workspace.catalog.path)
        let cached = try reader.passages(Array(first)).mapValues(\.text)
        #expect(cached == before)
        try catalog.publish(generation: 2)
        #expect(try db.scalar("SELECT count(*) FROM text_blocks")?.int == 1, "the old page's block goes with its passages")

        // OCR replaces a page's text: a block of its own, the old one gone at the next publish.
        try catalog.storeOCR(document: id, page: 1, outcome: Result<OCRPageText, GenerationTests.ExtractionErrorStub>.success(
            OCRPageText(text: "scanned ébène", passages: [PassageRange(start: 8, end: 13)], confidence: 90, words: #"[["ébène",90,1,2,3,4]]"#)))
        #expect(try catalog.pages(document: id, index: 1).first?.text == "scanned ébène")
        #expect(try catalog.ocrWords(document: id, page: 1) == #"[["ébène",90,1,2,3,4]]"#)
        #expect(try db.scalar("SELECT typeof(ocr_words) FROM pages WHERE document_id = ?1", [id])?.string == "blob")
        try catalog.publish(generation: 3)
        let now = try catalog.committedPassageIDs()
        #expect(try catalog.passages(Array(now)).values.map(\.text) == ["ébène"])
        #expect(try db.scalar("SELECT count(*) FROM text_blocks")?.int == 1)
        // A block id is never given again: a reader that cached a deleted
        // block (a server's connection) cannot read it for another text.
        let gone = try Self.store(catalog, "cc", [Self.page(1, "tiger bones", bytes: 300)])
        try catalog.publish(generation: 4)
        #expect(try reader.pages(document: gone).map(\.text) == [Self.page(1, "tiger bones", bytes: 300).text], "cached by the reader")
        let block = try db.scalar("SELECT text_block FROM pages WHERE document_id = ?1", [gone])?.int ?? 0
        #expect(try db.scalar("SELECT max(id) FROM text_blocks")?.int == block)
        _ = try catalog.removeDocuments(source: .library, keeping: ["corpus/library/bb.pdf\tbb"])
        try catalog.publish(generation: 5)
        #expect(try db.scalar("SELECT count(*) FROM text_blocks WHERE id = ?1", [block])?.int == 0, "the last block given is deleted")
        let other = try Self.store(catalog, "dd", [Self.page(1, "shark fins", bytes: 300)])
        #expect(try db.scalar("SELECT text_block FROM pages WHERE document_id = ?1", [other])?.int ?? 0 > block)
        try catalog.publish(generation: 6)
        #expect(try reader.pages(document: other).map(\.text) == [Self.page(1, "shark fins", bytes: 300).text])
    }

    @Test("a catalog made before version 14 is read as it is, then moved into blocks with nothing lost, and shrinks")
    func migration() throws {
        let temp = try TemporaryWorkspace()
        try FileManager.default.createDirectory(at: temp.workspace.index, withIntermediateDirectories: true)
        let path = temp.workspace.catalog.path
        // A version 13 catalog, as the previous release wrote it: texts in pages.text and passages.text.
        var pageTexts: [Int: [String]] = [:]
        do {
            let db = try SQLiteDatabase(path: path)
            for migration in Schema.migrations.prefix(13) { try db.execute(migration) }
            try db.execute("PRAGMA user_version = 13")
            try db.execute("UPDATE catalog_state SET index_generation = 1")
            for document in 1...30 {
                try db.run("INSERT INTO documents (id, sha256, kind, path, status, added_at, page_count) VALUES (?1, ?2, 'pdf', ?3, 'extracted', '2026-01-01', 3)",
                           [document, "sha\(document)", "corpus/library/\(document).pdf"])
                for page in 1...3 {
                    let text = Self.page(page, "document \(document) page \(page) — café wildlife trade", bytes: 4_000).text
                    pageTexts[document, default: []].append(text)
                    try db.run("INSERT INTO pages (document_id, page_index, chars, has_text, text, language) VALUES (?1, ?2, ?3, 1, ?4, 'en')",
                               [document, page, text.unicodeScalars.count, text])
                    for start in stride(from: 0, to: 3_000, by: 1_000) {
                        try db.run("INSERT INTO passages (document_id, page_index, start, end, text, state, language) VALUES (?1, ?2, ?3, ?4, ?5, 0, 'en')",
                                   [document, page, start, start + 1_000, Self.scalarSlice(text, start, start + 1_000)])
                    }
                }
            }
            try db.run("UPDATE pages SET ocr = 'done', ocr_words = '[[\"café\",90,1,2,3,4]]' WHERE document_id = 1 AND page_index = 2")
            // A passage whose text is not the slice it claims keeps its own text.
            try db.run("UPDATE passages SET text = 'an odd passage' WHERE id = 5")
        }
        let catalog = try CatalogStore(path: path)
        let ids = try catalog.committedPassageIDs()
        let before = try catalog.passages(Array(ids)).mapValues(\.text)
        #expect(before.count == 270 && before[5] == "an odd passage")
        #expect(try catalog.pages(document: 7).map(\.text) == pageTexts[7])
        #expect(try catalog.documentsWithLegacyText() == 30)
        // OCR reads a page of an old document before the storage pass (it
        // runs first in an update): that page is in a block already and stays.
        try catalog.storeOCR(document: 2, page: 3, outcome: Result<OCRPageText, GenerationTests.ExtractionErrorStub>.success(
            OCRPageText(text: "scanned rhino horn", passages: [PassageRange(start: 0, end: 18)], confidence: 90, words: "[]")))
        pageTexts[2]![2] = "scanned rhino horn"

        #expect(try catalog.moveTextIntoBlocks(documents: 20) == 20, "a batch per transaction")
        #expect(try catalog.documentsWithLegacyText() == 10)
        #expect(try catalog.passages(Array(ids)).mapValues(\.text) == before, "half moved, every text reads the same")
        #expect(try catalog.moveTextIntoBlocks(documents: 20) == 10)
        #expect(try catalog.moveTextIntoBlocks(documents: 20) == 0)
        let (bytesBefore, bytesAfter) = try catalog.compact()
        #expect(bytesAfter < bytesBefore / 2, "\(bytesBefore) → \(bytesAfter)")

        #expect(try catalog.passages(Array(ids)).mapValues(\.text) == before)
        for document in 1...30 { #expect(try catalog.pages(document: document).map(\.text) == pageTexts[document]) }
        #expect(try catalog.ocrWords(document: 1, page: 2) == #"[["café",90,1,2,3,4]]"#)
        let db = catalog.database
        #expect(try db.scalar("SELECT count(*) FROM pages WHERE text != ''")?.int == 0)
        // The OCR'd page's old passages, retiring, kept their text until the publish deletes them.
        #expect(try db.scalar("SELECT count(*) FROM passages WHERE text != ''")?.int == 1 + 3)
        try catalog.publish(generation: 2)
        #expect(try db.scalar("SELECT count(*) FROM passages WHERE text != ''")?.int == 1, "only the odd passage keeps its own text")
        #expect(try FTS5Mirror(catalog).search("wildlife").count == 269 - 3)
        #expect(try FTS5Mirror(catalog).search("rhino").count == 1)
    }

    @Test("a page of nothing but furniture counts as a page with text, after OCR reads a scan of the document as at extraction")
    func furnitureOnlyPagesAfterOCR() throws {
        let temp = try TemporaryWorkspace()
        let catalog = try CatalogStore(workspace: temp.workspace)
        try catalog.recover(indexGeneration: 0)
        // 3 pages of text, 2 of a figure under its running head, 5 scans: 5 of 10 with text, no OCR asked of the whole.
        var pages = (1...3).map { ExtractedPage(index: $0, label: nil, text: "rosewood logs", passages: [PassageRange(start: 0, end: 13)]) }
        pages += (4...5).map { ExtractedPage(index: $0, label: nil, text: "", passages: [], furniture: ["3.4 Permits", "\($0)"]) }
        pages += (6...10).map { ExtractedPage(index: $0, label: nil, text: "", passages: [], ocr: .pending) }
        let extracted = ExtractedDocument(title: "T", author: nil, created: nil, modified: nil, pages: pages)
        #expect(extracted.pagesWithText == 5 && !extracted.needsOCR)
        let id = try GenerationTests.store(catalog, "ff", path: "corpus/library/f.pdf", extracted)
        try catalog.storeOCR(document: id, page: 6, outcome: Result<OCRPageText, GenerationTests.ExtractionErrorStub>.success(
            OCRPageText(text: "scanned page", passages: [PassageRange(start: 0, end: 12)], confidence: 90, words: "[]")))
        let document = try #require(try catalog.documents().first { $0.id == id })
        #expect(document.pagesWithText == 6 && !document.needsOCR, "\(document)")
    }
}

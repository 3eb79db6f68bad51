import DossierCore
import Foundation

/// A scanned page waiting for OCR.
public struct PendingOCRPage: Sendable, Equatable {
    /// Its document.
    public var document: Int
    /// The document's file, workspace-relative.
    public var path: String
    /// The 1-based page.
    public var page: Int
}

/// What OCR made of a page, ready to store: its normalized text and the
/// passages cut from it, as extraction makes them for a page with a text
/// layer, with the mean confidence and the words' boxes.
public struct OCRPageText: Sendable {
    public var text: String
    public var passages: [PassageRange]
    /// Mean word confidence, 0–100.
    public var confidence: Double?
    /// The words and their boxes as JSON (`[[text, confidence, x1, y1, x2, y2], …]`).
    public var words: String

    /// Creates a page's OCR text.
    public init(text: String, passages: [PassageRange], confidence: Double?, words: String) {
        (self.text, self.passages, self.confidence, self.words) = (text, passages, confidence, words)
    }
}

/// How far OCR has got in the catalog.
public struct OCRCounts: Sendable, Codable, Equatable {
    /// Pages read.
    public var done: Int
    /// Scanned pages not read yet.
    public var pending: Int
    /// Pages OCR could not read.
    public var failed: Int
    /// Mean confidence of the pages read (0–100).
    @JSONNullable public var meanConfidence: Double?

    /// "12 pages read by OCR (mean confidence 91), 3 waiting for the next
    /// update, 1 failed"; nil when the workspace has no scanned page.
    public var summary: String? {
        guard done + pending + failed > 0 else { return nil }
        return "\(done) page\(done == 1 ? "" : "s") read by OCR"
            + (meanConfidence.map { " (mean confidence \(Int($0.rounded())))" } ?? "")
            + (pending > 0 ? ", \(pending) waiting for the next update" : "")
            + (failed > 0 ? ", \(failed) failed" : "")
    }
}

extension CatalogStore {
    /// Scanned pages not read yet, document by document, page by page.
    public func pendingOCRPages() throws -> [PendingOCRPage] {
        try database.query("""
            SELECT pages.document_id, documents.path, pages.page_index FROM pages JOIN documents ON documents.id = pages.document_id
            WHERE pages.ocr = 'pending' AND documents.status = 'extracted' ORDER BY pages.document_id, pages.page_index
            """) { PendingOCRPage(document: $0.int(0), path: $0.string(1), page: $0.int(2)) }
    }

    /// Records what OCR made of a page (or why it could not), in one
    /// transaction: the page's text and passages replace its empty ones
    /// (new passage ids, so the index sync adds them), and the document's
    /// count of pages with text and its "needs OCR" mark follow.
    /// A page with text, in SQL over `pages`, as extraction counts it
    /// (`ExtractedDocument.pagesWithText`): its own, or only its furniture
    /// (a figure under its running head is not a scan).
    static let pageHasText = "(has_text OR furniture IS NOT NULL)"

    public func storeOCR<Failure: Error & CustomStringConvertible>(document: Int, page: Int, outcome: Result<OCRPageText, Failure>) throws {
        try database.transaction {
            switch outcome {
            case .failure(let error):
                try database.run("UPDATE pages SET ocr = 'failed', ocr_error = ?3 WHERE document_id = ?1 AND page_index = ?2",
                                 [document, page, error.description])
            case .success(let read):
                try retirePassages("document_id = ?1 AND page_index = ?2", [document, page])
                // The page's text in a block of its own (the document's other
                // blocks hold its other pages); its old block goes with the
                // passages that still name it.
                guard let span = try storeTexts([Array(read.text.utf8)]).first else { return }
                let scalars = read.text.unicodeScalars.count
                try database.run("""
                    UPDATE pages SET text = '', chars = ?3, has_text = ?4, ocr = 'done', ocr_confidence = ?5, ocr_error = NULL,
                        ocr_words = ?6, language = NULL, text_block = ?7, text_at = ?8, text_bytes = ?9
                    WHERE document_id = ?1 AND page_index = ?2
                    """, [document, page, scalars, !read.text.isEmpty, read.confidence, try Self.compressedWords(read.words),
                          span.block, span.at, span.bytes])
                let insert = try database.prepare("""
                    INSERT INTO passages (document_id, page_index, start, end, text, state, text_block, text_at, text_bytes)
                    VALUES (?1, ?2, ?3, ?4, '', 1, ?5, ?6, ?7)
                    """)
                for (passage, own) in zip(read.passages, Self.spans(of: read.passages, in: read.text, page: span)) {
                    try insert.run([document, page, passage.start, passage.end, own.block, own.at, own.bytes])
                }
                try database.run("""
                    UPDATE documents SET pages_with_text = (SELECT count(*) FROM pages WHERE document_id = ?1 AND \(Self.pageHasText)),
                        needs_ocr = ((SELECT count(*) FROM pages WHERE document_id = ?1 AND \(Self.pageHasText)) * 2 < page_count)
                    WHERE id = ?1
                    """, [document])
            }
        }
    }

    /// For each document with scanned pages: how many OCR has read, and how many wait.
    public func ocrPagesByDocument() throws -> [Int: (read: Int, pending: Int)] {
        var out: [Int: (read: Int, pending: Int)] = [:]
        for (document, read, pending) in try database.query("""
            SELECT document_id, count(*) FILTER (WHERE ocr = 'done'), count(*) FILTER (WHERE ocr = 'pending')
            FROM pages WHERE ocr IS NOT NULL GROUP BY document_id
            """, [], { ($0.int(0), $0.int(1), $0.int(2)) }) {
            out[document] = (read, pending)
        }
        return out
    }

    /// Pages read, waiting and failed, with the mean confidence of those read.
    public func ocrCounts() throws -> OCRCounts {
        let row = try database.query("""
            SELECT count(*) FILTER (WHERE ocr = 'done'), count(*) FILTER (WHERE ocr = 'pending'),
                   count(*) FILTER (WHERE ocr = 'failed'), avg(ocr_confidence) FILTER (WHERE ocr = 'done')
            FROM pages WHERE ocr IS NOT NULL
            """) { ($0.int(0), $0.int(1), $0.int(2), $0.optionalDouble(3)) }.first
        return OCRCounts(done: row?.0 ?? 0, pending: row?.1 ?? 0, failed: row?.2 ?? 0, meanConfidence: row?.3)
    }
}

extension CatalogStore {
    /// The words OCR read on a page, with their boxes (the JSON of
    /// `pages.ocr_words`), or nil for a page with a text layer.
    public func ocrWords(document: Int, page: Int) throws -> String? {
        try database.query("SELECT ocr_words FROM pages WHERE document_id = ?1 AND page_index = ?2 AND ocr = 'done'",
                           [document, page]) { try Self.words($0[0]) }.first ?? nil
    }
}

import DossierCore
import Foundation

/// A passage with where it comes from: what a search result shows.
public struct PassageRecord: Sendable, Codable, Equatable {
    /// The passage id.
    public var id: Int64
    /// Its document.
    public var documentID: Int
    /// Document title, if known.
    public var title: String?
    /// `pdf`, `html` or `note`.
    public var kind: DocumentKind
    /// Workspace-relative path of the document's file.
    public var path: String
    /// 1-based page (section, for a note).
    public var page: Int
    /// Printed page label (heading, for a note).
    public var pageLabel: String?
    /// For a note, the line the passage starts on.
    public var line: Int?
    /// Offsets in the page text, in Unicode scalars.
    public var start: Int
    /// End offset.
    public var end: Int
    /// The passage's text, exactly as indexed.
    public var text: String
    /// Its page's running head: the section of the document it is in.
    public var section: String?
    /// The page it ends on when its paragraph runs onto the next page (nil: it ends on `page`).
    public var endPage: Int?
    /// Its page was read by OCR (a scan), with this mean word confidence (0–100).
    public var ocr = false
    /// The OCR'd page's mean word confidence.
    public var ocrConfidence: Double?
    /// The language its text is analyzed in (`en` for English and for a text that does not say).
    public var language: String?
}

extension CatalogStore {
    static let passageSelect = """
        SELECT passages.id, documents.id, documents.title, documents.kind, documents.path, passages.page_index,
               pages.label, passages.line, passages.start, passages.end, passages.text, pages.ocr, pages.ocr_confidence,
               \(passageLanguage), passages.text_block, passages.text_at, passages.text_bytes, pages.section, passages.end_page
        FROM passages JOIN documents ON documents.id = passages.document_id
        LEFT JOIN pages ON pages.document_id = passages.document_id AND pages.page_index = passages.page_index
        """

    func passage(_ row: Row) throws -> PassageRecord {
        PassageRecord(id: Int64(row.int(0)), documentID: row.int(1), title: row.optionalString(2), kind: DocumentKind(rawValue: row.string(3)) ?? .other,
                      path: row.string(4), page: row.int(5), pageLabel: row.optionalString(6), line: row.optionalInt(7),
                      start: row.int(8), end: row.int(9), text: try text(row, span: 14, legacy: 10), section: row.optionalString(17),
                      endPage: row.optionalInt(18),
                      ocr: row.optionalString(11) == OCRState.done.rawValue,
                      ocrConfidence: row.optionalDouble(12), language: row.optionalString(13))
    }

    /// A passage's language, in SQL over the row `passages`: the one it was
    /// analyzed in; before the language pass has reached it, the one it is
    /// to be analyzed in (``desiredLanguage``; see ``Schema``, version 13).
    static let passageLanguage = "coalesce(passages.language, \(desiredLanguage))"

    /// Ids of the passages the next index commit must hold: committed and
    /// pending ones (not those retiring).
    public func passageIDs() throws -> Set<Int64> {
        Set(try database.query("SELECT id FROM passages WHERE state != 2", []) { Int64($0.int(0)) })
    }

    /// Ids of the passages of the committed view: those the index at the
    /// catalog's ``indexGeneration()`` holds, and FTS5 too (committed and
    /// retiring ones, not those pending).
    public func committedPassageIDs() throws -> Set<Int64> {
        Set(try database.query("SELECT id FROM passages WHERE state != 1", []) { Int64($0.int(0)) })
    }

    /// The texts of the given passages.
    public func passageTexts(_ ids: [Int64]) throws -> [(Int64, String)] {
        try passagesToIndex(ids).map { ($0.id, $0.text) }
    }

    /// The given passages with their documents, texts and languages (the
    /// code they are analyzed in, `en` when none was given), for the index.
    public func passagesToIndex(_ ids: [Int64]) throws -> [(id: Int64, document: Int, text: String, language: String)] {
        let wanted = Set(ids)
        var out: [(id: Int64, document: Int, text: String, language: String)] = []
        out.reserveCapacity(ids.count)
        let statement = try database.prepare(
            "SELECT id, document_id, text, coalesce(language, 'en'), text_block, text_at, text_bytes FROM passages ORDER BY id")
        try statement.bind([])
        while try statement.step() {
            let row = Row(statement: statement)
            let id = Int64(row.int(0))
            if wanted.contains(id) { out.append((id, row.int(1), try text(row, span: 4, legacy: 2), row.string(3))) }
        }
        return out
    }

    /// Passages by id, with their documents and pages.
    public func passages(_ ids: [Int64]) throws -> [Int64: PassageRecord] {
        var out: [Int64: PassageRecord] = [:]
        let statement = try database.prepare(Self.passageSelect + " WHERE passages.id = ?1")
        for id in ids {
            try statement.bind([id])
            if try statement.step() { out[id] = try passage(Row(statement: statement)) }
        }
        return out
    }

    /// The pages of each passage of `ids` that the catalog holds: the one it starts on, to the one it ends on.
    public func pages(ofPassages ids: [Int64]) throws -> [Int64: ClosedRange<Int>] {
        var out: [Int64: ClosedRange<Int>] = [:]
        let statement = try database.prepare("SELECT page_index, coalesce(end_page, page_index) FROM passages WHERE id = ?1")
        for id in ids {
            try statement.bind([id])
            if try statement.step() {
                let row = Row(statement: statement)
                out[id] = row.int(0)...max(row.int(0), row.int(1))
            }
        }
        return out
    }

    /// Calls `body` with every passage of the committed view in id order (for export).
    public func forEachPassage(_ body: (PassageRecord) throws -> Void) throws {
        let statement = try database.prepare(Self.passageSelect + " WHERE passages.state != 1 ORDER BY passages.id")
        try statement.bind([])
        while try statement.step() { try body(try passage(Row(statement: statement))) }
    }
}

/// Where a document came from, for showing and opening it.
public struct DocumentSource: Sendable, Equatable {
    /// The document id.
    public var id: Int
    /// The first URL whose content it is (nil for library documents and notes).
    public var url: String?
    /// Its host.
    public var host: String?
}

extension CatalogStore {
    /// Every note line that cites `document`: through a URL whose content it
    /// is, or through the landing page such a URL was found on.
    public func citations(ofDocument document: Int) throws -> [Citation] {
        let decoder = JSONDecoder()
        return try database.query("""
            SELECT DISTINCT n.path, c.raw_url, cu.url, c.line, c.col, c.label, c.heading_path, c.task, c.text, c.syntax, c.length
            FROM urls u
            JOIN citations c ON c.url_id = u.id OR (u.derived_from IS NOT NULL AND c.url_id = u.derived_from)
            JOIN urls cu ON cu.id = c.url_id
            JOIN notes n ON n.id = c.note_id
            WHERE u.document_id = ?1
            ORDER BY n.path, c.line, c.col
            """, [document]) { row in
            Citation(
                note: row.string(0), url: row.string(1), normalizedURL: row.string(2), line: row.int(3), column: row.int(4),
                label: row.string(5), headingPath: (try? decoder.decode([String].self, from: Data(row.string(6).utf8))) ?? [],
                task: row.optionalString(7).flatMap(TaskState.init(rawValue:)), text: row.string(8),
                syntax: LinkSyntax(rawValue: row.string(9)) ?? .inline, length: row.int(10))
        }
    }

    /// For every cited document, its citing notes and how many of their
    /// lines cite it (as ``citations(ofDocument:)`` counts them), in one query.
    public func citingNotes() throws -> [Int: [String: Int]] {
        var out: [Int: [String: Int]] = [:]
        for (document, note, lines) in try database.query("""
            SELECT u.document_id, n.path, count(DISTINCT c.id)
            FROM urls u
            JOIN citations c ON c.url_id = u.id OR (u.derived_from IS NOT NULL AND c.url_id = u.derived_from)
            JOIN notes n ON n.id = c.note_id
            WHERE u.document_id IS NOT NULL
            GROUP BY u.document_id, n.path
            """, [], { ($0.int(0), $0.string(1), $0.int(2)) }) {
            out[document, default: [:]][note] = lines
        }
        return out
    }

    /// Every document's first URL and host.
    public func documentSources() throws -> [Int: DocumentSource] {
        var out: [Int: DocumentSource] = [:]
        for (id, url) in try database.query("SELECT document_id, min(url) FROM urls WHERE document_id IS NOT NULL GROUP BY document_id", [], {
            ($0.int(0), $0.string(1))
        }) {
            out[id] = DocumentSource(id: id, url: url, host: URL(string: url)?.host?.lowercased())
        }
        return out
    }

    /// Where document `id` came from: its first URL, as
    /// ``documentSources()`` gives it, without reading every document's.
    public func documentSource(_ id: Int) throws -> DocumentSource? {
        try database.query("SELECT min(url) FROM urls WHERE document_id = ?1", [id], { $0.optionalString(0) }).first?
            .map { DocumentSource(id: id, url: $0, host: URL(string: $0)?.host?.lowercased()) }
    }

    /// The document record with this id.
    public func document(id: Int) throws -> DocumentRecord? {
        try database.query("SELECT \(Self.documentColumns) FROM documents WHERE id = ?1", [id], Self.document).first
    }
}

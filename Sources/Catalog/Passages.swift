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
    public var kind: String
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
}

extension CatalogStore {
    static let passageSelect = """
        SELECT passages.id, documents.id, documents.title, documents.kind, documents.path, passages.page_index,
               pages.label, passages.line, passages.start, passages.end, passages.text
        FROM passages JOIN documents ON documents.id = passages.document_id
        LEFT JOIN pages ON pages.document_id = passages.document_id AND pages.page_index = passages.page_index
        """

    static func passage(_ row: Row) -> PassageRecord {
        PassageRecord(id: Int64(row.int(0)), documentID: row.int(1), title: row.optionalString(2), kind: row.string(3),
                      path: row.string(4), page: row.int(5), pageLabel: row.optionalString(6), line: row.optionalInt(7),
                      start: row.int(8), end: row.int(9), text: row.string(10))
    }

    /// Ids of every passage.
    public func passageIDs() throws -> Set<Int64> {
        Set(try database.query("SELECT id FROM passages", []) { Int64($0.int(0)) })
    }

    /// The texts of the given passages.
    public func passageTexts(_ ids: [Int64]) throws -> [(Int64, String)] {
        let wanted = Set(ids)
        var out: [(Int64, String)] = []
        out.reserveCapacity(ids.count)
        let statement = try database.prepare("SELECT id, text FROM passages ORDER BY id")
        try statement.bind([])
        while try statement.step() {
            let row = Row(statement: statement)
            let id = Int64(row.int(0))
            if wanted.contains(id) { out.append((id, row.string(1))) }
        }
        return out
    }

    /// Passages by id, with their documents and pages.
    public func passages(_ ids: [Int64]) throws -> [Int64: PassageRecord] {
        var out: [Int64: PassageRecord] = [:]
        let statement = try database.prepare(Self.passageSelect + " WHERE passages.id = ?1")
        for id in ids {
            try statement.bind([id])
            if try statement.step() { out[id] = Self.passage(Row(statement: statement)) }
        }
        return out
    }

    /// Calls `body` with every passage in id order (for export).
    public func forEachPassage(_ body: (PassageRecord) throws -> Void) throws {
        let statement = try database.prepare(Self.passageSelect + " ORDER BY passages.id")
        try statement.bind([])
        while try statement.step() { try body(Self.passage(Row(statement: statement))) }
    }

    /// Runs `query` through the FTS5 cross-check table: `(rowid, bm25)` in
    /// `ORDER BY bm25(passages_fts), rowid` order. Throws FTS5's own error for
    /// a query it rejects.
    public func fts5Search(_ query: String) throws -> [(Int64, Double)] {
        try database.query("""
            SELECT rowid, bm25(passages_fts) FROM passages_fts WHERE passages_fts MATCH ?1
            ORDER BY bm25(passages_fts), rowid
            """, [query]) { (Int64($0.int(0)), $0.double(1)) }
    }

    /// FTS5's own integrity check of the cross-check table against its content.
    public func fts5IntegrityCheck() throws {
        try database.execute("INSERT INTO passages_fts(passages_fts, rank) VALUES ('integrity-check', 1)")
    }
}

import CDossierFTS5
import CSQLite
import Foundation

/// An in-memory SQLite FTS5 table with Dossier's tokenizer: the reference our
/// index and BM25 are checked against.
public final class FTS5Table {
    var db: OpaquePointer?

    /// A new empty table `t(x)`, with FTS5's porter tokenizer or, with
    /// `languages`, Dossier's (the catalog's: each row's text may start with
    /// the mark of its language, and each query word is analyzed in English
    /// and each of `languages`).
    public init(languages: [String]? = nil) {
        sqlite3_open(":memory:", &db)
        if let languages {
            precondition(dossier_fts5_register(db) == SQLITE_OK)
            exec("CREATE VIRTUAL TABLE t USING fts5(x, tokenize = 'dossier')")
            exec("SELECT dossier_query_languages('\((["en"] + languages).joined(separator: " "))')")
        } else {
            exec("CREATE VIRTUAL TABLE t USING fts5(x, tokenize = 'porter unicode61 remove_diacritics 2')")
        }
    }

    /// The terms the `dossier` tokenizer gives for `text` (`document` or `query` mode), in order.
    public func tokens(_ text: String, mode: String = "document") -> [(term: String, colocated: Bool)] {
        var statement: OpaquePointer?
        sqlite3_prepare_v2(db, "SELECT dossier_tokenize(?1, ?2)", -1, &statement, nil)
        defer { sqlite3_finalize(statement) }
        let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
        sqlite3_bind_text(statement, 1, text, -1, transient)
        sqlite3_bind_text(statement, 2, mode, -1, transient)
        guard sqlite3_step(statement) == SQLITE_ROW, let json = sqlite3_column_text(statement, 0),
              let array = try? JSONSerialization.jsonObject(with: Data(String(cString: json).utf8)) as? [[Any]] else { return [] }
        return array.map { (term: $0[0] as? String ?? "", colocated: ($0[1] as? Int ?? 0) != 0) }
    }

    deinit { sqlite3_close(db) }

    /// Runs SQL that returns nothing.
    public func exec(_ sql: String) {
        var error: UnsafeMutablePointer<CChar>?
        if sqlite3_exec(db, sql, nil, nil, &error) != SQLITE_OK {
            fatalError("SQLite: \(error.map { String(cString: $0) } ?? "?") in \(sql)")
        }
    }

    /// Inserts passages.
    public func insert(_ rows: [(Int64, String)]) {
        exec("BEGIN")
        var statement: OpaquePointer?
        sqlite3_prepare_v2(db, "INSERT INTO t(rowid, x) VALUES (?, ?)", -1, &statement, nil)
        let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
        for (id, text) in rows {
            sqlite3_bind_int64(statement, 1, id)
            sqlite3_bind_text(statement, 2, text, -1, transient)
            sqlite3_step(statement)
            sqlite3_reset(statement)
        }
        sqlite3_finalize(statement)
        exec("COMMIT")
    }

    /// Deletes passages.
    public func delete(_ ids: [Int64]) {
        exec("DELETE FROM t WHERE rowid IN (\(ids.map(String.init).joined(separator: ",")))")
    }

    /// `(rowid, bm25)` of every match, in `ORDER BY bm25(t), rowid` order; nil on an FTS5 error.
    public func search(_ query: String) -> [(Int64, Double)]? {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(db, "SELECT rowid, bm25(t) FROM t WHERE t MATCH ? ORDER BY bm25(t), rowid", -1, &statement, nil) == SQLITE_OK else { return nil }
        defer { sqlite3_finalize(statement) }
        sqlite3_bind_text(statement, 1, query, -1, unsafeBitCast(-1, to: sqlite3_destructor_type.self))
        var rows: [(Int64, Double)] = []
        while true {
            let rc = sqlite3_step(statement)
            if rc == SQLITE_ROW {
                rows.append((sqlite3_column_int64(statement, 0), sqlite3_column_double(statement, 1)))
            } else if rc == SQLITE_DONE {
                return rows
            } else {
                return nil
            }
        }
    }
}

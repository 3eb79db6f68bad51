import DossierCore
import Foundation

/// The FTS5 cross-check, built when `dossier verify` asks for it.
///
/// `verify` compares Dossier's index with SQLite FTS5 over the same
/// passages, query by query, to the bit. Until schema version 13 the
/// catalog kept that FTS5 table, updated by triggers on every update: 61 MB
/// of a 676 MB catalog at 230k passages, and FTS5's own indexing in every
/// update's commit. Since version 14 the check builds it, which costs
/// `verify` the time to index the passages once and costs the library
/// nothing. At 251k passages (185 MB of text) `verify --queries 0` takes
/// 8.5 s with the build, where the old FTS5 integrity check (which read
/// every passage's text too) took 4.2 s; with 1,000 queries, 28 s against
/// 24 s. How:
///
/// - the table lives in a temporary database attached to the catalog's
///   connection (`ATTACH ''`): SQLite keeps it in memory while it fits in
///   the page cache, then in a temporary file, and deletes it when the
///   connection closes;
/// - it is *contentless* (`content=''`): FTS5 keeps its index and each
///   passage's size in tokens, which `bm25()` reads, and not the text;
/// - its tokenizer is `dossier` (CDossierFTS5), and it is filled, in id
///   order, with every passage of the committed view (those the index at
///   the catalog's generation holds: committed and retiring), each as it
///   is analyzed: a passage in another language than English is given as
///   the byte 27, the language's code, the byte 27, then its text, which
///   the tokenizer reads as a mark (see ``Schema``, version 13).
///
/// The texts come from the catalog's text blocks through the same reads as
/// every result shows, so the check also reads back every passage's text.
public final class FTS5Mirror {
    let catalog: CatalogStore
    /// How many passages it holds.
    public private(set) var passages = 0

    /// Builds the table over the committed view of `catalog`.
    public init(_ catalog: CatalogStore) throws {
        self.catalog = catalog
        let database = catalog.database
        try? database.execute("DETACH DATABASE mirror")
        try database.execute("""
            ATTACH DATABASE '' AS mirror;
            PRAGMA mirror.journal_mode = OFF;
            PRAGMA mirror.synchronous = OFF;
            CREATE VIRTUAL TABLE mirror.passages_fts USING fts5(text, content = '', tokenize = 'dossier');
            """)
        let insert = try database.prepare("INSERT INTO mirror.passages_fts(rowid, text) VALUES (?1, ?2)")
        let read = try database.prepare("""
            SELECT id, text, coalesce(language, 'en'), text_block, text_at, text_bytes FROM passages WHERE state != 1 ORDER BY id
            """)
        try database.execute("BEGIN")
        do {
            try read.bind([])
            while try read.step() {
                let row = Row(statement: read)
                let text = try catalog.text(row, span: 3, legacy: 1), language = row.string(2)
                try insert.run([row.int(0), language == "en" ? text : "\u{1B}\(language)\u{1B}" + text])
                passages += 1
            }
            try database.execute("COMMIT")
        } catch {
            try? database.execute("ROLLBACK")
            throw error
        }
    }

    deinit { try? catalog.database.execute("DETACH DATABASE mirror") }

    /// Runs `query` through FTS5: `(rowid, bm25)` in `ORDER BY
    /// bm25(passages_fts), rowid` order. Throws FTS5's own error for a
    /// query it rejects.
    public func search(_ query: String) throws -> [(Int64, Double)] {
        try catalog.database.query("""
            SELECT rowid, bm25(passages_fts) FROM mirror.passages_fts WHERE passages_fts MATCH ?1
            ORDER BY bm25(passages_fts), rowid
            """, [query]) { (Int64($0.int(0)), $0.double(1)) }
    }

    /// The languages FTS5 analyzes each query word in on this connection
    /// (codes; the `dossier` tokenizer gives FTS5 each word's forms in them
    /// as synonyms, as Dossier's parser does).
    public func setQueryLanguages(_ codes: [String]) throws {
        _ = try catalog.database.scalar("SELECT dossier_query_languages(?1)", [codes.joined(separator: " ")])
    }

    /// FTS5's own check of its index's structure.
    public func integrityCheck() throws {
        try catalog.database.execute("INSERT INTO mirror.passages_fts(passages_fts, rank) VALUES ('integrity-check', 1)")
    }
}

import DossierCore
import Foundation

/// A note as the catalog knows it.
public struct NoteRecord: Sendable, Codable, Equatable {
    /// Workspace-relative path.
    public var path: String
    /// SHA-256 of its bytes when last parsed.
    public var sha256: String
    /// Size in bytes.
    public var size: Int
    /// Number of lines.
    public var lines: Int
    /// Number of links in it.
    public var citations: Int
    /// Number of distinct URLs among them.
    public var urls: Int
    /// Warnings from its last parse.
    public var warnings: [NoteWarning]
    /// When it was last parsed (ISO 8601, UTC).
    public var parsedAt: String
}

/// What a notes sync changed.
public struct NoteSyncSummary: Sendable, Equatable {
    /// Notes parsed because they are new or changed.
    public var parsed: [String] = []
    /// Notes unchanged since the last sync.
    public var unchanged: Int = 0
    /// Notes that disappeared from `corpus/notes/`.
    public var removed: [String] = []
    /// URLs cited for the first time.
    public var newURLs: Int = 0
    /// URLs that lost their last citation.
    public var uncitedURLs: Int = 0
}

/// The catalog: every stage's state in one SQLite database (see ``Schema``).
public final class CatalogStore {
    /// The underlying connection.
    public let database: SQLiteDatabase
    /// Text blocks read lately, decompressed (see TextBlocks.swift).
    let textBlocks = TextBlockCache()

    /// Opens the workspace's catalog, creating `index/` and the database if
    /// needed and migrating it to the current schema.
    public convenience init(workspace: Workspace) throws {
        do {
            try FileManager.default.createDirectory(at: workspace.index, withIntermediateDirectories: true)
        } catch {
            throw DossierError.io(path: workspace.index.path, reason: "cannot create folder (\(Workspace.reason(error)))")
        }
        try self.init(path: workspace.catalog.path)
    }

    /// Opens the catalog at `path`.
    public init(path: String) throws {
        database = try SQLiteDatabase(path: path)
        try Schema.migrate(database)
    }

    /// Opens the workspace's catalog for reading only, for a reader that
    /// must change nothing (`dossier mcp`): no folder or database is
    /// created and nothing is migrated. A workspace never updated, or one
    /// whose catalog another build wrote, is an error that says which.
    public init(readingFrom workspace: Workspace) throws {
        let path = workspace.catalog.path
        guard FileManager.default.fileExists(atPath: path) else {
            throw DossierError.workspace("nothing is indexed in \(workspace.root.path) yet: run `dossier update`")
        }
        database = try SQLiteDatabase(path: path, readOnly: true)
        let found = try database.scalar("PRAGMA user_version")?.int ?? 0
        guard found == Schema.version else {
            throw DossierError.catalog("\(path) has schema version \(found), this build reads \(Schema.version): run `dossier update` with this build")
        }
    }

    static func timestamp(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: false))
    }

    // MARK: notes

    /// SHA-256 of every note as last parsed, by path.
    public func noteDigests() throws -> [String: String] {
        Dictionary(uniqueKeysWithValues: try database.query("SELECT path, sha256 FROM notes") { ($0.string(0), $0.string(1)) })
    }

    /// Records the notes read from disk, in one transaction: parsed notes
    /// replace their earlier citations and warnings; notes no longer on disk
    /// are removed with their citations; URLs that lost every citation are
    /// marked `uncited_since`.
    @discardableResult
    public func syncNotes(_ files: [NoteFile], now: Date = Date()) throws -> NoteSyncSummary {
        let stamp = Self.timestamp(now)
        var summary = NoteSyncSummary()
        try database.transaction {
            let upsertNote = try database.prepare("""
                INSERT INTO notes (path, sha256, size, lines, parsed_at) VALUES (?1, ?2, ?3, ?4, ?5)
                ON CONFLICT(path) DO UPDATE SET sha256 = ?2, size = ?3, lines = ?4, parsed_at = ?5
                """)
            let insertURL = try database.prepare("INSERT INTO urls (url, first_cited_at) VALUES (?1, ?2) ON CONFLICT(url) DO NOTHING")
            let insertCitation = try database.prepare("""
                INSERT INTO citations (note_id, url_id, raw_url, line, col, label, heading_path, task, text, syntax, length)
                VALUES (?1, (SELECT id FROM urls WHERE url = ?2), ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
                """)
            let insertWarning = try database.prepare("INSERT INTO note_warnings (note_id, line, message) VALUES (?1, ?2, ?3)")
            let encoder = JSONEncoder()
            for file in files {
                guard let parsed = file.parsed else { summary.unchanged += 1; continue }
                summary.parsed.append(file.path)
                try upsertNote.run([file.path, file.sha256, file.size, parsed.lineCount, stamp])
                guard let noteID = try database.scalar("SELECT id FROM notes WHERE path = ?1", [file.path])?.int else {
                    throw DossierError.catalog("note \(file.path) vanished during sync")
                }
                try database.run("DELETE FROM citations WHERE note_id = ?1", [noteID])
                try database.run("DELETE FROM note_warnings WHERE note_id = ?1", [noteID])
                for citation in parsed.citations {
                    try insertURL.run([citation.normalizedURL, stamp])
                    summary.newURLs += database.changes
                    let headings = String(decoding: try encoder.encode(citation.headingPath), as: UTF8.self)
                    try insertCitation.run([
                        noteID, citation.normalizedURL, citation.url, citation.line, citation.column, citation.label,
                        headings, citation.task?.rawValue, citation.text, citation.syntax.rawValue, citation.length,
                    ])
                }
                for warning in parsed.warnings { try insertWarning.run([noteID, warning.line, warning.message]) }
            }
            let present = Set(files.map(\.path))
            for path in try database.query("SELECT path FROM notes ORDER BY path", [], { $0.string(0) }) where !present.contains(path) {
                try database.run("DELETE FROM notes WHERE path = ?1", [path])
                summary.removed.append(path)
            }
            summary.uncitedURLs = try database.run("""
                UPDATE urls SET uncited_since = ?1
                WHERE uncited_since IS NULL AND NOT EXISTS (SELECT 1 FROM citations WHERE url_id = urls.id)
                """, [stamp])
            try database.run("""
                UPDATE urls SET uncited_since = NULL, ever_cited = 1
                WHERE (uncited_since IS NOT NULL OR ever_cited = 0) AND EXISTS (SELECT 1 FROM citations WHERE url_id = urls.id)
                """)
        }
        return summary
    }

    /// Every note, by path, with its counts and warnings.
    public func notes() throws -> [NoteRecord] {
        let warnings = try database.query("""
            SELECT notes.path, line, message FROM note_warnings JOIN notes ON notes.id = note_id ORDER BY notes.path, line
            """) { ($0.string(0), NoteWarning(line: $0.int(1), message: $0.string(2))) }
        let byNote = Dictionary(grouping: warnings, by: \.0).mapValues { $0.map(\.1) }
        return try database.query("""
            SELECT path, sha256, size, lines, parsed_at,
                   (SELECT count(*) FROM citations WHERE note_id = notes.id),
                   (SELECT count(DISTINCT url_id) FROM citations WHERE note_id = notes.id)
            FROM notes ORDER BY path
            """) { row in
            NoteRecord(path: row.string(0), sha256: row.string(1), size: row.int(2), lines: row.int(3),
                       citations: row.int(5), urls: row.int(6), warnings: byNote[row.string(0)] ?? [],
                       parsedAt: row.string(4))
        }
    }

    /// Every citation, ordered by note, line and column; optionally of one note only.
    public func citations(note: String? = nil) throws -> [Citation] {
        let decoder = JSONDecoder()
        var sql = """
            SELECT citations.id, raw_url, urls.url, notes.path, line, col, label, heading_path, task, text, syntax, length
            FROM citations JOIN notes ON notes.id = note_id JOIN urls ON urls.id = url_id
            """
        var arguments: [any SQLBindable] = []
        if let note {
            sql += " WHERE notes.path = ?1"
            arguments.append(note)
        }
        sql += " ORDER BY notes.path, line, col"
        return try database.query(sql, arguments) { row in
            Citation(
                note: row.string(3), url: row.string(1), normalizedURL: row.string(2), line: row.int(4), column: row.int(5),
                label: row.string(6),
                headingPath: (try? decoder.decode([String].self, from: Data(row.string(7).utf8))) ?? [],
                task: row.optionalString(8).flatMap(TaskState.init(rawValue:)), text: row.string(9),
                syntax: LinkSyntax(rawValue: row.string(10)) ?? .inline, length: row.int(11))
        }
    }

    /// Number of distinct URLs cited by at least one note.
    public func citedURLCount() throws -> Int {
        try database.scalar("SELECT count(*) FROM urls WHERE uncited_since IS NULL")?.int ?? 0
    }
}


import DossierCore
import Foundation

/// A document's citation metadata in the catalog (`document_metadata`,
/// schema version 16; Schema.swift says what each column holds).
///
/// Extraction writes its readings (``storeReadings(_:document:)``, from
/// ``storeDocument(sha256:kind:path:source:result:replacing:now:)``); the
/// user's own values (``setMetadata(document:field:value:)``) are rows of
/// source `user` that extraction leaves alone. ``metadata(of:)`` gathers a
/// document's readings with those of the landing page it was found
/// through, its detected language and, for a document stored before
/// version 16, the catalog's columns, and resolves them
/// (``DocumentMetadata/resolve(_:)``).
extension CatalogStore {
    /// Replaces the extraction's readings of `document` (not the user's),
    /// inside the caller's transaction.
    func storeReadings(_ readings: [MetadataCandidate], document: Int) throws {
        try database.run("DELETE FROM document_metadata WHERE document_id = ?1 AND source != 'user'", [document])
        let insert = try database.prepare("""
            INSERT OR IGNORE INTO document_metadata (document_id, field, source, value, position) VALUES (?1, ?2, ?3, ?4, ?5)
            """)
        for (position, reading) in readings.enumerated() where reading.source != .user {
            try insert.run([document, reading.field.rawValue, reading.source.rawValue, reading.value, position])
        }
    }

    /// Every reading of `document`'s metadata, resolved.
    public func metadata(of document: Int) throws -> DocumentMetadata {
        var readings = try database.query("""
            SELECT field, source, value FROM document_metadata WHERE document_id = ?1 ORDER BY position
            """, [document], Self.reading).compactMap { $0 }
        // The landing page that led to this PDF: its own tags are the PDF's too.
        readings += try database.query("""
            SELECT m.field, 'landing', m.value FROM urls u JOIN urls landing ON landing.id = u.derived_from
            JOIN document_metadata m ON m.document_id = landing.document_id AND m.source = 'page'
            WHERE u.document_id = ?1 AND landing.document_id IS NOT NULL AND landing.document_id != ?1
            ORDER BY landing.url, m.position
            """, [document], Self.reading).compactMap { $0 }
        // The catalog's columns, for a document whose readings predate version 16.
        for reading in try columnReadings(document) where !readings.contains(where: { $0.field == reading.field }) {
            readings.append(reading)
        }
        if let language = try database.scalar("SELECT language FROM documents WHERE id = ?1", [document])?.string, language != "und" {
            readings.append(MetadataCandidate(.language, .detected, language))
        }
        return DocumentMetadata.resolve(readings)
    }

    /// The columns of `documents` a field was kept in before version 16.
    static let metadataColumns: [(MetadataField, String)] = [(.title, "title"), (.authors, "author"), (.issued, "created"), (.doi, "doi"),
                                                             (.publisher, "site")]

    /// `document`'s columns as readings of source `catalog`, in their fields' stored form.
    func columnReadings(_ document: Int) throws -> [MetadataCandidate] {
        let columns = Self.metadataColumns.map(\.1).joined(separator: ", ")
        let values = try database.query("SELECT \(columns) FROM documents WHERE id = ?1", [document]) { row in
            Self.metadataColumns.indices.map { row.optionalString($0) }
        }.first ?? []
        return zip(Self.metadataColumns, values).compactMap { column, value in
            guard let value, !value.isEmpty, case .success(let stored) = column.0.normalize(value) else { return nil }
            return MetadataCandidate(column.0, .catalog, stored)
        }
    }

    /// Sets (or, with nil, removes) the user's value of `field` for
    /// `document`, which every later extraction keeps, and brings the
    /// document's columns (its name in every list) in line.
    public func setMetadata(document: Int, field: MetadataField, value: String?) throws {
        try database.transaction {
            try database.run("DELETE FROM document_metadata WHERE document_id = ?1 AND field = ?2 AND source = 'user'",
                             [document, field.rawValue])
            // A document stored before readings had sources: its columns' values are kept as readings, so that
            // resolving its fields again gives them back.
            for reading in try columnReadings(document) {
                let held = try database.scalar("SELECT count(*) FROM document_metadata WHERE document_id = ?1 AND field = ?2",
                                               [document, reading.field.rawValue])?.int ?? 0
                guard held == 0 else { continue }
                try database.run("""
                    INSERT OR IGNORE INTO document_metadata (document_id, field, source, value, position) VALUES (?1, ?2, 'catalog', ?3, 0)
                    """, [document, reading.field.rawValue, reading.value])
            }
            if let value {
                try database.run("""
                    INSERT INTO document_metadata (document_id, field, source, value, position) VALUES (?1, ?2, 'user', ?3, -1)
                    """, [document, field.rawValue, value])
            }
            try applyResolvedColumns(document: document)
        }
    }

    /// Writes the resolved title, authors, date and DOI of `document` to
    /// its columns (inside the caller's transaction), when it has readings
    /// (a document stored before version 16 has none until the user sets a
    /// field, which keeps the columns' values as readings of source `catalog`).
    func applyResolvedColumns(document: Int) throws {
        let own = try database.query("SELECT field, source, value FROM document_metadata WHERE document_id = ?1 ORDER BY position",
                                     [document], Self.reading).compactMap { $0 }
        guard !own.isEmpty else { return }
        let resolved = DocumentMetadata.resolve(own)
        try database.run("UPDATE documents SET title = ?2, author = ?3, created = ?4, doi = ?5 WHERE id = ?1",
                         [document, resolved[.title], resolved[.authors], resolved[.issued], resolved[.doi]])
    }

    /// When a URL of `document` was last read (ISO 8601), nil for a
    /// document no URL gives.
    public func lastRead(document: Int) throws -> String? {
        try database.scalar("SELECT max(last_success_at) FROM urls WHERE document_id = ?1", [document])?.string
    }

    static func reading(_ row: Row) -> MetadataCandidate? {
        guard let field = MetadataField(rawValue: row.string(0)), let source = MetadataSource(rawValue: row.string(1)) else { return nil }
        return MetadataCandidate(field, source, row.string(2))
    }
}

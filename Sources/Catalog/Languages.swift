import DossierCore

/// The language of each page and document (schema version 13): what the
/// update's language pass reads and writes. Codes are ISO 639-1 (`en`,
/// `fr`, …), `und` for a text that does not say; see ``Schema``.
public struct DocumentLanguage: Sendable, Codable, Equatable {
    /// The document's language code, `und` when undetermined.
    public var code: String
    /// `detected` (from its pages' text) or `settings` (`dossier.json`).
    public var source: String
    /// How many of its pages are in each language (`und` included).
    public var pages: [String: Int]

    public init(code: String, source: String, pages: [String: Int]) {
        self.code = code
        self.source = source
        self.pages = pages
    }
}

extension CatalogStore {
    /// The value of `documents.language_source` for a language set in `dossier.json`.
    public static let languageFromSettings = "settings"
    /// The value of `documents.language_source` for a language told from the text.
    public static let languageDetected = "detected"

    /// Extracted documents whose language, or a page's, is still to be told.
    public func documentsAwaitingLanguage() throws -> [Int] {
        try database.query("""
            SELECT DISTINCT document_id FROM pages WHERE language IS NULL
            UNION SELECT id FROM documents WHERE language IS NULL AND status = 'extracted' AND retired = 0
            ORDER BY 1
            """, []) { $0.int(0) }
    }

    /// The text of each page of `document`, by page index.
    public func pageTexts(document: Int) throws -> [(index: Int, text: String)] {
        try database.query("SELECT page_index, text, text_block, text_at, text_bytes FROM pages WHERE document_id = ?1 ORDER BY page_index",
                           [document]) {
            (index: $0.int(0), text: try text($0, span: 2, legacy: 1))
        }
    }

    /// Records the language of each page of `document` and the document's
    /// own, in one transaction. A language `dossier.json` sets for the
    /// document is kept.
    public func storeLanguages(document: Int, pages: [(index: Int, code: String)], detected: String) throws {
        try database.transaction {
            let update = try database.prepare("UPDATE pages SET language = ?3 WHERE document_id = ?1 AND page_index = ?2")
            for page in pages { try update.run([document, page.index, page.code]) }
            try database.run("""
                UPDATE documents SET language = ?2, language_source = ?3
                WHERE id = ?1 AND coalesce(language_source, '') != ?4
                """, [document, detected, Self.languageDetected, Self.languageFromSettings])
        }
    }

    /// Documents whose language `dossier.json` sets, by id, with the code.
    public func languagesFromSettings() throws -> [Int: String] {
        Dictionary(uniqueKeysWithValues: try database.query(
            "SELECT id, language FROM documents WHERE language_source = ?1", [Self.languageFromSettings]) { ($0.int(0), $0.string(1)) })
    }

    /// Sets the language of `document` from `dossier.json`, or (nil) gives it
    /// back to detection, which the next language pass runs.
    public func setLanguageFromSettings(document: Int, code: String?) throws {
        if let code {
            try database.run("UPDATE documents SET language = ?2, language_source = ?3 WHERE id = ?1",
                             [document, code, Self.languageFromSettings])
        } else {
            try database.run("UPDATE documents SET language = NULL, language_source = NULL WHERE id = ?1 AND language_source = ?2",
                             [document, Self.languageFromSettings])
        }
    }

    /// The language of every document that has one: its code, where it
    /// came from, and its pages' languages counted.
    public func documentLanguages() throws -> [Int: DocumentLanguage] {
        var out: [Int: DocumentLanguage] = [:]
        _ = try database.query("SELECT id, language, coalesce(language_source, ?1) FROM documents WHERE language IS NOT NULL",
                           [Self.languageDetected]) { row in
            out[row.int(0)] = DocumentLanguage(code: row.string(1), source: row.string(2), pages: [:])
        }
        _ = try database.query("""
            SELECT document_id, language, count(*) FROM pages WHERE language IS NOT NULL AND has_text GROUP BY document_id, language
            """, []) { row in
            out[row.int(0)]?.pages[row.string(1)] = row.int(2)
        }
        return out
    }

    /// The language of `document`, if told.
    public func documentLanguage(_ document: Int) throws -> DocumentLanguage? {
        guard let (code, source) = try database.query(
            "SELECT language, coalesce(language_source, ?2) FROM documents WHERE id = ?1 AND language IS NOT NULL",
            [document, Self.languageDetected], { ($0.string(0), $0.string(1)) }).first else { return nil }
        var pages: [String: Int] = [:]
        _ = try database.query("SELECT language, count(*) FROM pages WHERE document_id = ?1 AND language IS NOT NULL AND has_text GROUP BY language",
                           [document]) { pages[$0.string(0)] = $0.int(1) }
        return DocumentLanguage(code: code, source: source, pages: pages)
    }

    /// The language each passage is to be analyzed in, in SQL over the
    /// passage row `passages`: the one dossier.json sets for its document,
    /// else its page's, else its document's, else English (`en`).
    static let desiredLanguage = """
        (SELECT CASE WHEN d.language_source = 'settings' THEN d.language
                     WHEN pg.language IS NOT NULL AND pg.language != 'und' THEN pg.language
                     WHEN d.language IS NOT NULL AND d.language != 'und' THEN d.language
                     ELSE 'en' END
         FROM documents d LEFT JOIN pages pg ON pg.document_id = d.id AND pg.page_index = passages.page_index
         WHERE d.id = passages.document_id)
        """

    /// Gives every passage the language its page and document now say, in
    /// one transaction: a pending passage takes it; a committed one analyzed
    /// in another language is stored again, pending, with a new id, and
    /// retires (the next index commit drops it from the index and from
    /// FTS5, and adds its copy). Returns how many passages are analyzed anew.
    @discardableResult
    public func assignPassageLanguages() throws -> Int {
        try database.transaction {
            try database.run("UPDATE passages SET language = \(Self.desiredLanguage) WHERE state = 1 AND language IS NOT \(Self.desiredLanguage)")
            // English either way: the same terms, the same text in FTS5's view.
            try database.run("UPDATE passages SET language = 'en' WHERE state = 0 AND language IS NULL AND \(Self.desiredLanguage) = 'en'")
            let stale = "state = 0 AND coalesce(language, 'en') != \(Self.desiredLanguage)"
            let count = try database.scalar("SELECT count(*) FROM passages WHERE \(stale)")?.int ?? 0
            guard count > 0 else { return 0 }
            try database.run("""
                INSERT INTO passages (document_id, page_index, start, end, text, line, state, language, text_block, text_at, text_bytes, end_page)
                SELECT document_id, page_index, start, end, text, line, 1, \(Self.desiredLanguage), text_block, text_at, text_bytes, end_page
                FROM passages WHERE \(stale) ORDER BY id
                """)
            try database.run("UPDATE passages SET state = 2 WHERE \(stale)")
            return count
        }
    }
}

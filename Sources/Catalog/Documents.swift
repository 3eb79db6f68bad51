import DossierCore
import Foundation

/// Where a document's extraction stands (`documents.status`, its raw value).
public enum DocumentStatus: String, Sendable, Codable, CaseIterable {
    /// Recorded, not extracted yet.
    case pending
    /// Its pages and passages are stored.
    case extracted
    /// Extraction failed; `error` says why.
    case failed
}

/// Where a document came from (`documents.source`, its raw value).
public enum DocumentOrigin: String, Sendable, Codable, CaseIterable {
    /// Fetched from a cited URL into `corpus/files/`.
    case fetched
    /// Dropped into `corpus/library/` by the user.
    case library
    /// A note of `corpus/notes/`, indexed as a document of its own.
    case note
}


/// A document as the catalog knows it.
public struct DocumentRecord: Sendable, Codable, Equatable {
    /// Row id: the document's number in `dossier show`, `--doc`.
    public var id: Int
    /// SHA-256 of its bytes.
    public var sha256: String
    /// `pdf`, `html` or `note`.
    public var kind: DocumentKind
    /// Workspace-relative path of the stored file.
    public var path: String
    /// Where it came from.
    public var source: DocumentOrigin
    /// Title, if known.
    public var title: String?
    /// Author, if known.
    public var author: String?
    /// Number of pages.
    public var pageCount: Int?
    /// Pages that have text.
    public var pagesWithText: Int?
    /// Where its extraction stands.
    public var status: DocumentStatus
    /// Why extraction failed.
    public var error: String?
    /// Whether most pages lack text.
    public var needsOCR: Bool
    /// When its current content was added (ISO 8601).
    public var addedAt: String?
    /// When it was written or published, as it says (ISO 8601 where it does).
    public var created: String?
    /// For a web page: its site or publisher.
    public var site: String?
    /// For a web page: the address it gives as its own.
    public var canonicalURL: String?
    /// A DOI it declares.
    public var doi: String?
    /// For a web page: no article could be told from the page around it; the whole page is indexed.
    public var wholePage: Bool = false
    /// The version of its kind's extraction that made it.
    public var extractor: Int = 0
}

/// A page as the catalog knows it.
public struct PageRecord: Sendable, Codable, Equatable {
    /// 1-based physical index.
    public var index: Int
    /// Printed label.
    public var label: String?
    /// Normalized text.
    public var text: String
    /// For a section of a note, the line it starts on.
    public var line: Int?
    /// For a scanned page: where OCR stands with it.
    public var ocr: OCRState?
    /// For a page read by OCR: the mean word confidence, 0–100.
    public var ocrConfidence: Double?
    /// The language its text is in (`und` when it does not say; nil until told).
    public var language: String?

    /// A page.
    public init(index: Int, label: String?, text: String, line: Int? = nil, ocr: OCRState? = nil, ocrConfidence: Double? = nil,
                language: String? = nil) {
        self.index = index
        self.label = label
        self.text = text
        self.line = line
        self.ocr = ocr
        self.ocrConfidence = ocrConfidence
        self.language = language
    }
}

extension CatalogStore {
    static let documentColumns = """
        id, sha256, kind, path, source, title, author, page_count, pages_with_text, status, error, needs_ocr, added_at, created, site,
        canonical_url, doi, whole_page, extractor
        """

    static func document(_ row: Row) -> DocumentRecord {
        DocumentRecord(id: row.int(0), sha256: row.string(1), kind: DocumentKind(rawValue: row.string(2)) ?? .other, path: row.string(3),
                       source: DocumentOrigin(rawValue: row.string(4)) ?? .library,
                       title: row.optionalString(5), author: row.optionalString(6), pageCount: row.optionalInt(7),
                       pagesWithText: row.optionalInt(8), status: DocumentStatus(rawValue: row.string(9)) ?? .pending, error: row.optionalString(10),
                       needsOCR: row.int(11) != 0, addedAt: row.optionalString(12), created: row.optionalString(13),
                       site: row.optionalString(14), canonicalURL: row.optionalString(15), doi: row.optionalString(16),
                       wholePage: row.int(17) != 0, extractor: row.int(18))
    }

    /// Every document, by id.
    public func documents() throws -> [DocumentRecord] {
        try database.query("SELECT \(Self.documentColumns) FROM documents ORDER BY id", [], Self.document)
    }

    /// The document with this SHA-256, if any.
    public func document(sha256: String) throws -> DocumentRecord? {
        try database.query("SELECT \(Self.documentColumns) FROM documents WHERE sha256 = ?1", [sha256], Self.document).first
    }

    /// The document named by `reference`: its id, a prefix of its SHA-256 (6+
    /// hex digits), or its workspace-relative path.
    public func document(matching reference: String) throws -> DocumentRecord? {
        if let id = Int(reference),
           let found = try database.query("SELECT \(Self.documentColumns) FROM documents WHERE id = ?1", [id], Self.document).first {
            return found
        }
        if let byPath = try database.query("SELECT \(Self.documentColumns) FROM documents WHERE path = ?1", [reference], Self.document).first {
            return byPath
        }
        // A file whose bytes are a document listed under another of its paths.
        if let copy = try database.query("""
            SELECT \(Self.documentColumns) FROM documents WHERE sha256 = (SELECT sha256 FROM file_hashes WHERE path = ?1)
            """, [reference], Self.document).first {
            return copy
        }
        let hex = reference.lowercased()
        if hex.count >= 6, hex.allSatisfy(\.isHexDigit) {
            let found = try database.query("SELECT \(Self.documentColumns) FROM documents WHERE sha256 LIKE ?1 || '%'", [hex], Self.document)
            if found.count == 1 { return found[0] }
        }
        return nil
    }

    /// Records a document whose extraction succeeded or failed, replacing
    /// what an earlier extraction of the same bytes stored, in one transaction.
    /// With `replacing`, the bytes are a new version of that document (a
    /// note edited in place): it keeps its number, unless another document
    /// already has these bytes. A new document takes a number never given
    /// before.
    @discardableResult
    public func storeDocument<Failure: Error & CustomStringConvertible>(
        sha256: String, kind: DocumentKind, path: String, source: DocumentOrigin, result: Result<ExtractedDocument, Failure>,
        replacing: Int? = nil, now: Date = Date()
    ) throws -> Int {
        try database.transaction {
            if let replacing, try database.scalar("SELECT id FROM documents WHERE sha256 = ?1", [sha256]) == nil {
                // The content it had becomes a version of it.
                try database.run("""
                    INSERT INTO document_versions (document_id, sha256, path, page_count, added_at, replaced_at)
                    SELECT id, sha256, path, page_count, added_at, ?2 FROM documents WHERE id = ?1 AND status = 'extracted'
                    """, [replacing, Self.timestamp(now)])
                try database.run("UPDATE documents SET sha256 = ?2, added_at = ?3 WHERE id = ?1", [replacing, sha256, Self.timestamp(now)])
            }
            try database.run("""
                INSERT INTO documents (id, sha256, kind, path, source, status, added_at)
                VALUES ((SELECT last_document_id + 1 FROM catalog_state), ?1, ?2, ?3, ?4, 'pending', ?5)
                ON CONFLICT(sha256) DO UPDATE SET kind = ?2, path = ?3, source = ?4, retired = 0
                """, [sha256, kind.rawValue, path, source.rawValue, Self.timestamp(now)])
            try database.run("UPDATE catalog_state SET last_document_id = max(last_document_id, (SELECT max(id) FROM documents))")
            guard let id = try database.scalar("SELECT id FROM documents WHERE sha256 = ?1", [sha256])?.int else {
                throw DossierError.catalog("document \(sha256) vanished")
            }
            try retirePassages("document_id = ?1", [id])
            try database.run("DELETE FROM pages WHERE document_id = ?1", [id])
            switch result {
            case .failure(let error):
                try database.run("""
                    UPDATE documents SET status = 'failed', error = ?2, title = NULL, author = NULL, page_count = NULL,
                        pages_with_text = NULL, needs_ocr = 0, site = NULL, canonical_url = NULL, doi = NULL, whole_page = 0,
                        extractor = 0 WHERE id = ?1
                    """, [id, error.description])
                try storeReadings([], document: id)
                try applyResolvedColumns(document: id)
            case .success(let document):
                try database.run("""
                    UPDATE documents SET status = 'extracted', error = NULL, title = ?2, author = ?3, created = ?4, modified = ?5,
                        page_count = ?6, pages_with_text = ?7, needs_ocr = ?8, site = ?9, canonical_url = ?10, doi = ?11,
                        whole_page = ?12, extractor = ?13 WHERE id = ?1
                    """, [id, document.title, document.author, document.created, document.modified,
                          document.pages.count, document.pagesWithText, document.needsOCR, document.site, document.canonicalURL,
                          document.doi, document.articleFound == false, document.extractor ?? 0])
                try storeReadings(document.metadata ?? [], document: id)
                try applyResolvedColumns(document: id)
                let encoder = JSONEncoder()
                let insertPage = try database.prepare("""
                    INSERT INTO pages (document_id, page_index, label, chars, has_text, text, ocr, furniture, text_block, text_at, text_bytes, section)
                    VALUES (?1, ?2, ?3, ?4, ?5, '', ?6, ?7, ?8, ?9, ?10, ?11)
                    """)
                let insertPassage = try database.prepare("""
                    INSERT INTO passages (document_id, page_index, start, end, text, line, state, text_block, text_at, text_bytes, end_page)
                    VALUES (?1, ?2, ?3, ?4, '', ?5, 1, ?6, ?7, ?8, ?9)
                    """)
                // Every page's text once, in the document's blocks; a
                // passage names its bytes there (TextBlocks.swift), a
                // passage running onto the next page its bytes too.
                let pages = document.pages
                let joined = pages.indices.map { i in i + 1 < pages.count && pages[i].passages.last?.next != nil }
                let spans = try storeTexts(pages.map { Array($0.text.utf8) }, joined: joined)
                for (i, (page, span)) in zip(pages, spans).enumerated() {
                    let furniture = page.furniture.isEmpty ? nil
                        : String(decoding: try encoder.encode(page.furniture), as: UTF8.self)
                    try insertPage.run([id, page.index, page.label, page.text.unicodeScalars.count, !page.text.isEmpty, page.ocr?.rawValue,
                                        furniture, span.block, span.at, span.bytes, page.section])
                    let next = joined[i] ? (pages[i + 1].text, spans[i + 1]) : nil
                    for (passage, own) in zip(page.passages, Self.spans(of: page.passages, in: page.text, page: span, next: next)) {
                        let crosses = next != nil && passage.next != nil
                        try insertPassage.run([id, page.index, passage.start, crosses ? passage.next : passage.end, passage.line,
                                               own.block, own.at, own.bytes, crosses ? pages[i + 1].index : nil])
                    }
                }
            }
            return id
        }
    }

    /// Removes documents of `source` whose file is gone or holds other bytes
    /// now: `current` lists each file's path and SHA-256 as "path\tsha256".
    /// A removed document is *retired*: it and its passages stay, as the
    /// committed index still holds them, until ``publish(generation:)``
    /// deletes them after the index commit that drops them.
    public func removeDocuments(source: DocumentOrigin, keeping current: Set<String>) throws -> [String] {
        let stale = try database.query("SELECT id, path, sha256 FROM documents WHERE source = ?1 AND retired = 0", [source.rawValue]) {
            ($0.int(0), $0.string(1), $0.string(2))
        }.filter { !current.contains($0.1 + "\t" + $0.2) }
        try database.transaction {
            for (id, _, _) in stale {
                try retirePassages("document_id = ?1", [id])
                try database.run("UPDATE documents SET retired = 1 WHERE id = ?1", [id])
            }
        }
        return stale.map(\.1)
    }

    /// The document a cited URL's content was before it changed to the
    /// content `sha256` (fetched, not yet a document): the document a URL
    /// now serving `sha256` still points to, when no URL serves that
    /// document's content any more and its file is gone (the update took it
    /// out of the store). It takes the new content and keeps its
    /// number (``storeDocument(sha256:kind:path:source:result:replacing:now:)``).
    public func previousDocument(ofContent sha256: String) throws -> Int? {
        try database.scalar("""
            SELECT d.id FROM urls u JOIN documents d ON d.id = u.document_id
            WHERE u.sha256 = ?1 AND d.sha256 != ?1 AND d.source = 'fetched' AND d.retired = 1
                AND NOT EXISTS (SELECT 1 FROM urls other WHERE other.sha256 = d.sha256)
            ORDER BY d.id LIMIT 1
            """, [sha256])?.int
    }

    /// A content a document had before its current one.
    public struct DocumentVersion: Sendable, Equatable, Codable {
        public var sha256: String
        public var path: String
        public var pageCount: Int?
        public var addedAt: String?
        public var replacedAt: String
    }

    /// The contents `document` had before its current one, newest first.
    public func versions(of document: Int) throws -> [DocumentVersion] {
        try database.query("""
            SELECT sha256, path, page_count, added_at, replaced_at FROM document_versions
            WHERE document_id = ?1 ORDER BY replaced_at DESC, id DESC
            """, [document]) {
            DocumentVersion(sha256: $0.string(0), path: $0.string(1), pageCount: $0.optionalInt(2), addedAt: $0.optionalString(3),
                            replacedAt: $0.string(4))
        }
    }

    /// Every document's earlier contents, newest first.
    public func allVersions() throws -> [Int: [DocumentVersion]] {
        var out: [Int: [DocumentVersion]] = [:]
        for (id, version) in try database.query("""
            SELECT document_id, sha256, path, page_count, added_at, replaced_at FROM document_versions ORDER BY replaced_at DESC, id DESC
            """, [], {
                ($0.int(0), DocumentVersion(sha256: $0.string(1), path: $0.string(2), pageCount: $0.optionalInt(3), addedAt: $0.optionalString(4),
                                            replacedAt: $0.string(5)))
            }) {
            out[id, default: []].append(version)
        }
        return out
    }

    /// Forgets the digests of files no longer in the workspace: `current`
    /// lists every file of the library and the store as it is now.
    public func keepFileHashes(only current: Set<String>) throws {
        let known = try database.query("SELECT path FROM file_hashes", []) { $0.string(0) }
        let gone = known.filter { !current.contains($0) }
        guard !gone.isEmpty else { return }
        try database.transaction {
            for path in gone { try database.run("DELETE FROM file_hashes WHERE path = ?1", [path]) }
        }
    }

    /// Every path of the library and the store that holds each content
    /// (by SHA-256), sorted: a document's file and its copies elsewhere.
    public func pathsByContent() throws -> [String: [String]] {
        var out: [String: [String]] = [:]
        for (sha, path) in try database.query("SELECT sha256, path FROM file_hashes ORDER BY path", [], { ($0.string(0), $0.string(1)) }) {
            out[sha, default: []].append(path)
        }
        return out
    }

    /// Every URL whose current content each document is, sorted.
    public func documentURLs() throws -> [Int: [String]] {
        var out: [Int: [String]] = [:]
        for (id, url) in try database.query("SELECT document_id, url FROM urls WHERE document_id IS NOT NULL ORDER BY url", [], {
            ($0.int(0), $0.string(1))
        }) {
            out[id, default: []].append(url)
        }
        return out
    }

    /// The document a note at `path` is now, if any (retired or not).
    public func noteDocument(path: String) throws -> Int? {
        try database.scalar("SELECT id FROM documents WHERE source = 'note' AND path = ?1 ORDER BY retired, id DESC", [path])?.int
    }

    /// Gives the note document with these bytes the path `path` when the
    /// note it was made from is gone (the note was renamed or moved), so
    /// that it keeps its number.
    public func moveNoteDocument(sha256: String, to path: String) throws {
        try database.run("""
            UPDATE documents SET path = ?2 WHERE sha256 = ?1 AND source = 'note' AND path != ?2
                AND path NOT IN (SELECT path FROM notes)
            """, [sha256, path])
    }

    /// The SHA-256 of every retired document (see ``removeDocuments(source:keeping:)``):
    /// the only ones ``revive(sha256:path:source:)`` can bring back.
    public func retiredDocuments() throws -> Set<String> {
        Set(try database.query("SELECT sha256 FROM documents WHERE retired = 1", []) { $0.string(0) })
    }

    /// Brings back a document retired earlier in this update (or in one that
    /// was killed) whose bytes are in the workspace again, at `path`: its
    /// number, pages and passages are kept, as the committed index still
    /// holds them. Returns its id, or nil when no extracted document with
    /// these bytes is retired.
    @discardableResult
    public func revive(sha256: String, path: String, source: DocumentOrigin) throws -> Int? {
        try database.transaction {
            guard let id = try database.scalar(
                "SELECT id FROM documents WHERE sha256 = ?1 AND retired = 1 AND status != 'pending'", [sha256])?.int else { return nil }
            try database.run("UPDATE documents SET retired = 0, path = ?2, source = ?3 WHERE id = ?1", [id, path, source.rawValue])
            try database.run("UPDATE passages SET state = 0 WHERE document_id = ?1 AND state = 2", [id])
            return id
        }
    }

    /// Takes the passages `condition` selects out of the next generation:
    /// committed ones become retiring (the committed index still holds
    /// them), pending ones (in no committed index) are deleted at once.
    /// Runs inside the caller's transaction.
    func retirePassages(_ condition: String, _ arguments: [any SQLBindable]) throws {
        try database.run("DELETE FROM passages WHERE \(condition) AND state = 1", arguments)
        try database.run("UPDATE passages SET state = 2 WHERE \(condition) AND state = 0", arguments)
    }

    /// The pages of a document, in order; one page when `index` is given.
    public func pages(document: Int, index: Int? = nil) throws -> [PageRecord] {
        var sql = """
            SELECT page_index, label, text,
                   (SELECT min(line) FROM passages WHERE passages.document_id = pages.document_id AND passages.page_index = pages.page_index),
                   ocr, ocr_confidence, language, text_block, text_at, text_bytes
            FROM pages WHERE document_id = ?1
            """
        var arguments: [any SQLBindable] = [document]
        if let index { sql += " AND page_index = ?2"; arguments.append(index) }
        return try database.query(sql + " ORDER BY page_index", arguments) {
            PageRecord(index: $0.int(0), label: $0.optionalString(1), text: try text($0, span: 7, legacy: 2), line: $0.optionalInt(3),
                       ocr: $0.optionalString(4).flatMap(OCRState.init(rawValue:)), ocrConfidence: $0.optionalDouble(5),
                       language: $0.optionalString(6))
        }
    }

    /// Counts for `status`: documents, pages, passages.
    public func extractionCounts() throws -> (documents: Int, failed: Int, pages: Int, passages: Int) {
        (try database.scalar("SELECT count(*) FROM documents WHERE status = 'extracted'")?.int ?? 0,
         try database.scalar("SELECT count(*) FROM documents WHERE status = 'failed'")?.int ?? 0,
         try database.scalar("SELECT count(*) FROM pages")?.int ?? 0,
         try database.scalar("SELECT count(*) FROM passages WHERE state != 1")?.int ?? 0)
    }
}

/// What `dossier status` reports from the catalog.
public struct CatalogStatus: Sendable, Codable, Equatable {
    /// Notes read.
    public var notes: Int
    /// Links in the notes.
    public var citations: Int
    /// Distinct URLs cited now.
    public var urls: Int
    /// URLs no note cites any more (kept for a grace period).
    public var uncitedURLs: Int
    /// Documents by kind (`pdf`, `html`, `note`).
    public var documentsByKind: [String: Int]
    /// Documents by extraction status (`extracted`, `failed`, `pending`).
    public var documentsByStatus: [String: Int]
    /// Pages, and how many of them have no text.
    public var pages: Int
    /// Pages without text.
    public var pagesWithoutText: Int
    /// Passages.
    public var passages: Int
    /// Documents most of whose pages have no text.
    public var needsOCR: [DocumentRecord]
    /// Documents that could not be extracted, with their reasons.
    public var failed: [DocumentRecord]
    /// When a document was last added (ISO 8601), if ever.
    public var lastIndexed: String?

    // `uncitedURLs` is spelled for JSON by hand: snake-casing it gives "uncited_ur_ls".
    enum CodingKeys: String, CodingKey {
        case notes, citations, urls, uncitedURLs = "uncitedUrls", documentsByKind, documentsByStatus, pages, pagesWithoutText,
             passages, needsOCR, failed, lastIndexed
    }
}

extension CatalogStore {
    /// Counts across the catalog.
    public func status() throws -> CatalogStatus {
        func count(_ sql: String) throws -> Int { try database.scalar(sql)?.int ?? 0 }
        func grouped(_ column: String) throws -> [String: Int] {
            Dictionary(uniqueKeysWithValues: try database.query("SELECT \(column), count(*) FROM documents GROUP BY \(column)") {
                ($0.string(0), $0.int(1))
            })
        }
        return CatalogStatus(
            notes: try count("SELECT count(*) FROM notes"),
            citations: try count("SELECT count(*) FROM citations"),
            urls: try count("SELECT count(*) FROM urls WHERE uncited_since IS NULL"),
            uncitedURLs: try count("SELECT count(*) FROM urls WHERE uncited_since IS NOT NULL AND ever_cited = 1 AND derived_from IS NULL"),
            documentsByKind: try grouped("kind"),
            documentsByStatus: try grouped("status"),
            pages: try count("SELECT count(*) FROM pages"),
            pagesWithoutText: try count("SELECT count(*) FROM pages WHERE has_text = 0"),
            passages: try count("SELECT count(*) FROM passages WHERE state != 1"),
            needsOCR: try database.query("SELECT \(Self.documentColumns) FROM documents WHERE needs_ocr = 1 ORDER BY id", [], Self.document),
            failed: try database.query("SELECT \(Self.documentColumns) FROM documents WHERE status = 'failed' ORDER BY id", [], Self.document),
            lastIndexed: try database.scalar("SELECT max(added_at) FROM documents")?.string)
    }
}

extension CatalogStore {
    /// The SHA-256 of each file, from the cache when its size and
    /// modification time are unchanged; the others are hashed on every core
    /// at once (hashing a new corpus would otherwise hold back extraction)
    /// and cached.
    /// A file that cannot be read has its error in place of its digest.
    public func fileHashes(_ files: [(url: URL, path: String)]) throws -> [Result<String, Error>] {
        var digests = [Result<String, Error>?](repeating: nil, count: files.count)
        var stamps = [(size: Int, mtime: Double)](repeating: (0, 0), count: files.count)
        var missing: [Int] = []
        for (i, file) in files.enumerated() {
            let attributes: [FileAttributeKey: Any]
            do {
                // The file a link in the library points to: its size and time, not the link's own,
                // so that a PDF kept elsewhere and edited in place is hashed again.
                attributes = try FileManager.default.attributesOfItem(atPath: file.url.resolvingSymlinksInPath().path)
            } catch {
                digests[i] = .failure(error)
                continue
            }
            let size = (attributes[.size] as? NSNumber)?.intValue ?? -1
            let mtime = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
            stamps[i] = (size, mtime)
            if let cached = try database.query("SELECT sha256 FROM file_hashes WHERE path = ?1 AND size = ?2 AND mtime = ?3",
                                               [file.path, size, mtime], { $0.string(0) }).first {
                digests[i] = .success(cached)
            } else {
                missing.append(i)
            }
        }
        let urls = missing.map { files[$0].url }
        let computed = parallelMap(urls.count) { k in Result { try SHA256.hex(ofFile: urls[k]) } }
        try database.transaction {
            for (k, i) in missing.enumerated() {
                digests[i] = computed[k]
                guard case .success(let digest) = computed[k] else { continue }
                try database.run("INSERT OR REPLACE INTO file_hashes (path, size, mtime, sha256) VALUES (?1, ?2, ?3, ?4)",
                                 [files[i].path, stamps[i].size, stamps[i].mtime, digest])
            }
        }
        return digests.map { $0! }
    }
}

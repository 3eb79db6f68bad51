import DossierCore
import Foundation

/// Where a URL stands, as the catalog stores it (`urls.status`, its raw value).
public enum URLStatus: String, Sendable, Codable, CaseIterable {
    /// Cited, never fetched.
    case new
    /// New content was stored.
    case fetched
    /// The server said 304, or sent the same bytes.
    case unchanged
    /// The last fetch failed (404, DNS, timeout, too large, a loop…).
    case failed
    /// The site refuses automated downloads.
    case blocked
    /// Neither a PDF nor a web page.
    case unsupported
    /// Supplied by hand (`dossier attach`).
    case attached

    /// Whether the URL's content is in hand.
    public var isSuccess: Bool { self == .fetched || self == .unchanged || self == .attached }
    /// Whether the link is dead or refused: what `links --dead` and the links page list.
    public var isDead: Bool { self == .failed || self == .blocked }
}

/// A URL's fetch state as the catalog keeps it.
public struct URLState: Sendable, Codable, Equatable {
    /// Row id.
    public var id: Int
    /// The normalized URL.
    public var url: String
    /// Where it stands.
    public var status: URLStatus
    /// Last HTTP status.
    public var httpStatus: Int?
    /// URL after redirects.
    public var finalURL: String?
    /// ETag of the stored copy.
    public var etag: String?
    /// Last-Modified of the stored copy.
    public var lastModified: String?
    /// Content-Type.
    public var contentType: String?
    /// SHA-256 of the stored copy.
    public var sha256: String?
    /// Size in bytes.
    public var size: Int?
    /// pdf, html or unsupported.
    public var kind: DocumentKind?
    /// Why the last fetch failed.
    public var error: String?
    /// When it was last checked.
    public var checkedAt: String?
    /// When it last succeeded.
    public var lastSuccessAt: String?
    /// Consecutive failures.
    public var failures: Int
    /// For a PDF found through a landing page: the landing page's URL.
    public var derivedFrom: String?
    /// After a stall: the time (ISO 8601) before which an update leaves it be.
    public var nextCheckAt: String?
    /// Whether a note still cites it (directly, or through its landing page).
    public var cited: Bool
    /// The document its content is, once extracted.
    public var documentID: Int?
    /// When the last note citing it stopped citing it (ISO 8601), if none does.
    public var uncitedSince: String?
}

extension URLState {
    /// Whether a nightly update should check the URL: never checked, or
    /// last checked at or before `cutoff`, and not waiting out the backoff
    /// of a stall (``nextCheckAt`` still ahead of `now`). Times are ISO 8601.
    public func isDue(checkedBefore cutoff: String, now: String) -> Bool {
        if status == .new { return true }
        guard checkedAt.map({ $0 <= cutoff }) ?? true else { return false }
        return nextCheckAt.map { $0 <= now } ?? true
    }
}

/// What a fetch or an attach found, to be recorded.
public struct FetchRecord: Sendable {
    /// The normalized URL.
    public var url: String
    /// The status to record.
    public var status: URLStatus
    /// HTTP status.
    public var httpStatus: Int?
    /// URL after redirects.
    public var finalURL: String?
    /// Validators.
    public var etag: String?
    /// Validators.
    public var lastModified: String?
    /// Content-Type.
    public var contentType: String?
    /// Content hash.
    public var sha256: String?
    /// Size.
    public var size: Int64?
    /// Kind.
    public var kind: DocumentKind?
    /// Error line.
    public var error: String?
    /// Whether the server stalled (a timeout): the URL is then left for a
    /// backoff that grows with its consecutive failures.
    public var stalled: Bool

    /// Creates a record.
    public init(url: String, status: URLStatus, httpStatus: Int? = nil, finalURL: String? = nil, etag: String? = nil,
                lastModified: String? = nil, contentType: String? = nil, sha256: String? = nil, size: Int64? = nil,
                kind: DocumentKind? = nil, error: String? = nil, stalled: Bool = false) {
        self.stalled = stalled
        self.url = url
        self.status = status
        self.httpStatus = httpStatus
        self.finalURL = finalURL
        self.etag = etag
        self.lastModified = lastModified
        self.contentType = contentType
        self.sha256 = sha256
        self.size = size
        self.kind = kind
        self.error = error
    }
}

extension CatalogStore {
    static let urlColumns = """
        u.id, u.url, u.status, u.http_status, u.final_url, u.etag, u.last_modified, u.content_type, u.sha256, u.size,
        u.kind, u.error, u.checked_at, u.last_success_at, u.failures, u.next_check_at, p.url,
        (u.uncited_since IS NULL OR (p.id IS NOT NULL AND p.uncited_since IS NULL)), u.document_id,
        CASE WHEN u.uncited_since IS NULL OR p.id IS NULL THEN u.uncited_since
             WHEN p.uncited_since IS NULL THEN NULL
             ELSE max(u.uncited_since, p.uncited_since) END
        """
    // The last column: when the URL stopped being cited. A URL found through
    // a landing page is cited through it, so it is uncited only since the
    // later of its own last citation and its landing page's.

    static func urlState(_ row: Row) -> URLState {
        URLState(id: row.int(0), url: row.string(1), status: URLStatus(rawValue: row.string(2)) ?? .new, httpStatus: row.optionalInt(3),
                 finalURL: row.optionalString(4), etag: row.optionalString(5), lastModified: row.optionalString(6),
                 contentType: row.optionalString(7), sha256: row.optionalString(8), size: row.optionalInt(9),
                 kind: row.optionalString(10).map { DocumentKind(rawValue: $0) ?? .other }, error: row.optionalString(11), checkedAt: row.optionalString(12),
                 lastSuccessAt: row.optionalString(13), failures: row.int(14), derivedFrom: row.optionalString(16),
                 nextCheckAt: row.optionalString(15), cited: row.int(17) != 0, documentID: row.optionalInt(18),
                 uncitedSince: row.optionalString(19))
    }

    /// Every URL, cited or not, by URL.
    public func urlStates() throws -> [URLState] {
        try database.query("SELECT \(Self.urlColumns) FROM urls u LEFT JOIN urls p ON p.id = u.derived_from ORDER BY u.url", [], Self.urlState)
    }

    /// The URLs a fetch should visit: those cited, and PDFs found through cited landing pages.
    public func urlsToFetch() throws -> [URLState] {
        try urlStates().filter(\.cited)
    }

    /// Records the outcome of fetching (or attaching) a URL.
    public func recordFetch(_ record: FetchRecord, now: Date = Date()) throws {
        let stamp = Self.timestamp(now)
        let success = record.status.isSuccess
        try database.transaction {
            if success {
                try database.run("""
                    UPDATE urls SET status = ?2, http_status = ?3, final_url = ?4, etag = ?5, last_modified = ?6,
                        content_type = ?7, sha256 = COALESCE(?8, sha256), size = COALESCE(?9, size), kind = COALESCE(?10, kind),
                        error = NULL, checked_at = ?11, last_success_at = ?11, failures = 0, next_check_at = NULL
                    WHERE url = ?1
                    """, [record.url, record.status.rawValue, record.httpStatus, record.finalURL, record.etag, record.lastModified,
                          record.contentType, record.sha256, record.size.map(Int.init), record.kind?.rawValue, stamp])
            } else {
                // A failure keeps what was stored before: validators, hash, the last good copy.
                // A stall puts the next check off by 2^failures days (at most 32).
                var nextCheck: String?
                if record.stalled {
                    let failures = (try database.scalar("SELECT failures FROM urls WHERE url = ?1", [record.url])?.int ?? 0) + 1
                    nextCheck = Self.timestamp(now.addingTimeInterval(Double(1 << min(failures, 5)) * 86_400))
                }
                try database.run("""
                    UPDATE urls SET status = ?2, http_status = ?3, final_url = COALESCE(?4, final_url),
                        content_type = COALESCE(?5, content_type), kind = COALESCE(?6, kind), error = ?7,
                        checked_at = ?8, failures = failures + 1, next_check_at = ?9
                    WHERE url = ?1
                    """, [record.url, record.status.rawValue, record.httpStatus, record.finalURL, record.contentType, record.kind?.rawValue,
                          record.error, stamp, nextCheck])
            }
        }
    }

    /// Adds (or keeps) a URL found through `parent`'s landing page.
    public func addDerivedURL(_ url: String, from parent: String, now: Date = Date()) throws {
        try database.run("""
            INSERT INTO urls (url, first_cited_at, derived_from) VALUES (?1, ?2, (SELECT id FROM urls WHERE url = ?3))
            ON CONFLICT(url) DO UPDATE SET derived_from = COALESCE(urls.derived_from, excluded.derived_from)
            """, [url, Self.timestamp(now), parent])
    }

    /// Makes sure a URL has a row (for `dossier attach` of a URL no note cites yet).
    public func ensureURL(_ url: String, now: Date = Date()) throws {
        try database.run("""
            INSERT INTO urls (url, first_cited_at, uncited_since, ever_cited) VALUES (?1, ?2, ?2, 0) ON CONFLICT(url) DO NOTHING
            """, [url, Self.timestamp(now)])
    }

    /// Undoes `dossier attach` of `url`: a URL no note ever cited is
    /// forgotten; a cited one forgets the attached content and is fetched
    /// again by the next update. Returns the SHA-256 of the attached
    /// content when no other URL has it (its file may go), nil otherwise;
    /// throws when `url` has no attached content.
    public func detach(_ url: String) throws -> String? {
        try database.transaction {
            guard let row = try database.query("SELECT id, status, sha256, ever_cited FROM urls WHERE url = ?1", [url], {
                ($0.int(0), $0.string(1), $0.optionalString(2), $0.int(3) != 0)
            }).first, row.1 == "attached" else {
                throw DossierError.usage("\(url) has no attached file (`dossier links` shows each URL's state)")
            }
            if row.3 {
                try database.run("""
                    UPDATE urls SET status = 'new', http_status = NULL, final_url = NULL, etag = NULL, last_modified = NULL,
                        content_type = NULL, sha256 = NULL, size = NULL, kind = NULL, error = NULL, checked_at = NULL,
                        failures = 0, next_check_at = NULL, document_id = NULL
                    WHERE id = ?1
                    """, [row.0])
            } else {
                try database.run("DELETE FROM urls WHERE id = ?1", [row.0])
            }
            guard let sha = row.2, try database.scalar("SELECT count(*) FROM urls WHERE sha256 = ?1", [sha])?.int == 0 else { return nil }
            return sha
        }
    }

    /// Points each URL at the document its content is.
    public func linkURLsToDocuments() throws {
        try database.run("""
            UPDATE urls SET document_id = (SELECT id FROM documents WHERE documents.sha256 = urls.sha256)
            WHERE sha256 IS NOT NULL
            """)
    }
}

extension CatalogStore {
    /// URLs no note has cited since before `cutoff` (ISO 8601).
    public func expiredURLs(before cutoff: String) throws -> [URLState] {
        try urlStates().filter { !$0.cited && ($0.uncitedSince.map { $0 < cutoff } ?? false) }
    }
}

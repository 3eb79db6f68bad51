import DossierCore
import Foundation

/// How the fetcher behaves; every limit has a clear error when reached.
public struct FetchConfiguration: Sendable {
    /// `User-Agent` sent with every request.
    public var userAgent = "Dossier/\(DossierVersion.string) (+https://github.com/dossier; research notes indexer)"
    /// Requests in flight at once.
    public var maximumConcurrent = 4
    /// Requests in flight to one host at once.
    public var maximumPerHost = 2
    /// Least time between two requests to one host.
    public var politenessDelay: Duration = .milliseconds(250)
    /// Time to establish a connection.
    public var connectTimeout: Duration = .seconds(15)
    /// Longest silence while waiting for or reading a response.
    public var readTimeout: Duration = .seconds(30)
    /// Longest a URL may take in all, attempts and redirects together: a
    /// server that trickles bytes cannot hold a fetch slot for longer.
    public var totalDeadline: Duration = .seconds(120)
    /// Largest body accepted, in bytes.
    public var maximumBytes: Int64 = 512 << 20
    /// Most redirects followed.
    public var maximumRedirects = 10
    /// Attempts after the first, on fast failures: a refused or cut
    /// connection, 5xx, 429. A timeout is not retried: a server that stalled
    /// once is left for a later run (see ``FetchResult/stalled``).
    public var retries = 3
    /// First backoff delay; doubled each retry, with jitter.
    public var backoff: Duration = .milliseconds(500)
    /// Longest Retry-After honoured.
    public var maximumRetryAfter: Duration = .seconds(120)

    /// The defaults.
    public init() {}
}

/// One URL to fetch, with what is known from the last time.
public struct FetchRequest: Sendable, Equatable {
    /// The normalized URL.
    public var url: String
    /// ETag of the stored copy, sent as If-None-Match.
    public var etag: String?
    /// Last-Modified of the stored copy, sent as If-Modified-Since.
    public var lastModified: String?
    /// SHA-256 of the stored copy: the same bytes mean unchanged.
    public var previousSHA256: String?

    /// Creates a request.
    public init(url: String, etag: String? = nil, lastModified: String? = nil, previousSHA256: String? = nil) {
        self.url = url
        self.etag = etag
        self.lastModified = lastModified
        self.previousSHA256 = previousSHA256
    }

    /// Whether the URL names a PDF (so an HTML answer is suspicious).
    public var expectsPDF: Bool {
        URL(string: url)?.path.lowercased().hasSuffix(".pdf") ?? false
    }
}

/// How a fetch ended.
public enum FetchStatus: String, Sendable, Codable {
    /// New content was stored.
    case fetched
    /// The server said 304, or sent the same bytes.
    case unchanged
    /// A permanent or exhausted failure (404, DNS, timeout, too large, loop…).
    case failed
    /// The site refuses automated downloads (403, a challenge page).
    case blocked
    /// The content is neither a PDF nor a web page.
    case unsupported
}

/// The account of one URL.
public struct FetchResult: Sendable, Equatable, Codable {
    /// The URL asked for.
    public var url: String
    /// How it ended.
    public var status: FetchStatus
    /// The final HTTP status code, if a response came.
    public var httpStatus: Int?
    /// The URL after redirects.
    public var finalURL: String?
    /// The redirects followed, in order.
    public var redirects: [String] = []
    /// Validators to send next time.
    public var etag: String?
    /// Last-Modified to send next time.
    public var lastModified: String?
    /// Content-Type as the server sent it.
    public var contentType: String?
    /// What the bytes are.
    public var kind: DocumentKind?
    /// SHA-256 of the content.
    public var sha256: String?
    /// Size in bytes.
    public var size: Int64?
    /// Workspace-relative path of the stored file.
    public var path: String?
    /// One line saying what went wrong, and what to do about it.
    public var error: String?
    /// A landing page's `citation_pdf_url`, to be fetched as the same citation.
    public var citationPDFURL: String?
    /// Attempts made.
    public var attempts = 1
    /// Whether the failure was that a host name did not resolve: what every
    /// URL meets when the machine is offline.
    public var unresolved = false
    /// Whether the server stalled: no data within the read timeout, no
    /// connection within the connect timeout, or past the total deadline.
    /// Such a URL is not retried in this run, and a nightly update checks
    /// it again only after a backoff that grows with each stall.
    public var stalled = false

    enum CodingKeys: String, CodingKey {
        case url, status, httpStatus, finalURL = "finalUrl", redirects, etag, lastModified, contentType, kind, sha256, size
        case path, error, citationPDFURL = "citationPdfUrl", attempts
    }
}

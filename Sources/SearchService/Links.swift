import Catalog
import DossierCore

/// A citation with what is known of its URL: one row of `dossier links
/// --json` (the citation's keys, then the state's, every key present).
public struct LinkRow: Encodable, Sendable {
    /// Where the note cites the URL.
    public var citation: Citation
    /// What the fetch found there.
    public var link: LinkState

    /// A row.
    public init(citation: Citation, link: LinkState) {
        self.citation = citation
        self.link = link
    }

    /// The citation's keys and the state's, in one object.
    public func encode(to encoder: any Encoder) throws {
        try citation.encode(to: encoder)
        try link.encode(to: encoder)
    }
}

/// What is known of a cited URL and its document.
public struct LinkState: Encodable, Sendable {
    /// `new` until it is checked.
    public var status: URLStatus
    @JSONNullable public var httpStatus: Int?
    @JSONNullable public var finalUrl: String?
    @JSONNullable public var lastSuccess: String?
    @JSONNullable public var error: String?
    @JSONNullable public var size: Int?
    @JSONNullable public var kind: DocumentKind?
    @JSONNullable public var documentId: Int?
    /// Its document has pages without text (scanned).
    public var needsOcr: Bool

    /// The state of a URL from its catalog row, and its document.
    public init(_ state: URLState?, documentID: Int?, _ document: DocumentRecord?) {
        status = state?.status ?? .new
        httpStatus = state?.httpStatus
        finalUrl = state?.finalURL
        lastSuccess = state?.lastSuccessAt
        error = state?.error
        size = state?.size
        kind = state?.kind
        documentId = documentID
        needsOcr = document?.needsOCR ?? false
    }
}

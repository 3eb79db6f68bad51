import Catalog
import DossierCore
import Foundation

/// What a citation of a document, or of one of its pages, is made from:
/// the document's resolved metadata (``DocumentMetadata``), its URL, the
/// page and the date the URL was last read. `dossier cite`, the web's cite
/// button, search results' `cite` field and MCP's all start here, and
/// ``CitationFormat`` writes it as Markdown for a note, BibTeX or CSL-JSON.
public struct Reference: Sendable, Equatable {
    /// The document's number.
    public var document: Int
    /// Its kind: a PDF is cited as a report, a web page as a web page.
    public var kind: DocumentKind
    /// Its metadata, each field with its source.
    public var metadata: DocumentMetadata
    /// The URL it was fetched from (for a PDF found through a landing
    /// page, the PDF's), nil for a file of the library or a note.
    public var url: String?
    /// Its workspace-relative path.
    public var path: String
    /// The page cited (physical, from 1), if one is.
    public var page: Int?
    /// That page's printed label ("iv", "12"), when the PDF gives one.
    public var pageLabel: String?
    /// How many pages it has.
    public var pageCount: Int?
    /// When its URL was last read (`YYYY-MM-DD`): a web page's "accessed".
    public var accessed: String?
    /// A letter that tells its citation key from another document's with
    /// the same author, year and title word ("secretaria2021listab").
    public var keySuffix = ""

    /// The title a citation shows: the metadata's, else the URL or path.
    public var title: String { DocumentName.of(title: metadata[.title], url: url, path: path) }

    /// The page as a reader finds it: the printed label where the PDF has one.
    public var pageName: String? { page.map { pageLabel ?? String($0) } }

    /// A reference from what a search result knows (its document's title,
    /// not its every reading): enough for the Markdown of a result.
    public init(document: Int, kind: DocumentKind, title: String?, url: String?, path: String, page: Int?, pageLabel: String?) {
        let readings = title.map { [MetadataCandidate(.title, .catalog, $0)] } ?? []
        self.init(document: document, kind: kind, metadata: DocumentMetadata.resolve(readings), url: url, path: path, page: page,
                  pageLabel: pageLabel.flatMap { page.map(String.init) == $0 || $0.isEmpty ? nil : $0 })
    }

    /// Creates a reference.
    public init(document: Int, kind: DocumentKind, metadata: DocumentMetadata, url: String?, path: String, page: Int? = nil,
                pageLabel: String? = nil, pageCount: Int? = nil, accessed: String? = nil) {
        self.document = document
        self.kind = kind
        self.metadata = metadata
        self.url = url
        self.path = path
        self.page = page
        self.pageLabel = pageLabel
        self.pageCount = pageCount
        self.accessed = accessed
    }

    /// The citation of `document`, at `page` when given; a clear error for
    /// a document or page that does not exist.
    public static func of(document reference: String, page: Int?, catalog: CatalogStore) throws -> Reference {
        guard let record = try catalog.document(matching: reference) else {
            throw DossierError.usage("no document '\(reference)'; `dossier documents` lists them")
        }
        return try of(record, page: page, catalog: catalog)
    }

    /// The citation of the document `record`, at `page` when given.
    public static func of(_ record: DocumentRecord, page: Int?, catalog: CatalogStore) throws -> Reference {
        var label: String?
        if let page {
            guard page >= 1 else { throw DossierError.usage("page numbers start at 1") }
            guard let found = try catalog.pages(document: record.id, index: page).first else {
                throw DossierError.usage("document \(record.id) has \(record.pageCount ?? 0) pages; there is no page \(page)")
            }
            label = found.label.flatMap { $0.isEmpty || $0 == String(page) ? nil : $0 }
        }
        let source = try catalog.documentSource(record.id)
        return Reference(document: record.id, kind: record.kind, metadata: try catalog.metadata(of: record.id), url: source?.url,
                                  path: record.path, page: record.kind == .note ? nil : page, pageLabel: label, pageCount: record.pageCount,
                                  accessed: try catalog.lastRead(document: record.id).flatMap { MetadataDate.normalize($0) })
    }

    /// This reference with a citation key no other document of the library
    /// has (``keySuffix``), for a bibliography: it reads every document's
    /// title, author and date, so it is asked for by the formats that have
    /// keys, not by every page that shows a citation.
    public func keyed(in catalog: CatalogStore) throws -> Reference {
        var keyed = self
        keyed.keySuffix = try Self.keySuffix(of: self, catalog: catalog)
        return keyed
    }

    /// "" when no other document's key is this one's; else "a", "b", …
    /// in the order of the documents' numbers, so that every key of a
    /// bibliography made from the library is its own.
    static func keySuffix(of reference: Reference, catalog: CatalogStore) throws -> String {
        let key = CitationFormat.key(reference)
        var same: [Int] = []
        for record in try catalog.documents() where record.kind != .note {
            let readings = [(MetadataField.title, record.title), (.authors, record.author), (.issued, record.created.flatMap(MetadataDate.normalize))]
                .compactMap { field, value in value.map { MetadataCandidate(field, .catalog, $0) } }
            let other = record.id == reference.document ? reference
                : Reference(document: record.id, kind: record.kind, metadata: DocumentMetadata.resolve(readings), url: nil, path: record.path)
            if CitationFormat.key(other) == key { same.append(record.id) }
        }
        guard same.count > 1, let position = same.sorted().firstIndex(of: reference.document) else { return "" }
        return String(UnicodeScalar(UInt8(ascii: "a") + UInt8(position % 26)))
    }
}

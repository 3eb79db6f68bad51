import Analysis
import Catalog
import DossierCore
import Foundation

/// A document as lists show it: what it is, where it came from, how far
/// its extraction got, and how many note lines cite it. `dossier
/// documents`, the web's documents page and `status` name documents this
/// way, by title and URL, not by their file in the store.
public struct DocumentSummary: Codable, Sendable {
    /// The document's number (`--doc`, `dossier show`, `/documents/N`).
    public var id: Int
    public var kind: DocumentKind
    @JSONNullable public var title: String?
    /// The first URL whose content it is; null for library files and notes.
    @JSONNullable public var url: String?
    /// Its file in the workspace.
    public var path: String
    @JSONNullable public var pages: Int?
    public var status: DocumentStatus
    @JSONNullable public var error: String?
    /// Most pages have no text (scanned).
    public var needsOcr: Bool
    /// Scanned pages read by OCR.
    public var ocrPages: Int
    /// Scanned pages waiting for OCR (a later update reads them).
    public var ocrPending: Int
    /// Note lines citing it.
    public var citedBy: Int
    /// The notes citing it.
    public var notes: [String]
    /// Every file of the workspace that holds it: its own (`path`) and
    /// its copies (the same bytes at another place are one document).
    public var paths: [String]
    /// Every URL whose current content it is.
    public var urls: [String]
    /// The contents it had before (a URL's earlier versions of the report,
    /// a note before it was edited), newest first; its number stayed.
    public var versions: [CatalogStore.DocumentVersion]
    /// The language its passages are analyzed in (ISO 639-1 code; `und`
    /// when its text does not say; null until an update has told it).
    @JSONNullable public var language: String?
    /// `detected` from its text, or `settings` (`dossier.json`).
    @JSONNullable public var languageSource: String?
    /// Its pages with text counted by language.
    public var pageLanguages: [String: Int]
    /// Its author or authors, as it names them.
    @JSONNullable public var author: String?
    /// When it was written or published, as it says.
    @JSONNullable public var published: String?
    /// For a web page: its site or publisher.
    @JSONNullable public var site: String?
    /// A DOI it declares.
    @JSONNullable public var doi: String?
    /// For a web page: the address it gives as its own.
    @JSONNullable public var canonicalUrl: String?
    /// For a web page: no article could be told from the page around it,
    /// so its whole visible text is indexed.
    public var wholePage: Bool

    /// How a person names it (``DocumentName``): its title, else its URL, else its path.
    public var name: String { DocumentName.of(title: title, url: url, path: path) }

    /// Where it came from: its URL, else its path.
    public var origin: String { url ?? path }

    /// What a list says of it after its origin: its other copies, who
    /// cites it, whether it failed, how far OCR has read it.
    public var remarks: [String] {
        var out: [String] = []
        if let phrase = LanguageNames.phrase(language, source: languageSource, pages: pageLanguages) { out.append(phrase) }
        let copies = paths.filter { $0 != path && $0 != origin }
        if !copies.isEmpty { out.append("also at \(copies.joined(separator: ", "))") }
        if citedBy > 0 { out.append("cited by \(citedBy) note line\(citedBy == 1 ? "" : "s") in \(notes.joined(separator: ", "))") }
        if status == .failed { out.append("could not be extracted: \(error ?? "unknown reason")") }
        if wholePage { out.append("no article told apart from the page around it: the whole page is indexed") }
        if ocrPages > 0 { out.append("\(ocrPages) scanned page\(ocrPages == 1 ? "" : "s") read by OCR") }
        if ocrPending > 0 { out.append("\(ocrPending) waiting for OCR") } else if needsOcr && ocrPages == 0 { out.append("needs OCR") }
        return out
    }

    /// Every document of `catalog`, by number; only those of `kind` if given.
    public static func all(_ catalog: CatalogStore, kind: DocumentKind? = nil) throws -> [DocumentSummary] {
        let sources = try catalog.documentSources()
        let documents = try catalog.documents().filter { kind == nil || $0.kind == kind }
        let citing = try catalog.citingNotes()
        let scanned = try catalog.ocrPagesByDocument()
        let urls = try catalog.documentURLs(), versions = try catalog.allVersions(), copies = try catalog.pathsByContent()
        let languages = try catalog.documentLanguages()
        return documents.map { document in
            DocumentSummary(
                id: document.id, kind: document.kind, title: document.title?.clipped(to: SearchResults.Limits.title),
                url: sources[document.id]?.url, path: document.path, pages: document.pageCount, status: document.status,
                error: document.error, needsOcr: document.needsOCR, ocrPages: scanned[document.id]?.read ?? 0,
                ocrPending: scanned[document.id]?.pending ?? 0, citedBy: citing[document.id]?.values.reduce(0, +) ?? 0,
                notes: (citing[document.id] ?? [:]).keys.sorted(),
                paths: Array(Set([document.path] + (copies[document.sha256] ?? []))).sorted(), urls: urls[document.id] ?? [],
                versions: versions[document.id] ?? [], language: languages[document.id]?.code,
                languageSource: languages[document.id]?.source, pageLanguages: languages[document.id]?.pages ?? [:],
                author: document.author, published: document.created, site: document.site, doi: document.doi,
                canonicalUrl: document.canonicalURL, wholePage: document.wholePage)
        }
    }

    /// The documents `dossier documents` lists: every one, or those of
    /// `kind`, those `note` cites (and the note), those fetched from
    /// `site`; a filter naming nothing the workspace has is an error that
    /// says so (as search's filters).
    public static func list(_ catalog: CatalogStore, _ workspace: Workspace, kind: DocumentKind? = nil,
                            note: String? = nil, site: String? = nil) throws -> [DocumentSummary] {
        let documents = try all(catalog)
        guard kind != nil || note != nil || site != nil else { return documents }
        var filter = SearchRequest(query: "")
        (filter.kind, filter.note, filter.site) = (kind, note, site)
        let allowed = try SearchResults.allowedDocuments(filter, catalog, workspace)
        return documents.filter { allowed.contains($0.id) }
    }
}


/// How lists and pages name a language: "French", "undetermined".
public enum LanguageNames {
    /// The English name of a language code.
    public static func name(_ code: String) -> String {
        if code == "und" { return "language undetermined" }
        return Language(code: code)?.name ?? code
    }

    /// What a list says of a document's language: "in French", "in French
    /// (set in dossier.json)", "in English, 3 pages in French"; nil when not told.
    public static func phrase(_ code: String?, source: String?, pages: [String: Int]) -> String? {
        guard let code else { return nil }
        var out = code == "und" ? "language undetermined" : "in \(name(code))"
        if source == CatalogStore.languageFromSettings { out += " (set in dossier.json)" }
        let others = pages.filter { $0.key != code && $0.key != "und" }.sorted { ($0.value, $1.key) > ($1.value, $0.key) }
        for (other, count) in others.prefix(3) { out += ", \(count) page\(count == 1 ? "" : "s") in \(name(other))" }
        return out
    }
}

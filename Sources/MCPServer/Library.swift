import Catalog
import DossierCore
import Foundation
import SearchService

/// The workspace as the assistant reads it: the committed index and the
/// catalog, opened read-only once per session and reused by every call (a
/// new index generation is picked up by the next call after an update
/// commits it). Each tool is one method returning the JSON the tool
/// answers with; failures are ``ToolError``s or the stages' own errors,
/// each a sentence the model can act on.
actor Library {
    let workspace: Workspace
    private var store: CatalogStore?

    /// The longest page text one `read_page` call returns, in characters.
    static let maxPageCharacters = 50_000

    init(workspace: Workspace) {
        self.workspace = workspace
    }

    /// The catalog, opened on first use (a workspace never updated has none
    /// yet; the next call tries again).
    private func catalog() throws -> CatalogStore {
        if let store { return store }
        let opened = try CatalogStore(readingFrom: workspace)
        store = opened
        return opened
    }

    // MARK: tools

    /// `search`: the CLI's search, lenient language, filters and paging.
    func search(_ request: SearchRequest) throws -> SearchAnswer {
        let (output, hints) = try SearchResults.run(request, workspace: workspace, catalog: catalog())
        return SearchAnswer(output: output, hints: hints)
    }

    /// `read_page`: a page's text (a section's, for a note), `maxCharacters`
    /// of it from `offset`, with where to go on.
    func readPage(document reference: String, page: Int, offset: Int, maxCharacters: Int) throws -> PageText {
        let catalog = try catalog()
        let document = try resolve(reference, catalog)
        if document.status == .failed {
            throw ToolError("document \(document.id) could not be extracted: \(document.error ?? "unknown reason")")
        }
        guard let record = try catalog.pages(document: document.id, index: page).first else {
            let unit = document.kind == .note ? "sections" : "pages"
            let count = try catalog.pages(document: document.id).count
            throw ToolError("document \(document.id) has \(count) \(unit); there is no \(document.kind == .note ? "section" : "page") \(page)")
        }
        let scalars = Array(record.text.unicodeScalars)
        guard offset <= scalars.count else {
            throw ToolError("offset \(offset) is past the end of the page (\(scalars.count) characters)")
        }
        let end = min(scalars.count, offset + maxCharacters)
        var text = String.UnicodeScalarView()
        text.append(contentsOf: scalars[offset..<end])
        return PageText(
            document: try summary(of: document.id, catalog), page: page, pageLabel: record.label, line: record.line,
            ocr: record.ocr == .done, ocrConfidence: record.ocrConfidence,
            text: String(text), offset: offset, totalCharacters: scalars.count, nextOffset: end < scalars.count ? end : nil)
    }

    /// `list_documents`: what `dossier documents` lists.
    func documents(kind: DocumentKind?, note: String?, site: String?) throws -> DocumentList {
        DocumentList(documents: try DocumentSummary.list(catalog(), workspace, kind: kind, note: note, site: site))
    }

    /// `citations`: every note line citing a document.
    func citations(of reference: String) throws -> CitationList {
        let catalog = try catalog()
        let document = try resolve(reference, catalog)
        return CitationList(document: try summary(of: document.id, catalog),
                            citations: try catalog.citations(ofDocument: document.id))
    }

    /// `status`: what `dossier status --json` shows, as last updated (the
    /// notes are not rescanned: the assistant changes nothing).
    func status() throws -> WorkspaceStatus {
        try WorkspaceStatus.read(workspace, catalog())
    }

    // MARK: resources

    /// Every document, for the resource list.
    func allDocuments() throws -> [DocumentSummary] {
        try DocumentSummary.all(catalog())
    }

    /// A document's text, page after page under a header each, cut at
    /// `limit` characters with a line saying where to read on.
    func documentText(_ id: Int, limit: Int = 1_000_000) throws -> String {
        let catalog = try catalog()
        let document = try resolve(String(id), catalog)
        var text = "\(DocumentName.of(title: document.title, url: try catalog.documentSource(document.id)?.url, path: document.path))\n"
        for record in try catalog.pages(document: document.id) {
            let header = document.kind == .note
                ? "\n── § \(record.label ?? "(before the first heading)") ──\n"
                : "\n── p. \(record.index)" + (record.label.map { $0 != String(record.index) ? " (printed \($0))" : "" } ?? "") + " ──\n"
            if text.unicodeScalars.count + header.unicodeScalars.count + record.text.unicodeScalars.count > limit {
                text += "\n[cut here: read dossier://documents/\(document.id)/pages/\(record.index) and after]\n"
                break
            }
            text += header + record.text + "\n"
        }
        return text
    }

    /// A page's whole text.
    func pageText(_ id: Int, page: Int) throws -> String {
        try readPage(document: String(id), page: page, offset: 0, maxCharacters: Int.max / 2).text
    }

    // MARK: helpers

    /// The document `reference` names: its number, a prefix of its SHA-256, or its path.
    private func resolve(_ reference: String, _ catalog: CatalogStore) throws -> DocumentRecord {
        if let document = try catalog.document(matching: reference) { return document }
        let documents = try catalog.documents()
        let range = documents.isEmpty ? "there are none yet" : "they are numbered \(documents.first!.id)–\(documents.last!.id)"
        throw ToolError("there is no document \(reference): \(range) (list_documents lists them)")
    }

    private func summary(of id: Int, _ catalog: CatalogStore) throws -> DocumentSummary {
        guard let summary = try DocumentSummary.all(catalog).first(where: { $0.id == id }) else {
            throw ToolError("there is no document \(id)")
        }
        return summary
    }
}

/// A failure to tell the model, in one sentence.
struct ToolError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// The `search` tool's answer: docs/SEARCH-JSON.md, and the hints the CLI
/// prints on stderr (how the query was read).
struct SearchAnswer: Encodable {
    var output: SearchResults.Output
    var hints: [String]

    func encode(to encoder: Encoder) throws {
        try output.encode(to: encoder)
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(hints, forKey: Key(stringValue: "hints")!)
    }

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}

/// The `read_page` tool's answer.
struct PageText: Encodable {
    var document: DocumentSummary
    /// The physical page, from 1 (a section, for a note).
    var page: Int
    /// The printed page label (a heading, for a note).
    @JSONNullable var pageLabel: String?
    /// For a note: the line its section starts on.
    @JSONNullable var line: Int?
    /// The page is a scan read by OCR.
    var ocr: Bool
    /// Then its mean word confidence, 0–100.
    @JSONNullable var ocrConfidence: Double?
    var text: String
    /// Where `text` starts in the page, in Unicode scalars.
    var offset: Int
    /// The page's length, in Unicode scalars.
    var totalCharacters: Int
    /// The offset to ask for next; null when `text` reaches the page's end.
    @JSONNullable var nextOffset: Int?
}

/// The `list_documents` tool's answer.
struct DocumentList: Encodable {
    var documents: [DocumentSummary]
}

/// The `citations` tool's answer.
struct CitationList: Encodable {
    var document: DocumentSummary
    var citations: [Citation]
}

import Catalog
import DossierCore
import Foundation
import Hummingbird
import SearchService

/// Every document: number, kind, pages, title, origin, citing lines.
struct DocumentsView {
    struct Row {
        var id: Int
        var kind: String
        var pages: String
        var name: String
        var origin: String
        var notes: String?
    }

    var title = "Documents"
    var rows: [Row]
    var count: String
}

extension Site {
    /// `/documents`.
    func documentsPage() throws -> Response {
        let documents = try catalogs.use { try DocumentSummary.all($0) }
        let rows = documents.map { d in
            var notes: [String] = []
            if let language = LanguageNames.phrase(d.language, source: d.languageSource, pages: d.pageLanguages) { notes.append(language) }
            if d.citedBy > 0 { notes.append("cited by \(d.citedBy) note line\(d.citedBy == 1 ? "" : "s") in \(d.notes.joined(separator: ", "))") }
            if d.status == .failed { notes.append("could not be extracted: \(d.error ?? "unknown reason")") }
            if d.needsOcr { notes.append("needs OCR") }
            return DocumentsView.Row(id: d.id, kind: d.kind.rawValue, pages: d.pages.map(String.init) ?? "", name: d.name,
                                     origin: d.origin, notes: notes.isEmpty ? nil : notes.joined(separator: " · "))
        }
        let count = documents.isEmpty ? "No documents yet: run an update." : "\(documents.count) document\(documents.count == 1 ? "" : "s")"
        return page(DocumentsView(rows: rows, count: count), "documents")
    }
}

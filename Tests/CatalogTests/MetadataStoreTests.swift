import Catalog
import DossierCore
import Foundation
import Testing

/// A document's metadata readings in the catalog (schema version 16).
@Suite("Catalog metadata")
struct MetadataStoreTests {
    static func store(_ catalog: CatalogStore, _ readings: [MetadataCandidate]?, title: String?, author: String?) throws -> Int {
        try catalog.storeDocument(sha256: "ab", kind: .pdf, path: "corpus/library/ab.pdf", source: .library,
                                  result: Result<ExtractedDocument, GenerationTests.ExtractionErrorStub>.success(
                                    ExtractedDocument(title: title, author: author, created: "2014-01-14T10:00:00Z", modified: nil, pages: [],
                                                      metadata: readings)))
    }

    @Test("a document stored without readings (before version 16) keeps its columns' values; a correction set and unset gives them back")
    func columns() throws {
        let temp = try TemporaryWorkspace()
        let catalog = try CatalogStore(workspace: temp.workspace)
        let id = try Self.store(catalog, nil, title: "Old title", author: "CITES Secretariat")
        var metadata = try catalog.metadata(of: id)
        #expect(metadata[.title] == "Old title" && metadata.values[.title]?.source == .catalog)
        #expect(metadata[.issued] == "2014-01-14" && metadata[.authors] == "CITES Secretariat")
        try catalog.setMetadata(document: id, field: .title, value: "New title")
        #expect(try catalog.document(id: id)?.title == "New title")
        try catalog.setMetadata(document: id, field: .title, value: nil)
        metadata = try catalog.metadata(of: id)
        #expect(metadata[.title] == "Old title" && metadata[.authors] == "CITES Secretariat" && metadata[.issued] == "2014-01-14")
        #expect(try catalog.document(id: id)?.title == "Old title" && catalog.document(id: id)?.author == "CITES Secretariat")
    }

    @Test("extraction replaces its readings but keeps the user's, and the columns follow the user's value")
    func corrections() throws {
        let temp = try TemporaryWorkspace()
        let catalog = try CatalogStore(workspace: temp.workspace)
        let id = try Self.store(catalog, [MetadataCandidate(.title, .layout, "Layout title")], title: "Layout title", author: nil)
        try catalog.setMetadata(document: id, field: .title, value: "Mine")
        _ = try Self.store(catalog, [MetadataCandidate(.title, .info, "Info title")], title: "Info title", author: nil)
        let metadata = try catalog.metadata(of: id)
        #expect(metadata[.title] == "Mine" && metadata.candidates.contains(MetadataCandidate(.title, .info, "Info title")))
        #expect(!metadata.candidates.contains(MetadataCandidate(.title, .layout, "Layout title")))
        #expect(try catalog.document(id: id)?.title == "Mine")
    }
}

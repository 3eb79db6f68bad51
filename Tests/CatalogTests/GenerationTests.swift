import Catalog
import DossierCore
import Foundation
import Testing

/// The catalog's side of a commit (schema version 10): what a writer stores
/// stays out of the committed view, and out of FTS5, until it is published.
@Suite("Catalog generations")
struct GenerationTests {
    static func document(_ words: String...) -> ExtractedDocument {
        let pages = words.enumerated().map { i, text in
            ExtractedPage(index: i + 1, label: nil, text: text, passages: [PassageRange(start: 0, end: text.unicodeScalars.count)])
        }
        return ExtractedDocument(title: "T", author: nil, created: nil, modified: nil, pages: pages)
    }

    static func store(_ catalog: CatalogStore, _ sha: String, path: String, _ document: ExtractedDocument) throws -> Int {
        try catalog.storeDocument(sha256: sha, kind: .pdf, path: path, source: .library,
                                  result: Result<ExtractedDocument, ExtractionErrorStub>.success(document))
    }

    struct ExtractionErrorStub: Error, CustomStringConvertible { var description: String { "failed" } }

    @Test("stored passages are pending until published; replaced ones stay committed (and in FTS5) until then")
    func pendingThenPublished() throws {
        let temp = try TemporaryWorkspace()
        let catalog = try CatalogStore(workspace: temp.workspace)
        try catalog.recover(indexGeneration: 0)
        #expect(try catalog.indexGeneration() == 0)
        let id = try Self.store(catalog, "aa", path: "corpus/library/a.pdf", Self.document("pangolin scales", "ivory tusks"))
        #expect(try catalog.committedPassageIDs().isEmpty)
        #expect(try catalog.passageIDs().count == 2)
        #expect(try FTS5Mirror(catalog).search("pangolin").isEmpty, "FTS5 holds only committed passages")
        try catalog.publish(generation: 1)
        let first = try catalog.committedPassageIDs()
        #expect(first.count == 2)
        #expect(try FTS5Mirror(catalog).search("pangolin").count == 1)

        // Extracted again (--force): the old passages stay readable, committed and searchable in FTS5.
        #expect(try Self.store(catalog, "aa", path: "corpus/library/a.pdf", Self.document("rosewood logs")) == id)
        #expect(try catalog.committedPassageIDs() == first)
        #expect(try catalog.passages(Array(first)).count == 2, "the index at generation 1 still names them")
        #expect(try FTS5Mirror(catalog).search("pangolin").count == 1)
        #expect(try FTS5Mirror(catalog).search("rosewood").isEmpty)
        #expect(try catalog.uncommittedPassages() == (pending: 1, retiring: 2))
        try FTS5Mirror(catalog).integrityCheck()
        try catalog.publish(generation: 2)
        #expect(try FTS5Mirror(catalog).search("pangolin").isEmpty)
        #expect(try FTS5Mirror(catalog).search("rosewood").count == 1)
        #expect(try catalog.uncommittedPassages() == (pending: 0, retiring: 0))
        #expect(try catalog.indexGeneration() == 2)
        try FTS5Mirror(catalog).integrityCheck()
    }

    @Test("a removed document stays until the commit that drops it; brought back, it keeps its number and passages")
    func retiredAndRevived() throws {
        let temp = try TemporaryWorkspace()
        let catalog = try CatalogStore(workspace: temp.workspace)
        let id = try Self.store(catalog, "bb", path: "corpus/library/old.pdf", Self.document("timber trafficking"))
        try catalog.publish(generation: 1)
        let passages = try catalog.committedPassageIDs()
        #expect(try catalog.removeDocuments(source: .library, keeping: []) == ["corpus/library/old.pdf"])
        #expect(try catalog.document(id: id) != nil, "still there for searches of generation 1")
        #expect(try catalog.passageIDs().isEmpty, "out of the next generation")
        // Renamed: the same bytes under another name.
        #expect(try catalog.revive(sha256: "bb", path: "corpus/library/new.pdf", source: .library) == id)
        #expect(try catalog.passageIDs() == passages)
        #expect(try catalog.uncommittedPassages() == (pending: 0, retiring: 0))
        try catalog.publish(generation: 2)
        #expect(try catalog.document(id: id)?.path == "corpus/library/new.pdf")
        // Removed for good: deleted by the publish after the commit.
        _ = try catalog.removeDocuments(source: .library, keeping: [])
        try catalog.publish(generation: 3)
        #expect(try catalog.document(id: id) == nil)
        #expect(try catalog.committedPassageIDs().isEmpty)
        try FTS5Mirror(catalog).integrityCheck()
    }

    @Test("recovery publishes an index commit one generation ahead, and adopts the index's generation in an older catalog")
    func recovery() throws {
        let temp = try TemporaryWorkspace()
        let catalog = try CatalogStore(workspace: temp.workspace)
        #expect(try catalog.indexGeneration() == nil)
        #expect(try !catalog.recover(indexGeneration: 4))
        #expect(try catalog.indexGeneration() == 4)
        _ = try Self.store(catalog, "cc", path: "corpus/library/c.pdf", Self.document("rhino horn"))
        #expect(try !catalog.recover(indexGeneration: 4), "the index has not committed: nothing to finish")
        #expect(try catalog.committedPassageIDs().isEmpty)
        #expect(try catalog.recover(indexGeneration: 5), "the index committed generation 5, the publish was killed")
        #expect(try catalog.indexGeneration() == 5)
        #expect(try catalog.committedPassageIDs().count == 1)
        #expect(try !catalog.recover(indexGeneration: 9), "an index that is not the catalog's is left to the next commit")
        #expect(try catalog.indexGeneration() == 5)
    }
}

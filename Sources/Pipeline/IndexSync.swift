import Analysis
import Catalog
import DossierCore
import Foundation
import Index

extension Pipeline {
    /// Brings the search index in `index/` to exactly the catalog's
    /// passages (committed and pending, not retiring), in one commit, then
    /// publishes that generation in the catalog (``CatalogStore/publish(generation:)``);
    /// returns what the commit did. A kill between the two leaves the index
    /// one generation ahead, which ``finishInterruptedCommit()`` completes.
    public func syncIndex(wait: Bool = true) throws -> IndexWriter.CommitSummary {
        let writer = try IndexWriter(folder: workspace.index, wait: wait)
        let summary = try writer.sync(live: try catalog.passageIDs(), passages: { ids in
            try catalog.passagesToIndex(ids).map {
                IndexWriter.Passage(id: $0.id, document: $0.document, text: $0.text, language: Language(code: $0.language))
            }
        })
        // The window between the index's commit and the catalog's publish,
        // held open for as long as DOSSIER_PUBLISH_PAUSE_MS says: only for
        // the test that searches in it (ConcurrentSearchTests).
        if let ms = ProcessInfo.processInfo.environment["DOSSIER_PUBLISH_PAUSE_MS"].flatMap(Int.init), ms > 0 {
            usleep(UInt32(min(ms, 60_000)) * 1000)
        }
        try catalog.publish(generation: summary.generation)
        return summary
    }

    /// Publishes an index commit a killed update made but did not record in
    /// the catalog; called before an update changes anything. Returns
    /// whether there was one.
    @discardableResult
    public func finishInterruptedCommit() throws -> Bool {
        try catalog.recover(indexGeneration: try Manifest.read(in: workspace.index).generation)
    }
}

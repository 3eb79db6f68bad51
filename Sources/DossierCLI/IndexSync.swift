import Catalog
import DossierCore
import Foundation
import Index

/// Brings the search index in `index/` to exactly the catalog's passages.
enum IndexSync {
    /// Syncs and commits; returns what the commit did.
    static func run(_ workspace: Workspace, _ catalog: CatalogStore, wait: Bool = true) throws -> IndexWriter.CommitSummary {
        let writer = try IndexWriter(folder: workspace.index, wait: wait)
        return try writer.sync(live: try catalog.passageIDs()) { ids in try catalog.passageTexts(ids) }
    }
}

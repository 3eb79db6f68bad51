import Catalog
import DossierCore
import Foundation
import Index

extension Pipeline {
    /// Brings the search index in `index/` to exactly the catalog's
    /// passages, in one commit; returns what the commit did.
    public func syncIndex(wait: Bool = true) throws -> IndexWriter.CommitSummary {
        let writer = try IndexWriter(folder: workspace.index, wait: wait)
        return try writer.sync(live: try catalog.passageIDs(), passages: { ids in
            try catalog.passagesToIndex(ids).map { IndexWriter.Passage(id: $0.id, document: $0.document, text: $0.text) }
        })
    }
}

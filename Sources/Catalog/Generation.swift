import DossierCore

/// The catalog and the index in step: one generation number for both.
///
/// The index commits a generation by renaming its manifest; the catalog
/// records, in `catalog_state.index_generation`, the generation its committed view
/// of the passages matches (the schema's version 10 says how passages are
/// committed, pending or retiring). An update stores what it extracted as
/// pending and retires what it replaces, commits the index, then
/// ``publish(generation:)``: a kill at any point leaves either generation N
/// (the catalog's view, the index at N) or a commit whose publish did not
/// run (the index at N + 1, its passages all in the catalog as committed
/// or pending), which the next writer finishes with ``recover(indexGeneration:)``
/// before it changes anything.
extension CatalogStore {
    /// The index generation the committed view matches; nil before the
    /// first commit recorded one (a catalog older than schema version 10).
    public func indexGeneration() throws -> Int? {
        try database.scalar("SELECT index_generation FROM catalog_state WHERE id = 1")?.int
    }

    /// Counts of passages stored since the last commit and of those it will drop.
    public func uncommittedPassages() throws -> (pending: Int, retiring: Int) {
        (try database.scalar("SELECT count(*) FROM passages WHERE state = 1")?.int ?? 0,
         try database.scalar("SELECT count(*) FROM passages WHERE state = 2")?.int ?? 0)
    }

    /// Makes the catalog's view the index's at `generation`, just committed,
    /// in one transaction: pending passages become committed, retiring
    /// passages and retired documents are deleted with the text blocks
    /// nothing names any more, and `generation` is recorded.
    public func publish(generation: Int) throws {
        try database.transaction {
            try database.run("UPDATE passages SET state = 0 WHERE state = 1")
            try database.run("DELETE FROM passages WHERE state = 2")
            try database.run("DELETE FROM document_versions WHERE document_id IN (SELECT id FROM documents WHERE retired = 1)")
            try database.run("DELETE FROM documents WHERE retired = 1")
            try deleteUnusedTextBlocks()
            try database.run("UPDATE catalog_state SET index_generation = ?1 WHERE id = 1", [generation])
        }
    }

    /// Finishes what a killed writer left between the index commit and the
    /// catalog's publish, given the generation of the index on disk: with
    /// the index one generation ahead, its commit is published. A catalog
    /// older than version 10 adopts the index's generation. Any other
    /// difference (an index deleted or replaced) is left for the writer's
    /// next commit, which brings the index to the catalog and publishes.
    /// Returns whether an interrupted commit was finished.
    @discardableResult
    public func recover(indexGeneration index: Int) throws -> Bool {
        guard let recorded = try indexGeneration() else {
            let (pending, retiring) = try uncommittedPassages()
            if pending == 0 && retiring == 0 {
                try database.run("UPDATE catalog_state SET index_generation = ?1 WHERE id = 1", [index])
            }
            return false
        }
        guard index == recorded + 1 else { return false }
        try publish(generation: index)
        return true
    }
}

import Catalog
import DossierCore

/// The storage pass of an update: a catalog made before schema version 14
/// kept each page's text twice (in `pages.text` and, cut, in
/// `passages.text`), uncompressed. The pass moves every document's texts
/// into compressed blocks (Catalog/TextBlocks.swift), a batch of documents
/// per transaction, so that a kill loses nothing (the next update goes on
/// where it stopped), then gives the space back to the file system with a
/// VACUUM. It runs after the index commit, which it does not touch:
/// passage ids and texts stay the same, only where the text is kept moves.
extension Pipeline {
    /// What the pass did.
    public struct StorageSummary: Codable, Sendable, Equatable {
        /// Documents whose texts moved into blocks this time.
        public var moved = 0
        /// The catalog's size on disk before and after.
        public var bytesBefore: Int64 = 0
        public var bytesAfter: Int64 = 0

        /// What `index` and `update` print: nil when nothing moved.
        public var line: String? {
            guard moved > 0 else { return nil }
            return "storage    \(moved) document\(moved == 1 ? "'s" : "s'") text stored once, compressed; catalog "
                + "\(ByteCount.human(bytesBefore)) → \(ByteCount.human(bytesAfter))"
        }
    }

    /// Documents moved per transaction.
    static let storageBatch = 200

    /// Moves what is left of a catalog made before version 14 (see the extension's description).
    @discardableResult
    public func storeTextsOnce() throws -> StorageSummary {
        var summary = StorageSummary()
        guard try catalog.documentsWithLegacyText() > 0 else { return summary }
        summary.bytesBefore = catalog.catalogBytes()
        while case let moved = try catalog.moveTextIntoBlocks(documents: Self.storageBatch), moved > 0 {
            summary.moved += moved
        }
        summary.bytesAfter = try catalog.compact().after
        return summary
    }
}

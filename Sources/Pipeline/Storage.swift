import Catalog
import DossierCore
import Foundation

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

    /// Documents moved per transaction (DOSSIER_STORAGE_BATCH sets it, for
    /// the test that kills the pass between batches).
    static var storageBatch: Int {
        ProcessInfo.processInfo.environment["DOSSIER_STORAGE_BATCH"].flatMap(Int.init).map { max(1, $0) } ?? 200
    }

    /// Moves what is left of a catalog made before version 14 (see the extension's description).
    @discardableResult
    public func storeTextsOnce() throws -> StorageSummary {
        var summary = StorageSummary()
        guard try catalog.documentsWithLegacyText() > 0 else {
            // A move whose VACUUM failed (a full disk) left its free pages: give them back now.
            if try catalog.freeBytes() > max(64 << 20, catalog.catalogBytes() / 2), (try? catalog.compact()) != nil {
                summary.bytesAfter = catalog.catalogBytes()
            }
            return summary
        }
        summary.bytesBefore = catalog.catalogBytes()
        while case let moved = try catalog.moveTextIntoBlocks(documents: Self.storageBatch), moved > 0 {
            summary.moved += moved
        }
        // The texts have moved (each batch committed); giving the space
        // back needs room for a copy of the catalog. Without it the update
        // still stands, and the next one tries again while free pages remain.
        do {
            summary.bytesAfter = try catalog.compact().after
        } catch {
            summary.bytesAfter = catalog.catalogBytes()
            events(.warning("storage: the catalog's free space could not be given back (\(error)); the next update tries again"))
        }
        return summary
    }
}

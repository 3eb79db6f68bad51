import Catalog
import DossierCore
import Foundation

/// The server's connections to the catalog: opened once, reused by
/// request after request (a connection opens the database, reads the
/// schema version and prepares its statements; per request that was most
/// of a document page's time). A request borrows a connection for the
/// length of its work and gives it back; SQLite's WAL mode lets the
/// readers share the database with an update writing it.
final class CatalogPool: @unchecked Sendable {
    private let workspace: Workspace
    private let lock = NSLock()
    private var idle: [CatalogStore] = []
    /// The most connections kept open between requests.
    private let keep: Int

    init(workspace: Workspace, keep: Int = 8) {
        self.workspace = workspace
        self.keep = keep
    }

    /// Runs `body` with a connection of the pool (a new one when all are
    /// lent), then takes the connection back.
    func use<T>(_ body: (CatalogStore) throws -> T) throws -> T {
        lock.lock()
        let borrowed = idle.popLast()
        lock.unlock()
        let catalog = try borrowed ?? CatalogStore(workspace: workspace)
        defer {
            lock.lock()
            if idle.count < keep { idle.append(catalog) }
            lock.unlock()
        }
        return try body(catalog)
    }
}

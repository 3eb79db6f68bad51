import DossierCore
import Foundation

extension CatalogStore {
    /// The SHA-256 the last hashing recorded for the file at `path`
    /// (workspace-relative) when it had `size` bytes and was modified at
    /// `mtime` (seconds since 1970, as `fileHashes` reads them); nil when
    /// the file was not hashed with that size and time. The web server
    /// checks with it that a file still holds what was indexed without
    /// reading it again.
    public func recordedHash(path: String, size: Int, mtime: Double) throws -> String? {
        try database.query("SELECT sha256 FROM file_hashes WHERE path = ?1 AND size = ?2 AND mtime = ?3",
                           [path, size, mtime], { $0.string(0) }).first
    }
}

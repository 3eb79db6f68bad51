import Catalog
import DossierCore
import Foundation
import Hummingbird

/// Which documents' files the server hands out: a file is served only if
/// its document was extracted as its kind and the file still holds the
/// bytes that were indexed (the same size and SHA-256). A file of
/// `corpus/library/` may be a symbolic link to a PDF kept elsewhere; one
/// pointing at something that is not a PDF fails extraction and is never
/// served, and one pointed elsewhere after indexing serves nothing until
/// the next update indexes what it points at.
///
/// A file is hashed once for each identity it has (device, inode, size,
/// modification time), not on every request: the check is remembered, and
/// a file the last update hashed unchanged is taken from the catalog's
/// record of it.
final class ServedFiles: @unchecked Sendable {
    /// What identifies the contents of a file without reading it.
    struct Stamp: Equatable {
        var device: UInt64
        var inode: UInt64
        var size: Int
        var mtime: timespec

        static func == (a: Stamp, b: Stamp) -> Bool {
            a.device == b.device && a.inode == b.inode && a.size == b.size
                && a.mtime.tv_sec == b.mtime.tv_sec && a.mtime.tv_nsec == b.mtime.tv_nsec
        }
    }

    private let lock = NSLock()
    /// Path → the stamp it had when its contents were found to be its document's.
    private var verified: [String: Stamp] = [:]

    /// The absolute path and size of `document`'s file, if it may be
    /// served; a 404 (not extracted, or gone) or a 410 (changed) page otherwise.
    func file(of document: DocumentRecord, workspace: Workspace, catalogs: CatalogPool) async throws -> (path: String, size: Int) {
        guard document.kind != .note else { throw HTTPError(.notFound, message: "no file for document \(document.id)") }
        guard document.status == .extracted else {
            let why = document.error.map { ": \($0)" } ?? ""
            throw HTTPError(.notFound, message: "document \(document.id) was not read as a \(document.kind.rawValue.uppercased())\(why); its file is not served")
        }
        let path = workspace.root.appendingPathComponent(document.path).path
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            throw HTTPError(.notFound, message: "the file of document \(document.id) is gone")
        }
        let stamp = Stamp(device: UInt64(info.st_dev), inode: UInt64(info.st_ino), size: Int(info.st_size), mtime: info.st_mtim)
        if lock.withLock({ verified[path] == stamp }) { return (path, stamp.size) }
        guard try await holdsIndexedBytes(document, path: path, stamp: stamp, catalogs: catalogs) else {
            throw HTTPError(.gone, message: "the file of document \(document.id) (\(document.path)) no longer holds what was indexed; "
                + "run `dossier update` to index it again")
        }
        lock.withLock { verified[path] = stamp }
        return (path, stamp.size)
    }

    /// Whether the file at `path` has `document`'s SHA-256: as the catalog
    /// recorded it for a regular file of this size and time, else hashed
    /// (off the event loop).
    private func holdsIndexedBytes(_ document: DocumentRecord, path: String, stamp: Stamp, catalogs: CatalogPool) async throws -> Bool {
        var link = stat()
        // The time read as the update reads it, so that it compares equal.
        if lstat(path, &link) == 0, (link.st_mode & S_IFMT) == S_IFREG,
           let mtime = ((try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date)?.timeIntervalSince1970,
           let recorded = try catalogs.use({ try $0.recordedHash(path: document.path, size: stamp.size, mtime: mtime) }) {
            return recorded == document.sha256
        }
        let digest = try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Result { try SHA256.hex(ofFile: URL(fileURLWithPath: path)) }) }
        }
        return digest == document.sha256
    }
}

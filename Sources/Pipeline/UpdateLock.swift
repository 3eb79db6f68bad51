import DossierCore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `index/update.lock`, held exclusively while documents are written: one
/// update (or `index`) at a time; `verify` takes it shared.
public final class UpdateLock {
    private var descriptor: Int32

    /// Takes the lock; when another process holds it, waits if `wait` (after
    /// `waiting` is called once), else throws.
    public init(_ workspace: Workspace, wait: Bool, waiting: () -> Void = {}) throws {
        try FileManager.default.createDirectory(at: workspace.index, withIntermediateDirectories: true)
        let path = workspace.index.appendingPathComponent("update.lock").path
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw DossierError.io(path: path, reason: String(cString: strerror(errno))) }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            guard wait else {
                close(fd)
                throw DossierError.workspace("another `dossier update` is running in this workspace (--no-wait given)")
            }
            waiting()
            flock(fd, LOCK_EX)
        }
        descriptor = fd
    }

    /// Lets the next update in.
    public func release() {
        guard descriptor >= 0 else { return }
        close(descriptor)
        descriptor = -1
    }

    deinit { release() }
}

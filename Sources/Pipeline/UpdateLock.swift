import DossierCore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `index/update.lock`, held exclusively while documents are written: one
/// update (or `index`) at a time; `verify` takes it shared.
public final class UpdateLock {
    private var descriptor: Int32

    /// Takes the lock, exclusively (a writer) or `shared` (a reader that
    /// needs the catalog and the index to agree, as `verify`); when another
    /// process holds it, waits if `wait` (after `waiting` is called once),
    /// else throws.
    public init(_ workspace: Workspace, shared: Bool = false, wait: Bool, waiting: () -> Void = {}) throws {
        try FileManager.default.createDirectory(at: workspace.index, withIntermediateDirectories: true)
        let path = workspace.index.appendingPathComponent("update.lock").path
        let fd = open(path, (shared ? O_RDONLY : O_RDWR) | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw DossierError.io(path: path, reason: String(cString: strerror(errno))) }
        let mode = shared ? LOCK_SH : LOCK_EX
        if flock(fd, mode | LOCK_NB) != 0 {
            guard wait else {
                close(fd)
                throw DossierError.workspace("another `dossier update` is running in this workspace (--no-wait given)")
            }
            waiting()
            flock(fd, mode)
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

import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes files so that a reader, or a process killed half-way, never sees a
/// partial file: the bytes go to a temporary file in the same folder, are
/// flushed with `fsync`, and the temporary file is renamed over the target
/// (an atomic replacement on POSIX file systems); the folder is then fsynced
/// so that the rename itself survives a crash. A writer of several new
/// files into one folder may sync the folder once, after the last
/// (`syncingFolder: false`), before anything names them.
public enum AtomicFile {
    /// Atomically replaces the file at `url` with `data`; with
    /// `syncingFolder: false` the caller syncs the folder (``syncDirectory(_:)``)
    /// before the file is relied on.
    public static func write(_ data: some ContiguousBytes, to url: URL, syncingFolder: Bool = true) throws {
        let folder = url.deletingLastPathComponent()
        let temporary = folder.appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        let fd = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw DossierError.io(path: url.path, reason: String(cString: strerror(errno))) }
        var failure: String?
        data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = String(cString: strerror(errno)); return
                }
                offset += n
            }
        }
        if failure == nil, fsync(fd) != 0 { failure = String(cString: strerror(errno)) }
        close(fd)
        if let failure {
            unlink(temporary.path)
            throw DossierError.io(path: url.path, reason: failure)
        }
        guard rename(temporary.path, url.path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary.path)
            throw DossierError.io(path: url.path, reason: reason)
        }
        if syncingFolder { syncDirectory(folder) }
    }

    /// Flushes a folder's entries (after a rename or an unlink in it).
    public static func syncDirectory(_ folder: URL) {
        let fd = open(folder.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        _ = fsync(fd)
        close(fd)
    }
}

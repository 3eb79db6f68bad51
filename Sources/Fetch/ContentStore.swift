import DossierCore
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The content-addressed store `corpus/files/`: each document is
/// `<sha256>.<pdf|html>`. Bytes are written to a temporary file in the same
/// folder, fsynced, checked, and renamed into place, so an interrupted or
/// failed download never leaves a partial file, and an earlier copy is never
/// replaced (another content has another name).
public struct ContentStore: Sendable {
    /// The folder.
    public let folder: URL

    /// A store in `folder` (created if needed).
    public init(folder: URL) throws {
        self.folder = folder
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    /// A new temporary file for a download in progress.
    public func temporaryFile() throws -> TemporaryFile {
        try TemporaryFile(folder: folder)
    }

    /// The path a content of this digest and kind is stored at.
    public func url(sha256: String, kind: DocumentKind) -> URL {
        folder.appendingPathComponent("\(sha256).\(kind == .pdf ? "pdf" : "html")")
    }

    /// Moves a finished temporary file into place (or drops it when the
    /// content is already stored).
    public func commit(_ file: TemporaryFile, sha256: String, kind: DocumentKind) throws -> URL {
        let target = url(sha256: sha256, kind: kind)
        if FileManager.default.fileExists(atPath: target.path) {
            file.discard()
            return target
        }
        try file.finish()
        guard rename(file.url.path, target.path) == 0 else {
            let reason = String(cString: strerror(errno))
            file.discard()
            throw DossierError.io(path: target.path, reason: reason)
        }
        AtomicFile.syncDirectory(folder)
        return target
    }

    /// Removes temporary files left by a process that was killed.
    public func removeLeftovers() {
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [] where name.hasPrefix(".download-") {
            unlink(folder.appendingPathComponent(name).path)
        }
    }
}

/// A file being written: bytes are hashed and counted as they come.
public final class TemporaryFile: @unchecked Sendable {
    /// Where it is.
    public let url: URL
    let descriptor: Int32
    var hasher = SHA256()
    /// Bytes written.
    public private(set) var count: Int64 = 0
    /// The first bytes, for sniffing the kind.
    public private(set) var head: [UInt8] = []
    var closed = false

    init(folder: URL) throws {
        url = folder.appendingPathComponent(".download-\(UUID().uuidString)")
        descriptor = open(url.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw DossierError.io(path: url.path, reason: String(cString: strerror(errno))) }
    }

    deinit { if !closed { discard() } }

    /// Appends bytes.
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        var offset = 0
        while offset < bytes.count {
            let n = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                throw DossierError.io(path: url.path, reason: String(cString: strerror(errno)))
            }
            offset += n
        }
        hasher.update(UnsafeBufferPointer(start: bytes.baseAddress!.assumingMemoryBound(to: UInt8.self), count: bytes.count))
        if head.count < 2048 { head.append(contentsOf: bytes.prefix(2048 - head.count)) }
        count += Int64(bytes.count)
    }

    /// The SHA-256 of what was written.
    public func digest() -> String {
        var copy = hasher
        return SHA256.hexString(copy.finalize())
    }

    /// Flushes and closes the file.
    func finish() throws {
        guard !closed else { return }
        closed = true
        let synced = fsync(descriptor) == 0
        close(descriptor)
        if !synced { throw DossierError.io(path: url.path, reason: "cannot flush the download to disk: \(String(cString: strerror(errno)))") }
    }

    /// Deletes the file.
    public func discard() {
        if !closed { closed = true; close(descriptor) }
        unlink(url.path)
    }
}

extension ContentStore {
    /// What storing a local file found.
    public struct Attached: Sendable {
        /// Its digest.
        public var sha256: String
        /// Its kind.
        public var kind: DocumentKind
        /// Its size.
        public var size: Int64
        /// Where it is stored now.
        public var url: URL
    }

    /// Stores a local file as a URL's content, with the same checks as a
    /// download: read into a temporary file, judged by its bytes, renamed
    /// into place. Files that are neither PDFs nor web pages are refused.
    public func attach(_ source: URL) throws -> Attached {
        guard let input = FileHandle(forReadingAtPath: source.path) else {
            throw DossierError.io(path: source.path, reason: "cannot open for reading")
        }
        defer { try? input.close() }
        let file = try temporaryFile()
        do {
            while true {
                let chunk = try input.read(upToCount: 1 << 20) ?? Data()
                if chunk.isEmpty { break }
                try chunk.withUnsafeBytes { try file.write($0) }
            }
        } catch {
            file.discard()
            throw DossierError.io(path: source.path, reason: "cannot read (\(Workspace.reason(error)))")
        }
        let kind = HTMLInspector.kind(head: file.head, contentType: nil)
        guard kind != .other else {
            file.discard()
            throw DossierError.usage("\(source.path) is neither a PDF nor a web page")
        }
        let sha = file.digest()
        let size = file.count
        let stored = try commit(file, sha256: sha, kind: kind)
        return Attached(sha256: sha, kind: kind, size: size, url: stored)
    }
}

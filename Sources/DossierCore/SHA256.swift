import Crypto
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// SHA-256 (FIPS 180-4), streaming, computed by swift-crypto.
///
/// Dossier names fetched files and recognises unchanged notes and documents by
/// their SHA-256, so the digest must be the standard one (`sha256sum` agrees;
/// the tests check the FIPS vectors). Feed bytes with `update`, read the digest
/// with `finalize()`; `hex(of:)` and `hex(ofFile:)` are the one-shot forms.
public struct SHA256: Sendable {
    private var hasher = Crypto.SHA256()

    /// A fresh hash state.
    public init() {}

    /// Adds `bytes` to the message.
    public mutating func update<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        let handled: Bool = bytes.withContiguousStorageIfAvailable { raw in
            hasher.update(bufferPointer: UnsafeRawBufferPointer(raw)); return true
        } ?? false
        if !handled { Array(bytes).withUnsafeBytes { hasher.update(bufferPointer: $0) } }
    }

    /// Adds the bytes at `raw` to the message.
    public mutating func update(_ raw: UnsafeRawBufferPointer) {
        hasher.update(bufferPointer: raw)
    }

    /// Finishes the hash and returns the 32-byte digest.
    public mutating func finalize() -> [UInt8] {
        Array(hasher.finalize())
    }

    /// Lower-case hex of a digest.
    public static func hexString(_ digest: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8](); out.reserveCapacity(digest.count * 2)
        for byte in digest { out.append(digits[Int(byte >> 4)]); out.append(digits[Int(byte & 15)]) }
        return String(decoding: out, as: UTF8.self)
    }

    /// The hex SHA-256 of `bytes`.
    public static func hex<C: Collection>(of bytes: C) -> String where C.Element == UInt8 {
        var hasher = SHA256()
        hasher.update(bytes)
        return hexString(hasher.finalize())
    }

    /// The hex SHA-256 of a file: memory-mapped and hashed in place (no
    /// copy, no buffer to allocate), or read in 1 MiB chunks into one buffer
    /// where it cannot be mapped.
    public static func hex(ofFile url: URL) throws -> String {
        let fd = open(url.path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw DossierError.io(path: url.path, reason: "cannot open for reading (\(String(cString: strerror(errno))))")
        }
        defer { close(fd) }
        var hasher = SHA256()
        var info = stat()
        if fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, info.st_size > 0,
           let map = mmap(nil, Int(info.st_size), PROT_READ, MAP_PRIVATE, fd, 0), map != MAP_FAILED {
            defer { munmap(map, Int(info.st_size)) }
            _ = madvise(map, Int(info.st_size), MADV_SEQUENTIAL)
            hasher.update(UnsafeRawBufferPointer(start: map, count: Int(info.st_size)))
            return hexString(hasher.finalize())
        }
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { chunk.deallocate() }
        while true {
            let n = read(fd, chunk.baseAddress, chunk.count)
            if n < 0 {
                if errno == EINTR { continue }
                throw DossierError.io(path: url.path, reason: String(cString: strerror(errno)))
            }
            if n == 0 { break }
            hasher.update(UnsafeRawBufferPointer(rebasing: chunk[0..<n]))
        }
        return hexString(hasher.finalize())
    }
}

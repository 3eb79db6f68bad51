import Analysis
import DossierCore
import Foundation

/// Page previews already drawn, in `index/previews/`, within a size cap.
///
/// A preview is named by the document's SHA-256, the page, the width and
/// the *terms* it outlines, as the index analyzes them: `w=permit` and
/// `w=Permits` ask for the same image, so they share one file, and a URL
/// varied without end does not make a file per variant. The cache is held
/// under ``maxBytes`` (and ``maxFiles``) by dropping the least recently
/// used first: a file's modification time is set anew whenever it is served.
public struct PreviewCache: Sendable {
    /// The folder.
    public let folder: URL
    /// The most bytes the folder may hold.
    public let maxBytes: Int
    /// The most files the folder may hold.
    public let maxFiles: Int

    /// The most terms a preview outlines, and the longest term.
    static let maxTerms = 12, maxTermBytes = 64

    /// A cache in `folder` of at most `maxBytes` bytes and `maxFiles` files.
    public init(folder: URL, maxBytes: Int = 256 << 20, maxFiles: Int = 4000) {
        self.folder = folder
        self.maxBytes = maxBytes
        self.maxFiles = maxFiles
    }

    /// The terms of `words` as the index has them, sorted, without repeats;
    /// a word ending in `*` gives a prefix term (`traff*`), and one of
    /// several terms (`captive-bred`, `captive bred`) a phrase of them
    /// (`captive bred`: outlined only where they stand together).
    public static func terms(_ words: [String]) -> [String] {
        var out = Set<String>()
        let analyzer = Analyzer()
        for word in words {
            var terms: [String] = []
            analyzer.tokenize(word) { term, _, _ in terms.append(String(decoding: term, as: UTF8.self)) }
            if word.hasSuffix("*"), !terms.isEmpty { terms[terms.count - 1] += "*" }
            let joined = terms.joined(separator: " ")
            if !terms.isEmpty, joined.utf8.count <= maxTermBytes { out.insert(joined) }
        }
        return Array(out.sorted().prefix(maxTerms))
    }

    /// The file for a preview.
    func file(sha256: String, page: Int, width: Int, terms: [String]) -> URL {
        let key = SHA256.hex(of: Array(terms.joined(separator: "\u{1}").utf8)).prefix(16)
        return folder.appendingPathComponent("\(sha256)-\(page)-\(width)-\(key).png")
    }

    /// The cached image, if any, marked as just used.
    func read(_ file: URL) -> Data? {
        guard let data = try? Data(contentsOf: file) else { return nil }
        try? FileManager.default.setAttributes([.modificationDate: Date()], ofItemAtPath: file.path)
        return data
    }

    /// Keeps `png` as `file`, then brings the cache back within its caps.
    func store(_ png: Data, as file: URL) {
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try? AtomicFile.write(png, to: file)
        prune()
    }

    /// Drops the least recently used files until the cache is within its caps.
    func prune() {
        let keys: [URLResourceKey] = [.contentModificationDateKey, .fileSizeKey]
        guard let files = try? FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: keys) else { return }
        var entries = files.compactMap { url -> (url: URL, date: Date, size: Int)? in
            guard let values = try? url.resourceValues(forKeys: Set(keys)) else { return nil }
            return (url, values.contentModificationDate ?? .distantPast, values.fileSize ?? 0)
        }
        var bytes = entries.reduce(0) { $0 + $1.size }
        guard entries.count > maxFiles || bytes > maxBytes else { return }
        entries.sort { $0.date != $1.date ? $0.date < $1.date : $0.url.path < $1.url.path }
        var count = entries.count
        for entry in entries where count > maxFiles || bytes > maxBytes {
            try? FileManager.default.removeItem(at: entry.url)
            count -= 1
            bytes -= entry.size
        }
    }
}

import CStemmer
import Foundation

/// Snowball's stemmer for one language (libstemmer, the C library Lucene's
/// and Xapian's Snowball filters come from).
///
/// A libstemmer stemmer keeps its working memory in itself, so one may not
/// stem two words at once: each language has one stemmer for the process,
/// behind a lock. A stem is a few hundred nanoseconds; the index stems each
/// distinct word once per writer, so the lock is not where time goes.
final class SnowballStemmer: @unchecked Sendable {
    /// Touched only under `lock`.
    private let stemmer: OpaquePointer
    private let lock = NSLock()

    private init?(algorithm: String) {
        guard let made = sb_stemmer_new(algorithm, "UTF_8") else { return nil }
        stemmer = made
    }

    deinit { sb_stemmer_delete(stemmer) }

    /// Calls `body` with the stem of the UTF-8 `word` (the word itself if
    /// the stemmer fails).
    func stem<R>(_ word: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        lock.lock()
        defer { lock.unlock() }
        guard let base = word.baseAddress, let out = sb_stemmer_stem(stemmer, base, Int32(word.count)) else { return body(word) }
        return body(UnsafeBufferPointer(start: out, count: Int(sb_stemmer_length(stemmer))))
    }

    /// The stemmer of `language`, or nil for a language Snowball has none for.
    static func shared(_ language: Language) -> SnowballStemmer? {
        switch language.code {
        case "fr": return french
        case "es": return spanish
        case "pt": return portuguese
        case "de": return german
        case "it": return italian
        case "nl": return dutch
        default: return nil
        }
    }

    private static let french = SnowballStemmer(algorithm: "french")
    private static let spanish = SnowballStemmer(algorithm: "spanish")
    private static let portuguese = SnowballStemmer(algorithm: "portuguese")
    private static let german = SnowballStemmer(algorithm: "german")
    private static let italian = SnowballStemmer(algorithm: "italian")
    private static let dutch = SnowballStemmer(algorithm: "dutch")
}

import Foundation

/// BM25 exactly as SQLite FTS5's `bm25()` computes it (fts5_aux.c), so that
/// our scores are the same doubles:
///
/// ```text
/// k1 = 1.2, b = 0.75
/// avgdl  = (double)total_tokens / (double)rows           over live passages
/// idf(i) = log((rows − hits(i) + 0.5) / (hits(i) + 0.5)), or 1e-6 if ≤ 0
///          where hits(i) counts the passages that hold phrase i
/// score  = Σ over phrases i, in query order:
///            idf(i) * ((f(i) * (k1 + 1.0)) / (f(i) + k1 * (1 - b + b * D / avgdl)))
///          where f(i) counts phrase i's instances in the passage and D is
///          the passage's length in tokens
/// bm25   = −1.0 * score        (FTS5 sorts ascending; Dossier shows score)
/// ```
///
/// Every operation is written in FTS5's order: floating-point addition is
/// not associative, and only the same order gives bit-identical results.
public struct BM25: Sendable {
    /// FTS5's k1.
    public static let k1 = 1.2
    /// FTS5's b.
    public static let b = 0.75

    /// Inverse document frequency of each phrase, in query order.
    public let idf: [Double]
    /// Average passage length.
    public let averageLength: Double

    /// Prepares the per-query constants.
    public init(rows: Int, tokens: UInt64, hits: [Int]) {
        averageLength = Double(tokens) / Double(rows)
        idf = hits.map { Self.idf(rows: rows, hits: $0) }
    }

    /// The inverse document frequency of a phrase `hits` of `rows` passages hold.
    @inline(__always)
    public static func idf(rows: Int, hits: Int) -> Double {
        let value = log((Double(rows - hits) + 0.5) / (Double(hits) + 0.5))
        return value <= 0.0 ? 1e-6 : value
    }

    /// The part of a contribution that depends on the passage alone,
    /// `k1 · (1 − b + b · D / avgdl)`: computed once per passage, it gives
    /// every phrase's contribution the same double as computing it inline.
    @inline(__always)
    public static func norm(length D: Double, averageLength: Double) -> Double {
        k1 * (1 - b + b * D / averageLength)
    }

    /// A phrase's contribution from its idf, its frequency and the passage's ``norm(length:averageLength:)``.
    @inline(__always)
    public static func contribution(idf: Double, f: Double, norm: Double) -> Double {
        idf * ((f * (k1 + 1.0)) / (f + norm))
    }

    /// FTS5's `bm25()` of a passage of `length` tokens with `frequencies[i]` instances of phrase i.
    public func bm25(length: Int, frequencies: [Double]) -> Double {
        let D = Double(length)
        var score = 0.0
        for i in 0..<idf.count { score += contribution(i, f: frequencies[i], length: D) }
        return -1.0 * score
    }

    /// Phrase i's term of the sum: what `f` instances add in a passage of `D`
    /// tokens. It grows with `f` and shrinks with `D`, so the largest `f` and
    /// the shortest `D` of a block bound every passage in it. A phrase absent
    /// from the passage adds exactly +0.0, so summing only the phrases
    /// present, in query order, gives the same double as ``bm25(length:frequencies:)``.
    @inline(__always)
    public func contribution(_ i: Int, f: Double, length D: Double) -> Double {
        Self.contribution(idf: idf[i], f: f, norm: Self.norm(length: D, averageLength: averageLength))
    }
}

extension BM25 {
    /// The parts of BM25 that depend on a passage's length alone, computed
    /// when a ``Searcher`` is made (a few microseconds) for every length below
    /// ``size`` (passages hold at most a few hundred tokens), so that scoring
    /// a passage divides less.
    ///
    /// A contribution is `idf · ((f · (k1 + 1)) / (f + norm(D)))`, two
    /// divisions in a chain: `norm(D)` holds `b · D / avgdl`. The table
    /// keeps `norm(D)` and, for f = 1 … ``frequencies`` (nearly every
    /// posting: a common word is in a passage once, twice, seldom more),
    /// the whole quotient `(f · (k1 + 1)) / (f + norm(D))`; each entry is
    /// computed by the very operations FTS5 performs, in its order, so a
    /// contribution read from the table is the same double. Longer passages
    /// and larger frequencies are computed inline. (Without f = 2 … 4, a
    /// page by document of a common word spent a seventh of its time
    /// waiting on those divisions.)
    public final class LengthTable: @unchecked Sendable {
        /// Lengths below this are in the table.
        public static let size = 1024
        /// Frequencies up to this are in the table.
        public static let frequencies = 4
        /// The snapshot's average passage length.
        public let averageLength: Double
        /// norm(D) for D < size, then for each f = 1 … frequencies
        /// (f · (k1 + 1)) / (f + norm(D)) for D < size.
        private let values: UnsafeMutablePointer<Double>

        /// The table for passages of `averageLength` tokens on average.
        public init(averageLength: Double) {
            self.averageLength = averageLength
            values = .allocate(capacity: (1 + Self.frequencies) * Self.size)
            for d in 0..<Self.size {
                let norm = BM25.norm(length: Double(d), averageLength: averageLength)
                values[d] = norm
                for f in 1...Self.frequencies {
                    values[f * Self.size + d] = (Double(f) * (BM25.k1 + 1.0)) / (Double(f) + norm)
                }
            }
        }

        deinit { values.deallocate() }

        /// ``BM25/norm(length:averageLength:)`` of a passage of `length` tokens.
        @inline(__always)
        public func norm(_ length: UInt32) -> Double {
            length < Self.size ? values[Int(length)] : BM25.norm(length: Double(length), averageLength: averageLength)
        }

        /// A phrase's contribution, ``BM25/contribution(idf:f:norm:)``, in a passage of `length` tokens.
        @inline(__always)
        public func contribution(idf: Double, f: UInt32, length: UInt32) -> Double {
            // (f − 1 wraps for f = 0, which no posting holds.)
            if f &- 1 < UInt32(Self.frequencies), length < Self.size { return idf * values[Int(f) * Self.size + Int(length)] }
            return BM25.contribution(idf: idf, f: Double(f), norm: norm(length))
        }
    }
}

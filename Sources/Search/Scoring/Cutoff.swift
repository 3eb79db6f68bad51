extension BM25 {
    /// A test, without a division, that a passage cannot reach the k-th best
    /// score on one phrase's contribution alone:
    ///
    /// ```text
    /// idf·f·(k1+1) / (f + k1·(1 − b + b·D/avgdl)) ≥ t   ⟺   idf·(k1+1)·f ≥ t·(f + k1·(1 − b + (b/avgdl)·D))
    /// ```
    ///
    /// The right side is evaluated with b/avgdl computed once and with t
    /// lowered by a relative 1e-9, far above the few ulps by which either
    /// side's rounding can differ from the formula's, so a passage that
    /// reaches t is never excluded. Below any threshold (a heap not yet
    /// full, t = −∞) nothing is. Raising the threshold is one multiplication.
    struct Cutoff {
        /// The threshold, lowered.
        private(set) var lowered: Double
        /// b / avgdl.
        let slope: Double

        init(threshold: Double, averageLength: Double) {
            lowered = threshold * (1 - 1e-9)
            slope = BM25.b / averageLength
        }

        /// Moves the cutoff to a new threshold.
        @inline(__always)
        mutating func raise(to threshold: Double) { lowered = threshold * (1 - 1e-9) }

        /// Whether a passage of `length` tokens holding `f` instances of a
        /// phrase of inverse document frequency `idf` falls short.
        @inline(__always)
        func excludes(idf: Double, f: UInt32, length: UInt32) -> Bool {
            let f = Double(f)
            return idf * (BM25.k1 + 1) * f < lowered * (f + BM25.k1 * (1 - BM25.b + slope * Double(length)))
        }
    }
}

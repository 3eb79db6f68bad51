/// # Term filter
///
/// A Bloom filter over the terms of a small segment, built in memory when
/// the segment is opened (it is not part of the file). An index that was
/// updated since its last merge holds a large segment and a few small ones,
/// each with the passages of a few documents; most words of a query are in
/// none of the small ones, and finding that out in the dictionary costs a
/// search of its block index and a scan of a block, in memory that the
/// last query did not touch: a two-word OR spent a sixth of its time there.
/// The filter answers "not here" from two bits of a few kilobytes.
///
/// The filter has 16 bits per term, rounded up to a power of two, in
/// 64-bit words. Each term sets two bits of one word, the word and the
/// bits chosen by its 64-bit FNV-1a hash: a query word costs one load that
/// may miss the cache, not two. A word whose two bits are not both set is
/// not in the segment. About one absent word in forty passes anyway and is
/// looked up as before: the filter never answers for a term that is
/// present, so lookups give the same entries.
/// A segment of more than ``maximumTerms`` terms gets no filter: most words
/// a user types are in a large segment, and its filter would not fit the
/// caches it is meant to spare.
struct TermFilter {
    /// The most terms a segment may have for a filter to be built.
    static let maximumTerms = 8192
    /// A buffer, not an array, so that a lookup counts no references;
    /// ``deallocate()`` frees it.
    private let bits: UnsafeMutableBufferPointer<UInt64>
    private let mask: UInt64

    /// A filter over `dictionary`'s terms, or nil when it has too many.
    init?(_ dictionary: TermDictionaryReader) {
        guard dictionary.termCount <= Self.maximumTerms else { return nil }
        var words = 16
        while words * 64 < dictionary.termCount * 16 { words *= 2 }
        let bits = UnsafeMutableBufferPointer<UInt64>.allocate(capacity: words)
        bits.initialize(repeating: 0)
        let mask = UInt64(words - 1)
        dictionary.scan(from: 0) { term, _ in
            let (word, pattern) = Self.place(term, mask)
            bits[word] |= pattern
            return true
        }
        self.bits = bits
        self.mask = mask
    }

    /// The word of `term` and its two bits in it.
    @inline(__always)
    private static func place(_ term: UnsafeBufferPointer<UInt8>, _ mask: UInt64) -> (Int, UInt64) {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in term { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return (Int(truncatingIfNeeded: (hash >> 12) & mask), (1 &<< (hash & 63)) | (1 &<< ((hash >> 6) & 63)))
    }

    /// Whether the segment may hold `term` (false: it certainly does not).
    @inline(__always)
    func mayContain(_ term: UnsafeBufferPointer<UInt8>) -> Bool {
        let (word, pattern) = Self.place(term, mask)
        return bits[word] & pattern == pattern
    }

    /// Frees the filter's bits.
    func deallocate() { bits.deallocate() }
}

/// # Galloping search
///
/// Where a short sorted list is met in a long one (a rare word's passages
/// in a common word's, a word's few documents among a segment's runs),
/// each next place is sought from the last by steps of 1, 2, 4, … and then
/// by halving the last step: the logarithm of each gap, not the gap.

/// The first index in `start ..< count` where `below` fails (`count` if
/// none), `below` holding on a prefix of the indices: `linear` steps one by
/// one first (where the next is often the one), then by galloping, the
/// last step halved without a branch on the comparison.
@inline(__always)
func gallop(from start: Int, count: Int, linear: Int = 0, _ below: (Int) -> Bool) -> Int {
    var lo = start
    for _ in 0..<linear {
        guard lo < count, below(lo) else { return lo }
        lo += 1
    }
    // Every index before lo is below; from it, steps of 1, 2, 4, ...
    var hi = lo, step = 1
    while hi < count, below(hi) {
        lo = hi + 1
        hi = lo + step
        step &*= 2
    }
    // The first index not below in [lo, hi), by halving with selects.
    var length = min(hi, count) - lo
    while length > 0 {
        let half = length >> 1
        let isBelow = below(lo + half)
        lo = isBelow ? lo + half + 1 : lo
        length = isBelow ? length - half - 1 : half
    }
    return lo
}

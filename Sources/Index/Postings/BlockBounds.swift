/// # Block bounds
///
/// To skip a block of postings, top-k needs an upper bound of what any
/// passage in it can add to a BM25 score. A term's contribution grows with
/// its frequency `tf` and shrinks with the passage's length, so a posting
/// (tf, length) is beaten by any (tf′ ≥ tf, length′ ≤ length). The block's
/// **frontier** is the set of its postings no other posting beats; the
/// contribution's maximum over the block is reached on the frontier, for
/// every value of the collection statistics, which may change with every
/// commit. So the bound is exact and safe at once.
///
/// A frontier holds up to ``size`` points: a longer one is shortened by
/// replacing two neighbours with their corner (the larger tf, the shorter
/// length), which beats both, so the bound stays safe and loses little.
/// Stored as u16 pairs: a length above 65535 is stored as 65535 (shorter,
/// so still safe), and a tf of 65535 or more as 65535, read as unbounded.
public enum BlockFrontier {
    /// Points kept per block.
    public static let size = 4
    /// A stored tf meaning "at least this much": bound as if infinite.
    static let unbounded: UInt32 = 0xFFFF

    /// The frontier of `pairs` (tf, length), at most ``size`` points, each
    /// clamped for storage; unused points are (0, 0xFFFF), which bound nothing.
    static func compute(_ pairs: [(tf: UInt32, length: UInt32)]) -> [(tf: UInt32, length: UInt32)] {
        // The shortest passage per tf (a table for small tfs, which are
        // nearly all of them), then highest tf first, keeping a point only
        // if it is shorter than every point before it. Linear in the block.
        var frontier: [(tf: UInt32, length: UInt32)] = []
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 65) { shortest in
            shortest.initialize(repeating: .max)
            var large: [(tf: UInt32, length: UInt32)] = []
            for pair in pairs {
                if pair.tf <= 64 {
                    shortest[Int(pair.tf)] = min(shortest[Int(pair.tf)], pair.length)
                } else {
                    large.append(pair)
                }
            }
            large.sort { $0.tf != $1.tf ? $0.tf > $1.tf : $0.length < $1.length }
            for pair in large where frontier.last.map({ pair.length < $0.length }) ?? true {
                frontier.append(pair)
            }
            for tf in stride(from: 64, through: 0, by: -1) where shortest[tf] != .max {
                if frontier.last.map({ shortest[tf] < $0.length }) ?? true { frontier.append((UInt32(tf), shortest[tf])) }
            }
        }
        // Merge the two neighbours closest in length until few enough.
        while frontier.count > size {
            var best = 0
            var bestRatio = Double.infinity
            for i in 0..<(frontier.count - 1) {
                let ratio = Double(frontier[i].length) / Double(max(1, frontier[i + 1].length))
                if ratio < bestRatio {
                    bestRatio = ratio
                    best = i
                }
            }
            frontier[best] = (frontier[best].tf, frontier[best + 1].length)
            frontier.remove(at: best + 1)
        }
        var out = frontier.map { (tf: min($0.tf, unbounded), length: min($0.length, 0xFFFF)) }
        while out.count < size { out.append((0, 0xFFFF)) }
        return out
    }

    /// The term frequency to bound with for a stored tf.
    @inline(__always)
    static func boundingTF(_ stored: UInt32) -> Double {
        stored >= unbounded ? 1e12 : Double(stored)
    }
}

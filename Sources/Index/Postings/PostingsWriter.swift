/// # Postings and positions of one term
///
/// A term's postings list names, in ascending order, the passages (by *local
/// number*, their place in the segment's passage table) that hold the term,
/// each with its term frequency `tf`. It is cut into **blocks of 128
/// postings**; the last block may be shorter.
///
/// ```text
/// postings of a term (at its dictionary entry's postings offset):
///   skip table   only when the term has more than one block; per block,
///                28 bytes, little-endian:
///                  u32 last local number in the block,
///                  u32 offset of the block from the start of the term's postings,
///                  u32 offset of the block's positions group from the start of
///                    the term's positions,
///                  4 × (u16 tf, u16 passage length): the block's frontier
///                    (see BlockBounds.swift)
///   blocks       a block of n postings, n = 128 but in the last block, and
///                n ≥ 8 (``PostingsFormat/packedMinimum``):
///                  u8 width wd, u8 width wf,
///                  n × (local − previous local − 1) bit-packed at wd
///                    (the first against the previous block's last local, or −1),
///                  n × (tf − 1) bit-packed at wf
///                a last block of fewer than 8 postings: per posting
///                  varint (local − previous local), varint tf
///
/// positions of a term (at its dictionary entry's positions offset):
///   one group per block: u8 width wp, then for each posting of the block in
///   order, its tf positions as deltas (the first against 0), all bit-packed
///   at wp (see ``BitPacking``)
/// ```
///
/// The skip table lets a cursor jump over blocks without decoding them, and
/// its frontier bounds what any passage of the block can add to a BM25
/// score, whatever the collection statistics at query time. A term held by
/// one block has no skip table; its cursor decodes the block (at most 128
/// postings) and computes the same frontier.
///
/// Positions are needed only by phrases and NEAR: they live apart from the
/// postings, so scoring terms never reads them, and a phrase decodes the
/// positions of just the passages that hold all its terms.
enum PostingsFormat {
    /// Postings per block.
    static let blockSize = 128
    /// The fewest postings a block is bit-packed with: a shorter last block
    /// (the whole list of most rare words) is varint-coded, where two bytes
    /// of widths would cost more than they save. Bit-packed postings decode
    /// without a branch per value; a varint's length is one, and a list of a
    /// few dozen postings decoded from varints took longer than it took to
    /// score.
    static let packedMinimum = 8
    /// Bytes per skip-table entry.
    static let skipEntrySize = 28
}

/// Appends one term's postings and positions (see ``PostingsFormat``).
///
/// - Parameters:
///   - docs: ascending local numbers.
///   - tfs: the term frequency of each.
///   - positions: each posting's positions in order, ascending within a posting.
///   - lengths: passage lengths by local number.
func encodeTerm(docs: UnsafeBufferPointer<UInt32>, tfs: UnsafeBufferPointer<UInt32>, positions: UnsafeBufferPointer<UInt32>,
                lengths: UnsafeBufferPointer<UInt32>, postings: inout [UInt8], positionsOut: inout [UInt8],
                scratch: inout [UInt32]) {
    let size = PostingsFormat.blockSize
    let df = docs.count
    let blocks = (df + size - 1) / size
    let termStart = postings.count
    let positionsStart = positionsOut.count
    if blocks > 1 { postings.append(contentsOf: repeatElement(0, count: blocks * PostingsFormat.skipEntrySize)) }
    let needed = max(size, positions.count)
    if scratch.count < needed { scratch = [UInt32](repeating: 0, count: needed) }
    scratch.withUnsafeMutableBufferPointer { scratch in
        var previous: Int64 = -1
        var p = 0
        for b in 0..<blocks {
            let lo = b * size, hi = min(df, lo + size)
            let blockOffset = postings.count - termStart
            let positionsOffset = positionsOut.count - positionsStart
            if hi - lo >= PostingsFormat.packedMinimum {
                let n = hi - lo
                var maxDelta: UInt32 = 0, maxTF: UInt32 = 0
                for i in lo..<hi {
                    let delta = UInt32(Int64(docs[i]) - previous - 1)
                    scratch[i - lo] = delta
                    maxDelta |= delta
                    maxTF |= tfs[i] - 1
                    previous = Int64(docs[i])
                }
                let wd = BitPacking.width(maxDelta), wf = BitPacking.width(maxTF)
                postings.append(UInt8(wd))
                postings.append(UInt8(wf))
                BitPacking.pack(UnsafeBufferPointer(rebasing: scratch[0..<n]), width: wd, into: &postings)
                for i in lo..<hi { scratch[i - lo] = tfs[i] - 1 }
                BitPacking.pack(UnsafeBufferPointer(rebasing: scratch[0..<n]), width: wf, into: &postings)
            } else {
                for i in lo..<hi {
                    appendVarint(UInt64(Int64(docs[i]) - previous), to: &postings)
                    appendVarint(UInt64(tfs[i]), to: &postings)
                    previous = Int64(docs[i])
                }
            }
            // The block's positions group, and its frontier.
            var maxDelta: UInt32 = 0
            var pairs: [(tf: UInt32, length: UInt32)] = []
            var k = 0
            for i in lo..<hi {
                var last: UInt32 = 0
                let tf = Int(tfs[i])
                for _ in 0..<tf {
                    let position = positions[p]
                    let delta = position - last
                    last = position
                    scratch[k] = delta
                    maxDelta |= delta
                    k += 1
                    p += 1
                }
                if blocks > 1 { pairs.append((tfs[i], lengths[Int(docs[i])])) }
            }
            let wp = BitPacking.width(maxDelta)
            positionsOut.append(UInt8(wp))
            BitPacking.pack(UnsafeBufferPointer(rebasing: scratch[0..<k]), width: wp, into: &positionsOut)
            if blocks > 1 {
                let entry = termStart + b * PostingsFormat.skipEntrySize
                postings.withUnsafeMutableBytes { raw in
                    raw.storeBytes(of: docs[hi - 1].littleEndian, toByteOffset: entry, as: UInt32.self)
                    raw.storeBytes(of: UInt32(blockOffset).littleEndian, toByteOffset: entry + 4, as: UInt32.self)
                    raw.storeBytes(of: UInt32(positionsOffset).littleEndian, toByteOffset: entry + 8, as: UInt32.self)
                    for (j, point) in BlockFrontier.compute(pairs).enumerated() {
                        raw.storeBytes(of: UInt16(point.tf).littleEndian, toByteOffset: entry + 12 + 4 * j, as: UInt16.self)
                        raw.storeBytes(of: UInt16(point.length).littleEndian, toByteOffset: entry + 14 + 4 * j, as: UInt16.self)
                    }
                }
            }
        }
    }
}

/// # Segment file format (version 1)
///
/// A segment is one immutable file, `index/segments/<name>.seg`, holding the
/// inverted index of a batch of passages. It is written once, fsynced, and
/// only ever read (memory-mapped) afterwards; deleting passages never touches
/// it (deletions live in the manifest), and merging writes a new segment.
///
/// All integers are little-endian. `varint` is LEB128 (7 bits per byte, high
/// bit set on all but the last byte).
///
/// ```text
/// header      8  magic "DOSSEG01"
///             8  passage count n
///             8  token count (sum of the passages' lengths)
///             8  term count t
///             8  offset of the passage table
///             8  offset of the term index
///             8  offset of the term dictionary
///             8  offset of the postings
/// passages    n × 8   passage ids, ascending (a passage's *local number* is
///                     its place in this table)
///             n × 4   passage lengths in tokens (exact: BM25 needs them)
/// term index  t × 8   offset of each term's entry in the dictionary
/// dictionary  per term, in byte order of the terms:
///               varint term length, term bytes (UTF-8),
///               varint document frequency (passages holding the term),
///               varint offset of its postings from the start of the postings
/// postings    per term: for each passage holding it, in ascending order:
///               varint local number − previous local number (the first
///               against −1, so never 0),
///               varint term frequency f,
///               f × varint position − previous position (the first against 0)
/// ```
///
/// Positions count the passage's tokens from 0, as FTS5 does; phrases and
/// NEAR need them. The header's counts are the segment's statistics; the
/// index adds them up over live segments and subtracts deleted passages, so
/// BM25 sees exact collection statistics.
enum SegmentFormat {
    static let magic: [UInt8] = Array("DOSSEG01".utf8)
    static let headerSize = 64
}

/// Appends a LEB128 varint.
@inline(__always)
func appendVarint(_ value: UInt64, to out: inout [UInt8]) {
    var v = value
    while v >= 0x80 {
        out.append(UInt8(v & 0x7F) | 0x80)
        v >>= 7
    }
    out.append(UInt8(v))
}

@inline(__always)
func appendUInt64(_ value: UInt64, to out: inout [UInt8]) {
    withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) }
}

@inline(__always)
func appendUInt32(_ value: UInt32, to out: inout [UInt8]) {
    withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) }
}

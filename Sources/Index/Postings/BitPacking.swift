/// # Bit packing
///
/// A block of unsigned integers is stored with one bit width for the whole
/// block, the smallest that holds its largest value: value i occupies bits
/// `i*w ..< (i+1)*w`, least significant bit first, in a byte string of
/// `ceil(count*w / 8)` bytes. A width of 0 means every value is 0 and takes
/// no bytes.
///
/// Reading loads 8 bytes at a time with an unaligned little-endian load, so a
/// reader may touch up to 7 bytes past the end of a packed run; segment
/// files end with 8 bytes of padding so that this is always inside the file.
/// (Dossier assumes a little-endian host, as every platform Swift targets on
/// Linux is.)
enum BitPacking {
    /// Bits needed to hold `value` (0 for 0).
    @inline(__always)
    static func width(_ value: UInt32) -> Int {
        value == 0 ? 0 : 32 - value.leadingZeroBitCount
    }

    /// Bytes taken by `count` values of `width` bits.
    @inline(__always)
    static func byteCount(count: Int, width: Int) -> Int {
        (count * width + 7) >> 3
    }

    /// Appends `values` packed at `width` bits each.
    static func pack(_ values: UnsafeBufferPointer<UInt32>, width: Int, into out: inout [UInt8]) {
        guard width > 0 else { return }
        let start = out.count
        let bytes = byteCount(count: values.count, width: width)
        out.append(contentsOf: repeatElement(0, count: bytes))
        out.withUnsafeMutableBufferPointer { buffer in
            let o = buffer.baseAddress! + start
            var accumulator: UInt64 = 0
            var bits = 0
            var n = 0
            for value in values {
                accumulator |= UInt64(value) << UInt64(bits)
                bits += width
                while bits >= 8 {
                    o[n] = UInt8(truncatingIfNeeded: accumulator)
                    n += 1
                    accumulator >>= 8
                    bits -= 8
                }
            }
            if bits > 0 { o[n] = UInt8(truncatingIfNeeded: accumulator) }
        }
    }

    /// Reads `count` values of `width` bits starting at `base` into `out`,
    /// each plus `offset` (term frequencies are stored less one).
    @inline(__always)
    static func unpack(_ base: UnsafeRawPointer, from first: Int = 0, count: Int, width: Int, adding offset: UInt32 = 0,
                       into out: UnsafeMutablePointer<UInt32>) {
        guard width > 0 else {
            out.update(repeating: offset, count: count)
            return
        }
        let mask = (UInt64(1) << UInt64(width)) &- 1
        var bit = first * width
        for i in 0..<count {
            let word = base.loadUnaligned(fromByteOffset: bit >> 3, as: UInt64.self)
            out[i] = UInt32(truncatingIfNeeded: (word &>> UInt64(bit & 7)) & mask) &+ offset
            bit += width
        }
    }

    /// Reads `count` gaps (each the difference minus one from the previous
    /// number, the first from `previous`) and writes the numbers they lead to.
    @inline(__always)
    static func unpackGaps(_ base: UnsafeRawPointer, count: Int, width: Int, after previous: Int, into out: UnsafeMutablePointer<UInt32>) {
        var value = UInt32(truncatingIfNeeded: previous)
        guard width > 0 else {
            for i in 0..<count {
                value &+= 1
                out[i] = value
            }
            return
        }
        let mask = (UInt64(1) << UInt64(width)) &- 1
        var bit = 0
        for i in 0..<count {
            let word = base.loadUnaligned(fromByteOffset: bit >> 3, as: UInt64.self)
            value &+= UInt32(truncatingIfNeeded: (word &>> UInt64(bit & 7)) & mask) &+ 1
            out[i] = value
            bit += width
        }
    }
}

/// Appends a LEB128 varint (7 bits per byte, high bit set on all but the last).
@inline(__always)
func appendVarint(_ value: UInt64, to out: inout [UInt8]) {
    var v = value
    while v >= 0x80 {
        out.append(UInt8(v & 0x7F) | 0x80)
        v >>= 7
    }
    out.append(UInt8(v))
}

/// Reads a LEB128 varint at `base + p`, advancing `p`.
@inline(__always)
func readVarint(_ base: UnsafeRawPointer, _ p: inout Int) -> UInt64 {
    var value: UInt64 = 0
    var shift: UInt64 = 0
    while true {
        let b = base.load(fromByteOffset: p, as: UInt8.self)
        p += 1
        value |= UInt64(b & 0x7F) &<< shift
        if b < 0x80 { return value }
        shift += 7
    }
}

/// Reads a LEB128 varint of at most 5 bytes (a value below 2^35) at
/// `base + p`, advancing `p`, without a branch on its length: one 8-byte
/// load, the first byte without a continuation bit found by counting
/// zeros, the 7-bit groups gathered by masks. A gap between passage
/// numbers takes one byte or two about equally often, so a branch on it
/// would be mispredicted about every other time. The 8 bytes read must lie
/// inside the mapping: a segment ends in padding for that.
@inline(__always)
func readShortVarint(_ base: UnsafeRawPointer, _ p: inout Int) -> UInt64 {
    let word = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: p, as: UInt64.self))
    // Bit 8k+7 is set where byte k ends the varint.
    let ends = ~word & 0x8080_8080_8080_8080
    let bytes = (ends.trailingZeroBitCount + 1) >> 3
    let v = word & (UInt64.max &>> UInt64(64 - 8 * min(bytes, 5)))
    p += bytes
    return (v & 0x7F) | (v >> 1 & 0x3F80) | (v >> 2 & 0x1F_C000) | (v >> 3 & 0xFE0_0000) | (v >> 4 & 0x7_F000_0000)
}

@inline(__always)
func appendUInt64(_ value: UInt64, to out: inout [UInt8]) {
    withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) }
}

@inline(__always)
func appendUInt32(_ value: UInt32, to out: inout [UInt8]) {
    withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) }
}

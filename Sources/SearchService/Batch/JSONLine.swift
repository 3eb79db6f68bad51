/// One JSON object written by hand, key after key, for output that must keep
/// up with the engine: `search --batch` writes one per query, and Foundation's
/// `JSONEncoder` took several times longer to write a line than the search
/// took to answer it.
///
/// Keys are written in the order given (callers give them sorted, as the
/// encoder's `.sortedKeys` would); strings are escaped as JSON requires
/// (quote, backslash, control characters; `/` and non-ASCII stay as they
/// are); doubles are written in Swift's shortest form that reads back to
/// the same value.
///
/// Objects and arrays inside it are written into the same buffer, and no
/// piece of a line is built on the heap except a double's digits: a line
/// of ten hits once took sixty allocations.
struct JSONLine {
    private(set) var bytes: [UInt8]
    private var empty = true

    /// A line, its object opened.
    init() {
        bytes = []
        bytes.reserveCapacity(1024)
        bytes.append(UInt8(ascii: "{"))
    }

    /// An object opened at the end of `buffer`, whose bytes it takes.
    fileprivate init(continuing buffer: inout [UInt8]) {
        bytes = []
        swap(&bytes, &buffer)
        bytes.append(UInt8(ascii: "{"))
    }

    /// Starts a member: its key, then the value that the next call writes.
    mutating func key(_ name: StaticString) {
        if !empty { bytes.append(UInt8(ascii: ",")) }
        empty = false
        bytes.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
    }

    mutating func string(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                bytes.append(UInt8(ascii: "\\"))
                bytes.append(byte)
            case 0x0A: escape(UInt8(ascii: "n"))
            case 0x0D: escape(UInt8(ascii: "r"))
            case 0x09: escape(UInt8(ascii: "t"))
            case 0..<0x20:
                let hex: StaticString = "0123456789abcdef"
                for c in "\\u00".utf8 { bytes.append(c) }
                bytes.append(hex.utf8Start[Int(byte >> 4)])
                bytes.append(hex.utf8Start[Int(byte & 15)])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private mutating func escape(_ letter: UInt8) {
        bytes.append(UInt8(ascii: "\\"))
        bytes.append(letter)
    }

    mutating func number<I: BinaryInteger>(_ value: I) {
        // Digits written backwards into a buffer on the stack.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 40) { digits in
            var magnitude = value.magnitude
            var at = digits.count
            repeat {
                at -= 1
                digits[at] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: magnitude % 10)
                magnitude /= 10
            } while magnitude != 0
            if value < 0 { bytes.append(UInt8(ascii: "-")) }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: digits[at...]))
        }
    }

    /// A finite double (an infinity or NaN, which JSON cannot hold, is written as null).
    mutating func number(_ value: Double) {
        guard value.isFinite else { return null() }
        var text = value.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        bytes.append(contentsOf: text.utf8)
    }

    mutating func null() {
        for c in "null".utf8 { bytes.append(c) }
    }

    /// An array whose elements `body` writes, each with `element`.
    mutating func array(_ body: (inout JSONArray) -> Void) {
        bytes.append(UInt8(ascii: "["))
        var array = JSONArray()
        swap(&array.bytes, &bytes)
        body(&array)
        swap(&array.bytes, &bytes)
        bytes.append(UInt8(ascii: "]"))
    }

    /// The object, closed, with a newline.
    mutating func line() -> [UInt8] {
        bytes.append(UInt8(ascii: "}"))
        bytes.append(0x0A)
        return bytes
    }

    /// Closes the object and gives its buffer back to `buffer`.
    fileprivate mutating func close(into buffer: inout [UInt8]) {
        bytes.append(UInt8(ascii: "}"))
        swap(&bytes, &buffer)
    }
}

/// The elements of an array inside a ``JSONLine``, written into its buffer.
struct JSONArray {
    fileprivate var bytes: [UInt8] = []
    private var elements = 0

    /// Appends an object that `body` fills.
    mutating func object(_ body: (inout JSONLine) -> Void) {
        if elements > 0 { bytes.append(UInt8(ascii: ",")) }
        elements += 1
        var object = JSONLine(continuing: &bytes)
        body(&object)
        object.close(into: &bytes)
    }
}

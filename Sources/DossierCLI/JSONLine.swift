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
struct JSONLine {
    private(set) var bytes: [UInt8] = [UInt8(ascii: "{")]
    private var empty = true

    /// Starts a member: its key, then the value that the next call writes.
    mutating func key(_ name: StaticString) {
        if !empty { bytes.append(UInt8(ascii: ",")) }
        empty = false
        bytes.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
    }

    mutating func string(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x0A: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 15)]])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    mutating func number<I: BinaryInteger>(_ value: I) {
        bytes.append(contentsOf: String(value).utf8)
    }

    /// A finite double (an infinity or NaN, which JSON cannot hold, is written as null).
    mutating func number(_ value: Double) {
        guard value.isFinite else { return null() }
        var text = value.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        bytes.append(contentsOf: text.utf8)
    }

    mutating func null() {
        bytes.append(contentsOf: Array("null".utf8))
    }

    /// An array whose elements `body` writes, each with `element`.
    mutating func array(_ body: (inout JSONArray) -> Void) {
        var array = JSONArray()
        body(&array)
        bytes.append(contentsOf: array.bytes)
        bytes.append(UInt8(ascii: "]"))
    }

    /// The object, closed, with a newline.
    func line() -> [UInt8] { bytes + [UInt8(ascii: "}"), 0x0A] }

    /// The object, closed.
    func object() -> [UInt8] { bytes + [UInt8(ascii: "}")] }
}

/// The elements of an array inside a ``JSONLine``.
struct JSONArray {
    private(set) var bytes: [UInt8] = [UInt8(ascii: "[")]

    /// Appends an object that `body` fills.
    mutating func object(_ body: (inout JSONLine) -> Void) {
        if bytes.count > 1 { bytes.append(UInt8(ascii: ",")) }
        var object = JSONLine()
        body(&object)
        bytes.append(contentsOf: object.object())
    }
}

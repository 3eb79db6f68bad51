import DossierCore
import Foundation

/// Finds every http(s) link in a note, with its line, column, label, heading
/// path and checklist state.
///
/// The parser works on bytes, line by line, in two passes: the first collects
/// reference definitions (`[ref]: https://…`), the second walks the lines,
/// keeping track of headings (ATX `#` and setext underlines), fenced code
/// blocks and YAML front matter, masks inline code spans, and recognises, in
/// this order at each position: Markdown links and images
/// (`[label](url "title")`, the destination may hold balanced parentheses or
/// be written `<…>`), reference links (`[label][ref]`, `[label][]`,
/// `[label]`), autolinks (`<https://…>`) and bare URLs (trailing `.,;:!?*_~'`
/// and an unbalanced `)` or `]` are not part of them).
///
/// Nothing stops a parse: a byte-order mark is skipped, CRLF and CR line ends
/// are accepted, bytes that are not UTF-8 are replaced by U+FFFD with a warning
/// naming the line, and every step is linear in the size of the note.
public enum NoteParser {
    /// Lines longer than this keep only a window around each link as `text`.
    static let longLine = 4096

    /// Parses a note's bytes.
    public static func parse(_ data: Data, format: NoteFormat) -> ParsedNote {
        var warnings: [NoteWarning] = []
        let lines = splitLines(decode(data, warnings: &warnings), warnings: &warnings)
        var parser = LineParser(lines: lines, format: format)
        parser.run()
        warnings.append(contentsOf: parser.warnings)
        warnings.sort { $0.line < $1.line }
        return ParsedNote(citations: parser.citations, blocks: parser.blocks, warnings: warnings, lineCount: lines.count)
    }

    /// How each line of a note is laid out, as the parse reads it (in
    /// context: a `#` inside a fenced code block is no heading), with the
    /// line's text, and the citations the same parse found: what a page
    /// showing the note draws.
    public static func layout(_ data: Data, format: NoteFormat) -> (lines: [NoteLine], citations: [Citation]) {
        var warnings: [NoteWarning] = []
        let lines = splitLines(decode(data, warnings: &warnings), warnings: &warnings)
        var parser = LineParser(lines: lines, format: format)
        parser.run()
        let shaped = zip(lines, parser.shapes).map { line, shape in
            var out = shape
            out.text = string(line[...])
            return out
        }
        return (shaped, parser.citations)
    }

    /// The note's bytes as UTF-8, without a byte-order mark.
    static func decode(_ data: Data, warnings: inout [NoteWarning]) -> [UInt8] {
        let bytes = [UInt8](data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { return Array(bytes.dropFirst(3)) }
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
            let encoding: String.Encoding = bytes[0] == 0xFF ? .utf16LittleEndian : .utf16BigEndian
            if let text = String(data: data.dropFirst(2), encoding: encoding) {
                warnings.append(NoteWarning(line: 0, message: "note is UTF-16; read as such (UTF-8 is expected)"))
                return Array(text.utf8)
            }
        }
        return bytes
    }

    /// Splits on LF, CRLF or CR, repairing lines that are not valid UTF-8.
    static func splitLines(_ bytes: [UInt8], warnings: inout [NoteWarning]) -> [[UInt8]] {
        var lines: [[UInt8]] = []
        var start = 0
        var i = 0
        func finish(_ end: Int) {
            let slice = bytes[start..<end]
            if String(validating: slice, as: UTF8.self) != nil {
                lines.append(Array(slice))
            } else {
                let repaired = String(decoding: slice, as: UTF8.self)
                warnings.append(NoteWarning(
                    line: lines.count + 1, message: "bytes that are not UTF-8 replaced by U+FFFD"))
                lines.append(Array(repaired.utf8))
            }
        }
        while i < bytes.count {
            let b = bytes[i]
            if b == 0x0A {
                finish(i); i += 1; start = i
            } else if b == 0x0D {
                finish(i)
                i += (i + 1 < bytes.count && bytes[i + 1] == 0x0A) ? 2 : 1
                start = i
            } else {
                i += 1
            }
        }
        if start < bytes.count { finish(bytes.count) }
        return lines
    }
}

// MARK: - Byte classes

@inline(__always) func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 }
@inline(__always) func isWhitespace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D || b == 0x0C || b == 0x0B }
@inline(__always) func isAlnum(_ b: UInt8) -> Bool {
    (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
}
@inline(__always) func isASCIIPunctuation(_ b: UInt8) -> Bool {
    (b >= 0x21 && b <= 0x2F) || (b >= 0x3A && b <= 0x40) || (b >= 0x5B && b <= 0x60) || (b >= 0x7B && b <= 0x7E)
}
@inline(__always) func lower(_ b: UInt8) -> UInt8 { (b >= 0x41 && b <= 0x5A) ? b + 0x20 : b }

/// Whether `bytes[at...]` starts with `prefix`, ASCII case-insensitively.
func hasPrefixCI(_ bytes: [UInt8], _ at: Int, _ prefix: [UInt8]) -> Bool {
    guard at + prefix.count <= bytes.count else { return false }
    for k in 0..<prefix.count where lower(bytes[at + k]) != prefix[k] { return false }
    return true
}

/// Number of Unicode scalars in `bytes[0..<end]`.
func scalarCount(_ bytes: [UInt8], upTo end: Int) -> Int {
    var n = 0
    for k in 0..<end where bytes[k] & 0xC0 != 0x80 { n += 1 }
    return n
}

func string(_ bytes: ArraySlice<UInt8>) -> String { String(decoding: bytes, as: UTF8.self) }

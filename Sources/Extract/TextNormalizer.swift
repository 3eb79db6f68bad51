import DossierCore
import Foundation

/// Makes extracted text fit for indexing, once, before any index sees it.
///
/// For each page:
/// 1. NFKC: compatibility characters become their plain forms (the ligatures
///    `ﬁ` `ﬂ` become `fi` `fl`, full-width letters become ASCII).
/// 2. Soft hyphens, zero-width characters and control characters are dropped;
///    tabs and form feeds become white space.
/// 3. A word broken by a hyphen at a line end is joined again. The rule looks
///    at the document's own vocabulary (the words it holds unbroken):
///    `traffick-` + `ing` → `trafficking`, because `trafficking` occurs or
///    because `traffick` and `ing` are not both words; `cross-` + `border` →
///    `cross-border` when `cross-border` occurs, or when `cross` and `border`
///    are both words of the document and `crossborder` is not. A break before
///    a capital or a digit keeps its hyphen (`COVID-` + `19` → `COVID-19`).
/// 4. Line breaks become spaces, a blank line becomes one `\n` (a paragraph
///    boundary, which passages prefer to end at), and runs of white space
///    become one space.
public enum TextNormalizer {
    /// Normalizes the pages of one document together.
    public static func normalize(pages: [String]) -> [String] {
        let lines = pages.map { splitLines(clean($0)) }
        let vocabulary = Vocabulary(pages: lines)
        return lines.map { join($0, vocabulary) }
    }

    /// Soft hyphens and zero-width characters: dropped.
    @inline(__always) static func isDropped(_ v: UInt32) -> Bool {
        v == 0x00AD || v == 0x200B || v == 0x200C || v == 0x200D || v == 0x2060 || v == 0xFEFF
    }

    /// NFKC, then invisible and control characters out.
    static func clean(_ text: String) -> [Unicode.Scalar] {
        let nfkc = nfkc(text)
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(nfkc.utf8.count)
        for scalar in nfkc.unicodeScalars {
            let v = scalar.value
            if v < 0x80 {
                switch v {
                case 0x0A, 0x0B, 0x0C, 0x0D: out.append("\n")
                case 0x09: out.append(" ")
                case 0x00...0x1F, 0x7F: continue
                default: out.append(scalar)
                }
                continue
            }
            if isDropped(v) { continue }
            switch v {
            case 0x2028, 0x2029, 0x85: out.append("\n")
            case 0x80...0x9F: continue
            default:
                if scalar.properties.generalCategory == .spaceSeparator { out.append(" ") } else { out.append(scalar) }
            }
        }
        return out
    }

    /// `text` in NFKC, the mapping applied to each run of characters beyond
    /// ASCII (with the ASCII character before it, which a combining mark in
    /// the run may compose with), each distinct run once; ASCII is already
    /// NFKC. The runs can be taken apart because an ASCII character never
    /// composes with what precedes it, and nothing composes across it: the
    /// result is the mapping of the whole text (Unicode's normalization is
    /// closed under such boundaries, UAX #15). Mapping the whole of a web
    /// page, most of it ASCII, through Foundation was a thirtieth of its
    /// extraction.
    static func nfkc(_ text: String) -> String {
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return text }
        var text = text
        return text.withUTF8 { bytes -> String in
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count + bytes.count / 8)
            var mapped: [String: String] = [:]
            let n = bytes.count
            var copied = 0, k = 0
            while k < n {
                guard bytes[k] >= 0x80 else {
                    k += 1
                    continue
                }
                let start = k > copied ? k - 1 : k
                var end = k
                while end < n, bytes[end] >= 0x80 { end += 1 }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[copied..<start]))
                let run = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
                let normal: String
                if let known = mapped[run] {
                    normal = known
                } else {
                    normal = run.precomposedStringWithCompatibilityMapping
                    mapped[run] = normal
                }
                out.append(contentsOf: normal.utf8)
                copied = end
                k = end
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[copied..<n]))
            return String(decoding: out, as: UTF8.self)
        }
    }

    /// The lines of `scalars`, each trimmed of spaces (one copy per line,
    /// made from its trimmed range).
    static func splitLines(_ scalars: [Unicode.Scalar]) -> [[Unicode.Scalar]] {
        var lines: [[Unicode.Scalar]] = []
        var start = 0
        func take(_ end: Int) {
            var from = start, to = end
            while from < to, scalars[from] == " " { from += 1 }
            while to > from, scalars[to - 1] == " " { to -= 1 }
            lines.append(Array(scalars[from..<to]))
        }
        for (i, s) in scalars.enumerated() where s == "\n" {
            take(i)
            start = i + 1
        }
        take(scalars.count)
        return lines
    }

    @inline(__always) static func isLetter(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if v < 0x80 { return (v >= 0x61 && v <= 0x7A) || (v >= 0x41 && v <= 0x5A) }
        return s.properties.isAlphabetic
    }
    static func isHyphen(_ s: Unicode.Scalar) -> Bool { s == "-" || s == "\u{2010}" }

    /// The trailing run of letters of a line that ends with a hyphen, if it does.
    static func brokenStart(_ line: [Unicode.Scalar]) -> [Unicode.Scalar]? {
        guard line.count >= 2, isHyphen(line[line.count - 1]), isLetter(line[line.count - 2]) else { return nil }
        var k = line.count - 1
        while k > 0, isLetter(line[k - 1]) { k -= 1 }
        return Array(line[k..<(line.count - 1)])
    }

    /// The leading run of letters of a line.
    static func leadingWord(_ line: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var k = 0
        while k < line.count, isLetter(line[k]) { k += 1 }
        return Array(line[0..<k])
    }

    /// The words a document holds unbroken, and the hyphenated compounds it
    /// writes within a line, as hashes of their lower-cased letters (no
    /// string is built per word). Built only when a page has a line-end hyphen.
    struct Vocabulary {
        var words: Set<UInt64> = []
        var compounds: Set<UInt64> = []

        static func hash<S: Sequence>(_ scalars: S, seed: UInt64 = 0xcbf2_9ce4_8422_2325) -> UInt64 where S.Element == Unicode.Scalar {
            var h = seed
            for s in scalars {
                var v = s.value
                if v >= 0x41 && v <= 0x5A { v += 32 } else if v >= 0x80 { v = Unicode.Scalar(v)?.properties.lowercaseMapping.unicodeScalars.first?.value ?? v }
                h = (h ^ UInt64(v)) &* 0x100_0000_01b3
            }
            return h
        }

        static func hash(_ a: [Unicode.Scalar], joinedTo b: [Unicode.Scalar], hyphen: Bool) -> UInt64 {
            var h = hash(a)
            if hyphen { h = (h ^ 0x2D) &* 0x100_0000_01b3 }
            return hash(b, seed: h)
        }

        init(pages: [[[Unicode.Scalar]]]) {
            guard pages.contains(where: { $0.contains { TextNormalizer.brokenStart($0) != nil } }) else { return }
            for lines in pages {
                var previousBroken = false
                for line in lines {
                    // Words as index ranges; whether each is followed by "-letter".
                    var words: [(Range<Int>, Bool)] = []
                    var start = -1
                    for i in 0...line.count {
                        if i < line.count, TextNormalizer.isLetter(line[i]) {
                            if start < 0 { start = i }
                        } else if start >= 0 {
                            let joined = i + 1 < line.count && TextNormalizer.isHyphen(line[i]) && TextNormalizer.isLetter(line[i + 1])
                            words.append((start..<i, joined))
                            start = -1
                        }
                    }
                    let broken = TextNormalizer.brokenStart(line) != nil
                    for (index, word) in words.enumerated() {
                        if index == 0 && previousBroken { continue }
                        if index == words.count - 1 && broken { continue }
                        self.words.insert(Self.hash(line[word.0]))
                        if word.1, index + 1 < words.count {
                            compounds.insert(Self.hash(Array(line[word.0]), joinedTo: Array(line[words[index + 1].0]), hyphen: true))
                        }
                    }
                    previousBroken = broken
                }
            }
        }

        /// Whether `head-` at a line end and `tail` on the next line are one word.
        func joinsWithoutHyphen(_ head: [Unicode.Scalar], _ tail: [Unicode.Scalar]) -> Bool {
            if words.contains(Self.hash(head, joinedTo: tail, hyphen: false)) { return true }
            if compounds.contains(Self.hash(head, joinedTo: tail, hyphen: true)) { return false }
            if words.contains(Self.hash(head)) && words.contains(Self.hash(tail)) { return false }
            return true
        }
    }

    static func join(_ lines: [[Unicode.Scalar]], _ vocabulary: Vocabulary) -> String {
        // Built as UTF-8 bytes: a String's scalar view appended to one
        // scalar at a time was a thirtieth of a web page's extraction.
        var out = UTF8Bytes()
        var pendingSpace = false
        var pendingParagraph = false
        var i = 0
        while i < lines.count {
            var line = lines[i]
            if line.isEmpty {
                if !out.isEmpty { pendingParagraph = true }
                i += 1
                continue
            }
            if !out.isEmpty {
                if pendingParagraph { out.append("\n") } else if pendingSpace { out.append(" ") }
            }
            pendingParagraph = false
            // Join hyphen breaks with the following line(s).
            while let head = brokenStart(line), i + 1 < lines.count, let first = lines[i + 1].first {
                let next = lines[i + 1]
                if first.value < 0x80 ? (first.value >= 0x61 && first.value <= 0x7A) : first.properties.isLowercase {
                    let tail = leadingWord(next)
                    if vocabulary.joinsWithoutHyphen(head, tail) {
                        line.removeLast()
                    }
                    line.append(contentsOf: next)
                } else if first.properties.isUppercase || first.properties.numericType != nil {
                    line.append(contentsOf: next)
                } else {
                    break
                }
                i += 1
            }
            // Collapse runs of spaces inside the line.
            var lastSpace = false
            for s in line {
                if s == " " {
                    if !lastSpace { out.append(s) }
                    lastSpace = true
                } else {
                    out.append(s)
                    lastSpace = false
                }
            }
            pendingSpace = true
            i += 1
        }
        return out.string
    }

    /// Text built as UTF-8 bytes, a scalar at a time.
    struct UTF8Bytes {
        var bytes: [UInt8] = []
        var isEmpty: Bool { bytes.isEmpty }
        var string: String { String(decoding: bytes, as: UTF8.self) }

        @inline(__always) mutating func append(_ s: Unicode.Scalar) {
            let v = s.value
            if v < 0x80 {
                bytes.append(UInt8(v))
            } else if v < 0x800 {
                bytes.append(0xC0 | UInt8(v >> 6))
                bytes.append(0x80 | UInt8(v & 0x3F))
            } else if v < 0x10000 {
                bytes.append(0xE0 | UInt8(v >> 12))
                bytes.append(0x80 | UInt8((v >> 6) & 0x3F))
                bytes.append(0x80 | UInt8(v & 0x3F))
            } else {
                bytes.append(0xF0 | UInt8(v >> 18))
                bytes.append(0x80 | UInt8((v >> 12) & 0x3F))
                bytes.append(0x80 | UInt8((v >> 6) & 0x3F))
                bytes.append(0x80 | UInt8(v & 0x3F))
            }
        }
    }
}

import DossierCore
import Foundation

/// Text without its Markdown: labels, headings and blocks as plain words.
extension LineParser {
    /// The line, or for a very long line a window of it around the span.
    func lineText(_ line: [UInt8], around span: LinkSpan) -> String {
        guard line.count > NoteParser.longLine else { return string(line[...]) }
        var from = max(0, span.start - 1000), to = min(line.count, span.end + 1000)
        while from > 0, line[from] & 0xC0 == 0x80 { from -= 1 }
        while to < line.count, line[to] & 0xC0 == 0x80 { to += 1 }
        return (from > 0 ? "…" : "") + string(line[from..<to]) + (to < line.count ? "…" : "")
    }

    /// The words of a line around its links: the label of a bare URL.
    func contextLabel(_ line: [UInt8], removing spans: [LinkSpan]) -> String {
        var bytes: [UInt8] = []
        var from = 0
        let window = line.count > NoteParser.longLine
        for span in spans {
            let start = window ? max(from, span.start - 200) : from
            if start < span.start { bytes.append(contentsOf: line[start..<span.start]) }
            bytes.append(0x20)
            from = span.end
        }
        let tailEnd = window ? min(line.count, from + 200) : line.count
        if from < tailEnd { bytes.append(contentsOf: line[from..<tailEnd]) }
        // Drop the line's structure: indentation, quote marks, list marker, task box, heading marks.
        var i = 0
        func skipSpaces() { while i < bytes.count, isSpace(bytes[i]) { i += 1 } }
        skipSpaces()
        while i < bytes.count, bytes[i] == UInt8(ascii: ">") { i += 1; skipSpaces() }
        while i < bytes.count, bytes[i] == UInt8(ascii: "#") { i += 1 }
        skipSpaces()
        if i < bytes.count, [UInt8(ascii: "-"), UInt8(ascii: "*"), UInt8(ascii: "+")].contains(bytes[i]),
           i + 1 == bytes.count || isSpace(bytes[i + 1]) { i += 1; skipSpaces() }
        if i + 2 < bytes.count, bytes[i] == UInt8(ascii: "["), bytes[i + 2] == UInt8(ascii: "]"),
           [0x20, UInt8(ascii: "x"), UInt8(ascii: "X")].contains(bytes[i + 1]) { i += 3; skipSpaces() }
        var text = Substring(inlineText(bytes[i...]))
        let edge: Set<Character> = [" ", "-", "–", "—", ":", ";", ",", ".", "(", ")", "[", "]", "|", "*", "/"]
        while let f = text.first, edge.contains(f) { text = text.dropFirst() }
        while let l = text.last, edge.contains(l) { text = text.dropLast() }
        return String(text)
    }
}

/// Markdown inline text made plain: links become their labels, autolinks their
/// URLs, emphasis and code marks go, backslash escapes are resolved, and runs of
/// white space become one space.
func inlineText(_ bytes: ArraySlice<UInt8>) -> String {
    let line = Array(bytes)
    var out: [UInt8] = []
    out.reserveCapacity(line.count)
    var i = 0
    let n = line.count
    while i < n {
        let b = line[i]
        if b == UInt8(ascii: "\\"), i + 1 < n, isASCIIPunctuation(line[i + 1]) {
            out.append(line[i + 1]); i += 2; continue
        }
        if b == UInt8(ascii: "!"), i + 1 < n, line[i + 1] == UInt8(ascii: "[") { i += 1; continue }
        if b == UInt8(ascii: "]"), i + 1 < n, line[i + 1] == UInt8(ascii: "(") {
            // Skip the destination of an inline link.
            // A destination has no white space, so the scan stops there: linear overall.
            var depth = 0
            var k = i + 2
            while k < n, !isWhitespace(line[k]) {
                if line[k] == UInt8(ascii: "(") { depth += 1 }
                if line[k] == UInt8(ascii: ")") { if depth == 0 { break }; depth -= 1 }
                k += 1
            }
            if k < n, line[k] == UInt8(ascii: ")") { i = k + 1; continue }
        }
        if b == UInt8(ascii: "[") || b == UInt8(ascii: "]") || b == UInt8(ascii: "`") || b == UInt8(ascii: "*") {
            i += 1; continue
        }
        if (b == UInt8(ascii: "_") || b == UInt8(ascii: "~")), i + 1 < n, line[i + 1] == b {
            i += 2; continue
        }
        if b == UInt8(ascii: "<"), hasPrefixCI(line, i + 1, Array("http".utf8)) {
            var close = i + 1
            while close < n, line[close] > 0x20, line[close] != UInt8(ascii: "<"), line[close] != UInt8(ascii: ">") { close += 1 }
            if close < n, line[close] == UInt8(ascii: ">") {
                out.append(contentsOf: line[(i + 1)..<close]); i = close + 1; continue
            }
        }
        out.append(isWhitespace(b) ? 0x20 : b)
        i += 1
    }
    // Collapse white space.
    var collapsed: [UInt8] = []
    collapsed.reserveCapacity(out.count)
    for b in out {
        if b == 0x20, collapsed.isEmpty || collapsed.last == 0x20 { continue }
        collapsed.append(b)
    }
    while collapsed.last == 0x20 { collapsed.removeLast() }
    return String(decoding: collapsed, as: UTF8.self)
}

/// Resolves CommonMark backslash escapes in a link destination.
func unescape(_ text: String) -> String {
    guard text.contains("\\") else { return text }
    var out: [UInt8] = []
    let bytes = Array(text.utf8)
    var i = 0
    while i < bytes.count {
        if bytes[i] == UInt8(ascii: "\\"), i + 1 < bytes.count, isASCIIPunctuation(bytes[i + 1]) {
            out.append(bytes[i + 1]); i += 2
        } else {
            out.append(bytes[i]); i += 1
        }
    }
    return String(decoding: out, as: UTF8.self)
}

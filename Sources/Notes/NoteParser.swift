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

// MARK: - Line parser

/// A span of a line that is a link: where it is and what it points to.
private struct LinkSpan {
    var start: Int
    var end: Int
    var url: String
    var label: String?
    var syntax: LinkSyntax
}

private struct Definition {
    var url: String
    var line: Int
    var column: Int
    var label: String
}

private struct LineParser {
    let lines: [[UInt8]]
    let format: NoteFormat
    var citations: [Citation] = []
    var warnings: [NoteWarning] = []
    var definitions: [String: Definition] = [:]
    var definitionLines: Set<Int> = []
    var usedDefinitions: Set<String> = []
    var headings: [(level: Int, text: String)] = []
    var blocks: [NoteBlock] = []
    /// Each line's layout, by line index.
    var shapes: [NoteLine] = []
    var block: (line: Int, text: [String], quote: Bool)?

    mutating func flushBlock() {
        if let current = block, !current.text.isEmpty {
            blocks.append(NoteBlock(line: current.line, headingPath: headingPath, text: current.text.joined(separator: " ")))
        }
        block = nil
    }

    mutating func addToBlock(_ line: [UInt8], number: Int, startsBlock: Bool) {
        var k = 0
        while k < line.count, isSpace(line[k]) || line[k] == UInt8(ascii: ">") { k += 1 }
        if startsBlock {
            // Drop the list marker and the task box: the block is the item's words.
            var j = k
            while j < line.count, line[j] >= 0x30, line[j] <= 0x39 { j += 1 }
            if j < line.count, j > k ? (line[j] == UInt8(ascii: ".") || line[j] == UInt8(ascii: ")")) : [UInt8(ascii: "-"), UInt8(ascii: "*"), UInt8(ascii: "+")].contains(line[j]) {
                k = j + 1
                while k < line.count, isSpace(line[k]) { k += 1 }
                if k + 2 < line.count, line[k] == UInt8(ascii: "["), line[k + 2] == UInt8(ascii: "]"),
                   [0x20, UInt8(ascii: "x"), UInt8(ascii: "X")].contains(line[k + 1]) {
                    k += 3
                }
            }
        }
        let text = inlineText(line[k...])
        if text.isEmpty { flushBlock(); return }
        let quote = line.first(where: { !isSpace($0) }) == UInt8(ascii: ">")
        if startsBlock || block == nil || block?.quote != quote { flushBlock(); block = (number, [], quote) }
        block?.text.append(text)
    }

    init(lines: [[UInt8]], format: NoteFormat) {
        self.lines = lines
        self.format = format
    }

    var headingPath: [String] { headings.map(\.text) }

    mutating func run() {
        if format == .markdown { collectDefinitions() }
        var fence: (char: UInt8, count: Int)?
        var frontMatter = format == .markdown && lines.first.map { trimmed($0) == Array("---".utf8) } == true
        var previousParagraph: (line: Int, firstCitation: Int)?

        shapes = Array(repeating: NoteLine(), count: lines.count)
        for (index, line) in lines.enumerated() {
            let number = index + 1
            if format == .markdown {
                if frontMatter {
                    if index > 0, trimmed(line) == Array("---".utf8) || trimmed(line) == Array("...".utf8) {
                        frontMatter = false
                        continue
                    }
                    scan(line, number: number, task: nil, taskBoxEnd: 0)
                    continue
                }
                if let open = fence {
                    shapes[index].code = true
                    if let close = fenceMarker(line), close.char == open.char, close.count >= open.count,
                       line[close.end...].allSatisfy(isSpace) {
                        fence = nil
                        flushBlock()
                    } else {
                        addToBlock(line, number: number, startsBlock: false)
                    }
                    continue
                }
                if let marker = fenceMarker(line) {
                    shapes[index].code = true
                    flushBlock()
                    fence = (marker.char, marker.count)
                    previousParagraph = nil
                    continue
                }
                if let (level, text) = atxHeading(line) {
                    var start = 0
                    while start < line.count, line[start] == 0x20 || line[start] == UInt8(ascii: "#") { start += 1 }
                    while start < line.count, isSpace(line[start]) { start += 1 }
                    shapes[index].heading = (level, text, scalarCount(line, upTo: start))
                    flushBlock()
                    headings.removeAll { $0.level >= level }
                    headings.append((level, text))
                    if !text.isEmpty { blocks.append(NoteBlock(line: number, headingPath: headingPath, text: text)) }
                    scan(line, number: number, task: nil, taskBoxEnd: 0)
                    previousParagraph = nil
                    continue
                }
                if let level = setextUnderline(line), let paragraph = previousParagraph {
                    let text = inlineText(lines[paragraph.line - 1][...])
                    if !text.isEmpty {
                        // The paragraph line was a heading: take it out of the block it started.
                        if block?.line == paragraph.line { block = nil }
                        flushBlock()
                        headings.removeAll { $0.level >= level }
                        headings.append((level, text))
                        blocks.append(NoteBlock(line: paragraph.line, headingPath: headingPath, text: text))
                        shapes[paragraph.line - 1].heading = (level, text, 0)
                        for k in paragraph.firstCitation..<citations.count { citations[k].headingPath = headingPath }
                        previousParagraph = nil
                        continue
                    }
                }
                if definitionLines.contains(number) {
                    previousParagraph = nil
                    continue
                }
            }
            let (task, boxEnd, isListItem) = taskState(line)
            if let task { shapes[index].task = (task, scalarCount(line, upTo: boxEnd - 3)) }
            addToBlock(line, number: number, startsBlock: isListItem)
            let before = citations.count
            scan(line, number: number, task: task, taskBoxEnd: boxEnd)
            let blank = line.allSatisfy(isWhitespace)
            previousParagraph = (blank || isListItem || leadingIndent(line) >= 4 || line.first == UInt8(ascii: ">"))
                ? nil : (number, before)
        }

        flushBlock()
        // Definitions that no reference used are citations too, at their own line.
        for (key, definition) in definitions.sorted(by: { $0.value.line < $1.value.line }) where !usedDefinitions.contains(key) {
            guard let normalized = URLNormalizer.normalize(definition.url) else { continue }
            let line = lines[definition.line - 1]
            citations.append(Citation(
                url: definition.url, normalizedURL: normalized, line: definition.line, column: definition.column,
                label: definition.label, headingPath: headingPathAt(definition.line), task: nil,
                text: string(line[...]), syntax: .definition))
        }
        citations.sort { ($0.line, $0.column) < ($1.line, $1.column) }
    }

    /// Heading path in force at `line`, recomputed (used for unused definitions only).
    func headingPathAt(_ target: Int) -> [String] {
        var stack: [(Int, String)] = []
        var fence: (char: UInt8, count: Int)?
        for (index, line) in lines.prefix(target).enumerated() {
            _ = index
            if let open = fence {
                if let close = fenceMarker(line), close.char == open.char, close.count >= open.count { fence = nil }
                continue
            }
            if let marker = fenceMarker(line) { fence = (marker.char, marker.count); continue }
            if let (level, text) = atxHeading(line) {
                stack.removeAll { $0.0 >= level }
                stack.append((level, text))
            }
        }
        return stack.map(\.1)
    }

    // MARK: block structure

    func leadingIndent(_ line: [UInt8]) -> Int {
        var n = 0
        for b in line {
            if b == 0x20 { n += 1 } else if b == 0x09 { n += 4 - n % 4 } else { break }
        }
        return n
    }

    func trimmed(_ line: [UInt8]) -> [UInt8] {
        var s = line[...]
        while let f = s.first, isWhitespace(f) { s = s.dropFirst() }
        while let l = s.last, isWhitespace(l) { s = s.dropLast() }
        return Array(s)
    }

    func fenceMarker(_ line: [UInt8]) -> (char: UInt8, count: Int, end: Int)? {
        var i = 0
        while i < line.count, i < 4, line[i] == 0x20 { i += 1 }
        guard i < 4, i < line.count, line[i] == UInt8(ascii: "`") || line[i] == UInt8(ascii: "~") else { return nil }
        let char = line[i]
        var j = i
        while j < line.count, line[j] == char { j += 1 }
        guard j - i >= 3 else { return nil }
        if char == UInt8(ascii: "`"), line[j...].contains(char) { return nil }
        return (char, j - i, j)
    }

    func atxHeading(_ line: [UInt8]) -> (Int, String)? {
        var i = 0
        while i < line.count, i < 4, line[i] == 0x20 { i += 1 }
        guard i < 4 else { return nil }
        var level = 0
        while i < line.count, line[i] == UInt8(ascii: "#") { level += 1; i += 1 }
        guard (1...6).contains(level), i == line.count || isSpace(line[i]) else { return nil }
        var end = line.count
        while end > i, isWhitespace(line[end - 1]) { end -= 1 }
        // An optional closing sequence of #s, preceded by a space.
        var k = end
        while k > i, line[k - 1] == UInt8(ascii: "#") { k -= 1 }
        if k < end, k == i || isSpace(line[k - 1]) { end = k }
        return (level, inlineText(line[i..<end]))
    }

    func setextUnderline(_ line: [UInt8]) -> Int? {
        let t = trimmed(line)
        guard leadingIndent(line) < 4, let first = t.first, first == UInt8(ascii: "=") || first == UInt8(ascii: "-") else { return nil }
        guard t.allSatisfy({ $0 == first }) else { return nil }
        return first == UInt8(ascii: "=") ? 1 : 2
    }

    /// The task state, the index just past the task box, and whether the line is a list item.
    func taskState(_ line: [UInt8]) -> (TaskState?, Int, Bool) {
        var i = 0
        while i < line.count, isSpace(line[i]) || line[i] == UInt8(ascii: ">") { i += 1 }
        guard i < line.count else { return (nil, 0, false) }
        let b = line[i]
        if b == UInt8(ascii: "-") || b == UInt8(ascii: "*") || b == UInt8(ascii: "+") {
            i += 1
        } else if b >= 0x30, b <= 0x39 {
            var j = i
            while j < line.count, j - i < 9, line[j] >= 0x30, line[j] <= 0x39 { j += 1 }
            guard j < line.count, line[j] == UInt8(ascii: ".") || line[j] == UInt8(ascii: ")") else { return (nil, 0, false) }
            i = j + 1
        } else {
            return (nil, 0, false)
        }
        guard i == line.count || isSpace(line[i]) else { return (nil, 0, false) }
        while i < line.count, isSpace(line[i]) { i += 1 }
        guard i + 2 < line.count, line[i] == UInt8(ascii: "["), line[i + 2] == UInt8(ascii: "]") else {
            return (nil, 0, true)
        }
        let mark = line[i + 1]
        guard i + 3 == line.count || isSpace(line[i + 3]) else { return (nil, 0, true) }
        switch mark {
        case 0x20: return (.open, i + 3, true)
        case UInt8(ascii: "x"), UInt8(ascii: "X"): return (.done, i + 3, true)
        default: return (nil, 0, true)
        }
    }

    // MARK: reference definitions

    mutating func collectDefinitions() {
        var fence: (char: UInt8, count: Int)?
        for (index, line) in lines.enumerated() {
            if let open = fence {
                if let close = fenceMarker(line), close.char == open.char, close.count >= open.count { fence = nil }
                continue
            }
            if let marker = fenceMarker(line) { fence = (marker.char, marker.count); continue }
            guard let definition = parseDefinition(line, number: index + 1) else { continue }
            definitionLines.insert(index + 1)
            let key = Self.referenceKey(definition.label)
            if definitions[key] == nil { definitions[key] = definition }
        }
    }

    func parseDefinition(_ line: [UInt8], number: Int) -> Definition? {
        var i = 0
        while i < line.count, i < 4, line[i] == 0x20 { i += 1 }
        guard i < 4, i < line.count, line[i] == UInt8(ascii: "[") else { return nil }
        let open = i
        var j = i + 1
        while j < line.count, line[j] != UInt8(ascii: "]") {
            if line[j] == UInt8(ascii: "[") { return nil }
            j += line[j] == UInt8(ascii: "\\") ? 2 : 1
        }
        guard j + 1 < line.count, line[j + 1] == UInt8(ascii: ":") else { return nil }
        let label = string(line[(open + 1)..<j])
        guard !label.allSatisfy(\.isWhitespace), !label.hasPrefix("^") else { return nil }
        var k = j + 2
        while k < line.count, isSpace(line[k]) { k += 1 }
        guard k < line.count else { return nil }
        var destination: String
        if line[k] == UInt8(ascii: "<") {
            guard let close = line[(k + 1)...].firstIndex(of: UInt8(ascii: ">")) else { return nil }
            destination = string(line[(k + 1)..<close])
            k = close + 1
        } else {
            let start = k
            while k < line.count, !isWhitespace(line[k]) { k += 1 }
            destination = string(line[start..<k])
        }
        destination = unescape(destination)
        // What follows may only be a title.
        while k < line.count, isSpace(line[k]) { k += 1 }
        if k < line.count {
            let quote = line[k]
            guard quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") || quote == UInt8(ascii: "(") else { return nil }
        }
        return Definition(url: destination, line: number, column: scalarCount(line, upTo: open) + 1,
                          label: inlineText(line[(open + 1)..<j]))
    }

    static func referenceKey(_ label: String) -> String {
        label.split(whereSeparator: \.isWhitespace).joined(separator: " ").lowercased()
    }

    // MARK: links on one line

    /// Replaces inline code spans by spaces so that nothing inside them is a link.
    func maskCodeSpans(_ line: [UInt8]) -> [UInt8] {
        guard format == .markdown, line.contains(UInt8(ascii: "`")) else { return line }
        var masked = line
        var i = 0
        // Positions of backtick runs by length, to find closers in linear time overall.
        var runs: [(start: Int, length: Int)] = []
        while i < line.count {
            if line[i] == UInt8(ascii: "`") {
                let start = i
                while i < line.count, line[i] == UInt8(ascii: "`") { i += 1 }
                runs.append((start, i - start))
            } else {
                i += 1
            }
        }
        // next[r]: the next run with the same length as run r (its closer), found right to left.
        var next = [Int](repeating: -1, count: runs.count)
        var lastOfLength: [Int: Int] = [:]
        for r in stride(from: runs.count - 1, through: 0, by: -1) {
            next[r] = lastOfLength[runs[r].length] ?? -1
            lastOfLength[runs[r].length] = r
        }
        var r = 0
        while r < runs.count {
            let closer = next[r]
            guard closer >= 0 else { r += 1; continue }
            for k in (runs[r].start + runs[r].length)..<runs[closer].start { masked[k] = 0x20 }
            r = closer + 1
        }
        return masked
    }

    mutating func scan(_ original: [UInt8], number: Int, task: TaskState?, taskBoxEnd: Int) {
        guard original.contains(where: { $0 == UInt8(ascii: "[") || $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: ":") }) else { return }
        let line = maskCodeSpans(original)
        let matches = matchBrackets(line)
        var spans: [LinkSpan] = []
        var i = taskBoxEnd
        let n = line.count
        let http = Array("http://".utf8), https = Array("https://".utf8)
        while i < n {
            let b = line[i]
            if b == UInt8(ascii: "\\") { i += 2; continue }
            if b == UInt8(ascii: "["), let (span, next) = bracketLink(line, original, i, matches) {
                if let span { spans.append(span) }
                i = next
                continue
            }
            if b == UInt8(ascii: "!"), i + 1 < n, line[i + 1] == UInt8(ascii: "["),
               let (span, next) = bracketLink(line, original, i + 1, matches) {
                if var span { span.start = i; spans.append(span) }
                i = next
                continue
            }
            if b == UInt8(ascii: "<"), let (span, next) = autolink(line, i) {
                spans.append(span)
                i = next
                continue
            }
            if (b == UInt8(ascii: "h") || b == UInt8(ascii: "H")), i == 0 || !isAlnum(line[i - 1]),
               hasPrefixCI(line, i, http) || hasPrefixCI(line, i, https), let span = bareURL(line, i) {
                spans.append(span)
                i = span.end
                continue
            }
            i += 1
        }
        guard !spans.isEmpty else { return }
        let context = spans.contains { $0.label == nil } ? contextLabel(original, removing: spans) : ""
        for span in spans {
            guard let normalized = URLNormalizer.normalize(span.url) else { continue }
            var label = span.label ?? context
            if label.isEmpty { label = span.url }
            let start = scalarCount(original, upTo: span.start)
            citations.append(Citation(
                url: span.url, normalizedURL: normalized, line: number,
                column: start + 1, label: label,
                headingPath: headingPath, task: task, text: lineText(original, around: span), syntax: span.syntax,
                length: scalarCount(original, upTo: span.end) - start))
        }
    }

    /// For each `[`, the index of its matching `]` (or -1), found with one stack pass.
    func matchBrackets(_ line: [UInt8]) -> [Int] {
        var match = [Int](repeating: -1, count: line.count)
        var stack: [Int] = []
        var i = 0
        while i < line.count {
            switch line[i] {
            case UInt8(ascii: "\\"): i += 1
            case UInt8(ascii: "["): stack.append(i)
            case UInt8(ascii: "]"): if let open = stack.popLast() { match[open] = i }
            default: break
            }
            i += 1
        }
        return match
    }

    /// A Markdown link starting with `[` at `i`. Returns the link (nil when it is a
    /// link but not to an http(s) URL) and where scanning resumes; nil when the
    /// bracket does not open a link.
    mutating func bracketLink(_ line: [UInt8], _ original: [UInt8], _ i: Int, _ matches: [Int]) -> (LinkSpan?, Int)? {
        let close = matches[i]
        guard close > i else { return nil }
        let labelBytes = original[(i + 1)..<close]
        let n = line.count
        // Inline: [label](destination "title")
        if close + 1 < n, line[close + 1] == UInt8(ascii: "("), let (destination, end) = inlineDestination(line, from: close + 2) {
            let url = unescape(destination)
            guard isHTTP(url) else { return (nil, end) }
            return (LinkSpan(start: i, end: end, url: url, label: inlineText(labelBytes), syntax: .inline), end)
        }
        guard format == .markdown, !definitions.isEmpty else { return nil }
        // Full and collapsed reference: [label][ref], [label][]
        if close + 1 < n, line[close + 1] == UInt8(ascii: "["), let refClose = line[(close + 2)...].firstIndex(of: UInt8(ascii: "]")) {
            let refText = string(line[(close + 2)..<refClose])
            let key = Self.referenceKey(refText.isEmpty ? string(labelBytes) : refText)
            if let definition = definitions[key] {
                usedDefinitions.insert(key)
                guard isHTTP(definition.url) else { return (nil, refClose + 1) }
                return (LinkSpan(start: i, end: refClose + 1, url: definition.url, label: inlineText(labelBytes), syntax: .reference), refClose + 1)
            }
            return nil
        }
        // Shortcut reference: [label]
        let key = Self.referenceKey(string(labelBytes))
        if let definition = definitions[key] {
            usedDefinitions.insert(key)
            guard isHTTP(definition.url) else { return (nil, close + 1) }
            return (LinkSpan(start: i, end: close + 1, url: definition.url, label: inlineText(labelBytes), syntax: .reference), close + 1)
        }
        return nil
    }

    /// Parses `destination "title")` after `](`; returns the destination and the index after `)`.
    func inlineDestination(_ line: [UInt8], from start: Int) -> (String, Int)? {
        let n = line.count
        var k = start
        while k < n, isSpace(line[k]) { k += 1 }
        var destination: String
        if k < n, line[k] == UInt8(ascii: "<") {
            var j = k + 1
            while j < n, line[j] != UInt8(ascii: ">"), line[j] != UInt8(ascii: "<") { j += line[j] == UInt8(ascii: "\\") ? 2 : 1 }
            guard j < n, line[j] == UInt8(ascii: ">") else { return nil }
            destination = string(line[(k + 1)..<j])
            k = j + 1
        } else {
            let begin = k
            var depth = 0
            while k < n {
                let c = line[k]
                if c == UInt8(ascii: "\\"), k + 1 < n { k += 2; continue }
                if c <= 0x20 || c == 0x7F { break }
                if c == UInt8(ascii: "(") { depth += 1 }
                if c == UInt8(ascii: ")") {
                    if depth == 0 { break }
                    depth -= 1
                }
                k += 1
            }
            guard depth == 0 else { return nil }
            destination = string(line[begin..<min(k, n)])
        }
        while k < n, isSpace(line[k]) { k += 1 }
        if k < n, line[k] == UInt8(ascii: "\"") || line[k] == UInt8(ascii: "'") || line[k] == UInt8(ascii: "(") {
            let closer = line[k] == UInt8(ascii: "(") ? UInt8(ascii: ")") : line[k]
            var j = k + 1
            while j < n, line[j] != closer { j += line[j] == UInt8(ascii: "\\") ? 2 : 1 }
            guard j < n else { return nil }
            k = j + 1
            while k < n, isSpace(line[k]) { k += 1 }
        }
        guard k < n, line[k] == UInt8(ascii: ")") else { return nil }
        return (destination, k + 1)
    }

    func autolink(_ line: [UInt8], _ i: Int) -> (LinkSpan, Int)? {
        let n = line.count
        var j = i + 1
        while j < n, line[j] != UInt8(ascii: ">") {
            let c = line[j]
            if c <= 0x20 || c == UInt8(ascii: "<") { return nil }
            j += 1
        }
        guard j < n else { return nil }
        let url = string(line[(i + 1)..<j])
        guard isHTTP(url) else { return nil }
        return (LinkSpan(start: i, end: j + 1, url: url, label: nil, syntax: .autolink), j + 1)
    }

    func bareURL(_ line: [UInt8], _ i: Int) -> LinkSpan? {
        let n = line.count
        var end = i
        while end < n {
            let c = line[end]
            if c <= 0x20 || c == 0x7F || c == UInt8(ascii: "<") || c == UInt8(ascii: ">") || c == UInt8(ascii: "\"") || c == UInt8(ascii: "`") { break }
            end += 1
        }
        let trailing = Set(".,;:!?*_~'".utf8)
        var changed = true
        while changed, end > i {
            changed = false
            let last = line[end - 1]
            if trailing.contains(last) {
                end -= 1; changed = true
            } else if last == UInt8(ascii: ")") || last == UInt8(ascii: "]") {
                let open = last == UInt8(ascii: ")") ? UInt8(ascii: "(") : UInt8(ascii: "[")
                var balance = 0
                for k in i..<end {
                    if line[k] == open { balance += 1 } else if line[k] == last { balance -= 1 }
                }
                if balance < 0 { end -= 1; changed = true }
            }
        }
        let url = string(line[i..<end])
        guard let schemeEnd = url.range(of: "://"), url[schemeEnd.upperBound...].first.map({ $0 != "/" }) == true else { return nil }
        return LinkSpan(start: i, end: end, url: url, label: nil, syntax: .bare)
    }

    func isHTTP(_ url: String) -> Bool {
        let bytes = Array(url.utf8.prefix(8))
        return hasPrefixCI(bytes, 0, Array("http://".utf8)) || hasPrefixCI(bytes, 0, Array("https://".utf8))
    }

    // MARK: text

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

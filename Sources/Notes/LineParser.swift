import DossierCore
import Foundation

/// The parser's walk over a note's lines: block structure (headings,
/// fences, front matter, lists, task boxes), the blocks of the note's own
/// text, and the citations that `scan` finds on each line.

/// A span of a line that is a link: where it is and what it points to.
struct LinkSpan {
    var start: Int
    var end: Int
    var url: String
    var label: String?
    var syntax: LinkSyntax
}

struct Definition {
    var url: String
    var line: Int
    var column: Int
    var label: String
}

struct LineParser {
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
}

import DossierCore
import Foundation

/// The links of one line: Markdown links and images, reference links,
/// autolinks and bare URLs, in that order at each position.
extension LineParser {
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
}

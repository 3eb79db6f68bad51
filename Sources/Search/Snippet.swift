import Analysis

/// A short extract of a passage around its matches, with the matches marked.
public struct Snippet: Sendable, Equatable, Codable {
    /// The extract, with "…" where it cuts the passage.
    public var text: String
    /// Matched words as `[start, end)` offsets in Unicode scalars of `text`.
    public var highlights: [[Int]]

    /// About `words` words of `passage` around its densest cluster of tokens
    /// whose terms `query` asks for (a prefix term matches the terms it begins).
    public static func make(_ passage: String, query: QueryNode, words: Int = 30) -> Snippet {
        let terms = query.phrases.flatMap(\.terms)
        let exact = Set(terms.filter { !$0.prefix }.map(\.text))
        let prefixes = terms.filter(\.prefix).map(\.text)
        var tokens: [(range: Range<Int>, hit: Bool)] = []
        Analyzer().tokenize(passage) { term, _, range in
            let text = String(decoding: term, as: UTF8.self)
            tokens.append((range, exact.contains(text) || prefixes.contains { text.hasPrefix($0) }))
        }
        let utf8 = Array(passage.utf8)
        guard !tokens.isEmpty else { return Snippet(text: passage, highlights: []) }
        // The window of `words` tokens holding the most hits (the first such).
        var best = 0, bestCount = -1, count = 0
        for i in 0..<tokens.count {
            if tokens[i].hit { count += 1 }
            if i >= words, tokens[i - words].hit { count -= 1 }
            let start = max(0, i - words + 1)
            if count > bestCount { bestCount = count; best = start }
        }
        // Within the paragraphs that hold its hits (a heading is a paragraph
        // of its own: it shows only if it matches), then grown to `words`
        // tokens inside them.
        var paragraphOf: [Int] = []
        paragraphOf.reserveCapacity(tokens.count)
        var paragraph = 0, scanned = 0
        for token in tokens {
            while scanned < token.range.lowerBound {
                if utf8[scanned] == UInt8(ascii: "\n") { paragraph += 1 }
                scanned += 1
            }
            paragraphOf.append(paragraph)
        }
        var end = min(tokens.count, best + words)
        let hitParagraphs = (best..<end).filter { tokens[$0].hit }.map { paragraphOf[$0] }
        let first = hitParagraphs.min() ?? paragraphOf[best], last = hitParagraphs.max() ?? paragraphOf[best]
        while best < end, paragraphOf[best] < first { best += 1 }
        while end > best, paragraphOf[end - 1] > last { end -= 1 }
        while end - best < words {
            if end < tokens.count, paragraphOf[end] <= last { end += 1 } else if best > 0, paragraphOf[best - 1] >= first { best -= 1 } else { break }
        }
        // A hit in a short paragraph (a table row, a list item) reads on into
        // the ones after it, never back into a heading above it.
        if end - best < words / 2 {
            while end - best < words, end < tokens.count { end += 1 }
        }
        let startByte = best == 0 ? 0 : tokens[best].range.lowerBound
        var endByte = end == tokens.count ? utf8.count : tokens[end - 1].range.upperBound
        if end < tokens.count, paragraphOf[end] > paragraphOf[end - 1] {
            // The window ends its paragraph: to the paragraph's end, its closing punctuation with it.
            while endByte < utf8.count, utf8[endByte] != UInt8(ascii: "\n") { endByte += 1 }
        }
        var text = best == 0 ? "" : "…"
        var highlights: [[Int]] = []
        var offset = text.unicodeScalars.count
        var cursor = startByte
        for token in tokens[best..<end] where token.hit {
            let before = String(decoding: utf8[cursor..<token.range.lowerBound], as: UTF8.self)
            let word = String(decoding: utf8[token.range], as: UTF8.self)
            text += before
            offset += before.unicodeScalars.count
            let length = word.unicodeScalars.count
            highlights.append([offset, offset + length])
            text += word
            offset += length
            cursor = token.range.upperBound
        }
        text += String(decoding: utf8[cursor..<endByte], as: UTF8.self)
        if end < tokens.count { text += "…" }
        return bounded(text, highlights)
    }

    /// The most characters (Unicode scalars) a snippet holds.
    public static let maxCharacters = 400
    /// The most characters of one run without white space (a word, a URL,
    /// a line of dashes) a snippet shows; a longer run is cut with "…".
    public static let maxRun = 48

    /// `text` within ``maxCharacters``, white space collapsed to one space,
    /// runs without white space cut at ``maxRun``, highlights moved with
    /// the text (a highlight cut short ends where its run was cut; one cut
    /// off entirely is dropped). A passage of one word of 2 MB gives a
    /// snippet of 49 characters, not of 2 MB.
    static func bounded(_ text: String, _ highlights: [[Int]]) -> Snippet {
        var out: [Unicode.Scalar] = []
        // For each scalar of `text` (and its end), where it lands in `out`.
        var landing: [Int] = []
        landing.reserveCapacity(min(text.unicodeScalars.count, 1 << 20) + 1)
        var run = 0, space = false
        for scalar in text.unicodeScalars {
            landing.append(out.count)
            if scalar.properties.isWhitespace {
                run = 0
                if !space { out.append(" ") }
                space = true
                continue
            }
            space = false
            run += 1
            if run <= maxRun { out.append(scalar) } else if run == maxRun + 1 { out.append("…") }
        }
        landing.append(out.count)
        var moved: [[Int]] = []
        for h in highlights where h.count == 2 && h[0] < h[1] && h[1] < landing.count {
            var end = landing[h[1]]
            // A highlight that ends inside a cut run ends at the cut, before its "…".
            if end > 0, out[end - 1] == "…", h[1] - h[0] > maxRun { end -= 1 }
            let start = min(landing[h[0]], end)
            if end > start { moved.append([start, end]) }
        }
        func string(_ scalars: ArraySlice<Unicode.Scalar>) -> String {
            var view = String.UnicodeScalarView()
            view.append(contentsOf: scalars)
            return String(view)
        }
        guard out.count > maxCharacters else { return Snippet(text: string(out[...]), highlights: moved) }
        // Too long still: cut at the last space before the limit.
        var cut = maxCharacters - 1
        if let space = out[..<cut].lastIndex(of: " "), space > maxCharacters / 2 { cut = space }
        return Snippet(text: string(out[..<cut]) + "…", highlights: moved.filter { $0[1] <= cut })
    }
}

extension Snippet {
    /// Every token of `text` whose term `query` asks for, as `[start, end)` Unicode-scalar offsets.
    public static func highlights(in text: String, query: QueryNode) -> [[Int]] {
        let terms = query.phrases.flatMap(\.terms)
        let exact = Set(terms.filter { !$0.prefix }.map(\.text))
        let prefixes = terms.filter(\.prefix).map(\.text)
        let utf8 = Array(text.utf8)
        var ranges: [[Int]] = []
        var scalarOffset = 0, byteCursor = 0
        Analyzer().tokenize(text) { term, _, range in
            let word = String(decoding: term, as: UTF8.self)
            guard exact.contains(word) || prefixes.contains(where: { word.hasPrefix($0) }) else { return }
            scalarOffset += String(decoding: utf8[byteCursor..<range.lowerBound], as: UTF8.self).unicodeScalars.count
            let length = String(decoding: utf8[range], as: UTF8.self).unicodeScalars.count
            ranges.append([scalarOffset, scalarOffset + length])
            scalarOffset += length
            byteCursor = range.upperBound
        }
        return ranges
    }
}

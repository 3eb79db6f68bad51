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
        // Centre a short window on its hits.
        let end = min(tokens.count, best + words)
        let startByte = best == 0 ? 0 : tokens[best].range.lowerBound
        let endByte = end == tokens.count ? utf8.count : tokens[end - 1].range.upperBound
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
        return Snippet(text: text.replacingOccurrences(of: "\n", with: " "), highlights: highlights)
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

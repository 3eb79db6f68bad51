import Analysis

/// A short extract of a passage around its matches, with the matches marked.
public struct Snippet: Sendable, Equatable, Codable {
    /// The extract, with "…" where it cuts the passage.
    public var text: String
    /// Matched words as `[start, end)` offsets in Unicode scalars of `text`.
    public var highlights: [[Int]]

    /// About `words` words of `passage` around the window of tokens that
    /// holds the most of `query`'s phrases (distinct ones first, then
    /// occurrences), centred on them. Only tokens of a phrase's occurrence
    /// are marked: the words of `"comercio de especies"` where they stand
    /// together, not every "de" (a prefix term matches the terms it begins).
    /// The passage is analyzed as the index analyzed it, in `language`.
    public static func make(_ passage: String, query: QueryNode, language: Language? = nil, words: Int = 30) -> Snippet {
        var tokens: [(range: Range<Int>, hit: Bool)] = []
        var phraseOf: [Int] = []
        for (range, phrase) in matches(passage, query, language: language) {
            tokens.append((range, phrase >= 0))
            phraseOf.append(phrase)
        }
        let utf8 = Array(passage.utf8)
        guard !tokens.isEmpty else { return Snippet(text: passage, highlights: []) }
        // The window of `words` tokens holding the most distinct phrases,
        // then the most marked tokens (the first such).
        var inWindow = [Int](repeating: 0, count: (phraseOf.max() ?? -1) + 1)
        var best = 0, bestScore = (-1, -1), distinct = 0, count = 0
        for i in 0..<tokens.count {
            if phraseOf[i] >= 0 {
                count += 1
                if inWindow[phraseOf[i]] == 0 { distinct += 1 }
                inWindow[phraseOf[i]] += 1
            }
            if i >= words, phraseOf[i - words] >= 0 {
                count -= 1
                inWindow[phraseOf[i - words]] -= 1
                if inWindow[phraseOf[i - words]] == 0 { distinct -= 1 }
            }
            if (distinct, count) > bestScore {
                bestScore = (distinct, count)
                best = max(0, i - words + 1)
            }
        }
        // Centred on its marked tokens.
        if let firstHit = (best..<min(tokens.count, best + words)).first(where: { tokens[$0].hit }),
           let lastHit = (best..<min(tokens.count, best + words)).last(where: { tokens[$0].hit }) {
            best = max(0, min(tokens.count - words, (firstHit + lastHit) / 2 - words / 2))
            best = min(best, firstHit)
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
    /// Every token of `text` that `query` marks (``make(_:query:words:)``
    /// says which), as `[start, end)` Unicode-scalar offsets.
    public static func highlights(in text: String, query: QueryNode, language: Language? = nil) -> [[Int]] {
        let utf8 = Array(text.utf8)
        var ranges: [[Int]] = []
        var scalarOffset = 0, byteCursor = 0
        for (range, phrase) in matches(text, query, language: language) where phrase >= 0 {
            scalarOffset += String(decoding: utf8[byteCursor..<range.lowerBound], as: UTF8.self).unicodeScalars.count
            let length = String(decoding: utf8[range], as: UTF8.self).unicodeScalars.count
            ranges.append([scalarOffset, scalarOffset + length])
            scalarOffset += length
            byteCursor = range.upperBound
        }
        return ranges
    }

    /// Each token of `text` (its bytes), with the number of the query's
    /// phrase an occurrence of which it is part, or −1: a one-word phrase
    /// at every token of its term (or of a term its prefix begins), a
    /// longer one only where its terms follow each other (from the first
    /// token, for `^`). A token in occurrences of two phrases takes the first.
    static func matches(_ text: String, _ query: QueryNode, language: Language? = nil) -> [(range: Range<Int>, phrase: Int)] {
        var terms: [String] = []
        var out: [(range: Range<Int>, phrase: Int)] = []
        Analyzer(language: language).tokenize(text) { term, _, range in
            terms.append(String(decoding: term, as: UTF8.self))
            out.append((range, -1))
        }
        func matches(_ term: QueryTerm, _ i: Int) -> Bool { term.matches(terms[i]) }
        for (k, phrase) in query.phrases.enumerated() {
            let n = phrase.terms.count
            guard n > 0, terms.count >= n else { continue }
            for start in 0...(terms.count - n) {
                if phrase.first, start > 0 { break }
                guard (0..<n).allSatisfy({ matches(phrase.terms[$0], start + $0) }) else { continue }
                for i in start..<(start + n) where out[i].phrase < 0 { out[i].phrase = k }
            }
        }
        return out
    }
}

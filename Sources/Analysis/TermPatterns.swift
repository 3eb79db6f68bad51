/// Terms to find in a text, as a page preview outlines them: a term
/// (`permit`), a prefix (`traff*`: every term it begins), or a phrase of
/// them separated by spaces (`captive bred`: those terms on consecutive
/// tokens, as a phrase query matches them). Terms are the index's
/// (``Analyzer``), so "Permits" and "permitted" are words of `permit`.
public struct TermPatterns: Sendable {
    private let patterns: [[(text: String, prefix: Bool)]]

    /// The patterns of `terms` (empty strings and empty phrases are dropped).
    public init(_ terms: [String]) {
        patterns = terms.map { term in
            term.split(separator: " ").compactMap { part in
                let prefix = part.hasSuffix("*")
                let text = prefix ? String(part.dropLast()) : String(part)
                return text.isEmpty ? nil : (text, prefix)
            }
        }.filter { !$0.isEmpty }
    }

    /// Whether there is nothing to find.
    public var isEmpty: Bool { patterns.isEmpty }

    /// For each of `tokens` (terms, in text order), whether it is part of
    /// an occurrence of a pattern.
    public func marks(_ tokens: [String]) -> [Bool] {
        var out = [Bool](repeating: false, count: tokens.count)
        for start in tokens.indices {
            for pattern in patterns where matches(pattern, tokens, at: start) {
                for i in start..<(start + pattern.count) { out[i] = true }
            }
        }
        return out
    }

    /// The length of the longest pattern that occurs in `tokens` from
    /// `start`, if one does.
    public func longest(in tokens: [String], at start: Int) -> Int? {
        patterns.filter { matches($0, tokens, at: start) }.map(\.count).max()
    }

    private func matches(_ pattern: [(text: String, prefix: Bool)], _ tokens: [String], at start: Int) -> Bool {
        start + pattern.count <= tokens.count && pattern.indices.allSatisfy { j in
            pattern[j].prefix ? tokens[start + j].hasPrefix(pattern[j].text) : tokens[start + j] == pattern[j].text
        }
    }
}

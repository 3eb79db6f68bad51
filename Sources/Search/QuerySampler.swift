import Analysis

/// Draws test queries from an index's own vocabulary, for `dossier verify`
/// and benchmarks: single terms that are rare, middling and common; AND, OR
/// and NOT of two; phrases and NEAR groups taken from real passages; prefixes;
/// and nested combinations. Every word is quoted, so each query is valid
/// FTS5 syntax whatever the word.
public struct QuerySampler {
    /// The kinds of query drawn, in turn.
    public enum Kind: String, CaseIterable, Sendable {
        case rare, middle, common, and, or, not, phrase, prefix, near, nested
    }

    var state: UInt64
    let byFrequency: [String]
    let passages: [[String]]

    /// A sampler over `vocabulary` (term → document frequency) and the terms
    /// of some passages (for phrases and NEAR), seeded for repeatable runs.
    /// A term of a language's namespace (``Analysis/Analyzer``) is drawn as
    /// its stem, the word a query would give it from.
    public init(vocabulary: [String: Int], passages: [[String]], seed: UInt64 = 1) {
        state = seed == 0 ? 0x9E37_79B9_7F4A_7C15 : seed
        byFrequency = vocabulary.sorted { $0.value != $1.value ? $0.value < $1.value : $0.key < $1.key }.map { Self.word($0.key) }
        self.passages = passages.map { $0.map(Self.word) }.filter { $0.count >= 2 }
    }

    /// A term as a word: a language's stem without its mark and code.
    static func word(_ term: String) -> String {
        term.utf8.first == Analyzer.languageMark ? String(term.dropFirst(3)) : term
    }

    mutating func next() -> Int {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return Int(state % UInt64(Int.max))
    }

    mutating func below(_ n: Int) -> Int { n <= 1 ? 0 : next() % n }

    func quoted(_ word: String) -> String { "\"" + word.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }

    /// A term from the given third of the vocabulary by document frequency.
    mutating func term(_ band: Int) -> String {
        guard !byFrequency.isEmpty else { return "\"a\"" }
        let third = max(1, byFrequency.count / 3)
        let start = min(byFrequency.count - 1, band * third)
        let end = band == 2 ? byFrequency.count : min(byFrequency.count, start + third)
        return quoted(byFrequency[start + below(max(1, end - start))])
    }

    mutating func anyTerm() -> String { term(below(3)) }

    mutating func bigram() -> (String, String) {
        guard !passages.isEmpty else { return (anyTerm(), anyTerm()) }
        let passage = passages[below(passages.count)]
        let i = below(passage.count - 1)
        return (passage[i], passage[i + 1])
    }

    /// The next query and its kind.
    public mutating func query(_ kind: Kind) -> String {
        switch kind {
        case .rare: return term(0)
        case .middle: return term(1)
        case .common: return term(2)
        case .and: return "\(anyTerm()) AND \(anyTerm())"
        case .or: return "\(anyTerm()) OR \(anyTerm())"
        case .not: return "\(term(2)) NOT \(anyTerm())"
        case .phrase:
            let (a, b) = bigram()
            return quoted(a + " " + b)
        case .prefix:
            let word = byFrequency.isEmpty ? "a" : byFrequency[below(byFrequency.count)]
            return quoted(String(word.prefix(1 + below(3)))) + "*"
        case .near:
            let (a, b) = bigram()
            return "NEAR(\(quoted(a)) \(quoted(b)) \(anyTerm()), \(below(12)))"
        case .nested:
            let (a, b) = bigram()
            return "(\(anyTerm()) OR \(quoted(a + " " + b))) AND (\(anyTerm()) OR (\(term(2)) NOT \(anyTerm())))"
        }
    }
}

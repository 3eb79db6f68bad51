/// The query language users type, turned into FTS5's.
///
/// FTS5's syntax, plus:
/// - `-word` or `-"a phrase"` (after a space or at the start) excludes:
///   `timber -teak` becomes `timber NOT teak`; several exclusions are OR'ed;
/// - lower-case `or`, `and`, `not` stay words, as in FTS5, but earn a hint.
public struct FriendlyQuery: Sendable, Equatable {
    /// The FTS5 query to run.
    public var fts5: String
    /// Advice for the user, if any.
    public var hints: [String]

    /// Rewrites `text`.
    public init(_ text: String) {
        var hints: [String] = []
        var kept: [Substring] = []
        var excluded: [String] = []
        var rest = Substring(text)
        // Split on white space outside quotes.
        var pieces: [Substring] = []
        var current = rest.startIndex
        var inQuote = false
        var start = rest.startIndex
        while current < rest.endIndex {
            let c = rest[current]
            if c == "\"" { inQuote.toggle() }
            if c.isWhitespace && !inQuote {
                if start < current { pieces.append(rest[start..<current]) }
                start = rest.index(after: current)
            }
            current = rest.index(after: current)
        }
        if start < rest.endIndex { pieces.append(rest[start...]) }
        rest = ""
        for piece in pieces {
            if piece.count > 1, piece.first == "-", let next = piece.dropFirst().first, next.isLetter || next.isNumber || next == "\"" {
                excluded.append(String(piece.dropFirst()))
            } else {
                kept.append(piece)
            }
            if ["or", "and", "not"].contains(piece) {
                hints.append("'\(piece)' is searched as a word; write \(piece.uppercased()) for the operator")
            }
        }
        var query = kept.joined(separator: " ")
        if !excluded.isEmpty {
            let exclusion = excluded.count == 1 ? excluded[0] : "(" + excluded.joined(separator: " OR ") + ")"
            if kept.isEmpty {
                hints.append("a query of exclusions alone matches nothing; add words to look for")
                query = ""
            } else {
                query = "(\(query)) NOT \(exclusion)"
            }
        }
        fts5 = excluded.isEmpty ? text : query
        self.hints = hints
    }
}

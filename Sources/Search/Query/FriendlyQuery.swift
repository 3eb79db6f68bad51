/// The query language users type, turned into FTS5's.
///
/// FTS5's syntax, plus:
/// - `-word` or `-"a phrase"` (after a space or at the start) excludes:
///   `timber -teak` becomes `timber NOT teak`; several exclusions are OR'ed;
/// - lower-case `or`, `and`, `not` stay words, as in FTS5, but earn a hint
///   (each hint once, however often its word comes).
public struct FriendlyQuery: Sendable, Equatable {
    /// The FTS5 query to run.
    public var fts5: String
    /// Advice for the user, if any.
    public var hints: [String]

    /// Rewrites `text`.
    public init(_ text: String) {
        // The usual query, without a '-' or white space beyond ASCII:
        // nothing to rewrite, only lower-case operators to point out, in
        // words split at ASCII white space. (The lead bytes C2, E1, E2 and E3
        // begin every white space character beyond ASCII, U+0085 to U+3000;
        // other bytes beyond ASCII are inside words.) One pass over the
        // bytes, which gives up at the first byte that needs the full path.
        if let hints = Self.plainHints(text) {
            fts5 = text
            self.hints = hints
            return
        }
        var hints: [String] = []
        var kept: [Substring] = []
        var excluded: [String] = []
        // Split on white space outside quotes (by scalars: no grapheme breaking).
        let scalars = text.unicodeScalars
        var pieces: [Substring] = []
        var inQuote = false
        var start = scalars.startIndex
        var current = scalars.startIndex
        while current < scalars.endIndex {
            let c = scalars[current]
            if c == "\"" { inQuote.toggle() }
            let next = scalars.index(after: current)
            if c.properties.isWhitespace && !inQuote {
                if start < current { pieces.append(Substring(scalars[start..<current])) }
                start = next
            }
            current = next
        }
        if start < scalars.endIndex { pieces.append(Substring(scalars[start...])) }
        for piece in pieces {
            let first = piece.unicodeScalars.first!
            if first == "-", piece.unicodeScalars.count > 1 {
                let next = piece.unicodeScalars.dropFirst().first!
                if next == "\"" || next.properties.isAlphabetic || next.properties.numericType != nil {
                    excluded.append(String(piece.dropFirst()))
                    continue
                }
            }
            kept.append(piece)
            if piece == "or" || piece == "and" || piece == "not" {
                let hint = Self.operatorHint(String(piece))
                if !hints.contains(hint) { hints.append(hint) }
            }
        }
        guard !excluded.isEmpty else {
            fts5 = text
            self.hints = hints
            return
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

    /// The FTS5 query for `text`, without the hints: `text` itself unless it
    /// holds a `-` or white space beyond ASCII, found in one quick pass over
    /// its bytes (what `search --batch`, which shows no hints, runs).
    public static func fts5(_ text: String) -> String {
        var copy = text
        let plain = copy.withUTF8 { utf8 in
            var special = false
            for byte in utf8 { special = special || Self.mayNeedRewriting(byte) }
            return !special
        }
        return plain ? text : FriendlyQuery(text).fts5
    }

    /// Whether a query holding `byte` may need rewriting: a `-` (an
    /// exclusion), or the lead byte of white space beyond ASCII (C2, E1, E2
    /// and E3 begin every such character, U+0085 to U+3000).
    @inline(__always)
    static func mayNeedRewriting(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "-") || byte == 0xC2 || (byte >= 0xE1 && byte <= 0xE3)
    }

    /// The hint for a lower-case "or", "and" or "not".
    static func operatorHint(_ word: String) -> String {
        "'\(word)' is searched as a word; write \(word.uppercased()) for the operator"
    }

    /// The hints for a query that needs no rewriting, or nil when it may (see `init`).
    static func plainHints(_ text: String) -> [String]? {
        var copy = text
        return copy.withUTF8 { utf8 -> [String]? in
            var hints: [String] = []
            var inQuote = false
            // The current word outside quotes: where it starts, its length, and its last three bytes.
            var start = 0, length = 0
            var bytes: UInt32 = 0
            func check() {
                // "or", "and", "not" as lower-case words.
                let word: UInt32? = length == 2 ? bytes & 0xFFFF : length == 3 ? bytes & 0xFF_FFFF : nil
                if let word, word == 0x6F72 || word == 0x61_6E64 || word == 0x6E_6F74 {
                    let piece = String(decoding: UnsafeBufferPointer(rebasing: utf8[start..<(start + length)]), as: UTF8.self)
                    // Each hint once, however often the word comes.
                    let hint = Self.operatorHint(String(piece))
                    if !hints.contains(hint) { hints.append(hint) }
                }
                length = 0
                bytes = 0
            }
            for i in 0..<utf8.count {
                let byte = utf8[i]
                if Self.mayNeedRewriting(byte) { return nil }
                if byte == UInt8(ascii: "\"") { inQuote.toggle() }
                if !inQuote, byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) {
                    check()
                } else {
                    if length == 0 { start = i }
                    length += 1
                    bytes = bytes << 8 | UInt32(byte)
                }
            }
            check()
            return hints
        }
    }
}

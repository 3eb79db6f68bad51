/// Text → index terms, token for token as SQLite FTS5's
/// `porter unicode61 remove_diacritics 2` tokenizer makes them.
///
/// Our index and the FTS5 cross-check must see the same terms, or the scores
/// could never agree; so this is a port of `fts5_tokenize.c`:
///
/// 1. **unicode61.** A token starts at a *token character* and runs over
///    token characters and *diacritics*. In ASCII the token characters are
///    `[0-9A-Za-z]`; above ASCII they are the categories `L* N* Co` of
///    FTS5's own Unicode tables (measured from SQLite into
///    ``FTS5UnicodeTables``). Every character is folded: ASCII to lower
///    case, others by FTS5's case folding with diacritics removed
///    (`remove_diacritics 2` also strips letters with several marks); a
///    diacritic folds to nothing. U+FFFE and U+FFFF read as U+FFFD, as
///    SQLite's UTF-8 reader has it.
/// 2. **porter.** Tokens of 3 to 64 bytes go through the original Porter
///    stemmer (``PorterStemmer``); shorter and longer ones pass unchanged.
///
/// That is the analysis of English, and of every text whose language is
/// not told. A text in another language (``Language``: French, Spanish,
/// Portuguese, German, Italian, Dutch) is analyzed in its own:
///
/// 1. **unicode61 `remove_diacritics 0`.** The same tokens, folded to lower
///    case only: Snowball's stemmers need the accents (`menacées` → `menac`,
///    but `menacees` → `menace`). The two modes split text at the same
///    places, and removing the diacritics of a mode-0 fold gives the
///    mode-2 fold (the table script checks both on every code point).
/// 2. **Snowball.** Tokens of 3 to 64 bytes go through the language's
///    Snowball stemmer (libstemmer); then the stem's diacritics are
///    removed, as `remove_diacritics 2` would (`été` → `ete`).
/// 3. **The language's namespace.** The term is the byte 0x1F, the
///    language's code and the folded stem: `\u{1F}frmenac`. No English term
///    can be one (0x1F is no token character), and no English prefix query
///    reaches one, so a French stem never matches an English word, and the
///    query side asks for each language's form of a word (a synonym, as
///    FTS5 has them) where the library holds that language.
///
/// The FTS5 cross-check tokenizes with the same rules (CDossierFTS5), so
/// that both engines see the same terms in every language.
///
/// Positions count tokens from 0; offsets are UTF-8 byte offsets into the
/// text, for highlighting.
public struct Analyzer: Sendable {
    /// The language analyzed; nil for English (and any text not told).
    public let language: Language?
    let stemmer: SnowballStemmer?

    /// The first byte of a term in a language other than English.
    public static let languageMark: UInt8 = 0x1F

    /// The analyzer of `language`: FTS5's porter for English (or nil), else
    /// the language's Snowball stemmer in the language's namespace.
    public init(language: Language? = nil) {
        let stemmer = language.flatMap(SnowballStemmer.shared)
        self.language = stemmer == nil ? nil : language
        self.stemmer = stemmer
    }

    /// Calls `body` with each token's term bytes, its position, and its byte range in `text`.
    public func tokenize(_ text: String, _ body: (UnsafeBufferPointer<UInt8>, Int, Range<Int>) -> Void) {
        var copy = text
        copy.withUTF8 { utf8 in tokenize(utf8: utf8, body) }
    }

    /// The terms of `text`, in order.
    public func terms(_ text: String) -> [String] {
        var out: [String] = []
        tokenize(text) { term, _, _ in out.append(String(decoding: term, as: UTF8.self)) }
        return out
    }

    /// The tokens of `text` folded but not stemmed, in order.
    public func foldedTerms(_ text: String) -> [String] {
        var out: [String] = []
        foldedTokens(text) { out.append(String(decoding: $0, as: UTF8.self)) }
        return out
    }

    /// Tokenizes UTF-8 bytes.
    public func tokenize(utf8 text: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>, Int, Range<Int>) -> Void) {
        tokenize(utf8: text, stemming: true, body)
    }

    /// Calls `body` with each token folded but not stemmed, in order (its
    /// position is its place in the sequence). An indexer that sees the same
    /// words again and again stems each distinct one once, with
    /// ``stem(_:into:)``, and remembers the result.
    public func foldedTokens(_ text: String, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        var copy = text
        copy.withUTF8 { utf8 in tokenize(utf8: utf8, stemming: false) { token, _, _ in body(token) } }
    }

    /// ``foldedTokens(_:_:)`` of UTF-8 bytes.
    public func foldedTokens(utf8 text: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        tokenize(utf8: text, stemming: false) { token, _, _ in body(token) }
    }

    /// Calls `body` with the term a token from ``foldedTokens(_:_:)`` indexes as.
    public func term<R>(ofFolded token: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        if stemmer != nil { return languageTerm(token, body) }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: token.count + 8) { buffer in
            body(UnsafeBufferPointer(rebasing: buffer[0..<Self.stem(token, into: buffer)]))
        }
    }

    /// The term of a lower-cased token in the analyzer's language (see the
    /// type's description): the mark, the code, the stem without diacritics.
    func languageTerm<R>(_ token: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        let code = Array(language!.code.utf8)
        func fold(_ stem: UnsafeBufferPointer<UInt8>) -> R {
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: stem.count + 8) { out in
                out[0] = Self.languageMark
                out[1] = code[0]
                out[2] = code[1]
                let length = 3 + Self.removeDiacritics(stem, into: UnsafeMutableBufferPointer(rebasing: out[3...]))
                return body(UnsafeBufferPointer(rebasing: out[0..<length]))
            }
        }
        guard token.count >= 3 && token.count <= PorterStemmer.maximumLength, let stemmer else { return fold(token) }
        return stemmer.stem(token, fold)
    }

    /// Writes `folded` (a token folded to lower case, as a language other
    /// than English folds it) without its diacritics into `out`, as
    /// `remove_diacritics 2` would have folded it; returns the length.
    /// `out` needs as many bytes as `folded`: folding never lengthens.
    @discardableResult
    public static func removeDiacritics(_ folded: UnsafeBufferPointer<UInt8>, into out: UnsafeMutableBufferPointer<UInt8>) -> Int {
        var length = 0
        let tables = CharacterTables.shared
        var i = 0
        while i < folded.count {
            let b = folded[i]
            if b < 0x80 {
                out[length] = b
                length += 1
                i += 1
                continue
            }
            let c = tables.fold(Self.decode(folded, &i))
            guard c != 0 else { continue }
            length += Self.encode(c, into: UnsafeMutableBufferPointer(rebasing: out[length...]))
        }
        return length
    }

    /// The term a folded token indexes as: stemmed when 3 to 64 bytes long,
    /// else unchanged. `buffer` needs 8 bytes more than the token; returns
    /// the term's length in it.
    public static func stem(_ token: UnsafeBufferPointer<UInt8>, into buffer: UnsafeMutableBufferPointer<UInt8>) -> Int {
        _ = buffer.initialize(from: token)
        guard token.count >= 3 && token.count <= PorterStemmer.maximumLength else { return token.count }
        return PorterStemmer.stem(buffer, token.count)
    }

    func tokenize(utf8 text: UnsafeBufferPointer<UInt8>, stemming: Bool, _ body: (UnsafeBufferPointer<UInt8>, Int, Range<Int>) -> Void) {
        // The folded token, on the stack; moved to the heap in the rare case of a huge token.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 256) { stack in
            var buffer = stack
            defer { if buffer.baseAddress != stack.baseAddress { buffer.deallocate() } }
            tokenize(utf8: text, stemming: stemming, buffer: &buffer, body)
        }
    }

    private func tokenize(utf8 text: UnsafeBufferPointer<UInt8>, stemming: Bool, buffer: inout UnsafeMutableBufferPointer<UInt8>,
                          _ body: (UnsafeBufferPointer<UInt8>, Int, Range<Int>) -> Void) {
        // The tables of characters above ASCII are reached only for such a character:
        // an ASCII word touches no table (and counts no reference).
        let stack = buffer.baseAddress
        let caseOnly = stemmer != nil
        var position = 0
        var i = 0
        let n = text.count
        outer: while true {
            var length = 0
            var start = 0
            // Skip separators, find the first token character.
            while true {
                if i >= n { break outer }
                let b = text[i]
                if b & 0x80 != 0 {
                    start = i
                    let c = decode(text, &i)
                    let tables = CharacterTables.shared
                    if tables.isTokenCharacter(c) {
                        let f = caseOnly ? tables.caseFold(c) : tables.fold(c)
                        if f != 0 { append(f, &buffer, &length, stack) }
                        break
                    }
                } else if CharacterTables.isASCIIToken(b) {
                    start = i
                    buffer[0] = b >= 0x41 && b <= 0x5A ? b + 32 : b
                    length = 1
                    i += 1
                    break
                } else {
                    i += 1
                }
            }
            var end = i
            // Run through the token.
            while i < n {
                let b = text[i]
                if b & 0x80 != 0 {
                    let c = decode(text, &i)
                    let tables = CharacterTables.shared
                    if tables.isTokenCharacter(c) || tables.isDiacritic(c) {
                        let f = caseOnly ? tables.caseFold(c) : tables.fold(c)
                        if f != 0 { append(f, &buffer, &length, stack) }
                    } else {
                        break
                    }
                } else if !CharacterTables.isASCIIToken(b) {
                    break
                } else {
                    if length + 1 >= buffer.count - 8 { grow(&buffer, stack) }
                    buffer[length] = b >= 0x41 && b <= 0x5A ? b + 32 : b
                    length += 1
                    i += 1
                }
                end = i
            }
            if stemming && caseOnly {
                languageTerm(UnsafeBufferPointer(rebasing: buffer[0..<length])) { body($0, position, start..<end) }
                position += 1
                continue
            }
            if stemming && length >= 3 && length <= PorterStemmer.maximumLength {
                length = PorterStemmer.stem(buffer, length)
            }
            body(UnsafeBufferPointer(rebasing: buffer[0..<length]), position, start..<end)
            position += 1
        }
    }

    @inline(__always)
    private func decode(_ text: UnsafeBufferPointer<UInt8>, _ i: inout Int) -> UInt32 { Self.decode(text, &i) }

    /// Writes `c` as UTF-8 at the start of `out` (4 bytes free); returns its length.
    @inline(__always)
    static func encode(_ c: UInt32, into out: UnsafeMutableBufferPointer<UInt8>) -> Int {
        if c < 0x80 {
            out[0] = UInt8(c); return 1
        } else if c < 0x800 {
            out[0] = 0xC0 + UInt8((c >> 6) & 0x1F); out[1] = 0x80 + UInt8(c & 0x3F); return 2
        } else if c < 0x10000 {
            out[0] = 0xE0 + UInt8((c >> 12) & 0x0F); out[1] = 0x80 + UInt8((c >> 6) & 0x3F); out[2] = 0x80 + UInt8(c & 0x3F); return 3
        }
        out[0] = 0xF0 + UInt8((c >> 18) & 0x07); out[1] = 0x80 + UInt8((c >> 12) & 0x3F)
        out[2] = 0x80 + UInt8((c >> 6) & 0x3F); out[3] = 0x80 + UInt8(c & 0x3F)
        return 4
    }

    @inline(__always)
    static func decode(_ text: UnsafeBufferPointer<UInt8>, _ i: inout Int) -> UInt32 {
        var c = UInt32(text[i])
        i += 1
        if c >= 0xC0 {
            c = CharacterTables.utf8Lead[Int(c - 0xC0)]
            while i < text.count, text[i] & 0xC0 == 0x80 {
                c = (c << 6) + UInt32(text[i] & 0x3F)
                i += 1
            }
            if c < 0x80 || (c & 0xFFFF_F800) == 0xD800 || (c & 0xFFFF_FFFE) == 0xFFFE { c = 0xFFFD }
        }
        return c
    }

    /// Doubles the token buffer on the heap (the first buffer, `stack`, is not freed).
    private func grow(_ buffer: inout UnsafeMutableBufferPointer<UInt8>, _ stack: UnsafeMutablePointer<UInt8>?) {
        let bigger = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: buffer.count * 2)
        _ = bigger.initialize(from: buffer)
        if buffer.baseAddress != stack { buffer.deallocate() }
        buffer = bigger
    }

    @inline(__always)
    private func append(_ c: UInt32, _ buffer: inout UnsafeMutableBufferPointer<UInt8>, _ length: inout Int, _ stack: UnsafeMutablePointer<UInt8>?) {
        if length + 4 >= buffer.count - 8 { grow(&buffer, stack) }
        if c < 0x80 {
            buffer[length] = UInt8(c); length += 1
        } else {
            length += Self.encode(c, into: UnsafeMutableBufferPointer(rebasing: buffer[length...]))
        }
    }
}

/// Character classes and folding, with a dense table for the Basic
/// Multilingual Plane and binary search above it.
final class CharacterTables: Sendable {
    static let shared = CharacterTables()

    /// Whether ASCII byte `b` is in `[0-9A-Za-z]`: two subtractions, no table.
    @inline(__always) static func isASCIIToken(_ b: UInt8) -> Bool {
        (b | 0x20) &- 0x61 < 26 || b &- 0x30 < 10
    }

    /// SQLite's UTF-8 lead-byte table (sqlite3Utf8Trans1).
    static let utf8Lead: [UInt32] = [
        0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
        0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f,
        0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
        0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x00, 0x01, 0x02, 0x03, 0x00, 0x01, 0x00, 0x00,
    ]

    /// Per BMP code point: bit 0 token character, bit 1 diacritic.
    let bmpClass: [UInt8]
    /// Per BMP code point: its fold.
    let bmpFold: [UInt32]
    let foldAbove: [UInt32: UInt32]
    /// Per BMP code point: its fold to lower case, accents kept (`remove_diacritics 0`).
    let bmpCaseFold: [UInt32]
    let caseFoldAbove: [UInt32: UInt32]

    init() {
        var cls = [UInt8](repeating: 0, count: 0x10000)
        var fold = (0..<0x10000).map { UInt32($0) }
        for b in 0..<128 {
            if Self.isASCIIToken(UInt8(b)) { cls[b] = 1 }
            if b >= 0x41 && b <= 0x5A { fold[b] = UInt32(b + 32) }
        }
        func mark(_ ranges: [UInt32], _ bit: UInt8) {
            for k in stride(from: 0, to: ranges.count, by: 2) where ranges[k] < 0x10000 {
                for c in ranges[k]...min(ranges[k + 1], 0xFFFF) { cls[Int(c)] |= bit }
            }
        }
        mark(FTS5UnicodeTables.tokenCharacterRanges, 1)
        mark(FTS5UnicodeTables.diacriticRanges, 2)
        var above: [UInt32: UInt32] = [:]
        for (from, to) in zip(FTS5UnicodeTables.foldFrom, FTS5UnicodeTables.foldTo) {
            if from < 0x10000 { fold[Int(from)] = to } else { above[from] = to }
        }
        bmpClass = cls
        bmpFold = fold
        foldAbove = above
        var caseFold = (0..<0x10000).map { UInt32($0) }
        for b in 0x41...0x5A { caseFold[b] = UInt32(b + 32) }
        var caseAbove: [UInt32: UInt32] = [:]
        for (from, to) in zip(FTS5UnicodeTables.caseFoldFrom, FTS5UnicodeTables.caseFoldTo) {
            if from < 0x10000 { caseFold[Int(from)] = to } else { caseAbove[from] = to }
        }
        bmpCaseFold = caseFold
        caseFoldAbove = caseAbove
    }

    @inline(__always) func caseFold(_ c: UInt32) -> UInt32 {
        c < 0x10000 ? bmpCaseFold[Int(c)] : (caseFoldAbove[c] ?? c)
    }

    @inline(__always) func isTokenCharacter(_ c: UInt32) -> Bool {
        c < 0x10000 ? bmpClass[Int(c)] & 1 != 0 : Self.inRanges(c, FTS5UnicodeTables.tokenCharacterRanges)
    }

    @inline(__always) func isDiacritic(_ c: UInt32) -> Bool {
        c < 0x10000 ? bmpClass[Int(c)] & 2 != 0 : Self.inRanges(c, FTS5UnicodeTables.diacriticRanges)
    }

    @inline(__always) func fold(_ c: UInt32) -> UInt32 {
        c < 0x10000 ? bmpFold[Int(c)] : (foldAbove[c] ?? c)
    }

    static func inRanges(_ c: UInt32, _ ranges: [UInt32]) -> Bool {
        var lo = 0, hi = ranges.count / 2 - 1
        while lo <= hi {
            let mid = (lo + hi) / 2
            if c < ranges[2 * mid] { hi = mid - 1 } else if c > ranges[2 * mid + 1] { lo = mid + 1 } else { return true }
        }
        return false
    }
}

import Analysis

/// Parses FTS5's query language into a ``QueryNode``.
///
/// The grammar is FTS5's (`fts5parse.y`), without column filters:
///
/// ```text
/// query     := or
/// or        := and ( "OR" and )*
/// and       := not ( "AND" not )*
/// not       := primary ( "NOT" primary )*
/// primary   := "(" or ")" | nearset+            -- juxtaposed nearsets: implicit AND
/// nearset   := "^"? phrase | "NEAR" "(" phrase+ ( "," integer )? ")"
/// phrase    := string "*"? ( "+" string "*"? )*
/// string    := bareword | '"' ( any | '""' )* '"'
/// ```
///
/// So implicit AND binds tightest (`a NOT b c` is `a NOT (b c)`), then NOT,
/// AND, OR; operators are upper-case only (`or` is a word); a bareword is
/// letters, digits, `_` and anything beyond ASCII. Each string is analyzed
/// (``Analysis/Analyzer``) into the phrase's terms; a `*` makes the last
/// term of its string a prefix. `NEAR` without a distance means 10.
///
/// ## Limits
///
/// A query is text from anyone who can reach the search box or the server,
/// so what it may ask is bounded before any of it is evaluated, as Lucene
/// bounds a query's clauses (`maxClauseCount`):
///
/// - at most ``maxBytes`` bytes of UTF-8;
/// - parentheses nested at most ``maxDepth`` deep (the parser descends one
///   level per parenthesis and checks before it does, so no input runs it
///   out of stack);
/// - at most ``maxTerms`` terms, every word of every phrase counted.
///
/// Past a limit the parser throws a ``QuerySyntaxError`` whose
/// ``QuerySyntaxError/isLimit`` is true: one line that names the limit.
/// Every tree it returns is then at most `maxTerms + maxDepth` nodes deep,
/// which bounds the recursion of whatever walks it.
public struct QueryParser: Sendable {
    /// The query's analyzers: the first gives each term's `text`, the
    /// others its alternatives (see ``QueryTerm``).
    let analyzers: [Analyzer]
    var analyzer: Analyzer { analyzers[0] }
    /// Which languages keep each word, when the library's lexicon chooses
    /// (nil: every language of `analyzers`; see ``WordLanguages``).
    let narrowing: WordLanguages?
    /// The stop words that mark a term (``QueryTerm/stop``), folded: those
    /// of English and of the parser's other languages.
    let stopWords: Set<String>

    /// The longest query, in bytes of UTF-8.
    public static let maxBytes = 16 << 10
    /// The deepest nesting of parentheses.
    public static let maxDepth = 64
    /// The most terms a query may hold (each word of a phrase counts).
    public static let maxTerms = 1024

    /// A parser of English queries (FTS5's analysis, and the index's for
    /// a library in English only).
    public init() {
        analyzers = [Analyzer()]
        narrowing = nil
        stopWords = Language.stopWords(of: [.english])
    }

    /// A parser that analyzes each word in English, when `english`, and in
    /// each of `languages` (see ``QueryTerm``): the languages an index
    /// holds besides English, or those a search is narrowed to. With
    /// `narrowing`, each word keeps the forms of the languages that write
    /// it (see ``WordLanguages``).
    public init(languages: [Language], english: Bool = true, narrowing: WordLanguages? = nil) {
        var analyzers = english ? [Analyzer()] : []
        for language in languages where language != .english {
            let analyzer = Analyzer(language: language)
            if analyzer.language != nil { analyzers.append(analyzer) }
        }
        self.analyzers = analyzers.isEmpty ? [Analyzer()] : analyzers
        self.narrowing = self.analyzers.count > 1 ? narrowing : nil
        stopWords = Language.stopWords(of: [.english] + languages.filter { $0 != .english })
    }

    /// Whether a folded token is a stop word of the query's languages.
    func isStop(_ folded: UnsafeBufferPointer<UInt8>) -> Bool {
        // (No stop word is longer; a String of up to 15 bytes is not allocated.)
        folded.count <= 15 && stopWords.contains(String(decoding: folded, as: UTF8.self))
    }

    /// Whether a query's words typed in capitals are acronyms (`WHO`, `US`,
    /// `IT`), never stop words: when the query has lower case too. A query
    /// all in capitals (as some test collections write them) says nothing
    /// by its case.
    static func capitalsAreAcronyms(_ text: String) -> Bool {
        text.utf8.contains { $0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z") }
    }

    /// Whether `typed` is two letters or more, A to Z alone.
    static func isCapitals(_ typed: UnsafeBufferPointer<UInt8>) -> Bool {
        typed.count >= 2 && typed.allSatisfy { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }
    }

    /// Per token of `text`, whether it is typed in capitals (``isCapitals(_:)``).
    func capitals(_ text: String) -> [Bool] {
        var out: [Bool] = []
        var copy = text
        copy.withUTF8 { bytes in
            analyzer.tokenize(utf8: bytes) { _, _, range in out.append(Self.isCapitals(UnsafeBufferPointer(rebasing: bytes[range]))) }
        }
        return out
    }

    /// The words searched so far that left out a language, each with the
    /// codes of those that kept it (see ``WordLanguages``).
    public var narrowedWords: [(word: String, kept: [String])] { narrowing?.narrowed ?? [] }

    /// Whether words are analyzed in more than one language.
    public var isMultilingual: Bool { analyzers.count > 1 }

    /// The terms of a string of the query, each with its forms in every
    /// language (in those that keep it, when `narrowing` chooses and
    /// `narrowed`: not for a prefix), each marked if a stop word; with
    /// `acronyms` (``capitalsAreAcronyms(_:)``), not a word in capitals.
    func analyze(_ text: String, narrowed: Bool = true, acronyms: Bool = false) -> [QueryTerm] {
        var terms = narrowed && narrowing != nil ? analyze(text, narrowing!) : analyzeInAll(text)
        // A word in capitals, in a query of lower case too, is an acronym.
        if acronyms, terms.contains(where: \.stop) {
            for (k, capital) in capitals(text).enumerated() where capital && k < terms.count { terms[k].stop = false }
        }
        return terms
    }

    /// ``analyze(_:narrowed:acronyms:)``, each word's forms in every language.
    private func analyzeInAll(_ text: String) -> [QueryTerm] {
        var terms: [QueryTerm] = []
        analyzer.tokenize(text) { term, _, _ in terms.append(QueryTerm(String(decoding: term, as: UTF8.self))) }
        var k = 0
        analyzer.foldedTokens(text) { token in
            if k < terms.count { terms[k].stop = isStop(token) }
            k += 1
        }
        for other in analyzers.dropFirst() {
            var k = 0
            other.tokenize(text) { term, _, _ in
                // The languages split text at the same places: token k is token k.
                if k < terms.count {
                    let form = String(decoding: term, as: UTF8.self)
                    if form != terms[k].text && !terms[k].alternatives.contains(form) { terms[k].alternatives.append(form) }
                }
                k += 1
            }
        }
        return terms
    }

    /// ``analyze(_:narrowed:acronyms:)`` with each word's forms those of the languages `narrowing` keeps.
    private func analyze(_ text: String, _ narrowing: WordLanguages) -> [QueryTerm] {
        let words = Analyzer().foldedTerms(text)
        let forms = analyzers.map { $0.terms(text) }
        let codes = analyzers.map { $0.language?.code ?? "en" }
        var terms: [QueryTerm] = []
        for (k, word) in words.enumerated() {
            let kept = narrowing.languages(of: word, among: codes, forms: forms.map { k < $0.count ? $0[k] : "" })
            var chosen: [String] = []
            for (a, list) in forms.enumerated() where k < list.count && (kept?.contains(codes[a]) ?? true) && !chosen.contains(list[k]) {
                chosen.append(list[k])
            }
            guard let first = chosen.first else { continue }
            terms.append(QueryTerm(first, alternatives: Array(chosen.dropFirst()), stop: stopWords.contains(word)))
        }
        return terms
    }

    /// Parses `text`.
    public func parse(_ text: String) throws(QuerySyntaxError) -> QueryNode {
        try Self.checkLength(text)
        if let node = plain(text) { return node }
        return try parseInFull(text)
    }

    /// Throws when `text` is longer than ``maxBytes``.
    public static func checkLength(_ text: String) throws(QuerySyntaxError) {
        let bytes = text.utf8.count
        guard bytes <= maxBytes else {
            throw QuerySyntaxError(limit: "the query is \(bytes) bytes long; the most is \(maxBytes)")
        }
    }

    /// Parses `text` with the whole grammar.
    func parseInFull(_ text: String) throws(QuerySyntaxError) -> QueryNode {
        try Self.checkLength(text)
        var state = State(tokens: try Lexer(text).tokens(), parser: self, acronyms: Self.capitalsAreAcronyms(text))
        let node = try state.parseOr()
        if let token = state.peek {
            if token.kind == .minus || token.kind == .colon {
                throw QuerySyntaxError(message: "column filters (\(token.display)) are not supported; put hyphenated words in double quotes", offset: token.offset)
            }
            throw QuerySyntaxError(message: "unexpected \(token.display)", offset: token.offset)
        }
        return node
    }

    /// The query most people type, parsed without the lexer's tokens:
    /// barewords separated by white space, each analyzing to one term, with
    /// AND or OR between some of them. The tree is the grammar's (implicit
    /// AND binds tightest, then AND, then OR, each to the left); anything
    /// else — quotes, parentheses, `*`, `^`, NOT, a word of no term or of
    /// several, an operator out of place — returns nil for the full parser.
    func plain(_ text: String) -> QueryNode? {
        var phrases = 0
        var or: QueryNode?, and: QueryNode?, juxtaposed: QueryNode?
        // (A query of more terms than the limit goes to the full parser, which says so.)
        let read = text.utf8.count <= Self.maxBytes && plainItems(text) { item in
            switch item {
            case .term(let term):
                let node = QueryNode.nearset(.one(Phrase(index: phrases, terms: .one(term))), distance: nil)
                phrases += 1
                juxtaposed = juxtaposed.map { .and($0, node) } ?? node
            case .or:
                let group = and.map { QueryNode.and($0, juxtaposed!) } ?? juxtaposed!
                or = or.map { .or($0, group) } ?? group
                and = nil
                juxtaposed = nil
            case .and:
                and = and.map { .and($0, juxtaposed!) } ?? juxtaposed!
                juxtaposed = nil
            }
        }
        guard read, phrases <= Self.maxTerms, let j = juxtaposed else { return nil }
        let group = and.map { QueryNode.and($0, j) } ?? j
        return or.map { .or($0, group) } ?? group
    }

    /// A plain query (see `plain`) whose words are joined by OR alone, or by
    /// AND alone (written or implied), as its phrases and the operator: the
    /// shape ``Searcher/top(_:k:countUpTo:)-(FlatQuery,_,_)`` answers
    /// without a tree. Nil for any other query, which ``parse(_:)`` reads.
    public func flat(_ text: String) -> FlatQuery? {
        var query = FlatQuery(phrases: [], connective: .or)
        query.phrases.reserveCapacity(4)
        return flat(text, into: &query) ? query : nil
    }

    /// ``flat(_:)`` into `query`, whose array of phrases is reused (a
    /// batch of queries allocates it once); false, `query` undefined, for
    /// a query of another shape.
    public func flat(_ text: String, into query: inout FlatQuery) -> Bool {
        query.phrases.removeAll(keepingCapacity: true)
        // A query past a limit is not flat: `parse` reads it, and says which limit.
        guard text.utf8.count <= Self.maxBytes else { return false }
        var ors = false, ands = false
        var afterTerm = false
        let read = plainItems(text) { item in
            switch item {
            case .term(let term):
                if afterTerm { ands = true }
                query.phrases.append(Phrase(index: query.phrases.count, terms: .one(term)))
                afterTerm = true
            case .or:
                ors = true
                afterTerm = false
            case .and:
                ands = true
                afterTerm = false
            }
        }
        guard read, !query.phrases.isEmpty, query.phrases.count <= Self.maxTerms, !(ors && ands) else { return false }
        query.connective = ands ? .and : .or
        return true
    }

    enum PlainItem {
        case term(QueryTerm)
        case or, and
    }

    /// Reads a plain query's words and operators in order, calling `body`
    /// with each; an operator comes only between two words. False (having
    /// called `body` for some) when the text is not a plain query.
    private func plainItems(_ text: String, _ body: (PlainItem) -> Void) -> Bool {
        let acronyms = Self.capitalsAreAcronyms(text)
        var copy = text
        return copy.withUTF8 { bytes -> Bool in
            // Whether the last item was an operator (or nothing yet): a word must come next.
            var expectingWord = true
            var i = 0
            let n = bytes.count
            while true {
                while i < n, Lexer.isSpace(bytes[i]) { i += 1 }
                if i == n { break }
                let start = i
                while i < n, Lexer.isBareword(bytes[i]) { i += 1 }
                guard i > start, i == n || Lexer.isSpace(bytes[i]) else { return false }
                let word = UnsafeBufferPointer(rebasing: bytes[start..<i])
                if word.count == 2, word[0] == UInt8(ascii: "O"), word[1] == UInt8(ascii: "R") {
                    guard !expectingWord else { return false }
                    body(.or)
                    expectingWord = true
                    continue
                }
                if word.count == 3, word[0] == UInt8(ascii: "A"), word[1] == UInt8(ascii: "N"), word[2] == UInt8(ascii: "D") {
                    guard !expectingWord else { return false }
                    body(.and)
                    expectingWord = true
                    continue
                }
                if word.count == 3, word[0] == UInt8(ascii: "N"), word[1] == UInt8(ascii: "O"), word[2] == UInt8(ascii: "T") { return false }
                // One term, or the full parser.
                var term: QueryTerm?
                var count = 0
                // (Folded, then stemmed: one pass gives the term and whether it is a stop word.)
                analyzer.foldedTokens(utf8: word) { folded in
                    count += 1
                    guard count == 1 else { return }
                    term = analyzer.term(ofFolded: folded) { QueryTerm(String(decoding: $0, as: UTF8.self), stop: isStop(folded)) }
                }
                guard count == 1, var term else { return false }
                if analyzers.count > 1, let each = analyze(String(decoding: word, as: UTF8.self)).first { term = each }
                if term.stop, acronyms, Self.isCapitals(word) { term.stop = false }
                body(.term(term))
                expectingWord = false
            }
            return !expectingWord
        }
    }

    enum Kind: Equatable {
        case string(String, quoted: Bool)
        case lparen, rparen, comma, plus, star, caret, colon, minus
        case and, or, not
    }

    struct Token {
        var kind: Kind
        var offset: Int
        var length: Int

        var display: String {
            switch kind {
            case .string(let s, let quoted): return quoted ? "\"\(s)\"" : "'\(s)'"
            case .lparen: return "'('"
            case .rparen: return "')'"
            case .comma: return "','"
            case .plus: return "'+'"
            case .star: return "'*'"
            case .caret: return "'^'"
            case .colon: return "':'"
            case .minus: return "'-'"
            case .and: return "AND"
            case .or: return "OR"
            case .not: return "NOT"
            }
        }
    }

    /// Splits the query into tokens, reading UTF-8 bytes (every byte above
    /// ASCII belongs to a bareword, as in FTS5); offsets count Unicode
    /// scalars, for the caret under an error.
    struct Lexer {
        let text: String

        init(_ text: String) { self.text = text }

        /// ASCII white space, which separates tokens: a bit of a constant, no branch.
        @inline(__always)
        static func isSpace(_ c: UInt8) -> Bool { c < 64 && (0x1_0000_3E00 as UInt64) &>> UInt64(c) & 1 != 0 }

        /// A byte of a bareword: above ASCII, `[0-9A-Za-z_]` or 0x1A, read from
        /// two 64-bit constants (bit c of one or the other).
        @inline(__always)
        static func isBareword(_ c: UInt8) -> Bool {
            // Bits 0x1A and 0x30–0x39 below 64; 0x41–0x5A, 0x5F and 0x61–0x7A at and above it.
            let low: UInt64 = 0x03FF_0000_0400_0000, high: UInt64 = 0x07FF_FFFE_87FF_FFFE
            return c >= 0x80 || ((c < 64 ? low : high) &>> UInt64(c & 63)) & 1 != 0
        }

        func tokens() throws(QuerySyntaxError) -> [Token] {
            var text = text
            return try text.withUTF8 { bytes in Result { () throws(QuerySyntaxError) in try tokens(bytes) } }.get()
        }

        func tokens(_ bytes: UnsafeBufferPointer<UInt8>) throws(QuerySyntaxError) -> [Token] {
            do {
                var out: [Token] = []
                out.reserveCapacity(8)
                var i = 0, scalar = 0
                /// Scalars in bytes[from..<to].
                func scalars(_ from: Int, _ to: Int) -> Int {
                    var n = 0
                    for k in from..<to where bytes[k] & 0xC0 != 0x80 { n += 1 }
                    return n
                }
                while i < bytes.count {
                    let c = bytes[i]
                    let single: Kind?
                    switch c {
                    case 0x20, 0x09, 0x0A, 0x0D, 0x0B, 0x0C: single = nil
                    case UInt8(ascii: "("): single = .lparen
                    case UInt8(ascii: ")"): single = .rparen
                    case UInt8(ascii: ","): single = .comma
                    case UInt8(ascii: "+"): single = .plus
                    case UInt8(ascii: "*"): single = .star
                    case UInt8(ascii: "^"): single = .caret
                    case UInt8(ascii: ":"): single = .colon
                    case UInt8(ascii: "-"): single = .minus
                    case UInt8(ascii: "\""):
                        var word: [UInt8] = []
                        var j = i + 1
                        var closed = false
                        while j < bytes.count {
                            if bytes[j] == UInt8(ascii: "\"") {
                                if j + 1 < bytes.count, bytes[j + 1] == UInt8(ascii: "\"") {
                                    word.append(bytes[j])
                                    j += 2
                                    continue
                                }
                                closed = true
                                break
                            }
                            word.append(bytes[j])
                            j += 1
                        }
                        guard closed else { throw QuerySyntaxError(message: "unterminated string: a '\"' is missing", offset: scalar) }
                        let length = scalars(i, j + 1)
                        out.append(Token(kind: .string(String(decoding: word, as: UTF8.self), quoted: true), offset: scalar, length: length))
                        scalar += length
                        i = j + 1
                        continue
                    default:
                        guard Self.isBareword(c) else {
                            throw QuerySyntaxError(message: "unexpected '\(Character(Unicode.Scalar(c)))' (put words with punctuation in double quotes)", offset: scalar)
                        }
                        var j = i
                        while j < bytes.count, Self.isBareword(bytes[j]) { j += 1 }
                        let word = String(decoding: UnsafeBufferPointer(rebasing: bytes[i..<j]), as: UTF8.self)
                        let kind: Kind = word == "AND" ? .and : word == "OR" ? .or : word == "NOT" ? .not : .string(word, quoted: false)
                        let length = scalars(i, j)
                        out.append(Token(kind: kind, offset: scalar, length: length))
                        scalar += length
                        i = j
                        continue
                    }
                    if let single { out.append(Token(kind: single, offset: scalar, length: 1)) }
                    scalar += 1
                    i += 1
                }
                return out
            }
        }
    }

    struct State {
        let tokens: [Token]
        let parser: QueryParser
        /// Whether words typed in capitals are acronyms (``QueryParser/capitalsAreAcronyms(_:)``).
        let acronyms: Bool
        var position = 0
        var phraseCount = 0
        /// Parentheses open around the current token.
        var depth = 0
        /// Terms read so far.
        var termCount = 0
        let end: Int

        init(tokens: [Token], parser: QueryParser, acronyms: Bool) {
            self.tokens = tokens
            self.acronyms = acronyms
            self.parser = parser
            end = tokens.last.map { $0.offset + $0.length } ?? 0
        }

        var peek: Token? { position < tokens.count ? tokens[position] : nil }

        func error(_ expected: String) -> QuerySyntaxError {
            if let token = peek { return QuerySyntaxError(message: "expected \(expected), found \(token.display)", offset: token.offset) }
            return QuerySyntaxError(message: "expected \(expected) at the end of the query", offset: end)
        }

        mutating func parseOr() throws(QuerySyntaxError) -> QueryNode {
            var left = try parseAnd()
            while peek?.kind == .or {
                position += 1
                let right = try parseAnd()
                left = Self.or(left, right)
            }
            return left
        }

        mutating func parseAnd() throws(QuerySyntaxError) -> QueryNode {
            var left = try parseNot()
            while peek?.kind == .and {
                position += 1
                let right = try parseNot()
                left = Self.and(left, right)
            }
            return left
        }

        mutating func parseNot() throws(QuerySyntaxError) -> QueryNode {
            var left = try parsePrimary()
            while peek?.kind == .not {
                position += 1
                let right = try parsePrimary()
                left = Self.not(left, right)
            }
            return left
        }

        mutating func parsePrimary() throws(QuerySyntaxError) -> QueryNode {
            guard let token = peek else { throw error("a word, a \"phrase\" or '('") }
            if token.kind == .lparen {
                guard depth < QueryParser.maxDepth else {
                    throw QuerySyntaxError(limit: "parentheses are nested more than \(QueryParser.maxDepth) deep", offset: token.offset)
                }
                position += 1
                depth += 1
                let inner = try parseOr()
                guard peek?.kind == .rparen else { throw error("')'") }
                position += 1
                depth -= 1
                return inner
            }
            if token.kind == .colon || token.kind == .minus {
                throw QuerySyntaxError(message: "column filters (\(token.display)) are not supported: a passage has one column", offset: token.offset)
            }
            guard startsNearset(token) else { throw error("a word, a \"phrase\" or '('") }
            var node = try parseNearset()
            while let next = peek, startsNearset(next) {
                node = Self.implicitAnd(node, try parseNearset())
            }
            return node
        }

        func startsNearset(_ token: Token) -> Bool {
            if case .string = token.kind { return true }
            return token.kind == .caret
        }

        mutating func parseNearset() throws(QuerySyntaxError) -> QueryNode {
            let token = peek!
            if token.kind == .caret {
                position += 1
                guard let next = peek, case .string = next.kind else { throw error("a word after '^'") }
                return Self.nearset(try parsePhrase(first: true).map { [$0] } ?? [], distance: nil)
            }
            if case .string(let word, let quoted) = token.kind, position + 1 < tokens.count, tokens[position + 1].kind == .lparen {
                guard word == "NEAR", !quoted else {
                    throw QuerySyntaxError(message: "'(' cannot follow \(token.display); did you mean NEAR(…)?", offset: tokens[position + 1].offset)
                }
                position += 2
                var phrases: [Phrase] = []
                var sawPhrase = false
                while let next = peek, case .string = next.kind {
                    sawPhrase = true
                    if let phrase = try parsePhrase(first: false) { phrases.append(phrase) }
                }
                guard sawPhrase else { throw error("a phrase inside NEAR(…)") }
                var distance = 10
                if peek?.kind == .comma {
                    position += 1
                    guard let number = peek, case .string(let digits, _) = number.kind else { throw error("a distance after ','") }
                    guard let value = Int(digits), digits.allSatisfy(\.isASCIII) else {
                        throw QuerySyntaxError(message: "expected an integer distance, found \(number.display)", offset: number.offset)
                    }
                    distance = value
                    position += 1
                }
                guard peek?.kind == .rparen else { throw error("')' to close NEAR(") }
                position += 1
                return Self.nearset(phrases, distance: distance)
            }
            return Self.nearset(try parsePhrase(first: false).map { [$0] } ?? [], distance: nil)
        }

        /// A phrase; nil when its strings hold no term.
        mutating func parsePhrase(first: Bool) throws(QuerySyntaxError) -> Phrase? {
            var terms: [QueryTerm] = []
            while true {
                guard let token = peek, case .string(let text, _) = token.kind else { throw error("a word or a \"phrase\"") }
                position += 1
                let before = terms.count
                terms += parser.analyze(text, narrowed: peek?.kind != .star, acronyms: acronyms)
                if peek?.kind == .star {
                    position += 1
                    if terms.count > before { terms[terms.count - 1].prefix = true }
                }
                guard peek?.kind == .plus else { break }
                position += 1
            }
            termCount += terms.count
            guard termCount <= QueryParser.maxTerms else {
                throw QuerySyntaxError(limit: "the query has more than \(QueryParser.maxTerms) terms", offset: peek?.offset ?? end)
            }
            guard !terms.isEmpty else { return nil }
            defer { phraseCount += 1 }
            return Phrase(index: phraseCount, terms: Few(terms), first: first)
        }

        static func nearset(_ phrases: [Phrase], distance: Int?) -> QueryNode {
            phrases.isEmpty ? .empty : .nearset(Few(phrases), distance: distance)
        }

        // FTS5's treatment of nodes that match nothing.
        static func implicitAnd(_ l: QueryNode, _ r: QueryNode) -> QueryNode {
            if l == .empty { return r }
            if r == .empty { return l }
            return .and(l, r)
        }
        static func and(_ l: QueryNode, _ r: QueryNode) -> QueryNode {
            (l == .empty || r == .empty) ? .empty : .and(l, r)
        }
        static func or(_ l: QueryNode, _ r: QueryNode) -> QueryNode {
            if l == .empty { return r }
            if r == .empty { return l }
            return .or(l, r)
        }
        static func not(_ l: QueryNode, _ r: QueryNode) -> QueryNode {
            if l == .empty { return .empty }
            if r == .empty { return l }
            return .not(l, r)
        }
    }
}

extension Character {
    fileprivate var isASCIII: Bool { isASCII && isNumber }
}

import Analysis

/// The query language of the search box: any text is a query.
///
/// Users paste what they read: `re-export certificate`, `Côte d'Ivoire`,
/// `Regulation (EC) No 338/97`, `Art. 5(2)`, `10%`, an open quote. FTS5's
/// grammar rejects most of it. This reading never does (Elasticsearch's
/// `simple_query_string` and tantivy's lenient parser are the models):
///
/// - A word holding punctuation is searched as the phrase of its parts,
///   split exactly as the tokenizer split the indexed text: `re-export` is
///   `"re export"`, `d'Ivoire` is `"d Ivoire"`, `338/97` is `"338 97"`,
///   `U.S.` is `"U S"`; a word of punctuation alone (`%`, `/`, `—`) is
///   dropped.
/// - FTS5's operators keep their meaning where written as FTS5 writes them:
///   `AND`, `OR`, `NOT` in capitals between two operands, balanced
///   `"quotes"` (with `*` after them: a prefix phrase), `NEAR(a b, 5)`,
///   `word*`, `^word`, balanced parentheses. An operator with nothing on
///   one side, a quote or a parenthesis without its partner, is read as
///   text (and, being punctuation, drops out).
/// - `-word` or `-"a phrase"` after a space excludes, as before.
/// - Lower-case `and`, `or`, `not` are words, with a hint.
///
/// When the query run differs from what was typed (beyond the rewriting of
/// exclusions), one hint says how it was read: `searched: "re export"
/// certificate`. A query nested deeper than the parser allows is left as
/// typed, so that the parser's "query too large" answers it.
public struct LenientQuery: Sendable, Equatable {
    /// The FTS5 query to run.
    public var fts5: String
    /// Advice for the user: the hints of ``FriendlyQuery`` and, when the
    /// query was read differently from how it was typed, `searched: …`.
    public var hints: [String]

    /// One piece of the query, once read.
    enum Item: Equatable {
        case operand(String)
        case op(String)
        case open
        case close
    }

    /// Reads `text`.
    public init(_ text: String) {
        let scalars = Array(text.unicodeScalars)
        var hints: [String] = []
        guard Self.nesting(scalars) <= QueryParser.maxDepth else {
            fts5 = text
            self.hints = []
            return
        }
        var reader = Reader(scalars: scalars)
        reader.read()
        for word in reader.lowerCaseOperators {
            let hint = FriendlyQuery.operatorHint(word)
            if !hints.contains(hint) { hints.append(hint) }
        }
        var changed = reader.changed
        let items = Self.joined(Self.cleaned(reader.items, changed: &changed))
        let main = items.map(\.text).joined(separator: " ")
        var query = main
        if !reader.exclusions.isEmpty {
            let exclusion = reader.exclusions.count == 1 ? reader.exclusions[0] : "(" + reader.exclusions.joined(separator: " OR ") + ")"
            if items.isEmpty {
                hints.append("a query of exclusions alone matches nothing; add words to look for")
                query = ""
            } else {
                query = "(\(main)) NOT \(exclusion)"
            }
        }
        if changed, !query.isEmpty {
            let shown = reader.exclusions.isEmpty ? main : main + " " + reader.exclusions.map { "-" + $0 }.joined(separator: " ")
            hints.insert("searched: \(shown)", at: 0)
        }
        fts5 = query
        self.hints = hints
    }

    /// `items` with an explicit AND where a group meets a neighbour: FTS5
    /// reads words side by side as AND'ed, but not a word and a group.
    static func joined(_ items: [Item]) -> [Item] {
        var out: [Item] = []
        for item in items {
            if let last = out.last {
                let lastEnds: Bool = { if case .operand = last { return true }; return last == .close }()
                let startsGroup = item == .open
                let afterGroup: Bool = { if case .operand = item { return last == .close }; return false }()
                if lastEnds && startsGroup || afterGroup { out.append(.op("AND")) }
            }
            out.append(item)
        }
        return out
    }

    /// The deepest nesting of parentheses outside quotes.
    static func nesting(_ scalars: [Unicode.Scalar]) -> Int {
        var depth = 0, deepest = 0, quoted = false
        for c in scalars {
            if c == "\"" { quoted.toggle() }
            guard !quoted else { continue }
            if c == "(" { depth += 1; deepest = max(deepest, depth) }
            if c == ")" { depth = max(0, depth - 1) }
        }
        return deepest
    }

    /// `items` with unpaired parentheses, operators without two operands,
    /// and empty groups taken out; `changed` set if anything was.
    static func cleaned(_ items: [Item], changed: inout Bool) -> [Item] {
        var current = items
        while true {
            var next: [Item] = []
            // Pair the parentheses.
            var keep = [Bool](repeating: true, count: current.count)
            var open: [Int] = []
            for (i, item) in current.enumerated() {
                if item == .open { open.append(i) }
                if item == .close {
                    if open.popLast() == nil { keep[i] = false }
                }
            }
            for i in open { keep[i] = false }
            let paired = current.indices.filter { keep[$0] }.map { current[$0] }
            // An operator needs an operand or a group on each side; a group needs something in it.
            for (i, item) in paired.enumerated() {
                switch item {
                case .op:
                    let before = next.last
                    let after = i + 1 < paired.count ? paired[i + 1] : nil
                    let leftOK: Bool = { if case .operand = before { return true }; return before == .close }()
                    let rightOK: Bool = { if case .operand = after { return true }; return after == .open }()
                    if leftOK && rightOK { next.append(item) }
                case .close where next.last == .open:
                    next.removeLast()
                default:
                    next.append(item)
                }
            }
            if next == current { return next }
            changed = true
            current = next
        }
    }

    /// The scanner: items, exclusions, and what was read differently.
    struct Reader {
        let scalars: [Unicode.Scalar]
        var items: [Item] = []
        var exclusions: [String] = []
        var lowerCaseOperators: [String] = []
        var changed = false
        var i = 0

        init(scalars: [Unicode.Scalar]) { self.scalars = scalars }

        mutating func read() {
            var afterSpace = true
            var exclude = false, initial = false
            while i < scalars.count {
                let c = scalars[i]
                if c.properties.isWhitespace {
                    afterSpace = true
                    i += 1
                    continue
                }
                defer { afterSpace = false }
                if c == "-", afterSpace, i + 1 < scalars.count, !scalars[i + 1].properties.isWhitespace, scalars[i + 1] != "-" {
                    exclude = true
                    i += 1
                    continue
                }
                if c == "^", i + 1 < scalars.count, !scalars[i + 1].properties.isWhitespace {
                    initial = true
                    i += 1
                    continue
                }
                var operand: String?
                if c == "\"" {
                    guard let close = scalars[(i + 1)...].firstIndex(of: "\"") else {
                        // A quote without its partner is text.
                        changed = true
                        i += 1
                        continue
                    }
                    var star = false
                    let inside = Self.string(scalars[(i + 1)..<close])
                    i = close + 1
                    if i < scalars.count, scalars[i] == "*" { star = true; i += 1 }
                    operand = Self.phrase(Self.parts(inside), star: star)
                    if operand == nil { changed = true }
                } else if c == "(" || c == ")" {
                    if exclude || initial { changed = true; exclude = false; initial = false }
                    items.append(c == "(" ? .open : .close)
                    i += 1
                    continue
                } else if let near = readNear() {
                    operand = near
                    // '^' marks a word or a phrase, not a NEAR group.
                    if initial { initial = false; changed = true }
                } else {
                    // A word runs to white space, a quote or a parenthesis; a '('
                    // glued to it is inside it, with its ')': "5(2)", "338/97(a)".
                    var j = i, inner = 0
                    while j < scalars.count, !scalars[j].properties.isWhitespace, scalars[j] != "\"" {
                        if scalars[j] == "(" {
                            guard j > i else { break }
                            inner += 1
                        } else if scalars[j] == ")" {
                            guard inner > 0 else { break }
                            inner -= 1
                        }
                        j += 1
                    }
                    var word = Self.string(scalars[i..<j])
                    i = j
                    if !exclude, !initial, ["AND", "OR", "NOT"].contains(word) {
                        items.append(.op(word))
                        continue
                    }
                    if ["and", "or", "not"].contains(word) { lowerCaseOperators.append(word) }
                    var star = false
                    if word.count > 1, word.hasSuffix("*") { star = true; word.removeLast() }
                    let parts = Self.parts(word)
                    if parts.count == 1, Self.isBareword(word) {
                        operand = word + (star ? "*" : "")
                    } else if parts.count == 1, Self.isBareword(parts[0]) {
                        operand = parts[0] + (star ? "*" : "")
                        changed = true
                    } else {
                        operand = Self.phrase(parts, star: star)
                        changed = true
                    }
                }
                guard var text = operand else {
                    exclude = false
                    initial = false
                    continue
                }
                if initial { text = "^" + text }
                if exclude { exclusions.append(text) } else { items.append(.operand(text)) }
                exclude = false
                initial = false
            }
        }

        /// `NEAR(…)` as FTS5 writes it, its phrases read leniently; nil
        /// (nothing consumed) when the text here is not one.
        mutating func readNear() -> String? {
            let head: [Unicode.Scalar] = ["N", "E", "A", "R", "("]
            guard i + head.count <= scalars.count, Array(scalars[i..<(i + head.count)]) == head,
                  let close = scalars[(i + head.count)...].firstIndex(of: ")") else { return nil }
            var inside = Self.string(scalars[(i + head.count)..<close])
            var distance = ""
            if let comma = inside.lastIndex(of: ","), let number = Int(inside[inside.index(after: comma)...].trimmingCharacters(in: .whitespaces)) {
                distance = ", \(number)"
                inside = String(inside[..<comma])
            }
            // Each quoted phrase or word inside, as elsewhere.
            var phrases: [String] = []
            var inner = Reader(scalars: Array(inside.unicodeScalars))
            inner.read()
            for item in inner.items {
                guard case .operand(var text) = item else { continue }
                // No '^' inside NEAR(…).
                if text.hasPrefix("^") { text.removeFirst(); changed = true }
                phrases.append(text)
            }
            if inner.changed || inner.items.count != phrases.count || !inner.exclusions.isEmpty { changed = true }
            i = close + 1
            guard !phrases.isEmpty else { changed = true; return nil }
            return "NEAR(" + phrases.joined(separator: " ") + distance + ")"
        }

        /// The words of `text` as the tokenizer reads them, as typed.
        static func parts(_ text: String) -> [String] {
            var out: [String] = []
            let bytes = Array(text.utf8)
            Analyzer().tokenize(text) { _, _, range in out.append(String(decoding: bytes[range], as: UTF8.self)) }
            return out
        }

        /// A quoted phrase of `parts` (a prefix phrase with `star`); nil for none.
        static func phrase(_ parts: [String], star: Bool) -> String? {
            guard !parts.isEmpty else { return nil }
            return "\"" + parts.joined(separator: " ") + "\"" + (star ? "*" : "")
        }

        /// Whether FTS5 reads `word` as one bareword: letters, digits,
        /// `_` and anything beyond ASCII, and no keyword.
        static func isBareword(_ word: String) -> Bool {
            !word.isEmpty && !["AND", "OR", "NOT", "NEAR"].contains(word) && word.unicodeScalars.allSatisfy { c in
                c.value >= 0x80 || c == "_" || (c.value >= 0x30 && c.value <= 0x39) || ((c.value | 0x20) >= 0x61 && (c.value | 0x20) <= 0x7A)
            }
        }

        static func string(_ slice: ArraySlice<Unicode.Scalar>) -> String {
            var view = String.UnicodeScalarView()
            view.append(contentsOf: slice)
            return String(view)
        }
    }
}

extension LenientQuery.Item {
    /// The item as FTS5 reads it.
    var text: String {
        switch self {
        case .operand(let text), .op(let text): return text
        case .open: return "("
        case .close: return ")"
        }
    }
}

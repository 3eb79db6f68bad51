/// A parsed query: FTS5's query language as a tree of our own.
///
/// Leaves are *phrases*: one or more terms that must stand at consecutive
/// positions, the last (or any) of them possibly a prefix (`traff*`), and
/// possibly anchored at the first token of the passage (`^`). Phrases are
/// grouped in *nearsets*: a plain phrase is a nearset of one; `NEAR(a b, N)`
/// is a nearset whose phrases must all occur within N tokens of each other.
/// Nearsets combine with AND (explicit, or implicit by juxtaposition), OR and
/// NOT (binary: `a NOT b` is "a and not b").
///
/// Phrases are numbered in the order they appear in the query text: BM25 sums
/// its terms in that order, as FTS5 does. A phrase that analyzes to no term
/// (`""`, `"."`) is dropped; a nearset left without phrases matches nothing
/// (FTS5's `EOF` node), which implicit AND and OR then ignore.
public enum QueryNode: Sendable, Equatable {
    /// Matches nothing.
    case empty
    /// Phrases that must all occur; with a distance, within that many tokens.
    /// (Stored inline: only the operators below are boxed.)
    case nearset(Few<Phrase>, distance: Int?)
    /// Both sides.
    indirect case and(QueryNode, QueryNode)
    /// Either side.
    indirect case or(QueryNode, QueryNode)
    /// The left side, without the right.
    indirect case not(QueryNode, QueryNode)

    /// Every phrase in the tree, in query order.
    public var phrases: [Phrase] {
        switch self {
        case .empty: return []
        case .nearset(let phrases, _): return Array(phrases)
        case .and(let l, let r), .or(let l, let r), .not(let l, let r): return l.phrases + r.phrases
        }
    }
}

/// A query of single-term phrases joined by OR alone or by AND alone, as
/// ``QueryParser/flat(_:)`` reads it from the text: the query most people
/// type, handed to the searcher without a tree.
public struct FlatQuery: Sendable, Equatable {
    /// The phrases, in query order, each of one term.
    public var phrases: [Phrase]
    /// The operator joining them.
    public var connective: Connective

    /// A flat query.
    public init(phrases: [Phrase], connective: Connective) {
        self.phrases = phrases
        self.connective = connective
    }
}

/// The operator joining the phrases of a flat query.
public enum Connective: Sendable, Equatable {
    /// A passage matches if it holds any of them.
    case or
    /// A passage matches if it holds every one.
    case and
}

/// Terms at consecutive positions.
public struct Phrase: Sendable, Equatable {
    /// The phrase's number in query order, from 0.
    public var index: Int
    /// The terms, analyzed.
    public var terms: Few<QueryTerm>
    /// Whether the phrase must start at the passage's first token (`^`).
    public var first: Bool

    /// Creates a phrase.
    public init(index: Int, terms: Few<QueryTerm>, first: Bool = false) {
        self.index = index
        self.terms = terms
        self.first = first
    }
}

/// One analyzed term of a phrase.
///
/// In a library of several languages a word has a form in each (the query
/// is analyzed in every language the index holds): `text` is the first,
/// `alternatives` the others, and a passage matches the term where it
/// holds any of them. The forms are one term for BM25 (its passages are
/// those holding any form, its frequency the sum), as FTS5 scores the
/// synonyms its tokenizer gives a query word, and as a prefix is scored.
public struct QueryTerm: Sendable, Hashable {
    /// The term as the index stores it (folded, stemmed).
    public var text: String
    /// Whether every indexed term that starts with `text` matches.
    public var prefix: Bool
    /// The word's forms in the index's other languages (each a prefix too when `prefix`).
    public var alternatives: [String]
    /// Whether the word, as typed, is a stop word of the query's languages
    /// (``Analysis/Language/isStopWord(folded:in:)``): in an OR ranked by
    /// document it counts for nothing (`Collector/Rescoring.swift`). It
    /// matches as any word does.
    public var stop: Bool

    /// Creates a term.
    public init(_ text: String, prefix: Bool = false, alternatives: [String] = [], stop: Bool = false) {
        self.text = text
        self.prefix = prefix
        self.alternatives = alternatives
        self.stop = stop
    }

    /// Whether the term is one indexed term: no prefix, no other form.
    public var isSingle: Bool { !prefix && alternatives.isEmpty }

    /// Its forms: `text`, then the alternatives.
    public var forms: [String] { alternatives.isEmpty ? [text] : [text] + alternatives }

    /// Whether the indexed term `term` is one of its forms (or starts with one, for a prefix).
    public func matches(_ term: String) -> Bool {
        if prefix { return term.hasPrefix(text) || alternatives.contains { term.hasPrefix($0) } }
        return term == text || alternatives.contains(term)
    }
}

/// A collection that holds one element inline and more in an array.
///
/// Nearly every nearset is one phrase and nearly every phrase one term: as
/// arrays, they cost two allocations per word of a query, a fifth of the
/// time a two-word OR takes. Array literals make one.
public enum Few<Element>: RandomAccessCollection, ExpressibleByArrayLiteral {
    /// One element.
    case one(Element)
    /// Any number of elements.
    case many([Element])

    /// Holds `elements`, inline if there is one.
    public init<S: Sequence>(_ elements: S) where S.Element == Element {
        let array = Array(elements)
        self = array.count == 1 ? .one(array[0]) : .many(array)
    }

    public init(arrayLiteral elements: Element...) { self.init(elements) }

    public var startIndex: Int { 0 }

    public var endIndex: Int {
        switch self {
        case .one: return 1
        case .many(let array): return array.count
        }
    }

    public subscript(position: Int) -> Element {
        switch self {
        case .one(let element):
            precondition(position == 0, "index out of range")
            return element
        case .many(let array): return array[position]
        }
    }
}

extension Few: Sendable where Element: Sendable {}

extension Few: Equatable where Element: Equatable {
    /// Equal elements in the same order, however they are held.
    public static func == (a: Few, b: Few) -> Bool { a.elementsEqual(b) }
}

/// A query that could not be parsed: where, and why.
public struct QuerySyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong.
    public var message: String
    /// The offset of the fault in the query, in Unicode scalars.
    public var offset: Int
    /// Whether the query is well formed but asks more than the parser
    /// allows (``QueryParser/maxBytes``, ``QueryParser/maxDepth``,
    /// ``QueryParser/maxTerms``) rather than breaking the grammar.
    public var isLimit: Bool

    /// Creates an error.
    public init(message: String, offset: Int) {
        self.message = message
        self.offset = offset
        isLimit = false
    }

    /// An error for a query past one of the parser's limits.
    public init(limit message: String, offset: Int = 0) {
        self.message = message
        self.offset = offset
        isLimit = true
    }

    public var description: String {
        isLimit ? "query too large: \(message)" : "syntax error at character \(offset + 1): \(message)"
    }
}

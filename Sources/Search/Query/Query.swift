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
    case nearset([Phrase], distance: Int?)
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
        case .nearset(let phrases, _): return phrases
        case .and(let l, let r), .or(let l, let r), .not(let l, let r): return l.phrases + r.phrases
        }
    }
}

/// Terms at consecutive positions.
public struct Phrase: Sendable, Equatable {
    /// The phrase's number in query order, from 0.
    public var index: Int
    /// The terms, analyzed.
    public var terms: [QueryTerm]
    /// Whether the phrase must start at the passage's first token (`^`).
    public var first: Bool

    /// Creates a phrase.
    public init(index: Int, terms: [QueryTerm], first: Bool = false) {
        self.index = index
        self.terms = terms
        self.first = first
    }
}

/// One analyzed term of a phrase.
public struct QueryTerm: Sendable, Hashable {
    /// The term as the index stores it (folded, stemmed).
    public var text: String
    /// Whether every indexed term that starts with `text` matches.
    public var prefix: Bool

    /// Creates a term.
    public init(_ text: String, prefix: Bool = false) {
        self.text = text
        self.prefix = prefix
    }
}

/// A query that could not be parsed: where, and why.
public struct QuerySyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong.
    public var message: String
    /// The offset of the fault in the query, in Unicode scalars.
    public var offset: Int

    /// Creates an error.
    public init(message: String, offset: Int) {
        self.message = message
        self.offset = offset
    }

    public var description: String { "syntax error at character \(offset + 1): \(message)" }
}

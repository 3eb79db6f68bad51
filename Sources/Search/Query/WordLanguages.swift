import Foundation
import Index

/// Which of the library's languages a query word is searched in.
///
/// A word is analyzed in every language the library holds, each analysis
/// a form of it (``QueryTerm``), because a query does not say its language.
/// But the forms reach further than the word: the French `exportation`
/// stems in English to `export`, and brings every English passage about
/// exports, though no English text writes `exportation`.
///
/// So each word is asked of the index's lexicon (``IndexSnapshot/written(_:)``):
/// how often each language writes it, as typed, per token of its text. A
/// language keeps the word's form where it writes the word at least
/// ``rateShare`` as often as the language that writes it most, or at least
/// ``enoughOccurrences`` times; the others drop it. A word written fewer
/// than ``evidence`` times in the whole library (a typo, a name, a form no
/// text uses) tells nothing, and keeps every language, as does a prefix.
///
/// So `exportation`, written 28 times in a French guide of 30,000 words and
/// once in 400,000 English ones, is searched in French only; `animal`,
/// written in English, French and Spanish, in all three; `commerce`, as
/// soon as English text writes it five times, in English too. `--lang`
/// chooses the languages outright, and then nothing is left out.
///
/// A choice is made per word, once per search, and remembered so that the
/// search can say which words lost a language (``narrowed``).
public final class WordLanguages: @unchecked Sendable {
    /// A language keeps a word it writes at this share of the top rate, or more.
    public static let rateShare = 0.05
    /// A language keeps a word it writes this many times, or more.
    public static let enoughOccurrences = 5.0
    /// Fewer occurrences than this in every language together: every language kept.
    public static let evidence = 3.0

    let snapshot: IndexSnapshot
    let lock = NSLock()
    var choices: [String: Set<String>?] = [:]
    var order: [String] = []

    /// The choices for searches of `snapshot`.
    public init(snapshot: IndexSnapshot) {
        self.snapshot = snapshot
    }

    /// The codes of the languages, among `codes`, that keep the word
    /// `word` (folded as English folds it, unstemmed); nil: all of them.
    public func languages(of word: String, among codes: [String]) -> Set<String>? {
        lock.lock()
        defer { lock.unlock() }
        if let known = choices[word] { return known }
        let chosen = snapshot.written(word).flatMap { Self.choose(among: codes, $0) }
        choices[word] = chosen
        order.append(word)
        return chosen
    }

    /// The rule (see the type's description) over each language's counts.
    public static func choose(among codes: [String], _ written: [String: IndexSnapshot.Written]) -> Set<String>? {
        let counts = codes.map { written[$0] ?? IndexSnapshot.Written(occurrences: 0, tokens: 0) }
        guard counts.reduce(0, { $0 + $1.occurrences }) >= evidence else { return nil }
        let rates = counts.map { $0.tokens > 0 ? $0.occurrences / $0.tokens : 0 }
        let top = rates.max() ?? 0
        var kept = Set<String>()
        for (i, code) in codes.enumerated() where counts[i].occurrences >= enoughOccurrences || rates[i] >= top * rateShare {
            kept.insert(code)
        }
        return kept.count == codes.count || kept.isEmpty ? nil : kept
    }

    /// The words that left out a language, in the order they were asked
    /// about, each with the codes it kept.
    public var narrowed: [(word: String, kept: [String])] {
        lock.lock()
        defer { lock.unlock() }
        return order.compactMap { word in choices[word]!.map { (word, $0.sorted()) } }
    }
}

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
/// language drops the word's form when three things hold: it writes the
/// word less than ``rateShare`` as often as the language that writes it
/// most, and fewer than ``enoughOccurrences`` times; and its form reaches
/// passages beyond the word, more than ``reach`` times as many passages
/// as the language writes the word (the leak: English `export` stands in
/// 262 passages of the shared reports, `exportation` once), or in none (it
/// would find nothing there). A word written
/// fewer than ``evidence`` times in the whole library (a typo, a name, a
/// form no text uses) tells nothing, and keeps every language, as does a
/// prefix.
///
/// So `exportation`, written 12 times in a French guide of 30,000 words and
/// once in 400,000 English ones, is searched in French only; `animal`,
/// written in English, French and Spanish, in all three; `commerce`, as
/// soon as English text writes it five times, in English too; and `Kenya`,
/// which Spanish and French species lists write far more often than
/// English text, in English as well, since English `kenya` finds only
/// the passages that write it. `--lang` chooses the languages outright,
/// and then nothing is left out.
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
    /// A language's form that stands in at most this many times as many
    /// passages as the language writes the word (and in some) leaks nothing: kept.
    public static let reach = 2.0

    let snapshot: IndexSnapshot
    let lock = NSLock()
    var choices: [String: Set<String>?] = [:]
    var order: [String] = []

    /// The choices for searches of `snapshot`.
    public init(snapshot: IndexSnapshot) {
        self.snapshot = snapshot
    }

    /// The codes of the languages, among `codes`, that keep the word
    /// `word` (folded as English folds it, unstemmed), whose form in each
    /// is `forms[i]` (the term the index holds); nil: all of them.
    public func languages(of word: String, among codes: [String], forms: [String]) -> Set<String>? {
        lock.lock()
        defer { lock.unlock() }
        if let known = choices[word] { return known }
        let chosen = snapshot.written(word).flatMap { written in
            Self.choose(among: codes, written) { i in Double(self.snapshot.passagesHolding(forms[i])) }
        }
        choices[word] = chosen
        order.append(word)
        return chosen
    }

    /// The rule (see the type's description) over each language's counts;
    /// `passages(i)` is the number of passages the form in `codes[i]` stands in.
    public static func choose(among codes: [String], _ written: [String: IndexSnapshot.Written],
                              passages: (Int) -> Double) -> Set<String>? {
        let counts = codes.map { written[$0] ?? IndexSnapshot.Written(occurrences: 0, tokens: 0) }
        guard counts.reduce(0, { $0 + $1.occurrences }) >= evidence else { return nil }
        let rates = counts.map { $0.tokens > 0 ? $0.occurrences / $0.tokens : 0 }
        let top = rates.max() ?? 0
        var kept = Set<String>()
        for (i, code) in codes.enumerated() {
            let reached = passages(i)
            if counts[i].occurrences >= enoughOccurrences || rates[i] >= top * rateShare || (reached > 0 && reached <= reach * counts[i].occurrences) {
                kept.insert(code)
            }
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

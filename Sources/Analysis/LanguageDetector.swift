/// The language a text is written in, told from its commonest words.
///
/// Every language writes most of its running text with a few dozen short
/// words (articles, prepositions, conjunctions, auxiliaries) that other
/// languages use rarely or not at all: *the, of, and* in English, *le, les,
/// des, et* in French, *el, los, del, y* in Spanish. A page of prose holds
/// dozens of them; a page of species names, figures or a table holds few.
/// So the detector counts, for each language it knows, the tokens of the
/// text that are among that language's function words (folded as the index
/// folds them: lower case, diacritics removed, so `été` is `ete`), each
/// token's vote shared between the languages whose lists hold it (`de` is
/// French, Spanish, Portuguese and Dutch: a quarter each), and names the
/// language with the most votes when
///
/// - it has at least ``minimumVotes`` of them, and
/// - they come from at least ``minimumWords`` different words, and
/// - it has at least ``minimumMargin`` times the runner-up's votes.
///
/// Otherwise the text is *undetermined* (`nil`): too short, a list of names
/// or numbers, or a mix. A page that is undetermined takes its document's
/// language (the same rule over the votes of all its pages), and a document
/// that is undetermined is analyzed as English, as every text was before
/// languages were told apart.
///
/// Measured on the 382 pages of `../shared/corpus-real` (the CITES trade
/// database guide and the introductions in English, French and Spanish,
/// and the English reports): see docs/BENCHMARKS.md, "Languages".
///
/// Words written in capitals are not counted: in a list of country codes
/// `DE`, `IN`, `NL` are not German, English or Dutch.
///
/// Only the first ``maximumTokens`` tokens are read: a page's language is
/// plain long before its end, and the cost stays flat for huge pages.
public struct LanguageDetector: Sendable {
    /// Votes the winner needs.
    public static let minimumVotes = 4.0
    /// Different function words the winner's votes come from (a page of
    /// formulas votes `e` and `a` hundreds of times, and says nothing).
    public static let minimumWords = 3
    /// How many times the runner-up's votes the winner needs.
    public static let minimumMargin = 1.5
    /// Tokens read from the start of a text.
    public static let maximumTokens = 3000

    /// The detector.
    public init() {}

    /// Votes of each language (in ``Language/detectable`` order) over `text`.
    public func votes(_ text: String) -> Votes {
        var votes = Votes()
        var read = 0
        var seen = Set<UInt64>()
        let table = Self.table
        var copy = text
        copy.withUTF8 { utf8 in
          Analyzer().tokenize(utf8: utf8, stemming: false) { token, _, range in
            guard read < Self.maximumTokens else { return }
            read += 1
            guard token.count <= 7, let entry = table[Self.key(token)] else { return }
            // A word in capitals is a code or a heading (`DE`, `IN`, `NL` in a
            // list of country codes), not running text.
            if utf8[range].allSatisfy({ $0 &- 0x41 < 26 }) { return }
            let share = 1.0 / Double(entry.nonzeroBitCount)
            let first = seen.insert(Self.key(token)).inserted
            for i in 0..<Language.detectable.count where entry & (1 << i) != 0 {
                votes.counts[i] += share
                if first { votes.distinct[i] += 1 }
            }
          }
        }
        votes.tokens = read
        return votes
    }

    /// The language of `text`, or nil when the text does not say.
    public func detect(_ text: String) -> Language? {
        votes(text).winner
    }

    /// Function words counted per language: votes, and the tokens read.
    public struct Votes: Sendable, Equatable {
        public var counts = [Double](repeating: 0, count: Language.detectable.count)
        /// How many different function words voted for each language.
        public var distinct = [Int](repeating: 0, count: Language.detectable.count)
        public var tokens = 0

        public init() {}

        /// The sum of two texts' votes (a document's pages).
        public static func + (a: Votes, b: Votes) -> Votes {
            var sum = a
            for i in sum.counts.indices {
                sum.counts[i] += b.counts[i]
                sum.distinct[i] = max(sum.distinct[i], b.distinct[i])
            }
            sum.tokens += b.tokens
            return sum
        }

        /// The language the votes name, or nil (see ``LanguageDetector``).
        public var winner: Language? {
            var best = -1, bestVotes = 0.0, second = 0.0
            for (i, v) in counts.enumerated() {
                if v > bestVotes { second = bestVotes; bestVotes = v; best = i } else if v > second { second = v }
            }
            guard best >= 0, bestVotes >= LanguageDetector.minimumVotes, distinct[best] >= LanguageDetector.minimumWords,
                  bestVotes >= LanguageDetector.minimumMargin * second else { return nil }
            return Language.detectable[best]
        }
    }

    /// Each function word's languages, as a bit set over ``Language/detectable``.
    static let table: [UInt64: UInt8] = {
        var table: [UInt64: UInt8] = [:]
        for (i, language) in Language.detectable.enumerated() {
            for word in language.functionWords.split(separator: " ") {
                let folded = Analyzer().foldedTerms(String(word))
                precondition(folded.count == 1, "function word \(word) is not one token")
                let bytes = Array(folded[0].utf8)
                precondition(bytes.count <= 7, "function word \(word) is longer than 7 bytes")
                bytes.withUnsafeBufferPointer { table[key($0), default: 0] |= 1 << i }
            }
        }
        return table
    }()

    /// A token of up to 7 bytes, and its length, as one integer.
    @inline(__always) static func key(_ token: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var k: UInt64 = UInt64(token.count)
        for b in token { k = k << 8 | UInt64(b) }
        return k
    }
}

/// A language Dossier tells apart and analyzes in its own way, by its
/// ISO 639-1 code.
public struct Language: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The two-letter code: `en`, `fr`, `es`, …
    public let code: String

    public static let english = Language(known: "en")
    public static let french = Language(known: "fr")
    public static let spanish = Language(known: "es")
    public static let portuguese = Language(known: "pt")
    public static let german = Language(known: "de")
    public static let italian = Language(known: "it")
    public static let dutch = Language(known: "nl")

    /// Every language the detector can name, in a fixed order.
    public static let detectable: [Language] = [.english, .french, .spanish, .portuguese, .german, .italian, .dutch]

    private init(known code: String) { self.code = code }

    /// The language of `code` (any case), or nil when Dossier does not know it.
    public init?(code: String) {
        let lower = code.lowercased()
        guard Self.names[lower] != nil else { return nil }
        self.code = lower
    }

    /// The language's English name: "French".
    public var name: String { Self.names[code] ?? code }

    public var description: String { code }

    public static func < (a: Language, b: Language) -> Bool { a.code < b.code }

    /// Languages named by codes separated by commas or spaces (`en,fr`);
    /// nil when one is unknown.
    public static func list(_ codes: String) -> [Language]? {
        let parts = codes.split(whereSeparator: { $0 == "," || $0 == " " || $0 == "+" })
        var out: [Language] = []
        for part in parts {
            guard let language = Language(code: String(part)) else { return nil }
            if !out.contains(language) { out.append(language) }
        }
        return out.isEmpty ? nil : out
    }

    /// The codes Dossier knows, for messages: "en, fr, es, pt, de, it, nl".
    public static var knownCodes: String { detectable.map(\.code).joined(separator: ", ") }

    private static let names = ["en": "English", "fr": "French", "es": "Spanish", "pt": "Portuguese",
                                "de": "German", "it": "Italian", "nl": "Dutch"]

    /// The language's function words: its most frequent short words in
    /// running text, written as printed (the detector folds them).
    var functionWords: String {
        switch code {
        case "en":
            return "the of and a to in is that for it with as was on are be by this which or from at an have not were has "
                + "been their its they these would there other also such between should may under into than more all any "
                + "only will shall"
        case "fr":
            return "le la les de des du et en un une à est dans pour qui que sur au aux par pas ne sont avec ce cette ces "
                + "ou il elle leur leurs plus été être qu d l n selon entre sous lors ainsi peut doit"
        case "es":
            return "el la los las de del y en a es una un por con para que se al como su sus más lo o este esta estos ser "
                + "son fue han sobre entre también cuando puede debe hasta según"
        case "pt":
            return "o a os as de do da dos das e em um uma para com não por que se ao aos na no nas nos pelo pela são foi "
                + "ser também mais entre sobre pode deve seu sua"
        case "de":
            return "der die das und ist in den von zu mit sich des auf für im dem nicht ein eine als auch es an werden "
                + "aus er hat dass sie nach wird bei einer um am sind noch wie einem über einen so zum kann oder"
        case "it":
            return "il lo la i gli le di a da in con su per tra che e è del della dei delle degli al alla nel nella sul "
                + "come anche più ma non si sono questo questa essere stato può deve un una"
        case "nl":
            return "de het een en van in is op te dat die voor met zijn niet aan er als bij ook door om worden wordt "
                + "naar uit dan maar of tot deze kan moet onder"
        default:
            return ""
        }
    }
}

import Synchronization

/// The words a question is made of besides what it asks about: a
/// language's function words (those ``LanguageDetector`` counts) and the
/// words people ask with (*what, does, say, about, tell me*; *quel, dit,
/// comment*; *qué, dice, cómo*). An assistant sends the researcher's
/// question as typed; when no document holds every word of it, the search
/// falls back to any of its other words (SearchService), as a person
/// retyping the question as keywords would.
///
/// Words are compared folded, as the index folds them (lower case,
/// diacritics removed): `qué` is `que`.
///
/// The same words count for nothing when an OR's documents are ranked
/// (`Search/Collector/Rescoring.swift`): a question pasted as words OR'ed
/// (*I am interested in the effects of…*) should be ranked by what it asks
/// about, not by which documents hold *I*, *am* or *in*. So the lists hold,
/// besides the detector's words and the words of questions, a language's
/// other pronouns, auxiliaries, prepositions and conjunctions
/// (``otherFunctionWords``).
extension Language {
    /// The language's stop words, folded.
    public var stopWords: Set<String> { Self.stopWordsByCode[code] ?? [] }

    /// Every known language's stop words, folded once.
    private static let stopWordsByCode: [String: Set<String>] = {
        let analyzer = Analyzer()
        var out: [String: Set<String>] = [:]
        for language in detectable {
            var words = Set<String>()
            for text in [language.functionWords, language.questionWords, language.otherFunctionWords] {
                analyzer.foldedTokens(text) { words.insert(String(decoding: $0, as: UTF8.self)) }
            }
            out[language.code] = words
        }
        return out
    }()

    /// The stop words of all of `languages`, folded: made once per list of
    /// languages (a parser is made per search).
    public static func stopWords(of languages: [Language]) -> Set<String> {
        let codes = languages.map(\.code)
        return stopWordUnions.withLock { unions in
            if let known = unions[codes] { return known }
            let union = languages.reduce(into: Set<String>()) { $0.formUnion($1.stopWords) }
            unions[codes] = union
            return union
        }
    }

    private static let stopWordUnions = Mutex<[[String]: Set<String>]>([:])

    /// Whether `word` (a word of a query, as typed) is a stop word in any
    /// of `languages`: every token it folds to is one, or a lone letter an apostrophe left.
    public static func isStopWord(_ word: String, in languages: [Language]) -> Bool {
        var tokens: [String] = []
        Analyzer().foldedTokens(word) { tokens.append(String(decoding: $0, as: UTF8.self)) }
        guard !tokens.isEmpty else { return true }
        let stop = stopWords(of: languages)
        // A lone letter beside an apostrophe is an elision or a possessive
        // ("what’s", "l’", "d’"); elsewhere it may be a code ("Appendix I").
        let elided = word.contains("'") || word.contains("\u{2019}")
        return tokens.allSatisfy { (elided && $0.count == 1) || stop.contains($0) }
    }

    /// Words of questions and requests, written as printed.
    var questionWords: String {
        switch code {
        case "en":
            return "what which who whom whose how why when where does do did done is are was were be say says said tell "
                + "about please find show give list explain describe there any some me my you we our us can could "
                + "if so much many"
        case "fr":
            return "quoi quel quelle quels quelles qui comment pourquoi quand où dit disent dire est sont a ont y il "
                + "propos concernant trouver montrer donner liste expliquer je me mon nous vous"
        case "es":
            return "qué cuál cuáles quién quiénes cómo cuándo dónde dice dicen decir hay acerca mostrar encontrar dar "
                + "lista explicar yo me mi nosotros usted"
        case "pt":
            return "quê qual quais quem como quando onde diz dizem dizer há acerca mostrar encontrar eu me meu nós você"
        case "de":
            return "was welche welcher wer wie warum wann wo sagt sagen gibt über zeigen finden ich mir mein wir sie"
        case "it":
            return "cosa quale quali chi come perché quando dove dice dicono dire c'è riguardo mostrare trovare io mi mio noi"
        case "nl":
            return "wat welke wie hoe waarom wanneer waar zegt zeggen over tonen vinden ik mij mijn wij u"
        default:
            return ""
        }
    }

    /// The function words neither list above holds: pronouns, auxiliaries,
    /// prepositions, conjunctions and determiners, written as printed.
    var otherFunctionWords: String {
        switch code {
        case "en":
            return "i am myself ours ourselves your yours yourself yourselves he him his himself she her hers herself it "
                + "itself them theirs themselves this that those being had having doing but because until while against "
                + "through during before after above below up down out off over again further then once here both each "
                + "few most own same nor no too very just now whether either neither upon within without"
        case "fr":
            return "je tu on ma ta sa mes tes ses notre nos votre vos lui eux moi toi soi ceux celle celles celui "
                + "mais donc or ni car si ne pas très aussi avant après pendant chez vers dont lequel laquelle lesquels "
                + "avait avaient était étaient sera seront fait été ayant étant"
        case "es":
            return "él ella ellos ellas nos les le tu tú te se mí ti yo mis tus nuestro nuestra nuestros nuestras "
                + "pero sino ni porque pues si aunque muy ya entonces antes después durante desde contra sin tras "
                + "era eran será serán sido siendo tiene tienen tenía había han ha esto eso aquel aquella cual"
        default:
            return ""
        }
    }
}

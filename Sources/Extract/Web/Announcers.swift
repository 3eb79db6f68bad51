import Foundation

/// # Lines that announce what is not the article
///
/// A list of other stories inside an article's container is introduced by
/// a line of a few words: "Read also:", "Related articles", "Lesen Sie
/// auch", "Das könnte Sie auch interessieren", "Dans la même rubrique",
/// "Te puede interesar", "Zobacz także". The stories after it are taken out
/// when they are mostly links (``MainContent/Reader/dropLinkBlocks(_:)``);
/// teasers with a summary are not, and the line stayed, matching every
/// query about its words. Such a line (a heading, or a block of at most 80
/// characters with no block inside) whose text begins with one of these
/// phrases, as a whole word, is taken out. The phrases are jusText's kind
/// of evidence: a fixed vocabulary per language, here the languages of the
/// library and its neighbours.
extension MainContent {
    static let announcers: [String] = [
        // English
        "related", "read more", "read also", "also read", "see also", "more from", "more on this", "more stories",
        "more news", "you may also like", "you might also like", "recommended for you", "most read", "most popular",
        "latest news", "latest articles", "latest posts", "recent posts", "table of contents", "about the author",
        // German
        "lesen sie auch", "lesen sie mehr", "lies auch", "mehr zum thema", "mehr aus der", "mehr aus dem", "mehr zu diesem",
        "das könnte sie auch interessieren", "das könnte dich auch interessieren", "auch interessant", "weitere artikel",
        "weitere beiträge", "weitere themen", "weitere aktuelle", "weitere nachrichten", "weitere news", "weiterführende",
        "weiterführender", "neueste artikel", "neueste beiträge", "ähnliche artikel", "ähnliche beiträge",
        "empfehlungen", "unsere empfehlung", "meistgelesen", "vorschau auf den nächsten", "über den autor",
        "über die autorin", "passend dazu", "verwandte artikel", "inhaltsverzeichnis",
        // French
        "à lire aussi", "a lire aussi", "lire aussi", "lire la suite", "dans la même rubrique", "sur le même sujet",
        "articles similaires", "articles liés", "voir aussi", "les plus lus", "sommaire",
        // Spanish, Italian, Portuguese
        "lee también", "te puede interesar", "también te puede interesar", "noticias relacionadas",
        "artículos relacionados", "más leídas", "más noticias", "ver también", "leggi anche", "potrebbe interessarti",
        "ti potrebbe interessare", "articoli correlati", "leia também", "veja também", "leia mais",
        // Polish
        "zobacz także", "zobacz też", "czytaj także", "czytaj też", "polecamy", "najnowsze",
    ]

    /// Whether `text` (a short line) begins with an announcer, as a whole word.
    static func announces(_ text: String) -> Bool {
        let line = text.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        guard !line.isEmpty, line.count <= 80 else { return false }
        for phrase in announcers where line.hasPrefix(phrase) {
            let rest = line.dropFirst(phrase.count)
            guard let next = rest.first else { return true }
            if !next.isLetter && !next.isNumber { return true }
        }
        return false
    }

    /// Takes the announcing lines below `root` out.
    static func dropAnnouncers(in root: HTMLNode) {
        for element in root.descendants() where element.parent != nil {
            guard element.isHeading || (element.isBlock && !element.children.contains(where: \.isBlock)) else { continue }
            let statistics = element.statistics()
            guard statistics.length > 0, statistics.length <= 80, announces(element.innerText) else { continue }
            element.remove()
        }
    }
}

import Foundation

/// # Lines that announce what is not the article
///
/// A list of other stories inside an article's container is introduced by
/// a line of a few words: "Read also:", "Related articles", "Lesen Sie
/// auch", "Das könnte Sie auch interessieren", "Dans la même rubrique",
/// "Te puede interesar", "Zobacz także". The stories after it are taken out
/// when they are mostly links (``MainContent/Reader/dropLinkBlocks(_:)``);
/// teasers with a summary are not, and the line stayed, matching every
/// query about its words. Such a line (a heading, or a block of at most
/// ``announcerLength`` characters with no block inside) whose text begins with one of these
/// phrases, as a whole word, is taken out; so is a line of at most 200
/// characters that calls the reader to subscribe, sign up, follow or donate
/// ("To view the full story, please subscribe", "Ja. Ich bin Abonnent.",
/// "Hazte miembro"). The phrases are jusText's kind of evidence: a fixed
/// vocabulary per language, here the languages of the library and its
/// neighbours. Longer paragraphs are never judged by their words.
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

    /// Words of a call to action: subscribe, sign up, follow us, donate, read
    /// on for a fee. Matched at a word's start, in lines of at most
    /// ``callLength`` characters.
    static let callsToAction: [String] = [
        // Not "follow the", "sign up" or "on Instagram": "Follow the money", "parties that sign up to the
        // MoU", "advertised on Instagram" are prose.
        "subscribe", "subscriber", "subscription", "newsletter", "sign up for", "sign up now", "log in to", "follow us",
        "donate", "support us", "download the app", "download our app",
        "read the full story", "view the full story", "for the full story",
        "abonnier", "abonnent", "abonnement", "abo ", "abo.", "weiterlesen", "unterstütze", "jetzt spenden",
        "spenden sie", "ihre spende", "deine spende", "jetzt anmelden",
        "abonnez", "s'abonner", "abonné", "inscrivez", "faire un don", "soutenez",
        "suscríbete", "suscribete", "suscripción", "hazte miembro", "hazte socio",
        "iscriviti", "abbonati", "abbonamento", "subskrybuj", "zaloguj", "prenumerat", "assine", "inscreva",
    ]
    /// Lines of a page's furniture: when it was changed, how long it takes
    /// to read, the picture's credit. A line beginning with one of these,
    /// as a whole word, is furniture.
    static let furniture: [String] = [
        "last modified", "last updated", "reading time", "filed under", "posted in", "featured image",
        "zuletzt aktualisiert", "lesezeit", "der beitrag wurde", "dieser beitrag wurde", "dieser text wurde",
        "titelbild", "beitragsbild", "mis à jour le", "temps de lecture", "tiempo de lectura", "ultima modifica",
        "tempo di lettura", "ten tekst przeczytasz", "czas czytania",
    ]
    /// Field names of a page's furniture (its categories, tags, views, the
    /// picture's credit): a line that begins with one, followed by a colon or
    /// by nothing, is furniture. ("Category A species" is not.)
    static let furnitureFields: [String] = [
        "category", "categories", "tags", "views", "photo", "photos", "image", "picture", "credit", "credits",
        "kategorie", "kategorien", "schlagworte", "schlagwörter", "aufrufe", "foto", "fotos", "bild", "bildquelle",
        "bildnachweis", "catégorie", "catégories", "mots-clés", "categoría", "etiquetas", "imagen", "categoria",
        "kategoria", "tagi",
    ]
    /// Longest line read as furniture.
    static let furnitureLength = 100
    static let furnitureBytes = furniture.map { Array($0.utf8) }
    static let fieldBytes = furnitureFields.map { Array($0.utf8) }

    /// Whether `line` is a page's furniture (``furniture``,
    /// ``furnitureFields``).
    static func isFurniture(_ line: Line) -> Bool {
        if furnitureBytes.contains(where: { line.begins($0) != nil }) { return true }
        for field in fieldBytes {
            guard var after = line.begins(field) else { continue }
            while after < line.end, isSpace(line.bytes[after]) { after += 1 }
            if after == line.end || line.bytes[after] == UInt8(ascii: ":") { return true }
        }
        return false
    }

    /// A short line, lowercased, as UTF-8 bytes, between its white space.
    struct Line {
        let bytes: [UInt8]
        var start = 0, end: Int

        init(_ text: String) {
            // ASCII lowercased by bytes; a line beyond ASCII through Unicode's rules.
            var ascii = Array(text.utf8)
            if ascii.allSatisfy({ $0 < 0x80 }) {
                for i in ascii.indices where (0x41...0x5A).contains(ascii[i]) { ascii[i] |= 0x20 }
                bytes = ascii
            } else {
                bytes = Array(text.lowercased().utf8)
            }
            end = bytes.count
            while start < end, isSpace(bytes[start]) { start += 1 }
            while end > start, isSpace(bytes[end - 1]) { end -= 1 }
        }

        /// Where `phrase` ends, when the line begins with it as a whole word.
        func begins(_ phrase: [UInt8]) -> Int? {
            guard end - start >= phrase.count, bytes[start..<(start + phrase.count)].elementsEqual(phrase) else { return nil }
            let after = start + phrase.count
            return after == end || !isWordByte(bytes[after]) ? after : nil
        }
    }

    /// Longest line read as a call to action.
    static let callLength = 200
    static let announcerBytes = announcers.map { Array($0.utf8) }
    static let calls = PhraseTable(callsToAction)

    /// Whether `line` begins with an announcer, as a whole word.
    static func announces(_ line: Line) -> Bool {
        return announcerBytes.contains { line.begins($0) != nil }
    }

    /// Whether `line` calls the reader to subscribe, sign up,
    /// follow or donate: one of ``callsToAction`` at a word's start.
    static func callsToAction(_ line: Line) -> Bool {
        line.bytes.withUnsafeBufferPointer { calls.firstMatch(in: $0, atWordStarts: true) != nil }
    }

    /// Phrases as UTF-8 bytes, by their first byte: a text's bytes are
    /// each tried against only the phrases that begin with it.
    struct PhraseTable {
        private let byFirstByte: [[[UInt8]]]

        init(_ phrases: [String]) {
            var table = [[[UInt8]]](repeating: [], count: 256)
            for phrase in phrases where !phrase.isEmpty { table[Int(phrase.utf8.first!)].append(Array(phrase.utf8)) }
            byFirstByte = table
        }

        /// Where the first phrase found in `bytes` starts (only at a
        /// word's start, when `atWordStarts`), if any.
        func firstMatch(in bytes: UnsafeBufferPointer<UInt8>, atWordStarts: Bool) -> Int? {
            for at in bytes.indices where !atWordStarts || at == 0 || !isWordByte(bytes[at - 1]) {
                for phrase in byFirstByte[Int(bytes[at])] where phrase.count <= bytes.count - at {
                    var k = 1
                    while k < phrase.count, bytes[at + k] == phrase[k] { k += 1 }
                    if k == phrase.count { return at }
                }
            }
            return nil
        }
    }

    static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (0x09...0x0D).contains(byte) }
    /// A letter or digit, or a byte of a character beyond ASCII (read as a letter).
    static func isWordByte(_ byte: UInt8) -> Bool {
        byte >= 0x80 || (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
    }

    /// Longest line read as an announcer.
    static let announcerLength = 80

    /// Takes the announcing lines below `root` out, in document order; what
    /// is inside a line taken out is not read.
    static func dropAnnouncers(in root: HTMLNode) {
        var stack = Array(root.children.reversed())
        while let element = stack.popLast() {
            guard !element.isText, element.parent != nil else { continue }
            defer { if element.parent != nil { stack.append(contentsOf: element.children.reversed()) } }
            guard element.isHeading || (element.isBlock && !element.children.contains(where: \.isBlock)) else { continue }
            let statistics = element.statistics()
            guard statistics.length > 0, statistics.length <= callLength else { continue }
            let line = Line(element.innerText)
            if statistics.length <= announcerLength && announces(line) {
                // The stories it announces: the block right after it, when
                // that is a list or a run of teasers (a link each).
                if let parent = element.parent, let at = parent.children.firstIndex(where: { $0 === element }),
                   let next = parent.children[(at + 1)...].first(where: { !$0.isText || $0.textLength > 0 }), !next.isText,
                   next.isBlock, !next.isHeading, next.statistics().linkDensity > 0.3 {
                    next.remove()
                }
                element.remove()
            } else if statistics.length <= furnitureLength && isFurniture(line) || callsToAction(line) {
                element.remove()
            }
        }
    }
}

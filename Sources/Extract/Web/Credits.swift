import Foundation

/// # Credits in captions
///
/// A figure's caption says what the picture shows, and often then who took
/// it or owns it: "Seized tusks in Mombasa. Photo: KWS", "… (Foto: dpa)",
/// "© Noah Addis", "(crédito: Minervino Júnior/CB)". The caption is the
/// article's; the credit is not (a photographer's or an agency's name
/// matches no question about the text, and it fills snippets). In a caption
/// (`<figcaption>`, or an element whose `class`/`id` names a caption), the
/// text from the first credit marker to the caption's end is taken out, as
/// are elements the page names as a credit, copyright or source.
extension MainContent {
    /// Where a credit starts: a label and its colon (in the languages of
    /// the library and its neighbours), or a copyright sign. Matched
    /// lowercased, anywhere in a caption's text.
    static let creditMarkers: [String] = [
        "photo:", "photos:", "photograph:", "photography:", "image:", "images:", "picture:", "credit:", "credits:",
        "source:", "foto:", "fotos:", "bild:", "bilder:", "quelle:", "bildquelle:", "bildnachweis:", "fotografie:",
        "crédit:", "crédits:", "crédito:", "credito:", "créditos:", "imagen:", "fuente:", "fonte:", "zdjęcie:",
        "źródło:", "fot.:", "©", "(c) ",
    ]
    /// Names of an element that holds a credit, inside a caption or figure.
    static let creditHints: [[UInt8]] = ["credit", "copyright", "photographer", "source"].map { Array($0.utf8) }
    static let captionHint = Array("caption".utf8)

    /// Whether `node` is a caption: a `<figcaption>` or an element named as one.
    static func isCaption(_ node: HTMLNode) -> Bool {
        node.tag == "figcaption" || (!node.hints.isEmpty && node.hints.contains(captionHint))
    }

    /// Takes the credits out of the captions below `root`.
    static func dropCredits(in root: HTMLNode, arena: NodeArena) {
        for element in root.descendants() where element.parent != nil {
            if !element.hints.isEmpty, element.hints.mentions(creditHints),
               isCaption(element) || element.hasAncestor(where: { $0.tag == "figure" || isCaption($0) }) {
                element.remove()
                continue
            }
            if isCaption(element) { cutCredit(in: element, arena: arena) }
        }
    }

    /// Cuts `caption`'s text at its first credit marker: the text node that
    /// holds it keeps what comes before, and everything after it in the
    /// caption goes.
    static func cutCredit(in caption: HTMLNode, arena: NodeArena) {
        var stack = Array(caption.children.reversed())
        while let node = stack.popLast() {
            guard node.isText else { stack.append(contentsOf: node.children.reversed()); continue }
            guard let cut = creditStart(in: node.text) else { continue }
            // What follows the text node, up to the caption, goes.
            var current = node
            while let parent = current.parent, current !== caption {
                let siblings = parent.children
                if let at = siblings.firstIndex(where: { $0 === current }) {
                    for later in siblings[(at + 1)...] { later.remove() }
                }
                if parent === caption { break }
                current = parent
            }
            node.replace(with: arena.make(tag: "", text: String(node.text[..<cut])))
            return
        }
    }

    /// Where the first credit marker of `text` starts (a parenthesis just
    /// before it included), if any.
    static func creditStart(in text: String) -> String.Index? {
        // Every marker holds a colon, a copyright sign (C2 A9) or a
        // parenthesis: a caption with none of them is let be at once.
        guard text.utf8.contains(where: { $0 == 0x3A || $0 == 0xC2 || $0 == 0x28 }) else { return nil }
        let lowered = text.lowercased()
        // Lowercasing keeps the characters' count for these scripts; a text
        // where it does not is left alone.
        let ascii = text.utf8.allSatisfy { $0 < 0x80 }
        guard ascii || lowered.count == text.count else { return nil }
        let bytes = Array(lowered.utf8)
        guard let at = bytes.withUnsafeBufferPointer({ creditTable.firstMatch(in: $0, atWordStarts: false) }) else { return nil }
        // In characters (the same count in the text as lowercased).
        var offset = ascii ? at : String(decoding: bytes[..<at], as: UTF8.self).count
        let characters = Array(text)
        while offset > 0, characters[offset - 1] == "(" || characters[offset - 1] == " " { offset -= 1 }
        return text.index(text.startIndex, offsetBy: offset)
    }

    /// ``creditMarkers`` by their first byte.
    static let creditTable = PhraseTable(creditMarkers)
}

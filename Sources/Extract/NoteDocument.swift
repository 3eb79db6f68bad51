import DossierCore
import Notes

/// A note as a document: one page per section (the text under one heading),
/// one passage per block (paragraph, list item, quote, heading), each passage
/// remembering the note line it starts on. A hit in a note then points to
/// `note:line` rather than to a page.
public enum NoteDocument {
    /// The document for a parsed note.
    public static func make(_ note: ParsedNote, title fallback: String) -> ExtractedDocument {
        var sections: [[NoteBlock]] = []
        var current: [NoteBlock] = []
        var path: [String]?
        for block in note.blocks {
            if let path, block.headingPath != path, !current.isEmpty {
                sections.append(current)
                current = []
            }
            path = block.headingPath
            current.append(block)
        }
        if !current.isEmpty { sections.append(current) }

        var pages: [ExtractedPage] = []
        for (index, blocks) in sections.enumerated() {
            let texts = TextNormalizer.normalize(pages: blocks.map(\.text))
            var text = String.UnicodeScalarView()
            // Scalars in `text` so far: a UnicodeScalarView counts by walking it.
            var offset = 0
            var passages: [PassageRange] = []
            for (block, blockText) in zip(blocks, texts) where !blockText.isEmpty {
                if offset > 0 { text.append("\n"); offset += 1 }
                let start = offset
                text.append(contentsOf: blockText.unicodeScalars)
                offset += blockText.unicodeScalars.count
                for range in PassageSplitter.split(blockText) {
                    passages.append(PassageRange(start: start + range.start, end: start + range.end, line: block.line))
                }
            }
            pages.append(ExtractedPage(index: index + 1, label: blocks.first?.headingPath.last, text: String(text), passages: passages))
        }
        let title = note.blocks.first { $0.headingPath.count == 1 && $0.text == $0.headingPath[0] }?.text ?? fallback
        return ExtractedDocument(title: title, author: nil, created: nil, modified: nil, pages: pages)
    }
}

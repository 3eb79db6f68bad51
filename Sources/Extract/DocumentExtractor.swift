import Foundation

/// PDF → ``ExtractedDocument``: poppler's page text, normalized for the whole
/// document at once, cut into passages page by page.
public enum DocumentExtractor {
    /// Extracts the PDF at `path`. Runs poppler in this process: call it from
    /// a worker (see ``ExtractionPool``), not from the process that owns the catalog.
    public static func extractPDF(path: String) throws -> ExtractedDocument {
        let raw = try PDFText.read(path: path)
        let texts = TextNormalizer.normalize(pages: raw.pages.map(\.text))
        let pages = zip(raw.pages, texts).map { page, text in
            ExtractedPage(index: page.index, label: page.label, text: text, passages: PassageSplitter.split(text))
        }
        return ExtractedDocument(
            title: raw.title ?? headingLine(raw.pages.first?.text ?? ""),
            author: raw.author, created: raw.created, modified: raw.modified, pages: pages)
    }

    /// The first line of a page that looks like a heading: a few words, some letters, not too long.
    static func headingLine(_ text: String) -> String? {
        for line in text.split(whereSeparator: \.isNewline).prefix(12) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            let letters = trimmed.unicodeScalars.filter { $0.properties.isAlphabetic }.count
            if letters >= 3, trimmed.count <= 120 { return TextNormalizer.normalize(pages: [trimmed]).first }
        }
        return nil
    }
}

import DossierCore
import Foundation

/// PDF → ``ExtractedDocument``: poppler's page text, normalized for the whole
/// document at once, its furniture taken off (``PageFurniture``), cut into
/// passages page by page.
public enum DocumentExtractor {
    /// Extracts the PDF at `path`. Runs poppler in this process: call it from
    /// a worker (see ``ExtractionPool``), not from the process that owns the catalog.
    public static func extractPDF(path: String) throws -> ExtractedDocument {
        let raw = try PDFText.read(path: path)
        // Running heads, feet and page numbers off the text (PageFurniture).
        let stripped = PageFurniture.strip(TextNormalizer.normalize(pages: raw.pages.map(\.text)))
        let labels = PageFurniture.labels(given: raw.pages.map(\.label), numbers: stripped.numbers)
        let pages = raw.pages.indices.map { i in
            let page = raw.pages[i], text = stripped.texts[i]
            return ExtractedPage(index: page.index, label: labels[i], text: text, passages: PassageSplitter.split(text),
                                 ocr: page.needsOCR ? .pending : nil, furniture: stripped.furniture[i])
        }
        return ExtractedDocument(
            title: title(metadata: raw.title, largestText: raw.largestText,
                         firstPage: raw.pages.first(where: { PDFText.hasWords($0.text) })?.text ?? "",
                         producers: [raw.producer, raw.creator].compactMap { $0 }),
            author: raw.author, created: raw.created, modified: raw.modified, pages: pages)
    }

    /// Extracts the web page at `path`: its article (``HTMLText``), one page,
    /// its sections cut into passages separately so that no passage runs
    /// across a heading; its metadata (``WebMetadata``).
    public static func extractHTML(path: String) throws -> ExtractedDocument {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw ExtractionError.unreadable("cannot read the file")
        }
        let page = try HTMLText.read(data)
        let sections = TextNormalizer.normalize(pages: page.sections).filter { !$0.isEmpty }
        var text = String.UnicodeScalarView()
        var passages: [PassageRange] = []
        for section in sections {
            if !text.isEmpty { text.append("\n") }
            let offset = text.count
            text.append(contentsOf: section.unicodeScalars)
            passages += PassageSplitter.split(section).map { PassageRange(start: offset + $0.start, end: offset + $0.end) }
        }
        let metadata = page.metadata
        return ExtractedDocument(title: page.title, author: metadata.author, created: metadata.published, modified: metadata.modified,
                                 pages: [ExtractedPage(index: 1, label: nil, text: String(text), passages: passages)],
                                 site: metadata.site, canonicalURL: metadata.canonical, doi: metadata.doi,
                                 articleFound: page.articleFound, extractor: version(of: .html))
    }

    /// The version of the extraction of `kind`, raised when a change makes
    /// the text of documents already stored worth extracting again; the
    /// next update does so (their numbers stay). Web pages: 1 since their
    /// article is told from the page around it (``MainContent``).
    public static func version(of kind: DocumentKind) -> Int {
        kind == .html ? 1 : 0
    }

    /// Extracts the document at `path`, a PDF or a web page, by its bytes.
    public static func extract(path: String) throws -> ExtractedDocument {
        try DocumentKind.sniff(path: path) == .pdf ? extractPDF(path: path) : extractHTML(path: path)
    }

    /// A PDF's title: its document information's, unless that looks like a
    /// file name, a placeholder or a producer's stamp ("report_v2.docx",
    /// "Microsoft Word - Draft", "Untitled", "XeTeX output 2006.08.24:1913",
    /// the name of the program that made the file); else the text in the
    /// largest type of the first page with text (a title wrapped over
    /// lines, whole); else that page's first line that looks like a heading.
    static func title(metadata: String?, largestText: String?, firstPage: String, producers: [String] = []) -> String? {
        if let metadata, looksLikeTitle(metadata),
           !producers.contains(where: { $0.trimmingCharacters(in: .whitespaces).caseInsensitiveCompare(metadata.trimmingCharacters(in: .whitespaces)) == .orderedSame }) {
            return TextNormalizer.normalize(pages: [metadata]).first
        }
        if let largestText { return TextNormalizer.normalize(pages: [largestText]).first }
        return headingLine(firstPage)
    }

    /// Whether a PDF's document-information title is worth showing.
    static func looksLikeTitle(_ text: String) -> Bool {
        let lower = text.lowercased()
        guard text.unicodeScalars.filter(\.properties.isAlphabetic).count >= 3 else { return false }
        if lower.hasPrefix("microsoft word - ") || lower.hasPrefix("microsoft powerpoint - ") { return false }
        let extensions = [".doc", ".docx", ".pdf", ".tex", ".dvi", ".indd", ".qxd", ".rtf", ".odt", ".ppt", ".pptx", ".xls", ".xlsx", ".ps", ".eps"]
        if extensions.contains(where: { lower.hasSuffix($0) }) { return false }
        // A file name's words joined by underscores, with no space.
        if text.contains("_"), !text.contains(" ") { return false }
        let trimmed = lower.trimmingCharacters(in: .whitespaces)
        if stamps.contains(where: { trimmed.range(of: $0, options: .regularExpression) != nil }) { return false }
        return true
    }

    /// What programs write as a title when nobody gave one: a TeX engine's
    /// output stamp, a printer driver's, an office program's default name
    /// for a new file (`Document1`, `Presentation1`, `Slide 1`).
    static let stamps = [
        #"^(xe|pdf|lua)?(la)?tex output\b"#, #"\boutput \d{4}\.\d\d\.\d\d"#, #"^dvips"#, #"^(gpl )?ghostscript"#,
        #"^(adobe )?acrobat (distiller|pdfmaker)"#, #"^microsoft (word|excel|powerpoint)( -|$)"#,
        #"^(powerpoint|word|excel) (presentation|document)$"#,
        #"^(document|presentation|book|workbook|untitled|slide|sheet|doc|page)[ _-]?\d*$"#,
        #"^(title|none|unknown|n/a|no title|blank)$"#,
    ]

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

import DossierCore
import Foundation

/// PDF → ``ExtractedDocument``: poppler's page text, normalized for the whole
/// document at once, its furniture taken off (``PageFurniture``), cut into
/// passages page by page, a paragraph cut by a page break one passage.
public enum DocumentExtractor {
    /// Extracts the PDF at `path`. Runs poppler in this process: call it from
    /// a worker (see ``ExtractionPool``), not from the process that owns the catalog.
    public static func extractPDF(path: String) throws -> ExtractedDocument {
        let raw = try PDFText.read(path: path)
        // Running heads, feet and page numbers off the text (PageFurniture).
        let stripped = PageFurniture.strip(TextNormalizer.normalize(pages: raw.pages.map(\.text)))
        let labels = PageFurniture.labels(given: raw.pages.map(\.label), numbers: stripped.numbers)
        // A paragraph cut by a page break is one passage (PassageSplitter); a scan, which OCR reads alone, joins none.
        let passages = PassageSplitter.split(pages: stripped.texts, joins: raw.pages.map { !$0.needsOCR })
        let pages = raw.pages.indices.map { i in
            let page = raw.pages[i], text = stripped.texts[i]
            return ExtractedPage(index: page.index, label: labels[i], text: text, passages: passages[i],
                                 ocr: page.needsOCR ? .pending : nil, furniture: stripped.furniture[i], section: stripped.heads[i])
        }
        // Every reading of its metadata; the catalog's title, author, date and DOI are the first of each.
        let readings = PDFMetadata.candidates(raw: raw, texts: stripped.texts, furniture: stripped.furniture)
        let metadata = DocumentMetadata.resolve(readings)
        return ExtractedDocument(
            title: metadata[.title], author: metadata[.authors], created: metadata[.issued] ?? raw.created, modified: raw.modified,
            pages: pages, doi: metadata[.doi], extractor: version(of: .pdf), metadata: readings)
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
                                 articleFound: page.articleFound, extractor: version(of: .html), metadata: readings(of: metadata, title: page.title))
    }

    /// A web page's metadata as readings from the page itself (``MetadataSource/page``).
    static func readings(of metadata: WebMetadata, title: String?) -> [MetadataCandidate] {
        var found: [MetadataCandidate] = []
        if let title = title ?? metadata.title { found.append(MetadataCandidate(.title, .page, title)) }
        let authors = metadata.author.map(MetadataAuthors.split) ?? []
        if !authors.isEmpty { found.append(MetadataCandidate(.authors, .page, authors.joined(separator: "; "))) }
        if let issued = metadata.published.flatMap(MetadataDate.normalize) { found.append(MetadataCandidate(.issued, .page, issued)) }
        if let site = metadata.site { found.append(MetadataCandidate(.publisher, .page, site)) }
        if let doi = metadata.doi { found.append(MetadataCandidate(.doi, .page, doi)) }
        if let language = metadata.language, case .success(let tag) = MetadataField.language.normalize(language) {
            found.append(MetadataCandidate(.language, .page, tag))
        }
        return found
    }

    /// The version of the extraction of `kind`, raised when a change makes
    /// the text of documents already stored worth extracting again; the
    /// next update does so (their numbers stay). Web pages: 1 since their
    /// article is told from the page around it (``MainContent``); 2 since
    /// their metadata is kept reading by reading. PDFs: 1 since their
    /// metadata is (``PDFMetadata``), 2 since each page's running head is
    /// kept as its section (``PageFurniture``), 3 since a footnote mark
    /// against a capital is told (``PageLayout``), 4 since numbered
    /// footnotes stay text and a running foot amid a page goes, 5 since a
    /// paragraph cut by a page break is one passage (``PassageSplitter``).
    public static func version(of kind: DocumentKind) -> Int {
        switch kind {
        case .html: return 2
        case .pdf: return 5
        default: return 0
        }
    }

    /// Extracts the document at `path`, a PDF or a web page, by its bytes.
    public static func extract(path: String) throws -> ExtractedDocument {
        try DocumentKind.sniff(path: path) == .pdf ? extractPDF(path: path) : extractHTML(path: path)
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

/// What extraction makes of one document: metadata and, page by page, the
/// normalized text and the passages cut from it.
///
/// The extract stage makes it; the catalog stores it. It lives here, in the
/// vocabulary every stage shares, so that the catalog depends on no stage.
/// It is also the message an extraction worker process writes (as JSON) for
/// its parent, so it is `Codable` and holds only plain values.
public struct ExtractedDocument: Codable, Sendable, Equatable {
    /// Title from the document information, else the first heading-like line.
    public var title: String?
    /// Author from the document information.
    public var author: String?
    /// Creation date (ISO 8601), if the document says.
    public var created: String?
    /// Modification date (ISO 8601), if the document says.
    public var modified: String?
    /// Every page, in order.
    public var pages: [ExtractedPage]
    /// For a web page: the site or publisher that put it out.
    public var site: String?
    /// For a web page: the address it gives as its own (`rel=canonical`).
    public var canonicalURL: String?
    /// A DOI the document declares.
    public var doi: String?
    /// For a web page: false when no article could be told from the page
    /// around it, so that the whole visible page is its text.
    public var articleFound: Bool?
    /// Which version of its kind's extraction made it (the extract stage's
    /// `DocumentExtractor.version(of:)`): an update extracts again a
    /// document an older version made. Nil reads as 0.
    public var extractor: Int?
    /// Every reading of its citation metadata, with where it was read
    /// (``DocumentMetadata``); nil reads as none.
    public var metadata: [MetadataCandidate]?

    /// Creates a document.
    public init(title: String?, author: String?, created: String?, modified: String?, pages: [ExtractedPage],
                site: String? = nil, canonicalURL: String? = nil, doi: String? = nil, articleFound: Bool? = nil,
                extractor: Int? = nil, metadata: [MetadataCandidate]? = nil) {
        self.title = title
        self.author = author
        self.created = created
        self.modified = modified
        self.pages = pages
        self.site = site
        self.canonicalURL = canonicalURL
        self.doi = doi
        self.articleFound = articleFound
        self.extractor = extractor
        self.metadata = metadata
    }

    /// Pages that have text: their own, or only furniture (a figure under
    /// its running head is not a scan).
    public var pagesWithText: Int { pages.filter { !$0.text.isEmpty || !$0.furniture.isEmpty }.count }

    /// Whether most pages have no text (scanned images): such a document needs OCR.
    public var needsOCR: Bool { !pages.isEmpty && pagesWithText * 2 < pages.count }
}

/// One page: its physical index, its printed label, its text and passages.
public struct ExtractedPage: Codable, Sendable, Equatable {
    /// 1-based physical page index.
    public var index: Int
    /// The printed page label ("iv", "12"), when the PDF defines one.
    public var label: String?
    /// The page's normalized text ("" for a page without text).
    public var text: String
    /// Passages as `[start, end)` offsets in Unicode scalars of `text`.
    public var passages: [PassageRange]
    /// Whether the page is a scan waiting for OCR (no word in its text
    /// layer, images over most of it); nil for a page with a text layer.
    public var ocr: OCRState?
    /// Its furniture: running heads and feet, its page number, as printed
    /// (kept out of `text` and its passages).
    public var furniture: [String]
    /// Its running head: the section of the document it is in, as the
    /// pages print it at their top (nil when they print none).
    public var section: String?

    /// Creates a page.
    public init(index: Int, label: String?, text: String, passages: [PassageRange], ocr: OCRState? = nil, furniture: [String] = [],
                section: String? = nil) {
        self.index = index
        self.label = label
        self.text = text
        self.passages = passages
        self.ocr = ocr
        self.furniture = furniture
        self.section = section
    }
}

/// Where a scanned page stands with OCR.
public enum OCRState: String, Codable, Sendable, Equatable {
    /// Not read yet (a later update reads it, within its OCR budget).
    case pending
    /// Read: its text is OCR's.
    case done
    /// OCR failed or ran out of time on it (its error is kept).
    case failed
}

/// A passage's place in its page text, in Unicode scalars.
public struct PassageRange: Codable, Sendable, Equatable {
    /// First scalar.
    public var start: Int
    /// One past the last scalar.
    public var end: Int
    /// For a note, the 1-based line the passage starts on.
    public var line: Int?
    /// For the last passage of a page whose last paragraph runs onto the
    /// next page: how many scalars of the next page's text it goes on
    /// with (that page's passages start after them). Nil for a passage
    /// that ends on its page, as every other does.
    public var next: Int?

    /// Creates a range.
    public init(start: Int, end: Int, line: Int? = nil, next: Int? = nil) {
        self.start = start
        self.end = end
        self.line = line
        self.next = next
    }
}

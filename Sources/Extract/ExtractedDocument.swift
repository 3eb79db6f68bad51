/// What extraction makes of one document: metadata and, page by page, the
/// normalized text and the passages cut from it.
///
/// This is also the message a worker process writes (as JSON) for its parent,
/// so it is `Codable` and holds only plain values.
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

    /// Creates a document.
    public init(title: String?, author: String?, created: String?, modified: String?, pages: [ExtractedPage]) {
        self.title = title
        self.author = author
        self.created = created
        self.modified = modified
        self.pages = pages
    }

    /// Pages that have text.
    public var pagesWithText: Int { pages.filter { !$0.text.isEmpty }.count }

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

    /// Creates a page.
    public init(index: Int, label: String?, text: String, passages: [PassageRange]) {
        self.index = index
        self.label = label
        self.text = text
        self.passages = passages
    }
}

/// A passage's place in its page text, in Unicode scalars.
public struct PassageRange: Codable, Sendable, Equatable {
    /// First scalar.
    public var start: Int
    /// One past the last scalar.
    public var end: Int
    /// For a note, the 1-based line the passage starts on.
    public var line: Int?

    /// Creates a range.
    public init(start: Int, end: Int, line: Int? = nil) {
        self.start = start
        self.end = end
        self.line = line
    }
}

/// Why a document could not be extracted, in one line.
public enum ExtractionError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The PDF asks for a password.
    case encrypted
    /// The file is not a PDF poppler can read.
    case unreadable(String)
    /// The worker process crashed.
    case crashed(String)
    /// The worker process ran out of time.
    case timedOut(seconds: Int)
    /// The worker process failed for another reason.
    case failed(String)

    public var description: String {
        switch self {
        case .encrypted: return "password-protected PDF; Dossier cannot read it"
        case .unreadable(let why): return "not a readable PDF (\(why))"
        case .crashed(let why): return "the extractor crashed on it (\(why))"
        case .timedOut(let seconds): return "extraction took longer than \(seconds) s and was stopped"
        case .failed(let why): return why
        }
    }
}

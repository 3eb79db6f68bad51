import DossierCore
import CPoppler
import Foundation

/// Raw page text and metadata of a PDF, read through libpoppler-glib.
///
/// Poppler gives each page's text in reading order (the order `pdftotext`
/// uses without `-layout`) and the page's label from the PDF's page-label
/// tree, which is how printed page numbers ("iv", "12") differ from physical
/// indices. This runs inside a worker process (see ``ExtractionPool``):
/// poppler is C and a hostile PDF may crash or hang it.
public enum PDFText {
    /// One page as poppler gives it.
    public struct RawPage: Sendable {
        /// 1-based physical index.
        public var index: Int
        /// The printed label, if the PDF defines one.
        public var label: String?
        /// The text, not yet normalized.
        public var text: String
        /// A scanned page: no word in its text layer, images over most of it (``PageOCR/needsOCR(_:text:)``).
        public var needsOCR = false
    }

    /// A document as poppler gives it.
    public struct RawDocument: Sendable {
        /// Document information: title.
        public var title: String?
        /// The first page's text set larger than the rest, if any (see ``largestText(_:text:)``).
        public var largestText: String?
        /// Document information: author.
        public var author: String?
        /// Document information: the program that wrote the PDF.
        public var producer: String?
        /// Document information: the program the document was made in.
        public var creator: String?
        /// Creation date, ISO 8601.
        public var created: String?
        /// Modification date, ISO 8601.
        public var modified: String?
        /// The XMP metadata packet, if the PDF has one.
        public var xmp: String?
        /// Pages in order.
        public var pages: [RawPage]
    }

    /// Reads every page of the PDF at `path`.
    public static func read(path: String) throws -> RawDocument {
        let document = try open(path)
        defer { g_object_unref(UnsafeMutableRawPointer(document)) }

        var pages: [RawPage] = []
        var largest: String?
        var looked = false
        let count = Int(poppler_document_get_n_pages(document))
        pages.reserveCapacity(count)
        for i in 0..<count {
            guard let page = poppler_document_get_page(document, Int32(i)) else {
                pages.append(RawPage(index: i + 1, label: nil, text: ""))
                continue
            }
            let raw = take(poppler_page_get_text(page)) ?? ""
            var ignored: [Int]?
            let text = separated(page, raw, origins: &ignored)
            let label = take(poppler_page_get_label(page)).flatMap { $0.isEmpty ? nil : $0 }
            // The title's type is looked for on the first page with words (a blank cover goes before some).
            if largest == nil, !looked, hasWords(raw) {
                largest = largestText(page, text: raw)
                looked = true
            }
            let scanned = PageOCR.needsOCR(page, text: raw)
            g_object_unref(UnsafeMutableRawPointer(page))
            pages.append(RawPage(index: i + 1, label: label, text: text, needsOCR: scanned))
        }
        return RawDocument(
            title: clean(take(poppler_document_get_title(document))),
            largestText: largest,
            author: clean(take(poppler_document_get_author(document))),
            producer: clean(take(poppler_document_get_producer(document))),
            creator: clean(take(poppler_document_get_creator(document))),
            created: date(poppler_document_get_creation_date(document)),
            modified: date(poppler_document_get_modification_date(document)),
            xmp: take(poppler_document_get_metadata(document)),
            pages: pages)
    }

    /// Whether `text` holds a word (three letters or more): a page with
    /// text, not only a page number or a logo's letter.
    static func hasWords(_ text: String) -> Bool {
        var run = 0
        for scalar in text.unicodeScalars {
            run = scalar.properties.isAlphabetic ? run + 1 : 0
            if run >= 3 { return true }
        }
        return false
    }

    /// The text of a page set in its largest type, when that type stands
    /// out: what a title page shows as its title, however many lines it
    /// wraps over. Poppler gives runs of text in one font and size as
    /// ranges of the page's text; the runs in the largest size (within 10%)
    /// that hold letters are taken from the first to the last before smaller
    /// type, their line breaks made spaces. Nothing is returned when they
    /// hold more than half the letters of a page of text (it has no type
    /// that stands out), are too long (over 250 characters) or too short
    /// (under 3 letters) to be a title, or are a numbered section heading.
    static func largestText(_ page: OpaquePointer, text: String) -> String? {
        guard let list = poppler_page_get_text_attributes(page) else { return nil }
        defer { poppler_page_free_text_attributes(list) }
        let scalars = Array(text.unicodeScalars)
        struct Run {
            var size: Double
            var range: ClosedRange<Int>
            var letters: Int
        }
        var runs: [Run] = []
        var node: UnsafeMutablePointer<GList>? = list
        while let current = node {
            if let data = current.pointee.data {
                let attributes = data.assumingMemoryBound(to: PopplerTextAttributes.self).pointee
                let start = max(0, Int(attributes.start_index)), end = min(scalars.count - 1, Int(attributes.end_index))
                if start <= end {
                    let letters = scalars[start...end].reduce(0) { $0 + ($1.properties.isAlphabetic ? 1 : 0) }
                    runs.append(Run(size: attributes.font_size, range: start...end, letters: letters))
                }
            }
            node = current.pointee.next
        }
        guard let largest = runs.filter({ $0.letters >= 2 }).map(\.size).max() else { return nil }
        guard let first = runs.firstIndex(where: { $0.letters > 0 && $0.size >= largest * 0.9 }) else { return nil }
        // On to the last large run before smaller type with more than 3
        // letters: a logo's small capitals (the "A" of LaTeX) or a footnote
        // mark inside a title do not end it.
        var last = first
        var smaller = 0
        for i in (first + 1)..<runs.count where runs[i].letters > 0 {
            if runs[i].size >= largest * 0.9 {
                last = i
                smaller = 0
            } else {
                smaller += runs[i].letters
                if smaller > 3 { break }
            }
        }
        let lower = runs[first].range.lowerBound, upper = runs[last].range.upperBound
        guard lower <= upper else { return nil }
        // Type that most of a page of text is set in stands out from nothing
        // (a cover page of a few lines is all title, and may be).
        let pageLetters = runs.reduce(0) { $0 + $1.letters }
        let titleLetters = runs[first...last].reduce(0) { $0 + $1.letters }
        if pageLetters > 150, titleLetters * 2 > pageLetters { return nil }
        var title = String(String.UnicodeScalarView(scalars[lower...upper]))
        title = title.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
        let letters = title.unicodeScalars.filter(\.properties.isAlphabetic).count
        guard letters >= 3, title.count <= 250 else { return nil }
        // A numbered heading ("1 Introduction", "2.3 Scope") is a section's, not the document's.
        if let space = title.firstIndex(of: " "), title[..<space].allSatisfy({ $0.isNumber || $0 == "." }) { return nil }
        return title
    }

    /// The PDF at `path`, opened by poppler (the caller unrefs it); an
    /// encrypted or unreadable file is an ``ExtractionError``.
    static func open(_ path: String) throws -> OpaquePointer {
        var error: UnsafeMutablePointer<GError>?
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        guard let uri = g_filename_to_uri(absolute, nil, &error) else {
            throw ExtractionError.unreadable(consume(&error) ?? "bad file name")
        }
        defer { g_free(uri) }
        guard let document = poppler_document_new_from_file(uri, nil, &error) else {
            let encrypted = error.map { $0.pointee.domain == poppler_error_quark() && $0.pointee.code == Int32(POPPLER_ERROR_ENCRYPTED.rawValue) } ?? false
            let message = consume(&error) ?? "unknown error"
            throw encrypted ? ExtractionError.encrypted : ExtractionError.unreadable(message)
        }
        return document
    }

    /// The page's text `raw` (poppler's) with the word, line and paragraph
    /// boundaries its glyphs' boxes call for (``PageLayout``); `origins`, if
    /// asked for, maps each scalar of the result to poppler's character.
    static func separated(_ page: OpaquePointer, _ raw: String, origins: inout [Int]?) -> String {
        var rectangles: UnsafeMutablePointer<PopplerRectangle>?
        var count: guint = 0
        guard !raw.isEmpty, poppler_page_get_text_layout(page, &rectangles, &count) != 0, let rectangles else {
            if origins != nil { origins = Array(0..<raw.unicodeScalars.count) }
            return raw
        }
        defer { g_free(rectangles) }
        let boxes = (0..<Int(count)).map { i in
            PageLayout.Box(x1: rectangles[i].x1, y1: rectangles[i].y1, x2: rectangles[i].x2, y2: rectangles[i].y2)
        }
        return PageLayout.separate(raw, boxes: boxes, origins: &origins)
    }

    static func take(_ pointer: UnsafeMutablePointer<gchar>?) -> String? {
        guard let pointer else { return nil }
        defer { g_free(pointer) }
        return String(cString: pointer)
    }

    private static func consume(_ error: inout UnsafeMutablePointer<GError>?) -> String? {
        guard let e = error else { return nil }
        defer { g_error_free(e); error = nil }
        return e.pointee.message.map { String(cString: $0) }
    }

    private static func clean(_ text: String?) -> String? {
        guard let text else { return nil }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines.union(.controlCharacters))
        return trimmed.isEmpty ? nil : trimmed
    }

    private static func date(_ time: time_t) -> String? {
        guard time > 0 else { return nil }
        return Date(timeIntervalSince1970: TimeInterval(time)).formatted(Date.ISO8601FormatStyle())
    }
}
